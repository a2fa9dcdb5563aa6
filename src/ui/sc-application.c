#include "sc-application.h"
struct _ScApplication { GtkApplication parent; };
G_DEFINE_FINAL_TYPE (ScApplication, sc_application, GTK_TYPE_APPLICATION)
static void sc_application_class_init (ScApplicationClass *k) {}
static void sc_application_init (ScApplication *s) {}
ScApplication *sc_application_new (void) { return g_object_new (sc_application_get_type (), "application-id", "io.github.smtpclient.SmtpClient", NULL); }

#pragma once
#include <gtk/gtk.h>
G_DECLARE_FINAL_TYPE (ScApplication, sc_application, SC, APPLICATION, GtkApplication)
ScApplication *sc_application_new (void);

/* sc-application.c — the GtkApplication of the composer
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-application"

#include "config.h"

#include "sc-application.h"

#include <glib/gi18n.h>

#include "sc-cli.h"
#include "sc-settings-store.h"
#include "sc-window.h"

struct _ScApplication
{
  AdwApplication  parent_instance;

  GFile          *settings_dir;   /* this process's --settings, for its first activation */
};

G_DEFINE_FINAL_TYPE (ScApplication, sc_application, ADW_TYPE_APPLICATION)

/* ------------------------------------------------------------------------------------------ */
/* Actions                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing asks about unsaved changes, window by window. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The SMTP Client authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-icon", APP_ID,
                        "application-name", _("SMTP Client"),
                        "developer-name", _("The SMTP Client authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Write an e-mail and send it over a secure SMTP "
                                      "connection, with every field filled from your "
                                      "settings."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: your name(s), one per line, shown in About */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
};

/* ------------------------------------------------------------------------------------------ */
/* GApplication                                                                               */
/* ------------------------------------------------------------------------------------------ */

static int
sc_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  ScApplication *self = SC_APPLICATION (application);
  const char *dir = NULL;
  int status;

  /* --send: sent from here, without a window */
  status = sc_cli_handle_local_options (application, options);
  if (status >= 0)
    return status;

  if (g_variant_dict_lookup (options, "settings", "^&ay", &dir) && dir != NULL && dir[0] != '\0')
    {
      g_autoptr(GFile) folder = g_file_new_for_commandline_arg (dir);
      g_autoptr(GError) error = NULL;

      /* One window per settings folder: an instance already running opens this folder's
       * window (or raises it), and this process is done. */
      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      if (g_application_get_is_remote (application))
        {
          g_application_open (application, &folder, 1, "");
          return 0;
        }

      g_set_object (&self->settings_dir, folder);
    }

  return G_APPLICATION_CLASS (sc_application_parent_class)->handle_local_options (application,
                                                                                  options);
}

static void
sc_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  g_type_ensure (SC_TYPE_WINDOW);

  G_APPLICATION_CLASS (sc_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit",
                                         quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                         "win.show-help-overlay", shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "window.close",
                                         close_accels);
}

/* The window of @dir (NULL: the default folder), made if there is none yet, presented. */
static void
present_folder (ScApplication *self,
                GFile         *dir)
{
  g_autoptr(GFile) default_dir = NULL;
  GtkWindow *window = NULL;

  if (dir == NULL)
    dir = default_dir = sc_settings_default_directory (NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self));
       l != NULL && window == NULL && dir != NULL;
       l = l->next)
    {
      g_autoptr(ScSettings) settings = NULL;

      if (!SC_IS_WINDOW (l->data))
        continue;
      g_object_get (l->data, "settings", &settings, NULL);
      if (settings != NULL && g_file_equal (sc_settings_get_directory (settings), dir))
        window = l->data;
    }

  if (window == NULL)
    window = GTK_WINDOW (sc_window_new (GTK_APPLICATION (self), dir));

  gtk_window_present (window);
}

static void
sc_application_activate (GApplication *application)
{
  ScApplication *self = SC_APPLICATION (application);
  g_autoptr(GFile) dir = g_steal_pointer (&self->settings_dir);

  /* The first activation opens this process's --settings; later ones come from launches
   * without --settings: the default folder. */
  present_folder (self, dir);
}

/* Another launch with --settings DIR: DIR's window. */
static void
sc_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    present_folder (SC_APPLICATION (application), files[i]);
}

static void
sc_application_finalize (GObject *object)
{
  ScApplication *self = SC_APPLICATION (object);

  g_clear_object (&self->settings_dir);

  G_OBJECT_CLASS (sc_application_parent_class)->finalize (object);
}

static void
sc_application_class_init (ScApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sc_application_finalize;
  application_class->handle_local_options = sc_application_handle_local_options;
  application_class->startup = sc_application_startup;
  application_class->activate = sc_application_activate;
  application_class->open = sc_application_open;
}

static void
sc_application_init (ScApplication *self)
{
  /* The options of smtp-client, which runs this program with its own command line (and
   * answers --help itself). */
  sc_cli_add_options (G_APPLICATION (self));
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_application_new:
 *
 * Returns: (transfer full): the application, with the id APP_ID
 */
ScApplication *
sc_application_new (void)
{
  return g_object_new (SC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/smtpclient/SmtpClient",
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

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
#include "sc-window.h"

struct _ScApplication
{
  AdwApplication  parent_instance;

  GFile          *settings_dir;
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

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
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
      g_clear_object (&self->settings_dir);
      self->settings_dir = g_file_new_for_commandline_arg (dir);
    }

  return G_APPLICATION_CLASS (sc_application_parent_class)->handle_local_options (application,
                                                                                  options);
}

static void
sc_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  g_type_ensure (SC_TYPE_WINDOW);

  G_APPLICATION_CLASS (sc_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit",
                                         quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "window.close",
                                         close_accels);
}

static void
sc_application_activate (GApplication *application)
{
  ScApplication *self = SC_APPLICATION (application);
  GtkWindow *window;

  /* One main window: a second launch presents it. */
  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    window = GTK_WINDOW (sc_window_new (GTK_APPLICATION (application), self->settings_dir));

  gtk_window_present (window);
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
}

static void
sc_application_init (ScApplication *self)
{
  sc_cli_add_options (G_APPLICATION (self));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Write an e-mail in a window, or send the one "
                                              "described by the settings folder with --send."));
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
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

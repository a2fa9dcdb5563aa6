/* main.c — smtp-client: the window, or a headless send with --send
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sc-cli.h"

#ifdef SC_HAVE_GUI
#include "sc-application.h"
#else
/* Built without the window: only --send. */
static int
handle_local_options_cb (GApplication *application,
                         GVariantDict *options,
                         gpointer      user_data)
{
  int status = sc_cli_handle_local_options (application, options);

  if (status >= 0)
    return status;

  /* Translators: the program was built without its window (meson -Dgui=disabled). */
  g_printerr (_("smtp-client: this build has no window; use --send (see --help)\n"));
  return SC_EXIT_USAGE;
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GApplication) app = NULL;
  /* The tests (and `meson devenv`) run the built program with the translations of the build
   * folder, which has the same layout as LOCALEDIR (ru/LC_MESSAGES/smtp-client.mo). */
  const char *localedir = g_getenv ("SC_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

#ifdef SC_HAVE_GUI
  app = G_APPLICATION (sc_application_new ());
#else
  app = g_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  sc_cli_add_options (app);
  g_application_set_option_context_summary (app, _("Send the e-mail described by the settings "
                                                   "folder (--send)."));
  g_signal_connect (app, "handle-local-options", G_CALLBACK (handle_local_options_cb), NULL);
#endif

  return g_application_run (app, argc, argv);
}

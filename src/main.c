/* main.c — smtp-client: the window, or a headless send with --send
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sc-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ScApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* --send is handled in handle_local_options (sc_cli_handle_local_options ()) */
  app = sc_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}

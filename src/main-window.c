/* main-window.c — smtp-client-window: the composer window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Installed in libexecdir: smtp-client (main.c) becomes this program, with the same
 * arguments, when the command line asks for no headless action.
 */

#include "config.h"

#include "sc-application.h"
#include "sc-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ScApplication) app = NULL;

  sc_cli_bind_text_domain ();
  /* The program the user ran: in messages, and in the window's class on X11. */
  g_set_prgname ("smtp-client");

  app = sc_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}

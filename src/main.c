/* main.c — smtp-client: the command line; a headless send without GTK, or the window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This program links the engine only. --send, --test-connection, --send-outbox, --list-sent
 * and --list-outbox run here; anything else asks for the window, and this process becomes
 * smtp-client-window (execv, same arguments, same process id), which links GTK.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "sc-cli.h"

#ifdef SC_HAVE_GUI
#define WINDOW_PROGRAM "smtp-client-window"

/* Where smtp-client-window is: beside this executable (the build folder, where meson puts
 * both), else LIBEXECDIR under the same root as this executable's BINDIR (the installed one;
 * also a staged install under a DESTDIR). */
static GPtrArray *
window_program_candidates (void)
{
  GPtrArray *candidates = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *root = NULL;

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);

      g_ptr_array_add (candidates, g_build_filename (dir, WINDOW_PROGRAM, NULL));
      if (g_str_has_suffix (dir, BINDIR))
        root = g_strndup (dir, strlen (dir) - strlen (BINDIR));
    }
  g_ptr_array_add (candidates, g_strconcat (root != NULL ? root : "",
                                            LIBEXECDIR G_DIR_SEPARATOR_S WINDOW_PROGRAM, NULL));

  return candidates;
}

/* Becomes smtp-client-window with @argv. Returns only if no candidate could be run. */
static void
exec_window_program (char **argv)
{
  g_autoptr(GPtrArray) candidates = window_program_candidates ();

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *path = candidates->pdata[i];

      execv (path, argv);
      /* A missing one is expected (the build folder's is not installed); anything else is
       * worth naming. */
      if (errno != ENOENT && errno != ENOTDIR)
        g_printerr ("%s: %s\n", path, g_strerror (errno));
    }
}
#endif

static int
handle_local_options_cb (GApplication *application,
                         GVariantDict *options,
                         gpointer      user_data)
{
  int status = sc_cli_handle_local_options (application, options);

  if (status >= 0)
    return status;

#ifdef SC_HAVE_GUI
  exec_window_program (user_data);
#endif

  /* Translators: the program was built without its window (meson -Dgui=disabled), or the
   * window's program (smtp-client-window) is missing. */
  g_printerr (_("smtp-client: this build has no window; use --send (see --help)\n"));
  return SC_EXIT_USAGE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GApplication) app = NULL;

  sc_cli_bind_text_domain ();

  /* Only parses the options (with the window's --help): it never registers on D-Bus, as
   * handle-local-options always returns an exit status. */
  app = g_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  sc_cli_add_options (app);
#ifdef SC_HAVE_GUI
  g_application_set_option_context_summary (app, _("Write an e-mail in a window, or send the "
                                                   "one described by the settings folder with "
                                                   "--send."));
#else
  g_application_set_option_context_summary (app, _("Send the e-mail described by the settings "
                                                   "folder (--send)."));
#endif
  /* g_application_run () parses a copy of argv: @argv is still the whole command line. */
  g_signal_connect (app, "handle-local-options", G_CALLBACK (handle_local_options_cb), argv);

  return g_application_run (app, argc, argv);
}

/* test-application.c — one window per settings folder, across launches
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb inside its own D-Bus session (dbus-run-session), so that the application id
 * is ours alone. This process is the running instance; the real smtp-client binary (which
 * becomes smtp-client-window, the window's program, beside it in the build folder) is launched
 * again with --settings, as a user would, and must hand the folder over to us: a new folder
 * opens a second window, the same folder opens none.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sc-application.h"
#include "sc-settings.h"
#include "sc-ui-test-utils.h"
#include "sc-window.h"

typedef struct
{
  ScApplication *app;
  char          *tmp;
} Fixture;

static char *
make_folder (Fixture    *fixture,
             const char *name)
{
  char *dir = g_build_filename (fixture->tmp, name, NULL);

  /* An empty folder is enough: the window reports what is missing, and writes nothing. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static guint
count_windows (Fixture *fixture)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (fixture->app));
       l != NULL;
       l = l->next)
    n += SC_IS_WINDOW (l->data);
  return n;
}

static gboolean
has_window_for (Fixture    *fixture,
                const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (fixture->app));
       l != NULL;
       l = l->next)
    {
      g_autoptr(ScSettings) settings = NULL;

      if (!SC_IS_WINDOW (l->data))
        continue;
      g_object_get (l->data, "settings", &settings, NULL);
      if (g_file_equal (sc_settings_get_directory (settings), dir))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  Fixture *fixture;
  guint    n;
} Count;

static gboolean
has_n_windows (gpointer data)
{
  Count *count = data;

  return count_windows (count->fixture) == count->n;
}

typedef struct
{
  gboolean done;
  int      status;
} Launch;

static void
launch_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Launch *launch = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error);
  g_assert_no_error (error);
  launch->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  launch->done = TRUE;
}

static gboolean
launch_is_done (gpointer data)
{
  return ((Launch *) data)->done;
}

/* Launches the real binary with --settings @dir and waits until it exits (having handed the
 * folder over to this instance); the main context runs meanwhile, to answer it. */
static void
launch_with_folder (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  Launch launch = { FALSE, -1 };

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                              g_getenv ("SC_CLIENT_BIN"), "--settings", dir, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, launch_done_cb, &launch);
  g_assert_true (sc_ui_test_wait_until (launch_is_done, &launch, SC_UI_TEST_WAIT_MS));
  g_assert_cmpint (launch.status, ==, 0);
}

static void
test_one_window_per_folder (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autoptr(GFile) first_file = NULL;
  Count two = { &fixture, 2 };
  Count three = { &fixture, 3 };

  fixture.tmp = g_dir_make_tmp ("sc-test-app-XXXXXX", &error);
  g_assert_no_error (error);
  first = make_folder (&fixture, "first");
  second = make_folder (&fixture, "second");
  third = make_folder (&fixture, "third");

  /* This process is the instance, started with --settings first. */
  fixture.app = sc_application_new ();
  g_application_register (G_APPLICATION (fixture.app), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (fixture.app)));
  first_file = g_file_new_for_path (first);
  g_application_open (G_APPLICATION (fixture.app), &first_file, 1, "");
  g_assert_cmpuint (count_windows (&fixture), ==, 1);
  g_assert_true (has_window_for (&fixture, first));

  /* Another folder: a second window in the same instance. */
  launch_with_folder (second);
  g_assert_true (sc_ui_test_wait_until (has_n_windows, &two, SC_UI_TEST_WAIT_MS));
  g_assert_true (has_window_for (&fixture, second));

  /* The same folder again: no new window. The launches are answered in order, so once the
   * third folder's window is there, the repeated one has been handled. */
  launch_with_folder (first);
  launch_with_folder (third);
  g_assert_true (sc_ui_test_wait_until (has_n_windows, &three, SC_UI_TEST_WAIT_MS));
  g_assert_true (has_window_for (&fixture, third));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (fixture.app)); l != NULL;
       l = gtk_application_get_windows (GTK_APPLICATION (fixture.app)))
    gtk_window_destroy (l->data);
  g_clear_object (&fixture.app);

  /* The folders were empty and nothing was saved: nothing was written into them. */
  g_assert_cmpint (g_rmdir (first), ==, 0);
  g_assert_cmpint (g_rmdir (second), ==, 0);
  g_assert_cmpint (g_rmdir (third), ==, 0);
  g_assert_cmpint (g_rmdir (fixture.tmp), ==, 0);
  g_free (fixture.tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  /* No accessibility bus: this session bus would start one, which talks on stdout. */
  g_setenv ("GTK_A11Y", "none", TRUE);

  g_test_add_func ("/application/one-window-per-folder", test_one_window_per_folder);

  return g_test_run ();
}

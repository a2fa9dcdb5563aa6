/* sc-ui-test-utils.c — helpers shared by the window tests and the screenshot maker
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-ui-test-utils"

#include "config.h"

#include "sc-ui-test-utils.h"

#include "sc-window-private.h"

/**
 * sc_ui_test_wait_until:
 * @condition: checked before each main context iteration
 * @data: passed to @condition
 * @timeout_ms: the longest wait
 *
 * Iterates the default main context until @condition holds, for at most @timeout_ms.
 *
 * Returns: whether @condition holds
 */
gboolean
sc_ui_test_wait_until (ScUiTestCondition condition,
                       gpointer          data,
                       guint             timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }

  return TRUE;
}

/**
 * sc_ui_test_spin:
 * @ms: how long
 *
 * Iterates the default main context for @ms milliseconds.
 */
void
sc_ui_test_spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/**
 * sc_ui_test_window_idle:
 * @window: an #ScWindow
 *
 * Returns: whether nothing (load, listing, save, send) is in flight in @window
 */
gboolean
sc_ui_test_window_idle (gpointer window)
{
  return !_sc_window_is_busy (SC_WINDOW (window));
}

/**
 * sc_ui_test_window_mapped:
 * @window: an #ScWindow
 *
 * Returns: whether @window is on screen
 */
gboolean
sc_ui_test_window_mapped (gpointer window)
{
  return gtk_widget_get_mapped (GTK_WIDGET (window));
}

/**
 * sc_ui_test_wait_idle:
 * @window: an #ScWindow
 *
 * Waits (at most %SC_UI_TEST_WAIT_MS) until nothing is in flight in @window.
 *
 * Returns: whether @window became idle in time
 */
gboolean
sc_ui_test_wait_idle (ScWindow *window)
{
  return sc_ui_test_wait_until (sc_ui_test_window_idle, window, SC_UI_TEST_WAIT_MS);
}

/**
 * sc_ui_test_open_window:
 * @dir: the settings folder
 * @width: the default width, or -1
 * @height: the default height, or -1
 *
 * Opens a window on @dir and waits until it is on screen and has read its settings. Fails the
 * test (or aborts the program) if it does not settle within %SC_UI_TEST_WAIT_MS.
 *
 * Returns: (transfer none): the window, destroyed with sc_ui_test_close_window ()
 */
ScWindow *
sc_ui_test_open_window (const char *dir,
                        int         width,
                        int         height)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  ScWindow *window = sc_window_new (NULL, file);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (sc_ui_test_wait_until (sc_ui_test_window_mapped, window, SC_UI_TEST_WAIT_MS));
  g_assert_true (sc_ui_test_wait_idle (window));

  return window;
}

/**
 * sc_ui_test_close_window:
 * @window: (inout) (nullable): a window from sc_ui_test_open_window (), or %NULL
 *
 * Destroys *@window, if any, lets the main context see it go, and clears *@window.
 */
void
sc_ui_test_close_window (ScWindow **window)
{
  if (*window == NULL)
    return;

  gtk_window_destroy (GTK_WINDOW (*window));
  *window = NULL;
  sc_ui_test_spin (50);
}

/**
 * sc_ui_test_make_file:
 * @dir: a folder
 * @name: the file's name (may include a subfolder that exists)
 * @size: its size in bytes
 *
 * Writes a file of @size bytes of varied content.
 *
 * Returns: (transfer full): its path
 */
char *
sc_ui_test_make_file (const char *dir,
                      const char *name,
                      gsize       size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = g_malloc (size);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (char) ((i * 7 + i / 251) & 0xff);
  g_file_set_contents (path, data, size, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

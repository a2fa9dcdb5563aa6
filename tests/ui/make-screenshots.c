/* make-screenshots.c — renders the composer window in each state to PNG files
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage (under Xvfb, see make-screenshots.sh): make-screenshots OUTPUT-DIR
 *
 * Writes main-window.png (pre-filled, idle), sending.png (progress), sent.png (success) and
 * error.png (a server whose certificate is not trusted), each from the real window talking to a
 * real test server on 127.0.0.1.
 */

#define G_LOG_DOMAIN "make-screenshots"

#include "config.h"

#include <adwaita.h>

#include "sc-test-server.h"
#include "sc-window-private.h"

#define WAIT_MS 30000

static const char *body_text =
  "Hello team,\n"
  "\n"
  "attached are the figures for the third quarter and the photos from the\n"
  "site visit. The summary is in the report; the raw data is in the CSV file.\n"
  "\n"
  "Best regards,\n"
  "Sam\n";

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_until (Condition condition,
            gpointer  data,
            guint     timeout_ms)
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

static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static gboolean
window_idle (gpointer data)
{
  return !_sc_window_is_busy (SC_WINDOW (data));
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
progress_visible (gpointer data)
{
  ScWindow *window = SC_WINDOW (data);

  return !window->sending || gtk_progress_bar_get_fraction (window->progress_bar) > 0.3;
}

static void
save_png (ScWindow   *window,
          const char *dir,
          const char *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GtkSnapshot *snapshot;
  int width;
  int height;

  /* Let the last change reach layout and paint. */
  spin (400);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  g_assert (width > 0 && height > 0);

  /* A widget paintable draws nothing for a toplevel: run the window's own snapshot. */
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (window)->snapshot (GTK_WIDGET (window), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert (node != NULL);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Cannot write %s", path);
  g_print ("%s\n", path);
}

static void
write_attachment (const char *dir,
                  const char *name,
                  gsize       size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = g_malloc (size);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (char) ((i * 13 + i / 509) & 0xff);
  if (!g_file_set_contents (path, data, size, &error))
    g_error ("%s", error->message);
}

static ScWindow *
open_window (ScTestServer *server,
             const char   *dir,
             gsize         photo_size)
{
  static const char * const to[] = { "alice@example.com", "bob@example.org", NULL };
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *photo = g_build_filename (dir, "site-visit.jpg", NULL);
  ScWindow *window;

  sc_test_write_settings (server, dir, to, "Q3 report and site visit photos", body_text);
  write_attachment (dir, "attachments/q3-report.pdf", 184320);
  write_attachment (dir, "attachments/q3-figures.csv", 12800);
  write_attachment (dir, "site-visit.jpg", photo_size);

  window = sc_window_new (NULL, folder);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 1330);
  gtk_window_present (GTK_WINDOW (window));
  if (!wait_until (window_mapped, window, WAIT_MS) || !wait_until (window_idle, window, WAIT_MS))
    g_error ("The window did not settle");

  /* Added by hand, as the Add Attachment chooser does. */
  g_ptr_array_add (files, g_file_new_for_path (photo));
  _sc_window_add_attachment_files (window, files);
  if (!wait_until (window_idle, window, WAIT_MS))
    g_error ("The attachment was not measured");

  return window;
}

static ScTestServer *
start_server (const ScTestServerOptions *options)
{
  g_autoptr(GError) error = NULL;
  ScTestServer *server = sc_test_server_start (options, &error);

  if (server == NULL)
    g_error ("%s", error->message);
  return server;
}

int
main (int   argc,
      char *argv[])
{
  ScTestServerOptions plain_options = { .mode = SC_TEST_SERVER_TLS };
  ScTestServerOptions slow_options = { .mode = SC_TEST_SERVER_TLS, .data_delay_ms = 40 };
  ScTestServerOptions untrusted_options = { .mode = SC_TEST_SERVER_TLS, .untrusted_cert = TRUE };
  const char *out;
  ScTestServer *server;
  ScWindow *window;
  char *dir;

  if (argc != 2)
    {
      g_printerr ("usage: %s OUTPUT-DIR\n", argv[0]);
      return 2;
    }
  out = argv[1];

  gtk_init ();
  adw_init ();

  /* Idle and pre-filled, then sent. */
  server = start_server (&plain_options);
  dir = sc_test_make_tmpdir ();
  window = open_window (server, dir, 2400000);
  save_png (window, out, "main-window.png");

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.send", NULL);
  if (!wait_until (window_idle, window, WAIT_MS))
    g_error ("Sending did not finish");
  g_print ("sent: %s\n", _sc_window_get_status_text (window));
  save_png (window, out, "sent.png");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
  sc_test_server_stop (server);
  sc_test_rm_rf (dir);
  g_free (dir);

  /* Sending, against a slow server; then cancelled. */
  server = start_server (&slow_options);
  dir = sc_test_make_tmpdir ();
  window = open_window (server, dir, 8000000);
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.send", NULL);
  if (!wait_until (progress_visible, window, WAIT_MS))
    g_error ("No progress");
  save_png (window, out, "sending.png");
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.cancel", NULL);
  if (!wait_until (window_idle, window, WAIT_MS))
    g_error ("Cancelling did not finish");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
  sc_test_server_stop (server);
  sc_test_rm_rf (dir);
  g_free (dir);

  /* An error: the server's certificate is from a CA we do not trust. */
  server = start_server (&untrusted_options);
  dir = sc_test_make_tmpdir ();
  window = open_window (server, dir, 2400000);
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.send", NULL);
  if (!wait_until (window_idle, window, WAIT_MS))
    g_error ("Sending did not finish");
  g_print ("error: %s\n", _sc_window_get_status_text (window));
  save_png (window, out, "error.png");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
  sc_test_server_stop (server);
  sc_test_rm_rf (dir);
  g_free (dir);

  return 0;
}

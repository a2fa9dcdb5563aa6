/* test-window.c — the composer window, in process, against a real SMTP server (run under Xvfb)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <adwaita.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "sc-test-server.h"
#include "sc-ui-test-utils.h"
#include "sc-window-private.h"

typedef struct
{
  ScTestServer *server;
  char         *dir;
  ScWindow     *window;
} Fixture;

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static gboolean
window_sending (gpointer data)
{
  return SC_WINDOW (data)->sending;
}

static gboolean
progress_started (gpointer data)
{
  ScWindow *window = SC_WINDOW (data);

  return !window->sending || gtk_progress_bar_get_fraction (window->progress_bar) > 0.0;
}

static JsonObject *
read_json (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
set_text (gpointer    editable,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static const char *
get_text (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static char *
get_body (ScWindow *window)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (window->body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Fixture                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
fixture_set_up_with (Fixture                   *fixture,
                     const ScTestServerOptions *options)
{
  g_autoptr(GError) error = NULL;

  fixture->server = sc_test_server_start (options, &error);
  g_assert_no_error (error);
  fixture->dir = sc_test_make_tmpdir ();
  sc_test_write_settings (fixture->server, fixture->dir, NULL, "Window test",
                          "Hello from the window.\nSecond line.\n");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };

  fixture_set_up_with (fixture, &options);
}

static void
fixture_set_up_slow (Fixture       *fixture,
                     gconstpointer  data)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .data_delay_ms = 100 };

  fixture_set_up_with (fixture, &options);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sc_ui_test_close_window (&fixture->window);
  g_clear_pointer (&fixture->server, sc_test_server_stop);
  if (fixture->dir != NULL)
    sc_test_rm_rf (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static void
test_window_fills (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *attachment = NULL;
  g_autofree char *body = NULL;
  g_autofree char *port = NULL;
  ScWindow *window;

  attachment = sc_ui_test_make_file (fixture->dir, "attachments/report.bin", 3000);

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);

  g_assert_cmpstr (_sc_window_get_status_text (window), ==, "");
  g_assert_cmpstr (get_text (window->host_row), ==, "localhost");
  port = g_strdup_printf ("%u", fixture->server->port);
  g_assert_cmpstr (get_text (window->port_row), ==, port);
  g_assert_cmpuint (adw_combo_row_get_selected (window->security_row), ==, 0);
  g_assert_cmpstr (get_text (window->login_row), ==, SC_TEST_LOGIN);
  g_assert_cmpstr (get_text (window->password_row), ==, SC_TEST_PASSWORD);
  g_assert_cmpstr (get_text (window->subject_row), ==, "Window test");
  g_assert_cmpuint (window->recipient_rows->len, ==, 2);
  g_assert_cmpstr (get_text (window->recipient_rows->pdata[0]), ==, "alice@example.com");
  g_assert_cmpstr (get_text (window->recipient_rows->pdata[1]), ==, "bob@example.com");
  body = get_body (window);
  g_assert_cmpstr (body, ==, "Hello from the window.\nSecond line.\n");

  /* The folder's file is listed with its size. */
  g_assert_cmpuint (window->attachments->len, ==, 1);
  g_assert_cmpint (((ScAttachmentEntry *) window->attachments->pdata[0])->size, ==, 3000);
  g_assert_true (((ScAttachmentEntry *) window->attachments->pdata[0])->from_folder);

  /* Nothing edited yet; the password is hidden. */
  g_assert_false (window->dirty);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "SMTP Client");

  set_text (window->subject_row, "Changed");
  g_assert_true (window->dirty);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "•"));
}

static void
test_window_save_round_trip (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(JsonObject) config = NULL;
  g_autoptr(JsonObject) credentials = NULL;
  g_autoptr(JsonObject) settings_data = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  JsonArray *to;
  JsonObject *message;
  GtkWidget *row;
  struct stat st;
  ScWindow *window;

  /* Keys we do not know must survive a save. */
  config = read_json (fixture->dir, "config.json");
  json_object_set_string_member (config, "x_unknown_key", "kept");
  {
    g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), config);
    g_autofree char *text = json_to_string (root, TRUE);

    sc_test_write_file (fixture->dir, "config.json", text, -1);
  }
  g_clear_pointer (&config, json_object_unref);

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  g_assert_cmpstr (_sc_window_get_status_text (window), ==, "");
  /* Screen readers find the status as a status bar. */
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (window->status_label)),
                   ==, GTK_ACCESSIBLE_ROLE_STATUS);

  set_text (window->subject_row, "Edited subject");
  set_text (window->host_row, "127.0.0.1");
  set_text (window->login_row, "someone@example.org");
  set_text (window->password_row, "new secret");
  row = _sc_window_add_recipient (window, "carol@example.net");
  g_assert_nonnull (row);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (window->body_view), "New body\n", -1);
  g_assert_true (window->dirty);

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.save", NULL);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_cmpstr (_sc_window_get_status_text (window), ==, "Saved");
  g_assert_false (window->dirty);

  config = read_json (fixture->dir, "config.json");
  g_assert_cmpstr (json_object_get_string_member (config, "smtp_host"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (config, "smtp_port"), ==, fixture->server->port);
  g_assert_cmpstr (json_object_get_string_member (config, "x_unknown_key"), ==, "kept");

  credentials = read_json (fixture->dir, "credentials.json");
  g_assert_cmpstr (json_object_get_string_member (credentials, "login"), ==,
                   "someone@example.org");
  g_assert_cmpstr (json_object_get_string_member (credentials, "password"), ==, "new secret");
  path = g_build_filename (fixture->dir, "credentials.json", NULL);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  settings_data = read_json (fixture->dir, "data.json");
  to = json_object_get_array_member (settings_data, "to_addrs");
  g_assert_cmpuint (json_array_get_length (to), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (to, 2), ==, "carol@example.net");
  message = json_object_get_object_member (settings_data, "message");
  g_assert_cmpstr (json_object_get_string_member (message, "subject"), ==, "Edited subject");
  g_assert_cmpstr (json_object_get_string_member (message, "message_file_path"), ==, "body.txt");

  body = sc_test_read_file (fixture->dir, "body.txt", NULL);
  g_assert_cmpstr (body, ==, "New body\n");

  /* A second window reads back what the first wrote. */
  sc_ui_test_close_window (&fixture->window);
  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  g_assert_cmpstr (get_text (window->subject_row), ==, "Edited subject");
  g_assert_cmpstr (get_text (window->password_row), ==, "new secret");
  g_assert_cmpuint (window->recipient_rows->len, ==, 3);
  contents = get_body (window);
  g_assert_cmpstr (contents, ==, "New body\n");
}

static void
assert_files_unchanged (const char *dir,
                        char      **before)
{
  static const char *names[] = { "config.json", "credentials.json", "data.json", "body.txt" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *now = sc_test_read_file (dir, names[i], NULL);

      g_assert_cmpstr (now, ==, before[i]);
    }
}

/* Save is refused: @field is marked, the status says why and no file changed. */
static void
assert_save_refused (ScWindow   *window,
                     gpointer    field,
                     const char *dir,
                     char      **before)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.save", NULL);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (field), "error"));
  g_assert_true (g_str_has_prefix (_sc_window_get_status_text (window), "Not saved"));
  g_assert_true (window->dirty);
  assert_files_unchanged (dir, before);
}

static void
test_window_invalid_blocks_save (Fixture       *fixture,
                                 gconstpointer  data)
{
  char *before[4];
  ScWindow *window;
  GtkWidget *row;

  before[0] = sc_test_read_file (fixture->dir, "config.json", NULL);
  before[1] = sc_test_read_file (fixture->dir, "credentials.json", NULL);
  before[2] = sc_test_read_file (fixture->dir, "data.json", NULL);
  before[3] = sc_test_read_file (fixture->dir, "body.txt", NULL);

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (window->body_view), "Not saved\n", -1);
  set_text (window->subject_row, "Not saved either");

  /* Port out of range. */
  set_text (window->port_row, "70000");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window->port_row), "error"));
  assert_save_refused (window, window->port_row, fixture->dir, before);
  g_assert_nonnull (strstr (_sc_window_get_status_text (window), "70000"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (window->port_row)));

  set_text (window->port_row, "0");
  assert_save_refused (window, window->port_row, fixture->dir, before);

  /* A good port, but a malformed address. */
  set_text (window->port_row, "2525");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window->port_row), "error"));
  row = _sc_window_add_recipient (window, "not an address");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  assert_save_refused (window, row, fixture->dir, before);

  /* An empty host. */
  set_text (row, "dave@example.com");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  set_text (window->host_row, "  ");
  assert_save_refused (window, window->host_row, fixture->dir, before);

  /* A line break in the subject would inject a header. */
  set_text (window->host_row, "localhost");
  set_text (window->subject_row, "Hello\r\nBcc: eve@example.com");
  if (strchr (get_text (window->subject_row), '\n') != NULL)
    assert_save_refused (window, window->subject_row, fixture->dir, before);
  set_text (window->host_row, "  ");

  /* Sending refuses the same way, without a connection. */
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.send", NULL);
  g_assert_false (window->sending);
  g_assert_true (g_str_has_prefix (_sc_window_get_status_text (window), "Not sent"));
  g_assert_cmpuint (sc_test_server_count_messages (fixture->server), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (before); i++)
    g_free (before[i]);
}

static void
test_window_broken_settings (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *config_before = NULL;
  g_autofree char *config_after = NULL;
  ScWindow *window;

  sc_test_write_file (fixture->dir, "config.json",
                      "{\n  \"smtp_host\": \"localhost\",\n  oops\n}\n", -1);
  config_before = sc_test_read_file (fixture->dir, "config.json", NULL);

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);

  /* The error names the file; what could be read is filled in. */
  g_assert_nonnull (strstr (_sc_window_get_status_text (window), "config.json"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window->status_label), "error"));
  g_assert_cmpstr (get_text (window->login_row), ==, SC_TEST_LOGIN);
  g_assert_cmpstr (get_text (window->subject_row), ==, "Window test");
  g_assert_cmpuint (window->recipient_rows->len, ==, 2);
  g_assert_false (window->dirty);

  sc_ui_test_close_window (&fixture->window);
  config_after = sc_test_read_file (fixture->dir, "config.json", NULL);
  g_assert_cmpstr (config_after, ==, config_before);
}

/* A message file that cannot be read is never overwritten, and what the user typed in its
 * place is not reported as saved. */
static void
test_window_unreadable_body (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(JsonObject) settings_data = NULL;
  g_autofree char *body_before = NULL;
  g_autofree char *body_after = NULL;
  ScWindow *window;

  sc_test_write_file (fixture->dir, "body.txt", "Latin-1 \xe9t\xe9\n", -1);
  body_before = sc_test_read_file (fixture->dir, "body.txt", NULL);

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  g_assert_nonnull (strstr (_sc_window_get_status_text (window), "UTF-8"));
  g_assert_true (gtk_text_view_get_editable (window->body_view));

  /* Only settings changed: they are saved, and that is all there is to save. */
  set_text (window->subject_row, "Settings only");
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.save", NULL);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_cmpstr (_sc_window_get_status_text (window), ==, "Saved");
  g_assert_false (window->dirty);

  /* A body typed in: the settings are saved, the body is not, and the window says so. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (window->body_view), "Typed\n", -1);
  set_text (window->subject_row, "Saved subject");
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.save", NULL);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_test_message ("status: %s", _sc_window_get_status_text (window));
  g_assert_true (g_str_has_prefix (_sc_window_get_status_text (window),
                                   "Settings saved, but not the message"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window->status_label), "error"));
  g_assert_true (window->dirty);

  settings_data = read_json (fixture->dir, "data.json");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (settings_data,
                                                                                 "message"),
                                                  "subject"), ==, "Saved subject");
  body_after = sc_test_read_file (fixture->dir, "body.txt", NULL);
  g_assert_cmpstr (body_after, ==, body_before);
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_visible (child))
        return child;
      if ((found = find_button (child)) != NULL)
        return found;
    }

  return NULL;
}

static void
test_window_missing_settings (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "does-not-exist", NULL);
  ScWindow *window;

  fixture->window = window = sc_ui_test_open_window (missing, -1, -1);
  g_test_message ("status: %s", _sc_window_get_status_text (window));
  g_assert_cmpstr (_sc_window_get_status_text (window), !=, "");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window->status_label), "error"));
  g_assert_false (window->dirty);
  sc_ui_test_close_window (&fixture->window);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

typedef struct
{
  const char *filename;
  gboolean    found;
  char       *sha256;   /* of the decoded content */
  gsize       size;     /* of the decoded content */
} FoundPart;

/* Finds the part named found->filename and checksums its decoded content as it streams by:
 * nothing of it is held in memory, so a 100 MB attachment is fine. */
static void
find_part_cb (GMimeObject *parent,
              GMimeObject *part,
              gpointer     user_data)
{
  FoundPart *found = user_data;
  GMimeStream *null;
  GMimeStream *filtered;
  GMimeFilter *checksum;

  if (!GMIME_IS_PART (part) || found->found)
    return;
  if (g_strcmp0 (g_mime_part_get_filename (GMIME_PART (part)), found->filename) != 0)
    return;

  null = g_mime_stream_null_new ();
  filtered = g_mime_stream_filter_new (null);
  checksum = g_mime_filter_checksum_new (G_CHECKSUM_SHA256);
  g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), checksum);
  g_assert_cmpint (g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (GMIME_PART (part)),
                                                        filtered), >=, 0);
  g_assert_cmpint (g_mime_stream_flush (filtered), ==, 0);

  found->found = TRUE;
  found->sha256 = g_mime_filter_checksum_get_string (GMIME_FILTER_CHECKSUM (checksum));
  found->size = GMIME_STREAM_NULL (null)->written;
  g_object_unref (checksum);
  g_object_unref (filtered);
  g_object_unref (null);
}

/* Parses the message file @eml_path (streamed from disk, not read into memory) and looks for
 * the part named found->filename. Returns the message's subject. */
static char *
find_part (const char *eml_path,
           FoundPart  *found)
{
  g_autoptr(GError) error = NULL;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;
  char *subject;

  stream = g_mime_stream_fs_open (eml_path, O_RDONLY, 0, &error);
  g_assert_no_error (error);
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_assert_nonnull (message);
  g_mime_message_foreach (message, find_part_cb, found);
  subject = g_strdup (g_mime_message_get_subject (message));
  g_object_unref (message);
  g_object_unref (parser);
  g_object_unref (stream);

  return subject;
}

static void
test_window_send (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *attachment = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expected_sha256 = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *config_before = NULL;
  g_autofree char *config_after = NULL;
  gsize expected_len = 0;
  FoundPart found = { "photo.bin" };
  FoundPart removed = { "skip-me.bin" };
  g_autofree char *skipped = NULL;
  ScAttachmentEntry *entry;
  ScWindow *window;

  attachment = sc_ui_test_make_file (fixture->dir, "photo.bin", 50000);
  skipped = sc_ui_test_make_file (fixture->dir, "attachments/skip-me.bin", 100);
  expected = sc_test_read_file (attachment, NULL, &expected_len);
  config_before = sc_test_read_file (fixture->dir, "config.json", NULL);

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  set_text (window->subject_row, "Sent from the window");

  /* The folder's file, removed with its row's button. */
  g_assert_cmpuint (window->attachments->len, ==, 1);
  entry = window->attachments->pdata[0];
  g_assert_true (entry->from_folder);
  g_signal_emit_by_name (find_button (entry->row), "clicked");
  g_assert_cmpuint (window->attachments->len, ==, 0);

  /* What the Add Attachment chooser's response does. */
  g_ptr_array_add (files, g_file_new_for_path (attachment));
  _sc_window_add_attachment_files (window, files);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_cmpuint (window->attachments->len, ==, 1);
  g_assert_cmpint (((ScAttachmentEntry *) window->attachments->pdata[0])->size, ==, 50000);

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.send", NULL);
  g_assert_true (window->sending);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (window->send_button)));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window->cancel_button)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->progress_bar)));
  g_assert_true (sc_ui_test_wait_idle (window));

  g_assert_cmpstr (_sc_window_get_status_text (window), ==, "Message sent successfully");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window->send_button)));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (window->cancel_button)));

  messages = sc_test_server_wait_messages (fixture->server, 1, SC_UI_TEST_WAIT_MS);
  g_assert_nonnull (messages);
  g_assert_cmpuint (messages->len, ==, 1);

  subject = find_part (messages->pdata[0], &found);
  g_assert_cmpstr (subject, ==, "Sent from the window");
  g_assert_true (found.found);
  g_assert_cmpuint (found.size, ==, expected_len);
  expected_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) expected,
                                                 expected_len);
  g_assert_cmpstr (found.sha256, ==, expected_sha256);
  g_free (found.sha256);
  g_free (find_part (messages->pdata[0], &removed));
  g_assert_false (removed.found);

  /* Sending writes nothing. */
  config_after = sc_test_read_file (fixture->dir, "config.json", NULL);
  g_assert_cmpstr (config_after, ==, config_before);
}

/* Writes @mib MiB to @dir/@name: one MiB of (seeded) random bytes, repeated, so it is made
 * quickly and does not compress. Returns the path; *sha256 gets the file's checksum. */
static char *
make_big_file (const char  *dir,
               const char  *name,
               guint        mib,
               char       **sha256)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  g_autoptr(GError) error = NULL;
  g_autofree guint32 *block = g_new (guint32, 1024 * 1024 / sizeof (guint32));

  for (gsize i = 0; i < 1024 * 1024 / sizeof (guint32); i++)
    block[i] = g_rand_int (rand);

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < mib; i++)
    {
      g_output_stream_write_all (G_OUTPUT_STREAM (out), block, 1024 * 1024, NULL, NULL, &error);
      g_assert_no_error (error);
      g_checksum_update (checksum, (const guchar *) block, 1024 * 1024);
    }
  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error);
  g_assert_no_error (error);

  *sha256 = g_strdup (g_checksum_get_string (checksum));
  return g_steal_pointer (&path);
}

/* Watches the main loop from a 10 ms timeout: the longest gap between two of its dispatches,
 * and each new fraction the progress bar shows during the send. */
typedef struct
{
  ScWindow *window;
  gint64    last;
  gint64    longest;
  gint64    longest_at;  /* when the longest gap ended */
  GArray   *fractions;   /* double */
} LoopWatch;

static gboolean
loop_watch_tick_cb (gpointer user_data)
{
  LoopWatch *watch = user_data;
  gint64 now = g_get_monotonic_time ();
  double fraction;

  if (now - watch->last > watch->longest)
    {
      watch->longest = now - watch->last;
      watch->longest_at = now;
    }
  watch->last = now;

  if (!watch->window->sending)
    return G_SOURCE_CONTINUE;

  fraction = gtk_progress_bar_get_fraction (watch->window->progress_bar);
  if (fraction > 0.0 && (watch->fractions->len == 0
                         || fraction != g_array_index (watch->fractions, double,
                                                       watch->fractions->len - 1)))
    g_array_append_val (watch->fractions, fraction);

  return G_SOURCE_CONTINUE;
}

static void
fixture_set_up_large (Fixture       *fixture,
                      gconstpointer  data)
{
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_TLS,
    .data_size_limit = 200 * 1024 * 1024,
  };

  fixture_set_up_with (fixture, &options);
}

/* The acceptance test "the window never freezes during a 100 MB send": a real send of a 100 MiB
 * attachment, with the main loop never blocked for long and the progress bar moving. */
static void
test_window_send_100mb (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *attachment = NULL;
  g_autofree char *expected_sha256 = NULL;
  g_autofree char *subject = NULL;
  FoundPart found = { "big.bin" };
  LoopWatch watch = { 0 };
  gint64 start;
  gint64 elapsed;
  guint tick;
  ScWindow *window;

  attachment = make_big_file (fixture->dir, "big.bin", 100, &expected_sha256);

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  set_text (window->subject_row, "100 MB from the window");
  g_ptr_array_add (files, g_file_new_for_path (attachment));
  _sc_window_add_attachment_files (window, files);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_cmpuint (window->attachments->len, ==, 1);
  g_assert_cmpint (((ScAttachmentEntry *) window->attachments->pdata[0])->size, ==,
                   100 * 1024 * 1024);

  watch.window = window;
  watch.fractions = fractions;
  watch.last = g_get_monotonic_time ();
  tick = g_timeout_add (10, loop_watch_tick_cb, &watch);

  /* The Send action itself is timed too: it runs between two ticks. */
  start = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.send", NULL);
  g_assert_true (window->sending);
  g_assert_true (sc_ui_test_wait_until (sc_ui_test_window_idle, window, 120000));
  elapsed = g_get_monotonic_time () - start;
  g_source_remove (tick);

  g_test_message ("100 MiB sent in %.1f s; longest main-loop gap %.1f ms (ending %.2f s after "
                  "Send); %u progress updates", elapsed / 1e6, watch.longest / 1e3,
                  (watch.longest_at - start) / 1e6, fractions->len);
  g_assert_cmpstr (_sc_window_get_status_text (window), ==, "Message sent successfully");

  /* Progress was shown several times, always growing. */
  g_assert_cmpuint (fractions->len, >=, 5);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >,
                       g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), >=, 0.5);

  /* Never blocked: a 10 ms timeout was never more than 250 ms late. */
  g_assert_cmpint (watch.longest, <, 250 * 1000);

  /* The server holds the attachment, byte for byte. */
  messages = sc_test_server_wait_messages (fixture->server, 1, SC_UI_TEST_WAIT_MS);
  g_assert_nonnull (messages);
  g_assert_cmpuint (messages->len, ==, 1);
  sc_ui_test_close_window (&fixture->window);
  g_assert_cmpint (g_unlink (attachment), ==, 0);

  subject = find_part (messages->pdata[0], &found);
  g_assert_cmpstr (subject, ==, "100 MB from the window");
  g_assert_true (found.found);
  g_assert_cmpuint (found.size, ==, 100 * 1024 * 1024);
  g_assert_cmpstr (found.sha256, ==, expected_sha256);
  g_free (found.sha256);
  g_assert_cmpint (g_unlink (messages->pdata[0]), ==, 0);
}

static void
test_window_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *attachment = NULL;
  ScWindow *window;

  attachment = sc_ui_test_make_file (fixture->dir, "big.bin", 4 * 1024 * 1024);

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  g_ptr_array_add (files, g_file_new_for_path (attachment));
  _sc_window_add_attachment_files (window, files);
  g_assert_true (sc_ui_test_wait_idle (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.send", NULL);
  g_assert_true (window->sending);
  g_assert_true (sc_ui_test_wait_until (progress_started, window, SC_UI_TEST_WAIT_MS));
  g_assert_true (window->sending);

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.cancel", NULL);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_false (window_sending (window));
  g_assert_cmpstr (_sc_window_get_status_text (window), ==, "Sending cancelled");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window->status_label), "error"));

  sc_ui_test_spin (500);
  g_assert_cmpuint (sc_test_server_count_messages (fixture->server), ==, 0);
}

static void
test_window_tab_reaches_controls (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GtkWidget *expected[7];
  ScWindow *window;

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  expected[0] = GTK_WIDGET (window->save_button);
  expected[1] = GTK_WIDGET (window->send_button);
  expected[2] = GTK_WIDGET (window->add_attachment_button);
  expected[3] = GTK_WIDGET (window->body_view);
  expected[4] = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (window->password_row)));
  expected[5] = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (window->subject_row)));
  expected[6] = GTK_WIDGET (window->choose_folder_button);

  /* Twice round the whole chain: Tab wraps around at the end. */
  for (guint i = 0; i < 80; i++)
    {
      GtkWidget *focus;

      /* What the Tab key binding of GtkWindow emits. */
      g_signal_emit_by_name (window, "move-focus", GTK_DIR_TAB_FORWARD);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (focus != NULL)
        g_hash_table_add (seen, focus);
    }

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_true (g_hash_table_contains (seen, expected[i]));
    }

  /* Accessible names are the visible labels. */
  g_assert_cmpstr (gtk_button_get_label (window->send_button), ==, "Send");
  g_assert_cmpstr (gtk_button_get_label (window->save_button), ==, "Save");
  g_assert_cmpstr (gtk_button_get_label (window->add_attachment_button), ==, "Add Attachment…");
  g_assert_cmpstr (gtk_button_get_label (window->cancel_button), ==, "Cancel");
}

static void
fixture_set_up_refusing (Fixture       *fixture,
                         gconstpointer  data)
{
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_TLS,
    .refuse_recipient = "bob@example.com",
  };

  fixture_set_up_with (fixture, &options);
}

static void
test_window_refused_recipient (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = NULL;
  const char *status;
  ScWindow *window;

  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "composer.send", NULL);
  g_assert_true (sc_ui_test_wait_idle (window));

  /* Sent to alice; the status names bob and the server's reply. */
  status = _sc_window_get_status_text (window);
  g_test_message ("status: %s", status);
  g_assert_true (g_str_has_prefix (status, "Message sent, but 1 recipient was refused"));
  g_assert_nonnull (strstr (status, "bob@example.com"));
  g_assert_nonnull (strstr (status, "550"));
  messages = sc_test_server_wait_messages (fixture->server, 1, SC_UI_TEST_WAIT_MS);
  g_assert_nonnull (messages);
}

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }

  return NULL;
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closes @window, which has unsaved changes, and answers the dialog that asks. */
static void
close_and_answer (ScWindow   *window,
                  const char *response)
{
  GtkWindow *dialog;

  gtk_window_close (GTK_WINDOW (window));
  sc_ui_test_spin (100);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
}

static void
test_window_close_asks (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *subject_before = NULL;
  g_autoptr(JsonObject) settings_data = NULL;
  ScWindow *window;
  gpointer weak = NULL;

  subject_before = sc_test_read_file (fixture->dir, "data.json", NULL);

  /* Unchanged: closes at once. */
  window = sc_ui_test_open_window (fixture->dir, -1, -1);
  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (sc_ui_test_wait_until (window_gone, &weak, SC_UI_TEST_WAIT_MS));

  /* Changed, then Cancel: the window stays. */
  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  set_text (window->subject_row, "Unsaved subject");
  close_and_answer (window, "cancel");
  sc_ui_test_spin (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (window->dirty);

  /* Discard: closes without writing. */
  close_and_answer (window, "discard");
  fixture->window = NULL;
  g_assert_true (sc_ui_test_wait_until (window_gone, &weak, SC_UI_TEST_WAIT_MS));
  {
    g_autofree char *now = sc_test_read_file (fixture->dir, "data.json", NULL);

    g_assert_cmpstr (now, ==, subject_before);
  }

  /* Save: writes, then closes. */
  window = sc_ui_test_open_window (fixture->dir, -1, -1);
  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  set_text (window->subject_row, "Saved on close");
  close_and_answer (window, "save");
  g_assert_true (sc_ui_test_wait_until (window_gone, &weak, SC_UI_TEST_WAIT_MS));
  settings_data = read_json (fixture->dir, "data.json");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (settings_data,
                                                                                 "message"),
                                                  "subject"), ==, "Saved on close");
}

typedef struct
{
  const char *heading;
  GtkWindow  *dialog;
} DialogWait;

static gboolean
dialog_shown (gpointer data)
{
  DialogWait *wait = data;

  wait->dialog = find_message_dialog ();
  return wait->dialog != NULL
         && g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (wait->dialog)),
                       wait->heading) == 0;
}

static GtkWidget *
find_labelled_button (GtkWidget  *widget,
                      const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_labelled_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Clicks @dialog's button for @response, as the user would (it answers and closes). */
static void
click_response (GtkWindow  *dialog,
                const char *response)
{
  const char *label;
  GtkWidget *button;

  label = adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), response);
  button = find_labelled_button (GTK_WIDGET (dialog), label);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

/* Waits for the message dialog with @heading and clicks @response. */
static void
answer_dialog (const char *heading,
               const char *response)
{
  DialogWait wait = { heading, NULL };

  g_assert_true (sc_ui_test_wait_until (dialog_shown, &wait, SC_UI_TEST_WAIT_MS));
  click_response (wait.dialog, response);
}

static gboolean
no_message_dialog (gpointer data)
{
  return find_message_dialog () == NULL;
}

/* Opens a window on @fixture's folder with an attachment that the slow server takes a few
 * seconds to read, starts sending and closes the window while the send is in flight. */
static ScWindow *
send_and_close (Fixture    *fixture,
                const char *subject,
                gpointer   *weak)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *attachment = NULL;
  ScWindow *window;

  attachment = sc_ui_test_make_file (fixture->dir, "slow.bin", 64 * 1024);
  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  *weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), weak);
  if (subject != NULL)
    set_text (window->subject_row, subject);
  g_ptr_array_add (files, g_file_new_for_path (attachment));
  _sc_window_add_attachment_files (window, files);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_cmpint (window->dirty, ==, subject != NULL);

  gtk_widget_activate_action (GTK_WIDGET (window), "composer.send", NULL);
  g_assert_true (window->sending);
  g_assert_true (sc_ui_test_wait_until (progress_started, window, SC_UI_TEST_WAIT_MS));
  g_assert_true (window->sending);

  gtk_window_close (GTK_WINDOW (window));
  return window;
}

static void
test_window_close_while_sending_keep (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = NULL;
  DialogWait wait = { "Stop Sending?", NULL };
  gpointer weak = NULL;
  ScWindow *window;

  window = send_and_close (fixture, NULL, &weak);

  /* The close asks instead of cancelling the send. */
  g_assert_true (sc_ui_test_wait_until (dialog_shown, &wait, SC_UI_TEST_WAIT_MS));
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (wait.dialog)), ==,
                   "The message is still being sent. If you close the window now, it is not sent.");
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (wait.dialog),
                                                          "keep"), ==, "_Keep Sending");
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (wait.dialog),
                                                          "stop"), ==, "_Stop and Close");
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (wait.dialog)),
                   ==, "keep");
  g_assert_cmpstr (adw_message_dialog_get_close_response (ADW_MESSAGE_DIALOG (wait.dialog)),
                   ==, "keep");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (wait.dialog),
                                                               "stop"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_true (window->sending);
  g_assert_false (g_cancellable_is_cancelled (window->send_cancellable));

  /* Keep Sending: nothing changes and the send goes on to the end. */
  click_response (wait.dialog, "keep");
  g_assert_true (sc_ui_test_wait_until (no_message_dialog, NULL, SC_UI_TEST_WAIT_MS));
  g_assert_true (window->sending);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_cmpstr (_sc_window_get_status_text (window), ==, "Message sent successfully");
  g_assert_nonnull (weak);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  messages = sc_test_server_wait_messages (fixture->server, 1, SC_UI_TEST_WAIT_MS);
  g_assert_nonnull (messages);
  g_assert_cmpuint (messages->len, ==, 1);

  /* With the send over, the window closes without asking. */
  gtk_window_close (GTK_WINDOW (window));
  fixture->window = NULL;
  g_assert_true (sc_ui_test_wait_until (window_gone, &weak, SC_UI_TEST_WAIT_MS));
  g_assert_null (find_message_dialog ());
}

static void
test_window_close_while_sending_stop (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *data_before = NULL;
  g_autofree char *data_after = NULL;
  gpointer weak = NULL;

  /* Stop and Close: the send is cancelled and the window closes. */
  send_and_close (fixture, NULL, &weak);
  answer_dialog ("Stop Sending?", "stop");
  fixture->window = NULL;
  g_assert_true (sc_ui_test_wait_until (window_gone, &weak, SC_UI_TEST_WAIT_MS));
  g_assert_null (find_message_dialog ());

  /* With unsaved changes too: first the send, then the changes, each asked once. */
  data_before = sc_test_read_file (fixture->dir, "data.json", NULL);
  send_and_close (fixture, "Unsaved while sending", &weak);
  answer_dialog ("Stop Sending?", "stop");
  answer_dialog ("Save Changes?", "discard");
  fixture->window = NULL;
  g_assert_true (sc_ui_test_wait_until (window_gone, &weak, SC_UI_TEST_WAIT_MS));
  g_assert_null (find_message_dialog ());
  data_after = sc_test_read_file (fixture->dir, "data.json", NULL);
  g_assert_cmpstr (data_after, ==, data_before);

  sc_ui_test_spin (500);
  g_assert_cmpuint (sc_test_server_count_messages (fixture->server), ==, 0);
}

static void
test_window_close_while_sending_finishes (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = NULL;
  DialogWait wait = { "Stop Sending?", NULL };
  gpointer weak = NULL;
  ScWindow *window;

  /* The send ends while the dialog is open: the dialog stays for the user to answer. */
  window = send_and_close (fixture, NULL, &weak);
  g_assert_true (sc_ui_test_wait_until (dialog_shown, &wait, SC_UI_TEST_WAIT_MS));
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_cmpstr (_sc_window_get_status_text (window), ==, "Message sent successfully");
  g_assert_true (find_message_dialog () == wait.dialog);

  /* Stop and Close then just closes. */
  click_response (wait.dialog, "stop");
  fixture->window = NULL;
  g_assert_true (sc_ui_test_wait_until (window_gone, &weak, SC_UI_TEST_WAIT_MS));
  g_assert_null (find_message_dialog ());

  messages = sc_test_server_wait_messages (fixture->server, 1, SC_UI_TEST_WAIT_MS);
  g_assert_nonnull (messages);
  g_assert_cmpuint (messages->len, ==, 1);
}

static void
test_window_drop_files (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GListModel) controllers = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  GtkDropTarget *target = NULL;
  GFile *files[2];
  GdkFileList *list;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;
  ScWindow *window;

  first = sc_ui_test_make_file (fixture->dir, "dropped-1.bin", 1000);
  second = sc_ui_test_make_file (fixture->dir, "dropped-2.bin", 2000);
  fixture->window = window = sc_ui_test_open_window (fixture->dir, -1, -1);
  g_assert_cmpuint (window->attachments->len, ==, 0);

  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  g_assert_true (g_type_is_a (gtk_drop_target_get_gtypes (target, NULL)[0], GDK_TYPE_FILE_LIST));

  /* What a drop of two files from a file manager delivers. */
  files[0] = g_file_new_for_path (first);
  files[1] = g_file_new_for_path (second);
  list = gdk_file_list_new_from_array (files, 2);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, list);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_object_unref (files[0]);
  g_object_unref (files[1]);

  g_assert_true (accepted);
  g_assert_true (sc_ui_test_wait_idle (window));
  g_assert_cmpuint (window->attachments->len, ==, 2);
  g_assert_cmpint (((ScAttachmentEntry *) window->attachments->pdata[0])->size, ==, 1000);
  g_assert_cmpint (((ScAttachmentEntry *) window->attachments->pdata[1])->size, ==, 2000);
  g_assert_false (((ScAttachmentEntry *) window->attachments->pdata[0])->from_folder);
  g_assert_nonnull (strstr (adw_preferences_group_get_description (window->attachments_group),
                            "2 files"));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GTK_A11Y", "none", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_mime_init ();

#define ADD(name, setup, func) \
  g_test_add ("/window/" name, Fixture, NULL, setup, func, fixture_tear_down)

  ADD ("fills-from-settings", fixture_set_up, test_window_fills);
  ADD ("save-round-trip", fixture_set_up, test_window_save_round_trip);
  ADD ("invalid-blocks-save", fixture_set_up, test_window_invalid_blocks_save);
  ADD ("broken-settings", fixture_set_up, test_window_broken_settings);
  ADD ("missing-settings", fixture_set_up, test_window_missing_settings);
  ADD ("unreadable-body", fixture_set_up, test_window_unreadable_body);
  ADD ("send", fixture_set_up, test_window_send);
  ADD ("send-100mb", fixture_set_up_large, test_window_send_100mb);
  ADD ("cancel", fixture_set_up_slow, test_window_cancel);
  ADD ("tab-reaches-controls", fixture_set_up, test_window_tab_reaches_controls);
  ADD ("refused-recipient", fixture_set_up_refusing, test_window_refused_recipient);
  ADD ("close-asks", fixture_set_up, test_window_close_asks);
  ADD ("close-while-sending-keep", fixture_set_up_slow, test_window_close_while_sending_keep);
  ADD ("close-while-sending-stop", fixture_set_up_slow, test_window_close_while_sending_stop);
  ADD ("close-while-sending-finishes", fixture_set_up_slow,
       test_window_close_while_sending_finishes);
  ADD ("drop-files", fixture_set_up, test_window_drop_files);

#undef ADD

  return g_test_run ();
}

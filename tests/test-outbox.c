/* test-outbox.c — the record of sends (ScOutbox) against the real test servers
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sc-error.h"
#include "sc-message.h"
#include "sc-outbox.h"
#include "sc-send-result.h"
#include "sc-settings-store.h"
#include "sc-settings.h"
#include "sc-smtp-session.h"
#include "sc-test-server.h"

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static ScTestServer *
start_server (const ScTestServerOptions *options)
{
  g_autoptr(GError) error = NULL;
  ScTestServer *server = sc_test_server_start (options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (server);

  return server;
}

/* Loads the settings in @dir (written before by sc_test_write_settings ()). */
static ScSettings *
load_settings (const char *dir)
{
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(ScSettingsStore) store = sc_settings_store_new (directory);
  g_autoptr(GError) error = NULL;

  sc_settings_store_load (store, NULL, &error);
  g_assert_no_error (error);

  return g_object_ref (sc_settings_store_get_settings (store));
}

static ScMessage *
message_from_settings (ScSettings *settings)
{
  g_autoptr(GError) error = NULL;
  ScMessage *message = sc_message_new_from_settings (settings, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);

  return message;
}

static ScOutbox *
outbox_in (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "data", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);

  return sc_outbox_new (folder);
}

static void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static ScSendResult *
outbox_send (ScOutbox      *outbox,
             ScSettings    *settings,
             ScMessage     *message,
             char         **out_id,
             GError       **error)
{
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (settings);
  g_autoptr(GAsyncResult) result = NULL;

  sc_outbox_send_async (outbox, session, message, NULL, async_cb, &result);
  return sc_outbox_send_finish (outbox, wait_result (&result), out_id, error);
}

static ScSendResult *
outbox_retry (ScOutbox    *outbox,
              ScSettings  *settings,
              const char  *id,
              gboolean     confirm,
              GError     **error)
{
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (settings);
  g_autoptr(GAsyncResult) result = NULL;

  sc_outbox_retry_async (outbox, session, id, confirm, NULL, async_cb, &result);
  return sc_outbox_retry_finish (outbox, wait_result (&result), error);
}

static GListModel *
list (ScOutbox *outbox,
      gboolean  outbox_only)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  if (outbox_only)
    sc_outbox_list_outbox_async (outbox, NULL, async_cb, &result);
  else
    sc_outbox_list_history_async (outbox, NULL, async_cb, &result);
  model = sc_outbox_list_finish (outbox, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);

  return model;
}

/* The names in @dir/data/outbox */
static char *
outbox_files (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "data", "outbox", NULL);
  g_autoptr(GDir) folder = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

/* The Message-ID header of a message file, without angle brackets */
static char *
message_id_of (const char *eml_path)
{
  g_autofree char *value = sc_test_eml_get_header (eml_path, "Message-ID");

  g_assert_nonnull (value);
  g_strstrip (value);
  g_assert_true (value[0] == '<');
  return g_strndup (value + 1, strlen (value) - 2);
}

static GBytes *
render (ScMessage *message,
        gboolean   eml)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  if (eml)
    sc_message_write_eml (message, out, NULL, &error);
  else
    sc_message_write_data (message, out, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
write_binary_attachment (const char *settings_dir,
                         const char *name,
                         gsize       size)
{
  g_autofree char *data = g_malloc (size);
  guint32 x = 12345;

  /* Pseudo-random, with CR, LF and dots in it */
  for (gsize i = 0; i < size; i++)
    {
      x = x * 1103515245 + 12345;
      data[i] = (i % 97 == 0) ? '.' : (i % 89 == 0) ? '\n' : (char) (x >> 16);
    }
  {
    g_autofree char *path = g_strconcat ("attachments/", name, NULL);

    sc_test_write_file (settings_dir, path, data, size);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Date, Message-ID and boundary are fixed at prepare: rendering again (as the outbox does after
 * a failure) gives the same bytes, and the .eml sent as a raw message gives the same DATA. */
static void
test_outbox_rerender_identical (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_PLAIN };
  g_autoptr(ScTestServer) server = start_server (&options);
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScMessage) raw = NULL;
  g_autoptr(GBytes) data1 = NULL;
  g_autoptr(GBytes) data2 = NULL;
  g_autoptr(GBytes) eml = NULL;
  g_autoptr(GBytes) raw_data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *eml_path = g_build_filename (dir, "kept.eml", NULL);
  g_autoptr(GFile) eml_file = g_file_new_for_path (eml_path);

  sc_test_write_settings (server, dir, NULL, "Re-render",
                          ".leading dot\n..two dots\nplain line\n.\n");
  write_binary_attachment (dir, "data.bin", 200000);
  settings = load_settings (dir);
  message = message_from_settings (settings);
  sc_message_prepare (message, NULL, &error);
  g_assert_no_error (error);

  g_usleep (1100000);   /* a second later: a new Date would show */
  data1 = render (message, FALSE);
  data2 = render (message, FALSE);
  g_assert_true (g_bytes_equal (data1, data2));
  g_assert_cmpint (g_bytes_get_size (data1), ==, sc_message_get_size (message));

  eml = render (message, TRUE);
  g_assert_true (g_file_set_contents (eml_path, g_bytes_get_data (eml, NULL),
                                      g_bytes_get_size (eml), &error));
  g_assert_no_error (error);
  /* Not dot-stuffed: "..two dots" in the file stays as written in the body */
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (eml, NULL), g_bytes_get_size (eml),
                                  "\r\n..two dots\r\n"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (data1, NULL), g_bytes_get_size (data1),
                                  "\r\n...two dots\r\n"));

  raw = sc_message_new_from_eml (eml_file, sc_message_get_envelope_from (message),
                                 sc_message_get_envelope_recipients (message));
  sc_message_prepare (raw, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sc_message_get_size (raw), ==, sc_message_get_size (message));
  raw_data = render (raw, FALSE);
  g_assert_true (g_bytes_equal (raw_data, data1));
  g_assert_cmpstrv (sc_message_get_envelope_recipients (raw),
                    sc_message_get_envelope_recipients (message));

  sc_test_rm_rf (dir);
}

/* A successful send is in the history with its queue id and Message-ID, Bcc included, and
 * nothing is kept in the outbox. */
static void
test_outbox_send_recorded (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  g_autoptr(ScTestServer) server = start_server (&options);
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *settings_dir = g_build_filename (dir, "settings", NULL);
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScOutbox) outbox = outbox_in (dir);
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(GListModel) kept = NULL;
  g_autoptr(ScOutboxEntry) entry = NULL;
  g_autoptr(GPtrArray) emls = NULL;
  g_autofree char *id = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *files = NULL;
  const char *bcc[] = { "hidden@example.com", NULL };
  ScOutboxState state;
  g_autofree char *queue_id = NULL;

  g_assert_cmpint (g_mkdir (settings_dir, 0700), ==, 0);
  sc_test_write_settings (server, settings_dir, NULL, "Recorded", "Hello\n");
  sc_test_set_data_list (settings_dir, "bcc_addrs", bcc);
  settings = load_settings (settings_dir);
  message = message_from_settings (settings);

  result = outbox_send (outbox, settings, message, &id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  emls = sc_test_server_assert_received (server, 1);
  message_id = message_id_of (emls->pdata[0]);

  history = list (outbox, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  entry = g_list_model_get_item (history, 0);
  g_object_get (entry, "state", &state, "queue-id", &queue_id, NULL);
  g_assert_cmpint (state, ==, SC_OUTBOX_STATE_SENT);
  g_assert_cmpstr (sc_outbox_entry_get_id (entry), ==, id);
  g_assert_nonnull (sc_send_result_get_queue_id (result));
  g_assert_cmpstr (queue_id, ==, sc_send_result_get_queue_id (result));
  g_assert_cmpstr (sc_outbox_entry_get_reply (entry), ==, sc_send_result_get_reply (result));
  g_assert_cmpstr (sc_outbox_entry_get_message_id (entry), ==, message_id);
  g_assert_cmpstr (sc_outbox_entry_get_subject (entry), ==, "Recorded");
  g_assert_cmpstrv (sc_outbox_entry_get_bcc (entry), bcc);
  g_assert_cmpint (sc_outbox_entry_get_size (entry), ==, sc_message_get_size (message));
  g_assert_nonnull (sc_outbox_entry_get_time (entry));
  g_assert_false (sc_outbox_entry_get_has_message (entry));

  kept = list (outbox, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 0);
  files = outbox_files (dir);
  g_assert_cmpstr (files, ==, "");

  sc_test_rm_rf (dir);
}

/* A failed send keeps the message; a retry sends exactly its bytes (same Message-ID) to the
 * stored envelope (Bcc too), and moves it to the history. Delete removes a kept one. */
static void
test_outbox_failed_retry (void)
{
  ScTestServerOptions failing = { .mode = SC_TEST_SERVER_PLAIN, .script = "rcpt-all" };
  ScTestServerOptions working = { .mode = SC_TEST_SERVER_PLAIN };
  g_autoptr(ScTestServer) bad = start_server (&failing);
  g_autoptr(ScTestServer) good = start_server (&working);
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *settings_dir = g_build_filename (dir, "settings", NULL);
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(ScSettings) good_settings = NULL;
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScMessage) second = NULL;
  g_autoptr(ScOutbox) outbox = outbox_in (dir);
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) kept = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(ScOutboxEntry) entry = NULL;
  g_autoptr(ScOutboxEntry) sent = NULL;
  g_autoptr(GPtrArray) emls = NULL;
  g_autofree char *id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *kept_bytes = NULL;
  g_autofree char *received = NULL;
  g_autofree char *eml_path = NULL;
  g_autofree char *received_id = NULL;
  g_auto(GStrv) rcpts = NULL;
  g_autofree char *files = NULL;
  g_autoptr(GAsyncResult) deleted = NULL;
  const char *to[] = { "first@example.com", NULL };
  const char *bcc[] = { "hidden@example.com", NULL };
  const char *other[] = { "someone-else@example.com", NULL };
  gsize kept_length;
  gsize received_length;

  g_assert_cmpint (g_mkdir (settings_dir, 0700), ==, 0);
  sc_test_write_settings (bad, settings_dir, to, "Kept", "Line one\n.dot line\n");
  sc_test_set_data_list (settings_dir, "bcc_addrs", bcc);
  write_binary_attachment (settings_dir, "data.bin", 100000);
  settings = load_settings (settings_dir);
  message = message_from_settings (settings);

  result = outbox_send (outbox, settings, message, &id, &error);
  g_assert_null (result);
  g_assert_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_RECIPIENTS_REFUSED);
  g_clear_error (&error);

  kept = list (outbox, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 1);
  entry = g_list_model_get_item (kept, 0);
  g_assert_cmpstr (sc_outbox_entry_get_id (entry), ==, id);
  g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_FAILED);
  g_assert_true (sc_outbox_entry_get_has_message (entry));
  g_assert_nonnull (sc_outbox_entry_get_reason (entry));
  eml_path = g_file_get_path (sc_outbox_entry_get_eml (entry));
  g_assert_true (g_file_get_contents (eml_path, &kept_bytes, &kept_length, &error));
  g_assert_no_error (error);

  /* The retry goes to another server, with other recipients in the settings: the stored
   * envelope counts, not today's settings. */
  sc_test_write_settings (good, settings_dir, other, "Changed", "Changed\n");
  good_settings = load_settings (settings_dir);
  result = outbox_retry (outbox, good_settings, id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  emls = sc_test_server_assert_received (good, 1);
  g_assert_true (g_file_get_contents (emls->pdata[0], &received, &received_length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (received, received_length, kept_bytes, kept_length);
  received_id = message_id_of (emls->pdata[0]);
  g_assert_cmpstr (received_id, ==, sc_message_get_message_id (message));
  rcpts = sc_test_read_envelope (emls->pdata[0], NULL);
  g_assert_cmpuint (g_strv_length (rcpts), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) rcpts, "first@example.com"));
  g_assert_true (g_strv_contains ((const char * const *) rcpts, "hidden@example.com"));
  /* Bcc only in the envelope */
  g_assert_null (g_strstr_len (received, received_length, "hidden@example.com"));

  g_clear_object (&kept);
  kept = list (outbox, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 0);
  files = outbox_files (dir);
  g_assert_cmpstr (files, ==, "");
  history = list (outbox, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  sent = g_list_model_get_item (history, 0);
  g_assert_cmpstr (sc_outbox_entry_get_id (sent), ==, id);
  g_assert_cmpint (sc_outbox_entry_get_state (sent), ==, SC_OUTBOX_STATE_SENT);
  g_assert_cmpstr (sc_outbox_entry_get_queue_id (sent), ==,
                   sc_send_result_get_queue_id (result));
  g_assert_cmpstr (sc_outbox_entry_get_message_id (sent), ==,
                   sc_message_get_message_id (message));

  /* A second failure, deleted: gone from the outbox, still in the history */
  g_clear_object (&settings);
  sc_test_write_settings (bad, settings_dir, to, "Deleted", "Bye\n");
  settings = load_settings (settings_dir);
  second = message_from_settings (settings);
  g_clear_pointer (&result, sc_send_result_unref);
  result = outbox_send (outbox, settings, second, &second_id, &error);
  g_assert_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_RECIPIENTS_REFUSED);
  g_clear_error (&error);
  sc_outbox_delete_async (outbox, second_id, NULL, async_cb, &deleted);
  g_assert_true (sc_outbox_delete_finish (outbox, wait_result (&deleted), &error));
  g_assert_no_error (error);
  g_clear_object (&kept);
  kept = list (outbox, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 0);
  g_clear_pointer (&files, g_free);
  files = outbox_files (dir);
  g_assert_cmpstr (files, ==, "");
  g_clear_object (&history);
  history = list (outbox, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);

  sc_test_rm_rf (dir);
}

/* Dropped after the final dot: kept as uncertain, and not retried without a confirmation;
 * with one, it is sent. */
static void
test_outbox_uncertain (void)
{
  ScTestServerOptions dropping = { .mode = SC_TEST_SERVER_PLAIN, .script = "drop-after-dot" };
  ScTestServerOptions working = { .mode = SC_TEST_SERVER_PLAIN };
  g_autoptr(ScTestServer) bad = start_server (&dropping);
  g_autoptr(ScTestServer) good = start_server (&working);
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *settings_dir = g_build_filename (dir, "settings", NULL);
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(ScSettings) good_settings = NULL;
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScOutbox) outbox = outbox_in (dir);
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) kept = NULL;
  g_autoptr(ScOutboxEntry) entry = NULL;
  g_autofree char *id = NULL;
  g_autofree char *log = NULL;

  g_assert_cmpint (g_mkdir (settings_dir, 0700), ==, 0);
  sc_test_write_settings (bad, settings_dir, NULL, "Uncertain", "Maybe\n");
  settings = load_settings (settings_dir);
  message = message_from_settings (settings);

  result = outbox_send (outbox, settings, message, &id, &error);
  g_assert_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN);
  g_clear_error (&error);

  kept = list (outbox, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 1);
  entry = g_list_model_get_item (kept, 0);
  g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_UNCERTAIN);
  g_assert_true (sc_outbox_entry_get_has_message (entry));

  sc_test_write_settings (good, settings_dir, NULL, "Uncertain", "Maybe\n");
  good_settings = load_settings (settings_dir);
  result = outbox_retry (outbox, good_settings, id, FALSE, &error);
  g_assert_null (result);
  g_assert_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_UNCERTAIN);
  g_clear_error (&error);
  /* The retry is over and never connected: nothing can arrive from it */
  log = sc_test_server_get_log (good);
  g_assert_cmpstr (log, ==, "");
  g_assert_cmpuint (sc_test_server_count_messages (good), ==, 0);
  g_clear_object (&kept);
  kept = list (outbox, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 1);

  /* A confirmed retry that fails (refused) does not make it safe: it stays uncertain */
  {
    ScTestServerOptions refusing = { .mode = SC_TEST_SERVER_PLAIN, .script = "rcpt-all" };
    g_autoptr(ScTestServer) refuser = start_server (&refusing);
    g_autoptr(ScSettings) refuser_settings = NULL;
    g_autoptr(ScOutboxEntry) still = NULL;

    sc_test_write_settings (refuser, settings_dir, NULL, "Uncertain", "Maybe\n");
    refuser_settings = load_settings (settings_dir);
    result = outbox_retry (outbox, refuser_settings, id, TRUE, &error);
    g_assert_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_RECIPIENTS_REFUSED);
    g_clear_error (&error);
    g_clear_object (&kept);
    kept = list (outbox, TRUE);
    g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 1);
    still = g_list_model_get_item (kept, 0);
    g_assert_cmpint (sc_outbox_entry_get_state (still), ==, SC_OUTBOX_STATE_UNCERTAIN);
  }

  result = outbox_retry (outbox, good_settings, id, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_clear_pointer (&result, sc_send_result_unref);
  g_ptr_array_unref (sc_test_server_assert_received (good, 1));
  g_clear_object (&kept);
  kept = list (outbox, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 0);

  sc_test_rm_rf (dir);
}

/* SIGKILL of the real smtp-client during a slow DATA: the next open shows the send as
 * interrupted (delivery uncertain), in the history, and it stays so. */
static void
test_outbox_killed (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .data_delay_ms = 200 };
  g_autoptr(ScTestServer) server = start_server (&options);
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *settings_dir = g_build_filename (dir, "settings", NULL);
  g_autofree char *xdg_data = g_build_filename (dir, "xdg-data", NULL);
  g_autofree char *xdg_config = g_build_filename (dir, "xdg-config", NULL);
  g_autofree char *data = g_build_filename (xdg_data, "smtp-client", NULL);
  g_autoptr(GFile) data_file = g_file_new_for_path (data);
  g_autoptr(ScOutbox) outbox = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(GListModel) again = NULL;
  g_autoptr(ScOutboxEntry) entry = NULL;
  g_autoptr(ScOutboxEntry) entry2 = NULL;
  gint64 deadline;

  g_assert_cmpint (g_mkdir (settings_dir, 0700), ==, 0);
  sc_test_write_settings (server, settings_dir, NULL, "Killed", "Kill me\n");
  write_binary_attachment (settings_dir, "big.bin", 4 * 1024 * 1024);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg_data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", xdg_config, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("SC_CLIENT_BIN"),
                                         "--send", "--settings", settings_dir, NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *log = sc_test_server_get_log (server);

      if (strstr (log, "DATA\n") != NULL)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
  g_usleep (300000);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (process));

  outbox = sc_outbox_new (data_file);
  history = list (outbox, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  entry = g_list_model_get_item (history, 0);
  g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_INTERRUPTED);
  g_assert_cmpstr (sc_outbox_entry_get_subject (entry), ==, "Killed");
  g_assert_nonnull (sc_outbox_entry_get_reason (entry));
  g_assert_nonnull (strstr (sc_outbox_entry_get_reason (entry), "may have been delivered"));

  /* And it stays so, also for the next process (another instance) */
  again = list (outbox, FALSE);
  entry2 = g_list_model_get_item (again, 0);
  g_assert_cmpint (sc_outbox_entry_get_state (entry2), ==, SC_OUTBOX_STATE_INTERRUPTED);
  {
    g_autoptr(ScOutbox) reopened = sc_outbox_new (data_file);
    g_autoptr(GListModel) third = list (reopened, FALSE);
    g_autoptr(ScOutboxEntry) entry3 = g_list_model_get_item (third, 0);

    g_assert_cmpuint (g_list_model_get_n_items (third), ==, 1);
    g_assert_cmpint (sc_outbox_entry_get_state (entry3), ==, SC_OUTBOX_STATE_INTERRUPTED);
    g_assert_cmpstr (sc_outbox_entry_get_id (entry3), ==, sc_outbox_entry_get_id (entry));
  }

  sc_test_rm_rf (dir);
}

/* A process killed after it kept a failed message, before it wrote that message's outbox
 * record (here: a child that begins a record, writes the .eml, and exits): the next open puts
 * the message in the outbox as interrupted, not lost. */
static void
test_outbox_killed_after_eml (void)
{
  const char *dir = g_getenv ("SC_TEST_OUTBOX_DIR");
  const char *to[] = { "a@example.com", NULL };

  if (g_test_subprocess ())
    {
      g_autoptr(ScOutbox) outbox = outbox_in (dir);
      g_autoptr(ScMessage) message = sc_message_new ("sender@example.com", to, "Orphan", "x",
                                                     NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *id = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GFileOutputStream) stream = NULL;

      sc_message_prepare (message, NULL, &error);
      g_assert_no_error (error);
      id = sc_outbox_record_begin (outbox, message, NULL, &error);
      g_assert_no_error (error);
      name = g_strconcat (id, ".eml", NULL);
      path = g_build_filename (dir, "data", "outbox", name, NULL);
      file = g_file_new_for_path (path);
      stream = g_file_create (file, G_FILE_CREATE_NONE, NULL, &error);
      g_assert_no_error (error);
      sc_message_write_eml (message, G_OUTPUT_STREAM (stream), NULL, &error);
      g_assert_no_error (error);
      g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error);
      g_assert_no_error (error);
      _exit (0);   /* no finish: as if killed */
    }
  else
    {
      g_autofree char *tmp = sc_test_make_tmpdir ();
      g_autoptr(ScOutbox) outbox = outbox_in (tmp);
      g_autoptr(GListModel) kept = NULL;
      g_autoptr(ScOutboxEntry) entry = NULL;

      g_setenv ("SC_TEST_OUTBOX_DIR", tmp, TRUE);
      g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      g_unsetenv ("SC_TEST_OUTBOX_DIR");

      kept = list (outbox, TRUE);
      g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 1);
      entry = g_list_model_get_item (kept, 0);
      g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_INTERRUPTED);
      g_assert_cmpstr (sc_outbox_entry_get_subject (entry), ==, "Orphan");
      g_assert_true (sc_outbox_entry_get_has_message (entry));

      sc_test_rm_rf (tmp);
    }
}

/* The history keeps the newest SC_OUTBOX_HISTORY_LIMIT records. It starts from a history.json
 * (the documented format) one short of the limit, written here, so that the test stays quick
 * (also under the sanitizers); then a few real sends go past the limit. */
static void
test_outbox_bounded (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autoptr(ScOutbox) outbox = outbox_in (dir);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  /* (the result takes the list) */
  g_autoptr(ScSendResult) result = _sc_send_result_new ("250 2.0.0 OK: queued as 42",
                                                        g_ptr_array_new ());
  g_autoptr(GListModel) history = NULL;
  g_autoptr(ScOutboxEntry) newest = NULL;
  g_autoptr(ScOutboxEntry) oldest = NULL;
  const char *to[] = { "a@example.com", NULL };
  const guint seeded = SC_OUTBOX_HISTORY_LIMIT - 1;
  const guint n = SC_OUTBOX_HISTORY_LIMIT + 5;
  g_autoptr(GString) seed = g_string_new ("{\"version\": 1, \"records\": [");
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);

  for (guint i = 0; i < seeded; i++)
    {
      char *id = g_strdup_printf ("20000101T000000-%06u-00000000", i);

      g_string_append_printf (seed, "%s{\"id\": \"%s\", \"state\": \"sent\", "
                              "\"time\": \"2000-01-01T00:00:00Z\", \"subject\": \"Old %u\", "
                              "\"to\": [\"a@example.com\"], \"size\": 10}",
                              i > 0 ? ", " : "", id, i);
      g_ptr_array_add (ids, id);
    }
  g_string_append (seed, "]}");
  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  sc_test_write_file (data_dir, "history.json", seed->str, -1);

  for (guint i = seeded; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("Message %u", i);
      g_autoptr(ScMessage) message = sc_message_new ("sender@example.com", to, subject, "x",
                                                     NULL);
      g_autoptr(GError) error = NULL;
      char *id;

      sc_message_prepare (message, NULL, &error);
      g_assert_no_error (error);
      id = sc_outbox_record_begin (outbox, message, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (sc_outbox_record_finish (outbox, id, message, result, NULL, NULL, &error));
      g_assert_no_error (error);
      g_ptr_array_add (ids, id);
    }

  history = list (outbox, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, SC_OUTBOX_HISTORY_LIMIT);
  newest = g_list_model_get_item (history, 0);
  oldest = g_list_model_get_item (history, SC_OUTBOX_HISTORY_LIMIT - 1);
  g_assert_cmpstr (sc_outbox_entry_get_id (newest), ==, ids->pdata[n - 1]);
  g_assert_cmpstr (sc_outbox_entry_get_id (oldest), ==, ids->pdata[n - SC_OUTBOX_HISTORY_LIMIT]);
  g_assert_cmpstr (sc_outbox_entry_get_queue_id (newest), ==, "42");

  sc_test_rm_rf (dir);
}

/* Records one message through begin and finish, as a send does: sent, or failed (then the
 * message is kept in the outbox). Returns the id. */
static char *
record_one (ScOutbox   *outbox,
            const char *subject,
            gboolean    failed)
{
  const char *to[] = { "a@example.com", NULL };
  g_autoptr(ScMessage) message = sc_message_new ("sender@example.com", to, subject, "x", NULL);
  /* (the result takes the list) */
  g_autoptr(ScSendResult) result = _sc_send_result_new ("250 2.0.0 OK: queued as 42",
                                                        g_ptr_array_new ());
  g_autoptr(GError) send_error = g_error_new_literal (SC_SMTP_ERROR,
                                                      SC_SMTP_ERROR_RECIPIENTS_REFUSED,
                                                      "550 No such user");
  g_autoptr(GError) error = NULL;
  char *id;

  sc_message_prepare (message, NULL, &error);
  g_assert_no_error (error);
  id = sc_outbox_record_begin (outbox, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_true (sc_outbox_record_finish (outbox, id, message, failed ? NULL : result,
                                          failed ? send_error : NULL, NULL, &error));
  g_assert_no_error (error);

  return id;
}

/* The subjects of @model, in its order, joined by "|" */
static char *
subjects_of (GListModel *model)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ScOutboxEntry) entry = g_list_model_get_item (model, i);

      g_string_append_printf (text, "%s%s", i > 0 ? "|" : "", sc_outbox_entry_get_subject (entry));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A process id that is not running: a child that has exited and was reaped */
static int
dead_pid (void)
{
  pid_t pid = fork ();
  int status;

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);

  return pid;
}

/* A record as 0.2.0 wrote it: id, day, subject, Message-ID, state, further members */
#define OLD_RECORD \
    "    {\n" \
    "      \"id\" : \"%s\",\n" \
    "      \"time\" : \"2026-01-0%dT10:00:00.000000Z\",\n" \
    "      \"sender\" : \"sender@example.com\",\n" \
    "      \"to\" : [\n        \"a@example.com\"\n      ],\n" \
    "      \"cc\" : [],\n      \"bcc\" : [\n        \"hidden@example.com\"\n      ],\n" \
    "      \"subject\" : \"%s\",\n" \
    "      \"size\" : 321,\n" \
    "      \"message_id\" : \"%s@example.com\",\n" \
    "      \"envelope_from\" : \"sender@example.com\",\n" \
    "      \"envelope_recipients\" : [\n        \"a@example.com\",\n" \
    "        \"hidden@example.com\"\n      ],\n" \
    "      \"attempts\" : 1,\n" \
    "      \"state\" : \"%s\"%s\n" \
    "    }"

/* A history.json of version 0.2.0 (pretty-printed, with a record still "sending" of a process
 * that is gone and a failed one kept in the outbox) is read: every record is listed, the
 * sending one as interrupted, the failed one can be retried; new sends are recorded after
 * them, and the old file is not read again. */
static void
test_outbox_migrate (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *old_path = g_build_filename (data_dir, "history.json", NULL);
  g_autofree char *outbox_dir = g_build_filename (data_dir, "outbox", NULL);
  g_autoptr(ScOutbox) outbox = outbox_in (dir);
  g_autoptr(ScOutbox) reopened = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(GListModel) kept = NULL;
  g_autoptr(GListModel) again = NULL;
  g_autoptr(ScOutboxEntry) entry = NULL;
  g_autoptr(ScOutboxEntry) failed = NULL;
  g_autofree char *boot = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *subjects = NULL;
  g_autofree char *id = NULL;
  g_autofree char *sent = g_strdup_printf (OLD_RECORD, "20260101T100000-000001-0000000a", 1,
                                           "Old sent", "old-a", "sent",
                                           ",\n      \"reply\" : \"250 OK queued as 7\","
                                           "\n      \"queue_id\" : \"7\"");
  g_autofree char *failed_record =
    g_strdup_printf (OLD_RECORD, "20260102T100000-000002-0000000b", 2, "Old failed", "old-b",
                     "failed", ",\n      \"reason\" : \"550 No\"");
  g_autofree char *sending = NULL;
  g_autofree char *sending_extra = NULL;

  g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL);
  g_assert_nonnull (boot);
  g_strstrip (boot);
  sending_extra = g_strdup_printf (",\n      \"pid\" : %d,\n      \"boot_id\" : \"%s\"",
                                   dead_pid (), boot);
  sending = g_strdup_printf (OLD_RECORD, "20260103T100000-000003-0000000c", 3, "Old sending",
                             "old-c", "sending", sending_extra);
  seed = g_strdup_printf ("{\n  \"version\" : 1,\n  \"records\" : [\n%s,\n%s,\n%s\n  ]\n}",
                          sent, failed_record, sending);
  g_assert_cmpint (g_mkdir_with_parents (outbox_dir, 0700), ==, 0);
  sc_test_write_file (data_dir, "history.json", seed, -1);
  sc_test_write_file (data_dir, "outbox/20260102T100000-000002-0000000b.json", failed_record,
                      -1);
  sc_test_write_file (data_dir, "outbox/20260102T100000-000002-0000000b.eml",
                      "From: sender@example.com\r\nTo: a@example.com\r\nSubject: Old failed\r\n"
                      "Message-ID: <old-b@example.com>\r\n\r\nx\r\n", -1);

  history = list (outbox, FALSE);
  subjects = subjects_of (history);
  g_assert_cmpstr (subjects, ==, "Old sending|Old failed|Old sent");
  entry = g_list_model_get_item (history, 0);
  g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_INTERRUPTED);
  g_clear_object (&entry);
  entry = g_list_model_get_item (history, 2);
  g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_SENT);
  g_assert_cmpstr (sc_outbox_entry_get_queue_id (entry), ==, "7");
  g_assert_cmpstr (sc_outbox_entry_get_message_id (entry), ==, "old-a@example.com");
  g_assert_cmpint (sc_outbox_entry_get_size (entry), ==, 321);
  {
    const char *bcc[] = { "hidden@example.com", NULL };

    g_assert_cmpstrv (sc_outbox_entry_get_bcc (entry), bcc);
  }
  /* Read once: not read again over what is recorded from now on */
  g_assert_false (g_file_test (old_path, G_FILE_TEST_EXISTS));

  kept = list (outbox, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 1);
  failed = g_list_model_get_item (kept, 0);
  g_assert_cmpstr (sc_outbox_entry_get_subject (failed), ==, "Old failed");
  g_assert_cmpint (sc_outbox_entry_get_state (failed), ==, SC_OUTBOX_STATE_FAILED);
  g_assert_true (sc_outbox_entry_get_has_message (failed));

  id = record_one (outbox, "New", FALSE);
  reopened = outbox_in (dir);
  again = list (reopened, FALSE);
  g_clear_pointer (&subjects, g_free);
  subjects = subjects_of (again);
  g_assert_cmpstr (subjects, ==, "New|Old sending|Old failed|Old sent");
  g_clear_object (&entry);
  entry = g_list_model_get_item (again, 1);
  g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_INTERRUPTED);

  sc_test_rm_rf (dir);
}

/* A crash in the middle of writing a record leaves a torn last line: it is not listed, and
 * what is recorded after it is. */
static void
test_outbox_torn_line (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *log = NULL;
  g_autofree char *torn = NULL;
  g_autofree char *subjects = NULL;
  g_autoptr(ScOutbox) outbox = outbox_in (dir);
  g_autoptr(GListModel) history = NULL;
  g_autoptr(GListModel) after = NULL;
  g_autofree char *first = record_one (outbox, "First", FALSE);
  g_autofree char *second = record_one (outbox, "Second", TRUE);
  g_autofree char *third = NULL;
  gsize length;

  /* The second record again, cut in the middle, as an append that a crash cut short */
  log = sc_test_read_file (data_dir, "history.jsonl", &length);
  g_assert_true (length > 0 && log[length - 1] == '\n');
  torn = g_strconcat (log, "{\"id\":\"", second, "\",\"state\":\"sent\",\"subj", NULL);
  sc_test_write_file (data_dir, "history.jsonl", torn, -1);

  history = list (outbox, FALSE);
  subjects = subjects_of (history);
  g_assert_cmpstr (subjects, ==, "Second|First");

  third = record_one (outbox, "Third", FALSE);
  after = list (outbox, FALSE);
  g_clear_pointer (&subjects, g_free);
  subjects = subjects_of (after);
  g_assert_cmpstr (subjects, ==, "Third|Second|First");
  {
    g_autoptr(ScOutboxEntry) entry = g_list_model_get_item (after, 1);

    g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_FAILED);
  }

  sc_test_rm_rf (dir);
}

/* The history stays bounded on disk too: past twice the limit it is rewritten with the
 * newest SC_OUTBOX_HISTORY_LIMIT records; a record written again (a retry) counts once, where
 * it was written last. */
static void
test_outbox_compacted (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autoptr(ScOutbox) outbox = outbox_in (dir);
  g_autoptr(GString) seed = g_string_new (NULL);
  g_autoptr(GListModel) before = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(ScOutboxEntry) newest = NULL;
  g_autoptr(ScOutboxEntry) second = NULL;
  g_autoptr(ScOutboxEntry) oldest = NULL;
  g_autofree char *log = NULL;
  g_autofree char *id = NULL;
  const guint n = 2 * SC_OUTBOX_HISTORY_LIMIT;
  guint lines = 0;

  /* Lines 0 … n-2, then line 0 again (sent now): n lines, n-1 records */
  for (guint i = 0; i < n; i++)
    g_string_append_printf (seed, "{\"id\":\"20000101T000000-%06u-00000000\",\"state\":\"%s\","
                            "\"time\":\"2000-01-01T00:00:00Z\",\"subject\":\"Old %u\","
                            "\"to\":[\"a@example.com\"],\"size\":10}\n",
                            i < n - 1 ? i : 0, i < n - 1 ? "failed" : "sent",
                            i < n - 1 ? i : 0);
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  sc_test_write_file (data_dir, "history.jsonl", seed->str, -1);

  before = list (outbox, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (before), ==, SC_OUTBOX_HISTORY_LIMIT);
  newest = g_list_model_get_item (before, 0);
  g_assert_cmpstr (sc_outbox_entry_get_subject (newest), ==, "Old 0");
  g_assert_cmpint (sc_outbox_entry_get_state (newest), ==, SC_OUTBOX_STATE_SENT);
  g_clear_object (&newest);

  id = record_one (outbox, "New", FALSE);
  log = sc_test_read_file (data_dir, "history.jsonl", NULL);
  for (const char *p = log; (p = strchr (p, '\n')) != NULL; p++)
    lines++;
  g_assert_cmpuint (lines, ==, SC_OUTBOX_HISTORY_LIMIT);

  history = list (outbox, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, SC_OUTBOX_HISTORY_LIMIT);
  newest = g_list_model_get_item (history, 0);
  second = g_list_model_get_item (history, 1);
  oldest = g_list_model_get_item (history, SC_OUTBOX_HISTORY_LIMIT - 1);
  g_assert_cmpstr (sc_outbox_entry_get_id (newest), ==, id);
  g_assert_cmpstr (sc_outbox_entry_get_subject (second), ==, "Old 0");
  /* n-1 old records and the new one: the newest 500 are Old n-500+1 … Old n-2, Old 0, New */
  {
    g_autofree char *expected = g_strdup_printf ("Old %u", n - SC_OUTBOX_HISTORY_LIMIT + 1);

    g_assert_cmpstr (sc_outbox_entry_get_subject (oldest), ==, expected);
  }

  sc_test_rm_rf (dir);
}

#define WRITER_RECORDS 40

/* The child of test_outbox_concurrent: records WRITER_RECORDS sends, every eighth failed */
static int
outbox_writer (const char *dir,
               const char *name)
{
  g_autoptr(ScOutbox) outbox = outbox_in (dir);

  for (guint i = 0; i < WRITER_RECORDS; i++)
    {
      g_autofree char *subject = g_strdup_printf ("%s %u", name, i);
      g_autofree char *id = record_one (outbox, subject, i % 8 == 7);
    }

  return 0;
}

static const char *test_program;

/* Two processes record at the same time: nothing is lost, in the history or the outbox. */
static void
test_outbox_concurrent (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autoptr(ScOutbox) outbox = outbox_in (dir);
  g_autoptr(GSubprocess) a = NULL;
  g_autoptr(GSubprocess) b = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(GListModel) kept = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_subprocess_launcher_setenv (launcher, "SC_TEST_OUTBOX_WRITER_DIR", dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "SC_TEST_OUTBOX_WRITER", "A", TRUE);
  a = g_subprocess_launcher_spawn (launcher, &error, test_program, NULL);
  g_assert_no_error (error);
  g_subprocess_launcher_setenv (launcher, "SC_TEST_OUTBOX_WRITER", "B", TRUE);
  b = g_subprocess_launcher_spawn (launcher, &error, test_program, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (a, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (b, NULL, &error);
  g_assert_no_error (error);

  history = list (outbox, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2 * WRITER_RECORDS);
  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(ScOutboxEntry) entry = g_list_model_get_item (history, i);

      g_assert_true (g_hash_table_add (seen, g_strdup (sc_outbox_entry_get_subject (entry))));
      g_assert_cmpint (sc_outbox_entry_get_state (entry), !=, SC_OUTBOX_STATE_SENDING);
      g_assert_cmpint (sc_outbox_entry_get_state (entry), !=, SC_OUTBOX_STATE_INTERRUPTED);
    }
  for (guint i = 0; i < WRITER_RECORDS; i++)
    {
      g_autofree char *subject_a = g_strdup_printf ("A %u", i);
      g_autofree char *subject_b = g_strdup_printf ("B %u", i);

      g_assert_true (g_hash_table_contains (seen, subject_a));
      g_assert_true (g_hash_table_contains (seen, subject_b));
    }

  kept = list (outbox, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (kept), ==, 2 * (WRITER_RECORDS / 8));
  for (guint i = 0; i < g_list_model_get_n_items (kept); i++)
    {
      g_autoptr(ScOutboxEntry) entry = g_list_model_get_item (kept, i);

      g_assert_true (sc_outbox_entry_get_has_message (entry));
      g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_FAILED);
    }

  sc_test_rm_rf (dir);
}

/* 50 MB: the message is not written anywhere when the send succeeds. */
static void
test_outbox_large_no_eml (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_PLAIN,
                                  .data_size_limit = 100 * 1024 * 1024 };
  g_autoptr(ScTestServer) server = start_server (&options);
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *settings_dir = g_build_filename (dir, "settings", NULL);
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScOutbox) outbox = outbox_in (dir);
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(ScOutboxEntry) entry = NULL;
  g_autofree char *files = NULL;
  g_autofree char *outbox_dir = g_build_filename (dir, "data", "outbox", NULL);

  g_assert_cmpint (g_mkdir (settings_dir, 0700), ==, 0);
  sc_test_write_settings (server, settings_dir, NULL, "Large", "Big one\n");
  write_binary_attachment (settings_dir, "large.bin", 50 * 1024 * 1024);
  settings = load_settings (settings_dir);
  message = message_from_settings (settings);

  result = outbox_send (outbox, settings, message, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_unref (sc_test_server_assert_received (server, 1));

  /* The outbox folder exists (the record was made) and is empty */
  g_assert_true (g_file_test (outbox_dir, G_FILE_TEST_IS_DIR));
  files = outbox_files (dir);
  g_assert_cmpstr (files, ==, "");
  history = list (outbox, FALSE);
  entry = g_list_model_get_item (history, 0);
  g_assert_cmpint (sc_outbox_entry_get_state (entry), ==, SC_OUTBOX_STATE_SENT);
  g_assert_cmpint (sc_outbox_entry_get_size (entry), >, 50 * 1024 * 1024);

  sc_test_rm_rf (dir);
}

/* What the attachment folder holds that is not a file is named, not dropped silently. */
static void
test_outbox_skipped_files (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "attachments", NULL);
  g_autofree char *fifo = g_build_filename (folder, "b-pipe", NULL);
  g_autofree char *sub = g_build_filename (folder, "c-folder", NULL);
  g_autofree char *link = g_build_filename (folder, "d-broken", NULL);
  g_autoptr(GFile) folder_file = g_file_new_for_path (folder);
  g_autoptr(GPtrArray) skipped = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "b-pipe", "c-folder", "d-broken" };

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  sc_test_write_file (dir, "attachments/a-file.txt", "text", -1);
  sc_test_write_file (dir, "attachments/.hidden", "text", -1);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_cmpint (symlink ("/nonexistent/target", link), ==, 0);

  files = sc_attachment_folder_list_full (folder_file, &skipped, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 1);
  g_assert_cmpuint (skipped->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < skipped->len; i++)
    {
      g_autofree char *name = g_file_get_basename (skipped->pdata[i]);

      g_assert_cmpstr (name, ==, expected[i]);
    }

  sc_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  if (g_getenv ("SC_TEST_OUTBOX_WRITER") != NULL)
    return outbox_writer (g_getenv ("SC_TEST_OUTBOX_WRITER_DIR"),
                          g_getenv ("SC_TEST_OUTBOX_WRITER"));

  test_program = argv[0];
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outbox/rerender-identical", test_outbox_rerender_identical);
  g_test_add_func ("/outbox/send-recorded", test_outbox_send_recorded);
  g_test_add_func ("/outbox/failed-retry", test_outbox_failed_retry);
  g_test_add_func ("/outbox/uncertain", test_outbox_uncertain);
  g_test_add_func ("/outbox/killed", test_outbox_killed);
  g_test_add_func ("/outbox/killed-after-eml", test_outbox_killed_after_eml);
  g_test_add_func ("/outbox/bounded", test_outbox_bounded);
  g_test_add_func ("/outbox/migrate", test_outbox_migrate);
  g_test_add_func ("/outbox/torn-line", test_outbox_torn_line);
  g_test_add_func ("/outbox/compacted", test_outbox_compacted);
  g_test_add_func ("/outbox/concurrent", test_outbox_concurrent);
  g_test_add_func ("/outbox/large-no-eml", test_outbox_large_no_eml);
  g_test_add_func ("/outbox/skipped-files", test_outbox_skipped_files);

  return g_test_run ();
}

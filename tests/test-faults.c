/* test-faults.c — the fault matrix: `smtp-client --send` against misbehaving servers
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each row runs the real command line against one scenario of tests/faults-server.py (a
 * scripted SMTP server on 127.0.0.1) and checks the exit code, the text the user reads, how
 * long it took, and what the server got. The table is printed (as TAP comments) when run.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sc-address.h"
#include "sc-cli.h"
#include "sc-error.h"
#include "sc-test-server.h"

#define CLIENT_TIMEOUT_MS 60000
#define ATTACHMENT_SIZE   (16 * 1024 * 1024)

typedef enum
{
  ACTION_NONE,
  ACTION_SIGTERM,             /* SIGTERM to the client once the server logged @when */
  ACTION_CHANGE_ATTACHMENT,   /* cut the attachment to half once the server logged @when */
} Action;

typedef struct
{
  const char       *scenario;     /* what the row shows */
  const char       *script;       /* tests/faults-server.py --scenario */
  ScTestServerMode  mode;
  guint             timeout_seconds;
  const char       *to[5];        /* empty: alice and bob */
  gboolean          attachment;   /* an attachment of ATTACHMENT_SIZE bytes */
  Action            action;
  const char       *when;         /* the server log line that triggers @action */
  int               exit_code;
  const char       *text;         /* in stderr or stdout, exactly once */
  const char       *not_text;     /* nowhere in stderr or stdout; NULL: no check */
  const char       *log_has;      /* the server log holds this line; NULL: no check */
  const char       *log_lacks;    /* … and not this one */
  guint             max_seconds;  /* the client finished within this; 0: CLIENT_TIMEOUT_MS */
  guint             messages;     /* the server stored this many; 0: no check */
} FaultRow;

static const FaultRow rows[] = {
  { "greeting 421", "greeting-421", SC_TEST_SERVER_PLAIN, 10, { NULL }, FALSE, ACTION_NONE, NULL,
    SC_EXIT_CONNECTION, "temporarily refused the connection: 421 4.3.2", NULL, NULL, "EHLO",
    0 },
  { "454 to STARTTLS", "starttls-454", SC_TEST_SERVER_STARTTLS, 10, { NULL }, FALSE, ACTION_NONE,
    NULL, SC_EXIT_CONNECTION, "refused STARTTLS: 454 4.7.0", NULL, NULL, "MAIL", 0 },
  { "535 to AUTH", "auth-535", SC_TEST_SERVER_PLAIN, 10, { NULL }, FALSE, ACTION_NONE, NULL,
    SC_EXIT_AUTH, "Authentication failed: 535 5.7.8", NULL, NULL, "MAIL", 0 },
  { "one RCPT refused", "rcpt-partial", SC_TEST_SERVER_PLAIN, 10, { NULL }, FALSE, ACTION_NONE,
    NULL, SC_EXIT_PARTIAL, "bob@example.com was refused: 550 5.1.1", NULL, "STORED 1", NULL,
    0 },
  { "every RCPT refused, each once", "rcpt-all", SC_TEST_SERVER_PLAIN, 10, { NULL }, FALSE,
    ACTION_NONE, NULL, SC_EXIT_REFUSED, "bob@example.com (550 5.1.1", NULL, NULL, "DOT", 0 },
  { "452: the rest in a second transaction", "rcpt-452", SC_TEST_SERVER_PLAIN, 10,
    { "a@example.com", "b@example.com", "c@example.com", "d@example.com", NULL }, FALSE,
    ACTION_NONE, NULL, SC_EXIT_OK, "Message sent successfully", "refused", "STORED 2", NULL,
    0, 2 },
  { "553 to MAIL, 503 to pipelined RCPT and DATA", "mail-553-rcpt-503", SC_TEST_SERVER_PLAIN,
    10, { NULL }, FALSE, ACTION_NONE, NULL, SC_EXIT_REFUSED, "553 5.7.1", "503", "QUIT",
    "CONTENT", 0 },
  { "451 to MAIL is temporary", "mail-451", SC_TEST_SERVER_PLAIN, 10, { NULL }, FALSE,
    ACTION_NONE, NULL, SC_EXIT_REFUSED, "temporarily", NULL, "QUIT", "CONTENT", 0 },
  { "every RCPT refused, yet 354 to pipelined DATA", "rcpt-all-354", SC_TEST_SERVER_PLAIN, 10,
    { NULL }, FALSE, ACTION_NONE, NULL, SC_EXIT_REFUSED, "bob@example.com (550 5.1.1", NULL,
    "EMPTY-END", "DOT", 0 },
  { "421 to a RCPT after one accepted, then closed", "rcpt-421", SC_TEST_SERVER_PLAIN, 10,
    { NULL }, FALSE, ACTION_NONE, NULL, SC_EXIT_REFUSED, "421 4.7.0 Too many errors",
    "successfully", NULL, "DATA-STARTED", 0 },
  { "421 to pipelined MAIL, then closed", "mail-421", SC_TEST_SERVER_PLAIN, 10, { NULL }, FALSE,
    ACTION_NONE, NULL, SC_EXIT_REFUSED, "421 4.7.0 Too many errors", "RCPT TO", NULL, NULL, 0 },
  { "early 552 in DATA, server stops reading", "data-552-stop-reading", SC_TEST_SERVER_PLAIN,
    10, { NULL }, TRUE, ACTION_NONE, NULL, SC_EXIT_REFUSED, "552 5.3.4", "Timed out", NULL,
    "DOT", 8 },
  { "early 552 in DATA, then closed", "data-552-close", SC_TEST_SERVER_PLAIN, 10, { NULL }, TRUE,
    ACTION_NONE, NULL, SC_EXIT_REFUSED, "552 5.3.4", "Broken pipe", NULL, "DOT", 8 },
  { "early 552 in DATA over TLS, server stops reading", "data-552-stop-reading",
    SC_TEST_SERVER_TLS, 10, { NULL }, TRUE, ACTION_NONE, NULL, SC_EXIT_REFUSED, "552 5.3.4",
    "Timed out", NULL, "DOT", 8 },
  { "greeting over TLS, one byte a second", "greeting-trickle", SC_TEST_SERVER_TLS, 2, { NULL },
    FALSE, ACTION_NONE, NULL, SC_EXIT_CONNECTION, "Timed out waiting for the server's greeting",
    NULL, NULL, NULL, 8 },
  { "SIGTERM after the dot over TLS", "silent-after-dot", SC_TEST_SERVER_TLS, 30, { NULL },
    FALSE, ACTION_SIGTERM, "DOT", SC_EXIT_CONNECTION, "may have been delivered", "not sent",
    "DOT", NULL, 10 },
  { "connection dropped in DATA", "data-drop", SC_TEST_SERVER_PLAIN, 10, { NULL }, TRUE,
    ACTION_NONE, NULL, SC_EXIT_CONNECTION, "while sending the message", "delivered", NULL,
    "DOT", 8 },
  { "server stops reading in DATA", "data-stall", SC_TEST_SERVER_PLAIN, 2, { NULL }, TRUE,
    ACTION_NONE, NULL, SC_EXIT_CONNECTION, "Timed out sending the message", "delivered", NULL,
    "DOT", 8 },
  { "connection dropped after the dot", "drop-after-dot", SC_TEST_SERVER_PLAIN, 10, { NULL },
    FALSE, ACTION_NONE, NULL, SC_EXIT_CONNECTION, "may have been delivered", "not sent", "DOT",
    NULL, 8 },
  { "no reply after the dot", "silent-after-dot", SC_TEST_SERVER_PLAIN, 2, { NULL }, FALSE,
    ACTION_NONE, NULL, SC_EXIT_CONNECTION, "may have been delivered", "not sent", "DOT", NULL,
    8 },
  { "SIGTERM after the dot", "silent-after-dot", SC_TEST_SERVER_PLAIN, 30, { NULL }, FALSE,
    ACTION_SIGTERM, "DOT", SC_EXIT_CONNECTION, "may have been delivered", "not sent", "DOT",
    NULL, 10 },
  { "SIGTERM during DATA", "data-stall", SC_TEST_SERVER_PLAIN, 30, { NULL }, TRUE,
    ACTION_SIGTERM, "DATA-STARTED", SC_EXIT_INTERRUPTED, "the message was not sent",
    "delivered", NULL, "DOT", 10 },
  { "silent server", "silent", SC_TEST_SERVER_PLAIN, 2, { NULL }, FALSE, ACTION_NONE, NULL,
    SC_EXIT_CONNECTION, "Timed out waiting for the server's greeting", NULL, NULL, NULL, 8 },
  { "greeting of one byte a second", "greeting-trickle", SC_TEST_SERVER_PLAIN, 2, { NULL },
    FALSE, ACTION_NONE, NULL, SC_EXIT_CONNECTION, "Timed out waiting for the server's greeting",
    NULL, NULL, NULL, 8 },
  { "attachment cut during the upload", "data-slow", SC_TEST_SERVER_PLAIN, 30, { NULL }, TRUE,
    ACTION_CHANGE_ATTACHMENT, "DATA-STARTED", SC_EXIT_USAGE,
    "big.bin: the attachment changed while it was being sent", "successfully", NULL, "DOT",
    0 },
  { "local part over 64 octets", "ok", SC_TEST_SERVER_PLAIN, 10,
    { "a12345678901234567890123456789012345678901234567890123456789012345@example.com", NULL },
    FALSE, ACTION_NONE, NULL, SC_EXIT_USAGE, "(item 1) is not one", NULL, NULL, "CONNECTED",
    0 },
  { "server offers only TLS 1.0", "tls10", SC_TEST_SERVER_TLS, 10, { NULL }, FALSE,
    ACTION_NONE, NULL, SC_EXIT_CONNECTION, "offered only TLS 1.0", NULL, NULL, "EHLO", 0 },
  { "a normal send", "ok", SC_TEST_SERVER_PLAIN, 10, { NULL }, TRUE, ACTION_NONE, NULL,
    SC_EXIT_OK, "Message sent successfully", NULL, "STORED 2", NULL, 0, 1 },
};

/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  gboolean  done;
  GBytes   *out;
  GBytes   *err;
  GError   *error;
} RunWaiter;

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RunWaiter *waiter = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (object), result, &waiter->out, &waiter->err,
                                   &waiter->error);
  waiter->done = TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return g_strndup (data != NULL ? data : "", len);
}

static gboolean
log_has_line (ScTestServer *server,
              const char   *line)
{
  g_autofree char *log = sc_test_server_get_log (server);
  g_auto(GStrv) lines = g_strsplit (log != NULL ? log : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], line))
        return TRUE;
    }

  return FALSE;
}

static void
set_timeout (const char *dir,
             guint       seconds)
{
  g_autofree char *path = g_build_filename (dir, "config.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  json_object_set_int_member (json_node_get_object (json_parser_get_root (parser)),
                              "timeout_seconds", seconds);
  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
}

/* Runs smtp-client --send in @dir, doing @row's action when the server logs its marker. */
static int
run_row (const FaultRow *row,
         ScTestServer   *server,
         const char     *dir,
         const char     *settings,
         char          **out,
         char          **err,
         double         *out_seconds,
         double         *out_after_action)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSource) tick = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xdg = g_build_filename (dir, "xdg-config", NULL);
  const char *binary = g_getenv ("SC_CLIENT_BIN");
  const char *argv[] = { binary, "--send", "--settings", settings, NULL };
  RunWaiter waiter = { 0 };
  gboolean acted = row->action == ACTION_NONE;
  gint64 start = g_get_monotonic_time ();
  gint64 acted_at = start;

  g_assert_nonnull (binary);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", xdg, TRUE);
  /* The record of sends (and a kept message) goes into @dir too, removed with it */
  {
    g_autofree char *xdg_data = g_build_filename (dir, "xdg-data", NULL);

    g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg_data, TRUE);
  }

  g_main_context_push_thread_default (context);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, NULL, NULL, communicate_cb, &waiter);

  /* Wakes the loop up to look at the server's log (a condition, not a sleep) */
  tick = g_timeout_source_new (10);
  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, context);

  while (!waiter.done)
    {
      if (!acted && log_has_line (server, row->when))
        {
          acted = TRUE;
          acted_at = g_get_monotonic_time ();
          if (row->action == ACTION_SIGTERM)
            {
              g_subprocess_send_signal (process, SIGTERM);
            }
          else
            {
              g_autofree char *path = g_build_filename (settings, "attachments", "big.bin",
                                                        NULL);

              g_assert_cmpint (truncate (path, ATTACHMENT_SIZE / 2), ==, 0);
            }
        }
      if (g_get_monotonic_time () - start > CLIENT_TIMEOUT_MS * (gint64) 1000)
        {
          g_subprocess_force_exit (process);
          g_error ("smtp-client did not finish within %d ms", CLIENT_TIMEOUT_MS);
        }
      g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (tick);
  g_subprocess_wait (process, NULL, &error);
  g_main_context_pop_thread_default (context);
  g_assert_no_error (error);
  g_assert_no_error (waiter.error);

  *out_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  *out_after_action = (g_get_monotonic_time () - acted_at) / (double) G_USEC_PER_SEC;
  *out = bytes_to_string (waiter.out);
  *err = bytes_to_string (waiter.err);
  g_clear_pointer (&waiter.out, g_bytes_unref);
  g_clear_pointer (&waiter.err, g_bytes_unref);

  g_assert_true (acted);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

static void
test_fault_row (gconstpointer data)
{
  const FaultRow *row = data;
  ScTestServerOptions options = { row->mode, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *settings = g_build_filename (dir, "settings", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *all = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *log = NULL;
  ScTestServer *server;
  double seconds;
  double after_action;
  int status;

  options.script = row->script;
  server = sc_test_server_start (&options, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_mkdir (settings, 0700), ==, 0);
  sc_test_write_settings (server, settings, row->to[0] != NULL ? row->to : NULL, NULL, NULL);
  set_timeout (settings, row->timeout_seconds);
  if (row->attachment)
    {
      g_autofree char *content = g_malloc (ATTACHMENT_SIZE);

      for (gsize i = 0; i < ATTACHMENT_SIZE; i++)
        content[i] = (char) g_random_int ();
      sc_test_write_file (settings, "attachments/big.bin", content, ATTACHMENT_SIZE);
    }

  status = run_row (row, server, dir, settings, &out, &err, &seconds, &after_action);
  all = g_strconcat (out, err, NULL);
  shown = g_strdup (all);
  log = sc_test_server_get_log (server);

  g_test_message ("%-50s exit %3d (want %3d) in %5.1f s: %s", row->scenario, status,
                  row->exit_code, seconds, g_strstrip (shown));
  /* The log without the AUTH lines (the test password is in them, base64) */
  {
    g_auto(GStrv) lines = g_strsplit (log != NULL ? log : "", "\n", -1);
    g_autoptr(GString) shown_log = g_string_new (NULL);

    for (guint i = 0; lines[i] != NULL; i++)
      g_string_append_printf (shown_log, "%s\n",
                              g_str_has_prefix (lines[i], "AUTH") ? "AUTH <redacted>" : lines[i]);
    g_test_message ("server log:\n%s", shown_log->str);
  }

  g_assert_cmpint (status, ==, row->exit_code);
  g_assert_cmpuint (sc_test_count_substrings (all, row->text), ==, 1);
  if (row->not_text != NULL)
    g_assert_null (strstr (all, row->not_text));
  if (row->log_has != NULL)
    g_assert_true (log_has_line (server, row->log_has));
  if (row->log_lacks != NULL)
    g_assert_false (log_has_line (server, row->log_lacks));
  /* An interrupt stops everything within a second (the poll of the log adds 10 ms) */
  if (row->action == ACTION_SIGTERM)
    g_assert_cmpfloat (after_action, <, 1.0);
  if (row->messages > 0)
    g_assert_cmpuint (sc_test_count_substrings (log, "\nSTORED "), ==, row->messages);
  if (row->max_seconds > 0)
    g_assert_cmpfloat (seconds, <, row->max_seconds);
  /* Whatever happened, the password is never shown */
  sc_test_assert_no_secret (all);

  sc_test_server_stop (server);
  sc_test_rm_rf (dir);
}

/* The rule behind the "local part over 64 octets" row (RFC 5321 §4.5.3.1.1), in its one home. */
static void
test_local_part_limit (void)
{
  g_autofree char *local64 = g_strnfill (64, 'a');
  g_autofree char *ok = g_strconcat (local64, "@example.com", NULL);
  g_autofree char *too_long = g_strconcat (local64, "b@example.com", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (sc_address_validate (ok, &error));
  g_assert_no_error (error);
  g_assert_false (sc_address_validate (too_long, &error));
  g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS);
  g_assert_nonnull (strstr (error->message, "longer than 64 octets"));
}

/* The matrix, as a table in the test output. */
static void
test_fault_table (void)
{
  g_test_message ("%-50s | %-4s | %s", "scenario", "exit", "expected text");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_test_message ("%-50s | %4d | %s", rows[i].scenario, rows[i].exit_code, rows[i].text);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Every row runs, also after one failed: the table shows them all */
  g_test_set_nonfatal_assertions ();

  g_test_add_func ("/faults/table", test_fault_table);
  g_test_add_func ("/faults/address/local-part-limit", test_local_part_limit);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/faults/%s", rows[i].script);
      g_autofree char *name = g_strdelimit (g_strdup (rows[i].scenario), " ,:/", '-');

      g_free (path);
      path = g_strdup_printf ("/faults/%02u-%s", i, name);
      g_test_add_data_func (path, &rows[i], test_fault_row);
    }

  return g_test_run ();
}

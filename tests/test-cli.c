/* test-cli.c — smtp-client --send against a real SMTP server, and the test server itself
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <fcntl.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "sc-certificate-info.h"
#include "sc-cli.h"
#include "sc-test-server.h"

/* ------------------------------------------------------------------------------------------
 * The test server itself
 * ------------------------------------------------------------------------------------------ */

static void
test_server_start_stop (void)
{
  ScTestServerMode modes[] = {
    SC_TEST_SERVER_TLS, SC_TEST_SERVER_STARTTLS,
    SC_TEST_SERVER_STARTTLS_NOT_OFFERED, SC_TEST_SERVER_PLAIN,
  };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      ScTestServerOptions options = { .mode = modes[i] };
      g_autoptr(GError) error = NULL;
      g_autofree char *workdir = NULL;
      g_autofree char *log = NULL;
      ScTestServer *server;
      GSocketClient *client;
      GSocketConnection *connection;

      server = sc_test_server_start (&options, &error);
      g_assert_no_error (error);
      g_assert_nonnull (server);
      g_assert_cmpuint (server->port, >, 0);
      g_assert_true (g_file_test (server->ca_file, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_file_test (server->maildir, G_FILE_TEST_IS_DIR));
      g_assert_cmpuint (sc_test_server_count_messages (server), ==, 0);

      /* It listens on 127.0.0.1. */
      client = g_socket_client_new ();
      connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL,
                                                    &error);
      g_assert_no_error (error);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      g_object_unref (connection);
      g_object_unref (client);

      log = sc_test_server_get_log (server);
      g_assert_nonnull (log);

      workdir = g_strdup (server->workdir);
      sc_test_server_stop (server);
      g_assert_false (g_file_test (workdir, G_FILE_TEST_EXISTS));
    }
}

static void
test_server_write_settings (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  g_autoptr(ScTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  JsonObject *object;

  server = sc_test_server_start (&options, &error);
  g_assert_no_error (error);

  sc_test_write_settings (server, dir, NULL, "Тема", "тело\n");

  path = g_build_filename (dir, "config.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "smtp_host"), ==, "localhost");
  g_assert_cmpint (json_object_get_int_member (object, "smtp_port"), ==, server->port);
  g_assert_cmpstr (json_object_get_string_member (object, "security"), ==, "starttls");
  g_assert_cmpstr (json_object_get_string_member (object, "ca_file"), ==, server->ca_file);
  g_free (path);

  path = g_build_filename (dir, "credentials.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "password"), ==, SC_TEST_PASSWORD);
  g_free (path);

  path = g_build_filename (dir, "data.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "to_addrs")),
                    ==, 2);
  object = json_object_get_object_member (object, "message");
  g_assert_cmpstr (json_object_get_string_member (object, "subject"), ==, "Тема");
  g_free (path);

  path = g_build_filename (dir, "body.txt", NULL);
  g_file_get_contents (path, &body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (body, ==, "тело\n");
  g_free (path);

  path = g_build_filename (dir, "attachments", NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));

  sc_test_rm_rf (dir);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* Sends @command (if not NULL) and returns the last line of the reply. */
static char *
dialogue (GDataInputStream *in,
          GOutputStream    *out,
          const char       *command)
{
  g_autoptr(GError) error = NULL;
  char *line = NULL;

  if (command != NULL)
    {
      g_output_stream_write_all (out, command, strlen (command), NULL, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, &error);
      g_assert_no_error (error);
    }

  for (;;)
    {
      g_free (line);
      line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_strchomp (line);
      if (strlen (line) < 4 || line[3] != '-')
        return line;
    }
}

/* Connects to @server (reads and writes bounded by 10 s); @out_in reads its CRLF lines. */
static GSocketConnection *
dialogue_connect (ScTestServer      *server,
                  GDataInputStream **out_in)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);
  *out_in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (*out_in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  return connection;
}

static void
test_server_dialogue (void)
{
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_PLAIN,
    .refuse_recipient = "nobody@example.com",
    .auth_mechanisms = "PLAIN",
  };
  g_autoptr(ScTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *eml = NULL;
  g_autofree char *json = NULL;
  g_autofree char *log = NULL;
  g_autofree char *json_path = NULL;
  GOutputStream *out;
  gsize len;
  char *reply;

  server = sc_test_server_start (&options, &error);
  g_assert_no_error (error);

  connection = dialogue_connect (server, &in);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

#define EXPECT(command, prefix) \
  G_STMT_START { \
    reply = dialogue (in, out, command); \
    g_assert_true (g_str_has_prefix (reply, prefix)); \
    g_free (reply); \
  } G_STMT_END

  EXPECT (NULL, "220 ");
  EXPECT ("EHLO test", "250 ");
  EXPECT ("MAIL FROM:<" SC_TEST_LOGIN ">", "530 ");
  EXPECT ("AUTH LOGIN", "504 ");
  EXPECT ("AUTH PLAIN AHNlbmRlckBleGFtcGxlLmNvbQB3cm9uZw==", "535 ");

  /* "\0login\0password" */
  len = strlen (SC_TEST_LOGIN) + strlen (SC_TEST_PASSWORD) + 2;
  credentials = g_malloc0 (len + 1);
  memcpy (credentials + 1, SC_TEST_LOGIN, strlen (SC_TEST_LOGIN));
  memcpy (credentials + 2 + strlen (SC_TEST_LOGIN), SC_TEST_PASSWORD, strlen (SC_TEST_PASSWORD));
  encoded = g_base64_encode ((const guchar *) credentials, len);
  auth = g_strdup_printf ("AUTH PLAIN %s", encoded);
  EXPECT (auth, "235 ");

  EXPECT ("MAIL FROM:<" SC_TEST_LOGIN ">", "250 ");
  EXPECT ("RCPT TO:<alice@example.com>", "250 ");
  reply = dialogue (in, out, "RCPT TO:<nobody@example.com>");
  g_assert_cmpstr (reply, ==, "550 5.1.1 <nobody@example.com>: Recipient address rejected");
  g_free (reply);
  EXPECT ("DATA", "354 ");
  EXPECT ("Subject: hi\r\n\r\n..dot\r\nend\r\n.", "250 ");
  EXPECT ("QUIT", "221 ");
#undef EXPECT

  messages = sc_test_server_wait_messages (server, 1, 5000);
  g_assert_nonnull (messages);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (messages, 0), "/0001.eml"));
  g_file_get_contents (g_ptr_array_index (messages, 0), &eml, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (eml, ==, "Subject: hi\r\n\r\n.dot\r\nend\r\n");

  json_path = g_build_filename (server->maildir, "0001.json", NULL);
  g_file_get_contents (json_path, &json, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "\"rcpt_tos\": [\"alice@example.com\"]"));

  log = sc_test_server_get_log (server);
  g_assert_nonnull (strstr (log, "EHLO test\n"));
  g_assert_nonnull (strstr (log, "AUTH-RESULT fail\nAUTH PLAIN"));
  g_assert_nonnull (strstr (log, "AUTH-RESULT ok\n"));
  g_assert_nonnull (strstr (log, "RCPT TO:<nobody@example.com>\nDATA\nQUIT\n"));
}

/* Every command is logged, even one that aiosmtpd refuses before looking at it. */
static void
test_server_log_before_starttls (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  g_autoptr(ScTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *log = NULL;
  GOutputStream *out;
  char *reply;

  server = sc_test_server_start (&options, &error);
  g_assert_no_error (error);

  connection = dialogue_connect (server, &in);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  g_free (dialogue (in, out, NULL));
  reply = dialogue (in, out, "EHLO test");
  g_free (reply);
  reply = dialogue (in, out, "AUTH PLAIN AGZvbwBiYXI=");
  g_assert_true (g_str_has_prefix (reply, "530 "));
  g_free (reply);
  reply = dialogue (in, out, "QUIT");
  g_assert_true (g_str_has_prefix (reply, "221 "));
  g_free (reply);

  log = sc_test_server_get_log (server);
  g_assert_cmpstr (log, ==, "EHLO test\nAUTH PLAIN AGZvbwBiYXI=\nQUIT\n");
}

/* ------------------------------------------------------------------------------------------
 * smtp-client --send
 * ------------------------------------------------------------------------------------------ */

#define CLIENT_TIMEOUT_MS 60000

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
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
run_timeout_cb (gpointer user_data)
{
  RunWaiter *waiter = user_data;

  waiter->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return g_strndup (data != NULL ? data : "", len);
}

/* Runs smtp-client MODE ARGS... (MODE: "--send" or "--test-connection") in @cwd (bounded by
 * CLIENT_TIMEOUT_MS); returns the exit status and the whole stdout and stderr. */
static int
run_client_mode (const char          *cwd,
                 const char          *mode,
                 const char * const  *args,
                 char               **out,
                 char               **err)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xdg = NULL;
  g_autofree char *xdg_data = NULL;
  const char *binary = g_getenv ("SC_CLIENT_BIN");
  RunWaiter waiter = { 0 };
  int status;

  g_assert_nonnull (binary);

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) mode);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, cwd);
  /* Never the user's real configuration folder. */
  xdg = g_build_filename (cwd, "xdg-config", NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", xdg, TRUE);
  /* Nor its data folder: the record of sends goes into @cwd/xdg-data/smtp-client. */
  xdg_data = g_build_filename (cwd, "xdg-data", NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg_data, TRUE);

  g_main_context_push_thread_default (context);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_async (process, NULL, NULL, communicate_cb, &waiter);
  timeout = g_timeout_source_new (CLIENT_TIMEOUT_MS);
  g_source_set_callback (timeout, run_timeout_cb, &waiter, NULL);
  g_source_attach (timeout, context);

  while (!waiter.done)
    {
      if (waiter.timed_out)
        g_subprocess_force_exit (process);
      g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);

  if (!waiter.timed_out)
    g_subprocess_wait (process, NULL, &error);
  else
    {
      g_autoptr(GError) wait_error = NULL;

      g_subprocess_wait (process, NULL, &wait_error);
    }

  g_main_context_pop_thread_default (context);

  g_assert_no_error (waiter.error);
  g_assert_no_error (error);

  *out = bytes_to_string (waiter.out);
  *err = bytes_to_string (waiter.err);
  g_clear_pointer (&waiter.out, g_bytes_unref);
  g_clear_pointer (&waiter.err, g_bytes_unref);

  g_test_message ("smtp-client exit %d\nstdout: %s\nstderr: %s",
                  g_subprocess_get_if_exited (process)
                  ? g_subprocess_get_exit_status (process) : -1, *out, *err);

  if (waiter.timed_out)
    g_error ("smtp-client did not finish within %d ms", CLIENT_TIMEOUT_MS);
  g_assert_true (g_subprocess_get_if_exited (process));
  status = g_subprocess_get_exit_status (process);

  return status;
}

/* Runs smtp-client --send ARGS... */
static int
run_client (const char          *cwd,
            const char * const  *args,
            char               **out,
            char               **err)
{
  return run_client_mode (cwd, "--send", args, out, err);
}

typedef struct
{
  ScTestServer *server;
  char         *dir;        /* the temporary working directory of the client */
  char         *settings;   /* dir/settings */
  char         *out;
  char         *err;
} Fixture;

static void
fixture_start (Fixture                   *fixture,
               const ScTestServerOptions *options,
               const char * const        *to,
               const char                *subject,
               const char                *body)
{
  g_autoptr(GError) error = NULL;

  fixture->server = sc_test_server_start (options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->server);

  fixture->dir = sc_test_make_tmpdir ();
  fixture->settings = g_build_filename (fixture->dir, "settings", NULL);
  g_assert_cmpint (g_mkdir (fixture->settings, 0700), ==, 0);
  sc_test_write_settings (fixture->server, fixture->settings, to, subject, body);
}

static int
fixture_run (Fixture    *fixture,
             const char *extra_arg)
{
  const char *args[] = { "--settings", fixture->settings, extra_arg, NULL };

  g_clear_pointer (&fixture->out, g_free);
  g_clear_pointer (&fixture->err, g_free);

  return run_client (fixture->dir, args, &fixture->out, &fixture->err);
}

/* smtp-client --test-connection --settings DIR --verbose */
static int
fixture_run_test_connection (Fixture *fixture)
{
  const char *args[] = { "--settings", fixture->settings, "--verbose", NULL };

  g_clear_pointer (&fixture->out, g_free);
  g_clear_pointer (&fixture->err, g_free);

  return run_client_mode (fixture->dir, "--test-connection", args, &fixture->out, &fixture->err);
}

static void
fixture_stop (Fixture *fixture)
{
  g_clear_pointer (&fixture->server, sc_test_server_stop);
  if (fixture->dir != NULL)
    sc_test_rm_rf (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->settings, g_free);
  g_clear_pointer (&fixture->out, g_free);
  g_clear_pointer (&fixture->err, g_free);
}

/* Runs the client, which must fail with @status before printing anything on stdout. */
static void
fixture_run_fails (Fixture    *fixture,
                   const char *extra_arg,
                   int         status)
{
  g_assert_cmpint (fixture_run (fixture, extra_arg), ==, status);
  g_assert_cmpstr (fixture->out, ==, "");
  g_assert_true (g_str_has_prefix (fixture->err, "smtp-client: "));
}

/* Runs the client, which must report success. */
static void
fixture_run_succeeds (Fixture    *fixture,
                      const char *extra_arg)
{
  g_assert_cmpint (fixture_run (fixture, extra_arg), ==, SC_EXIT_OK);
  g_assert_cmpstr (fixture->out, ==, "Message sent successfully\n");
}

/* The server saw no AUTH command and holds no message, once its @sessions client sessions
 * have ended (an implicit-TLS handshake that fails is no session). */
static void
assert_nothing_sent (ScTestServer *server,
                     guint         sessions)
{
  g_autofree char *log = NULL;

  g_assert_true (sc_test_server_wait_closed (server, sessions, 10000));
  log = sc_test_server_get_log (server);

  g_assert_null (strstr (log, "AUTH"));
  g_assert_cmpuint (sc_test_server_count_messages (server), ==, 0);
}

static GMimeMessage *
parse_message (const char *path)
{
  g_autoptr(GError) error = NULL;
  GMimeParser *parser;
  GMimeStream *stream;
  GMimeMessage *message;

  stream = g_mime_stream_fs_open (path, O_RDONLY, 0, &error);
  g_assert_no_error (error);
  parser = g_mime_parser_new_with_stream (stream);
  g_object_unref (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_assert_nonnull (message);

  return message;
}

static void
collect_attachments_cb (GMimeObject *parent,
                        GMimeObject *part,
                        gpointer     user_data)
{
  GHashTable *attachments = user_data;
  GMimeStream *memory;
  GByteArray *array;
  const char *filename;

  if (!GMIME_IS_PART (part))
    return;
  filename = g_mime_part_get_filename (GMIME_PART (part));
  if (filename == NULL)
    return;

  memory = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (GMIME_PART (part)), memory);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (memory));
  g_hash_table_insert (attachments, g_strdup (filename),
                       g_bytes_new (array->data, array->len));
  g_object_unref (memory);
}

/* Takes @text and returns it without CRs. */
static char *
strip_cr (char *text)
{
  char *out = text;

  for (const char *p = text; *p != '\0'; p++)
    if (*p != '\r')
      *out++ = *p;
  *out = '\0';

  return text;
}

static void
test_cli_send_tls (void)
{
  static const char subject[] = "Проверка связи — тест №1 with a long subject that must be folded "
                                "somewhere because it is longer than seventy-eight characters";
  static const char body[] = "Привет!\n\n.A line that starts with a dot\n..two dots\n.\nEnd.\n";
  static const char * const to[] = { "alice@example.com", "bob@example.com", NULL };
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) messages = NULL;
  GMimeMessage *message;
  g_autoptr(GHashTable) attachments = NULL;
  g_autofree char *from = NULL;
  g_autofree char *text = NULL;
  g_autofree char *want_text = NULL;
  g_autofree char *got_text = NULL;
  g_autoptr(GByteArray) binary = g_byte_array_new ();
  g_autofree char *log = NULL;
  const char *attachment_text = "Отчёт\r\n.\r\nline two\n";
  const guchar pixel[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d, '.', '\r',
                           '\n', '.', '\r', '\n', 0xff, 0xfe, 0 };
  g_auto(GStrv) rcpt = NULL;
  g_autofree char *mail_from = NULL;
  GMimeObject *body_part;
  GMimeHeader *header;
  g_autofree char *decoded_subject = NULL;
  GBytes *bytes;

  fixture_start (&fixture, &options, to, subject, body);

  /* Three attachments: UTF-8 name and text, a binary with CRLF.CRLF inside, a large random one */
  for (guint i = 0; i < 300 * 1024; i++)
    {
      guint8 byte = (guint8) g_test_rand_int_range (0, 256);

      g_byte_array_append (binary, &byte, 1);
    }
  sc_test_write_file (fixture.settings, "attachments/отчёт за май.txt", attachment_text, -1);
  sc_test_write_file (fixture.settings, "attachments/pixel.png", pixel, sizeof pixel);
  sc_test_write_file (fixture.settings, "attachments/random.bin", binary->data, binary->len);

  fixture_run_succeeds (&fixture, NULL);

  messages = sc_test_server_assert_received (fixture.server, 1);

  rcpt = sc_test_read_envelope (g_ptr_array_index (messages, 0), &mail_from);
  g_assert_cmpstr (mail_from, ==, SC_TEST_LOGIN);
  g_assert_cmpuint (g_strv_length (rcpt), ==, 2);
  g_assert_cmpstr (rcpt[0], ==, "alice@example.com");
  g_assert_cmpstr (rcpt[1], ==, "bob@example.com");

  message = parse_message (g_ptr_array_index (messages, 0));
  header = g_mime_header_list_get_header (g_mime_object_get_header_list (GMIME_OBJECT (message)),
                                         "Subject");
  g_assert_nonnull (header);
  decoded_subject = sc_test_decode_rfc2047 (g_mime_header_get_raw_value (header));
  g_assert_cmpstr (decoded_subject, ==, subject);
  g_free (decoded_subject);
  decoded_subject = sc_test_eml_get_header (g_ptr_array_index (messages, 0), "subject");
  g_assert_cmpstr (decoded_subject, ==, subject);
  g_assert_null (sc_test_eml_get_header (g_ptr_array_index (messages, 0), "X-No-Such-Header"));
  from = internet_address_list_to_string (g_mime_message_get_from (message), NULL, FALSE);
  g_assert_nonnull (strstr (from, SC_TEST_LOGIN));
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_to (message)), ==, 2);
  text = internet_address_list_to_string (g_mime_message_get_to (message), NULL, FALSE);
  g_assert_nonnull (strstr (text, "alice@example.com"));
  g_assert_nonnull (strstr (text, "bob@example.com"));

  body_part = g_mime_message_get_body (message);
  g_assert_true (GMIME_IS_TEXT_PART (body_part));
  got_text = strip_cr (g_mime_text_part_get_text (GMIME_TEXT_PART (body_part)));
  want_text = g_strdup (body);
  g_assert_cmpstr (g_strchomp (got_text), ==, g_strchomp (want_text));

  attachments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_bytes_unref);
  g_mime_message_foreach (message, collect_attachments_cb, attachments);
  g_assert_cmpuint (g_hash_table_size (attachments), ==, 3);

  bytes = g_hash_table_lookup (attachments, "отчёт за май.txt");
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   attachment_text, strlen (attachment_text));
  bytes = g_hash_table_lookup (attachments, "pixel.png");
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   pixel, sizeof pixel);
  bytes = g_hash_table_lookup (attachments, "random.bin");
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   binary->data, binary->len);

  g_object_unref (message);

  log = sc_test_server_get_log (fixture.server);
  g_assert_nonnull (strstr (log, "AUTH-RESULT ok\n"));
  g_assert_nonnull (strstr (log, "QUIT\n"));
  sc_test_assert_no_secret (fixture.out);
  sc_test_assert_no_secret (fixture.err);

  fixture_stop (&fixture);
}

static void
test_cli_send_starttls (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *log = NULL;
  const char *starttls, *auth;

  fixture_start (&fixture, &options, NULL, "STARTTLS", NULL);

  fixture_run_succeeds (&fixture, NULL);

  messages = sc_test_server_assert_received (fixture.server, 1);

  log = sc_test_server_get_log (fixture.server);
  starttls = strstr (log, "STARTTLS\n");
  auth = strstr (log, "AUTH ");
  g_assert_nonnull (starttls);
  g_assert_nonnull (auth);
  g_assert_true (starttls < auth);

  fixture_stop (&fixture);
}

static void
test_cli_send_plain_loopback (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_PLAIN };
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) messages = NULL;

  fixture_start (&fixture, &options, NULL, "plain", NULL);

  fixture_run_succeeds (&fixture, NULL);
  messages = sc_test_server_wait_messages (fixture.server, 1, 5000);
  g_assert_nonnull (messages);
  g_assert_cmpstr (fixture.err, ==, "");

  fixture_stop (&fixture);
}

/* A credentials.json that others can read: sent, with a warning naming the file and the fix. */
static void
test_cli_readable_credentials (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  Fixture fixture = { 0 };
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  fixture_start (&fixture, &options, NULL, NULL, NULL);
  path = g_build_filename (fixture.settings, "credentials.json", NULL);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  fixture_run_succeeds (&fixture, NULL);
  g_assert_true (g_str_has_prefix (fixture.err, "smtp-client: warning: "));
  g_assert_nonnull (strstr (fixture.err, "credentials.json can be read by other users"));
  g_assert_nonnull (strstr (fixture.err, "chmod 600 "));
  sc_test_assert_no_secret (fixture.err);
  messages = sc_test_server_wait_messages (fixture.server, 1, 5000);
  g_assert_nonnull (messages);

  fixture_stop (&fixture);
}

static void
test_cli_wrong_password (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  Fixture fixture = { 0 };
  g_autofree char *log = NULL;

  fixture_start (&fixture, &options, NULL, NULL, NULL);
  sc_test_write_file (fixture.settings, "credentials.json",
                      "{ \"login\": \"" SC_TEST_LOGIN "\", \"password\": \"неверный-Secret\" }\n",
                      -1);

  fixture_run_fails (&fixture, NULL, SC_EXIT_AUTH);
  g_assert_nonnull (strstr (fixture.err, "535"));
  g_assert_null (strstr (fixture.err, "неверный"));
  sc_test_assert_no_secret (fixture.err);

  log = sc_test_server_get_log (fixture.server);
  g_assert_nonnull (strstr (log, "AUTH-RESULT fail\n"));
  g_assert_null (strstr (log, "MAIL FROM"));
  g_assert_true (sc_test_server_wait_closed (fixture.server, 1, 10000));
  g_assert_cmpuint (sc_test_server_count_messages (fixture.server), ==, 0);

  fixture_stop (&fixture);
}

static void
test_cli_untrusted_certificate (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .untrusted_cert = TRUE };
  Fixture fixture = { 0 };

  fixture_start (&fixture, &options, NULL, NULL, NULL);

  fixture_run_fails (&fixture, NULL, SC_EXIT_CONNECTION);
  sc_test_assert_no_secret (fixture.err);

  assert_nothing_sent (fixture.server, 0);

  fixture_stop (&fixture);
}

static void
test_cli_untrusted_certificate_starttls (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS, .untrusted_cert = TRUE };
  Fixture fixture = { 0 };

  fixture_start (&fixture, &options, NULL, NULL, NULL);

  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_CONNECTION);
  g_assert_true (g_str_has_prefix (fixture.err, "smtp-client: "));

  assert_nothing_sent (fixture.server, 1);

  fixture_stop (&fixture);
}

static void
test_cli_starttls_not_offered (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS_NOT_OFFERED };
  Fixture fixture = { 0 };
  g_autofree char *log = NULL;

  fixture_start (&fixture, &options, NULL, NULL, NULL);

  fixture_run_fails (&fixture, NULL, SC_EXIT_CONNECTION);
  sc_test_assert_no_secret (fixture.err);

  log = sc_test_server_get_log (fixture.server);
  g_assert_null (strstr (log, "MAIL"));
  assert_nothing_sent (fixture.server, 1);

  fixture_stop (&fixture);
}

static void
test_cli_connection_refused (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  Fixture fixture = { 0 };

  /* Settings for a server that is gone: nothing listens on its port any more. */
  fixture_start (&fixture, &options, NULL, NULL, NULL);
  g_clear_pointer (&fixture.server, sc_test_server_stop);

  fixture_run_fails (&fixture, NULL, SC_EXIT_CONNECTION);
  g_assert_nonnull (strstr (fixture.err, "localhost"));

  fixture_stop (&fixture);
}

static void
test_cli_one_recipient_refused (void)
{
  static const char * const to[] = {
    "alice@example.com", "carol@example.com", "bob@example.com", NULL
  };
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_TLS,
    .refuse_recipient = "carol@example.com",
  };
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) messages = NULL;
  g_auto(GStrv) rcpt = NULL;

  fixture_start (&fixture, &options, to, NULL, NULL);

  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_PARTIAL);
  g_assert_cmpstr (fixture.out, ==, "Message sent to 2 of 3 recipients\n");
  g_assert_nonnull (strstr (fixture.err, "smtp-client: carol@example.com was refused: 550"));
  g_assert_null (strstr (fixture.err, "alice@"));
  g_assert_null (strstr (fixture.err, "bob@"));

  messages = sc_test_server_assert_received (fixture.server, 1);
  rcpt = sc_test_read_envelope (g_ptr_array_index (messages, 0), NULL);
  g_assert_cmpuint (g_strv_length (rcpt), ==, 2);
  g_assert_cmpstr (rcpt[0], ==, "alice@example.com");
  g_assert_cmpstr (rcpt[1], ==, "bob@example.com");

  fixture_stop (&fixture);
}

/* --send with a display name and an IDN domain in to_addrs, and cc_addrs and bcc_addrs: every
 * address gets the message, Bcc is in no header, and the count covers all of them. */
static void
test_cli_send_cc_bcc (void)
{
  static const char * const to[] = { "Мария Иванова <maria@example.test>", NULL };
  static const char * const cc[] = { "Cc Person <cc@пример.рф>", NULL };
  static const char * const bcc[] = { "bcc@example.com", NULL };
  static const char * const want_rcpt[] = {
    "maria@example.test", "cc@xn--e1afmkfd.xn--p1ai", "bcc@example.com", NULL
  };
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *header = NULL;
  g_auto(GStrv) rcpt = NULL;
  char *end;

  fixture_start (&fixture, &options, to, NULL, NULL);
  sc_test_set_data_list (fixture.settings, "cc_addrs", cc);
  sc_test_set_data_list (fixture.settings, "bcc_addrs", bcc);

  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_OK);
  g_assert_cmpstr (fixture.err, ==, "");

  messages = sc_test_server_assert_received (fixture.server, 1);
  rcpt = sc_test_read_envelope (g_ptr_array_index (messages, 0), NULL);
  g_assert_cmpstrv (rcpt, want_rcpt);

  header = sc_test_eml_get_header (g_ptr_array_index (messages, 0), "To");
  g_assert_cmpstr (header, ==, "Мария Иванова <maria@example.test>");
  g_clear_pointer (&header, g_free);
  header = sc_test_eml_get_header (g_ptr_array_index (messages, 0), "Cc");
  g_assert_nonnull (strstr (header, "Cc Person"));
  g_assert_nonnull (strstr (header, "cc@"));
  g_clear_pointer (&header, g_free);
  header = sc_test_eml_get_header (g_ptr_array_index (messages, 0), "Bcc");
  g_assert_null (header);

  contents = sc_test_read_file (g_ptr_array_index (messages, 0), NULL, NULL);
  end = strstr (contents, "\r\n\r\n");
  g_assert_nonnull (end);
  *end = '\0';
  g_assert_null (strstr (contents, "bcc@"));

  fixture_stop (&fixture);
}

/* --send leaves out the folder files named in excluded_attachments and adds attachment_paths,
 * relative to the settings folder or absolute; a missing one fails before connecting, naming
 * the file and the key. */
static void
test_cli_send_attachment_lists (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GHashTable) attachments = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *docs = NULL;
  g_autofree char *log = NULL;
  const char *excluded[] = { "skip me.txt", NULL };
  const char *paths[] = { "docs/extra.txt", NULL, NULL };
  const char *missing[] = { "docs/gone.pdf", NULL };
  GMimeMessage *message;
  GBytes *bytes;

  fixture_start (&fixture, &options, NULL, NULL, NULL);
  sc_test_write_file (fixture.settings, "attachments/keep.txt", "keep", -1);
  sc_test_write_file (fixture.settings, "attachments/skip me.txt", "skip", -1);
  docs = g_build_filename (fixture.settings, "docs", NULL);
  g_assert_cmpint (g_mkdir (docs, 0700), ==, 0);
  sc_test_write_file (fixture.settings, "docs/extra.txt", "extra", -1);
  sc_test_write_file (fixture.dir, "outside.bin", "outside", -1);
  outside = g_build_filename (fixture.dir, "outside.bin", NULL);
  paths[1] = outside;
  sc_test_set_data_list (fixture.settings, "message.excluded_attachments", excluded);
  sc_test_set_data_list (fixture.settings, "message.attachment_paths", paths);

  fixture_run_succeeds (&fixture, NULL);

  messages = sc_test_server_assert_received (fixture.server, 1);
  message = parse_message (g_ptr_array_index (messages, 0));
  attachments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_bytes_unref);
  g_mime_message_foreach (message, collect_attachments_cb, attachments);
  g_object_unref (message);
  g_assert_cmpuint (g_hash_table_size (attachments), ==, 3);
  g_assert_null (g_hash_table_lookup (attachments, "skip me.txt"));
  bytes = g_hash_table_lookup (attachments, "keep.txt");
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "keep", 4);
  bytes = g_hash_table_lookup (attachments, "extra.txt");
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "extra", 5);
  bytes = g_hash_table_lookup (attachments, "outside.bin");
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "outside", 7);
  fixture_stop (&fixture);

  /* A hand-added file that is gone is an error, not a message without it. */
  fixture_start (&fixture, &options, NULL, NULL, NULL);
  sc_test_set_data_list (fixture.settings, "message.attachment_paths", missing);
  fixture_run_fails (&fixture, NULL, SC_EXIT_USAGE);
  g_assert_nonnull (strstr (fixture.err, "data.json: \"attachment_paths\" lists "));
  g_assert_nonnull (strstr (fixture.err, "gone.pdf, which does not exist"));
  log = sc_test_server_get_log (fixture.server);
  g_assert_cmpstr (log, ==, "");
  fixture_stop (&fixture);
}

static void
test_cli_every_recipient_refused (void)
{
  static const char * const to[] = { "carol@example.com", NULL };
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_TLS,
    .refuse_recipient = "carol@example.com",
  };
  Fixture fixture = { 0 };

  fixture_start (&fixture, &options, to, NULL, NULL);

  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_REFUSED);
  g_assert_cmpstr (fixture.out, ==, "");
  g_assert_nonnull (strstr (fixture.err, "550"));
  g_assert_true (sc_test_server_wait_closed (fixture.server, 1, 10000));
  g_assert_cmpuint (sc_test_server_count_messages (fixture.server), ==, 0);

  fixture_stop (&fixture);
}

static void
test_cli_broken_json (void)
{
  static const struct
  {
    const char *file;
    const char *contents;
  } cases[] = {
    { "config.json", "{\n  \"smtp_host\": \"localhost\",\n  \"smtp_port\" 465\n}\n" },
    { "credentials.json", "{\n  \"login\": \"a@example.com\",\n  \"password\": \"x\",,\n}\n" },
    { "data.json", "{\n  \"to_addrs\": [\"a@example.com\"],\n  \"message\": {\n}\n" },
  };
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Fixture fixture = { 0 };
      g_autofree char *pattern = NULL;
      g_autofree char *log = NULL;
      g_auto(GStrv) lines = NULL;

      fixture_start (&fixture, &options, NULL, NULL, NULL);
      sc_test_write_file (fixture.settings, cases[i].file, cases[i].contents, -1);

      fixture_run_fails (&fixture, NULL, SC_EXIT_USAGE);
      pattern = g_strdup_printf ("%s:[0-9]+:[0-9]+", cases[i].file);
      if (!g_regex_match_simple (pattern, fixture.err, 0, 0))
        g_error ("stderr “%s” does not name %s:line:column", fixture.err, cases[i].file);
      lines = g_strsplit (fixture.err, "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, 2);   /* one line */

      log = sc_test_server_get_log (fixture.server);
      g_assert_cmpstr (log, ==, "");

      fixture_stop (&fixture);
    }
}

static void
test_cli_missing_body (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  Fixture fixture = { 0 };
  g_autofree char *body = NULL;
  g_autofree char *log = NULL;

  fixture_start (&fixture, &options, NULL, NULL, NULL);
  body = g_build_filename (fixture.settings, "body.txt", NULL);
  g_assert_cmpint (g_unlink (body), ==, 0);

  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_USAGE);
  g_assert_true (g_str_has_prefix (fixture.err, "smtp-client: "));
  g_assert_nonnull (strstr (fixture.err, "body.txt"));

  log = sc_test_server_get_log (fixture.server);
  g_assert_cmpstr (log, ==, "");

  fixture_stop (&fixture);
}

static void
test_cli_verbose (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  Fixture fixture = { 0 };

  fixture_start (&fixture, &options, NULL, NULL, NULL);

  fixture_run_succeeds (&fixture, "--verbose");

  g_assert_nonnull (strstr (fixture.err, "S: 220"));
  g_assert_nonnull (strstr (fixture.err, "C: EHLO"));
  g_assert_nonnull (strstr (fixture.err, "C: STARTTLS"));
  g_assert_nonnull (strstr (fixture.err, "C: AUTH"));
  g_assert_nonnull (strstr (fixture.err, "<redacted>"));
  g_assert_nonnull (strstr (fixture.err, "S: 235"));
  g_assert_nonnull (strstr (fixture.err, "C: MAIL FROM:"));
  g_assert_nonnull (strstr (fixture.err, "C: QUIT"));
  /* The dialogue, not the message content */
  g_assert_null (strstr (fixture.err, "this is a test message"));
  sc_test_assert_no_secret (fixture.err);
  sc_test_assert_no_secret (fixture.out);

  fixture_stop (&fixture);
}

static void
test_cli_verbose_wrong_password (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .auth_mechanisms = "LOGIN" };
  Fixture fixture = { 0 };
  g_autofree char *wrong_b64 = NULL;
  const char *wrong = "Неверный-пароль-99";

  fixture_start (&fixture, &options, NULL, NULL, NULL);
  sc_test_write_file (fixture.settings, "credentials.json",
                      "{ \"login\": \"" SC_TEST_LOGIN "\", \"password\": \"Неверный-пароль-99\" }\n",
                      -1);

  g_assert_cmpint (fixture_run (&fixture, "--verbose"), ==, SC_EXIT_AUTH);
  g_assert_nonnull (strstr (fixture.err, "C: AUTH LOGIN"));
  g_assert_nonnull (strstr (fixture.err, "<redacted>"));
  g_assert_nonnull (strstr (fixture.err, "535"));
  g_assert_null (strstr (fixture.err, wrong));
  wrong_b64 = g_base64_encode ((const guchar *) wrong, strlen (wrong));
  g_assert_null (strstr (fixture.err, wrong_b64));

  fixture_stop (&fixture);
}

static void
test_cli_default_settings_folder (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* No --settings: ./settings in the working directory */
  fixture_start (&fixture, &options, NULL, "default folder", NULL);

  g_assert_cmpint (run_client (fixture.dir, NULL, &out, &err), ==, SC_EXIT_OK);
  g_assert_cmpstr (out, ==, "Message sent successfully\n");
  messages = sc_test_server_wait_messages (fixture.server, 1, 5000);
  g_assert_nonnull (messages);

  fixture_stop (&fixture);
}

/* First run without a settings folder: the example settings are made, and sending with them
 * is refused before anything connects (the example server's name is never looked up), with a
 * sentence that says so. */
static void
test_cli_example_server_refused (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *made = g_build_filename (dir, "xdg-config", "smtp-client", "config.json",
                                            NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_client (dir, NULL, &out, &err), ==, SC_EXIT_USAGE);
  g_assert_true (g_file_test (made, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "smtp-client: "));
  g_assert_nonnull (strstr (err, "config.json: \"smtp_host\" still names the example server "
                                 "smtp.example.com"));
  g_assert_nonnull (strstr (err, "set up your account"));
  /* Not a failure to resolve or reach it: nothing tried. */
  g_assert_null (strstr (err, "connect"));

  /* Test Connection says the same, and tries nothing either. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_client_mode (dir, "--test-connection", NULL, &out, &err), ==,
                   SC_EXIT_USAGE);
  g_assert_nonnull (strstr (err, "still names the example server smtp.example.com"));
  g_assert_null (strstr (err, "connect"));

  sc_test_rm_rf (dir);
}

static void
test_cli_usage_errors (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", NULL);
  const char *missing_args[] = { "--settings", missing, NULL };
  const char *bad_option[] = { "--no-such-option", NULL };
  const char *extra_arg[] = { "--settings", dir, "stray", NULL };
  const char *no_value[] = { "--settings", NULL };
  const char * const *cases[] = { missing_args, bad_option, extra_arg, no_value };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_client (dir, cases[i], &out, &err), ==, SC_EXIT_USAGE);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "smtp-client: "));
    }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_client (dir, missing_args, &out, &err), ==, SC_EXIT_USAGE);
    g_assert_nonnull (strstr (err, "no-such-folder"));
  }

  /* An empty settings folder: the missing file is named */
  {
    const char *empty_args[] = { "--settings", dir, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_client (dir, empty_args, &out, &err), ==, SC_EXIT_USAGE);
    g_assert_true (g_str_has_prefix (err, "smtp-client: "));
    g_assert_nonnull (strstr (err, "config.json"));
  }

  sc_test_rm_rf (dir);
}

static void
test_cli_help (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  const char *args[] = { "--help", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_client (dir, args, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "--send"));
  g_assert_nonnull (strstr (out, "--settings"));
  g_assert_nonnull (strstr (out, "--verbose"));

  sc_test_rm_rf (dir);
}

/* ------------------------------------------------------------------------------------------
 * smtp-client is the command line alone; the window is smtp-client-window
 * ------------------------------------------------------------------------------------------ */

/* Waits (bounded) until @server has received DATA: the client is sending the message. */
static void
wait_for_data (ScTestServer *server)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *log = sc_test_server_get_log (server);

      if (strstr (log, "DATA\n") != NULL)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
}

/* A listening socket at @path, standing in for a D-Bus bus. */
static GSocket *
listen_unix (const char *path)
{
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);

  return socket;
}

/* Nobody connected to @socket (a connection would wait in its backlog). */
static void
assert_no_connection (GSocket *socket)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) accepted = g_socket_accept (socket, NULL, &error);

  g_assert_null (accepted);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

/* A headless send maps no library of GTK (its /proc/PID/maps, read while the server keeps it
 * waiting), and, the password being in the settings, talks to no D-Bus bus. */
static void
test_cli_no_gtk (void)
{
  /* The server waits 2 s before it reads the message: meanwhile the client runs. */
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .data_delay_ms = 2000 };
  static const char *gtk_libraries[] = {
    "/libgtk-4.", "/libadwaita-1.", "/libgdk", "/libpango", "/libcairo",
  };
  Fixture fixture = { 0 };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSocket) session_bus = NULL;
  g_autoptr(GSocket) system_bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *session_path = NULL;
  g_autofree char *system_path = NULL;
  g_autofree char *session_address = NULL;
  g_autofree char *system_address = NULL;
  g_autofree char *xdg_data = NULL;
  g_autofree char *xdg_config = NULL;
  g_autofree char *maps_path = NULL;
  g_autofree char *maps = NULL;

  fixture_start (&fixture, &options, NULL, "no GTK", NULL);
  session_path = g_build_filename (fixture.dir, "session-bus", NULL);
  system_path = g_build_filename (fixture.dir, "system-bus", NULL);
  session_bus = listen_unix (session_path);
  system_bus = listen_unix (system_path);
  session_address = g_strconcat ("unix:path=", session_path, NULL);
  system_address = g_strconcat ("unix:path=", system_path, NULL);
  xdg_data = g_build_filename (fixture.dir, "xdg-data", NULL);
  xdg_config = g_build_filename (fixture.dir, "xdg-config", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_cwd (launcher, fixture.dir);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg_data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", xdg_config, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", session_address, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS", system_address, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("SC_CLIENT_BIN"),
                                         "--send", "--settings", fixture.settings, NULL);
  g_assert_no_error (error);
  maps_path = g_strdup_printf ("/proc/%s/maps", g_subprocess_get_identifier (process));

  /* Every library is loaded once the message is on its way. */
  wait_for_data (fixture.server);
  g_file_get_contents (maps_path, &maps, NULL, &error);
  g_assert_no_error (error);

  /* The engine's libraries are there, GTK's are not. */
  g_assert_nonnull (strstr (maps, "/libgnutls.so"));
  for (guint i = 0; i < G_N_ELEMENTS (gtk_libraries); i++)
    if (strstr (maps, gtk_libraries[i]) != NULL)
      g_error ("smtp-client --send maps %s*:\n%s", gtk_libraries[i], maps);

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, SC_EXIT_OK);
  g_assert_cmpuint (sc_test_server_count_messages (fixture.server), ==, 1);
  assert_no_connection (session_bus);
  assert_no_connection (system_bus);

  fixture_stop (&fixture);
}

/* Without a headless option, smtp-client becomes the window's program, smtp-client-window
 * beside it: the same arguments, in the same process, before it looks at the settings (the
 * folder need not exist). Built without the window (SC_CLIENT_WINDOW_BIN unset), it says so
 * instead, even with such a program beside it. A script stands in for the window here. */
static void
test_cli_window_program (void)
{
  const char *window_bin = g_getenv ("SC_CLIENT_WINDOW_BIN");
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *client = g_build_filename (dir, "smtp-client", NULL);
  g_autofree char *window = g_build_filename (dir, "smtp-client-window", NULL);
  g_autofree char *settings = g_build_filename (dir, "no such settings", NULL);
  g_autofree char *args_path = g_build_filename (dir, "args", NULL);
  g_autofree char *script = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GFile) source = g_file_new_for_path (g_getenv ("SC_CLIENT_BIN"));
  g_autoptr(GFile) copy = g_file_new_for_path (client);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  /* A copy of smtp-client, so that the program beside it is the script. */
  g_file_copy (source, copy, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (client, 0755), ==, 0);
  if (window_bin != NULL)
    g_assert_cmpstr (strrchr (window_bin, G_DIR_SEPARATOR) + 1, ==, "smtp-client-window");
  script = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$$\" \"$@\" > '%s'\nexit 7\n",
                            args_path);
  g_file_set_contents (window, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (window, 0755), ==, 0);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, client, "--settings", settings, "--verbose", NULL);
  g_assert_no_error (error);
  pid = g_strdup (g_subprocess_get_identifier (process));
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  g_assert_true (g_subprocess_get_if_exited (process));

  if (window_bin != NULL)
    {
      g_autofree char *expected = g_strdup_printf ("%s\n--settings\n%s\n--verbose\n", pid,
                                                   settings);
      g_autofree char *args = NULL;

      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 7);
      g_file_get_contents (args_path, &args, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (args, ==, expected);
    }
  else
    {
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, SC_EXIT_USAGE);
      g_assert_cmpstr (err, ==, "smtp-client: this build has no window; use --send (see --help)\n");
      g_assert_false (g_file_test (args_path, G_FILE_TEST_EXISTS));
    }

  sc_test_rm_rf (dir);
}

/* SIGINT (Ctrl+C) or SIGTERM during the upload: the send is cancelled, exit code 130. */
static void
test_cli_interrupt (void)
{
  static const int signals[] = { SIGINT, SIGTERM };

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .data_delay_ms = 200 };
      Fixture fixture = { 0 };
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *big = g_malloc (4 * 1024 * 1024);
      gint64 deadline;

      g_test_message ("signal %d", signals[i]);
      fixture_start (&fixture, &options, NULL, "interrupted", NULL);
      for (gsize j = 0; j < 4 * 1024 * 1024; j++)
        big[j] = (char) g_test_rand_int_range (0, 256);
      sc_test_write_file (fixture.settings, "attachments/big.bin", big, 4 * 1024 * 1024);

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                            | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_subprocess_launcher_set_cwd (launcher, fixture.dir);
      {
        g_autofree char *xdg_data = g_build_filename (fixture.dir, "xdg-data", NULL);

        g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg_data, TRUE);
      }
      process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("SC_CLIENT_BIN"),
                                             "--send", "--settings", fixture.settings, NULL);
      g_assert_no_error (error);

      /* Once the upload has begun, interrupt. */
      wait_for_data (fixture.server);
      g_usleep (300000);
      g_subprocess_send_signal (process, signals[i]);

      /* The client must give up quickly; the wait is bounded by a kill. (GSubprocess reaps the
       * child on the GLib worker thread; the identifier then becomes NULL.) */
      deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
      while (g_subprocess_get_identifier (process) != NULL && g_get_monotonic_time () < deadline)
        g_usleep (20000);
      if (g_subprocess_get_identifier (process) != NULL)
        {
          g_subprocess_force_exit (process);
          g_subprocess_wait (process, NULL, NULL);
          g_error ("smtp-client did not stop within 15 s of signal %d", signals[i]);
        }
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, SC_EXIT_INTERRUPTED);
      /* The server is still draining the upload slowly (data_delay_ms), so its session
       * has not ended yet; the final dot was never sent, so nothing can be stored. */
      g_assert_cmpuint (sc_test_server_count_messages (fixture.server), ==, 0);

      fixture_stop (&fixture);
    }
}

/* smtp-client MODE --settings DIR [EXTRA] for the fixture (MODE e.g. "--send-outbox") */
static int
fixture_run_mode (Fixture    *fixture,
                  const char *mode,
                  const char *extra_arg)
{
  const char *args[] = { "--settings", fixture->settings, extra_arg, NULL };

  g_clear_pointer (&fixture->out, g_free);
  g_clear_pointer (&fixture->err, g_free);

  return run_client_mode (fixture->dir, mode, args, &fixture->out, &fixture->err);
}

/* --send records the send: --list-sent shows it sent, with the Message-ID the server got and
 * the server's reply with its queue id; the outbox stays empty. */
static void
test_cli_list_sent (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) emls = NULL;
  g_autofree char *message_id = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;

  fixture_start (&fixture, &options, NULL, "Listed", NULL);
  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_OK);
  emls = sc_test_server_assert_received (fixture.server, 1);
  message_id = sc_test_eml_get_header (emls->pdata[0], "Message-ID");
  g_strstrip (message_id);

  g_assert_cmpint (fixture_run_mode (&fixture, "--list-sent", NULL), ==, SC_EXIT_OK);
  lines = g_strsplit (fixture.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);   /* one line and the empty rest */
  fields = g_strsplit (lines[0], "\t", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 6);
  g_assert_cmpstr (fields[1], ==, "sent");
  g_assert_true (g_str_has_prefix (message_id, "<"));
  g_assert_nonnull (strstr (message_id, fields[2]));
  g_assert_cmpuint (strlen (message_id), ==, strlen (fields[2]) + 2);
  g_assert_cmpstr (fields[3], ==, "Listed");
  g_assert_nonnull (strstr (fields[5], "queued as 0001"));

  g_assert_cmpint (fixture_run_mode (&fixture, "--list-outbox", NULL), ==, SC_EXIT_OK);
  g_assert_cmpstr (fixture.out, ==, "");

  fixture_stop (&fixture);
}

/* A failed --send keeps the message; --send-outbox sends it (same Message-ID) and empties the
 * outbox; a second --send-outbox has nothing to do. */
static void
test_cli_send_outbox (void)
{
  ScTestServerOptions refusing = { .mode = SC_TEST_SERVER_PLAIN, .script = "rcpt-all" };
  ScTestServerOptions working = { .mode = SC_TEST_SERVER_PLAIN };
  Fixture fixture = { 0 };
  g_autoptr(ScTestServer) good = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) emls = NULL;
  g_autofree char *message_id = NULL;

  fixture_start (&fixture, &refusing, NULL, "Kept by the CLI", NULL);
  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_REFUSED);
  g_assert_nonnull (strstr (fixture.err, "--send-outbox"));

  g_assert_cmpint (fixture_run_mode (&fixture, "--list-outbox", NULL), ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (fixture.out, "\tfailed\t"));
  g_assert_nonnull (strstr (fixture.out, "Kept by the CLI"));

  good = sc_test_server_start (&working, &error);
  g_assert_no_error (error);
  sc_test_write_settings (good, fixture.settings, NULL, "Other settings", NULL);
  g_assert_cmpint (fixture_run_mode (&fixture, "--send-outbox", NULL), ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (fixture.out, "“Kept by the CLI”"));
  g_assert_nonnull (strstr (fixture.out, ": sent\n"));
  emls = sc_test_server_assert_received (good, 1);
  message_id = sc_test_eml_get_header (emls->pdata[0], "Subject");
  g_assert_cmpstr (g_strstrip (message_id), ==, "Kept by the CLI");

  g_assert_cmpint (fixture_run_mode (&fixture, "--list-outbox", NULL), ==, SC_EXIT_OK);
  g_assert_cmpstr (fixture.out, ==, "");
  g_assert_cmpint (fixture_run_mode (&fixture, "--send-outbox", NULL), ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (fixture.out, "The outbox is empty"));
  g_assert_cmpint (fixture_run_mode (&fixture, "--list-sent", NULL), ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (fixture.out, "\tsent\t"));
  g_assert_null (strstr (fixture.out, "\tfailed\t"));

  fixture_stop (&fixture);
}

/* Dropped after the dot: --send-outbox skips it (nothing is sent) until --include-uncertain. */
static void
test_cli_send_outbox_uncertain (void)
{
  ScTestServerOptions dropping = { .mode = SC_TEST_SERVER_PLAIN, .script = "drop-after-dot" };
  ScTestServerOptions working = { .mode = SC_TEST_SERVER_PLAIN };
  Fixture fixture = { 0 };
  g_autoptr(ScTestServer) good = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  fixture_start (&fixture, &dropping, NULL, "Maybe delivered", NULL);
  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_CONNECTION);
  g_assert_nonnull (strstr (fixture.err, "--include-uncertain"));

  good = sc_test_server_start (&working, &error);
  g_assert_no_error (error);
  sc_test_write_settings (good, fixture.settings, NULL, NULL, NULL);
  g_assert_cmpint (fixture_run_mode (&fixture, "--send-outbox", NULL), ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (fixture.out, "skipped"));
  /* The client has exited without connecting: nothing can arrive from it */
  log = sc_test_server_get_log (good);
  g_assert_cmpstr (log, ==, "");

  g_assert_cmpint (fixture_run_mode (&fixture, "--include-uncertain", NULL), ==, SC_EXIT_USAGE);
  g_assert_cmpint (fixture_run_mode (&fixture, "--send-outbox", "--include-uncertain"), ==,
                   SC_EXIT_OK);
  g_assert_nonnull (strstr (fixture.out, ": sent\n"));
  g_ptr_array_unref (sc_test_server_assert_received (good, 1));

  fixture_stop (&fixture);
}

/* --verbose names what the attachment folder holds that is not a file; the send goes on. */
static void
test_cli_verbose_skipped (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_PLAIN };
  Fixture fixture = { 0 };
  g_autofree char *fifo = NULL;
  g_autofree char *sub = NULL;

  fixture_start (&fixture, &options, NULL, NULL, NULL);
  fifo = g_build_filename (fixture.settings, "attachments", "a-pipe", NULL);
  sub = g_build_filename (fixture.settings, "attachments", "a-folder", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);

  g_assert_cmpint (fixture_run (&fixture, "--verbose"), ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (fixture.err, "a-pipe was left out"));
  g_assert_nonnull (strstr (fixture.err, "a-folder was left out"));

  /* Without --verbose, not a word about them */
  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_OK);
  g_assert_null (strstr (fixture.err, "left out"));

  fixture_stop (&fixture);
}

/* The SHA-256 fingerprint of a PEM file as certtool computes it, as "AB:01:…". */
static char *
certtool_fingerprint (const char *pem_file)
{
  const char *argv[] = { "certtool", "--fingerprint", "--hash", "sha256", "--infile", pem_file,
                         NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  char *fingerprint;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  fingerprint = sc_certificate_fingerprint_normalize (g_strstrip (out));
  g_assert_nonnull (fingerprint);

  return fingerprint;
}

/* --test-connection: the report in readable lines on stdout, the dialogue with --verbose on
 * stderr, and nothing sent. */
static void
test_cli_test_connection (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .data_size_limit = 1234567 };
  Fixture fixture = { 0 };
  g_autofree char *fingerprint = NULL;
  g_autofree char *fingerprint_line = NULL;
  g_autofree char *log = NULL;

  fixture_start (&fixture, &options, NULL, NULL, NULL);

  g_assert_cmpint (fixture_run_test_connection (&fixture), ==, SC_EXIT_OK);

  g_assert_true (g_str_has_prefix (fixture.out, "Server greeting: 220 "));
  g_assert_nonnull (strstr (fixture.out, "\nEncryption: TLS 1.3, "));
  g_assert_nonnull (strstr (fixture.out, "\nCertificate subject: CN=localhost,"));
  g_assert_nonnull (strstr (fixture.out, "\nCertificate issuer: CN=SMTP Client Test CA,"));
  g_assert_nonnull (strstr (fixture.out, "\nCertificate names: localhost, 127.0.0.1\n"));
  g_assert_true (g_regex_match_simple ("\nCertificate valid from 20\\d\\d-\\d\\d-\\d\\d "
                                       "\\d\\d:\\d\\d UTC until 20", fixture.out, 0, 0));
  fingerprint = certtool_fingerprint (fixture.server->cert_file);
  fingerprint_line = g_strdup_printf ("\nCertificate SHA-256 fingerprint: %s\n", fingerprint);
  g_assert_nonnull (strstr (fixture.out, fingerprint_line));
  g_assert_nonnull (strstr (fixture.out, "\nExtensions: SIZE 1234567, "));
  g_assert_nonnull (strstr (fixture.out, "AUTH LOGIN PLAIN"));
  /* g_format_size () puts a no-break space before the unit */
  g_assert_nonnull (strstr (fixture.out, "\nLargest message: 1.2\u00a0MB (1234567 bytes)\n"));
  g_assert_true (g_str_has_suffix (fixture.out, "\nLogin accepted\n"));

  g_assert_nonnull (strstr (fixture.err, "C: EHLO"));
  g_assert_nonnull (strstr (fixture.err, "S: 235"));
  g_assert_nonnull (strstr (fixture.err, "C: QUIT"));
  sc_test_assert_no_secret (fixture.err);
  sc_test_assert_no_secret (fixture.out);

  g_assert_true (sc_test_server_wait_closed (fixture.server, 1, 10000));
  log = sc_test_server_get_log (fixture.server);
  g_assert_nonnull (strstr (log, "AUTH-RESULT ok\n"));
  g_assert_null (strstr (log, "MAIL FROM"));
  g_assert_cmpuint (sc_test_server_count_messages (fixture.server), ==, 0);

  fixture_stop (&fixture);
}

static void
test_cli_test_connection_wrong_password (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  Fixture fixture = { 0 };
  g_autofree char *log = NULL;

  fixture_start (&fixture, &options, NULL, NULL, NULL);
  sc_test_write_file (fixture.settings, "credentials.json",
                      "{ \"login\": \"" SC_TEST_LOGIN "\", \"password\": \"неверный-Secret\" }\n",
                      -1);

  g_assert_cmpint (fixture_run_test_connection (&fixture), ==, SC_EXIT_AUTH);
  g_assert_nonnull (strstr (fixture.err, "smtp-client: Authentication failed: 535"));
  g_assert_cmpstr (fixture.out, ==, "");
  g_assert_null (strstr (fixture.err, "неверный"));

  g_assert_true (sc_test_server_wait_closed (fixture.server, 1, 10000));
  log = sc_test_server_get_log (fixture.server);
  g_assert_nonnull (strstr (log, "AUTH-RESULT fail\n"));
  g_assert_null (strstr (log, "MAIL FROM"));
  g_assert_cmpuint (sc_test_server_count_messages (fixture.server), ==, 0);

  fixture_stop (&fixture);
}

/* A self-signed server: refused with its certificate described and how to trust it; with its
 * fingerprint in "tls_fingerprint", the test passes and --send delivers. */
static void
test_cli_test_connection_self_signed (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .certificate = "self-signed" };
  Fixture fixture = { 0 };
  g_autofree char *fingerprint = NULL;
  g_autofree char *config = NULL;
  g_autoptr(GString) pinned = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  fixture_start (&fixture, &options, NULL, NULL, NULL);
  fingerprint = certtool_fingerprint (fixture.server->cert_file);

  g_assert_cmpint (fixture_run_test_connection (&fixture), ==, SC_EXIT_CONNECTION);
  g_assert_cmpstr (fixture.out, ==, "");
  g_assert_nonnull (strstr (fixture.err, "smtp-client: The certificate of localhost is not "
                                         "trusted: it is self-signed"));
  g_assert_nonnull (strstr (fixture.err, "\nCertificate issuer: CN=localhost,"));
  g_assert_nonnull (strstr (fixture.err, fingerprint));
  g_assert_nonnull (strstr (fixture.err, "\"tls_fingerprint\""));

  /* Trusted by its fingerprint */
  config = sc_test_read_file (fixture.settings, "config.json", NULL);
  pinned = g_string_new (config);
  g_assert_cmpuint (g_string_replace (pinned, "{", "", 1), ==, 1);
  g_string_prepend (pinned, "\"\n  ,");
  g_string_prepend (pinned, fingerprint);
  g_string_prepend (pinned, "{\n  \"tls_fingerprint\": \"");
  sc_test_write_file (fixture.settings, "config.json", pinned->str, -1);

  g_assert_cmpint (fixture_run_test_connection (&fixture), ==, SC_EXIT_OK);
  g_assert_nonnull (strstr (fixture.out, "\nLogin accepted\n"));
  fixture_run_succeeds (&fixture, NULL);
  messages = sc_test_server_wait_messages (fixture.server, 1, 5000);
  g_assert_nonnull (messages);

  fixture_stop (&fixture);
}

/* ------------------------------------------------------------------------------------------
 * Russian: LANGUAGE=ru (with LC_ALL=C.UTF-8, which glibc's gettext does not treat as "C"),
 * and the translation built into the build folder (SC_LOCALEDIR, see sc_cli_bind_text_domain ()).
 */

/* Sets LANGUAGE=ru and SC_LOCALEDIR for the clients this process starts (they inherit the
 * environment); registered last, so no other test runs after it. */
static void
use_russian (gboolean on)
{
  const char *localedir = g_getenv ("SC_TEST_LOCALEDIR");

  g_assert_nonnull (localedir);
  if (on)
    {
      g_autofree char *mo = g_build_filename (localedir, "ru", "LC_MESSAGES",
                                              GETTEXT_PACKAGE ".mo", NULL);

      g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
      g_setenv ("LANGUAGE", "ru", TRUE);
      g_setenv ("SC_LOCALEDIR", localedir, TRUE);
    }
  else
    {
      g_unsetenv ("LANGUAGE");
      g_unsetenv ("SC_LOCALEDIR");
    }
}

/* A missing settings folder, --help, a refused password (the server's reply stays as it is)
 * and a refused recipient (Russian plural forms), all in Russian. */
static void
test_cli_russian (void)
{
  static const char * const to[] = {
    "alice@example.com", "carol@example.com", "bob@example.com", NULL
  };
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_TLS,
    .refuse_recipient = "carol@example.com",
  };
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "нет-такой-папки", NULL);
  g_autofree char *missing_line = NULL;
  const char *send_args[] = { "--settings", missing, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  Fixture fixture = { 0 };

  use_russian (TRUE);

  /* --send with no settings folder: one Russian line on stderr. */
  g_assert_cmpint (run_client (dir, send_args, &out, &err), ==, SC_EXIT_USAGE);
  missing_line = g_strdup_printf ("smtp-client: папка настроек «%s» не существует или не "
                                  "является папкой\n", missing);
  g_assert_cmpstr (err, ==, missing_line);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* --help: our options are described in Russian, the option names stay. */
  g_assert_cmpint (run_client_mode (dir, "--help", NULL, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "--send"));
  g_assert_nonnull (strstr (out, "Отправить сообщение, описанное в настройках, без окна"));
  g_assert_nonnull (strstr (out, "--settings=ПАПКА"));
  /* The summary: with the window, or without it (-Dgui=disabled). */
  g_assert_true (strstr (out, "Напишите письмо в окне или отправьте описанное в папке "
                              "настроек с помощью --send.") != NULL ||
                 strstr (out, "Отправить письмо, описанное в папке настроек (--send).") != NULL);
  g_assert_null (strstr (out, "Send the message described by the settings"));

  /* One recipient of three refused: the plural form for 3, the server's reply as it is. */
  fixture_start (&fixture, &options, to, NULL, NULL);
  g_assert_cmpint (fixture_run (&fixture, NULL), ==, SC_EXIT_PARTIAL);
  g_assert_cmpstr (fixture.out, ==, "Сообщение отправлено 2 из 3 получателей\n");
  g_assert_nonnull (strstr (fixture.err, "smtp-client: carol@example.com отклонён: 550"));
  g_ptr_array_unref (sc_test_server_assert_received (fixture.server, 1));
  fixture_stop (&fixture);

  /* A wrong password: the Russian sentence around the server's own 535 reply. */
  fixture_start (&fixture, &(ScTestServerOptions) { .mode = SC_TEST_SERVER_TLS }, NULL, NULL,
                 NULL);
  sc_test_write_file (fixture.settings, "credentials.json",
                      "{ \"login\": \"" SC_TEST_LOGIN "\", \"password\": \"wrong\" }\n", -1);
  fixture_run_fails (&fixture, NULL, SC_EXIT_AUTH);
  g_assert_true (g_str_has_prefix (fixture.err, "smtp-client: Ошибка аутентификации: 535"));
  sc_test_assert_no_secret (fixture.err);
  fixture_stop (&fixture);

  use_russian (FALSE);
  sc_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add_func ("/test-server/start-stop", test_server_start_stop);
  g_test_add_func ("/test-server/write-settings", test_server_write_settings);
  g_test_add_func ("/test-server/dialogue", test_server_dialogue);
  g_test_add_func ("/test-server/log-before-starttls", test_server_log_before_starttls);

  g_test_add_func ("/cli/example-server-refused", test_cli_example_server_refused);
  g_test_add_func ("/cli/usage-errors", test_cli_usage_errors);
  g_test_add_func ("/cli/help", test_cli_help);
  g_test_add_func ("/cli/no-gtk", test_cli_no_gtk);
  g_test_add_func ("/cli/window-program", test_cli_window_program);
  g_test_add_func ("/cli/broken-json", test_cli_broken_json);
  g_test_add_func ("/cli/missing-body", test_cli_missing_body);
  g_test_add_func ("/cli/send/tls", test_cli_send_tls);
  g_test_add_func ("/cli/send/starttls", test_cli_send_starttls);
  g_test_add_func ("/cli/send/plain-loopback", test_cli_send_plain_loopback);
  g_test_add_func ("/cli/send/readable-credentials", test_cli_readable_credentials);
  g_test_add_func ("/cli/send/cc-bcc", test_cli_send_cc_bcc);
  g_test_add_func ("/cli/send/attachment-lists", test_cli_send_attachment_lists);
  g_test_add_func ("/cli/send/default-settings-folder", test_cli_default_settings_folder);
  g_test_add_func ("/cli/wrong-password", test_cli_wrong_password);
  g_test_add_func ("/cli/untrusted-certificate", test_cli_untrusted_certificate);
  g_test_add_func ("/cli/untrusted-certificate-starttls", test_cli_untrusted_certificate_starttls);
  g_test_add_func ("/cli/starttls-not-offered", test_cli_starttls_not_offered);
  g_test_add_func ("/cli/connection-refused", test_cli_connection_refused);
  g_test_add_func ("/cli/one-recipient-refused", test_cli_one_recipient_refused);
  g_test_add_func ("/cli/every-recipient-refused", test_cli_every_recipient_refused);
  g_test_add_func ("/cli/verbose", test_cli_verbose);
  g_test_add_func ("/cli/verbose-wrong-password", test_cli_verbose_wrong_password);
  g_test_add_func ("/cli/interrupt", test_cli_interrupt);
  g_test_add_func ("/cli/outbox/list-sent", test_cli_list_sent);
  g_test_add_func ("/cli/outbox/send-outbox", test_cli_send_outbox);
  g_test_add_func ("/cli/outbox/uncertain", test_cli_send_outbox_uncertain);
  g_test_add_func ("/cli/verbose-skipped", test_cli_verbose_skipped);
  g_test_add_func ("/cli/test-connection/report", test_cli_test_connection);
  g_test_add_func ("/cli/test-connection/wrong-password", test_cli_test_connection_wrong_password);
  g_test_add_func ("/cli/test-connection/self-signed", test_cli_test_connection_self_signed);
  /* Last: it sets LANGUAGE=ru for the clients it starts. */
  g_test_add_func ("/cli/russian", test_cli_russian);

  return g_test_run ();
}

/* test-cli.c — smtp-client --send against a real SMTP server, and the test server itself
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>
#include <string.h>

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

      g_assert_null (sc_test_server_wait_messages (server, 1, 50));

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
  g_autoptr(GSocketClient) client = g_socket_client_new ();
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

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add_func ("/test-server/start-stop", test_server_start_stop);
  g_test_add_func ("/test-server/write-settings", test_server_write_settings);
  g_test_add_func ("/test-server/dialogue", test_server_dialogue);

  return g_test_run ();
}

/* test-smtp.c — ScSmtpSession and ScTlsStream against a real SMTP server (aiosmtpd) on loopback
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-smtp"

#include "config.h"

#include <fcntl.h>
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sc-error.h"
#include "sc-message.h"
#include "sc-settings-store.h"
#include "sc-settings.h"
#include "sc-smtp-session.h"
#include "sc-test-server.h"
#include "sc-tls-stream.h"

/* GMime 3.2 has no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

#define CYRILLIC_SUBJECT "Отчёт за ноябрь — проверка"
#define CYRILLIC_BODY    "Здравствуйте!\n\n.\n..две точки в начале строки\nС уважением,\nТест\n"

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  GMutex     mutex;
  GPtrArray *lines;        /* "C: …" / "S: …" */
  GArray    *progress;     /* goffset pairs: sent, total */
  GThread   *thread;       /* where the callbacks must run; NULL: anywhere */
  gboolean   wrong_thread;
  gpointer   bytes_sent;   /* atomic (a gsize), for the cancel test */
} Recorder;

static Recorder *
recorder_new (GThread *thread)
{
  Recorder *r = g_new0 (Recorder, 1);

  g_mutex_init (&r->mutex);
  r->lines = g_ptr_array_new_with_free_func (g_free);
  r->progress = g_array_new (FALSE, FALSE, sizeof (goffset));
  r->thread = thread;

  return r;
}

static void
recorder_free (Recorder *r)
{
  g_ptr_array_unref (r->lines);
  g_array_unref (r->progress);
  g_mutex_clear (&r->mutex);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recorder, recorder_free)

static void
transcript_cb (ScSmtpSession *session,
               gboolean       outgoing,
               const char    *line,
               gpointer       user_data)
{
  Recorder *r = user_data;

  g_mutex_lock (&r->mutex);
  if (r->thread != NULL && g_thread_self () != r->thread)
    r->wrong_thread = TRUE;
  g_ptr_array_add (r->lines, g_strdup_printf ("%s %s", outgoing ? "C:" : "S:", line));
  g_mutex_unlock (&r->mutex);
}

static void
progress_cb (ScSmtpSession *session,
             gint64         sent,
             gint64         total,
             gpointer       user_data)
{
  Recorder *r = user_data;

  g_mutex_lock (&r->mutex);
  if (r->thread != NULL && g_thread_self () != r->thread)
    r->wrong_thread = TRUE;
  g_array_append_val (r->progress, sent);
  g_array_append_val (r->progress, total);
  g_mutex_unlock (&r->mutex);

  g_atomic_pointer_set (&r->bytes_sent, GSIZE_TO_POINTER ((gsize) sent));
}

/* Records the signals of @session. */
static void
recorder_connect (Recorder      *r,
                  ScSmtpSession *session)
{
  g_signal_connect (session, "transcript", G_CALLBACK (transcript_cb), r);
  g_signal_connect (session, "progress", G_CALLBACK (progress_cb), r);
}

static char *
recorder_transcript (Recorder *r)
{
  g_autoptr(GString) str = g_string_new (NULL);

  g_mutex_lock (&r->mutex);
  for (guint i = 0; i < r->lines->len; i++)
    g_string_append_printf (str, "%s\n", (const char *) g_ptr_array_index (r->lines, i));
  g_mutex_unlock (&r->mutex);

  return g_string_free (g_steal_pointer (&str), FALSE);
}

/* Progress is monotonic, never above the total, and ends at the total. */
static void
recorder_assert_progress (Recorder *r,
                          goffset   expected_total)
{
  goffset previous = -1;
  guint n = r->progress->len / 2;

  g_assert_cmpuint (n, >=, 1);
  for (guint i = 0; i < n; i++)
    {
      goffset sent = g_array_index (r->progress, goffset, 2 * i);
      goffset total = g_array_index (r->progress, goffset, 2 * i + 1);

      g_assert_cmpint (total, ==, expected_total);
      g_assert_cmpint (sent, >=, previous);
      g_assert_cmpint (sent, <=, total);
      previous = sent;
    }
  g_assert_cmpint (previous, ==, expected_total);
}

static ScTestServer *
start_server (const ScTestServerOptions *options)
{
  g_autoptr(GError) error = NULL;
  ScTestServer *server = sc_test_server_start (options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (server);

  return server;
}

static ScSettings *
load_settings (ScTestServer       *server,
               const char         *dir,
               const char * const *to,
               const char         *subject,
               const char         *body)
{
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;

  sc_test_write_settings (server, dir, to, subject, body);

  store = sc_settings_store_new (directory);
  sc_settings_store_load (store, NULL, &error);
  g_assert_no_error (error);

  return g_object_ref (sc_settings_store_get_settings (store));
}

/* Settings for 127.0.0.1:@port without a login. Their folder is removed at once: nothing
 * here loads or saves them. */
static ScSettings *
loopback_settings_new (guint16    port,
                       ScSecurity security,
                       guint      timeout_seconds)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  ScSettings *settings = sc_settings_new (directory);

  g_object_set (settings,
                "smtp-host", "127.0.0.1",
                "smtp-port", (guint) port,
                "security", security,
                "timeout-seconds", timeout_seconds,
                NULL);
  sc_test_rm_rf (dir);

  return settings;
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

/* A running server, a temporary folder with settings for it, and those settings loaded. */
typedef struct
{
  ScTestServer *server;
  char         *dir;
  ScSettings   *settings;
} Env;

static Env *
env_new (const ScTestServerOptions *options,
         const char * const        *to,
         const char                *subject,
         const char                *body)
{
  Env *env = g_new0 (Env, 1);

  env->server = start_server (options);
  env->dir = sc_test_make_tmpdir ();
  env->settings = load_settings (env->server, env->dir, to, subject, body);

  return env;
}

/* Removes the folder, then stops the server. */
static void
env_free (Env *env)
{
  g_clear_object (&env->settings);
  sc_test_rm_rf (env->dir);
  g_free (env->dir);
  sc_test_server_stop (env->server);
  g_free (env);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Env, env_free)

/* Sends @message, which must fail with @domain and @code; returns that error. */
static GError *
send_expecting_error (ScSmtpSession *session,
                      ScMessage     *message,
                      GQuark         domain,
                      int            code)
{
  g_autoptr(ScSendResult) result = NULL;
  GError *error = NULL;

  result = sc_smtp_session_send_sync (session, message, NULL, &error);
  g_test_message ("%s", error != NULL ? error->message : "(no error)");
  g_assert_null (result);
  g_assert_error (error, domain, code);

  return error;
}

/* Sends @message, which must succeed; returns the result. */
static ScSendResult *
send_expecting_success (ScSmtpSession *session,
                        ScMessage     *message)
{
  g_autoptr(GError) error = NULL;
  ScSendResult *result;

  result = sc_smtp_session_send_sync (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static void
write_attachment (const char *dir,
                  const char *name,
                  const void *data,
                  gsize       len)
{
  g_autofree char *attachments = g_build_filename (dir, "attachments", NULL);

  sc_test_write_file (attachments, name, data, len);
}

/* Pseudo-random bytes, with CR, LF and dots sprinkled in. */
static GBytes *
make_binary (gsize   len,
             guint32 seed)
{
  guint8 *data = g_malloc (len);
  guint32 x = seed;

  for (gsize i = 0; i < len; i++)
    {
      x = x * 1664525u + 1013904223u;
      data[i] = x >> 24;
      if (i % 997 == 0)
        data[i] = '\n';
      else if (i % 991 == 0)
        data[i] = '.';
    }

  return g_bytes_new_take (data, len);
}

static GMimeMessage *
parse_eml (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GString) unix_text = NULL;
  GMimeMessage *message;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  unix_text = g_string_new_len (contents, length);
  g_string_replace (unix_text, "\r\n", "\n", 0);
  stream = g_mime_stream_mem_new_with_buffer (unix_text->str, unix_text->len);
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_assert_nonnull (message);

  return message;
}

static GBytes *
part_content (GMimePart *part)
{
  GMimeDataWrapper *wrapper = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) mem = g_mime_stream_mem_new ();
  GByteArray *array;

  g_assert_nonnull (wrapper);
  g_assert_cmpint (g_mime_data_wrapper_write_to_stream (wrapper, mem), >=, 0);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));

  return g_bytes_new (array->data, array->len);
}

typedef struct
{
  char      *body;
  GPtrArray *names;     /* char* */
  GPtrArray *contents;  /* GBytes* */
} Parts;

static void
collect_part (GMimeObject *parent,
              GMimeObject *object,
              gpointer     user_data)
{
  Parts *parts = user_data;
  GMimePart *part;

  if (!GMIME_IS_PART (object))
    return;

  part = GMIME_PART (object);
  if (g_mime_part_is_attachment (part))
    {
      g_ptr_array_add (parts->names, g_strdup (g_mime_part_get_filename (part)));
      g_ptr_array_add (parts->contents, part_content (part));
    }
  else if (GMIME_IS_TEXT_PART (object) && parts->body == NULL)
    {
      parts->body = g_mime_text_part_get_text (GMIME_TEXT_PART (object));
    }
}

static void
parts_clear (Parts *parts)
{
  g_free (parts->body);
  g_ptr_array_unref (parts->names);
  g_ptr_array_unref (parts->contents);
}

static void
collect_parts (GMimeMessage *message,
               Parts        *parts)
{
  parts->body = NULL;
  parts->names = g_ptr_array_new_with_free_func (g_free);
  parts->contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_mime_message_foreach (message, collect_part, parts);
}

static GBytes *
parts_find (Parts      *parts,
            const char *name)
{
  for (guint i = 0; i < parts->names->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (parts->names, i), name) == 0)
        return g_ptr_array_index (parts->contents, i);
    }

  return NULL;
}

static char *
normalize_newlines (const char *text)
{
  g_autoptr(GString) str = g_string_new (text);

  g_string_replace (str, "\r\n", "\n", 0);
  while (str->len > 0 && str->str[str->len - 1] == '\n')
    g_string_truncate (str, str->len - 1);

  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
assert_log_has_no_auth (ScTestServer *server)
{
  g_autofree char *log = sc_test_server_get_log (server);
  g_autofree char *upper = g_ascii_strup (log != NULL ? log : "", -1);

  g_assert_null (strstr (upper, "AUTH "));
  g_assert_null (strstr (upper, "MAIL FROM"));
}

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Implicit TLS, AUTH PLAIN with the non-ASCII password: a message with a Cyrillic subject,
 * body and attachment names arrives with every byte intact. */
static void
test_tls_plain_delivers (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  g_autoptr(Env) env = env_new (&options, NULL, CYRILLIC_SUBJECT, CYRILLIC_BODY);
  g_autoptr(GBytes) binary = make_binary (300 * 1024, 7);
  const char *text = "Строка 1\n.\nСтрока 3 с точкой в конце.\n";
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(Recorder) recorder = recorder_new (g_thread_self ());
  g_autoptr(GError) error = NULL;
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GPtrArray) emls = NULL;
  g_autoptr(GMimeMessage) received = NULL;
  g_auto(GStrv) rcpt = NULL;
  g_autofree char *mail_from = NULL;
  g_autofree char *transcript = NULL;
  g_autofree char *log = NULL;
  g_autofree char *body = NULL;
  g_autofree char *expected_body = NULL;
  Parts parts;

  write_attachment (env->dir, "данные.bin", g_bytes_get_data (binary, NULL),
                    g_bytes_get_size (binary));
  write_attachment (env->dir, "отчёт.txt", text, strlen (text));

  message = message_from_settings (env->settings);
  session = sc_smtp_session_new (env->settings);
  recorder_connect (recorder, session);

  result = send_expecting_success (session, message);
  g_assert_cmpuint (sc_send_result_get_refused (result)->len, ==, 0);
  g_assert_cmpstr (sc_send_result_get_reply (result), ==, "250 2.0.0 OK: queued as 0001");
  g_assert_cmpstr (sc_send_result_get_queue_id (result), ==, "0001");
  g_assert_false (recorder->wrong_thread);
  recorder_assert_progress (recorder, sc_message_get_size (message));

  emls = sc_test_server_assert_received (env->server, 1);

  rcpt = sc_test_read_envelope (g_ptr_array_index (emls, 0), &mail_from);
  g_assert_cmpstr (mail_from, ==, SC_TEST_LOGIN);
  g_assert_cmpuint (g_strv_length (rcpt), ==, 2);

  /* What the server received is exactly what the message says it is. */
  {
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_file_get_contents (g_ptr_array_index (emls, 0), &contents, &length, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (length, >, g_bytes_get_size (binary));
    if (strstr (contents, "\r\n\r\n") != NULL)
      g_test_message ("received headers:\n%.*s", (int) (strstr (contents, "\r\n\r\n") - contents),
                      contents);
  }

  received = parse_eml (g_ptr_array_index (emls, 0));
  {
    /* Not g_mime_message_get_subject (): see sc_test_decode_rfc2047 (). */
    g_autofree char *subject = sc_test_eml_get_header (g_ptr_array_index (emls, 0), "Subject");

    g_assert_cmpstr (subject, ==, CYRILLIC_SUBJECT);
  }

  collect_parts (received, &parts);
  g_assert_nonnull (parts.body);
  body = normalize_newlines (parts.body);
  expected_body = normalize_newlines (CYRILLIC_BODY);
  g_assert_cmpstr (body, ==, expected_body);
  g_assert_cmpuint (parts.names->len, ==, 2);
  g_assert_nonnull (parts_find (&parts, "данные.bin"));
  g_assert_true (g_bytes_equal (parts_find (&parts, "данные.bin"), binary));
  g_assert_nonnull (parts_find (&parts, "отчёт.txt"));
  {
    g_autoptr(GBytes) got = g_bytes_ref (parts_find (&parts, "отчёт.txt"));
    g_autofree char *got_text = g_strndup (g_bytes_get_data (got, NULL), g_bytes_get_size (got));
    g_autofree char *got_norm = normalize_newlines (got_text);
    g_autofree char *want_norm = normalize_newlines (text);

    g_assert_cmpstr (got_norm, ==, want_norm);
  }
  parts_clear (&parts);

  /* The server saw AUTH PLAIN, which it accepted; our transcript hides the payload. */
  log = sc_test_server_get_log (env->server);
  g_assert_nonnull (strstr (log, "AUTH PLAIN"));
  g_assert_nonnull (strstr (log, "AUTH-RESULT ok"));

  transcript = recorder_transcript (recorder);
  g_assert_nonnull (strstr (transcript, "C: AUTH PLAIN <redacted>"));
  g_assert_nonnull (strstr (transcript, "C: MAIL FROM:<" SC_TEST_LOGIN ">"));
  g_assert_nonnull (strstr (transcript, "C: DATA"));
  g_assert_nonnull (strstr (transcript, "S: 354"));
  g_assert_nonnull (strstr (transcript, "C: QUIT"));
  g_assert_null (strstr (transcript, "Здравствуйте"));   /* never the content */
  sc_test_assert_no_secret (transcript);
}

static void
test_starttls_delivers (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  g_autoptr(Env) env = env_new (&options, NULL, "STARTTLS", NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(Recorder) recorder = recorder_new (NULL);
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GPtrArray) emls = NULL;
  g_autoptr(GMimeMessage) received = NULL;
  g_autofree char *log = NULL;
  g_autofree char *transcript = NULL;
  const char *starttls;
  const char *auth;

  g_assert_cmpint (sc_settings_get_security (env->settings), ==, SC_SECURITY_STARTTLS);
  recorder_connect (recorder, session);

  result = send_expecting_success (session, message);

  emls = sc_test_server_wait_messages (env->server, 1, 5000);
  g_assert_nonnull (emls);
  received = parse_eml (g_ptr_array_index (emls, 0));
  {
    g_autofree char *subject = sc_test_eml_get_header (g_ptr_array_index (emls, 0), "Subject");

    g_assert_cmpstr (subject, ==, "STARTTLS");
  }

  /* STARTTLS came before AUTH, and EHLO was said again after it. */
  log = sc_test_server_get_log (env->server);
  starttls = strstr (log, "STARTTLS");
  auth = strstr (log, "AUTH PLAIN");
  g_assert_nonnull (starttls);
  g_assert_nonnull (auth);
  g_assert_true (starttls < auth);
  g_assert_nonnull (strstr (starttls, "EHLO"));

  transcript = recorder_transcript (recorder);
  sc_test_assert_no_secret (transcript);
}

/* An IP literal as host: no SNI, and the certificate is checked against its IP address SAN;
 * in brackets too, as an address literal is written in mail ("[127.0.0.1]"). */
static void
test_tls_ip_literal (void)
{
  static const char *const hosts[] = { "127.0.0.1", "[127.0.0.1]" };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
      g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
      g_autoptr(ScMessage) message = message_from_settings (env->settings);
      g_autoptr(ScSmtpSession) session = NULL;
      g_autoptr(ScSendResult) result = NULL;

      g_test_message ("host %s", hosts[i]);
      g_object_set (env->settings, "smtp-host", hosts[i], NULL);
      session = sc_smtp_session_new (env->settings);

      result = send_expecting_success (session, message);
      g_ptr_array_unref (sc_test_server_assert_received (env->server, 1));
    }
}

static void
test_auth_login (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .auth_mechanisms = "LOGIN" };
  g_autoptr(Env) env = env_new (&options, NULL, "AUTH LOGIN", NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(Recorder) recorder = recorder_new (NULL);
  g_autoptr(ScSendResult) result = NULL;
  g_autofree char *log = NULL;
  g_autofree char *transcript = NULL;

  recorder_connect (recorder, session);

  result = send_expecting_success (session, message);
  g_ptr_array_unref (sc_test_server_assert_received (env->server, 1));

  log = sc_test_server_get_log (env->server);
  g_assert_nonnull (strstr (log, "AUTH LOGIN"));
  g_assert_null (strstr (log, "AUTH PLAIN"));
  g_assert_nonnull (strstr (log, "AUTH-RESULT ok"));

  /* Both the user name and the password continuation lines are hidden. */
  transcript = recorder_transcript (recorder);
  g_assert_nonnull (strstr (transcript, "C: AUTH LOGIN\n"));
  g_assert_cmpuint (sc_test_count_substrings (transcript, "C: <redacted>"), ==, 2);
  sc_test_assert_no_secret (transcript);
}

/* Mechanisms offered that we do not speak: a clear error, no guessing. */
static void
test_auth_unavailable (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .auth_mechanisms = "CRAM-MD5" };
  g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(GError) error = NULL;

  error = send_expecting_error (session, message, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "CRAM-MD5"));
  assert_log_has_no_auth (env->server);
}

static void
test_wrong_password (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(Recorder) recorder = recorder_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *transcript = NULL;
  const char *wrong = "неверный-Пароль-7";

  g_object_set (env->settings, "password", wrong, NULL);
  session = sc_smtp_session_new (env->settings);
  recorder_connect (recorder, session);

  error = send_expecting_error (session, message, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Authentication failed: 535"));
  g_assert_null (strstr (error->message, wrong));
  g_assert_null (strstr (error->message, "Пароль"));
  sc_test_assert_no_secret (error->message);

  transcript = recorder_transcript (recorder);
  g_assert_null (strstr (transcript, wrong));
  g_assert_nonnull (strstr (transcript, "<redacted>"));

  g_assert_true (sc_test_server_wait_closed (env->server, 1, 10000));
  g_assert_cmpuint (sc_test_server_count_messages (env->server), ==, 0);
}

/* A certificate from a CA we were not given, with implicit TLS and with STARTTLS (after the
 * plaintext EHLO): refused before any AUTH, with the reason and the fingerprint. */
static void
test_untrusted_certificate (void)
{
  static const ScTestServerMode modes[] = { SC_TEST_SERVER_TLS, SC_TEST_SERVER_STARTTLS };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      ScTestServerOptions options = { .mode = modes[i], .untrusted_cert = TRUE };
      g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
      g_autoptr(ScMessage) message = message_from_settings (env->settings);
      g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
      g_autoptr(GError) error = NULL;

      error = send_expecting_error (session, message, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
      g_assert_true (g_str_has_prefix (error->message,
                                       "The certificate of localhost is not trusted: "));
      g_assert_true (g_regex_match_simple ("SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}$",
                                           error->message, 0, 0));
      sc_test_assert_no_secret (error->message);

      /* Nothing went over the connection after the handshake failed. */
      assert_log_has_no_auth (env->server);
      g_assert_cmpuint (sc_test_server_count_messages (env->server), ==, 0);
    }
}

static void
test_starttls_not_offered (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS_NOT_OFFERED };
  g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sc_settings_get_security (env->settings), ==, SC_SECURITY_STARTTLS);

  error = send_expecting_error (session, message, SC_SMTP_ERROR,
                                SC_SMTP_ERROR_STARTTLS_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==,
                   "localhost does not offer STARTTLS; refusing to send the password unencrypted");
  assert_log_has_no_auth (env->server);
}

/* "security": "none" works to loopback, with the password sent in plaintext on purpose... */
static void
test_plain_loopback (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_PLAIN };
  g_autoptr(Env) env = env_new (&options, NULL, "plain", NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(ScSendResult) result = NULL;

  g_assert_cmpint (sc_settings_get_security (env->settings), ==, SC_SECURITY_NONE);
  result = send_expecting_success (session, message);
  g_ptr_array_unref (sc_test_server_assert_received (env->server, 1));
}

/* ...and nowhere else: refused before any connection is made. */
static void
test_plain_remote_refused (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(ScSettings) settings = sc_settings_new (directory);
  const char * const to[] = { "alice@example.com", NULL };
  g_autoptr(ScMessage) message = sc_message_new (SC_TEST_LOGIN, to, "x", "y", NULL);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (settings,
                "smtp-host", "smtp.example.net",
                "smtp-port", 25u,
                "security", SC_SECURITY_NONE,
                "login", SC_TEST_LOGIN,
                "password", SC_TEST_PASSWORD,
                NULL);
  session = sc_smtp_session_new (settings);

  error = send_expecting_error (session, message, SC_SMTP_ERROR, SC_SMTP_ERROR_INSECURE);
  g_assert_nonnull (strstr (error->message, "smtp.example.net"));

  sc_test_rm_rf (dir);
}

static void
test_one_recipient_refused (void)
{
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_TLS,
    .refuse_recipient = "carol@example.com",
  };
  const char * const to[] = { "alice@example.com", "bob@example.com", "carol@example.com", NULL };
  g_autoptr(Env) env = env_new (&options, to, NULL, NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GPtrArray) emls = NULL;
  g_auto(GStrv) rcpt = NULL;
  GPtrArray *refused;
  ScRefusedRecipient *r;

  result = send_expecting_success (session, message);

  refused = sc_send_result_get_refused (result);
  g_assert_cmpuint (refused->len, ==, 1);
  r = g_ptr_array_index (refused, 0);
  g_assert_cmpstr (r->address, ==, "carol@example.com");
  g_assert_true (g_str_has_prefix (r->reply, "550"));

  emls = sc_test_server_wait_messages (env->server, 1, 5000);
  g_assert_nonnull (emls);
  rcpt = sc_test_read_envelope (g_ptr_array_index (emls, 0), NULL);
  g_assert_cmpuint (g_strv_length (rcpt), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) rcpt, "alice@example.com"));
  g_assert_true (g_strv_contains ((const char * const *) rcpt, "bob@example.com"));
}

static void
test_all_recipients_refused (void)
{
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_STARTTLS,
    .refuse_recipient = "carol@example.com",
  };
  const char * const to[] = { "carol@example.com", NULL };
  g_autoptr(Env) env = env_new (&options, to, NULL, NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(GError) error = NULL;

  error = send_expecting_error (session, message, SC_SMTP_ERROR, SC_SMTP_ERROR_RECIPIENTS_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "The server refused every recipient: carol@example.com (550 5.1.1 "
                   "<carol@example.com>: Recipient address rejected)");
  g_assert_true (sc_test_server_wait_closed (env->server, 1, 10000));
  g_assert_cmpuint (sc_test_server_count_messages (env->server), ==, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* PIPELINING (RFC 2920), against tests/faults-server.py                                      */
/* ------------------------------------------------------------------------------------------ */

/* @n addresses; long ones are 251 octets, near the longest an address may be (254, RFC 5321
 * §4.5.3.1.3). */
static char **
make_recipients (guint    n,
                 gboolean long_addresses)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *a = g_strnfill (63, 'a');
  g_autofree char *b = g_strnfill (63, 'b');
  g_autofree char *c = g_strnfill (50, 'c');

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *address = NULL;

      if (long_addresses)
        {
          g_autofree char *local = g_strdup_printf ("r%05u-", i);
          g_autofree char *padding = g_strnfill (64 - strlen (local), 'x');

          address = g_strdup_printf ("%s%s@%s.%s.%s.example", local, padding, a, b, c);
          g_assert_cmpuint (strlen (address), ==, 251);
        }
      else
        {
          address = g_strdup_printf ("recipient%u@example.com", i);
        }
      g_strv_builder_add (builder, address);
    }

  return g_strv_builder_end (builder);
}

/* Sends to the scenario @script of tests/faults-server.py in @mode, the first of @recipients
 * in To and the others in Bcc (the headers stay small); it must succeed with none refused.
 * Returns the server's log. */
static char *
send_to_script_server (const char         *script,
                       ScTestServerMode    mode,
                       const char * const *recipients)
{
  ScTestServerOptions options = { .mode = mode, .script = script };
  const char * const to[] = { recipients[0], NULL };
  g_autoptr(Env) env = env_new (&options, to, NULL, NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(ScSendResult) result = NULL;

  sc_message_set_bcc (message, recipients + 1);
  session = sc_smtp_session_new (env->settings);
  result = send_expecting_success (session, message);
  g_assert_cmpuint (sc_send_result_get_refused (result)->len, ==, 0);

  /* What the server logs before its final reply is in the log now */
  return sc_test_server_get_log (env->server);
}

typedef struct
{
  const char       *script;       /* the scenario of tests/faults-server.py */
  ScTestServerMode  mode;
  guint             recipients;
  const char       *ahead;        /* the log line that says how many commands came early */
} OneFlightCase;

static const OneFlightCase one_flight[] = {
  { "pipelined", SC_TEST_SERVER_PLAIN, 100, "\nAHEAD 101\n" },
  { "pipelined", SC_TEST_SERVER_TLS, 100, "\nAHEAD 101\n" },
  { "not-pipelined", SC_TEST_SERVER_PLAIN, 3, "\nAHEAD 0\n" },
};

/* With PIPELINING, MAIL, 100 RCPT and DATA in one flight: they all reached the server before
 * it answered MAIL (the scenario waits 0.2 s before it does, as a distant server would).
 * Without it, one command at a time: nothing came early. */
static void
test_pipelining_one_flight (gconstpointer data)
{
  const OneFlightCase *one = data;
  g_auto(GStrv) recipients = make_recipients (one->recipients, FALSE);
  g_autofree char *log = send_to_script_server (one->script, one->mode,
                                                (const char * const *) recipients);
  g_autofree char *stored = g_strdup_printf ("\nSTORED %u\n", one->recipients);

  g_assert_cmpuint (sc_test_count_substrings (log, one->ahead), ==, 1);
  g_assert_cmpuint (sc_test_count_substrings (log, "\nRCPT TO:<"), ==, one->recipients);
  g_assert_cmpuint (sc_test_count_substrings (log, stored), ==, 1);
}

/* RFC 2920 §3.1: 2000 recipients of 251 octets (530 KB of RCPT, many times the socket
 * buffers of a link to the Internet, which the scenario gives the client) to a server that
 * answers each with the address and reads nothing while a reply cannot go out. Written in one
 * go, both directions fill and the send ends with the time-out (as it did before the groups
 * were bounded); pipelined in bounded groups, every recipient arrives. */
static void
test_pipelining_long_list (gconstpointer data)
{
  ScTestServerMode mode = GPOINTER_TO_INT (data);
  g_auto(GStrv) recipients = make_recipients (2000, TRUE);
  g_autofree char *log = send_to_script_server ("long-list", mode,
                                                (const char * const *) recipients);
  g_autoptr(GHashTable) received = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) lines = g_strsplit (log, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "RCPT TO:<"))
        g_hash_table_add (received, lines[i] + strlen ("RCPT TO:<"));
    }
  g_assert_cmpuint (g_hash_table_size (received), ==, 2000);
  for (guint i = 0; recipients[i] != NULL; i++)
    {
      g_autofree char *closed = g_strconcat (recipients[i], ">", NULL);

      g_assert_true (g_hash_table_contains (received, closed));
    }
  g_assert_cmpuint (sc_test_count_substrings (log, "\nSTORED 2000\n"), ==, 1);
}

/* To with a Cyrillic display name and an IDN domain, Cc, and Bcc: the envelope holds every
 * bare address once (the domain in punycode), the headers name To and Cc but never Bcc. */
static void
test_recipients_cc_bcc (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  const char * const to[] = {
    "Мария Иванова <maria@example.test>", "user@пример.рф", NULL
  };
  const char * const cc[] = { "\"Doe, John\" <john@example.com>", NULL };
  const char * const bcc[] = {
    "Hidden Person <hidden@example.com>", "maria@example.test", NULL
  };
  const char * const want_rcpt[] = {
    "maria@example.test", "user@xn--e1afmkfd.xn--p1ai", "john@example.com", "hidden@example.com",
    NULL
  };
  g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
  g_autoptr(ScMessage) message = sc_message_new (SC_TEST_LOGIN, to, "Cc", "body", NULL);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GPtrArray) emls = NULL;
  g_autoptr(GMimeMessage) received = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *log = NULL;
  g_auto(GStrv) rcpt = NULL;
  InternetAddressList *list;
  InternetAddress *address;
  const char *end;

  sc_message_set_cc (message, cc);
  sc_message_set_bcc (message, bcc);
  result = send_expecting_success (session, message);
  g_assert_cmpuint (sc_send_result_get_refused (result)->len, ==, 0);

  emls = sc_test_server_assert_received (env->server, 1);
  rcpt = sc_test_read_envelope (g_ptr_array_index (emls, 0), NULL);
  g_assert_cmpstrv (rcpt, want_rcpt);

  log = sc_test_server_get_log (env->server);
  g_assert_nonnull (strstr (log, "RCPT TO:<user@xn--e1afmkfd.xn--p1ai>\n"));
  g_assert_nonnull (strstr (log, "RCPT TO:<hidden@example.com>\n"));

  received = parse_eml (g_ptr_array_index (emls, 0));
  list = g_mime_message_get_to (received);
  g_assert_cmpint (internet_address_list_length (list), ==, 2);
  address = internet_address_list_get_address (list, 0);
  g_assert_cmpstr (internet_address_get_name (address), ==, "Мария Иванова");
  g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)), ==,
                   "maria@example.test");
  address = internet_address_list_get_address (list, 1);
  g_assert_cmpstr (internet_address_mailbox_get_idn_addr (INTERNET_ADDRESS_MAILBOX (address)),
                   ==, "user@xn--e1afmkfd.xn--p1ai");

  list = g_mime_message_get_cc (received);
  g_assert_cmpint (internet_address_list_length (list), ==, 1);
  address = internet_address_list_get_address (list, 0);
  g_assert_cmpstr (internet_address_get_name (address), ==, "Doe, John");
  g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)), ==,
                   "john@example.com");

  g_assert_cmpint (internet_address_list_length (g_mime_message_get_bcc (received)), ==, 0);

  /* The headers are plain ASCII (encoded words) and never mention the Bcc recipient. */
  contents = sc_test_read_file (g_ptr_array_index (emls, 0), NULL, NULL);
  end = strstr (contents, "\r\n\r\n");
  g_assert_nonnull (end);
  contents[end - contents] = '\0';
  g_assert_true (g_str_is_ascii (contents));
  g_assert_null (strstr (contents, "hidden"));
  g_assert_null (strstr (contents, "Hidden"));
  g_assert_null (strstr (contents, "Bcc"));
}

/* A non-ASCII local part needs SMTPUTF8: without it, nothing is sent (not even AUTH) and the
 * error names the address as text; with it, MAIL FROM asks for it and the address arrives as
 * written, its domain in punycode. */
static void
test_smtputf8 (void)
{
  const char * const to[] = { "alice@example.com", "пользователь@пример.рф", NULL };

  {
    ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
    g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
    g_autoptr(ScMessage) message = sc_message_new (SC_TEST_LOGIN, to, "UTF8", "body", NULL);
    g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
    g_autoptr(GError) error = NULL;
    g_autofree char *log = NULL;

    error = send_expecting_error (session, message, SC_SMTP_ERROR,
                                  SC_SMTP_ERROR_SMTPUTF8_UNAVAILABLE);
    g_assert_cmpstr (error->message, ==,
                     "The address пользователь@xn--e1afmkfd.xn--p1ai has non-ASCII letters "
                     "before the @, and the server does not offer SMTPUTF8, which it needs");
    g_assert_true (sc_test_server_wait_closed (env->server, 1, 10000));
    /* Refused before logging in, and the session ended politely. */
    assert_log_has_no_auth (env->server);
    log = sc_test_server_get_log (env->server);
    g_assert_nonnull (strstr (log, "QUIT"));
    g_assert_cmpuint (sc_test_server_count_messages (env->server), ==, 0);
  }

  {
    ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .smtputf8 = TRUE };
    const char * const want_rcpt[] = {
      "alice@example.com", "пользователь@xn--e1afmkfd.xn--p1ai", NULL
    };
    g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
    g_autoptr(ScMessage) message = sc_message_new (SC_TEST_LOGIN, to, "UTF8", "body", NULL);
    g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
    g_autoptr(ScSendResult) result = NULL;
    g_autoptr(GPtrArray) emls = NULL;
    g_autofree char *log = NULL;
    g_auto(GStrv) rcpt = NULL;

    result = send_expecting_success (session, message);
    emls = sc_test_server_assert_received (env->server, 1);
    rcpt = sc_test_read_envelope (g_ptr_array_index (emls, 0), NULL);
    g_assert_cmpstrv (rcpt, want_rcpt);
    log = sc_test_server_get_log (env->server);
    g_assert_nonnull (strstr (log, "MAIL FROM:<" SC_TEST_LOGIN "> SMTPUTF8"));
  }
}

static void
test_connect_refused (void)
{
  g_autoptr(ScSettings) settings = NULL;
  const char * const to[] = { "alice@example.com", NULL };
  g_autoptr(ScMessage) message = sc_message_new (SC_TEST_LOGIN, to, "x", "y", NULL);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint16 port;

  /* A port that was free a moment ago and has no listener. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  settings = loopback_settings_new (port, SC_SECURITY_TLS, 5);
  session = sc_smtp_session_new (settings);

  error = send_expecting_error (session, message, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  expected = g_strdup_printf ("Could not connect to 127.0.0.1:%u: ", port);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_null (strstr (error->message + 1, "Could not connect"));
}

static void
test_message_too_large (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .data_size_limit = 20000 };
  g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
  g_autoptr(GBytes) binary = make_binary (40000, 3);
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(GError) error = NULL;

  write_attachment (env->dir, "big.bin", g_bytes_get_data (binary, NULL),
                    g_bytes_get_size (binary));
  message = message_from_settings (env->settings);
  session = sc_smtp_session_new (env->settings);

  error = send_expecting_error (session, message, SC_SMTP_ERROR, SC_SMTP_ERROR_MESSAGE_TOO_LARGE);
  g_assert_true (sc_test_server_wait_closed (env->server, 1, 10000));
  g_assert_cmpuint (sc_test_server_count_messages (env->server), ==, 0);
  assert_log_has_no_auth (env->server);
}

/* A server that stops reading: the upload times out with a sentence that says so. */
static void
test_upload_timeout (void)
{
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_TLS,
    .data_delay_ms = 4000,
    .data_size_limit = 64 * 1024 * 1024,
  };
  g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
  g_autoptr(GBytes) binary = make_binary (12 * 1024 * 1024, 5);
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  write_attachment (env->dir, "big.bin", g_bytes_get_data (binary, NULL),
                    g_bytes_get_size (binary));
  g_object_set (env->settings, "timeout-seconds", 1u, NULL);
  message = message_from_settings (env->settings);
  session = sc_smtp_session_new (env->settings);

  g_assert_true (sc_message_prepare (message, NULL, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  error = send_expecting_error (session, message, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==,
                   "Timed out sending the message: the server accepted no data for 1 second");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
}

typedef struct
{
  ScSmtpSession *session;
  ScMessage     *message;
  GCancellable  *cancellable;
  GError        *error;
  ScSendResult  *result;
  gint64         finished;
} SendThreadData;

static gpointer
send_thread_func (gpointer user_data)
{
  SendThreadData *data = user_data;

  data->result = sc_smtp_session_send_sync (data->session, data->message, data->cancellable,
                                            &data->error);
  data->finished = g_get_monotonic_time ();

  return NULL;
}

/* Cancelling from another thread in the middle of a 30 MB upload stops within a second, as a
 * cancellation (not an SMTP error), and the server keeps nothing. */
static void
test_cancel_during_upload (void)
{
  ScTestServerOptions options = {
    .mode = SC_TEST_SERVER_TLS,
    .data_delay_ms = 1,
    .data_size_limit = 100 * 1024 * 1024,
  };
  g_autoptr(Env) env = env_new (&options, NULL, NULL, NULL);
  g_autoptr(GBytes) binary = make_binary (30 * 1024 * 1024, 11);
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(Recorder) recorder = recorder_new (NULL);
  SendThreadData data = { 0 };
  GThread *thread;
  gint64 cancelled_at;
  gint64 deadline;

  write_attachment (env->dir, "huge.bin", g_bytes_get_data (binary, NULL),
                    g_bytes_get_size (binary));
  message = message_from_settings (env->settings);
  session = sc_smtp_session_new (env->settings);
  recorder_connect (recorder, session);

  data.session = session;
  data.message = message;
  data.cancellable = cancellable;
  thread = g_thread_new ("send", send_thread_func, &data);

  /* Wait (bounded) until a few MB are on their way. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (GPOINTER_TO_SIZE (g_atomic_pointer_get (&recorder->bytes_sent)) < 2 * 1024 * 1024 &&
         g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpuint (GPOINTER_TO_SIZE (g_atomic_pointer_get (&recorder->bytes_sent)), >=,
                    2 * 1024 * 1024);

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);

  g_test_message ("stopped %" G_GINT64_FORMAT " ms after the cancel",
                  (data.finished - cancelled_at) / 1000);
  g_assert_cmpint (data.finished - cancelled_at, <, G_USEC_PER_SEC);
  g_assert_null (data.result);
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&data.error);

  /* The server stored nothing of the dropped upload: a message sent after it is the only one
   * there, and it is the small one. */
  {
    const char * const to[] = { "alice@example.com", NULL };
    g_autoptr(ScMessage) small = sc_message_new (SC_TEST_LOGIN, to, "after the cancel", "x",
                                                 NULL);
    g_autoptr(ScSendResult) result = send_expecting_success (session, small);
    g_autoptr(GPtrArray) emls = sc_test_server_assert_received (env->server, 1);
    g_autofree char *subject = sc_test_eml_get_header (g_ptr_array_index (emls, 0), "Subject");

    g_assert_cmpstr (subject, ==, "after the cancel");
  }
}

typedef struct
{
  GMainLoop    *loop;
  ScSendResult *result;
  GError       *error;
  gboolean   called;
  GThread   *thread;
  gboolean   wrong_thread;
} AsyncData;

static void
send_async_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncData *data = user_data;

  data->wrong_thread = g_thread_self () != data->thread;
  data->result = sc_smtp_session_send_finish (SC_SMTP_SESSION (source), result, &data->error);
  data->called = TRUE;
  g_main_loop_quit (data->loop);
}

static gboolean
async_timeout_cb (gpointer user_data)
{
  g_error ("send_async did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
test_send_async (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  g_autoptr(Env) env = env_new (&options, NULL, "async", CYRILLIC_BODY);
  g_autoptr(GBytes) binary = make_binary (2 * 1024 * 1024, 13);
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(Recorder) recorder = recorder_new (g_thread_self ());
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *transcript = NULL;
  AsyncData data = { 0 };
  guint timeout_id;
  gint64 start;
  gint64 elapsed;

  write_attachment (env->dir, "two-megabytes.bin", g_bytes_get_data (binary, NULL),
                    g_bytes_get_size (binary));
  message = message_from_settings (env->settings);   /* not prepared: the worker does it */
  session = sc_smtp_session_new (env->settings);
  recorder_connect (recorder, session);

  data.loop = loop;
  data.thread = g_thread_self ();
  start = g_get_monotonic_time ();
  sc_smtp_session_send_async (session, message, NULL, send_async_cb, &data);

  timeout_id = g_timeout_add_seconds (60, async_timeout_cb, NULL);
  g_main_loop_run (loop);
  g_source_remove (timeout_id);
  elapsed = g_get_monotonic_time () - start;

  g_assert_true (data.called);
  g_assert_false (data.wrong_thread);
  g_assert_no_error (data.error);
  g_assert_nonnull (data.result);
  g_assert_cmpuint (sc_send_result_get_refused (data.result)->len, ==, 0);
  g_assert_cmpstr (sc_send_result_get_queue_id (data.result), ==, "0001");
  g_clear_pointer (&data.result, sc_send_result_unref);

  /* Every signal was emitted on this thread, and the last progress came before the result. */
  g_assert_false (recorder->wrong_thread);
  recorder_assert_progress (recorder, sc_message_get_size (message));
  /* At most about 20 a second, plus the first and the last */
  g_assert_cmpuint (recorder->progress->len / 2, <=, elapsed / (G_USEC_PER_SEC / 20) + 3);
  transcript = recorder_transcript (recorder);
  g_assert_nonnull (strstr (transcript, "C: AUTH PLAIN <redacted>"));
  sc_test_assert_no_secret (transcript);

  g_ptr_array_unref (sc_test_server_assert_received (env->server, 1));

  /* Nothing pending is left behind on the main context that refers to the session. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ------------------------------------------------------------------------------------------ */
/* ScTlsStream on its own                                                                     */
/* ------------------------------------------------------------------------------------------ */

static GSocketConnection *
connect_loopback (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);

  return connection;
}

static void
test_tls_stream (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  g_autoptr(ScTestServer) server = start_server (&options);
  g_autoptr(GSocketConnection) connection = connect_loopback (server->port);
  g_autoptr(ScTlsStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  char buffer[512];
  gssize n;

  tls = sc_tls_stream_new (G_IO_STREAM (connection), "localhost", server->ca_file, &error);
  g_assert_no_error (error);
  g_assert_null (sc_tls_stream_get_description (tls));

  g_assert_true (sc_tls_stream_handshake (tls, NULL, &error));
  g_assert_no_error (error);

  description = sc_tls_stream_get_description (tls);
  g_assert_nonnull (description);
  g_test_message ("%s", description);

  /* The greeting comes through the TLS input stream... */
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (tls)), buffer,
                           sizeof buffer - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 4);
  buffer[n] = '\0';
  g_assert_true (g_str_has_prefix (buffer, "220"));

  /* ...and a command goes out through the output stream. */
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (tls)),
                                            "QUIT\r\n", 6, NULL, NULL, &error));
  g_assert_no_error (error);
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (tls)), buffer,
                           sizeof buffer - 1, NULL, &error);
  g_assert_no_error (error);
  buffer[MAX (n, 0)] = '\0';
  g_assert_true (g_str_has_prefix (buffer, "221"));

  g_assert_true (g_io_stream_close (G_IO_STREAM (tls), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_io_stream_is_closed (G_IO_STREAM (connection)));
}

/* A name, or an IP literal, that the certificate does not hold is refused. */
static void
test_tls_stream_name_mismatch (void)
{
  static const char *const hosts[] = { "mail.example.org", "127.0.0.2" };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
      g_autoptr(ScTestServer) server = start_server (&options);
      g_autoptr(GSocketConnection) connection = connect_loopback (server->port);
      g_autoptr(ScTlsStream) tls = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *prefix = g_strdup_printf ("The certificate of %s is not trusted: ",
                                                 hosts[i]);

      tls = sc_tls_stream_new (G_IO_STREAM (connection), hosts[i], server->ca_file, &error);
      g_assert_no_error (error);

      g_assert_false (sc_tls_stream_handshake (tls, NULL, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_nonnull (strstr (error->message, "name"));
      g_assert_nonnull (strstr (error->message, "SHA-256 fingerprint "));
    }
}

static void
test_tls_stream_bad_ca_file (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  g_autoptr(ScTestServer) server = start_server (&options);
  g_autoptr(GSocketConnection) connection = connect_loopback (server->port);
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.pem", NULL);
  g_autoptr(GError) error = NULL;
  ScTlsStream *tls;

  tls = sc_tls_stream_new (G_IO_STREAM (connection), "localhost", missing, &error);
  g_assert_null (tls);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_file_set_contents (garbage, "not a certificate\n", -1, &error);
  g_assert_no_error (error);
  tls = sc_tls_stream_new (G_IO_STREAM (connection), "localhost", garbage, &error);
  g_assert_null (tls);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_MISC);
  g_assert_nonnull (strstr (error->message, garbage));

  sc_test_rm_rf (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* A scripted server for exact fault cases (in-process, plaintext, loopback)                  */
/* ------------------------------------------------------------------------------------------ */

#define SCRIPT_DATA "<the message content, up to the final dot>"

typedef struct
{
  const char *expect;   /* prefix of the next line from the client; NULL: read nothing */
  const char *reply;    /* then sent; NULL: close the connection; "": wait until the client
                           closes, without a word */
} ScriptStep;

typedef struct
{
  GSocket          *listener;
  guint16           port;
  const ScriptStep *steps;
  guint             n_steps;
  GThread          *thread;
  GPtrArray        *received;
  char             *failure;
} ScriptServer;

static GSocket *
listen_on_loopback (guint16 *out_port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  /* Bounds accept () and every read and write of the accepted sockets. */
  g_socket_set_timeout (socket, 15);
  *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  return g_steal_pointer (&socket);
}

static char *
script_read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

  if (line != NULL && line[0] != '\0' && line[strlen (line) - 1] == '\r')
    line[strlen (line) - 1] = '\0';

  return line;
}

static gpointer
script_server_thread (gpointer user_data)
{
  ScriptServer *server = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_accept (server->listener, NULL, &error);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  GOutputStream *out;

  if (socket == NULL)
    {
      server->failure = g_strdup_printf ("accept: %s", error->message);
      return NULL;
    }

  connection = g_socket_connection_factory_create_connection (socket);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  for (guint i = 0; i < server->n_steps && server->failure == NULL; i++)
    {
      const ScriptStep *step = &server->steps[i];

      if (step->expect != NULL && g_str_equal (step->expect, SCRIPT_DATA))
        {
          for (;;)
            {
              g_autofree char *line = script_read_line (in);

              if (line == NULL)
                {
                  server->failure = g_strdup ("the connection closed during DATA");
                  break;
                }
              if (g_str_equal (line, "."))
                break;
            }
        }
      else if (step->expect != NULL)
        {
          char *line = script_read_line (in);

          if (line == NULL)
            {
              server->failure = g_strdup_printf ("the connection closed; expected “%s”",
                                                 step->expect);
              break;
            }
          g_ptr_array_add (server->received, line);
          if (!g_str_has_prefix (line, step->expect))
            {
              server->failure = g_strdup_printf ("got “%s”, expected “%s”",
                                                 line, step->expect);
              break;
            }
        }

      if (step->reply == NULL)
        break;

      if (step->reply[0] == '\0')
        {
          g_autofree char *line = NULL;

          /* Silent until the client gives up (bounded by the socket time-out). */
          while ((line = script_read_line (in)) != NULL)
            g_clear_pointer (&line, g_free);
          break;
        }

      if (!g_output_stream_write_all (out, step->reply, strlen (step->reply), NULL, NULL, &error))
        {
          server->failure = g_strdup_printf ("write: %s", error->message);
          break;
        }
    }

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  return NULL;
}

static ScriptServer *
script_server_start (const ScriptStep *steps,
                     guint             n_steps)
{
  ScriptServer *server = g_new0 (ScriptServer, 1);

  server->listener = listen_on_loopback (&server->port);
  server->steps = steps;
  server->n_steps = n_steps;
  server->received = g_ptr_array_new_with_free_func (g_free);
  server->thread = g_thread_new ("script-server", script_server_thread, server);

  return server;
}

/* Joins the server thread and checks that the client did what the script expected. */
static void
script_server_finish (ScriptServer *server)
{
  g_thread_join (server->thread);
  g_socket_close (server->listener, NULL);
  g_object_unref (server->listener);

  if (server->failure != NULL)
    g_error ("scripted server: %s", server->failure);

  g_ptr_array_unref (server->received);
  g_free (server);
}

/* Settings for a scripted server: plaintext to 127.0.0.1, no login. */
static ScSmtpSession *
script_session_new (ScriptServer *server,
                    guint         timeout_seconds)
{
  g_autoptr(ScSettings) settings = loopback_settings_new (server->port, SC_SECURITY_NONE,
                                                         timeout_seconds);

  return sc_smtp_session_new (settings);
}

static ScMessage *
script_message_new (void)
{
  const char * const to[] = { "alice@example.com", "bob@example.com", NULL };

  return sc_message_new (SC_TEST_LOGIN, to, "Scripted", "Line one\n.\nLine three\n", NULL);
}

/* Sends the scripted message to a server that follows @steps; returns the result. */
static ScSendResult *
script_send (const ScriptStep  *steps,
             guint              n_steps,
             guint              timeout_seconds,
             GPtrArray        **out_received,
             GError           **error)
{
  ScriptServer *server = script_server_start (steps, n_steps);
  g_autoptr(ScSmtpSession) session = script_session_new (server, timeout_seconds);
  g_autoptr(ScMessage) message = script_message_new ();
  ScSendResult *result;

  result = sc_smtp_session_send_sync (session, message, NULL, error);

  if (out_received != NULL)
    *out_received = g_ptr_array_ref (server->received);
  script_server_finish (server);

  return result;
}

/* The same, for a send that must fail with @domain and @code; returns that error. */
static GError *
script_send_expecting_error (const ScriptStep *steps,
                             guint             n_steps,
                             guint             timeout_seconds,
                             GQuark            domain,
                             int               code)
{
  g_autoptr(ScSendResult) result = NULL;
  GError *error = NULL;

  result = script_send (steps, n_steps, timeout_seconds, NULL, &error);
  g_test_message ("%s", error != NULL ? error->message : "(no error)");
  g_assert_null (result);
  g_assert_error (error, domain, code);

  return error;
}

static gpointer
cancel_later_func (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

/* A cancel while waiting for the reply to QUIT (after a refusal) ends the send at once, not
 * after the QUIT time-out. */
static void
test_script_cancel_during_quit (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:", "550 5.7.1 go away\r\n" },
    { "QUIT", "" },
  };
  ScriptServer *server = script_server_start (steps, G_N_ELEMENTS (steps));
  g_autoptr(ScSmtpSession) session = script_session_new (server, 30);
  g_autoptr(ScMessage) message = script_message_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ScSendResult) result = NULL;
  GThread *canceller;
  gint64 start = g_get_monotonic_time ();

  canceller = g_thread_new ("canceller", cancel_later_func, cancellable);
  result = sc_smtp_session_send_sync (session, message, cancellable, &error);
  g_assert_null (result);
  g_thread_join (canceller);
  script_server_finish (server);

  g_assert_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_SENDER_REFUSED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

/* Bytes that are not UTF-8, and control characters, in a reply: the error stays valid UTF-8. */
static void
test_script_invalid_utf8_reply (void)
{
  static const ScriptStep steps[] = {
    { NULL, "554 \xff\xfe bad \xc3 host\x1b[31m \xe2\x82\r\n" },
    { "QUIT", "221 bye\r\n" },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 10, SC_SMTP_ERROR,
                                       SC_SMTP_ERROR_PROTOCOL);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_nonnull (strstr (error->message, "bad"));
}

/* A reply line without end: refused once it passes the bound, quoting only its start. */
static void
test_script_overlong_line (void)
{
  g_autofree char *huge = g_strnfill (20 * 1024, 'A');
  g_autofree char *reply = g_strconcat ("220 \xd0\x96", huge, "\r\n", NULL);
  const ScriptStep steps[] = {
    { NULL, reply },
    { NULL, "" },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 10, SC_SMTP_ERROR,
                                       SC_SMTP_ERROR_PROTOCOL);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <, 300);
}

/* A server that quotes the AUTH line back in its refusal: the credentials it echoes reach neither
 * the error, nor the transcript, nor the last reply. */
static void
run_auth_echo (const ScriptStep *steps,
               guint             n_steps)
{
  ScriptServer *server = script_server_start (steps, n_steps);
  g_autoptr(ScSettings) settings = loopback_settings_new (server->port, SC_SECURITY_NONE, 10);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(ScMessage) message = script_message_new ();
  g_autoptr(Recorder) recorder = recorder_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScSendResult) result = NULL;
  g_autofree char *transcript = NULL;

  g_object_set (settings, "login", SC_TEST_LOGIN, "password", SC_TEST_PASSWORD, NULL);
  session = sc_smtp_session_new (settings);
  recorder_connect (recorder, session);

  result = sc_smtp_session_send_sync (session, message, NULL, &error);
  script_server_finish (server);

  g_assert_null (result);
  g_assert_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "<redacted>"));
  sc_test_assert_no_secret (error->message);
  transcript = recorder_transcript (recorder);
  sc_test_assert_no_secret (transcript);
}

static void
test_script_auth_plain_echo (void)
{
  gsize login_len = strlen (SC_TEST_LOGIN);
  gsize password_len = strlen (SC_TEST_PASSWORD);
  gsize len = login_len + password_len + 2;
  g_autofree char *plain = g_malloc0 (len);
  g_autofree char *payload = NULL;
  g_autofree char *refusal = NULL;

  memcpy (plain + 1, SC_TEST_LOGIN, login_len);
  memcpy (plain + 2 + login_len, SC_TEST_PASSWORD, password_len);
  payload = g_base64_encode ((const guchar *) plain, len);
  refusal = g_strdup_printf ("535-5.7.8 Authentication failed for\r\n"
                             "535 5.7.8 AUTH PLAIN %s\r\n", payload);
  {
    const ScriptStep steps[] = {
      { NULL, "220 mx ESMTP\r\n" },
      { "EHLO ", "250-mx\r\n250 AUTH PLAIN LOGIN\r\n" },
      { "AUTH PLAIN ", refusal },
      { "QUIT", "221 bye\r\n" },
    };

    run_auth_echo (steps, G_N_ELEMENTS (steps));
  }
}

static void
test_script_auth_login_echo (void)
{
  g_autofree char *b64_password = g_base64_encode ((const guchar *) SC_TEST_PASSWORD,
                                                   strlen (SC_TEST_PASSWORD));
  g_autofree char *refusal = g_strdup_printf ("535 5.7.8 Bad password %s (" SC_TEST_PASSWORD
                                              ")\r\n", b64_password);
  const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250-mx\r\n250 AUTH LOGIN\r\n" },
    { "AUTH LOGIN", "334 VXNlcm5hbWU6\r\n" },
    { "", "334 UGFzc3dvcmQ6\r\n" },
    { "", refusal },
    { "QUIT", "221 bye\r\n" },
  };

  run_auth_echo (steps, G_N_ELEMENTS (steps));
}

/* An old server without EHLO: HELO, and then no ESMTP parameters on MAIL FROM. */
static void
test_script_helo_fallback (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 old.example ready\r\n" },
    { "EHLO [127.0.0.1]", "502 5.5.2 Command not recognized\r\n" },
    { "HELO [127.0.0.1]", "250 old.example\r\n" },
    { "MAIL FROM:<" SC_TEST_LOGIN ">", "250 ok\r\n" },
    { "RCPT TO:<alice@example.com>", "250 ok\r\n" },
    { "RCPT TO:<bob@example.com>", "251 will forward\r\n" },
    { "DATA", "354 go ahead\r\n" },
    { SCRIPT_DATA, "250 2.0.0 Ok: queued as ABC123\r\n" },
    { "QUIT", "221 bye\r\n" },
  };
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = script_send (steps, G_N_ELEMENTS (steps), 10, &received, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (received, 2), ==, "MAIL FROM:<" SC_TEST_LOGIN ">");
  g_assert_cmpuint (sc_send_result_get_refused (result)->len, ==, 0);
  g_assert_cmpstr (sc_send_result_get_reply (result), ==, "250 2.0.0 Ok: queued as ABC123");
}

/* PIPELINING: MAIL and both RCPTs in one go; SIZE announced; one recipient refused. */
static void
test_script_pipelining (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx.example ESMTP\r\n" },
    { "EHLO ", "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10000000\r\n"
               "250 ENHANCEDSTATUSCODES\r\n" },
    { "MAIL FROM:<" SC_TEST_LOGIN "> SIZE=", "250 2.1.0 ok\r\n" },
    { "RCPT TO:<alice@example.com>", "550 5.1.1 <alice@example.com>: no such user\r\n" },
    { "RCPT TO:<bob@example.com>", "250 2.1.5 ok\r\n" },
    { "DATA", "354 go ahead\r\n" },
    { SCRIPT_DATA, "250 2.0.0 queued\r\n" },
    { "QUIT", "221 2.0.0 bye\r\n" },
  };
  g_autoptr(ScSendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *refused;
  ScRefusedRecipient *r;

  result = script_send (steps, G_N_ELEMENTS (steps), 10, NULL, &error);
  g_assert_no_error (error);
  refused = sc_send_result_get_refused (result);
  g_assert_cmpuint (refused->len, ==, 1);
  r = g_ptr_array_index (refused, 0);
  g_assert_cmpstr (r->address, ==, "alice@example.com");
  g_assert_cmpstr (r->reply, ==, "550 5.1.1 <alice@example.com>: no such user");
}

/* Sends the scripted message to a server that follows @steps, which must fail with @code;
 * returns the dialogue as the "transcript" signal told it, one "C: "/"S: " line each. */
static char *
script_transcript_expecting_error (const ScriptStep *steps,
                                   guint             n_steps,
                                   int               code)
{
  ScriptServer *server = script_server_start (steps, n_steps);
  g_autoptr(ScSmtpSession) session = script_session_new (server, 10);
  g_autoptr(ScMessage) message = script_message_new ();
  g_autoptr(Recorder) recorder = recorder_new (NULL);
  g_autoptr(GError) error = NULL;

  recorder_connect (recorder, session);
  error = send_expecting_error (session, message, SC_SMTP_ERROR, code);
  script_server_finish (server);

  return recorder_transcript (recorder);
}

/* Every recipient refused, DATA in the same group: its "554" is read as DATA's reply, in order,
 * before RSET; nothing of the message goes out. */
static void
test_script_pipelined_all_refused (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250-mx\r\n250 PIPELINING\r\n" },
    { "MAIL FROM:", "250 ok\r\n" },
    { "RCPT TO:<alice@example.com>", "550 5.1.1 alice unknown\r\n" },
    { "RCPT TO:<bob@example.com>", "450 4.2.0 bob greylisted\r\n" },
    { "DATA", "554 5.5.1 No valid recipients\r\n" },
    { "RSET", "250 reset\r\n" },
    { "QUIT", "221 bye\r\n" },
  };
  g_autofree char *transcript = script_transcript_expecting_error (
                                  steps, G_N_ELEMENTS (steps),
                                  SC_SMTP_ERROR_RECIPIENTS_REFUSED);

  g_assert_cmpstr (transcript, ==,
                   "S: 220 mx ESMTP\n"
                   "C: EHLO [127.0.0.1]\n"
                   "S: 250-mx\n"
                   "S: 250 PIPELINING\n"
                   "C: MAIL FROM:<" SC_TEST_LOGIN ">\n"
                   "C: RCPT TO:<alice@example.com>\n"
                   "C: RCPT TO:<bob@example.com>\n"
                   "C: DATA\n"
                   "S: 250 ok\n"
                   "S: 550 5.1.1 alice unknown\n"
                   "S: 450 4.2.0 bob greylisted\n"
                   "S: 554 5.5.1 No valid recipients\n"
                   "C: RSET\n"
                   "S: 250 reset\n"
                   "C: QUIT\n"
                   "S: 221 bye\n");
}

/* A refused sender, and a broken server that still says 354 to the DATA sent with it: the
 * client ends that empty message with "." alone (RFC 2920 §3.1), reads the reply, and QUITs. */
static void
test_script_pipelined_sender_refused_354 (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250-mx\r\n250 PIPELINING\r\n" },
    { "MAIL FROM:", "553 5.7.1 not yours\r\n" },
    { "RCPT TO:<alice@example.com>", "503 5.5.1 need MAIL\r\n" },
    { "RCPT TO:<bob@example.com>", "503 5.5.1 need MAIL\r\n" },
    { "DATA", "354 go ahead\r\n" },
    { ".", "554 5.5.1 no valid recipients\r\n" },
    { "QUIT", "221 bye\r\n" },
  };
  g_autofree char *transcript = script_transcript_expecting_error (
                                  steps, G_N_ELEMENTS (steps),
                                  SC_SMTP_ERROR_SENDER_REFUSED);

  g_assert_true (g_str_has_suffix (transcript,
                                   "C: DATA\n"
                                   "S: 553 5.7.1 not yours\n"
                                   "S: 503 5.5.1 need MAIL\n"
                                   "S: 503 5.5.1 need MAIL\n"
                                   "S: 354 go ahead\n"
                                   "C: .\n"
                                   "S: 554 5.5.1 no valid recipients\n"
                                   "C: QUIT\n"
                                   "S: 221 bye\n"));
}

/* Without PIPELINING, a refused sender ends the transaction: no RCPT, no DATA. */
static void
test_script_sender_refused_not_pipelined (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:", "553 5.7.1 not yours\r\n" },
    { "QUIT", "221 bye\r\n" },
  };
  g_autofree char *transcript = script_transcript_expecting_error (
                                  steps, G_N_ELEMENTS (steps),
                                  SC_SMTP_ERROR_SENDER_REFUSED);

  g_assert_true (g_str_has_suffix (transcript,
                                   "C: MAIL FROM:<" SC_TEST_LOGIN ">\n"
                                   "S: 553 5.7.1 not yours\n"
                                   "C: QUIT\n"
                                   "S: 221 bye\n"));
}

static void
test_script_malformed_greeting (void)
{
  static const ScriptStep steps[] = {
    { NULL, "hello there\r\n" },
    { NULL, "" },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 10, SC_SMTP_ERROR,
                                       SC_SMTP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "“hello there”"));
}

static void
test_script_mismatched_multiline (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220-first\r\n250 second\r\n" },
    { NULL, "" },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 10, SC_SMTP_ERROR,
                                       SC_SMTP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "“250 second”"));
}

static void
test_script_sender_refused (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:", "553 5.7.1 <" SC_TEST_LOGIN ">: Sender address rejected\r\n" },
    { "QUIT", "221 bye\r\n" },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 10, SC_SMTP_ERROR,
                                       SC_SMTP_ERROR_SENDER_REFUSED);
  g_assert_nonnull (strstr (error->message, "553 5.7.1"));
}

static void
test_script_message_refused (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "DATA", "354 go ahead\r\n" },
    { SCRIPT_DATA, "554 5.7.1 Message rejected as spam\r\n" },
    { "QUIT", "221 bye\r\n" },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 10, SC_SMTP_ERROR,
                                       SC_SMTP_ERROR_MESSAGE_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "The server refused the message: 554 5.7.1 Message rejected as spam");
}

/* The connection drops after the final dot: we cannot know whether the mail went out. */
static void
test_script_lost_after_dot (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "DATA", "354 go ahead\r\n" },
    { SCRIPT_DATA, NULL },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 10, SC_SMTP_ERROR,
                                       SC_SMTP_ERROR_DELIVERY_UNCERTAIN);
  g_assert_cmpstr (error->message, ==, "The connection closed before the server confirmed the "
                   "message: the message may have been delivered; check before sending it "
                   "again");
}

/* The same when the reply to the final dot never comes. */
static void
test_script_no_reply_after_dot (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "DATA", "354 go ahead\r\n" },
    { SCRIPT_DATA, "" },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 1, SC_SMTP_ERROR,
                                       SC_SMTP_ERROR_DELIVERY_UNCERTAIN);
  g_assert_cmpstr (error->message, ==, "The server did not confirm the message within 1 second "
                   "after its end: the message may have been delivered; check before sending it "
                   "again");
}

typedef struct
{
  GCancellable *cancellable;
  ScSendResult *result;
  GError       *error;
  gboolean      done;
  gint64        cancelled_at;
} CancelAfterDot;

static void
cancel_after_dot_transcript_cb (ScSmtpSession  *session,
                                gboolean        outgoing,
                                const char     *line,
                                CancelAfterDot *state)
{
  if (outgoing && g_str_equal (line, "."))
    {
      state->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (state->cancellable);
    }
}

static void
cancel_after_dot_done_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  CancelAfterDot *state = user_data;

  state->result = sc_smtp_session_send_finish (SC_SMTP_SESSION (object), result, &state->error);
  state->done = TRUE;
}

/* A cancel (Cancel in the window, SIGTERM on the command line) once the whole message is out:
 * the server may deliver it, so the send is "delivery uncertain", not cancelled; and it still
 * stops at once. */
static void
test_script_cancel_after_dot (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "DATA", "354 go ahead\r\n" },
    { SCRIPT_DATA, "" },
  };
  ScriptServer *server = script_server_start (steps, G_N_ELEMENTS (steps));
  g_autoptr(ScSmtpSession) session = script_session_new (server, 30);
  g_autoptr(ScMessage) message = script_message_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelAfterDot state = { cancellable, };

  g_signal_connect (session, "transcript", G_CALLBACK (cancel_after_dot_transcript_cb), &state);
  sc_smtp_session_send_async (session, message, cancellable, cancel_after_dot_done_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  script_server_finish (server);

  g_assert_null (state.result);
  g_assert_error (state.error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN);
  g_assert_cmpuint (sc_test_count_substrings (state.error->message, "may have been delivered"), ==, 1);
  g_assert_null (strstr (state.error->message, "not sent"));
  g_assert_cmpint (g_get_monotonic_time () - state.cancelled_at, <, G_USEC_PER_SEC);
  g_clear_error (&state.error);
}


static void
test_script_no_reply_to_data (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "RCPT TO:", "250 ok\r\n" },
    { "DATA", "" },
  };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 1, G_IO_ERROR,
                                       G_IO_ERROR_TIMED_OUT);
  g_assert_true (g_str_has_prefix (error->message,
                                   "Timed out waiting for the server's reply to DATA"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* STARTTLS settings against a server that waits for a TLS handshake: a hint, in time. */
static void
test_script_silent_greeting (void)
{
  static const ScriptStep steps[] = {
    { NULL, "" },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (steps, G_N_ELEMENTS (steps), 1, SC_SMTP_ERROR,
                                       SC_SMTP_ERROR_NO_GREETING);
  g_assert_true (g_str_has_prefix (error->message, "Timed out waiting for the server's greeting"));
  g_assert_nonnull (strstr (error->message, "“tls”"));
}

/* "security": "tls" against a plaintext server: a TLS error that says what may be wrong. */
static void
test_script_tls_to_plaintext (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 plain.example ESMTP\r\n" },
    { NULL, "" },
  };
  ScriptServer *server = script_server_start (steps, G_N_ELEMENTS (steps));
  g_autoptr(ScSettings) settings = loopback_settings_new (server->port, SC_SECURITY_TLS, 5);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (settings);
  g_autoptr(ScMessage) message = script_message_new ();
  g_autoptr(GError) error = NULL;

  error = send_expecting_error (session, message, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS);
  g_assert_true (g_str_has_prefix (error->message, "The TLS handshake with 127.0.0.1 failed"));

  script_server_finish (server);
}

/* A command injected through an address never reaches the server. */
static void
test_script_address_injection (void)
{
  static const ScriptStep steps[] = {
    { NULL, "" },
  };
  const char *bad[] = {
    "alice@example.com>\r\nRCPT TO:<mallory@example.com",
    "alice@example.com> NOTIFY=NEVER",
    "alice@example.com>\nDATA",
  };
  ScriptServer *server = script_server_start (steps, G_N_ELEMENTS (steps));
  g_autoptr(ScSmtpSession) session = script_session_new (server, 10);
  GSocketClient *client;
  GSocketConnection *connection;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char * const to[] = { bad[i], NULL };
      g_autoptr(ScMessage) message = sc_message_new (SC_TEST_LOGIN, to, "x", "y", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(ScSendResult) result = NULL;

      result = sc_smtp_session_send_sync (session, message, NULL, &error);
      g_assert_null (result);
      g_assert_nonnull (error);
      g_assert_true (error->domain == SC_MESSAGE_ERROR);
    }

  /* The session never connected: let the scripted server's accept () return. */
  client = g_socket_client_new ();
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, NULL);
  g_clear_object (&connection);
  g_object_unref (client);
  script_server_finish (server);
}

/* The final reply is in the result, with the queue id in the forms servers write it. */
static void
test_script_queue_id (void)
{
  static const struct
  {
    const char *reply;
    const char *queue_id;
  } cases[] = {
    { "250 2.0.0 Ok: queued as 4XyZ12AbC", "4XyZ12AbC" },       /* Postfix */
    { "250 OK id=1tAbCd-0001Zx-2Q", "1tAbCd-0001Zx-2Q" },       /* Exim */
    { "250 2.0.0 queued as <20261201.ABC@mx>", NULL },
    { "250 2.0.0 Ok: queued as 9F3A1.", "9F3A1" },
    { "250 2.0.0 OK  1764611234 x12si345 - gsmtp", NULL },
    { "250 uid=12 accepted", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *reply = g_strconcat (cases[i].reply, "\r\n", NULL);
      const ScriptStep steps[] = {
        { NULL, "220 mx ESMTP\r\n" },
        { "EHLO ", "250 mx\r\n" },
        { "MAIL FROM:", "250 ok\r\n" },
        { "RCPT TO:", "250 ok\r\n" },
        { "RCPT TO:", "250 ok\r\n" },
        { "DATA", "354 go ahead\r\n" },
        { SCRIPT_DATA, reply },
        { "QUIT", "221 bye\r\n" },
      };
      g_autoptr(ScSendResult) result = NULL;
      g_autoptr(GError) error = NULL;

      result = script_send (steps, G_N_ELEMENTS (steps), 10, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (sc_send_result_get_reply (result), ==, cases[i].reply);
      g_assert_cmpstr (sc_send_result_get_queue_id (result), ==, cases[i].queue_id);
    }
}

/* A server that hangs up while we wait: GIO's code, and what we were waiting for. */
static void
test_script_connection_closed (void)
{
  static const ScriptStep greeting[] = {
    { NULL, NULL },
  };
  static const ScriptStep mail_from[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:", NULL },
  };
  g_autoptr(GError) error = NULL;

  error = script_send_expecting_error (greeting, G_N_ELEMENTS (greeting), 10, G_IO_ERROR,
                                       G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpstr (error->message, ==, "127.0.0.1 closed the connection while we were waiting "
                   "for the server's greeting");
  g_clear_error (&error);

  error = script_send_expecting_error (mail_from, G_N_ELEMENTS (mail_from), 10, G_IO_ERROR,
                                       G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpstr (error->message, ==, "127.0.0.1 closed the connection while we were waiting "
                   "for the server's reply to MAIL FROM");
}

typedef struct
{
  ScSmtpSession *session;
  ScMessage     *message;
  Recorder      *recorder;
  AsyncData      data;
} OwnContextData;

static gpointer
send_on_own_context_func (gpointer user_data)
{
  OwnContextData *own = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);

  g_main_context_push_thread_default (context);
  own->data.loop = loop;
  own->data.thread = g_thread_self ();
  own->recorder->thread = g_thread_self ();
  sc_smtp_session_send_async (own->session, own->message, NULL, send_async_cb, &own->data);
  g_main_loop_run (loop);
  g_main_context_pop_thread_default (context);

  return NULL;
}

/* send_async from a thread with a main context of its own: the signals and the result come on
 * that context, never on the global default one (which nobody runs here). */
static void
test_script_async_thread_default_context (void)
{
  static const ScriptStep steps[] = {
    { NULL, "220 mx ESMTP\r\n" },
    { "EHLO ", "250 mx\r\n" },
    { "MAIL FROM:<" SC_TEST_LOGIN ">", "250 ok\r\n" },
    { "RCPT TO:<alice@example.com>", "250 ok\r\n" },
    { "RCPT TO:<bob@example.com>", "250 ok\r\n" },
    { "DATA", "354 go ahead\r\n" },
    { SCRIPT_DATA, "250 queued as Q1\r\n" },
    { "QUIT", "221 bye\r\n" },
  };
  ScriptServer *server = script_server_start (steps, G_N_ELEMENTS (steps));
  g_autoptr(ScSmtpSession) session = script_session_new (server, 10);
  g_autoptr(ScMessage) message = script_message_new ();
  g_autoptr(Recorder) recorder = recorder_new (NULL);
  g_autofree char *transcript = NULL;
  OwnContextData own = { session, message, recorder, { 0 } };
  GThread *thread;

  recorder_connect (recorder, session);
  thread = g_thread_new ("own-context", send_on_own_context_func, &own);
  g_thread_join (thread);
  script_server_finish (server);

  g_assert_true (own.data.called);
  g_assert_false (own.data.wrong_thread);
  g_assert_no_error (own.data.error);
  g_assert_cmpstr (sc_send_result_get_queue_id (own.data.result), ==, "Q1");
  g_clear_pointer (&own.data.result, sc_send_result_unref);

  g_assert_false (recorder->wrong_thread);
  recorder_assert_progress (recorder, sc_message_get_size (message));
  transcript = recorder_transcript (recorder);
  g_assert_true (g_str_has_prefix (transcript, "S: 220 mx ESMTP\nC: EHLO "));
  g_assert_true (g_str_has_suffix (transcript, "C: .\nS: 250 queued as Q1\nC: QUIT\n"
                                               "S: 221 bye\n"));
}

/* ------------------------------------------------------------------------------------------ */
/* STARTTLS response injection (CVE-2011-0411 style)                                          */
/* ------------------------------------------------------------------------------------------ */

/* A TCP proxy in front of the real server that, right after the server's "220" to STARTTLS,
 * adds plaintext of its own in the same segment. A client that keeps it would take it for the
 * first reply inside TLS. */
#define INJECTED "250-INJECTED\r\n554 5.7.0 injected before TLS\r\n"

typedef struct
{
  GSocket  *listener;
  guint16   port;
  guint16   target_port;
  GThread  *thread;
  GSocket  *client;
  GSocket  *server;
  gint      starttls_seen;
  gint      injected;
} InjectProxy;

static gpointer
proxy_client_to_server (gpointer user_data)
{
  InjectProxy *proxy = user_data;
  char buffer[16384];

  for (;;)
    {
      gssize n = g_socket_receive (proxy->client, buffer, sizeof buffer, NULL, NULL);

      if (n <= 0)
        break;
      if (g_strstr_len (buffer, n, "STARTTLS\r\n") != NULL)
        g_atomic_int_set (&proxy->starttls_seen, 1);
      if (g_socket_send (proxy->server, buffer, n, NULL, NULL) != n)
        break;
    }

  g_socket_shutdown (proxy->server, FALSE, TRUE, NULL);

  return NULL;
}

static gpointer
proxy_thread (gpointer user_data)
{
  InjectProxy *proxy = user_data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) target = g_inet_socket_address_new (loopback, proxy->target_port);
  g_autoptr(GError) error = NULL;
  GThread *upstream;
  char buffer[16384];

  proxy->client = g_socket_accept (proxy->listener, NULL, &error);
  g_assert_no_error (error);
  proxy->server = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (proxy->server, 15);
  g_socket_connect (proxy->server, target, NULL, &error);
  g_assert_no_error (error);

  upstream = g_thread_new ("proxy-up", proxy_client_to_server, proxy);

  for (;;)
    {
      gssize n = g_socket_receive (proxy->server, buffer, sizeof buffer - sizeof INJECTED, NULL,
                                   NULL);

      if (n <= 0)
        break;
      if (g_atomic_int_get (&proxy->starttls_seen) && !proxy->injected &&
          n >= 4 && memcmp (buffer, "220 ", 4) == 0)
        {
          memcpy (buffer + n, INJECTED, strlen (INJECTED));
          n += strlen (INJECTED);
          proxy->injected = TRUE;
        }
      if (g_socket_send (proxy->client, buffer, n, NULL, NULL) != n)
        break;
    }

  g_socket_shutdown (proxy->client, FALSE, TRUE, NULL);
  g_thread_join (upstream);
  g_socket_close (proxy->client, NULL);
  g_socket_close (proxy->server, NULL);
  g_clear_object (&proxy->client);
  g_clear_object (&proxy->server);

  return NULL;
}

static void
test_starttls_injection_discarded (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  g_autoptr(Env) env = env_new (&options, NULL, "injection", NULL);
  g_autoptr(ScMessage) message = message_from_settings (env->settings);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(Recorder) recorder = recorder_new (NULL);
  g_autoptr(ScSendResult) result = NULL;
  g_autofree char *transcript = NULL;
  InjectProxy proxy = { 0 };

  proxy.listener = listen_on_loopback (&proxy.port);
  proxy.target_port = env->server->port;
  proxy.thread = g_thread_new ("proxy", proxy_thread, &proxy);

  g_object_set (env->settings, "smtp-port", (guint) proxy.port, NULL);
  g_assert_cmpint (sc_settings_get_security (env->settings), ==, SC_SECURITY_STARTTLS);
  session = sc_smtp_session_new (env->settings);
  recorder_connect (recorder, session);

  result = send_expecting_success (session, message);

  g_thread_join (proxy.thread);
  g_socket_close (proxy.listener, NULL);
  g_object_unref (proxy.listener);

  g_assert_true (proxy.injected);
  transcript = recorder_transcript (recorder);
  g_assert_null (strstr (transcript, "INJECTED"));
  g_assert_null (strstr (transcript, "injected"));
  g_ptr_array_unref (sc_test_server_assert_received (env->server, 1));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add_func ("/tls/stream", test_tls_stream);
  g_test_add_func ("/tls/name-mismatch", test_tls_stream_name_mismatch);
  g_test_add_func ("/tls/bad-ca-file", test_tls_stream_bad_ca_file);
  g_test_add_func ("/smtp/tls/plain-delivers", test_tls_plain_delivers);
  g_test_add_func ("/smtp/tls/ip-literal", test_tls_ip_literal);
  g_test_add_func ("/smtp/untrusted-certificate", test_untrusted_certificate);
  g_test_add_func ("/smtp/starttls/delivers", test_starttls_delivers);
  g_test_add_func ("/smtp/starttls/not-offered", test_starttls_not_offered);
  g_test_add_func ("/smtp/starttls/injection-discarded", test_starttls_injection_discarded);
  g_test_add_func ("/smtp/none/loopback", test_plain_loopback);
  g_test_add_func ("/smtp/none/remote-refused", test_plain_remote_refused);
  g_test_add_func ("/smtp/auth/login", test_auth_login);
  g_test_add_func ("/smtp/auth/unavailable", test_auth_unavailable);
  g_test_add_func ("/smtp/auth/wrong-password", test_wrong_password);
  g_test_add_func ("/smtp/recipients/one-refused", test_one_recipient_refused);
  g_test_add_func ("/smtp/recipients/all-refused", test_all_recipients_refused);
  g_test_add_func ("/smtp/recipients/cc-bcc", test_recipients_cc_bcc);
  g_test_add_data_func ("/smtp/pipelining/one-flight", &one_flight[0],
                        test_pipelining_one_flight);
  g_test_add_data_func ("/smtp/pipelining/one-flight-tls", &one_flight[1],
                        test_pipelining_one_flight);
  g_test_add_data_func ("/smtp/pipelining/not-offered", &one_flight[2],
                        test_pipelining_one_flight);
  g_test_add_data_func ("/smtp/pipelining/long-list", GINT_TO_POINTER (SC_TEST_SERVER_PLAIN),
                        test_pipelining_long_list);
  g_test_add_data_func ("/smtp/pipelining/long-list-tls", GINT_TO_POINTER (SC_TEST_SERVER_TLS),
                        test_pipelining_long_list);
  g_test_add_func ("/smtp/recipients/smtputf8", test_smtputf8);
  g_test_add_func ("/smtp/connect/refused", test_connect_refused);
  g_test_add_func ("/smtp/size/too-large", test_message_too_large);
  g_test_add_func ("/smtp/timeout/upload", test_upload_timeout);
  g_test_add_func ("/smtp/cancel/during-upload", test_cancel_during_upload);
  g_test_add_func ("/smtp/async/delivers", test_send_async);
  g_test_add_func ("/smtp/script/helo-fallback", test_script_helo_fallback);
  g_test_add_func ("/smtp/script/pipelining", test_script_pipelining);
  g_test_add_func ("/smtp/script/pipelined-all-refused", test_script_pipelined_all_refused);
  g_test_add_func ("/smtp/script/pipelined-sender-refused-354",
                   test_script_pipelined_sender_refused_354);
  g_test_add_func ("/smtp/script/sender-refused-not-pipelined",
                   test_script_sender_refused_not_pipelined);
  g_test_add_func ("/smtp/script/malformed-greeting", test_script_malformed_greeting);
  g_test_add_func ("/smtp/script/mismatched-multiline", test_script_mismatched_multiline);
  g_test_add_func ("/smtp/script/sender-refused", test_script_sender_refused);
  g_test_add_func ("/smtp/script/message-refused", test_script_message_refused);
  g_test_add_func ("/smtp/script/lost-after-dot", test_script_lost_after_dot);
  g_test_add_func ("/smtp/script/no-reply-to-data", test_script_no_reply_to_data);
  g_test_add_func ("/smtp/script/no-reply-after-dot", test_script_no_reply_after_dot);
  g_test_add_func ("/smtp/script/cancel-after-dot", test_script_cancel_after_dot);
  g_test_add_func ("/smtp/script/address-injection", test_script_address_injection);
  g_test_add_func ("/smtp/script/silent-greeting", test_script_silent_greeting);
  g_test_add_func ("/smtp/script/tls-to-plaintext", test_script_tls_to_plaintext);
  g_test_add_func ("/smtp/script/queue-id", test_script_queue_id);
  g_test_add_func ("/smtp/script/async-thread-default-context",
                   test_script_async_thread_default_context);
  g_test_add_func ("/smtp/script/connection-closed", test_script_connection_closed);
  g_test_add_func ("/smtp/script/cancel-during-quit", test_script_cancel_during_quit);
  g_test_add_func ("/smtp/script/invalid-utf8-reply", test_script_invalid_utf8_reply);
  g_test_add_func ("/smtp/script/overlong-line", test_script_overlong_line);
  g_test_add_func ("/smtp/script/auth-plain-echo", test_script_auth_plain_echo);
  g_test_add_func ("/smtp/script/auth-login-echo", test_script_auth_login_echo);

  return g_test_run ();
}

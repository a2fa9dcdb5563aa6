/* test-trust.c — certificate trust, pinning and Test Connection against a real SMTP server
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-trust"

#include "config.h"

#include <string.h>

#include "sc-certificate-info.h"
#include "sc-connection-report.h"
#include "sc-error.h"
#include "sc-message.h"
#include "sc-settings-store.h"
#include "sc-settings.h"
#include "sc-smtp-session.h"
#include "sc-test-server.h"

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* A running server, a temporary folder with settings for it, and those settings loaded. */
typedef struct
{
  ScTestServer *server;
  char         *dir;
  ScSettings   *settings;
} Env;

static Env *
env_new (const ScTestServerOptions *options)
{
  Env *env = g_new0 (Env, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(ScSettingsStore) store = NULL;

  env->server = sc_test_server_start (options, &error);
  g_assert_no_error (error);
  env->dir = sc_test_make_tmpdir ();
  sc_test_write_settings (env->server, env->dir, NULL, "Trust test", "Hello.\n");

  directory = g_file_new_for_path (env->dir);
  store = sc_settings_store_new (directory);
  sc_settings_store_load (store, NULL, &error);
  g_assert_no_error (error);
  env->settings = g_object_ref (sc_settings_store_get_settings (store));

  return env;
}

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

/* Sends the message of @env's settings with @session; returns the error, NULL on success. */
static GError *
send_message (Env           *env,
              ScSmtpSession *session)
{
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScSendResult) result = NULL;
  GError *error = NULL;

  message = sc_message_new_from_settings (env->settings, NULL, &error);
  g_assert_no_error (error);

  result = sc_smtp_session_send_sync (session, message, NULL, &error);
  g_test_message ("send: %s", error != NULL ? error->message : "sent");
  g_assert_true ((result == NULL) == (error != NULL));

  return error;
}

/* The SHA-256 fingerprint of a PEM file, as certtool computes it (lower-case, no colons). */
static char *
certtool_fingerprint (const char *pem_file)
{
  const char *argv[] = { "certtool", "--fingerprint", "--hash", "sha256", "--infile", pem_file,
                         NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  g_strstrip (out);
  g_assert_cmpuint (strlen (out), ==, 64);

  return g_steal_pointer (&out);
}

static void
assert_nothing_sent (ScTestServer *server)
{
  g_autofree char *log = sc_test_server_get_log (server);
  g_autofree char *upper = g_ascii_strup (log != NULL ? log : "", -1);

  g_assert_null (strstr (upper, "MAIL FROM"));
  g_assert_null (strstr (upper, "DATA"));
  g_assert_cmpuint (sc_test_server_count_messages (server), ==, 0);
}

static void
assert_log_has_no_auth (ScTestServer *server)
{
  g_autofree char *log = sc_test_server_get_log (server);
  g_autofree char *upper = g_ascii_strup (log != NULL ? log : "", -1);

  g_assert_null (strstr (upper, "AUTH "));
}

static void
assert_strv_has (const char * const *strv,
                 const char         *item)
{
  g_autofree char *all = g_strjoinv (" | ", (char **) strv);

  g_test_message ("looking for “%s” in: %s", item, all);
  g_assert_true (g_strv_contains (strv, item));
}

/* ------------------------------------------------------------------------------------------ */
/* Fingerprints                                                                               */
/* ------------------------------------------------------------------------------------------ */

#define FP_HEX  "e58951b067ead7759cc211e6eb3173178f4afdc6e295dc4cbb2b0405d40d28b0"
#define FP_NORM "E5:89:51:B0:67:EA:D7:75:9C:C2:11:E6:EB:31:73:17:" \
                "8F:4A:FD:C6:E2:95:DC:4C:BB:2B:04:05:D4:0D:28:B0"

static void
test_fingerprint_compare (void)
{
  g_autofree char *norm = sc_certificate_fingerprint_normalize (FP_HEX);
  g_autofree char *spaced = NULL;
  g_autofree char *other = g_strdup (FP_NORM);

  g_assert_cmpstr (norm, ==, FP_NORM);
  g_assert_true (sc_certificate_fingerprint_equal (FP_HEX, FP_NORM));

  spaced = g_strdelimit (g_ascii_strdown (FP_NORM, -1), ":", ' ');
  g_assert_true (sc_certificate_fingerprint_equal (spaced, FP_NORM));

  other[0] = 'F';
  g_assert_false (sc_certificate_fingerprint_equal (other, FP_NORM));
  g_assert_false (sc_certificate_fingerprint_equal (NULL, FP_NORM));
  g_assert_false (sc_certificate_fingerprint_equal ("", ""));

  /* Not a SHA-256 fingerprint: too short, not hex, a digit split from its pair */
  g_assert_null (sc_certificate_fingerprint_normalize (&FP_HEX[2]));
  g_assert_null (sc_certificate_fingerprint_normalize (FP_HEX "00"));
  {
    g_autofree char *not_hex = g_strconcat ("zz", &FP_HEX[2], NULL);
    g_autofree char *split = g_strconcat ("e:58", &FP_HEX[3], NULL);

    g_assert_null (sc_certificate_fingerprint_normalize (not_hex));
    g_assert_null (sc_certificate_fingerprint_normalize (split));
  }
  g_assert_null (sc_certificate_fingerprint_normalize (FP_HEX "\n"));
}

/* config.json's "tls_fingerprint" is checked like every other key. */
static void
test_fingerprint_setting_validated (void)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(ScSettings) settings = sc_settings_new (directory);
  g_autoptr(GError) error = NULL;

  g_object_set (settings, "tls-fingerprint", FP_HEX, NULL);
  g_assert_true (sc_settings_validate_key (settings, "tls_fingerprint", &error));
  g_assert_no_error (error);

  g_object_set (settings, "tls-fingerprint", "AB:CD", NULL);
  g_assert_false (sc_settings_validate_key (settings, "tls_fingerprint", &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "tls_fingerprint"));
  g_assert_nonnull (strstr (error->message, "SHA-256"));
  g_clear_error (&error);

  /* Empty: none pinned */
  g_object_set (settings, "tls-fingerprint", "", NULL);
  g_assert_null (sc_settings_get_tls_fingerprint (settings));
  g_assert_true (sc_settings_validate_key (settings, "tls_fingerprint", &error));
  g_assert_no_error (error);

  sc_test_rm_rf (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* Untrusted certificates                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* A self-signed server is refused before anything is sent, over TLS and STARTTLS, and the
 * session still tells what its certificate says. */
static void
test_self_signed_refused (void)
{
  static const ScTestServerMode modes[] = { SC_TEST_SERVER_TLS, SC_TEST_SERVER_STARTTLS };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      ScTestServerOptions options = { .mode = modes[i], .certificate = "self-signed" };
      g_autoptr(Env) env = env_new (&options);
      g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
      g_autoptr(GError) error = NULL;
      g_autofree char *expected_fp = certtool_fingerprint (env->server->cert_file);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      ScCertificateInfo *info;

      g_assert_null (sc_smtp_session_get_peer_certificate (session));

      error = send_message (env, session);
      g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
      g_assert_true (g_str_has_prefix (error->message,
                                       "The certificate of localhost is not trusted: "
                                       "it is self-signed"));

      info = sc_smtp_session_get_peer_certificate (session);
      g_assert_nonnull (info);
      g_test_message ("subject %s, issuer %s, fingerprint %s",
                      sc_certificate_info_get_subject (info),
                      sc_certificate_info_get_issuer (info),
                      sc_certificate_info_get_fingerprint (info));
      g_assert_nonnull (strstr (sc_certificate_info_get_subject (info), "CN=localhost"));
      g_assert_nonnull (strstr (sc_certificate_info_get_subject (info), "O=SMTP Client tests"));
      g_assert_cmpstr (sc_certificate_info_get_issuer (info), ==,
                       sc_certificate_info_get_subject (info));
      g_assert_cmpint (g_date_time_compare (sc_certificate_info_get_not_before (info), now),
                       <=, 0);
      g_assert_cmpint (g_date_time_compare (sc_certificate_info_get_not_after (info), now),
                       >, 0);
      /* gen-certs.sh: 30 days */
      g_assert_cmpint (g_date_time_difference (sc_certificate_info_get_not_after (info),
                                               sc_certificate_info_get_not_before (info)),
                       ==, 30 * G_TIME_SPAN_DAY);
      g_assert_true (g_regex_match_simple ("^([0-9A-F]{2}:){31}[0-9A-F]{2}$",
                                           sc_certificate_info_get_fingerprint (info), 0, 0));
      g_assert_true (sc_certificate_fingerprint_equal (sc_certificate_info_get_fingerprint (info),
                                                       expected_fp));
      g_assert_nonnull (strstr (error->message, sc_certificate_info_get_fingerprint (info)));
      assert_strv_has (sc_certificate_info_get_names (info), "localhost");
      assert_strv_has (sc_certificate_info_get_names (info), "127.0.0.1");
      g_assert_cmpstr (sc_certificate_info_get_problem (info), ==, "it is self-signed");

      assert_log_has_no_auth (env->server);
      assert_nothing_sent (env->server);
    }
}

/* A certificate of a trusted CA for other names: the message names the host asked for and the
 * names the certificate holds, in one sentence. */
static void
test_name_mismatch (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS,
                                  .certificate = "other-name-server" };
  g_autoptr(Env) env = env_new (&options);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(GError) error = NULL;
  ScCertificateInfo *info;

  error = send_message (env, session);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The certificate of localhost is not trusted: its names are "
                                   "mail.example.test, smtp.example.test, and it is not valid "
                                   "for the name localhost; SHA-256 fingerprint "));
  g_assert_null (strstr (error->message, "expected"));

  info = sc_smtp_session_get_peer_certificate (session);
  g_assert_nonnull (info);
  g_assert_nonnull (strstr (sc_certificate_info_get_issuer (info), "CN=SMTP Client Test CA"));
  g_assert_nonnull (strstr (sc_certificate_info_get_subject (info), "CN=mail.example.test"));
  assert_strv_has (sc_certificate_info_get_names (info), "mail.example.test");
  assert_strv_has (sc_certificate_info_get_names (info), "smtp.example.test");
  g_assert_cmpuint (g_strv_length ((char **) sc_certificate_info_get_names (info)), ==, 2);

  assert_nothing_sent (env->server);
}

/* "Trust This Certificate": the pinned self-signed certificate is accepted and the message
 * arrives; once the server has another key, it is refused, with both fingerprints. */
static void
test_pinned_certificate (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .certificate = "self-signed" };
  ScTestServerOptions changed = { .mode = SC_TEST_SERVER_TLS, .certificate = "self-signed-2" };
  g_autoptr(Env) env = env_new (&options);
  g_autoptr(Env) env2 = NULL;
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(ScSmtpSession) pinned = NULL;
  g_autoptr(ScSmtpSession) pinned2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) received = NULL;
  g_autofree char *trusted = NULL;
  g_autofree char *changed_fp = NULL;
  g_autofree char *changed_norm = NULL;

  error = send_message (env, session);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);
  trusted = g_strdup (sc_certificate_info_get_fingerprint (
                        sc_smtp_session_get_peer_certificate (session)));

  /* In any spelling of the fingerprint */
  {
    g_autofree char *lower = g_ascii_strdown (trusted, -1);

    g_object_set (env->settings, "tls-fingerprint", lower, NULL);
  }
  pinned = sc_smtp_session_new (env->settings);
  error = send_message (env, pinned);
  g_assert_no_error (error);
  received = sc_test_server_assert_received (env->server, 1);
  g_assert_cmpuint (received->len, ==, 1);
  /* Accepted: no problem to tell */
  g_assert_null (sc_certificate_info_get_problem (sc_smtp_session_get_peer_certificate (pinned)));

  /* The same server with another key and certificate */
  env2 = env_new (&changed);
  g_object_set (env2->settings, "tls-fingerprint", trusted, NULL);
  pinned2 = sc_smtp_session_new (env2->settings);
  error = send_message (env2, pinned2);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  changed_fp = certtool_fingerprint (env2->server->cert_file);
  changed_norm = sc_certificate_fingerprint_normalize (changed_fp);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The certificate of localhost has changed since you "
                                   "trusted it"));
  g_assert_nonnull (strstr (error->message, trusted));
  g_assert_nonnull (strstr (error->message, changed_norm));
  g_assert_cmpstr (sc_certificate_info_get_fingerprint (
                     sc_smtp_session_get_peer_certificate (pinned2)), ==, changed_norm);
  g_assert_nonnull (strstr (sc_certificate_info_get_problem (
                              sc_smtp_session_get_peer_certificate (pinned2)),
                            "not the certificate you chose to trust"));
  assert_log_has_no_auth (env2->server);
  assert_nothing_sent (env2->server);
}

/* An expired self-signed certificate: both reasons are given; pinned, it is accepted anyway
 * (as an exception in a mail program is). */
static void
test_pinned_expired (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS, .certificate = "expired" };
  g_autoptr(Env) env = env_new (&options);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(ScSmtpSession) pinned = NULL;
  g_autoptr(ScConnectionReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) expiry = g_date_time_new_utc (2021, 1, 1, 0, 0, 0);
  ScCertificateInfo *info;

  report = sc_smtp_session_test_connection_sync (session, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_test_message ("%s", error->message);
  info = sc_smtp_session_get_peer_certificate (session);
  g_assert_nonnull (info);
  g_assert_cmpstr (sc_certificate_info_get_problem (info), ==,
                   "it is self-signed; it has expired");
  g_assert_true (g_date_time_equal (sc_certificate_info_get_not_after (info), expiry));
  g_clear_error (&error);

  g_object_set (env->settings, "tls-fingerprint", sc_certificate_info_get_fingerprint (info),
                NULL);
  pinned = sc_smtp_session_new (env->settings);
  report = sc_smtp_session_test_connection_sync (pinned, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sc_connection_report_get_login_ok (report));
  g_assert_true (g_date_time_equal (sc_certificate_info_get_not_after (
                                      sc_connection_report_get_certificate (report)), expiry));
}

/* A pin refuses even a certificate that would verify (it is not the one trusted). */
static void
test_pinned_refuses_other_valid (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  g_autoptr(Env) env = env_new (&options);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (env->settings, "tls-fingerprint", FP_NORM, NULL);
  session = sc_smtp_session_new (env->settings);
  error = send_message (env, session);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, FP_NORM));
  assert_log_has_no_auth (env->server);
  assert_nothing_sent (env->server);
}

/* ------------------------------------------------------------------------------------------ */
/* Test Connection                                                                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  GAsyncResult *result;
  GPtrArray    *transcript;
  GThread      *thread;
  gboolean      wrong_thread;
} AsyncWait;

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
}

static void
transcript_cb (ScSmtpSession *session,
               gboolean       outgoing,
               const char    *line,
               gpointer       user_data)
{
  AsyncWait *wait = user_data;

  if (g_thread_self () != wait->thread)
    wait->wrong_thread = TRUE;
  g_ptr_array_add (wait->transcript, g_strdup_printf ("%s%s", outgoing ? "C: " : "S: ", line));
}

/* Test Connection on a worker thread, waited for on this thread's main context. */
static ScConnectionReport *
test_connection (ScSmtpSession  *session,
                 GCancellable   *cancellable,
                 GPtrArray     **out_transcript,
                 GError        **error)
{
  AsyncWait wait = { NULL, g_ptr_array_new_with_free_func (g_free), g_thread_self (), FALSE };
  ScConnectionReport *report;
  gulong handler;

  handler = g_signal_connect (session, "transcript", G_CALLBACK (transcript_cb), &wait);
  sc_smtp_session_test_connection_async (session, cancellable, async_done_cb, &wait);
  while (wait.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (session, handler);

  report = sc_smtp_session_test_connection_finish (session, wait.result, error);
  g_object_unref (wait.result);
  g_assert_false (wait.wrong_thread);

  if (out_transcript != NULL)
    *out_transcript = g_ptr_array_ref (wait.transcript);
  g_ptr_array_unref (wait.transcript);

  return report;
}

static void
test_connection_report (void)
{
  static const ScTestServerMode modes[] = { SC_TEST_SERVER_TLS, SC_TEST_SERVER_STARTTLS };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      ScTestServerOptions options = { .mode = modes[i], .data_size_limit = 1234567 };
      g_autoptr(Env) env = env_new (&options);
      g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
      g_autoptr(ScConnectionReport) report = NULL;
      g_autoptr(GPtrArray) transcript = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *log = NULL;
      g_autofree char *expected_fp = certtool_fingerprint (env->server->cert_file);
      ScCertificateInfo *info;
      const char *cipher;

      report = test_connection (session, NULL, &transcript, &error);
      g_assert_no_error (error);
      g_assert_nonnull (report);

      g_test_message ("greeting %s; %s, %s", sc_connection_report_get_greeting (report),
                      sc_connection_report_get_tls_version (report),
                      sc_connection_report_get_cipher (report));
      g_assert_true (g_str_has_prefix (sc_connection_report_get_greeting (report), "220 "));
      g_assert_cmpstr (sc_connection_report_get_tls_version (report), ==, "TLS 1.3");
      cipher = sc_connection_report_get_cipher (report);
      g_assert_true (g_strcmp0 (cipher, "AES-256-GCM") == 0 ||
                     g_strcmp0 (cipher, "AES-128-GCM") == 0 ||
                     g_strcmp0 (cipher, "CHACHA20-POLY1305") == 0);

      info = sc_connection_report_get_certificate (report);
      g_assert_nonnull (info);
      g_assert_nonnull (strstr (sc_certificate_info_get_subject (info), "CN=localhost"));
      g_assert_nonnull (strstr (sc_certificate_info_get_issuer (info), "CN=SMTP Client Test CA"));
      g_assert_null (sc_certificate_info_get_problem (info));
      g_assert_nonnull (sc_certificate_info_get_not_after (info));
      g_assert_true (sc_certificate_fingerprint_equal (sc_certificate_info_get_fingerprint (info),
                                                       expected_fp));
      g_assert_true (sc_smtp_session_get_peer_certificate (session) != NULL);

      assert_strv_has (sc_connection_report_get_extensions (report), "SIZE 1234567");
      g_assert_cmpuint (sc_connection_report_get_size_limit (report), ==, 1234567);
      /* After STARTTLS, what the server offers over TLS */
      g_assert_false (g_strv_contains (sc_connection_report_get_extensions (report),
                                       "STARTTLS"));
      assert_strv_has (sc_connection_report_get_auth_mechanisms (report), "PLAIN");
      assert_strv_has (sc_connection_report_get_auth_mechanisms (report), "LOGIN");
      g_assert_true (sc_connection_report_get_login_ok (report));

      /* The dialogue: EHLO, AUTH, QUIT, and no message */
      g_ptr_array_add (transcript, NULL);
      assert_strv_has ((const char * const *) transcript->pdata, "C: QUIT");
      {
        g_autofree char *all = g_strjoinv ("\n", (char **) transcript->pdata);

        sc_test_assert_no_secret (all);
      }
      g_assert_true (sc_test_server_wait_closed (env->server, 1, 5000));
      log = sc_test_server_get_log (env->server);
      g_test_message ("server log:\n%s", log);
      g_assert_nonnull (strstr (log, "AUTH-RESULT ok"));
      g_assert_nonnull (strstr (log, "QUIT"));
      assert_nothing_sent (env->server);
    }
}

/* Without a login: no AUTH, and login_ok stays FALSE. */
static void
test_connection_without_login (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .auth_mechanisms = "" };
  g_autoptr(Env) env = env_new (&options);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(ScConnectionReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (env->settings, "login", "", NULL);
  session = sc_smtp_session_new (env->settings);
  report = sc_smtp_session_test_connection_sync (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (sc_connection_report_get_login_ok (report));
  g_assert_cmpuint (g_strv_length ((char **) sc_connection_report_get_auth_mechanisms (report)),
                    ==, 0);
  g_assert_cmpuint (sc_connection_report_get_size_limit (report), >, 0);
  g_assert_true (sc_test_server_wait_closed (env->server, 1, 5000));
  assert_log_has_no_auth (env->server);
  assert_nothing_sent (env->server);
}

static void
test_connection_wrong_password (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  g_autoptr(Env) env = env_new (&options);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(ScConnectionReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  g_object_set (env->settings, "password", "not-the-password", NULL);
  session = sc_smtp_session_new (env->settings);
  report = test_connection (session, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_FAILED);
  g_test_message ("%s", error->message);

  g_assert_true (sc_test_server_wait_closed (env->server, 1, 5000));
  log = sc_test_server_get_log (env->server);
  g_assert_nonnull (strstr (log, "AUTH-RESULT fail"));
  g_assert_null (strstr (log, "AUTH-RESULT ok"));
  assert_nothing_sent (env->server);
}

/* An untrusted certificate fails Test Connection as it fails a send, and still tells. */
static void
test_connection_untrusted (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .untrusted_cert = TRUE };
  g_autoptr(Env) env = env_new (&options);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (env->settings);
  g_autoptr(ScConnectionReport) report = NULL;
  g_autoptr(GError) error = NULL;
  ScCertificateInfo *info;

  report = test_connection (session, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "it was issued by an unknown authority"));
  info = sc_smtp_session_get_peer_certificate (session);
  g_assert_nonnull (info);
  g_assert_nonnull (strstr (sc_certificate_info_get_issuer (info), "CN=SMTP Client Test CA"));
  g_assert_cmpstr (sc_certificate_info_get_problem (info), ==,
                   "it was issued by an unknown authority");
  assert_log_has_no_auth (env->server);
}

typedef struct
{
  GSocketListener *listener;
  GSocketConnection *accepted;
} Silent;

static void
accepted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Silent *silent = user_data;
  g_autoptr(GError) error = NULL;

  silent->accepted = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL,
                                                      &error);
  g_assert_no_error (error);
}

/* A server that accepts and never says a word: cancelling ends the test at once, long before
 * the time-out. */
static void
test_connection_cancel (void)
{
  static const ScSecurity securities[] = { SC_SECURITY_TLS, SC_SECURITY_NONE };

  for (guint i = 0; i < G_N_ELEMENTS (securities); i++)
    {
      Silent silent = { g_socket_listener_new (), NULL };
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autofree char *dir = sc_test_make_tmpdir ();
      g_autoptr(GFile) directory = g_file_new_for_path (dir);
      g_autoptr(ScSettings) settings = sc_settings_new (directory);
      g_autoptr(ScSmtpSession) session = NULL;
      g_autoptr(ScConnectionReport) report = NULL;
      AsyncWait wait = { NULL, NULL, NULL, FALSE };
      g_autoptr(GError) error = NULL;
      gint64 start;

      g_socket_listener_add_address (silent.listener, address, G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
      g_assert_no_error (error);
      g_object_set (settings,
                    "smtp-host", "127.0.0.1",
                    "smtp-port", (guint) g_inet_socket_address_get_port (
                                           G_INET_SOCKET_ADDRESS (bound)),
                    "security", securities[i],
                    "timeout-seconds", 60u,
                    "login", SC_TEST_LOGIN,
                    "password", SC_TEST_PASSWORD,
                    NULL);
      session = sc_smtp_session_new (settings);

      g_socket_listener_accept_async (silent.listener, NULL, accepted_cb, &silent);
      start = g_get_monotonic_time ();
      sc_smtp_session_test_connection_async (session, cancellable, async_done_cb, &wait);
      while (silent.accepted == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_null (wait.result);

      g_cancellable_cancel (cancellable);
      while (wait.result == NULL)
        g_main_context_iteration (NULL, TRUE);
      report = sc_smtp_session_test_connection_finish (session, wait.result, &error);
      g_object_unref (wait.result);
      g_assert_null (report);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
      /* The server sent no certificate */
      g_assert_null (sc_smtp_session_get_peer_certificate (session));

      g_clear_object (&silent.accepted);
      g_socket_listener_close (silent.listener);
      g_clear_object (&silent.listener);
      sc_test_rm_rf (dir);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trust/fingerprint/compare", test_fingerprint_compare);
  g_test_add_func ("/trust/fingerprint/setting-validated", test_fingerprint_setting_validated);
  g_test_add_func ("/trust/self-signed-refused", test_self_signed_refused);
  g_test_add_func ("/trust/name-mismatch", test_name_mismatch);
  g_test_add_func ("/trust/pinned", test_pinned_certificate);
  g_test_add_func ("/trust/pinned-refuses-other-valid", test_pinned_refuses_other_valid);
  g_test_add_func ("/trust/pinned-expired", test_pinned_expired);
  g_test_add_func ("/test-connection/report", test_connection_report);
  g_test_add_func ("/test-connection/without-login", test_connection_without_login);
  g_test_add_func ("/test-connection/wrong-password", test_connection_wrong_password);
  g_test_add_func ("/test-connection/untrusted", test_connection_untrusted);
  g_test_add_func ("/test-connection/cancel", test_connection_cancel);

  return g_test_run ();
}

/* test-hints.c — the table of error hints: which field an error is about, and what to do
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two halves: errors made by hand, one per row of a table (each rule of the engine's table and
 * its edges), and real errors, from the engine talking to tests/smtp-server.py set up wrong
 * (security mix-ups, a wrong password, a closed port, an untrusted certificate, …).
 */

#define G_LOG_DOMAIN "test-hints"

#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "sc-error-hint.h"
#include "sc-error.h"
#include "sc-message.h"
#include "sc-provider.h"
#include "sc-settings-store.h"
#include "sc-settings.h"
#include "sc-smtp-session.h"
#include "sc-test-server.h"

/* What the hint's text must be. */
typedef enum
{
  TEXT_NONE,         /* NULL: the error says all there is */
  TEXT_HAS,          /* contains @text */
  TEXT_ADVICE,       /* the advice of the provider whose server is @host */
  TEXT_OUTLOOK,      /* the advice for Outlook (password logins turned off) */
} TextCheck;

typedef struct
{
  const char *name;
  GQuark    (*domain) (void);
  int         code;
  const char *message;
  const char *host;        /* the settings' server; NULL: no settings */
  ScSecurity  security;
  gboolean    no_hint;     /* sc_error_hint_for_error () returns NULL */
  ScField     field;
  TextCheck   text_check;
  const char *text;
} HintCase;

static GQuark
io_error (void)
{
  return G_IO_ERROR;
}

static GQuark
tls_error (void)
{
  return G_TLS_ERROR;
}

static GQuark
resolver_error (void)
{
  return G_RESOLVER_ERROR;
}

#define SMTP sc_smtp_error_quark
#define SETTINGS sc_settings_error_quark
#define MESSAGE sc_message_error_quark

static const HintCase cases[] = {
  /* Authentication: the password; the provider's own advice where it has one. */
  { "auth-generic", SMTP, SC_SMTP_ERROR_AUTH_FAILED,
    "Authentication failed: 535 5.7.8 Authentication credentials invalid", "mail.example.net",
    SC_SECURITY_TLS, FALSE, SC_FIELD_PASSWORD, TEXT_HAS, "password" },
  { "auth-no-settings", SMTP, SC_SMTP_ERROR_AUTH_FAILED,
    "Authentication failed: 535 5.7.8 Error: authentication failed", NULL,
    SC_SECURITY_TLS, FALSE, SC_FIELD_PASSWORD, TEXT_HAS, "password" },
  { "auth-yandex", SMTP, SC_SMTP_ERROR_AUTH_FAILED,
    "Authentication failed: 535 5.7.8 Error: authentication failed: Invalid user or password!",
    "smtp.yandex.ru", SC_SECURITY_TLS, FALSE, SC_FIELD_PASSWORD, TEXT_ADVICE, "app password" },
  { "auth-mailru", SMTP, SC_SMTP_ERROR_AUTH_FAILED,
    "Authentication failed: 535 5.7.0 NEOBHODIM parol prilozheniya", "SMTP.MAIL.RU",
    SC_SECURITY_TLS, FALSE, SC_FIELD_PASSWORD, TEXT_ADVICE, "app password" },
  { "auth-gmail", SMTP, SC_SMTP_ERROR_AUTH_FAILED,
    "Authentication failed: 535-5.7.8 Username and Password not accepted.", "smtp.gmail.com",
    SC_SECURITY_TLS, FALSE, SC_FIELD_PASSWORD, TEXT_ADVICE, "app password" },
  /* 5.7.139: password logins turned off, whatever the server's name. */
  { "auth-5.7.139", SMTP, SC_SMTP_ERROR_AUTH_FAILED,
    "Authentication failed: 535 5.7.139 Authentication unsuccessful, basic authentication is "
    "disabled.", "smtp.office365.com", SC_SECURITY_STARTTLS, FALSE, SC_FIELD_PASSWORD,
    TEXT_OUTLOOK, "OAuth2" },
  { "auth-outlook", SMTP, SC_SMTP_ERROR_AUTH_FAILED,
    "Authentication failed: 535 5.7.3 Authentication unsuccessful", "smtp-mail.outlook.com",
    SC_SECURITY_STARTTLS, FALSE, SC_FIELD_PASSWORD, TEXT_OUTLOOK, "OAuth2" },

  /* Encryption required, and every mix-up of TLS and STARTTLS: the security setting. */
  { "530-5.7.7", SMTP, SC_SMTP_ERROR_SENDER_REFUSED,
    "The server refused the sender a@example.com: 530 5.7.7 Encryption required",
    "mail.example.net", SC_SECURITY_NONE, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "STARTTLS" },
  { "530-must-issue-starttls", SMTP, SC_SMTP_ERROR_AUTH_FAILED,
    "Authentication failed: 530 5.7.0 Must issue a STARTTLS command first", "localhost",
    SC_SECURITY_NONE, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "STARTTLS" },
  { "538-5.7.11", SMTP, SC_SMTP_ERROR_AUTH_FAILED,
    "Authentication failed: 538 5.7.11 Encryption required for requested authentication "
    "mechanism", "localhost", SC_SECURITY_NONE, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "TLS" },
  { "530-auth-required-is-not-security", SMTP, SC_SMTP_ERROR_SENDER_REFUSED,
    "The server refused the sender a@example.com: 530 5.7.0 Authentication required",
    "mail.example.net", SC_SECURITY_TLS, FALSE, SC_FIELD_LOGIN, TEXT_NONE, NULL },
  { "tls-on-starttls-port", tls_error, G_TLS_ERROR_NOT_TLS,
    "The TLS handshake with localhost failed: an unexpected TLS packet was received",
    "mail.example.net", SC_SECURITY_TLS, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "STARTTLS" },
  { "not-tls-without-settings", tls_error, G_TLS_ERROR_NOT_TLS,
    "The TLS handshake with localhost failed: the server closed the connection", NULL,
    SC_SECURITY_TLS, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "STARTTLS" },
  { "not-tls-after-starttls", tls_error, G_TLS_ERROR_NOT_TLS,
    "The TLS handshake with localhost failed: the server closed the connection",
    "mail.example.net", SC_SECURITY_STARTTLS, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "port" },
  { "starttls-on-tls-port", SMTP, SC_SMTP_ERROR_NO_GREETING,
    "Timed out waiting for the server's greeting (no answer for 5 seconds)",
    "mail.example.net", SC_SECURITY_STARTTLS, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "TLS" },
  { "starttls-not-offered", SMTP, SC_SMTP_ERROR_STARTTLS_UNAVAILABLE,
    "localhost does not offer STARTTLS; refusing to send the password unencrypted",
    "mail.example.net", SC_SECURITY_STARTTLS, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "465" },
  { "plain-no-auth", SMTP, SC_SMTP_ERROR_AUTH_UNAVAILABLE,
    "localhost does not offer authentication (AUTH), so a@example.com cannot log in",
    "localhost", SC_SECURITY_NONE, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "STARTTLS" },
  { "insecure", SMTP, SC_SMTP_ERROR_INSECURE,
    "Refusing to send to mail.example.net without encryption", "mail.example.net",
    SC_SECURITY_NONE, FALSE, SC_FIELD_SECURITY, TEXT_HAS, "TLS" },

  /* The sender must be the login. */
  { "sender-not-owned", SMTP, SC_SMTP_ERROR_SENDER_REFUSED,
    "The server refused the sender a@example.com: 553 5.7.1 Sender address rejected: not owned "
    "by auth user.", "smtp.yandex.ru", SC_SECURITY_TLS, FALSE, SC_FIELD_LOGIN, TEXT_HAS,
    "login must be the sender" },
  { "sender-5.7.1", SMTP, SC_SMTP_ERROR_SENDER_REFUSED,
    "The server refused the sender a@example.com: 550 5.7.1 Client does not have permissions "
    "to send as this sender", "mail.example.net", SC_SECURITY_TLS, FALSE, SC_FIELD_LOGIN,
    TEXT_HAS, "login must be the sender" },
  { "sender-other", SMTP, SC_SMTP_ERROR_SENDER_REFUSED,
    "The server refused the sender a@example.com: 451 4.3.0 Try again later",
    "mail.example.net", SC_SECURITY_TLS, FALSE, SC_FIELD_LOGIN, TEXT_NONE, NULL },

  /* Recipients and size */
  { "recipients", SMTP, SC_SMTP_ERROR_RECIPIENTS_REFUSED,
    "The server refused every recipient: b@example.org (550 5.1.1 User unknown)",
    "mail.example.net", SC_SECURITY_TLS, FALSE, SC_FIELD_RECIPIENTS, TEXT_HAS, "address" },
  { "smtputf8", SMTP, SC_SMTP_ERROR_SMTPUTF8_UNAVAILABLE,
    "localhost does not offer SMTPUTF8", "mail.example.net", SC_SECURITY_TLS, FALSE,
    SC_FIELD_RECIPIENTS, TEXT_NONE, NULL },
  { "too-large", SMTP, SC_SMTP_ERROR_MESSAGE_TOO_LARGE,
    "The message is too large for localhost: 40.1 kB, and the server accepts at most 20.0 kB",
    "mail.example.net", SC_SECURITY_TLS, FALSE, SC_FIELD_ATTACHMENTS, TEXT_HAS, "attachments" },
  { "552-after-data", SMTP, SC_SMTP_ERROR_MESSAGE_REFUSED,
    "The server refused the message: 552 5.3.4 Message size exceeds fixed limit",
    "mail.example.net", SC_SECURITY_TLS, FALSE, SC_FIELD_ATTACHMENTS, TEXT_HAS, "attachments" },
  { "5.3.4-alone", SMTP, SC_SMTP_ERROR_MESSAGE_REFUSED,
    "The server refused the message: 554 5.3.4 Message too big for system",
    "mail.example.net", SC_SECURITY_TLS, FALSE, SC_FIELD_ATTACHMENTS, TEXT_HAS, "attachments" },
  { "message-refused-spam", SMTP, SC_SMTP_ERROR_MESSAGE_REFUSED,
    "The server refused the message: 554 5.7.1 Message rejected as spam", "mail.example.net",
    SC_SECURITY_TLS, TRUE },

  /* Certificates: the window's trust dialog, no sentence. */
  { "untrusted", tls_error, G_TLS_ERROR_BAD_CERTIFICATE,
    "The certificate of localhost is not trusted: it is self-signed; SHA-256 fingerprint AA",
    "localhost", SC_SECURITY_TLS, FALSE, SC_FIELD_CERTIFICATE, TEXT_NONE, NULL },

  /* Connecting: the host or port, with the usual ports. An address in the message is not a
   * reply code. */
  { "connection-refused", io_error, G_IO_ERROR_CONNECTION_REFUSED,
    "Could not connect to 127.0.0.1:465: Connection refused", "127.0.0.1", SC_SECURITY_TLS,
    FALSE, SC_FIELD_PORT, TEXT_HAS, "587" },
  { "host-unreachable", io_error, G_IO_ERROR_HOST_UNREACHABLE,
    "Could not connect to 10.255.0.1:587: No route to host", "10.255.0.1",
    SC_SECURITY_STARTTLS, FALSE, SC_FIELD_HOST, TEXT_HAS, "465" },
  { "network-unreachable", io_error, G_IO_ERROR_NETWORK_UNREACHABLE,
    "Could not connect to mail.example.net:587: Network is unreachable", "mail.example.net",
    SC_SECURITY_STARTTLS, FALSE, SC_FIELD_HOST, TEXT_HAS, "network" },
  { "not-found", resolver_error, G_RESOLVER_ERROR_NOT_FOUND,
    "Could not connect to mail.example.invalid:587: Error resolving “mail.example.invalid”",
    "mail.example.invalid", SC_SECURITY_STARTTLS, FALSE, SC_FIELD_HOST, TEXT_HAS, "name" },
  { "resolver-temporary", resolver_error, G_RESOLVER_ERROR_TEMPORARY_FAILURE,
    "Temporary failure in name resolution", "mail.example.net", SC_SECURITY_STARTTLS, FALSE,
    SC_FIELD_HOST, TEXT_HAS, "name" },
  { "timed-out", io_error, G_IO_ERROR_TIMED_OUT,
    "Timed out waiting for the server's reply to EHLO (no answer for 5 seconds)",
    "mail.example.net", SC_SECURITY_TLS, FALSE, SC_FIELD_TIMEOUT, TEXT_HAS, "time-out" },
  { "cancelled", io_error, G_IO_ERROR_CANCELLED, "Operation was cancelled", "mail.example.net",
    SC_SECURITY_TLS, TRUE },

  /* The settings and the message */
  { "example-server", SETTINGS, SC_SETTINGS_ERROR_EXAMPLE_SERVER,
    "config.json: \"smtp_host\" still names the example server smtp.example.com",
    "smtp.example.com", SC_SECURITY_TLS, FALSE, SC_FIELD_HOST, TEXT_HAS, "account" },
  { "settings-parse", SETTINGS, SC_SETTINGS_ERROR_PARSE, "data.json:3:1: unexpected character",
    NULL, SC_SECURITY_TLS, TRUE },
  { "settings-invalid-without-key", SETTINGS, SC_SETTINGS_ERROR_INVALID,
    "data.json: \"message\" is missing", NULL, SC_SECURITY_TLS, TRUE },
  { "body", MESSAGE, SC_MESSAGE_ERROR_BODY, "message.txt:2: not UTF-8 text", NULL,
    SC_SECURITY_TLS, FALSE, SC_FIELD_BODY, TEXT_NONE, NULL },
  { "attachment", MESSAGE, SC_MESSAGE_ERROR_ATTACHMENT, "a.pdf: Permission denied", NULL,
    SC_SECURITY_TLS, FALSE, SC_FIELD_ATTACHMENTS, TEXT_NONE, NULL },
  { "header", MESSAGE, SC_MESSAGE_ERROR_HEADER, "The subject has a line break", NULL,
    SC_SECURITY_TLS, FALSE, SC_FIELD_SUBJECT, TEXT_NONE, NULL },
};

/* Settings naming @host (NULL: none) with @security; the folder is never read or written. */
static ScSettings *
settings_new (const char *host,
              ScSecurity  security)
{
  g_autoptr(GFile) directory = NULL;
  ScSettings *settings;

  if (host == NULL)
    return NULL;

  directory = g_file_new_for_path ("/nonexistent/settings");
  settings = sc_settings_new (directory);
  g_object_set (settings, "smtp-host", host, "smtp-port", 465u, "security", security, NULL);

  return settings;
}

static void
assert_hint (const ScErrorHint *hint,
             const HintCase    *c)
{
  const ScProvider *provider;
  const ScProvider *all;
  guint n;

  if (c->no_hint)
    {
      g_assert_null (hint);
      return;
    }

  g_assert_nonnull (hint);
  g_assert_cmpint (hint->field, ==, c->field);

  switch (c->text_check)
    {
    case TEXT_NONE:
      g_assert_null (hint->text);
      break;

    case TEXT_HAS:
      g_assert_nonnull (hint->text);
      g_assert_nonnull (strstr (hint->text, c->text));
      break;

    case TEXT_ADVICE:
      provider = sc_provider_lookup_host (c->host);
      g_assert_nonnull (provider);
      g_assert_cmpstr (hint->text, ==, sc_provider_get_advice (provider));
      g_assert_nonnull (strstr (hint->text, c->text));
      break;

    case TEXT_OUTLOOK:
      all = sc_provider_get_all (&n);
      provider = NULL;
      for (guint i = 0; i < n; i++)
        if (g_str_equal (all[i].id, "outlook"))
          provider = &all[i];
      g_assert_nonnull (provider);
      g_assert_cmpstr (hint->text, ==, sc_provider_get_advice (provider));
      g_assert_nonnull (strstr (hint->text, c->text));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
test_table (gconstpointer data)
{
  const HintCase *c = data;
  g_autoptr(ScSettings) settings = settings_new (c->host, c->security);
  g_autoptr(GError) error = g_error_new_literal (c->domain (), c->code, c->message);
  g_autoptr(ScErrorHint) hint = sc_error_hint_for_error (error, settings);

  g_test_message ("%s → field %d, text %s", c->message, hint != NULL ? (int) hint->field : -1,
                  hint != NULL && hint->text != NULL ? hint->text : "(none)");
  assert_hint (hint, c);
}

/* Every key of the settings, by its JSON name and its property name. */
static void
test_field_for_key (void)
{
  static const struct { const char *key; ScField field; } keys[] = {
    { "smtp_host", SC_FIELD_HOST }, { "smtp-host", SC_FIELD_HOST },
    { "smtp_port", SC_FIELD_PORT }, { "smtp-port", SC_FIELD_PORT },
    { "security", SC_FIELD_SECURITY },
    { "ca_file", SC_FIELD_CA_FILE }, { "ca-file", SC_FIELD_CA_FILE },
    { "tls_fingerprint", SC_FIELD_CERTIFICATE }, { "tls-fingerprint", SC_FIELD_CERTIFICATE },
    { "timeout_seconds", SC_FIELD_TIMEOUT }, { "timeout-seconds", SC_FIELD_TIMEOUT },
    { "login", SC_FIELD_LOGIN }, { "password", SC_FIELD_PASSWORD },
    { "to_addrs", SC_FIELD_RECIPIENTS }, { "recipients", SC_FIELD_RECIPIENTS },
    { "cc_addrs", SC_FIELD_RECIPIENTS }, { "bcc-recipients", SC_FIELD_RECIPIENTS },
    { "subject", SC_FIELD_SUBJECT },
    { "message_file_path", SC_FIELD_BODY }, { "message-file-path", SC_FIELD_BODY },
    { "attachment_folder_path", SC_FIELD_ATTACHMENTS },
    { "attachment_paths", SC_FIELD_ATTACHMENTS },
    { "excluded_attachments", SC_FIELD_ATTACHMENTS },
    { "no_such_key", SC_FIELD_NONE }, { NULL, SC_FIELD_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_cmpint (sc_field_for_settings_key (keys[i].key), ==, keys[i].field);
}

/* A validation error names its key without anyone reading the translated text, and the hint
 * marks that key's field. */
static void
test_settings_errors (void)
{
  static const struct
  {
    const char *property;
    const char *key;
    ScField     field;
  } bad[] = {
    { "smtp-port", "smtp_port", SC_FIELD_PORT },
    { "message-file-path", "message_file_path", SC_FIELD_BODY },
    { "login", "login", SC_FIELD_LOGIN },
    { "subject", "subject", SC_FIELD_SUBJECT },
    { "recipients", "to_addrs", SC_FIELD_RECIPIENTS },
    { "cc-recipients", "cc_addrs", SC_FIELD_RECIPIENTS },
  };
  const char * const good_to[] = { "maria@example.test", NULL };
  const char * const bad_to[] = { "not an address", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GFile) directory = g_file_new_for_path ("/nonexistent/settings");
      g_autoptr(ScSettings) settings = sc_settings_new (directory);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) key_error = NULL;
      g_autoptr(ScErrorHint) hint = NULL;

      g_object_set (settings, "smtp-host", "mail.example.net", "smtp-port", 465u,
                    "timeout-seconds", 30u, "login", "me@example.net", "password", "x",
                    "recipients", good_to, "subject", "S", "message-file-path", "m.txt",
                    NULL);
      g_assert_true (sc_settings_validate (settings, NULL));

      if (g_str_equal (bad[i].property, "smtp-port"))
        g_object_set (settings, bad[i].property, 0u, NULL);
      else if (g_str_equal (bad[i].property, "message-file-path"))
        g_object_set (settings, bad[i].property, "", NULL);
      else if (g_str_equal (bad[i].property, "recipients") ||
               g_str_equal (bad[i].property, "cc-recipients"))
        g_object_set (settings, bad[i].property, bad_to, NULL);
      else
        g_object_set (settings, bad[i].property, "two\nlines", NULL);

      g_assert_false (sc_settings_validate (settings, &error));
      g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
      g_assert_cmpstr (sc_settings_error_get_key (error), ==, bad[i].key);

      /* The key survives a copy and a prefix, as the window adds "Not sent: ". */
      key_error = g_error_copy (error);
      g_prefix_error (&key_error, "Not sent: ");
      g_assert_cmpstr (sc_settings_error_get_key (key_error), ==, bad[i].key);

      hint = sc_error_hint_for_error (key_error, settings);
      g_assert_nonnull (hint);
      g_assert_cmpint (hint->field, ==, bad[i].field);

      /* sc_settings_validate_key () says the same. */
      g_clear_error (&error);
      g_assert_false (sc_settings_validate_key (settings, bad[i].property, &error));
      g_assert_cmpstr (sc_settings_error_get_key (error), ==, bad[i].key);
    }

  /* Other errors have no key. */
  {
    g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

    g_assert_null (sc_settings_error_get_key (other));
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Real errors from the engine                                                                */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  ScTestServer    *server;
  char            *dir;
  ScSettingsStore *store;
} Env;

static Env *
env_new (const ScTestServerOptions *options)
{
  Env *env = g_new0 (Env, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;

  env->server = sc_test_server_start (options, &error);
  g_assert_no_error (error);
  env->dir = sc_test_make_tmpdir ();
  sc_test_write_settings (env->server, env->dir, NULL, "Hints", "Body\n");

  directory = g_file_new_for_path (env->dir);
  env->store = sc_settings_store_new (directory);
  g_assert_true (sc_settings_store_load (env->store, NULL, &error));
  g_assert_no_error (error);

  return env;
}

static void
env_free (Env *env)
{
  g_clear_object (&env->store);
  sc_test_rm_rf (env->dir);
  g_free (env->dir);
  sc_test_server_stop (env->server);
  g_free (env);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Env, env_free)

/* Sends with @settings, which must fail with @domain and @code; returns the hint for it. */
static ScErrorHint *
send_and_hint (ScSettings *settings,
               GQuark      domain,
               int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScMessage) message = sc_message_new_from_settings (settings, NULL, &error);
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(ScSendResult) result = NULL;
  ScErrorHint *hint;

  g_assert_no_error (error);
  session = sc_smtp_session_new (settings);
  result = sc_smtp_session_send_sync (session, message, NULL, &error);
  g_test_message ("%s", error != NULL ? error->message : "(sent)");
  g_assert_null (result);
  g_assert_error (error, domain, code);

  hint = sc_error_hint_for_error (error, settings);
  g_assert_nonnull (hint);
  g_test_message ("hint: field %d, %s", hint->field, hint->text != NULL ? hint->text : "-");

  return hint;
}

/* TLS from the start against a port that speaks plain SMTP first (STARTTLS, or no TLS). */
static void
test_real_tls_on_plain_port (void)
{
  static const ScTestServerMode modes[] = { SC_TEST_SERVER_STARTTLS, SC_TEST_SERVER_PLAIN };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      ScTestServerOptions options = { .mode = modes[i] };
      g_autoptr(Env) env = env_new (&options);
      ScSettings *settings = sc_settings_store_get_settings (env->store);
      g_autoptr(ScErrorHint) hint = NULL;

      g_object_set (settings, "security", SC_SECURITY_TLS, NULL);
      hint = send_and_hint (settings, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS);
      g_assert_cmpint (hint->field, ==, SC_FIELD_SECURITY);
      g_assert_nonnull (strstr (hint->text, "STARTTLS"));
    }
}

/* STARTTLS, or no encryption, against a port that waits for a TLS handshake: the server says
 * nothing, and the error is told apart from other time-outs. */
static void
test_real_plain_on_tls_port (void)
{
  static const ScSecurity securities[] = { SC_SECURITY_STARTTLS, SC_SECURITY_NONE };

  for (guint i = 0; i < G_N_ELEMENTS (securities); i++)
    {
      ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
      g_autoptr(Env) env = env_new (&options);
      ScSettings *settings = sc_settings_store_get_settings (env->store);
      g_autoptr(ScErrorHint) hint = NULL;

      g_object_set (settings, "security", securities[i], "timeout-seconds", 1u, NULL);
      hint = send_and_hint (settings, SC_SMTP_ERROR, SC_SMTP_ERROR_NO_GREETING);
      g_assert_cmpint (hint->field, ==, SC_FIELD_SECURITY);
      g_assert_nonnull (strstr (hint->text, "TLS"));
    }
}

/* No encryption against a server that offers AUTH only after STARTTLS. */
static void
test_real_plain_on_starttls_port (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  g_autoptr(Env) env = env_new (&options);
  ScSettings *settings = sc_settings_store_get_settings (env->store);
  g_autoptr(ScErrorHint) hint = NULL;

  g_object_set (settings, "security", SC_SECURITY_NONE, NULL);
  hint = send_and_hint (settings, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_UNAVAILABLE);
  g_assert_cmpint (hint->field, ==, SC_FIELD_SECURITY);
  g_assert_nonnull (strstr (hint->text, "STARTTLS"));
}

/* A server that does not offer STARTTLS, with security "starttls". */
static void
test_real_starttls_not_offered (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS_NOT_OFFERED };
  g_autoptr(Env) env = env_new (&options);
  ScSettings *settings = sc_settings_store_get_settings (env->store);
  g_autoptr(ScErrorHint) hint = NULL;

  hint = send_and_hint (settings, SC_SMTP_ERROR, SC_SMTP_ERROR_STARTTLS_UNAVAILABLE);
  g_assert_cmpint (hint->field, ==, SC_FIELD_SECURITY);
}

static void
test_real_wrong_password (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  g_autoptr(Env) env = env_new (&options);
  ScSettings *settings = sc_settings_store_get_settings (env->store);
  g_autoptr(ScErrorHint) hint = NULL;

  g_object_set (settings, "password", "wrong-password", NULL);
  hint = send_and_hint (settings, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_FAILED);
  g_assert_cmpint (hint->field, ==, SC_FIELD_PASSWORD);
  g_assert_nonnull (strstr (hint->text, "password"));
  g_assert_null (strstr (hint->text, "wrong-password"));
}

/* A port that was free a moment ago and has no listener. */
static void
test_real_refused_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(ScSettings) settings = sc_settings_new (directory);
  const char * const to[] = { "maria@example.test", NULL };
  g_autoptr(ScErrorHint) hint = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  sc_test_write_file (dir, "body.txt", "Body\n", -1);
  g_object_set (settings, "smtp-host", "127.0.0.1", "smtp-port", (guint) port,
                "security", SC_SECURITY_TLS, "timeout-seconds", 5u,
                "login", SC_TEST_LOGIN, "password", SC_TEST_PASSWORD, "recipients", to,
                "subject", "S", "message-file-path", "body.txt", NULL);

  hint = send_and_hint (settings, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_cmpint (hint->field, ==, SC_FIELD_PORT);
  g_assert_nonnull (strstr (hint->text, "465"));
  g_assert_nonnull (strstr (hint->text, "587"));
  g_assert_nonnull (strstr (hint->text, "25"));

  sc_test_rm_rf (dir);
}

static void
test_real_untrusted_certificate (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .untrusted_cert = TRUE };
  g_autoptr(Env) env = env_new (&options);
  ScSettings *settings = sc_settings_store_get_settings (env->store);
  g_autoptr(ScErrorHint) hint = NULL;

  hint = send_and_hint (settings, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_cmpint (hint->field, ==, SC_FIELD_CERTIFICATE);
  g_assert_null (hint->text);
}

static void
test_real_recipients_refused (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS,
                                  .refuse_recipient = "nobody@example.com" };
  g_autoptr(Env) env = env_new (&options);
  ScSettings *settings = sc_settings_store_get_settings (env->store);
  const char * const to[] = { "nobody@example.com", NULL };
  g_autoptr(ScErrorHint) hint = NULL;

  g_object_set (settings, "recipients", to, NULL);
  hint = send_and_hint (settings, SC_SMTP_ERROR, SC_SMTP_ERROR_RECIPIENTS_REFUSED);
  g_assert_cmpint (hint->field, ==, SC_FIELD_RECIPIENTS);
}

static void
test_real_too_large (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .data_size_limit = 20000 };
  g_autoptr(Env) env = env_new (&options);
  ScSettings *settings = sc_settings_store_get_settings (env->store);
  g_autofree char *attachments = g_build_filename (env->dir, "attachments", NULL);
  g_autofree char *big = g_strnfill (40000, 'x');
  g_autoptr(ScErrorHint) hint = NULL;

  sc_test_write_file (attachments, "big.txt", big, -1);
  hint = send_and_hint (settings, SC_SMTP_ERROR, SC_SMTP_ERROR_MESSAGE_TOO_LARGE);
  g_assert_cmpint (hint->field, ==, SC_FIELD_ATTACHMENTS);
  g_assert_nonnull (hint->text);
}

/* The shipped example server: refused before anything connects (nothing listens for it, and
 * the error comes at once), with the host marked. */
static void
test_real_example_server (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  g_autoptr(Env) env = env_new (&options);
  ScSettings *settings = sc_settings_store_get_settings (env->store);
  g_autoptr(ScErrorHint) hint = NULL;

  g_object_set (settings, "smtp-host", SC_SETTINGS_EXAMPLE_HOST, NULL);
  hint = send_and_hint (settings, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_EXAMPLE_SERVER);
  g_assert_cmpint (hint->field, ==, SC_FIELD_HOST);
  g_assert_nonnull (hint->text);
}

/* ------------------------------------------------------------------------------------------ */
/* Real replies from a scripted server: refusals the test server does not make                */
/* ------------------------------------------------------------------------------------------ */

/* A one-connection SMTP server on 127.0.0.1 that answers each command with a fixed reply. */
typedef struct
{
  GSocket    *listener;
  guint16     port;
  const char *auth_reply;   /* to AUTH */
  const char *mail_reply;   /* to MAIL FROM */
  const char *data_reply;   /* after the message's final dot */
  GThread    *thread;
} Scripted;

static char *
read_line (GDataInputStream *in)
{
  char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

  if (line != NULL && line[0] != '\0' && line[strlen (line) - 1] == '\r')
    line[strlen (line) - 1] = '\0';

  return line;
}

static gpointer
scripted_thread (gpointer user_data)
{
  Scripted *server = user_data;
  g_autoptr(GSocket) socket = g_socket_accept (server->listener, NULL, NULL);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  GOutputStream *out;
  const char *reply = "220 scripted ESMTP\r\n";

  g_assert_nonnull (socket);
  connection = g_socket_connection_factory_create_connection (socket);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  while (reply != NULL &&
         g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL))
    {
      g_autofree char *line = read_line (in);

      if (line == NULL)
        break;
      if (g_ascii_strncasecmp (line, "EHLO", 4) == 0)
        reply = "250-scripted\r\n250 AUTH PLAIN LOGIN\r\n";
      else if (g_ascii_strncasecmp (line, "AUTH", 4) == 0)
        reply = server->auth_reply;
      else if (g_ascii_strncasecmp (line, "MAIL", 4) == 0)
        reply = server->mail_reply;
      else if (g_ascii_strncasecmp (line, "RCPT", 4) == 0 ||
               g_ascii_strncasecmp (line, "RSET", 4) == 0)
        reply = "250 2.0.0 OK\r\n";
      else if (g_ascii_strncasecmp (line, "DATA", 4) == 0)
        {
          char *data_line;

          if (!g_output_stream_write_all (out, "354 go ahead\r\n", 14, NULL, NULL, NULL))
            break;
          while ((data_line = read_line (in)) != NULL && !g_str_equal (data_line, "."))
            g_free (data_line);
          if (data_line == NULL)
            break;
          g_free (data_line);
          reply = server->data_reply;
        }
      else if (g_ascii_strncasecmp (line, "QUIT", 4) == 0)
        {
          g_output_stream_write_all (out, "221 2.0.0 bye\r\n", 15, NULL, NULL, NULL);
          break;
        }
      else
        reply = "500 5.5.1 unknown command\r\n";
    }

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return NULL;
}

static Scripted *
scripted_start (const char *auth_reply,
                const char *mail_reply,
                const char *data_reply)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  Scripted *server = g_new0 (Scripted, 1);

  server->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                   G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (server->listener, address, TRUE, &error));
  g_assert_true (g_socket_listen (server->listener, &error));
  bound = g_socket_get_local_address (server->listener, &error);
  g_assert_no_error (error);
  /* Bounds accept () and every read and write. */
  g_socket_set_timeout (server->listener, 15);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  server->auth_reply = auth_reply;
  server->mail_reply = mail_reply;
  server->data_reply = data_reply;
  server->thread = g_thread_new ("scripted", scripted_thread, server);

  return server;
}

static void
scripted_finish (Scripted *server)
{
  g_thread_join (server->thread);
  g_socket_close (server->listener, NULL);
  g_object_unref (server->listener);
  g_free (server);
}

typedef struct
{
  const char *name;
  const char *auth_reply;
  const char *mail_reply;
  const char *data_reply;
  int         code;        /* of SC_SMTP_ERROR */
  ScField     field;
  const char *text;        /* in the hint */
} ScriptedCase;

#define AUTH_OK "235 2.7.0 Authentication successful\r\n"
#define MAIL_OK "250 2.1.0 OK\r\n"

static const ScriptedCase scripted_cases[] = {
  { "5.7.139", "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.\r\n",
    MAIL_OK, NULL, SC_SMTP_ERROR_AUTH_FAILED, SC_FIELD_PASSWORD, "OAuth2" },
  { "multi-line-535", "535-5.7.8 Username and Password not accepted. For more information,\r\n"
    "535 5.7.8 go to the help pages.\r\n", MAIL_OK, NULL, SC_SMTP_ERROR_AUTH_FAILED,
    SC_FIELD_PASSWORD, "password" },
  { "sender-not-owned", AUTH_OK,
    "553 5.7.1 <sender@example.com>: Sender address rejected: not owned by user "
    "sender@example.com\r\n", NULL, SC_SMTP_ERROR_SENDER_REFUSED, SC_FIELD_LOGIN,
    "login must be the sender" },
  { "530-5.7.7", AUTH_OK, "530 5.7.7 Encryption required\r\n", NULL,
    SC_SMTP_ERROR_SENDER_REFUSED, SC_FIELD_SECURITY, "STARTTLS" },
  { "must-issue-starttls", AUTH_OK, "530 5.7.0 Must issue a STARTTLS command first\r\n", NULL,
    SC_SMTP_ERROR_SENDER_REFUSED, SC_FIELD_SECURITY, "STARTTLS" },
  { "552-after-data", AUTH_OK, MAIL_OK,
    "552 5.3.4 Message size exceeds fixed maximum message size\r\n",
    SC_SMTP_ERROR_MESSAGE_REFUSED, SC_FIELD_ATTACHMENTS, "attachments" },
};

/* The engine's own error for a real reply (a multi-line one too) gets the hint of its row. */
static void
test_scripted (gconstpointer data)
{
  const ScriptedCase *c = data;
  Scripted *server = scripted_start (c->auth_reply, c->mail_reply, c->data_reply);
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(ScSettings) settings = sc_settings_new (directory);
  const char * const to[] = { "maria@example.test", NULL };
  g_autoptr(ScErrorHint) hint = NULL;

  sc_test_write_file (dir, "body.txt", "Body\n", -1);
  g_object_set (settings, "smtp-host", "127.0.0.1", "smtp-port", (guint) server->port,
                "security", SC_SECURITY_NONE, "timeout-seconds", 10u,
                "login", SC_TEST_LOGIN, "password", SC_TEST_PASSWORD, "recipients", to,
                "subject", "S", "message-file-path", "body.txt", NULL);

  hint = send_and_hint (settings, SC_SMTP_ERROR, c->code);
  g_assert_cmpint (hint->field, ==, c->field);
  g_assert_nonnull (hint->text);
  g_assert_nonnull (strstr (hint->text, c->text));

  scripted_finish (server);
  sc_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hints/table/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_table);
    }
  g_test_add_func ("/hints/field-for-key", test_field_for_key);
  g_test_add_func ("/hints/settings-errors", test_settings_errors);
  g_test_add_func ("/hints/real/tls-on-plain-port", test_real_tls_on_plain_port);
  g_test_add_func ("/hints/real/plain-on-tls-port", test_real_plain_on_tls_port);
  g_test_add_func ("/hints/real/plain-on-starttls-port", test_real_plain_on_starttls_port);
  g_test_add_func ("/hints/real/starttls-not-offered", test_real_starttls_not_offered);
  g_test_add_func ("/hints/real/wrong-password", test_real_wrong_password);
  g_test_add_func ("/hints/real/refused-port", test_real_refused_port);
  g_test_add_func ("/hints/real/untrusted-certificate", test_real_untrusted_certificate);
  g_test_add_func ("/hints/real/recipients-refused", test_real_recipients_refused);
  g_test_add_func ("/hints/real/too-large", test_real_too_large);
  g_test_add_func ("/hints/real/example-server", test_real_example_server);
  for (guint i = 0; i < G_N_ELEMENTS (scripted_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hints/scripted/%s", scripted_cases[i].name);

      g_test_add_data_func (path, &scripted_cases[i], test_scripted);
    }

  return g_test_run ();
}

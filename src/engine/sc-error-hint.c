/* sc-error-hint.c — from what went wrong to what to do about it: the one table of hints
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sc-error-hint.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sc-error.h"
#include "sc-provider.h"

#define ANY_CODE (-1)

typedef enum
{
  TEXT_PLAIN,              /* the rule's text as it is */
  TEXT_PROVIDER,           /* the known provider's advice (sc_provider_get_advice ()) if there
                            * is one for the server, else the rule's text */
  TEXT_NO_PASSWORD_LOGIN,  /* the advice of the provider that refuses password logins */
  TEXT_FOR_SECURITY,       /* the rule's text for security "tls", text_other for the others */
} TextKind;

typedef struct
{
  GQuark      (*domain) (void);
  int           code;          /* ANY_CODE: every code of the domain */
  guint         reply_code;    /* 0: any; else the SMTP reply code quoted in the message */
  const char   *status;        /* NULL: any; else the enhanced status code quoted ("5.7.139") */
  const char   *reply_text;    /* NULL: any; else words of the quoted reply, case ignored */
  ScField       field;
  TextKind      text_kind;
  const char   *text;          /* N_(): one sentence, or NULL */
  const char   *text_other;    /* TEXT_FOR_SECURITY: for "starttls" and "none" */
} HintRule;

/* GLib's quark functions are macros or take no arguments alike: wrap those that are not
 * plain functions. */
static GQuark
io_error_quark (void)
{
  return G_IO_ERROR;
}

static GQuark
tls_error_quark (void)
{
  return G_TLS_ERROR;
}

static GQuark
resolver_error_quark (void)
{
  return G_RESOLVER_ERROR;
}

#define USUAL_PORTS \
  N_("Check the server's name and port: mail servers usually take TLS on port 465, STARTTLS " \
     "on port 587, or plain SMTP on port 25.")

/* The one table: the first rule that matches decides. The server's own refusals come first,
 * by what their reply says, then by the engine's error codes. */
static const HintRule rules[] = {
  /* Microsoft: "535 5.7.139 Authentication unsuccessful, basic authentication is disabled". */
  { sc_smtp_error_quark, ANY_CODE, 0, "5.7.139", NULL,
    SC_FIELD_PASSWORD, TEXT_NO_PASSWORD_LOGIN,
    N_("The provider has turned off logins with a password for this account.") },
  /* "530 5.7.0 Must issue a STARTTLS command first", "530 5.7.7 Encryption required",
   * "538 5.7.11 Encryption required for requested authentication mechanism". */
  { sc_smtp_error_quark, ANY_CODE, 0, "5.7.7", NULL,
    SC_FIELD_SECURITY, TEXT_PLAIN,
    N_("The server requires encryption: set the security to STARTTLS, or to TLS on port "
       "465.") },
  { sc_smtp_error_quark, ANY_CODE, 538, NULL, NULL,
    SC_FIELD_SECURITY, TEXT_PLAIN,
    N_("The server requires encryption: set the security to STARTTLS, or to TLS on port "
       "465.") },
  { sc_smtp_error_quark, ANY_CODE, 530, NULL, "STARTTLS",
    SC_FIELD_SECURITY, TEXT_PLAIN,
    N_("The server requires encryption: set the security to STARTTLS, or to TLS on port "
       "465.") },
  /* Yandex: "553 5.7.1 Sender address rejected: not owned by auth user." */
  { sc_smtp_error_quark, SC_SMTP_ERROR_SENDER_REFUSED, 0, NULL, "not owned",
    SC_FIELD_LOGIN, TEXT_PLAIN,
    N_("The server sends mail only from the address you log in with: the login must be the "
       "sender's address.") },
  { sc_smtp_error_quark, SC_SMTP_ERROR_SENDER_REFUSED, 0, "5.7.1", NULL,
    SC_FIELD_LOGIN, TEXT_PLAIN,
    N_("The server sends mail only from the address you log in with: the login must be the "
       "sender's address.") },
  { sc_smtp_error_quark, SC_SMTP_ERROR_SENDER_REFUSED, 0, NULL, NULL,
    SC_FIELD_LOGIN, TEXT_PLAIN, NULL },
  /* "552 5.3.4 Message size exceeds fixed limit" after the message */
  { sc_smtp_error_quark, SC_SMTP_ERROR_MESSAGE_REFUSED, 552, NULL, NULL,
    SC_FIELD_ATTACHMENTS, TEXT_PLAIN,
    N_("The message is larger than the server accepts: remove attachments or send them in "
       "several messages.") },
  { sc_smtp_error_quark, SC_SMTP_ERROR_MESSAGE_REFUSED, 0, "5.3.4", NULL,
    SC_FIELD_ATTACHMENTS, TEXT_PLAIN,
    N_("The message is larger than the server accepts: remove attachments or send them in "
       "several messages.") },
  { sc_smtp_error_quark, SC_SMTP_ERROR_MESSAGE_TOO_LARGE, 0, NULL, NULL,
    SC_FIELD_ATTACHMENTS, TEXT_PLAIN,
    N_("The message is larger than the server accepts: remove attachments or send them in "
       "several messages.") },
  { sc_smtp_error_quark, SC_SMTP_ERROR_AUTH_FAILED, 0, NULL, NULL,
    SC_FIELD_PASSWORD, TEXT_PROVIDER,
    N_("Check the login and the password.") },
  /* Security "none" against a server that offers AUTH only after STARTTLS. */
  { sc_smtp_error_quark, SC_SMTP_ERROR_AUTH_UNAVAILABLE, 0, NULL, NULL,
    SC_FIELD_SECURITY, TEXT_PLAIN,
    N_("The server may offer to log in only over an encrypted connection: set the security "
       "to STARTTLS, or to TLS on port 465.") },
  { sc_smtp_error_quark, SC_SMTP_ERROR_STARTTLS_UNAVAILABLE, 0, NULL, NULL,
    SC_FIELD_SECURITY, TEXT_PLAIN,
    N_("This port offers no STARTTLS: set the security to TLS, usually on port 465.") },
  { sc_smtp_error_quark, SC_SMTP_ERROR_INSECURE, 0, NULL, NULL,
    SC_FIELD_SECURITY, TEXT_PLAIN,
    N_("Set the security to TLS or STARTTLS: without encryption only a server on this "
       "computer is allowed.") },
  /* Security "starttls" or "none" on a port that expects TLS from the start. */
  { sc_smtp_error_quark, SC_SMTP_ERROR_NO_GREETING, 0, NULL, NULL,
    SC_FIELD_SECURITY, TEXT_PLAIN,
    N_("The server waits for a TLS handshake on this port: set the security to TLS.") },
  { sc_smtp_error_quark, SC_SMTP_ERROR_RECIPIENTS_REFUSED, 0, NULL, NULL,
    SC_FIELD_RECIPIENTS, TEXT_PLAIN,
    N_("Check the recipients' addresses.") },
  { sc_smtp_error_quark, SC_SMTP_ERROR_SMTPUTF8_UNAVAILABLE, 0, NULL, NULL,
    SC_FIELD_RECIPIENTS, TEXT_PLAIN, NULL },

  /* The TLS layer */
  { tls_error_quark, G_TLS_ERROR_NOT_TLS, 0, NULL, NULL,
    SC_FIELD_SECURITY, TEXT_FOR_SECURITY,
    N_("The server does not speak TLS from the start on this port: set the security to "
       "STARTTLS (ports 587 and 25), or use port 465 for TLS."),
    N_("The server did not accept the TLS handshake: check the port and the security "
       "setting.") },
  /* Untrusted, changed or wrong-name certificate: the window shows it and offers to trust it
   * (the certificate says which names it holds), so no sentence here. */
  { tls_error_quark, G_TLS_ERROR_BAD_CERTIFICATE, 0, NULL, NULL,
    SC_FIELD_CERTIFICATE, TEXT_PLAIN, NULL },

  /* Connecting */
  { io_error_quark, G_IO_ERROR_CONNECTION_REFUSED, 0, NULL, NULL,
    SC_FIELD_PORT, TEXT_PLAIN, USUAL_PORTS },
  { io_error_quark, G_IO_ERROR_HOST_UNREACHABLE, 0, NULL, NULL,
    SC_FIELD_HOST, TEXT_PLAIN, USUAL_PORTS },
  { io_error_quark, G_IO_ERROR_NETWORK_UNREACHABLE, 0, NULL, NULL,
    SC_FIELD_HOST, TEXT_PLAIN,
    N_("Check that this computer is connected to the network, then the server's name.") },
  { io_error_quark, G_IO_ERROR_HOST_NOT_FOUND, 0, NULL, NULL,
    SC_FIELD_HOST, TEXT_PLAIN, USUAL_PORTS },
  { resolver_error_quark, G_RESOLVER_ERROR_NOT_FOUND, 0, NULL, NULL,
    SC_FIELD_HOST, TEXT_PLAIN,
    N_("No server has this name: check the spelling of the server's name.") },
  { resolver_error_quark, ANY_CODE, 0, NULL, NULL,
    SC_FIELD_HOST, TEXT_PLAIN,
    N_("The server's name could not be looked up: check the network and the name.") },
  { io_error_quark, G_IO_ERROR_TIMED_OUT, 0, NULL, NULL,
    SC_FIELD_TIMEOUT, TEXT_PLAIN,
    N_("The server did not answer in time: check the server's name and port, or allow a "
       "longer time-out.") },

  /* The settings: SC_SETTINGS_ERROR_INVALID goes to the field of its key (see below). */
  { sc_settings_error_quark, SC_SETTINGS_ERROR_EXAMPLE_SERVER, 0, NULL, NULL,
    SC_FIELD_HOST, TEXT_PLAIN,
    N_("Set up your account: pick your provider or enter its server, then your login and "
       "password.") },

  /* The message */
  { sc_message_error_quark, SC_MESSAGE_ERROR_BODY, 0, NULL, NULL,
    SC_FIELD_BODY, TEXT_PLAIN, NULL },
  { sc_message_error_quark, SC_MESSAGE_ERROR_ATTACHMENT, 0, NULL, NULL,
    SC_FIELD_ATTACHMENTS, TEXT_PLAIN, NULL },
  { sc_message_error_quark, SC_MESSAGE_ERROR_HEADER, 0, NULL, NULL,
    SC_FIELD_SUBJECT, TEXT_PLAIN, NULL },
};

typedef struct
{
  const char *name;
  ScField     field;
} KeyField;

/* Each settings key (its JSON name and its property name) and the field it is shown in. */
static const KeyField key_fields[] = {
  { "smtp_host", SC_FIELD_HOST },
  { "smtp-host", SC_FIELD_HOST },
  { "smtp_port", SC_FIELD_PORT },
  { "smtp-port", SC_FIELD_PORT },
  { "security", SC_FIELD_SECURITY },
  { "ca_file", SC_FIELD_CA_FILE },
  { "ca-file", SC_FIELD_CA_FILE },
  { "tls_fingerprint", SC_FIELD_CERTIFICATE },
  { "tls-fingerprint", SC_FIELD_CERTIFICATE },
  { "timeout_seconds", SC_FIELD_TIMEOUT },
  { "timeout-seconds", SC_FIELD_TIMEOUT },
  { "login", SC_FIELD_LOGIN },
  { "password", SC_FIELD_PASSWORD },
  { "to_addrs", SC_FIELD_RECIPIENTS },
  { "recipients", SC_FIELD_RECIPIENTS },
  { "cc_addrs", SC_FIELD_RECIPIENTS },
  { "cc-recipients", SC_FIELD_RECIPIENTS },
  { "bcc_addrs", SC_FIELD_RECIPIENTS },
  { "bcc-recipients", SC_FIELD_RECIPIENTS },
  { "subject", SC_FIELD_SUBJECT },
  { "message_file_path", SC_FIELD_BODY },
  { "message-file-path", SC_FIELD_BODY },
  { "attachment_folder_path", SC_FIELD_ATTACHMENTS },
  { "attachment-folder-path", SC_FIELD_ATTACHMENTS },
  { "attachment_paths", SC_FIELD_ATTACHMENTS },
  { "attachment-paths", SC_FIELD_ATTACHMENTS },
  { "excluded_attachments", SC_FIELD_ATTACHMENTS },
  { "excluded-attachments", SC_FIELD_ATTACHMENTS },
};

/**
 * sc_field_for_settings_key:
 * @json_name: (nullable): a settings key, as its JSON name ("smtp_port") or its property name
 *   ("smtp-port")
 *
 * Returns: the field the key is shown in; %SC_FIELD_NONE for an unknown key
 */
ScField
sc_field_for_settings_key (const char *json_name)
{
  for (guint i = 0; json_name != NULL && i < G_N_ELEMENTS (key_fields); i++)
    if (g_str_equal (json_name, key_fields[i].name))
      return key_fields[i].field;

  return SC_FIELD_NONE;
}

/* The server's reply quoted in @message: its code ("535") and enhanced status code ("5.7.8"),
 * the first ones found. A reply code stands alone, not in an address or a number
 * ("127.0.0.1:465"). */
static void
find_reply_codes (const char  *message,
                  guint       *out_reply_code,
                  char       **out_status)
{
  static GRegex *reply_regex = NULL;
  static GRegex *status_regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;

  if (g_once_init_enter (&reply_regex))
    g_once_init_leave (&reply_regex,
                       g_regex_new ("(?<![\\w.:\\-])([2-5][0-9][0-9])(?=[ -][^0-9]|[ -][245]\\."
                                    "|$)", G_REGEX_OPTIMIZE, 0, NULL));
  if (g_once_init_enter (&status_regex))
    g_once_init_leave (&status_regex,
                       g_regex_new ("(?<![\\w.:\\-])[245]\\.[0-9]{1,3}\\.[0-9]{1,3}(?![\\w.])",
                                    G_REGEX_OPTIMIZE, 0, NULL));

  *out_reply_code = 0;
  *out_status = NULL;

  if (g_regex_match (reply_regex, message, 0, &match))
    {
      g_autofree char *code = g_match_info_fetch (match, 1);

      *out_reply_code = (guint) g_ascii_strtoull (code, NULL, 10);
    }
  g_clear_pointer (&match, g_match_info_free);

  if (g_regex_match (status_regex, message, 0, &match))
    *out_status = g_match_info_fetch (match, 0);
}

static gboolean
contains_words (const char *message,
                const char *words)
{
  g_autofree char *haystack = g_utf8_casefold (message, -1);
  g_autofree char *needle = g_utf8_casefold (words, -1);

  return strstr (haystack, needle) != NULL;
}

static const char *
rule_text (const HintRule *rule,
           ScSettings     *settings)
{
  const char *host = settings != NULL ? sc_settings_get_smtp_host (settings) : NULL;
  const ScProvider *provider;
  const ScProvider *all;
  guint n;

  switch (rule->text_kind)
    {
    case TEXT_PROVIDER:
      provider = sc_provider_lookup_host (host);
      if (provider != NULL && sc_provider_get_advice (provider) != NULL)
        return sc_provider_get_advice (provider);
      break;

    case TEXT_NO_PASSWORD_LOGIN:
      all = sc_provider_get_all (&n);
      for (guint i = 0; i < n; i++)
        if (all[i].password_login_unsupported)
          return sc_provider_get_advice (&all[i]);
      break;

    case TEXT_FOR_SECURITY:
      if (settings != NULL && sc_settings_get_security (settings) != SC_SECURITY_TLS)
        return rule->text_other != NULL ? _(rule->text_other) : NULL;
      break;

    case TEXT_PLAIN:
    default:
      break;
    }

  return rule->text != NULL ? _(rule->text) : NULL;
}

static ScErrorHint *
hint_new (ScField     field,
          const char *text)
{
  ScErrorHint *hint = g_new0 (ScErrorHint, 1);

  hint->field = field;
  hint->text = g_strdup (text);

  return hint;
}

/**
 * sc_error_hint_for_error:
 * @error: what went wrong, from the engine (settings, message, connection, server)
 * @settings: (nullable): the settings it happened with: the server tells the known provider
 *   (sc_provider_lookup_host ()), the security which way round a TLS mix-up is
 *
 * Looks @error up in the one table of hints: by its domain and code, and for a refusal by the
 * server by the reply code, enhanced status code and words of the reply quoted in the message.
 * A settings error points at the field of its key (sc_settings_error_get_key ()).
 *
 * Returns: (transfer full) (nullable): the field to mark and what to do, or %NULL when no rule
 *   knows the error (a cancellation, for one)
 */
ScErrorHint *
sc_error_hint_for_error (const GError *error,
                         ScSettings   *settings)
{
  g_autofree char *status = NULL;
  guint reply_code;

  g_return_val_if_fail (error != NULL, NULL);
  g_return_val_if_fail (settings == NULL || SC_IS_SETTINGS (settings), NULL);

  if (error->domain == SC_SMTP_ERROR)
    find_reply_codes (error->message, &reply_code, &status);
  else
    reply_code = 0;

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      const HintRule *rule = &rules[i];

      if (error->domain != rule->domain ()
          || (rule->code != ANY_CODE && rule->code != error->code)
          || (rule->reply_code != 0 && rule->reply_code != reply_code)
          || (rule->status != NULL && g_strcmp0 (rule->status, status) != 0)
          || (rule->reply_text != NULL && !contains_words (error->message, rule->reply_text)))
        continue;

      return hint_new (rule->field, rule_text (rule, settings));
    }

  if (error->domain == SC_SETTINGS_ERROR)
    {
      ScField field = sc_field_for_settings_key (sc_settings_error_get_key (error));

      if (field != SC_FIELD_NONE)
        return hint_new (field, NULL);
    }

  return NULL;
}

/**
 * sc_error_hint_free:
 * @hint: (nullable): a hint
 */
void
sc_error_hint_free (ScErrorHint *hint)
{
  if (hint == NULL)
    return;

  g_free (hint->text);
  g_free (hint);
}

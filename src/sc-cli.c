/* sc-cli.c — smtp-client --send, --test-connection and the outbox: read the settings, send or
 * test, report
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-cli"

#include "config.h"

#include "sc-cli.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sc-error.h"
#include "sc-message.h"
#include "sc-outbox.h"
#include "sc-settings-store.h"
#include "sc-settings.h"
#include "sc-smtp-session.h"
#include "sc-util.h"

/* ------------------------------------------------------------------------------------------
 * Exit codes: the one table that maps errors to them
 * ------------------------------------------------------------------------------------------ */

#define ANY_CODE (-1)

typedef struct
{
  GQuark     (*domain) (void);
  int          code;          /* ANY_CODE: every code of the domain */
  ScExitCode   exit_code;
} ScExitRule;

static const ScExitRule exit_rules[] = {
  /* Settings, body and attachment errors before sending are always SC_EXIT_USAGE. */
  { sc_settings_error_quark, ANY_CODE,                           SC_EXIT_USAGE      },
  { sc_message_error_quark,  ANY_CODE,                           SC_EXIT_USAGE      },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_STARTTLS_UNAVAILABLE, SC_EXIT_CONNECTION },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_INSECURE,             SC_EXIT_CONNECTION },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_PROTOCOL,             SC_EXIT_CONNECTION },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_DELIVERY_UNCERTAIN,   SC_EXIT_CONNECTION },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_AUTH_UNAVAILABLE,     SC_EXIT_AUTH       },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_AUTH_FAILED,          SC_EXIT_AUTH       },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_SENDER_REFUSED,       SC_EXIT_REFUSED    },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_RECIPIENTS_REFUSED,   SC_EXIT_REFUSED    },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_MESSAGE_REFUSED,      SC_EXIT_REFUSED    },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_MESSAGE_TOO_LARGE,    SC_EXIT_REFUSED    },
  /* Connecting, time-outs, a lost connection, TLS and the certificate */
  { g_io_error_quark,        ANY_CODE,                           SC_EXIT_CONNECTION },
  { g_tls_error_quark,       ANY_CODE,                           SC_EXIT_CONNECTION },
  { g_resolver_error_quark,  ANY_CODE,                           SC_EXIT_CONNECTION },
};

/* Anything else while talking to the server is a connection problem too. */
static ScExitCode
exit_code_for_error (const GError *error)
{
  for (guint i = 0; i < G_N_ELEMENTS (exit_rules); i++)
    {
      const ScExitRule *rule = &exit_rules[i];

      if (error->domain == rule->domain ()
          && (rule->code == ANY_CODE || rule->code == error->code))
        return rule->exit_code;
    }

  return SC_EXIT_CONNECTION;
}

/* ------------------------------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------------------------------ */

static void
print_error_line (const char *message)
{
  /* Translators: the program name, then one error message */
  g_printerr (_("smtp-client: %s\n"), message);
}

static int
usage_error (const char *message)
{
  print_error_line (message);
  g_printerr (_("Try “%s --help” for more information.\n"), g_get_prgname ());
  return SC_EXIT_USAGE;
}

/* Settings, body and attachment problems, whatever their error domain. */
static int
report_usage_error (const GError *error)
{
  print_error_line (error->message);
  return SC_EXIT_USAGE;
}

/* "2026-12-02 00:36 UTC"; "—" when unknown */
static char *
format_time (GDateTime *time)
{
  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M UTC") : g_strdup ("—");
}

/* What a certificate says, one line each, on @out (g_print or g_printerr). */
static void
print_certificate (ScCertificateInfo *info,
                   void             (*out) (const char *format, ...))
{
  g_autofree char *from = format_time (sc_certificate_info_get_not_before (info));
  g_autofree char *until = format_time (sc_certificate_info_get_not_after (info));
  g_autofree char *names = g_strjoinv (", ", (char **) sc_certificate_info_get_names (info));

  /* Translators: %s is a distinguished name, e.g. "CN=mail.example.com,O=Example" */
  out (_("Certificate subject: %s\n"), sc_certificate_info_get_subject (info));
  /* Translators: %s is a distinguished name, e.g. "CN=Example CA,O=Example" */
  out (_("Certificate issuer: %s\n"), sc_certificate_info_get_issuer (info));
  /* Translators: %s is a list of host names and addresses, e.g. "mail.example.com, 192.0.2.1" */
  out (_("Certificate names: %s\n"), names);
  /* Translators: the first %s and the second are dates and times, e.g. "2026-12-02 00:36 UTC" */
  out (_("Certificate valid from %s until %s\n"), from, until);
  /* Translators: %s is the fingerprint "AB:01:…" */
  out (_("Certificate SHA-256 fingerprint: %s\n"), sc_certificate_info_get_fingerprint (info));
}

/* Prints an error of a send (@testing FALSE) or of --test-connection and returns its exit
 * code. A refused certificate is described, with how to trust it. */
static int
report_send_error (const GError      *error,
                   ScCertificateInfo *certificate,
                   gboolean           testing)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      print_error_line (testing ? _("interrupted; the connection test did not finish")
                                : _("interrupted; the message was not sent"));
      return SC_EXIT_INTERRUPTED;
    }

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) && certificate != NULL)
    {
      print_error_line (error->message);
      print_certificate (certificate, g_printerr);
      g_printerr (_("If you have checked that this is the server’s certificate (compare the "
                    "fingerprint with the one your provider publishes), trust it by setting "
                    "\"tls_fingerprint\" in config.json to its fingerprint.\n"));
      return exit_code_for_error (error);
    }

  /* A delivery that is uncertain says so itself, once, also when interrupted after the end
   * of the message (then the error is not G_IO_ERROR_CANCELLED). */
  print_error_line (error->message);

  return exit_code_for_error (error);
}

/* Prints the result of a send and returns its exit code. */
static int
report_result (ScSendResult *result,
               guint         n_recipients)
{
  GPtrArray *refused = sc_send_result_get_refused (result);
  guint delivered;

  if (refused->len == 0)
    {
      g_print ("%s\n", _("Message sent successfully"));
      return SC_EXIT_OK;
    }

  for (guint i = 0; i < refused->len; i++)
    {
      ScRefusedRecipient *recipient = g_ptr_array_index (refused, i);
      g_autofree char *line = NULL;

      if (recipient->reply[0] == '4')
        /* Translators: a recipient address, then the SMTP server's reply (a 4xx: temporary) */
        line = g_strdup_printf (_("%s was temporarily refused: %s"), recipient->address,
                                recipient->reply);
      else
        /* Translators: a recipient address, then the SMTP server's reply */
        line = g_strdup_printf (_("%s was refused: %s"), recipient->address, recipient->reply);
      print_error_line (line);
    }

  delivered = n_recipients > refused->len ? n_recipients - refused->len : 0;
  /* Translators: e.g. "Message sent to 2 of 3 recipients" */
  g_print (ngettext ("Message sent to %u of %u recipient\n",
                     "Message sent to %u of %u recipients\n", n_recipients),
           delivered, n_recipients);

  return SC_EXIT_PARTIAL;
}

/* ------------------------------------------------------------------------------------------
 * Sending: send_async in a main loop, so that Ctrl+C can cancel
 * ------------------------------------------------------------------------------------------ */

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  ScSecret     *password;   /* kept out of the transcript */
  ScSendResult *result;
  GError       *error;
  ScConnectionReport *report;   /* --test-connection */
  char         *id;             /* the send's record in the outbox */
} ScCliSend;

static void
transcript_cb (ScSmtpSession *session,
               gboolean       outgoing,
               const char    *line,
               gpointer       user_data)
{
  ScCliSend *send = user_data;

  /* The engine redacts AUTH already; this is a second lock on the same door. */
  if (send->password != NULL && *send->password != '\0' && strstr (line, send->password) != NULL)
    line = "<redacted>";

  g_printerr ("%s %s\n", outgoing ? "C:" : "S:", line);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  ScCliSend *send = user_data;

  g_cancellable_cancel (send->cancellable);

  return G_SOURCE_CONTINUE;
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScCliSend *send = user_data;

  send->result = sc_outbox_send_finish (SC_OUTBOX (object), result, &send->id, &send->error);
  g_main_loop_quit (send->loop);
}

static void
retry_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ScCliSend *send = user_data;

  send->result = sc_outbox_retry_finish (SC_OUTBOX (object), result, &send->error);
  g_main_loop_quit (send->loop);
}

static void
test_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScCliSend *send = user_data;

  send->report = sc_smtp_session_test_connection_finish (SC_SMTP_SESSION (object), result,
                                                         &send->error);
  g_main_loop_quit (send->loop);
}

/* Runs @session in a main loop until it is done: sends @message (or, with @retry_id, the
 * outbox entry of that id) with the record of @outbox, or, with no @outbox, tests the
 * connection. Ctrl+C and SIGTERM cancel. Fills @send; the caller reports. */
static void
run_session (ScOutbox      *outbox,
          ScSmtpSession *session,
          ScMessage     *message,
          const char    *retry_id,
          gboolean       include_uncertain,
          gboolean       verbose,
          ScCliSend     *send)
{
  guint sigint_id;
  guint sigterm_id;

  if (verbose)
    g_signal_connect (session, "transcript", G_CALLBACK (transcript_cb), send);

  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, send);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, send);

  if (outbox == NULL)
    sc_smtp_session_test_connection_async (session, send->cancellable, test_cb, send);
  else if (retry_id != NULL)
    sc_outbox_retry_async (outbox, session, retry_id, include_uncertain, send->cancellable,
                           retry_cb, send);
  else
    sc_outbox_send_async (outbox, session, message, send->cancellable, send_cb, send);
  g_main_loop_run (send->loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handlers_disconnect_by_data (session, send);
}

/* Sends @message and returns its exit code, after printing the outcome. */
static int
send_message (ScSettings *settings,
              ScMessage  *message,
              gboolean    verbose)
{
  g_autoptr(ScOutbox) outbox = sc_outbox_new (NULL);
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (settings);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ScSecret) password = g_strdup (sc_settings_get_password (settings));
  ScCliSend send = { loop, cancellable, password, NULL, NULL, NULL, NULL };
  int status;

  run_session (outbox, session, message, NULL, FALSE, verbose, &send);

  if (send.result == NULL)
    {
      status = report_send_error (send.error, sc_smtp_session_get_peer_certificate (session),
                                  FALSE);
      /* Recorded: then it was kept in the outbox (unless even that failed, which was said) */
      if (send.id != NULL)
        {
          if (g_error_matches (send.error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN))
            /* Translators: the command line is an example: keep it as it is. */
            g_printerr ("%s\n", _("The message is kept in the outbox: if it does not arrive, "
                                   "“smtp-client --send-outbox --include-uncertain” sends it "
                                   "again."));
          else
            /* Translators: the command line is an example: keep it as it is. */
            g_printerr ("%s\n", _("The message is kept in the outbox: "
                                   "“smtp-client --send-outbox” sends it again."));
        }
    }
  else
    /* Sent: the message was prepared, and To, Cc and Bcc are in its envelope. */
    status = report_result (send.result,
                            g_strv_length ((char **) sc_message_get_envelope_recipients (message)));

  g_clear_pointer (&send.result, sc_send_result_unref);
  g_clear_error (&send.error);
  g_free (send.id);

  return status;
}

/* ------------------------------------------------------------------------------------------
 * --send-outbox, --list-sent, --list-outbox
 * ------------------------------------------------------------------------------------------ */

/* "“Subject” <message-id>" for one line about @entry */
static char *
describe_entry (ScOutboxEntry *entry)
{
  /* Translators: the first %s is a message's subject, the second its Message-ID */
  return g_strdup_printf (_("“%s” <%s>"), sc_outbox_entry_get_subject (entry),
                          sc_outbox_entry_get_message_id (entry) != NULL
                          ? sc_outbox_entry_get_message_id (entry) : "");
}

static gboolean
entry_is_uncertain (ScOutboxEntry *entry)
{
  return sc_outbox_entry_get_state (entry) == SC_OUTBOX_STATE_UNCERTAIN ||
         sc_outbox_entry_get_state (entry) == SC_OUTBOX_STATE_INTERRUPTED;
}

/* Retries every entry of the outbox, one line each; returns the exit code of the first that
 * failed (as --send would), else 0. An interrupt stops there. */
static int
send_outbox (ScSettings *settings,
             gboolean    include_uncertain,
             gboolean    verbose)
{
  g_autoptr(ScOutbox) outbox = sc_outbox_new (NULL);
  g_autoptr(GListModel) entries = NULL;
  g_autoptr(GError) error = NULL;
  int status = SC_EXIT_OK;
  guint n;

  entries = sc_outbox_list_outbox (outbox, NULL, &error);
  if (entries == NULL)
    {
      print_error_line (error->message);
      return SC_EXIT_USAGE;
    }

  n = g_list_model_get_n_items (entries);
  if (n == 0)
    {
      g_print ("%s\n", _("The outbox is empty"));
      return SC_EXIT_OK;
    }

  /* Oldest first, as they were written */
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(ScOutboxEntry) entry = g_list_model_get_item (entries, i - 1);
      g_autofree char *what = describe_entry (entry);
      g_autoptr(ScSmtpSession) session = NULL;
      g_autoptr(GMainLoop) loop = NULL;
      g_autoptr(GCancellable) cancellable = NULL;
      g_autoptr(ScSecret) password = NULL;
      ScCliSend send = { NULL };
      int entry_status;

      if (entry_is_uncertain (entry) && !include_uncertain)
        {
          /* Translators: %s is "“Subject” <message-id>"; --include-uncertain is an option */
          g_print (_("%s: skipped: the server may already have it (--include-uncertain sends it "
                     "again)\n"), what);
          continue;
        }

      session = sc_smtp_session_new (settings);
      loop = g_main_loop_new (NULL, FALSE);
      cancellable = g_cancellable_new ();
      password = g_strdup (sc_settings_get_password (settings));
      send = (ScCliSend) { loop, cancellable, password, NULL, NULL, NULL, NULL };

      run_session (outbox, session, NULL, sc_outbox_entry_get_id (entry), include_uncertain,
                verbose, &send);

      if (send.result != NULL && sc_send_result_get_refused (send.result)->len == 0)
        {
          /* Translators: %s is "“Subject” <message-id>" */
          g_print (_("%s: sent\n"), what);
          entry_status = SC_EXIT_OK;
        }
      else if (send.result != NULL)
        {
          GPtrArray *list = sc_send_result_get_refused (send.result);
          g_autoptr(GString) text = g_string_new (NULL);

          for (guint j = 0; j < list->len; j++)
            {
              ScRefusedRecipient *recipient = g_ptr_array_index (list, j);

              g_string_append_printf (text, "%s%s (%s)", j > 0 ? ", " : "", recipient->address,
                                      recipient->reply);
            }
          /* Translators: the first %s is "“Subject” <message-id>", the second lists the refused
           * recipients with the server's replies */
          g_print (_("%s: sent, but refused for %s\n"), what, text->str);
          entry_status = SC_EXIT_PARTIAL;
        }
      else
        {
          /* Translators: the first %s is "“Subject” <message-id>", the second the reason */
          g_print (_("%s: not sent: %s\n"), what, send.error->message);
          if (g_error_matches (send.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            entry_status = SC_EXIT_INTERRUPTED;
          else if (send.error->domain == SC_OUTBOX_ERROR)
            entry_status = SC_EXIT_USAGE;
          else
            entry_status = exit_code_for_error (send.error);
        }

      g_clear_pointer (&send.result, sc_send_result_unref);
      g_clear_error (&send.error);

      if (status == SC_EXIT_OK)
        status = entry_status;
      if (entry_status == SC_EXIT_INTERRUPTED)
        break;
    }

  return status;
}

/* One tab-separated line per entry: time, state, Message-ID, subject, recipients (To, Cc,
 * Bcc), the server's reply or the reason. */
static int
list_entries (gboolean outbox_only)
{
  g_autoptr(ScOutbox) outbox = sc_outbox_new (NULL);
  g_autoptr(GListModel) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = outbox_only ? sc_outbox_list_outbox (outbox, NULL, &error)
                        : sc_outbox_list_history (outbox, NULL, &error);
  if (entries == NULL)
    {
      print_error_line (error->message);
      return SC_EXIT_USAGE;
    }

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(ScOutboxEntry) entry = g_list_model_get_item (entries, i);
      g_autoptr(GEnumClass) states = g_type_class_ref (SC_TYPE_OUTBOX_STATE);
      GEnumValue *state = g_enum_get_value (states, sc_outbox_entry_get_state (entry));
      g_autofree char *time = sc_outbox_entry_get_time (entry) != NULL
        ? g_date_time_format_iso8601 (sc_outbox_entry_get_time (entry)) : g_strdup ("");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) recipients = NULL;
      g_autofree char *joined = NULL;
      const char *detail = sc_outbox_entry_get_reason (entry) != NULL
        ? sc_outbox_entry_get_reason (entry) : sc_outbox_entry_get_reply (entry);

      g_strv_builder_addv (builder, (const char **) sc_outbox_entry_get_to (entry));
      g_strv_builder_addv (builder, (const char **) sc_outbox_entry_get_cc (entry));
      g_strv_builder_addv (builder, (const char **) sc_outbox_entry_get_bcc (entry));
      recipients = g_strv_builder_end (builder);
      joined = g_strjoinv (", ", recipients);

      g_print ("%s\t%s\t%s\t%s\t%s\t%s\n", time, state != NULL ? state->value_nick : "",
               sc_outbox_entry_get_message_id (entry) != NULL
               ? sc_outbox_entry_get_message_id (entry) : "",
               sc_outbox_entry_get_subject (entry), joined, detail != NULL ? detail : "");
    }

  return SC_EXIT_OK;
}

/* ------------------------------------------------------------------------------------------
 * --test-connection
 * ------------------------------------------------------------------------------------------ */

static void
print_report (ScConnectionReport *report)
{
  const char * const *extensions = sc_connection_report_get_extensions (report);
  guint64 size_limit = sc_connection_report_get_size_limit (report);

  /* Translators: %s is the server's first reply, e.g. "220 mail.example.com ESMTP" */
  g_print (_("Server greeting: %s\n"), sc_connection_report_get_greeting (report));

  if (sc_connection_report_get_tls_version (report) != NULL)
    /* Translators: the first %s is the TLS version ("TLS 1.3"), the second the cipher
     * ("AES-256-GCM") */
    g_print (_("Encryption: %s, %s\n"), sc_connection_report_get_tls_version (report),
             sc_connection_report_get_cipher (report));
  else
    g_print ("%s\n", _("Encryption: none (a server on this computer)"));

  if (sc_connection_report_get_certificate (report) != NULL)
    print_certificate (sc_connection_report_get_certificate (report), g_print);

  if (extensions[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) extensions);

      /* Translators: %s lists the SMTP extensions, e.g. "PIPELINING, SIZE 10240000, AUTH PLAIN" */
      g_print (_("Extensions: %s\n"), list);
    }
  else
    g_print ("%s\n", _("Extensions: none"));

  if (size_limit > 0)
    {
      g_autofree char *size = g_format_size_full (size_limit, G_FORMAT_SIZE_LONG_FORMAT);

      /* Translators: %s is a size such as "10.2 MB (10240000 bytes)" */
      g_print (_("Largest message: %s\n"), size);
    }
  else
    g_print ("%s\n", _("Largest message: the server states no limit"));

  if (sc_connection_report_get_login_ok (report))
    g_print ("%s\n", _("Login accepted"));
  else
    g_print ("%s\n", _("No login is set, so none was tried"));
}

/* Test Connection with @settings; prints the report or the error and returns the exit code. */
static int
test_connection (ScSettings *settings,
                 gboolean    verbose)
{
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (settings);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ScSecret) password = g_strdup (sc_settings_get_password (settings));
  ScCliSend send = { loop, cancellable, password, NULL, NULL, NULL, NULL };
  int status;

  run_session (NULL, session, NULL, NULL, FALSE, verbose, &send);

  if (send.report == NULL)
    {
      status = report_send_error (send.error, sc_smtp_session_get_peer_certificate (session),
                                  TRUE);
    }
  else
    {
      print_report (send.report);
      status = SC_EXIT_OK;
    }

  g_clear_pointer (&send.report, sc_connection_report_unref);
  g_clear_error (&send.error);

  return status;
}

/* The settings folder: --settings DIR, else the default one. */
static GFile *
settings_directory (const char  *settings_arg,
                    GError     **error)
{
  g_autoptr(GFile) directory = NULL;

  if (settings_arg == NULL)
    return sc_settings_default_directory (error);

  directory = g_file_new_for_commandline_arg (settings_arg);
  if (g_file_query_file_type (directory, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   _("the settings folder “%s” does not exist or is not a folder"),
                   settings_arg);
      return NULL;
    }

  return g_steal_pointer (&directory);
}

/* An unknown option: our prefix and exit code, not GApplication's. Nothing runs yet. */
static void
option_error_cb (GOptionContext *context,
                 GOptionGroup   *group,
                 gpointer        user_data,
                 GError        **error)
{
  exit (usage_error ((*error)->message));
}

/* ------------------------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------------------------ */

/**
 * sc_cli_bind_text_domain:
 *
 * Sets the locale from the environment and binds the program's translations: those of
 * LOCALEDIR, or of `$SC_LOCALEDIR` when it is set (the tests and `meson devenv` run the built
 * programs with the translations of the build folder, which has the same layout:
 * ru/LC_MESSAGES/smtp-client.mo). Both programs, smtp-client and smtp-client-window, call it
 * first thing in main().
 */
void
sc_cli_bind_text_domain (void)
{
  const char *localedir = g_getenv ("SC_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE,
                  localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/**
 * sc_cli_add_options:
 * @application: the application
 *
 * Adds `--send`, `--test-connection`, `--send-outbox`, `--include-uncertain`, `--list-sent`,
 * `--list-outbox`, `--settings DIR` and `--verbose` to @application's options; a usage error in
 * them exits with %SC_EXIT_USAGE.
 */
void
sc_cli_add_options (GApplication *application)
{
  static const GOptionEntry entries[] = {
    { "send", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Send the message described by the settings, without a window"), NULL },
    { "test-connection", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Connect to the server of the settings and log in, sending nothing, and print what "
         "the server offers"), NULL },
    { "settings", 's', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The settings folder (default: ./settings, else the user configuration folder)"),
      N_("DIR") },
    { "send-outbox", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Send again the messages kept in the outbox (those that failed), oldest first, one "
         "line each; a message the server may already have (the connection ended after the "
         "end of the message, or the program was stopped) is skipped unless "
         "--include-uncertain is given"), NULL },
    { "include-uncertain", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("With --send-outbox, also send again the messages the server may already have: their "
         "recipients may get them twice"), NULL },
    { "list-sent", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the history of sent messages, newest first, one tab-separated line each: time, "
         "state, Message-ID, subject, recipients, and the server’s reply or the reason"), NULL },
    { "list-outbox", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the messages kept in the outbox, as --list-sent does"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, NULL,
      N_("With --send, --send-outbox or --test-connection, print the SMTP dialogue on standard "
         "error (passwords are never shown) and name what the attachment folder holds that is "
         "not a file"),
      NULL },
    { G_OPTION_REMAINING, 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL,
      NULL },
    { NULL }
  };
  GOptionGroup *errors;

  g_return_if_fail (G_IS_APPLICATION (application));

  g_application_add_main_option_entries (application, entries);

  /* A group without options, for its error hook only */
  errors = g_option_group_new ("sc-errors", "", "", NULL, NULL);
  g_option_group_set_error_hook (errors, option_error_cb);
  g_application_add_option_group (application, errors);
}

/**
 * sc_cli_handle_local_options:
 * @application: the application
 * @options: the options parsed by @application
 *
 * With `--send`, loads the settings, sends the message, prints the outcome and returns the
 * exit code; SIGINT and SIGTERM cancel the send. With `--test-connection`, connects and logs in
 * as a send would, sends nothing, and prints what the server offers. Every send is recorded
 * (#ScOutbox); `--send-outbox` sends the kept messages again, `--list-sent` and `--list-outbox`
 * print the record. Call it from #GApplication::handle-local-options.
 *
 * Returns: an #ScExitCode, or -1 when none of these options is given (the application goes
 *   on)
 */
int
sc_cli_handle_local_options (GApplication *application,
                             GVariantDict *options)
{
  gboolean send = FALSE;
  gboolean test = FALSE;
  gboolean send_outbox_arg = FALSE;
  gboolean include_uncertain = FALSE;
  gboolean list_sent = FALSE;
  gboolean list_outbox = FALSE;
  gboolean verbose = FALSE;
  const char *settings_arg = NULL;
  g_autofree const char **rest = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(ScSettingsStore) store = NULL;
  ScSettings *settings;
  g_autoptr(ScMessage) message = NULL;

  g_return_val_if_fail (G_IS_APPLICATION (application), SC_EXIT_USAGE);
  g_return_val_if_fail (options != NULL, SC_EXIT_USAGE);

  if (g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &rest) && rest[0] != NULL)
    {
      g_autofree char *line = g_strdup_printf (_("unexpected argument “%s”"), rest[0]);

      return usage_error (line);
    }

  g_variant_dict_lookup (options, "send", "b", &send);
  g_variant_dict_lookup (options, "test-connection", "b", &test);
  g_variant_dict_lookup (options, "send-outbox", "b", &send_outbox_arg);
  g_variant_dict_lookup (options, "include-uncertain", "b", &include_uncertain);
  g_variant_dict_lookup (options, "list-sent", "b", &list_sent);
  g_variant_dict_lookup (options, "list-outbox", "b", &list_outbox);
  if (include_uncertain && !send_outbox_arg)
    /* Translators: --include-uncertain and --send-outbox are options: keep them. */
    return usage_error (_("--include-uncertain is used with --send-outbox only"));
  if (!send && !test && !send_outbox_arg && !list_sent && !list_outbox)
    return -1;

  /* Local files only: GVfs (gvfs's GIO module, where it is installed) would connect to the
   * D-Bus session bus as soon as a GFile is made. Nothing has made one yet. */
  g_setenv ("GIO_USE_VFS", "local", FALSE);
  if (send + test + send_outbox_arg + list_sent + list_outbox > 1)
    /* Translators: these are options: keep them. */
    return usage_error (_("Use only one of --send, --test-connection, --send-outbox, "
                          "--list-sent and --list-outbox"));

  if (list_sent || list_outbox)
    return list_entries (list_outbox);

  g_variant_dict_lookup (options, "verbose", "b", &verbose);
  g_variant_dict_lookup (options, "settings", "^&ay", &settings_arg);

  directory = settings_directory (settings_arg, &error);
  if (directory == NULL)
    return report_usage_error (error);

  store = sc_settings_store_new (directory);
  settings = sc_settings_store_get_settings (store);
  if (!sc_settings_store_load (store, NULL, &error))
    return report_usage_error (error);

  for (const char * const *warning = sc_settings_store_get_warnings (store); *warning != NULL;
       warning++)
    /* Translators: the program name, then a warning about the settings */
    g_printerr (_("smtp-client: warning: %s\n"), *warning);

  if (send_outbox_arg)
    {
      /* The account only: each message is the one kept. */
      if (!sc_settings_validate_account (settings, &error))
        return report_usage_error (error);

      return send_outbox (settings, include_uncertain, verbose);
    }

  if (test)
    {
      /* Only what the connection needs: the message may still be a draft. */
      if (!sc_settings_validate_account (settings, &error))
        return report_usage_error (error);

      return test_connection (settings, verbose);
    }

  if (!sc_settings_validate (settings, &error))
    return report_usage_error (error);

  message = sc_message_new_from_settings (settings, NULL, &error);
  if (message != NULL && verbose)
    {
      GPtrArray *skipped = sc_message_get_skipped_files (message);

      for (guint i = 0; i < skipped->len; i++)
        {
          g_autofree char *shown = g_file_get_parse_name (skipped->pdata[i]);

          /* Translators: the program name, then a path in the attachment folder */
          g_printerr (_("smtp-client: %s was left out: it is not a regular file (a folder, a "
                        "pipe, a socket, a device or a broken link)\n"), shown);
        }
    }
  if (message == NULL || !sc_message_prepare (message, NULL, &error))
    return report_usage_error (error);

  return send_message (settings, message, verbose);
}

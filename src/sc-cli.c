/* sc-cli.c — smtp-client --send: read the settings, send, report
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-cli"

#include "config.h"

#include "sc-cli.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "sc-error.h"
#include "sc-message.h"
#include "sc-settings-store.h"
#include "sc-settings.h"
#include "sc-util.h"
#include "sc-smtp-session.h"

/* ------------------------------------------------------------------------------------------
 * Exit codes: the one table that maps errors to them
 * ------------------------------------------------------------------------------------------ */

#define ANY_CODE (-1)

typedef struct
{
  GQuark     (*domain) (void);
  int          code;          /* ANY_CODE: every code of the domain */
  ScExitCode   exit_code;
  gboolean     show_reply;    /* add the server's last reply unless the message has it */
} ScExitRule;

static const ScExitRule exit_rules[] = {
  /* Settings, body and attachment errors before sending are always SC_EXIT_USAGE. */
  { sc_settings_error_quark, ANY_CODE,                           SC_EXIT_USAGE,      FALSE },
  { sc_message_error_quark,  ANY_CODE,                           SC_EXIT_USAGE,      FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_CONNECT,              SC_EXIT_CONNECTION, FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_TLS,                  SC_EXIT_CONNECTION, FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_CERTIFICATE,          SC_EXIT_CONNECTION, FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_STARTTLS_UNAVAILABLE, SC_EXIT_CONNECTION, FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_INSECURE,             SC_EXIT_CONNECTION, FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_PROTOCOL,             SC_EXIT_CONNECTION, TRUE  },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_TIMEOUT,              SC_EXIT_CONNECTION, FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_CONNECTION_LOST,      SC_EXIT_CONNECTION, FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_DELIVERY_UNCERTAIN,   SC_EXIT_CONNECTION, FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_AUTH_UNAVAILABLE,     SC_EXIT_AUTH,       FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_AUTH_FAILED,          SC_EXIT_AUTH,       TRUE  },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_SENDER_REFUSED,       SC_EXIT_REFUSED,    TRUE  },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_RECIPIENTS_REFUSED,   SC_EXIT_REFUSED,    FALSE },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_MESSAGE_REFUSED,      SC_EXIT_REFUSED,    TRUE  },
  { sc_smtp_error_quark,     SC_SMTP_ERROR_MESSAGE_TOO_LARGE,    SC_EXIT_REFUSED,    TRUE  },
  /* Anything else while talking to the server (e.g. G_IO_ERROR) is a connection problem. */
  { g_io_error_quark,        ANY_CODE,                           SC_EXIT_CONNECTION, FALSE },
};

static const ScExitRule *
find_exit_rule (const GError *error)
{
  for (guint i = 0; i < G_N_ELEMENTS (exit_rules); i++)
    {
      const ScExitRule *rule = &exit_rules[i];

      if (error->domain == rule->domain ()
          && (rule->code == ANY_CODE || rule->code == error->code))
        return rule;
    }

  return NULL;
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

/* Prints a sending error and returns its exit code; @fallback when the table has no rule. */
static int
report_error (const GError  *error,
              ScExitCode     fallback,
              ScSmtpSession *session)
{
  const ScExitRule *rule = find_exit_rule (error);
  g_autoptr(GString) message = g_string_new (error->message);
  const char *reply = NULL;

  if (session != NULL)
    reply = sc_smtp_session_get_last_reply (session);

  if (rule != NULL && rule->show_reply && reply != NULL && *reply != '\0'
      && strstr (error->message, reply) == NULL)
    /* Translators: an error message, then what the SMTP server replied */
    g_string_printf (message, _("%s (server reply: %s)"), error->message, reply);

  if (g_error_matches (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN))
    g_string_append (message, _(" — the message may or may not have been delivered; "
                                "check before sending it again"));

  print_error_line (message->str);

  return rule != NULL ? (int) rule->exit_code : (int) fallback;
}

/* Settings, body and attachment problems, whatever their error domain. */
static int
report_usage_error (const GError *error)
{
  print_error_line (error->message);
  return SC_EXIT_USAGE;
}

static void
print_refused_recipients (ScSmtpSession *session)
{
  GPtrArray *refused = sc_smtp_session_get_refused_recipients (session);

  if (refused == NULL)
    return;

  for (guint i = 0; i < refused->len; i++)
    {
      ScRefusedRecipient *recipient = g_ptr_array_index (refused, i);
      g_autofree char *line = NULL;

      /* Translators: a recipient address, then the SMTP server's reply */
      line = g_strdup_printf (_("%s was refused: %s"), recipient->address,
                              recipient->reply != NULL ? recipient->reply : "");
      print_error_line (line);
    }
}

typedef struct
{
  char *password;
} TranscriptData;

static void
transcript_data_free (gpointer data)
{
  TranscriptData *transcript = data;

  sc_secret_free (transcript->password);
  g_free (transcript);
}

static void
transcript_cb (gboolean    outgoing,
               const char *line,
               gpointer    user_data)
{
  TranscriptData *transcript = user_data;

  /* The engine redacts AUTH already; this is a second lock on the same door. */
  if (transcript->password != NULL && *transcript->password != '\0'
      && strstr (line, transcript->password) != NULL)
    line = "<redacted>";

  g_printerr ("%s %s\n", outgoing ? "C:" : "S:", line);
}

/* ------------------------------------------------------------------------------------------
 * Sending on a worker thread, so that Ctrl+C can cancel
 * ------------------------------------------------------------------------------------------ */

typedef struct
{
  ScSmtpSession *session;
  ScMessage     *message;
  GCancellable  *cancellable;
  GMainContext  *context;
  GError        *error;
  gboolean       ok;
  gboolean       done;
} SendJob;

static gboolean
send_done_cb (gpointer user_data)
{
  SendJob *job = user_data;

  job->done = TRUE;
  return G_SOURCE_REMOVE;
}

static gpointer
send_thread (gpointer user_data)
{
  SendJob *job = user_data;

  job->ok = sc_smtp_session_send_sync (job->session, job->message, job->cancellable,
                                       &job->error);
  g_main_context_invoke (job->context, send_done_cb, job);

  return NULL;
}

static gboolean
interrupt_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;

  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
send_message (ScSmtpSession  *session,
              ScMessage      *message,
              GError        **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  SendJob job = { session, message, cancellable, context, NULL, FALSE, FALSE };
  GSource *sigint;
  GSource *sigterm;
  GThread *thread;

  g_main_context_push_thread_default (context);

  sigint = g_unix_signal_source_new (SIGINT);
  g_source_set_callback (sigint, interrupt_cb, cancellable, NULL);
  g_source_attach (sigint, context);
  sigterm = g_unix_signal_source_new (SIGTERM);
  g_source_set_callback (sigterm, interrupt_cb, cancellable, NULL);
  g_source_attach (sigterm, context);

  thread = g_thread_new ("smtp-send", send_thread, &job);
  while (!job.done)
    g_main_context_iteration (context, TRUE);
  g_thread_join (thread);

  g_source_destroy (sigint);
  g_source_unref (sigint);
  g_source_destroy (sigterm);
  g_source_unref (sigterm);
  g_main_context_pop_thread_default (context);

  if (!job.ok)
    {
      g_propagate_error (error, job.error);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------------------------ */

/**
 * sc_cli_main:
 * @argc: the number of arguments
 * @argv: the arguments, "--send" among them
 *
 * `smtp-client --send [--settings DIR] [--verbose]`: loads the settings, sends the message and
 * prints the result.
 *
 * Returns: an #ScExitCode
 */
int
sc_cli_main (int    argc,
             char **argv)
{
  gboolean send = FALSE;
  gboolean verbose = FALSE;
  g_autofree char *settings_arg = NULL;
  const GOptionEntry entries[] = {
    { "send", 0, 0, G_OPTION_ARG_NONE, &send,
      N_("Send the message described by the settings, without a window"), NULL },
    { "settings", 's', 0, G_OPTION_ARG_FILENAME, &settings_arg,
      N_("The settings folder (default: ./settings, else the user configuration folder)"),
      N_("DIR") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Print the SMTP dialogue on standard error (passwords are never shown)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(ScSettingsStore) store = NULL;
  ScSettings *settings;
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(ScSmtpSession) session = NULL;
  GPtrArray *refused;
  guint total = 0;

  g_return_val_if_fail (argv != NULL, SC_EXIT_USAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Send an e-mail over SMTP as described by the "
                                           "settings folder."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &args, &error))
    {
      print_error_line (error->message);
      g_printerr (_("Try “%s --help” for more information.\n"), g_get_prgname ());
      return SC_EXIT_USAGE;
    }

  if (args[0] != NULL && args[1] != NULL)
    {
      g_autofree char *line = g_strdup_printf (_("unexpected argument “%s”"), args[1]);

      print_error_line (line);
      g_printerr (_("Try “%s --help” for more information.\n"), g_get_prgname ());
      return SC_EXIT_USAGE;
    }

  /* The settings */
  if (settings_arg != NULL)
    {
      directory = g_file_new_for_commandline_arg (settings_arg);
      if (g_file_query_file_type (directory, G_FILE_QUERY_INFO_NONE, NULL)
          != G_FILE_TYPE_DIRECTORY)
        {
          g_autofree char *line = NULL;

          line = g_strdup_printf (_("the settings folder “%s” does not exist or is not a "
                                    "folder"), settings_arg);
          print_error_line (line);
          return SC_EXIT_USAGE;
        }
    }
  else
    {
      directory = sc_settings_default_directory (&error);
      if (directory == NULL)
        return report_usage_error (error);
    }

  store = sc_settings_store_new (directory);
  settings = sc_settings_store_get_settings (store);
  if (!sc_settings_store_load (store, NULL, &error)
      || !sc_settings_validate (settings, &error))
    return report_usage_error (error);

  /* The message */
  message = sc_message_new_from_settings (settings, NULL, &error);
  if (message == NULL)
    return report_usage_error (error);
  if (!sc_message_is_prepared (message) && !sc_message_prepare (message, NULL, &error))
    return report_usage_error (error);

  if (sc_message_get_to (message) != NULL)
    total = g_strv_length ((char **) sc_message_get_to (message));

  /* Sending */
  session = sc_smtp_session_new (settings);
  if (verbose)
    {
      TranscriptData *transcript = g_new0 (TranscriptData, 1);

      transcript->password = g_strdup (sc_settings_get_password (settings));
      sc_smtp_session_set_transcript_func (session, transcript_cb, transcript,
                                           transcript_data_free);
    }

  if (!send_message (session, message, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          print_error_line (_("interrupted; the message was not sent"));
          return SC_EXIT_INTERRUPTED;
        }

      print_refused_recipients (session);
      return report_error (error, SC_EXIT_CONNECTION, session);
    }

  refused = sc_smtp_session_get_refused_recipients (session);
  if (refused != NULL && refused->len > 0)
    {
      guint delivered = total > refused->len ? total - refused->len : 0;

      print_refused_recipients (session);
      /* Translators: e.g. "Message sent to 2 of 3 recipients" */
      g_print (ngettext ("Message sent to %u of %u recipient\n",
                         "Message sent to %u of %u recipients\n", total),
               delivered, total);
      return SC_EXIT_PARTIAL;
    }

  g_print ("%s\n", _("Message sent successfully"));

  return SC_EXIT_OK;
}

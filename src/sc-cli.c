/* sc-cli.c — smtp-client --send: read the settings, send, report
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-cli"

#include "config.h"

#include "sc-cli.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sc-error.h"
#include "sc-message.h"
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

/* Prints a sending error and returns its exit code. */
static int
report_send_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      print_error_line (_("interrupted; the message was not sent"));
      return SC_EXIT_INTERRUPTED;
    }

  if (g_error_matches (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN))
    {
      g_autofree char *message = g_strconcat (error->message,
                                              _(" — the message may or may not have been "
                                                "delivered; check before sending it again"),
                                              NULL);

      print_error_line (message);
    }
  else
    {
      print_error_line (error->message);
    }

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

  send->result = sc_smtp_session_send_finish (SC_SMTP_SESSION (object), result, &send->error);
  g_main_loop_quit (send->loop);
}

/* Sends @message and returns its exit code, after printing the outcome. */
static int
send_message (ScSettings *settings,
              ScMessage  *message,
              gboolean    verbose)
{
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (settings);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ScSecret) password = g_strdup (sc_settings_get_password (settings));
  ScCliSend send = { loop, cancellable, password, NULL, NULL };
  guint sigint_id;
  guint sigterm_id;
  int status;

  if (verbose)
    g_signal_connect (session, "transcript", G_CALLBACK (transcript_cb), &send);

  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, &send);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, &send);

  sc_smtp_session_send_async (session, message, cancellable, send_cb, &send);
  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handlers_disconnect_by_data (session, &send);

  if (send.result == NULL)
    status = report_send_error (send.error);
  else
    /* Sent: the message was prepared, and To, Cc and Bcc are in its envelope. */
    status = report_result (send.result,
                            g_strv_length ((char **) sc_message_get_envelope_recipients (message)));

  g_clear_pointer (&send.result, sc_send_result_unref);
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
 * sc_cli_add_options:
 * @application: the application
 *
 * Adds `--send`, `--settings DIR` and `--verbose` to @application's options; a usage error in
 * them exits with %SC_EXIT_USAGE.
 */
void
sc_cli_add_options (GApplication *application)
{
  static const GOptionEntry entries[] = {
    { "send", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Send the message described by the settings, without a window"), NULL },
    { "settings", 's', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The settings folder (default: ./settings, else the user configuration folder)"),
      N_("DIR") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, NULL,
      N_("With --send, print the SMTP dialogue on standard error (passwords are never shown)"),
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
 * exit code; SIGINT and SIGTERM cancel the send. Call it from #GApplication::handle-local-options.
 *
 * Returns: an #ScExitCode, or -1 when there is no `--send` (the application goes on)
 */
int
sc_cli_handle_local_options (GApplication *application,
                             GVariantDict *options)
{
  gboolean send = FALSE;
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
  if (!send)
    return -1;

  g_variant_dict_lookup (options, "verbose", "b", &verbose);
  g_variant_dict_lookup (options, "settings", "^&ay", &settings_arg);

  directory = settings_directory (settings_arg, &error);
  if (directory == NULL)
    return report_usage_error (error);

  store = sc_settings_store_new (directory);
  settings = sc_settings_store_get_settings (store);
  if (!sc_settings_store_load (store, NULL, &error)
      || !sc_settings_validate (settings, &error))
    return report_usage_error (error);

  message = sc_message_new_from_settings (settings, NULL, &error);
  if (message == NULL || !sc_message_prepare (message, NULL, &error))
    return report_usage_error (error);

  return send_message (settings, message, verbose);
}

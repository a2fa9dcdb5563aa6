/* sc-smtp-session.c — one SMTP (RFC 5321) client session over TLS
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-smtp-session"

#include "config.h"

#include "sc-smtp-session.h"

#include <glib/gi18n.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "sc-address.h"
#include "sc-error.h"
#include "sc-tls-stream.h"
#include "sc-util.h"

#define READ_BUFFER_SIZE      4096
#define REPLY_LINE_MAX        (16 * 1024)   /* RFC 5321 says 512; be lenient, but bounded */
#define REPLY_LINES_MAX       1000
#define DATA_BUFFER_SIZE      (128 * 1024)
#define PROGRESS_INTERVAL_US  (G_USEC_PER_SEC / 20)
#define QUIT_TIMEOUT_SECONDS  5

/* ------------------------------------------------------------------------------------------ */
/* Types                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* What a send needs to know about the server, copied from the settings. */
typedef struct
{
  char       *host;
  guint16     port;
  ScSecurity  security;
  char       *ca_file;           /* NULL: the system trust store */
  guint       timeout_seconds;
  char       *login;             /* NULL or "": no AUTH */
  ScSecret   *password;
} ScSmtpConfig;

struct _ScSmtpSession
{
  GObject       parent_instance;

  ScSmtpConfig  config;
};

G_DEFINE_FINAL_TYPE (ScSmtpSession, sc_smtp_session, G_TYPE_OBJECT)

enum {
  SIGNAL_PROGRESS,
  SIGNAL_TRANSCRIPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Everything one send needs, owned by the thread that sends: a copy of the configuration, the
 * message, and where to emit the signals. */
typedef struct
{
  ScSmtpConfig   config;
  ScMessage     *message;
  ScSmtpSession *session;   /* only to emit signals on, on @context */
  GMainContext  *context;   /* the caller's of send_async; NULL: emit in the sending thread */
} ScSendJob;

/* One "progress" or "transcript" emission on the caller's main context. */
typedef struct
{
  ScSmtpSession *session;
  char          *line;      /* NULL: progress */
  gboolean       outgoing;
  gint64         bytes_sent;
  gint64         bytes_total;
} ScEmission;

typedef struct
{
  int        code;
  GPtrArray *lines;   /* the text of each line, after "NNN-" / "NNN " */
  char      *text;    /* "550 5.1.1 <x@example.com>: Recipient address rejected", one line */
} ScSmtpReply;

/* One connection, for the duration of one send. */
typedef struct
{
  ScSendJob          *job;
  const ScSmtpConfig *config;
  GCancellable       *cancellable;

  GSocketConnection  *connection;
  GSocket            *socket;
  ScTlsStream        *tls;
  GInputStream       *input;
  GOutputStream      *output;
  char               *local_name;

  char                buffer[READ_BUFFER_SIZE];
  gsize               buffer_pos;
  gsize               buffer_len;

  /* EHLO extensions */
  gboolean            ext_size;
  guint64            size_limit;
  gboolean            ext_pipelining;
  gboolean            ext_8bitmime;
  gboolean            ext_starttls;
  gboolean            ext_auth;
  GPtrArray          *auth_mechanisms;

  /* What we sent during AUTH: a server may echo it in a reply, never shown again */
  GPtrArray          *secrets;

  /* The last error was a reply from a server that still listens: QUIT politely. */
  gboolean            in_sync;

  /* The results */
  GPtrArray          *refused;        /* ScRefusedRecipient */
  char               *final_reply;    /* the reply to the end of the message */
} ScSmtpConnection;

/* A GOutputStream between the DATA buffer and the connection that counts what goes through. */
#define SC_TYPE_SMTP_DATA_STREAM (sc_smtp_data_stream_get_type ())
G_DECLARE_FINAL_TYPE (ScSmtpDataStream, sc_smtp_data_stream, SC, SMTP_DATA_STREAM, GOutputStream)

struct _ScSmtpDataStream
{
  GOutputStream     parent_instance;
  GOutputStream    *base;
  ScSmtpConnection *connection;
  goffset           bytes_sent;
  goffset           bytes_total;
  gint64            last_report;
  gboolean          failed;   /* the connection failed, not the message source */
};

G_DEFINE_FINAL_TYPE (ScSmtpDataStream, sc_smtp_data_stream, G_TYPE_OUTPUT_STREAM)

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                              */
/* ------------------------------------------------------------------------------------------ */

static void
sc_smtp_config_copy (ScSmtpConfig       *dest,
                     const ScSmtpConfig *src)
{
  dest->host = g_strdup (src->host);
  dest->port = src->port;
  dest->security = src->security;
  dest->ca_file = g_strdup (src->ca_file);
  dest->timeout_seconds = src->timeout_seconds;
  dest->login = g_strdup (src->login);
  dest->password = g_strdup (src->password);
}

static void
sc_smtp_config_clear (ScSmtpConfig *config)
{
  g_clear_pointer (&config->host, g_free);
  g_clear_pointer (&config->ca_file, g_free);
  g_clear_pointer (&config->login, g_free);
  sc_secret_clear (&config->password);
}

static ScSendJob *
sc_send_job_new (ScSmtpSession *session,
                 ScMessage     *message,
                 GMainContext  *context)
{
  ScSendJob *job = g_new0 (ScSendJob, 1);

  sc_smtp_config_copy (&job->config, &session->config);
  job->message = g_object_ref (message);
  job->session = g_object_ref (session);
  job->context = context != NULL ? g_main_context_ref (context) : NULL;

  return job;
}

static void
sc_send_job_free (gpointer data)
{
  ScSendJob *job = data;

  sc_smtp_config_clear (&job->config);
  g_clear_object (&job->message);
  g_clear_object (&job->session);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}

static void
sc_smtp_reply_free (ScSmtpReply *reply)
{
  g_clear_pointer (&reply->lines, g_ptr_array_unref);
  g_free (reply->text);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScSmtpReply, sc_smtp_reply_free)

/* Server text is shown to the user: valid UTF-8, no control characters. */
static char *
sanitize_line (const char *line,
               gssize      len)
{
  char *valid = g_utf8_make_valid (line, len);

  for (char *p = valid; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 || *p == 0x7f)
        *p = '?';
    }

  return valid;
}

/* Records @secret (an AUTH payload, the password) to be cut out of every reply line from now on. */
static void
add_secret (ScSmtpConnection *c,
            const char       *secret)
{
  if (secret == NULL || secret[0] == '\0')
    return;

  if (c->secrets == NULL)
    c->secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_secret_free);
  g_ptr_array_add (c->secrets, g_strdup (secret));
}

/* A server may quote what we sent in its reply ("535 … AUTH PLAIN AGFs…"): replies reach the
 * transcript, error messages and the result, so the secrets become "<redacted>". Takes @line,
 * returns the redacted copy. */
static char *
redact_secrets (ScSmtpConnection *c,
                char             *line)
{
  GString *str;

  if (c->secrets == NULL)
    return line;

  str = g_string_new (line);
  sc_secret_free (line);
  for (guint i = 0; i < c->secrets->len; i++)
    g_string_replace (str, g_ptr_array_index (c->secrets, i), "<redacted>", 0);

  return g_string_free (str, FALSE);
}

/* MAIL FROM and RCPT TO take a plain address. sc_address_validate () is the rule, and it refuses
 * whatever could inject a command (line breaks, spaces, angle brackets, control characters). */
static gboolean
check_envelope_address (const char  *role,
                        const char  *address,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (sc_address_validate (address, &local_error))
    return TRUE;

  g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
               /* Translators: the first %s is "sender" or "recipient" (context "address
                * role"), the second what is wrong with it, e.g. "is empty" or "\"x\" is
                * not an e-mail address (like name@example.com)". */
               _("The %s address %s"), role, local_error->message);
  return FALSE;
}

static const char *
waiting_for_phrase (const char *command,
                    char      **out_free)
{
  if (command == NULL)
    /* Translators: inserted as the "%s" of "Timed out waiting for %s …", "… was lost while
     * waiting for %s …", "… instead of %s: …". */
    return _("the server's greeting");

  /* Translators: inserted like "the server's greeting"; %s is an SMTP command such as "EHLO"
   * or "MAIL FROM" (not translated), or "the end of the message" (translated). */
  *out_free = g_strdup_printf (_("the server's reply to %s"), command);
  return *out_free;
}

/* GSocketClient says "Could not connect to 127.0.0.1: Connection refused"; we say the host and
 * port ourselves, so keep only the reason. */
static const char *
connect_reason (const char *message)
{
  const char *colon;

  if (g_str_has_prefix (message, "Could not connect to ") &&
      (colon = strstr (message, ": ")) != NULL)
    return colon + 2;

  return message;
}

static const char *
seconds_word (guint n)
{
  /* Translators: follows the number %u in "no answer for %u %s", "accepted no data for %u %s"
   * and "no reply within %u %s". */
  return ngettext ("second", "seconds", n);
}

/* ------------------------------------------------------------------------------------------ */
/* Signals, on the caller's main context                                                      */
/* ------------------------------------------------------------------------------------------ */

static void
sc_emission_free (gpointer data)
{
  ScEmission *emission = data;

  g_clear_object (&emission->session);
  g_free (emission->line);
  g_free (emission);
}

static gboolean
sc_emission_dispatch_cb (gpointer data)
{
  ScEmission *emission = data;

  if (emission->line != NULL)
    g_signal_emit (emission->session, signals[SIGNAL_TRANSCRIPT], 0,
                   emission->outgoing, emission->line);
  else
    g_signal_emit (emission->session, signals[SIGNAL_PROGRESS], 0,
                   emission->bytes_sent, emission->bytes_total);

  return G_SOURCE_REMOVE;
}

/* Emits now when sending on the caller's thread (send_sync), else from an idle on the caller's
 * context: not g_main_context_invoke (), which would run it right here on the worker whenever
 * that context happens to be free. Idles of one priority run in the order they were attached,
 * and the task's completion comes after, so the last progress arrives before the result. */
static void
emit_on_caller (ScSmtpConnection *c,
                ScEmission       *emission)
{
  GSource *source;

  emission->session = g_object_ref (c->job->session);

  if (c->job->context == NULL)
    {
      sc_emission_dispatch_cb (emission);
      sc_emission_free (emission);
      return;
    }

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[sc] smtp signal");
  g_source_set_callback (source, sc_emission_dispatch_cb, emission, sc_emission_free);
  g_source_attach (source, c->job->context);
  g_source_unref (source);
}

static void
emit_transcript (ScSmtpConnection *c,
                 gboolean          outgoing,
                 const char       *line)
{
  ScEmission *emission = g_new0 (ScEmission, 1);

  emission->outgoing = outgoing;
  emission->line = g_strdup (line);
  emit_on_caller (c, emission);
}

static void
emit_progress (ScSmtpConnection *c,
               goffset           sent,
               goffset           total)
{
  ScEmission *emission = g_new0 (ScEmission, 1);

  emission->bytes_sent = sent;
  emission->bytes_total = total;
  emit_on_caller (c, emission);
}

/* ------------------------------------------------------------------------------------------ */
/* Errors: GIO's code, with what we were doing                                                */
/* ------------------------------------------------------------------------------------------ */

/* A failed read while waiting for a reply to @command (NULL: the greeting). Takes @io_error. */
static void
set_read_error (ScSmtpConnection  *c,
                GError            *io_error,
                const char        *command,
                GError           **error)
{
  g_autofree char *phrase_free = NULL;
  const char *phrase = waiting_for_phrase (command, &phrase_free);

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* A silent server right after connecting is most often one that waits for a TLS
       * handshake: say what to change. */
      gboolean hint = command == NULL && c->config->security != SC_SECURITY_TLS;

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   /* Translators: the first %s is e.g. "the server's greeting", %u %s is a
                    * number of seconds ("30 seconds"), the last %s is empty or the hint
                    * "; if this port expects TLS …". */
                   _("Timed out waiting for %s (no answer for %u %s)%s"),
                   phrase, c->config->timeout_seconds,
                   seconds_word (c->config->timeout_seconds),
                   /* Translators: appended to "Timed out waiting for the server's greeting
                    * (…)"; “tls” is a setting value: keep it. */
                   hint ? _("; if this port expects TLS from the start (usually port 465), "
                            "set the security to “tls”") : "");
      g_error_free (io_error);
      return;
    }

  if (!g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (&io_error,
                    /* Translators: the first %s is the server, the second e.g. "the server's
                     * greeting"; the reason follows. */
                    _("The connection to %s was lost while waiting for %s: "),
                    c->config->host, phrase);

  g_propagate_error (error, io_error);
}

/* A failed write of @what ("EHLO", "the message"). Takes @io_error. */
static void
set_write_error (ScSmtpConnection  *c,
                 GError            *io_error,
                 const char        *what,
                 GError           **error)
{
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   /* Translators: the first %s is an SMTP command such as "MAIL FROM" or
                    * "the message"; %u %s is a number of seconds ("30 seconds"). */
                   _("Timed out sending %s: the server accepted no data for %u %s"),
                   what, c->config->timeout_seconds,
                   seconds_word (c->config->timeout_seconds));
      g_error_free (io_error);
      return;
    }

  if (!g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (&io_error,
                    /* Translators: the first %s is the server, the second an SMTP command
                     * such as "MAIL FROM" or "the message"; the reason follows. */
                    _("The connection to %s was lost while sending %s: "),
                    c->config->host, what);

  g_propagate_error (error, io_error);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading replies                                                                            */
/* ------------------------------------------------------------------------------------------ */

/* Forgets whatever was read but not used yet: after STARTTLS, plaintext bytes the server (or
 * someone in the middle) sent after "220" must not be taken as TLS-protected replies. */
static void
discard_buffer (ScSmtpConnection *c)
{
  if (c->buffer_len > c->buffer_pos)
    g_debug ("Discarding %" G_GSIZE_FORMAT " bytes received before the TLS handshake",
             c->buffer_len - c->buffer_pos);

  c->buffer_pos = 0;
  c->buffer_len = 0;
}

static char *
read_line (ScSmtpConnection  *c,
           const char        *command,
           GError           **error)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      const char *start = c->buffer + c->buffer_pos;
      gsize available = c->buffer_len - c->buffer_pos;
      const char *newline = memchr (start, '\n', available);
      gssize n_read;

      if (newline != NULL)
        {
          g_string_append_len (line, start, newline - start);
          c->buffer_pos += newline - start + 1;

          if (line->len > 0 && line->str[line->len - 1] == '\r')
            g_string_truncate (line, line->len - 1);

          return g_string_free (g_steal_pointer (&line), FALSE);
        }

      g_string_append_len (line, start, available);
      c->buffer_pos = c->buffer_len = 0;

      if (line->len > REPLY_LINE_MAX)
        {
          g_autofree char *valid = redact_secrets (c, sanitize_line (line->str, line->len));
          g_autofree char *shown = g_utf8_substring (valid, 0, 80);

          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_PROTOCOL,
                       /* Translators: %s is the start of the line. */
                       ngettext ("The server sent a reply line longer than %d byte: “%s…”",
                                 "The server sent a reply line longer than %d bytes: “%s…”",
                                 REPLY_LINE_MAX),
                       REPLY_LINE_MAX, shown);
          return NULL;
        }

      n_read = g_input_stream_read (c->input, c->buffer, sizeof c->buffer, c->cancellable,
                                    &local_error);
      if (n_read < 0)
        {
          set_read_error (c, g_steal_pointer (&local_error), command, error);
          return NULL;
        }
      if (n_read == 0)
        {
          g_autofree char *phrase_free = NULL;

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       /* Translators: the first %s is the server, the second e.g. "the
                        * server's greeting". */
                       _("%s closed the connection while we were waiting for %s"),
                       c->config->host, waiting_for_phrase (command, &phrase_free));
          return NULL;
        }

      c->buffer_len = n_read;
    }
}

static gboolean
parse_reply_line (const char *line,
                  int        *out_code,
                  gboolean   *out_last,
                  const char **out_text)
{
  if (strlen (line) < 3 ||
      line[0] < '2' || line[0] > '5' ||
      !g_ascii_isdigit (line[1]) || !g_ascii_isdigit (line[2]))
    return FALSE;

  if (line[3] != '\0' && line[3] != ' ' && line[3] != '-')
    return FALSE;

  *out_code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  *out_last = line[3] != '-';
  *out_text = line[3] != '\0' ? line + 4 : line + 3;

  return TRUE;
}

/* Reads one reply, single or multi-line (RFC 5321 §4.2). @command names what we are waiting
 * for, in error messages (NULL: the greeting). */
static ScSmtpReply *
read_reply (ScSmtpConnection  *c,
            const char        *command,
            GError           **error)
{
  g_autoptr(ScSmtpReply) reply = g_new0 (ScSmtpReply, 1);
  g_autoptr(GString) text = g_string_new (NULL);

  reply->lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; ; i++)
    {
      g_autofree char *raw = NULL;
      g_autofree char *line = NULL;
      const char *line_text;
      gboolean last;
      int code;

      if (i >= REPLY_LINES_MAX)
        {
          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_PROTOCOL,
                       ngettext ("The server sent a reply of more than %d line",
                                 "The server sent a reply of more than %d lines",
                                 REPLY_LINES_MAX),
                       REPLY_LINES_MAX);
          return NULL;
        }

      raw = read_line (c, command, error);
      if (raw == NULL)
        return NULL;

      line = redact_secrets (c, sanitize_line (raw, -1));
      emit_transcript (c, FALSE, line);

      if (!parse_reply_line (line, &code, &last, &line_text) ||
          (i > 0 && code != reply->code))
        {
          g_autofree char *phrase_free = NULL;

          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_PROTOCOL,
                       /* Translators: the first %s is e.g. "the server's greeting", the
                        * second the server's line. */
                       _("The server sent a malformed reply instead of %s: “%s”"),
                       waiting_for_phrase (command, &phrase_free), line);
          return NULL;
        }

      reply->code = code;
      g_ptr_array_add (reply->lines, g_strdup (line_text));

      if (i == 0)
        g_string_append_printf (text, "%d", code);
      if (*line_text != '\0')
        g_string_append_printf (text, " %s", line_text);

      if (last)
        break;
    }

  reply->text = g_string_free (g_steal_pointer (&text), FALSE);

  return g_steal_pointer (&reply);
}

/* ------------------------------------------------------------------------------------------ */
/* Sending commands                                                                           */
/* ------------------------------------------------------------------------------------------ */

/* Writes @data (one or more CRLF-ended commands); @shown is what the transcript gets, one
 * entry per line (NULL: @data itself). */
static gboolean
write_commands (ScSmtpConnection  *c,
                const char        *data,
                const char        *shown,
                const char        *what,
                GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) lines = NULL;

  lines = g_strsplit (shown != NULL ? shown : data, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] != '\0' || lines[i + 1] != NULL)
        emit_transcript (c, TRUE, lines[i]);
    }

  if (!g_output_stream_write_all (c->output, data, strlen (data), NULL, c->cancellable,
                                  &local_error) ||
      !g_output_stream_flush (c->output, c->cancellable, &local_error))
    {
      set_write_error (c, g_steal_pointer (&local_error), what, error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_command (ScSmtpConnection  *c,
               const char        *command,
               const char        *what,
               GError           **error)
{
  g_autofree char *data = g_strconcat (command, "\r\n", NULL);

  return write_commands (c, data, command, what, error);
}

/* Sends @command and reads its reply. */
static ScSmtpReply *
send_command (ScSmtpConnection  *c,
         const char        *line,
         const char        *name,
         GError           **error)
{
  if (!write_command (c, line, name, error))
    return NULL;

  return read_reply (c, name, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Session steps                                                                              */
/* ------------------------------------------------------------------------------------------ */

static gboolean
connect_to_server (ScSmtpConnection  *c,
                   GError           **error)
{
  const ScSmtpConfig *config = c->config;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocketAddress) local_address = NULL;
  g_autofree char *bare_host = sc_host_strip_brackets (config->host);

  g_socket_client_set_timeout (client, config->timeout_seconds);
  g_socket_client_set_enable_proxy (client, FALSE);

  address = g_network_address_new (bare_host, config->port);
  c->connection = g_socket_client_connect (client, address, c->cancellable, &local_error);
  if (c->connection == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      /* GIO's domain and code, with the port in the message */
      g_set_error (error, local_error->domain, local_error->code,
                   /* Translators: "%s:%u" is the server and port, the last %s the reason. */
                   _("Could not connect to %s:%u: %s"),
                   config->host, config->port, connect_reason (local_error->message));
      return FALSE;
    }

  c->socket = g_socket_connection_get_socket (c->connection);
  g_socket_set_timeout (c->socket, config->timeout_seconds);
  if (!g_socket_set_option (c->socket, IPPROTO_TCP, TCP_NODELAY, TRUE, &local_error))
    {
      g_debug ("Could not set TCP_NODELAY: %s", local_error->message);
      g_clear_error (&local_error);
    }

  /* "security": "none" is for a server on this machine: make sure the name really led here. */
  if (config->security == SC_SECURITY_NONE)
    {
      g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (c->connection,
                                                                                 NULL);

      if (!G_IS_INET_SOCKET_ADDRESS (remote) ||
          !g_inet_address_get_is_loopback (
             g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))))
        {
          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_INSECURE,
                       _("Refusing to talk to %s without encryption: it is not this computer"),
                       config->host);
          return FALSE;
        }
    }

  /* The EHLO name: our address as a literal (RFC 5321 §4.1.3), which reveals nothing the
   * server does not already see. */
  local_address = g_socket_connection_get_local_address (c->connection, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (local_address))
    {
      GInetSocketAddress *inet_address = G_INET_SOCKET_ADDRESS (local_address);
      GInetAddress *inet = g_inet_socket_address_get_address (inet_address);
      g_autofree char *str = g_inet_address_to_string (inet);

      if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
        c->local_name = g_strdup_printf ("[IPv6:%s]", str);
      else
        c->local_name = g_strdup_printf ("[%s]", str);
    }
  else
    {
      c->local_name = g_strdup ("[127.0.0.1]");
    }

  c->input = g_io_stream_get_input_stream (G_IO_STREAM (c->connection));
  c->output = g_io_stream_get_output_stream (G_IO_STREAM (c->connection));

  return TRUE;
}

static gboolean
start_tls (ScSmtpConnection  *c,
           GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  /* "[127.0.0.1]": the certificate holds the bare address */
  g_autofree char *bare_host = sc_host_strip_brackets (c->config->host);

  c->tls = sc_tls_stream_new (G_IO_STREAM (c->connection), bare_host,
                              c->config->ca_file, error);
  if (c->tls == NULL)
    return FALSE;

  if (!sc_tls_stream_handshake (c->tls, c->cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       /* Translators: %s is the server; %u %s is a number of seconds. */
                       _("Timed out during the TLS handshake with %s (no answer for %u %s)"),
                       c->config->host, c->config->timeout_seconds,
                       seconds_word (c->config->timeout_seconds));
          return FALSE;
        }

      /* G_TLS_ERROR already names the server; a broken connection does not. */
      if (local_error->domain == G_IO_ERROR &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&local_error,
                        /* Translators: %s is the server; the reason follows. */
                        _("The TLS handshake with %s failed: "), c->config->host);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN) == FALSE)
    {
      g_autofree char *desc = sc_tls_stream_get_description (c->tls);

      g_debug ("TLS with %s: %s", c->config->host, desc);
    }

  c->input = g_io_stream_get_input_stream (G_IO_STREAM (c->tls));
  c->output = g_io_stream_get_output_stream (G_IO_STREAM (c->tls));

  return TRUE;
}

static void
reset_extensions (ScSmtpConnection *c)
{
  c->ext_size = FALSE;
  c->size_limit = 0;
  c->ext_pipelining = FALSE;
  c->ext_8bitmime = FALSE;
  c->ext_starttls = FALSE;
  c->ext_auth = FALSE;
  g_clear_pointer (&c->auth_mechanisms, g_ptr_array_unref);
  c->auth_mechanisms = g_ptr_array_new_with_free_func (g_free);
}

static void
parse_extensions (ScSmtpConnection *c,
                  ScSmtpReply      *reply)
{
  reset_extensions (c);

  /* The first line is the server's name and greeting. */
  for (guint i = 1; i < reply->lines->len; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (g_ptr_array_index (reply->lines, i), " =", -1);
      const char *keyword = words[0];

      if (keyword == NULL)
        continue;

      if (g_ascii_strcasecmp (keyword, "SIZE") == 0)
        {
          c->ext_size = TRUE;
          if (words[1] != NULL)
            c->size_limit = g_ascii_strtoull (words[1], NULL, 10);
        }
      else if (g_ascii_strcasecmp (keyword, "PIPELINING") == 0)
        c->ext_pipelining = TRUE;
      else if (g_ascii_strcasecmp (keyword, "8BITMIME") == 0)
        c->ext_8bitmime = TRUE;
      else if (g_ascii_strcasecmp (keyword, "STARTTLS") == 0)
        c->ext_starttls = TRUE;
      else if (g_ascii_strcasecmp (keyword, "AUTH") == 0)
        {
          c->ext_auth = TRUE;
          for (guint j = 1; words[j] != NULL; j++)
            {
              if (words[j][0] != '\0')
                g_ptr_array_add (c->auth_mechanisms, g_ascii_strup (words[j], -1));
            }
        }
    }
}

static gboolean
ehlo (ScSmtpConnection  *c,
      GError           **error)
{
  g_autofree char *line = g_strdup_printf ("EHLO %s", c->local_name);
  g_autofree char *helo = NULL;
  g_autoptr(ScSmtpReply) reply = NULL;

  reply = send_command (c, line, "EHLO", error);
  if (reply == NULL)
    return FALSE;

  if (reply->code == 250)
    {
      parse_extensions (c, reply);
      return TRUE;
    }

  if (reply->code < 500)
    {
      c->in_sync = TRUE;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_PROTOCOL,
                   /* Translators: EHLO is an SMTP command: keep it; %s is the reply. */
                   _("The server refused EHLO: %s"), reply->text);
      return FALSE;
    }

  /* An old server: HELO, and no extensions. */
  g_clear_pointer (&reply, sc_smtp_reply_free);
  helo = g_strdup_printf ("HELO %s", c->local_name);
  reply = send_command (c, helo, "HELO", error);
  if (reply == NULL)
    return FALSE;

  if (reply->code != 250)
    {
      c->in_sync = TRUE;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_PROTOCOL,
                   /* Translators: EHLO and HELO are SMTP commands: keep them; %s is the
                    * reply. */
                   _("The server refused both EHLO and HELO: %s"), reply->text);
      return FALSE;
    }

  reset_extensions (c);

  return TRUE;
}

static gboolean
has_mechanism (ScSmtpConnection *c,
               const char       *mechanism)
{
  for (guint i = 0; i < c->auth_mechanisms->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (c->auth_mechanisms, i), mechanism))
        return TRUE;
    }

  return FALSE;
}

static gboolean
auth_failed (ScSmtpConnection  *c,
             ScSmtpReply       *reply,
             GError           **error)
{
  c->in_sync = TRUE;
  g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_FAILED,
               /* Translators: %s is the server's reply. */
               _("Authentication failed: %s"), reply->text);
  return FALSE;
}

/* Sends a secret (an AUTH line or continuation); the transcript gets @shown. */
static gboolean
write_secret (ScSmtpConnection  *c,
              const char        *secret_line,
              const char        *shown,
              GError           **error)
{
  g_autoptr(ScSecret) data = g_strconcat (secret_line, "\r\n", NULL);

  return write_commands (c, data, shown, "AUTH", error);
}

/* base64 of "authzid NUL authcid NUL password" (RFC 4616), encoded piece by piece so that the
 * credentials are never copied into a buffer of their own. */
static ScSecret *
auth_plain_payload (const char *login,
                    const char *password)
{
  const char *pieces[] = { "", login, "", password };
  gsize lengths[] = { 1, strlen (login), 1, strlen (password) };
  gsize total = lengths[0] + lengths[1] + lengths[2] + lengths[3];
  char *out = g_malloc0 ((total / 3 + 1) * 4 + 5);
  gsize n = 0;
  int state = 0;
  int save = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    n += g_base64_encode_step ((const guchar *) pieces[i], lengths[i], FALSE, out + n,
                               &state, &save);
  n += g_base64_encode_close (FALSE, out + n, &state, &save);
  out[n] = '\0';

  return out;
}

static gboolean
auth_plain (ScSmtpConnection  *c,
            GError           **error)
{
  const ScSmtpConfig *config = c->config;
  g_autoptr(ScSecret) payload = auth_plain_payload (config->login, config->password);
  g_autoptr(ScSecret) line = NULL;
  g_autoptr(ScSmtpReply) reply = NULL;

  add_secret (c, payload);

  line = g_strconcat ("AUTH PLAIN ", payload, NULL);
  if (!write_secret (c, line, "AUTH PLAIN <redacted>", error))
    return FALSE;

  reply = read_reply (c, "AUTH PLAIN", error);
  if (reply == NULL)
    return FALSE;

  /* A server that does not take the initial response asks for it with an empty 334. */
  if (reply->code == 334)
    {
      g_clear_pointer (&reply, sc_smtp_reply_free);
      if (!write_secret (c, payload, "<redacted>", error))
        return FALSE;

      reply = read_reply (c, "AUTH PLAIN", error);
      if (reply == NULL)
        return FALSE;
    }

  if (reply->code != 235)
    return auth_failed (c, reply, error);

  return TRUE;
}

static gboolean
auth_login (ScSmtpConnection  *c,
            GError           **error)
{
  const ScSmtpConfig *config = c->config;
  g_autoptr(ScSmtpReply) reply = NULL;
  g_autoptr(ScSecret) user = NULL;
  g_autoptr(ScSecret) pass = NULL;

  reply = send_command (c, "AUTH LOGIN", "AUTH LOGIN", error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 334)
    return auth_failed (c, reply, error);

  user = g_base64_encode ((const guchar *) config->login, strlen (config->login));
  if (!write_secret (c, user, "<redacted>", error))
    return FALSE;

  g_clear_pointer (&reply, sc_smtp_reply_free);
  reply = read_reply (c, "AUTH LOGIN", error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 334)
    return auth_failed (c, reply, error);

  pass = g_base64_encode ((const guchar *) config->password, strlen (config->password));
  add_secret (c, pass);
  if (!write_secret (c, pass, "<redacted>", error))
    return FALSE;

  g_clear_pointer (&reply, sc_smtp_reply_free);
  reply = read_reply (c, "AUTH LOGIN", error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 235)
    return auth_failed (c, reply, error);

  return TRUE;
}

static gboolean
authenticate (ScSmtpConnection  *c,
              GError           **error)
{
  const ScSmtpConfig *config = c->config;

  if (config->login == NULL || config->login[0] == '\0')
    return TRUE;

  /* Belt and braces: never reach this over plaintext to another machine. */
  if (c->tls == NULL && !(config->security == SC_SECURITY_NONE &&
                          sc_host_is_loopback (config->host)))
    {
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_INSECURE,
                   _("Refusing to send the password to %s unencrypted"), config->host);
      return FALSE;
    }

  if (!c->ext_auth)
    {
      c->in_sync = TRUE;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_UNAVAILABLE,
                   /* Translators: the first %s is the server, the second the login; AUTH is
                    * an SMTP keyword: keep it. */
                   _("%s does not offer authentication (AUTH), so %s cannot log in"),
                   config->host, config->login);
      return FALSE;
    }

  /* A shorter password cannot be told from ordinary words of a reply; its base64 forms are
   * always redacted. */
  if (strlen (config->password) >= 4)
    add_secret (c, config->password);

  if (has_mechanism (c, "PLAIN"))
    return auth_plain (c, error);

  if (has_mechanism (c, "LOGIN"))
    return auth_login (c, error);

  {
    g_autoptr(GString) offered = g_string_new (NULL);

    for (guint i = 0; i < c->auth_mechanisms->len; i++)
      g_string_append_printf (offered, "%s%s", i > 0 ? " " : "",
                              (const char *) g_ptr_array_index (c->auth_mechanisms, i));

    c->in_sync = TRUE;
    g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_UNAVAILABLE,
                 /* Translators: the first %s is the server, the second its list of SASL
                  * mechanisms (or "none"); PLAIN and LOGIN are mechanism names: keep them. */
                 _("%s offers no login method this program supports (it offers: %s; "
                   "supported: PLAIN, LOGIN)"),
                 config->host,
                 /* Translators: the server offers no login methods. */
                 offered->len > 0 ? offered->str : C_("login methods", "none"));
    return FALSE;
  }
}

static ScRefusedRecipient *
refused_recipient_new (const char *address,
                       const char *reply)
{
  ScRefusedRecipient *recipient = g_new0 (ScRefusedRecipient, 1);

  recipient->address = g_strdup (address);
  recipient->reply = g_strdup (reply);

  return recipient;
}

static gboolean
send_envelope (ScSmtpConnection  *c,
               const char        *from,
               GPtrArray         *recipients,
               goffset            size,
               GError           **error)
{
  g_autoptr(GString) mail = g_string_new (NULL);
  g_autoptr(ScSmtpReply) mail_reply = NULL;
  guint accepted = 0;

  g_string_append_printf (mail, "MAIL FROM:<%s>", from);
  if (c->ext_size)
    g_string_append_printf (mail, " SIZE=%" G_GOFFSET_FORMAT, size);
  if (c->ext_8bitmime)
    g_string_append (mail, " BODY=8BITMIME");

  if (c->ext_pipelining)
    {
      /* RFC 2920: MAIL and every RCPT in one write, then the replies in order. */
      g_autoptr(GString) batch = g_string_new (NULL);

      g_string_append_printf (batch, "%s\r\n", mail->str);
      for (guint i = 0; i < recipients->len; i++)
        g_string_append_printf (batch, "RCPT TO:<%s>\r\n",
                                (const char *) g_ptr_array_index (recipients, i));

      if (!write_commands (c, batch->str, NULL, "MAIL FROM", error))
        return FALSE;

      mail_reply = read_reply (c, "MAIL FROM", error);
      if (mail_reply == NULL)
        return FALSE;
    }
  else
    {
      mail_reply = send_command (c, mail->str, "MAIL FROM", error);
      if (mail_reply == NULL)
        return FALSE;

      if (mail_reply->code != 250)
        {
          c->in_sync = TRUE;
          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_SENDER_REFUSED,
                       /* Translators: the first %s is the address, the second the reply. */
                       _("The server refused the sender %s: %s"), from, mail_reply->text);
          return FALSE;
        }
    }

  for (guint i = 0; i < recipients->len; i++)
    {
      const char *to = g_ptr_array_index (recipients, i);
      g_autoptr(ScSmtpReply) reply = NULL;

      if (c->ext_pipelining)
        {
          reply = read_reply (c, "RCPT TO", error);
        }
      else
        {
          g_autofree char *line = g_strdup_printf ("RCPT TO:<%s>", to);

          reply = send_command (c, line, "RCPT TO", error);
        }
      if (reply == NULL)
        return FALSE;

      if (reply->code == 250 || reply->code == 251)
        accepted++;
      else
        g_ptr_array_add (c->refused, refused_recipient_new (to, reply->text));
    }

  if (mail_reply->code != 250)
    {
      c->in_sync = TRUE;
      g_ptr_array_set_size (c->refused, 0);
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_SENDER_REFUSED,
                   /* Translators: the first %s is the address, the second the reply. */
                   _("The server refused the sender %s: %s"), from, mail_reply->text);
      return FALSE;
    }

  if (accepted == 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      g_autoptr(ScSmtpReply) rset = NULL;

      for (guint i = 0; i < c->refused->len; i++)
        {
          ScRefusedRecipient *r = g_ptr_array_index (c->refused, i);

          g_string_append_printf (list, "%s%s (%s)", i > 0 ? "; " : "", r->address, r->reply);
        }

      /* Best effort; QUIT follows. */
      rset = send_command (c, "RSET", "RSET", NULL);

      c->in_sync = rset != NULL;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_RECIPIENTS_REFUSED,
                   /* Translators: %s lists each address with the server's reply. */
                   _("The server refused every recipient: %s"), list->str);
      return FALSE;
    }

  return TRUE;
}

static gboolean
send_data (ScSmtpConnection  *c,
           ScMessage         *message,
           GError           **error)
{
  const ScSmtpConfig *config = c->config;
  g_autoptr(ScSmtpReply) reply = NULL;
  g_autoptr(ScSmtpDataStream) counter = NULL;
  g_autoptr(GOutputStream) buffered = NULL;
  g_autoptr(GError) local_error = NULL;
  goffset total = sc_message_get_size (message);

  reply = send_command (c, "DATA", "DATA", error);
  if (reply == NULL)
    return FALSE;

  if (reply->code != 354)
    {
      c->in_sync = TRUE;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_MESSAGE_REFUSED,
                   /* Translators: %s is the server's reply. */
                   _("The server refused the message: %s"), reply->text);
      return FALSE;
    }
  g_clear_pointer (&reply, sc_smtp_reply_free);

  counter = g_object_new (SC_TYPE_SMTP_DATA_STREAM, NULL);
  counter->base = g_object_ref (c->output);
  counter->connection = c;
  counter->bytes_total = total;

  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (counter), DATA_BUFFER_SIZE);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (buffered), FALSE);

  emit_progress (c, 0, total);

  /* The message is dot-stuffed and ends with CRLF; ".\r\n" ends DATA (RFC 5321 §4.1.1.4). */
  if (!sc_message_write_data (message, buffered, c->cancellable, &local_error) ||
      !g_output_stream_write_all (buffered, ".\r\n", 3, NULL, c->cancellable, &local_error) ||
      !g_output_stream_flush (buffered, c->cancellable, &local_error))
    {
      /* Nothing must linger in the buffer: the connection is dead or will be dropped. */
      g_socket_close (c->socket, NULL);

      if (counter->failed || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        /* Translators: inserted into "Timed out sending %s: …" and "… was lost while
         * sending %s: …". */
        set_write_error (c, g_steal_pointer (&local_error), _("the message"), error);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_output_stream_close (buffered, NULL, NULL);

  emit_transcript (c, TRUE, ".");
  emit_progress (c, total, total);

  /* Translators: inserted into "the server's reply to %s". */
  reply = read_reply (c, _("the end of the message"), &local_error);
  if (reply == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN,
                     /* Translators: %u %s is a number of seconds ("30 seconds"). */
                     _("The server did not confirm the message; it may or may not have been "
                       "delivered (no reply within %u %s after the end of the message)"),
                     config->timeout_seconds, seconds_word (config->timeout_seconds));
      else if (local_error->domain == G_IO_ERROR)
        g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN,
                     _("The server did not confirm the message; it may or may not have been "
                       "delivered (the connection closed before its reply)"));
      else
        g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN,
                     /* Translators: %s is the reason. */
                     _("The server did not confirm the message; it may or may not have been "
                       "delivered (%s)"), local_error->message);
      return FALSE;
    }

  if (reply->code != 250)
    {
      c->in_sync = TRUE;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_MESSAGE_REFUSED,
                   /* Translators: %s is the server's reply. */
                   _("The server refused the message: %s"), reply->text);
      return FALSE;
    }

  g_debug ("%s accepted the message: %s", config->host, reply->text);
  c->final_reply = g_strdup (reply->text);

  return TRUE;
}

/* Best effort, bounded: QUIT and close. */
static void
close_connection (ScSmtpConnection *c,
                  gboolean          polite)
{
  if (c->connection == NULL)
    return;

  if (polite && !g_cancellable_is_cancelled (c->cancellable) && !g_socket_is_closed (c->socket))
    {
      g_autoptr(ScSmtpReply) reply = NULL;

      g_socket_set_timeout (c->socket,
                            MIN (c->config->timeout_seconds, QUIT_TIMEOUT_SECONDS));
      reply = send_command (c, "QUIT", "QUIT", NULL);
    }

  if (!polite)
    g_socket_close (c->socket, NULL);

  /* close_notify: bounded by the socket time-out, and skipped once cancelled */
  if (c->tls != NULL)
    g_io_stream_close (G_IO_STREAM (c->tls), c->cancellable, NULL);
  g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);
}

static void
sc_smtp_connection_clear (ScSmtpConnection *c)
{
  g_clear_object (&c->tls);
  g_clear_object (&c->connection);
  g_clear_pointer (&c->local_name, g_free);
  g_clear_pointer (&c->auth_mechanisms, g_ptr_array_unref);
  g_clear_pointer (&c->secrets, g_ptr_array_unref);
  g_clear_pointer (&c->refused, g_ptr_array_unref);
  g_clear_pointer (&c->final_reply, g_free);
}

static gboolean
send_message (ScSmtpConnection  *c,
              ScMessage         *message,
              GError           **error)
{
  const ScSmtpConfig *config = c->config;
  g_autoptr(ScSmtpReply) reply = NULL;
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
  const char *from;
  const char * const *to;
  goffset size;

  if (!sc_message_is_prepared (message) &&
      !sc_message_prepare (message, c->cancellable, error))
    return FALSE;

  from = sc_message_get_from (message);
  if (!check_envelope_address (C_("address role", "sender"), from, error))
    return FALSE;

  to = sc_message_get_to (message);
  for (guint i = 0; to != NULL && to[i] != NULL; i++)
    {
      if (!check_envelope_address (C_("address role", "recipient"), to[i], error))
        return FALSE;
      g_ptr_array_add (recipients, g_strdup (to[i]));
    }
  if (recipients->len == 0)
    {
      g_set_error_literal (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                           _("The message has no recipients"));
      return FALSE;
    }

  if (config->security == SC_SECURITY_NONE && !sc_host_is_loopback (config->host))
    {
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_INSECURE,
                   /* Translators: %s is the server; “none” is a setting value: keep it. */
                   _("Refusing to send to %s without encryption: security “none” is only "
                     "allowed for a server on this computer"), config->host);
      return FALSE;
    }

  if (!connect_to_server (c, error))
    return FALSE;

  if (config->security == SC_SECURITY_TLS && !start_tls (c, error))
    return FALSE;

  reply = read_reply (c, NULL, error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 220)
    {
      c->in_sync = TRUE;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_PROTOCOL,
                   /* Translators: "%s:%u" is the server and port, the last %s its reply. */
                   _("%s:%u refused the connection: %s"), config->host, config->port,
                   reply->text);
      return FALSE;
    }
  g_clear_pointer (&reply, sc_smtp_reply_free);

  if (!ehlo (c, error))
    return FALSE;

  if (config->security == SC_SECURITY_STARTTLS)
    {
      if (!c->ext_starttls)
        {
          c->in_sync = TRUE;
          gboolean has_login = config->login != NULL && config->login[0] != '\0';

          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_STARTTLS_UNAVAILABLE,
                       /* Translators: %s is the server; STARTTLS is an SMTP command: keep
                        * it. */
                       has_login ? _("%s does not offer STARTTLS; refusing to send the "
                                     "password unencrypted")
                                 /* Translators: %s is the server; keep STARTTLS. */
                                 : _("%s does not offer STARTTLS; refusing to send the "
                                     "message unencrypted"),
                       config->host);
          return FALSE;
        }

      reply = send_command (c, "STARTTLS", "STARTTLS", error);
      if (reply == NULL)
        return FALSE;
      if (reply->code != 220)
        {
          c->in_sync = TRUE;
          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_STARTTLS_UNAVAILABLE,
                       /* Translators: the first %s is the server, the second its reply;
                        * STARTTLS is an SMTP command: keep it. */
                       _("%s refused STARTTLS: %s"), config->host, reply->text);
          return FALSE;
        }
      g_clear_pointer (&reply, sc_smtp_reply_free);

      discard_buffer (c);

      if (!start_tls (c, error))
        return FALSE;

      /* RFC 3207 §4.2: forget everything learnt before TLS and ask again. */
      reset_extensions (c);
      if (!ehlo (c, error))
        return FALSE;
    }

  size = sc_message_get_size (message);
  if (c->ext_size && c->size_limit > 0 && (guint64) size > c->size_limit)
    {
      g_autofree char *size_str = g_format_size (size);
      g_autofree char *limit_str = g_format_size (c->size_limit);

      c->in_sync = TRUE;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_MESSAGE_TOO_LARGE,
                   /* Translators: the first %s is the server, the second the message's size
                    * and the third the server's limit, e.g. "12.3 MB". */
                   _("The message is too large for %s: %s, and the server accepts at most %s"),
                   config->host, size_str, limit_str);
      return FALSE;
    }

  if (!authenticate (c, error))
    return FALSE;

  if (!send_envelope (c, from, recipients, size, error))
    return FALSE;

  if (!send_data (c, message, error))
    return FALSE;

  return TRUE;
}

/* Runs on the thread that sends; everything it reads is in @job, and it writes only to what it
 * returns. */
static ScSendResult *
send_job_run (ScSendJob     *job,
              GCancellable  *cancellable,
              GError       **error)
{
  ScSmtpConnection c = { 0 };
  g_autoptr(GError) local_error = NULL;
  ScSendResult *result = NULL;

  c.job = job;
  c.config = &job->config;
  c.cancellable = cancellable;
  c.refused = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_refused_recipient_free);
  reset_extensions (&c);

  if (send_message (&c, job->message, &local_error))
    result = _sc_send_result_new (c.final_reply, g_steal_pointer (&c.refused));

  close_connection (&c, result != NULL || c.in_sync);
  sc_smtp_connection_clear (&c);

  if (result == NULL)
    {
      g_debug ("Sending to %s:%u failed: %s", job->config.host, job->config.port,
               local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return result;
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  ScSendResult *result;

  result = send_job_run (task_data, cancellable, &error);

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) sc_send_result_unref);
  else
    g_task_return_error (task, error);
}

/* ------------------------------------------------------------------------------------------ */
/* ScSmtpDataStream                                                                           */
/* ------------------------------------------------------------------------------------------ */

static gssize
sc_smtp_data_stream_write_fn (GOutputStream  *stream,
                              const void     *buffer,
                              gsize           count,
                              GCancellable   *cancellable,
                              GError        **error)
{
  ScSmtpDataStream *self = SC_SMTP_DATA_STREAM (stream);
  gssize written;
  gint64 now;

  written = g_output_stream_write (self->base, buffer, count, cancellable, error);
  if (written < 0)
    {
      self->failed = TRUE;
      return -1;
    }

  self->bytes_sent += written;

  now = g_get_monotonic_time ();
  if (now - self->last_report >= PROGRESS_INTERVAL_US)
    {
      self->last_report = now;
      emit_progress (self->connection, MIN (self->bytes_sent, self->bytes_total),
                     self->bytes_total);
    }

  return written;
}

static gboolean
sc_smtp_data_stream_flush (GOutputStream  *stream,
                           GCancellable   *cancellable,
                           GError        **error)
{
  ScSmtpDataStream *self = SC_SMTP_DATA_STREAM (stream);

  if (!g_output_stream_flush (self->base, cancellable, error))
    {
      self->failed = TRUE;
      return FALSE;
    }

  return TRUE;
}

static gboolean
sc_smtp_data_stream_close_fn (GOutputStream  *stream,
                              GCancellable   *cancellable,
                              GError        **error)
{
  /* The connection stays open for the reply. */
  return TRUE;
}

static void
sc_smtp_data_stream_finalize (GObject *object)
{
  ScSmtpDataStream *self = SC_SMTP_DATA_STREAM (object);

  g_clear_object (&self->base);

  G_OBJECT_CLASS (sc_smtp_data_stream_parent_class)->finalize (object);
}

static void
sc_smtp_data_stream_class_init (ScSmtpDataStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *output_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = sc_smtp_data_stream_finalize;
  output_class->write_fn = sc_smtp_data_stream_write_fn;
  output_class->flush = sc_smtp_data_stream_flush;
  output_class->close_fn = sc_smtp_data_stream_close_fn;
}

static void
sc_smtp_data_stream_init (ScSmtpDataStream *self)
{
}

/* ------------------------------------------------------------------------------------------ */
/* ScSmtpSession                                                                              */
/* ------------------------------------------------------------------------------------------ */

static void
sc_smtp_session_finalize (GObject *object)
{
  ScSmtpSession *self = SC_SMTP_SESSION (object);

  sc_smtp_config_clear (&self->config);

  G_OBJECT_CLASS (sc_smtp_session_parent_class)->finalize (object);
}

static void
sc_smtp_session_class_init (ScSmtpSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sc_smtp_session_finalize;

  /**
   * ScSmtpSession::progress:
   * @self: the session
   * @bytes_sent: bytes of the DATA payload written so far
   * @bytes_total: size of the DATA payload (sc_message_get_size ())
   *
   * Emitted as the message is uploaded, at most about 20 times a second, and once more when
   * all of it is written; for sc_smtp_session_send_async (), on the thread-default main context
   * of its caller.
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);

  /**
   * ScSmtpSession::transcript:
   * @self: the session
   * @outgoing: %TRUE for what we sent, %FALSE for what the server said
   * @line: one line without CRLF; AUTH payloads are already "<redacted>". The message content
   *   is never passed (the final "." that ends it is).
   *
   * Emitted for each line of the SMTP dialogue, in order, on the same context as
   * #ScSmtpSession::progress.
   */
  signals[SIGNAL_TRANSCRIPT] =
    g_signal_new ("transcript",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
sc_smtp_session_init (ScSmtpSession *self)
{
  self->config.timeout_seconds = SC_SETTINGS_DEFAULT_TIMEOUT;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_smtp_session_new:
 * @settings: the settings to send with
 *
 * Copies the server, security, CA file, time-out, login and password out of @settings: later
 * changes to @settings do not reach the session, which never reads them again.
 *
 * Returns: (transfer full): a new #ScSmtpSession
 */
ScSmtpSession *
sc_smtp_session_new (ScSettings *settings)
{
  ScSmtpSession *self;
  const char *host;
  const char *ca_file;
  const char *password;

  g_return_val_if_fail (SC_IS_SETTINGS (settings), NULL);

  self = g_object_new (SC_TYPE_SMTP_SESSION, NULL);

  host = sc_settings_get_smtp_host (settings);
  self->config.host = g_strdup (host != NULL ? host : "");
  self->config.port = (guint16) MIN (sc_settings_get_smtp_port (settings), G_MAXUINT16);
  self->config.security = sc_settings_get_security (settings);
  ca_file = sc_settings_get_ca_file (settings);
  self->config.ca_file = (ca_file != NULL && ca_file[0] != '\0') ? g_strdup (ca_file) : NULL;
  if (sc_settings_get_timeout_seconds (settings) > 0)
    self->config.timeout_seconds = sc_settings_get_timeout_seconds (settings);
  self->config.login = g_strdup (sc_settings_get_login (settings));
  password = sc_settings_get_password (settings);
  self->config.password = g_strdup (password != NULL ? password : "");

  return self;
}

/**
 * sc_smtp_session_send_sync:
 * @self: a #ScSmtpSession
 * @message: the message (prepared here if it is not yet)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Connects, secures the connection, logs in and sends @message; blocking. The signals are
 * emitted on the calling thread.
 *
 * Some recipients may have been refused even on success: see sc_send_result_get_refused ().
 * A refused sender or message, or every recipient refused, is an %SC_SMTP_ERROR; so is a
 * final reply that never came (%SC_SMTP_ERROR_DELIVERY_UNCERTAIN). The connection's failures
 * keep their #G_IO_ERROR or #G_TLS_ERROR code.
 *
 * Returns: (transfer full): what the server said, or %NULL on error
 */
ScSendResult *
sc_smtp_session_send_sync (ScSmtpSession  *self,
                           ScMessage      *message,
                           GCancellable   *cancellable,
                           GError        **error)
{
  ScSendJob *job;
  ScSendResult *result;

  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), NULL);
  g_return_val_if_fail (SC_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  job = sc_send_job_new (self, message, NULL);
  result = send_job_run (job, cancellable, error);
  sc_send_job_free (job);

  return result;
}

/**
 * sc_smtp_session_send_async:
 * @self: a #ScSmtpSession
 * @message: the message; it is prepared on the worker thread if it is not yet
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the current thread-default main context when done
 * @user_data: data for @callback
 *
 * Runs sc_smtp_session_send_sync () on a worker thread. The signals are emitted on the
 * thread-default main context of the caller, all of them before @callback.
 */
void
sc_smtp_session_send_async (ScSmtpSession       *self,
                            ScMessage           *message,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GMainContext) context = NULL;

  g_return_if_fail (SC_IS_SMTP_SESSION (self));
  g_return_if_fail (SC_IS_MESSAGE (message));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_smtp_session_send_async);
  g_task_set_name (task, "[sc] smtp send");
  g_task_set_task_data (task, sc_send_job_new (self, message, context), sc_send_job_free);
  g_task_run_in_thread (task, send_thread);
}

/**
 * sc_smtp_session_send_finish:
 * @self: a #ScSmtpSession
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what the server said, or %NULL on error (see
 *   sc_smtp_session_send_sync ())
 */
ScSendResult *
sc_smtp_session_send_finish (ScSmtpSession  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sc_smtp_session_send_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

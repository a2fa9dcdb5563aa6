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

#include "sc-error.h"
#include "sc-util.h"
#include "sc-tls-stream.h"

#define READ_BUFFER_SIZE      4096
#define REPLY_LINE_MAX        (16 * 1024)   /* RFC 5321 says 512; be lenient, but bounded */
#define REPLY_LINES_MAX       1000
#define DATA_BUFFER_SIZE      (128 * 1024)
#define PROGRESS_INTERVAL_US  (G_USEC_PER_SEC / 20)
#define QUIT_TIMEOUT_SECONDS  5

/* ------------------------------------------------------------------------------------------ */
/* Types                                                                                      */
/* ------------------------------------------------------------------------------------------ */

struct _ScSmtpSession
{
  GObject               parent_instance;

  /* Copied from the settings: the session never looks at them again. */
  char                 *host;
  guint16               port;
  ScSecurity            security;
  char                 *ca_file;
  guint                 timeout_seconds;
  char                 *login;
  char                 *password;

  ScSmtpProgressFunc    progress_func;
  gpointer              progress_data;
  GDestroyNotify        progress_destroy;
  ScSmtpTranscriptFunc  transcript_func;
  gpointer              transcript_data;
  GDestroyNotify        transcript_destroy;

  /* Results of the last send. */
  GPtrArray            *refused;
  char                 *last_reply;
};

G_DEFINE_FINAL_TYPE (ScSmtpSession, sc_smtp_session, G_TYPE_OBJECT)

/* Hands progress and transcript lines from the sending thread to the main context that called
 * sc_smtp_session_send_async (), with at most one dispatch pending at a time. */
typedef struct
{
  GMainContext  *context;
  ScSmtpSession *session;
  GMutex         mutex;
  gboolean       dispatch_pending;
  gboolean       progress_pending;
  goffset        bytes_sent;
  goffset        bytes_total;
  GQueue         lines;
} ScSmtpRelay;

typedef struct
{
  gboolean  outgoing;
  char     *line;
} ScTranscriptLine;

typedef struct
{
  int        code;
  GPtrArray *lines;   /* the text of each line, after "NNN-" / "NNN " */
  char      *text;    /* "550 5.1.1 <x@example.com>: Recipient address rejected", one line */
} ScSmtpReply;

/* What the worker of sc_smtp_session_send_async () needs besides the session. */
typedef struct
{
  ScSmtpSession *session;   /* released on @context, see send_task_data_free () */
  ScMessage     *message;
  ScSmtpRelay   *relay;     /* NULL when there is no callback to relay */
  GMainContext  *context;   /* the caller's */
} ScSendTaskData;

/* One connection, for the duration of one sc_smtp_session_send_sync (). */
typedef struct
{
  ScSmtpSession     *session;
  ScSmtpRelay       *relay;
  GCancellable      *cancellable;

  GSocketConnection *connection;
  GSocket           *socket;
  ScTlsStream       *tls;
  GInputStream      *input;
  GOutputStream     *output;
  char              *local_name;

  char               buffer[READ_BUFFER_SIZE];
  gsize              buffer_pos;
  gsize              buffer_len;

  /* EHLO extensions */
  gboolean           ext_size;
  guint64            size_limit;
  gboolean           ext_pipelining;
  gboolean           ext_8bitmime;
  gboolean           ext_smtputf8;
  gboolean           ext_starttls;
  gboolean           ext_enhanced;
  gboolean           ext_auth;
  GPtrArray         *auth_mechanisms;

  /* What we sent during AUTH: a server may echo it in a reply, never shown again */
  GPtrArray         *secrets;

  /* The last error was a reply from a server that still listens: QUIT politely. */
  gboolean           in_sync;
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
 * transcript, error messages and the last reply, so the secrets become "<redacted>". Takes
 * @line, returns the redacted copy. */
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

/* The bare address for MAIL FROM / RCPT TO: "Name <a@b>" → "a@b"; refuses anything that could
 * inject a command (line breaks, angle brackets, control characters, spaces). */
static char *
envelope_address (const char  *address,
                  GError     **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (address != NULL ? address : ""));
  const char *start = copy;
  const char *end = copy + strlen (copy);
  const char *lt = strrchr (copy, '<');

  if (lt != NULL)
    {
      const char *gt = strchr (lt, '>');

      if (gt != NULL && gt[1] == '\0')
        {
          start = lt + 1;
          end = gt;
        }
    }

  for (const char *p = start; p < end; p++)
    {
      if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
        {
          g_autofree char *shown = g_strescape (address != NULL ? address : "", NULL);

          g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                       _("“%s” is not a valid e-mail address"), shown);
          return NULL;
        }
    }

  if (start == end || memchr (start, '@', end - start) == NULL)
    {
      g_autofree char *shown = g_strescape (address != NULL ? address : "", NULL);

      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   _("“%s” is not a valid e-mail address"), shown);
      return NULL;
    }

  return g_strndup (start, end - start);
}

static gboolean
is_ascii (const char *str)
{
  for (const char *p = str; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80)
        return FALSE;
    }

  return TRUE;
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
/* Relay to the main context                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void
transcript_line_free (gpointer data)
{
  ScTranscriptLine *line = data;

  g_free (line->line);
  g_free (line);
}

static void
sc_smtp_relay_clear (gpointer data)
{
  ScSmtpRelay *relay = data;

  g_queue_clear_full (&relay->lines, transcript_line_free);
  g_mutex_clear (&relay->mutex);
  g_clear_object (&relay->session);
  g_clear_pointer (&relay->context, g_main_context_unref);
}

static ScSmtpRelay *
sc_smtp_relay_new (ScSmtpSession *session,
                   GMainContext  *context)
{
  ScSmtpRelay *relay = g_atomic_rc_box_new0 (ScSmtpRelay);

  relay->session = g_object_ref (session);
  relay->context = g_main_context_ref (context);
  g_mutex_init (&relay->mutex);
  g_queue_init (&relay->lines);

  return relay;
}

static void
sc_smtp_relay_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, sc_smtp_relay_clear);
}

static gboolean
sc_smtp_relay_dispatch_cb (gpointer data)
{
  ScSmtpRelay *relay = data;
  ScSmtpSession *session = relay->session;
  GQueue lines = G_QUEUE_INIT;
  gboolean progress;
  goffset sent;
  goffset total;

  g_mutex_lock (&relay->mutex);
  lines = relay->lines;
  g_queue_init (&relay->lines);
  progress = relay->progress_pending;
  sent = relay->bytes_sent;
  total = relay->bytes_total;
  relay->progress_pending = FALSE;
  relay->dispatch_pending = FALSE;
  g_mutex_unlock (&relay->mutex);

  for (GList *l = lines.head; l != NULL; l = l->next)
    {
      ScTranscriptLine *line = l->data;

      if (session->transcript_func != NULL)
        session->transcript_func (line->outgoing, line->line, session->transcript_data);
    }
  g_queue_clear_full (&lines, transcript_line_free);

  if (progress && session->progress_func != NULL)
    session->progress_func (sent, total, session->progress_data);

  return G_SOURCE_REMOVE;
}

/* Called with relay->mutex held. */
static void
sc_smtp_relay_schedule_locked (ScSmtpRelay *relay)
{
  GSource *source;

  if (relay->dispatch_pending)
    return;

  relay->dispatch_pending = TRUE;

  /* An idle source, not g_main_context_invoke (): that could run the callback right here on
   * the worker when the main context happens to be free. Same priority as the GTask's
   * completion, and attached earlier, so the last progress arrives before the result. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[sc] smtp progress");
  g_source_set_callback (source, sc_smtp_relay_dispatch_cb,
                         g_atomic_rc_box_acquire (relay), sc_smtp_relay_unref);
  g_source_attach (source, relay->context);
  g_source_unref (source);
}

/* ------------------------------------------------------------------------------------------ */
/* Transcript and progress                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
emit_transcript (ScSmtpConnection *c,
                 gboolean          outgoing,
                 const char       *line)
{
  ScSmtpSession *session = c->session;

  if (session->transcript_func == NULL)
    return;

  if (c->relay == NULL)
    {
      session->transcript_func (outgoing, line, session->transcript_data);
      return;
    }

  {
    ScTranscriptLine *item = g_new0 (ScTranscriptLine, 1);

    item->outgoing = outgoing;
    item->line = g_strdup (line);

    g_mutex_lock (&c->relay->mutex);
    g_queue_push_tail (&c->relay->lines, item);
    sc_smtp_relay_schedule_locked (c->relay);
    g_mutex_unlock (&c->relay->mutex);
  }
}

static void
emit_progress (ScSmtpConnection *c,
               goffset           sent,
               goffset           total)
{
  ScSmtpSession *session = c->session;

  if (session->progress_func == NULL)
    return;

  if (c->relay == NULL)
    {
      session->progress_func (sent, total, session->progress_data);
      return;
    }

  g_mutex_lock (&c->relay->mutex);
  c->relay->bytes_sent = sent;
  c->relay->bytes_total = total;
  c->relay->progress_pending = TRUE;
  sc_smtp_relay_schedule_locked (c->relay);
  g_mutex_unlock (&c->relay->mutex);
}

/* ------------------------------------------------------------------------------------------ */
/* Error mapping                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* A failed read while waiting for a reply to @command (NULL: the greeting). */
static void
set_read_error (ScSmtpConnection  *c,
                GError            *io_error,
                const char        *command,
                GError           **error)
{
  g_autofree char *phrase_free = NULL;
  const char *phrase = waiting_for_phrase (command, &phrase_free);

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      io_error->domain == SC_SMTP_ERROR)
    {
      g_propagate_error (error, io_error);
      return;
    }

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* A silent server right after connecting is most often one that waits for a TLS
       * handshake: say what to change. */
      gboolean hint = command == NULL && c->session->security != SC_SECURITY_TLS;

      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_TIMEOUT,
                   /* Translators: the first %s is e.g. "the server's greeting", %u %s is a
                    * number of seconds ("30 seconds"), the last %s is empty or the hint
                    * "; if this port expects TLS …". */
                   _("Timed out waiting for %s (no answer for %u %s)%s"),
                   phrase, c->session->timeout_seconds,
                   seconds_word (c->session->timeout_seconds),
                   /* Translators: appended to "Timed out waiting for the server's greeting
                    * (…)"; “tls” is a setting value: keep it. */
                   hint ? _("; if this port expects TLS from the start (usually port 465), "
                            "set the security to “tls”") : "");
    }
  else
    {
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_CONNECTION_LOST,
                   /* Translators: the first %s is the server, the second e.g. "the server's
                    * greeting", the third the reason. */
                   _("The connection to %s was lost while waiting for %s: %s"),
                   c->session->host, phrase, io_error->message);
    }

  g_error_free (io_error);
}

/* A failed write of @what ("EHLO", "the message"). */
static void
set_write_error (ScSmtpConnection  *c,
                 GError            *io_error,
                 const char        *what,
                 GError           **error)
{
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      io_error->domain == SC_SMTP_ERROR)
    {
      g_propagate_error (error, io_error);
      return;
    }

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_TIMEOUT,
                   /* Translators: the first %s is an SMTP command such as "MAIL FROM" or
                    * "the message"; %u %s is a number of seconds ("30 seconds"). */
                   _("Timed out sending %s: the server accepted no data for %u %s"),
                   what, c->session->timeout_seconds,
                   seconds_word (c->session->timeout_seconds));
    }
  else
    {
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_CONNECTION_LOST,
                   /* Translators: the first %s is the server, the second an SMTP command
                    * such as "MAIL FROM" or "the message", the third the reason. */
                   _("The connection to %s was lost while sending %s: %s"),
                   c->session->host, what, io_error->message);
    }

  g_error_free (io_error);
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

          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_CONNECTION_LOST,
                       /* Translators: the first %s is the server, the second e.g. "the
                        * server's greeting". */
                       _("%s closed the connection while we were waiting for %s"),
                       c->session->host, waiting_for_phrase (command, &phrase_free));
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

  g_free (c->session->last_reply);
  c->session->last_reply = g_strdup (reply->text);

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
  ScSmtpSession *session = c->session;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocketAddress) local_address = NULL;
  g_autofree char *bare_host = sc_host_strip_brackets (session->host);

  g_socket_client_set_timeout (client, session->timeout_seconds);
  g_socket_client_set_enable_proxy (client, FALSE);

  address = g_network_address_new (bare_host, session->port);
  c->connection = g_socket_client_connect (client, address, c->cancellable, &local_error);
  if (c->connection == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_CONNECT,
                   /* Translators: "%s:%u" is the server and port, the last %s the reason. */
                   _("Could not connect to %s:%u: %s"),
                   session->host, session->port, connect_reason (local_error->message));
      return FALSE;
    }

  c->socket = g_socket_connection_get_socket (c->connection);
  g_socket_set_timeout (c->socket, session->timeout_seconds);
  if (!g_socket_set_option (c->socket, IPPROTO_TCP, TCP_NODELAY, TRUE, &local_error))
    {
      g_debug ("Could not set TCP_NODELAY: %s", local_error->message);
      g_clear_error (&local_error);
    }

  /* "security": "none" is for a server on this machine: make sure the name really led here. */
  if (session->security == SC_SECURITY_NONE)
    {
      g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (c->connection,
                                                                                 NULL);

      if (!G_IS_INET_SOCKET_ADDRESS (remote) ||
          !g_inet_address_get_is_loopback (
             g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))))
        {
          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_INSECURE,
                       _("Refusing to talk to %s without encryption: it is not this computer"),
                       session->host);
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
  g_autofree char *bare_host = sc_host_strip_brackets (c->session->host);

  c->tls = sc_tls_stream_new (G_IO_STREAM (c->connection), bare_host,
                              c->session->ca_file, error);
  if (c->tls == NULL)
    return FALSE;

  if (!sc_tls_stream_handshake (c->tls, c->cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          local_error->domain == SC_SMTP_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
        }
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_TIMEOUT,
                       /* Translators: %s is the server; %u %s is a number of seconds. */
                       _("Timed out during the TLS handshake with %s (no answer for %u %s)"),
                       c->session->host, c->session->timeout_seconds,
                       seconds_word (c->session->timeout_seconds));
        }
      else
        {
          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_TLS,
                       /* Translators: the first %s is the server, the second the reason. */
                       _("The TLS handshake with %s failed: %s"),
                       c->session->host, local_error->message);
        }
      return FALSE;
    }

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN) == FALSE)
    {
      g_autofree char *desc = sc_tls_stream_get_description (c->tls);

      g_debug ("TLS with %s: %s", c->session->host, desc);
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
  c->ext_smtputf8 = FALSE;
  c->ext_starttls = FALSE;
  c->ext_enhanced = FALSE;
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
      else if (g_ascii_strcasecmp (keyword, "SMTPUTF8") == 0)
        c->ext_smtputf8 = TRUE;
      else if (g_ascii_strcasecmp (keyword, "STARTTLS") == 0)
        c->ext_starttls = TRUE;
      else if (g_ascii_strcasecmp (keyword, "ENHANCEDSTATUSCODES") == 0)
        c->ext_enhanced = TRUE;
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

static gboolean
auth_plain (ScSmtpConnection  *c,
            GError           **error)
{
  ScSmtpSession *session = c->session;
  gsize login_len = strlen (session->login);
  gsize password_len = strlen (session->password);
  gsize len = login_len + password_len + 2;
  g_autoptr(ScSecret) payload = NULL;
  g_autoptr(ScSecret) line = NULL;
  g_autoptr(ScSmtpReply) reply = NULL;
  char *raw;

  /* authzid NUL authcid NUL password, the password as its UTF-8 bytes (RFC 4616) */
  raw = g_malloc (len);
  raw[0] = '\0';
  memcpy (raw + 1, session->login, login_len);
  raw[1 + login_len] = '\0';
  memcpy (raw + 2 + login_len, session->password, password_len);
  payload = g_base64_encode ((const guchar *) raw, len);
  explicit_bzero (raw, len);
  g_free (raw);
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
  ScSmtpSession *session = c->session;
  g_autoptr(ScSmtpReply) reply = NULL;
  g_autoptr(ScSecret) user = NULL;
  g_autoptr(ScSecret) pass = NULL;

  reply = send_command (c, "AUTH LOGIN", "AUTH LOGIN", error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 334)
    return auth_failed (c, reply, error);

  user = g_base64_encode ((const guchar *) session->login, strlen (session->login));
  if (!write_secret (c, user, "<redacted>", error))
    return FALSE;

  g_clear_pointer (&reply, sc_smtp_reply_free);
  reply = read_reply (c, "AUTH LOGIN", error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 334)
    return auth_failed (c, reply, error);

  pass = g_base64_encode ((const guchar *) session->password, strlen (session->password));
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
  ScSmtpSession *session = c->session;

  if (session->login == NULL || session->login[0] == '\0')
    return TRUE;

  /* Belt and braces: never reach this over plaintext to another machine. */
  if (c->tls == NULL && !(session->security == SC_SECURITY_NONE &&
                          sc_host_is_loopback (session->host)))
    {
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_INSECURE,
                   _("Refusing to send the password to %s unencrypted"), session->host);
      return FALSE;
    }

  if (!c->ext_auth)
    {
      c->in_sync = TRUE;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_AUTH_UNAVAILABLE,
                   /* Translators: the first %s is the server, the second the login; AUTH is
                    * an SMTP keyword: keep it. */
                   _("%s does not offer authentication (AUTH), so %s cannot log in"),
                   session->host, session->login);
      return FALSE;
    }

  /* A shorter password cannot be told from ordinary words of a reply; its base64 forms are
   * always redacted. */
  if (strlen (session->password) >= 4)
    add_secret (c, session->password);

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
                 session->host,
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
  ScSmtpSession *session = c->session;
  g_autoptr(GString) mail = g_string_new (NULL);
  g_autoptr(ScSmtpReply) mail_reply = NULL;
  gboolean need_utf8 = !is_ascii (from);
  guint accepted = 0;

  for (guint i = 0; i < recipients->len; i++)
    need_utf8 = need_utf8 || !is_ascii (g_ptr_array_index (recipients, i));

  g_string_append_printf (mail, "MAIL FROM:<%s>", from);
  if (c->ext_size)
    g_string_append_printf (mail, " SIZE=%" G_GOFFSET_FORMAT, size);
  if (c->ext_8bitmime)
    g_string_append (mail, " BODY=8BITMIME");
  if (need_utf8 && c->ext_smtputf8)
    g_string_append (mail, " SMTPUTF8");

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
        g_ptr_array_add (session->refused, refused_recipient_new (to, reply->text));
    }

  if (mail_reply->code != 250)
    {
      c->in_sync = TRUE;
      g_ptr_array_set_size (session->refused, 0);
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_SENDER_REFUSED,
                   /* Translators: the first %s is the address, the second the reply. */
                   _("The server refused the sender %s: %s"), from, mail_reply->text);
      return FALSE;
    }

  if (accepted == 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      g_autoptr(ScSmtpReply) rset = NULL;

      for (guint i = 0; i < session->refused->len; i++)
        {
          ScRefusedRecipient *r = g_ptr_array_index (session->refused, i);

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
  ScSmtpSession *session = c->session;
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

      if (g_error_matches (local_error, SC_SMTP_ERROR, SC_SMTP_ERROR_TIMEOUT))
        g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN,
                     /* Translators: %u %s is a number of seconds ("30 seconds"). */
                     _("The server did not confirm the message; it may or may not have been "
                       "delivered (no reply within %u %s after the end of the message)"),
                     session->timeout_seconds, seconds_word (session->timeout_seconds));
      else if (g_error_matches (local_error, SC_SMTP_ERROR, SC_SMTP_ERROR_CONNECTION_LOST))
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

  g_debug ("%s accepted the message: %s", session->host, reply->text);

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
      g_autofree char *last_reply = g_strdup (c->session->last_reply);

      g_socket_set_timeout (c->socket,
                            MIN (c->session->timeout_seconds, QUIT_TIMEOUT_SECONDS));
      reply = send_command (c, "QUIT", "QUIT", NULL);

      /* The UI wants the reply that mattered ("250 … queued as …"), not "221 Bye". */
      g_free (c->session->last_reply);
      c->session->last_reply = g_steal_pointer (&last_reply);
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
}

static gboolean
send_message (ScSmtpConnection  *c,
              ScMessage         *message,
              GError           **error)
{
  ScSmtpSession *session = c->session;
  g_autoptr(ScSmtpReply) reply = NULL;
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *from = NULL;
  const char * const *to;
  goffset size;

  if (!sc_message_is_prepared (message) &&
      !sc_message_prepare (message, c->cancellable, error))
    return FALSE;

  from = envelope_address (sc_message_get_from (message), error);
  if (from == NULL)
    return FALSE;

  to = sc_message_get_to (message);
  for (guint i = 0; to != NULL && to[i] != NULL; i++)
    {
      char *address = envelope_address (to[i], error);

      if (address == NULL)
        return FALSE;
      g_ptr_array_add (recipients, address);
    }
  if (recipients->len == 0)
    {
      g_set_error_literal (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                           _("The message has no recipients"));
      return FALSE;
    }

  if (session->security == SC_SECURITY_NONE && !sc_host_is_loopback (session->host))
    {
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_INSECURE,
                   /* Translators: %s is the server; “none” is a setting value: keep it. */
                   _("Refusing to send to %s without encryption: security “none” is only "
                     "allowed for a server on this computer"), session->host);
      return FALSE;
    }

  if (!connect_to_server (c, error))
    return FALSE;

  if (session->security == SC_SECURITY_TLS && !start_tls (c, error))
    return FALSE;

  reply = read_reply (c, NULL, error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 220)
    {
      c->in_sync = TRUE;
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_CONNECT,
                   /* Translators: "%s:%u" is the server and port, the last %s its reply. */
                   _("%s:%u refused the connection: %s"), session->host, session->port,
                   reply->text);
      return FALSE;
    }
  g_clear_pointer (&reply, sc_smtp_reply_free);

  if (!ehlo (c, error))
    return FALSE;

  if (session->security == SC_SECURITY_STARTTLS)
    {
      if (!c->ext_starttls)
        {
          c->in_sync = TRUE;
          gboolean has_login = session->login != NULL && session->login[0] != '\0';

          g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_STARTTLS_UNAVAILABLE,
                       /* Translators: %s is the server; STARTTLS is an SMTP command: keep
                        * it. */
                       has_login ? _("%s does not offer STARTTLS; refusing to send the "
                                     "password unencrypted")
                                 /* Translators: %s is the server; keep STARTTLS. */
                                 : _("%s does not offer STARTTLS; refusing to send the "
                                     "message unencrypted"),
                       session->host);
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
                       _("%s refused STARTTLS: %s"), session->host, reply->text);
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
                   session->host, size_str, limit_str);
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

static gboolean
send_internal (ScSmtpSession  *self,
               ScMessage      *message,
               ScSmtpRelay    *relay,
               GCancellable   *cancellable,
               GError        **error)
{
  ScSmtpConnection c = { 0 };
  g_autoptr(GError) local_error = NULL;
  gboolean ret;

  g_ptr_array_set_size (self->refused, 0);
  g_clear_pointer (&self->last_reply, g_free);

  c.session = self;
  c.relay = relay;
  c.cancellable = cancellable;
  reset_extensions (&c);

  ret = send_message (&c, message, &local_error);

  close_connection (&c, ret || c.in_sync);
  sc_smtp_connection_clear (&c);

  if (!ret)
    {
      g_debug ("Sending to %s:%u failed: %s", self->host, self->port, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return ret;
}

static gboolean
unref_idle_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScSmtpSession *self = source_object;
  ScSendTaskData *data = task_data;
  GError *error = NULL;
  gboolean ret;

  ret = send_internal (self, data->message, data->relay, cancellable, &error);

  if (ret)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
send_task_data_free (gpointer user_data)
{
  ScSendTaskData *data = user_data;

  g_clear_object (&data->message);
  g_clear_pointer (&data->relay, sc_smtp_relay_unref);

  /* The worker drops its reference to the task after the task has completed, so the task, and
   * with it the session's last reference, may go away on the worker. The session's destroy
   * notifies free the caller's data (a widget, say): GTask drops its source object before the
   * task data, so this reference is the last one, and it goes to the caller's main context. */
  if (g_main_context_is_owner (data->context))
    {
      g_clear_object (&data->session);
    }
  else
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, "[sc] smtp session release");
      g_source_set_callback (source, unref_idle_cb, g_steal_pointer (&data->session),
                             g_object_unref);
      g_source_attach (source, data->context);
      g_source_unref (source);
    }

  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
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

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  if (self->transcript_destroy != NULL)
    self->transcript_destroy (self->transcript_data);

  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->login, g_free);
  g_clear_pointer (&self->password, sc_secret_free);
  g_clear_pointer (&self->refused, g_ptr_array_unref);
  g_clear_pointer (&self->last_reply, g_free);

  G_OBJECT_CLASS (sc_smtp_session_parent_class)->finalize (object);
}

static void
sc_smtp_session_class_init (ScSmtpSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sc_smtp_session_finalize;
}

static void
sc_smtp_session_init (ScSmtpSession *self)
{
  self->refused = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_refused_recipient_free);
  self->timeout_seconds = SC_SETTINGS_DEFAULT_TIMEOUT;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_refused_recipient_free:
 * @recipient: (transfer full): a #ScRefusedRecipient
 */
void
sc_refused_recipient_free (ScRefusedRecipient *recipient)
{
  if (recipient == NULL)
    return;

  g_free (recipient->address);
  g_free (recipient->reply);
  g_free (recipient);
}

/**
 * sc_smtp_session_new:
 * @settings: the settings to send with
 *
 * Copies the server, security, CA file, time-out, login and password out of @settings: later
 * changes to @settings do not reach the session, which can be used on another thread.
 *
 * Returns: (transfer full): a new #ScSmtpSession
 */
ScSmtpSession *
sc_smtp_session_new (ScSettings *settings)
{
  ScSmtpSession *self;
  const char *host;
  const char *ca_file;

  g_return_val_if_fail (SC_IS_SETTINGS (settings), NULL);

  self = g_object_new (SC_TYPE_SMTP_SESSION, NULL);

  host = sc_settings_get_smtp_host (settings);
  self->host = g_strdup (host != NULL ? host : "");
  self->port = (guint16) MIN (sc_settings_get_smtp_port (settings), G_MAXUINT16);
  self->security = sc_settings_get_security (settings);
  ca_file = sc_settings_get_ca_file (settings);
  self->ca_file = (ca_file != NULL && ca_file[0] != '\0') ? g_strdup (ca_file) : NULL;
  self->timeout_seconds = sc_settings_get_timeout_seconds (settings);
  if (self->timeout_seconds == 0)
    self->timeout_seconds = SC_SETTINGS_DEFAULT_TIMEOUT;
  self->login = g_strdup (sc_settings_get_login (settings));
  self->password = g_strdup (sc_settings_get_password (settings));
  if (self->password == NULL)
    self->password = g_strdup ("");

  return self;
}

/**
 * sc_smtp_session_set_progress_func:
 * @self: a #ScSmtpSession
 * @func: (nullable): called as the message is uploaded
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * Sets the progress callback. Do not call while a send is running.
 */
void
sc_smtp_session_set_progress_func (ScSmtpSession      *self,
                                   ScSmtpProgressFunc  func,
                                   gpointer            user_data,
                                   GDestroyNotify      destroy)
{
  g_return_if_fail (SC_IS_SMTP_SESSION (self));

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);

  self->progress_func = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

/**
 * sc_smtp_session_set_transcript_func:
 * @self: a #ScSmtpSession
 * @func: (nullable): called with each command and reply line
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * Sets the transcript callback. AUTH payloads are replaced with "<redacted>"; the message
 * content is never passed. Do not call while a send is running.
 */
void
sc_smtp_session_set_transcript_func (ScSmtpSession        *self,
                                     ScSmtpTranscriptFunc  func,
                                     gpointer              user_data,
                                     GDestroyNotify        destroy)
{
  g_return_if_fail (SC_IS_SMTP_SESSION (self));

  if (self->transcript_destroy != NULL)
    self->transcript_destroy (self->transcript_data);

  self->transcript_func = func;
  self->transcript_data = user_data;
  self->transcript_destroy = destroy;
}

/**
 * sc_smtp_session_send_sync:
 * @self: a #ScSmtpSession
 * @message: the message (prepared here if it is not yet)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Connects, secures the connection, logs in and sends @message; blocking. Some recipients may
 * have been refused even when this returns %TRUE: see
 * sc_smtp_session_get_refused_recipients ().
 *
 * Returns: %TRUE if the server accepted the message for at least one recipient
 */
gboolean
sc_smtp_session_send_sync (ScSmtpSession  *self,
                           ScMessage      *message,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), FALSE);
  g_return_val_if_fail (SC_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return send_internal (self, message, NULL, cancellable, error);
}

/**
 * sc_smtp_session_send_async:
 * @self: a #ScSmtpSession
 * @message: the message; it is prepared on the worker thread if it is not yet
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the current thread-default main context when done
 * @user_data: data for @callback
 *
 * Runs sc_smtp_session_send_sync () on a worker thread. The progress and transcript callbacks
 * are called on the thread-default main context of the caller.
 */
void
sc_smtp_session_send_async (ScSmtpSession       *self,
                            ScMessage           *message,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ScSendTaskData *data;

  g_return_if_fail (SC_IS_SMTP_SESSION (self));
  g_return_if_fail (SC_IS_MESSAGE (message));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_smtp_session_send_async);
  g_task_set_name (task, "[sc] smtp send");

  data = g_new0 (ScSendTaskData, 1);
  data->session = g_object_ref (self);
  data->message = g_object_ref (message);
  data->context = g_main_context_ref_thread_default ();
  if (self->progress_func != NULL || self->transcript_func != NULL)
    data->relay = sc_smtp_relay_new (self, data->context);
  g_task_set_task_data (task, data, send_task_data_free);

  g_task_run_in_thread (task, send_thread);
}

/**
 * sc_smtp_session_send_finish:
 * @self: a #ScSmtpSession
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the message was sent
 */
gboolean
sc_smtp_session_send_finish (ScSmtpSession  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sc_smtp_session_send_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sc_smtp_session_get_refused_recipients:
 * @self: a #ScSmtpSession
 *
 * Returns: (transfer none) (element-type ScRefusedRecipient): the recipients the server refused
 *   during the last send, each with its reply; empty when all were accepted
 */
GPtrArray *
sc_smtp_session_get_refused_recipients (ScSmtpSession *self)
{
  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), NULL);

  return self->refused;
}

/**
 * sc_smtp_session_get_last_reply:
 * @self: a #ScSmtpSession
 *
 * Returns: (nullable): the last reply of the server in the last send, on one line, e.g.
 *   "250 2.0.0 Ok: queued as 12345"; valid until the next send
 */
const char *
sc_smtp_session_get_last_reply (ScSmtpSession *self)
{
  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), NULL);

  return self->last_reply;
}

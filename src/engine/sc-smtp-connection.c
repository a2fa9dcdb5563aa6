/* sc-smtp-connection.c — one SMTP connection: replies, commands, STARTTLS and AUTH
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-smtp-session"

#include "config.h"

#include "sc-smtp-connection-private.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "sc-error.h"

#define REPLY_LINE_MAX        (16 * 1024)   /* RFC 5321 says 512; be lenient, but bounded */
#define REPLY_LINES_MAX       1000
#define QUIT_TIMEOUT_SECONDS  5

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                              */
/* ------------------------------------------------------------------------------------------ */

void
_sc_smtp_reply_free (ScSmtpReply *reply)
{
  g_clear_pointer (&reply->lines, g_ptr_array_unref);
  g_free (reply->text);
  g_free (reply);
}

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
 * port ourselves, so for the usual failures we give the reason from the error code (the
 * system's own words for it, as GIO does), not by cutting GIO's text, which is translated. */
static const char *
connect_reason (const GError *error)
{
  static const struct
  {
    GIOErrorEnum code;
    int          errno_value;
  } reasons[] = {
    { G_IO_ERROR_CONNECTION_REFUSED, ECONNREFUSED },
    { G_IO_ERROR_HOST_UNREACHABLE, EHOSTUNREACH },
    { G_IO_ERROR_NETWORK_UNREACHABLE, ENETUNREACH },
    { G_IO_ERROR_TIMED_OUT, ETIMEDOUT },
  };

  for (guint i = 0; error->domain == G_IO_ERROR && i < G_N_ELEMENTS (reasons); i++)
    if (error->code == (int) reasons[i].code)
      return g_strerror (reasons[i].errno_value);

  return error->message;
}

const char *
_sc_smtp_seconds_word (guint n)
{
  /* Translators: follows the number %u in "no answer for %u %s", "accepted no data for %u %s"
   * and "no reply within %u %s". */
  return ngettext ("second", "seconds", n);
}

/* The server answered, but not what we need: a protocol refusal in our domain. It still
 * listens, so QUIT politely. Returns FALSE. */
gboolean
_sc_smtp_connection_refused (ScSmtpConnection  *c,
                             int                code,
                             GError           **error,
                             const char        *format,
                             ...)
{
  va_list args;

  c->in_sync = TRUE;
  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SC_SMTP_ERROR, code, format, args));
  va_end (args);

  return FALSE;
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
       * handshake: say what to change, with a code of its own (the error hints use it). */
      gboolean hint = command == NULL && c->config->security != SC_SECURITY_TLS;

      g_set_error (error, hint ? SC_SMTP_ERROR : G_IO_ERROR,
                   hint ? SC_SMTP_ERROR_NO_GREETING : G_IO_ERROR_TIMED_OUT,
                   /* Translators: the first %s is e.g. "the server's greeting", %u %s is a
                    * number of seconds ("30 seconds"), the last %s is empty or the hint
                    * "; if this port expects TLS …". */
                   _("Timed out waiting for %s (no answer for %u %s)%s"),
                   phrase, c->config->timeout_seconds,
                   _sc_smtp_seconds_word (c->config->timeout_seconds),
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
void
_sc_smtp_connection_set_write_error (ScSmtpConnection  *c,
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
                   _sc_smtp_seconds_word (c->config->timeout_seconds));
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

/* Waits until data can be read, at most until the reply's deadline. */
static gboolean
wait_for_input (ScSmtpConnection  *c,
                GError           **error)
{
  gint64 remaining;

  /* No socket: a stream in memory (the fuzz target), which never waits. */
  if (c->socket == NULL || (c->tls != NULL && sc_tls_stream_has_pending (c->tls)))
    return TRUE;

  remaining = c->deadline - g_get_monotonic_time ();
  if (remaining <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, g_strerror (ETIMEDOUT));
      return FALSE;
    }

  return g_socket_condition_timed_wait (c->socket, G_IO_IN, remaining, c->cancellable, error);
}

/* Whether the server said something (or closed) that we have not read yet. */
static gboolean
input_waiting (ScSmtpConnection *c)
{
  return c->buffer_len > c->buffer_pos ||
         (c->tls != NULL && sc_tls_stream_has_pending (c->tls)) ||
         (c->socket != NULL && g_socket_condition_check (c->socket, G_IO_IN) != 0);
}

/* Before a write of the message: waits (at most the time-out: a stall) until the server takes
 * data. A server may answer in the middle of the message (an early "552") and stop reading:
 * then sets c->reply_waiting and fails, for _sc_smtp_connection_read_early_reply (). */
gboolean
_sc_smtp_connection_wait_writable (ScSmtpConnection  *c,
                                   GCancellable      *cancellable,
                                   GError           **error)
{
  for (;;)
    {
      if (input_waiting (c))
        {
          c->reply_waiting = TRUE;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("the server answered before the end of the message"));
          return FALSE;
        }

      if (g_socket_condition_check (c->socket, G_IO_OUT) != 0)
        return TRUE;

      if (!g_socket_condition_timed_wait (c->socket, G_IO_IN | G_IO_OUT,
                                          (gint64) c->config->timeout_seconds * G_USEC_PER_SEC,
                                          cancellable, error))
        return FALSE;
    }
}

/* After a write failed (or _sc_smtp_connection_wait_writable () saw input): the reply the
 * server sent meanwhile, if there is one, else NULL with @error set to why not. A reply that
 * is already on its way is read within the time-out; after a failed write, only what arrives
 * within a second. */
ScSmtpReply *
_sc_smtp_connection_read_early_reply (ScSmtpConnection  *c,
                                      const char        *command,
                                      GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  ScSmtpReply *reply;
  guint saved_timeout = g_socket_get_timeout (c->socket);

  if (g_cancellable_is_cancelled (c->cancellable) || g_socket_is_closed (c->socket))
    return NULL;

  if (!c->reply_waiting)
    g_socket_set_timeout (c->socket, 1);
  reply = _sc_smtp_connection_read_reply (c, command, &local_error);
  g_socket_set_timeout (c->socket, saved_timeout);

  if (reply == NULL)
    {
      g_debug ("No reply from the server after the failed write: %s", local_error->message);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                             _("the server closed the connection"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return reply;
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

      /* The whole reply within the time-out: a server that trickles a byte at a time is not
       * waited on forever. */
      n_read = -1;
      if (wait_for_input (c, &local_error))
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

/* One reply, single or multi-line (RFC 5321 §4.2), without a deadline of its own. */
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
                       /* Translators: %d is the most lines a reply may have. */
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
      _sc_smtp_session_emit_transcript (c, FALSE, line);

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

/* Reads one reply, single or multi-line (RFC 5321 §4.2). @command names what we are waiting
 * for, in error messages (NULL: the greeting). */
ScSmtpReply *
_sc_smtp_connection_read_reply (ScSmtpConnection  *c,
                                const char        *command,
                                GError           **error)
{
  ScSmtpReply *reply;

  /* The socket's time-out (the setting, or QUIT's shorter one) bounds the whole reply. */
  c->deadline = c->socket == NULL ? G_MAXINT64
                : g_get_monotonic_time () + (gint64) g_socket_get_timeout (c->socket) *
                                            G_USEC_PER_SEC;
  if (c->tls != NULL)
    sc_tls_stream_set_read_deadline (c->tls, c->deadline);
  reply = read_reply (c, command, error);
  if (c->tls != NULL)
    sc_tls_stream_set_read_deadline (c->tls, 0);

  return reply;
}

/* ------------------------------------------------------------------------------------------ */
/* Sending commands                                                                           */
/* ------------------------------------------------------------------------------------------ */

/* Writes @data (one or more CRLF-ended commands); @shown is what the transcript gets, one
 * entry per line (NULL: @data itself). */
gboolean
_sc_smtp_connection_write (ScSmtpConnection  *c,
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
        _sc_smtp_session_emit_transcript (c, TRUE, lines[i]);
    }

  if (!g_output_stream_write_all (c->output, data, strlen (data), NULL, c->cancellable,
                                  &local_error) ||
      !g_output_stream_flush (c->output, c->cancellable, &local_error))
    {
      _sc_smtp_connection_set_write_error (c, g_steal_pointer (&local_error), what, error);
      return FALSE;
    }

  return TRUE;
}

/* Sends the command @line and reads its reply; @name is the command, in error messages. */
ScSmtpReply *
_sc_smtp_connection_command (ScSmtpConnection  *c,
                             const char        *line,
                             const char        *name,
                             GError           **error)
{
  g_autofree char *data = g_strconcat (line, "\r\n", NULL);

  if (!_sc_smtp_connection_write (c, data, line, name, error))
    return NULL;

  return _sc_smtp_connection_read_reply (c, name, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Commands sent ahead of their replies (RFC 2920 PIPELINING)                                 */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  char       *line;   /* without CRLF */
  const char *name;   /* in error messages: "MAIL FROM", "RCPT TO", "DATA" */
} ScPipelinedCommand;

struct _ScSmtpPipeline
{
  ScSmtpConnection *c;
  GArray           *commands;    /* of ScPipelinedCommand */
  guint             n_sent;
  guint             n_read;      /* the replies read: commands[n_read] gets the next one */
  gsize             in_flight;   /* bytes of the commands sent whose replies are not read yet */
  gsize             budget;      /* at most this many in flight; 0: one command at a time */
};

static void
pipelined_command_clear (gpointer data)
{
  ScPipelinedCommand *command = data;

  g_free (command->line);
}

/* How many bytes of commands may await their replies at once. RFC 2920 §3.1: a client that
 * writes while the server, which stops reading while it cannot write its replies, fills our
 * receive buffer deadlocks both. A write that fits in the free space of the socket's send
 * buffer never blocks: the kernel takes all of it, whatever the server does, and we go on to
 * read the replies, which lets the server go on. The commands whose replies we have read take
 * no space there any more: the server got them, and its acknowledgement comes with or before
 * its reply. So the commands in flight stay within the send buffer, as Postfix's client does;
 * within half of it, because the kernel counts its bookkeeping in that size (socket(7): it
 * doubles what is set) and TLS adds a header to each record. Loopback gives megabytes, a link
 * to the Internet tens of kilobytes: 100 recipients and DATA go in one write. */
static gsize
pipeline_budget (ScSmtpConnection *c)
{
  g_autoptr(GError) local_error = NULL;
  int size = 0;

  if (!c->ext_pipelining)
    return 0;

  /* A stream in memory (the fuzz targets) never blocks */
  if (c->socket == NULL)
    return G_MAXSIZE;

  if (!g_socket_get_option (c->socket, SOL_SOCKET, SO_SNDBUF, &size, &local_error) ||
      size <= 0)
    {
      g_debug ("No send buffer size (%s): one command at a time",
               local_error != NULL ? local_error->message : "0");
      return 0;
    }

  return (gsize) size / 2;
}

/* A group of commands for @c, sent as the server's PIPELINING allows (without it: one at a time)
 * and read in order with _sc_smtp_pipeline_read_reply (). */
ScSmtpPipeline *
_sc_smtp_pipeline_new (ScSmtpConnection *c)
{
  ScSmtpPipeline *p = g_new0 (ScSmtpPipeline, 1);

  p->c = c;
  p->commands = g_array_new (FALSE, TRUE, sizeof (ScPipelinedCommand));
  g_array_set_clear_func (p->commands, pipelined_command_clear);
  p->budget = pipeline_budget (c);

  return p;
}

void
_sc_smtp_pipeline_free (ScSmtpPipeline *p)
{
  g_array_unref (p->commands);
  g_free (p);
}

/* Appends the command @line (without CRLF); @name (a static string) names it in errors. */
void
_sc_smtp_pipeline_add (ScSmtpPipeline *p,
                       const char     *line,
                       const char     *name)
{
  ScPipelinedCommand command = { g_strdup (line), name };

  g_array_append_val (p->commands, command);
}

/* Writes the commands not sent yet that fit in the budget, in one write: the first one even
 * alone beyond it (with nothing else in flight, its one reply cannot fill a buffer). While
 * replies are in flight, waits until half the budget is free: fewer, larger writes. */
static gboolean
pipeline_send (ScSmtpPipeline  *p,
               GError         **error)
{
  g_autoptr(GString) data = NULL;
  const char *name = NULL;

  if (p->n_sent > p->n_read && p->in_flight > p->budget / 2)
    return TRUE;

  data = g_string_new (NULL);
  while (p->n_sent < p->commands->len)
    {
      ScPipelinedCommand *command = &g_array_index (p->commands, ScPipelinedCommand, p->n_sent);
      gsize len = strlen (command->line) + 2;

      if (p->n_sent > p->n_read && p->in_flight + len > p->budget)
        break;

      if (name == NULL)
        name = command->name;
      g_string_append (data, command->line);
      g_string_append (data, "\r\n");
      p->in_flight += len;
      p->n_sent++;
    }

  return data->len == 0 || _sc_smtp_connection_write (p->c, data->str, NULL, name, error);
}

/* The reply to the next command, after sending it (and what may go with it) if it is not sent
 * yet. */
ScSmtpReply *
_sc_smtp_pipeline_read_reply (ScSmtpPipeline  *p,
                              GError         **error)
{
  ScPipelinedCommand *command;
  ScSmtpReply *reply;

  g_assert (p->n_read < p->commands->len);

  if (!pipeline_send (p, error))
    return NULL;

  command = &g_array_index (p->commands, ScPipelinedCommand, p->n_read);
  reply = _sc_smtp_connection_read_reply (p->c, command->name, error);
  if (reply != NULL)
    {
      p->in_flight -= strlen (command->line) + 2;
      p->n_read++;
    }

  return reply;
}

/* After a refusal: nothing more is sent; only the replies to what was sent remain. */
void
_sc_smtp_pipeline_stop (ScSmtpPipeline *p)
{
  g_array_set_size (p->commands, p->n_sent);
}

/* The name of the command whose reply comes next, or NULL when none does. */
const char *
_sc_smtp_pipeline_next (ScSmtpPipeline *p)
{
  if (p->n_read >= p->commands->len)
    return NULL;

  return g_array_index (p->commands, ScPipelinedCommand, p->n_read).name;
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
                   config->host, config->port, connect_reason (local_error));
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
                       /* Translators: %s is the server. */
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
      gboolean v6 = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6;

      c->local_name = g_strdup_printf ("[%s%s]", v6 ? "IPv6:" : "", str);
    }
  else
    {
      c->local_name = g_strdup ("[127.0.0.1]");
    }

  c->input = g_io_stream_get_input_stream (G_IO_STREAM (c->connection));
  c->output = g_io_stream_get_output_stream (G_IO_STREAM (c->connection));

  return TRUE;
}

static char *probe_old_protocol (ScSmtpConnection *c);

static gboolean
start_tls (ScSmtpConnection  *c,
           GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  /* "[127.0.0.1]": the certificate holds the bare address */
  g_autofree char *bare_host = sc_host_strip_brackets (c->config->host);
  g_autofree char *description = NULL;
  gboolean ok;

  c->tls = sc_tls_stream_new (G_IO_STREAM (c->connection), bare_host,
                              c->config->ca_file, error);
  if (c->tls == NULL)
    return FALSE;

  sc_tls_stream_set_pinned_fingerprint (c->tls, c->config->tls_fingerprint);
  if (c->probe)
    sc_tls_stream_set_probe (c->tls);
  ok = sc_tls_stream_handshake (c->tls, c->cancellable, &local_error);

  if (c->probe)
    {
      sc_tls_stream_get_old_protocol (c->tls, &c->probed_protocol);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* A server that speaks only TLS 1.0 or 1.1 answers our offer with an alert: ask it again on
   * a connection of its own, offering the old versions only to learn which, and say it. */
  if (!ok && sc_tls_stream_get_old_protocol (c->tls, NULL) &&
      !g_cancellable_is_cancelled (c->cancellable))
    {
      g_autofree char *old_name = probe_old_protocol (c);

      if (old_name != NULL)
        {
          g_clear_error (&local_error);
          g_set_error (&local_error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE,
                       /* Translators: the first %s is the server, the second a protocol
                        * version such as "TLS 1.0". */
                       _("The TLS handshake with %s failed: the server offered only %s, which "
                         "is no longer safe; TLS 1.2 or newer is required (RFC 8996)"),
                       c->config->host, old_name);
        }
    }

  /* Kept also when refused: the user may choose to trust it. */
  g_clear_pointer (&c->peer_certificate, sc_certificate_info_unref);
  if (sc_tls_stream_get_peer_certificate (c->tls) != NULL)
    c->peer_certificate = sc_certificate_info_ref (sc_tls_stream_get_peer_certificate (c->tls));

  if (!ok)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       /* Translators: %s is the server; %u %s is a number of seconds. */
                       _("Timed out during the TLS handshake with %s (no answer for %u %s)"),
                       c->config->host, c->config->timeout_seconds,
                       _sc_smtp_seconds_word (c->config->timeout_seconds));
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

  description = sc_tls_stream_get_description (c->tls);
  g_debug ("TLS with %s: %s", c->config->host, description);

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
  g_clear_pointer (&c->auth_mechanisms, g_strfreev);
  g_clear_pointer (&c->extensions, g_strfreev);
}

void
_sc_smtp_connection_parse_extensions (ScSmtpConnection *c,
                                      ScSmtpReply      *reply)
{
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();

  reset_extensions (c);

  /* The first line is the server's name and greeting. */
  for (guint i = 1; i < reply->lines->len; i++)
    {
      g_autofree char *line = g_ascii_strup (g_ptr_array_index (reply->lines, i), -1);
      g_auto(GStrv) words = g_strsplit_set (line, " =", -1);
      const char *keyword = words[0];

      g_strv_builder_add (lines, g_ptr_array_index (reply->lines, i));

      if (keyword == NULL)
        continue;

      if (g_str_equal (keyword, "SIZE"))
        {
          c->ext_size = TRUE;
          if (words[1] != NULL)
            c->size_limit = g_ascii_strtoull (words[1], NULL, 10);
        }
      else if (g_str_equal (keyword, "PIPELINING"))
        c->ext_pipelining = TRUE;
      else if (g_str_equal (keyword, "8BITMIME"))
        c->ext_8bitmime = TRUE;
      else if (g_str_equal (keyword, "SMTPUTF8"))
        c->ext_smtputf8 = TRUE;
      else if (g_str_equal (keyword, "STARTTLS"))
        c->ext_starttls = TRUE;
      else if (g_str_equal (keyword, "AUTH"))
        {
          /* Old servers say it twice, as "AUTH LOGIN" and "AUTH=LOGIN". */
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

          if (c->auth_mechanisms != NULL)
            g_strv_builder_addv (builder, (const char **) c->auth_mechanisms);
          for (guint j = 1; words[j] != NULL; j++)
            {
              if (words[j][0] != '\0')
                g_strv_builder_add (builder, words[j]);
            }
          g_strfreev (c->auth_mechanisms);
          c->auth_mechanisms = g_strv_builder_end (builder);
        }
    }

  c->extensions = g_strv_builder_end (lines);
}

static gboolean
ehlo (ScSmtpConnection  *c,
      GError           **error)
{
  g_autofree char *line = g_strdup_printf ("EHLO %s", c->local_name);
  g_autofree char *helo = NULL;
  g_autoptr(ScSmtpReply) reply = NULL;

  reply = _sc_smtp_connection_command (c, line, "EHLO", error);
  if (reply == NULL)
    return FALSE;

  if (reply->code == 250)
    {
      _sc_smtp_connection_parse_extensions (c, reply);
      return TRUE;
    }

  if (reply->code < 500)
    return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_PROTOCOL, error,
                                        /* Translators: EHLO is an SMTP command: keep it; %s
                                         * is the reply. */
                                        _("The server refused EHLO: %s"), reply->text);

  /* An old server: HELO, and no extensions. */
  g_clear_pointer (&reply, _sc_smtp_reply_free);
  helo = g_strdup_printf ("HELO %s", c->local_name);
  reply = _sc_smtp_connection_command (c, helo, "HELO", error);
  if (reply == NULL)
    return FALSE;

  if (reply->code != 250)
    return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_PROTOCOL, error,
                                        /* Translators: EHLO and HELO are SMTP commands: keep
                                         * them; %s is the reply. */
                                        _("The server refused both EHLO and HELO: %s"),
                                        reply->text);

  reset_extensions (c);

  return TRUE;
}

/* Connects, reads the greeting and says EHLO, over TLS from the start or after STARTTLS as the
 * security setting says. */
gboolean
_sc_smtp_connection_open (ScSmtpConnection  *c,
                          GError           **error)
{
  const ScSmtpConfig *config = c->config;
  g_autoptr(ScSmtpReply) reply = NULL;

  if (!connect_to_server (c, error))
    return FALSE;

  if (config->security == SC_SECURITY_TLS && !start_tls (c, error))
    return FALSE;

  reply = _sc_smtp_connection_read_reply (c, NULL, error);
  if (reply == NULL)
    return FALSE;
  if (reply->code >= 400 && reply->code < 500)
    return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_PROTOCOL, error,
                                        /* Translators: "%s:%u" is the server and port, the
                                         * last %s its reply (RFC 5321: a 4xx is temporary). */
                                        _("%s:%u temporarily refused the connection: %s"),
                                        config->host, config->port, reply->text);
  if (reply->code != 220)
    return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_PROTOCOL, error,
                                        /* Translators: "%s:%u" is the server and port, the
                                         * last %s its reply. */
                                        _("%s:%u refused the connection: %s"),
                                        config->host, config->port, reply->text);
  g_free (c->greeting);
  c->greeting = g_strdup (reply->text);
  g_clear_pointer (&reply, _sc_smtp_reply_free);

  if (!ehlo (c, error))
    return FALSE;

  if (config->security != SC_SECURITY_STARTTLS)
    return TRUE;

  if (!c->ext_starttls)
    return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_STARTTLS_UNAVAILABLE, error,
                                        config->login != NULL && config->login[0] != '\0'
                                        /* Translators: %s is the server; STARTTLS is an
                                         * SMTP command: keep it. */
                                        ? _("%s does not offer STARTTLS; refusing to send "
                                            "the password unencrypted")
                                        /* Translators: %s is the server; keep STARTTLS. */
                                        : _("%s does not offer STARTTLS; refusing to send "
                                            "the message unencrypted"),
                                        config->host);

  reply = _sc_smtp_connection_command (c, "STARTTLS", "STARTTLS", error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 220)
    return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_STARTTLS_UNAVAILABLE, error,
                                        /* Translators: the first %s is the server, the
                                         * second its reply; STARTTLS is an SMTP command:
                                         * keep it. */
                                        _("%s refused STARTTLS: %s"), config->host,
                                        reply->text);

  /* Plaintext the server (or someone in the middle) sent after "220" must not be taken as
   * TLS-protected replies. */
  if (c->buffer_len > c->buffer_pos)
    g_debug ("Discarding %" G_GSIZE_FORMAT " bytes received before the TLS handshake",
             c->buffer_len - c->buffer_pos);
  c->buffer_pos = c->buffer_len = 0;

  /* RFC 3207 §4.2: forget everything learnt before TLS (ehlo () does) and ask again. */
  return start_tls (c, error) && ehlo (c, error);
}

/* The old protocol version (e.g. "TLS 1.0") the server of @c chooses when offered it, on a
 * connection of its own that goes as far as its ServerHello and no further, or NULL. */
static char *
probe_old_protocol (ScSmtpConnection *c)
{
  ScSmtpConnection probe = { 0 };
  g_autoptr(GError) local_error = NULL;
  char *name;

  probe.config = c->config;
  probe.cancellable = c->cancellable;
  probe.probe = TRUE;

  if (_sc_smtp_connection_open (&probe, &local_error))
    g_warning ("The TLS probe of %s did not stop at the server's hello", c->config->host);
  name = g_steal_pointer (&probe.probed_protocol);
  _sc_smtp_connection_close (&probe, FALSE);
  g_debug ("Probing %s for an old TLS version: %s", c->config->host,
           name != NULL ? name : "none");

  return name;
}

/* Sends a secret (an AUTH line or continuation) and reads the reply; the transcript gets
 * @shown. */
static ScSmtpReply *
auth_step (ScSmtpConnection  *c,
           const char        *secret_line,
           const char        *shown,
           const char        *name,
           GError           **error)
{
  g_autoptr(ScSecret) data = g_strconcat (secret_line, "\r\n", NULL);

  if (!_sc_smtp_connection_write (c, data, shown, "AUTH", error))
    return NULL;

  return _sc_smtp_connection_read_reply (c, name, error);
}

/* FALSE when there is no @reply (@error is set) or it is not @expected. */
static gboolean
auth_expect (ScSmtpConnection  *c,
             ScSmtpReply       *reply,
             int                expected,
             GError           **error)
{
  if (reply == NULL)
    return FALSE;

  if (reply->code != expected)
    return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_AUTH_FAILED, error,
                                        /* Translators: %s is the server's reply. */
                                        _("Authentication failed: %s"), reply->text);

  return TRUE;
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
  g_autoptr(ScSecret) payload = auth_plain_payload (c->config->login, c->config->password);
  g_autoptr(ScSecret) line = g_strconcat ("AUTH PLAIN ", payload, NULL);
  g_autoptr(ScSmtpReply) reply = NULL;

  add_secret (c, payload);
  reply = auth_step (c, line, "AUTH PLAIN <redacted>", "AUTH PLAIN", error);

  /* A server that does not take the initial response asks for it with an empty 334. */
  if (reply != NULL && reply->code == 334)
    {
      g_clear_pointer (&reply, _sc_smtp_reply_free);
      reply = auth_step (c, payload, "<redacted>", "AUTH PLAIN", error);
    }

  return auth_expect (c, reply, 235, error);
}

static gboolean
auth_login (ScSmtpConnection  *c,
            GError           **error)
{
  const char *steps[] = { c->config->login, c->config->password };
  g_autoptr(ScSmtpReply) reply = NULL;

  reply = _sc_smtp_connection_command (c, "AUTH LOGIN", "AUTH LOGIN", error);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(ScSecret) encoded = NULL;

      if (!auth_expect (c, reply, 334, error))
        return FALSE;
      g_clear_pointer (&reply, _sc_smtp_reply_free);

      encoded = g_base64_encode ((const guchar *) steps[i], strlen (steps[i]));
      if (i > 0)   /* the password */
        add_secret (c, encoded);
      reply = auth_step (c, encoded, "<redacted>", "AUTH LOGIN", error);
    }

  return auth_expect (c, reply, 235, error);
}

gboolean
_sc_smtp_connection_authenticate (ScSmtpConnection  *c,
                                  GError           **error)
{
  const ScSmtpConfig *config = c->config;
  const char * const *mechanisms;
  g_autofree char *offered = NULL;

  if (config->login == NULL || config->login[0] == '\0')
    return TRUE;

  /* Belt and braces: never reach this over plaintext to another machine. */
  if (c->tls == NULL && !(config->security == SC_SECURITY_NONE &&
                          sc_host_is_loopback (config->host)))
    {
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_INSECURE,
                   /* Translators: %s is the server. */
                   _("Refusing to send the password to %s unencrypted"), config->host);
      return FALSE;
    }

  if (c->auth_mechanisms == NULL)
    return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_AUTH_UNAVAILABLE, error,
                                        /* Translators: the first %s is the server, the
                                         * second the login; AUTH is an SMTP keyword: keep
                                         * it. */
                                        _("%s does not offer authentication (AUTH), so %s "
                                          "cannot log in"), config->host, config->login);

  /* A shorter password cannot be told from ordinary words of a reply; its base64 forms are
   * always redacted. */
  if (strlen (config->password) >= 4)
    add_secret (c, config->password);

  mechanisms = (const char * const *) c->auth_mechanisms;
  if (g_strv_contains (mechanisms, "PLAIN"))
    return auth_plain (c, error);

  if (g_strv_contains (mechanisms, "LOGIN"))
    return auth_login (c, error);

  offered = g_strjoinv (" ", c->auth_mechanisms);

  return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_AUTH_UNAVAILABLE, error,
                                      /* Translators: the first %s is the server, the second
                                       * its list of SASL mechanisms (or "none"); PLAIN and
                                       * LOGIN are mechanism names: keep them. */
                                      _("%s offers no login method this program supports "
                                        "(it offers: %s; supported: PLAIN, LOGIN)"),
                                      config->host,
                                      offered[0] != '\0'
                                      ? offered
                                      /* Translators: the server offers no login methods. */
                                      : C_("login methods", "none"));
}

/* Best effort, bounded: QUIT and close; then frees what @c holds. */
void
_sc_smtp_connection_close (ScSmtpConnection *c,
                           gboolean          polite)
{
  if (c->connection != NULL && polite && !g_cancellable_is_cancelled (c->cancellable) &&
      !g_socket_is_closed (c->socket))
    {
      g_autoptr(ScSmtpReply) reply = NULL;

      g_socket_set_timeout (c->socket,
                            MIN (c->config->timeout_seconds, QUIT_TIMEOUT_SECONDS));
      reply = _sc_smtp_connection_command (c, "QUIT", "QUIT", NULL);
    }

  if (c->connection != NULL && !polite)
    g_socket_close (c->socket, NULL);

  /* close_notify: bounded by the socket time-out, and skipped once cancelled */
  if (c->tls != NULL)
    g_io_stream_close (G_IO_STREAM (c->tls), c->cancellable, NULL);
  if (c->connection != NULL)
    g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);

  g_clear_object (&c->tls);
  g_clear_object (&c->connection);
  g_clear_pointer (&c->local_name, g_free);
  g_clear_pointer (&c->greeting, g_free);
  g_clear_pointer (&c->peer_certificate, sc_certificate_info_unref);
  g_clear_pointer (&c->auth_mechanisms, g_strfreev);
  g_clear_pointer (&c->extensions, g_strfreev);
  g_clear_pointer (&c->secrets, g_ptr_array_unref);
  g_clear_pointer (&c->probed_protocol, g_free);
}

/* What the open connection learnt about the server: its greeting, TLS, certificate and EHLO
 * extensions (after STARTTLS: the ones offered over TLS). */
ScConnectionReport *
_sc_smtp_connection_report (ScSmtpConnection *c,
                            gboolean          login_ok)
{
  g_autofree char *version = c->tls != NULL ? sc_tls_stream_get_protocol_version (c->tls) : NULL;

  return _sc_connection_report_new (c->greeting, version,
                                    c->tls != NULL ? sc_tls_stream_get_cipher_name (c->tls) : NULL,
                                    c->peer_certificate,
                                    (const char * const *) c->extensions,
                                    c->ext_size ? c->size_limit : 0,
                                    (const char * const *) c->auth_mechanisms,
                                    login_ok);
}

/* sc-smtp-session.c — one SMTP (RFC 5321) client session over TLS
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-smtp-session"

#include "config.h"

#include "sc-smtp-session.h"

#include <glib/gi18n.h>

#include "sc-address.h"
#include "sc-error.h"
#include "sc-smtp-connection-private.h"
#include "sc-smtp-data-stream.h"

/* ------------------------------------------------------------------------------------------ */
/* Types                                                                                      */
/* ------------------------------------------------------------------------------------------ */

struct _ScSmtpSession
{
  GObject       parent_instance;

  ScSmtpConfig  config;   /* set by sc_smtp_session_new (), read-only after: threads share it */

  /* The certificate of the last send or test that got one, set on the caller's thread (by
   * the _sync call or the _finish): the worker hands it over in its task */
  ScCertificateInfo *peer_certificate;
  GError            *settings_error;   /* the settings cannot send (the example server) */
};

/* What a worker works on and what it found besides its result or error */
typedef struct
{
  ScMessage         *message;       /* the send's; NULL for Test Connection */
  ScCertificateInfo *certificate;   /* the server's, also when refused; NULL before TLS */
} ScTaskData;

G_DEFINE_FINAL_TYPE (ScSmtpSession, sc_smtp_session, G_TYPE_OBJECT)

enum {
  SIGNAL_PROGRESS,
  SIGNAL_TRANSCRIPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One "progress" or "transcript" emission on the caller's main context. */
typedef struct
{
  ScSmtpSession *session;
  char          *line;      /* NULL: progress */
  gboolean       outgoing;
  gint64         bytes_sent;
  gint64         bytes_total;
} ScEmission;

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

  emission->session = g_object_ref (c->session);

  if (c->context == NULL)
    {
      sc_emission_dispatch_cb (emission);
      sc_emission_free (emission);
      return;
    }

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[sc] smtp signal");
  g_source_set_callback (source, sc_emission_dispatch_cb, emission, sc_emission_free);
  g_source_attach (source, c->context);
  g_source_unref (source);
}

void
_sc_smtp_session_emit_transcript (ScSmtpConnection *c,
                                  gboolean          outgoing,
                                  const char       *line)
{
  ScEmission *emission;

  /* A connection of our own (the probe of sc-smtp-connection.c) is not the user's dialogue */
  if (c->session == NULL)
    return;

  emission = g_new0 (ScEmission, 1);

  emission->outgoing = outgoing;
  emission->line = g_strdup (line);
  emit_on_caller (c, emission);
}

void
_sc_smtp_session_emit_progress (ScSmtpConnection *c,
                                goffset           sent,
                                goffset           total)
{
  ScEmission *emission = g_new0 (ScEmission, 1);

  emission->bytes_sent = sent;
  emission->bytes_total = total;
  emit_on_caller (c, emission);
}

/* ------------------------------------------------------------------------------------------ */
/* Shared by the send and the test                                                            */
/* ------------------------------------------------------------------------------------------ */

static gboolean
connection_init (ScSmtpConnection  *c,
                 ScSmtpSession     *self,
                 GMainContext      *context,
                 GCancellable      *cancellable,
                 GError           **error)
{
  /* Settings that were never set up: refused before anything connects. */
  if (self->settings_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->settings_error));
      return FALSE;
    }

  c->config = &self->config;
  c->cancellable = cancellable;
  c->session = self;
  c->context = context;
  return TRUE;
}

/* Hands the certificate the connection got (if it got one) to @out_certificate, then closes
 * the connection. */
static void
connection_finish (ScSmtpConnection   *c,
                   gboolean            polite,
                   ScCertificateInfo **out_certificate)
{
  if (c->peer_certificate != NULL)
    *out_certificate = sc_certificate_info_ref (c->peer_certificate);

  _sc_smtp_connection_close (c, polite);
}

static void
sc_task_data_free (gpointer data)
{
  ScTaskData *task_data = data;

  g_clear_object (&task_data->message);
  g_clear_pointer (&task_data->certificate, sc_certificate_info_unref);
  g_free (task_data);
}

/* On the caller's thread: what sc_smtp_session_get_peer_certificate () returns from now on.
 * Takes @certificate (NULL: the last send or test got none). */
static void
set_peer_certificate (ScSmtpSession     *self,
                      ScCertificateInfo *certificate)
{
  g_clear_pointer (&self->peer_certificate, sc_certificate_info_unref);
  self->peer_certificate = certificate;
}

/* ------------------------------------------------------------------------------------------ */
/* The send                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static ScRefusedRecipient *
refused_recipient_new (const char *address,
                       const char *reply)
{
  ScRefusedRecipient *recipient = g_new0 (ScRefusedRecipient, 1);

  recipient->address = g_strdup (address);
  recipient->reply = g_strdup (reply);

  return recipient;
}

/* The first envelope address that needs SMTPUTF8 (RFC 6531: a non-ASCII local part; domains
 * are already in ASCII), or NULL. */
static const char *
find_smtputf8_address (const char         *from,
                       const char * const *recipients)
{
  if (sc_address_needs_smtputf8 (from))
    return from;

  for (guint i = 0; recipients[i] != NULL; i++)
    {
      if (sc_address_needs_smtputf8 (recipients[i]))
        return recipients[i];
    }

  return NULL;
}

/* RFC 5321 §4.2.1: a 4xx reply is a temporary failure; trying again later may succeed. */
static gboolean
reply_is_temporary (const ScSmtpReply *reply)
{
  return reply->code >= 400 && reply->code < 500;
}

/* A reply to DATA or to the end of the message that is not @expected. */
static gboolean
check_message_reply (ScSmtpConnection  *c,
                     ScSmtpReply       *reply,
                     int                expected,
                     GError           **error)
{
  if (reply->code == expected)
    return TRUE;

  c->in_sync = reply->code != 421;
  g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_MESSAGE_REFUSED,
               reply_is_temporary (reply)
               /* Translators: %s is the server's reply. */
               ? _("The server temporarily refused the message: %s")
               /* Translators: %s is the server's reply. */
               : _("The server refused the message: %s"), reply->text);
  return FALSE;
}

/* After a refusal: reads the replies to the commands already sent with the refused one, sending
 * nothing more. A broken server's "354" to DATA with nothing to send gets "." alone, an empty
 * message's end (RFC 2920 §3.1), so that what follows is not taken as its content. FALSE when the
 * server is no longer in step: it closed ("421", RFC 5321 §3.8) or the connection failed. */
static gboolean
read_rest_of_group (ScSmtpConnection *c,
                    ScSmtpPipeline   *pipeline)
{
  const char *name;

  _sc_smtp_pipeline_stop (pipeline);
  while ((name = _sc_smtp_pipeline_next (pipeline)) != NULL)
    {
      g_autoptr(ScSmtpReply) reply = _sc_smtp_pipeline_read_reply (pipeline, NULL);
      g_autoptr(ScSmtpReply) end = NULL;

      if (reply == NULL || reply->code == 421)
        return FALSE;
      if (reply->code != 354 || !g_str_equal (name, "DATA"))
        continue;

      if (!_sc_smtp_connection_write (c, ".\r\n", NULL, "DATA", NULL))
        return FALSE;
      /* Translators: inserted into "the server's reply to %s". */
      end = _sc_smtp_connection_read_reply (c, _("the end of the message"), NULL);
      return end != NULL && end->code != 421;
    }

  return TRUE;
}

/* MAIL FROM (with SMTPUTF8 when an address needs it, see send_message ()), every RCPT TO and
 * DATA; TRUE once the server said "354" to DATA: the message follows (send_data ()). With
 * PIPELINING they go together (RFC 2920 allows DATA last in a group) and the replies are read
 * in order; without, one at a time. The recipients the server refuses go into @refused, the ones
 * it has no room for in this transaction ("452", RFC 5321 §4.5.3.1.10) into @deferred. */
static gboolean
send_envelope (ScSmtpConnection  *c,
               const char        *from,
               const char *const *recipients,
               goffset            size,
               GPtrArray         *refused,
               GPtrArray         *deferred,
               GError           **error)
{
  g_autoptr(ScSmtpPipeline) pipeline = _sc_smtp_pipeline_new (c);
  g_autoptr(GString) mail = g_string_new (NULL);
  g_autoptr(ScSmtpReply) mail_reply = NULL;
  g_autoptr(ScSmtpReply) closing = NULL;
  g_autoptr(ScSmtpReply) data_reply = NULL;
  g_autoptr(GString) list = NULL;
  g_autoptr(ScSmtpReply) rset = NULL;
  g_autoptr(GPtrArray) too_many = g_ptr_array_new_with_free_func (
                                    (GDestroyNotify) sc_refused_recipient_free);
  guint accepted = 0;
  guint first_refused = refused->len;
  gboolean all_temporary = TRUE;

  g_string_append_printf (mail, "MAIL FROM:<%s>", from);
  if (find_smtputf8_address (from, recipients) != NULL)
    g_string_append (mail, " SMTPUTF8");
  if (c->ext_size)
    g_string_append_printf (mail, " SIZE=%" G_GOFFSET_FORMAT, size);
  if (c->ext_8bitmime)
    g_string_append (mail, " BODY=8BITMIME");

  _sc_smtp_pipeline_add (pipeline, mail->str, "MAIL FROM");
  for (guint i = 0; recipients[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup_printf ("RCPT TO:<%s>", recipients[i]);

      _sc_smtp_pipeline_add (pipeline, line, "RCPT TO");
    }
  _sc_smtp_pipeline_add (pipeline, "DATA", "DATA");

  mail_reply = _sc_smtp_pipeline_read_reply (pipeline, error);
  if (mail_reply == NULL)
    return FALSE;

  if (mail_reply->code != 250)
    {
      /* The commands sent with it still get their replies; but after "421" the server closes
       * (RFC 5321 §3.8) and sends no more. */
      c->in_sync = mail_reply->code != 421 && read_rest_of_group (c, pipeline);
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_SENDER_REFUSED,
                   reply_is_temporary (mail_reply)
                   /* Translators: the first %s is the address, the second the reply. */
                   ? _("The server temporarily refused the sender %s: %s")
                   /* Translators: the first %s is the address, the second the reply. */
                   : _("The server refused the sender %s: %s"),
                   from, mail_reply->text);
      return FALSE;
    }

  for (guint i = 0; recipients[i] != NULL && closing == NULL; i++)
    {
      const char *to = recipients[i];
      g_autoptr(ScSmtpReply) reply = _sc_smtp_pipeline_read_reply (pipeline, error);

      if (reply == NULL)
        return FALSE;

      if (reply->code == 250 || reply->code == 251)
        accepted++;
      else if (reply->code == 452 && deferred != NULL)
        g_ptr_array_add (too_many, refused_recipient_new (to, reply->text));
      else
        {
          g_ptr_array_add (refused, refused_recipient_new (to, reply->text));
          all_temporary = all_temporary && reply_is_temporary (reply);
        }

      if (reply->code == 421)
        closing = g_steal_pointer (&reply);
    }

  /* The server is gone: no reply to DATA comes. */
  if (closing != NULL && accepted > 0)
    return check_message_reply (c, closing, 354, error);

  if (accepted > 0)
    {
      data_reply = _sc_smtp_pipeline_read_reply (pipeline, error);
      if (data_reply == NULL || !check_message_reply (c, data_reply, 354, error))
        return FALSE;

      /* The ones without room go in a further transaction (send_message ()). */
      for (guint i = 0; i < too_many->len; i++)
        g_ptr_array_add (deferred, g_ptr_array_steal_index (too_many, i--));
      return TRUE;
    }

  /* Not one accepted: "452" now is a refusal like any other. */
  for (guint i = 0; i < too_many->len; i++)
    g_ptr_array_add (refused, g_ptr_array_steal_index (too_many, i--));

  list = g_string_new (NULL);
  for (guint i = first_refused; i < refused->len; i++)
    {
      ScRefusedRecipient *r = g_ptr_array_index (refused, i);

      g_string_append_printf (list, "%s%s (%s)", i > first_refused ? "; " : "", r->address,
                              r->reply);
      all_temporary = all_temporary && r->reply[0] == '4';
    }

  /* DATA, if it went with them, is refused too ("554", "503"); then RSET, best effort; QUIT
   * follows. */
  c->in_sync = closing == NULL && read_rest_of_group (c, pipeline);
  if (c->in_sync)
    {
      rset = _sc_smtp_connection_command (c, "RSET", "RSET", NULL);
      c->in_sync = rset != NULL;
    }

  g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_RECIPIENTS_REFUSED,
               all_temporary
               /* Translators: %s lists each address with the server's reply. */
               ? _("The server temporarily refused every recipient: %s")
               /* Translators: %s lists each address with the server's reply. */
               : _("The server refused every recipient: %s"), list->str);
  return FALSE;
}

/* After DATA's "354" (send_envelope ()): the message, and the server's final reply into
 * @out_reply. */
static gboolean
send_data (ScSmtpConnection  *c,
           ScMessage         *message,
           char             **out_reply,
           GError           **error)
{
  const ScSmtpConfig *config = c->config;
  g_autoptr(ScSmtpReply) reply = NULL;
  g_autoptr(ScSmtpDataStream) counter = NULL;
  g_autoptr(GError) local_error = NULL;
  goffset total = sc_message_get_size (message);

  /* The message comes in large blocks already: no buffer of our own in between. */
  counter = _sc_smtp_data_stream_new (c, total);

  _sc_smtp_session_emit_progress (c, 0, total);

  /* The message is dot-stuffed and ends with CRLF; ".\r\n" ends DATA (RFC 5321 §4.1.1.4). */
  if (!sc_message_write_data (message, G_OUTPUT_STREAM (counter), c->cancellable,
                              &local_error) ||
      !g_output_stream_write_all (G_OUTPUT_STREAM (counter), ".\r\n", 3, NULL, c->cancellable,
                                  &local_error))
    {
      g_autoptr(ScSmtpReply) early = NULL;
      g_autoptr(GError) read_error = NULL;

      /* The server may have answered in the middle ("552 too big") and stopped reading, or
       * closed after it: its reply, not the failed write, is the outcome. */
      if (local_error->domain != SC_MESSAGE_ERROR &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        /* Translators: inserted into "the server's reply to %s" (another case than
         * "the message" in "Timed out sending %s"). */
        early = _sc_smtp_connection_read_early_reply (c, C_("reply to", "the message"),
                                                      &read_error);

      /* Nothing must linger in the buffer: the connection is dead or will be dropped. */
      g_socket_close (c->socket, NULL);

      if (early != NULL && early->code >= 400)
        g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_MESSAGE_REFUSED,
                     reply_is_temporary (early)
                     /* Translators: %s is the server's reply. */
                     ? _("The server temporarily refused the message before it was completely "
                         "sent: %s")
                     /* Translators: %s is the server's reply. */
                     : _("The server refused the message before it was completely sent: %s"),
                     early->text);
      /* What stopped the write: the reply that never came, when input stopped it */
      else if (c->reply_waiting && read_error != NULL &&
               !g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _sc_smtp_connection_set_write_error (c, g_steal_pointer (&read_error),
                                             /* Translators: see "Timed out sending %s". */
                                             _("the message"), error);
      /* The connection failed, not the message source (an attachment) */
      else if (local_error->domain != SC_MESSAGE_ERROR)
        _sc_smtp_connection_set_write_error (c, g_steal_pointer (&local_error),
                                             /* Translators: inserted into "Timed out
                                              * sending %s: …" and "… was lost while
                                              * sending %s: …". */
                                             _("the message"), error);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  _sc_smtp_session_emit_transcript (c, TRUE, ".");
  _sc_smtp_session_emit_progress (c, total, total);

  /* Translators: inserted into "the server's reply to %s". */
  reply = _sc_smtp_connection_read_reply (c, _("the end of the message"), &local_error);
  if (reply == NULL)
    {
      /* The server has the whole message: whatever stops us now, it may deliver it. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN,
                     _("Interrupted after the whole message was sent, before the server "
                       "confirmed it: the message may have been delivered; check before "
                       "sending it again"));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN,
                     /* Translators: %u %s is a number of seconds ("30 seconds"). */
                     _("The server did not confirm the message within %u %s after its end: "
                       "the message may have been delivered; check before sending it again"),
                     config->timeout_seconds, _sc_smtp_seconds_word (config->timeout_seconds));
      else if (local_error->domain == G_IO_ERROR)
        g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN,
                     _("The connection closed before the server confirmed the message: the "
                       "message may have been delivered; check before sending it again"));
      else
        g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN,
                     /* Translators: %s is the reason. */
                     _("The server did not confirm the message (%s): the message may have "
                       "been delivered; check before sending it again"), local_error->message);
      return FALSE;
    }

  if (!check_message_reply (c, reply, 250, error))
    return FALSE;

  g_debug ("%s accepted the message: %s", config->host, reply->text);
  *out_reply = g_strdup (reply->text);

  return TRUE;
}

static gboolean
send_message (ScSmtpConnection  *c,
              ScMessage         *message,
              GPtrArray         *refused,
              char             **out_reply,
              GError           **error)
{
  const ScSmtpConfig *config = c->config;
  const char *from;
  const char * const *to;
  const char *utf8_address;
  goffset size;
  g_autoptr(GPtrArray) deferred = NULL;

  if (!sc_message_prepare (message, c->cancellable, error))
    return FALSE;

  /* Preparing validated them: bare addresses, nothing that could inject a command. */
  from = sc_message_get_envelope_from (message);
  to = sc_message_get_envelope_recipients (message);

  if (config->security == SC_SECURITY_NONE && !sc_host_is_loopback (config->host))
    {
      g_set_error (error, SC_SMTP_ERROR, SC_SMTP_ERROR_INSECURE,
                   /* Translators: %s is the server; “none” is a setting value: keep it. */
                   _("Refusing to send to %s without encryption: security “none” is only "
                     "allowed for a server on this computer"), config->host);
      return FALSE;
    }

  if (!_sc_smtp_connection_open (c, error))
    return FALSE;

  size = sc_message_get_size (message);
  if (c->ext_size && c->size_limit > 0 && (guint64) size > c->size_limit)
    {
      g_autofree char *size_str = g_format_size (size);
      g_autofree char *limit_str = g_format_size (c->size_limit);

      return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_MESSAGE_TOO_LARGE, error,
                                          /* Translators: the first %s is the server, the
                                           * second the message's size and the third the
                                           * server's limit, e.g. "12.3 MB". */
                                          _("The message is too large for %s: %s, and the "
                                            "server accepts at most %s"),
                                          config->host, size_str, limit_str);
    }

  /* Before AUTH: no login for a message that cannot go out. */
  utf8_address = find_smtputf8_address (from, to);
  if (utf8_address != NULL && !c->ext_smtputf8)
    return _sc_smtp_connection_refused (c, SC_SMTP_ERROR_SMTPUTF8_UNAVAILABLE, error,
                                        /* Translators: %s is an e-mail address; SMTPUTF8 is
                                         * an SMTP extension: keep it. */
                                        _("The address %s has non-ASCII letters before the @, "
                                          "and the server does not offer SMTPUTF8, which it "
                                          "needs"), utf8_address);

  deferred = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_refused_recipient_free);
  if (!_sc_smtp_connection_authenticate (c, error) ||
      !send_envelope (c, from, to, size, refused, deferred, error) ||
      !send_data (c, message, out_reply, error))
    return FALSE;

  /* "452": the server had no room for them in that transaction; a further one on the same
   * connection takes them (RFC 5321 §4.5.3.1.10). The message is already out to the others:
   * what goes wrong now refuses only these. */
  while (deferred->len > 0)
    {
      g_autoptr(GPtrArray) pending = g_steal_pointer (&deferred);
      g_autoptr(GPtrArray) addresses = g_ptr_array_new ();
      g_autoptr(GError) local_error = NULL;
      g_autofree char *reply = NULL;
      guint n_refused = refused->len;

      deferred = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_refused_recipient_free);
      for (guint i = 0; i < pending->len; i++)
        g_ptr_array_add (addresses,
                         ((ScRefusedRecipient *) g_ptr_array_index (pending, i))->address);
      g_ptr_array_add (addresses, NULL);

      g_debug ("%u recipients left for a further transaction", pending->len);
      if (send_envelope (c, from, (const char * const *) addresses->pdata, size, refused,
                         deferred, &local_error) &&
          send_data (c, message, &reply, &local_error))
        {
          char *joined = g_strdup_printf ("%s; %s", *out_reply, reply);

          g_free (*out_reply);
          *out_reply = joined;
          continue;
        }

      /* Each of them refused once: with its own reply when the server refused them all,
       * else with what stopped the transaction */
      if (g_error_matches (local_error, SC_SMTP_ERROR, SC_SMTP_ERROR_RECIPIENTS_REFUSED))
        break;
      g_ptr_array_set_size (refused, n_refused);
      for (guint i = 0; i < pending->len; i++)
        g_ptr_array_add (refused,
                         refused_recipient_new (((ScRefusedRecipient *)
                                                 g_ptr_array_index (pending, i))->address,
                                                local_error->message));
      g_ptr_array_set_size (deferred, 0);
      if (!c->in_sync)
        break;
    }

  return TRUE;
}

/* Runs on the thread that sends; it reads only the session's configuration and @message, and
 * writes only to what it returns. The signals go to @context (NULL: this thread). */
static ScSendResult *
send_run (ScSmtpSession      *self,
          ScMessage          *message,
          GMainContext       *context,
          GCancellable       *cancellable,
          ScCertificateInfo **out_certificate,
          GError            **error)
{
  ScSmtpConnection c = { 0 };
  g_autoptr(GPtrArray) refused = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(GError) local_error = NULL;
  ScSendResult *result = NULL;

  if (!connection_init (&c, self, context, cancellable, error))
    return NULL;
  refused = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_refused_recipient_free);

  if (send_message (&c, message, refused, &reply, &local_error))
    result = _sc_send_result_new (reply, g_steal_pointer (&refused));

  connection_finish (&c, result != NULL || c.in_sync, out_certificate);

  if (result == NULL)
    {
      g_debug ("Sending to %s:%u failed: %s", c.config->host, c.config->port,
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
  ScTaskData *data = task_data;
  GError *error = NULL;
  ScSendResult *result;

  result = send_run (source_object, data->message, g_task_get_context (task), cancellable,
                     &data->certificate, &error);

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) sc_send_result_unref);
  else
    g_task_return_error (task, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Test Connection                                                                            */
/* ------------------------------------------------------------------------------------------ */

/* Like send_run (): connects as a send does, logs in when a login is set, and says QUIT. */
static ScConnectionReport *
test_run (ScSmtpSession      *self,
          GMainContext       *context,
          GCancellable       *cancellable,
          ScCertificateInfo **out_certificate,
          GError            **error)
{
  ScSmtpConnection c = { 0 };
  g_autoptr(GError) local_error = NULL;
  ScConnectionReport *report = NULL;
  const ScSmtpConfig *config = &self->config;
  gboolean has_login = config->login != NULL && config->login[0] != '\0';

  if (!connection_init (&c, self, context, cancellable, error))
    return NULL;

  if (_sc_smtp_connection_open (&c, &local_error) &&
      _sc_smtp_connection_authenticate (&c, &local_error))
    report = _sc_smtp_connection_report (&c, has_login);

  connection_finish (&c, report != NULL || c.in_sync, out_certificate);

  if (report == NULL)
    {
      g_debug ("Testing %s:%u failed: %s", config->host, config->port, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return report;
}

static void
test_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScTaskData *data = task_data;
  GError *error = NULL;
  ScConnectionReport *report;

  report = test_run (source_object, g_task_get_context (task), cancellable, &data->certificate,
                     &error);

  if (report != NULL)
    g_task_return_pointer (task, report, (GDestroyNotify) sc_connection_report_unref);
  else
    g_task_return_error (task, error);
}

/* In a _finish: the certificate the worker got becomes the session's. */
static void
take_task_certificate (ScSmtpSession *self,
                       GAsyncResult  *result)
{
  ScTaskData *data = g_task_get_task_data (G_TASK (result));

  set_peer_certificate (self, g_steal_pointer (&data->certificate));
}

/* ------------------------------------------------------------------------------------------ */
/* ScSmtpSession                                                                              */
/* ------------------------------------------------------------------------------------------ */

static void
sc_smtp_session_finalize (GObject *object)
{
  ScSmtpSession *self = SC_SMTP_SESSION (object);

  g_clear_pointer (&self->config.host, g_free);
  g_clear_pointer (&self->config.ca_file, g_free);
  g_clear_pointer (&self->config.tls_fingerprint, g_free);
  g_clear_pointer (&self->peer_certificate, sc_certificate_info_unref);
  g_clear_pointer (&self->config.login, g_free);
  sc_secret_clear (&self->config.password);
  g_clear_error (&self->settings_error);

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
 * Copies the server, security, CA file, pinned certificate fingerprint, time-out, login and
 * password out of @settings: later changes to @settings do not reach the session, which
 * never reads them again. Settings that still name the example server
 * (sc_settings_check_example_server ()) make every send and test fail with that error
 * before anything connects.
 *
 * Returns: (transfer full): a new #ScSmtpSession
 */
ScSmtpSession *
sc_smtp_session_new (ScSettings *settings)
{
  ScSmtpSession *self;
  const char *host;
  const char *ca_file;
  const char *fingerprint;
  const char *password;

  g_return_val_if_fail (SC_IS_SETTINGS (settings), NULL);

  self = g_object_new (SC_TYPE_SMTP_SESSION, NULL);

  host = sc_settings_get_smtp_host (settings);
  self->config.host = g_strdup (host != NULL ? host : "");
  self->config.port = (guint16) MIN (sc_settings_get_smtp_port (settings), G_MAXUINT16);
  self->config.security = sc_settings_get_security (settings);
  ca_file = sc_settings_get_ca_file (settings);
  self->config.ca_file = (ca_file != NULL && ca_file[0] != '\0') ? g_strdup (ca_file) : NULL;
  fingerprint = sc_settings_get_tls_fingerprint (settings);
  self->config.tls_fingerprint = (fingerprint != NULL && fingerprint[0] != '\0')
                                 ? g_strdup (fingerprint) : NULL;
  if (sc_settings_get_timeout_seconds (settings) > 0)
    self->config.timeout_seconds = sc_settings_get_timeout_seconds (settings);
  self->config.login = g_strdup (sc_settings_get_login (settings));
  password = sc_settings_get_password (settings);
  self->config.password = g_strdup (password != NULL ? password : "");
  sc_settings_check_example_server (settings, &self->settings_error);

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
 * A refused sender or message, or every recipient refused, is an %SC_SMTP_ERROR (a reply the
 * server sent in the middle of the message included); so is a final reply that never came
 * (%SC_SMTP_ERROR_DELIVERY_UNCERTAIN), also when @cancellable is cancelled after the whole
 * message was sent: only a cancel before that is %G_IO_ERROR_CANCELLED. Recipients the server
 * has no room for ("452") are sent the message in further transactions. Each reply, and each
 * stall of the upload, is bounded by the time-out of the settings. The connection's failures
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
  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), NULL);
  g_return_val_if_fail (SC_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  ScCertificateInfo *certificate = NULL;
  ScSendResult *result;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = send_run (self, message, NULL, cancellable, &certificate, error);
  set_peer_certificate (self, certificate);

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
  ScTaskData *data;

  g_return_if_fail (SC_IS_SMTP_SESSION (self));
  g_return_if_fail (SC_IS_MESSAGE (message));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* The task keeps the caller's thread-default main context: the signals go there. */
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_smtp_session_send_async);
  g_task_set_name (task, "[sc] smtp send");
  /* After the end of the message a cancel no longer means "not sent": the worker's own
   * outcome (delivery uncertain, or sent) is what the caller gets. */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (ScTaskData, 1);
  data->message = g_object_ref (message);
  g_task_set_task_data (task, data, sc_task_data_free);
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

  take_task_certificate (self, result);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sc_smtp_session_test_connection_sync:
 * @self: a #ScSmtpSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Test Connection: connects exactly as a send does (TLS from the start or STARTTLS, with the
 * same certificate checks and pinned fingerprint), says EHLO, logs in when a login is set, and
 * QUIT; it sends no message. Blocking; the "transcript" signal is emitted on this thread.
 *
 * The errors are those of a send: a refused login is %SC_SMTP_ERROR_AUTH_FAILED, an untrusted
 * certificate %G_TLS_ERROR_BAD_CERTIFICATE (see sc_smtp_session_get_peer_certificate ()).
 *
 * Returns: (transfer full): what the server told, or %NULL on error
 */
ScConnectionReport *
sc_smtp_session_test_connection_sync (ScSmtpSession  *self,
                                      GCancellable   *cancellable,
                                      GError        **error)
{
  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  ScCertificateInfo *certificate = NULL;
  ScConnectionReport *report;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  report = test_run (self, NULL, cancellable, &certificate, error);
  set_peer_certificate (self, certificate);

  return report;
}

/**
 * sc_smtp_session_test_connection_async:
 * @self: a #ScSmtpSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the current thread-default main context when done
 * @user_data: data for @callback
 *
 * Runs sc_smtp_session_test_connection_sync () on a worker thread; the "transcript" signal is
 * emitted on the caller's thread-default main context, all of it before @callback.
 */
void
sc_smtp_session_test_connection_async (ScSmtpSession       *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SC_IS_SMTP_SESSION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_smtp_session_test_connection_async);
  g_task_set_name (task, "[sc] smtp test connection");
  g_task_set_task_data (task, g_new0 (ScTaskData, 1), sc_task_data_free);
  g_task_run_in_thread (task, test_thread);
}

/**
 * sc_smtp_session_test_connection_finish:
 * @self: a #ScSmtpSession
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the report, or %NULL on error (see
 *   sc_smtp_session_test_connection_sync ())
 */
ScConnectionReport *
sc_smtp_session_test_connection_finish (ScSmtpSession  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sc_smtp_session_test_connection_async, NULL);

  take_task_certificate (self, result);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sc_smtp_session_get_peer_certificate:
 * @self: a #ScSmtpSession
 *
 * The certificate the server presented in the last send or test that got as far as the TLS
 * handshake, also when it was refused (%G_TLS_ERROR_BAD_CERTIFICATE): for "Trust This
 * Certificate". It is set when the _sync call returns or in the _finish of the _async one.
 *
 * Returns: (transfer none) (nullable): the certificate, or %NULL when the last send or test
 *   got none (no TLS, or it failed before the server sent its certificate)
 */
ScCertificateInfo *
sc_smtp_session_get_peer_certificate (ScSmtpSession *self)
{
  g_return_val_if_fail (SC_IS_SMTP_SESSION (self), NULL);

  return self->peer_certificate;
}

/* sc-smtp-session.h — one SMTP (RFC 5321) client session over TLS
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sc-message.h"
#include "sc-settings.h"

G_BEGIN_DECLS

/**
 * ScRefusedRecipient:
 * @address: the recipient as given to RCPT TO
 * @reply: the server's reply, e.g. "550 5.1.1 <x@example.com>: Recipient address rejected"
 */
typedef struct
{
  char *address;
  char *reply;
} ScRefusedRecipient;

void                sc_refused_recipient_free (ScRefusedRecipient *recipient);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScRefusedRecipient, sc_refused_recipient_free)

/**
 * ScSmtpProgressFunc:
 * @bytes_sent: bytes of the DATA payload written so far
 * @bytes_total: size of the DATA payload (sc_message_get_size ())
 *
 * Called from the thread that sends (for the _async variant: on the main context that called
 * sc_smtp_session_send_async (), coalesced so it never floods the main loop).
 */
typedef void (*ScSmtpProgressFunc)   (goffset      bytes_sent,
                                      goffset      bytes_total,
                                      gpointer     user_data);

/**
 * ScSmtpTranscriptFunc:
 * @outgoing: TRUE for what we sent, FALSE for what the server said
 * @line: one line without CRLF; AUTH payloads are already replaced with "<redacted>"; the
 *   message content is never passed (the final "." that ends it is)
 *
 * Called from the thread that sends (for the _async variant: on the main context that called
 * sc_smtp_session_send_async (), in order, batched with the progress calls).
 */
typedef void (*ScSmtpTranscriptFunc) (gboolean     outgoing,
                                      const char  *line,
                                      gpointer     user_data);

#define SC_TYPE_SMTP_SESSION (sc_smtp_session_get_type ())
G_DECLARE_FINAL_TYPE (ScSmtpSession, sc_smtp_session, SC, SMTP_SESSION, GObject)

ScSmtpSession *sc_smtp_session_new                  (ScSettings            *settings);
void           sc_smtp_session_set_progress_func    (ScSmtpSession         *self,
                                                     ScSmtpProgressFunc     func,
                                                     gpointer               user_data,
                                                     GDestroyNotify         destroy);
void           sc_smtp_session_set_transcript_func  (ScSmtpSession         *self,
                                                     ScSmtpTranscriptFunc   func,
                                                     gpointer               user_data,
                                                     GDestroyNotify         destroy);

gboolean       sc_smtp_session_send_sync            (ScSmtpSession         *self,
                                                     ScMessage             *message,
                                                     GCancellable          *cancellable,
                                                     GError               **error);
void           sc_smtp_session_send_async           (ScSmtpSession         *self,
                                                     ScMessage             *message,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
gboolean       sc_smtp_session_send_finish          (ScSmtpSession         *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);

GPtrArray     *sc_smtp_session_get_refused_recipients (ScSmtpSession       *self);
const char    *sc_smtp_session_get_last_reply       (ScSmtpSession         *self);

G_END_DECLS

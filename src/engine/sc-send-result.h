/* sc-send-result.h — what a successful send found out
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

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

void                sc_refused_recipient_free   (ScRefusedRecipient *recipient);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScRefusedRecipient, sc_refused_recipient_free)

#define SC_TYPE_SEND_RESULT (sc_send_result_get_type ())

typedef struct _ScSendResult ScSendResult;

GType               sc_send_result_get_type     (void) G_GNUC_CONST;
ScSendResult       *sc_send_result_ref          (ScSendResult       *self);
void                sc_send_result_unref        (ScSendResult       *self);
GPtrArray          *sc_send_result_get_refused  (ScSendResult       *self);
const char         *sc_send_result_get_reply    (ScSendResult       *self);
const char         *sc_send_result_get_queue_id (ScSendResult       *self);

/* < private > for the session that makes it */
ScSendResult       *_sc_send_result_new         (const char         *reply,
                                                 GPtrArray          *refused);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScSendResult, sc_send_result_unref)

G_END_DECLS

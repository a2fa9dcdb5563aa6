/* sc-outbox.h — the record of sends: a bounded history and an outbox of unconfirmed messages
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sc-message.h"
#include "sc-send-result.h"
#include "sc-smtp-session.h"

G_BEGIN_DECLS

#define SC_OUTBOX_ERROR (sc_outbox_error_quark ())
GQuark sc_outbox_error_quark (void);

/**
 * ScOutboxError:
 * @SC_OUTBOX_ERROR_IO: the record cannot be read or written
 * @SC_OUTBOX_ERROR_NOT_FOUND: no outbox entry has this id
 * @SC_OUTBOX_ERROR_UNCERTAIN: the server may already have this message: retry it only when
 *   the user said so (@confirm_uncertain)
 * @SC_OUTBOX_ERROR_BUSY: the entry is being sent right now
 */
typedef enum
{
  SC_OUTBOX_ERROR_IO,
  SC_OUTBOX_ERROR_NOT_FOUND,
  SC_OUTBOX_ERROR_UNCERTAIN,
  SC_OUTBOX_ERROR_BUSY,
} ScOutboxError;

/**
 * ScOutboxState:
 * @SC_OUTBOX_STATE_SENDING: being sent by a running process
 * @SC_OUTBOX_STATE_SENT: the server accepted it for every recipient
 * @SC_OUTBOX_STATE_PARTIAL: sent, but some recipients were refused (see the reason)
 * @SC_OUTBOX_STATE_FAILED: not sent (the reason says why); safe to retry
 * @SC_OUTBOX_STATE_UNCERTAIN: the connection ended after the end of the message: the server
 *   may already have it
 * @SC_OUTBOX_STATE_INTERRUPTED: the process sending it stopped (killed, crashed, power cut):
 *   the server may already have it
 */
typedef enum
{
  SC_OUTBOX_STATE_SENDING,
  SC_OUTBOX_STATE_SENT,
  SC_OUTBOX_STATE_PARTIAL,
  SC_OUTBOX_STATE_FAILED,
  SC_OUTBOX_STATE_UNCERTAIN,
  SC_OUTBOX_STATE_INTERRUPTED,
} ScOutboxState;

GType sc_outbox_state_get_type (void) G_GNUC_CONST;
#define SC_TYPE_OUTBOX_STATE (sc_outbox_state_get_type ())

/* One recorded send: read-only properties "id", "state", "time", "sender", "to", "cc", "bcc",
 * "subject", "size", "message-id", "reply", "queue-id", "reason", "has-message". */
#define SC_TYPE_OUTBOX_ENTRY (sc_outbox_entry_get_type ())
G_DECLARE_FINAL_TYPE (ScOutboxEntry, sc_outbox_entry, SC, OUTBOX_ENTRY, GObject)

const char         *sc_outbox_entry_get_id          (ScOutboxEntry *self);
ScOutboxState       sc_outbox_entry_get_state       (ScOutboxEntry *self);
GDateTime          *sc_outbox_entry_get_time        (ScOutboxEntry *self);
const char         *sc_outbox_entry_get_sender      (ScOutboxEntry *self);
const char * const *sc_outbox_entry_get_to          (ScOutboxEntry *self);
const char * const *sc_outbox_entry_get_cc          (ScOutboxEntry *self);
const char * const *sc_outbox_entry_get_bcc         (ScOutboxEntry *self);
const char         *sc_outbox_entry_get_subject     (ScOutboxEntry *self);
gint64              sc_outbox_entry_get_size        (ScOutboxEntry *self);
const char         *sc_outbox_entry_get_message_id  (ScOutboxEntry *self);
const char         *sc_outbox_entry_get_reply       (ScOutboxEntry *self);
const char         *sc_outbox_entry_get_queue_id    (ScOutboxEntry *self);
const char         *sc_outbox_entry_get_reason      (ScOutboxEntry *self);
gboolean            sc_outbox_entry_get_has_message (ScOutboxEntry *self);
GFile              *sc_outbox_entry_get_eml         (ScOutboxEntry *self);

#define SC_TYPE_OUTBOX (sc_outbox_get_type ())
G_DECLARE_FINAL_TYPE (ScOutbox, sc_outbox, SC, OUTBOX, GObject)

/* Number of records the history keeps (the oldest go first); outbox entries are never dropped. */
#define SC_OUTBOX_HISTORY_LIMIT 500

ScOutbox      *sc_outbox_new                  (GFile               *directory);
GFile         *sc_outbox_get_directory        (ScOutbox            *self);

/* Sending: prepare, record "sending", send with @session, record the outcome (and keep the
 * message in the outbox when it failed or may not have arrived). The result and error are the
 * session's. */
void           sc_outbox_send_async           (ScOutbox            *self,
                                               ScSmtpSession       *session,
                                               ScMessage           *message,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
ScSendResult  *sc_outbox_send_finish          (ScOutbox            *self,
                                               GAsyncResult        *result,
                                               char               **out_id,
                                               GError             **error);

/* The same in two blocking steps around a send of the caller's own (on a worker thread). */
char          *sc_outbox_record_begin         (ScOutbox            *self,
                                               ScMessage           *message,
                                               GCancellable        *cancellable,
                                               GError             **error);
gboolean       sc_outbox_record_finish        (ScOutbox            *self,
                                               const char          *id,
                                               ScMessage           *message,
                                               ScSendResult        *result,
                                               const GError        *send_error,
                                               GCancellable        *cancellable,
                                               GError             **error);

/* Lists (blocking, and async on a worker): a GListModel of ScOutboxEntry, newest first. */
GListModel    *sc_outbox_list_history         (ScOutbox            *self,
                                               GCancellable        *cancellable,
                                               GError             **error);
GListModel    *sc_outbox_list_outbox          (ScOutbox            *self,
                                               GCancellable        *cancellable,
                                               GError             **error);
void           sc_outbox_list_history_async   (ScOutbox            *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void           sc_outbox_list_outbox_async    (ScOutbox            *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GListModel    *sc_outbox_list_finish          (ScOutbox            *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Retry: sends the stored .eml (same bytes, same Message-ID) to its stored envelope. An
 * uncertain or interrupted entry fails with SC_OUTBOX_ERROR_UNCERTAIN unless
 * @confirm_uncertain. Sent: the entry leaves the outbox for the history. */
void           sc_outbox_retry_async          (ScOutbox            *self,
                                               ScSmtpSession       *session,
                                               const char          *id,
                                               gboolean             confirm_uncertain,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
ScSendResult  *sc_outbox_retry_finish         (ScOutbox            *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Delete: removes an outbox entry and its message; the history keeps its record. */
void           sc_outbox_delete_async         (ScOutbox            *self,
                                               const char          *id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       sc_outbox_delete_finish        (ScOutbox            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
gboolean       sc_outbox_delete               (ScOutbox            *self,
                                               const char          *id,
                                               GCancellable        *cancellable,
                                               GError             **error);

G_END_DECLS

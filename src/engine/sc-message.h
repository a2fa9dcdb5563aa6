/* sc-message.h — a MIME message (GMime 3) that streams its attachments from disk
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sc-settings.h"

G_BEGIN_DECLS

#define SC_TYPE_MESSAGE (sc_message_get_type ())
G_DECLARE_FINAL_TYPE (ScMessage, sc_message, SC, MESSAGE, GObject)

/*
 * Made in two steps, so that a GUI can make one on its main thread and hand it to a worker:
 * sc_message_new () does no I/O, sc_message_prepare () does the blocking part. After that,
 * sc_message_write_data () writes the same bytes each time, reading and encoding the attachments
 * as it goes: memory does not grow with their size.
 */

ScMessage   *sc_message_new                 (const char          *from,
                                             const char * const  *to,
                                             const char          *subject,
                                             const char          *body,
                                             GPtrArray           *attachments);
ScMessage   *sc_message_new_from_settings   (ScSettings          *settings,
                                             GCancellable        *cancellable,
                                             GError             **error);
/* Raw mode: a stored message, sent byte for byte as it was first sent (see sc-outbox.h) */
ScMessage   *sc_message_new_from_eml        (GFile               *eml,
                                             const char          *envelope_from,
                                             const char * const  *envelope_recipients);

gboolean     sc_message_prepare             (ScMessage           *self,
                                             GCancellable        *cancellable,
                                             GError             **error);
gboolean     sc_message_write_data          (ScMessage           *self,
                                             GOutputStream       *stream,
                                             GCancellable        *cancellable,
                                             GError             **error);
gboolean     sc_message_write_eml           (ScMessage           *self,
                                             GOutputStream       *stream,
                                             GCancellable        *cancellable,
                                             GError             **error);
const char  *sc_message_get_message_id      (ScMessage           *self);
const char  *sc_message_get_subject         (ScMessage           *self);
const char * const *
             sc_message_get_cc              (ScMessage           *self);
const char * const *
             sc_message_get_bcc             (ScMessage           *self);
GPtrArray   *sc_message_get_skipped_files   (ScMessage           *self);

const char  *sc_message_get_from            (ScMessage           *self);
const char * const *
             sc_message_get_to              (ScMessage           *self);
void         sc_message_set_cc              (ScMessage           *self,
                                             const char * const  *cc);
void         sc_message_set_bcc             (ScMessage           *self,
                                             const char * const  *bcc);
const char  *sc_message_get_envelope_from   (ScMessage           *self);
const char * const *
             sc_message_get_envelope_recipients (ScMessage       *self);
GPtrArray   *sc_message_get_attachments     (ScMessage           *self);
goffset      sc_message_get_size            (ScMessage           *self);

GPtrArray   *sc_attachment_folder_list      (GFile               *folder,
                                             GCancellable        *cancellable,
                                             GError             **error);
GPtrArray   *sc_attachment_folder_list_full (GFile               *folder,
                                             GPtrArray          **out_skipped,
                                             GCancellable        *cancellable,
                                             GError             **error);

G_END_DECLS

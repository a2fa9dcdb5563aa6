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
 * An ScMessage is made in two steps so that a GUI can make one on its main thread and hand it
 * to a worker:
 *
 *   sc_message_new ()      copies strings and GFiles, does no I/O, never fails;
 *   sc_message_prepare ()  validates addresses and headers, opens every attachment, builds the
 *                          GMime tree (with a fixed Date, Message-ID and boundaries) and measures
 *                          the exact size of the SMTP DATA form. Blocking: call it on a worker.
 *
 * After prepare, sc_message_write_data () streams the message as the SMTP DATA payload: CRLF line
 * ends, dot-stuffed, ending with CRLF but WITHOUT the final ".\r\n". Attachments are read from
 * disk and base64-encoded as they are written; memory does not grow with their size.
 * sc_message_write_data () can be called more than once and writes the same bytes each time.
 */

ScMessage   *sc_message_new                 (const char          *from,
                                             const char * const  *to,
                                             const char          *subject,
                                             const char          *body,
                                             GPtrArray           *attachments);
ScMessage   *sc_message_new_from_settings   (ScSettings          *settings,
                                             GCancellable        *cancellable,
                                             GError             **error);

gboolean     sc_message_prepare             (ScMessage           *self,
                                             GCancellable        *cancellable,
                                             GError             **error);
gboolean     sc_message_write_data          (ScMessage           *self,
                                             GOutputStream       *stream,
                                             GCancellable        *cancellable,
                                             GError             **error);

const char  *sc_message_get_from            (ScMessage           *self);
const char * const *
             sc_message_get_to              (ScMessage           *self);
GPtrArray   *sc_message_get_attachments     (ScMessage           *self);
goffset      sc_message_get_size            (ScMessage           *self);
gboolean     sc_message_is_prepared         (ScMessage           *self);

GPtrArray   *sc_attachment_folder_list      (GFile               *folder,
                                             GCancellable        *cancellable,
                                             GError             **error);

G_END_DECLS

/* sc-body.h — the message body file: read once, the same way everywhere
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The largest message body read, in bytes. */
#define SC_BODY_MAX_SIZE (64 * 1024 * 1024)

char        *sc_body_load                   (GFile               *file,
                                             GCancellable        *cancellable,
                                             GError             **error);
void         sc_body_load_async             (GFile               *file,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char        *sc_body_load_finish            (GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS

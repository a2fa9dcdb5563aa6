/* sc-mime-output-stream.h — a GMimeStream that writes into a GOutputStream (engine-private)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

/* GMime 3.2 has no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)

#define SC_TYPE_MIME_OUTPUT_STREAM (sc_mime_output_stream_get_type ())
G_DECLARE_FINAL_TYPE (ScMimeOutputStream, sc_mime_output_stream, SC, MIME_OUTPUT_STREAM,
                      GMimeStream)

/*
 * Write-only. Output reaches @output in blocks of up to 1 MiB, so that a TLS stream below does
 * not make a record per line; flushing hands the buffer to @output without flushing @output itself.
 * With @output NULL the stream only counts; g_mime_stream_tell () gives the count. The first
 * error of @output (or a cancellation of @cancellable) makes every later write fail; get it with
 * sc_mime_output_stream_steal_error ().
 *
 * A producer that can write straight into the buffer (the base64 encoder) asks for room with
 * sc_mime_output_stream_reserve () and hands on what it wrote with
 * sc_mime_output_stream_commit ().
 */

/* The most sc_mime_output_stream_reserve () gives: half the buffer */
#define SC_MIME_OUTPUT_STREAM_RESERVE_MAX (512 * 1024)

GMimeStream *sc_mime_output_stream_new         (GOutputStream       *output,
                                                GCancellable        *cancellable);
GError      *sc_mime_output_stream_steal_error (ScMimeOutputStream  *self);
char        *sc_mime_output_stream_reserve     (ScMimeOutputStream  *self,
                                                gsize                len);
void         sc_mime_output_stream_commit      (ScMimeOutputStream  *self,
                                                gsize                len);

G_END_DECLS

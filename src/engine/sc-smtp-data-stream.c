/* sc-smtp-data-stream.c — the DATA payload's way to the server, counted for "progress"
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-smtp-session"

#include "config.h"

#include "sc-smtp-data-stream.h"

#define PROGRESS_INTERVAL_US  (G_USEC_PER_SEC / 20)

/* A GOutputStream between the DATA buffer and the connection that counts what goes through.
 * Closing it leaves the connection open for the reply. */
struct _ScSmtpDataStream
{
  GOutputStream     parent_instance;
  ScSmtpConnection *connection;   /* it outlives the stream */
  goffset           bytes_sent;
  goffset           bytes_total;
  gint64            last_report;
};

G_DEFINE_FINAL_TYPE (ScSmtpDataStream, sc_smtp_data_stream, G_TYPE_OUTPUT_STREAM)

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

  /* Each stall is bounded by the time-out, and a reply in the middle (an early "552") stops
   * the upload: the caller reads it. */
  if (!_sc_smtp_connection_wait_writable (self->connection, cancellable, error))
    return -1;

  written = g_output_stream_write (self->connection->output, buffer, count, cancellable, error);
  if (written < 0)
    return -1;

  self->bytes_sent += written;

  now = g_get_monotonic_time ();
  if (now - self->last_report >= PROGRESS_INTERVAL_US)
    {
      self->last_report = now;
      _sc_smtp_session_emit_progress (self->connection,
                                      MIN (self->bytes_sent, self->bytes_total),
                                      self->bytes_total);
    }

  return written;
}

static void
sc_smtp_data_stream_class_init (ScSmtpDataStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = sc_smtp_data_stream_write_fn;
}

static void
sc_smtp_data_stream_init (ScSmtpDataStream *self)
{
}

ScSmtpDataStream *
_sc_smtp_data_stream_new (ScSmtpConnection *connection,
                          goffset           bytes_total)
{
  ScSmtpDataStream *self = g_object_new (SC_TYPE_SMTP_DATA_STREAM, NULL);

  self->connection = connection;
  self->bytes_total = bytes_total;

  return self;
}

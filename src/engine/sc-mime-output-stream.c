/* sc-mime-output-stream.c — a GMimeStream that writes into a GOutputStream through a large
 * buffer, or only counts
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-mime-output-stream"

#include "config.h"

#include "sc-mime-output-stream.h"

#include <string.h>

/* Output reaches the GOutputStream in blocks of up to this size, so that a TLS stream below
 * fills whole records and each write costs little beside the bytes it carries. */
#define BUFFER_SIZE (1024 * 1024)

struct _ScMimeOutputStream
{
  GMimeStream    parent_instance;

  GOutputStream *output;        /* NULL: count only */
  GCancellable  *cancellable;
  GError        *error;         /* the first error, as the output stream gave it */
  char          *buffer;
  gsize          buffer_len;
};

G_DEFINE_FINAL_TYPE (ScMimeOutputStream, sc_mime_output_stream, GMIME_TYPE_STREAM)

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static gboolean
sc_mime_output_stream_drain (ScMimeOutputStream *self)
{
  if (self->error != NULL)
    return FALSE;

  if (self->buffer_len > 0 && self->output != NULL)
    {
      if (!g_output_stream_write_all (self->output, self->buffer, self->buffer_len, NULL,
                                      self->cancellable, &self->error))
        return FALSE;
    }

  self->buffer_len = 0;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* GMimeStream                                                                                */
/* ------------------------------------------------------------------------------------------ */

static ssize_t
sc_mime_output_stream_write (GMimeStream *stream,
                             const char  *buf,
                             size_t       len)
{
  ScMimeOutputStream *self = (ScMimeOutputStream *) stream;
  size_t done = 0;

  if (self->error != NULL)
    return -1;

  if (g_cancellable_set_error_if_cancelled (self->cancellable, &self->error))
    return -1;

  while (done < len)
    {
      size_t chunk = MIN (len - done, BUFFER_SIZE - self->buffer_len);

      memcpy (self->buffer + self->buffer_len, buf + done, chunk);
      self->buffer_len += chunk;
      done += chunk;

      if (self->buffer_len == BUFFER_SIZE && !sc_mime_output_stream_drain (self))
        return -1;
    }

  stream->position += len;

  return (ssize_t) len;
}

static int
sc_mime_output_stream_flush (GMimeStream *stream)
{
  ScMimeOutputStream *self = (ScMimeOutputStream *) stream;

  /* Hand everything to the output stream; flushing that one is the caller's business. */
  return sc_mime_output_stream_drain (self) ? 0 : -1;
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_mime_output_stream_finalize (GObject *object)
{
  ScMimeOutputStream *self = (ScMimeOutputStream *) object;

  g_clear_object (&self->output);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_clear_pointer (&self->buffer, g_free);

  G_OBJECT_CLASS (sc_mime_output_stream_parent_class)->finalize (object);
}

static void
sc_mime_output_stream_class_init (ScMimeOutputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GMimeStreamClass *stream_class = GMIME_STREAM_CLASS (klass);

  object_class->finalize = sc_mime_output_stream_finalize;

  /* GMimeStream's defaults do for the rest: no reading or seeking, tell () is the count. */
  stream_class->write = sc_mime_output_stream_write;
  stream_class->flush = sc_mime_output_stream_flush;
}

static void
sc_mime_output_stream_init (ScMimeOutputStream *self)
{
}

/* ------------------------------------------------------------------------------------------ */
/* Engine-private API                                                                         */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_mime_output_stream_new:
 * @output: (nullable): where the bytes go; NULL: only count them
 * @cancellable: (nullable): checked before each write
 *
 * Returns: (transfer full): a new write-only #GMimeStream
 */
GMimeStream *
sc_mime_output_stream_new (GOutputStream *output,
                           GCancellable  *cancellable)
{
  ScMimeOutputStream *self;

  g_return_val_if_fail (output == NULL || G_IS_OUTPUT_STREAM (output), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (SC_TYPE_MIME_OUTPUT_STREAM, NULL);
  g_mime_stream_construct (GMIME_STREAM (self), 0, -1);
  self->output = output != NULL ? g_object_ref (output) : NULL;
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  /* Pages of it that are never written are never touched. */
  self->buffer = g_malloc (BUFFER_SIZE);

  return GMIME_STREAM (self);
}

/**
 * sc_mime_output_stream_steal_error:
 * @self: a #ScMimeOutputStream
 *
 * Returns: (transfer full) (nullable): the first error of the output stream (or the
 *   cancellation), as it was given; NULL if there was none
 */
GError *
sc_mime_output_stream_steal_error (ScMimeOutputStream *self)
{
  g_return_val_if_fail (SC_IS_MIME_OUTPUT_STREAM (self), NULL);

  return g_steal_pointer (&self->error);
}

/**
 * sc_mime_output_stream_reserve:
 * @self: a #ScMimeOutputStream
 * @len: how many bytes the caller wants to write, at most %SC_MIME_OUTPUT_STREAM_RESERVE_MAX
 *
 * Room in the buffer to write into directly, without a copy; hand what was written on with
 * sc_mime_output_stream_commit (). Drains the buffer first when it has less room than @len.
 *
 * Returns: (nullable): where to write at least @len bytes, or %NULL after an error of the
 *   output stream or a cancellation (see sc_mime_output_stream_steal_error ())
 */
char *
sc_mime_output_stream_reserve (ScMimeOutputStream *self,
                               gsize               len)
{
  g_return_val_if_fail (SC_IS_MIME_OUTPUT_STREAM (self), NULL);
  g_return_val_if_fail (len <= SC_MIME_OUTPUT_STREAM_RESERVE_MAX, NULL);

  if (self->error != NULL ||
      g_cancellable_set_error_if_cancelled (self->cancellable, &self->error))
    return NULL;

  if (BUFFER_SIZE - self->buffer_len < len && !sc_mime_output_stream_drain (self))
    return NULL;

  return self->buffer + self->buffer_len;
}

/**
 * sc_mime_output_stream_commit:
 * @self: a #ScMimeOutputStream
 * @len: how many bytes were written where sc_mime_output_stream_reserve () pointed, at most
 *   what it reserved
 *
 * Adds the bytes written into the buffer to the stream.
 */
void
sc_mime_output_stream_commit (ScMimeOutputStream *self,
                              gsize               len)
{
  g_return_if_fail (SC_IS_MIME_OUTPUT_STREAM (self));
  g_return_if_fail (len <= BUFFER_SIZE - self->buffer_len);

  self->buffer_len += len;
  GMIME_STREAM (self)->position += len;
}

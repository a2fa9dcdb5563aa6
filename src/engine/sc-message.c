/* sc-message.c — a MIME message (GMime 3) that streams its attachments from disk
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-message"
#define _GNU_SOURCE  /* memmem () */

#include "config.h"

#include "sc-message.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sc-address.h"
#include "sc-base64.h"
#include "sc-body.h"
#include "sc-error.h"
#include "sc-mime-output-stream.h"
#include "sc-settings-private.h"
#include "sc-util.h"

/* Longest body line (without CRLF) that we send as 7bit; longer lines get quoted-printable. */
#define MAX_7BIT_LINE 990

/* An attachment is read in blocks of this many bytes: whole base64 lines of 57 bytes, and its
 * encoding fits what the output stream reserves at once. */
#define READ_SIZE (57 * 6144)
G_STATIC_ASSERT (SC_BASE64_STEP_MAX (READ_SIZE) <= SC_MIME_OUTPUT_STREAM_RESERVE_MAX);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFilter, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMultipart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeContentType, g_object_unref)

struct _ScMessage
{
  GObject             parent_instance;

  char               *from;
  char              **to;
  char              **cc;
  char              **bcc;
  char               *subject;
  char               *body;
  GPtrArray          *attachments;   /* GFile */

  /* Set by prepare */
  char               *envelope_from;
  char              **envelope_recipients;  /* To, Cc and Bcc, bare, domains in ASCII, once each */
  GMimeMessage       *mime;      /* each attachment's content is a marker line */
  GMimeFormatOptions *format;
  char               *marker;    /* the markers' random stem */
  GByteArray         *skeleton;  /* the DATA form without the attachments' content */
  GArray             *slots;     /* gsize: where each attachment's content goes in it */
  goffset             size;
  GArray             *sources;   /* ScAttachmentSource: each attachment as it was prepared */

  /* Raw mode (sc_message_new_from_eml ()): the message is a stored file, sent as it is */
  GFile              *eml;
  GMimeStream        *raw;       /* set by prepare; reads the descriptor of sources[0] */

  GPtrArray          *skipped;   /* GFile: what the attachment folder held that is not a file */
};

#define IS_PREPARED(self) ((self)->mime != NULL || (self)->raw != NULL)

/* An attachment's file as it was when the message was prepared: checked again after each
 * upload, so that a file that changed meanwhile never goes out cut short or mixed. */
typedef struct
{
  int              fd;
  char            *shown;
  goffset          size;
  struct timespec  mtime;
} ScAttachmentSource;

static void
sc_attachment_source_clear (gpointer data)
{
  ScAttachmentSource *source = data;

  close (source->fd);
  g_free (source->shown);
}

G_DEFINE_FINAL_TYPE (ScMessage, sc_message, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Line ends become "\n" (GMime writes LF; the output filters make CRLF). */
static char *
normalize_newlines (const char *text)
{
  GString *out = g_string_new (text);

  g_string_replace (out, "\r\n", "\n", 0);
  g_string_replace (out, "\r", "\n", 0);

  return g_string_free (out, FALSE);
}

static GMimeContentEncoding
choose_body_encoding (const char *text)
{
  gsize line = 0;

  for (const unsigned char *p = (const unsigned char *) text; *p != '\0'; p++)
    {
      if (*p == '\n')
        {
          line = 0;
          continue;
        }

      if (*p >= 0x80 || (*p < 0x20 && *p != '\t') || *p == 0x7f)
        return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;

      if (++line > MAX_7BIT_LINE)
        return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
    }

  return GMIME_CONTENT_ENCODING_7BIT;
}

static gboolean
check_header_address (gboolean     sender,
                      const char  *address,
                      char       **out_name,
                      char       **out_addr,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (sc_address_parse (address, out_name, out_addr, &local_error))
    return TRUE;

  if (sender)
    g_set_error (error, SC_MESSAGE_ERROR, local_error->code,
                 /* Translators: %s is what is wrong with the address, e.g. "is empty" or
                  * "\"x\" is not an e-mail address (like name@example.com)". */
                 _("The sender address %s"), local_error->message);
  else
    g_set_error (error, SC_MESSAGE_ERROR, local_error->code,
                 /* Translators: %s is what is wrong with the address, e.g. "is empty" or
                  * "\"x\" is not an e-mail address (like name@example.com)". */
                 _("The recipient address %s"), local_error->message);
  return FALSE;
}

static GMimeObject *
build_body_part (ScMessage *self)
{
  g_autofree char *text = normalize_newlines (self->body != NULL ? self->body : "");
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeDataWrapper) content = NULL;
  GMimeTextPart *part;

  part = g_mime_text_part_new_with_subtype ("plain");

  stream = g_mime_stream_mem_new_with_buffer (text, strlen (text));
  content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (GMIME_PART (part), content);
  g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "utf-8");
  g_mime_part_set_content_encoding (GMIME_PART (part), choose_body_encoding (text));

  return GMIME_OBJECT (part);
}

/* Appends @text as RFC 2047 "B" encoded words of at most @max_bytes bytes each (45 bytes make
 * a word of 72 characters), never splitting a character. Every word but the last holds a
 * multiple of 3 bytes where possible, so its base64 has no "=" padding: GMime's own decoder
 * joins adjacent words and stops at padding. */
static void
append_encoded_words (GString    *out,
                      const char *text,
                      gsize       max_bytes,
                      const char *separator)
{
  const char *p = text;

  while (*p != '\0')
    {
      const char *end = p;
      const char *aligned = NULL;
      g_autofree char *b64 = NULL;

      while (*end != '\0')
        {
          const char *next = g_utf8_next_char (end);

          if ((gsize) (next - p) > max_bytes)
            break;
          end = next;
          if ((end - p) % 3 == 0)
            aligned = end;
        }

      if (end == p)
        end = g_utf8_next_char (p);
      else if (*end != '\0' && aligned != NULL)
        end = aligned;

      b64 = g_base64_encode ((const guchar *) p, end - p);
      if (p != text)
        g_string_append (out, separator);
      g_string_append_printf (out, "=?utf-8?b?%s?=", b64);
      p = end;
    }
}

/* The one rule for header text we write as RFC 2047 encoded words: any non-ASCII text, and
 * ASCII text holding "=?", which a reader would otherwise take for an encoded word and show
 * decoded ("=?UTF-8?B?…?=" in a subject must arrive as those characters). */
static gboolean
needs_encoded_words (const char *text)
{
  return !g_str_is_ascii (text) || strstr (text, "=?") != NULL;
}

static gboolean
is_plain_ascii (const char *str)
{
  if (needs_encoded_words (str))
    return FALSE;

  for (const char *p = str; *p != '\0'; p++)
    {
      if (!g_ascii_isprint (*p) || *p == '"' || *p == '\\')
        return FALSE;
    }

  return TRUE;
}

/* GMime splits long RFC 2231 values into filename*0*=…; filename*1*=… (even inside a UTF-8
 * sequence) and RFC 2047 values into several words. Write the two headers ourselves, so that
 * both kinds of readers find the name in its simplest form:
 *
 *   Content-Type: application/pdf;
 *           name="=?utf-8?b?…?="
 *   Content-Disposition: attachment;
 *           filename*=utf-8''%D0%9E…
 *
 * A file name has at most 255 bytes, so each line stays well under 998 octets. */
static void
set_filename_headers (GMimePart        *part,
                      GMimeContentType *type,
                      const char       *name)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (part));
  GMimeHeader *header;
  g_autoptr(GString) value = g_string_new (NULL);

  header = g_mime_header_list_get_header (headers, "Content-Type");
  if (header != NULL)
    {
      g_string_append_printf (value, " %s/%s;\n\tname=\"",
                              g_mime_content_type_get_media_type (type),
                              g_mime_content_type_get_media_subtype (type));

      append_encoded_words (value, name, 45, " ");
      g_string_append (value, "\"\n");
      g_mime_header_set_raw_value (header, value->str);
    }

  header = g_mime_header_list_get_header (headers, "Content-Disposition");
  if (header != NULL)
    {
      g_string_assign (value, " attachment;\n\tfilename*=utf-8''");
      for (const unsigned char *q = (const unsigned char *) name; *q != '\0'; q++)
        {
          if (g_ascii_isalnum (*q) || strchr ("-._~", *q) != NULL)
            g_string_append_c (value, *q);
          else
            g_string_append_printf (value, "%%%02X", *q);
        }
      g_string_append (value, "\n");
      g_mime_header_set_raw_value (header, value->str);
    }
}

/* The part of @file, whose content is the line @marker: sc_message_write_data () writes the
 * file's base64 in its place (see render_skeleton ()). */
static GMimeObject *
build_attachment_part (GFile         *file,
                       const char    *marker,
                       GArray        *sources,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *shown = _sc_display_path (file);
  g_autofree char *name = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *mime_type = NULL;
  g_autoptr(GMimeContentType) type = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeDataWrapper) content = NULL;
  GMimePart *part;
  GMimeParam *param;
  struct stat st;
  int fd;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (path == NULL)
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT,
                   /* Translators: %s is the attachment's file name or URI. */
                   _("%s: the attachment is not a local file"), shown);
      return NULL;
    }

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT,
                   /* Translators: the first %s is a file name, the second the system's
                    * reason. */
                   _("%s: cannot read the attachment: %s"), shown, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT,
                   /* Translators: %s is the attachment's file name. */
                   _("%s: the attachment is not a regular file"), shown);
      close (fd);
      return NULL;
    }

  /* The content is read only when written. */
  g_array_append_vals (sources,
                       &(ScAttachmentSource) { fd, g_strdup (shown), st.st_size, st.st_mtim },
                       1);

  name = g_filename_display_basename (path);
  content_type = g_content_type_guess (name, NULL, 0, NULL);
  if (content_type != NULL)
    mime_type = g_content_type_get_mime_type (content_type);
  if (mime_type != NULL)
    type = g_mime_content_type_parse (NULL, mime_type);
  if (type == NULL || g_mime_content_type_get_media_type (type) == NULL ||
      g_mime_content_type_get_media_subtype (type) == NULL)
    {
      g_clear_object (&type);
      type = g_mime_content_type_new ("application", "octet-stream");
    }

  part = g_mime_part_new_with_type (g_mime_content_type_get_media_type (type),
                                    g_mime_content_type_get_media_subtype (type));

  /* Declared as base64 already, so GMime copies it as it is. */
  stream = g_mime_stream_mem_new_with_buffer (marker, strlen (marker));
  content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_BASE64);
  g_mime_part_set_content (part, content);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);

  g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_ATTACHMENT);
  g_mime_part_set_filename (part, name);

  /* Modern readers take filename*= (RFC 2231), older ones name="=?utf-8?…?=" (RFC 2047). */
  param = g_mime_param_list_get_parameter (
    g_mime_content_disposition_get_parameters (g_mime_object_get_content_disposition (
                                                 GMIME_OBJECT (part))), "filename");
  if (param != NULL)
    {
      g_mime_param_set_charset (param, "utf-8");
      g_mime_param_set_encoding_method (param, GMIME_PARAM_ENCODING_METHOD_RFC2231);
    }

  param = g_mime_param_list_get_parameter (
    g_mime_content_type_get_parameters (g_mime_object_get_content_type (GMIME_OBJECT (part))),
    "name");
  if (param != NULL)
    {
      g_mime_param_set_charset (param, "utf-8");
      g_mime_param_set_encoding_method (param, GMIME_PARAM_ENCODING_METHOD_RFC2047);
    }

  /* Make the headers pick up the changed encoding methods. */
  g_mime_part_set_filename (part, name);

  if (!is_plain_ascii (name))
    set_filename_headers (part, type, name);

  return GMIME_OBJECT (part);
}

/* The filters of every rendering: CRLF line ends, and dot-stuffing when @stuff (the DATA
 * form), in front of @sink. A raw message (from an .eml) goes through them too: its CRLF stay
 * as they are, so its DATA bytes are those of the message first rendered into that .eml. */
static GMimeStream *
new_filtered_stream (GMimeStream *sink,
                     gboolean     stuff)
{
  GMimeStream *filtered = g_mime_stream_filter_new (sink);
  g_autoptr(GMimeFilter) crlf = g_mime_filter_unix2dos_new (TRUE);

  g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), crlf);
  if (stuff)
    {
      g_autoptr(GMimeFilter) stuffing = g_mime_filter_smtp_data_new ();

      g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), stuffing);
    }

  return filtered;
}

/* The line that stands for attachment @index in the MIME tree, "\n" or "\r\n" ended. */
static char *
marker_line (ScMessage  *self,
             guint       index,
             const char *newline)
{
  return g_strdup_printf ("%s-%u%s", self->marker, index, newline);
}

/* Renders the MIME tree through the filters, in memory, and cuts out each attachment's marker
 * line: the bytes that go out as they are (headers, text, boundaries: small), and in
 * @out_slots where each attachment's base64 goes. Base64 lines need neither filter: they never
 * start with "." and hold no bare LF; and an empty file has no line at all, like its marker
 * once it is cut out. */
static GByteArray *
render_skeleton (ScMessage  *self,
                 gboolean    stuff,
                 GArray    **out_slots)
{
  g_autoptr(GMimeStream) mem = g_mime_stream_mem_new ();
  g_autoptr(GMimeStream) filtered = new_filtered_stream (mem, stuff);
  g_autoptr(GArray) slots = g_array_new (FALSE, FALSE, sizeof (gsize));
  GByteArray *rendered;
  GByteArray *skeleton;
  gsize pos = 0;

  /* Writing into memory does not fail. */
  if (g_mime_object_write_to_stream (GMIME_OBJECT (self->mime), self->format, filtered) == -1 ||
      g_mime_stream_flush (filtered) == -1)
    g_assert_not_reached ();

  rendered = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  skeleton = g_byte_array_sized_new (rendered->len);

  for (guint i = 0; i < self->sources->len; i++)
    {
      g_autofree char *marker = marker_line (self, i, "\r\n");
      const guint8 *at = memmem (rendered->data + pos, rendered->len - pos, marker,
                                 strlen (marker));
      gsize slot;

      g_assert (at != NULL);
      g_byte_array_append (skeleton, rendered->data + pos, at - (rendered->data + pos));
      slot = skeleton->len;
      g_array_append_val (slots, slot);
      pos = at - rendered->data + strlen (marker);
    }
  g_byte_array_append (skeleton, rendered->data + pos, rendered->len - pos);

  *out_slots = g_steal_pointer (&slots);
  return skeleton;
}

/* Reads the file of @fd from its start in large blocks and writes its base64 straight into the
 * buffer of @sink. */
static gboolean
write_attachment (ScMimeOutputStream *sink,
                  int                 fd,
                  guint8             *buffer,
                  int                *out_errno)
{
  ScBase64Encoder encoder;
  goffset offset = 0;
  char *out;

  sc_base64_encoder_init (&encoder);
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  for (;;)
    {
      gssize n;

      do
        n = pread (fd, buffer, READ_SIZE, offset);
      while (n < 0 && errno == EINTR);

      if (n < 0)
        {
          *out_errno = errno;
          return FALSE;
        }
      if (n == 0)
        break;
      offset += n;

      out = sc_mime_output_stream_reserve (sink, SC_BASE64_STEP_MAX (n));
      if (out == NULL)
        return FALSE;
      sc_mime_output_stream_commit (sink, sc_base64_encoder_step (&encoder, buffer, n, out));
    }

  out = sc_mime_output_stream_reserve (sink, SC_BASE64_FINISH_MAX);
  if (out == NULL)
    return FALSE;
  sc_mime_output_stream_commit (sink, sc_base64_encoder_finish (&encoder, out));

  return TRUE;
}

/* The skeleton's bytes, each attachment's base64 in its slot. On a read error, sets
 * @out_failed to the attachment and @out_errno to the reason. */
static gboolean
write_parts (ScMessage                 *self,
             GMimeStream               *sink,
             gboolean                   stuff,
             const ScAttachmentSource **out_failed,
             int                       *out_errno)
{
  g_autoptr(GByteArray) eml_skeleton = NULL;
  g_autoptr(GArray) eml_slots = NULL;
  GByteArray *skeleton = self->skeleton;
  GArray *slots = self->slots;
  g_autofree guint8 *buffer = NULL;
  gsize pos = 0;

  if (!stuff)
    {
      eml_skeleton = render_skeleton (self, FALSE, &eml_slots);
      skeleton = eml_skeleton;
      slots = eml_slots;
    }

  if (slots->len > 0)
    buffer = g_malloc (READ_SIZE);

  for (guint i = 0; i <= slots->len; i++)
    {
      gsize end = i < slots->len ? g_array_index (slots, gsize, i) : skeleton->len;

      if (end > pos &&
          g_mime_stream_write (sink, (const char *) skeleton->data + pos, end - pos) == -1)
        return FALSE;
      pos = end;

      if (i < slots->len)
        {
          const ScAttachmentSource *source = &g_array_index (self->sources,
                                                             ScAttachmentSource, i);

          if (!write_attachment (SC_MIME_OUTPUT_STREAM (sink), source->fd, buffer, out_errno))
            {
              *out_failed = source;
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* Writes the message with CRLF line ends into @output, dot-stuffed when @stuff (its DATA
 * form), or, for a raw message only, counts the bytes when @output is NULL. */
static gboolean
write_message (ScMessage      *self,
               GOutputStream  *output,
               gboolean        stuff,
               GCancellable   *cancellable,
               goffset        *out_written,
               GError        **error)
{
  g_autoptr(GMimeStream) sink = NULL;
  g_autoptr(GError) sink_error = NULL;
  const ScAttachmentSource *failed = NULL;
  int read_errno = 0;
  gboolean ok;

  g_assert (IS_PREPARED (self));

  sink = sc_mime_output_stream_new (output, cancellable);

  if (self->raw != NULL)
    {
      g_autoptr(GMimeStream) filtered = new_filtered_stream (sink, stuff);

      errno = 0;
      ok = g_mime_stream_reset (self->raw) != -1 &&
           g_mime_stream_write_to_stream (self->raw, filtered) != -1 &&
           g_mime_stream_flush (filtered) != -1;
      read_errno = errno;
      failed = &g_array_index (self->sources, ScAttachmentSource, 0);
    }
  else
    ok = write_parts (self, sink, stuff, &failed, &read_errno);
  ok = ok && g_mime_stream_flush (sink) != -1;

  if (!ok)
    {
      sink_error = sc_mime_output_stream_steal_error (SC_MIME_OUTPUT_STREAM (sink));
      if (sink_error != NULL)
        g_propagate_error (error, g_steal_pointer (&sink_error));
      else if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          /* Neither the output stream nor a cancellation: a file could not be read. */
          g_assert (failed != NULL);
          g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT,
                       self->raw != NULL
                       /* Translators: the first %s is a file name, the second the system's
                        * reason. */
                       ? _("%s: cannot read the stored message: %s")
                       /* Translators: the first %s is a file name, the second the system's
                        * reason. */
                       : _("%s: cannot read the attachment: %s"),
                       failed->shown, g_strerror (read_errno != 0 ? read_errno : EIO));
        }
      return FALSE;
    }

  if (out_written != NULL)
    *out_written = g_mime_stream_tell (sink);

  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_message_dispose (GObject *object)
{
  ScMessage *self = (ScMessage *) object;

  g_clear_object (&self->mime);
  g_clear_object (&self->raw);
  g_clear_object (&self->eml);
  g_clear_pointer (&self->skeleton, g_byte_array_unref);
  g_clear_pointer (&self->slots, g_array_unref);
  /* After raw, which reads its descriptor */
  g_clear_pointer (&self->sources, g_array_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_clear_pointer (&self->skipped, g_ptr_array_unref);

  G_OBJECT_CLASS (sc_message_parent_class)->dispose (object);
}

static void
sc_message_finalize (GObject *object)
{
  ScMessage *self = (ScMessage *) object;

  g_clear_pointer (&self->from, g_free);
  g_clear_pointer (&self->to, g_strfreev);
  g_clear_pointer (&self->cc, g_strfreev);
  g_clear_pointer (&self->bcc, g_strfreev);
  g_clear_pointer (&self->envelope_from, g_free);
  g_clear_pointer (&self->envelope_recipients, g_strfreev);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->body, g_free);
  g_clear_pointer (&self->format, g_mime_format_options_free);
  g_clear_pointer (&self->marker, g_free);

  G_OBJECT_CLASS (sc_message_parent_class)->finalize (object);
}

static void
sc_message_class_init (ScMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sc_message_dispose;
  object_class->finalize = sc_message_finalize;

  _sc_ensure_gmime ();
}

static void
sc_message_init (ScMessage *self)
{
  self->attachments = g_ptr_array_new_with_free_func (g_object_unref);
  self->skipped = g_ptr_array_new_with_free_func (g_object_unref);
  self->size = -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_message_new:
 * @from: the sender's address
 * @to: (array zero-terminated=1): the recipients' addresses, each bare or with a display name
 *   ("Name <user@example.com>", see sc_address_parse())
 * @subject: (nullable): the subject
 * @body: (nullable): the message text (UTF-8)
 * @attachments: (nullable) (element-type GFile): files to attach
 *
 * Copies its arguments; does no I/O and never fails. See sc_message_prepare(), and
 * sc_message_set_cc() and sc_message_set_bcc() for copies.
 *
 * Returns: (transfer full): a new #ScMessage
 */
ScMessage *
sc_message_new (const char         *from,
                const char * const *to,
                const char         *subject,
                const char         *body,
                GPtrArray          *attachments)
{
  ScMessage *self = g_object_new (SC_TYPE_MESSAGE, NULL);

  self->from = g_strdup (from);
  self->to = g_strdupv ((char **) to);
  if (self->to == NULL)
    self->to = g_new0 (char *, 1);
  self->cc = g_new0 (char *, 1);
  self->bcc = g_new0 (char *, 1);
  self->subject = g_strdup (subject != NULL ? subject : "");
  self->body = g_strdup (body != NULL ? body : "");

  if (attachments != NULL)
    g_ptr_array_extend (self->attachments, attachments, (GCopyFunc) g_object_ref, NULL);

  return self;
}

/**
 * sc_message_new_from_settings:
 * @settings: an #ScSettings
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the message file and lists the attachment folder of @settings, leaving out its
 * "excluded-attachments" and adding its "attachment-paths" (a missing one is an error); To,
 * Cc and Bcc come from its recipient lists. Blocking.
 *
 * Returns: (transfer full): a new #ScMessage, or %NULL with @error set
 */
ScMessage *
sc_message_new_from_settings (ScSettings    *settings,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GFile) body_file = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  g_autofree char *body = NULL;
  ScMessage *message;

  g_return_val_if_fail (SC_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  body_file = sc_settings_get_message_file (settings);
  if (body_file == NULL)
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_BODY,
                   /* Translators: "message_file_path" and data.json are a settings key and
                    * a file name: keep them as they are. */
                   _("No message file is set (\"message_file_path\" in data.json)"));
      return NULL;
    }

  body = sc_body_load (body_file, cancellable, error);
  if (body == NULL)
    return NULL;

  folder = sc_settings_get_attachment_folder (settings);
  if (folder != NULL)
    {
      attachments = sc_attachment_folder_list_full (folder, &skipped, cancellable, error);
      if (attachments == NULL)
        return NULL;
    }
  else
    attachments = g_ptr_array_new_with_free_func (g_object_unref);

  /* The folder's files but the excluded names, then the files added by hand. */
  for (guint i = attachments->len; i > 0; i--)
    if (sc_settings_is_attachment_excluded (settings, attachments->pdata[i - 1]))
      g_ptr_array_remove_index (attachments, i - 1);

  added = sc_settings_get_attachment_files (settings);
  for (guint i = 0; i < added->len; i++)
    {
      GFile *file = added->pdata[i];

      if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, cancellable) ==
          G_FILE_TYPE_UNKNOWN)
        {
          g_autofree char *shown = _sc_display_path (file);
          /* Translators: follows a JSON key in quotes, e.g. 'data.json: "attachment_paths"
           * lists ~/report.pdf, which does not exist'; %s is the file. */
          g_autofree char *what = g_strdup_printf (_("lists %s, which does not exist"), shown);
          g_autofree char *text = _sc_settings_describe_key (settings, "attachment_paths", what);

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          g_set_error_literal (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT, text);
          return NULL;
        }

      if (!g_ptr_array_find_with_equal_func (attachments, file, (GEqualFunc) g_file_equal, NULL))
        g_ptr_array_add (attachments, g_object_ref (file));
    }

  message = sc_message_new (sc_settings_get_login (settings),
                            sc_settings_get_recipients (settings),
                            sc_settings_get_subject (settings),
                            body,
                            attachments);
  sc_message_set_cc (message, sc_settings_get_cc_recipients (settings));
  sc_message_set_bcc (message, sc_settings_get_bcc_recipients (settings));
  if (skipped != NULL)
    g_ptr_array_extend (message->skipped, skipped, (GCopyFunc) g_object_ref, NULL);

  return message;
}

/* Raw mode: opens the stored message, which must be a regular file, and measures it. */
static gboolean
prepare_raw (ScMessage     *self,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *path = g_file_get_path (self->eml);
  g_autofree char *shown = _sc_display_path (self->eml);
  g_autoptr(GArray) sources = g_array_new (FALSE, FALSE, sizeof (ScAttachmentSource));
  struct stat st;
  goffset size = 0;
  int fd;

  g_array_set_clear_func (sources, sc_attachment_source_clear);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  fd = path != NULL ? g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW, 0) : -1;
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved_errno = fd < 0 ? errno : EINVAL;

      if (fd >= 0)
        close (fd);
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT,
                   /* Translators: the first %s is a file name, the second the system's
                    * reason. */
                   _("%s: cannot read the stored message: %s"), shown,
                   g_strerror (saved_errno));
      return FALSE;
    }

  /* Checked after each upload like an attachment: a stored message changed meanwhile is not
   * ended with the final dot. */
  g_array_append_vals (sources,
                       &(ScAttachmentSource) { fd, g_strdup (shown), st.st_size, st.st_mtim },
                       1);
  self->raw = g_mime_stream_fs_new (fd);
  g_mime_stream_fs_set_owner (GMIME_STREAM_FS (self->raw), FALSE);
  g_clear_pointer (&self->sources, g_array_unref);
  self->sources = g_steal_pointer (&sources);

  if (!write_message (self, NULL, TRUE, cancellable, &size, error))
    {
      g_clear_object (&self->raw);
      return FALSE;
    }

  self->size = size;

  return TRUE;
}

/**
 * sc_message_new_from_eml:
 * @eml: a stored message (RFC 5322, CRLF line ends, not dot-stuffed), as written by
 *   sc_message_write_eml()
 * @envelope_from: the sender for MAIL FROM, bare
 * @envelope_recipients: (array zero-terminated=1): every recipient for RCPT TO (To, Cc and
 *   Bcc), bare
 *
 * A message that is sent as it is stored, through the same DATA path (CRLF, dot-stuffing) as
 * any other: the same bytes, the same Message-ID and Date. sc_message_prepare() opens and
 * measures the file; does no I/O itself.
 *
 * Returns: (transfer full): a new #ScMessage
 */
ScMessage *
sc_message_new_from_eml (GFile              *eml,
                         const char         *envelope_from,
                         const char * const *envelope_recipients)
{
  ScMessage *self;

  g_return_val_if_fail (G_IS_FILE (eml), NULL);
  g_return_val_if_fail (envelope_from != NULL, NULL);
  g_return_val_if_fail (envelope_recipients != NULL, NULL);

  self = sc_message_new (envelope_from, NULL, NULL, NULL, NULL);
  self->eml = g_object_ref (eml);
  self->envelope_from = g_strdup (envelope_from);
  self->envelope_recipients = g_strdupv ((char **) envelope_recipients);

  return self;
}

/**
 * sc_message_write_eml:
 * @self: a prepared #ScMessage
 * @stream: where to write
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes the message as a file (.eml): the bytes sc_message_write_data() sends, with CRLF
 * line ends, but not dot-stuffed. sc_message_new_from_eml() of that file sends the same DATA
 * again. Blocking.
 *
 * Returns: %TRUE on success
 */
gboolean
sc_message_write_eml (ScMessage      *self,
                      GOutputStream  *stream,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (IS_PREPARED (self), FALSE);

  return write_message (self, stream, FALSE, cancellable, NULL, error);
}

/**
 * sc_message_get_message_id:
 * @self: a prepared #ScMessage
 *
 * Returns: (nullable): the Message-ID, without angle brackets, fixed by sc_message_prepare();
 *   %NULL for a message from an .eml
 */
const char *
sc_message_get_message_id (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);

  return self->mime != NULL ? g_mime_message_get_message_id (self->mime) : NULL;
}

/**
 * sc_message_get_subject:
 * @self: an #ScMessage
 *
 * Returns: the subject, as given ("" for a message from an .eml)
 */
const char *
sc_message_get_subject (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);

  return self->subject;
}

/**
 * sc_message_get_cc:
 * @self: an #ScMessage
 *
 * Returns: (array zero-terminated=1): the Cc recipients, as given
 */
const char * const *
sc_message_get_cc (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);

  return (const char * const *) self->cc;
}

/**
 * sc_message_get_bcc:
 * @self: an #ScMessage
 *
 * Returns: (array zero-terminated=1): the Bcc recipients, as given (never in a header)
 */
const char * const *
sc_message_get_bcc (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);

  return (const char * const *) self->bcc;
}

/**
 * sc_message_get_skipped_files:
 * @self: an #ScMessage
 *
 * What sc_message_new_from_settings() found in the attachment folder and left out because it
 * is not a regular file (a folder, a named pipe, a socket, a device, a broken link).
 *
 * Returns: (transfer none) (element-type GFile): the entries left out, sorted by name
 */
GPtrArray *
sc_message_get_skipped_files (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);

  return self->skipped;
}

/**
 * sc_message_prepare:
 * @self: an #ScMessage
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Validates the headers, opens every attachment, builds the MIME tree and measures it (from
 * the files' sizes: the attachments are read only when the message is written); does nothing
 * once it succeeded. Blocking: call it on a worker thread.
 *
 * Returns: %TRUE on success
 */
gboolean
sc_message_prepare (ScMessage     *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GMimeMessage) mime = NULL;
  g_autoptr(GMimeObject) body = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *message_id = NULL;
  g_autoptr(GPtrArray) envelope = NULL;
  g_autoptr(GHashTable) envelope_seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *from_name = NULL;
  g_autofree char *from_addr = NULL;
  g_autofree char *envelope_from = NULL;
  const struct { char **entries; GMimeAddressType header; } lists[] = {
    { self->to, GMIME_ADDRESS_TYPE_TO },
    { self->cc, GMIME_ADDRESS_TYPE_CC },
    { self->bcc, GMIME_ADDRESS_TYPE_BCC },
  };
  const char *at;
  goffset size = 0;
  g_autoptr(GArray) sources = NULL;

  g_return_val_if_fail (SC_IS_MESSAGE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sources = g_array_new (FALSE, FALSE, sizeof (ScAttachmentSource));
  g_array_set_clear_func (sources, sc_attachment_source_clear);

  if (IS_PREPARED (self))
    return TRUE;

  if (self->eml != NULL)
    return prepare_raw (self, cancellable, error);

  if (!check_header_address (TRUE, self->from, &from_name, &from_addr,
                             error))
    return FALSE;

  if (from_name != NULL)
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   /* Translators: %s is the address as written. */
                   _("The sender address \"%s\" must be a plain e-mail address "
                     "(like name@example.com)"), self->from);
      return FALSE;
    }

  if (self->to[0] == NULL && self->cc[0] == NULL && self->bcc[0] == NULL)
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   _("There is no recipient"));
      return FALSE;
    }

  mime = g_mime_message_new (TRUE);
  envelope = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      for (guint j = 0; lists[i].entries[j] != NULL; j++)
        {
          g_autofree char *name = NULL;
          g_autofree char *addr = NULL;
          char *bare;

          if (!check_header_address (FALSE, lists[i].entries[j],
                                     &name, &addr, error))
            return FALSE;

          /* One RCPT TO per address, even when it is both in To and in Bcc. */
          bare = sc_address_to_envelope (addr);
          if (g_hash_table_contains (envelope_seen, bare))
            {
              g_free (bare);
            }
          else
            {
              g_hash_table_add (envelope_seen, bare);
              g_ptr_array_add (envelope, bare);
            }
          /* Bcc recipients get the message, and no header names them. */
          if (lists[i].header != GMIME_ADDRESS_TYPE_BCC)
            g_mime_message_add_mailbox (mime, lists[i].header, name, addr);
        }
    }

  if (sc_text_has_line_break (self->subject))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_HEADER,
                   _("The subject must not contain a line break"));
      return FALSE;
    }

  if (!g_utf8_validate (self->subject, -1, NULL))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_HEADER,
                   _("The subject is not valid UTF-8"));
      return FALSE;
    }

  if (!g_utf8_validate (self->body, -1, NULL))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_BODY,
                   _("The message text is not valid UTF-8"));
      return FALSE;
    }

  g_mime_message_add_mailbox (mime, GMIME_ADDRESS_TYPE_FROM, NULL, from_addr);
  g_mime_message_set_subject (mime, self->subject, "utf-8");
  if (needs_encoded_words (self->subject))
    {
      GMimeHeader *header;
      g_autoptr(GString) raw = g_string_new (" ");

      header = g_mime_header_list_get_header (g_mime_object_get_header_list (GMIME_OBJECT (mime)),
                                              "Subject");
      append_encoded_words (raw, self->subject, 39, "\n ");
      g_string_append_c (raw, '\n');
      g_mime_header_set_raw_value (header, raw->str);
    }

  now = g_date_time_new_now_local ();
  g_mime_message_set_date (mime, now);

  envelope_from = sc_address_to_envelope (from_addr);
  at = strrchr (envelope_from, '@');
  message_id = g_mime_utils_generate_message_id (at != NULL ? at + 1 : g_get_host_name ());
  g_mime_message_set_message_id (mime, message_id);

  g_mime_object_set_header (GMIME_OBJECT (mime), "MIME-Version", "1.0", NULL);

  body = build_body_part (self);

  if (self->attachments->len == 0)
    {
      g_mime_message_set_mime_part (mime, body);
    }
  else
    {
      g_autoptr(GMimeMultipart) multipart = g_mime_multipart_new_with_subtype ("mixed");
      g_autofree char *uuid = g_uuid_string_random ();

      g_mime_multipart_add (multipart, body);

      /* Random, so that no text of the message can look like a marker. */
      g_free (self->marker);
      self->marker = g_strconcat ("SC-ATTACHMENT-", uuid, NULL);

      for (guint i = 0; i < self->attachments->len; i++)
        {
          g_autoptr(GMimeObject) part = NULL;
          g_autofree char *marker = marker_line (self, i, "\n");

          part = build_attachment_part (g_ptr_array_index (self->attachments, i), marker,
                                        sources, cancellable, error);
          if (part == NULL)
            return FALSE;

          g_mime_multipart_add (multipart, part);
        }

      /* Fixed now, so that every write gives the same bytes. */
      g_mime_multipart_set_boundary (multipart, NULL);
      g_mime_message_set_mime_part (mime, GMIME_OBJECT (multipart));
    }

  g_clear_pointer (&self->format, g_mime_format_options_free);
  self->format = g_mime_format_options_new ();
  g_mime_format_options_set_newline_format (self->format, GMIME_NEWLINE_FORMAT_UNIX);

  self->mime = g_steal_pointer (&mime);
  g_clear_pointer (&self->sources, g_array_unref);
  self->sources = g_steal_pointer (&sources);
  g_clear_pointer (&self->envelope_from, g_free);
  self->envelope_from = g_steal_pointer (&envelope_from);
  g_clear_pointer (&self->envelope_recipients, g_strfreev);
  g_ptr_array_add (envelope, NULL);
  self->envelope_recipients = (char **) g_ptr_array_steal (envelope, NULL);

  /* The size without reading the files: the skeleton's bytes and each file's base64. */
  g_clear_pointer (&self->slots, g_array_unref);
  g_clear_pointer (&self->skeleton, g_byte_array_unref);
  self->skeleton = render_skeleton (self, TRUE, &self->slots);
  size = self->skeleton->len;
  for (guint i = 0; i < self->sources->len; i++)
    size += sc_base64_encoded_size (g_array_index (self->sources, ScAttachmentSource, i).size);

  self->size = size;

  return TRUE;
}

/**
 * sc_message_write_data:
 * @self: a prepared #ScMessage
 * @stream: where to write
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes the SMTP DATA payload: CRLF line ends, dot-stuffed, ending with CRLF, without the
 * final ".\r\n". Errors of @stream are passed on unchanged. An attachment whose size or
 * modification time changed since sc_message_prepare () (or a payload of another size than
 * sc_message_get_size ()) fails with %SC_MESSAGE_ERROR_ATTACHMENT naming the file, after
 * everything was written: the caller must then not end the message.
 *
 * Returns: %TRUE on success
 */
gboolean
sc_message_write_data (ScMessage      *self,
                       GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  goffset written = 0;

  g_return_val_if_fail (SC_IS_MESSAGE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (IS_PREPARED (self), FALSE);

  if (!write_message (self, stream, TRUE, cancellable, &written, error))
    return FALSE;

  /* A file cut short, grown or rewritten since it was prepared: what went out is not the file,
   * and the caller must not end the message. */
  for (guint i = 0; self->sources != NULL && i < self->sources->len; i++)
    {
      ScAttachmentSource *source = &g_array_index (self->sources, ScAttachmentSource, i);
      struct stat st;

      if (fstat (source->fd, &st) != 0 || st.st_size != source->size ||
          st.st_mtim.tv_sec != source->mtime.tv_sec ||
          st.st_mtim.tv_nsec != source->mtime.tv_nsec)
        {
          g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT,
                       /* Translators: %s is the attachment's file name. */
                       _("%s: the attachment changed while it was being sent; the message was "
                         "not sent"), source->shown);
          return FALSE;
        }
    }

  if (written != self->size)
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT,
                   _("An attachment changed while the message was being sent; the message "
                     "was not sent"));
      return FALSE;
    }

  return TRUE;
}

/**
 * sc_message_get_from:
 * @self: an #ScMessage
 *
 * Returns: the sender's address
 */
const char *
sc_message_get_from (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);

  return self->from;
}

/**
 * sc_message_get_to:
 * @self: an #ScMessage
 *
 * Returns: (array zero-terminated=1): the To recipients, as given
 */
const char * const *
sc_message_get_to (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);

  return (const char * const *) self->to;
}

/**
 * sc_message_set_cc:
 * @self: an #ScMessage not prepared yet
 * @cc: (nullable) (array zero-terminated=1): the Cc recipients, as in sc_message_new()
 *
 * Sets who gets a copy, named in the Cc header.
 */
void
sc_message_set_cc (ScMessage          *self,
                   const char * const *cc)
{
  g_return_if_fail (SC_IS_MESSAGE (self));
  g_return_if_fail (self->mime == NULL);

  g_strfreev (self->cc);
  self->cc = cc != NULL ? g_strdupv ((char **) cc) : g_new0 (char *, 1);
}

/**
 * sc_message_set_bcc:
 * @self: an #ScMessage not prepared yet
 * @bcc: (nullable) (array zero-terminated=1): the Bcc recipients, as in sc_message_new()
 *
 * Sets who gets a blind copy: they receive the message, and no header names them.
 */
void
sc_message_set_bcc (ScMessage          *self,
                    const char * const *bcc)
{
  g_return_if_fail (SC_IS_MESSAGE (self));
  g_return_if_fail (self->mime == NULL);

  g_strfreev (self->bcc);
  self->bcc = bcc != NULL ? g_strdupv ((char **) bcc) : g_new0 (char *, 1);
}

/**
 * sc_message_get_envelope_from:
 * @self: a prepared #ScMessage
 *
 * Returns: the sender for MAIL FROM: bare, its domain in ASCII
 */
const char *
sc_message_get_envelope_from (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);
  g_return_val_if_fail (IS_PREPARED (self), NULL);

  return self->envelope_from;
}

/**
 * sc_message_get_envelope_recipients:
 * @self: a prepared #ScMessage
 *
 * Returns: (array zero-terminated=1): the To, Cc and Bcc recipients for RCPT TO: bare (no
 *   display names), their domains in ASCII
 */
const char * const *
sc_message_get_envelope_recipients (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);
  g_return_val_if_fail (IS_PREPARED (self), NULL);

  return (const char * const *) self->envelope_recipients;
}

/**
 * sc_message_get_attachments:
 * @self: an #ScMessage
 *
 * Returns: (transfer none) (element-type GFile): the attached files
 */
GPtrArray *
sc_message_get_attachments (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), NULL);

  return self->attachments;
}

/**
 * sc_message_get_size:
 * @self: an #ScMessage
 *
 * Returns: the exact number of bytes sc_message_write_data() writes, or -1 before prepare
 */
goffset
sc_message_get_size (ScMessage *self)
{
  g_return_val_if_fail (SC_IS_MESSAGE (self), -1);

  return self->size;
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  g_autofree char *name_a = g_file_get_basename (*(GFile * const *) a);
  g_autofree char *name_b = g_file_get_basename (*(GFile * const *) b);

  return strcmp (name_a, name_b);
}

/**
 * sc_attachment_folder_list:
 * @folder: a folder
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * As sc_attachment_folder_list_full(), without the list of what was left out.
 *
 * Returns: (transfer container) (element-type GFile): the files, or %NULL with @error set
 */
GPtrArray *
sc_attachment_folder_list (GFile         *folder,
                           GCancellable  *cancellable,
                           GError       **error)
{
  return sc_attachment_folder_list_full (folder, NULL, cancellable, error);
}

/**
 * sc_attachment_folder_list_full:
 * @folder: a folder
 * @out_skipped: (out) (optional) (transfer container) (element-type GFile): the entries that
 *   are not hidden but were left out because they are not regular files (sub-folders, named
 *   pipes, sockets, devices, broken links), sorted by name
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Lists the regular files of @folder (following links) sorted by name, skipping hidden files.
 * Blocking.
 *
 * Returns: (transfer container) (element-type GFile): the files, or %NULL with @error set
 */
GPtrArray *
sc_attachment_folder_list_full (GFile         *folder,
                                GPtrArray    **out_skipped,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  shown = _sc_display_path (folder);

  enumerator = g_file_enumerate_children (folder,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN,
                                          G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (enumerator == NULL)
    goto fail;

  files = g_ptr_array_new_with_free_func (g_object_unref);

  for (;;)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;
      const char *name;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, cancellable, &local_error))
        goto fail;
      if (info == NULL)
        break;

      name = g_file_info_get_name (info);
      if (name[0] == '.' || g_file_info_get_is_hidden (info))
        continue;
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        {
          g_ptr_array_add (skipped, g_object_ref (child));
          continue;
        }

      g_ptr_array_add (files, g_object_ref (child));
    }

  g_ptr_array_sort (files, compare_by_name);
  g_ptr_array_sort (skipped, compare_by_name);
  if (out_skipped != NULL)
    *out_skipped = g_steal_pointer (&skipped);

  return g_steal_pointer (&files);

fail:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT,
                 /* Translators: %s is the attachment folder. */
                 _("%s: the attachment folder does not exist"), shown);
  else
    g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT,
                 /* Translators: the first %s is the attachment folder, the second the reason. */
                 _("%s: cannot read the attachment folder: %s"), shown, local_error->message);
  return NULL;
}

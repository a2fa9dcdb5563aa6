/* test-message.c — tests of ScMessage: MIME structure, encodings, streaming, errors
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-message"

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>

#include "sc-address.h"
#include "sc-error.h"
#include "sc-message.h"
#include "sc-settings.h"
#include "sc-test-server.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFilter, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePartIter, g_mime_part_iter_free)

#define FROM          "sender@example.com"
#define SUBJECT       "Отчёт о работе за март — итоги и планы на следующий квартал"
#define BODY          "Здравствуйте!\n" \
                      "\n" \
                      "Это письмо проверяет кодировки.\n" \
                      ".hidden\n" \
                      "..two dots\n" \
                      "Конец.\n"
#define PDF_NAME      "Отчёт за март (финал).pdf"
#define RANDOM_SIZE   (3 * 1024 * 1024 + 17)

static const char *recipients[] = { "first@example.ru", "second@example.org", NULL };

/* ------------------------------------------------------------------------------------------ */
/* An output stream that remembers how big each write was                                     */
/* ------------------------------------------------------------------------------------------ */

#define SC_TYPE_RECORDING_STREAM (sc_recording_stream_get_type ())
G_DECLARE_FINAL_TYPE (ScRecordingStream, sc_recording_stream, SC, RECORDING_STREAM,
                      GOutputStream)

struct _ScRecordingStream
{
  GOutputStream  parent_instance;
  GByteArray    *data;
  GArray        *sizes;
};

G_DEFINE_FINAL_TYPE (ScRecordingStream, sc_recording_stream, G_TYPE_OUTPUT_STREAM)

static gssize
sc_recording_stream_write_fn (GOutputStream  *stream,
                              const void     *buffer,
                              gsize           count,
                              GCancellable   *cancellable,
                              GError        **error)
{
  ScRecordingStream *self = SC_RECORDING_STREAM (stream);

  g_byte_array_append (self->data, buffer, count);
  g_array_append_val (self->sizes, count);
  return count;
}

static void
sc_recording_stream_finalize (GObject *object)
{
  ScRecordingStream *self = SC_RECORDING_STREAM (object);

  g_byte_array_unref (self->data);
  g_array_unref (self->sizes);

  G_OBJECT_CLASS (sc_recording_stream_parent_class)->finalize (object);
}

static void
sc_recording_stream_class_init (ScRecordingStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sc_recording_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = sc_recording_stream_write_fn;
}

static void
sc_recording_stream_init (ScRecordingStream *self)
{
  self->data = g_byte_array_new ();
  self->sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
}

/* ------------------------------------------------------------------------------------------ */
/* Fixture                                                                                    */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  char  *tmpdir;
  char  *folder;         /* tmpdir/attachments: three files, a hidden one and a sub-folder */
  GFile *folder_file;
} Fixture;

static GBytes *
read_file (const char *dir,
           const char *name)
{
  gsize length = 0;
  char *contents = sc_test_read_file (dir, name, &length);

  return g_bytes_new_take (contents, length);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree guint32 *random = NULL;
  g_autofree char *sub = NULL;
  static const char pdf[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\ntrailer\n%%EOF\n";

  fixture->tmpdir = sc_test_make_tmpdir ();
  fixture->folder = g_build_filename (fixture->tmpdir, "attachments", NULL);
  g_assert_cmpint (g_mkdir (fixture->folder, 0755), ==, 0);
  fixture->folder_file = g_file_new_for_path (fixture->folder);

  sc_test_write_file (fixture->folder, "notes.txt", "Plain notes.\nSecond line.\n", -1);
  sc_test_write_file (fixture->folder, PDF_NAME, pdf, sizeof pdf - 1);

  random = g_new (guint32, RANDOM_SIZE / 4 + 1);
  for (guint i = 0; i < RANDOM_SIZE / 4 + 1; i++)
    random[i] = g_rand_int (rand);
  sc_test_write_file (fixture->folder, "random.bin", random, RANDOM_SIZE);

  sc_test_write_file (fixture->folder, ".hidden", "not attached", -1);
  sub = g_build_filename (fixture->folder, "sub", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  sc_test_write_file (sub, "inner.txt", "not attached", -1);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  sc_test_rm_rf (fixture->tmpdir);
  g_clear_object (&fixture->folder_file);
  g_clear_pointer (&fixture->folder, g_free);
  g_clear_pointer (&fixture->tmpdir, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static GBytes *
write_data (ScMessage *message)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  sc_message_write_data (message, out, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static ScMessage *
prepared_message (Fixture    *fixture,
                  const char *subject,
                  const char *body,
                  gboolean    with_attachments)
{
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GError) error = NULL;
  ScMessage *message;

  if (with_attachments)
    {
      attachments = sc_attachment_folder_list (fixture->folder_file, NULL, &error);
      g_assert_no_error (error);
    }

  message = sc_message_new (FROM, recipients, subject, body, attachments);
  g_assert_cmpint (sc_message_get_size (message), ==, -1);
  sc_message_prepare (message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sc_message_get_size (message), >, 0);

  return message;
}

/* Every line ends with CRLF, has no bare CR or LF and is at most 998 octets long. */
static void
assert_lines_ok (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  gsize line_start = 0;

  g_assert_cmpuint (size, >=, 2);
  g_assert_cmpint (data[size - 2], ==, '\r');
  g_assert_cmpint (data[size - 1], ==, '\n');

  for (gsize i = 0; i < size; i++)
    {
      if (data[i] == '\r')
        {
          g_assert_cmpuint (i + 1, <, size);
          g_assert_cmpint (data[i + 1], ==, '\n');
          g_assert_cmpuint (i - line_start, <=, 998);
          i++;
          line_start = i + 1;
        }
      else
        {
          g_assert_cmpint (data[i], !=, '\n');
          g_assert_cmpint (data[i], !=, '\0');
        }
    }
}

/* Undo SMTP dot-stuffing. */
static GBytes *
unstuff (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  GByteArray *out = g_byte_array_sized_new (size);
  gboolean line_start = TRUE;

  for (gsize i = 0; i < size; i++)
    {
      if (line_start && data[i] == '.')
        {
          g_assert_cmpuint (i + 1, <, size);
          g_assert_cmpint (data[i + 1], ==, '.');
          i++;
        }
      g_byte_array_append (out, (const guint8 *) &data[i], 1);
      line_start = data[i] == '\n';
    }

  return g_byte_array_free_to_bytes (out);
}

static GMimeMessage *
parse (GBytes *bytes)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  GMimeMessage *message;

  stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes));
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_assert_nonnull (message);

  return message;
}

static GBytes *
decoded_content (GMimePart *part)
{
  g_autoptr(GMimeStream) mem = g_mime_stream_mem_new ();
  GByteArray *array;

  g_assert_cmpint (g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (part), mem),
                   >=, 0);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));

  return g_bytes_new (array->data, array->len);
}

static char *
without_cr (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != '\r')
      g_string_append_c (out, *p);

  return g_string_free (out, FALSE);
}

/* The headers of the part whose Content-Disposition names @needle. */
static char *
raw_part_headers (const char *text,
                  const char *needle)
{
  const char *hit = strstr (text, needle);
  const char *start;
  const char *end;

  g_assert_nonnull (hit);
  start = g_strrstr_len (text, hit - text, "\r\n--");
  g_assert_nonnull (start);
  end = strstr (hit, "\r\n\r\n");
  g_assert_nonnull (end);

  return g_strndup (start, end - start);
}

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static void
test_full_message (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(ScMessage) message = prepared_message (fixture, SUBJECT, BODY, TRUE);
  g_autoptr(GBytes) data = write_data (message);
  g_autoptr(GBytes) again = write_data (message);
  g_autoptr(GBytes) plain = unstuff (data);
  g_autoptr(GMimeMessage) parsed = NULL;
  g_autofree char *text = NULL;
  InternetAddressList *list;
  GMimeObject *root;
  GMimeMultipart *multipart;
  GMimeObject *body;
  g_autofree char *body_text = NULL;
  g_autofree char *body_plain = NULL;
  const char *names[] = { "notes.txt", "random.bin", PDF_NAME };
  const char *types[] = { "text/plain", "application/octet-stream", "application/pdf" };

  /* Size, repeatability, line form */
  g_assert_cmpint (sc_message_get_size (message), ==, g_bytes_get_size (data));
  g_assert_true (g_bytes_equal (data, again));
  g_assert_cmpuint (g_bytes_get_size (data), >, RANDOM_SIZE * 4 / 3);
  assert_lines_ok (data);

  text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_assert_nonnull (strstr (text, "\r\n..hidden\r\n"));
  g_assert_nonnull (strstr (text, "\r\n...two dots\r\n"));
  g_assert_true (g_str_has_suffix (text, "\r\n"));
  g_assert_false (g_str_has_suffix (text, "\r\n.\r\n"));
  g_assert_nonnull (strstr (text, "\r\nMIME-Version: 1.0\r\n"));
  g_assert_nonnull (strstr (text, "\r\nContent-Type: multipart/mixed;"));
  g_assert_nonnull (strstr (text, "Date: "));
  g_assert_nonnull (strstr (text, "From: " FROM "\r\n"));
  g_assert_nonnull (strstr (text, "Subject: =?"));

  /* Parse it back */
  parsed = parse (plain);
  g_assert_cmpstr (g_mime_message_get_subject (parsed), ==, SUBJECT);
  g_assert_true (g_str_has_suffix (g_mime_message_get_message_id (parsed), "@example.com"));
  g_assert_nonnull (g_mime_message_get_date (parsed));

  list = g_mime_message_get_from (parsed);
  g_assert_cmpint (internet_address_list_length (list), ==, 1);
  g_assert_cmpstr (internet_address_mailbox_get_addr (
                     INTERNET_ADDRESS_MAILBOX (internet_address_list_get_address (list, 0))),
                   ==, FROM);

  list = g_mime_message_get_to (parsed);
  g_assert_cmpint (internet_address_list_length (list), ==, 2);
  for (int i = 0; i < 2; i++)
    g_assert_cmpstr (internet_address_mailbox_get_addr (
                       INTERNET_ADDRESS_MAILBOX (internet_address_list_get_address (list, i))),
                     ==, recipients[i]);

  root = g_mime_message_get_mime_part (parsed);
  g_assert_true (GMIME_IS_MULTIPART (root));
  multipart = GMIME_MULTIPART (root);
  g_assert_cmpint (g_mime_multipart_get_count (multipart), ==, 4);

  body = g_mime_multipart_get_part (multipart, 0);
  g_assert_true (GMIME_IS_TEXT_PART (body));
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (body, "charset"), ==, "utf-8");
  g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (body)), ==,
                   GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  body_text = g_mime_text_part_get_text (GMIME_TEXT_PART (body));
  body_plain = without_cr (body_text);
  g_assert_cmpstr (body_plain, ==, BODY);

  for (int i = 0; i < 3; i++)
    {
      GMimeObject *object = g_mime_multipart_get_part (multipart, i + 1);
      g_autoptr(GBytes) expected = read_file (fixture->folder, names[i]);
      g_autoptr(GBytes) got = NULL;
      g_autofree char *mime_type = NULL;

      g_assert_true (GMIME_IS_PART (object));
      g_assert_true (g_mime_part_is_attachment (GMIME_PART (object)));
      g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (object)), ==,
                       GMIME_CONTENT_ENCODING_BASE64);
      g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (object)), ==, names[i]);
      mime_type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (object));
      g_assert_cmpstr (mime_type, ==, types[i]);

      got = decoded_content (GMIME_PART (object));
      g_assert_true (g_bytes_equal (got, expected));
    }
}

static void
test_cyrillic_file_name (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(ScMessage) message = prepared_message (fixture, SUBJECT, BODY, TRUE);
  g_autoptr(GBytes) data = write_data (message);
  g_autofree char *text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_autofree char *headers = raw_part_headers (text, "filename*=");
  g_autoptr(GRegex) rfc2231 = g_regex_new ("filename\\*=utf-8''([A-Za-z0-9%._~-]+)",
                                           G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GRegex) rfc2047 = g_regex_new ("[ \t;]name=\"(=\\?utf-8\\?[bq]\\?[^\"]+)\"",
                                           G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GMatchInfo) match2 = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *words = NULL;
  g_autofree char *decoded2 = NULL;

  g_test_message ("%s", headers);

  /* RFC 2231 */
  g_assert_true (g_regex_match (rfc2231, headers, 0, &match));
  encoded = g_match_info_fetch (match, 1);
  decoded = g_uri_unescape_string (encoded, NULL);
  g_assert_cmpstr (decoded, ==, PDF_NAME);

  /* RFC 2047 */
  g_assert_true (g_regex_match (rfc2047, headers, 0, &match2));
  words = g_match_info_fetch (match2, 1);
  decoded2 = g_mime_utils_header_decode_text (NULL, words);
  g_assert_cmpstr (decoded2, ==, PDF_NAME);

  g_assert_nonnull (strstr (headers, "Content-Disposition: attachment;"));
  g_assert_nonnull (strstr (headers, "Content-Type: application/pdf;"));
}

/* ASCII text that looks like an RFC 2047 encoded word arrives as written, not decoded. */
static void
test_encoded_word_look_alike (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const char *subject = "Re: =?UTF-8?B?0J/RgNC40LLQtdGC?= is how it looks";
  const char *name = "=?utf-8?b?0YTQsNC50Ls=?=.txt";
  g_autofree char *path = g_build_filename (fixture->folder, name, NULL);
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GMimeMessage) parsed = NULL;
  g_autoptr(GError) error = NULL;
  GMimeObject *part;

  g_assert_true (g_file_set_contents (path, "look-alike", -1, NULL));
  g_ptr_array_add (attachments, g_file_new_for_path (path));
  message = sc_message_new (FROM, recipients, subject, BODY, attachments);
  sc_message_prepare (message, NULL, &error);
  g_assert_no_error (error);
  data = write_data (message);
  plain = unstuff (data);
  parsed = parse (plain);

  g_assert_cmpstr (g_mime_message_get_subject (parsed), ==, subject);
  part = g_mime_multipart_get_part (GMIME_MULTIPART (g_mime_message_get_mime_part (parsed)), 1);
  g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (part)), ==, name);
}

static void
test_single_part (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(ScMessage) message = prepared_message (fixture, "Hello", "Short ASCII text.\n", FALSE);
  g_autoptr(GBytes) data = write_data (message);
  g_autoptr(GMimeMessage) parsed = parse (data);
  g_autofree char *text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  GMimeObject *root = g_mime_message_get_mime_part (parsed);
  g_autofree char *body = NULL;

  g_assert_cmpint (sc_message_get_size (message), ==, g_bytes_get_size (data));
  assert_lines_ok (data);
  g_assert_true (GMIME_IS_TEXT_PART (root));
  g_assert_nonnull (strstr (text, "Content-Type: text/plain; charset=utf-8\r\n"));
  g_assert_nonnull (strstr (text, "Content-Transfer-Encoding: 7bit\r\n"));
  g_assert_nonnull (strstr (text, "\r\nSubject: Hello\r\n"));
  g_assert_null (strstr (text, "multipart"));
  body = g_mime_text_part_get_text (GMIME_TEXT_PART (root));
  g_assert_cmpstr (body, ==, "Short ASCII text.\r\n");
}

static void
test_long_lines (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *long_line = g_strnfill (5000, 'x');
  g_autofree char *body = g_strdup_printf ("start\n%s\nend", long_line);
  g_autoptr(ScMessage) message = prepared_message (fixture, "Long", body, FALSE);
  g_autoptr(GBytes) data = write_data (message);
  g_autoptr(GMimeMessage) parsed = parse (data);
  g_autofree char *text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_autofree char *decoded = NULL;
  g_autofree char *decoded_plain = NULL;
  g_autofree char *expected = g_strdup_printf ("start\n%s\nend\n", long_line);

  assert_lines_ok (data);
  g_assert_nonnull (strstr (text, "Content-Transfer-Encoding: quoted-printable\r\n"));
  decoded = g_mime_text_part_get_text (GMIME_TEXT_PART (g_mime_message_get_mime_part (parsed)));
  decoded_plain = without_cr (decoded);
  /* The body gets a final line end. */
  g_assert_cmpstr (decoded_plain, ==, expected);
}

static void
test_crlf_body (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(ScMessage) message = prepared_message (fixture, "CRLF", "one\r\ntwo\rthree\n", FALSE);
  g_autoptr(GBytes) data = write_data (message);
  g_autofree char *text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));

  assert_lines_ok (data);
  g_assert_true (g_str_has_suffix (text, "\r\n\r\none\r\ntwo\r\nthree\r\n"));
}

static void
test_header_injection (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const char *bad_to[] = { "ok@example.com\r\nBcc: x@y.z", NULL };
  struct {
    const char *from;
    const char * const *to;
    const char *subject;
  } cases[] = {
    { FROM, recipients, "Subject\r\nBcc: x@y.z" },
    { FROM, recipients, "Subject\nBcc: x@y.z" },
    { FROM, bad_to, "Subject" },
    { FROM "\r\nBcc: x@y.z", recipients, "Subject" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ScMessage) message = NULL;
      g_autoptr(GError) error = NULL;

      message = sc_message_new (cases[i].from, cases[i].to, cases[i].subject, "body", NULL);
      g_assert_false (sc_message_prepare (message, NULL, &error));
      g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_HEADER);
      g_assert_cmpint (sc_message_get_size (message), ==, -1);
    }
}

static void
test_bad_address (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const char *bad[] = {
    "", "plain", "a@@example.com", "a@b@example.com", "@example.com", "user@",
    "two words@example.com", "Name <user@example.com", "user@example.com, other@example.com",
    "group: user@example.com;", "user@exa mple.com", "user\t@example.com", ".user@example.com",
    "user.@example.com", "us..er@example.com", "user@example..com", "user@.example.com",
    "Name <a@b@example.com>", "<user@example.com> Name", "Name <>", "a>b@example.com",
    "Name <<user@example.com>>", "\"quoted\"@example.com", "a,b@example.com",
  };
  const char *good[] = {
    "user@example.com", "first.last+tag@sub.example.co.uk", "x@localhost", "o'brien@example.ie",
    "user@xn--e1afmkfd.xn--p1ai", "Name <user@example.com>", "Мария Иванова <maria@example.test>",
    "\"Doe, John\" <john@example.com>", "<user@example.com>", "user@пример.рф",
    "пользователь@example.com",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ScMessage) message = NULL;
      const char *to[] = { "ok@example.com", bad[i], NULL };

      g_assert_false (sc_address_validate (bad[i], &error));
      g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS);
      g_clear_error (&error);

      message = sc_message_new (FROM, to, "Subject", "body", NULL);
      g_assert_false (sc_message_prepare (message, NULL, &error));
      g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS);
      if (*bad[i] != '\0')
        g_assert_nonnull (strstr (error->message, bad[i]));
    }

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      sc_address_validate (good[i], &error);
      g_assert_no_error (error);
    }

  {
    g_autoptr(ScMessage) message = sc_message_new (FROM, NULL, "Subject", "body", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_false (sc_message_prepare (message, NULL, &error));
    g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS);
  }
}

/* A pasted list splits at "," and ";" outside quotes and <>; an error names the bad entry as
 * it was written, never escaped. */
static void
test_address_list (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const struct {
    const char *text;
    const char *entries[4];
    const char *error;
  } cases[] = {
    { "a@example.com, b@example.com; c@example.com",
      { "a@example.com", "b@example.com", "c@example.com" } },
    { "  a@example.com ;;, ", { "a@example.com" } },
    { "", { NULL } },
    { "\"Doe, John\" <john@example.com>; Мария Иванова <maria@example.test>",
      { "\"Doe, John\" <john@example.com>", "Мария Иванова <maria@example.test>" } },
    { "Smith (work; main) <s@example.com>, user@пример.рф",
      { "Smith (work; main) <s@example.com>", "user@пример.рф" } },
    { "a@example.com, not an address, b@example.com", { NULL },
      "\"not an address\" must not contain spaces or control characters" },
    { "a@example.com; пользователь@@пример.рф", { NULL },
      "\"пользователь@@пример.рф\" is not an e-mail address (it needs exactly one @)" },
    { "a@example.com, Name <a@b@example.com>", { NULL },
      "\"Name <a@b@example.com>\" is not an e-mail address (it needs exactly one @)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) entries = sc_address_list_parse (cases[i].text, &error);

      g_test_message ("%s", cases[i].text);
      if (cases[i].error != NULL)
        {
          g_assert_null (entries);
          g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS);
          g_assert_cmpstr (error->message, ==, cases[i].error);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpstrv (entries, cases[i].entries);
        }
    }
}

/* One entry: its display name, decoded, and the bare address; the envelope form has the domain
 * in punycode, and only a non-ASCII local part needs SMTPUTF8. */
static void
test_address_parse (Fixture       *fixture,
                    gconstpointer  user_data)
{
  static const struct {
    const char *entry;
    const char *name;
    const char *addr;
    const char *envelope;
    gboolean    smtputf8;
  } cases[] = {
    { "user@example.com", NULL, "user@example.com", "user@example.com", FALSE },
    { "Мария Иванова <maria@example.test>", "Мария Иванова", "maria@example.test",
      "maria@example.test", FALSE },
    { " \"Doe, John\" <john@example.com> ", "Doe, John", "john@example.com", "john@example.com",
      FALSE },
    { "<user@example.com>", NULL, "user@example.com", "user@example.com", FALSE },
    { "user@пример.рф", NULL, "user@пример.рф", "user@xn--e1afmkfd.xn--p1ai", FALSE },
    { "Иван <иван@пример.рф>", "Иван", "иван@пример.рф", "иван@xn--e1afmkfd.xn--p1ai", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      g_autofree char *addr = NULL;
      g_autofree char *envelope = NULL;

      g_assert_true (sc_address_parse (cases[i].entry, &name, &addr, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_cmpstr (addr, ==, cases[i].addr);
      envelope = sc_address_to_envelope (addr);
      g_assert_cmpstr (envelope, ==, cases[i].envelope);
      g_assert_cmpint (sc_address_needs_smtputf8 (addr), ==, cases[i].smtputf8);
    }
}

static void
test_folder_listing (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) missing = NULL;
  const char *expected[] = { "notes.txt", "random.bin", PDF_NAME };

  sc_test_write_file (fixture->folder, "Zebra.txt", "z", -1);
  sc_test_write_file (fixture->folder, "a.txt", "a", -1);

  files = sc_attachment_folder_list (fixture->folder_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 5);

  {
    const char *sorted[] = { "Zebra.txt", "a.txt", expected[0], expected[1], expected[2] };

    for (guint i = 0; i < files->len; i++)
      {
        g_autofree char *name = g_file_get_basename (g_ptr_array_index (files, i));

        g_assert_cmpstr (name, ==, sorted[i]);
      }
  }

  missing = g_file_get_child (fixture->folder_file, "no-such-folder");
  g_clear_pointer (&files, g_ptr_array_unref);
  files = sc_attachment_folder_list (missing, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
}

static void
test_unreadable_attachment (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (attachments, g_file_get_child (fixture->folder_file, "notes.txt"));
  g_ptr_array_add (attachments, g_file_get_child (fixture->folder_file, "vanished.doc"));

  message = sc_message_new (FROM, recipients, "Subject", "body", attachments);
  g_assert_false (sc_message_prepare (message, NULL, &error));
  g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT);
  g_assert_nonnull (strstr (error->message, "vanished.doc"));
  g_clear_error (&error);
  g_clear_object (&message);

  /* A folder given as an attachment */
  g_ptr_array_set_size (attachments, 0);
  g_ptr_array_add (attachments, g_file_get_child (fixture->folder_file, "sub"));
  message = sc_message_new (FROM, recipients, "Subject", "body", attachments);
  g_assert_false (sc_message_prepare (message, NULL, &error));
  g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT);
  g_assert_nonnull (strstr (error->message, "sub"));
}

static void
test_from_settings (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *settings_dir = g_build_filename (fixture->tmpdir, "settings", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (settings_dir);
  g_autoptr(ScSettings) settings = sc_settings_new (dir);
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GMimeMessage) parsed = NULL;
  GMimeObject *root;

  g_assert_cmpint (g_mkdir (settings_dir, 0755), ==, 0);
  sc_test_write_file (settings_dir, "body.txt", "\xEF\xBB\xBFПривет из файла!\n", -1);

  g_object_set (settings, "login", FROM, NULL);
  g_object_set (settings, "recipients", recipients, NULL);
  g_object_set (settings, "subject", "Из настроек", NULL);
  g_object_set (settings, "message-file-path", "body.txt", NULL);
  g_object_set (settings, "attachment-folder-path", fixture->folder, NULL);

  message = sc_message_new_from_settings (settings, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_message_get_from (message), ==, FROM);
  g_assert_true (g_strv_equal (sc_message_get_to (message), recipients));
  g_assert_cmpuint (sc_message_get_attachments (message)->len, ==, 3);
  g_assert_cmpint (sc_message_get_size (message), ==, -1);

  sc_message_prepare (message, NULL, &error);
  g_assert_no_error (error);
  data = write_data (message);
  parsed = parse (data);
  root = g_mime_message_get_mime_part (parsed);
  g_assert_true (GMIME_IS_MULTIPART (root));
  {
    g_autofree char *text = g_mime_text_part_get_text (
      GMIME_TEXT_PART (g_mime_multipart_get_part (GMIME_MULTIPART (root), 0)));

    g_assert_cmpstr (text, ==, "Привет из файла!\r\n");
  }
  g_assert_cmpstr (g_mime_message_get_subject (parsed), ==, "Из настроек");
  g_clear_object (&message);

  /* Not UTF-8: the error names the file and line. */
  sc_test_write_file (settings_dir, "body.txt", "line one\nline \xff two\n", -1);
  message = sc_message_new_from_settings (settings, NULL, &error);
  g_assert_null (message);
  g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_BODY);
  g_assert_nonnull (strstr (error->message, "body.txt:2"));
  g_clear_error (&error);

  /* Missing */
  g_object_set (settings, "message-file-path", "missing.txt", NULL);
  message = sc_message_new_from_settings (settings, NULL, &error);
  g_assert_null (message);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.txt: the message file does not exist"));
  g_clear_error (&error);

  /* Missing attachment folder */
  g_object_set (settings, "message-file-path", "body.txt", NULL);
  sc_test_write_file (settings_dir, "body.txt", "ok\n", -1);
  g_object_set (settings, "attachment-folder-path", "no-attachments-here", NULL);
  message = sc_message_new_from_settings (settings, NULL, &error);
  g_assert_null (message);
  g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT);
  g_assert_nonnull (strstr (error->message, "no-attachments-here"));
}

static void
test_large_writes (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(ScMessage) message = prepared_message (fixture, SUBJECT, BODY, TRUE);
  g_autoptr(ScRecordingStream) stream = g_object_new (SC_TYPE_RECORDING_STREAM, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = write_data (message);

  sc_message_write_data (message, G_OUTPUT_STREAM (stream), NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (stream->data->len, ==, g_bytes_get_size (data));
  g_assert_cmpmem (stream->data->data, stream->data->len,
                   g_bytes_get_data (data, NULL), g_bytes_get_size (data));

  /* All writes but the last are large. */
  g_assert_cmpuint (stream->sizes->len, >, 1);
  for (guint i = 0; i + 1 < stream->sizes->len; i++)
    g_assert_cmpuint (g_array_index (stream->sizes, gsize, i), >=, 16 * 1024);
}

/* What GMime itself makes of @data (our DATA bytes): parsed back, each attachment's content
 * replaced by its file, re-encoded by GMime's base64 encoder, and the whole message written by
 * g_mime_object_write_to_stream () through GMime's CRLF and dot-stuffing filters. Headers,
 * boundaries and the text part stay as parsed, which GMime writes back as they were. */
static GBytes *
gmime_rendering (GBytes    *data,
                 GPtrArray *files)
{
  g_autoptr(GBytes) unstuffed = unstuff (data);
  g_autoptr(GMimeMessage) parsed = parse (unstuffed);
  g_autoptr(GMimePartIter) iter = g_mime_part_iter_new (GMIME_OBJECT (parsed));
  g_autoptr(GMimeStream) mem = g_mime_stream_mem_new ();
  g_autoptr(GMimeStream) filtered = g_mime_stream_filter_new (mem);
  g_autoptr(GMimeFilter) crlf = g_mime_filter_unix2dos_new (TRUE);
  g_autoptr(GMimeFilter) stuffing = g_mime_filter_smtp_data_new ();
  GMimeFormatOptions *format = g_mime_format_options_new ();
  GByteArray *array;
  guint n_files = 0;

  do
    {
      GMimeObject *object = g_mime_part_iter_get_current (iter);
      g_autoptr(GMimeStream) file = NULL;
      g_autoptr(GMimeDataWrapper) content = NULL;
      g_autofree char *path = NULL;

      if (object == NULL || !GMIME_IS_PART (object) || GMIME_IS_TEXT_PART (object))
        continue;

      g_assert_cmpuint (n_files, <, files->len);
      g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (object)), ==,
                       GMIME_CONTENT_ENCODING_BASE64);
      path = g_file_get_path (files->pdata[n_files++]);
      file = g_mime_stream_fs_open (path, O_RDONLY, 0, NULL);
      g_assert_nonnull (file);
      content = g_mime_data_wrapper_new_with_stream (file, GMIME_CONTENT_ENCODING_DEFAULT);
      g_mime_part_set_content (GMIME_PART (object), content);
    }
  while (g_mime_part_iter_next (iter));
  g_assert_cmpuint (n_files, ==, files->len);

  g_mime_format_options_set_newline_format (format, GMIME_NEWLINE_FORMAT_UNIX);
  g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), crlf);
  g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), stuffing);
  g_assert_cmpint (g_mime_object_write_to_stream (GMIME_OBJECT (parsed), format, filtered), !=,
                   -1);
  g_assert_cmpint (g_mime_stream_flush (filtered), ==, 0);
  g_mime_format_options_free (format);

  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  return g_bytes_new (array->data, array->len);
}

/* Writes @files (in @dir, of the given sizes) as attachments of one message: its DATA must be
 * what GMime makes of it, of the announced size. */
static void
check_against_gmime (const char   *dir,
                     const char  **names,
                     const gsize  *sizes,
                     guint         n)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree guint8 *contents = g_malloc (sizes[i] + 1);

      for (gsize j = 0; j < sizes[i]; j++)
        contents[j] = g_random_int_range (0, 256);
      sc_test_write_file (dir, names[i], contents, sizes[i]);
      g_ptr_array_add (files, g_file_new_build_filename (dir, names[i], NULL));
    }

  message = sc_message_new (FROM, recipients, SUBJECT, ".first line\n" BODY ".\n", files);
  sc_message_prepare (message, NULL, &error);
  g_assert_no_error (error);

  data = write_data (message);
  g_assert_cmpint (sc_message_get_size (message), ==, g_bytes_get_size (data));
  assert_lines_ok (data);

  expected = gmime_rendering (data, files);
  g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/* Our base64 writer against GMime's: every size around a line and a group, one by one and all
 * in one message, a Cyrillic name, and text lines that start with "." (dot-stuffed). */
static void
test_same_as_gmime (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const gsize sizes[] = { 0, 1, 2, 3, 56, 57, 58, 1000, 1024 * 1024 + 7 };
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_ptr_array_add (names, g_strdup_printf ("Файл %" G_GSIZE_FORMAT ".bin", sizes[i]));
      check_against_gmime (fixture->tmpdir, (const char **) &names->pdata[i], &sizes[i], 1);
    }

  check_against_gmime (fixture->tmpdir, (const char **) names->pdata, sizes,
                       G_N_ELEMENTS (sizes));
}

/* A file that fails to read while the message is written (/proc/self/mem is a regular file
 * whose first page is unmapped: EIO) is named, with the reason. */
static void
test_read_error (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("mem: cannot read the attachment: %s",
                                               g_strerror (EIO));

  g_ptr_array_add (attachments, g_file_new_for_path ("/proc/self/mem"));
  message = sc_message_new (FROM, recipients, "Subject", "body", attachments);
  g_assert_true (sc_message_prepare (message, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (sc_message_write_data (message, out, NULL, &error));
  g_assert_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ATTACHMENT);
  g_assert_nonnull (strstr (error->message, expected));
}

static void
test_stream_errors (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(ScMessage) message = prepared_message (fixture, SUBJECT, BODY, TRUE);
  g_autoptr(GOutputStream) closed = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  /* The output stream's own error comes through unchanged. */
  g_output_stream_close (closed, NULL, NULL);
  g_assert_false (sc_message_write_data (message, closed, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  g_assert_false (sc_message_write_data (message, out, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Still good afterwards */
  g_assert_true (sc_message_write_data (message, out, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_type_ensure (SC_TYPE_MESSAGE);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/message/full", test_full_message);
  ADD ("/message/cyrillic-file-name", test_cyrillic_file_name);
  ADD ("/message/encoded-word-look-alike", test_encoded_word_look_alike);
  ADD ("/message/single-part", test_single_part);
  ADD ("/message/long-lines", test_long_lines);
  ADD ("/message/crlf-body", test_crlf_body);
  ADD ("/message/header-injection", test_header_injection);
  ADD ("/message/bad-address", test_bad_address);
  ADD ("/message/address-list", test_address_list);
  ADD ("/message/address-parse", test_address_parse);
  ADD ("/message/folder-listing", test_folder_listing);
  ADD ("/message/unreadable-attachment", test_unreadable_attachment);
  ADD ("/message/from-settings", test_from_settings);
  ADD ("/message/large-writes", test_large_writes);
  ADD ("/message/stream-errors", test_stream_errors);
  ADD ("/message/same-as-gmime", test_same_as_gmime);
  ADD ("/message/read-error", test_read_error);

#undef ADD

  return g_test_run ();
}

/* test-base64.c — the streaming base64 encoder against g_base64_encode () folded at 76
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-base64"

#include "config.h"

#include <string.h>

#include "sc-base64.h"

/* GLib's base64 of @data, cut into lines of 76 characters, each ending with CRLF. */
static GString *
expected_encoding (const guint8 *data,
                   gsize         len)
{
  g_autofree char *plain = g_base64_encode (data, len);
  gsize plain_len = strlen (plain);
  GString *out = g_string_sized_new (plain_len + plain_len / 38 + 2);

  for (gsize i = 0; i < plain_len; i += 76)
    {
      g_string_append_len (out, plain + i, MIN (76, plain_len - i));
      g_string_append (out, "\r\n");
    }

  return out;
}

/* Encodes @data cut into blocks at the given @cuts (sorted offsets), each block written
 * behind the last without room to spare beyond SC_BASE64_STEP_MAX. */
static GString *
encode_in_blocks (const guint8 *data,
                  gsize         len,
                  GArray       *cuts)
{
  ScBase64Encoder encoder;
  GString *out = g_string_new (NULL);
  gsize start = 0;

  sc_base64_encoder_init (&encoder);

  for (guint i = 0; i <= cuts->len; i++)
    {
      gsize end = i < cuts->len ? g_array_index (cuts, gsize, i) : len;
      gsize room = SC_BASE64_STEP_MAX (end - start);
      gsize old_len = out->len;
      gsize n;

      /* A guard byte behind the room catches a write past SC_BASE64_STEP_MAX. */
      g_string_set_size (out, old_len + room + 1);
      out->str[old_len + room] = '#';
      n = sc_base64_encoder_step (&encoder, data + start, end - start, out->str + old_len);
      g_assert_cmpuint (n, <=, room);
      g_assert_cmpint (out->str[old_len + room], ==, '#');
      g_string_set_size (out, old_len + n);
      start = end;
    }

  {
    gsize old_len = out->len;

    g_string_set_size (out, old_len + SC_BASE64_FINISH_MAX);
    g_string_set_size (out, old_len + sc_base64_encoder_finish (&encoder, out->str + old_len));
  }

  return out;
}

static guint8 *
random_bytes (gsize len)
{
  guint8 *data = g_malloc (len + 1);

  for (gsize i = 0; i < len; i++)
    data[i] = g_random_int_range (0, 256);

  return data;
}

static void
check_size (const guint8 *data,
            gsize         len,
            GArray       *cuts)
{
  g_autoptr(GString) expected = expected_encoding (data, len);
  g_autoptr(GString) got = encode_in_blocks (data, len, cuts);

  g_assert_cmpuint (got->len, ==, expected->len);
  g_assert_true (memcmp (got->str, expected->str, got->len) == 0);
  g_assert_cmpint (sc_base64_encoded_size (len), ==, (goffset) expected->len);
}

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Every size from 0 to 200 in one block, and in blocks of 1 and 2 bytes. */
static void
test_small_sizes (void)
{
  g_autofree guint8 *data = random_bytes (200);

  for (gsize len = 0; len <= 200; len++)
    {
      for (gsize step = 0; step <= 2; step++)
        {
          g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));

          for (gsize at = step; step > 0 && at < len; at += step)
            g_array_append_val (cuts, at);
          check_size (data, len, cuts);
        }
    }

  g_assert_cmpint (sc_base64_encoded_size (0), ==, 0);
  g_assert_cmpint (sc_base64_encoded_size (1), ==, 6);
  g_assert_cmpint (sc_base64_encoded_size (57), ==, 78);
  g_assert_cmpint (sc_base64_encoded_size (58), ==, 84);
}

/* Large random sizes, whole and cut into random blocks (some empty, some of 1 or 2 bytes). */
static void
test_large_sizes (void)
{
  const gsize sizes[] = { 1024 * 1024 + 1, 1024 * 1024 + 2, 1024 * 1024 + 57 * 3 + 1,
                          g_random_int_range (1, 4 * 1024 * 1024) };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *data = random_bytes (sizes[i]);
      g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (gsize));
      g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
      gsize at = 0;

      check_size (data, sizes[i], none);

      for (;;)
        {
          switch (g_random_int_range (0, 4))
            {
            case 0:
              at += g_random_int_range (0, 3);
              break;
            case 1:
              at += g_random_int_range (1, 200);
              break;
            default:
              at += g_random_int_range (1, 200 * 1024);
              break;
            }
          if (at >= sizes[i])
            break;
          g_array_append_val (cuts, at);
        }

      check_size (data, sizes[i], cuts);
    }

  /* Beyond what fits in memory: the arithmetic only. */
  g_assert_cmpint (sc_base64_encoded_size (G_GINT64_CONSTANT (5000000000)), ==,
                   G_GINT64_CONSTANT (6666666668) + (G_GINT64_CONSTANT (5000000000) + 56) / 57 * 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/base64/small-sizes", test_small_sizes);
  g_test_add_func ("/base64/large-sizes", test_large_sizes);

  return g_test_run ();
}

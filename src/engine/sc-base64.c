/* sc-base64.c — a streaming base64 encoder that writes 76-character CRLF lines
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-base64"

#include "config.h"

#include "sc-base64.h"

#include <string.h>

#define LINE_CHARS  76
#define LINE_BYTES  57   /* input bytes of a full line */

static const char alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The two characters of every 12-bit value: two look-ups encode 3 bytes. */
static char pairs[4096][2];

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
ensure_pairs (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint i = 0; i < 4096; i++)
        {
          pairs[i][0] = alphabet[i >> 6];
          pairs[i][1] = alphabet[i & 0x3f];
        }
      g_once_init_leave (&done, 1);
    }
}

/* 3 bytes → 4 characters */
static inline char *
encode_group (char         *out,
              const guint8 *in)
{
  guint32 v = (guint32) in[0] << 16 | (guint32) in[1] << 8 | in[2];

  memcpy (out, pairs[v >> 12], 2);
  memcpy (out + 2, pairs[v & 0xfff], 2);

  return out + 4;
}

/* Groups of 3 bytes from @*in while the line has room and @*len allows; ends the line with
 * CRLF when it is full. */
static char *
encode_groups (ScBase64Encoder  *encoder,
               const guint8    **in,
               gsize            *len,
               char             *out)
{
  while (*len >= 3 && encoder->line_len < LINE_CHARS)
    {
      out = encode_group (out, *in);
      *in += 3;
      *len -= 3;
      encoder->line_len += 4;
    }

  if (encoder->line_len == LINE_CHARS)
    {
      *out++ = '\r';
      *out++ = '\n';
      encoder->line_len = 0;
    }

  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* Engine-private API                                                                         */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_base64_encoder_init:
 * @encoder: an encoder to set up
 *
 * Makes @encoder ready for a new input.
 */
void
sc_base64_encoder_init (ScBase64Encoder *encoder)
{
  ensure_pairs ();
  memset (encoder, 0, sizeof (*encoder));
}

/**
 * sc_base64_encoder_step:
 * @encoder: an encoder
 * @in: (array length=len): the next input bytes
 * @len: their number
 * @out: room for at least SC_BASE64_STEP_MAX (@len) characters
 *
 * Encodes what it can of @in and keeps the 0 to 2 bytes left over for the next call.
 *
 * Returns: the number of characters written to @out
 */
gsize
sc_base64_encoder_step (ScBase64Encoder *encoder,
                        const guint8    *in,
                        gsize            len,
                        char            *out)
{
  char *start = out;

  /* Complete the group left over from the last call. */
  if (encoder->rest_len > 0)
    {
      guint8 group[3];
      const guint8 *p = group;
      gsize group_len = 3;

      if (encoder->rest_len + len < 3)
        {
          memcpy (encoder->rest + encoder->rest_len, in, len);
          encoder->rest_len += len;
          return 0;
        }

      memcpy (group, encoder->rest, encoder->rest_len);
      memcpy (group + encoder->rest_len, in, 3 - encoder->rest_len);
      in += 3 - encoder->rest_len;
      len -= 3 - encoder->rest_len;
      encoder->rest_len = 0;
      out = encode_groups (encoder, &p, &group_len, out);
    }

  /* Fill the current line, then whole lines at a time, then the start of the last one. */
  if (encoder->line_len > 0)
    out = encode_groups (encoder, &in, &len, out);

  for (; len >= LINE_BYTES; in += LINE_BYTES, len -= LINE_BYTES)
    {
      /* Two groups per 8-byte load, but the last group: its load would reach past @in. */
      for (guint i = 0; i < LINE_BYTES - 3; i += 6)
        {
          guint64 v;
          guint32 a, b;

          memcpy (&v, in + i, 8);
          v = GUINT64_FROM_BE (v);
          a = v >> 40;
          b = (v >> 16) & 0xffffff;
          memcpy (out, pairs[a >> 12], 2);
          memcpy (out + 2, pairs[a & 0xfff], 2);
          memcpy (out + 4, pairs[b >> 12], 2);
          memcpy (out + 6, pairs[b & 0xfff], 2);
          out += 8;
        }
      out = encode_group (out, in + LINE_BYTES - 3);
      *out++ = '\r';
      *out++ = '\n';
    }

  out = encode_groups (encoder, &in, &len, out);

  memcpy (encoder->rest, in, len);
  encoder->rest_len = len;

  return out - start;
}

/**
 * sc_base64_encoder_finish:
 * @encoder: an encoder
 * @out: room for at least %SC_BASE64_FINISH_MAX characters
 *
 * Encodes the bytes left over, with "=" padding, and ends the last line. @encoder must be set
 * up again with sc_base64_encoder_init () for another input.
 *
 * Returns: the number of characters written to @out
 */
gsize
sc_base64_encoder_finish (ScBase64Encoder *encoder,
                          char            *out)
{
  char *start = out;

  if (encoder->rest_len > 0)
    {
      guint8 b0 = encoder->rest[0];
      guint8 b1 = encoder->rest_len > 1 ? encoder->rest[1] : 0;

      *out++ = alphabet[b0 >> 2];
      *out++ = alphabet[(b0 & 0x03) << 4 | b1 >> 4];
      *out++ = encoder->rest_len > 1 ? alphabet[(b1 & 0x0f) << 2] : '=';
      *out++ = '=';
      encoder->line_len += 4;
      encoder->rest_len = 0;
    }

  if (encoder->line_len > 0)
    {
      *out++ = '\r';
      *out++ = '\n';
      encoder->line_len = 0;
    }

  return out - start;
}

/**
 * sc_base64_encoded_size:
 * @n: a number of input bytes
 *
 * Returns: the number of characters that sc_base64_encoder_step () and
 *   sc_base64_encoder_finish () write for @n bytes in all: 4 per 3 bytes (the last group
 *   padded), plus CRLF after each line of at most 76; 0 for no input
 */
goffset
sc_base64_encoded_size (goffset n)
{
  g_return_val_if_fail (n >= 0, 0);

  return (n + 2) / 3 * 4 + (n + LINE_BYTES - 1) / LINE_BYTES * 2;
}

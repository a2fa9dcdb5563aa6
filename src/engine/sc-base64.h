/* sc-base64.h — a streaming base64 encoder that writes 76-character CRLF lines (engine-private)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The body of a base64 MIME part, byte for byte as GMime 3.2 writes it (after its unix2dos
 * filter): lines of 76 characters (57 input bytes), each ending with CRLF; the last line holds
 * what is left, "="-padded, and ends with CRLF too. An empty input gives no output at all, not
 * even an empty line. Base64 lines never start with "." and never hold a bare LF, so they need
 * no dot-stuffing and no CRLF conversion on their way into SMTP DATA.
 *
 * Streaming: feed the input in blocks of any size with sc_base64_encoder_step (); the encoder
 * keeps up to 2 leftover bytes and the fill of the current line between calls.
 */

typedef struct
{
  guint8 rest[2];    /* input bytes not encoded yet (fewer than 3) */
  guint  rest_len;
  guint  line_len;   /* characters in the current, unfinished line */
} ScBase64Encoder;

/* The most sc_base64_encoder_step () writes for @len input bytes, and the most
 * sc_base64_encoder_finish () writes. */
#define SC_BASE64_STEP_MAX(len) (((gsize) (len) / 3 + 1) * 4 + ((gsize) (len) / 57 + 2) * 2)
#define SC_BASE64_FINISH_MAX    6

void    sc_base64_encoder_init   (ScBase64Encoder  *encoder);
gsize   sc_base64_encoder_step   (ScBase64Encoder  *encoder,
                                  const guint8     *in,
                                  gsize             len,
                                  char             *out);
gsize   sc_base64_encoder_finish (ScBase64Encoder  *encoder,
                                  char             *out);
goffset sc_base64_encoded_size   (goffset           n);

G_END_DECLS

/* fuzz-ehlo.c — libFuzzer target: the EHLO parser (_sc_smtp_connection_parse_extensions)
 *
 * The input is the text of a 250 reply to EHLO, one reply line a line: the first is the
 * server's name and greeting, the others its extensions ("SIZE 10240000", "AUTH PLAIN LOGIN",
 * "AUTH=LOGIN", …), as the reply parser hands them on (valid UTF-8, no control characters).
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sc-smtp-connection-private.h"

#include "fuzz-common.h"

static void
check_extensions (ScSmtpConnection *c,
                  ScSmtpReply      *reply)
{
  /* Every line after the first is kept as sent. */
  g_assert_nonnull (c->extensions);
  g_assert_cmpuint (g_strv_length (c->extensions), ==, reply->lines->len - 1);
  for (guint i = 1; i < reply->lines->len; i++)
    g_assert_cmpstr (c->extensions[i - 1], ==, g_ptr_array_index (reply->lines, i));

  /* The mechanisms are words: never empty, never with a separator. */
  for (guint i = 0; c->auth_mechanisms != NULL && c->auth_mechanisms[i] != NULL; i++)
    {
      g_assert_cmpstr (c->auth_mechanisms[i], !=, "");
      g_assert_null (strpbrk (c->auth_mechanisms[i], " ="));
    }

  if (!c->ext_size)
    g_assert_cmpuint (c->size_limit, ==, 0);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  ScSmtpConnection c = { 0 };
  g_autoptr(ScSmtpReply) reply = g_new0 (ScSmtpReply, 1);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) first_mechanisms = NULL;
  gboolean first_pipelining;
  guint64 first_size_limit;

  sc_fuzz_setup ();

  /* What the reply parser hands on: valid UTF-8 without control characters. */
  text = g_utf8_make_valid ((const char *) data, size);
  for (char *p = text; *p != '\0'; p++)
    if (((guchar) *p < 0x20 && *p != '\n') || *p == 0x7f)
      *p = '?';

  reply->code = 250;
  reply->lines = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (text, "\n", 1000);
  for (guint i = 0; lines[i] != NULL; i++)
    g_ptr_array_add (reply->lines, g_strdup (lines[i]));
  if (reply->lines->len == 0)
    g_ptr_array_add (reply->lines, g_strdup ("smtp.example.com"));
  reply->text = g_strjoinv (" ", lines);

  _sc_smtp_connection_parse_extensions (&c, reply);
  check_extensions (&c, reply);
  first_mechanisms = g_strdupv (c.auth_mechanisms);
  first_pipelining = c.ext_pipelining;
  first_size_limit = c.size_limit;

  /* A second EHLO (after STARTTLS) replaces what the first said, it adds nothing. */
  _sc_smtp_connection_parse_extensions (&c, reply);
  check_extensions (&c, reply);
  g_assert_true (first_pipelining == c.ext_pipelining);
  g_assert_cmpuint (first_size_limit, ==, c.size_limit);
  g_assert_true ((first_mechanisms == NULL) == (c.auth_mechanisms == NULL));
  if (first_mechanisms != NULL)
    g_assert_true (g_strv_equal ((const char * const *) first_mechanisms,
                                 (const char * const *) c.auth_mechanisms));

  _sc_smtp_connection_close (&c, FALSE);

  return 0;
}

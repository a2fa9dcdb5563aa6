/* fuzz-reply.c — libFuzzer target: the SMTP reply parser (_sc_smtp_connection_read_reply)
 *
 * The input is what a server sends, read from a GMemoryInputStream as from the socket. Its
 * first byte picks what the client waits for (the greeting or a command's reply) and how many
 * of the following bytes (up to 7) follow "AGZ1" in a secret sent during AUTH, which every
 * reply line must have redacted. Then replies are read until the stream ends or one is refused.
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sc-smtp-connection-private.h"

#include "fuzz-common.h"

static ScSmtpSession *session;
static ScSmtpConfig config = {
  .host = (char *) "smtp.example.com",
  .port = 587,
  .security = SC_SECURITY_STARTTLS,
  .timeout_seconds = 30,
};

static void
transcript_cb (ScSmtpSession *self,
               gboolean       outgoing,
               const char    *line,
               gpointer       user_data)
{
  const char *secret = user_data;

  /* What reaches the transcript is valid UTF-8 without control characters or the secret. */
  g_assert_false (outgoing);
  g_assert_true (g_utf8_validate (line, -1, NULL));
  for (const char *p = line; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 && *p != 0x7f);
  if (secret != NULL && secret[0] != '\0')
    g_assert_null (strstr (line, secret));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  ScSmtpConnection c = { 0 };
  g_autofree char *secret = NULL;
  const char *command;
  gsize secret_len;
  gulong handler;

  if (size < 1)
    return 0;

  if (session == NULL)
    {
      g_autoptr(GFile) directory = g_file_new_for_path ("/nonexistent-fuzz-settings");
      g_autoptr(ScSettings) settings = sc_settings_new (directory);

      sc_fuzz_setup ();
      session = sc_smtp_session_new (settings);
    }

  command = (data[0] & 1) != 0 ? NULL : "EHLO";
  secret_len = MIN ((data[0] >> 1) & 7, size - 1);
  if (secret_len > 0)
    {
      /* What AUTH sends: base64. The prefix keeps it apart from the words of the messages. */
      secret = g_strdup_printf ("AGZ1%.*s", (int) secret_len, (const char *) data + 1);
      if (strspn (secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
          != strlen (secret) || strlen (secret) != 4 + secret_len)
        g_clear_pointer (&secret, g_free);
    }
  data += 1 + secret_len;
  size -= 1 + secret_len;

  c.config = &config;
  c.session = session;
  c.context = NULL;   /* the signals are emitted right away, in this thread */
  c.input = g_memory_input_stream_new_from_data (g_memdup2 (data, size), size, g_free);
  if (secret != NULL)
    {
      c.secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_secret_free);
      g_ptr_array_add (c.secrets, g_strdup (secret));
    }

  handler = g_signal_connect (session, "transcript", G_CALLBACK (transcript_cb), secret);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ScSmtpReply) reply = _sc_smtp_connection_read_reply (&c, command, &error);
      g_autoptr(GString) text = NULL;

      if (reply == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          if (secret != NULL)
            g_assert_null (strstr (error->message, secret));
          break;
        }

      g_assert_null (error);
      g_assert_cmpint (reply->code, >=, 200);
      g_assert_cmpint (reply->code, <=, 599);
      g_assert_cmpuint (reply->lines->len, >=, 1);
      g_assert_true (g_utf8_validate (reply->text, -1, NULL));
      g_assert_null (strpbrk (reply->text, "\r\n"));
      if (secret != NULL)
        g_assert_null (strstr (reply->text, secret));

      /* The text is the code and the lines' text, joined by spaces. */
      text = g_string_new (NULL);
      g_string_append_printf (text, "%d", reply->code);
      for (guint i = 0; i < reply->lines->len; i++)
        {
          const char *line = g_ptr_array_index (reply->lines, i);

          if (*line != '\0')
            g_string_append_printf (text, " %s", line);
        }
      g_assert_cmpstr (reply->text, ==, text->str);

      /* An EHLO reply is read for its extensions: the EHLO parser gets what the reply
       * parser made. */
      if (reply->code == 250 && command != NULL)
        _sc_smtp_connection_parse_extensions (&c, reply);
    }

  g_signal_handler_disconnect (session, handler);
  g_clear_object (&c.input);
  _sc_smtp_connection_close (&c, FALSE);

  return 0;
}

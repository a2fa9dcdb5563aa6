/* fuzz-address.c — libFuzzer target: the address parser (sc-address.h)
 *
 * The input is what a user types into an address field, up to its first NUL byte: it goes
 * through sc_address_list_parse () and sc_address_parse (), and every address accepted goes
 * on to sc_address_to_envelope (), which is what reaches MAIL FROM and RCPT TO.
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sc-address.h"
#include "sc-error.h"

#include "fuzz-common.h"

/* An accepted addr-spec: safe in "MAIL FROM:<%s>", whatever the user typed. */
static void
check_addr (const char *addr)
{
  g_autofree char *envelope = NULL;
  g_autofree char *again = NULL;
  const char *at;

  g_assert_true (g_utf8_validate (addr, -1, NULL));
  for (const unsigned char *p = (const unsigned char *) addr; *p != '\0'; p++)
    g_assert_true (*p > 0x20 && *p != 0x7f);
  g_assert_null (strpbrk (addr, "<>"));
  at = strchr (addr, '@');
  g_assert_nonnull (at);
  g_assert_null (strchr (at + 1, '@'));
  g_assert_true (at > addr && at[1] != '\0');

  /* The envelope form: the same local part, an ASCII domain, and still one address. */
  envelope = sc_address_to_envelope (addr);
  g_assert_nonnull (envelope);
  g_assert_null (strpbrk (envelope, "<> \r\n"));
  g_assert_cmpint (strncmp (envelope, addr, at - addr + 1), ==, 0);
  g_assert_true (g_str_is_ascii (strchr (envelope, '@') + 1));
  g_assert_true (sc_address_needs_smtputf8 (addr) == !g_str_is_ascii (envelope));
  g_assert_true (sc_address_validate (envelope, NULL));

  again = sc_address_to_envelope (envelope);
  g_assert_cmpstr (again, ==, envelope);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *entry = g_strndup ((const char *) data, size);
  g_autofree char *name = NULL;
  g_autofree char *addr = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) list = NULL;

  sc_fuzz_setup ();

  if (sc_address_parse (entry, &name, &addr, &error))
    {
      g_assert_no_error (error);
      check_addr (addr);
      g_assert_true (name == NULL || (*name != '\0' && g_utf8_validate (name, -1, NULL)));
      g_assert_true (sc_address_validate (entry, NULL));
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == SC_MESSAGE_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_false (sc_address_validate (entry, NULL));
    }
  g_clear_error (&error);

  list = sc_address_list_parse (entry, &error);
  if (list != NULL)
    {
      g_assert_no_error (error);
      for (guint i = 0; list[i] != NULL; i++)
        {
          g_autofree char *item_addr = NULL;

          /* Each entry is one address on its own. */
          g_assert_true (sc_address_parse (list[i], NULL, &item_addr, NULL));
          check_addr (item_addr);
        }
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  return 0;
}

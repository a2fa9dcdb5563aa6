/* sc-address.c — what an e-mail address is, in one place (GMime's InternetAddress)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-address"

#include "config.h"

#include "sc-address.h"

#include <glib/gi18n.h>
#include <gmime/gmime.h>
#include <string.h>

#include "sc-error.h"
#include "sc-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)

/**
 * sc_address_validate:
 * @address: an e-mail address
 * @error: return location for a #GError
 *
 * Accepts a single plain addr-spec ("user@example.com"): one @, a non-empty local part and
 * domain, no spaces or control characters, no display name or group.
 *
 * Returns: %TRUE if @address is such an address
 */
gboolean
sc_address_validate (const char  *address,
                     GError     **error)
{
  g_autoptr(InternetAddressList) list = NULL;
  InternetAddress *item;
  const char *at;
  const char *domain;

  _sc_ensure_gmime ();

  if (address == NULL || *address == '\0')
    {
      /* Translators: what is wrong with an e-mail address; shown on its own next to an
       * address field, or after "The sender address" / "The recipient address". */
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS, _("is empty"));
      return FALSE;
    }

  if (sc_text_has_line_break (address))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_HEADER,
                   /* Translators: what is wrong with an e-mail address, see "is empty". */
                   _("must not contain a line break"));
      return FALSE;
    }

  if (!g_utf8_validate (address, -1, NULL))
    {
      /* Translators: what is wrong with an e-mail address, see "is empty". */
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS, _("is not valid UTF-8"));
      return FALSE;
    }

  for (const unsigned char *p = (const unsigned char *) address; *p != '\0'; p++)
    {
      if (*p <= 0x20 || *p == 0x7f)
        {
          g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                       /* Translators: %s is the address; may follow "The sender address". */
                       _("\"%s\" must not contain spaces or control characters"), address);
          return FALSE;
        }
    }

  /* Non-ASCII addresses need SMTPUTF8, which we do not speak; a domain can be written in its
   * ASCII (xn--) form. */
  if (!g_str_is_ascii (address))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   /* Translators: %s is the address; may follow "The sender address".
                    * "xn--" is the ASCII (punycode) prefix of a domain: keep it. */
                   _("\"%s\" has non-ASCII letters; only plain ASCII addresses are supported "
                     "(write an international domain in its xn-- form)"), address);
      return FALSE;
    }

  at = strchr (address, '@');
  if (at == NULL || strchr (at + 1, '@') != NULL)
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   /* Translators: %s is the address; may follow "The sender address". */
                   _("\"%s\" is not an e-mail address (it needs exactly one @)"), address);
      return FALSE;
    }

  domain = at + 1;
  if (at == address || *domain == '\0' || address[0] == '.' || at[-1] == '.' ||
      domain[0] == '.' || domain[strlen (domain) - 1] == '.' || strstr (address, "..") != NULL)
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   /* Translators: %s is the address; may follow "The sender address". */
                   _("\"%s\" is not an e-mail address (like name@example.com)"), address);
      return FALSE;
    }

  list = internet_address_list_parse (NULL, address);
  if (list == NULL || internet_address_list_length (list) != 1 ||
      !INTERNET_ADDRESS_IS_MAILBOX ((item = internet_address_list_get_address (list, 0))) ||
      (internet_address_get_name (item) != NULL && *internet_address_get_name (item) != '\0') ||
      (g_strcmp0 (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (item)),
                  address) != 0 &&
       g_strcmp0 (internet_address_mailbox_get_idn_addr (INTERNET_ADDRESS_MAILBOX (item)),
                  address) != 0))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   /* Translators: %s is the address; may follow "The sender address". */
                   _("\"%s\" is not a plain e-mail address (like name@example.com)"),
                   address);
      return FALSE;
    }

  return TRUE;
}

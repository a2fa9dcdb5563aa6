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

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Whether GMime (libidn2, IDNA 2008) takes @ascii_domain, GLib's form of the domain for the
 * envelope, for the same domain: "xn--e0i" (U+2A5A) or "xn--e1ax--e1j" (a label ending in
 * "-") are punycode to GLib but no domain to libidn2, which would leave them in Unicode in
 * the headers. */
static gboolean
ascii_domain_is_idna (const char *ascii_domain)
{
  g_autofree char *addr = g_strconcat ("x@", ascii_domain, NULL);
  InternetAddress *mailbox = internet_address_mailbox_new (NULL, addr);
  gboolean same = g_ascii_strcasecmp (
    internet_address_mailbox_get_idn_addr (INTERNET_ADDRESS_MAILBOX (mailbox)), addr) == 0;

  g_object_unref (mailbox);
  return same;
}

/* The checks of a bare addr-spec; @entry is what the user wrote, named in the errors. */
static gboolean
check_addr_spec (const char  *addr,
                 const char  *entry,
                 GError     **error)
{
  g_autofree char *ascii_domain = NULL;
  const char *at;
  const char *domain;

  for (const unsigned char *p = (const unsigned char *) addr; *p != '\0'; p++)
    {
      if (*p <= 0x20 || *p == 0x7f)
        {
          g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                       /* Translators: %s is the address; may follow "The sender address". */
                       _("\"%s\" must not contain spaces or control characters"), entry);
          return FALSE;
        }
    }

  at = strchr (addr, '@');
  if (at == NULL || strchr (at + 1, '@') != NULL)
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   /* Translators: %s is the address; may follow "The sender address". */
                   _("\"%s\" is not an e-mail address (it needs exactly one @)"), entry);
      return FALSE;
    }

  domain = at + 1;
  /* Specials (RFC 5322) have no place in a plain addr-spec: none of them reaches an SMTP
   * command, where "<" or ">" could end the path. */
  if (strpbrk (addr, "<>()[]\\,;:\"") != NULL ||
      at == addr || *domain == '\0' || addr[0] == '.' || at[-1] == '.' ||
      domain[0] == '.' || domain[strlen (domain) - 1] == '.' || strstr (addr, "..") != NULL ||
      (ascii_domain = g_hostname_to_ascii (domain)) == NULL ||
      !ascii_domain_is_idna (ascii_domain))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   /* Translators: %s is the address; may follow "The sender address". */
                   _("\"%s\" is not an e-mail address (like name@example.com)"), entry);
      return FALSE;
    }

  /* RFC 5321 §4.5.3.1.1: a server may refuse a longer local part, and many do, after the
   * message was written: say it before anything is sent. */
  if (at - addr > 64)
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   /* Translators: %s is the address; may follow "The sender address". The
                    * local part is what comes before the @; an octet is a byte. */
                   _("\"%s\" is not a valid e-mail address: the part before the @ is longer "
                     "than 64 octets"), entry);
      return FALSE;
    }

  return TRUE;
}

/* Where @text has a list separator (',' or ';') outside quotes, comments and <>, or NULL. */
static const char *
find_separator (const char *text)
{
  gboolean quoted = FALSE;
  int comment = 0;
  gboolean angle = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\\' && (quoted || comment > 0) && p[1] != '\0')
        p++;
      else if (*p == '"' && comment == 0)
        quoted = !quoted;
      else if (quoted)
        continue;
      else if (*p == '(')
        comment++;
      else if (*p == ')' && comment > 0)
        comment--;
      else if (comment > 0)
        continue;
      else if (*p == '<')
        angle = TRUE;
      else if (*p == '>')
        angle = FALSE;
      else if (!angle && (*p == ',' || *p == ';'))
        return p;
    }

  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_address_parse:
 * @entry: one address, as a user writes it
 * @out_name: (out) (optional) (nullable): the display name, or %NULL when there is none
 * @out_addr: (out) (optional): the bare addr-spec
 * @error: return location for a #GError
 *
 * Accepts one mailbox: a bare addr-spec ("user@example.com") or a name-addr
 * ("Мария Иванова <maria@example.test>", the name possibly quoted). The domain may be an
 * international one (user@пример.рф), and the local part may have non-ASCII letters, which
 * need a server with SMTPUTF8 (see sc_address_needs_smtputf8()). Lists, groups and anything
 * GMime would have to guess at are refused, with @entry named as text in the error.
 *
 * Returns: %TRUE if @entry is such an address
 */
gboolean
sc_address_parse (const char  *entry,
                  char       **out_name,
                  char       **out_addr,
                  GError     **error)
{
  g_autoptr(InternetAddressList) list = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *addr = NULL;
  InternetAddress *item = NULL;
  const char *name;
  gsize len;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _sc_ensure_gmime ();

  if (entry == NULL || *entry == '\0')
    {
      /* Translators: what is wrong with an e-mail address; shown on its own next to an
       * address field, or after "The sender address" / "The recipient address". */
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS, _("is empty"));
      return FALSE;
    }

  if (sc_text_has_line_break (entry))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_HEADER,
                   /* Translators: what is wrong with an e-mail address, see "is empty". */
                   _("must not contain a line break"));
      return FALSE;
    }

  if (!g_utf8_validate (entry, -1, NULL))
    {
      /* Translators: what is wrong with an e-mail address, see "is empty". */
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS, _("is not valid UTF-8"));
      return FALSE;
    }

  trimmed = g_strstrip (g_strdup (entry));
  len = strlen (trimmed);

  if (len > 0 && trimmed[len - 1] == '>')
    {
      /* name-addr: the addr-spec is what the last <…> holds. */
      const char *open = strrchr (trimmed, '<');

      if (open == NULL)
        {
          g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                       /* Translators: %s is the address; may follow "The sender address". */
                       _("\"%s\" is not an e-mail address (like name@example.com)"), entry);
          return FALSE;
        }
      addr = g_strndup (open + 1, trimmed + len - 1 - (open + 1));
    }
  else
    {
      addr = g_strdup (trimmed);
    }

  if (!check_addr_spec (addr, entry, error))
    return FALSE;

  /* GMime decodes the display name (quotes, encoded words) and must agree on the address. */
  list = internet_address_list_parse (NULL, trimmed);
  if (list == NULL || internet_address_list_length (list) != 1 ||
      !INTERNET_ADDRESS_IS_MAILBOX ((item = internet_address_list_get_address (list, 0))) ||
      (g_strcmp0 (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (item)),
                  addr) != 0 &&
       g_strcmp0 (internet_address_mailbox_get_idn_addr (INTERNET_ADDRESS_MAILBOX (item)),
                  addr) != 0) ||
      (g_str_equal (addr, trimmed) && internet_address_get_name (item) != NULL &&
       *internet_address_get_name (item) != '\0'))
    {
      g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_ADDRESS,
                   /* Translators: %s is the address; may follow "The sender address". */
                   _("\"%s\" is not one e-mail address (like Name <name@example.com>)"),
                   entry);
      return FALSE;
    }

  name = internet_address_get_name (item);

  if (out_name != NULL)
    *out_name = name != NULL && *name != '\0' ? g_strdup (name) : NULL;
  if (out_addr != NULL)
    *out_addr = g_steal_pointer (&addr);

  return TRUE;
}

/**
 * sc_address_validate:
 * @address: one address, as a user writes it
 * @error: return location for a #GError
 *
 * Checks @address as sc_address_parse() does.
 *
 * Returns: %TRUE if @address is one e-mail address
 */
gboolean
sc_address_validate (const char  *address,
                     GError     **error)
{
  return sc_address_parse (address, NULL, NULL, error);
}

/**
 * sc_address_list_parse:
 * @text: addresses separated by "," or ";", as pasted
 * @error: return location for a #GError
 *
 * Splits @text into its entries ("a, b; c"), trims them and checks each one with
 * sc_address_parse(). Empty entries (",," or a trailing separator) are skipped. A "," inside a
 * quoted display name does not split it.
 *
 * Returns: (transfer full): the entries, possibly none, or %NULL with @error naming the entry
 *   that is not an address
 */
GStrv
sc_address_list_parse (const char  *text,
                       GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  while (p != NULL)
    {
      const char *end = find_separator (p);
      g_autofree char *entry = NULL;

      entry = end != NULL ? g_strndup (p, end - p) : g_strdup (p);
      g_strstrip (entry);

      if (*entry != '\0')
        {
          if (!sc_address_validate (entry, error))
            return NULL;
          g_strv_builder_add (builder, entry);
        }

      p = end != NULL ? end + 1 : NULL;
    }

  return g_strv_builder_end (builder);
}

/**
 * sc_address_to_envelope:
 * @addr: a bare addr-spec accepted by sc_address_parse()
 *
 * The form of @addr for MAIL FROM and RCPT TO: the domain in ASCII (punycode, "xn--").
 *
 * Returns: (transfer full): the envelope address
 */
char *
sc_address_to_envelope (const char *addr)
{
  const char *at;
  g_autofree char *domain = NULL;

  g_return_val_if_fail (addr != NULL, NULL);

  at = strrchr (addr, '@');
  if (at == NULL || (domain = g_hostname_to_ascii (at + 1)) == NULL)
    return g_strdup (addr);

  return g_strdup_printf ("%.*s@%s", (int) (at - addr), addr, domain);
}

/**
 * sc_address_needs_smtputf8:
 * @addr: a bare addr-spec accepted by sc_address_parse()
 *
 * Whether sending to or from @addr needs a server that offers SMTPUTF8 (RFC 6531): its local
 * part has non-ASCII letters. A Unicode domain does not, it goes out as punycode.
 *
 * Returns: %TRUE if @addr needs SMTPUTF8
 */
gboolean
sc_address_needs_smtputf8 (const char *addr)
{
  g_autofree char *envelope = NULL;

  g_return_val_if_fail (addr != NULL, FALSE);

  envelope = sc_address_to_envelope (addr);

  return !g_str_is_ascii (envelope);
}

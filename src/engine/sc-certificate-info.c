/* sc-certificate-info.c — what a server's TLS certificate says, for people to judge it
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-certificate-info"

#include "config.h"

#include "sc-certificate-info.h"

#include <gio/gio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define SHA256_LEN 32

struct _ScCertificateInfo
{
  gatomicrefcount  ref_count;
  char            *subject;
  char            *issuer;
  GDateTime       *not_before;
  GDateTime       *not_after;
  char            *fingerprint;
  GStrv            names;
  char            *problem;
};

G_DEFINE_BOXED_TYPE (ScCertificateInfo, sc_certificate_info,
                     sc_certificate_info_ref, sc_certificate_info_unref)

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* The RFC 4514 form of the subject (@issuer FALSE) or issuer DN; "" when it cannot be read. */
static char *
get_dn (gnutls_x509_crt_t crt,
        gboolean          issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *ret;
  int err;

  err = issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0)
               : gnutls_x509_crt_get_dn3 (crt, &dn, 0);
  if (err < 0 || dn.data == NULL)
    return g_strdup ("");

  ret = g_utf8_make_valid ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);

  return ret;
}

static GDateTime *
time_or_null (time_t t)
{
  return t == (time_t) -1 ? NULL : g_date_time_new_from_unix_utc (t);
}

/* The subjectAltName DNS names and IP addresses; when there are none, the common names. */
static GStrv
get_names (gnutls_x509_crt_t crt)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  for (unsigned int seq = 0; ; seq++)
    {
      char buffer[1024];
      size_t size = sizeof buffer - 1;
      int type = gnutls_x509_crt_get_subject_alt_name (crt, seq, buffer, &size, NULL);

      if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (type == GNUTLS_E_SHORT_MEMORY_BUFFER)
        continue;
      if (type < 0)
        break;

      if (type == GNUTLS_SAN_DNSNAME)
        {
          g_autofree char *name = g_utf8_make_valid (buffer, size);

          g_strv_builder_add (builder, name);
          any = TRUE;
        }
      else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
        {
          g_autoptr(GInetAddress) address = NULL;

          g_autofree char *name = NULL;

          address = g_inet_address_new_from_bytes ((const guint8 *) buffer,
                                                   size == 4 ? G_SOCKET_FAMILY_IPV4
                                                             : G_SOCKET_FAMILY_IPV6);
          name = g_inet_address_to_string (address);
          g_strv_builder_add (builder, name);
          any = TRUE;
        }
    }

  if (!any)
    {
      for (unsigned int i = 0; ; i++)
        {
          char buffer[1024];
          size_t size = sizeof buffer - 1;
          g_autofree char *name = NULL;

          if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, i, 0, buffer,
                                             &size) < 0)
            break;
          name = g_utf8_make_valid (buffer, size);
          g_strv_builder_add (builder, name);
        }
    }

  return g_strv_builder_end (builder);
}

static void
sc_certificate_info_free (ScCertificateInfo *self)
{
  g_free (self->subject);
  g_free (self->issuer);
  g_clear_pointer (&self->not_before, g_date_time_unref);
  g_clear_pointer (&self->not_after, g_date_time_unref);
  g_free (self->fingerprint);
  g_strfreev (self->names);
  g_free (self->problem);
  g_free (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * _sc_certificate_info_new:
 * @der: the certificate, DER-encoded
 * @der_len: its length
 * @problem: (nullable): why it was not trusted, in words; %NULL when it was
 *
 * Returns: (transfer full): what the certificate says; the fingerprint is always there, the
 *   rest is empty when the certificate cannot be parsed
 */
ScCertificateInfo *
_sc_certificate_info_new (const void *der,
                          gsize       der_len,
                          const char *problem)
{
  ScCertificateInfo *self = g_new0 (ScCertificateInfo, 1);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[SHA256_LEN];
  gsize digest_len = sizeof digest;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum = { (unsigned char *) der, (unsigned int) der_len };
  GString *str;

  g_return_val_if_fail (der != NULL, NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->problem = g_strdup (problem);

  g_checksum_update (checksum, der, der_len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  str = g_string_sized_new (digest_len * 3);
  for (gsize i = 0; i < digest_len; i++)
    g_string_append_printf (str, "%s%02X", i > 0 ? ":" : "", digest[i]);
  self->fingerprint = g_string_free (str, FALSE);

  if (gnutls_x509_crt_init (&crt) < 0 ||
      gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER) < 0)
    {
      g_debug ("Could not parse the server certificate");
      self->subject = g_strdup ("");
      self->issuer = g_strdup ("");
      self->names = g_new0 (char *, 1);
    }
  else
    {
      self->subject = get_dn (crt, FALSE);
      self->issuer = get_dn (crt, TRUE);
      self->not_before = time_or_null (gnutls_x509_crt_get_activation_time (crt));
      self->not_after = time_or_null (gnutls_x509_crt_get_expiration_time (crt));
      self->names = get_names (crt);
    }
  g_clear_pointer (&crt, gnutls_x509_crt_deinit);

  return self;
}

/* Only before the info is handed out: it is immutable once shared. */
void
_sc_certificate_info_set_problem (ScCertificateInfo *self,
                                  const char        *problem)
{
  g_return_if_fail (self != NULL);

  g_free (self->problem);
  self->problem = g_strdup (problem);
}

ScCertificateInfo *
sc_certificate_info_ref (ScCertificateInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
sc_certificate_info_unref (ScCertificateInfo *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    sc_certificate_info_free (self);
}

/**
 * sc_certificate_info_get_subject:
 * @self: a #ScCertificateInfo
 *
 * Returns: the subject's distinguished name as RFC 4514 text, e.g. "CN=localhost,O=…"
 */
const char *
sc_certificate_info_get_subject (ScCertificateInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->subject;
}

/**
 * sc_certificate_info_get_issuer:
 * @self: a #ScCertificateInfo
 *
 * Returns: the issuer's distinguished name as RFC 4514 text (the subject's when self-signed)
 */
const char *
sc_certificate_info_get_issuer (ScCertificateInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->issuer;
}

/**
 * sc_certificate_info_get_not_before:
 * @self: a #ScCertificateInfo
 *
 * Returns: (transfer none) (nullable): when the certificate becomes valid, in UTC
 */
GDateTime *
sc_certificate_info_get_not_before (ScCertificateInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->not_before;
}

/**
 * sc_certificate_info_get_not_after:
 * @self: a #ScCertificateInfo
 *
 * Returns: (transfer none) (nullable): when the certificate expires, in UTC
 */
GDateTime *
sc_certificate_info_get_not_after (ScCertificateInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->not_after;
}

/**
 * sc_certificate_info_get_fingerprint:
 * @self: a #ScCertificateInfo
 *
 * Returns: the SHA-256 of the DER certificate, "AB:01:…" (32 upper-case hex pairs)
 */
const char *
sc_certificate_info_get_fingerprint (ScCertificateInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->fingerprint;
}

/**
 * sc_certificate_info_get_names:
 * @self: a #ScCertificateInfo
 *
 * Returns: (transfer none): the DNS names and IP addresses of its subjectAltName, or its
 *   common names when it has none; possibly empty
 */
const char * const *
sc_certificate_info_get_names (ScCertificateInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->names;
}

/**
 * sc_certificate_info_get_problem:
 * @self: a #ScCertificateInfo
 *
 * Returns: (nullable): why the certificate was not trusted, as clauses such as "it is
 *   self-signed, it has expired"; %NULL when it was trusted (also by its pinned fingerprint)
 */
const char *
sc_certificate_info_get_problem (ScCertificateInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->problem;
}

/**
 * sc_certificate_fingerprint_normalize:
 * @text: (nullable): a fingerprint as a user may write it
 *
 * Returns: (transfer full) (nullable): "AB:01:…" when @text is 64 hexadecimal digits, in
 *   either case, with or without ':' or spaces between the pairs; %NULL otherwise
 */
char *
sc_certificate_fingerprint_normalize (const char *text)
{
  g_autoptr(GString) hex = g_string_sized_new (SHA256_LEN * 2);
  GString *out;

  if (text == NULL)
    return NULL;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        {
          /* Separators only between pairs */
          if (hex->len % 2 == 1 && p > text && !g_ascii_isxdigit (p[-1]))
            return NULL;
          g_string_append_c (hex, g_ascii_toupper (*p));
        }
      else if ((*p != ':' && *p != ' ') || hex->len % 2 == 1)
        {
          return NULL;
        }
    }

  if (hex->len != SHA256_LEN * 2)
    return NULL;

  out = g_string_sized_new (SHA256_LEN * 3);
  for (gsize i = 0; i < hex->len; i += 2)
    g_string_append_printf (out, "%s%c%c", i > 0 ? ":" : "", hex->str[i], hex->str[i + 1]);

  return g_string_free (out, FALSE);
}

/**
 * sc_certificate_fingerprint_equal:
 * @a: (nullable): a SHA-256 fingerprint
 * @b: (nullable): another
 *
 * Returns: %TRUE when both are valid fingerprints (see sc_certificate_fingerprint_normalize ())
 *   of the same digest, whatever their case and separators
 */
gboolean
sc_certificate_fingerprint_equal (const char *a,
                                  const char *b)
{
  g_autofree char *norm_a = sc_certificate_fingerprint_normalize (a);
  g_autofree char *norm_b = sc_certificate_fingerprint_normalize (b);

  return norm_a != NULL && norm_b != NULL && strcmp (norm_a, norm_b) == 0;
}

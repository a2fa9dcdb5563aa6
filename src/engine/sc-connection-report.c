/* sc-connection-report.c — what Test Connection found out about a server
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-connection-report"

#include "config.h"

#include "sc-connection-report.h"

struct _ScConnectionReport
{
  gatomicrefcount    ref_count;
  char              *greeting;
  char              *tls_version;
  char              *cipher;
  ScCertificateInfo *certificate;
  GStrv              extensions;
  guint64            size_limit;
  GStrv              auth_mechanisms;
  gboolean           login_ok;
};

G_DEFINE_BOXED_TYPE (ScConnectionReport, sc_connection_report,
                     sc_connection_report_ref, sc_connection_report_unref)

static GStrv
copy_strv (const char * const *strv)
{
  return strv != NULL ? g_strdupv ((char **) strv) : g_new0 (char *, 1);
}

ScConnectionReport *
_sc_connection_report_new (const char         *greeting,
                           const char         *tls_version,
                           const char         *cipher,
                           ScCertificateInfo  *certificate,
                           const char * const *extensions,
                           guint64             size_limit,
                           const char * const *auth_mechanisms,
                           gboolean            login_ok)
{
  ScConnectionReport *self = g_new0 (ScConnectionReport, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->greeting = g_strdup (greeting != NULL ? greeting : "");
  self->tls_version = g_strdup (tls_version);
  self->cipher = g_strdup (cipher);
  self->certificate = certificate != NULL ? sc_certificate_info_ref (certificate) : NULL;
  self->extensions = copy_strv (extensions);
  self->size_limit = size_limit;
  self->auth_mechanisms = copy_strv (auth_mechanisms);
  self->login_ok = login_ok;

  return self;
}

ScConnectionReport *
sc_connection_report_ref (ScConnectionReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
sc_connection_report_unref (ScConnectionReport *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->greeting);
  g_free (self->tls_version);
  g_free (self->cipher);
  g_clear_pointer (&self->certificate, sc_certificate_info_unref);
  g_strfreev (self->extensions);
  g_strfreev (self->auth_mechanisms);
  g_free (self);
}

/**
 * sc_connection_report_get_greeting:
 * @self: a #ScConnectionReport
 *
 * Returns: the server's greeting, e.g. "220 mail.example.com ESMTP Postfix"
 */
const char *
sc_connection_report_get_greeting (ScConnectionReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->greeting;
}

/**
 * sc_connection_report_get_tls_version:
 * @self: a #ScConnectionReport
 *
 * Returns: (nullable): the TLS version, e.g. "TLS 1.3"; %NULL without TLS
 */
const char *
sc_connection_report_get_tls_version (ScConnectionReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->tls_version;
}

/**
 * sc_connection_report_get_cipher:
 * @self: a #ScConnectionReport
 *
 * Returns: (nullable): the cipher, e.g. "AES-256-GCM"; %NULL without TLS
 */
const char *
sc_connection_report_get_cipher (ScConnectionReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->cipher;
}

/**
 * sc_connection_report_get_certificate:
 * @self: a #ScConnectionReport
 *
 * Returns: (transfer none) (nullable): the server's certificate; %NULL without TLS
 */
ScCertificateInfo *
sc_connection_report_get_certificate (ScConnectionReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->certificate;
}

/**
 * sc_connection_report_get_extensions:
 * @self: a #ScConnectionReport
 *
 * Returns: (transfer none): the EHLO extension lines as the server sent them (after TLS),
 *   e.g. "SIZE 10240000"; empty for a server that only knows HELO
 */
const char * const *
sc_connection_report_get_extensions (ScConnectionReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->extensions;
}

/**
 * sc_connection_report_get_size_limit:
 * @self: a #ScConnectionReport
 *
 * Returns: the largest message the server accepts, in bytes; 0 when it states no limit
 */
guint64
sc_connection_report_get_size_limit (ScConnectionReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->size_limit;
}

/**
 * sc_connection_report_get_auth_mechanisms:
 * @self: a #ScConnectionReport
 *
 * Returns: (transfer none): the SASL mechanisms offered, upper-case, e.g. "PLAIN"; possibly
 *   empty
 */
const char * const *
sc_connection_report_get_auth_mechanisms (ScConnectionReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->auth_mechanisms;
}

/**
 * sc_connection_report_get_login_ok:
 * @self: a #ScConnectionReport
 *
 * Returns: %TRUE when the server accepted the login and password; %FALSE when no login is set
 *   (a refused login fails the test with %SC_SMTP_ERROR_AUTH_FAILED instead)
 */
gboolean
sc_connection_report_get_login_ok (ScConnectionReport *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->login_ok;
}

/* sc-connection-report.h — what Test Connection found out about a server
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "sc-certificate-info.h"

G_BEGIN_DECLS

#define SC_TYPE_CONNECTION_REPORT (sc_connection_report_get_type ())

typedef struct _ScConnectionReport ScConnectionReport;

GType               sc_connection_report_get_type        (void) G_GNUC_CONST;
ScConnectionReport *sc_connection_report_ref             (ScConnectionReport *self);
void                sc_connection_report_unref           (ScConnectionReport *self);

/* The server's greeting, e.g. "220 mail.example.com ESMTP Postfix" */
const char         *sc_connection_report_get_greeting    (ScConnectionReport *self);
/* e.g. "TLS 1.3", and "AES-256-GCM" (NULL for both without TLS) */
const char         *sc_connection_report_get_tls_version (ScConnectionReport *self);
const char         *sc_connection_report_get_cipher      (ScConnectionReport *self);
/* (nullable): the server's certificate (NULL without TLS) */
ScCertificateInfo  *sc_connection_report_get_certificate (ScConnectionReport *self);
/* The EHLO extensions as the server listed them after TLS, e.g. "PIPELINING", "SIZE 10240000" */
const char * const *sc_connection_report_get_extensions  (ScConnectionReport *self);
/* The SIZE limit in bytes; 0 when the server states none */
guint64             sc_connection_report_get_size_limit  (ScConnectionReport *self);
/* The AUTH mechanisms offered, e.g. "PLAIN", "LOGIN" */
const char * const *sc_connection_report_get_auth_mechanisms (ScConnectionReport *self);
/* Whether the login and password were accepted (a refused login is an error instead) */
gboolean            sc_connection_report_get_login_ok    (ScConnectionReport *self);

/* < private > for the session that makes it; takes nothing, copies everything */
ScConnectionReport *_sc_connection_report_new            (const char         *greeting,
                                                          const char         *tls_version,
                                                          const char         *cipher,
                                                          ScCertificateInfo  *certificate,
                                                          const char * const *extensions,
                                                          guint64             size_limit,
                                                          const char * const *auth_mechanisms,
                                                          gboolean            login_ok);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScConnectionReport, sc_connection_report_unref)

G_END_DECLS

/* sc-certificate-info.h — what a server's TLS certificate says, for people to judge it
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SC_TYPE_CERTIFICATE_INFO (sc_certificate_info_get_type ())

typedef struct _ScCertificateInfo ScCertificateInfo;

GType               sc_certificate_info_get_type        (void) G_GNUC_CONST;
ScCertificateInfo  *sc_certificate_info_ref             (ScCertificateInfo *self);
void                sc_certificate_info_unref           (ScCertificateInfo *self);

/* The subject and issuer distinguished names, as RFC 4514 text ("CN=mail.example.com,O=…") */
const char         *sc_certificate_info_get_subject     (ScCertificateInfo *self);
const char         *sc_certificate_info_get_issuer      (ScCertificateInfo *self);
GDateTime          *sc_certificate_info_get_not_before  (ScCertificateInfo *self);
GDateTime          *sc_certificate_info_get_not_after   (ScCertificateInfo *self);
/* SHA-256 of the DER certificate, as upper-case hex pairs joined by ':' (the form
 * "tls_fingerprint" in config.json takes; sc_certificate_fingerprint_equal () compares) */
const char         *sc_certificate_info_get_fingerprint (ScCertificateInfo *self);
/* The DNS names and IP addresses the certificate is valid for (subjectAltName, else CN) */
const char * const *sc_certificate_info_get_names       (ScCertificateInfo *self);
/* Why it was not trusted, in words (NULL when it was); e.g. "it is self-signed" */
const char         *sc_certificate_info_get_problem     (ScCertificateInfo *self);

gboolean            sc_certificate_fingerprint_equal    (const char        *a,
                                                         const char        *b);
/* (nullable): @text as "AA:BB:…" when it is a SHA-256 fingerprint (64 hex digits, in either
 * case, with or without ':' or spaces between pairs), else NULL */
char               *sc_certificate_fingerprint_normalize (const char       *text);

/* < private > for sc-tls-stream.c: @der is the certificate, @problem NULL when it was trusted */
ScCertificateInfo  *_sc_certificate_info_new            (const void        *der,
                                                         gsize              der_len,
                                                         const char        *problem);
void                _sc_certificate_info_set_problem    (ScCertificateInfo *self,
                                                         const char        *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScCertificateInfo, sc_certificate_info_unref)

G_END_DECLS

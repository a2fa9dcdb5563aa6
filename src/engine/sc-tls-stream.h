/* sc-tls-stream.h — a GIOStream that speaks TLS through GnuTLS over another GIOStream
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sc-certificate-info.h"

G_BEGIN_DECLS

#define SC_TYPE_TLS_STREAM (sc_tls_stream_get_type ())
G_DECLARE_FINAL_TYPE (ScTlsStream, sc_tls_stream, SC, TLS_STREAM, GIOStream)

/*
 * Blocking: reads and writes honour their GCancellable, and time out with G_IO_ERROR_TIMED_OUT
 * when the base stream's socket does (g_socket_set_timeout ()). Nothing is ever auto-accepted.
 */

ScTlsStream *sc_tls_stream_new                     (GIOStream     *base_stream,
                                                    const char    *hostname,
                                                    const char    *ca_file,
                                                    GError       **error);
gboolean     sc_tls_stream_handshake               (ScTlsStream   *self,
                                                    GCancellable  *cancellable,
                                                    GError       **error);
char        *sc_tls_stream_get_description         (ScTlsStream   *self);

/* Before the handshake: accept only the certificate with this SHA-256 fingerprint, whatever
 * else is wrong with it ("Trust This Certificate"); NULL: verify as usual. */
void         sc_tls_stream_set_pinned_fingerprint  (ScTlsStream   *self,
                                                    const char    *fingerprint);
/* (nullable) (transfer none): the server's certificate, once the handshake got it, also when
 * it was refused */
ScCertificateInfo *sc_tls_stream_get_peer_certificate (ScTlsStream *self);
/* (nullable) (transfer full): e.g. "TLS 1.3", after the handshake */
char        *sc_tls_stream_get_protocol_version    (ScTlsStream   *self);
/* (nullable): e.g. "AES-256-GCM", after the handshake */
const char  *sc_tls_stream_get_cipher_name         (ScTlsStream   *self);
void         sc_tls_stream_set_read_deadline       (ScTlsStream   *self,
                                                    gint64         deadline);
gboolean     sc_tls_stream_has_pending             (ScTlsStream   *self);
void         sc_tls_stream_set_probe               (ScTlsStream   *self);
gboolean     sc_tls_stream_get_old_protocol        (ScTlsStream   *self,
                                                    char         **out_name);

G_END_DECLS

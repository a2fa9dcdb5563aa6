/* sc-tls-stream.h — a GIOStream that speaks TLS through GnuTLS over another GIOStream
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SC_TYPE_TLS_STREAM (sc_tls_stream_get_type ())
G_DECLARE_FINAL_TYPE (ScTlsStream, sc_tls_stream, SC, TLS_STREAM, GIOStream)

/*
 * All GnuTLS calls of the project live in sc-tls-stream.c. The stream is blocking: reads and
 * writes on its input and output streams honour their GCancellable, and time out when the base
 * stream's socket times out (g_socket_set_timeout ()), with G_IO_ERROR_TIMED_OUT.
 *
 * The handshake verifies the certificate chain against @ca_file (a PEM file) or, when it is NULL,
 * the system trust store, and the certificate's host name against @hostname. A failure is
 * G_TLS_ERROR_BAD_CERTIFICATE with the reason in words
 * (gnutls_certificate_verification_status_print) and the SHA-256 fingerprint of the server
 * certificate; other TLS failures are G_TLS_ERROR_NOT_TLS, _HANDSHAKE or _MISC, and a failure of
 * the connection underneath keeps its G_IO_ERROR. Nothing is ever auto-accepted.
 */

ScTlsStream *sc_tls_stream_new                     (GIOStream     *base_stream,
                                                    const char    *hostname,
                                                    const char    *ca_file,
                                                    GError       **error);
gboolean     sc_tls_stream_handshake               (ScTlsStream   *self,
                                                    GCancellable  *cancellable,
                                                    GError       **error);
char        *sc_tls_stream_get_description         (ScTlsStream   *self);

G_END_DECLS

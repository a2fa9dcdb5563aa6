/* sc-smtp-session.h — one SMTP (RFC 5321) client session over TLS
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sc-certificate-info.h"
#include "sc-connection-report.h"
#include "sc-message.h"
#include "sc-send-result.h"
#include "sc-settings.h"

G_BEGIN_DECLS

#define SC_TYPE_SMTP_SESSION (sc_smtp_session_get_type ())
G_DECLARE_FINAL_TYPE (ScSmtpSession, sc_smtp_session, SC, SMTP_SESSION, GObject)

/* Signals: "progress" and "transcript", see sc-smtp-session.c. */

ScSmtpSession *sc_smtp_session_new                  (ScSettings            *settings);

ScSendResult  *sc_smtp_session_send_sync            (ScSmtpSession         *self,
                                                     ScMessage             *message,
                                                     GCancellable          *cancellable,
                                                     GError               **error);
void           sc_smtp_session_send_async           (ScSmtpSession         *self,
                                                     ScMessage             *message,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
ScSendResult  *sc_smtp_session_send_finish          (ScSmtpSession         *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);

/* Test Connection: connect, TLS, EHLO, AUTH (when a login is set), QUIT; sends nothing. */
ScConnectionReport *sc_smtp_session_test_connection_sync   (ScSmtpSession       *self,
                                                           GCancellable        *cancellable,
                                                           GError             **error);
void                sc_smtp_session_test_connection_async  (ScSmtpSession       *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
ScConnectionReport *sc_smtp_session_test_connection_finish (ScSmtpSession       *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* (nullable) (transfer none): the certificate the server presented in the last send or test,
 * also when it was refused (G_TLS_ERROR_BAD_CERTIFICATE): for "Trust This Certificate". */
ScCertificateInfo  *sc_smtp_session_get_peer_certificate   (ScSmtpSession       *self);

G_END_DECLS

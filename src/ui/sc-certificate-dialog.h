/* sc-certificate-dialog.h — a server's certificate, for the user to trust or not
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sc-certificate-info.h"
#include "sc-settings.h"

G_BEGIN_DECLS

#define SC_TYPE_CERTIFICATE_DIALOG (sc_certificate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScCertificateDialog, sc_certificate_dialog, SC, CERTIFICATE_DIALOG,
                      AdwMessageDialog)

/* Shows @info (subject, issuer, validity, SHA-256 fingerprint, and the fingerprint trusted
 * before when it differs). Responses "cancel" and "trust"; "trust" sets @settings'
 * "tls-fingerprint" to the certificate's (save the settings to keep it). */
GtkWidget *sc_certificate_dialog_new (GtkWindow         *parent,
                                      ScCertificateInfo *info,
                                      ScSettings        *settings);

/* < private > a certificate's validity date, as both dialogs show it */
char      *_sc_certificate_format_date (GDateTime       *date);

G_END_DECLS

/* sc-account-dialog.h — the account: provider presets, server, login, Test Connection
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sc-error-hint.h"
#include "sc-settings.h"

G_BEGIN_DECLS

#define SC_TYPE_ACCOUNT_DIALOG (sc_account_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScAccountDialog, sc_account_dialog, SC, ACCOUNT_DIALOG, AdwPreferencesWindow)

/* Edits @settings in place (bound, like the window's fields). "setup": the first-run look,
 * "Set up your account", presets first. */
ScAccountDialog *sc_account_dialog_new        (GtkWindow       *parent,
                                               ScSettings      *settings,
                                               gboolean         setup);
/* Marks @field (an account field: host, port, security, CA file, login, password, time-out)
 * as the one at fault, shows @hint beside it, and focuses it. */
void             sc_account_dialog_show_field (ScAccountDialog *self,
                                               ScField          field,
                                               const char      *hint);

G_END_DECLS

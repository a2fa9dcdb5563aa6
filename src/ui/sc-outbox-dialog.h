/* sc-outbox-dialog.h — the messages kept to be sent again, and the history of sends
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sc-outbox.h"
#include "sc-settings.h"

G_BEGIN_DECLS

#define SC_TYPE_OUTBOX_DIALOG (sc_outbox_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScOutboxDialog, sc_outbox_dialog, SC, OUTBOX_DIALOG, AdwPreferencesWindow)

/* Lists @outbox on a worker; Send Again uses the account of @settings as it is then. */
ScOutboxDialog *sc_outbox_dialog_new (GtkWindow  *parent,
                                      ScOutbox   *outbox,
                                      ScSettings *settings);

G_END_DECLS

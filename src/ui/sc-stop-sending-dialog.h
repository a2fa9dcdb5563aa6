/* sc-stop-sending-dialog.h — the "Stop Sending?" question, when the window closes during a
 * send
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SC_TYPE_STOP_SENDING_DIALOG (sc_stop_sending_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScStopSendingDialog, sc_stop_sending_dialog, SC, STOP_SENDING_DIALOG,
                      AdwMessageDialog)

GtkWidget   *sc_stop_sending_dialog_new (GtkWindow *parent);

G_END_DECLS

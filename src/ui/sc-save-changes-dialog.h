/* sc-save-changes-dialog.h — the "Save Changes?" question, when the window closes with
 * unsaved changes
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SC_TYPE_SAVE_CHANGES_DIALOG (sc_save_changes_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScSaveChangesDialog, sc_save_changes_dialog, SC, SAVE_CHANGES_DIALOG,
                      AdwMessageDialog)

GtkWidget   *sc_save_changes_dialog_new (GtkWindow *parent);

G_END_DECLS

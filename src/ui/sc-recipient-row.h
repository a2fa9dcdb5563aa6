/* sc-recipient-row.h — one recipient address in the composer window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SC_TYPE_RECIPIENT_ROW (sc_recipient_row_get_type ())
G_DECLARE_FINAL_TYPE (ScRecipientRow, sc_recipient_row, SC, RECIPIENT_ROW, AdwEntryRow)

GtkWidget   *sc_recipient_row_new              (const char      *address);
char        *sc_recipient_row_dup_address      (ScRecipientRow  *self);
gboolean     sc_recipient_row_validate         (ScRecipientRow  *self,
                                                GError         **error);

G_END_DECLS

/* sc-attachment-row.h — one attached file in the composer window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SC_TYPE_ATTACHMENT_ROW (sc_attachment_row_get_type ())
G_DECLARE_FINAL_TYPE (ScAttachmentRow, sc_attachment_row, SC, ATTACHMENT_ROW, AdwActionRow)

GtkWidget   *sc_attachment_row_new             (GFile           *file,
                                                gint64           size,
                                                gboolean         from_folder);
GFile       *sc_attachment_row_get_file        (ScAttachmentRow *self);
gint64       sc_attachment_row_get_size        (ScAttachmentRow *self);
void         sc_attachment_row_set_size        (ScAttachmentRow *self,
                                                gint64           size);
gboolean     sc_attachment_row_get_from_folder (ScAttachmentRow *self);

G_END_DECLS

/* sc-ui-util.h — small helpers shared by the window and its rows
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

char        *_sc_strip_mnemonic             (const char          *label);
void         _sc_entry_row_label_accessible (GtkWidget           *row);
void         _sc_entry_row_set_mnemonic     (GtkWidget           *row);
void         _sc_widget_set_tooltip         (GtkWidget           *widget,
                                             const char          *tooltip);
void         _sc_widget_show_error          (GtkWidget           *widget,
                                             const GError        *error);
gboolean     _sc_transform_string_to_text   (GBinding            *binding,
                                             const GValue        *from,
                                             GValue              *to,
                                             gpointer             user_data);

G_END_DECLS

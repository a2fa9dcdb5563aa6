/* sc-password-buffer.h — a text buffer that keeps a password from accessibility clients
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SC_TYPE_PASSWORD_BUFFER (sc_password_buffer_get_type ())
G_DECLARE_FINAL_TYPE (ScPasswordBuffer, sc_password_buffer, SC, PASSWORD_BUFFER, GtkEntryBuffer)

/*
 * Properties:
 *   "password"  char*     the text typed (the buffer's own "text" is one '●' per character
 *                         while "reveal" is FALSE)
 *   "reveal"    gboolean  whether "text" is the password itself (bind it to the text widget's
 *                         "visibility": shown on screen, it is shown to accessibility too)
 */
/* Gives @row (an AdwPasswordEntryRow) a password buffer; returns it (owned by the row). */
ScPasswordBuffer *sc_password_buffer_attach (GtkWidget *row);

G_END_DECLS

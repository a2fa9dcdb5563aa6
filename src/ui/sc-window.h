/* sc-window.h — the composer window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sc-settings.h"

G_BEGIN_DECLS

#define SC_TYPE_WINDOW (sc_window_get_type ())
G_DECLARE_FINAL_TYPE (ScWindow, sc_window, SC, WINDOW, AdwApplicationWindow)

ScWindow    *sc_window_new                  (GtkApplication *application,
                                             GFile          *settings_dir);
ScSettings  *sc_window_get_settings         (ScWindow       *self);
gboolean     sc_window_get_busy             (ScWindow       *self);
gboolean     sc_window_get_modified         (ScWindow       *self);
const char  *sc_window_get_status_text      (ScWindow       *self);

G_END_DECLS

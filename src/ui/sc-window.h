/* sc-window.h — the composer window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SC_TYPE_WINDOW (sc_window_get_type ())
G_DECLARE_FINAL_TYPE (ScWindow, sc_window, SC, WINDOW, AdwApplicationWindow)

/*
 * Properties (read-only, notify on real change only):
 *   "settings"     ScSettings*  the settings model the window shows and edits
 *   "busy"         gboolean     a send, a save, a load, a listing or a measurement is in flight
 *   "modified"     gboolean     the settings or the message have unsaved changes
 *   "status-text"  char*        what the status bar says
 *   "sent"         gboolean     the message as it is now was sent (cleared by any edit)
 *
 * Actions: win.send (asks first when "sent"), win.save, win.cancel, win.account (the Account
 * dialog), win.add-attachment, win.attach-files (as: URIs), win.remove-attachment (s: URI),
 * win.choose-folder, win.show-help-overlay (the Keyboard Shortcuts window).
 */

ScWindow    *sc_window_new                  (GtkApplication *application,
                                             GFile          *settings_dir);

G_END_DECLS

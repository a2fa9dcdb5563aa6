/* sc-ui-test-utils.h — helpers shared by the window tests and the screenshot maker
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sc-window.h"

G_BEGIN_DECLS

/* How long a wait on the window may take, at the most. */
#define SC_UI_TEST_WAIT_MS 30000

typedef gboolean (*ScUiTestCondition) (gpointer data);

gboolean  sc_ui_test_wait_until     (ScUiTestCondition  condition,
                                     gpointer           data,
                                     guint              timeout_ms);
void      sc_ui_test_spin           (guint              ms);

/* Conditions on an ScWindow. */
gboolean  sc_ui_test_window_idle    (gpointer           window);
gboolean  sc_ui_test_window_mapped  (gpointer           window);
gboolean  sc_ui_test_wait_idle      (ScWindow          *window);

ScWindow *sc_ui_test_open_window    (const char        *dir,
                                     int                width,
                                     int                height);
void      sc_ui_test_close_window   (ScWindow         **window);

char     *sc_ui_test_make_file      (const char        *dir,
                                     const char        *name,
                                     gsize              size);

G_END_DECLS

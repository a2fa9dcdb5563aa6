/* sc-ui-test-utils.h — helpers shared by the window tests and the screenshot maker
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * They see the window as a user or a screen reader does: its properties, its actions and its
 * widget tree (rows by title, buttons by label, widgets by type or accessible role).
 */

#pragma once

#include "sc-window.h"

G_BEGIN_DECLS

/* How long a wait on the window may take, at the most. */
#define SC_UI_TEST_WAIT_MS 30000

typedef gboolean (*ScUiTestCondition) (gpointer data);

gboolean   sc_ui_test_wait_until      (ScUiTestCondition  condition,
                                       gpointer           data,
                                       guint              timeout_ms);
void       sc_ui_test_spin            (guint              ms);

/* Conditions on an ScWindow. */
gboolean   sc_ui_test_window_idle     (gpointer           window);
gboolean   sc_ui_test_window_mapped   (gpointer           window);
gboolean   sc_ui_test_wait_idle       (ScWindow          *window);

ScWindow  *sc_ui_test_open_window     (const char        *dir,
                                       int                width,
                                       int                height);
void       sc_ui_test_close_window    (ScWindow         **window);

/* Finding widgets in the tree under @root (visible ones only). */
GtkWidget *sc_ui_test_find_type       (GtkWidget         *root,
                                       GType              type);
GPtrArray *sc_ui_test_find_all        (GtkWidget         *root,
                                       GType              type);
GtkWidget *sc_ui_test_find_row        (GtkWidget         *root,
                                       const char        *title);
GtkWidget *sc_ui_test_find_button     (GtkWidget         *root,
                                       const char        *label);
GtkWidget *sc_ui_test_find_role       (GtkWidget         *root,
                                       GtkAccessibleRole  role);

/* The window's parts. */
char      *sc_ui_test_get_body        (ScWindow          *window);
void       sc_ui_test_set_body        (ScWindow          *window,
                                       const char        *text);
void       sc_ui_test_attach          (ScWindow          *window,
                                       const char        *path);

char      *sc_ui_test_make_file       (const char        *dir,
                                       const char        *name,
                                       gsize              size);

G_END_DECLS

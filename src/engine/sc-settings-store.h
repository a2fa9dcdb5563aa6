/* sc-settings-store.h — reads and writes the three JSON settings files
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sc-settings.h"

G_BEGIN_DECLS

/* The largest settings file read, in bytes, and the deepest nesting of its JSON. */
#define SC_SETTINGS_MAX_FILE_SIZE (1024 * 1024)
#define SC_SETTINGS_MAX_JSON_DEPTH 32

#define SC_TYPE_SETTINGS_STORE (sc_settings_store_get_type ())
G_DECLARE_FINAL_TYPE (ScSettingsStore, sc_settings_store, SC, SETTINGS_STORE, GObject)

ScSettingsStore *sc_settings_store_new           (GFile            *directory);
ScSettings      *sc_settings_store_get_settings  (ScSettingsStore  *self);

gboolean         sc_settings_store_load          (ScSettingsStore  *self,
                                                  GCancellable     *cancellable,
                                                  GError          **error);
void             sc_settings_store_load_async    (ScSettingsStore  *self,
                                                  GCancellable     *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer          user_data);
void             sc_settings_store_reload_async  (ScSettingsStore  *self,
                                                  GCancellable     *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer          user_data);
gboolean         sc_settings_store_load_finish   (ScSettingsStore  *self,
                                                  GAsyncResult     *result,
                                                  GError          **error);

void             sc_settings_store_save_async    (ScSettingsStore  *self,
                                                  GCancellable     *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer          user_data);
gboolean         sc_settings_store_save_finish   (ScSettingsStore  *self,
                                                  GAsyncResult     *result,
                                                  GError          **error);

GFile           *sc_settings_store_dup_unreadable_file (ScSettingsStore *self);
gboolean         sc_settings_store_check_writable (ScSettingsStore  *self,
                                                   GError          **error);
const char * const *sc_settings_store_get_warnings   (ScSettingsStore *self);

GFile           *sc_settings_default_directory   (GError          **error);

G_END_DECLS

/* sc-settings-private.h — what ScSettingsStore needs of the model
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sc-settings.h"

G_BEGIN_DECLS

#define SC_SETTINGS_CONFIG_FILE      "config.json"
#define SC_SETTINGS_CREDENTIALS_FILE "credentials.json"
#define SC_SETTINGS_DATA_FILE        "data.json"

void       _sc_settings_apply_json       (ScSettings  *self,
                                          const char  *file,
                                          JsonObject  *object,
                                          GError     **first_error);
void       _sc_settings_write_json       (ScSettings  *self,
                                          const char  *file,
                                          JsonObject  *object);
guint      _sc_settings_get_change_count (ScSettings  *self);
char      *_sc_settings_describe_key     (ScSettings  *self,
                                          const char  *json_name,
                                          const char  *what);

G_END_DECLS

/* sc-util.h — the engine's small rules, each in one place
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char      *_sc_display_path         (GFile        *file);

void       _sc_ensure_gmime         (void);

char      *sc_host_strip_brackets   (const char   *host);
gboolean   sc_host_is_loopback      (const char   *host);

gboolean   sc_text_find_invalid_utf8 (const char  *text,
                                      gsize        length,
                                      guint       *out_line,
                                      guint       *out_column,
                                      gboolean    *out_nul);
gboolean   sc_text_has_line_break   (const char   *text);

char      *sc_file_load_bounded     (GFile         *file,
                                     gsize          max_size,
                                     gsize         *length,
                                     GCancellable  *cancellable,
                                     GError       **error);

void       sc_secret_free           (char         *secret);
void       sc_secret_clear          (char        **secret);

/* A string that is wiped before it is freed: g_autoptr(ScSecret) password = …; */
typedef char ScSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScSecret, sc_secret_free)

G_END_DECLS

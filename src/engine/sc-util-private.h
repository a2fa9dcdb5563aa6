/* sc-util-private.h — small helpers shared inside the engine
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char *_sc_display_path (GFile *file);

G_END_DECLS

/* sc-address.h — what an e-mail address is, in one place
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean     sc_address_validate            (const char          *address,
                                             GError             **error);

G_END_DECLS

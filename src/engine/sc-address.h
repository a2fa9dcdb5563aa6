/* sc-address.h — what an e-mail address is, in one place
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean     sc_address_parse               (const char          *entry,
                                             char               **out_name,
                                             char               **out_addr,
                                             GError             **error);
gboolean     sc_address_validate            (const char          *address,
                                             GError             **error);
GStrv        sc_address_list_parse          (const char          *text,
                                             GError             **error);
char        *sc_address_to_envelope         (const char          *addr);
gboolean     sc_address_needs_smtputf8      (const char          *addr);

G_END_DECLS

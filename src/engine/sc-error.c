/* sc-error.c — error domains of the engine
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sc-error.h"

G_DEFINE_QUARK (sc-smtp-error-quark, sc_smtp_error)
G_DEFINE_QUARK (sc-settings-error-quark, sc_settings_error)
G_DEFINE_QUARK (sc-message-error-quark, sc_message_error)

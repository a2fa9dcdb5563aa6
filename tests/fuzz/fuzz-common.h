/* fuzz-common.h — what the libFuzzer targets share
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <stddef.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A failed g_return_if_fail () or a GLib warning is a bug the fuzzer found: make it a crash
 * (as G_DEBUG=fatal-warnings does in the test suites). */
static inline void
sc_fuzz_setup (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

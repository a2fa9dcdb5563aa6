/* sc-util.c — small helpers shared inside the engine
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-engine"

#include "config.h"

#include "sc-util-private.h"

/**
 * _sc_display_path:
 * @file: a file
 *
 * Returns: the file name as the user would recognise it in a message: relative to the
 *   current directory when it is inside it, else its parse name
 */
char *
_sc_display_path (GFile *file)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(GFile) cwd_file = g_file_new_for_path (cwd);
  char *relative;

  relative = g_file_get_relative_path (cwd_file, file);
  if (relative != NULL)
    return relative;

  if (g_file_equal (cwd_file, file))
    return g_strdup (".");

  return g_file_get_parse_name (file);
}

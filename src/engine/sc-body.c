/* sc-body.c — the message body file: read once, the same way everywhere
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-body"

#include "config.h"

#include "sc-body.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sc-error.h"
#include "sc-util.h"

/**
 * sc_body_load:
 * @file: the message file ("message_file_path" in data.json)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the body text: a UTF-8 byte order mark is dropped, and text that is not UTF-8 (or
 * holds a NUL byte) is refused with the file name and line. Blocking.
 *
 * Returns: (transfer full): the text, or %NULL with @error set: %SC_MESSAGE_ERROR_BODY for
 *   text that is not UTF-8, else GIO's error code (%G_IO_ERROR_NOT_FOUND for a missing file)
 *   with a sentence that names the file
 */
char *
sc_body_load (GFile         *file,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *shown = NULL;
  gsize length = 0;
  gsize skip = 0;
  guint line = 0;
  gboolean nul = FALSE;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  shown = _sc_display_path (file);

  /* GIO's code is kept (a caller may treat G_IO_ERROR_NOT_FOUND as "not written yet"); the
   * sentence names the file as the user wrote it. */
  contents = sc_file_load_bounded (file, SC_BODY_MAX_SIZE, &length, cancellable, &local_error);
  if (contents == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     /* Translators: %s is a file. */
                     _("%s: the message file does not exist"), shown);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     /* Translators: the first %s is a file, the second the reason. */
                     _("%s: cannot read the message file: %s"), shown, local_error->message);
      return NULL;
    }

  if (length >= 3 && memcmp (contents, "\xEF\xBB\xBF", 3) == 0)
    skip = 3;

  if (sc_text_find_invalid_utf8 (contents + skip, length - skip, &line, NULL, &nul))
    {
      if (nul)
        g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_BODY,
                     /* Translators: "%s:%u:" is the file name and line number. */
                     _("%s:%u: the message text contains a NUL byte"), shown, line);
      else
        g_set_error (error, SC_MESSAGE_ERROR, SC_MESSAGE_ERROR_BODY,
                     /* Translators: "%s:%u:" is the file name and line number. */
                     _("%s:%u: the message text is not UTF-8"), shown, line);
      return NULL;
    }

  if (skip > 0)
    memmove (contents, contents + skip, length - skip + 1);

  return g_steal_pointer (&contents);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  char *text = sc_body_load (G_FILE (task_data), cancellable, &error);

  if (text == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

/**
 * sc_body_load_async:
 * @file: the message file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is read
 * @user_data: data for @callback
 *
 * Runs sc_body_load () on a worker thread.
 */
void
sc_body_load_async (GFile               *file,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sc_body_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

/**
 * sc_body_load_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the text, or %NULL with @error set
 */
char *
sc_body_load_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sc_body_load_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

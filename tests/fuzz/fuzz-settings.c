/* fuzz-settings.c — libFuzzer target: the settings loader (sc_settings_store_load)
 *
 * The input is the three settings files, config.json, credentials.json and data.json, in
 * that order, separated by lines that hold only "%%"; a file the input does not reach is
 * missing. They are written to a folder of the fuzzer's own and loaded as the application
 * loads them. Settings that load and validate are saved and loaded again: a save must keep
 * every value.
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sc-error.h"
#include "sc-settings-store.h"

#include "fuzz-common.h"

static const char * const names[] = { "config.json", "credentials.json", "data.json" };
static char *directory_path;

static void
remove_directory (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (directory_path, names[i], NULL);

      g_remove (path);
    }
  g_rmdir (directory_path);
}

typedef struct
{
  gboolean  done;
  GError   *error;
} Saved;

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Saved *saved = user_data;

  if (!sc_settings_store_save_finish (SC_SETTINGS_STORE (object), result, &saved->error))
    g_assert_nonnull (saved->error);
  saved->done = TRUE;
}

static void
check_error (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == SC_SETTINGS_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GFile) directory = NULL;
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(ScSettingsStore) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  Saved saved = { FALSE, NULL };
  const char *part = (const char *) data;
  const char *end = part + size;
  ScSettings *settings;

  if (directory_path == NULL)
    {
      sc_fuzz_setup ();
      /* "password_storage": "keyring" would reach the user's keyring: no bus here, so the
       * store falls back to the file (as it does without a secret service). */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sc-fuzz-settings-no-bus",
                TRUE);
      directory_path = g_dir_make_tmp ("sc-fuzz-settings-XXXXXX", NULL);
      g_assert_nonnull (directory_path);
      atexit (remove_directory);
    }

  /* Split at "\n%%\n", keeping the bytes as they are (NUL bytes too). */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (directory_path, names[i], NULL);
      const char *next = NULL;

      if (part == NULL)
        {
          g_remove (path);
          continue;
        }

      for (const char *p = part; p + 4 <= end; p++)
        if (memcmp (p, "\n%%\n", 4) == 0)
          {
            next = p;
            break;
          }

      g_assert_true (g_file_set_contents (path, part, (next != NULL ? next : end) - part,
                                          NULL));
      part = next != NULL ? next + 4 : NULL;
    }

  directory = g_file_new_for_path (directory_path);
  store = sc_settings_store_new (directory);
  if (!sc_settings_store_load (store, NULL, &error))
    {
      check_error (error);
      return 0;
    }

  settings = sc_settings_store_get_settings (store);
  for (const char * const *w = sc_settings_store_get_warnings (store); *w != NULL; w++)
    g_assert_true (g_utf8_validate (*w, -1, NULL));

  if (!sc_settings_validate (settings, &error))
    {
      check_error (error);
      return 0;
    }
  if (!sc_settings_validate_account (settings, &error))
    check_error (error);
  g_clear_error (&error);

  /* Good settings survive a save and a load. */
  sc_settings_store_save_async (store, NULL, saved_cb, &saved);
  while (!saved.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (saved.error);

  reloaded = sc_settings_store_new (directory);
  g_assert_true (sc_settings_store_load (reloaded, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==,
                   sc_settings_get_smtp_host (sc_settings_store_get_settings (reloaded)));
  g_assert_cmpuint (sc_settings_get_smtp_port (settings), ==,
                    sc_settings_get_smtp_port (sc_settings_store_get_settings (reloaded)));
  g_assert_cmpstr (sc_settings_get_login (settings), ==,
                   sc_settings_get_login (sc_settings_store_get_settings (reloaded)));
  g_assert_cmpstr (sc_settings_get_password (settings), ==,
                   sc_settings_get_password (sc_settings_store_get_settings (reloaded)));
  g_assert_cmpstr (sc_settings_get_subject (settings), ==,
                   sc_settings_get_subject (sc_settings_store_get_settings (reloaded)));

  return 0;
}

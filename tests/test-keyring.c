/* test-keyring.c — the password in a real keyring (run by tests/keyring-session.sh)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The secret service is a gnome-keyring-daemon of the test's own, on a private D-Bus session,
 * unlocked with SC_TEST_KEYRING_PASSWORD; SC_TEST_BUS_WITHOUT_KEYRING is a bus with none (see
 * keyring-session.sh). The settings store is used as the window and --send use it, and the
 * real binary sends through the keyring to tests/smtp-server.py.
 */

#define G_LOG_DOMAIN "test-keyring"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "sc-cli.h"
#include "sc-error.h"
#include "sc-keyring.h"
#include "sc-settings-store.h"
#include "sc-test-server.h"

#define LOGIN "keyring-user@example.com"
#define PORT  2525

typedef struct
{
  char            *dir;
  ScSettingsStore *store;
  ScSettings      *settings;
} Fixture;

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Settings for "localhost" PORT and LOGIN; @credentials is credentials.json. */
static void
write_settings (const char *dir,
                const char *credentials)
{
  g_autofree char *path = g_build_filename (dir, "credentials.json", NULL);

  sc_test_write_file (dir, "config.json",
                      "{ \"smtp_host\": \"localhost\", \"smtp_port\": 2525 }", -1);
  sc_test_write_file (dir, "credentials.json", credentials, -1);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  sc_test_write_file (dir, "data.json",
                      "{ \"to_addrs\": [\"to@example.com\"], \"message\": { \"subject\": \"s\","
                      " \"message_file_path\": \"body.txt\" } }", -1);
}

static gboolean
load (Fixture  *fixture,
      GError  **error)
{
  g_autoptr(GFile) dir = g_file_new_for_path (fixture->dir);

  g_clear_object (&fixture->store);
  fixture->store = sc_settings_store_new (dir);
  fixture->settings = sc_settings_store_get_settings (fixture->store);
  return sc_settings_store_load (fixture->store, NULL, error);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError **error = user_data;

  sc_settings_store_save_finish (SC_SETTINGS_STORE (object), result, error);
  *(gboolean *) g_object_get_data (object, "done") = TRUE;
}

/* Saves as the window does: in the store's worker, finished on this thread's context. */
static void
save (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_object_set_data (G_OBJECT (fixture->store), "done", &done);
  sc_settings_store_save_async (fixture->store, NULL, save_cb, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
}

/* credentials.json, parsed; asserts it is private (0600). */
static JsonObject *
read_credentials (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "credentials.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static guint
count_warnings (Fixture *fixture)
{
  return g_strv_length ((char **) sc_settings_store_get_warnings (fixture->store));
}

/* The password the keyring holds for LOGIN on localhost:PORT, or NULL (@code: why). */
static char *
keyring_password (int *code)
{
  g_autoptr(GError) error = NULL;
  char *password = sc_keyring_lookup ("localhost", PORT, LOGIN, NULL, &error);

  if (password == NULL)
    {
      g_assert_true (error != NULL && error->domain == SC_KEYRING_ERROR);
      if (code != NULL)
        *code = error->code;
    }
  return password;
}

/* Calls a method of the secret service (gnome-keyring-daemon). */
static GVariant *
call_secret_service (const char *interface,
                     const char *method,
                     GVariant   *parameters)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets",
                                       "/org/freedesktop/secrets", interface, method,
                                       parameters, NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL,
                                       &error);
  g_assert_no_error (error);
  return reply;
}

#define LOGIN_COLLECTION "/org/freedesktop/secrets/collection/login"

static void
lock_keyring (void)
{
  const char *paths[] = { LOGIN_COLLECTION, NULL };

  g_variant_unref (call_secret_service ("org.freedesktop.Secret.Service", "Lock",
                                        g_variant_new ("(^ao)", paths)));
}

/* Unlocks with the test password, without a prompt: gnome-keyring's own interface. */
static void
unlock_keyring (void)
{
  const char *password = g_getenv ("SC_TEST_KEYRING_PASSWORD");
  g_autoptr(GVariant) session = NULL;
  g_autofree char *session_path = NULL;
  GVariant *secret;

  g_assert_nonnull (password);
  session = call_secret_service ("org.freedesktop.Secret.Service", "OpenSession",
                                 g_variant_new ("(sv)", "plain", g_variant_new_string ("")));
  g_variant_get (session, "(vo)", NULL, &session_path);
  secret = g_variant_new ("(o@ay@ays)", session_path,
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password,
                                                     strlen (password), 1),
                          "text/plain");
  g_variant_unref (call_secret_service ("org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                        "UnlockWithMasterPassword",
                                        g_variant_new ("(o@(oayays))", LOGIN_COLLECTION,
                                                       secret)));
}

/* ------------------------------------------------------------------------------------------ */
/* Fixture                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = sc_test_make_tmpdir ();
  /* No password of an earlier test is left. */
  g_assert_true (sc_keyring_clear ("localhost", PORT, LOGIN, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  sc_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

/* Loads settings with the password in the file, then switches the keyring on and saves. */
static void
store_in_keyring (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  write_settings (fixture->dir,
                  "{ \"login\": \"" LOGIN "\", \"password\": \"" SC_TEST_PASSWORD "\" }");
  g_assert_true (load (fixture, &error));
  g_assert_no_error (error);
  g_assert_false (sc_settings_get_password_in_keyring (fixture->settings));
  g_object_set (fixture->settings, "password-storage", SC_SETTINGS_PASSWORD_IN_KEYRING, NULL);
  save (fixture);
}

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Switched on: the password goes into the keyring and out of credentials.json. */
static void
test_store (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonObject) credentials = NULL;
  g_autofree char *password = NULL;
  g_autofree char *text = NULL;

  store_in_keyring (fixture);
  g_assert_cmpuint (count_warnings (fixture), ==, 0);

  password = keyring_password (NULL);
  g_assert_cmpstr (password, ==, SC_TEST_PASSWORD);

  credentials = read_credentials (fixture);
  g_assert_false (json_object_has_member (credentials, "password"));
  g_assert_cmpstr (json_object_get_string_member (credentials, "password_storage"), ==,
                   "keyring");
  g_assert_cmpstr (json_object_get_string_member (credentials, "login"), ==, LOGIN);
  text = sc_test_read_file (fixture->dir, "credentials.json", NULL);
  sc_test_assert_no_secret (text);
}

/* A credentials.json without a password takes it from the keyring. */
static void
test_load (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sc_keyring_store ("localhost", PORT, LOGIN, "из-связки ключей", NULL, &error));
  g_assert_no_error (error);
  write_settings (fixture->dir,
                  "{ \"login\": \"" LOGIN "\", \"password_storage\": \"keyring\" }");

  g_assert_true (load (fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_password (fixture->settings), ==, "из-связки ключей");
  g_assert_true (sc_settings_get_password_in_keyring (fixture->settings));
  g_assert_cmpuint (count_warnings (fixture), ==, 0);
  g_assert_false (sc_settings_get_modified (fixture->settings));
  g_assert_true (sc_settings_validate (fixture->settings, &error));
  g_assert_no_error (error);

  /* The keyring has none: the load says where it looked. */
  g_assert_true (sc_keyring_clear ("localhost", PORT, LOGIN, NULL, &error));
  g_assert_false (load (fixture, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (sc_settings_error_get_key (error), ==, "password");
  g_assert_nonnull (strstr (error->message, "keyring"));
  g_assert_nonnull (strstr (error->message, LOGIN));
}

/* "password_storage" is "file" or "keyring", nothing else; the keyring is not asked. */
static void
test_invalid_storage (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  write_settings (fixture->dir, "{ \"login\": \"" LOGIN "\", \"password_storage\": \"wallet\" }");
  g_assert_false (load (fixture, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (sc_settings_error_get_key (error), ==, "password");
  g_clear_error (&error);

  write_settings (fixture->dir, "{ \"login\": \"" LOGIN "\", \"password\": \"x\", "
                  "\"password_storage\": \"wallet\" }");
  g_assert_false (load (fixture, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (sc_settings_error_get_key (error), ==, "password_storage");
  g_assert_nonnull (strstr (error->message, "\"keyring\""));
  g_assert_false (sc_settings_get_password_in_keyring (fixture->settings));
  g_assert_cmpuint (count_warnings (fixture), ==, 0);
}

/* A new password replaces the old one in the keyring; the file still has none. */
static void
test_change_password (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) credentials = NULL;
  g_autofree char *password = NULL;

  store_in_keyring (fixture);
  g_object_set (fixture->settings, "password", "новый пароль", NULL);
  save (fixture);

  password = keyring_password (NULL);
  g_assert_cmpstr (password, ==, "новый пароль");
  credentials = read_credentials (fixture);
  g_assert_false (json_object_has_member (credentials, "password"));

  /* Read again, it is the new one. */
  g_assert_true (load (fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_password (fixture->settings), ==, "новый пароль");

  /* Another login: the old login's password leaves the keyring. */
  g_object_set (fixture->settings, "login", "other@example.com", NULL);
  save (fixture);
  g_clear_pointer (&password, g_free);
  password = sc_keyring_lookup ("localhost", PORT, "other@example.com", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "новый пароль");
  g_assert_true (sc_keyring_clear ("localhost", PORT, "other@example.com", NULL, &error));
  g_clear_pointer (&password, g_free);
  {
    int code = -1;

    password = keyring_password (&code);
    g_assert_null (password);
    g_assert_cmpint (code, ==, SC_KEYRING_ERROR_NOT_FOUND);
  }
}

/* Switched off: the password goes back into the file (0600) and leaves the keyring. */
static void
test_switch_off (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) credentials = NULL;
  g_autofree char *password = NULL;
  int code = -1;

  store_in_keyring (fixture);
  /* As a later run would: loaded from the keyring, then switched off. */
  g_assert_true (load (fixture, &error));
  g_assert_no_error (error);
  g_object_set (fixture->settings, "password-storage", "file", NULL);
  save (fixture);
  g_assert_cmpuint (count_warnings (fixture), ==, 0);

  credentials = read_credentials (fixture);
  g_assert_cmpstr (json_object_get_string_member (credentials, "password"), ==,
                   SC_TEST_PASSWORD);
  g_assert_cmpstr (json_object_get_string_member (credentials, "password_storage"), ==, "file");
  password = keyring_password (&code);
  g_assert_null (password);
  g_assert_cmpint (code, ==, SC_KEYRING_ERROR_NOT_FOUND);

  g_assert_true (load (fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_password (fixture->settings), ==, SC_TEST_PASSWORD);
}

/* A locked keyring (its unlock prompt cannot be shown here): the load says so; a save keeps the
 * password in the file, with one warning. */
static void
test_locked (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) credentials = NULL;
  g_autofree char *password = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char * const *warnings;
  int code = -1;

  store_in_keyring (fixture);
  lock_keyring ();

  password = keyring_password (&code);
  g_assert_null (password);
  g_assert_cmpint (code, ==, SC_KEYRING_ERROR_LOCKED);

  before = sc_test_read_file (fixture->dir, "credentials.json", NULL);
  g_assert_false (load (fixture, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (sc_settings_error_get_key (error), ==, "password");
  g_assert_nonnull (strstr (error->message, "locked"));
  after = sc_test_read_file (fixture->dir, "credentials.json", NULL);
  g_assert_cmpstr (before, ==, after);

  /* The user types the password: it cannot go into the locked keyring, so the file keeps it. */
  g_object_set (fixture->settings, "password", SC_TEST_PASSWORD, NULL);
  save (fixture);
  warnings = sc_settings_store_get_warnings (fixture->store);
  g_assert_cmpuint (g_strv_length ((char **) warnings), ==, 1);
  g_assert_nonnull (strstr (warnings[0], "locked"));
  credentials = read_credentials (fixture);
  g_assert_cmpstr (json_object_get_string_member (credentials, "password"), ==,
                   SC_TEST_PASSWORD);

  unlock_keyring ();
  g_clear_pointer (&password, g_free);
  password = keyring_password (NULL);
  g_assert_cmpstr (password, ==, SC_TEST_PASSWORD);
}

/* No secret service (a bus without one, or no bus at all): the file keeps the password, and
 * the store says so once. In a subprocess, which sees only that bus. */
static void
check_no_keyring (const char *bus_address)
{
  g_autofree char *dir = sc_test_make_tmpdir ();
  Fixture fixture = { .dir = dir };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) credentials = NULL;
  const char * const *warnings;

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);

  store_in_keyring (&fixture);
  warnings = sc_settings_store_get_warnings (fixture.store);
  g_assert_cmpuint (g_strv_length ((char **) warnings), ==, 1);
  g_assert_nonnull (strstr (warnings[0], "No keyring is available"));
  credentials = read_credentials (&fixture);
  g_assert_cmpstr (json_object_get_string_member (credentials, "password"), ==,
                   SC_TEST_PASSWORD);
  g_assert_cmpstr (json_object_get_string_member (credentials, "password_storage"), ==,
                   "keyring");

  /* Read again: the file's password, with one warning that it is not in the keyring. */
  g_assert_true (load (&fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_password (fixture.settings), ==, SC_TEST_PASSWORD);
  g_assert_cmpuint (count_warnings (&fixture), ==, 1);

  /* Nothing in the file and no keyring: the load says why there is no password. */
  write_settings (dir, "{ \"login\": \"" LOGIN "\", \"password_storage\": \"keyring\" }");
  g_assert_false (load (&fixture, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (sc_settings_error_get_key (error), ==, "password");
  g_assert_nonnull (strstr (error->message, "No keyring is available"));

  g_clear_object (&fixture.store);
  sc_test_rm_rf (dir);
}

static void
test_no_secret_service (void)
{
  if (g_test_subprocess ())
    {
      const char *address = g_getenv ("SC_TEST_BUS_WITHOUT_KEYRING");

      g_assert_nonnull (address);
      check_no_keyring (address);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_no_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = sc_test_make_tmpdir ();
      g_autofree char *address = g_strdup_printf ("unix:path=%s/no-bus", dir);

      check_no_keyring (address);
      sc_test_rm_rf (dir);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ------------------------------------------------------------------------------------------ */
/* smtp-client --send                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* Runs smtp-client --send --settings @settings in @cwd, on the bus @bus_address (NULL: the
 * keyring's); returns the exit status, stdout and stderr. */
static int
run_send (const char  *cwd,
          const char  *settings,
          const char  *bus_address,
          char       **out,
          char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xdg = g_build_filename (cwd, "xdg-config", NULL);
  const char *binary = g_getenv ("SC_CLIENT_BIN");

  g_assert_nonnull (binary);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, cwd);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", xdg, TRUE);
  if (bus_address != NULL)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);

  process = g_subprocess_launcher_spawn (launcher, &error, binary, "--send", "--settings",
                                         settings, NULL);
  g_assert_no_error (error);
  /* Bounded: the settings' time-out is 10 s. */
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static guint
count_lines_with (const char *text,
                  const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    n += strstr (lines[i], needle) != NULL;
  return n;
}

/* --send takes the password from the keyring; without one, from the file, with one warning. */
static void
test_send (void)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS };
  g_autoptr(ScTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *dir = sc_test_make_tmpdir ();
  g_autofree char *settings = g_build_filename (dir, "settings", NULL);
  g_autofree char *log = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) credentials = NULL;
  Fixture fixture = { .dir = settings };
  guint port;

  server = sc_test_server_start (&options, &error);
  g_assert_no_error (error);
  port = server->port;
  g_assert_cmpint (g_mkdir (settings, 0700), ==, 0);
  sc_test_write_settings (server, settings, NULL, "Через связку ключей", "тело\n");

  /* Into the keyring, as the Account dialog's switch and Save do. */
  g_assert_true (load (&fixture, &error));
  g_assert_no_error (error);
  g_object_set (fixture.settings, "password-storage", "keyring", NULL);
  save (&fixture);
  g_assert_cmpuint (count_warnings (&fixture), ==, 0);
  credentials = read_credentials (&fixture);
  g_assert_false (json_object_has_member (credentials, "password"));

  g_assert_cmpint (run_send (dir, settings, NULL, &out, &err), ==, SC_EXIT_OK);
  g_assert_cmpstr (err, ==, "");
  messages = sc_test_server_assert_received (server, 1);
  log = sc_test_server_get_log (server);
  g_assert_nonnull (strstr (log, "AUTH-RESULT ok"));
  g_assert_null (strstr (log, "AUTH-RESULT fail"));
  sc_test_assert_no_secret (out);
  sc_test_assert_no_secret (err);

  /* No keyring on the bus, nothing in the file: a settings error that says why. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_send (dir, settings, g_getenv ("SC_TEST_BUS_WITHOUT_KEYRING"), &out,
                             &err), ==, SC_EXIT_USAGE);
  g_assert_cmpuint (count_lines_with (err, "No keyring is available"), ==, 1);
  g_assert_cmpuint (sc_test_server_count_messages (server), ==, 1);

  /* The password back in the file (a save without a keyring): sent, with one warning. */
  credentials = (json_object_set_string_member (credentials, "password", SC_TEST_PASSWORD),
                 credentials);
  {
    g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), credentials);

    text = json_to_string (root, TRUE);
  }
  sc_test_write_file (settings, "credentials.json", text, -1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_send (dir, settings, g_getenv ("SC_TEST_BUS_WITHOUT_KEYRING"), &out,
                             &err), ==, SC_EXIT_OK);
  g_assert_cmpuint (count_lines_with (err, "warning"), ==, 1);
  g_assert_cmpuint (count_lines_with (err, "keyring"), ==, 1);
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = sc_test_server_assert_received (server, 2);

  g_assert_true (sc_keyring_clear ("localhost", port, SC_TEST_LOGIN, NULL, &error));
  g_clear_object (&fixture.store);
  sc_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Only under tests/keyring-session.sh: never the user's own keyring. */
  if (g_getenv ("SC_TEST_KEYRING_PASSWORD") == NULL)
    g_error ("run test-keyring under tests/keyring-session.sh");

#define ADD(name, func) \
  g_test_add ("/keyring/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("store", test_store);
  ADD ("load", test_load);
  ADD ("invalid-storage", test_invalid_storage);
  ADD ("change-password", test_change_password);
  ADD ("switch-off", test_switch_off);
  ADD ("locked", test_locked);
  g_test_add_func ("/keyring/no-secret-service", test_no_secret_service);
  g_test_add_func ("/keyring/no-bus", test_no_bus);
  g_test_add_func ("/keyring/send", test_send);

#undef ADD

  return g_test_run ();
}

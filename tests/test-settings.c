/* test-settings.c — tests of ScSettings: loading, errors, saving, defaults
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-settings"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sc-error.h"
#include "sc-message.h"
#include "sc-settings.h"
#include "sc-test-server.h"

typedef struct
{
  char  *old_cwd;
  char  *tmpdir;      /* the current directory during the test */
  GFile *dir;         /* tmpdir/settings, a copy of the shipped example */
} Fixture;

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static char *
source_settings_dir (void)
{
  const char *root = g_getenv ("SC_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "settings", NULL);
}

static void
copy_file (const char *from,
           const char *to)
{
  gsize length = 0;
  g_autofree char *contents = sc_test_read_file (from, NULL, &length);

  sc_test_write_file (to, NULL, contents, length);
}

static void
write_settings_file (Fixture    *fixture,
                     const char *name,
                     const char *contents)
{
  g_autoptr(GFile) file = g_file_get_child (fixture->dir, name);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
read_settings_file (Fixture    *fixture,
                    const char *name)
{
  g_autoptr(GFile) file = g_file_get_child (fixture->dir, name);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static const char * const settings_files[] = { "config.json", "credentials.json", "data.json" };

/* Reads the three settings files into @contents. */
static void
snapshot_settings_files (Fixture  *fixture,
                         char    **contents)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings_files); i++)
    contents[i] = read_settings_file (fixture, settings_files[i]);
}

/* Asserts that the three settings files still hold @contents, which it frees. */
static void
assert_settings_files_unchanged (Fixture  *fixture,
                                 char    **contents)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings_files); i++)
    {
      g_autofree char *after = read_settings_file (fixture, settings_files[i]);

      g_assert_cmpstr (contents[i], ==, after);
      g_free (contents[i]);
    }
}

static guint
file_mode (GFile      *dir,
           const char *name)
{
  g_autoptr(GFile) file = g_file_get_child (dir, name);
  g_autofree char *path = g_file_get_path (file);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static ScSettings *
load_fixture (Fixture  *fixture,
              GError  **error)
{
  ScSettings *settings = sc_settings_new (fixture->dir);

  sc_settings_load (settings, error);
  return settings;
}

/* ------------------------------------------------------------------------------------------ */
/* Fixture                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *source = source_settings_dir ();
  g_autofree char *target = NULL;
  g_autofree char *attachments = NULL;
  const char *names[] = { "config.json", "credentials.json", "data.json", "example_msg.txt" };

  fixture->old_cwd = g_get_current_dir ();
  fixture->tmpdir = sc_test_make_tmpdir ();
  g_assert_cmpint (g_chdir (fixture->tmpdir), ==, 0);

  target = g_build_filename (fixture->tmpdir, "settings", NULL);
  attachments = g_build_filename (target, "attachments", NULL);
  g_assert_cmpint (g_mkdir_with_parents (attachments, 0755), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = g_build_filename (source, names[i], NULL);
      g_autofree char *to = g_build_filename (target, names[i], NULL);

      copy_file (from, to);
    }

  {
    g_autofree char *from = g_build_filename (source, "attachments", "example.txt", NULL);
    g_autofree char *to = g_build_filename (attachments, "example.txt", NULL);

    copy_file (from, to);
  }

  /* Relative, as a user would give it: error messages then say "settings/…". */
  fixture->dir = g_file_new_for_path ("settings");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_assert_cmpint (g_chdir (fixture->old_cwd), ==, 0);
  sc_test_rm_rf (fixture->tmpdir);
  g_clear_object (&fixture->dir);
  g_clear_pointer (&fixture->tmpdir, g_free);
  g_clear_pointer (&fixture->old_cwd, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static void
test_load_shipped_example (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *source = source_settings_dir ();
  g_autoptr(GFile) dir = g_file_new_for_path (source);
  g_autoptr(ScSettings) settings = sc_settings_new (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) message_file = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) expected_folder = NULL;
  const char * const *recipients;

  sc_settings_load (settings, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, "smtp.example.com");
  g_assert_cmpuint (sc_settings_get_smtp_port (settings), ==, 465);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_TLS);
  g_assert_null (sc_settings_get_ca_file (settings));
  g_assert_cmpuint (sc_settings_get_timeout_seconds (settings), ==, SC_SETTINGS_DEFAULT_TIMEOUT);
  g_assert_cmpstr (sc_settings_get_login (settings), ==, "sender@example.com");
  g_assert_cmpstr (sc_settings_get_password (settings), ==, "your_password");
  recipients = sc_settings_get_recipients (settings);
  g_assert_nonnull (recipients);
  g_assert_cmpstr (recipients[0], ==, "recipient@example.ru");
  g_assert_null (recipients[1]);
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Subject");
  g_assert_cmpstr (sc_settings_get_message_file_path (settings), ==, "example_msg.txt");
  g_assert_cmpstr (sc_settings_get_attachment_folder_path (settings), ==, "attachments");

  message_file = sc_settings_get_message_file (settings);
  g_assert_true (g_file_query_exists (message_file, NULL));
  folder = sc_settings_get_attachment_folder (settings);
  expected_folder = g_file_get_child (dir, "attachments");
  g_assert_true (g_file_equal (folder, expected_folder));

  g_assert_true (sc_settings_validate (settings, &error));
  g_assert_no_error (error);

  g_assert_finalize_object (g_steal_pointer (&settings));
}

static void
test_load_writes_nothing (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *before_config = read_settings_file (fixture, "config.json");
  g_autofree char *before_data = read_settings_file (fixture, "data.json");
  g_autofree char *after_config = NULL;
  g_autofree char *after_data = NULL;
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint count = 0;

  settings = load_fixture (fixture, &error);
  g_assert_no_error (error);

  after_config = read_settings_file (fixture, "config.json");
  after_data = read_settings_file (fixture, "data.json");
  g_assert_cmpstr (before_config, ==, after_config);
  g_assert_cmpstr (before_data, ==, after_data);

  dir = g_dir_open ("settings", 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    count++;
  g_assert_cmpuint (count, ==, 5);
}

typedef struct
{
  const char *file;
  const char *contents;
  const char *loaded_file;     /* another file that must still load */
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "config.json",
    "{\n  \"smtp_host\": \"smtp.example.com\",\n  \"smtp_port\": 465,,\n}\n",
    "credentials.json" },
  { "credentials.json",
    "{\n  \"login\": \"sender@example.com\"\n  \"password\": \"x\"\n}\n",
    "data.json" },
  { "data.json",
    "{\n  \"to_addrs\": [\"recipient@example.ru\",\n  \"message\": {}\n}\n",
    "config.json" },
  { "data.json", "", "config.json" },
  { "data.json", "{\n  \"to_addrs\": [\"r\xff@example.ru\"]\n}\n", "config.json" },
};

static void
test_broken_json (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const BrokenCase *bc = user_data;
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *escaped = NULL;

  write_settings_file (fixture, bc->file, bc->contents);

  settings = load_fixture (fixture, &error);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE);
  g_test_message ("%s", error->message);

  escaped = g_regex_escape_string (bc->file, -1);
  pattern = g_strdup_printf ("^settings/%s:[0-9]+:[0-9]+: \\S.*$", escaped);
  regex = g_regex_new (pattern, 0, 0, NULL);
  g_assert_true (g_regex_match (regex, error->message, 0, NULL));

  /* The other files still load. */
  if (g_str_equal (bc->file, "config.json"))
    {
      g_assert_cmpstr (sc_settings_get_login (settings), ==, "sender@example.com");
      g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Subject");
    }
  else if (g_str_equal (bc->file, "credentials.json"))
    {
      g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, "smtp.example.com");
      g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Subject");
      g_assert_null (sc_settings_get_login (settings));
    }
  else
    {
      g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, "smtp.example.com");
      g_assert_cmpuint (sc_settings_get_smtp_port (settings), ==, 465);
      g_assert_cmpstr (sc_settings_get_login (settings), ==, "sender@example.com");
      g_assert_null (sc_settings_get_subject (settings));
    }
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_unlink ("settings/credentials.json"), ==, 0);

  settings = load_fixture (fixture, &error);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "settings/credentials.json"));
  g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, "smtp.example.com");
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Subject");
}

typedef struct
{
  const char *file;
  const char *contents;
  const char *prefix;          /* the error message starts with this */
} InvalidCase;

#define CONFIG_WITH(extra) \
  "{\"smtp_host\": \"smtp.example.com\", " extra "}"

#define DATA_WITH(to, subject) \
  "{\"to_addrs\": " to ", \"message\": {\"subject\": " subject ", " \
  "\"message_file_path\": \"example_msg.txt\", \"attachment_folder_path\": \"attachments\"}}"

static const InvalidCase invalid_cases[] = {
  { "config.json", "{\"smtp_host\": \"smtp.example.com\", \"smtp_port\": \"465\"}",
    "settings/config.json: \"smtp_port\" must be a whole number from 1 to 65535" },
  { "config.json", "{\"smtp_host\": \"smtp.example.com\", \"smtp_port\": 0}",
    "settings/config.json: \"smtp_port\" must be a whole number from 1 to 65535" },
  { "config.json", "{\"smtp_host\": \"smtp.example.com\", \"smtp_port\": 70000}",
    "settings/config.json: \"smtp_port\" must be a whole number from 1 to 65535" },
  { "config.json", "{\"smtp_host\": \"smtp.example.com\", \"smtp_port\": 465.5}",
    "settings/config.json: \"smtp_port\" must be a whole number from 1 to 65535" },
  { "config.json", "{\"smtp_host\": \"smtp.example.com\"}",
    "settings/config.json: \"smtp_port\" is missing" },
  { "config.json", "{\"smtp_host\": \"\", \"smtp_port\": 465}",
    "settings/config.json: \"smtp_host\" must be" },
  { "config.json", "{\"smtp_host\": 42, \"smtp_port\": 465}",
    "settings/config.json: \"smtp_host\" must be" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 465, \"security\": \"ssl\""),
    "settings/config.json: \"security\" must be \"tls\", \"starttls\" or \"none\"" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 25, \"security\": \"none\""),
    "settings/config.json: \"security\" may be \"none\"" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 465, \"timeout_seconds\": 0"),
    "settings/config.json: \"timeout_seconds\" must be a whole number" },
  { "credentials.json", "{\"password\": \"x\"}",
    "settings/credentials.json: \"login\" is missing" },
  { "credentials.json", "{\"login\": \"sender@example.com\", \"password\": 12345}",
    "settings/credentials.json: \"password\" must be a text string" },
  { "data.json", DATA_WITH ("\"recipient@example.ru\"", "\"Subject\""),
    "settings/data.json: \"to_addrs\" must be a list of e-mail addresses" },
  { "data.json", DATA_WITH ("[]", "\"Subject\""),
    "settings/data.json: \"to_addrs\" must be a list of e-mail addresses" },
  { "data.json", DATA_WITH ("[\"recipient@example.ru\", \"not an address\"]", "\"Subject\""),
    "settings/data.json: \"to_addrs\" must be a list of e-mail addresses" },
  { "data.json", DATA_WITH ("[\"Name <x@example.ru>\"]", "\"Subject\""),
    "settings/data.json: \"to_addrs\" must be a list of e-mail addresses" },
  { "data.json", DATA_WITH ("[\"recipient@example.ru\"]", "\"Subject\\r\\nBcc: x@y.z\""),
    "settings/data.json: \"subject\" must not contain a line break" },
  { "data.json", DATA_WITH ("[\"recipient@example.ru\"]", "17"),
    "settings/data.json: \"subject\" must be a text string" },
  { "data.json", "{\"to_addrs\": [\"recipient@example.ru\"]}",
    "settings/data.json: \"message\" is missing" },
};

static void
test_invalid_value (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const InvalidCase *ic = user_data;
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(GError) error = NULL;

  write_settings_file (fixture, ic->file, ic->contents);

  settings = load_fixture (fixture, &error);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, ic->prefix));

  /* The other files still load. */
  if (!g_str_equal (ic->file, "credentials.json"))
    g_assert_cmpstr (sc_settings_get_login (settings), ==, "sender@example.com");
  else
    g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, "smtp.example.com");
}

static void
test_save_round_trip (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(ScSettings) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *data = NULL;
  g_autofree char *credentials = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  const char *new_recipients[] = { "a@example.org", "b@example.net", NULL };

  write_settings_file (fixture, "config.json",
                       "{\n  \"smtp_host\": \"smtp.example.com\",\n  \"smtp_port\": 465,\n"
                       "  \"x_custom\": {\"keep\": [1, 2, 3]}\n}\n");
  write_settings_file (fixture, "credentials.json",
                       "{\"login\": \"sender@example.com\", \"password\": \"your_password\", "
                       "\"x_note\": \"kept\"}");
  write_settings_file (fixture, "data.json",
                       "{\"to_addrs\": [\"recipient@example.ru\"], \"x_top\": true, "
                       "\"message\": {\"subject\": \"Subject\", "
                       "\"message_file_path\": \"example_msg.txt\", "
                       "\"attachment_folder_path\": \"attachments\", \"x_inner\": 7}}");
  g_assert_cmpint (g_chmod ("settings/credentials.json", 0644), ==, 0);

  settings = load_fixture (fixture, &error);
  g_assert_no_error (error);

  sc_settings_set_subject (settings, "Тема письма");
  sc_settings_set_smtp_port (settings, 587);
  sc_settings_set_password (settings, "новый пароль");
  sc_settings_set_recipients (settings, new_recipients);

  sc_settings_save (settings, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (file_mode (fixture->dir, "credentials.json"), ==, 0600);

  config = read_settings_file (fixture, "config.json");
  credentials = read_settings_file (fixture, "credentials.json");
  data = read_settings_file (fixture, "data.json");
  g_test_message ("%s%s%s", config, credentials, data);

  /* Pretty-printed with two spaces, final newline, UTF-8 readable, no added keys. */
  g_assert_true (g_str_has_prefix (config, "{\n  \""));
  g_assert_true (g_str_has_suffix (config, "}\n"));
  g_assert_true (g_str_has_suffix (data, "}\n"));
  g_assert_nonnull (strstr (data, "Тема письма"));
  g_assert_null (strstr (config, "\"security\""));
  g_assert_null (strstr (config, "\"timeout_seconds\""));
  g_assert_null (strstr (config, "\"ca_file\""));
  g_assert_nonnull (strstr (config, "\"x_custom\""));
  g_assert_nonnull (strstr (credentials, "\"x_note\""));
  g_assert_nonnull (strstr (data, "\"x_top\""));
  g_assert_nonnull (strstr (data, "\"x_inner\""));

  /* No temporary files are left. */
  dir = g_dir_open ("settings", 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_true (g_str_equal (name, "config.json") ||
                     g_str_equal (name, "credentials.json") ||
                     g_str_equal (name, "data.json") ||
                     g_str_equal (name, "example_msg.txt") ||
                     g_str_equal (name, "attachments"));
    }

  reloaded = load_fixture (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_subject (reloaded), ==, "Тема письма");
  g_assert_cmpuint (sc_settings_get_smtp_port (reloaded), ==, 587);
  g_assert_cmpint (sc_settings_get_security (reloaded), ==, SC_SECURITY_STARTTLS);
  g_assert_cmpstr (sc_settings_get_password (reloaded), ==, "новый пароль");
  g_assert_true (g_strv_equal (sc_settings_get_recipients (reloaded), new_recipients));

  /* Explicit security is written; saving twice gives the same bytes. */
  sc_settings_set_security (reloaded, SC_SECURITY_TLS);
  sc_settings_save (reloaded, &error);
  g_assert_no_error (error);
  g_clear_pointer (&config, g_free);
  config = read_settings_file (fixture, "config.json");
  g_assert_nonnull (strstr (config, "\"security\": \"tls\""));
  g_assert_nonnull (strstr (config, "\"x_custom\""));
}

static void
test_save_unchanged_is_identical (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  char *before[G_N_ELEMENTS (settings_files)];

  snapshot_settings_files (fixture, before);

  settings = load_fixture (fixture, &error);
  g_assert_no_error (error);
  sc_settings_save (settings, &error);
  g_assert_no_error (error);

  assert_settings_files_unchanged (fixture, before);
}

static void
test_save_invalid_writes_nothing (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  const char *bad_recipients[] = { "recipient@example.ru", "broken address", NULL };
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  char *before[G_N_ELEMENTS (settings_files)];

  snapshot_settings_files (fixture, before);

  settings = load_fixture (fixture, &error);
  g_assert_no_error (error);

  sc_settings_set_subject (settings, "Changed");
  sc_settings_set_recipients (settings, bad_recipients);
  g_assert_false (sc_settings_save (settings, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "settings/data.json: \"to_addrs\""));
  g_clear_error (&error);

  sc_settings_set_recipients (settings, NULL);
  sc_settings_set_smtp_port (settings, 0);
  g_assert_false (sc_settings_save (settings, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "settings/config.json: \"smtp_port\""));

  assert_settings_files_unchanged (fixture, before);
}

static void
test_save_creates_folder (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(ScSettings) copy = NULL;
  g_autoptr(GFile) new_dir = g_file_new_for_path ("new/settings");
  g_autoptr(ScSettings) fresh = NULL;
  g_autoptr(GError) error = NULL;
  const char *to[] = { "x@example.com", NULL };
  gboolean explicit = FALSE;

  fresh = sc_settings_new (new_dir);
  sc_settings_set_smtp_host (fresh, "127.0.0.1");
  sc_settings_set_smtp_port (fresh, 2525);
  sc_settings_set_security (fresh, SC_SECURITY_NONE);
  sc_settings_set_login (fresh, "me@example.com");
  sc_settings_set_password (fresh, "p");
  sc_settings_set_recipients (fresh, to);
  sc_settings_set_subject (fresh, "");
  sc_settings_set_message_file_path (fresh, "body.txt");
  sc_settings_save (fresh, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (new_dir, "credentials.json"), ==, 0600);

  settings = sc_settings_new (new_dir);
  sc_settings_load (settings, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_NONE);
  g_assert_cmpuint (sc_settings_get_smtp_port (settings), ==, 2525);

  copy = sc_settings_dup (settings);
  sc_settings_set_subject (settings, "Changed");
  g_assert_cmpstr (sc_settings_get_subject (copy), ==, "");
  g_assert_cmpstr (sc_settings_get_login (copy), ==, "me@example.com");
  g_assert_true (g_file_equal (sc_settings_get_directory (copy), new_dir));
  g_object_get (copy, "security-explicit", &explicit, NULL);
  g_assert_true (explicit);
}

static void
test_relative_paths (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(ScSettings) settings = sc_settings_new (fixture->dir);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) expected = NULL;
  g_autofree char *home_path = NULL;
  g_autofree char *abs_path = NULL;

  sc_settings_set_message_file_path (settings, "example_msg.txt");
  file = sc_settings_get_message_file (settings);
  expected = g_file_get_child (fixture->dir, "example_msg.txt");
  g_assert_true (g_file_equal (file, expected));
  g_clear_object (&file);
  g_clear_object (&expected);

  sc_settings_set_attachment_folder_path (settings, "sub/files");
  file = sc_settings_get_attachment_folder (settings);
  expected = g_file_resolve_relative_path (fixture->dir, "sub/files");
  g_assert_true (g_file_equal (file, expected));
  g_clear_object (&file);
  g_clear_object (&expected);

  file = sc_settings_resolve_path (settings, "/etc/ssl/ca.pem");
  abs_path = g_file_get_path (file);
  g_assert_cmpstr (abs_path, ==, "/etc/ssl/ca.pem");
  g_clear_object (&file);

  file = sc_settings_resolve_path (settings, "~/mail/body.txt");
  home_path = g_build_filename (g_get_home_dir (), "mail", "body.txt", NULL);
  expected = g_file_new_for_path (home_path);
  g_assert_true (g_file_equal (file, expected));

  g_assert_null (sc_settings_resolve_path (settings, ""));
  g_assert_null (sc_settings_resolve_path (settings, NULL));

  sc_settings_set_attachment_folder_path (settings, "");
  g_assert_null (sc_settings_get_attachment_folder (settings));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_security_defaults (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(ScSettings) settings = sc_settings_new (fixture->dir);
  g_autoptr(GError) error = NULL;
  guint port_notifies = 0;
  guint security_notifies = 0;
  ScSecurity security;

  g_signal_connect (settings, "notify::smtp-port", G_CALLBACK (count_notify_cb), &port_notifies);
  g_signal_connect (settings, "notify::security", G_CALLBACK (count_notify_cb),
                    &security_notifies);

  sc_settings_set_smtp_port (settings, 465);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_TLS);
  sc_settings_set_smtp_port (settings, 587);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_STARTTLS);
  sc_settings_set_smtp_port (settings, 25);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_STARTTLS);
  sc_settings_set_smtp_port (settings, 25);
  g_assert_cmpuint (port_notifies, ==, 3);
  g_assert_cmpuint (security_notifies, ==, 2);

  /* Explicit security survives a port change. */
  sc_settings_set_security (settings, SC_SECURITY_TLS);
  sc_settings_set_smtp_port (settings, 587);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_TLS);

  g_object_set (settings, "security-explicit", FALSE, NULL);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_STARTTLS);

  /* From config.json */
  write_settings_file (fixture, "config.json",
                       "{\"smtp_host\": \"h.example\", \"smtp_port\": 465}");
  sc_settings_load (settings, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_TLS);

  write_settings_file (fixture, "config.json",
                       "{\"smtp_host\": \"h.example\", \"smtp_port\": 587}");
  sc_settings_load (settings, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_STARTTLS);

  write_settings_file (fixture, "config.json",
                       "{\"smtp_host\": \"h.example\", \"smtp_port\": 587, \"security\": \"tls\"}");
  sc_settings_load (settings, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_TLS);

  g_assert_true (sc_security_from_string ("starttls", &security));
  g_assert_cmpint (security, ==, SC_SECURITY_STARTTLS);
  g_assert_false (sc_security_from_string ("ssl", &security));
  g_assert_cmpstr (sc_security_to_string (SC_SECURITY_NONE), ==, "none");
  g_assert_true (G_TYPE_IS_ENUM (SC_TYPE_SECURITY));
}

static void
test_none_needs_loopback (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(ScSettings) settings = load_fixture (fixture, NULL);
  const char *loopback[] = { "localhost", "127.0.0.1", "127.10.20.30", "::1", "[::1]" };
  const char *remote[] = { "smtp.example.com", "10.0.0.1", "::2", "localhost.example.com" };

  sc_settings_set_security (settings, SC_SECURITY_NONE);

  for (guint i = 0; i < G_N_ELEMENTS (loopback); i++)
    {
      g_autoptr(GError) error = NULL;

      sc_settings_set_smtp_host (settings, loopback[i]);
      sc_settings_validate (settings, &error);
      g_assert_no_error (error);
      g_assert_true (sc_settings_validate_key (settings, "security", NULL));
    }

  for (guint i = 0; i < G_N_ELEMENTS (remote); i++)
    {
      g_autoptr(GError) error = NULL;

      sc_settings_set_smtp_host (settings, remote[i]);
      g_assert_false (sc_settings_validate (settings, &error));
      g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "settings/config.json: \"security\""));
      g_clear_error (&error);

      g_assert_false (sc_settings_validate_key (settings, "security", &error));
      g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
      g_assert_false (sc_settings_save (settings, NULL));
    }
}

static void
test_validate_key (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(ScSettings) settings = load_fixture (fixture, NULL);
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "ok@example.com", "", NULL };

  g_assert_true (sc_settings_validate_key (settings, "smtp_port", NULL));
  sc_settings_set_smtp_port (settings, 0);
  g_assert_false (sc_settings_validate_key (settings, "smtp_port", &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "settings/config.json: \"smtp_port\" must be a whole number from 1 to 65535");
  g_clear_error (&error);
  g_assert_true (sc_settings_validate_key (settings, "to_addrs", NULL));

  sc_settings_set_recipients (settings, bad);
  g_assert_false (sc_settings_validate_key (settings, "to_addrs", &error));
  g_assert_true (g_str_has_prefix (error->message,
                                   "settings/data.json: \"to_addrs\" must be a list of e-mail "
                                   "addresses"));
  g_clear_error (&error);

  sc_settings_set_subject (settings, "Hi\nBcc: evil@example.com");
  g_assert_false (sc_settings_validate_key (settings, "subject", &error));
  g_assert_cmpstr (error->message, ==,
                   "settings/data.json: \"subject\" must not contain a line break");
  g_clear_error (&error);

  sc_settings_set_smtp_host (settings, "");
  g_assert_false (sc_settings_validate_key (settings, "smtp_host", NULL));
  g_assert_false (sc_settings_validate_key (settings, "smtp-host", NULL));

  /* The password never appears in a message. */
  sc_settings_set_password (settings, "very-secret-42");
  g_assert_false (sc_settings_validate (settings, &error));
  g_assert_null (strstr (error->message, "very-secret-42"));
}

static void
test_default_directory (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFile) again = NULL;
  g_autoptr(GFile) expected = NULL;
  g_autoptr(GFile) attachments = NULL;
  g_autoptr(ScSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *empty_cwd = g_build_filename (fixture->tmpdir, "elsewhere", NULL);
  g_autofree char *config_home = NULL;

  /* With ./settings present, that is the folder. */
  dir = sc_settings_default_directory (&error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (dir, fixture->dir));
  g_clear_object (&dir);

  /* From a folder without ./settings: $XDG_CONFIG_HOME/smtp-client, made on first use. */
  g_assert_cmpint (g_mkdir (empty_cwd, 0755), ==, 0);
  g_assert_cmpint (g_chdir (empty_cwd), ==, 0);

  config_home = g_build_filename (g_get_user_config_dir (), "smtp-client", NULL);
  g_assert_false (g_file_test (config_home, G_FILE_TEST_EXISTS));

  dir = sc_settings_default_directory (&error);
  g_assert_no_error (error);
  expected = g_file_new_for_path (config_home);
  g_assert_true (g_file_equal (dir, expected));

  g_assert_cmpuint (file_mode (dir, "credentials.json"), ==, 0600);
  attachments = g_file_get_child (dir, "attachments");
  g_assert_cmpint (g_file_query_file_type (attachments, 0, NULL), ==, G_FILE_TYPE_DIRECTORY);

  settings = sc_settings_new (dir);
  sc_settings_load (settings, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, "smtp.example.com");
  g_assert_cmpuint (sc_settings_get_smtp_port (settings), ==, 465);

  /* Only once: the user's changes are kept. */
  sc_settings_set_subject (settings, "Mine");
  sc_settings_save (settings, &error);
  g_assert_no_error (error);
  again = sc_settings_default_directory (&error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (again, dir));
  g_clear_object (&settings);
  settings = sc_settings_new (again);
  sc_settings_load (settings, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Mine");

  sc_test_rm_rf (config_home);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("/settings/load/shipped-example", test_load_shipped_example, NULL);
  ADD ("/settings/load/writes-nothing", test_load_writes_nothing, NULL);
  ADD ("/settings/load/missing-file", test_missing_file, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/settings/load/broken-json/%s/%u",
                                               broken_cases[i].file, i);

      ADD (path, test_broken_json, &broken_cases[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/settings/load/invalid-value/%u", i);

      ADD (path, test_invalid_value, &invalid_cases[i]);
    }

  ADD ("/settings/save/round-trip", test_save_round_trip, NULL);
  ADD ("/settings/save/unchanged-is-identical", test_save_unchanged_is_identical, NULL);
  ADD ("/settings/save/invalid-writes-nothing", test_save_invalid_writes_nothing, NULL);
  ADD ("/settings/save/creates-folder", test_save_creates_folder, NULL);
  ADD ("/settings/relative-paths", test_relative_paths, NULL);
  ADD ("/settings/security/defaults", test_security_defaults, NULL);
  ADD ("/settings/security/none-needs-loopback", test_none_needs_loopback, NULL);
  ADD ("/settings/validate-key", test_validate_key, NULL);
  ADD ("/settings/default-directory", test_default_directory, NULL);

#undef ADD

  return g_test_run ();
}

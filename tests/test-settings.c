/* test-settings.c — tests of ScSettings and ScSettingsStore: loading, errors, saving, defaults
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-settings"

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sc-body.h"
#include "sc-error.h"
#include "sc-settings-store.h"
#include "sc-settings.h"
#include "sc-test-server.h"

typedef struct
{
  char  *old_cwd;
  char  *tmpdir;      /* the current directory during the test */
  GFile *dir;         /* tmpdir/settings, a copy of the shipped example */
} Fixture;

static const char * const settings_files[] = { "config.json", "credentials.json", "data.json" };

static GThread *main_thread;

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
write_settings_file (const char *name,
                     const char *contents)
{
  sc_test_write_file ("settings", name, contents, -1);
}

static char *
read_settings_file (const char *name)
{
  return sc_test_read_file ("settings", name, NULL);
}

static JsonNode *
parse_settings_file (const char *name)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_build_filename ("settings", name, NULL);
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_parser_steal_root (parser);
}

/* Reads the three settings files into @contents. */
static void
snapshot_settings_files (char **contents)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings_files); i++)
    contents[i] = read_settings_file (settings_files[i]);
}

/* Asserts that the three settings files still hold @contents, which it frees. */
static void
assert_settings_files_unchanged (char **contents)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings_files); i++)
    {
      g_autofree char *after = read_settings_file (settings_files[i]);

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

/* A store for @dir, loaded; the result of the load goes to @error. */
static ScSettingsStore *
load_store (GFile   *dir,
            GError **error)
{
  ScSettingsStore *store = sc_settings_store_new (dir);

  sc_settings_store_load (store, NULL, error);
  return store;
}

static void
async_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out_result = user_data;

  g_assert_true (g_thread_self () == main_thread);
  *out_result = g_object_ref (result);
}

/* Runs the default main context until an async call has called back. */
static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

/* Saves through the async pair, waiting for it on the default main context. */
static gboolean
save_store (ScSettingsStore  *store,
            GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sc_settings_store_save_async (store, NULL, async_result_cb, &result);
  return sc_settings_store_save_finish (store, wait_for_result (&result), error);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* The model is only ever touched on the thread of the caller. */
static void
assert_main_thread_cb (GObject    *object,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  g_assert_true (g_thread_self () == main_thread);
}

static void
assert_shipped_values (ScSettings *settings)
{
  const char *to[] = { "recipient@example.org", NULL };
  g_autofree char *message_file_path = NULL;
  g_autofree char *attachment_folder_path = NULL;

  g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, "smtp.example.com");
  g_assert_cmpuint (sc_settings_get_smtp_port (settings), ==, 465);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_TLS);
  g_assert_null (sc_settings_get_ca_file (settings));
  g_assert_cmpuint (sc_settings_get_timeout_seconds (settings), ==, SC_SETTINGS_DEFAULT_TIMEOUT);
  g_assert_cmpstr (sc_settings_get_login (settings), ==, "sender@example.com");
  g_assert_cmpstr (sc_settings_get_password (settings), ==, "your_password");
  g_assert_true (g_strv_equal (sc_settings_get_recipients (settings), to));
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Subject");
  g_object_get (settings, "message-file-path", &message_file_path,
                "attachment-folder-path", &attachment_folder_path, NULL);
  g_assert_cmpstr (message_file_path, ==, "example_msg.txt");
  g_assert_cmpstr (attachment_folder_path, ==, "attachments");
  g_assert_false (sc_settings_get_modified (settings));
}

/* ------------------------------------------------------------------------------------------ */
/* Fixture                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *source = source_settings_dir ();
  const char *names[] = { "config.json", "credentials.json", "data.json", "example_msg.txt",
                          "attachments/example.txt" };

  fixture->old_cwd = g_get_current_dir ();
  fixture->tmpdir = sc_test_make_tmpdir ();
  g_assert_cmpint (g_chdir (fixture->tmpdir), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents ("settings/attachments", 0755), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gsize length = 0;
      g_autofree char *contents = sc_test_read_file (source, names[i], &length);

      sc_test_write_file ("settings", names[i], contents, length);
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
/* Loading                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
test_load_shipped_example (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *source = source_settings_dir ();
  g_autoptr(GFile) dir = g_file_new_for_path (source);
  g_autoptr(ScSettingsStore) store = sc_settings_store_new (dir);
  ScSettings *settings = sc_settings_store_get_settings (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) message_file = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) expected_folder = NULL;

  g_assert_true (g_file_equal (sc_settings_get_directory (settings), dir));

  g_assert_true (sc_settings_store_load (store, NULL, &error));
  g_assert_no_error (error);
  assert_shipped_values (settings);

  message_file = sc_settings_get_message_file (settings);
  g_assert_true (g_file_query_exists (message_file, NULL));
  folder = sc_settings_get_attachment_folder (settings);
  expected_folder = g_file_get_child (dir, "attachments");
  g_assert_true (g_file_equal (folder, expected_folder));

  g_assert_true (sc_settings_validate (settings, &error));
  g_assert_no_error (error);

  g_object_ref (settings);
  g_assert_finalize_object (g_steal_pointer (&store));
  g_assert_finalize_object (settings);
}

static void
test_load_async (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = sc_settings_store_new (fixture->dir);
  ScSettings *settings = sc_settings_store_get_settings (store);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_signal_connect (settings, "notify", G_CALLBACK (assert_main_thread_cb), NULL);

  sc_settings_store_load_async (store, NULL, async_result_cb, &result);
  g_assert_null (sc_settings_get_smtp_host (settings));
  g_assert_true (sc_settings_store_load_finish (store, wait_for_result (&result), &error));
  g_assert_no_error (error);
  assert_shipped_values (settings);
  g_clear_object (&result);

  /* The first problem, as from the blocking load. */
  write_settings_file ("data.json", "{\"to_addrs\": []}");
  sc_settings_store_load_async (store, NULL, async_result_cb, &result);
  g_assert_false (sc_settings_store_load_finish (store, wait_for_result (&result), &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "settings/data.json: \"to_addrs\""));
  g_assert_cmpstr (sc_settings_get_login (settings), ==, "sender@example.com");
  g_clear_object (&result);
  g_clear_error (&error);

  /* Cancelled: an error the user is never shown, and the model is untouched. */
  g_object_set (settings, "subject", "Typed", NULL);
  g_cancellable_cancel (cancellable);
  sc_settings_store_load_async (store, cancellable, async_result_cb, &result);
  g_assert_false (sc_settings_store_load_finish (store, wait_for_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Typed");
  g_clear_error (&error);

  g_assert_false (sc_settings_store_load (store, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Typed");
}

static void
test_load_writes_nothing (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  char *before[G_N_ELEMENTS (settings_files)];
  guint count = 0;

  snapshot_settings_files (before);
  store = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  assert_settings_files_unchanged (before);

  dir = g_dir_open ("settings", 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    count++;
  g_assert_cmpuint (count, ==, 5);
}

static void
test_load_missing_file (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ScSettings *settings;

  g_assert_cmpint (g_unlink ("settings/credentials.json"), ==, 0);

  store = load_store (fixture->dir, &error);
  settings = sc_settings_store_get_settings (store);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "settings/credentials.json: the file does not exist");
  g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, "smtp.example.com");
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Subject");
  g_assert_null (sc_settings_get_login (settings));
}

typedef struct
{
  const char *file;
  const char *contents;
  const char *prefix;          /* the error message starts with this: file:line:column */
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "config.json", "{\n  \"smtp_host\": \"smtp.example.com\",\n  \"smtp_port\": 465,,\n}\n",
    "settings/config.json:3:19: unexpected character `,', expected string constant" },
  { "credentials.json", "{\n  \"login\": \"sender@example.com\"\n  \"password\": \"x\"\n}\n",
    "settings/credentials.json:2:31: unexpected string constant \"sender@example.com\", "
    "expected character `,'" },
  { "data.json", "{\n  \"to_addrs\": [\"recipient@example.org\",\n  \"message\": {}\n}\n",
    "settings/data.json:3:11: " },
  { "data.json", "", "settings/data.json:1:1: the file is empty" },
  { "data.json", "{\n  \"to_addrs\": [\"r\xff@example.org\"]\n}\n",
    "settings/data.json:2:18: the file is not UTF-8 text" },
  { "config.json", "[\"smtp.example.com\", 465]", "settings/config.json:1:1: the file must hold" },
  /* json-glib quotes the text it stopped at, cut in the middle of a character (found by the
   * settings fuzzer): the message is valid UTF-8 all the same. */
  { "data.json", "{\n  \"to_addrs\": [\"x\"],\n  \"Мария Иванова <maria@пример.рф>\" \"x\"\n}\n",
    "settings/data.json:3:" },
};

static void
test_load_broken_json (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const BrokenCase *bc = user_data;
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ScSettings *settings;

  write_settings_file (bc->file, bc->contents);

  store = load_store (fixture->dir, &error);
  settings = sc_settings_store_get_settings (store);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, bc->prefix));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

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

/* Local files are read only when regular, without blocking, and bounded: a FIFO, a device, a
 * huge file or deep JSON gives an error naming the file, quickly. */
static void
test_load_bounded_files (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GFile) body = NULL;
  g_autofree char *text = NULL;
  int fd;

  /* A FIFO as config.json: opening it would wait for a writer forever. */
  g_assert_cmpint (g_unlink ("settings/config.json"), ==, 0);
  g_assert_cmpint (mkfifo ("settings/config.json", 0600), ==, 0);
  store = load_store (fixture->dir, &error);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "settings/config.json: "));
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);
  g_clear_object (&store);
  g_assert_cmpint (g_unlink ("settings/config.json"), ==, 0);

  /* Larger than the cap (sparse: nothing is really written). */
  fd = g_open ("settings/config.json", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, SC_SETTINGS_MAX_FILE_SIZE + 1), ==, 0);
  close (fd);
  store = load_store (fixture->dir, &error);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "larger than"));
  g_clear_error (&error);
  g_clear_object (&store);

  /* 200,000 nested arrays would overflow json-glib's stack. */
  g_string_append (deep, "{\"smtp_host\": ");
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  write_settings_file ("config.json", deep->str);
  store = load_store (fixture->dir, &error);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "settings/config.json:1:"));
  g_assert_nonnull (strstr (error->message, "nested more than"));
  g_clear_error (&error);

  /* The body: a device, a FIFO and a file over the cap. */
  body = g_file_new_for_path ("/dev/zero");
  text = sc_body_load (body, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_assert_true (g_str_has_prefix (error->message, "/dev/zero: "));
  g_clear_error (&error);
  g_clear_object (&body);

  g_assert_cmpint (mkfifo ("body.fifo", 0600), ==, 0);
  body = g_file_new_for_path ("body.fifo");
  text = sc_body_load (body, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);
  g_clear_object (&body);

  fd = g_open ("big.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, SC_BODY_MAX_SIZE + 1), ==, 0);
  close (fd);
  body = g_file_new_for_path ("big.txt");
  text = sc_body_load (body, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "big.txt: "));
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

#define PORT_RULE "settings/config.json: \"smtp_port\" must be a whole number from 1 to 65535"
#define TO_RULE "settings/data.json: \"to_addrs\" must be a list of e-mail addresses"

static const InvalidCase invalid_cases[] = {
  { "config.json", CONFIG_WITH ("\"smtp_port\": \"465\""), PORT_RULE },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 0"), PORT_RULE },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 70000"), PORT_RULE },
  { "config.json", CONFIG_WITH ("\"smtp_port\": -25"), PORT_RULE },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 465.5"), PORT_RULE },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 8589934592"), PORT_RULE },
  { "config.json", "{\"smtp_host\": \"smtp.example.com\"}",
    "settings/config.json: \"smtp_port\" is missing" },
  { "config.json", "{\"smtp_port\": 465}", "settings/config.json: \"smtp_host\" is missing" },
  { "config.json", "{\"smtp_host\": \"\", \"smtp_port\": 465}",
    "settings/config.json: \"smtp_host\" must be the name or address of the SMTP server" },
  { "config.json", "{\"smtp_host\": \"smtp example.com\", \"smtp_port\": 465}",
    "settings/config.json: \"smtp_host\" must be a host name or address without spaces" },
  { "config.json", "{\"smtp_host\": 42, \"smtp_port\": 465}",
    "settings/config.json: \"smtp_host\" must be a text string in double quotes" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 465, \"security\": \"ssl\""),
    "settings/config.json: \"security\" must be \"tls\", \"starttls\" or \"none\"" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 465, \"security\": true"),
    "settings/config.json: \"security\" must be a text string in double quotes" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 25, \"security\": \"none\""),
    "settings/config.json: \"security\" may be \"none\" (no encryption) only for a server on "
    "this computer (localhost, 127.0.0.1 or ::1); use \"tls\" or \"starttls\" for "
    "\"smtp.example.com\"" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 465, \"timeout_seconds\": 0"),
    "settings/config.json: \"timeout_seconds\" must be a whole number of seconds from 1 to "
    "86400" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 465, \"timeout_seconds\": \"60\""),
    "settings/config.json: \"timeout_seconds\" must be a whole number of seconds" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 465, \"ca_file\": \"a.pem\\nb.pem\""),
    "settings/config.json: \"ca_file\" must be the path of a PEM file" },
  { "config.json", CONFIG_WITH ("\"smtp_port\": 465, \"ca_file\": 1"),
    "settings/config.json: \"ca_file\" must be a text string in double quotes" },
  { "credentials.json", "{\"password\": \"x\"}",
    "settings/credentials.json: \"login\" is missing" },
  { "credentials.json", "{\"login\": \"\", \"password\": \"x\"}",
    "settings/credentials.json: \"login\" must be the login (the sender's e-mail address)" },
  { "credentials.json", "{\"login\": \"a@example.com\\r\\n\", \"password\": \"x\"}",
    "settings/credentials.json: \"login\" must not contain a line break" },
  { "credentials.json", "{\"login\": \"sender@example.com\", \"password\": 12345}",
    "settings/credentials.json: \"password\" must be a text string" },
  { "credentials.json", "{\"login\": \"sender@example.com\"}",
    "settings/credentials.json: \"password\" is missing" },
  { "data.json", DATA_WITH ("\"recipient@example.org\"", "\"Subject\""),
    TO_RULE ", like [\"someone@example.com\"]" },
  { "data.json", DATA_WITH ("[]", "\"Subject\""), TO_RULE " with at least one address" },
  { "data.json", DATA_WITH ("[\"recipient@example.org\", 7]", "\"Subject\""),
    TO_RULE ": item 2 is not a text string" },
  { "data.json", DATA_WITH ("[\"recipient@example.org\", \"not an address\"]", "\"Subject\""),
    TO_RULE ": \"not an address\" (item 2) is not one" },
  { "data.json", DATA_WITH ("[\"Name <x@@example.org>\"]", "\"Subject\""),
    TO_RULE ": \"Name <x@@example.org>\" (item 1) is not one" },
  { "data.json", DATA_WITH ("[\"a@example.org\", \"b@пример.рф, c@example.org\"]", "\"Subject\""),
    TO_RULE ": \"b@пример.рф, c@example.org\" (item 2) is not one" },
  { "data.json", "{\"to_addrs\": [\"a@example.org\"], \"cc_addrs\": [\"b@example.org\", \"x y\"], "
    "\"message\": {\"subject\": \"S\", \"message_file_path\": \"m.txt\"}}",
    "settings/data.json: \"cc_addrs\" must be a list of e-mail addresses: \"x y\" (item 2) is "
    "not one" },
  { "data.json", "{\"to_addrs\": [\"a@example.org\"], \"bcc_addrs\": \"b@example.org\", "
    "\"message\": {\"subject\": \"S\", \"message_file_path\": \"m.txt\"}}",
    "settings/data.json: \"bcc_addrs\" must be a list of e-mail addresses, like "
    "[\"someone@example.com\"]" },
  { "data.json", "{\"to_addrs\": [\"a@example.org\"], \"message\": {\"subject\": \"S\", "
    "\"message_file_path\": \"m.txt\", \"excluded_attachments\": [\"a.txt\", \"b/c\"]}}",
    "settings/data.json: \"excluded_attachments\" must be a list of file names: item 2 is not "
    "one" },
  { "data.json", "{\"to_addrs\": [\"a@example.org\"], \"message\": {\"subject\": \"S\", "
    "\"message_file_path\": \"m.txt\", \"attachment_paths\": \"a.txt\"}}",
    "settings/data.json: \"attachment_paths\" must be a list of text strings, like "
    "[\"report.pdf\"]" },
  { "data.json", "{\"to_addrs\": [\"a@example.org\"], \"message\": {\"subject\": \"S\", "
    "\"message_file_path\": \"m.txt\", \"attachment_paths\": [\"a.txt\", 7]}}",
    "settings/data.json: \"attachment_paths\" must be a list of text strings: item 2 is not "
    "one" },
  { "data.json", "{\"to_addrs\": [\"a@example.org\"], \"message\": {\"subject\": \"S\", "
    "\"message_file_path\": \"m.txt\", \"attachment_paths\": [\"\"]}}",
    "settings/data.json: \"attachment_paths\" must be a list of file paths: item 1 is not one" },
  { "data.json", DATA_WITH ("[\"recipient@example.org\"]", "\"Subject\\r\\nBcc: x@y.z\""),
    "settings/data.json: \"subject\" must not contain a line break" },
  { "data.json", DATA_WITH ("[\"recipient@example.org\"]", "17"),
    "settings/data.json: \"subject\" must be a text string" },
  { "data.json", "{\"to_addrs\": [\"recipient@example.org\"]}",
    "settings/data.json: \"message\" is missing" },
  { "data.json", "{\"to_addrs\": [\"recipient@example.org\"], \"message\": \"Hello\"}",
    "settings/data.json: \"message\" must be an object with \"subject\", \"message_file_path\" "
    "and \"attachment_folder_path\"" },
  { "data.json", "{\"to_addrs\": [\"recipient@example.org\"], \"message\": {\"subject\": \"S\", "
    "\"message_file_path\": \"\"}}",
    "settings/data.json: \"message_file_path\" must be the path of the text file with the "
    "message body" },
};

static void
test_load_invalid_value (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const InvalidCase *ic = user_data;
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ScSettings *settings;

  write_settings_file (ic->file, ic->contents);

  store = load_store (fixture->dir, &error);
  settings = sc_settings_store_get_settings (store);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, ic->prefix));

  /* The other files still load. */
  if (!g_str_equal (ic->file, "credentials.json"))
    g_assert_cmpstr (sc_settings_get_login (settings), ==, "sender@example.com");
  else
    g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, "smtp.example.com");
}

/* ------------------------------------------------------------------------------------------ */
/* Saving                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void
test_save_round_trip (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(ScSettingsStore) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) config = NULL;
  g_autoptr(JsonNode) credentials = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autofree char *config_text = NULL;
  g_autofree char *old_config = NULL;
  g_autofree char *data_text = NULL;
  g_autoptr(GDir) dir = NULL;
  JsonObject *object;
  JsonObject *message;
  ScSettings *settings;
  const char *name;
  const char *new_recipients[] = { "a@example.org", "b@example.net", NULL };

  write_settings_file ("config.json",
                       "{\n  \"smtp_host\": \"smtp.example.com\",\n  \"smtp_port\": 465,\n"
                       "  \"x_custom\": {\"keep\": [1, 2, 3]}\n}\n");
  write_settings_file ("credentials.json",
                       "{\"login\": \"sender@example.com\", \"password\": \"your_password\", "
                       "\"x_note\": \"kept\"}");
  write_settings_file ("data.json",
                       "{\"to_addrs\": [\"recipient@example.org\"], \"x_top\": true, "
                       "\"message\": {\"subject\": \"Subject\", "
                       "\"message_file_path\": \"example_msg.txt\", "
                       "\"attachment_folder_path\": \"attachments\", \"x_inner\": 7}}");
  g_assert_cmpint (g_chmod ("settings/credentials.json", 0644), ==, 0);
  /* A second name for the old config.json: an atomic save replaces the file, so it keeps the
   * old contents. */
  g_assert_cmpint (link ("settings/config.json", "old-config.json"), ==, 0);

  store = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  settings = sc_settings_store_get_settings (store);

  g_object_set (settings,
                "subject", "Тема письма",
                "smtp-port", 587,
                "password", "новый пароль",
                "recipients", new_recipients,
                NULL);
  g_assert_true (save_store (store, &error));
  g_assert_no_error (error);
  g_assert_false (sc_settings_get_modified (settings));

  g_assert_cmpuint (file_mode (fixture->dir, "credentials.json"), ==, 0600);
  old_config = sc_test_read_file ("old-config.json", NULL, NULL);
  g_assert_nonnull (strstr (old_config, "465"));

  /* Pretty, with a final newline and readable UTF-8; keys we do not know are kept, and no
   * optional key is added. */
  config_text = read_settings_file ("config.json");
  g_assert_true (g_str_has_prefix (config_text, "{\n  \""));
  g_assert_true (g_str_has_suffix (config_text, "}\n"));
  data_text = read_settings_file ("data.json");
  g_assert_nonnull (strstr (data_text, "Тема письма"));

  config = parse_settings_file ("config.json");
  object = json_node_get_object (config);
  g_assert_cmpint (json_object_get_int_member (object, "smtp_port"), ==, 587);
  g_assert_false (json_object_has_member (object, "security"));
  g_assert_false (json_object_has_member (object, "timeout_seconds"));
  g_assert_false (json_object_has_member (object, "ca_file"));
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (
    json_object_get_object_member (object, "x_custom"), "keep")), ==, 3);

  credentials = parse_settings_file ("credentials.json");
  object = json_node_get_object (credentials);
  g_assert_cmpstr (json_object_get_string_member (object, "password"), ==, "новый пароль");
  g_assert_cmpstr (json_object_get_string_member (object, "x_note"), ==, "kept");

  data = parse_settings_file ("data.json");
  object = json_node_get_object (data);
  message = json_object_get_object_member (object, "message");
  g_assert_true (json_object_get_boolean_member (object, "x_top"));
  g_assert_cmpint (json_object_get_int_member (message, "x_inner"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (message, "subject"), ==, "Тема письма");

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

  reloaded = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  settings = sc_settings_store_get_settings (reloaded);
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Тема письма");
  g_assert_cmpuint (sc_settings_get_smtp_port (settings), ==, 587);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_STARTTLS);
  g_assert_cmpstr (sc_settings_get_password (settings), ==, "новый пароль");
  g_assert_true (g_strv_equal (sc_settings_get_recipients (settings), new_recipients));

  /* An explicit security, a time-out and a CA file are written; clearing them removes them. */
  g_object_set (settings, "security", SC_SECURITY_TLS, "timeout-seconds", 5,
                "ca-file", "ca.pem", NULL);
  g_assert_true (save_store (reloaded, &error));
  g_clear_pointer (&config, json_node_unref);
  config = parse_settings_file ("config.json");
  object = json_node_get_object (config);
  g_assert_cmpstr (json_object_get_string_member (object, "security"), ==, "tls");
  g_assert_cmpint (json_object_get_int_member (object, "timeout_seconds"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (object, "ca_file"), ==, "ca.pem");
  g_assert_true (json_object_has_member (object, "x_custom"));

  g_object_set (settings, "security-explicit", FALSE, "ca-file", "", NULL);
  g_assert_true (save_store (reloaded, &error));
  g_clear_pointer (&config, json_node_unref);
  config = parse_settings_file ("config.json");
  object = json_node_get_object (config);
  g_assert_false (json_object_has_member (object, "security"));
  g_assert_false (json_object_has_member (object, "ca_file"));
  g_assert_cmpint (json_object_get_int_member (object, "timeout_seconds"), ==, 5);
}

/* cc_addrs and bcc_addrs are optional: absent means none and stays absent; once set they are
 * written, and a list once present is kept even when emptied. to_addrs keeps display names. */
static void
test_save_cc_bcc (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(ScSettingsStore) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = NULL;
  const char * const to[] = { "Мария Иванова <maria@example.test>", NULL };
  const char * const bcc[] = { "hidden@example.com", "user@пример.рф", NULL };
  const char * const none[] = { NULL };
  ScSettings *settings;
  JsonObject *object;
  JsonArray *array;

  write_settings_file ("data.json",
                       "{\"to_addrs\": [\"Мария Иванова <maria@example.test>\"], "
                       "\"message\": {\"subject\": \"S\", \"message_file_path\": \"m.txt\"}}");

  store = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  settings = sc_settings_store_get_settings (store);
  g_assert_cmpstrv (sc_settings_get_recipients (settings), to);
  g_assert_null (sc_settings_get_cc_recipients (settings));
  g_assert_null (sc_settings_get_bcc_recipients (settings));
  g_assert_true (sc_settings_validate (settings, &error));
  g_assert_no_error (error);

  g_object_set (settings, "bcc-recipients", bcc, NULL);
  g_assert_true (sc_settings_get_modified (settings));
  g_assert_true (save_store (store, &error));
  g_assert_no_error (error);

  data = parse_settings_file ("data.json");
  object = json_node_get_object (data);
  g_assert_false (json_object_has_member (object, "cc_addrs"));
  array = json_object_get_array_member (object, "bcc_addrs");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "user@пример.рф");
  array = json_object_get_array_member (object, "to_addrs");
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, to[0]);

  reloaded = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  settings = sc_settings_store_get_settings (reloaded);
  g_assert_cmpstrv (sc_settings_get_bcc_recipients (settings), bcc);
  g_assert_null (sc_settings_get_cc_recipients (settings));

  /* Emptied, the list stays in the file as []. */
  g_object_set (settings, "bcc-recipients", none, NULL);
  g_assert_true (save_store (reloaded, &error));
  g_assert_no_error (error);
  g_clear_pointer (&data, json_node_unref);
  data = parse_settings_file ("data.json");
  object = json_node_get_object (data);
  g_assert_false (json_object_has_member (object, "cc_addrs"));
  array = json_object_get_array_member (object, "bcc_addrs");
  g_assert_nonnull (array);
  g_assert_cmpuint (json_array_get_length (array), ==, 0);
}

/* attachment_paths and excluded_attachments are optional lists in "message": a file inside the
 * settings folder is stored relative to it, one outside it absolute; both come back as set. */
static void
test_save_attachment_lists (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(ScSettingsStore) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GFile) inside = g_file_get_child (fixture->dir, "docs/report.pdf");
  g_autoptr(GFile) outside = g_file_new_for_path ("/tmp/elsewhere/photo.jpg");
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *inside_path = NULL;
  g_autofree char *outside_path = NULL;
  const char * const excluded[] = { "notes.txt", NULL };
  ScSettings *settings;
  JsonObject *message;
  JsonArray *array;

  store = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  settings = sc_settings_store_get_settings (store);
  g_assert_null (sc_settings_get_attachment_paths (settings));
  g_assert_null (sc_settings_get_excluded_attachments (settings));

  /* Untouched, neither list is written. */
  g_object_set (settings, "subject", "Changed", NULL);
  g_assert_true (save_store (store, &error));
  data = parse_settings_file ("data.json");
  message = json_object_get_object_member (json_node_get_object (data), "message");
  g_assert_false (json_object_has_member (message, "attachment_paths"));
  g_assert_false (json_object_has_member (message, "excluded_attachments"));

  inside_path = sc_settings_path_for_file (settings, inside);
  outside_path = sc_settings_path_for_file (settings, outside);
  g_assert_cmpstr (inside_path, ==, "docs/report.pdf");
  g_assert_cmpstr (outside_path, ==, "/tmp/elsewhere/photo.jpg");

  {
    const char * const paths[] = { inside_path, outside_path, NULL };

    g_object_set (settings, "attachment-paths", paths, "excluded-attachments", excluded, NULL);
  }
  g_assert_true (sc_settings_get_modified (settings));
  g_assert_true (sc_settings_validate (settings, &error));
  g_assert_no_error (error);
  g_assert_true (save_store (store, &error));
  g_assert_no_error (error);

  g_clear_pointer (&data, json_node_unref);
  data = parse_settings_file ("data.json");
  message = json_object_get_object_member (json_node_get_object (data), "message");
  array = json_object_get_array_member (message, "attachment_paths");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "docs/report.pdf");
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "/tmp/elsewhere/photo.jpg");
  array = json_object_get_array_member (message, "excluded_attachments");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "notes.txt");

  reloaded = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  settings = sc_settings_store_get_settings (reloaded);
  g_assert_false (sc_settings_get_modified (settings));
  g_assert_cmpstrv (sc_settings_get_excluded_attachments (settings), excluded);
  files = sc_settings_get_attachment_files (settings);
  g_assert_cmpuint (files->len, ==, 2);
  g_assert_true (g_file_equal (files->pdata[0], inside));
  g_assert_true (g_file_equal (files->pdata[1], outside));
}

static void
test_save_async (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(ScSettingsStore) reloaded = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ScSettings *settings;
  char *before[G_N_ELEMENTS (settings_files)];

  store = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  settings = sc_settings_store_get_settings (store);
  g_signal_connect (settings, "notify", G_CALLBACK (assert_main_thread_cb), NULL);

  /* The values are taken when the save starts; a change after that stays "modified". */
  g_object_set (settings, "subject", "Saved", NULL);
  sc_settings_store_save_async (store, NULL, async_result_cb, &result);
  g_object_set (settings, "login", "later@example.com", NULL);
  g_assert_true (sc_settings_store_save_finish (store, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_true (sc_settings_get_modified (settings));
  g_assert_cmpuint (file_mode (fixture->dir, "credentials.json"), ==, 0600);
  g_clear_object (&result);

  reloaded = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_subject (sc_settings_store_get_settings (reloaded)), ==,
                   "Saved");
  g_assert_cmpstr (sc_settings_get_login (sc_settings_store_get_settings (reloaded)), ==,
                   "sender@example.com");

  sc_settings_store_save_async (store, NULL, async_result_cb, &result);
  g_assert_true (sc_settings_store_save_finish (store, wait_for_result (&result), &error));
  g_assert_false (sc_settings_get_modified (settings));
  g_clear_object (&result);

  /* Invalid: refused before anything is written. */
  snapshot_settings_files (before);
  g_object_set (settings, "smtp-port", 0, NULL);
  sc_settings_store_save_async (store, NULL, async_result_cb, &result);
  g_assert_false (sc_settings_store_save_finish (store, wait_for_result (&result), &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, PORT_RULE);
  g_assert_true (sc_settings_get_modified (settings));
  assert_settings_files_unchanged (before);
}

static void
test_save_unchanged_keeps_everything (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *before[G_N_ELEMENTS (settings_files)];
  char *saved[G_N_ELEMENTS (settings_files)];

  for (guint i = 0; i < G_N_ELEMENTS (settings_files); i++)
    before[i] = parse_settings_file (settings_files[i]);

  store = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_true (save_store (store, &error));
  g_assert_no_error (error);

  /* The same JSON (json-glib's spacing is fine); saving again gives the same bytes. */
  for (guint i = 0; i < G_N_ELEMENTS (settings_files); i++)
    {
      g_autoptr(JsonNode) after = parse_settings_file (settings_files[i]);

      g_assert_true (json_node_equal (before[i], after));
      json_node_unref (before[i]);
    }

  snapshot_settings_files (saved);
  g_assert_true (save_store (store, &error));
  assert_settings_files_unchanged (saved);
}

static void
test_save_invalid_writes_nothing (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  const char *bad_recipients[] = { "recipient@example.org", "broken address", NULL };
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  char *before[G_N_ELEMENTS (settings_files)];
  ScSettings *settings;

  snapshot_settings_files (before);

  store = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  settings = sc_settings_store_get_settings (store);

  g_object_set (settings, "subject", "Changed", "recipients", bad_recipients, NULL);
  g_assert_false (save_store (store, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "settings/data.json: \"to_addrs\""));
  g_assert_true (sc_settings_get_modified (settings));
  g_clear_error (&error);

  g_object_set (settings, "recipients", NULL, "smtp-port", 0, NULL);
  g_assert_false (save_store (store, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, PORT_RULE);

  assert_settings_files_unchanged (before);
}

/* A credentials.json that others can read is named with the fix; saving makes it private. */
static void
test_load_warns_readable_credentials (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *warnings;

  g_assert_cmpint (g_chmod ("settings/credentials.json", 0644), ==, 0);
  store = load_store (fixture->dir, &error);
  g_assert_no_error (error);
  warnings = sc_settings_store_get_warnings (store);
  g_assert_cmpuint (g_strv_length ((char **) warnings), ==, 1);
  g_test_message ("%s", warnings[0]);
  g_assert_true (g_str_has_prefix (warnings[0], "settings/credentials.json can be read by "
                                                "other users"));
  g_assert_nonnull (strstr (warnings[0], "chmod 600 settings/credentials.json"));

  g_assert_true (save_store (store, &error));
  g_assert_cmpuint (file_mode (fixture->dir, "credentials.json"), ==, 0600);
  sc_settings_store_load (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((char **) sc_settings_store_get_warnings (store)), ==, 0);
}

/* A file that does not parse is never overwritten: Save refuses, naming it, until it is
 * fixed and loaded again. */
static void
test_save_keeps_unreadable_file (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  const char *recipients[] = { "someone@example.org", NULL };
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) unreadable = NULL;
  g_autofree char *name = NULL;
  char *before[G_N_ELEMENTS (settings_files)];
  ScSettings *settings;

  write_settings_file ("data.json", "{\"to_addrs\": [\"a@example.org\"],\n}\n");
  snapshot_settings_files (before);

  store = load_store (fixture->dir, &error);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE);
  g_clear_error (&error);
  settings = sc_settings_store_get_settings (store);
  unreadable = sc_settings_store_dup_unreadable_file (store);
  g_assert_nonnull (unreadable);
  name = g_file_get_basename (unreadable);
  g_assert_cmpstr (name, ==, "data.json");

  /* Everything valid in the model: only the broken file stops the save. */
  g_object_set (settings, "recipients", recipients, "subject", "Typed in the window",
                "message-file-path", "example_msg.txt", NULL);
  g_assert_false (save_store (store, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "(settings/data.json:1:31: "));
  g_assert_true (sc_settings_get_modified (settings));
  g_clear_error (&error);
  assert_settings_files_unchanged (before);

  /* Fixed and reloaded: only the fixed file is read again; the edit of another file stays. */
  g_object_set (settings, "smtp-port", 2525, NULL);
  write_settings_file ("data.json", "{\"to_addrs\": [\"a@example.org\"]}\n");
  sc_settings_store_reload_async (store, NULL, async_result_cb, &result);
  sc_settings_store_load_finish (store, wait_for_result (&result), &error);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (sc_settings_get_smtp_port (settings), ==, 2525);
  g_assert_cmpstr (sc_settings_get_recipients (settings)[0], ==, "a@example.org");
  g_assert_true (sc_settings_get_modified (settings));
  g_clear_object (&unreadable);
  unreadable = sc_settings_store_dup_unreadable_file (store);
  g_assert_null (unreadable);
  g_object_set (settings, "subject", "Typed in the window", "message-file-path",
                "example_msg.txt", NULL);
  g_assert_true (save_store (store, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "Typed in the window");
}

static void
test_save_creates_folder (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GFile) new_dir = g_file_new_for_path ("new/settings");
  g_autoptr(GFile) bad_dir = g_file_new_for_path ("settings/config.json/sub");
  g_autoptr(ScSettingsStore) fresh = sc_settings_store_new (new_dir);
  g_autoptr(ScSettingsStore) store = NULL;
  g_autoptr(ScSettingsStore) bad = NULL;
  g_autoptr(GError) error = NULL;
  ScSettings *settings = sc_settings_store_get_settings (fresh);
  const char *to[] = { "x@example.com", NULL };
  gboolean explicit = FALSE;

  g_object_set (settings,
                "smtp-host", "127.0.0.1",
                "smtp-port", 2525,
                "security", SC_SECURITY_NONE,
                "login", "me@example.com",
                "password", "p",
                "recipients", to,
                "subject", "",
                "message-file-path", "body.txt",
                NULL);
  g_assert_true (save_store (fresh, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (new_dir, "credentials.json"), ==, 0600);

  store = load_store (new_dir, &error);
  g_assert_no_error (error);
  settings = sc_settings_store_get_settings (store);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_NONE);
  g_assert_cmpuint (sc_settings_get_smtp_port (settings), ==, 2525);
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "");
  g_assert_null (sc_settings_get_attachment_folder (settings));
  g_object_get (settings, "security-explicit", &explicit, NULL);
  g_assert_true (explicit);

  /* A folder that cannot be made. */
  bad = sc_settings_store_new (bad_dir);
  g_object_set (sc_settings_store_get_settings (bad),
                "smtp-host", "smtp.example.com", "smtp-port", 465, "login", "me@example.com",
                "password", "p", "recipients", to, "subject", "S",
                "message-file-path", "body.txt", NULL);
  g_assert_false (save_store (bad, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message,
                                   "settings/config.json/sub: cannot create the settings "
                                   "folder: "));
}

/* ------------------------------------------------------------------------------------------ */
/* The model                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void
test_relative_paths (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(ScSettings) settings = sc_settings_new (fixture->dir);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) expected = NULL;
  g_autofree char *home_path = NULL;
  g_autofree char *abs_path = NULL;

  g_object_set (settings, "message-file-path", "example_msg.txt", NULL);
  file = sc_settings_get_message_file (settings);
  expected = g_file_get_child (fixture->dir, "example_msg.txt");
  g_assert_true (g_file_equal (file, expected));
  g_clear_object (&file);
  g_clear_object (&expected);

  g_object_set (settings, "attachment-folder-path", "sub/files", NULL);
  file = sc_settings_get_attachment_folder (settings);
  expected = g_file_resolve_relative_path (fixture->dir, "sub/files");
  g_assert_true (g_file_equal (file, expected));
  g_clear_object (&file);
  g_clear_object (&expected);

  g_object_set (settings, "message-file-path", "/etc/ssl/ca.pem", NULL);
  file = sc_settings_get_message_file (settings);
  abs_path = g_file_get_path (file);
  g_assert_cmpstr (abs_path, ==, "/etc/ssl/ca.pem");
  g_clear_object (&file);

  g_object_set (settings, "message-file-path", "~/mail/body.txt", NULL);
  file = sc_settings_get_message_file (settings);
  home_path = g_build_filename (g_get_home_dir (), "mail", "body.txt", NULL);
  expected = g_file_new_for_path (home_path);
  g_assert_true (g_file_equal (file, expected));
  g_clear_object (&file);
  g_clear_object (&expected);

  g_object_set (settings, "attachment-folder-path", "~", NULL);
  file = sc_settings_get_attachment_folder (settings);
  expected = g_file_new_for_path (g_get_home_dir ());
  g_assert_true (g_file_equal (file, expected));

  g_object_set (settings, "message-file-path", NULL, NULL);
  g_assert_null (sc_settings_get_message_file (settings));

  g_object_set (settings, "attachment-folder-path", "", NULL);
  g_assert_null (sc_settings_get_attachment_folder (settings));
}

typedef struct
{
  guint       port;
  ScSecurity  security;
  guint       security_notifies;  /* in total, so far */
} PortCase;

static void
test_security_defaults (Fixture       *fixture,
                        gconstpointer  user_data)
{
  static const PortCase ports[] = {
    { 465, SC_SECURITY_TLS, 1 },
    { 587, SC_SECURITY_STARTTLS, 2 },
    { 25, SC_SECURITY_STARTTLS, 2 },
    { 25, SC_SECURITY_STARTTLS, 2 },
    { 465, SC_SECURITY_TLS, 3 },
  };
  static const struct
  {
    const char *config;
    ScSecurity  security;
  } configs[] = {
    { "{\"smtp_host\": \"h.example\", \"smtp_port\": 465}", SC_SECURITY_TLS },
    { "{\"smtp_host\": \"h.example\", \"smtp_port\": 587}", SC_SECURITY_STARTTLS },
    { "{\"smtp_host\": \"h.example\", \"smtp_port\": 587, \"security\": \"tls\"}",
      SC_SECURITY_TLS },
    { "{\"smtp_host\": \"h.example\", \"smtp_port\": 465, \"security\": \"starttls\"}",
      SC_SECURITY_STARTTLS },
  };
  g_autoptr(ScSettingsStore) store = sc_settings_store_new (fixture->dir);
  ScSettings *settings = sc_settings_store_get_settings (store);
  guint port_notifies = 0;
  guint security_notifies = 0;
  gboolean explicit = TRUE;
  g_autoptr(GEnumClass) klass = NULL;

  g_signal_connect (settings, "notify::smtp-port", G_CALLBACK (count_notify_cb), &port_notifies);
  g_signal_connect (settings, "notify::security", G_CALLBACK (count_notify_cb),
                    &security_notifies);

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_object_set (settings, "smtp-port", ports[i].port, NULL);
      g_assert_cmpint (sc_settings_get_security (settings), ==, ports[i].security);
      g_assert_cmpuint (security_notifies, ==, ports[i].security_notifies);
    }
  g_assert_cmpuint (port_notifies, ==, 4);

  /* An explicit security survives a port change, until it is no longer explicit. */
  g_object_set (settings, "security", SC_SECURITY_STARTTLS, NULL);
  g_object_get (settings, "security-explicit", &explicit, NULL);
  g_assert_true (explicit);
  g_object_set (settings, "smtp-port", 465, "smtp-port", 587, "smtp-port", 465, NULL);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_STARTTLS);
  g_object_set (settings, "security-explicit", FALSE, NULL);
  g_assert_cmpint (sc_settings_get_security (settings), ==, SC_SECURITY_TLS);

  /* From config.json */
  for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
    {
      g_autoptr(GError) error = NULL;

      write_settings_file ("config.json", configs[i].config);
      sc_settings_store_load (store, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sc_settings_get_security (settings), ==, configs[i].security);
      g_object_get (settings, "security-explicit", &explicit, NULL);
      g_assert_true (explicit == (strstr (configs[i].config, "security") != NULL));
    }

  /* The nicks are the values written in config.json. */
  klass = g_type_class_ref (SC_TYPE_SECURITY);
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "starttls")->value, ==, SC_SECURITY_STARTTLS);
  g_assert_null (g_enum_get_value_by_nick (klass, "ssl"));
  g_assert_cmpstr (g_enum_get_value (klass, SC_SECURITY_NONE)->value_nick, ==, "none");
  g_assert_cmpint (sc_security_default_for_port (465), ==, SC_SECURITY_TLS);
  g_assert_cmpint (sc_security_default_for_port (25), ==, SC_SECURITY_STARTTLS);
  g_assert_true (G_TYPE_IS_ENUM (SC_TYPE_SECURITY));
}

static void
test_none_needs_loopback (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = load_store (fixture->dir, NULL);
  ScSettings *settings = sc_settings_store_get_settings (store);
  const char *loopback[] = { "localhost", "127.0.0.1", "127.10.20.30", "::1", "[::1]" };
  const char *remote[] = { "smtp.example.com", "10.0.0.1", "::2", "localhost.example.com" };

  g_object_set (settings, "security", SC_SECURITY_NONE, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (loopback); i++)
    {
      g_autoptr(GError) error = NULL;

      g_object_set (settings, "smtp-host", loopback[i], NULL);
      sc_settings_validate (settings, &error);
      g_assert_no_error (error);
      g_assert_true (sc_settings_validate_key (settings, "security", NULL));
    }

  for (guint i = 0; i < G_N_ELEMENTS (remote); i++)
    {
      g_autoptr(GError) error = NULL;

      g_object_set (settings, "smtp-host", remote[i], NULL);
      g_assert_false (sc_settings_validate (settings, &error));
      g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "settings/config.json: \"security\""));
      g_clear_error (&error);

      g_assert_false (sc_settings_validate_key (settings, "security", &error));
      g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
      g_assert_false (save_store (store, NULL));
    }
}

static void
test_validate_key (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = load_store (fixture->dir, NULL);
  ScSettings *settings = sc_settings_store_get_settings (store);
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "ok@example.com", "", NULL };

  g_assert_true (sc_settings_validate_key (settings, "smtp_port", NULL));
  g_assert_true (sc_settings_validate_key (settings, "x_unknown", NULL));
  g_object_set (settings, "smtp-port", 0, NULL);
  g_assert_false (sc_settings_validate_key (settings, "smtp_port", &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, PORT_RULE);
  g_clear_error (&error);
  g_assert_true (sc_settings_validate_key (settings, "to_addrs", NULL));

  g_object_set (settings, "recipients", bad, NULL);
  g_assert_false (sc_settings_validate_key (settings, "recipients", &error));
  g_assert_true (g_str_has_prefix (error->message, TO_RULE));
  g_clear_error (&error);

  g_object_set (settings, "subject", "Hi\nBcc: evil@example.com", NULL);
  g_assert_false (sc_settings_validate_key (settings, "subject", &error));
  g_assert_cmpstr (error->message, ==,
                   "settings/data.json: \"subject\" must not contain a line break");
  g_clear_error (&error);

  g_object_set (settings, "smtp-host", "", NULL);
  g_assert_false (sc_settings_validate_key (settings, "smtp_host", NULL));
  g_assert_false (sc_settings_validate_key (settings, "smtp-host", NULL));

  g_object_set (settings, "timeout-seconds", MAX (SC_SETTINGS_DEFAULT_TIMEOUT, 86400), NULL);
  g_assert_true (sc_settings_validate_key (settings, "timeout_seconds", NULL));

  /* The password never appears in a message. */
  g_object_set (settings, "password", "very-secret-42", NULL);
  g_assert_false (sc_settings_validate (settings, &error));
  g_assert_null (strstr (error->message, "very-secret-42"));
}

static void
test_modified (Fixture       *fixture,
               gconstpointer  user_data)
{
  const char *to[] = { "other@example.com", NULL };
  const char *shipped_to[] = { "recipient@example.org", NULL };
  static const char * const keys[] = {
    "smtp-host", "smtp-port", "security", "ca-file", "timeout-seconds", "login", "password",
    "recipients", "subject", "message-file-path", "attachment-folder-path",
  };
  g_autoptr(ScSettingsStore) store = load_store (fixture->dir, NULL);
  ScSettings *settings = sc_settings_store_get_settings (store);
  g_autoptr(GError) error = NULL;
  guint modified_notifies = 0;
  guint key_notifies = 0;

  g_signal_connect (settings, "notify::modified", G_CALLBACK (count_notify_cb),
                    &modified_notifies);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *signal = g_strconcat ("notify::", keys[i], NULL);

      g_signal_connect (settings, signal, G_CALLBACK (count_notify_cb), &key_notifies);
    }

  /* Setting the values they have is no change. */
  g_object_set (settings,
                "smtp-host", "smtp.example.com", "smtp-port", 465, "ca-file", NULL,
                "timeout-seconds", SC_SETTINGS_DEFAULT_TIMEOUT, "login", "sender@example.com",
                "password", "your_password", "recipients", shipped_to, "subject", "Subject",
                "message-file-path", "example_msg.txt", "attachment-folder-path", "attachments",
                NULL);
  g_assert_cmpuint (key_notifies, ==, 0);
  g_assert_cmpuint (modified_notifies, ==, 0);
  g_assert_false (sc_settings_get_modified (settings));

  /* Each real change notifies once; "modified" becomes TRUE once. */
  g_object_set (settings,
                "smtp-host", "127.0.0.1", "smtp-port", 2525, "ca-file", "ca.pem",
                "timeout-seconds", 5, "login", "me@example.com", "password", "secret",
                "recipients", to, "subject", "New", "message-file-path", "body.txt",
                "attachment-folder-path", "files", "security", SC_SECURITY_NONE, NULL);
  g_assert_cmpuint (key_notifies, ==, G_N_ELEMENTS (keys));
  g_assert_cmpuint (modified_notifies, ==, 1);
  g_assert_true (sc_settings_get_modified (settings));

  /* Saving, and loading, make it FALSE. */
  g_assert_true (save_store (store, &error));
  g_assert_no_error (error);
  g_assert_false (sc_settings_get_modified (settings));
  g_assert_cmpuint (modified_notifies, ==, 2);

  g_object_set (settings, "subject", "Newer", NULL);
  g_assert_true (sc_settings_get_modified (settings));
  g_assert_true (sc_settings_store_load (store, NULL, &error));
  g_assert_cmpstr (sc_settings_get_subject (settings), ==, "New");
  g_assert_false (sc_settings_get_modified (settings));
  g_assert_cmpuint (modified_notifies, ==, 4);

  /* A load of what is already there changes nothing. */
  key_notifies = 0;
  g_assert_true (sc_settings_store_load (store, NULL, &error));
  g_assert_cmpuint (key_notifies, ==, 0);
  g_assert_cmpuint (modified_notifies, ==, 4);
}

static void
test_default_directory (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFile) again = NULL;
  g_autoptr(GFile) expected = NULL;
  g_autoptr(GFile) attachments = NULL;
  g_autoptr(ScSettingsStore) store = NULL;
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

  store = load_store (dir, &error);
  g_assert_no_error (error);
  assert_shipped_values (sc_settings_store_get_settings (store));

  /* Only once: the user's changes are kept. */
  g_object_set (sc_settings_store_get_settings (store), "subject", "Mine", NULL);
  g_assert_true (save_store (store, &error));
  again = sc_settings_default_directory (&error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (again, dir));
  g_clear_object (&store);
  store = load_store (again, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_subject (sc_settings_store_get_settings (store)), ==, "Mine");

  /* A file where the folder should be. */
  sc_test_rm_rf (config_home);
  sc_test_write_file (g_get_user_config_dir (), "smtp-client", "", 0);
  g_clear_object (&dir);
  dir = sc_settings_default_directory (&error);
  g_assert_null (dir);
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO);
  g_assert_true (g_str_has_suffix (error->message, "smtp-client: exists but is not a folder"));

  sc_test_rm_rf (config_home);
}

/* ------------------------------------------------------------------------------------------ */
/* The shipped examples                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* A reserved name (RFC 2606, RFC 6761): example.com/.org/.net, or under .test. */
static gboolean
is_reserved_domain (const char *domain)
{
  static const char * const reserved[] = { "example.com", "example.org", "example.net" };
  g_autofree char *lower = g_ascii_strdown (domain, -1);

  if (g_str_has_suffix (lower, ".test"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    {
      g_autofree char *sub = g_strconcat (".", reserved[i], NULL);

      if (g_str_equal (lower, reserved[i]) || g_str_has_suffix (lower, sub))
        return TRUE;
    }

  return FALSE;
}

/* Every domain of an address and every "smtp_host" in @text is a reserved name; returns how
 * many there were. */
static guint
assert_reserved_names (const char *where,
                       const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("@([^\\s\"<>,;]+)|\"smtp_host\"\\s*:\\s*\"([^\"]*)\"",
                                         0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  guint n = 0;

  g_assert_nonnull (regex);
  for (g_regex_match (regex, text, 0, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    {
      g_autofree char *address_domain = g_match_info_fetch (match, 1);
      g_autofree char *host = g_match_info_fetch (match, 2);
      const char *domain = address_domain != NULL && *address_domain != '\0'
                           ? address_domain : host;

      if (!is_reserved_domain (domain))
        g_error ("%s names %s, which is not a reserved example name", where, domain);
      n++;
    }

  return n;
}

/* The example settings (the files in settings/, the copies built into the program, and the
 * README's example) name only reserved domains: no real server or mailbox gets mail. */
static void
test_examples_use_reserved_names (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  static const char * const files[] = { "config.json", "credentials.json", "data.json" };
  g_autofree char *source = source_settings_dir ();
  g_autofree char *readme = NULL;
  const char *block;
  const char *end;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *resource = g_strconcat ("/io/github/smtpclient/SmtpClient/settings/",
                                               files[i], NULL);
      g_autofree char *text = sc_test_read_file (source, files[i], NULL);
      g_autoptr(GBytes) built = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                                         NULL);

      n += assert_reserved_names (files[i], text);
      g_assert_nonnull (built);
      g_assert_cmpmem (g_bytes_get_data (built, NULL), g_bytes_get_size (built),
                       text, strlen (text));
    }
  /* The server, the login and the recipient */
  g_assert_cmpuint (n, ==, 3);

  readme = sc_test_read_file (g_getenv ("SC_SOURCE_ROOT"), "README.md", NULL);
  block = strstr (readme, "Example (the files shipped in `settings/`):\n\n```json\n");
  g_assert_nonnull (block);
  end = strstr (block, "\n```\n");
  g_assert_nonnull (end);
  {
    g_autofree char *example = g_strndup (block, end - block);

    g_assert_cmpuint (assert_reserved_names ("README.md", example), ==, 3);
  }
}

/* The one rule for settings never set up: the example server. It loads, validates and saves
 * (the user sees what to change); sending is refused, by the session, with this error. */
static void
test_example_server (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(ScSettingsStore) store = load_store (fixture->dir, NULL);
  ScSettings *settings = sc_settings_store_get_settings (store);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (sc_settings_get_smtp_host (settings), ==, SC_SETTINGS_EXAMPLE_HOST);
  g_assert_true (sc_settings_uses_example_server (settings));
  g_assert_true (sc_settings_validate (settings, &error));
  g_assert_no_error (error);

  g_assert_false (sc_settings_check_example_server (settings, &error));
  g_assert_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_EXAMPLE_SERVER);
  g_assert_cmpstr (sc_settings_error_get_key (error), ==, "smtp_host");
  g_assert_cmpstr (error->message, ==,
                   "settings/config.json: \"smtp_host\" still names the example server "
                   "smtp.example.com: set up your account with your provider's server, your "
                   "login and your password");
  g_clear_error (&error);

  g_object_set (settings, "smtp-host", "SMTP.Example.COM", NULL);
  g_assert_true (sc_settings_uses_example_server (settings));

  g_object_set (settings, "smtp-host", "smtp.example.net", NULL);
  g_assert_false (sc_settings_uses_example_server (settings));
  g_assert_true (sc_settings_check_example_server (settings, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  main_thread = g_thread_self ();

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("/settings/load/shipped-example", test_load_shipped_example, NULL);
  ADD ("/settings/load/async", test_load_async, NULL);
  ADD ("/settings/load/writes-nothing", test_load_writes_nothing, NULL);
  ADD ("/settings/load/bounded-files", test_load_bounded_files, NULL);
  ADD ("/settings/load/warns-readable-credentials", test_load_warns_readable_credentials, NULL);
  ADD ("/settings/load/missing-file", test_load_missing_file, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/settings/load/broken-json/%s/%u",
                                               broken_cases[i].file, i);

      ADD (path, test_load_broken_json, &broken_cases[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/settings/load/invalid-value/%u", i);

      ADD (path, test_load_invalid_value, &invalid_cases[i]);
    }

  ADD ("/settings/save/round-trip", test_save_round_trip, NULL);
  ADD ("/settings/save/async", test_save_async, NULL);
  ADD ("/settings/save/cc-bcc", test_save_cc_bcc, NULL);
  ADD ("/settings/save/attachment-lists", test_save_attachment_lists, NULL);
  ADD ("/settings/save/unchanged-keeps-everything", test_save_unchanged_keeps_everything, NULL);
  ADD ("/settings/save/invalid-writes-nothing", test_save_invalid_writes_nothing, NULL);
  ADD ("/settings/save/keeps-unreadable-file", test_save_keeps_unreadable_file, NULL);
  ADD ("/settings/save/creates-folder", test_save_creates_folder, NULL);
  ADD ("/settings/relative-paths", test_relative_paths, NULL);
  ADD ("/settings/security/defaults", test_security_defaults, NULL);
  ADD ("/settings/security/none-needs-loopback", test_none_needs_loopback, NULL);
  ADD ("/settings/validate-key", test_validate_key, NULL);
  ADD ("/settings/modified", test_modified, NULL);
  ADD ("/settings/default-directory", test_default_directory, NULL);
  ADD ("/settings/example/reserved-names", test_examples_use_reserved_names, NULL);
  ADD ("/settings/example/server", test_example_server, NULL);

#undef ADD

  return g_test_run ();
}

/* sc-test-server.c — a real SMTP server (aiosmtpd) on 127.0.0.1 for the tests
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-test-server"

#include "config.h"

#include "sc-test-server.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READY_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS  5000
#define POLL_INTERVAL_US 20000

/* ------------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------------ */

static char  *cert_dir;
static GPid   cert_dir_owner;

static void
remove_cert_dir (void)
{
  /* A forked child (g_test_trap_subprocess) must not remove its parent's certificates. */
  if (cert_dir != NULL && getpid () == cert_dir_owner)
    sc_test_rm_rf (cert_dir);
}

/* Finds a helper: $ENV_VAR, else $SC_SOURCE_ROOT/tests/NAME, else $G_TEST_SRCDIR/NAME. */
static char *
find_helper (const char *env_var,
             const char *name)
{
  const char *value = g_getenv (env_var);
  char *path;

  if (value != NULL && *value != '\0')
    return g_strdup (value);

  value = g_getenv ("SC_SOURCE_ROOT");
  if (value != NULL)
    {
      path = g_build_filename (value, "tests", name, NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }

  value = g_getenv ("G_TEST_SRCDIR");
  if (value != NULL)
    {
      path = g_build_filename (value, name, NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }

  return NULL;
}

/* Makes the certificates once per process (tests/gen-certs.sh). */
static const char *
ensure_certificates (GError **error)
{
  static GMutex mutex;
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&mutex);
  g_autofree char *script = NULL;
  g_autofree char *stdout_buf = NULL;
  g_autofree char *stderr_buf = NULL;
  g_autofree char *dir = NULL;
  int wait_status = 0;

  if (cert_dir != NULL)
    return cert_dir;

  script = find_helper ("SC_TEST_GEN_CERTS", "gen-certs.sh");
  if (script == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "gen-certs.sh not found: set SC_TEST_GEN_CERTS or SC_SOURCE_ROOT");
      return NULL;
    }

  dir = g_dir_make_tmp ("sc-test-certs-XXXXXX", error);
  if (dir == NULL)
    return NULL;

  {
    const char *argv[] = { "bash", script, dir, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                       &stdout_buf, &stderr_buf, &wait_status, error))
      {
        sc_test_rm_rf (dir);
        return NULL;
      }
  }

  if (!g_spawn_check_wait_status (wait_status, error))
    {
      g_prefix_error (error, "%s failed (%s): ", script, stderr_buf ? stderr_buf : "");
      sc_test_rm_rf (dir);
      return NULL;
    }

  cert_dir = g_steal_pointer (&dir);
  cert_dir_owner = getpid ();
  atexit (remove_cert_dir);

  return cert_dir;
}

static const char *
mode_to_server_arg (ScTestServerMode mode)
{
  switch (mode)
    {
    case SC_TEST_SERVER_TLS:
      return "tls";
    case SC_TEST_SERVER_STARTTLS:
      return "starttls";
    case SC_TEST_SERVER_STARTTLS_NOT_OFFERED:
      return "starttls-not-offered";
    case SC_TEST_SERVER_PLAIN:
      return "plain";
    default:
      g_assert_not_reached ();
    }
}

static const char *
mode_to_security (ScTestServerMode mode)
{
  switch (mode)
    {
    case SC_TEST_SERVER_TLS:
      return "tls";
    case SC_TEST_SERVER_STARTTLS:
    case SC_TEST_SERVER_STARTTLS_NOT_OFFERED:
      return "starttls";
    case SC_TEST_SERVER_PLAIN:
      return "none";
    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
  char     *line;
  GError   *error;
} Waiter;

static gboolean
waiter_timeout_cb (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                            NULL, &waiter->error);
  waiter->done = TRUE;
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *waiter = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &waiter->error);
  waiter->done = TRUE;
}

/* Iterates @context until @waiter is done, cancelling @cancellable once @timeout_ms have
 * passed; pops @context, which the caller pushed as the thread default. */
static void
wait_until_done (GMainContext *context,
                 Waiter       *waiter,
                 GCancellable *cancellable,
                 guint         timeout_ms)
{
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);

  g_source_set_callback (timeout, waiter_timeout_cb, waiter, NULL);
  g_source_attach (timeout, context);

  while (!waiter->done)
    {
      if (waiter->timed_out)
        g_cancellable_cancel (cancellable);
      g_main_context_iteration (context, TRUE);
    }

  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);
}

/* Waits, on a private main context, for the server's "READY <port>" line. */
static gboolean
read_ready_line (ScTestServer  *server,
                 GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GDataInputStream) data = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Waiter waiter = { 0 };
  guint64 port = 0;

  g_main_context_push_thread_default (context);

  data = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  g_data_input_stream_read_line_async (data, G_PRIORITY_DEFAULT, cancellable, read_line_cb,
                                       &waiter);
  wait_until_done (context, &waiter, cancellable, READY_TIMEOUT_MS);

  if (waiter.timed_out && waiter.line == NULL)
    {
      g_clear_error (&waiter.error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "the test SMTP server did not print READY within %d ms", READY_TIMEOUT_MS);
      return FALSE;
    }

  if (waiter.error != NULL)
    {
      g_propagate_prefixed_error (error, waiter.error, "reading from the test SMTP server: ");
      return FALSE;
    }

  if (waiter.line == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the test SMTP server exited before it was ready (see its stderr above)");
      return FALSE;
    }

  if (!g_str_has_prefix (waiter.line, "READY ")
      || !g_ascii_string_to_unsigned (waiter.line + strlen ("READY "), 10, 1, G_MAXUINT16,
                                      &port, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the test SMTP server said “%s” instead of “READY <port>”", waiter.line);
      g_free (waiter.line);
      return FALSE;
    }

  server->port = (guint16) port;
  g_free (waiter.line);

  return TRUE;
}

/* Waits up to @timeout_ms for @process to exit; returns FALSE on time-out. */
static gboolean
wait_process (GSubprocess *process,
              guint        timeout_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Waiter waiter = { 0 };
  gboolean exited;

  g_main_context_push_thread_default (context);

  g_subprocess_wait_async (process, cancellable, wait_cb, &waiter);
  wait_until_done (context, &waiter, cancellable, timeout_ms);

  exited = (waiter.error == NULL);
  g_clear_error (&waiter.error);

  return exited;
}

static void
free_server (ScTestServer *server)
{
  g_clear_object (&server->process);
  g_free (server->workdir);
  g_free (server->maildir);
  g_free (server->ca_file);
  g_free (server->cert_file);
  g_free (server->log_file);
  g_free (server->events_file);
  g_free (server);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The complete messages (those with a .json) in the maildir, as sorted .eml paths. */
static GPtrArray *
list_messages (ScTestServer *server)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (server->maildir, 0, NULL);
  const char *name;

  if (dir == NULL)
    return g_steal_pointer (&paths);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *base = NULL;

      if (name[0] == '.' || !g_str_has_suffix (name, ".json"))
        continue;

      base = g_strndup (name, strlen (name) - strlen (".json"));
      g_ptr_array_add (paths, g_strdup_printf ("%s/%s.eml", server->maildir, base));
    }

  g_ptr_array_sort (paths, compare_paths);

  return g_steal_pointer (&paths);
}

/* How many sessions the events file says have ended. */
static guint
count_closed (ScTestServer *server)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint closed = 0;

  if (!g_file_get_contents (server->events_file, &contents, NULL, NULL))
    return 0;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;

      /* The last line may still be being written. */
      if (lines[i][0] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (JSON_NODE_HOLDS_OBJECT (root)
          && g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                    "event", ""),
                        "closed") == 0)
        closed++;
    }

  return closed;
}

static gboolean
write_json (const char  *path,
            JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  sc_test_write_file (dir, name, text, -1);

  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------------------------ */

/**
 * sc_test_server_start:
 * @options: (nullable): what kind of server; NULL: implicit TLS with defaults
 * @error: return location for a #GError
 *
 * Starts tests/smtp-server.py on 127.0.0.1 on a free port, and waits (at most 10 s) until it
 * listens.
 *
 * Returns: (transfer full): the running server, stopped with sc_test_server_stop ()
 */
ScTestServer *
sc_test_server_start (const ScTestServerOptions  *options,
                      GError                    **error)
{
  static const ScTestServerOptions default_options = { SC_TEST_SERVER_TLS, };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *python = NULL;
  g_autofree char *script = NULL;
  const char *certs;
  const char *cert_name;
  ScTestServer *server;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &default_options;

  certs = ensure_certificates (error);
  if (certs == NULL)
    return NULL;

  python = g_strdup (g_getenv ("SC_TEST_PYTHON"));
  if (python == NULL || *python == '\0')
    {
      g_free (python);
      python = g_strdup ("/usr/bin/python3");
    }
  script = options->script != NULL ? find_helper ("SC_TEST_FAULTS_SERVER", "faults-server.py")
                                    : find_helper ("SC_TEST_SERVER", "smtp-server.py");
  if (script == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the test server script not found: set SC_TEST_SERVER, "
                   "SC_TEST_FAULTS_SERVER or SC_SOURCE_ROOT");
      return NULL;
    }

  server = g_new0 (ScTestServer, 1);
  server->mode = options->mode;
  server->workdir = g_dir_make_tmp ("sc-test-server-XXXXXX", error);
  if (server->workdir == NULL)
    {
      free_server (server);
      return NULL;
    }
  server->maildir = g_build_filename (server->workdir, "maildir", NULL);
  server->log_file = g_build_filename (server->workdir, "server.log", NULL);
  server->events_file = g_build_filename (server->workdir, "events.jsonl", NULL);
  server->ca_file = g_build_filename (certs, "ca.pem", NULL);
  g_mkdir (server->maildir, 0700);

  g_ptr_array_add (argv, g_strdup (python));
  g_ptr_array_add (argv, g_strdup (script));
  cert_name = options->certificate != NULL ? options->certificate
              : options->untrusted_cert ? "untrusted-server" : "server";
  server->cert_file = g_strdup_printf ("%s/%s.pem", certs, cert_name);
  if (options->script != NULL)
    {
      /* tests/faults-server.py: a scripted session, its own protocol log */
      g_ptr_array_add (argv, g_strdup_printf ("--scenario=%s", options->script));
      g_ptr_array_add (argv, g_strdup_printf ("--log=%s", server->log_file));
      g_ptr_array_add (argv, g_strdup_printf ("--cert=%s", server->cert_file));
      g_ptr_array_add (argv, g_strdup_printf ("--key=%s/%s-key.pem", certs, cert_name));
      if (options->mode == SC_TEST_SERVER_TLS)
        g_ptr_array_add (argv, g_strdup ("--tls"));
      goto spawn;
    }
  g_ptr_array_add (argv, g_strdup ("--mode"));
  g_ptr_array_add (argv, g_strdup (mode_to_server_arg (options->mode)));
  g_ptr_array_add (argv, g_strdup ("--cert"));
  g_ptr_array_add (argv, g_strdup (server->cert_file));
  g_ptr_array_add (argv, g_strdup ("--key"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/%s-key.pem", certs, cert_name));
  g_ptr_array_add (argv, g_strdup ("--maildir"));
  g_ptr_array_add (argv, g_strdup (server->maildir));
  g_ptr_array_add (argv, g_strdup ("--log"));
  g_ptr_array_add (argv, g_strdup (server->log_file));
  g_ptr_array_add (argv, g_strdup ("--events"));
  g_ptr_array_add (argv, g_strdup (server->events_file));
  g_ptr_array_add (argv, g_strdup ("--login"));
  g_ptr_array_add (argv, g_strdup (SC_TEST_LOGIN));
  g_ptr_array_add (argv, g_strdup ("--password"));
  g_ptr_array_add (argv, g_strdup (SC_TEST_PASSWORD));
  g_ptr_array_add (argv, g_strdup ("--watch-stdin"));
  if (options->refuse_recipient != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--refuse"));
      g_ptr_array_add (argv, g_strdup (options->refuse_recipient));
    }
  if (options->data_delay_ms > 0)
    g_ptr_array_add (argv, g_strdup_printf ("--data-delay-ms=%u", options->data_delay_ms));
  if (options->auth_mechanisms != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--auth-mechanisms=%s", options->auth_mechanisms));
  if (options->data_size_limit > 0)
    g_ptr_array_add (argv, g_strdup_printf ("--data-size-limit=%u", options->data_size_limit));
  if (options->smtputf8)
    g_ptr_array_add (argv, g_strdup ("--smtputf8"));
spawn:
  g_ptr_array_add (argv, NULL);

  /* stdin is a pipe that the server watches: if this process dies, the server exits too. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);
  server->process = g_subprocess_launcher_spawnv (launcher,
                                                  (const char * const *) argv->pdata, error);
  if (server->process == NULL)
    {
      sc_test_rm_rf (server->workdir);
      free_server (server);
      return NULL;
    }

  if (!read_ready_line (server, error))
    {
      sc_test_server_stop (server);
      return NULL;
    }

  return server;
}

/**
 * sc_test_server_stop:
 * @server: (nullable) (transfer full): a server from sc_test_server_start ()
 *
 * Sends SIGTERM, waits (bounded) for the exit, kills the server if it does not exit in time,
 * removes its working directory and frees @server.
 */
void
sc_test_server_stop (ScTestServer *server)
{
  if (server == NULL)
    return;

  if (server->process != NULL)
    {
      g_subprocess_send_signal (server->process, SIGTERM);
      if (!wait_process (server->process, STOP_TIMEOUT_MS))
        {
          g_warning ("the test SMTP server did not exit on SIGTERM; killing it");
          g_subprocess_force_exit (server->process);
          if (!wait_process (server->process, STOP_TIMEOUT_MS))
            g_warning ("the test SMTP server did not exit on SIGKILL");
        }
    }

  if (server->workdir != NULL)
    sc_test_rm_rf (server->workdir);

  free_server (server);
}

/**
 * sc_test_server_wait_messages:
 * @server: a running server
 * @n: the number of messages to wait for
 * @timeout_ms: the longest wait
 *
 * Returns: (transfer full) (nullable): the sorted .eml paths of at least @n complete messages,
 *   or NULL when there were fewer than @n after @timeout_ms
 */
GPtrArray *
sc_test_server_wait_messages (ScTestServer *server,
                              guint         n,
                              guint         timeout_ms)
{
  gint64 deadline;

  g_return_val_if_fail (server != NULL, NULL);

  deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      g_autoptr(GPtrArray) paths = list_messages (server);

      if (paths->len >= n)
        return g_steal_pointer (&paths);
      if (g_get_monotonic_time () >= deadline)
        return NULL;
      g_usleep (POLL_INTERVAL_US);
    }
}

/**
 * sc_test_server_count_messages:
 * @server: a running server
 *
 * Returns: how many complete messages the server has stored so far
 */
guint
sc_test_server_count_messages (ScTestServer *server)
{
  g_autoptr(GPtrArray) paths = NULL;

  g_return_val_if_fail (server != NULL, 0);

  paths = list_messages (server);
  return paths->len;
}

/**
 * sc_test_server_wait_closed:
 * @server: a running server
 * @n: the number of ended sessions to wait for
 * @timeout_ms: the longest wait
 *
 * Waits until @n client sessions have ended (QUIT, the client closed the connection, or a
 * time-out). The server stores a session's messages before the session ends, so once this
 * returns TRUE nothing more can arrive from those sessions: use it, not a sleep, before
 * asserting that nothing (more) arrived. A connection whose implicit-TLS handshake fails is not
 * a session.
 *
 * Returns: TRUE once at least @n sessions have ended, FALSE if fewer had after @timeout_ms
 */
gboolean
sc_test_server_wait_closed (ScTestServer *server,
                            guint         n,
                            guint         timeout_ms)
{
  gint64 deadline;

  g_return_val_if_fail (server != NULL, FALSE);

  deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (count_closed (server) < n)
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (POLL_INTERVAL_US);
    }

  return TRUE;
}

/**
 * sc_test_server_get_log:
 * @server: a running server
 *
 * Returns: (transfer full): every command the server received so far, one per line
 *   ("" when none)
 */
char *
sc_test_server_get_log (ScTestServer *server)
{
  char *contents = NULL;

  g_return_val_if_fail (server != NULL, NULL);

  if (!g_file_get_contents (server->log_file, &contents, NULL, NULL))
    return g_strdup ("");

  return contents;
}

/**
 * sc_test_write_settings:
 * @server: a running server
 * @dir: an existing directory
 * @to: (nullable) (array zero-terminated=1): the recipients; NULL: two default ones
 * @subject: (nullable): the subject; NULL: "Test message"
 * @body: (nullable): the body text; NULL: a short default body
 *
 * Writes config.json, credentials.json, data.json, body.txt and an empty attachments folder
 * into @dir, so that sending from @dir reaches @server with the test account.
 */
void
sc_test_write_settings (ScTestServer       *server,
                        const char         *dir,
                        const char * const *to,
                        const char         *subject,
                        const char         *body)
{
  static const char * const default_to[] = { "alice@example.com", "bob@example.com", NULL };
  g_autoptr(JsonBuilder) config = json_builder_new ();
  g_autoptr(JsonBuilder) credentials = json_builder_new ();
  g_autoptr(JsonBuilder) data = json_builder_new ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (server != NULL);
  g_return_if_fail (dir != NULL);

  if (to == NULL)
    to = default_to;
  if (subject == NULL)
    subject = "Test message";
  if (body == NULL)
    body = "Hello,\n\nthis is a test message.\n";

  json_builder_begin_object (config);
  json_builder_set_member_name (config, "smtp_host");
  json_builder_add_string_value (config, "localhost");
  json_builder_set_member_name (config, "smtp_port");
  json_builder_add_int_value (config, server->port);
  json_builder_set_member_name (config, "security");
  json_builder_add_string_value (config, mode_to_security (server->mode));
  json_builder_set_member_name (config, "ca_file");
  json_builder_add_string_value (config, server->ca_file);
  json_builder_set_member_name (config, "timeout_seconds");
  json_builder_add_int_value (config, 10);
  json_builder_end_object (config);

  json_builder_begin_object (credentials);
  json_builder_set_member_name (credentials, "login");
  json_builder_add_string_value (credentials, SC_TEST_LOGIN);
  json_builder_set_member_name (credentials, "password");
  json_builder_add_string_value (credentials, SC_TEST_PASSWORD);
  json_builder_end_object (credentials);

  json_builder_begin_object (data);
  json_builder_set_member_name (data, "to_addrs");
  json_builder_begin_array (data);
  for (guint i = 0; to[i] != NULL; i++)
    json_builder_add_string_value (data, to[i]);
  json_builder_end_array (data);
  json_builder_set_member_name (data, "message");
  json_builder_begin_object (data);
  json_builder_set_member_name (data, "subject");
  json_builder_add_string_value (data, subject);
  json_builder_set_member_name (data, "message_file_path");
  json_builder_add_string_value (data, "body.txt");
  json_builder_set_member_name (data, "attachment_folder_path");
  json_builder_add_string_value (data, "attachments");
  json_builder_end_object (data);
  json_builder_end_object (data);

  path = g_build_filename (dir, "config.json", NULL);
  write_json (path, config);
  g_free (path);
  path = g_build_filename (dir, "credentials.json", NULL);
  write_json (path, credentials);
  g_free (path);
  path = g_build_filename (dir, "data.json", NULL);
  write_json (path, data);
  g_free (path);

  path = g_build_filename (dir, "body.txt", NULL);
  if (!g_file_set_contents (path, body, -1, &error))
    g_critical ("cannot write %s: %s", path, error->message);
  g_free (path);

  path = g_build_filename (dir, "attachments", NULL);
  if (g_mkdir_with_parents (path, 0700) != 0)
    g_critical ("cannot create %s: %s", path, g_strerror (errno));
}

/**
 * sc_test_make_tmpdir:
 *
 * Returns: (transfer full): a new empty temporary directory, removed with sc_test_rm_rf ()
 */
char *
sc_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sc-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/**
 * sc_test_rm_rf:
 * @path: (nullable): a file or directory
 *
 * Removes @path and, for a directory, everything below it. Symbolic links are removed, never
 * followed.
 */
void
sc_test_rm_rf (const char *path)
{
  GStatBuf st;

  if (path == NULL || g_lstat (path, &st) != 0)
    return;

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      if (dir != NULL)
        while ((name = g_dir_read_name (dir)) != NULL)
          {
            g_autofree char *child = g_build_filename (path, name, NULL);

            sc_test_rm_rf (child);
          }
      g_rmdir (path);
    }
  else
    {
      g_unlink (path);
    }
}

/**
 * sc_test_decode_rfc2047:
 * @raw: a raw (possibly folded) header value
 *
 * A strict RFC 2047 decoder. GMime 3.2's own decoder merges adjacent base64 encoded-words
 * before decoding and loses text when the first one ends with "=" padding, which its own
 * encoder produces; check headers with this one.
 *
 * Returns: (transfer full): the decoded value in UTF-8, unfolded, without leading and trailing
 *   white space
 */
char *
sc_test_decode_rfc2047 (const char *raw)
{
  g_autoptr(GRegex) regex = g_regex_new ("=\\?([^?]+)\\?([BbQq])\\?([^?]*)\\?=", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *unfolded = NULL;
  gboolean after_word = FALSE;
  int start, end, last_end = 0;

  g_return_val_if_fail (raw != NULL, NULL);

  /* Unfold */
  {
    g_autoptr(GString) tmp = g_string_new (NULL);

    for (const char *p = raw; *p != '\0'; p++)
      if (*p != '\r' && *p != '\n')
        g_string_append_c (tmp, *p);
    unfolded = g_string_free (g_steal_pointer (&tmp), FALSE);
  }

  g_regex_match (regex, unfolded, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *charset = g_match_info_fetch (match, 1);
      g_autofree char *encoding = g_match_info_fetch (match, 2);
      g_autofree char *text = g_match_info_fetch (match, 3);
      g_autofree char *between = NULL;
      g_autoptr(GString) bytes = g_string_new (NULL);
      g_autofree char *utf8 = NULL;

      g_match_info_fetch_pos (match, 0, &start, &end);
      between = g_strndup (unfolded + last_end, start - last_end);
      /* Linear white space between two encoded-words is ignored. */
      if (!(after_word && between[strspn (between, " \t")] == '\0'))
        g_string_append (out, between);

      if (g_ascii_toupper (encoding[0]) == 'B')
        {
          gsize len = 0;
          g_autofree guchar *decoded = g_base64_decode (text, &len);

          g_string_append_len (bytes, (const char *) decoded, len);
        }
      else
        {
          for (const char *p = text; *p != '\0'; p++)
            {
              if (*p == '_')
                g_string_append_c (bytes, ' ');
              else if (*p == '=' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
                {
                  g_string_append_c (bytes, (char) (g_ascii_xdigit_value (p[1]) * 16
                                                    + g_ascii_xdigit_value (p[2])));
                  p += 2;
                }
              else
                g_string_append_c (bytes, *p);
            }
        }

      utf8 = g_convert (bytes->str, bytes->len, "UTF-8", charset, NULL, NULL, NULL);
      if (utf8 == NULL)
        utf8 = g_strdup ("\357\277\275");   /* U+FFFD */
      g_string_append (out, utf8);

      after_word = TRUE;
      last_end = end;
      g_match_info_next (match, NULL);
    }
  g_string_append (out, unfolded + last_end);

  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

/**
 * sc_test_eml_get_header:
 * @eml_path: a message file, e.g. from sc_test_server_wait_messages ()
 * @name: a header name, e.g. "Subject" (case-insensitive)
 *
 * Returns: (transfer full) (nullable): the first @name header of the message's top-level
 *   header block, unfolded and decoded with sc_test_decode_rfc2047 (), or NULL if absent
 */
char *
sc_test_eml_get_header (const char *eml_path,
                        const char *name)
{
  g_autofree char *contents = NULL;
  g_autoptr(GString) value = NULL;
  g_auto(GStrv) lines = NULL;
  gsize name_len;

  g_return_val_if_fail (eml_path != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!g_file_get_contents (eml_path, &contents, NULL, NULL))
    return NULL;

  name_len = strlen (name);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (len == 0)
        break;   /* end of the header block */

      if (value != NULL)
        {
          if (line[0] == ' ' || line[0] == '\t')
            {
              g_string_append (value, line);
              continue;
            }
          break;
        }

      if (g_ascii_strncasecmp (line, name, name_len) == 0 && line[name_len] == ':')
        value = g_string_new (line + name_len + 1);
    }

  if (value == NULL)
    return NULL;

  return sc_test_decode_rfc2047 (value->str);
}

/* ------------------------------------------------------------------------------------------
 * Assertions and files shared by the tests
 * ------------------------------------------------------------------------------------------ */

/**
 * sc_test_server_assert_received:
 * @server: a running server
 * @n: how many messages it must hold
 *
 * Waits up to 5 s for @n messages and asserts that exactly @n arrived.
 *
 * Returns: (transfer container): their .eml paths, sorted
 */
GPtrArray *
sc_test_server_assert_received (ScTestServer *server,
                                guint         n)
{
  g_autoptr(GPtrArray) emls = sc_test_server_wait_messages (server, n, 5000);

  g_assert_nonnull (emls);
  g_assert_cmpuint (emls->len, ==, n);

  return g_steal_pointer (&emls);
}

/**
 * sc_test_read_envelope:
 * @eml_path: a message file from sc_test_server_wait_messages ()
 * @out_mail_from: (out) (optional): the envelope sender
 *
 * Returns: (transfer full): the rcpt_tos of the envelope saved next to @eml_path
 */
char **
sc_test_read_envelope (const char  *eml_path,
                       char       **out_mail_from)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *base = g_strndup (eml_path, strlen (eml_path) - strlen (".eml"));
  g_autofree char *json_path = g_strconcat (base, ".json", NULL);
  JsonObject *object;
  JsonArray *array;

  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  array = json_object_get_array_member (object, "rcpt_tos");
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_strv_builder_add (builder, json_array_get_string_element (array, i));

  if (out_mail_from != NULL)
    *out_mail_from = g_strdup (json_object_get_string_member (object, "mail_from"));

  return g_strv_builder_end (builder);
}

/**
 * sc_test_count_substrings:
 * @haystack: a text
 * @needle: what to count
 *
 * Returns: how many times @needle occurs in @haystack, overlapping occurrences included
 */
guint
sc_test_count_substrings (const char *haystack,
                          const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

/**
 * sc_test_assert_no_secret:
 * @text: a transcript, an error message, a program's output
 *
 * Asserts that @text holds neither SC_TEST_PASSWORD nor its base64 forms, alone or in the
 * "\0login\0password" of AUTH PLAIN.
 */
void
sc_test_assert_no_secret (const char *text)
{
  g_autofree char *b64_password = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *b64_plain = NULL;
  gsize login_len = strlen (SC_TEST_LOGIN);
  gsize password_len = strlen (SC_TEST_PASSWORD);
  gsize len = login_len + password_len + 2;

  g_assert_nonnull (text);

  b64_password = g_base64_encode ((const guchar *) SC_TEST_PASSWORD, password_len);
  plain = g_malloc0 (len);
  memcpy (plain + 1, SC_TEST_LOGIN, login_len);
  memcpy (plain + 2 + login_len, SC_TEST_PASSWORD, password_len);
  b64_plain = g_base64_encode ((const guchar *) plain, len);

  g_assert_null (strstr (text, SC_TEST_PASSWORD));
  g_assert_null (strstr (text, "пароль"));
  g_assert_null (strstr (text, b64_password));
  g_assert_null (strstr (text, b64_plain));
}

/**
 * sc_test_set_data_list:
 * @dir: a settings folder
 * @member: "name" for a top-level member, "message.name" for one in the "message" object
 * @items: the strings of the list
 *
 * Sets a list in @dir/data.json, keeping everything else in it.
 */
void
sc_test_set_data_list (const char         *dir,
                       const char         *member,
                       const char * const *items)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *path = g_build_filename (dir, "data.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array = json_array_new ();
  JsonObject *object;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  if (g_str_has_prefix (member, "message."))
    {
      object = json_object_get_object_member (object, "message");
      member += strlen ("message.");
    }
  for (guint i = 0; items[i] != NULL; i++)
    json_array_add_string_element (array, items[i]);
  json_object_set_array_member (object, member, array);
  json_generator_set_root (generator, json_parser_get_root (parser));
  text = json_generator_to_data (generator, NULL);
  sc_test_write_file (dir, "data.json", text, -1);
}

/**
 * sc_test_write_file:
 * @dir: a directory
 * @name: a file name, or a relative path, below @dir
 * @data: the contents
 * @length: the length of @data, or -1 if it is NUL-terminated
 *
 * Writes @dir/@name and asserts that it worked. A credentials.json is private (0600), as the
 * app writes it: otherwise every load would warn that others can read it.
 */
void
sc_test_write_file (const char *dir,
                    const char *name,
                    const void *data,
                    gssize      length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  int mode = g_str_has_suffix (path, "credentials.json") ? 0600 : 0666;

  g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error);
  g_assert_no_error (error);
}

/**
 * sc_test_read_file:
 * @dir: a directory, or the file itself if @name is NULL
 * @name: (nullable): a file name below @dir
 * @out_length: (out) (optional): the length of the contents
 *
 * Returns: (transfer full): the contents of @dir/@name, NUL-terminated
 */
char *
sc_test_read_file (const char *dir,
                   const char *name,
                   gsize      *out_length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, out_length, &error);
  g_assert_no_error (error);

  return contents;
}

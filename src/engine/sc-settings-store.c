/* sc-settings-store.c — reads and writes the three JSON settings files
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-settings"

#include "config.h"

#include "sc-settings-store.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "sc-engine-resources.h"
#include "sc-error.h"
#include "sc-keyring.h"
#include "sc-settings-private.h"
#include "sc-util.h"

#define N_FILES 3          /* the settings files: the first three of files[] */
#define CONFIG 0           /* their places in files[] */
#define CREDENTIALS 1

/* The key of a password in the keyring (sc-keyring.h). */
typedef struct
{
  char  *host;
  guint  port;
  char  *login;
} Account;

struct _ScSettingsStore
{
  GObject     parent_instance;

  ScSettings *settings;

  /* The files' roots as last read or written, so that keys we do not know survive a save. */
  JsonNode   *roots[N_FILES];

  /* Why each file that exists could not be read or parsed at the last load: such a file is
   * never overwritten (the user fixes it, then loads again). */
  GError     *unreadable[N_FILES];

  GStrv       warnings;     /* from the last load or save: what is wrong but not an error */

  /* The account whose password the keyring holds, as far as the last load or save knows
   * (from it, or put there): a save clears it when the account changes or the keyring is
   * switched off. NULL: none. */
  Account    *keyring_account;
};

G_DEFINE_FINAL_TYPE (ScSettingsStore, sc_settings_store, G_TYPE_OBJECT)

/* The files of a settings folder, as the example in the resources has them. */
static const struct
{
  const char *name;
  int         mode;
} files[] = {
  { SC_SETTINGS_CONFIG_FILE, 0666 },
  { SC_SETTINGS_CREDENTIALS_FILE, 0600 },
  { SC_SETTINGS_DATA_FILE, 0666 },
  { "example_msg.txt", 0666 },
};

/* A load or a save: made and finished on the caller's context, run in a worker (or inline by
 * the blocking load). Running it touches no model. */
typedef struct
{
  GFile    *directory;
  gboolean  save;
  char     *contents[N_FILES];   /* to write; wiped when freed: it holds the password */
  guint     change_count;        /* the model's when the contents were made */
  JsonNode *roots[N_FILES];      /* what was read: for each file its root object or why not */
  GError   *errors[N_FILES];
  gboolean  missing[N_FILES];    /* the file does not exist (a save makes it) */
  gboolean  keep[N_FILES];       /* a reload leaves these files' values in the model as they are */
  GPtrArray *warnings;           /* char*: what a load or save found wrong but not fatal */

  /* The keyring. A load looks the password up when credentials.json says "keyring" and has
   * none; a save stores it there (contents without it) or, failing that, writes
   * @with_password instead, and clears the item of @old_account when it is not the account. */
  Account  *account;             /* load: as read, when "keyring"; save: where it goes, or NULL */
  GError   *keyring_error;       /* load: why the keyring gave no password */
  char     *password;            /* save: to store; wiped when freed */
  char     *with_password;       /* save: credentials.json with it; wiped when freed */
  Account  *old_account;         /* save: the store's keyring_account when the job was made */
  Account  *keyring_after;       /* save: the account whose password the keyring holds after */
} Job;

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
account_free (Account *account)
{
  if (account == NULL)
    return;
  g_free (account->host);
  g_free (account->login);
  g_free (account);
}

static Account *
account_new (const char *host,
             guint       port,
             const char *login)
{
  Account *account = g_new0 (Account, 1);

  account->host = g_strdup (host);
  account->port = port;
  account->login = g_strdup (login);
  return account;
}

static Account *
account_copy (const Account *account)
{
  return account != NULL ? account_new (account->host, account->port, account->login) : NULL;
}

static gboolean
account_equal (const Account *a,
               const Account *b)
{
  return a != NULL && b != NULL && g_str_equal (a->host, b->host) && a->port == b->port &&
         g_str_equal (a->login, b->login);
}

/* @name's value in @object if it is a string, else NULL. */
static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
job_free (Job *job)
{
  g_clear_object (&job->directory);
  for (guint i = 0; i < N_FILES; i++)
    {
      sc_secret_clear (&job->contents[i]);
      g_clear_pointer (&job->roots[i], json_node_unref);
      g_clear_error (&job->errors[i]);
    }
  g_clear_pointer (&job->warnings, g_ptr_array_unref);
  g_clear_pointer (&job->account, account_free);
  g_clear_error (&job->keyring_error);
  sc_secret_clear (&job->password);
  sc_secret_clear (&job->with_password);
  g_clear_pointer (&job->old_account, account_free);
  g_clear_pointer (&job->keyring_after, account_free);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* Finds where @text (JSON) nests deeper than @max_depth, before json-glib's recursive parser
 * sees it (200,000 nested arrays would overflow its stack). Line and column count from 1. */
static gboolean
json_find_too_deep (const char *text,
                    gsize       length,
                    guint       max_depth,
                    guint      *out_line,
                    guint      *out_column)
{
  guint depth = 0;
  guint line = 1;
  guint column = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      column++;
      if (c == '\n')
        {
          line++;
          column = 0;
        }
      else if (in_string)
        {
          if (c == '\\' && i + 1 < length)
            {
              i++;
              column++;
            }
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if ((c == '[' || c == '{') && ++depth > max_depth)
        {
          *out_line = line;
          *out_column = column;
          return TRUE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return FALSE;
}

/* Reads and parses one file. Touches no model: it runs in a worker. */
static JsonNode *
read_file (GFile         *directory,
           const char    *name,
           gboolean      *missing,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFile) file = g_file_get_child (directory, name);
  g_autofree char *shown = _sc_display_path (file);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ScSecret) contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize length = 0;
  guint line = 0;
  guint column = 0;

  contents = sc_file_load_bounded (file, SC_SETTINGS_MAX_FILE_SIZE, &length, cancellable,
                                   &local_error);
  if (contents == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if ((*missing = g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)))
        g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                     /* Translators: %s is a settings file. */
                     _("%s: the file does not exist"), shown);
      else
        g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                     /* Translators: the first %s is a file, the second the reason. */
                     _("%s: cannot read the file: %s"), shown, local_error->message);
      return NULL;
    }

  if (sc_text_find_invalid_utf8 (contents, length, &line, &column, NULL))
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE,
                   /* Translators: "%s:%u:%u:" is the file name, line and column. */
                   _("%s:%u:%u: the file is not UTF-8 text"), shown, line, column);
      return NULL;
    }

  if (json_find_too_deep (contents, length, SC_SETTINGS_MAX_JSON_DEPTH, &line, &column))
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE,
                   /* Translators: "%s:%u:%u:" is the file name, line and column; %d a number */
                   _("%s:%u:%u: the JSON is nested more than %d levels deep"), shown, line,
                   column, SC_SETTINGS_MAX_JSON_DEPTH);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      /* json-glib says "<data>:LINE:COLUMN: Parse error: what" (the label "Parse error" and
       * "what" in the user's language); the user reads "FILE:LINE:COLUMN: what". Only the
       * untranslated position and the ": " after the label are relied on, not the words. It
       * quotes the text it stopped at, cut at a byte count that may split a character: made
       * valid UTF-8 first. */
      g_autofree char *message = g_utf8_make_valid (local_error->message, -1);
      const char *what = NULL;
      int consumed = 0;

      if (sscanf (message, "<data>:%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
        {
          const char *label_end = strstr (message + consumed, ": ");

          what = label_end != NULL ? label_end + 2 : message + consumed;
          g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE, "%s:%u:%u: %s", shown,
                       line, column, what);
        }
      else
        g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE, "%s: %s", shown,
                     message);
      return NULL;
    }

  root = json_parser_steal_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE, root == NULL
                   /* Translators: "%s:1:1:" is the file name, line and column; keep "{ … }". */
                   ? _("%s:1:1: the file is empty; it must hold a JSON object ({ … })")
                   /* Translators: "%s:1:1:" is the file name, line and column; keep "{ … }". */
                   : _("%s:1:1: the file must hold a JSON object ({ … })"), shown);
      return NULL;
    }

  return g_steal_pointer (&root);
}

/* credentials.json says "keyring" and has no password: it is looked up there, and put in the
 * file's root as if the file held it (a save takes it out again). Runs in the worker. */
static void
job_lookup_password (Job          *job,
                     GCancellable *cancellable)
{
  JsonObject *config;
  JsonObject *credentials;
  JsonNode *port_node;
  const char *host;
  const char *login;
  gint64 port = 0;
  g_autoptr(ScSecret) password = NULL;

  if (job->roots[CONFIG] == NULL || job->roots[CREDENTIALS] == NULL)
    return;
  config = json_node_get_object (job->roots[CONFIG]);
  credentials = json_node_get_object (job->roots[CREDENTIALS]);
  if (g_strcmp0 (get_string_member (credentials, "password_storage"),
                 SC_SETTINGS_PASSWORD_IN_KEYRING) != 0)
    return;

  /* The account as the files have it; what is wrong with it is the model's to say. */
  host = get_string_member (config, "smtp_host");
  login = get_string_member (credentials, "login");
  port_node = json_object_get_member (config, "smtp_port");
  if (port_node != NULL && JSON_NODE_HOLDS_VALUE (port_node) &&
      json_node_get_value_type (port_node) == G_TYPE_INT64)
    port = json_node_get_int (port_node);
  if (host == NULL || login == NULL || *login == '\0' || port < 1 || port > 65535)
    return;
  job->account = account_new (host, (guint) port, login);

  /* A password in the file wins: the keyring was not there when it was saved. */
  if (json_object_has_member (credentials, "password"))
    {
      g_autoptr(GFile) file = g_file_get_child (job->directory, files[CREDENTIALS].name);
      g_autofree char *shown = _sc_display_path (file);

      g_ptr_array_add (job->warnings,
                       g_strdup_printf (
                         /* Translators: %s is the file; "password_storage" and "keyring" are
                          * a setting and its value: keep them as they are. */
                         _("%s holds the password, although \"password_storage\" is "
                           "\"keyring\": no keyring was available when it was saved. Save the "
                           "settings again with a keyring to move the password there."),
                         shown));
      return;
    }

  password = sc_keyring_lookup (host, (guint) port, login, cancellable, &job->keyring_error);
  if (password != NULL)
    json_object_set_string_member (credentials, "password", password);
}

/* The load error when the keyring had no password to give: about "password". */
static GError *
password_not_found_error (ScSettingsStore *self,
                          const GError    *keyring_error)
{
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;
  GError *error;

  /* Translators: follows 'credentials.json: "password"'; %s says why, e.g. "The keyring is
   * locked." */
  what = g_strdup_printf (_("is not in the file, and the keyring cannot give it: %s"),
                          keyring_error->message);
  text = _sc_settings_describe_key (self->settings, "password", what);
  error = g_error_new_literal (SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID, text);
  _sc_settings_error_set_key (error, "password");
  return error;
}

/* Made on the caller's context. A save validates, then writes the model into the roots as read
 * and prints them. */
typedef enum { JOB_LOAD, JOB_RELOAD, JOB_SAVE } JobKind;

static Job *
job_new (ScSettingsStore  *self,
         JobKind           kind,
         GError          **error)
{
  gboolean save = kind == JOB_SAVE;
  g_autoptr(Job) job = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  if (save && (!sc_settings_store_check_writable (self, error) ||
               !sc_settings_validate (self->settings, error)))
    return NULL;

  job = g_new0 (Job, 1);
  job->warnings = g_ptr_array_new_with_free_func (g_free);
  job->directory = g_object_ref (sc_settings_get_directory (self->settings));
  job->save = save;
  job->change_count = _sc_settings_get_change_count (self->settings);
  for (guint i = 0; kind == JOB_RELOAD && i < N_FILES; i++)
    job->keep[i] = self->unreadable[i] == NULL;

  json_generator_set_pretty (generator, TRUE);

  /* The password goes to the keyring when the user chose so and there is a login. */
  if (save && sc_settings_get_password_in_keyring (self->settings) &&
      sc_settings_get_login (self->settings) != NULL &&
      sc_settings_get_login (self->settings)[0] != '\0')
    {
      const char *password = sc_settings_get_password (self->settings);

      job->account = account_new (sc_settings_get_smtp_host (self->settings),
                                  sc_settings_get_smtp_port (self->settings),
                                  sc_settings_get_login (self->settings));
      job->password = g_strdup (password != NULL ? password : "");
    }
  if (save)
    job->old_account = account_copy (self->keyring_account);

  for (guint i = 0; save && i < N_FILES; i++)
    {
      GString *text = g_string_new (NULL);

      if (self->roots[i] == NULL)
        {
          g_autoptr(JsonObject) object = json_object_new ();

          self->roots[i] = json_node_init_object (json_node_alloc (), object);
        }

      _sc_settings_write_json (self->settings, files[i].name,
                               json_node_get_object (self->roots[i]));

      /* For the keyring: the file as it would be without one, then without the password. */
      if (i == CREDENTIALS && job->account != NULL)
        {
          GString *with_password = g_string_new (NULL);

          json_generator_set_root (generator, self->roots[i]);
          json_generator_to_gstring (generator, with_password);
          g_string_append_c (with_password, '\n');
          job->with_password = g_string_free (with_password, FALSE);
          json_object_remove_member (json_node_get_object (self->roots[i]), "password");
        }

      json_generator_set_root (generator, self->roots[i]);
      json_generator_to_gstring (generator, text);
      g_string_append_c (text, '\n');
      job->contents[i] = g_string_free (text, FALSE);
    }

  return g_steal_pointer (&job);
}

/* Reads the files, or writes each atomically. Touches no model: it runs in a worker. */
static gboolean
job_run (Job           *job,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autofree char *dir_path = g_file_get_path (job->directory);

  if (!job->save)
    {
      for (guint i = 0; i < N_FILES; i++)
        {
          g_autoptr(GFile) file = g_file_get_child (job->directory, files[i].name);
          g_autofree char *path = g_file_get_path (file);
          GStatBuf st;

          job->roots[i] = read_file (job->directory, files[i].name, &job->missing[i],
                                     cancellable, &job->errors[i]);

          /* A private file (the password) that others can read: say so; a save fixes it. */
          if (job->roots[i] != NULL && (files[i].mode & 077) == 0 && path != NULL &&
              g_stat (path, &st) == 0 && (st.st_mode & 077) != 0)
            {
              g_autofree char *shown = _sc_display_path (file);

              g_ptr_array_add (job->warnings,
                               g_strdup_printf (
                                 /* Translators: both %s are the same file; keep "chmod 600". */
                                 _("%s can be read by other users of this computer, and it "
                                   "holds your password: save the settings to make it "
                                   "private, or run chmod 600 %s"), shown, shown));
            }
        }
      if (!job->keep[CREDENTIALS])
        job_lookup_password (job, cancellable);
      return !g_cancellable_set_error_if_cancelled (cancellable, error);
    }

  /* The keyring first: if it cannot take the password, the file keeps it. */
  if (job->account != NULL)
    {
      g_autoptr(GError) keyring_error = NULL;

      if (sc_keyring_store (job->account->host, job->account->port, job->account->login,
                            job->password, cancellable, &keyring_error))
        {
          job->keyring_after = account_copy (job->account);
        }
      else if (g_error_matches (keyring_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&keyring_error));
          return FALSE;
        }
      else
        {
          g_ptr_array_add (job->warnings,
                           g_strdup_printf (
                             /* Translators: %s says why, e.g. "No keyring is available: …" */
                             _("The password is kept in credentials.json, not in the "
                               "keyring: %s"), keyring_error->message));
          sc_secret_clear (&job->contents[CREDENTIALS]);
          job->contents[CREDENTIALS] = g_steal_pointer (&job->with_password);
          job->keyring_after = account_copy (job->old_account);
        }
    }

  if (dir_path == NULL || g_mkdir_with_parents (dir_path, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *shown = _sc_display_path (job->directory);

      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: the first %s is a folder, the second the reason. */
                   _("%s: cannot create the settings folder: %s"), shown,
                   dir_path == NULL ? _("not a local folder") : g_strerror (saved_errno));
      return FALSE;
    }

  for (guint i = 0; i < N_FILES; i++)
    {
      g_autoptr(GFile) file = g_file_get_child (job->directory, files[i].name);
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) local_error = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!g_file_set_contents_full (path, job->contents[i], -1,
                                     G_FILE_SET_CONTENTS_CONSISTENT, files[i].mode,
                                     &local_error))
        {
          g_autofree char *shown = _sc_display_path (file);

          g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                       /* Translators: the first %s is a file, the second the reason. */
                       _("%s: cannot write the file: %s"), shown, local_error->message);
          return FALSE;
        }
    }

  /* The files are written: the password of an account that is not this one any more, or
   * that the user no longer keeps in the keyring, leaves it. */
  if (job->old_account != NULL && !account_equal (job->old_account, job->account))
    {
      g_autoptr(GError) keyring_error = NULL;

      if (sc_keyring_clear (job->old_account->host, job->old_account->port,
                            job->old_account->login, cancellable, &keyring_error))
        g_clear_pointer (&job->keyring_after, account_free);
      else
        g_ptr_array_add (job->warnings,
                         g_strdup_printf (
                           /* Translators: the first %s is a login, the second a server, %u
                            * its port; the last %s says why, e.g. "The keyring is locked". */
                           _("The keyring still holds the password of %s on %s:%u: %s"),
                           job->old_account->login, job->old_account->host,
                           job->old_account->port, keyring_error->message));
    }

  return TRUE;
}

/* Fills the model from what was read, or marks it saved, on the caller's context. */
static gboolean
job_finish (ScSettingsStore  *self,
            Job              *job,
            GError          **error)
{
  GError *first_error = NULL;
  gboolean kept_any = FALSE;

  /* After a save: unmodified, unless the model changed while the files were written. */
  if (job->save && _sc_settings_get_change_count (self->settings) == job->change_count)
    g_object_set (self->settings, "modified", FALSE, NULL);

  g_clear_pointer (&self->warnings, g_strfreev);
  g_ptr_array_add (job->warnings, NULL);
  self->warnings = (GStrv) g_ptr_array_steal (job->warnings, NULL);

  if (job->save)
    {
      g_clear_pointer (&self->keyring_account, account_free);
      self->keyring_account = g_steal_pointer (&job->keyring_after);
      return TRUE;
    }

  if (!job->keep[CREDENTIALS])
    {
      g_clear_pointer (&self->keyring_account, account_free);
      self->keyring_account = g_steal_pointer (&job->account);
    }

  g_object_freeze_notify (G_OBJECT (self->settings));

  for (guint i = 0; i < N_FILES; i++)
    {
      if (job->keep[i])
        {
          kept_any = TRUE;
          continue;
        }
      g_clear_pointer (&self->roots[i], json_node_unref);
      self->roots[i] = g_steal_pointer (&job->roots[i]);
      g_clear_error (&self->unreadable[i]);
      if (job->errors[i] != NULL && !job->missing[i] &&
          !g_error_matches (job->errors[i], G_IO_ERROR, G_IO_ERROR_CANCELLED))
        self->unreadable[i] = g_error_copy (job->errors[i]);

      if (first_error == NULL)
        first_error = g_steal_pointer (&job->errors[i]);
      if (first_error == NULL && i == CREDENTIALS && job->keyring_error != NULL)
        first_error = password_not_found_error (self, job->keyring_error);
      _sc_settings_apply_json (self->settings, files[i].name,
                               self->roots[i] != NULL ? json_node_get_object (self->roots[i])
                                                      : NULL,
                               &first_error);
    }

  /* A reload keeps the other files' values, edited or not: and so whether they were. */
  if (!kept_any)
    g_object_set (self->settings, "modified", FALSE, NULL);
  g_object_thaw_notify (G_OBJECT (self->settings));

  if (first_error != NULL)
    {
      g_propagate_error (error, first_error);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* The default folder                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* Fills a new folder next to @target with the examples, then renames it into place so that a
 * half-made folder is never seen. */
static gboolean
create_default_directory (const char  *target,
                          GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (target);
  g_autofree char *tmp = g_build_filename (parent, ".smtp-client-XXXXXX", NULL);
  g_autofree char *attachments = NULL;
  g_autoptr(GError) local_error = NULL;
  int saved_errno;

  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: the first %s is a folder, the second the reason. */
                   _("%s: cannot create the folder: %s"), parent, g_strerror (saved_errno));
      return FALSE;
    }

  if (g_mkdtemp_full (tmp, 0755) == NULL)
    {
      saved_errno = errno;
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: the first %s is a folder, the second the reason. */
                   _("%s: cannot create a folder: %s"), parent, g_strerror (saved_errno));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (files) && local_error == NULL; i++)
    {
      g_autofree char *resource = g_strconcat ("/io/github/smtpclient/SmtpClient/settings/",
                                               files[i].name, NULL);
      g_autofree char *path = g_build_filename (tmp, files[i].name, NULL);
      g_autoptr(GBytes) bytes = g_resource_lookup_data (sc_engine_get_resource (), resource,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE,
                                                        &local_error);

      if (bytes != NULL)
        g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                  G_FILE_SET_CONTENTS_CONSISTENT, files[i].mode, &local_error);
    }

  attachments = g_build_filename (tmp, "attachments", NULL);
  if (local_error == NULL && g_mkdir (attachments, 0755) == 0 && g_rename (tmp, target) == 0)
    return TRUE;

  saved_errno = errno;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (tmp, files[i].name, NULL);

      g_unlink (path);
    }
  g_rmdir (attachments);
  g_rmdir (tmp);

  if (local_error != NULL)
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: the first %s is a folder, the second the reason. */
                   _("%s: cannot create the example settings: %s"), target,
                   local_error->message);
      return FALSE;
    }

  /* Someone else made it at the same time: use theirs. */
  if (g_file_test (target, G_FILE_TEST_IS_DIR))
    return TRUE;

  g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
               _("%s: cannot create the folder: %s"), target, g_strerror (saved_errno));
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Callbacks                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;

  if (job_run (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (g_task_propagate_boolean (G_TASK (result), &error) &&
      job_finish (SC_SETTINGS_STORE (object), g_task_get_task_data (G_TASK (result)), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Makes the job now, runs it in a worker, and finishes it on the caller's context. */
static void
job_start (ScSettingsStore     *self,
           JobKind              kind,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) worker = NULL;
  GError *error = NULL;
  Job *job;

  g_task_set_source_tag (task, source_tag);

  if ((job = job_new (self, kind, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  worker = g_task_new (self, cancellable, job_done_cb, g_steal_pointer (&task));
  g_task_set_task_data (worker, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (worker, job_thread);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_settings_store_dispose (GObject *object)
{
  ScSettingsStore *self = (ScSettingsStore *) object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sc_settings_store_parent_class)->dispose (object);
}

static void
sc_settings_store_finalize (GObject *object)
{
  ScSettingsStore *self = (ScSettingsStore *) object;

  for (guint i = 0; i < N_FILES; i++)
    {
      g_clear_pointer (&self->roots[i], json_node_unref);
      g_clear_error (&self->unreadable[i]);
    }
  g_clear_pointer (&self->warnings, g_strfreev);
  g_clear_pointer (&self->keyring_account, account_free);

  G_OBJECT_CLASS (sc_settings_store_parent_class)->finalize (object);
}

static void
sc_settings_store_class_init (ScSettingsStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sc_settings_store_dispose;
  object_class->finalize = sc_settings_store_finalize;
}

static void
sc_settings_store_init (ScSettingsStore *self)
{
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_settings_store_new:
 * @directory: the settings folder (holding config.json, credentials.json, data.json)
 *
 * Returns: (transfer full): a store with an empty model; nothing is read until a load
 */
ScSettingsStore *
sc_settings_store_new (GFile *directory)
{
  ScSettingsStore *self;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  self = g_object_new (SC_TYPE_SETTINGS_STORE, NULL);
  self->settings = sc_settings_new (directory);

  return self;
}

/**
 * sc_settings_store_get_settings:
 * Returns: (transfer none): the model the store fills and saves
 */
ScSettings *
sc_settings_store_get_settings (ScSettingsStore *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS_STORE (self), NULL);

  return self->settings;
}

/**
 * sc_settings_store_dup_unreadable_file:
 * @self: a store
 *
 * A settings file that exists but could not be read or parsed at the last load. Saving
 * refuses to overwrite it; the user fixes it (e.g. in a text editor) and loads again.
 *
 * Returns: (transfer full) (nullable): the first such file, or %NULL when all were read
 */
GFile *
sc_settings_store_dup_unreadable_file (ScSettingsStore *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS_STORE (self), NULL);

  for (guint i = 0; i < N_FILES; i++)
    if (self->unreadable[i] != NULL)
      return g_file_get_child (sc_settings_get_directory (self->settings), files[i].name);

  return NULL;
}

/**
 * sc_settings_store_check_writable:
 * @self: a store
 * @error: return location for a #GError
 *
 * The rule that a settings file which exists but could not be read or parsed is never
 * overwritten: a save fails until it is fixed and loaded again. Checked first by every save.
 *
 * Returns: %TRUE if a save may write the files
 */
gboolean
sc_settings_store_check_writable (ScSettingsStore  *self,
                                  GError          **error)
{
  g_return_val_if_fail (SC_IS_SETTINGS_STORE (self), FALSE);

  for (guint i = 0; i < N_FILES; i++)
    if (self->unreadable[i] != NULL)
      {
        g_set_error (error, self->unreadable[i]->domain, self->unreadable[i]->code,
                     /* Translators: %s is why a settings file could not be read, e.g.
                      * "data.json:3:5: unexpected character ','" */
                     _("Not saved: saving would overwrite a settings file that could not be "
                       "read (%s). Fix the file, then reload it."),
                     self->unreadable[i]->message);
        return FALSE;
      }

  return TRUE;
}

/**
 * sc_settings_store_get_warnings:
 * @self: a store
 *
 * What the last load or save found wrong that is not an error, e.g. a credentials.json that
 * other users can read, or a password kept in the file because no keyring was available. The
 * window shows them, `--send` prints them on stderr.
 *
 * Returns: (transfer none) (array zero-terminated=1): translated sentences, maybe none
 */
const char * const *
sc_settings_store_get_warnings (ScSettingsStore *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (SC_IS_SETTINGS_STORE (self), NULL);

  return self->warnings != NULL ? (const char * const *) self->warnings : none;
}

/**
 * sc_settings_store_load:
 *
 * Reads the three files into the model. Every good value is taken, whatever is wrong
 * elsewhere; the first problem is reported ("file:line:column: …" or "file: "key" …").
 * When credentials.json says "password_storage": "keyring" and holds no password, it is
 * looked up in the keyring (sc-keyring.h) by host, port and login; if the keyring cannot give
 * it, that is the error about "password". Nothing is written. Blocking (the keyring too); see
 * sc_settings_store_load_async().
 *
 * Returns: %TRUE if all three files were read and every value is good
 */
gboolean
sc_settings_store_load (ScSettingsStore  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(Job) job = NULL;

  g_return_val_if_fail (SC_IS_SETTINGS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  job = job_new (self, JOB_LOAD, NULL);
  return job_run (job, cancellable, error) && job_finish (self, job, error);
}

/**
 * sc_settings_store_load_async:
 *
 * Reads and parses the files in a worker thread, then fills the model on the thread-default
 * main context of the caller, as sc_settings_store_load() does.
 */
void
sc_settings_store_load_async (ScSettingsStore     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SC_IS_SETTINGS_STORE (self));

  job_start (self, JOB_LOAD, sc_settings_store_load_async, cancellable, callback, user_data);
}

/**
 * sc_settings_store_reload_async:
 *
 * Reads again the files that could not be read or parsed at the last load (after the user
 * fixed them), and fills the model from them only: what the other files gave, and what the
 * user changed since, stays. Finish with sc_settings_store_load_finish().
 */
void
sc_settings_store_reload_async (ScSettingsStore     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (SC_IS_SETTINGS_STORE (self));

  job_start (self, JOB_RELOAD, sc_settings_store_load_async, cancellable, callback, user_data);
}

/**
 * sc_settings_store_load_finish:
 * Returns: %TRUE if all three files were read and every value is good
 */
gboolean
sc_settings_store_load_finish (ScSettingsStore  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sc_settings_store_load_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sc_settings_store_save_async:
 *
 * Validates and takes the values now, then writes the three files in a worker thread, each
 * atomically, keeping keys this program does not know. credentials.json is readable by its
 * owner only. Nothing is written if a value is wrong.
 *
 * With "password-storage" "keyring" (and a login), the password is stored in the keyring
 * first and left out of credentials.json; without a usable keyring (no secret service, or
 * locked) the file keeps it, and a warning says so (sc_settings_store_get_warnings ()). The
 * password of an account the keyring held before, and that is not this one any more (another
 * host, port or login, or the keyring switched off), is then removed from it.
 */
void
sc_settings_store_save_async (ScSettingsStore     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SC_IS_SETTINGS_STORE (self));

  job_start (self, JOB_SAVE, sc_settings_store_save_async, cancellable, callback, user_data);
}

/**
 * sc_settings_store_save_finish:
 * Returns: %TRUE on success
 */
gboolean
sc_settings_store_save_finish (ScSettingsStore  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sc_settings_store_save_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sc_settings_default_directory:
 *
 * Finds the settings folder: "./settings" when it exists, else $XDG_CONFIG_HOME/smtp-client,
 * which is made on first use with the example settings and an empty attachments folder.
 *
 * Returns: (transfer full): the folder, or %NULL with @error set
 */
GFile *
sc_settings_default_directory (GError **error)
{
  g_autofree char *target = NULL;

  if (g_file_test ("settings", G_FILE_TEST_IS_DIR))
    return g_file_new_for_path ("settings");

  target = g_build_filename (g_get_user_config_dir (), "smtp-client", NULL);

  if (g_file_test (target, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (target);

  if (g_file_test (target, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: %s is the settings folder's path. */
                   _("%s: exists but is not a folder"), target);
      return NULL;
    }

  if (!create_default_directory (target, error))
    return NULL;

  return g_file_new_for_path (target);
}

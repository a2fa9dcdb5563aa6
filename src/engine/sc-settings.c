/* sc-settings.c — the three JSON settings files as one model
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-settings"

#include "config.h"

#include "sc-settings.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sc-engine-resources.h"
#include "sc-address.h"
#include "sc-error.h"
#include "sc-util.h"

#define CONFIG_FILE      "config.json"
#define CREDENTIALS_FILE "credentials.json"
#define DATA_FILE        "data.json"
#define MAX_TIMEOUT      86400

struct _ScSettings
{
  GObject     parent_instance;

  GFile      *directory;

  /* config.json */
  char       *smtp_host;
  guint       smtp_port;
  ScSecurity  security;
  gboolean    security_explicit;
  char       *ca_file;
  guint       timeout_seconds;

  /* credentials.json */
  char       *login;
  char       *password;

  /* data.json */
  char      **recipients;
  char       *subject;
  char       *message_file_path;
  char       *attachment_folder_path;

  /* The parsed roots, so that keys we do not know survive a save. */
  JsonNode   *config_root;
  JsonNode   *credentials_root;
  JsonNode   *data_root;
};

G_DEFINE_FINAL_TYPE (ScSettings, sc_settings, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_SMTP_HOST,
  PROP_SMTP_PORT,
  PROP_SECURITY,
  PROP_SECURITY_EXPLICIT,
  PROP_CA_FILE,
  PROP_TIMEOUT_SECONDS,
  PROP_LOGIN,
  PROP_PASSWORD,
  PROP_RECIPIENTS,
  PROP_SUBJECT,
  PROP_MESSAGE_FILE_PATH,
  PROP_ATTACHMENT_FOLDER_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The keys, the file they live in and the property that shows them. */
typedef enum
{
  KEY_SMTP_HOST,
  KEY_SMTP_PORT,
  KEY_SECURITY,
  KEY_CA_FILE,
  KEY_TIMEOUT_SECONDS,
  KEY_LOGIN,
  KEY_PASSWORD,
  KEY_TO_ADDRS,
  KEY_SUBJECT,
  KEY_MESSAGE_FILE_PATH,
  KEY_ATTACHMENT_FOLDER_PATH,
  N_KEYS
} SettingsKey;

typedef struct
{
  const char *json_name;
  const char *file;
  const char *property;
} KeyInfo;

static const KeyInfo key_info[N_KEYS] = {
  [KEY_SMTP_HOST]              = { "smtp_host", CONFIG_FILE, "smtp-host" },
  [KEY_SMTP_PORT]              = { "smtp_port", CONFIG_FILE, "smtp-port" },
  [KEY_SECURITY]               = { "security", CONFIG_FILE, "security" },
  [KEY_CA_FILE]                = { "ca_file", CONFIG_FILE, "ca-file" },
  [KEY_TIMEOUT_SECONDS]        = { "timeout_seconds", CONFIG_FILE, "timeout-seconds" },
  [KEY_LOGIN]                  = { "login", CREDENTIALS_FILE, "login" },
  [KEY_PASSWORD]               = { "password", CREDENTIALS_FILE, "password" },
  [KEY_TO_ADDRS]               = { "to_addrs", DATA_FILE, "recipients" },
  [KEY_SUBJECT]                = { "subject", DATA_FILE, "subject" },
  [KEY_MESSAGE_FILE_PATH]      = { "message_file_path", DATA_FILE, "message-file-path" },
  [KEY_ATTACHMENT_FOLDER_PATH] = { "attachment_folder_path", DATA_FILE, "attachment-folder-path" },
};

static const GEnumValue security_values[] = {
  { SC_SECURITY_TLS, "SC_SECURITY_TLS", "tls" },
  { SC_SECURITY_STARTTLS, "SC_SECURITY_STARTTLS", "starttls" },
  { SC_SECURITY_NONE, "SC_SECURITY_NONE", "none" },
  { 0, NULL, NULL }
};

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static gboolean
set_str (char       **str_pointer,
         const char  *new_str)
{
  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  g_free (*str_pointer);
  *str_pointer = g_strdup (new_str);
  return TRUE;
}

static GFile *
settings_file (ScSettings *self,
               const char *name)
{
  return g_file_get_child (self->directory, name);
}

static char *
settings_file_display (ScSettings *self,
                       const char *name)
{
  g_autoptr(GFile) file = settings_file (self, name);

  return _sc_display_path (file);
}

static void
set_invalid (ScSettings  *self,
             SettingsKey  key,
             GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (4, 5);

static void
set_invalid (ScSettings  *self,
             SettingsKey  key,
             GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *path = settings_file_display (self, key_info[key].file);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
               /* Translators: the first %s is the settings file, the second a JSON key such
                * as "smtp_port" (kept as it is), the third what is wrong with its value, e.g.
                * "must be a whole number from 1 to 65535". */
               _("%s: \"%s\" %s"), path, key_info[key].json_name, what);
}

/* json_node_copy () shares objects and arrays; this copies them too, so that a copy can be
 * changed (or handed to another thread) without touching the original. json_node_init_object ()
 * and json_node_init_array () take their own reference. */
static JsonNode *
deep_copy_node (JsonNode *node)
{
  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(JsonObject) copy = json_object_new ();
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (copy, l->data,
                                deep_copy_node (json_object_get_member (object, l->data)));

      return json_node_init_object (json_node_alloc (), copy);
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);
      g_autoptr(JsonArray) copy = json_array_sized_new (n);

      for (guint i = 0; i < n; i++)
        json_array_add_element (copy, deep_copy_node (json_array_get_element (array, i)));

      return json_node_init_array (json_node_alloc (), copy);
    }

  return json_node_copy (node);
}

/* Keep the first error only. */
static void
take_first_error (GError **error,
                  GError  *local_error)
{
  if (local_error == NULL)
    return;

  if (error != NULL && *error == NULL)
    g_propagate_error (error, local_error);
  else
    g_error_free (local_error);
}

/* ------------------------------------------------------------------------------------------ */
/* Validation of single values (shared by load, validate and validate_key)                    */
/* ------------------------------------------------------------------------------------------ */

static gboolean
check_smtp_host (ScSettings  *self,
                 const char  *host,
                 GError     **error)
{
  if (host == NULL || *host == '\0')
    {
      set_invalid (self, KEY_SMTP_HOST, error,
                   /* Translators: this and the other "must …"/"is missing" phrases follow a
                    * JSON key in quotes, e.g. 'config.json: "smtp_host" must be …'. */
                   _("must be the name or address of the SMTP server"));
      return FALSE;
    }

  for (const char *p = host; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
        {
          set_invalid (self, KEY_SMTP_HOST, error,
                       _("must be a host name or address without spaces or line breaks"));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_smtp_port (ScSettings  *self,
                 gint64       port,
                 GError     **error)
{
  if (port < 1 || port > 65535)
    {
      set_invalid (self, KEY_SMTP_PORT, error, _("must be a whole number from 1 to 65535"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_security (ScSettings  *self,
                ScSecurity   security,
                const char  *host,
                GError     **error)
{
  if (security == SC_SECURITY_NONE && !sc_host_is_loopback (host))
    {
      set_invalid (self, KEY_SECURITY, error,
                   /* Translators: follows the key "security". "none", "tls" and "starttls"
                    * are setting values and localhost a host name: keep them as they are.
                    * %s is the server's host name. */
                   _("may be \"none\" (no encryption) only for a server on this computer "
                     "(localhost, 127.0.0.1 or ::1); use \"tls\" or \"starttls\" for \"%s\""),
                   host != NULL ? host : "");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_timeout (ScSettings  *self,
               gint64       timeout,
               GError     **error)
{
  if (timeout < 1 || timeout > MAX_TIMEOUT)
    {
      set_invalid (self, KEY_TIMEOUT_SECONDS, error,
                   _("must be a whole number of seconds from 1 to %d"), MAX_TIMEOUT);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_ca_file (ScSettings  *self,
               const char  *ca_file,
               GError     **error)
{
  if (sc_text_has_line_break (ca_file))
    {
      set_invalid (self, KEY_CA_FILE, error, _("must be the path of a PEM file"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_login (ScSettings  *self,
             const char  *login,
             GError     **error)
{
  if (login == NULL || *login == '\0')
    {
      set_invalid (self, KEY_LOGIN, error,
                   _("must be the login (the sender's e-mail address)"));
      return FALSE;
    }

  if (sc_text_has_line_break (login))
    {
      set_invalid (self, KEY_LOGIN, error, _("must not contain a line break"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_password (ScSettings  *self,
                const char  *password,
                GError     **error)
{
  /* Never put the password itself into a message. */
  if (password == NULL)
    {
      set_invalid (self, KEY_PASSWORD, error, _("must be a text string"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_recipients (ScSettings          *self,
                  const char * const  *recipients,
                  GError             **error)
{
  if (recipients == NULL || recipients[0] == NULL)
    {
      set_invalid (self, KEY_TO_ADDRS, error,
                   _("must be a list of e-mail addresses with at least one address"));
      return FALSE;
    }

  for (guint i = 0; recipients[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!sc_address_validate (recipients[i], &local_error))
        {
          g_autofree char *shown = g_strescape (recipients[i], NULL);

          set_invalid (self, KEY_TO_ADDRS, error,
                       /* Translators: %s is the address, %u its position in the list. */
                       _("must be a list of e-mail addresses: \"%s\" (item %u) is not one"),
                       shown, i + 1);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_subject (ScSettings  *self,
               const char  *subject,
               GError     **error)
{
  if (subject == NULL)
    {
      set_invalid (self, KEY_SUBJECT, error, _("must be a text string"));
      return FALSE;
    }

  if (sc_text_has_line_break (subject))
    {
      set_invalid (self, KEY_SUBJECT, error, _("must not contain a line break"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_message_file_path (ScSettings  *self,
                         const char  *path,
                         GError     **error)
{
  if (path == NULL || *path == '\0')
    {
      set_invalid (self, KEY_MESSAGE_FILE_PATH, error,
                   _("must be the path of the text file with the message body"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_attachment_folder_path (ScSettings  *self,
                              const char  *path,
                              GError     **error)
{
  /* Empty or absent means no attachments. */
  return TRUE;
}

static gboolean
check_key (ScSettings   *self,
           SettingsKey   key,
           GError      **error)
{
  switch (key)
    {
    case KEY_SMTP_HOST:
      return check_smtp_host (self, self->smtp_host, error);
    case KEY_SMTP_PORT:
      return check_smtp_port (self, self->smtp_port, error);
    case KEY_SECURITY:
      return check_security (self, self->security, self->smtp_host, error);
    case KEY_CA_FILE:
      return check_ca_file (self, self->ca_file, error);
    case KEY_TIMEOUT_SECONDS:
      return check_timeout (self, self->timeout_seconds, error);
    case KEY_LOGIN:
      return check_login (self, self->login, error);
    case KEY_PASSWORD:
      return check_password (self, self->password, error);
    case KEY_TO_ADDRS:
      return check_recipients (self, (const char * const *) self->recipients, error);
    case KEY_SUBJECT:
      return check_subject (self, self->subject, error);
    case KEY_MESSAGE_FILE_PATH:
      return check_message_file_path (self, self->message_file_path, error);
    case KEY_ATTACHMENT_FOLDER_PATH:
      return check_attachment_folder_path (self, self->attachment_folder_path, error);
    case N_KEYS:
    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

static gboolean
lookup_key (const char  *name,
            SettingsKey *out_key)
{
  g_autofree char *normal = NULL;

  if (name == NULL)
    return FALSE;

  if (g_str_has_prefix (name, "message."))
    name += strlen ("message.");

  normal = g_strdelimit (g_strdup (name), "-", '_');

  for (guint i = 0; i < N_KEYS; i++)
    {
      g_autofree char *prop = g_strdelimit (g_strdup (key_info[i].property), "-", '_');

      if (g_str_equal (normal, key_info[i].json_name) || g_str_equal (normal, prop))
        {
          *out_key = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Reads and parses one file. Returns the root object node or NULL with an error. */
static JsonNode *
read_json_file (ScSettings  *self,
                const char  *name,
                GError     **error)
{
  g_autoptr(GFile) file = settings_file (self, name);
  g_autofree char *shown = _sc_display_path (file);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint bad_line = 0;
  guint bad_column = 0;
  JsonNode *root;

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                     /* Translators: %s is a settings file. */
                     _("%s: the file does not exist"), shown);
      else
        g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                     /* Translators: the first %s is a file, the second the reason. */
                     _("%s: cannot read the file: %s"), shown, local_error->message);
      return NULL;
    }

  if (sc_text_find_invalid_utf8 (contents, length, &bad_line, &bad_column, NULL))
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE,
                   /* Translators: "%s:%u:%u:" is the file name, line and column. */
                   _("%s:%u:%u: the file is not UTF-8 text"), shown, bad_line, bad_column);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      g_autoptr(GRegex) regex = NULL;
      g_autoptr(GMatchInfo) match = NULL;

      regex = g_regex_new ("^.*?:(\\d+):(\\d+): (?:Parse error: )?(.*)$",
                           G_REGEX_DOTALL, 0, NULL);
      if (regex != NULL && g_regex_match (regex, local_error->message, 0, &match))
        {
          g_autofree char *line = g_match_info_fetch (match, 1);
          g_autofree char *column = g_match_info_fetch (match, 2);
          g_autofree char *what = g_match_info_fetch (match, 3);

          g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE,
                       "%s:%s:%s: %s", shown, line, column, what);
        }
      else
        {
          g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE,
                       /* Translators: the first %s is a file, the second the parser's
                        * message. */
                       _("%s: not valid JSON: %s"), shown, local_error->message);
        }
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE,
                   /* Translators: "%s:1:1:" is the file name, line and column; keep "{ … }". */
                   _("%s:1:1: the file is empty; it must hold a JSON object ({ … })"), shown);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_PARSE,
                   /* Translators: "%s:1:1:" is the file name, line and column; keep "{ … }". */
                   _("%s:1:1: the file must hold a JSON object ({ … })"), shown);
      return NULL;
    }

  return deep_copy_node (root);
}

/* Returns the string value of a member, or NULL with an error when it is not a string. A
 * missing member is an error only when required. */
static gboolean
get_string_member (ScSettings   *self,
                   JsonObject   *object,
                   SettingsKey   key,
                   gboolean      required,
                   const char  **out_value,
                   GError      **error)
{
  JsonNode *node = json_object_get_member (object, key_info[key].json_name);

  *out_value = NULL;

  if (node == NULL)
    {
      if (required)
        {
          /* Translators: follows a JSON key in quotes, e.g. 'data.json: "subject" is missing'. */
          set_invalid (self, key, error, _("is missing"));
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      if (!required && JSON_NODE_HOLDS_NULL (node))
        return TRUE;

      set_invalid (self, key, error, _("must be a text string in double quotes"));
      return FALSE;
    }

  *out_value = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_int_member (JsonObject *object,
                const char *name,
                gint64     *out_value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out_value = json_node_get_int (node);
  return TRUE;
}

static void
load_config (ScSettings  *self,
             JsonObject  *object,
             GError     **error)
{
  const char *str;
  gint64 number;
  GError *local_error = NULL;

  if (get_string_member (self, object, KEY_SMTP_HOST, TRUE, &str, &local_error) &&
      check_smtp_host (self, str, &local_error))
    sc_settings_set_smtp_host (self, str);
  take_first_error (error, g_steal_pointer (&local_error));

  if (!json_object_has_member (object, "smtp_port"))
    set_invalid (self, KEY_SMTP_PORT, &local_error, _("is missing"));
  else if (!get_int_member (object, "smtp_port", &number))
    set_invalid (self, KEY_SMTP_PORT, &local_error, _("must be a whole number from 1 to 65535"));
  else if (check_smtp_port (self, number, &local_error))
    sc_settings_set_smtp_port (self, (guint) number);
  take_first_error (error, g_steal_pointer (&local_error));

  if (json_object_has_member (object, "security"))
    {
      ScSecurity security;

      if (get_string_member (self, object, KEY_SECURITY, TRUE, &str, &local_error))
        {
          if (!sc_security_from_string (str, &security))
            set_invalid (self, KEY_SECURITY, &local_error,
                         /* Translators: "tls", "starttls" and "none" are setting values:
                          * keep them as they are. */
                         _("must be \"tls\", \"starttls\" or \"none\""));
          else
            {
              sc_settings_set_security (self, security);
              check_security (self, security, self->smtp_host, &local_error);
            }
        }
      take_first_error (error, g_steal_pointer (&local_error));
    }

  if (get_string_member (self, object, KEY_CA_FILE, FALSE, &str, &local_error) &&
      check_ca_file (self, str, &local_error))
    sc_settings_set_ca_file (self, str);
  take_first_error (error, g_steal_pointer (&local_error));

  if (json_object_has_member (object, "timeout_seconds"))
    {
      if (!get_int_member (object, "timeout_seconds", &number))
        check_timeout (self, -1, &local_error);
      else if (check_timeout (self, number, &local_error))
        sc_settings_set_timeout_seconds (self, (guint) number);
      take_first_error (error, g_steal_pointer (&local_error));
    }
}

static void
load_credentials (ScSettings  *self,
                  JsonObject  *object,
                  GError     **error)
{
  const char *str;
  GError *local_error = NULL;

  if (get_string_member (self, object, KEY_LOGIN, TRUE, &str, &local_error) &&
      check_login (self, str, &local_error))
    sc_settings_set_login (self, str);
  take_first_error (error, g_steal_pointer (&local_error));

  if (get_string_member (self, object, KEY_PASSWORD, TRUE, &str, &local_error))
    sc_settings_set_password (self, str);
  take_first_error (error, g_steal_pointer (&local_error));
}

static void
load_data (ScSettings  *self,
           JsonObject  *object,
           GError     **error)
{
  JsonNode *node;
  JsonObject *message = NULL;
  const char *str;
  GError *local_error = NULL;

  node = json_object_get_member (object, "to_addrs");
  if (node == NULL)
    {
      set_invalid (self, KEY_TO_ADDRS, &local_error, _("is missing"));
    }
  else if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_invalid (self, KEY_TO_ADDRS, &local_error,
                   /* Translators: keep the JSON example ["someone@example.com"] as it is. */
                   _("must be a list of e-mail addresses, like [\"someone@example.com\"]"));
    }
  else
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) recipients = NULL;

      for (guint i = 0; i < n; i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            {
              set_invalid (self, KEY_TO_ADDRS, &local_error,
                           /* Translators: %u is the position in the list. */
                           _("must be a list of e-mail addresses: item %u is not a text string"),
                           i + 1);
              break;
            }
          g_strv_builder_add (builder, json_node_get_string (item));
        }

      recipients = g_strv_builder_end (builder);
      if (local_error == NULL &&
          check_recipients (self, (const char * const *) recipients, &local_error))
        sc_settings_set_recipients (self, (const char * const *) recipients);
    }
  take_first_error (error, g_steal_pointer (&local_error));

  node = json_object_get_member (object, "message");
  if (node == NULL)
    {
      g_autofree char *path = settings_file_display (self, DATA_FILE);

      g_set_error (&local_error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                   /* Translators: %s is a settings file; "message" is a JSON key: keep it. */
                   _("%s: \"message\" is missing"), path);
    }
  else if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *path = settings_file_display (self, DATA_FILE);

      g_set_error (&local_error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                   /* Translators: %s is a settings file; "message", "subject",
                    * "message_file_path" and "attachment_folder_path" are JSON keys: keep them
                    * as they are. */
                   _("%s: \"message\" must be an object with \"subject\", \"message_file_path\" "
                     "and \"attachment_folder_path\""), path);
    }
  else
    {
      message = json_node_get_object (node);
    }
  take_first_error (error, g_steal_pointer (&local_error));

  if (message == NULL)
    return;

  if (get_string_member (self, message, KEY_SUBJECT, TRUE, &str, &local_error) &&
      check_subject (self, str, &local_error))
    sc_settings_set_subject (self, str);
  take_first_error (error, g_steal_pointer (&local_error));

  if (get_string_member (self, message, KEY_MESSAGE_FILE_PATH, TRUE, &str, &local_error) &&
      check_message_file_path (self, str, &local_error))
    sc_settings_set_message_file_path (self, str);
  take_first_error (error, g_steal_pointer (&local_error));

  if (get_string_member (self, message, KEY_ATTACHMENT_FOLDER_PATH, FALSE, &str, &local_error))
    sc_settings_set_attachment_folder_path (self, str);
  take_first_error (error, g_steal_pointer (&local_error));
}

static void
reset_values (ScSettings *self)
{
  sc_settings_set_smtp_host (self, NULL);
  sc_settings_set_smtp_port (self, 0);
  sc_settings_set_ca_file (self, NULL);
  sc_settings_set_timeout_seconds (self, SC_SETTINGS_DEFAULT_TIMEOUT);
  sc_settings_set_login (self, NULL);
  sc_settings_set_password (self, NULL);
  sc_settings_set_recipients (self, NULL);
  sc_settings_set_subject (self, NULL);
  sc_settings_set_message_file_path (self, NULL);
  sc_settings_set_attachment_folder_path (self, NULL);

  if (self->security_explicit)
    {
      self->security_explicit = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY_EXPLICIT]);
    }
  if (self->security != sc_security_default_for_port (self->smtp_port))
    {
      self->security = sc_security_default_for_port (self->smtp_port);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY]);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Writing                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static JsonObject *
ensure_object_root (JsonNode **root)
{
  if (*root == NULL || !JSON_NODE_HOLDS_OBJECT (*root))
    {
      g_clear_pointer (root, json_node_unref);
      *root = json_node_init_object (json_node_alloc (), json_object_new ());
    }

  return json_node_get_object (*root);
}

static void
append_json_string (GString    *out,
                    const char *str)
{
  g_string_append_c (out, '"');

  for (const unsigned char *p = (const unsigned char *) str; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          /* UTF-8 stays readable; only control characters are escaped. */
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, *p);
        }
    }

  g_string_append_c (out, '"');
}

static void append_json_node (GString  *out,
                              JsonNode *node,
                              guint     indent);

static void
append_json_value (GString  *out,
                   JsonNode *node)
{
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node));
        g_string_append (out, buf);
        /* Keep it a floating point number when read back. */
        if (strpbrk (buf, ".eE") == NULL)
          g_string_append (out, ".0");
      }
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_STRING:
      append_json_string (out, json_node_get_string (node));
      break;
    default:
      g_string_append (out, "null");
    }
}

/* A short list of plain values fits on one line, like ["someone@example.com"]. */
static gboolean
array_fits_on_line (JsonArray *array,
                    guint      indent)
{
  g_autoptr(GString) line = g_string_new (NULL);
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element) || JSON_NODE_HOLDS_ARRAY (element))
        return FALSE;

      append_json_node (line, element, 0);
      g_string_append (line, ", ");
    }

  return indent + line->len < 72;
}

static void
append_indent (GString *out,
               guint    indent)
{
  for (guint i = 0; i < indent; i++)
    g_string_append_c (out, ' ');
}

/* Pretty JSON in the style of the example files: two spaces, "key": value. */
static void
append_json_node (GString  *out,
                  JsonNode *node,
                  guint     indent)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      if (members == NULL)
        {
          g_string_append (out, "{}");
          return;
        }

      g_string_append (out, "{\n");
      for (GList *l = members; l != NULL; l = l->next)
        {
          append_indent (out, indent + 2);
          append_json_string (out, l->data);
          g_string_append (out, ": ");
          append_json_node (out, json_object_get_member (object, l->data), indent + 2);
          g_string_append (out, l->next != NULL ? ",\n" : "\n");
        }
      append_indent (out, indent);
      g_string_append_c (out, '}');
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);
      gboolean inline_array;

      if (n == 0)
        {
          g_string_append (out, "[]");
          return;
        }

      inline_array = array_fits_on_line (array, indent);
      g_string_append (out, inline_array ? "[" : "[\n");
      for (guint i = 0; i < n; i++)
        {
          if (!inline_array)
            append_indent (out, indent + 2);
          append_json_node (out, json_array_get_element (array, i), indent + 2);
          if (i + 1 < n)
            g_string_append (out, inline_array ? ", " : ",\n");
          else if (!inline_array)
            g_string_append_c (out, '\n');
        }
      if (!inline_array)
        append_indent (out, indent);
      g_string_append_c (out, ']');
    }
  else if (JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (out, "null");
    }
  else
    {
      append_json_value (out, node);
    }
}

static char *
to_pretty_json (JsonNode *root,
                gsize    *out_length)
{
  GString *text = g_string_new (NULL);

  append_json_node (text, root, 0);
  g_string_append_c (text, '\n');

  *out_length = text->len;
  return g_string_free (text, FALSE);
}

static gboolean
write_json_file (ScSettings  *self,
                 const char  *name,
                 JsonNode    *root,
                 int          mode,
                 GError     **error)
{
  g_autoptr(GFile) file = settings_file (self, name);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  contents = to_pretty_json (root, &length);

  if (!g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_CONSISTENT, mode,
                                 &local_error))
    {
      g_autofree char *shown = _sc_display_path (file);

      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: the first %s is a file, the second the reason. */
                   _("%s: cannot write the file: %s"), shown, local_error->message);
      return FALSE;
    }

  /* An existing file keeps its mode through the rename only if we set it; make sure
   * credentials.json is private whatever umask or earlier mode it had. */
  if (mode == 0600 && g_chmod (path, 0600) != 0)
    {
      int saved_errno = errno;
      g_autofree char *shown = _sc_display_path (file);

      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: the first %s is a file, the second the reason. */
                   _("%s: cannot make the file private: %s"), shown, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static void
set_or_remove_string (JsonObject *object,
                      const char *name,
                      const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, name, value);
  else if (json_object_has_member (object, name))
    json_object_remove_member (object, name);
}

static JsonNode *
build_config (ScSettings *self)
{
  JsonNode *root = deep_copy_node (self->config_root);
  JsonObject *object = ensure_object_root (&root);

  json_object_set_string_member (object, "smtp_host", self->smtp_host);
  json_object_set_int_member (object, "smtp_port", self->smtp_port);

  if (self->security_explicit)
    json_object_set_string_member (object, "security", sc_security_to_string (self->security));
  else if (json_object_has_member (object, "security"))
    json_object_remove_member (object, "security");

  set_or_remove_string (object, "ca_file", self->ca_file);

  if (json_object_has_member (object, "timeout_seconds") ||
      self->timeout_seconds != SC_SETTINGS_DEFAULT_TIMEOUT)
    json_object_set_int_member (object, "timeout_seconds", self->timeout_seconds);

  return root;
}

static JsonNode *
build_credentials (ScSettings *self)
{
  JsonNode *root = deep_copy_node (self->credentials_root);
  JsonObject *object = ensure_object_root (&root);

  json_object_set_string_member (object, "login", self->login);
  json_object_set_string_member (object, "password", self->password != NULL ? self->password : "");

  return root;
}

static JsonNode *
build_data (ScSettings *self)
{
  JsonNode *root = deep_copy_node (self->data_root);
  JsonObject *object = ensure_object_root (&root);
  JsonNode *message_node;
  JsonObject *message;
  JsonArray *array;

  array = json_array_new ();
  for (guint i = 0; self->recipients != NULL && self->recipients[i] != NULL; i++)
    json_array_add_string_element (array, self->recipients[i]);
  json_object_set_array_member (object, "to_addrs", array);

  message_node = json_object_get_member (object, "message");
  if (message_node == NULL || !JSON_NODE_HOLDS_OBJECT (message_node))
    {
      json_object_set_object_member (object, "message", json_object_new ());
      message_node = json_object_get_member (object, "message");
    }
  message = json_node_get_object (message_node);

  json_object_set_string_member (message, "subject", self->subject != NULL ? self->subject : "");
  json_object_set_string_member (message, "message_file_path", self->message_file_path);

  if (self->attachment_folder_path != NULL || json_object_has_member (message,
                                                                      "attachment_folder_path"))
    json_object_set_string_member (message, "attachment_folder_path",
                                   self->attachment_folder_path != NULL ?
                                   self->attachment_folder_path : "");

  return root;
}

static gboolean
write_resource_file (const char  *name,
                     const char  *target,
                     int          mode,
                     GError     **error)
{
  g_autofree char *resource_path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gconstpointer data;
  gsize size;

  resource_path = g_strconcat ("/io/github/smtpclient/SmtpClient/settings/", name, NULL);
  bytes = g_resource_lookup_data (sc_engine_get_resource (), resource_path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;

  data = g_bytes_get_data (bytes, &size);

  return g_file_set_contents_full (target, data, size, G_FILE_SET_CONTENTS_CONSISTENT, mode,
                                   error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
              !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }

  g_rmdir (path);
}

/* Fills a new folder next to @target with the examples, then renames it into place so that a
 * half-made folder is never seen. */
static gboolean
create_default_directory (const char  *target,
                          GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (target);
  g_autofree char *tmp = NULL;
  g_autofree char *attachments = NULL;
  static const struct {
    const char *name;
    int         mode;
  } files[] = {
    { "config.json", 0666 },
    { "credentials.json", 0600 },
    { "data.json", 0666 },
    { "example_msg.txt", 0666 },
  };

  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: the first %s is a folder, the second the reason. */
                   _("%s: cannot create the folder: %s"), parent, g_strerror (saved_errno));
      return FALSE;
    }

  tmp = g_build_filename (parent, ".smtp-client-XXXXXX", NULL);
  if (g_mkdtemp_full (tmp, 0755) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: the first %s is a folder, the second the reason. */
                   _("%s: cannot create a folder: %s"), parent, g_strerror (saved_errno));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (tmp, files[i].name, NULL);
      g_autoptr(GError) local_error = NULL;

      if (!write_resource_file (files[i].name, path, files[i].mode, &local_error))
        {
          g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                       /* Translators: the first %s is a folder, the second the reason. */
                       _("%s: cannot create the example settings: %s"), target,
                       local_error->message);
          remove_tree (tmp);
          return FALSE;
        }
    }

  attachments = g_build_filename (tmp, "attachments", NULL);
  if (g_mkdir (attachments, 0755) != 0 || g_rename (tmp, target) != 0)
    {
      int saved_errno = errno;

      remove_tree (tmp);

      /* Someone else made it at the same time: use theirs. */
      if (g_file_test (target, G_FILE_TEST_IS_DIR))
        return TRUE;

      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   _("%s: cannot create the folder: %s"), target, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_settings_dispose (GObject *object)
{
  ScSettings *self = (ScSettings *) object;

  g_clear_object (&self->directory);

  G_OBJECT_CLASS (sc_settings_parent_class)->dispose (object);
}

static void
sc_settings_finalize (GObject *object)
{
  ScSettings *self = (ScSettings *) object;

  g_clear_pointer (&self->smtp_host, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->login, g_free);
  sc_secret_clear (&self->password);
  g_clear_pointer (&self->recipients, g_strfreev);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->message_file_path, g_free);
  g_clear_pointer (&self->attachment_folder_path, g_free);
  g_clear_pointer (&self->config_root, json_node_unref);
  g_clear_pointer (&self->credentials_root, json_node_unref);
  g_clear_pointer (&self->data_root, json_node_unref);

  G_OBJECT_CLASS (sc_settings_parent_class)->finalize (object);
}

static void
sc_settings_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ScSettings *self = SC_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    case PROP_SMTP_HOST:
      g_value_set_string (value, self->smtp_host);
      break;
    case PROP_SMTP_PORT:
      g_value_set_uint (value, self->smtp_port);
      break;
    case PROP_SECURITY:
      g_value_set_enum (value, self->security);
      break;
    case PROP_SECURITY_EXPLICIT:
      g_value_set_boolean (value, self->security_explicit);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_TIMEOUT_SECONDS:
      g_value_set_uint (value, self->timeout_seconds);
      break;
    case PROP_LOGIN:
      g_value_set_string (value, self->login);
      break;
    case PROP_PASSWORD:
      g_value_set_string (value, self->password);
      break;
    case PROP_RECIPIENTS:
      g_value_set_boxed (value, self->recipients);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_MESSAGE_FILE_PATH:
      g_value_set_string (value, self->message_file_path);
      break;
    case PROP_ATTACHMENT_FOLDER_PATH:
      g_value_set_string (value, self->attachment_folder_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_settings_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ScSettings *self = SC_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_set_object (&self->directory, g_value_get_object (value));
      break;
    case PROP_SMTP_HOST:
      sc_settings_set_smtp_host (self, g_value_get_string (value));
      break;
    case PROP_SMTP_PORT:
      sc_settings_set_smtp_port (self, g_value_get_uint (value));
      break;
    case PROP_SECURITY:
      sc_settings_set_security (self, g_value_get_enum (value));
      break;
    case PROP_SECURITY_EXPLICIT:
      {
        gboolean explicit = g_value_get_boolean (value);

        if (explicit != self->security_explicit)
          {
            g_object_freeze_notify (object);
            self->security_explicit = explicit;
            g_object_notify_by_pspec (object, pspec);
            if (!explicit && self->security != sc_security_default_for_port (self->smtp_port))
              {
                self->security = sc_security_default_for_port (self->smtp_port);
                g_object_notify_by_pspec (object, properties[PROP_SECURITY]);
              }
            g_object_thaw_notify (object);
          }
      }
      break;
    case PROP_CA_FILE:
      sc_settings_set_ca_file (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT_SECONDS:
      sc_settings_set_timeout_seconds (self, g_value_get_uint (value));
      break;
    case PROP_LOGIN:
      sc_settings_set_login (self, g_value_get_string (value));
      break;
    case PROP_PASSWORD:
      sc_settings_set_password (self, g_value_get_string (value));
      break;
    case PROP_RECIPIENTS:
      sc_settings_set_recipients (self, g_value_get_boxed (value));
      break;
    case PROP_SUBJECT:
      sc_settings_set_subject (self, g_value_get_string (value));
      break;
    case PROP_MESSAGE_FILE_PATH:
      sc_settings_set_message_file_path (self, g_value_get_string (value));
      break;
    case PROP_ATTACHMENT_FOLDER_PATH:
      sc_settings_set_attachment_folder_path (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_settings_class_init (ScSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = sc_settings_dispose;
  object_class->finalize = sc_settings_finalize;
  object_class->get_property = sc_settings_get_property;
  object_class->set_property = sc_settings_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SMTP_HOST] =
    g_param_spec_string ("smtp-host", NULL, NULL, NULL, flags);
  properties[PROP_SMTP_PORT] =
    g_param_spec_uint ("smtp-port", NULL, NULL, 0, 65535, 0, flags);
  properties[PROP_SECURITY] =
    g_param_spec_enum ("security", NULL, NULL, SC_TYPE_SECURITY, SC_SECURITY_STARTTLS, flags);
  properties[PROP_SECURITY_EXPLICIT] =
    g_param_spec_boolean ("security-explicit", NULL, NULL, FALSE, flags);
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL, flags);
  properties[PROP_TIMEOUT_SECONDS] =
    g_param_spec_uint ("timeout-seconds", NULL, NULL, 1, MAX_TIMEOUT,
                       SC_SETTINGS_DEFAULT_TIMEOUT, flags);
  properties[PROP_LOGIN] =
    g_param_spec_string ("login", NULL, NULL, NULL, flags);
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL, NULL, flags);
  properties[PROP_RECIPIENTS] =
    g_param_spec_boxed ("recipients", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_SUBJECT] =
    g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  properties[PROP_MESSAGE_FILE_PATH] =
    g_param_spec_string ("message-file-path", NULL, NULL, NULL, flags);
  properties[PROP_ATTACHMENT_FOLDER_PATH] =
    g_param_spec_string ("attachment-folder-path", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_settings_init (ScSettings *self)
{
  self->security = SC_SECURITY_STARTTLS;
  self->timeout_seconds = SC_SETTINGS_DEFAULT_TIMEOUT;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

GType
sc_security_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_enum_register_static (g_intern_static_string ("ScSecurity"),
                                           security_values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/**
 * sc_security_to_string:
 * @security: an #ScSecurity
 *
 * Returns: the value as written in config.json: "tls", "starttls" or "none"
 */
/**
 * sc_security_default_for_port:
 * @port: an SMTP port
 *
 * The one rule for a config.json without "security": implicit TLS on port 465 (SMTPS),
 * STARTTLS on every other port.
 *
 * Returns: the security for @port
 */
ScSecurity
sc_security_default_for_port (guint port)
{
  return port == 465 ? SC_SECURITY_TLS : SC_SECURITY_STARTTLS;
}

const char *
sc_security_to_string (ScSecurity security)
{
  for (guint i = 0; security_values[i].value_nick != NULL; i++)
    {
      if (security_values[i].value == (int) security)
        return security_values[i].value_nick;
    }

  g_return_val_if_reached (NULL);
}

/**
 * sc_security_from_string:
 * @str: "tls", "starttls" or "none"
 * @out_security: (out): where to store the value
 *
 * Returns: %TRUE if @str names a security mode
 */
gboolean
sc_security_from_string (const char *str,
                         ScSecurity *out_security)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; security_values[i].value_nick != NULL; i++)
    {
      if (g_str_equal (security_values[i].value_nick, str))
        {
          if (out_security != NULL)
            *out_security = security_values[i].value;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * sc_settings_new:
 * @directory: the settings folder (holding config.json, credentials.json, data.json)
 *
 * Makes an empty model for @directory; nothing is read until sc_settings_load().
 *
 * Returns: (transfer full): a new #ScSettings
 */
ScSettings *
sc_settings_new (GFile *directory)
{
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  return g_object_new (SC_TYPE_SETTINGS, "directory", directory, NULL);
}

/**
 * sc_settings_dup:
 * @self: an #ScSettings
 *
 * Makes a deep copy, e.g. to hand to a worker thread.
 *
 * Returns: (transfer full): a copy of @self
 */
ScSettings *
sc_settings_dup (ScSettings *self)
{
  ScSettings *copy;

  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  copy = sc_settings_new (self->directory);
  copy->smtp_host = g_strdup (self->smtp_host);
  copy->smtp_port = self->smtp_port;
  copy->security = self->security;
  copy->security_explicit = self->security_explicit;
  copy->ca_file = g_strdup (self->ca_file);
  copy->timeout_seconds = self->timeout_seconds;
  copy->login = g_strdup (self->login);
  copy->password = g_strdup (self->password);
  copy->recipients = g_strdupv (self->recipients);
  copy->subject = g_strdup (self->subject);
  copy->message_file_path = g_strdup (self->message_file_path);
  copy->attachment_folder_path = g_strdup (self->attachment_folder_path);
  copy->config_root = deep_copy_node (self->config_root);
  copy->credentials_root = deep_copy_node (self->credentials_root);
  copy->data_root = deep_copy_node (self->data_root);

  return copy;
}

/**
 * sc_settings_get_directory:
 * @self: an #ScSettings
 *
 * Returns: (transfer none): the settings folder
 */
GFile *
sc_settings_get_directory (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return self->directory;
}

/**
 * sc_settings_load:
 * @self: an #ScSettings
 * @error: return location for a #GError
 *
 * Reads the three files. Every good value is taken, whatever is wrong elsewhere; the first
 * problem is reported. Nothing is written.
 *
 * Returns: %TRUE if all three files were read and every value is good
 */
gboolean
sc_settings_load (ScSettings  *self,
                  GError     **error)
{
  GError *first_error = NULL;
  GError *local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_object_freeze_notify (G_OBJECT (self));

  reset_values (self);
  g_clear_pointer (&self->config_root, json_node_unref);
  g_clear_pointer (&self->credentials_root, json_node_unref);
  g_clear_pointer (&self->data_root, json_node_unref);

  root = read_json_file (self, CONFIG_FILE, &local_error);
  if (root != NULL)
    {
      self->config_root = root;
      load_config (self, json_node_get_object (root), &local_error);
    }
  take_first_error (&first_error, g_steal_pointer (&local_error));

  root = read_json_file (self, CREDENTIALS_FILE, &local_error);
  if (root != NULL)
    {
      self->credentials_root = root;
      load_credentials (self, json_node_get_object (root), &local_error);
    }
  take_first_error (&first_error, g_steal_pointer (&local_error));

  root = read_json_file (self, DATA_FILE, &local_error);
  if (root != NULL)
    {
      self->data_root = root;
      load_data (self, json_node_get_object (root), &local_error);
    }
  take_first_error (&first_error, g_steal_pointer (&local_error));

  g_object_thaw_notify (G_OBJECT (self));

  if (first_error != NULL)
    {
      g_propagate_error (error, first_error);
      return FALSE;
    }

  return TRUE;
}

/**
 * sc_settings_save:
 * @self: an #ScSettings
 * @error: return location for a #GError
 *
 * Validates, then writes the three files atomically, keeping keys this program does not know.
 * credentials.json is made readable by its owner only. Nothing is written if a value is wrong.
 *
 * Returns: %TRUE on success
 */
gboolean
sc_settings_save (ScSettings  *self,
                  GError     **error)
{
  g_autoptr(JsonNode) config = NULL;
  g_autoptr(JsonNode) credentials = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autofree char *dir_path = NULL;

  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sc_settings_validate (self, error))
    return FALSE;

  dir_path = g_file_get_path (self->directory);
  if (dir_path == NULL || g_mkdir_with_parents (dir_path, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *shown = _sc_display_path (self->directory);

      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_IO,
                   /* Translators: the first %s is a folder, the second the reason. */
                   _("%s: cannot create the settings folder: %s"), shown,
                   dir_path == NULL ? _("not a local folder") : g_strerror (saved_errno));
      return FALSE;
    }

  config = build_config (self);
  credentials = build_credentials (self);
  data = build_data (self);

  if (!write_json_file (self, CONFIG_FILE, config, 0666, error) ||
      !write_json_file (self, CREDENTIALS_FILE, credentials, 0600, error) ||
      !write_json_file (self, DATA_FILE, data, 0666, error))
    return FALSE;

  g_clear_pointer (&self->config_root, json_node_unref);
  g_clear_pointer (&self->credentials_root, json_node_unref);
  g_clear_pointer (&self->data_root, json_node_unref);
  self->config_root = g_steal_pointer (&config);
  self->credentials_root = g_steal_pointer (&credentials);
  self->data_root = g_steal_pointer (&data);

  return TRUE;
}

/**
 * sc_settings_validate:
 * @self: an #ScSettings
 * @error: return location for a #GError
 *
 * Checks every value, in file order, and reports the first problem naming file and key.
 *
 * Returns: %TRUE if every value is good
 */
gboolean
sc_settings_validate (ScSettings  *self,
                      GError     **error)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);

  for (guint i = 0; i < N_KEYS; i++)
    {
      if (!check_key (self, i, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * sc_settings_validate_key:
 * @self: an #ScSettings
 * @key: a JSON key name such as "smtp_port" or "to_addrs" (property names work too)
 * @error: return location for a #GError
 *
 * Checks one value. Unknown keys are accepted.
 *
 * Returns: %TRUE if the value is good
 */
gboolean
sc_settings_validate_key (ScSettings  *self,
                          const char  *key,
                          GError     **error)
{
  SettingsKey which;

  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!lookup_key (key, &which))
    return TRUE;

  return check_key (self, which, error);
}

/**
 * sc_settings_resolve_path:
 * @self: an #ScSettings
 * @path: (nullable): a path as written in the settings
 *
 * Resolves a relative path against the settings folder; "~/" means the home folder.
 *
 * Returns: (transfer full) (nullable): the file, or %NULL if @path is empty
 */
GFile *
sc_settings_resolve_path (ScSettings *self,
                          const char *path)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  if (path == NULL || *path == '\0')
    return NULL;

  if (g_str_equal (path, "~"))
    return g_file_new_for_path (g_get_home_dir ());

  if (g_str_has_prefix (path, "~/"))
    {
      g_autofree char *full = g_build_filename (g_get_home_dir (), path + 2, NULL);

      return g_file_new_for_path (full);
    }

  if (g_path_is_absolute (path))
    return g_file_new_for_path (path);

  return g_file_resolve_relative_path (self->directory, path);
}

/**
 * sc_settings_get_message_file:
 * @self: an #ScSettings
 *
 * Returns: (transfer full) (nullable): the message body file
 */
GFile *
sc_settings_get_message_file (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return sc_settings_resolve_path (self, self->message_file_path);
}

/**
 * sc_settings_get_attachment_folder:
 * @self: an #ScSettings
 *
 * Returns: (transfer full) (nullable): the attachment folder, or %NULL for none
 */
GFile *
sc_settings_get_attachment_folder (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return sc_settings_resolve_path (self, self->attachment_folder_path);
}

/**
 * sc_settings_get_smtp_host:
 * @self: an #ScSettings
 *
 * Returns: (nullable): the SMTP server host name or address ("smtp_host" in config.json)
 */
const char *
sc_settings_get_smtp_host (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return self->smtp_host;
}

/**
 * sc_settings_set_smtp_host:
 * @self: an #ScSettings
 * @smtp_host: (nullable): the SMTP server host name or address
 *
 * Sets "smtp_host" in config.json.
 */
void
sc_settings_set_smtp_host (ScSettings *self,
                           const char *smtp_host)
{
  g_return_if_fail (SC_IS_SETTINGS (self));

  if (set_str (&self->smtp_host, smtp_host))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMTP_HOST]);
}

/**
 * sc_settings_get_smtp_port:
 * @self: an #ScSettings
 *
 * Returns: the SMTP server port ("smtp_port" in config.json)
 */
guint
sc_settings_get_smtp_port (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), 0);

  return self->smtp_port;
}

/**
 * sc_settings_set_smtp_port:
 * @self: an #ScSettings
 * @smtp_port: the SMTP server port
 *
 * Sets "smtp_port" in config.json. While the security is not explicit, this also sets the
 * default security for the port.
 */
void
sc_settings_set_smtp_port (ScSettings *self,
                           guint       smtp_port)
{
  g_return_if_fail (SC_IS_SETTINGS (self));
  g_return_if_fail (smtp_port <= 65535);

  if (self->smtp_port == smtp_port)
    return;

  g_object_freeze_notify (G_OBJECT (self));

  self->smtp_port = smtp_port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMTP_PORT]);

  if (!self->security_explicit && self->security != sc_security_default_for_port (smtp_port))
    {
      self->security = sc_security_default_for_port (smtp_port);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * sc_settings_get_security:
 * @self: an #ScSettings
 *
 * Returns: the connection security ("security" in config.json)
 */
ScSecurity
sc_settings_get_security (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), SC_SECURITY_TLS);

  return self->security;
}

/**
 * sc_settings_set_security:
 * @self: an #ScSettings
 * @security: the connection security
 *
 * Sets "security" in config.json; this makes it explicit.
 */
void
sc_settings_set_security (ScSettings *self,
                          ScSecurity  security)
{
  g_return_if_fail (SC_IS_SETTINGS (self));
  g_return_if_fail (security <= SC_SECURITY_NONE);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->security != security)
    {
      self->security = security;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY]);
    }

  if (!self->security_explicit)
    {
      self->security_explicit = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY_EXPLICIT]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * sc_settings_get_ca_file:
 * @self: an #ScSettings
 *
 * Returns: (nullable): the PEM file trusted instead of the system store, as written, or
 *   %NULL ("ca_file" in config.json)
 */
const char *
sc_settings_get_ca_file (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return self->ca_file;
}

/**
 * sc_settings_set_ca_file:
 * @self: an #ScSettings
 * @ca_file: (nullable): the PEM file trusted instead of the system store, as written, or %NULL
 *
 * Sets "ca_file" in config.json.
 */
void
sc_settings_set_ca_file (ScSettings *self,
                         const char *ca_file)
{
  g_return_if_fail (SC_IS_SETTINGS (self));

  if (ca_file != NULL && *ca_file == '\0')
    ca_file = NULL;

  if (set_str (&self->ca_file, ca_file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
}

/**
 * sc_settings_get_timeout_seconds:
 * @self: an #ScSettings
 *
 * Returns: the network time-out in seconds ("timeout_seconds" in config.json)
 */
guint
sc_settings_get_timeout_seconds (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), SC_SETTINGS_DEFAULT_TIMEOUT);

  return self->timeout_seconds;
}

/**
 * sc_settings_set_timeout_seconds:
 * @self: an #ScSettings
 * @timeout_seconds: the network time-out in seconds
 *
 * Sets "timeout_seconds" in config.json.
 */
void
sc_settings_set_timeout_seconds (ScSettings *self,
                                 guint       timeout_seconds)
{
  g_return_if_fail (SC_IS_SETTINGS (self));

  if (self->timeout_seconds != timeout_seconds)
    {
      self->timeout_seconds = timeout_seconds;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT_SECONDS]);
    }
}

/**
 * sc_settings_get_login:
 * @self: an #ScSettings
 *
 * Returns: (nullable): the login, also the sender address ("login" in credentials.json)
 */
const char *
sc_settings_get_login (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return self->login;
}

/**
 * sc_settings_set_login:
 * @self: an #ScSettings
 * @login: (nullable): the login, also the sender address
 *
 * Sets "login" in credentials.json.
 */
void
sc_settings_set_login (ScSettings *self,
                       const char *login)
{
  g_return_if_fail (SC_IS_SETTINGS (self));

  if (set_str (&self->login, login))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGIN]);
}

/**
 * sc_settings_get_password:
 * @self: an #ScSettings
 *
 * Returns: (nullable): the password ("password" in credentials.json)
 */
const char *
sc_settings_get_password (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return self->password;
}

/**
 * sc_settings_set_password:
 * @self: an #ScSettings
 * @password: (nullable): the password
 *
 * Sets "password" in credentials.json.
 */
void
sc_settings_set_password (ScSettings *self,
                          const char *password)
{
  g_return_if_fail (SC_IS_SETTINGS (self));

  if (g_strcmp0 (self->password, password) == 0)
    return;

  sc_secret_clear (&self->password);
  self->password = g_strdup (password);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSWORD]);
}

/**
 * sc_settings_get_recipients:
 * @self: an #ScSettings
 *
 * Returns: (nullable) (array zero-terminated=1): the recipient addresses ("to_addrs" in
 *   data.json)
 */
const char * const *
sc_settings_get_recipients (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return (const char * const *) self->recipients;
}

/**
 * sc_settings_set_recipients:
 * @self: an #ScSettings
 * @recipients: (nullable): the recipient addresses
 *
 * Sets "to_addrs" in data.json.
 */
void
sc_settings_set_recipients (ScSettings         *self,
                            const char * const *recipients)
{
  g_return_if_fail (SC_IS_SETTINGS (self));

  if (self->recipients == NULL && recipients == NULL)
    return;
  if (self->recipients != NULL && recipients != NULL &&
      g_strv_equal ((const char * const *) self->recipients, recipients))
    return;

  g_strfreev (self->recipients);
  self->recipients = g_strdupv ((char **) recipients);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECIPIENTS]);
}

/**
 * sc_settings_get_subject:
 * @self: an #ScSettings
 *
 * Returns: (nullable): the subject ("subject" in data.json)
 */
const char *
sc_settings_get_subject (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return self->subject;
}

/**
 * sc_settings_set_subject:
 * @self: an #ScSettings
 * @subject: (nullable): the subject
 *
 * Sets "subject" in data.json.
 */
void
sc_settings_set_subject (ScSettings *self,
                         const char *subject)
{
  g_return_if_fail (SC_IS_SETTINGS (self));

  if (set_str (&self->subject, subject))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECT]);
}

/**
 * sc_settings_get_message_file_path:
 * @self: an #ScSettings
 *
 * Returns: (nullable): the message file path as written ("message_file_path" in data.json)
 */
const char *
sc_settings_get_message_file_path (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return self->message_file_path;
}

/**
 * sc_settings_set_message_file_path:
 * @self: an #ScSettings
 * @path: (nullable): the message file path as written
 *
 * Sets "message_file_path" in data.json.
 */
void
sc_settings_set_message_file_path (ScSettings *self,
                                   const char *path)
{
  g_return_if_fail (SC_IS_SETTINGS (self));

  if (set_str (&self->message_file_path, path))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE_FILE_PATH]);
}

/**
 * sc_settings_get_attachment_folder_path:
 * @self: an #ScSettings
 *
 * Returns: (nullable): the attachment folder path as written ("attachment_folder_path" in
 *   data.json)
 */
const char *
sc_settings_get_attachment_folder_path (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return self->attachment_folder_path;
}

/**
 * sc_settings_set_attachment_folder_path:
 * @self: an #ScSettings
 * @path: (nullable): the attachment folder path as written
 *
 * Sets "attachment_folder_path" in data.json.
 */
void
sc_settings_set_attachment_folder_path (ScSettings *self,
                                        const char *path)
{
  g_return_if_fail (SC_IS_SETTINGS (self));

  if (set_str (&self->attachment_folder_path, path))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHMENT_FOLDER_PATH]);
}

/**
 * sc_settings_default_directory:
 * @error: return location for a #GError
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

/* sc-settings.c — the three JSON settings files as one model
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-settings"

#include "config.h"

#include "sc-settings.h"

#include <glib/gi18n.h>

#include "sc-address.h"
#include "sc-certificate-info.h"
#include "sc-error.h"
#include "sc-settings-private.h"
#include "sc-util.h"

#define MAX_TIMEOUT 86400

typedef enum
{
  KEY_SMTP_HOST,
  KEY_SMTP_PORT,
  KEY_SECURITY,
  KEY_CA_FILE,
  KEY_TLS_FINGERPRINT,
  KEY_TIMEOUT_SECONDS,
  KEY_LOGIN,
  KEY_PASSWORD,
  KEY_PASSWORD_STORAGE,
  KEY_TO_ADDRS,
  KEY_CC_ADDRS,
  KEY_BCC_ADDRS,
  KEY_SUBJECT,
  KEY_MESSAGE_FILE_PATH,
  KEY_ATTACHMENT_FOLDER_PATH,
  KEY_ATTACHMENT_PATHS,
  KEY_EXCLUDED_ATTACHMENTS,
  N_KEYS
} Key;

struct _ScSettings
{
  GObject   parent_instance;

  GFile    *directory;
  gboolean  security_explicit;
  gboolean  modified;
  guint     change_count;
  GValue    values[N_KEYS];   /* the keys (see the table below), of their properties' types */
};

G_DEFINE_FINAL_TYPE (ScSettings, sc_settings, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_SECURITY_EXPLICIT,
  PROP_MODIFIED,
  PROP_FIRST_KEY,                      /* then one property per Key, in order */
  N_PROPS = PROP_FIRST_KEY + N_KEYS
};

static GParamSpec *properties[N_PROPS];

#define KEY_PSPEC(key) (properties[PROP_FIRST_KEY + (key)])

typedef enum { KIND_STRING, KIND_UINT, KIND_SECURITY, KIND_STRV } Kind;

typedef struct
{
  const char *file;
  const char *json_name;
  const char *property;
  Kind        kind;
  gboolean    required;     /* "is missing" when its file lacks it */
  gboolean    in_message;   /* a member of "message" in data.json */
  const char *if_unset;     /* KIND_STRING: what is wrong when NULL, or "" unless empty_ok */
  gboolean    empty_ok;
  const char *if_break;     /* KIND_STRING: what is wrong with a line break (host: any space) */
  guint       maximum;      /* KIND_UINT: the property's range, from 1 when validated */
  guint       default_value;
  gboolean    of_files;     /* KIND_STRV: a list of file paths or names, not of addresses */
} KeyInfo;

#define CONFIG SC_SETTINGS_CONFIG_FILE
#define CREDENTIALS SC_SETTINGS_CREDENTIALS_FILE
#define DATA SC_SETTINGS_DATA_FILE

/* The one validation table: key, its file and JSON name, its property, type and rules. */
static const KeyInfo keys[N_KEYS] = {
  [KEY_SMTP_HOST] = { CONFIG, "smtp_host", "smtp-host", KIND_STRING, TRUE, FALSE,
                      /* Translators: this and the other "must …"/"is missing" phrases follow a
                       * JSON key in quotes, e.g. 'config.json: "smtp_host" must be …'. */
                      N_("must be the name or address of the SMTP server"), FALSE,
                      N_("must be a host name or address without spaces or line breaks") },
  [KEY_SMTP_PORT] = { CONFIG, "smtp_port", "smtp-port", KIND_UINT, TRUE, FALSE,
                      .maximum = 65535 },
  [KEY_SECURITY] = { CONFIG, "security", "security", KIND_SECURITY, FALSE, FALSE },
  [KEY_CA_FILE] = { CONFIG, "ca_file", "ca-file", KIND_STRING, FALSE, FALSE,
                    .if_break = N_("must be the path of a PEM file") },
  /* The SHA-256 fingerprint of a certificate the user chose to trust ("Trust This
   * Certificate"): only that certificate is accepted then. Empty or absent: none. */
  [KEY_TLS_FINGERPRINT] = { CONFIG, "tls_fingerprint", "tls-fingerprint", KIND_STRING, FALSE,
                            FALSE,
                            /* Translators: keep the example "AB:01:…" as it is. */
                            .if_break = N_("must be a SHA-256 fingerprint: 64 hexadecimal "
                                           "digits, in pairs that may be separated by colons "
                                           "(AB:01:…)") },
  [KEY_TIMEOUT_SECONDS] = { CONFIG, "timeout_seconds", "timeout-seconds", KIND_UINT, FALSE,
                            FALSE, .maximum = MAX_TIMEOUT,
                            .default_value = SC_SETTINGS_DEFAULT_TIMEOUT },
  [KEY_LOGIN] = { CREDENTIALS, "login", "login", KIND_STRING, TRUE, FALSE,
                  N_("must be the login (the sender's e-mail address)"), FALSE,
                  N_("must not contain a line break") },
  /* The password itself never goes into a message. */
  [KEY_PASSWORD] = { CREDENTIALS, "password", "password", KIND_STRING, TRUE, FALSE,
                     N_("must be a text string"), TRUE },
  /* Where the password is kept: "file" (absent or empty too: in "password") or "keyring"
   * (ScSettingsStore keeps it in the keyring and leaves "password" out of the file). */
  [KEY_PASSWORD_STORAGE] = { CREDENTIALS, "password_storage", "password-storage", KIND_STRING,
                             FALSE, FALSE,
                             /* Translators: "file" and "keyring" are setting values: keep
                              * them as they are. */
                             .if_break = N_("must be \"file\" or \"keyring\"") },
  /* Each entry is one address, bare or with a display name (sc_address_parse ()). */
  [KEY_TO_ADDRS] = { DATA, "to_addrs", "recipients", KIND_STRV, TRUE, FALSE },
  /* Absent or empty means none; written only when not empty or already present. */
  [KEY_CC_ADDRS] = { DATA, "cc_addrs", "cc-recipients", KIND_STRV, FALSE, FALSE },
  [KEY_BCC_ADDRS] = { DATA, "bcc_addrs", "bcc-recipients", KIND_STRV, FALSE, FALSE },
  [KEY_SUBJECT] = { DATA, "subject", "subject", KIND_STRING, TRUE, TRUE,
                    N_("must be a text string"), TRUE, N_("must not contain a line break") },
  [KEY_MESSAGE_FILE_PATH] = { DATA, "message_file_path", "message-file-path", KIND_STRING, TRUE,
                              TRUE,
                              N_("must be the path of the text file with the message body") },
  /* Empty or absent means no attachments. */
  [KEY_ATTACHMENT_FOLDER_PATH] = { DATA, "attachment_folder_path", "attachment-folder-path",
                                   KIND_STRING, FALSE, TRUE },
  /* Files added by hand, written like "message_file_path"; excluded: names of files of the
   * attachment folder that are not sent. Both optional, written only when not empty or
   * already present. */
  [KEY_ATTACHMENT_PATHS] = { DATA, "attachment_paths", "attachment-paths", KIND_STRV, FALSE,
                             TRUE, .of_files = TRUE },
  [KEY_EXCLUDED_ATTACHMENTS] = { DATA, "excluded_attachments", "excluded-attachments",
                                 KIND_STRV, FALSE, TRUE, .of_files = TRUE },
};

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* "FILE: "KEY" @what". */
static char *
describe_key (ScSettings *self,
              Key         key,
              const char *what)
{
  g_autoptr(GFile) file = g_file_get_child (self->directory, keys[key].file);
  g_autofree char *path = _sc_display_path (file);

  /* Translators: the first %s is the settings file, the second a JSON key such as
   * "smtp_port" (kept as it is), the third what is wrong with its value, e.g. "must be a
   * whole number from 1 to 65535". */
  return g_strdup_printf (_("%s: \"%s\" %s"), path, keys[key].json_name, what);
}

/* Sets @error to "FILE: "KEY" @what". */
static void
set_invalid (ScSettings  *self,
             Key          key,
             GError     **error,
             const char  *what)
{
  g_autofree char *text = describe_key (self, key, what);
  GError *local_error = g_error_new_literal (SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                                             text);

  _sc_settings_error_set_key (local_error, keys[key].json_name);
  g_propagate_error (error, local_error);
}

/* A path as written in the settings: relative to the settings folder, "~/" the home folder. */
static GFile *
resolve_string (ScSettings *self,
                const char *path)
{
  if (path == NULL || *path == '\0')
    return NULL;

  if (g_str_equal (path, "~") || g_str_has_prefix (path, "~/"))
    {
      g_autofree char *full = g_build_filename (g_get_home_dir (), path + 1, NULL);

      return g_file_new_for_path (full);
    }

  /* An absolute path stays as it is. */
  return g_file_resolve_relative_path (self->directory, path);
}

static GFile *
resolve_path (ScSettings *self,
              Key         key)
{
  return resolve_string (self, g_value_get_string (&self->values[key]));
}

/* Wipes and frees the string in @value: it may be the password. */
static void
clear_string (GValue *value)
{
  char *old = (char *) g_value_get_string (value);

  /* The string is ours now: a string GValue holds nothing else. */
  *value = (GValue) G_VALUE_INIT;
  g_value_init (value, G_TYPE_STRING);
  sc_secret_clear (&old);
}

static void
mark_modified (ScSettings *self)
{
  self->change_count++;

  if (!self->modified)
    {
      self->modified = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
    }
}

/* Returns whether anything changed. */
static gboolean
update_security (ScSettings *self,
                 ScSecurity  security,
                 gboolean    explicit)
{
  gboolean changed = FALSE;

  if (g_value_get_enum (&self->values[KEY_SECURITY]) != (int) security)
    {
      g_value_set_enum (&self->values[KEY_SECURITY], security);
      g_object_notify_by_pspec (G_OBJECT (self), KEY_PSPEC (KEY_SECURITY));
      changed = TRUE;
    }

  if (self->security_explicit != explicit)
    {
      self->security_explicit = explicit;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY_EXPLICIT]);
      changed = TRUE;
    }

  return changed;
}

/* Stores @value, notifying on a real change. A change by the user (a property set, not a load)
 * makes the model "modified". */
static void
set_key (ScSettings   *self,
         Key           key,
         const GValue *value,
         gboolean      by_user)
{
  GValue *field = &self->values[key];
  gboolean changed;

  g_object_freeze_notify (G_OBJECT (self));

  /* An empty "ca_file" means the system trust store too, an empty "tls_fingerprint" none, an
   * empty "password_storage" the file. */
  if ((key == KEY_CA_FILE || key == KEY_TLS_FINGERPRINT || key == KEY_PASSWORD_STORAGE) &&
      g_strcmp0 (g_value_get_string (value), "") == 0)
    value = g_param_spec_get_default_value (KEY_PSPEC (key));

  if (keys[key].kind == KIND_SECURITY)
    changed = update_security (self, g_value_get_enum (value), TRUE);
  else if (keys[key].kind == KIND_STRV)
    changed = g_value_get_boxed (field) == NULL || g_value_get_boxed (value) == NULL
              ? g_value_get_boxed (field) != g_value_get_boxed (value)
              : !g_strv_equal (g_value_get_boxed (field), g_value_get_boxed (value));
  else
    changed = g_param_values_cmp (KEY_PSPEC (key), field, value) != 0;

  if (changed && keys[key].kind != KIND_SECURITY)
    {
      if (keys[key].kind != KIND_STRING)
        {
          g_value_copy (value, field);
        }
      else
        {
          /* Copied, never shared as an interned string would be: it is wiped when replaced. */
          clear_string (field);
          g_value_set_string (field, g_value_get_string (value));
        }
      g_object_notify_by_pspec (G_OBJECT (self), KEY_PSPEC (key));
    }

  if (changed && key == KEY_SMTP_PORT && !self->security_explicit)
    update_security (self, sc_security_default_for_port (g_value_get_uint (field)), FALSE);

  if (changed && by_user)
    mark_modified (self);

  g_object_thaw_notify (G_OBJECT (self));
}

/* What is wrong with @value for @key, or NULL. */
static char *
check_value (ScSettings   *self,
             Key           key,
             const GValue *value)
{
  const KeyInfo *info = &keys[key];
  const char *str = info->kind == KIND_STRING ? g_value_get_string (value) : NULL;
  const char *host = g_value_get_string (&self->values[KEY_SMTP_HOST]);
  const char * const *recipients = info->kind == KIND_STRV ? g_value_get_boxed (value) : NULL;
  gboolean has_break = sc_text_has_line_break (str);

  for (const char *p = str; key == KEY_SMTP_HOST && p != NULL && *p != '\0'; p++)
    has_break |= g_ascii_isspace (*p) || g_ascii_iscntrl (*p);

  if (info->if_unset != NULL && (str == NULL || (*str == '\0' && !info->empty_ok)))
    return g_strdup (_(info->if_unset));
  if (info->if_break != NULL && has_break)
    return g_strdup (_(info->if_break));

  if (key == KEY_TLS_FINGERPRINT && str != NULL && *str != '\0')
    {
      g_autofree char *fingerprint = sc_certificate_fingerprint_normalize (str);

      if (fingerprint == NULL)
        return g_strdup (_(info->if_break));
    }

  if (key == KEY_PASSWORD_STORAGE && str != NULL && *str != '\0' &&
      !g_str_equal (str, "file") && !g_str_equal (str, SC_SETTINGS_PASSWORD_IN_KEYRING))
    return g_strdup (_(info->if_break));

  if (info->kind == KIND_UINT && (g_value_get_uint (value) < 1 ||
                                  g_value_get_uint (value) > info->maximum))
    return key == KEY_SMTP_PORT
           ? g_strdup (_("must be a whole number from 1 to 65535"))
             /* Translators: %d is the longest time-out in seconds. */
           : g_strdup_printf (_("must be a whole number of seconds from 1 to %d"), MAX_TIMEOUT);

  if (info->kind == KIND_SECURITY && g_value_get_enum (value) == SC_SECURITY_NONE &&
      !sc_host_is_loopback (host))
    /* Translators: follows the key "security". "none", "tls" and "starttls" are setting values
     * and localhost a host name: keep them as they are. %s is the server's host name. */
    return g_strdup_printf (_("may be \"none\" (no encryption) only for a server on this "
                              "computer (localhost, 127.0.0.1 or ::1); use \"tls\" or "
                              "\"starttls\" for \"%s\""), host != NULL ? host : "");

  for (guint i = 0; info->of_files && recipients != NULL && recipients[i] != NULL; i++)
    {
      if (key == KEY_EXCLUDED_ATTACHMENTS &&
          (*recipients[i] == '\0' || sc_text_has_line_break (recipients[i]) ||
           strchr (recipients[i], '/') != NULL))
        /* Translators: %u is the position in the list; a file name has no "/". */
        return g_strdup_printf (_("must be a list of file names: item %u is not one"), i + 1);
      if (*recipients[i] == '\0' || sc_text_has_line_break (recipients[i]))
        /* Translators: %u is the position in the list. */
        return g_strdup_printf (_("must be a list of file paths: item %u is not one"), i + 1);
    }
  if (info->of_files)
    return NULL;

  if (info->kind == KIND_STRV && info->required &&
      (recipients == NULL || recipients[0] == NULL))
    return g_strdup (_("must be a list of e-mail addresses with at least one address"));

  for (guint i = 0; recipients != NULL && recipients[i] != NULL; i++)
    {
      if (!sc_address_validate (recipients[i], NULL))
        {
          /* Translators: %s is the address, %u its position in the list. */
          return g_strdup_printf (_("must be a list of e-mail addresses: \"%s\" (item %u) is "
                                    "not one"), recipients[i], i + 1);
        }
    }

  return NULL;
}

static gboolean
check_key (ScSettings    *self,
           Key            key,
           const GValue  *value,
           GError       **error)
{
  g_autofree char *what = check_value (self, key, value);

  if (what != NULL)
    set_invalid (self, key, error, what);

  return what == NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* Reads @key from @object into @value. Returns FALSE when the key is absent (an error only if
 * it is required) or not of its type. */
static gboolean
value_from_json (ScSettings  *self,
                 Key          key,
                 JsonObject  *object,
                 GValue      *value,
                 GError     **error)
{
  const KeyInfo *info = &keys[key];
  JsonNode *node = json_object_get_member (object, info->json_name);
  GType type = G_TYPE_INVALID;
  GEnumValue *security;

  if (node == NULL || (!info->required && JSON_NODE_HOLDS_NULL (node)))
    {
      if (info->required)
        /* Translators: follows a JSON key in quotes, e.g. 'data.json: "subject" is missing'. */
        set_invalid (self, key, error, _("is missing"));
      return FALSE;
    }

  if (JSON_NODE_HOLDS_VALUE (node))
    type = json_node_get_value_type (node);

  if (info->kind == KIND_UINT)
    {
      /* Anything but a whole number in range gets the key's own message from its check. */
      gint64 number = type == G_TYPE_INT64 ? json_node_get_int (node) : 0;

      g_value_set_uint (value, number >= 0 && number <= G_MAXUINT ? (guint) number : 0);
      return TRUE;
    }

  if (info->kind == KIND_STRV && JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            {
              g_autofree char *what = NULL;

              if (info->of_files)
                /* Translators: %u is the position in the list. */
                what = g_strdup_printf (_("must be a list of text strings: item %u is not one"),
                                        i + 1);
              else
                /* Translators: %u is the position in the list. */
                what = g_strdup_printf (_("must be a list of e-mail addresses: "
                                          "item %u is not a text string"), i + 1);

              set_invalid (self, key, error, what);
              return FALSE;
            }
          g_strv_builder_add (builder, json_node_get_string (item));
        }

      g_value_take_boxed (value, g_strv_builder_end (builder));
      return TRUE;
    }

  if (type == G_TYPE_STRING && info->kind == KIND_STRING)
    {
      g_value_set_string (value, json_node_get_string (node));
      return TRUE;
    }

  if (type == G_TYPE_STRING && info->kind == KIND_SECURITY &&
      (security = g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (KEY_PSPEC (key))->enum_class,
                                            json_node_get_string (node))) != NULL)
    {
      g_value_set_enum (value, security->value);
      return TRUE;
    }

  if (info->of_files)
    /* Translators: keep the JSON example ["report.pdf"] as it is. */
    set_invalid (self, key, error, _("must be a list of text strings, like [\"report.pdf\"]"));
  else if (info->kind == KIND_STRV)
    /* Translators: keep the JSON example ["someone@example.com"] as it is. */
    set_invalid (self, key, error, _("must be a list of e-mail addresses, like "
                                     "[\"someone@example.com\"]"));
  else if (type != G_TYPE_STRING)
    set_invalid (self, key, error, _("must be a text string in double quotes"));
  else
    /* Translators: "tls", "starttls" and "none" are setting values: keep them as they are. */
    set_invalid (self, key, error, _("must be \"tls\", \"starttls\" or \"none\""));

  return FALSE;
}

/* The "message" object of data.json, or NULL with an error. */
static JsonObject *
get_message_object (ScSettings  *self,
                    JsonObject  *data,
                    GError     **error)
{
  JsonNode *node = json_object_get_member (data, "message");
  g_autoptr(GFile) file = g_file_get_child (self->directory, DATA);
  g_autofree char *path = NULL;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);

  path = _sc_display_path (file);
  if (node == NULL)
    g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                 /* Translators: %s is a settings file; "message" is a JSON key: keep it. */
                 _("%s: \"message\" is missing"), path);
  else
    g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                 /* Translators: %s is a settings file; "message", "subject",
                  * "message_file_path" and "attachment_folder_path" are JSON keys: keep them
                  * as they are. */
                 _("%s: \"message\" must be an object with \"subject\", \"message_file_path\" "
                   "and \"attachment_folder_path\""), path);
  return NULL;
}

/* Takes every good value of the keys of @file from @object (NULL: it could not be read); the
 * others get their defaults. The first problem goes to @first_error unless it holds one. Only
 * real changes notify, and "modified" is left alone. */
void
_sc_settings_apply_json (ScSettings  *self,
                         const char  *file,
                         JsonObject  *object,
                         GError     **first_error)
{
  JsonObject *message = NULL;

  g_object_freeze_notify (G_OBJECT (self));

  if (object != NULL && g_str_equal (file, DATA))
    message = get_message_object (self, object, NULL);

  for (Key key = 0; key < N_KEYS; key++)
    {
      GParamSpec *pspec = KEY_PSPEC (key);
      JsonObject *from = keys[key].in_message ? message : object;
      g_auto(GValue) value = G_VALUE_INIT;
      GError **first = *first_error == NULL ? first_error : NULL;
      gboolean taken;

      if (!g_str_equal (keys[key].file, file))
        continue;

      /* The problem with "message" itself comes after the one with "to_addrs". */
      if (key == KEY_SUBJECT && object != NULL && message == NULL)
        get_message_object (self, object, first);

      /* "none" with a remote host is taken all the same, to show the user what to fix. */
      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
      taken = from != NULL && value_from_json (self, key, from, &value, first) &&
              (check_key (self, key, &value, first) || key == KEY_SECURITY);

      if (!taken && key == KEY_SECURITY)
        {
          guint port = g_value_get_uint (&self->values[KEY_SMTP_PORT]);

          update_security (self, sc_security_default_for_port (port), FALSE);
          continue;
        }

      if (!taken)
        g_param_value_set_default (pspec, &value);
      set_key (self, key, &value, FALSE);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/* Writes the keys of @file into its root @object as read, keeping other members. Optional keys
 * at their default are left out. */
void
_sc_settings_write_json (ScSettings *self,
                         const char *file,
                         JsonObject *object)
{
  GEnumClass *securities = G_PARAM_SPEC_ENUM (KEY_PSPEC (KEY_SECURITY))->enum_class;

  for (Key key = 0; key < N_KEYS; key++)
    {
      const KeyInfo *info = &keys[key];
      const GValue *field = &self->values[key];
      const char *str = info->kind == KIND_STRING ? g_value_get_string (field) : NULL;
      JsonObject *to = object;

      if (!g_str_equal (info->file, file))
        continue;

      if (info->in_message)
        {
          JsonNode *node = json_object_get_member (object, "message");

          if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
            json_object_set_object_member (object, "message", json_object_new ());
          to = json_object_get_object_member (object, "message");
        }

      if (info->kind == KIND_STRING && (info->required || (str != NULL && *str != '\0')))
        json_object_set_string_member (to, info->json_name, str != NULL ? str : "");
      else if (info->kind == KIND_UINT &&
               (info->required || g_value_get_uint (field) != info->default_value ||
                json_object_has_member (to, info->json_name)))
        json_object_set_int_member (to, info->json_name, g_value_get_uint (field));
      else if (info->kind == KIND_SECURITY && self->security_explicit)
        json_object_set_string_member (to, info->json_name,
                                       g_enum_get_value (securities,
                                                         g_value_get_enum (field))->value_nick);
      else if (info->kind == KIND_STRV &&
               (info->required || json_object_has_member (to, info->json_name) ||
                (g_value_get_boxed (field) != NULL &&
                 ((char **) g_value_get_boxed (field))[0] != NULL)))
        {
          JsonArray *array = json_array_new ();

          for (char **p = g_value_get_boxed (field); p != NULL && *p != NULL; p++)
            json_array_add_string_element (array, *p);
          json_object_set_array_member (to, info->json_name, array);
        }
      else if (info->kind != KIND_UINT)
        json_object_remove_member (to, info->json_name);
    }
}

/* "FILE: "KEY" @what" for the key whose JSON name is @json_name, for a problem found outside
 * the model (e.g. a listed file that does not exist). */
char *
_sc_settings_describe_key (ScSettings *self,
                           const char *json_name,
                           const char *what)
{
  for (Key key = 0; key < N_KEYS; key++)
    if (g_str_equal (keys[key].json_name, json_name))
      return describe_key (self, key, what);

  g_return_val_if_reached (NULL);
}

/* A number that grows with every change that makes the model "modified". */
guint
_sc_settings_get_change_count (ScSettings *self)
{
  return self->change_count;
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

  for (Key key = 0; key < N_KEYS; key++)
    {
      if (keys[key].kind == KIND_STRING)
        clear_string (&self->values[key]);
      g_value_unset (&self->values[key]);
    }

  G_OBJECT_CLASS (sc_settings_parent_class)->finalize (object);
}

static void
sc_settings_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ScSettings *self = SC_SETTINGS (object);

  if (prop_id == PROP_DIRECTORY)
    g_value_set_object (value, self->directory);
  else if (prop_id == PROP_SECURITY_EXPLICIT)
    g_value_set_boolean (value, self->security_explicit);
  else if (prop_id == PROP_MODIFIED)
    g_value_set_boolean (value, self->modified);
  else if (prop_id >= PROP_FIRST_KEY && prop_id < N_PROPS)
    g_value_copy (&self->values[prop_id - PROP_FIRST_KEY], value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
sc_settings_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ScSettings *self = SC_SETTINGS (object);

  if (prop_id == PROP_DIRECTORY)
    {
      self->directory = g_value_dup_object (value);
    }
  else if (prop_id == PROP_SECURITY_EXPLICIT)
    {
      gboolean explicit = g_value_get_boolean (value);
      guint port = g_value_get_uint (&self->values[KEY_SMTP_PORT]);
      int security = explicit ? g_value_get_enum (&self->values[KEY_SECURITY])
                              : (int) sc_security_default_for_port (port);

      g_object_freeze_notify (object);
      if (update_security (self, security, explicit))
        mark_modified (self);
      g_object_thaw_notify (object);
    }
  else if (prop_id == PROP_MODIFIED)
    {
      if (self->modified != g_value_get_boolean (value))
        {
          self->modified = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
    }
  else if (prop_id >= PROP_FIRST_KEY && prop_id < N_PROPS)
    {
      set_key (self, prop_id - PROP_FIRST_KEY, value, TRUE);
    }
  else
    {
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
  properties[PROP_SECURITY_EXPLICIT] =
    g_param_spec_boolean ("security-explicit", NULL, NULL, FALSE, flags);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE, flags);

  for (Key key = 0; key < N_KEYS; key++)
    {
      const KeyInfo *info = &keys[key];

      if (info->kind == KIND_STRING)
        KEY_PSPEC (key) = g_param_spec_string (info->property, NULL, NULL, NULL, flags);
      else if (info->kind == KIND_UINT)
        KEY_PSPEC (key) = g_param_spec_uint (info->property, NULL, NULL,
                                             MIN (info->default_value, 1), info->maximum,
                                             info->default_value, flags);
      else if (info->kind == KIND_SECURITY)
        KEY_PSPEC (key) = g_param_spec_enum (info->property, NULL, NULL, SC_TYPE_SECURITY,
                                             SC_SECURITY_STARTTLS, flags);
      else
        KEY_PSPEC (key) = g_param_spec_boxed (info->property, NULL, NULL, G_TYPE_STRV, flags);
    }

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_settings_init (ScSettings *self)
{
  for (Key key = 0; key < N_KEYS; key++)
    {
      g_value_init (&self->values[key], G_PARAM_SPEC_VALUE_TYPE (KEY_PSPEC (key)));
      g_param_value_set_default (KEY_PSPEC (key), &self->values[key]);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/* The nicks are the values as written in config.json. */
G_DEFINE_ENUM_TYPE (ScSecurity, sc_security,
                    G_DEFINE_ENUM_VALUE (SC_SECURITY_TLS, "tls"),
                    G_DEFINE_ENUM_VALUE (SC_SECURITY_STARTTLS, "starttls"),
                    G_DEFINE_ENUM_VALUE (SC_SECURITY_NONE, "none"))

/**
 * sc_security_default_for_port:
 *
 * The one rule for a config.json without "security": implicit TLS on port 465 (SMTPS),
 * STARTTLS on every other port.
 */
ScSecurity
sc_security_default_for_port (guint port)
{
  return port == 465 ? SC_SECURITY_TLS : SC_SECURITY_STARTTLS;
}

/**
 * sc_settings_new:
 * @directory: the settings folder (holding config.json, credentials.json, data.json)
 *
 * Returns: (transfer full): an empty model for @directory; ScSettingsStore fills it
 */
ScSettings *
sc_settings_new (GFile *directory)
{
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  return g_object_new (SC_TYPE_SETTINGS, "directory", directory, NULL);
}

/**
 * sc_settings_uses_example_server:
 *
 * The one rule for settings that were never set up: "smtp_host" is still the shipped example
 * server, %SC_SETTINGS_EXAMPLE_HOST (case does not matter). Loading, validating and saving
 * them is fine (the user sees what to change); sending is refused before anything connects:
 * see sc_settings_check_example_server ().
 *
 * Returns: whether the server is the example one
 */
gboolean
sc_settings_uses_example_server (ScSettings *self)
{
  const char *host;

  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);

  host = g_value_get_string (&self->values[KEY_SMTP_HOST]);
  return sc_settings_is_example_value ("smtp-host", host);
}

/**
 * sc_settings_is_example_value:
 * @property: a property name: "smtp-host", "login" or "password"
 * @value: (nullable): a value of it
 *
 * Whether @value is the shipped example's stand-in for @property (settings/config.json and
 * credentials.json): a reserved name or a dummy password, never a real account. The first
 * run's "Set up your account" shows these as empty fields with placeholders.
 */
gboolean
sc_settings_is_example_value (const char *property,
                              const char *value)
{
  static const struct
  {
    const char *property;
    const char *value;
  } examples[] = {
    { "smtp-host", SC_SETTINGS_EXAMPLE_HOST },
    { "login", "sender@example.com" },
    { "password", "your_password" },
  };

  for (guint i = 0; value != NULL && i < G_N_ELEMENTS (examples); i++)
    if (g_strcmp0 (property, examples[i].property) == 0)
      return g_ascii_strcasecmp (value, examples[i].value) == 0;

  return FALSE;
}

/**
 * sc_settings_check_example_server:
 * @error: return location for a #GError
 *
 * Sets @error to %SC_SETTINGS_ERROR_EXAMPLE_SERVER (about "smtp_host") when the settings
 * still name the example server (sc_settings_uses_example_server ()). The SMTP session calls
 * this before it connects, so every send and connection test refuses the example server.
 *
 * Returns: %FALSE when they do
 */
gboolean
sc_settings_check_example_server (ScSettings  *self,
                                  GError     **error)
{
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;
  GError *local_error;

  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);

  if (!sc_settings_uses_example_server (self))
    return TRUE;

  /* Translators: follows the key "smtp_host" in quotes; %s is the example server's name. */
  what = g_strdup_printf (_("still names the example server %s: set up your account with "
                            "your provider's server, your login and your password"),
                          SC_SETTINGS_EXAMPLE_HOST);
  text = describe_key (self, KEY_SMTP_HOST, what);
  local_error = g_error_new_literal (SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_EXAMPLE_SERVER, text);
  _sc_settings_error_set_key (local_error, keys[KEY_SMTP_HOST].json_name);
  g_propagate_error (error, local_error);

  return FALSE;
}

/**
 * sc_settings_validate:
 *
 * Checks every value, in file order, and reports the first problem naming file and key; the
 * error carries the key (sc_settings_error_get_key ()).
 */
gboolean
sc_settings_validate (ScSettings  *self,
                      GError     **error)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);

  for (Key key = 0; key < N_KEYS; key++)
    {
      if (!check_key (self, key, &self->values[key], error))
        return FALSE;
    }

  return TRUE;
}

/**
 * sc_settings_validate_account:
 * @self: the settings
 * @error: return location for a #GError (its key: sc_settings_error_get_key ())
 *
 * Checks what a connection needs: the keys of config.json, and those of credentials.json
 * when a login is set (without one, a connection test only reaches the server). The message
 * may still be a draft.
 */
gboolean
sc_settings_validate_account (ScSettings  *self,
                              GError     **error)
{
  const char *login;

  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);

  login = g_value_get_string (&self->values[KEY_LOGIN]);
  for (Key key = 0; key < N_KEYS; key++)
    {
      gboolean account = g_str_equal (keys[key].file, CONFIG) ||
                         (g_str_equal (keys[key].file, CREDENTIALS) &&
                          login != NULL && login[0] != '\0');

      if (account && !check_key (self, key, &self->values[key], error))
        return FALSE;
    }

  return TRUE;
}

/**
 * sc_settings_validate_key:
 * @key: a JSON key name such as "smtp_port" or "to_addrs" (property names work too)
 *
 * Checks one value. Unknown keys are accepted.
 */
gboolean
sc_settings_validate_key (ScSettings  *self,
                          const char  *key,
                          GError     **error)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  for (Key which = 0; which < N_KEYS; which++)
    {
      if (g_str_equal (key, keys[which].json_name) || g_str_equal (key, keys[which].property))
        return check_key (self, which, &self->values[which], error);
    }

  return TRUE;
}

/**
 * sc_settings_get_message_file:
 * Returns: (transfer full) (nullable): the message body file, resolved against the folder
 */
GFile *
sc_settings_get_message_file (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return resolve_path (self, KEY_MESSAGE_FILE_PATH);
}

/**
 * sc_settings_get_attachment_files:
 * @self: an #ScSettings
 *
 * The files of "attachment-paths", each resolved against the settings folder like
 * sc_settings_get_message_file (). Whether they exist is not checked.
 *
 * Returns: (transfer container) (element-type GFile): the files added by hand
 */
GPtrArray *
sc_settings_get_attachment_files (ScSettings *self)
{
  const char * const *paths;
  GPtrArray *files;

  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  files = g_ptr_array_new_with_free_func (g_object_unref);
  paths = g_value_get_boxed (&self->values[KEY_ATTACHMENT_PATHS]);
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    g_ptr_array_add (files, resolve_string (self, paths[i]));

  return files;
}

/**
 * sc_settings_is_attachment_excluded:
 * @self: an #ScSettings
 * @file: a file
 *
 * Whether @file is a file of the attachment folder that "excluded-attachments" leaves out.
 *
 * Returns: %TRUE when @file is not to be sent with the folder's other files
 */
gboolean
sc_settings_is_attachment_excluded (ScSettings *self,
                                    GFile      *file)
{
  const char * const *excluded;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  excluded = g_value_get_boxed (&self->values[KEY_EXCLUDED_ATTACHMENTS]);
  folder = resolve_path (self, KEY_ATTACHMENT_FOLDER_PATH);
  if (excluded == NULL || folder == NULL || !g_file_has_parent (file, folder))
    return FALSE;

  name = g_file_get_basename (file);
  return g_strv_contains (excluded, name);
}

/**
 * sc_settings_path_for_file:
 * @self: an #ScSettings
 * @file: a local file
 *
 * How @file is written in the settings: relative to the settings folder when it is inside it,
 * absolute otherwise. sc_settings_get_attachment_files () turns it back into @file.
 *
 * Returns: (transfer full) (nullable): the path, or %NULL when @file is not a local file
 */
char *
sc_settings_path_for_file (ScSettings *self,
                           GFile      *file)
{
  char *relative;

  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  /* A relative path that starts with "~" would read as one in the home folder. */
  relative = g_file_get_relative_path (self->directory, file);
  if (relative != NULL && relative[0] != '~')
    return relative;

  g_free (relative);
  return g_file_get_path (file);
}

/**
 * sc_settings_get_attachment_folder:
 * Returns: (transfer full) (nullable): the attachment folder, or %NULL for none
 */
GFile *
sc_settings_get_attachment_folder (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return resolve_path (self, KEY_ATTACHMENT_FOLDER_PATH);
}

/* The getters of the properties; see sc-settings.h for the keys they show. */

#define GETTER(type, name, get, key)                      \
  type                                                    \
  sc_settings_get_##name (ScSettings *self)               \
  {                                                       \
    g_return_val_if_fail (SC_IS_SETTINGS (self), 0);      \
                                                          \
    return get (&self->values[key]);                     \
  }

/** sc_settings_get_smtp_host: (get-property smtp-host) */
GETTER (const char *, smtp_host, g_value_get_string, KEY_SMTP_HOST)
/** sc_settings_get_smtp_port: (get-property smtp-port) */
GETTER (guint, smtp_port, g_value_get_uint, KEY_SMTP_PORT)
/** sc_settings_get_security: (get-property security) */
GETTER (ScSecurity, security, g_value_get_enum, KEY_SECURITY)
/** sc_settings_get_ca_file: (get-property ca-file) */
GETTER (const char *, ca_file, g_value_get_string, KEY_CA_FILE)

/** sc_settings_get_tls_fingerprint: (get-property tls-fingerprint) */
GETTER (const char *, tls_fingerprint, g_value_get_string, KEY_TLS_FINGERPRINT)
/** sc_settings_get_timeout_seconds: (get-property timeout-seconds) */
GETTER (guint, timeout_seconds, g_value_get_uint, KEY_TIMEOUT_SECONDS)
/** sc_settings_get_login: (get-property login) */
GETTER (const char *, login, g_value_get_string, KEY_LOGIN)
/** sc_settings_get_password: (get-property password) */
GETTER (const char *, password, g_value_get_string, KEY_PASSWORD)
/** sc_settings_get_password_storage: (get-property password-storage) */
GETTER (const char *, password_storage, g_value_get_string, KEY_PASSWORD_STORAGE)

/**
 * sc_settings_get_password_in_keyring:
 *
 * Whether the password is to be kept in the keyring ("password_storage" is "keyring"), not
 * in credentials.json: ScSettingsStore then stores it there on save and looks it up on load.
 */
gboolean
sc_settings_get_password_in_keyring (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);

  return g_strcmp0 (g_value_get_string (&self->values[KEY_PASSWORD_STORAGE]),
                    SC_SETTINGS_PASSWORD_IN_KEYRING) == 0;
}
/**
 * sc_settings_get_recipients: (get-property recipients)
 * Returns: (nullable) (array zero-terminated=1): the recipient addresses
 */
GETTER (const char * const *, recipients, g_value_get_boxed, KEY_TO_ADDRS)
/**
 * sc_settings_get_cc_recipients: (get-property cc-recipients)
 * Returns: (nullable) (array zero-terminated=1): the Cc addresses
 */
GETTER (const char * const *, cc_recipients, g_value_get_boxed, KEY_CC_ADDRS)
/**
 * sc_settings_get_bcc_recipients: (get-property bcc-recipients)
 * Returns: (nullable) (array zero-terminated=1): the Bcc addresses
 */
GETTER (const char * const *, bcc_recipients, g_value_get_boxed, KEY_BCC_ADDRS)
/**
 * sc_settings_get_attachment_paths: (get-property attachment-paths)
 * Returns: (nullable) (array zero-terminated=1): the files added by hand, as written
 */
GETTER (const char * const *, attachment_paths, g_value_get_boxed, KEY_ATTACHMENT_PATHS)
/**
 * sc_settings_get_excluded_attachments: (get-property excluded-attachments)
 * Returns: (nullable) (array zero-terminated=1): names of attachment folder files not sent
 */
GETTER (const char * const *, excluded_attachments, g_value_get_boxed, KEY_EXCLUDED_ATTACHMENTS)
/** sc_settings_get_subject: (get-property subject) */
GETTER (const char *, subject, g_value_get_string, KEY_SUBJECT)

#undef GETTER

/**
 * sc_settings_get_directory: (get-property directory)
 * Returns: (transfer none): the settings folder
 */
GFile *
sc_settings_get_directory (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), NULL);

  return self->directory;
}

/** sc_settings_get_modified: (get-property modified) */
gboolean
sc_settings_get_modified (ScSettings *self)
{
  g_return_val_if_fail (SC_IS_SETTINGS (self), FALSE);

  return self->modified;
}

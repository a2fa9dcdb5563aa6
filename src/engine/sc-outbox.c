/* sc-outbox.c — the record of sends: a bounded history and an outbox of unconfirmed messages
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-outbox"

#include "config.h"

#include "sc-outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sc-error.h"

/*
 * The folder (default $XDG_DATA_HOME/smtp-client, mode 0700: it names Bcc recipients):
 *
 *   history.jsonl       the history: one record a line (compact JSON), appended when a send
 *                       is over, oldest first; a later line of an id replaces the earlier one
 *                       (a retry, a repair). Listed: the newest SC_OUTBOX_HISTORY_LIMIT.
 *   outbox/ID.sending   the journal of a send in flight: its record, state "sending"
 *   outbox/ID.json      the record of a message that is not confirmed, plus its envelope
 *   outbox/ID.eml       that message: CRLF, not dot-stuffed, exactly the bytes that went out
 *   lock                flock ()ed around every read-modify-write, between processes too
 *   history.json        the history of version 0.2.0 ({"version": 1, "records": […]}): the
 *                       first open makes it the first lines of history.jsonl and renames it
 *                       history.json.migrated
 *
 * A send costs two small writes and never reads the history: before it connects, its journal
 * (fsync of the file and of the folder: durable before the message goes out); when it is over,
 * one line appended to the history (O_APPEND, one write, fdatasync), then the journal is
 * removed. A line cut short by a crash is skipped when the history is read, and the next
 * append starts on a line of its own. Past HISTORY_COMPACT_LINES lines (counted, not parsed)
 * the history is rewritten with its newest SC_OUTBOX_HISTORY_LIMIT records. Every other file
 * is replaced whole with g_file_set_contents_full (CONSISTENT | DURABLE: a temporary file,
 * fsync, rename), so a reader sees the old or the new file, never half of one, wherever the
 * process is killed. The .eml is written to ID.eml.part, fsynced and renamed, before its record
 * says it is there; it is written only after a send failed (rendered again from the ScMessage,
 * whose Date, Message-ID and boundaries were fixed by prepare), so a successful send writes no
 * message.
 *
 * A record in state "sending" (a journal, or an outbox entry being retried) names its process
 * (pid and boot id). When a later open finds that process gone, the record becomes
 * "interrupted": the server may have the message, so it is not sent again unless the user says
 * so. A process killed between two steps of the end is finished as far as it got: what the
 * history or the outbox already has counts.
 */

#define HISTORY_FILE     "history.jsonl"
#define OLD_HISTORY_FILE "history.json"   /* version 0.2.0 */
#define OUTBOX_DIR       "outbox"
#define LOCK_FILE        "lock"
#define SENDING_SUFFIX   ".sending"

/* The history is rewritten with its newest SC_OUTBOX_HISTORY_LIMIT records when it has more
 * lines than this */
#define HISTORY_COMPACT_LINES (2 * SC_OUTBOX_HISTORY_LIMIT)

G_DEFINE_QUARK (sc-outbox-error-quark, sc_outbox_error)

G_DEFINE_ENUM_TYPE (ScOutboxState, sc_outbox_state,
  G_DEFINE_ENUM_VALUE (SC_OUTBOX_STATE_SENDING, "sending"),
  G_DEFINE_ENUM_VALUE (SC_OUTBOX_STATE_SENT, "sent"),
  G_DEFINE_ENUM_VALUE (SC_OUTBOX_STATE_PARTIAL, "partial"),
  G_DEFINE_ENUM_VALUE (SC_OUTBOX_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (SC_OUTBOX_STATE_UNCERTAIN, "uncertain"),
  G_DEFINE_ENUM_VALUE (SC_OUTBOX_STATE_INTERRUPTED, "interrupted"))

/* ------------------------------------------------------------------------------------------ */
/* ScOutboxEntry                                                                              */
/* ------------------------------------------------------------------------------------------ */

struct _ScOutboxEntry
{
  GObject        parent_instance;

  char          *id;
  ScOutboxState  state;
  GDateTime     *time;
  char          *sender;
  char         **to;
  char         **cc;
  char         **bcc;
  char          *subject;
  gint64         size;
  char          *message_id;
  char          *reply;
  char          *queue_id;
  char          *reason;
  GFile         *eml;      /* NULL when no message is kept */
};

enum
{
  ENTRY_PROP_0,
  ENTRY_PROP_ID,
  ENTRY_PROP_STATE,
  ENTRY_PROP_TIME,
  ENTRY_PROP_SENDER,
  ENTRY_PROP_TO,
  ENTRY_PROP_CC,
  ENTRY_PROP_BCC,
  ENTRY_PROP_SUBJECT,
  ENTRY_PROP_SIZE,
  ENTRY_PROP_MESSAGE_ID,
  ENTRY_PROP_REPLY,
  ENTRY_PROP_QUEUE_ID,
  ENTRY_PROP_REASON,
  ENTRY_PROP_HAS_MESSAGE,
  ENTRY_N_PROPS
};

static GParamSpec *entry_props[ENTRY_N_PROPS];

G_DEFINE_FINAL_TYPE (ScOutboxEntry, sc_outbox_entry, G_TYPE_OBJECT)

static void
sc_outbox_entry_finalize (GObject *object)
{
  ScOutboxEntry *self = (ScOutboxEntry *) object;

  g_free (self->id);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->sender);
  g_strfreev (self->to);
  g_strfreev (self->cc);
  g_strfreev (self->bcc);
  g_free (self->subject);
  g_free (self->message_id);
  g_free (self->reply);
  g_free (self->queue_id);
  g_free (self->reason);
  g_clear_object (&self->eml);

  G_OBJECT_CLASS (sc_outbox_entry_parent_class)->finalize (object);
}

static void
sc_outbox_entry_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ScOutboxEntry *self = (ScOutboxEntry *) object;

  switch (prop_id)
    {
    case ENTRY_PROP_ID: g_value_set_string (value, self->id); break;
    case ENTRY_PROP_STATE: g_value_set_enum (value, self->state); break;
    case ENTRY_PROP_TIME: g_value_set_boxed (value, self->time); break;
    case ENTRY_PROP_SENDER: g_value_set_string (value, self->sender); break;
    case ENTRY_PROP_TO: g_value_set_boxed (value, self->to); break;
    case ENTRY_PROP_CC: g_value_set_boxed (value, self->cc); break;
    case ENTRY_PROP_BCC: g_value_set_boxed (value, self->bcc); break;
    case ENTRY_PROP_SUBJECT: g_value_set_string (value, self->subject); break;
    case ENTRY_PROP_SIZE: g_value_set_int64 (value, self->size); break;
    case ENTRY_PROP_MESSAGE_ID: g_value_set_string (value, self->message_id); break;
    case ENTRY_PROP_REPLY: g_value_set_string (value, self->reply); break;
    case ENTRY_PROP_QUEUE_ID: g_value_set_string (value, self->queue_id); break;
    case ENTRY_PROP_REASON: g_value_set_string (value, self->reason); break;
    case ENTRY_PROP_HAS_MESSAGE: g_value_set_boolean (value, self->eml != NULL); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_outbox_entry_class_init (ScOutboxEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sc_outbox_entry_finalize;
  object_class->get_property = sc_outbox_entry_get_property;

  entry_props[ENTRY_PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  entry_props[ENTRY_PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SC_TYPE_OUTBOX_STATE, SC_OUTBOX_STATE_SENT, flags);
  entry_props[ENTRY_PROP_TIME] = g_param_spec_boxed ("time", NULL, NULL, G_TYPE_DATE_TIME, flags);
  entry_props[ENTRY_PROP_SENDER] = g_param_spec_string ("sender", NULL, NULL, NULL, flags);
  entry_props[ENTRY_PROP_TO] = g_param_spec_boxed ("to", NULL, NULL, G_TYPE_STRV, flags);
  entry_props[ENTRY_PROP_CC] = g_param_spec_boxed ("cc", NULL, NULL, G_TYPE_STRV, flags);
  entry_props[ENTRY_PROP_BCC] = g_param_spec_boxed ("bcc", NULL, NULL, G_TYPE_STRV, flags);
  entry_props[ENTRY_PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  entry_props[ENTRY_PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, -1, G_MAXINT64, -1, flags);
  entry_props[ENTRY_PROP_MESSAGE_ID] =
    g_param_spec_string ("message-id", NULL, NULL, NULL, flags);
  entry_props[ENTRY_PROP_REPLY] = g_param_spec_string ("reply", NULL, NULL, NULL, flags);
  entry_props[ENTRY_PROP_QUEUE_ID] = g_param_spec_string ("queue-id", NULL, NULL, NULL, flags);
  entry_props[ENTRY_PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  entry_props[ENTRY_PROP_HAS_MESSAGE] =
    g_param_spec_boolean ("has-message", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, ENTRY_N_PROPS, entry_props);
}

static void
sc_outbox_entry_init (ScOutboxEntry *self)
{
  self->size = -1;
}

/** sc_outbox_entry_get_id: Returns: the record's id (also the outbox file name) */
const char *
sc_outbox_entry_get_id (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return self->id;
}

/** sc_outbox_entry_get_state: Returns: the outcome, or %SC_OUTBOX_STATE_SENDING */
ScOutboxState
sc_outbox_entry_get_state (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), SC_OUTBOX_STATE_FAILED);
  return self->state;
}

/** sc_outbox_entry_get_time: Returns: (transfer none) (nullable): when it was last tried, UTC */
GDateTime *
sc_outbox_entry_get_time (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return self->time;
}

/** sc_outbox_entry_get_sender: Returns: the sender (MAIL FROM) */
const char *
sc_outbox_entry_get_sender (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return self->sender;
}

/** sc_outbox_entry_get_to: Returns: (array zero-terminated=1): the To recipients, as given */
const char * const *
sc_outbox_entry_get_to (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return (const char * const *) self->to;
}

/** sc_outbox_entry_get_cc: Returns: (array zero-terminated=1): the Cc recipients */
const char * const *
sc_outbox_entry_get_cc (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return (const char * const *) self->cc;
}

/** sc_outbox_entry_get_bcc: Returns: (array zero-terminated=1): the Bcc recipients (kept here
 * only, never in a header) */
const char * const *
sc_outbox_entry_get_bcc (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return (const char * const *) self->bcc;
}

/** sc_outbox_entry_get_subject: Returns: the subject */
const char *
sc_outbox_entry_get_subject (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return self->subject;
}

/** sc_outbox_entry_get_size: Returns: the size of the DATA payload in bytes */
gint64
sc_outbox_entry_get_size (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), -1);
  return self->size;
}

/** sc_outbox_entry_get_message_id: Returns: the Message-ID, without angle brackets */
const char *
sc_outbox_entry_get_message_id (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return self->message_id;
}

/** sc_outbox_entry_get_reply: Returns: (nullable): the server's final reply to the message */
const char *
sc_outbox_entry_get_reply (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return self->reply;
}

/** sc_outbox_entry_get_queue_id: Returns: (nullable): the server's queue id from that reply */
const char *
sc_outbox_entry_get_queue_id (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return self->queue_id;
}

/** sc_outbox_entry_get_reason: Returns: (nullable): why it failed, is uncertain or partial */
const char *
sc_outbox_entry_get_reason (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return self->reason;
}

/** sc_outbox_entry_get_has_message: Returns: whether the outbox keeps the message (retry) */
gboolean
sc_outbox_entry_get_has_message (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), FALSE);
  return self->eml != NULL;
}

/** sc_outbox_entry_get_eml: Returns: (transfer none) (nullable): the kept message (.eml) */
GFile *
sc_outbox_entry_get_eml (ScOutboxEntry *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX_ENTRY (self), NULL);
  return self->eml;
}

/* ------------------------------------------------------------------------------------------ */
/* Records (JsonObject)                                                                       */
/* ------------------------------------------------------------------------------------------ */

static const char *
state_nick (ScOutboxState state)
{
  GEnumClass *klass = g_type_class_ref (SC_TYPE_OUTBOX_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : "failed";
}

static ScOutboxState
record_state (JsonObject *record)
{
  const char *nick = json_object_get_string_member_with_default (record, "state", "");
  GEnumClass *klass = g_type_class_ref (SC_TYPE_OUTBOX_STATE);
  GEnumValue *value = g_enum_get_value_by_nick (klass, nick);

  g_type_class_unref (klass);
  /* Unknown: the safe reading */
  return value != NULL ? (ScOutboxState) value->value : SC_OUTBOX_STATE_INTERRUPTED;
}

static void
record_set_strv (JsonObject         *record,
                 const char         *member,
                 const char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  json_object_set_array_member (record, member, array);
}

static char **
record_get_strv (JsonObject *record,
                 const char *member)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (record, member);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }

  return g_strv_builder_end (builder);
}

static const char *
record_get_string (JsonObject *record,
                   const char *member)
{
  JsonNode *node = json_object_get_member (record, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static void
record_set_string (JsonObject *record,
                   const char *member,
                   const char *value)
{
  if (value != NULL)
    json_object_set_string_member (record, member, value);
  else
    json_object_remove_member (record, member);
}

static void
record_set_now (JsonObject *record)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = g_date_time_format_iso8601 (now);

  json_object_set_string_member (record, "time", text);
}

/* ------------------------------------------------------------------------------------------ */
/* ScOutbox                                                                                   */
/* ------------------------------------------------------------------------------------------ */

struct _ScOutbox
{
  GObject  parent_instance;

  GFile   *directory;
  char    *path;          /* of directory */
  char    *outbox_path;
};

G_DEFINE_FINAL_TYPE (ScOutbox, sc_outbox, G_TYPE_OBJECT)

static void
sc_outbox_finalize (GObject *object)
{
  ScOutbox *self = (ScOutbox *) object;

  g_clear_object (&self->directory);
  g_free (self->path);
  g_free (self->outbox_path);

  G_OBJECT_CLASS (sc_outbox_parent_class)->finalize (object);
}

static void
sc_outbox_class_init (ScOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sc_outbox_finalize;
}

static void
sc_outbox_init (ScOutbox *self)
{
}

/**
 * sc_outbox_new:
 * @directory: (nullable): where to keep the record; %NULL: `$XDG_DATA_HOME/smtp-client`
 *   (g_get_user_data_dir ())
 *
 * Does no I/O; the folder is made when something is recorded.
 *
 * Returns: (transfer full): a new #ScOutbox
 */
ScOutbox *
sc_outbox_new (GFile *directory)
{
  ScOutbox *self = g_object_new (SC_TYPE_OUTBOX, NULL);

  if (directory != NULL)
    self->directory = g_object_ref (directory);
  else
    self->directory = g_file_new_build_filename (g_get_user_data_dir (), "smtp-client", NULL);

  self->path = g_file_get_path (self->directory);
  if (self->path == NULL)
    self->path = g_build_filename (g_get_user_data_dir (), "smtp-client", NULL);
  self->outbox_path = g_build_filename (self->path, OUTBOX_DIR, NULL);

  return self;
}

/** sc_outbox_get_directory: Returns: (transfer none): the folder of the record */
GFile *
sc_outbox_get_directory (ScOutbox *self)
{
  g_return_val_if_fail (SC_IS_OUTBOX (self), NULL);
  return self->directory;
}

static void
set_io_error (GError    **error,
              const char *path,
              int         saved_errno)
{
  g_autofree char *shown = g_filename_display_name (path);

  g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_IO,
               /* Translators: the first %s is a file or folder, the second the system's
                * reason. */
               _("Cannot keep the record of sent messages in %s: %s"), shown,
               g_strerror (saved_errno));
}

static char *
entry_path (ScOutbox   *self,
            const char *id,
            const char *suffix)
{
  g_autofree char *name = g_strconcat (id, suffix, NULL);

  return g_build_filename (self->outbox_path, name, NULL);
}

/* An id is a file name: only what begin makes is accepted. */
static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/* The lock: flock () on a file of the folder, held for one read-modify-write. */
static int
lock_acquire (ScOutbox  *self,
              GError   **error)
{
  g_autofree char *path = g_build_filename (self->path, LOCK_FILE, NULL);
  int fd;

  if (g_mkdir_with_parents (self->outbox_path, 0700) != 0)
    {
      set_io_error (error, self->outbox_path, errno);
      return -1;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, path, errno);
      return -1;
    }

  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          set_io_error (error, path, errno);
          close (fd);
          return -1;
        }
    }

  return fd;
}

static void
lock_release (int fd)
{
  if (fd >= 0)
    close (fd);   /* drops the flock */
}

static char *
boot_id (void)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &contents, NULL, NULL))
    return g_strdup ("");

  return g_strstrip (g_steal_pointer (&contents));
}

static void
record_mark_sending (JsonObject *record)
{
  g_autofree char *boot = boot_id ();

  json_object_set_string_member (record, "state", state_nick (SC_OUTBOX_STATE_SENDING));
  json_object_set_int_member (record, "pid", getpid ());
  json_object_set_string_member (record, "boot_id", boot);
}

/* Is the process that marked @record "sending" still running? */
static gboolean
record_sender_alive (JsonObject *record)
{
  g_autofree char *boot = boot_id ();
  const char *record_boot = record_get_string (record, "boot_id");
  gint64 pid = json_object_get_int_member_with_default (record, "pid", 0);

  if (record_boot == NULL || g_strcmp0 (record_boot, boot) != 0 || pid <= 0 || pid > G_MAXINT)
    return FALSE;
  if (pid == getpid ())
    return TRUE;

  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

static void
record_mark_interrupted (JsonObject *record)
{
  json_object_set_string_member (record, "state", state_nick (SC_OUTBOX_STATE_INTERRUPTED));
  json_object_remove_member (record, "pid");
  json_object_remove_member (record, "boot_id");
  json_object_set_string_member (record, "reason",
                                 _("The program stopped while sending; the message may have "
                                   "been delivered."));
}

static JsonObject *
parse_object (const char  *data,
              gssize       length,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("not a JSON object"));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
read_json_object (const char  *path,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;
  JsonObject *object;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_IO,
                   _("Cannot keep the record of sent messages in %s: %s"), path,
                   local_error->message);
      return NULL;
    }

  object = parse_object (contents, length, &local_error);
  if (object == NULL)
    g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_IO,
                 _("Cannot keep the record of sent messages in %s: %s"), path,
                 local_error->message);

  return object;
}

/* One line of the history: the record as compact JSON, then a newline. */
static char *
record_to_line (JsonObject *record,
                gsize      *out_length)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length;
  char *line;

  json_node_set_object (root, record);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  line = g_malloc (length + 2);
  memcpy (line, text, length);
  line[length] = '\n';
  line[length + 1] = '\0';
  *out_length = length + 1;

  return line;
}

/* Replaces @path whole: a temporary file, fsync, rename. */
static gboolean
replace_file (const char  *path,
              const char  *text,
              gsize        length,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, text, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_IO,
                   _("Cannot keep the record of sent messages in %s: %s"), path,
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_json_object (const char  *path,
                   JsonObject  *object,
                   GError     **error)
{
  g_autofree char *text = NULL;
  gsize length;

  text = record_to_line (object, &length);

  return replace_file (path, text, length, error);
}

/* Makes the names in @path durable (a file made, renamed or removed in it). */
static gboolean
sync_folder (const char  *path,
             GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || fsync (fd) != 0)
    {
      set_io_error (error, path, errno);
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  close (fd);

  return TRUE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      length -= written;
    }

  return TRUE;
}

/* The journal of a send in flight: outbox/ID.sending, durable (file and name) on return. */
static gboolean
journal_write (ScOutbox    *self,
               JsonObject  *record,
               GError     **error)
{
  g_autofree char *path = entry_path (self, record_get_string (record, "id"), SENDING_SUFFIX);
  g_autofree char *text = NULL;
  gsize length;
  int fd;

  text = record_to_line (record, &length);
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, path, errno);
      return FALSE;
    }
  if (!write_all (fd, text, length) || fdatasync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_unlink (path);
      set_io_error (error, path, saved_errno);
      return FALSE;
    }
  close (fd);

  return sync_folder (self->outbox_path, error);
}

static void
object_unref0 (gpointer object)
{
  if (object != NULL)
    json_object_unref (object);
}

/* The history's records as its lines say, oldest first: a later line of an id replaces the
 * earlier one (and takes its place at the end); a line that is not a JSON object (the torn end
 * of an append that a crash cut short) is skipped. *out_lines: the number of lines. */
static GPtrArray *
history_read (ScOutbox  *self,
              guint     *out_lines,
              GError   **error)
{
  g_autofree char *path = g_build_filename (self->path, HISTORY_FILE, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (object_unref0);
  g_autoptr(GHashTable) where = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *records;
  gsize length = 0;
  guint n_lines = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_IO,
                   _("Cannot keep the record of sent messages in %s: %s"), path,
                   local_error->message);
      return NULL;
    }

  for (const char *line = contents, *end; line != NULL && line < contents + length;
       line = end + 1)
    {
      JsonObject *record;
      const char *id;
      gpointer index;

      end = memchr (line, '\n', contents + length - line);
      if (end == NULL)
        end = contents + length;
      n_lines++;
      if (end == line)
        continue;
      record = parse_object (line, end - line, NULL);
      if (record == NULL)
        continue;
      id = record_get_string (record, "id");
      if (id == NULL)
        {
          json_object_unref (record);
          continue;
        }
      /* The key is the record's own string: replaced before the record it was in goes */
      if (g_hash_table_lookup_extended (where, id, NULL, &index))
        {
          g_hash_table_replace (where, (gpointer) id, GUINT_TO_POINTER (lines->len));
          g_clear_pointer (&lines->pdata[GPOINTER_TO_UINT (index)], json_object_unref);
        }
      else
        g_hash_table_insert (where, (gpointer) id, GUINT_TO_POINTER (lines->len));
      g_ptr_array_add (lines, record);
    }

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < lines->len; i++)
    if (lines->pdata[i] != NULL)
      g_ptr_array_add (records, g_steal_pointer (&lines->pdata[i]));

  if (out_lines != NULL)
    *out_lines = n_lines;

  return records;
}

/* Replaces the history with the newest SC_OUTBOX_HISTORY_LIMIT of @records, one line each: a
 * temporary file, fsync, rename. */
static gboolean
history_rewrite (ScOutbox    *self,
                 GPtrArray   *records,
                 GError     **error)
{
  g_autofree char *path = g_build_filename (self->path, HISTORY_FILE, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = records->len > SC_OUTBOX_HISTORY_LIMIT
                 ? records->len - SC_OUTBOX_HISTORY_LIMIT : 0;
       i < records->len; i++)
    {
      gsize length;
      g_autofree char *line = record_to_line (records->pdata[i], &length);

      g_string_append_len (text, line, length);
    }

  return replace_file (path, text->str, text->len, error);
}

/* Appends @record to the history as one line (after a newline of its own when the file ends
 * in a torn line), durable on return. Past HISTORY_COMPACT_LINES lines the history is
 * rewritten with its newest SC_OUTBOX_HISTORY_LIMIT records. Under the lock. */
static gboolean
history_append (ScOutbox    *self,
                JsonObject  *record,
                GError     **error)
{
  g_autofree char *path = g_build_filename (self->path, HISTORY_FILE, NULL);
  g_autofree char *line = NULL;
  gsize length;
  struct stat st;
  char last = '\n';
  gboolean ok;
  int fd;

  line = record_to_line (record, &length);

  fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, path, errno);
      return FALSE;
    }

  ok = fstat (fd, &st) == 0;
  if (ok && st.st_size > 0)
    {
      int rfd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

      ok = rfd >= 0 && pread (rfd, &last, 1, st.st_size - 1) == 1;
      if (rfd >= 0)
        close (rfd);
    }
  ok = ok && (last == '\n' || write_all (fd, "\n", 1)) && write_all (fd, line, length) &&
       fdatasync (fd) == 0;
  if (!ok)
    {
      set_io_error (error, path, errno);
      close (fd);
      return FALSE;
    }
  close (fd);

  /* A new file: its name too */
  if (st.st_size == 0 && !sync_folder (self->path, error))
    return FALSE;

  /* A record takes more than 64 bytes: a shorter file has too few lines to compact. The
   * lines are counted, not parsed. */
  if (st.st_size + length > HISTORY_COMPACT_LINES * 64)
    {
      g_autofree char *contents = NULL;
      gsize size;
      guint n_lines = 0;

      if (!g_file_get_contents (path, &contents, &size, NULL))
        return TRUE;   /* compacted another time */
      for (const char *p = contents; (p = memchr (p, '\n', contents + size - p)) != NULL; p++)
        n_lines++;
      if (n_lines > HISTORY_COMPACT_LINES)
        {
          g_autoptr(GPtrArray) records = history_read (self, NULL, error);

          if (records == NULL || !history_rewrite (self, records, error))
            return FALSE;
        }
    }

  return TRUE;
}

/* The history of version 0.2.0, history.json ({"version": 1, "records": [record, …]}),
 * becomes history.jsonl: its records the first lines, those still "sending" journals (the
 * repair that follows finds their process gone). The old file is kept as
 * history.json.migrated. Under the lock. */
static gboolean
history_migrate (ScOutbox  *self,
                 GError   **error)
{
  g_autofree char *old_path = g_build_filename (self->path, OLD_HISTORY_FILE, NULL);
  g_autofree char *done_path = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) current = NULL;
  JsonNode *node;

  if (!g_file_test (old_path, G_FILE_TEST_EXISTS))
    return TRUE;

  root = read_json_object (old_path, &local_error);
  if (root == NULL && local_error != NULL)
    {
      g_autofree char *aside = g_strconcat (old_path, ".broken", NULL);

      /* Not written by us (every write was whole): set aside, not lost, and not in the way
       * of sending. One that cannot even be read is an error. */
      if (g_file_test (old_path, G_FILE_TEST_IS_REGULAR) && access (old_path, R_OK) == 0 &&
          g_rename (old_path, aside) == 0)
        {
          g_warning ("%s (set aside as %s)", local_error->message, aside);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  node = root != NULL ? json_object_get_member (root, "records") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *record;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          record = json_node_get_object (element);
          if (!id_is_valid (record_get_string (record, "id")))
            continue;
          if (record_state (record) == SC_OUTBOX_STATE_SENDING)
            {
              if (!journal_write (self, record, error))
                return FALSE;
            }
          else
            g_ptr_array_add (records, json_object_ref (record));
        }
    }

  /* Lines already there (a history.json written again by 0.2.0 after a migration) stay the
   * newer ones */
  current = history_read (self, NULL, error);
  if (current == NULL)
    return FALSE;
  g_ptr_array_extend_and_steal (records, g_steal_pointer (&current));
  if (!history_rewrite (self, records, error))
    return FALSE;

  done_path = g_strconcat (old_path, ".migrated", NULL);
  if (g_rename (old_path, done_path) != 0)
    {
      set_io_error (error, old_path, errno);
      return FALSE;
    }

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The ids of the outbox's files that end in @suffix (".json": its entries; SENDING_SUFFIX:
 * the journals of sends in flight), sorted. */
static GPtrArray *
outbox_ids (ScOutbox   *self,
            const char *suffix)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (self->outbox_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, suffix))
      {
        g_autofree char *id = g_strndup (name, strlen (name) - strlen (suffix));

        if (id_is_valid (id))
          g_ptr_array_add (ids, g_steal_pointer (&id));
      }

  g_ptr_array_sort (ids, compare_strings);

  return g_steal_pointer (&ids);
}

static JsonObject *
records_find (GPtrArray  *records,
              const char *id)
{
  for (guint i = records->len; i > 0; i--)
    if (g_strcmp0 (record_get_string (records->pdata[i - 1], "id"), id) == 0)
      return records->pdata[i - 1];

  return NULL;
}

/* Under the lock, on every open: the 0.2.0 history is migrated; a send whose process is gone
 * is finished as "interrupted" (its journal, or its outbox entry for a retry), or as what it
 * had already recorded when it was killed between two steps; a message that was being written
 * by a process that is gone is removed. Reads the history only when there is something to
 * repair. */
static gboolean
repair (ScOutbox  *self,
        GError   **error)
{
  g_autoptr(GPtrArray) journals = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) dead = g_ptr_array_new_with_free_func (g_free);   /* ID.sending */
  g_autoptr(GPtrArray) dead_retries = g_ptr_array_new_with_free_func (g_free);   /* ID.json */
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) busy = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!history_migrate (self, error))
    return FALSE;

  journals = outbox_ids (self, SENDING_SUFFIX);
  for (guint i = 0; i < journals->len; i++)
    {
      g_autofree char *path = entry_path (self, journals->pdata[i], SENDING_SUFFIX);
      g_autoptr(JsonObject) record = read_json_object (path, NULL);

      if (record == NULL)
        {
          /* Torn by a crash while it was written: the send had not started */
          g_unlink (path);
          continue;
        }
      if (record_sender_alive (record))
        g_hash_table_add (busy, journals->pdata[i]);
      else
        g_ptr_array_add (dead, g_strdup (journals->pdata[i]));
    }

  entries = outbox_ids (self, ".json");
  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *path = entry_path (self, entries->pdata[i], ".json");
      g_autoptr(JsonObject) record = read_json_object (path, NULL);

      if (record == NULL || record_state (record) != SC_OUTBOX_STATE_SENDING)
        continue;
      if (record_sender_alive (record))
        g_hash_table_add (busy, entries->pdata[i]);
      else
        g_ptr_array_add (dead_retries, g_strdup (entries->pdata[i]));
    }

  if (dead->len > 0 || dead_retries->len > 0)
    {
      records = history_read (self, NULL, error);
      if (records == NULL)
        return FALSE;
    }

  for (guint i = 0; i < dead_retries->len; i++)
    {
      const char *id = dead_retries->pdata[i];
      g_autofree char *path = entry_path (self, id, ".json");
      g_autoptr(JsonObject) record = read_json_object (path, NULL);
      JsonObject *in_history = records_find (records, id);

      if (record == NULL)
        continue;
      if (in_history != NULL && (record_state (in_history) == SC_OUTBOX_STATE_SENT ||
                                 record_state (in_history) == SC_OUTBOX_STATE_PARTIAL))
        {
          /* Killed after the retry was recorded as sent, before the outbox was cleared */
          g_autofree char *eml = entry_path (self, id, ".eml");

          g_unlink (path);
          g_unlink (eml);
          continue;
        }

      record_mark_interrupted (record);
      if (!write_json_object (path, record, error) || !history_append (self, record, error))
        return FALSE;
    }

  for (guint i = 0; i < dead->len; i++)
    {
      const char *id = dead->pdata[i];
      g_autofree char *path = entry_path (self, id, SENDING_SUFFIX);
      g_autofree char *sidecar = entry_path (self, id, ".json");
      g_autofree char *eml = entry_path (self, id, ".eml");
      g_autoptr(JsonObject) record = NULL;
      g_autoptr(JsonObject) kept = NULL;

      if (records_find (records, id) != NULL)
        {
          /* Killed after its outcome was recorded, before its journal was removed */
          g_unlink (path);
          continue;
        }

      kept = read_json_object (sidecar, NULL);
      if (kept != NULL && record_state (kept) != SC_OUTBOX_STATE_SENDING)
        {
          /* Killed after it was kept in the outbox, before the history had it */
          if (!history_append (self, kept, error))
            return FALSE;
          g_unlink (path);
          continue;
        }

      record = read_json_object (path, NULL);
      if (record == NULL)
        continue;
      record_mark_interrupted (record);

      /* Killed after its message was kept, before its outbox record was written: the message
       * is not lost, it joins the outbox. */
      if (g_file_test (eml, G_FILE_TEST_IS_REGULAR) && !write_json_object (sidecar, record, error))
        return FALSE;
      if (!history_append (self, record, error))
        return FALSE;
      g_unlink (path);
    }

  /* A message half written by a process that is gone */
  dir = g_dir_open (self->outbox_path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".eml.part"))
      {
        g_autofree char *id = g_strndup (name, strlen (name) - strlen (".eml.part"));

        if (!g_hash_table_contains (busy, id))
          {
            g_autofree char *path = g_build_filename (self->outbox_path, name, NULL);

            g_unlink (path);
          }
      }

  return TRUE;
}

static ScOutboxEntry *
entry_new (ScOutbox   *self,
           JsonObject *record)
{
  ScOutboxEntry *entry = g_object_new (SC_TYPE_OUTBOX_ENTRY, NULL);
  const char *time = record_get_string (record, "time");
  g_autofree char *eml = NULL;

  entry->id = g_strdup (record_get_string (record, "id"));
  entry->state = record_state (record);
  entry->time = time != NULL ? g_date_time_new_from_iso8601 (time, NULL) : NULL;
  entry->sender = g_strdup (record_get_string (record, "sender"));
  entry->to = record_get_strv (record, "to");
  entry->cc = record_get_strv (record, "cc");
  entry->bcc = record_get_strv (record, "bcc");
  entry->subject = g_strdup (record_get_string (record, "subject"));
  if (entry->subject == NULL)
    entry->subject = g_strdup ("");
  entry->size = json_object_get_int_member_with_default (record, "size", -1);
  entry->message_id = g_strdup (record_get_string (record, "message_id"));
  entry->reply = g_strdup (record_get_string (record, "reply"));
  entry->queue_id = g_strdup (record_get_string (record, "queue_id"));
  entry->reason = g_strdup (record_get_string (record, "reason"));

  if (entry->id != NULL && id_is_valid (entry->id))
    {
      g_autofree char *sidecar = entry_path (self, entry->id, ".json");

      eml = entry_path (self, entry->id, ".eml");
      if (g_file_test (sidecar, G_FILE_TEST_EXISTS) && g_file_test (eml, G_FILE_TEST_EXISTS))
        entry->eml = g_file_new_for_path (eml);
    }

  return entry;
}

/* ------------------------------------------------------------------------------------------ */
/* Recording                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_outbox_record_begin:
 * @self: an #ScOutbox
 * @message: a prepared #ScMessage, about to be sent
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Records that @message is being sent by this process (time, recipients with Bcc, subject,
 * size, Message-ID, envelope). Blocking.
 *
 * Returns: (transfer full): the record's id for sc_outbox_record_finish(), or %NULL
 */
char *
sc_outbox_record_begin (ScOutbox      *self,
                        ScMessage     *message,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(JsonObject) record = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
  g_autofree char *id = NULL;
  gboolean ok;
  int lock;

  g_return_val_if_fail (SC_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (SC_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (sc_message_get_size (message) >= 0, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  id = g_strdup_printf ("%s-%06d-%08x", stamp, g_date_time_get_microsecond (now),
                        g_random_int ());

  json_object_set_string_member (record, "id", id);
  record_set_now (record);
  json_object_set_string_member (record, "sender", sc_message_get_from (message));
  record_set_strv (record, "to", sc_message_get_to (message));
  record_set_strv (record, "cc", sc_message_get_cc (message));
  record_set_strv (record, "bcc", sc_message_get_bcc (message));
  json_object_set_string_member (record, "subject", sc_message_get_subject (message));
  json_object_set_int_member (record, "size", sc_message_get_size (message));
  record_set_string (record, "message_id", sc_message_get_message_id (message));
  json_object_set_string_member (record, "envelope_from",
                                 sc_message_get_envelope_from (message));
  record_set_strv (record, "envelope_recipients",
                   sc_message_get_envelope_recipients (message));
  json_object_set_int_member (record, "attempts", 1);
  record_mark_sending (record);

  lock = lock_acquire (self, error);
  if (lock < 0)
    return NULL;

  /* Only the journal, not the history: that has the send once it is over */
  ok = repair (self, error) && journal_write (self, record, error);

  lock_release (lock);

  return ok ? g_steal_pointer (&id) : NULL;
}

/* Writes @message to outbox/ID.eml: a temporary file, fsync, rename. */
static gboolean
write_eml (ScOutbox      *self,
           const char    *id,
           ScMessage     *message,
           GError       **error)
{
  g_autofree char *path = entry_path (self, id, ".eml");
  g_autofree char *part = entry_path (self, id, ".eml.part");
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GOutputStream) buffered = NULL;
  g_autoptr(GError) local_error = NULL;
  int fd;

  if (g_mkdir_with_parents (self->outbox_path, 0700) != 0)
    {
      set_io_error (error, self->outbox_path, errno);
      return FALSE;
    }

  fd = g_open (part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, part, errno);
      return FALSE;
    }

  stream = g_unix_output_stream_new (fd, TRUE);
  buffered = g_buffered_output_stream_new_sized (stream, 64 * 1024);
  if (!sc_message_write_eml (message, buffered, NULL, &local_error) ||
      !g_output_stream_flush (buffered, NULL, &local_error))
    {
      g_output_stream_close (buffered, NULL, NULL);
      g_unlink (part);
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_IO,
                   _("Cannot keep the message in the outbox: %s"), local_error->message);
      return FALSE;
    }

  if (fsync (fd) != 0 || !g_output_stream_close (buffered, NULL, NULL) ||
      g_rename (part, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (part);
      set_io_error (error, path, saved_errno);
      return FALSE;
    }

  return TRUE;
}

static char *
describe_refused (GPtrArray *refused)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < refused->len; i++)
    {
      ScRefusedRecipient *recipient = g_ptr_array_index (refused, i);

      if (text->len > 0)
        g_string_append (text, "; ");
      /* Translators: a recipient address, then the SMTP server's reply */
      g_string_append_printf (text, _("%s was refused: %s"), recipient->address,
                              recipient->reply);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * sc_outbox_record_finish:
 * @self: an #ScOutbox
 * @id: what sc_outbox_record_begin() returned, or the id of a retried outbox entry
 * @message: the message that was sent
 * @result: (nullable): the send's result, or %NULL when it failed
 * @send_error: (nullable): the send's error, when it failed
 * @cancellable: (nullable): unused: the outcome is always recorded
 * @error: return location for a #GError
 *
 * Records the outcome. A message that failed or may not have arrived is kept in the outbox:
 * it is written (again, from @message) as ID.eml only now, unless it is there already.
 * Sent: the entry leaves the outbox. Blocking.
 *
 * Returns: %TRUE when the outcome was recorded
 */
gboolean
sc_outbox_record_finish (ScOutbox      *self,
                         const char    *id,
                         ScMessage     *message,
                         ScSendResult  *result,
                         const GError  *send_error,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autofree char *sidecar = NULL;
  g_autofree char *eml = NULL;
  g_autofree char *journal = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GError) eml_error = NULL;
  ScOutboxState state;
  gboolean keep;
  gboolean ok = FALSE;
  int lock;

  g_return_val_if_fail (SC_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id_is_valid (id), FALSE);
  g_return_val_if_fail (SC_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (result != NULL || send_error != NULL, FALSE);

  sidecar = entry_path (self, id, ".json");
  eml = entry_path (self, id, ".eml");
  journal = entry_path (self, id, SENDING_SUFFIX);

  if (result != NULL)
    state = sc_send_result_get_refused (result)->len == 0 ? SC_OUTBOX_STATE_SENT
                                                           : SC_OUTBOX_STATE_PARTIAL;
  else if (g_error_matches (send_error, SC_SMTP_ERROR, SC_SMTP_ERROR_DELIVERY_UNCERTAIN))
    state = SC_OUTBOX_STATE_UNCERTAIN;
  else
    state = SC_OUTBOX_STATE_FAILED;
  keep = state == SC_OUTBOX_STATE_FAILED || state == SC_OUTBOX_STATE_UNCERTAIN;

  /* Outside the lock: the message may be large. Written before any record points at it. */
  if (keep && !g_file_test (eml, G_FILE_TEST_EXISTS))
    {
      if (sc_message_get_size (message) >= 0)
        write_eml (self, id, message, &eml_error);
      else
        g_set_error (&eml_error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_IO,
                     _("The message could not be read"));
    }

  lock = lock_acquire (self, error);
  if (lock < 0)
    return FALSE;

  if (!repair (self, error))
    goto out;

  /* The record as begin (its journal) or the outbox (a retry) has it */
  record = read_json_object (journal, NULL);
  if (record == NULL)
    record = read_json_object (sidecar, NULL);
  if (record == NULL)
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_NOT_FOUND,
                   _("The record of this message is missing"));
      goto out;
    }

  /* A retry of a message the server may already have that fails does not make it safe to
   * send: it stays uncertain. */
  if (state == SC_OUTBOX_STATE_FAILED &&
      json_object_get_boolean_member_with_default (record, "maybe_delivered", FALSE))
    state = SC_OUTBOX_STATE_UNCERTAIN;
  if (state == SC_OUTBOX_STATE_SENT || state == SC_OUTBOX_STATE_PARTIAL)
    json_object_remove_member (record, "maybe_delivered");

  json_object_remove_member (record, "pid");
  json_object_remove_member (record, "boot_id");
  json_object_set_string_member (record, "state", state_nick (state));
  record_set_now (record);
  record_set_string (record, "reply", result != NULL ? sc_send_result_get_reply (result) : NULL);
  record_set_string (record, "queue_id",
                     result != NULL ? sc_send_result_get_queue_id (result) : NULL);
  if (result != NULL && state == SC_OUTBOX_STATE_PARTIAL)
    {
      g_autofree char *reason = describe_refused (sc_send_result_get_refused (result));

      json_object_set_string_member (record, "reason", reason);
    }
  else if (send_error != NULL && eml_error != NULL)
    {
      /* Translators: the first %s is why the send failed, the second why the message could
       * not be kept for a retry. */
      g_autofree char *reason = g_strdup_printf (_("%s (The message could not be kept: %s)"),
                                                 send_error->message, eml_error->message);

      json_object_set_string_member (record, "reason", reason);
    }
  else
    record_set_string (record, "reason", send_error != NULL ? send_error->message : NULL);

  /* A message kept: its outbox entry first, then the history, then the journal goes; a
   * retry: the history first, then the outbox. A kill in between is repaired by the next open
   * from what is already there (the journal or the outbox entry says how far it got): a sent
   * one leaves the outbox, a kept one is interrupted, never lost. */
  if (keep && eml_error == NULL && !write_json_object (sidecar, record, error))
    goto out;
  if (!history_append (self, record, error))
    goto out;
  if (!keep || eml_error != NULL)
    {
      g_unlink (sidecar);
      g_unlink (eml);
    }
  g_unlink (journal);

  ok = TRUE;

out:
  lock_release (lock);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Lists                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* The reading side of both lists: repaired, under the lock (*out_lock, to release with
 * lock_release (); -1 when nothing was recorded yet: nothing is made). */
static gboolean
open_records (ScOutbox      *self,
              GCancellable  *cancellable,
              int           *out_lock,
              GError       **error)
{
  *out_lock = -1;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (!g_file_test (self->path, G_FILE_TEST_IS_DIR))
    return TRUE;

  *out_lock = lock_acquire (self, error);
  if (*out_lock < 0)
    return FALSE;
  if (!repair (self, error))
    {
      lock_release (*out_lock);
      *out_lock = -1;
      return FALSE;
    }

  return TRUE;
}

/**
 * sc_outbox_list_history:
 * @self: an #ScOutbox
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Every recorded send (at most %SC_OUTBOX_HISTORY_LIMIT), newest first; a record left
 * "sending" by a process that is gone is shown (and kept) as interrupted. Blocking.
 *
 * Returns: (transfer full): a #GListModel of #ScOutboxEntry, or %NULL
 */
GListModel *
sc_outbox_list_history (ScOutbox      *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GListStore) store = g_list_store_new (SC_TYPE_OUTBOX_ENTRY);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) journals = NULL;
  int lock;

  g_return_val_if_fail (SC_IS_OUTBOX (self), NULL);

  if (!open_records (self, cancellable, &lock, error))
    return NULL;
  if (lock < 0)
    return G_LIST_MODEL (g_steal_pointer (&store));

  records = history_read (self, NULL, error);
  journals = outbox_ids (self, SENDING_SUFFIX);
  /* The sends in flight are the newest (the repair left only those of running processes) */
  for (guint i = 0; records != NULL && i < journals->len; i++)
    {
      g_autofree char *path = entry_path (self, journals->pdata[i], SENDING_SUFFIX);
      g_autoptr(JsonObject) record = NULL;

      if (records_find (records, journals->pdata[i]) != NULL ||
          (record = read_json_object (path, NULL)) == NULL)
        continue;
      g_ptr_array_add (records, g_steal_pointer (&record));
    }
  lock_release (lock);
  if (records == NULL)
    return NULL;

  for (guint i = records->len;
       i > 0 && g_list_model_get_n_items (G_LIST_MODEL (store)) < SC_OUTBOX_HISTORY_LIMIT; i--)
    {
      g_autoptr(ScOutboxEntry) entry = entry_new (self, records->pdata[i - 1]);

      g_list_store_append (store, entry);
    }

  return G_LIST_MODEL (g_steal_pointer (&store));
}

/**
 * sc_outbox_list_outbox:
 * @self: an #ScOutbox
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The messages kept because they failed or may not have arrived, newest first. Blocking.
 *
 * Returns: (transfer full): a #GListModel of #ScOutboxEntry, or %NULL
 */
GListModel *
sc_outbox_list_outbox (ScOutbox      *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GListStore) store = g_list_store_new (SC_TYPE_OUTBOX_ENTRY);
  g_autoptr(GPtrArray) ids = NULL;
  int lock;

  g_return_val_if_fail (SC_IS_OUTBOX (self), NULL);

  if (!open_records (self, cancellable, &lock, error))
    return NULL;
  if (lock >= 0)
    ids = outbox_ids (self, ".json");
  for (guint i = ids != NULL ? ids->len : 0; i > 0; i--)
    {
      g_autofree char *path = entry_path (self, ids->pdata[i - 1], ".json");
      g_autoptr(JsonObject) record = read_json_object (path, NULL);
      g_autoptr(ScOutboxEntry) entry = NULL;

      if (record == NULL)
        continue;
      entry = entry_new (self, record);
      g_list_store_append (store, entry);
    }
  lock_release (lock);

  return G_LIST_MODEL (g_steal_pointer (&store));
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GListModel *model;

  if (GPOINTER_TO_INT (task_data))
    model = sc_outbox_list_outbox (source_object, cancellable, &error);
  else
    model = sc_outbox_list_history (source_object, cancellable, &error);

  if (model != NULL)
    g_task_return_pointer (task, model, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * sc_outbox_list_history_async:
 * @self: an #ScOutbox
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result; finish with sc_outbox_list_finish()
 * @user_data: data for @callback
 *
 * sc_outbox_list_history() on a worker thread.
 */
void
sc_outbox_list_history_async (ScOutbox            *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sc_outbox_list_history_async);
  g_task_set_task_data (task, GINT_TO_POINTER (FALSE), NULL);
  g_task_run_in_thread (task, list_thread);
}

/**
 * sc_outbox_list_outbox_async:
 * @self: an #ScOutbox
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result; finish with sc_outbox_list_finish()
 * @user_data: data for @callback
 *
 * sc_outbox_list_outbox() on a worker thread.
 */
void
sc_outbox_list_outbox_async (ScOutbox            *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sc_outbox_list_outbox_async);
  g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
  g_task_run_in_thread (task, list_thread);
}

/**
 * sc_outbox_list_finish:
 * @self: an #ScOutbox
 * @result: the result of sc_outbox_list_history_async() or sc_outbox_list_outbox_async()
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a #GListModel of #ScOutboxEntry, or %NULL
 */
GListModel *
sc_outbox_list_finish (ScOutbox      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Send and retry: prepare/mark on a worker, the session's own async send, record on a worker */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  ScSmtpSession *session;
  ScMessage     *message;
  char          *id;
  gboolean       confirm_uncertain;
  ScSendResult  *result;
  GError        *send_error;
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_object (&data->session);
  g_clear_object (&data->message);
  g_free (data->id);
  g_clear_pointer (&data->result, sc_send_result_unref);
  g_clear_error (&data->send_error);
  g_free (data);
}

/* Retry, before sending: the entry is checked and marked "sending" under the lock. */
static ScMessage *
retry_begin (ScOutbox      *self,
             const char    *id,
             gboolean       confirm_uncertain,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *sidecar = entry_path (self, id, ".json");
  g_autofree char *eml_path = entry_path (self, id, ".eml");
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GFile) eml = NULL;
  g_auto(GStrv) recipients = NULL;
  g_autoptr(ScMessage) message = NULL;
  const char *from;
  ScOutboxState state;
  int lock;

  lock = lock_acquire (self, error);
  if (lock < 0)
    return NULL;

  if (!repair (self, error))
    goto fail;

  record = read_json_object (sidecar, NULL);
  if (record == NULL || !g_file_test (eml_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_NOT_FOUND,
                   _("This message is no longer in the outbox"));
      goto fail;
    }

  state = record_state (record);
  if (state == SC_OUTBOX_STATE_SENDING)
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_BUSY,
                   _("This message is being sent right now"));
      goto fail;
    }
  if ((state == SC_OUTBOX_STATE_UNCERTAIN || state == SC_OUTBOX_STATE_INTERRUPTED) &&
      !confirm_uncertain)
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_UNCERTAIN,
                   _("The server may already have this message; it is sent again only when "
                     "you confirm it"));
      goto fail;
    }

  from = record_get_string (record, "envelope_from");
  recipients = record_get_strv (record, "envelope_recipients");
  if (from == NULL || recipients[0] == NULL)
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_IO,
                   _("The record of this message has no sender or no recipient"));
      goto fail;
    }

  if (state == SC_OUTBOX_STATE_UNCERTAIN || state == SC_OUTBOX_STATE_INTERRUPTED)
    json_object_set_boolean_member (record, "maybe_delivered", TRUE);
  record_mark_sending (record);
  json_object_set_int_member (record, "attempts",
                              json_object_get_int_member_with_default (record, "attempts", 1)
                              + 1);
  if (!write_json_object (sidecar, record, error))
    goto fail;

  lock_release (lock);

  eml = g_file_new_for_path (eml_path);
  message = sc_message_new_from_eml (eml, from, (const char * const *) recipients);

  return g_steal_pointer (&message);

fail:
  lock_release (lock);
  return NULL;
}

static void
begin_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ScOutbox *self = source_object;
  SendData *data = task_data;
  GError *error = NULL;

  if (data->message == NULL)
    {
      /* A retry */
      data->message = retry_begin (self, data->id, data->confirm_uncertain, cancellable,
                                   &error);
      if (data->message == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      /* A new send: prepared here (the session would do it anyway), so that the record has
       * its size, Message-ID and envelope. Not prepared: not sent, nothing to record. */
      if (!sc_message_prepare (data->message, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      data->id = sc_outbox_record_begin (self, data->message, cancellable, &error);
      if (data->id == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_boolean (task, TRUE);
}

static void
finish_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SendData *data = task_data;
  g_autoptr(GError) error = NULL;

  /* Not cancellable: the outcome is always recorded. A record that cannot be written is
   * a warning and does not hide the send's own outcome. */
  if (!sc_outbox_record_finish (source_object, data->id, data->message, data->result,
                                data->send_error, NULL, &error))
    g_warning ("%s", error->message);

  g_task_return_boolean (task, TRUE);
}

static void
finish_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);

  if (data->result != NULL)
    g_task_return_pointer (task, sc_send_result_ref (data->result),
                           (GDestroyNotify) sc_send_result_unref);
  else
    g_task_return_error (task, g_error_copy (data->send_error));
}

static void
session_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GTask) finish = NULL;

  data->result = sc_smtp_session_send_finish (SC_SMTP_SESSION (object), result,
                                              &data->send_error);

  finish = g_task_new (g_task_get_source_object (task), NULL, finish_done_cb,
                       g_object_ref (task));
  g_task_set_task_data (finish, data, NULL);
  g_task_run_in_thread (finish, finish_thread);
}

static void
begin_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  sc_smtp_session_send_async (data->session, data->message, g_task_get_cancellable (task),
                              session_done_cb, g_object_ref (task));
}

static void
start_send (ScOutbox            *self,
            SendData            *data,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) begin = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  /* The outcome as it is: a cancel after the final dot is "delivery uncertain", not
   * "cancelled", and a record that was begun is always finished. */
  g_task_set_check_cancellable (task, FALSE);

  begin = g_task_new (self, cancellable, begin_done_cb, task);
  g_task_set_check_cancellable (begin, FALSE);
  g_task_set_task_data (begin, data, NULL);
  g_task_run_in_thread (begin, begin_thread);
}

/**
 * sc_outbox_send_async:
 * @self: an #ScOutbox
 * @session: the session to send with (its "progress" and "transcript" signals are emitted as
 *   for sc_smtp_session_send_async())
 * @message: the message
 * @cancellable: (nullable): cancels the send (the outcome is recorded all the same)
 * @callback: called when the send is over and recorded
 * @user_data: data for @callback
 *
 * Sends @message as sc_smtp_session_send_async() does, recording it: prepared and recorded
 * as "sending" on a worker thread, sent, then its outcome recorded on a worker thread. A
 * message that failed or whose delivery is uncertain is kept in the outbox.
 */
void
sc_outbox_send_async (ScOutbox            *self,
                      ScSmtpSession       *session,
                      ScMessage           *message,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  SendData *data;

  g_return_if_fail (SC_IS_OUTBOX (self));
  g_return_if_fail (SC_IS_SMTP_SESSION (session));
  g_return_if_fail (SC_IS_MESSAGE (message));

  data = g_new0 (SendData, 1);
  data->session = g_object_ref (session);
  data->message = g_object_ref (message);

  start_send (self, data, sc_outbox_send_async, cancellable, callback, user_data);
}

/**
 * sc_outbox_send_finish:
 * @self: an #ScOutbox
 * @result: the #GAsyncResult
 * @out_id: (out) (optional) (transfer full): the record's id, when it was recorded
 * @error: return location for a #GError: the session's error, or the preparation's
 *
 * Returns: (transfer full): the send's result, or %NULL with @error set
 */
ScSendResult *
sc_outbox_send_finish (ScOutbox      *self,
                       GAsyncResult  *result,
                       char         **out_id,
                       GError       **error)
{
  SendData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (out_id != NULL)
    *out_id = g_strdup (data->id);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sc_outbox_retry_async:
 * @self: an #ScOutbox
 * @session: the session to send with
 * @id: an outbox entry's id
 * @confirm_uncertain: the user confirmed sending a message the server may already have
 *   (%SC_OUTBOX_STATE_UNCERTAIN or %SC_OUTBOX_STATE_INTERRUPTED); otherwise such an entry
 *   fails with %SC_OUTBOX_ERROR_UNCERTAIN and nothing is sent
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the retry is over and recorded
 * @user_data: data for @callback
 *
 * Sends the kept .eml again, byte for byte (the same Message-ID and Date), to its stored
 * envelope (sender and every recipient, Bcc included). Sent: the entry leaves the outbox and
 * the history shows it sent. Failed again: it stays, with the new reason.
 */
void
sc_outbox_retry_async (ScOutbox            *self,
                       ScSmtpSession       *session,
                       const char          *id,
                       gboolean             confirm_uncertain,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  SendData *data;

  g_return_if_fail (SC_IS_OUTBOX (self));
  g_return_if_fail (SC_IS_SMTP_SESSION (session));
  g_return_if_fail (id != NULL);

  if (!id_is_valid (id))
    {
      g_task_report_new_error (self, callback, user_data, sc_outbox_retry_async,
                               SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_NOT_FOUND,
                               _("This message is no longer in the outbox"));
      return;
    }

  data = g_new0 (SendData, 1);
  data->session = g_object_ref (session);
  data->id = g_strdup (id);
  data->confirm_uncertain = confirm_uncertain;

  start_send (self, data, sc_outbox_retry_async, cancellable, callback, user_data);
}

/**
 * sc_outbox_retry_finish:
 * @self: an #ScOutbox
 * @result: the #GAsyncResult
 * @error: return location for a #GError: %SC_OUTBOX_ERROR, or the session's
 *
 * Returns: (transfer full): the send's result, or %NULL with @error set
 */
ScSendResult *
sc_outbox_retry_finish (ScOutbox      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Delete                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_outbox_delete:
 * @self: an #ScOutbox
 * @id: an outbox entry's id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes the entry and its message from the outbox (the history keeps its record). An entry
 * being sent right now fails with %SC_OUTBOX_ERROR_BUSY. Blocking.
 *
 * Returns: %TRUE when it was removed
 */
gboolean
sc_outbox_delete (ScOutbox      *self,
                  const char    *id,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *sidecar = NULL;
  g_autofree char *eml = NULL;
  g_autoptr(JsonObject) record = NULL;
  gboolean ok = FALSE;
  int lock;

  g_return_val_if_fail (SC_IS_OUTBOX (self), FALSE);

  if (!id_is_valid (id))
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_NOT_FOUND,
                   _("This message is no longer in the outbox"));
      return FALSE;
    }

  sidecar = entry_path (self, id, ".json");
  eml = entry_path (self, id, ".eml");

  lock = lock_acquire (self, error);
  if (lock < 0)
    return FALSE;

  if (!repair (self, error))
    goto out;

  record = read_json_object (sidecar, NULL);
  if (record == NULL)
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_NOT_FOUND,
                   _("This message is no longer in the outbox"));
      goto out;
    }
  if (record_state (record) == SC_OUTBOX_STATE_SENDING)
    {
      g_set_error (error, SC_OUTBOX_ERROR, SC_OUTBOX_ERROR_BUSY,
                   _("This message is being sent right now"));
      goto out;
    }

  /* The record first: a kill in between leaves an .eml without record, which is harmless */
  if (g_unlink (sidecar) != 0 && errno != ENOENT)
    {
      set_io_error (error, sidecar, errno);
      goto out;
    }
  g_unlink (eml);
  ok = TRUE;

out:
  lock_release (lock);
  return ok;
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (sc_outbox_delete (source_object, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sc_outbox_delete_async:
 * @self: an #ScOutbox
 * @id: an outbox entry's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * sc_outbox_delete() on a worker thread.
 */
void
sc_outbox_delete_async (ScOutbox            *self,
                        const char          *id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sc_outbox_delete_async);
  g_task_set_task_data (task, g_strdup (id), g_free);
  g_task_run_in_thread (task, delete_thread);
}

/**
 * sc_outbox_delete_finish:
 * @self: an #ScOutbox
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the entry was removed
 */
gboolean
sc_outbox_delete_finish (ScOutbox      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* sc-password-buffer.c — a text buffer that keeps a password from accessibility clients
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8 answers an accessibility client's GetText on a GtkText with gtk_editable_get_text (),
 * also when the text is invisible (a password): any AT-SPI client reads the password in clear.
 * (Newer GTK answers with the invisible characters.) This buffer works around it: the text GTK
 * sees, and so hands out, is one '●' per character; the password itself is only in its
 * "password" property, which the Account dialog binds to the settings model. While the user
 * has the password shown on screen ("reveal"), the text is the password.
 */

#define G_LOG_DOMAIN "sc-password-buffer"

#include "config.h"

#include "sc-password-buffer.h"

#include <string.h>

#define MASK_CHAR "\u25cf"

struct _ScPasswordBuffer
{
  GtkEntryBuffer  parent_instance;

  GString        *password;  /* what was typed */
  GString        *shown;     /* what GTK sees: the mask, or the password while revealed */
  guint           n_chars;
  gboolean        reveal;
};

G_DEFINE_FINAL_TYPE (ScPasswordBuffer, sc_password_buffer, GTK_TYPE_ENTRY_BUFFER)

enum
{
  PROP_0,
  PROP_PASSWORD,
  PROP_REVEAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Empties @string, overwriting what it held first. */
static void
wipe (GString *string)
{
  memset (string->str, 0, string->allocated_len);
  g_string_truncate (string, 0);
}

static void
update_shown (ScPasswordBuffer *self)
{
  wipe (self->shown);
  if (self->reveal)
    g_string_append_len (self->shown, self->password->str, self->password->len);
  else
    for (guint i = 0; i < self->n_chars; i++)
      g_string_append (self->shown, MASK_CHAR);
}

/* ------------------------------------------------------------------------------------------ */
/* GtkEntryBuffer                                                                             */
/* ------------------------------------------------------------------------------------------ */

static const char *
sc_password_buffer_get_text (GtkEntryBuffer *buffer,
                             gsize          *n_bytes)
{
  ScPasswordBuffer *self = SC_PASSWORD_BUFFER (buffer);

  if (n_bytes != NULL)
    *n_bytes = self->shown->len;
  return self->shown->str;
}

static guint
sc_password_buffer_get_length (GtkEntryBuffer *buffer)
{
  return SC_PASSWORD_BUFFER (buffer)->n_chars;
}

static guint
sc_password_buffer_insert_text (GtkEntryBuffer *buffer,
                                guint           position,
                                const char     *chars,
                                guint           n_chars)
{
  ScPasswordBuffer *self = SC_PASSWORD_BUFFER (buffer);
  const char *end = g_utf8_offset_to_pointer (chars, n_chars);
  gsize at;

  position = MIN (position, self->n_chars);
  at = g_utf8_offset_to_pointer (self->password->str, position) - self->password->str;
  g_string_insert_len (self->password, at, chars, end - chars);
  self->n_chars += n_chars;
  update_shown (self);

  gtk_entry_buffer_emit_inserted_text (buffer, position, chars, n_chars);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSWORD]);

  return n_chars;
}

/* As GtkEntryBuffer does in GTK 4.8, the text goes in the class handler of "deleted-text", so
 * that the handlers run before it still see it (GtkEntryBuffer's own handler would delete from
 * its own storage, which this buffer does not use). */
static guint
sc_password_buffer_delete_text (GtkEntryBuffer *buffer,
                                guint           position,
                                guint           n_chars)
{
  ScPasswordBuffer *self = SC_PASSWORD_BUFFER (buffer);

  position = MIN (position, self->n_chars);
  n_chars = MIN (n_chars, self->n_chars - position);
  if (n_chars > 0)
    gtk_entry_buffer_emit_deleted_text (buffer, position, n_chars);

  return n_chars;
}

static void
sc_password_buffer_deleted_text (GtkEntryBuffer *buffer,
                                 guint           position,
                                 guint           n_chars)
{
  ScPasswordBuffer *self = SC_PASSWORD_BUFFER (buffer);
  char *start = g_utf8_offset_to_pointer (self->password->str, position);
  char *end = g_utf8_offset_to_pointer (start, n_chars);
  gsize rest = self->password->str + self->password->len - end;

  memmove (start, end, rest);
  memset (start + rest, 0, end - start);
  g_string_truncate (self->password, (start - self->password->str) + rest);
  self->n_chars -= n_chars;
  update_shown (self);

  g_object_notify (G_OBJECT (buffer), "text");
  g_object_notify (G_OBJECT (buffer), "length");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSWORD]);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_password_buffer_finalize (GObject *object)
{
  ScPasswordBuffer *self = SC_PASSWORD_BUFFER (object);

  wipe (self->password);
  wipe (self->shown);
  g_string_free (self->password, TRUE);
  g_string_free (self->shown, TRUE);

  G_OBJECT_CLASS (sc_password_buffer_parent_class)->finalize (object);
}

static void
sc_password_buffer_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ScPasswordBuffer *self = SC_PASSWORD_BUFFER (object);

  switch (prop_id)
    {
    case PROP_PASSWORD:
      g_value_set_string (value, self->password->str);
      break;
    case PROP_REVEAL:
      g_value_set_boolean (value, self->reveal);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_password_buffer_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ScPasswordBuffer *self = SC_PASSWORD_BUFFER (object);
  const char *password;

  switch (prop_id)
    {
    case PROP_PASSWORD:
      password = g_value_get_string (value);
      if (g_strcmp0 (password != NULL ? password : "", self->password->str) != 0)
        gtk_entry_buffer_set_text (GTK_ENTRY_BUFFER (self), password != NULL ? password : "",
                                   -1);
      break;
    case PROP_REVEAL:
      if (self->reveal != g_value_get_boolean (value))
        {
          self->reveal = g_value_get_boolean (value);
          update_shown (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_password_buffer_class_init (ScPasswordBufferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkEntryBufferClass *buffer_class = GTK_ENTRY_BUFFER_CLASS (klass);

  object_class->finalize = sc_password_buffer_finalize;
  object_class->get_property = sc_password_buffer_get_property;
  object_class->set_property = sc_password_buffer_set_property;

  buffer_class->get_text = sc_password_buffer_get_text;
  buffer_class->get_length = sc_password_buffer_get_length;
  buffer_class->insert_text = sc_password_buffer_insert_text;
  buffer_class->delete_text = sc_password_buffer_delete_text;
  buffer_class->deleted_text = sc_password_buffer_deleted_text;

  /**
   * ScPasswordBuffer:password:
   *
   * The text typed. Setting it replaces the buffer's text.
   */
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ScPasswordBuffer:reveal:
   *
   * Whether the buffer's text is the password itself, rather than its mask.
   */
  properties[PROP_REVEAL] =
    g_param_spec_boolean ("reveal", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_password_buffer_init (ScPasswordBuffer *self)
{
  self->password = g_string_new (NULL);
  self->shown = g_string_new (NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_password_buffer_attach:
 * @row: an #AdwPasswordEntryRow
 *
 * Puts a new password buffer under @row's text, revealed while the row shows the password.
 *
 * Returns: (transfer none): the buffer, kept by @row's text
 */
ScPasswordBuffer *
sc_password_buffer_attach (GtkWidget *row)
{
  g_autoptr(GtkEntryBuffer) buffer = g_object_new (SC_TYPE_PASSWORD_BUFFER, NULL);
  GtkEditable *text;

  g_return_val_if_fail (GTK_IS_EDITABLE (row), NULL);

  text = gtk_editable_get_delegate (GTK_EDITABLE (row));
  g_return_val_if_fail (GTK_IS_TEXT (text), NULL);

  gtk_text_set_buffer (GTK_TEXT (text), buffer);
  g_object_bind_property (text, "visibility", buffer, "reveal", G_BINDING_SYNC_CREATE);

  return SC_PASSWORD_BUFFER (buffer);
}

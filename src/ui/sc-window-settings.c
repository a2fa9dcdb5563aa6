/* sc-window-settings.c — the composer window and its settings model: bindings, load, save
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each field is bound to a property of the ScSettings model (g_object_bind_property, with
 * transforms for the text and the port), the recipient rows map to its "recipients" list, and
 * the body is the message file. Nothing is copied by hand.
 */

#define G_LOG_DOMAIN "sc-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sc-body.h"
#include "sc-error.h"
#include "sc-recipient-row.h"
#include "sc-settings-store.h"
#include "sc-ui-util.h"
#include "sc-window-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static gboolean
parse_port (const char  *text,
            guint       *out_port,
            GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (stripped, 10, 1, 65535, &value, NULL))
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                   _("Port “%s” is not a number from 1 to 65535"), stripped);
      return FALSE;
    }

  *out_port = (guint) value;
  return TRUE;
}

/* The non-empty addresses of the recipient rows, in order. */
static GStrv
collect_recipients (ScWindow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->recipient_rows->len; i++)
    {
      g_autofree char *address = sc_recipient_row_dup_address (self->recipient_rows->pdata[i]);

      if (address[0] != '\0')
        g_strv_builder_add (builder, address);
    }

  return g_strv_builder_end (builder);
}

static gboolean
same_recipients (const char * const *a,
                 const char * const *b)
{
  static const char * const none[] = { NULL };

  return g_strv_equal (a != NULL ? a : none, b != NULL ? b : none);
}

/* ------------------------------------------------------------------------------------------ */
/* Binding transforms                                                                         */
/* ------------------------------------------------------------------------------------------ */

static gboolean
string_to_text (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_string (to, text != NULL ? text : "");
  return TRUE;
}

static gboolean
text_to_stripped (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  g_value_take_string (to, g_strstrip (g_value_dup_string (from)));
  return TRUE;
}

static gboolean
port_to_text (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  guint port = g_value_get_uint (from);

  g_value_take_string (to, port > 0 ? g_strdup_printf ("%u", port) : g_strdup (""));
  return TRUE;
}

/* Text that is not a port leaves the model as it is; the field says why (port_changed_cb). */
static gboolean
text_to_port (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  guint port = 0;

  if (!parse_port (g_value_get_string (from), &port, NULL))
    return FALSE;

  g_value_set_uint (to, port);
  return TRUE;
}

/* The fields, in the order of the window, each bound to the property of the model named by
 * its key, which sc_settings_validate_key () checks on Save and Send. The security combo lists
 * TLS, STARTTLS and None: its position is the ScSecurity value. */
static const struct
{
  gsize                  offset;
  const char            *key;
  const char            *field_property;
  GBindingTransformFunc  to_field;
  GBindingTransformFunc  to_model;
} fields[] = {
  { G_STRUCT_OFFSET (ScWindow, subject_row), "subject", "text", string_to_text, NULL },
  { G_STRUCT_OFFSET (ScWindow, host_row), "smtp-host", "text", string_to_text, text_to_stripped },
  { G_STRUCT_OFFSET (ScWindow, port_row), "smtp-port", "text", port_to_text, text_to_port },
  { G_STRUCT_OFFSET (ScWindow, security_row), "security", "selected", NULL, NULL },
  { G_STRUCT_OFFSET (ScWindow, login_row), "login", "text", string_to_text, text_to_stripped },
  { G_STRUCT_OFFSET (ScWindow, password_row), "password", "text", string_to_text, NULL },
};

G_STATIC_ASSERT (SC_SECURITY_TLS == 0 && SC_SECURITY_STARTTLS == 1 && SC_SECURITY_NONE == 2);

#define FIELD(self, i) (*(GtkWidget **) G_STRUCT_MEMBER_P ((self), fields[i].offset))

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* The settings and the body are read (or could not be): the user may edit and save. */
static void
finish_loading (ScWindow *self)
{
  gtk_text_view_set_editable (self->body_view, TRUE);
  _sc_window_update_state (self);
}

static void
load_body_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = sc_body_load_finish (result, &error);
  GtkTextBuffer *buffer;

  self->pending--;
  _sc_window_update_state (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_cancellable_is_cancelled (self->cancellable))
    return;

  /* A message file that does not exist yet is written on Save; one that could not be read
   * is never overwritten. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    self->body_readable = TRUE;
  else if (text == NULL)
    _sc_window_set_status (self, error->message, TRUE);
  else
    {
      buffer = gtk_text_view_get_buffer (self->body_view);
      gtk_text_buffer_set_text (buffer, text, -1);
      self->body_readable = TRUE;
      self->body_modified = FALSE;
    }

  finish_loading (self);
}

static void
load_body (ScWindow *self)
{
  g_autoptr(GFile) file = sc_settings_get_message_file (self->settings);

  if (file == NULL)
    {
      self->body_readable = TRUE;
      finish_loading (self);
      return;
    }

  self->pending++;
  _sc_window_update_state (self);
  sc_body_load_async (file, self->cancellable, load_body_cb, g_object_ref (self));
}

static void
load_settings_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  sc_settings_store_load_finish (SC_SETTINGS_STORE (object), result, &error);
  self->pending--;
  _sc_window_update_state (self);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  /* What could be read is in the model, whatever went wrong elsewhere. */
  if (error != NULL)
    _sc_window_set_status (self, error->message, TRUE);

  load_body (self);
  _sc_window_list_attachment_folder (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Saving                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void
save_finished (ScWindow     *self,
               const GError *error)
{
  self->saving = FALSE;
  _sc_window_update_state (self);

  if (error != NULL)
    {
      self->close_after_save = FALSE;
      _sc_window_set_status (self, error->message, TRUE);
      return;
    }

  _sc_window_set_status (self, _("Saved"), FALSE);
  if (self->close_after_save)
    _sc_window_close_later (self, TRUE);
}

static void
save_body_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  g_file_replace_contents_finish (G_FILE (object), result, NULL, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (error != NULL)
    {
      g_autofree char *shown = g_file_get_parse_name (G_FILE (object));

      /* Translators: %s is a file name; an error message follows */
      g_prefix_error (&error, _("Settings saved, but cannot write the message file %s: "), shown);
    }
  else
    self->body_modified = FALSE;

  save_finished (self, error);
}

/* The settings are saved: now the message file, if there is one to write. */
static void
save_body (ScWindow *self)
{
  g_autoptr(GFile) file = sc_settings_get_message_file (self->settings);
  g_autoptr(GError) error = NULL;
  char *text;

  if (file != NULL && !self->body_readable && self->body_modified)
    {
      g_autofree char *shown = g_file_get_parse_name (file);

      /* Never overwrite a message file that could not be read into the editor, but never
       * claim that what the user typed was saved either: the window stays unsaved. */
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                           /* Translators: %s is a file name */
                           _("Settings saved, but not the message: the message file %s "
                             "could not be read, so it was not overwritten"),
                           shown);
      save_finished (self, error);
      return;
    }

  if (file == NULL || !self->body_readable)
    {
      save_finished (self, NULL);
      return;
    }

  text = _sc_window_dup_body (self);
  g_file_replace_contents_bytes_async (file, g_bytes_new_take (text, strlen (text)), NULL, FALSE,
                                       G_FILE_CREATE_NONE, self->cancellable, save_body_cb,
                                       g_object_ref (self));
}

static void
save_settings_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  sc_settings_store_save_finish (SC_SETTINGS_STORE (object), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (error != NULL)
    save_finished (self, error);
  else
    save_body (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Callbacks                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* The model's list changed (a load): show it, unless the rows already do. */
static void
settings_recipients_cb (ScWindow   *self,
                        GParamSpec *pspec,
                        ScSettings *settings)
{
  g_auto(GStrv) shown = collect_recipients (self);
  const char * const *recipients = sc_settings_get_recipients (settings);

  g_assert (SC_IS_WINDOW (self));

  if (same_recipients (recipients, (const char * const *) shown))
    return;

  while (self->recipient_rows->len > 0)
    {
      GtkWidget *row = g_ptr_array_steal_index (self->recipient_rows,
                                                self->recipient_rows->len - 1);

      adw_preferences_group_remove (self->recipients_group, row);
    }

  for (guint i = 0; recipients != NULL && recipients[i] != NULL; i++)
    _sc_window_add_recipient (self, recipients[i]);
  if (self->recipient_rows->len == 0)
    _sc_window_add_recipient (self, "");
}

/* The rows' list changed (the user typed or removed one): put it into the model. */
static void
recipients_changed_cb (ScWindow *self)
{
  g_auto(GStrv) recipients = collect_recipients (self);

  g_assert (SC_IS_WINDOW (self));

  if (!same_recipients (sc_settings_get_recipients (self->settings),
                        (const char * const *) recipients))
    g_object_set (self->settings, "recipients", recipients, NULL);
}

static void
recipient_remove_cb (ScWindow       *self,
                     ScRecipientRow *row)
{
  g_assert (SC_IS_WINDOW (self));

  if (g_ptr_array_remove (self->recipient_rows, row))
    adw_preferences_group_remove (self->recipients_group, GTK_WIDGET (row));
  recipients_changed_cb (self);
}

/* A field was edited: it is not wrong any more (until Save or Send checks it again). */
static void
clear_error_cb (GtkWidget *field)
{
  _sc_widget_show_error (field, NULL);
}

static void
port_changed_cb (GtkEditable *editable)
{
  g_autoptr(GError) error = NULL;
  guint port = 0;

  parse_port (gtk_editable_get_text (editable), &port, &error);
  _sc_widget_show_error (GTK_WIDGET (editable), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Private API (sc-window-private.h)                                                          */
/* ------------------------------------------------------------------------------------------ */

/* Binds each field to its key of the model, then loads the settings into it. */
void
_sc_window_bind_settings (ScWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_object_bind_property_full (self->settings, fields[i].key, FIELD (self, i),
                                 fields[i].field_property,
                                 G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                                 fields[i].to_field, fields[i].to_model, NULL, NULL);

  g_signal_connect_object (self->settings, "notify::recipients",
                           G_CALLBACK (settings_recipients_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "notify::attachment-folder-path",
                           G_CALLBACK (_sc_window_list_attachment_folder), self,
                           G_CONNECT_SWAPPED);
  _sc_window_bind_attachments (self);
  g_signal_connect_object (self->settings, "notify::modified",
                           G_CALLBACK (_sc_window_update_state), self, G_CONNECT_SWAPPED);
  settings_recipients_cb (self, NULL, self->settings);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (FIELD (self, i) != GTK_WIDGET (self->port_row) && GTK_IS_EDITABLE (FIELD (self, i)))
      g_signal_connect (FIELD (self, i), "changed", G_CALLBACK (clear_error_cb), NULL);
  g_signal_connect (self->port_row, "changed", G_CALLBACK (port_changed_cb), NULL);
  g_signal_connect (self->security_row, "notify::selected", G_CALLBACK (clear_error_cb), NULL);

  /* The store fills the model on this thread, once it has read the files on a worker. What
   * the user typed in the body before the file arrives would be replaced by it: wait. */
  gtk_text_view_set_editable (self->body_view, FALSE);
  self->pending++;
  _sc_window_update_state (self);
  sc_settings_store_load_async (self->store, self->cancellable, load_settings_cb,
                                g_object_ref (self));
}

/* Checks each field with the engine's rules and marks those that are wrong; @error gets the
 * first problem. */
gboolean
_sc_window_validate (ScWindow  *self,
                     GError   **error)
{
  g_autoptr(GError) first_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(GError) local_error = NULL;
      GtkWidget *field = FIELD (self, i);
      guint port = 0;

      if (field == GTK_WIDGET (self->port_row))
        parse_port (gtk_editable_get_text (GTK_EDITABLE (field)), &port, &local_error);
      if (local_error == NULL)
        sc_settings_validate_key (self->settings, fields[i].key, &local_error);

      _sc_widget_show_error (field, local_error);
      if (local_error != NULL && first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }

  for (guint i = 0; i < self->recipient_rows->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *address = sc_recipient_row_dup_address (self->recipient_rows->pdata[i]);

      if (address[0] != '\0'
          && !sc_recipient_row_validate (self->recipient_rows->pdata[i], &local_error)
          && first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }

  if (first_error == NULL)
    sc_settings_validate (self->settings, &first_error);

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

GtkWidget *
_sc_window_add_recipient (ScWindow   *self,
                          const char *address)
{
  GtkWidget *row = sc_recipient_row_new (address);

  g_signal_connect_object (row, "changed", G_CALLBACK (recipients_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "remove", G_CALLBACK (recipient_remove_cb), self,
                           G_CONNECT_SWAPPED);
  g_ptr_array_add (self->recipient_rows, row);
  adw_preferences_group_add (self->recipients_group, row);

  return row;
}

/* Checks the fields, then writes the settings and the message file, off the main thread. */
void
_sc_window_save (ScWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->saving || self->send_cancellable != NULL)
    return;

  /* Saving a model that is still being filled (the body is read-only until it is) would write
   * half of it. Without a settings folder the window works on the current folder: never write
   * there. */
  if (!_sc_window_validate (self, &error))
    g_prefix_error (&error, _("Not saved: "));
  else if (!gtk_text_view_get_editable (self->body_view))
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PENDING,
                                 _("Not saved: the settings and the message are still being "
                                   "read"));
  else if (self->no_settings_dir != NULL)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         /* Translators: %s says why there is no settings folder */
                         _("Not saved: %s"), self->no_settings_dir);

  if (error != NULL)
    {
      save_finished (self, error);
      return;
    }

  self->saving = TRUE;
  _sc_window_update_state (self);
  _sc_window_set_status (self, _("Saving…"), FALSE);
  sc_settings_store_save_async (self->store, self->cancellable, save_settings_cb,
                                g_object_ref (self));
}

/* sc-window-settings.c — the composer window and its settings model: bindings, load, save
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each field is bound to a property of the ScSettings model: Subject with
 * g_object_bind_property, To, Cc and Bcc to its lists through the engine's address parser, the
 * From row shows the account, and the body is the message file.
 */

#define G_LOG_DOMAIN "sc-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sc-body.h"
#include "sc-error.h"
#include "sc-address.h"
#include "sc-settings-store.h"
#include "sc-ui-util.h"
#include "sc-window-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Binding transforms                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------------------------ */
/* The address fields: To, Cc and Bcc                                                         */
/* ------------------------------------------------------------------------------------------ */

/* Each field is a list of addresses as the user types or pastes it ("a, b; c"), split and
 * checked by the engine (sc_address_list_parse), bound to a list of the model. Text that does
 * not parse leaves the model as it is, and the field says why, in a line below it. */
static const struct
{
  gsize       row_offset;
  gsize       error_row_offset;
  gsize       error_label_offset;
  const char *key;
} address_fields[] = {
  { G_STRUCT_OFFSET (ScWindow, to_row), G_STRUCT_OFFSET (ScWindow, to_error_row),
    G_STRUCT_OFFSET (ScWindow, to_error_label), "recipients" },
  { G_STRUCT_OFFSET (ScWindow, cc_row), G_STRUCT_OFFSET (ScWindow, cc_error_row),
    G_STRUCT_OFFSET (ScWindow, cc_error_label), "cc-recipients" },
  { G_STRUCT_OFFSET (ScWindow, bcc_row), G_STRUCT_OFFSET (ScWindow, bcc_error_row),
    G_STRUCT_OFFSET (ScWindow, bcc_error_label), "bcc-recipients" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (address_fields) == G_N_ELEMENTS (((ScWindow *) NULL)->address_errors));

#define ADDRESS_MEMBER(self, i, member) \
  (*(GtkWidget **) G_STRUCT_MEMBER_P ((self), address_fields[i].member))

static gboolean
same_list (const char * const *a,
           const char * const *b)
{
  static const char * const none[] = { NULL };

  return g_strv_equal (a != NULL ? a : none, b != NULL ? b : none);
}

static GStrv
model_list (ScWindow *self,
            guint     i)
{
  GStrv list = NULL;

  g_object_get (self->settings, address_fields[i].key, &list, NULL);
  return list;
}

/* Shows what is wrong with the address field @i under it, as text, or hides the line. */
static void
show_address_error (ScWindow *self,
                    guint     i,
                    GError   *error)
{
  GtkWidget *field = ADDRESS_MEMBER (self, i, row_offset);
  GtkWidget *error_row = ADDRESS_MEMBER (self, i, error_row_offset);
  GtkWidget *label = ADDRESS_MEMBER (self, i, error_label_offset);

  g_clear_error (&self->address_errors[i]);
  self->address_errors[i] = error;

  if (error != NULL)
    {
      gtk_label_set_text (GTK_LABEL (label), error->message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, error->message,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (field),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID);
    }
  _sc_widget_show_error (field, error);
  /* Under a hidden Cc or Bcc field, the line hides with it (Save and Send show the fields). */
  gtk_widget_set_visible (error_row, error != NULL && gtk_widget_get_visible (field));
}

/* Cc and Bcc were shown or hidden: so are the lines that say what is wrong with them. */
static void
cc_bcc_toggled_cb (ScWindow *self)
{
  for (guint i = 1; i < G_N_ELEMENTS (address_fields); i++)
    gtk_widget_set_visible (ADDRESS_MEMBER (self, i, error_row_offset),
                            self->address_errors[i] != NULL
                            && gtk_toggle_button_get_active (self->cc_bcc_button));
}

/* The user typed in an address field: put what it says into the model. */
static void
address_changed_cb (ScWindow    *self,
                    GtkEditable *editable)
{
  GError *error = NULL;
  g_auto(GStrv) parsed = NULL;
  g_auto(GStrv) current = NULL;

  g_assert (SC_IS_WINDOW (self));

  /* Setting the text from the model deletes, then inserts: the empty text in between is not
   * the user's. */
  if (self->showing_addresses)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (address_fields); i++)
    {
      if (ADDRESS_MEMBER (self, i, row_offset) != GTK_WIDGET (editable))
        continue;

      parsed = sc_address_list_parse (gtk_editable_get_text (editable), &error);
      show_address_error (self, i, error);
      if (parsed == NULL)
        return;

      current = model_list (self, i);
      if (!same_list ((const char * const *) current, (const char * const *) parsed))
        g_object_set (self->settings, address_fields[i].key, parsed, NULL);
      return;
    }
}

/* The model's list changed (a load, or a test): show it, unless the field already does. */
static void
settings_addresses_cb (ScWindow   *self,
                       GParamSpec *pspec,
                       ScSettings *settings)
{
  g_assert (SC_IS_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (address_fields); i++)
    {
      GtkEditable *field = GTK_EDITABLE (ADDRESS_MEMBER (self, i, row_offset));
      g_auto(GStrv) list = model_list (self, i);
      g_auto(GStrv) shown = NULL;
      g_autofree char *text = NULL;

      if (pspec != NULL && !g_str_equal (pspec->name, address_fields[i].key))
        continue;

      shown = sc_address_list_parse (gtk_editable_get_text (field), NULL);
      if (shown != NULL && same_list ((const char * const *) shown, (const char * const *) list))
        continue;

      text = list != NULL ? g_strjoinv (", ", list) : g_strdup ("");
      self->showing_addresses = TRUE;
      gtk_editable_set_text (field, text);
      self->showing_addresses = FALSE;
      show_address_error (self, i, NULL);

      /* Cc and Bcc that hold something are shown. */
      if (i > 0 && list != NULL && list[0] != NULL)
        gtk_toggle_button_set_active (self->cc_bcc_button, TRUE);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The From row: the account, which the Account dialog edits                                  */
/* ------------------------------------------------------------------------------------------ */

static const char * const account_keys[] = {
  "smtp-host", "smtp-port", "security", "ca-file", "timeout-seconds", "login", "password",
};

static void
update_from_row (ScWindow *self)
{
  const char *login = sc_settings_get_login (self->settings);
  const char *host = sc_settings_get_smtp_host (self->settings);
  g_autofree char *server = NULL;
  g_autofree char *name = NULL;
  const char *security;

  switch (sc_settings_get_security (self->settings))
    {
    case SC_SECURITY_TLS:
      /* Translators: the security of the connection, in the From row */
      security = _("TLS");
      break;
    case SC_SECURITY_STARTTLS:
      /* Translators: the security of the connection, in the From row */
      security = _("STARTTLS");
      break;
    case SC_SECURITY_NONE:
    default:
      /* Translators: the security of the connection, in the From row */
      security = _("no encryption");
      break;
    }

  if (login == NULL || login[0] == '\0')
    login = _("No login set");
  if (host == NULL || host[0] == '\0')
    server = g_strdup (_("No server set"));
  else
    /* Translators: the server in the From row: host, port and security, e.g.
     * "smtp.example.com:465 · TLS" */
    server = g_strdup_printf (_("%s:%u · %s"), host, sc_settings_get_smtp_port (self->settings),
                              security);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->from_row), login);
  adw_action_row_set_subtitle (self->from_row, server);

  /* Translators: the From row to screen readers: the login, then the server */
  name = g_strdup_printf (_("From %s"), login);
  /* The row is labelled by its title too, which would say the login twice. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->from_row),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->from_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, server,
                                  -1);
}

/* An edit of the account clears the From row's error and gives it back its tooltip. */
static void
settings_account_cb (ScWindow   *self,
                     GParamSpec *pspec,
                     ScSettings *settings)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->from_row), "error");
  _sc_widget_set_tooltip (GTK_WIDGET (self->from_row),
                          _("Edit the account: server, login and password"));
  update_from_row (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* The settings and the body are read (or could not be): the user may edit and save. */
static void
finish_loading (ScWindow *self)
{
  gtk_text_view_set_editable (self->body_view, TRUE);
  _sc_window_update_state (self);
  _sc_window_focus_first_empty (self);
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
  g_autoptr(GFile) unreadable = NULL;
  const char * const *warnings = sc_settings_store_get_warnings (SC_SETTINGS_STORE (object));

  sc_settings_store_load_finish (SC_SETTINGS_STORE (object), result, &error);
  self->pending--;
  _sc_window_update_state (self);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  /* What could be read is in the model, whatever went wrong elsewhere. A file that does not
   * parse is offered to be fixed in a text editor, then reloaded. */
  unreadable = sc_settings_store_dup_unreadable_file (self->store);
  if (error != NULL && unreadable != NULL)
    _sc_window_show_unreadable (self, error, unreadable);
  else if (error != NULL)
    _sc_window_show_error (self, error, NULL);
  else if (warnings[0] != NULL)
    _sc_window_set_status (self, warnings[0], TRUE);
  else if (self->setup_offered)
    _sc_window_set_status (self, _("Settings read again"), FALSE);

  /* First run: the settings still name the example server. */
  if (!self->setup_offered && sc_settings_uses_example_server (self->settings))
    {
      self->setup_offered = TRUE;
      _sc_window_open_account (self, TRUE);
    }
  self->setup_offered = TRUE;

  /* A reload keeps what was typed in the body. */
  if (!self->body_modified)
    load_body (self);
  else
    finish_loading (self);
  _sc_window_list_attachment_folder (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Saving                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void
save_finished (ScWindow     *self,
               const GError *error)
{
  const char * const *warnings;

  self->saving = FALSE;
  _sc_window_update_state (self);

  if (error != NULL)
    {
      self->close_after_save = FALSE;
      _sc_window_set_status (self, error->message, TRUE);
      return;
    }

  /* Saved, but not as asked: e.g. the password in the file, for want of a keyring. */
  warnings = sc_settings_store_get_warnings (self->store);
  if (warnings[0] != NULL)
    _sc_window_set_status (self, warnings[0], TRUE);
  else
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

/* A field was edited: it is not wrong any more (until Save or Send checks it again). */
static void
clear_error_cb (GtkWidget *field)
{
  _sc_widget_show_error (field, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Private API (sc-window-private.h)                                                          */
/* ------------------------------------------------------------------------------------------ */

/* Binds each field to its key of the model, then loads the settings into it. */
void
_sc_window_bind_settings (ScWindow *self)
{
  g_object_bind_property_full (self->settings, "subject", self->subject_row, "text",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               _sc_transform_string_to_text, NULL, NULL, NULL);
  g_signal_connect (self->subject_row, "changed", G_CALLBACK (clear_error_cb), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (address_fields); i++)
    {
      g_autofree char *signal = g_strconcat ("notify::", address_fields[i].key, NULL);

      g_signal_connect_object (self->settings, signal, G_CALLBACK (settings_addresses_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (ADDRESS_MEMBER (self, i, row_offset), "changed",
                               G_CALLBACK (address_changed_cb), self, G_CONNECT_SWAPPED);
    }
  settings_addresses_cb (self, NULL, self->settings);
  g_signal_connect_object (self->cc_bcc_button, "notify::active", G_CALLBACK (cc_bcc_toggled_cb),
                           self, G_CONNECT_SWAPPED);

  for (guint i = 0; i < G_N_ELEMENTS (account_keys); i++)
    {
      g_autofree char *signal = g_strconcat ("notify::", account_keys[i], NULL);

      g_signal_connect_object (self->settings, signal, G_CALLBACK (settings_account_cb), self,
                               G_CONNECT_SWAPPED);
    }
  update_from_row (self);

  g_signal_connect_object (self->settings, "notify::attachment-folder-path",
                           G_CALLBACK (_sc_window_list_attachment_folder), self,
                           G_CONNECT_SWAPPED);
  _sc_window_bind_attachments (self);
  g_signal_connect_object (self->settings, "notify::modified",
                           G_CALLBACK (_sc_window_update_state), self, G_CONNECT_SWAPPED);

  _sc_window_load (self, FALSE);
}

/* Reads the settings into the model, then the body and the attachment folder. @reload: only
 * the files that could not be read before (fixed meanwhile); the user's edits stay. */
void
_sc_window_load (ScWindow *self,
                 gboolean  reload)
{
  /* The store fills the model on this thread, once it has read the files on a worker. What
   * the user typed in the body before the file arrives would be replaced by it: wait. */
  gtk_text_view_set_editable (self->body_view, FALSE);
  self->pending++;
  _sc_window_update_state (self);
  if (reload)
    sc_settings_store_reload_async (self->store, self->cancellable, load_settings_cb,
                                    g_object_ref (self));
  else
    sc_settings_store_load_async (self->store, self->cancellable, load_settings_cb,
                                  g_object_ref (self));
}

/* Checks each field with the engine's rules and marks those that are wrong; @error gets the
 * first problem. The account's keys are edited in the Account dialog: the From row is marked
 * for them. */
gboolean
_sc_window_validate (ScWindow  *self,
                     GError   **error)
{
  g_autoptr(GError) first_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (address_fields); i++)
    if (self->address_errors[i] != NULL && first_error == NULL)
      {
        first_error = g_error_copy (self->address_errors[i]);
        if (i > 0)
          gtk_toggle_button_set_active (self->cc_bcc_button, TRUE);
      }

  /* Then the engine's rules, in one place; the field of the first wrong key is marked (the
   * From row for the account's). */
  if (first_error == NULL && !sc_settings_validate (self->settings, &first_error))
    _sc_window_mark_field (self,
                           sc_field_for_settings_key (sc_settings_error_get_key (first_error)),
                           first_error);

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

/* After a load, the focus goes to the first field that is empty: To, Subject, else the body. */
void
_sc_window_focus_first_empty (ScWindow *self)
{
  GtkWidget *target;

  if (self->focus_set)
    return;
  self->focus_set = TRUE;

  if (gtk_editable_get_text (GTK_EDITABLE (self->to_row))[0] == '\0')
    target = GTK_WIDGET (self->to_row);
  else if (gtk_editable_get_text (GTK_EDITABLE (self->subject_row))[0] == '\0')
    target = GTK_WIDGET (self->subject_row);
  else
    target = GTK_WIDGET (self->body_view);

  gtk_widget_grab_focus (target);
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
   * there. A settings file that could not be read is never overwritten. */
  if (!sc_settings_store_check_writable (self->store, &error))
    ;
  else if (!_sc_window_validate (self, &error))
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

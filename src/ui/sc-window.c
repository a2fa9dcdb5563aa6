/* sc-window.c — the composer window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-window"

#include "config.h"

#include "sc-window.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sc-address.h"
#include "sc-error.h"
#include "sc-message.h"
#include "sc-smtp-session.h"
#include "sc-ui-resources.h"
#include "sc-window-private.h"

G_DEFINE_FINAL_TYPE (ScWindow, sc_window, ADW_TYPE_APPLICATION_WINDOW)

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_attachment_entry_free (ScAttachmentEntry *entry)
{
  g_clear_object (&entry->file);
  g_free (entry);
}

static void
set_status (ScWindow   *self,
            const char *text,
            gboolean    is_error)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
update_title (ScWindow *self)
{
  g_autofree char *dir = NULL;

  if (self->dirty)
    {
      /* Translators: the window title when there are unsaved changes */
      gtk_window_set_title (GTK_WINDOW (self), _("• SMTP Client"));
      adw_window_title_set_subtitle (self->window_title, _("Unsaved changes"));
      return;
    }

  gtk_window_set_title (GTK_WINDOW (self), _("SMTP Client"));
  if (self->settings_dir != NULL)
    dir = g_file_get_parse_name (self->settings_dir);
  adw_window_title_set_subtitle (self->window_title, dir != NULL ? dir : "");
}

static void
set_dirty (ScWindow *self,
           gboolean  dirty)
{
  if (self->filling > 0 && dirty)
    return;

  dirty = !!dirty;
  if (self->dirty == dirty)
    return;

  self->dirty = dirty;
  update_title (self);
}

/* Marks a field as invalid (css class "error" and a tooltip) or valid again. */
static void
mark_field (GtkWidget    *widget,
            const GError *error)
{
  if (error != NULL)
    {
      gtk_widget_add_css_class (widget, "error");
      gtk_widget_set_tooltip_text (widget, error->message);
    }
  else if (gtk_widget_has_css_class (widget, "error"))
    {
      gtk_widget_remove_css_class (widget, "error");
      gtk_widget_set_tooltip_text (widget, NULL);
    }
}

/* An entry row's accessible name is its title, on the row and on the text inside it. */
static void
label_editable_row (GtkWidget *row)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (row));

  /* AdwEntryRow labels its text with both of its title labels ("Subject Subject"): one is
   * enough. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  if (delegate != NULL)
    {
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (delegate),
                                     GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_update_property (GTK_ACCESSIBLE (delegate),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                      -1);
    }
}

/* The first visible button inside @widget, if any. */
static GtkWidget *
find_visible_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_get_visible (child))
        continue;
      if (GTK_IS_BUTTON (child))
        return child;
      if ((found = find_visible_button (child)) != NULL)
        return found;
    }

  return NULL;
}

static char *
dup_stripped_text (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static gboolean
parse_port (const char  *text,
            guint       *out_port,
            GError     **error)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                   _("Port “%s” is not a number from 1 to 65535"), text);
      return FALSE;
    }

  *out_port = (guint) value;
  return TRUE;
}

static guint
security_to_position (ScSecurity security)
{
  switch (security)
    {
    case SC_SECURITY_TLS:
      return 0;
    case SC_SECURITY_STARTTLS:
      return 1;
    case SC_SECURITY_NONE:
    default:
      return 2;
    }
}

static ScSecurity
position_to_security (guint position)
{
  switch (position)
    {
    case 0:
      return SC_SECURITY_TLS;
    case 1:
      return SC_SECURITY_STARTTLS;
    default:
      return SC_SECURITY_NONE;
    }
}

static void
update_attachments_summary (ScWindow *self)
{
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;
  guint64 total = 0;
  guint n = self->attachments->len;

  for (guint i = 0; i < n; i++)
    {
      ScAttachmentEntry *entry = g_ptr_array_index (self->attachments, i);

      if (entry->size > 0)
        total += entry->size;
    }

  gtk_widget_set_visible (self->no_attachments_row, n == 0);

  size = g_format_size (total);
  /* Translators: the attachments' count and their total size, e.g. "3 files, 1.2 MB in total" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file, %s in total",
                                       "%u files, %s in total", n),
                          n, size);
  adw_preferences_group_set_description (self->attachments_group, text);
}

static void
update_actions (ScWindow *self)
{
  gboolean busy = self->sending || self->saving;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.save", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.cancel", self->sending);
}

/* ------------------------------------------------------------------------------------------ */
/* Recipients                                                                                 */
/* ------------------------------------------------------------------------------------------ */

static gboolean
validate_recipient_row (ScWindow  *self,
                        GtkWidget *row,
                        GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = dup_stripped_text (row);

  if (!sc_address_validate (text, &local_error))
    {
      mark_field (row, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  mark_field (row, NULL);
  return TRUE;
}

static void
recipient_changed_cb (ScWindow *self,
                      GtkEditable *editable)
{
  g_autofree char *text = dup_stripped_text (editable);

  g_assert (SC_IS_WINDOW (self));

  /* Validate as the user types, but leave a fresh empty row alone. */
  if (text[0] == '\0')
    mark_field (GTK_WIDGET (editable), NULL);
  else
    validate_recipient_row (self, GTK_WIDGET (editable), NULL);

  set_dirty (self, TRUE);
}

static void
remove_recipient_clicked_cb (GtkButton *button,
                             ScWindow  *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "sc-row");

  g_assert (SC_IS_WINDOW (self));

  g_ptr_array_remove (self->recipient_rows, row);
  adw_preferences_group_remove (self->recipients_group, row);
  set_dirty (self, TRUE);
}

static void
clear_recipients (ScWindow *self)
{
  while (self->recipient_rows->len > 0)
    {
      GtkWidget *row = g_ptr_array_index (self->recipient_rows, self->recipient_rows->len - 1);

      g_ptr_array_remove_index (self->recipient_rows, self->recipient_rows->len - 1);
      adw_preferences_group_remove (self->recipients_group, row);
    }
}

static GStrv
collect_recipients (ScWindow  *self,
                    GError   **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean ok = TRUE;

  for (guint i = 0; i < self->recipient_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->recipient_rows, i);
      g_autofree char *text = dup_stripped_text (row);

      if (text[0] == '\0')
        {
          mark_field (row, NULL);
          continue;
        }

      if (!validate_recipient_row (self, row, ok ? error : NULL))
        ok = FALSE;
      g_strv_builder_add (builder, text);
    }

  if (!ok)
    return NULL;

  return g_strv_builder_end (builder);
}

/* ------------------------------------------------------------------------------------------ */
/* Attachments                                                                                */
/* ------------------------------------------------------------------------------------------ */

static ScAttachmentEntry *
find_attachment (ScWindow *self,
                 GFile    *file)
{
  for (guint i = 0; i < self->attachments->len; i++)
    {
      ScAttachmentEntry *entry = g_ptr_array_index (self->attachments, i);

      if (g_file_equal (entry->file, file))
        return entry;
    }

  return NULL;
}

static void
update_attachment_row (ScAttachmentEntry *entry)
{
  g_autofree char *size = NULL;

  if (entry->size < 0)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (entry->row), "…");
      return;
    }

  size = g_format_size (entry->size);
  if (entry->from_folder)
    {
      g_autofree char *text = NULL;

      /* Translators: size of a file, and where it comes from */
      text = g_strdup_printf (_("%s · from the attachment folder"), size);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (entry->row), text);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (entry->row), size);
}

static void
remove_attachment (ScWindow          *self,
                   ScAttachmentEntry *entry)
{
  adw_preferences_group_remove (self->attachments_group, entry->row);
  g_ptr_array_remove (self->attachments, entry);
  update_attachments_summary (self);
}

static void
remove_attachment_clicked_cb (GtkButton *button,
                              ScWindow  *self)
{
  ScAttachmentEntry *entry = g_object_get_data (G_OBJECT (button), "sc-entry");

  g_assert (SC_IS_WINDOW (self));

  if (entry != NULL && g_ptr_array_find (self->attachments, entry, NULL))
    remove_attachment (self, entry);
}

static ScAttachmentEntry *
append_attachment (ScWindow *self,
                   GFile    *file,
                   goffset   size,
                   gboolean  from_folder)
{
  ScAttachmentEntry *entry = g_new0 (ScAttachmentEntry, 1);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *tooltip = g_file_get_parse_name (file);
  g_autofree char *remove_label = NULL;
  GtkWidget *button;

  entry->file = g_object_ref (file);
  entry->size = size;
  entry->from_folder = from_folder;
  entry->row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (entry->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry->row), name);
  gtk_widget_set_tooltip_text (entry->row, tooltip);
  adw_action_row_add_prefix (ADW_ACTION_ROW (entry->row),
                             gtk_image_new_from_icon_name ("mail-attachment-symbolic"));

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* Translators: %s is a file name */
  remove_label = g_strdup_printf (_("Remove %s"), name);
  gtk_widget_set_tooltip_text (button, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
  g_object_set_data (G_OBJECT (button), "sc-entry", entry);
  g_signal_connect_object (button, "clicked", G_CALLBACK (remove_attachment_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (entry->row), button);

  update_attachment_row (entry);
  g_ptr_array_add (self->attachments, entry);
  adw_preferences_group_add (self->attachments_group, entry->row);
  update_attachments_summary (self);

  return entry;
}

typedef struct
{
  GFile   *file;
  goffset  size;
} ListedFile;

static void
listed_file_free (ListedFile *listed)
{
  g_clear_object (&listed->file);
  g_free (listed);
}

/* Runs on a worker: lists the folder and measures each file. */
static void
list_folder_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GFile *folder = task_data;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func ((GDestroyNotify) listed_file_free);
  GError *error = NULL;

  files = sc_attachment_folder_list (folder, cancellable, &error);
  if (files == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < files->len; i++)
    {
      GFile *file = g_ptr_array_index (files, i);
      g_autoptr(GFileInfo) info = NULL;
      ListedFile *item = g_new0 (ListedFile, 1);

      info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                G_FILE_QUERY_INFO_NONE, cancellable, NULL);
      item->file = g_object_ref (file);
      item->size = info != NULL ? g_file_info_get_size (info) : -1;
      g_ptr_array_add (listed, item);
    }

  g_task_return_pointer (task, g_steal_pointer (&listed), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_folder_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  guint serial = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "sc-serial"));

  listed = g_task_propagate_pointer (G_TASK (result), &error);
  self->pending--;

  if (self->disposed || serial != self->list_serial)
    return;

  self->listing = FALSE;

  if (listed == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, error->message, TRUE);
      return;
    }

  /* Replace what the folder gave before; hand-added files stay. */
  for (guint i = self->attachments->len; i > 0; i--)
    {
      ScAttachmentEntry *entry = g_ptr_array_index (self->attachments, i - 1);

      if (entry->from_folder)
        remove_attachment (self, entry);
    }

  for (guint i = 0; i < listed->len; i++)
    {
      ListedFile *item = g_ptr_array_index (listed, i);

      if (find_attachment (self, item->file) == NULL)
        append_attachment (self, item->file, item->size, TRUE);
    }
}

static void
list_attachment_folder (ScWindow *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) folder = NULL;
  const char *path = sc_settings_get_attachment_folder_path (self->settings);
  g_autofree char *display = NULL;

  self->list_serial++;
  self->listing = FALSE;

  if (path == NULL || path[0] == '\0')
    {
      /* Translators: no attachment folder is set (not the security "None") */
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->attachment_folder_row),
                                   C_("attachment folder", "None"));
      for (guint i = self->attachments->len; i > 0; i--)
        {
          ScAttachmentEntry *entry = g_ptr_array_index (self->attachments, i - 1);

          if (entry->from_folder)
            remove_attachment (self, entry);
        }
      return;
    }

  folder = sc_settings_resolve_path (self->settings, path);
  display = g_file_get_parse_name (folder);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->attachment_folder_row), display);

  task = g_task_new (self, self->cancellable, list_folder_cb, g_object_ref (self));
  g_task_set_source_tag (task, list_attachment_folder);
  g_task_set_task_data (task, g_object_ref (folder), g_object_unref);
  g_object_set_data (G_OBJECT (task), "sc-serial", GUINT_TO_POINTER (self->list_serial));
  self->pending++;
  self->listing = TRUE;
  g_task_run_in_thread (task, list_folder_thread);
}

static void
query_size_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file = G_FILE (object);
  ScAttachmentEntry *entry;

  info = g_file_query_info_finish (file, result, &error);
  self->pending--;

  if (self->disposed)
    return;

  entry = find_attachment (self, file);
  if (entry == NULL || entry->from_folder)
    return;

  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      if (error != NULL)
        /* Translators: %s is a file name, then an error message */
        text = g_strdup_printf (_("Cannot attach %s: %s"), name, error->message);
      else
        /* Translators: %s is a file name */
        text = g_strdup_printf (_("Cannot attach %s: not a regular file"), name);
      set_status (self, text, TRUE);
      remove_attachment (self, entry);
      return;
    }

  entry->size = g_file_info_get_size (info);
  update_attachment_row (entry);
  update_attachments_summary (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Filling the window from the settings                                                       */
/* ------------------------------------------------------------------------------------------ */

static void
load_body_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error);
  self->pending--;

  if (self->disposed)
    return;

  self->body_loading = FALSE;
  gtk_text_view_set_editable (self->body_view, TRUE);

  if (contents == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (object));
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* A message file that does not exist yet is written on Save. */
      self->body_loaded = TRUE;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return;

      /* Translators: %s is a file name, then an error message */
      text = g_strdup_printf (_("Cannot read the message file %s: %s"), name, error->message);
      set_status (self, text, TRUE);
      self->body_loaded = FALSE;
      return;
    }

  if (!g_utf8_validate (contents, length, NULL))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (object));
      g_autofree char *text = NULL;

      /* Translators: %s is a file name */
      text = g_strdup_printf (_("The message file %s is not UTF-8 text"), name);
      set_status (self, text, TRUE);
      return;
    }

  self->filling++;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), contents, length);
  self->filling--;
  self->body_loaded = TRUE;
}

static void
load_body (ScWindow *self)
{
  g_autoptr(GFile) file = sc_settings_get_message_file (self->settings);

  if (file == NULL)
    {
      self->body_loaded = TRUE;
      return;
    }

  /* What the user typed before the file arrives would be replaced by it: wait. */
  gtk_text_view_set_editable (self->body_view, FALSE);
  self->pending++;
  self->body_loading = TRUE;
  g_file_load_contents_async (file, self->cancellable, load_body_cb, g_object_ref (self));
}

static void
fill_from_settings (ScWindow *self)
{
  const char * const *recipients;
  g_autofree char *port = NULL;
  const char *text;

  self->filling++;

  text = sc_settings_get_smtp_host (self->settings);
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), text != NULL ? text : "");
  port = g_strdup_printf ("%u", sc_settings_get_smtp_port (self->settings));
  gtk_editable_set_text (GTK_EDITABLE (self->port_row), port);
  adw_combo_row_set_selected (self->security_row,
                              security_to_position (sc_settings_get_security (self->settings)));
  text = sc_settings_get_login (self->settings);
  gtk_editable_set_text (GTK_EDITABLE (self->login_row), text != NULL ? text : "");
  text = sc_settings_get_password (self->settings);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), text != NULL ? text : "");
  text = sc_settings_get_subject (self->settings);
  gtk_editable_set_text (GTK_EDITABLE (self->subject_row), text != NULL ? text : "");

  clear_recipients (self);
  recipients = sc_settings_get_recipients (self->settings);
  for (guint i = 0; recipients != NULL && recipients[i] != NULL; i++)
    _sc_window_add_recipient (self, recipients[i]);
  if (self->recipient_rows->len == 0)
    _sc_window_add_recipient (self, "");

  self->filling--;

  load_body (self);
  list_attachment_folder (self);
}

/* Copies the widgets into self->settings and validates each key. On failure the fields in
 * error are marked, the first error is returned and nothing is written anywhere. */
static gboolean
apply_to_settings (ScWindow  *self,
                   GError   **error)
{
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) recipients = NULL;
  g_autofree char *host = dup_stripped_text (self->host_row);
  g_autofree char *port_text = dup_stripped_text (self->port_row);
  g_autofree char *login = dup_stripped_text (self->login_row);
  g_autofree char *subject = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  guint port = 0;

#define CHECK_KEY(widget, key)                                                    \
  G_STMT_START {                                                                  \
    if (!sc_settings_validate_key (self->settings, key, &local_error))            \
      {                                                                           \
        mark_field (GTK_WIDGET (widget), local_error);                            \
        if (first_error == NULL)                                                  \
          first_error = g_steal_pointer (&local_error);                           \
        g_clear_error (&local_error);                                             \
      }                                                                           \
    else                                                                          \
      mark_field (GTK_WIDGET (widget), NULL);                                     \
  } G_STMT_END

  g_object_set (self->settings, "smtp-host", host, NULL);
  if (host[0] == '\0')
    {
      local_error = g_error_new_literal (SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                                         _("The server host is empty"));
      mark_field (GTK_WIDGET (self->host_row), local_error);
      first_error = g_steal_pointer (&local_error);
    }
  else
    CHECK_KEY (self->host_row, "smtp-host");

  if (!parse_port (port_text, &port, &local_error))
    {
      mark_field (GTK_WIDGET (self->port_row), local_error);
      if (first_error == NULL)
        first_error = g_steal_pointer (&local_error);
      g_clear_error (&local_error);
    }
  else
    {
      g_object_set (self->settings, "smtp-port", port, NULL);
      CHECK_KEY (self->port_row, "smtp-port");
    }

  if (self->security_touched)
    {
      guint position = adw_combo_row_get_selected (self->security_row);

      g_object_set (self->settings, "security", position_to_security (position), NULL);
    }
  CHECK_KEY (self->security_row, "security");

  g_object_set (self->settings, "login", login, NULL);
  CHECK_KEY (self->login_row, "login");
  g_object_set (self->settings, "password", password, NULL);
  CHECK_KEY (self->password_row, "password");

  recipients = collect_recipients (self, first_error == NULL ? &first_error : NULL);
  if (recipients != NULL)
    {
      g_object_set (self->settings, "recipients", recipients, NULL);
      if (!sc_settings_validate_key (self->settings, "recipients", &local_error))
        {
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
          g_clear_error (&local_error);
        }
    }
  else if (first_error == NULL)
    {
      first_error = g_error_new_literal (SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                                         _("A recipient address is not valid"));
    }

  g_object_set (self->settings, "subject", subject, NULL);
  CHECK_KEY (self->subject_row, "subject");

#undef CHECK_KEY

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
close_idle_cb (gpointer data)
{
  ScWindow *self = data;

  if (!self->disposed)
    gtk_window_close (GTK_WINDOW (self));

  return G_SOURCE_REMOVE;
}

/* Asks the window to close again (with the questions that still apply), once the current
 * dialog response (if any) is done. */
static void
request_close_later (ScWindow *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, close_idle_cb, g_object_ref (self), g_object_unref);
}

/* Closes without asking, once the current dialog response (if any) is done. */
static void
close_later (ScWindow *self)
{
  self->force_close = TRUE;
  request_close_later (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Saving                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void
save_finished (ScWindow     *self,
               const GError *error)
{
  self->saving = FALSE;
  update_actions (self);

  if (error != NULL)
    {
      self->close_after_save = FALSE;
      set_status (self, error->message, TRUE);
      return;
    }

  set_dirty (self, FALSE);
  set_status (self, _("Saved"), FALSE);

  if (self->close_after_save)
    close_later (self);
}

static void
save_body_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  g_file_replace_contents_finish (G_FILE (object), result, NULL, &error);
  self->pending--;

  if (self->disposed)
    return;

  if (error != NULL)
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (object));

      /* Translators: %s is a file name; an error message follows */
      g_prefix_error (&error, _("Settings saved, but cannot write the message file %s: "), name);
    }

  save_finished (self, error);
}

static void
save_all (ScWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  char *text;

  if (self->saving || self->sending)
    return;

  if (!apply_to_settings (self, &error))
    {
      g_prefix_error (&error, _("Not saved: "));
      save_finished (self, error);
      return;
    }

  /* Without a settings folder the window works on the current folder: never write there. */
  if (self->no_settings_dir != NULL)
    {
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           /* Translators: %s says why there is no settings folder */
                           _("Not saved: %s"), self->no_settings_dir);
      save_finished (self, error);
      return;
    }

  if (!sc_settings_store_save (self->store, NULL, &error))
    {
      save_finished (self, error);
      return;
    }

  file = sc_settings_get_message_file (self->settings);
  if (file != NULL && !self->body_loaded && self->body_edited)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      /* Never overwrite a message file that could not be read into the editor, but never
       * claim that what the user typed was saved either: the window stays unsaved. */
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                           /* Translators: %s is a file name */
                           _("Settings saved, but not the message: the message file %s "
                             "could not be read, so it was not overwritten"),
                           name);
      save_finished (self, error);
      return;
    }
  if (file == NULL || !self->body_loaded)
    {
      save_finished (self, NULL);
      return;
    }

  buffer = gtk_text_view_get_buffer (self->body_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));

  self->saving = TRUE;
  self->pending++;
  update_actions (self);
  set_status (self, _("Saving…"), FALSE);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       self->cancellable, save_body_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------------------------ */
/* Sending                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
set_sending (ScWindow *self,
             gboolean  sending)
{
  self->sending = !!sending;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), sending);
  if (sending)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      gtk_progress_bar_set_text (self->progress_bar, _("Connecting…"));
    }
  update_actions (self);
}

static void
send_progress_cb (ScSmtpSession *session,
                  gint64         bytes_sent,
                  gint64         bytes_total,
                  gpointer       user_data)
{
  ScWindow *self = user_data;
  g_autofree char *sent = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;

  if (self->disposed || !self->sending)
    return;

  sent = g_format_size (bytes_sent);
  total = g_format_size (bytes_total);
  /* Translators: bytes sent of the total, e.g. "1.2 MB of 3.4 MB" */
  text = g_strdup_printf (_("%s of %s"), sent, total);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 bytes_total > 0 ? CLAMP ((double) bytes_sent / bytes_total,
                                                          0.0, 1.0)
                                                 : 0.0);
  set_status (self, _("Sending…"), FALSE);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  ScSmtpSession *session = SC_SMTP_SESSION (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScSendResult) send_result = NULL;

  send_result = sc_smtp_session_send_finish (session, result, &error);

  if (self->disposed)
    return;

  g_clear_object (&self->send_cancellable);
  set_sending (self, FALSE);

  /* "Stop and Close" waited for the send to stop: close now, asking about unsaved changes. */
  if (self->close_after_send)
    {
      self->close_after_send = FALSE;
      request_close_later (self);
    }

  if (send_result == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, _("Sending cancelled"), FALSE);
      else
        set_status (self, error->message, TRUE);
      return;
    }

  {
    GPtrArray *refused = sc_send_result_get_refused (send_result);

    if (refused != NULL && refused->len > 0)
      {
        g_autoptr(GString) text = g_string_new (NULL);

        /* Translators: the list of refused addresses and the server's replies follows */
        g_string_append_printf (text,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "Message sent, but %u recipient was refused:",
                                             "Message sent, but %u recipients were refused:",
                                             refused->len),
                                refused->len);
        for (guint i = 0; i < refused->len; i++)
          {
            ScRefusedRecipient *recipient = g_ptr_array_index (refused, i);

            g_string_append_printf (text, "\n%s — %s", recipient->address, recipient->reply);
          }
        set_status (self, text->str, TRUE);
        return;
      }
  }

  set_status (self, _("Message sent successfully"), FALSE);
}

static void
send_message (ScWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *body = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (self->sending || self->saving)
    return;

  if (!apply_to_settings (self, &error))
    {
      g_prefix_error (&error, _("Not sent: "));
      set_status (self, error->message, TRUE);
      return;
    }

  if (self->recipient_rows->len == 0 || sc_settings_get_recipients (self->settings) == NULL
      || sc_settings_get_recipients (self->settings)[0] == NULL)
    {
      set_status (self, _("Not sent: add at least one recipient"), TRUE);
      return;
    }

  if (self->listing || self->body_loading)
    {
      set_status (self, _("Not sent: the message or the attachment folder is still being read"),
                  TRUE);
      return;
    }

  buffer = gtk_text_view_get_buffer (self->body_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  body = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  files = _sc_window_get_attachment_files (self);

  message = sc_message_new (sc_settings_get_login (self->settings),
                            sc_settings_get_recipients (self->settings),
                            sc_settings_get_subject (self->settings),
                            body,
                            files);
  session = sc_smtp_session_new (self->settings);
  g_signal_connect_object (session, "progress", G_CALLBACK (send_progress_cb), self, 0);

  g_clear_object (&self->send_cancellable);
  self->send_cancellable = g_cancellable_new ();
  set_sending (self, TRUE);
  set_status (self, _("Sending…"), FALSE);
  sc_smtp_session_send_async (session, message, self->send_cancellable,
                              send_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------------------------ */
/* Callbacks                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void
field_changed_cb (ScWindow    *self,
                  GtkEditable *editable)
{
  g_assert (SC_IS_WINDOW (self));

  mark_field (GTK_WIDGET (editable), NULL);
  set_dirty (self, TRUE);
}

static void
port_changed_cb (ScWindow    *self,
                 GtkEditable *editable)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = dup_stripped_text (editable);
  guint port = 0;

  g_assert (SC_IS_WINDOW (self));

  if (!parse_port (text, &port, &error))
    mark_field (GTK_WIDGET (editable), error);
  else
    {
      mark_field (GTK_WIDGET (editable), NULL);

      /* Until security is chosen, it follows the port: 465 is TLS, anything else STARTTLS. */
      if (!self->security_touched && self->filling == 0)
        {
          gboolean explicit = FALSE;

          g_object_get (self->settings, "security-explicit", &explicit, NULL);
          if (!explicit)
            {
              ScSecurity security = sc_security_default_for_port (port);

              self->filling++;
              adw_combo_row_set_selected (self->security_row, security_to_position (security));
              self->filling--;
            }
        }
    }

  set_dirty (self, TRUE);
}

static void
security_selected_cb (ScWindow   *self,
                      GParamSpec *pspec,
                      GObject    *row)
{
  g_assert (SC_IS_WINDOW (self));

  if (self->filling > 0)
    return;

  self->security_touched = TRUE;
  mark_field (GTK_WIDGET (row), NULL);
  set_dirty (self, TRUE);
}

static void
body_changed_cb (ScWindow      *self,
                 GtkTextBuffer *buffer)
{
  g_assert (SC_IS_WINDOW (self));

  if (self->filling == 0)
    self->body_edited = TRUE;
  set_dirty (self, TRUE);
}

static void
add_files_response_cb (GtkNativeDialog *dialog,
                       int              response,
                       ScWindow        *self)
{
  g_assert (SC_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) model = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (files, g_list_model_get_item (model, i));
      _sc_window_add_attachment_files (self, files);
    }

  gtk_native_dialog_destroy (dialog);
  if (self->chooser == dialog)
    g_clear_object (&self->chooser);
}

static void
choose_folder_response_cb (GtkNativeDialog *dialog,
                           int              response,
                           ScWindow        *self)
{
  g_assert (SC_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = folder != NULL ? g_file_get_path (folder) : NULL;

      if (path != NULL)
        {
          g_object_set (self->settings, "attachment-folder-path", path, NULL);
          set_dirty (self, TRUE);
          list_attachment_folder (self);
        }
    }

  gtk_native_dialog_destroy (dialog);
  if (self->chooser == dialog)
    g_clear_object (&self->chooser);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         ScWindow      *self)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  GSList *list;

  g_assert (SC_IS_WINDOW (self));

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, g_object_ref (l->data));
  g_slist_free (list);

  _sc_window_add_attachment_files (self, files);
  return files->len > 0;
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   ScWindow         *self)
{
  g_assert (SC_IS_WINDOW (self));

  if (g_strcmp0 (response, "discard") == 0)
    close_later (self);
  else if (g_strcmp0 (response, "save") == 0)
    {
      self->close_after_save = TRUE;
      save_all (self);
    }
}

static void
stop_sending_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          ScWindow         *self)
{
  g_assert (SC_IS_WINDOW (self));

  if (g_strcmp0 (response, "stop") != 0)
    return;

  if (!self->sending)
    {
      /* The send ended while the dialog was open: just close. */
      request_close_later (self);
      return;
    }

  g_cancellable_cancel (self->send_cancellable);
  set_status (self, _("Cancelling…"), FALSE);

  /* With unsaved changes, ask about them once the send has stopped (a save waits for it);
   * else close now, as the window's own cancellation does the rest. */
  if (self->dirty)
    self->close_after_send = TRUE;
  else
    close_later (self);
}

static void
ask_stop_sending (ScWindow *self)
{
  GtkWidget *dialog;

  if (self->stop_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->stop_dialog));
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Stop Sending?"),
                                   _("The message is still being sent. "
                                     "If you close the window now, it is not sent."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Sending"),
                                    "stop", _("_Stop and Close"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (stop_sending_response_cb), self, 0);
  self->stop_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->stop_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------------------ */
/* Actions                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  send_message (SC_WINDOW (widget));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save_all (SC_WINDOW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);

  if (self->send_cancellable != NULL)
    {
      g_cancellable_cancel (self->send_cancellable);
      set_status (self, _("Cancelling…"), FALSE);
    }
}

static void
add_recipient_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);
  GtkWidget *row = _sc_window_add_recipient (self, "");

  gtk_widget_grab_focus (row);
}

static void
add_attachment_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Add Attachments"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (add_files_response_cb), self, 0);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GFile) current = NULL;
  const char *path;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Choose the Attachment Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  path = sc_settings_get_attachment_folder_path (self->settings);
  if (path != NULL && path[0] != '\0')
    {
      current = sc_settings_resolve_path (self->settings, path);
      if (current != NULL)
        gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), current, NULL);
    }
  g_signal_connect_object (chooser, "response", G_CALLBACK (choose_folder_response_cb), self, 0);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject and GtkWindow                                                                      */
/* ------------------------------------------------------------------------------------------ */

static gboolean
sc_window_close_request (GtkWindow *window)
{
  ScWindow *self = SC_WINDOW (window);
  GtkWidget *dialog;

  /* Ask about the send first; once it has stopped, about unsaved changes. */
  if (self->sending && !self->force_close)
    {
      if (!self->close_after_send)
        ask_stop_sending (self);
      return TRUE;
    }

  if (self->dirty && !self->force_close)
    {
      dialog = adw_message_dialog_new (window, _("Save Changes?"),
                                       _("The settings or the message have unsaved changes. "
                                         "Changes that are not saved are lost."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "discard", _("_Discard"),
                                        "save", _("_Save"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  g_cancellable_cancel (self->cancellable);
  if (self->send_cancellable != NULL)
    g_cancellable_cancel (self->send_cancellable);

  return GTK_WINDOW_CLASS (sc_window_parent_class)->close_request (window);
}

/* At the end of the Tab chain GtkWindow (4.8, with a hidden titlebar as AdwApplicationWindow
 * has) keeps the focus on the last widget: wrap around to the first one instead. */
static gboolean
sc_window_focus (GtkWidget        *widget,
                 GtkDirectionType  direction)
{
  GtkWidget *before = gtk_root_get_focus (GTK_ROOT (widget));

  if (GTK_WIDGET_CLASS (sc_window_parent_class)->focus (widget, direction)
      && (before == NULL || gtk_root_get_focus (GTK_ROOT (widget)) != before))
    return TRUE;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return FALSE;

  for (GtkWidget *parent = before != NULL ? gtk_widget_get_parent (before) : NULL;
       parent != NULL;
       parent = gtk_widget_get_parent (parent))
    gtk_widget_set_focus_child (parent, NULL);
  gtk_root_set_focus (GTK_ROOT (widget), NULL);

  return GTK_WIDGET_CLASS (sc_window_parent_class)->focus (widget, direction);
}

static void
sc_window_dispose (GObject *object)
{
  ScWindow *self = SC_WINDOW (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->send_cancellable != NULL)
    g_cancellable_cancel (self->send_cancellable);

  if (self->stop_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->stop_dialog), (gpointer *) &self->stop_dialog);
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->stop_dialog)));
    }

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_WINDOW);

  G_OBJECT_CLASS (sc_window_parent_class)->dispose (object);
}

static void
sc_window_finalize (GObject *object)
{
  ScWindow *self = SC_WINDOW (object);

  g_clear_object (&self->settings_dir);
  g_clear_pointer (&self->no_settings_dir, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->send_cancellable);
  g_clear_pointer (&self->recipient_rows, g_ptr_array_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (sc_window_parent_class)->finalize (object);
}

static void
sc_window_class_init (ScWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sc_window_dispose;
  object_class->finalize = sc_window_finalize;
  widget_class->focus = sc_window_focus;
  window_class->close_request = sc_window_close_request;

  sc_ui_register_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpclient/SmtpClient/sc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ScWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, recipients_group);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, add_recipient_button);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, subject_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, body_view);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, attachments_group);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, add_attachment_button);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, attachment_folder_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, choose_folder_button);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, host_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, port_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, security_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, login_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, cancel_button);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "composer.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "composer.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "composer.add-recipient", NULL,
                                   add_recipient_action);
  gtk_widget_class_install_action (widget_class, "composer.add-attachment", NULL,
                                   add_attachment_action);
  gtk_widget_class_install_action (widget_class, "composer.choose-folder", NULL,
                                   choose_folder_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "composer.cancel", NULL);
}

static void
add_capture_shortcut (GtkShortcutController *controller,
                      guint                  keyval,
                      GdkModifierType        modifiers,
                      const char            *action_name)
{
  GtkShortcutTrigger *trigger = gtk_keyval_trigger_new (keyval, modifiers);

  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (trigger,
                                                          gtk_named_action_new (action_name)));
}

static void
load_css (GtkWidget *widget)
{
  static GdkDisplay *loaded_for;
  g_autoptr(GtkCssProvider) provider = NULL;
  GdkDisplay *display = gtk_widget_get_display (widget);

  if (display == NULL || display == loaded_for)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/smtpclient/SmtpClient/sc-window.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  loaded_for = display;
}

static void
sc_window_init (ScWindow *self)
{
  GtkEventController *controller;
  GtkDropTarget *drop;
  GtkWidget *reveal;

  g_type_ensure (ADW_TYPE_PASSWORD_ENTRY_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));
  load_css (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->recipient_rows = g_ptr_array_new ();
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) sc_attachment_entry_free);

  /* The text view would take Ctrl+Return and Ctrl+S for itself: catch them first. */
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller),
                                     GTK_SHORTCUT_SCOPE_LOCAL);
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), GDK_KEY_Return, GDK_CONTROL_MASK,
                        "composer.send");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                        "composer.send");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), GDK_KEY_s, GDK_CONTROL_MASK,
                        "composer.save");
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  self->no_attachments_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->no_attachments_row),
                                 _("No attachments"));
  gtk_widget_add_css_class (self->no_attachments_row, "dim-label");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->no_attachments_row), FALSE);
  gtk_widget_set_focusable (self->no_attachments_row, FALSE);
  adw_preferences_group_add (self->attachments_group, self->no_attachments_row);

  label_editable_row (GTK_WIDGET (self->subject_row));
  label_editable_row (GTK_WIDGET (self->host_row));
  label_editable_row (GTK_WIDGET (self->port_row));
  label_editable_row (GTK_WIDGET (self->login_row));
  label_editable_row (GTK_WIDGET (self->password_row));
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->security_row),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->security_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Security"),
                                  -1);

  /* The password's reveal toggle is an unnamed icon: name it. */
  reveal = find_visible_button (GTK_WIDGET (self->password_row));
  if (reveal != NULL)
    {
      gtk_widget_set_tooltip_text (reveal, _("Show Password"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (reveal),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show Password"),
                                      -1);
    }

  g_signal_connect_object (self->subject_row, "changed", G_CALLBACK (field_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->host_row, "changed", G_CALLBACK (field_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_row, "changed", G_CALLBACK (port_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->login_row, "changed", G_CALLBACK (field_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->password_row, "changed", G_CALLBACK (field_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->security_row, "notify::selected",
                           G_CALLBACK (security_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->body_view), "changed",
                           G_CALLBACK (body_changed_cb), self, G_CONNECT_SWAPPED);

  update_actions (self);
  update_attachments_summary (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_window_new:
 * @application: (nullable): the application
 * @settings_dir: (nullable): the settings folder; %NULL for the default one
 *
 * Creates the composer window and starts filling it from the settings folder. Settings that
 * cannot be loaded are reported in the status bar; nothing is written until the user saves.
 *
 * Returns: (transfer full): a new #ScWindow
 */
ScWindow *
sc_window_new (GtkApplication *application,
               GFile          *settings_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = NULL;
  ScWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (settings_dir == NULL || G_IS_FILE (settings_dir), NULL);

  self = g_object_new (SC_TYPE_WINDOW,
                       "application", application,
                       NULL);

  if (settings_dir != NULL)
    dir = g_object_ref (settings_dir);
  else
    dir = sc_settings_default_directory (&error);

  if (dir == NULL)
    {
      /* No folder at all: work on one that is never written, and say why. */
      dir = g_file_new_for_path (".");
      set_status (self, error->message, TRUE);
      self->no_settings_dir = g_strdup (error->message);
      g_clear_error (&error);
    }

  self->settings_dir = g_object_ref (dir);
  self->store = sc_settings_store_new (dir);
  self->settings = g_object_ref (sc_settings_store_get_settings (self->store));
  if (!sc_settings_store_load (self->store, NULL, &error))
    set_status (self, error->message, TRUE);

  fill_from_settings (self);
  update_title (self);

  return self;
}

/* ------------------------------------------------------------------------------------------ */
/* Private API (sc-window-private.h)                                                          */
/* ------------------------------------------------------------------------------------------ */

const char *
_sc_window_get_status_text (ScWindow *self)
{
  g_return_val_if_fail (SC_IS_WINDOW (self), NULL);

  return gtk_label_get_text (self->status_label);
}

gboolean
_sc_window_is_busy (ScWindow *self)
{
  g_return_val_if_fail (SC_IS_WINDOW (self), FALSE);

  return self->sending || self->saving || self->pending > 0;
}

/**
 * _sc_window_add_attachment_files:
 * @files: (element-type GFile): files to attach
 *
 * What the Add Attachment chooser and a drop do: appends each file not listed yet and measures
 * it on a worker (GIO async), never on the main thread.
 */
void
_sc_window_add_attachment_files (ScWindow  *self,
                                 GPtrArray *files)
{
  g_return_if_fail (SC_IS_WINDOW (self));
  g_return_if_fail (files != NULL);

  for (guint i = 0; i < files->len; i++)
    {
      GFile *file = g_ptr_array_index (files, i);
      ScAttachmentEntry *entry = find_attachment (self, file);

      if (entry != NULL)
        continue;

      append_attachment (self, file, -1, FALSE);
      self->pending++;
      g_file_query_info_async (file,
                               G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                               G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                               query_size_cb, g_object_ref (self));
    }
}

/**
 * _sc_window_get_attachment_files:
 *
 * Returns: (transfer container) (element-type GFile): what Send attaches, in order
 */
GPtrArray *
_sc_window_get_attachment_files (ScWindow *self)
{
  GPtrArray *files;

  g_return_val_if_fail (SC_IS_WINDOW (self), NULL);

  files = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->attachments->len; i++)
    {
      ScAttachmentEntry *entry = g_ptr_array_index (self->attachments, i);

      g_ptr_array_add (files, g_object_ref (entry->file));
    }

  return files;
}

/**
 * _sc_window_add_recipient:
 * @address: the address ("" for a new, empty row)
 *
 * Returns: (transfer none): the new row
 */
GtkWidget *
_sc_window_add_recipient (ScWindow   *self,
                          const char *address)
{
  GtkWidget *row;
  GtkWidget *button;

  g_return_val_if_fail (SC_IS_WINDOW (self), NULL);

  row = adw_entry_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Recipient"));
  gtk_editable_set_text (GTK_EDITABLE (row), address != NULL ? address : "");
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_EMAIL);
  label_editable_row (row);

  button = gtk_button_new_from_icon_name ("list-remove-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove Recipient"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove Recipient"),
                                  -1);
  g_object_set_data (G_OBJECT (button), "sc-row", row);
  g_signal_connect_object (button, "clicked", G_CALLBACK (remove_recipient_clicked_cb), self, 0);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), button);

  if (address != NULL && address[0] != '\0')
    validate_recipient_row (self, row, NULL);

  g_signal_connect_object (row, "changed", G_CALLBACK (recipient_changed_cb), self,
                           G_CONNECT_SWAPPED);

  g_ptr_array_add (self->recipient_rows, row);
  adw_preferences_group_add (self->recipients_group, row);
  set_dirty (self, TRUE);

  return row;
}

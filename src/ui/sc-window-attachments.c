/* sc-window-attachments.c — the composer window's attachments: the folder, added and dropped
 * files, and the actions win.add-attachment, win.attach-files (URIs), win.remove-attachment
 * (a URI) and win.choose-folder. Files are listed and measured off the main thread.
 *
 * The rows follow the model: files added by hand are its "attachment-paths", and folder files
 * the user removed are its "excluded-attachments", so Save keeps both.
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sc-message.h"
#include "sc-ui-util.h"
#include "sc-window-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
set_folder_button_name (ScWindow   *self,
                        const char *name,
                        const char *tooltip)
{
  _sc_widget_set_tooltip (GTK_WIDGET (self->folder_button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->folder_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
}

typedef struct
{
  ScWindow *window;
  char     *name;
} Launch;

static void
launch_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Launch *launch = user_data;
  g_autoptr(ScWindow) self = launch->window;
  g_autofree char *name = launch->name;
  g_autoptr(GError) error = NULL;

  g_free (launch);
  if (g_app_info_launch_default_for_uri_finish (result, &error)
      || g_cancellable_is_cancelled (self->cancellable))
    return;

  /* Translators: %s is a file name; then why it could not be opened */
  g_prefix_error (&error, _("Cannot open %s: "), name);
  _sc_window_set_status (self, error->message, TRUE);
}

/* Opens @file in its default application (a viewer, a text editor), without waiting for it;
 * a failure is said in the status bar. */
void
_sc_window_open_file (ScWindow *self,
                      GFile    *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GdkAppLaunchContext) context = NULL;
  Launch *launch = g_new0 (Launch, 1);

  launch->window = g_object_ref (self);
  launch->name = g_file_get_basename (file);
  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), self->cancellable,
                                           launch_cb, launch);
}

/* A row was activated: open its file. */
static void
open_attachment_cb (ScWindow        *self,
                    ScAttachmentRow *row)
{
  g_assert (SC_IS_WINDOW (self));

  _sc_window_open_file (self, sc_attachment_row_get_file (row));
}

static void
update_attachments_summary (ScWindow *self)
{
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;
  guint64 total = _sc_window_get_attachments_size (self);
  guint n = self->attachments->len;

  gtk_widget_set_visible (GTK_WIDGET (self->attachments_scroller), n > 0);

  if (n == 0)
    {
      gtk_label_set_text (self->attachments_label, _("No attachments"));
      return;
    }

  size = g_format_size (total);
  /* Translators: the attachments' count and their total size, e.g. "3 files, 1.2 MB in total" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file, %s in total",
                                       "%u files, %s in total", n),
                          n, size);
  gtk_label_set_text (self->attachments_label, text);
}

static ScAttachmentRow *
find_attachment (ScWindow *self,
                 GFile    *file)
{
  for (guint i = 0; i < self->attachments->len; i++)
    if (g_file_equal (sc_attachment_row_get_file (self->attachments->pdata[i]), file))
      return self->attachments->pdata[i];

  return NULL;
}

static void
add_attachment (ScWindow *self,
                GFile    *file,
                gint64    size,
                gboolean  from_folder)
{
  GtkWidget *row = sc_attachment_row_new (file, size, from_folder);

  g_ptr_array_add (self->attachments, row);
  g_signal_connect_object (row, "activated", G_CALLBACK (open_attachment_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_append (self->attachments_list, row);
  update_attachments_summary (self);
}

static void
remove_attachment (ScWindow        *self,
                   ScAttachmentRow *row)
{
  if (!g_ptr_array_remove (self->attachments, row))
    return;

  gtk_list_box_remove (self->attachments_list, GTK_WIDGET (row));
  update_attachments_summary (self);
}

/* @strv with @item appended. */
static GStrv
strv_with (const char * const *strv,
           const char         *item)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (strv != NULL)
    g_strv_builder_addv (builder, (const char **) strv);
  g_strv_builder_add (builder, item);

  return g_strv_builder_end (builder);
}

/* @strv without its item @index, or without every item equal to @item when @item is set. */
static GStrv
strv_without (const char * const *strv,
              guint               index,
              const char         *item)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    if (item != NULL ? !g_str_equal (strv[i], item) : i != index)
      g_strv_builder_add (builder, strv[i]);

  return g_strv_builder_end (builder);
}

/* Takes @file out of the model's "attachment-paths"; its row goes with it. */
static void
forget_added_file (ScWindow *self,
                   GFile    *file)
{
  g_autoptr(GPtrArray) files = sc_settings_get_attachment_files (self->settings);
  guint index;

  if (g_ptr_array_find_with_equal_func (files, file, (GEqualFunc) g_file_equal, &index))
    {
      g_auto(GStrv) paths = strv_without (sc_settings_get_attachment_paths (self->settings),
                                          index, NULL);

      g_object_set (self->settings, "attachment-paths", paths, NULL);
    }
  else
    {
      ScAttachmentRow *row = find_attachment (self, file);

      if (row != NULL)
        remove_attachment (self, row);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The attachment folder                                                                      */
/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  GFile    *file;
  gboolean  skipped;   /* in the folder but not a regular file: left out, and named */
  gint64    size;
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
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func ((GDestroyNotify) listed_file_free);
  GError *error = NULL;

  files = sc_attachment_folder_list_full (G_FILE (task_data), &skipped, cancellable, &error);
  if (files == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* What is left out is named, not dropped silently (size -1, skipped set). */
  for (guint i = 0; skipped != NULL && i < skipped->len; i++)
    {
      ListedFile *item = g_new0 (ListedFile, 1);

      item->file = g_object_ref (skipped->pdata[i]);
      item->size = -1;
      item->skipped = TRUE;
      g_ptr_array_add (listed, item);
    }

  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr(GFileInfo) info = NULL;
      ListedFile *item = g_new0 (ListedFile, 1);

      item->file = g_object_ref (files->pdata[i]);
      info = g_file_query_info (item->file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                G_FILE_QUERY_INFO_NONE, cancellable, NULL);
      item->size = info != NULL ? g_file_info_get_size (info) : -1;
      g_ptr_array_add (listed, item);
    }

  g_task_return_pointer (task, g_steal_pointer (&listed), (GDestroyNotify) g_ptr_array_unref);
}

static void
remove_folder_attachments (ScWindow *self)
{
  for (guint i = self->attachments->len; i > 0; i--)
    if (sc_attachment_row_get_from_folder (self->attachments->pdata[i - 1]))
      remove_attachment (self, self->attachments->pdata[i - 1]);
}

static void
list_folder_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ScWindow *self = SC_WINDOW (object);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) skipped_names = NULL;
  guint serial = GPOINTER_TO_UINT (user_data);

  listed = g_task_propagate_pointer (G_TASK (result), &error);
  self->pending--;
  _sc_window_update_state (self);

  if (g_cancellable_is_cancelled (self->cancellable) || serial != self->list_serial)
    return;

  if (listed == NULL)
    {
      _sc_window_set_status (self, error->message, TRUE);
      return;
    }

  /* Replace what the folder gave before, but the excluded files; hand-added files stay. */
  remove_folder_attachments (self);
  skipped_names = g_string_new (NULL);
  for (guint i = 0; i < listed->len; i++)
    {
      ListedFile *item = listed->pdata[i];

      if (item->skipped)
        {
          g_autofree char *name = g_file_get_basename (item->file);

          g_string_append_printf (skipped_names, "%s%s", skipped_names->len > 0 ? ", " : "",
                                  name);
          continue;
        }
      if (sc_settings_is_attachment_excluded (self->settings, item->file))
        continue;
      if (find_attachment (self, item->file) == NULL)
        add_attachment (self, item->file, item->size, TRUE);
    }

  /* The folder's files come first, as in the message --send builds. */
  for (guint i = 0, n = self->attachments->len; i < n; i++)
    {
      g_autoptr(ScAttachmentRow) row = g_object_ref (self->attachments->pdata[0]);

      g_ptr_array_remove_index (self->attachments, 0);
      if (sc_attachment_row_get_from_folder (row))
        {
          g_ptr_array_add (self->attachments, row);
          continue;
        }
      gtk_list_box_remove (self->attachments_list, GTK_WIDGET (row));
      g_ptr_array_add (self->attachments, row);
      gtk_list_box_append (self->attachments_list, GTK_WIDGET (row));
    }

  if (skipped_names->len > 0)
    {
      g_autofree char *text =
        /* Translators: %s is a list of names in the attachment folder, e.g. "a, b" */
        g_strdup_printf (_("Left out of the attachments, as they are not regular files "
                           "(folders, pipes, sockets, devices or broken links): %s"),
                         skipped_names->str);

      _sc_window_set_status (self, text, FALSE);
    }
}

/* Lists the attachment folder of the settings on a worker, again after each change. */
void
_sc_window_list_attachment_folder (ScWindow *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) folder = sc_settings_get_attachment_folder (self->settings);
  g_autofree char *shown = NULL;
  g_autofree char *name = NULL;
  g_autofree char *tooltip = NULL;

  self->list_serial++;

  if (folder == NULL)
    {
      /* Translators: no attachment folder is set (not the security "None") */
      gtk_label_set_text (self->folder_label, C_("attachment folder", "None"));
      set_folder_button_name (self, _("Attachment Folder: none. Choose Folder…"),
                              _("No attachment folder. Choose Folder…"));
      remove_folder_attachments (self);
      return;
    }

  shown = g_file_get_parse_name (folder);
  name = g_file_get_basename (folder);
  gtk_label_set_text (self->folder_label, name);
  /* Translators: the attachment folder button to screen readers; %s is the folder */
  tooltip = g_strdup_printf (_("Attachment Folder: %s. Choose Folder…"), shown);
  set_folder_button_name (self, tooltip, tooltip);

  /* The task holds the window; a stale listing is dropped by its serial. */
  task = g_task_new (self, self->cancellable, list_folder_cb, GUINT_TO_POINTER (self->list_serial));
  g_task_set_source_tag (task, _sc_window_list_attachment_folder);
  g_task_set_task_data (task, g_steal_pointer (&folder), g_object_unref);
  self->pending++;
  _sc_window_update_state (self);
  g_task_run_in_thread (task, list_folder_thread);
}

/* ------------------------------------------------------------------------------------------ */
/* Attaching files                                                                            */
/* ------------------------------------------------------------------------------------------ */

static void
query_size_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *text = NULL;
  GFile *file = G_FILE (object);
  ScAttachmentRow *row;

  info = g_file_query_info_finish (file, result, &error);
  self->pending--;
  _sc_window_update_state (self);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  row = find_attachment (self, file);
  if (row == NULL || sc_attachment_row_get_from_folder (row))
    return;

  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
    {
      sc_attachment_row_set_size (row, g_file_info_get_size (info));
      update_attachments_summary (self);
      return;
    }

  shown = g_file_get_parse_name (file);
  if (error != NULL)
    /* Translators: %s is a file name, then an error message */
    text = g_strdup_printf (_("Cannot attach %s: %s"), shown, error->message);
  else
    /* Translators: %s is a file name */
    text = g_strdup_printf (_("Cannot attach %s: not a regular file"), shown);
  _sc_window_set_status (self, text, TRUE);
  forget_added_file (self, file);
}

/* Appends a row for the hand-added @file and measures it with GIO's async API, never on the
 * main thread. */
static void
show_added_file (ScWindow *self,
                 GFile    *file)
{
  add_attachment (self, file, -1, FALSE);
  self->pending++;
  _sc_window_update_state (self);
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                           query_size_cb, g_object_ref (self));
}

/* Makes the hand-added rows those of the model's "attachment-paths". */
static void
settings_attachment_paths_cb (ScWindow   *self,
                              GParamSpec *pspec,
                              ScSettings *settings)
{
  g_autoptr(GPtrArray) files = NULL;

  g_assert (SC_IS_WINDOW (self));

  files = sc_settings_get_attachment_files (settings);
  for (guint i = self->attachments->len; i > 0; i--)
    {
      ScAttachmentRow *row = self->attachments->pdata[i - 1];

      if (!sc_attachment_row_get_from_folder (row) &&
          !g_ptr_array_find_with_equal_func (files, sc_attachment_row_get_file (row),
                                             (GEqualFunc) g_file_equal, NULL))
        remove_attachment (self, row);
    }

  for (guint i = 0; i < files->len; i++)
    if (find_attachment (self, files->pdata[i]) == NULL)
      show_added_file (self, files->pdata[i]);
}

/* What the Add Attachment chooser and a drop do: a removed folder file comes back, any other
 * file not listed yet goes into the model's "attachment-paths" (which adds its row). */
static void
add_file (ScWindow *self,
          GFile    *file)
{
  g_autofree char *path = NULL;
  g_auto(GStrv) paths = NULL;

  if (sc_settings_is_attachment_excluded (self->settings, file))
    {
      g_autofree char *name = g_file_get_basename (file);
      g_auto(GStrv) left = strv_without (sc_settings_get_excluded_attachments (self->settings),
                                         0, name);

      /* The model's notify lists the folder again. */
      g_object_set (self->settings, "excluded-attachments", left, NULL);
      return;
    }

  if (find_attachment (self, file) != NULL)
    return;

  path = sc_settings_path_for_file (self->settings, file);
  if (path == NULL)
    {
      g_autofree char *shown = g_file_get_parse_name (file);
      /* Translators: %s is a file name or address */
      g_autofree char *text = g_strdup_printf (_("Cannot attach %s: not a local file"), shown);

      _sc_window_set_status (self, text, TRUE);
      return;
    }

  paths = strv_with (sc_settings_get_attachment_paths (self->settings), path);
  g_object_set (self->settings, "attachment-paths", paths, NULL);
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

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (model, i);

          add_file (self, file);
        }
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

      /* The model's notify lists the new folder. */
      if (path != NULL)
        g_object_set (self->settings, "attachment-folder-path", path, NULL);
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
  g_autoptr(GSList) list = NULL;

  g_assert (SC_IS_WINDOW (self));

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = list; l != NULL; l = l->next)
    add_file (self, l->data);

  return list != NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Actions                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Shows @chooser, modal, as the window's one chooser; @response_cb gets its answer. */
static void
show_chooser (ScWindow             *self,
              GtkFileChooserNative *chooser,
              GCallback             response_cb)
{
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", response_cb, self, 0);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
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
  show_chooser (self, chooser, G_CALLBACK (add_files_response_cb));
}

static void
attach_files_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autofree const char **uris = g_variant_get_strv (parameter, NULL);

  for (guint i = 0; uris[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (uris[i]);

      add_file (SC_WINDOW (widget), file);
    }
}

static void
remove_attachment_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));
  ScAttachmentRow *row = find_attachment (self, file);
  const char * const *excluded = sc_settings_get_excluded_attachments (self->settings);
  g_autofree char *name = NULL;

  if (row == NULL)
    return;

  if (!sc_attachment_row_get_from_folder (row))
    {
      forget_added_file (self, file);
      return;
    }

  /* A folder file is left out from now on, not deleted. */
  name = g_file_get_basename (file);
  remove_attachment (self, row);
  if (excluded == NULL || !g_strv_contains (excluded, name))
    {
      g_auto(GStrv) more = strv_with (excluded, name);

      g_object_set (self->settings, "excluded-attachments", more, NULL);
    }
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);
  g_autoptr(GFile) current = sc_settings_get_attachment_folder (self->settings);
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Choose the Attachment Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Select"), _("_Cancel"));
  if (current != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), current, NULL);
  show_chooser (self, chooser, G_CALLBACK (choose_folder_response_cb));
}

/* ------------------------------------------------------------------------------------------ */
/* Private API (sc-window-private.h)                                                          */
/* ------------------------------------------------------------------------------------------ */

void
_sc_window_class_init_attachments (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-attachment", NULL,
                                   add_attachment_action);
  gtk_widget_class_install_action (widget_class, "win.attach-files", "as", attach_files_action);
  gtk_widget_class_install_action (widget_class, "win.remove-attachment", "s",
                                   remove_attachment_action);
  gtk_widget_class_install_action (widget_class, "win.choose-folder", NULL,
                                   choose_folder_action);
  gtk_widget_class_bind_template_callback (widget_class, drop_cb);
}

/* Follows the model's lists of hand-added and excluded files. */
void
_sc_window_bind_attachments (ScWindow *self)
{
  g_signal_connect_object (self->settings, "notify::attachment-paths",
                           G_CALLBACK (settings_attachment_paths_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "notify::excluded-attachments",
                           G_CALLBACK (_sc_window_list_attachment_folder), self,
                           G_CONNECT_SWAPPED);
  settings_attachment_paths_cb (self, NULL, self->settings);
}

/* The size of the attached files, as the window shows it in total (unknown sizes count 0). */
guint64
_sc_window_get_attachments_size (ScWindow *self)
{
  guint64 total = 0;

  for (guint i = 0; i < self->attachments->len; i++)
    total += MAX (sc_attachment_row_get_size (self->attachments->pdata[i]), 0);

  return total;
}

void
_sc_window_init_attachments (ScWindow *self)
{
  self->attachments = g_ptr_array_new ();
  update_attachments_summary (self);
}

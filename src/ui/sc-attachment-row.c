/* sc-attachment-row.c — one attached file in the composer window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-attachment-row"

#include "config.h"

#include "sc-attachment-row.h"

#include <glib/gi18n.h>

struct _ScAttachmentRow
{
  AdwActionRow  parent_instance;

  GtkImage     *icon;
  GtkButton    *remove_button;

  GFile        *file;
  gint64        size;          /* -1 while unknown */
  gboolean      from_folder;   /* listed from the attachment folder (else added by hand) */
};

G_DEFINE_FINAL_TYPE (ScAttachmentRow, sc_attachment_row, ADW_TYPE_ACTION_ROW)

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
update_subtitle (ScAttachmentRow *self)
{
  g_autofree char *text = NULL;

  if (self->size < 0)
    text = g_strdup ("…");
  else if (!self->from_folder)
    text = g_format_size (self->size);
  else
    {
      g_autofree char *size = g_format_size (self->size);

      /* Translators: size of a file, and where it comes from */
      text = g_strdup_printf (_("%s · from the attachment folder"), size);
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), text);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_attachment_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SC_TYPE_ATTACHMENT_ROW);

  G_OBJECT_CLASS (sc_attachment_row_parent_class)->dispose (object);
}

static void
sc_attachment_row_finalize (GObject *object)
{
  ScAttachmentRow *self = SC_ATTACHMENT_ROW (object);

  g_clear_object (&self->file);

  G_OBJECT_CLASS (sc_attachment_row_parent_class)->finalize (object);
}

static void
sc_attachment_row_class_init (ScAttachmentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_attachment_row_dispose;
  object_class->finalize = sc_attachment_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpclient/SmtpClient/"
                                               "sc-attachment-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ScAttachmentRow, icon);
  gtk_widget_class_bind_template_child (widget_class, ScAttachmentRow, remove_button);
}

static void
sc_attachment_row_init (ScAttachmentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_attachment_row_new:
 * @file: the attached file
 * @size: its size in bytes, or -1 while unknown
 * @from_folder: whether it comes from the attachment folder (else it was added by hand)
 *
 * Its remove button activates `win.remove-attachment` with the file's URI; activating the row
 * emits #AdwActionRow::activated (the window opens the file).
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
sc_attachment_row_new (GFile    *file,
                       gint64    size,
                       gboolean  from_folder)
{
  ScAttachmentRow *self;
  g_autofree char *name = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *remove_label = NULL;
  g_autofree char *content_type = NULL;
  g_autoptr(GIcon) icon = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (SC_TYPE_ATTACHMENT_ROW, NULL);
  self->file = g_object_ref (file);
  self->size = MAX (size, -1);
  self->from_folder = !!from_folder;

  name = g_file_get_basename (file);
  shown = g_file_get_parse_name (file);
  uri = g_file_get_uri (file);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);

  /* The type from the name alone: reading the file is for a worker. */
  content_type = g_content_type_guess (name, NULL, 0, NULL);
  icon = g_content_type_get_symbolic_icon (content_type);
  gtk_image_set_from_gicon (self->icon, icon);

  /* Translators: %s is a file name */
  remove_label = g_strdup_printf (_("Remove %s"), name);
  /* The tooltips are set while the new row and its button are hidden: GTK asks the X server
   * where the pointer is (round trips) for each new tooltip of a visible widget, which a row
   * that is not in the window yet has no use for. */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), shown);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->remove_button), remove_label);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove_button), "s", uri);

  update_subtitle (self);

  return GTK_WIDGET (self);
}

/**
 * sc_attachment_row_get_file:
 *
 * Returns: (transfer none): the attached file
 */
GFile *
sc_attachment_row_get_file (ScAttachmentRow *self)
{
  g_return_val_if_fail (SC_IS_ATTACHMENT_ROW (self), NULL);

  return self->file;
}

/**
 * sc_attachment_row_get_size:
 *
 * Returns: the file's size in bytes, or -1 while unknown
 */
gint64
sc_attachment_row_get_size (ScAttachmentRow *self)
{
  g_return_val_if_fail (SC_IS_ATTACHMENT_ROW (self), -1);

  return self->size;
}

/**
 * sc_attachment_row_set_size:
 * @size: the file's size in bytes, or -1 while unknown
 */
void
sc_attachment_row_set_size (ScAttachmentRow *self,
                            gint64           size)
{
  g_return_if_fail (SC_IS_ATTACHMENT_ROW (self));

  size = MAX (size, -1);
  if (self->size == size)
    return;

  self->size = size;
  update_subtitle (self);
}

/**
 * sc_attachment_row_get_from_folder:
 *
 * Returns: whether the file comes from the attachment folder
 */
gboolean
sc_attachment_row_get_from_folder (ScAttachmentRow *self)
{
  g_return_val_if_fail (SC_IS_ATTACHMENT_ROW (self), FALSE);

  return self->from_folder;
}

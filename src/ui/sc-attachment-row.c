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

  GtkButton    *remove_button;

  GFile        *file;
  gint64        size;          /* -1 while unknown */
  gboolean      from_folder;   /* listed from the attachment folder (else added by hand) */
};

G_DEFINE_FINAL_TYPE (ScAttachmentRow, sc_attachment_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_FILE,
  PROP_SIZE,
  PROP_FROM_FOLDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
update_subtitle (ScAttachmentRow *self)
{
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;

  if (self->size < 0)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), "…");
      return;
    }

  size = g_format_size (self->size);
  if (!self->from_folder)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), size);
      return;
    }

  /* Translators: size of a file, and where it comes from */
  text = g_strdup_printf (_("%s · from the attachment folder"), size);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), text);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_attachment_row_constructed (GObject *object)
{
  ScAttachmentRow *self = SC_ATTACHMENT_ROW (object);
  g_autofree char *name = g_file_get_basename (self->file);
  g_autofree char *shown = g_file_get_parse_name (self->file);
  g_autofree char *uri = g_file_get_uri (self->file);
  g_autofree char *remove_label = NULL;

  G_OBJECT_CLASS (sc_attachment_row_parent_class)->constructed (object);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), shown);

  /* Translators: %s is a file name */
  remove_label = g_strdup_printf (_("Remove %s"), name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->remove_button), remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove_button), "s", uri);

  update_subtitle (self);
}

static void
sc_attachment_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ScAttachmentRow *self = SC_ATTACHMENT_ROW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    case PROP_FROM_FOLDER:
      g_value_set_boolean (value, self->from_folder);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_attachment_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ScAttachmentRow *self = SC_ATTACHMENT_ROW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;
    case PROP_SIZE:
      sc_attachment_row_set_size (self, g_value_get_int64 (value));
      break;
    case PROP_FROM_FOLDER:
      self->from_folder = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

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

  object_class->constructed = sc_attachment_row_constructed;
  object_class->get_property = sc_attachment_row_get_property;
  object_class->set_property = sc_attachment_row_set_property;
  object_class->dispose = sc_attachment_row_dispose;
  object_class->finalize = sc_attachment_row_finalize;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FROM_FOLDER] =
    g_param_spec_boolean ("from-folder", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpclient/SmtpClient/"
                                               "sc-attachment-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ScAttachmentRow, remove_button);
}

static void
sc_attachment_row_init (ScAttachmentRow *self)
{
  self->size = -1;
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
 * Its remove button activates `win.remove-attachment` with the file's URI.
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
sc_attachment_row_new (GFile    *file,
                       gint64    size,
                       gboolean  from_folder)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (SC_TYPE_ATTACHMENT_ROW,
                       "file", file,
                       "size", size,
                       "from-folder", from_folder,
                       NULL);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
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

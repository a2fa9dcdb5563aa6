/* sc-save-changes-dialog.c — the "Save Changes?" question, when the window closes with
 * unsaved changes
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-save-changes-dialog"

#include "config.h"

#include "sc-save-changes-dialog.h"

struct _ScSaveChangesDialog
{
  AdwMessageDialog  parent_instance;
};

G_DEFINE_FINAL_TYPE (ScSaveChangesDialog, sc_save_changes_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
sc_save_changes_dialog_class_init (ScSaveChangesDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpclient/SmtpClient/"
                                               "sc-save-changes-dialog.ui");
}

static void
sc_save_changes_dialog_init (ScSaveChangesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * sc_save_changes_dialog_new:
 * @parent: the window it belongs to
 *
 * Returns: (transfer none): a new modal dialog, not shown yet
 */
GtkWidget *
sc_save_changes_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);

  return g_object_new (SC_TYPE_SAVE_CHANGES_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}

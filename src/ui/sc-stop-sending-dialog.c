/* sc-stop-sending-dialog.c — the "Stop Sending?" question, when the window closes during a
 * send
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-stop-sending-dialog"

#include "config.h"

#include "sc-stop-sending-dialog.h"

struct _ScStopSendingDialog
{
  AdwMessageDialog  parent_instance;
};

G_DEFINE_FINAL_TYPE (ScStopSendingDialog, sc_stop_sending_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
sc_stop_sending_dialog_class_init (ScStopSendingDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpclient/SmtpClient/"
                                               "sc-stop-sending-dialog.ui");
}

static void
sc_stop_sending_dialog_init (ScStopSendingDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * sc_stop_sending_dialog_new:
 * @parent: the window it belongs to
 *
 * Returns: (transfer none): a new modal dialog, not shown yet
 */
GtkWidget *
sc_stop_sending_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);

  return g_object_new (SC_TYPE_STOP_SENDING_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}

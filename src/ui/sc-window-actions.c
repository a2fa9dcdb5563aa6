/* sc-window-actions.c — what the composer window does: its actions
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * win.send (Ctrl+Return), win.save (Ctrl+S), win.cancel (Escape) and win.add-recipient; the
 * attachment actions are in sc-window-attachments.c.
 */

#define G_LOG_DOMAIN "sc-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sc-message.h"
#include "sc-smtp-session.h"
#include "sc-window-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Sending                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
set_sending (ScWindow *self,
             gboolean  sending)
{
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), sending);
  if (sending)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      gtk_progress_bar_set_text (self->progress_bar, _("Connecting…"));
    }
  _sc_window_update_state (self);
}

static void
send_progress_cb (ScWindow      *self,
                  gint64         bytes_sent,
                  gint64         bytes_total,
                  ScSmtpSession *session)
{
  g_autofree char *sent = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;

  if (g_cancellable_is_cancelled (self->cancellable) || self->send_cancellable == NULL)
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
  _sc_window_set_status (self, _("Sending…"), FALSE);
}

static void
show_refused (ScWindow  *self,
              GPtrArray *refused)
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
      ScRefusedRecipient *recipient = refused->pdata[i];

      g_string_append_printf (text, "\n%s — %s", recipient->address, recipient->reply);
    }
  _sc_window_set_status (self, text->str, TRUE);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(ScSendResult) send_result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *refused;

  send_result = sc_smtp_session_send_finish (SC_SMTP_SESSION (object), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  g_clear_object (&self->send_cancellable);
  set_sending (self, FALSE);

  /* "Stop and Close" waited for the send to stop: close now, asking about unsaved changes. */
  if (self->close_after_send)
    {
      self->close_after_send = FALSE;
      _sc_window_close_later (self, FALSE);
    }

  refused = send_result != NULL ? sc_send_result_get_refused (send_result) : NULL;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _sc_window_set_status (self, _("Sending cancelled"), FALSE);
  else if (error != NULL)
    _sc_window_set_status (self, error->message, TRUE);
  else if (refused != NULL && refused->len > 0)
    show_refused (self, refused);
  else
    _sc_window_set_status (self, _("Message sent successfully"), FALSE);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  g_autofree char *body = NULL;
  const char * const *recipients;

  if (!_sc_window_validate (self, &error))
    {
      g_prefix_error (&error, _("Not sent: "));
      _sc_window_set_status (self, error->message, TRUE);
      return;
    }

  recipients = sc_settings_get_recipients (self->settings);
  if (recipients == NULL || recipients[0] == NULL)
    {
      _sc_window_set_status (self, _("Not sent: add at least one recipient"), TRUE);
      return;
    }

  if (self->pending > 0)
    {
      _sc_window_set_status (self, _("Not sent: the message or the attachment folder is still "
                                     "being read"), TRUE);
      return;
    }

  body = _sc_window_dup_body (self);
  for (guint i = 0; i < self->attachments->len; i++)
    g_ptr_array_add (files, sc_attachment_row_get_file (self->attachments->pdata[i]));
  message = sc_message_new (sc_settings_get_login (self->settings), recipients,
                            sc_settings_get_subject (self->settings), body, files);
  sc_message_set_cc (message, sc_settings_get_cc_recipients (self->settings));
  sc_message_set_bcc (message, sc_settings_get_bcc_recipients (self->settings));

  session = sc_smtp_session_new (self->settings);
  g_signal_connect_object (session, "progress", G_CALLBACK (send_progress_cb), self,
                           G_CONNECT_SWAPPED);

  self->send_cancellable = g_cancellable_new ();
  set_sending (self, TRUE);
  _sc_window_set_status (self, _("Sending…"), FALSE);
  sc_smtp_session_send_async (session, message, self->send_cancellable,
                              send_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------------------------ */
/* Other actions                                                                              */
/* ------------------------------------------------------------------------------------------ */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _sc_window_save (SC_WINDOW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);

  if (self->send_cancellable == NULL)
    return;

  g_cancellable_cancel (self->send_cancellable);
  _sc_window_set_status (self, _("Cancelling…"), FALSE);
}

static void
add_recipient_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  gtk_widget_grab_focus (_sc_window_add_recipient (SC_WINDOW (widget), ""));
}

/* ------------------------------------------------------------------------------------------ */
/* Set-up (sc-window-private.h)                                                               */
/* ------------------------------------------------------------------------------------------ */

void
_sc_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.add-recipient", NULL,
                                   add_recipient_action);
  _sc_window_class_init_attachments (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
}

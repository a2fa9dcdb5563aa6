/* sc-window-actions.c — what the composer window does: its actions
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * win.send (Ctrl+Return), win.save (Ctrl+S), win.cancel (Escape) and win.account (the Account
 * dialog); the attachment actions are in sc-window-attachments.c.
 */

#define G_LOG_DOMAIN "sc-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sc-account-dialog.h"
#include "sc-outbox-dialog.h"
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
      self->progress_start = 0;
    }
  _sc_window_update_state (self);
}

/* "about 10 s left", or NULL while there is no honest estimate yet. */
static char *
format_time_left (gint64 elapsed_us,
                  double fraction)
{
  double left;
  guint seconds;

  /* Less than a second of data, or almost nothing sent yet: the rate says nothing. */
  if (elapsed_us < G_USEC_PER_SEC || fraction <= 0.01 || fraction >= 1.0)
    return NULL;

  left = (double) elapsed_us / G_USEC_PER_SEC * (1.0 - fraction) / fraction;
  if (left < 60.0)
    {
      seconds = MAX ((guint) (left + 0.5), 1);
      /* Translators: the time a send still takes, in seconds */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u s left", "about %u s left",
                                           seconds),
                              seconds);
    }

  seconds = (guint) (left / 60.0 + 0.5);
  /* Translators: the time a send still takes, in minutes */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u min left",
                                       "about %u min left", seconds),
                          seconds);
}

/* The session counts the bytes of the encoded message (base64 makes an attachment a third
 * larger, plus headers). The window shows the files' total, so the bar shows the fraction of
 * the message that went, which is the fraction of the files' bytes too, and the status line
 * the files' bytes that this fraction stands for: the numbers match the attachment total. */
static void
send_progress_cb (ScWindow      *self,
                  gint64         bytes_sent,
                  gint64         bytes_total,
                  ScSmtpSession *session)
{
  g_autofree char *left = NULL;
  g_autofree char *text = NULL;
  guint64 files_total;
  double fraction;
  guint percent;

  if (g_cancellable_is_cancelled (self->cancellable) || self->send_cancellable == NULL)
    return;

  if (self->progress_start == 0)
    self->progress_start = g_get_monotonic_time ();

  fraction = bytes_total > 0 ? CLAMP ((double) bytes_sent / bytes_total, 0.0, 1.0) : 0.0;
  percent = (guint) (fraction * 100.0);
  left = format_time_left (g_get_monotonic_time () - self->progress_start, fraction);
  if (left != NULL)
    /* Translators: the progress of a send, e.g. "42 % · about 10 s left" */
    text = g_strdup_printf (_("%u %% · %s"), percent, left);
  else
    /* Translators: the progress of a send, e.g. "42 %" */
    text = g_strdup_printf (_("%u %%"), percent);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);

  files_total = _sc_window_get_attachments_size (self);
  if (files_total > 0)
    {
      g_autofree char *done = g_format_size ((guint64) (files_total * fraction));
      g_autofree char *total = g_format_size (files_total);
      g_autofree char *status = NULL;

      /* Translators: the attachments' bytes sent of their total, e.g.
       * "Sending… 1.2 MB of 3.4 MB" */
      status = g_strdup_printf (_("Sending… %s of %s"), done, total);
      _sc_window_set_status (self, status, FALSE);
    }
  else
    _sc_window_set_status (self, _("Sending…"), FALSE);
}

static void
show_refused (ScWindow  *self,
              GPtrArray *refused)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE,
                                       /* Translators: %u is the number of refused
                                        * recipients; the list of refused addresses and
                                        * the server's replies follows. */
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

/* The message went: say so in the status bar, a toast, and a notification when the window is
 * not the one the user looks at; the window is now "sent" until the next edit. */
static void
sent_successfully (ScWindow *self)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  const char *text = _("Message sent successfully");
  AdwToast *toast = adw_toast_new (text);

  _sc_window_set_status (self, text, FALSE);
  _sc_window_set_sent (self, TRUE);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);

  if (application != NULL && !gtk_window_is_active (GTK_WINDOW (self)))
    {
      g_autoptr(GNotification) notification = g_notification_new (text);
      const char *subject = sc_settings_get_subject (self->settings);

      if (subject != NULL && subject[0] != '\0')
        g_notification_set_body (notification, subject);
      g_application_send_notification (application, "message-sent", notification);
    }
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ScWindow) self = user_data;
  g_autoptr(ScSendResult) send_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScSmtpSession) session = g_steal_pointer (&self->send_session);
  GPtrArray *refused;

  /* The outbox recorded the send, and keeps the message when it failed or may not have
   * arrived (see sc-outbox.c). */
  send_result = sc_outbox_send_finish (SC_OUTBOX (object), result, NULL, &error);

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
    _sc_window_show_error (self, error, sc_smtp_session_get_peer_certificate (session));
  else if (refused != NULL && refused->len > 0)
    show_refused (self, refused);
  else
    sent_successfully (self);
}

static void
start_send (ScWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScSmtpSession) session = NULL;
  g_autoptr(ScMessage) message = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  g_autofree char *body = NULL;
  const char * const *recipients;

  if (!_sc_window_validate (self, &error))
    {
      g_prefix_error (&error, _("Not sent: "));
      _sc_window_show_error (self, error, NULL);
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
  if (self->outbox == NULL)
    self->outbox = sc_outbox_new (NULL);
  g_set_object (&self->send_session, session);
  sc_outbox_send_async (self->outbox, session, message, self->send_cancellable,
                        send_cb, g_object_ref (self));
}

static void
send_again_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        ScWindow         *self)
{
  g_assert (SC_IS_WINDOW (self));

  if (g_strcmp0 (response, "send") == 0 && self->send_cancellable == NULL)
    start_send (self);
}

/* This very message went already: ask before sending it once more. */
static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);

  if (self->send_cancellable != NULL)
    return;

  if (self->sent)
    _sc_window_present_question (self, "sc-window-send-again-dialog.ui",
                                 G_CALLBACK (send_again_response_cb));
  else
    start_send (self);
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

/* The Account dialog edits the window's model in place: the From row follows it. One at a
 * time; @setup: the first-run look ("Set up your account"), when it is not open yet. */
GtkWidget *
_sc_window_open_account (ScWindow *self,
                         gboolean  setup)
{
  if (self->account_dialog == NULL)
    {
      self->account_dialog = GTK_WIDGET (sc_account_dialog_new (GTK_WINDOW (self), self->settings,
                                                                setup));
      g_object_add_weak_pointer (G_OBJECT (self->account_dialog),
                                 (gpointer *) &self->account_dialog);
    }

  gtk_window_present (GTK_WINDOW (self->account_dialog));
  return self->account_dialog;
}

/* The messages kept to be sent again, and what was sent. */
static void
outbox_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);

  if (self->outbox == NULL)
    self->outbox = sc_outbox_new (NULL);
  gtk_window_present (GTK_WINDOW (sc_outbox_dialog_new (GTK_WINDOW (self), self->outbox,
                                                        self->settings)));
}

/* The Keyboard Shortcuts window, built when asked for: GtkApplication would build one for every
 * window before its first frame if it were gtk/help-overlay.ui at the resource base path. */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *overlay;

  builder = gtk_builder_new_from_resource ("/io/github/smtpclient/SmtpClient/"
                                           "sc-shortcuts-window.ui");
  overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  gtk_window_set_transient_for (overlay, GTK_WINDOW (widget));
  gtk_window_present (overlay);
}

static void
account_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _sc_window_open_account (SC_WINDOW (widget), FALSE);
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
  gtk_widget_class_install_action (widget_class, "win.account", NULL, account_action);
  gtk_widget_class_install_action (widget_class, "win.outbox", NULL, outbox_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   show_help_overlay_action);
  _sc_window_class_init_attachments (widget_class);
  _sc_window_class_init_errors (widget_class);
}

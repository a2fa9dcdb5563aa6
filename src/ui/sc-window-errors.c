/* sc-window-errors.c — what went wrong, shown where it can be fixed: the field at fault is
 * marked, the engine's hint says what to do, and one button opens the place to fix it (the
 * Account dialog at that field, the certificate to trust, the broken settings file)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sc-account-dialog.h"
#include "sc-certificate-dialog.h"
#include "sc-error.h"
#include "sc-ui-util.h"
#include "sc-window-private.h"

static gboolean
is_account_field (ScField field)
{
  switch (field)
    {
    case SC_FIELD_HOST:
    case SC_FIELD_PORT:
    case SC_FIELD_SECURITY:
    case SC_FIELD_CA_FILE:
    case SC_FIELD_CERTIFICATE:
    case SC_FIELD_LOGIN:
    case SC_FIELD_PASSWORD:
    case SC_FIELD_TIMEOUT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The window's own widget for @field; the account's fields live in the Account dialog, which
 * the From row opens. */
static GtkWidget *
field_widget (ScWindow *self,
              ScField   field)
{
  if (is_account_field (field))
    return GTK_WIDGET (self->from_row);

  switch (field)
    {
    case SC_FIELD_RECIPIENTS:
      return GTK_WIDGET (self->to_row);
    case SC_FIELD_SUBJECT:
      return GTK_WIDGET (self->subject_row);
    case SC_FIELD_BODY:
      return GTK_WIDGET (self->body_view);
    case SC_FIELD_ATTACHMENTS:
      return GTK_WIDGET (self->attachments_label);
    case SC_FIELD_NONE:
    default:
      return NULL;
    }
}

/* The marks stay until the field is edited (sc-window-settings.c). */

/* Marks @field's widget with @error; TRUE if the window has one for it. */
gboolean
_sc_window_mark_field (ScWindow     *self,
                       ScField       field,
                       const GError *error)
{
  GtkWidget *widget = field_widget (self, field);

  if (widget == NULL)
    return FALSE;

  _sc_widget_show_error (widget, error);
  return TRUE;
}

/* The fix button: shown with the error it fixes, hidden by any other status. */
static void
show_fix (ScWindow   *self,
          const char *label,
          const char *tooltip)
{
  gtk_button_set_label (self->fix_button, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fix_button), tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->fix_button), TRUE);
}

void
_sc_window_hide_fix (ScWindow *self)
{
  if (self->fix_button != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->fix_button), FALSE);
  self->fix = SC_WINDOW_FIX_NONE;
  self->fix_field = SC_FIELD_NONE;
  g_clear_pointer (&self->fix_hint, g_free);
  g_clear_pointer (&self->fix_certificate, sc_certificate_info_unref);
  g_clear_object (&self->fix_file);
}

/**
 * _sc_window_show_error:
 * @self: the window
 * @error: what went wrong (a send, a check)
 * @certificate: (nullable): the certificate the server presented, for a refused one
 *
 * Puts @error in the status bar with the engine's hint (sc_error_hint_for_error ()), marks
 * the field at fault, and offers the way to fix it: the Account dialog at that field, or the
 * certificate to review and trust. A field of the message itself gets the focus.
 */
void
_sc_window_show_error (ScWindow          *self,
                       const GError      *error,
                       ScCertificateInfo *certificate)
{
  g_autoptr(ScErrorHint) hint = sc_error_hint_for_error (error, self->settings);
  g_autofree char *text = NULL;
  ScField field = hint != NULL ? hint->field : SC_FIELD_NONE;

  if (hint != NULL && hint->text != NULL)
    /* Translators: an error message, then on its own line a hint on how to fix it */
    text = g_strdup_printf (_("%s\n%s"), error->message, hint->text);

  _sc_window_set_status (self, text != NULL ? text : error->message, TRUE);
  _sc_window_mark_field (self, field, error);

  if (field == SC_FIELD_CERTIFICATE && certificate != NULL)
    {
      self->fix = SC_WINDOW_FIX_CERTIFICATE;
      self->fix_certificate = sc_certificate_info_ref (certificate);
      show_fix (self, _("_Review Certificate…"),
                _("See the server's certificate, and trust it if it is the right one"));
    }
  else if (is_account_field (field))
    {
      self->fix = SC_WINDOW_FIX_ACCOUNT;
      self->fix_field = field;
      self->fix_hint = g_strdup (hint->text != NULL ? hint->text : error->message);
      show_fix (self, _("Open _Account…"), _("Open the account settings at the field to fix"));
    }
  else if (field != SC_FIELD_NONE && field != SC_FIELD_ATTACHMENTS)
    gtk_widget_grab_focus (field_widget (self, field));
}

/**
 * _sc_window_show_unreadable:
 * @self: the window
 * @error: why the settings could not be read
 * @file: the settings file that could not be read or parsed
 *
 * A settings file that does not parse: its name, line and column in the status bar, and the
 * way to fix it, in a text editor; Reload reads the settings again. Save never overwrites it
 * (the store refuses), and the rest of the window still works.
 */
void
_sc_window_show_unreadable (ScWindow     *self,
                            const GError *error,
                            GFile        *file)
{
  _sc_window_set_status (self, error->message, TRUE);
  self->fix = SC_WINDOW_FIX_FILE;
  self->fix_file = g_object_ref (file);
  show_fix (self, _("_Open in Text Editor"), _("Fix the file, then reload the settings"));
  gtk_widget_set_visible (GTK_WIDGET (self->reload_button), TRUE);
}

/* ------------------------------------------------------------------------------------------ */
/* Actions                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
trust_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   ScWindow         *self)
{
  /* The dialog pinned the fingerprint in the model: keep it in config.json. */
  if (g_strcmp0 (response, "trust") == 0)
    {
      _sc_window_hide_fix (self);
      _sc_widget_show_error (GTK_WIDGET (self->from_row), NULL);
      _sc_window_save (self);
    }
}

static void
fix_error_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);
  GtkWidget *dialog;

  switch (self->fix)
    {
    case SC_WINDOW_FIX_CERTIFICATE:
      dialog = sc_certificate_dialog_new (GTK_WINDOW (self), self->fix_certificate,
                                          self->settings);
      g_signal_connect_object (dialog, "response", G_CALLBACK (trust_response_cb), self,
                               G_CONNECT_AFTER);
      gtk_window_present (GTK_WINDOW (dialog));
      break;

    case SC_WINDOW_FIX_ACCOUNT:
      dialog = _sc_window_open_account (self, FALSE);
      sc_account_dialog_show_field (SC_ACCOUNT_DIALOG (dialog), self->fix_field,
                                    self->fix_hint);
      break;

    case SC_WINDOW_FIX_FILE:
      /* A text editor, whatever opens .json files: the user fixes the file there. */
      _sc_window_open_file (self, self->fix_file);
      break;

    case SC_WINDOW_FIX_NONE:
    default:
      break;
    }
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScWindow *self = SC_WINDOW (widget);

  gtk_widget_set_visible (GTK_WIDGET (self->reload_button), FALSE);
  _sc_window_hide_fix (self);
  _sc_window_set_status (self, _("Reading the settings…"), FALSE);
  _sc_window_load (self, TRUE);
}

void
_sc_window_class_init_errors (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.fix-error", NULL, fix_error_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, fix_button);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, reload_button);
}

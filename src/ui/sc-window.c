/* sc-window.c — the composer window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window edits an ScSettings model (sc-window-settings.c). Its own state is public as
 * properties, and what it does as actions (sc-window-actions.c, sc-window-attachments.c).
 */

#define G_LOG_DOMAIN "sc-window"

#include "config.h"

#include "sc-window.h"

#include <glib/gi18n.h>

#include "sc-ui-resources.h"
#include "sc-ui-util.h"
#include "sc-window-private.h"

/* The resources are registered with the type, not in class_init: the application ensures the
 * type before GtkApplication's startup, which loads what it finds under the application's
 * resource base path (the Keyboard Shortcuts window is not there, see
 * show_help_overlay_action ()). */
G_DEFINE_FINAL_TYPE_WITH_CODE (ScWindow, sc_window, ADW_TYPE_APPLICATION_WINDOW,
                               sc_ui_register_resource ())

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_BUSY,
  PROP_MODIFIED,
  PROP_STATUS_TEXT,
  PROP_SENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
update_title (ScWindow *self)
{
  g_autofree char *dir = NULL;

  if (self->modified)
    /* Translators: the window title when there are unsaved changes */
    gtk_window_set_title (GTK_WINDOW (self), _("• SMTP Client"));
  else
    gtk_window_set_title (GTK_WINDOW (self), _("SMTP Client"));

  if (self->sent && self->modified)
    /* Translators: the window subtitle after a send, when there are unsaved changes */
    adw_window_title_set_subtitle (self->window_title, _("Sent · Unsaved changes"));
  else if (self->sent)
    /* Translators: the window subtitle after this message was sent */
    adw_window_title_set_subtitle (self->window_title, _("Sent"));
  else if (self->modified)
    adw_window_title_set_subtitle (self->window_title, _("Unsaved changes"));
  else
    {
      if (self->settings != NULL)
        dir = g_file_get_parse_name (sc_settings_get_directory (self->settings));
      adw_window_title_set_subtitle (self->window_title, dir != NULL ? dir : "");
    }
}

/* Names each button of @widget's tree by its visible label without the mnemonic mark:
 * libadwaita 1.2 names AdwMessageDialog's response buttons by their label property ("_Save")
 * and their label child ("Save") both, so screen readers say "_Save Save". */
static void
name_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *label = GTK_IS_BUTTON (child) ? gtk_button_get_label (GTK_BUTTON (child)) : NULL;

      if (label != NULL && gtk_button_get_use_underline (GTK_BUTTON (child)))
        {
          g_autofree char *name = _sc_strip_mnemonic (label);

          /* Its name is its label property and its labelling child both: keep one. */
          gtk_accessible_reset_relation (GTK_ACCESSIBLE (child),
                                         GTK_ACCESSIBLE_RELATION_LABELLED_BY);
          gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                          -1);
        }
      name_buttons (child);
    }
}

/* Shows the question of the .ui file @name (a modal AdwMessageDialog with the id "dialog"). */
GtkWidget *
_sc_window_present_question (ScWindow   *self,
                             const char *name,
                             GCallback   response_cb)
{
  g_autofree char *path = g_strconcat ("/io/github/smtpclient/SmtpClient/", name, NULL);
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (path);
  GtkWidget *dialog = GTK_WIDGET (gtk_builder_get_object (builder, "dialog"));

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "response", response_cb, self, 0);
  name_buttons (dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

/* The status label says "status-text", except while a send shows its progress: then the
 * inscription sending_status does, which redraws a new text without a new layout of the whole
 * window (a label, even a hidden one, asks for one at each new text, several times a second). */
static void
sync_status_label (ScWindow *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->progress_bar)))
    gtk_label_set_label (self->status_label, self->status_text);
}

/* ------------------------------------------------------------------------------------------ */
/* Callbacks                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void
body_changed_cb (ScWindow      *self,
                 GtkTextBuffer *buffer)
{
  g_assert (SC_IS_WINDOW (self));

  self->body_modified = TRUE;
  _sc_window_set_sent (self, FALSE);
  _sc_window_update_state (self);
}

/* Any change of the model but its "modified" flag (a save) is an edit: the message as it is
 * now was not sent. */
static void
settings_notify_cb (ScWindow   *self,
                    GParamSpec *pspec,
                    ScSettings *settings)
{
  g_assert (SC_IS_WINDOW (self));

  if (!g_str_equal (pspec->name, "modified"))
    _sc_window_set_sent (self, FALSE);
}

static gboolean
close_idle_cb (gpointer data)
{
  ScWindow *self = data;

  if (!g_cancellable_is_cancelled (self->cancellable))
    gtk_window_close (GTK_WINDOW (self));

  return G_SOURCE_REMOVE;
}

static void
save_changes_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          ScWindow         *self)
{
  g_assert (SC_IS_WINDOW (self));

  if (g_strcmp0 (response, "discard") == 0)
    _sc_window_close_later (self, TRUE);
  else if (g_strcmp0 (response, "save") == 0)
    {
      self->close_after_save = TRUE;
      _sc_window_save (self);
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

  /* The send ended while the dialog was open: just close. */
  if (self->send_cancellable == NULL)
    {
      _sc_window_close_later (self, FALSE);
      return;
    }

  gtk_widget_activate_action (GTK_WIDGET (self), "win.cancel", NULL);

  /* With unsaved changes, ask about them once the send has stopped; else close now, as the
   * window's own cancellation does the rest. */
  if (self->modified)
    self->close_after_send = TRUE;
  else
    _sc_window_close_later (self, TRUE);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject and GtkWindow                                                                      */
/* ------------------------------------------------------------------------------------------ */

static gboolean
sc_window_close_request (GtkWindow *window)
{
  ScWindow *self = SC_WINDOW (window);

  /* Ask about the send first; once it has stopped, about unsaved changes. */
  if (self->send_cancellable != NULL && !self->force_close)
    {
      if (self->close_after_send)
        return TRUE;

      if (self->stop_dialog != NULL)
        gtk_window_present (GTK_WINDOW (self->stop_dialog));
      else
        {
          self->stop_dialog = _sc_window_present_question (self, "sc-stop-sending-dialog.ui",
                                                           G_CALLBACK (stop_sending_response_cb));
          g_object_add_weak_pointer (G_OBJECT (self->stop_dialog),
                                     (gpointer *) &self->stop_dialog);
        }
      return TRUE;
    }

  if (self->modified && !self->force_close)
    {
      _sc_window_present_question (self, "sc-save-changes-dialog.ui",
                                   G_CALLBACK (save_changes_response_cb));
      return TRUE;
    }

  g_cancellable_cancel (self->cancellable);
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
sc_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  ScWindow *self = SC_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;
    case PROP_STATUS_TEXT:
      g_value_set_string (value, self->status_text);
      break;
    case PROP_SENT:
      g_value_set_boolean (value, self->sent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_window_dispose (GObject *object)
{
  ScWindow *self = SC_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->send_cancellable);

  if (self->stop_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->stop_dialog), (gpointer *) &self->stop_dialog);
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->stop_dialog)));
    }

  if (self->account_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->account_dialog),
                                    (gpointer *) &self->account_dialog);
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->account_dialog)));
    }

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_WINDOW);

  G_OBJECT_CLASS (sc_window_parent_class)->dispose (object);
}

static void
sc_window_finalize (GObject *object)
{
  ScWindow *self = SC_WINDOW (object);

  g_clear_pointer (&self->no_settings_dir, g_free);
  g_clear_pointer (&self->status_text, g_free);
  g_clear_pointer (&self->fix_hint, g_free);
  g_clear_pointer (&self->fix_certificate, sc_certificate_info_unref);
  g_clear_object (&self->fix_file);
  g_clear_object (&self->send_session);
  g_clear_object (&self->outbox);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->send_cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (self->address_errors); i++)
    g_clear_error (&self->address_errors[i]);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (sc_window_parent_class)->finalize (object);
}

static void
sc_window_class_init (ScWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = sc_window_get_property;
  object_class->dispose = sc_window_dispose;
  object_class->finalize = sc_window_finalize;
  widget_class->focus = sc_window_focus;
  window_class->close_request = sc_window_close_request;

  /**
   * ScWindow:settings:
   *
   * The settings model the window shows and edits.
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, SC_TYPE_SETTINGS,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ScWindow:busy:
   *
   * Whether anything is in flight: a send, a save, a load, a listing or a measurement.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ScWindow:modified:
   *
   * Whether the settings or the message have changes that are not saved.
   */
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ScWindow:status-text:
   *
   * What the status bar says.
   */
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ScWindow:sent:
   *
   * Whether the message as it is now was sent: set by a successful send, cleared by any edit
   * of the message, its recipients, its attachments or the account.
   */
  properties[PROP_SENT] =
    g_param_spec_boolean ("sent", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (GDK_TYPE_FILE_LIST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpclient/SmtpClient/sc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ScWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, from_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, to_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, to_error_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, to_error_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, cc_bcc_button);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, cc_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, cc_error_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, cc_error_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, bcc_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, bcc_error_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, bcc_error_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, subject_row);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, body_view);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, attachments_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, folder_button);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, folder_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, attachments_scroller);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, attachments_list);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ScWindow, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, body_changed_cb);

  _sc_window_class_add_actions (widget_class);
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
  self->status_text = g_strdup ("");
  gtk_widget_init_template (GTK_WIDGET (self));
  load_css (GTK_WIDGET (self));
  g_signal_connect_object (self->progress_bar, "notify::visible", G_CALLBACK (sync_status_label),
                           self, G_CONNECT_SWAPPED);

  self->cancellable = g_cancellable_new ();

  _sc_window_init_attachments (self);

  _sc_entry_row_label_accessible (GTK_WIDGET (self->to_row));
  _sc_entry_row_label_accessible (GTK_WIDGET (self->cc_row));
  _sc_entry_row_label_accessible (GTK_WIDGET (self->bcc_row));
  _sc_entry_row_label_accessible (GTK_WIDGET (self->subject_row));
  _sc_entry_row_set_mnemonic (GTK_WIDGET (self->to_row));
  _sc_entry_row_set_mnemonic (GTK_WIDGET (self->cc_row));
  _sc_entry_row_set_mnemonic (GTK_WIDGET (self->bcc_row));
  _sc_entry_row_set_mnemonic (GTK_WIDGET (self->subject_row));

  _sc_window_update_state (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Private API (sc-window-private.h)                                                          */
/* ------------------------------------------------------------------------------------------ */

void
_sc_window_set_status (ScWindow   *self,
                       const char *text,
                       gboolean    is_error)
{
  if (text == NULL)
    text = "";

  /* A fix offered for an earlier error goes with it; a file that does not parse stays until
   * it is reloaded. */
  if (self->fix != SC_WINDOW_FIX_FILE)
    _sc_window_hide_fix (self);

  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");

  if (g_strcmp0 (self->status_text, text) == 0)
    return;

  g_free (self->status_text);
  self->status_text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
  sync_status_label (self);
}

/* Works out "busy" and "modified", notifies what changed and enables the actions. */
void
_sc_window_update_state (ScWindow *self)
{
  gboolean sending = self->send_cancellable != NULL;
  gboolean busy = sending || self->saving || self->pending > 0;
  gboolean modified;

  if (self->settings == NULL)
    return;
  modified = sc_settings_get_modified (self->settings) || self->body_modified;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send", !sending && !self->saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", !sending && !self->saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel", sending);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), sending);

  if (self->busy != busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }

  if (self->modified != modified)
    {
      self->modified = modified;
      update_title (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
    }
}

char *
_sc_window_dup_body (ScWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
_sc_window_set_sent (ScWindow *self,
                     gboolean  sent)
{
  sent = !!sent;
  if (self->sent == sent)
    return;

  self->sent = sent;
  update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENT]);
}

/* Closes once the current dialog response (if any) is done; @force: without asking. */
void
_sc_window_close_later (ScWindow *self,
                        gboolean  force)
{
  if (force)
    self->force_close = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT, close_idle_cb, g_object_ref (self), g_object_unref);
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
      self->no_settings_dir = g_strdup (error->message);
    }

  self->store = sc_settings_store_new (dir);
  self->settings = g_object_ref (sc_settings_store_get_settings (self->store));
  update_title (self);
  g_signal_connect_object (self->settings, "notify", G_CALLBACK (settings_notify_cb), self,
                           G_CONNECT_SWAPPED);
  _sc_window_bind_settings (self);
  if (self->no_settings_dir != NULL)
    _sc_window_set_status (self, self->no_settings_dir, TRUE);

  return self;
}

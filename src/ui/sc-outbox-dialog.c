/* sc-outbox-dialog.c — the messages kept to be sent again, and the history of sends
 *
 * The outbox lists what failed or may not have arrived, each with Send Again (the same bytes,
 * the same Message-ID: sc_outbox_retry_async ()) and Delete; one the server may already have
 * asks first. The history lists what was sent, newest first. Everything is read and sent on
 * the engine's workers.
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-outbox-dialog"

#include "config.h"

#include "sc-outbox-dialog.h"

#include <glib/gi18n.h>

#include "sc-smtp-session.h"

struct _ScOutboxDialog
{
  AdwPreferencesWindow  parent_instance;

  ScOutbox             *outbox;
  ScSettings           *settings;
  GCancellable         *cancellable;    /* cancelled when the dialog goes */
  AdwPreferencesGroup  *outbox_group;
  AdwPreferencesGroup  *history_group;
  GPtrArray            *rows;           /* the rows shown, to remove on a reload */
};

G_DEFINE_FINAL_TYPE (ScOutboxDialog, sc_outbox_dialog, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_OUTBOX,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload (ScOutboxDialog *self);

/* ------------------------------------------------------------------------------------------ */
/* Rows                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static gboolean
may_have_arrived (ScOutboxEntry *entry)
{
  ScOutboxState state = sc_outbox_entry_get_state (entry);

  return state == SC_OUTBOX_STATE_UNCERTAIN || state == SC_OUTBOX_STATE_INTERRUPTED;
}

/* "To · time · what happened", one line */
static char *
describe (ScOutboxEntry *entry)
{
  g_autofree char *to = g_strjoinv (", ", (char **) sc_outbox_entry_get_to (entry));
  g_autoptr(GDateTime) local = g_date_time_to_local (sc_outbox_entry_get_time (entry));
  g_autofree char *when = g_date_time_format (local, "%x %X");
  const char *what = sc_outbox_entry_get_reason (entry);

  if (what == NULL || what[0] == '\0')
    what = sc_outbox_entry_get_reply (entry);
  if (what == NULL || what[0] == '\0')
    /* Translators: the first %s is the recipients, the second the date and time */
    return g_strdup_printf (_("To %s · %s"), to, when);

  /* Translators: the first %s is the recipients, the second the date and time, the third
   * what happened (the server's reply or why it was not sent) */
  return g_strdup_printf (_("To %s · %s · %s"), to, when, what);
}

static void
retry_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScOutboxDialog) self = user_data;
  g_autoptr(ScSendResult) sent = NULL;
  g_autoptr(GError) error = NULL;

  sent = sc_outbox_retry_finish (SC_OUTBOX (object), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (error != NULL
                                                   ? error->message
                                                   : _("Message sent successfully")));
  reload (self);
}

static void
retry (ScOutboxDialog *self,
       const char     *id,
       gboolean        confirm_uncertain)
{
  g_autoptr(ScSmtpSession) session = sc_smtp_session_new (self->settings);

  sc_outbox_retry_async (self->outbox, session, id, confirm_uncertain, self->cancellable,
                         retry_done_cb, g_object_ref (self));
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     ScOutboxDialog   *self)
{
  if (g_strcmp0 (response, "send") == 0)
    retry (self, g_object_get_data (G_OBJECT (dialog), "sc-id"), TRUE);
}

static void
send_again_clicked_cb (GtkButton      *button,
                       ScOutboxDialog *self)
{
  ScOutboxEntry *entry = g_object_get_data (G_OBJECT (button), "sc-entry");
  GtkWidget *dialog;

  if (!may_have_arrived (entry))
    {
      retry (self, sc_outbox_entry_get_id (entry), FALSE);
      return;
    }

  /* The server may already have it: its recipients could get it twice. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Send Again?"),
                                   _("The server may already have this message: the "
                                     "connection ended, or the program stopped, after the "
                                     "whole message was sent. Sending it again may deliver "
                                     "it twice."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "send", _("_Send Again"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "sc-id", g_strdup (sc_outbox_entry_get_id (entry)),
                          g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ScOutboxDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sc_outbox_delete_finish (SC_OUTBOX (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
    }
  reload (self);
}

static void
delete_clicked_cb (GtkButton      *button,
                   ScOutboxDialog *self)
{
  ScOutboxEntry *entry = g_object_get_data (G_OBJECT (button), "sc-entry");

  sc_outbox_delete_async (self->outbox, sc_outbox_entry_get_id (entry), self->cancellable,
                          delete_done_cb, g_object_ref (self));
}

static GtkWidget *
add_button (GtkWidget     *row,
            const char    *label,
            ScOutboxEntry *entry,
            GCallback      clicked,
            gpointer       self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "sc-entry", g_object_ref (entry), g_object_unref);
  g_signal_connect_object (button, "clicked", clicked, self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return button;
}

static void
add_row (ScOutboxDialog      *self,
         AdwPreferencesGroup *group,
         ScOutboxEntry       *entry,
         gboolean             kept)
{
  GtkWidget *row = adw_action_row_new ();
  const char *subject = sc_outbox_entry_get_subject (entry);
  g_autofree char *subtitle = describe (entry);

  /* A subject or a server's reply is text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 subject != NULL && subject[0] != '\0' ? subject
                                                                       : _("(no subject)"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  if (kept)
    {
      if (sc_outbox_entry_get_has_message (entry))
        add_button (row, _("Send _Again"), entry, G_CALLBACK (send_again_clicked_cb), self);
      add_button (row, _("_Delete"), entry, G_CALLBACK (delete_clicked_cb), self);
    }

  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
fill (ScOutboxDialog      *self,
      AdwPreferencesGroup *group,
      GListModel          *entries,
      gboolean             kept,
      const char          *empty)
{
  guint n = entries != NULL ? g_list_model_get_n_items (entries) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScOutboxEntry) entry = g_list_model_get_item (entries, i);

      add_row (self, group, entry, kept);
    }

  adw_preferences_group_set_description (group, n == 0 ? empty : NULL);
}

static void
history_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ScOutboxDialog) self = user_data;
  g_autoptr(GListModel) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = sc_outbox_list_finish (SC_OUTBOX (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  fill (self, self->history_group, entries, FALSE,
        error != NULL ? error->message : _("Nothing was sent yet"));
}

static void
outbox_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ScOutboxDialog) self = user_data;
  g_autoptr(GListModel) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = sc_outbox_list_finish (SC_OUTBOX (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  fill (self, self->outbox_group, entries, TRUE,
        error != NULL ? error->message : _("Every message was sent"));

  /* Then the history (one worker at a time on the store). */
  sc_outbox_list_history_async (self->outbox, self->cancellable, history_listed_cb,
                                g_object_ref (self));
}

static void
reload (ScOutboxDialog *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = self->rows->pdata[i];
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);

  sc_outbox_list_outbox_async (self->outbox, self->cancellable, outbox_listed_cb,
                               g_object_ref (self));
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_outbox_dialog_constructed (GObject *object)
{
  ScOutboxDialog *self = SC_OUTBOX_DIALOG (object);
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());

  G_OBJECT_CLASS (sc_outbox_dialog_parent_class)->constructed (object);

  gtk_window_set_title (GTK_WINDOW (self), _("Sent and Outbox"));
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 560);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (self), FALSE);

  self->outbox_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->outbox_group, _("Outbox"));
  self->history_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->history_group, _("Sent"));
  adw_preferences_page_add (page, self->outbox_group);
  adw_preferences_page_add (page, self->history_group);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);

  reload (self);
}

/* Gone from the screen (closed or destroyed): what it started stops, and it lets go of its
 * window now, which may be gone by the time the last callback drops its reference. */
static void
sc_outbox_dialog_unrealize (GtkWidget *widget)
{
  g_cancellable_cancel (SC_OUTBOX_DIALOG (widget)->cancellable);
  gtk_window_set_transient_for (GTK_WINDOW (widget), NULL);

  GTK_WIDGET_CLASS (sc_outbox_dialog_parent_class)->unrealize (widget);
}

static void
sc_outbox_dialog_dispose (GObject *object)
{
  ScOutboxDialog *self = SC_OUTBOX_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->outbox);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sc_outbox_dialog_parent_class)->dispose (object);
}

static void
sc_outbox_dialog_finalize (GObject *object)
{
  ScOutboxDialog *self = SC_OUTBOX_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (sc_outbox_dialog_parent_class)->finalize (object);
}

static void
sc_outbox_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ScOutboxDialog *self = SC_OUTBOX_DIALOG (object);

  switch (prop_id)
    {
    case PROP_OUTBOX:
      self->outbox = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_outbox_dialog_class_init (ScOutboxDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sc_outbox_dialog_constructed;
  object_class->dispose = sc_outbox_dialog_dispose;
  object_class->finalize = sc_outbox_dialog_finalize;
  object_class->set_property = sc_outbox_dialog_set_property;
  GTK_WIDGET_CLASS (klass)->unrealize = sc_outbox_dialog_unrealize;

  properties[PROP_OUTBOX] =
    g_param_spec_object ("outbox", NULL, NULL, SC_TYPE_OUTBOX,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, SC_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sc_outbox_dialog_init (ScOutboxDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_outbox_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @outbox: the store to show
 * @settings: the account to send again with
 *
 * Returns: (transfer full): a new dialog, not shown yet
 */
ScOutboxDialog *
sc_outbox_dialog_new (GtkWindow  *parent,
                      ScOutbox   *outbox,
                      ScSettings *settings)
{
  g_return_val_if_fail (SC_IS_OUTBOX (outbox), NULL);
  g_return_val_if_fail (SC_IS_SETTINGS (settings), NULL);

  return g_object_new (SC_TYPE_OUTBOX_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "outbox", outbox,
                       "settings", settings,
                       NULL);
}

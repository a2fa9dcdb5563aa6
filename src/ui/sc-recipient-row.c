/* sc-recipient-row.c — one recipient address in the composer window
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-recipient-row"

#include "config.h"

#include "sc-recipient-row.h"

#include "sc-address.h"
#include "sc-ui-util.h"

struct _ScRecipientRow
{
  AdwEntryRow  parent_instance;
};

G_DEFINE_FINAL_TYPE (ScRecipientRow, sc_recipient_row, ADW_TYPE_ENTRY_ROW)

enum {
  REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------------------ */
/* Callbacks                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void
changed_cb (ScRecipientRow *self)
{
  g_autofree char *address = sc_recipient_row_dup_address (self);

  g_assert (SC_IS_RECIPIENT_ROW (self));

  /* Validate as the user types, but leave an empty row alone. */
  if (address[0] == '\0')
    _sc_widget_show_error (GTK_WIDGET (self), NULL);
  else
    sc_recipient_row_validate (self, NULL);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[REMOVE], 0);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_recipient_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SC_TYPE_RECIPIENT_ROW);

  G_OBJECT_CLASS (sc_recipient_row_parent_class)->dispose (object);
}

static void
sc_recipient_row_class_init (ScRecipientRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sc_recipient_row_dispose;

  /**
   * ScRecipientRow::remove:
   *
   * The user asked to remove this recipient (the row's remove button).
   */
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpclient/SmtpClient/"
                                               "sc-recipient-row.ui");
  gtk_widget_class_install_action (widget_class, "recipient.remove", NULL, remove_action);
}

static void
sc_recipient_row_init (ScRecipientRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _sc_entry_row_label_accessible (GTK_WIDGET (self));
  g_signal_connect (self, "changed", G_CALLBACK (changed_cb), NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_recipient_row_new:
 * @address: (nullable): the address, or %NULL for an empty row
 *
 * Returns: (transfer floating): a new row; an address that is not valid is marked at once
 */
GtkWidget *
sc_recipient_row_new (const char *address)
{
  GtkWidget *row = g_object_new (SC_TYPE_RECIPIENT_ROW, NULL);

  gtk_editable_set_text (GTK_EDITABLE (row), address != NULL ? address : "");

  return row;
}

/**
 * sc_recipient_row_dup_address:
 *
 * Returns: (transfer full): the address, without surrounding white space ("" if empty)
 */
char *
sc_recipient_row_dup_address (ScRecipientRow *self)
{
  g_return_val_if_fail (SC_IS_RECIPIENT_ROW (self), NULL);

  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self))));
}

/**
 * sc_recipient_row_validate:
 * @error: return location for a #GError
 *
 * Checks the address (sc_address_validate ()) and marks the row when it is not valid.
 *
 * Returns: whether the address is valid
 */
gboolean
sc_recipient_row_validate (ScRecipientRow  *self,
                           GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *address = NULL;

  g_return_val_if_fail (SC_IS_RECIPIENT_ROW (self), FALSE);

  address = sc_recipient_row_dup_address (self);
  if (!sc_address_validate (address, &local_error))
    {
      _sc_widget_show_error (GTK_WIDGET (self), local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  _sc_widget_show_error (GTK_WIDGET (self), NULL);
  return TRUE;
}

/* sc-ui-util.c — small helpers shared by the window and its rows
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-ui-util"

#include "config.h"

#include "sc-ui-util.h"

/**
 * _sc_strip_mnemonic:
 * @label: a label with mnemonics ("_Save", "Drag __and drop")
 *
 * Returns: (transfer full): @label as it shows: without the marks ("Save", "Drag _and drop")
 */
char *
_sc_strip_mnemonic (const char *label)
{
  GString *out = g_string_new (NULL);

  for (const char *p = label; p != NULL && *p != '\0'; p++)
    {
      if (*p == '_')
        {
          if (p[1] == '_')
            p++;
          else
            continue;
        }
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* GTK 4.8 names an accessible by its label property and its labelled-by relation both, and
 * AdwEntryRow labels its text by its two title labels again when it is shown ("Subject
 * Subject Subject"): the label alone. */
static void
name_text (GtkWidget *text)
{
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  g_object_get_data (G_OBJECT (text), "sc-accessible-name"),
                                  -1);
}

/**
 * _sc_entry_row_label_accessible:
 * @row: an #AdwEntryRow
 *
 * Makes the row's title its accessible name, on the row and on the text inside it. AdwEntryRow
 * labels its text with both of its title labels ("Subject Subject"): one is enough, and without
 * the mnemonic mark of a title that has one.
 */
void
_sc_entry_row_label_accessible (GtkWidget *row)
{
  g_autofree char *title = adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (row))
    ? _sc_strip_mnemonic (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)))
    : g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (row));

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  if (delegate != NULL)
    {
      /* GTK 4.8 keeps the GtkText inside an entry out of the accessible tree (role "none"):
       * the focus is on it, so screen readers get no focus event and cannot read what it
       * holds. Make it the text box, before its accessible is realized. */
      if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (delegate))
          == GTK_ACCESSIBLE_ROLE_NONE)
        g_object_set (delegate, "accessible-role", GTK_ACCESSIBLE_ROLE_TEXT_BOX, NULL);
      g_object_set_data_full (G_OBJECT (delegate), "sc-accessible-name", g_strdup (title),
                              g_free);
      name_text (GTK_WIDGET (delegate));
      g_signal_connect (delegate, "map", G_CALLBACK (name_text), NULL);
    }
}

static void
set_mnemonic_widget (GtkWidget  *widget,
                     const char *title,
                     GtkWidget  *target)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), title) == 0)
        {
          gtk_label_set_use_underline (GTK_LABEL (child), TRUE);
          gtk_label_set_mnemonic_widget (GTK_LABEL (child), target);
        }
      set_mnemonic_widget (child, title, target);
    }
}

/**
 * _sc_entry_row_set_mnemonic:
 * @row: an #AdwEntryRow whose title has a mnemonic ("_Subject") and "use-underline" set
 *
 * Makes Alt and the title's marked letter focus the row's text. libadwaita 1.2 underlines the
 * letter in the title labels but gives them no mnemonic widget, so the key does nothing.
 */
void
_sc_entry_row_set_mnemonic (GtkWidget *row)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (row));

  g_return_if_fail (adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (row)));

  if (delegate != NULL)
    set_mnemonic_widget (row, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                         GTK_WIDGET (delegate));
}

/**
 * _sc_widget_set_tooltip:
 * @widget: a widget
 * @tooltip: (nullable): its tooltip, or %NULL for none
 *
 * Sets @widget's tooltip, only if it changes: for each new tooltip of a visible widget GTK asks
 * the X server where the pointer is (round trips), and the window's fields hear of every key
 * of a settings load.
 */
void
_sc_widget_set_tooltip (GtkWidget  *widget,
                        const char *tooltip)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) != 0)
    gtk_widget_set_tooltip_text (widget, tooltip);
}

/**
 * _sc_widget_show_error:
 * @widget: a field
 * @error: (nullable): what is wrong with it, or %NULL if nothing is
 *
 * Marks a field as invalid (the "error" style class and the message as its tooltip), or as
 * valid again.
 */
void
_sc_widget_show_error (GtkWidget    *widget,
                       const GError *error)
{
  if (error != NULL)
    {
      gtk_widget_add_css_class (widget, "error");
      _sc_widget_set_tooltip (widget, error->message);
    }
  else if (gtk_widget_has_css_class (widget, "error"))
    {
      gtk_widget_remove_css_class (widget, "error");
      _sc_widget_set_tooltip (widget, NULL);
    }
}

/* A binding transform: a string property (maybe NULL) to a text (never NULL). */
gboolean
_sc_transform_string_to_text (GBinding     *binding,
                              const GValue *from,
                              GValue       *to,
                              gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_string (to, text != NULL ? text : "");
  return TRUE;
}

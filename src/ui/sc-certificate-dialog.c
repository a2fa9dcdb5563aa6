/* sc-certificate-dialog.c — a server's certificate, for the user to trust or not
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shown when a server's certificate was refused (G_TLS_ERROR_BAD_CERTIFICATE): by Test
 * Connection in the Account dialog, and by the window after a failed send. "Trust This
 * Certificate" pins its SHA-256 fingerprint in the model ("tls-fingerprint"); the engine then
 * accepts that certificate, and only that one.
 */

#define G_LOG_DOMAIN "sc-certificate-dialog"

#include "config.h"

#include "sc-certificate-dialog.h"

#include <glib/gi18n.h>

struct _ScCertificateDialog
{
  AdwMessageDialog   parent_instance;

  ScCertificateInfo *info;
  ScSettings        *settings;
};

G_DEFINE_FINAL_TYPE (ScCertificateDialog, sc_certificate_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* < private > also for the Account dialog's Test Connection result */
char *
_sc_certificate_format_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return g_strdup (_("Unknown"));

  local = g_date_time_to_local (date);
  /* Translators: how a certificate's validity dates are shown (date and time); see
   * g_date_time_format () */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}

/* One "name: value" line of the details; the value is selectable, labelled by its name. */
static void
add_detail (GtkGrid    *grid,
            int         line,
            const char *name,
            const char *value,
            gboolean    monospace)
{
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (name_label), 1.0);
  gtk_label_set_yalign (GTK_LABEL (name_label), 0.0);
  gtk_widget_add_css_class (name_label, "dim-label");

  gtk_label_set_xalign (GTK_LABEL (value_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  /* Wide enough that the dialog is not measured at a sliver of a column (and so very tall). */
  gtk_label_set_width_chars (GTK_LABEL (value_label), 32);
  gtk_label_set_max_width_chars (GTK_LABEL (value_label), 48);
  gtk_widget_set_hexpand (value_label, TRUE);
  if (monospace)
    {
      /* A SHA-256 fingerprint on two lines of 16 pairs */
      gtk_label_set_width_chars (GTK_LABEL (value_label), 47);
      gtk_widget_add_css_class (value_label, "monospace");
    }
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, name_label, NULL,
                                  -1);

  gtk_grid_attach (grid, name_label, 0, line, 1, 1);
  gtk_grid_attach (grid, value_label, 1, line, 1, 1);
}

/* Whether another certificate was trusted before this one. */
static gboolean
changed_since_trusted (ScCertificateDialog *self)
{
  const char *pinned = sc_settings_get_tls_fingerprint (self->settings);

  return pinned != NULL && pinned[0] != '\0'
         && !sc_certificate_fingerprint_equal (pinned,
                                               sc_certificate_info_get_fingerprint (self->info));
}

static void
fill (ScCertificateDialog *self)
{
  const char *host = sc_settings_get_smtp_host (self->settings);
  const char *problem = sc_certificate_info_get_problem (self->info);
  GDateTime *valid_from = sc_certificate_info_get_not_before (self->info);
  GDateTime *valid_until = sc_certificate_info_get_not_after (self->info);
  g_autofree char *not_before = _sc_certificate_format_date (valid_from);
  g_autofree char *not_after = _sc_certificate_format_date (valid_until);
  g_autofree char *body = NULL;
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  int line = 0;

  if (host == NULL || host[0] == '\0')
    host = "?";

  if (changed_since_trusted (self))
    {
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                      _("The certificate changed since you trusted it"));
      body = g_strdup_printf (
        /* Translators: %s is the server's name */
        _("The server %s now presents another certificate than the one you trusted. The "
          "server may have a new certificate, or someone may be intercepting the connection: "
          "ask the server's administrator before you trust the new one."),
        host);
    }
  else
    {
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                      _("Trust This Certificate?"));
      if (problem != NULL)
        body = g_strdup_printf (
          /* Translators: %1$s is the server's name; %2$s says why its certificate is not
           * trusted, e.g. "it is self-signed" */
          _("The certificate of the server %1$s is not trusted: %2$s. Trust it only if you know "
            "that it is the server’s own, for example by comparing its fingerprint with the one "
            "your administrator gave you."),
          host, problem);
      else
        body = g_strdup_printf (
          /* Translators: %s is the server's name */
          _("The certificate of the server %s is not trusted. Trust it only if you know that it "
            "is the server’s own, for example by comparing its fingerprint with the one your "
            "administrator gave you."),
          host);
    }
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  add_detail (grid, line++, _("Subject"), sc_certificate_info_get_subject (self->info), FALSE);
  add_detail (grid, line++, _("Issuer"), sc_certificate_info_get_issuer (self->info), FALSE);
  /* Translators: the first day a certificate is valid */
  add_detail (grid, line++, _("Valid from"), not_before, FALSE);
  /* Translators: the last day a certificate is valid */
  add_detail (grid, line++, _("Valid until"), not_after, FALSE);
  add_detail (grid, line++, _("SHA-256 fingerprint"),
              sc_certificate_info_get_fingerprint (self->info), TRUE);
  if (changed_since_trusted (self))
    /* Translators: the fingerprint of the certificate the user trusted earlier */
    add_detail (grid, line++, _("Trusted fingerprint"),
                sc_settings_get_tls_fingerprint (self->settings), TRUE);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), GTK_WIDGET (grid));
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_certificate_dialog_response (AdwMessageDialog *dialog,
                                const char       *response)
{
  ScCertificateDialog *self = SC_CERTIFICATE_DIALOG (dialog);

  if (g_strcmp0 (response, "trust") == 0)
    g_object_set (self->settings,
                  "tls-fingerprint", sc_certificate_info_get_fingerprint (self->info),
                  NULL);

  if (ADW_MESSAGE_DIALOG_CLASS (sc_certificate_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (sc_certificate_dialog_parent_class)->response (dialog, response);
}

static void
sc_certificate_dialog_finalize (GObject *object)
{
  ScCertificateDialog *self = SC_CERTIFICATE_DIALOG (object);

  g_clear_pointer (&self->info, sc_certificate_info_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sc_certificate_dialog_parent_class)->finalize (object);
}

static void
sc_certificate_dialog_class_init (ScCertificateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->finalize = sc_certificate_dialog_finalize;
  dialog_class->response = sc_certificate_dialog_response;
}

static void
sc_certificate_dialog_init (ScCertificateDialog *self)
{
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Cancel"),
                                    "trust", _("_Trust This Certificate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "trust",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_certificate_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @info: the certificate the server presented
 * @settings: the model whose "tls-fingerprint" "trust" sets
 *
 * Returns: (transfer none): a new modal dialog, not shown yet (it is destroyed after a
 *   response)
 */
GtkWidget *
sc_certificate_dialog_new (GtkWindow         *parent,
                           ScCertificateInfo *info,
                           ScSettings        *settings)
{
  ScCertificateDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (SC_IS_SETTINGS (settings), NULL);

  self = g_object_new (SC_TYPE_CERTIFICATE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->info = sc_certificate_info_ref (info);
  self->settings = g_object_ref (settings);
  fill (self);

  return GTK_WIDGET (self);
}

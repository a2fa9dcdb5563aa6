/* sc-account-dialog.c — the account: provider presets, server, login, Test Connection
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each field is bound to its property of the ScSettings model, as the window's are: the dialog
 * edits the model in place and copies nothing. The presets come from the engine's provider
 * table (sc-provider.h), and the preset shown follows the host.
 */

#define G_LOG_DOMAIN "sc-account-dialog"

#include "config.h"

#include "sc-account-dialog.h"

#include <glib/gi18n.h>

#include "sc-certificate-dialog.h"
#include "sc-error.h"
#include "sc-password-buffer.h"
#include "sc-provider.h"
#include "sc-smtp-session.h"
#include "sc-ui-resources.h"
#include "sc-ui-util.h"

struct _ScAccountDialog
{
  AdwPreferencesWindow  parent_instance;

  ScSettings           *settings;
  gboolean              setup;
  gboolean              syncing_provider;  /* the provider row follows the host: not a choice */

  AdwPreferencesPage   *page;
  AdwPreferencesGroup  *provider_group;
  AdwComboRow          *provider_row;
  GtkStringList        *provider_list;
  GtkLabel             *advice_label;
  AdwEntryRow          *host_row;
  AdwEntryRow          *port_row;
  AdwComboRow          *security_row;
  GtkLabel             *server_hint;
  AdwEntryRow          *login_row;
  AdwPasswordEntryRow  *password_row;
  ScPasswordBuffer     *password_buffer;   /* the row's, which keeps the password from AT-SPI */
  AdwActionRow         *keyring_row;
  GtkSwitch            *keyring_switch;
  GtkLabel             *login_hint;
  AdwActionRow         *ca_file_row;
  GtkButton            *ca_file_clear_button;
  AdwActionRow         *pinned_row;
  GtkLabel             *advanced_hint;
  AdwActionRow         *timeout_row;
  GtkSpinButton        *timeout_spin;
  GtkAdjustment        *timeout_adjustment;
  AdwPreferencesGroup  *test_group;
  GtkSpinner           *test_spinner;
  GtkButton            *test_button;

  GtkFileChooserNative *chooser;

  /* Test Connection: the session of the last test, its cancellable while it runs, the rows
   * that show its result, and the certificate it refused (for "Review Certificate…") */
  ScSmtpSession        *session;
  GCancellable         *test_cancellable;
  GPtrArray            *result_rows;
  ScCertificateInfo    *refused_certificate;
};

G_DEFINE_FINAL_TYPE (ScAccountDialog, sc_account_dialog, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  PROP_0,
  PROP_SETTINGS,
  PROP_SETUP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_STATIC_ASSERT (SC_SECURITY_TLS == 0 && SC_SECURITY_STARTTLS == 1 && SC_SECURITY_NONE == 2);

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static gboolean
parse_port (const char  *text,
            guint       *out_port,
            GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (stripped, 10, 1, 65535, &value, NULL))
    {
      g_set_error (error, SC_SETTINGS_ERROR, SC_SETTINGS_ERROR_INVALID,
                   /* Translators: %s is what the user typed as the port */
                   _("Port “%s” is not a number from 1 to 65535"), stripped);
      return FALSE;
    }

  *out_port = (guint) value;
  return TRUE;
}

/* One accessible name, and a working mnemonic, for an entry row (libadwaita 1.2 gives
 * neither: see sc-ui-util.c). */
static void
label_entry_row (AdwEntryRow *row)
{
  _sc_entry_row_label_accessible (GTK_WIDGET (row));
  if (adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (row)))
    _sc_entry_row_set_mnemonic (GTK_WIDGET (row));
}

/* Example values are placeholders, never data: AdwEntryRow 1.2 has no placeholder of its own,
 * its text has one. */
static void
set_placeholder (AdwEntryRow *row,
                 const char  *text)
{
  gtk_text_set_placeholder_text (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (row))),
                                 text);
}

/* The row of an account field, and the hint label of its group. */
static GtkWidget *
field_row (ScAccountDialog  *self,
           ScField           field,
           GtkLabel        **out_hint)
{
  GtkWidget *row = NULL;
  GtkLabel *hint = NULL;

  switch (field)
    {
    case SC_FIELD_HOST:
      row = GTK_WIDGET (self->host_row);
      hint = self->server_hint;
      break;
    case SC_FIELD_PORT:
      row = GTK_WIDGET (self->port_row);
      hint = self->server_hint;
      break;
    case SC_FIELD_SECURITY:
      row = GTK_WIDGET (self->security_row);
      hint = self->server_hint;
      break;
    case SC_FIELD_LOGIN:
      row = GTK_WIDGET (self->login_row);
      hint = self->login_hint;
      break;
    case SC_FIELD_PASSWORD:
      row = GTK_WIDGET (self->password_row);
      hint = self->login_hint;
      break;
    case SC_FIELD_CA_FILE:
    case SC_FIELD_CERTIFICATE:
      row = GTK_WIDGET (self->ca_file_row);
      hint = self->advanced_hint;
      break;
    case SC_FIELD_TIMEOUT:
      row = GTK_WIDGET (self->timeout_row);
      hint = self->advanced_hint;
      break;
    case SC_FIELD_NONE:
    case SC_FIELD_RECIPIENTS:
    case SC_FIELD_SUBJECT:
    case SC_FIELD_BODY:
    case SC_FIELD_ATTACHMENTS:
    default:
      break;
    }

  if (out_hint != NULL)
    *out_hint = hint;
  return row;
}

static const ScField account_fields[] = {
  SC_FIELD_HOST, SC_FIELD_PORT, SC_FIELD_SECURITY, SC_FIELD_LOGIN, SC_FIELD_PASSWORD,
  SC_FIELD_CA_FILE, SC_FIELD_TIMEOUT,
};

/* Unmarks @row (NULL: every field) and hides the hint shown for it. */
static void
clear_field (ScAccountDialog *self,
             GtkWidget       *row)
{
  for (guint i = 0; i < G_N_ELEMENTS (account_fields); i++)
    {
      GtkLabel *hint = NULL;
      GtkWidget *each = field_row (self, account_fields[i], &hint);

      if (row != NULL && each != row)
        continue;
      if (!gtk_widget_has_css_class (each, "error"))
        continue;

      gtk_widget_remove_css_class (each, "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (each), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_widget_set_visible (GTK_WIDGET (hint), FALSE);
      gtk_label_set_label (hint, "");
    }
}

/* Marks @field's row and shows @hint under its group; returns the row. */
static GtkWidget *
mark_field (ScAccountDialog *self,
            ScField          field,
            const char      *hint)
{
  GtkLabel *hint_label = NULL;
  GtkWidget *row = field_row (self, field, &hint_label);

  if (row == NULL)
    return NULL;

  gtk_widget_add_css_class (row, "error");
  if (hint != NULL && hint[0] != '\0')
    {
      gtk_label_set_label (hint_label, hint);
      gtk_widget_set_visible (GTK_WIDGET (hint_label), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, hint, -1);
    }

  return row;
}

/* ------------------------------------------------------------------------------------------ */
/* Binding transforms                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* In set-up, the shipped example's stand-ins show as empty fields with their placeholders:
 * example values are never data. */
static gboolean
setup_string_to_text (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  ScAccountDialog *self = user_data;
  const char *text = g_value_get_string (from);

  if (self->setup &&
      sc_settings_is_example_value (g_binding_get_source_property (binding), text))
    text = NULL;
  g_value_set_string (to, text != NULL ? text : "");
  return TRUE;
}

static gboolean
text_to_stripped (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  g_value_take_string (to, g_strstrip (g_value_dup_string (from)));
  return TRUE;
}

static gboolean
port_to_text (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  guint port = g_value_get_uint (from);

  g_value_take_string (to, port > 0 ? g_strdup_printf ("%u", port) : g_strdup (""));
  return TRUE;
}

/* Text that is not a port leaves the model as it is; the row says why (port_changed_cb). */
static gboolean
text_to_port (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  guint port = 0;

  if (!parse_port (g_value_get_string (from), &port, NULL))
    return FALSE;

  g_value_set_uint (to, port);
  return TRUE;
}

static gboolean
ca_file_to_subtitle (GBinding     *binding,
                     const GValue *from,
                     GValue       *to,
                     gpointer      user_data)
{
  const char *path = g_value_get_string (from);

  if (path == NULL || path[0] == '\0')
    g_value_set_string (to, _("None: the system certificates are trusted"));
  else
    g_value_take_string (to, g_filename_display_name (path));
  return TRUE;
}

static gboolean
is_set (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  const char *path = g_value_get_string (from);

  g_value_set_boolean (to, path != NULL && path[0] != '\0');
  return TRUE;
}

/* "password-storage": the switch is on for the keyring; off, the password is in the file. */
static gboolean
storage_to_active (GBinding     *binding,
                   const GValue *from,
                   GValue       *to,
                   gpointer      user_data)
{
  g_value_set_boolean (to, g_strcmp0 (g_value_get_string (from),
                                      SC_SETTINGS_PASSWORD_IN_KEYRING) == 0);
  return TRUE;
}

static gboolean
active_to_storage (GBinding     *binding,
                   const GValue *from,
                   GValue       *to,
                   gpointer      user_data)
{
  g_value_set_string (to, g_value_get_boolean (from) ? SC_SETTINGS_PASSWORD_IN_KEYRING : "file");
  return TRUE;
}

static gboolean
uint_to_double (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_value_set_double (to, g_value_get_uint (from));
  return TRUE;
}

static gboolean
double_to_uint (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_value_set_uint (to, (guint) CLAMP (g_value_get_double (from), 0, G_MAXUINT));
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Presets                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Shows the advice of the preset at @position ("Other" has none). */
static void
show_advice (ScAccountDialog *self,
             guint            position)
{
  guint n_providers = 0;
  const ScProvider *providers = sc_provider_get_all (&n_providers);
  const char *advice = position < n_providers ? sc_provider_get_advice (&providers[position])
                                              : NULL;

  gtk_label_set_label (self->advice_label, advice != NULL ? advice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->advice_label), advice != NULL);
  if (advice != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->provider_row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, advice, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->provider_row),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

  if (position < n_providers && providers[position].password_login_unsupported)
    gtk_widget_add_css_class (GTK_WIDGET (self->advice_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->advice_label), "warning");
}

/* The host changed: the preset shown is its provider's, or "Other". */
static void
settings_host_cb (ScAccountDialog *self)
{
  guint n_providers = 0;
  const ScProvider *providers = sc_provider_get_all (&n_providers);
  const ScProvider *provider = sc_provider_lookup_host (sc_settings_get_smtp_host (self->settings));
  guint position = provider != NULL ? (guint) (provider - providers) : n_providers;

  g_assert (SC_IS_ACCOUNT_DIALOG (self));

  self->syncing_provider = TRUE;
  adw_combo_row_set_selected (self->provider_row, position);
  self->syncing_provider = FALSE;
  show_advice (self, position);
}

/* The user chose a preset: its server, port and security go into the model. */
static void
provider_selected_cb (ScAccountDialog *self)
{
  guint n_providers = 0;
  const ScProvider *providers = sc_provider_get_all (&n_providers);
  guint position = adw_combo_row_get_selected (self->provider_row);
  const ScProvider *provider;

  g_assert (SC_IS_ACCOUNT_DIALOG (self));

  if (self->syncing_provider || position == GTK_INVALID_LIST_POSITION)
    return;

  show_advice (self, position);

  if (position >= n_providers)
    {
      /* "Other": a known provider's server is not the user's own any more. */
      if (sc_provider_lookup_host (sc_settings_get_smtp_host (self->settings)) != NULL)
        g_object_set (self->settings, "smtp-host", "", NULL);
      return;
    }

  provider = &providers[position];
  g_object_freeze_notify (G_OBJECT (self->settings));
  g_object_set (self->settings,
                "smtp-host", provider->host,
                "smtp-port", provider->port,
                NULL);
  /* The port's own security stays implicit, so that it follows a port typed later. */
  if (provider->security == sc_security_default_for_port (provider->port))
    g_object_set (self->settings, "security-explicit", FALSE, NULL);
  else
    g_object_set (self->settings, "security", provider->security, NULL);
  g_object_thaw_notify (G_OBJECT (self->settings));
}

static void
fill_providers (ScAccountDialog *self)
{
  guint n_providers = 0;
  const ScProvider *providers = sc_provider_get_all (&n_providers);

  for (guint i = 0; i < n_providers; i++)
    gtk_string_list_append (self->provider_list, providers[i].name);
  /* Translators: the preset for a mail provider the app does not know */
  gtk_string_list_append (self->provider_list, C_("provider", "Other"));
}

/* ------------------------------------------------------------------------------------------ */
/* Callbacks                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void
field_changed_cb (GtkWidget       *row,
                  GParamSpec      *pspec,
                  ScAccountDialog *self)
{
  clear_field (self, row);
}

static void
port_changed_cb (ScAccountDialog *self)
{
  g_autoptr(GError) error = NULL;
  guint port = 0;

  clear_field (self, GTK_WIDGET (self->port_row));
  if (!parse_port (gtk_editable_get_text (GTK_EDITABLE (self->port_row)), &port, &error))
    mark_field (self, SC_FIELD_PORT, error->message);
}

static void
chooser_response_cb (ScAccountDialog      *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  g_assert (SC_IS_ACCOUNT_DIALOG (self));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL)
    g_object_set (self->settings, "ca-file", path, NULL);

  g_clear_object (&self->chooser);
}

static void
ca_file_choose_cb (ScAccountDialog *self)
{
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  const char *current = sc_settings_get_ca_file (self->settings);

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose a CA File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  /* Translators: a file filter */
  gtk_file_filter_set_name (pem, _("PEM certificates"));
  gtk_file_filter_add_suffix (pem, "pem");
  gtk_file_filter_add_suffix (pem, "crt");
  gtk_file_filter_add_mime_type (pem, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pem);
  /* Translators: a file filter */
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);

  if (current != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (current);

      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->chooser), file, NULL);
    }

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
ca_file_clear_cb (ScAccountDialog *self)
{
  g_object_set (self->settings, "ca-file", NULL, NULL);
}

static void
forget_clicked_cb (ScAccountDialog *self)
{
  g_object_set (self->settings, "tls-fingerprint", NULL, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Test Connection                                                                            */
/* ------------------------------------------------------------------------------------------ */

static void start_test (ScAccountDialog *self);

static void
clear_results (ScAccountDialog *self)
{
  for (guint i = 0; i < self->result_rows->len; i++)
    adw_preferences_group_remove (self->test_group, self->result_rows->pdata[i]);
  g_ptr_array_set_size (self->result_rows, 0);
  g_clear_pointer (&self->refused_certificate, sc_certificate_info_unref);
}

/* One line of the result: @title, and @value under it. */
static GtkWidget *
add_result (ScAccountDialog *self,
            const char      *title,
            const char      *value)
{
  GtkWidget *row = adw_action_row_new ();

  /* The server's words are text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL ? value : "");
  adw_preferences_group_add (self->test_group, row);
  g_ptr_array_add (self->result_rows, row);

  return row;
}

static void
set_testing (ScAccountDialog *self,
             gboolean         testing)
{
  gtk_button_set_label (self->test_button, testing ? _("_Cancel") : _("_Test Connection"));
  gtk_spinner_set_spinning (self->test_spinner, testing);
  if (testing)
    gtk_widget_add_css_class (GTK_WIDGET (self->test_button), "destructive-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->test_button), "destructive-action");
}

static void
show_report (ScAccountDialog    *self,
             ScConnectionReport *report)
{
  const char *tls_version = sc_connection_report_get_tls_version (report);
  ScCertificateInfo *certificate = sc_connection_report_get_certificate (report);
  const char * const *extensions = sc_connection_report_get_extensions (report);
  guint64 size_limit = sc_connection_report_get_size_limit (report);
  g_autofree char *encryption = NULL;
  g_autofree char *extension_list = NULL;
  g_autofree char *size = NULL;

  add_result (self, _("Server"), sc_connection_report_get_greeting (report));

  if (tls_version != NULL)
    /* Translators: %1$s is a TLS version ("TLS 1.3"), %2$s a cipher ("AES-256-GCM") */
    encryption = g_strdup_printf (_("%1$s, %2$s"), tls_version,
                                  sc_connection_report_get_cipher (report));
  else
    encryption = g_strdup (_("None: the connection is not encrypted"));
  add_result (self, _("Encryption"), encryption);

  if (certificate != NULL)
    {
      GDateTime *not_after = sc_certificate_info_get_not_after (certificate);
      g_autofree char *expiry = _sc_certificate_format_date (not_after);

      add_result (self, _("Certificate"), sc_certificate_info_get_subject (certificate));
      add_result (self, _("Issued by"), sc_certificate_info_get_issuer (certificate));
      /* Translators: the date a certificate stops being valid */
      add_result (self, _("Expires"), expiry);
    }

  extension_list = extensions != NULL && extensions[0] != NULL
                   ? g_strjoinv (", ", (char **) extensions)
                   : g_strdup (_("None"));
  add_result (self, _("Extensions"), extension_list);

  if (size_limit > 0)
    {
      g_autofree char *formatted = g_format_size (size_limit);

      /* Translators: %s is a size such as "10.2 MB": the largest message the server takes */
      size = g_strdup_printf (_("Messages up to %s"), formatted);
    }
  else
    size = g_strdup (_("None stated"));
  add_result (self, _("Size limit"), size);

  if (sc_connection_report_get_login_ok (report))
    gtk_widget_add_css_class (add_result (self, _("Login"), _("Login accepted")), "success");
  else
    add_result (self, _("Login"), _("Not tested: no login is set"));
}

static void
certificate_response_cb (ScAccountDialog *self,
                         const char      *response)
{
  g_assert (SC_IS_ACCOUNT_DIALOG (self));

  /* Trusted: the next test accepts it. */
  if (g_strcmp0 (response, "trust") == 0 && self->test_cancellable == NULL)
    start_test (self);
}

static void
review_clicked_cb (ScAccountDialog *self)
{
  GtkWidget *dialog;

  g_assert (SC_IS_ACCOUNT_DIALOG (self));

  if (self->refused_certificate == NULL)
    return;

  dialog = sc_certificate_dialog_new (GTK_WINDOW (self), self->refused_certificate,
                                      self->settings);
  /* After the dialog's own handler, which pins the fingerprint. */
  g_signal_connect_object (dialog, "response", G_CALLBACK (certificate_response_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_test_error (ScAccountDialog *self,
                 const GError    *error)
{
  ScCertificateInfo *certificate = NULL;
  GtkWidget *row;

  g_autoptr(ScErrorHint) hint = sc_error_hint_for_error (error, self->settings);

  row = add_result (self, _("The connection test failed"), error->message);
  gtk_widget_add_css_class (row, "error");

  /* The field at fault is marked, with what to do about it. */
  if (hint != NULL && field_row (self, hint->field, NULL) != NULL)
    mark_field (self, hint->field, hint->text);

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    certificate = sc_smtp_session_get_peer_certificate (self->session);

  /* A refused certificate may still be the server's own: the user may judge it. */
  if (certificate != NULL)
    {
      GtkWidget *review = gtk_button_new_with_mnemonic (_("_Review Certificate…"));

      self->refused_certificate = sc_certificate_info_ref (certificate);
      gtk_widget_set_valign (review, GTK_ALIGN_CENTER);
      g_signal_connect_object (review, "clicked", G_CALLBACK (review_clicked_cb), self,
                               G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), review);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), review);
    }
}

static gboolean
focus_result_idle_cb (gpointer user_data)
{
  ScAccountDialog *self = user_data;
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self->test_group),
                                                 GTK_TYPE_SCROLLED_WINDOW);

  /* The results end the page: scroll to its end, where the test and its results show
   * together, then focus the first result (already in view). */
  if (scroller != NULL)
    {
      GtkAdjustment *adjustment =
        gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                            gtk_adjustment_get_page_size (adjustment));
    }
  if (self->result_rows->len > 0)
    gtk_widget_grab_focus (self->result_rows->pdata[0]);
  return G_SOURCE_REMOVE;
}

static void
test_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScAccountDialog) self = user_data;
  g_autoptr(ScConnectionReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = sc_smtp_session_test_connection_finish (SC_SMTP_SESSION (object), result, &error);

  /* The dialog went away meanwhile. */
  if (self->test_cancellable == NULL)
    return;

  g_clear_object (&self->test_cancellable);
  set_testing (self, FALSE);

  /* Cancelled by the user: nothing to show. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (report != NULL)
    show_report (self, report);
  else
    show_test_error (self, error);

  /* The result is below the fields: bring it into view, and to screen readers, once the new
   * rows have their place. */
  if (self->result_rows->len > 0)
    g_idle_add_full (G_PRIORITY_LOW, focus_result_idle_cb, g_object_ref (self), g_object_unref);
}

/* Marks the first account field that is wrong; FALSE if there is one. */
static gboolean
check_fields (ScAccountDialog *self)
{
  g_autoptr(GError) error = NULL;
  guint port = 0;

  if (!parse_port (gtk_editable_get_text (GTK_EDITABLE (self->port_row)), &port, &error))
    {
      sc_account_dialog_show_field (self, SC_FIELD_PORT, error->message);
      return FALSE;
    }

  /* Without a login the test connects without logging in (the server alone). */
  if (!sc_settings_validate_account (self->settings, &error))
    {
      ScField field = sc_field_for_settings_key (sc_settings_error_get_key (error));

      if (field_row (self, field, NULL) != NULL)
        sc_account_dialog_show_field (self, field, error->message);
      else
        add_result (self, _("The settings are not valid"), error->message);
      return FALSE;
    }

  return TRUE;
}

/* Connects on a worker (the engine's), with the settings as they are now. */
static void
start_test (ScAccountDialog *self)
{
  clear_results (self);
  if (!check_fields (self))
    return;

  g_clear_object (&self->session);
  self->session = sc_smtp_session_new (self->settings);
  self->test_cancellable = g_cancellable_new ();
  set_testing (self, TRUE);
  sc_smtp_session_test_connection_async (self->session, self->test_cancellable, test_done_cb,
                                         g_object_ref (self));
}

static void
test_clicked_cb (ScAccountDialog *self)
{
  g_assert (SC_IS_ACCOUNT_DIALOG (self));

  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  else
    start_test (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Binding                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
bind_settings (ScAccountDialog *self)
{
  GParamSpec *timeout = g_object_class_find_property (G_OBJECT_GET_CLASS (self->settings),
                                                      "timeout-seconds");
  const struct
  {
    GObject               *field;
    const char            *key;
    const char            *field_property;
    GBindingTransformFunc  to_field;
    GBindingTransformFunc  to_model;
  } fields[] = {
    { G_OBJECT (self->host_row), "smtp-host", "text", setup_string_to_text, text_to_stripped },
    { G_OBJECT (self->port_row), "smtp-port", "text", port_to_text, text_to_port },
    { G_OBJECT (self->security_row), "security", "selected", NULL, NULL },
    { G_OBJECT (self->login_row), "login", "text", setup_string_to_text, text_to_stripped },
    { G_OBJECT (self->password_buffer), "password", "password", setup_string_to_text, NULL },
    { G_OBJECT (self->keyring_switch), "password-storage", "active", storage_to_active,
      active_to_storage },
    { G_OBJECT (self->timeout_adjustment), "timeout-seconds", "value", uint_to_double,
      double_to_uint },
  };

  /* The spin button's range is the model's. */
  gtk_adjustment_set_lower (self->timeout_adjustment,
                            MAX (G_PARAM_SPEC_UINT (timeout)->minimum, 1));
  gtk_adjustment_set_upper (self->timeout_adjustment, G_PARAM_SPEC_UINT (timeout)->maximum);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_object_bind_property_full (self->settings, fields[i].key, fields[i].field,
                                 fields[i].field_property,
                                 G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                                 fields[i].to_field, fields[i].to_model, self, NULL);

  g_object_bind_property_full (self->settings, "ca-file", self->ca_file_row, "subtitle",
                               G_BINDING_SYNC_CREATE, ca_file_to_subtitle, NULL, NULL, NULL);
  g_object_bind_property_full (self->settings, "ca-file", self->ca_file_clear_button,
                               "sensitive", G_BINDING_SYNC_CREATE, is_set, NULL,
                               NULL, NULL);
  /* The certificate the user trusted ("Trust This Certificate"), while there is one. */
  g_object_bind_property_full (self->settings, "tls-fingerprint", self->pinned_row, "subtitle",
                               G_BINDING_SYNC_CREATE, _sc_transform_string_to_text, NULL, NULL,
                               NULL);
  g_object_bind_property_full (self->settings, "tls-fingerprint", self->pinned_row, "visible",
                               G_BINDING_SYNC_CREATE, is_set, NULL, NULL, NULL);

  g_signal_connect_object (self->settings, "notify::smtp-host", G_CALLBACK (settings_host_cb),
                           self, G_CONNECT_SWAPPED);
  settings_host_cb (self);
  g_signal_connect_object (self->provider_row, "notify::selected",
                           G_CALLBACK (provider_selected_cb), self, G_CONNECT_SWAPPED);

  /* An edited field is not wrong any more (until the next check says so). */
  g_signal_connect (self->host_row, "notify::text", G_CALLBACK (field_changed_cb), self);
  g_signal_connect (self->login_row, "notify::text", G_CALLBACK (field_changed_cb), self);
  g_signal_connect (self->password_row, "notify::text", G_CALLBACK (field_changed_cb), self);
  g_signal_connect (self->security_row, "notify::selected", G_CALLBACK (field_changed_cb), self);
  g_signal_connect (self->ca_file_row, "notify::subtitle", G_CALLBACK (field_changed_cb), self);
  g_signal_connect (self->timeout_spin, "notify::value", G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (self->port_row, "changed", G_CALLBACK (port_changed_cb), self);
}

/* Focus starts at the first empty field (in set-up, at the presets while there is no host). */
static void
focus_first_empty (ScAccountDialog *self)
{
  AdwEntryRow *rows[] = { self->host_row, self->port_row, self->login_row,
                          ADW_ENTRY_ROW (self->password_row) };

  if (self->setup && gtk_editable_get_text (GTK_EDITABLE (self->host_row))[0] == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->provider_row));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (gtk_editable_get_text (GTK_EDITABLE (rows[i]))[0] == '\0')
      {
        gtk_widget_grab_focus (GTK_WIDGET (rows[i]));
        return;
      }
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
sc_account_dialog_constructed (GObject *object)
{
  ScAccountDialog *self = SC_ACCOUNT_DIALOG (object);

  G_OBJECT_CLASS (sc_account_dialog_parent_class)->constructed (object);

  g_assert (SC_IS_SETTINGS (self->settings));

  if (self->setup)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Set up your account"));
      adw_preferences_group_set_description (self->provider_group,
                                             _("Choose your mail provider, then type your "
                                               "login and password."));
    }

  bind_settings (self);
  focus_first_empty (self);
}

/* Closed or hidden: a test still running is not wanted any more. (The test holds a reference
 * on the dialog until it ends, so dispose alone would wait for it.) */
static void
sc_account_dialog_unmap (GtkWidget *widget)
{
  ScAccountDialog *self = SC_ACCOUNT_DIALOG (widget);

  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);

  GTK_WIDGET_CLASS (sc_account_dialog_parent_class)->unmap (widget);
}

static void
sc_account_dialog_dispose (GObject *object)
{
  ScAccountDialog *self = SC_ACCOUNT_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  /* A test still running finds no dialog when it ends (test_done_cb). */
  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->refused_certificate, sc_certificate_info_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (sc_account_dialog_parent_class)->dispose (object);
}

static void
sc_account_dialog_finalize (GObject *object)
{
  ScAccountDialog *self = SC_ACCOUNT_DIALOG (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->result_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (sc_account_dialog_parent_class)->finalize (object);
}

static void
sc_account_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ScAccountDialog *self = SC_ACCOUNT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_SETUP:
      g_value_set_boolean (value, self->setup);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sc_account_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ScAccountDialog *self = SC_ACCOUNT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_SETUP:
      self->setup = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Registers the app's resources once; the window may have done so already. */
static void
ensure_resources (void)
{
  if (!g_resources_get_info ("/io/github/smtpclient/SmtpClient/sc-account-dialog.ui",
                             G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
    sc_ui_register_resource ();
}

static void
sc_account_dialog_class_init (ScAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sc_account_dialog_constructed;
  object_class->dispose = sc_account_dialog_dispose;
  object_class->finalize = sc_account_dialog_finalize;
  object_class->get_property = sc_account_dialog_get_property;
  object_class->set_property = sc_account_dialog_set_property;
  widget_class->unmap = sc_account_dialog_unmap;

  /**
   * ScAccountDialog:settings:
   *
   * The model the dialog edits in place.
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, SC_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * ScAccountDialog:setup:
   *
   * Whether this is the first run's "Set up your account".
   */
  properties[PROP_SETUP] =
    g_param_spec_boolean ("setup", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  ensure_resources ();
  g_type_ensure (ADW_TYPE_PASSWORD_ENTRY_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpclient/SmtpClient/"
                                               "sc-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, page);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, provider_group);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, provider_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, provider_list);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, advice_label);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, security_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, server_hint);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, login_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, keyring_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, keyring_switch);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, login_hint);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, ca_file_clear_button);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, pinned_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, advanced_hint);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, timeout_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, test_group);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, test_button);
  gtk_widget_class_bind_template_callback (widget_class, ca_file_choose_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, ca_file_clear_cb);
  gtk_widget_class_bind_template_callback (widget_class, forget_clicked_cb);
}

static void
sc_account_dialog_init (ScAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->result_rows = g_ptr_array_new ();
  self->password_buffer = sc_password_buffer_attach (GTK_WIDGET (self->password_row));
  fill_providers (self);

  label_entry_row (self->host_row);
  label_entry_row (self->port_row);
  label_entry_row (self->login_row);
  label_entry_row (ADW_ENTRY_ROW (self->password_row));

  /* Translators: an example server name, shown in the empty Host field */
  set_placeholder (self->host_row, _("smtp.example.com"));
  /* Translators: an example login, shown in the empty Login field */
  set_placeholder (self->login_row, _("you@example.com"));
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_account_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @settings: the model it edits in place
 * @setup: whether this is the first run's "Set up your account"
 *
 * Returns: (transfer none): a new dialog, not shown yet (it is destroyed when closed)
 */
ScAccountDialog *
sc_account_dialog_new (GtkWindow  *parent,
                       ScSettings *settings,
                       gboolean    setup)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SC_IS_SETTINGS (settings), NULL);

  return g_object_new (SC_TYPE_ACCOUNT_DIALOG,
                       "transient-for", parent,
                       "settings", settings,
                       "setup", setup,
                       NULL);
}

/**
 * sc_account_dialog_show_field:
 * @self: an #ScAccountDialog
 * @field: an account field
 * @hint: (nullable): what is wrong with it and how to fix it
 *
 * Marks @field as the one at fault (the "error" style class), shows @hint under its group as
 * text (and as the row's accessible description), and focuses it. Editing the field unmarks it.
 */
void
sc_account_dialog_show_field (ScAccountDialog *self,
                              ScField          field,
                              const char      *hint)
{
  GtkWidget *row;

  g_return_if_fail (SC_IS_ACCOUNT_DIALOG (self));
  g_return_if_fail (field_row (self, field, NULL) != NULL);

  clear_field (self, NULL);
  row = mark_field (self, field, hint);
  gtk_widget_grab_focus (row);
}

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

#include "sc-error.h"
#include "sc-provider.h"
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
  GtkLabel             *login_hint;
  AdwActionRow         *ca_file_row;
  GtkButton            *ca_file_clear_button;
  GtkLabel             *advanced_hint;
  AdwActionRow         *timeout_row;
  GtkSpinButton        *timeout_spin;
  GtkAdjustment        *timeout_adjustment;

  GtkFileChooserNative *chooser;
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

/* The title of a row without its mnemonic underscore: its accessible name. */
static char *
strip_mnemonic (const char *title)
{
  GString *text = g_string_new (NULL);

  for (const char *p = title; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] != '\0')
        p++;
      g_string_append_c (text, *p);
    }

  return g_string_free (text, FALSE);
}

/* AdwEntryRow labels its text with both of its title labels, and with the mnemonic's
 * underscore (libadwaita 1.2): the title, once and without it, is the name. */
static void
label_entry_row (AdwEntryRow *row)
{
  g_autofree char *name = NULL;

  _sc_entry_row_label_accessible (GTK_WIDGET (row));
  name = strip_mnemonic (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (row))),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
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

static gboolean
string_to_text (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  const char *text = g_value_get_string (from);

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
ca_file_to_sensitive (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  const char *path = g_value_get_string (from);

  g_value_set_boolean (to, path != NULL && path[0] != '\0');
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
    { G_OBJECT (self->host_row), "smtp-host", "text", string_to_text, text_to_stripped },
    { G_OBJECT (self->port_row), "smtp-port", "text", port_to_text, text_to_port },
    { G_OBJECT (self->security_row), "security", "selected", NULL, NULL },
    { G_OBJECT (self->login_row), "login", "text", string_to_text, text_to_stripped },
    { G_OBJECT (self->password_row), "password", "text", string_to_text, NULL },
    { G_OBJECT (self->timeout_adjustment), "timeout-seconds", "value", uint_to_double,
      double_to_uint },
  };

  /* The spin button's range is the model's. */
  gtk_adjustment_set_lower (self->timeout_adjustment, MAX (G_PARAM_SPEC_UINT (timeout)->minimum, 1));
  gtk_adjustment_set_upper (self->timeout_adjustment, G_PARAM_SPEC_UINT (timeout)->maximum);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_object_bind_property_full (self->settings, fields[i].key, fields[i].field,
                                 fields[i].field_property,
                                 G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                                 fields[i].to_field, fields[i].to_model, NULL, NULL);

  g_object_bind_property_full (self->settings, "ca-file", self->ca_file_row, "subtitle",
                               G_BINDING_SYNC_CREATE, ca_file_to_subtitle, NULL, NULL, NULL);
  g_object_bind_property_full (self->settings, "ca-file", self->ca_file_clear_button,
                               "sensitive", G_BINDING_SYNC_CREATE, ca_file_to_sensitive, NULL,
                               NULL, NULL);

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
      adw_preferences_group_set_title (self->provider_group, _("Set up your account"));
      adw_preferences_group_set_description (self->provider_group,
                                             _("Choose your mail provider, then type your "
                                               "login and password."));
    }

  bind_settings (self);
  focus_first_empty (self);
}

static void
sc_account_dialog_dispose (GObject *object)
{
  ScAccountDialog *self = SC_ACCOUNT_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), SC_TYPE_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (sc_account_dialog_parent_class)->dispose (object);
}

static void
sc_account_dialog_finalize (GObject *object)
{
  ScAccountDialog *self = SC_ACCOUNT_DIALOG (object);

  g_clear_object (&self->settings);

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
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, login_hint);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, ca_file_clear_button);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, advanced_hint);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, ScAccountDialog, timeout_adjustment);
  gtk_widget_class_bind_template_callback (widget_class, ca_file_choose_cb);
  gtk_widget_class_bind_template_callback (widget_class, ca_file_clear_cb);
}

static void
sc_account_dialog_init (ScAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

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

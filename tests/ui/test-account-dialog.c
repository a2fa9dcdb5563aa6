/* test-account-dialog.c — the Account dialog and the certificate dialog (run under Xvfb)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests see the dialog as its users do: the model it edits (ScSettings), its widget tree
 * (rows by title, buttons by label, labels by text) and the accessible properties; Test
 * Connection talks to the real test server (tests/smtp-server.py).
 */

#define G_LOG_DOMAIN "test-account-dialog"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sc-account-dialog.h"
#include "sc-provider.h"
#include "sc-settings.h"
#include "sc-test-server.h"
#include "sc-ui-test-utils.h"

typedef struct
{
  char            *dir;
  ScSettings      *settings;
  ScAccountDialog *dialog;
} Fixture;

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static GtkWidget *
row (Fixture    *fixture,
     const char *title)
{
  GtkWidget *found = sc_ui_test_find_row (GTK_WIDGET (fixture->dialog), title);

  g_assert_nonnull (found);
  return found;
}

G_GNUC_UNUSED static GtkWidget *
button (Fixture    *fixture,
        const char *label)
{
  GtkWidget *found = sc_ui_test_find_button (GTK_WIDGET (fixture->dialog), label);

  g_assert_nonnull (found);
  return found;
}

static gboolean
match_label (GtkWidget     *widget,
             gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* A visible label under @root showing exactly @text. */
static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_get_visible (child))
        continue;
      if (match_label (child, text))
        return child;
      if ((found = find_label (child, text)) != NULL)
        return found;
    }

  return NULL;
}

static void
set_row_text (Fixture    *fixture,
              const char *title,
              const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row (fixture, title)), text);
}

static const char *
row_text (Fixture    *fixture,
          const char *title)
{
  return gtk_editable_get_text (GTK_EDITABLE (row (fixture, title)));
}

static guint
selected (Fixture    *fixture,
          const char *title)
{
  return adw_combo_row_get_selected (ADW_COMBO_ROW (row (fixture, title)));
}

static void
select_row (Fixture    *fixture,
            const char *title,
            guint       position)
{
  adw_combo_row_set_selected (ADW_COMBO_ROW (row (fixture, title)), position);
}

/* The position of the preset named @name in the Provider row. */
static guint
preset (Fixture    *fixture,
        const char *name)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row (fixture, "_Provider")));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), name) == 0)
        return i;
    }

  g_assert_not_reached ();
}

static gboolean
dialog_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (((Fixture *) data)->dialog));
}

static void
open_dialog (Fixture  *fixture,
             gboolean  setup)
{
  fixture->dialog = sc_account_dialog_new (NULL, fixture->settings, setup);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
  g_assert_true (sc_ui_test_wait_until (dialog_mapped, fixture, SC_UI_TEST_WAIT_MS));
}

/* Whether the keyboard focus is in @widget (an entry row's focus is in its text). */
static gboolean
has_focus (Fixture   *fixture,
           GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->dialog));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static const char *
placeholder (GtkWidget *entry_row)
{
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (entry_row));

  return gtk_text_get_placeholder_text (GTK_TEXT (text));
}

/* ------------------------------------------------------------------------------------------ */
/* Fixture                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GFile) dir = NULL;

  fixture->dir = sc_test_make_tmpdir ();
  dir = g_file_new_for_path (fixture->dir);
  fixture->settings = sc_settings_new (dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  fixture->dialog = NULL;
  sc_ui_test_spin (50);
  g_assert_finalize_object (fixture->settings);
  sc_test_rm_rf (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Presets and fields                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* Each preset sets host, port and security, and says what the provider needs; the preset shown
 * follows the host. */
static void
test_presets (Fixture       *fixture,
              gconstpointer  data)
{
  guint n_providers = 0;
  const ScProvider *providers = sc_provider_get_all (&n_providers);
  static const struct
  {
    const char *name;
    const char *host;
    guint       port;
    ScSecurity  security;
    const char *advice_word;
  } expected[] = {
    { "Yandex", "smtp.yandex.ru", 465, SC_SECURITY_TLS, "app password" },
    { "Mail.ru", "smtp.mail.ru", 465, SC_SECURITY_TLS, "app password" },
    { "Gmail", "smtp.gmail.com", 465, SC_SECURITY_TLS, "app password" },
    { "Outlook", "smtp-mail.outlook.com", 587, SC_SECURITY_STARTTLS, "OAuth2" },
  };

  open_dialog (fixture, FALSE);
  g_assert_cmpuint (n_providers, ==, G_N_ELEMENTS (expected));

  /* Nothing set: "Other", with no advice. */
  g_assert_cmpuint (selected (fixture, "_Provider"), ==, preset (fixture, "Other"));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GtkWidget *advice;

      select_row (fixture, "_Provider", preset (fixture, expected[i].name));
      g_assert_cmpstr (sc_settings_get_smtp_host (fixture->settings), ==, expected[i].host);
      g_assert_cmpuint (sc_settings_get_smtp_port (fixture->settings), ==, expected[i].port);
      g_assert_cmpint (sc_settings_get_security (fixture->settings), ==, expected[i].security);
      g_assert_cmpstr (row_text (fixture, "_Host"), ==, expected[i].host);
      g_assert_cmpuint (selected (fixture, "_Security"), ==, expected[i].security);

      /* The advice is on screen, in words. */
      advice = find_label (GTK_WIDGET (fixture->dialog), sc_provider_get_advice (&providers[i]));
      g_assert_nonnull (advice);
      g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (advice)),
                                expected[i].advice_word));
    }

  /* The preset follows the host. */
  g_object_set (fixture->settings, "smtp-host", "smtp.yandex.ru", NULL);
  g_assert_cmpuint (selected (fixture, "_Provider"), ==, preset (fixture, "Yandex"));
  set_row_text (fixture, "_Host", "SMTP.Gmail.com");
  g_assert_cmpuint (selected (fixture, "_Provider"), ==, preset (fixture, "Gmail"));
  set_row_text (fixture, "_Host", "mail.example.org");
  g_assert_cmpuint (selected (fixture, "_Provider"), ==, preset (fixture, "Other"));
  g_assert_cmpstr (sc_settings_get_smtp_host (fixture->settings), ==, "mail.example.org");
  g_assert_null (find_label (GTK_WIDGET (fixture->dialog),
                             sc_provider_get_advice (&providers[0])));

  /* "Other" after a preset leaves its server for the user's own. */
  select_row (fixture, "_Provider", preset (fixture, "Mail.ru"));
  select_row (fixture, "_Provider", preset (fixture, "Other"));
  g_assert_cmpstr (sc_settings_get_smtp_host (fixture->settings), ==, "");
  g_assert_cmpstr (row_text (fixture, "_Host"), ==, "");
}

/* Security in words; it follows the port until the user picks one. */
static void
test_security (Fixture       *fixture,
               gconstpointer  data)
{
  static const char * const words[] = {
    "TLS on a dedicated port", "STARTTLS", "No encryption (this computer only)",
  };
  GListModel *model;
  gboolean explicit = TRUE;

  open_dialog (fixture, FALSE);

  model = adw_combo_row_get_model (ADW_COMBO_ROW (row (fixture, "_Security")));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (words));
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      g_assert_cmpstr (gtk_string_object_get_string (item), ==, words[i]);
    }

  set_row_text (fixture, "P_ort", "465");
  g_assert_cmpuint (sc_settings_get_smtp_port (fixture->settings), ==, 465);
  g_assert_cmpint (sc_settings_get_security (fixture->settings), ==, SC_SECURITY_TLS);
  g_assert_cmpuint (selected (fixture, "_Security"), ==, SC_SECURITY_TLS);
  set_row_text (fixture, "P_ort", "587");
  g_assert_cmpint (sc_settings_get_security (fixture->settings), ==, SC_SECURITY_STARTTLS);
  g_assert_cmpuint (selected (fixture, "_Security"), ==, SC_SECURITY_STARTTLS);
  g_object_get (fixture->settings, "security-explicit", &explicit, NULL);
  g_assert_false (explicit);

  /* A text that is no port leaves the model, and the row says why. */
  set_row_text (fixture, "P_ort", "58x");
  g_assert_cmpuint (sc_settings_get_smtp_port (fixture->settings), ==, 587);
  g_assert_true (gtk_widget_has_css_class (row (fixture, "P_ort"), "error"));
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->dialog),
                                "Port “58x” is not a number from 1 to 65535"));
  set_row_text (fixture, "P_ort", "2525");
  g_assert_false (gtk_widget_has_css_class (row (fixture, "P_ort"), "error"));

  /* A pick is kept, whatever the port. */
  select_row (fixture, "_Security", SC_SECURITY_TLS);
  g_object_get (fixture->settings, "security-explicit", &explicit, NULL);
  g_assert_true (explicit);
  set_row_text (fixture, "P_ort", "587");
  g_assert_cmpint (sc_settings_get_security (fixture->settings), ==, SC_SECURITY_TLS);
  g_assert_cmpuint (selected (fixture, "_Security"), ==, SC_SECURITY_TLS);

  /* And the model shows in the row. */
  g_object_set (fixture->settings, "security", SC_SECURITY_NONE, NULL);
  g_assert_cmpuint (selected (fixture, "_Security"), ==, SC_SECURITY_NONE);
}

/* Login, password, CA file and time-out edit the model, and show it. */
static void
test_fields_bound (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *ca_file = g_build_filename (fixture->dir, "ca.pem", NULL);
  GtkWidget *ca_row;
  GtkWidget *spin;
  GtkWidget *clear = NULL;

  g_object_set (fixture->settings, "login", SC_TEST_LOGIN, "timeout-seconds", 25, NULL);
  open_dialog (fixture, FALSE);

  g_assert_cmpstr (row_text (fixture, "_Login"), ==, SC_TEST_LOGIN);
  set_row_text (fixture, "_Login", " me@example.net ");
  g_assert_cmpstr (sc_settings_get_login (fixture->settings), ==, "me@example.net");
  set_row_text (fixture, "Pass_word", SC_TEST_PASSWORD);
  g_assert_cmpstr (sc_settings_get_password (fixture->settings), ==, SC_TEST_PASSWORD);

  spin = sc_ui_test_find_type (row (fixture, "_Time-out"), GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 25);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 90);
  g_assert_cmpuint (sc_settings_get_timeout_seconds (fixture->settings), ==, 90);

  /* The CA file: its name on the row; cleared, the system certificates. */
  ca_row = row (fixture, "_CA File");
  g_object_set (fixture->settings, "ca-file", ca_file, NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ca_row)), ==, ca_file);
  {
    g_autoptr(GPtrArray) buttons = sc_ui_test_find_all (ca_row, GTK_TYPE_BUTTON);

    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_widget_get_tooltip_text (buttons->pdata[i]),
                     "Use the System Certificates") == 0)
        clear = buttons->pdata[i];
  }
  g_assert_nonnull (clear);
  g_assert_true (gtk_widget_get_sensitive (clear));
  g_signal_emit_by_name (clear, "clicked");
  g_assert_null (sc_settings_get_ca_file (fixture->settings));
  g_assert_false (gtk_widget_get_sensitive (clear));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ca_row)), !=, ca_file);
}

/* The password row hides the password, from the screen and from accessibility. */
static void
test_password_hidden (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *password;
  GtkEditable *text;
  g_autofree char *as_value = NULL;
  g_autofree char *as_label = NULL;
  g_autofree char *as_description = NULL;
  g_autofree char *label_ok = NULL;

  g_object_set (fixture->settings, "password", SC_TEST_PASSWORD, NULL);
  open_dialog (fixture, FALSE);

  password = row (fixture, "Pass_word");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (password));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, SC_TEST_PASSWORD);
  text = gtk_editable_get_delegate (GTK_EDITABLE (password));
  g_assert_false (gtk_text_get_visibility (GTK_TEXT (text)));

  /* Its accessible name is its title, once and without the mnemonic; its accessible value,
   * label and description are not the password (a check that finds the password set returns
   * NULL). */
  label_ok = gtk_test_accessible_check_property (GTK_ACCESSIBLE (text),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Password");
  g_assert_null (label_ok);
  as_value = gtk_test_accessible_check_property (GTK_ACCESSIBLE (text),
                                                 GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                                 SC_TEST_PASSWORD);
  g_assert_nonnull (as_value);
  as_label = gtk_test_accessible_check_property (GTK_ACCESSIBLE (password),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                 SC_TEST_PASSWORD);
  g_assert_nonnull (as_label);
  as_description = gtk_test_accessible_check_property (GTK_ACCESSIBLE (password),
                                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                       SC_TEST_PASSWORD);
  g_assert_nonnull (as_description);
}

/* show_field marks the row, shows the hint under it as text, and focuses it; editing unmarks. */
static void
test_show_field (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *hint = "Use an app password, created in your account's security settings.";
  const char *host_hint = "Check the host and the port: the usual ports are 465 and 587.";
  GtkWidget *password;
  GtkWidget *label;

  g_object_set (fixture->settings, "smtp-host", "mail.example.org", "login", SC_TEST_LOGIN,
                "password", "wrong", NULL);
  open_dialog (fixture, FALSE);
  password = row (fixture, "Pass_word");

  sc_account_dialog_show_field (fixture->dialog, SC_FIELD_PASSWORD, hint);
  g_assert_true (gtk_widget_has_css_class (password, "error"));
  label = find_label (GTK_WIDGET (fixture->dialog), hint);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_true (has_focus (fixture, password));
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (password),
                                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                     hint));

  /* Another field: the first one is not marked any more. */
  sc_account_dialog_show_field (fixture->dialog, SC_FIELD_HOST, host_hint);
  g_assert_false (gtk_widget_has_css_class (password, "error"));
  g_assert_null (find_label (GTK_WIDGET (fixture->dialog), hint));
  g_assert_true (gtk_widget_has_css_class (row (fixture, "_Host"), "error"));
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->dialog), host_hint));
  g_assert_true (has_focus (fixture, row (fixture, "_Host")));

  /* Editing the field unmarks it. */
  set_row_text (fixture, "_Host", "smtp.example.org");
  g_assert_false (gtk_widget_has_css_class (row (fixture, "_Host"), "error"));
  g_assert_null (find_label (GTK_WIDGET (fixture->dialog), host_hint));

  /* The other account fields have their rows too. */
  sc_account_dialog_show_field (fixture->dialog, SC_FIELD_SECURITY, NULL);
  g_assert_true (gtk_widget_has_css_class (row (fixture, "_Security"), "error"));
  sc_account_dialog_show_field (fixture->dialog, SC_FIELD_CA_FILE, "CA");
  g_assert_true (gtk_widget_has_css_class (row (fixture, "_CA File"), "error"));
  sc_account_dialog_show_field (fixture->dialog, SC_FIELD_TIMEOUT, "Time");
  g_assert_true (gtk_widget_has_css_class (row (fixture, "_Time-out"), "error"));
  g_assert_false (gtk_widget_has_css_class (row (fixture, "_CA File"), "error"));
}

/* First run: "Set up your account", presets first, examples only as placeholders. */
static void
test_setup (Fixture       *fixture,
            gconstpointer  data)
{
  open_dialog (fixture, TRUE);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->dialog)), ==,
                   "Set up your account");
  g_assert_cmpstr (placeholder (row (fixture, "_Host")), ==, "smtp.example.com");
  g_assert_cmpstr (placeholder (row (fixture, "_Login")), ==, "you@example.com");
  g_assert_cmpstr (row_text (fixture, "_Host"), ==, "");
  g_assert_cmpstr (row_text (fixture, "_Login"), ==, "");
  g_assert_null (sc_settings_get_smtp_host (fixture->settings));
  g_assert_null (sc_settings_get_login (fixture->settings));
  g_assert_false (sc_settings_get_modified (fixture->settings));

  /* The presets come first, and have the focus. */
  g_assert_true (has_focus (fixture, row (fixture, "_Provider")));

  /* A preset fills the server; the focus then goes to the first empty field. */
  select_row (fixture, "_Provider", preset (fixture, "Gmail"));
  g_assert_cmpstr (row_text (fixture, "_Host"), ==, "smtp.gmail.com");
}

/* Not first run: the focus starts at the first empty field. */
static void
test_focus_first_empty (Fixture       *fixture,
                        gconstpointer  data)
{
  g_object_set (fixture->settings, "smtp-host", "smtp.example.org", "smtp-port", 587, NULL);
  open_dialog (fixture, FALSE);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->dialog)), ==, "Account");
  g_assert_true (has_focus (fixture, row (fixture, "_Login")));
}

int
main (int   argc,
      char *argv[])
{
  /* The test accessibility backend keeps the accessible properties, for the checks. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  /* Xvfb has no GPU: GL through llvmpipe only adds pauses that are not the dialog's. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/account-dialog/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("presets", test_presets);
  ADD ("security", test_security);
  ADD ("fields-bound", test_fields_bound);
  ADD ("password-hidden", test_password_hidden);
  ADD ("show-field", test_show_field);
  ADD ("setup", test_setup);
  ADD ("focus-first-empty", test_focus_first_empty);

#undef ADD

  return g_test_run ();
}

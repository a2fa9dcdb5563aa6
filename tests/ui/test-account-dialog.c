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
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sc-account-dialog.h"
#include "sc-certificate-dialog.h"
#include "sc-keyring.h"
#include "sc-provider.h"
#include "sc-settings.h"
#include "sc-settings-store.h"
#include "sc-test-server.h"
#include "sc-ui-test-utils.h"

typedef struct
{
  char            *dir;
  ScSettings      *settings;
  ScAccountDialog *dialog;
  ScTestServer    *server;
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

static GtkWidget *
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

static gboolean
dialog_gone (gpointer data)
{
  return ((Fixture *) data)->dialog == NULL;
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
  g_clear_pointer (&fixture->server, sc_test_server_stop);
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

  /* A preset sets the security also after the user picked one. */
  select_row (fixture, "_Security", SC_SECURITY_NONE);
  select_row (fixture, "_Provider", preset (fixture, "Gmail"));
  g_assert_cmpint (sc_settings_get_security (fixture->settings), ==, SC_SECURITY_TLS);
  g_assert_cmpuint (selected (fixture, "_Security"), ==, SC_SECURITY_TLS);

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

  spin = sc_ui_test_find_type (row (fixture, "T_ime-out"), GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 25);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 90);
  g_assert_cmpuint (sc_settings_get_timeout_seconds (fixture->settings), ==, 90);

  /* The CA file: its name on the row; cleared, the system certificates. */
  ca_row = row (fixture, "_CA File");
  g_object_set (fixture->settings, "ca-file", ca_file, NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ca_row)), ==, ca_file);
  /* A file name is text, not markup. */
  g_object_set (fixture->settings, "ca-file", "/tmp/R&D <certs>.pem", NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ca_row)), ==,
                   "/tmp/R&D <certs>.pem");
  sc_ui_test_spin (50);
  g_object_set (fixture->settings, "ca-file", ca_file, NULL);
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

static GtkWidget *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return GTK_WIDGET (window);
    }

  return NULL;
}

static gboolean
file_chooser_shown (gpointer data)
{
  return find_file_chooser () != NULL;
}

static gboolean
file_chosen (gpointer data)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (find_file_chooser ()));

  return file != NULL && g_file_equal (file, data);
}

static gboolean
ca_file_set (gpointer data)
{
  return sc_settings_get_ca_file (((Fixture *) data)->settings) != NULL;
}

/* The CA file is picked with a file chooser (GtkFileChooserNative; without a portal, GTK's own
 * dialog). */
static void
test_ca_file_chooser (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "my-ca.pem", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) buttons = NULL;
  GtkWidget *choose = NULL;
  GtkWidget *chooser;

  sc_test_write_file (fixture->dir, "my-ca.pem", "-----BEGIN CERTIFICATE-----\n", -1);
  open_dialog (fixture, FALSE);

  buttons = sc_ui_test_find_all (row (fixture, "_CA File"), GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (buttons->pdata[i]), "Choose a CA File…") == 0)
      choose = buttons->pdata[i];
  g_assert_nonnull (choose);

  g_signal_emit_by_name (choose, "clicked");
  g_assert_true (sc_ui_test_wait_until (file_chooser_shown, NULL, SC_UI_TEST_WAIT_MS));
  chooser = find_file_chooser ();
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, NULL));
  g_assert_true (sc_ui_test_wait_until (file_chosen, file, SC_UI_TEST_WAIT_MS));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);

  g_assert_true (sc_ui_test_wait_until (ca_file_set, fixture, SC_UI_TEST_WAIT_MS));
  g_assert_cmpstr (sc_settings_get_ca_file (fixture->settings), ==, path);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row (fixture, "_CA File"))), ==,
                   path);
}

/* The password row hides the password, from the screen and from accessibility. */
static void
test_password_hidden (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *mask = NULL;
  g_autofree char *as_value = NULL;
  g_autofree char *as_label = NULL;
  g_autofree char *as_description = NULL;
  g_autofree char *label_ok = NULL;
  GString *bullets = g_string_new (NULL);
  GtkWidget *password;
  GtkEditable *text;

  for (glong i = 0; i < g_utf8_strlen (SC_TEST_PASSWORD, -1); i++)
    g_string_append (bullets, "\u25cf");
  mask = g_string_free (bullets, FALSE);

  g_object_set (fixture->settings, "password", SC_TEST_PASSWORD, NULL);
  open_dialog (fixture, FALSE);

  password = row (fixture, "Pass_word");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (password));
  text = gtk_editable_get_delegate (GTK_EDITABLE (password));
  g_assert_false (gtk_text_get_visibility (GTK_TEXT (text)));

  /* The text GTK 4.8 hands to an AT-SPI client (GetText is gtk_editable_get_text () of the
   * GtkText) is the mask, one character per character typed; the model has the password. */
  g_assert_cmpstr (gtk_editable_get_text (text), ==, mask);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, mask);
  g_assert_cmpstr (sc_settings_get_password (fixture->settings), ==, SC_TEST_PASSWORD);

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

  /* Typing edits the password in the model: inserting, deleting, replacing. */
  gtk_editable_set_position (text, -1);
  {
    int position = gtk_editable_get_position (text);

    gtk_editable_insert_text (text, "ß!", -1, &position);
  }
  g_assert_cmpstr (sc_settings_get_password (fixture->settings), ==, SC_TEST_PASSWORD "ß!");
  gtk_editable_delete_text (text, 0, 7);
  {
    g_autofree char *rest = g_strconcat (g_utf8_offset_to_pointer (SC_TEST_PASSWORD, 7), "ß!",
                                         NULL);

    g_assert_cmpstr (sc_settings_get_password (fixture->settings), ==, rest);
  }
  gtk_editable_set_text (GTK_EDITABLE (password), "new secret");
  g_assert_cmpstr (sc_settings_get_password (fixture->settings), ==, "new secret");
  g_assert_cmpstr (gtk_editable_get_text (text), ==,
                   "\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf");

  /* Shown on screen by the user, it is the text (to accessibility too); hidden again, not. */
  gtk_text_set_visibility (GTK_TEXT (text), TRUE);
  g_assert_cmpstr (gtk_editable_get_text (text), ==, "new secret");
  gtk_text_set_visibility (GTK_TEXT (text), FALSE);
  g_assert_cmpstr (gtk_editable_get_text (text), !=, "new secret");

  /* And the model shows in the row. */
  g_object_set (fixture->settings, "password", "abc", NULL);
  g_assert_cmpstr (gtk_editable_get_text (text), ==, "\u25cf\u25cf\u25cf");
  g_object_set (fixture->settings, "password", NULL, NULL);
  g_assert_cmpstr (gtk_editable_get_text (text), ==, "");
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
  g_assert_true (gtk_widget_has_css_class (row (fixture, "T_ime-out"), "error"));
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

/* ------------------------------------------------------------------------------------------ */
/* Test Connection                                                                            */
/* ------------------------------------------------------------------------------------------ */

/* Starts a test server with @options and points the model at it, as the user would. */
static void
use_server (Fixture                   *fixture,
            const ScTestServerOptions *options)
{
  static const ScSecurity securities[] = {
    [SC_TEST_SERVER_TLS] = SC_SECURITY_TLS,
    [SC_TEST_SERVER_STARTTLS] = SC_SECURITY_STARTTLS,
    [SC_TEST_SERVER_STARTTLS_NOT_OFFERED] = SC_SECURITY_STARTTLS,
    [SC_TEST_SERVER_PLAIN] = SC_SECURITY_NONE,
  };
  g_autoptr(GError) error = NULL;

  fixture->server = sc_test_server_start (options, &error);
  g_assert_no_error (error);
  g_object_set (fixture->settings,
                "smtp-host", "localhost",
                "smtp-port", (guint) fixture->server->port,
                "security", securities[options->mode],
                "ca-file", fixture->server->ca_file,
                "timeout-seconds", 10,
                "login", SC_TEST_LOGIN,
                "password", SC_TEST_PASSWORD,
                NULL);
}

/* Whether a test runs: its button says Cancel. */
static gboolean
test_running (Fixture *fixture)
{
  return sc_ui_test_find_button (GTK_WIDGET (fixture->dialog), "_Cancel") != NULL;
}

static gboolean
test_finished (gpointer data)
{
  return !test_running (data);
}

/* Clicks Test Connection and waits until it is done. */
static void
run_test (Fixture *fixture)
{
  g_signal_emit_by_name (button (fixture, "_Test Connection"), "clicked");
  g_assert_true (test_running (fixture));
  g_assert_true (sc_ui_test_wait_until (test_finished, fixture, SC_UI_TEST_WAIT_MS));
}

/* A result row by its exact title (the field rows have mnemonics: "_Login"). */
static GtkWidget *
result_row (Fixture    *fixture,
            const char *title)
{
  g_autoptr(GPtrArray) rows = sc_ui_test_find_all (GTK_WIDGET (fixture->dialog),
                                                   ADW_TYPE_ACTION_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];

  return NULL;
}

static const char *
result (Fixture    *fixture,
        const char *title)
{
  GtkWidget *found = result_row (fixture, title);

  return found != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (found)) : NULL;
}

/* A good server: the report shows TLS, the certificate, the extensions, the SIZE limit and
 * the accepted login; nothing is sent. */
static void
test_connection_ok (Fixture       *fixture,
                    gconstpointer  data)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .data_size_limit = 10240000 };
  g_autofree char *log = NULL;

  use_server (fixture, &options);
  open_dialog (fixture, FALSE);
  run_test (fixture);

  g_assert_true (g_str_has_prefix (result (fixture, "Encryption"), "TLS 1."));
  g_assert_nonnull (strstr (result (fixture, "Encryption"), ", "));
  g_assert_cmpstr (result (fixture, "Certificate"), !=, "");
  g_assert_cmpstr (result (fixture, "Issued by"), !=, "");
  g_assert_cmpstr (result (fixture, "Expires"), !=, "");
  g_assert_nonnull (strstr (result (fixture, "Extensions"), "SIZE 10240000"));
  /* g_format_size () puts a no-break space before the unit. */
  g_assert_cmpstr (result (fixture, "Size limit"), ==, "Messages up to 10.2\u00a0MB");
  g_assert_cmpstr (result (fixture, "Login"), ==, "Login accepted");
  g_assert_true (gtk_widget_has_css_class (result_row (fixture, "Login"), "success"));
  g_assert_null (sc_ui_test_find_row (GTK_WIDGET (fixture->dialog),
                                      "The connection test failed"));

  /* The server saw a login and a goodbye, and no message. */
  g_assert_true (sc_test_server_wait_closed (fixture->server, 1, SC_UI_TEST_WAIT_MS));
  log = sc_test_server_get_log (fixture->server);
  g_assert_nonnull (strstr (log, "AUTH-RESULT ok"));
  g_assert_nonnull (strstr (log, "QUIT"));
  g_assert_null (strstr (log, "MAIL FROM"));
  g_assert_cmpuint (sc_test_server_count_messages (fixture->server), ==, 0);

  /* A second run replaces the report. */
  run_test (fixture);
  g_assert_cmpstr (result (fixture, "Login"), ==, "Login accepted");
  {
    g_autoptr(GPtrArray) rows = sc_ui_test_find_all (GTK_WIDGET (fixture->dialog),
                                                     ADW_TYPE_ACTION_ROW);
    guint logins = 0;

    for (guint i = 0; i < rows->len; i++)
      logins += g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), "Login") == 0;
    g_assert_cmpuint (logins, ==, 1);
  }
}

/* Without a login the server alone is tested: no AUTH, and the report says so. */
static void
test_connection_no_login (Fixture       *fixture,
                          gconstpointer  data)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  g_autofree char *log = NULL;

  use_server (fixture, &options);
  g_object_set (fixture->settings, "login", NULL, "password", NULL, NULL);
  open_dialog (fixture, FALSE);
  run_test (fixture);

  g_assert_cmpstr (result (fixture, "Login"), ==, "Not tested: no login is set");
  g_assert_true (g_str_has_prefix (result (fixture, "Encryption"), "TLS 1."));
  g_assert_true (sc_test_server_wait_closed (fixture->server, 1, SC_UI_TEST_WAIT_MS));
  log = sc_test_server_get_log (fixture->server);
  g_assert_nonnull (strstr (log, "STARTTLS"));
  g_assert_null (strstr (log, "AUTH"));
}

/* A wrong password: the error is shown, and no report. */
static void
test_connection_wrong_password (Fixture       *fixture,
                                gconstpointer  data)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_STARTTLS };
  GtkWidget *failed;

  use_server (fixture, &options);
  g_object_set (fixture->settings, "password", "wrong password", NULL);
  open_dialog (fixture, FALSE);
  run_test (fixture);

  failed = sc_ui_test_find_row (GTK_WIDGET (fixture->dialog), "The connection test failed");
  g_assert_nonnull (failed);
  g_assert_true (gtk_widget_has_css_class (failed, "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (failed)), !=, "");
  sc_test_assert_no_secret (adw_action_row_get_subtitle (ADW_ACTION_ROW (failed)));
  g_assert_null (result (fixture, "Login"));
  g_assert_null (sc_ui_test_find_button (GTK_WIDGET (fixture->dialog), "_Review Certificate…"));

  /* The engine's hint marks the Password row, and says what to check. */
  g_assert_true (gtk_widget_has_css_class (row (fixture, "Pass_word"), "error"));
  g_assert_false (gtk_widget_has_css_class (row (fixture, "_Host"), "error"));
}

/* A server that never answers: Cancel stops the test at once, long before the time-out, and
 * shows nothing. */
static void
test_connection_cancel (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  gint64 cancelled_at;

  /* Connections are queued by the kernel and never accepted: no greeting ever comes. */
  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_object_set (fixture->settings,
                "smtp-host", "127.0.0.1",
                "smtp-port", (guint) g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)),
                "security", SC_SECURITY_STARTTLS,
                "timeout-seconds", 120,
                NULL);
  open_dialog (fixture, FALSE);

  g_signal_emit_by_name (button (fixture, "_Test Connection"), "clicked");
  g_assert_true (test_running (fixture));
  sc_ui_test_spin (300);
  g_assert_true (test_running (fixture));

  cancelled_at = g_get_monotonic_time ();
  g_signal_emit_by_name (button (fixture, "_Cancel"), "clicked");
  g_assert_true (sc_ui_test_wait_until (test_finished, fixture, 10000));
  g_test_message ("cancel took %" G_GINT64_FORMAT " us", g_get_monotonic_time () - cancelled_at);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 10 * G_USEC_PER_SEC);

  g_assert_null (sc_ui_test_find_row (GTK_WIDGET (fixture->dialog),
                                      "The connection test failed"));
  g_assert_null (result (fixture, "Encryption"));
  g_assert_nonnull (sc_ui_test_find_button (GTK_WIDGET (fixture->dialog), "_Test Connection"));

  /* Closed while a test runs: the test stops, and the dialog goes away. */
  g_signal_emit_by_name (button (fixture, "_Test Connection"), "clicked");
  g_assert_true (test_running (fixture));
  g_object_add_weak_pointer (G_OBJECT (fixture->dialog), (gpointer *) &fixture->dialog);
  gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  g_assert_true (sc_ui_test_wait_until (dialog_gone, fixture, 10000));
}

static ScCertificateDialog *
find_certificate_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (SC_IS_CERTIFICATE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return SC_CERTIFICATE_DIALOG (window);
    }

  return NULL;
}

static gboolean
certificate_dialog_shown (gpointer data)
{
  ScCertificateDialog *dialog = find_certificate_dialog ();

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
certificate_dialog_gone (gpointer data)
{
  return find_certificate_dialog () == NULL;
}

/* The monospace labels of the certificate dialog: the fingerprints, in order. */
static GPtrArray *
dialog_fingerprints (ScCertificateDialog *dialog)
{
  g_autoptr(GPtrArray) labels = sc_ui_test_find_all (GTK_WIDGET (dialog), GTK_TYPE_LABEL);
  GPtrArray *fingerprints = g_ptr_array_new ();

  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (labels->pdata[i], "monospace"))
      g_ptr_array_add (fingerprints, (gpointer) gtk_label_get_label (labels->pdata[i]));

  return fingerprints;
}

/* Opens the certificate dialog from the failed test. */
static ScCertificateDialog *
review_certificate (Fixture *fixture)
{
  GtkWidget *failed = sc_ui_test_find_row (GTK_WIDGET (fixture->dialog),
                                           "The connection test failed");

  g_assert_nonnull (failed);
  g_signal_emit_by_name (sc_ui_test_find_button (failed, "_Review Certificate…"), "clicked");
  g_assert_true (sc_ui_test_wait_until (certificate_dialog_shown, NULL, SC_UI_TEST_WAIT_MS));
  return find_certificate_dialog ();
}

/* A self-signed server: Test Connection offers the certificate; "Trust This Certificate" pins
 * its fingerprint in the model, and the test then passes. */
static void
test_connection_trust (Fixture       *fixture,
                       gconstpointer  data)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .certificate = "self-signed" };
  g_autoptr(GPtrArray) fingerprints = NULL;
  g_autofree char *fingerprint = NULL;
  ScCertificateDialog *dialog;

  use_server (fixture, &options);
  open_dialog (fixture, FALSE);
  run_test (fixture);
  g_assert_null (result (fixture, "Login"));

  dialog = review_certificate (fixture);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Trust This Certificate?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "self-signed"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Subject"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Issuer"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Valid from"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Valid until"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "SHA-256 fingerprint"));
  /* Measured at its width, not at a sliver of a column (which made it 2000 px tall). */
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (dialog)), <, 600);
  fingerprints = dialog_fingerprints (dialog);
  g_assert_cmpuint (fingerprints->len, ==, 1);
  fingerprint = g_strdup (fingerprints->pdata[0]);
  g_assert_cmpuint (strlen (fingerprint), ==, 32 * 3 - 1);
  g_assert_null (sc_settings_get_tls_fingerprint (fixture->settings));

  g_signal_emit_by_name (sc_ui_test_find_button (GTK_WIDGET (dialog), "_Trust This Certificate"),
                         "clicked");
  g_assert_true (sc_ui_test_wait_until (certificate_dialog_gone, NULL, SC_UI_TEST_WAIT_MS));
  g_assert_cmpstr (sc_settings_get_tls_fingerprint (fixture->settings), ==, fingerprint);

  /* The Account dialog shows the trusted certificate. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row (fixture,
                                                                      "Trusted Certificate"))),
                   ==, fingerprint);

  /* Trusted: the test runs again by itself, and passes. */
  g_assert_true (sc_ui_test_wait_until (test_finished, fixture, SC_UI_TEST_WAIT_MS));
  g_assert_cmpstr (result (fixture, "Login"), ==, "Login accepted");
  g_assert_true (g_str_has_prefix (result (fixture, "Encryption"), "TLS 1."));

  /* Forgotten, it is refused again. */
  g_signal_emit_by_name (button (fixture, "_Forget"), "clicked");
  g_assert_null (sc_settings_get_tls_fingerprint (fixture->settings));
  g_assert_null (sc_ui_test_find_row (GTK_WIDGET (fixture->dialog), "Trusted Certificate"));
  run_test (fixture);
  g_assert_null (result (fixture, "Login"));
  g_assert_nonnull (sc_ui_test_find_button (GTK_WIDGET (fixture->dialog),
                                            "_Review Certificate…"));
}

/* Test Connection checks the fields first, with the model's rules: a wrong one is marked and
 * nothing is connected. */
static void
test_connection_checks_fields (Fixture       *fixture,
                               gconstpointer  data)
{
  open_dialog (fixture, FALSE);
  g_object_set (fixture->settings, "smtp-port", 587, NULL);

  g_signal_emit_by_name (button (fixture, "_Test Connection"), "clicked");
  g_assert_false (test_running (fixture));
  g_assert_true (gtk_widget_has_css_class (row (fixture, "_Host"), "error"));
  g_assert_true (has_focus (fixture, row (fixture, "_Host")));

  set_row_text (fixture, "_Host", "localhost");
  set_row_text (fixture, "P_ort", "0");
  g_signal_emit_by_name (button (fixture, "_Test Connection"), "clicked");
  g_assert_false (test_running (fixture));
  g_assert_true (gtk_widget_has_css_class (row (fixture, "P_ort"), "error"));
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->dialog),
                                "Port “0” is not a number from 1 to 65535"));
}

/* Another certificate than the trusted one: the dialog says it changed and shows both
 * fingerprints; Cancel keeps the old one. */
static void
test_connection_certificate_changed (Fixture       *fixture,
                                     gconstpointer  data)
{
  ScTestServerOptions options = { .mode = SC_TEST_SERVER_TLS, .certificate = "self-signed-2" };
  const char *pinned = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                       "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
  g_autoptr(GPtrArray) fingerprints = NULL;
  ScCertificateDialog *dialog;

  use_server (fixture, &options);
  g_object_set (fixture->settings, "tls-fingerprint", pinned, NULL);
  open_dialog (fixture, FALSE);
  run_test (fixture);
  g_assert_null (result (fixture, "Login"));

  dialog = review_certificate (fixture);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "The certificate changed since you trusted it");
  fingerprints = dialog_fingerprints (dialog);
  g_assert_cmpuint (fingerprints->len, ==, 2);
  g_assert_cmpstr (fingerprints->pdata[0], !=, pinned);
  g_assert_cmpstr (fingerprints->pdata[1], ==, pinned);
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Trusted fingerprint"));

  g_signal_emit_by_name (sc_ui_test_find_button (GTK_WIDGET (dialog), "_Cancel"), "clicked");
  g_assert_true (sc_ui_test_wait_until (certificate_dialog_gone, NULL, SC_UI_TEST_WAIT_MS));
  g_assert_cmpstr (sc_settings_get_tls_fingerprint (fixture->settings), ==, pinned);
}

/* ------------------------------------------------------------------------------------------ */
/* The password in the keyring                                                                */
/* ------------------------------------------------------------------------------------------ */

#define KEYRING_PASSWORD "пароль в связке ключей"

static void
keyring_save_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sc_settings_store_save_finish (SC_SETTINGS_STORE (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Saves as the window does (the keyring is asked in the store's worker). */
static void
keyring_save (ScSettingsStore *store)
{
  gboolean done = FALSE;

  sc_settings_store_save_async (store, NULL, keyring_save_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_strv_length ((char **) sc_settings_store_get_warnings (store)), ==, 0);
}

static JsonObject *
keyring_read_credentials (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "credentials.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
switch_on (gpointer data)
{
  return gtk_switch_get_active (data);
}

static gboolean
switch_off (gpointer data)
{
  return !gtk_switch_get_active (data);
}

/* The switch "Remember password in the keyring", against a real keyring (this test runs under
 * tests/keyring-session.sh): on, Save puts the password there and out of credentials.json, and
 * the next load takes it from there; off, it goes back into the file. */
static void
test_keyring_switch (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GFile) dir = g_file_new_for_path (fixture->dir);
  g_autoptr(ScSettingsStore) store = sc_settings_store_new (dir);
  g_autoptr(ScSettingsStore) again = NULL;
  g_autoptr(JsonObject) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  ScSettings *settings = sc_settings_store_get_settings (store);
  GtkWidget *keyring_row;
  GtkWidget *keyring_switch;

  g_assert_nonnull (g_getenv ("SC_TEST_KEYRING_PASSWORD"));
  sc_test_write_file (fixture->dir, "config.json",
                      "{ \"smtp_host\": \"localhost\", \"smtp_port\": 2526 }", -1);
  sc_test_write_file (fixture->dir, "credentials.json",
                      "{ \"login\": \"dialog@example.com\", \"password\": \""
                      KEYRING_PASSWORD "\" }", -1);
  sc_test_write_file (fixture->dir, "data.json",
                      "{ \"to_addrs\": [\"to@example.com\"], \"message\": { \"subject\": \"s\", "
                      "\"message_file_path\": \"body.txt\" } }", -1);
  g_assert_true (sc_settings_store_load (store, NULL, &error));
  g_assert_no_error (error);

  fixture->dialog = sc_account_dialog_new (NULL, settings, FALSE);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
  g_assert_true (sc_ui_test_wait_until (dialog_mapped, fixture, SC_UI_TEST_WAIT_MS));

  keyring_row = row (fixture, "_Remember password in the keyring");
  keyring_switch = sc_ui_test_find_type (keyring_row, GTK_TYPE_SWITCH);
  g_assert_nonnull (keyring_switch);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (keyring_switch)));
  g_assert_false (sc_settings_get_modified (settings));

  /* On, as a click on the row does (the switch may slide first). */
  adw_action_row_activate (ADW_ACTION_ROW (keyring_row));
  g_assert_true (sc_ui_test_wait_until (switch_on, keyring_switch, SC_UI_TEST_WAIT_MS));
  g_assert_true (sc_settings_get_password_in_keyring (settings));
  g_assert_true (sc_settings_get_modified (settings));
  keyring_save (store);

  credentials = keyring_read_credentials (fixture);
  g_assert_false (json_object_has_member (credentials, "password"));
  g_assert_cmpstr (json_object_get_string_member (credentials, "password_storage"), ==,
                   "keyring");
  password = sc_keyring_lookup ("localhost", 2526, "dialog@example.com", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, KEYRING_PASSWORD);

  /* Read again (as the next start does): from the keyring, and the switch is on. */
  gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  fixture->dialog = NULL;
  again = sc_settings_store_new (dir);
  g_assert_true (sc_settings_store_load (again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sc_settings_get_password (sc_settings_store_get_settings (again)), ==,
                   KEYRING_PASSWORD);
  fixture->dialog = sc_account_dialog_new (NULL, sc_settings_store_get_settings (again), FALSE);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
  g_assert_true (sc_ui_test_wait_until (dialog_mapped, fixture, SC_UI_TEST_WAIT_MS));
  keyring_row = row (fixture, "_Remember password in the keyring");
  keyring_switch = sc_ui_test_find_type (keyring_row, GTK_TYPE_SWITCH);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (keyring_switch)));

  /* Off: back into the file, and out of the keyring. */
  adw_action_row_activate (ADW_ACTION_ROW (keyring_row));
  g_assert_true (sc_ui_test_wait_until (switch_off, keyring_switch, SC_UI_TEST_WAIT_MS));
  g_assert_false (sc_settings_get_password_in_keyring (sc_settings_store_get_settings (again)));
  keyring_save (again);
  g_clear_pointer (&credentials, json_object_unref);
  credentials = keyring_read_credentials (fixture);
  g_assert_cmpstr (json_object_get_string_member (credentials, "password"), ==,
                   KEYRING_PASSWORD);
  g_clear_pointer (&password, g_free);
  password = sc_keyring_lookup ("localhost", 2526, "dialog@example.com", NULL, &error);
  g_assert_null (password);
  g_assert_error (error, SC_KEYRING_ERROR, SC_KEYRING_ERROR_NOT_FOUND);

  gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  fixture->dialog = NULL;
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
  ADD ("ca-file-chooser", test_ca_file_chooser);
  ADD ("password-hidden", test_password_hidden);
  ADD ("show-field", test_show_field);
  ADD ("setup", test_setup);
  ADD ("focus-first-empty", test_focus_first_empty);
  ADD ("connection-checks-fields", test_connection_checks_fields);
  ADD ("connection-ok", test_connection_ok);
  ADD ("connection-no-login", test_connection_no_login);
  ADD ("connection-wrong-password", test_connection_wrong_password);
  ADD ("connection-cancel", test_connection_cancel);
  ADD ("connection-trust", test_connection_trust);
  ADD ("connection-certificate-changed", test_connection_certificate_changed);
  ADD ("keyring-switch", test_keyring_switch);

#undef ADD

  return g_test_run ();
}

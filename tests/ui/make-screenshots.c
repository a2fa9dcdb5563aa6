/* make-screenshots.c — renders the composer window in each state to PNG files
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage (under Xvfb, see make-screenshots.sh): make-screenshots OUTPUT-DIR [ru]
 *
 * Writes main-window.png (pre-filled, idle), sending.png (progress), sent.png (success) and
 * error.png (a server whose certificate is not trusted), each from the real window talking to a
 * real test server on 127.0.0.1.
 *
 * With "ru" (and LANGUAGE=ru, SC_LOCALEDIR at the build folder's po/, as make-screenshots.sh
 * --ru sets them): only main-window-ru.png, the window in Russian with a Russian message.
 */

#define G_LOG_DOMAIN "make-screenshots"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sc-account-dialog.h"
#include "sc-settings.h"
#include "sc-test-server.h"
#include "sc-ui-test-utils.h"

/* The sample message, in English or (for main-window-ru.png) in Russian. */
typedef struct
{
  const char *subject;
  const char *body;
  const char *report;   /* file names: two in the attachment folder, one added by hand */
  const char *figures;
  const char *photo;
} Sample;

static const Sample english_sample = {
  "Q3 report and site visit photos",
  "Hello team,\n"
  "\n"
  "attached are the figures for the third quarter and the photos from the\n"
  "site visit. The summary is in the report; the raw data is in the CSV file.\n"
  "\n"
  "Best regards,\n"
  "Sam\n",
  "attachments/q3-report.pdf", "attachments/q3-figures.csv", "site-visit.jpg",
};

static const Sample russian_sample = {
  "Отчёт за III квартал и фотографии с объекта",
  "Здравствуйте, коллеги!\n"
  "\n"
  "Во вложении — показатели за третий квартал и фотографии с объекта.\n"
  "Краткие итоги — в отчёте, исходные данные — в файле CSV.\n"
  "\n"
  "С уважением,\n"
  "Семён\n",
  "attachments/отчёт-3-квартал.pdf", "attachments/показатели-3-квартал.csv", "объект.jpg",
};

static const Sample *sample = &english_sample;

static gboolean
progress_visible (gpointer data)
{
  GtkWidget *bar = sc_ui_test_find_type (GTK_WIDGET (data), GTK_TYPE_PROGRESS_BAR);

  /* The bar shows while the send is in flight. */
  return bar == NULL || gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)) > 0.3;
}

static void
activate (ScWindow   *window,
          const char *action)
{
  if (!gtk_widget_activate_action (GTK_WIDGET (window), action, NULL))
    g_error ("No action %s", action);
}

static void
print_status (ScWindow   *window,
              const char *what)
{
  g_autofree char *text = NULL;

  g_object_get (window, "status-text", &text, NULL);
  g_print ("%s: %s\n", what, text);
}

static void
save_png (gpointer    window,
          const char *dir,
          const char *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GtkSnapshot *snapshot;
  int width;
  int height;

  /* Let the last change reach layout and paint. */
  sc_ui_test_spin (400);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  g_assert (width > 0 && height > 0);

  /* A widget paintable draws nothing for a toplevel: run the window's own snapshot. */
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (window)->snapshot (GTK_WIDGET (window), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert (node != NULL);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Cannot write %s", path);
  g_print ("%s\n", path);
}

/* A test server, a settings folder for it and a window on that folder, pre-filled with a
 * message with three attachments (two from the folder, one added by hand). */
typedef struct
{
  ScTestServer *server;
  char         *dir;
  ScWindow     *window;
} Scene;

static void
scene_open (Scene                     *scene,
            const ScTestServerOptions *options,
            gsize                      photo_size)
{
  static const char * const to[] = { "alice@example.com", "bob@example.org", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *photo = NULL;

  scene->server = sc_test_server_start (options, &error);
  if (scene->server == NULL)
    g_error ("%s", error->message);
  scene->dir = sc_test_make_tmpdir ();

  sc_test_write_settings (scene->server, scene->dir, to, sample->subject, sample->body);
  g_free (sc_ui_test_make_file (scene->dir, sample->report, 184320));
  g_free (sc_ui_test_make_file (scene->dir, sample->figures, 12800));
  photo = sc_ui_test_make_file (scene->dir, sample->photo, photo_size);

  /* At the window's own default size, as a user first sees it. */
  scene->window = sc_ui_test_open_window (scene->dir, -1, -1);

  /* Added by hand, as the Add Attachment chooser does. */
  sc_ui_test_attach (scene->window, photo);
}

/* The Account dialog (or another toplevel of @type) on screen, if any. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) &&
          gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }

  return NULL;
}

static gboolean
account_dialog_shown (gpointer data)
{
  return find_toplevel (SC_TYPE_ACCOUNT_DIALOG) != NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static ScSettings *
settings_of (ScWindow *window)
{
  ScSettings *settings;

  g_object_get (window, "settings", &settings, NULL);
  g_object_unref (settings);
  return settings;
}

static gboolean
login_accepted (gpointer data)
{
  g_autoptr(GPtrArray) rows = sc_ui_test_find_all (data, ADW_TYPE_ACTION_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_action_row_get_subtitle (rows->pdata[i]), _("Login accepted")) == 0)
      return TRUE;
  return FALSE;
}

static void
scene_send (Scene *scene)
{
  activate (scene->window, "win.send");
  if (!sc_ui_test_wait_idle (scene->window))
    g_error ("Sending did not finish");
}

static void
scene_close (Scene *scene)
{
  sc_ui_test_close_window (&scene->window);
  g_clear_pointer (&scene->server, sc_test_server_stop);
  sc_test_rm_rf (scene->dir);
  g_clear_pointer (&scene->dir, g_free);
}

int
main (int   argc,
      char *argv[])
{
  ScTestServerOptions plain_options = { .mode = SC_TEST_SERVER_TLS };
  ScTestServerOptions slow_options = { .mode = SC_TEST_SERVER_TLS, .data_delay_ms = 40 };
  ScTestServerOptions untrusted_options = { .mode = SC_TEST_SERVER_TLS, .untrusted_cert = TRUE };
  Scene scene = { 0 };
  GtkWindow *dialog;
  const char *out;

  if (argc != 2 && !(argc == 3 && g_str_equal (argv[2], "ru")))
    {
      g_printerr ("usage: %s OUTPUT-DIR [ru]\n", argv[0]);
      return 2;
    }
  out = argv[1];

  gtk_init ();
  adw_init ();
  /* GNOME's title bar buttons (Xvfb's default adds minimize and maximize). */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);

  /* The window's own translations, as src/main.c binds them. */
  if (g_getenv ("SC_LOCALEDIR") != NULL)
    bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SC_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* In Russian: the idle, pre-filled window only. */
  if (argc == 3)
    {
      /* The translation must really be in use, or the picture would be English. */
      if (g_strcmp0 (_("Send"), "Send") == 0)
        g_error ("No Russian translation: run make-screenshots.sh --ru");
      sample = &russian_sample;
      scene_open (&scene, &plain_options, 2400000);
      save_png (scene.window, out, "main-window-ru.png");
      scene_close (&scene);
      return 0;
    }

  /* Idle and pre-filled, then sent. */
  scene_open (&scene, &plain_options, 2400000);
  save_png (scene.window, out, "main-window.png");
  scene_send (&scene);
  print_status (scene.window, "sent");
  save_png (scene.window, out, "sent.png");
  scene_close (&scene);

  /* Sending, against a slow server; then cancelled. */
  scene_open (&scene, &slow_options, 8000000);
  activate (scene.window, "win.send");
  if (!sc_ui_test_wait_until (progress_visible, scene.window, SC_UI_TEST_WAIT_MS))
    g_error ("No progress");
  save_png (scene.window, out, "sending.png");
  activate (scene.window, "win.cancel");
  if (!sc_ui_test_wait_idle (scene.window))
    g_error ("Cancelling did not finish");
  scene_close (&scene);

  /* An error with its hint: a wrong password marks the From row and offers the Account
   * dialog at the Password field. */
  scene_open (&scene, &plain_options, 2400000);
  g_object_set (settings_of (scene.window), "password", "wrong password", NULL);
  scene_send (&scene);
  print_status (scene.window, "error");
  save_png (scene.window, out, "error.png");

  /* The Account dialog, with a Test Connection result. */
  g_object_set (settings_of (scene.window), "password", SC_TEST_PASSWORD, NULL);
  activate (scene.window, "win.account");
  if (!sc_ui_test_wait_until (account_dialog_shown, NULL, SC_UI_TEST_WAIT_MS))
    g_error ("No Account dialog");
  dialog = find_toplevel (SC_TYPE_ACCOUNT_DIALOG);
  g_signal_emit_by_name (sc_ui_test_find_button (GTK_WIDGET (dialog), _("_Test Connection")),
                         "clicked");
  if (!sc_ui_test_wait_until (login_accepted, dialog, SC_UI_TEST_WAIT_MS))
    g_error ("Test Connection did not succeed");
  save_png (dialog, out, "account.png");
  gtk_window_destroy (dialog);
  scene_close (&scene);

  /* An untrusted certificate, and the dialog that offers to trust it. */
  scene_open (&scene, &untrusted_options, 2400000);
  scene_send (&scene);
  print_status (scene.window, "untrusted");
  activate (scene.window, "win.fix-error");
  if (!sc_ui_test_wait_until (message_dialog_shown, NULL, SC_UI_TEST_WAIT_MS))
    g_error ("No certificate dialog");
  save_png (find_toplevel (ADW_TYPE_MESSAGE_DIALOG), out, "certificate.png");
  gtk_window_destroy (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  scene_close (&scene);

  /* First run: settings that still name the example server. */
  scene_open (&scene, &plain_options, 2400000);
  sc_ui_test_close_window (&scene.window);
  sc_test_write_file (scene.dir, "config.json",
                      "{ \"smtp_host\": \"smtp.example.com\", \"smtp_port\": 465 }\n", -1);
  sc_test_write_file (scene.dir, "credentials.json", "{ \"login\": \"\", \"password\": \"\" }\n",
                      -1);
  scene.window = sc_ui_test_open_window (scene.dir, -1, -1);
  if (!sc_ui_test_wait_until (account_dialog_shown, NULL, SC_UI_TEST_WAIT_MS))
    g_error ("No Set up your account");
  save_png (find_toplevel (SC_TYPE_ACCOUNT_DIALOG), out, "first-run.png");
  gtk_window_destroy (find_toplevel (SC_TYPE_ACCOUNT_DIALOG));
  scene_close (&scene);

  return 0;
}

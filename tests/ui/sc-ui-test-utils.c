/* sc-ui-test-utils.c — helpers shared by the window tests and the screenshot maker
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-ui-test-utils"

#include "config.h"

#include "sc-ui-test-utils.h"

#include "sc-ui-util.h"


/**
 * sc_ui_test_wait_until:
 * @condition: checked before each main context iteration
 * @data: passed to @condition
 * @timeout_ms: the longest wait
 *
 * Iterates the default main context until @condition holds, for at most @timeout_ms.
 *
 * Returns: whether @condition holds
 */
gboolean
sc_ui_test_wait_until (ScUiTestCondition condition,
                       gpointer          data,
                       guint             timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }

  return TRUE;
}

/**
 * sc_ui_test_spin:
 * @ms: how long
 *
 * Iterates the default main context for @ms milliseconds.
 */
void
sc_ui_test_spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/**
 * sc_ui_test_window_idle:
 * @window: an #ScWindow
 *
 * Returns: whether nothing (load, listing, save, send) is in flight in @window
 */
gboolean
sc_ui_test_window_idle (gpointer window)
{
  gboolean busy;

  g_object_get (window, "busy", &busy, NULL);
  return !busy;
}

/**
 * sc_ui_test_window_mapped:
 * @window: an #ScWindow
 *
 * Returns: whether @window is on screen
 */
gboolean
sc_ui_test_window_mapped (gpointer window)
{
  return gtk_widget_get_mapped (GTK_WIDGET (window));
}

/**
 * sc_ui_test_wait_idle:
 * @window: an #ScWindow
 *
 * Waits (at most %SC_UI_TEST_WAIT_MS) until nothing is in flight in @window.
 *
 * Returns: whether @window became idle in time
 */
gboolean
sc_ui_test_wait_idle (ScWindow *window)
{
  return sc_ui_test_wait_until (sc_ui_test_window_idle, window, SC_UI_TEST_WAIT_MS);
}

/**
 * sc_ui_test_open_window:
 * @dir: the settings folder
 * @width: the default width, or -1 (with @height -1 too: the window's own default size)
 * @height: the default height, or -1
 *
 * Opens a window on @dir and waits until it is on screen and has read its settings. Fails the
 * test (or aborts the program) if it does not settle within %SC_UI_TEST_WAIT_MS.
 *
 * Returns: (transfer none): the window, destroyed with sc_ui_test_close_window ()
 */
ScWindow *
sc_ui_test_open_window (const char *dir,
                        int         width,
                        int         height)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  ScWindow *window = sc_window_new (NULL, file);

  if (width > 0 || height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (sc_ui_test_wait_until (sc_ui_test_window_mapped, window, SC_UI_TEST_WAIT_MS));
  g_assert_true (sc_ui_test_wait_idle (window));

  return window;
}

/**
 * sc_ui_test_close_window:
 * @window: (inout) (nullable): a window from sc_ui_test_open_window (), or %NULL
 *
 * Destroys *@window, if any, lets the main context see it go, and clears *@window.
 */
void
sc_ui_test_close_window (ScWindow **window)
{
  if (*window == NULL)
    return;

  gtk_window_destroy (GTK_WINDOW (*window));
  *window = NULL;
  sc_ui_test_spin (50);
}

static void
find_all (GtkWidget *widget,
          gboolean (*match) (GtkWidget *, gconstpointer),
          gconstpointer data,
          GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if (match (child, data))
        g_ptr_array_add (found, child);
      find_all (child, match, data, found);
    }
}

static GtkWidget *
find_first (GtkWidget *root,
            gboolean (*match) (GtkWidget *, gconstpointer),
            gconstpointer data)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  find_all (root, match, data, found);
  return found->len > 0 ? found->pdata[0] : NULL;
}

static gboolean
match_type (GtkWidget     *widget,
            gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

/* A row by its title, as written ("_To") or as it shows ("To"). */
static gboolean
match_row (GtkWidget     *widget,
           gconstpointer  data)
{
  const char *title;
  g_autofree char *shown = NULL;

  if (!ADW_IS_PREFERENCES_ROW (widget))
    return FALSE;

  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (g_strcmp0 (title, data) == 0)
    return TRUE;
  if (!adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (widget)))
    return FALSE;

  shown = _sc_strip_mnemonic (title);
  return g_strcmp0 (shown, data) == 0;
}

/* A button by its label, or, for an icon button, by its tooltip. */
static gboolean
match_button (GtkWidget     *widget,
              gconstpointer  data)
{
  const char *label;

  if (!GTK_IS_BUTTON (widget))
    return FALSE;

  label = gtk_button_get_label (GTK_BUTTON (widget));
  if (label == NULL)
    label = gtk_widget_get_tooltip_text (widget);
  return g_strcmp0 (label, data) == 0;
}

static gboolean
match_role (GtkWidget     *widget,
            gconstpointer  data)
{
  return gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget))
         == (GtkAccessibleRole) GPOINTER_TO_INT (data);
}

/**
 * sc_ui_test_find_type:
 *
 * Returns: (transfer none) (nullable): the first visible widget of @type under @root
 */
GtkWidget *
sc_ui_test_find_type (GtkWidget *root,
                      GType      type)
{
  return find_first (root, match_type, GSIZE_TO_POINTER (type));
}

/**
 * sc_ui_test_find_all:
 *
 * Returns: (transfer container): the visible widgets of @type under @root, in tree order
 */
GPtrArray *
sc_ui_test_find_all (GtkWidget *root,
                     GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  find_all (root, match_type, GSIZE_TO_POINTER (type), found);
  return found;
}

/**
 * sc_ui_test_find_row:
 *
 * Returns: (transfer none) (nullable): the first visible row titled @title (the title is
 *   the row's accessible name too)
 */
GtkWidget *
sc_ui_test_find_row (GtkWidget  *root,
                     const char *title)
{
  return find_first (root, match_row, title);
}

/**
 * sc_ui_test_find_button:
 *
 * Returns: (transfer none) (nullable): the first visible button labelled @label
 */
GtkWidget *
sc_ui_test_find_button (GtkWidget  *root,
                        const char *label)
{
  return find_first (root, match_button, label);
}

/**
 * sc_ui_test_find_role:
 *
 * Returns: (transfer none) (nullable): the first visible widget with the accessible @role
 */
GtkWidget *
sc_ui_test_find_role (GtkWidget         *root,
                      GtkAccessibleRole  role)
{
  return find_first (root, match_role, GINT_TO_POINTER (role));
}

/**
 * sc_ui_test_get_body:
 *
 * Returns: (transfer full): the text of the message editor
 */
char *
sc_ui_test_get_body (ScWindow *window)
{
  GtkWidget *view = sc_ui_test_find_type (GTK_WIDGET (window), GTK_TYPE_TEXT_VIEW);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/**
 * sc_ui_test_set_body:
 *
 * Replaces the text of the message editor, as typing does.
 */
void
sc_ui_test_set_body (ScWindow   *window,
                     const char *text)
{
  GtkWidget *view = sc_ui_test_find_type (GTK_WIDGET (window), GTK_TYPE_TEXT_VIEW);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
}

/**
 * sc_ui_test_attach:
 * @path: a file
 *
 * Attaches @path as the Add Attachment chooser does (win.attach-files) and waits until the
 * window has measured it.
 */
void
sc_ui_test_attach (ScWindow   *window,
                   const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  const char *uris[] = { uri, NULL };

  gtk_widget_activate_action (GTK_WIDGET (window), "win.attach-files", "^as", uris);
  g_assert_true (sc_ui_test_wait_idle (window));
}

/**
 * sc_ui_test_make_file:
 * @dir: a folder
 * @name: the file's name (may include a subfolder that exists)
 * @size: its size in bytes
 *
 * Writes a file of @size bytes of varied content.
 *
 * Returns: (transfer full): its path
 */
char *
sc_ui_test_make_file (const char *dir,
                      const char *name,
                      gsize       size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = g_malloc (size);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (char) ((i * 7 + i / 251) & 0xff);
  g_file_set_contents (path, data, size, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

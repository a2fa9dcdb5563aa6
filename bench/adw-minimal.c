/* adw-minimal.c — the reference for the window's first frame (bench/run.py)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A minimal libadwaita application: an AdwApplicationWindow with a header bar and a label.
 * At its first frame (the first "after-paint" of the window surface's GdkFrameClock) it prints
 *   {"first_frame_us": <g_get_monotonic_time ()>}
 * on stdout and quits. The runner takes the monotonic time just before it starts the process
 * (Python's time.monotonic () is the same clock as g_get_monotonic_time () on Linux) and
 * subtracts. bench/window-probe.c --first-frame does the same for the real window.
 */

#include <adwaita.h>
#include <stdio.h>

static gboolean done;

static void
after_paint_cb (GdkFrameClock *clock,
                GApplication  *application)
{
  if (done)
    return;
  done = TRUE;

  g_print ("{\"first_frame_us\": %" G_GINT64_FORMAT "}\n", g_get_monotonic_time ());
  fflush (stdout);
  g_application_quit (application);
}

static void
realize_cb (GtkWidget    *window,
            GApplication *application)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  g_signal_connect_object (gdk_surface_get_frame_clock (surface), "after-paint",
                           G_CALLBACK (after_paint_cb), application, 0);
}

static void
activate_cb (GApplication *application)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (application));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Hello");

  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), "Minimal");
  /* The composer window's default size (src/ui/sc-window.ui): as many pixels to fill. */
  gtk_window_set_default_size (GTK_WINDOW (window), 860, 700);

  g_signal_connect_after (window, "realize", G_CALLBACK (realize_cb), application);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) application = NULL;
  int status;

  application = adw_application_new ("io.github.smtpclient.bench.AdwMinimal",
                                     G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), NULL);
  status = g_application_run (G_APPLICATION (application), argc, argv);

  return done ? status : 1;
}

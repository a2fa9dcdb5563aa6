/* window-probe.c — the real window, timed for the benchmark (bench/run.py)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts the real ScApplication as src/main.c does, and watches its first ScWindow through
 * its public side only (properties, actions, widgets found by type):
 *
 *   window-probe --first-frame [--settings DIR]
 *     At the window's first frame (the first "after-paint" of its surface's GdkFrameClock;
 *     the settings are read meanwhile, off the main thread, and may arrive later) prints
 *     {"first_frame_us": <g_get_monotonic_time ()>} and quits. The runner takes the monotonic
 *     time just before it starts the process (time.monotonic () in Python: the same clock on
 *     Linux) and subtracts; bench/adw-minimal.c is the reference.
 *
 *   window-probe --send --settings DIR
 *     Waits until the window is on screen and has read DIR (not "busy"), and half a second
 *     more for it to draw that, activates win.send
 *     and, until "sent" turns TRUE, measures:
 *       max_stall_us      the longest the main loop did not come back to a G_PRIORITY_HIGH
 *                         timeout of STALL_INTERVAL_MS, beyond that interval: the longest
 *                         single main-loop iteration (a dispatch, a layout and paint, …)
 *       max_stall_at_us   when that stall ended, from win.send
 *       progress_updates  the changes of the progress bar's "fraction" the window made
 *       progress_hz       their rate, between the first and the last of them
 *       send_us           from win.send to "sent"
 *       frames            the frames the window drew meanwhile
 *       max_frame_us      the longest of them, from the frame clock's "before-paint" to its
 *                         "after-paint" (update, layout, paint)
 *       main_cpu_us       the CPU time of the main thread meanwhile (what the window did, apart
 *                         from the waits: a stall on a busy machine may be mostly waiting)
 *     and prints them as one JSON line (with WINDOW_PROBE_VERBOSE set, each stall and frame
 *     over 8 ms on stderr as it happens). A send that ends without "sent" (an error) prints the
 *     status text on stderr and exits with 1.
 */

#define G_LOG_DOMAIN "window-probe"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sc-application.h"
#include "sc-window.h"

#define STALL_INTERVAL_MS 1
#define TIMEOUT_S         600
#define SETTLE_MS         500

typedef enum
{
  MODE_FIRST_FRAME,
  MODE_SEND,
} Mode;

typedef struct
{
  Mode            mode;
  GApplication   *application;
  ScWindow       *window;          /* the first ScWindow */
  GtkProgressBar *progress_bar;
  int             status;          /* the exit status */
  gboolean        done;
  gboolean        sending;
  gboolean        verbose;         /* WINDOW_PROBE_VERBOSE: stalls and frames over 8 ms */
  gint64          send_start;
  gint64          last_tick;
  gint64          max_stall;
  gint64          max_stall_at;    /* when it ended, from win.send */
  gint64          frame_start;     /* the frame clock's "before-paint", if in a frame */
  gint64          frame_start_cpu; /* the main thread's CPU time then */
  gint64          send_start_cpu;
  gint64          max_frame;       /* the longest frame: "before-paint" to "after-paint" */
  guint           frames;
  guint           tick_id;
  guint           progress_updates;
  double          last_fraction;
  gint64          first_progress;
  gint64          last_progress;
} Probe;

/* The CPU time of the calling thread, in µs: what it did, without the time it waited. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
finish (Probe *probe,
        int    status)
{
  if (probe->done)
    return;
  probe->done = TRUE;
  probe->status = status;
  g_clear_handle_id (&probe->tick_id, g_source_remove);
  g_application_quit (probe->application);
}

/* ------------------------------------------------------------------------------------------ */
/* --first-frame                                                                              */
/* ------------------------------------------------------------------------------------------ */

static void
after_paint_cb (GdkFrameClock *clock,
                Probe         *probe)
{
  if (probe->done)
    return;

  g_print ("{\"first_frame_us\": %" G_GINT64_FORMAT "}\n", g_get_monotonic_time ());
  fflush (stdout);
  finish (probe, 0);
}

static void
realize_cb (GtkWidget *window,
            Probe     *probe)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  g_signal_connect (gdk_surface_get_frame_clock (surface), "after-paint",
                    G_CALLBACK (after_paint_cb), probe);
}

/* ------------------------------------------------------------------------------------------ */
/* --send                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* Every STALL_INTERVAL_MS, at a priority above anything GTK or the window does: how late it
 * comes is how long the main loop was held by one iteration. */
static gboolean
tick_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();
  gint64 stall = now - probe->last_tick - STALL_INTERVAL_MS * 1000;

  if (probe->sending && probe->verbose && stall > 8000)
    g_printerr ("window-probe: stall of %" G_GINT64_FORMAT " µs at %" G_GINT64_FORMAT " µs\n",
                stall, now - probe->send_start);
  if (probe->sending && stall > probe->max_stall)
    {
      probe->max_stall = stall;
      probe->max_stall_at = now - probe->send_start;
    }
  probe->last_tick = now;

  return G_SOURCE_CONTINUE;
}

static void
fraction_cb (GtkProgressBar *bar,
             GParamSpec     *pspec,
             Probe          *probe)
{
  double fraction = gtk_progress_bar_get_fraction (bar);
  gint64 now = g_get_monotonic_time ();

  if (!probe->sending || fraction == probe->last_fraction)
    return;

  probe->last_fraction = fraction;
  probe->progress_updates++;
  if (probe->first_progress == 0)
    probe->first_progress = now;
  probe->last_progress = now;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Probe         *probe)
{
  probe->frame_start = g_get_monotonic_time ();
  probe->frame_start_cpu = thread_cpu_time ();
}

static void
frame_done_cb (GdkFrameClock *clock,
               Probe         *probe)
{
  gint64 length = g_get_monotonic_time () - probe->frame_start;

  if (!probe->sending || probe->frame_start == 0)
    return;

  probe->frames++;
  probe->max_frame = MAX (probe->max_frame, length);
  if (probe->verbose && length > 8000)
    g_printerr ("window-probe: frame of %" G_GINT64_FORMAT " µs (%" G_GINT64_FORMAT " µs of CPU)"
                " at %" G_GINT64_FORMAT " µs\n",
                length, thread_cpu_time () - probe->frame_start_cpu,
                g_get_monotonic_time () - probe->send_start);
}

static void
report_send (Probe *probe)
{
  gint64 send_us = g_get_monotonic_time () - probe->send_start;
  gint64 cpu_us = thread_cpu_time () - probe->send_start_cpu;
  double span = (double) (probe->last_progress - probe->first_progress) / G_USEC_PER_SEC;
  double hz = probe->progress_updates > 1 && span > 0 ? (probe->progress_updates - 1) / span : 0;
  char hz_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (hz_text, sizeof hz_text, "%.1f", hz);
  g_print ("{\"max_stall_us\": %" G_GINT64_FORMAT ", \"max_stall_at_us\": %" G_GINT64_FORMAT
           ", \"progress_updates\": %u, \"send_us\": %" G_GINT64_FORMAT
           ", \"progress_hz\": %s, \"frames\": %u, \"max_frame_us\": %" G_GINT64_FORMAT
           ", \"main_cpu_us\": %" G_GINT64_FORMAT "}\n",
           probe->max_stall, probe->max_stall_at, probe->progress_updates, send_us, hz_text,
           probe->frames, probe->max_frame, cpu_us);
  fflush (stdout);
}

static void
sent_cb (ScWindow   *window,
         GParamSpec *pspec,
         Probe      *probe)
{
  gboolean sent;

  g_object_get (window, "sent", &sent, NULL);
  if (!probe->sending || !sent || probe->done)
    return;

  probe->sending = FALSE;
  report_send (probe);
  finish (probe, 0);
}

/* The send is over; "sent" is set in the same callback, after "busy": look once it is done. */
static gboolean
check_outcome_cb (gpointer data)
{
  Probe *probe = data;
  g_autofree char *status = NULL;

  if (probe->done)
    return G_SOURCE_REMOVE;

  g_object_get (probe->window, "status-text", &status, NULL);
  g_printerr ("window-probe: not sent: %s\n", status);
  finish (probe, 1);

  return G_SOURCE_REMOVE;
}

static void
busy_cb (ScWindow   *window,
         GParamSpec *pspec,
         Probe      *probe)
{
  gboolean busy;

  g_object_get (window, "busy", &busy, NULL);
  if (probe->sending && !busy)
    g_idle_add (check_outcome_cb, probe);
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      found = find_type (child, type);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Sends, once the window has drawn what it loaded. */
static gboolean
send_cb (gpointer data)
{
  Probe *probe = data;
  GdkFrameClock *clock;

  probe->progress_bar = GTK_PROGRESS_BAR (find_type (GTK_WIDGET (probe->window),
                                                     GTK_TYPE_PROGRESS_BAR));
  if (probe->progress_bar == NULL)
    {
      g_printerr ("window-probe: the window has no progress bar\n");
      finish (probe, 1);
      return G_SOURCE_REMOVE;
    }
  probe->last_fraction = gtk_progress_bar_get_fraction (probe->progress_bar);
  g_signal_connect (probe->progress_bar, "notify::fraction", G_CALLBACK (fraction_cb), probe);
  g_signal_connect (probe->window, "notify::sent", G_CALLBACK (sent_cb), probe);
  g_signal_connect (probe->window, "notify::busy", G_CALLBACK (busy_cb), probe);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (probe->window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), probe);
  g_signal_connect (clock, "after-paint", G_CALLBACK (frame_done_cb), probe);

  probe->last_tick = g_get_monotonic_time ();
  probe->tick_id = g_timeout_add_full (G_PRIORITY_HIGH, STALL_INTERVAL_MS, tick_cb, probe, NULL);

  if (probe->verbose)
    g_printerr ("window-probe: win.send\n");
  probe->sending = TRUE;
  probe->send_start = g_get_monotonic_time ();
  probe->send_start_cpu = thread_cpu_time ();
  gtk_widget_activate_action (GTK_WIDGET (probe->window), "win.send", NULL);

  return G_SOURCE_REMOVE;
}

/* Polls until the window is on screen and has read its settings; then lets it draw that
 * (SETTLE_MS) before sending, so that the send's first frame is only the send's. */
static gboolean
start_send_cb (gpointer data)
{
  Probe *probe = data;
  gboolean busy;

  g_object_get (probe->window, "busy", &busy, NULL);
  if (busy || !gtk_widget_get_mapped (GTK_WIDGET (probe->window)))
    return G_SOURCE_CONTINUE;

  g_timeout_add (SETTLE_MS, send_cb, probe);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------------------------ */
/* Both                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window,
                 Probe          *probe)
{
  if (probe->window != NULL || !SC_IS_WINDOW (window))
    return;

  probe->window = SC_WINDOW (window);
  if (probe->mode == MODE_FIRST_FRAME)
    g_signal_connect_after (window, "realize", G_CALLBACK (realize_cb), probe);
  else
    /* From the main loop: the window starts loading once it is made. */
    g_timeout_add (5, start_send_cb, probe);
}

static gboolean
timeout_cb (gpointer data)
{
  Probe *probe = data;

  g_printerr ("window-probe: nothing happened in %d s\n", TIMEOUT_S);
  finish (probe, 1);

  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GApplication) application = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *localedir = g_getenv ("SC_LOCALEDIR");
  gboolean first_frame = FALSE;
  gboolean send = FALSE;
  gboolean settings = FALSE;
  Probe probe = { 0 };
  int status;

  /* The probe's own options; the rest (--settings DIR) is the application's. */
  for (int i = 0; i < argc; i++)
    {
      if (i > 0 && strcmp (argv[i], "--first-frame") == 0)
        first_frame = TRUE;
      else if (i > 0 && strcmp (argv[i], "--send") == 0)
        send = TRUE;
      else
        {
          settings |= g_str_has_prefix (argv[i], "--settings");
          g_ptr_array_add (args, argv[i]);
        }
    }
  g_ptr_array_add (args, NULL);

  if (first_frame == send || (send && !settings))
    {
      g_printerr ("usage: %s --first-frame [--settings DIR]\n"
                  "       %s --send --settings DIR\n", argv[0], argv[0]);
      return 2;
    }
  probe.mode = send ? MODE_SEND : MODE_FIRST_FRAME;
  probe.verbose = g_getenv ("WINDOW_PROBE_VERBOSE") != NULL;

  /* As src/main.c does */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = G_APPLICATION (sc_application_new ());
  probe.application = application;
  g_signal_connect (application, "window-added", G_CALLBACK (window_added_cb), &probe);
  g_timeout_add_seconds (TIMEOUT_S, timeout_cb, &probe);

  status = g_application_run (application, (int) args->len - 1, (char **) args->pdata);

  /* Another instance had this application id, and showed the window itself. */
  if (!probe.done)
    {
      g_printerr ("window-probe: no window of this process (is SMTP Client already running?)\n");
      return 1;
    }

  return status != 0 ? status : probe.status;
}

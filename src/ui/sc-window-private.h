/* sc-window-private.h — the composer window's internals, for its tests
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sc-settings-store.h"
#include "sc-settings.h"
#include "sc-window.h"

G_BEGIN_DECLS

typedef struct
{
  GFile     *file;
  goffset    size;         /* -1 while unknown */
  gboolean   from_folder;  /* listed from the attachment folder (else added by hand) */
  GtkWidget *row;
} ScAttachmentEntry;

struct _ScWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwWindowTitle       *window_title;
  GtkButton            *save_button;
  GtkButton            *send_button;
  AdwPreferencesGroup  *recipients_group;
  GtkButton            *add_recipient_button;
  AdwEntryRow          *subject_row;
  GtkTextView          *body_view;
  AdwPreferencesGroup  *attachments_group;
  GtkButton            *add_attachment_button;
  AdwActionRow         *attachment_folder_row;
  GtkButton            *choose_folder_button;
  AdwEntryRow          *host_row;
  AdwEntryRow          *port_row;
  AdwComboRow          *security_row;
  AdwEntryRow          *login_row;
  AdwPasswordEntryRow  *password_row;
  GtkLabel             *status_label;
  GtkProgressBar       *progress_bar;
  GtkButton            *cancel_button;

  /* State */
  GFile                *settings_dir;
  char                 *no_settings_dir;   /* why there is no settings folder to save to */
  ScSettingsStore      *store;
  ScSettings           *settings;          /* the store's */
  GCancellable         *cancellable;       /* the window's; cancelled on close and dispose */
  GCancellable         *send_cancellable;  /* the send in flight, if any */
  GPtrArray            *recipient_rows;    /* AdwEntryRow*, in order */
  GPtrArray            *attachments;       /* ScAttachmentEntry*, in order */
  GtkWidget            *no_attachments_row;
  GtkNativeDialog      *chooser;
  GtkWidget            *stop_dialog;       /* "Stop Sending?", while it is open (weak) */
  guint                 filling;           /* > 0 while widgets are filled from settings */
  guint                 pending;           /* loads, listings and saves in flight */
  guint                 list_serial;       /* drops stale folder listings */
  guint                 body_loaded : 1;   /* the message file was read (or does not exist) */
  guint                 body_loading : 1;  /* the message file is being read */
  guint                 body_edited : 1;   /* the user typed in the body */
  guint                 listing : 1;       /* the attachment folder is being listed */
  guint                 dirty : 1;
  guint                 sending : 1;
  guint                 saving : 1;
  guint                 security_touched : 1;
  guint                 close_after_save : 1;
  guint                 force_close : 1;
  guint                 close_after_send : 1; /* "Stop and Close": close once the send stops */
  guint                 disposed : 1;
};

const char *_sc_window_get_status_text      (ScWindow   *self);
gboolean    _sc_window_is_busy              (ScWindow   *self);
void        _sc_window_add_attachment_files (ScWindow   *self,
                                             GPtrArray  *files);
GPtrArray  *_sc_window_get_attachment_files (ScWindow   *self);
GtkWidget  *_sc_window_add_recipient        (ScWindow   *self,
                                             const char *address);

G_END_DECLS

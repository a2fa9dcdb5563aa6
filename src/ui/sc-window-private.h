/* sc-window-private.h — the composer window's internals, shared by sc-window.c and
 * sc-window-settings.c, sc-window-attachments.c and sc-window-actions.c (never by tests: they
 * use the properties and actions)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sc-attachment-row.h"
#include "sc-certificate-info.h"
#include "sc-error-hint.h"
#include "sc-outbox.h"
#include "sc-smtp-session.h"
#include "sc-settings-store.h"
#include "sc-settings.h"
#include "sc-window.h"

G_BEGIN_DECLS

/* What the status bar's fix button does (sc-window-errors.c) */
typedef enum
{
  SC_WINDOW_FIX_NONE,
  SC_WINDOW_FIX_ACCOUNT,       /* the Account dialog, at fix_field */
  SC_WINDOW_FIX_CERTIFICATE,   /* the certificate dialog, for fix_certificate */
  SC_WINDOW_FIX_FILE,          /* a settings file that does not parse, in a text editor */
} ScWindowFix;

struct _ScWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  AdwActionRow         *from_row;
  AdwEntryRow          *to_row;
  GtkListBoxRow        *to_error_row;
  GtkLabel             *to_error_label;
  GtkToggleButton      *cc_bcc_button;
  AdwEntryRow          *cc_row;
  GtkListBoxRow        *cc_error_row;
  GtkLabel             *cc_error_label;
  AdwEntryRow          *bcc_row;
  GtkListBoxRow        *bcc_error_row;
  GtkLabel             *bcc_error_label;
  AdwEntryRow          *subject_row;
  GtkTextView          *body_view;
  GtkLabel             *attachments_label;
  GtkButton            *folder_button;
  GtkLabel             *folder_label;
  GtkScrolledWindow    *attachments_scroller;
  GtkListBox           *attachments_list;
  GtkLabel             *status_label;
  GtkProgressBar       *progress_bar;
  GtkButton            *cancel_button;
  GtkButton            *fix_button;
  GtkButton            *reload_button;

  /* State */
  ScSettingsStore      *store;             /* loads and saves the model */
  ScSettings           *settings;          /* the store's model, which the fields are bound to */
  char                 *no_settings_dir;   /* why there is no settings folder to save to */
  char                 *status_text;
  GCancellable         *cancellable;       /* the window's; cancelled on close and dispose */
  GCancellable         *send_cancellable;  /* the send in flight, if any (NULL: not sending) */
  ScSmtpSession        *send_session;      /* its session (for the certificate it saw) */
  ScOutbox             *outbox;            /* the record of sends, made at the first send */
  GError               *address_errors[3]; /* what is wrong with To, Cc, Bcc (NULL: nothing) */
  GPtrArray            *attachments;       /* ScAttachmentRow*, in order */
  GtkNativeDialog      *chooser;
  GtkWidget            *stop_dialog;       /* "Stop Sending?", while it is open (weak) */
  GtkWidget            *account_dialog;    /* the Account dialog, while it is open (weak) */
  gint64                progress_start;    /* when the first byte of DATA went, monotonic µs */
  guint                 pending;           /* loads, listings and measurements in flight */
  guint                 list_serial;       /* drops stale folder listings */
  guint                 body_readable : 1; /* the message file was read or does not exist */
  guint                 body_modified : 1; /* the body was edited since it was read or saved */
  guint                 busy : 1;          /* the "busy" property, as last notified */
  guint                 modified : 1;      /* the "modified" property, as last notified */
  guint                 saving : 1;
  guint                 close_after_save : 1;
  guint                 close_after_send : 1; /* "Stop and Close": close once the send stops */
  guint                 force_close : 1;
  guint                 sent : 1;          /* the "sent" property */
  ScWindowFix           fix;               /* what the fix button does, and for what: */
  ScField               fix_field;
  char                 *fix_hint;
  ScCertificateInfo    *fix_certificate;
  GFile                *fix_file;
  guint                 focus_set : 1;     /* the first empty field got the focus after load */
  guint                 showing_addresses : 1; /* an address field is being set from the model */
  guint                 setup_offered : 1; /* the first-run Account dialog was opened */
};

/* sc-window.c */
void       _sc_window_set_status             (ScWindow       *self,
                                              const char     *text,
                                              gboolean        is_error);
void       _sc_window_update_state           (ScWindow       *self);
char      *_sc_window_dup_body               (ScWindow       *self);
void       _sc_window_close_later            (ScWindow       *self,
                                              gboolean        force);
void       _sc_window_set_sent               (ScWindow       *self,
                                              gboolean        sent);
void       _sc_window_focus_first_empty      (ScWindow       *self);
GtkWidget *_sc_window_present_question       (ScWindow       *self,
                                              const char     *name,
                                              GCallback       response_cb);
guint64    _sc_window_get_attachments_size   (ScWindow       *self);

/* sc-window-settings.c */
void       _sc_window_bind_settings          (ScWindow       *self);
gboolean   _sc_window_validate               (ScWindow       *self,
                                              GError        **error);
void       _sc_window_save                   (ScWindow       *self);
void       _sc_window_load                   (ScWindow       *self,
                                              gboolean        reload);

/* sc-window-attachments.c */
void       _sc_window_class_init_attachments (GtkWidgetClass *widget_class);
void       _sc_window_init_attachments       (ScWindow       *self);
void       _sc_window_list_attachment_folder (ScWindow       *self);
void       _sc_window_bind_attachments       (ScWindow       *self);
void       _sc_window_open_file              (ScWindow       *self,
                                              GFile          *file);

/* sc-window-actions.c */
void       _sc_window_class_add_actions      (GtkWidgetClass *widget_class);
GtkWidget *_sc_window_open_account           (ScWindow       *self,
                                              gboolean        setup);

/* sc-window-errors.c */
void       _sc_window_class_init_errors      (GtkWidgetClass *widget_class);
void       _sc_window_show_error             (ScWindow          *self,
                                              const GError      *error,
                                              ScCertificateInfo *certificate);
void       _sc_window_show_unreadable        (ScWindow       *self,
                                              const GError   *error,
                                              GFile          *file);
gboolean   _sc_window_mark_field             (ScWindow       *self,
                                              ScField         field,
                                              const GError   *error);
void       _sc_window_hide_fix               (ScWindow       *self);

G_END_DECLS

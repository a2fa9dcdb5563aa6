/* sc-smtp-connection-private.h — one SMTP connection: replies, commands, TLS and AUTH
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sc-settings.h"
#include "sc-smtp-session.h"
#include "sc-tls-stream.h"
#include "sc-util.h"

G_BEGIN_DECLS

#define SC_SMTP_READ_BUFFER_SIZE 4096

/* What a send needs to know about the server, copied from the settings. */
typedef struct
{
  char       *host;
  guint16     port;
  ScSecurity  security;
  char       *ca_file;           /* NULL: the system trust store */
  char       *tls_fingerprint;   /* NULL: none pinned (sc_tls_stream_set_pinned_fingerprint) */
  guint       timeout_seconds;
  char       *login;             /* NULL or "": no AUTH */
  ScSecret   *password;
} ScSmtpConfig;

typedef struct
{
  int        code;
  GPtrArray *lines;   /* the text of each line, after "NNN-" / "NNN " */
  char      *text;    /* "550 5.1.1 <x@example.com>: Recipient address rejected", one line */
} ScSmtpReply;

/* One connection, for the duration of one send. */
typedef struct
{
  const ScSmtpConfig *config;
  GCancellable       *cancellable;
  ScSmtpSession      *session;    /* to emit the signals on, on @context */
  GMainContext       *context;    /* NULL: emit in the sending thread */

  GSocketConnection  *connection;
  GSocket            *socket;
  ScTlsStream        *tls;
  GInputStream       *input;
  GOutputStream      *output;
  char               *local_name;
  char               *greeting;          /* the server's first reply, "220 …" */
  ScCertificateInfo  *peer_certificate;  /* what TLS got, also when it was refused */

  char                buffer[SC_SMTP_READ_BUFFER_SIZE];
  gsize               buffer_pos;
  gsize               buffer_len;

  /* EHLO extensions */
  gboolean            ext_size;
  guint64             size_limit;
  gboolean            ext_pipelining;
  gboolean            ext_8bitmime;
  gboolean            ext_smtputf8;
  gboolean            ext_starttls;
  GStrv               auth_mechanisms;  /* NULL: no AUTH */
  GStrv               extensions;       /* the EHLO lines after the first, as sent */

  /* What we sent during AUTH: a server may echo it in a reply, never shown again */
  GPtrArray          *secrets;

  /* The last error was a reply from a server that still listens: QUIT politely. */
  gboolean            in_sync;

  /* g_get_monotonic_time () by which the reply being read must be complete */
  gint64              deadline;
  /* The server said something in the middle of the message (_sc_smtp_connection_wait_writable) */
  gboolean            reply_waiting;

  /* Only learns the old TLS version a server speaks (see probe_old_protocol ()) */
  gboolean            probe;
  char               *probed_protocol;
} ScSmtpConnection;

void          _sc_smtp_reply_free                (ScSmtpReply        *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScSmtpReply, _sc_smtp_reply_free)

const char   *_sc_smtp_seconds_word              (guint               n);

gboolean      _sc_smtp_connection_open           (ScSmtpConnection   *c,
                                                  GError            **error);
gboolean      _sc_smtp_connection_authenticate   (ScSmtpConnection   *c,
                                                  GError            **error);
gboolean      _sc_smtp_connection_write          (ScSmtpConnection   *c,
                                                  const char         *data,
                                                  const char         *shown,
                                                  const char         *what,
                                                  GError            **error);
ScSmtpReply  *_sc_smtp_connection_read_reply     (ScSmtpConnection   *c,
                                                  const char         *command,
                                                  GError            **error);
/* Reads the extensions (SIZE, PIPELINING, AUTH …) from the EHLO reply @reply into @c. */
void          _sc_smtp_connection_parse_extensions (ScSmtpConnection *c,
                                                    ScSmtpReply      *reply);
ScSmtpReply  *_sc_smtp_connection_command        (ScSmtpConnection   *c,
                                                  const char         *line,
                                                  const char         *name,
                                                  GError            **error);
gboolean      _sc_smtp_connection_refused        (ScSmtpConnection   *c,
                                                  int                 code,
                                                  GError            **error,
                                                  const char         *format,
                                                  ...) G_GNUC_PRINTF (4, 5);
void          _sc_smtp_connection_set_write_error (ScSmtpConnection  *c,
                                                  GError             *io_error,
                                                  const char         *what,
                                                  GError            **error);
gboolean      _sc_smtp_connection_wait_writable  (ScSmtpConnection   *c,
                                                  GCancellable       *cancellable,
                                                  GError            **error);
ScSmtpReply  *_sc_smtp_connection_read_early_reply (ScSmtpConnection *c,
                                                  const char         *command,
                                                  GError            **error);
void          _sc_smtp_connection_close          (ScSmtpConnection   *c,
                                                  gboolean            polite);
/* What the connection learnt, for Test Connection: call after _sc_smtp_connection_open (). */
ScConnectionReport *_sc_smtp_connection_report   (ScSmtpConnection   *c,
                                                  gboolean            login_ok);

/* Commands sent ahead of their replies when the server offers PIPELINING (RFC 2920), without
 * the deadlock of a long group: see sc-smtp-connection.c. */
typedef struct _ScSmtpPipeline ScSmtpPipeline;

ScSmtpPipeline *_sc_smtp_pipeline_new            (ScSmtpConnection   *c);
void          _sc_smtp_pipeline_free             (ScSmtpPipeline     *p);
void          _sc_smtp_pipeline_add              (ScSmtpPipeline     *p,
                                                  const char         *line,
                                                  const char         *name);
ScSmtpReply  *_sc_smtp_pipeline_read_reply       (ScSmtpPipeline     *p,
                                                  GError            **error);
void          _sc_smtp_pipeline_stop             (ScSmtpPipeline     *p);
const char   *_sc_smtp_pipeline_next             (ScSmtpPipeline     *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScSmtpPipeline, _sc_smtp_pipeline_free)

/* In sc-smtp-session.c: the signals, on the caller's context */
void          _sc_smtp_session_emit_transcript   (ScSmtpConnection   *c,
                                                  gboolean            outgoing,
                                                  const char         *line);
void          _sc_smtp_session_emit_progress     (ScSmtpConnection   *c,
                                                  goffset             sent,
                                                  goffset             total);

G_END_DECLS

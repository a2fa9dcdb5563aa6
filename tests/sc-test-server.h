/* sc-test-server.h — a real SMTP server (aiosmtpd) on 127.0.0.1 for the tests
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SC_TEST_SERVER_TLS,                    /* implicit TLS */
  SC_TEST_SERVER_STARTTLS,               /* plain, STARTTLS offered and required before AUTH */
  SC_TEST_SERVER_STARTTLS_NOT_OFFERED,   /* plain, no STARTTLS, AUTH offered anyway */
  SC_TEST_SERVER_PLAIN,                  /* plain, AUTH allowed without TLS (loopback "none") */
} ScTestServerMode;

typedef struct
{
  ScTestServerMode   mode;
  const char        *refuse_recipient;   /* RCPT TO of this address gets 550; NULL: none */
  gboolean           untrusted_cert;     /* serve a certificate from a CA the client is not given */
  guint              data_delay_ms;      /* delay before each DATA chunk is read (slow server) */
  const char        *auth_mechanisms;    /* e.g. "LOGIN": the only ones offered; NULL: PLAIN LOGIN */
  guint              data_size_limit;    /* largest message in bytes (SIZE, else 552); 0: 32 MiB */
  gboolean           smtputf8;           /* offer SMTPUTF8 (RFC 6531) */
  const char        *certificate;        /* serve this certificate of tests/gen-certs.sh instead,
                                            e.g. "self-signed", "self-signed-2" or
                                            "other-name-server"; NULL: as untrusted_cert says */
  const char        *script;             /* run this scenario of tests/faults-server.py (a
                                            scripted, misbehaving server) instead; only mode
                                            (TLS: from the start; else plain), certificate
                                            and untrusted_cert apply, and the log holds its
                                            commands and markers (DOT, …) */
} ScTestServerOptions;

/* With data_delay_ms, the server reads DATA in chunks of 4 KiB, sleeping data_delay_ms before
 * each, with a small socket receive buffer, so a client's upload is really slowed down.
 * auth_mechanisms may name mechanisms the server does not implement (e.g. "CRAM-MD5"): they are
 * advertised in EHLO but AUTH with them is answered "504"; "" advertises no AUTH at all.
 * The log holds each line as read, before the server judges it (so a command refused with 530
 * before STARTTLS is there too), with the verb in capitals; AUTH continuation lines as sent;
 * "AUTH-RESULT ok" or "AUTH-RESULT fail" after each AUTH; never the DATA content. */

/* The server has one account: login SC_TEST_LOGIN, password SC_TEST_PASSWORD (non-ASCII). */
#define SC_TEST_LOGIN    "sender@example.com"
#define SC_TEST_PASSWORD "пароль-Секрет-42"

typedef struct
{
  GSubprocess *process;
  guint16      port;
  char        *workdir;    /* temporary; removed by stop */
  char        *maildir;    /* each accepted message: NNNN.eml (exact DATA bytes, un-dot-stuffed)
                              and NNNN.json ({"mail_from":…, "rcpt_tos":[…]}) */
  char        *ca_file;    /* PEM of the CA that signed the server certificate (SAN localhost,
                              127.0.0.1); with untrusted_cert, the server uses another CA */
  char        *log_file;   /* every command line the server received, one per line, with the
                              AUTH payloads as sent */
  char        *cert_file;  /* PEM of the certificate the server presents */
  char        *events_file; /* JSON lines: {"event": "connected"|"closed", "session": N} as each
                               client session starts and ends (tests/smtp-server.py --events) */
  ScTestServerMode mode;
} ScTestServer;

ScTestServer *sc_test_server_start          (const ScTestServerOptions *options,
                                             GError                   **error);
void          sc_test_server_stop           (ScTestServer              *server);

/* Waits (bounded by @timeout_ms) until the server holds @n messages; returns their .eml paths,
 * sorted, or NULL on time-out. */
GPtrArray    *sc_test_server_wait_messages  (ScTestServer              *server,
                                             guint                      n,
                                             guint                      timeout_ms);
guint         sc_test_server_count_messages (ScTestServer              *server);
/* Waits (bounded by @timeout_ms) until @n client sessions have ended; FALSE on time-out. A
 * session's messages are stored before it ends, so after this nothing more arrives from those
 * sessions: wait for this, not a sleep, before asserting that nothing (more) arrived. A
 * connection whose implicit-TLS handshake fails is not a session. */
gboolean      sc_test_server_wait_closed    (ScTestServer              *server,
                                             guint                      n,
                                             guint                      timeout_ms);
char         *sc_test_server_get_log        (ScTestServer              *server);

/* Writes config.json, credentials.json, data.json, a body file and an attachments folder into
 * @dir for this server: host "localhost", its port, its security mode, ca_file, timeout 10 s,
 * the test account, recipients @to (NULL: two default recipients), and @subject. */
void          sc_test_write_settings        (ScTestServer              *server,
                                             const char                *dir,
                                             const char * const        *to,
                                             const char                *subject,
                                             const char                *body);

/* A new empty temporary directory, removed with sc_test_rm_rf (). */
char         *sc_test_make_tmpdir           (void);
void          sc_test_rm_rf                 (const char                *path);

/* A strict RFC 2047 decoder (GMime 3.2's merges adjacent padded base64 words and loses text),
 * and the decoded value of a top-level header of a message file. */
char         *sc_test_decode_rfc2047        (const char                *raw);
char         *sc_test_eml_get_header        (const char                *eml_path,
                                             const char                *name);

/* Assertions and file helpers shared by the engine tests; each failure aborts the test. */

/* Waits (up to 5 s) for @n messages and asserts that exactly @n arrived; returns their paths. */
GPtrArray    *sc_test_server_assert_received (ScTestServer             *server,
                                              guint                     n);
/* The rcpt_tos of the envelope saved next to @eml_path, and optionally its mail_from. */
char        **sc_test_read_envelope          (const char               *eml_path,
                                              char                    **out_mail_from);
/* Asserts that @text holds neither SC_TEST_PASSWORD nor its base64 forms (alone or in the
 * "\0login\0password" of AUTH PLAIN). */
void          sc_test_assert_no_secret       (const char               *text);
/* Writes @length bytes (-1: a NUL-terminated string) to @dir/@name. */
void          sc_test_write_file             (const char               *dir,
                                              const char               *name,
                                              const void               *data,
                                              gssize                    length);
/* Sets @member (a path such as "cc_addrs" or "message.attachment_paths") of @dir/data.json
 * to the list @items, keeping the rest of the file. */
void          sc_test_set_data_list          (const char               *dir,
                                              const char               *member,
                                              const char * const       *items);
/* How many times @needle occurs in @haystack (overlapping ones too). */
guint         sc_test_count_substrings       (const char               *haystack,
                                              const char               *needle);
/* The contents of @dir/@name (@name NULL: @dir itself), NUL-terminated. */
char         *sc_test_read_file              (const char               *dir,
                                              const char               *name,
                                              gsize                    *out_length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScTestServer, sc_test_server_stop)

G_END_DECLS

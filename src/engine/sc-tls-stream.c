/* sc-tls-stream.c — a GIOStream that speaks TLS through GnuTLS over another GIOStream
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-tls-stream"

#include "config.h"

#include "sc-tls-stream.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/*
 * All GnuTLS calls of the project are in this file, but for the parsing of the server
 * certificate in sc-certificate-info.c.
 *
 * The TLS session runs over the base stream through our own push/pull transport functions, which
 * call the base stream's blocking read/write with the GCancellable of the operation in progress.
 * The GError of a failed transport call is kept so that a time-out, a cancellation or a closed
 * connection reaches the caller as itself rather than as a generic GnuTLS error.
 */

#define SC_TYPE_TLS_INPUT_STREAM  (sc_tls_input_stream_get_type ())
#define SC_TYPE_TLS_OUTPUT_STREAM (sc_tls_output_stream_get_type ())

G_DECLARE_FINAL_TYPE (ScTlsInputStream, sc_tls_input_stream, SC, TLS_INPUT_STREAM, GInputStream)
G_DECLARE_FINAL_TYPE (ScTlsOutputStream, sc_tls_output_stream, SC, TLS_OUTPUT_STREAM,
                      GOutputStream)

struct _ScTlsStream
{
  GIOStream                         parent_instance;

  GIOStream                        *base_stream;
  GInputStream                     *input;
  GOutputStream                    *output;

  char                             *hostname;
  gnutls_session_t                  session;
  gnutls_certificate_credentials_t  credentials;
  gboolean                          handshake_done;

  /* The certificate: "AA:BB:…" the user trusts whatever else is wrong with it (NULL: none);
   * what the server presented; whether it was refused for not being the pinned one. */
  char                             *pinned_fingerprint;
  ScCertificateInfo                *peer_certificate;
  gboolean                          pin_mismatch;

  /* The legacy_version of the server's ServerHello (0x0301: TLS 1.0), 0 before it came: names
   * what an old server offered when we refuse it. */
  guint                             server_hello_version;

  /* Only to learn which old version the server speaks: offer them, stop at its ServerHello */
  gboolean                          probe;
  /* The handshake failed because the server speaks no version we accept */
  gboolean                          old_protocol;

  /* Monotonic time by which each pull must have data (0: only the socket's time-out) */
  gint64                            read_deadline;

  /* Only valid while a read, a write or the handshake is in progress. */
  GCancellable                     *read_cancellable;
  GCancellable                     *write_cancellable;
  GError                           *read_error;
  GError                           *write_error;
};

struct _ScTlsInputStream
{
  GInputStream  parent_instance;
  GWeakRef      tls;
};

struct _ScTlsOutputStream
{
  GOutputStream  parent_instance;
  GWeakRef       tls;
};

G_DEFINE_FINAL_TYPE (ScTlsStream, sc_tls_stream, G_TYPE_IO_STREAM)
G_DEFINE_FINAL_TYPE (ScTlsInputStream, sc_tls_input_stream, G_TYPE_INPUT_STREAM)
G_DEFINE_FINAL_TYPE (ScTlsOutputStream, sc_tls_output_stream, G_TYPE_OUTPUT_STREAM)

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* While GnuTLS reads (@reading) and/or writes (@writing), the transport functions use
 * @cancellable; NULL ends the operation. Either way the last transport error is forgotten. */
static void
set_operation (ScTlsStream  *self,
               gboolean      reading,
               gboolean      writing,
               GCancellable *cancellable)
{
  if (reading)
    {
      self->read_cancellable = cancellable;
      g_clear_error (&self->read_error);
    }
  if (writing)
    {
      self->write_cancellable = cancellable;
      g_clear_error (&self->write_error);
    }
}

/* "The certificate issuer is unknown. The name does not match." → "the certificate issuer is
 * unknown, the name does not match": GnuTLS's sentences as one clause of ours. */
static char *
as_clause (char *text)
{
  gsize len = strlen (text);

  while (len > 0 && (text[len - 1] == '.' || text[len - 1] == ' '))
    text[--len] = '\0';
  for (char *p = strstr (text, ". "); p != NULL; p = strstr (p, ". "))
    {
      *p = ',';
      if (g_ascii_isupper (p[2]) && g_ascii_islower (p[3]))
        p[2] = g_ascii_tolower (p[2]);
    }
  if (len > 1 && g_ascii_isupper (text[0]) && g_ascii_islower (text[1]))
    text[0] = g_ascii_tolower (text[0]);

  return text;
}

/* gnutls_strerror () as a clause: "An unexpected TLS packet was received." → "an unexpected
 * TLS packet was received". Returns @buffer. */
static const char *
strerror_clause (int   ret,
                 char *buffer,
                 gsize size)
{
  g_strlcpy (buffer, gnutls_strerror (ret), size);

  return as_clause (buffer);
}

#define STRERROR(ret) (strerror_clause ((ret), (char[256]) { 0 }, 256))

/* After a failed GnuTLS call: hands over the transport's own error when there is one (a
 * time-out, a cancellation, a reset connection), then a cancellation, else makes a G_TLS_ERROR
 * @code from the GnuTLS code. */
static void
propagate_gnutls_error (ScTlsStream   *self,
                        int            ret,
                        GCancellable  *cancellable,
                        GTlsError      code,
                        const char    *what,
                        GError       **error)
{
  if (self->read_error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->read_error));
  else if (self->write_error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->write_error));
  else if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return;
  else if (ret == GNUTLS_E_TIMEDOUT)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s: %s", what, STRERROR (ret));
  else
    g_set_error (error, G_TLS_ERROR, code, "%s: %s", what, STRERROR (ret));
}

/* gnutls_certificate_verification_status_print () says e.g. "The certificate is NOT trusted.
 * The certificate issuer is unknown. " — keep the reasons, without the first sentence that the
 * caller's message already says, as one clause. */
static char *
describe_verification_status (unsigned int status)
{
  gnutls_datum_t out = { NULL, 0 };
  g_autofree char *text = NULL;
  const char *reason;
  static const char *const prefixes[] = {
    "The certificate is NOT trusted.",
    "The certificate is trusted.",
  };

  if (gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0) < 0 ||
      out.data == NULL)
    /* Translators: the reason a certificate is not trusted when GnuTLS gives none in words;
     * %x is a hexadecimal number. */
    return g_strdup_printf (_("verification status 0x%x"), status);

  text = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);

  reason = g_strstrip (text);
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      if (g_str_has_prefix (reason, prefixes[i]))
        {
          reason += strlen (prefixes[i]);
          break;
        }
    }
  while (*reason == ' ')
    reason++;

  if (*reason == '\0')
    /* Translators: inserted into "The certificate of %s is not trusted: %s; …". */
    return g_strdup (_("the certificate could not be verified"));

  return as_clause (g_strdup (reason));
}

/* Why a certificate with verification @status is not trusted, as clauses joined by "; ", in
 * our words where GnuTLS's are not enough: "it is self-signed", and for a name mismatch the
 * names the certificate holds and the one asked for. */
static char *
describe_problem (ScTlsStream       *self,
                  unsigned int       status,
                  ScCertificateInfo *info)
{
  g_autoptr(GPtrArray) clauses = g_ptr_array_new_with_free_func (g_free);
  unsigned int known = GNUTLS_CERT_INVALID;

  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
    {
      gboolean self_signed = g_strcmp0 (sc_certificate_info_get_subject (info),
                                        sc_certificate_info_get_issuer (info)) == 0;

      g_ptr_array_add (clauses, g_strdup (self_signed
                                          /* Translators: this and the following "it …"
                                           * clauses say why a certificate is not trusted;
                                           * they are inserted into "The certificate of %s is
                                           * not trusted: %s; …", several joined by "; ". */
                                          ? _("it is self-signed")
                                          : _("it was issued by an unknown authority")));
      known |= GNUTLS_CERT_SIGNER_NOT_FOUND;
    }
  if (status & GNUTLS_CERT_SIGNER_NOT_CA)
    {
      g_ptr_array_add (clauses, g_strdup (_("its issuer is not a certificate authority")));
      known |= GNUTLS_CERT_SIGNER_NOT_CA;
    }
  if (status & GNUTLS_CERT_EXPIRED)
    {
      g_ptr_array_add (clauses, g_strdup (_("it has expired")));
      known |= GNUTLS_CERT_EXPIRED;
    }
  if (status & GNUTLS_CERT_NOT_ACTIVATED)
    {
      g_ptr_array_add (clauses, g_strdup (_("it is not valid yet")));
      known |= GNUTLS_CERT_NOT_ACTIVATED;
    }
  if (status & GNUTLS_CERT_REVOKED)
    {
      g_ptr_array_add (clauses, g_strdup (_("it has been revoked")));
      known |= GNUTLS_CERT_REVOKED;
    }
  if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
    {
      g_ptr_array_add (clauses, g_strdup (_("its signature is not valid")));
      known |= GNUTLS_CERT_SIGNATURE_FAILURE;
    }
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
    {
      g_ptr_array_add (clauses, g_strdup (_("it is signed with an insecure algorithm")));
      known |= GNUTLS_CERT_INSECURE_ALGORITHM;
    }
  if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
    {
      const char * const *names = sc_certificate_info_get_names (info);
      g_autofree char *list = g_strjoinv (", ", (char **) names);

      if (names[0] != NULL)
        g_ptr_array_add (clauses,
                         /* Translators: the first %s lists the names the certificate holds,
                          * e.g. "mail.example.com, example.com", the second is the server
                          * name that was asked for. */
                         g_strdup_printf (_("its names are %s, and it is not valid for the "
                                            "name %s"), list, self->hostname));
      else
        g_ptr_array_add (clauses,
                         /* Translators: %s is the server name that was asked for. */
                         g_strdup_printf (_("it names no server, so it is not valid for the "
                                            "name %s"), self->hostname));
      known |= GNUTLS_CERT_UNEXPECTED_OWNER;
    }
  if ((status & ~known) != 0 || clauses->len == 0)
    g_ptr_array_add (clauses, describe_verification_status (status & ~known ? status & ~known
                                                                            : status));

  g_ptr_array_add (clauses, NULL);

  return g_strjoinv ("; ", (char **) clauses->pdata);
}

/* GnuTLS calls this during the handshake, once the server's certificate is in: it keeps what
 * the certificate says, and accepts it when it verifies, or when it is the pinned one.
 * Returns 0 to go on; else the handshake fails with GNUTLS_E_CERTIFICATE_ERROR. */
static int
verify_peer_cb (gnutls_session_t session)
{
  ScTlsStream *self = gnutls_session_get_ptr (session);
  const gnutls_datum_t *certs;
  unsigned int n_certs = 0;
  unsigned int status = 0;
  gboolean pinned_ok;
  int ret;

  g_clear_pointer (&self->peer_certificate, sc_certificate_info_unref);
  self->pin_mismatch = FALSE;

  certs = gnutls_certificate_get_peers (session, &n_certs);
  if (certs == NULL || n_certs == 0)
    return -1;

  self->peer_certificate = _sc_certificate_info_new (certs[0].data, certs[0].size, NULL);

  /* The chain and the host name (or IP address) */
  ret = gnutls_certificate_verify_peers3 (session, self->hostname, &status);
  if (ret < 0)
    {
      g_debug ("Could not verify the certificate of %s: %s", self->hostname,
               gnutls_strerror (ret));
      status |= GNUTLS_CERT_INVALID;
    }

  if (self->pinned_fingerprint == NULL)
    {
      if (status != 0)
        {
          g_autofree char *problem = describe_problem (self, status, self->peer_certificate);

          _sc_certificate_info_set_problem (self->peer_certificate, problem);
        }
      return status != 0 ? -1 : 0;
    }

  pinned_ok = sc_certificate_fingerprint_equal (
    self->pinned_fingerprint, sc_certificate_info_get_fingerprint (self->peer_certificate));
  if (pinned_ok)
    {
      g_debug ("The certificate of %s is the pinned one", self->hostname);
      return 0;
    }

  self->pin_mismatch = TRUE;
  {
    g_autofree char *problem = status != 0 ? describe_problem (self, status,
                                                               self->peer_certificate) : NULL;
    g_autofree char *all = NULL;

    all = problem != NULL
          /* Translators: followed by "; " and more reasons, like "it is self-signed". */
          ? g_strdup_printf ("%s; %s", _("it is not the certificate you chose to trust"),
                             problem)
          : g_strdup (_("it is not the certificate you chose to trust"));
    _sc_certificate_info_set_problem (self->peer_certificate, all);
  }

  return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* GnuTLS transport                                                                           */
/* ------------------------------------------------------------------------------------------ */

/* A failed transport call: keeps @local_error in @slot for the caller, and tells GnuTLS. */
static ssize_t
transport_failed (ScTlsStream  *self,
                  GError       *local_error,
                  GError      **slot)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      g_error_free (local_error);
      gnutls_transport_set_errno (self->session, EAGAIN);
      return -1;
    }

  g_clear_error (slot);
  *slot = local_error;
  gnutls_transport_set_errno (self->session, EIO);

  return -1;
}

static ssize_t
sc_tls_stream_push_func (gnutls_transport_ptr_t  transport,
                         const void             *data,
                         size_t                  len)
{
  ScTlsStream *self = transport;
  GOutputStream *out = g_io_stream_get_output_stream (self->base_stream);
  GError *local_error = NULL;
  gssize written;

  written = g_output_stream_write (out, data, len, self->write_cancellable, &local_error);
  if (written >= 0)
    return written;

  return transport_failed (self, local_error, &self->write_error);
}

static ssize_t
sc_tls_stream_pull_func (gnutls_transport_ptr_t  transport,
                         void                   *data,
                         size_t                  len)
{
  ScTlsStream *self = transport;
  GInputStream *in = g_io_stream_get_input_stream (self->base_stream);
  GError *local_error = NULL;
  gssize n_read;

  /* A record that trickles in byte by byte must not outlast the reply's deadline. */
  if (self->read_deadline > 0 && G_IS_SOCKET_CONNECTION (self->base_stream))
    {
      GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->base_stream));
      gint64 remaining = self->read_deadline - g_get_monotonic_time ();

      if (remaining <= 0)
        g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             g_strerror (ETIMEDOUT));
      else
        g_socket_condition_timed_wait (socket, G_IO_IN, remaining, self->read_cancellable,
                                       &local_error);
      if (local_error != NULL)
        return transport_failed (self, local_error, &self->read_error);
    }

  n_read = g_input_stream_read (in, data, len, self->read_cancellable, &local_error);
  if (n_read >= 0)
    return n_read;

  return transport_failed (self, local_error, &self->read_error);
}

/* GnuTLS asks whether data can be read within @ms. The stream is blocking and the socket has its
 * own time-out, so this only waits when GnuTLS asks for a bounded wait. */
static int
sc_tls_stream_pull_timeout_func (gnutls_transport_ptr_t transport,
                                 unsigned int           ms)
{
  ScTlsStream *self = transport;
  GSocket *socket = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 timeout_us;

  if (G_IS_SOCKET_CONNECTION (self->base_stream))
    socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->base_stream));

  /* After a cancellation, the pull that follows reports it. */
  if (g_cancellable_is_cancelled (self->read_cancellable) || socket == NULL ||
      g_socket_condition_check (socket, G_IO_IN) != 0)
    return 1;

  if (ms == 0)
    return 0;

  if (ms == GNUTLS_INDEFINITE_TIMEOUT || ms == GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT)
    timeout_us = -1;
  else
    timeout_us = (gint64) ms * 1000;

  if (g_socket_condition_timed_wait (socket, G_IO_IN, timeout_us, self->read_cancellable,
                                     &local_error))
    return 1;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) && timeout_us >= 0 &&
      timeout_us < (gint64) g_socket_get_timeout (socket) * G_USEC_PER_SEC)
    return 0;  /* GnuTLS's own, shorter, time limit */

  return transport_failed (self, g_steal_pointer (&local_error), &self->read_error);
}

/* Before GnuTLS reads the ServerHello: keeps the version the server chose (TLS 1.3 says 1.2
 * here and the real one in an extension; only older ones matter). */
static int
server_hello_cb (gnutls_session_t      session,
                 unsigned int          htype,
                 unsigned int          when,
                 unsigned int          incoming,
                 const gnutls_datum_t *msg)
{
  ScTlsStream *self = gnutls_session_get_ptr (session);

  if (incoming && msg != NULL && msg->size >= 2)
    self->server_hello_version = (msg->data[0] << 8) | msg->data[1];

  /* A probe never goes further than the server's choice. */
  return self->probe ? GNUTLS_E_UNSUPPORTED_VERSION_PACKET : 0;
}

static gboolean
is_old_version (guint version)
{
  return version >= 0x0300 && version < 0x0303;
}

/* "TLS 1.0" for a ServerHello version older than TLS 1.2, else NULL. */
static char *
old_protocol_name (guint version)
{
  if (version == 0x0300)
    return g_strdup ("SSL 3.0");
  if (version >= 0x0301 && version < 0x0303)
    return g_strdup_printf ("TLS 1.%u", version - 0x0301);
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* ScTlsInputStream / ScTlsOutputStream                                                       */
/* ------------------------------------------------------------------------------------------ */

/* The streams hold their ScTlsStream weakly: it owns them. Returns it when a read or a write
 * may start. */
static ScTlsStream *
get_ready_tls (GWeakRef      *ref,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(ScTlsStream) tls = g_weak_ref_get (ref);

  if (tls == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The TLS connection is gone"));
  else if (!tls->handshake_done)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                         _("The TLS handshake has not been done"));
  else if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    return g_steal_pointer (&tls);

  return NULL;
}

static gssize
sc_tls_input_stream_read_fn (GInputStream  *stream,
                             void          *buffer,
                             gsize          count,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(ScTlsStream) self = get_ready_tls (&SC_TLS_INPUT_STREAM (stream)->tls, cancellable,
                                               error);
  ssize_t ret;

  if (self == NULL)
    return -1;

  set_operation (self, TRUE, FALSE, cancellable);
  /* GNUTLS_E_AGAIN and GNUTLS_E_INTERRUPTED are not fatal either. */
  do
    ret = gnutls_record_recv (self->session, buffer, count);
  while (ret < 0 && !gnutls_error_is_fatal ((int) ret) &&
         self->read_error == NULL && !g_cancellable_is_cancelled (cancellable));

  /* The peer closed the TCP connection without close_notify: report it as the end of the
   * stream, the SMTP layer knows whether it expected more. */
  if (ret == GNUTLS_E_PREMATURE_TERMINATION && self->read_error == NULL)
    ret = 0;
  else if (ret < 0)
    propagate_gnutls_error (self, (int) ret, cancellable, G_TLS_ERROR_MISC,
                            /* Translators: followed by ": " and GnuTLS's reason. */
                            _("TLS receive error"), error);
  set_operation (self, TRUE, FALSE, NULL);

  return ret < 0 ? -1 : ret;
}

static void
sc_tls_input_stream_finalize (GObject *object)
{
  ScTlsInputStream *self = SC_TLS_INPUT_STREAM (object);

  g_weak_ref_clear (&self->tls);

  G_OBJECT_CLASS (sc_tls_input_stream_parent_class)->finalize (object);
}

static void
sc_tls_input_stream_class_init (ScTlsInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = sc_tls_input_stream_finalize;
  input_class->read_fn = sc_tls_input_stream_read_fn;
}

static void
sc_tls_input_stream_init (ScTlsInputStream *self)
{
  g_weak_ref_init (&self->tls, NULL);
}

static gssize
sc_tls_output_stream_write_fn (GOutputStream  *stream,
                               const void     *buffer,
                               gsize           count,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_autoptr(ScTlsStream) self = get_ready_tls (&SC_TLS_OUTPUT_STREAM (stream)->tls, cancellable,
                                               error);
  ssize_t ret;

  if (self == NULL)
    return -1;

  set_operation (self, FALSE, TRUE, cancellable);

  /* GnuTLS cuts a large buffer into records of the maximum size and may send less than @count;
   * g_output_stream_write_all () comes back for the rest. */
  ret = gnutls_record_send (self->session, buffer, count);
  while ((ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) &&
         self->write_error == NULL && !g_cancellable_is_cancelled (cancellable))
    ret = gnutls_record_send (self->session, NULL, 0);

  if (ret < 0)
    propagate_gnutls_error (self, (int) ret, cancellable, G_TLS_ERROR_MISC,
                            /* Translators: followed by ": " and GnuTLS's reason. */
                            _("TLS send error"), error);
  set_operation (self, FALSE, TRUE, NULL);

  return ret < 0 ? -1 : ret;
}

static void
sc_tls_output_stream_finalize (GObject *object)
{
  ScTlsOutputStream *self = SC_TLS_OUTPUT_STREAM (object);

  g_weak_ref_clear (&self->tls);

  G_OBJECT_CLASS (sc_tls_output_stream_parent_class)->finalize (object);
}

static void
sc_tls_output_stream_class_init (ScTlsOutputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *output_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = sc_tls_output_stream_finalize;
  output_class->write_fn = sc_tls_output_stream_write_fn;
}

static void
sc_tls_output_stream_init (ScTlsOutputStream *self)
{
  g_weak_ref_init (&self->tls, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* GIOStream                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static GInputStream *
sc_tls_stream_get_input_stream (GIOStream *stream)
{
  return SC_TLS_STREAM (stream)->input;
}

static GOutputStream *
sc_tls_stream_get_output_stream (GIOStream *stream)
{
  return SC_TLS_STREAM (stream)->output;
}

static gboolean
sc_tls_stream_close_fn (GIOStream     *stream,
                        GCancellable  *cancellable,
                        GError       **error)
{
  ScTlsStream *self = SC_TLS_STREAM (stream);

  if (self->base_stream == NULL)
    return TRUE;

  /* Best effort: tell the peer we are done, without waiting for its close_notify. */
  if (self->handshake_done && self->session != NULL &&
      !g_io_stream_is_closed (self->base_stream) &&
      !g_cancellable_is_cancelled (cancellable))
    {
      int ret;

      set_operation (self, TRUE, TRUE, cancellable);
      do
        ret = gnutls_bye (self->session, GNUTLS_SHUT_WR);
      while ((ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) &&
             self->write_error == NULL && !g_cancellable_is_cancelled (cancellable));
      set_operation (self, TRUE, TRUE, NULL);
    }

  self->handshake_done = FALSE;

  return g_io_stream_close (self->base_stream, cancellable, error);
}

static void
sc_tls_stream_dispose (GObject *object)
{
  ScTlsStream *self = SC_TLS_STREAM (object);

  if (!g_io_stream_is_closed (G_IO_STREAM (self)))
    g_io_stream_close (G_IO_STREAM (self), NULL, NULL);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base_stream);

  G_OBJECT_CLASS (sc_tls_stream_parent_class)->dispose (object);
}

static void
sc_tls_stream_finalize (GObject *object)
{
  ScTlsStream *self = SC_TLS_STREAM (object);

  g_clear_pointer (&self->session, gnutls_deinit);
  g_clear_pointer (&self->credentials, gnutls_certificate_free_credentials);
  g_clear_pointer (&self->hostname, g_free);
  g_clear_pointer (&self->pinned_fingerprint, g_free);
  g_clear_pointer (&self->peer_certificate, sc_certificate_info_unref);
  g_clear_error (&self->read_error);
  g_clear_error (&self->write_error);

  G_OBJECT_CLASS (sc_tls_stream_parent_class)->finalize (object);
}

static void
sc_tls_stream_class_init (ScTlsStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *io_class = G_IO_STREAM_CLASS (klass);

  object_class->dispose = sc_tls_stream_dispose;
  object_class->finalize = sc_tls_stream_finalize;

  io_class->get_input_stream = sc_tls_stream_get_input_stream;
  io_class->get_output_stream = sc_tls_stream_get_output_stream;
  io_class->close_fn = sc_tls_stream_close_fn;
}

static void
sc_tls_stream_init (ScTlsStream *self)
{
  ScTlsInputStream *input = g_object_new (SC_TYPE_TLS_INPUT_STREAM, NULL);
  ScTlsOutputStream *output = g_object_new (SC_TYPE_TLS_OUTPUT_STREAM, NULL);

  g_weak_ref_set (&input->tls, self);
  g_weak_ref_set (&output->tls, self);

  self->input = G_INPUT_STREAM (input);
  self->output = G_OUTPUT_STREAM (output);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_tls_stream_new:
 * @base_stream: the connected stream to run TLS over (usually a #GSocketConnection)
 * @hostname: the server's host name (or IP literal) the certificate must match
 * @ca_file: (nullable): a PEM file of trusted CAs; %NULL for the system trust store
 * @error: return location for a #GError
 *
 * Sets up a TLS client session over @base_stream. No data is exchanged until
 * sc_tls_stream_handshake ().
 *
 * Returns: (transfer full): a new #ScTlsStream, or %NULL if @ca_file cannot be loaded
 */
ScTlsStream *
sc_tls_stream_new (GIOStream   *base_stream,
                   const char  *hostname,
                   const char  *ca_file,
                   GError     **error)
{
  g_autoptr(ScTlsStream) self = NULL;
  gnutls_session_t session = NULL;
  int ret;

  g_return_val_if_fail (G_IS_IO_STREAM (base_stream), NULL);
  g_return_val_if_fail (hostname != NULL && *hostname != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SC_TYPE_TLS_STREAM, NULL);
  self->base_stream = g_object_ref (base_stream);
  self->hostname = g_strdup (hostname);

  /* The session takes the credentials by reference: the trust store is loaded into them next.
   * A session that gnutls_init () did not make stays NULL. */
  if ((ret = gnutls_certificate_allocate_credentials (&self->credentials)) < 0 ||
      (ret = gnutls_init (&session, GNUTLS_CLIENT)) < 0 ||
      /* RFC 8996: TLS 1.2 or newer only, whatever the system's default still allows. */
      (ret = gnutls_set_default_priority_append (self->session = session,
                                                 "-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
                                                 NULL, 0)) < 0 ||
      (ret = gnutls_credentials_set (self->session, GNUTLS_CRD_CERTIFICATE,
                                     self->credentials)) < 0)
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_MISC,
                   /* Translators: %s is GnuTLS's reason. */
                   _("Could not set up TLS: %s"), STRERROR (ret));
      return NULL;
    }

  if (ca_file != NULL && *ca_file != '\0')
    {
      if (!g_file_test (ca_file, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, G_IO_ERROR,
                       g_file_test (ca_file, G_FILE_TEST_EXISTS) ? G_IO_ERROR_NOT_REGULAR_FILE
                                                                 : G_IO_ERROR_NOT_FOUND,
                       /* Translators: %s is the file from the "ca_file" setting. */
                       _("The CA file “%s” does not exist or is not a regular file"), ca_file);
          return NULL;
        }

      ret = gnutls_certificate_set_x509_trust_file (self->credentials, ca_file,
                                                    GNUTLS_X509_FMT_PEM);
      if (ret < 0)
        {
          g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_MISC,
                       /* Translators: the first %s is a file, the second GnuTLS's reason. */
                       _("Could not load the CA file “%s”: %s"), ca_file, STRERROR (ret));
          return NULL;
        }
      if (ret == 0)
        {
          g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_MISC,
                       /* Translators: %s is a file; PEM is a file format. */
                       _("The CA file “%s” holds no PEM certificate"), ca_file);
          return NULL;
        }
    }
  else
    {
      ret = gnutls_certificate_set_x509_system_trust (self->credentials);
      if (ret < 0)
        {
          g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_MISC,
                       /* Translators: %s is GnuTLS's reason. */
                       _("Could not load the system's trusted certificates: %s"),
                       STRERROR (ret));
          return NULL;
        }
      if (ret == 0)
        g_debug ("The system trust store is empty; no server certificate can be verified");
    }

  /* SNI only for names: RFC 6066 forbids IP literals in server_name. */
  if (!g_hostname_is_ip_address (hostname))
    {
      ret = gnutls_server_name_set (self->session, GNUTLS_NAME_DNS, hostname, strlen (hostname));
      if (ret < 0)
        {
          g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_MISC,
                       /* Translators: the first %s is the host name, the second GnuTLS's
                        * reason. */
                       _("Could not set the TLS server name “%s”: %s"),
                       hostname, STRERROR (ret));
          return NULL;
        }
    }

  /* The chain and the host name (or IP address), or the pinned fingerprint, are checked during
   * the handshake, which fails with GNUTLS_E_CERTIFICATE_ERROR when they do not hold. */
  gnutls_session_set_ptr (self->session, self);
  gnutls_session_set_verify_function (self->session, verify_peer_cb);
  gnutls_handshake_set_hook_function (self->session, GNUTLS_HANDSHAKE_SERVER_HELLO,
                                      GNUTLS_HOOK_PRE, server_hello_cb);

  gnutls_transport_set_ptr (self->session, self);
  gnutls_transport_set_push_function (self->session, sc_tls_stream_push_func);
  gnutls_transport_set_pull_function (self->session, sc_tls_stream_pull_func);
  gnutls_transport_set_pull_timeout_function (self->session, sc_tls_stream_pull_timeout_func);

  /* The socket's own time-out bounds every read and write. */
  gnutls_handshake_set_timeout (self->session, GNUTLS_INDEFINITE_TIMEOUT);

  return g_steal_pointer (&self);
}

/**
 * sc_tls_stream_handshake:
 * @self: a #ScTlsStream
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Runs the TLS handshake and verifies the server certificate (or compares it with the pinned
 * fingerprint, see sc_tls_stream_set_pinned_fingerprint ()). On a certificate that does not
 * verify the error is %G_TLS_ERROR_BAD_CERTIFICATE, with the reason in words and the SHA-256
 * fingerprint, and sc_tls_stream_get_peer_certificate () tells the rest; a server that does not speak TLS is %G_TLS_ERROR_NOT_TLS, other TLS failures
 * %G_TLS_ERROR_HANDSHAKE. A time-out, a cancellation or a broken connection is reported as the
 * #G_IO_ERROR of the socket.
 *
 * Returns: %TRUE when the TLS session is ready
 */
gboolean
sc_tls_stream_handshake (ScTlsStream   *self,
                         GCancellable  *cancellable,
                         GError       **error)
{
  gboolean gnutls_failed;
  int ret;

  g_return_val_if_fail (SC_IS_TLS_STREAM (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->handshake_done)
    return TRUE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  set_operation (self, TRUE, TRUE, cancellable);
  do
    ret = gnutls_handshake (self->session);
  while (ret < 0 && !gnutls_error_is_fatal (ret) &&
         self->read_error == NULL && self->write_error == NULL &&
         !g_cancellable_is_cancelled (cancellable));

  /* Neither the connection underneath nor the caller stopped it: GnuTLS's verdict. */
  gnutls_failed = self->read_error == NULL && self->write_error == NULL &&
                  !g_cancellable_is_cancelled (cancellable);

  if (ret == GNUTLS_E_SUCCESS)
    {
      self->handshake_done = TRUE;
      g_debug ("TLS handshake with %s done", self->hostname);
    }
  else if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR || ret == GNUTLS_E_CERTIFICATE_ERROR)
    {
      ScCertificateInfo *info = self->peer_certificate;
      const char *fingerprint = info != NULL ? sc_certificate_info_get_fingerprint (info) : NULL;
      const char *problem = info != NULL ? sc_certificate_info_get_problem (info) : NULL;
      g_autofree char *pinned = sc_certificate_fingerprint_normalize (self->pinned_fingerprint);

      if (self->pin_mismatch)
        g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                     /* Translators: the first %s is the server, the second the SHA-256
                      * fingerprint "AA:BB:…" of the certificate it presents now, the third
                      * the one of the certificate the user trusted. */
                     _("The certificate of %s has changed since you trusted it: it now has the "
                       "SHA-256 fingerprint %s, and the one you trusted has %s"),
                     self->hostname, fingerprint,
                     pinned != NULL ? pinned : self->pinned_fingerprint);
      else
        g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                     /* Translators: the first %s is the server, the second the reasons in
                      * words, the third the fingerprint "AA:BB:…" or "unknown". */
                     _("The certificate of %s is not trusted: %s; SHA-256 fingerprint %s"),
                     self->hostname,
                     problem != NULL
                     ? problem
                     /* Translators: inserted into "The certificate of %s is not trusted:
                      * %s; …" when the server sent none. */
                     : _("the server sent no certificate"),
                     /* Translators: the certificate fingerprint is not known. */
                     fingerprint != NULL ? fingerprint : C_("fingerprint", "unknown"));
    }
  else if (gnutls_failed &&
           (ret == GNUTLS_E_PREMATURE_TERMINATION || ret == GNUTLS_E_UNEXPECTED_PACKET_LENGTH))
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS,
                   /* Translators: %s is the server. */
                   _("The TLS handshake with %s failed: the server closed the connection; "
                     "check the port and the security setting"), self->hostname);
    }
  else if (gnutls_failed && ret == GNUTLS_E_UNEXPECTED_PACKET)
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS,
                   /* Translators: the first %s is the server, the second GnuTLS's reason;
                    * “starttls” is a setting value: keep it. */
                   _("The TLS handshake with %s failed: %s; the server does not seem to speak "
                     "TLS from the start on this port (for ports 587 and 25, set the security "
                     "to “starttls”)"), self->hostname, STRERROR (ret));
    }
  else if (gnutls_failed && is_old_version (self->server_hello_version))
    {
      g_autofree char *offered = old_protocol_name (self->server_hello_version);

      self->old_protocol = TRUE;
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE,
                   /* Translators: the first %s is the server, the second a protocol version
                    * such as "TLS 1.0". */
                   _("The TLS handshake with %s failed: the server offered only %s, which is "
                     "no longer safe; TLS 1.2 or newer is required (RFC 8996)"),
                   self->hostname, offered);
    }
  else if (gnutls_failed &&
           (ret == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ||
            (ret == GNUTLS_E_FATAL_ALERT_RECEIVED &&
             gnutls_alert_get (self->session) == GNUTLS_A_PROTOCOL_VERSION)))
    {
      self->old_protocol = TRUE;
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE,
                   /* Translators: %s is the server. */
                   _("The TLS handshake with %s failed: the server offers none of TLS 1.2 and "
                     "1.3; the older versions are no longer safe (RFC 8996)"), self->hostname);
    }
  else
    {
      /* Translators: %s is the server; followed by ": " and GnuTLS's reason. */
      g_autofree char *what = g_strdup_printf (_("The TLS handshake with %s failed"),
                                               self->hostname);

      propagate_gnutls_error (self, ret, cancellable, G_TLS_ERROR_HANDSHAKE, what, error);
    }
  set_operation (self, TRUE, TRUE, NULL);

  return self->handshake_done;
}

/**
 * sc_tls_stream_get_description:
 * @self: a #ScTlsStream
 *
 * Returns: (transfer full) (nullable): the protocol and ciphers in use, e.g.
 *   "(TLS1.3)-(ECDHE-SECP256R1)-(RSA-PSS-RSAE-SHA256)-(AES-256-GCM)", or %NULL before the
 *   handshake
 */
char *
sc_tls_stream_get_description (ScTlsStream *self)
{
  char *desc;
  char *ret;

  g_return_val_if_fail (SC_IS_TLS_STREAM (self), NULL);

  if (!self->handshake_done || (desc = gnutls_session_get_desc (self->session)) == NULL)
    return NULL;

  ret = g_strdup (desc);
  gnutls_free (desc);

  return ret;
}

/**
 * sc_tls_stream_set_pinned_fingerprint:
 * @self: a #ScTlsStream, before its handshake
 * @fingerprint: (nullable): a SHA-256 fingerprint ("AA:BB:…", see
 *   sc_certificate_fingerprint_equal ()), or %NULL
 *
 * With a fingerprint, the certificate that has it is accepted whatever else is wrong with it
 * (self-signed, unknown issuer, expired, another name), like a user's exception in a mail
 * program, and any other certificate is refused with %G_TLS_ERROR_BAD_CERTIFICATE, saying that
 * it changed since it was trusted.
 */
void
sc_tls_stream_set_pinned_fingerprint (ScTlsStream *self,
                                      const char  *fingerprint)
{
  g_return_if_fail (SC_IS_TLS_STREAM (self));
  g_return_if_fail (!self->handshake_done);

  g_free (self->pinned_fingerprint);
  self->pinned_fingerprint = (fingerprint != NULL && fingerprint[0] != '\0')
                             ? g_strdup (fingerprint) : NULL;
}

/**
 * sc_tls_stream_get_peer_certificate:
 * @self: a #ScTlsStream
 *
 * Returns: (transfer none) (nullable): what the server's certificate says, once the handshake
 *   received it, whether it was accepted or not (then sc_certificate_info_get_problem () says
 *   why); %NULL before
 */
ScCertificateInfo *
sc_tls_stream_get_peer_certificate (ScTlsStream *self)
{
  g_return_val_if_fail (SC_IS_TLS_STREAM (self), NULL);

  return self->peer_certificate;
}

/**
 * sc_tls_stream_get_protocol_version:
 * @self: a #ScTlsStream
 *
 * Returns: (transfer full) (nullable): the protocol in use, e.g. "TLS 1.3"; %NULL before the
 *   handshake
 */
char *
sc_tls_stream_get_protocol_version (ScTlsStream *self)
{
  const char *name;

  g_return_val_if_fail (SC_IS_TLS_STREAM (self), NULL);

  if (!self->handshake_done)
    return NULL;

  name = gnutls_protocol_get_name (gnutls_protocol_get_version (self->session));
  if (name == NULL)
    return NULL;

  /* GnuTLS says "TLS1.3" */
  if (g_str_has_prefix (name, "TLS") && g_ascii_isdigit (name[3]))
    return g_strdup_printf ("TLS %s", name + 3);

  return g_strdup (name);
}

/**
 * sc_tls_stream_set_read_deadline:
 * @self: a #ScTlsStream
 * @deadline: a g_get_monotonic_time () by which reads must have data, or 0 for none
 *
 * Bounds every read from the connection underneath, also in the middle of a record, so that
 * a reply cannot outlast @deadline (the reads then fail with %G_IO_ERROR_TIMED_OUT).
 */
void
sc_tls_stream_set_read_deadline (ScTlsStream *self,
                                 gint64       deadline)
{
  g_return_if_fail (SC_IS_TLS_STREAM (self));

  self->read_deadline = deadline;
}

/**
 * sc_tls_stream_set_probe:
 * @self: a #ScTlsStream, before its handshake
 *
 * Makes the handshake a probe that only learns which protocol version the server chooses when
 * offered the old ones too (TLS 1.0 and 1.1): it always fails, right after the server's
 * ServerHello, before any data could be exchanged. See sc_tls_stream_get_old_protocol ().
 */
void
sc_tls_stream_set_probe (ScTlsStream *self)
{
  g_return_if_fail (SC_IS_TLS_STREAM (self));

  self->probe = TRUE;
  if (gnutls_set_default_priority_append (self->session, "+VERS-TLS1.1:+VERS-TLS1.0", NULL,
                                          0) < 0)
    g_debug ("Cannot offer the old TLS versions to probe %s", self->hostname);
}

/**
 * sc_tls_stream_get_old_protocol:
 * @self: a #ScTlsStream after its handshake failed
 * @out_name: (out) (optional) (transfer full): e.g. "TLS 1.0", when the server said it
 *
 * Returns: %TRUE when the handshake failed because the server speaks only versions older than
 *   TLS 1.2 (RFC 8996)
 */
gboolean
sc_tls_stream_get_old_protocol (ScTlsStream  *self,
                                char        **out_name)
{
  g_return_val_if_fail (SC_IS_TLS_STREAM (self), FALSE);

  if (out_name != NULL)
    *out_name = old_protocol_name (self->server_hello_version);

  return self->old_protocol || (self->probe && is_old_version (self->server_hello_version));
}

/**
 * sc_tls_stream_has_pending:
 * @self: a #ScTlsStream
 *
 * Returns: %TRUE when data was already received and decrypted, so that a read returns at once
 */
gboolean
sc_tls_stream_has_pending (ScTlsStream *self)
{
  g_return_val_if_fail (SC_IS_TLS_STREAM (self), FALSE);

  return self->session != NULL && gnutls_record_check_pending (self->session) > 0;
}

/**
 * sc_tls_stream_get_cipher_name:
 * @self: a #ScTlsStream
 *
 * Returns: (nullable): the cipher in use, e.g. "AES-256-GCM"; %NULL before the handshake
 */
const char *
sc_tls_stream_get_cipher_name (ScTlsStream *self)
{
  g_return_val_if_fail (SC_IS_TLS_STREAM (self), NULL);

  if (!self->handshake_done)
    return NULL;

  return gnutls_cipher_get_name (gnutls_cipher_get (self->session));
}

/* sc-keyring.h — the account's password in the keyring (libsecret: the Secret Service)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SC_KEYRING_ERROR (sc_keyring_error_quark ())

/**
 * ScKeyringError:
 * @SC_KEYRING_ERROR_UNAVAILABLE: there is no secret service (no D-Bus session, or no keyring
 *   daemon on it): the password can only be kept in the file
 * @SC_KEYRING_ERROR_LOCKED: the keyring is locked, and was not unlocked when asked
 * @SC_KEYRING_ERROR_NOT_FOUND: the keyring holds no password for the account
 * @SC_KEYRING_ERROR_FAILED: the secret service refused for another reason
 *
 * Each message is a translated sentence that says what happened; the secret service's own
 * message, if any, follows it.
 */
typedef enum
{
  SC_KEYRING_ERROR_UNAVAILABLE,
  SC_KEYRING_ERROR_LOCKED,
  SC_KEYRING_ERROR_NOT_FOUND,
  SC_KEYRING_ERROR_FAILED,
} ScKeyringError;

GQuark    sc_keyring_error_quark (void);

/* Blocking D-Bus calls: for worker threads only (the settings store runs them in its worker),
 * never on the main loop. An account is the password's key: host, port and login. */
char     *sc_keyring_lookup      (const char    *host,
                                  guint          port,
                                  const char    *login,
                                  GCancellable  *cancellable,
                                  GError       **error);
gboolean  sc_keyring_store       (const char    *host,
                                  guint          port,
                                  const char    *login,
                                  const char    *password,
                                  GCancellable  *cancellable,
                                  GError       **error);
gboolean  sc_keyring_clear       (const char    *host,
                                  guint          port,
                                  const char    *login,
                                  GCancellable  *cancellable,
                                  GError       **error);

G_END_DECLS

/* sc-keyring.c — the account's password in the keyring (libsecret: the Secret Service)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One item per account, keyed by host, port and login, in the default collection (the
 * "login" keyring of GNOME). libsecret's blocking calls run their own main context, so they
 * are safe in a worker thread; nothing here runs on the main loop.
 */

#define G_LOG_DOMAIN "sc-keyring"

#include "config.h"

#include "sc-keyring.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

G_DEFINE_QUARK (sc-keyring-error-quark, sc_keyring_error)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.smtpclient.SmtpClient.Password", SECRET_SCHEMA_NONE,
    {
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "port", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
      { "login", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/* The secret service's error, kept as the reason after our own sentence. */
static void
propagate_error (GError  **error,
                 GError   *secret_error)
{
  g_autoptr(GError) local_error = secret_error;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return;
    }

  if (g_dbus_error_is_remote_error (local_error))
    g_dbus_error_strip_remote_error (local_error);

  if (g_error_matches (local_error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    g_set_error (error, SC_KEYRING_ERROR, SC_KEYRING_ERROR_LOCKED,
                 /* Translators: %s is the secret service's own message. */
                 _("The keyring is locked (%s)."), local_error->message);
  else if (local_error->domain == SECRET_ERROR)
    g_set_error (error, SC_KEYRING_ERROR, SC_KEYRING_ERROR_FAILED,
                 /* Translators: %s is the secret service's own message. */
                 _("The keyring refused (%s)."), local_error->message);
  else
    /* No bus, or no secret service on it: D-Bus and GIO errors. */
    g_set_error (error, SC_KEYRING_ERROR, SC_KEYRING_ERROR_UNAVAILABLE,
                 /* Translators: "secret service" is the keyring's D-Bus service (GNOME
                  * Keyring, KeePassXC…); %s is the reason given by D-Bus. */
                 _("No keyring is available: no secret service answers on the D-Bus session "
                   "(%s)."), local_error->message);
}

/**
 * sc_keyring_lookup:
 * @host: the SMTP server
 * @port: its port
 * @login: the login
 *
 * Asks the secret service for the account's password; a locked keyring is asked to unlock
 * (the desktop's own prompt). Blocking: call it in a worker.
 *
 * Returns: (transfer full): the password (wipe it: sc_secret_clear ()), or %NULL with @error
 *   in #SC_KEYRING_ERROR (or %G_IO_ERROR_CANCELLED)
 */
char *
sc_keyring_lookup (const char    *host,
                   guint          port,
                   const char    *login,
                   GCancellable  *cancellable,
                   GError       **error)
{
  GError *local_error = NULL;
  GList *found;
  gboolean locked = FALSE;
  char *password;

  g_return_val_if_fail (host != NULL && login != NULL, NULL);

  password = secret_password_lookup_sync (get_schema (), cancellable, &local_error,
                                          "host", host, "port", (int) port, "login", login,
                                          NULL);
  if (password != NULL)
    return password;
  if (local_error != NULL)
    {
      propagate_error (error, local_error);
      return NULL;
    }

  /* Nothing, and no error: none stored, or a locked item whose prompt was dismissed. */
  found = secret_password_search_sync (get_schema (), SECRET_SEARCH_ALL, cancellable,
                                       &local_error, "host", host, "port", (int) port,
                                       "login", login, NULL);
  for (GList *l = found; l != NULL; l = l->next)
    locked |= SECRET_IS_ITEM (l->data) && secret_item_get_locked (l->data);
  g_list_free_full (found, g_object_unref);

  if (local_error != NULL)
    propagate_error (error, local_error);
  else if (locked)
    g_set_error_literal (error, SC_KEYRING_ERROR, SC_KEYRING_ERROR_LOCKED,
                         _("The keyring is locked, and it was not unlocked."));
  else
    g_set_error (error, SC_KEYRING_ERROR, SC_KEYRING_ERROR_NOT_FOUND,
                 /* Translators: the first %s is the login, the second the server, %u its
                  * port. */
                 _("The keyring holds no password for %s on %s:%u."), login, host, port);
  return NULL;
}

/**
 * sc_keyring_store:
 * @host: the SMTP server
 * @port: its port
 * @login: the login
 * @password: the password
 *
 * Stores the account's password in the default keyring, replacing the one stored before for
 * the same account. Blocking: call it in a worker.
 *
 * Returns: %TRUE if stored; else @error is in #SC_KEYRING_ERROR (or %G_IO_ERROR_CANCELLED)
 */
gboolean
sc_keyring_store (const char    *host,
                  guint          port,
                  const char    *login,
                  const char    *password,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *label = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (host != NULL && login != NULL && password != NULL, FALSE);

  /* Translators: the name of the keyring item, as the keyring's manager (Passwords and Keys)
   * shows it; the first %s is the login, the second the SMTP server, %u its port. */
  label = g_strdup_printf (_("SMTP Client: the password of %s on %s:%u"), login, host, port);
  if (secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                                  cancellable, &local_error, "host", host, "port", (int) port,
                                  "login", login, NULL))
    return TRUE;

  propagate_error (error, local_error);
  return FALSE;
}

/**
 * sc_keyring_clear:
 * @host: the SMTP server
 * @port: its port
 * @login: the login
 *
 * Removes the account's password from the keyring; that there was none is no error.
 * Blocking: call it in a worker.
 *
 * Returns: %TRUE unless the keyring could not be asked
 */
gboolean
sc_keyring_clear (const char    *host,
                  guint          port,
                  const char    *login,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (host != NULL && login != NULL, FALSE);

  secret_password_clear_sync (get_schema (), cancellable, &local_error, "host", host,
                              "port", (int) port, "login", login, NULL);
  if (local_error == NULL)
    return TRUE;

  propagate_error (error, local_error);
  return FALSE;
}

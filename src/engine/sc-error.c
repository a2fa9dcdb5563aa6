/* sc-error.c — error domains of the engine
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sc-error.h"

G_DEFINE_QUARK (sc-smtp-error-quark, sc_smtp_error)
G_DEFINE_QUARK (sc-message-error-quark, sc_message_error)

/* SC_SETTINGS_ERROR is an extended error domain: an error about one key carries the key's JSON
 * name, so that nobody has to find it in the translated message. */
typedef struct
{
  const char *key;   /* interned */
} ScSettingsErrorPrivate;

static void
sc_settings_error_private_init (ScSettingsErrorPrivate *priv)
{
  priv->key = NULL;
}

static void
sc_settings_error_private_copy (const ScSettingsErrorPrivate *src,
                                ScSettingsErrorPrivate       *dest)
{
  dest->key = src->key;
}

static void
sc_settings_error_private_clear (ScSettingsErrorPrivate *priv)
{
  priv->key = NULL;
}

G_DEFINE_EXTENDED_ERROR (ScSettingsError, sc_settings_error)

/**
 * sc_settings_error_get_key:
 * @error: a #GError
 *
 * Returns: (nullable): the JSON name of the key (e.g. "smtp_port") an %SC_SETTINGS_ERROR is
 *   about; %NULL for other errors and for those about a whole file
 */
const char *
sc_settings_error_get_key (const GError *error)
{
  if (error == NULL || error->domain != SC_SETTINGS_ERROR)
    return NULL;

  return sc_settings_error_get_private (error)->key;
}

void
_sc_settings_error_set_key (GError     *error,
                            const char *json_name)
{
  g_return_if_fail (error != NULL && error->domain == SC_SETTINGS_ERROR);

  sc_settings_error_get_private (error)->key = g_intern_string (json_name);
}

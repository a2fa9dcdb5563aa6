/* sc-provider.c — the mail providers the app knows: their servers and what they need
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sc-provider.h"

#include <glib/gi18n.h>

static const ScProvider providers[] = {
  { "yandex", "Yandex", "smtp.yandex.ru", 465, SC_SECURITY_TLS, TRUE, FALSE },
  { "mailru", "Mail.ru", "smtp.mail.ru", 465, SC_SECURITY_TLS, TRUE, FALSE },
  { "gmail", "Gmail", "smtp.gmail.com", 465, SC_SECURITY_TLS, TRUE, FALSE },
  /* Outlook.com has required Microsoft sign-in (OAuth2) since September 2024. */
  { "outlook", "Outlook", "smtp-mail.outlook.com", 587, SC_SECURITY_STARTTLS, FALSE, TRUE },
};

/**
 * sc_provider_get_all:
 * @n_providers: (out): how many there are
 *
 * Returns: (array length=n_providers): the known providers, in the order to show them
 */
const ScProvider *
sc_provider_get_all (guint *n_providers)
{
  g_return_val_if_fail (n_providers != NULL, NULL);

  *n_providers = G_N_ELEMENTS (providers);
  return providers;
}

/**
 * sc_provider_lookup_host:
 * @host: (nullable): an SMTP server's name
 *
 * Returns: (nullable): the known provider whose server @host is (case does not matter)
 */
const ScProvider *
sc_provider_lookup_host (const char *host)
{
  for (guint i = 0; host != NULL && i < G_N_ELEMENTS (providers); i++)
    if (g_ascii_strcasecmp (host, providers[i].host) == 0)
      return &providers[i];

  return NULL;
}

/**
 * sc_provider_get_advice:
 * @provider: a known provider
 *
 * Returns: one translated sentence on what the provider needs from the user
 */
const char *
sc_provider_get_advice (const ScProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);

  if (provider->password_login_unsupported)
    return _("Outlook.com accounts need Microsoft sign-in (OAuth2), which this app does not "
             "support yet: their passwords are refused.");
  if (provider->needs_app_password)
    return _("Use an app password, created in your account's security settings: the account's "
             "own password is refused.");
  return NULL;
}

/* sc-provider.h — the mail providers the app knows: their servers and what they need
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "sc-settings.h"

G_BEGIN_DECLS

/**
 * ScProvider:
 * @id: a stable name: "yandex", "mailru", "gmail", "outlook"
 * @name: the provider's name as shown ("Yandex"), not translated
 * @host: the SMTP server
 * @port: its submission port
 * @security: what that port speaks
 * @needs_app_password: the account's own password is refused: an app password is needed
 * @password_login_unsupported: the provider refuses password logins altogether (OAuth2 only)
 *
 * The one table of known providers: the Account dialog's presets and the error hints use it.
 */
typedef struct
{
  const char *id;
  const char *name;
  const char *host;
  guint       port;
  ScSecurity  security;
  gboolean    needs_app_password;
  gboolean    password_login_unsupported;
} ScProvider;

const ScProvider *sc_provider_get_all       (guint       *n_providers);
const ScProvider *sc_provider_lookup_host   (const char  *host);
const char       *sc_provider_get_advice    (const ScProvider *provider);

G_END_DECLS

/* sc-error-hint.h — from what went wrong to what to do about it: the one table of hints
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sc-settings.h"

G_BEGIN_DECLS

/**
 * ScField:
 *
 * The settings field an error is about: the window marks it and offers to open it.
 */
typedef enum
{
  SC_FIELD_NONE,
  SC_FIELD_HOST,
  SC_FIELD_PORT,
  SC_FIELD_SECURITY,
  SC_FIELD_CA_FILE,
  SC_FIELD_CERTIFICATE,   /* untrusted or changed certificate: the trust dialog */
  SC_FIELD_LOGIN,
  SC_FIELD_PASSWORD,
  SC_FIELD_TIMEOUT,
  SC_FIELD_RECIPIENTS,
  SC_FIELD_SUBJECT,
  SC_FIELD_BODY,
  SC_FIELD_ATTACHMENTS,
} ScField;

/**
 * ScErrorHint:
 * @field: the field to mark and open
 * @text: (nullable): one translated sentence on how to fix it, or NULL when the error's own
 *   message says all there is
 */
typedef struct
{
  ScField  field;
  char    *text;
} ScErrorHint;

void         sc_error_hint_free            (ScErrorHint   *hint);
ScErrorHint *sc_error_hint_for_error       (const GError  *error,
                                            ScSettings    *settings);
ScField      sc_field_for_settings_key     (const char    *json_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScErrorHint, sc_error_hint_free)

G_END_DECLS

/* sc-cli.h — smtp-client --send: read the settings, send, report
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Exit codes of smtp-client --send */
typedef enum
{
  SC_EXIT_OK = 0,
  SC_EXIT_USAGE = 2,        /* settings or usage error */
  SC_EXIT_CONNECTION = 3,   /* connection, TLS or time-out */
  SC_EXIT_AUTH = 4,         /* authentication refused */
  SC_EXIT_REFUSED = 5,      /* message or every recipient refused */
  SC_EXIT_PARTIAL = 6,      /* sent, but some recipients refused */
  SC_EXIT_INTERRUPTED = 130,/* interrupted by SIGINT or SIGTERM before the message was sent */
} ScExitCode;

void sc_cli_bind_text_domain     (void);
void sc_cli_add_options          (GApplication *application);
int  sc_cli_handle_local_options (GApplication *application,
                                  GVariantDict *options);

G_END_DECLS

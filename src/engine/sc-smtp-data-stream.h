/* sc-smtp-data-stream.h — the DATA payload's way to the server, counted for "progress"
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sc-smtp-connection-private.h"

G_BEGIN_DECLS

#define SC_TYPE_SMTP_DATA_STREAM (sc_smtp_data_stream_get_type ())
G_DECLARE_FINAL_TYPE (ScSmtpDataStream, sc_smtp_data_stream, SC, SMTP_DATA_STREAM, GOutputStream)

ScSmtpDataStream *_sc_smtp_data_stream_new (ScSmtpConnection  *connection,
                                            goffset            bytes_total);

G_END_DECLS

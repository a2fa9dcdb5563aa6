/* sc-error.h — error domains of the engine
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SC_SMTP_ERROR     (sc_smtp_error_quark ())
#define SC_SETTINGS_ERROR (sc_settings_error_quark ())
#define SC_MESSAGE_ERROR  (sc_message_error_quark ())

/**
 * ScSmtpError:
 * @SC_SMTP_ERROR_STARTTLS_UNAVAILABLE: STARTTLS was required but the server did not offer it
 * @SC_SMTP_ERROR_INSECURE: refused to send credentials or mail without encryption
 * @SC_SMTP_ERROR_AUTH_UNAVAILABLE: no authentication mechanism we support is offered
 * @SC_SMTP_ERROR_AUTH_FAILED: the server refused the login or password
 * @SC_SMTP_ERROR_SENDER_REFUSED: MAIL FROM was refused
 * @SC_SMTP_ERROR_RECIPIENTS_REFUSED: every RCPT TO was refused
 * @SC_SMTP_ERROR_MESSAGE_REFUSED: DATA or the message content was refused
 * @SC_SMTP_ERROR_MESSAGE_TOO_LARGE: the message is larger than the server's SIZE limit
 * @SC_SMTP_ERROR_PROTOCOL: the server refused the session (its greeting or EHLO), or said
 *   something we could not understand
 * @SC_SMTP_ERROR_DELIVERY_UNCERTAIN: the whole message was sent but the final reply was lost,
 *   so the server may or may not have accepted it
 * @SC_SMTP_ERROR_SMTPUTF8_UNAVAILABLE: an address has non-ASCII letters before the @ and the
 *   server does not offer SMTPUTF8; nothing was sent
 * @SC_SMTP_ERROR_NO_GREETING: without TLS from the start (security "starttls" or "none"), the
 *   server said nothing within the time-out after the connection was made: most often a port
 *   that expects TLS from the start (465). Any other time-out is %G_IO_ERROR_TIMED_OUT.
 *
 * Only the SMTP dialogue's own refusals and rules. A failure below it keeps its GIO domain:
 * connecting, time-outs and a closed connection are #G_IO_ERROR (with the context added to the
 * message), the TLS layer raises #G_TLS_ERROR, and a cancellation is %G_IO_ERROR_CANCELLED.
 * The one exception is a server silent from the start without TLS
 * (%SC_SMTP_ERROR_NO_GREETING), told apart so that the error hints can point at the security
 * setting (sc-error-hint.h).
 */
typedef enum
{
  SC_SMTP_ERROR_STARTTLS_UNAVAILABLE,
  SC_SMTP_ERROR_INSECURE,
  SC_SMTP_ERROR_AUTH_UNAVAILABLE,
  SC_SMTP_ERROR_AUTH_FAILED,
  SC_SMTP_ERROR_SENDER_REFUSED,
  SC_SMTP_ERROR_RECIPIENTS_REFUSED,
  SC_SMTP_ERROR_MESSAGE_REFUSED,
  SC_SMTP_ERROR_MESSAGE_TOO_LARGE,
  SC_SMTP_ERROR_PROTOCOL,
  SC_SMTP_ERROR_DELIVERY_UNCERTAIN,
  SC_SMTP_ERROR_SMTPUTF8_UNAVAILABLE,
  SC_SMTP_ERROR_NO_GREETING,
} ScSmtpError;

/**
 * ScSettingsError:
 * @SC_SETTINGS_ERROR_IO: a settings file could not be read or written
 * @SC_SETTINGS_ERROR_PARSE: a settings file is not valid JSON (message names file:line:column)
 * @SC_SETTINGS_ERROR_INVALID: a key has a wrong value (message names file and key)
 * @SC_SETTINGS_ERROR_EXAMPLE_SERVER: "smtp_host" is still the shipped example server
 *   (sc_settings_uses_example_server ()): the account is not set up, and the SMTP session
 *   refuses to send before it connects
 *
 * An error about one key carries its JSON name: sc_settings_error_get_key ().
 */
typedef enum
{
  SC_SETTINGS_ERROR_IO,
  SC_SETTINGS_ERROR_PARSE,
  SC_SETTINGS_ERROR_INVALID,
  SC_SETTINGS_ERROR_EXAMPLE_SERVER,
} ScSettingsError;

/**
 * ScMessageError:
 * @SC_MESSAGE_ERROR_BODY: the body is not UTF-8 text (a missing or unreadable body file keeps
 *   its #G_IO_ERROR code)
 * @SC_MESSAGE_ERROR_ATTACHMENT: an attachment or the attachment folder cannot be read
 * @SC_MESSAGE_ERROR_ADDRESS: an address is malformed
 * @SC_MESSAGE_ERROR_HEADER: a header value would break the message (e.g. a line break)
 */
typedef enum
{
  SC_MESSAGE_ERROR_BODY,
  SC_MESSAGE_ERROR_ATTACHMENT,
  SC_MESSAGE_ERROR_ADDRESS,
  SC_MESSAGE_ERROR_HEADER,
} ScMessageError;

GQuark sc_smtp_error_quark     (void);
GQuark sc_settings_error_quark (void);
GQuark sc_message_error_quark  (void);

const char *sc_settings_error_get_key  (const GError *error);

/* < private > for sc-settings.c: @error (of SC_SETTINGS_ERROR) is about @json_name */
void        _sc_settings_error_set_key (GError       *error,
                                        const char   *json_name);

G_END_DECLS

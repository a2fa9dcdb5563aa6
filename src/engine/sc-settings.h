/* sc-settings.h — the three JSON settings files as one model
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ScSecurity:
 * @SC_SECURITY_TLS: implicit TLS from the first byte ("tls"; default for port 465)
 * @SC_SECURITY_STARTTLS: plain connection upgraded with STARTTLS ("starttls"; default otherwise)
 * @SC_SECURITY_NONE: no encryption ("none"; only allowed to a loopback host)
 */
typedef enum
{
  SC_SECURITY_TLS,
  SC_SECURITY_STARTTLS,
  SC_SECURITY_NONE,
} ScSecurity;

#define SC_TYPE_SECURITY (sc_security_get_type ())
GType        sc_security_get_type     (void) G_GNUC_CONST;
ScSecurity   sc_security_default_for_port (guint port);

#define SC_SETTINGS_DEFAULT_TIMEOUT 60

/* The server of the shipped example settings (settings/config.json): a reserved name that
 * nothing answers for; see sc_settings_uses_example_server (). */
#define SC_SETTINGS_EXAMPLE_HOST "smtp.example.com"

/* The "password_storage" that keeps the password in the keyring, not in credentials.json. */
#define SC_SETTINGS_PASSWORD_IN_KEYRING "keyring"

#define SC_TYPE_SETTINGS (sc_settings_get_type ())
G_DECLARE_FINAL_TYPE (ScSettings, sc_settings, SC, SETTINGS, GObject)

/*
 * Properties (all readable and writable, notify on real change only):
 *   "directory"              GFile*   the settings folder (construct-only)
 *   "smtp-host"              char*    config.json      smtp_host
 *   "smtp-port"              uint     config.json      smtp_port (1–65535)
 *   "security"               ScSecurity config.json    security (when absent: derived from port)
 *   "security-explicit"      gboolean whether "security" is written in config.json
 *   "ca-file"                char*    config.json      ca_file (NULL: system trust store)
 *   "tls-fingerprint"        char*    config.json      tls_fingerprint (NULL: none pinned)
 *   "timeout-seconds"        uint     config.json      timeout_seconds (default 60)
 *   "login"                  char*    credentials.json login
 *   "password"               char*    credentials.json password (absent when in the keyring)
 *   "password-storage"       char*    credentials.json password_storage: "file" (NULL too) or
 *                                     SC_SETTINGS_PASSWORD_IN_KEYRING ("keyring")
 *   "recipients"             GStrv    data.json        to_addrs (names allowed: "Name <a@b.c>")
 *   "cc-recipients"          GStrv    data.json        cc_addrs (optional)
 *   "bcc-recipients"         GStrv    data.json        bcc_addrs (optional; never in a header)
 *   "subject"                char*    data.json        message.subject
 *   "message-file-path"      char*    data.json        message.message_file_path (as written)
 *   "attachment-folder-path" char*    data.json        message.attachment_folder_path (as written)
 *   "attachment-paths"       GStrv    data.json        message.attachment_paths (optional; files
 *                                     added by hand, as written: see sc_settings_path_for_file ())
 *   "excluded-attachments"   GStrv    data.json        message.excluded_attachments (optional;
 *                                     names of attachment folder files that are not sent)
 *   "modified"               gboolean TRUE after a real change of a key; ScSettingsStore sets it
 *                                     FALSE after a load or a successful save
 *
 * Setting "smtp-port" while "security-explicit" is FALSE updates "security" to the default
 * for the port. Setting "security" sets "security-explicit" to TRUE.
 *
 * The model does no I/O: ScSettingsStore (sc-settings-store.h) reads and writes the files.
 */

ScSettings  *sc_settings_new                   (GFile        *directory);
GFile       *sc_settings_get_directory         (ScSettings   *self);

gboolean     sc_settings_validate              (ScSettings   *self,
                                                GError      **error);
gboolean     sc_settings_validate_account      (ScSettings   *self,
                                                GError      **error);
gboolean     sc_settings_validate_key          (ScSettings   *self,
                                                const char   *key,
                                                GError      **error);
gboolean     sc_settings_uses_example_server   (ScSettings   *self);
gboolean     sc_settings_is_example_value      (const char   *property,
                                                const char   *value);
gboolean     sc_settings_check_example_server  (ScSettings   *self,
                                                GError      **error);

GFile       *sc_settings_get_message_file      (ScSettings   *self);
GFile       *sc_settings_get_attachment_folder (ScSettings   *self);
GPtrArray   *sc_settings_get_attachment_files  (ScSettings   *self);
gboolean     sc_settings_is_attachment_excluded (ScSettings  *self,
                                                 GFile       *file);
char        *sc_settings_path_for_file         (ScSettings   *self,
                                                GFile        *file);

const char  *sc_settings_get_smtp_host         (ScSettings   *self);
guint        sc_settings_get_smtp_port         (ScSettings   *self);
ScSecurity   sc_settings_get_security          (ScSettings   *self);
const char  *sc_settings_get_ca_file           (ScSettings   *self);
const char  *sc_settings_get_tls_fingerprint   (ScSettings   *self);
guint        sc_settings_get_timeout_seconds   (ScSettings   *self);
const char  *sc_settings_get_login             (ScSettings   *self);
const char  *sc_settings_get_password          (ScSettings   *self);
const char  *sc_settings_get_password_storage  (ScSettings   *self);
gboolean     sc_settings_get_password_in_keyring (ScSettings *self);
const char * const *
             sc_settings_get_recipients        (ScSettings   *self);
const char * const *
             sc_settings_get_cc_recipients     (ScSettings   *self);
const char * const *
             sc_settings_get_bcc_recipients    (ScSettings   *self);
const char * const *
             sc_settings_get_attachment_paths  (ScSettings   *self);
const char * const *
             sc_settings_get_excluded_attachments (ScSettings *self);
const char  *sc_settings_get_subject           (ScSettings   *self);
gboolean     sc_settings_get_modified          (ScSettings   *self);

G_END_DECLS

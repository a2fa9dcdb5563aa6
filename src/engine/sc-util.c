/* sc-util.c — the engine's small rules, each in one place
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-engine"

#include "config.h"

#include "sc-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/**
 * _sc_display_path:
 * @file: a file
 *
 * Returns: the file name as the user would recognise it in a message: relative to the
 *   current directory when it is inside it, else its parse name
 */
char *
_sc_display_path (GFile *file)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(GFile) cwd_file = g_file_new_for_path (cwd);
  char *relative;

  relative = g_file_get_relative_path (cwd_file, file);
  if (relative != NULL)
    return relative;

  if (g_file_equal (cwd_file, file))
    return g_strdup (".");

  return g_file_get_parse_name (file);
}

/**
 * _sc_ensure_gmime:
 *
 * Initialises GMime once, from any thread.
 */
void
_sc_ensure_gmime (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * sc_host_strip_brackets:
 * @host: a host name, an IP address, or an address literal such as "[::1]"
 *
 * Returns: (transfer full): @host without the brackets of an address literal, for connecting
 *   and for checking the certificate (which holds the bare address)
 */
char *
sc_host_strip_brackets (const char *host)
{
  gsize len;

  g_return_val_if_fail (host != NULL, NULL);

  len = strlen (host);
  if (len > 2 && host[0] == '[' && host[len - 1] == ']')
    return g_strndup (host + 1, len - 2);

  return g_strdup (host);
}

/**
 * sc_host_is_loopback:
 * @host: (nullable): a host as written in the settings
 *
 * The one rule for "security": "none": it is allowed only to this computer, that is to
 * "localhost" or a loopback address (127.0.0.0/8, ::1), bracketed or not.
 *
 * Returns: %TRUE if @host names this computer
 */
gboolean
sc_host_is_loopback (const char *host)
{
  g_autofree char *bare = NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL || *host == '\0')
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;

  bare = sc_host_strip_brackets (host);
  address = g_inet_address_new_from_string (bare);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * sc_text_find_invalid_utf8:
 * @text: bytes read from a file
 * @length: their length
 * @out_line: (out) (optional): the 1-based line of the first bad byte
 * @out_column: (out) (optional): its 1-based column, in characters
 * @out_nul: (out) (optional): whether the bad byte is a NUL
 *
 * Returns: %TRUE if @text is NOT valid UTF-8 (or holds a NUL byte), with its position
 */
gboolean
sc_text_find_invalid_utf8 (const char *text,
                           gsize       length,
                           guint      *out_line,
                           guint      *out_column,
                           gboolean   *out_nul)
{
  const char *end = NULL;
  guint line = 1;
  guint column = 1;

  if (g_utf8_validate_len (text, length, &end))
    return FALSE;

  for (const char *p = text; p < end; p++)
    {
      if (*p == '\n')
        {
          line++;
          column = 1;
        }
      else if ((*p & 0xc0) != 0x80)
        {
          column++;
        }
    }

  if (out_line != NULL)
    *out_line = line;
  if (out_column != NULL)
    *out_column = column;
  if (out_nul != NULL)
    *out_nul = end != NULL && *end == '\0';

  return TRUE;
}

/**
 * sc_text_has_line_break:
 * @text: (nullable): a header value
 *
 * Returns: %TRUE if @text holds a CR or LF, which would start a new header line
 */
gboolean
sc_text_has_line_break (const char *text)
{
  return text != NULL && strpbrk (text, "\r\n") != NULL;
}

/**
 * sc_secret_free:
 * @secret: (nullable): a password or an AUTH payload
 *
 * Wipes @secret (so that it does not linger in freed memory) and frees it.
 */
void
sc_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

/**
 * sc_secret_clear:
 * @secret: a pointer to a secret
 *
 * Wipes and frees *@secret, and sets it to %NULL.
 */
void
sc_secret_clear (char **secret)
{
  g_clear_pointer (secret, sc_secret_free);
}

/**
 * sc_file_load_bounded:
 * @file: a local file
 * @max_size: the largest size accepted, in bytes
 * @length: (out) (optional): the length read
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The one way the engine reads a whole local file (settings, the message body): only a
 * regular file, opened without blocking (a FIFO or a device never hangs or fills memory), at
 * most @max_size bytes. Errors keep GIO's codes (G_IO_ERROR_NOT_FOUND,
 * G_IO_ERROR_NOT_REGULAR_FILE, G_IO_ERROR_IS_DIRECTORY, G_IO_ERROR_MESSAGE_TOO_LARGE …) with a
 * reason in words that does not repeat the file's name: the caller names it.
 *
 * Returns: (transfer full): the contents, NUL-terminated, or %NULL with @error set
 */
char *
sc_file_load_bounded (GFile         *file,
                      gsize          max_size,
                      gsize         *length,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GString) contents = NULL;
  struct stat st;
  int fd;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("not a file on this computer"));
      return NULL;
    }

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      gboolean is_dir = S_ISDIR (st.st_mode);

      g_set_error_literal (error, G_IO_ERROR,
                           is_dir ? G_IO_ERROR_IS_DIRECTORY : G_IO_ERROR_NOT_REGULAR_FILE,
                           is_dir ? _("it is a folder, not a file")
                                  : _("it is not a regular file (a pipe, a socket or a "
                                      "device); only regular files are read"));
      close (fd);
      return NULL;
    }

  contents = g_string_sized_new (MIN ((gsize) st.st_size, max_size) + 1);

  /* Reads until the end, whatever stat said: the file may grow while it is read. */
  for (;;)
    {
      gsize room = MIN ((gsize) 1 << 20, max_size + 1 - contents->len);
      gsize old_len = contents->len;
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return NULL;
        }

      g_string_set_size (contents, old_len + room);
      n = read (fd, contents->str + old_len, room);
      if (n < 0 && errno == EINTR)
        {
          g_string_set_size (contents, old_len);
          continue;
        }
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               g_strerror (saved_errno));
          close (fd);
          return NULL;
        }
      g_string_set_size (contents, old_len + n);
      if (contents->len > max_size)
        {
          g_autofree char *limit = g_format_size (max_size);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       /* Translators: %s is a size, e.g. "1.0 MB" */
                       _("it is larger than %s, the most that is read"), limit);
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
    }

  close (fd);

  if (length != NULL)
    *length = contents->len;
  return g_string_free (g_steal_pointer (&contents), FALSE);
}

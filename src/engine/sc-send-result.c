/* sc-send-result.c — what a successful send found out
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sc-send-result"

#include "config.h"

#include "sc-send-result.h"

#include <string.h>

struct _ScSendResult
{
  GPtrArray *refused;    /* ScRefusedRecipient */
  char      *reply;
  char      *queue_id;
};

G_DEFINE_BOXED_TYPE (ScSendResult, sc_send_result, sc_send_result_ref, sc_send_result_unref)

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* The word after @marker in @reply ("…queued as 4XyZ", "… id=1tAbC-0001-Zz"), or NULL. */
static char *
word_after (const char *reply,
            const char *marker)
{
  g_autofree char *lower = g_ascii_strdown (reply, -1);
  const char *found = strstr (lower, marker);
  const char *start;
  gsize len;

  if (found == NULL)
    return NULL;

  /* "id=" must start a word: not "uid=" */
  if (found > lower && g_ascii_isalnum (found[-1]))
    return NULL;

  start = reply + (found - lower) + strlen (marker);
  len = strcspn (start, " \t;,()<>[]\"");
  while (len > 0 && start[len - 1] == '.')
    len--;

  return len > 0 ? g_strndup (start, len) : NULL;
}

static void
sc_send_result_free (ScSendResult *self)
{
  g_clear_pointer (&self->refused, g_ptr_array_unref);
  g_clear_pointer (&self->reply, g_free);
  g_clear_pointer (&self->queue_id, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * sc_refused_recipient_free:
 * @recipient: (transfer full) (nullable): a #ScRefusedRecipient
 */
void
sc_refused_recipient_free (ScRefusedRecipient *recipient)
{
  if (recipient == NULL)
    return;

  g_free (recipient->address);
  g_free (recipient->reply);
  g_free (recipient);
}

/* @reply is the final reply, on one line; takes @refused (ScRefusedRecipient). */
ScSendResult *
_sc_send_result_new (const char *reply,
                     GPtrArray  *refused)
{
  ScSendResult *self;

  g_return_val_if_fail (reply != NULL, NULL);
  g_return_val_if_fail (refused != NULL, NULL);

  self = g_atomic_rc_box_new0 (ScSendResult);
  self->reply = g_strdup (reply);
  self->refused = refused;
  self->queue_id = word_after (reply, "queued as ");
  if (self->queue_id == NULL)
    self->queue_id = word_after (reply, "id=");

  return self;
}

/**
 * sc_send_result_ref:
 * @self: a #ScSendResult
 *
 * Returns: (transfer full): @self
 */
ScSendResult *
sc_send_result_ref (ScSendResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

/**
 * sc_send_result_unref:
 * @self: (transfer full): a #ScSendResult
 */
void
sc_send_result_unref (ScSendResult *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) sc_send_result_free);
}

/**
 * sc_send_result_get_refused:
 * @self: a #ScSendResult
 *
 * The recipients the server refused although it took the message for the others.
 *
 * Returns: (transfer none) (element-type ScRefusedRecipient): the refused recipients, each with
 *   the server's reply; empty when every recipient was accepted
 */
GPtrArray *
sc_send_result_get_refused (ScSendResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->refused;
}

/**
 * sc_send_result_get_reply:
 * @self: a #ScSendResult
 *
 * Returns: the server's reply to the end of the message, on one line, e.g.
 *   "250 2.0.0 Ok: queued as 4XyZ"
 */
const char *
sc_send_result_get_reply (ScSendResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->reply;
}

/**
 * sc_send_result_get_queue_id:
 * @self: a #ScSendResult
 *
 * Returns: (nullable): the server's id for the message, from its reply ("queued as 4XyZ" for
 *   Postfix, "id=1tAbC-0001-Zz" for Exim), or %NULL when the reply names none
 */
const char *
sc_send_result_get_queue_id (ScSendResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->queue_id;
}

/* sc-smtp-session.c — to be written */

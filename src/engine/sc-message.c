/* sc-message.c — to be written */

/* sc-settings.c — to be written */

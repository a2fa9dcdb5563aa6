/* sc-tls-stream.c — to be written */

#!/usr/bin/python3
# original-send.py — the original Python program's send, as a peer in the benchmark
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the original main.py did (see its README): read config.json, credentials.json and
# data.json from the settings folder, build the message with the email package (a text part
# and every file of the attachment folder, base64), connect with implicit TLS
# (smtplib.SMTP_SSL), log in and send to every address of "to_addrs", then print
# "Message sent successfully". Standard library only, like the original.
#
# For the benchmark's test server it also honours the "ca_file" key of config.json (the CA to
# trust), which the original did not have; everything else is the original's way.
#
# Usage: original-send.py [SETTINGS_DIR]      (default: ./settings)

import json
import os
import smtplib
import ssl
import sys
from email import encoders
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText


def load(directory, name):
    with open(os.path.join(directory, name), encoding="utf-8") as f:
        return json.load(f)


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "settings"
    config = load(directory, "config.json")
    credentials = load(directory, "credentials.json")
    data = load(directory, "data.json")
    message_data = data["message"]

    msg = MIMEMultipart()
    msg["From"] = credentials["login"]
    msg["To"] = ", ".join(data["to_addrs"])
    msg["Subject"] = message_data["subject"]

    with open(os.path.join(directory, message_data["message_file_path"]),
              encoding="utf-8") as f:
        msg.attach(MIMEText(f.read(), "plain", "utf-8"))

    folder = os.path.join(directory, message_data["attachment_folder_path"])
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        part = MIMEBase("application", "octet-stream")
        with open(path, "rb") as f:
            part.set_payload(f.read())
        encoders.encode_base64(part)
        part.add_header("Content-Disposition", "attachment", filename=name)
        msg.attach(part)

    context = ssl.create_default_context(cafile=config.get("ca_file"))
    with smtplib.SMTP_SSL(config["smtp_host"], config["smtp_port"], context=context) as server:
        server.login(credentials["login"], credentials["password"])
        server.sendmail(credentials["login"], data["to_addrs"], msg.as_string())
    print("Message sent successfully")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# tests/try-local-server.sh — a local SMTP server to try SMTP Client against, by hand.
#
#   bash tests/try-local-server.sh [tls|starttls]
#
# Starts the project's test server (aiosmtpd, 127.0.0.1, a free port) with a test CA made here,
# writes a settings folder that points at it (account sender@example.com, the example body and
# attachments), prints how to send, and shows each message it receives until Ctrl+C.
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${1:-starttls}
case "$mode" in tls|starttls) ;; *) echo "usage: $0 [tls|starttls]" >&2; exit 2;; esac

work=$(mktemp -d /tmp/smtp-client-try.XXXXXX)
password='пароль-Секрет-42'
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

bash "$src/tests/gen-certs.sh" "$work/certs"
mkfifo "$work/ready"
/usr/bin/python3 "$src/tests/smtp-server.py" --mode "$mode" \
    --cert "$work/certs/server.pem" --key "$work/certs/server-key.pem" \
    --maildir "$work/received" --log "$work/server.log" \
    --data-size-limit 1073741824 \
    --login sender@example.com --password "$password" > "$work/ready" &
server_pid=$!
read -r word port < "$work/ready"
[ "$word" = READY ] || { echo "the test server did not start" >&2; exit 1; }

settings="$work/settings"
mkdir -p "$settings"
cp -r "$src/settings/attachments" "$src/settings/example_msg.txt" "$settings/"
cat > "$settings/config.json" <<JSON
{
  "smtp_host": "localhost",
  "smtp_port": $port,
  "security": "$mode",
  "ca_file": "$work/certs/ca.pem"
}
JSON
cat > "$settings/credentials.json" <<JSON
{
  "login": "sender@example.com",
  "password": "$password"
}
JSON
chmod 600 "$settings/credentials.json"
cat > "$settings/data.json" <<JSON
{
  "to_addrs": ["recipient@example.org"],
  "message": {
    "subject": "Проверка SMTP Client",
    "message_file_path": "example_msg.txt",
    "attachment_folder_path": "attachments"
  }
}
JSON

cat <<TXT
A test SMTP server ($mode) listens on 127.0.0.1:$port; account sender@example.com.
Settings for it are in $settings. In another terminal:

  bash .ci/dev.sh app --settings $settings                   # the window
  bash .ci/dev.sh app --send --verbose --settings $settings

Received messages are saved in $work/received. Ctrl+C stops the server and removes $work.
TXT

seen=0
while kill -0 "$server_pid" 2>/dev/null; do
    for f in "$work"/received/*.json; do
        [ -e "$f" ] || continue
        n=$(basename "$f" .json)
        [ "$((10#$n))" -gt "$seen" ] || continue
        seen=$((10#$n))
        echo "received $n.eml: $(cat "$f")"
    done
    sleep 1
done

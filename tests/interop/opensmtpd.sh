#!/usr/bin/env bash
# tests/interop/opensmtpd.sh — send through a real MTA that is not our test server.
#
# Starts OpenSMTPD (Debian's opensmtpd) on 127.0.0.1 with a test CA made here, a test account,
# implicit TLS on one port and STARTTLS on another, and delivery to a maildir. Then sends with
# `smtp-client --send` over both, a Cyrillic subject and three attachments (one of 20 MB), and
# checks every attachment byte of what OpenSMTPD delivered.
#
#   bash tests/interop/opensmtpd.sh BUILD_DIR
#
# Needs root (smtpd drops privileges itself) and: opensmtpd gnutls-bin /usr/bin/python3.
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$src/_build}" && pwd)
client="$build/src/smtp-client"
work=$(mktemp -d /tmp/sc-opensmtpd.XXXXXX)
chmod 755 "$work"
smtpd_pid=
cleanup() {
    [ -n "$smtpd_pid" ] && kill "$smtpd_pid" 2>/dev/null && wait "$smtpd_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

bash "$src/tests/gen-certs.sh" "$work/certs" >/dev/null
chmod 600 "$work/certs/server-key.pem"
tls_port=$(free_port)
starttls_port=$(free_port)
password='пароль-Секрет-42'
hash=$(smtpctl encrypt "$password")
printf 'sender@example.com %s\n' "$hash" > "$work/creds"
chmod 640 "$work/creds"
mkdir -p "$work/Maildir"
chown -R root "$work/Maildir"

cat > "$work/smtpd.conf" <<CONF
pki localhost cert "$work/certs/server.pem"
pki localhost key "$work/certs/server-key.pem"
table creds file:$work/creds
listen on 127.0.0.1 port $tls_port smtps pki localhost hostname localhost auth <creds>
listen on 127.0.0.1 port $starttls_port tls-require pki localhost hostname localhost auth <creds>
action "store" maildir "$work/Maildir" user root
match auth from any for any action "store"
CONF
smtpd -n -f "$work/smtpd.conf"
smtpd -d -f "$work/smtpd.conf" > "$work/smtpd.log" 2>&1 &
smtpd_pid=$!
for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/$tls_port) 2>/dev/null && break
    sleep 0.1
done

send() {
    local mode=$1 port=$2 dir="$work/settings-$1"
    mkdir -p "$dir/attachments"
    printf '{ "smtp_host": "localhost", "smtp_port": %s, "security": "%s", "ca_file": "%s" }\n' \
        "$port" "$mode" "$work/certs/ca.pem" > "$dir/config.json"
    printf '{ "login": "sender@example.com", "password": "%s" }\n' "$password" > "$dir/credentials.json"
    cat > "$dir/data.json" <<JSON
{ "to_addrs": ["first@example.com", "second@example.org"],
  "message": { "subject": "Проверка через OpenSMTPD ($mode)",
               "message_file_path": "body.txt", "attachment_folder_path": "attachments" } }
JSON
    printf 'Привет из SMTP Client через %s.\n.a line that starts with a dot\n' "$mode" > "$dir/body.txt"
    head -c 20971520 /dev/urandom > "$dir/attachments/big.bin"
    printf 'Отчёт\n' > "$dir/attachments/Отчёт за март (финал).pdf"
    printf 'small\n' > "$dir/attachments/notes.txt"
    "$client" --send --settings "$dir"
}

check() {
    local mode=$1 dir="$work/settings-$1"
    local eml
    for _ in $(seq 100); do
        eml=$(grep -l "Subject:.*" -r "$work/Maildir/new" 2>/dev/null | while read -r f; do
            /usr/bin/python3 - "$f" "$mode" <<'PY' && echo "$f"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
sys.exit(0 if m["subject"] == "Проверка через OpenSMTPD (%s)" % sys.argv[2] else 1)
PY
        done | head -n1)
        [ -n "$eml" ] && break
        sleep 0.1
    done
    [ -n "$eml" ] || { echo "FAIL: OpenSMTPD delivered nothing for $mode"; cat "$work/smtpd.log"; exit 1; }
    /usr/bin/python3 - "$eml" "$dir" <<'PY'
import email, email.policy, os, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
folder = os.path.join(sys.argv[2], "attachments")
got = {p.get_filename(): p.get_payload(decode=True) for p in m.iter_attachments()}
want = {n: open(os.path.join(folder, n), "rb").read() for n in os.listdir(folder)}
assert got == want, (sorted(got), sorted(want))
body = m.get_body(("plain",)).get_content()
assert "Привет из SMTP Client" in body and "\n.a line that starts with a dot" in body, body
print("ok: %s: %d attachments intact, %d bytes" % (m["subject"], len(got), sum(map(len, got.values()))))
PY
}

send tls "$tls_port"
check tls
send starttls "$starttls_port"
check starttls
echo "2 passed, 0 failed"

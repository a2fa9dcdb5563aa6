#!/usr/bin/env bash
# tests/interop/exim.sh — send through a real MTA (Exim 4) that is not our own test server.
#
# Starts Debian's Exim 4 in the foreground with its own configuration, on 127.0.0.1 only, free
# ports: implicit TLS (tls_on_connect_ports) on one port and STARTTLS on another, a certificate
# from tests/gen-certs.sh, one account (sender@example.com, a non-ASCII password) checked by the
# `plaintext` authenticators PLAIN and LOGIN (offered only over TLS), and a catch-all router that
# delivers every recipient into one local maildir, so nothing is ever relayed. Then it sends with
# `smtp-client --send` over both ports a Cyrillic subject, a body with a line starting with ".",
# and three attachments (20 MB random, "Отчёт за март (финал).pdf", notes.txt), and compares
# what Exim delivered byte for byte, parsed with Python's email package (policy=default). A third
# port offers only AUTH LOGIN: the same message goes through it without the 20 MB attachment
# (that send checks the mechanism; the large upload is checked twice already). A fourth send has
# a Cyrillic display name, an IDN domain, Cc, Bcc and a hand-added file (attachment_paths): each
# delivered copy has the name RFC 2047-encoded, the domain in punycode, no trace of the Bcc
# recipient in its headers, and the attachments intact. One negative check: a wrong password
# makes smtp-client exit with 4.
#
#   bash tests/interop/exim.sh BUILD_DIR        (as any user; KEEP=1 keeps the work folder)
#
# Exim is not installed: tests/interop/fetch-exim.sh unpacks Debian's exim4-daemon-light into
# BUILD_DIR/exim (downloaded once, then reused offline), a copy that is not setuid. Nothing on
# the machine changes, and an installed Postfix or Exim is left alone.
#
# How an unprivileged exim runs: exim trusts -C and lets a caller start the daemon (-bd) when the
# caller is the exim user. So the exim user here is whoever runs exim: the invoking user, or
# `nobody` when that is root (Debian's exim never delivers as root, FIXED_NEVER_USERS=root, and
# nothing here needs root's powers). Debian's binary looks its compiled-in exim user
# "Debian-exim" up by name before it reads any configuration, and that user exists only where the
# exim4-base package is installed; nss_wrapper (libnss-wrapper, a test library of the cwrap
# project) answers that look-up from a private passwd file that maps "Debian-exim" to the user
# exim runs as. Exim keeps LD_PRELOAD and NSS_WRAPPER_* (keep_environment) for the copies of
# itself it starts to deliver.
#
# Needs gnutls-bin, libnss-wrapper, python3 and, once, apt-get download (.ci/dev.sh installs and
# fetches all of them); exits with 77 (skipped) without them.
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$src/_build}" && pwd) || exit 2
client="$build/src/smtp-client"
python=/usr/bin/python3

missing=
command -v certtool >/dev/null || missing="$missing gnutls-bin"
[ -x "$python" ] || missing="$missing python3"
nss_wrapper=
for f in /usr/lib/*/libnss_wrapper.so /usr/lib*/libnss_wrapper.so; do
    [ -e "$f" ] && { nss_wrapper=$f; break; }
done
[ -n "$nss_wrapper" ] || missing="$missing libnss-wrapper"
if [ -n "$missing" ]; then
    echo "SKIP: needs the packages:$missing (apt-get install$missing)"
    exit 77
fi
if ! exim=$(bash "$src/tests/interop/fetch-exim.sh" "$build/exim"); then
    echo "SKIP: no exim binary in $build/exim and apt-get download could not fetch one" \
         "(bash .ci/dev.sh test fetches it)"
    exit 77
fi
if ldd "$exim" | grep -q 'not found'; then
    echo "SKIP: $exim needs libraries that are not installed (bash .ci/dev.sh test installs them):"
    ldd "$exim" | grep 'not found'
    exit 77
fi
if [ ! -x "$client" ]; then
    echo "FAIL: $client not built (ninja -C $build src/smtp-client)"
    exit 1
fi

# Who exim runs as (see above), and how to start it as that user.
if [ "$(id -u)" = 0 ]; then
    if ! exim_uid=$(id -u nobody) || ! exim_gid=$(id -g nobody); then
        echo "FAIL: running as root, but there is no user nobody to run exim as"; exit 1
    fi
    as_exim=(setpriv --reuid="$exim_uid" --regid="$exim_gid" --clear-groups)
else
    exim_uid=$(id -u)
    exim_gid=$(id -g)
    as_exim=()
fi

# Run as root, exim runs as nobody: what it reads (its copy, its configuration, the certificate)
# must be readable by others whatever the caller's umask. The key is made private below.
umask 022
work=$(mktemp -d /tmp/sc-exim.XXXXXX)
chmod 755 "$work"
# Exim runs (and re-executes itself) from here, not from the build folder, which `nobody` may not
# be allowed to enter (a checkout in /root, say).
cp "$exim" "$work/exim4"
exim="$work/exim4"
exim_pid=
passed=0
failed=0

stop_exim() {
    [ -n "$exim_pid" ] || return 0
    kill "$exim_pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$exim_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$exim_pid" 2>/dev/null || true
    wait "$exim_pid" 2>/dev/null || true
    exim_pid=
}
# shellcheck disable=SC2317  # called through the trap
cleanup() {
    stop_exim
    if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
show_logs() {
    echo "--- exim mainlog/rejectlog/paniclog, daemon output:"
    cat "$work"/log/* "$work/exim.out" 2>/dev/null | tail -n 40
    echo "---"
}

free_port() {
    "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
now() { date +%s.%N; }
elapsed() { "$python" -c 'import sys; print("%.1f s" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$(now)"; }

# The CA, the server certificate, and a key that the exim user (not others) can read.
if ! SC_CERT_KEY_TYPE=rsa bash "$src/tests/gen-certs.sh" "$work/certs" >/dev/null; then
    fail "gen-certs.sh"; finish
fi
mkdir "$work/spool" "$work/log" "$work/Maildir"
if [ "$(id -u)" = 0 ]; then
    chown "$exim_uid:$exim_gid" "$work/certs/server-key.pem" "$work/spool" "$work/log" \
        "$work/Maildir"
fi
chmod 600 "$work/certs/server-key.pem"

# The passwd and group files that nss_wrapper shows exim: root, the exim user, and
# "Debian-exim" as another name of the exim user.
{
    getent passwd 0
    [ "$exim_uid" = 0 ] || getent passwd "$exim_uid" ||
        echo "sc-exim-user:x:$exim_uid:$exim_gid::/nonexistent:/bin/false"
    echo "Debian-exim:x:$exim_uid:$exim_gid::/nonexistent:/bin/false"
} > "$work/passwd"
{
    getent group 0
    [ "$exim_gid" = 0 ] || getent group "$exim_gid" || echo "sc-exim-group:x:$exim_gid:"
    echo "Debian-exim:x:$exim_gid:"
} > "$work/group"
# A command, not a function: started with &, a function would run in a subshell, and $! would
# be that subshell, not exim. env and setpriv exec, so $! is exim's pid.
run_exim=(env LD_PRELOAD="$nss_wrapper" NSS_WRAPPER_PASSWD="$work/passwd"
          NSS_WRAPPER_GROUP="$work/group" "${as_exim[@]}" "$exim" -C "$work/exim.conf")

login='sender@example.com'
password='пароль-Секрет-42'

# Free ports are picked here and bound by exim a moment later; another test running in parallel
# may take one in between. Then exim exits at once (daemon_startup_retries = 0), and this tries
# again with other ports.
for attempt in 1 2 3; do
    tls_port=$(free_port)
    starttls_port=$(free_port)
    while [ "$starttls_port" = "$tls_port" ]; do starttls_port=$(free_port); done
    login_port=$(free_port)
    while [ "$login_port" = "$tls_port" ] || [ "$login_port" = "$starttls_port" ]; do
        login_port=$(free_port)
    done

    # $auth1..3 are the decoded PLAIN fields (authzid, authcid, password) or the LOGIN answers.
    # Exim compares bytes, so the UTF-8 password needs nothing special.
    cat > "$work/exim.conf" <<CONF
primary_hostname = localhost
qualify_domain = localhost
spool_directory = $work/spool
log_file_path = $work/log/%slog
pid_file_path = $work/spool/exim.pid
exim_path = $exim
keep_environment = LD_PRELOAD : NSS_WRAPPER_PASSWD : NSS_WRAPPER_GROUP
exim_user = $exim_uid
exim_group = $exim_gid
never_users =
deliver_drop_privilege = true
local_interfaces = <; 127.0.0.1.$tls_port ; 127.0.0.1.$starttls_port ; 127.0.0.1.$login_port
tls_on_connect_ports = $tls_port
tls_advertise_hosts = *
tls_certificate = $work/certs/server.pem
tls_privatekey = $work/certs/server-key.pem
host_lookup =
rfc1413_hosts =
message_size_limit = 100M
queue_only = false
# A port taken meanwhile: fail at once (the default retries 9 times, 30 s apart); we retry.
daemon_startup_retries = 0
log_selector = +smtp_protocol_error +smtp_syntax_error +tls_cipher +received_recipients
acl_smtp_mail = acl_mail
acl_smtp_rcpt = acl_rcpt

begin acl
acl_mail:
  deny    message = authentication required
          !authenticated = *
  accept
acl_rcpt:
  accept  authenticated = *
  deny    message = relay not permitted

begin routers
everyone:
  driver = accept
  transport = maildir

begin transports
maildir:
  driver = appendfile
  directory = $work/Maildir
  maildir_format
  envelope_to_add
  return_path_add
  user = $exim_uid
  group = $exim_gid
  mode = 0644

begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_advertise_condition = \${if and {{def:tls_in_cipher}{!eq{\$received_port}{$login_port}}}}
  server_condition = \${if and {{eq{\$auth2}{$login}}{eq{\$auth3}{$password}}}}
  server_set_id = \$auth2
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_advertise_condition = \${if def:tls_in_cipher}
  server_condition = \${if and {{eq{\$auth1}{$login}}{eq{\$auth2}{$password}}}}
  server_set_id = \$auth1
CONF
    chmod 644 "$work/exim.conf"
    if ! "${run_exim[@]}" -bV >"$work/exim-bV.out" 2>&1; then
        fail "exim rejects its configuration"; cat "$work/exim-bV.out"; finish
    fi

    "${run_exim[@]}" -bdf >"$work/exim.out" 2>&1 &
    exim_pid=$!
    # Exim logs "daemon started" once it listens on every port; no probe connections needed.
    up=
    for _ in $(seq 100); do
        grep -q 'daemon started' "$work/log/mainlog" 2>/dev/null && { up=1; break; }
        kill -0 "$exim_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -z "$up" ] || break
    stop_exim
    grep -q 'Address already in use' "$work/log/paniclog" 2>/dev/null || break
    echo "# a port was taken before exim bound it (attempt $attempt); again with others"
    rm -f "$work"/log/*
done
if [ -z "$up" ]; then
    fail "exim did not start listening on 127.0.0.1:$tls_port, :$starttls_port and :$login_port"
    show_logs; finish
fi
echo "$(sed -n 's/.* \(exim [0-9.]* daemon started\): pid=\([0-9]*\).*/\1, pid \2/p' \
        "$work/log/mainlog"): implicit TLS on 127.0.0.1:$tls_port," \
     "STARTTLS on :$starttls_port, STARTTLS offering only AUTH LOGIN on :$login_port"

# One 20 MB attachment, linked into each settings folder (random bytes take time to make).
head -c 20971520 /dev/urandom > "$work/big.bin"

# make_settings NAME SECURITY PORT PASSWORD SUBJECT [small]: a settings folder with the three
# attachments, or without big.bin if "small".
make_settings() {
    local dir="$work/settings-$1"
    mkdir -p "$dir/attachments"
    printf '{ "smtp_host": "localhost", "smtp_port": %s, "security": "%s", "ca_file": "%s" }\n' \
        "$3" "$2" "$work/certs/ca.pem" > "$dir/config.json"
    printf '{ "login": "%s", "password": "%s" }\n' "$login" "$4" > "$dir/credentials.json"
    cat > "$dir/data.json" <<JSON
{ "to_addrs": ["first@example.com", "second@example.org"],
  "message": { "subject": "$5",
               "message_file_path": "body.txt", "attachment_folder_path": "attachments" } }
JSON
    printf 'Привет из SMTP Client через %s.\n.a line that starts with a dot\n..two dots\n.\nend\n' \
        "$2" > "$dir/body.txt"
    [ "${6:-}" = small ] || ln "$work/big.bin" "$dir/attachments/big.bin"
    printf '%%PDF-1.4\nОтчёт\n' > "$dir/attachments/Отчёт за март (финал).pdf"
    printf 'small\r\nnotes\n' > "$dir/attachments/notes.txt"
}

# Finds the delivered copies of the message with SUBJECT, one per recipient, and compares them
# with the settings folder DIR.
cat > "$work/check.py" <<'PY'
import email, email.parser, email.policy, os, sys, time

maildir, subject, folder = sys.argv[1], sys.argv[2], sys.argv[3]
want_rcpts = {"first@example.com", "second@example.org"}

heads = {}   # file name -> subject; files in new/ are complete and never change


def subject_of(path):
    # Only the header block: the messages are 28 MB each, and this runs in a polling loop.
    data = b""
    with open(path, "rb") as f:
        while b"\n\n" not in data:
            chunk = f.read(65536)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\n\n", 1)[0] + b"\n\n"
    return email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(head)["subject"]


def matching():
    new = os.path.join(maildir, "new")
    for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
        if name not in heads:
            heads[name] = subject_of(os.path.join(new, name))
    return [os.path.join(new, n) for n in sorted(heads) if heads[n] == subject]


deadline = time.monotonic() + 60
while True:
    paths = matching()
    if len(paths) >= len(want_rcpts) or time.monotonic() > deadline:
        break
    time.sleep(0.1)
# Each copy is the same message under its own envelope headers: check every copy's headers,
# that the copies' bodies are the same bytes, and then the first copy part by part (parsing a
# 28 MB message takes a second or more).
copies = []
for path in paths:
    with open(path, "rb") as f:
        copies.append(f.read().split(b"\n\n", 1))
parser = email.parser.BytesHeaderParser(policy=email.policy.default)
rcpts = {str(parser.parsebytes(head + b"\n\n")["envelope-to"]) for head, _ in copies}
if rcpts != want_rcpts:
    sys.exit("delivered to %s, expected %s" % (sorted(rcpts), sorted(want_rcpts)))
if any(len(c) != 2 or c[1] != copies[0][1] for c in copies):
    sys.exit("the copies for %s differ below their headers" % ", ".join(sorted(rcpts)))
msgs = [email.message_from_bytes(b"\n\n".join(copies[0]), policy=email.policy.default)]

att = os.path.join(folder, "attachments")
want = {n: open(os.path.join(att, n), "rb").read() for n in os.listdir(att)}
with open(os.path.join(folder, "body.txt"), encoding="utf-8") as f:
    want_body = f.read()
for m in msgs:
    got = {p.get_filename(): p.get_payload(decode=True) for p in m.iter_attachments()}
    if sorted(got) != sorted(want):
        sys.exit("attachment names %r, expected %r" % (sorted(got), sorted(want)))
    for n in want:
        if got[n] != want[n]:
            sys.exit("attachment %r differs: %d bytes, expected %d" % (n, len(got[n]), len(want[n])))
    body = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
    if body.rstrip("\n") != want_body.rstrip("\n"):
        sys.exit("body differs: %r, expected %r" % (body, want_body))
print("%d copies (%s), subject %r, body with dot lines and %d attachments intact (%d bytes: %s)"
      % (len(copies), ", ".join(sorted(rcpts)), subject, len(want), sum(map(len, want.values())),
         ", ".join(sorted(want))))
PY

# send_and_check NAME SECURITY PORT [WHAT [small]]
send_and_check() {
    local name=$1 security=$2 port=$3 what="$2${4:+, $4}" dir="$work/settings-$1" t0 rc
    local subject="Проверка через Exim ($what): «кириллица» и длинная тема, чтобы её пришлось переносить"
    make_settings "$name" "$security" "$port" "$password" "$subject" "${5:-}"
    t0=$(now)
    timeout 180 "$client" --send --verbose --settings "$dir" >"$work/$name.out" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
        pass "$what send to exim exits 0 ($(elapsed "$t0"))"
    else
        fail "$what send to exim exits $rc"; tail -n 30 "$work/$name.out"; show_logs
        return
    fi
    if grep -q -F -e "$password" "$work/$name.out" ||
       grep -q -F -e "$(printf '\0%s\0%s' "$login" "$password" | base64 -w0)" "$work/$name.out" ||
       grep -q -F -e "$(printf '%s' "$password" | base64 -w0)" "$work/$name.out"; then
        fail "$what --verbose transcript shows the password"
    else
        pass "$what --verbose transcript does not show the password"
    fi
    if [ -n "${4:-}" ]; then
        if grep -q "^C: $4" "$work/$name.out"; then
            pass "$what: the client used $4"
        else
            fail "$what: the client did not use $4"; cat "$work/$name.out"
        fi
    fi
    t0=$(now)
    if out=$("$python" "$work/check.py" "$work/Maildir" "$subject" "$dir" 2>&1); then
        pass "$what delivery: $out ($(elapsed "$t0"))"
    else
        fail "$what delivery: $out"; show_logs
    fi
}

send_and_check tls tls "$tls_port"
send_and_check starttls starttls "$starttls_port"
send_and_check login starttls "$login_port" "AUTH LOGIN" small

# Names, Cc, Bcc, an IDN domain and a hand-added file, headless: To has a Cyrillic display name
# (RFC 2047 in the header) and a recipient at пример.рф (punycode on the wire and in the
# header), Cc one more, Bcc one that gets its copy but appears in no copy's headers, and
# message.attachment_paths a file outside the settings folder next to the folder's file. Exim's
# catch-all router delivers every domain into the maildir, so each copy can be checked.
dir="$work/settings-names"
names_subject="Имена, копии и скрытая копия через Exim"
mkdir -p "$dir/attachments" "$work/hand-added"
printf '{ "smtp_host": "localhost", "smtp_port": %s, "security": "starttls", "ca_file": "%s" }\n' \
    "$starttls_port" "$work/certs/ca.pem" > "$dir/config.json"
printf '{ "login": "%s", "password": "%s" }\n' "$login" "$password" > "$dir/credentials.json"
cat > "$dir/data.json" <<JSON
{ "to_addrs": ["Мария Иванова <maria@example.test>", "ivan@пример.рф"],
  "cc_addrs": ["Пётр Петров <petr@example.org>"],
  "bcc_addrs": ["hidden@example.net"],
  "message": { "subject": "$names_subject",
               "message_file_path": "body.txt", "attachment_folder_path": "attachments",
               "attachment_paths": ["$work/hand-added/Договор №7.bin"] } }
JSON
printf 'Текст письма.\n' > "$dir/body.txt"
printf 'folder file\n' > "$dir/attachments/notes.txt"
head -c 70000 /dev/urandom > "$work/hand-added/Договор №7.bin"
timeout 60 "$client" --send --settings "$dir" >"$work/names.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
    pass "names, Cc, Bcc, IDN and a hand-added file: --send exits 0"
else
    fail "names, Cc, Bcc, IDN and a hand-added file: --send exits $rc"; cat "$work/names.out"
    show_logs
fi
cat > "$work/check-names.py" <<'PY'
import email, email.header, email.parser, email.policy, os, sys, time

maildir, subject, want_files = sys.argv[1], sys.argv[2], sys.argv[3:]
want_rcpts = {"maria@example.test", "ivan@xn--e1afmkfd.xn--p1ai", "petr@example.org",
              "hidden@example.net"}
# Headers Exim adds on delivery (Envelope-to names the copy's own recipient): not the message.
added = {"return-path", "envelope-to", "delivery-date", "received"}
new = os.path.join(maildir, "new")


def copies():
    found = []
    for name in sorted(os.listdir(new)):
        with open(os.path.join(new, name), "rb") as f:
            raw = f.read()
        m = email.message_from_bytes(raw, policy=email.policy.default)
        if m["subject"] == subject:
            found.append((raw, m))
    return found


deadline = time.monotonic() + 30
while len(copies()) < len(want_rcpts) and time.monotonic() < deadline:
    time.sleep(0.1)
found = copies()
rcpts = {str(m["envelope-to"]) for _, m in found}
if rcpts != want_rcpts or len(found) != len(want_rcpts):
    sys.exit("%d copies to %s, expected one each to %s" % (len(found), sorted(rcpts),
                                                          sorted(want_rcpts)))
want = {os.path.basename(p): open(p, "rb").read() for p in want_files}
for raw, m in found:
    who = m["envelope-to"]
    head = raw.split(b"\n\n", 1)[0]
    sent = [(k, v) for k, v in email.message_from_bytes(head + b"\n\n",
                                                      policy=email.policy.compat32).items()
            if k.lower() not in added]
    for k, v in sent:
        if not v.isascii():
            sys.exit("%s: header %s is not ASCII (no RFC 2047): %r" % (who, k, v))
        if k.lower() == "bcc" or "hidden@" in v:
            sys.exit("%s: the Bcc recipient shows in the headers: %s: %s" % (who, k, v))
    to = [(a.display_name, a.addr_spec) for a in m["to"].addresses]
    if to != [("Мария Иванова", "maria@example.test"), ("", "ivan@xn--e1afmkfd.xn--p1ai")]:
        sys.exit("%s: To is %r" % (who, to))
    if "=?" not in dict((k.lower(), v) for k, v in sent)["to"]:
        sys.exit("%s: the name in To is not RFC 2047-encoded" % who)
    cc = [(a.display_name, a.addr_spec) for a in m["cc"].addresses]
    if cc != [("Пётр Петров", "petr@example.org")]:
        sys.exit("%s: Cc is %r" % (who, cc))
    got = {p.get_filename(): p.get_payload(decode=True) for p in m.iter_attachments()}
    if got != want:
        sys.exit("%s: attachments %s, expected %s intact" % (
            who, {n: len(b) for n, b in got.items()}, {n: len(b) for n, b in want.items()}))
print("%d copies (%s): To with the name decoded and the punycode domain, Cc, no Bcc in any "
      "copy's headers, %d attachments intact (%s)" % (
          len(found), ", ".join(sorted(rcpts)), len(want), ", ".join(sorted(want))))
PY
if out=$("$python" "$work/check-names.py" "$work/Maildir" "$names_subject" \
         "$dir/attachments/notes.txt" "$work/hand-added/Договор №7.bin" 2>&1); then
    pass "names, Cc, Bcc, IDN and a hand-added file: $out"
else
    fail "names, Cc, Bcc, IDN and a hand-added file: $out"; show_logs
fi

# A wrong password: exit code 4 (authentication refused), and nothing delivered.
dir="$work/settings-wrong"
make_settings wrong starttls "$starttls_port" 'пароль-Секрет-43' "Не должно дойти" small
timeout 60 "$client" --send --settings "$dir" >"$work/wrong.out" 2>&1
rc=$?
if [ "$rc" -eq 4 ]; then
    pass "wrong password: exit 4: $(head -n 1 "$work/wrong.out")"
else
    fail "wrong password: exit $rc, expected 4"; cat "$work/wrong.out"; show_logs
fi
delivered=$(find "$work/Maildir" -type f -path '*/new/*' | wc -l)
if grep -q 'authenticator failed' "$work/log/mainlog" 2>/dev/null && [ "$delivered" -eq 10 ]; then
    pass "wrong password: exim logged the failed login and delivered nothing"
else
    fail "wrong password: no 'authenticator failed' in exim's log, or $delivered messages delivered, not 10"
    show_logs
fi

stop_exim
if [ -s "$work/log/paniclog" ]; then
    fail "exim paniclog is not empty"; cat "$work/log/paniclog"
fi
finish

#!/usr/bin/env bash
# tests/keyring-session.sh — runs a command beside a private, unlocked GNOME keyring
#
#   bash tests/keyring-session.sh COMMAND [ARGUMENT…]
#
# The command runs on a D-Bus session bus of its own (dbus-run-session) on which a
# gnome-keyring-daemon of its own, unlocked with a test password, is the secret service. Its
# HOME, XDG_DATA_HOME (where the keyring file is written), XDG_CONFIG_HOME, XDG_CACHE_HOME and
# XDG_RUNTIME_DIR are in a temporary folder, so the user's real keyring is never touched, and
# the bus activates nothing (no service folder but an empty one of its own). The daemon is
# stopped and the folder removed when the command ends; its exit status is the script's.
#
# The command finds in its environment:
#   SC_TEST_KEYRING_PASSWORD   the keyring's password (to unlock it again after a lock)
#   SC_TEST_BUS_WITHOUT_KEYRING the address of a second private bus with no secret service
#                              (for "no keyring here": a session with no secret service)
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGUMENT…]" >&2
    exit 2
fi

# ---- Outside the bus: a temporary home, then the same script again under dbus-run-session.
if [ -z "${SC_KEYRING_SESSION_BUS_CONFIG:-}" ]; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/sc-keyring-XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime" \
             "$tmp/services"
    chmod 700 "$tmp/runtime"
    # A session bus that activates nothing: only our own (empty) service folder.
    cat >"$tmp/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$tmp/runtime</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
    status=0
    env HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
        XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime" \
        SC_KEYRING_SESSION_BUS_CONFIG="$tmp/bus.conf" \
        dbus-run-session --config-file="$tmp/bus.conf" -- bash "$0" "$@" || status=$?
    exit "$status"
fi

# ---- On the private bus.
export SC_TEST_KEYRING_PASSWORD=sc-test-keyring-password

# The second bus, with no secret service and nothing to activate.
exec 3< <(exec dbus-daemon --config-file="$SC_KEYRING_SESSION_BUS_CONFIG" --nofork \
              --print-address=1 --print-pid=1)
read -r SC_TEST_BUS_WITHOUT_KEYRING <&3
read -r empty_bus_pid <&3
export SC_TEST_BUS_WITHOUT_KEYRING

# The keyring daemon, in the foreground of a background job: --unlock reads the password on
# stdin and creates the "login" keyring with it (the default collection) on first use. Not
# with the tests' G_DEBUG=fatal-warnings: its own warnings are not ours.
# (printf: the password without a line break.)
printf '%s' "$SC_TEST_KEYRING_PASSWORD" \
    | env -u G_DEBUG gnome-keyring-daemon --foreground --unlock --components=secrets \
    >/dev/null &
keyring_pid=$!

stop() {
    kill "$keyring_pid" "$empty_bus_pid" 2>/dev/null || true
    wait "$keyring_pid" 2>/dev/null || true
}
trap stop EXIT

# Wait until it owns the secret service's name (at most 20 s).
for _ in $(seq 200); do
    if gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
           --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null \
           | grep -q true; then
        break
    fi
    if ! kill -0 "$keyring_pid" 2>/dev/null; then
        echo "keyring-session.sh: gnome-keyring-daemon did not start" >&2
        exit 1
    fi
    sleep 0.1
done

status=0
"$@" || status=$?
exit "$status"

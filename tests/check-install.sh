#!/bin/sh
# check-install.sh — `meson install` into a fresh, temporary DESTDIR gives a launchable app
#
# Usage: check-install.sh BUILD-DIR
# Installs the build (without rebuilding) under a temporary folder, checks that both programs
# (bin/smtp-client, the command line, and the window's LIBEXECDIR/smtp-client-window), the
# desktop file, the metainfo, the icons and the Russian translation are there, that the
# installed desktop file and metainfo validate and the desktop file starts the installed
# window's program, that the window's program carries its GResource (the window's .ui files),
# that bin/smtp-client links no GTK, runs and finds its translation, and that it starts the
# installed window's program. Removes the folder however it ends.
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

build=${1:?usage: check-install.sh BUILD-DIR}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null

option() {
    meson introspect "$build" --buildoptions | /usr/bin/python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
prefix=$(option prefix)
root=$dest$prefix
# Relative to the prefix unless given as an absolute path (meson's rule).
libexecdir=$(option libexecdir)
case $libexecdir in /*) ;; *) libexecdir=$prefix/$libexecdir ;; esac
window=$libexecdir/smtp-client-window
app_id=io.github.smtpclient.SmtpClient
status=0

expect() {
    if [ -e "$root/$1" ]; then
        echo "ok: $1"
    else
        echo "missing: $1"
        status=1
    fi
}

expect bin/smtp-client
if [ -x "$dest$window" ]; then
    echo "ok: $window"
else
    echo "missing: $window"
    status=1
fi
expect share/applications/$app_id.desktop
expect share/metainfo/$app_id.metainfo.xml
expect share/icons/hicolor/scalable/apps/$app_id.svg
expect share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg
expect share/locale/ru/LC_MESSAGES/smtp-client.mo

desktop-file-validate "$root/share/applications/$app_id.desktop" || status=1
appstreamcli validate --no-net --strict "$root/share/metainfo/$app_id.metainfo.xml" >/dev/null \
    || { echo "the installed metainfo does not validate"; status=1; }

# The desktop file starts the window's program itself.
if grep -qx "Exec=$window" "$root/share/applications/$app_id.desktop"; then
    echo "ok: the desktop file starts $window"
else
    echo "the desktop file does not start $window"
    status=1
fi

# The window's templates are compiled into its program.
if gresource list "$dest$window" | grep -q '/sc-window.ui$'; then
    echo "ok: GResource with sc-window.ui"
else
    echo "missing: the GResource in $window"
    status=1
fi

# The command line links no GTK: a headless send never loads it.
if ldd "$root/bin/smtp-client" | grep -e libgtk -e libadwaita -e libgdk -e libpango -e libcairo; then
    echo "bin/smtp-client links the libraries above"
    status=1
else
    echo "ok: bin/smtp-client links no GTK"
fi

# It runs, with the installed translation (the binary looks under the real prefix, not the
# DESTDIR: SC_LOCALEDIR points it there).
if SC_LOCALEDIR="$root/share/locale" LANGUAGE=ru LC_ALL=C.UTF-8 "$root/bin/smtp-client" --help \
       2>&1 | grep -q 'ПАПКА'; then
    echo "ok: runs, in Russian"
else
    echo "the installed smtp-client does not run with its translation"
    status=1
fi

# Without a headless option, the installed smtp-client becomes the installed window's program
# (it looks in LIBEXECDIR under its own root, here the DESTDIR), which, with no display to
# open, stops in GTK's start-up; smtp-client alone would say "this build has no window". No
# D-Bus session: the window's program would register there.
out=$(env -u DISPLAY -u WAYLAND_DISPLAY -u GDK_BACKEND -u G_DEBUG \
          DBUS_SESSION_BUS_ADDRESS="unix:path=$dest/no-bus" "$root/bin/smtp-client" 2>&1) || true
if printf '%s\n' "$out" | grep -q 'cannot open display'; then
    echo "ok: bin/smtp-client starts $window"
else
    echo "bin/smtp-client does not start $window: $out"
    status=1
fi

exit $status

#!/bin/sh
# check-install.sh — `meson install` into a fresh, temporary DESTDIR gives a launchable app
#
# Usage: check-install.sh BUILD-DIR
# Installs the build (without rebuilding) under a temporary folder, checks that the binary,
# the desktop file, the metainfo, the icons and the Russian translation are there, that the
# installed desktop file and metainfo validate, that the binary carries its GResource (the
# window's .ui files), and that the installed binary runs and finds its translation. Removes
# the folder however it ends.
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

build=${1:?usage: check-install.sh BUILD-DIR}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null

prefix=$(meson introspect "$build" --buildoptions \
         | /usr/bin/python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
root=$dest$prefix
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
expect share/applications/$app_id.desktop
expect share/metainfo/$app_id.metainfo.xml
expect share/icons/hicolor/scalable/apps/$app_id.svg
expect share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg
expect share/locale/ru/LC_MESSAGES/smtp-client.mo

desktop-file-validate "$root/share/applications/$app_id.desktop" || status=1
appstreamcli validate --no-net --strict "$root/share/metainfo/$app_id.metainfo.xml" >/dev/null \
    || { echo "the installed metainfo does not validate"; status=1; }

# The window's templates are compiled into the binary.
if gresource list "$root/bin/smtp-client" | grep -q '/sc-window.ui$'; then
    echo "ok: GResource with sc-window.ui"
else
    echo "missing: the GResource in bin/smtp-client"
    status=1
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

exit $status

#!/usr/bin/env bash
# .ci/dev.sh — the two set-up commands of the README.
#
#   bash .ci/dev.sh app    install what is missing (apt), build, launch the window
#   bash .ci/dev.sh test   install what is missing (apt), build, run every test
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

build_packages=(
    meson ninja-build pkg-config gcc gettext
    libglib2.0-dev libglib2.0-bin libgtk-4-dev libgnutls28-dev libjson-glib-dev libgmime-3.0-dev
    desktop-file-utils appstream libadwaita-1-dev
)
test_packages=(
    python3-aiosmtpd gnutls-bin xvfb xauth xdotool imagemagick
    python3-gi gir1.2-atspi-2.0 at-spi2-core dbus-x11 fonts-dejavu-core
    exim4-daemon-light
)

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing: ${missing[*]}"
        sudo_if_needed apt-get update -qq
        sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

build() {
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@"
    fi
    meson compile -C "$dir"
}

case "${1:-}" in
    app)
        install_missing "${build_packages[@]}"
        build _build
        exec ./_build/src/smtp-client "${@:2}"
        ;;
    test)
        install_missing "${build_packages[@]}" "${test_packages[@]}"
        build _build-test --werror
        status=0
        meson test -C _build-test --print-errorlogs --num-processes 1 || status=$?
        # One plain closing line, counted from meson's own log.
        /usr/bin/python3 - _build-test/meson-logs/testlog.json <<'PY'
import json, sys
results = [json.loads(line)["result"] for line in open(sys.argv[1])]
passed = sum(r == "OK" for r in results)
skipped = sum(r == "SKIP" for r in results)
print("%d passed, %d failed, %d skipped" % (passed, len(results) - passed - skipped, skipped))
PY
        exit "$status"
        ;;
    *)
        echo "usage: $0 app|test" >&2
        exit 2
        ;;
esac

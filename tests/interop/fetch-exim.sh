#!/usr/bin/env bash
# tests/interop/fetch-exim.sh — Debian's Exim binary, unpacked into a private folder, not installed.
#
#   bash tests/interop/fetch-exim.sh DIR      prints the path of the unpacked exim4 binary
#
# Installing exim4-daemon-light would make Exim the system's mail transport agent, and on Debian
# that removes an installed Postfix (the package conflicts with every other MTA). The interop test
# only needs the binary: this script downloads the package with `apt-get download` (no root
# needed, nothing installed) into DIR/debs and unpacks it with `dpkg-deb -x` into DIR/root. A
# second run finds DIR/root/usr/sbin/exim4 and needs neither apt nor the network.
#
# The binary needs only shared libraries at run time (libidn12, libnsl2, libdb5.3, libgnutls30,
# libgnutls-dane0, libpcre2-8-0…): .ci/dev.sh installs them. The package's exim4 is setuid root;
# the copy here is not (mode 0755): it runs as whoever starts it.
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd)
exim="$dir/root/usr/sbin/exim4"

if [ -x "$exim" ]; then
    echo "$exim"
    exit 0
fi

for tool in apt-get dpkg-deb; do
    command -v "$tool" >/dev/null || { echo "fetch-exim.sh: $tool not found (Debian only)" >&2; exit 1; }
done

mkdir -p "$dir/debs"
if ! compgen -G "$dir/debs/exim4-daemon-light_*.deb" >/dev/null; then
    # apt-get download writes into the current folder. As root, apt's _apt sandbox user cannot
    # write into a folder it does not own, so apt says so and downloads as root: hide that
    # warning by downloading as root on purpose.
    sandbox=()
    [ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
    (cd "$dir/debs" && apt-get download -q "${sandbox[@]}" exim4-daemon-light) >&2 || {
        echo "fetch-exim.sh: apt-get download exim4-daemon-light failed (no network, or stale" \
             "package lists: apt-get update)" >&2
        exit 1
    }
fi
debs=("$dir"/debs/exim4-daemon-light_*.deb)

# Unpack into a private folder and clear the setuid bit there, so that not even for a moment is
# there a setuid-root copy of exim in the build folder; then move it into place.
tmp=$(mktemp -d "$dir/unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
dpkg-deb -x "${debs[-1]}" "$tmp/root"
chmod 0755 "$tmp/root/usr/sbin/exim4"
rm -rf "$dir/root"
mv "$tmp/root" "$dir/root"
echo "$exim"

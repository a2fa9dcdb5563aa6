#!/bin/sh
# make-screenshots.sh — renders the real composer window into screenshots/*.png
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/ui/make-screenshots.sh [--ru] [BUILD-DIR]   (default: _build)
# Needs xvfb-run; starts its own test SMTP servers on 127.0.0.1 and stops them.
# --ru: only screenshots/main-window-ru.png, the window in Russian (LANGUAGE=ru and the
# translation built into BUILD-DIR/po).

set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
lang=
if [ "${1:-}" = --ru ]; then
  lang=ru
  shift
fi
build=${1:-_build}
case $build in
  /*) ;;
  *) build=$src/$build ;;
esac

ninja -C "$build" tests/ui/make-screenshots
if [ -n "$lang" ]; then
  # The .mo files of po/ (and everything else that is out of date).
  ninja -C "$build"
  export LANGUAGE=$lang
  export SC_LOCALEDIR="$build/po"
fi

export SC_SOURCE_ROOT="$src"
export SC_TEST_PYTHON=/usr/bin/python3
export SC_TEST_SERVER="$src/tests/smtp-server.py"
export SC_TEST_GEN_CERTS="$src/tests/gen-certs.sh"
export GSETTINGS_BACKEND=memory
export NO_AT_BRIDGE=1
export GTK_A11Y=none
export GSK_RENDERER=${GSK_RENDERER:-cairo}
export LC_ALL=C.UTF-8

mkdir -p "$src/screenshots"
exec xvfb-run -a -s "-screen 0 1280x1400x24" \
  "$build/tests/ui/make-screenshots" "$src/screenshots" $lang

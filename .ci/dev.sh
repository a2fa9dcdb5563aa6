#!/usr/bin/env bash
# .ci/dev.sh — the set-up commands of the README.
#
#   bash .ci/dev.sh app    install what is missing (apt), build, launch the window
#   bash .ci/dev.sh test   install what is missing (apt), build, run every test: the suite,
#                          again without GTK, under AddressSanitizer + UBSan, and each libFuzzer
#                          target of tests/fuzz/ for 30 s (clang, in _build-fuzz)
#   bash .ci/dev.sh valgrind
#                          install valgrind too, build, run the engine suites under valgrind
#                          memcheck: any memory error or definite leak fails (a minute or two;
#                          not part of "test")
#   bash .ci/dev.sh bench  install curl and msmtp too, make a release build (_build-bench), run
#                          the benchmark against curl, msmtp and the original Python program
#                          (bench/run.py, a few minutes); writes bench/RESULTS.md
#
# Installing only ever adds packages: install_missing refuses a plan in which apt would remove
# a package or install a mail transport agent, and keeps changed configuration files. No MTA
# is installed: the interop test runs Debian's Exim unpacked into the build folder
# (tests/interop/fetch-exim.sh), so an installed Postfix or Exim stays as it is.
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

build_packages=(
    meson ninja-build pkg-config gcc gettext
    libglib2.0-dev libglib2.0-bin libgtk-4-dev libgnutls28-dev libjson-glib-dev libgmime-3.0-dev
    desktop-file-utils appstream libadwaita-1-dev libsecret-1-dev
)
# dbus-x11 and dbus-daemon: dbus-run-session and dbus-daemon for the private session buses of
# the e2e and application tests, and dbus-launch, with which GLib starts a session bus for the
# window test (one per Xvfb display). gnome-keyring: the secret service of the keyring tests,
# run privately by tests/keyring-session.sh (its own bus and folders; stopped after the test).
test_packages=(
    python3-aiosmtpd gnutls-bin xvfb xauth xdotool gnome-keyring
    python3-gi gir1.2-atspi-2.0 at-spi2-core dbus-x11 dbus-daemon fonts-dejavu-core
    libnss-wrapper
    clang libclang-rt-14-dev
)
# For `dev.sh valgrind` only.
valgrind_packages=(valgrind)
# For `dev.sh bench` only: the peers (curl, msmtp; not msmtp-mta, which is an MTA), certtool for
# the sink's certificate, Xvfb and a private session bus for the window probes.
bench_packages=(curl msmtp gnutls-bin xvfb dbus-daemon fonts-dejavu-core)
# The shared libraries that Debian's exim4 binary needs (the Depends of exim4-daemon-light,
# less exim4-base and debconf, which only an installed Exim needs). Plain libraries: installing
# them removes nothing.
exim_libraries=(
    libc6 libcrypt1 libdb5.3 libgnutls30 libgnutls-dane0 libidn12 libidn2-0 libnsl2 libpcre2-8-0
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
    [ ${#missing[@]} -gt 0 ] || return 0
    echo "Installing: ${missing[*]}"
    sudo_if_needed apt-get update -qq
    # Simulate first (no root needed): a plan that removes anything (e.g. an MTA that a new
    # package conflicts with) or installs a mail transport agent is refused, not carried out.
    local plan new mtas
    plan=$(apt-get -s install --no-install-recommends "${missing[@]}")
    if grep '^Remv ' <<<"$plan"; then
        echo "dev.sh: installing ${missing[*]} would remove the packages above; stopping." >&2
        exit 1
    fi
    new=$(awk '/^Inst /{ print $2 }' <<<"$plan")
    # shellcheck disable=SC2086  # one word per package name
    mtas=$(apt-cache show --no-all-versions $new 2>/dev/null | awk '
        /^Package:/ { p = $2 }
        /^Provides:.*mail-transport-agent/ { print p }')
    if [ -n "$mtas" ]; then
        echo "dev.sh: installing ${missing[*]} would install a mail transport agent" \
             "($mtas); stopping." >&2
        exit 1
    fi
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
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
        # smtp-client opens the window (smtp-client-window, beside it) or, with --send, sends.
        exec ./_build/src/smtp-client "${@:2}"
        ;;
    test)
        install_missing "${build_packages[@]}" "${test_packages[@]}" "${exim_libraries[@]}"
        build _build-test --werror
        # Exim for the interop test, downloaded (not installed) once into the build folder and
        # reused offline; if apt's package lists are too old to download it, refresh them once.
        if ! bash tests/interop/fetch-exim.sh _build-test/exim >/dev/null; then
            sudo_if_needed apt-get update -qq
            bash tests/interop/fetch-exim.sh _build-test/exim >/dev/null
        fi
        # The engine and the command line alone, without GTK (-Dgui=disabled): it must build,
        # must not link GTK, and its settings, message, trust, hints, keyring, outbox and
        # headless --send and --test-connection suites must pass.
        build _build-nogui -Dgui=disabled --werror
        # smtp-client is the command line in both builds: it links no GTK (the window is
        # smtp-client-window, which only the GUI build has).
        for dir in _build-test _build-nogui; do
            if ldd "$dir/src/smtp-client" \
                   | grep -q -e libgtk -e libadwaita -e libgdk -e libpango -e libcairo; then
                echo "$dir: smtp-client links GTK" >&2
                exit 1
            fi
        done
        # The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer (any report
        # fails the test). Leaks are checked in the engine and command-line suites; GTK keeps
        # caches for the process's life, so the UI suites check memory errors only.
        build _build-asan -Db_sanitize=address,undefined -Db_lundef=false --werror
        # The libFuzzer targets (tests/fuzz/): clang, with both sanitizers, engine only; only
        # the targets are built, warnings are errors here too.
        if [ ! -f _build-fuzz/build.ninja ]; then
            CC=clang meson setup _build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
                -Db_lundef=false -Dgui=disabled --werror
        fi
        meson compile -C _build-fuzz fuzz-reply fuzz-ehlo fuzz-settings fuzz-address
        status=0
        # No --num-processes: the suites pick their own ports and folders, so meson runs them
        # on every core.
        meson test -C _build-test --print-errorlogs || status=$?
        meson test -C _build-nogui --print-errorlogs settings message trust hints cli faults \
            keyring outbox || status=$?
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        export LSAN_OPTIONS=suppressions=$here/tests/lsan.supp
        ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 meson test -C _build-asan --print-errorlogs \
            --suite engine --no-suite interop --logbase asan-engine || status=$?
        ASAN_OPTIONS=detect_leaks=0 meson test -C _build-asan --print-errorlogs \
            --suite ui --logbase asan-ui || status=$?
        # Each fuzz target for 30 s, two at a time (tests/fuzz/run-fuzzer.sh): any crash, leak,
        # sanitizer report or slow input fails; the input is left in _build-fuzz/tests/fuzz/.
        env -u ASAN_OPTIONS -u LSAN_OPTIONS SC_FUZZ_SECONDS=30 meson test -C _build-fuzz \
            --no-rebuild --print-errorlogs --suite fuzz --num-processes 2 --logbase fuzz \
            || status=$?
        # One plain closing line, counted from meson's own logs.
        /usr/bin/python3 - _build-test/meson-logs/testlog.json \
            _build-nogui/meson-logs/testlog.json _build-asan/meson-logs/asan-engine.json \
            _build-asan/meson-logs/asan-ui.json _build-fuzz/meson-logs/fuzz.json <<'PY'
import json, sys
results = [json.loads(line)["result"] for path in sys.argv[1:] for line in open(path)]
passed = sum(r == "OK" for r in results)
skipped = sum(r == "SKIP" for r in results)
print("%d passed, %d failed, %d skipped" % (passed, len(results) - passed - skipped, skipped))
PY
        exit "$status"
        ;;
    valgrind)
        install_missing "${build_packages[@]}" "${test_packages[@]}" "${valgrind_packages[@]}"
        build _build-test --werror
        # The engine suites (the interop test runs Exim, not ours) under memcheck. Errors and
        # definite leaks fail; GLib's suppressions and tests/valgrind.supp hide what libraries
        # keep by design. G_SLICE: GLib 2.74's slice allocator would hide our leaks.
        export G_SLICE=always-malloc
        meson test -C _build-test --print-errorlogs --suite engine --no-suite interop \
            --timeout-multiplier 10 --logbase valgrind \
            --wrapper "valgrind --tool=memcheck --error-exitcode=1 --leak-check=full
                       --errors-for-leak-kinds=definite --show-leak-kinds=definite
                       --num-callers=30 --suppressions=/usr/share/glib-2.0/valgrind/glib.supp
                       --suppressions=$here/tests/valgrind.supp"
        ;;
    bench)
        install_missing "${build_packages[@]}" "${bench_packages[@]}"
        build _build-bench --buildtype=release -Dgui=enabled
        # Debian's Python (standard library only), whatever python3 comes first on PATH.
        SC_BENCH_COMMAND="bash .ci/dev.sh $*" exec /usr/bin/python3 bench/run.py \
            --build _build-bench "${@:2}"
        ;;
    *)
        echo "usage: $0 app|test|valgrind|bench" >&2
        exit 2
        ;;
esac

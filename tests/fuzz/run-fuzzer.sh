#!/usr/bin/env bash
# run-fuzzer.sh FUZZER CORPUS ARTIFACT_PREFIX — one bounded libFuzzer run, for meson test
#
# Fuzzes for $SC_FUZZ_SECONDS (default 30) from a copy of CORPUS, so that what it finds never
# lands in the source tree. Any crash, leak, sanitizer report, input slower than 5 s or use of
# more than 1 GB fails the test; the input is kept as ARTIFACT_PREFIX… and printed.
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

fuzzer=$1 corpus=$2 artifact_prefix=$3
seconds=${SC_FUZZ_SECONDS:-30}

# The settings target writes its files for every input: in memory, where there is a tmpfs.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    export TMPDIR=/dev/shm
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/sc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/tmp"
cp -R "$corpus/." "$work/corpus/"
# What a target writes (the settings files) goes where the trap removes it, however it ends.
export TMPDIR=$work/tmp

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:quarantine_size_mb=64}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# libFuzzer first runs every input of the corpus (the regression check for what was found
# before), then makes new ones until the time is up.
# libFuzzer's own exit code for a crash is 77, which meson counts as "skipped": make it 1.
"$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -error_exitcode=1 \
    -print_final_stats=1 "-artifact_prefix=$artifact_prefix" "$work/corpus"

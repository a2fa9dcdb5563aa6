#!/bin/sh
# check-po.sh — every translation is complete against a freshly extracted template
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/check-po.sh SOURCE-ROOT
#
# Extracts the template from po/POTFILES.in the way meson's i18n.gettext (preset 'glib') does,
# into a temporary folder (never into the source tree), merges each language of po/LINGUAS
# against it, and fails, listing the messages, when one is untranslated or fuzzy, or when
# msgfmt -c --check-format finds a placeholder or header error.

set -eu

src=${1:?usage: check-po.sh SOURCE-ROOT}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$src"
xgettext --package-name=smtp-client --directory="$src" --files-from=po/POTFILES.in \
  --output="$tmp/smtp-client.pot" --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format

total=$(grep -c '^msgid ' "$tmp/smtp-client.pot")
if [ "$total" -lt 100 ]; then
  echo "The extracted template has only $total messages: the extraction is broken" >&2
  exit 1
fi

status=0
for lang in $(sed -e 's/#.*//' po/LINGUAS); do
  merged="$tmp/$lang.po"
  msgmerge --quiet --previous --output-file="$merged" "po/$lang.po" "$tmp/smtp-client.pot"
  # Without the header entry (everything up to the first blank line) and the references.
  untranslated=$(msgattrib --untranslated --no-obsolete --no-wrap --no-location "$merged" \
                 | sed -e '1,/^$/d')
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-wrap --no-location "$merged" \
          | sed -e '1,/^$/d')
  if [ -n "$untranslated" ]; then
    echo "po/$lang.po: untranslated messages:"
    printf '%s\n' "$untranslated"
    status=1
  fi
  if [ -n "$fuzzy" ]; then
    echo "po/$lang.po: fuzzy messages (the English changed, or never reviewed):"
    printf '%s\n' "$fuzzy"
    status=1
  fi
  if ! msgfmt --check --check-format --check-accelerators=_ --output-file=/dev/null "$merged"; then
    echo "po/$lang.po: msgfmt -c --check-format fails"
    status=1
  fi
  if [ "$status" -eq 0 ]; then
    echo "po/$lang.po: all $((total - 1)) messages translated"
  fi
done
exit "$status"

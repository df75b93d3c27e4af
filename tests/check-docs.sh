#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command line keys of init/cmdline_keys.c and their docs agree: every name of every key is in
# a heading of baton(7) and in the README's parameter table, and both list no key it lacks.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build}
lister=$build/docs/cmdline-keys
mkdir -p "$build/docs"
# The table itself, compiled for this host: the docs are checked against what the parser reads.
${CC:-cc} -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -Icommon -Iinit -o "$lister" tests/docs/cmdline_keys.c \
	init/cmdline.c init/cmdline_keys.c common/stage.c

passed=0
failed=0
fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

mapfile -t names < <("$lister" | cut -f1)
[[ ${#names[@]} -gt 0 ]] || { echo "no keys from $lister"; exit 1; }

# baton(7): the tag lines of the .TP entries in DESCRIPTION (man pages may escape '-' as '\-').
man_tags=$(awk '/^\.SH/ { desc = ($0 == ".SH DESCRIPTION") }
	desc && prev == ".TP" { print }
	{ prev = $0 }' doc/baton.7)
# README: the first column of the kernel command line table (rows up to the first blank line).
readme_keys=$(awk '/^\| parameter \| meaning \|/ { on = 1; next }
	on && !/^\|/ { exit }
	on { print }' README.md | cut -d'|' -f2)
if [[ -z $man_tags || -z $readme_keys ]]; then
	echo "no parameter list found in doc/baton.7 or README.md"
	exit 1
fi

# A name as an extended regex: dots literal, '-' possibly escaped.
name_re() {
	local re=${1//./\\.}
	printf '%s' "${re//-/(\\\\)?-}"
}

for name in "${names[@]}"; do
	re=$(name_re "$name")
	if grep -qE "(^\.[BIR]+ |[ \"])$re([=\" ]|\$)" <<<"$man_tags"; then
		passed=$((passed + 1))
	else
		fail "$name is not in a heading of doc/baton.7"
	fi
	if grep -qE "\`${re}[=\`]" <<<"$readme_keys"; then
		passed=$((passed + 1))
	else
		fail "$name is not in the parameter table of README.md"
	fi
done

# The other way: what the docs list as a key is one (module.param=value is libkmod's).
is_key() {
	local n
	for n in "${names[@]}"; do
		[[ $n == "$1" ]] && return 0
	done
	[[ $1 == module.param || $1 == module ]]
}
while read -r doc_name; do
	if is_key "$doc_name"; then
		passed=$((passed + 1))
	else
		fail "$doc_name is documented but the parser has no such key"
	fi
done < <(
	sed -E 's/^\.[BIR]+ //; s/[= ].*//; s/\\-/-/g' <<<"$man_tags" | grep -E '^[a-z]'
	# shellcheck disable=SC2016 # the backquotes are Markdown's, not the shell's
	grep -oE '`[a-z][a-z0-9._-]*[=`]' <<<"$readme_keys" | sed -E 's/^`//; s/[=`]$//'
)
echo "docs: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

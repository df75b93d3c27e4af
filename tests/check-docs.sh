#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every command line key the parser knows is documented in baton(7) and the README.
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
keys=$(grep -o 'key_is(w, "[^"]*")' init/cmdline.c | sed 's/key_is(w, "\(.*\)")/\1/' | sort -u)
[[ -n $keys ]] || { echo "no keys found in init/cmdline.c"; exit 1; }
for key in $keys; do
	# man pages escape '-' as '\-'.
	man_key=${key//-/\\-}
	if grep -qF -- "$man_key" doc/baton.7 || grep -qF -- "$key" doc/baton.7; then
		passed=$((passed + 1))
	else
		echo "FAIL $key is not documented in doc/baton.7"
		failed=$((failed + 1))
	fi
	if grep -qF -- "\`$key" README.md; then
		passed=$((passed + 1))
	else
		echo "FAIL $key is not documented in README.md"
		failed=$((failed + 1))
	fi
done
echo "docs: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

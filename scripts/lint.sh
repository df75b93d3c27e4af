#!/bin/bash
# SPDX-License-Identifier: MIT
#
# lint.sh: the style checks make check runs. Every C file as .clang-format says (a dry run:
# nothing is rewritten), every shell script through shellcheck. Names each file that fails.
#
#   scripts/lint.sh          check
#   scripts/lint.sh --fix    rewrite the C files in place with clang-format (then review)
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t c_files < <(git ls-files '*.c' '*.h')
# Shell: *.sh, and scripts without an ending (hooks) whose first line names a shell.
shell_files=()
while IFS= read -r f; do
	case $f in
	*.sh) shell_files+=("$f") ;;
	*.*) ;;
	*) head -n 1 "$f" | grep -qE '^#!.*/(ba)?sh( |$)' && shell_files+=("$f") ;;
	esac
done < <(git ls-files)

if [[ ${1:-} == --fix ]]; then
	clang-format -i "${c_files[@]}"
	exit 0
fi

status=0
bad=()
for f in "${c_files[@]}"; do
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
	echo "lint: ${#bad[@]} C file(s) differ from .clang-format (scripts/lint.sh --fix rewrites them):" >&2
	printf '  %s\n' "${bad[@]}" >&2
	status=1
fi
# With -x, shellcheck reads each script's sources (tests/qemu/lib.sh, a thousand lines) again for
# every script: a minute of CPU for all. So a script passed once is not checked again while it
# and every shell file that is not a scenario (the sourced libraries among them) are unchanged:
# build/lint holds one stamp per passing (script, libraries) pair. A fresh clone checks all.
stamps=build/lint
mkdir -p "$stamps"
libs=$(git ls-files '*.sh' | grep -v '^tests/qemu/[0-9]' | xargs cat | sha256sum | cut -c1-16)
todo=()
declare -A stamp_of=()
while read -r sum f; do
	stamp_of[$f]=$stamps/${sum:0:16}-$libs
	[[ -e ${stamp_of[$f]} ]] || todo+=("$f")
done < <(sha256sum "${shell_files[@]}")
if ((${#todo[@]})); then
	# A few scripts a process, one process a core.
	if printf '%s\0' "${todo[@]}" | xargs -0 -n 8 -P "$(nproc)" shellcheck -x; then
		for f in "${todo[@]}"; do : >"${stamp_of[$f]}"; done
	else
		echo "lint: shellcheck found problems (above)" >&2
		status=1
	fi
fi
((status == 0)) && echo "lint: ${#c_files[@]} C files, ${#shell_files[@]} shell scripts clean"
exit $status

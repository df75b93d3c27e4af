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
# With -x, shellcheck reads each script's sources again for every script: a few scripts a process,
# one process a core, is several times faster than one process for all.
if ! printf '%s\0' "${shell_files[@]}" | xargs -0 -n 8 -P "$(nproc)" shellcheck -x; then
	echo "lint: shellcheck found problems (above)" >&2
	status=1
fi
((status == 0)) && echo "lint: ${#c_files[@]} C files, ${#shell_files[@]} shell scripts clean"
exit $status

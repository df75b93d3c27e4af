#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Debian's amd64-microcode and intel-microcode unpacked into a tree (lib/firmware/amd-ucode,
# intel-ucode), for the microcode tests: downloaded from the non-free-firmware component
# through scripts/apt-private.sh, cached under $BATON_CACHE/microcode/ keyed by the two package
# versions. Prints the tree's path.
#
#   tests/generator/microcode-tree.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${BATON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton}
readonly PACKAGES=(amd64-microcode intel-microcode)

apt_nff() { "$top/scripts/apt-private.sh" "$cache" --no-src --component non-free-firmware -- "$@"; }

key=''
for p in "${PACKAGES[@]}"; do
	v=$(apt_nff apt-cache show --no-all-versions "$p" 2>/dev/null | sed -n 's/^Version: //p' |
		head -n 1)
	if [[ -z $v ]]; then
		printf 'microcode-tree: no %s in the non-free-firmware component of apt\n' "$p" >&2
		exit 1
	fi
	key+=${key:++}${p}_$v
done
dir=$cache/microcode/${key//[~:]/_}
mkdir -p "$cache/microcode"
(
	exec 9>"$cache/microcode/.lock"
	flock 9
	[[ -f $dir/.done ]] && exit 0
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp/deb"
	(cd "$dir.tmp/deb" && apt_nff apt-get -q download "${PACKAGES[@]}") >"$dir.tmp/download.log" 2>&1 || {
		cat "$dir.tmp/download.log" >&2
		exit 1
	}
	for d in "$dir.tmp"/deb/*.deb; do dpkg-deb -x "$d" "$dir.tmp/tree"; done
	rm -rf "$dir.tmp/deb" "$dir"
	mv "$dir.tmp" "$dir"
	touch "$dir/.done"
)
printf '%s\n' "$dir/tree"

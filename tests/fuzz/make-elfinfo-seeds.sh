#!/bin/bash
# SPDX-License-Identifier: MIT
# Regenerates the elfinfo fuzz target's seed corpus: small real ELF files of each kind the
# generator reads (static and dynamic programs, libraries, 32-bit and x32 classes, a module).
#
#   tests/fuzz/make-elfinfo-seeds.sh [OUTDIR]   (default tests/fuzz/corpus/elfinfo)
#
# Needs gcc, musl-gcc, binutils (as, ld, strip); the module comes from a Debian kernel that
# tests/qemu downloaded into the cache (skipped when there is none). Files named crash-* in
# OUTDIR are kept; the others are rewritten.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/corpus/elfinfo}
cache=${BATON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

cat >"$tmp/main.c" <<'C'
#include <stdio.h>
int main(void) { puts("seed"); return 0; }
C
cat >"$tmp/lib.c" <<'C'
#include <stdio.h>
int seed_lib(void) { return puts("lib"); }
C
# The smallest programs ld makes for the 32-bit classes: no libc needed.
cat >"$tmp/start32.s" <<'S'
	.globl _start
_start:
	movl $1, %eax
	xorl %ebx, %ebx
	int $0x80
S

musl-gcc -static -Os -s -o "$out/static-musl" "$tmp/main.c"
gcc -Os -s -Wl,--build-id=none -o "$out/dynamic-runpath" "$tmp/main.c" -Wl,-rpath,/opt/seed/lib
# shellcheck disable=SC2016 # $ORIGIN is for ld.so, not the shell
gcc -Os -s -Wl,--build-id=none -Wl,--disable-new-dtags -o "$out/dynamic-rpath" "$tmp/main.c" \
	-Wl,-rpath,'$ORIGIN/../lib'
gcc -Os -s -shared -fPIC -Wl,--build-id=none -Wl,-soname,libseed.so.1 -o "$out/shared-lib" \
	"$tmp/lib.c"
gcc -Os -s -Wl,--build-id=none -o "$out/dynamic-needs-lib" "$tmp/main.c" \
	-Wl,--no-as-needed "$out/shared-lib"

as --32 -o "$tmp/start32.o" "$tmp/start32.s"
ld -m elf_i386 -s --build-id=none -o "$out/i386-static" "$tmp/start32.o"
ld -m elf_i386 -s --build-id=none -shared -soname libdep32.so -o "$tmp/libdep32.so" "$tmp/start32.o"
ld -m elf_i386 -s --build-id=none -pie -dynamic-linker /lib/ld-linux.so.2 --no-as-needed \
	-o "$out/i386-dynamic" "$tmp/start32.o" "$tmp/libdep32.so"
as --x32 -o "$tmp/startx32.o" "$tmp/start32.s"
ld -m elf32_x86_64 -s --build-id=none -pie -dynamic-linker /libx32/ld-linux-x32.so.2 \
	-o "$out/x32-dynamic" "$tmp/startx32.o"

# A kernel module: relocatable, no program headers, signature appended.
ko=$(find "$cache/kernels" -name nhc_ipv6.ko 2>/dev/null | sort | head -n1) || true
if [[ -n $ko ]]; then
	cp "$ko" "$out/module.ko"
else
	echo "make-elfinfo-seeds: no Debian kernel in $cache/kernels, module.ko not refreshed" >&2
fi
ls -l "$out"

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# build-fuzz-blkid.sh DEPS OUTDIR: build the host libblkid the blkid fuzz target links, from the
# same util-linux source package as the init's (the version recorded in DEPS/.stamp by
# scripts/build-deps.sh), with clang, -fsanitize=fuzzer-no-link,address,undefined, static.
#
# Result:
#   OUTDIR/lib/libblkid.a  OUTDIR/include/blkid/blkid.h  OUTDIR/VERSION  OUTDIR/.done
# Link with: clang -fsanitize=fuzzer,address,undefined (or address,undefined for the replay)
#   -I OUTDIR/include ... OUTDIR/lib/libblkid.a
#
# The build (about a minute) is cached by package version and recipe under
# ${BATON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton}/built, next to build-deps.sh's builds.
# The source comes from that cache's src/ folder, or from `apt-get source` through
# scripts/apt-private.sh when it is missing. Environment: BATON_CACHE, BATON_JOBS (default 2),
# BATON_FORCE=1 (rebuild).
set -euo pipefail

prog=build-fuzz-blkid
say() { printf '%s: %s\n' "$prog" "$*"; }
die() {
	printf '%s: error: %s\n' "$prog" "$1" >&2
	shift
	local l
	for l in "$@"; do printf '  %s\n' "$l" >&2; done
	exit 1
}

if (($# != 2)) || [[ $1 == -* ]]; then
	echo "usage: $0 DEPS-DIR OUTDIR   (e.g. $0 build/deps build/fuzz/blkid)" >&2
	exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deps=$1
mkdir -p "$2" || die "cannot create $2"
OUT=$(cd "$2" && pwd)
CACHE=${BATON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton}
mkdir -p "$CACHE/src" "$CACHE/built" || die "cannot create the cache directory $CACHE"
CACHE=$(cd "$CACHE" && pwd)
JOBS=${BATON_JOBS:-2}
CLANG=${FUZZ_CLANG:-clang}

command -v "$CLANG" >/dev/null || die "$CLANG not found" "run scripts/host-packages.sh (as root)"

# The version the init links: build-deps.sh writes one cache key per package in DEPS/.stamp.
[[ -f $deps/.stamp ]] || die "$deps/.stamp not found" "run make (it builds $deps) first"
key=$(grep -m1 '^util-linux_' "$deps/.stamp") || die "no util-linux entry in $deps/.stamp"
VER=${key#util-linux_}
VER=${VER%_*}
[[ -n $VER ]] || die "cannot read the util-linux version from $deps/.stamp ($key)"

# Coverage and sanitizer instrumentation for libFuzzer; -O1 -g for readable reports.
CFLAGS_FUZZ="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined"

# configure runs without the sanitizers (its test programs link and run twice as fast), make
# compiles everything with them.
build_util_linux_fuzz() {
	step autogen ./autogen.sh
	step configure ./configure CC="$CLANG" CFLAGS="-g -O1" \
		--disable-all-programs --enable-libblkid --disable-libmount --disable-libuuid \
		--disable-libsmartcols --disable-libfdisk --enable-static --disable-shared \
		--without-python --disable-pylibmount --without-systemd --without-udev \
		--without-ncursesw --without-ncurses --without-tinfo --without-readline \
		--without-cap-ng --without-selinux --without-audit --without-smack --without-econf \
		--without-cryptsetup --without-libz --without-libmagic --without-user --without-util \
		--disable-nls --disable-asciidoc --disable-bash-completion --disable-rpath
	step make make -j"$JOBS" CFLAGS="$CFLAGS_FUZZ" libblkid.la
	mkdir -p "$1/lib" "$1/include/blkid"
	cp .libs/libblkid.a "$1/lib/"
	cp libblkid/src/blkid.h "$1/include/blkid/"
}

LOG=$OUT/build.log
step() {
	local name=$1
	shift
	printf '\n=== [%s] %s: %s\n' "$(date +%T)" "$name" "$*" >>"$LOG"
	"$@" >>"$LOG" 2>&1 || die "step '$name' failed in $PWD: $*" "log: $LOG"
}

clang_ver=$("$CLANG" -dumpversion)
hash=$({
	echo "$CFLAGS_FUZZ clang=$clang_ver"
	declare -f build_util_linux_fuzz
} | sha256sum | cut -c1-12)
ckey=util-linux-fuzz_${VER}_$hash
built=$CACHE/built/$ckey

if [[ -f $OUT/.done && "$(cat "$OUT/VERSION" 2>/dev/null)" == "$ckey" && ${BATON_FORCE:-0} != 1 ]]; then
	touch "$OUT/.done"
	exit 0
fi
rm -f "$OUT/.done"

exec 8>"$CACHE/build-fuzz-blkid.lock"
if ! flock -n 8; then
	say "another build-fuzz-blkid is running with cache $CACHE; waiting for it"
	flock 8
fi

if [[ ! -f $built/BUILT || ${BATON_FORCE:-0} == 1 ]]; then
	src=$CACHE/src/util-linux_$VER
	if [[ ! -f $src/util-linux_$VER.dsc ]]; then
		say "util-linux $VER: downloading the Debian source package"
		mkdir -p "$src"
		(cd "$src" && "$here/apt-private.sh" "$CACHE" -- apt-get source -q --download-only \
			"util-linux=$VER") >"$OUT/fetch.log" 2>&1 ||
			die "apt-get source util-linux=$VER failed (log: $OUT/fetch.log)"
		touch "$src/.complete"
	fi
	say "util-linux $VER: building libblkid with $CLANG for fuzzing (log: $LOG)"
	: >"$LOG"
	# dpkg-source -x leaves a copy of the upstream tarball next to the tree: both go.
	work=$OUT/work
	dest=$built.tmp.$$
	rm -rf "$work" "$dest"
	mkdir -p "$work"
	step unpack dpkg-source --no-check -x "$src/util-linux_$VER.dsc" "$work/src"
	t0=$SECONDS
	(cd "$work/src" && build_util_linux_fuzz "$dest")
	echo "util-linux $VER libblkid for fuzzing, built $(date -u +%FT%TZ) by $0" >"$dest/BUILT"
	rm -rf "$built"
	mv "$dest" "$built"
	rm -rf "$work"
	say "util-linux $VER: libblkid built in $((SECONDS - t0)) s ($built)"
fi

rm -rf "${OUT:?}/lib" "${OUT:?}/include"
cp -R "$built/lib" "$built/include" "$OUT/"
echo "$ckey" >"$OUT/VERSION"
touch "$OUT/.done"

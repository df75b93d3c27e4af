#!/bin/bash
# SPDX-License-Identifier: MIT
#
# build-deps.sh [--arch arm64] OUTDIR: build the static musl libraries the init links, from
# Debian's own source packages (util-linux: libmount + libblkid; kmod: libkmod), and verify them.
# --arch arm64 cross-builds them for aarch64 with Debian's gcc-aarch64-linux-gnu and Debian's arm64
# musl-dev and linux-libc-dev (downloaded with the private apt configuration, unpacked into the
# cache; a specs file makes the cross gcc a musl-gcc for them, OUTDIR/bin/musl-gcc).
#
# Result:
#   OUTDIR/lib/libmount.a libblkid.a libkmod.a
#   OUTDIR/include/libmount/libmount.h blkid/blkid.h libkmod.h
#   OUTDIR/kernel-headers/   links to the system's kernel UAPI headers (musl ships none)
#   OUTDIR/bin/musl-gcc      with --arch: the cross compiler wrapper (natively: Debian's musl-gcc)
#   OUTDIR/.done             written last, after a test program linked and ran (cross: linked,
#                            and its ELF header names the target machine)
# Link with: -static -L OUTDIR/lib -lmount -lblkid -lkmod
#
# Sources come from `apt-get source` through scripts/apt-private.sh (a private apt configuration
# derived from the machine's Debian sources). The built libraries are cached by package version
# and build recipe under ${BATON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton}, so another clone
# on the same machine, or a second run, only copies them. Environment:
#   BATON_CACHE   cache directory (see above)
#   BATON_JOBS    make -j value (default 2)
#   BATON_FORCE=1 rebuild even if a cached build exists
set -euo pipefail

prog=build-deps
say() { printf '%s: %s\n' "$prog" "$*"; }
die() {
	printf '%s: error: %s\n' "$prog" "$1" >&2
	shift
	local l
	for l in "$@"; do printf '  %s\n' "$l" >&2; done
	exit 1
}

ARCH=''
if [[ ${1:-} == --arch ]]; then
	ARCH=${2:-}
	shift 2 || true
fi
if (($# != 1)) || [[ $1 == -* ]] || [[ -n $ARCH && $ARCH != arm64 ]]; then
	echo "usage: $0 [--arch arm64] OUTDIR   (e.g. $0 build/deps)" >&2
	exit 2
fi
# Cross builds: Debian's architecture name, GNU triplet, musl's own name for the machine.
MUSL_CC=musl-gcc CROSS='' HOST_ARGS=() ARCH_SUFFIX=''
if [[ $ARCH == arm64 ]]; then
	CROSS=aarch64-linux-gnu-
	HOST_ARGS=(--host=aarch64-linux-gnu)
	ARCH_SUFFIX=-arm64
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1" || die "cannot create $1"
OUT=$(cd "$1" && pwd)
CACHE=${BATON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton}
mkdir -p "$CACHE" || die "cannot create the cache directory $CACHE" "set BATON_CACHE to a writable directory"
CACHE=$(cd "$CACHE" && pwd)
JOBS=${BATON_JOBS:-2}
PACKAGES=(util-linux kmod)
start_all=$SECONDS

# --- tools --------------------------------------------------------------------------------------
missing=()
compiler=musl-gcc
[[ -z $CROSS ]] || compiler=${CROSS}gcc
for t in "$compiler" gcc make "${CROSS}ar" "${CROSS}ld" "${CROSS}objcopy" "${CROSS}nm" apt-get dpkg-source autoreconf autopoint \
	libtoolize bison pkg-config xz flock; do
	command -v "$t" >/dev/null || missing+=("$t")
done
if ((${#missing[@]})); then
	die "missing build tools: ${missing[*]}" \
		"run scripts/host-packages.sh (as root) to install the Debian packages, then retry"
fi

# --- cross sysroot: Debian's musl-dev and linux-libc-dev for ARCH, unpacked into the cache ---------
apt_private() { "$here/apt-private.sh" "$CACHE" -- "$@"; }
SYSROOT=''
# make_sysroot: CACHE/built/sysroot-ARCH_MUSLVER_LLDVER/ (keyed by both versions) holding the two
# packages' files, musl-gcc.specs pointing into it, and bin/musl-gcc, the wrapper; sets SYSROOT.
make_sysroot() {
	local opts=(--no-src --arch="$ARCH") mver lver dir tmp deb triplet=${CROSS%-}
	mver=$("$here/apt-private.sh" "$CACHE" "${opts[@]}" -- apt-cache show --no-all-versions musl-dev 2>/dev/null |
		sed -n 's/^Version: //p' | head -n1) || true
	lver=$("$here/apt-private.sh" "$CACHE" "${opts[@]}" -- apt-cache show --no-all-versions linux-libc-dev 2>/dev/null |
		sed -n 's/^Version: //p' | head -n1) || true
	if [[ -z $mver || -z $lver ]]; then
		# Offline: the newest sysroot already unpacked.
		dir=$(find "$CACHE/built" -mindepth 1 -maxdepth 1 -type d -name "sysroot-${ARCH}_*" \
			-printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n1 | cut -d' ' -f2-) || true
		[[ -n $dir && -f $dir/.done ]] ||
			die "cannot resolve $ARCH musl-dev and linux-libc-dev with apt, and no $ARCH sysroot is cached" \
				"check the network; the private apt configuration is under $CACHE/apt"
		say "warning: apt could not resolve the $ARCH musl; using $dir"
		SYSROOT=$dir
		return 0
	fi
	dir=$CACHE/built/sysroot-${ARCH}_${mver}_$lver
	SYSROOT=$dir
	[[ -f $dir/.done ]] && return 0
	say "$ARCH: downloading Debian's musl-dev $mver and linux-libc-dev $lver"
	tmp=$dir.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp/deb"
	(cd "$tmp/deb" && "$here/apt-private.sh" "$CACHE" "${opts[@]}" -- apt-get -q download \
		"musl-dev=$mver" "linux-libc-dev=$lver") >"$tmp/download.log" 2>&1 ||
		{ tail -n 20 "$tmp/download.log" >&2; die "apt-get download of the $ARCH musl-dev and linux-libc-dev failed"; }
	for deb in "$tmp"/deb/*.deb; do
		dpkg-deb -x "$deb" "$tmp" || die "dpkg-deb -x $deb failed"
	done
	# musl names the machine in its folders: aarch64-linux-musl.
	local m=${triplet%%-*}-linux-musl
	[[ -f $tmp/usr/lib/$m/libc.a ]] || die "musl-dev:$ARCH has no usr/lib/$m/libc.a"
	rm -rf "$tmp/deb"
	# Debian's own musl-gcc.specs with the sysroot's paths instead of /usr (-nostdinc: only
	# musl's headers; the dynamic linker name is never used, the init is static).
	sed "s|/usr/include/$m|$dir/usr/include/$m|g; s|/usr/lib/$m|$dir/usr/lib/$m|g" \
		"$tmp/usr/lib/$m/musl-gcc.specs" >"$tmp/musl-gcc.specs" ||
		die "musl-dev:$ARCH has no usr/lib/$m/musl-gcc.specs"
	mkdir -p "$tmp/bin"
	printf '#!/bin/sh\nexec %sgcc "$@" -specs "%s/musl-gcc.specs"\n' "$CROSS" "$dir" >"$tmp/bin/musl-gcc"
	chmod 0755 "$tmp/bin/musl-gcc"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	touch "$dir/.done"
}
if [[ -n $ARCH ]]; then
	mkdir -p "$CACHE/built"
	make_sysroot
	MUSL_CC=$OUT/bin/musl-gcc
	mkdir -p "$OUT/bin"
	ln -sfn "$SYSROOT/bin/musl-gcc" "$MUSL_CC"
fi

# --- kernel headers (musl has none) -------------------------------------------------------------
multiarch=$(gcc -print-multiarch 2>/dev/null || true)
multiarch=${multiarch:-$(uname -m)-linux-gnu}
incdir=/usr/include
if [[ -n $ARCH ]]; then
	multiarch=${CROSS%-}
	incdir=$SYSROOT/usr/include
fi
make_kernel_headers() {
	local kh=$OUT/kernel-headers d
	mkdir -p "$kh"
	[[ -d $incdir/linux && -d $incdir/asm-generic && -d $incdir/$multiarch/asm ]] ||
		die "kernel headers not found ($incdir/linux, $incdir/$multiarch/asm)" \
			"install linux-libc-dev (pulled in by build-essential): scripts/host-packages.sh"
	ln -sfn "$incdir/$multiarch/asm" "$kh/asm"
	for d in linux asm-generic mtd misc rdma sound video xen; do
		if [[ -d $incdir/$d ]]; then ln -sfn "$incdir/$d" "$kh/$d"; fi
	done
}
make_kernel_headers
KH=$OUT/kernel-headers

# --- build recipes ------------------------------------------------------------------------------
# Each runs in a fresh source tree (the current directory) and installs into $1/{lib,include}.
# Everything they print goes to the package's log. The key of a cached build includes a hash of
# these function bodies (comments excluded), so changing a recipe rebuilds.
RECIPE_REV=1
# No unwind tables: C only, nothing unwinds the stack, and they are a tenth of /init.
CFLAGS_DEPS="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"

build_util_linux() {
	local dest=$1
	step autogen ./autogen.sh
	step configure ./configure "${HOST_ARGS[@]}" CC="$MUSL_CC" CPPFLAGS="-isystem $KH" CFLAGS="$CFLAGS_DEPS" \
		--prefix=/usr --sysconfdir=/etc --localstatedir=/var --runstatedir=/run \
		--disable-all-programs --enable-libmount --enable-libblkid --disable-libuuid \
		--enable-static --disable-shared \
		--without-python --disable-pylibmount --without-systemd --without-udev \
		--without-ncursesw --without-ncurses --without-tinfo --without-readline \
		--without-cap-ng --without-selinux --without-audit --without-smack --without-econf \
		--without-cryptsetup --without-libz --without-libmagic --without-user --without-util \
		--disable-nls --disable-asciidoc --disable-bash-completion --disable-rpath \
		--disable-makeinstall-chown --disable-makeinstall-setuid
	step make make -j"$JOBS"
	step install make install DESTDIR="$PWD/stage"
	mkdir -p "$dest/lib" "$dest/include"
	step localize-libmount localize stage/usr/lib/libmount.a libmount/src/libmount.sym "$dest/lib/libmount.a"
	step localize-libblkid localize stage/usr/lib/libblkid.a libblkid/src/libblkid.sym "$dest/lib/libblkid.a"
	cp -R stage/usr/include/libmount stage/usr/include/blkid "$dest/include/"
}

build_kmod() {
	local dest=$1
	# No configure script in the Debian source; gtk-doc is not wanted (an empty include will do).
	mkdir -p libkmod/docs
	: >libkmod/docs/gtk-doc.make
	step autoreconf autoreconf --force --install
	step configure ./configure "${HOST_ARGS[@]}" CC="$MUSL_CC" CPPFLAGS="-isystem $KH" CFLAGS="$CFLAGS_DEPS" \
		--prefix=/usr --sysconfdir=/etc \
		--disable-tools --disable-manpages --disable-test-modules --disable-python \
		--disable-debug --disable-coverage --disable-experimental \
		--without-xz --without-zstd --without-zlib --without-openssl
	step make make -j"$JOBS" libkmod/libkmod.la
	# kmod refuses --enable-static: archive libkmod's objects and the shared/ helpers it uses.
	local objs=(libkmod/.libs/libkmod*.o shared/.libs/*.o)
	[[ -f ${objs[0]} && -f ${objs[-1]} ]] || fail "no libkmod objects found under libkmod/.libs and shared/.libs"
	step archive "${CROSS}ar" rcs libkmod-static.a "${objs[@]}"
	mkdir -p "$dest/lib" "$dest/include"
	step localize-libkmod localize libkmod-static.a libkmod/libkmod.sym "$dest/lib/libkmod.a"
	cp libkmod/libkmod.h "$dest/include/"
}

# localize ARCHIVE SYMFILE OUT: merge the archive into one object (ld -r) and keep global only the
# library's public API (from its linker version script): the libraries' many internal helpers
# (util-linux's lib/ is even built into both libmount and libblkid; kmod's shared/ has mkdir_p,
# hash_new, strbuf_*...) then cannot clash with each other or with the init's own names.
localize() {
	local archive=$1 symfile=$2 out=$3 tmp
	tmp=$(mktemp -d localize.XXXXXX)
	sed -nE 's/^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*;.*/\1/p' "$symfile" >"$tmp/keep"
	[[ -s $tmp/keep ]] || { echo "no symbols found in $symfile"; return 1; }
	"${CROSS}ld" -r -o "$tmp/all.o" --whole-archive "$archive" &&
		"${CROSS}objcopy" --keep-global-symbols="$tmp/keep" "$tmp/all.o" &&
		rm -f "$out" && "${CROSS}ar" rcs "$out" "$tmp/all.o" || return 1
	echo "localize: $("${CROSS}nm" -g --defined-only "$tmp/all.o" | grep -c ' [TDBRW] ') global symbols kept in $out"
	rm -rf "$tmp"
}

# --- helpers for one package's build (run in a subshell with LOG and PKG set) --------------------
fail() {
	echo "FAILED: $*" >>"$LOG"
	echo "$*" >"$LOG.failed"
	exit 1
}
step() {
	local name=$1
	shift
	printf '\n=== [%s] %s: %s\n' "$(date +%T)" "$name" "$*" >>"$LOG"
	"$@" >>"$LOG" 2>&1 || fail "step '$name' failed in $PWD: $*"
}

# --- versions -----------------------------------------------------------------------------------
musl_ver=$(dpkg-query -W -f='${Version}' musl-dev 2>/dev/null || echo unknown)
lld_ver=$(dpkg-query -W -f='${Version}' linux-libc-dev 2>/dev/null || echo unknown)
gcc_ver=$(gcc -dumpfullversion 2>/dev/null || gcc -dumpversion)
if [[ -n $ARCH ]]; then
	# The sysroot's name holds both package versions; the cross gcc's version follows.
	musl_ver=${SYSROOT##*/}
	lld_ver=''
	gcc_ver=$("${CROSS}gcc" -dumpfullversion 2>/dev/null || "${CROSS}gcc" -dumpversion)
fi
recipe_hash() {
	{
		echo "$RECIPE_REV $CFLAGS_DEPS musl=$musl_ver linux-libc-dev=$lld_ver gcc=$gcc_ver"
		# The native key is unchanged (no arch word), so existing caches stay valid.
		[[ -z $ARCH ]] || echo "arch=$ARCH ${HOST_ARGS[*]} cross=$CROSS"
		declare -f "build_${1//-/_}" localize
	} | sha256sum | cut -c1-12
}

declare -A VER=() KEY=()
uris=$(apt_private apt-get source --print-uris -qq "${PACKAGES[@]}" 2>"$OUT/apt.err") || uris=''
for pkg in "${PACKAGES[@]}"; do
	v=$(awk -v p="$pkg" '{ f = $2; if (index(f, p "_") == 1 && f ~ /\.dsc$/) { sub("^" p "_", "", f); sub(/\.dsc$/, "", f); print f; exit } }' <<<"$uris")
	h=$(recipe_hash "$pkg")
	if [[ -z $v ]]; then
		# Offline or apt trouble: fall back to the newest cached build of the same recipe.
		cached=$(find "$CACHE/built" -mindepth 1 -maxdepth 1 -type d -name "${pkg}${ARCH_SUFFIX}_*_$h" -printf '%T@ %f\n' 2>/dev/null |
			sort -rn | head -n1 | cut -d' ' -f2-) || true
		if [[ -z $cached ]]; then
			sed 's/^/  /' "$OUT/apt.err" >&2 || true
			die "cannot find the Debian source package '$pkg' with apt-get source --print-uris" \
				"(private apt configuration under $CACHE/apt, derived from /etc/apt/sources.list.d/debian.sources)" \
				"check the network, or run: scripts/apt-private.sh $CACHE --update -- apt-cache showsrc $pkg"
		fi
		v=${cached#"${pkg}${ARCH_SUFFIX}_"}
		v=${v%"_$h"}
		say "warning: apt could not resolve $pkg; using the cached build of $pkg $v"
	fi
	VER[$pkg]=$v
	KEY[$pkg]=${pkg}${ARCH_SUFFIX}_${v}_$h
done
rm -f "$OUT/apt.err"

stamp_want=$(for pkg in "${PACKAGES[@]}"; do echo "${KEY[$pkg]}"; done)
if [[ -f $OUT/.done && -f $OUT/.stamp && ${BATON_FORCE:-0} != 1 ]] &&
	[[ "$(cat "$OUT/.stamp")" == "$stamp_want" ]] &&
	[[ -f $OUT/lib/libmount.a && -f $OUT/lib/libblkid.a && -f $OUT/lib/libkmod.a ]] &&
	[[ -f $OUT/include/libmount/libmount.h && -f $OUT/include/blkid/blkid.h && -f $OUT/include/libkmod.h ]]; then
	touch "$OUT/.done" # newer than the scripts, for make
	say "up to date: util-linux ${VER[util-linux]}, kmod ${VER[kmod]} ($OUT)"
	exit 0
fi
rm -f "$OUT/.done"

# --- fetch sources, build what the cache lacks (util-linux and kmod in parallel) -----------------
mkdir -p "$CACHE/src" "$CACHE/built" "$OUT/logs"
exec 8>"$CACHE/build.lock"
if ! flock -n 8; then
	say "another build-deps is running with cache $CACHE; waiting for it"
	flock 8
fi
rm -rf "$CACHE/built/"*.tmp.* # left by an interrupted build

fetch() {
	local pkg=$1 v=$2 dir=$CACHE/src/${1}_$2
	[[ -f $dir/.complete ]] && return 0
	say "$pkg $v: downloading the Debian source package"
	rm -rf "$dir"
	mkdir -p "$dir"
	if ! (cd "$dir" && apt_private apt-get source -q --download-only "$pkg") >"$OUT/logs/$pkg-fetch.log" 2>&1; then
		tail -n 20 "$OUT/logs/$pkg-fetch.log" >&2
		die "apt-get source --download-only $pkg failed (log: $OUT/logs/$pkg-fetch.log)" \
			"check the network; the private apt configuration is under $CACHE/apt"
	fi
	[[ -f $dir/${pkg}_$v.dsc ]] ||
		die "apt-get source $pkg did not give ${pkg}_$v.dsc (got: $(cd "$dir" && echo *))" \
			"the package lists may have changed meanwhile: run this script again"
	touch "$dir/.complete"
}

# build_one PKG: in a subshell; its exit status tells success; details in logs/PKG.log.
build_one() {
	local pkg=$1 v=${VER[$1]} key=${KEY[$1]}
	LOG=$OUT/logs/$pkg.log
	: >"$LOG"
	rm -f "$LOG.failed"
	local work=$OUT/work/$pkg dest=$CACHE/built/$key.tmp.$$
	rm -rf "$work" "$dest"
	mkdir -p "$OUT/work"
	step unpack dpkg-source --no-check -x "$CACHE/src/${pkg}_$v/${pkg}_$v.dsc" "$work"
	cd "$work"
	"build_${pkg//-/_}" "$dest"
	echo "$pkg $v built $(date -u +%FT%TZ) by $0" >"$dest/BUILT"
	rm -rf "${dest%.tmp.*}"
	mv "$dest" "$CACHE/built/$key"
	cd "$OUT"
	rm -rf "$work"
}

declare -A PID=() T0=()
for pkg in "${PACKAGES[@]}"; do
	if [[ -f $CACHE/built/${KEY[$pkg]}/BUILT && ${BATON_FORCE:-0} != 1 ]]; then
		say "$pkg ${VER[$pkg]}: using the cached build ($CACHE/built/${KEY[$pkg]})"
		continue
	fi
	fetch "$pkg" "${VER[$pkg]}"
done
for pkg in "${PACKAGES[@]}"; do
	if [[ -f $CACHE/built/${KEY[$pkg]}/BUILT && ${BATON_FORCE:-0} != 1 ]]; then continue; fi
	say "$pkg ${VER[$pkg]}: building (log: $OUT/logs/$pkg.log)"
	T0[$pkg]=$SECONDS
	(build_one "$pkg") &
	PID[$pkg]=$!
done
failed=()
for pkg in "${!PID[@]}"; do
	if wait "${PID[$pkg]}"; then
		say "$pkg ${VER[$pkg]}: built in $((SECONDS - ${T0[$pkg]})) s"
	else
		failed+=("$pkg")
	fi
done
if ((${#failed[@]})); then
	for pkg in "${failed[@]}"; do
		log=$OUT/logs/$pkg.log
		printf '\n%s: %s %s FAILED: %s\n--- last lines of %s ---\n' "$prog" "$pkg" "${VER[$pkg]}" \
			"$(cat "$log.failed" 2>/dev/null || echo 'see the log')" "$log" >&2
		tail -n 40 "$log" >&2
	done
	die "building ${failed[*]} failed (full logs under $OUT/logs; the source tree is kept under $OUT/work)" \
		"missing tools? run scripts/host-packages.sh; a broken cache? remove $CACHE/src and retry"
fi

# --- assemble OUTDIR ----------------------------------------------------------------------------
rm -rf "${OUT:?}/lib" "${OUT:?}/include" "${OUT:?}/work"
mkdir -p "$OUT/lib" "$OUT/include"
for pkg in "${PACKAGES[@]}"; do
	cp -R "$CACHE/built/${KEY[$pkg]}/lib/." "$OUT/lib/"
	cp -R "$CACHE/built/${KEY[$pkg]}/include/." "$OUT/include/"
done

# --- verify: a static musl program using the three libraries links and runs ------------------------
vdir=$OUT/verify
rm -rf "$vdir"
mkdir -p "$vdir"
cat >"$vdir/verify.c" <<'EOF'
#include <stdio.h>
#include <libmount/libmount.h>
#include <blkid/blkid.h>
#include <libkmod.h>

int main(void)
{
	struct libmnt_context *cxt = mnt_new_context();
	blkid_probe pr = blkid_new_probe();
	struct kmod_ctx *kctx = kmod_new(NULL, NULL);
	const char *blkid_ver = NULL;

	if (!cxt || !pr || !kctx) {
		fprintf(stderr, "verify: mnt_new_context %p, blkid_new_probe %p, kmod_new %p\n",
			(void *)cxt, (void *)pr, (void *)kctx);
		return 1;
	}
	blkid_get_library_version(&blkid_ver, NULL);
	printf("libmount %s, libblkid %s, libkmod ok\n", LIBMOUNT_VERSION, blkid_ver);
	kmod_unref(kctx);
	blkid_free_probe(pr);
	mnt_free_context(cxt);
	return 0;
}
EOF
if ! "$MUSL_CC" -std=gnu11 -Os -Wall -Wextra -Werror -I"$OUT/include" -I"$OUT/kernel-headers" \
	-o "$vdir/verify" "$vdir/verify.c" -static -Wl,--gc-sections -L"$OUT/lib" -lmount -lblkid -lkmod \
	>"$vdir/link.log" 2>&1; then
	cat "$vdir/link.log" >&2
	die "the test program did not link statically against $OUT/lib (-lmount -lblkid -lkmod)" \
		"remove the cached builds ($CACHE/built) and run again; if it persists the recipe needs fixing"
fi
if [[ -n $ARCH ]]; then
	# This machine cannot run it (no qemu-user here): its header must name the target, and it
	# must be static. The QEMU scenarios of that architecture run the init itself.
	elf=$(LC_ALL=C readelf -h -l "$vdir/verify" 2>&1) || die "readelf cannot read the test program: $elf"
	grep -q 'Machine:.*AArch64' <<<"$elf" || die "the $ARCH test program is not an AArch64 ELF file: $(grep Machine: <<<"$elf")"
	! grep -q 'INTERP' <<<"$elf" || die "the $ARCH test program asks for a dynamic loader: not static"
	say "verified: static musl test program for $ARCH links (AArch64, no interpreter)"
else
	if ! result=$("$vdir/verify" 2>&1); then
		die "the static test program failed to run: $result"
	fi
	say "verified: static musl test program runs: $result"
fi
rm -rf "$vdir"

printf '%s\n' "$stamp_want" >"$OUT/.stamp"
touch "$OUT/.done"
say "done in $((SECONDS - start_all)) s: $OUT/lib, $OUT/include, $OUT/kernel-headers"

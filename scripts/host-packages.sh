#!/bin/bash
# SPDX-License-Identifier: MIT
#
# host-packages.sh: install the Debian packages that building (--build) or also testing (--test,
# the default) baton needs, when any is missing. Prints nothing and returns at once when
# everything is installed. `make` asks only for the build side; the checks ask for the rest.
#
#   scripts/host-packages.sh [--build|--test]          install what is missing (needs root)
#   scripts/host-packages.sh [--build|--test] --list   print the package list
#   scripts/host-packages.sh [--build|--test] --check  exit 1 (and name them) if any is missing
#   scripts/host-packages.sh --build --arm64 [...]     the build side of `make ARCH=arm64` too
set -euo pipefail

build_packages=(
	# The PID-1 init: static musl binary.
	musl-tools build-essential
	# Building util-linux (libmount, libblkid) and kmod (libkmod) from Debian's source packages:
	# apt-get source + dpkg-source, then util-linux's autogen.sh (autopoint, gettext, bison,
	# libtool) and kmod's autoreconf (autoconf, automake, libtool, pkg-config's pkg.m4).
	dpkg-dev xz-utils ca-certificates
	autoconf automake libtool pkg-config gettext autopoint bison flex
	# mkinitramfs (host program): libkmod for the module closure, compressors' libraries.
	kmod libkmod-dev libdeflate-dev zlib1g-dev liblzma-dev libzstd-dev liblz4-dev
)
# make ARCH=arm64: the cross compiler (musl and the libraries come from Debian's arm64 packages).
arm64_packages=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu)
test_packages=(
	# The arm64 scenarios (bookworm-arm64): the cross-built init and probe, qemu-system-aarch64.
	"${arm64_packages[@]}" qemu-system-arm
	# Tests: QEMU, real filesystems and partitions, busybox for test images, archive tools.
	qemu-system-x86 e2fsprogs fdisk busybox-static zstd cpio
	# QEMU scenarios: more filesystems, plymouth for --plymouth, debootstrap for the Debian
	# system boot and the benchmark peers.
	xfsprogs btrfs-progs dosfstools plymouth plymouth-themes debootstrap
	# Image and shared roots (16x-17x, tests/qemu/vm.sh): squashfs, erofs, veritysetup, openssl
	# for a verity signature, virtiofsd (qemu-system-common).
	squashfs-tools erofs-utils cryptsetup-bin openssl qemu-system-common
	# A root of a type the quick probe leaves out (144): nilfs2.
	nilfs-tools
	# A trusted verity signature (178): UEFI firmware whose db holds the test's certificate.
	ovmf
	# The keymap before the passphrase prompt (140): kbd's loadkeys and setfont, console-setup's
	# ckbcomp and fonts, as an installed Debian has them.
	kbd console-setup
	# Keymaps recompressed with xz, zstd (xz-utils, zstd above) or bzip2: the generator test.
	bzip2
	# Generator tests: a signal delivered at the rename of the image; Intel's early microcode
	# as initramfs-tools writes it.
	strace iucode-tool
	# Storage stacks (10x-12x, 19x; xz for sid's compressed md modules in the helper VM): disks built in a helper VM with the host's tools, images carrying them.
	mdadm lvm2 thin-provisioning-tools cryptsetup-bin xz-utils
	# TPM2 unlock (138-139): swtpm for QEMU's TPM; systemd for systemd-cryptenroll and its
	# TPM2 token plugin (a container image may lack it); the libraries both load at run time
	# (libtss2-sys comes with libtss2-esys).
	swtpm systemd libtss2-esys-3.0.2-0 libtss2-rc0 libtss2-mu0 libtss2-tcti-device0
	# make deb (dpkg-shlibdeps) and its check.
	dpkg-dev lintian
	# make bench: results.json and --compare (jq); lz4 and zstd (above) read the generator's
	# lz4 and zstd images in the generator and QEMU tests.
	jq lz4
	# Fuzzing and the linters used by the checks.
	clang shellcheck clang-format
)

packages=("${build_packages[@]}")
case ${1:-} in
--build) shift ;;
--test) shift; packages+=("${test_packages[@]}") ;;
*) packages+=("${test_packages[@]}") ;;
esac
if [[ ${1:-} == --arm64 ]]; then
	shift
	packages+=("${arm64_packages[@]}")
fi

if [[ ${1:-} == --list ]]; then
	printf '%s\n' "${packages[@]}"
	exit 0
fi

# One dpkg-query call; "ii " is a fully installed package. Unknown packages print nothing.
declare -A installed=()
while IFS=' ' read -r name status; do
	[[ $status == ii* ]] && installed[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
	[[ -n ${installed[$p]:-} ]] || missing+=("$p")
done

((${#missing[@]} == 0)) && exit 0

if [[ ${1:-} == --check ]]; then
	echo "host-packages: missing Debian packages: ${missing[*]}" >&2
	exit 1
fi

if ((EUID != 0)); then
	{
		echo "host-packages: error: these Debian packages are needed but not installed:"
		echo "  ${missing[*]}"
		echo "Install them as root:"
		echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
	} >&2
	exit 1
fi

echo "host-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp "${TMPDIR:-/tmp}/baton-host-packages.XXXXXX")
trap 'rm -f "$log"' EXIT
if ! apt-get -o DPkg::Lock::Timeout=600 update >"$log" 2>&1; then
	echo "host-packages: error: apt-get update failed:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
if ! apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
	echo "host-packages: error: apt-get install failed for: ${missing[*]}" >&2
	tail -n 30 "$log" >&2
	exit 1
fi
echo "host-packages: installed ${#missing[@]} package(s)" >&2

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The longest command line the kernel allows is read whole: root= as its very last word, after
# padding, still finds the root, rd.shell= and the words for the init are honoured, and the
# init gets exactly its words. On x86 the boot loader's line stops at COMMAND_LINE_SIZE - 1
# (2047 bytes, the bzImage header's cmdline_size); bootconfig (CONFIG_BOOT_CONFIG, a blob
# appended to the initrd, "bootconfig" on the line) puts its "kernel" keys in front of it and
# makes /proc/cmdline longer than 2048 bytes. Debian's 6.1 and 7.x kernels are built without
# CONFIG_BOOT_CONFIG, so there the line is the longest -append the kernel keeps; a kernel with
# it gets the bootconfig padding as well (that branch has not run on Debian's kernels).
# kernels: sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_begin

uuid=51e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e551
# COMMAND_LINE_SIZE on x86 (arch/x86/include/uapi/asm/setup.h); the kernel keeps one byte less.
readonly CMDLINE_KEPT=2047
# What boot puts in front of the words (lib.sh), counted into the length.
readonly BOOT_PREFIX='console=ttyS0 panic=-1 '
# Bytes of bootconfig padding, enough to pass 2048 on its own.
readonly BOOTCONFIG_PAD=2400

root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

# kernel_config: the booted kernel's config file.
kernel_config() {
	local f
	for f in "$KERNEL_TREE/boot/config-$KVER" "$KERNEL_TREE/usr/lib/modules/$KVER/config"; do
		[[ -f $f ]] && { printf '%s\n' "$f"; return 0; }
	done
	die "no config of $KVER in $KERNEL_TREE"
}

# bootconfig_append IMG TEXT: TEXT as a bootconfig blob at the end of IMG, in the layout
# Documentation/admin-guide/bootconfig.rst gives: data, NUL padding to 4 bytes of total size,
# le32 size, le32 checksum (the sum of the data bytes), "#BOOTCONFIG\n".
bootconfig_append() {
	python3 - "$1" "$2" <<'PY'
import os, struct, sys
path, text = sys.argv[1], sys.argv[2]
data = text.encode() + b"\0"
total = os.path.getsize(path) + len(data) + 8 + 12
data += b"\0" * ((4 - total % 4) % 4)
with open(path, "ab") as f:
    f.write(data + struct.pack("<II", len(data), sum(data) & 0xFFFFFFFF) + b"#BOOTCONFIG\n")
PY
}

# Words the init must get: "single" as argv, batontest51=yes as environment; root= last.
words=(single batontest51=yes rd.shell=0)
last_word="root=UUID=$uuid"
if grep -qx 'CONFIG_BOOT_CONFIG=y' "$(kernel_config)"; then
	note "$KVER has CONFIG_BOOT_CONFIG: $BOOTCONFIG_PAD bytes of bootconfig keys in front"
	cp "$BATON_INITRD" initrd.img
	text=''
	for ((i = 0; ${#text} < BOOTCONFIG_PAD; i++)); do
		text+="kernel.batonpad.b$i = \"$(printf '%*s' 100 '' | tr ' ' b)\""$'\n'
	done
	bootconfig_append initrd.img "$text"
	boot --initrd initrd.img bootconfig "${words[@]}" "$last_word"
else
	note "$KVER has no CONFIG_BOOT_CONFIG: the longest line it keeps ($CMDLINE_KEPT bytes)"
	# Dotted words are module parameters: the kernel neither keeps them nor hands them to init.
	pad_word=batonpad.last=
	line="$BOOT_PREFIX${words[*]}"
	for ((i = 0; ${#line} + 1 + ${#last_word} < CMDLINE_KEPT - 40; i++)); do
		words+=("batonpad.p$i=$(printf '%*s' 30 '' | tr ' ' p)")
		line="$BOOT_PREFIX${words[*]}"
	done
	fill=$((CMDLINE_KEPT - ${#line} - 1 - ${#pad_word} - 1 - ${#last_word}))
	words+=("$pad_word$(printf '%*s' "$fill" '' | tr ' ' l)")
	line="$BOOT_PREFIX${words[*]} $last_word"
	((${#line} == CMDLINE_KEPT)) || die "the line is ${#line} bytes, not $CMDLINE_KEPT"
	boot "${words[@]}" "$last_word"
fi
expect_baton "started, root=UUID=$uuid" "root= at the end of the line was read"
expect_probe_ok ext4 /dev/vda
expect '^BATON-PROBE: argv\[1\]=single$' "single reaches argv"
expect_count '^BATON-PROBE: argv\[' 2 "argv is exactly init and single"
expect '^BATON-PROBE: env batontest51=yes$' "k=v reaches the environment"
expect_not '^BATON-PROBE: env batonpad' "module parameters are not environment"

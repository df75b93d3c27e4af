# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers of the image and shared root scenarios (16x-18x): squashfs, erofs, dm-verity disks,
# an image carrying veritysetup, virtiofs and 9p shares. Sourced after lib.sh.

# The PARTUUIDs systemd derives from a root hash: the first and the last 128 bits as UUIDs.
verity_uuid() {
	local h=${1,,}
	printf '%s-%s-%s-%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:12:4}" "${h:16:4}" "${h:20:12}"
}
verity_data_partuuid() { verity_uuid "${1:0:32}"; }
verity_hash_partuuid() { verity_uuid "${1: -32}"; }

# disk_squashfs IMG TREE: a squashfs image of TREE, files owned by root, fixed times.
disk_squashfs() {
	rm -f "$1"
	SOURCE_DATE_EPOCH=0 mksquashfs "$2" "$1" -noappend -all-root -quiet -no-progress >/dev/null ||
		die "mksquashfs $1 failed"
}

# disk_erofs IMG TREE [UUID]: an erofs image of TREE (mkfs.erofs 1.5 sets no label).
disk_erofs() {
	local -a opts=(--all-root -T0)
	[[ -n ${3:-} ]] && opts+=("-U$3")
	rm -f "$1"
	mkfs.erofs "${opts[@]}" "$1" "$2" >/dev/null 2>&1 || die "mkfs.erofs $1 failed"
}

# verity_format DATA HASH: makes the hash tree of DATA in the file HASH (veritysetup in user
# space, no device-mapper needed) and prints the root hash.
verity_format() {
	local out
	rm -f "$2"
	out=$(veritysetup format "$1" "$2") || die "veritysetup format $1 $2 failed"
	sed -n 's/^Root hash:[[:space:]]*//p' <<<"$out"
}

# disk_gpt_images IMG FILE:PARTUUID:NAME...: a GPT disk whose partitions hold the files given,
# each in a partition of whole MiB, with that PARTUUID and name.
disk_gpt_images() {
	local img=$1 spec file uuid name start=1 mb
	local -a script=("label: gpt" "unit: sectors") places=()
	shift
	for spec in "$@"; do
		IFS=: read -r file uuid name <<<"$spec"
		mb=$((($(stat -c %s "$file") + 1048575) / 1048576))
		script+=("start=$((start * 2048)), size=$((mb * 2048)), type=L, uuid=$uuid, name=\"$name\"")
		places+=("$start:$file")
		start=$((start + mb))
	done
	rm -f "$img"
	truncate -s "$((start + 1))M" "$img"
	printf '%s\n' "${script[@]}" | sfdisk --quiet --no-reread --no-tell-kernel "$img" >/dev/null ||
		die "sfdisk failed on $img"
	for spec in "${places[@]}"; do
		dd if="${spec#*:}" of="$img" bs=1M seek="${spec%%:*}" conv=notrunc status=none
	done
}

# _tree_add_host_program TREE PROG: PROG from this host with the libraries ldd names, into TREE
# (new files only: TREE is a hard-link farm of the kernel tree, whose files must not change).
_tree_add_host_program() {
	local tree=$1 prog lib
	prog=$(command -v "$2") || die "$2 is not installed on this host"
	mkdir -p "$tree$(dirname "$prog")"
	rm -f "$tree$prog"
	cp -L "$prog" "$tree$prog"
	while read -r lib; do
		mkdir -p "$tree$(dirname "$lib")"
		rm -f "$tree$lib"
		cp -L "$lib" "$tree$lib"
	done < <(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
}

# initramfs_verity: the generic image plus the host's veritysetup (Debian's cryptsetup-bin),
# which the verity stack adds by itself when the tree has it: the kernel tree hard-linked with
# veritysetup added.
# Made once per kernel and kept while the generator, build/init and veritysetup are unchanged;
# exports VERITY_INITRD.
initramfs_verity() {
	local tree=$BATON_TESTS/verity-tree-$KVER out=$BATON_TESTS/initrd-verity-$KVER.img dep
	local stale=0
	exec {lock}>"$BATON_TESTS/verity-$KVER.lock"
	flock "$lock"
	if [[ ! -f $tree/.done ]]; then
		rm -rf "$tree"
		mkdir -p "$tree/etc"
		cp -al "$KERNEL_TREE/." "$tree/"
		_tree_add_host_program "$tree" veritysetup
		cp -a /etc/ld.so.conf /etc/ld.so.conf.d "$tree/etc/" 2>/dev/null || true
		touch "$tree/.done"
	fi
	[[ -f $out ]] || stale=1
	for dep in "$BATON_MKINITRAMFS" "$BATON_BUILD/init" "$(command -v veritysetup)"; do
		[[ $dep -nt $out ]] && stale=1
	done
	if ((stale)); then
		"$BATON_MKINITRAMFS" -o "$out.$$.tmp" -k "$KVER" -b "$tree" ||
			die "mkinitramfs failed (the verity stack comes with the tree's veritysetup)"
		mv "$out.$$.tmp" "$out"
	fi
	exec {lock}>&-
	VERITY_INITRD=$out
	export VERITY_INITRD
}

# share_memory [MB]: the shared guest memory vhost-user devices (virtiofs) need; MB as -m
# (default 512, as boot).
share_memory() {
	QEMU_DISK_ARGS+=(-object "memory-backend-memfd,id=mem,size=${1:-512}M,share=on" -numa "node,memdev=mem")
}

# share_virtiofs DIR TAG [MB]: a virtiofsd (QEMU's, from qemu-system-common) serving DIR, and the
# vhost-user-fs device with TAG for the next boot. virtiofsd exits when QEMU goes.
VIRTIOFSD=${VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
share_virtiofs() {
	local dir=$1 tag=$2 sock=$WORK/virtiofs.sock
	[[ -x $VIRTIOFSD ]] || die "no $VIRTIOFSD (apt-get install qemu-system-common)"
	rm -f "$sock"
	"$VIRTIOFSD" --socket-path="$sock" -o source="$(realpath "$dir")" -o cache=auto \
		-o sandbox=chroot >"$WORK/virtiofsd.log" 2>&1 &
	VIRTIOFSD_PID=$!
	export VIRTIOFSD_PID
	for _ in $(seq 50); do
		[[ -S $sock ]] && break
		sleep 0.1
	done
	[[ -S $sock ]] || die "virtiofsd did not create $sock: $(cat "$WORK/virtiofsd.log")"
	share_memory "${3:-512}"
	QEMU_DISK_ARGS+=(-chardev "socket,id=vfs0,path=$sock" -device "vhost-user-fs-pci,chardev=vfs0,tag=$tag")
}

# share_9p DIR TAG [--ro]: DIR as a 9p share over virtio with TAG for the next boot.
share_9p() {
	local ro=''
	[[ ${3:-} == --ro ]] && ro=,readonly=on
	QEMU_DISK_ARGS+=(-fsdev "local,id=fs9p0,path=$(realpath "$1"),security_model=none$ro"
		-device "virtio-9p-pci,fsdev=fs9p0,mount_tag=$2")
}

# root_tree_writer DIR: root_tree DIR whose /sbin/init (busybox sh) writes /written and says
# "BATON-WRITE: ok" or "BATON-WRITE: failed", then execs the probe (/sbin/probe) as PID 1.
root_tree_writer() {
	local busybox
	busybox=$(command -v busybox) || die "busybox is missing (apt-get install busybox-static)"
	root_tree "$1" --init /sbin/probe --dir /bin
	install -m 0755 "$busybox" "$1/bin/busybox"
	cat >"$1/sbin/init" <<'INIT'
#!/bin/busybox sh
if echo "written by the real init" >/written 2>/dev/null; then
	echo "BATON-WRITE: ok" >/dev/console
else
	echo "BATON-WRITE: failed" >/dev/console
fi
exec /sbin/probe "$@"
INIT
	chmod 0755 "$1/sbin/init"
}

# expect_overlay_root LOWER_FSTYPE LOWER_SOURCE_REGEX: / is an overlay, writable, the real init
# could write to it, and the root as mounted is read-only under /run/baton/lower.
expect_overlay_root() {
	expect '^BATON-PROBE: OK$' "the probe init reached its end"
	expect '^BATON-PROBE: pid=1$' "the probe ran as PID 1"
	expect '^BATON-PROBE: mountinfo [0-9]+ [0-9]+ 0:[0-9]+ / / rw[, ].* - overlay overlay ' \
		"/ is a writable overlay"
	expect '^BATON-WRITE: ok$' "the real init wrote to /"
	expect "^BATON-PROBE: mount [0-9]+ [0-9]+ [0-9]+:[0-9]+ [^ ]+ /run/baton/lower ro[, ].* - $1 $2 " \
		"the lower layer, $1 from $2, read-only under /run/baton/lower"
	expect_baton 'the root is an overlay: ' "baton says what it overlaid"
	expect_switch_path
}

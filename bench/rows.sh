# SPDX-License-Identifier: MIT
# shellcheck shell=bash source-path=SCRIPTDIR
# shellcheck disable=SC2034,SC2153 # globals shared with bench/run.sh and the test libraries
# The bench's rows for the storage stacks and image roots: the same probe as the real init on a
# plain ext4 root, on LUKS2 on LVM on RAID 1 (baton's image against dracut's), on squashfs +
# dm-verity + overlay and on a virtiofs share, booted in turn BENCH_RUNS times, and the time
# tests/qemu/vm.sh takes from QEMU's start to its command's start. Sourced by bench/run.sh;
# BENCH_ROWS=0 skips the rows, BENCH_ONLY=rows runs nothing else.
#
# The stack's disks are lib-stacks.sh's server layout (the one scenario 114 boots), made in the
# helper VM and cached by their inputs; its LUKS2 container uses pbkdf2 with a fixed small
# iteration count, so the KDF does not dominate. Both images unlock it with a keyfile they
# carry (its bytes are the layout's passphrase), so no typing is timed.

# shellcheck source=../tests/qemu/lib-stacks.sh
. "$BENCH_DIR/../tests/qemu/lib-stacks.sh"
# shellcheck source=../tests/qemu/lib-images.sh
. "$BENCH_DIR/../tests/qemu/lib-images.sh"

# The rows in the order of each round, with their labels; the first is the reference.
readonly ROWS=(row-ext4 row-stack-baton row-stack-dracut row-verity row-virtiofs vm-sh)
declare -A ROW_LABEL=(
	[row-ext4]='ext4 on virtio-blk, baton generic (reference)'
	[row-stack-baton]='LUKS2 on LVM on RAID 1, baton'
	[row-stack-dracut]='LUKS2 on LVM on RAID 1, dracut'
	[row-verity]='squashfs + dm-verity + overlay, baton'
	[row-virtiofs]='virtiofs (virtiofsd), baton generic'
	[vm-sh]='tests/qemu/vm.sh true (wall time, host clock)'
)
# Where each image finds the keyfile, and its path in dracut's chroot before --include.
readonly ROWS_KEY_PATH=/etc/keys/bench-root.key
readonly ROWS_KEY_CHROOT=/tmp/bench-root.key
# The virtiofs share's tag.
readonly ROWS_VIRTIOFS_TAG=benchroot
# vm.sh's own bound of one run (its default is 600 s).
readonly ROWS_VM_TIMEOUT=300

# Per row: the image, the command line words after the fixed ones, the disks (QEMU arguments).
declare -A ROW_IMG=() ROW_CMDLINE=() ROW_DISKS=() ROW_DESC=()

# _rows_drive IMG N: the QEMU arguments of virtio-blk disk N holding IMG, never written.
_rows_drive() {
	printf -- '-drive\nfile=%s,if=none,format=raw,id=r%s,snapshot=on\n-device\nvirtio-blk-pci,drive=r%s\n' \
		"$1" "$2" "$2"
}

# _rows_root_tree DIR: a root whose /sbin/init is the probe, with an os-release, which
# systemd's switch-root (dracut's image) asks of an OS tree.
_rows_root_tree() {
	rm -rf "$1"
	root_tree "$1" --dir /etc
	printf 'ID=baton-bench\nNAME="baton bench probe root"\n' >"$1/etc/os-release"
}

# _rows_add_key IMG: IMG with the stack's keyfile at ROWS_KEY_PATH (mode 0600, 0:0), as an
# uncompressed cpio archive in front of it (the kernel unpacks one archive after the other).
_rows_add_key() {
	local img=$1 dir=$ROWS_WORK/key-cpio
	rm -rf "$dir"
	mkdir -p "$dir$(dirname "$ROWS_KEY_PATH")"
	install -m 0600 "$ROWS_WORK/root.key" "$dir$ROWS_KEY_PATH"
	(cd "$dir" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) >"$img.key" || die "rows: cpio of the keyfile failed"
	cat "$img.key" "$img" >"$img.new"
	mv -f "$img.new" "$img"
	rm -f "$img.key"
}

# _rows_md_uuid IMG: the array UUID in the md superblock on IMG's first partition (mdadm
# --examine of a sparse copy of its first MiBs at full size: no md needed in the host kernel).
_rows_md_uuid() {
	local start size part=$ROWS_WORK/md-part.img uuid
	read -r start size < <(sfdisk -d "$1" |
		sed -n "s|^$1""1 : start= *\([0-9]*\), size= *\([0-9]*\),.*|\1 \2|p")
	[[ -n ${size:-} ]] || die "rows: no partition 1 on $1"
	rm -f "$part"
	dd if="$1" of="$part" bs=512 skip="$start" count=16384 conv=sparse status=none
	truncate -s $((size * 512)) "$part"
	uuid=$(mdadm --examine "$part" | sed -n 's/^ *Array UUID : \([0-9a-f:]*\).*/\1/p')
	rm -f "$part"
	[[ -n $uuid ]] || die "rows: no md array UUID on $1"
	printf '%s\n' "$uuid"
}

# _rows_dracut_image: dracut's image for the stack, made in the stacks chroot with its crypt,
# lvm and mdraid modules and the keyfile, cached beside the chroot with the command it was made
# by (made again when that changes); prints its path.
_rows_dracut_image() {
	local root=$BENCH_STACKS_CHROOT dir img
	local -a cmd=(dracut --no-hostonly --force --add 'crypt lvm mdraid'
		--include "$ROWS_KEY_CHROOT" "$ROWS_KEY_PATH" --kver "$KVER" /tmp/bench.img)
	dir=$root.images
	img=$dir/dracut-stacks.img
	if [[ ! -f $dir/dracut-stacks.done || $(cat "$dir/dracut-stacks.cmd") != "${cmd[*]}" ]] ||
		! cmp -s "$ROWS_WORK/root.key" "$root$ROWS_KEY_CHROOT"; then
		mkdir -p "$dir"
		rm -f "$dir/dracut-stacks.done"
		install -m 0600 "$ROWS_WORK/root.key" "$root$ROWS_KEY_CHROOT"
		note "bench: dracut's image for the stack rows (${cmd[*]})"
		bench_gen_in_chroot "$root" "$img" "$dir/dracut-stacks.log" "${cmd[@]}" >/dev/null
		printf '%s\n' "${cmd[*]}" >"$dir/dracut-stacks.cmd"
		touch "$dir/dracut-stacks.done"
	fi
	printf '%s\n' "$img"
}

# rows_setup: the disks and images of every row; fills ROW_IMG, ROW_CMDLINE, ROW_DISKS.
rows_setup() {
	local hash a b
	ROWS_WORK=$OUT/rows
	rm -rf "$ROWS_WORK"
	mkdir -p "$ROWS_WORK"
	# lib-disks.sh's helper boot and payloads live in WORK.
	WORK=$ROWS_WORK
	bench_prepare_stacks

	# 1. The reference: the bench's root disk with baton's generic image, as the main table.
	ROW_IMG[row-ext4]=$OUT/images/baton-generic.img
	ROW_CMDLINE[row-ext4]="root=UUID=$BENCH_ROOT_UUID ro"
	ROW_DISKS[row-ext4]=$(_rows_drive "$BENCH_ROOT_IMG" 0)
	ROW_DESC[row-ext4]="root=UUID= ro"

	# 2. RAID 1 -> LUKS2 -> LVM -> ext4 on two virtio disks (one GPT "Linux RAID" partition
	# each), built in the helper VM and cached.
	_rows_root_tree "$ROWS_WORK/stack-root"
	a=$ROWS_WORK/stack-a.img
	b=$ROWS_WORK/stack-b.img
	stacks_server_layout "$a" "$b" "$ROWS_WORK/stack-root"
	disks_build
	printf '%s' "$STACKS_LUKS_PASS" >"$ROWS_WORK/root.key"
	ROW_DISKS[row-stack-baton]=$(_rows_drive "$a" 0; _rows_drive "$b" 1)
	ROW_DISKS[row-stack-dracut]=${ROW_DISKS[row-stack-baton]}
	note "bench: baton's image for the stack rows (from $BENCH_STACKS_CHROOT)"
	baton_mkinitramfs -o "$ROWS_WORK/baton-stacks.img" -k "$KVER" -b "$BENCH_STACKS_CHROOT" \
		--stack md,lvm,luks --no-stack verity >"$ROWS_WORK/baton-stacks.log" 2>&1 ||
		{ cat "$ROWS_WORK/baton-stacks.log" >&2; die "mkinitramfs for the stack rows failed"; }
	_rows_add_key "$ROWS_WORK/baton-stacks.img"
	ROW_IMG[row-stack-baton]=$ROWS_WORK/baton-stacks.img
	ROW_CMDLINE[row-stack-baton]="root=UUID=$STACKS_SERVER_UUID ro rd.luks.key=$ROWS_KEY_PATH"
	ROW_DESC[row-stack-baton]="root=UUID= rd.luks.key= (keyfile in the image), no other hint"
	ROW_IMG[row-stack-dracut]=$(_rows_dracut_image)
	# dracut assembles, unlocks and activates nothing unless named (rd.md.uuid=, rd.luks.uuid=,
	# rd.lvm.lv=) or told rd.auto=1 (its modules.d/90mdraid, 90crypt and 90lvm parse-*.sh):
	# it gets the three names, as its host-only mode and installers write them.
	ROW_CMDLINE[row-stack-dracut]="root=UUID=$STACKS_SERVER_UUID ro rd.md.uuid=$(_rows_md_uuid "$a") rd.luks.uuid=$STACKS_SERVER_LUKS rd.lvm.lv=vg4/root rd.luks.key=$ROWS_KEY_PATH"
	ROW_DESC[row-stack-dracut]="root=UUID= rd.md.uuid= rd.luks.uuid= rd.lvm.lv= rd.luks.key= (keyfile in the image by --include)"

	# 3. squashfs + dm-verity found by the GPT partition UUIDs derived from roothash=, with a
	# tmpfs overlay (scenario 163's layout without its decoy).
	_rows_root_tree "$ROWS_WORK/verity-root"
	disk_squashfs "$ROWS_WORK/root.sqfs" "$ROWS_WORK/verity-root"
	hash=$(verity_format "$ROWS_WORK/root.sqfs" "$ROWS_WORK/root.verity")
	disk_gpt_images "$ROWS_WORK/verity.img" \
		"$ROWS_WORK/root.sqfs:$(verity_data_partuuid "$hash"):root-data" \
		"$ROWS_WORK/root.verity:$(verity_hash_partuuid "$hash"):root-hash"
	baton_mkinitramfs -o "$ROWS_WORK/baton-verity.img" -k "$KVER" -b "$BENCH_STACKS_CHROOT" \
		--stack verity --no-stack md,lvm,luks >"$ROWS_WORK/baton-verity.log" 2>&1 ||
		{ cat "$ROWS_WORK/baton-verity.log" >&2; die "mkinitramfs for the verity row failed"; }
	ROW_IMG[row-verity]=$ROWS_WORK/baton-verity.img
	ROW_CMDLINE[row-verity]="roothash=$hash systemd.volatile=overlay"
	ROW_DISKS[row-verity]=$(_rows_drive "$ROWS_WORK/verity.img" 0)
	ROW_DESC[row-verity]="roothash= systemd.volatile=overlay"

	# 4. A virtiofs share of a directory (virtiofsd started before each boot, so its start is
	# outside the guest's clock), read-only with baton's tmpfs overlay.
	[[ -x $VIRTIOFSD ]] || die "no $VIRTIOFSD (apt-get install qemu-system-common)"
	_rows_root_tree "$ROWS_WORK/virtiofs-root"
	ROW_IMG[row-virtiofs]=$OUT/images/baton-generic.img
	ROW_CMDLINE[row-virtiofs]="root=virtiofs:$ROWS_VIRTIOFS_TAG"
	ROW_DISKS[row-virtiofs]=$(printf -- '%s\n' \
		-object "memory-backend-memfd,id=mem,size=${MEM}M,share=on" -numa node,memdev=mem \
		-chardev "socket,id=vfs0,path=$ROWS_WORK/virtiofs.sock" \
		-device "vhost-user-fs-pci,chardev=vfs0,tag=$ROWS_VIRTIOFS_TAG")
	ROW_DESC[row-virtiofs]="root=virtiofs:TAG"
	ROW_DESC[vm-sh]="QEMU start to the command's start, as vm.sh prints it"
}

# _rows_virtiofsd_start: a virtiofsd serving the virtiofs row's root on its socket, as
# lib-images.sh's share_virtiofs starts it; sets ROWS_VIRTIOFSD_PID. It exits when QEMU goes.
_rows_virtiofsd_start() {
	local sock=$ROWS_WORK/virtiofs.sock i
	rm -f "$sock"
	"$VIRTIOFSD" --socket-path="$sock" -o source="$ROWS_WORK/virtiofs-root" -o cache=auto \
		-o sandbox=chroot >>"$ROWS_WORK/virtiofsd.log" 2>&1 &
	ROWS_VIRTIOFSD_PID=$!
	for ((i = 0; i < 50; i++)); do
		[[ -S $sock ]] && return 0
		sleep 0.1
	done
	die "virtiofsd did not create $sock: $(cat "$ROWS_WORK/virtiofsd.log")"
}

# row_boot ROW LOG: one boot of ROW (as boots.sh's boot_one: the probe's wait, icount when
# set, booted again when the host stalled the guest's clock); the console goes to LOG.
row_boot() {
	local row=$1 log=$2 rc=0 attempt
	local -a disks=()
	mapfile -t disks <<<"${ROW_DISKS[$row]}"
	for ((attempt = 1; attempt <= BENCH_BOOT_ATTEMPTS; attempt++)); do
		rc=0
		[[ $row != row-virtiofs ]] || _rows_virtiofsd_start
		# shellcheck disable=SC2086 # ICOUNT_ARGS: nothing, or words
		timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg $ICOUNT_ARGS \
			-m "$MEM" -smp 1 -nographic -no-reboot -nodefaults -no-user-config \
			-serial "file:$log.serial" -kernel "$VMLINUZ" -initrd "${ROW_IMG[$row]}" \
			-append "console=ttyS0 panic=-1 probe.wait=$PROBE_WAIT_SEC ${ROW_CMDLINE[$row]}" \
			"${disks[@]}" </dev/null >"$log.qemu" 2>&1 || rc=$?
		if [[ $row == row-virtiofs ]]; then
			kill "$ROWS_VIRTIOFSD_PID" 2>/dev/null || true
			wait "$ROWS_VIRTIOFSD_PID" 2>/dev/null || true
		fi
		tr -d '\r' <"$log.serial" >"$log"
		rm -f "$log.serial"
		host_stalled "$log" || break
		note "bench: $(basename "$log"): the host stalled the guest's early clock; booting again"
	done
	[[ -s $log.qemu ]] || rm -f "$log.qemu"
	return "$rc"
}

# rows_vm LOG: one run of tests/qemu/vm.sh with `true`; prints the seconds from QEMU's start to
# the command's start that vm.sh reports.
rows_vm() {
	local log=$1 t
	BATON_TIMEOUT=$ROWS_VM_TIMEOUT "$BATON_TOP/tests/qemu/vm.sh" --timeout "$ROWS_VM_TIMEOUT" \
		-- true >"$log" 2>&1 || return 1
	t=$(sed -n 's/^vm\.sh: the command started \([0-9.]*\) s after QEMU started$/\1/p' "$log")
	[[ -n $t ]] || return 1
	printf '%s\n' "$t"
}

# rows_boots: every row, RUNS rounds in turn, into OUT/rows.tsv (raw.tsv's columns; the disk
# column is the row's count of disks; vm.sh's time is its boottime column).
rows_boots() {
	local run row log vals
	rows_setup
	printf 'tool\tdisks\trun\tboottime\tphase\tmemfree_kb\tunpack\tfound\n' >"$OUT/rows.tsv"
	ROWS_FAILURES=0
	note "bench: $RUNS rounds of the storage stack and image root rows"
	for ((run = 1; run <= RUNS; run++)); do
		for row in "${ROWS[@]}"; do
			log=$OUT/logs/$row-r$run.log
			if [[ $row == vm-sh ]]; then
				if vals=$(rows_vm "$log"); then
					printf '%s\t0\t%s\t%s\t-\t-\t-\t-\n' "$row" "$run" "$vals" >>"$OUT/rows.tsv"
					note "bench: run $run/$RUNS, ${ROW_LABEL[$row]}: the command started at $vals s"
					continue
				fi
			elif row_boot "$row" "$log" && vals=$(parse_log "$log"); then
				printf '%s\t%s\t%s\t%s\n' "$row" "$(_rows_ndisks "$row")" "$run" "$vals" \
					>>"$OUT/rows.tsv"
				note "bench: run $run/$RUNS, ${ROW_LABEL[$row]}: $(cut -f1,2 <<<"$vals" |
					awk '{ printf "real init at %s s, initramfs phase %s s", $1, $2 }')"
				continue
			fi
			ROWS_FAILURES=$((ROWS_FAILURES + 1))
			note "bench: run $run/$RUNS, ${ROW_LABEL[$row]}: FAILED (log $log)"
			tail -n 15 "$log" >&2 || true
		done
	done
}

# _rows_ndisks ROW: how many virtio disks ROW boots with.
_rows_ndisks() {
	grep -c '^virtio-blk-pci,' <<<"${ROW_DISKS[$1]}" || true
}

# rows_report: the table "Storage stacks and image roots" (Markdown) on stdout.
rows_report() {
	local row s ref
	[[ -f $OUT/rows.tsv ]] || return 0
	printf '\n### Storage stacks and image roots\n\n'
	printf 'The probe as the real init on each root, the rows booted in turn, %s rounds' "$RUNS"
	# shellcheck disable=SC2016 # Markdown code quotes, not shell
	[[ -z $ICOUNT_ARGS ]] || printf ' (`%s`: guest time)' "$ICOUNT_ARGS"
	printf '. The initramfs phase is "Run /init" to the probe'"'"'s start. LUKS2 uses pbkdf2 with 1000 iterations; both images unlock it with a keyfile they carry. virtiofsd starts before QEMU, so the virtiofs phase does not include its start. vm.sh is timed on the host clock from QEMU'"'"'s start to its command'"'"'s start, without icount, so the machine'"'"'s load counts in it.\n\n'
	printf '| root | command line | real init starts (s) | initramfs phase (s) | phase / reference | image (MiB) |\n|---|---|---|---|---|---|\n'
	ref=$(awk -F'\t' 'NR > 1 && $1 == "row-ext4" { print $5 }' "$OUT/rows.tsv" | median_of)
	for row in "${ROWS[@]}"; do
		s=$(awk -F'\t' -v r="$row" 'NR > 1 && $1 == r' "$OUT/rows.tsv")
		if [[ $row == vm-sh ]]; then
			printf '| %s | %s | %s | - | - | - |\n' "${ROW_LABEL[$row]}" "${ROW_DESC[$row]:-}" \
				"$(show 1 2 "$(cut -f4 <<<"$s" | grep -v '^-*$' | median_of)")"
			continue
		fi
		printf '| %s | %s | %s | %s | %s | %s |\n' "${ROW_LABEL[$row]}" "${ROW_DESC[$row]:-}" \
			"$(show 1 2 "$(cut -f4 <<<"$s" | grep -v '^-*$' | median_of)")" \
			"$(show 1 2 "$(cut -f5 <<<"$s" | grep -v '^-*$' | median_of)")" \
			"$(ratio "$(cut -f5 <<<"$s" | grep -v '^-*$' | median_of | cut -d' ' -f1)" \
				"${ref%% *}")" \
			"$(show 1048576 2 "$(stat -c %s "${ROW_IMG[$row]}" 2>/dev/null || echo -)")"
	done
	if ((ROWS_FAILURES)); then
		printf '\n%d boots of these rows failed and are left out (logs in build/bench/logs).\n' \
			"$ROWS_FAILURES"
	fi
}

# rows_only: BENCH_ONLY=rows: bench_setup's pieces, the rows, results.md (their table) and
# results.json (their figures).
rows_only() {
	bench_setup
	load_wait
	HOST_DESC+=", load $(cut -d' ' -f1-3 /proc/loadavg) at start"
	rows_boots
	LOAD_END=$(cut -d' ' -f1 /proc/loadavg)
	HOST_DESC+=", $(cut -d' ' -f1-3 /proc/loadavg) at end"
	: >"$OUT/figures.tsv"
	figures_from_raw "$OUT/rows.tsv" row
	write_json
	{
		printf '%s, kernel %s, QEMU %s, host %s; only the rows (BENCH_ONLY=rows).\n' \
			"$(date -u +%Y-%m-%d)" "$KVER" "$QEMU_VERSION" "$HOST_DESC"
		rows_report
	} >"$OUT/results.md"
	cat "$OUT/results.md"
}

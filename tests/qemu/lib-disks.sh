# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The one disk library of the stack scenarios (md, LVM, LUKS, btrfs, and Debian on them): each
# disk is described once by a job, cached by its inputs, and every job of a scenario missing
# from the cache is made in one helper-VM boot. Sourced after lib.sh (lib-stacks.sh,
# lib-luks.sh and lib-shutdown.sh source it themselves).
#
#   disk_job [--payload TREE] [--prog PROG]... [--copy SRC=DEST]... [--input IMG]... \
#            [--name NAME] SCRIPT IMG...
#     Queues a job: SCRIPT (busybox sh -e) changes the images IMG... (made by the scenario,
#     e.g. blank or partitioned by disk_partitioned), written as if they alone were attached:
#     the first IMG is /dev/vdb, the next /dev/vdc, then each --input IMG (read-only, not
#     copied back: a big image that only feeds the job, keyed by its name and size, so its
#     name must change with its content, as mkdebian.sh's does). The payload TREE is at
#     /payload, SRC at DEST, and the programs of DISKS_GUEST_PROGS and each PROG are there
#     with their libraries. `lvm SUBCOMMAND ARGS` works with no udev and sees only this job's
#     disks and what is built on them. After SCRIPT, every dm-crypt mapping is closed, every
#     volume group deactivated and every array stopped, so the images are clean.
#     The images are cached in $BATON_CACHE/disks/KEY/, KEY a hash of SCRIPT, the IMG
#     contents, the inputs' names and sizes, the payload, the copies, the PROGs and the
#     versions of the tools. Secrets a script needs (a passphrase) belong in SCRIPT itself.
#   disks_build
#     Makes every queued job that is not cached, all in one helper-VM boot, and copies each
#     job's cached images over its IMG... Called by attach (lib.sh) before the first disk of a
#     scenario is attached, so a scenario only declares its disks; call it by hand to use the
#     images before attaching them.
#   stacks_initramfs, stacks_base_tree: see below (the helper VM boots the former).

[[ -z ${_DISKS_LIB:-} ]] || return 0
_DISKS_LIB=$(realpath "${BASH_SOURCE[0]}")

# The tools a stack image and the helper VM carry, from the host (their Debian packages are in
# scripts/host-packages.sh's test list).
readonly STACKS_TOOLS='mdadm lvm thin_check cryptsetup'
readonly DISKS_GUEST_PROGS='mdadm lvm cryptsetup mkfs.ext4 mkfs.btrfs btrfs blkid sfdisk e2image'
readonly STACKS_PACKAGES='mdadm lvm2 thin-provisioning-tools cryptsetup-bin btrfs-progs e2fsprogs'
# The helper's modules: md with its levels, device-mapper targets with dm-crypt's ciphers
# (aes, sha256 and cbc are built into Debian's kernels; xts and ecb are modules), btrfs.
readonly DISKS_GUEST_MODULES='md_mod,raid0,raid1,raid10,raid456,dm_mod,dm_snapshot,dm_thin_pool,dm_crypt,xts,ecb,algif_skcipher,btrfs'
# A helper boot writes every missing disk of a scenario; a Debian copied through dm-crypt and
# RAID 1 under TCG takes minutes, a few small disks seconds.
readonly DISKS_GUEST_TIMEOUT=600
# lvm without udev in the helper VM (thin_check is not there: pools are fresh). DISKS_FILTER,
# set before each job, limits lvm to that job's disks and the md and dm devices built on them,
# so two jobs may use the same volume group name.
# shellcheck disable=SC2016 # expanded by the guest's shell
readonly DISKS_GUEST_PRELUDE='
mkdir -p /run/lvm /run/lock/lvm /run/mdadm /etc/lvm /payloads
export LVM_SUPPRESS_FD_WARNINGS=1
lvm() { sub=$1; shift; command lvm "$sub" --config "activation { udev_sync=0 udev_rules=0 monitoring=0 } devices { obtain_device_list_from_udev=0 global_filter=[ $DISKS_FILTER \"a|^/dev/md|\", \"a|^/dev/dm-|\", \"a|^/dev/mapper/|\", \"r|.*|\" ] } global { thin_check_executable=\"\" }" "$@"; }
disks_down() {
	for m in /dev/mapper/*; do [ "$m" = /dev/mapper/control ] || cryptsetup close "${m##*/}" 2>/dev/null || true; done
	lvm vgchange -an >/dev/null 2>&1 || true
	for m in /dev/mapper/*; do [ "$m" = /dev/mapper/control ] || cryptsetup close "${m##*/}" 2>/dev/null || true; done
	mdadm --stop --scan || true
	sync
}
'

_disks_building=0

# _stacks_copy_prog TREE PROG: PROG (a name in the host's PATH, or a path) at its own path in
# TREE, with the libraries ldd lists.
_stacks_copy_prog() {
	local tree=$1 prog=$2 lib
	[[ $prog == /* ]] || prog=$(command -v "$2") ||
		die "$2 is missing on this host (apt-get install $STACKS_PACKAGES)"
	mkdir -p "$tree$(dirname "$prog")"
	cp -L "$prog" "$tree$prog"
	while read -r lib; do
		mkdir -p "$tree$(dirname "$lib")"
		[[ -e $tree$lib ]] || cp -L "$lib" "$tree$lib"
	done < <(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
}

# stacks_base_tree
#   Prints the path of a base directory for mkinitramfs -b: the test kernel's modules and the
#   host's mdadm, lvm, thin_check, cryptsetup (with its token plugins) and their libraries, at
#   their host paths. The stacks' tools come from the base directory, as in a real tree; the
#   tests' kernel tree has none, so the host's are copied in.
stacks_base_tree() {
	local dir=$BATON_TESTS/stacks-base-$KVER tool plugins
	(
		exec 9>"$dir.lock"
		flock 9
		[[ -f $dir/.done ]] && exit 0
		rm -rf "$dir"
		mkdir -p "$dir"
		cp -al "$KERNEL_TREE/." "$dir/" 2>/dev/null || cp -a "$KERNEL_TREE/." "$dir/"
		for tool in $STACKS_TOOLS; do
			_stacks_copy_prog "$dir" "$tool"
		done
		# cryptsetup's token plugins (systemd's) with their libraries, when the host has them.
		for plugins in /usr/lib/*/cryptsetup/libcryptsetup-token-*.so; do
			[[ -f $plugins ]] && _stacks_copy_prog "$dir" "$plugins"
		done
		: >"$dir/.done"
	) || die "stacks_base_tree: cannot make $dir"
	printf '%s\n' "$dir"
}

# stacks_initramfs
#   Prints the path of an image for the test kernel that carries every stack (--stack
#   md,lvm,luks,btrfs) from stacks_base_tree, made once per kernel and build (again when
#   mkinitramfs or the init changed).
stacks_initramfs() {
	local out=$BATON_TESTS/initrd-stacks-$KVER.img base dep stale=0
	base=$(stacks_base_tree)
	(
		exec 9>"$out.lock"
		flock 9
		[[ -f $out ]] || stale=1
		for dep in "$BATON_MKINITRAMFS" "$BATON_BUILD/init"; do
			[[ -e $dep && $dep -nt $out ]] && stale=1
		done
		if ((stale)); then
			initramfs_make "$out.$$.tmp" -b "$base" --stack md,lvm,luks,btrfs >&2
			mv "$out.$$.tmp" "$out"
		fi
	) || die "stacks_initramfs: cannot make $out"
	printf '%s\n' "$out"
}

# _disks_versions: the versions of the packages whose tools write the disks.
_disks_versions() {
	# shellcheck disable=SC2086 # a list of package names
	dpkg-query -W -f='${Package} ${Version}\n' $STACKS_PACKAGES 2>/dev/null || true
}

# The queued jobs: a job is an index into these arrays (bash has no arrays of arrays); the
# list fields hold one item a line. _disks_reset empties the queue.
_disks_reset() {
	_disks_script=()
	_disks_outputs=()
	_disks_inputs=()
	_disks_payload=()
	_disks_progs=()
	_disks_copies=()
	_disks_key=()
}
_disks_reset

disk_job() {
	local payload='' script img key n=${#_disks_script[@]} spec
	local -a progs=() copies=() inputs=()
	while (($#)); do
		case $1 in
		--payload) payload=$2 ;;
		--prog) progs+=("$2") ;;
		--copy) copies+=("$2") ;;
		--input) inputs+=("$(realpath "$2")") ;;
		*) break ;;
		esac
		shift 2
	done
	(($# >= 2)) || die "disk_job: need a script and at least one image"
	script=$1
	shift
	key=$({
		printf 'script\n%s\nprelude\n%s\n' "$script" "$DISKS_GUEST_PRELUDE"
		printf 'progs %s\n' "${progs[*]}"
		_disks_versions
		for img in "$@"; do
			[[ -f $img ]] || die "disk_job: no image $img (make it first, e.g. disk_partitioned)"
			printf 'image %s ' "$(basename "$img")"
			sha256sum <"$img"
		done
		for img in "${inputs[@]}"; do
			printf 'input %s %s\n' "$(basename "$img")" "$(stat -c %s "$img")"
		done
		for spec in "${copies[@]}"; do
			printf 'copy %s ' "${spec#*=}"
			tar -C "$(dirname "${spec%%=*}")" --sort=name --mtime=@0 --owner=0 --group=0 \
				--numeric-owner -cf - "$(basename "${spec%%=*}")" | sha256sum
		done
		if [[ -n $payload ]]; then
			tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - -C "$payload" . |
				sha256sum
		fi
	} | sha256sum | cut -c1-32)
	_disks_script[n]=$script
	_disks_outputs[n]=$(printf '%s\n' "$@")
	_disks_inputs[n]=$( ((${#inputs[@]} == 0)) || printf '%s\n' "${inputs[@]}")
	_disks_payload[n]=$payload
	_disks_progs[n]=$( ((${#progs[@]} == 0)) || printf '%s\n' "${progs[@]}")
	_disks_copies[n]=$( ((${#copies[@]} == 0)) || printf '%s\n' "${copies[@]}")
	_disks_key[n]=$key
}

# _disks_letter N: the virtio disk name of the N-th disk after the helper's root (0: vdb).
_disks_letter() {
	local letters=bcdefghijklmnopqrstuvwxyz
	(($1 < ${#letters})) || die "disks_build: more than ${#letters} disks in one helper boot"
	printf 'vd%s' "${letters:$1:1}"
}

# _disks_guest_job N NAME...: the helper's shell text of job N whose disks (outputs, then
# inputs) are /dev/NAME... in this boot: the script's /dev/vdb... renamed to them.
_disks_guest_job() {
	local n=$1 script=${_disks_script[$1]} i filter=''
	shift
	for ((i = 0; i < $#; i++)); do
		script=${script//\/dev\/$(_disks_letter "$i")/@@DISK$i@@}
	done
	for ((i = 0; i < $#; i++)); do
		script=${script//@@DISK$i@@//dev/${*:i+1:1}}
		filter+="\"a|^/dev/${*:i+1:1}|\", "
	done
	printf "\n# job %s\nDISKS_FILTER='%s'\nrm -f /payload\nln -s /payloads/%s /payload\n" \
		"$n" "$filter" "$n"
	printf 'job_%s() {\n%s\n}\njob_%s\ndisks_down\n' "$n" "$script" "$n"
}

# _disks_lines TEXT: TEXT's non-empty lines.
_disks_lines() {
	[[ -z $1 ]] || printf '%s\n' "$1" | sed '/^$/d'
}

disks_build() {
	local n img dir guest_script='' prog spec n_out=0 n_in=0
	local -a missing=() outs=() ins=() names=() guest_args=() inputs=() progs=()
	# guest_run attaches the helper's disks through attach, which calls this again.
	((${#_disks_script[@]} && !_disks_building)) || return 0
	_disks_building=1
	for n in "${!_disks_script[@]}"; do
		[[ -f $BATON_CACHE/disks/${_disks_key[n]}/.done ]] || missing+=("$n")
	done
	# Every output of every job first, then the read-only inputs: count them for the names.
	for n in "${missing[@]}"; do
		mapfile -t outs < <(_disks_lines "${_disks_outputs[n]}")
		n_out=$((n_out + ${#outs[@]}))
	done
	if ((${#missing[@]})); then
		rm -rf "$WORK/payloads"
		mkdir -p "$WORK/payloads"
		for n in "${missing[@]}"; do
			mapfile -t outs < <(_disks_lines "${_disks_outputs[n]}")
			mapfile -t ins < <(_disks_lines "${_disks_inputs[n]}")
			names=()
			for img in "${outs[@]}"; do
				names+=("$(_disks_letter "${#guest_args[@]}")")
				guest_args+=("$img")
			done
			for img in "${ins[@]}"; do
				names+=("$(_disks_letter $((n_out + n_in)))")
				n_in=$((n_in + 1))
				inputs+=(--ro "$img")
			done
			guest_script+=$(_disks_guest_job "$n" "${names[@]}")
			if [[ -n ${_disks_payload[n]} ]]; then
				cp -a "${_disks_payload[n]}" "$WORK/payloads/$n"
			else
				mkdir -p "$WORK/payloads/$n"
			fi
			while read -r prog; do
				progs+=(--prog "$prog")
			done < <(_disks_lines "${_disks_progs[n]}")
			while read -r spec; do
				progs+=(--copy "$spec")
			done < <(_disks_lines "${_disks_copies[n]}")
		done
		for prog in $DISKS_GUEST_PROGS; do
			progs+=(--prog "$prog")
		done
		note "disks_build: making ${#missing[@]} disk job(s) in one helper boot: ${guest_args[*]}"
		# guest_run boots BATON_INITRD: here the image that carries every stack.
		local BATON_INITRD
		# shellcheck disable=SC2034
		BATON_INITRD=$(stacks_initramfs)
		guest_run --timeout "$DISKS_GUEST_TIMEOUT" "${progs[@]}" "${inputs[@]}" \
			--copy "$WORK/payloads=/payloads" \
			--cmdline "rw rd.modules-load=$DISKS_GUEST_MODULES" \
			"$DISKS_GUEST_PRELUDE$guest_script" "${guest_args[@]}"
		for n in "${missing[@]}"; do
			dir=$BATON_CACHE/disks/${_disks_key[n]}
			rm -rf "$dir.tmp.$$"
			mkdir -p "$dir.tmp.$$"
			while read -r img; do
				cp --sparse=always "$img" "$dir.tmp.$$/$(basename "$img")"
			done < <(_disks_lines "${_disks_outputs[n]}")
			rm -rf "$dir"
			mv "$dir.tmp.$$" "$dir"
			: >"$dir/.done"
		done
	fi
	for n in "${!_disks_script[@]}"; do
		dir=$BATON_CACHE/disks/${_disks_key[n]}
		note "disks_build: $(tr '\n' ' ' <<<"${_disks_outputs[n]}")from $dir"
		while read -r img; do
			cp --sparse=always "$dir/$(basename "$img")" "$img"
		done < <(_disks_lines "${_disks_outputs[n]}")
	done
	_disks_reset
	_disks_building=0
}

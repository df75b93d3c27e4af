# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers of the arm64 scenarios (18x, `# kernels: bookworm-arm64`): Debian's arm64 packages
# unpacked into a tree the generator carries programs from (-b), cached. Sourced after lib.sh.

# arm64_packages_tree PKG...: Debian's arm64 packages PKG and everything they depend on
# (Depends and Pre-Depends, recursively), unpacked into one tree, the way an arm64 system has
# them installed (no maintainer scripts run). Cached under BATON_CACHE/arm64-trees, keyed by the
# list of package versions, so a new version of any of them makes a new tree. Prints the tree.
arm64_packages_tree() {
	local key dir tmp deb
	local -a names=() pinned=()
	mapfile -t names < <(_apt bookworm-arm64 apt-cache depends --recurse --no-recommends \
		--no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$@" 2>/dev/null |
		grep -v '^[[:space:]<]' | sort -u)
	((${#names[@]})) || die "apt cannot resolve the arm64 packages $* and what they depend on"
	# "name=version" for each, from one apt-cache call.
	mapfile -t pinned < <(_apt bookworm-arm64 apt-cache show --no-all-versions "${names[@]}" \
		2>/dev/null | awk '/^Package: / { p = $2 } /^Version: / { print p "=" $2 }' | sort -u)
	((${#pinned[@]} == ${#names[@]})) ||
		die "apt gave versions for ${#pinned[@]} of the ${#names[@]} arm64 packages: ${names[*]}"
	key=$(printf '%s\n' "${pinned[@]}" | sha256sum | cut -c1-16)
	dir=$BATON_CACHE/arm64-trees/$key
	mkdir -p "$BATON_CACHE/arm64-trees"
	(
		exec 9>"$BATON_CACHE/arm64-trees/.lock"
		flock 9
		[[ -f $dir/.done ]] && exit 0
		note "arm64: unpacking ${pinned[*]} into $dir"
		tmp=$dir.tmp
		rm -rf "$dir" "$tmp"
		mkdir -p "$tmp/deb" "$tmp/root"
		(cd "$tmp/deb" && _apt bookworm-arm64 apt-get -q download "${pinned[@]}") \
			>"$tmp/download.log" 2>&1 ||
			{ cat "$tmp/download.log" >&2; die "apt-get download of arm64 ${pinned[*]} failed"; }
		for deb in "$tmp"/deb/*.deb; do
			dpkg-deb -x "$deb" "$tmp/root" || die "dpkg-deb -x $deb failed"
		done
		rm -rf "$tmp/deb"
		printf '%s\n' "${pinned[@]}" >"$tmp/packages"
		mv "$tmp" "$dir"
		touch "$dir/.done"
	) || exit
	printf '%s\n' "$dir/root"
}

# arm64_tree_with PKG...: the arm64 kernel tree (KERNEL_TREE) with the packages of
# arm64_packages_tree added, as hard links (neither cached tree changes), in
# build/tests/arm64-tree-KVER-KEY; prints it.
arm64_tree_with() {
	local pkgs tree
	pkgs=$(arm64_packages_tree "$@") || exit
	tree=$BATON_TESTS/arm64-tree-$KVER-$(basename "$(dirname "$pkgs")")
	(
		exec 9>"$tree.lock"
		flock 9
		[[ -f $tree/.done ]] && exit 0
		rm -rf "$tree"
		mkdir -p "$tree"
		cp -al "$KERNEL_TREE/." "$tree/"
		cp -al "$pkgs/." "$tree/"
		touch "$tree/.done"
	) || exit
	printf '%s\n' "$tree"
}

# initramfs_verity_arm64: the generic arm64 image plus Debian's arm64 veritysetup
# (cryptsetup-bin) and its libraries, carried from the tree with --binary; no --init, so the
# generator picks build/arm64/init for the arm64 kernel. Remade when the generator, the init or
# the tree changed; exports VERITY_INITRD.
initramfs_verity_arm64() {
	local tree out=$BATON_TESTS/initrd-verity-$KVER.img dep stale=0
	tree=$(arm64_tree_with cryptsetup-bin) || exit
	exec {lock}>"$BATON_TESTS/verity-$KVER.lock"
	flock "$lock"
	[[ -f $out ]] || stale=1
	for dep in "$BATON_MKINITRAMFS" "$BATON_BUILD/arm64/init" "$tree/.done"; do
		[[ $dep -nt $out ]] && stale=1
	done
	if ((stale)); then
		"$BATON_MKINITRAMFS" -o "$out.$$.tmp" -k "$KVER" -b "$tree" --binary veritysetup ||
			die "mkinitramfs -b $tree --binary veritysetup failed"
		mv "$out.$$.tmp" "$out"
	fi
	exec {lock}>&-
	VERITY_INITRD=$out
	export VERITY_INITRD
}

# root_tree_writer_arm64 DIR: root_tree_writer DIR (lib-images.sh) with Debian's arm64 busybox
# (busybox-static, from the cached arm64_packages_tree) as its /bin/busybox, so the real init
# that writes to / runs on the arm64 kernel.
root_tree_writer_arm64() {
	local pkgs
	pkgs=$(arm64_packages_tree busybox-static) || exit
	[[ -f $pkgs/bin/busybox ]] || die "Debian's arm64 busybox-static has no /bin/busybox in $pkgs"
	root_tree_writer "$1"
	install -m 0755 "$pkgs/bin/busybox" "$1/bin/busybox"
}

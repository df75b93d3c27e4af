# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The compression figure: baton's host-only image as the generator writes it with each
# --compress it offers (none, gzip, lz4 and zstd, its default), booted in turn on one disk, so
# the default can be chosen by what the kernel unpacks fastest for its size. Sourced by
# bench/run.sh; BENCH_COMPRESS=0 skips.

# The variants, as tool names of IMG; baton-hostonly itself is the default (zstd).
readonly COMPRESS_TOOLS=(baton-hostonly baton-hostonly-none baton-hostonly-gzip baton-hostonly-lz4)

# compress_images: the variants, each written by the generator with --compress ALGO at its own
# default level. lz4 is the legacy frame and zstd plain frames, what the kernel's initramfs
# unpacker reads (CONFIG_RD_LZ4 and CONFIG_RD_ZSTD are set in Debian's kernels).
compress_images() {
	local t img
	for t in none gzip lz4; do
		img=$OUT/images/baton-hostonly-$t.img
		baton_mkinitramfs -o "$img" -k "$KVER" -b "$KERNEL_TREE" -m "$BENCH_HOSTONLY_MODULES" \
			--compress "$t" >"${img%.img}.log" 2>&1 ||
			{ cat "${img%.img}.log" >&2; die "mkinitramfs --compress $t failed"; }
		IMG["baton-hostonly-$t"]=$img
	done
	LABEL["baton-hostonly-none"]='baton host-only, none'
	LABEL["baton-hostonly-gzip"]='baton host-only, gzip:10'
	LABEL["baton-hostonly-lz4"]='baton host-only, lz4:9'
}

# compress_boots: RUNS rounds of the variants on one disk into OUT/compress.tsv (raw.tsv's
# columns).
compress_boots() {
	local run tool log vals
	head -n 1 "$OUT/raw.tsv" >"$OUT/compress.tsv"
	for ((run = 1; run <= RUNS; run++)); do
		for tool in "${COMPRESS_TOOLS[@]}"; do
			log=$OUT/logs/compress-$tool-r$run.log
			if boot_one "$tool" 1 "$log" && vals=$(parse_log "$log"); then
				printf '%s\t1\t%s\t%s\n' "$tool" "$run" "$vals" >>"$OUT/compress.tsv"
			else
				note "bench: compression run $run/$RUNS, $tool: FAILED (log $log)"
			fi
		done
	done
}

# compress_report: the compression table (Markdown) on stdout.
compress_report() {
	local tool s label
	printf '\n### Compression of the host-only image\n\n'
	printf 'One disk, %s rounds with the variants in turn; "unpack" is the kernel'"'"'s "Trying to unpack rootfs image" to "Freeing initrd memory". Each image is the generator'"'"'s own, written with --compress ALGO at that algorithm'"'"'s default level.\n\n' "$RUNS"
	printf '| image | size (MiB) | unpack (s) | initramfs phase (s) | real init starts (s) |\n|---|---|---|---|---|\n'
	for tool in "${COMPRESS_TOOLS[@]}"; do
		s=$(awk -F'\t' -v t="$tool" 'NR > 1 && $1 == t' "$OUT/compress.tsv")
		[[ -n $s ]] || continue
		label=${LABEL[$tool]}
		[[ $tool != baton-hostonly ]] || label+=', zstd:12 (the default)'
		printf '| %s | %s | %s | %s | %s |\n' "$label" \
			"$(show 1048576 2 "$(stat -c %s "${IMG[$tool]}")")" \
			"$(show 1 3 "$(cut -f7 <<<"$s" | grep -v '^-$' | median_of)")" \
			"$(show 1 3 "$(cut -f5 <<<"$s" | median_of)")" \
			"$(show 1 2 "$(cut -f4 <<<"$s" | median_of)")"
	done
}

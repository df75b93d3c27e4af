# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The compression figure: baton's host-only image uncompressed, gzip (the generator's own), lz4
# and zstd side by side, booted in turn on one disk, so the image's compression can be chosen by
# what the kernel unpacks fastest for its size. Sourced by bench/run.sh; BENCH_COMPRESS=0 skips.

# The variants, as tool names of IMG; baton-hostonly itself is the gzip one.
readonly COMPRESS_TOOLS=(baton-hostonly baton-hostonly-none baton-hostonly-lz4 baton-hostonly-zstd)

# compress_images: the variants from one uncompressed image of the generator. lz4 in the legacy
# frame format (-l) and zstd frames are what the kernel's initramfs unpacker reads (Linux's
# Documentation/driver-api/early-userspace/buffer-format.rst; CONFIG_RD_LZ4 and CONFIG_RD_ZSTD
# are set in Debian's kernels). Levels: the smallest each offers without a decoder window the
# kernel's unpacker might refuse.
compress_images() {
	local raw=$OUT/images/baton-hostonly-none.img
	"$BATON_MKINITRAMFS" -o "$raw" -k "$KVER" -b "$KERNEL_TREE" -m "$BENCH_HOSTONLY_MODULES" \
		--compress none >"$OUT/images/baton-hostonly-none.log" 2>&1 ||
		{ cat "$OUT/images/baton-hostonly-none.log" >&2; die "mkinitramfs --compress none failed"; }
	lz4 -q -l -9 -f "$raw" "$OUT/images/baton-hostonly-lz4.img" || die "lz4 of $raw failed"
	zstd -q -19 -f "$raw" -o "$OUT/images/baton-hostonly-zstd.img" || die "zstd of $raw failed"
	local t
	for t in none lz4 zstd; do
		IMG["baton-hostonly-$t"]=$OUT/images/baton-hostonly-$t.img
	done
	LABEL["baton-hostonly-none"]='baton host-only, none'
	LABEL["baton-hostonly-lz4"]='baton host-only, lz4 -l -9'
	LABEL["baton-hostonly-zstd"]='baton host-only, zstd -19'
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
	printf 'One disk, %s rounds with the variants in turn; "unpack" is the kernel'"'"'s "Trying to unpack rootfs image" to "Freeing initrd memory". gzip is the generator'"'"'s own; the others are its uncompressed image put through lz4 and zstd.\n\n' "$RUNS"
	printf '| image | size (MiB) | unpack (s) | initramfs phase (s) | real init starts (s) |\n|---|---|---|---|---|\n'
	for tool in "${COMPRESS_TOOLS[@]}"; do
		s=$(awk -F'\t' -v t="$tool" 'NR > 1 && $1 == t' "$OUT/compress.tsv")
		[[ -n $s ]] || continue
		label=${LABEL[$tool]}
		[[ $tool != baton-hostonly ]] || label+=', gzip (the default)'
		printf '| %s | %s | %s | %s | %s |\n' "$label" \
			"$(show 1048576 2 "$(stat -c %s "${IMG[$tool]}")")" \
			"$(show 1 3 "$(cut -f7 <<<"$s" | grep -v '^-$' | median_of)")" \
			"$(show 1 3 "$(cut -f5 <<<"$s" | median_of)")" \
			"$(show 1 2 "$(cut -f4 <<<"$s" | median_of)")"
	done
}

# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The report of bench/run.sh: results.md with its tables and targets, the charts, and the copy
# into README.md. Sourced by bench/run.sh (its globals and helpers).


# chart NAME TITLE UNIT: OUT/NAME.svg from the table on stdin (see chart.awk).
chart() {
	awk -v title="$2" -v unit="$3" -f "$BENCH_DIR/chart.awk" >"$OUT/$1.svg"
}

# file_stat FILE: "MEDIAN MIN MAX" of the numbers in FILE.
file_stat() {
	median_of <"$1"
}

# ratio A B: A / B with two decimals ("n/a" when either is missing).
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 == 0) { print "n/a"; exit }
		printf "%.2f\n", a / b }'
}

# target TEXT VALUE LIMIT UNIT: one row of the targets table: met when VALUE <= LIMIT.
target() {
	local verdict
	verdict=$(awk -v v="$2" -v l="$3" 'BEGIN {
		if (v == "n/a") { print "not measured"; exit }
		if (v + 0 <= l + 0) { print "met"; exit }
		if (l + 0 > 0) printf "missed by %.0f%%\n", (v - l) * 100 / l
		else printf "missed by %s\n", v - l }')
	printf '| %s | %s%s | %s%s | %s |\n' "$1" "$2" "$4" "$3" "$4" "$verdict"
	[[ $verdict == met ]] && TARGETS_MET=$((TARGETS_MET + 1))
	TARGETS_ALL=$((TARGETS_ALL + 1))
}

# report_figures: every figure of the run into OUT/figures.tsv (for results.json).
report_figures() {
	local tool gen
	: >"$OUT/figures.tsv"
	figures_from_raw "$OUT/raw.tsv" boot
	figures_from_raw "$OUT/stages.tsv" stage
	figures_from_raw "$OUT/whole.tsv" whole
	figures_from_raw "$OUT/compress.tsv" compress
	figures_from_raw "$OUT/rows.tsv" row
	for tool in "${TOOLS[@]}" baton-all; do
		gen=${GEN[$tool]:-$OUT/images/$tool.gen}
		figure "image/$tool/bytes" B lower "$(stat -c %s "${IMG[$tool]:-$OUT/images/$tool.img}")" 1
		figure "image/$tool/generation" s lower "$(file_stat "$gen")" "$(wc -l <"$gen")"
	done
}

# stages_report: baton's stage marks of every boot on one disk (stages.tsv), medians in
# seconds after "Run /init", so a regression points at its stage.
stages_report() {
	local spec key name tool
	[[ -f $OUT/stages.tsv ]] || return 0
	printf '\n### baton'"'"'s stages, every boot on one disk\n\n'
	printf 'Seconds after the kernel'"'"'s "Run /init", median (min-max) of the boots above; per boot in build/bench/stages.tsv.\n\n'
	printf '| stage | host-only | generic |\n|---|---|---|\n'
	for spec in "${STAGES[@]}"; do
		key=${spec%%|*}
		name=${spec#*|}
		name=${name%%|*}
		printf '| %s |' "$name"
		for tool in baton-hostonly baton-generic; do
			printf ' %s |' "$(show 1 3 "$(awk -F'\t' -v t="$tool" -v k="$key" '
				NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
				$1 == t && $2 == 1 && $c[k] != "-" { print $c[k] }' "$OUT/stages.tsv" | median_of)")"
		done
		printf '\n'
	done
}

# report_load_effect: what a busy machine did to the figures, closing the bold sentence.
report_load_effect() {
	if [[ -n $ICOUNT_ARGS ]]; then
		printf 'the guest figures count instructions, so the load moved only their idle waits (disk reads), generation times and the whole boot'"'"'s wall column.**\n\n'
	else
		printf 'timings are not representative; take them again on a machine doing nothing else.**\n\n'
	fi
}

# report: OUT/results.md (tables) and the charts OUT/*.svg.
report() {
	local md=$OUT/results.md tool n s bt ph mf up gen size
	local -A med_bt=() med_gen=() size_b=() med_mf=()
	report_figures
	{
		printf '%s, kernel %s (%s), QEMU %s q35 TCG 1 vCPU %s MiB, host %s; %s runs each (median, min-max).\n\n' \
			"$(date -u +%Y-%m-%d)" "$KVER" "$KERNEL_PKG_DESC" "$QEMU_VERSION" "$MEM" \
			"$HOST_DESC" "$(awk -F'\t' 'NR > 1 && $3 > n { n = $3 } END { print n + 0 }' "$OUT/raw.tsv")"
		# Which clock every guest figure below is on (BENCH_ICOUNT).
		if [[ -n $ICOUNT_ARGS ]]; then
			# shellcheck disable=SC2016 # Markdown code quotes, not shell
			printf 'Mode: TCG with `%s` for every boot: guest time counts instructions, so the host'"'"'s load moves only the guest'"'"'s idle waits for disk reads (its clock runs with the host'"'"'s while it idles); generation and the whole boot'"'"'s wall column are host time.\n\n' \
				"$ICOUNT_ARGS"
		else
			printf 'Mode: plain TCG: every figure is host time and moves with the host'"'"'s load (BENCH_ICOUNT=1 counts instructions instead).\n\n'
		fi
		# The bench's own QEMU keeps one core busy, a load of about 1 at the end: only more
		# than that means something else ran.
		if ((LOAD_BUSY)); then
			printf '**The load average was %s at the start, above the %s cores, after waiting %s s for it to fall: ' \
				"$LOAD_START" "$(nproc)" "$LOAD_WAITED"
			report_load_effect
		elif awk -v a="$LOAD_START" -v b="$LOAD_END" 'BEGIN { exit !(a >= 1 || b >= 2) }'; then
			printf '**The machine was busy (load average %s at start, %s at end; the bench itself adds about 1): ' \
				"$LOAD_START" "$LOAD_END"
			report_load_effect
		elif ((LOAD_WAITED)); then
			printf 'The bench waited %s s for the load average to fall below the %s cores.\n\n' \
				"$LOAD_WAITED" "$(nproc)"
		fi
		TARGETS_MET=0
		TARGETS_ALL=0
		# The figure users feel comes first.
		[[ ! -f $OUT/whole.tsv ]] || whole_report
		printf '### The initramfs phase: the probe as the real init\n\n'
		printf '| image | real init starts (s) | initramfs phase (s) | kernel unpacks image (s) | image (MiB) | generation (s) | MemFree after hand-off (MiB) |\n'
		printf '|---|---|---|---|---|---|---|\n'
		for tool in "${TOOLS[@]}"; do
			s=$(stat_of "$tool" 1 boottime)
			med_bt[$tool]=${s%% *}
			bt=$(show 1 2 "$s")
			ph=$(show 1 2 "$(stat_of "$tool" 1 phase)")
			up=$(show 1 2 "$(stat_of "$tool" 1 unpack)")
			s=$(stat_of "$tool" 1 memfree_kb)
			med_mf[$tool]=${s%% *}
			mf=$(show 1024 1 "$s")
			size_b[$tool]=$(stat -c %s "${IMG[$tool]}")
			size=$(show 1048576 2 "${size_b[$tool]}")
			s=$(file_stat "${GEN[$tool]}")
			med_gen[$tool]=${s%% *}
			gen=$(show 1 2 "$s")
			printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$tool]}" "$bt" "$ph" "$up" \
				"$size" "$gen" "$mf"
		done
		printf '\nVersions: '
		for tool in tiny-initramfs initramfs-tools dracut; do
			printf '%s %s; ' "$tool" "${BENCH_FOREIGN_VERSION[$tool]}"
		done
		printf 'baton %s. Generation: wall time, median of %s runs after one untimed run; the other tools inside their chroots, timed when it was prepared (%s; BENCH_REGEN=1 times them again).\n' \
			"$BENCH_COMMIT" "$GEN_RUNS" \
			"$(date -u -r "${GEN[dracut]}" +%Y-%m-%d)"

		[[ ! -f $OUT/compress.tsv ]] || compress_report
		printf '\n### Targets\n\n| target | measured | limit | verdict |\n|---|---|---|---|\n'
		target 'real init start, host-only / tiny-initramfs' \
			"$(ratio "${med_bt[baton-hostonly]}" "${med_bt[tiny-initramfs]}")" 0.95 ''
		target 'initramfs phase, host-only / tiny-initramfs' \
			"$(ratio "$(stat_of baton-hostonly 1 phase | cut -d' ' -f1)" \
				"$(stat_of tiny-initramfs 1 phase | cut -d' ' -f1)")" 0.9 ''
		target 'real init start, generic / host-only' \
			"$(ratio "${med_bt[baton-generic]}" "${med_bt[baton-hostonly]}")" 1.2 ''
		target 'real init start, host-only / initramfs-tools' \
			"$(ratio "${med_bt[baton-hostonly]}" "${med_bt[initramfs-tools]}")" 0.35 ''
		target 'real init start, host-only / dracut' \
			"$(ratio "${med_bt[baton-hostonly]}" "${med_bt[dracut]}")" 0.2 ''
		target 'real init start, generic / initramfs-tools' \
			"$(ratio "${med_bt[baton-generic]}" "${med_bt[initramfs-tools]}")" 0.5 ''
		target 'image, host-only / tiny-initramfs' \
			"$(ratio "${size_b[baton-hostonly]}" "${size_b[tiny-initramfs]}")" 1.2 ''
		target 'image, generic / initramfs-tools' \
			"$(ratio "${size_b[baton-generic]}" "${size_b[initramfs-tools]}")" 0.3 ''
		target 'generation, host-only (wall)' "${med_gen[baton-hostonly]}" 0.5 ' s'
		target 'generation, host-only / initramfs-tools' \
			"$(ratio "${med_gen[baton-hostonly]}" "${med_gen[initramfs-tools]}")" 0.05 ''
		target 'MemFree after hand-off, tiny-initramfs minus host-only' \
			"$(awk -v a="${med_mf[tiny-initramfs]}" -v b="${med_mf[baton-hostonly]}" \
				'BEGIN { if (a == "-" || b == "-") print "n/a"; else printf "%.2f\n", (a - b) / 1024 }')" \
			1.0 ' MiB'
		for n in "${DISKS[@]}"; do
			target "initramfs phase, host-only / tiny-initramfs, $(disk_label "$n")" \
				"$(ratio "$(stat_of baton-hostonly "$n" phase | cut -d' ' -f1)" \
					"$(stat_of tiny-initramfs "$n" phase | cut -d' ' -f1)")" 1.0 ''
		done
		printf '\n%d of %d targets met.\n' "$TARGETS_MET" "$TARGETS_ALL"

		printf '\n### Image size and generation time as the module set grows (baton)\n\n'
		printf '| image | modules | image (MiB) | generation (s) |\n|---|---|---|---|\n'
		for tool in baton-hostonly baton-generic baton-all; do
			size=$(stat -c %s "$OUT/images/$tool.img")
			printf '| %s | %s | %s | %s |\n' "${LABEL[$tool]}" "$(image_modules "$OUT/images/$tool.img")" \
				"$(show 1048576 2 "$size")" "$(show 1 2 "$(file_stat "$OUT/images/$tool.gen")")"
		done

		printf '\n### Discovery as the disks grow (root on the last disk)\n\n'
		# shellcheck disable=SC2016 # Markdown code quotes, not shell
		printf 'Host-only images for virtio-scsi: `-m %s` (baton), the same modules for tiny-initramfs.\n\n' \
			"$BENCH_HOSTONLY_SCSI_MODULES"
		printf '"Run /init" to the real init (s):\n\n| image |'
		for n in "${DISKS[@]}"; do printf ' %s |' "$(disk_label "$n")"; done
		printf '\n|---|'
		for n in "${DISKS[@]}"; do printf -- '---|'; done
		printf '\n'
		for tool in "${TOOLS[@]}"; do
			printf '| %s |' "${LABEL[$tool]}"
			for n in "${DISKS[@]}"; do printf ' %s |' "$(show 1 2 "$(stat_of "$tool" "$n" phase)")"; done
			printf '\n'
		done
		printf '\n"Run /init" to baton'"'"'s "root device ... found after" line (s):\n\n| image |'
		for n in "${DISKS[@]}"; do printf ' %s |' "$(disk_label "$n")"; done
		printf '\n|---|'
		for n in "${DISKS[@]}"; do printf -- '---|'; done
		printf '\n'
		for tool in baton-hostonly baton-generic; do
			printf '| %s |' "${LABEL[$tool]}"
			for n in "${DISKS[@]}"; do printf ' %s |' "$(show 1 2 "$(stat_of "$tool" "$n" found)")"; done
			printf '\n'
		done
		rows_report
		stages_report
		local -a plogs=()
		for tool in baton-hostonly baton-generic; do
			[[ -f $OUT/profile-$tool.txt ]] && plogs+=("$OUT/logs/$tool-profile.log")
		done
		if ((${#plogs[@]} == 2)); then
			printf '\n### Where baton spends the initramfs phase

'
			# shellcheck disable=SC2016 # Markdown code quotes, not shell
			printf 'One boot each with `baton.log=debug printk.devkmsg=on loglevel=8` (slower than '
			printf 'the boots above: more console output); seconds since the previous line. '
			printf 'Timelines: build/bench/profile-*.txt.\n\n'
			printf '| stage | host-only | generic |\n|---|---|---|\n'
			stage_table "${plogs[@]}" | awk -F'\t' '
				{ printf "| %s |", $1
				  for (i = 2; i <= NF; i++) {
					if ($i == "") printf " n/a |"
					else if (p[i] == "") printf " at %.3f |", $i
					else printf " %.3f |", $i - p[i]
					if ($i != "") p[i] = $i
				  }
				  printf "\n" }'
		fi
		if ((BOOT_FAILURES)); then
			printf '\n%d boots failed and are left out (logs in build/bench/logs).\n' "$BOOT_FAILURES"
		fi
	} >"$md"

	# Charts: one bar per image, whiskers from the fastest to the slowest run.
	local -a specs=(
		'init-start|boottime|Real init starts (CLOCK_BOOTTIME)|s'
		'initramfs-phase|phase|Initramfs phase (Run /init to the real init)|s'
		'memfree|memfree_kb|MemFree after the hand-off|MiB'
	)
	local spec name field title unit
	for spec in "${specs[@]}"; do
		IFS='|' read -r name field title unit <<<"$spec"
		for tool in "${TOOLS[@]}"; do
			read -r -a s < <(stat_of "$tool" 1 "$field")
			[[ ${s[0]} == - ]] && continue
			if [[ $field == memfree_kb ]]; then
				printf '%s\t%s\t%s\t%s\n' "${LABEL[$tool]}" "$(awk -v v="${s[0]}" 'BEGIN { print v / 1024 }')" \
					"$(awk -v v="${s[1]}" 'BEGIN { print v / 1024 }')" "$(awk -v v="${s[2]}" 'BEGIN { print v / 1024 }')"
			else
				printf '%s\t%s\t%s\t%s\n' "${LABEL[$tool]}" "${s[0]}" "${s[1]}" "${s[2]}"
			fi
		done | chart "$name" "$title" "$unit"
	done
	for tool in "${TOOLS[@]}"; do
		printf '%s\t%s\n' "${LABEL[$tool]}" "$(awk -v b="${size_b[$tool]}" 'BEGIN { print b / 1048576 }')"
	done | chart image-size 'Image size' MiB
	for tool in "${TOOLS[@]}"; do
		read -r -a s < <(file_stat "${GEN[$tool]}")
		printf '%s\t%s\t%s\t%s\n' "${LABEL[$tool]}" "${s[0]}" "${s[1]}" "${s[2]}"
	done | chart generation 'Generation time (wall)' s
	for tool in baton-hostonly baton-generic baton-all; do
		printf '%s\t%s\n' "${LABEL[$tool]}" \
			"$(awk -v b="$(stat -c %s "$OUT/images/$tool.img")" 'BEGIN { print b / 1048576 }')"
	done | chart modules-size 'baton image size by module set' MiB
	for n in "${DISKS[@]}"; do
		printf '# %s\n' "$(disk_label "$n")"
		for tool in "${TOOLS[@]}"; do
			read -r -a s < <(stat_of "$tool" "$n" phase)
			[[ ${s[0]} == - ]] && continue
			printf '%s\t%s\t%s\t%s\n' "${LABEL[$tool]}" "${s[0]}" "${s[1]}" "${s[2]}"
		done
	done | chart discovery 'Run /init to the real init, root on the last of N virtio disks' s
}

# --- README -------------------------------------------------------------------------------

# update_readme: the latest results.md and charts into README.md and doc/bench/.
update_readme() {
	local readme=$BATON_TOP/README.md section svg
	[[ -f $OUT/results.md ]] || die "no $OUT/results.md: run make bench first"
	mkdir -p "$BATON_TOP/doc/bench"
	for svg in "$OUT"/*.svg; do
		cp "$svg" "$BATON_TOP/doc/bench/"
	done
	section=$(mktemp "${TMPDIR:-/tmp}/bench-readme.XXXXXX")
	{
		printf '%s\n' "$README_START"
		printf '## Benchmark\n\n'
		# shellcheck disable=SC2016 # Markdown code quotes, not shell
		{
			printf '`make bench` (as root, for debootstrap and chroot) boots '
			printf 'baton'"'"'s images and those of tiny-initramfs, initramfs-tools and dracut, '
			printf 'built from Debian'"'"'s packages in debootstrapped chroots for the same kernel, '
			printf 'on the same Debian 12 root disk under QEMU (q35, TCG, one vCPU, root=UUID= on '
			printf 'virtio-blk), each in turn, `BENCH_RUNS` times (default 5). The real init is a '
			printf 'probe that prints when it started (CLOCK_BOOTTIME), when the kernel ran /init '
			printf 'and MemFree. Host-only: `mkinitramfs -m virtio_pci,virtio_blk,ext4`; generic: '
			printf 'no `-m`. The first table is the whole boot users feel: the Debian 12 '
			printf 'disk of the QEMU tests with systemd, booted to multi-user.target with '
			printf 'baton'"'"'s, initramfs-tools'"'"' and dracut'"'"'s images, in systemd'"'"'s own '
			printf 'figures and in wall time. The bench waits for a quiet machine (load at most '
			printf 'the core count, `BENCH_LOAD_WAIT`) and gives the load at start and end. '
			printf 'The first run prepares and caches the chroots and images '
			printf '(`~/.cache/baton/bench`); results go to `build/bench/` (results.md, '
			printf 'results.json with every figure'"'"'s median and range, stages.tsv with '
			printf 'baton'"'"'s stage marks of every boot), `bench/run.sh --compare OLD.json '
			printf 'NEW.json` flags the changes the run-to-run spread cannot explain, and '
			printf '`bench/run.sh --update-readme` copies the results here.\n\n'
		} | fold -s -w 100 | sed 's/ *$//'
		cat "$OUT/results.md"
		printf '\n'
		for svg in init-start initramfs-phase image-size generation memfree modules-size discovery; do
			[[ -f $OUT/$svg.svg ]] && printf '![%s](doc/bench/%s.svg)\n' "$svg" "$svg"
		done
		printf '%s\n' "$README_END"
	} >"$section"
	if grep -qF -- "$README_START" "$readme"; then
		grep -qF -- "$README_END" "$readme" || die "$readme has $README_START but no $README_END"
		awk -v s="$README_START" -v e="$README_END" -v f="$section" '
			$0 == s { while ((getline l < f) > 0) print l; skip = 1; next }
			$0 == e { skip = 0; next }
			!skip' "$readme" >"$readme.tmp"
	else
		{ cat "$readme"; printf '\n'; cat "$section"; } >"$readme.tmp"
	fi
	mv "$readme.tmp" "$readme"
	rm -f "$section"
	note "bench: README.md and doc/bench/*.svg updated from $OUT"
}


# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The bench's results as data: waiting for a quiet machine before the boots, every figure of a
# run (median, min, max, count) written to results.json, and `bench/run.sh --compare OLD NEW`,
# which prints each figure's change and flags those outside the run-to-run spread. Sourced by
# bench/run.sh.

# How long the bench waits for the load average to fall to the core count before it boots
# anything, in seconds, and how often it looks. A 1-minute load average needs about a minute to
# follow a change, so the bound allows several of those.
# With BENCH_ICOUNT=1 the guest's figures count instructions and the load moves only its idle
# waits (disk reads) and the wall columns: no wait by default, the load is still reported.
if [[ ${BENCH_ICOUNT:-0} == 1 ]]; then
	LOAD_WAIT_MAX=${BENCH_LOAD_WAIT:-0}
else
	LOAD_WAIT_MAX=${BENCH_LOAD_WAIT:-600}
fi
readonly LOAD_POLL_SEC=15

# load_wait: wait (up to LOAD_WAIT_MAX s) while the 1-minute load average is above the number
# of cores; sets LOAD_START (the load when the boots start), LOAD_WAITED (seconds waited) and
# LOAD_BUSY (1 when the bound ran out with the load still above the cores).
load_wait() {
	local cores
	cores=$(nproc)
	LOAD_WAITED=0
	LOAD_BUSY=0
	while LOAD_START=$(cut -d' ' -f1 /proc/loadavg) &&
		awk -v l="$LOAD_START" -v c="$cores" 'BEGIN { exit !(l > c) }'; do
		if ((LOAD_WAITED >= LOAD_WAIT_MAX)); then
			LOAD_BUSY=1
			note "bench: load $LOAD_START still above $cores cores after ${LOAD_WAITED} s; running anyway (the table says so)"
			return 0
		fi
		((LOAD_WAITED)) ||
			note "bench: load $LOAD_START above $cores cores; waiting up to ${LOAD_WAIT_MAX} s (BENCH_LOAD_WAIT)"
		sleep "$LOAD_POLL_SEC"
		LOAD_WAITED=$((LOAD_WAITED + LOAD_POLL_SEC))
	done
}

# figure NAME UNIT BETTER "MEDIAN MIN MAX" COUNT: one figure into OUT/figures.tsv. BETTER is
# "lower" or "higher"; figures with no value are left out.
figure() {
	local m lo hi
	read -r m lo hi <<<"$4"
	[[ -n $m && $m != - ]] || return 0
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$m" "${lo:-$m}" "${hi:-$m}" "$5" \
		>>"$OUT/figures.tsv"
}

# figures_from_raw TSV PREFIX: a figure for every tool, disk count and numeric column of a raw
# table (columns tool, disks, run, then the values), named PREFIX/TOOL/dDISKS/COLUMN.
figures_from_raw() {
	local tsv=$1 prefix=$2 tool n col unit better vals
	local -a cols
	[[ -f $tsv ]] || return 0
	IFS=$'\t' read -r -a cols <"$tsv"
	while IFS=$'\t' read -r tool n; do
		for col in "${cols[@]:3}"; do
			case $col in
			memfree_kb) unit=KiB better=higher ;;
			*) unit=s better=lower ;;
			esac
			vals=$(awk -F'\t' -v t="$tool" -v d="$n" -v c="$col" '
				NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
				$1 == t && $2 == d && $k[c] != "-" && $k[c] != "" { print $k[c] }' "$tsv")
			[[ -n $vals ]] || continue
			figure "$prefix/$tool/d$n/$col" "$unit" "$better" "$(median_of <<<"$vals")" \
				"$(wc -l <<<"$vals")"
		done
	done < <(awk -F'\t' 'NR > 1 && !seen[$1 FS $2]++ { print $1 "\t" $2 }' "$tsv")
}

# write_json: OUT/results.json from OUT/figures.tsv and the run's conditions.
write_json() {
	jq -n --rawfile figs "$OUT/figures.tsv" \
		--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg kernel "$KVER" \
		--arg baton "$BENCH_COMMIT" \
		--arg host "$HOST_DESC" --argjson runs "$RUNS" --argjson cores "$(nproc)" \
		--argjson load_start "$LOAD_START" --argjson load_end "$LOAD_END" \
		--argjson load_waited "$LOAD_WAITED" --argjson busy "$LOAD_BUSY" '
		{ date: $date, kernel: $kernel, baton: $baton, host: $host, runs: $runs,
		  cores: $cores, load_start: $load_start, load_end: $load_end,
		  load_waited_s: $load_waited, busy: ($busy == 1),
		  figures: ($figs | split("\n") | map(select(length > 0) | split("\t") |
			{ key: .[0], value: { unit: .[1], better: .[2], median: (.[3] | tonumber),
			  min: (.[4] | tonumber), max: (.[5] | tonumber), n: (.[6] | tonumber) } }) |
			from_entries) }' >"$OUT/results.json"
}

# compare OLD NEW: each figure in both result files, old and new median, the change, and a flag
# when the new median lies outside the old runs' range (min-max) and the old median outside the
# new runs' range, that is when the run-to-run spread cannot explain the change. Returns 1 when a
# figure got worse that way, so a script can use it as a regression check.
compare() {
	local old=$1 new=$2
	[[ -r $old && -r $new ]] || die "bench/run.sh --compare OLD.json NEW.json: cannot read both"
	jq -r -n --slurpfile o "$old" --slurpfile n "$new" '
		($o[0].figures) as $a | ($n[0].figures) as $b |
		"old: \($o[0].date) baton \($o[0].baton), load \($o[0].load_start)-\($o[0].load_end)",
		"new: \($n[0].date) baton \($n[0].baton), load \($n[0].load_start)-\($n[0].load_end)",
		($a | keys[] | select($b[.] != null) | . as $k | $a[$k] as $x | $b[$k] as $y |
			(if $x.median == 0 then null else ($y.median - $x.median) * 100 / $x.median end)
				as $pct |
			(($y.median < $x.min or $y.median > $x.max) and
			 ($x.median < $y.min or $x.median > $y.max)) as $out |
			(if ($y.median > $x.median) == ($x.better == "lower") then "worse" else "better"
			 end) as $dir |
			[$k, $x.unit, $x.median, $y.median,
			 (if $pct == null then "n/a" else ($pct * 10 | round / 10 | tostring) + "%" end),
			 (if $out then "OUTSIDE SPREAD (" + $dir + ")" else "" end)] | @tsv)' |
		awk -F'\t' '
			NR <= 2 { print; next }
			NR == 3 { printf "%-44s %-5s %10s %10s %8s  %s\n", "figure", "unit", "old", "new", "change", "" }
			{ printf "%-44s %-5s %10s %10s %8s  %s\n", $1, $2, $3, $4, $5, $6
			  if ($6 ~ /worse/) bad++ }
			END { if (bad) { printf "%d figure(s) worse beyond the spread\n", bad; exit 1 } }'
}

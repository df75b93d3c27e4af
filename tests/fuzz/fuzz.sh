#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one libFuzzer target on a scratch copy of its corpus; lists any crash it leaves behind.
#
#   tests/fuzz/fuzz.sh NAME BINARY SECONDS WORKDIR [MAXLEN]
#
# MAXLEN is libFuzzer's -max_len (default 4096); tests/fuzz/NAME.dict is used when it exists.
# FUZZ_ARGS adds libFuzzer options, e.g. "-fork=1 -ignore_crashes=1" to go on after a crash.
# New inputs land in WORKDIR/corpus-NAME, crashes in WORKDIR/crashes-NAME: never in the repo.
set -eu

name=$1 binary=$2 seconds=$3 work=$4 maxlen=${5:-4096}
here=$(dirname "$0")
corpus=$work/corpus-$name
crashes=$work/crashes-$name

mkdir -p "$corpus" "$crashes"
rm -f "$crashes"/*
cp "$here/corpus/$name"/* "$corpus"/

# -max_len: past each input's own limit (fuzz.mk), so the too-long paths run.
# -timeout: a parser (or a probe of a 256 KiB image) that spends 10 s on one input is hung.
set -- -max_total_time="$seconds" -max_len="$maxlen" -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$crashes/"
if [ -f "$here/$name.dict" ]; then
	set -- "$@" -dict="$here/$name.dict"
fi
# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
set -- "$@" ${FUZZ_ARGS:-}
status=0
"$binary" "$@" "$corpus" || status=$?

found=$(find "$crashes" -type f | sort)
if [ -n "$found" ]; then
	echo "fuzz $name: the fuzzer left these inputs (crash, leak, timeout or oom):"
	for f in $found; do
		echo "  $f"
	done
	echo "fuzz $name: reproduce with $binary FILE, shrink with"
	echo "  $binary -minimize_crash=1 -runs=100000 -exact_artifact_path=$crashes/minimized FILE"
	echo "then keep it forever: cp FILE $here/corpus/$name/crash-WHAT (make fuzz-replay replays it)"
	exit 1
fi
if [ "$status" -ne 0 ]; then
	echo "fuzz $name: libFuzzer exited with $status and left no input" >&2
	exit "$status"
fi
echo "fuzz $name: no crash in ${seconds}s; $(find "$corpus" -type f | wc -l) inputs in $corpus"

# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Sourced by tests/generator/run.sh: scripts/apt-private.sh derives its private sources safely
# when several builds (a bench, the tests, make) set it up at the same time, and leaves nothing
# behind when it cannot.
# shellcheck disable=SC2154 # work and the check helpers are run.sh's

apdir=$work/apt-private
ap_script=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts" && pwd)/apt-private.sh
mkdir -p "$apdir"
printf 'Types: deb\nURIs: http://archive.invalid/debian\nSuites: bookworm\nComponents: main\n' \
	>"$apdir/debian.sources"
ap_setup() { # ap_setup SOURCES ARGS...: one setup run, as a build would start it
	APT_PRIVATE_SOURCES=$1 APT_PRIVATE_SOURCES_LIST=/nonexistent \
		"$ap_script" "$apdir/cache" "${@:2}" --print-options
}
ap_fail=0
for i in $(seq 1 12); do
	ap_setup "$apdir/debian.sources" --sid >/dev/null 2>"$apdir/err.$i" &
done
for i in $(seq 1 12); do
	wait -n || ap_fail=$((ap_fail + 1))
done
check "apt-private: 12 setups at once all succeed" same "$ap_fail" 0
ap_sources=$apdir/cache/apt/main+src+sid/sources.list.d/private.sources
check "apt-private: the sources hold the machine's entry with deb-src" \
	grep -q '^Types: deb deb-src$' "$ap_sources"
check "apt-private: and sid's" grep -q '^Suites: sid$' "$ap_sources"
check "apt-private: no candidate files left behind" same \
	"$(find "$apdir/cache" -name '.*sources*' | wc -l)" 0
: >"$apdir/empty.sources"
if ap_setup "$apdir/empty.sources" >/dev/null 2>"$apdir/err.empty"; then
	bad "apt-private: no sources refused"
else
	check "apt-private: no sources refused, saying where it looked" \
		grep -q 'no Debian apt sources found in .*empty\.sources' "$apdir/err.empty"
fi
check "apt-private: nothing left behind after the refusal" same \
	"$(find "$apdir/cache" -name '.*sources*' | wc -l)" 0

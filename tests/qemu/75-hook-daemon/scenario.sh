#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Daemons a hook leaves running keep a working standard output after the hook returns (its read
# end is not closed under them, which killed them with SIGPIPE): a plain one works until the
# switch stops it, an '@' one keeps writing in the real system, and their output is logged.
# kernels: bookworm sid
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-handoff.sh
. "$(dirname "$0")/../lib-handoff.sh"
scenario_begin

readonly TICKER=/usr/bin/baton-ticker
uuid=6d7e8f9a-0b1c-4d3e-8f4a-75d3e4f5a6b7
# busybox applets cannot run as "@name" (busybox picks the applet by argv[0]): the '@' daemon
# is a small static program of this scenario.
base_tree "$WORK/base"
musl-gcc -static -Os -s -Wall -Wextra -Werror -o "$WORK/base$TICKER" "$(dirname "$0")/ticker.c" ||
	die "cannot build the ticker"
# The plain daemon counts in /run/ticks (/run stays in place until the switch).
hook hooks early 10-plain <<'HOOK'
(i=0; while :; do i=$((i + 1)); echo "plain $i"; echo "$i" >/run/ticks; sleep 0.5; done) &
echo "started the plain daemon"
HOOK
hook hooks early 20-at <<HOOK
(exec -a @ticker $TICKER) </dev/null &
echo "started @ticker"
HOOK
hook hooks pre-switch 90-check <<'HOOK'
a=$(cat /run/ticks)
sleep 2
b=$(cat /run/ticks)
if [ "$b" -gt "$a" ]; then echo "plain daemon alive: $a -> $b"; else echo "plain daemon dead at $a"; fi
HOOK
initramfs_hooks initrd.img --hook "$PWD/hooks" --binary "$TICKER"
root_tree root
disk_ext4 root.img 16 --uuid "$uuid" --dir root
attach root.img

# probe.wait=3: the real init waits before it reports, while the @ daemon writes on.
boot --initrd initrd.img "root=UUID=$uuid" probe.wait=3
expect_probe_ok ext4 /dev/vda
expect_hook early/10-plain 'started the plain daemon$'
expect_hook early/10-plain 'processes it left hold its output; reader [0-9]+ logs it$'
expect_hook early/20-at 'processes it left hold its output; reader [0-9]+ logs it$'
# Output written after the hook returned is logged (the plain daemon's, before the switch).
expect_hook early/10-plain 'plain [5-9]$' "the plain daemon wrote on after its hook returned"
expect_hook pre-switch/90-check 'plain daemon alive: [0-9]+ -> [0-9]+$' \
	"the plain daemon still worked at pre-switch"
# The switch stops the plain daemon (its shell and maybe its sleep), never a reader.
expect '] baton: stopping [12] process(es)? started from the initramfs$' "the plain daemon only"
expect_not 'were killed' "the plain daemon went at SIGTERM"
expect_not '^BATON-PROBE: proc [0-9]+ .*cmdline=/bin/sh /lib/baton/hooks/early/10-plain' \
	"the plain daemon is gone"
expect '^BATON-PROBE: proc [0-9]+ .* cmdline=@ticker$' "the @ daemon survived the switch"
expect '^BATON-PROBE: proc [0-9]+ .* cmdline=@init( .*)?$' "its output's reader survived too"
# The @ daemon's output is still logged in the real system: a tick after the switch.
if ! awk '/\] baton: switched root/ { s = 1 } s && /\] baton: hook early\/20-at: tick [0-9]+$/ { f = 1 }
	END { exit !f }' "$WORK/console.log"; then
	_fail "no tick of the @ daemon logged after the switch"
fi

# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Sourced by tests/generator/run.sh: the console keymap and font an image carries for the
# passphrase prompt: Debian's console-setup cache, systemd's vconsole.conf with its includes,
# --keymap, --font, --no-keymap, and what is missing.
# shellcheck disable=SC2154 # gen and work are run.sh's

kbase=$work/kbase
# kbase_prog PATH: the host's program at PATH in kbase, with the libraries ldd lists.
kbase_prog() {
	local lib
	mkdir -p "$kbase$(dirname "$1")"
	cp -L "$1" "$kbase$1"
	while read -r lib; do
		mkdir -p "$kbase$(dirname "$lib")"
		cp -L "$lib" "$kbase$lib"
	done < <(ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
}
mkdir -p "$kbase/usr/lib" "$kbase/etc/default" "$kbase/etc/console-setup" \
	"$kbase/usr/share/consolefonts"
ln -s usr/lib "$kbase/lib"
ln -s "$KERNEL_TREE/lib/modules" "$kbase/usr/lib/modules"
kbase_prog "$(command -v cryptsetup)"
kbase_prog "$(command -v loadkeys)"
kbase_prog "$(command -v setfont)"
printf 'XKBLAYOUT="de"\n' >"$kbase/etc/default/keyboard"
printf 'CHARMAP="UTF-8"\nCODESET="guess"\nFONTFACE="Fixed"\nFONTSIZE="8x16"\n' \
	>"$kbase/etc/default/console-setup"
printf 'keycode 21 = +U+007a\n' | gzip -n >"$kbase/etc/console-setup/cached_UTF-8_del.kmap.gz"
printf 'keycode 21 = +U+0079\n' | gzip -n >"$kbase/etc/console-setup/cached_ISO-8859-1_del.kmap.gz"
printf 'PSF font bytes\n' | gzip -n >"$kbase/etc/console-setup/cached_Lat15-Fixed16.psf.gz"

"$gen" -o "$work/k1.img" -b "$kbase" -m virtio_blk 2>/dev/null
k1=$(listing "$work/k1.img")
check "keymap: console.conf names the cached keymap and font" \
	same "$(image_file "$work/k1.img" lib/baton/console.conf)" \
	"keymap /etc/console-setup/cached_UTF-8_del.kmap
font /etc/console-setup/cached_Lat15-Fixed16.psf"
check "keymap: the keymap of CHARMAP, uncompressed" \
	same "$(image_file "$work/k1.img" etc/console-setup/cached_UTF-8_del.kmap)" 'keycode 21 = +U+007a'
check "keymap: no other charmap's keymap" lacks "$k1" 'ISO-8859-1'
check "keymap: the font, uncompressed" \
	same "$(image_file "$work/k1.img" etc/console-setup/cached_Lat15-Fixed16.psf)" 'PSF font bytes'
check "keymap: loadkeys and setfont carried" has "$(grep -E 'bin/(loadkeys|setfont)$' <<<"$k1" |
	sed 's|.*/||' | sort | tr '\n' ' ')" '^loadkeys setfont $'

"$gen" -o "$work/k2.img" -b "$kbase" -m virtio_blk --no-keymap 2>/dev/null
k2=$(listing "$work/k2.img")
check "--no-keymap: no console.conf" lacks "$k2" 'console\.conf'
check "--no-keymap: no loadkeys, no keymap" lacks "$k2" 'loadkeys|\.kmap'
"$gen" -o "$work/k3.img" -b "$kbase" -m virtio_blk --no-stack luks 2>/dev/null
check "keymap: none in an image that asks no passphrase" lacks "$(listing "$work/k3.img")" \
	'console\.conf|loadkeys'

# systemd's vconsole.conf: a keymap in kbd's sub-folders whose includes come along, and FONT=.
rm "$kbase/etc/default/keyboard"
km=$kbase/usr/share/keymaps/i386
mkdir -p "$km/qwertz" "$km/include" "$kbase/usr/share/keymaps/include"
printf 'include "qwertz-layout"\ninclude "linux-with-alt-and-altgr"\nkeycode 21 = +z\n' |
	gzip -n >"$km/qwertz/de.kmap.gz"
printf 'keycode 44 = +y\n' | gzip -n >"$km/include/qwertz-layout.inc.gz"
printf 'include "linux-keys-bare"\n' >"$kbase/usr/share/keymaps/include/linux-with-alt-and-altgr.inc"
printf 'keycode 1 = Escape\n' | gzip -n >"$kbase/usr/share/keymaps/include/linux-keys-bare.inc.gz"
printf 'PSF2 eurlatgr\n' | gzip -n >"$kbase/usr/share/consolefonts/eurlatgr.psfu.gz"
printf 'KEYMAP="de"\nFONT=eurlatgr\n' >"$kbase/etc/vconsole.conf"
"$gen" -o "$work/k4.img" -b "$kbase" -m virtio_blk 2>/dev/null
k4=$(listing "$work/k4.img")
check "vconsole.conf: console.conf names KEYMAP= and FONT=" \
	same "$(image_file "$work/k4.img" lib/baton/console.conf)" \
	"keymap /usr/share/keymaps/i386/qwertz/de.kmap
font /usr/share/consolefonts/eurlatgr.psfu"
check "vconsole.conf: the include beside, uncompressed" \
	same "$(image_file "$work/k4.img" usr/share/keymaps/i386/include/qwertz-layout.inc)" 'keycode 44 = +y'
check "vconsole.conf: the include in the keymap folder's include/" \
	has "$k4" '^usr/share/keymaps/include/linux-with-alt-and-altgr\.inc$'
check "vconsole.conf: an include's own include" \
	has "$k4" '^usr/share/keymaps/include/linux-keys-bare\.inc$'

# Forced files, and what is missing.
"$gen" -o "$work/k5.img" -b "$kbase" -m virtio_blk --keymap /etc/console-setup/cached_ISO-8859-1_del.kmap.gz \
	--font eurlatgr 2>/dev/null
check "--keymap and --font: as given" same "$(image_file "$work/k5.img" lib/baton/console.conf)" \
	"keymap /etc/console-setup/cached_ISO-8859-1_del.kmap
font /usr/share/consolefonts/eurlatgr.psfu"
fails "--keymap: a missing file fails" 2 '--keymap fr-latin9: no such file' \
	-o "$work/k6.img" -b "$kbase" -m virtio_blk --keymap fr-latin9
fails "--keymap: a path outside the folders fails" 2 '--keymap \.\./x: no such file' \
	-o "$work/k6.img" -b "$kbase" -m virtio_blk --keymap ../x
printf 'KEYMAP=fr-latin9\n' >"$kbase/etc/vconsole.conf"
out=$("$gen" -o "$work/k7.img" -b "$kbase" -m virtio_blk 2>&1) || true
check "vconsole.conf: a keymap not installed is a warning" \
	has "$out" 'warning: KEYMAP=fr-latin9 of /etc/vconsole\.conf is not installed'
check "vconsole.conf: and the image has no keymap" lacks "$(listing "$work/k7.img")" 'console\.conf'
printf 'XKBLAYOUT="de"\n' >"$kbase/etc/default/keyboard"
rm "$kbase"/etc/console-setup/cached_*.kmap.gz "$kbase"/usr/*bin/loadkeys "$kbase"/usr/*bin/setfont \
	"$kbase"/bin/loadkeys "$kbase"/bin/setfont 2>/dev/null || true
out=$("$gen" -o "$work/k8.img" -b "$kbase" -m virtio_blk 2>&1) || true
check "console-setup: no cached keymap is a warning naming setupcon" \
	has "$out" "warning: /etc/default/keyboard is there but no keymap .*setupcon --save-only"
check "console-setup: no setfont is a warning naming kbd" \
	has "$out" 'warning: /etc/default/keyboard names a console font but .* has no setfont: install kbd'

# Keymaps and fonts recompressed with xz or zstd (kbd reads them through xz and zstd programs
# the image lacks): real files, a German keymap compiled by ckbcomp and console-setup's
# Uni2-Fixed16 font, stored uncompressed, byte for byte, and the keymap still loads (parsed by
# loadkeys --parse, which needs no console).
rm -f "$kbase/etc/default/keyboard"
kbase_prog "$(command -v loadkeys)"
kbase_prog "$(command -v setfont)"
ckbcomp -backspace del -model pc105 de '' '' 2>/dev/null >"$work/de.map"
printf 'include "dexz-extra"\n' | cat - "$work/de.map" | xz -9 >"$km/qwertz/dexz.map.xz"
printf 'keycode 183 = F13\n' | zstd -q -19 >"$km/include/dexz-extra.inc.zst"
zcat /usr/share/consolefonts/Uni2-Fixed16.psf.gz >"$work/Uni2-Fixed16.psf"
zstd -q -19 <"$work/Uni2-Fixed16.psf" >"$kbase/usr/share/consolefonts/Uni2-Fixed16.psf.zst"
printf 'KEYMAP=dexz\nFONT=Uni2-Fixed16\n' >"$kbase/etc/vconsole.conf"
"$gen" -o "$work/k9.img" -b "$kbase" -m virtio_blk 2>/dev/null
k9=$(listing "$work/k9.img")
check "xz/zstd: console.conf names the files without their compression suffix" \
	same "$(image_file "$work/k9.img" lib/baton/console.conf)" \
	"keymap /usr/share/keymaps/i386/qwertz/dexz.map
font /usr/share/consolefonts/Uni2-Fixed16.psf"
check "xz: the keymap, uncompressed byte for byte" \
	same "$(image_file "$work/k9.img" usr/share/keymaps/i386/qwertz/dexz.map | sha256sum)" \
	"$(printf 'include "dexz-extra"\n' | cat - "$work/de.map" | sha256sum)"
check "zstd: its include, uncompressed" \
	same "$(image_file "$work/k9.img" usr/share/keymaps/i386/include/dexz-extra.inc)" \
	'keycode 183 = F13'
check "zstd: the font, uncompressed byte for byte" \
	same "$(image_file "$work/k9.img" usr/share/consolefonts/Uni2-Fixed16.psf | sha256sum)" \
	"$(sha256sum <"$work/Uni2-Fixed16.psf")"
check "xz/zstd: nothing compressed in the image" lacks "$k9" '\.(xz|zst)$'
rm -rf "$work/k9"
mkdir -p "$work/k9"
(cd "$work/k9" && image_cat "$work/k9.img" | cpio -id --quiet 2>/dev/null) || true
check "xz: loadkeys parses the carried keymap and its include" \
	loadkeys --parse "$work/k9/usr/share/keymaps/i386/qwertz/dexz.map"
# Hostile or unreadable: a truncated xz stream, and bzip2, which kbd reads but no library here.
head -c 200 "$km/qwertz/dexz.map.xz" >"$km/qwertz/cut.map.xz"
fails "xz: a truncated keymap fails, naming it" 2 'cannot uncompress .*cut\.map\.xz \(corrupt or truncated\)' \
	-o "$work/k10.img" -b "$kbase" -m virtio_blk --keymap cut
bzip2 -c "$work/de.map" >"$km/qwertz/debz.map.bz2"
fails "bzip2: refused with what to do" 2 'debz\.map\.bz2 is bzip2-compressed, .*recompress it with gzip, xz or zstd' \
	-o "$work/k10.img" -b "$kbase" -m virtio_blk --keymap /usr/share/keymaps/i386/qwertz/debz.map.bz2

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# apt-private.sh: run apt-get/apt-cache against a PRIVATE apt configuration that is derived
# at run time from this machine's own Debian sources, without touching /etc or /var/lib/apt.
#
#   scripts/apt-private.sh CACHE_DIR [--sid] [--arch=A] [--no-src] [--update] -- apt-get source kmod
#   scripts/apt-private.sh CACHE_DIR --sid -- apt-get download linux-image-amd64
#   scripts/apt-private.sh CACHE_DIR [--sid] [--no-src] --print-options
#   scripts/apt-private.sh CACHE_DIR --no-src --component non-free-firmware -- apt-get download \
#       intel-microcode
#
#   --sid       also add Debian sid (same archive URI, components and keys as the machine's
#               main, non-security Debian entry), e.g. for a newer kernel
#   --arch=A    binary packages of Debian architecture A (e.g. arm64) instead of the host's,
#               with package lists of their own (for cross builds and foreign kernels)
#   --no-src    do not add deb-src entries (default: add deb-src for every deb entry, so
#               `apt-get source` works)
#   --component NAME  add the component NAME (e.g. non-free-firmware, where Debian keeps
#               amd64-microcode and intel-microcode) to every entry that lacks it; repeatable
#   --update    refresh the package lists even if they are recent
#   --print-options  print the apt -o options, one per line, and exit
#
# The sources come from /etc/apt/sources.list.d/debian.sources (deb822) and from the one-line
# entries of /etc/apt/sources.list (env APT_PRIVATE_SOURCES / APT_PRIVATE_SOURCES_LIST override
# those paths, for tests). No mirror host name is written here: whatever the machine uses is used.
#
# Everything lives under CACHE_DIR/apt/<variant>/ (variant = main[+src][+sid]): sources,
# package lists, apt's binary caches and archives. The lists are refreshed (apt-get update)
# when missing, older than a day (APT_PRIVATE_MAX_AGE_MIN, minutes) or when the derived
# sources changed. The given command then runs with the private -o options inserted after
# its first word, in the current directory (where apt-get source/download put their files).
#
# It can also be sourced: it then defines apt_private_setup (sets the array APT_PRIVATE_OPTS),
# apt_private_update and apt_private_run, and changes no shell options.

_ap_err() { printf 'apt-private: error: %s\n' "$*" >&2; }
_ap_note() { printf 'apt-private: %s\n' "$*" >&2; }

# _ap_add_comps COMPONENTS: COMPONENTS with each of _AP_EXTRA_COMPS appended that it lacks.
_ap_add_comps() {
	local comps=$1 c
	for c in ${_AP_EXTRA_COMPS:-}; do
		[[ " $comps " == *" $c "* ]] || comps+=" $c"
	done
	printf '%s' "$comps"
}

# _ap_emit_deb822 SRC_ADD FILE: print FILE's enabled paragraphs with "deb-src" added to Types when
# SRC_ADD=1 (and _AP_EXTRA_COMPS added to Components); also records the first main
# (non-security) deb entry in _AP_MAIN_* for --sid.
_ap_emit_deb822() {
	local add_src=$1 file=$2 line lc field para_types='' in_para=0
	local p_uris='' p_suites='' p_comps='' p_signed='' p_enabled='yes' cur=''
	local -a lines=()
	_ap_flush() {
		if [[ $in_para == 1 && ${p_enabled,,} != no && -n $para_types ]]; then
			local t out_types=$para_types
			if [[ $add_src == 1 && " $para_types " != *" deb-src "* && " $para_types " == *" deb "* ]]; then
				out_types="$para_types deb-src"
			fi
			local l
			for l in "${lines[@]}"; do
				if [[ ${l,,} == types:* ]]; then
					printf 'Types: %s\n' "$out_types"
				elif [[ ${l,,} == components:* ]]; then
					printf 'Components: %s\n' "$(_ap_add_comps "$p_comps")"
				else
					printf '%s\n' "$l"
				fi
			done
			printf '\n'
			# First deb entry that is not the security archive: the "main" one.
			if [[ -z ${_AP_MAIN_URI:-} && " $para_types " == *" deb "* && $p_uris != *security* &&
				$p_suites != *-security* ]]; then
				for t in $p_uris; do _AP_MAIN_URI=$t; break; done
				_AP_MAIN_COMPS=$(_ap_add_comps "$p_comps")
				_AP_MAIN_SIGNED=$p_signed
			fi
		fi
		lines=() in_para=0 para_types='' p_uris='' p_suites='' p_comps='' p_signed='' p_enabled=yes cur=''
	}
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		if [[ $line =~ ^[[:space:]]*$ ]]; then
			_ap_flush
			continue
		fi
		[[ $line == '#'* ]] && continue
		in_para=1
		lines+=("$line")
		if [[ $line == [[:space:]]* ]]; then
			# Continuation of the previous field (e.g. an embedded Signed-By key).
			[[ $cur == signed-by ]] && p_signed+=$'\n'"$line"
			continue
		fi
		field=${line%%:*}
		lc=${field,,}
		cur=$lc
		local val=${line#*:}
		val=${val#"${val%%[![:space:]]*}"}
		val=${val%"${val##*[![:space:]]}"}
		case $lc in
		types) para_types=$val ;;
		uris) p_uris=$val ;;
		suites) p_suites=$val ;;
		components) p_comps=$val ;;
		signed-by) p_signed=$val ;;
		enabled) p_enabled=$val ;;
		esac
	done <"$file"
	_ap_flush
	unset -f _ap_flush
}

# _ap_emit_onelist SRC_ADD FILE: print FILE's one-line "deb"/"deb-src" entries, plus a deb-src
# twin for every deb entry when SRC_ADD=1; records the main entry for --sid as above.
_ap_emit_onelist() {
	local add_src=$1 file=$2 line opts rest uri suite comps
	local -A seen=()
	local -a out=()
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%%#*}
		line=${line%$'\r'}
		[[ $line =~ ^[[:space:]]*(deb|deb-src)[[:space:]]+(.*)$ ]] || continue
		local type=${BASH_REMATCH[1]}
		rest=${BASH_REMATCH[2]}
		opts=''
		if [[ $rest =~ ^\[([^]]*)\][[:space:]]*(.*)$ ]]; then
			opts=${BASH_REMATCH[1]}
			rest=${BASH_REMATCH[2]}
		fi
		read -r uri suite comps <<<"$rest"
		[[ -n $uri && -n $suite ]] || continue
		comps=$(_ap_add_comps "$comps")
		local body
		if [[ -n $opts ]]; then body="[$opts] $uri $suite $comps"; else body="$uri $suite $comps"; fi
		body=${body%"${body##*[![:space:]]}"}
		if [[ -z ${seen["$type $body"]:-} ]]; then
			seen["$type $body"]=1
			out+=("$type $body")
		fi
		if [[ $type == deb && $add_src == 1 && -z ${seen["deb-src $body"]:-} ]]; then
			seen["deb-src $body"]=1
			out+=("deb-src $body")
		fi
		if [[ $type == deb && -z ${_AP_MAIN_URI:-} && $uri != *security* && $suite != *-security ]]; then
			_AP_MAIN_URI=$uri
			_AP_MAIN_COMPS=$comps
			_AP_MAIN_SIGNED=''
			if [[ $opts =~ (^|[[:space:]])signed-by=([^[:space:]]+) ]]; then
				_AP_MAIN_SIGNED=${BASH_REMATCH[2]//,/ }
			fi
		fi
	done <"$file"
	((${#out[@]})) && printf '%s\n' "${out[@]}"
	return 0
}

# _ap_derive_sources ADD_SRC SID DEB822 ONELIST NEW822 NEWLIST: the private sources derived from
# the machine's DEB822 and ONELIST files, written to NEW822 (deb822) and NEWLIST (one-line).
_ap_derive_sources() {
	local add_src=$1 sid=$2 deb822=$3 onelist=$4 new822=$5 newlist=$6
	if [[ -r $deb822 ]]; then
		_ap_emit_deb822 "$add_src" "$deb822" >"$new822" || return 1
	fi
	if [[ -r $onelist ]]; then
		_ap_emit_onelist "$add_src" "$onelist" >"$newlist" || return 1
	fi
	if ! grep -q '[^[:space:]]' "$new822" "$newlist"; then
		_ap_err "no Debian apt sources found in $deb822 or $onelist; cannot derive a private apt configuration"
		return 1
	fi
	if ((sid)); then
		if [[ -z $_AP_MAIN_URI ]]; then
			_ap_err "--sid: no main (non-security) Debian 'deb' entry found in $deb822 or $onelist"
			return 1
		fi
		local types=deb
		((add_src)) && types='deb deb-src'
		{
			printf 'Types: %s\nURIs: %s\nSuites: sid\nComponents: %s\n' \
				"$types" "$_AP_MAIN_URI" "${_AP_MAIN_COMPS:-main}"
			[[ -z $_AP_MAIN_SIGNED ]] || printf 'Signed-By: %s\n' "$_AP_MAIN_SIGNED"
			# sid's Release expires within days; a mirror or snapshot that lags a little would
			# make the whole update fail. Signatures are still checked.
			printf 'Check-Valid-Until: no\n'
			printf '\n'
		} >>"$new822"
	fi
}

# apt_private_setup CACHE_DIR [--sid] [--arch=A] [--no-src] [--component NAME]...: write the private sources and set
# APT_PRIVATE_DIR, APT_PRIVATE_OPTS (array of "-o" "Key=Value" words) and _AP_SOURCES_CHANGED.
apt_private_setup() {
	local cache=${1:-}
	shift || true
	local sid=0 add_src=1 arch='' a
	_AP_EXTRA_COMPS=''
	while (($#)); do
		a=$1
		shift
		case $a in
		--sid) sid=1 ;;
		--arch=*) arch=${a#--arch=} ;;
		--no-src) add_src=0 ;;
		--component)
			if [[ ! ${1:-} =~ ^[a-z][a-z0-9-]*$ ]]; then
				_ap_err "--component needs a component name, like non-free-firmware"
				return 2
			fi
			[[ " $_AP_EXTRA_COMPS " == *" $1 "* ]] || _AP_EXTRA_COMPS+=" $1"
			shift
			;;
		*) _ap_err "apt_private_setup: unknown option '$a'"; return 2 ;;
		esac
	done
	if [[ -z $cache ]]; then
		_ap_err "no cache directory given"
		return 2
	fi
	local variant=main
	((add_src)) && variant+=+src
	((sid)) && variant+=+sid
	for a in $_AP_EXTRA_COMPS; do variant+=+$a; done
	[[ -z $arch ]] || variant+=+$arch
	mkdir -p "$cache/apt" || { _ap_err "cannot create $cache/apt"; return 1; }
	local dir
	dir=$(cd "$cache/apt" && pwd)/$variant || return 1
	mkdir -p "$dir/sources.list.d" "$dir/lists/partial" "$dir/cache/archives/partial" \
		"$dir/empty" || { _ap_err "cannot create $dir"; return 1; }

	local deb822=${APT_PRIVATE_SOURCES:-/etc/apt/sources.list.d/debian.sources}
	local onelist=${APT_PRIVATE_SOURCES_LIST:-/etc/apt/sources.list}
	_AP_MAIN_URI='' _AP_MAIN_COMPS='' _AP_MAIN_SIGNED=''
	# Each run writes its own candidates (names apt does not read: no .sources or .list
	# suffix) and renames them over the real files, so concurrent runs never see a half-written
	# or vanished file.
	local new822 newlist
	if ! new822=$(mktemp "$dir/sources.list.d/.private.sources.XXXXXX") ||
		! newlist=$(mktemp "$dir/.sources.list.XXXXXX"); then
		_ap_err "cannot write in $dir"
		return 1
	fi
	chmod 0644 "$new822" "$newlist"
	if ! _ap_derive_sources "$add_src" "$sid" "$deb822" "$onelist" "$new822" "$newlist"; then
		rm -f "$new822" "$newlist"
		return 1
	fi

	_AP_SOURCES_CHANGED=0
	local f target
	for f in "$new822" "$newlist"; do
		target=$dir/sources.list.d/private.sources
		[[ $f == "$new822" ]] || target=$dir/sources.list
		if cmp -s "$f" "$target"; then
			rm -f "$f"
		else
			mv -f "$f" "$target" || return 1
			_AP_SOURCES_CHANGED=1
		fi
	done

	APT_PRIVATE_DIR=$dir
	APT_PRIVATE_OPTS=(
		-o "Dir::Etc::SourceList=$dir/sources.list"
		-o "Dir::Etc::SourceParts=$dir/sources.list.d"
		-o "Dir::Etc::Preferences=/dev/null"
		-o "Dir::Etc::PreferencesParts=$dir/empty"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::Cache=$dir/cache"
		-o "Dir::Cache::Archives=$dir/cache/archives"
		-o "Dir::Cache::pkgcache=$dir/cache/pkgcache.bin"
		-o "Dir::Cache::srcpkgcache=$dir/cache/srcpkgcache.bin"
	)
	if [[ -n $arch ]]; then
		APT_PRIVATE_OPTS+=(-o "APT::Architecture=$arch" -o "APT::Architectures=$arch")
	fi
	# As root, apt drops to the _apt user to download, which cannot write under /root/.cache
	# (it would warn and download as root anyway): say so up front, without the warning.
	if ((EUID == 0)); then
		APT_PRIVATE_OPTS+=(-o "APT::Sandbox::User=root")
	fi
	return 0
}

# apt_private_update [force]: apt-get update on the private configuration when needed.
apt_private_update() {
	local force=${1:-0} dir=$APT_PRIVATE_DIR
	local stamp=$dir/lists/.updated max_age=${APT_PRIVATE_MAX_AGE_MIN:-1440}
	if [[ $force != 1 && $_AP_SOURCES_CHANGED == 0 && -f $stamp ]] &&
		[[ -n "$(find "$stamp" -mmin "-$max_age" 2>/dev/null)" ]]; then
		return 0
	fi
	_ap_note "updating private package lists in $dir"
	local log=$dir/update.log
	if apt-get "${APT_PRIVATE_OPTS[@]}" -q update >"$log" 2>&1 &&
		! grep -qE '^(E:|W: Failed to fetch|Err:)' "$log"; then
		touch "$stamp"
		return 0
	fi
	if [[ -f $stamp ]]; then
		_ap_note "warning: apt-get update failed; using the older lists ($log):"
		tail -n 5 "$log" | sed 's/^/  /' >&2
		return 0
	fi
	_ap_err "apt-get update on the private configuration failed (log: $log):"
	tail -n 20 "$log" | sed 's/^/  /' >&2
	_ap_err "check the network and the sources in $dir/sources.list.d/private.sources"
	return 1
}

# apt_private_run CACHE_DIR [--sid] [--no-src] [--update] -- CMD [ARGS...]
apt_private_run() {
	local cache=${1:-}
	shift || true
	local -a setup_args=()
	local force=0 print=0
	while (($#)); do
		case $1 in
		--sid | --no-src | --arch=*) setup_args+=("$1") ;;
		--component) setup_args+=("$1" "${2:-}"); shift ;;
		--update) force=1 ;;
		--print-options) print=1 ;;
		--) shift; break ;;
		*) _ap_err "unknown option '$1' (usage: apt-private.sh CACHE_DIR [--sid] [--arch=A] [--no-src] [--component NAME] [--update] -- CMD ARGS...)"; return 2 ;;
		esac
		shift
	done
	apt_private_setup "$cache" "${setup_args[@]}" || return
	if ((print)); then
		printf '%s\n' "${APT_PRIVATE_OPTS[@]}"
		return 0
	fi
	if ((!$#)); then
		_ap_err "no command given after --"
		return 2
	fi
	local lockfile=$APT_PRIVATE_DIR/.lock
	{
		# Serialize concurrent users of the same private configuration while updating.
		if command -v flock >/dev/null; then flock 9; fi
		apt_private_update "$force"
	} 9>"$lockfile" || return
	local cmd=$1
	shift
	"$cmd" "${APT_PRIVATE_OPTS[@]}" "$@"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	if (($# < 1)) || [[ $1 == -h || $1 == --help ]]; then
		sed -n '3,35p' "$0" | sed 's/^# \{0,1\}//'
		exit 2
	fi
	apt_private_run "$@"
fi

#!/usr/bin/env bash
# linux/build.sh - build Linux 6.1 from Debian's linux-source-6.1, twice:
#
#   build/linux/stock/    the source as Debian ships it
#   build/linux/pvbatch/  with linux/patches/*.patch applied, in name order
#
# Both from one configuration: `make tinyconfig`, linux/pvbatch.config
# merged in, `make olddefconfig`; every option of the fragment must come
# out as written.  Each directory gets bzImage, vmlinux (the ELF Xen loads
# without decompressing anything), System.map, config and a "version" line.
#
# The source and the object trees live in a cache outside the clone,
#   ${PVBATCH_LINUX_CACHE:-${XDG_CACHE_HOME:-/var/cache}/pvbatch-linux}
#     src-<version>/                 Debian's source, unpacked once
#     <version>-<config hash>/
#       stock/{src,obj}/             src: hard links to src-<version>
#       pvbatch/{src,obj}/           the same, patched files as copies
#       stock.stamp, pvbatch.stamp   what the last finished build was
#     ccache/                        ccache's store (CCACHE_DIR)
# keyed by source version and configuration; the patch series is kept per
# tree: when it changes, only the files it touches (before or after) are
# rewritten, and only those whose content changed, so make rebuilds only
# what changed.  A build whose stamp (source version, config hash, series
# hash) matches is not run at all: the files are only
# copied.  One build at a time per cache (flock).
#
# Every compile runs under nice -n 19, -j${PVBATCH_LINUX_JOBS:-2}: other
# developers share the machine.
#
# Usage: linux/build.sh [--stock-only|--pvbatch-only] [--check-patches]
#   --check-patches  apply the series to a scratch copy and stop (no build)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
T0=$EPOCHREALTIME
elapsed() { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }'; }
say() { printf 'linux [%4ss]: %s\n' "$(elapsed)" "$*"; }
die() { printf 'linux: error: %s\n' "$*" >&2; exit 1; }

want=(stock pvbatch)
check_only=0
for a in "$@"; do
	case $a in
	--stock-only) want=(stock) ;;
	--pvbatch-only) want=(pvbatch) ;;
	--check-patches) check_only=1 ;;
	*) echo "usage: $0 [--stock-only|--pvbatch-only] [--check-patches]" >&2; exit 2 ;;
	esac
done

jobs=${PVBATCH_LINUX_JOBS:-2}
case $jobs in ''|*[!0-9]*|0) die "PVBATCH_LINUX_JOBS='$jobs' is not a positive number" ;; esac
cache=${PVBATCH_LINUX_CACHE:-${XDG_CACHE_HOME:-/var/cache}/pvbatch-linux}
fragment=linux/pvbatch.config
patchdir=linux/patches
out=build/linux

test/deps.sh --linux > /dev/null || die "test/deps.sh --linux failed"
for t in flex bison bc gcc make perl xz cpio; do
	command -v "$t" > /dev/null || die "$t not found (run test/deps.sh --linux)"
done
[ -f /usr/include/libelf.h ] || die "libelf-dev is missing (run test/deps.sh --linux)"
[ -f /usr/include/openssl/ssl.h ] || die "libssl-dev is missing (run test/deps.sh --linux)"

mkdir -p "$cache" || die "cannot create the cache $cache (set PVBATCH_LINUX_CACHE)"
cache=$(cd "$cache" && pwd)
if [ $check_only = 0 ]; then
	exec 9> "$cache/.lock"
	if ! flock -n 9; then
		say "waiting for another build using $cache"
		flock 9
	fi
fi

# --- the source package, in the one package cache (test/deps.sh --lint) --
deb=$(find build/cache/linux-source/ -maxdepth 1 -name 'linux-source-6.1_*_all.deb' | sort | tail -n 1)
[ -n "$deb" ] || die "no linux-source-6.1 .deb in build/cache/linux-source/"
ver=$(basename "$deb" | sed -n 's/^linux-source-6\.1_\(.*\)_all\.deb$/\1/p')
[ -n "$ver" ] || die "cannot read the version of $deb"

src=$cache/src-$ver
if [ ! -e "$src/.unpacked" ]; then
	say "unpacking linux-source $ver into $src (once per machine)"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$src.tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	tarball=$(find "$src.tmp/usr/src" -name 'linux-source-*.tar.xz' | head -n 1)
	[ -n "$tarball" ] || die "no source tarball in $deb"
	mkdir -p "$src.tmp/tree"
	tar -xJf "$tarball" -C "$src.tmp/tree" --strip-components=1
	mv "$src.tmp/tree" "$src"
	rm -rf "$src.tmp"
	touch "$src/.unpacked"
	say "unpacked"
fi

# --- keys -------------------------------------------------------------------
hash() { sha256sum | cut -c1-12; }
cfg_hash=$( (cat "$fragment"; echo "tinyconfig+olddefconfig") | hash)
mapfile -t patches < <(find "$patchdir" -maxdepth 1 -name '*.patch' | LC_ALL=C sort)
series_hash=$( (for p in "${patches[@]}"; do basename "$p"; cat "$p"; done) | hash)

key=$cache/$ver-$cfg_hash
mkdir -p "$key"
say "source $ver, config $cfg_hash, series $series_hash (${#patches[@]} patches), cache $key"

# Files a series touches (the +++ side of every hunk header).
touched() {
	local p
	for p in "$@"; do
		sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "$p"
	done | LC_ALL=C sort -u
}

# apply_series DIR PATCH...: DIR holds copies of the files; patch them.
apply_series() {
	local d=$1 p; shift
	for p in "$@"; do
		patch -d "$d" -p1 --quiet --forward --no-backup-if-mismatch \
			-r - < "$p" > "$d/.patch.log" 2>&1 ||
			die "$(basename "$p") does not apply: $(head -n 3 "$d/.patch.log" | tr '\n' ' ')"
	done
	rm -f "$d/.patch.log"
}

# make_series_tree TREE: TREE/src = the source with ${series[@]} applied,
# rewriting only the files whose content differs from what is there.
make_series_tree() {
	local tree=$1 old=() f scratch
	[ -e "$tree/src/.linked" ] || {
		say "linking a source tree for $(basename "$tree")"
		rm -rf "$tree/src"
		mkdir -p "$tree"
		cp -al "$src" "$tree/src"
		touch "$tree/src/.linked"
	}
	[ -f "$tree/src/.series-files" ] && mapfile -t old < "$tree/src/.series-files"
	scratch=$tree/scratch
	rm -rf "$scratch"
	mkdir -p "$scratch"
	for f in $(touched "${series[@]}"); do
		mkdir -p "$scratch/$(dirname "$f")"
		[ -e "$src/$f" ] && cp "$src/$f" "$scratch/$f"
	done
	apply_series "$scratch" "${series[@]}"
	for f in $( (printf '%s\n' "${old[@]}"; touched "${series[@]}") | sed '/^$/d' | LC_ALL=C sort -u); do
		want_file=$scratch/$f
		[ -e "$want_file" ] || want_file=$src/$f
		if [ -e "$want_file" ]; then
			cmp -s "$want_file" "$tree/src/$f" ||
				cp --remove-destination "$want_file" "$tree/src/$f"
		else
			rm -f "$tree/src/$f"
		fi
	done
	touched "${series[@]}" > "$tree/src/.series-files"
	rm -rf "$scratch"
}

if [ $check_only = 1 ]; then
	scratch=$(mktemp -d)
	for f in $(touched "${patches[@]}"); do
		mkdir -p "$scratch/$(dirname "$f")"
		cp "$src/$f" "$scratch/$f"
	done
	apply_series "$scratch" "${patches[@]}"
	rm -rf "$scratch"
	say "the series (${#patches[@]} patches) applies to $ver"
	exit 0
fi

export CCACHE_DIR=$cache/ccache CCACHE_BASEDIR=$key CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
cc=gcc
command -v ccache > /dev/null && cc="ccache gcc"

kmake() {
	nice -n 19 make -s -C "$tree/src" O="$tree/obj" CC="$cc" HOSTCC="$cc" \
		KBUILD_BUILD_USER=pvbatch KBUILD_BUILD_HOST=pvbatch "$@"
}

configure() {
	local line name val got
	say "$name_: configuring (tinyconfig + $fragment + olddefconfig)"
	rm -rf "$tree/obj"
	mkdir -p "$tree/obj"
	kmake tinyconfig > /dev/null
	"$tree/src/scripts/kconfig/merge_config.sh" -m -O "$tree/obj" \
		"$tree/obj/.config" "$fragment" > "$tree/merge.log" 2>&1 ||
		die "merge_config.sh failed (see $tree/merge.log)"
	kmake olddefconfig > /dev/null
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) name=${line%%=*}; val=${line#*=}
			got=$(grep -E "^$name=" "$tree/obj/.config" | cut -d= -f2- || :)
			[ "$got" = "$val" ] || {
				rm -f "$tree/obj/.config"
				die "$fragment: $name=$val came out as '${got:-unset}' after olddefconfig"
			} ;;
		'# CONFIG_'*' is not set') name=${line#\# }; name=${name%% *}
			! grep -qE "^$name=" "$tree/obj/.config" || {
				rm -f "$tree/obj/.config"
				die "$fragment: $name should be unset after olddefconfig"
			} ;;
		'#'*|'') ;;
		*) die "$fragment: cannot read '$line'" ;;
		esac
	done < "$fragment"
	echo "$cfg_hash" > "$tree/obj/.pvbatch-config"
}

for name_ in "${want[@]}"; do
	tree=$key/$name_
	if [ "$name_" = stock ]; then
		sh=none
		series=()
	else
		sh=$series_hash
		series=("${patches[@]}")
	fi
	stamp="$ver $cfg_hash $sh"
	dest=$out/$name_
	if [ -s "$tree.stamp" ] && [ "$(cat "$tree.stamp")" = "$stamp" ] &&
	   [ -s "$tree/obj/arch/x86/boot/bzImage" ]; then
		say "$name_: up to date ($stamp)"
	else
		rm -f "$tree.stamp"
		make_series_tree "$tree"
		[ "$(cat "$tree/obj/.pvbatch-config" 2>/dev/null)" = "$cfg_hash" ] || configure
		say "$name_: building (nice -n 19, -j$jobs, CC=$cc)"
		t=$EPOCHREALTIME
		kmake -j"$jobs" bzImage > "$tree/build.log" 2>&1 || {
			tail -n 20 "$tree/build.log" >&2
			die "$name_: the kernel build failed (log: $tree/build.log)"
		}
		say "$name_: built in $(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')s"
		echo "$stamp" > "$tree.stamp"
	fi
	mkdir -p "$dest"
	for f in arch/x86/boot/bzImage vmlinux System.map; do
		cmp -s "$tree/obj/$f" "$dest/$(basename "$f")" ||
			cp "$tree/obj/$f" "$dest/$(basename "$f")"
	done
	cmp -s "$tree/obj/.config" "$dest/config" || cp "$tree/obj/.config" "$dest/config"
	echo "$stamp" > "$dest/version"
	say "$name_: $dest/bzImage ($(stat -c %s "$dest/bzImage") bytes)"
done
say "done"

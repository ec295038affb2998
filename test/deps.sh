#!/usr/bin/env bash
# test/deps.sh - install and unpack everything pvbatch needs, from Debian only.
#
# Host tools come from apt-get.  The hypervisor, the dom0 kernel and the Xen
# toolstack are *not* installed system-wide: their .debs are fetched with
# `apt-get download` and unpacked with `dpkg -x` into build/cache/root, so
# the host is left alone and every run uses exactly the same binaries.
#
# Usage: test/deps.sh [--host] [--xen] [--dom0]   (no argument: all three)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/build/cache
root=$cache/root
debs=$cache/debs

want_host=0 want_xen=0 want_dom0=0
[ $# -eq 0 ] && set -- --host --xen --dom0
for a in "$@"; do
	case $a in
	--host) want_host=1 ;;
	--xen) want_xen=1 ;;
	--dom0) want_dom0=1 ;;
	*) echo "deps.sh: unknown option '$a'" >&2; exit 2 ;;
	esac
done

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

host_pkgs="build-essential qemu-system-x86 libxen-dev sparse libcmocka-dev
	   clang gnuplot-nox busybox-static cpio python3"

apt_updated=0
apt_update() {
	[ $apt_updated -eq 1 ] && return 0
	$SUDO apt-get update -qq
	apt_updated=1
}

if [ $want_host -eq 1 ]; then
	missing=
	for p in $host_pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "deps: installing host packages:$missing"
		apt_update
		$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
fi

# fetch_unpack PKG...: download each .deb once and unpack it into $root.
fetch_unpack() {
	mkdir -p "$debs" "$root"
	local p f
	for p in "$@"; do
		if ! ls "$debs/${p}_"*.deb >/dev/null 2>&1; then
			apt_update
			(cd "$debs" && apt-get download -qq "$p" >/dev/null) || {
				echo "deps: apt-get download $p failed" >&2
				exit 1
			}
		fi
		f=$(ls "$debs/${p}_"*.deb | head -n 1)
		if [ ! -e "$root/.unpacked.$(basename "$f")" ]; then
			dpkg -x "$f" "$root"
			touch "$root/.unpacked.$(basename "$f")"
		fi
	done
}

if [ $want_xen -eq 1 ]; then
	fetch_unpack xen-hypervisor-4.17-amd64
	if [ ! -s "$cache/xen.elf" ]; then
		gz=$(ls "$root"/boot/xen-4.17-amd64.gz 2>/dev/null | head -n 1)
		[ -n "$gz" ] || { echo "deps: no xen-4.17-amd64.gz in package" >&2; exit 1; }
		gunzip -c "$gz" > "$cache/xen.elf.tmp" && mv "$cache/xen.elf.tmp" "$cache/xen.elf"
	fi
fi

if [ $want_dom0 -eq 1 ]; then
	apt_update_needed=0
	if [ ! -s "$cache/linux-pkg" ]; then
		apt_update
		apt-cache depends linux-image-amd64 |
			awk '/Depends: linux-image-[0-9]/ { print $2; exit }' > "$cache/linux-pkg"
	fi
	kpkg=$(cat "$cache/linux-pkg")
	[ -n "$kpkg" ] || { echo "deps: cannot resolve linux-image-amd64" >&2; exit 1; }
	fetch_unpack "$kpkg" xen-utils-4.17 xen-utils-common libxenmisc4.17 \
		libxenstore4 libxentoolcore1 libxencall1 libxenevtchn1 \
		libxenforeignmemory1 libxengnttab1 libxentoollog1 libxenhypfs1 \
		libxendevicemodel1 libyajl2 busybox-static
fi
exit 0

#!/usr/bin/env bash
# test/deps.sh - install and unpack everything pvbatch needs, from Debian only.
#
# Host tools come from apt-get.  The hypervisor, the dom0 kernel and the Xen
# toolstack are *not* installed system-wide: their .debs are fetched with
# `apt-get download` and unpacked with `dpkg -x` into build/cache/root, so
# the host is left alone and every run uses exactly the same binaries.
#
# Linux's own source package (linux-source-6.1) is fetched the same way into
# build/cache/linux-source/, for the tools taken from it (checkpatch.pl, for
# `make lint`); only the files asked for are taken out of its tarball.
#
# Usage: test/deps.sh [--host] [--xen] [--dom0] [--lint] [--linux]
#        (no argument: --host --xen --dom0; make lint asks for --lint)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/build/cache
root=$cache/root
debs=$cache/debs

want_host=0 want_xen=0 want_dom0=0 want_lint=0 want_linux=0
[ $# -eq 0 ] && set -- --host --xen --dom0
for a in "$@"; do
	case $a in
	--host) want_host=1 ;;
	--xen) want_xen=1 ;;
	--dom0) want_dom0=1 ;;
	--lint) want_lint=1 ;;
	# make linux: what building Linux needs, and its source (as --lint).
	--linux) want_linux=1 want_lint=1 ;;
	*) echo "deps.sh: unknown option '$a'" >&2; exit 2 ;;
	esac
done

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

host_pkgs=(build-essential qemu-system-x86 libxen-dev sparse libcmocka-dev
	   clang gnuplot-nox busybox-static cpio python3 python3-pycparser
	   python3-pyflakes shellcheck strace)

apt_updated=0
apt_update() {
	[ $apt_updated -eq 1 ] && return 0
	$SUDO apt-get update -qq
	apt_updated=1
}

if [ $want_host -eq 1 ]; then
	missing=()
	for p in "${host_pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "deps: installing host packages: ${missing[*]}"
		apt_update
		$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
fi

if [ $want_linux -eq 1 ]; then
	missing=()
	for p in flex bison bc libelf-dev libssl-dev ccache cpio xz-utils; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "deps: installing what building Linux needs: ${missing[*]}"
		apt_update
		$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
fi

# first_file GLOB-RESULT...: the first of the files a glob found, or
# nothing (an unmatched glob is left as the pattern itself).
first_file() {
	[ -e "$1" ] && printf '%s\n' "$1"
	return 0
}

# fetch_unpack PKG...: download each .deb once and unpack it into $root.
fetch_unpack() {
	mkdir -p "$debs" "$root"
	local p f
	for p in "$@"; do
		if [ -z "$(first_file "$debs/${p}_"*.deb)" ]; then
			apt_update
			(cd "$debs" && apt-get download -qq "$p" >/dev/null) || {
				echo "deps: apt-get download $p failed" >&2
				exit 1
			}
		fi
		f=$(first_file "$debs/${p}_"*.deb)
		if [ ! -e "$root/.unpacked.$(basename "$f")" ]; then
			dpkg -x "$f" "$root"
			touch "$root/.unpacked.$(basename "$f")"
		fi
	done
}

if [ $want_xen -eq 1 ]; then
	fetch_unpack xen-hypervisor-4.17-amd64
	if [ ! -s "$cache/xen.elf" ]; then
		gz=$(first_file "$root"/boot/xen-4.17-amd64.gz)
		[ -n "$gz" ] || { echo "deps: no xen-4.17-amd64.gz in package" >&2; exit 1; }
		gunzip -c "$gz" > "$cache/xen.elf.tmp" && mv "$cache/xen.elf.tmp" "$cache/xen.elf"
	fi
fi

if [ $want_dom0 -eq 1 ]; then
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
# Linux's source: the .deb in build/cache/linux-source/, and from its
# tarball only what a tool needs, under build/cache/linux-source/linux/.
linux_src=$cache/linux-source
linux_src_pkg=linux-source-6.1
linux_src_files=(scripts/checkpatch.pl scripts/spelling.txt
	scripts/const_structs.checkpatch)
if [ $want_lint -eq 1 ]; then
	mkdir -p "$linux_src"
	if [ -z "$(first_file "$linux_src/${linux_src_pkg}_"*.deb)" ]; then
		apt_update
		(cd "$linux_src" && apt-get download -qq "$linux_src_pkg" >/dev/null) || {
			echo "deps: apt-get download $linux_src_pkg failed" >&2
			exit 1
		}
	fi
	deb=$(first_file "$linux_src/${linux_src_pkg}_"*.deb)
	stamp=$linux_src/.extracted.$(basename "$deb")
	if [ ! -e "$stamp" ]; then
		tmp=$linux_src/tmp
		rm -rf "$tmp" "$linux_src/linux"
		mkdir -p "$tmp" "$linux_src/linux"
		# The .deb holds usr/src/linux-source-6.1.tar.xz; take that
		# alone out of it, then the few files out of the tarball.
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
		tarball=$(first_file "$tmp"/usr/src/linux-source-*.tar.xz)
		tar -xJf "$tarball" -C "$linux_src/linux" --strip-components=1 \
			"${linux_src_files[@]/#/$linux_src_pkg/}"
		rm -rf "$tmp"
		touch "$stamp"
	fi
fi
exit 0

#!/usr/bin/env bash
# test/xl/mkinitramfs.sh - build dom0's initramfs for the xl test path.
#
# Usage: test/xl/mkinitramfs.sh OUT.cpio
#
# The image holds busybox-static, the Xen toolstack pieces the harness uses
# (xl, xenstored, xenconsoled, xenconsole, xen-init-dom0, xentrace) with the
# shared libraries they load, the kernel modules dom0 needs (Xen device
# drivers for the toolstack, virtio for the export disk), test/xl/dom0-init
# as /init, with the wait it sources (test/xl/wait-domain.sh) in /lib.
# Everything comes from build/cache/root (test/deps.sh --dom0), except the
# C runtime libraries, which come from the host (Debian 12 too).
#
# The archive is uncompressed on purpose: decompressing it in dom0 under TCG
# costs seconds, loading a few more megabytes costs nothing.
#
# The result is rebuilt only when one of its inputs changed: a key made of
# this script, the init script and the unpacked package list is kept next to
# it.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: mkinitramfs.sh OUT.cpio}
root=$top/build/cache/root
init=$top/test/xl/dom0-init
waitlib=$top/test/xl/wait-domain.sh

kver=
for d in "$root"/lib/modules/*; do
	[ -d "$d" ] && { kver=${d##*/}; break; }
done
[ -n "$kver" ] || { echo "mkinitramfs: no kernel modules in $root (run test/deps.sh --dom0)" >&2; exit 1; }

xenbin=usr/lib/xen-4.17/bin
bins="$xenbin/xl $xenbin/xenstored $xenbin/xenconsoled $xenbin/xenconsole
      $xenbin/xen-init-dom0 $xenbin/xentrace"
mods="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs
      virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
      virtio_pci virtio_blk"

key=$( {
	sha256sum "$0" "$init" "$waitlib"
	(cd "$root" && for f in .unpacked.*; do [ ! -e "$f" ] || echo "$f"; done) | sort
	echo "$kver"
} | sha256sum | cut -d' ' -f1)

if [ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

stage=$(mktemp -d "$out.d.XXXXXX")
trap 'rm -rf "$stage" "$out.tmp.$$"' EXIT
mkdir -p "$stage"/{bin,dev,lib,proc,sys,run,tmp,modules,$xenbin} \
	"$stage"/var/{lib/xen,lib/xenstored,log/xen/console,lock} \
	"$stage"/etc/xen

install -m 755 "$root/bin/busybox" "$stage/bin/busybox"
install -m 755 "$init" "$stage/init"
install -m 644 "$waitlib" "$stage/lib/wait-domain.sh"
# dom0_mem is fixed on Xen's command line: nothing to balloon.
echo 'autoballoon="off"' > "$stage/etc/xen/xl.conf"

# copy_lib PATH: put a shared library at the same path inside the image.
# Libraries found in the package cache are stored under their system path.
copy_lib() {
	local src=$1 dst
	case $src in
	"$root"/*) dst=${src#"$root"} ;;
	*) dst=$src ;;
	esac
	[ -e "$stage$dst" ] && return 0
	mkdir -p "$stage$(dirname "$dst")"
	cp -L "$src" "$stage$dst"
}

libpath=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu
for b in $bins; do
	[ -x "$root/$b" ] || { echo "mkinitramfs: missing $root/$b" >&2; exit 1; }
	install -m 755 "$root/$b" "$stage/$b"
	# ldd prints "name => path (addr)" or "path (addr)" for the loader.
	LD_LIBRARY_PATH=$libpath ldd "$root/$b" | awk '
		/not found/ { print "MISSING " $1; next }
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }' |
	while read -r lib; do
		case $lib in
		MISSING*) echo "mkinitramfs: $b: ${lib#MISSING } not found" >&2; exit 1 ;;
		esac
		copy_lib "$lib"
	done
done
# glibc dlopen()s libgcc_s for pthread_cancel; ldd cannot see that.
copy_lib /lib/x86_64-linux-gnu/libgcc_s.so.1

for m in $mods; do
	f=$(find "$root/lib/modules/$kver" -name "$m.ko" | head -n 1)
	[ -n "$f" ] || { echo "mkinitramfs: module $m.ko not found" >&2; exit 1; }
	cp "$f" "$stage/modules/"
done
echo "$mods" | tr -s ' \n\t' '\n' | grep . > "$stage/modules/order"

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$key" > "$out.key"

#!/usr/bin/env bash
# test/xl/run-xl.sh - boot the guest as a PV domU through stock xl, under QEMU.
#
# Usage:
#   test/xl/run-xl.sh --outdir DIR [--vcpus N] [--memory MB] [--timeout S]
#                     [--trace] [--tracedir DIR] [--kernel ELF] [--ramdisk FILE]
#                     [--then-kernel ELF [--then-ramdisk FILE]
#                      [--then-extra "WORDS"]]
#                     [--no-console] [-- GUEST-CMDLINE words...]
#
# QEMU (TCG) runs Xen (build/cache/xen.elf) with Debian's Linux as PV dom0
# and an initramfs holding the toolstack (test/xl/mkinitramfs.sh).  dom0's
# /init (test/xl/dom0-init) runs
#     xl create test/xen-guest-config.cfg kernel=... extra=... vcpus=...
# waits for the domain to end, and writes its findings to a raw disk that
# this script unpacks afterwards.  Results in DIR:
#   guest-console.log  the domU's console output, verbatim
#   ending             "<poweroff|crash|reboot|timeout|refused|error> reason"
#   serial.log         Xen's and dom0's serial console
#   xl.log             xl's log for the domain
#   dom0/              dom0-side extras (xl create output, xl dmesg, dmesg,
#                      xl info, the domain's last xl list -l)
# With --then-kernel, once the first domain is gone dom0 creates a second
# one the same way (same vCPUs and memory, command line --then-extra), in
# the same dom0 boot: its guest-console.log, ending and xl.log go to
# DIR/then/.  Not with --trace.
# With --trace, xentrace records the domain's whole life, and on the host
# build/trace/xenalyze.txt (xenalyze --summary), build/trace/report.txt and
# DIR/trace-verdict ("match"/"mismatch", by tools/trace-report) are written
# (--tracedir puts the build/trace files somewhere else).
# The guest's console is printed at the end ("| " prefix) unless
# --no-console is given.
#
# Exit status: 0 when the run reached a verdict about the domain (ending
# poweroff, crash, reboot, or refused by xl create: see DIR/ending, and
# DIR/trace-verdict for --trace), and about the second one with
# --then-kernel (DIR/then/ending); 1 when it did not (infrastructure failure,
# or the guest still running at the deadline: ending "timeout"), with a
# one-line reason on stderr; 2 for a usage error.  QEMU never outlives the
# script.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

outdir='' vcpus=2 memory=64 timeout=120 trace=0
kernel=build/pvbatch.elf ramdisk='' tdir=build/trace
then_kernel='' then_ramdisk='' then_extra=''
usage() { sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
show_console=1
while [ $# -gt 0 ]; do
	case $1 in
	--outdir) outdir=${2:?}; shift 2 ;;
	--vcpus) vcpus=${2:?}; shift 2 ;;
	--memory) memory=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--ramdisk) ramdisk=${2:?}; shift 2 ;;
	--then-kernel) then_kernel=${2:?}; shift 2 ;;
	--then-ramdisk) then_ramdisk=${2:?}; shift 2 ;;
	--then-extra) then_extra=${2?}; shift 2 ;;
	--trace) trace=1; shift ;;
	--tracedir) tdir=${2:?}; shift 2 ;;
	--no-console) show_console=0; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) echo "run-xl.sh: unknown option '$1'" >&2; usage ;;
	esac
done
[ -n "$outdir" ] || usage
for n in "$vcpus" "$memory" "$timeout"; do
	case $n in ''|*[!0-9]*) echo "run-xl.sh: '$n' is not a number" >&2; exit 2 ;; esac
done
extra="$*"
for x in "$extra" "$then_extra"; do
	case $x in
	*[\"\\]*|*$'\n'*) echo "run-xl.sh: guest command line must not hold quotes, backslashes or newlines" >&2; exit 2 ;;
	esac
done
if [ -z "$then_kernel" ] && [ -n "$then_ramdisk$then_extra" ]; then
	echo "run-xl.sh: --then-ramdisk and --then-extra need --then-kernel" >&2
	exit 2
fi
if [ -n "$then_kernel" ] && [ $trace = 1 ]; then
	echo "run-xl.sh: --then-kernel and --trace cannot be combined (the trace covers one domain)" >&2
	exit 2
fi

T0=$EPOCHREALTIME
elapsed() { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '[%5ss] %s\n' "$(elapsed)" "$*"; }

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
work=$outdir/.xl
rm -rf "$work"
mkdir -p "$work"
rm -f "$outdir"/{guest-console.log,ending,serial.log,xl.log,trace-verdict}
rm -rf "$outdir/dom0" "$outdir/then"

QEMU_PID=
cleanup() {
	if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
		kill "$QEMU_PID" 2>/dev/null || :
		sleep 0.2
		kill -9 "$QEMU_PID" 2>/dev/null || :
	fi
	QEMU_PID=
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# fail KIND REASON: record the ending (unless dom0 already did) and give up.
fail() {
	local kind=$1; shift
	[ -s "$outdir/ending" ] || echo "$kind $*" > "$outdir/ending"
	say "FAILED: $kind $*"
	echo "run-xl.sh: $kind: $*" >&2
	exit 1
}

# --- deps ---------------------------------------------------------------
test/deps.sh --xen --dom0 > "$work/deps.log" 2>&1 ||
	fail error "test/deps.sh failed: $(tail -n 1 "$work/deps.log")"
[ -f "$kernel" ] || fail error "guest kernel $kernel not found (run make?)"
[ -z "$ramdisk" ] || [ -f "$ramdisk" ] || fail error "ramdisk $ramdisk not found"
[ -z "$then_kernel" ] || [ -f "$then_kernel" ] ||
	fail error "second guest kernel $then_kernel not found"
[ -z "$then_ramdisk" ] || [ -f "$then_ramdisk" ] ||
	fail error "second guest ramdisk $then_ramdisk not found"
say "deps"

# --- initramfs and dom0 kernel ------------------------------------------
mkdir -p build/xl
test/xl/mkinitramfs.sh build/xl/dom0.cpio > "$work/mkinitramfs.log" 2>&1 ||
	fail error "initramfs build failed: $(tail -n 1 "$work/mkinitramfs.log")"

# Xen would decompress dom0's bzImage (XZ) under TCG, which takes seconds;
# give it the ELF vmlinux from inside it instead, extracted once here.
kpkg=$(cat build/cache/linux-pkg)
kver=${kpkg#linux-image-}
vmlinuz=build/cache/root/boot/vmlinuz-$kver
vmlinux=build/xl/vmlinux-$kver
if [ ! -s "$vmlinux" ] || [ "$vmlinux" -ot "$vmlinuz" ]; then
	size=$(python3 - "$vmlinuz" "$vmlinux.xz.$$" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
if d[0x202:0x206] != b'HdrS':
    sys.exit('not a bzImage')
setup = (d[0x1f1] or 4) + 1
off, length = struct.unpack_from('<II', d, 0x248)   # payload_offset/length
start = setup * 512 + off
# The payload is an .xz stream followed by the 4-byte uncompressed size.
payload = d[start:start + length]
open(sys.argv[2], 'wb').write(payload[:-4])
print(struct.unpack('<I', payload[-4:])[0])
EOF
) || fail error "cannot find the payload in $vmlinuz"
	xz -dc "$vmlinux.xz.$$" > "$vmlinux.tmp.$$" 2>/dev/null ||
		fail error "cannot decompress the dom0 kernel payload"
	[ "$(stat -c %s "$vmlinux.tmp.$$")" = "$size" ] ||
		fail error "the dom0 kernel payload decompressed to the wrong size"
	rm -f "$vmlinux.xz.$$"
	mv "$vmlinux.tmp.$$" "$vmlinux"
fi

# Per-run part of the initramfs: the guest, the config, the parameters.
# The kernel unpacks concatenated cpio archives in turn.
run=$work/run
mkdir -p "$run/pvbatch/test" "$run/pvbatch/build" "$run/pvrun"
cp test/xen-guest-config.cfg "$run/pvbatch/test/"
cp "$kernel" "$run/pvbatch/build/$(basename "$kernel")"
guest_ramdisk=
if [ -n "$ramdisk" ]; then
	cp "$ramdisk" "$run/pvbatch/build/$(basename "$ramdisk")"
	guest_ramdisk=build/$(basename "$ramdisk")
fi
# The second guest's files keep their names under build/then/.
then_k='' then_r=''
if [ -n "$then_kernel" ]; then
	mkdir -p "$run/pvbatch/build/then"
	then_k=build/then/$(basename "$then_kernel")
	cp "$then_kernel" "$run/pvbatch/$then_k"
	if [ -n "$then_ramdisk" ]; then
		then_r=build/then/$(basename "$then_ramdisk")
		cp "$then_ramdisk" "$run/pvbatch/$then_r"
	fi
fi
# dom0 gives up on the guest this many seconds into its own uptime, which
# leaves time to export the results before the host's hard timeout.
start_s=$(elapsed)
deadline=$(awk -v t="$timeout" -v s="$start_s" 'BEGIN { d = int(t - s - 12); print (d < 10 ? 10 : d) }')
cat > "$run/pvrun/run.conf" <<EOF
GUEST_KERNEL="build/$(basename "$kernel")"
GUEST_RAMDISK="$guest_ramdisk"
GUEST_EXTRA="$extra"
GUEST_VCPUS=$vcpus
GUEST_MEMORY=$memory
GUEST_DEADLINE=$deadline
TRACE=$trace
THEN_KERNEL="$then_k"
THEN_RAMDISK="$then_r"
THEN_EXTRA="$then_extra"
EOF
(cd "$run" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$work/run.cpio"
cat build/xl/dom0.cpio "$work/run.cpio" > "$work/initrd.cpio"
say "initramfs"

# --- boot -----------------------------------------------------------------
disk=$work/export.img
truncate -s 1G "$disk"
# dom0 holds the initramfs twice while unpacking it (and the trace): keep
# it small for speed, but big enough for a large guest kernel.
run_mb=$(( $(stat -c %s "$work/run.cpio") / 1048576 ))
# PVBATCH_DOM0_EXTRA_MB: more for a long trace (it is written in dom0's RAM).
extra_mb=${PVBATCH_DOM0_EXTRA_MB:-0}
case $extra_mb in ''|*[!0-9]*) fail error "PVBATCH_DOM0_EXTRA_MB='$extra_mb' is not a number" ;; esac
dom0_mem=$(( 256 + 3 * run_mb + extra_mb ))
qemu_mem=$((dom0_mem + memory + 256))
xen_args="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"
xen_args="$xen_args console_timestamps=boot dom0_mem=${dom0_mem}M,max:${dom0_mem}M"
xen_args="$xen_args dom0_max_vcpus=1"
dom0_args="console=hvc0 earlyprintk=xen quiet"
case "$vmlinux$work" in
*,*|*' '*) fail error "paths must not contain commas or spaces: $work" ;;
esac

serial=$outdir/serial.log
: > "$serial"
qemu-system-x86_64 -nodefaults -machine pc -cpu qemu64 -smp 2 -m "$qemu_mem" \
	-no-reboot -display none -monitor none -serial "file:$serial" \
	-kernel build/cache/xen.elf -append "$xen_args" \
	-initrd "$top/$vmlinux $dom0_args,$work/initrd.cpio" \
	-drive "file=$disk,format=raw,if=virtio,cache=unsafe" \
	> "$work/qemu.log" 2>&1 &
QEMU_PID=$!

# Follow the serial log: Xen's handover to dom0, then dom0's XLRUN lines.
# One follower (tail -F, ended by QEMU's exit) hands over the lines as
# they come, and this loop sleeps in read between them: nothing is forked
# while the guest runs, so the harness takes no core from QEMU's vCPU
# threads (a grep, tr, awk and sleep forked ten times a second did).
exec {follow}< <(tail -n +1 -F --pid="$QEMU_PID" "$serial" 2>/dev/null |
		 grep -a --line-buffered -o -e 'Serial input to DOM0' -e 'XLRUN .*')
hard_timeout=0
while :; do
	if read -r -t 1 -u "$follow" line; then
		line=${line//$'\r'/}
		case $line in
		'Serial input to DOM0') say "Xen up"; continue ;;
		esac
		read -r _ _ phase rest <<< "$line"
		case $phase in
		dom0-up) say "dom0 up (toolstack ready)" ;;
		xl-create) say "xl create" ;;
		guest-running) say "guest running ($rest)" ;;
		guest-ended) say "guest ended: $rest" ;;
		then-xl-create) say "xl create (second domain)" ;;
		then-guest-running) say "second guest running ($rest)" ;;
		then-guest-ended) say "second guest ended: $rest" ;;
		exported) say "results exported" ;;
		*) say "dom0: $phase $rest" ;;
		esac
		continue
	elif [ $? -le 128 ]; then
		# The follower ended: QEMU has exited, or tail itself failed
		# (then poll, once a second, until QEMU exits or time is up).
		kill -0 "$QEMU_PID" 2>/dev/null || break
		sleep 1
	fi
	if [ $SECONDS -ge "$timeout" ]; then
		hard_timeout=1
		break
	fi
done
exec {follow}<&-
if [ $hard_timeout = 1 ]; then
	cleanup
	fail timeout "no result from dom0 within ${timeout}s (see $serial)"
fi
wait "$QEMU_PID" || :
QEMU_PID=

# --- results --------------------------------------------------------------
res=$work/out
mkdir -p "$res"
if ! tar -xf "$disk" -C "$res" 2>/dev/null || [ ! -s "$res/ending" ]; then
	why=$(grep -a -o 'XLRUN [0-9.]* failed .*' "$serial" | tail -n 1 | cut -d' ' -f4- || :)
	[ -n "$why" ] || why=$(grep -a -m 1 -E 'Panic on CPU|Kernel panic|Could not construct' "$serial" || :)
	fail error "dom0 returned no results${why:+: $why} (see $serial)"
fi
rm -f "$disk"
cp "$res/ending" "$outdir/ending"
cp "$res/guest-console.log" "$outdir/guest-console.log" 2>/dev/null || : > "$outdir/guest-console.log"
cp "$res/xl.log" "$outdir/xl.log" 2>/dev/null || : > "$outdir/xl.log"
mkdir -p "$outdir/dom0"
for f in xl-create.log xen-dmesg.log dom0-dmesg.log xl-info.txt xl-list.json \
	 xen-init-dom0.log xenstored.log xentrace.log domid; do
	if [ -e "$res/$f" ]; then cp "$res/$f" "$outdir/dom0/"; fi
done
ending=$(cat "$outdir/ending")
then_ending=
if [ -n "$then_kernel" ]; then
	mkdir -p "$outdir/then"
	if [ -s "$res/then/ending" ]; then
		then_ending=$(cat "$res/then/ending")
	else
		then_ending="error dom0 returned no ending for the second domain"
	fi
	echo "$then_ending" > "$outdir/then/ending"
	for f in guest-console.log xl.log xl-create.log domid; do
		if [ -e "$res/then/$f" ]; then cp "$res/then/$f" "$outdir/then/"; fi
	done
	[ -e "$outdir/then/guest-console.log" ] || : > "$outdir/then/guest-console.log"
fi
if [ $show_console = 1 ]; then
	say "guest console ($outdir/guest-console.log):"
	tr -d '\r' < "$outdir/guest-console.log" | sed 's/^/  | /'
fi

# --- trace ------------------------------------------------------------------
if [ $trace = 1 ] && [ -s "$res/trace.bin" ]; then
	mkdir -p "$tdir"
	mv "$res/trace.bin" "$tdir/trace.bin"
	mhz=$(awk -F: '/^cpu_mhz/ { gsub(/ /, "", $2); print $2 }' "$outdir/dom0/xl-info.txt" 2>/dev/null || :)
	[ -n "$mhz" ] || mhz=$(grep -a -o 'Detected [0-9.]* MHz' "$serial" | head -n 1 | awk '{ print $2 }' || :)
	[ -n "$mhz" ] || fail error "cannot tell Xen's CPU frequency for xenalyze"
	xenalyze=build/cache/root/usr/bin/xenalyze
	"$xenalyze" --cpu-hz="${mhz}M" --summary "$tdir/trace.bin" \
		> "$tdir/xenalyze.txt" 2> "$tdir/xenalyze.err" ||
		fail error "xenalyze --summary failed: $(tail -n 1 "$tdir/xenalyze.err")"
	domid=$(cat "$outdir/dom0/domid" 2>/dev/null || echo)
	[ -n "$domid" ] || fail error "no domid recorded for the guest"
	# Per-record dump, kept to the guest's hypercall lines (and any lost
	# records): the only place xenalyze shows how many requests each
	# mmu_update/mmuext_op carried, and which records are continuations.
	# xenalyze-domain.txt: all the domain's records (ptwr and privop
	# emulations with their guest eip too), for tools/linux-profile.
	"$xenalyze" --cpu-hz="${mhz}M" --dump-all "$tdir/trace.bin" 2> /dev/null |
		grep -a -E " d${domid}v[0-9]+ |lost_records" \
		> "$tdir/xenalyze-domain.txt" || :
	grep -a -E " d${domid}v[0-9]+ +hypercall |lost_records" \
		"$tdir/xenalyze-domain.txt" > "$tdir/xenalyze-hypercalls.txt" || :
	tools/trace-report --xenalyze "$tdir/xenalyze.txt" \
		--dump "$tdir/xenalyze-hypercalls.txt" \
		--console "$outdir/guest-console.log" --domid "$domid" \
		--out "$tdir/report.txt" --verdict "$outdir/trace-verdict" \
		> "$work/trace-report.log" 2>&1 || :
	verdict=$(cat "$outdir/trace-verdict" 2>/dev/null || echo mismatch)
	say "trace summarised: $verdict ($tdir/report.txt)"
elif [ $trace = 1 ]; then
	echo "mismatch" > "$outdir/trace-verdict"
	say "trace: no trace came back from dom0 (verdict: mismatch)"
fi

verdict() {
	case $1 in
	poweroff*|crash*|reboot*|refused*) return 0 ;;
	*) return 1 ;;
	esac
}
say "done: $ending${then_kernel:+; second domain: $then_ending}"
if ! verdict "$ending"; then
	echo "run-xl.sh: ${ending}" >&2
	exit 1
fi
if [ -n "$then_kernel" ] && ! verdict "$then_ending"; then
	echo "run-xl.sh: second domain: ${then_ending}" >&2
	exit 1
fi
exit 0

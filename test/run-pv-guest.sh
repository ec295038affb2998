#!/usr/bin/env bash
# test/run-pv-guest.sh - boot pvbatch on the real Xen hypervisor under QEMU.
#
#   test/run-pv-guest.sh [--direct|--xl] [--vcpus N] [--timeout S]
#                        [--memory MB] [--trace] [--out DIR] [--kernel ELF]
#                        [--exec-trace LO-HI] [--then-kernel ELF
#                        [--then-ramdisk FILE] [--then-extra WORDS]]
#                        [-- GUEST-ARGS...]
#
# --direct  Xen boots our guest as its initial domain (Xen's domain builder
#           builds it exactly as it would a PV domU's kernel).
# --xl      (default) Debian's Linux boots as dom0 and starts our guest as a
#           domU with `xl create test/xen-guest-config.cfg` (test/xl/).
#
# --exec-trace LO-HI[,LO-HI...]  (--direct only) QEMU logs every
#           translation block it runs between addresses LO and HI (hex;
#           several ranges: Xen's text too), and the code of each, to
#           OUT/exec.log (tools/icount reads it; very slow).
# --then-kernel ELF  (--xl only) once our guest is gone, dom0 boots ELF as
#           a second domU in the same dom0 boot (with --then-ramdisk and
#           the command line --then-extra); its console and ending are in
#           OUT/then/, and it must shut down cleanly too.
#
# Exit status: 0 only when the guest shut down cleanly and its KTAP output
# has no "not ok"; otherwise non-zero, with a one-line reason on stderr.
# The whole serial log is kept in the output directory (default build/run).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
mode=xl vcpus=2 timeout='' memory='' trace=0 out='' guest='' exec_range=''
then_kernel='' then_ramdisk='' then_extra=''
guest_args=()

die() { echo "run-pv-guest: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--direct) mode=direct ;;
	--xl) mode=xl ;;
	--vcpus) [ $# -ge 2 ] || die "--vcpus needs a number"; vcpus=$2; shift ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; timeout=$2; shift ;;
	--memory) [ $# -ge 2 ] || die "--memory needs MB"; memory=$2; shift ;;
	--trace) trace=1 ;;
	--out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift ;;
	--kernel) [ $# -ge 2 ] || die "--kernel needs a file"; guest=$2; shift ;;
	--exec-trace)
		[ $# -ge 2 ] || die "--exec-trace needs LO-HI"
		[[ $2 =~ ^[0-9a-fA-F]+-[0-9a-fA-F]+(,[0-9a-fA-F]+-[0-9a-fA-F]+)*$ ]] ||
			die "--exec-trace: '$2' is not LO-HI[,LO-HI...] in hex"
		exec_range=$2; shift ;;
	--then-kernel) [ $# -ge 2 ] || die "--then-kernel needs a file"; then_kernel=$2; shift ;;
	--then-ramdisk) [ $# -ge 2 ] || die "--then-ramdisk needs a file"; then_ramdisk=$2; shift ;;
	--then-extra) [ $# -ge 2 ] || die "--then-extra needs words"; then_extra=$2; shift ;;
	--) shift; guest_args=("$@"); break ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done

case $vcpus in ''|*[!0-9]*) die "--vcpus: '$vcpus' is not a number" ;; esac
if [ "$vcpus" -lt 1 ] || [ "$vcpus" -gt 8 ]; then
	die "--vcpus: $vcpus not in 1..8"
fi
[ -z "$timeout" ] || case $timeout in *[!0-9]*) die "--timeout: '$timeout' is not a number" ;; esac
[ -z "$memory" ] || case $memory in *[!0-9]*) die "--memory: '$memory' is not a number" ;; esac
# The guest checks it got every vCPU asked for, unless told otherwise.
case " ${guest_args[*]} " in
*" expect_vcpus="*) ;;
*) guest_args+=("expect_vcpus=$vcpus") ;;
esac
for w in "${guest_args[@]}"; do
	case $w in *' '*) die "guest argument '$w' contains a space" ;; esac
done

guest=${guest:-$top/build/pvbatch.elf}
[ -f "$guest" ] || die "no guest image $guest (run make)"
guest=$(cd "$(dirname "$guest")" && pwd)/$(basename "$guest")
out=${out:-$top/build/run}
mkdir -p "$out"
rm -f "$out/serial.log" "$out/guest-console.log" "$out/ending" "$out/trace-verdict"

t0=$(date +%s.%N)
phase() { printf '[%6.1fs] %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$*"; }

# judge CONSOLE ENDING: the common verdict for both modes, one line.
judge() {
	local console=$1 ending=$2 why=()
	if grep -Eq '(^|[^a-z])not ok [0-9]' "$console"; then
		why+=("KTAP failure: $(grep -Eo 'not ok [0-9]+ [^ ]+' "$console" | head -3 | paste -sd, -)")
	fi
	if [ "${ending%% *}" != poweroff ]; then
		why+=("did not shut down cleanly: $ending")
	elif ! grep -q 'pvbatch: verdict PASS' "$console"; then
		why+=("clean shutdown but no PASS verdict from the guest")
	fi
	if [ "$trace" = 1 ] && [ "$(cat "$out/trace-verdict" 2>/dev/null)" != match ]; then
		why+=("trace report: $(cat "$out/trace-verdict" 2>/dev/null || echo missing) (build/trace/report.txt)")
	fi
	local then_ending
	if [ -n "$then_kernel" ]; then
		then_ending=$(cat "$out/then/ending" 2>/dev/null || echo "error no ending recorded")
		[ "${then_ending%% *}" = poweroff ] ||
			why+=("second domain did not shut down cleanly: $then_ending")
	fi
	if [ ${#why[@]} -gt 0 ]; then
		local IFS=';'
		echo "run-pv-guest: FAIL: ${why[*]}" >&2
		return 1
	fi
	echo "run-pv-guest: PASS ($mode, $vcpus vCPUs): ${ending#* }"
}

run_direct() {
	local xen=$top/build/cache/xen.elf log=$out/serial.log qpid ending='' limit
	local args="${guest_args[*]}"

	[ "$trace" = 0 ] || die "--trace needs --xl (xentrace runs in dom0)"
	phase "deps"
	"$top/test/deps.sh" --xen || die "fetching Xen failed"
	limit=${timeout:-60}
	# QEMU splits -initrd at commas; ",," is a literal comma.
	args=${args//,/,,}
	local dbg=()
	local filter=${exec_range//,/,0x}
	[ -z "$exec_range" ] ||
		dbg=(-d "in_asm,exec,nochain" -dfilter "0x${filter//-/..0x}"
		     -D "$out/exec.log")
	# One emulated CPU per vCPU, at least two.  With more vCPUs than CPUs,
	# Xen 4.17's credit2 under TCG sometimes leaves a CPU idle while vCPUs
	# wait in its run queue, until some interrupt reaches that CPU: the
	# 4-vCPU self-tests then stalled for minutes (1 run in 10-30).
	local smp=$(( vcpus > 2 ? vcpus : 2 ))
	phase "booting Xen with pvbatch as the initial domain ($vcpus vCPUs)"
	# The whole run is bounded by timeout(1); while it runs nothing here
	# polls: two busy vCPU threads on a two-core host are what the
	# benchmarks time, and a check every few hundred milliseconds (a grep
	# and a sleep forked each time) took a core from one of them.  A
	# follower (tail -F, ended by QEMU's exit) waits for the lines that
	# end a run early: Xen would reboot five seconds after them anyway.
	timeout "$limit" qemu-system-x86_64 -machine pc -cpu qemu64 -smp $smp -m 1024 "${dbg[@]}" \
		-display none -monitor none -no-reboot \
		-serial "file:$log" \
		-kernel "$xen" \
		-append "console=com1 com1=115200 loglvl=all guest_loglvl=all dom0_mem=${memory:-256}M dom0_max_vcpus=$vcpus sched=credit2" \
		-initrd "$guest $args" >"$out/qemu.log" 2>&1 &
	qpid=$!
	tail -n +1 -F --pid=$qpid "$log" 2>/dev/null |
		grep -a -m 1 -E 'Hardware Dom0 crashed|Could not construct domain 0|Panic on CPU' \
		>/dev/null &
	fpid=$!
	local rc=0 who=''
	wait -n -p who $qpid $fpid || rc=$?
	# The follower found one (grep's 0; not its end with QEMU's exit).
	if [ "$who" = "$fpid" ] && [ $rc -eq 0 ]; then
		sleep 0.5	# let Xen print the panic's reason line
		kill $qpid 2>/dev/null
	fi
	rc=0
	wait $qpid 2>/dev/null || rc=$?
	wait $fpid 2>/dev/null
	if [ $rc -eq 124 ]; then
		ending="timeout no shutdown after ${limit}s"
	elif grep -q 'Hardware Dom0 crashed' "$log" 2>/dev/null; then
		ending="crash Xen reports the domain crashed"
	elif grep -Eq 'Could not construct domain 0|Panic on CPU' "$log" 2>/dev/null; then
		ending="refused $(grep -A1 -E 'Panic on CPU' "$log" | grep -v 'Panic on CPU' | sed 's/^(XEN) *//' | grep -v '^\*\*\*' | head -1)"
	fi
	if [ -z "$ending" ]; then
		if grep -q 'Hardware Dom0 shutdown: rebooting' "$log"; then
			ending="poweroff clean shutdown"
		else
			ending="error QEMU exited without a shutdown from the guest ($(tail -c 200 "$out/qemu.log" | tr '\n' ' '))"
		fi
	fi
	# The guest's console: Xen prints the initial domain's console_io
	# output verbatim (no prefix) between its own "(XEN)" lines.
	grep -av '^(XEN)' "$log" | tr -d '\r' > "$out/guest-console.log"
	echo "$ending" > "$out/ending"
	phase "guest ended: $ending"
}

run_xl() {
	local xlargs=(--outdir "$out" --vcpus "$vcpus" --kernel "$guest" --no-console)
	[ -x "$top/test/xl/run-xl.sh" ] || die "--xl: test/xl/run-xl.sh missing"
	[ -z "$timeout" ] || xlargs+=(--timeout "$timeout")
	[ -z "$then_kernel" ] || xlargs+=(--then-kernel "$then_kernel")
	[ -z "$then_ramdisk" ] || xlargs+=(--then-ramdisk "$then_ramdisk")
	[ -z "$then_extra" ] || xlargs+=(--then-extra "$then_extra")
	[ -z "$memory" ] || xlargs+=(--memory "$memory")
	[ "$trace" = 0 ] || xlargs+=(--trace)
	# A run that ended without a verdict (a hang) still leaves its ending.
	"$top/test/xl/run-xl.sh" "${xlargs[@]}" -- "${guest_args[@]}" ||
		[ -s "$out/ending" ] ||
		{ echo "run-pv-guest: FAIL: xl run did not complete (see $out)" >&2; return 1; }
}

[ -z "$exec_range" ] || [ "$mode" = direct ] ||
	die "--exec-trace needs --direct (QEMU runs our guest's code itself only there)"
[ -z "$then_kernel$then_ramdisk$then_extra" ] || [ "$mode" = xl ] ||
	die "--then-kernel needs --xl (a second domU after ours, in one dom0 boot)"
[ -n "$then_kernel" ] || [ -z "$then_ramdisk$then_extra" ] ||
	die "--then-ramdisk and --then-extra need --then-kernel"
[ -z "$then_kernel" ] || [ -f "$then_kernel" ] || die "--then-kernel: no file $then_kernel"
case $mode in
direct) run_direct ;;
xl) run_xl || exit 1 ;;
esac

cat "$out/guest-console.log"
judge "$out/guest-console.log" "$(cat "$out/ending" 2>/dev/null || echo 'error no ending recorded')"

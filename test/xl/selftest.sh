#!/usr/bin/env bash
# test/xl/selftest.sh - show that run-xl.sh tells how the domain ended.
#
# Usage: test/xl/selftest.sh [--standin] [--outdir DIR]
#
# Five runs of test/xl/run-xl.sh, each checked against what it must report:
#   selftest=none   the guest boots and powers off: exit 0, ending poweroff
#   fail=ktap       a KTAP test fails: exit 0, ending poweroff or crash (the
#                   guest reports a failed verdict as SHUTDOWN_crash), and
#                   the console log holds the "not ok" line
#   fail=panic      the guest panics on purpose:    exit 0, ending crash
#   fail=hang       the guest spins forever:        exit 1, ending timeout,
#                   and no QEMU left behind
#   then            fail=panic, then (--then-kernel) a second domain with
#                   selftest=none in the same dom0 boot: exit 0, ending
#                   crash, then/ending poweroff, each console its own
# Then, under strace, that the host side forks nothing while the domain
# runs (quiet-wait), and that the count would see it if it did
# (quiet-control).
# By default the guest is build/pvbatch.elf.  --standin uses Debian's Linux
# with a busybox initramfs running test/xl/standin-init instead, which obeys
# the same words: it tests the harness without the guest.
#
# Output is KTAP; the exit status is 0 only if every check passes.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
outdir=build/xl-selftest standin=0
while [ $# -gt 0 ]; do
	case $1 in
	--standin) standin=1; shift ;;
	--outdir) outdir=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--standin] [--outdir DIR]" >&2; exit 2 ;;
	esac
done

guest=()
prefix=()
if [ $standin = 1 ]; then
	test/deps.sh --dom0 > /dev/null || exit 1
	kver=$(sed 's/^linux-image-//' build/cache/linux-pkg)
	s=build/xl/standin
	rm -rf "$s.d" && mkdir -p "$s.d/bin" "$s.d/proc"
	cp build/cache/root/bin/busybox "$s.d/bin/"
	install -m 755 test/xl/standin-init "$s.d/init"
	(cd "$s.d" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) > "$s.cpio"
	rm -rf "$s.d"
	# run-xl.sh extracts the ELF vmlinux on its first run; a bzImage works
	# too but costs xl ~10 s of decompression under TCG.
	k=build/xl/vmlinux-$kver
	[ -s "$k" ] || k=build/cache/root/boot/vmlinuz-$kver
	guest=(--kernel "$k" --ramdisk "$s.cpio" --memory 256)
	prefix=(console=hvc0 quiet)
	then=(--then-kernel "$k" --then-ramdisk "$s.cpio")
else
	then=(--then-kernel build/pvbatch.elf)
fi

echo "KTAP version 1"
echo "1..7"
failed=0
n=0
# check NAME WANT_RC WANT_ENDINGS WANT_CONSOLE TIMEOUT WORDS...
# WANT_ENDINGS: the first word(s) of DIR/ending accepted, "a|b".
# WANT_CONSOLE: a fixed string guest-console.log must contain, or "".
check() {
	local name=$1 want_rc=$2 want=$3 want_con=$4 timeout=$5 rc ending t0 t1
	shift 5
	n=$((n + 1))
	t0=$SECONDS
	test/xl/run-xl.sh --outdir "$outdir/$name" --timeout "$timeout" \
		"${guest[@]}" -- "${prefix[@]}" "$@" > "$outdir.$name.log" 2>&1
	rc=$?
	t1=$SECONDS
	ending=$(cat "$outdir/$name/ending" 2>/dev/null || echo "(none)")
	sed 's/^/# /' "$outdir.$name.log"
	if [ $rc != "$want_rc" ] || ! [[ "|$want|" == *"|${ending%% *}|"* ]]; then
		echo "not ok $n xl-$name # exit $rc (want $want_rc), ending '$ending' (want $want)"
		failed=1
	elif [ -n "$want_con" ] && ! grep -qF "$want_con" "$outdir/$name/guest-console.log"; then
		echo "not ok $n xl-$name # console log lacks '$want_con'"
		failed=1
	else
		echo "ok $n xl-$name # $((t1 - t0))s: $ending"
	fi
}

mkdir -p "$outdir"
check pass 0 poweroff "" 120 selftest=none
check ktap 0 "poweroff|crash" "not ok 1" 120 fail=ktap
check crash 0 crash "" 120 fail=panic
check hang 1 timeout "" 40 fail=hang
# Two domains in one dom0 boot: the first crashes, the second still runs.
n=$((n + 1))
test/xl/run-xl.sh --outdir "$outdir/then" --timeout 150 "${guest[@]}" "${then[@]}" \
	--then-extra "${prefix[*]} selftest=none" -- "${prefix[@]}" fail=panic \
	> "$outdir.then.log" 2>&1
rc=$?
sed 's/^/# /' "$outdir.then.log"
ending=$(cat "$outdir/then/ending" 2>/dev/null || echo "(none)")
then_ending=$(cat "$outdir/then/then/ending" 2>/dev/null || echo "(none)")
if [ $rc != 0 ] || [ "${ending%% *}" != crash ] || [ "${then_ending%% *}" != poweroff ]; then
	echo "not ok $n xl-then # exit $rc (want 0), endings '$ending' / '$then_ending' (want crash / poweroff)"
	failed=1
elif grep -q 'fail=panic' "$outdir/then/then/guest-console.log" ||
     ! grep -q 'fail=panic' "$outdir/then/guest-console.log"; then
	echo "not ok $n xl-then # each domain's console is not its own"
	failed=1
else
	echo "ok $n xl-then # $ending, then $then_ending"
fi
# While the domain runs, run-xl.sh forks nothing on the host: the
# processes it starts (strace -f, execve only) must not grow from a 25 s
# hang to a 40 s one.  Its control: a copy whose loop also sleeps 0.2 s
# through sleep(1) must grow from 25 s to 30 s, or the count proves
# nothing.
# execs SCRIPT NAME TIMEOUT: execve calls of a fail=hang run.
execs() {
	strace -f --seccomp-bpf -e trace=execve -o "$outdir.$2.strace" \
		"$1" --outdir "$outdir/$2" --timeout "$3" "${guest[@]}" -- \
		"${prefix[@]}" fail=hang > "$outdir.$2.log" 2>&1
	grep -c 'execve(' "$outdir.$2.strace"
}
# quiet NAME SCRIPT LONG WANT: runs of 25 and LONG s; WANT "flat" or "grows".
quiet() {
	local a b
	n=$((n + 1))
	a=$(execs "$2" "$1-25s" 25)
	b=$(execs "$2" "$1-${3}s" "$3")
	if { [ "$4" = flat ] && [ $((b - a)) -le 2 ]; } ||
	   { [ "$4" = grows ] && [ $((b - a)) -ge 10 ]; }; then
		echo "ok $n xl-$1 # $a processes in a 25 s run, $b in a $3 s one"
	else
		echo "not ok $n xl-$1 # $a processes in a 25 s run, $b in a $3 s one (want $4)"
		failed=1
	fi
}
quiet quiet-wait test/xl/run-xl.sh 40 flat
noisy=build/xl/noisy-run-xl.sh
# shellcheck disable=SC2016 # the $s are the script's, not ours
sed 's/^\tif read -r -t 1 -u "\$follow" line; then$/\tsleep 0.2; if read -r -t 0.01 -u "$follow" line; then/' \
	test/xl/run-xl.sh > "$noisy"
chmod +x "$noisy"
if cmp -s "$noisy" test/xl/run-xl.sh; then
	n=$((n + 1))
	echo "not ok $n xl-quiet-control # no 'read -t 1' line to replace"
	failed=1
else
	quiet quiet-control "$noisy" 30 grows
fi
rm -f "$noisy"
# run-xl.sh must not leave QEMU behind, even when it gives up.
if pgrep -f "file:$top/$outdir/hang/serial.log" > /dev/null; then
	echo "# QEMU of the hang run still running"
	failed=1
fi
exit $failed

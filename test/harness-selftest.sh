#!/usr/bin/env bash
# test/harness-selftest.sh - the harness must see every way a run can fail.
#
#   test/harness-selftest.sh [--direct|--xl]
#
# Each case boots the real guest on real Xen with a command line that makes
# it pass or fail in one particular way, and checks run-pv-guest.sh's exit
# status and the reason it gives.  Output is KTAP; exit 0 only if every case
# behaved.  (--xl covers the same endings through stock xl: test/xl/selftest.sh.)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:---direct}
case $mode in
--direct) ;;
--xl) exec "$top/test/xl/selftest.sh" ;;
*) echo "usage: $0 [--direct|--xl]" >&2; exit 2 ;;
esac

out=$top/build/harness-selftest
mkdir -p "$out"
n=0 failed=0

# case NAME WANT_RC REASON_REGEX [run-pv-guest args...]
case_() {
	local name=$1 want=$2 re=$3 rc
	shift 3
	n=$((n + 1))
	"$top/test/run-pv-guest.sh" --direct --out "$out/$name" "$@" \
		> "$out/$name.log" 2>&1
	rc=$?
	if { [ "$want" = 0 ] && [ $rc -eq 0 ]; } ||
	   { [ "$want" != 0 ] && [ $rc -ne 0 ]; }; then
		if grep -Eq -- "$re" "$out/$name.log"; then
			echo "ok $n $name"
			echo "# $(grep -E '^run-pv-guest:' "$out/$name.log" | tail -1)"
			return
		fi
		echo "not ok $n $name"
		echo "# exit $rc as expected, but no line matching /$re/"
	else
		echo "not ok $n $name"
		echo "# exit $rc, expected $([ "$want" = 0 ] && echo 0 || echo non-zero)"
	fi
	sed 's/^/#   /' "$out/$name.log" | tail -8
	failed=$((failed + 1))
}

# An image Xen's domain builder must refuse: our ELF without its Xen notes.
objcopy --remove-section=.note.Xen "$top/build/pvbatch.elf" "$out/no-notes.elf"

echo "KTAP version 1"
echo "1..18"
case_ passing 0 'PASS \(direct' --vcpus 2 -- selftest=boot
# fail=ktap prints a fixed "not ok": the harness's judge alone.
case_ ktap-failure 1 'KTAP failure: not ok 1 harness.deliberate_failure' -- fail=ktap
# fail=expect: a real KT_EXPECT fails, through ktap_fail and the runner.
case_ expect-failure 1 'KTAP failure: not ok 1 harness.expect_fails' -- fail=expect
case_ panic 1 'did not shut down cleanly: crash' -- fail=panic
case_ page-fault 1 'did not shut down cleanly: crash' -- fail=fault
case_ lazy-rule 1 'did not shut down cleanly: crash' -- fail=lazy-nest
# A write under a read-only L2 entry (pte writable): a real protection
# fault at once; with the old pte-only check (fail=spurious-loop) it looks
# spurious every time, and the retry bound must end it, not a hang.
case_ upper-level-ro 1 'did not shut down cleanly: crash' --timeout 20 -- fail=upper-rw
case_ spurious-bound 1 'did not shut down cleanly: crash' --timeout 20 -- fail=spurious-loop
# A fault handler taking the pte lock its own vCPU holds: a clear panic.
case_ lock-in-fault 1 'did not shut down cleanly: crash' --timeout 20 -- fail=lock-in-fault
case_ bad-cmdline 1 'did not shut down cleanly: crash' -- nosuchkey=1
case_ hang 1 'did not shut down cleanly: timeout' --timeout 8 -- fail=hang
case_ refused 1 'did not shut down cleanly: refused' --kernel "$out/no-notes.elf"
# Bad harness input: refused before anything boots.
case_ exec-trace-range 1 "--exec-trace: 'zz' is not LO-HI" --exec-trace zz
case_ exec-trace-xl 1 '--exec-trace needs --direct' --xl --exec-trace 1-2
# A second domU (--then-kernel) exists only under xl, and only with a kernel.
case_ then-direct 1 '--then-kernel needs --xl' --then-kernel "$top/build/pvbatch.elf"
case_ then-no-kernel 1 '--then-extra need --then-kernel' --xl --then-extra selftest=none

# While the guest runs the harness forks nothing: the processes it starts
# (strace -f, execve only; QEMU's threads are clones) must not grow with
# the length of the run.  A wait that polls (a sleep or a grep every few
# hundred milliseconds) takes a host core from a vCPU thread each time,
# and the benchmarks time two busy vCPUs on a two-core host.
# execs SCRIPT NAME SECONDS: execve calls of a fail=hang run of SECONDS.
execs() {
	strace -f --seccomp-bpf -e trace=execve -o "$out/$2.strace" \
		"$1" --direct --out "$out/$2" --timeout "$3" -- fail=hang \
		> "$out/$2.log" 2>&1
	grep -c 'execve(' "$out/$2.strace"
}
# quiet_case NAME SCRIPT WANT: WANT is "flat" or "grows".
quiet_case() {
	local a b
	n=$((n + 1))
	a=$(execs "$2" "$1-4s" 4)
	b=$(execs "$2" "$1-10s" 10)
	if { [ "$3" = flat ] && [ $((b - a)) -le 2 ]; } ||
	   { [ "$3" = grows ] && [ $((b - a)) -ge 10 ]; }; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		failed=$((failed + 1))
	fi
	echo "# $a processes started in a 4 s run, $b in a 10 s run"
}
quiet_case quiet-wait "$top/test/run-pv-guest.sh" flat
# The control: the same count over a copy whose wait polls, every 0.2 s
# (kept one directory below the top, where it finds the tree).
noisy=$top/build/noisy-run-pv-guest.sh
# shellcheck disable=SC2016 # the $s are the script's, not ours
sed 's/^\(\t*\)wait -n -p who \$qpid \$fpid || rc=\$?$/\1while kill -0 $qpid 2>\/dev\/null; do sleep 0.2; done; who=$qpid/' \
	"$top/test/run-pv-guest.sh" > "$noisy"
chmod +x "$noisy"
if cmp -s "$noisy" "$top/test/run-pv-guest.sh"; then
	n=$((n + 1))
	echo "not ok $n quiet-control # no 'wait -n' line to replace"
	failed=$((failed + 1))
else
	quiet_case quiet-control "$noisy" grows
fi
rm -f "$noisy"

# The guest must also have said why, on its console.
for pair in "page-fault:unhandled page fault" "lazy-rule:entered twice" \
	    "expect-failure:# FAIL tests/guest/selftest_harness.c:" \
	    "expect-failure:pvbatch: verdict FAIL" \
	    "upper-level-ro:L2 0x[0-9a-f]* (read-only) L1" \
	    "spurious-bound:retried [0-9]* times" \
	    "lock-in-fault:pte lock taken from fault context" \
	    "bad-cmdline:unknown key 'nosuchkey'" "panic:fail=panic requested"; do
	name=${pair%%:*} msg=${pair#*:}
	if ! grep -q "$msg" "$out/$name/guest-console.log"; then
		echo "# $name: the console does not say '$msg'"
		failed=$((failed + 1))
	fi
done
# ... and not for the wrong reason: a real fault is not retried first.
if grep -q "retried" "$out/upper-level-ro/guest-console.log"; then
	echo "# upper-level-ro: the fault was retried as spurious before the report"
	failed=$((failed + 1))
fi
echo "# harness-selftest: $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate DEFECT-EVIDENCE.txt (issue 11): the recovery tests, the
# existing suite and the fuzz harness under each mode of the double.
# Run from the top of the tree; it builds what it runs.
cd "$(dirname "$0")/../.." || exit 1
run() {
	echo "\$ $*"
	bash -o pipefail -c "$*" 2>&1
	echo "[exit status $?]"
	echo
}
{
echo "Evidence for issue 11 on today's batching layer (branch wip-11h)"
echo "Generated $(date -u '+%F %T UTC') by the commands shown."
echo
echo "arch/x86/xen/multicalls.c and mmu.c as of: $(git log -1 --format='%h %s' -- arch/x86/xen/multicalls.c arch/x86/xen/mmu.c)"
echo "tests at: $(git log -1 --format='%h %s')"
echo
echo "=== 1. Build"
run "make -s build/host/mc-recovery-tests build/host/mc-recovery-tests-san build/host/mc-tests build/host/mc-tests-san build/host/mc-double-tests build/host/mc-fuzz >/dev/null"
echo "=== 2. The defect tests on today's code (run mode intact; the defect-1 tests force their own mode)"
run "build/host/mc-recovery-tests"
echo "=== 3. The same binary in the other run modes (test_recovery_keeps_last_write follows the run mode)"
run "HC_MODE=clobber build/host/mc-recovery-tests | grep -v -e '^\[ RUN' -e '^\[       OK'"
run "HC_MODE=preempt build/host/mc-recovery-tests | grep -v -e '^\[ RUN' -e '^\[       OK'"
echo "=== 4. The existing suite (mc-tests, 65 tests) under each mode"
echo "(\"N failed\" is the binary's exit status: cmocka's count of failed tests;"
echo " under ASan the first error aborts the whole run with status 1)"
for b in mc-tests mc-tests-san; do
	for m in intact clobber preempt; do
		run "HC_MODE=$m build/host/$b > build/host/$b.$m.log 2>&1; echo \"\$? failed\"; grep -e '^\[  PASSED' -e '^\[  FAILED  \] test_' -e '^hc-double' -e 'ERROR: AddressSanitizer' -e 'SUMMARY: AddressSanitizer' build/host/$b.$m.log | sort -u"
	done
done
echo "--- the first assertion of each failing mc-tests test, clobber and preempt:"
run "grep -B1 -e '^\[  ERROR' build/host/mc-tests.clobber.log | grep -v -e '^--' | head -24"
run "grep -B1 -e '^\[  ERROR' build/host/mc-tests.preempt.log | grep -v -e '^--' | head -12"
run "grep -A8 'ERROR: AddressSanitizer' build/host/mc-tests-san.preempt.log | head -9"
echo "=== 5. The double's own tests, each mode"
for m in intact clobber preempt; do
	run "HC_MODE=$m build/host/mc-double-tests | grep -e PASSED -e FAILED -e hc-double"
done
echo "=== 6. A bad mode is an error"
run "HC_MODE=fast build/host/mc-double-tests 2>&1 | grep hc-double"
mkdir -p build/host/fuzz-artifacts
echo "=== 7. The existing fuzz harness (mc-fuzz, its model unchanged), 5 s per mode"
for m in intact clobber preempt; do
	run "HC_MODE=$m build/host/mc-fuzz -max_total_time=5 -max_len=256 -artifact_prefix=build/host/fuzz-artifacts/ > build/host/mc-fuzz.$m.log 2>&1; echo \"exit \$?\"; grep -m3 -e '^model:' -e 'ERROR' -e 'SUMMARY' -e '^Done' -e '^hc-double' build/host/mc-fuzz.$m.log"
done
} > DEFECT-EVIDENCE.txt

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one host unit-test binary under one mode of the hypercall double:
#     run-host-test.sh BINARY MODE       (MODE: intact, clobber, preempt)
# Prints the double's summary line (what the mode exercised) and one
# verdict line:
#     host-tests: <binary> mode=<m>: PASS (N tests)
# A run passes if every test passed and the mode did something: in
# clobber mode some entry was clobbered, in preempt mode some call was
# preempted and some request failed after a preemption.  Otherwise it
# prints the failing tests and exits 1.  The output is in BINARY.MODE.log.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 BINARY intact|clobber|preempt" >&2
	exit 2
fi
bin=$1
mode=$2
name=$(basename "$bin")
log=$bin.$mode.log

case $mode in
intact | clobber | preempt) ;;
*)
	echo "host-tests: $name mode=$mode: FAIL (no such mode)"
	exit 1
	;;
esac

HC_MODE=$mode "$bin" >"$log" 2>&1
rc=$?
tests=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' "$log")
summary=$(grep -m1 '^hc-double: ' "$log")

# The value of count NAME in the summary line, or nothing.
count() {
	sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$summary"
}

why=
if [ $rc -ne 0 ]; then
	why="exit $rc"
elif [ -z "$tests" ]; then
	why="no cmocka summary"
elif [ -z "$summary" ]; then
	why="no hc-double summary"
elif ! grep -q " mode=$mode " <<<"$summary"; then
	why="the double ran in another mode"
elif [ "$mode" = clobber ] && [ "$(count clobbered)" = 0 ]; then
	why="clobber mode clobbered nothing"
elif [ "$mode" = preempt ] && [ "$(count preempted)" = 0 ]; then
	why="preempt mode preempted nothing"
elif [ "$mode" = preempt ] && [ "$(count failed_after_preempt)" = 0 ]; then
	why="preempt mode: no request failed after a preemption"
fi

echo "${summary:-hc-double: (no summary line)}"
if [ -z "$why" ]; then
	echo "host-tests: $name mode=$mode: PASS ($tests tests)"
	exit 0
fi
grep -e '^\[  FAILED  \]' -e '^\[  ERROR   \]' -e 'ERROR' -e 'runtime error' "$log" | head -n 20
echo "host-tests: $name mode=$mode: FAIL ($why, see $log)"
exit 1

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Negative controls of the hypercall double: break mc-double.c in one
# place at a time (in a copy), rebuild mc-double-tests with it, and say
# which tests caught it.  Run from anywhere; needs gcc and cmocka.
cd "$(dirname "$0")/../.." || exit 1
d=$(mktemp -d)
try() {
	name=$1; shift
	cp tests/host/mc-double.c "$d/mc-double.c"
	python3 - "$d/mc-double.c" "$@" <<'PY'
import sys
p, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(p).read()
assert s.count(old) == 1, old
open(p, 'w').write(s.replace(old, new))
PY
	gcc -std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-parameter -Wno-unused-variable \
		-Itests/host -Itests/host/include -Iarch/x86/include -Iinclude \
		-o "$d/t" tests/host/mc-double-tests.c "$d/mc-double.c" -lcmocka || exit 1
	out=$(HC_MODE=intact timeout 10 "$d/t" 2>&1); rc=$?
	caught=$(echo "$out" | sed -n 's/^\[  FAILED  \] \(test_[a-z_]*\)$/\1/p' | sort -u | tr '\n' ' ')
	[ $rc -eq 124 ] && caught="$caught(hang: timeout)"
	[ $rc -ge 128 ] && caught="$caught(crash: status $rc)"
	echo "break: $name -> caught by: ${caught:-NOTHING}"
}
try "continuation not written into the entry" \
	'		a[0] += i * sz;' '		(void)sz;'
try "old *done read on the first invocation too" \
	'		if (resumed) {
			count &= ~PREEMPTED;
			if (done)
				prev = *done;
		}' '		if (resumed)
			count &= ~PREEMPTED;
		if (done)
			prev = *done;'
try "no clobber" '			memset(e, 0xAA, sizeof(*e));' '			(void)0;'
try "preempt before the first request" \
	'if (hc.mode != HC_PREEMPT || !i || i >= count)' 'if (hc.mode != HC_PREEMPT || i >= count)'
try "PRESERVE_AD as NORMAL" '		mem_write(r->ptr, r->val, true);' '		mem_write(r->ptr, r->val, false);'
try "wild count not refused" '	if (!(count & PREEMPTED) && count <= HC_WILD_COUNT)' '	if (1)'
try "refused request written" '	if (!err)
		mem_apply(r);' '	mem_apply(r);'
try "deferred put not written into the entry" '		a[1] = PREEMPTED;
' ''
try "unknown command not refused" '	if (op == __HYPERVISOR_mmu_update &&
	    (r->ptr & 7) > MMU_PT_UPDATE_NO_TRANSLATE)' '	if (0)'
rm -rf "$d"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Negative controls of the commit the wrapper does in place
# (xen_ptep_modify_prot_commit_inline(), asm/xen/mmu.h): break it in one
# place at a time, in a copy of the tree, run the host tests and the fuzz
# smoke there, and say what caught it.  Run from anywhere; needs what
# make host-tests and make fuzz-smoke need.  About a minute per break.
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
status=0
try() {
	local name=$1 file=$2 old=$3 new=$4 d out caught
	d=$(mktemp -d)
	git ls-files -z | (cd "$top" && tar --null -cf - -T -) | tar -xf - -C "$d"
	python3 - "$d/$file" "$old" "$new" <<'PY' || exit 1
import sys
p, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(p).read()
assert s.count(old) == 1, old
open(p, 'w').write(s.replace(old, new))
PY
	out=$(cd "$d" && make -k -s host-tests fuzz-smoke 2>&1)
	caught=$(echo "$out" | sed -n 's/^\[  FAILED  \] \(test_[a-z_]*\)$/\1/p;
		s/^host-tests: \(mc-fuzz\): FAIL.*/\1/p' | sort -u | tr '\n' ' ')
	echo "break: $name -> caught by: ${caught:-NOTHING}"
	[ -n "$caught" ] || status=1
	rm -rf "$d"
}
h=arch/x86/include/asm/xen/mmu.h
try "in place: a NORMAL update instead of PRESERVE_AD" "$h" \
	'u64 ptr = ptep_to_machine(ptep) | MMU_PT_UPDATE_PRESERVE_AD;' \
	'u64 ptr = ptep_to_machine(ptep) | MMU_NORMAL_PT_UPDATE;'
try "in place: the A/D fold skipped" "$h" \
	'u64 val = xen_prot_commit_val(old, pte);' 'u64 val = pte_val(pte);'
try "in place: no caller recorded" arch/x86/include/asm/paravirt.h \
	'_THIS_IP_);' '0);'
try "in place even for a commit of our own" arch/x86/xen/mmu.c \
	'pv_mmu_ops.prot_commit_queues = commit == xen_ptep_modify_prot_commit;' \
	'pv_mmu_ops.prot_commit_queues = true;'
try "in place outside a lazy section's open entry (fault context ignored)" "$h" \
	'if (unlikely(in_fault_context()))
		return false;' ''
exit $status

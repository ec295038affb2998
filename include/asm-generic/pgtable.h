/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic protection-change transaction: take the entry away
 * (non-present, so the hardware cannot set Accessed/Dirty in it while we
 * hold it), then write the new one.  Correct anywhere, but under Xen PV
 * the clear is a trapped, emulated write for every pte.
 */
#ifndef _ASM_GENERIC_PGTABLE_H
#define _ASM_GENERIC_PGTABLE_H

#include <asm/paravirt.h>

static inline pte_t __ptep_modify_prot_start(unsigned long addr, pte_t *ptep)
{
	return ptep_get_and_clear(addr, ptep);
}

static inline void __ptep_modify_prot_commit(unsigned long addr, pte_t *ptep,
					     pte_t old, pte_t pte)
{
	(void)old;
	set_pte_at(addr, ptep, pte);
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * change_protection(): walk the ptes of a range inside one lazy MMU
 * section, change each with the pte transaction, and flush the TLB once
 * for the whole range.  What a transaction costs is up to the backend
 * behind pv_mmu_ops; this walk is the same for all of them.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <pvbatch/mm.h>

/* Change the ptes of [addr, end), all inside one L1 table. */
static int change_pte_range(unsigned long addr, unsigned long end,
			    pgprot_t newprot)
{
	pte_t *ptep = lookup_pte(addr);

	if (!ptep)
		return -EFAULT;
	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte_t old;

		/* Reading a pte needs no hypervisor: a plain load. */
		if (!pte_present(ptep_read(ptep)))
			continue;
		old = ptep_modify_prot_start(addr, ptep);
		ptep_modify_prot_commit(addr, ptep, old, pte_modify(old, newprot));
	}
	return 0;
}

int change_protection(struct region *r, unsigned long start,
		      unsigned long end, pgprot_t newprot)
{
	unsigned long addr, next;
	int err = 0, rc;

	if (start >= end || (start | end) & ~PAGE_MASK ||
	    start < r->start || end > region_end(r))
		return -EINVAL;

	arch_enter_lazy_mmu_mode();
	for (addr = start; addr < end; addr = next) {
		next = min((addr + PMD_SIZE) & ~(PMD_SIZE - 1), end);
		rc = change_pte_range(addr, next, newprot);
		if (rc && !err)
			err = rc;
	}
	flush_tlb_range(start, end);
	rc = arch_leave_lazy_mmu_mode();
	if (!err && start == r->start && end == region_end(r))
		r->prot = newprot;
	return err ?: rc;
}

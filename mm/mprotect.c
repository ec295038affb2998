// SPDX-License-Identifier: GPL-2.0
/*
 * change_protection(): walk the ptes of a range inside one lazy MMU
 * section, change each with the pte transaction, and flush the TLB once
 * for the whole range.  What a transaction costs is up to the backend
 * behind pv_mmu_ops; this walk is the same for all of them.
 *
 * A change that only grants access (read-only to writable, NX cleared)
 * needs no flush: a TLB entry left over from before can only be stricter
 * than the pte, and the fault it may cause is recognised as spurious and
 * retried (traps.c).  Any other change is flushed.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <pvbatch/mm.h>

/* Could a TLB entry made from old allow an access that new forbids? */
static bool pte_restricts(pte_t old, pte_t new)
{
	u64 o = pte_val(old) & ~(_PAGE_AD | _PAGE_XEN_ADDED);
	u64 n = pte_val(new) & ~(_PAGE_AD | _PAGE_XEN_ADDED);
	u64 granted = _PAGE_RW;

	if ((o & _PAGE_NX) && !(n & _PAGE_NX))
		granted |= _PAGE_NX;
	/* Anything else that changed, or RW taken away, restricts. */
	return ((o ^ n) & ~granted) || ((o & _PAGE_RW) && !(n & _PAGE_RW));
}

/*
 * Change the ptes of [addr, end), all inside one L1 table; *flush is set
 * if any change needs a TLB flush.
 */
static int change_pte_range(unsigned long addr, unsigned long end,
			    pgprot_t newprot, bool *flush)
{
	pte_t *ptep = lookup_pte(addr);

	if (!ptep)
		return -EFAULT;
	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte_t old, new;

		/* Reading a pte needs no hypervisor: a plain load. */
		if (!pte_present(ptep_read(ptep)))
			continue;
		old = ptep_modify_prot_start(addr, ptep);
		new = pte_modify(old, newprot);
		*flush |= pte_restricts(old, new);
		ptep_modify_prot_commit(addr, ptep, old, new);
	}
	return 0;
}

int change_protection(struct region *r, unsigned long start,
		      unsigned long end, pgprot_t newprot)
{
	unsigned long addr, next;
	bool flush = false;
	int err = 0, rc;

	if (start >= end || (start | end) & ~PAGE_MASK ||
	    start < r->start || end > region_end(r))
		return -EINVAL;

	arch_enter_lazy_mmu_mode();
	for (addr = start; addr < end; addr = next) {
		next = min((addr + PMD_SIZE) & ~(PMD_SIZE - 1), end);
		rc = change_pte_range(addr, next, newprot, &flush);
		if (rc && !err)
			err = rc;
	}
	if (flush)
		flush_tlb_range(start, end);
	rc = arch_leave_lazy_mmu_mode();
	if (!err && start == r->start && end == region_end(r))
		r->prot = newprot;
	return err ?: rc;
}

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
 *
 * The transaction does not protect a pte against other software updates
 * of it (only against the hardware's A/D), so the whole section holds
 * the pte locks of the range, until its batch has been issued: two
 * vCPUs changing the same range then apply one change after the other,
 * never interleaved pte by pte.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/smp.h>
#include <linux/spinlock.h>
#include <pvbatch/mm.h>

/*
 * The pte locks: one per L1 page table, found by the L2 index of the
 * address.  In the vmap area (one gigabyte, one L2 of ours) that is
 * exactly one lock per L1 table; elsewhere two tables may share a lock,
 * which costs contention, never correctness.  Per page table rather than
 * per region: every updater of a pte can find its lock from the address
 * alone (a fault handler, a setup path), and regions never share an L1
 * table (each starts on a 2 MiB boundary), so it is no coarser than a
 * region's lock would be for a change inside one L1.
 */
static spinlock_t pte_locks[PTRS_PER_PTE];

static unsigned int pte_lock_index(unsigned long addr)
{
	return (addr >> PMD_SHIFT) & (PTRS_PER_PTE - 1);
}

/*
 * Lock the L1 tables of [start, end) in address order (the same order
 * for every range, so two ranges cannot deadlock).  Never from fault
 * context: a fault may arrive inside a lazy section holding these.
 */
/* The holder may be a vCPU Xen has descheduled: see spin_pause(). */
static void pte_lock_one(spinlock_t *l)
{
	unsigned int spins = 0;

	while (!spin_trylock(l))
		spin_pause(&spins);
}

void pte_lock_range(unsigned long start, unsigned long end)
{
	unsigned long addr;

	if (in_fault_context())
		panic("pte lock taken from fault context (%#lx): a fault inside "
		      "a section holding it would deadlock", start);
	if (((end - 1) >> PMD_SHIFT) - (start >> PMD_SHIFT) >= PTRS_PER_PTE)
		panic("pte_lock_range(%#lx, %#lx): wider than the lock table", start, end);
	for (addr = start & ~(PMD_SIZE - 1); addr < end; addr += PMD_SIZE)
		pte_lock_one(&pte_locks[pte_lock_index(addr)]);
}

void pte_unlock_range(unsigned long start, unsigned long end)
{
	unsigned long addr;

	for (addr = start & ~(PMD_SIZE - 1); addr < end; addr += PMD_SIZE)
		spin_unlock(&pte_locks[pte_lock_index(addr)]);
}

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

	pte_lock_range(start, end);
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
	pte_unlock_range(start, end);
	return err ?: rc;
}

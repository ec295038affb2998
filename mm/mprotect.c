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
 * Protection at two levels (prot_level=pmd, pv_mmu_ops.prot_level_pmd):
 * x86 grants a write only if every level of the walk allows it, so a
 * whole L1 table, all of it inside the range, may be made read-only (or
 * no-execute) by one update of its L2 entry instead of 512 pte updates.
 * The L2 entry is the record of where the restriction is held: it is
 * either permissive (RW, no NX: the ptes hold everything, as with
 * prot_level=pte) or it restricts, and then the protection of every pte
 * below is pte_under_pmd(pte, L2), which every reader uses
 * (pte_effective()).  A change that cannot be made exactly at the L2
 * entry (part of a table, ptes below that differ) goes to the ptes, and
 * pushes an L2 restriction down first, so prot_level=pte after pmd is
 * still exact.
 *
 * Accessed/Dirty: no change at either level ever clears them.  A pte's
 * D set means its page was written since D was last cleared, and D
 * clear means it was not: under a read-only L2 entry no write completes,
 * so D stays clear because nothing was written, never because a bit was
 * lost; reads set A below it as usual.  Xen ORs the L2 entry's own A
 * into its update (PRESERVE_AD); nothing reads it.  A reader of a pte's
 * RW bit alone learns only what the pte allows, not what the walk does.
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

/* The holder may be a vCPU Xen has descheduled: see spin_pause(). */
static void pte_lock_one(spinlock_t *l)
{
	unsigned int spins = 0;

	while (!spin_trylock(l))
		spin_pause(&spins);
}

/*
 * Lock the L1 tables of [start, end) in address order (the same order
 * for every range, so two ranges cannot deadlock).  Never from fault
 * context: a fault may arrive inside a lazy section holding these.
 * Inline in change_protection() (see pte_restricts() on why), out of
 * line for everyone else.
 */
static __always_inline void __pte_lock_range(unsigned long start,
					     unsigned long end)
{
	unsigned long addr;

	if (in_fault_context())
		panic("pte lock taken from fault context (%#lx): a fault inside a section holding it would deadlock", start);
	if (((end - 1) >> PMD_SHIFT) - (start >> PMD_SHIFT) >= PTRS_PER_PTE)
		panic("%s(%#lx, %#lx): wider than the lock table", __func__, start, end);
	for (addr = start & ~(PMD_SIZE - 1); addr < end; addr += PMD_SIZE)
		pte_lock_one(&pte_locks[pte_lock_index(addr)]);
}

static __always_inline void __pte_unlock_range(unsigned long start,
					       unsigned long end)
{
	unsigned long addr;

	for (addr = start & ~(PMD_SIZE - 1); addr < end; addr += PMD_SIZE)
		spin_unlock(&pte_locks[pte_lock_index(addr)]);
}

void pte_lock_range(unsigned long start, unsigned long end)
{
	__pte_lock_range(start, end);
}

void pte_unlock_range(unsigned long start, unsigned long end)
{
	__pte_unlock_range(start, end);
}

/*
 * Could a TLB entry made from old allow an access that new forbids?
 * (This and change_pte_range() are forced inline: under TCG every call
 * and return is a lookup of the next translation block, a cost of the
 * same order as the work of a one-page change.)
 */
static __always_inline bool pte_restricts(pte_t old, pte_t new)
{
	u64 o = pte_val(old) & ~(_PAGE_AD | _PAGE_XEN_ADDED);
	u64 n = pte_val(new) & ~(_PAGE_AD | _PAGE_XEN_ADDED);
	/* NX cleared is a grant; RW changed either way is judged below. */
	u64 granted = _PAGE_RW | (o & ~n & _PAGE_NX);

	/*
	 * Anything else that changed, or RW taken away, restricts.  In
	 * bitwise operations, with no branch: it runs for every pte.
	 */
	return (((o ^ n) & ~granted) | (o & ~n & _PAGE_RW)) != 0;
}

/*
 * Broken on purpose, for the tests that must catch it (mm.h); 0 in any
 * real use.
 */
static unsigned int mprotect_breaks;

void mprotect_inject_break(unsigned int breaks)
{
	mprotect_breaks = breaks;
}

/* pmd with its RW and NX taken from prot; nothing else changed. */
static pte_t pmd_with_prot(pte_t pmd, u64 prot)
{
	return __pte((pte_val(pmd) & ~(_PAGE_PMD_RESTRICT | _PAGE_XEN_ADDED)) |
		     (prot & _PAGE_PMD_RESTRICT));
}

/*
 * The L1 table under pmdp maps exactly [addr, addr + PMD_SIZE), all of it
 * in the range: change its protection at the L2 entry, if that is exact.
 * It is exact when every present pte below already holds newprot with
 * the two bits an L2 entry can restrict (RW, NX) at their most permissive:
 * the L2 entry then carries RW and NX of newprot, and the walk gives each
 * pte exactly newprot.  Taking write (or execute) away is then one L2
 * update and the flush; giving it back is one L2 update only where the
 * ptes below allow it.  False (nothing done): use the ptes.
 */
static bool change_pmd(unsigned long addr, pte_t *pmdp, pgprot_t newprot,
		       bool *flush)
{
	u64 want = ((pgprot_val(newprot) | _PAGE_RW) & ~_PAGE_NX) &
		   ~(_PAGE_CHG_MASK | _PAGE_XEN_ADDED);
	pte_t *ptep = lookup_pte(addr);
	pte_t old = ptep_read(pmdp), new;
	unsigned int i;

	if (!ptep || !(pgprot_val(newprot) & _PAGE_PRESENT))
		return false;
	for (i = 0; i < PTRS_PER_PTE && !(mprotect_breaks & MPROTECT_BREAK_PMD_CHECK); i++) {
		pte_t pte = ptep_read(&ptep[i]);

		if (pte_present(pte) && pte_prot_bits(pte) != want)
			return false;
	}
	new = pmd_with_prot(old, pgprot_val(newprot));
	if (!((pte_val(new) ^ pte_val(old)) & _PAGE_PMD_RESTRICT))
		return true;
	if (!(mprotect_breaks & MPROTECT_BREAK_PMD_FLUSH))
		*flush |= pte_restricts(old, new);
	set_pmd(addr, pmdp, new);
	return true;
}

/*
 * The L2 entry pmdp holds a restriction (pmd, as read) and [addr, end)
 * lies inside its L1 table: push the restriction down into the ptes of
 * the whole table (those outside the range keep the protection the walk
 * gave them, those inside get newprot), then make the L2 entry
 * permissive, behind them in the same batch: at no moment does the walk
 * allow more than before or after the change.  Only after prot_level=pmd
 * restricted this table; change_pte_range() is the way of every other
 * change.
 */
static int push_pmd_range(unsigned long addr, unsigned long end,
			  pte_t *pmdp, pte_t pmd, pgprot_t newprot, bool *flush)
{
	unsigned long lo = addr & ~(PMD_SIZE - 1), a;
	pte_t *ptep = lookup_pte(lo);

	if (!ptep)
		return -EFAULT;
	for (a = lo; a < lo + PMD_SIZE; a += PAGE_SIZE, ptep++) {
		pte_t cur = ptep_read(ptep), old, new;
		bool inside = a >= addr && a < end;

		if (!pte_present(cur))
			continue;
		if (!inside && (pte_val(pte_under_pmd(cur, pmd)) == pte_val(cur) ||
				(mprotect_breaks & MPROTECT_BREAK_PMD_PUSH)))
			continue;
		old = ptep_modify_prot_start(a, ptep);
		if (inside) {
			new = pte_modify(old, newprot);
			*flush |= pte_restricts(pte_under_pmd(old, pmd), new);
		} else {
			new = pte_under_pmd(old, pmd);	/* the same walk */
		}
		ptep_modify_prot_commit(a, ptep, old, new);
	}
	set_pmd(lo, pmdp, pmd_with_prot(pmd, _PAGE_RW));
	return 0;
}

/*
 * Change the ptes of [addr, end), all inside one L1 table under the L2
 * entry pmdp (NULL: none of ours); *flush is set if any change needs a
 * TLB flush.  Under a permissive L2 entry (always, with prot_level=pte)
 * each present pte is one transaction, and nothing else happens per pte:
 * this loop is most of what a large change costs the guest.
 */
static __always_inline int change_pte_range(unsigned long addr,
					    unsigned long end, pte_t *pmdp,
					    pgprot_t newprot, bool *flush)
{
	pte_t pmd = pmdp ? ptep_read(pmdp) : __pte(_PAGE_PRESENT | _PAGE_RW);
	bool restricts = false;
	pte_t *ptep;

	if (!pmd_permissive(pmd))
		return push_pmd_range(addr, end, pmdp, pmd, newprot, flush);
	ptep = lookup_pte(addr);
	if (!ptep)
		return -EFAULT;
	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte_t old, new;

		/* Reading a pte needs no hypervisor: a plain load. */
		if (!pte_present(ptep_read(ptep)))
			continue;
		old = ptep_modify_prot_start(addr, ptep);
		new = pte_modify(old, newprot);
		restricts |= pte_restricts(old, new);
		ptep_modify_prot_commit(addr, ptep, old, new);
	}
	/* Once per table: a store through flush would be one per pte. */
	*flush |= restricts;
	return 0;
}

int change_protection(struct region *r, unsigned long start,
		      unsigned long end, pgprot_t newprot)
{
	unsigned long addr, next;
	bool flush = false, pmd_level;
	int err = 0, rc;

	if (start >= end || (start | end) & ~PAGE_MASK ||
	    start < r->start || end > region_end(r))
		return -EINVAL;

	__pte_lock_range(start, end);
	arch_enter_lazy_mmu_mode();
	/* Inside the section: no switch can happen until we leave it. */
	pmd_level = pv_mmu_ops.prot_level_pmd;
	for (addr = start; addr < end; addr = next) {
		pte_t *pmdp = lookup_pmd(addr);

		next = min((addr + PMD_SIZE) & ~(PMD_SIZE - 1), end);
		if (pmd_level && pmdp && !(addr & (PMD_SIZE - 1)) &&
		    next - addr == PMD_SIZE &&
		    change_pmd(addr, pmdp, newprot, &flush))
			continue;
		rc = change_pte_range(addr, next, pmdp, newprot, &flush);
		if (rc && !err)
			err = rc;
	}
	if (flush)
		flush_tlb_range(start, end);
	rc = arch_leave_lazy_mmu_mode();
	if (!err && start == r->start && end == region_end(r))
		r->prot = newprot;
	__pte_unlock_range(start, end);
	return err ?: rc;
}

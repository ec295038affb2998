/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paravirt MMU ops table: the one seam between generic mm code and
 * the Xen backend.  mm/ calls only the wrappers below; which functions
 * stand behind them is decided by the backend (arch/x86/xen/mmu.c), and
 * the pte transaction pair can be switched at run time so that every
 * backend runs in one boot.
 */
#ifndef _ASM_X86_PARAVIRT_H
#define _ASM_X86_PARAVIRT_H

#include <linux/types.h>
#include <asm/pgtable.h>
#include <asm/xen/mmu.h>

struct pv_mmu_ops {
	const char *name;		/* the transaction backend in use */

	/* Single-entry operations. */
	pte_t (*ptep_get)(pte_t *ptep);
	void (*set_pte_at)(unsigned long addr, pte_t *ptep, pte_t pte);
	pte_t (*ptep_get_and_clear)(unsigned long addr, pte_t *ptep);

	/*
	 * The protection-change transaction: start returns the entry to
	 * modify, commit writes the new one.  Exactly paired, on one vCPU.
	 */
	pte_t (*ptep_modify_prot_start)(unsigned long addr, pte_t *ptep);
	void (*ptep_modify_prot_commit)(unsigned long addr, pte_t *ptep,
					pte_t old, pte_t pte);
	/*
	 * Set with the pair: the start is a plain read of the entry, so the
	 * wrapper reads it in place instead of calling (what patching a
	 * call site into the native instruction does in Linux).
	 */
	bool prot_start_reads;
	/*
	 * Set with the pair: the commit is Xen's queued one, and the wrapper
	 * adds its request to the open entry of pte updates in place, calling
	 * only when that entry cannot take it.  Under TCG an indirect call
	 * and its return are two lookups of the next translation block, per
	 * pte: as much as the rest of the step.
	 */
	bool prot_commit_queues;

	/*
	 * Write an L2 entry (pmdp: the entry above addr's L1 table), queued
	 * like a pte update inside a lazy section; the entry's Accessed bit
	 * is kept.
	 */
	void (*set_pmd)(unsigned long addr, pte_t *pmdp, pte_t pmd);

	/*
	 * Where change_protection() may hold a protection: false, in the
	 * ptes only (prot_level=pte); true, also at the L2 entry of a whole
	 * L1 table (prot_level=pmd).  Read it inside a lazy section: it is
	 * switched only under the guard of pv_mmu_select_txn().
	 */
	bool prot_level_pmd;

	/* Lazy MMU mode: updates may be deferred until leave. */
	void (*enter_lazy_mmu)(void);
	int (*leave_lazy_mmu)(void);	/* <0 if a deferred update failed */

	/* Flush [start, end) from every vCPU's TLB. */
	void (*flush_tlb_range)(unsigned long start, unsigned long end);
};

extern struct pv_mmu_ops pv_mmu_ops;

/*
 * Select the transaction backend by name: -EINVAL if unknown, -ENOSYS if
 * Xen lacks what it needs, -EBUSY while another vCPU is inside a lazy MMU
 * section (it may be between a start and its commit).
 */
int pv_mmu_select(const char *name);
/* The same, with a pair not in the table (tests only: negative controls). */
int pv_mmu_select_txn(const char *name,
		      pte_t (*start)(unsigned long addr, pte_t *ptep),
		      void (*commit)(unsigned long addr, pte_t *ptep, pte_t old,
				     pte_t pte));

/*
 * Select where protection changes may be held, "pte" or "pmd", under the
 * same guard as a backend switch: -EINVAL if unknown, -EBUSY while
 * another vCPU is inside a lazy MMU section.
 */
int pv_mmu_select_prot_level(const char *name);

static inline pte_t ptep_get(pte_t *ptep)
{
	return pv_mmu_ops.ptep_get(ptep);
}

static inline void set_pte_at(unsigned long addr, pte_t *ptep, pte_t pte)
{
	pv_mmu_ops.set_pte_at(addr, ptep, pte);
}

static inline pte_t ptep_get_and_clear(unsigned long addr, pte_t *ptep)
{
	return pv_mmu_ops.ptep_get_and_clear(addr, ptep);
}

static inline pte_t ptep_modify_prot_start(unsigned long addr, pte_t *ptep)
{
	if (likely(pv_mmu_ops.prot_start_reads))
		return ptep_read(ptep);
	return pv_mmu_ops.ptep_modify_prot_start(addr, ptep);
}

static __always_inline void ptep_modify_prot_commit(unsigned long addr,
						    pte_t *ptep, pte_t old,
						    pte_t pte)
{
	if (likely(pv_mmu_ops.prot_commit_queues))
		xen_ptep_modify_prot_commit_inline(addr, ptep, old, pte,
						   _THIS_IP_);
	else
		pv_mmu_ops.ptep_modify_prot_commit(addr, ptep, old, pte);
}

static inline void set_pmd(unsigned long addr, pte_t *pmdp, pte_t pmd)
{
	pv_mmu_ops.set_pmd(addr, pmdp, pmd);
}

static inline void arch_enter_lazy_mmu_mode(void)
{
	pv_mmu_ops.enter_lazy_mmu();
}

static inline int arch_leave_lazy_mmu_mode(void)
{
	return pv_mmu_ops.leave_lazy_mmu();
}

static inline void flush_tlb_range(unsigned long start, unsigned long end)
{
	pv_mmu_ops.flush_tlb_range(start, end);
}

/*
 * A vCPU entering its idle loop, where it touches only its stack and the
 * kernel image: TLB flushes may skip it.  Leaving it (before running any
 * work) flushes this vCPU's TLB if a flush skipped it meanwhile.
 */
void tlb_idle_enter(void);
void tlb_idle_exit(void);

#endif

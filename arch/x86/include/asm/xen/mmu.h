/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen pte policy (arch/x86/xen/mmu.c), for the arch code, tests and
 * benchmarks that need more than pv_mmu_ops: issuing one request at
 * once, lazy state, and what the policy counted.
 */
#ifndef _ASM_X86_XEN_MMU_H
#define _ASM_X86_XEN_MMU_H

#include <linux/types.h>
#include <asm/pgtable.h>
#include <asm/pgalloc.h>
#include <asm/smp.h>
#include <asm/xen/multicalls.h>
#include <xen/interface/xen.h>

/*
 * True if an update made here may be deferred: this vCPU is inside a
 * lazy MMU section and not handling a fault.  The one test of it.
 */
bool xen_lazy_mmu(void);

/*
 * Write one pte: request {ptr (machine address | MMU_* command), val},
 * queued in this vCPU's batch if xen_lazy_mmu(), else issued at once.
 * va: the linear address the pte maps, if ptr is an L1 entry, else 0.
 * With a va, a batch's only update may go as update_va_mapping(va, val),
 * when that writes what the request would (mmu.c, "The lone update").
 */
void xen_queue_pte_update(u64 ptr, u64 val, unsigned long va,
			  unsigned long caller);

/*
 * The per-pte step's common case, inline: add {ptr, val} to the open
 * entry of pte updates.  Such an entry exists only inside this vCPU's
 * lazy section with no update held (entering starts with an empty
 * batch, leaving issues it, an update is held only in an empty batch,
 * and open_entry() refuses any other case), so when the buffer takes
 * the request there is nothing else to do, unless a fault interrupted
 * the section: its updates go out at once.  False, with nothing done,
 * in every other case (xen_queue_pte() then calls out).
 */
static __always_inline bool xen_extend_pte_update(u64 ptr, u64 val,
						  unsigned long caller)
{
	struct mmu_update *u;

	if (unlikely(in_fault_context()))
		return false;
	u = xen_mc_extend_args(__HYPERVISOR_mmu_update, sizeof(*u), caller);
	if (unlikely(!u))
		return false;
	u->ptr = ptr;
	u->val = val;
	return true;
}

/*
 * The per-pte step, inline: the open entry takes the update if it can;
 * anything else (the update to hold, not lazy, a fault, a held update, a
 * full batch, a flush last) goes through xen_queue_pte_update(), out of
 * line, which decides the rest.
 */
static __always_inline void xen_queue_pte(u64 ptr, u64 val, unsigned long va,
					  unsigned long caller)
{
	if (likely(xen_extend_pte_update(ptr, val, caller)))
		return;
	xen_queue_pte_update(ptr, val, va, caller);
}

/*
 * The val of Xen's commit of pte over old.  Xen ORs the pte's
 * Accessed/Dirty bits into val; if start already saw both set, there is
 * nothing left for the hardware to set (it never clears them), so val
 * with both set is exactly what Xen will write: put them in, and a lone
 * update may go as update_va_mapping.
 */
static __always_inline u64 xen_prot_commit_val(pte_t old, pte_t pte)
{
	if ((pte_val(old) & _PAGE_AD) == _PAGE_AD)
		return pte_val(pte) | _PAGE_AD;
	return pte_val(pte);
}

/*
 * Xen's commit: one PRESERVE_AD request of xen_prot_commit_val(), by the
 * per-pte step.  Both ways to it use this: the pointer in pv_mmu_ops
 * (xen_ptep_modify_prot_commit(), mmu.c; caller: its return address) and
 * the wrapper ptep_modify_prot_commit(), in place at the call site while
 * pv_mmu_ops.prot_commit_queues says Xen's is the commit in use (caller:
 * an address in the function that committed).
 */
static __always_inline void xen_ptep_modify_prot_commit_inline(unsigned long addr,
							       pte_t *ptep,
							       pte_t old,
							       pte_t pte,
							       unsigned long caller)
{
	u64 ptr = ptep_to_machine(ptep) | MMU_PT_UPDATE_PRESERVE_AD;
	u64 val = xen_prot_commit_val(old, pte);

	xen_queue_pte(ptr, val, addr, caller);
}

/* Issue one request at once; a refusal is reported like a batched one. */
int xen_mmu_update_now(u64 ptr, u64 val, unsigned long caller);
int xen_mmuext_now(const struct mmuext_op *op, unsigned long caller);

/* Issue what this vCPU has queued; 0 or the first error of the section. */
int xen_mmu_issue(void);

/* A refused request, as reported. */
struct mmu_failure {
	unsigned int op;		/* hypercall number */
	int err;			/* Xen's error */
	u64 ptr, val;			/* mmu_update: the request; mmuext: cmd, arg1 */
	unsigned long caller;		/* who queued it */
};
#define MMU_FAILURE_LOG		16

struct xen_mmu_stats {
	u64 uvm;			/* lone updates sent as update_va_mapping */
	u64 uvm_invlpg;			/* of which carried their INVLPG */
	u64 uvm_refused;		/* then sent as queued */
	u64 lone;			/* lone updates sent as queued */
	u64 failures;			/* refused requests */
	/* TLB flushes of changed ranges, by how far they reach: */
	u64 flush_local;		/* this vCPU only (others idle) */
	u64 flush_all;			/* every vCPU (another was busy) */
	u64 recheck_all;		/* a late waker found by the recheck */
	u64 idle_flush;			/* leaving idle behind a tlb_gen move */
};

/* This vCPU's statistics. */
const struct xen_mmu_stats *xen_mmu_stats(void);
/* The n-th most recent failure on this vCPU (0: the last), or NULL. */
const struct mmu_failure *xen_mmu_failure(unsigned int n);

#endif

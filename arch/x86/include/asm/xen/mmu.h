/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen pte policy (arch/x86/xen/mmu.c), for the arch code, tests and
 * benchmarks that need more than pv_mmu_ops: issuing one request at
 * once, lazy state, and what the policy counted.
 */
#ifndef _ASM_X86_XEN_MMU_H
#define _ASM_X86_XEN_MMU_H

#include <linux/types.h>
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

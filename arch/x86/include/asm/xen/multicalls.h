/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU multicall batching.
 *
 * A batch is a list of multicall entries plus the argument space their
 * requests live in.  A new mmu_update (or mmuext_op) request extends the
 * previous entry when that entry is the same hypercall and its requests
 * end where free argument space begins, so consecutive pte updates travel
 * as one mmu_update carrying many requests.
 *
 * The batch is flushed when it is full, when lazy MMU mode is left, or
 * on demand (xen_mc_flush).  One entry is issued as a direct hypercall;
 * more as one multicall.  A batch that is a single pte update, alone or
 * followed by an INVLPG of the same page, goes out as one
 * update_va_mapping (UVMF_INVLPG for the flush) when the queuer said the
 * update may (xen_mc_queue_pte_update's va): one hypercall instead of a
 * multicall of two, which costs about twice as much.  If Xen refuses the
 * update_va_mapping, the batch is issued as queued.
 *
 * After every flush each entry's result is checked: a failing request
 * stops its mmu_update, so the requests after it are issued again (and
 * the TLB flushes a multicall already ran after them are issued once
 * more, behind them); every failure is reported with the request, Xen's
 * error and the caller that queued it, and the first error is returned.
 *
 * Lazy MMU mode is owned here, per vCPU.  Rules (a violation panics):
 *  - no nesting: enter while lazy, or leave while not lazy, is a bug;
 *  - fault context never enters or leaves lazy mode, and updates made
 *    from fault context are issued at once, never into the batch of the
 *    code they interrupted.
 */
#ifndef _ASM_X86_XEN_MULTICALLS_H
#define _ASM_X86_XEN_MULTICALLS_H

#include <linux/types.h>
#include <asm/smp.h>
#include <xen/interface/xen.h>

#ifndef CONFIG_MC_ENTRIES
#define CONFIG_MC_ENTRIES	32
#endif
/*
 * Argument space: 1024 mmu_update requests, plus room for the TLB flush a
 * lazy section queues behind them (an mmuext_op is 24 bytes), so a full
 * batch of updates and its flush still travel in one hypercall.
 */
#ifndef CONFIG_MC_ARGS_BYTES
#define CONFIG_MC_ARGS_BYTES	(1024 * 16 + 64)
#endif
#define MC_CALLBACKS		8
#define MC_FAILURE_LOG		16

struct mc_failure {
	unsigned int op;		/* hypercall number */
	int err;			/* Xen's error */
	u64 ptr, val;			/* the request (mmu_update: ptr/val) */
	unsigned long caller;		/* who queued it */
};

struct mc_batch {
	struct multicall_entry entries[CONFIG_MC_ENTRIES];
	unsigned int done[CONFIG_MC_ENTRIES];	/* Xen's success counts */
	unsigned long entry_caller[CONFIG_MC_ENTRIES];
	unsigned int nr_entries;
	unsigned int args_used;			/* bytes */
	u8 args[CONFIG_MC_ARGS_BYTES] __attribute__((aligned(16)));
	/* Who queued each request: indexed by argument offset / 8. */
	unsigned long req_caller[CONFIG_MC_ARGS_BYTES / 8];
	struct {
		void (*fn)(void *data);
		void *data;
	} cb[MC_CALLBACKS];
	unsigned int nr_cb;
	bool lazy;
	int error;				/* first error since lazy enter */
	/* Where the first request is mapped, if it may go as update_va_mapping. */
	unsigned long lone_va;
	/* Statistics, for the tests and the benchmark. */
	u64 flushes, flush_full, flush_direct, flush_multicall, flush_uvm;
	u64 uvm_refused;			/* then issued as queued */
	u64 uvm_invlpg;				/* accepted, with the INVLPG */
	u64 failures;
	struct mc_failure log[MC_FAILURE_LOG];
	unsigned int nr_log;			/* total ever logged */
};

extern struct mc_batch xen_mc_batches[NR_CPUS];

/* This vCPU's batch. */
static inline struct mc_batch *xen_mc_batch(void)
{
	return &xen_mc_batches[smp_processor_id()];
}

/* Queue one mmu_update request {ptr, val} (ptr carries the MMU_* command). */
void xen_mc_queue_mmu_update(u64 ptr, u64 val, unsigned long caller);
/* The out-of-line part of xen_mc_queue_pte_update(). */
bool __xen_mc_queue_pte_update(u64 ptr, u64 val, unsigned long va,
			       unsigned long caller);

/*
 * Queue one mmu_update request if this context may defer it (lazy, not
 * in fault context); false, with nothing queued, if it must go out now.
 *
 * va: the address the pte maps in the current address space, if Xen
 * would leave the pte the same were the request sent as
 * update_va_mapping(va, val) -- true of MMU_NORMAL_PT_UPDATE, and of
 * MMU_PT_UPDATE_PRESERVE_AD when the pte already has Accessed and Dirty
 * set and val carries them -- else 0.  Used only if the request ends up
 * alone in its batch (see above).
 *
 * The common case is inline: the request extends the batch's last entry,
 * an mmu_update whose requests end where free argument space begins.
 */
static inline bool xen_mc_queue_pte_update(u64 ptr, u64 val, unsigned long va,
					   unsigned long caller)
{
	struct mc_batch *mc = xen_mc_batch();
	struct mmu_update *u = (struct mmu_update *)(mc->args + mc->args_used);
	struct multicall_entry *last;

	if (!mc->nr_entries || !mc->lazy || in_fault_context())
		return __xen_mc_queue_pte_update(ptr, val, va, caller);
	last = &mc->entries[mc->nr_entries - 1];
	if (last->op != __HYPERVISOR_mmu_update ||
	    (struct mmu_update *)last->args[0] + last->args[1] != u ||
	    mc->args_used + sizeof(*u) > sizeof(mc->args))
		return __xen_mc_queue_pte_update(ptr, val, va, caller);
	mc->req_caller[mc->args_used / 8] = caller;
	mc->args_used += sizeof(*u);
	last->args[1]++;
	u->ptr = ptr;
	u->val = val;
	return true;
}

/* Queue one mmuext_op. */
void xen_mc_queue_mmuext(const struct mmuext_op *op, unsigned long caller);
/* Run fn(data) after the batch holding the requests queued so far is issued. */
void xen_mc_callback(void (*fn)(void *), void *data);
/* Issue the batch now; 0, or the first error since the last return of one. */
int xen_mc_flush(void);

void xen_mc_lazy_enter(void);
int xen_mc_lazy_leave(void);
/* True if updates from the current context may be deferred. */
bool xen_mc_lazy_active(void);

/* Issue one request at once, with the same checking and reporting. */
int xen_mmu_update_now(u64 ptr, u64 val, unsigned long caller);
int xen_mmuext_now(const struct mmuext_op *op, unsigned long caller);

#endif

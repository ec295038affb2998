/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recording hypercall double for the host tests of the batching
 * layer.  It stands in for the hypercall instruction only: it records
 * every call with its arguments and a copy of the requests it carried,
 * fails the requests it is told to fail, and behaves towards the
 * caller's memory as Xen does.  It knows nothing of the guest's batch
 * or page tables, only of Xen's hypercall semantics.
 *
 *  - mmu_update / mmuext_op: requests are taken in order; the first one
 *    that fails stops the call: *done = the number applied before it,
 *    the call returns the error.  The requests after it are not looked
 *    at, so they are not in the request log.
 *  - multicall: each entry is run as the direct call would be, its
 *    result stored in the entry; a failing entry does not stop the
 *    later ones, and the multicall itself returns 0.
 *  - A count with MMU_UPDATE_PREEMPTED set, or above HC_WILD_COUNT, on
 *    a call the guest made (not a continuation the double wrote): the
 *    call returns -EFAULT, looks at no request and leaves *done alone;
 *    counted in hc.wild_counts.
 *
 * Every request Xen looks at gets the next global request index (its
 * position in hc.reqs); failures are injected by that index or by a
 * predicate over the request, in every mode, and also in the part of a
 * sub-call that runs after a preemption.
 *
 * Modes: what Xen leaves in a multicall's entries on return.  The only
 * field Xen promises is each entry's result; *done (args[2]) is guest
 * memory Xen writes, not part of the entry.
 *
 *  HC_INTACT   entries left as they were passed (release Xen, no
 *              preemption).
 *  HC_CLOBBER  after each sub-call the whole entry is overwritten with
 *              0xAA bytes, then result is written back (debug Xen,
 *              NDEBUG unset).  Counted in hc.clobbered.
 *  HC_PREEMPT  release Xen under load: an mmu_update/mmuext_op
 *              invocation may be preempted after k >= 1 requests (never
 *              before the first, never after the last: Xen's
 *              "i && hypercall_preempt_check()").  *done is written
 *              (old + k); in a multicall the continuation is copied
 *              back into the entry: args[0] advanced by k requests,
 *              args[1] = (count - k) | MMU_UPDATE_PREEMPTED, and the
 *              sub-call is resumed from that entry (re-read, the bit
 *              stripped, the old *done read and added to).  A direct
 *              call resumes from its registers: the caller sees one
 *              return, with the accumulated *done.  An entry that was
 *              preempted keeps its continuation after the multicall
 *              returns.  When to preempt: hc_preempt_every() and/or
 *              hc_preempt_at().  Counted in hc.preempted (invocations
 *              cut short) and hc.failed_after_preempt (a request
 *              refused in an invocation that resumed a preempted one).
 *              With hc.deferred_put set (tests only), every mmu_update/
 *              mmuext_op sub-call of a multicall, done or refused, also
 *              ends as Xen's does when it has an old page table to put
 *              (curr->arch.old_guest_table): one more continuation,
 *              written into the entry as args = { 0, MMU_UPDATE_PREEMPTED,
 *              0, rc }, whose resumption returns rc.  So even an entry
 *              that was never preempted may not hold what was passed.
 *
 * A whole binary's run takes its mode from the environment, read by
 * hc_reset() (the first call caches it):
 *     HC_MODE=intact|clobber|preempt        (unset: intact)
 *     HC_PREEMPT_EVERY=N  preempt mode: every Nth eligible invocation
 *                         (default 1)
 *     HC_PREEMPT_AFTER=K  ... after K requests (default 1)
 * A bad value is a clear error and exit status 2.  A test may force a
 * mode after hc_reset() with hc_set_mode(); the next hc_reset() returns
 * to the run's mode.  At exit the double prints one line to stdout:
 *     hc-double: mode=M preempted=N failed_after_preempt=M clobbered=C
 *                wild_counts=W (one line)
 * with the counts summed over the whole run (hc_run).
 *
 * The pte memory model: a map machine address -> u64, as Xen's
 * mmu_update would leave the guest's ptes (the last applied write
 * wins).  Applied MMU_NORMAL_PT_UPDATE / MMU_PT_UPDATE_NO_TRANSLATE
 * write val; MMU_PT_UPDATE_PRESERVE_AD writes val | (old & (A|D));
 * update_va_mapping(va, val) writes val at the address registered for
 * va with hc_va_register() (its flags are recorded in the call's
 * args[2], otherwise ignored; an unregistered va is still accepted, and
 * counted in hc.uvm_unmapped).  Refused requests write nothing.  The
 * address is ptr with the command bits (ptr & 7) cleared.
 */
#ifndef _TESTS_HOST_MC_DOUBLE_H
#define _TESTS_HOST_MC_DOUBLE_H

#include <linux/types.h>
#include <xen/interface/xen.h>

#define HC_NO_PARENT	(~0u)
/* Above this, a request count is wild (Xen: unreadable guest memory). */
#define HC_WILD_COUNT	(1u << 20)

enum hc_mode { HC_INTACT, HC_CLOBBER, HC_PREEMPT };

/* One request Xen looked at. */
struct hc_req {
	unsigned int call;		/* index in hc.calls of its (sub-)call */
	unsigned int op;		/* mmu_update, mmuext_op, update_va_mapping */
	bool in_multicall;
	bool applied;			/* false: it failed, with err */
	int err;
	u64 ptr, val;			/* mmu_update; update_va_mapping: va, val */
	struct mmuext_op ext;		/* mmuext_op */
};

/* One call: a top-level hypercall, or a sub-call of a multicall. */
struct hc_call {
	unsigned int op;
	unsigned int parent;		/* multicall's index, or HC_NO_PARENT */
	unsigned int count;		/* requests, or multicall entries */
	unsigned long args[6];
	void *copy;			/* the request array / entries as passed */
	unsigned int first_req, nr_req;	/* its slice of hc.reqs */
	unsigned int done;		/* what *done was set to (accumulated) */
	long ret;
	unsigned int preempted;		/* times it was preempted */
	bool wild;			/* refused for a wild count */
};

/* The error to fail r with, or 0. */
typedef int (*hc_pred_t)(const struct hc_req *r, void *data);

#define HC_MAX_RULES	64

struct hc_state {
	struct hc_call *calls;
	unsigned int nr_calls, nr_top;	/* all calls; top-level only */
	unsigned int nr_multicalls;
	struct hc_req *reqs;
	unsigned int nr_reqs;
	unsigned int cap_calls, cap_reqs;
	/* hypercall_account_subcall: sub-calls and requests, by op. */
	unsigned int sub_calls[64], sub_reqs[64];
	struct {
		unsigned int index;	/* global request index, or ~0u */
		hc_pred_t pred;
		void *data;
		int err;		/* for index rules */
		bool once;		/* disarm after it fired */
		bool fired;
	} rules[HC_MAX_RULES];
	unsigned int nr_rules;
	/* Set by tests that want a non-Xen *done on failure (-1: Xen's). */
	int bogus_done;
	/*
	 * Called before each top-level call is executed, if set; the call
	 * is recorded already: hc.calls[hc.nr_calls - 1].
	 */
	void (*hook)(unsigned int op);
	/* A multicall of fewer than 2 entries, or a count of 0: seen. */
	unsigned int odd_calls;

	enum hc_mode mode;
	/* HC_PREEMPT: every preempt_every-th eligible invocation (0: none)... */
	unsigned int preempt_every, preempt_after;
	unsigned int invocations;	/* eligible ones seen, for the above */
	/* ... and/or before the request of this global index (~0u: none). */
	unsigned int preempt_at_req;
	/* HC_PREEMPT: end every sub-call of a multicall with a deferred put. */
	bool deferred_put;
	unsigned int deferred_puts;
	/* What the mode exercised, since hc_reset(). */
	unsigned int preempted, failed_after_preempt, clobbered, wild_counts;
	unsigned int uvm_unmapped;
	/* The pte memory model (open addressing on the address). */
	struct hc_mem {
		u64 ptr, val;
		bool used, written;
	} *mem;
	unsigned int mem_cap, mem_used;
	struct {
		unsigned long va;
		u64 ptr;
	} *vas;
	unsigned int nr_vas, cap_vas;
};

extern struct hc_state hc;

/* The counts of the whole run, across hc_reset(). */
struct hc_totals {
	unsigned long preempted, failed_after_preempt, clobbered, wild_counts;
};
extern struct hc_totals hc_run;

/* The run's mode (HC_MODE), and its name. */
enum hc_mode hc_run_mode(void);
const char *hc_mode_name(enum hc_mode mode);
/*
 * Force a mode until the next hc_reset().  It keeps the preemption
 * rules: those of the run (HC_PREEMPT_*) if the run is in preempt mode,
 * else none until hc_preempt_every()/hc_preempt_at() set some.
 */
void hc_set_mode(enum hc_mode mode);
/* Preempt every nth eligible invocation after k (>= 1) requests. */
void hc_preempt_every(unsigned int n, unsigned int k);
/* Preempt an invocation just before the request of global index idx. */
void hc_preempt_at(unsigned int idx);
/* The summary line (also printed at exit). */
void hc_print_summary(void);

/* The pte memory model. */
u64 hc_mem_read(u64 ptr);
bool hc_mem_written(u64 ptr);
/* Give ptr a value before the test, without counting as a write. */
void hc_mem_seed(u64 ptr, u64 val);
/* update_va_mapping(va, ...) writes the pte at ptr. */
void hc_va_register(unsigned long va, u64 ptr);

void hc_reset(void);
/* Fail the request with global index idx (once) with err. */
void hc_fail_at(unsigned int idx, int err);
/* Fail every request pred() returns an error for, with that error. */
void hc_fail_if(hc_pred_t pred, void *data);
/* Top-level hypercalls issued (a multicall counts once). */
static inline unsigned int hc_hypercalls(void)
{
	return hc.nr_top;
}

#endif

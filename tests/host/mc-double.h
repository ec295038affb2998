/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recording hypercall double for the host tests of the batching
 * layer.  It stands in for the hypercall instruction only: it records
 * every call with its arguments and a copy of the requests it carried,
 * and fails the requests it is told to fail, with Xen's done-count
 * semantics.  It knows nothing about page tables.
 *
 *  - mmu_update / mmuext_op: requests are taken in order; the first one
 *    that fails stops the call: *done = the number applied before it,
 *    the call returns the error.  The requests after it are not looked
 *    at, so they are not in the request log.
 *  - multicall: each entry is run as the direct call would be, its
 *    result stored in the entry; a failing entry does not stop the
 *    later ones, and the multicall itself returns 0.
 *
 * Every request Xen looks at gets the next global request index (its
 * position in hc.reqs); failures are injected by that index or by a
 * predicate over the request.
 */
#ifndef _TESTS_HOST_MC_DOUBLE_H
#define _TESTS_HOST_MC_DOUBLE_H

#include <linux/types.h>
#include <xen/interface/xen.h>

#define HC_NO_PARENT	(~0u)

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
	unsigned int done;		/* what *done was set to */
	long ret;
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
	/* Called before each top-level call is executed, if set. */
	void (*hook)(unsigned int op);
	/* A multicall of fewer than 2 entries, or a count of 0: seen. */
	unsigned int odd_calls;
};

extern struct hc_state hc;

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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host unit tests of the batching layer share: the fixture, the
 * assertion macros (every one carries a message), the requests the tests
 * queue and a few questions about what the double saw.
 *
 * The code under test (multicalls.c, mmu.c) keeps per-vCPU state in
 * statics; the fixture drains it between tests (leaves lazy mode, issues
 * what is queued) and the tests read statistics as differences from
 * what they were at setup.  Every test runs in the double's mode of the
 * whole run (HC_MODE): none forces a mode.
 */
#ifndef _TESTS_HOST_TEST_COMMON_H
#define _TESTS_HOST_TEST_COMMON_H

/* The guest's headers first: glibc's redefine what they share. */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/mmu.h>
#include <asm/xen/multicalls.h>
#include <asm/xen/setup.h>
#include "mc-double.h"
#include "mc-support.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define MMU		__HYPERVISOR_mmu_update
#define EXT		__HYPERVISOR_mmuext_op
#define MULTI		__HYPERVISOR_multicall
#define UVM		__HYPERVISOR_update_va_mapping

#define REQ_SZ		sizeof(struct mmu_update)
#define EXT_SZ		sizeof(struct mmuext_op)
#define MAX_MMU		(CONFIG_MC_ARGS_BYTES / REQ_SZ)

/* Request i: a distinct pte address, value, caller and mapping. */
#define MA(i)		(0x100000ULL + (u64)(i) * 8)
#define VAL(i)		(((u64)(i) << 12) | 1)
#define CALLER(i)	(0xc0de0000UL + (i))
/* Not page aligned, so that the policy must compare pages. */
#define VA(i)		(0x7f0000000000UL + (unsigned long)(i) * PAGE_SIZE + 0x2a8)
#define FLUSH_CALLER	0xf1a50000UL

/* cond, or fail with the message. */
#define expect(cond, ...)						\
	do {								\
		if (!(cond))						\
			fail_msg(__VA_ARGS__);				\
	} while (0)

/* got == want, or fail saying what (fmt, ...), and both values. */
#define expect_eq(got, want, fmt, ...)					\
	do {								\
		unsigned long long __got = (unsigned long long)(got);	\
		unsigned long long __want = (unsigned long long)(want);	\
		if (__got != __want)					\
			fail_msg(fmt ": %#llx, expected %#llx",		\
				 ##__VA_ARGS__, __got, __want);		\
	} while (0)

/* More top-level hypercalls than any one test makes: a runaway. */
#define RUNAWAY_CALLS	256

/*
 * setup: the double reset, with a hook that fails the test at a wild
 * count or more than RUNAWAY_CALLS hypercalls; vCPU 0, one vCPU online,
 * not in fault context; PRESERVE_AD offered, the xen backend; panics
 * fail the test.  teardown: every vCPU drained and not idle.
 */
int tc_setup(void **state);
int tc_teardown(void **state);
#define T(f)	cmocka_unit_test_setup_teardown(f, tc_setup, tc_teardown)

/* The run's double mode, and whether it is m. */
static inline bool in_mode(enum hc_mode m)
{
	return hc_run_mode() == m;
}

/* Through the policy: request i (va 0: never as update_va_mapping). */
void q(unsigned int i);
void qva(unsigned int i);
/* Request i as PRESERVE_AD, val carrying the bits ad, with its va. */
void qpad(unsigned int i, u64 ad);
/* Through the pv op: a flush of one page at VA(i), or of n pages. */
void flush_page(unsigned int i);
void flush_pages(unsigned int i, unsigned int n);

/* What mmu.c counted since setup, on this vCPU. */
struct xen_mmu_stats mmu_delta(void);
/* What multicalls.c counted since setup, on this vCPU. */
struct mc_stats mc_delta(void);
/* The failure reported k-th in this test (0: its first). */
const struct mmu_failure *failure(unsigned int k);
/* Failure k is mmu_update request i (ptr: pte i | cmd), refused with err. */
void expect_failure_cmd(unsigned int k, unsigned int i, unsigned int cmd,
			int err);
/* The same, for a MMU_NORMAL_PT_UPDATE request. */
void expect_failure_of(unsigned int k, unsigned int i, int err);

/* How many times the double was shown mmu_update request i. */
unsigned int times_presented(unsigned int i);
/* ... and applied it. */
unsigned int times_applied(unsigned int i);
/* Request r of the double's log is mmu_update request i. */
void expect_req(unsigned int r, unsigned int i, bool applied);
/* Call c is a top-level update_va_mapping(va, val, flags). */
void expect_uvm(unsigned int c, unsigned long va, u64 val, unsigned long flags);
/* No update_va_mapping at all, taken or refused. */
void expect_no_uvm(void);
/* The number of top-level calls of op. */
unsigned int calls_of(unsigned int op);
/* In the pte memory model, the pte of request i holds want. */
void expect_pte(unsigned int i, u64 want);
/*
 * The run's mode did what it does to this test's calls: in clobber mode
 * some entry was clobbered (EX_CLOBBER), in preempt mode some call was
 * preempted (EX_PREEMPT) and some request refused after a preemption
 * (EX_FAIL_AFTER).  Bits of what the test can expect; others unchecked.
 * The preempt checks hold for the run's default rule (HC_PREEMPT_EVERY=1,
 * HC_PREEMPT_AFTER=1) and are skipped under another.
 */
#define EX_CLOBBER	1u
#define EX_PREEMPT	2u
#define EX_FAIL_AFTER	4u
void expect_mode_exercised(unsigned int what);

/* A callback that records what it was shown (one batch per slot). */
#define CB_MAX_CALLS	8
struct cb_seen {
	unsigned int runs, order;
	unsigned int hypercalls;	/* top-level calls when it ran */
	unsigned int nr;
	struct mc_call calls[CB_MAX_CALLS];
};
extern struct cb_seen cb_seen[MC_CALLBACKS + 1];
void cb_record(const struct mc_issued *batch, void *data);

#endif

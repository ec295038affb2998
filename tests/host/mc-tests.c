// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the batching layer: arch/x86/xen/multicalls.c and
 * the lazy-mode and transaction glue of arch/x86/xen/mmu.c, compiled
 * unchanged against the recording hypercall double (mc-double.c).
 */
/* The guest's headers first: glibc's redefine what they share. */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/multicalls.h>
#include "mc-double.h"
#include "mc-support.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

void xen_mmu_init(void);

#define MMU	__HYPERVISOR_mmu_update
#define EXT	__HYPERVISOR_mmuext_op
#define MULTI	__HYPERVISOR_multicall

#define REQ_SZ	sizeof(struct mmu_update)
#define EXT_SZ	sizeof(struct mmuext_op)
#define MAX_MMU	(CONFIG_MC_ARGS_BYTES / REQ_SZ)

/* Request i: a distinct pte address, value and caller. */
#define MA(i)		(0x100000ULL + (u64)(i) * 8)
#define VAL(i)		(((u64)(i) << 12) | 1)
#define CALLER(i)	(0xc0de0000UL + (i))

static struct mc_batch *mc;
static pte_t ptes[4096] __attribute__((aligned(4096)));

static void q(unsigned int i)
{
	xen_mc_queue_mmu_update(MA(i), VAL(i), CALLER(i));
}

static void qext(unsigned int cmd, unsigned long addr, unsigned long caller)
{
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.linear_addr = addr;
	xen_mc_queue_mmuext(&op, caller);
}

/* A panic nobody expected fails the test that caused it, not the run. */
static void unexpected_panic(const char *msg)
{
	fail_msg("unexpected panic: %s", msg);
	abort();
}

static int setup(void **state)
{
	unsigned int cpu;

	(void)state;
	hc_reset();
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		host_cpu.cpu = cpu;
		memset(xen_mc_batch(), 0, sizeof(struct mc_batch));
	}
	host_cpu.cpu = 0;
	host_cpu.fault_depth = 0;
	nr_cpus_online = 1;
	memset(xen_features, 0, sizeof(xen_features));
	xen_features[0] = 1u << XENFEAT_mmu_pt_update_preserve_ad;
	assert_int_equal(pv_mmu_select("xen"), 0);
	memset(ptes, 0, sizeof(ptes));
	host_panics = 0;
	host_panic_hook = unexpected_panic;
	mc = xen_mc_batch();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hc_reset();
	return 0;
}

/* Request r of the double's log is mmu_update request i. */
static void assert_req(unsigned int r, unsigned int i, bool applied)
{
	assert_true(r < hc.nr_reqs);
	assert_int_equal(hc.reqs[r].op, MMU);
	assert_int_equal(hc.reqs[r].ptr, MA(i));
	assert_int_equal(hc.reqs[r].val, VAL(i));
	assert_int_equal(hc.reqs[r].applied, applied);
}

static const struct mc_failure *last_failure(void)
{
	assert_true(mc->nr_log > 0);
	return &mc->log[(mc->nr_log - 1) % MC_FAILURE_LOG];
}

/* ---- merging ---- */

static void test_merge_consecutive_mmu_updates(void **state)
{
	unsigned int i;

	(void)state;
	xen_mc_lazy_enter();
	for (i = 0; i < 5; i++)
		q(i);
	assert_int_equal(mc->nr_entries, 1);
	assert_int_equal(mc->entries[0].args[1], 5);
	assert_int_equal(hc_hypercalls(), 0);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.calls[0].op, MMU);
	assert_int_equal(hc.calls[0].count, 5);
	assert_int_equal(hc.calls[0].done, 5);
	for (i = 0; i < 5; i++)
		assert_req(i, i, true);
}

static void test_merge_consecutive_mmuext(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	qext(MMUEXT_INVLPG_LOCAL, 0x1000, 1);
	qext(MMUEXT_INVLPG_LOCAL, 0x2000, 2);
	assert_int_equal(mc->nr_entries, 1);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.calls[0].op, EXT);
	assert_int_equal(hc.calls[0].count, 2);
	assert_int_equal(hc.reqs[1].ext.arg1.linear_addr, 0x2000);
}

static void test_no_merge_across_other_op(void **state)
{
	struct multicall_entry *e;

	(void)state;
	xen_mc_lazy_enter();
	q(0);
	q(1);
	qext(MMUEXT_TLB_FLUSH_LOCAL, 0, 9);
	q(2);
	assert_int_equal(mc->nr_entries, 3);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.calls[0].op, MULTI);
	assert_int_equal(hc.calls[0].count, 3);
	e = hc.calls[0].copy;
	assert_int_equal(e[0].op, MMU);
	assert_int_equal(e[0].args[1], 2);
	assert_int_equal(e[1].op, EXT);
	assert_int_equal(e[2].op, MMU);
	assert_int_equal(e[2].args[1], 1);
	assert_req(0, 0, true);
	assert_req(1, 1, true);
	assert_int_equal(hc.reqs[2].op, EXT);
	assert_req(3, 2, true);
}

/* ---- capacity and flush triggers ---- */

static void test_capacity_entries(void **state)
{
	unsigned int i;

	(void)state;
	xen_mc_lazy_enter();
	/* ext, mmu, ext, mmu, ...: every request a new entry. */
	for (i = 0; i < CONFIG_MC_ENTRIES; i++) {
		if (i % 2)
			q(i);
		else
			qext(MMUEXT_TLB_FLUSH_LOCAL, i, i);
	}
	assert_int_equal(mc->nr_entries, CONFIG_MC_ENTRIES);
	/* The last entry is an mmu_update: extending it needs no entry. */
	q(100);
	assert_int_equal(hc_hypercalls(), 0);
	assert_int_equal(mc->flush_full, 0);
	/* A new entry does not fit: the full batch goes first. */
	qext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	assert_int_equal(mc->flush_full, 1);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.calls[0].op, MULTI);
	assert_int_equal(hc.calls[0].count, CONFIG_MC_ENTRIES);
	assert_int_equal(mc->nr_entries, 1);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 2);
	assert_int_equal(hc.nr_reqs, CONFIG_MC_ENTRIES + 2);
}

static void test_capacity_arg_bytes(void **state)
{
	unsigned int i;

	(void)state;
	xen_mc_lazy_enter();
	for (i = 0; i < MAX_MMU; i++)
		q(i);
	assert_int_equal(mc->args_used, CONFIG_MC_ARGS_BYTES);
	assert_int_equal(hc_hypercalls(), 0);
	q(MAX_MMU);
	assert_int_equal(mc->flush_full, 1);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.calls[0].op, MMU);
	assert_int_equal(hc.calls[0].count, MAX_MMU);
	assert_int_equal(mc->args_used, REQ_SZ);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	for (i = 0; i <= MAX_MMU; i++)
		assert_req(i, i, true);
}

static void test_capacity_arg_bytes_mixed(void **state)
{
	unsigned int i;

	(void)state;
	xen_mc_lazy_enter();
	/* Leave less than one mmuext_op of room, more than one mmu_update. */
	for (i = 0; i < MAX_MMU - 1; i++)
		q(i);
	assert_true(CONFIG_MC_ARGS_BYTES - mc->args_used < EXT_SZ);
	qext(MMUEXT_TLB_FLUSH_LOCAL, 0, 7);
	assert_int_equal(mc->flush_full, 1);
	assert_int_equal(hc.calls[0].count, MAX_MMU - 1);
	assert_int_equal(mc->args_used, EXT_SZ);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 2);
	assert_int_equal(hc.calls[1].op, EXT);
}

static void test_flush_on_lazy_leave(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	q(0);
	q(1);
	assert_int_equal(hc_hypercalls(), 0);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(mc->flushes, 1);
	assert_int_equal(mc->nr_entries, 0);
	assert_int_equal(mc->args_used, 0);
	assert_false(mc->lazy);
}

static void test_flush_explicit(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	q(0);
	assert_int_equal(xen_mc_flush(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_true(mc->lazy);
	/* An empty batch issues nothing and is no flush. */
	assert_int_equal(xen_mc_flush(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(mc->flushes, 1);
	q(1);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 2);
	assert_req(1, 1, true);
}

static void test_one_entry_is_direct(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	q(0);
	q(1);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc.nr_multicalls, 0);
	assert_int_equal(mc->flush_direct, 1);
	assert_int_equal(mc->flush_multicall, 0);
	assert_int_equal(hc.calls[0].op, MMU);
	assert_int_equal(hc.calls[0].parent, HC_NO_PARENT);
	assert_int_equal(hc.calls[0].args[3], DOMID_SELF);
	/* A direct call is a real hypercall, not an accounted sub-call. */
	assert_int_equal(hc.sub_calls[MMU], 0);
	assert_int_equal(hc.odd_calls, 0);
}

static void test_multicall_subcall_accounting(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	q(0);
	q(1);
	qext(MMUEXT_TLB_FLUSH_LOCAL, 0, 9);
	q(2);
	q(3);
	q(4);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.nr_multicalls, 1);
	assert_int_equal(mc->flush_multicall, 1);
	assert_int_equal(mc->flush_direct, 0);
	assert_int_equal(hc.sub_calls[MMU], 2);
	assert_int_equal(hc.sub_calls[EXT], 1);
	assert_int_equal(hc.sub_reqs[MMU], 5);
	assert_int_equal(hc.sub_reqs[EXT], 1);
	/* Sub-calls recorded under the multicall, in entry order. */
	assert_int_equal(hc.nr_calls, 4);
	assert_int_equal(hc.calls[1].parent, 0);
	assert_int_equal(hc.calls[1].op, MMU);
	assert_int_equal(hc.calls[2].op, EXT);
	assert_int_equal(hc.calls[3].count, 3);
	assert_int_equal(hc.odd_calls, 0);
}

/* ---- callbacks ---- */

struct cb_seen {
	unsigned int calls, reqs, order;
	int runs;
};
static unsigned int cb_order;

static void cb_record(void *data)
{
	struct cb_seen *s = data;

	s->calls = hc_hypercalls();
	s->reqs = hc.nr_reqs;
	s->order = cb_order++;
	s->runs++;
}

static void test_callback_after_flush(void **state)
{
	struct cb_seen a = { 0 }, b = { 0 };

	(void)state;
	cb_order = 0;
	xen_mc_lazy_enter();
	q(0);
	xen_mc_callback(cb_record, &a);
	q(1);
	xen_mc_callback(cb_record, &b);
	qext(MMUEXT_TLB_FLUSH_LOCAL, 0, 9);
	assert_int_equal(a.runs, 0);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 1);
	/* After the whole batch was issued, in registration order. */
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.reqs, 3);
	assert_int_equal(a.order, 0);
	assert_int_equal(b.order, 1);
	/* And only once. */
	assert_int_equal(xen_mc_flush(), 0);
	assert_int_equal(a.runs, 1);
}

static void test_callback_overflow_flushes(void **state)
{
	struct cb_seen s[MC_CALLBACKS + 1];
	unsigned int i;

	(void)state;
	memset(s, 0, sizeof(s));
	xen_mc_lazy_enter();
	q(0);
	for (i = 0; i < MC_CALLBACKS; i++)
		xen_mc_callback(cb_record, &s[i]);
	assert_int_equal(hc_hypercalls(), 0);
	xen_mc_callback(cb_record, &s[MC_CALLBACKS]);
	assert_int_equal(hc_hypercalls(), 1);
	for (i = 0; i < MC_CALLBACKS; i++) {
		assert_int_equal(s[i].runs, 1);
		assert_int_equal(s[i].reqs, 1);
	}
	assert_int_equal(s[MC_CALLBACKS].runs, 0);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(s[MC_CALLBACKS].runs, 1);
}

static void test_callback_runs_on_full_flush(void **state)
{
	struct cb_seen a = { 0 };
	unsigned int i;

	(void)state;
	xen_mc_lazy_enter();
	q(0);
	xen_mc_callback(cb_record, &a);
	for (i = 1; i <= MAX_MMU; i++)
		q(i);
	assert_int_equal(a.runs, 1);
	assert_int_equal(a.reqs, MAX_MMU);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(a.runs, 1);
}

/* ---- partial failure and recovery ---- */

static void test_recovery_rest_reissued(void **state)
{
	const struct mc_failure *f;
	unsigned int i;

	(void)state;
	hc_fail_at(2, -EINVAL);
	xen_mc_lazy_enter();
	for (i = 0; i < 6; i++)
		q(i);
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	assert_int_equal(hc_hypercalls(), 2);
	assert_int_equal(hc.calls[0].count, 6);
	assert_int_equal(hc.calls[0].done, 2);
	assert_int_equal(hc.calls[0].ret, -EINVAL);
	/* The rest, and only the rest, issued again. */
	assert_int_equal(hc.calls[1].count, 3);
	assert_int_equal(hc.nr_reqs, 6);
	for (i = 0; i < 6; i++)
		assert_req(i, i, i != 2);
	assert_int_equal(mc->failures, 1);
	assert_int_equal(mc->nr_log, 1);
	f = last_failure();
	assert_int_equal(f->op, MMU);
	assert_int_equal(f->err, -EINVAL);
	assert_int_equal(f->ptr, MA(2));
	assert_int_equal(f->val, VAL(2));
	assert_int_equal(f->caller, CALLER(2));
	assert_non_null(strstr(host_printk_last, "mmu_update failed"));
}

static void test_recovery_several_failures(void **state)
{
	unsigned int i;

	(void)state;
	hc_fail_at(1, -EINVAL);
	hc_fail_at(3, -EPERM);		/* request 3, in the re-issue */
	xen_mc_lazy_enter();
	for (i = 0; i < 8; i++)
		q(i);
	/* The first error is the one returned. */
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	assert_int_equal(hc_hypercalls(), 3);
	assert_int_equal(hc.nr_reqs, 8);
	for (i = 0; i < 8; i++)
		assert_req(i, i, i != 1 && i != 3);
	assert_int_equal(mc->failures, 2);
	assert_int_equal(mc->log[0].caller, CALLER(1));
	assert_int_equal(mc->log[1].caller, CALLER(3));
	assert_int_equal(mc->log[1].err, -EPERM);
}

static void test_recovery_last_request(void **state)
{
	(void)state;
	hc_fail_at(2, -EINVAL);
	xen_mc_lazy_enter();
	q(0);
	q(1);
	q(2);
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	/* Nothing after it: nothing to issue again. */
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(mc->failures, 1);
}

static void test_recovery_bogus_done(void **state)
{
	(void)state;
	hc_fail_at(1, -EIO);
	hc.bogus_done = 3;		/* "failed", but all done */
	xen_mc_lazy_enter();
	q(0);
	q(1);
	q(2);
	assert_int_equal(xen_mc_lazy_leave(), -EIO);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(mc->failures, 1);
	assert_int_equal(last_failure()->caller, CALLER(0));
}

static void test_flush_returns_error(void **state)
{
	(void)state;
	hc_fail_at(0, -ENOMEM);
	xen_mc_lazy_enter();
	q(0);
	q(1);
	assert_int_equal(xen_mc_flush(), -ENOMEM);
	q(2);
	/* The section's first error, even if later flushes succeed. */
	assert_int_equal(xen_mc_lazy_leave(), -ENOMEM);
	assert_int_equal(hc.nr_reqs, 3);
	/* The next section starts clean. */
	xen_mc_lazy_enter();
	q(3);
	assert_int_equal(xen_mc_lazy_leave(), 0);
}

static void test_full_flush_error_not_lost(void **state)
{
	unsigned int i;

	(void)state;
	hc_fail_at(5, -EINVAL);
	xen_mc_lazy_enter();
	for (i = 0; i < MAX_MMU + 3; i++)
		q(i);
	assert_int_equal(mc->flush_full, 1);
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	assert_int_equal(hc.nr_reqs, MAX_MMU + 3);
	for (i = 0; i < MAX_MMU + 3; i++)
		assert_req(i, i, i != 5);
}

static void test_multicall_failing_subcall_continues(void **state)
{
	const struct mc_failure *f;

	(void)state;
	hc_fail_at(2, -EPERM);		/* the mmuext_op entry */
	xen_mc_lazy_enter();
	q(0);
	q(1);
	qext(MMUEXT_NEW_BASEPTR, 0x1234, 77);
	q(2);
	q(3);
	assert_int_equal(xen_mc_lazy_leave(), -EPERM);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.calls[0].ret, 0);
	assert_req(0, 0, true);
	assert_req(1, 1, true);
	assert_false(hc.reqs[2].applied);
	assert_req(3, 2, true);
	assert_req(4, 3, true);
	f = last_failure();
	assert_int_equal(mc->failures, 1);
	assert_int_equal(f->op, EXT);
	assert_int_equal(f->err, -EPERM);
	assert_int_equal(f->ptr, MMUEXT_NEW_BASEPTR);
	assert_int_equal(f->val, 0x1234);
	assert_int_equal(f->caller, 77);
}

static void test_multicall_recovery_reissues_rest(void **state)
{
	unsigned int i;

	(void)state;
	hc_fail_at(1, -EINVAL);
	xen_mc_lazy_enter();
	for (i = 0; i < 4; i++)
		q(i);
	qext(MMUEXT_NEW_BASEPTR, 0x1234, 77);
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	/* Every request presented exactly once; the failing one reported. */
	for (i = 0; i < 4; i++) {
		unsigned int r, seen = 0;

		for (r = 0; r < hc.nr_reqs; r++)
			if (hc.reqs[r].op == MMU && hc.reqs[r].ptr == MA(i)) {
				seen++;
				assert_int_equal(hc.reqs[r].applied, i != 1);
			}
		assert_int_equal(seen, 1);
	}
	assert_int_equal(mc->failures, 1);
	assert_int_equal(last_failure()->caller, CALLER(1));
}

/* The TLB flush must follow every update queued before it, even recovered ones. */
static void test_multicall_recovery_flush_follows_updates(void **state)
{
	unsigned int i, r, last_flush = 0, last_update = 0;

	(void)state;
	hc_fail_at(1, -EINVAL);
	xen_mc_lazy_enter();
	for (i = 0; i < 4; i++)
		q(i);
	qext(MMUEXT_TLB_FLUSH_ALL, 0, 77);
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	for (r = 0; r < hc.nr_reqs; r++) {
		if (hc.reqs[r].op == EXT && hc.reqs[r].applied)
			last_flush = r;
		if (hc.reqs[r].op == MMU && hc.reqs[r].applied)
			last_update = r;
	}
	assert_true(last_flush > last_update);
	/* The updates themselves still went exactly once. */
	assert_int_equal(mc->failures, 1);
	for (r = 0, i = 0; r < hc.nr_reqs; r++)
		i += hc.reqs[r].op == MMU;
	assert_int_equal(i, 4);
}

/* A repeated flush that fails is reported, after the batch's first error. */
static void test_multicall_recovery_reflush_fails(void **state)
{
	(void)state;
	hc_fail_at(1, -EINVAL);		/* update 1, in the multicall */
	hc_fail_at(4, -EBUSY);		/* the flush, issued again */
	xen_mc_lazy_enter();
	q(0);
	q(1);
	q(2);
	qext(MMUEXT_TLB_FLUSH_ALL, 0, 77);
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	/* multicall [0, 1x][flush]; update 2 again; the flush again */
	assert_int_equal(hc_hypercalls(), 3);
	assert_int_equal(hc.nr_reqs, 5);
	assert_int_equal(hc.reqs[4].op, EXT);
	assert_int_equal(mc->failures, 2);
	assert_int_equal(last_failure()->err, -EBUSY);
	assert_int_equal(last_failure()->caller, 77);
}

static void test_failure_log_wraps(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < MC_FAILURE_LOG + 4; i++)
		hc_fail_at(i, -EINVAL - (int)i);
	xen_mc_lazy_enter();
	for (i = 0; i < MC_FAILURE_LOG + 4; i++)
		q(i);
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	assert_int_equal(mc->nr_log, MC_FAILURE_LOG + 4);
	assert_int_equal(mc->failures, MC_FAILURE_LOG + 4);
	/* The ring keeps the latest. */
	assert_int_equal(last_failure()->caller, CALLER(MC_FAILURE_LOG + 3));
	assert_int_equal(mc->log[0].caller, CALLER(MC_FAILURE_LOG));
}

/* ---- lazy-mode rules ---- */

static void test_lazy_nested_enter_panics(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	assert_true(HOST_PANICS(xen_mc_lazy_enter()));
	assert_non_null(strstr(host_panic_msg, "twice"));
}

static void test_lazy_leave_without_enter_panics(void **state)
{
	(void)state;
	assert_true(HOST_PANICS(xen_mc_lazy_leave()));
	assert_non_null(strstr(host_panic_msg, "without"));
	assert_int_equal(hc_hypercalls(), 0);
}

static void test_lazy_enter_from_fault_panics(void **state)
{
	(void)state;
	host_cpu.fault_depth = 1;
	assert_true(HOST_PANICS(xen_mc_lazy_enter()));
	assert_non_null(strstr(host_panic_msg, "fault context"));
	assert_false(mc->lazy);
}

static void test_lazy_leave_from_fault_panics(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	q(0);
	host_cpu.fault_depth = 1;
	assert_true(HOST_PANICS(xen_mc_lazy_leave()));
	assert_non_null(strstr(host_panic_msg, "fault context"));
	/* The interrupted section's batch was not issued. */
	assert_int_equal(hc_hypercalls(), 0);
	host_cpu.fault_depth = 0;
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 1);
}

static void test_lazy_enter_with_queued_panics(void **state)
{
	(void)state;
	q(0);
	assert_true(HOST_PANICS(xen_mc_lazy_enter()));
	assert_non_null(strstr(host_panic_msg, "queued"));
}

static void test_select_inside_lazy_panics(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	assert_true(HOST_PANICS(pv_mmu_select("generic")));
	assert_string_equal(pv_mmu_ops.name, "xen");
}

static void test_fault_update_is_direct(void **state)
{
	u8 args[3 * REQ_SZ];
	unsigned int i, before;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++)
		set_pte_at(0, &ptes[i], __pte(VAL(i)));
	memcpy(args, mc->args, sizeof(args));
	assert_int_equal(mc->nr_entries, 1);

	host_cpu.fault_depth = 1;
	assert_false(xen_mc_lazy_active());
	hc_fail_at(1, -EINVAL);		/* the fault's second update */
	set_pte_at(0, &ptes[10], __pte(VAL(10)));
	set_pte_at(0, &ptes[11], __pte(VAL(11)));
	flush_tlb_range(0x5000, 0x6000);
	host_cpu.fault_depth = 0;

	/* Issued at once, one hypercall each ... */
	assert_int_equal(hc_hypercalls(), 3);
	assert_int_equal(hc.calls[0].op, MMU);
	assert_int_equal(hc.calls[0].count, 1);
	assert_int_equal(hc.reqs[0].ptr, ptep_to_machine(&ptes[10]));
	assert_int_equal(hc.calls[2].op, EXT);
	assert_int_equal(hc.reqs[2].ext.cmd, MMUEXT_INVLPG_LOCAL);
	/* ... the open batch untouched ... */
	assert_int_equal(mc->nr_entries, 1);
	assert_int_equal(mc->entries[0].args[1], 3);
	assert_int_equal(mc->args_used, sizeof(args));
	assert_memory_equal(mc->args, args, sizeof(args));
	/* ... and the fault's failure is reported, but not as the section's. */
	assert_int_equal(mc->failures, 1);
	assert_int_equal(last_failure()->ptr, ptep_to_machine(&ptes[11]));
	before = hc_hypercalls();
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(hc_hypercalls(), before + 1);
	assert_int_equal(hc.calls[before].count, 3);
}

/* ---- mmu.c: TLB flush and the commit paths ---- */

static void test_tlb_flush_queued_after_updates(void **state)
{
	struct multicall_entry *e;
	unsigned long start = 0x40000000UL;
	unsigned int i;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++) {
		pte_t old = ptep_modify_prot_start(start + i * PAGE_SIZE, &ptes[i]);

		ptep_modify_prot_commit(start + i * PAGE_SIZE, &ptes[i], old,
					__pte(VAL(i)));
	}
	flush_tlb_range(start, start + PAGE_SIZE);
	assert_int_equal(hc_hypercalls(), 0);
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.calls[0].op, MULTI);
	e = hc.calls[0].copy;
	assert_int_equal(e[0].op, MMU);
	assert_int_equal(e[0].args[1], 3);
	assert_int_equal(e[1].op, EXT);
	assert_int_equal(hc.nr_reqs, 4);
	assert_int_equal(hc.reqs[3].op, EXT);
	assert_int_equal(hc.reqs[3].ext.cmd, MMUEXT_INVLPG_LOCAL);
	assert_int_equal(hc.reqs[3].ext.arg1.linear_addr, start);
}

static void test_tlb_flush_kinds(void **state)
{
	(void)state;
	flush_tlb_range(0x1000, 0x3000);
	nr_cpus_online = 2;
	flush_tlb_range(0x1000, 0x2000);
	flush_tlb_range(0x1000, 0x3000);
	/* Outside lazy mode each is a direct mmuext_op. */
	assert_int_equal(hc_hypercalls(), 3);
	assert_int_equal(hc.calls[0].op, EXT);
	assert_int_equal(hc.reqs[0].ext.cmd, MMUEXT_TLB_FLUSH_LOCAL);
	assert_int_equal(hc.reqs[1].ext.cmd, MMUEXT_INVLPG_ALL);
	assert_int_equal(hc.reqs[1].ext.arg1.linear_addr, 0x1000);
	assert_int_equal(hc.reqs[2].ext.cmd, MMUEXT_TLB_FLUSH_ALL);
}

static void commit(unsigned int i, u64 val)
{
	unsigned long addr = 0x40000000UL + i * PAGE_SIZE;
	pte_t old = ptep_modify_prot_start(addr, &ptes[i]);

	ptep_modify_prot_commit(addr, &ptes[i], old, __pte(val));
}

static void test_commit_xen_batched_preserve_ad(void **state)
{
	unsigned int i;

	(void)state;
	ptes[0] = __pte(0x5067);
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 4; i++)
		commit(i, VAL(i));
	assert_int_equal(hc_hypercalls(), 0);
	/* start leaves the pte live; no emulated write. */
	assert_int_equal(pte_val(ptes[0]), 0x5067);
	assert_int_equal(this_hcstat()->ptwr, 0);
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.calls[0].count, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(hc.reqs[i].ptr,
				 ptep_to_machine(&ptes[i]) | MMU_PT_UPDATE_PRESERVE_AD);
		/* pte 0 has Accessed and Dirty: commit carries them in val. */
		assert_int_equal(hc.reqs[i].val, VAL(i) | (i ? 0 : _PAGE_AD));
	}
	/* Outside lazy mode: the same request, at once. */
	commit(5, VAL(5));
	assert_int_equal(hc_hypercalls(), 2);
	assert_int_equal(hc.reqs[4].ptr,
			 ptep_to_machine(&ptes[5]) | MMU_PT_UPDATE_PRESERVE_AD);
}

static void test_commit_xen_nobatch_immediate(void **state)
{
	unsigned int i;

	(void)state;
	assert_int_equal(pv_mmu_select("xen-nobatch"), 0);
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++) {
		commit(i, VAL(i));
		assert_int_equal(hc_hypercalls(), i + 1);
		assert_int_equal(hc.calls[i].count, 1);
		assert_int_equal(hc.reqs[i].ptr,
				 ptep_to_machine(&ptes[i]) | MMU_PT_UPDATE_PRESERVE_AD);
	}
	assert_int_equal(mc->nr_entries, 0);
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(hc_hypercalls(), 3);
}

static void test_commit_generic_clear_then_normal(void **state)
{
	unsigned int i;

	(void)state;
	assert_int_equal(pv_mmu_select("generic"), 0);
	for (i = 0; i < 3; i++)
		ptes[i] = __pte(VAL(i) | _PAGE_RW | _PAGE_DIRTY);
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++) {
		unsigned long addr = 0x40000000UL + i * PAGE_SIZE;
		pte_t old = ptep_modify_prot_start(addr, &ptes[i]);

		/* The clear is a (trapped) write to the pte, not a request. */
		assert_int_equal(pte_val(old), VAL(i) | _PAGE_RW | _PAGE_DIRTY);
		assert_int_equal(pte_val(ptes[i]), 0);
		ptep_modify_prot_commit(addr, &ptes[i], old,
					pte_modify(old, PAGE_KERNEL_RO));
	}
	assert_int_equal(this_hcstat()->ptwr, 3);
	assert_int_equal(hc_hypercalls(), 0);
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	for (i = 0; i < 3; i++) {
		assert_int_equal(hc.reqs[i].ptr,
				 ptep_to_machine(&ptes[i]) | MMU_NORMAL_PT_UPDATE);
		assert_int_equal(hc.reqs[i].val,
				 (VAL(i) & ~1ULL) | _PAGE_DIRTY | _PAGE_PRESENT);
	}
}

static void test_backend_selection(void **state)
{
	(void)state;
	assert_int_equal(pv_mmu_select("nonsense"), -EINVAL);
	assert_string_equal(pv_mmu_ops.name, "xen");
	xen_features[0] = 0;
	assert_int_equal(pv_mmu_select("xen"), -ENOSYS);
	assert_int_equal(pv_mmu_select("xen-nobatch"), -ENOSYS);
	assert_int_equal(pv_mmu_select("generic"), 0);
	assert_string_equal(pv_mmu_ops.name, "generic");
	/* Boot falls back to generic without PRESERVE_AD. */
	assert_int_equal(pv_mmu_select("xen-nobatch"), -ENOSYS);
	xen_mmu_init();
	assert_string_equal(pv_mmu_ops.name, "generic");
	xen_features[0] = 1u << XENFEAT_mmu_pt_update_preserve_ad;
	xen_mmu_init();
	assert_string_equal(pv_mmu_ops.name, "xen");
}

static void test_lazy_4096_requests(void **state)
{
	unsigned int i, cap = MAX_MMU;
	unsigned int bound = (4096 + cap - 1) / cap + 1;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 4096; i++)
		xen_mc_queue_mmu_update(MA(i), VAL(i), CALLER(i));
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_true(hc_hypercalls() <= bound);
	assert_int_equal(hc.nr_reqs, 4096);
	for (i = 0; i < 4096; i++)
		assert_req(i, i, true);
	print_message("4096 requests: %u hypercalls (bound %u)\n",
		      hc_hypercalls(), bound);
}

static void test_lazy_4096_commits_with_flushes(void **state)
{
	unsigned long start = 0x40000000UL;
	unsigned int i, cap = MAX_MMU;
	unsigned int bound = (4096 + cap - 1) / cap + 1;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 4096; i++)
		commit(i, VAL(i));
	flush_tlb_range(start, start + 4096 * PAGE_SIZE);
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_true(hc_hypercalls() <= bound);
	assert_int_equal(hc.nr_reqs, 4097);
	assert_int_equal(hc.reqs[4096].op, EXT);
}

static void test_per_vcpu_batches(void **state)
{
	struct mc_batch *b0 = xen_mc_batch(), *b1;

	(void)state;
	xen_mc_lazy_enter();
	q(0);
	host_cpu.cpu = 1;
	b1 = xen_mc_batch();
	assert_ptr_not_equal(b0, b1);
	assert_false(xen_mc_lazy_active());
	xen_mc_lazy_enter();
	q(1);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc.nr_reqs, 1);
	assert_req(0, 1, true);
	host_cpu.cpu = 0;
	assert_int_equal(b0->nr_entries, 1);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_req(1, 0, true);
}

/* ---- a lone update as update_va_mapping ---- */

#define UVM		__HYPERVISOR_update_va_mapping
/* Where request i is mapped: not page aligned, so that pages are compared. */
#define VA(i)		(0x7f0000000000UL + (unsigned long)(i) * PAGE_SIZE + 0x2a8)

/* Queue request i through the per-pte path, with va. */
static void qpte(unsigned int i, unsigned long va)
{
	assert_true(xen_mc_queue_pte_update(MA(i), VAL(i), va, CALLER(i)));
}

/* Call c is a direct update_va_mapping(va, val, flags), and its only request. */
static void assert_uvm(unsigned int c, unsigned long va, u64 val,
		       unsigned long flags)
{
	const struct hc_call *call;
	const struct hc_req *r;

	assert_true(c < hc.nr_calls);
	call = &hc.calls[c];
	assert_int_equal(call->op, UVM);
	assert_int_equal(call->parent, HC_NO_PARENT);
	assert_int_equal(call->args[0], va);
	assert_int_equal(call->args[1], val);
	assert_int_equal(call->args[2], flags);
	assert_int_equal(call->nr_req, 1);
	r = &hc.reqs[call->first_req];
	assert_int_equal(r->op, UVM);
	assert_false(r->in_multicall);
	assert_int_equal(r->ptr, va);
	assert_int_equal(r->val, val);
}

/* The batches went as before: no update_va_mapping, taken or refused. */
static void assert_no_uvm(void)
{
	unsigned int c;

	for (c = 0; c < hc.nr_calls; c++)
		assert_int_not_equal(hc.calls[c].op, UVM);
	assert_int_equal(mc->flush_uvm, 0);
	assert_int_equal(mc->uvm_refused, 0);
}

static void test_lone_update_uvm_none(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	assert_int_equal(mc->lone_va, VA(0));
	assert_int_equal(hc_hypercalls(), 0);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.nr_calls, 1);
	assert_int_equal(hc.nr_reqs, 1);
	assert_uvm(0, VA(0), VAL(0), UVMF_NONE);
	assert_true(hc.reqs[0].applied);
	assert_int_equal(mc->flushes, 1);
	assert_int_equal(mc->flush_uvm, 1);
	assert_int_equal(mc->uvm_invlpg, 0);
	assert_int_equal(mc->uvm_refused, 0);
	assert_int_equal(mc->flush_direct, 0);
	assert_int_equal(mc->flush_multicall, 0);
	assert_int_equal(hc.nr_multicalls, 0);
	assert_int_equal(hc.odd_calls, 0);
	assert_int_equal(mc->failures, 0);
	assert_int_equal(mc->nr_entries, 0);
	assert_int_equal(mc->args_used, 0);
	assert_int_equal(mc->lone_va, 0);
}

/* An INVLPG of the update's page rides with it; a callback runs after. */
static void lone_update_invlpg(unsigned int cmd, unsigned long flags)
{
	struct cb_seen s = { 0 };

	xen_mc_lazy_enter();
	qpte(0, VA(0));
	xen_mc_callback(cb_record, &s);
	/* The same page, another offset in it. */
	qext(cmd, VA(0) & PAGE_MASK, 9);
	assert_int_equal(mc->nr_entries, 2);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.nr_calls, 1);
	assert_int_equal(hc.nr_reqs, 1);
	assert_uvm(0, VA(0), VAL(0), flags);
	assert_true(hc.reqs[0].applied);
	assert_int_equal(mc->flush_uvm, 1);
	assert_int_equal(mc->uvm_invlpg, 1);
	assert_int_equal(mc->uvm_refused, 0);
	assert_int_equal(mc->flushes, 1);
	assert_int_equal(hc.nr_multicalls, 0);
	assert_int_equal(hc.sub_calls[EXT], 0);
	assert_int_equal(s.runs, 1);
	assert_int_equal(s.calls, 1);
}

static void test_lone_update_invlpg_local(void **state)
{
	(void)state;
	lone_update_invlpg(MMUEXT_INVLPG_LOCAL, UVMF_INVLPG | UVMF_LOCAL);
}

static void test_lone_update_invlpg_all(void **state)
{
	(void)state;
	lone_update_invlpg(MMUEXT_INVLPG_ALL, UVMF_INVLPG | UVMF_ALL);
}

/* Explicit flushes and lone_va: taken by each batch on its own. */
static void test_lone_update_per_flush(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	assert_int_equal(xen_mc_flush(), 0);
	assert_int_equal(mc->lone_va, 0);
	/* The next batch's first request has no va: as before. */
	q(1);
	assert_int_equal(xen_mc_flush(), 0);
	qpte(2, VA(2));
	qext(MMUEXT_INVLPG_LOCAL, VA(2), 9);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 3);
	assert_uvm(0, VA(0), VAL(0), UVMF_NONE);
	assert_int_equal(hc.calls[1].op, MMU);
	assert_int_equal(hc.calls[1].count, 1);
	assert_req(1, 1, true);
	assert_uvm(2, VA(2), VAL(2), UVMF_INVLPG | UVMF_LOCAL);
	assert_int_equal(mc->flush_uvm, 2);
	assert_int_equal(mc->uvm_invlpg, 1);
	assert_int_equal(mc->uvm_refused, 0);
	assert_int_equal(mc->flush_direct, 1);
	assert_int_equal(mc->flushes, 3);
}

/* A request that opens a batch because the last one was full may go alone. */
static void test_lone_update_after_full_flush(void **state)
{
	unsigned int i;

	(void)state;
	xen_mc_lazy_enter();
	for (i = 0; i < MAX_MMU; i++)
		qpte(i, VA(i));
	assert_int_equal(hc_hypercalls(), 0);
	qpte(MAX_MMU, VA(MAX_MMU));
	assert_int_equal(mc->flush_full, 1);
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.calls[0].op, MMU);
	assert_int_equal(hc.calls[0].count, MAX_MMU);
	assert_int_equal(mc->lone_va, VA(MAX_MMU));
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 2);
	assert_uvm(1, VA(MAX_MMU), VAL(MAX_MMU), UVMF_NONE);
	assert_int_equal(hc.nr_reqs, MAX_MMU + 1);
}

static void test_lone_not_va0(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	qpte(0, 0);
	assert_int_equal(xen_mc_flush(), 0);
	qpte(1, 0);
	qext(MMUEXT_INVLPG_LOCAL, 0, 9);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_no_uvm();
	assert_int_equal(hc_hypercalls(), 2);
	assert_int_equal(hc.calls[0].op, MMU);
	assert_int_equal(hc.calls[0].count, 1);
	assert_req(0, 0, true);
	assert_int_equal(hc.calls[1].op, MULTI);
	assert_int_equal(hc.calls[1].count, 2);
	assert_req(1, 1, true);
	assert_int_equal(hc.reqs[2].op, EXT);
	assert_int_equal(mc->flush_direct, 1);
	assert_int_equal(mc->flush_multicall, 1);
}

static void test_lone_not_two_requests(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	qpte(1, VA(1));
	assert_int_equal(xen_mc_flush(), 0);
	/* Nor with the INVLPG of the first page behind them. */
	qpte(2, VA(2));
	qpte(3, VA(2));
	qext(MMUEXT_INVLPG_LOCAL, VA(2), 9);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_no_uvm();
	assert_int_equal(hc_hypercalls(), 2);
	assert_int_equal(hc.calls[0].op, MMU);
	assert_int_equal(hc.calls[0].count, 2);
	assert_int_equal(hc.calls[1].op, MULTI);
	assert_int_equal(hc.nr_reqs, 5);
	assert_req(0, 0, true);
	assert_req(1, 1, true);
	assert_req(2, 2, true);
	assert_req(3, 3, true);
}

static void test_lone_not_other_page(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	qext(MMUEXT_INVLPG_LOCAL, VA(0) + PAGE_SIZE, 9);
	assert_int_equal(xen_mc_flush(), 0);
	/* A page that differs only far up. */
	qpte(1, VA(1));
	qext(MMUEXT_INVLPG_ALL, VA(1) ^ (1UL << 40), 9);
	assert_int_equal(xen_mc_flush(), 0);
	/* The page just below. */
	qpte(2, VA(2));
	qext(MMUEXT_INVLPG_LOCAL, (VA(2) & PAGE_MASK) - 1, 9);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_no_uvm();
	assert_int_equal(hc_hypercalls(), 3);
	assert_int_equal(hc.nr_multicalls, 3);
	assert_int_equal(hc.nr_reqs, 6);
	assert_req(0, 0, true);
	assert_int_equal(hc.reqs[1].ext.arg1.linear_addr, VA(0) + PAGE_SIZE);
	assert_req(2, 1, true);
	assert_req(4, 2, true);
}

/* A full flush, or any other mmuext_op, is no INVLPG of the page. */
static void test_lone_not_full_tlb_flush(void **state)
{
	static const unsigned int cmds[] = {
		MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_TLB_FLUSH_ALL,
		MMUEXT_INVLPG_MULTI, MMUEXT_PIN_L1_TABLE,
	};
	unsigned int i;

	(void)state;
	xen_mc_lazy_enter();
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		qpte(i, VA(i));
		qext(cmds[i], VA(i), 9);
		assert_int_equal(xen_mc_flush(), 0);
		assert_int_equal(hc.calls[hc.nr_calls - 3].op, MULTI);
		assert_int_equal(hc.reqs[hc.nr_reqs - 1].ext.cmd, cmds[i]);
	}
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_no_uvm();
	assert_int_equal(hc.nr_multicalls, ARRAY_SIZE(cmds));
	assert_int_equal(hc.nr_reqs, 2 * ARRAY_SIZE(cmds));
}

static void test_lone_not_three_entries(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	qext(MMUEXT_INVLPG_LOCAL, VA(0), 9);
	q(1);
	assert_int_equal(mc->nr_entries, 3);
	assert_int_equal(xen_mc_flush(), 0);
	/* Two INVLPGs of the page: one entry, two ops. */
	qpte(2, VA(2));
	qext(MMUEXT_INVLPG_LOCAL, VA(2), 9);
	qext(MMUEXT_INVLPG_LOCAL, VA(2), 10);
	assert_int_equal(mc->nr_entries, 2);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_no_uvm();
	assert_int_equal(hc_hypercalls(), 2);
	assert_int_equal(hc.calls[0].op, MULTI);
	assert_int_equal(hc.calls[0].count, 3);
	assert_int_equal(hc.nr_multicalls, 2);
	assert_int_equal(hc.nr_reqs, 6);
	assert_req(0, 0, true);
	assert_req(2, 1, true);
	assert_req(3, 2, true);
}

/* xen_mc_queue_mmu_update gives no va; nor does a request behind another. */
static void test_lone_not_queue_mmu_update(void **state)
{
	(void)state;
	xen_mc_lazy_enter();
	q(0);
	assert_int_equal(mc->lone_va, 0);
	assert_int_equal(xen_mc_flush(), 0);
	q(1);
	qext(MMUEXT_INVLPG_LOCAL, VA(1), 9);
	assert_int_equal(xen_mc_flush(), 0);
	/* A va on a request that extends the entry is not the first one's. */
	q(2);
	qpte(3, VA(3));
	assert_int_equal(mc->entries[0].args[1], 2);
	assert_int_equal(mc->lone_va, 0);
	assert_int_equal(xen_mc_flush(), 0);
	/* A request behind an mmuext_op is no lone update either. */
	qext(MMUEXT_INVLPG_LOCAL, VA(4), 9);
	qpte(4, VA(4));
	assert_int_equal(mc->lone_va, 0);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_no_uvm();
	assert_int_equal(hc_hypercalls(), 4);
	assert_int_equal(hc.calls[0].op, MMU);
	assert_int_equal(hc.calls[1].op, MULTI);
	assert_int_equal(hc.calls[4].op, MMU);
	assert_int_equal(hc.calls[4].count, 2);
	assert_int_equal(hc.calls[5].op, MULTI);
	assert_req(0, 0, true);
	assert_req(1, 1, true);
	assert_req(3, 2, true);
	assert_req(4, 3, true);
	assert_req(6, 4, true);
}

/* Where the per-pte path refuses, it remembers nothing. */
static void test_lone_refused_pte_update_sets_nothing(void **state)
{
	(void)state;
	assert_false(xen_mc_queue_pte_update(MA(0), VAL(0), VA(0), CALLER(0)));
	assert_int_equal(mc->lone_va, 0);
	assert_int_equal(mc->nr_entries, 0);
	/* Queued outside a lazy section, without va: as before. */
	q(1);
	assert_int_equal(xen_mc_flush(), 0);
	assert_no_uvm();
	assert_int_equal(hc.calls[0].op, MMU);

	xen_mc_lazy_enter();
	qpte(2, VA(2));
	host_cpu.fault_depth = 1;
	assert_false(xen_mc_queue_pte_update(MA(3), VAL(3), VA(3), CALLER(3)));
	set_pte_at(VA(4), &ptes[4], __pte(VAL(4)));
	host_cpu.fault_depth = 0;
	assert_int_equal(mc->lone_va, VA(2));
	assert_int_equal(mc->entries[0].args[1], 1);
	/* The fault's update went at once, as an mmu_update. */
	assert_int_equal(hc_hypercalls(), 2);
	assert_int_equal(hc.calls[1].op, MMU);
	assert_int_equal(hc.reqs[1].ptr, ptep_to_machine(&ptes[4]));
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 3);
	assert_uvm(2, VA(2), VAL(2), UVMF_NONE);
}

/*
 * Refused, the update_va_mapping changed nothing and is no failure: the
 * batch then goes as queued, here a direct mmu_update, which Xen takes.
 */
static void test_lone_refused_then_direct(void **state)
{
	unsigned int printks = host_printks;
	struct cb_seen s = { 0 };

	(void)state;
	hc_fail_at(0, -EINVAL);
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	xen_mc_callback(cb_record, &s);
	assert_int_equal(xen_mc_flush(), 0);
	assert_int_equal(hc_hypercalls(), 2);
	assert_int_equal(hc.nr_calls, 2);
	assert_int_equal(hc.nr_reqs, 2);
	assert_uvm(0, VA(0), VAL(0), UVMF_NONE);
	assert_false(hc.reqs[0].applied);
	assert_int_equal(hc.calls[0].ret, -EINVAL);
	/* The same request, as queued. */
	assert_int_equal(hc.calls[1].op, MMU);
	assert_int_equal(hc.calls[1].parent, HC_NO_PARENT);
	assert_int_equal(hc.calls[1].count, 1);
	assert_int_equal(hc.calls[1].args[3], DOMID_SELF);
	assert_req(1, 0, true);
	assert_false(hc.reqs[1].in_multicall);
	assert_int_equal(hc.calls[1].ret, 0);
	/* Nothing reported. */
	assert_int_equal(mc->failures, 0);
	assert_int_equal(mc->nr_log, 0);
	assert_int_equal(host_printks, printks);
	assert_int_equal(mc->uvm_refused, 1);
	assert_int_equal(mc->flush_uvm, 0);
	assert_int_equal(mc->flush_direct, 1);
	assert_int_equal(mc->flush_multicall, 0);
	assert_int_equal(mc->flushes, 1);
	assert_int_equal(hc.odd_calls, 0);
	assert_int_equal(s.runs, 1);
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.reqs, 2);
	assert_int_equal(mc->nr_entries, 0);
	assert_int_equal(mc->lone_va, 0);
	/* Nor is it the section's error; the next lone update goes as one. */
	qpte(1, VA(1));
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 3);
	assert_uvm(2, VA(1), VAL(1), UVMF_NONE);
	assert_true(hc.reqs[2].applied);
	assert_int_equal(mc->flush_uvm, 1);
	assert_int_equal(mc->uvm_refused, 1);
	assert_int_equal(mc->failures, 0);
}

/*
 * Refused with its INVLPG: the batch goes as queued, a multicall of the
 * mmu_update and the mmuext_op, one request each; callbacks after it.
 */
static void lone_refused_invlpg(unsigned int cmd, unsigned long flags)
{
	const struct multicall_entry *e;
	struct cb_seen s = { 0 };

	hc_fail_at(0, -EPERM);
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	qext(cmd, VA(0), 77);
	xen_mc_callback(cb_record, &s);
	assert_int_equal(xen_mc_lazy_leave(), 0);
	assert_int_equal(hc_hypercalls(), 2);
	assert_uvm(0, VA(0), VAL(0), flags);
	assert_false(hc.reqs[0].applied);
	assert_int_equal(hc.calls[1].op, MULTI);
	assert_int_equal(hc.calls[1].count, 2);
	e = hc.calls[1].copy;
	assert_int_equal(e[0].op, MMU);
	assert_int_equal(e[0].args[1], 1);
	assert_int_equal(e[1].op, EXT);
	assert_int_equal(e[1].args[1], 1);
	assert_int_equal(hc.nr_calls, 4);
	assert_int_equal(hc.calls[2].parent, 1);
	assert_int_equal(hc.calls[3].parent, 1);
	/* The update, then its INVLPG, as queued. */
	assert_int_equal(hc.nr_reqs, 3);
	assert_req(1, 0, true);
	assert_true(hc.reqs[1].in_multicall);
	assert_int_equal(hc.reqs[2].op, EXT);
	assert_true(hc.reqs[2].in_multicall);
	assert_int_equal(hc.reqs[2].ext.cmd, cmd);
	assert_int_equal(hc.reqs[2].ext.arg1.linear_addr, VA(0));
	assert_true(hc.reqs[2].applied);
	assert_int_equal(hc.sub_calls[MMU], 1);
	assert_int_equal(hc.sub_calls[EXT], 1);
	assert_int_equal(mc->failures, 0);
	assert_int_equal(mc->nr_log, 0);
	assert_int_equal(mc->uvm_refused, 1);
	assert_int_equal(mc->flush_uvm, 0);
	assert_int_equal(mc->flush_multicall, 1);
	assert_int_equal(mc->flush_direct, 0);
	assert_int_equal(mc->flushes, 1);
	assert_int_equal(hc.odd_calls, 0);
	assert_int_equal(s.runs, 1);
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.reqs, 3);
}

static void test_lone_refused_invlpg_local_multicall(void **state)
{
	(void)state;
	lone_refused_invlpg(MMUEXT_INVLPG_LOCAL, UVMF_INVLPG | UVMF_LOCAL);
}

static void test_lone_refused_invlpg_all_multicall(void **state)
{
	(void)state;
	lone_refused_invlpg(MMUEXT_INVLPG_ALL, UVMF_INVLPG | UVMF_ALL);
}

/* Fail request i in any form: mmu_update or update_va_mapping of VAL(i). */
static int fail_val(const struct hc_req *r, void *data)
{
	const unsigned int *i = data;

	return (r->op == MMU || r->op == UVM) && r->val == VAL(*i) ? -EINVAL : 0;
}

static void assert_failure_of(const struct mc_failure *f, unsigned int i,
			      int err)
{
	assert_int_equal(f->op, MMU);
	assert_int_equal(f->err, err);
	assert_int_equal(f->ptr, MA(i));
	assert_int_equal(f->val, VAL(i));
	assert_int_equal(f->caller, CALLER(i));
}

/*
 * Refused in any form: reported once, by the direct mmu_update, as such;
 * its error returned, and the section's.
 */
static void test_lone_refused_twice_reported(void **state)
{
	unsigned int bad = 0;

	(void)state;
	hc_fail_if(fail_val, &bad);
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	assert_int_equal(xen_mc_flush(), -EINVAL);
	assert_int_equal(hc_hypercalls(), 2);
	assert_uvm(0, VA(0), VAL(0), UVMF_NONE);
	assert_false(hc.reqs[0].applied);
	assert_int_equal(hc.calls[1].op, MMU);
	assert_int_equal(hc.calls[1].parent, HC_NO_PARENT);
	assert_int_equal(hc.calls[1].count, 1);
	assert_req(1, 0, false);
	assert_int_equal(mc->failures, 1);
	assert_int_equal(mc->nr_log, 1);
	assert_failure_of(last_failure(), 0, -EINVAL);
	assert_non_null(strstr(host_printk_last, "mmu_update failed"));
	assert_int_equal(mc->uvm_refused, 1);
	assert_int_equal(mc->flush_uvm, 0);
	assert_int_equal(mc->flush_direct, 1);
	qpte(1, VA(1));
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	assert_int_equal(hc_hypercalls(), 3);
	assert_uvm(2, VA(1), VAL(1), UVMF_NONE);
	assert_true(hc.reqs[2].applied);
	assert_int_equal(mc->flush_uvm, 1);
	assert_int_equal(mc->uvm_refused, 1);
	assert_int_equal(mc->failures, 1);
}

/*
 * ... and with its INVLPG: the update reported once, by the multicall,
 * the INVLPG still issued after it there, callbacks after both.
 */
static void test_lone_refused_twice_invlpg_still_issued(void **state)
{
	unsigned int bad = 0;
	struct cb_seen s = { 0 };

	(void)state;
	hc_fail_if(fail_val, &bad);
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	qext(MMUEXT_INVLPG_LOCAL, VA(0), 77);
	xen_mc_callback(cb_record, &s);
	assert_int_equal(xen_mc_flush(), -EINVAL);
	assert_int_equal(hc_hypercalls(), 2);
	assert_uvm(0, VA(0), VAL(0), UVMF_INVLPG | UVMF_LOCAL);
	assert_false(hc.reqs[0].applied);
	assert_int_equal(hc.calls[1].op, MULTI);
	assert_int_equal(hc.calls[1].count, 2);
	assert_int_equal(hc.nr_reqs, 3);
	assert_req(1, 0, false);
	assert_true(hc.reqs[1].in_multicall);
	assert_int_equal(hc.reqs[1].err, -EINVAL);
	assert_int_equal(hc.reqs[2].op, EXT);
	assert_true(hc.reqs[2].in_multicall);
	assert_int_equal(hc.reqs[2].ext.cmd, MMUEXT_INVLPG_LOCAL);
	assert_int_equal(hc.reqs[2].ext.arg1.linear_addr, VA(0));
	assert_true(hc.reqs[2].applied);
	assert_int_equal(mc->failures, 1);
	assert_int_equal(mc->nr_log, 1);
	assert_failure_of(last_failure(), 0, -EINVAL);
	assert_int_equal(mc->uvm_refused, 1);
	assert_int_equal(mc->flush_uvm, 0);
	assert_int_equal(mc->flush_multicall, 1);
	assert_int_equal(mc->flushes, 1);
	assert_int_equal(s.runs, 1);
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.reqs, 3);
	assert_int_equal(xen_mc_lazy_leave(), -EINVAL);
	assert_int_equal(hc_hypercalls(), 2);
}

/*
 * Refused, then the update taken but its INVLPG failing: the INVLPG is
 * reported and its error returned, not the refusal's.
 */
static void test_lone_refused_then_invlpg_fails(void **state)
{
	const struct mc_failure *f;

	(void)state;
	hc_fail_at(0, -EINVAL);
	hc_fail_at(2, -EBUSY);
	xen_mc_lazy_enter();
	qpte(0, VA(0));
	qext(MMUEXT_INVLPG_LOCAL, VA(0), 77);
	assert_int_equal(xen_mc_flush(), -EBUSY);
	assert_int_equal(hc_hypercalls(), 2);
	assert_uvm(0, VA(0), VAL(0), UVMF_INVLPG | UVMF_LOCAL);
	assert_int_equal(hc.calls[1].op, MULTI);
	assert_int_equal(hc.nr_reqs, 3);
	assert_req(1, 0, true);
	assert_int_equal(hc.reqs[2].ext.cmd, MMUEXT_INVLPG_LOCAL);
	assert_false(hc.reqs[2].applied);
	assert_int_equal(mc->failures, 1);
	assert_int_equal(mc->nr_log, 1);
	f = last_failure();
	assert_int_equal(f->op, EXT);
	assert_int_equal(f->err, -EBUSY);
	assert_int_equal(f->ptr, MMUEXT_INVLPG_LOCAL);
	assert_int_equal(f->caller, 77);
	assert_int_equal(mc->uvm_refused, 1);
	assert_int_equal(mc->flush_uvm, 0);
	assert_int_equal(xen_mc_lazy_leave(), -EBUSY);
	assert_int_equal(hc_hypercalls(), 2);
}

/* ---- mmu.c: which updates may go as update_va_mapping ---- */

#define COMMIT_ADDR(i)	(0x40000000UL + (unsigned long)(i) * PAGE_SIZE)

/* xen backend: alone in its section, a commit of a pte that had A and D. */
static void test_commit_xen_lone_ad_uvm(void **state)
{
	u64 newval = 0x5000 | _PAGE_PRESENT;

	(void)state;
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW | _PAGE_AD);
	arch_enter_lazy_mmu_mode();
	commit(0, newval);
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(hc_hypercalls(), 1);
	assert_uvm(0, COMMIT_ADDR(0), newval | _PAGE_AD, UVMF_NONE);
	/* start left the pte as it was: Xen writes it. */
	assert_int_equal(pte_val(ptes[0]), 0x5000 | _PAGE_PRESENT | _PAGE_RW | _PAGE_AD);
}

/* The same with its flush (mprotect of one page): one update_va_mapping. */
static void test_commit_xen_lone_ad_with_flush(void **state)
{
	(void)state;
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW | _PAGE_AD);
	ptes[1] = ptes[0];
	arch_enter_lazy_mmu_mode();
	commit(0, 0x5000 | _PAGE_PRESENT);
	flush_tlb_range(COMMIT_ADDR(0), COMMIT_ADDR(1));
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	/* Another vCPU busy: the flush is for all of them. */
	nr_cpus_online = 2;
	arch_enter_lazy_mmu_mode();
	commit(1, 0x5000 | _PAGE_PRESENT);
	flush_tlb_range(COMMIT_ADDR(1), COMMIT_ADDR(2));
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(hc_hypercalls(), 2);
	assert_uvm(0, COMMIT_ADDR(0), 0x5000 | _PAGE_PRESENT | _PAGE_AD,
		   UVMF_INVLPG | UVMF_LOCAL);
	assert_uvm(1, COMMIT_ADDR(1), 0x5000 | _PAGE_PRESENT | _PAGE_AD,
		   UVMF_INVLPG | UVMF_ALL);
	assert_int_equal(mc->flush_uvm, 2);
	assert_int_equal(mc->uvm_refused, 0);
}

/*
 * Refused, the commit goes as it was queued: the PRESERVE_AD mmu_update,
 * with A and D in val, and then its flush.
 */
static void test_commit_xen_lone_refused_as_queued(void **state)
{
	u64 newval = 0x5000 | _PAGE_PRESENT | _PAGE_AD;

	(void)state;
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW | _PAGE_AD);
	hc_fail_at(0, -EINVAL);
	arch_enter_lazy_mmu_mode();
	commit(0, 0x5000 | _PAGE_PRESENT);
	flush_tlb_range(COMMIT_ADDR(0), COMMIT_ADDR(1));
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(hc_hypercalls(), 2);
	assert_uvm(0, COMMIT_ADDR(0), newval, UVMF_INVLPG | UVMF_LOCAL);
	assert_false(hc.reqs[0].applied);
	assert_int_equal(hc.calls[1].op, MULTI);
	assert_int_equal(hc.nr_reqs, 3);
	assert_int_equal(hc.reqs[1].op, MMU);
	assert_int_equal(hc.reqs[1].ptr,
			 ptep_to_machine(&ptes[0]) | MMU_PT_UPDATE_PRESERVE_AD);
	assert_int_equal(hc.reqs[1].val, newval);
	assert_true(hc.reqs[1].applied);
	assert_int_equal(hc.reqs[2].op, EXT);
	assert_int_equal(hc.reqs[2].ext.cmd, MMUEXT_INVLPG_LOCAL);
	assert_int_equal(hc.reqs[2].ext.arg1.linear_addr, COMMIT_ADDR(0));
	assert_int_equal(mc->failures, 0);
	assert_int_equal(mc->uvm_refused, 1);
	assert_int_equal(mc->flush_uvm, 0);
}

/* Only A, only D, or neither: the hardware may still set one, so PRESERVE_AD. */
static void test_commit_xen_lone_without_ad(void **state)
{
	static const u64 olds[] = { _PAGE_ACCESSED, _PAGE_DIRTY, 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(olds); i++) {
		ptes[i] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW | olds[i]);
		arch_enter_lazy_mmu_mode();
		commit(i, 0x5000 | _PAGE_PRESENT);
		assert_int_equal(mc->lone_va, 0);
		assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
		assert_int_equal(hc_hypercalls(), i + 1);
		assert_int_equal(hc.calls[i].op, MMU);
		assert_int_equal(hc.calls[i].count, 1);
		assert_int_equal(hc.reqs[i].ptr,
				 ptep_to_machine(&ptes[i]) | MMU_PT_UPDATE_PRESERVE_AD);
		assert_int_equal(hc.reqs[i].val, 0x5000 | _PAGE_PRESENT);
	}
	/* With its flush too: a multicall, as before. */
	ptes[3] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY);
	arch_enter_lazy_mmu_mode();
	commit(3, 0x5000 | _PAGE_PRESENT);
	flush_tlb_range(COMMIT_ADDR(3), COMMIT_ADDR(4));
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(hc.calls[3].op, MULTI);
	assert_no_uvm();
}

/* xen-nobatch: one mmu_update per pte, A and D or not. */
static void test_commit_xen_nobatch_never_uvm(void **state)
{
	(void)state;
	assert_int_equal(pv_mmu_select("xen-nobatch"), 0);
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW | _PAGE_AD);
	arch_enter_lazy_mmu_mode();
	commit(0, 0x5000 | _PAGE_PRESENT);
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_no_uvm();
	assert_int_equal(hc_hypercalls(), 1);
	assert_int_equal(hc.reqs[0].ptr,
			 ptep_to_machine(&ptes[0]) | MMU_PT_UPDATE_PRESERVE_AD);
	assert_int_equal(hc.reqs[0].val, 0x5000 | _PAGE_PRESENT);
}

/* generic backend: the set is MMU_NORMAL_PT_UPDATE, so always eligible. */
static void test_commit_generic_lone_uvm(void **state)
{
	u64 ptwr = this_hcstat()->ptwr;
	pte_t old;

	(void)state;
	assert_int_equal(pv_mmu_select("generic"), 0);
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW);
	arch_enter_lazy_mmu_mode();
	old = ptep_modify_prot_start(COMMIT_ADDR(0), &ptes[0]);
	ptep_modify_prot_commit(COMMIT_ADDR(0), &ptes[0], old,
				pte_modify(old, PAGE_KERNEL_RO));
	flush_tlb_range(COMMIT_ADDR(0), COMMIT_ADDR(1));
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	assert_int_equal(this_hcstat()->ptwr, ptwr + 1);
	assert_int_equal(hc_hypercalls(), 1);
	assert_uvm(0, COMMIT_ADDR(0), 0x5000 | _PAGE_PRESENT,
		   UVMF_INVLPG | UVMF_LOCAL);
}

/* set_pte_at alone in a section; outside one it is an mmu_update at once. */
static void test_set_pte_at_lone_uvm(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	set_pte_at(COMMIT_ADDR(0), &ptes[0], __pte(VAL(0)));
	assert_int_equal(arch_leave_lazy_mmu_mode(), 0);
	set_pte_at(COMMIT_ADDR(1), &ptes[1], __pte(VAL(1)));
	assert_int_equal(hc_hypercalls(), 2);
	assert_uvm(0, COMMIT_ADDR(0), VAL(0), UVMF_NONE);
	assert_int_equal(hc.calls[1].op, MMU);
	assert_int_equal(hc.reqs[1].ptr,
			 ptep_to_machine(&ptes[1]) | MMU_NORMAL_PT_UPDATE);
	assert_int_equal(mc->flush_uvm, 1);
	assert_int_equal(mc->uvm_refused, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_merge_consecutive_mmu_updates),
		T(test_merge_consecutive_mmuext),
		T(test_no_merge_across_other_op),
		T(test_capacity_entries),
		T(test_capacity_arg_bytes),
		T(test_capacity_arg_bytes_mixed),
		T(test_flush_on_lazy_leave),
		T(test_flush_explicit),
		T(test_one_entry_is_direct),
		T(test_multicall_subcall_accounting),
		T(test_callback_after_flush),
		T(test_callback_overflow_flushes),
		T(test_callback_runs_on_full_flush),
		T(test_recovery_rest_reissued),
		T(test_recovery_several_failures),
		T(test_recovery_last_request),
		T(test_recovery_bogus_done),
		T(test_flush_returns_error),
		T(test_full_flush_error_not_lost),
		T(test_multicall_failing_subcall_continues),
		T(test_multicall_recovery_reissues_rest),
		T(test_multicall_recovery_flush_follows_updates),
		T(test_multicall_recovery_reflush_fails),
		T(test_failure_log_wraps),
		T(test_lazy_nested_enter_panics),
		T(test_lazy_leave_without_enter_panics),
		T(test_lazy_enter_from_fault_panics),
		T(test_lazy_leave_from_fault_panics),
		T(test_lazy_enter_with_queued_panics),
		T(test_select_inside_lazy_panics),
		T(test_fault_update_is_direct),
		T(test_tlb_flush_queued_after_updates),
		T(test_tlb_flush_kinds),
		T(test_commit_xen_batched_preserve_ad),
		T(test_commit_xen_nobatch_immediate),
		T(test_commit_generic_clear_then_normal),
		T(test_backend_selection),
		T(test_lazy_4096_requests),
		T(test_lazy_4096_commits_with_flushes),
		T(test_per_vcpu_batches),
		T(test_lone_update_uvm_none),
		T(test_lone_update_invlpg_local),
		T(test_lone_update_invlpg_all),
		T(test_lone_update_per_flush),
		T(test_lone_update_after_full_flush),
		T(test_lone_not_va0),
		T(test_lone_not_two_requests),
		T(test_lone_not_other_page),
		T(test_lone_not_full_tlb_flush),
		T(test_lone_not_three_entries),
		T(test_lone_not_queue_mmu_update),
		T(test_lone_refused_pte_update_sets_nothing),
		T(test_lone_refused_then_direct),
		T(test_lone_refused_invlpg_local_multicall),
		T(test_lone_refused_invlpg_all_multicall),
		T(test_lone_refused_twice_reported),
		T(test_lone_refused_twice_invlpg_still_issued),
		T(test_lone_refused_then_invlpg_fails),
		T(test_commit_xen_lone_ad_uvm),
		T(test_commit_xen_lone_ad_with_flush),
		T(test_commit_xen_lone_refused_as_queued),
		T(test_commit_xen_lone_without_ad),
		T(test_commit_xen_nobatch_never_uvm),
		T(test_commit_generic_lone_uvm),
		T(test_set_pte_at_lone_uvm),
	};

	return cmocka_run_group_tests_name("batching", tests, NULL, NULL);
}

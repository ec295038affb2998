// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of recovery after a refused request, against a double that
 * treats multicall entries as Xen does (issue 11): only each entry's
 * result is promised after the call; a preempted sub-call leaves its
 * continuation in its entry; debug Xen clobbers the rest.
 *
 * Until the batching layer is rebuilt these fail on purpose: they show
 * the two defects of issue 11.
 *  - test_refused_after_preemption, test_refused_under_clobber,
 *    test_refused_with_deferred_put: recovery reads op/args back from
 *    the entries (defect 1);
 *  - test_recovery_keeps_last_write: recovery re-issues the rest of a
 *    refused entry after the later entries ran (defect 2).
 * The *_control tests are the same checks on batches today's code
 * recovers correctly (entries intact, nothing later to reorder): they
 * pass, so the checks can.
 */
/* The guest's headers first: glibc's redefine what they share. */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/paravirt.h>
#include <asm/xen/multicalls.h>
#include "mc-double.h"
#include "mc-support.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define MMU	__HYPERVISOR_mmu_update
#define EXT	__HYPERVISOR_mmuext_op

#define MA(i)		(0x100000ULL + (u64)(i) * 8)
#define VAL(i)		(((u64)(i) << 12) | 1)
#define CALLER(i)	(0xc0de0000UL + (i))
#define EXT_CALLER	77UL

/* More top-level hypercalls than any recovery of these batches needs. */
#define RUNAWAY		16

#define expect(cond, ...)						\
	do {								\
		if (!(cond))						\
			fail_msg(__VA_ARGS__);				\
	} while (0)

static struct mc_batch *mc;

static void q(unsigned int i)
{
	xen_mc_queue_mmu_update(MA(i) | MMU_NORMAL_PT_UPDATE, VAL(i),
				CALLER(i));
}

static void qext(unsigned int cmd)
{
	struct mmuext_op op = { .cmd = cmd };

	xen_mc_queue_mmuext(&op, EXT_CALLER);
}

static const struct mc_failure *last_failure(void)
{
	expect(mc->nr_log > 0, "no failure was logged");
	return &mc->log[(mc->nr_log - 1) % MC_FAILURE_LOG];
}

static void unexpected_panic(const char *msg)
{
	fail_msg("unexpected panic: %s", msg);
}

/*
 * Stop a recovery that does not converge (a count Xen cannot read, or
 * many more hypercalls than the batch needs), saying what it issued and
 * what it logged so far.
 */
static void runaway_hook(unsigned int op)
{
	const struct hc_call *c = &hc.calls[hc.nr_calls - 1];
	const struct mc_failure *f = mc->nr_log ?
		&mc->log[(mc->nr_log - 1) % MC_FAILURE_LOG] : NULL;

	if (hc_hypercalls() <= RUNAWAY && !(c->args[1] & 0x80000000ul) &&
	    c->args[1] <= HC_WILD_COUNT)
		return;
	fail_msg("runaway recovery: top-level call %u (op %u) has count %#lx; "
		 "failures logged %llu, the last op %u ptr %#llx val %#llx",
		 hc_hypercalls(), op, c->args[1],
		 (unsigned long long)mc->failures, f ? f->op : 0,
		 f ? (unsigned long long)f->ptr : 0ULL,
		 f ? (unsigned long long)f->val : 0ULL);
}

static int setup(void **state)
{
	(void)state;
	hc_reset();
	host_cpu.cpu = 0;
	host_cpu.fault_depth = 0;
	mc = xen_mc_batch();
	memset(mc, 0, sizeof(*mc));
	host_panic_hook = unexpected_panic;
	hc.hook = runaway_hook;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hc_reset();
	return 0;
}

/* Request i was presented to Xen exactly once. */
static void expect_once(unsigned int i)
{
	unsigned int r, seen = 0;

	for (r = 0; r < hc.nr_reqs; r++)
		seen += hc.reqs[r].op == MMU && (hc.reqs[r].ptr & ~7ULL) == MA(i);
	expect(seen == 1, "request %u presented %u times, not once", i, seen);
}

/*
 * The multicall [mmuext][q0..q5], q3 refused.  The refused request is
 * reported, and exactly q4, q5 are issued again, once, after the
 * multicall, each call with a count Xen can read.
 */
static void expect_q3_recovered(unsigned int multicall)
{
	const struct hc_call *m = &hc.calls[multicall];
	const struct mc_failure *f = last_failure();
	unsigned int c, r, after = m->first_req;

	expect(mc->failures == 1, "%llu failures logged, not 1",
	       (unsigned long long)mc->failures);
	expect(f->op == MMU, "failure logged for op %#x, not mmu_update", f->op);
	expect(f->ptr == MA(3), "refused request logged as ptr %#llx, not q3's %#llx",
	       (unsigned long long)f->ptr, (unsigned long long)MA(3));
	expect(f->val == VAL(3), "refused request logged as val %#llx, not q3's %#llx",
	       (unsigned long long)f->val, (unsigned long long)VAL(3));
	expect(f->caller == CALLER(3), "refused request logged with caller %#lx, not q3's",
	       f->caller);
	expect(hc.wild_counts == 0, "%u calls with a count Xen cannot read",
	       hc.wild_counts);
	for (c = 0; c < hc.nr_calls; c++)
		expect(hc.calls[c].count <= 7, "call %u has count %#x", c,
		       hc.calls[c].count);
	/* The multicall's own requests, then what recovery issued. */
	for (c = multicall + 1; c < hc.nr_calls; c++)
		if (hc.calls[c].parent == multicall)
			after = hc.calls[c].first_req + hc.calls[c].nr_req;
	expect(hc.nr_reqs - after == 2, "%u requests issued after the multicall, not 2 (q4, q5)",
	       hc.nr_reqs - after);
	for (r = after; r < hc.nr_reqs; r++) {
		unsigned int want = 4 + r - after;

		expect(hc.reqs[r].op == MMU && hc.reqs[r].ptr == MA(want),
		       "request %u after the multicall is op %u ptr %#llx, not q%u",
		       r - after, hc.reqs[r].op,
		       (unsigned long long)hc.reqs[r].ptr, want);
		expect(hc.reqs[r].applied, "q%u refused on re-issue", want);
	}
	for (r = 0; r < 6; r++)
		expect_once(r);
}

static void queue_ext_then_six(void)
{
	unsigned int i;

	xen_mc_lazy_enter();
	qext(MMUEXT_PIN_L1_TABLE);
	for (i = 0; i < 6; i++)
		q(i);
	expect(mc->nr_entries == 2, "%u entries queued, not 2", mc->nr_entries);
}

/* Defect 1: the entry holds its continuation when q3 is refused. */
static void test_refused_after_preemption(void **state)
{
	int rc;

	(void)state;
	hc_set_mode(HC_PREEMPT);
	hc_preempt_every(0, 1);		/* no rule but this one: */
	hc_preempt_at(3);		/* [ext=0][q0=1 q1=2 | q2=3 q3=4 ...] */
	hc_fail_at(4, -EINVAL);		/* q3, in the resumed part */
	queue_ext_then_six();
	rc = xen_mc_lazy_leave();
	expect(hc.preempted == 1 && hc.failed_after_preempt == 1,
	       "scenario: preempted %u, failed after preemption %u (want 1, 1)",
	       hc.preempted, hc.failed_after_preempt);
	expect(rc == -EINVAL, "lazy_leave returned %d, not -EINVAL", rc);
	expect_q3_recovered(0);
}

/* Defect 1 again: debug Xen leaves 0xAA in all but result. */
static void test_refused_under_clobber(void **state)
{
	int rc;

	(void)state;
	hc_set_mode(HC_CLOBBER);
	hc_fail_at(4, -EINVAL);		/* q3 */
	queue_ext_then_six();
	rc = xen_mc_lazy_leave();
	expect(hc.clobbered == 2, "scenario: %u entries clobbered, not 2",
	       hc.clobbered);
	expect(rc == -EINVAL, "lazy_leave returned %d, not -EINVAL", rc);
	expect_q3_recovered(0);
}

/*
 * Defect 1 once more: no preemption, but the entry ends with Xen's
 * deferred-put continuation { 0, PREEMPTED, 0, rc } (mc-double.h).
 * Last in the list: today's code dereferences the NULL it finds.
 */
static void test_refused_with_deferred_put(void **state)
{
	int rc;

	(void)state;
	hc_set_mode(HC_PREEMPT);
	hc_preempt_every(0, 1);
	hc.deferred_put = true;
	hc_fail_at(4, -EINVAL);		/* q3 */
	queue_ext_then_six();
	rc = xen_mc_lazy_leave();
	expect(hc.deferred_puts == 2, "scenario: %u deferred puts, not 2",
	       hc.deferred_puts);
	expect(rc == -EINVAL, "lazy_leave returned %d, not -EINVAL", rc);
	expect_q3_recovered(0);
}

/*
 * Control: the same batch with Xen leaving the entries intact.  Today's
 * recovery gets this right, so expect_q3_recovered() can pass.
 */
static void test_refused_intact_control(void **state)
{
	int rc;

	(void)state;
	hc_set_mode(HC_INTACT);
	hc_fail_at(4, -EINVAL);		/* q3 */
	queue_ext_then_six();
	rc = xen_mc_lazy_leave();
	expect(rc == -EINVAL, "lazy_leave returned %d, not -EINVAL", rc);
	expect_q3_recovered(0);
}

#define PTE_A	0x200000ULL	/* refused */
#define PTE_B	0x200008ULL
#define PTE_X	0x200010ULL
#define PTE_Y	0x200018ULL

static int refuse_a(const struct hc_req *r, void *data)
{
	(void)data;
	return r->op == MMU && (r->ptr & ~7ULL) == PTE_A ? -EINVAL : 0;
}

static void expect_pte(u64 ptr, const char *name, u64 want)
{
	u64 got = hc_mem_read(ptr);

	expect(hc_mem_written(ptr), "pte %s never written (last queued %#llx)",
	       name, (unsigned long long)want);
	expect(got == want, "pte %s holds %#llx, but the last value queued for it is %#llx",
	       name, (unsigned long long)got, (unsigned long long)want);
}

/*
 * Defect 2, in the run's mode: [B A X:=0x111 Y][flush][X:=0x222], A
 * refused.  Every pte holds the last value queued for it.
 */
static void test_recovery_keeps_last_write(void **state)
{
	int rc;

	(void)state;
	hc_fail_if(refuse_a, NULL);
	xen_mc_lazy_enter();
	xen_mc_queue_mmu_update(PTE_B | MMU_NORMAL_PT_UPDATE, 0x444, CALLER(1));
	xen_mc_queue_mmu_update(PTE_A | MMU_NORMAL_PT_UPDATE, 0x999, CALLER(2));
	xen_mc_queue_mmu_update(PTE_X | MMU_NORMAL_PT_UPDATE, 0x111, CALLER(3));
	xen_mc_queue_mmu_update(PTE_Y | MMU_NORMAL_PT_UPDATE, 0x333, CALLER(4));
	qext(MMUEXT_TLB_FLUSH_LOCAL);
	xen_mc_queue_mmu_update(PTE_X | MMU_NORMAL_PT_UPDATE, 0x222, CALLER(5));
	expect(mc->nr_entries == 3, "%u entries queued, not 3", mc->nr_entries);
	rc = xen_mc_lazy_leave();
	expect(rc == -EINVAL, "lazy_leave returned %d, not -EINVAL", rc);
	expect_pte(PTE_X, "X", 0x222);
	expect_pte(PTE_Y, "Y", 0x333);
	expect_pte(PTE_B, "B", 0x444);
	expect(!hc_mem_written(PTE_A), "refused pte A written: %#llx",
	       (unsigned long long)hc_mem_read(PTE_A));
	expect(last_failure()->ptr == PTE_A, "refused request logged as ptr %#llx, not A",
	       (unsigned long long)last_failure()->ptr);
}

/*
 * Control: nothing queued after the refused entry, entries intact.
 * Today's recovery gets this right, so expect_pte() can pass.
 */
static void test_last_write_control(void **state)
{
	int rc;

	(void)state;
	hc_set_mode(HC_INTACT);
	hc_fail_if(refuse_a, NULL);
	xen_mc_lazy_enter();
	qext(MMUEXT_TLB_FLUSH_LOCAL);
	xen_mc_queue_mmu_update(PTE_X | MMU_NORMAL_PT_UPDATE, 0x222, CALLER(5));
	xen_mc_queue_mmu_update(PTE_B | MMU_NORMAL_PT_UPDATE, 0x444, CALLER(1));
	xen_mc_queue_mmu_update(PTE_A | MMU_NORMAL_PT_UPDATE, 0x999, CALLER(2));
	xen_mc_queue_mmu_update(PTE_X | MMU_NORMAL_PT_UPDATE, 0x111, CALLER(3));
	xen_mc_queue_mmu_update(PTE_Y | MMU_NORMAL_PT_UPDATE, 0x333, CALLER(4));
	rc = xen_mc_lazy_leave();
	expect(rc == -EINVAL, "lazy_leave returned %d, not -EINVAL", rc);
	expect_pte(PTE_X, "X", 0x111);
	expect_pte(PTE_Y, "Y", 0x333);
	expect_pte(PTE_B, "B", 0x444);
	expect(!hc_mem_written(PTE_A), "refused pte A written: %#llx",
	       (unsigned long long)hc_mem_read(PTE_A));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_refused_after_preemption),
		T(test_refused_under_clobber),
		T(test_refused_intact_control),
		T(test_recovery_keeps_last_write),
		T(test_last_write_control),
		T(test_refused_with_deferred_put),
	};

	return cmocka_run_group_tests_name("recovery", tests, NULL, NULL);
}

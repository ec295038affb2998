// SPDX-License-Identifier: GPL-2.0
/*
 * What a refused request leads to (mmu.c's recovery): it is reported
 * (caller, pte machine address, value), every other request of its batch
 * is applied once, in queue order, the value left in every pte is the
 * last one queued for it, and every flush queued after an update is
 * applied after that update's final application.  Only flushes repeat.
 *
 * Includes the two defects of issue 11, as the double shows them:
 *  - test_refused_after_preemption, test_refused_with_deferred_put:
 *    recovery read the entries Xen was given (in preempt mode a
 *    continuation, in clobber mode 0xAA);
 *  - test_recovery_keeps_last_write: recovery re-issued the rest of a
 *    refused entry after later entries had already written its ptes.
 */
#include "test-common.h"

/* Index of the first request the double saw after top-level call c. */
static unsigned int reqs_after_call(unsigned int c)
{
	unsigned int k, end = hc.calls[c].first_req + hc.calls[c].nr_req;

	for (k = c + 1; k < hc.nr_calls && hc.calls[k].parent == c; k++)
		end = hc.calls[k].first_req + hc.calls[k].nr_req;
	return end;
}

/* The last applied request of op before index end (or -1). */
static int last_applied(unsigned int op, unsigned int end)
{
	int r, last = -1;

	for (r = 0; r < (int)end && r < (int)hc.nr_reqs; r++)
		if (hc.reqs[r].op == op && hc.reqs[r].applied)
			last = r;
	return last;
}

/* Every update of 0..n-1 but bad presented once, and applied. */
static void expect_all_once_but(unsigned int n, unsigned int bad)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		expect_eq(times_presented(i), 1, "request %u: times presented", i);
		expect_eq(times_applied(i), i != bad, "request %u: times applied", i);
	}
}

static void test_rest_reissued(void **state)
{
	(void)state;
	hc_fail_at(2, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (unsigned int i = 0; i < 6; i++)
		q(i);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(hc_hypercalls(), 2, "hypercalls");
	expect_eq(hc.calls[0].count, 6, "call 0: count");
	expect_eq(hc.calls[0].done, 2, "call 0: done");
	expect_eq(hc.calls[1].count, 3, "call 1 (the rest): count");
	expect_eq(hc.nr_reqs, 6, "requests presented");
	expect_all_once_but(6, 2);
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	expect_failure_of(0, 2, -EINVAL);
	expect_mode_exercised(EX_PREEMPT | EX_FAIL_AFTER);
}

static void test_first_request_refused(void **state)
{
	(void)state;
	hc_fail_at(0, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (unsigned int i = 0; i < 4; i++)
		q(i);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(hc.calls[1].count, 3, "call 1 (the rest): count");
	expect_all_once_but(4, 0);
}

static void test_last_request_refused(void **state)
{
	(void)state;
	hc_fail_at(2, -EINVAL);
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	q(2);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls: something issued after the last");
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	expect_failure_of(0, 2, -EINVAL);
}

/* A refusal in the re-issued rest: recovery goes on from there. */
static void test_several_failures(void **state)
{
	(void)state;
	hc_fail_at(1, -EINVAL);
	hc_fail_at(3, -EPERM);		/* request 3, in the re-issued rest */
	arch_enter_lazy_mmu_mode();
	for (unsigned int i = 0; i < 8; i++)
		q(i);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave: the first error");
	expect_eq(hc_hypercalls(), 3, "hypercalls");
	expect_eq(hc.nr_reqs, 8, "requests presented");
	for (unsigned int i = 0; i < 8; i++)
		expect_eq(times_applied(i), i != 1 && i != 3, "request %u: applied", i);
	expect_eq(mmu_delta().failures, 2, "stats: failures");
	expect_failure_of(0, 1, -EINVAL);
	expect_failure_of(1, 3, -EPERM);
}

/* Xen says "refused" but counts all done: reported, nothing re-issued. */
static void test_bogus_done(void **state)
{
	(void)state;
	hc_fail_at(1, -EIO);
	hc.bogus_done = 3;
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	q(2);
	expect_eq(arch_leave_lazy_mmu_mode(), -EIO, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	expect_eq(failure(0)->err, -EIO, "failure: err");
}

/* The section's first error, even if later batches go through. */
static void test_leave_returns_first_error(void **state)
{
	(void)state;
	hc_fail_at(0, -ENOMEM);
	hc_fail_at(3, -EPERM);
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	expect_eq(xen_mmu_issue(), -ENOMEM, "issue");
	q(2);
	q(3);
	expect_eq(arch_leave_lazy_mmu_mode(), -ENOMEM, "leave");
	expect_eq(mmu_delta().failures, 2, "stats: failures");
	arch_enter_lazy_mmu_mode();
	q(4);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave of a clean section");
}

/* An mmu_update failure: op, err, ptr with its command, val, caller, message. */
static void test_failure_log_mmu_update(void **state)
{
	char want[64];

	(void)state;
	hc_fail_at(1, -EINVAL);
	arch_enter_lazy_mmu_mode();
	q(0);
	xen_queue_pte_update(MA(1) | MMU_PT_UPDATE_PRESERVE_AD, VAL(1), 0, CALLER(1));
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_failure_cmd(0, 1, MMU_PT_UPDATE_PRESERVE_AD, -EINVAL);
	snprintf(want, sizeof(want), "%#llx", (unsigned long long)(MA(1) | 2));
	expect(strstr(host_printk_last, want), "message lacks the ptr %s: %s", want,
	       host_printk_last);
	snprintf(want, sizeof(want), "%#lx", CALLER(1));
	expect(strstr(host_printk_last, want), "message lacks the caller %s: %s", want,
	       host_printk_last);
}

/* An mmuext_op failure: its cmd and argument, and the caller. */
static void test_failure_log_mmuext(void **state)
{
	const struct mmu_failure *f;
	struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL };

	(void)state;
	op.arg1.linear_addr = 0x1234000;
	hc_fail_at(0, -EPERM);
	expect_eq(xen_mmuext_now(&op, CALLER(9)), -EPERM, "xen_mmuext_now");
	f = failure(0);
	expect_eq(f->op, EXT, "failure: op");
	expect_eq(f->ptr, MMUEXT_INVLPG_LOCAL, "failure: cmd");
	expect_eq(f->val, 0x1234000, "failure: argument");
	expect_eq(f->caller, CALLER(9), "failure: caller");
}

/* xen_mmu_update_now: reported like a batched request, with its caller. */
static void test_update_now_reported(void **state)
{
	(void)state;
	hc_fail_at(0, -EINVAL);
	expect_eq(xen_mmu_update_now(MA(4), VAL(4), CALLER(4)), -EINVAL,
		  "xen_mmu_update_now");
	expect_failure_of(0, 4, -EINVAL);
}

/* The ring keeps the latest MMU_FAILURE_LOG. */
static void test_failure_log_wraps(void **state)
{
	unsigned int i, n = MMU_FAILURE_LOG + 4;

	(void)state;
	for (i = 0; i < n; i++)
		hc_fail_at(i, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < n; i++)
		q(i);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(mmu_delta().failures, n, "stats: failures");
	expect_eq(xen_mmu_failure(0)->caller, CALLER(n - 1), "the most recent failure");
	expect_eq(xen_mmu_failure(MMU_FAILURE_LOG - 1)->caller, CALLER(n - MMU_FAILURE_LOG),
		  "the oldest kept failure");
	expect(!xen_mmu_failure(MMU_FAILURE_LOG), "more than MMU_FAILURE_LOG kept");
}

/* A refusal in a batch that was issued because it was full. */
static void test_full_batch_error_not_lost(void **state)
{
	unsigned int i;

	(void)state;
	hc_fail_at(5, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < MAX_MMU + 3; i++)
		q(i);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_all_once_but(MAX_MMU + 3, 5);
}

/* [q0..q3][flush], q1 refused: q2, q3 re-issued once, after the multicall. */
static void test_multicall_rest_reissued(void **state)
{
	unsigned int r;

	(void)state;
	hc_fail_at(1, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (unsigned int i = 0; i < 4; i++)
		q(i);
	flush_pages(0, 4);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_all_once_but(4, 1);
	r = reqs_after_call(0);
	expect_req(r, 2, true);
	expect_req(r + 1, 3, true);
	expect_failure_of(0, 1, -EINVAL);
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT | EX_FAIL_AFTER);
}

/* ... and the flush applied after the re-issued updates. */
static void test_flush_follows_recovered_updates(void **state)
{
	int flush, update;

	(void)state;
	hc_fail_at(1, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (unsigned int i = 0; i < 4; i++)
		q(i);
	flush_pages(0, 4);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	flush = last_applied(EXT, hc.nr_reqs);
	update = last_applied(MMU, hc.nr_reqs);
	expect(flush > update, "last flush (request %d) before the last update (request %d)",
	       flush, update);
}

/* Flushes are repeated after a refused update entry... */
static void test_reflush_after_refused_update(void **state)
{
	unsigned int r, flushes = 0;

	(void)state;
	hc_fail_at(1, -EINVAL);
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	q(2);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	for (r = 0; r < hc.nr_reqs; r++)
		flushes += hc.reqs[r].op == EXT && hc.reqs[r].applied;
	expect_eq(flushes, 2, "flushes applied: in the multicall, and again");
}

/* ... and only then: not after a refused flush ... */
static void test_no_reflush_after_refused_flush(void **state)
{
	unsigned int r, flushes = 0;

	(void)state;
	hc_fail_at(2, -EBUSY);		/* the first flush */
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	flush_page(0);
	flush_page(1);
	expect_eq(arch_leave_lazy_mmu_mode(), -EBUSY, "leave");
	for (r = 0; r < hc.nr_reqs; r++)
		flushes += hc.reqs[r].op == EXT;
	expect_eq(flushes, 2, "flushes presented: each once");
	expect_all_once_but(2, ~0u);
}

/* ... nor without any refusal. */
static void test_no_reflush_without_refusal(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc.nr_reqs, 3, "requests presented without a refusal");
	expect_eq(hc_hypercalls(), 1, "hypercalls");
}

/* A repeated flush that is refused is reported; the first error stays. */
static void test_reflush_refused(void **state)
{
	(void)state;
	hc_fail_at(1, -EINVAL);		/* q1, in the multicall */
	hc_fail_at(4, -EBUSY);		/* the flush, repeated */
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	q(2);
	flush_pages(0, 16);	/* one full flush: more than 8 pages */
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(hc.nr_reqs, 5, "requests: [q0 q1x][flush], q2, flush");
	expect_eq(hc.reqs[4].op, EXT, "request 4: the repeated flush");
	expect_eq(mmu_delta().failures, 2, "stats: failures");
	expect_eq(failure(1)->op, EXT, "failure 1: op");
	expect_eq(failure(1)->err, -EBUSY, "failure 1: err");
}

/*
 * A refused update entry and a refused flush in one multicall: the
 * flushes Xen applied are repeated after the recovered updates, and the
 * flush after the refused one still comes after them too.
 */
static void test_refused_update_and_flush(void **state)
{
	int update;
	unsigned int r, page;

	(void)state;
	hc_fail_at(1, -EINVAL);		/* q1 */
	hc_fail_at(3, -EBUSY);		/* the second flush (q2 not yet seen) */
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	q(2);
	flush_page(0);
	flush_page(1);
	flush_page(2);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	update = last_applied(MMU, hc.nr_reqs);
	for (page = 0; page < 3; page += 2) {
		bool after = false;

		for (r = update + 1; r < hc.nr_reqs; r++)
			after |= hc.reqs[r].op == EXT && hc.reqs[r].applied &&
				 hc.reqs[r].ext.arg1.linear_addr == (VA(page) & PAGE_MASK);
		expect(after, "flush of page %u not applied after the last update", page);
	}
	expect_eq(mmu_delta().failures, 2, "stats: failures");
}

/*
 * Issue 11, defect 1: [q0..q5][flush], q3 refused.  In preempt mode the
 * update entry holds its continuation when q3 is refused (request
 * pointer advanced, count | PREEMPTED); in clobber mode 0xAA.  Recovery
 * must start at q4, with a count Xen can read.
 */
static void test_refused_after_preemption(void **state)
{
	unsigned int r, c;

	(void)state;
	hc_fail_at(3, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (unsigned int i = 0; i < 6; i++)
		q(i);
	flush_pages(0, 6);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(hc.wild_counts, 0, "calls with a count Xen cannot read");
	for (c = 0; c < hc.nr_calls; c++)
		expect(hc.calls[c].count <= 6, "call %u has count %#x", c, hc.calls[c].count);
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	expect_failure_of(0, 3, -EINVAL);
	r = reqs_after_call(0);
	expect_req(r, 4, true);
	expect_req(r + 1, 5, true);
	expect_all_once_but(6, 3);
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT | EX_FAIL_AFTER);
}

/*
 * Defect 1 once more: in preempt mode, both entries also end with Xen's
 * deferred-put continuation { 0, PREEMPTED, 0, rc } (mc-double.h), so
 * even the entry's request pointer is NULL when q3 is refused.
 */
static void test_refused_with_deferred_put(void **state)
{
	unsigned int r;

	(void)state;
	hc.deferred_put = in_mode(HC_PREEMPT);
	hc_fail_at(3, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (unsigned int i = 0; i < 6; i++)
		q(i);
	flush_pages(0, 6);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	if (in_mode(HC_PREEMPT))
		expect_eq(hc.deferred_puts, 2, "scenario: deferred puts");
	expect_eq(hc.wild_counts, 0, "calls with a count Xen cannot read");
	expect_failure_of(0, 3, -EINVAL);
	r = reqs_after_call(0);
	expect_req(r, 4, true);
	expect_req(r + 1, 5, true);
	expect_all_once_but(6, 3);
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT | EX_FAIL_AFTER);
}

#define PTE_A	20	/* refused */
#define PTE_B	21
#define PTE_X	22
#define PTE_Y	23

static void set(unsigned int pte, u64 val, unsigned int caller)
{
	xen_queue_pte_update(MA(pte) | MMU_NORMAL_PT_UPDATE, val, 0, CALLER(caller));
}

static int refuse_a(const struct hc_req *r, void *data)
{
	(void)data;
	return r->op == MMU && (r->ptr & ~7ULL) == MA(PTE_A) ? -EINVAL : 0;
}

/* The index of the applied write of val to pte (or -1). */
static int applied_write(unsigned int pte, u64 val)
{
	unsigned int r;

	for (r = 0; r < hc.nr_reqs; r++)
		if (hc.reqs[r].op == MMU && (hc.reqs[r].ptr & ~7ULL) == MA(pte) &&
		    hc.reqs[r].val == val && hc.reqs[r].applied)
			return r;
	return -1;
}

/*
 * Issue 11, defect 2: B, A (refused), X:=0x111, Y, a flush, X:=0x222.
 * Every pte holds the last value queued for it; the flush is applied
 * after X:=0x111 and before X:=0x222, which starts a new batch.
 */
static void test_recovery_keeps_last_write(void **state)
{
	int x1, x2, flush;

	(void)state;
	hc_fail_if(refuse_a, NULL);
	arch_enter_lazy_mmu_mode();
	set(PTE_B, 0x444, 1);
	set(PTE_A, 0x999, 2);
	set(PTE_X, 0x111, 3);
	set(PTE_Y, 0x333, 4);
	flush_pages(0, 4);
	expect_eq(hc_hypercalls(), 0, "hypercalls before X:=0x222");
	set(PTE_X, 0x222, 5);
	expect(hc_hypercalls() > 0, "X:=0x222 joined the batch behind the flush");
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_pte(PTE_X, 0x222);
	expect_pte(PTE_Y, 0x333);
	expect_pte(PTE_B, 0x444);
	expect(!hc_mem_written(MA(PTE_A)), "refused pte A written: %#llx",
	       (unsigned long long)hc_mem_read(MA(PTE_A)));
	expect_eq(failure(0)->ptr, MA(PTE_A), "failure: ptr");
	expect_eq(failure(0)->caller, CALLER(2), "failure: caller");
	x1 = applied_write(PTE_X, 0x111);
	x2 = applied_write(PTE_X, 0x222);
	flush = last_applied(EXT, x2 < 0 ? hc.nr_reqs : (unsigned int)x2);
	expect(x1 >= 0 && x2 > x1, "X:=0x111 (request %d) not applied before X:=0x222 (%d)",
	       x1, x2);
	expect(flush > x1, "the flush (request %d) not after X:=0x111 (request %d)",
	       flush, x1);
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT | EX_FAIL_AFTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rest_reissued),
		T(test_first_request_refused),
		T(test_last_request_refused),
		T(test_several_failures),
		T(test_bogus_done),
		T(test_leave_returns_first_error),
		T(test_failure_log_mmu_update),
		T(test_failure_log_mmuext),
		T(test_update_now_reported),
		T(test_failure_log_wraps),
		T(test_full_batch_error_not_lost),
		T(test_multicall_rest_reissued),
		T(test_flush_follows_recovered_updates),
		T(test_reflush_after_refused_update),
		T(test_no_reflush_after_refused_flush),
		T(test_no_reflush_without_refusal),
		T(test_reflush_refused),
		T(test_refused_update_and_flush),
		T(test_refused_after_preemption),
		T(test_refused_with_deferred_put),
		T(test_recovery_keeps_last_write),
	};

	return cmocka_run_group_tests_name("recovery", tests, NULL, NULL);
}

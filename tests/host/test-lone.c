// SPDX-License-Identifier: GPL-2.0
/*
 * The lone update (mmu.c): a section's only pte update, perhaps with an
 * INVLPG of its page, goes as one update_va_mapping.  When it is taken,
 * when not, and what a refused update_va_mapping leads to.
 */
#include "test-common.h"

/* The calls of the double are exactly one update_va_mapping. */
static void expect_only_uvm(unsigned int i, unsigned long flags)
{
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.nr_calls, 1, "calls, sub-calls included");
	expect_uvm(0, VA(i), VAL(i), flags);
	expect_eq(hc.nr_reqs, 1, "requests");
	expect(hc.reqs[0].applied, "update_va_mapping refused");
	expect_eq(mc_delta().issued, 0, "batches issued besides");
	expect_pte(i, VAL(i));
}

static void test_taken_alone(void **state)
{
	struct xen_mmu_stats d;

	(void)state;
	arch_enter_lazy_mmu_mode();
	qva(0);
	expect_eq(hc_hypercalls(), 0, "hypercalls inside the section");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_only_uvm(0, UVMF_NONE);
	d = mmu_delta();
	expect_eq(d.uvm, 1, "stats: uvm");
	expect_eq(d.uvm_invlpg, 0, "stats: uvm_invlpg");
	expect_eq(d.uvm_refused, 0, "stats: uvm_refused");
	expect_eq(d.failures, 0, "stats: failures");
}

static void taken_with_invlpg(unsigned long flags)
{
	arch_enter_lazy_mmu_mode();
	qva(0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_only_uvm(0, flags);
	expect_eq(hc.sub_calls[EXT], 0, "mmuext_op sub-calls");
	expect_eq(mmu_delta().uvm_invlpg, 1, "stats: uvm_invlpg");
}

static void test_taken_with_invlpg_local(void **state)
{
	(void)state;
	taken_with_invlpg(UVMF_INVLPG | UVMF_LOCAL);
}

/* Another vCPU busy: the INVLPG is for all of them. */
static void test_taken_with_invlpg_all(void **state)
{
	(void)state;
	nr_cpus_online = 2;
	taken_with_invlpg(UVMF_INVLPG | UVMF_ALL);
}

/* Each issue ends a lone update's chance; the next batch has its own. */
static void test_taken_per_issue(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	qva(0);
	expect_eq(xen_mmu_issue(), 0, "issue");
	expect_uvm(0, VA(0), VAL(0), UVMF_NONE);
	q(1);
	expect_eq(xen_mmu_issue(), 0, "issue");
	expect_eq(hc.calls[1].op, MMU, "call 1 (no va): op");
	qva(2);
	flush_page(2);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_uvm(2, VA(2), VAL(2), UVMF_INVLPG | UVMF_LOCAL);
	expect_eq(mmu_delta().uvm, 2, "stats: uvm");
}

static void test_not_two_updates(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	qva(0);
	qva(1);
	expect_eq(xen_mmu_issue(), 0, "issue");
	expect_eq(hc.calls[0].op, MMU, "call 0: op");
	expect_eq(hc.calls[0].count, 2, "call 0: count");
	/* Nor with the INVLPG of the first one's page behind them. */
	qva(2);
	qva(3);
	flush_page(2);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_no_uvm();
	expect_eq(hc.calls[1].op, MULTI, "call 1: op");
	expect_req(0, 0, true);
	expect_req(1, 1, true);
	expect_req(2, 2, true);
	expect_req(3, 3, true);
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT);
}

/* A flush of another page, however close or far, is no INVLPG of it. */
static void test_not_other_page(void **state)
{
	unsigned long page = VA(0) & PAGE_MASK;
	const unsigned long others[] = {
		page + PAGE_SIZE, page - PAGE_SIZE, page ^ (1UL << 40),
	};
	unsigned int k;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (k = 0; k < ARRAY_SIZE(others); k++) {
		qva(k);
		flush_tlb_range(others[k], others[k] + PAGE_SIZE);
		expect_eq(xen_mmu_issue(), 0, "issue %u", k);
		expect_eq(hc.calls[hc.nr_calls - 3].op, MULTI, "batch %u: op", k);
		expect_eq(hc.reqs[hc.nr_reqs - 1].ext.arg1.linear_addr, others[k],
			  "batch %u: the flush's address", k);
	}
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_no_uvm();
}

/*
 * A full flush does not ride along (a local flush of up to
 * INVLPG_LOCAL_MAX_PAGES pages is one INVLPG per page: take more).
 */
static void test_not_full_flush(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	qva(0);
	flush_pages(0, 16);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_no_uvm();
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_eq(hc.reqs[1].ext.cmd, MMUEXT_TLB_FLUSH_LOCAL, "the flush");
}

/* Two flushes of the page: the second puts the update into the batch. */
static void test_not_two_flushes(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	qva(0);
	flush_page(0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_no_uvm();
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_eq(hc.nr_reqs, 3, "requests: the update and both flushes");
	expect_req(0, 0, true);
}

static void test_not_without_va(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	q(0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_no_uvm();
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_req(0, 0, true);
}

/* An update behind a flush: the flush is issued first, the update plainly. */
static void test_not_after_a_flush(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	flush_page(0);
	qva(0);
	expect_eq(hc_hypercalls(), 1, "hypercalls: the flush before the update");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_no_uvm();
	expect_eq(hc.calls[0].op, EXT, "call 0: op");
	expect_eq(hc.calls[1].op, MMU, "call 1: op");
	expect_req(1, 0, true);
}

/*
 * The update that overflows a full batch opens the next batch; as it is
 * not the first of an empty batch, it goes as an mmu_update.
 */
static void test_after_a_full_batch(void **state)
{
	unsigned int i;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (i = 0; i <= MAX_MMU; i++)
		qva(i);
	expect_eq(hc_hypercalls(), 1, "hypercalls: the full batch");
	expect_eq(hc.calls[0].count, MAX_MMU, "the full batch: count");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_no_uvm();
	expect_eq(hc.calls[1].op, MMU, "call 1: op");
	expect_eq(hc.calls[1].count, 1, "call 1: count");
	expect_req(MAX_MMU, MAX_MMU, true);
	/* After an issue, though, the next update may go alone. */
	arch_enter_lazy_mmu_mode();
	qva(MAX_MMU + 1);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_uvm(2, VA(MAX_MMU + 1), VAL(MAX_MMU + 1), UVMF_NONE);
}

/* Refused, update_va_mapping changed nothing: sent as queued, no failure. */
static void test_refused_then_as_queued(void **state)
{
	unsigned int printks = host_printks;
	struct xen_mmu_stats d;

	(void)state;
	hc_fail_at(0, -EINVAL);
	arch_enter_lazy_mmu_mode();
	qva(0);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave: a refused uvm is no error");
	expect_eq(hc_hypercalls(), 2, "hypercalls");
	expect_uvm(0, VA(0), VAL(0), UVMF_NONE);
	expect(!hc.reqs[0].applied, "the injected refusal did not happen");
	expect_eq(hc.calls[1].op, MMU, "call 1: op");
	expect_eq(hc.calls[1].count, 1, "call 1: count");
	expect_req(1, 0, true);
	expect_pte(0, VAL(0));
	d = mmu_delta();
	expect_eq(d.uvm_refused, 1, "stats: uvm_refused");
	expect_eq(d.uvm, 0, "stats: uvm");
	expect_eq(d.failures, 0, "stats: failures");
	expect_eq(host_printks, printks, "messages printed");
}

static void refused_with_invlpg(unsigned int cmd)
{
	const struct multicall_entry *e;

	hc_fail_at(0, -EPERM);
	arch_enter_lazy_mmu_mode();
	qva(0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 2, "hypercalls");
	expect_eq(hc.calls[1].op, MULTI, "call 1: op");
	e = hc.calls[1].copy;
	expect_eq(e[0].op, MMU, "entry 0: op");
	expect_eq(e[0].args[1], 1, "entry 0: count");
	expect_eq(e[1].op, EXT, "entry 1: op");
	expect_req(1, 0, true);
	expect_eq(hc.reqs[2].op, EXT, "request 2: op");
	expect_eq(hc.reqs[2].ext.cmd, cmd, "request 2: the INVLPG");
	expect_eq(hc.reqs[2].ext.arg1.linear_addr, VA(0) & PAGE_MASK, "request 2: address");
	expect_eq(hc.nr_reqs, 3, "requests");
	expect_eq(mmu_delta().failures, 0, "stats: failures");
	expect_mode_exercised(EX_CLOBBER);
}

static void test_refused_invlpg_local_as_queued(void **state)
{
	(void)state;
	refused_with_invlpg(MMUEXT_INVLPG_LOCAL);
	expect_uvm(0, VA(0), VAL(0), UVMF_INVLPG | UVMF_LOCAL);
}

static void test_refused_invlpg_all_as_queued(void **state)
{
	(void)state;
	nr_cpus_online = 2;
	refused_with_invlpg(MMUEXT_INVLPG_ALL);
	expect_uvm(0, VA(0), VAL(0), UVMF_INVLPG | UVMF_ALL);
}

/* Refuse request i in any form. */
static int refuse_val(const struct hc_req *r, void *data)
{
	const unsigned int *i = data;

	return (r->op == MMU || r->op == UVM) && r->val == VAL(*i) ? -EINVAL : 0;
}

/* Refused in both forms: reported once, as the mmu_update it was queued as. */
static void test_refused_twice_reported_once(void **state)
{
	static unsigned int bad;

	(void)state;
	bad = 0;
	hc_fail_if(refuse_val, &bad);
	arch_enter_lazy_mmu_mode();
	qva(0);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(hc_hypercalls(), 2, "hypercalls");
	expect_req(1, 0, false);
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	expect_failure_of(0, 0, -EINVAL);
	expect(strstr(host_printk_last, "refused"), "message: %s", host_printk_last);
	expect(!hc_mem_written(MA(0)), "refused pte written");
	/* The next section's lone update goes alone again. */
	arch_enter_lazy_mmu_mode();
	qva(1);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave of the next section");
	expect_uvm(2, VA(1), VAL(1), UVMF_NONE);
}

/* ... and with its INVLPG, which still follows it. */
static void test_refused_twice_invlpg_follows(void **state)
{
	static unsigned int bad;
	unsigned int r, last_ext = 0;

	(void)state;
	bad = 0;
	hc_fail_if(refuse_val, &bad);
	arch_enter_lazy_mmu_mode();
	qva(0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	expect_failure_of(0, 0, -EINVAL);
	for (r = 0; r < hc.nr_reqs; r++)
		if (hc.reqs[r].op == EXT && hc.reqs[r].applied)
			last_ext = r;
	expect(last_ext > 1, "no INVLPG applied after the refused update");
}

/* Refused, then the update taken but its INVLPG refused: that is reported. */
static void test_refused_then_invlpg_fails(void **state)
{
	const struct mmu_failure *f;

	(void)state;
	hc_fail_at(0, -EINVAL);		/* the update_va_mapping */
	hc_fail_at(2, -EBUSY);		/* the INVLPG, in the multicall */
	arch_enter_lazy_mmu_mode();
	qva(0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), -EBUSY, "leave");
	expect_req(1, 0, true);
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	f = failure(0);
	expect_eq(f->op, EXT, "failure: op");
	expect_eq(f->err, -EBUSY, "failure: err");
	expect_eq(f->ptr, MMUEXT_INVLPG_LOCAL, "failure: cmd");
	expect(f->caller, "failure reported without a caller");
}

/* A held update released by another: refusals in that batch as usual. */
static void test_released_then_refused(void **state)
{
	(void)state;
	hc_fail_at(1, -EINVAL);
	arch_enter_lazy_mmu_mode();
	qva(0);
	q(1);
	q(2);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_no_uvm();
	expect_eq(times_applied(0), 1, "the released update: applied");
	expect_eq(times_applied(2), 1, "request 2: applied");
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	expect_failure_of(0, 1, -EINVAL);
	expect_mode_exercised(EX_PREEMPT | EX_FAIL_AFTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_taken_alone),
		T(test_taken_with_invlpg_local),
		T(test_taken_with_invlpg_all),
		T(test_taken_per_issue),
		T(test_not_two_updates),
		T(test_not_other_page),
		T(test_not_full_flush),
		T(test_not_two_flushes),
		T(test_not_without_va),
		T(test_not_after_a_flush),
		T(test_after_a_full_batch),
		T(test_refused_then_as_queued),
		T(test_refused_invlpg_local_as_queued),
		T(test_refused_invlpg_all_as_queued),
		T(test_refused_twice_reported_once),
		T(test_refused_twice_invlpg_follows),
		T(test_refused_then_invlpg_fails),
		T(test_released_then_refused),
	};

	return cmocka_run_group_tests_name("lone", tests, NULL, NULL);
}

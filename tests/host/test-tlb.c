// SPDX-License-Identifier: GPL-2.0
/*
 * TLB flushes (mmu.c): which kind (INVLPG for one page, a full flush
 * otherwise; LOCAL unless another vCPU is busy), where they go in a
 * batch, and the check on the other vCPUs once the batch is issued.
 */
#include "test-common.h"

#define PAGE(i)		(VA(i) & PAGE_MASK)

static void set_idle(unsigned int cpu, bool idle)
{
	unsigned int self = host_cpu.cpu;

	host_cpu.cpu = cpu;
	if (idle)
		tlb_idle_enter();
	else
		tlb_idle_exit();
	host_cpu.cpu = self;
}

/* Call c is a direct mmuext_op of one cmd at addr. */
static void expect_flush_call(unsigned int c, unsigned int cmd, unsigned long addr)
{
	const struct hc_call *call;
	const struct hc_req *r;

	expect(c < hc.nr_calls, "call %u not seen: only %u calls", c, hc.nr_calls);
	call = &hc.calls[c];
	expect_eq(call->op, EXT, "call %u: op", c);
	expect_eq(call->parent, HC_NO_PARENT, "call %u: parent", c);
	expect_eq(call->count, 1, "call %u: count", c);
	r = &hc.reqs[call->first_req];
	expect_eq(r->ext.cmd, cmd, "call %u: cmd", c);
	if (cmd == MMUEXT_INVLPG_LOCAL || cmd == MMUEXT_INVLPG_ALL)
		expect_eq(r->ext.arg1.linear_addr, addr, "call %u: address", c);
}

static void test_kinds_one_vcpu(void **state)
{
	(void)state;
	flush_page(0);
	flush_pages(0, 2);
	expect_eq(hc_hypercalls(), 2, "hypercalls");
	expect_flush_call(0, MMUEXT_INVLPG_LOCAL, PAGE(0));
	expect_flush_call(1, MMUEXT_TLB_FLUSH_LOCAL, 0);
}

static void test_kinds_others_busy(void **state)
{
	(void)state;
	nr_cpus_online = 2;
	flush_page(0);
	flush_pages(0, 2);
	expect_eq(hc_hypercalls(), 2, "hypercalls");
	expect_flush_call(0, MMUEXT_INVLPG_ALL, PAGE(0));
	expect_flush_call(1, MMUEXT_TLB_FLUSH_ALL, 0);
}

/* Others idle: local only, and an idle vCPU flushes itself on waking. */
static void test_others_idle(void **state)
{
	(void)state;
	nr_cpus_online = 2;
	set_idle(1, true);
	flush_page(0);
	expect_eq(hc_hypercalls(), 1, "hypercalls: more than the local flush");
	expect_flush_call(0, MMUEXT_INVLPG_LOCAL, PAGE(0));
	host_cpu.cpu = 1;
	tlb_idle_exit();
	host_cpu.cpu = 0;
	expect_eq(hc_hypercalls(), 2, "hypercalls: vCPU 1 did not flush on waking");
	expect_flush_call(1, MMUEXT_TLB_FLUSH_LOCAL, 0);
}

/* Waking with no flush since it slept: nothing to do. */
static void test_idle_wake_without_flush(void **state)
{
	(void)state;
	nr_cpus_online = 2;
	set_idle(1, true);
	set_idle(1, false);
	expect_eq(hc_hypercalls(), 0, "hypercalls on waking");
}

static void test_queued_after_updates(void **state)
{
	const struct multicall_entry *e;
	unsigned int i;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++)
		q(i);
	flush_page(0);
	expect_eq(hc_hypercalls(), 0, "hypercalls inside the section");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	e = hc.calls[0].copy;
	expect_eq(e[0].op, MMU, "entry 0: op");
	expect_eq(e[0].args[1], 3, "entry 0: count");
	expect_eq(e[1].op, EXT, "entry 1: op");
	expect_eq(hc.reqs[3].op, EXT, "request 3: op");
	expect_eq(hc.reqs[3].ext.cmd, MMUEXT_INVLPG_LOCAL, "request 3: cmd");
	expect_eq(hc.reqs[3].ext.arg1.linear_addr, PAGE(0), "request 3: address");
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT);
}

/* Several flushes of a section: one mmuext_op entry. */
static void test_flushes_share_an_entry(void **state)
{
	unsigned int i;

	(void)state;
	arch_enter_lazy_mmu_mode();
	q(0);
	for (i = 0; i < 3; i++)
		flush_page(i);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_eq(hc.calls[0].count, 2, "multicall entries");
	expect_eq(hc.calls[2].count, 3, "flush entry: count");
}

/* An update behind a flush issues the batch first: the flush stays last. */
static void test_update_after_flush_issues_first(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	q(0);
	flush_page(0);
	expect_eq(hc_hypercalls(), 0, "hypercalls before the second update");
	q(1);
	expect_eq(hc_hypercalls(), 1, "hypercalls: the batch not issued before the update");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 2, "hypercalls");
	expect_req(0, 0, true);
	expect_eq(hc.reqs[1].op, EXT, "request 1: the flush");
	expect_req(2, 1, true);
}

/* Idle when queued, busy by the leave: the leave flushes it too. */
static void test_recheck_at_leave(void **state)
{
	(void)state;
	nr_cpus_online = 2;
	set_idle(1, true);
	arch_enter_lazy_mmu_mode();
	q(0);
	flush_page(0);
	set_idle(1, false);
	expect_eq(hc_hypercalls(), 0, "hypercalls before the leave");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 2, "hypercalls: the batch, then the recheck");
	expect_eq(hc.reqs[1].ext.cmd, MMUEXT_INVLPG_LOCAL, "the batch's flush");
	expect_flush_call(hc.nr_calls - 1, MMUEXT_INVLPG_ALL, PAGE(0));
}

/* Two pages flushed in the section: the recheck is a full flush. */
static void test_recheck_two_ranges_full(void **state)
{
	(void)state;
	nr_cpus_online = 2;
	set_idle(1, true);
	arch_enter_lazy_mmu_mode();
	q(0);
	flush_page(0);
	flush_page(5);
	set_idle(1, false);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_flush_call(hc.nr_calls - 1, MMUEXT_TLB_FLUSH_ALL, 0);
}

/* Still idle at the leave: no cross-vCPU flush, but it flushes on waking. */
static void test_recheck_still_idle(void **state)
{
	unsigned int before;

	(void)state;
	nr_cpus_online = 2;
	set_idle(1, true);
	arch_enter_lazy_mmu_mode();
	q(0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls: a recheck flush for an idle vCPU");
	before = hc_hypercalls();
	set_idle(1, false);
	expect_eq(hc_hypercalls(), before + 1, "hypercalls: vCPU 1 did not flush on waking");
	expect_flush_call(hc.nr_calls - 1, MMUEXT_TLB_FLUSH_LOCAL, 0);
}

/* A refused flush is reported; the flushes after it are still made. */
static void test_refused_flush(void **state)
{
	const struct mmu_failure *f;

	(void)state;
	hc_fail_at(2, -EBUSY);		/* the second flush */
	arch_enter_lazy_mmu_mode();
	q(0);
	flush_page(0);
	flush_page(1);
	flush_page(2);
	expect_eq(arch_leave_lazy_mmu_mode(), -EBUSY, "leave");
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	f = failure(0);
	expect_eq(f->op, EXT, "failure: op");
	expect_eq(f->ptr, MMUEXT_INVLPG_LOCAL, "failure: cmd");
	expect_eq(f->val, PAGE(1), "failure: address");
	expect(f->caller, "failure reported without a caller");
	expect_eq(hc.reqs[hc.nr_reqs - 1].ext.arg1.linear_addr, PAGE(2),
		  "the last request: the third flush");
	expect(hc.reqs[hc.nr_reqs - 1].applied, "the third flush refused");
	expect_eq(times_applied(0), 1, "the update: applied");
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT | EX_FAIL_AFTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_kinds_one_vcpu),
		T(test_kinds_others_busy),
		T(test_others_idle),
		T(test_idle_wake_without_flush),
		T(test_queued_after_updates),
		T(test_flushes_share_an_entry),
		T(test_update_after_flush_issues_first),
		T(test_recheck_at_leave),
		T(test_recheck_two_ranges_full),
		T(test_recheck_still_idle),
		T(test_refused_flush),
	};

	return cmocka_run_group_tests_name("tlb", tests, NULL, NULL);
}

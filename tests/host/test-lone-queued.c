// SPDX-License-Identifier: GPL-2.0
/*
 * The lone update that update_va_mapping would not write the same: a
 * PRESERVE_AD update whose val lacks Accessed or Dirty (mmu.c).  It is
 * still held out of the buffer, and goes as queued in one hypercall of
 * its own: an mmu_update, or a multicall of it and its INVLPG.
 */
#include "test-common.h"

/* The only top-level call is an mmu_update of request i alone. */
static void expect_only_mmu(unsigned int i)
{
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].op, MMU, "call 0: op");
	expect_eq(hc.calls[0].parent, HC_NO_PARENT, "call 0: a direct call");
	expect_eq(hc.calls[0].count, 1, "call 0: count");
	expect_eq(hc.nr_reqs, 1, "requests");
}

/* Call 0 is a multicall of request i and an INVLPG of its page, cmd. */
static void expect_mmu_and_invlpg(unsigned int i, unsigned int cmd)
{
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_eq(hc.calls[0].count, 2, "call 0: entries");
	expect_eq(hc.calls[1].op, MMU, "entry 0: op");
	expect_eq(hc.calls[1].count, 1, "entry 0: count");
	expect_eq(hc.calls[2].op, EXT, "entry 1: op");
	expect_eq(hc.calls[2].count, 1, "entry 1: count");
	expect_eq(hc.nr_reqs, 2, "requests");
	expect_eq(hc.reqs[1].ext.cmd, cmd, "request 1: the INVLPG");
	expect_eq(hc.reqs[1].ext.arg1.linear_addr, VA(i) & PAGE_MASK,
		  "request 1: its address");
}

static void test_clean_alone(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	qpad(0, 0);
	expect_eq(hc_hypercalls(), 0, "hypercalls inside the section");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_only_mmu(0);
	expect_req(0, 0, true);
	expect_eq(hc.reqs[0].ptr & 3, MMU_PT_UPDATE_PRESERVE_AD, "request 0: cmd");
	expect_no_uvm();
	expect_eq(mmu_delta().lone, 1, "stats: lone updates as queued");
	expect_eq(mc_delta().issued, 0, "batches issued by the buffer");
}

/* The hardware's A and D, set while it was held, survive it. */
static void test_clean_keeps_hardware_ad(void **state)
{
	(void)state;
	hc_mem_seed(MA(0), VAL(9));
	arch_enter_lazy_mmu_mode();
	qpad(0, 0);
	hc_mem_seed(MA(0), VAL(9) | _PAGE_AD);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_pte(0, VAL(0) | _PAGE_AD);
}

static void with_invlpg(unsigned int cmd)
{
	arch_enter_lazy_mmu_mode();
	qpad(0, _PAGE_ACCESSED);	/* A alone is not enough */
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_mmu_and_invlpg(0, cmd);
	expect_eq(hc.reqs[0].val, VAL(0) | _PAGE_ACCESSED, "request 0: val");
	expect(hc.reqs[0].applied && hc.reqs[1].applied, "a request refused");
	expect_no_uvm();
	expect_eq(mmu_delta().lone, 1, "stats: lone updates as queued");
	expect_eq(mc_delta().issued, 0, "batches issued by the buffer");
	expect_mode_exercised(EX_CLOBBER);
}

static void test_clean_with_invlpg_local(void **state)
{
	(void)state;
	with_invlpg(MMUEXT_INVLPG_LOCAL);
}

static void test_clean_with_invlpg_all(void **state)
{
	(void)state;
	nr_cpus_online = 2;
	with_invlpg(MMUEXT_INVLPG_ALL);
}

/* Both bits in val: Xen would write val, so update_va_mapping may. */
static void test_dirty_as_uvm(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	qpad(0, _PAGE_AD);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_uvm(0, VA(0), VAL(0) | _PAGE_AD, UVMF_INVLPG | UVMF_LOCAL);
	expect_eq(mmu_delta().lone, 0, "stats: lone updates as queued");
}

/*
 * A second update puts the held one into the batch, first; a refusal
 * there is recovered from as in any batch.
 */
static void test_clean_released(void **state)
{
	unsigned int i;

	(void)state;
	hc_fail_at(1, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++)
		qpad(i, 0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_eq(hc.calls[1].count, 3, "entry 0: the three updates");
	expect_req(0, 0, true);
	for (i = 0; i < 3; i++)
		expect_eq(times_applied(i), i != 1, "request %u: times applied", i);
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	expect_eq(failure(0)->caller, CALLER(1), "failure: caller");
	expect_no_uvm();
	expect_eq(mmu_delta().lone, 0, "stats: lone updates as queued");
	expect_mode_exercised(EX_PREEMPT | EX_FAIL_AFTER);
}

/* Refused: reported once, with its caller; its INVLPG still applied. */
static void test_clean_refused(void **state)
{
	(void)state;
	hc_fail_at(0, -EINVAL);
	arch_enter_lazy_mmu_mode();
	qpad(0, 0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_mmu_and_invlpg(0, MMUEXT_INVLPG_LOCAL);
	expect(!hc.reqs[0].applied, "the injected refusal did not happen");
	expect(hc.reqs[1].applied, "the INVLPG after it not applied");
	expect(!hc_mem_written(MA(0)), "refused pte written");
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	expect_failure_cmd(0, 0, MMU_PT_UPDATE_PRESERVE_AD, -EINVAL);
}

/* Its INVLPG refused: that is reported, with the flush's caller. */
static void test_clean_invlpg_refused(void **state)
{
	const struct mmu_failure *f;

	(void)state;
	hc_fail_at(1, -EBUSY);
	arch_enter_lazy_mmu_mode();
	qpad(0, 0);
	flush_page(0);
	expect_eq(arch_leave_lazy_mmu_mode(), -EBUSY, "leave");
	expect_req(0, 0, true);
	expect_eq(mmu_delta().failures, 1, "stats: failures");
	f = failure(0);
	expect_eq(f->op, EXT, "failure: op");
	expect_eq(f->ptr, MMUEXT_INVLPG_LOCAL, "failure: cmd");
	expect(f->caller && f->caller != CALLER(0),
	       "failure: caller %#lx, not the flush's", f->caller);
}

/*
 * Xen reads the command from ptr's low three bits: a request it will
 * refuse (command 4) must not be taken for a NORMAL one and written by
 * update_va_mapping.
 */
static void test_unknown_command_not_uvm(void **state)
{
	(void)state;
	hc_va_register(VA(0), MA(0));
	arch_enter_lazy_mmu_mode();
	xen_queue_pte_update(MA(0) | 4, VAL(0), VA(0), CALLER(0));
	expect_eq(arch_leave_lazy_mmu_mode(), -ENOSYS, "leave");
	expect_no_uvm();
	expect_eq(hc.calls[0].op, MMU, "call 0: op");
	expect(!hc_mem_written(MA(0)), "a refused request wrote the pte");
	expect_eq(mmu_delta().failures, 1, "stats: failures");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_clean_alone),
		T(test_clean_keeps_hardware_ad),
		T(test_clean_with_invlpg_local),
		T(test_clean_with_invlpg_all),
		T(test_dirty_as_uvm),
		T(test_clean_released),
		T(test_clean_refused),
		T(test_clean_invlpg_refused),
		T(test_unknown_command_not_uvm),
	};

	return cmocka_run_group_tests_name("lone-queued", tests, NULL, NULL);
}

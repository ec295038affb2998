// SPDX-License-Identifier: GPL-2.0
/*
 * Lazy MMU mode (mmu.c): its rules (a violation panics), the one
 * predicate xen_lazy_mmu(), updates in fault context, per-vCPU state.
 */
#include "test-common.h"

static void test_nested_enter_panics(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	expect(HOST_PANICS(arch_enter_lazy_mmu_mode()), "nested enter did not panic");
	expect(strstr(host_panic_msg, "twice"), "panic message: %s", host_panic_msg);
}

static void test_leave_without_enter_panics(void **state)
{
	(void)state;
	expect(HOST_PANICS(arch_leave_lazy_mmu_mode()), "leave without enter did not panic");
	expect(strstr(host_panic_msg, "without"), "panic message: %s", host_panic_msg);
	expect_eq(hc_hypercalls(), 0, "hypercalls");
}

static void test_enter_from_fault_panics(void **state)
{
	(void)state;
	host_cpu.fault_depth = 1;
	expect(HOST_PANICS(arch_enter_lazy_mmu_mode()), "enter in fault context did not panic");
	expect(strstr(host_panic_msg, "fault context"), "panic message: %s", host_panic_msg);
	host_cpu.fault_depth = 0;
	expect(!xen_lazy_mmu(), "lazy after a refused enter");
}

/* The interrupted section's batch is not issued by the fault. */
static void test_leave_from_fault_panics(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	q(0);
	host_cpu.fault_depth = 1;
	expect(HOST_PANICS(arch_leave_lazy_mmu_mode()), "leave in fault context did not panic");
	expect(strstr(host_panic_msg, "fault context"), "panic message: %s", host_panic_msg);
	expect_eq(hc_hypercalls(), 0, "hypercalls by the refused leave");
	host_cpu.fault_depth = 0;
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls after the real leave");
	expect_req(0, 0, true);
}

static void test_enter_with_queued_panics(void **state)
{
	struct mmu_update *u;

	(void)state;
	u = xen_mc_entry(MMU, REQ_SZ, CALLER(0));
	u->ptr = MA(0);
	u->val = VAL(0);
	expect(HOST_PANICS(arch_enter_lazy_mmu_mode()), "enter with a request queued did not panic");
	expect(strstr(host_panic_msg, "queued"), "panic message: %s", host_panic_msg);
}

static void test_select_inside_lazy_panics(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	expect(HOST_PANICS(pv_mmu_select("generic")), "backend switched inside a section");
	expect(!strcmp(pv_mmu_ops.name, "xen"), "backend is %s", pv_mmu_ops.name);
}

static void test_predicate(void **state)
{
	(void)state;
	expect(!xen_lazy_mmu(), "lazy before enter");
	arch_enter_lazy_mmu_mode();
	expect(xen_lazy_mmu(), "not lazy after enter");
	host_cpu.fault_depth = 1;
	expect(!xen_lazy_mmu(), "lazy in fault context");
	host_cpu.fault_depth = 2;
	expect(!xen_lazy_mmu(), "lazy in a nested fault");
	host_cpu.fault_depth = 0;
	expect(xen_lazy_mmu(), "not lazy once the fault returned");
	arch_leave_lazy_mmu_mode();
	expect(!xen_lazy_mmu(), "lazy after leave");
}

/* Outside a section an update goes at once, one mmu_update. */
static void test_outside_lazy_at_once(void **state)
{
	(void)state;
	q(0);
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].op, MMU, "call 0: op");
	expect_eq(hc.calls[0].count, 1, "call 0: count");
	expect_req(0, 0, true);
	expect(xen_mc_empty(), "something left queued");
}

/* Inside one, updates and their flush wait for the leave. */
static void test_inside_lazy_deferred(void **state)
{
	unsigned int i;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 5; i++)
		q(i);
	flush_pages(0, 5);
	expect_eq(hc_hypercalls(), 0, "hypercalls inside the section");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls after leave");
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	for (i = 0; i < 5; i++)
		expect_req(i, i, true);
	expect_eq(hc.reqs[5].op, EXT, "request 5: the flush");
	expect(xen_mc_empty(), "something left queued");
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT);
}

static void test_issue_stays_lazy(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	expect_eq(xen_mmu_issue(), 0, "issue");
	expect_eq(hc_hypercalls(), 1, "hypercalls after issue");
	expect(xen_lazy_mmu(), "issue left lazy mode");
	expect_eq(xen_mmu_issue(), 0, "issue of nothing");
	expect_eq(hc_hypercalls(), 1, "hypercalls for an empty issue");
	q(2);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 2, "hypercalls after leave");
	expect_req(2, 2, true);
}

/* The section's first error, returned by issue and leave, then forgotten. */
static void test_section_error(void **state)
{
	(void)state;
	hc_fail_at(1, -ENOMEM);
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	q(2);
	expect_eq(xen_mmu_issue(), -ENOMEM, "issue");
	q(3);
	expect_eq(arch_leave_lazy_mmu_mode(), -ENOMEM, "leave: the section's error");
	expect_eq(times_applied(3), 1, "request 3 after the error");
	arch_enter_lazy_mmu_mode();
	q(4);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave of the next section");
	expect_mode_exercised(EX_PREEMPT | EX_FAIL_AFTER);
}

static pte_t ptes[16] __aligned(4096);
#define ADDR(i)	(0x40000000UL + (unsigned long)(i) * PAGE_SIZE)

/*
 * An update issued at once inside a section (xen-nobatch's commit) must
 * not overtake the section's queued one for the same pte: here the
 * set_pte_at is held as a lone update when the commit goes.
 */
static void test_at_once_after_queued_nobatch(void **state)
{
	u64 ma = ptep_to_machine(&ptes[0]);
	pte_t old;

	(void)state;
	memset(ptes, 0, sizeof(ptes));
	expect_eq(pv_mmu_select("xen-nobatch"), 0, "select");
	hc_va_register(ADDR(0), ma);
	arch_enter_lazy_mmu_mode();
	set_pte_at(ADDR(0), &ptes[0], __pte(0x1000 | _PAGE_PRESENT | _PAGE_RW));
	old = ptep_modify_prot_start(ADDR(0), &ptes[0]);
	ptep_modify_prot_commit(ADDR(0), &ptes[0], old,
				__pte(0x1000 | _PAGE_PRESENT));
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_mem_read(ma), 0x1000 | _PAGE_PRESENT,
		  "pte: the earlier set_pte_at landed after the later commit");
}

/* The same with a batch: xen_mmu_update_now after queued updates. */
static void test_update_now_after_queued(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	xen_mmu_update_now(MA(1), 0x777, CALLER(9));
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_pte(1, 0x777);
}

/*
 * A fault inside a section: its updates and flushes go at once, one
 * hypercall each, and the section's batch is left as it was.
 */
static void test_fault_updates_at_once(void **state)
{
	unsigned int i, before;

	(void)state;
	memset(ptes, 0, sizeof(ptes));
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++)
		set_pte_at(0, &ptes[i], __pte(VAL(i)));
	host_cpu.fault_depth = 1;
	set_pte_at(0, &ptes[10], __pte(VAL(10)));
	set_pte_at(0, &ptes[11], __pte(VAL(11)));
	flush_tlb_range(0x5000, 0x6000);
	host_cpu.fault_depth = 0;
	expect_eq(hc_hypercalls(), 3, "hypercalls by the fault");
	expect_eq(hc.calls[0].op, MMU, "call 0: op");
	expect_eq(hc.calls[0].count, 1, "call 0: count");
	expect_eq(hc.reqs[0].ptr, ptep_to_machine(&ptes[10]), "call 0: the fault's pte");
	expect_eq(hc.calls[2].op, EXT, "call 2: op");
	expect_eq(hc.reqs[2].ext.cmd, MMUEXT_INVLPG_LOCAL, "call 2: flush");
	before = hc_hypercalls();
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), before + 1, "hypercalls by the leave");
	expect_eq(hc.calls[hc.nr_calls - 1].count, 3, "the section's call: count");
	for (i = 0; i < 3; i++) {
		const struct hc_req *r = &hc.reqs[3 + i];

		expect_eq(r->ptr, ptep_to_machine(&ptes[i]), "section request %u: ptr", i);
		expect_eq(r->val, VAL(i), "section request %u: val", i);
	}
}

/* A fault's refused update is reported, but is not the section's error. */
static void test_fault_failure_not_section_error(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	hc_fail_at(0, -EINVAL);
	host_cpu.fault_depth = 1;
	q(5);
	host_cpu.fault_depth = 0;
	expect_eq(mmu_delta().failures, 1, "failures reported");
	expect_failure_of(0, 5, -EINVAL);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave: the fault's error counted");
	expect_req(1, 0, true);
	expect_req(2, 1, true);
}

/* A fault while a lone update is held leaves it held. */
static void test_fault_keeps_lone_update(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	qva(0);
	host_cpu.fault_depth = 1;
	qva(1);
	host_cpu.fault_depth = 0;
	expect_eq(hc_hypercalls(), 1, "hypercalls by the fault");
	expect_eq(hc.calls[0].op, MMU, "the fault's update: op");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_uvm(1, VA(0), VAL(0), UVMF_NONE);
	expect_eq(mmu_delta().uvm, 1, "stats: update_va_mapping taken");
}

/* Each vCPU has its own section and batch. */
static void test_per_vcpu_batches(void **state)
{
	(void)state;
	arch_enter_lazy_mmu_mode();
	q(0);
	q(1);
	host_cpu.cpu = 1;
	expect(!xen_lazy_mmu(), "vCPU 1 lazy through vCPU 0's enter");
	arch_enter_lazy_mmu_mode();
	q(2);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "vCPU 1's leave");
	expect_eq(hc.nr_reqs, 1, "requests issued by vCPU 1's leave");
	expect_req(0, 2, true);
	host_cpu.cpu = 0;
	expect(xen_lazy_mmu(), "vCPU 0 left lazy mode by vCPU 1's leave");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "vCPU 0's leave");
	expect_req(1, 0, true);
	expect_req(2, 1, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_nested_enter_panics),
		T(test_leave_without_enter_panics),
		T(test_enter_from_fault_panics),
		T(test_leave_from_fault_panics),
		T(test_enter_with_queued_panics),
		T(test_select_inside_lazy_panics),
		T(test_predicate),
		T(test_outside_lazy_at_once),
		T(test_inside_lazy_deferred),
		T(test_issue_stays_lazy),
		T(test_section_error),
		T(test_fault_updates_at_once),
		T(test_fault_failure_not_section_error),
		T(test_fault_keeps_lone_update),
		T(test_per_vcpu_batches),
		T(test_at_once_after_queued_nobatch),
		T(test_update_now_after_queued),
	};

	return cmocka_run_group_tests_name("lazy", tests, NULL, NULL);
}

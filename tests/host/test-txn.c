// SPDX-License-Identifier: GPL-2.0
/*
 * The protection-change transactions behind pv_mmu_ops (mmu.c): xen,
 * xen-nobatch and generic, backend selection and boot's fallback, and
 * set_pte_at.
 */
#include "test-common.h"

#define ADDR(i)		(0x40000000UL + (unsigned long)(i) * PAGE_SIZE)
#define NR_PTES		4096

static pte_t ptes[NR_PTES] __aligned(4096);

static u64 ma(unsigned int i)
{
	return ptep_to_machine(&ptes[i]);
}

/* A transaction on pte i, to val; its va known to the pte model. */
static void commit(unsigned int i, u64 val)
{
	pte_t old;

	hc_va_register(ADDR(i), ma(i));
	old = ptep_modify_prot_start(ADDR(i), &ptes[i]);
	ptep_modify_prot_commit(ADDR(i), &ptes[i], old, __pte(val));
}

static int txn_setup(void **state)
{
	memset(ptes, 0, sizeof(ptes));
	return tc_setup(state);
}

#define TT(f) cmocka_unit_test_setup_teardown(f, txn_setup, tc_teardown)

/* xen: start leaves the pte live; commits queue PRESERVE_AD requests. */
static void test_xen_batched_preserve_ad(void **state)
{
	unsigned int i;

	(void)state;
	ptes[0] = __pte(0x5067);	/* with Accessed and Dirty */
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 4; i++)
		commit(i, VAL(i));
	expect_eq(hc_hypercalls(), 0, "hypercalls inside the section");
	expect_eq(pte_val(ptes[0]), 0x5067, "pte 0 changed by start");
	expect_eq(this_hcstat()->ptwr, 0, "emulated pte writes");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].count, 4, "call 0: count");
	for (i = 0; i < 4; i++) {
		expect_eq(hc.reqs[i].ptr, ma(i) | MMU_PT_UPDATE_PRESERVE_AD,
			  "request %u: ptr", i);
		/* pte 0 had A and D: commit carries them in val. */
		expect_eq(hc.reqs[i].val, VAL(i) | (i ? 0 : _PAGE_AD),
			  "request %u: val", i);
	}
	expect_mode_exercised(EX_PREEMPT);
}

/* Outside a section: the same request, at once. */
static void test_xen_outside_lazy_at_once(void **state)
{
	(void)state;
	commit(5, VAL(5));
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].op, MMU, "call 0: op");
	expect_eq(hc.reqs[0].ptr, ma(5) | MMU_PT_UPDATE_PRESERVE_AD, "request 0: ptr");
}

/* Bits the hardware set between start and commit survive (the model). */
static void test_xen_keeps_hardware_ad(void **state)
{
	pte_t old;

	(void)state;
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW);
	hc_mem_seed(ma(0), pte_val(ptes[0]));
	arch_enter_lazy_mmu_mode();
	old = ptep_modify_prot_start(ADDR(0), &ptes[0]);
	hc_mem_seed(ma(0), pte_val(old) | _PAGE_DIRTY);	/* a write meanwhile */
	ptep_modify_prot_commit(ADDR(0), &ptes[0], old,
				__pte(0x5000 | _PAGE_PRESENT));
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_mem_read(ma(0)), 0x5000 | _PAGE_PRESENT | _PAGE_DIRTY,
		  "pte after commit: Dirty lost");
}

static void test_nobatch_at_once(void **state)
{
	unsigned int i;

	(void)state;
	expect_eq(pv_mmu_select("xen-nobatch"), 0, "select xen-nobatch");
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++) {
		commit(i, VAL(i));
		expect_eq(hc_hypercalls(), i + 1, "hypercalls after commit %u", i);
		expect_eq(hc.calls[i].count, 1, "call %u: count", i);
		expect_eq(hc.reqs[i].ptr, ma(i) | MMU_PT_UPDATE_PRESERVE_AD,
			  "request %u: ptr", i);
	}
	expect(xen_mc_empty(), "xen-nobatch queued something");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 3, "hypercalls after leave");
}

/* xen-nobatch never sends update_va_mapping, A and D or not. */
static void test_nobatch_never_uvm(void **state)
{
	(void)state;
	expect_eq(pv_mmu_select("xen-nobatch"), 0, "select xen-nobatch");
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW | _PAGE_AD);
	arch_enter_lazy_mmu_mode();
	commit(0, 0x5000 | _PAGE_PRESENT);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_no_uvm();
	expect_eq(hc.reqs[0].ptr, ma(0) | MMU_PT_UPDATE_PRESERVE_AD, "request 0: ptr");
	expect_eq(hc.reqs[0].val, 0x5000 | _PAGE_PRESENT, "request 0: val");
}

/* generic: the clear is a trapped write, the set a NORMAL request. */
static void test_generic_clear_then_normal(void **state)
{
	unsigned int i;
	u64 ptwr = this_hcstat()->ptwr;

	(void)state;
	expect_eq(pv_mmu_select("generic"), 0, "select generic");
	for (i = 0; i < 3; i++)
		ptes[i] = __pte(VAL(i) | _PAGE_RW | _PAGE_DIRTY);
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++) {
		pte_t old = ptep_modify_prot_start(ADDR(i), &ptes[i]);

		expect_eq(pte_val(old), VAL(i) | _PAGE_RW | _PAGE_DIRTY, "start %u: old", i);
		expect_eq(pte_val(ptes[i]), 0, "start %u: pte not cleared", i);
		ptep_modify_prot_commit(ADDR(i), &ptes[i], old,
					pte_modify(old, PAGE_KERNEL_RO));
	}
	expect_eq(this_hcstat()->ptwr - ptwr, 3, "emulated pte writes");
	expect_eq(hc_hypercalls(), 0, "hypercalls inside the section");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	for (i = 0; i < 3; i++) {
		expect_eq(hc.reqs[i].ptr, ma(i) | MMU_NORMAL_PT_UPDATE, "request %u: ptr", i);
		expect_eq(hc.reqs[i].val, (VAL(i) & ~1ULL) | _PAGE_DIRTY | _PAGE_PRESENT,
			  "request %u: val", i);
	}
}

/*
 * A start that calls out must be called: the in-place read stands only
 * for a start that is a plain read.  (A start called or not leaves no
 * trace in Xen, so this counts calls to a start of the test's own.)
 */
static unsigned int counted_starts;

static pte_t counted_start(unsigned long addr, pte_t *ptep)
{
	(void)addr;
	counted_starts++;
	return ptep_read(ptep);
}

static void test_start_called_unless_plain_read(void **state)
{
	pte_t old;

	(void)state;
	counted_starts = 0;
	ptes[0] = __pte(0x5067);
	expect_eq(pv_mmu_select_txn("counted", counted_start,
				    pv_mmu_ops.ptep_modify_prot_commit), 0,
		  "select a start of our own");
	expect(!pv_mmu_ops.prot_start_reads, "a start of our own read in place");
	arch_enter_lazy_mmu_mode();
	old = ptep_modify_prot_start(ADDR(0), &ptes[0]);
	expect_eq(pte_val(old), 0x5067, "start: old");
	expect_eq(counted_starts, 1, "our start not called");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(pv_mmu_select("xen"), 0, "select xen");
	expect(pv_mmu_ops.prot_start_reads, "xen's start (a plain read) called");
}

static unsigned int counted_commits;
static void (*xen_commit)(unsigned long addr, pte_t *ptep, pte_t old,
			  pte_t pte);

static void counted_commit(unsigned long addr, pte_t *ptep, pte_t old, pte_t pte)
{
	counted_commits++;
	xen_commit(addr, ptep, old, pte);
}

/*
 * The wrapper does Xen's commit in place only while Xen's is the one
 * selected: a commit of our own, even around Xen's, is called for every
 * pte, the open entry notwithstanding.
 */
static void test_commit_called_unless_xens(void **state)
{
	unsigned int i;

	(void)state;
	xen_commit = pv_mmu_ops.ptep_modify_prot_commit;
	counted_commits = 0;
	expect(pv_mmu_ops.prot_commit_queues, "xen's commit not done in place");
	expect_eq(pv_mmu_select_txn("counted", pv_mmu_ops.ptep_modify_prot_start,
				    counted_commit), 0,
		  "select a commit of our own");
	expect(!pv_mmu_ops.prot_commit_queues, "a commit of our own done in place");
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 3; i++)
		commit(i, 0x1000 * (i + 1) | _PAGE_PRESENT);
	expect_eq(counted_commits, 3, "our commit called for each pte");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(pv_mmu_select("xen"), 0, "select xen");
	expect(pv_mmu_ops.prot_commit_queues, "xen's commit not done in place");
}

static void test_select_unknown(void **state)
{
	(void)state;
	expect_eq(pv_mmu_select("nonsense"), -EINVAL, "select nonsense");
	expect(!strcmp(pv_mmu_ops.name, "xen"), "backend after a bad name: %s",
	       pv_mmu_ops.name);
}

/* Without XENFEAT_mmu_pt_update_preserve_ad only generic is possible. */
static void test_select_without_preserve_ad(void **state)
{
	(void)state;
	xen_features[0] = 0;
	expect_eq(pv_mmu_select("xen"), -ENOSYS, "select xen");
	expect_eq(pv_mmu_select("xen-nobatch"), -ENOSYS, "select xen-nobatch");
	expect(!strcmp(pv_mmu_ops.name, "xen"), "backend after -ENOSYS: %s",
	       pv_mmu_ops.name);
	expect_eq(pv_mmu_select("generic"), 0, "select generic");
	expect(!strcmp(pv_mmu_ops.name, "generic"), "backend: %s", pv_mmu_ops.name);
}

static void test_init_falls_back(void **state)
{
	(void)state;
	xen_features[0] = 0;
	xen_mmu_init();
	expect(!strcmp(pv_mmu_ops.name, "generic"), "boot without PRESERVE_AD chose %s",
	       pv_mmu_ops.name);
	expect(strstr(host_printk_last, "generic"), "no word of the fallback: %s",
	       host_printk_last);
	xen_features[0] = 1u << XENFEAT_mmu_pt_update_preserve_ad;
	xen_mmu_init();
	expect(!strcmp(pv_mmu_ops.name, "xen"), "boot with PRESERVE_AD chose %s",
	       pv_mmu_ops.name);
}

/* xen: alone in its section, a pte that had A and D goes as uvm. */
static void test_xen_lone_ad_uvm(void **state)
{
	u64 newval = 0x5000 | _PAGE_PRESENT;

	(void)state;
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW | _PAGE_AD);
	arch_enter_lazy_mmu_mode();
	commit(0, newval);
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_uvm(0, ADDR(0), newval | _PAGE_AD, UVMF_NONE);
	expect_eq(hc_mem_read(ma(0)), newval | _PAGE_AD, "pte in the model");
}

/* Only A, only D, or neither: the hardware may still set one. */
static void test_xen_lone_without_ad(void **state)
{
	static const u64 olds[] = { _PAGE_ACCESSED, _PAGE_DIRTY, 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(olds); i++) {
		ptes[i] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW | olds[i]);
		arch_enter_lazy_mmu_mode();
		commit(i, 0x5000 | _PAGE_PRESENT);
		expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave %u", i);
		expect_eq(hc.calls[i].op, MMU, "call %u: op", i);
		expect_eq(hc.reqs[i].ptr, ma(i) | MMU_PT_UPDATE_PRESERVE_AD,
			  "request %u: ptr", i);
		expect_eq(hc.reqs[i].val, 0x5000 | _PAGE_PRESENT, "request %u: val", i);
	}
	expect_no_uvm();
}

/*
 * ... yet it is still a lone update: with the INVLPG of its page, one
 * multicall of the two, sent without the buffer.
 */
static void test_xen_lone_clean_with_flush(void **state)
{
	(void)state;
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW);
	arch_enter_lazy_mmu_mode();
	commit(0, 0x5000 | _PAGE_PRESENT);
	flush_tlb_range(ADDR(0), ADDR(1));
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_eq(hc.calls[0].count, 2, "call 0: entries");
	expect_eq(hc.reqs[1].ext.cmd, MMUEXT_INVLPG_LOCAL, "request 1: the INVLPG");
	expect_eq(mmu_delta().lone, 1, "stats: lone updates as queued");
	expect_eq(mc_delta().issued, 0, "batches issued by the buffer");
	expect_no_uvm();
}

/* generic: the set is MMU_NORMAL_PT_UPDATE, so always eligible. */
static void test_generic_lone_uvm(void **state)
{
	pte_t old;

	(void)state;
	expect_eq(pv_mmu_select("generic"), 0, "select generic");
	ptes[0] = __pte(0x5000 | _PAGE_PRESENT | _PAGE_RW);
	hc_va_register(ADDR(0), ma(0));
	arch_enter_lazy_mmu_mode();
	old = ptep_modify_prot_start(ADDR(0), &ptes[0]);
	ptep_modify_prot_commit(ADDR(0), &ptes[0], old, pte_modify(old, PAGE_KERNEL_RO));
	flush_tlb_range(ADDR(0), ADDR(1));
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_uvm(0, ADDR(0), 0x5000 | _PAGE_PRESENT, UVMF_INVLPG | UVMF_LOCAL);
}

/* set_pte_at alone in a section: uvm; outside one: an mmu_update at once. */
static void test_set_pte_at(void **state)
{
	(void)state;
	hc_va_register(ADDR(0), ma(0));
	arch_enter_lazy_mmu_mode();
	set_pte_at(ADDR(0), &ptes[0], __pte(VAL(0)));
	expect_eq(hc_hypercalls(), 0, "hypercalls inside the section");
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	set_pte_at(ADDR(1), &ptes[1], __pte(VAL(1)));
	expect_eq(hc_hypercalls(), 2, "hypercalls");
	expect_uvm(0, ADDR(0), VAL(0), UVMF_NONE);
	expect_eq(hc.calls[1].op, MMU, "call 1: op");
	expect_eq(hc.reqs[1].ptr, ma(1) | MMU_NORMAL_PT_UPDATE, "request 1: ptr");
	expect_eq(hc_mem_read(ma(0)), VAL(0), "pte 0 in the model");
	expect_eq(hc_mem_read(ma(1)), VAL(1), "pte 1 in the model");
}

/* set_pte_at of several ptes: NORMAL requests in one call. */
static void test_set_pte_at_batched(void **state)
{
	unsigned int i;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 4; i++)
		set_pte_at(ADDR(i), &ptes[i], __pte(VAL(i)));
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect_no_uvm();
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	for (i = 0; i < 4; i++) {
		expect_eq(hc.reqs[i].ptr, ma(i) | MMU_NORMAL_PT_UPDATE, "request %u: ptr", i);
		expect_eq(hc_mem_read(ma(i)), VAL(i), "pte %u in the model", i);
	}
}

/* 4096 commits and their flush: in the fewest hypercalls, in order. */
static void test_4096_commits_with_flush(void **state)
{
	unsigned int i, bound = (NR_PTES + MAX_MMU - 1) / MAX_MMU + 1;

	(void)state;
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < NR_PTES; i++)
		commit(i, VAL(i));
	flush_tlb_range(ADDR(0), ADDR(NR_PTES));
	expect_eq(arch_leave_lazy_mmu_mode(), 0, "leave");
	expect(hc_hypercalls() <= bound, "%u hypercalls, bound %u", hc_hypercalls(), bound);
	expect_eq(hc.nr_reqs, NR_PTES + 1, "requests");
	expect_eq(hc.reqs[NR_PTES].op, EXT, "the last request: the flush");
	expect_eq(hc.reqs[NR_PTES].ext.cmd, MMUEXT_TLB_FLUSH_LOCAL, "the flush");
	for (i = 0; i < NR_PTES; i++)
		expect_eq(hc_mem_read(ma(i)), VAL(i), "pte %u in the model", i);
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT);
}

/* The fault-path clear: a cmpxchg on the pte, no request. */
static void test_xen_get_and_clear(void **state)
{
	u64 ptwr = this_hcstat()->ptwr;
	pte_t old;

	(void)state;
	ptes[0] = __pte(VAL(0));
	old = ptep_get_and_clear(ADDR(0), &ptes[0]);
	expect_eq(pte_val(old), VAL(0), "old value");
	expect_eq(pte_val(ptes[0]), 0, "pte after clear");
	expect_eq(this_hcstat()->ptwr - ptwr, 1, "emulated pte writes");
	expect_eq(hc_hypercalls(), 0, "hypercalls");
}

/* A refused commit: reported with its pte, the others still applied. */
static void test_xen_refused_commit(void **state)
{
	const struct mmu_failure *f;
	unsigned int i;

	(void)state;
	hc_fail_at(2, -EINVAL);
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < 4; i++)
		commit(i, VAL(i));
	expect_eq(arch_leave_lazy_mmu_mode(), -EINVAL, "leave");
	expect_eq(mmu_delta().failures, 1, "failures reported");
	f = failure(0);
	expect_eq(f->ptr, ma(2) | MMU_PT_UPDATE_PRESERVE_AD, "failure: ptr");
	expect_eq(f->val, VAL(2), "failure: val");
	expect(f->caller, "failure reported without a caller");
	for (i = 0; i < 4; i++)
		expect_eq(hc_mem_written(ma(i)), i != 2, "pte %u written", i);
	expect_mode_exercised(EX_PREEMPT | EX_FAIL_AFTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TT(test_xen_batched_preserve_ad),
		TT(test_xen_outside_lazy_at_once),
		TT(test_xen_keeps_hardware_ad),
		TT(test_nobatch_at_once),
		TT(test_nobatch_never_uvm),
		TT(test_generic_clear_then_normal),
		TT(test_start_called_unless_plain_read),
		TT(test_commit_called_unless_xens),
		TT(test_select_unknown),
		TT(test_select_without_preserve_ad),
		TT(test_init_falls_back),
		TT(test_xen_lone_ad_uvm),
		TT(test_xen_lone_without_ad),
		TT(test_xen_lone_clean_with_flush),
		TT(test_generic_lone_uvm),
		TT(test_set_pte_at),
		TT(test_set_pte_at_batched),
		TT(test_4096_commits_with_flush),
		TT(test_xen_get_and_clear),
		TT(test_xen_refused_commit),
	};

	return cmocka_run_group_tests_name("txn", tests, NULL, NULL);
}

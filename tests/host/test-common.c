// SPDX-License-Identifier: GPL-2.0
/*
 * The fixture and helpers of the host unit tests: see test-common.h.
 */
#include "test-common.h"

#include <stdlib.h>

static struct xen_mmu_stats mmu_base[NR_CPUS];
static struct mc_stats mc_base[NR_CPUS];
struct cb_seen cb_seen[MC_CALLBACKS + 1];
static unsigned int cb_order;

/* A panic nobody expected fails the test that caused it, not the run. */
static void unexpected_panic(const char *msg)
{
	fail_msg("unexpected panic: %s", msg);
	abort();
}

/*
 * Stop a recovery that does not converge -- a count Xen cannot read, or
 * far more hypercalls than any test needs -- saying what it issued.
 */
static void runaway_hook(unsigned int op)
{
	const struct hc_call *c = &hc.calls[hc.nr_calls - 1];

	/* Above HC_WILD_COUNT includes a continuation's PREEMPTED bit. */
	if (hc.wild_counts ||
	    ((c->op == MMU || c->op == EXT) && c->args[1] > HC_WILD_COUNT))
		fail_msg("runaway: call %u (op %u) has count %#lx, %u wild counts before",
			 hc_hypercalls(), op, c->args[1], hc.wild_counts);
	if (hc_hypercalls() > RUNAWAY_CALLS)
		fail_msg("runaway: %u hypercalls, the last op %u count %#lx",
			 hc_hypercalls(), op, c->args[1]);
}

static void features_preserve_ad(void)
{
	memset(xen_features, 0, sizeof(xen_features));
	xen_features[0] = 1u << XENFEAT_mmu_pt_update_preserve_ad;
}

int tc_setup(void **state)
{
	unsigned int cpu;

	(void)state;
	hc_reset();
	hc.hook = runaway_hook;
	host_panic_hook = unexpected_panic;
	host_panics = 0;
	host_cpu.fault_depth = 0;
	nr_cpus_online = 1;
	features_preserve_ad();
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		host_cpu.cpu = cpu;
		mmu_base[cpu] = *xen_mmu_stats();
		mc_base[cpu] = *xen_mc_stats();
	}
	host_cpu.cpu = 0;
	memset(cb_seen, 0, sizeof(cb_seen));
	cb_order = 0;
	if (pv_mmu_select("xen"))
		fail_msg("setup: cannot select the xen backend");
	return 0;
}

/*
 * Leave every vCPU as a fresh boot would: nothing queued, out of lazy
 * mode, not idle.  What a test left queued is dropped, not issued: a
 * test that failed inside an issue leaves a batch whose callbacks ran
 * already.  The double is reset first, so that no injected failure
 * reaches what the leave issues; the runaway hook stays.
 */
int tc_teardown(void **state)
{
	unsigned int cpu;

	(void)state;
	hc_reset();
	hc.hook = runaway_hook;
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		host_cpu.cpu = cpu;
		host_cpu.fault_depth = 0;
		memset(&xen_mc_buffers[cpu], 0, sizeof(xen_mc_buffers[cpu]));
		if (xen_lazy_mmu())
			arch_leave_lazy_mmu_mode();
		tlb_idle_exit();
	}
	host_cpu.cpu = 0;
	nr_cpus_online = 1;
	features_preserve_ad();
	pv_mmu_select("xen");
	hc_reset();
	return 0;
}

void q(unsigned int i)
{
	xen_queue_pte_update(MA(i) | MMU_NORMAL_PT_UPDATE, VAL(i), 0, CALLER(i));
}

void qva(unsigned int i)
{
	hc_va_register(VA(i), MA(i));
	xen_queue_pte_update(MA(i) | MMU_NORMAL_PT_UPDATE, VAL(i), VA(i),
			     CALLER(i));
}

void qpad(unsigned int i, u64 ad)
{
	hc_va_register(VA(i), MA(i));
	xen_queue_pte_update(MA(i) | MMU_PT_UPDATE_PRESERVE_AD, VAL(i) | ad,
			     VA(i), CALLER(i));
}

void flush_pages(unsigned int i, unsigned int n)
{
	unsigned long start = VA(i) & PAGE_MASK;

	flush_tlb_range(start, start + n * PAGE_SIZE);
}

void flush_page(unsigned int i)
{
	flush_pages(i, 1);
}

struct xen_mmu_stats mmu_delta(void)
{
	const struct xen_mmu_stats *now = xen_mmu_stats();
	const struct xen_mmu_stats *base = &mmu_base[smp_processor_id()];

	return (struct xen_mmu_stats){
		.uvm = now->uvm - base->uvm,
		.uvm_invlpg = now->uvm_invlpg - base->uvm_invlpg,
		.uvm_refused = now->uvm_refused - base->uvm_refused,
		.lone = now->lone - base->lone,
		.failures = now->failures - base->failures,
	};
}

struct mc_stats mc_delta(void)
{
	const struct mc_stats *now = xen_mc_stats();
	const struct mc_stats *base = &mc_base[smp_processor_id()];

	return (struct mc_stats){
		.issued = now->issued - base->issued,
		.direct = now->direct - base->direct,
		.multicalls = now->multicalls - base->multicalls,
	};
}

const struct mmu_failure *failure(unsigned int k)
{
	unsigned int n = (unsigned int)mmu_delta().failures;
	const struct mmu_failure *f;

	expect(k < n, "refusal %u asked for, but this test reported %u", k, n);
	f = xen_mmu_failure(n - 1 - k);
	expect(f, "refusal %u of %u is no longer in the log", k, n);
	return f;
}

void expect_failure_cmd(unsigned int k, unsigned int i, unsigned int cmd,
			int err)
{
	const struct mmu_failure *f = failure(k);

	expect_eq(f->op, MMU, "failure %u: op", k);
	expect_eq(f->err, err, "failure %u: err", k);
	expect_eq(f->ptr, MA(i) | cmd,
		  "failure %u: ptr (request %u's pte, command %u)", k, i, cmd);
	expect_eq(f->val, VAL(i), "failure %u: val (request %u's)", k, i);
	expect_eq(f->caller, CALLER(i), "failure %u: caller (request %u's)", k, i);
}

void expect_failure_of(unsigned int k, unsigned int i, int err)
{
	expect_failure_cmd(k, i, MMU_NORMAL_PT_UPDATE, err);
}

static unsigned int count_reqs(unsigned int i, bool only_applied)
{
	unsigned int r, n = 0;

	for (r = 0; r < hc.nr_reqs; r++) {
		const struct hc_req *x = &hc.reqs[r];

		if (x->op == MMU && (x->ptr & ~7ULL) == MA(i) &&
		    (!only_applied || x->applied))
			n++;
	}
	return n;
}

unsigned int times_presented(unsigned int i)
{
	return count_reqs(i, false);
}

unsigned int times_applied(unsigned int i)
{
	return count_reqs(i, true);
}

void expect_req(unsigned int r, unsigned int i, bool applied)
{
	const struct hc_req *x;

	expect(r < hc.nr_reqs, "request %u not seen: only %u requests", r,
	       hc.nr_reqs);
	x = &hc.reqs[r];
	expect_eq(x->op, MMU, "request %u: op", r);
	expect_eq(x->ptr & ~7ULL, MA(i), "request %u: ptr (want request %u)", r, i);
	expect_eq(x->val, VAL(i), "request %u: val (want request %u)", r, i);
	expect_eq(x->applied, applied, "request %u (request %u): applied", r, i);
}

void expect_uvm(unsigned int c, unsigned long va, u64 val, unsigned long flags)
{
	const struct hc_call *call;

	expect(c < hc.nr_calls, "call %u not seen: only %u calls", c, hc.nr_calls);
	call = &hc.calls[c];
	expect_eq(call->op, UVM, "call %u: op (update_va_mapping)", c);
	expect_eq(call->parent, HC_NO_PARENT, "call %u: parent (a direct call)", c);
	expect_eq(call->args[0], va, "call %u: update_va_mapping va", c);
	expect_eq(call->args[1], val, "call %u: update_va_mapping val", c);
	expect_eq(call->args[2], flags, "call %u: update_va_mapping flags", c);
}

unsigned int calls_of(unsigned int op)
{
	unsigned int c, n = 0;

	for (c = 0; c < hc.nr_calls; c++)
		n += hc.calls[c].parent == HC_NO_PARENT && hc.calls[c].op == op;
	return n;
}

void expect_no_uvm(void)
{
	struct xen_mmu_stats d = mmu_delta();

	expect_eq(calls_of(UVM), 0, "update_va_mapping calls");
	expect_eq(d.uvm, 0, "stats: update_va_mapping taken");
	expect_eq(d.uvm_refused, 0, "stats: update_va_mapping refused");
}

void expect_pte(unsigned int i, u64 want)
{
	expect(hc_mem_written(MA(i)), "pte of request %u never written (want %#llx)",
	       i, (unsigned long long)want);
	expect_eq(hc_mem_read(MA(i)), want, "pte of request %u", i);
}

void expect_mode_exercised(unsigned int what)
{
	/* The tests are shaped for the default rule: every call, after 1. */
	if (in_mode(HC_PREEMPT) && hc.preempt_every == 1 && hc.preempt_after == 1) {
		expect(!(what & EX_PREEMPT) || hc.preempted > 0,
		       "preempt mode, yet no call was preempted");
		expect(!(what & EX_FAIL_AFTER) || hc.failed_after_preempt > 0,
		       "preempt mode, yet no request failed after a preemption");
	}
	if (in_mode(HC_CLOBBER))
		expect(!(what & EX_CLOBBER) || hc.clobbered > 0,
		       "clobber mode, yet no entry was clobbered");
}

void cb_record(const struct mc_issued *batch, void *data)
{
	struct cb_seen *s = data;
	unsigned int i;

	s->runs++;
	s->order = cb_order++;
	s->hypercalls = hc_hypercalls();
	s->nr = batch->nr;
	for (i = 0; i < batch->nr && i < CB_MAX_CALLS; i++)
		s->calls[i] = batch->calls[i];
}

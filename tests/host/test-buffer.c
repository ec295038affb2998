// SPDX-License-Identifier: GPL-2.0
/*
 * The multicall buffer's verbs (multicalls.c), used directly: entry and
 * extend rules, capacity, issuing, the records callbacks see, callers,
 * statistics.  No pte policy is involved.
 */
#include "test-common.h"

/* Open an entry with mmu_update request i. */
static struct mmu_update *entry_mmu(unsigned int i)
{
	struct mmu_update *u = xen_mc_entry(MMU, REQ_SZ, CALLER(i));

	if (u) {
		u->ptr = MA(i);
		u->val = VAL(i);
	}
	return u;
}

/* Add mmu_update request i to the last entry. */
static struct mmu_update *extend_mmu(unsigned int i)
{
	struct mmu_update *u = xen_mc_extend_args(MMU, REQ_SZ, CALLER(i));

	if (u) {
		u->ptr = MA(i);
		u->val = VAL(i);
	}
	return u;
}

static struct mmuext_op *entry_ext(unsigned int cmd)
{
	struct mmuext_op *x = xen_mc_entry(EXT, EXT_SZ, FLUSH_CALLER);

	if (x) {
		memset(x, 0, sizeof(*x));
		x->cmd = cmd;
	}
	return x;
}

static void test_entry_queues_nothing_issued(void **state)
{
	(void)state;
	expect(xen_mc_empty(), "buffer not empty at the start");
	expect(entry_mmu(0), "entry refused in an empty buffer");
	expect(!xen_mc_empty(), "buffer empty after an entry");
	expect_eq(hc_hypercalls(), 0, "hypercalls before issue");
	expect_eq(xen_mc_issue(), 0, "issue");
	expect_eq(hc_hypercalls(), 1, "hypercalls after issue");
	expect(xen_mc_empty(), "buffer not empty after issue");
}

static void test_extend_same_op(void **state)
{
	unsigned int i;

	(void)state;
	entry_mmu(0);
	for (i = 1; i < 5; i++)
		expect(extend_mmu(i), "extend %u refused", i);
	expect_eq(xen_mc_issue(), 0, "issue");
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].op, MMU, "call 0: op");
	expect_eq(hc.calls[0].count, 5, "call 0: count");
	for (i = 0; i < 5; i++)
		expect_req(i, i, true);
}

static void test_extend_other_op_refused(void **state)
{
	(void)state;
	entry_mmu(0);
	expect(!xen_mc_extend_args(EXT, EXT_SZ, FLUSH_CALLER),
	       "an mmuext_op extended an mmu_update entry");
	xen_mc_issue();
	expect_eq(hc.calls[0].count, 1, "call 0: count after the refused extend");
}

static void test_extend_empty_refused(void **state)
{
	(void)state;
	expect(!extend_mmu(0), "extend accepted with no entry open");
	expect(xen_mc_empty(), "a refused extend left something queued");
}

/* After an issue there is no last entry: extend must not find one. */
static void test_extend_after_issue_refused(void **state)
{
	(void)state;
	entry_mmu(0);
	xen_mc_issue();
	expect(!extend_mmu(1), "extend accepted after the issue, with no entry open");
	expect(xen_mc_empty(), "a refused extend left something queued");
	expect_eq(hc.calls[0].count, 1, "the issued call: count");
}

/*
 * The buffer holds calls of one shape, mmu_update and mmuext_op (the
 * ones xen_mc_call() can issue); any other op is a bug, refused when
 * queued rather than when issued.
 */
static void test_entry_other_hypercall_panics(void **state)
{
	(void)state;
	expect(HOST_PANICS(xen_mc_entry(__HYPERVISOR_set_trap_table, REQ_SZ,
					CALLER(0))),
	       "an entry of hypercall 0 accepted");
	expect(xen_mc_empty(), "the refused entry left something queued");
	expect(!extend_mmu(0), "extend accepted after a refused entry");
}

/*
 * extend grows the last entry's array in place: that needs every array
 * to end on a whole 8-byte unit, so an entry of any other size is a bug.
 */
static void test_entry_odd_size_panics(void **state)
{
	(void)state;
	expect(HOST_PANICS(xen_mc_entry(MMU, 12, CALLER(0))),
	       "an entry of 12 bytes accepted");
	expect(xen_mc_empty(), "the refused entry left something queued");
}

/* The same rule when growing: the last array would no longer end on a unit. */
static void test_extend_odd_size_panics(void **state)
{
	(void)state;
	entry_mmu(0);
	expect(HOST_PANICS(xen_mc_extend_args(MMU, 12, CALLER(1))),
	       "an extend of 12 bytes accepted");
	expect_eq(__xen_mc_buffer()->calls[0].count, 1,
		  "the refused extend grew the entry");
}

/* Same op, new entry: a separate entry, not merged. */
static void test_entry_never_merges(void **state)
{
	(void)state;
	entry_mmu(0);
	entry_mmu(1);
	xen_mc_issue();
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_eq(hc.calls[0].count, 2, "multicall entries");
}

static void test_capacity_entries(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < CONFIG_MC_ENTRIES; i++)
		expect(i % 2 ? entry_mmu(i) : (void *)entry_ext(MMUEXT_TLB_FLUSH_LOCAL),
		       "entry %u refused below capacity", i);
	expect(!entry_ext(MMUEXT_TLB_FLUSH_LOCAL), "entry beyond CONFIG_MC_ENTRIES accepted");
	expect(!entry_mmu(100), "mmu entry beyond CONFIG_MC_ENTRIES accepted");
	/* The last entry is an mmu_update: it still grows. */
	expect(extend_mmu(101), "extend of the last entry refused when entries are full");
	expect_eq(hc_hypercalls(), 0, "hypercalls: the buffer issued on its own");
	xen_mc_issue();
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	expect_eq(hc.calls[0].count, CONFIG_MC_ENTRIES, "multicall entries");
	expect_eq(hc.nr_reqs, CONFIG_MC_ENTRIES + 1, "requests seen");
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT);
}

static void test_capacity_arg_bytes(void **state)
{
	unsigned int i;

	(void)state;
	entry_mmu(0);
	for (i = 1; i < MAX_MMU; i++)
		expect(extend_mmu(i), "extend %u refused below capacity", i);
	expect(!extend_mmu(MAX_MMU), "extend beyond the argument space accepted");
	expect(!entry_mmu(MAX_MMU), "entry beyond the argument space accepted");
	expect_eq(hc_hypercalls(), 0, "hypercalls: the buffer issued on its own");
	xen_mc_issue();
	expect_eq(hc.calls[0].count, MAX_MMU, "call 0: count");
	for (i = 0; i < MAX_MMU; i++)
		expect_req(i, i, true);
	expect_mode_exercised(EX_PREEMPT);
}

/* Room for one more mmu_update, not for an mmuext_op. */
static void test_capacity_arg_bytes_mixed(void **state)
{
	unsigned int i;

	(void)state;
	entry_mmu(0);
	for (i = 1; i < MAX_MMU - 1; i++)
		extend_mmu(i);
	expect(!entry_ext(MMUEXT_TLB_FLUSH_LOCAL), "mmuext_op accepted in %zu bytes",
	       CONFIG_MC_ARGS_BYTES - (MAX_MMU - 1) * REQ_SZ);
	expect(extend_mmu(MAX_MMU - 1), "the last mmu_update that fits refused");
	expect_eq(hc_hypercalls(), 0, "hypercalls: the buffer issued on its own");
	xen_mc_issue();
	expect_eq(hc.calls[0].count, MAX_MMU, "call 0: count");
}

static void test_one_entry_is_direct(void **state)
{
	struct mc_stats d;

	(void)state;
	entry_mmu(0);
	extend_mmu(1);
	xen_mc_issue();
	d = mc_delta();
	expect_eq(hc.nr_multicalls, 0, "multicalls");
	expect_eq(hc.calls[0].op, MMU, "call 0: op");
	expect_eq(hc.calls[0].parent, HC_NO_PARENT, "call 0: parent");
	expect_eq(hc.calls[0].args[3], DOMID_SELF, "call 0: domain");
	expect_eq(hc.sub_calls[MMU], 0, "a direct call accounted as a sub-call");
	expect_eq(d.issued, 1, "stats: issued");
	expect_eq(d.direct, 1, "stats: direct");
	expect_eq(d.multicalls, 0, "stats: multicalls");
	expect_eq(hc.odd_calls, 0, "odd calls");
}

static void test_more_entries_multicall(void **state)
{
	const struct multicall_entry *e;
	struct mc_stats d;

	(void)state;
	entry_mmu(0);
	extend_mmu(1);
	entry_ext(MMUEXT_TLB_FLUSH_LOCAL);
	entry_mmu(2);
	xen_mc_issue();
	d = mc_delta();
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_eq(hc.calls[0].op, MULTI, "call 0: op");
	e = hc.calls[0].copy;
	expect_eq(e[0].op, MMU, "entry 0: op");
	expect_eq(e[0].args[1], 2, "entry 0: count");
	expect_eq(e[1].op, EXT, "entry 1: op");
	expect_eq(e[2].op, MMU, "entry 2: op");
	expect_eq(e[2].args[1], 1, "entry 2: count");
	expect_eq(e[2].args[3], DOMID_SELF, "entry 2: domain");
	expect_eq(hc.sub_calls[MMU], 2, "accounted mmu_update sub-calls");
	expect_eq(hc.sub_calls[EXT], 1, "accounted mmuext_op sub-calls");
	expect_eq(hc.sub_reqs[MMU], 3, "accounted mmu_update requests");
	expect_eq(d.issued, 1, "stats: issued");
	expect_eq(d.multicalls, 1, "stats: multicalls");
	expect_eq(d.direct, 0, "stats: direct");
	expect_eq(hc.odd_calls, 0, "odd calls");
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT);
}

static void test_issue_empty(void **state)
{
	(void)state;
	expect_eq(xen_mc_issue(), 0, "issue of nothing");
	expect_eq(hc_hypercalls(), 0, "hypercalls for an empty buffer");
	expect_eq(mc_delta().issued, 0, "stats: an empty issue counted");
}

/* After the issue, the buffer starts over at the start of its space. */
static void test_issue_resets(void **state)
{
	void *first, *again;

	(void)state;
	first = entry_mmu(0);
	xen_mc_callback(cb_record, &cb_seen[0]);
	xen_mc_issue();
	expect(xen_mc_empty(), "not empty after issue");
	again = entry_mmu(1);
	expect(first == again, "the second batch does not start where the first did");
	xen_mc_issue();
	expect_eq(cb_seen[0].runs, 1, "callback runs: not once, or run again");
	expect_eq(hc.calls[1].count, 1, "second call: count");
}

/*
 * The records callbacks see are what was queued, whatever Xen left in
 * its entries (clobbered, or a preempted sub-call's continuation).
 */
static void test_records_as_queued(void **state)
{
	struct cb_seen *s = &cb_seen[0];
	struct mmu_update *first;
	unsigned int i;

	(void)state;
	first = entry_mmu(0);
	for (i = 1; i < 6; i++)
		extend_mmu(i);
	entry_ext(MMUEXT_TLB_FLUSH_LOCAL);
	xen_mc_callback(cb_record, s);
	xen_mc_issue();
	expect_eq(s->nr, 2, "callback: calls");
	expect_eq(s->calls[0].op, MMU, "record 0: op");
	expect_eq(s->calls[0].count, 6, "record 0: count");
	expect(s->calls[0].reqs == first, "record 0: reqs moved to %p from %p",
	       s->calls[0].reqs, (void *)first);
	expect_eq(s->calls[0].done, 6, "record 0: done");
	expect_eq(s->calls[0].result, 0, "record 0: result");
	expect_eq(s->calls[1].op, EXT, "record 1: op");
	expect_eq(s->calls[1].count, 1, "record 1: count");
	expect_eq(s->calls[1].done, 1, "record 1: done");
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT);
}

/* Even an entry Xen ended with a deferred put (preempt mode). */
static void test_records_after_deferred_put(void **state)
{
	struct cb_seen *s = &cb_seen[0];
	struct mmu_update *first;

	(void)state;
	hc.deferred_put = in_mode(HC_PREEMPT);
	first = entry_mmu(0);
	extend_mmu(1);
	entry_ext(MMUEXT_TLB_FLUSH_LOCAL);
	xen_mc_callback(cb_record, s);
	xen_mc_issue();
	if (in_mode(HC_PREEMPT))
		expect_eq(hc.deferred_puts, 2, "scenario: deferred puts");
	expect(s->calls[0].reqs == first, "record 0: reqs moved to %p from %p",
	       s->calls[0].reqs, (void *)first);
	expect_eq(s->calls[0].count, 2, "record 0: count");
	expect_eq(s->calls[0].done, 2, "record 0: done");
	expect_eq(s->calls[1].op, EXT, "record 1: op");
	expect_eq(s->calls[1].done, 1, "record 1: done");
}

/* A refused request: its entry's result and done, the others' too. */
static void test_records_result_and_done(void **state)
{
	struct cb_seen *s = &cb_seen[0];
	unsigned int i;
	long rc;

	(void)state;
	hc_fail_at(3, -EINVAL);		/* request 3 of the first entry */
	entry_mmu(0);
	for (i = 1; i < 6; i++)
		extend_mmu(i);
	entry_ext(MMUEXT_TLB_FLUSH_LOCAL);
	xen_mc_callback(cb_record, s);
	rc = xen_mc_issue();
	expect_eq(rc, -EINVAL, "issue: the first entry's error");
	expect_eq(s->calls[0].result, -EINVAL, "record 0: result");
	expect_eq(s->calls[0].done, 3, "record 0: done");
	expect_eq(s->calls[0].count, 6, "record 0: count as queued");
	expect_eq(s->calls[1].result, 0, "record 1: result");
	expect_eq(s->calls[1].done, 1, "record 1: done");
	/* The buffer itself re-issues nothing. */
	expect_eq(hc_hypercalls(), 1, "hypercalls");
	expect_mode_exercised(EX_CLOBBER | EX_PREEMPT | EX_FAIL_AFTER);
}

static void test_direct_result_and_done(void **state)
{
	struct cb_seen *s = &cb_seen[0];
	unsigned int i;

	(void)state;
	hc_fail_at(2, -EPERM);
	entry_mmu(0);
	for (i = 1; i < 4; i++)
		extend_mmu(i);
	xen_mc_callback(cb_record, s);
	expect_eq(xen_mc_issue(), -EPERM, "issue");
	expect_eq(s->nr, 1, "callback: calls");
	expect_eq(s->calls[0].result, -EPERM, "record 0: result");
	expect_eq(s->calls[0].done, 2, "record 0: done");
	expect_mode_exercised(EX_PREEMPT | EX_FAIL_AFTER);
}

static void test_callbacks_after_issue_in_order(void **state)
{
	(void)state;
	entry_mmu(0);
	xen_mc_callback(cb_record, &cb_seen[0]);
	entry_ext(MMUEXT_TLB_FLUSH_LOCAL);
	xen_mc_callback(cb_record, &cb_seen[1]);
	expect_eq(cb_seen[0].runs, 0, "callback ran before the issue");
	xen_mc_issue();
	expect_eq(cb_seen[0].runs, 1, "callback 0 runs");
	expect_eq(cb_seen[1].runs, 1, "callback 1 runs");
	expect_eq(cb_seen[0].hypercalls, 1, "hypercalls when callback 0 ran");
	expect(cb_seen[0].order < cb_seen[1].order, "callbacks ran out of order");
	xen_mc_issue();
	expect_eq(cb_seen[0].runs, 1, "callback ran again on an empty issue");
}

/* All slots taken: refused, and nothing issued to make room. */
static void test_callback_slots_full(void **state)
{
	unsigned int i;

	(void)state;
	entry_mmu(0);
	for (i = 0; i < MC_CALLBACKS; i++)
		expect(xen_mc_callback(cb_record, &cb_seen[i]), "callback %u refused", i);
	expect(!xen_mc_callback(cb_record, &cb_seen[MC_CALLBACKS]),
	       "callback beyond MC_CALLBACKS accepted");
	expect_eq(hc_hypercalls(), 0, "hypercalls: the buffer issued on its own");
	xen_mc_issue();
	for (i = 0; i < MC_CALLBACKS; i++)
		expect_eq(cb_seen[i].runs, 1, "callback %u runs", i);
	expect_eq(cb_seen[MC_CALLBACKS].runs, 0, "refused callback runs");
}

/* A callback alone is something queued, and runs with an empty batch. */
static void test_callback_without_entries(void **state)
{
	(void)state;
	xen_mc_callback(cb_record, &cb_seen[0]);
	expect(!xen_mc_empty(), "a waiting callback counted as empty");
	xen_mc_issue();
	expect_eq(cb_seen[0].runs, 1, "callback runs");
	expect_eq(cb_seen[0].nr, 0, "callback: calls");
	expect_eq(hc_hypercalls(), 0, "hypercalls");
}

static unsigned long seen_caller[8];

static void cb_callers(const struct mc_issued *batch, void *data)
{
	const struct mc_call *c = &batch->calls[0];
	unsigned int i;

	(void)data;
	for (i = 0; i < c->count && i < 8; i++)
		seen_caller[i] = xen_mc_caller((const u8 *)c->reqs + i * REQ_SZ);
	seen_caller[7] = xen_mc_caller(batch->calls[1].reqs);
}

static void test_caller_per_request(void **state)
{
	unsigned int i;
	int outside;

	(void)state;
	memset(seen_caller, 0, sizeof(seen_caller));
	entry_mmu(0);
	for (i = 1; i < 4; i++)
		extend_mmu(i);
	entry_ext(MMUEXT_TLB_FLUSH_LOCAL);
	xen_mc_callback(cb_callers, NULL);
	xen_mc_issue();
	for (i = 0; i < 4; i++)
		expect_eq(seen_caller[i], CALLER(i), "caller of request %u", i);
	expect_eq(seen_caller[7], FLUSH_CALLER, "caller of the mmuext_op");
	expect_eq(xen_mc_caller(&outside), 0, "caller of memory outside the buffer");
}

#define NR_BATCHES	3

static void test_stats_count_batches(void **state)
{
	struct mc_stats d;
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_BATCHES; i++) {
		entry_mmu(i);
		if (i)
			entry_ext(MMUEXT_TLB_FLUSH_LOCAL);
		xen_mc_issue();
	}
	xen_mc_issue();
	d = mc_delta();
	expect_eq(d.issued, NR_BATCHES, "stats: issued");
	expect_eq(d.direct, 1, "stats: direct");
	expect_eq(d.multicalls, NR_BATCHES - 1, "stats: multicalls");
}

/* The buffers are per vCPU. */
static void test_per_vcpu_buffers(void **state)
{
	(void)state;
	entry_mmu(0);
	host_cpu.cpu = 1;
	expect(xen_mc_empty(), "vCPU 1 sees vCPU 0's entry");
	entry_mmu(1);
	xen_mc_issue();
	expect_eq(hc.calls[0].count, 1, "vCPU 1's call: count");
	expect_req(0, 1, true);
	host_cpu.cpu = 0;
	expect(!xen_mc_empty(), "vCPU 0's entry gone");
	xen_mc_issue();
	expect_req(1, 0, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_entry_queues_nothing_issued),
		T(test_extend_same_op),
		T(test_extend_other_op_refused),
		T(test_extend_empty_refused),
		T(test_extend_after_issue_refused),
		T(test_entry_other_hypercall_panics),
		T(test_entry_odd_size_panics),
		T(test_extend_odd_size_panics),
		T(test_entry_never_merges),
		T(test_capacity_entries),
		T(test_capacity_arg_bytes),
		T(test_capacity_arg_bytes_mixed),
		T(test_one_entry_is_direct),
		T(test_more_entries_multicall),
		T(test_issue_empty),
		T(test_issue_resets),
		T(test_records_as_queued),
		T(test_records_after_deferred_put),
		T(test_records_result_and_done),
		T(test_direct_result_and_done),
		T(test_callbacks_after_issue_in_order),
		T(test_callback_slots_full),
		T(test_callback_without_entries),
		T(test_caller_per_request),
		T(test_stats_count_batches),
		T(test_per_vcpu_buffers),
	};

	return cmocka_run_group_tests_name("buffer", tests, NULL, NULL);
}

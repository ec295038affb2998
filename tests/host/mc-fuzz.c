// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the batching layer (arch/x86/xen/multicalls.c,
 * built unchanged against the recording double).  The input is decoded
 * into a sequence of operations -- queue mmu_update requests (through
 * the per-pte path with a va, in the page of an INVLPG that may follow
 * or not, or with none) and mmuext_op requests, callbacks, flushes, lazy
 * enter/leave in a valid order, immediate updates (from fault context
 * too), and injected failures -- and what reached the double is checked
 * against a reference model:
 *
 *  - every queued request reaches the double, and (TLB flushes aside)
 *    exactly once; a TLB flush may be issued again only after a request
 *    of its batch failed;
 *  - a batch reaches the double before the next one, in queue order,
 *    except that requests following a failed one in the same entry (a
 *    run of the same op) may come after the batch's later entries;
 *  - every TLB flush is issued after every update queued before it in
 *    its batch (unless the flush failed, and was reported);
 *  - exactly the failed presentations are reported, with op, error,
 *    request and caller; nothing else is;
 *  - xen_mc_flush returns the first error of its flush, lazy leave the
 *    first of the section (fault-context updates excluded), an
 *    immediate update its own;
 *  - callbacks run once, after the requests queued before them;
 *  - an update from fault context leaves the open batch untouched;
 *  - an update_va_mapping stands for exactly one queued mmu_update
 *    request that was given a va (the va, the same val), alone in its
 *    batch or followed there only by an INVLPG of the same page, which
 *    its flags then carry (LOCAL or ALL as queued).  Such a batch always
 *    goes as one first, anything else never does.  Taken, it is the
 *    presentation of both requests.  Refused, it is neither a
 *    presentation nor a failure (nothing is reported, nothing returned):
 *    the very next hypercall must be the batch as queued -- the update
 *    as a direct mmu_update of one request, or a multicall of exactly
 *    [that mmu_update, that INVLPG] -- which is then held to every rule
 *    above; only it can fail the request.  flush_uvm counts the taken
 *    ones, uvm_refused the refused ones.
 *
 * A violation aborts.  Built with small capacities so that flushes when
 * full are frequent.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/xen/multicalls.h>
#include "mc-double.h"
#include "mc-support.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXQ		(1 << 16)
#define MAXCB		4096
#define NOPOS		(-1)
#define UVM		__HYPERVISOR_update_va_mapping
/* The model's own idea of a page, not the code's. */
#define MODEL_PAGE	4096UL
#define SAME_PAGE(a, b)	((((a) ^ (b)) & ~(MODEL_PAGE - 1)) == 0)
/* Epoch of a request while it is being queued (a flush may run meanwhile). */
#define EPOCH_PENDING	(~0ULL - 1)

struct qreq {
	unsigned int op;
	bool flush;			/* a TLB flush mmuext_op */
	bool now;			/* issued at once, not batched */
	u64 ptr, val;			/* what the log reports */
	unsigned long va;		/* mmu_update: the va given, or 0 */
	unsigned long caller;
	u64 epoch;			/* batch: mc->flushes when queued */
	bool uvm;			/* tried as update_va_mapping */
	bool uvm_taken;			/* ... and Xen took it */
	unsigned int pres;		/* presentations; a refused uvm: none */
	int first, last_applied, first_applied;
	bool failed;
};

static struct qreq qs[MAXQ];
static unsigned int nq;
static int fail_err[MAXQ + 64];		/* by tag: fail every presentation */
static struct { unsigned int seq; int runs; } cbs[MAXCB];
static unsigned int ncb;

static struct mc_batch *mc;
static unsigned int synced, nlog;
static bool g_lazy, g_fault;		/* during the current operation */
static int lazy_err;
static u64 nuvm, nuvm_refused;		/* update_va_mappings taken, refused */
/*
 * After a refused update_va_mapping: the batch as queued is owed, as the
 * very next hypercall.  step: requests of it seen so far (0, 1, 2).
 */
static struct {
	bool owed;
	unsigned int uvm_call;		/* the refused uvm's hc.calls index */
	unsigned int t, x;		/* tags: the update, its INVLPG or 0 */
	unsigned int step;
} retry;
/* Over the whole run, for MC_FUZZ_STATS: uvm by flags, and refused. */
static u64 st_uvm_none, st_uvm_local, st_uvm_all, st_uvm_refused,
	   st_uvm_refused_invlpg, st_retry_failed, st_retry_invlpg_failed;
static int first_err_since;		/* first failed presentation since mark */

#define CHECK(c, ...) do {						\
	if (!(c)) {							\
		fprintf(stderr, "model: %s:%d: %s: ", __FILE__, __LINE__, #c); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

static bool is_flush_cmd(unsigned int cmd)
{
	return cmd >= MMUEXT_TLB_FLUSH_LOCAL && cmd <= MMUEXT_INVLPG_ALL;
}

/* update_va_mapping carries the val of the request it stands for. */
static unsigned int tag_of(const struct hc_req *r)
{
	if (r->op == __HYPERVISOR_mmu_update || r->op == UVM)
		return r->val >> 12;
	return r->ext.arg1.linear_addr >> 12;
}

static int pred_tag(const struct hc_req *r, void *data)
{
	unsigned int t = tag_of(r);

	(void)data;
	return t && t <= nq ? fail_err[t] : 0;
}

/* The batched request next to qs[j] in its batch (dir +1/-1), or -1. */
static int batch_neighbour(int j, int dir)
{
	int k;

	for (k = j + dir; k >= 0 && k < (int)nq && qs[k].now; k += dir)
		;
	if (k < 0 || k >= (int)nq || qs[k].epoch != qs[j].epoch)
		return -1;
	return k;
}

static bool is_invlpg(unsigned int cmd)
{
	return cmd == MMUEXT_INVLPG_LOCAL || cmd == MMUEXT_INVLPG_ALL;
}

/*
 * r, an update_va_mapping, for tag t (an mmu_update): check that it may
 * stand for it, and return the INVLPG it also stands for, or NULL.
 */
static struct qreq *check_uvm(const struct hc_req *r, unsigned int t)
{
	const struct hc_call *c = &hc.calls[r->call];
	unsigned long flags = c->args[2];
	struct qreq *q = &qs[t - 1], *x;
	int next;

	CHECK(q->op == __HYPERVISOR_mmu_update, "tag %u: uvm for op %u", t,
	      q->op);
	CHECK(!q->now && q->va, "tag %u: uvm for a request queued without va", t);
	CHECK(r->ptr == q->va && r->val == q->val,
	      "tag %u: uvm va %#lx val %#lx, queued va %#lx val %#lx", t,
	      (unsigned long)r->ptr, (unsigned long)r->val, q->va,
	      (unsigned long)q->val);
	CHECK(c->parent == HC_NO_PARENT && !r->in_multicall,
	      "tag %u: uvm inside a multicall", t);
	CHECK(batch_neighbour(t - 1, -1) < 0,
	      "tag %u: uvm, but tag %d is in its batch before it", t,
	      batch_neighbour(t - 1, -1) + 1);
	next = batch_neighbour(t - 1, 1);
	if ((flags & UVMF_FLUSHTYPE_MASK) != UVMF_INVLPG) {
		CHECK(flags == UVMF_NONE, "tag %u: uvm flags %#lx", t, flags);
		CHECK(next < 0, "tag %u: uvm, but tag %d is in its batch", t,
		      next + 1);
		return NULL;
	}
	CHECK(next >= 0, "tag %u: uvm flags %#lx, no INVLPG queued", t, flags);
	x = &qs[next];
	CHECK(x->op == __HYPERVISOR_mmuext_op && is_invlpg(x->ptr),
	      "tag %u: uvm flags %#lx, tag %d is op %u cmd %lu", t, flags,
	      next + 1, x->op, (unsigned long)x->ptr);
	CHECK(SAME_PAGE(x->val, q->va), "tag %u: uvm va %#lx, INVLPG tag %d of %#lx",
	      t, q->va, next + 1, (unsigned long)x->val);
	CHECK((flags & ~UVMF_FLUSHTYPE_MASK) ==
	      (x->ptr == MMUEXT_INVLPG_ALL ? UVMF_ALL : UVMF_LOCAL),
	      "tag %u: uvm flags %#lx for cmd %lu", t, flags,
	      (unsigned long)x->ptr);
	CHECK(batch_neighbour(next, 1) < 0,
	      "tag %u: uvm, but tag %d is in its batch", t,
	      batch_neighbour(next, 1) + 1);
	return x;
}

/* Take in one presentation of q, by request i. */
static void presented(struct qreq *q, unsigned int i, bool applied)
{
	q->pres++;
	if (q->first == NOPOS)
		q->first = i;
	if (applied) {
		if (q->first_applied == NOPOS)
			q->first_applied = i;
		q->last_applied = i;
	}
}

/*
 * r (request i, tag t) came while a refused uvm's batch is owed: it must
 * be that batch as queued, in the next hypercall -- the update alone in
 * a direct mmu_update, or [mmu_update, INVLPG] as a multicall of the two,
 * one request each.  (That the requests are the ones queued, the checks
 * common to every presentation see to.)
 */
static void check_retry(const struct hc_req *r, unsigned int i, unsigned int t)
{
	const struct hc_call *c = &hc.calls[r->call], *m;
	unsigned int want = retry.step ? retry.x : retry.t;
	unsigned int op = retry.step ? __HYPERVISOR_mmuext_op
				     : __HYPERVISOR_mmu_update;

	CHECK(r->op == op && t == want,
	      "request %u: op %u tag %u after the refused uvm of tag %u, "
	      "not op %u tag %u", i, r->op, t, retry.t, op, want);
	CHECK(c->op == op && c->count == 1 && c->args[3] == DOMID_SELF,
	      "tag %u: after its refused uvm, op %u of %u requests", t, c->op,
	      c->count);
	if (!retry.x) {
		CHECK(c->parent == HC_NO_PARENT && !r->in_multicall &&
		      r->call == retry.uvm_call + 1,
		      "tag %u: refused uvm (call %u), then not a direct "
		      "mmu_update (call %u, parent %d)", t, retry.uvm_call,
		      r->call, (int)c->parent);
		retry.owed = false;
		return;
	}
	CHECK(c->parent == retry.uvm_call + 1 && r->in_multicall,
	      "tag %u: refused uvm (call %u), then not a multicall "
	      "(call %u, parent %d)", t, retry.uvm_call, r->call,
	      (int)c->parent);
	m = &hc.calls[c->parent];
	CHECK(m->op == __HYPERVISOR_multicall && m->count == 2 &&
	      r->call == c->parent + 1 + retry.step,
	      "tag %u: after its refused uvm, a multicall of %u entries, "
	      "this one its call %u", t, m->count, r->call - c->parent);
	if (++retry.step == 2)
		retry.owed = false;
}

/* Take in what the double saw since the last sync. */
static void sync(void)
{
	unsigned int nfail = 0, first_fail = hc.nr_reqs, i;

	for (i = synced; i < hc.nr_reqs; i++) {
		const struct hc_req *r = &hc.reqs[i];
		unsigned int t = tag_of(r);
		struct qreq *q, *x = NULL;
		bool again = retry.owed;

		CHECK(t >= 1 && t <= nq, "request %u: unknown tag %u", i, t);
		q = &qs[t - 1];
		if (again)
			check_retry(r, i, t);
		if (r->op == UVM) {
			x = check_uvm(r, t);
			q->uvm = true;
			if (!x)
				st_uvm_none++;
			else if (x->ptr == MMUEXT_INVLPG_ALL)
				st_uvm_all++;
			else
				st_uvm_local++;
			if (!r->applied) {
				/*
				 * Nothing changed: no presentation, no failure.
				 * The batch as queued is owed next.
				 */
				nuvm_refused++;
				st_uvm_refused++;
				st_uvm_refused_invlpg += !!x;
				retry.owed = true;
				retry.uvm_call = r->call;
				retry.t = t;
				retry.x = x ? (unsigned int)(x - qs) + 1 : 0;
				retry.step = 0;
				continue;
			}
			nuvm++;
			q->uvm_taken = true;
		} else {
			CHECK(r->op == q->op, "tag %u: op %u, queued %u", t,
			      r->op, q->op);
		}
		if (r->op == __HYPERVISOR_mmu_update)
			CHECK(r->ptr == q->ptr && r->val == q->val,
			      "tag %u: request changed", t);
		else if (r->op == __HYPERVISOR_mmuext_op)
			CHECK(r->ext.cmd == q->ptr, "tag %u: cmd changed", t);
		presented(q, i, r->applied);
		/* The INVLPG rides with the update, applied with it. */
		if (x) {
			presented(x, i, r->applied);
			CHECK(x->pres == 1 || x->flush, "INVLPG issued %u times",
			      x->pres);
		}
		if (!r->applied) {
			q->failed = true;
			nfail++;
			if (first_fail == hc.nr_reqs)
				first_fail = i;
			if (!first_err_since)
				first_err_since = r->err;
			if (g_lazy && !g_fault && !lazy_err)
				lazy_err = r->err;
			if (again && r->op == __HYPERVISOR_mmu_update)
				st_retry_failed++;
			else if (again)
				st_retry_invlpg_failed++;
		}
		CHECK(q->pres == 1 || q->flush,
		      "tag %u issued %u times", t, q->pres);
	}
	/* A flush is over, or a callback runs: nothing may be owed. */
	CHECK(!retry.owed, "tag %u: its uvm refused, then not issued as queued",
	      retry.t);
	CHECK(mc->flush_uvm == nuvm, "flush_uvm %lu, %lu uvms taken",
	      (unsigned long)mc->flush_uvm, (unsigned long)nuvm);
	CHECK(mc->uvm_refused == nuvm_refused, "uvm_refused %lu, %lu refused",
	      (unsigned long)mc->uvm_refused, (unsigned long)nuvm_refused);
	CHECK(mc->nr_log - nlog == nfail, "%u failures logged, %u failed",
	      mc->nr_log - nlog, nfail);
	CHECK(mc->failures == mc->nr_log, "failures %lu, logged %u",
	      (unsigned long)mc->failures, mc->nr_log);
	/*
	 * Each new log entry is a distinct new failed presentation (the log
	 * is in entry order, not always in the order Xen saw them).  The
	 * ring keeps the last MC_FAILURE_LOG: compare when none was lost.
	 */
	if (nfail && nfail <= MC_FAILURE_LOG) {
		bool used[MC_FAILURE_LOG] = { 0 };
		unsigned int l, k;

		for (l = nlog; l < mc->nr_log; l++) {
			const struct mc_failure *f = &mc->log[l % MC_FAILURE_LOG];
			bool found = false;

			for (i = first_fail, k = 0; i < hc.nr_reqs && !found; i++) {
				const struct hc_req *r = &hc.reqs[i];
				const struct qreq *q;

				/* A refused uvm is no failure. */
				if (r->applied || r->op == UVM)
					continue;
				q = &qs[tag_of(r) - 1];
				if (!used[k] && f->op == r->op &&
				    f->err == r->err && f->ptr == q->ptr &&
				    f->val == q->val && f->caller == q->caller)
					found = used[k] = true;
				k++;
			}
			CHECK(found, "log %u: op %u err %d ptr %#lx val %#lx "
			      "caller %#lx: no such failure", l, f->op, f->err,
			      (unsigned long)f->ptr, (unsigned long)f->val,
			      f->caller);
		}
	}
	nlog = mc->nr_log;
	synced = hc.nr_reqs;
}

static struct qreq *new_req(unsigned int op, bool now)
{
	struct qreq *q = &qs[nq++];

	memset(q, 0, sizeof(*q));
	q->op = op;
	q->now = now;
	q->first = q->first_applied = q->last_applied = NOPOS;
	q->caller = 0xca110000UL + nq;
	q->epoch = EPOCH_PENDING;
	return q;
}

/*
 * Queue an mmu_update.  how & 3: through the per-pte path (in a lazy
 * section; elsewhere it would refuse) with va 0 (0), with a va in the
 * page an mmuext_op queued next would name (1), with a va in another page
 * (2); or through xen_mc_queue_mmu_update, which takes no va (3).  The
 * bits above pick the offset in the page, or the page bit that differs.
 */
static void queue_mmu(unsigned int how)
{
	struct qreq *q = new_req(__HYPERVISOR_mmu_update, false);
	unsigned long next_page = (unsigned long)(nq + 1) << 12;
	unsigned int extra = how >> 2;

	q->ptr = (u64)nq << 3 | (nq & 1 ? MMU_PT_UPDATE_PRESERVE_AD : 0);
	q->val = (u64)nq << 12 | 1;
	if ((how & 3) != 3 && mc->lazy && !in_fault_context()) {
		if ((how & 3) == 1)
			q->va = next_page | ((extra * 0x3f8UL) & 0xfff);
		else if ((how & 3) == 2)
			q->va = next_page ^ (1UL << (12 + extra % 36));
		CHECK(xen_mc_queue_pte_update(q->ptr, q->val, q->va, q->caller),
		      "queue_pte_update refused in a lazy section");
	} else {
		xen_mc_queue_mmu_update(q->ptr, q->val, q->caller);
	}
	q->epoch = mc->flushes;
}

/* off: where in its page an INVLPG's address is (its page is its tag). */
static void queue_ext(unsigned int cmd, unsigned int off)
{
	struct qreq *q = new_req(__HYPERVISOR_mmuext_op, false);
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.linear_addr = (unsigned long)nq << 12 | (off & 0xfff);
	q->flush = is_flush_cmd(cmd);
	q->ptr = cmd;
	q->val = op.arg1.mfn;
	xen_mc_queue_mmuext(&op, q->caller);
	q->epoch = mc->flushes;
}

static void now_mmu(bool fault)
{
	struct qreq *q = new_req(__HYPERVISOR_mmu_update, true);
	unsigned int entries = mc->nr_entries, used = mc->args_used;
	unsigned long lone_va = mc->lone_va;
	static u8 args[CONFIG_MC_ARGS_BYTES];
	int rc;

	memcpy(args, mc->args, used);
	q->ptr = (u64)nq << 3;
	q->val = (u64)nq << 12 | 1;
	q->epoch = ~0ULL;
	host_cpu.fault_depth = fault;
	g_fault = fault;
	first_err_since = 0;
	/* As mmu.c does: the per-pte path refuses in fault context. */
	if (fault)
		CHECK(!xen_mc_queue_pte_update(q->ptr, q->val,
					       (unsigned long)nq << 12,
					       q->caller),
		      "queue_pte_update deferred in fault context");
	rc = xen_mmu_update_now(q->ptr, q->val, q->caller);
	sync();
	g_fault = false;
	host_cpu.fault_depth = 0;
	CHECK(q->pres == 1, "immediate update issued %u times", q->pres);
	CHECK(rc == first_err_since, "now: %d, expected %d", rc, first_err_since);
	CHECK(mc->nr_entries == entries && mc->args_used == used &&
	      mc->lone_va == lone_va && !memcmp(args, mc->args, used),
	      "immediate update touched the batch");
}

/*
 * Watermarks: tags below issued_w issued, callbacks below cb_w ran.  (A
 * refused update_va_mapping issued nothing.)
 */
static unsigned int issued_w, cb_w;

static unsigned int issued_below(void)
{
	unsigned int w = issued_w;

	while (w < nq && qs[w].pres)
		w++;
	return issued_w = w;
}

static void cb_fn(void *data)
{
	unsigned int k = (unsigned int)(uintptr_t)data;

	cbs[k].runs++;
	CHECK(cbs[k].runs == 1, "callback %u ran %d times", k, cbs[k].runs);
	sync();
	CHECK(issued_below() >= cbs[k].seq,
	      "callback %u ran before tag %u was issued", k, issued_below() + 1);
}

static void all_issued(void)
{
	CHECK(issued_below() == nq, "tag %u never issued", issued_below() + 1);
	for (; cb_w < ncb; cb_w++)
		CHECK(cbs[cb_w].runs == 1, "callback %u ran %d times", cb_w,
		      cbs[cb_w].runs);
}

static void do_flush(void)
{
	int rc;

	first_err_since = 0;
	rc = xen_mc_flush();
	sync();
	CHECK(rc == first_err_since, "flush returned %d, expected %d", rc,
	      first_err_since);
	all_issued();
}

static void do_leave(void)
{
	int rc;

	rc = xen_mc_lazy_leave();
	sync();
	CHECK(rc == lazy_err, "leave returned %d, expected %d", rc, lazy_err);
	g_lazy = false;
	lazy_err = 0;
	all_issued();
}

static void do_enter(void)
{
	if (mc->nr_entries)
		do_flush();
	xen_mc_lazy_enter();
	g_lazy = true;
	lazy_err = 0;
}

/* Order and TLB checks over one batch: qs[ix[0..n)], in queue order. */
static void check_batch(const unsigned int *ix, unsigned int n)
{
	unsigned int a, b, run_a, run_b;
	bool fail_before, any_failed = false;

	for (a = 0; a < n; a++)
		any_failed |= qs[ix[a]].failed;
	for (a = 0; a < n; a++) {
		const struct qreq *qa = &qs[ix[a]];

		/* A failure before a in a's entry (its run of one op)? */
		fail_before = false;
		for (b = a; b > 0 && qs[ix[b - 1]].op == qa->op; b--)
			fail_before |= qs[ix[b - 1]].failed;
		run_a = 0;
		for (b = 1; b <= a; b++)
			run_a += qs[ix[b]].op != qs[ix[b - 1]].op;
		run_b = run_a;
		for (b = a + 1; b < n; b++) {
			const struct qreq *qb = &qs[ix[b]];

			run_b += qb->op != qs[ix[b - 1]].op;
			if (qa->first > qb->first)
				CHECK(fail_before && run_b > run_a,
				      "tag %u issued before tag %u", ix[b] + 1,
				      ix[a] + 1);
			/*
			 * (a flush that failed is reported instead; the same
			 * request is an update_va_mapping Xen took, doing both)
			 */
			if (qb->flush && !qb->failed &&
			    qa->op == __HYPERVISOR_mmu_update &&
			    qa->first_applied != NOPOS &&
			    qb->last_applied != NOPOS)
				CHECK(qa->first_applied < qb->last_applied ||
				      (qa->first_applied == qb->last_applied &&
				       qa->uvm_taken),
				      "update tag %u applied after flush tag %u",
				      ix[a] + 1, ix[b] + 1);
		}
		CHECK(qa->pres == 1 || any_failed,
		      "flush tag %u issued again without a failure", ix[a] + 1);
		CHECK(!qa->uvm || a == 0, "tag %u: uvm not first", ix[a] + 1);
	}
	/*
	 * A lone update given a va, alone or followed by an INVLPG of its
	 * page, goes as an update_va_mapping (which check_uvm vetted), taken
	 * or not.
	 */
	if (n >= 1 && n <= 2) {
		const struct qreq *u = &qs[ix[0]], *x = &qs[ix[n - 1]];
		bool lone = u->op == __HYPERVISOR_mmu_update && u->va &&
			    (n == 1 || (x->op == __HYPERVISOR_mmuext_op &&
					is_invlpg(x->ptr) &&
					SAME_PAGE(x->val, u->va)));

		CHECK(u->uvm == lone, "tag %u: lone %d, went as uvm %d",
		      ix[0] + 1, lone, u->uvm);
	}
}

/* Batches (immediate updates aside) reach the double one after another. */
static void check_batches(void)
{
	static unsigned int ix[MAXQ];
	unsigned int i = 0, n;
	int prev_max = -1;

	while (i < nq) {
		int lo_min = hc.nr_reqs, hi_max = -1;
		u64 epoch;

		for (; i < nq && qs[i].now; i++)
			;
		if (i == nq)
			break;
		epoch = qs[i].epoch;
		for (n = 0; i < nq && (qs[i].now || qs[i].epoch == epoch); i++) {
			if (qs[i].now)
				continue;
			ix[n++] = i;
			lo_min = qs[i].first < lo_min ? qs[i].first : lo_min;
			hi_max = qs[i].first > hi_max ? qs[i].first : hi_max;
		}
		CHECK(lo_min > prev_max, "batch at tag %u issued before the last",
		      ix[0] + 1);
		prev_max = hi_max;
		check_batch(ix, n);
	}
}

static const int errs[] = { -EINVAL, -EPERM, -ENOMEM, -EIO, -EFAULT, -EBUSY };
static const unsigned int cmds[] = {
	MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_INVLPG_LOCAL, MMUEXT_TLB_FLUSH_ALL,
	MMUEXT_INVLPG_ALL, MMUEXT_PIN_L1_TABLE, MMUEXT_UNPIN_TABLE,
};

static void reset(void)
{
	unsigned int cpu;

	hc_reset();
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		host_cpu.cpu = cpu;
		memset(xen_mc_batch(), 0, sizeof(struct mc_batch));
	}
	host_cpu.cpu = 0;
	host_cpu.fault_depth = 0;
	mc = xen_mc_batch();
	memset(fail_err, 0, (nq + 64) * sizeof(fail_err[0]));
	nq = ncb = synced = nlog = issued_w = cb_w = 0;
	nuvm = nuvm_refused = 0;
	memset(&retry, 0, sizeof(retry));
	g_lazy = g_fault = false;
	lazy_err = 0;
	hc_fail_if(pred_tag, NULL);
}

static void print_stats(void)
{
	fprintf(stderr, "mc-fuzz: uvm UVMF_NONE %lu, INVLPG|LOCAL %lu, "
		"INVLPG|ALL %lu, refused %lu (with INVLPG %lu); issued as "
		"queued, the update failed %lu, the INVLPG %lu\n",
		(unsigned long)st_uvm_none, (unsigned long)st_uvm_local,
		(unsigned long)st_uvm_all, (unsigned long)st_uvm_refused,
		(unsigned long)st_uvm_refused_invlpg,
		(unsigned long)st_retry_failed,
		(unsigned long)st_retry_invlpg_failed);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (getenv("MC_FUZZ_STATS"))
		atexit(print_stats);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	reset();
	while (i < size && nq + 64 < MAXQ) {
		uint8_t op = data[i++];
		uint8_t arg = i < size ? data[i] : 0;
		unsigned int k;

		switch (op % 12) {
		case 0: case 1: case 2:
			queue_mmu(op / 12);
			break;
		case 3:
			for (k = 0; k <= arg % 32; k++)
				queue_mmu(arg >> 5);
			i++;
			break;
		case 4:
			queue_ext(cmds[arg % ARRAY_SIZE(cmds)], (arg >> 3) * 0x88);
			i++;
			break;
		case 5:
			if (ncb < MAXCB) {
				cbs[ncb].seq = nq;
				cbs[ncb].runs = 0;
				xen_mc_callback(cb_fn, (void *)(uintptr_t)ncb);
				ncb++;
			}
			break;
		case 6:
			do_flush();
			break;
		case 7:
			if (g_lazy)
				do_leave();
			else
				do_enter();
			break;
		case 8:
			/* Fail the k-th request Xen looks at from now. */
			if (hc.nr_rules < HC_MAX_RULES)
				hc_fail_at(hc.nr_reqs + arg % 16,
					   errs[(arg >> 4) % ARRAY_SIZE(errs)]);
			i++;
			break;
		case 9:
			/* Fail a request that is yet to be queued, every time. */
			fail_err[nq + 1 + arg % 16] = errs[(arg >> 4) % ARRAY_SIZE(errs)];
			i++;
			break;
		case 10:
			now_mmu(g_lazy && (arg & 1));
			i++;
			break;
		case 11:
			queue_ext(MMUEXT_TLB_FLUSH_ALL, 0);
			break;
		}
		sync();
	}
	if (g_lazy)
		do_leave();
	else
		do_flush();
	check_batches();
	hc_reset();
	return 0;
}

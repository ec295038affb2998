// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the pte policy (arch/x86/xen/mmu.c) and the
 * multicall buffer under it (arch/x86/xen/multicalls.c), both built
 * unchanged against the double (mc-double.c), in the double mode the
 * input picks: intact, clobber or preempt (with its preemption rule and
 * points, and perhaps a deferred put ending every sub-call).
 *
 * The input is decoded into operations on 16 host ptes: lazy enter and
 * leave (in a valid order), xen_queue_pte_update (NORMAL or PRESERVE_AD,
 * with or without a va), set_pte_at, a protection-change transaction
 * (ptep_modify_prot_start/commit, backend chosen with pv_mmu_select),
 * flush_tlb_range of one page or more, xen_mmu_issue, immediate updates
 * (xen_mmu_update_now), fault context around any of these, the hardware
 * setting Accessed/Dirty, other vCPUs going idle or busy, nr_cpus_online,
 * and poisoning a request yet to be made: Xen refuses every presentation
 * of a poisoned request (an update by its val, a flush by its address),
 * so which presentations are refused is known.
 *
 * Every request carries its identity: an update's val is id << 12 | prot
 * bits, a flush's address is in the page it flushes at offset id.  What
 * the double saw is checked against a reference model:
 *
 *  - pte values: the model applies every write that is not refused in
 *    the order it was made (Xen's NORMAL: val; PRESERVE_AD: val | the A/D
 *    bits the pte has), and after every operation compares each pte
 *    without a write queued since the last issue (after leave or issue:
 *    every pte) with the double's pte memory.  The hardware sets A/D in
 *    a pte with no write queued, or with only PRESERVE_AD writes queued
 *    (the bits must survive them, whenever the batch goes); immediate
 *    writes, fault-context writes and transactions pick a pte with no
 *    write queued, so that the last write made is always known;
 *  - exactly once: every update is presented once (as mmu_update, or as
 *    the update_va_mapping it went as), applied once unless refused;
 *    every flush is presented at least once and applied at least once
 *    unless refused; each reaches Xen as made (an update's ptr and val,
 *    a flush's address, and its cmd: INVLPG for one page, else a full
 *    flush, ALL if another online vCPU is busy, else LOCAL); nothing else
 *    is presented except the flushes the model predicts (a leave's
 *    recheck of busy vCPUs, a vCPU leaving idle after a skipped flush);
 *  - order: every flush is applied, for the last time, after the last
 *    application of every update made before it (a flush from fault
 *    context: every update already issued when it was made);
 *  - reports: the refused presentations of each operation (an
 *    update_va_mapping aside) are exactly the failures logged by it,
 *    with op, error, pte machine address or cmd, val or address and
 *    caller; the failure and uvm counters move accordingly; leave and
 *    xen_mmu_issue return the first error of the section, an immediate
 *    update its own; an update or flush from fault context leaves the
 *    batch untouched;
 *  - the lone update: an update_va_mapping is the first call of a leave
 *    or issue, and stands for exactly the update made with a va into an
 *    empty batch, when nothing but an INVLPG of its page followed (its
 *    flags then INVLPG and LOCAL or ALL as the flush was made), and when
 *    it writes what the request would (NORMAL, or PRESERVE_AD with A and
 *    D in val); such an update always goes so; refused, it is followed
 *    at once by the update, then its INVLPG, as queued.  Any other lone
 *    update is checked as every queued one is.
 *
 * A violation aborts with a "model:" line.  At exit a summary per double
 * mode: "mc-fuzz: mode=M runs=N ..." with what the mode exercised.  A
 * few fixed inputs (seeds[]) run at every start, before fuzzing.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/mmu.h>
#include <asm/xen/multicalls.h>
#include "mc-double.h"
#include "mc-support.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPTE		16
#define MAXR		4096		/* ids: a flush's fits in a page offset */
#define VA_BASE		0x40000000UL
#define PG		4096UL		/* the model's page, not the code's */
#define AD		(_PAGE_ACCESSED | _PAGE_DIRTY)
#define UVM		__HYPERVISOR_update_va_mapping
#define __notail	__attribute__((disable_tail_calls))

#define CHECK(c, ...) do {						\
	if (!(c)) {							\
		fprintf(stderr, "model: %s:%d: %s: ", __FILE__, __LINE__, #c); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

enum kind { K_NONE, K_UPD, K_FLUSH };

struct mreq {
	enum kind kind;
	bool lazy;			/* queued (else issued at once) */
	bool fault;			/* made in fault context */
	unsigned int sec;		/* lazy section, 0 outside */
	unsigned int p;			/* update: the pte */
	u64 ptr, val;			/* update: as it must reach Xen */
	unsigned long va;		/* update: the va offered, or 0 */
	unsigned long start;		/* flush: the address */
	unsigned int cmd;		/* flush: the mmuext cmd */
	unsigned int npages;		/* flush: one request per page, or 1 */
	unsigned int pages_pres;	/* flush: its first pages_pres were presented */
	unsigned long caller;
	int poison;			/* Xen refuses it with this, or 0 */
	/* What the double saw. */
	unsigned int pres, pres_uvm, apps;
	int last_app;			/* index in hc.reqs, or -1 */
	bool uvm_taken, rode;		/* went as / rode in an update_va_mapping */
	int uvm_at;			/* ... at this index */
};

static struct mreq rq[MAXR];
static unsigned int nid;		/* ids 1..nid-1 in use */
static int poison_next[MAXR + 32];	/* by id, for ids yet to come */

static pte_t ptes[NPTE];
static u64 ref[NPTE];			/* the model's pte values */
static bool pending[NPTE];		/* a write queued since the last issue */
static bool pending_normal[NPTE];	/* ... and one of them is not PRESERVE_AD */
static unsigned int last_p;		/* the pte written last */

static bool g_lazy;
static unsigned int sec;
static int sec_err;
static int backend;			/* 0 generic, 1 xen, 2 xen-nobatch */
static const char *const backend_names[] = { "generic", "xen", "xen-nobatch" };

/* The lone-update candidate: an update held back, and its INVLPG. */
static unsigned int cand_u, cand_f;
/* Expected next, after a refused update_va_mapping. */
static unsigned int owed[2], nowed;
/* The uvm a leave or issue must start with (0: none). */
static unsigned int want_uvm;
static bool op_started;		/* a presentation was seen in this op */

/* vCPUs other than 0, and the flushes their state leads to. */
static bool idle_m[NR_CPUS];
static unsigned int gen_m, seen_m[NR_CPUS];
static unsigned int nr_online;
static bool rc_on, rc_one;		/* the section's recheck */
static unsigned long rc_start;
static struct { unsigned int cmd; unsigned long addr; bool last; } extra[2];
static unsigned int nextra, extra_seen;

static unsigned int synced;
static unsigned int presented_w;	/* ids below all presented (or immediate) */
static u64 log_base, uvm_base, uvmi_base, uvmr_base;
static unsigned int nuvm, nuvmi, nuvmr;
static int op_first_err;		/* first refused presentation of the op */
static bool op_fault;

/* The callers the policy reports for what the harness does through ops. */
static unsigned long ret_set_pte, ret_commit[3], ret_flush, probed;

static const int errs[] = { -EINVAL, -EPERM, -ENOMEM, -EIO, -EBUSY, -ERANGE };

/* Per double mode, over the whole run. */
static struct {
	unsigned long runs, clobbered, preempted, failed_after_preempt;
	unsigned long deferred_puts;
	unsigned long refused, uvm;
} st[3];
static enum hc_mode cur_mode;
static int force_mode = -1;		/* MC_FUZZ_MODE */
static bool trace;

#define TRACE(...) do { if (trace) fprintf(stderr, __VA_ARGS__); } while (0)

static u64 ma(unsigned int p)
{
	return (u64)(uintptr_t)&ptes[p];
}

static unsigned long va_of(unsigned int p)
{
	return VA_BASE + p * PG;
}

/* ---- calls through pv_mmu_ops, at call sites the probes find ---- */

static noinline __notail void call_set_pte_at(unsigned long a, pte_t *ptep, pte_t v)
{
	pv_mmu_ops.set_pte_at(a, ptep, v);
}

static noinline __notail pte_t call_start(unsigned long a, pte_t *ptep)
{
	return pv_mmu_ops.ptep_modify_prot_start(a, ptep);
}

static noinline __notail void call_commit(unsigned long a, pte_t *ptep, pte_t old,
			       pte_t v)
{
	pv_mmu_ops.ptep_modify_prot_commit(a, ptep, old, v);
}

/*
 * The wrapper mm/ calls: with Xen's commit it adds the request in place
 * when the open entry takes it, and calls xen_queue_pte_update() (not
 * the pointer) when not, so no probe finds its caller.  It reports
 * an address inside this function either way: alone in its section, so
 * that the linker's __start_/__stop_ symbols bound it.
 */
#define WRAPPER_SITE	1UL	/* q->caller: "inside call_commit_wrapper()" */
static noinline __notail __section("fuzz_commit_site")
void call_commit_wrapper(unsigned long a, pte_t *ptep, pte_t old, pte_t v)
{
	ptep_modify_prot_commit(a, ptep, old, v);
}
extern const char __start_fuzz_commit_site[], __stop_fuzz_commit_site[];

static bool caller_is(unsigned long got, unsigned long want)
{
	if (want == WRAPPER_SITE)
		return got >= (unsigned long)__start_fuzz_commit_site &&
		       got < (unsigned long)__stop_fuzz_commit_site;
	return got == want;
}

static noinline __notail void call_flush(unsigned long s, unsigned long e)
{
	pv_mmu_ops.flush_tlb_range(s, e);
}

static noinline __notail void probe_set(unsigned long a, pte_t *ptep, pte_t v)
{
	probed = _RET_IP_;
}

static noinline __notail void probe_commit(unsigned long a, pte_t *ptep, pte_t o, pte_t v)
{
	probed = _RET_IP_;
}

static noinline __notail void probe_flush(unsigned long s, unsigned long e)
{
	probed = _RET_IP_;
}

/*
 * _RET_IP_ of the function behind each op, called from our call sites:
 * put a probe in its place and call it from there once.
 */
static void find_callers(void)
{
	struct pv_mmu_ops save;
	unsigned int b;

	xen_features[XENFEAT_mmu_pt_update_preserve_ad / 32] |=
		1U << (XENFEAT_mmu_pt_update_preserve_ad % 32);
	for (b = 0; b < 3; b++) {
		CHECK(!pv_mmu_select(backend_names[b]), "select %s",
		      backend_names[b]);
		save = pv_mmu_ops;
		/* generic commits by set_pte_at; the others are the leaf */
		if (b == 0)
			pv_mmu_ops.set_pte_at = probe_set;
		else
			pv_mmu_ops.ptep_modify_prot_commit = probe_commit;
		probed = 0;
		call_commit(0, &ptes[0], __pte(0), __pte(0));
		ret_commit[b] = probed;
		pv_mmu_ops = save;
	}
	save = pv_mmu_ops;
	pv_mmu_ops.set_pte_at = probe_set;
	call_set_pte_at(0, &ptes[0], __pte(0));
	ret_set_pte = probed;
	pv_mmu_ops.flush_tlb_range = probe_flush;
	call_flush(0, 0);
	ret_flush = probed;
	pv_mmu_ops = save;
	CHECK(ret_set_pte && ret_flush && ret_commit[0] && ret_commit[1] &&
	      ret_commit[2], "a probe found no caller");
}

/* ---- the model's bookkeeping ---- */

static struct mreq *new_req(enum kind kind, bool lazy)
{
	struct mreq *q = &rq[nid];

	memset(q, 0, sizeof(*q));
	q->kind = kind;
	q->lazy = lazy;
	q->fault = op_fault;
	q->sec = g_lazy ? sec : 0;
	q->poison = poison_next[nid];
	q->last_app = q->uvm_at = -1;
	q->caller = 0xca110000UL + nid;
	nid++;
	return q;
}

static unsigned int id_of(const struct mreq *q)
{
	return (unsigned int)(q - rq);
}

/* Was every request queued before id presented (its batch issued)? */
static bool all_presented(unsigned int id)
{
	while (presented_w < id &&
	       (!rq[presented_w].lazy ||
		(rq[presented_w].pres &&
		 rq[presented_w].pages_pres >= rq[presented_w].npages) ||
		rq[presented_w].pres_uvm || rq[presented_w].rode ||
		rq[presented_w].kind == K_NONE))
		presented_w++;
	return presented_w == id;
}

static int pred_poison(const struct hc_req *r, void *data)
{
	unsigned int id;

	if (r->op == __HYPERVISOR_mmuext_op)
		id = r->ext.arg1.linear_addr & (PG - 1);
	else
		id = (unsigned int)(r->val >> 12);
	return id && id < nid ? rq[id].poison : 0;
}

static bool others_busy_m(void)
{
	unsigned int c;

	for (c = 1; c < nr_online; c++)
		if (!idle_m[c])
			return true;
	return false;
}

static u64 apply(u64 old, u64 ptr, u64 val)
{
	return (ptr & 7) == MMU_PT_UPDATE_PRESERVE_AD ? val | (old & AD) : val;
}

static void expect_extra(unsigned int cmd, unsigned long addr, bool last)
{
	CHECK(nextra < ARRAY_SIZE(extra), "model: too many extra flushes");
	extra[nextra].cmd = cmd;
	extra[nextra].addr = addr;
	extra[nextra].last = last;
	nextra++;
}

/* An application of q by request i. */
static void applied(struct mreq *q, unsigned int i)
{
	q->apps++;
	q->last_app = (int)i;
}

struct fail { unsigned int op; int err; u64 ptr, val; unsigned long caller; };
static struct fail fails[64];
static unsigned int nfails;

static void refused(unsigned int op, int err, u64 ptr, u64 val,
		    unsigned long caller)
{
	if (nfails < ARRAY_SIZE(fails))
		fails[nfails] = (struct fail){ op, err, ptr, val, caller };
	nfails++;
	if (!op_first_err)
		op_first_err = err;
}

static void see_uvm(const struct hc_req *r, unsigned int i)
{
	const struct hc_call *c = &hc.calls[r->call];
	unsigned int id = (unsigned int)(r->val >> 12);
	struct mreq *u, *f;
	unsigned long flags;

	CHECK(want_uvm && id == want_uvm,
	      "request %u: update_va_mapping va %#lx val %#lx (id %u), expected %s %u",
	      i, (unsigned long)r->ptr,
	      (unsigned long)r->val, id, want_uvm ? "the lone update" : "none",
	      want_uvm);
	want_uvm = 0;
	u = &rq[id];
	f = cand_f ? &rq[cand_f] : NULL;
	cand_u = cand_f = 0;
	CHECK(c->parent == HC_NO_PARENT && !r->in_multicall,
	      "id %u: update_va_mapping inside a multicall", id);
	CHECK(r->ptr == u->va && r->val == u->val,
	      "id %u: update_va_mapping(%#lx, %#lx), queued va %#lx val %#lx",
	      id, (unsigned long)r->ptr, (unsigned long)r->val, u->va,
	      (unsigned long)u->val);
	flags = c->args[2];
	if (f)
		CHECK(flags == (UVMF_INVLPG | (f->cmd == MMUEXT_INVLPG_ALL ?
					       UVMF_ALL : UVMF_LOCAL)),
		      "id %u: uvm flags %#lx with INVLPG id %u cmd %u", id,
		      flags, id_of(f), f->cmd);
	else
		CHECK(flags == UVMF_NONE, "id %u: uvm flags %#lx, no flush", id,
		      flags);
	CHECK(!u->pres_uvm++, "id %u: two update_va_mappings", id);
	CHECK(r->applied == !u->poison, "double: uvm id %u applied %d poison %d",
	      id, r->applied, u->poison);
	if (r->applied) {
		u->uvm_taken = true;
		u->uvm_at = (int)i;
		applied(u, i);
		nuvm++;
		if (f) {
			f->rode = true;
			f->uvm_at = (int)i;
			applied(f, i);
			nuvmi++;
		}
		return;
	}
	nuvmr++;
	owed[0] = id;
	owed[1] = f ? id_of(f) : 0;
	nowed = f ? 2 : 1;
}

/*
 * The update_va_mapping a leave or issue must start with: the lone
 * update, if that writes what its request would.  Otherwise it goes as
 * queued, and is checked as any queued update is.
 */
static unsigned int lone_uvm(void)
{
	const struct mreq *u = &rq[cand_u];

	if (cand_u && ((u->ptr & 7) == MMU_NORMAL_PT_UPDATE ||
		       (u->val & AD) == AD))
		return cand_u;
	cand_u = cand_f = 0;
	return 0;
}

/* Take in what the double saw since the last sync. */
static void sync(void)
{
	const struct xen_mmu_stats *ms = xen_mmu_stats();
	unsigned int i, n;

	for (i = synced; i < hc.nr_reqs; i++) {
		const struct hc_req *r = &hc.reqs[i];
		bool first = !op_started;
		struct mreq *q;
		unsigned int id;

		op_started = true;
		TRACE("  hc %u: op %u call %u%s ptr %#lx val %#lx cmd %u addr %#lx %s %d\n",
		      i, r->op, r->call, r->in_multicall ? " (mc)" : "",
		      (unsigned long)r->ptr, (unsigned long)r->val, r->ext.cmd,
		      r->ext.arg1.linear_addr, r->applied ? "ok" : "refused", r->err);
		if (want_uvm)
			CHECK(first && r->op == UVM,
			      "request %u: op %u, but the lone update id %u was to go first as update_va_mapping",
			      i, r->op,
			      want_uvm);
		if (r->op == UVM) {
			see_uvm(r, i);
			continue;
		}
		if (r->op == __HYPERVISOR_mmuext_op) {
			unsigned long a = r->ext.arg1.linear_addr;
			unsigned int k;

			id = a & (PG - 1);
			if (!id) {
				/* Not ours: one of the predicted flushes. */
				CHECK(extra_seen < nextra,
				      "request %u: unexpected flush cmd %u addr %#lx",
				      i, r->ext.cmd, a);
				CHECK(r->ext.cmd == extra[extra_seen].cmd &&
				      a == extra[extra_seen].addr,
				      "request %u: flush cmd %u addr %#lx, expected cmd %u addr %#lx",
				      i, r->ext.cmd, a, extra[extra_seen].cmd,
				      extra[extra_seen].addr);
				CHECK(!extra[extra_seen].last || i + 1 == hc.nr_reqs,
				      "request %u: the recheck flush is not last", i);
				CHECK(r->applied, "request %u: extra flush refused", i);
				extra_seen++;
				continue;
			}
			CHECK(id < nid && rq[id].kind == K_FLUSH,
			      "request %u: flush cmd %u addr %#lx: no such flush",
			      i, r->ext.cmd, a);
			q = &rq[id];
			CHECK(r->ext.cmd == q->cmd && a >= q->start &&
			      a < q->start + q->npages * PG && !((a - q->start) & (PG - 1)),
			      "id %u: flush cmd %u addr %#lx, made cmd %u addr %#lx (%u pages)",
			      id, r->ext.cmd, a, q->cmd, q->start, q->npages);
			k = (unsigned int)((a - q->start) / PG) + 1;
			if (k > q->pages_pres)
				q->pages_pres = k;
		} else {
			CHECK(r->op == __HYPERVISOR_mmu_update,
			      "request %u: op %u", i, r->op);
			id = (unsigned int)(r->val >> 12);
			CHECK(id && id < nid && rq[id].kind == K_UPD,
			      "request %u: mmu_update ptr %#lx val %#lx: no such update",
			      i, (unsigned long)r->ptr, (unsigned long)r->val);
			q = &rq[id];
			CHECK(r->ptr == q->ptr && r->val == q->val,
			      "id %u: mmu_update ptr %#lx val %#lx, made ptr %#lx val %#lx",
			      id, (unsigned long)r->ptr, (unsigned long)r->val,
			      (unsigned long)q->ptr, (unsigned long)q->val);
			CHECK(!q->uvm_taken && !q->pres,
			      "id %u: presented again (as mmu_update; %u before, uvm %d)",
			      id, q->pres, q->uvm_taken);
		}
		if (nowed) {
			CHECK(id == owed[0],
			      "request %u: id %u, but id %u was owed after its refused uvm",
			      i, id, owed[0]);
			owed[0] = owed[1];
			nowed--;
		}
		q->pres++;
		CHECK(r->applied == !q->poison,
		      "double: id %u applied %d poison %d", id, r->applied,
		      q->poison);
		if (r->applied) {
			applied(q, i);
			continue;
		}
		CHECK(r->err == q->poison, "double: id %u err %d poison %d", id,
		      r->err, q->poison);
		if (q->kind == K_UPD)
			refused(__HYPERVISOR_mmu_update, r->err, q->ptr, q->val,
				q->caller);
		else
			refused(__HYPERVISOR_mmuext_op, r->err, q->cmd,
				r->ext.arg1.linear_addr, q->caller);
	}
	synced = hc.nr_reqs;

	/* The failures logged are the refusals seen, and only they. */
	n = (unsigned int)(ms->failures - log_base);
	CHECK(n == nfails, "%u failures logged, %u refused", n, nfails);
	if (n <= MMU_FAILURE_LOG && n <= ARRAY_SIZE(fails)) {
		bool used[MMU_FAILURE_LOG] = { 0 };
		unsigned int l, k;

		for (l = 0; l < n; l++) {
			const struct mmu_failure *f = xen_mmu_failure(l);
			bool found = false;

			CHECK(f, "failure %u missing", l);
			for (k = 0; k < n && !found; k++)
				if (!used[k] && f->op == fails[k].op &&
				    f->err == fails[k].err &&
				    f->ptr == fails[k].ptr &&
				    f->val == fails[k].val &&
				    caller_is(f->caller, fails[k].caller))
					found = used[k] = true;
			CHECK(found,
			      "logged: op %u err %d ptr %#lx val %#lx caller %#lx: no such refusal",
			      f->op, f->err,
			      (unsigned long)f->ptr, (unsigned long)f->val,
			      f->caller);
		}
	}
	log_base = ms->failures;
	st[cur_mode].refused += nfails;
	nfails = 0;
	CHECK(ms->uvm - uvm_base == nuvm && ms->uvm_invlpg - uvmi_base == nuvmi &&
	      ms->uvm_refused - uvmr_base == nuvmr,
	      "uvm stats %lu/%lu/%lu, seen %u/%u/%u",
	      (unsigned long)(ms->uvm - uvm_base),
	      (unsigned long)(ms->uvm_invlpg - uvmi_base),
	      (unsigned long)(ms->uvm_refused - uvmr_base), nuvm, nuvmi, nuvmr);
	CHECK(!hc.wild_counts && !hc.odd_calls && !hc.uvm_unmapped,
	      "double: wild counts %u, odd calls %u, uvm to unmapped va %u",
	      hc.wild_counts, hc.odd_calls, hc.uvm_unmapped);
}

/* Compare the ptes the model knows settled (all of them: all) with Xen's. */
static void check_mem(bool all)
{
	unsigned int p;

	for (p = 0; p < NPTE; p++) {
		if (pending[p] && !all)
			continue;
		CHECK(hc_mem_read(ma(p)) == ref[p],
		      "pte %u (ma %#lx): Xen has %#lx, the last write made %#lx",
		      p, (unsigned long)ma(p), (unsigned long)hc_mem_read(ma(p)),
		      (unsigned long)ref[p]);
	}
}

/*
 * Around every call into the policy: start an operation (fault: in
 * fault context), end it (every presentation seen and checked).
 */
static void op_begin(bool fault)
{
	op_started = false;
	op_first_err = 0;
	nextra = extra_seen = 0;
	op_fault = fault;
	host_cpu.fault_depth = fault;
}

static void op_end(void)
{
	sync();
	host_cpu.fault_depth = 0;
	CHECK(!want_uvm, "the lone update id %u never went as update_va_mapping",
	      want_uvm);
	CHECK(!nowed, "id %u owed after its refused uvm, never presented",
	      owed[0]);
	CHECK(extra_seen == nextra, "%u of %u predicted flushes seen",
	      extra_seen, nextra);
	if (g_lazy && !op_fault && !sec_err)
		sec_err = op_first_err;
	check_mem(false);
	op_fault = false;
}

/* A snapshot of this vCPU's batch, to show an operation left it alone. */
static struct mc_buffer snap;

static void take_snap(void)
{
	const struct mc_buffer *b = &xen_mc_buffers[0];

	snap.nr_calls = b->nr_calls;
	snap.args_used = b->args_used;
	memcpy(snap.args, b->args, b->args_used);
}

static void check_snap(const char *what)
{
	const struct mc_buffer *b = &xen_mc_buffers[0];

	CHECK(b->nr_calls == snap.nr_calls && b->args_used == snap.args_used &&
	      !memcmp(b->args, snap.args, b->args_used),
	      "%s touched the batch", what);
}

/* A pte with no write queued since the last issue, near p; or -1. */
static int settled_pte(unsigned int p)
{
	unsigned int k;

	for (k = 0; k < NPTE; k++)
		if (!pending[(p + k) % NPTE])
			return (int)((p + k) % NPTE);
	return -1;
}

/*
 * A write of q (ptr, val, va, caller set) is being made: queued if
 * lazy, else at once.  The lone-update bookkeeping, as the policy holds
 * back updates (see mmu.c).
 */
static void model_write(struct mreq *q)
{
	last_p = q->p;
	if (q->lazy) {
		pending[q->p] = true;
		if ((q->ptr & 7) != MMU_PT_UPDATE_PRESERVE_AD)
			pending_normal[q->p] = true;
		if (cand_u)
			cand_u = cand_f = 0;
		else if (q->va && all_presented(id_of(q)))
			cand_u = id_of(q);
	}
	if (!q->poison)
		ref[q->p] = apply(ref[q->p], q->ptr, q->val);
}

static bool lazy_now(void)
{
	return g_lazy && !op_fault;
}

/* ---- the operations ---- */

/* how: 1 PRESERVE_AD, 2 offer a va, 4 fault context, 8 val carries A|D */
static void op_update(unsigned int p, unsigned int how, unsigned int bits)
{
	bool fault = how & 4;
	struct mreq *q;
	int sp;

	op_begin(fault);
	if (!lazy_now()) {
		sp = settled_pte(p);
		if (sp < 0)
			goto out;
		p = (unsigned int)sp;
	}
	q = new_req(K_UPD, lazy_now());
	q->p = p;
	q->ptr = ma(p) | (how & 1 ? MMU_PT_UPDATE_PRESERVE_AD : MMU_NORMAL_PT_UPDATE);
	q->val = (u64)id_of(q) << 12 | _PAGE_PRESENT | (bits & 2) |
		 (how & 8 ? AD : (bits << 3) & AD);
	/* The va its pte maps: the policy decides what it may do with it. */
	if (how & 2)
		q->va = va_of(p);
	if (fault)
		take_snap();
	model_write(q);
	xen_queue_pte_update(q->ptr, q->val, q->va, q->caller);
	if (fault)
		check_snap("an update from fault context");
out:
	op_end();
}

static void op_set_pte_at(unsigned int p, unsigned int bits, bool fault)
{
	struct mreq *q;
	int sp;

	op_begin(fault);
	if (!lazy_now()) {
		sp = settled_pte(p);
		if (sp < 0)
			goto out;
		p = (unsigned int)sp;
	}
	q = new_req(K_UPD, lazy_now());
	q->p = p;
	q->ptr = ma(p) | MMU_NORMAL_PT_UPDATE;
	q->val = (u64)id_of(q) << 12 | _PAGE_PRESENT | (bits & 2) |
		 ((bits << 3) & AD);
	q->va = va_of(p);
	q->caller = ret_set_pte;
	model_write(q);
	call_set_pte_at(q->va, &ptes[p], __pte(q->val));
out:
	op_end();
}

/* A protection change of a settled pte, mprotect-like: pfn and A/D kept. */
/* Everything queued has been issued: every pte is settled. */
static void issued_all(void)
{
	memset(pending, 0, sizeof(pending));
	memset(pending_normal, 0, sizeof(pending_normal));
	check_mem(true);
}

static void op_txn(unsigned int p, unsigned int bits, bool fault)
{
	struct mreq *q;
	u64 before, newv;
	unsigned int n;
	bool first = false, wrapper;
	pte_t old;
	int sp;

	op_begin(fault);
	sp = settled_pte(p);
	if (sp < 0)
		goto out;
	p = (unsigned int)sp;
	before = hc_mem_read(ma(p));
	ptes[p] = __pte(before);
	n = hc.nr_reqs;
	old = call_start(va_of(p), &ptes[p]);
	CHECK(hc.nr_reqs == n, "start reached Xen (%u requests)", hc.nr_reqs - n);
	CHECK(pte_val(old) == before, "start: %#lx, the pte holds %#lx",
	      (unsigned long)pte_val(old), (unsigned long)before);
	if (backend == 0) {
		/* The clear is a trapped write Xen emulates: done, at once. */
		CHECK(!pte_val(ptes[p]), "generic start left %#lx",
		      (unsigned long)pte_val(ptes[p]));
		hc_mem_seed(ma(p), 0);
		ref[p] = 0;
	}
	q = new_req(K_UPD, backend != 2 && lazy_now());
	q->p = p;
	newv = (u64)id_of(q) << 12 | _PAGE_PRESENT | (bits & 2) |
	       (pte_val(old) & AD);
	/* Xen's commit: half of them by the wrapper's way, in place. */
	wrapper = backend == 1 && (bits & 4);
	q->caller = wrapper ? WRAPPER_SITE : ret_commit[backend];
	if (backend == 0) {
		q->ptr = ma(p) | MMU_NORMAL_PT_UPDATE;
		q->val = newv;
		q->va = va_of(p);
	} else {
		bool ad = (pte_val(old) & AD) == AD;

		q->ptr = ma(p) | MMU_PT_UPDATE_PRESERVE_AD;
		q->val = backend == 1 && ad ? newv | AD : newv;
		q->va = backend == 1 ? va_of(p) : 0;
	}
	model_write(q);
	/* xen-nobatch's commit goes at once, after what is queued. */
	first = backend == 2 && lazy_now();
	if (first)
		want_uvm = lone_uvm();
	if (wrapper)
		call_commit_wrapper(va_of(p), &ptes[p], old, __pte(newv));
	else
		call_commit(va_of(p), &ptes[p], old, __pte(newv));
out:
	op_end();
	if (first)
		issued_all();
}

static void op_flush(unsigned int p, unsigned long len, bool fault)
{
	bool one = len <= PG, all, recheck;
	struct mreq *q;

	op_begin(fault);
	q = new_req(K_FLUSH, lazy_now());
	q->start = va_of(p) + id_of(q);
	all = nr_online > 1 && others_busy_m();
	recheck = nr_online > 1 && !all;
	if (all)
		q->cmd = one ? MMUEXT_INVLPG_ALL : MMUEXT_TLB_FLUSH_ALL;
	else
		q->cmd = one ? MMUEXT_INVLPG_LOCAL : MMUEXT_TLB_FLUSH_LOCAL;
	q->npages = 1;
	/* Queued, local, up to 8 pages: one INVLPG_LOCAL per page. */
	if (q->lazy && !one && !all && len <= 8 * PG) {
		q->cmd = MMUEXT_INVLPG_LOCAL;
		q->npages = (unsigned int)((len + PG - 1) / PG);
	}
	q->caller = ret_flush;
	if (q->lazy) {
		struct mreq *u = cand_u ? &rq[cand_u] : NULL;

		if (u && !cand_f && one && !((q->start ^ u->va) & ~(PG - 1)))
			cand_f = id_of(q);
		else
			cand_u = cand_f = 0;
		if (recheck) {
			if (rc_on)
				one = one && rc_one && !((q->start ^ rc_start) & ~(PG - 1));
			else
				rc_start = q->start;
			rc_on = true;
			rc_one = one;
		}
	} else if (recheck) {
		gen_m++;	/* and the others are as idle as a moment ago */
	}
	if (fault)
		take_snap();
	call_flush(q->start, q->start + len);
	if (fault)
		check_snap("a flush from fault context");
	op_end();
}

static void op_issue(void)
{
	int rc;

	op_begin(false);
	want_uvm = lone_uvm();
	rc = xen_mmu_issue();
	op_end();
	CHECK(rc == (g_lazy ? sec_err : 0), "xen_mmu_issue: %d, expected %d",
	      rc, g_lazy ? sec_err : 0);
	issued_all();
}

static void op_enter(void)
{
	op_begin(false);
	pv_mmu_ops.enter_lazy_mmu();
	g_lazy = true;
	sec++;
	sec_err = 0;
	op_end();
}

static void op_leave(void)
{
	int rc;

	op_begin(false);
	want_uvm = lone_uvm();
	if (rc_on) {
		gen_m++;
		if (others_busy_m())
			expect_extra(rc_one ? MMUEXT_INVLPG_ALL : MMUEXT_TLB_FLUSH_ALL,
				     rc_start & ~(PG - 1), true);
		rc_on = false;
	}
	rc = pv_mmu_ops.leave_lazy_mmu();
	op_end();
	CHECK(rc == sec_err, "leave: %d, the section's first error %d", rc,
	      sec_err);
	g_lazy = false;
	sec_err = 0;
	issued_all();
}

static void op_now(unsigned int p, unsigned int bits, bool fault)
{
	struct mreq *q;
	bool first;
	int sp, rc;

	op_begin(fault);
	/* Inside a section, not in a fault: what is queued goes first. */
	first = lazy_now();
	sp = settled_pte(p);
	if (sp < 0)
		goto out;
	p = (unsigned int)sp;
	q = new_req(K_UPD, false);
	q->p = p;
	q->ptr = ma(p) | (bits & 1 ? MMU_PT_UPDATE_PRESERVE_AD : MMU_NORMAL_PT_UPDATE);
	q->val = (u64)id_of(q) << 12 | _PAGE_PRESENT | ((bits << 4) & AD);
	model_write(q);
	if (first)
		want_uvm = lone_uvm();
	else
		take_snap();
	rc = xen_mmu_update_now(q->ptr, q->val, q->caller);
	if (!first)
		check_snap("an immediate update");
	CHECK(rc == q->poison, "xen_mmu_update_now: %d, expected %d", rc,
	      q->poison);
out:
	op_end();
	if (first && sp >= 0)
		issued_all();
}

/*
 * The hardware sets Accessed/Dirty, at once, in a pte whose queued
 * writes (if any) are all PRESERVE_AD: whichever of them Xen applied
 * already, the bits stay to the end, so the last write made is still
 * known (with a NORMAL write queued it would depend on when the batch
 * went).  This is what PRESERVE_AD is for, and why a lone update may go
 * as update_va_mapping only if the pte had both bits already.
 */
static void op_hw_ad(unsigned int p, unsigned int bits)
{
	u64 ab = (bits & 1 ? _PAGE_ACCESSED : 0) | (bits & 2 ? _PAGE_DIRTY : 0);
	unsigned int k;

	if (!ab)
		return;
	for (k = 0; k < NPTE && pending_normal[(p + k) % NPTE]; k++)
		;
	if (k == NPTE)
		return;
	p = (p + k) % NPTE;
	hc_mem_seed(ma(p), hc_mem_read(ma(p)) | ab);
	ref[p] |= ab;
	TRACE("  hw sets %#lx in pte %u%s\n", (unsigned long)ab, p,
	      pending[p] ? " (PRESERVE_AD writes queued)" : "");
}

static void op_cpu(unsigned int a)
{
	unsigned int k = 1 + (a & 3) % 3;

	op_begin(false);
	switch ((a >> 2) & 3) {
	case 0:
		host_cpu.cpu = k;
		tlb_idle_enter();
		idle_m[k] = true;
		break;
	case 1:
		if (gen_m != seen_m[k])
			expect_extra(MMUEXT_TLB_FLUSH_LOCAL, 0, false);
		seen_m[k] = gen_m;
		host_cpu.cpu = k;
		tlb_idle_exit();
		idle_m[k] = false;
		break;
	default:
		nr_online = nr_cpus_online = 1 + ((a >> 4) & 3);
		break;
	}
	host_cpu.cpu = 0;
	op_end();
}

static void op_select(unsigned int b)
{
	if (g_lazy)
		return;
	backend = (int)(b % 3);
	CHECK(!pv_mmu_select(backend_names[backend]), "select %s",
	      backend_names[backend]);
}

/*
 * Checks over the whole run, once everything was issued: exactly once,
 * and every flush after the updates made before it.
 */
static void check_run(void)
{
	int max_all = -1, max_prev = -1, max_imm = -1;
	unsigned int id, cur = 0;

	for (id = 1; id < nid; id++) {
		const struct mreq *q = &rq[id];

		if (q->kind == K_NONE)
			continue;
		if (q->sec != cur) {
			cur = q->sec;
			max_prev = max_all;
			max_imm = -1;
		}
		if (q->kind == K_UPD) {
			CHECK(q->pres + q->uvm_taken == 1,
			      "update id %u presented %u times (uvm taken %d)", id,
			      q->pres, q->uvm_taken);
			CHECK(q->apps == !q->poison, "update id %u applied %u times",
			      id, q->apps);
			if (q->last_app > max_all)
				max_all = q->last_app;
			if (!q->lazy && q->last_app > max_imm)
				max_imm = q->last_app;
			continue;
		}
		CHECK(q->pres || q->rode, "flush id %u never presented", id);
		CHECK(q->poison ? q->apps == q->rode : q->apps >= 1,
		      "flush id %u (poison %d) applied %u times", id, q->poison,
		      q->apps);
		if (!q->apps)
			continue;
		if (q->fault && q->sec) {
			int bound = max_prev > max_imm ? max_prev : max_imm;

			CHECK(q->last_app > bound,
			      "flush id %u from fault context applied at %d, before an issued update at %d",
			      id, q->last_app,
			      bound);
			continue;
		}
		CHECK(q->last_app > max_all ||
		      (q->rode && q->last_app == max_all),
		      "flush id %u last applied at %d, an update made before it at %d",
		      id, q->last_app, max_all);
	}
}

static void reset(const uint8_t b)
{
	const struct xen_mmu_stats *ms;
	unsigned int c, p;

	/* Every other vCPU idle and up to date; then a fresh double. */
	nr_cpus_online = NR_CPUS;
	for (c = 1; c < NR_CPUS; c++) {
		host_cpu.cpu = c;
		tlb_idle_exit();
		tlb_idle_enter();
		idle_m[c] = true;
		seen_m[c] = 0;
	}
	host_cpu.cpu = 0;
	host_cpu.fault_depth = 0;
	nr_cpus_online = nr_online = 1;
	gen_m = 0;
	hc_reset();
	cur_mode = force_mode >= 0 ? (enum hc_mode)force_mode : b % 3;
	hc_set_mode(cur_mode);
	if (cur_mode == HC_PREEMPT) {
		hc_preempt_every(1 + ((b >> 2) & 3), 1 + ((b >> 4) & 3));
		/* every sub-call of a multicall ends with a deferred put */
		hc.deferred_put = b & 0x80;
	}
	hc_fail_if(pred_poison, NULL);
	memset(poison_next, 0, sizeof(poison_next));
	memset(&rq[0], 0, sizeof(rq[0]));
	nid = 1;
	for (p = 0; p < NPTE; p++) {
		ref[p] = (u64)p << 40 | _PAGE_PRESENT | (b & 0x40 ? AD : 0);
		ptes[p] = __pte(ref[p]);
		hc_mem_seed(ma(p), ref[p]);
		hc_va_register(va_of(p), ma(p));
		pending[p] = false;
		pending_normal[p] = false;
	}
	last_p = 0;
	g_lazy = false;
	sec = 0;
	sec_err = 0;
	cand_u = cand_f = want_uvm = 0;
	nowed = 0;
	rc_on = false;
	synced = 0;
	presented_w = 1;
	nuvm = nuvmi = nuvmr = 0;
	nfails = 0;
	ms = xen_mmu_stats();
	log_base = ms->failures;
	uvm_base = ms->uvm;
	uvmi_base = ms->uvm_invlpg;
	uvmr_base = ms->uvm_refused;
	backend = 1;
	CHECK(!pv_mmu_select("xen"), "select xen");
}

static void print_stats(void)
{
	printf("mc-fuzz: mode=intact runs=%lu refused=%lu uvm=%lu\n",
	       st[HC_INTACT].runs, st[HC_INTACT].refused, st[HC_INTACT].uvm);
	printf("mc-fuzz: mode=clobber runs=%lu clobbered=%lu refused=%lu\n",
	       st[HC_CLOBBER].runs, st[HC_CLOBBER].clobbered,
	       st[HC_CLOBBER].refused);
	printf("mc-fuzz: mode=preempt runs=%lu preempted=%lu failed_after_preempt=%lu deferred_puts=%lu refused=%lu\n",
	       st[HC_PREEMPT].runs, st[HC_PREEMPT].preempted,
	       st[HC_PREEMPT].failed_after_preempt,
	       st[HC_PREEMPT].deferred_puts, st[HC_PREEMPT].refused);
	fflush(stdout);
}

/*
 * Inputs run once at every start, before any fuzzing: the scenarios the
 * model is there for, so that a smoke run always tries them.  Byte 0:
 * the double's mode (byte % 3: 0 intact, 1 clobber, 2 preempt), the
 * preemption rule and deferred puts (see reset()); then (op, arg) pairs,
 * see LLVMFuzzerTestOneInput().
 */
static const struct {
	const char *what;
	const char *hex;
} seeds[] = {
	{ "refused first update, a later one to the same pte after a flush",
	  "01 0f00 1900 0000 0000 1500 0000" },
	{ "the same in preempt mode, every sub-call cut after one request",
	  "02 0f00 1901 0000 0000 0000 1500 0000" },
	{ "refused update, its entry's tail, a flush after it",
	  "00 0f00 0900 0000 0001 0400 1500" },
	{ "the tail's second request refused too",
	  "01 0f00 0900 0911 0000 0001 0002 0003" },
	{ "lone update refused, with its INVLPG",
	  "00 0700 0900 0200 0400" },
	{ "lone update taken, with its INVLPG",
	  "00 0700 0200 4400" },
	{ "PRESERVE_AD commit of a pte without A/D, hardware sets both",
	  "00 0700 0300 0a30" },
	{ "update from fault context beside a queued one",
	  "00 0700 0000 4001" },
	{ "two vCPUs, the other wakes: recheck at leave",
	  "00 0b18 0700 0000 0400 0b04" },
	{ "a refused tail after deferred puts",
	  "80 0f00 0901 0000 0001 0002 0400" },
};

static void hex_input(const char *hex, uint8_t *buf, size_t *len)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2) {
		unsigned int byte;

		while (*hex == ' ')
			hex++;
		if (sscanf(hex, "%2x", &byte) != 1)
			abort();
		buf[n++] = (uint8_t)byte;
	}
	*len = n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 1;

	if (!size)
		return 0;
	reset(data[0]);
	while (i < size && nid + 16 < MAXR) {
		uint8_t op = data[i++];
		uint8_t a = i < size ? data[i++] : 0;
		unsigned int k, n;

		TRACE("op %#x %#x (next id %u, lazy %d, cand %u/%u)\n", op, a, nid,
		      g_lazy, cand_u, cand_f);
		switch (op & 15) {
		case 0: case 1:
			op_update(a & 15, op >> 4, a >> 4);
			break;
		case 2:
			op_set_pte_at(a & 15, a >> 4, op & 0x80);
			break;
		case 3:
			op_txn(a & 15, a >> 4, op & 0x80);
			break;
		case 4:
			/* often the page just written: the lone update's INVLPG */
			op_flush(op & 0x40 ? last_p : a & 15, 1 + (a >> 4) * 273UL,
				 op & 0x80);
			break;
		case 5:
			op_flush(op & 0x40 ? last_p : a & 15, PG * (2 + (a >> 4)),
				 op & 0x80);
			break;
		case 6:
			op_issue();
			break;
		case 7: case 15:
			if (g_lazy)
				op_leave();
			else
				op_enter();
			break;
		case 8:
			op_now(a & 15, a >> 4, op & 0x80);
			break;
		case 9:
			poison_next[nid + (a & 15)] = errs[(a >> 4) % ARRAY_SIZE(errs)];
			break;
		case 10:
			/* often the pte just written, with its write queued */
			op_hw_ad(a & 0x40 ? last_p : a & 15, a >> 4);
			break;
		case 11:
			op_cpu(a);
			break;
		case 12:
			op_select(a);
			break;
		case 13:
			/* A run of updates over few ptes: same-pte rewrites. */
			n = 1 + (a & 7);
			for (k = 0; k < n; k++)
				op_update(((a >> 3) + (k & (op >> 6))) & 15,
					  (op >> 4) & 0xb, k);
			break;
		case 14:
			if (cur_mode == HC_PREEMPT)
				hc_preempt_at(hc.nr_reqs + (a & 7));
			break;
		}
	}
	if (g_lazy)
		op_leave();
	else
		op_issue();
	check_run();
	st[cur_mode].runs++;
	st[cur_mode].clobbered += hc.clobbered;
	st[cur_mode].preempted += hc.preempted;
	st[cur_mode].failed_after_preempt += hc.failed_after_preempt;
	st[cur_mode].deferred_puts += hc.deferred_puts;
	st[cur_mode].uvm += nuvm;
	hc_reset();
	return 0;
}

/*
 * MC_FUZZ_MODE=intact|clobber|preempt runs every input in that mode
 * (to show what one mode catches); MC_FUZZ_TRACE=1 traces operations
 * and what reached the double.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *m = getenv("MC_FUZZ_MODE");
	unsigned int k;

	(void)argc;
	(void)argv;
	find_callers();
	trace = getenv("MC_FUZZ_TRACE") != NULL;
	if (m) {
		for (force_mode = HC_PREEMPT; force_mode >= 0; force_mode--)
			if (!strcmp(m, hc_mode_name(force_mode)))
				break;
		if (force_mode < 0) {
			fprintf(stderr, "mc-fuzz: bad MC_FUZZ_MODE=\"%s\" (intact, clobber or preempt)\n",
				m);
			exit(2);
		}
	}
	atexit(print_stats);
	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		uint8_t buf[64];
		size_t len;

		hex_input(seeds[k].hex, buf, &len);
		TRACE("seed %u: %s\n", k, seeds[k].what);
		LLVMFuzzerTestOneInput(buf, len);
	}
	return 0;
}

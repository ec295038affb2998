// SPDX-License-Identifier: GPL-2.0
/*
 * The Xen pte policy: everything pvbatch knows about writing ptes
 * through Xen.  The multicall buffer below it (multicalls.c) only holds
 * and issues what this file queues.
 *
 * Every pte write is an mmu_update request {ptr = machine address of the
 * pte | command, val}.  Inside a lazy MMU section, and not in fault
 * context (xen_lazy_mmu()), it joins this vCPU's batch; otherwise it is
 * issued at once.
 *
 * Protection-change transactions, selectable at run time:
 *  xen          start reads the pte and leaves it live; commit queues an
 *               MMU_PT_UPDATE_PRESERVE_AD request, so Xen ORs in the
 *               Accessed/Dirty bits the hardware set meanwhile;
 *  xen-nobatch  the same request, but one hypercall per pte (to compare);
 *  generic      get-and-clear, then set (asm-generic/pgtable.h): the
 *               clear is a cmpxchg on the read-only pte that Xen traps
 *               and emulates; the set is an MMU_NORMAL_PT_UPDATE request.
 *
 * The lone update.  The first update of an empty batch, if the queuer
 * names the va its pte maps (xen_queue_pte_update()), is held back out
 * of the buffer; an INVLPG of its page may join it, and anything else
 * queued puts it into the batch first.  A batch of one pte update and
 * perhaps that INVLPG, the whole of most one-page changes, then goes
 * without the buffer's bookkeeping, in one hypercall:
 *  - as update_va_mapping (UVMF_INVLPG for the flush), when that writes
 *    what Xen would write for the request (uvm_writes_same()): one
 *    hypercall instead of a multicall of two, which costs about twice as
 *    much.  update_va_mapping has no PRESERVE_AD form: a PRESERVE_AD
 *    update goes so only if its val has Accessed and Dirty set already.
 *    If Xen refuses it, the update and its flush are issued as queued;
 *  - otherwise as queued: one mmu_update, or a multicall of it and the
 *    INVLPG (xen_mc_call(), from records of its own).  Each call holds
 *    one request, so recovery is only a report.
 *
 * A batch holds at most one entry of pte updates, and after it only TLB
 * flushes: an update that would follow a flush issues the batch first.
 * Nothing else is ever queued.  That keeps recovery exact:
 *
 * Recovery.  Inside one mmu_update Xen stops at the first request it
 * refuses; the entries after it in a multicall still run.  After every
 * batch each refused request is reported (its caller, pte machine
 * address and value) and the requests after it in its entry are issued
 * again, until every request has been tried exactly once.  So every
 * other request of the batch is applied, in the order queued, and for
 * every pte the value left is the last one queued for it: no later entry
 * can hold an update, so none ran before the re-issued ones.  If updates
 * were issued again, the flushes Xen ran in the later entries are issued
 * once more, behind them, so that every flush still follows the updates
 * queued before it.  Only flushes are ever repeated; a flush done twice
 * changes nothing else.  Recovery reads the batch from the buffer's own
 * records, never from the entries Xen was given.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/smp.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/mmu.h>
#include <asm/xen/multicalls.h>
#include <asm/xen/setup.h>
#include <asm-generic/pgtable.h>
#include <pvbatch/cmdline.h>

/* The update held back out of the buffer (see above). */
struct lone_update {
	bool held;
	bool has_flush;			/* an INVLPG of its page joined it */
	struct mmu_update req;		/* as queued */
	unsigned long va, caller;
	struct mmuext_op flush;
	unsigned long flush_caller;
};

struct xen_mmu_cpu {
	bool lazy;
	bool batch_flushes;		/* the batch holds a flush */
	int error;			/* first error of the lazy section */
	struct lone_update lone;
	/* A local-only flush was queued: check on the others at leave. */
	bool recheck;
	unsigned long recheck_start;
	bool recheck_one;
	struct xen_mmu_stats stats;
	struct mmu_failure log[MMU_FAILURE_LOG];
	unsigned int nr_log;		/* total ever logged */
} __aligned(64);

static struct xen_mmu_cpu xen_mmu_cpus[NR_CPUS];
/* A switch of the transaction pair is under way (pv_mmu_select_txn). */
static int txn_switching;

static struct xen_mmu_cpu *this_mmu(void)
{
	return &xen_mmu_cpus[smp_processor_id()];
}

/* The one test of "may this update be deferred?" (asm/xen/mmu.h). */
static __always_inline bool lazy_here(const struct xen_mmu_cpu *m)
{
	return m->lazy && !in_fault_context();
}

bool xen_lazy_mmu(void)
{
	return lazy_here(this_mmu());
}

/* Element size of the requests an op carries. */
static size_t req_size(unsigned int op)
{
	return op == __HYPERVISOR_mmu_update ? sizeof(struct mmu_update)
					     : sizeof(struct mmuext_op);
}

static void report(unsigned int op, int err, const void *req,
		   unsigned long caller)
{
	struct xen_mmu_cpu *m = this_mmu();
	struct mmu_failure *f = &m->log[m->nr_log % MMU_FAILURE_LOG];

	f->op = op;
	f->err = err;
	f->ptr = 0;
	f->val = 0;
	f->caller = caller;
	if (req && op == __HYPERVISOR_mmu_update) {
		const struct mmu_update *u = req;

		f->ptr = u->ptr;
		f->val = u->val;
	} else if (req) {
		const struct mmuext_op *x = req;

		f->ptr = x->cmd;
		f->val = x->arg1.mfn;
	}
	m->nr_log++;
	m->stats.failures++;
	if (xen_lazy_mmu() && !m->error)
		m->error = err;
	if (op == __HYPERVISOR_mmu_update)
		printk("xen_mmu: mmu_update refused: err %d, pte ma %#lx, val %#lx, queued by %#lx\n",
		       err, f->ptr, f->val, caller);
	else
		printk("xen_mmu: hypercall %u refused: err %d, cmd %#lx, arg %#lx, queued by %#lx\n",
		       op, err, f->ptr, f->val, caller);
}

static long issue_requests(unsigned int op, void *reqs, unsigned int count,
			   unsigned int *done)
{
	if (op == __HYPERVISOR_mmu_update)
		return HYPERVISOR_mmu_update(reqs, count, done, DOMID_SELF);
	return HYPERVISOR_mmuext_op(reqs, count, done, DOMID_SELF);
}

/*
 * A call of count requests stopped at request 'done', refused with err:
 * report it, issue what followed it, and repeat until every request has
 * been tried once.  caller: for requests the buffer does not hold.
 * True if any request was issued again.
 */
static bool finish_call(unsigned int op, void *reqs, unsigned int count,
			unsigned int done, long err, unsigned long caller)
{
	size_t size = req_size(op);
	bool again = false;
	u8 *req = reqs;

	while (err < 0) {
		if (done >= count) {
			/* Refused, yet all counted done: nothing to name. */
			report(op, (int)err, NULL, caller);
			break;
		}
		req += (size_t)done * size;
		report(op, (int)err, req, xen_mc_caller(req) ?: caller);
		req += size;
		count -= done + 1;
		if (!count)
			break;
		done = 0;
		err = issue_requests(op, req, count, &done);
		again = true;
	}
	return again;
}

/* Issue again the flushes Xen applied in c (see Recovery above). */
static void reflush(const struct mc_call *c)
{
	unsigned int n = c->result < 0 ? min(c->done, c->count) : c->count;
	unsigned int done = 0;
	long err;

	if (!n)
		return;
	err = HYPERVISOR_mmuext_op(c->reqs, n, &done, DOMID_SELF);
	(void)finish_call(c->op, c->reqs, n, done, err, 0);
}

/* Runs after every batch: see Recovery above. */
static void check_batch(const struct mc_issued *batch, void *data)
{
	struct xen_mmu_cpu *m = data;
	unsigned int i, j;

	m->batch_flushes = false;
	for (i = 0; i < batch->nr; i++) {
		const struct mc_call *c = &batch->calls[i];

		if (c->result >= 0)
			continue;
		if (!finish_call(c->op, c->reqs, c->count, c->done, c->result, 0) ||
		    c->op != __HYPERVISOR_mmu_update)
			continue;
		for (j = i + 1; j < batch->nr; j++)
			reflush(&batch->calls[j]);
	}
}

/*
 * A new entry for one request of op: after issuing the batch if it is
 * full, or if this is an update and the batch already holds a flush.
 * Every batch's first entry comes with its check.  Only inside a lazy
 * section with no update held: xen_extend_pte_update() counts on it.
 */
static void *open_entry(unsigned int op, unsigned long caller)
{
	struct xen_mmu_cpu *m = this_mmu();
	void *req;

	if (!lazy_here(m) || m->lone.held)
		panic("xen_mmu: an entry opened outside a lazy section, or with an update held");
	if (op == __HYPERVISOR_mmu_update && m->batch_flushes)
		xen_mc_issue();
	for (;;) {
		if (xen_mc_empty() && !xen_mc_callback(check_batch, m))
			panic("xen_mmu: no callback slot in an empty batch");
		req = xen_mc_entry(op, req_size(op), caller);
		if (req)
			break;
		xen_mc_issue();
	}
	if (op == __HYPERVISOR_mmuext_op)
		m->batch_flushes = true;
	return req;
}

static void queue_update(u64 ptr, u64 val, unsigned long caller)
{
	struct mmu_update *u;

	u = xen_mc_extend_args(__HYPERVISOR_mmu_update, sizeof(*u), caller);
	if (unlikely(!u))
		u = open_entry(__HYPERVISOR_mmu_update, caller);
	u->ptr = ptr;
	u->val = val;
}

static void queue_flush(const struct mmuext_op *op, unsigned long caller)
{
	struct mmuext_op *x;

	x = xen_mc_extend_args(__HYPERVISOR_mmuext_op, sizeof(*x), caller);
	if (!x)
		x = open_entry(__HYPERVISOR_mmuext_op, caller);
	*x = *op;
}

/* Put the held update (and its flush) into the batch, as queued. */
static void release_lone(struct lone_update *l)
{
	l->held = false;
	queue_update(l->req.ptr, l->req.val, l->caller);
	if (l->has_flush)
		queue_flush(&l->flush, l->flush_caller);
}

/*
 * Would update_va_mapping write what Xen writes for u?  A NORMAL update
 * writes val.  A PRESERVE_AD one writes val with the pte's Accessed and
 * Dirty ORed in, which is val if val has both: the hardware only ever
 * sets them.
 */
static bool uvm_writes_same(const struct mmu_update *u)
{
	u64 cmd = u->ptr & 7;		/* Xen's command bits (xen.h) */

	return cmd == MMU_NORMAL_PT_UPDATE ||
	       (cmd == MMU_PT_UPDATE_PRESERVE_AD &&
		(u->val & _PAGE_AD) == _PAGE_AD);
}

/* The held update as update_va_mapping; false if Xen refused it. */
static __always_inline bool issue_lone_uvm(struct xen_mmu_cpu *m)
{
	struct lone_update *l = &m->lone;
	unsigned long flags = UVMF_NONE;

	if (l->has_flush)
		flags = UVMF_INVLPG | (l->flush.cmd == MMUEXT_INVLPG_ALL ?
				       UVMF_ALL : UVMF_LOCAL);
	if (HYPERVISOR_update_va_mapping(l->va, l->req.val, flags) < 0) {
		/* Nothing changed: it goes as queued, to be reported so. */
		m->stats.uvm_refused++;
		return false;
	}
	m->stats.uvm++;
	if (l->has_flush)
		m->stats.uvm_invlpg++;
	return true;
}

/*
 * The held update as queued, and its INVLPG: one request per call, so a
 * refusal is only reported (Xen still runs the INVLPG's entry).
 */
static void issue_lone_queued(struct xen_mmu_cpu *m)
{
	struct lone_update *l = &m->lone;
	struct mc_call c[2];
	unsigned int i, n = l->has_flush ? 2 : 1;

	c[0].op = __HYPERVISOR_mmu_update;
	c[0].reqs = &l->req;
	c[0].count = 1;
	c[1].op = __HYPERVISOR_mmuext_op;
	c[1].reqs = &l->flush;
	c[1].count = 1;
	xen_mc_call(c, n);
	m->stats.lone++;
	for (i = 0; i < n; i++)
		if (c[i].result < 0)
			finish_call(c[i].op, c[i].reqs, 1, c[i].done, c[i].result,
				    i ? l->flush_caller : l->caller);
}

static __always_inline void issue_lone(struct xen_mmu_cpu *m)
{
	if (!uvm_writes_same(&m->lone.req) || !issue_lone_uvm(m))
		issue_lone_queued(m);
	m->lone.held = false;
}

/* Issue everything queued on this vCPU. */
static __always_inline void issue_pending(struct xen_mmu_cpu *m)
{
	if (m->lone.held)
		issue_lone(m);
	if (!xen_mc_empty())
		xen_mc_issue();
}

/*
 * A write issued at once inside a lazy section (xen-nobatch, a caller
 * that needs the result) must not overtake the section's queued ones:
 * issue those first.  A fault handler's writes do overtake them: it
 * must not issue the batch of the code it interrupted, and it never
 * writes a pte that code is changing (that code holds the pte lock).
 */
static void issue_before_now(void)
{
	struct xen_mmu_cpu *m = this_mmu();

	if (xen_lazy_mmu() && (m->lone.held || !xen_mc_empty()))
		issue_pending(m);
}

int xen_mmu_update_now(u64 ptr, u64 val, unsigned long caller)
{
	struct mmu_update u = { .ptr = ptr, .val = val };
	unsigned int done = 0;
	long err;

	issue_before_now();
	err = HYPERVISOR_mmu_update(&u, 1, &done, DOMID_SELF);

	finish_call(__HYPERVISOR_mmu_update, &u, 1, done, err, caller);
	return (int)err;
}

int xen_mmuext_now(const struct mmuext_op *op, unsigned long caller)
{
	struct mmuext_op x = *op;
	unsigned int done = 0;
	long err;

	issue_before_now();
	err = HYPERVISOR_mmuext_op(&x, 1, &done, DOMID_SELF);

	finish_call(__HYPERVISOR_mmuext_op, &x, 1, done, err, caller);
	return (int)err;
}

/*
 * Inside a lazy section with no update held: hold this one if it is the
 * first of an empty batch and has a va (see "The lone update").
 */
static __always_inline bool hold_lone(struct xen_mmu_cpu *m, u64 ptr, u64 val,
				      unsigned long va, unsigned long caller)
{
	struct lone_update *l = &m->lone;

	if (!va || !xen_mc_empty())
		return false;
	/*
	 * Field by field: a compound literal would zero the whole struct
	 * first, a rep stos that TCG runs one iteration per translation
	 * block.
	 */
	l->held = true;
	l->has_flush = false;
	l->req.ptr = ptr;
	l->req.val = val;
	l->va = va;
	l->caller = caller;
	return true;
}

void xen_queue_pte_update(u64 ptr, u64 val, unsigned long va,
			  unsigned long caller)
{
	struct xen_mmu_cpu *m = this_mmu();

	if (!lazy_here(m)) {
		xen_mmu_update_now(ptr, val, caller);
		return;
	}
	if (unlikely(m->lone.held))
		release_lone(&m->lone);
	else if (hold_lone(m, ptr, val, va, caller))
		return;
	queue_update(ptr, val, caller);
}

/*
 * An L2 entry, the same way as a pte: one PRESERVE_AD request in this
 * vCPU's batch (Xen keeps the entry's Accessed bit), never sent alone as
 * update_va_mapping (that writes an L1 entry).  Its change to RW or NX
 * re-validates the L1 table below in Xen: one request per 2 MiB.
 */
static void xen_set_pmd(unsigned long addr, pte_t *pmdp, pte_t pmd)
{
	(void)addr;
	xen_queue_pte_update(ptep_to_machine(pmdp) | MMU_PT_UPDATE_PRESERVE_AD,
			     pte_val(pmd), 0, _RET_IP_);
}

static pte_t xen_ptep_get(pte_t *ptep)
{
	return ptep_read(ptep);
}

static void xen_set_pte_at(unsigned long addr, pte_t *ptep, pte_t pte)
{
	xen_queue_pte(ptep_to_machine(ptep) | MMU_NORMAL_PT_UPDATE,
		      pte_val(pte), addr, _RET_IP_);
}

/*
 * Clear the entry and return what it held, atomically with respect to the
 * hardware setting Accessed/Dirty: a locked cmpxchg on the pte itself.
 * The pte page is read-only to us, so Xen traps the write and emulates
 * it (its writable-page-table emulation), atomically on the real entry.
 */
static pte_t xen_ptep_get_and_clear(unsigned long addr, pte_t *ptep)
{
	u64 old = READ_ONCE(ptep->pte);

	(void)addr;
	for (;;) {
		u64 seen = old;

		hcstat_ptwr();
		if (__atomic_compare_exchange_n(&ptep->pte, &seen, 0, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return __pte(old);
		old = seen;
	}
}

/*
 * A plain read: the wrapper does it in place (prot_start_reads), saving a
 * call per pte; this stands for it in the table and for callers through
 * the pointer.
 */
static pte_t xen_ptep_modify_prot_start(unsigned long addr, pte_t *ptep)
{
	(void)addr;
	return ptep_read(ptep);
}

/* Xen's commit, through the pointer (asm/xen/mmu.h). */
static void xen_ptep_modify_prot_commit(unsigned long addr, pte_t *ptep,
					pte_t old, pte_t pte)
{
	xen_ptep_modify_prot_commit_inline(addr, ptep, old, pte, _RET_IP_);
}

static void xen_ptep_modify_prot_commit_nobatch(unsigned long addr, pte_t *ptep,
						pte_t old, pte_t pte)
{
	(void)addr;
	(void)old;
	xen_mmu_update_now(ptep_to_machine(ptep) | MMU_PT_UPDATE_PRESERVE_AD,
			   pte_val(pte), _RET_IP_);
}

/*
 * Lazy MMU mode, per vCPU.  Rules (a violation panics): no nesting, and
 * fault context never enters or leaves it (a fault may arrive inside a
 * section; its updates go out at once, xen_lazy_mmu() is false there).
 */
static void xen_enter_lazy_mmu(void)
{
	struct xen_mmu_cpu *m = this_mmu();

	if (in_fault_context())
		panic("lazy MMU mode entered from fault context");
	if (m->lazy)
		panic("lazy MMU mode entered twice (nesting is not allowed)");
	if (!xen_mc_empty() || m->lone.held)
		panic("lazy MMU mode entered with updates queued");
	m->error = 0;
	/* Announce, then look (see "Switching the transaction pair"). */
	for (;;) {
		__atomic_store_n(&m->lazy, true, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&txn_switching, __ATOMIC_SEQ_CST))
			return;
		__atomic_store_n(&m->lazy, false, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&txn_switching, __ATOMIC_ACQUIRE))
			cpu_relax();
	}
}

static __always_inline void tlb_recheck(unsigned long start, bool one);

static int xen_leave_lazy_mmu(void)
{
	struct xen_mmu_cpu *m = this_mmu();
	int err;

	if (in_fault_context())
		panic("lazy MMU mode left from fault context");
	if (!m->lazy)
		panic("lazy MMU mode left without being entered");
	issue_pending(m);
	if (m->recheck) {
		m->recheck = false;
		tlb_recheck(m->recheck_start, m->recheck_one);
	}
	err = m->error;
	m->error = 0;
	__atomic_store_n(&m->lazy, false, __ATOMIC_SEQ_CST);
	return err;
}

int xen_mmu_issue(void)
{
	struct xen_mmu_cpu *m = this_mmu();

	issue_pending(m);
	return m->error;
}

/*
 * Idle vCPUs and the TLB.  A vCPU waiting for work (smp.c's loop) touches
 * nothing but its own stack and the kernel image, so a stale entry for a
 * changed range in its TLB cannot be used while it waits.  Flushes leave
 * such a vCPU out (no cross-vCPU flush, which under Xen means an IPI and
 * waiting for it) and move tlb_gen on instead; before it runs anything
 * it flushes its own TLB if tlb_gen moved since it last looked.
 *
 * Ordering (a Dekker pair, both sides with a full barrier): the flusher
 * bumps tlb_gen after its pte updates are issued, then reads each idle
 * flag; the vCPU clears its flag, then reads tlb_gen.  Either the flusher
 * sees it busy and flushes it, or it sees the new generation and flushes
 * itself.  The flag read when the flush is queued only picks the kind of
 * flush; the check that counts is made once the batch has been issued.
 */
struct tlb_idle_state {
	int idle;
	u64 seen_gen;
} __aligned(64);

static struct tlb_idle_state tlb_idle[NR_CPUS];
static u64 tlb_gen;

/* Is any vCPU other than this one running outside the idle loop? */
static __always_inline bool others_busy(void)
{
	unsigned int cpu, self = smp_processor_id();

	for (cpu = 0; cpu < nr_cpus_online; cpu++)
		if (cpu != self && !__atomic_load_n(&tlb_idle[cpu].idle, __ATOMIC_SEQ_CST))
			return true;
	return false;
}

static void flush_op(struct mmuext_op *op, unsigned long start, bool one,
		     bool all_cpus)
{
	if (all_cpus)
		op->cmd = one ? MMUEXT_INVLPG_ALL : MMUEXT_TLB_FLUSH_ALL;
	else
		op->cmd = one ? MMUEXT_INVLPG_LOCAL : MMUEXT_TLB_FLUSH_LOCAL;
	op->arg1.linear_addr = start;
}

/*
 * After a local-only flush went out with its updates: catch up late
 * wakers.  Inline: it runs at the end of every restricting change while
 * the other vCPUs are idle, and a call and its return are two lookups.
 */
static __always_inline void tlb_recheck(unsigned long start, bool one)
{
	struct mmuext_op op = { 0 };

	__atomic_fetch_add(&tlb_gen, 1, __ATOMIC_SEQ_CST);
	if (!others_busy())
		return;
	this_mmu()->stats.recheck_all++;
	flush_op(&op, start & PAGE_MASK, one, true);
	xen_mmuext_now(&op, _RET_IP_);
}

void tlb_idle_enter(void)
{
	struct tlb_idle_state *t = &tlb_idle[smp_processor_id()];

	__atomic_store_n(&t->idle, 1, __ATOMIC_SEQ_CST);
}

void tlb_idle_exit(void)
{
	struct tlb_idle_state *t = &tlb_idle[smp_processor_id()];
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	u64 gen;

	__atomic_store_n(&t->idle, 0, __ATOMIC_SEQ_CST);
	gen = __atomic_load_n(&tlb_gen, __ATOMIC_SEQ_CST);
	if (gen != t->seen_gen) {
		t->seen_gen = gen;
		this_mmu()->stats.idle_flush++;
		xen_mmuext_now(&op, _RET_IP_);
	}
}

/*
 * Up to this many pages, a local flush inside a lazy section is one
 * INVLPG_LOCAL per page (in the one mmuext_op entry): measured cheaper
 * than one TLB_FLUSH_LOCAL at 8 pages in every boot, both domains
 * (bench's floor+flush candidates).  A flush that reaches the other
 * vCPUs stays one request: each *_ALL is a round of IPIs.
 */
#define INVLPG_LOCAL_MAX_PAGES	8

/*
 * One flush for the whole range, on every vCPU that may cache it: this
 * one, and every other vCPU that is not idle (see above).  A single page
 * is an INVLPG, more is a full flush (or, local and lazy, a few INVLPGs:
 * above).  Inside a lazy section the flush is
 * queued behind the pte updates, so it travels in the same hypercall (in
 * the held lone update's, if it is an INVLPG of that page), and the
 * others are checked on once the section's batch has been issued.
 */
static void xen_flush_tlb_range(unsigned long start, unsigned long end)
{
	struct xen_mmu_cpu *m = this_mmu();
	struct lone_update *l = &m->lone;
	struct mmuext_op op = { 0 };
	bool one = end - start <= PAGE_SIZE;
	bool all = nr_cpus_online > 1 && others_busy();
	bool recheck = nr_cpus_online > 1 && !all;

	flush_op(&op, start, one, all);
	if (all)
		m->stats.flush_all++;
	else
		m->stats.flush_local++;
	if (!lazy_here(m)) {
		xen_mmuext_now(&op, _RET_IP_);
		if (recheck)
			tlb_recheck(start, one);
		return;
	}
	if (l->held && !l->has_flush && one && !((start ^ l->va) & PAGE_MASK)) {
		l->has_flush = true;
		l->flush = op;
		l->flush_caller = _RET_IP_;
	} else {
		if (l->held)
			release_lone(l);
		if (!one && !all && end - start <= INVLPG_LOCAL_MAX_PAGES * PAGE_SIZE) {
			unsigned long va;

			for (va = start; va < end; va += PAGE_SIZE) {
				flush_op(&op, va, true, false);
				queue_flush(&op, _RET_IP_);
			}
		} else {
			queue_flush(&op, _RET_IP_);
		}
	}
	if (!recheck)
		return;
	/* Two ranges in one section: check with a full flush. */
	if (m->recheck)
		one = one && m->recheck_one &&
		      !((start ^ m->recheck_start) & PAGE_MASK);
	else
		m->recheck_start = start;
	m->recheck = true;
	m->recheck_one = one;
}

struct pv_mmu_ops pv_mmu_ops = {
	.name = "xen",
	.ptep_get = xen_ptep_get,
	.set_pte_at = xen_set_pte_at,
	.ptep_get_and_clear = xen_ptep_get_and_clear,
	.ptep_modify_prot_start = xen_ptep_modify_prot_start,
	.ptep_modify_prot_commit = xen_ptep_modify_prot_commit,
	.prot_start_reads = true,
	.prot_commit_queues = true,
	.set_pmd = xen_set_pmd,
	.prot_level_pmd = false,
	.enter_lazy_mmu = xen_enter_lazy_mmu,
	.leave_lazy_mmu = xen_leave_lazy_mmu,
	.flush_tlb_range = xen_flush_tlb_range,
};

struct txn_backend {
	const char *name;
	bool needs_preserve_ad;
	pte_t (*start)(unsigned long addr, pte_t *ptep);
	void (*commit)(unsigned long addr, pte_t *ptep, pte_t old, pte_t pte);
};

static const struct txn_backend backends[] = {
	{ "generic", false, __ptep_modify_prot_start, __ptep_modify_prot_commit },
	{ "xen", true, xen_ptep_modify_prot_start, xen_ptep_modify_prot_commit },
	{ "xen-nobatch", true, xen_ptep_modify_prot_start,
	  xen_ptep_modify_prot_commit_nobatch },
};

static const struct txn_backend *find_backend(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i].name, name))
			return &backends[i];
	return NULL;
}

/*
 * Switching the transaction pair.  A vCPU inside a lazy MMU section may be
 * between a start and its commit: switching then could pair one backend's
 * start with another's commit.  So a switch is refused (-EBUSY) while
 * another vCPU is inside a lazy section, and a vCPU entering one while a
 * switch is under way waits for it to end (a few stores).  Both sides
 * announce themselves, then look at the other (a Dekker pair, with full
 * barriers): either the switch sees the section and is refused, or the
 * section sees the switch and waits.  Switching from inside a lazy
 * section on the same vCPU is a bug: it panics.  (The transaction pair
 * is used only inside lazy sections: change_protection() and tests.)
 */
/* Is a vCPU other than this one inside a lazy section? */
static bool others_in_lazy_section(void)
{
	unsigned int cpu, self = smp_processor_id();

	for (cpu = 0; cpu < nr_cpus_online; cpu++)
		if (cpu != self &&
		    __atomic_load_n(&xen_mmu_cpus[cpu].lazy, __ATOMIC_SEQ_CST))
			return true;
	return false;
}

/* Begin a switch: 0, or -EBUSY (nothing to undo). */
static int switch_begin(const char *name)
{
	if (this_mmu()->lazy)
		panic("pv_mmu_select(%s) inside a lazy MMU section", name);
	if (__atomic_exchange_n(&txn_switching, 1, __ATOMIC_SEQ_CST))
		return -EBUSY;
	if (others_in_lazy_section()) {
		__atomic_store_n(&txn_switching, 0, __ATOMIC_RELEASE);
		return -EBUSY;
	}
	return 0;
}

static void switch_end(void)
{
	__atomic_store_n(&txn_switching, 0, __ATOMIC_RELEASE);
}

int pv_mmu_select_txn(const char *name,
		      pte_t (*start)(unsigned long addr, pte_t *ptep),
		      void (*commit)(unsigned long addr, pte_t *ptep, pte_t old,
				     pte_t pte))
{
	int rc = switch_begin(name);

	if (rc)
		return rc;
	pv_mmu_ops.name = name;
	pv_mmu_ops.ptep_modify_prot_start = start;
	pv_mmu_ops.ptep_modify_prot_commit = commit;
	pv_mmu_ops.prot_start_reads = start == xen_ptep_modify_prot_start;
	pv_mmu_ops.prot_commit_queues = commit == xen_ptep_modify_prot_commit;
	switch_end();
	return 0;
}

/* "pte" -> 0, "pmd" -> 1, anything else -> -EINVAL. */
static int prot_level_of(const char *name)
{
	if (!strcmp(name, "pte"))
		return 0;
	if (!strcmp(name, "pmd"))
		return 1;
	return -EINVAL;
}

/*
 * A section that read prot_level_pmd keeps the value it read: the switch
 * waits for no section, it is refused while one runs elsewhere.
 */
int pv_mmu_select_prot_level(const char *name)
{
	int level = prot_level_of(name), rc;

	if (level < 0)
		return level;
	rc = switch_begin(name);
	if (rc)
		return rc;
	pv_mmu_ops.prot_level_pmd = level;
	switch_end();
	return 0;
}

int pv_mmu_select(const char *name)
{
	const struct txn_backend *b = find_backend(name);

	if (!b)
		return -EINVAL;
	if (b->needs_preserve_ad &&
	    !xen_feature(XENFEAT_mmu_pt_update_preserve_ad))
		return -ENOSYS;
	return pv_mmu_select_txn(b->name, b->start, b->commit);
}

static char pte_txn[16] = "xen";

static int set_pte_txn(const char *val, bool apply, const char **why)
{
	if (!find_backend(val)) {
		*why = "expected generic, xen or xen-nobatch";
		return -EINVAL;
	}
	if (apply)
		strscpy(pte_txn, val, sizeof(pte_txn));
	return 0;
}
DEFINE_KPARAM(pte_txn, set_pte_txn);

static char prot_level[8] = "pte";

static int set_prot_level(const char *val, bool apply, const char **why)
{
	if (prot_level_of(val) < 0) {
		*why = "expected pte or pmd";
		return -EINVAL;
	}
	if (apply)
		strscpy(prot_level, val, sizeof(prot_level));
	return 0;
}
DEFINE_KPARAM(prot_level, set_prot_level);

void xen_mmu_init(void)
{
	int rc = pv_mmu_select(pte_txn);

	if (rc == -ENOSYS) {
		printk("pvbatch: Xen lacks XENFEAT_mmu_pt_update_preserve_ad: '%s' unavailable, using the generic transaction\n", pte_txn);
		rc = pv_mmu_select("generic");
	}
	if (rc)
		panic("selecting MMU backend '%s': %d", pte_txn, rc);
	rc = pv_mmu_select_prot_level(prot_level);
	if (rc)
		panic("selecting prot_level '%s': %d", prot_level, rc);
}

const struct xen_mmu_stats *xen_mmu_stats(void)
{
	return &this_mmu()->stats;
}

const struct mmu_failure *xen_mmu_failure(unsigned int n)
{
	struct xen_mmu_cpu *m = this_mmu();

	if (n >= m->nr_log || n >= MMU_FAILURE_LOG)
		return NULL;
	return &m->log[(m->nr_log - 1 - n) % MMU_FAILURE_LOG];
}

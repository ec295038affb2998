// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vCPU multicall batching and lazy MMU mode: see
 * asm/xen/multicalls.h for the rules this file implements.
 *
 * This file is built unchanged for the host unit tests, where the
 * HYPERVISOR_* calls reach a recording double instead of Xen.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/pgtable.h>
#include <asm/smp.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/multicalls.h>

struct mc_batch xen_mc_batches[NR_CPUS];

/* Element size of the requests an op carries in argument space. */
static size_t req_size(unsigned int op)
{
	return op == __HYPERVISOR_mmu_update ? sizeof(struct mmu_update)
					     : sizeof(struct mmuext_op);
}

static void log_failure(struct mc_batch *mc, unsigned int op, int err,
			u64 ptr, u64 val, unsigned long caller)
{
	struct mc_failure *f = &mc->log[mc->nr_log % MC_FAILURE_LOG];

	f->op = op;
	f->err = err;
	f->ptr = ptr;
	f->val = val;
	f->caller = caller;
	mc->nr_log++;
	mc->failures++;
	if (op == __HYPERVISOR_mmu_update)
		printk("xen_mc: mmu_update failed: err %d, pte ma %#lx, val %#lx, queued by %#lx\n",
		       err, ptr, val, caller);
	else
		printk("xen_mc: hypercall %u failed: err %d, arg %#lx, queued by %#lx\n",
		       op, err, ptr, caller);
}

/* The caller recorded for a request at address req inside mc->args. */
static unsigned long caller_of(struct mc_batch *mc, const void *req,
			       unsigned long fallback)
{
	const u8 *p = req;

	if (p < mc->args || p >= mc->args + sizeof(mc->args))
		return fallback;
	return mc->req_caller[(p - mc->args) / 8];
}

static int issue_requests(unsigned int op, void *req, unsigned int count,
			  unsigned int *done)
{
	if (op == __HYPERVISOR_mmu_update)
		return HYPERVISOR_mmu_update(req, count, done, DOMID_SELF);
	return HYPERVISOR_mmuext_op(req, count, done, DOMID_SELF);
}

/*
 * Request 'done' of this mmu_update/mmuext_op failed with err and stopped
 * the rest: report it, issue what followed it, and repeat until all the
 * requests have been tried exactly once.  True if any were issued again.
 */
static bool recover_requests(struct mc_batch *mc, unsigned int op, u8 *req,
			     unsigned int count, unsigned int done, int err,
			     unsigned long entry_caller)
{
	size_t sz = req_size(op);
	bool reissued = false;

	while (err < 0) {
		u8 *bad;

		if (done >= count) {
			/* Xen said it failed but counts them all done. */
			log_failure(mc, op, err, 0, 0, entry_caller);
			return reissued;
		}
		bad = req + (size_t)done * sz;
		if (op == __HYPERVISOR_mmu_update) {
			const struct mmu_update *u = (const void *)bad;

			log_failure(mc, op, err, u->ptr, u->val,
				    caller_of(mc, bad, entry_caller));
		} else {
			const struct mmuext_op *x = (const void *)bad;

			log_failure(mc, op, err, x->cmd, x->arg1.mfn,
				    caller_of(mc, bad, entry_caller));
		}
		req = bad + sz;
		count -= done + 1;
		if (!count)
			return reissued;
		done = 0;
		err = issue_requests(op, req, count, &done);
		reissued = true;
	}
	return reissued;
}

static bool is_tlb_flush(unsigned int cmd)
{
	switch (cmd) {
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI:
	case MMUEXT_TLB_FLUSH_ALL:
	case MMUEXT_INVLPG_ALL:
		return true;
	}
	return false;
}

/*
 * Recovery of entry i issued requests after the multicall, so after the
 * entries that followed i had already run: issue again the TLB flushes
 * Xen applied in those entries, so that every flush still comes after
 * the updates queued before it.  Only flushes are repeated: doing one
 * twice changes nothing else.  Returns the first error, or 0.
 */
static int reflush_after(struct mc_batch *mc, unsigned int i, unsigned int n)
{
	unsigned int j, k, applied, done;
	int err = 0, rc;

	for (j = i + 1; j < n; j++) {
		struct multicall_entry *e = &mc->entries[j];
		struct mmuext_op *x = (void *)e->args[0];

		if (e->op != __HYPERVISOR_mmuext_op)
			continue;
		applied = (long)e->result < 0 ? mc->done[j] : e->args[1];
		for (k = 0; k < applied; k++) {
			if (!is_tlb_flush(x[k].cmd))
				continue;
			done = 0;
			rc = issue_requests(e->op, &x[k], 1, &done);
			recover_requests(mc, e->op, (u8 *)&x[k], 1, done, rc,
					 mc->entry_caller[j]);
			if (rc < 0 && !err)
				err = rc;
		}
	}
	return err;
}

static long issue_one(struct multicall_entry *e)
{
	unsigned long *a = e->args;

	switch (e->op) {
	case __HYPERVISOR_mmu_update:
		return HYPERVISOR_mmu_update((void *)a[0], a[1], (void *)a[2], a[3]);
	case __HYPERVISOR_mmuext_op:
		return HYPERVISOR_mmuext_op((void *)a[0], a[1], (void *)a[2], a[3]);
	case __HYPERVISOR_update_va_mapping:
		return HYPERVISOR_update_va_mapping(a[0], a[1], a[2]);
	}
	panic("xen_mc: cannot issue hypercall %lu directly", (unsigned long)e->op);
}

/*
 * Check one entry after a flush; its (first) error, or 0.  *reissued: its
 * recovery issued requests again.
 */
static int check_entry(struct mc_batch *mc, unsigned int i, bool *reissued)
{
	struct multicall_entry *e = &mc->entries[i];
	long err = (long)e->result;

	*reissued = false;
	if (err >= 0)
		return 0;
	if (e->op == __HYPERVISOR_mmu_update || e->op == __HYPERVISOR_mmuext_op)
		*reissued = recover_requests(mc, e->op, (u8 *)e->args[0],
					     e->args[1], mc->done[i], (int)err,
					     mc->entry_caller[i]);
	else
		log_failure(mc, e->op, (int)err, e->args[0], e->args[1],
			    mc->entry_caller[i]);
	return (int)err;
}

/* Remember the first error of a lazy section, for lazy_leave to return. */
static void note_error(struct mc_batch *mc, int err)
{
	if (err < 0 && mc->lazy && !in_fault_context() && !mc->error)
		mc->error = err;
}

/*
 * The flags for update_va_mapping if the batch is one pte update that
 * may go as one (lone_va), alone or followed by an INVLPG of its page;
 * -1 if it is anything else.
 */
static long lone_update_flags(struct mc_batch *mc)
{
	const struct multicall_entry *u = &mc->entries[0], *x = &mc->entries[1];
	const struct mmuext_op *op;

	if (!mc->lone_va || mc->nr_entries > 2 ||
	    u->op != __HYPERVISOR_mmu_update || u->args[1] != 1)
		return -1;
	if (mc->nr_entries == 1)
		return UVMF_NONE;
	op = (const void *)x->args[0];
	if (x->op != __HYPERVISOR_mmuext_op || x->args[1] != 1 ||
	    ((op->arg1.linear_addr ^ mc->lone_va) & PAGE_MASK))
		return -1;
	if (op->cmd == MMUEXT_INVLPG_LOCAL)
		return UVMF_INVLPG | UVMF_LOCAL;
	if (op->cmd == MMUEXT_INVLPG_ALL)
		return UVMF_INVLPG | UVMF_ALL;
	return -1;
}

/*
 * Issue the lone update as update_va_mapping; true if Xen took it.  If
 * Xen refuses it, nothing changed, and the batch goes out as queued, so
 * that the shortcut can never fail an update that would have succeeded
 * (update_va_mapping has reasons of its own to refuse: a va it cannot
 * reach through an L1) and a real failure is reported the usual way.
 */
static bool issue_lone_update(struct mc_batch *mc, unsigned long flags)
{
	const struct mmu_update *u = (const void *)mc->entries[0].args[0];

	if (HYPERVISOR_update_va_mapping(mc->lone_va, u->val, flags) < 0) {
		mc->uvm_refused++;
		return false;
	}
	mc->flush_uvm++;
	if (flags != UVMF_NONE)
		mc->uvm_invlpg++;
	return true;
}

int xen_mc_flush(void)
{
	struct mc_batch *mc = xen_mc_batch();
	unsigned int i, n = mc->nr_entries, ncb = mc->nr_cb;
	long flags = n ? lone_update_flags(mc) : -1;
	int err = 0, rc;

	if (flags >= 0 && issue_lone_update(mc, flags)) {
		n = 0;			/* nothing left to check */
		mc->flushes++;
	} else if (n == 1) {
		mc->entries[0].result = issue_one(&mc->entries[0]);
		mc->flush_direct++;
	} else if (n > 1) {
		for (i = 0; i < n; i++)
			hypercall_account_subcall(mc->entries[i].op,
						  mc->entries[i].args);
		rc = HYPERVISOR_multicall(mc->entries, n);
		if (rc)
			panic("xen_mc: multicall of %u entries itself failed: %d",
			      n, rc);
		mc->flush_multicall++;
	}
	if (n)
		mc->flushes++;
	for (i = 0; i < n; i++) {
		bool reissued;

		rc = check_entry(mc, i, &reissued);
		if (!err)
			err = rc;
		if (reissued) {
			rc = reflush_after(mc, i, n);
			if (!err)
				err = rc;
		}
	}
	note_error(mc, err);
	mc->nr_entries = 0;
	mc->args_used = 0;
	mc->nr_cb = 0;
	mc->lone_va = 0;
	for (i = 0; i < ncb; i++)
		mc->cb[i].fn(mc->cb[i].data);
	return err;
}

/* Room for a request of sz bytes (and a new entry if new_entry)? */
static bool has_room(struct mc_batch *mc, size_t sz, bool new_entry)
{
	if (new_entry && mc->nr_entries == CONFIG_MC_ENTRIES)
		return false;
	return mc->args_used + sz <= sizeof(mc->args);
}

/*
 * Place one request of an mmu_update/mmuext_op in the batch: extend the
 * last entry if it is the same op and ends at the free space, otherwise
 * open a new entry.  Returns where to write the request.
 */
static void *queue_request(unsigned int op, unsigned long caller)
{
	struct mc_batch *mc = xen_mc_batch();
	size_t sz = req_size(op);
	struct multicall_entry *last;
	bool extend;
	void *req;

	for (;;) {
		last = mc->nr_entries ? &mc->entries[mc->nr_entries - 1] : NULL;
		extend = last && last->op == op &&
			 (u8 *)last->args[0] + last->args[1] * sz ==
			 mc->args + mc->args_used;
		if (has_room(mc, sz, !extend))
			break;
		mc->flush_full++;
		xen_mc_flush();
	}
	req = mc->args + mc->args_used;
	mc->req_caller[mc->args_used / 8] = caller;
	mc->args_used += ALIGN(sz, 8);
	if (extend) {
		last->args[1]++;
		return req;
	}
	last = &mc->entries[mc->nr_entries];
	last->op = op;
	last->result = 0;
	last->args[0] = (unsigned long)req;
	last->args[1] = 1;
	last->args[2] = (unsigned long)&mc->done[mc->nr_entries];
	last->args[3] = DOMID_SELF;
	mc->done[mc->nr_entries] = 0;
	mc->entry_caller[mc->nr_entries] = caller;
	mc->nr_entries++;
	return req;
}

void xen_mc_queue_mmu_update(u64 ptr, u64 val, unsigned long caller)
{
	struct mmu_update *u = queue_request(__HYPERVISOR_mmu_update, caller);

	u->ptr = ptr;
	u->val = val;
}

/*
 * The per-pte path of a lazy section when the inline part in the header
 * could not extend the last entry: a new entry, perhaps after a flush.
 */
bool __xen_mc_queue_pte_update(u64 ptr, u64 val, unsigned long va,
			       unsigned long caller)
{
	struct mc_batch *mc = xen_mc_batch();
	struct mmu_update *u;

	if (!mc->lazy || in_fault_context())
		return false;
	u = queue_request(__HYPERVISOR_mmu_update, caller);
	/* The first request of its batch (perhaps after a flush)? */
	if (mc->nr_entries == 1 && mc->entries[0].args[1] == 1)
		mc->lone_va = va;
	u->ptr = ptr;
	u->val = val;
	return true;
}

void xen_mc_queue_mmuext(const struct mmuext_op *op, unsigned long caller)
{
	struct mmuext_op *x = queue_request(__HYPERVISOR_mmuext_op, caller);

	*x = *op;
}

void xen_mc_callback(void (*fn)(void *), void *data)
{
	struct mc_batch *mc = xen_mc_batch();

	if (mc->nr_cb == MC_CALLBACKS) {
		mc->flush_full++;
		xen_mc_flush();
	}
	mc->cb[mc->nr_cb].fn = fn;
	mc->cb[mc->nr_cb].data = data;
	mc->nr_cb++;
}

int xen_mmu_update_now(u64 ptr, u64 val, unsigned long caller)
{
	struct mmu_update u = { .ptr = ptr, .val = val };
	struct mc_batch *mc = xen_mc_batch();
	unsigned int done = 0;
	int err = HYPERVISOR_mmu_update(&u, 1, &done, DOMID_SELF);

	if (err < 0) {
		log_failure(mc, __HYPERVISOR_mmu_update, err, ptr, val, caller);
		note_error(mc, err);
	}
	return err;
}

int xen_mmuext_now(const struct mmuext_op *op, unsigned long caller)
{
	struct mmuext_op x = *op;
	struct mc_batch *mc = xen_mc_batch();
	unsigned int done = 0;
	int err = HYPERVISOR_mmuext_op(&x, 1, &done, DOMID_SELF);

	if (err < 0) {
		log_failure(mc, __HYPERVISOR_mmuext_op, err, op->cmd,
			    op->arg1.mfn, caller);
		note_error(mc, err);
	}
	return err;
}

void xen_mc_lazy_enter(void)
{
	struct mc_batch *mc = xen_mc_batch();

	if (in_fault_context())
		panic("lazy MMU mode entered from fault context");
	if (mc->lazy)
		panic("lazy MMU mode entered twice (nesting is not allowed)");
	if (mc->nr_entries)
		panic("lazy MMU mode entered with %u entries queued", mc->nr_entries);
	mc->error = 0;
	mc->lazy = true;
}

int xen_mc_lazy_leave(void)
{
	struct mc_batch *mc = xen_mc_batch();
	int err;

	if (in_fault_context())
		panic("lazy MMU mode left from fault context");
	if (!mc->lazy)
		panic("lazy MMU mode left without being entered");
	err = xen_mc_flush();
	err = mc->error ?: err;
	mc->error = 0;
	mc->lazy = false;
	return err;
}

bool xen_mc_lazy_active(void)
{
	return xen_mc_batch()->lazy && !in_fault_context();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vCPU multicall buffer: see asm/xen/multicalls.h.
 *
 * This file is built unchanged for the host unit tests, where the
 * HYPERVISOR_* calls reach a double that behaves as Xen does.
 */
#include <linux/kernel.h>
#include <asm/smp.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/multicalls.h>

struct mc_buffer xen_mc_buffers[NR_CPUS];

void *xen_mc_entry(unsigned int op, size_t size, unsigned long caller)
{
	struct mc_buffer *b = __xen_mc_buffer();
	struct mc_call *c;
	u8 *req;

	/* xen_mc_call() issues these two only; open_op relies on op != 0. */
	if (op != __HYPERVISOR_mmu_update && op != __HYPERVISOR_mmuext_op)
		panic("xen_mc: cannot queue hypercall %u", op);
	/* See xen_mc_extend_args(): an array must end on an 8-byte unit. */
	if (size % 8)
		panic("xen_mc: a request of %zu bytes, not whole 8-byte units", size);
	if (b->nr_calls == CONFIG_MC_ENTRIES ||
	    b->args_used + size > sizeof(b->args))
		return NULL;
	req = b->args + b->args_used;
	b->req_caller[b->args_used / 8] = caller;
	b->args_used += size;
	c = &b->calls[b->nr_calls++];
	b->open_op = b->args_used + size > sizeof(b->args) ? 0 : op;
	c->op = op;
	c->count = 1;
	c->reqs = req;
	c->done = 0;
	c->result = 0;
	return req;
}

bool xen_mc_callback(mc_callback_t fn, void *data)
{
	struct mc_buffer *b = __xen_mc_buffer();

	if (b->nr_cb == MC_CALLBACKS)
		return false;
	b->cb[b->nr_cb].fn = fn;
	b->cb[b->nr_cb].data = data;
	b->nr_cb++;
	return true;
}

/* Write the entries Xen is to see from the records, and issue them. */
void xen_mc_multicall(struct mc_call *calls, unsigned int n)
{
	struct multicall_entry *entries = __xen_mc_buffer()->entries;
	unsigned int i;
	long rc;

	if (n > CONFIG_MC_ENTRIES)
		panic("xen_mc: %u calls, more than %u entries", n,
		      CONFIG_MC_ENTRIES);
	for (i = 0; i < n; i++) {
		struct multicall_entry *e = &entries[i];
		struct mc_call *c = &calls[i];

		e->op = c->op;
		e->result = 0;
		e->args[0] = (unsigned long)c->reqs;
		e->args[1] = c->count;
		e->args[2] = (unsigned long)&c->done;
		e->args[3] = DOMID_SELF;
		hypercall_account_subcall(c->op, e->args);
	}
	rc = HYPERVISOR_multicall(entries, n);
	if (rc)
		panic("xen_mc: multicall of %u entries itself failed: %ld", n, rc);
	/* From here on, only each result is ours to read. */
	for (i = 0; i < n; i++)
		calls[i].result = (long)entries[i].result;
}

/*
 * Callbacks may issue hypercalls of their own, but must not queue into
 * this buffer: it still holds the batch they are shown.
 */
long xen_mc_issue(void)
{
	struct mc_buffer *b = __xen_mc_buffer();
	unsigned int i, n = b->nr_calls;
	struct mc_issued batch = { .calls = b->calls, .nr = n };
	long err = 0;

	xen_mc_call(b->calls, n);
	if (n == 1)
		b->stats.direct++;
	else if (n > 1)
		b->stats.multicalls++;
	for (i = 0; i < n; i++)
		if (!err && b->calls[i].result < 0)
			err = b->calls[i].result;
	if (n)
		b->stats.issued++;
	for (i = 0; i < b->nr_cb; i++)
		b->cb[i].fn(&batch, b->cb[i].data);
	b->nr_calls = 0;
	b->open_op = 0;
	b->args_used = 0;
	b->nr_cb = 0;
	return err;
}

unsigned long xen_mc_caller(const void *req)
{
	const struct mc_buffer *b = __xen_mc_buffer();
	const u8 *p = req;

	if (p < b->args || p >= b->args + b->args_used)
		return 0;
	return b->req_caller[(p - b->args) / 8];
}

const struct mc_stats *xen_mc_stats(void)
{
	return &__xen_mc_buffer()->stats;
}

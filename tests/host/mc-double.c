// SPDX-License-Identifier: GPL-2.0
/*
 * The recording hypercall double: see mc-double.h.
 */
/* The guest's headers first: glibc's redefine what they share. */
#include <linux/errno.h>
#include "mc-double.h"
#include <asm/xen/hypercall.h>

#include <stdlib.h>
#include <string.h>

struct hc_state hc = { .bogus_done = -1 };

void hc_reset(void)
{
	unsigned int i;

	for (i = 0; i < hc.nr_calls; i++)
		free(hc.calls[i].copy);
	free(hc.calls);
	free(hc.reqs);
	memset(&hc, 0, sizeof(hc));
	hc.bogus_done = -1;
}

void hc_fail_at(unsigned int idx, int err)
{
	if (hc.nr_rules == HC_MAX_RULES)
		abort();
	hc.rules[hc.nr_rules++] = (typeof(hc.rules[0])){
		.index = idx, .err = err, .once = true };
}

void hc_fail_if(hc_pred_t pred, void *data)
{
	if (hc.nr_rules == HC_MAX_RULES)
		abort();
	hc.rules[hc.nr_rules++] = (typeof(hc.rules[0])){
		.index = ~0u, .pred = pred, .data = data };
}

static void *grow(void *p, unsigned int *cap, unsigned int need, size_t sz)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	if (*cap < need)
		*cap = need;
	p = realloc(p, *cap * sz);
	if (!p)
		abort();
	return p;
}

static unsigned int new_call(unsigned int op, unsigned int parent,
			     unsigned int count, const void *arr, size_t sz,
			     unsigned long a0, unsigned long a1,
			     unsigned long a2, unsigned long a3)
{
	struct hc_call *c;

	hc.calls = grow(hc.calls, &hc.cap_calls, hc.nr_calls + 1, sizeof(*c));
	c = &hc.calls[hc.nr_calls];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->parent = parent;
	c->count = count;
	c->args[0] = a0;
	c->args[1] = a1;
	c->args[2] = a2;
	c->args[3] = a3;
	if (arr && count) {
		c->copy = malloc(count * sz);
		if (!c->copy)
			abort();
		memcpy(c->copy, arr, count * sz);
	}
	c->first_req = hc.nr_reqs;
	if (parent == HC_NO_PARENT) {
		hc.nr_top++;
		if (hc.hook)
			hc.hook(op);
	}
	return hc.nr_calls++;
}

static int verdict(const struct hc_req *r)
{
	unsigned int idx = hc.nr_reqs - 1, i;

	for (i = 0; i < hc.nr_rules; i++) {
		typeof(hc.rules[0]) *rule = &hc.rules[i];

		if (rule->once && rule->fired)
			continue;
		if (rule->pred) {
			int err = rule->pred(r, rule->data);

			if (err)
				return err;
		} else if (rule->index == idx) {
			rule->fired = true;
			return rule->err;
		}
	}
	return 0;
}

/* Look at one request: log it and decide; 0 if applied. */
static int take(unsigned int call, unsigned int op, bool in_mc,
		const void *req)
{
	struct hc_req *r;
	int err;

	hc.reqs = grow(hc.reqs, &hc.cap_reqs, hc.nr_reqs + 1, sizeof(*r));
	r = &hc.reqs[hc.nr_reqs++];
	memset(r, 0, sizeof(*r));
	r->call = call;
	r->op = op;
	r->in_multicall = in_mc;
	if (op == __HYPERVISOR_mmu_update) {
		const struct mmu_update *u = req;

		r->ptr = u->ptr;
		r->val = u->val;
	} else if (op == __HYPERVISOR_mmuext_op) {
		memcpy(&r->ext, req, sizeof(r->ext));
	} else {
		const u64 *v = req;

		r->ptr = v[0];
		r->val = v[1];
	}
	err = verdict(r);
	/* hc.reqs may not move between verdict() and here. */
	r->applied = !err;
	r->err = err;
	hc.calls[call].nr_req++;
	return err;
}

static int run_requests(unsigned int op, unsigned int parent, const void *arr,
			unsigned int count, unsigned int *done, domid_t dom)
{
	size_t sz = op == __HYPERVISOR_mmu_update ? sizeof(struct mmu_update)
						  : sizeof(struct mmuext_op);
	unsigned int call = new_call(op, parent, count, arr, sz,
				     (unsigned long)arr, count,
				     (unsigned long)done, dom);
	unsigned int i;
	int err = 0;

	if (!count || dom != DOMID_SELF)
		hc.odd_calls++;
	for (i = 0; i < count; i++) {
		err = take(call, op, parent != HC_NO_PARENT,
			   (const u8 *)arr + i * sz);
		if (err)
			break;
	}
	if (err && hc.bogus_done >= 0)
		i = hc.bogus_done;
	hc.calls[call].done = i;
	hc.calls[call].ret = err;
	if (done)
		*done = i;
	return err;
}

static int run_uvm(unsigned int parent, unsigned long va, u64 val,
		   unsigned long flags)
{
	u64 v[2] = { va, val };
	unsigned int call = new_call(__HYPERVISOR_update_va_mapping, parent,
				     1, NULL, 0, va, val, flags, 0);
	int err = take(call, __HYPERVISOR_update_va_mapping,
		       parent != HC_NO_PARENT, v);

	hc.calls[call].ret = err;
	return err;
}

int HYPERVISOR_mmu_update(struct mmu_update *req, unsigned int count,
			  unsigned int *done, domid_t dom)
{
	return run_requests(__HYPERVISOR_mmu_update, HC_NO_PARENT, req, count,
			    done, dom);
}

int HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned int count,
			 unsigned int *done, domid_t dom)
{
	return run_requests(__HYPERVISOR_mmuext_op, HC_NO_PARENT, op, count,
			    done, dom);
}

int HYPERVISOR_update_va_mapping(unsigned long va, u64 val,
				 unsigned long flags)
{
	return run_uvm(HC_NO_PARENT, va, val, flags);
}

int HYPERVISOR_multicall(struct multicall_entry *calls, unsigned int nr)
{
	unsigned int mc = new_call(__HYPERVISOR_multicall, HC_NO_PARENT, nr,
				   calls, sizeof(*calls),
				   (unsigned long)calls, nr, 0, 0);
	unsigned int i;

	hc.nr_multicalls++;
	if (nr < 2)
		hc.odd_calls++;
	for (i = 0; i < nr; i++) {
		struct multicall_entry *e = &calls[i];
		unsigned long *a = e->args;
		long rc;

		switch (e->op) {
		case __HYPERVISOR_mmu_update:
		case __HYPERVISOR_mmuext_op:
			rc = run_requests(e->op, mc, (const void *)a[0], a[1],
					  (unsigned int *)a[2], (domid_t)a[3]);
			break;
		case __HYPERVISOR_update_va_mapping:
			rc = run_uvm(mc, a[0], a[1], a[2]);
			break;
		default:
			rc = -ENOSYS;
			hc.odd_calls++;
		}
		e->result = (xen_ulong_t)rc;
	}
	hc.calls[mc].ret = 0;
	return 0;
}

void hypercall_account_subcall(unsigned int nr, const unsigned long *args)
{
	hc.sub_calls[nr & 63]++;
	if (nr == __HYPERVISOR_mmu_update || nr == __HYPERVISOR_mmuext_op)
		hc.sub_reqs[nr & 63] += (unsigned int)args[1];
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The recording hypercall double: see mc-double.h.
 */
/* The guest's headers first: glibc's redefine what they share. */
#include <linux/errno.h>
#include "mc-double.h"
#include <asm/xen/hypercall.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREEMPTED	0x80000000u
#define PTE_AD		((1ULL << 5) | (1ULL << 6))	/* Accessed, Dirty */

struct hc_state hc = { .bogus_done = -1, .preempt_at_req = ~0u };
struct hc_totals hc_run;

static const char *const mode_names[] = {
	[HC_INTACT] = "intact", [HC_CLOBBER] = "clobber",
	[HC_PREEMPT] = "preempt",
};

static struct {
	bool read;
	enum hc_mode mode;
	unsigned int every, after;
} run_cfg;

const char *hc_mode_name(enum hc_mode mode)
{
	return mode <= HC_PREEMPT ? mode_names[mode] : "?";
}

void hc_print_summary(void)
{
	printf("hc-double: mode=%s preempted=%lu failed_after_preempt=%lu clobbered=%lu wild_counts=%lu\n",
	       hc_mode_name(run_cfg.mode), hc_run.preempted,
	       hc_run.failed_after_preempt, hc_run.clobbered,
	       hc_run.wild_counts);
	fflush(stdout);
}

static unsigned int env_uint(const char *name, unsigned int dflt,
			     unsigned int min)
{
	const char *s = getenv(name);
	unsigned long v;
	char *end;

	if (!s)
		return dflt;
	v = strtoul(s, &end, 10);
	if (!*s || *end || v < min || v > HC_WILD_COUNT) {
		fprintf(stderr, "hc-double: bad %s=\"%s\" (a number, %u..%u)\n",
			name, s, min, HC_WILD_COUNT);
		exit(2);
	}
	return v;
}

static void read_run_cfg(void)
{
	const char *s = getenv("HC_MODE");
	unsigned int m;

	if (run_cfg.read)
		return;
	run_cfg.read = true;
	run_cfg.mode = HC_INTACT;
	if (s) {
		for (m = 0; m <= HC_PREEMPT; m++)
			if (!strcmp(s, mode_names[m]))
				break;
		if (m > HC_PREEMPT) {
			fprintf(stderr, "hc-double: bad HC_MODE=\"%s\" (intact, clobber or preempt)\n",
				s);
			exit(2);
		}
		run_cfg.mode = m;
	}
	run_cfg.every = env_uint("HC_PREEMPT_EVERY", 1, 1);
	run_cfg.after = env_uint("HC_PREEMPT_AFTER", 1, 1);
	atexit(hc_print_summary);
}

enum hc_mode hc_run_mode(void)
{
	read_run_cfg();
	return run_cfg.mode;
}

void hc_set_mode(enum hc_mode mode)
{
	hc.mode = mode;
}

void hc_preempt_every(unsigned int n, unsigned int k)
{
	hc.preempt_every = n;
	hc.preempt_after = k ?: 1;
	hc.invocations = 0;
}

void hc_preempt_at(unsigned int idx)
{
	hc.preempt_at_req = idx;
}

void hc_reset(void)
{
	unsigned int i;

	read_run_cfg();
	for (i = 0; i < hc.nr_calls; i++)
		free(hc.calls[i].copy);
	free(hc.calls);
	free(hc.reqs);
	free(hc.mem);
	free(hc.vas);
	memset(&hc, 0, sizeof(hc));
	hc.bogus_done = -1;
	hc.preempt_at_req = ~0u;
	hc.mode = run_cfg.mode;
	if (hc.mode == HC_PREEMPT)
		hc_preempt_every(run_cfg.every, run_cfg.after);
}

/* ---- the pte memory model ---- */

static struct hc_mem *mem_slot(u64 ptr, bool insert)
{
	unsigned int i, mask;

	ptr &= ~7ULL;
	if (insert && (hc.mem_used + 1) * 2 > hc.mem_cap) {
		struct hc_mem *old = hc.mem;
		unsigned int n = hc.mem_cap;

		hc.mem_cap = n ? n * 2 : 256;
		hc.mem = calloc(hc.mem_cap, sizeof(*hc.mem));
		if (!hc.mem)
			abort();
		hc.mem_used = 0;
		for (i = 0; i < n; i++)
			if (old[i].used)
				*mem_slot(old[i].ptr, true) = old[i];
		free(old);
	}
	if (!hc.mem_cap)
		return NULL;
	mask = hc.mem_cap - 1;
	i = (unsigned int)((ptr >> 3) * 0x9e3779b1u) & mask;
	for (;; i = (i + 1) & mask) {
		struct hc_mem *m = &hc.mem[i];

		if (m->used && m->ptr == ptr)
			return m;
		if (!m->used) {
			if (!insert)
				return NULL;
			m->used = true;
			m->ptr = ptr;
			hc.mem_used++;
			return m;
		}
	}
}

u64 hc_mem_read(u64 ptr)
{
	struct hc_mem *m = mem_slot(ptr, false);

	return m ? m->val : 0;
}

bool hc_mem_written(u64 ptr)
{
	struct hc_mem *m = mem_slot(ptr, false);

	return m && m->written;
}

void hc_mem_seed(u64 ptr, u64 val)
{
	mem_slot(ptr, true)->val = val;
}

static void mem_write(u64 ptr, u64 val, bool keep_ad)
{
	struct hc_mem *m = mem_slot(ptr, true);

	m->val = keep_ad ? val | (m->val & PTE_AD) : val;
	m->written = true;
}

void hc_va_register(unsigned long va, u64 ptr)
{
	unsigned int i;

	for (i = 0; i < hc.nr_vas; i++)
		if (hc.vas[i].va == va) {
			hc.vas[i].ptr = ptr;
			return;
		}
	if (hc.nr_vas == hc.cap_vas) {
		hc.cap_vas = hc.cap_vas ? hc.cap_vas * 2 : 16;
		hc.vas = realloc(hc.vas, hc.cap_vas * sizeof(*hc.vas));
		if (!hc.vas)
			abort();
	}
	hc.vas[hc.nr_vas].va = va;
	hc.vas[hc.nr_vas].ptr = ptr;
	hc.nr_vas++;
}

/* Apply an accepted request to the memory model. */
static void mem_apply(const struct hc_req *r)
{
	unsigned int i;

	if (r->op == __HYPERVISOR_update_va_mapping) {
		for (i = 0; i < hc.nr_vas; i++)
			if (hc.vas[i].va == r->ptr) {
				mem_write(hc.vas[i].ptr, r->val, false);
				return;
			}
		hc.uvm_unmapped++;
		return;
	}
	if (r->op != __HYPERVISOR_mmu_update)
		return;
	switch (r->ptr & 7) {
	case MMU_NORMAL_PT_UPDATE:
	case MMU_PT_UPDATE_NO_TRANSLATE:
		mem_write(r->ptr, r->val, false);
		break;
	case MMU_PT_UPDATE_PRESERVE_AD:
		mem_write(r->ptr, r->val, true);
		break;
	}
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
	/* A wild count is recorded, its requests not read. */
	if (arr && count && count <= HC_WILD_COUNT) {
		c->copy = malloc(count * sz);
		if (!c->copy)
			abort();
		memcpy(c->copy, arr, count * sz);
	}
	c->first_req = hc.nr_reqs;
	hc.nr_calls++;
	if (parent == HC_NO_PARENT) {
		hc.nr_top++;
		if (hc.hook)
			hc.hook(op);
	}
	return hc.nr_calls - 1;
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
	/* Xen refuses a command it does not know (ptr & 7 above 3). */
	if (op == __HYPERVISOR_mmu_update &&
	    (r->ptr & 7) > MMU_PT_UPDATE_NO_TRANSLATE)
		err = -ENOSYS;
	else
		err = verdict(r);
	/* hc.reqs may not move between verdict() and here. */
	r->applied = !err;
	r->err = err;
	hc.calls[call].nr_req++;
	if (!err)
		mem_apply(r);
	return err;
}

/*
 * Does this invocation of count requests get preempted by the "every
 * nth" rule?  Only invocations that could be (more than k requests).
 */
static bool cut_this_one(unsigned int count)
{
	if (hc.mode != HC_PREEMPT || !hc.preempt_every ||
	    count <= hc.preempt_after)
		return false;
	return ++hc.invocations % hc.preempt_every == 0;
}

/* Preempt before request i of count? */
static bool preempt_now(bool cut, unsigned int i, unsigned int count)
{
	/* Xen: never before the first request, never after the last. */
	if (hc.mode != HC_PREEMPT || !i || i >= count)
		return false;
	return (cut && i == hc.preempt_after) || hc.preempt_at_req == hc.nr_reqs;
}

/*
 * Run an mmu_update/mmuext_op whose arguments are a[0..3] (a multicall
 * entry's args, or the registers of a direct call), resuming it from
 * a[] as long as it is preempted.  call is its hc.calls record.
 */
static int run_requests(unsigned int op, unsigned int call, unsigned long *a,
			bool in_mc)
{
	size_t sz = op == __HYPERVISOR_mmu_update ? sizeof(struct mmu_update)
						  : sizeof(struct mmuext_op);
	bool resumed = false;
	unsigned int total;
	int err;

	for (;;) {
		const u8 *arr = (const void *)a[0];
		unsigned int count = (unsigned int)a[1], i;
		unsigned int *done = (unsigned int *)a[2];
		unsigned int prev = 0;
		bool preempt = false, cut;

		if (resumed) {
			count &= ~PREEMPTED;
			if (done)
				prev = *done;
		}
		cut = cut_this_one(count);
		err = 0;
		for (i = 0; i < count; i++) {
			if (preempt_now(cut, i, count)) {
				preempt = true;
				break;
			}
			err = take(call, op, in_mc, arr + i * sz);
			if (err)
				break;
		}
		if (err && resumed) {
			hc.failed_after_preempt++;
			hc_run.failed_after_preempt++;
		}
		if (err && hc.bogus_done >= 0)
			i = hc.bogus_done;
		total = prev + i;
		if (done)
			*done = total;
		if (!preempt)
			break;
		/* The continuation, where Xen resumes from. */
		hc.preempted++;
		hc_run.preempted++;
		hc.calls[call].preempted++;
		a[0] += i * sz;
		a[1] = (count - i) | PREEMPTED;
		resumed = true;
	}
	hc.calls[call].done = total;
	hc.calls[call].ret = err;
	/*
	 * A deferred put of an old page table: Xen ends the call with one
	 * more continuation, (NULL, PREEMPTED, NULL, rc), which in a
	 * multicall is written into the entry; its resumption only
	 * returns rc.  *done was written above, with the real pointer.
	 */
	if (in_mc && hc.mode == HC_PREEMPT && hc.deferred_put) {
		a[0] = 0;
		a[1] = PREEMPTED;
		a[2] = 0;
		a[3] = (unsigned long)(long)err;
		hc.deferred_puts++;
	}
	return err;
}

/* A call the guest made with a count Xen could not have read. */
static bool wild(unsigned int call, unsigned int count)
{
	if (!(count & PREEMPTED) && count <= HC_WILD_COUNT)
		return false;
	hc.wild_counts++;
	hc_run.wild_counts++;
	hc.calls[call].wild = true;
	hc.calls[call].ret = -EFAULT;
	return true;
}

/* An mmu_update/mmuext_op, direct (parent HC_NO_PARENT) or in a multicall. */
static int run_sub(unsigned int op, unsigned int parent, unsigned long *a)
{
	size_t sz = op == __HYPERVISOR_mmu_update ? sizeof(struct mmu_update)
						  : sizeof(struct mmuext_op);
	unsigned int count = (unsigned int)a[1];
	unsigned int call = new_call(op, parent, count, (const void *)a[0], sz,
				     a[0], a[1], a[2], a[3]);

	if (wild(call, count))
		return -EFAULT;
	if (!count || (domid_t)a[3] != DOMID_SELF)
		hc.odd_calls++;
	return run_requests(op, call, a, parent != HC_NO_PARENT);
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

/* A direct call resumes from its registers: the caller's memory is untouched. */
int HYPERVISOR_mmu_update(struct mmu_update *req, unsigned int count,
			  unsigned int *done, domid_t dom)
{
	unsigned long a[4] = { (unsigned long)req, count, (unsigned long)done,
			       dom };

	return run_sub(__HYPERVISOR_mmu_update, HC_NO_PARENT, a);
}

int HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned int count,
			 unsigned int *done, domid_t dom)
{
	unsigned long a[4] = { (unsigned long)op, count, (unsigned long)done,
			       dom };

	return run_sub(__HYPERVISOR_mmuext_op, HC_NO_PARENT, a);
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
			/* A preemption leaves its continuation in a[]. */
			rc = run_sub(e->op, mc, a);
			break;
		case __HYPERVISOR_update_va_mapping:
			rc = run_uvm(mc, a[0], a[1], a[2]);
			break;
		default:
			rc = -ENOSYS;
			hc.odd_calls++;
		}
		if (hc.mode == HC_CLOBBER) {
			memset(e, 0xAA, sizeof(*e));
			hc.clobbered++;
			hc_run.clobbered++;
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

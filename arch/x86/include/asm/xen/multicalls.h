/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU multicall buffer.
 *
 * A batch is a list of hypercalls of one shape, op(reqs, count, &done,
 * DOMID_SELF) -- mmu_update and mmuext_op -- and the argument space their
 * request arrays live in.  The buffer knows that shape and nothing of what
 * the requests mean: what to queue, when to issue and what a refused
 * request leads to is its user's business (arch/x86/xen/mmu.c).
 *
 * The verbs:
 *   xen_mc_entry()        open a new entry holding one request;
 *   xen_mc_extend_args()  add one request to the last entry, if it is the
 *                         same hypercall (its array always ends where
 *                         free argument space begins);
 *   xen_mc_callback()     run a function once the batch has been issued;
 *   xen_mc_issue()        issue the batch: one entry as a direct call,
 *                         more as one multicall; then run the callbacks;
 *   xen_mc_call()         issue records kept by the caller, outside the
 *                         buffer, the same way (no callbacks).
 * The first two return where to write the request, or NULL if there is no
 * room: the buffer never issues on its own.
 *
 * After a multicall Xen promises only each entry's result: a debug Xen
 * overwrites the entries, a release Xen writes a preempted sub-call's
 * continuation into its entry.  So the buffer keeps its own record of each
 * entry (op, request array, count), writes the multicall_entry array from
 * it just before the call, and reads back only each result and the done
 * count, which Xen writes into the record itself (and accumulates across
 * a continuation).  The callbacks see those records.
 */
#ifndef _ASM_X86_XEN_MULTICALLS_H
#define _ASM_X86_XEN_MULTICALLS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/smp.h>
#include <xen/interface/xen.h>
#include <asm/xen/hypercall.h>

#ifndef CONFIG_MC_ENTRIES
#define CONFIG_MC_ENTRIES	32
#endif
/*
 * Argument space: 1024 mmu_update requests, plus room for a few mmuext
 * ops (24 bytes each) behind them, so that a full batch of updates and
 * whatever follows them still travel in one hypercall.
 */
#ifndef CONFIG_MC_ARGS_BYTES
#define CONFIG_MC_ARGS_BYTES	(1024 * 16 + 64)
#endif
#define MC_CALLBACKS		4

/* One entry: as queued, and (once issued) what Xen said of it. */
struct mc_call {
	unsigned int op;		/* __HYPERVISOR_mmu_update or _mmuext_op */
	unsigned int count;		/* requests queued */
	void *reqs;			/* in the buffer's argument space */
	unsigned int done;		/* requests Xen applied: Xen writes it */
	long result;			/* 0, or Xen's error */
};

/* What callbacks are shown: the entries of the batch just issued. */
struct mc_issued {
	const struct mc_call *calls;
	unsigned int nr;
};

typedef void (*mc_callback_t)(const struct mc_issued *batch, void *data);

struct mc_stats {
	u64 issued;			/* batches issued (empty ones excluded) */
	u64 direct;			/* of which as a direct hypercall */
	u64 multicalls;			/* of which as a multicall */
};

struct mc_buffer {
	struct mc_call calls[CONFIG_MC_ENTRIES];
	unsigned int nr_calls;
	/*
	 * The op of calls[nr_calls - 1] while its array can take one more
	 * request; 0 if there is no entry, or no room.
	 */
	unsigned int open_op;
	unsigned int args_used;			/* bytes */
	u8 args[CONFIG_MC_ARGS_BYTES] __aligned(16);
	/* Who queued each request: indexed by argument offset / 8. */
	unsigned long req_caller[CONFIG_MC_ARGS_BYTES / 8];
	struct {
		mc_callback_t fn;
		void *data;
	} cb[MC_CALLBACKS];
	unsigned int nr_cb;
	/* Handed to Xen: written from the records just before each multicall. */
	struct multicall_entry entries[CONFIG_MC_ENTRIES];
	struct mc_stats stats;
};

extern struct mc_buffer xen_mc_buffers[NR_CPUS];

static inline struct mc_buffer *__xen_mc_buffer(void)
{
	return &xen_mc_buffers[smp_processor_id()];
}

void *xen_mc_entry(unsigned int op, size_t size, unsigned long caller);

static inline void *xen_mc_extend_args(unsigned int op, size_t size,
				       unsigned long caller)
{
	struct mc_buffer *b = __xen_mc_buffer();
	u8 *req = b->args + b->args_used;
	struct mc_call *last;

	/* A constant at every caller: the check costs nothing there. */
	if (size % 8)
		panic("xen_mc: a request of %zu bytes, not whole 8-byte units", size);
	/*
	 * Only the last entry ever takes argument space, in whole 8-byte
	 * units (xen_mc_entry() and the check above refuse any other size),
	 * so its array ends where free space begins: same op, and it can
	 * grow.  open_op says both at once (no hypercall of a batch is op
	 * 0); room is judged for the next request when one is taken, since
	 * every request of an op has that op's one size.
	 */
	if (b->open_op != op)
		return NULL;
	last = &b->calls[b->nr_calls - 1];
	b->req_caller[b->args_used / 8] = caller;
	b->args_used += size;
	last->count++;
	b->open_op = b->args_used + size > sizeof(b->args) ? 0 : op;
	return req;
}

/* False, with nothing registered, if every callback slot is taken. */
bool xen_mc_callback(mc_callback_t fn, void *data);
/* 0, or the first entry's error: the callbacks say what became of it. */
long xen_mc_issue(void);

/* xen_mc_call()'s multicall, for n >= 2 records; nobody else calls it. */
void xen_mc_multicall(struct mc_call *calls, unsigned int n);

/*
 * Issue n records (n <= CONFIG_MC_ENTRIES) as one hypercall, as
 * xen_mc_issue() would, and set each one's result and done.  The buffer
 * lends its multicall_entry array for a multicall: it holds nothing
 * between calls.
 *
 * Inline, so that a caller with one record of a known op (the lone
 * update on a page whose A and D are clear) makes the hypercall itself,
 * with no call to return from on the way: under TCG each is a
 * translation-block lookup, as dear as many instructions.
 */
static __always_inline void xen_mc_call(struct mc_call *calls, unsigned int n)
{
	struct mc_call *c = &calls[0];
	unsigned int i;

	for (i = 0; i < n; i++)
		calls[i].done = 0;
	if (n != 1) {
		if (n)
			xen_mc_multicall(calls, n);
		return;
	}
	switch (c->op) {
	case __HYPERVISOR_mmu_update:
		c->result = HYPERVISOR_mmu_update(c->reqs, c->count, &c->done,
						  DOMID_SELF);
		break;
	case __HYPERVISOR_mmuext_op:
		c->result = HYPERVISOR_mmuext_op(c->reqs, c->count, &c->done,
						 DOMID_SELF);
		break;
	default:
		panic("xen_mc: cannot issue hypercall %u", c->op);
	}
}

/* Nothing queued, and no callback waiting? */
static inline bool xen_mc_empty(void)
{
	const struct mc_buffer *b = __xen_mc_buffer();

	return !b->nr_calls && !b->nr_cb;
}

/* Who queued the request at req, inside the batch being issued. */
unsigned long xen_mc_caller(const void *req);
/* This vCPU's buffer statistics. */
const struct mc_stats *xen_mc_stats(void);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * The Xen MMU backend behind pv_mmu_ops.
 *
 * Every pte write is a request to Xen: {ptr = machine address of the pte
 * | command, val}.  In lazy MMU mode the request joins this vCPU's batch
 * (multicalls.c); otherwise, and always from fault context, it is issued
 * at once.
 *
 * Protection-change transactions, selectable at run time:
 *  xen          start reads the pte and leaves it live; commit queues an
 *               MMU_PT_UPDATE_PRESERVE_AD request, so Xen ORs in the
 *               Accessed/Dirty bits the hardware set meanwhile;
 *  xen-nobatch  the same request, but one hypercall per pte (to compare);
 *  generic      get-and-clear, then set (asm-generic/pgtable.h): the
 *               clear is a cmpxchg on the read-only pte that Xen traps
 *               and emulates; the set is an MMU_NORMAL_PT_UPDATE request.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/smp.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/multicalls.h>
#include <asm/xen/setup.h>
#include <asm-generic/pgtable.h>
#include <pvbatch/cmdline.h>

/*
 * va: where the pte maps, if the request may also go as update_va_mapping
 * (see xen_mc_queue_pte_update), else 0.
 */
static void xen_queue_pte(pte_t *ptep, unsigned int cmd, pte_t pte,
			  unsigned long va, unsigned long caller)
{
	u64 ptr = ptep_to_machine(ptep) | cmd;

	if (!xen_mc_queue_pte_update(ptr, pte_val(pte), va, caller))
		xen_mmu_update_now(ptr, pte_val(pte), caller);
}

static pte_t xen_ptep_get(pte_t *ptep)
{
	return ptep_read(ptep);
}

static void xen_set_pte_at(unsigned long addr, pte_t *ptep, pte_t pte)
{
	xen_queue_pte(ptep, MMU_NORMAL_PT_UPDATE, pte, addr, _RET_IP_);
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

static pte_t xen_ptep_modify_prot_start(unsigned long addr, pte_t *ptep)
{
	(void)addr;
	return ptep_read(ptep);
}

/*
 * Xen ORs the pte's Accessed/Dirty bits into val.  If start already saw
 * both set, there is nothing left for the hardware to set (it never
 * clears them), so val with both set is exactly what Xen will write, and
 * a plain update_va_mapping would write the same: let the batch use one
 * if this update ends up alone (xen_mc_queue_pte_update).
 */
static void xen_ptep_modify_prot_commit(unsigned long addr, pte_t *ptep,
					pte_t old, pte_t pte)
{
	bool ad = (pte_val(old) & _PAGE_AD) == _PAGE_AD;

	if (ad)
		pte = __pte(pte_val(pte) | _PAGE_AD);
	xen_queue_pte(ptep, MMU_PT_UPDATE_PRESERVE_AD, pte, ad ? addr : 0,
		      _RET_IP_);
}

static void xen_ptep_modify_prot_commit_nobatch(unsigned long addr, pte_t *ptep,
						pte_t old, pte_t pte)
{
	(void)addr;
	(void)old;
	xen_mmu_update_now(ptep_to_machine(ptep) | MMU_PT_UPDATE_PRESERVE_AD,
			   pte_val(pte), _RET_IP_);
}

static void xen_enter_lazy_mmu(void)
{
	xen_mc_lazy_enter();
}

static int xen_leave_lazy_mmu(void)
{
	return xen_mc_lazy_leave();
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
static bool others_busy(void)
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

/* After a local-only flush went out with its updates: catch up late wakers. */
static void tlb_recheck(void *data)
{
	struct mmuext_op op = { 0 };
	unsigned long start = (unsigned long)data;

	__atomic_fetch_add(&tlb_gen, 1, __ATOMIC_SEQ_CST);
	if (!others_busy())
		return;
	flush_op(&op, start & PAGE_MASK, !(start & 1), true);
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
		xen_mmuext_now(&op, _RET_IP_);
	}
}

/*
 * One flush for the whole range, on every vCPU that may cache it: this
 * one, and every other vCPU that is not idle (see above).  A single page
 * is an INVLPG, more is a full flush.  Inside a lazy section the flush is
 * queued behind the pte updates, so it travels in the same hypercall.
 */
static void xen_flush_tlb_range(unsigned long start, unsigned long end)
{
	struct mmuext_op op = { 0 };
	bool one = end - start <= PAGE_SIZE;
	bool all = nr_cpus_online > 1 && others_busy();
	bool recheck = nr_cpus_online > 1 && !all;
	/* For the recheck: the start, with bit 0 set for a full flush. */
	void *data = (void *)((start & PAGE_MASK) | (one ? 0UL : 1UL));

	flush_op(&op, start, one, all);
	if (xen_mc_lazy_active()) {
		xen_mc_queue_mmuext(&op, _RET_IP_);
		if (recheck)
			xen_mc_callback(tlb_recheck, data);
	} else {
		xen_mmuext_now(&op, _RET_IP_);
		if (recheck)
			tlb_recheck(data);
	}
}

struct pv_mmu_ops pv_mmu_ops = {
	.name = "xen",
	.ptep_get = xen_ptep_get,
	.set_pte_at = xen_set_pte_at,
	.ptep_get_and_clear = xen_ptep_get_and_clear,
	.ptep_modify_prot_start = xen_ptep_modify_prot_start,
	.ptep_modify_prot_commit = xen_ptep_modify_prot_commit,
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
static int in_lazy_section[NR_CPUS];	/* per vCPU: inside one */
static int txn_switching;		/* a switch is under way */

void pv_lazy_section_enter(void)
{
	int *me = &in_lazy_section[smp_processor_id()];

	for (;;) {
		__atomic_store_n(me, 1, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&txn_switching, __ATOMIC_SEQ_CST))
			return;
		__atomic_store_n(me, 0, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&txn_switching, __ATOMIC_ACQUIRE))
			asm volatile("pause" ::: "memory");	/* a few stores long */
	}
}

void pv_lazy_section_leave(void)
{
	__atomic_store_n(&in_lazy_section[smp_processor_id()], 0, __ATOMIC_SEQ_CST);
}

/* Is a vCPU other than this one inside a lazy section? */
static bool others_in_lazy_section(void)
{
	unsigned int cpu, self = smp_processor_id();

	for (cpu = 0; cpu < nr_cpus_online; cpu++)
		if (cpu != self && __atomic_load_n(&in_lazy_section[cpu], __ATOMIC_SEQ_CST))
			return true;
	return false;
}

int pv_mmu_select_txn(const char *name,
		      pte_t (*start)(unsigned long addr, pte_t *ptep),
		      void (*commit)(unsigned long addr, pte_t *ptep, pte_t old,
				     pte_t pte))
{
	if (xen_mc_batch()->lazy)
		panic("pv_mmu_select(%s) inside a lazy MMU section", name);
	if (__atomic_exchange_n(&txn_switching, 1, __ATOMIC_SEQ_CST))
		return -EBUSY;
	if (others_in_lazy_section()) {
		__atomic_store_n(&txn_switching, 0, __ATOMIC_RELEASE);
		return -EBUSY;
	}
	pv_mmu_ops.name = name;
	pv_mmu_ops.ptep_modify_prot_start = start;
	pv_mmu_ops.ptep_modify_prot_commit = commit;
	__atomic_store_n(&txn_switching, 0, __ATOMIC_RELEASE);
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
		strlcpy(pte_txn, val, sizeof(pte_txn));
	return 0;
}
DEFINE_KPARAM(pte_txn, set_pte_txn);

void xen_mmu_init(void)
{
	int rc = pv_mmu_select(pte_txn);

	if (rc == -ENOSYS) {
		printk("pvbatch: Xen lacks XENFEAT_mmu_pt_update_preserve_ad: "
		       "'%s' unavailable, using the generic transaction\n", pte_txn);
		rc = pv_mmu_select("generic");
	}
	if (rc)
		panic("selecting MMU backend '%s': %d", pte_txn, rc);
}

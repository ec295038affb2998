// SPDX-License-Identifier: GPL-2.0
/*
 * The pte lock: every vCPU changes the protection of the same whole
 * region at the same moment, each to a protection of its own.  With the
 * lock the changes apply one after the other, so afterwards every pte
 * has the same protection, one of those asked for, and the region
 * records that one.
 *
 * The lock-less variant (the same walk, compiled here without the lock)
 * lets the transactions interleave per pte: it must leave at least one
 * pte mixed in the same boot, or the test is not sensitive.  It runs on
 * the xen backends only: a lock-less generic transaction can start from
 * a pte another vCPU holds cleared and commit a pte built from nothing,
 * which is corruption, not a mix.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/ptrace.h>
#include <asm/smp.h>
#include <asm/tsc.h>
#include <asm/xen/hypercall.h>
#include <pvbatch/ktap.h>
#include <pvbatch/main.h>
#include <pvbatch/mm.h>
#include "testlib.h"

/* Two L1 tables, and more than one batch of the xen backend. */
#define LOCK_PAGES		1100
#define LOCK_ROUNDS		40
/* The lock-less variant runs until it mixes, at most this many rounds. */
#define NOLOCK_MAX_ROUNDS	400

static const pgprot_t lock_prots[] = {
	__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_SOFTW1),
	__pgprot(_PAGE_PRESENT),
	__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_SOFTW2),
	__pgprot(_PAGE_PRESENT | _PAGE_SOFTW1 | _PAGE_SOFTW2),
};

struct lock_test {
	struct region r;
	struct spin_barrier start, end;
	bool locked;
	volatile bool stop;
	int err[NR_CPUS];
	u64 mfn[LOCK_PAGES];		/* each pte's frame, at creation */
};

static struct lock_test lt;

static u64 prot_bits(pgprot_t p)
{
	return pgprot_val(p) & ~(_PAGE_CHG_MASK | _PAGE_XEN_ADDED);
}

/* change_protection() of the whole region, without the pte lock. */
static int change_protection_nolock(struct region *r, pgprot_t prot)
{
	unsigned long i;
	int rc;

	arch_enter_lazy_mmu_mode();
	for (i = 0; i < r->npages; i++) {
		unsigned long addr = r->start + i * PAGE_SIZE;
		pte_t *ptep = region_ptep(r, i);
		pte_t old;

		if (!pte_present(ptep_read(ptep)))
			continue;
		old = ptep_modify_prot_start(addr, ptep);
		ptep_modify_prot_commit(addr, ptep, old, pte_modify(old, prot));
	}
	flush_tlb_range(r->start, region_end(r));
	rc = arch_leave_lazy_mmu_mode();
	r->prot = prot;
	return rc;
}

static u64 xorshift(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* One vCPU's part of a round: a short random delay, then its change. */
static void one_change(struct lock_test *t, unsigned int cpu, u64 *seed)
{
	pgprot_t prot = lock_prots[cpu % ARRAY_SIZE(lock_prots)];
	unsigned int delay = xorshift(seed) % 2048;
	int rc;

	while (delay--)
		cpu_relax();
	if (t->locked)
		rc = change_protection(&t->r, t->r.start, region_end(&t->r), prot);
	else
		rc = change_protection_nolock(&t->r, prot);
	if (rc && !t->err[cpu])
		t->err[cpu] = rc;
}

static long lock_worker(void *arg)
{
	struct lock_test *t = arg;
	unsigned int me = smp_processor_id();
	u64 seed = 0x2545f4914f6cdd1dULL * (me + 1);

	for (;;) {
		barrier_wait(&t->start);
		if (t->stop)
			return 0;
		one_change(t, me, &seed);
		barrier_wait(&t->end);
	}
}

struct lock_result {
	unsigned long rounds, mixed, mixed_rounds, bad_prot, region_wrong;
	unsigned long bad_frame;	/* not present, or not its own frame */
	int err;
};

/* After a round: ptes unlike pte 0, ptes with no requested prot, r->prot. */
static void check_round(const struct lock_test *t, struct lock_result *res)
{
	/* The walk's protection: with prot_level=pmd it may be held at L2. */
	u64 first = pte_prot_bits(pte_effective(t->r.start));
	unsigned long i, mixed = 0;

	for (i = 0; i < t->r.npages; i++) {
		pte_t pte = pte_effective(t->r.start + i * PAGE_SIZE);
		u64 p = pte_prot_bits(pte);
		unsigned int k;
		bool known = false;

		res->bad_frame += !pte_present(pte) || pte_mfn(pte) != t->mfn[i];
		for (k = 0; k < ARRAY_SIZE(lock_prots) && k < nr_cpus_online; k++)
			known |= p == prot_bits(lock_prots[k]);
		res->bad_prot += !known;
		mixed += p != first;
	}
	res->mixed += mixed;
	res->mixed_rounds += mixed > 0;
	res->region_wrong += !mixed && prot_bits(t->r.prot) != first;
}

static void run_lock(const char *backend, bool locked, unsigned long max_rounds,
		     struct lock_result *res)
{
	struct lock_test *t = &lt;
	unsigned int cpu;
	u64 seed = 0x9e3779b97f4a7c15ULL;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(t->err, 0, sizeof(t->err));
	rc = region_create(&t->r, LOCK_PAGES, 0, PAGE_KERNEL);
	if (!KT_EXPECT(!rc, "region_create(%u): %d", LOCK_PAGES, rc)) {
		res->err = rc;
		return;
	}
	if (!KT_EXPECT(!pv_mmu_select(backend), "select %s", backend)) {
		region_destroy(&t->r);
		res->err = -EINVAL;
		return;
	}
	for (cpu = 0; cpu < LOCK_PAGES; cpu++)
		t->mfn[cpu] = pte_mfn(ptep_read(region_ptep(&t->r, cpu)));
	t->locked = locked;
	t->stop = false;
	barrier_init(&t->start, nr_cpus_online);
	barrier_init(&t->end, nr_cpus_online);
	for (cpu = 1; cpu < nr_cpus_online; cpu++)
		smp_call_async(cpu, lock_worker, t);
	while (res->rounds < max_rounds) {
		barrier_wait(&t->start);
		one_change(t, 0, &seed);
		barrier_wait(&t->end);
		res->rounds++;
		check_round(t, res);
		/* The lock-less variant has shown what it must: stop. */
		if (!locked && res->mixed)
			break;
	}
	t->stop = true;
	barrier_wait(&t->start);
	for (cpu = 1; cpu < nr_cpus_online; cpu++)
		smp_wait(cpu);
	for (cpu = 0; cpu < nr_cpus_online; cpu++)
		if (t->err[cpu] && !res->err)
			res->err = t->err[cpu];
	ktap_diag("lock backend=%s lock=%s vcpus=%u pages=%u rounds=%lu mixed_ptes=%lu mixed_rounds=%lu bad_prot=%lu region_wrong=%lu bad_frame=%lu", backend,
		  locked ? "yes" : "no", nr_cpus_online, LOCK_PAGES, res->rounds, res->mixed,
		  res->mixed_rounds, res->bad_prot, res->region_wrong, res->bad_frame);
	/* Corrupted ptes cannot be unmapped and freed: leave the region be. */
	if (!KT_EXPECT(!res->bad_frame, "%s: %lu ptes lost their frame or presence; "
		       "region left mapped", backend, res->bad_frame))
		return;
	rc = change_protection(&t->r, t->r.start, region_end(&t->r), PAGE_KERNEL);
	KT_EXPECT(!rc, "restoring RW: %d", rc);
	region_destroy(&t->r);
}

static void lock_serialises(const char *backend)
{
	struct lock_result res;

	if (!KT_EXPECT(nr_cpus_online >= 2, "needs 2 vCPUs, have %u", nr_cpus_online))
		return;
	run_lock(backend, true, LOCK_ROUNDS, &res);
	KT_EXPECT(!res.err, "%s: change_protection failed: %d", backend, res.err);
	KT_EXPECT(res.mixed == 0, "%s: %lu ptes mixed over %lu rounds with the lock",
		  backend, res.mixed, res.mixed_rounds);
	KT_EXPECT(res.bad_prot == 0, "%s: %lu ptes with a protection nobody asked for",
		  backend, res.bad_prot);
	KT_EXPECT(res.region_wrong == 0, "%s: the region recorded another protection than its ptes have, in %lu rounds", backend, res.region_wrong);
}

static void lockless_mixes(const char *backend)
{
	struct lock_result res;

	if (!KT_EXPECT(nr_cpus_online >= 2, "needs 2 vCPUs, have %u", nr_cpus_online))
		return;
	run_lock(backend, false, NOLOCK_MAX_ROUNDS, &res);
	KT_EXPECT(!res.err, "%s lock-less: change_protection failed: %d", backend, res.err);
	KT_EXPECT(res.mixed > 0, "%s: the lock-less variant left no pte mixed in %lu rounds: the test is not sensitive", backend, res.rounds);
}

static void lock_generic(void) { lock_serialises("generic"); }
static void lock_xen(void) { lock_serialises("xen"); }
static void lock_xen_nobatch(void) { lock_serialises("xen-nobatch"); }
static void nolock_xen(void) { lockless_mixes("xen"); }
static void nolock_xen_nobatch(void) { lockless_mixes("xen-nobatch"); }

KTAP_CASE(lock, lockless_control_xen, nolock_xen);
KTAP_CASE(lock, lockless_control_xen_nobatch, nolock_xen_nobatch);
KTAP_CASE(lock, xen, lock_xen);
KTAP_CASE(lock, xen_nobatch, lock_xen_nobatch);
KTAP_CASE(lock, generic, lock_generic);

/*
 * fail=lock-in-fault (kernel/main.c): a fault taken while this vCPU
 * holds a region's pte locks, whose handler changes the protection of
 * that region.  Taking the lock from fault context must panic with a
 * clear message; without that check it would spin forever on a lock
 * its own vCPU holds.
 */
static struct region fail_r;

static bool fix_by_mprotect(struct pt_regs *regs, unsigned long cr2)
{
	(void)regs;
	if ((cr2 & PAGE_MASK) != fail_r.start + PAGE_SIZE)
		return false;
	printk("fail: the fault handler calls change_protection()\n");
	return !change_protection(&fail_r, fail_r.start + PAGE_SIZE,
				  region_end(&fail_r), PAGE_KERNEL);
}

void fail_lock_in_fault(void)
{
	int rc = region_create(&fail_r, 2, 0, PAGE_KERNEL);

	if (rc)
		panic("region_create: %d", rc);
	rc = change_protection(&fail_r, fail_r.start + PAGE_SIZE, region_end(&fail_r),
			       PAGE_KERNEL_RO);
	if (rc)
		panic("to RO: %d", rc);
	this_cpu()->fault_hook = fix_by_mprotect;
	pte_lock_range(fail_r.start, region_end(&fail_r));
	printk("fail: holding the pte lock, writing to a read-only page\n");
	*(volatile u8 *)(fail_r.start + PAGE_SIZE) = 1;
	pte_unlock_range(fail_r.start, region_end(&fail_r));
	this_cpu()->fault_hook = NULL;
	printk("fail: the fault handler took the pte lock and returned\n");
}

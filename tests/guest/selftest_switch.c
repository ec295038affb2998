// SPDX-License-Identifier: GPL-2.0
/*
 * Switching the transaction backend while another vCPU may be between a
 * start and its commit: pv_mmu_select() refuses (-EBUSY) while another
 * vCPU is inside a lazy MMU section.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/paravirt.h>
#include <asm/smp.h>
#include <asm/xen/hypercall.h>
#include <pvbatch/ktap.h>
#include <pvbatch/mm.h>
#include "testlib.h"

struct hold {
	volatile int inside, release;
};

static long hold_lazy_section(void *arg)
{
	struct hold *h = arg;
	unsigned int spins = 0;

	arch_enter_lazy_mmu_mode();
	__atomic_store_n(&h->inside, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&h->release, __ATOMIC_ACQUIRE))
		if (++spins % 4096 == 0)
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	return arch_leave_lazy_mmu_mode();
}

/* vCPU 1 sits in a lazy section: every switch is refused until it leaves. */
static void refused_while_lazy(void)
{
	static struct hold h;
	pte_t (*start)(unsigned long addr, pte_t *ptep);
	void (*commit)(unsigned long addr, pte_t *ptep, pte_t old, pte_t pte);

	KT_ASSERT(nr_cpus_online >= 2, "needs 2 vCPUs, have %u", nr_cpus_online);
	KT_ASSERT(!pv_mmu_select("xen"), "select xen");
	start = pv_mmu_ops.ptep_modify_prot_start;
	commit = pv_mmu_ops.ptep_modify_prot_commit;
	h.inside = h.release = 0;
	smp_call_async(1, hold_lazy_section, &h);
	while (!__atomic_load_n(&h.inside, __ATOMIC_ACQUIRE))
		cpu_relax();
	KT_EXPECT(pv_mmu_select("generic") == -EBUSY,
		  "switch to generic while vCPU 1 is in a lazy section not refused");
	KT_EXPECT(pv_mmu_select_txn("test", start, commit) == -EBUSY,
		  "pv_mmu_select_txn while vCPU 1 is in a lazy section not refused");
	KT_EXPECT(pv_mmu_select_prot_level("pmd") == -EBUSY,
		  "prot_level switch while vCPU 1 is in a lazy section not refused");
	KT_EXPECT(!pv_mmu_ops.prot_level_pmd, "the refused switch set prot_level=pmd");
	KT_EXPECT(!strcmp(pv_mmu_ops.name, "xen") &&
		  pv_mmu_ops.ptep_modify_prot_start == start &&
		  pv_mmu_ops.ptep_modify_prot_commit == commit,
		  "the refused switch changed the backend to %s", pv_mmu_ops.name);
	__atomic_store_n(&h.release, 1, __ATOMIC_RELEASE);
	KT_EXPECT(smp_wait(1) == 0, "vCPU 1's lazy section failed");
	KT_EXPECT(!pv_mmu_select("generic"), "switch after vCPU 1 left refused");
	KT_EXPECT(!strcmp(pv_mmu_ops.name, "generic"), "backend %s", pv_mmu_ops.name);
	KT_EXPECT(!pv_mmu_select("xen"), "switch back to xen");
	KT_EXPECT(!pv_mmu_select_prot_level("pmd") && pv_mmu_ops.prot_level_pmd,
		  "prot_level=pmd after vCPU 1 left");
	KT_EXPECT(!pv_mmu_select_prot_level("pte") && !pv_mmu_ops.prot_level_pmd,
		  "prot_level=pte again");
	KT_EXPECT(pv_mmu_select_prot_level("pud") == -EINVAL, "prot_level=pud accepted");
}
KTAP_CASE(switch, refused_while_lazy, refused_while_lazy);

/*
 * Two pairs, A and B, each a real xen transaction that marks which pair
 * started it; vCPU 1 runs protection changes while vCPU 0 keeps switching
 * between A and B.  Every commit must follow a start of its own pair.
 */
static pte_t (*xen_start)(unsigned long, pte_t *);
static void (*xen_commit)(unsigned long, pte_t *, pte_t, pte_t);
static int last_start[NR_CPUS];
static u64 mismatched, commits;

static pte_t a_start(unsigned long addr, pte_t *ptep)
{
	last_start[smp_processor_id()] = 'A';
	return xen_start(addr, ptep);
}

static pte_t b_start(unsigned long addr, pte_t *ptep)
{
	last_start[smp_processor_id()] = 'B';
	return xen_start(addr, ptep);
}

static void a_commit(unsigned long addr, pte_t *ptep, pte_t old, pte_t pte)
{
	mismatched += last_start[smp_processor_id()] != 'A';
	commits++;
	xen_commit(addr, ptep, old, pte);
}

static void b_commit(unsigned long addr, pte_t *ptep, pte_t old, pte_t pte)
{
	mismatched += last_start[smp_processor_id()] != 'B';
	commits++;
	xen_commit(addr, ptep, old, pte);
}

struct churn {
	struct region r;
	volatile int done;
	int err;
};

static long churn_changes(void *arg)
{
	struct churn *c = arg;
	unsigned int i;

	for (i = 0; i < 200 && !c->err; i++)
		c->err = change_protection(&c->r, c->r.start, region_end(&c->r),
					   i & 1 ? PAGE_KERNEL : PAGE_KERNEL_RO);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return 0;
}

static void pairs_never_mixed(void)
{
	static struct churn c;
	unsigned long switched = 0, refused = 0;
	int rc;

	KT_ASSERT(nr_cpus_online >= 2, "needs 2 vCPUs, have %u", nr_cpus_online);
	KT_ASSERT(!pv_mmu_select("xen"), "select xen");
	xen_start = pv_mmu_ops.ptep_modify_prot_start;
	xen_commit = pv_mmu_ops.ptep_modify_prot_commit;
	rc = region_create(&c.r, 64, 0, PAGE_KERNEL);
	KT_ASSERT(!rc, "region_create: %d", rc);
	mismatched = commits = 0;
	c.done = 0;
	c.err = 0;
	KT_ASSERT(!pv_mmu_select_txn("A", a_start, a_commit), "select A");
	smp_call_async(1, churn_changes, &c);
	while (!__atomic_load_n(&c.done, __ATOMIC_ACQUIRE)) {
		bool to_a = switched & 1;

		rc = to_a ? pv_mmu_select_txn("A", a_start, a_commit)
			  : pv_mmu_select_txn("B", b_start, b_commit);
		if (!rc)
			switched++;
		else if (rc == -EBUSY)
			refused++;
		else
			KT_EXPECT(0, "switch: %d", rc);
	}
	smp_wait(1);
	KT_EXPECT(!pv_mmu_select("xen"), "back to xen");
	ktap_diag("switch: %lu switches, %lu refused, %lu commits, %lu after the other pair's start", switched, refused, commits, mismatched);
	KT_EXPECT(!c.err, "change_protection: %d", c.err);
	KT_EXPECT(commits == 200 * 64, "%lu commits, expected %u", commits, 200 * 64);
	KT_EXPECT(switched > 0 && refused > 0, "no switch made (%lu) or refused (%lu): the race did not happen", switched, refused);
	KT_EXPECT(mismatched == 0, "%lu commits paired with the other pair's start",
		  mismatched);
	region_destroy(&c.r);
}
KTAP_CASE(switch, pairs_never_mixed, pairs_never_mixed);

// SPDX-License-Identifier: GPL-2.0
/*
 * change_protection() on every backend: exact protection bits, same
 * frame, Accessed/Dirty kept; faults on read-only pages; a bad request
 * in the middle of a batch; flush triggers and hypercall counts; updates
 * from fault context inside a lazy section.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/extable.h>
#include <asm/hcstat.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/ptrace.h>
#include <asm/smp.h>
#include <asm/xen/mmu.h>
#include <asm/xen/multicalls.h>
#include <pvbatch/ktap.h>
#include <pvbatch/mm.h>
#include "testlib.h"

#define MAX_PAGES 4096
static u64 snap[MAX_PAGES];

/* Page i is written (A+D), read (A) or left alone, by i % 3. */
static void touch_pattern(const struct region *r)
{
	unsigned long i;

	for (i = 0; i < r->npages; i++) {
		volatile u8 *p = (volatile u8 *)(r->start + i * PAGE_SIZE);

		if (i % 3 == 0)
			*p = (u8)i;
		else if (i % 3 == 1)
			(void)*p;
	}
}

static u64 expected_ad(unsigned long i)
{
	return i % 3 == 0 ? _PAGE_AD : i % 3 == 1 ? _PAGE_ACCESSED : 0;
}

/* Every pte: same frame as snap, exactly prot's bits, snap's A/D. */
static bool check_ptes(const struct region *r, pgprot_t prot, const char *what)
{
	u64 want = pgprot_val(prot) & ~(_PAGE_CHG_MASK | _PAGE_XEN_ADDED);
	unsigned long i, bad = 0;

	for (i = 0; i < r->npages; i++) {
		/* The walk's protection (pte and L2 entry), the pte's frame and A/D. */
		pte_t pte = pte_effective(r->start + i * PAGE_SIZE);
		bool ok = (pte_val(pte) & PTE_PFN_MASK) == (snap[i] & PTE_PFN_MASK) &&
			  pte_prot_bits(pte) == want &&
			  (pte_val(pte) & _PAGE_AD) == (snap[i] & _PAGE_AD);

		if (!ok && bad++ < 3)
			KT_EXPECT(0, "%s: page %lu: pte %#lx, was %#lx, want prot %#lx",
				  what, i, pte_val(pte), snap[i], want);
	}
	if (bad)
		KT_EXPECT(0, "%s: %lu of %lu ptes wrong", what, bad, r->npages);
	return !bad;
}

static void one_range(const char *backend, unsigned long npages,
		      unsigned long offset)
{
	static const pgprot_t steps[] = {
		PAGE_KERNEL_RO,
		__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_SOFTW1),
		PAGE_KERNEL,
	};
	struct region r;
	unsigned long i;
	unsigned int s;
	int rc;

	rc = region_create(&r, npages, offset, PAGE_KERNEL);
	KT_ASSERT(!rc, "region_create(%lu): %d", npages, rc);
	rc = region_clear_bits(&r, _PAGE_AD);
	KT_EXPECT(!rc, "clearing A/D: %d", rc);
	touch_pattern(&r);
	for (i = 0; i < npages; i++) {
		snap[i] = pte_val(ptep_read(region_ptep(&r, i)));
		if ((snap[i] & _PAGE_AD) != expected_ad(i)) {
			KT_EXPECT(0, "page %lu: hardware A/D %#lx, expected %#lx",
				  i, snap[i] & _PAGE_AD, expected_ad(i));
			break;
		}
	}
	KT_EXPECT(!pv_mmu_select(backend), "select %s", backend);
	for (s = 0; s < ARRAY_SIZE(steps); s++) {
		rc = change_protection(&r, r.start, region_end(&r), steps[s]);
		KT_EXPECT(!rc, "%s %lu pages step %u: %d", backend, npages, s, rc);
		if (!check_ptes(&r, steps[s], backend))
			break;
	}
	region_destroy(&r);
}

static void ranges(const char *backend)
{
	static const struct { unsigned long n, off; } cases[] = {
		{ 1, 0 }, { 7, 0 }, { 7, 509 }, { 512, 0 }, { 512, 300 },
		{ 513, 0 }, { 513, 300 }, { 4096, 0 }, { 4096, 100 },
	};
	unsigned int i;
	u64 before = hypercalls_issued();

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		one_range(backend, cases[i].n, cases[i].off);
	ktap_diag("%s on %s: %u cases x 3 changes, %lu hypercalls", __func__, backend,
		  (unsigned int)ARRAY_SIZE(cases), hypercalls_issued() - before);
}

static void ranges_generic(void) { ranges("generic"); }
static void ranges_xen(void) { ranges("xen"); }
static void ranges_xen_nobatch(void) { ranges("xen-nobatch"); }
KTAP_CASE(mprotect, ranges_generic, ranges_generic);
KTAP_CASE(mprotect, ranges_xen, ranges_xen);
KTAP_CASE(mprotect, ranges_xen_nobatch, ranges_xen_nobatch);

static void write_faults(const char *backend)
{
	struct region r;
	volatile u8 *p;
	u8 v;
	int rc = region_create(&r, 3, 0, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	KT_EXPECT(!pv_mmu_select(backend), "select");
	p = (volatile u8 *)(r.start + PAGE_SIZE);
	KT_EXPECT(!probe_write_u8(p, 1), "write to a writable page faulted");
	rc = change_protection(&r, r.start + PAGE_SIZE, r.start + 2 * PAGE_SIZE,
			       PAGE_KERNEL_RO);
	KT_EXPECT(!rc, "to RO: %d", rc);
	KT_EXPECT(probe_write_u8(p, 2) == -EFAULT, "%s: write to a RO page went through",
		  backend);
	KT_EXPECT(!probe_read_u8(p, &v) && v == 1, "read of the RO page: %u", v);
	KT_EXPECT(!probe_write_u8(p - PAGE_SIZE, 3), "neighbour below became RO");
	KT_EXPECT(!probe_write_u8(p + PAGE_SIZE, 3), "neighbour above became RO");
	rc = change_protection(&r, r.start, region_end(&r), PAGE_KERNEL);
	KT_EXPECT(!rc, "to RW: %d", rc);
	KT_EXPECT(!probe_write_u8(p, 4) && *p == 4, "%s: write after RW faulted", backend);
	region_destroy(&r);
}

static void write_faults_all(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(test_backends); i++)
		write_faults(test_backends[i]);
}
KTAP_CASE(mprotect, write_faults, write_faults_all);

/*
 * Every page of a range made read-only faults on write, though each was
 * just written (its TLB entry live): the range's flush reaches them all,
 * whether it is one INVLPG per page (up to 8 pages, local) or a full one.
 */
static void write_faults_every_page(void)
{
	static const unsigned long sizes[] = { 2, 8, 9 };
	unsigned int i, k;
	unsigned long j;

	for (k = 0; k < ARRAY_SIZE(test_backends); k++) {
		KT_EXPECT(!pv_mmu_select(test_backends[k]), "select");
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			struct region r;
			int rc = region_create(&r, sizes[i], 0, PAGE_KERNEL);

			KT_ASSERT(!rc, "region_create: %d", rc);
			for (j = 0; j < sizes[i]; j++)
				KT_EXPECT(!probe_write_u8((volatile u8 *)(r.start + j * PAGE_SIZE), 1),
					  "write before the change faulted");
			rc = change_protection(&r, r.start, region_end(&r), PAGE_KERNEL_RO);
			KT_EXPECT(!rc, "to RO: %d", rc);
			for (j = 0; j < sizes[i]; j++)
				KT_EXPECT(probe_write_u8((volatile u8 *)(r.start + j * PAGE_SIZE),
							 2) == -EFAULT,
					  "%s: %lu pages: write to RO page %lu went through",
					  test_backends[k], sizes[i], j);
			region_destroy(&r);
		}
	}
}
KTAP_CASE(mprotect, write_faults_every_page, write_faults_every_page);

/*
 * A request Xen must refuse (a frame we do not own), committed through
 * the real transaction in the middle of a 16-pte batch: it is reported
 * with its pte and caller, every other request is applied.
 */
static void bad_request_mid_batch(void)
{
	u64 logged = xen_mmu_stats()->failures;
	unsigned int i, bad_i = 7;
	unsigned long here = (unsigned long)bad_request_mid_batch;
	struct region r;
	int rc = region_create(&r, 16, 0, PAGE_KERNEL);
	const struct mmu_failure *f;
	u64 bad_val = 0, bad_ma = 0;
	u64 before = hypercalls_issued();

	KT_ASSERT(!rc, "region_create: %d", rc);
	KT_EXPECT(!pv_mmu_select("xen"), "select");
	arch_enter_lazy_mmu_mode();
	for (i = 0; i < r.npages; i++) {
		unsigned long addr = r.start + i * PAGE_SIZE;
		pte_t *ptep = region_ptep(&r, i);
		pte_t old = ptep_modify_prot_start(addr, ptep);
		pte_t new = pte_modify(old, PAGE_KERNEL_RO);

		if (i == bad_i) {
			new = __pte((0xfffffffff0UL << PAGE_SHIFT) | _PAGE_PRESENT);
			/* commit adds A and D if start saw both (touched page) */
			bad_val = pte_val(new) |
				  ((pte_val(old) & _PAGE_AD) == _PAGE_AD ? _PAGE_AD : 0);
			bad_ma = ptep_to_machine(ptep);
		}
		ptep_modify_prot_commit(addr, ptep, old, new);
	}
	flush_tlb_range(r.start, region_end(&r));
	rc = arch_leave_lazy_mmu_mode();
	KT_EXPECT(rc < 0, "leave returned %d for a batch with a bad request", rc);
	/*
	 * The batch (16 updates + the flush), the 8 updates after the bad one
	 * issued again, and the flush again after them.
	 */
	KT_EXPECT(hypercalls_issued() - before == 3,
		  "%lu hypercalls: expected batch, re-issue, re-flush",
		  hypercalls_issued() - before);
	KT_ASSERT(xen_mmu_stats()->failures == logged + 1,
		  "%lu failures logged, expected 1",
		  xen_mmu_stats()->failures - logged);
	f = xen_mmu_failure(0);
	ktap_diag("bad request: err %d ptr %#lx val %#lx caller %#lx", f->err,
		  f->ptr, f->val, f->caller);
	KT_EXPECT(f->err == rc, "logged err %d, returned %d", f->err, rc);
	KT_EXPECT((f->ptr & ~7UL) == bad_ma, "logged pte %#lx, expected %#lx",
		  f->ptr, bad_ma);
	KT_EXPECT((f->ptr & 7) == MMU_PT_UPDATE_PRESERVE_AD, "command %lu", f->ptr & 7);
	KT_EXPECT(f->val == bad_val, "logged val %#lx", f->val);
	KT_EXPECT(f->caller - here < 0x800, "caller %#lx is not in the test (%#lx)",
		  f->caller, here);
	for (i = 0; i < r.npages; i++) {
		pte_t pte = ptep_read(region_ptep(&r, i));

		if (i == bad_i)
			KT_EXPECT(pte_val(pte) & _PAGE_RW, "refused request applied");
		else
			KT_EXPECT(pte_present(pte) && !(pte_val(pte) & _PAGE_RW),
				  "pte %u not applied: %#lx", i, pte_val(pte));
	}
	region_destroy(&r);
}
KTAP_CASE(mprotect, bad_request_mid_batch, bad_request_mid_batch);

/* Commit n ptes of r (from first) to prot inside the current lazy section. */
static void commit_n(const struct region *r, unsigned long first,
		     unsigned long n, pgprot_t prot)
{
	unsigned long i;

	for (i = first; i < first + n; i++) {
		unsigned long addr = r->start + i * PAGE_SIZE;
		pte_t *ptep = region_ptep(r, i);
		pte_t old = ptep_modify_prot_start(addr, ptep);

		ptep_modify_prot_commit(addr, ptep, old, pte_modify(old, prot));
	}
}

static void flush_triggers(void)
{
	const unsigned long cap = CONFIG_MC_ARGS_BYTES / sizeof(struct mmu_update);
	struct region r;
	u64 h, issued;
	int rc = region_create(&r, MAX_PAGES, 0, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	KT_EXPECT(!pv_mmu_select("xen"), "select");

	/* Leave: nothing is issued inside the section, one call at leave. */
	h = hypercalls_issued();
	arch_enter_lazy_mmu_mode();
	commit_n(&r, 0, 10, PAGE_KERNEL_RO);
	KT_EXPECT(hypercalls_issued() == h, "issued inside a lazy section");
	KT_EXPECT(pte_val(ptep_read(region_ptep(&r, 0))) & _PAGE_RW,
		  "update applied before the flush");
	KT_EXPECT(!arch_leave_lazy_mmu_mode(), "leave");
	KT_EXPECT(hypercalls_issued() - h == 1, "leave: %lu calls", hypercalls_issued() - h);
	KT_EXPECT(!(pte_val(ptep_read(region_ptep(&r, 9))) & _PAGE_RW), "not applied at leave");

	/* On demand. */
	h = hypercalls_issued();
	arch_enter_lazy_mmu_mode();
	commit_n(&r, 0, 5, PAGE_KERNEL);
	KT_EXPECT(!xen_mmu_issue(), "issue");
	KT_EXPECT(hypercalls_issued() - h == 1, "on demand: %lu calls", hypercalls_issued() - h);
	KT_EXPECT(pte_val(ptep_read(region_ptep(&r, 4))) & _PAGE_RW, "not applied on demand");
	KT_EXPECT(!arch_leave_lazy_mmu_mode(), "leave");
	KT_EXPECT(hypercalls_issued() - h == 1, "empty leave issued a call");

	/* Full: one more request than fits. */
	h = hypercalls_issued();
	issued = xen_mc_stats()->issued;
	arch_enter_lazy_mmu_mode();
	commit_n(&r, 0, cap + 1, PAGE_KERNEL_RO);
	KT_EXPECT(xen_mc_stats()->issued == issued + 1, "not issued when full");
	KT_EXPECT(hypercalls_issued() - h == 1, "full: %lu calls", hypercalls_issued() - h);
	KT_EXPECT(!arch_leave_lazy_mmu_mode(), "leave");

	/* Whole mprotects: N <= 512 is one call; 4096 within ceil(N/cap) + 1. */
	h = hypercalls_issued();
	KT_EXPECT(!change_protection(&r, r.start, r.start + 512 * PAGE_SIZE, PAGE_KERNEL),
		  "mprotect 512");
	KT_EXPECT(hypercalls_issued() - h == 1, "512-page mprotect: %lu calls",
		  hypercalls_issued() - h);
	h = hypercalls_issued();
	KT_EXPECT(!change_protection(&r, r.start, region_end(&r), PAGE_KERNEL_RO),
		  "mprotect 4096");
	KT_EXPECT(hypercalls_issued() - h <= DIV_ROUND_UP(MAX_PAGES, cap) + 1,
		  "4096-page mprotect: %lu calls, limit %lu", hypercalls_issued() - h,
		  DIV_ROUND_UP(MAX_PAGES, cap) + 1);
	ktap_diag("flush: capacity %lu requests, 4096-page mprotect = %lu hypercalls",
		  cap, hypercalls_issued() - h);
	region_destroy(&r);
}
KTAP_CASE(mprotect, flush_triggers, flush_triggers);

/*
 * A fault taken inside a lazy section fixes its pte through the same ops:
 * the fix must be immediate (else the retried write faults forever) and
 * must leave the interrupted section's batch as it was.
 */
struct fixup_ctx {
	unsigned long addr;
	pte_t *ptep;
	unsigned int faults;
};

static bool fix_by_making_writable(struct pt_regs *regs, unsigned long cr2)
{
	struct fixup_ctx *c = this_cpu()->fault_hook_data;

	(void)regs;
	if ((cr2 & PAGE_MASK) != c->addr || ++c->faults > 3)
		return false;
	set_pte_at(c->addr, c->ptep, pte_modify(ptep_read(c->ptep), PAGE_KERNEL));
	return true;
}

static void fault_in_lazy_section(void)
{
	struct region r;
	struct fixup_ctx c;
	bool empty;
	u64 h;
	int rc = region_create(&r, 2, 0, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	KT_EXPECT(!pv_mmu_select("xen"), "select");
	KT_EXPECT(!change_protection(&r, r.start + PAGE_SIZE, region_end(&r),
				     PAGE_KERNEL_RO), "to RO");
	c.addr = r.start + PAGE_SIZE;
	c.ptep = region_ptep(&r, 1);
	c.faults = 0;
	this_cpu()->fault_hook_data = &c;
	this_cpu()->fault_hook = fix_by_making_writable;

	arch_enter_lazy_mmu_mode();
	commit_n(&r, 0, 1, PAGE_KERNEL_RO);
	empty = xen_mc_empty();
	h = hypercalls_issued();
	*(volatile u8 *)c.addr = 5;		/* faults once, fixed at once */
	KT_EXPECT(hypercalls_issued() - h == 1 && xen_mc_empty() == empty,
		  "the fault handler's update went into the open batch");
	rc = arch_leave_lazy_mmu_mode();
	this_cpu()->fault_hook = NULL;

	KT_EXPECT(!rc, "leave: %d", rc);
	KT_EXPECT(c.faults == 1, "%u faults", c.faults);
	KT_EXPECT(!(pte_val(ptep_read(region_ptep(&r, 0))) & _PAGE_RW),
		  "the section's own update was lost");
	region_destroy(&r);
}
KTAP_CASE(mprotect, fault_in_lazy_section, fault_in_lazy_section);

/*
 * Granting access needs no TLB flush, taking it away does; a vCPU that
 * still holds the old, stricter TLB entry can write once the pte allows
 * it (a spurious fault, if the CPU faults at all, is retried).
 */
struct stale_ctx {
	volatile u8 *page;
	struct spin_barrier b;
	int write_rc;
	u64 spurious;
};

static long stale_reader(void *arg)
{
	struct stale_ctx *c = arg;
	u64 before = this_cpu()->spurious_faults;
	u8 v;

	(void)probe_read_u8(c->page, &v);	/* cache the read-only entry */
	barrier_wait(&c->b);			/* vCPU 0 makes it writable */
	barrier_wait(&c->b);
	c->write_rc = probe_write_u8(c->page, 7);
	c->spurious = this_cpu()->spurious_faults - before;
	return 0;
}

static void flush_only_when_restricting(void)
{
	const u64 *ext = &this_hcstat()->requests[__HYPERVISOR_mmuext_op];
	static struct stale_ctx c;
	struct region r;
	u64 before;
	int rc = region_create(&r, 8, 0, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	KT_EXPECT(!pv_mmu_select("xen"), "select");

	before = *ext;
	KT_EXPECT(!change_protection(&r, r.start, region_end(&r), PAGE_KERNEL_RO), "to RO");
	/* 8 pages: one INVLPG_LOCAL each (mmu.c's INVLPG_LOCAL_MAX_PAGES). */
	KT_EXPECT(*ext - before == 8, "RW->RO: %lu flushes, expected 8", *ext - before);
	before = *ext;
	KT_EXPECT(!change_protection(&r, r.start, region_end(&r), PAGE_KERNEL), "to RW");
	KT_EXPECT(*ext == before, "RO->RW: %lu flushes, expected none", *ext - before);
	before = *ext;
	KT_EXPECT(!change_protection(&r, r.start, region_end(&r),
				     __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_SOFTW1)),
		  "software bit");
	KT_EXPECT(*ext - before == 8, "other change: %lu flushes, expected 8", *ext - before);

	if (nr_cpus_online < 2) {
		ktap_diag("stale entry: needs 2 vCPUs, skipped");
		region_destroy(&r);
		return;
	}
	KT_EXPECT(!change_protection(&r, r.start, region_end(&r), PAGE_KERNEL_RO), "to RO");
	c.page = (volatile u8 *)r.start;
	c.write_rc = 1;
	barrier_init(&c.b, 2);
	smp_call_async(1, stale_reader, &c);
	barrier_wait(&c.b);
	KT_EXPECT(!change_protection(&r, r.start, region_end(&r), PAGE_KERNEL), "to RW");
	barrier_wait(&c.b);
	smp_wait(1);
	KT_EXPECT(c.write_rc == 0, "vCPU 1's write after RO->RW failed: %d", c.write_rc);
	KT_EXPECT(*c.page == 7, "vCPU 1's write is not there");
	ktap_diag("stale entry: vCPU 1 wrote after an unflushed upgrade, %lu spurious faults",
		  c.spurious);
	region_destroy(&r);
}
KTAP_CASE(mprotect, flush_only_when_restricting, flush_only_when_restricting);

/*
 * A change of one page is a batch of one update (and an INVLPG when it
 * takes access away).  It goes as one update_va_mapping only if nothing
 * can be lost that way: on the xen backend, when the pte already has
 * Accessed and Dirty; otherwise as the PRESERVE_AD mmu_update.
 */
struct lone_counts {
	u64 uvm, mmu, calls;
};

static void lone_snapshot(struct lone_counts *c)
{
	const struct hcstat *h = this_hcstat();

	c->uvm = h->calls[__HYPERVISOR_update_va_mapping];
	c->mmu = h->calls[__HYPERVISOR_mmu_update];
	c->calls = hypercalls_issued();
}

static void lone_expect_calls(const struct region *r, pgprot_t prot,
			      bool want_uvm, u64 want_ad, u64 want_calls,
			      const char *what)
{
	struct lone_counts a, b;
	pte_t pte;

	lone_snapshot(&a);
	KT_EXPECT(!change_protection((struct region *)r, r->start, region_end(r), prot),
		  "%s", what);
	lone_snapshot(&b);
	pte = pte_effective(r->start);
	KT_EXPECT(b.calls - a.calls == want_calls, "%s: %lu hypercalls, expected %lu",
		  what, b.calls - a.calls, want_calls);
	KT_EXPECT(b.uvm - a.uvm == want_uvm, "%s: %lu update_va_mapping, expected %u",
		  what, b.uvm - a.uvm, want_uvm);
	KT_EXPECT(b.mmu - a.mmu == !want_uvm, "%s: %lu mmu_update, expected %u",
		  what, b.mmu - a.mmu, !want_uvm);
	KT_EXPECT(pte_prot_bits(pte) ==
		  (pgprot_val(prot) & ~(_PAGE_CHG_MASK | _PAGE_XEN_ADDED)) &&
		  (pte_val(pte) & _PAGE_AD) == want_ad,
		  "%s: pte %#lx", what, pte_val(pte));
}

static void lone_expect(const struct region *r, pgprot_t prot, bool want_uvm,
			u64 want_ad, const char *what)
{
	lone_expect_calls(r, prot, want_uvm, want_ad, 1, what);
}

/*
 * Xen refuses the update_va_mapping of a bad frame; the batch then goes
 * as queued, is refused again, and the failure is the mmu_update's.
 */
static void lone_refused(const struct region *r)
{
	u64 refused = xen_mmu_stats()->uvm_refused;
	u64 logged = xen_mmu_stats()->failures;
	pte_t *ptep = region_ptep(r, 0);
	pte_t old, was = ptep_read(ptep);
	const struct mmu_failure *f;
	u64 bad = (0xfffffffff0UL << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_AD;
	int rc;

	KT_EXPECT(!pv_mmu_select("xen"), "select");
	*(volatile u8 *)r->start = 3;		/* A and D: the lone path */
	arch_enter_lazy_mmu_mode();
	old = ptep_modify_prot_start(r->start, ptep);
	ptep_modify_prot_commit(r->start, ptep, old, __pte(bad));
	rc = arch_leave_lazy_mmu_mode();
	KT_EXPECT(rc < 0, "leave returned %d for a bad frame", rc);
	KT_EXPECT(xen_mmu_stats()->uvm_refused == refused + 1,
		  "%lu update_va_mapping refused",
		  xen_mmu_stats()->uvm_refused - refused);
	KT_ASSERT(xen_mmu_stats()->failures == logged + 1,
		  "%lu failures logged, expected 1",
		  xen_mmu_stats()->failures - logged);
	f = xen_mmu_failure(0);
	KT_EXPECT(f->op == __HYPERVISOR_mmu_update && f->err == rc &&
		  f->ptr == (ptep_to_machine(ptep) | MMU_PT_UPDATE_PRESERVE_AD) &&
		  f->val == bad, "logged op %u err %d ptr %#lx val %#lx", f->op,
		  f->err, f->ptr, f->val);
	KT_EXPECT((pte_val(ptep_read(ptep)) & ~_PAGE_AD) == (pte_val(was) & ~_PAGE_AD),
		  "pte changed to %#lx", pte_val(ptep_read(ptep)));
}

static void lone_update(void)
{
	struct region r;
	int rc = region_create(&r, 1, 0, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	KT_EXPECT(!pv_mmu_select("xen"), "select");
	/* Never touched since A/D were cleared: PRESERVE_AD, both ways. */
	KT_EXPECT(!region_clear_bits(&r, _PAGE_AD), "clear A/D");
	lone_expect(&r, PAGE_KERNEL_RO, false, 0, "xen, no A/D, to RO");
	lone_expect(&r, PAGE_KERNEL, false, 0, "xen, no A/D, to RW");
	/* Read only: A without D is not enough. */
	(void)*(volatile u8 *)r.start;
	lone_expect(&r, PAGE_KERNEL_RO, false, _PAGE_ACCESSED, "xen, A only, to RO");
	lone_expect(&r, PAGE_KERNEL, false, _PAGE_ACCESSED, "xen, A only, to RW");
	/* Written: A and D, update_va_mapping, with and without the INVLPG. */
	*(volatile u8 *)r.start = 1;
	lone_expect(&r, PAGE_KERNEL_RO, true, _PAGE_AD, "xen, A+D, to RO");
	lone_expect(&r, PAGE_KERNEL, true, _PAGE_AD, "xen, A+D, to RW");
	/* No batch, no update_va_mapping: the update, then the INVLPG. */
	KT_EXPECT(!pv_mmu_select("xen-nobatch"), "select xen-nobatch");
	lone_expect_calls(&r, PAGE_KERNEL_RO, false, _PAGE_AD, 2, "xen-nobatch, to RO");
	/* The generic set writes an entry it holds cleared: always may. */
	KT_EXPECT(!pv_mmu_select("generic"), "select generic");
	KT_EXPECT(!region_clear_bits(&r, _PAGE_AD), "clear A/D");
	lone_expect(&r, PAGE_KERNEL_RO, true, 0, "generic, to RO");
	lone_expect(&r, PAGE_KERNEL, true, 0, "generic, to RW");
	*(volatile u8 *)r.start = 2;
	KT_EXPECT(*(volatile u8 *)r.start == 2, "page content");
	lone_refused(&r);
	region_destroy(&r);
}
KTAP_CASE(mprotect, lone_update, lone_update);

// SPDX-License-Identifier: GPL-2.0
/*
 * bench=mprotect: what each pte backend costs for a protection change.
 *
 * For every N in pages=, a region of N touched pages is made read-only
 * and then read-write again with change_protection(), rounds= times, on
 * each backend (generic, xen-nobatch, xen), and the same number of pte
 * updates is done by the "floor": two precomputed mmu_update calls per
 * round (all N PRESERVE_AD requests to read-only, then all N back), with
 * no guest-side work and no TLB flush.  One round is 2 * N pte updates.
 * "generic-floor" is the same for the generic transaction: N emulated
 * cmpxchg clears, then one precomputed mmu_update setting all N again.
 * "pmd-floor" is the same for prot_level=pmd: per round one precomputed
 * mmu_update of the L2 requests xen+pmd sends for the range (RW off at
 * every L1 table wholly inside it), then one turning RW on again; Xen's
 * own cost of the L2 approach, a lower bound for xen+pmd.
 *
 * unaligned=K measures xen and xen+pmd once more at every N >= 512, on a
 * region starting K pages into its first L1 table (both ends partial);
 * those rows carry "offset":K.  offset=K instead moves every region.
 *
 * Every series is measured repeats= times; inside one repeat the series
 * run one after another, and the order rotates from repeat to repeat so
 * that slow drift (the other vCPU, the host) is spread over all of them.
 * Time is TSC cycles converted with the vcpu_time_info scale; counts are
 * this vCPU's hypercall statistics (asm/hcstat.h).  Per (series, N):
 *
 *	BENCH {"backend":"xen","pages":4096,"rounds":4,"repeats":5,
 *	       "ns_per_pte":..,"ns_per_pte_min":..,"hypercalls_per_pte":..,
 *	       "requests_per_hypercall":..,"traps_per_pte":..,
 *	       "flushes_per_mprotect":..}
 *
 * ns_per_pte is the median over repeats, ns_per_pte_min the minimum; the
 * count-based fields are totals over all repeats, divided:
 *	hypercalls_per_pte	hypercall instructions issued / pte updates
 *	requests_per_hypercall	pte updates sent (mmu_update requests and
 *				update_va_mapping calls) / hypercalls issued
 *				(multicall sub-calls included in requests)
 *	traps_per_pte		pte writes Xen trapped and emulated / updates
 *	flushes_per_mprotect	TLB flushes (mmuext ops, the only ones on
 *				this path, and update_va_mapping calls that
 *				carried an INVLPG) / change_protection() calls
 * A field that means nothing for a series (requests per hypercall with no
 * hypercall) is printed as null.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/hcstat.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/smp.h>
#include <asm/tsc.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/mmu.h>
#include <xen/interface/vcpu.h>
#include <pvbatch/cmdline.h>
#include <pvbatch/main.h>
#include <pvbatch/mm.h>

#include "ci95.h"

#define BENCH_MAX_SIZES		16
#define BENCH_MAX_REPEATS	31
#define BENCH_MAX_PAGES		65536UL

static const unsigned long default_pages[] = { 1, 8, 64, 512, 4096, 32768 };

static bool bench_on;
static unsigned long pages[BENCH_MAX_SIZES];
static unsigned int nr_pages;
static unsigned long rounds[BENCH_MAX_SIZES];
static unsigned int nr_rounds;
static unsigned long repeats = 11;
static unsigned long offset;
static unsigned long unaligned;

static int set_bench(const char *val, bool apply, const char **why)
{
	if (!val_is(val, "mprotect")) {
		*why = "expected mprotect";
		return -EINVAL;
	}
	if (apply)
		bench_on = true;
	return 0;
}
DEFINE_KPARAM(bench, set_bench);

static int set_pages(const char *val, bool apply, const char **why)
{
	unsigned long v[BENCH_MAX_SIZES];
	unsigned int n, i;

	if (parse_ulong_list(val, v, BENCH_MAX_SIZES, &n)) {
		*why = "expected a comma-separated list of 1 to 16 page counts, each > 0";
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (v[i] > BENCH_MAX_PAGES) {
			*why = "a page count above 65536";
			return -EINVAL;
		}
	}
	if (apply) {
		memcpy(pages, v, sizeof(v));
		nr_pages = n;
	}
	return 0;
}
DEFINE_KPARAM(pages, set_pages);

static int set_rounds(const char *val, bool apply, const char **why)
{
	unsigned long v[BENCH_MAX_SIZES];
	unsigned int n, i;

	if (parse_ulong_list(val, v, BENCH_MAX_SIZES, &n)) {
		*why = "expected one round count, or one per pages= entry (each > 0)";
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (v[i] > 1000000) {
			*why = "a round count above 1000000";
			return -EINVAL;
		}
	}
	if (apply) {
		memcpy(rounds, v, sizeof(v));
		nr_rounds = n;
	}
	return 0;
}
DEFINE_KPARAM(rounds, set_rounds);

static int set_repeats(const char *val, bool apply, const char **why)
{
	unsigned long v;

	if (kstrtoul(val, &v) || !v || v > BENCH_MAX_REPEATS) {
		*why = "expected a number from 1 to 31";
		return -EINVAL;
	}
	if (apply)
		repeats = v;
	return 0;
}
DEFINE_KPARAM(repeats, set_repeats);

static int set_offset(const char *val, bool apply, const char **why)
{
	unsigned long v;

	if (kstrtoul(val, &v) || v >= PTRS_PER_PTE) {
		*why = "expected a page offset from 0 to 511";
		return -EINVAL;
	}
	if (apply)
		offset = v;
	return 0;
}
DEFINE_KPARAM(offset, set_offset);

static int set_unaligned(const char *val, bool apply, const char **why)
{
	unsigned long v;

	if (kstrtoul(val, &v) || !v || v >= PTRS_PER_PTE) {
		*why = "expected a page offset from 1 to 511";
		return -EINVAL;
	}
	if (apply)
		unaligned = v;
	return 0;
}
DEFINE_KPARAM(unaligned, set_unaligned);

/*
 * Default rounds: about 2 * 8192 pte updates for small N (so the fixed
 * costs are timed many times over), one round for the largest.
 */
static unsigned long default_rounds(unsigned long n)
{
	unsigned long r = 8192 / n;

	return r < 1 ? 1 : min(r, 1000UL);
}

/*
 * The series.  Several measure the same thing in different ways: the
 * floor+flush candidates (one is reported, the cheapest at that N) and
 * the clean-page ones (the same change on ptes whose Accessed and Dirty
 * bits are clear when it starts).
 */
enum kind { K_BACKEND, K_FLOOR, K_GENERIC_FLOOR, K_PMD_FLOOR,
	    K_FF_INVLPG, K_FF_FLUSH, K_FF_UVM };

enum series {
	S_GENERIC, S_XEN_NOBATCH, S_XEN, S_FLOOR, S_GENERIC_FLOOR,
	S_FF_INVLPG, S_FF_FLUSH, S_FF_UVM,
	S_XEN_CLEAN, S_FLOOR_CLEAN, S_FF_INVLPG_CLEAN, S_FF_FLUSH_CLEAN,
	S_XEN_PMD, S_PMD_FLOOR,
	NR_SERIES
};

struct series_info {
	const char *name;		/* the backend field */
	const char *backend;		/* pte_txn to select, or NULL */
	enum kind kind;
	bool clean;
	unsigned int pair;		/* measured with its group (run_pair), 0: alone */
};

static const struct series_info info[NR_SERIES] = {
	[S_GENERIC] = { "generic", "generic", K_BACKEND, false },
	[S_XEN_NOBATCH] = { "xen-nobatch", "xen-nobatch", K_BACKEND, false },
	[S_XEN] = { "xen", "xen", K_BACKEND, false, 1 },
	[S_FLOOR] = { "floor", NULL, K_FLOOR, false },
	[S_GENERIC_FLOOR] = { "generic-floor", NULL, K_GENERIC_FLOOR, false },
	[S_FF_INVLPG] = { "floor+flush", NULL, K_FF_INVLPG, false, 1 },
	[S_FF_FLUSH] = { "floor+flush", NULL, K_FF_FLUSH, false, 1 },
	[S_FF_UVM] = { "floor+flush", NULL, K_FF_UVM, false, 1 },
	[S_XEN_CLEAN] = { "xen", "xen", K_BACKEND, true, 2 },
	[S_FLOOR_CLEAN] = { "floor", NULL, K_FLOOR, true },
	[S_FF_INVLPG_CLEAN] = { "floor+flush", NULL, K_FF_INVLPG, true, 2 },
	[S_FF_FLUSH_CLEAN] = { "floor+flush", NULL, K_FF_FLUSH, true, 2 },
	/* The xen backend with prot_level=pmd: whole L1s at their L2 entry. */
	[S_XEN_PMD] = { "xen+pmd", "xen", K_BACKEND, false },
	/* xen+pmd's L2 requests alone, precomputed: its lower bound. */
	[S_PMD_FLOOR] = { "pmd-floor", NULL, K_PMD_FLOOR, false },
};

static const char *const ff_how[] = {
	[K_FF_INVLPG] = "multicall: mmu_update + one INVLPG_LOCAL per page",
	[K_FF_FLUSH] = "multicall: mmu_update + one TLB_FLUSH_LOCAL",
	[K_FF_UVM] = "update_va_mapping with UVMF_INVLPG|UVMF_LOCAL",
};

static bool is_ff(enum series s)
{
	return info[s].kind >= K_FF_INVLPG;
}

/* L1 tables wholly inside n pages that start off pages into an L1. */
static unsigned long whole_l1s(unsigned long n, unsigned long off)
{
	unsigned long lead = off ? PTRS_PER_PTE - off : 0;

	return n > lead ? (n - lead) / PTRS_PER_PTE : 0;
}

/*
 * Which series run at n pages, off pages into the first L1 table.
 * floor+flush as issue 13 defines it: at N=1 on a page with A and D set,
 * one update_va_mapping with its INVLPG; otherwise the cheaper of the two
 * multicalls.  pmd-floor where xen+pmd changes some L1 at its L2 entry.
 * The extra unaligned run (unaligned=) has xen and xen+pmd only.
 */
static bool series_runs(enum series s, unsigned long n, unsigned long off,
			bool extra)
{
	if (extra)
		return s == S_XEN || s == S_XEN_PMD;
	if (s == S_FF_UVM)
		return n == 1;
	if (s == S_FF_INVLPG || s == S_FF_FLUSH)
		return n > 1;
	if (s == S_PMD_FLOOR)
		return whole_l1s(n, off) > 0;
	return true;
}

struct counts {
	u64 issued, requests, ptwr, flushes, flush_all;
};

struct sample_set {
	u64 ns[BENCH_MAX_REPEATS];	/* per repeat, whole measurement */
	u64 cycles;			/* totals over the repeats */
	struct counts c;
	u64 wall_ns, runnable_ns;	/* of this vCPU, around each measurement */
};

/*
 * Xen's account of this vCPU: ns it spent runnable but not running (the
 * pCPU went to another vCPU, ours or dom0's).  A hypercall: read outside
 * the counted spans.
 */
static u64 runnable_now(void)
{
	struct vcpu_runstate_info ri;

	memset(&ri, 0, sizeof(ri));
	if (HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, smp_processor_id(), &ri))
		return 0;
	return ri.time[RUNSTATE_runnable];
}

struct preempt_mark {
	u64 runnable, tsc;
};

static void preempt_start(struct preempt_mark *p)
{
	p->runnable = runnable_now();
	p->tsc = rdtsc_ordered();
}

static void preempt_end(struct sample_set *ss, const struct preempt_mark *p)
{
	u64 tsc = rdtsc_ordered();

	ss->wall_ns += cycles_to_ns(tsc - p->tsc);
	ss->runnable_ns += runnable_now() - p->runnable;
}

struct floor_reqs {
	struct region mem;		/* holds all the arrays */
	struct mmu_update *ro, *rw;	/* PRESERVE_AD, A/D as found: the floor */
	struct mmu_update *ro_set, *rw_set;	/* NORMAL: generic's floor */
	struct mmu_update *ro_c, *rw_c;	/* PRESERVE_AD, A/D clear: clean floor */
	struct mmu_update *clr_ro, *clr_rw;	/* NORMAL, A/D clear: make clean */
	struct mmuext_op *invlpg;	/* INVLPG_LOCAL of each page */
	pte_t **ptep;
	/* pmd-floor: the L2 entries of the whole L1 tables, RW off / on */
	struct mmu_update *pmd_ro, *pmd_rw;
	pte_t **pmdp;
	unsigned long nr_pmd;
};

/* The fixed-point decimal num/den with dec digits, or null if den is 0. */
static void fmt_ratio(char *buf, size_t len, u64 num, u64 den, unsigned int dec)
{
	u64 scale = 1, q, whole, frac;
	unsigned int i;

	if (!den) {
		snprintf(buf, len, "null");
		return;
	}
	for (i = 0; i < dec; i++)
		scale *= 10;
	while (num > (~0ULL - den) / scale) {	/* keep num * scale in range */
		num >>= 1;
		den = den >> 1 ?: 1;
	}
	q = (num * scale + den / 2) / den;
	whole = q / scale;
	frac = q % scale;
	if (dec == 3)
		snprintf(buf, len, "%lu.%03lu", whole, frac);
	else
		snprintf(buf, len, "%lu.%06lu", whole, frac);
}

static void sort_u64(u64 *v, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		u64 x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static u64 median_of_sorted(const u64 *v, unsigned int n)
{
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void counts_now(struct counts *c)
{
	struct hcstat *h = this_hcstat();
	const struct xen_mmu_stats *m = xen_mmu_stats();

	c->issued = h->issued;
	c->requests = h->requests[__HYPERVISOR_mmu_update] +
		      h->calls[__HYPERVISOR_update_va_mapping];
	c->ptwr = h->ptwr;
	c->flushes = h->requests[__HYPERVISOR_mmuext_op] + m->uvm_invlpg;
	c->flush_all = m->flush_all + m->recheck_all;
}

static void counts_add_since(struct counts *acc, const struct counts *then)
{
	struct counts now;

	counts_now(&now);
	acc->issued += now.issued - then->issued;
	acc->requests += now.requests - then->requests;
	acc->ptwr += now.ptwr - then->ptwr;
	acc->flushes += now.flushes - then->flushes;
	acc->flush_all += now.flush_all - then->flush_all;
}

/*
 * The L2 requests xen+pmd sends for r (mm/mprotect.c: change_pmd() via
 * set_pmd()): one PRESERVE_AD request per L1 table wholly inside r, its
 * RW and NX taken from the new protection, Xen's additions off.  The
 * entries must be permissive now (no restriction held at L2).
 */
static int pmd_floor_prepare(struct floor_reqs *f, const struct region *r)
{
	unsigned long addr = ALIGN(r->start, PMD_SIZE);

	f->nr_pmd = 0;
	for (; addr + PMD_SIZE <= region_end(r); addr += PMD_SIZE) {
		pte_t *pmdp = lookup_pmd(addr);
		pte_t pmd = pmdp ? ptep_read(pmdp) : __pte(0);
		u64 ma, base;

		if (!pte_present(pmd) || !pmd_permissive(pmd))
			return -EINVAL;
		ma = ptep_to_machine(pmdp) | MMU_PT_UPDATE_PRESERVE_AD;
		base = pte_val(pmd) & ~(_PAGE_PMD_RESTRICT | _PAGE_XEN_ADDED);
		f->pmd_ro[f->nr_pmd] = (struct mmu_update){ ma, base };
		f->pmd_rw[f->nr_pmd] = (struct mmu_update){ ma, base | _PAGE_RW };
		f->pmdp[f->nr_pmd++] = pmdp;
	}
	return 0;
}

/*
 * Each L2 entry of pmd-floor as it was before (RW, no NX): the series
 * must leave the region as it found it at both levels.
 */
static bool pmds_restored(const struct floor_reqs *f)
{
	u64 keep = ~(_PAGE_AD | _PAGE_XEN_ADDED);
	unsigned long i;

	for (i = 0; i < f->nr_pmd; i++)
		if ((pte_val(ptep_read(f->pmdp[i])) & keep) != (f->pmd_rw[i].val & keep))
			return false;
	return true;
}

static int floor_prepare(struct floor_reqs *f, const struct region *r)
{
	unsigned long n = r->npages, np = n / PTRS_PER_PTE + 1;
	unsigned long bytes = 8 * n * sizeof(struct mmu_update) +
			      n * sizeof(struct mmuext_op) + n * sizeof(pte_t *) +
			      np * (2 * sizeof(struct mmu_update) + sizeof(pte_t *));
	unsigned long i;
	int rc;

	rc = region_create(&f->mem, DIV_ROUND_UP(bytes, PAGE_SIZE), 0, PAGE_KERNEL);
	if (rc)
		return rc;
	f->ro = (struct mmu_update *)f->mem.start;
	f->rw = f->ro + n;
	f->ro_set = f->rw + n;
	f->rw_set = f->ro_set + n;
	f->ro_c = f->rw_set + n;
	f->rw_c = f->ro_c + n;
	f->clr_ro = f->rw_c + n;
	f->clr_rw = f->clr_ro + n;
	f->invlpg = (struct mmuext_op *)(f->clr_rw + n);
	f->ptep = (pte_t **)(f->invlpg + n);
	f->pmd_ro = (struct mmu_update *)(f->ptep + n);
	f->pmd_rw = f->pmd_ro + np;
	f->pmdp = (pte_t **)(f->pmd_rw + np);
	for (i = 0; i < n; i++) {
		unsigned long va = r->start + i * PAGE_SIZE;
		pte_t *ptep = lookup_pte(va);
		pte_t pte = ptep_read(ptep);
		u64 ma = ptep_to_machine(ptep);
		u64 ro = pte_val(pte_modify(pte, PAGE_KERNEL_RO));
		u64 rw = pte_val(pte_modify(pte, PAGE_KERNEL));

		f->ro[i] = (struct mmu_update){ ma | MMU_PT_UPDATE_PRESERVE_AD, ro };
		f->rw[i] = (struct mmu_update){ ma | MMU_PT_UPDATE_PRESERVE_AD, rw };
		f->ro_set[i] = (struct mmu_update){ ma | MMU_NORMAL_PT_UPDATE, ro };
		f->rw_set[i] = (struct mmu_update){ ma | MMU_NORMAL_PT_UPDATE, rw };
		f->ro_c[i] = (struct mmu_update){ ma | MMU_PT_UPDATE_PRESERVE_AD,
						  ro & ~_PAGE_AD };
		f->rw_c[i] = (struct mmu_update){ ma | MMU_PT_UPDATE_PRESERVE_AD,
						  rw & ~_PAGE_AD };
		f->clr_ro[i] = (struct mmu_update){ ma | MMU_NORMAL_PT_UPDATE,
						    ro & ~_PAGE_AD };
		f->clr_rw[i] = (struct mmu_update){ ma | MMU_NORMAL_PT_UPDATE,
						    rw & ~_PAGE_AD };
		f->invlpg[i].cmd = MMUEXT_INVLPG_LOCAL;
		f->invlpg[i].arg1.linear_addr = va;
		f->ptep[i] = ptep;
	}
	rc = pmd_floor_prepare(f, r);
	if (rc)
		region_destroy(&f->mem);
	return rc;
}

static int mmu_update_all(struct mmu_update *reqs, unsigned long n)
{
	unsigned int done = 0;
	int rc = HYPERVISOR_mmu_update(reqs, n, &done, DOMID_SELF);

	return rc ?: done == n ? 0 : -EIO;
}

/*
 * What Xen alone charges for the generic transaction of r's ptes: each
 * cleared by the backend's get-and-clear (a cmpxchg Xen traps and
 * emulates), then all set again by one precomputed mmu_update.
 */
static int generic_floor_half(struct floor_reqs *f, const struct region *r,
			      struct mmu_update *set)
{
	unsigned long i;

	for (i = 0; i < r->npages; i++)
		(void)ptep_get_and_clear(r->start + i * PAGE_SIZE, f->ptep[i]);
	return mmu_update_all(set, r->npages);
}

/* The restricting half of floor+flush: the requests and their flush. */
static int ff_restrict(enum kind k, struct floor_reqs *f, const struct region *r,
		       struct mmu_update *reqs)
{
	static struct mmuext_op flush_all_local = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	struct multicall_entry mc[2];
	unsigned int done = 0, xdone = 0, i;
	unsigned long n = r->npages, nx = k == K_FF_INVLPG ? n : 1;
	int rc;

	if (k == K_FF_UVM)
		return HYPERVISOR_update_va_mapping(r->start, reqs[0].val,
						    UVMF_INVLPG | UVMF_LOCAL);
	/*
	 * Every field written, as the backend's buffer writes its entries:
	 * no memset, whose rep stosb TCG runs one byte per translation
	 * block (128 of them here), a cost the backend does not pay.
	 */
	mc[0].op = __HYPERVISOR_mmu_update;
	mc[0].args[0] = (unsigned long)reqs;
	mc[0].args[1] = n;
	mc[0].args[2] = (unsigned long)&done;
	mc[1].op = __HYPERVISOR_mmuext_op;
	mc[1].args[0] = (unsigned long)(k == K_FF_INVLPG ? f->invlpg : &flush_all_local);
	mc[1].args[1] = nx;
	mc[1].args[2] = (unsigned long)&xdone;
	for (i = 0; i < 2; i++) {
		mc[i].result = 0;
		mc[i].args[3] = DOMID_SELF;
		mc[i].args[4] = 0;
		mc[i].args[5] = 0;
		hypercall_account_subcall(mc[i].op, (const unsigned long *)mc[i].args);
	}
	rc = HYPERVISOR_multicall(mc, 2);
	if (rc)
		return rc;
	if ((long)mc[0].result || (long)mc[1].result)
		return (long)mc[0].result ?: (int)(long)mc[1].result;
	/* Xen may have rewritten the entries (a continuation): not read. */
	return done == n && xdone == nx ? 0 : -EIO;
}

#if BENCH_MARKS
/*
 * Marks for tools/icount (a build with BENCH_MARKS=1 only): 64 one-byte
 * returns.  Calling bench_marks + k leaves a translation block at that
 * address in QEMU's execution trace: k = 2 * series + half (0: the
 * restricting half) opens a half, 32 + the same closes it.
 */
asm(".pushsection .text.bench_marks, \"ax\"\n"
	"bench_marks:\n"
	".rept 64\n"
	"ret\n"
	".endr\n"
	".popsection\n");
_Static_assert(2 * NR_SERIES <= 32, "bench marks: 32 per side");

static void bench_mark(unsigned int k)
{
	unsigned long marks;

	asm("lea bench_marks(%%rip), %0" : "=r"(marks));
	((void (*)(void))(marks + k))();
}

/* The table tools/icount reads: one MARKS line per series. */
static void print_marks(void)
{
	static const char *const kinds[] = {
		[K_FF_INVLPG] = "invlpg", [K_FF_FLUSH] = "flush",
		[K_FF_UVM] = "uvm",
	};
	unsigned int s;

	for (s = 0; s < NR_SERIES; s++)
		printk("MARKS %u %s %s %s\n", s, info[s].name,
		       info[s].clean ? "clean" : "dirty",
		       is_ff(s) ? kinds[info[s].kind] : "-");
}
#else
static inline void bench_mark(unsigned int k)
{
	(void)k;
}

static inline void print_marks(void)
{
}
#endif

/* One half of one round of series s: to read-only (ro) or back. */
static int do_half(enum series s, struct region *r, struct floor_reqs *f, bool ro)
{
	const struct series_info *si = &info[s];

	switch (si->kind) {
	case K_BACKEND:
		return change_protection(r, r->start, region_end(r),
					 ro ? PAGE_KERNEL_RO : PAGE_KERNEL);
	case K_GENERIC_FLOOR:
		return generic_floor_half(f, r, ro ? f->ro_set : f->rw_set);
	case K_PMD_FLOOR:
		return mmu_update_all(ro ? f->pmd_ro : f->pmd_rw, f->nr_pmd);
	case K_FLOOR:
		break;
	default:
		if (ro)
			return ff_restrict(si->kind, f, r, si->clean ? f->ro_c : f->ro);
		break;
	}
	/* The floor's requests; the granting half needs no flush. */
	if (si->clean)
		return mmu_update_all(ro ? f->ro_c : f->rw_c, r->npages);
	return mmu_update_all(ro ? f->ro : f->rw, r->npages);
}

/* do_half(), between its two marks (none without BENCH_MARKS). */
static inline int marked_half(enum series s, struct region *r,
			      struct floor_reqs *f, bool ro)
{
	int rc;

	bench_mark(2 * s + !ro);
	rc = do_half(s, r, f, ro);
	bench_mark(32 + 2 * s + !ro);
	return rc;
}

/*
 * One measurement: nr x (RO, RW) over the whole region.  Dirty series
 * are timed as one span.  Clean series clear A/D before each half (a
 * precomputed MMU_NORMAL mmu_update, untimed and not counted) and time
 * each half alone.
 */
static int run_series(enum series s, struct region *r, struct floor_reqs *f,
		      unsigned long nr, struct sample_set *out, unsigned int rep)
{
	const struct series_info *si = &info[s];
	unsigned long i, n = r->npages;
	struct counts then;
	struct preempt_mark pm;
	u64 t0, t1, sum = 0;
	int rc = 0, half;

	if (si->backend) {
		rc = pv_mmu_select(si->backend);
		rc = rc ?: pv_mmu_select_prot_level(s == S_XEN_PMD ? "pmd" : "pte");
		if (rc)
			return rc;
	}
	preempt_start(&pm);
	if (!si->clean) {
		counts_now(&then);
		t0 = rdtsc_ordered();
		for (i = 0; i < nr && !rc; i++) {
			rc = marked_half(s, r, f, true);
			if (!rc)
				rc = marked_half(s, r, f, false);
		}
		t1 = rdtsc_ordered();
		counts_add_since(&out->c, &then);
		sum = t1 - t0;
	}
	for (i = 0; si->clean && i < nr && !rc; i++) {
		for (half = 0; half < 2 && !rc; half++) {
			rc = mmu_update_all(half ? f->clr_ro : f->clr_rw, n);
			if (rc)
				break;
			counts_now(&then);
			t0 = rdtsc_ordered();
			rc = marked_half(s, r, f, !half);
			t1 = rdtsc_ordered();
			counts_add_since(&out->c, &then);
			sum += t1 - t0;
		}
	}
	/* Leave A and D set again, as the dirty series expect them. */
	if (si->clean && !rc)
		rc = mmu_update_all(f->rw_set, n);
	preempt_end(out, &pm);
	out->ns[rep] += cycles_to_ns(sum);	/* a pair's slices add up */
	out->cycles += sum;
	return rc;
}

/* Every pte of r writable again, frame kept: the backends did their job. */
static bool region_is_rw(const struct region *r)
{
	unsigned long i;

	for (i = 0; i < r->npages; i++) {
		pte_t pte = pte_effective(r->start + i * PAGE_SIZE);

		if (!pte_present(pte) || !(pte_val(pte) & _PAGE_RW))
			return false;
	}
	return true;
}

/* Every pte of r has Accessed and Dirty set (what the dirty series need). */
static bool region_is_dirty(const struct region *r)
{
	unsigned long i;

	for (i = 0; i < r->npages; i++) {
		pte_t pte = ptep_read(lookup_pte(r->start + i * PAGE_SIZE));

		if ((pte_val(pte) & _PAGE_AD) != _PAGE_AD)
			return false;
	}
	return true;
}

/* A BENCH line can be longer than one printk: built here, printed in parts. */
static char line[2048];
static size_t line_len;

static void line_add(const char *fmt, ...) __printf(1, 2);
static void line_add(const char *fmt, ...)
{
	__builtin_va_list ap;
	int k;

	if (line_len >= sizeof(line) - 1)
		return;
	__builtin_va_start(ap, fmt);
	k = vsnprintf(line + line_len, sizeof(line) - line_len, fmt, ap);
	__builtin_va_end(ap);
	line_len = min(line_len + (size_t)k, sizeof(line) - 1);
}

static void line_print(void)
{
	char part[401];
	size_t off, k;

	for (off = 0; off < line_len; off += k) {
		k = min(line_len - off, sizeof(part) - 1);
		memcpy(part, line + off, k);
		part[k] = 0;
		printk("%s", part);
	}
	printk("\n");
	line_len = 0;
}

/* The median, minimum, interval and samples (per-pte ns) of ss. */
static u64 add_times(struct sample_set *ss, u64 updates)
{
	u64 sorted[BENCH_MAX_REPEATS], med;
	unsigned int k = ci_rank(repeats), i;
	char b[32], c[32];

	memcpy(sorted, ss->ns, sizeof(sorted));
	sort_u64(sorted, repeats);
	med = median_of_sorted(sorted, repeats);
	fmt_ratio(b, sizeof(b), med, updates, 3);
	fmt_ratio(c, sizeof(c), sorted[0], updates, 3);
	line_add("\"repeats\":%lu,\"ns_per_pte\":%s,\"ns_per_pte_min\":%s,",
		 repeats, b, c);
	if (k) {
		fmt_ratio(b, sizeof(b), sorted[k - 1], updates, 3);
		fmt_ratio(c, sizeof(c), sorted[repeats - k], updates, 3);
		line_add("\"ns_per_pte_ci95\":[%s,%s],", b, c);
	} else {
		line_add("\"ns_per_pte_ci95\":null,");
	}
	line_add("\"ns_per_pte_samples\":[");
	for (i = 0; i < repeats; i++) {
		fmt_ratio(b, sizeof(b), ss->ns[i], updates, 3);
		line_add("%s%s", i ? "," : "", b);
	}
	line_add("],");
	fmt_ratio(b, sizeof(b), 100 * ss->runnable_ns, ss->wall_ns, 3);
	line_add("\"runnable_pct\":%s,", b);
	return med;
}

static void add_text(const char *name, const char *val)
{
	line_add("\"%s\":\"%s\",", name, val);
}

static void add_counts(const char *hc, const char *rq, const char *tr,
		       const char *fl, const char *fa)
{
	line_add("\"hypercalls_per_pte\":%s,", hc);
	line_add("\"requests_per_hypercall\":%s,", rq);
	line_add("\"traps_per_pte\":%s,", tr);
	line_add("\"flushes_per_mprotect\":%s,", fl);
	line_add("\"flushes_all_per_mprotect\":%s,", fa);
}

static const char *domain_name(void)
{
	return xen_initial_domain() ? "initial" : "domU";
}

static void report(enum series s, unsigned long n, unsigned long nr,
		   unsigned long off, struct sample_set *ss, const char *source)
{
	u64 updates = 2ULL * n * nr;		/* per repeat */
	u64 total = updates * repeats, calls = 2ULL * nr * repeats;
	bool floor = info[s].kind == K_FLOOR || info[s].kind == K_GENERIC_FLOOR ||
		     info[s].kind == K_PMD_FLOOR;
	char b_hc[32], b_rq[32], b_tr[32], b_fl[32], b_fa[32];

	fmt_ratio(b_hc, sizeof(b_hc), ss->c.issued, total, 6);
	fmt_ratio(b_rq, sizeof(b_rq), ss->c.requests, ss->c.issued, 3);
	fmt_ratio(b_tr, sizeof(b_tr), ss->c.ptwr, total, 6);
	if (floor) {				/* no mprotect calls */
		snprintf(b_fl, sizeof(b_fl), "null");
		snprintf(b_fa, sizeof(b_fa), "null");
	} else {
		fmt_ratio(b_fl, sizeof(b_fl), ss->c.flushes, calls, 3);
		fmt_ratio(b_fa, sizeof(b_fa), ss->c.flush_all, calls, 3);
	}
	line_add("BENCH {");
	add_text("backend", info[s].name);
	line_add("\"pages\":%lu,\"rounds\":%lu,", n, nr);
	add_times(ss, updates);
	add_counts(b_hc, b_rq, b_tr, b_fl, b_fa);
	if (source)
		add_text("source", source);
	add_text("domain", domain_name());
	add_text("ad", info[s].clean ? "clean" : "dirty");
	if (off)
		line_add("\"offset\":%lu,", off);
	line_add("\"vcpus\":%u,\"cycles\":%lu}", nr_cpus_online, ss->cycles);
	line_print();
}

/* The median of one value per repeat (ns[0 .. repeats)). */
static u64 median_of_repeats(const u64 *ns)
{
	u64 sorted[BENCH_MAX_REPEATS];

	memcpy(sorted, ns, sizeof(sorted));
	sort_u64(sorted, repeats);
	return median_of_sorted(sorted, repeats);
}

static u64 median_ns(struct sample_set *ss)
{
	return median_of_repeats(ss->ns);
}

/* floor+flush: the cheapest of its candidates at this N (clean or not). */
static void report_ff(bool clean, unsigned long n, unsigned long nr,
		      unsigned long off, struct sample_set *sets)
{
	static char source[256];
	enum series s, best = NR_SERIES;
	size_t len = 0;

	for (s = 0; s < NR_SERIES; s++) {
		if (!is_ff(s) || info[s].clean != clean || !series_runs(s, n, off, false))
			continue;
		if (best == NR_SERIES || median_ns(&sets[s]) < median_ns(&sets[best]))
			best = s;
	}
	len += snprintf(source + len, sizeof(source) - len, "%s", ff_how[info[best].kind]);
	for (s = 0; s < NR_SERIES; s++) {
		char b[32];

		if (!is_ff(s) || s == best || info[s].clean != clean ||
		    !series_runs(s, n, off, false))
			continue;
		fmt_ratio(b, sizeof(b), median_ns(&sets[s]), 2ULL * n * nr, 3);
		len += snprintf(source + len, sizeof(source) - len,
				"; cheaper than %s (%s ns/pte)", ff_how[info[s].kind], b);
	}
	report(best, n, nr, off, &sets[best], source);
}

static struct sample_set sets[NR_SERIES];

/*
 * Parallel: every vCPU changes the protection of its own region of n
 * pages at once, with the xen backend; wall time over all their updates.
 * Each vCPU also times its own loop (own_cycles): with equal work, a
 * vCPU whose own time grows when it has company waited for something
 * (the others, or the machine), and one that ran alone at its usual
 * pace did not.
 */
struct par_work {
	struct region r;
	unsigned long nr;
	struct spin_barrier *start;
	struct counts c;
	u64 own_cycles;
	u64 calib_cycles;
	int rc;
};

static struct par_work par[NR_CPUS];
static struct spin_barrier par_start;
/* own_ns[v][cpu][rep]: that vCPU's own loop in repeat rep, v working. */
static u64 own_ns[NR_CPUS + 1][NR_CPUS][BENCH_MAX_REPEATS];

/*
 * How fast each vCPU itself runs: right after each repeat with v
 * working, the same v run a loop of arithmetic at once (no memory
 * shared, no hypercall), each timing its own.  A vCPU is a thread of
 * QEMU on a host core, and one can run slower than the other for
 * seconds; equal work, so a vCPU whose loop takes longer than the
 * others' was on a slower core then, whatever its pte updates did.
 * calib_ns[v][cpu][rep], as own_ns.
 */
#define CALIB_STEPS	(1UL << 20)
static u64 calib_ns[NR_CPUS + 1][NR_CPUS][BENCH_MAX_REPEATS];

static u64 calib_loop(void)
{
	u64 t0 = rdtsc_ordered(), x = 1;
	unsigned long i;

	for (i = 0; i < CALIB_STEPS; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		asm volatile("" : "+r" (x));	/* every step, in order */
	}
	return rdtsc_ordered() - t0;
}

static int par_loop(struct par_work *w)
{
	struct counts then;
	unsigned long i;
	u64 t0 = rdtsc_ordered();
	int rc = 0;

	counts_now(&then);
	for (i = 0; i < w->nr && !rc; i++) {
		rc = change_protection(&w->r, w->r.start, region_end(&w->r),
				       PAGE_KERNEL_RO);
		if (!rc)
			rc = change_protection(&w->r, w->r.start, region_end(&w->r),
					       PAGE_KERNEL);
	}
	counts_add_since(&w->c, &then);
	w->own_cycles = rdtsc_ordered() - t0;
	return rc;
}

static long par_worker(void *arg)
{
	struct par_work *w = arg;

	barrier_wait(w->start);
	return par_loop(w);
}

static long calib_worker(void *arg)
{
	struct par_work *w = arg;

	barrier_wait(w->start);
	w->calib_cycles = calib_loop();
	return 0;
}

/* Every one of the v vCPUs runs calib_loop() at once: calib_ns[v][.][rep]. */
static void par_calib(unsigned int v, unsigned int rep)
{
	unsigned int cpu;

	barrier_init(&par_start, v);
	for (cpu = 0; cpu < v; cpu++)
		par[cpu].start = &par_start;
	for (cpu = 1; cpu < v; cpu++)
		smp_call_async(cpu, calib_worker, &par[cpu]);
	calib_worker(&par[0]);
	for (cpu = 1; cpu < v; cpu++)
		smp_wait(cpu);
	for (cpu = 0; cpu < v; cpu++)
		calib_ns[v][cpu][rep] = cycles_to_ns(par[cpu].calib_cycles);
}

static int par_run(unsigned int v, unsigned long nr, struct sample_set *out,
		   unsigned int rep)
{
	struct preempt_mark pm;
	unsigned int cpu;
	u64 t0, t1;
	int rc;

	preempt_start(&pm);
	barrier_init(&par_start, v);
	for (cpu = 0; cpu < v; cpu++) {
		par[cpu].nr = nr;
		par[cpu].start = &par_start;
		memset(&par[cpu].c, 0, sizeof(par[cpu].c));
	}
	for (cpu = 1; cpu < v; cpu++)
		smp_call_async(cpu, par_worker, &par[cpu]);
	if (v > 1)
		barrier_wait(&par_start);
	t0 = rdtsc_ordered();
	rc = par_loop(&par[0]);
	for (cpu = 1; cpu < v; cpu++) {
		long r = smp_wait(cpu);

		if (r && !rc)
			rc = (int)r;
	}
	t1 = rdtsc_ordered();
	preempt_end(out, &pm);
	out->ns[rep] = cycles_to_ns(t1 - t0);
	out->cycles += t1 - t0;
	for (cpu = 0; cpu < v; cpu++) {
		own_ns[v][cpu][rep] = cycles_to_ns(par[cpu].own_cycles);
		out->c.issued += par[cpu].c.issued;
		out->c.requests += par[cpu].c.requests;
		out->c.ptwr += par[cpu].c.ptwr;
		out->c.flushes += par[cpu].c.flushes;
		out->c.flush_all += par[cpu].c.flush_all;
	}
	return rc;
}

static const char par_source[] =
	"every working vCPU changes its own region; wall time / all their pte updates";

static void report_par(unsigned int v, unsigned long n, unsigned long nr,
		       struct sample_set *ss)
{
	u64 updates = 2ULL * n * nr * v;	/* per repeat, all vCPUs */
	u64 total = updates * repeats, calls = 2ULL * nr * repeats * v;
	char b_hc[32], b_rq[32], b_tr[32], b_fl[32], b_fa[32], b_own[32];
	unsigned int cpu;

	fmt_ratio(b_hc, sizeof(b_hc), ss->c.issued, total, 6);
	fmt_ratio(b_rq, sizeof(b_rq), ss->c.requests, ss->c.issued, 3);
	fmt_ratio(b_tr, sizeof(b_tr), ss->c.ptwr, total, 6);
	fmt_ratio(b_fl, sizeof(b_fl), ss->c.flushes, calls, 3);
	fmt_ratio(b_fa, sizeof(b_fa), ss->c.flush_all, calls, 3);
	line_add("BENCH {");
	add_text("backend", "xen");
	line_add("\"pages\":%lu,\"rounds\":%lu,", n, nr);
	add_times(ss, updates);
	add_counts(b_hc, b_rq, b_tr, b_fl, b_fa);
	line_add("\"parallel\":%u,\"vcpu_ns_per_pte\":[", v);
	for (cpu = 0; cpu < v; cpu++) {
		fmt_ratio(b_own, sizeof(b_own), median_of_repeats(own_ns[v][cpu]),
			  2ULL * n * nr, 3);
		line_add("%s%s", cpu ? "," : "", b_own);
	}
	line_add("],\"vcpu_calib_ns\":[");
	for (cpu = 0; cpu < v; cpu++)
		line_add("%s%lu", cpu ? "," : "", median_of_repeats(calib_ns[v][cpu]));
	line_add("],");
	add_text("source", par_source);
	add_text("domain", domain_name());
	add_text("ad", "dirty");
	line_add("\"vcpus\":%u,\"cycles\":%lu}", nr_cpus_online, ss->cycles);
	line_print();
}

static bool par_sizes(unsigned long n)
{
	return n == 512 || n == 4096;
}

static bool bench_parallel(unsigned long n, unsigned long nr)
{
	static struct sample_set psets[NR_CPUS + 1];
	unsigned int v, cpu, made = 0, rep;
	unsigned long i;
	bool ok = true;
	int rc = 0;

	/* Both, always: the series before may have left prot_level=pmd. */
	if (pv_mmu_select("xen") || pv_mmu_select_prot_level("pte"))
		return false;
	for (cpu = 0; cpu < nr_cpus_online && !rc; cpu++, made++) {
		rc = region_create(&par[cpu].r, n, 0, PAGE_KERNEL);
		for (i = 0; !rc && i < n; i++)
			*(volatile u8 *)(par[cpu].r.start + i * PAGE_SIZE) = (u8)i;
	}
	if (rc) {
		printk("bench: cannot map the parallel regions of %lu pages: %d\n", n, rc);
		made--;
		ok = false;
	}
	memset(psets, 0, sizeof(psets));
	for (rep = 0; ok && rep < repeats; rep++) {
		for (v = 1; v <= nr_cpus_online && ok; v++) {
			rc = par_run(v, nr, &psets[v], rep);
			par_calib(v, rep);
			for (cpu = 0; cpu < v && !rc; cpu++)
				if (!region_is_rw(&par[cpu].r))
					rc = -EIO;
			if (rc) {
				printk("bench: parallel %u at %lu pages failed: %d\n",
				       v, n, rc);
				ok = false;
			}
		}
	}
	for (cpu = 0; cpu < made; cpu++)
		region_destroy(&par[cpu].r);
	for (v = 1; ok && v <= nr_cpus_online; v++)
		report_par(v, n, nr, &psets[v]);
	return ok;
}

/* One measurement of series s, and the checks that it did its job. */
static int run_checked(enum series s, struct region *r, struct floor_reqs *f,
		       unsigned long nr, unsigned int rep)
{
	unsigned long n = r->npages;
	int rc;

	if (!info[s].clean && !region_is_dirty(r)) {
		printk("bench: ptes of %lu pages not dirty before %s\n",
		       n, info[s].name);
		return -EIO;
	}
	rc = run_series(s, r, f, nr, &sets[s], rep);
	if (rc) {
		printk("bench: %s%s at %lu pages failed: %d\n", info[s].name,
		       info[s].clean ? " (clean)" : "", n, rc);
	} else if (!region_is_rw(r)) {
		printk("bench: %s left ptes of %lu pages not RW\n", info[s].name, n);
		rc = -EIO;
	} else if (!pmds_restored(f)) {
		printk("bench: %s left an L2 entry of %lu pages changed\n",
		       info[s].name, n);
		rc = -EIO;
	}
	return rc;
}

/*
 * The series of one pair group (xen and its floor+flush candidates),
 * measured together: the nr rounds of each are cut into slices, and the
 * group runs slice by slice, its members in turn (who goes first turns
 * too).  Each member's repeat is the sum of its slices, so the
 * per-repeat ratios of a target compare rounds run within a slice of
 * each other, not a whole cycle of other series apart; what those
 * others leave behind, or a drift in the emulator's speed, then weighs
 * on both sides alike.
 */
#define PAIR_SLICES	16UL

static int run_pair(unsigned int pair, struct region *r, struct floor_reqs *f,
		    unsigned long nr, unsigned int rep, unsigned long off,
		    bool extra, bool *ran)
{
	enum series grp[NR_SERIES];
	unsigned int ng = 0, j;
	unsigned long slices = nr < PAIR_SLICES ? nr : PAIR_SLICES, sl;
	int rc = 0;
	enum series s;

	for (s = 0; s < NR_SERIES; s++) {
		if (info[s].pair == pair && series_runs(s, r->npages, off, extra)) {
			grp[ng++] = s;
			ran[s] = true;
		}
	}
	for (sl = 0; sl < slices && !rc; sl++) {
		unsigned long chunk = nr * (sl + 1) / slices - nr * sl / slices;

		for (j = 0; j < ng && !rc; j++)
			rc = run_checked(grp[(j + sl + rep) % ng], r, f, chunk, rep);
	}
	return rc;
}

/*
 * The order of the series in repeat rep: a shuffle, different in every
 * repeat, so that no series always runs right after the same one (what a
 * series leaves behind in Xen or in the emulator, it leaves to a
 * different neighbour each time).  Fixed by rep alone: every boot runs
 * the same orders.
 */
static void series_order(enum series *order, unsigned int rep)
{
	u32 x = 2654435761u * (rep + 1);
	unsigned int i, j;

	for (i = 0; i < NR_SERIES; i++)
		order[i] = i;
	for (i = NR_SERIES - 1; i > 0; i--) {
		enum series t;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		j = x % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

/*
 * Every series at n pages, on a region starting off pages into its first
 * L1 table; extra: the unaligned run (xen and xen+pmd only, no parallel).
 */
static bool bench_one_size(unsigned long n, unsigned long nr, unsigned long off,
			   bool extra)
{
	struct region r;
	struct floor_reqs f;
	unsigned int rep, k;
	unsigned long i;
	int rc;

	rc = region_create(&r, n, off, PAGE_KERNEL);
	if (rc) {
		printk("bench: cannot map a region of %lu pages: %d (raise --memory)\n",
		       n, rc);
		return false;
	}
	/* Touch every page: written, so Accessed and Dirty are both set. */
	for (i = 0; i < n; i++)
		*(volatile u8 *)(r.start + i * PAGE_SIZE) = (u8)i;
	rc = floor_prepare(&f, &r);
	if (rc) {
		printk("bench: no room for %lu floor requests: %d\n", 2 * n, rc);
		region_destroy(&r);
		return false;
	}
	memset(sets, 0, sizeof(sets));
	for (rep = 0; rep < repeats && !rc; rep++) {
		enum series order[NR_SERIES];
		bool ran[NR_SERIES] = { false };

		series_order(order, rep);
		for (k = 0; k < NR_SERIES && !rc; k++) {
			enum series s = order[k];

			if (!series_runs(s, n, off, extra) || ran[s])
				continue;
			if (info[s].pair)
				rc = run_pair(info[s].pair, &r, &f, nr, rep, off, extra, ran);
			else
				rc = run_checked(s, &r, &f, nr, rep);
			ran[s] = true;
		}
	}
	region_destroy(&f.mem);
	region_destroy(&r);
	if (rc)
		return false;
	for (k = 0; k < NR_SERIES; k++)
		if (!is_ff(k) && series_runs(k, n, off, extra))
			report(k, n, nr, off, &sets[k], info[k].clean ?
			       "each half timed alone; A/D cleared before it, untimed" : NULL);
	if (extra)
		return true;
	report_ff(false, n, nr, off, sets);
	report_ff(true, n, nr, off, sets);
	if (par_sizes(n))
		return bench_parallel(n, nr);
	return true;
}

static bool bench_mprotect(void)
{
	const char *was = pv_mmu_ops.name;
	unsigned int i;
	bool ok = true;

	if (!nr_pages) {
		memcpy(pages, default_pages, sizeof(default_pages));
		nr_pages = ARRAY_SIZE(default_pages);
	}
	if (nr_rounds > 1 && nr_rounds != nr_pages) {
		printk("bench: rounds= has %u values for %u pages= values (give one, or one per size)\n",
		       nr_rounds, nr_pages);
		return false;
	}
	if (offset && unaligned) {
		printk("bench: offset= moves every region, unaligned= adds unaligned rows: give one\n");
		return false;
	}
	printk("bench: mprotect, %u sizes, %lu repeats, %u vCPUs, TSC %lu kHz\n",
	       nr_pages, repeats, nr_cpus_online, tsc_khz());
	print_marks();
	for (i = 0; i < nr_pages && ok; i++) {
		unsigned long nr = !nr_rounds ? default_rounds(pages[i]) :
				   rounds[nr_rounds == 1 ? 0 : i];

		printk("bench: %lu pages, %lu rounds\n", pages[i], nr);
		ok = bench_one_size(pages[i], nr, offset, false);
		if (ok && unaligned && pages[i] >= PTRS_PER_PTE) {
			printk("bench: %lu pages at offset %lu, %lu rounds\n",
			       pages[i], unaligned, nr);
			ok = bench_one_size(pages[i], nr, unaligned, true);
		}
	}
	if (pv_mmu_select(was) || pv_mmu_select_prot_level("pte"))
		ok = false;
	printk("bench: %s\n", ok ? "done" : "FAILED");
	return ok;
}

static const struct pvbatch_job mprotect_job = { "mprotect", bench_mprotect };

const struct pvbatch_job *bench_job(void)
{
	return bench_on ? &mprotect_job : NULL;
}

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
 * "xen+pmd" is the xen backend with prot_level=pmd: whole L1 tables of
 * the range change at their L2 entry.  offset= places the region that
 * many pages into its first L1 table (default 0: aligned), to time
 * ranges that are not; the BENCH line then carries "offset".
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
#include <asm/xen/mmu.h>
#include <pvbatch/cmdline.h>
#include <pvbatch/main.h>
#include <pvbatch/mm.h>

#define BENCH_MAX_SIZES		16
#define BENCH_MAX_REPEATS	31
#define BENCH_MAX_PAGES		65536UL

static const unsigned long default_pages[] = { 1, 8, 64, 512, 4096, 32768 };

static bool bench_on;
static unsigned long pages[BENCH_MAX_SIZES];
static unsigned int nr_pages;
static unsigned long rounds[BENCH_MAX_SIZES];
static unsigned int nr_rounds;
static unsigned long repeats = 5;
static unsigned long offset;

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

/*
 * Default rounds: about 2 * 8192 pte updates for small N (so the fixed
 * costs are timed many times over), one round for the largest.
 */
static unsigned long default_rounds(unsigned long n)
{
	unsigned long r = 8192 / n;

	return r < 1 ? 1 : min(r, 1000UL);
}

enum series {
	S_GENERIC, S_XEN_NOBATCH, S_XEN, S_FLOOR, S_GENERIC_FLOOR, S_XEN_PMD,
	NR_SERIES
};

static const char *const series_name[NR_SERIES] = {
	[S_GENERIC] = "generic", [S_XEN_NOBATCH] = "xen-nobatch",
	[S_XEN] = "xen", [S_FLOOR] = "floor", [S_GENERIC_FLOOR] = "generic-floor",
	[S_XEN_PMD] = "xen+pmd",
};

struct sample_set {
	u64 ns[BENCH_MAX_REPEATS];	/* per repeat, whole measurement */
	u64 cycles;			/* totals over the repeats */
	u64 issued, requests, ptwr, mmuext;
};

struct floor_reqs {
	struct region mem;		/* holds all the arrays */
	struct mmu_update *ro, *rw;	/* PRESERVE_AD, for the floor */
	struct mmu_update *ro_set, *rw_set;	/* NORMAL, for generic's floor */
	pte_t **ptep;
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

static int floor_prepare(struct floor_reqs *f, const struct region *r)
{
	unsigned long n = r->npages;
	unsigned long bytes = 4 * n * sizeof(struct mmu_update) + n * sizeof(pte_t *);
	unsigned long i;
	int rc;

	rc = region_create(&f->mem, DIV_ROUND_UP(bytes, PAGE_SIZE), 0, PAGE_KERNEL);
	if (rc)
		return rc;
	f->ro = (struct mmu_update *)f->mem.start;
	f->rw = f->ro + n;
	f->ro_set = f->rw + n;
	f->rw_set = f->ro_set + n;
	f->ptep = (pte_t **)(f->rw_set + n);
	for (i = 0; i < n; i++) {
		pte_t *ptep = lookup_pte(r->start + i * PAGE_SIZE);
		pte_t pte = ptep_read(ptep);
		u64 ma = ptep_to_machine(ptep);

		f->ro[i].ptr = ma | MMU_PT_UPDATE_PRESERVE_AD;
		f->ro[i].val = pte_val(pte_modify(pte, PAGE_KERNEL_RO));
		f->rw[i].ptr = ma | MMU_PT_UPDATE_PRESERVE_AD;
		f->rw[i].val = pte_val(pte_modify(pte, PAGE_KERNEL));
		f->ro_set[i].ptr = ma | MMU_NORMAL_PT_UPDATE;
		f->ro_set[i].val = f->ro[i].val;
		f->rw_set[i].ptr = ma | MMU_NORMAL_PT_UPDATE;
		f->rw_set[i].val = f->rw[i].val;
		f->ptep[i] = ptep;
	}
	return 0;
}

/*
 * What Xen alone charges for the generic transaction of r's ptes: each
 * cleared by the backend's get-and-clear (a cmpxchg Xen traps and
 * emulates), then all set again by one precomputed mmu_update.  Over the
 * floor, this is generic/xen with the guest's own work taken out of both.
 */
static int generic_floor_half(struct floor_reqs *f, const struct region *r,
			      struct mmu_update *set)
{
	unsigned int done = 0;
	unsigned long i;
	int rc;

	for (i = 0; i < r->npages; i++)
		(void)ptep_get_and_clear(r->start + i * PAGE_SIZE, f->ptep[i]);
	rc = HYPERVISOR_mmu_update(set, r->npages, &done, DOMID_SELF);
	return rc ?: done == r->npages ? 0 : -EIO;
}

/* One measurement: rounds x (RO, RW) over the whole region. */
static int run_series(enum series s, struct region *r, struct floor_reqs *f,
		      unsigned long nr, struct sample_set *out, unsigned int rep)
{
	struct hcstat *h = this_hcstat();
	u64 issued = h->issued, ptwr = h->ptwr;
	u64 reqs = h->requests[__HYPERVISOR_mmu_update];
	u64 uvm = h->calls[__HYPERVISOR_update_va_mapping];
	u64 uvm_invlpg = xen_mmu_stats()->uvm_invlpg;
	u64 ext = h->requests[__HYPERVISOR_mmuext_op];
	unsigned long i, n = r->npages;
	u64 t0, t1;
	int rc = 0;

	if (s != S_FLOOR && s != S_GENERIC_FLOOR) {
		rc = pv_mmu_select(s == S_XEN_PMD ? "xen" : series_name[s]);
		rc = rc ?: pv_mmu_select_prot_level(s == S_XEN_PMD ? "pmd" : "pte");
		if (rc)
			return rc;
	}
	t0 = rdtsc_ordered();
	if (s == S_GENERIC_FLOOR) {
		for (i = 0; i < nr && !rc; i++) {
			rc = generic_floor_half(f, r, f->ro_set);
			if (!rc)
				rc = generic_floor_half(f, r, f->rw_set);
		}
	} else if (s == S_FLOOR) {
		for (i = 0; i < nr && !rc; i++) {
			unsigned int done = 0;

			rc = HYPERVISOR_mmu_update(f->ro, n, &done, DOMID_SELF);
			if (!rc)
				rc = HYPERVISOR_mmu_update(f->rw, n, &done, DOMID_SELF);
			if (!rc && done != n)
				rc = -EIO;
		}
	} else {
		for (i = 0; i < nr && !rc; i++) {
			rc = change_protection(r, r->start, region_end(r),
					       PAGE_KERNEL_RO);
			if (!rc)
				rc = change_protection(r, r->start, region_end(r),
						       PAGE_KERNEL);
		}
	}
	t1 = rdtsc_ordered();
	out->ns[rep] = cycles_to_ns(t1 - t0);
	out->cycles += t1 - t0;
	out->issued += h->issued - issued;
	out->requests += h->requests[__HYPERVISOR_mmu_update] - reqs +
			 h->calls[__HYPERVISOR_update_va_mapping] - uvm;
	out->ptwr += h->ptwr - ptwr;
	out->mmuext += h->requests[__HYPERVISOR_mmuext_op] - ext +
		       xen_mmu_stats()->uvm_invlpg - uvm_invlpg;
	return rc;
}

/*
 * Every page of r writable again as the walk sees it (pte and L2 entry),
 * frame kept: the backends did their job.
 */
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

static void report(enum series s, unsigned long n, unsigned long nr,
		   struct sample_set *ss)
{
	u64 updates = 2ULL * n * nr;		/* per repeat */
	u64 total = updates * repeats, calls = 2ULL * nr * repeats;
	u64 med, lo;
	char b_med[32], b_min[32], b_hc[32], b_rq[32], b_tr[32], b_fl[32];
	char b_off[24] = "";

	sort_u64(ss->ns, repeats);
	lo = ss->ns[0];
	/* Median; for an even count, the mean of the middle two. */
	med = repeats & 1 ? ss->ns[repeats / 2] :
	      (ss->ns[repeats / 2 - 1] + ss->ns[repeats / 2]) / 2;
	fmt_ratio(b_med, sizeof(b_med), med, updates, 3);
	fmt_ratio(b_min, sizeof(b_min), lo, updates, 3);
	fmt_ratio(b_hc, sizeof(b_hc), ss->issued, total, 6);
	fmt_ratio(b_rq, sizeof(b_rq), ss->requests, ss->issued, 3);
	fmt_ratio(b_tr, sizeof(b_tr), ss->ptwr, total, 6);
	if (s == S_FLOOR || s == S_GENERIC_FLOOR)
		snprintf(b_fl, sizeof(b_fl), "null");	/* no mprotect calls */
	else
		fmt_ratio(b_fl, sizeof(b_fl), ss->mmuext, calls, 3);
	if (offset)
		snprintf(b_off, sizeof(b_off), ",\"offset\":%lu", offset);
	printk("BENCH {\"backend\":\"%s\",\"pages\":%lu,\"rounds\":%lu,\"repeats\":%lu,\"ns_per_pte\":%s,\"ns_per_pte_min\":%s,\"hypercalls_per_pte\":%s,\"requests_per_hypercall\":%s,\"traps_per_pte\":%s,\"flushes_per_mprotect\":%s,\"vcpus\":%u,\"cycles\":%lu%s}\n",
	       series_name[s], n, nr, repeats, b_med, b_min, b_hc, b_rq, b_tr,
	       b_fl, nr_cpus_online, ss->cycles, b_off);
}

static struct sample_set sets[NR_SERIES];

static bool bench_one_size(unsigned long n, unsigned long nr)
{
	struct region r;
	struct floor_reqs f;
	unsigned int rep, k;
	unsigned long i;
	int rc;

	rc = region_create(&r, n, offset, PAGE_KERNEL);
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
		for (k = 0; k < NR_SERIES && !rc; k++) {
			enum series s = (k + rep) % NR_SERIES;

			rc = run_series(s, &r, &f, nr, &sets[s], rep);
			if (rc)
				printk("bench: %s at %lu pages failed: %d\n",
				       series_name[s], n, rc);
			else if (!region_is_rw(&r))
				rc = -EIO, printk("bench: %s left ptes of %lu pages not RW\n",
						  series_name[s], n);
		}
	}
	region_destroy(&f.mem);
	region_destroy(&r);
	if (rc)
		return false;
	for (k = 0; k < NR_SERIES; k++)
		report(k, n, nr, &sets[k]);
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
		printk("bench: rounds= has %u values for %u pages= values (give one, or one per size)\n", nr_rounds, nr_pages);
		return false;
	}
	printk("bench: mprotect, %u sizes, %lu repeats, %u vCPUs, TSC %lu kHz\n",
	       nr_pages, repeats, nr_cpus_online, tsc_khz());
	for (i = 0; i < nr_pages && ok; i++) {
		unsigned long nr = !nr_rounds ? default_rounds(pages[i]) :
				   rounds[nr_rounds == 1 ? 0 : i];

		printk("bench: %lu pages, %lu rounds\n", pages[i], nr);
		ok = bench_one_size(pages[i], nr);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * The A/D race, on real Xen with vCPUs running in parallel.
 *
 * vCPU 0 keeps changing the protection of a region (toggling a software
 * bit nobody depends on) with the backend under test, while vCPUs 1..n
 * each touch their share of its pages exactly once per round, at random
 * moments: mostly writes, some reads.  Each round starts with A and D
 * clear in every pte and every TLB flushed, so each access must set them
 * again in the pte.  At the end of a round a page that was written but
 * has D clear is a lost dirty bit; touched but A clear, a lost accessed
 * bit.  Each page is touched once a round because a second access could
 * re-set a bit that was lost (after a flush) and hide the loss.
 *
 * The generic backend holds ptes non-present, so its writers fault: the
 * fault hook waits for the entry to come back and retries, as a kernel
 * would.
 *
 * The rw_ cases toggle RW instead of the software bit, so that with
 * prot_level=pmd every change is one update of the region's L2 entry
 * (the region is one whole, aligned L1 table): writers fault while it
 * is read-only and wait until the walk allows the write again.  No
 * Accessed/Dirty may be lost that way either; the unsafe control
 * toggling RW at the ptes must still lose bits.  The unsafe control (read, then MMU_NORMAL_PT_UPDATE: the bug
 * PRESERVE_AD exists to prevent) lives only here, and must lose bits in
 * the same boot, or the test is not sensitive and fails.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/hcstat.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/ptrace.h>
#include <asm/smp.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/mmu.h>
#include <pvbatch/cmdline.h>
#include <pvbatch/ktap.h>
#include <pvbatch/mm.h>
#include "testlib.h"

#define RACE_MAX_PAGES	4096
/* From here on, a change must span two batches of the xen backend. */
#define RACE_WIDE_PAGES	2048

static unsigned long race_rounds = 200, race_pages = 512;
/* The rw_ cases' rounds: their writers wait on faults, so fewer. */
static unsigned long race_rw_rounds = 60;
/*
 * The rw_push cases' rounds; 0 (the default) skips them: about 8 minutes
 * for 30 rounds on a loaded 2-core host, too long for make check
 * (check-long runs them).
 */
static unsigned long race_push_rounds;

static int set_race_ulong(const char *val, unsigned long *dst, unsigned long max,
			  bool apply, const char **why)
{
	unsigned long v;

	if (kstrtoul(val, &v) || !v || v > max) {
		*why = "expected a positive number within the test's limit";
		return -EINVAL;
	}
	if (apply)
		*dst = v;
	return 0;
}

static int set_race_rounds(const char *val, bool apply, const char **why)
{
	return set_race_ulong(val, &race_rounds, 1000000, apply, why);
}
DEFINE_KPARAM(race_rounds, set_race_rounds);

static int set_race_pages(const char *val, bool apply, const char **why)
{
	return set_race_ulong(val, &race_pages, RACE_MAX_PAGES, apply, why);
}
DEFINE_KPARAM(race_pages, set_race_pages);

static int set_race_rw_rounds(const char *val, bool apply, const char **why)
{
	return set_race_ulong(val, &race_rw_rounds, 1000000, apply, why);
}
DEFINE_KPARAM(race_rw_rounds, set_race_rw_rounds);

static int set_race_push_rounds(const char *val, bool apply, const char **why)
{
	return set_race_ulong(val, &race_push_rounds, 1000000, apply, why);
}
DEFINE_KPARAM(race_push_rounds, set_race_push_rounds);

enum { UNTOUCHED, READ, WRITTEN };

struct race {
	struct region r;
	struct spin_barrier start, end;
	unsigned int writers;
	volatile unsigned int done;
	volatile bool stop;
	u8 access[RACE_MAX_PAGES];
	u64 faults[NR_CPUS];
};

static struct race race;

static u64 xorshift(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * A writer hit a pte the generic transaction holds non-present, or (rw_
 * cases) a page the walk makes read-only, at the pte or its L2 entry:
 * wait until the access is allowed again.
 */
static bool walk_forbids(unsigned long va, bool write)
{
	pte_t pte = pte_effective(va);

	return !pte_present(pte) || (write && !(pte_val(pte) & _PAGE_RW));
}

static bool wait_until_present(struct pt_regs *regs, unsigned long cr2)
{
	struct race *rc = this_cpu()->fault_hook_data;
	bool write = regs->error_code & 2;
	unsigned int spins = 0;

	if (cr2 < rc->r.start || cr2 >= region_end(&rc->r))
		return false;
	while (walk_forbids(cr2, write)) {
		if (++spins % 1024 == 0)
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		cpu_relax();
	}
	rc->faults[smp_processor_id()]++;
	return true;
}

static long writer(void *arg)
{
	struct race *rc = arg;
	unsigned int me = smp_processor_id() - 1;
	u64 seed = 0x9e3779b97f4a7c15ULL * (me + 1);
	unsigned long round, p;

	this_cpu()->fault_hook_data = rc;
	this_cpu()->fault_hook = wait_until_present;
	for (round = 0;; round++) {
		barrier_wait(&rc->start);
		if (rc->stop)
			break;
		for (p = me; p < rc->r.npages; p += rc->writers) {
			volatile u8 *page = (volatile u8 *)(rc->r.start + p * PAGE_SIZE);
			u64 x = xorshift(&seed);
			unsigned int delay = x % 256;

			while (delay--)
				cpu_relax();
			if ((x >> 16) % 4) {
				page[(x >> 20) % PAGE_SIZE] = (u8)round;
				rc->access[p] = WRITTEN;
			} else {
				(void)page[(x >> 20) % PAGE_SIZE];
				rc->access[p] = READ;
			}
		}
		__atomic_fetch_add(&rc->done, 1, __ATOMIC_RELEASE);
		barrier_wait(&rc->end);
	}
	this_cpu()->fault_hook = NULL;
	return 0;
}

/*
 * The negative control: what the transaction would be without PRESERVE_AD.
 * It is queued as a plain update that may go as update_va_mapping, so it
 * also stands for a broken xen commit that let a pte without both A and D
 * take that path: with race_pages=1 each update is alone in its batch and
 * goes out as update_va_mapping (with the INVLPG), with more pages as one
 * mmu_update of MMU_NORMAL_PT_UPDATE requests.
 */
static pte_t unsafe_start(unsigned long addr, pte_t *ptep)
{
	(void)addr;
	return ptep_read(ptep);
}

static void unsafe_commit(unsigned long addr, pte_t *ptep, pte_t old, pte_t pte)
{
	(void)old;
	xen_queue_pte_update(ptep_to_machine(ptep) | MMU_NORMAL_PT_UPDATE,
			     pte_val(pte), addr, _RET_IP_);
}

struct race_result {
	u64 writes, reads, lost_dirty, lost_accessed, faults, passes;
	u64 uvm;		/* batches sent as one update_va_mapping */
	u64 calls;		/* MMU hypercalls the changes issued */
	u64 requests;		/* mmu_update requests of the protection changes */
	int err;
};

/*
 * What the passes change: the software bit, toggled (RACE_SOFTBIT); RW,
 * toggled over the whole region (RACE_RW); or (RACE_RW_PUSH) in a cycle
 * of three: the whole region read-only (at L2 with prot_level=pmd), its
 * first page writable (which pushes the L2 restriction down into the 511
 * other ptes through the pte transaction), the whole region writable.
 */
enum race_mode { RACE_SOFTBIT, RACE_RW, RACE_RW_PUSH };

static pgprot_t race_prot(enum race_mode mode, bool toggle)
{
	if (mode != RACE_SOFTBIT)
		return toggle ? PAGE_KERNEL_RO : PAGE_KERNEL;
	return __pgprot(_PAGE_PRESENT | _PAGE_RW | (toggle ? _PAGE_SOFTW1 : 0));
}

/* One pass of mode: change [*start, *end) to the protection returned. */
static pgprot_t race_pass(const struct region *r, enum race_mode mode,
			  u64 pass, bool toggle, unsigned long *start,
			  unsigned long *end)
{
	*start = r->start;
	*end = region_end(r);
	if (mode != RACE_RW_PUSH)
		return race_prot(mode, toggle);
	if (pass % 3 == 1)
		*end = r->start + PAGE_SIZE;
	return pass % 3 == 0 ? PAGE_KERNEL_RO : PAGE_KERNEL;
}

static void run_race_at(const char *backend, enum race_mode mode, const char *level,
			struct race_result *res)
{
	bool rw = mode != RACE_SOFTBIT;
	struct race *rc = &race;
	const char *saved_name = pv_mmu_ops.name;
	pte_t (*saved_start)(unsigned long, pte_t *) = pv_mmu_ops.ptep_modify_prot_start;
	void (*saved_commit)(unsigned long, pte_t *, pte_t, pte_t) =
		pv_mmu_ops.ptep_modify_prot_commit;
	bool unsafe = !strcmp(backend, "unsafe");
	const u64 *reqs = &this_hcstat()->requests[__HYPERVISOR_mmu_update];
	unsigned long round, p, rounds = mode == RACE_RW_PUSH ? race_push_rounds :
					 rw ? race_rw_rounds : race_rounds;
	u64 uvm;
	unsigned int cpu;
	/* rw: the first pass takes write away (the region starts writable). */
	bool toggle = rw;

	memset(res, 0, sizeof(*res));
	/* The control goes through the same guard as any backend switch. */
	if (unsafe ? pv_mmu_select_txn("unsafe", unsafe_start, unsafe_commit)
		   : pv_mmu_select(backend)) {
		res->err = -EINVAL;
		return;
	}
	if (pv_mmu_select_prot_level(level)) {
		res->err = -EINVAL;
		return;
	}
	rc->writers = nr_cpus_online - 1;
	rc->stop = false;
	memset(rc->faults, 0, sizeof(rc->faults));
	barrier_init(&rc->start, nr_cpus_online);
	barrier_init(&rc->end, nr_cpus_online);
	for (cpu = 1; cpu < nr_cpus_online; cpu++)
		smp_call_async(cpu, writer, rc);

	for (round = 0; round < rounds && !res->err; round++) {
		memset(rc->access, UNTOUCHED, rc->r.npages);
		rc->done = 0;
		res->err = region_clear_bits(&rc->r, _PAGE_AD);
		/* Count the protection changes' update_va_mappings only. */
		uvm = xen_mmu_stats()->uvm;
		barrier_wait(&rc->start);
		do {
			u64 before = *reqs, calls = hypercalls_issued();
			unsigned long start, end;
			pgprot_t prot = race_pass(&rc->r, mode, res->passes, toggle,
						  &start, &end);
			int err = change_protection(&rc->r, start, end, prot);

			res->requests += *reqs - before;
			res->calls += hypercalls_issued() - calls;
			if (err && !res->err)
				res->err = err;
			toggle = !toggle;
			res->passes++;
		} while (__atomic_load_n(&rc->done, __ATOMIC_ACQUIRE) < rc->writers);
		res->uvm += xen_mmu_stats()->uvm - uvm;
		barrier_wait(&rc->end);

		for (p = 0; p < rc->r.npages; p++) {
			u64 v = pte_val(ptep_read(region_ptep(&rc->r, p)));

			if (rc->access[p] == WRITTEN) {
				res->writes++;
				res->lost_dirty += !(v & _PAGE_DIRTY);
			} else if (rc->access[p] == READ) {
				res->reads++;
			}
			if (rc->access[p] != UNTOUCHED)
				res->lost_accessed += !(v & _PAGE_ACCESSED);
		}
	}
	rc->stop = true;
	barrier_wait(&rc->start);
	for (cpu = 1; cpu < nr_cpus_online; cpu++) {
		smp_wait(cpu);
		res->faults += rc->faults[cpu];
	}
	/* Leave the region writable at the ptes and its L2 entry. */
	if (change_protection(&rc->r, rc->r.start, region_end(&rc->r),
			      PAGE_KERNEL) && !res->err)
		res->err = -EIO;
	if (pv_mmu_select_txn(saved_name, saved_start, saved_commit) && !res->err)
		res->err = -EBUSY;
	if (pv_mmu_select_prot_level("pte") && !res->err)
		res->err = -EBUSY;
	ktap_diag("race backend=%s%s%s vcpus=%u rounds=%lu pages=%lu writes=%lu reads=%lu lost_dirty=%lu lost_accessed=%lu faults=%lu passes=%lu uvm=%lu calls_per_pass=%lu.%02lu",
		  backend, mode == RACE_RW ? " toggle=rw prot_level=" :
		  mode == RACE_RW_PUSH ? " toggle=rw-push prot_level=" : "",
		  rw ? level : "",
		  nr_cpus_online, rounds, rc->r.npages, res->writes,
		  res->reads, res->lost_dirty, res->lost_accessed, res->faults,
		  res->passes, res->uvm, res->calls / res->passes,
		  res->calls * 100 / res->passes % 100);
	if (rw)
		ktap_diag("race requests per pass=%lu/%lu", res->requests, res->passes);
}

static void run_race(const char *backend, struct race_result *res)
{
	run_race_at(backend, RACE_SOFTBIT, "pte", res);
}

static bool race_setup(void)
{
	int rc;

	if (nr_cpus_online < 2) {
		KT_EXPECT(0, "the race needs at least 2 vCPUs, have %u", nr_cpus_online);
		return false;
	}
	if (race.r.npages)
		return true;
	rc = region_create(&race.r, race_pages, 0, PAGE_KERNEL);
	KT_EXPECT(!rc, "region_create(%lu): %d", race_pages, rc);
	return !rc;
}

static void race_must_not_lose(const char *backend)
{
	struct race_result res;

	if (!race_setup())
		return;
	run_race(backend, &res);
	KT_EXPECT(!res.err, "%s: change_protection failed: %d", backend, res.err);
	KT_EXPECT(res.writes > 0, "no racing writes");
	KT_EXPECT(res.lost_dirty == 0, "%s lost %lu dirty bits", backend, res.lost_dirty);
	KT_EXPECT(res.lost_accessed == 0, "%s lost %lu accessed bits", backend,
		  res.lost_accessed);
	if (!strcmp(backend, "generic"))
		KT_EXPECT(res.faults > 0, "generic: no writer ever met a held pte");
	/* One page: the xen commit's update_va_mapping path must be in the race. */
	if (race.r.npages == 1 && !strcmp(backend, "xen"))
		KT_EXPECT(res.uvm > 0, "xen: no update went as update_va_mapping");
	/* A wide region: each lazy section must span at least two batches. */
	if (race.r.npages >= RACE_WIDE_PAGES && !strcmp(backend, "xen"))
		KT_EXPECT(res.calls >= 2 * res.passes,
			  "xen: %lu hypercalls for %lu changes of %lu pages: a change does not span two batches", res.calls, res.passes, race.r.npages);
}

static void race_generic(void) { race_must_not_lose("generic"); }
static void race_xen(void) { race_must_not_lose("xen"); }
static void race_xen_nobatch(void) { race_must_not_lose("xen-nobatch"); }

static void race_unsafe_control(void)
{
	struct race_result res;

	if (!race_setup())
		return;
	run_race("unsafe", &res);
	KT_EXPECT(!res.err, "unsafe: change_protection failed: %d", res.err);
	KT_EXPECT(res.lost_dirty + res.lost_accessed > 0,
		  "the unsafe control lost nothing over %lu writes: the test is not sensitive",
		  res.writes);
	if (race.r.npages == 1)
		KT_EXPECT(res.uvm > 0, "unsafe: no update went as update_va_mapping");
}

KTAP_CASE(race, unsafe_control, race_unsafe_control);
KTAP_CASE(race, generic, race_generic);
KTAP_CASE(race, xen, race_xen);
KTAP_CASE(race, xen_nobatch, race_xen_nobatch);

/*
 * RW toggled with prot_level=pmd: the region (one aligned L1 table, with
 * the default race_pages=512) changes at its L2 entry, one request per
 * pass; writers fault while it is read-only and wait.  The L2 path
 * uses no pte transaction, so one backend stands for all.
 */
/* The rw_ cases are about one whole, aligned L1 table. */
static bool race_rw_setup(void)
{
	if (!race_setup())
		return false;
	if (race.r.npages != PTRS_PER_PTE) {
		ktap_diag("rw cases: need race_pages=%u (one L1 table), have %lu: skipped",
			  PTRS_PER_PTE, race.r.npages);
		return false;
	}
	return true;
}

static void race_rw_pmd(const char *backend)
{
	struct race_result res;

	if (!race_rw_setup())
		return;
	run_race_at(backend, RACE_RW, "pmd", &res);
	KT_EXPECT(!res.err, "%s rw pmd: change_protection failed: %d", backend, res.err);
	KT_EXPECT(res.writes > 0, "no racing writes");
	KT_EXPECT(res.lost_dirty == 0, "%s rw pmd lost %lu dirty bits", backend,
		  res.lost_dirty);
	KT_EXPECT(res.lost_accessed == 0, "%s rw pmd lost %lu accessed bits", backend,
		  res.lost_accessed);
	KT_EXPECT(res.faults > 0, "%s rw pmd: no writer ever met the read-only L2 entry",
		  backend);
	KT_EXPECT(res.requests == res.passes,
			  "%s rw pmd: %lu requests for %lu passes: not one L2 update each",
			  backend, res.requests, res.passes);
}

static void race_rw_pmd_xen(void) { race_rw_pmd("xen"); }

/* The unsafe control toggling RW at the ptes: it must still lose bits. */
static void race_rw_unsafe_control(void)
{
	struct race_result res;

	if (!race_rw_setup())
		return;
	run_race_at("unsafe", RACE_RW, "pte", &res);
	KT_EXPECT(!res.err, "unsafe rw: change_protection failed: %d", res.err);
	KT_EXPECT(res.lost_dirty + res.lost_accessed > 0,
		  "the unsafe control toggling RW lost nothing over %lu writes: not sensitive", res.writes);
}

KTAP_CASE(race, rw_unsafe_control, race_rw_unsafe_control);
KTAP_CASE(race, rw_pmd_xen, race_rw_pmd_xen);

/*
 * The push-down path in the race: whole RO at L2, one page RW (the other
 * 511 ptes take the restriction through the pte transaction while the
 * writers run), whole RW.  No bit may be lost; the same cycle with the
 * unsafe transaction must lose some.
 */
static void race_rw_push(const char *backend)
{
	bool unsafe = !strcmp(backend, "unsafe");
	struct race_result res;

	if (!race_push_rounds) {
		ktap_diag("rw_push cases: race_push_rounds=0, skipped (check-long runs them)");
		return;
	}
	if (!race_rw_setup())
		return;
	run_race_at(backend, RACE_RW_PUSH, "pmd", &res);
	KT_EXPECT(!res.err, "%s rw-push: change_protection failed: %d", backend, res.err);
	KT_EXPECT(res.writes > 0, "no racing writes");
	if (unsafe) {
		KT_EXPECT(res.lost_dirty + res.lost_accessed > 0,
			  "the unsafe control in the push-down cycle lost nothing over %lu writes: not sensitive", res.writes);
		return;
	}
	KT_EXPECT(res.lost_dirty == 0, "%s rw-push lost %lu dirty bits", backend,
		  res.lost_dirty);
	KT_EXPECT(res.lost_accessed == 0, "%s rw-push lost %lu accessed bits", backend,
		  res.lost_accessed);
	KT_EXPECT(res.faults > 0, "%s rw-push: no writer ever faulted", backend);
}

static void race_rw_push_xen(void) { race_rw_push("xen"); }
static void race_rw_push_unsafe_control(void) { race_rw_push("unsafe"); }

KTAP_CASE(race, rw_push_unsafe_control, race_rw_push_unsafe_control);
KTAP_CASE(race, rw_push_xen, race_rw_push_xen);

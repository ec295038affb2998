// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the hypercall double itself (mc-double.c): that its modes
 * leave the caller's memory as Xen would, and that its pte memory model
 * applies Xen's mmu_update semantics.  The hypercalls are made directly;
 * no guest code is under test here.
 */
/* The guest's headers first: glibc's redefine what they share. */
#include <linux/kernel.h>
#include <linux/errno.h>
#include "mc-double.h"
#include <asm/xen/hypercall.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#define MMU		__HYPERVISOR_mmu_update
#define PREEMPTED	0x80000000ul
#define MA(i)		(0x300000ULL + (u64)(i) * 8)
#define VAL(i)		(((u64)(i) << 12) | 1)
#define N		6

#define expect(cond, ...)						\
	do {								\
		if (!(cond))						\
			fail_msg(__VA_ARGS__);				\
	} while (0)

static struct mmu_update req[N];
static unsigned int done;
static struct multicall_entry e[2];
static struct mmuext_op ext;

static int setup(void **state)
{
	unsigned int i;

	(void)state;
	hc_reset();
	for (i = 0; i < N; i++) {
		req[i].ptr = MA(i) | MMU_NORMAL_PT_UPDATE;
		req[i].val = VAL(i);
	}
	memset(e, 0, sizeof(e));
	memset(&ext, 0, sizeof(ext));
	ext.cmd = MMUEXT_TLB_FLUSH_LOCAL;
	e[0].op = __HYPERVISOR_mmuext_op;
	e[0].args[0] = (unsigned long)&ext;
	e[0].args[1] = 1;
	e[0].args[3] = DOMID_SELF;
	e[1].op = MMU;
	e[1].args[0] = (unsigned long)req;
	e[1].args[1] = N;
	e[1].args[2] = (unsigned long)&done;
	e[1].args[3] = DOMID_SELF;
	done = 12345;			/* Xen starts from 0, not from this */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hc_reset();
	return 0;
}

static void expect_applied(unsigned int from, unsigned int to)
{
	unsigned int i;

	for (i = 0; i < N; i++) {
		bool want = i >= from && i < to;

		expect(hc_mem_written(MA(i)) == want, "request %u %s", i,
		       want ? "not applied" : "applied");
		if (want)
			expect(hc_mem_read(MA(i)) == VAL(i), "pte %u holds %#llx",
			       i, (unsigned long long)hc_mem_read(MA(i)));
	}
}

/* Release Xen: the continuation stays in the entry, *done accumulates. */
static void test_preempt_multicall_continuation(void **state)
{
	(void)state;
	hc_set_mode(HC_PREEMPT);
	hc_preempt_every(0, 1);		/* only: */
	hc_preempt_at(1 + 2);		/* ext, req 0, req 1 | req 2 ... */
	expect(HYPERVISOR_multicall(e, 2) == 0, "multicall failed");
	expect((long)e[1].result == 0, "result %ld", (long)e[1].result);
	expect(done == N, "*done %u, not %u", done, N);
	expect(e[1].args[0] == (unsigned long)&req[2],
	       "args[0] %#lx, not advanced past 2 requests",
	       (unsigned long)e[1].args[0]);
	expect(e[1].args[1] == ((N - 2) | PREEMPTED), "args[1] %#lx",
	       (unsigned long)e[1].args[1]);
	expect(hc.preempted == 1, "preempted %u", hc.preempted);
	expect(hc.nr_reqs == 1 + N, "%u requests looked at", hc.nr_reqs);
	expect_applied(0, N);
}

/* A direct call resumes from its registers: the caller sees one return. */
static void test_preempt_direct_transparent(void **state)
{
	struct mmu_update copy[N];

	(void)state;
	memcpy(copy, req, sizeof(req));
	hc_set_mode(HC_PREEMPT);
	hc_preempt_every(1, 2);		/* after 2, then 2 more, ... */
	expect(HYPERVISOR_mmu_update(req, N, &done, DOMID_SELF) == 0,
	       "mmu_update failed");
	expect(done == N, "*done %u, not %u", done, N);
	expect(hc.preempted == 2, "preempted %u, not 2 (6 = 2+2+2)",
	       hc.preempted);
	expect(hc_hypercalls() == 1, "%u hypercalls", hc_hypercalls());
	expect(!memcmp(copy, req, sizeof(req)), "request array changed");
	expect_applied(0, N);
}

/* A refusal after a preemption: *done counts both parts. */
static void test_preempt_then_fail(void **state)
{
	(void)state;
	hc_set_mode(HC_PREEMPT);
	hc_preempt_every(0, 1);		/* only: */
	hc_preempt_at(1 + 2);
	hc_fail_at(1 + 4, -EINVAL);	/* req 4 */
	expect(HYPERVISOR_multicall(e, 2) == 0, "multicall failed");
	expect((long)e[1].result == -EINVAL, "result %ld", (long)e[1].result);
	expect(done == 4, "*done %u, not 4", done);
	expect(e[1].args[1] == ((N - 2) | PREEMPTED), "args[1] %#lx",
	       (unsigned long)e[1].args[1]);
	expect(hc.failed_after_preempt == 1, "failed after preempt %u",
	       hc.failed_after_preempt);
	expect_applied(0, 4);
}

/* Xen never preempts before the first request or after the last. */
static void test_preempt_needs_progress(void **state)
{
	(void)state;
	hc_set_mode(HC_PREEMPT);
	hc_preempt_every(1, 1);
	hc_preempt_at(1);		/* req 0: before the first */
	e[1].args[1] = 1;
	expect(HYPERVISOR_multicall(e, 2) == 0, "multicall failed");
	expect(hc.preempted == 0, "a 1-request call was preempted");
	expect(e[1].args[1] == 1, "args[1] %#lx", (unsigned long)e[1].args[1]);
	expect(done == 1, "*done %u", done);
}

/* A deferred put rewrites even a completed entry; result and *done stay. */
static void test_deferred_put_rewrites_entry(void **state)
{
	(void)state;
	hc_set_mode(HC_PREEMPT);
	hc_preempt_every(0, 1);
	hc.deferred_put = true;
	hc_fail_at(1 + 3, -EPERM);
	expect(HYPERVISOR_multicall(e, 2) == 0, "multicall failed");
	expect((long)e[1].result == -EPERM, "result %ld", (long)e[1].result);
	expect(done == 3, "*done %u", done);
	expect(e[1].args[0] == 0 && e[1].args[1] == PREEMPTED &&
	       e[1].args[2] == 0 && (long)e[1].args[3] == -EPERM,
	       "entry 1 args %#lx %#lx %#lx %#lx",
	       (unsigned long)e[1].args[0], (unsigned long)e[1].args[1],
	       (unsigned long)e[1].args[2], (unsigned long)e[1].args[3]);
	expect(hc.preempted == 0 && hc.deferred_puts == 2,
	       "preempted %u, deferred puts %u", hc.preempted, hc.deferred_puts);
}

/* Debug Xen: all but result is 0xAA after the call. */
static void test_clobber_keeps_only_result(void **state)
{
	struct multicall_entry aa;

	(void)state;
	hc_set_mode(HC_CLOBBER);
	hc_fail_at(1 + 3, -EPERM);
	expect(HYPERVISOR_multicall(e, 2) == 0, "multicall failed");
	memset(&aa, 0xAA, sizeof(aa));
	aa.result = (xen_ulong_t)(long)-EPERM;
	expect(!memcmp(&e[1], &aa, sizeof(aa)), "entry 1 not clobbered but result");
	aa.result = 0;
	expect(!memcmp(&e[0], &aa, sizeof(aa)), "entry 0 not clobbered but result");
	expect(done == 3, "*done %u (guest memory, written)", done);
	expect(hc.clobbered == 2, "clobbered %u", hc.clobbered);
}

/* Intact: the entries as they were passed. */
static void test_intact_leaves_entries(void **state)
{
	struct multicall_entry copy[2];

	(void)state;
	hc_set_mode(HC_INTACT);
	hc_fail_at(1 + 3, -EPERM);
	memcpy(copy, e, sizeof(e));
	expect(HYPERVISOR_multicall(e, 2) == 0, "multicall failed");
	copy[1].result = (xen_ulong_t)(long)-EPERM;
	expect(!memcmp(copy, e, sizeof(e)), "entries changed beyond result");
	expect(done == 3, "*done %u", done);
}

/* A guest-made count Xen cannot read: -EFAULT, nothing looked at. */
static void test_wild_counts(void **state)
{
	(void)state;
	expect(HYPERVISOR_mmu_update(req, 2 | PREEMPTED, &done, DOMID_SELF) ==
	       -EFAULT, "PREEMPTED count not refused");
	expect(HYPERVISOR_mmu_update(req, HC_WILD_COUNT + 1, &done,
				     DOMID_SELF) == -EFAULT, "huge count not refused");
	expect(hc.wild_counts == 2, "wild counts %u", hc.wild_counts);
	expect(hc.nr_reqs == 0, "%u requests looked at", hc.nr_reqs);
	expect(done == 12345, "*done written: %u", done);
	expect(HYPERVISOR_mmu_update(req, N, &done, DOMID_SELF) == 0,
	       "a sane count refused");
}

/* PRESERVE_AD keeps the old Accessed/Dirty; NORMAL does not. */
static void test_mem_preserve_ad(void **state)
{
	struct mmu_update u[2] = {
		{ MA(0) | MMU_PT_UPDATE_PRESERVE_AD, 0x5001 },
		{ MA(1) | MMU_NORMAL_PT_UPDATE, 0x6001 },
	};

	(void)state;
	hc_mem_seed(MA(0), 0x1061);	/* A|D set */
	hc_mem_seed(MA(1), 0x1061);
	expect(!hc_mem_written(MA(0)), "a seed counts as a write");
	expect(HYPERVISOR_mmu_update(u, 2, &done, DOMID_SELF) == 0, "failed");
	expect(hc_mem_read(MA(0)) == 0x5061, "PRESERVE_AD: %#llx",
	       (unsigned long long)hc_mem_read(MA(0)));
	expect(hc_mem_read(MA(1)) == 0x6001, "NORMAL: %#llx",
	       (unsigned long long)hc_mem_read(MA(1)));
}

/* A refused request writes nothing; the ones before it stay. */
static void test_mem_refused_writes_nothing(void **state)
{
	(void)state;
	hc_fail_at(2, -EINVAL);
	expect(HYPERVISOR_mmu_update(req, N, &done, DOMID_SELF) == -EINVAL,
	       "not refused");
	expect(done == 2, "*done %u", done);
	expect_applied(0, 2);
}

/* update_va_mapping writes the pte registered for its va. */
static void test_mem_uvm(void **state)
{
	(void)state;
	hc_va_register(0x400000, MA(3));
	expect(HYPERVISOR_update_va_mapping(0x400000, 0x7001, UVMF_INVLPG) == 0,
	       "uvm failed");
	expect(HYPERVISOR_update_va_mapping(0x500000, 0x8001, UVMF_NONE) == 0,
	       "unregistered uvm failed");
	expect(hc_mem_read(MA(3)) == 0x7001, "pte holds %#llx",
	       (unsigned long long)hc_mem_read(MA(3)));
	expect(hc.uvm_unmapped == 1, "unmapped %u", hc.uvm_unmapped);
	expect(hc.calls[0].args[2] == UVMF_INVLPG, "flags not recorded");
}

/* An unknown command (ptr & 7 of 4 to 7) is refused, as Xen does. */
static void test_mem_unknown_command(void **state)
{
	(void)state;
	req[1].ptr = MA(1) | 4;
	expect(HYPERVISOR_mmu_update(req, N, &done, DOMID_SELF) == -ENOSYS,
	       "command 4 not refused with -ENOSYS");
	expect(done == 1, "*done %u", done);
	expect_applied(0, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_preempt_multicall_continuation),
		T(test_preempt_direct_transparent),
		T(test_preempt_then_fail),
		T(test_preempt_needs_progress),
		T(test_deferred_put_rewrites_entry),
		T(test_clobber_keeps_only_result),
		T(test_intact_leaves_entries),
		T(test_wild_counts),
		T(test_mem_preserve_ad),
		T(test_mem_refused_writes_nothing),
		T(test_mem_uvm),
		T(test_mem_unknown_command),
	};

	return cmocka_run_group_tests_name("double", tests, NULL, NULL);
}

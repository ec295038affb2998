// SPDX-License-Identifier: GPL-2.0
/*
 * The work a boot does: the selected self-tests (KTAP), then any job the
 * command line asked for.  fail= makes the guest misbehave on purpose so
 * the harness's own tests can see it report each kind of failure
 * (fail=ktap prints a fixed "not ok"; fail=expect fails a real assertion).
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/smp.h>
#include <asm/paravirt.h>
#include <asm/traps.h>
#include <pvbatch/cmdline.h>
#include <pvbatch/ktap.h>
#include <pvbatch/main.h>

enum fail_mode {
	FAIL_NONE, FAIL_KTAP, FAIL_PANIC, FAIL_FAULT, FAIL_HANG, FAIL_LAZY_NEST,
	FAIL_EXPECT, FAIL_UPPER_RW, FAIL_SPURIOUS_LOOP, FAIL_LOCK_IN_FAULT,
};

static enum fail_mode fail_mode;

static int set_fail(const char *val, bool apply, const char **why)
{
	static const char *const modes[] = {
		[FAIL_KTAP] = "ktap", [FAIL_PANIC] = "panic",
		[FAIL_FAULT] = "fault", [FAIL_HANG] = "hang",
		[FAIL_LAZY_NEST] = "lazy-nest", [FAIL_EXPECT] = "expect",
		[FAIL_UPPER_RW] = "upper-rw", [FAIL_SPURIOUS_LOOP] = "spurious-loop",
		[FAIL_LOCK_IN_FAULT] = "lock-in-fault",
	};
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(modes); i++) {
		if (val_is(val, modes[i])) {
			if (apply)
				fail_mode = i;
			return 0;
		}
	}
	*why = "expected ktap, expect, panic, fault, hang, lazy-nest, upper-rw, "
	       "spurious-loop or lock-in-fault";
	return -EINVAL;
}
DEFINE_KPARAM(fail, set_fail);

static void fail_on_purpose(void)
{
	switch (fail_mode) {
	case FAIL_PANIC:
		panic("fail=panic requested");
	case FAIL_FAULT:
		printk("fail=fault: writing to an unmapped address\n");
		*(volatile int *)0xffffffffbff00000UL = 1;
		break;
	case FAIL_LAZY_NEST:
		printk("fail=lazy-nest: entering lazy MMU mode twice\n");
		arch_enter_lazy_mmu_mode();
		arch_enter_lazy_mmu_mode();
		break;
	case FAIL_SPURIOUS_LOOP:
		traps_check_pte_only();
		__attribute__((__fallthrough__));
	case FAIL_UPPER_RW:
		fail_write_under_ro_l2();
		break;
	case FAIL_LOCK_IN_FAULT:
		fail_lock_in_fault();
		break;
	case FAIL_HANG:
		printk("fail=hang: spinning forever\n");
		for (;;)
			cpu_relax();
	default:
		break;
	}
}

bool pvbatch_main(void)
{
	const struct pvbatch_job *job = bench_job();
	bool ok;

	fail_on_purpose();
	if (fail_mode == FAIL_KTAP) {
		printk("KTAP version 1\n1..1\n# fail=ktap requested\n"
		       "not ok 1 harness.deliberate_failure\n");
		return false;
	}
	/*
	 * fail=expect: the harness suite, whose case fails a real KT_EXPECT,
	 * runs through the normal KTAP path (instead of the default suites).
	 */
	if (fail_mode == FAIL_EXPECT) {
		ktap_default_none();
		ktap_force_suite("harness");
	}
	/* A benchmark replaces the default self-tests; named ones still run. */
	if (job)
		ktap_default_none();
	ok = ktap_run_selected();
	if (job)
		ok = job->run() && ok;
	return ok;
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PVBATCH_MAIN_H
#define _PVBATCH_MAIN_H

#include <linux/types.h>

/* Run what the command line asked for; true if everything passed. */
bool pvbatch_main(void);

/* A job run instead of or after the self-tests (e.g. bench=mprotect). */
struct pvbatch_job {
	const char *name;
	bool (*run)(void);
};

void ktap_default_none(void);
/* The benchmark bench= asked for, or NULL (bench/). */
const struct pvbatch_job *bench_job(void);

/* A write under a read-only L2 entry, for fail= (tests/guest/selftest_spurious.c). */
void fail_write_under_ro_l2(void);
/* The pte lock from fault context, for fail= (tests/guest/selftest_lock.c). */
void fail_lock_in_fault(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The phase marks of the Linux benchmark programs (mm-bench.c,
 * mprotect-bench.c): what tools/pvbatch/profile.py finds in a trace.
 */
#ifndef PVBATCH_BENCH_LINUX_MARK_H
#define PVBATCH_BENCH_LINUX_MARK_H

#include <sched.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/syscall.h>

#define MARK_PORT	0x80	/* any port: only the physdev_op calls matter */

/*
 * ioperm() on, then off: one mark, two physdev_op calls in the trace (an
 * interrupt in between may add a third: the I/O bitmap written again on
 * the way back to user mode).  The trace profile takes a run of them,
 * each close to the one before, as one mark (tools/pvbatch/profile.py,
 * MARK_GAP): so every mark ends with MARK_SPACING plain syscalls, each
 * one more record (its iret), and no two marks are ever that close.
 * A task switch between on and off adds two more ops far apart (the
 * bitmap dropped, then loaded again once the other task has run), a
 * second mark that the profile refuses; the pair runs as SCHED_FIFO, so
 * that no normal task preempts it.
 */
#define MARK_SPACING	12

static inline int ioperm_mark(void)
{
	struct sched_param rt = { .sched_priority = 1 };
	struct sched_param normal = { .sched_priority = 0 };
	int rc, i;

	if (sched_setscheduler(0, SCHED_FIFO, &rt))
		return -1;
	rc = ioperm(MARK_PORT, 1, 1) || ioperm(MARK_PORT, 1, 0);
	for (i = 0; i < MARK_SPACING; i++)
		syscall(SYS_getppid);
	if (sched_setscheduler(0, SCHED_OTHER, &normal))
		return -1;
	return rc ? -1 : 0;
}

#endif

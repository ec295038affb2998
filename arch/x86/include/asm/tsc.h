/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_TSC_H
#define _ASM_X86_TSC_H

#include <linux/types.h>

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* rdtsc ordered after everything before it (for the end of a timed span). */
static inline u64 rdtsc_ordered(void)
{
	u32 lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

/* TSC cycles to nanoseconds, with the scale Xen publishes for vCPU 0. */
u64 cycles_to_ns(u64 cycles);
/* TSC frequency in kHz, derived from the same scale. */
u64 tsc_khz(void);

#endif

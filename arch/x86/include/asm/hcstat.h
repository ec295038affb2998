/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU hypercall accounting: calls by hypercall number (multicall
 * sub-calls included), requests carried by mmu_update / mmuext_op, and
 * pte writes that Xen had to trap and emulate.  Plain per-vCPU counters,
 * summed when read, so the hot path takes no lock and no atomic.
 */
#ifndef _ASM_X86_HCSTAT_H
#define _ASM_X86_HCSTAT_H

#include <linux/types.h>

#define HCSTAT_NR	64

struct hcstat {
	u64 calls[HCSTAT_NR];
	u64 requests[HCSTAT_NR];	/* mmu_update / mmuext_op only */
	u64 ptwr;			/* emulated pte writes */
	u64 issued;			/* hypercall instructions executed */
	u64 direct[HCSTAT_NR];		/* of which, by hypercall number */
};

/* This vCPU's counters (asm/smp.h: they live in its struct cpu_data). */
static inline struct hcstat *this_hcstat(void);

/* A hypercall we issue. */
static inline void hcstat_call(unsigned int nr)
{
	struct hcstat *h = this_hcstat();

	h->calls[nr & (HCSTAT_NR - 1)]++;
	h->direct[nr & (HCSTAT_NR - 1)]++;
	h->issued++;
}

/* A call Xen makes for us inside a multicall. */
static inline void hcstat_subcall(unsigned int nr)
{
	this_hcstat()->calls[nr & (HCSTAT_NR - 1)]++;
}

static inline void hcstat_requests(unsigned int nr, unsigned int count)
{
	this_hcstat()->requests[nr & (HCSTAT_NR - 1)] += count;
}

static inline void hcstat_ptwr(void)
{
	this_hcstat()->ptwr++;
}

/* Sum over every vCPU into *out. */
void hcstat_sum(struct hcstat *out);
/* Print the HCSTAT block that tools/trace-report reconciles. */
void hcstat_print(void);

#include <asm/smp.h>

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host build only: per-vCPU data without a guest stack to find it on.
 * The tests own one struct cpu_data and switch its cpu number and fault
 * depth to play a vCPU, or a fault handler running on it.
 */
#ifndef _ASM_X86_SMP_H
#define _ASM_X86_SMP_H

#define NR_CPUS		8

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/hcstat.h>

struct cpu_data {
	unsigned int cpu;
	unsigned int fault_depth;	/* >0: running a fault handler */
	struct hcstat hc;
};

extern struct cpu_data host_cpu;
extern unsigned int nr_cpus_online;

static inline struct cpu_data *this_cpu(void)
{
	return &host_cpu;
}

static inline struct hcstat *this_hcstat(void)
{
	return &this_cpu()->hc;
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

static inline bool in_fault_context(void)
{
	return this_cpu()->fault_depth != 0;
}

static inline void cpu_relax(void)
{
}

#endif

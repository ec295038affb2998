/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU data lives at the bottom of each vCPU's stack, so finding it is
 * one mask of %rsp: no segment base to set up, and fault handlers (which
 * Xen delivers on the interrupted kernel stack) find the same data.
 */
#ifndef _ASM_X86_SMP_H
#define _ASM_X86_SMP_H

#define NR_CPUS		8
#define THREAD_SIZE	(16 * 1024)

#ifndef __ASSEMBLY__

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/hcstat.h>

#define CPU_DATA_MAGIC	0x70766261746368ULL	/* "pvbatch" */

struct pt_regs;

/* A fault handler a test installs on one vCPU; returns true if handled. */
typedef bool (*fault_hook_t)(struct pt_regs *regs, unsigned long cr2);

struct cpu_data {
	u64 magic;
	unsigned int cpu;
	unsigned int fault_depth;	/* >0: running a fault handler */
	struct hcstat hc;
	fault_hook_t fault_hook;
	void *fault_hook_data;
	u64 faults;			/* faults the hook handled */
	u64 spurious_faults;		/* stale TLB entries, retried */
	/* The retry bound (traps.c): the page, since when, how many. */
	unsigned long spurious_page;
	u64 spurious_since;
	unsigned int spurious_repeats;
};

static __always_inline struct cpu_data *this_cpu(void)
{
	unsigned long sp;

	asm("mov %%rsp, %0" : "=r"(sp));
	return (struct cpu_data *)(sp & ~(unsigned long)(THREAD_SIZE - 1));
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

extern unsigned int nr_cpus_online;
struct cpu_data *cpu_data_of(unsigned int cpu);

void smp_init(void);
/* Run fn(arg) on vCPU cpu (cpu != 0) and wait until it returns. */
long smp_call_on(unsigned int cpu, long (*fn)(void *), void *arg);
/* Start fn(arg) on vCPU cpu without waiting; smp_wait() collects it. */
void smp_call_async(unsigned int cpu, long (*fn)(void *), void *arg);
long smp_wait(unsigned int cpu);

struct spin_barrier {
	volatile unsigned int count;
	volatile unsigned int generation;
	unsigned int parties;
};
void barrier_init(struct spin_barrier *b, unsigned int parties);
void barrier_wait(struct spin_barrier *b);

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

/*
 * One step of a spin-wait that gives the pCPU away now and then: the vCPU
 * waited for may be one Xen has descheduled (vCPUs may outnumber pCPUs).
 */
void spin_pause(unsigned int *spins);

#endif /* __ASSEMBLY__ */
#endif

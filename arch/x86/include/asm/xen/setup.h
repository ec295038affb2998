/* SPDX-License-Identifier: GPL-2.0 */
/* Start-of-day entry points and the init steps enlighten.c calls. */
#ifndef _ASM_X86_XEN_SETUP_H
#define _ASM_X86_XEN_SETUP_H

#include <linux/compiler.h>

struct start_info;

/* Entered from xen-head.S: vCPU 0, then each secondary vCPU. */
void __noreturn xen_start_kernel(struct start_info *si);
void __noreturn xen_secondary_start(unsigned int cpu);

void cpu_data_init(unsigned int cpu);	/* smp.c */

/*
 * xen-head.S: the vCPUs' stacks (THREAD_SIZE each, vCPU 0's first) and
 * where a secondary vCPU starts.
 */
extern char cpu_stacks[];
extern char secondary_startup_xen[];
void xen_mmu_init(void);		/* mmu.c: select the pte backend */

#endif

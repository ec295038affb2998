/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pseudo-physical <-> machine frame translation for a PV guest: the p2m
 * list Xen hands us in start_info, and Xen's read-only M2P table.
 */
#ifndef _ASM_X86_XEN_PAGE_H
#define _ASM_X86_XEN_PAGE_H

#include <linux/types.h>
#include <asm/pgtable.h>
#include <asm/xen/hypervisor.h>

extern unsigned long *xen_p2m;
extern unsigned long xen_nr_pfns;

static inline unsigned long pfn_to_mfn(unsigned long pfn)
{
	return xen_p2m[pfn];
}

static inline unsigned long mfn_to_pfn(unsigned long mfn)
{
	return ((const volatile unsigned long *)MACH2PHYS_VIRT_START)[mfn];
}

/* Our image and Xen's initial mapping: pfn 0 sits at __START_KERNEL_map. */
static inline void *pfn_to_virt(unsigned long pfn)
{
	return (void *)(__START_KERNEL_map + (pfn << PAGE_SHIFT));
}

static inline unsigned long virt_to_pfn(const void *va)
{
	return ((unsigned long)va - __START_KERNEL_map) >> PAGE_SHIFT;
}

/* Machine address of any mapped kernel virtual address (walks if needed). */
u64 arbitrary_virt_to_machine(const void *va);

#endif

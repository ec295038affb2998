/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_XEN_HYPERVISOR_H
#define _ASM_X86_XEN_HYPERVISOR_H

#include <linux/types.h>
#include <xen/interface/xen.h>
#include <xen/interface/features.h>

#define __START_KERNEL_map	0xffffffff80000000UL

extern struct start_info *xen_start_info;
extern struct shared_info *HYPERVISOR_shared_info;
extern u32 xen_features[32];
extern unsigned int xen_version_major, xen_version_minor;

static inline bool xen_feature(unsigned int bit)
{
	return xen_features[bit / 32] & (1U << (bit % 32));
}

static inline bool xen_initial_domain(void)
{
	return xen_start_info->flags & SIF_INITDOMAIN;
}

/* Shut the domain down: a clean shutdown if ok, a crash otherwise. */
void __noreturn xen_shutdown(bool ok);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host build only: the hypercall stubs, with the hypercall instruction
 * replaced by a recording double (tests/host/mc-double.c).  The
 * signatures are the guest's; this header shadows
 * arch/x86/include/asm/xen/hypercall.h through the include path, so the
 * code under test is compiled unchanged.
 */
#ifndef _ASM_X86_XEN_HYPERCALL_H
#define _ASM_X86_XEN_HYPERCALL_H

#include <linux/types.h>
#include <xen/interface/xen.h>

int HYPERVISOR_mmu_update(struct mmu_update *req, unsigned int count,
			  unsigned int *done, domid_t dom);
int HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned int count,
			 unsigned int *done, domid_t dom);
int HYPERVISOR_multicall(struct multicall_entry *calls, unsigned int nr);
int HYPERVISOR_update_va_mapping(unsigned long va, u64 val,
				 unsigned long flags);
void hypercall_account_subcall(unsigned int nr, const unsigned long *args);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercall stubs.  Every call goes through the hypercall page Xen filled
 * in at boot (slot nr at hypercall_page + nr * 32), with the arguments in
 * rdi, rsi, rdx, r10, r8 and the result in rax.  Xen may clobber every
 * argument register and, being a syscall, rcx and r11.
 *
 * Every call is counted, per vCPU, by hypercall number: the counts are
 * reconciled at shutdown with what xentrace saw (hcstat.c).  The host unit
 * tests replace this header, and only this header, with a recording double.
 */
#ifndef _ASM_X86_XEN_HYPERCALL_H
#define _ASM_X86_XEN_HYPERCALL_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <xen/interface/xen.h>
#include <asm/hcstat.h>

extern char hypercall_page[4096];

/*
 * The r10/r8 register variables are only bound at the asm statement, and
 * nothing that might be a call may come between their setting and it.
 */
#define _hypercall(nr, a1, a2, a3, a4, a5) ({				\
	long __ret;							\
	unsigned long __a1 = (unsigned long)(a1);			\
	unsigned long __a2 = (unsigned long)(a2);			\
	unsigned long __a3 = (unsigned long)(a3);			\
	unsigned long __v4 = (unsigned long)(a4);			\
	unsigned long __v5 = (unsigned long)(a5);			\
	hcstat_call(nr);						\
	{								\
		register unsigned long __a4 asm("r10") = __v4;		\
		register unsigned long __a5 asm("r8") = __v5;		\
		asm volatile("call hypercall_page + %c[off]"		\
			     : "=a"(__ret), "+D"(__a1), "+S"(__a2),	\
			       "+d"(__a3), "+r"(__a4), "+r"(__a5)	\
			     : [off] "i"((nr) * 32)			\
			     : "memory", "rcx", "r11");			\
	}								\
	__ret;								\
})

static inline int HYPERVISOR_mmu_update(struct mmu_update *req, unsigned int count,
					unsigned int *done, domid_t dom)
{
	hcstat_requests(__HYPERVISOR_mmu_update, count);
	return _hypercall(__HYPERVISOR_mmu_update, req, count, done, dom, 0);
}

static inline int HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned int count,
				       unsigned int *done, domid_t dom)
{
	hcstat_requests(__HYPERVISOR_mmuext_op, count);
	return _hypercall(__HYPERVISOR_mmuext_op, op, count, done, dom, 0);
}

static inline int HYPERVISOR_multicall(struct multicall_entry *calls,
				       unsigned int nr)
{
	return _hypercall(__HYPERVISOR_multicall, calls, nr, 0, 0, 0);
}

static inline int HYPERVISOR_update_va_mapping(unsigned long va, u64 val,
					       unsigned long flags)
{
	return _hypercall(__HYPERVISOR_update_va_mapping, va, val, flags, 0, 0);
}

static inline int HYPERVISOR_set_trap_table(const struct trap_info *table)
{
	return _hypercall(__HYPERVISOR_set_trap_table, table, 0, 0, 0, 0);
}

static inline int HYPERVISOR_console_io(int cmd, int count, const char *str)
{
	return _hypercall(__HYPERVISOR_console_io, cmd, count, str, 0, 0);
}

static inline int HYPERVISOR_sched_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

static inline int HYPERVISOR_xen_version(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}

static inline int HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return _hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0);
}

static inline int HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}

static inline int HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{
	return _hypercall(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}

static inline int HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0);
}

/*
 * A multicall sub-call is issued by Xen, not by us; it is counted when the
 * multicall is made, so that the per-name totals match xenalyze's.
 */
static inline void hypercall_account_subcall(unsigned int nr,
					     const unsigned long *args)
{
	hcstat_subcall(nr);
	if (nr == __HYPERVISOR_mmu_update || nr == __HYPERVISOR_mmuext_op)
		hcstat_requests(nr, (unsigned int)args[1]);
}

#endif

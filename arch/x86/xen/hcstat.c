// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's own account of its hypercalls, printed at shutdown in the
 * fixed form tools/trace-report reconciles with xenalyze:
 *
 *	HCSTAT begin
 *	HCSTAT <name> <calls, multicall sub-calls included>
 *	HCSTAT mmu_update.requests <n>
 *	HCSTAT mmuext_op.ops <n>
 *	HCSTAT ptwr.emulated <n>
 *	HCSTAT end
 *
 * The counts are a snapshot taken before the block is printed: the
 * console writes of the block and the final sched_op come after it.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/smp.h>
#include <asm/hcstat.h>
#include <xen/interface/xen.h>

static const char *const hc_names[HCSTAT_NR] = {
#define N(x) \
	[__HYPERVISOR_##x] = #x
	N(set_trap_table), N(mmu_update), N(set_gdt), N(stack_switch),
	N(set_callbacks), N(fpu_taskswitch), N(sched_op_compat),
	N(platform_op), N(set_debugreg), N(get_debugreg),
	N(update_descriptor), N(memory_op), N(multicall),
	N(update_va_mapping), N(set_timer_op), N(event_channel_op_compat),
	N(xen_version), N(console_io), N(physdev_op_compat),
	N(grant_table_op), N(vm_assist), N(update_va_mapping_otherdomain),
	N(iret), N(vcpu_op), N(set_segment_base), N(mmuext_op), N(xsm_op),
	N(nmi_op), N(sched_op), N(callback_op), N(xenoprof_op),
	N(event_channel_op), N(physdev_op), N(hvm_op), N(sysctl), N(domctl),
	N(kexec_op), N(tmem_op), N(argo_op), N(xenpmu_op), N(dm_op),
	N(hypfs_op),
#undef N
};

void hcstat_sum(struct hcstat *out)
{
	unsigned int cpu, i;

	memset(out, 0, sizeof(*out));
	for (cpu = 0; cpu < nr_cpus_online; cpu++) {
		const struct hcstat *h = &cpu_data_of(cpu)->hc;

		for (i = 0; i < HCSTAT_NR; i++) {
			out->calls[i] += h->calls[i];
			out->requests[i] += h->requests[i];
		}
		out->ptwr += h->ptwr;
		out->issued += h->issued;
	}
}

void hcstat_print(void)
{
	static struct hcstat snap;
	unsigned int i;

	hcstat_sum(&snap);
	printk("HCSTAT begin\n");
	for (i = 0; i < HCSTAT_NR; i++) {
		if (!snap.calls[i])
			continue;
		if (hc_names[i])
			printk("HCSTAT %s %lu\n", hc_names[i], snap.calls[i]);
		else
			printk("HCSTAT hypercall%u %lu\n", i, snap.calls[i]);
	}
	printk("HCSTAT mmu_update.requests %lu\n",
	       snap.requests[__HYPERVISOR_mmu_update]);
	printk("HCSTAT mmuext_op.ops %lu\n", snap.requests[__HYPERVISOR_mmuext_op]);
	printk("HCSTAT ptwr.emulated %lu\n", snap.ptwr);
	printk("HCSTAT end\n");
}

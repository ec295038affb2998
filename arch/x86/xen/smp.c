// SPDX-License-Identifier: GPL-2.0
/*
 * Secondary vCPUs.  Each one Xen gave the domain is started with
 * VCPUOP_initialise (in kernel mode, on its own stack, with our page
 * tables and our trap table: the trap table is per vCPU) and VCPUOP_up,
 * then waits for a function to run.
 *
 * A waiting vCPU blocks in Xen (SCHEDOP_poll on an IPI event channel of
 * its own, kept masked: poll wakes on a pending port whatever its mask,
 * and no upcall is ever raised) instead of spinning, so that its pCPU is
 * free for other vCPUs.  As a domU ours share the pCPUs with dom0's; a
 * spinning idle vCPU kept the one doing the work waiting for a pCPU.
 * The poster sets the call, then sends on the port; the waiter clears
 * the port's pending bit, then looks at the call, then polls: a send
 * after the look leaves the port pending and the poll returns at once.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/smp.h>
#include <asm/paravirt.h>
#include <asm/traps.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <asm/xen/setup.h>
#include <xen/interface/vcpu.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/sched.h>


unsigned int nr_cpus_online = 1;

enum { CALL_IDLE, CALL_PENDING, CALL_DONE };

struct cpu_call {
	long (*fn)(void *arg);
	void *arg;
	long ret;
	volatile int state;
	evtchn_port_t port;		/* its wake-up port; 0: none, spin */
};

static struct cpu_call calls[NR_CPUS];
static struct vcpu_guest_context boot_ctxt;

struct cpu_data *cpu_data_of(unsigned int cpu)
{
	return (struct cpu_data *)(cpu_stacks + (unsigned long)cpu * THREAD_SIZE);
}

void cpu_data_init(unsigned int cpu)
{
	struct cpu_data *c = cpu_data_of(cpu);

	c->magic = CPU_DATA_MAGIC;
	c->cpu = cpu;
}

void spin_pause(unsigned int *spins)
{
	if (++*spins % 4096 == 0)
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	else
		cpu_relax();
}

static void port_bit(xen_ulong_t *map, evtchn_port_t port, bool set)
{
	xen_ulong_t bit = (xen_ulong_t)1 << (port % (sizeof(xen_ulong_t) * 8));
	xen_ulong_t *w = &map[port / (sizeof(xen_ulong_t) * 8)];

	if (set)
		__atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST);
}

/* Wait for a call to be posted (see above); may return early. */
static void idle_wait(struct cpu_call *call, unsigned int *spins)
{
	evtchn_port_t port = call->port;
	struct sched_poll poll = {
		.ports = (xen_guest_handle_t)(unsigned long)&port, .nr_ports = 1,
	};

	if (!port) {
		spin_pause(spins);
		return;
	}
	port_bit(HYPERVISOR_shared_info->evtchn_pending, port, false);
	if (__atomic_load_n(&call->state, __ATOMIC_SEQ_CST) == CALL_PENDING)
		return;
	HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

void __noreturn xen_secondary_start(unsigned int cpu)
{
	struct cpu_call *call = &calls[cpu];
	unsigned int spins = 0;

	tlb_idle_enter();
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_RELEASE);
	for (;;) {
		if (call->state != CALL_PENDING) {
			idle_wait(call, &spins);
			continue;
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		tlb_idle_exit();
		call->ret = call->fn(call->arg);
		tlb_idle_enter();
		__atomic_store_n(&call->state, CALL_DONE, __ATOMIC_RELEASE);
	}
}

static int bring_up(unsigned int cpu)
{
	struct vcpu_guest_context *ctxt = &boot_ctxt;
	struct evtchn_bind_ipi ipi = { .vcpu = cpu };
	const struct trap_info *t;
	unsigned long stack_top = (unsigned long)cpu_data_of(cpu) + THREAD_SIZE;
	int rc;

	memset(ctxt, 0, sizeof(*ctxt));
	ctxt->flags = VGCF_in_kernel;
	ctxt->user_regs.rip = (unsigned long)secondary_startup_xen;
	ctxt->user_regs.rsp = stack_top;
	ctxt->user_regs.rdi = cpu;
	ctxt->user_regs.rflags = 0x2;
	ctxt->user_regs.cs = FLAT_KERNEL_CS;
	ctxt->user_regs.ss = FLAT_KERNEL_SS;
	ctxt->kernel_ss = FLAT_KERNEL_SS;
	ctxt->kernel_sp = stack_top;
	ctxt->ctrlreg[3] = arbitrary_virt_to_machine((void *)xen_start_info->pt_base);
	for (t = xen_trap_table(); t->address; t++)
		ctxt->trap_ctxt[t->vector] = *t;

	cpu_data_init(cpu);
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi);
	if (rc)
		return rc;
	port_bit(HYPERVISOR_shared_info->evtchn_mask, ipi.port, true);
	calls[cpu].port = ipi.port;
	rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, cpu, ctxt);
	if (rc)
		return rc;
	return HYPERVISOR_vcpu_op(VCPUOP_up, cpu, NULL);
}

void smp_init(void)
{
	unsigned int cpu, want = 1, spins = 0;
	int rc;

	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		rc = HYPERVISOR_vcpu_op(VCPUOP_is_up, cpu, NULL);
		if (rc < 0)
			break;		/* -ENOENT: no such vCPU */
		rc = bring_up(cpu);
		if (rc)
			panic("bringing up vCPU %u: %d", cpu, rc);
		want++;
		while (READ_ONCE(nr_cpus_online) < want)
			spin_pause(&spins);
	}
}

void smp_call_async(unsigned int cpu, long (*fn)(void *), void *arg)
{
	struct cpu_call *call = &calls[cpu];

	BUG_ON(cpu == 0 || cpu >= nr_cpus_online);
	BUG_ON(call->state != CALL_IDLE);
	call->fn = fn;
	call->arg = arg;
	__atomic_store_n(&call->state, CALL_PENDING, __ATOMIC_SEQ_CST);
	if (call->port) {
		struct evtchn_send send = { .port = call->port };

		HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	}
}

long smp_wait(unsigned int cpu)
{
	struct cpu_call *call = &calls[cpu];
	unsigned int spins = 0;

	while (__atomic_load_n(&call->state, __ATOMIC_ACQUIRE) != CALL_DONE)
		spin_pause(&spins);
	call->state = CALL_IDLE;
	return call->ret;
}

long smp_call_on(unsigned int cpu, long (*fn)(void *), void *arg)
{
	smp_call_async(cpu, fn, arg);
	return smp_wait(cpu);
}

void barrier_init(struct spin_barrier *b, unsigned int parties)
{
	b->count = 0;
	b->generation = 0;
	b->parties = parties;
}

void barrier_wait(struct spin_barrier *b)
{
	unsigned int gen = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
	unsigned int spins = 0;

	if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == b->parties) {
		b->count = 0;
		__atomic_store_n(&b->generation, gen + 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen)
		spin_pause(&spins);
}

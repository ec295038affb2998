// SPDX-License-Identifier: GPL-2.0
/*
 * Console output.  The initial domain may write straight to Xen's console
 * (CONSOLEIO_write); an unprivileged domain's console_io writes are
 * dropped, so a domU writes into the shared ring xenconsoled reads and
 * kicks the event channel.  We never take console interrupts: when the
 * ring is full we yield until xenconsoled has drained some of it.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <xen/interface/io/console.h>
#include <xen/interface/event_channel.h>
#include <pvbatch/console.h>

static struct xencons_interface *ring;
static evtchn_port_t ring_port;

void xen_console_init(void)
{
	if (xen_initial_domain())
		return;
	ring = pfn_to_virt(mfn_to_pfn(xen_start_info->console.domU.mfn));
	ring_port = xen_start_info->console.domU.evtchn;
}

static void ring_kick(void)
{
	struct evtchn_send send = { .port = ring_port };

	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

static void ring_write(const char *s, size_t len)
{
	size_t sz = sizeof(ring->out);

	while (len) {
		u32 cons = READ_ONCE(ring->out_cons);
		u32 prod = ring->out_prod;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (prod - cons >= sz) {
			ring_kick();
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			continue;
		}
		while (len && prod - cons < sz) {
			ring->out[prod % sz] = *s++;
			prod++;
			len--;
		}
		__atomic_thread_fence(__ATOMIC_RELEASE);
		WRITE_ONCE(ring->out_prod, prod);
	}
	ring_kick();
}

void xen_console_write(const char *s, size_t len)
{
	if (ring)
		ring_write(s, len);
	else
		HYPERVISOR_console_io(CONSOLEIO_write, (int)len, s);
}

/* Wait until xenconsoled has read everything (before shutting down). */
void xen_console_flush(void)
{
	unsigned int spins = 0;

	if (!ring)
		return;
	while (READ_ONCE(ring->out_cons) != ring->out_prod && spins++ < 1000)
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: HYPERVISOR_sched_op commands, shutdown reasons and arguments.
 * Numbers and layouts as in Xen 4.17's public interface.
 */
#ifndef _PVB_XEN_IFACE_SCHED_H
#define _PVB_XEN_IFACE_SCHED_H

#include <xen/interface/event_channel.h>

/* sched_op commands and their argument (none where not stated). */
#define SCHEDOP_yield           0
#define SCHEDOP_block           1   /* sleep until an event is pending */
#define SCHEDOP_shutdown        2   /* struct sched_shutdown */
#define SCHEDOP_poll            3   /* struct sched_poll */
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code   5   /* struct sched_shutdown: preset reason */
#define SCHEDOP_watchdog        6
#define SCHEDOP_pin_override    7

/* sched_shutdown.reason; the toolstack logs it as "reason code N". */
#define SHUTDOWN_poweroff       0
#define SHUTDOWN_reboot         1
#define SHUTDOWN_suspend        2
#define SHUTDOWN_crash          3
#define SHUTDOWN_watchdog       4
#define SHUTDOWN_soft_reset     5

#ifndef __ASSEMBLY__

struct sched_shutdown {
	unsigned int reason;            /* SHUTDOWN_* */
};

/*
 * Block until one of nr_ports ports is pending or Xen system time reaches
 * timeout (ns; 0 waits forever).
 */
struct sched_poll {
	xen_guest_handle_t ports;       /* evtchn_port_t array */
	unsigned int nr_ports;
	u64 timeout;
};

#endif /* !__ASSEMBLY__ */

#endif /* _PVB_XEN_IFACE_SCHED_H */

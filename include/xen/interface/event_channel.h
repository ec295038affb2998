/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: HYPERVISOR_event_channel_op commands and their arguments.
 * Numbers and layouts as in Xen 4.17's public interface.
 */
#ifndef _PVB_XEN_IFACE_EVENT_CHANNEL_H
#define _PVB_XEN_IFACE_EVENT_CHANNEL_H

#include <xen/interface/xen.h>

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1   /* struct evtchn_bind_virq */
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3   /* struct evtchn_close */
#define EVTCHNOP_send              4   /* struct evtchn_send */
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6   /* struct evtchn_alloc_unbound */
#define EVTCHNOP_bind_ipi          7   /* struct evtchn_bind_ipi */
#define EVTCHNOP_bind_vcpu         8   /* struct evtchn_bind_vcpu */
#define EVTCHNOP_unmask            9   /* struct evtchn_unmask */
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13

#ifndef __ASSEMBLY__

typedef u32 evtchn_port_t;

/* Ports per 2-level bitmap: 64 words of 64 bits. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* New port for remote_dom to bind to later. */
struct evtchn_alloc_unbound {
	domid_t dom;                /* in: usually DOMID_SELF */
	domid_t remote_dom;         /* in */
	evtchn_port_t port;         /* out */
};

struct evtchn_bind_interdomain {
	domid_t remote_dom;         /* in */
	evtchn_port_t remote_port;  /* in */
	evtchn_port_t local_port;   /* out */
};

/* Deliver virq to vcpu through a new port. */
struct evtchn_bind_virq {
	u32 virq;                   /* in: VIRQ_* */
	u32 vcpu;                   /* in */
	evtchn_port_t port;         /* out */
};

/* New port that raises an event on vcpu (send on it to "IPI"). */
struct evtchn_bind_ipi {
	u32 vcpu;                   /* in */
	evtchn_port_t port;         /* out */
};

struct evtchn_close {
	evtchn_port_t port;         /* in */
};

/* Signal the other end of port (or ourselves for IPI/loopback ports). */
struct evtchn_send {
	evtchn_port_t port;         /* in */
};

/* Move delivery of port to another vCPU. */
struct evtchn_bind_vcpu {
	evtchn_port_t port;         /* in */
	u32 vcpu;                   /* in */
};

/* Clear the mask bit and re-raise the upcall if the port is pending. */
struct evtchn_unmask {
	evtchn_port_t port;         /* in */
};

#endif /* !__ASSEMBLY__ */

#endif /* _PVB_XEN_IFACE_EVENT_CHANNEL_H */

/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: HYPERVISOR_vcpu_op(cmd, vcpu_id, arg) commands and arguments.
 * Numbers and layouts as in Xen 4.17's public interface.
 */
#ifndef _PVB_XEN_IFACE_VCPU_H
#define _PVB_XEN_IFACE_VCPU_H

#include <xen/interface/xen.h>

#define VCPUOP_initialise                     0   /* struct vcpu_guest_context */
#define VCPUOP_up                             1
#define VCPUOP_down                           2
#define VCPUOP_is_up                          3   /* returns 1 or 0 */
#define VCPUOP_get_runstate_info              4   /* struct vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area  5
#define VCPUOP_set_periodic_timer             6   /* struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer            7
#define VCPUOP_set_singleshot_timer           8   /* struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer          9
#define VCPUOP_register_vcpu_info            10   /* struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi                      11
#define VCPUOP_get_physid                    12
#define VCPUOP_register_vcpu_time_memory_area 13

/* vcpu_runstate_info.state */
#define RUNSTATE_running   0
#define RUNSTATE_runnable  1   /* wants a pCPU */
#define RUNSTATE_blocked   2   /* waiting for an event */
#define RUNSTATE_offline   3

/*
 * Set in state_entry_time while Xen rewrites a registered runstate area
 * (only with VMASST_TYPE_runstate_update_flag enabled).
 */
#define XEN_RUNSTATE_UPDATE  (_PVB_ULL(1) << 63)

/* vcpu_set_singleshot_timer.flags */
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (_PVB_U(1) << _VCPU_SSHOTTMR_future)  /* -ETIME if past */

#ifndef __ASSEMBLY__

/* Time accounting of one vCPU; time[] is indexed by RUNSTATE_*, in ns. */
struct vcpu_runstate_info {
	int state;
	u64 state_entry_time;
	u64 time[4];
};

struct vcpu_register_runstate_memory_area {
	union {
		xen_guest_handle_t h;
		struct vcpu_runstate_info *v;
		u64 p;
	} addr;
};

struct vcpu_set_periodic_timer {
	u64 period_ns;
};

struct vcpu_set_singleshot_timer {
	u64 timeout_abs_ns;     /* Xen system time */
	u32 flags;              /* VCPU_SSHOTTMR_* */
};

/*
 * Move this vCPU's vcpu_info out of the shared-info page (needed past
 * XEN_LEGACY_MAX_VCPUS).  The record must not cross a page boundary.
 */
struct vcpu_register_vcpu_info {
	u64 mfn;
	u32 offset;             /* byte offset inside that frame */
	u32 rsvd;               /* zero */
};

#endif /* !__ASSEMBLY__ */

#endif /* _PVB_XEN_IFACE_VCPU_H */

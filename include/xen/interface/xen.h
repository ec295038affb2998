/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: core Xen PV guest ABI (hypercall numbers, page-table update
 * requests, start-of-day and shared-info layouts).
 *
 * Written for pvbatch; the numbers and layouts are those of the Xen 4.17
 * public interface for a 64-bit PV guest.  tests/host/run-abi-check.sh
 * compares every definition here with Debian's libxen-dev headers.
 *
 * Constants are usable from assembly (define __ASSEMBLY__); types are not.
 */
#ifndef _PVB_XEN_IFACE_XEN_H
#define _PVB_XEN_IFACE_XEN_H

#include <xen/interface/types.h>
#include <xen/interface/arch-x86_64.h>

/*
 * Hypercall numbers: the entry for call N is at hypercall_page + N * 32.
 * Number 11 is unused.  The *_compat calls are the older forms of
 * sched_op, event_channel_op and physdev_op: use the plain ones.
 */
#define __HYPERVISOR_set_trap_table                 0
#define __HYPERVISOR_mmu_update                     1
#define __HYPERVISOR_set_gdt                        2
#define __HYPERVISOR_stack_switch                   3
#define __HYPERVISOR_set_callbacks                  4
#define __HYPERVISOR_fpu_taskswitch                 5
#define __HYPERVISOR_sched_op_compat                6
#define __HYPERVISOR_platform_op                    7
#define __HYPERVISOR_set_debugreg                   8
#define __HYPERVISOR_get_debugreg                   9
#define __HYPERVISOR_update_descriptor             10
#define __HYPERVISOR_memory_op                     12
#define __HYPERVISOR_multicall                     13
#define __HYPERVISOR_update_va_mapping             14
#define __HYPERVISOR_set_timer_op                  15
#define __HYPERVISOR_event_channel_op_compat       16
#define __HYPERVISOR_xen_version                   17
#define __HYPERVISOR_console_io                    18
#define __HYPERVISOR_physdev_op_compat             19
#define __HYPERVISOR_grant_table_op                20
#define __HYPERVISOR_vm_assist                     21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                          23
#define __HYPERVISOR_vcpu_op                       24
#define __HYPERVISOR_set_segment_base              25
#define __HYPERVISOR_mmuext_op                     26
#define __HYPERVISOR_xsm_op                        27
#define __HYPERVISOR_nmi_op                        28
#define __HYPERVISOR_sched_op                      29
#define __HYPERVISOR_callback_op                   30
#define __HYPERVISOR_xenoprof_op                   31
#define __HYPERVISOR_event_channel_op              32
#define __HYPERVISOR_physdev_op                    33
#define __HYPERVISOR_hvm_op                        34
#define __HYPERVISOR_sysctl                        35
#define __HYPERVISOR_domctl                        36
#define __HYPERVISOR_kexec_op                      37
#define __HYPERVISOR_tmem_op                       38
#define __HYPERVISOR_argo_op                       39
#define __HYPERVISOR_xenpmu_op                     40
#define __HYPERVISOR_dm_op                         41
#define __HYPERVISOR_hypfs_op                      42

/*
 * Virtual IRQs, bound to a port with EVTCHNOP_bind_virq.  TIMER, DEBUG
 * and XENPMU are per vCPU; the others are global and mostly meant for
 * the initial domain.
 */
#define VIRQ_TIMER     0    /* set_timer_op deadline reached */
#define VIRQ_DEBUG     1    /* "dump your state" request */
#define VIRQ_CONSOLE   2    /* input on Xen's own console (initial domain) */
#define VIRQ_DOM_EXC   3    /* some domain crashed or shut down */
#define VIRQ_TBUF      4    /* trace buffers need draining */
#define VIRQ_XENPMU    13   /* performance counter interrupt */
#define NR_VIRQS       24

/*
 * mmu_update requests.  The low 3 bits of mmu_update.ptr select the
 * operation (Xen reads ptr & 7; 4-7 are refused with -ENOSYS); the rest
 * of ptr is a machine address (a pte, or for MACHPHYS_UPDATE the frame
 * whose m2p entry becomes val).
 */
#define MMU_NORMAL_PT_UPDATE        0   /* *ptr = val, validated */
#define MMU_MACHPHYS_UPDATE         1   /* m2p[ptr >> PAGE_SHIFT] = val */
#define MMU_PT_UPDATE_PRESERVE_AD   2   /* *ptr = val | (*ptr & (A|D)) */
#define MMU_PT_UPDATE_NO_TRANSLATE  3   /* as NORMAL, ptr never translated */

/* mmuext_op.cmd values. */
#define MMUEXT_PIN_L1_TABLE        0    /* arg1.mfn */
#define MMUEXT_PIN_L2_TABLE        1    /* arg1.mfn */
#define MMUEXT_PIN_L3_TABLE        2    /* arg1.mfn */
#define MMUEXT_PIN_L4_TABLE        3    /* arg1.mfn */
#define MMUEXT_UNPIN_TABLE         4    /* arg1.mfn */
#define MMUEXT_NEW_BASEPTR         5    /* arg1.mfn: kernel top-level table */
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7    /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI     8    /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI        9    /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11    /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE        12
#define MMUEXT_SET_LDT            13    /* arg1.linear_addr, arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR   15    /* arg1.mfn: user top-level table */
#define MMUEXT_CLEAR_PAGE         16    /* arg1.mfn */
#define MMUEXT_COPY_PAGE          17    /* arg1.mfn <- arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19    /* arg1.mfn */
#define MMUEXT_UNMARK_SUPER       20    /* arg1.mfn */

/*
 * update_va_mapping flags: a flush type (bits 0-1) combined with a scope
 * (bit 2).  For UVMF_MULTI the bits above the flush type are instead the
 * address of a vCPU bitmap.
 */
#define UVMF_NONE            _PVB_UL(0)
#define UVMF_TLB_FLUSH       _PVB_UL(1)
#define UVMF_INVLPG          _PVB_UL(2)
#define UVMF_FLUSHTYPE_MASK  _PVB_UL(3)
#define UVMF_MULTI           _PVB_UL(0)
#define UVMF_LOCAL           _PVB_UL(0)
#define UVMF_ALL             (_PVB_UL(1) << 2)

/* HYPERVISOR_console_io commands (Xen's own console). */
#define CONSOLEIO_write      0
#define CONSOLEIO_read       1

/* HYPERVISOR_vm_assist: commands, then the assists they switch. */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_writable_pagetables  2
#define VMASST_TYPE_pae_extended_cr3     3
#define VMASST_TYPE_architectural_iopl   4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict           32

/* Special domain ids (domid_t values at and above 0x7FF0). */
#define DOMID_FIRST_RESERVED _PVB_U(0x7FF0)
#define DOMID_SELF           _PVB_U(0x7FF0)
#define DOMID_IO             _PVB_U(0x7FF1)
#define DOMID_XEN            _PVB_U(0x7FF2)
#define DOMID_INVALID        _PVB_U(0x7FF4)

/* The shared-info page has room for this many vcpu_info slots. */
#define MAX_VIRT_CPUS        XEN_LEGACY_MAX_VCPUS

/* vcpu_time_info.flags */
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

/* start_info.flags */
#define SIF_PRIVILEGED       (1 << 0)   /* may use privileged operations */
#define SIF_INITDOMAIN       (1 << 1)   /* we are the initial domain */
#define SIF_MULTIBOOT_MOD    (1 << 2)   /* module is a multiboot module list */
#define SIF_MOD_START_PFN    (1 << 3)   /* mod_start is a pfn, not a VA */
#define SIF_VIRT_P2M_4TOOLS  (1 << 4)   /* tools handle a linear p2m */
#define SIF_PM_MASK          (0xFF << 8)

#define MAX_GUEST_CMDLINE    1024

#ifndef __ASSEMBLY__

typedef u16 domid_t;

/*
 * A guest buffer address passed inside an argument struct.  Xen wraps a
 * pointer in a one-member struct; for a 64-bit guest that is the same
 * 8 bytes, so we keep the plain integer.
 */
typedef u64 xen_guest_handle_t;

/* One HYPERVISOR_mmu_update request. */
struct mmu_update {
	u64 ptr;    /* machine address | MMU_* command */
	u64 val;
};

/* One HYPERVISOR_mmuext_op request; which arguments count depends on cmd. */
struct mmuext_op {
	unsigned int cmd;
	union {
		xen_pfn_t mfn;
		unsigned long linear_addr;
	} arg1;
	union {
		unsigned int nr_ents;
		xen_guest_handle_t vcpumask;   /* address of a vCPU bitmap */
		xen_pfn_t src_mfn;
	} arg2;
};

/*
 * One call inside HYPERVISOR_multicall.  Xen writes the call's return
 * value into result; a failing entry does not stop the batch.
 */
struct multicall_entry {
	xen_ulong_t op;
	xen_ulong_t result;
	xen_ulong_t args[6];
};

/*
 * Per-vCPU clock.  Xen makes version odd while it updates the record:
 * read version, the fields, version again, and retry on odd or changed.
 *   ns = system_time +
 *        (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
 * with a negative tsc_shift meaning a right shift.
 */
struct vcpu_time_info {
	u32 version;
	u32 pad0;
	u64 tsc_timestamp;
	u64 system_time;
	u32 tsc_to_system_mul;
	s8 tsc_shift;
	u8 flags;          /* XEN_PVCLOCK_* */
	u8 pad1[2];
};

/*
 * Per-vCPU event state.  Xen sets evtchn_upcall_pending and a bit in
 * evtchn_pending_sel (one bit per word of shared_info.evtchn_pending);
 * a non-zero evtchn_upcall_mask blocks the upcall.
 */
struct vcpu_info {
	u8 evtchn_upcall_pending;
	u8 evtchn_upcall_mask;
	xen_ulong_t evtchn_pending_sel;
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;
};

/*
 * The shared-info page (its machine address is start_info.shared_info).
 * Wall-clock time is wc_sec_hi:wc_sec seconds + wc_nsec at system time 0,
 * guarded by wc_version the same way as vcpu_time_info.
 */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
	xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
	u32 wc_version;
	u32 wc_sec;
	u32 wc_nsec;
	u32 wc_sec_hi;
	struct arch_shared_info arch;
};

/*
 * Start-of-day information; its address is in %rsi at the entry point.
 * The first block is rewritten on resume, the rest only at boot.  For
 * a domU the console union gives the PV console ring; for the initial
 * domain it locates a dom0 console-info record in this page.
 */
struct start_info {
	char magic[32];                 /* "xen-<version>-<platform>" */
	unsigned long nr_pages;
	unsigned long shared_info;      /* machine address */
	u32 flags;                      /* SIF_* */
	xen_pfn_t store_mfn;
	u32 store_evtchn;
	union {
		struct {
			xen_pfn_t mfn;          /* console ring page */
			u32 evtchn;
		} domU;
		struct {
			u32 info_off;
			u32 info_size;
		} dom0;
	} console;
	unsigned long pt_base;          /* VA of the initial top-level table */
	unsigned long nr_pt_frames;
	unsigned long mfn_list;         /* VA of the initial p2m array */
	unsigned long mod_start;        /* VA (or pfn, SIF_MOD_START_PFN) */
	unsigned long mod_len;          /* bytes */
	s8 cmd_line[MAX_GUEST_CMDLINE];
	unsigned long first_p2m_pfn;
	unsigned long nr_p2m_frames;
};

#endif /* !__ASSEMBLY__ */

/* SCHEDOP_* and SHUTDOWN_* live with their argument structs. */
#include <xen/interface/sched.h>

#endif /* _PVB_XEN_IFACE_XEN_H */

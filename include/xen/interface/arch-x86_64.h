/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: the x86-64 specific half of the Xen PV guest ABI.
 *
 * Written for pvbatch from the published interface (numbers and layouts
 * are what a 64-bit PV guest sees on Xen 4.17).  Only 64-bit guests are
 * described; there is no 32-bit or compat variant here.
 *
 * Usable from assembly: everything that is not a plain number sits behind
 * #ifndef __ASSEMBLY__.
 */
#ifndef _PVB_XEN_IFACE_ARCH_X86_64_H
#define _PVB_XEN_IFACE_ARCH_X86_64_H

#include <xen/interface/types.h>

/*
 * Segment selectors.  A 64-bit PV kernel runs in ring 3 too, so Xen's
 * flat descriptors (GDT entries 7172..7174, inside the GDT pages Xen
 * reserves from entry 7168 up) serve kernel and user alike, all RPL 3.
 * The 64-bit data selector is the null selector.
 */
#define FLAT_RING3_CS32  0xe023          /* entry 7172: 32-bit code */
#define FLAT_RING3_DS32  0xe02b          /* entry 7173: flat data */
#define FLAT_RING3_SS32  0xe02b
#define FLAT_RING3_CS64  0xe033          /* entry 7174: 64-bit code */
#define FLAT_RING3_DS64  0x0000
#define FLAT_RING3_SS64  0xe02b

#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_CS32   FLAT_RING3_CS32
#define FLAT_USER_DS32   FLAT_RING3_DS32
#define FLAT_USER_SS32   FLAT_RING3_SS32
#define FLAT_USER_CS64   FLAT_RING3_CS64
#define FLAT_USER_DS64   FLAT_RING3_DS64
#define FLAT_USER_SS64   FLAT_RING3_SS64
#define FLAT_USER_CS     FLAT_USER_CS64
#define FLAT_USER_DS     FLAT_USER_DS64
#define FLAT_USER_SS     FLAT_USER_SS64

/*
 * Virtual address space Xen keeps for itself in every PV address space
 * (the bottom of the upper canonical half), and the read-only
 * machine-to-physical table at its start: one 8-byte pfn per mfn.
 */
#define HYPERVISOR_VIRT_START _PVB_UL(0xFFFF800000000000)
#define HYPERVISOR_VIRT_END   _PVB_UL(0xFFFF880000000000)
#define MACH2PHYS_VIRT_START  _PVB_UL(0xFFFF800000000000)
#define MACH2PHYS_VIRT_END    _PVB_UL(0xFFFF804000000000)
#define MACH2PHYS_NR_ENTRIES  ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* Size of the vcpu_info array embedded in the shared-info page. */
#define XEN_LEGACY_MAX_VCPUS  32

/* Which base HYPERVISOR_set_segment_base loads. */
#define SEGBASE_FS            0
#define SEGBASE_GS_USER       1
#define SEGBASE_GS_KERNEL     2
#define SEGBASE_GS_USER_SEL   3   /* base[15:0] is a selector for user %gs */

/*
 * vcpu_guest_context.flags.  Lower-case names are masks; a leading
 * underscore gives the bit number.  The two upper-case spellings are older
 * aliases still found in guest code.
 */
#define _VGCF_i387_valid               0
#define _VGCF_in_kernel                2
#define _VGCF_failsafe_disables_events 3
#define _VGCF_syscall_disables_events  4
#define _VGCF_online                   5
#define _VGCF_in_syscall               8
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define VGCF_online                    (1 << _VGCF_online)
#define VGCF_in_syscall                (1 << _VGCF_in_syscall)
#define VGCF_I387_VALID                VGCF_i387_valid
#define VGCF_IN_KERNEL                 VGCF_in_kernel
#define VGCF_IN_SYSCALL                VGCF_in_syscall

/* cr3 values (ctrlreg[3], NEW_BASEPTR) carry the frame number at bit 12. */
#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

/*
 * trap_info.flags: bits 0-1 are the DPL a software INT needs to reach the
 * handler; bit 2 set means events are masked on entry (interrupt gate).
 */
#define TI_GET_DPL(ti)      ((ti)->flags & 3)
#define TI_GET_IF(ti)       ((ti)->flags & 4)
#define TI_SET_DPL(ti, dpl) ((ti)->flags |= (dpl))
#define TI_SET_IF(ti, on)   ((ti)->flags |= ((!!(on)) << 2))

#ifndef __ASSEMBLY__

typedef unsigned long xen_ulong_t;   /* a guest "long" in the ABI */
typedef u64 xen_pfn_t;               /* machine or pseudo-physical frame */
typedef unsigned long xen_callback_t;

/*
 * One entry of the virtual IDT handed to HYPERVISOR_set_trap_table; a
 * table ends with an entry whose address is 0.
 */
struct trap_info {
	u8 vector;
	u8 flags;                /* see TI_* above */
	u16 cs;                  /* normally FLAT_KERNEL_CS */
	unsigned long address;   /* handler entry point */
};

/*
 * Register file as Xen stores it for a vCPU (used inside
 * vcpu_guest_context).  error_code and entry_vector belong to Xen;
 * saved_upcall_mask is the event mask to restore on return.
 */
struct cpu_user_regs {
	u64 r15;
	u64 r14;
	u64 r13;
	u64 r12;
	u64 rbp;
	u64 rbx;
	u64 r11;
	u64 r10;
	u64 r9;
	u64 r8;
	u64 rax;
	u64 rcx;
	u64 rdx;
	u64 rsi;
	u64 rdi;
	u32 error_code;
	u32 entry_vector;
	u64 rip;
	u16 cs, _pad0[1];
	u8 saved_upcall_mask;
	u8 _pad1[3];
	u64 rflags;
	u64 rsp;
	u16 ss, _pad2[3];
	u16 es, _pad3[3];
	u16 ds, _pad4[3];
	u16 fs, _pad5[3];
	u16 gs, _pad6[3];
};

/*
 * Frame HYPERVISOR_iret pops, lowest address first: the guest pushes it
 * (from ss down to rax) and then makes the hypercall with %rsp at rax.
 * flags takes VGCF_in_syscall.
 */
struct iret_context {
	u64 rax;
	u64 r11;
	u64 rcx;
	u64 flags;
	u64 rip;
	u64 cs;
	u64 rflags;
	u64 rsp;
	u64 ss;
};

/*
 * Complete initial state of a vCPU, for VCPUOP_initialise.  fpu_ctxt
 * comes first so it can be 16-byte aligned for fxsave/fxrstor.
 * ctrlreg[3] holds the kernel top-level table (xen_pfn_to_cr3 of its
 * mfn) and ctrlreg[1] the user one.  kernel_ss/kernel_sp play the part of
 * the TSS ring-1 stack.
 */
struct vcpu_guest_context {
	struct {
		char x[512];
	} fpu_ctxt;
	unsigned long flags;                 /* VGCF_* */
	struct cpu_user_regs user_regs;
	struct trap_info trap_ctxt[256];
	unsigned long ldt_base;              /* linear address */
	unsigned long ldt_ents;
	unsigned long gdt_frames[16];        /* machine frames */
	unsigned long gdt_ents;
	unsigned long kernel_ss;
	unsigned long kernel_sp;
	unsigned long ctrlreg[8];
	unsigned long debugreg[8];
	unsigned long event_callback_eip;
	unsigned long failsafe_callback_eip;
	unsigned long syscall_callback_eip;
	unsigned long vm_assist;             /* bitmap of VMASST_TYPE_* */
	u64 fs_base;
	u64 gs_base_kernel;
	u64 gs_base_user;
};

/* Per-vCPU arch state inside vcpu_info: cr2 of the last page fault. */
struct arch_vcpu_info {
	unsigned long cr2;
	unsigned long pad;
};

/*
 * Arch part of the shared-info page: where the guest publishes its
 * pfn-to-mfn table for the toolstack (save/restore, dumps).
 */
struct arch_shared_info {
	unsigned long max_pfn;                  /* entries in the p2m */
	xen_pfn_t pfn_to_mfn_frame_list_list;   /* root of 3-level p2m list */
	unsigned long nmi_reason;
	unsigned long p2m_cr3;                  /* linear p2m: its cr3, */
	unsigned long p2m_vaddr;                /* its address, */
	unsigned long p2m_generation;           /* odd while being changed */
};

#endif /* !__ASSEMBLY__ */

#endif /* _PVB_XEN_IFACE_ARCH_X86_64_H */

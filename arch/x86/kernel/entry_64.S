/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception entry for a 64-bit PV guest.  Xen delivers kernel-mode faults
 * on the current stack with rcx and r11 (clobbered by its sysret-style
 * return) saved below the hardware frame:
 *
 *	rcx, r11, [error code], rip, cs, rflags, rsp, ss
 *
 * We restore rcx/r11, give every vector an error-code slot, save the
 * general registers as struct pt_regs and call do_trap().  The way back
 * is the iret hypercall, which wants rax, r11, rcx, flags on top of the
 * hardware frame; the hypercall page's iret stub pushes the first three.
 */
/* __HYPERVISOR_iret; traps.c checks it against the ABI header. */
#define HYPERVISOR_IRET_NR	23

.macro TRAP_ENTRY vec, has_error
	.globl xen_trap_\vec
xen_trap_\vec:
	popq	%rcx
	popq	%r11
	.if \has_error == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
.endm

	.text
	TRAP_ENTRY 0, 0		/* #DE */
	TRAP_ENTRY 1, 0		/* #DB */
	TRAP_ENTRY 3, 0		/* #BP */
	TRAP_ENTRY 4, 0		/* #OF */
	TRAP_ENTRY 5, 0		/* #BR */
	TRAP_ENTRY 6, 0		/* #UD */
	TRAP_ENTRY 7, 0		/* #NM */
	TRAP_ENTRY 8, 1		/* #DF */
	TRAP_ENTRY 10, 1	/* #TS */
	TRAP_ENTRY 11, 1	/* #NP */
	TRAP_ENTRY 12, 1	/* #SS */
	TRAP_ENTRY 13, 1	/* #GP */
	TRAP_ENTRY 14, 1	/* #PF */
	TRAP_ENTRY 16, 0	/* #MF */
	TRAP_ENTRY 17, 1	/* #AC */
	TRAP_ENTRY 18, 0	/* #MC */
	TRAP_ENTRY 19, 0	/* #XM */

trap_common:
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	movq	%rsp, %rbx		/* callee-saved: the frame */
	andq	$-16, %rsp
	call	do_trap
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	addq	$16, %rsp		/* vector, error code */
	pushq	$0			/* iret flags: not in a syscall */
	jmp	hypercall_page + HYPERVISOR_IRET_NR * 32

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What Xen's domain builder reads from our ELF image (the notes), where it
 * starts us, and the page it fills with hypercall stubs.
 *
 * We link with virtual == "physical" addresses at __START_KERNEL_map, so
 * VIRT_BASE and PADDR_OFFSET are both that base: Xen then maps pfn 0 at
 * the base and our image sits where we linked it.
 */
#include <xen/interface/elfnote.h>
#include <asm/smp.h>

#define __START_KERNEL_map	0xffffffff80000000

.macro ELFNOTE_BEGIN type
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f		/* name size */
	.long 4f - 3f		/* descriptor size */
	.long \type
1:	.asciz "Xen"
2:	.balign 4
3:
.endm

.macro ELFNOTE_END
4:	.balign 4
	.popsection
.endm

.macro ELFNOTE_STR type, str
	ELFNOTE_BEGIN \type
	.asciz "\str"
	ELFNOTE_END
.endm

.macro ELFNOTE_QUAD type, val
	ELFNOTE_BEGIN \type
	.quad \val
	ELFNOTE_END
.endm

	ELFNOTE_STR XEN_ELFNOTE_GUEST_OS, pvbatch
	ELFNOTE_STR XEN_ELFNOTE_GUEST_VERSION, 0.1
	ELFNOTE_STR XEN_ELFNOTE_XEN_VERSION, xen-3.0
	ELFNOTE_STR XEN_ELFNOTE_LOADER, generic
	ELFNOTE_QUAD XEN_ELFNOTE_VIRT_BASE, __START_KERNEL_map
	ELFNOTE_QUAD XEN_ELFNOTE_PADDR_OFFSET, __START_KERNEL_map
	ELFNOTE_QUAD XEN_ELFNOTE_ENTRY, startup_xen
	ELFNOTE_QUAD XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page

	.section .head.text, "ax"
	.code64
	.globl startup_xen
startup_xen:
	/* %rsi: start_info.  Run on vCPU 0's stack; cpu_data sits at its bottom. */
	cld
	leaq	cpu_stacks + THREAD_SIZE(%rip), %rsp
	movq	%rsi, %rdi
	xorl	%ebp, %ebp
	call	xen_start_kernel
	ud2

	/* Secondary vCPUs start here with %rsp set by VCPUOP_initialise. */
	.globl secondary_startup_xen
secondary_startup_xen:
	cld
	xorl	%ebp, %ebp
	call	xen_secondary_start
	ud2

	.section .text.hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.skip 4096
	.size hypercall_page, 4096

	.section .bss.stacks, "aw", @nobits
	.balign THREAD_SIZE
	.globl cpu_stacks
cpu_stacks:
	.skip THREAD_SIZE * NR_CPUS

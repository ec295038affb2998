/* SPDX-License-Identifier: GPL-2.0 */
/* Symbols the linker script (arch/x86/kernel/pvbatch.lds) defines. */
#ifndef _ASM_X86_SECTIONS_H
#define _ASM_X86_SECTIONS_H

extern char _end[];		/* the end of the image, bss included */

#endif

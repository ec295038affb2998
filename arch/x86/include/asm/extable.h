/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception table: an instruction that may fault, and where to resume if
 * it does.  The fixup code reports the fault to its caller.
 */
#ifndef _ASM_X86_EXTABLE_H
#define _ASM_X86_EXTABLE_H

#include <linux/types.h>

struct exception_table_entry {
	unsigned long insn, fixup;
};

#define _ASM_EXTABLE(from, to)				\
	".pushsection __ex_table, \"a\"\n"		\
	".balign 8\n"					\
	".quad " #from ", " #to "\n"			\
	".popsection\n"

struct pt_regs;
bool fixup_exception(struct pt_regs *regs);

/* Write one byte; 0, or -EFAULT if the write faulted. */
static inline int probe_write_u8(volatile u8 *p, u8 v)
{
	int err = 0;

	asm volatile("1: movb %2, %1\n"
		     "2:\n"
		     ".pushsection .fixup, \"ax\"\n"
		     "3: movl $-14, %0\n"
		     "   jmp 2b\n"
		     ".popsection\n"
		     _ASM_EXTABLE(1b, 3b)
		     : "+r"(err), "=m"(*p)
		     : "q"(v)
		     : "memory");
	return err;
}

/* Read one byte; 0, or -EFAULT if the read faulted. */
static inline int probe_read_u8(const volatile u8 *p, u8 *v)
{
	int err = 0;
	u8 val = 0;

	asm volatile("1: movb %2, %1\n"
		     "2:\n"
		     ".pushsection .fixup, \"ax\"\n"
		     "3: movl $-14, %0\n"
		     "   jmp 2b\n"
		     ".popsection\n"
		     _ASM_EXTABLE(1b, 3b)
		     : "+r"(err), "+q"(val)
		     : "m"(*p)
		     : "memory");
	*v = val;
	return err;
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_TRAPS_H
#define _ASM_X86_TRAPS_H

struct trap_info;
struct pt_regs;

void xen_traps_init(void);
const struct trap_info *xen_trap_table(void);
unsigned long read_cr2(void);
void do_trap(struct pt_regs *regs);

#endif

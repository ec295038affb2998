/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_TRAPS_H
#define _ASM_X86_TRAPS_H

#include <linux/types.h>

struct trap_info;
struct pt_regs;

void xen_traps_init(void);
const struct trap_info *xen_trap_table(void);
unsigned long read_cr2(void);
void do_trap(struct pt_regs *regs);
/*
 * Would a page fault with this error code at address be retried as
 * spurious (the whole walk allows the access, within the retry bound)?
 * Counts the retry on this vCPU, as the fault handler does.
 */
bool spurious_fault_retry(unsigned long error_code, unsigned long address);
/* For a harness self-test only: check the pte alone, as before. */
void traps_check_pte_only(void);

#endif

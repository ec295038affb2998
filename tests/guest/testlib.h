/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the in-guest self-tests. */
#ifndef _TESTS_GUEST_TESTLIB_H
#define _TESTS_GUEST_TESTLIB_H

#include <linux/types.h>
#include <asm/pgtable.h>
#include <pvbatch/mm.h>

/* The backends every protection test runs on. */
extern const char *const test_backends[3];

/* The pte mapping page i of r (its L1 is ours, so it always exists). */
pte_t *region_ptep(const struct region *r, unsigned long i);

/*
 * Rewrite every pte of r with MMU_NORMAL_PT_UPDATE, clearing the bits in
 * clear, then flush every TLB so the next access walks the tables again.
 */
int region_clear_bits(const struct region *r, u64 clear);

/* Flush every vCPU's TLB now. */
void flush_all_tlbs(void);

/*
 * MMU hypercalls (mmu_update, mmuext_op, multicall, update_va_mapping)
 * this vCPU has issued so far: console and scheduling calls left out.
 */
u64 hypercalls_issued(void);

#endif

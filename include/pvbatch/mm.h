/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Regions: the guest's minimal notion of a VMA.  A region is a run of
 * pages, each backed by its own frame, mapped in the vmap area; its L1
 * tables are ours, so protection changes on it exercise the backend.
 */
#ifndef _PVBATCH_MM_H
#define _PVBATCH_MM_H

#include <linux/types.h>
#include <asm/pgtable.h>

struct region {
	unsigned long start;		/* virtual address, page aligned */
	unsigned long npages;
	pgprot_t prot;
};

/*
 * Map npages fresh zeroed pages at a new address whose offset into its
 * first L1 table is offset_pages (to place ranges across L1 boundaries).
 */
int region_create(struct region *r, unsigned long npages,
		  unsigned long offset_pages, pgprot_t prot);
void region_destroy(struct region *r);

static inline unsigned long region_end(const struct region *r)
{
	return r->start + r->npages * PAGE_SIZE;
}

/*
 * Change the protection of [start, end) inside r to newprot, keeping
 * each pte's frame and Accessed/Dirty bits; one TLB flush for the range.
 * 0, or the first error (every update was still attempted).  Holds
 * the range's pte locks (below); r->prot is set under them.
 */
int change_protection(struct region *r, unsigned long start,
		      unsigned long end, pgprot_t newprot);

/*
 * The pte locks of [start, end): one per L1 page table (mm/mprotect.c).
 * A protection change holds them from its first pte transaction until
 * its batch has been issued.  Not from fault context (it panics).
 */
void pte_lock_range(unsigned long start, unsigned long end);
void pte_unlock_range(unsigned long start, unsigned long end);

/*
 * Tests only: make change_protection() wrong on purpose, to show that
 * the tests catch it.  MPROTECT_BREAK_PMD_CHECK: change a whole table at
 * its L2 entry without checking the ptes below; MPROTECT_BREAK_PMD_FLUSH:
 * no TLB flush after an L2 entry takes access away;
 * MPROTECT_BREAK_PMD_PUSH: drop an L2 restriction without pushing it down
 * into the ptes outside the range.  0: correct again.
 */
#define MPROTECT_BREAK_PMD_CHECK	(1U << 0)
#define MPROTECT_BREAK_PMD_FLUSH	(1U << 1)
#define MPROTECT_BREAK_PMD_PUSH		(1U << 2)
void mprotect_inject_break(unsigned int breaks);

#endif

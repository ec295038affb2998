/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building page tables under Xen: walking the tables Xen built, adding
 * L1/L2 tables of our own, and the kernel virtual area where test regions
 * are mapped.
 *
 * Layout of the top gigabyte (L4 slot 511, L3 slot 511), which Xen leaves
 * empty: one L2 of ours; its first 2 MiB (the "ptmap") map every page-table
 * page we create, read-only, so their entries can be read; the rest is the
 * area regions are mapped into.
 */
#ifndef _ASM_X86_PGALLOC_H
#define _ASM_X86_PGALLOC_H

#include <linux/types.h>
#include <asm/pgtable.h>
#include <asm/xen/page.h>

#define XEN_AREA_START		0xffffffffc0000000UL
#define PTMAP_START		XEN_AREA_START
#define PTMAP_SLOTS		PTRS_PER_PTE
#define VMAP_START		(XEN_AREA_START + PMD_SIZE)
#define VMAP_END		0xfffffffffff00000UL

/* Pfns [0, xen_initial_map_pfns) are mapped by Xen at __START_KERNEL_map. */
extern unsigned long xen_initial_map_pfns;

void xen_pgtable_init(void);
/*
 * Our L2 for the top gigabyte (NULL until xen_pgtable_init() made it),
 * and the ptmap address of the L1 under each of its entries (NULL: none).
 * Written only while page tables are set up; read by the lookups below.
 */
extern pte_t *xen_area_l2;
extern pte_t *xen_area_l1[PTRS_PER_PTE];
/* lookup_pte() outside our area: the whole walk. */
pte_t *lookup_pte_walk(unsigned long va);
/*
 * The entry mapping va at level 4 (L4) .. 1 (the pte), through the whole
 * walk; NULL if there is none (a level above not present, or large).
 */
pte_t *lookup_entry(unsigned long va, unsigned int level);

/*
 * The L1 entry mapping va, or NULL if no L1 table covers it.  Inline for
 * our area, where every protection change happens: two loads, no walk
 * (under TCG a call and its return cost more than the lookup).
 */
static inline pte_t *lookup_pte(unsigned long va)
{
	pte_t *l1;

	if (va < XEN_AREA_START || !xen_area_l2)
		return lookup_pte_walk(va);
	l1 = xen_area_l1[(va >> PMD_SHIFT) & (PTRS_PER_PTE - 1)];
	return l1 ? &l1[(va >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)] : NULL;
}

/*
 * The L2 entry above va's L1 table (the level a protection change may be
 * made at, mm/mprotect.c), or NULL if there is none; for our area it is
 * an entry of our own L2, found without a walk.
 */
static inline pte_t *lookup_pmd(unsigned long va)
{
	if (va < XEN_AREA_START || !xen_area_l2)
		return lookup_entry(va, 2);
	return &xen_area_l2[(va >> PMD_SHIFT) & (PTRS_PER_PTE - 1)];
}

/*
 * The pte for va as the walk sees it: protection across the L2 entry and
 * the pte (pte_under_pmd()), the pte's own frame and Accessed/Dirty.
 * __pte(0) if no L1 table covers va.  Every reader of a protection uses
 * this, not the pte alone: a region's protection may be held at its L2.
 */
pte_t pte_effective(unsigned long va);
/* Make sure an L1 table covers va (va inside the vmap area). */
int vmap_populate_l1(unsigned long va);
/*
 * Write one page-table entry at once (MMU_NORMAL_PT_UPDATE), through the
 * backend's own path (a refusal is reported); for setup code that needs
 * the result.  Inside a lazy section use set_pte_at().
 */
int set_pte_now(pte_t *ptep, pte_t pte);
/* The frames behind the ptmap's slots: every page table we created. */
extern u64 ptmap_mfn[PTMAP_SLOTS];

/* Machine address of a page-table entry (two loads for tables we made). */
static inline u64 ptep_to_machine(const pte_t *ptep)
{
	unsigned long va = (unsigned long)ptep;

	if (va - PTMAP_START < PMD_SIZE)
		return (ptmap_mfn[(va - PTMAP_START) >> PAGE_SHIFT] << PAGE_SHIFT) |
		       (va & ~PAGE_MASK);
	return arbitrary_virt_to_machine(ptep);
}
/* A pte mapping pseudo-physical frame pfn, and the reverse. */
static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return mfn_pte(pfn_to_mfn(pfn), prot);
}

static inline unsigned long pte_pfn(pte_t pte)
{
	return mfn_to_pfn(pte_mfn(pte));
}

/* Number of page-table pages created so far. */
unsigned int ptmap_pages_used(void);

#endif

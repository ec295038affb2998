// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <pvbatch/mm.h>
#include <pvbatch/page_alloc.h>

/* Regions are carved from the vmap area, stack-like: last in, first out. */
static unsigned long vmap_next = VMAP_START;

/*
 * Map [va, va + n pages) to fresh frames: the L1 tables first, then the
 * ptes, in one lazy section (batched like any other pte write).
 */
static int map_fresh_pages(unsigned long va, unsigned long n, pgprot_t prot)
{
	unsigned long addr, end = va + n * PAGE_SIZE;
	int err = 0, rc;

	for (addr = va & ~(PMD_SIZE - 1); addr < end; addr += PMD_SIZE) {
		rc = vmap_populate_l1(max(addr, va));
		if (rc)
			return rc;
	}
	arch_enter_lazy_mmu_mode();
	for (addr = va; addr < end; addr += PAGE_SIZE) {
		long pfn = alloc_pfn();

		if (pfn < 0) {
			err = -ENOMEM;
			break;
		}
		set_pte_at(addr, lookup_pte(addr), pfn_pte(pfn, prot));
	}
	rc = arch_leave_lazy_mmu_mode();
	if (rc)
		pr_err("region: mapping %lu pages at %#lx: %d\n", n, va, rc);
	return err ?: rc;
}

/*
 * Unmap and free [va, va + n pages); entries that are absent are skipped.
 * The frames go back to the allocator before the batch is issued: nothing
 * allocates before the section ends.
 */
static void unmap_pages(unsigned long va, unsigned long n)
{
	unsigned long addr, end = va + n * PAGE_SIZE;

	arch_enter_lazy_mmu_mode();
	for (addr = va; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = lookup_pte(addr);
		pte_t pte;

		if (!ptep)
			continue;
		pte = ptep_read(ptep);
		if (!pte_present(pte))
			continue;
		set_pte_at(addr, ptep, __pte(0));
		free_pfn(pte_pfn(pte));
	}
	/*
	 * A protection held at an L2 entry (mm/mprotect.c) goes with the
	 * region: the next region mapped under that L1 starts permissive.
	 */
	for (addr = va & ~(PMD_SIZE - 1); addr < end; addr += PMD_SIZE) {
		pte_t *pmdp = lookup_pmd(addr);

		if (pmdp && pte_present(ptep_read(pmdp)) &&
		    !pmd_permissive(ptep_read(pmdp)))
			set_pmd(addr, pmdp, __pte((pte_val(ptep_read(pmdp)) |
						   _PAGE_RW) & ~(_PAGE_NX |
								 _PAGE_XEN_ADDED)));
	}
	flush_tlb_range(va, end);
	if (arch_leave_lazy_mmu_mode())
		panic("region: cannot unmap [%#lx, %#lx)", va, end);
}

int region_create(struct region *r, unsigned long npages,
		  unsigned long offset_pages, pgprot_t prot)
{
	unsigned long start = ALIGN(vmap_next, PMD_SIZE) + offset_pages * PAGE_SIZE;
	unsigned long end = start + npages * PAGE_SIZE;
	int rc;

	if (!npages || offset_pages >= PTRS_PER_PTE)
		return -EINVAL;
	if (end > VMAP_END || end < start)
		return -ENOMEM;
	if (npages > nr_free_pfns())
		return -ENOMEM;
	rc = map_fresh_pages(start, npages, prot);
	if (rc) {
		unmap_pages(start, npages);
		return rc;
	}
	/* Zero them through the new mapping (Xen hands out dirty frames). */
	if (pgprot_val(prot) & _PAGE_RW)
		memset((void *)start, 0, npages * PAGE_SIZE);
	r->start = start;
	r->npages = npages;
	r->prot = prot;
	vmap_next = end + PAGE_SIZE;		/* one guard page */
	return 0;
}

void region_destroy(struct region *r)
{
	unmap_pages(r->start, r->npages);
	if (vmap_next == region_end(r) + PAGE_SIZE)
		vmap_next = r->start & ~(PMD_SIZE - 1);
	r->npages = 0;
}

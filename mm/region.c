// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/pgalloc.h>
#include <asm/xen/page.h>
#include <asm/xen/hypercall.h>
#include <pvbatch/mm.h>
#include <pvbatch/page_alloc.h>

/* Regions are carved from the vmap area, stack-like: last in, first out. */
static unsigned long vmap_next = VMAP_START;

#define MAP_CHUNK 256

/* Map [va, va + n pages) to fresh frames, MAP_CHUNK requests a hypercall. */
static int map_fresh_pages(unsigned long va, unsigned long n, pgprot_t prot)
{
	static struct mmu_update req[MAP_CHUNK];
	unsigned long i = 0;

	while (i < n) {
		unsigned int k = 0, done = 0;
		int rc;

		for (; i < n && k < MAP_CHUNK; i++, k++) {
			unsigned long addr = va + i * PAGE_SIZE;
			long pfn = alloc_pfn();
			pte_t *ptep;

			if (pfn < 0)
				return -ENOMEM;
			rc = vmap_populate_l1(addr);
			if (rc)
				return rc;
			ptep = lookup_pte(addr);
			req[k].ptr = ptep_to_machine(ptep) | MMU_NORMAL_PT_UPDATE;
			req[k].val = pte_val(mfn_pte(pfn_to_mfn(pfn), prot));
		}
		rc = HYPERVISOR_mmu_update(req, k, &done, DOMID_SELF);
		if (rc) {
			pr_err("region: mapping %u pages: %d after %u\n", k, rc, done);
			return rc;
		}
	}
	return 0;
}

/* Unmap and free [va, va + n pages); entries that are absent are skipped. */
static void unmap_pages(unsigned long va, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		pte_t *ptep = lookup_pte(va + i * PAGE_SIZE);
		pte_t pte;

		if (!ptep)
			continue;
		pte = ptep_read(ptep);
		if (!pte_present(pte))
			continue;
		if (set_pte_now(ptep, __pte(0)))
			panic("region: cannot unmap %#lx", va + i * PAGE_SIZE);
		free_pfn(mfn_to_pfn(pte_mfn(pte)));
	}
	HYPERVISOR_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_ALL },
			     1, NULL, DOMID_SELF);
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

// SPDX-License-Identifier: GPL-2.0
/* Allocator, p2m/M2P, page-table walk, and new mappings. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/pgalloc.h>
#include <asm/sections.h>
#include <asm/xen/page.h>
#include <pvbatch/ktap.h>
#include <pvbatch/mm.h>
#include <pvbatch/page_alloc.h>
#include "testlib.h"

static void mm_allocator(void)
{
	static long pfns[200];
	long leaked;
	unsigned long before = nr_free_pfns();
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(pfns); i++) {
		pfns[i] = alloc_pfn();
		KT_ASSERT(pfns[i] > 0, "alloc %u: %ld", i, pfns[i]);
		KT_EXPECT((unsigned long)pfns[i] < nr_total_pfns(), "pfn %ld", pfns[i]);
	}
	for (i = 0; i < ARRAY_SIZE(pfns); i++)
		for (j = i + 1; j < ARRAY_SIZE(pfns); j++)
			KT_EXPECT(pfns[i] != pfns[j], "pfn %ld handed out twice", pfns[i]);
	KT_EXPECT(nr_free_pfns() == before - ARRAY_SIZE(pfns), "free count");
	for (i = 0; i < ARRAY_SIZE(pfns); i++)
		free_pfn(pfns[i]);
	KT_EXPECT(nr_free_pfns() == before, "free count after free");
	/* No pfn of our image is ever handed out. */
	leaked = alloc_pfn_below(virt_to_pfn(_end));
	if (!KT_EXPECT(leaked < 0, "pfn %ld of our image is free", leaked))
		free_pfn(leaked);
}
KTAP_CASE(mm, allocator, mm_allocator);

static void mm_p2m_roundtrip(void)
{
	unsigned long pfn, n = 0;

	for (pfn = 0; pfn < xen_nr_pfns; pfn += 97, n++)
		KT_EXPECT(mfn_to_pfn(pfn_to_mfn(pfn)) == pfn, "pfn %#lx -> mfn %#lx -> %#lx",
			  pfn, pfn_to_mfn(pfn), mfn_to_pfn(pfn_to_mfn(pfn)));
	ktap_diag("p2m: %lu pfns round-tripped", n);
}
KTAP_CASE(mm, p2m_roundtrip, mm_p2m_roundtrip);

static void mm_walk(void)
{
	const void *va = (const void *)mm_walk;
	pte_t *ptep = lookup_pte((unsigned long)va);

	KT_ASSERT(ptep, "no pte for our own text");
	KT_EXPECT(pte_present(ptep_read(ptep)), "text not present");
	KT_EXPECT(pte_mfn(ptep_read(ptep)) == pfn_to_mfn(virt_to_pfn(va)),
		  "walk mfn %#lx, p2m mfn %#lx", pte_mfn(ptep_read(ptep)),
		  pfn_to_mfn(virt_to_pfn(va)));
	KT_EXPECT(!lookup_pte(VMAP_END - PAGE_SIZE) ||
		  !pte_present(ptep_read(lookup_pte(VMAP_END - PAGE_SIZE))),
		  "end of the vmap area is mapped");
}
KTAP_CASE(mm, walk, mm_walk);

/* A 600-page region crosses an L1 boundary; every page has its own frame. */
static void mm_region_map(void)
{
	struct region r;
	unsigned long before = nr_free_pfns(), i, tables;
	unsigned int pt_before = ptmap_pages_used();
	int rc = region_create(&r, 600, 300, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	for (i = 0; i < r.npages; i++)
		*(volatile u64 *)(r.start + i * PAGE_SIZE + (i % 512) * 8) = i * 7 + 1;
	for (i = 0; i < r.npages; i++) {
		pte_t pte = ptep_read(region_ptep(&r, i));

		KT_EXPECT(*(volatile u64 *)(r.start + i * PAGE_SIZE + (i % 512) * 8) ==
			  i * 7 + 1, "page %lu lost its data", i);
		KT_EXPECT(pte_present(pte) && (pte_val(pte) & _PAGE_RW) &&
			  (pte_val(pte) & _PAGE_DIRTY), "page %lu pte %#lx", i,
			  pte_val(pte));
		if (i && pte_mfn(pte) == pte_mfn(ptep_read(region_ptep(&r, i - 1))))
			KT_EXPECT(0, "pages %lu and %lu share a frame", i - 1, i);
	}
	/* New L1 tables stay in place for later regions. */
	tables = ptmap_pages_used() - pt_before;
	KT_EXPECT(nr_free_pfns() == before - 600 - tables, "free %lu, expected %lu",
		  nr_free_pfns(), before - 600 - tables);
	region_destroy(&r);
	KT_EXPECT(nr_free_pfns() == before - tables, "frames not returned");
	ktap_diag("region: 600 pages at %#lx, %u page-table pages in use",
		  r.start, ptmap_pages_used());
}
KTAP_CASE(mm, region_map, mm_region_map);

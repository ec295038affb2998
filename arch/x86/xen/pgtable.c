// SPDX-License-Identifier: GPL-2.0
/*
 * Page tables we build on top of the ones Xen built for us.
 *
 * Xen's rules shape this file: a page becomes a page table only if no
 * writable mapping of it exists anywhere (else -EINVAL when hooked, and
 * -EBUSY if one is made later), and every entry is written with
 * mmu_update.  So a new table page is taken off the allocator, any
 * writable mapping of it is dropped, it is zeroed by Xen (CLEAR_PAGE),
 * mapped read-only in the ptmap so we can read it, and only then hooked
 * into its parent.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/xen/page.h>
#include <asm/xen/mmu.h>
#include <pvbatch/page_alloc.h>

unsigned long xen_initial_map_pfns;

u64 ptmap_mfn[PTMAP_SLOTS];
static unsigned int ptmap_used;
static pte_t *ptmap_l1;		/* the ptmap's own L1, via the ptmap */
pte_t *xen_area_l2;
pte_t *xen_area_l1[PTRS_PER_PTE];

unsigned int ptmap_pages_used(void)
{
	return ptmap_used;
}

static void *ptmap_slot_virt(unsigned int slot)
{
	return (void *)(PTMAP_START + ((unsigned long)slot << PAGE_SHIFT));
}

/*
 * Virtual address of a page-table page given its machine frame: the
 * ptmap for tables we made (their initial-map alias, if any, is gone),
 * the initial map for Xen's own.
 */
static void *pt_virt(u64 mfn)
{
	unsigned long pfn = mfn_to_pfn(mfn);
	unsigned int i;

	for (i = 0; i < ptmap_used; i++)
		if (ptmap_mfn[i] == mfn)
			return ptmap_slot_virt(i);
	if (pfn < xen_initial_map_pfns)
		return pfn_to_virt(pfn);
	panic("page table mfn %#lx (pfn %#lx) has no mapping",
	      mfn, pfn);
}

static pte_t *table_entry(pte_t *table, unsigned long va, unsigned int shift)
{
	return &table[(va >> shift) & (PTRS_PER_PTE - 1)];
}

pte_t *lookup_pte_walk(unsigned long va)
{
	pte_t *t = (pte_t *)xen_start_info->pt_base;
	static const unsigned int shifts[] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shifts); i++) {
		pte_t e = ptep_read(table_entry(t, va, shifts[i]));

		if (!pte_present(e) || (pte_val(e) & _PAGE_PSE))
			return NULL;
		t = pt_virt(pte_mfn(e));
	}
	return table_entry(t, va, PAGE_SHIFT);
}

pte_t pte_effective(unsigned long va)
{
	pte_t *ptep = lookup_pte(va), *pmdp = lookup_pmd(va);

	if (!ptep || !pmdp)
		return __pte(0);
	return pte_under_pmd(ptep_read(ptep), ptep_read(pmdp));
}

u64 arbitrary_virt_to_machine(const void *p)
{
	unsigned long va = (unsigned long)p;
	pte_t *ptep;

	if (va >= __START_KERNEL_map &&
	    va < __START_KERNEL_map + (xen_initial_map_pfns << PAGE_SHIFT))
		return ((u64)pfn_to_mfn(virt_to_pfn(p)) << PAGE_SHIFT) |
		       (va & ~PAGE_MASK);
	ptep = lookup_pte(va);
	if (!ptep || !pte_present(ptep_read(ptep)))
		panic("virt_to_machine: %#lx is not mapped", va);
	return (pte_mfn(ptep_read(ptep)) << PAGE_SHIFT) | (va & ~PAGE_MASK);
}

int set_pte_now(pte_t *ptep, pte_t pte)
{
	return xen_mmu_update_now(ptep_to_machine(ptep) | MMU_NORMAL_PT_UPDATE,
				  pte_val(pte), _RET_IP_);
}

/*
 * Map or unmap the page at va (in Xen's initial map, or ours) at once,
 * and flush it from every TLB that may hold it.
 */
static int set_kernel_pte(void *va, pte_t pte)
{
	unsigned long addr = (unsigned long)va;
	pte_t *ptep = lookup_pte(addr);
	int rc;

	if (!ptep)
		return -EFAULT;
	rc = set_pte_now(ptep, pte);
	flush_tlb_range(addr, addr + PAGE_SIZE);
	return rc;
}

static int clear_frame(u64 mfn)
{
	struct mmuext_op op = { .cmd = MMUEXT_CLEAR_PAGE };

	op.arg1.mfn = mfn;
	return xen_mmuext_now(&op, _RET_IP_);
}

/*
 * Take a page off the allocator and make it fit to become a page table:
 * no writable mapping, zeroed, and readable through the ptmap.
 * Returns its machine frame, and its ptmap address in *virt.
 */
static long new_table_page(void **virt)
{
	long pfn = alloc_pfn();
	u64 mfn;
	unsigned int slot;
	int rc;

	if (pfn < 0)
		return pfn;
	if (ptmap_used == PTMAP_SLOTS)
		panic("ptmap full: %u page-table pages", PTMAP_SLOTS);
	mfn = pfn_to_mfn(pfn);
	if ((unsigned long)pfn < xen_initial_map_pfns) {
		rc = set_kernel_pte(pfn_to_virt(pfn), __pte(0));
		if (rc)
			panic("unmapping pfn %#lx for a page table: %d", pfn, rc);
	}
	rc = clear_frame(mfn);
	if (rc)
		panic("MMUEXT_CLEAR_PAGE mfn %#lx: %d", mfn, rc);
	slot = ptmap_used;
	rc = set_pte_now(&ptmap_l1[slot], mfn_pte(mfn, __pgprot(_PAGE_PRESENT |
								_PAGE_ACCESSED)));
	if (rc)
		panic("mapping page-table page in ptmap slot %u: %d", slot, rc);
	ptmap_mfn[slot] = mfn;
	ptmap_used++;
	*virt = ptmap_slot_virt(slot);
	return (long)mfn;
}

int vmap_populate_l1(unsigned long va)
{
	pte_t *pmd;
	void *virt;
	long mfn;
	int rc;

	if (va < VMAP_START || va >= VMAP_END)
		return -EINVAL;
	pmd = table_entry(xen_area_l2, va, PMD_SHIFT);
	if (pte_present(ptep_read(pmd)))
		return 0;
	mfn = new_table_page(&virt);
	if (mfn < 0)
		return (int)mfn;
	rc = set_pte_now(pmd, mfn_pte(mfn, __pgprot(_PAGE_PRESENT | _PAGE_RW |
						   _PAGE_ACCESSED)));
	if (rc)
		pr_err("hooking L1 mfn %#lx for va %#lx: %d\n", mfn, va, rc);
	else
		xen_area_l1[(va >> PMD_SHIFT) & (PTRS_PER_PTE - 1)] = virt;
	return rc;
}

/* How far Xen's initial mapping at __START_KERNEL_map reaches. */
static unsigned long scan_initial_map(void)
{
	unsigned long pfn;

	for (pfn = 0; pfn < xen_start_info->nr_pages; pfn++) {
		pte_t *ptep = lookup_pte((unsigned long)pfn_to_virt(pfn));

		if (!ptep || !pte_present(ptep_read(ptep)))
			break;
	}
	return pfn;
}

/*
 * Build the top-gigabyte L2 and the ptmap L1.  Both come from pages of
 * Xen's initial mapping: written while still writable, then made
 * read-only, then the L2 hooked into the L3 (which validates both).
 */
void xen_pgtable_init(void)
{
	pte_t *l4 = (pte_t *)xen_start_info->pt_base, *l3, *l3e;
	pte_t *l1v, *l2v;
	long l1pfn, l2pfn;
	u64 l1mfn, l2mfn;
	int rc;

	/* Every bootstrap table lies in the initial map: allow all for now. */
	xen_initial_map_pfns = xen_start_info->nr_pages;
	xen_initial_map_pfns = scan_initial_map();

	l3 = pt_virt(pte_mfn(ptep_read(table_entry(l4, XEN_AREA_START, PGDIR_SHIFT))));
	l3e = table_entry(l3, XEN_AREA_START, PUD_SHIFT);
	if (pte_present(ptep_read(l3e)))
		panic("top gigabyte already mapped by Xen (l3e %#lx)",
		      pte_val(ptep_read(l3e)));

	l1pfn = alloc_pfn_below(xen_initial_map_pfns);
	l2pfn = alloc_pfn_below(xen_initial_map_pfns);
	if (l1pfn < 0 || l2pfn < 0)
		panic("no free page in the initial mapping for the ptmap");
	l1mfn = pfn_to_mfn(l1pfn);
	l2mfn = pfn_to_mfn(l2pfn);
	l1v = pfn_to_virt(l1pfn);
	l2v = pfn_to_virt(l2pfn);

	memset(l1v, 0, PAGE_SIZE);
	memset(l2v, 0, PAGE_SIZE);
	/* ptmap slot 0: the L2, slot 1: the ptmap L1 itself. */
	l1v[0] = mfn_pte(l2mfn, __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED));
	l1v[1] = mfn_pte(l1mfn, __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED));
	l2v[0] = mfn_pte(l1mfn, __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED));

	rc = set_kernel_pte(l1v, mfn_pte(l1mfn, __pgprot(_PAGE_PRESENT |
							  _PAGE_ACCESSED)));
	rc = rc ?: set_kernel_pte(l2v, mfn_pte(l2mfn, __pgprot(_PAGE_PRESENT |
								_PAGE_ACCESSED)));
	if (rc)
		panic("making the ptmap tables read-only: %d", rc);
	rc = set_pte_now(l3e, mfn_pte(l2mfn, __pgprot(_PAGE_PRESENT | _PAGE_RW |
						     _PAGE_ACCESSED)));
	if (rc)
		panic("hooking our L2 into the L3: %d", rc);

	ptmap_mfn[0] = l2mfn;
	ptmap_mfn[1] = l1mfn;
	ptmap_used = 2;
	xen_area_l1[0] = ptmap_slot_virt(1);
	ptmap_l1 = ptmap_slot_virt(1);
	xen_area_l2 = ptmap_slot_virt(0);
}

/*
 * The entry for va at level (4: the L4 entry ... 1: the L1 entry, the
 * pte), found by walking from the L4 Xen gave us; NULL if level is not
 * 1..4, or an entry above it is not present or maps a large page.  Slower
 * than lookup_pte(), for code that must see the whole walk (the
 * spurious-fault check) or an upper-level entry (tests).
 */
pte_t *lookup_entry(unsigned long va, unsigned int level)
{
	static const unsigned int shifts[] = {
		PAGE_SHIFT, PMD_SHIFT, PUD_SHIFT, PGDIR_SHIFT,
	};
	pte_t *t = (pte_t *)xen_start_info->pt_base;
	unsigned int l;

	if (level < 1 || level > 4)
		return NULL;
	for (l = 4; l > level; l--) {
		pte_t e = ptep_read(table_entry(t, va, shifts[l - 1]));

		if (!pte_present(e) || (pte_val(e) & _PAGE_PSE))
			return NULL;
		t = pt_virt(pte_mfn(e));
	}
	return table_entry(t, va, shifts[level - 1]);
}

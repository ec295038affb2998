/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 4-level page tables, as a PV guest sees them: entries hold
 * machine frame numbers, and every write to one goes through Xen.
 */
#ifndef _ASM_X86_PGTABLE_H
#define _ASM_X86_PGTABLE_H

#include <linux/types.h>
#include <linux/compiler.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PTRS_PER_PTE	512
#define PMD_SHIFT	21
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PUD_SHIFT	30
#define PGDIR_SHIFT	39

#define _PAGE_PRESENT	(1UL << 0)
#define _PAGE_RW	(1UL << 1)
#define _PAGE_USER	(1UL << 2)
#define _PAGE_PWT	(1UL << 3)
#define _PAGE_PCD	(1UL << 4)
#define _PAGE_ACCESSED	(1UL << 5)
#define _PAGE_DIRTY	(1UL << 6)
#define _PAGE_PSE	(1UL << 7)
#define _PAGE_GLOBAL	(1UL << 8)
#define _PAGE_SOFTW1	(1UL << 9)	/* free for the guest */
#define _PAGE_SOFTW2	(1UL << 10)
#define _PAGE_NX	(1UL << 63)
/* Xen marks guest-kernel mappings of a 64-bit PV guest with bit 52. */
#define _PAGE_XEN_GUEST_KERNEL (1UL << 52)

#define PTE_PFN_MASK	0x000ffffffffff000UL
#define _PAGE_AD	(_PAGE_ACCESSED | _PAGE_DIRTY)
/* What a protection change keeps from the old entry: frame and A/D. */
#define _PAGE_CHG_MASK	(PTE_PFN_MASK | _PAGE_AD)
/* Bits Xen adds on its own to what we write (user/global/kernel marks). */
#define _PAGE_XEN_ADDED	(_PAGE_USER | _PAGE_GLOBAL | _PAGE_XEN_GUEST_KERNEL)

typedef struct { u64 pte; } pte_t;
typedef struct { u64 pgprot; } pgprot_t;

#define __pte(x)	((pte_t){ (x) })
#define __pgprot(x)	((pgprot_t){ (x) })
#define pte_val(x)	((x).pte)
#define pgprot_val(x)	((x).pgprot)

#define PAGE_KERNEL	__pgprot(_PAGE_PRESENT | _PAGE_RW)
#define PAGE_KERNEL_RO	__pgprot(_PAGE_PRESENT)

static inline bool pte_present(pte_t pte)
{
	return pte_val(pte) & _PAGE_PRESENT;
}

static inline u64 pte_mfn(pte_t pte)
{
	return (pte_val(pte) & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline pte_t mfn_pte(u64 mfn, pgprot_t prot)
{
	return __pte((mfn << PAGE_SHIFT) | pgprot_val(prot));
}

/* Keep the frame and the Accessed/Dirty bits, take the rest from newprot. */
static inline pte_t pte_modify(pte_t pte, pgprot_t newprot)
{
	return __pte((pte_val(pte) & _PAGE_CHG_MASK) |
		     (pgprot_val(newprot) & ~_PAGE_CHG_MASK));
}

/* The protection bits of an entry as we wrote them, Xen's additions off. */
static inline u64 pte_prot_bits(pte_t pte)
{
	return pte_val(pte) & ~(_PAGE_CHG_MASK | _PAGE_XEN_ADDED);
}

/*
 * What a walk through an L2 entry pmd to the pte gives: x86 allows a
 * write only if every level allows it, and forbids execution if any
 * level does, so an L2 entry can take RW away from, or add NX to, every
 * pte below it.  The frame and the pte's own Accessed/Dirty are kept.
 */
#define _PAGE_PMD_RESTRICT	(_PAGE_RW | _PAGE_NX)

static inline pte_t pte_under_pmd(pte_t pte, pte_t pmd)
{
	u64 v = pte_val(pte);

	if (!(pte_val(pmd) & _PAGE_RW))
		v &= ~_PAGE_RW;
	if (pte_val(pmd) & _PAGE_NX)
		v |= _PAGE_NX;
	return __pte(v);
}

/* The L2 entry restricts nothing below it. */
static inline bool pmd_permissive(pte_t pmd)
{
	return (pte_val(pmd) & _PAGE_RW) && !(pte_val(pmd) & _PAGE_NX);
}

static inline pte_t ptep_read(const pte_t *ptep)
{
	return __pte(READ_ONCE(ptep->pte));
}

static inline unsigned int pte_index(unsigned long va)
{
	return (va >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}

#endif

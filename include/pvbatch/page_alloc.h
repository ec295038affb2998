/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PVBATCH_PAGE_ALLOC_H
#define _PVBATCH_PAGE_ALLOC_H

/*
 * Pseudo-physical frame allocator: one bit per pfn, over the pages Xen
 * gave the domain that nothing at boot owns.
 */
void page_alloc_init(unsigned long first_free, unsigned long nr_pfns);
/* A free pfn, or -ENOMEM. */
long alloc_pfn(void);
/* A free pfn below limit (e.g. inside Xen's initial mapping), or -ENOMEM. */
long alloc_pfn_below(unsigned long limit);
void free_pfn(unsigned long pfn);
unsigned long nr_free_pfns(void);
unsigned long nr_total_pfns(void);

#endif

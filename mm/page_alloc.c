// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/spinlock.h>
#include <pvbatch/page_alloc.h>

/* Up to 4 GiB of guest memory; more is left unused (and said at boot). */
#define MAX_PFNS	(1UL << 20)
#define BITS		64

static u64 used[MAX_PFNS / BITS];
static unsigned long total, nfree, hint;
static DEFINE_SPINLOCK(lock);

static bool test_used(unsigned long pfn)
{
	return used[pfn / BITS] & (1ULL << (pfn % BITS));
}

void page_alloc_init(unsigned long first_free, unsigned long nr_pfns)
{
	unsigned long pfn;

	if (nr_pfns > MAX_PFNS) {
		pr_warn("page_alloc: using %lu of %lu pages\n", MAX_PFNS, nr_pfns);
		nr_pfns = MAX_PFNS;
	}
	BUG_ON(first_free >= nr_pfns);
	for (pfn = 0; pfn < MAX_PFNS; pfn++)
		if (pfn < first_free || pfn >= nr_pfns)
			used[pfn / BITS] |= 1ULL << (pfn % BITS);
	total = nr_pfns;
	nfree = nr_pfns - first_free;
	hint = first_free;
}

static long find_free(unsigned long from, unsigned long limit)
{
	unsigned long pfn;

	for (pfn = from; pfn < limit; pfn++) {
		if (!(pfn % BITS) && used[pfn / BITS] == ~0ULL) {
			pfn += BITS - 1;
			continue;
		}
		if (!test_used(pfn))
			return (long)pfn;
	}
	return -ENOMEM;
}

long alloc_pfn_below(unsigned long limit)
{
	long pfn;

	spin_lock(&lock);
	pfn = find_free(0, min(limit, total));
	if (pfn >= 0) {
		used[pfn / BITS] |= 1ULL << (pfn % BITS);
		nfree--;
	}
	spin_unlock(&lock);
	return pfn;
}

long alloc_pfn(void)
{
	long pfn;

	spin_lock(&lock);
	pfn = find_free(hint, total);
	if (pfn < 0)
		pfn = find_free(0, hint);
	if (pfn >= 0) {
		used[pfn / BITS] |= 1ULL << (pfn % BITS);
		nfree--;
		hint = (unsigned long)pfn + 1;
	}
	spin_unlock(&lock);
	return pfn;
}

void free_pfn(unsigned long pfn)
{
	spin_lock(&lock);
	if (pfn >= total || !test_used(pfn))
		panic("%s(%#lx): not allocated", __func__, pfn);
	used[pfn / BITS] &= ~(1ULL << (pfn % BITS));
	nfree++;
	if (pfn < hint)
		hint = pfn;
	spin_unlock(&lock);
}

unsigned long nr_free_pfns(void)
{
	return nfree;
}

unsigned long nr_total_pfns(void)
{
	return total;
}

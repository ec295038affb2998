// SPDX-License-Identifier: GPL-2.0
/*
 * The spurious-fault path (traps.c).  Under QEMU TCG a stale, stricter
 * TLB entry never faults (QEMU walks the tables again on a permission
 * miss), so the path is reached here with an upper-level entry made
 * read-only above writable ptes, and with synthetic faults fed to the
 * check itself.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/extable.h>
#include <asm/pgalloc.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <pvbatch/ktap.h>
#include <pvbatch/main.h>
#include <pvbatch/mm.h>
#include "testlib.h"

#define PF_PROT		(1UL << 0)
#define PF_WRITE	(1UL << 1)

/* Set or clear RW in the L2 entry above va (Xen takes RW changes there). */
static int l2_set_rw(unsigned long va, bool rw)
{
	pte_t *l2e = lookup_entry(va, 2);
	u64 v;
	int rc;

	if (!l2e)
		return -ENOENT;
	v = pte_val(ptep_read(l2e));
	v = rw ? v | _PAGE_RW : v & ~_PAGE_RW;
	rc = set_pte_now(l2e, __pte(v));
	flush_all_tlbs();
	return rc;
}

/*
 * A write under a read-only L2 entry, the pte writable: a real
 * protection fault (here the extable fixup), not a spurious one retried.
 */
static void upper_level_ro(void)
{
	struct region r;
	volatile u8 *p;
	u64 spurious = this_cpu()->spurious_faults;
	int rc = region_create(&r, 1, 0, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	p = (volatile u8 *)r.start;
	KT_EXPECT(!probe_write_u8(p, 1), "write before the L2 change faulted");
	rc = l2_set_rw(r.start, false);
	KT_EXPECT(!rc, "clearing RW in the L2 entry: %d", rc);
	KT_EXPECT(!(pte_val(ptep_read(lookup_entry(r.start, 2))) & _PAGE_RW),
		  "the L2 entry is still writable");
	KT_EXPECT(pte_val(ptep_read(region_ptep(&r, 0))) & _PAGE_RW,
		  "the pte lost RW");
	KT_EXPECT(probe_write_u8(p, 2) == -EFAULT,
		  "write under a read-only L2 entry went through");
	KT_EXPECT(this_cpu()->spurious_faults == spurious,
		  "%lu spurious retries for a fault the L2 entry explains",
		  this_cpu()->spurious_faults - spurious);
	KT_EXPECT(!spurious_fault_retry(PF_PROT | PF_WRITE, r.start),
		  "the check calls a write under a read-only L2 spurious");
	rc = l2_set_rw(r.start, true);
	KT_EXPECT(!rc, "restoring RW in the L2 entry: %d", rc);
	KT_EXPECT(!probe_write_u8(p, 3) && *p == 3, "write after restoring the L2 faulted");
	region_destroy(&r);
}
KTAP_CASE(spurious, upper_level_ro, upper_level_ro);

/*
 * Synthetic faults on a writable page: each would be retried, up to the
 * bound; one more is handled as a real fault; another page starts anew.
 */
static void retry_bound(void)
{
	struct region r;
	unsigned int i, retried = 0;
	int rc = region_create(&r, 2, 0, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	KT_EXPECT(!spurious_fault_retry(PF_WRITE, r.start),
		  "a non-present fault (no PF_PROT) called spurious");
	for (i = 0; i < 100 && spurious_fault_retry(PF_PROT | PF_WRITE, r.start); i++)
		retried++;
	ktap_diag("spurious: %u retries of one page before giving up", retried);
	/* 8 in a row; more only if this vCPU lost its pCPU past the window. */
	KT_EXPECT(retried >= 2 && retried < 100,
		  "%u retries of one page: no bound, or no retry", retried);
	KT_EXPECT(spurious_fault_retry(PF_PROT | PF_WRITE, r.start + PAGE_SIZE),
		  "a fault at another page is not retried after the bound");
	KT_EXPECT(spurious_fault_retry(PF_PROT | PF_WRITE, r.start),
		  "the first page is not retried after another page's fault");
	KT_EXPECT(!change_protection(&r, r.start, region_end(&r), PAGE_KERNEL_RO), "to RO");
	KT_EXPECT(!spurious_fault_retry(PF_PROT | PF_WRITE, r.start + PAGE_SIZE),
		  "a write to a read-only pte called spurious");
	KT_EXPECT(spurious_fault_retry(PF_PROT, r.start + PAGE_SIZE),
		  "a read protection fault on a present pte not retried");
	region_destroy(&r);
}
KTAP_CASE(spurious, retry_bound, retry_bound);

/*
 * fail=upper-rw and fail=spurious-loop (kernel/main.c): a plain write
 * under a read-only L2 entry, no fixup.  With the whole walk checked it
 * is reported as a protection fault; with the pte-only check it looks
 * spurious every time, and the retry bound must end it with a report.
 */
void fail_write_under_ro_l2(void)
{
	static struct region r;
	int rc = region_create(&r, 1, 0, PAGE_KERNEL);

	if (rc)
		panic("region_create: %d", rc);
	rc = l2_set_rw(r.start, false);
	if (rc)
		panic("clearing RW in the L2 entry: %d", rc);
	printk("fail: writing to %#lx, pte writable, L2 entry read-only\n", r.start);
	*(volatile u8 *)r.start = 1;
	printk("fail: the write under a read-only L2 entry went through\n");
}

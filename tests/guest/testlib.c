// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <asm/pgalloc.h>
#include <asm/smp.h>
#include <asm/xen/hypercall.h>
#include "testlib.h"

const char *const test_backends[3] = { "generic", "xen", "xen-nobatch" };

pte_t *region_ptep(const struct region *r, unsigned long i)
{
	pte_t *ptep = lookup_pte(r->start + i * PAGE_SIZE);

	BUG_ON(!ptep);
	return ptep;
}

void flush_all_tlbs(void)
{
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_ALL };

	if (HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF))
		panic("TLB_FLUSH_ALL failed");
}

int region_clear_bits(const struct region *r, u64 clear)
{
	static struct mmu_update req[256];
	unsigned long i = 0;

	while (i < r->npages) {
		unsigned int k, done;
		int rc;

		for (k = 0; k < ARRAY_SIZE(req) && i < r->npages; k++, i++) {
			pte_t *ptep = region_ptep(r, i);

			req[k].ptr = ptep_to_machine(ptep) | MMU_NORMAL_PT_UPDATE;
			req[k].val = pte_val(ptep_read(ptep)) & ~clear &
				     ~_PAGE_XEN_ADDED;
		}
		rc = HYPERVISOR_mmu_update(req, k, &done, DOMID_SELF);
		if (rc)
			return rc;
	}
	flush_all_tlbs();
	return 0;
}

u64 hypercalls_issued(void)
{
	const u64 *d = this_hcstat()->direct;

	return d[__HYPERVISOR_mmu_update] + d[__HYPERVISOR_mmuext_op] +
	       d[__HYPERVISOR_multicall] + d[__HYPERVISOR_update_va_mapping];
}

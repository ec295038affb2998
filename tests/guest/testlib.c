// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <asm/pgalloc.h>
#include <asm/smp.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/mmu.h>
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

	if (xen_mmuext_now(&op, _RET_IP_))
		panic("TLB_FLUSH_ALL failed");
}

int region_clear_bits(const struct region *r, u64 clear)
{
	unsigned long i;
	int rc;

	arch_enter_lazy_mmu_mode();
	for (i = 0; i < r->npages; i++) {
		pte_t *ptep = region_ptep(r, i);

		set_pte_at(r->start + i * PAGE_SIZE, ptep,
			   __pte(pte_val(ptep_read(ptep)) & ~clear & ~_PAGE_XEN_ADDED));
	}
	rc = arch_leave_lazy_mmu_mode();
	if (rc)
		return rc;
	flush_all_tlbs();
	return 0;
}

u64 hypercalls_issued(void)
{
	const u64 *d = this_hcstat()->direct;

	return d[__HYPERVISOR_mmu_update] + d[__HYPERVISOR_mmuext_op] +
	       d[__HYPERVISOR_multicall] + d[__HYPERVISOR_update_va_mapping];
}

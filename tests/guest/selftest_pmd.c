// SPDX-License-Identifier: GPL-2.0
/*
 * Protection held at the L2 entry above one of our L1 tables
 * (prot_level=pmd, mm/mprotect.c).  First what Xen does with such an
 * entry (the probe: RW cleared and set through mmu_update, NX, a write
 * under a read-only L2 entry is a protection fault and not spurious);
 * then change_protection() at both levels on every backend: exact bits
 * and faults per page, how many requests, and broken variants caught.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/extable.h>
#include <asm/hcstat.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/ptrace.h>
#include <asm/smp.h>
#include <asm/xen/mmu.h>
#include <pvbatch/ktap.h>
#include <pvbatch/mm.h>
#include "testlib.h"

#define PF_INSTR	(1UL << 4)
#define PROT_MASK	(~(_PAGE_CHG_MASK | _PAGE_XEN_ADDED))

/* Write the L2 entry above va at once, Xen's additions stripped. */
static int write_pmd(unsigned long va, u64 val, unsigned int cmd)
{
	pte_t *pmdp = lookup_pmd(va);

	return xen_mmu_update_now(ptep_to_machine(pmdp) | cmd,
				  val & ~_PAGE_XEN_ADDED, _RET_IP_);
}

static u64 pmd_val_of(unsigned long va)
{
	return pte_val(ptep_read(lookup_pmd(va)));
}

/*
 * The probe: Xen accepts RW cleared and set again on the L2 entry above
 * one of our L1 tables, with either update command; a write under the
 * read-only entry faults as a protection fault, the spurious check does
 * not retry it (the walk forbids it), and it sets no Dirty bit below.
 */
static void probe_l2_rw(void)
{
	struct region r;
	volatile u8 *p;
	u64 was, spurious = this_cpu()->spurious_faults;
	int rc = region_create(&r, PTRS_PER_PTE, 0, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	p = (volatile u8 *)(r.start + 5 * PAGE_SIZE);
	KT_EXPECT(lookup_pmd(r.start) == lookup_entry(r.start, 2),
		  "lookup_pmd %p is not the walk's L2 entry %p",
		  lookup_pmd(r.start), lookup_entry(r.start, 2));
	was = pmd_val_of(r.start);
	KT_EXPECT(was & _PAGE_RW, "L2 entry %#lx is not writable at start", was);
	KT_EXPECT(!region_clear_bits(&r, _PAGE_AD), "clear A/D");

	rc = write_pmd(r.start, was & ~_PAGE_RW, MMU_NORMAL_PT_UPDATE);
	KT_EXPECT(!rc, "Xen refused RW cleared on the L2 entry: %d", rc);
	flush_all_tlbs();
	KT_EXPECT(!(pmd_val_of(r.start) & _PAGE_RW), "L2 entry still writable: %#lx",
		  pmd_val_of(r.start));
	KT_EXPECT(pte_val(ptep_read(lookup_pte((unsigned long)p))) & _PAGE_RW,
		  "the pte below lost RW");
	KT_EXPECT(!(pte_val(pte_effective((unsigned long)p)) & _PAGE_RW),
		  "pte_effective() ignores the read-only L2 entry");
	KT_EXPECT(probe_write_u8(p, 1) == -EFAULT,
		  "a write under the read-only L2 entry went through");
	KT_EXPECT(this_cpu()->spurious_faults == spurious,
		  "the write fault under a read-only L2 entry was taken as spurious");
	KT_EXPECT(!(pte_val(ptep_read(lookup_pte((unsigned long)p))) & _PAGE_DIRTY),
		  "a faulting write set Dirty below the read-only L2 entry");
	KT_EXPECT(!probe_read_u8(p, &(u8){ 0 }), "a read under the read-only L2 faulted");
	KT_EXPECT(pte_val(ptep_read(lookup_pte((unsigned long)p))) & _PAGE_ACCESSED,
		  "a read under the read-only L2 entry set no Accessed bit");

	rc = write_pmd(r.start, was, MMU_PT_UPDATE_PRESERVE_AD);
	KT_EXPECT(!rc, "Xen refused RW set again (PRESERVE_AD): %d", rc);
	KT_EXPECT(!probe_write_u8(p, 2) && *p == 2, "write after RW set again");
	KT_EXPECT(pte_val(ptep_read(lookup_pte((unsigned long)p))) & _PAGE_DIRTY,
		  "the write set no Dirty bit");
	rc = write_pmd(r.start, was & ~_PAGE_RW, MMU_PT_UPDATE_PRESERVE_AD);
	KT_EXPECT(!rc, "Xen refused RW cleared (PRESERVE_AD): %d", rc);
	flush_all_tlbs();
	KT_EXPECT(probe_write_u8(p, 3) == -EFAULT, "write under RO L2 (PRESERVE_AD)");
	KT_EXPECT(!write_pmd(r.start, was, MMU_NORMAL_PT_UPDATE), "RW back");
	region_destroy(&r);
}
KTAP_CASE(pmd, probe_l2_rw, probe_l2_rw);

/* An instruction fetch from the test page faulted: return to its caller. */
struct exec_ctx {
	unsigned long page;
	unsigned int faults;
	unsigned long error_code;
};

static bool exec_fault_returns(struct pt_regs *regs, unsigned long cr2)
{
	struct exec_ctx *c = this_cpu()->fault_hook_data;

	if (cr2 != c->page || regs->rip != c->page || c->faults++ > 2)
		return false;
	c->error_code = regs->error_code;
	regs->rip = *(unsigned long *)regs->rsp;	/* as the ret would */
	regs->rsp += 8;
	return true;
}

/* Does Xen accept NX on an L2 entry, and does it forbid execution below? */
static void probe_l2_nx(void)
{
	static struct exec_ctx c;
	struct region r;
	u64 was;
	int rc = region_create(&r, PTRS_PER_PTE, 0, PAGE_KERNEL);

	KT_ASSERT(!rc, "region_create: %d", rc);
	*(volatile u8 *)r.start = 0xc3;			/* ret */
	c.page = r.start;
	c.faults = 0;
	this_cpu()->fault_hook_data = &c;
	this_cpu()->fault_hook = exec_fault_returns;
	((void (*)(void))r.start)();
	KT_EXPECT(c.faults == 0, "executing the page faulted before NX (%#lx)",
		  c.error_code);

	was = pmd_val_of(r.start);
	rc = write_pmd(r.start, was | _PAGE_NX, MMU_PT_UPDATE_PRESERVE_AD);
	ktap_diag("NX on an L2 entry: %s (%d), entry %#lx", rc ? "refused" : "accepted",
		  rc, pmd_val_of(r.start));
	KT_EXPECT(!rc, "Xen refused NX on the L2 entry: %d", rc);
	flush_all_tlbs();
	KT_EXPECT(pte_val(pte_effective(r.start)) & _PAGE_NX,
		  "pte_effective() ignores NX at L2");
	((void (*)(void))r.start)();
	KT_EXPECT(c.faults == 1 && (c.error_code & PF_INSTR),
		  "execution under an NX L2 entry: %u faults, error code %#lx",
		  c.faults, c.error_code);
	KT_EXPECT(!write_pmd(r.start, was, MMU_PT_UPDATE_PRESERVE_AD), "NX off");
	flush_all_tlbs();
	c.faults = 0;
	((void (*)(void))r.start)();
	KT_EXPECT(c.faults == 0, "execution faulted after NX was cleared");
	this_cpu()->fault_hook = NULL;
	region_destroy(&r);
}
KTAP_CASE(pmd, probe_l2_nx, probe_l2_nx);

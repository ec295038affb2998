// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions.  A test may install a per-vCPU fault hook (to wait out a
 * pte held non-present, or to expect a write fault); kernel code may
 * mark an instruction as allowed to fault (extable).  Anything else is
 * a bug: report it and crash the domain.
 */
#include <linux/kernel.h>
#include <asm/ptrace.h>
#include <asm/extable.h>
#include <asm/pgalloc.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/tsc.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>

BUILD_BUG_ON(__HYPERVISOR_iret != 23);	/* entry_64.S hard-codes it */

/* Page-fault error code bits. */
#define PF_PROT		(1UL << 0)	/* protection, not a non-present pte */
#define PF_WRITE	(1UL << 1)
#define PF_INSTR	(1UL << 4)

#define T(vec, name) extern char xen_trap_##vec[];
#define TRAPS								\
	T(0, "divide error") T(1, "debug") T(3, "breakpoint")		\
	T(4, "overflow") T(5, "bound range") T(6, "invalid opcode")	\
	T(7, "device not available") T(8, "double fault")		\
	T(10, "invalid TSS") T(11, "segment not present")		\
	T(12, "stack fault") T(13, "general protection")		\
	T(14, "page fault") T(16, "x87 error") T(17, "alignment check")	\
	T(18, "machine check") T(19, "SIMD error")
TRAPS
#undef T

static struct trap_info trap_table[] = {
#define T(vec, name) { vec, 0, FLAT_KERNEL_CS, (unsigned long)xen_trap_##vec },
	TRAPS
#undef T
	{ 0, 0, 0, 0 }
};

static const char *trap_name(unsigned int vec)
{
	switch (vec) {
#define T(v, name) case v: return name;
	TRAPS
#undef T
	}
	return "unknown";
}

const struct trap_info *xen_trap_table(void)
{
	return trap_table;
}

void xen_traps_init(void)
{
	int rc = HYPERVISOR_set_trap_table(trap_table);

	if (rc)
		panic("set_trap_table: %d", rc);
}

extern const struct exception_table_entry __start_ex_table[], __stop_ex_table[];

bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e;

	for (e = __start_ex_table; e < __stop_ex_table; e++) {
		if (e->insn == regs->rip) {
			regs->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static void show_regs(const struct pt_regs *r)
{
	printk("  rip %016lx  rsp %016lx  rflags %08lx  cs %lx\n",
	       r->rip, r->rsp, r->rflags, r->cs & 0xffff);
	printk("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n",
	       r->rax, r->rbx, r->rcx, r->rdx);
	printk("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n",
	       r->rsi, r->rdi, r->rbp, r->r8);
	printk("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n",
	       r->r9, r->r10, r->r11, r->r12);
}

unsigned long read_cr2(void)
{
	return HYPERVISOR_shared_info->vcpu_info[smp_processor_id()].arch.cr2;
}

/*
 * The access the walk for address allows, level by level from the L4 to
 * the pte: present everywhere, writable only if every level is, NX if
 * any level is.  levels = 4 is the whole walk; the old check looked at
 * the pte alone (levels = 1), which traps_check_pte_only() brings back
 * for a harness self-test of the retry bound.
 */
static unsigned int check_levels = 4;

void traps_check_pte_only(void)
{
	check_levels = 1;
}

static bool walk_allows(unsigned long error_code, unsigned long address)
{
	unsigned int level;

	for (level = check_levels; level >= 1; level--) {
		pte_t *e = lookup_entry(address, level);
		u64 v;

		if (!e)
			return false;
		v = pte_val(ptep_read(e));
		if (!(v & _PAGE_PRESENT))
			return false;
		if ((error_code & PF_WRITE) && !(v & _PAGE_RW))
			return false;
		if ((error_code & PF_INSTR) && (v & _PAGE_NX))
			return false;
	}
	return true;
}

/*
 * A protection fault the page tables no longer explain: a TLB entry
 * older than a change that only granted access (mm/mprotect.c does not
 * flush those).  The fault dropped the TLB entries for the address
 * (paging-structure caches included), so a retry walks the tables again.
 *
 * A retry must therefore succeed, unless the tables changed again between
 * this check and the retry: every further fault at the same address
 * needs another vCPU to take the access away and grant it again in that
 * window.  So SPURIOUS_RETRY_MAX retries of one page, on one vCPU, within
 * SPURIOUS_WINDOW_MS of the first, mean the check is wrong (it allows
 * what the CPU does not); the fault is then handled as a real one (an
 * extable fixup, or the unhandled-fault report and a panic) instead of
 * spinning.  A fault at another page, or a retry after the window, starts
 * the count again.
 */
#define SPURIOUS_RETRY_MAX	8
#define SPURIOUS_WINDOW_MS	1000

bool spurious_fault_retry(unsigned long error_code, unsigned long address)
{
	struct cpu_data *c = this_cpu();
	unsigned long page = address & PAGE_MASK;
	u64 now = rdtsc();

	if (!(error_code & PF_PROT) || !walk_allows(error_code, address))
		return false;
	if (page != c->spurious_page ||
	    now - c->spurious_since > tsc_khz() * SPURIOUS_WINDOW_MS) {
		c->spurious_page = page;
		c->spurious_since = now;
		c->spurious_repeats = 0;
	}
	if (++c->spurious_repeats <= SPURIOUS_RETRY_MAX) {
		c->spurious_faults++;
		return true;
	}
	printk("\nvCPU %u: fault at %#lx (error code %#lx) retried %u times in %lu us: "
	       "the page tables allow the access but the CPU keeps faulting; "
	       "handling it as a real fault\n", c->cpu, address, error_code,
	       SPURIOUS_RETRY_MAX, cycles_to_ns(now - c->spurious_since) / 1000);
	c->spurious_repeats = 0;
	return false;
}

/* The entries of the walk for address, for the unhandled-fault report. */
static void show_walk(unsigned long address)
{
	unsigned int level;

	printk("  walk:");
	for (level = 4; level >= 1; level--) {
		pte_t *e = lookup_entry(address, level);

		if (!e) {
			printk(" L%u none", level);
			break;
		}
		printk(" L%u %#lx%s", level, pte_val(ptep_read(e)),
		       pte_val(ptep_read(e)) & _PAGE_RW ? "" : " (read-only)");
	}
	printk("\n");
}

void do_trap(struct pt_regs *regs)
{
	struct cpu_data *c = this_cpu();
	unsigned long cr2 = 0;

	c->fault_depth++;
	if (regs->vector == 14) {
		cr2 = read_cr2();
		if (c->fault_hook && c->fault_hook(regs, cr2)) {
			c->faults++;
			goto out;
		}
	}
	if (regs->vector == 14 && spurious_fault_retry(regs->error_code, cr2))
		goto out;
	if (fixup_exception(regs)) {
		c->faults++;
		goto out;
	}
	printk("\nvCPU %u: unhandled %s (vector %lu), error code %#lx",
	       c->cpu, trap_name(regs->vector), regs->vector, regs->error_code);
	if (regs->vector == 14)
		printk(", address %#lx (%s %s)", cr2,
		       regs->error_code & 2 ? "write to" : "read of",
		       regs->error_code & 1 ? "protected page" : "non-present page");
	printk("\n");
	if (regs->vector == 14)
		show_walk(cr2);
	show_regs(regs);
	dump_backtrace(regs->rbp);
	panic("unhandled %s at rip %#lx", trap_name(regs->vector), regs->rip);
out:
	/* entry_64.S returns through the iret hypercall: count it here. */
	hcstat_call(__HYPERVISOR_iret);
	c->fault_depth--;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Start of day for a Xen PV guest, in order: who we are (start_info),
 * the console, the trap table, shared_info, what this Xen offers
 * (version, features), memory (p2m, allocator, our page tables), the
 * command line, the other vCPUs, the MMU backend; then the work the
 * command line asked for, and a shutdown whose reason is the verdict.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/pgalloc.h>
#include <asm/sections.h>
#include <asm/paravirt.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <asm/xen/setup.h>
#include <xen/interface/version.h>
#include <pvbatch/console.h>
#include <pvbatch/page_alloc.h>
#include <pvbatch/cmdline.h>
#include <pvbatch/main.h>

struct start_info *xen_start_info;
struct shared_info *HYPERVISOR_shared_info;
u32 xen_features[32];
unsigned int xen_version_major, xen_version_minor;
unsigned long *xen_p2m;
unsigned long xen_nr_pfns;

/* The page of our image that shared_info is mapped over. */
static u8 shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE) __section(".bss.page_aligned");


/* Needs the page tables walkable: after xen_pgtable_init(). */
static void map_shared_info(void)
{
	unsigned long va = (unsigned long)shared_info_page;
	pte_t *ptep = lookup_pte(va);
	int rc = -EFAULT;

	if (ptep)
		rc = set_pte_now(ptep, __pte(xen_start_info->shared_info |
					     _PAGE_PRESENT | _PAGE_RW |
					     _PAGE_ACCESSED | _PAGE_DIRTY));
	flush_tlb_range(va, va + PAGE_SIZE);
	if (rc)
		panic("mapping shared_info: %d", rc);
	HYPERVISOR_shared_info = (struct shared_info *)shared_info_page;
}

static void read_version_and_features(void)
{
	struct xen_feature_info fi;
	int v = HYPERVISOR_xen_version(XENVER_version, NULL);
	unsigned int i;

	xen_version_major = (unsigned int)v >> 16;
	xen_version_minor = v & 0xffff;
	for (i = 0; i < ARRAY_SIZE(xen_features); i++) {
		fi.submap_idx = i;
		if (HYPERVISOR_xen_version(XENVER_get_features, &fi) < 0)
			break;
		xen_features[i] = fi.submap;
	}
}

static unsigned long pfn_after(unsigned long va, unsigned long bytes)
{
	return virt_to_pfn((void *)(va + bytes + PAGE_SIZE - 1));
}

/*
 * The first pfn nothing owns: past our image, the p2m list, start_info,
 * the console and xenstore pages, the bootstrap page tables and the
 * bootstrap stack Xen put after them.
 */
static unsigned long first_free_pfn(void)
{
	struct start_info *si = xen_start_info;
	unsigned long first = virt_to_pfn(_end);

	first = max(first, pfn_after(si->mfn_list, si->nr_pages * sizeof(unsigned long)));
	first = max(first, pfn_after((unsigned long)si, sizeof(*si)));
	first = max(first, pfn_after(si->pt_base, si->nr_pt_frames * PAGE_SIZE) + 1);
	if (!xen_initial_domain()) {
		first = max(first, mfn_to_pfn(si->console.domU.mfn) + 1);
		first = max(first, mfn_to_pfn(si->store_mfn) + 1);
	}
	return first;
}

static void print_boot_facts(void)
{
	struct start_info *si = xen_start_info;

	printk("pvbatch: Xen %u.%u, %s, %lu pages, pt_base %#lx (%lu frames)\n",
	       xen_version_major, xen_version_minor,
	       xen_initial_domain() ? "initial domain" : "domU",
	       si->nr_pages, si->pt_base, si->nr_pt_frames);
	printk("pvbatch: features %08x, preserve-AD %s, initial map %lu pages, %lu free\n",
	       xen_features[0],
	       xen_feature(XENFEAT_mmu_pt_update_preserve_ad) ? "yes" : "no",
	       xen_initial_map_pfns, nr_free_pfns());
	printk("pvbatch: cmdline '%s'\n", (const char *)si->cmd_line);
}

void __noreturn xen_start_kernel(struct start_info *si)
{
	unsigned long first_free;

	xen_start_info = si;
	cpu_data_init(0);
	xen_p2m = (unsigned long *)si->mfn_list;
	xen_nr_pfns = si->nr_pages;

	xen_console_init();
	printk("\npvbatch: booting (%s)\n", si->magic);
	xen_traps_init();
	/*
	 * Let Xen trap and emulate writes to our (read-only) page tables:
	 * the generic transaction's get-and-clear is such a write.  The
	 * initial domain has it from the domain builder, a domU must ask.
	 */
	if (HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables))
		panic("cannot enable writable page-table emulation");
	read_version_and_features();

	first_free = first_free_pfn();
	page_alloc_init(first_free, si->nr_pages);
	xen_pgtable_init();
	map_shared_info();
	print_boot_facts();

	if (cmdline_parse((const char *)si->cmd_line, true) < 0) {
		printk("pvbatch: bad command line, nothing run\n");
		xen_shutdown(false);
	}
	smp_init();
	xen_mmu_init();
	printk("pvbatch: %u vCPUs up, MMU backend '%s'\n", nr_cpus_online,
	       pv_mmu_ops.name);

	xen_shutdown(pvbatch_main());
}

void __noreturn xen_shutdown(bool ok)
{
	struct sched_shutdown s;

	hcstat_print();
	printk("pvbatch: verdict %s\n", ok ? "PASS" : "FAIL");
	xen_console_flush();
	if (xen_initial_domain())
		/* Under QEMU -no-reboot, a reboot ends QEMU at once. */
		s.reason = ok ? SHUTDOWN_reboot : SHUTDOWN_crash;
	else
		s.reason = ok ? SHUTDOWN_poweroff : SHUTDOWN_crash;
	for (;;)
		HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}

// SPDX-License-Identifier: GPL-2.0
/* Boot facts, the command line, and the vCPUs. */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/smp.h>
#include <asm/tsc.h>
#include <asm/pgalloc.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/page.h>
#include <pvbatch/cmdline.h>
#include <pvbatch/ktap.h>
#include <pvbatch/page_alloc.h>

static unsigned long expect_vcpus;

static int set_expect_vcpus(const char *val, bool apply, const char **why)
{
	unsigned long n;

	if (kstrtoul(val, &n) || n < 1 || n > NR_CPUS) {
		*why = "expected a vCPU count from 1 to 8";
		return -EINVAL;
	}
	if (apply)
		expect_vcpus = n;
	return 0;
}
DEFINE_KPARAM(expect_vcpus, set_expect_vcpus);

static void boot_facts(void)
{
	struct start_info *si = xen_start_info;

	KT_EXPECT(!strncmp(si->magic, "xen-3.0-x86_64", 14), "magic '%s'", si->magic);
	KT_EXPECT(xen_version_major == 4, "Xen %u.%u", xen_version_major,
		  xen_version_minor);
	KT_EXPECT(si->nr_pages >= 4096, "nr_pages %lu", si->nr_pages);
	KT_EXPECT(si->nr_pt_frames >= 4, "nr_pt_frames %lu", si->nr_pt_frames);
	KT_EXPECT(xen_feature(XENFEAT_mmu_pt_update_preserve_ad),
		  "no preserve-AD feature");
	KT_EXPECT(xen_initial_map_pfns > virt_to_pfn((void *)si->pt_base),
		  "initial map %lu pages", xen_initial_map_pfns);
	/* shared_info is mapped: the TSC scale is live and sane. */
	KT_EXPECT(tsc_khz() > 100000 && tsc_khz() < 10000000, "tsc %lu kHz",
		  tsc_khz());
	ktap_diag("boot: Xen %u.%u, %lu pages, tsc %lu kHz, %u vCPUs",
		  xen_version_major, xen_version_minor, si->nr_pages, tsc_khz(),
		  nr_cpus_online);
}
KTAP_CASE(boot, facts, boot_facts);

static void cmdline_rejections(void)
{
	static const char *const bad[] = {
		"nosuchkey=1",		/* unknown key */
		"selftest",		/* no '=' */
		"=boot",		/* no key */
		"pte_txn=bogus",	/* value its owner rejects */
		"prot_level=pud", "prot_level=", "prot_level=PMD",
		"selftest=nosuchsuite",
		"selftest=boot,",	/* trailing comma */
		"expect_vcpus=0",
		"expect_vcpus=2x",
		"fail=sometimes", "fail=",
		"selftest=boot nosuchkey=1",	/* one bad word fails the line */
	};
	static const char *const good[] = {
		"", "selftest=boot", "selftest=boot,mm pte_txn=generic",
		"expect_vcpus=0x2", "prot_level=pmd", "prot_level=pte pte_txn=generic",
	};
	char err[160];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		KT_EXPECT(cmdline_check(bad[i], false, err, sizeof(err)) == -EINVAL,
			  "'%s' accepted", bad[i]);
		KT_EXPECT(err[0], "'%s' rejected without a reason", bad[i]);
		ktap_diag("cmdline: '%s' -> %s", bad[i], err);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++)
		KT_EXPECT(!cmdline_check(good[i], false, err, sizeof(err)),
			  "'%s' rejected: %s", good[i], err);
}
KTAP_CASE(boot, cmdline_rejections, cmdline_rejections);

static long report_cpu(void *arg)
{
	(void)arg;
	return (long)smp_processor_id() * 1000 + (this_cpu()->magic == CPU_DATA_MAGIC);
}

static void smp_all_up(void)
{
	unsigned int cpu;

	if (expect_vcpus)
		KT_EXPECT(nr_cpus_online == expect_vcpus, "%u vCPUs up, %lu expected",
			  nr_cpus_online, expect_vcpus);
	else
		ktap_diag("smp: expect_vcpus= not given, %u up", nr_cpus_online);
	for (cpu = 1; cpu < nr_cpus_online; cpu++)
		KT_EXPECT(smp_call_on(cpu, report_cpu, NULL) == (long)cpu * 1000 + 1,
			  "vCPU %u did not run the call as itself", cpu);
}
KTAP_CASE(boot, smp_all_up, smp_all_up);

static long barrier_worker(void *arg)
{
	struct spin_barrier *b = arg;
	unsigned int i;

	for (i = 0; i < 100; i++)
		barrier_wait(b);
	return 0;
}

static void smp_barrier(void)
{
	static struct spin_barrier b;
	unsigned int cpu, i;

	barrier_init(&b, nr_cpus_online);
	for (cpu = 1; cpu < nr_cpus_online; cpu++)
		smp_call_async(cpu, barrier_worker, &b);
	for (i = 0; i < 100; i++)
		barrier_wait(&b);
	for (cpu = 1; cpu < nr_cpus_online; cpu++)
		KT_EXPECT(smp_wait(cpu) == 0, "vCPU %u", cpu);
	KT_EXPECT(b.generation == 100, "generation %u", b.generation);
}
KTAP_CASE(boot, smp_barrier, smp_barrier);

// SPDX-License-Identifier: GPL-2.0
/*
 * The suite fail=expect runs: one case whose KT_EXPECT is false, so its
 * "not ok" comes from the assertion machinery itself (ktap_fail, the
 * case's failed flag, the runner's line), not from a fixed string.  If
 * KT_EXPECT stopped marking failures, this case would print "ok" and the
 * harness self-test that runs it would fail.  Never part of selftest=all.
 */
#include <linux/kernel.h>
#include <asm/smp.h>
#include <pvbatch/ktap.h>

static void harness_expect_fails(void)
{
	unsigned int online = READ_ONCE(nr_cpus_online);

	KT_EXPECT(online == 0, "fail=expect: %u vCPUs online, this expects none",
		  online);
}
KTAP_CASE(harness, expect_fails, harness_expect_fails);

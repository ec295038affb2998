// SPDX-License-Identifier: GPL-2.0
/*
 * Xen publishes, per vCPU, how to turn TSC cycles into nanoseconds:
 * shift the count by tsc_shift, multiply by tsc_to_system_mul and keep
 * the top 64 bits of the 96-bit product.  The scale is read under its
 * version counter (odd while Xen updates it).
 */
#include <linux/kernel.h>
#include <asm/tsc.h>
#include <asm/xen/hypervisor.h>

static void read_scale(u32 *mul, s8 *shift)
{
	const volatile struct vcpu_time_info *t =
		&HYPERVISOR_shared_info->vcpu_info[0].time;
	u32 v;

	do {
		v = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		*mul = t->tsc_to_system_mul;
		*shift = t->tsc_shift;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != t->version);
}

u64 cycles_to_ns(u64 cycles)
{
	u32 mul;
	s8 shift;

	read_scale(&mul, &shift);
	if (shift < 0)
		cycles >>= -shift;
	else
		cycles <<= shift;
	return (u64)(((__uint128_t)cycles * mul) >> 32);
}

u64 tsc_khz(void)
{
	u64 ns_per_1e9 = cycles_to_ns(1000000000ULL);

	/* cycles/ns = 1e9 / ns(1e9 cycles); in kHz: 1e9 * 1e6 / ns. */
	return ns_per_1e9 ? 1000000000000000ULL / ns_per_1e9 : 0;
}

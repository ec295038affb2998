// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <asm/smp.h>
#include <asm/xen/hypervisor.h>

/* Return addresses up the frame-pointer chain (built with frame pointers). */
void dump_backtrace(unsigned long rbp)
{
	unsigned int depth;

	printk("backtrace:\n");
	for (depth = 0; depth < 16 && rbp; depth++) {
		unsigned long *frame = (unsigned long *)rbp;

		if (rbp & 7 || rbp < 0xffff800000000000UL)
			break;
		printk("  [<%016lx>]\n", frame[1]);
		rbp = frame[0];
	}
}

void panic(const char *fmt, ...)
{
	static volatile int panicking;
	char buf[256];
	__builtin_va_list ap;

	__builtin_va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);

	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL)) {
		/* Another vCPU is already panicking: let it finish. */
		for (;;)
			cpu_relax();
	}
	if (this_cpu()->magic == CPU_DATA_MAGIC)
		printk_force_unlock();
	/* "Kernel panic" is what test/xl/run-xl.sh looks for. */
	printk("\n%s on vCPU %u: %s\n", "Kernel panic", this_cpu()->cpu, buf);
	dump_backtrace((unsigned long)__builtin_frame_address(0));
	xen_shutdown(false);
}

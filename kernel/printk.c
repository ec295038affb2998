// SPDX-License-Identifier: GPL-2.0
/*
 * printk: format into a per-call buffer and hand whole lines to the
 * console under one lock, so lines from different vCPUs do not mix.
 */
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <pvbatch/console.h>

static DEFINE_SPINLOCK(console_lock);

int printk(const char *fmt, ...)
{
	char buf[512];
	__builtin_va_list ap;
	int n;

	__builtin_va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	spin_lock(&console_lock);
	xen_console_write(buf, n);
	spin_unlock(&console_lock);
	return n;
}

/* For panic on a vCPU that may have died holding the lock. */
void printk_force_unlock(void)
{
	spin_unlock(&console_lock);
}

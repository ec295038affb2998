/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/printk.h>

struct va_list_wrapper;
int vsnprintf(char *buf, size_t size, const char *fmt, __builtin_va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Strict number parsing: the whole string must be a number. */
int kstrtoul(const char *s, unsigned long *res);

void __noreturn panic(const char *fmt, ...) __printf(1, 2);
void dump_backtrace(unsigned long rbp);

#define BUG_ON(c) do {							\
	if (unlikely(c))						\
		panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__);	\
} while (0)

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Host stand-ins for what multicalls.c and mmu.c need besides the
 * hypercalls: see mc-support.h.
 */
/* The guest's headers first: glibc's redefine what they share. */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/smp.h>
#include <asm/hcstat.h>
#include <asm/pgalloc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc-support.h"

struct cpu_data host_cpu;
unsigned int nr_cpus_online = 1;
u32 xen_features[32];

void *host_panic_jmp;
void (*host_panic_hook)(const char *msg);
char host_panic_msg[256];
unsigned int host_panics;
char host_printk_last[512];
unsigned int host_printks;

/*
 * Host page tables are plain memory, never in the guest's ptmap range, so
 * ptep_to_machine() always asks this: the "machine address" is the pointer.
 */
u64 ptmap_mfn[PTMAP_SLOTS];

u64 arbitrary_virt_to_machine(const void *p)
{
	return (u64)(uintptr_t)p;
}

int printk(const char *fmt, ...)
{
	static int verbose = -1;
	va_list ap;
	int n;

	if (verbose < 0)
		verbose = getenv("HOST_VERBOSE") != NULL;
	va_start(ap, fmt);
	n = vsnprintf(host_printk_last, sizeof(host_printk_last), fmt, ap);
	va_end(ap);
	host_printks++;
	if (verbose)
		fputs(host_printk_last, stderr);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(host_panic_msg, sizeof(host_panic_msg), fmt, ap);
	va_end(ap);
	host_panics++;
	if (host_panic_jmp)
		longjmp(*(jmp_buf *)host_panic_jmp, 1);
	if (host_panic_hook)
		host_panic_hook(host_panic_msg);
	fprintf(stderr, "unexpected %s: %s\n", __func__, host_panic_msg);
	abort();
}

/* lib/string.c's, which the host build does not link (libc's clash). */
ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (!size)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

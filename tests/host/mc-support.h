/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-ins for the collaborators of multicalls.c and mmu.c that are
 * not under test: printk, panic (catchable), the vCPU, Xen's features,
 * ptep_to_machine.
 */
#ifndef _TESTS_HOST_MC_SUPPORT_H
#define _TESTS_HOST_MC_SUPPORT_H

#include <linux/types.h>
#include <asm/smp.h>

#include <setjmp.h>

/* While non-NULL (a jmp_buf *), panic() longjmps there instead of aborting. */
extern void *host_panic_jmp;
/* Otherwise, if set, panic() calls this (which must not return). */
extern void (*host_panic_hook)(const char *msg);
extern char host_panic_msg[256];
extern unsigned int host_panics;
extern char host_printk_last[512];
extern unsigned int host_printks;
extern u32 xen_features[32];

/*
 * True if stmt panicked.  The panic unwinds stmt by longjmp, as a
 * guest panic would stop the vCPU: state it was changing is left as is.
 */
#define HOST_PANICS(stmt) ({						\
	jmp_buf __jb;							\
	volatile bool __panicked = false;				\
	host_panic_jmp = &__jb;						\
	if (!setjmp(__jb)) {						\
		stmt;							\
	} else {							\
		__panicked = true;					\
	}								\
	host_panic_jmp = NULL;						\
	(bool)__panicked;						\
})

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#define __noreturn	__attribute__((__noreturn__))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __packed	__attribute__((__packed__))
#define __used		__attribute__((__used__))
#define __maybe_unused	__attribute__((__unused__))
#define __section(s)	__attribute__((__section__(s)))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __always_inline	inline __attribute__((__always_inline__))
#define noinline	__attribute__((__noinline__))

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* A compiler barrier: no memory access is moved across it. */
static inline void barrier(void)
{
	asm volatile("" ::: "memory");
}

/*
 * Page-table entries and anything another vCPU or the hardware may change
 * are read through a volatile access, so the compiler can neither cache
 * nor move the load.
 */
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)
#define container_of(p, type, member) \
	((type *)((char *)(p) - __builtin_offsetof(type, member)))

#define ALIGN(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))

#define _RET_IP_	((unsigned long)__builtin_return_address(0))
/*
 * An address inside the function this expands in, after inlining.  Not
 * the address of a label: clang will not inline a function that takes
 * one.  Not volatile: in a loop it may be computed once.
 */
#define _THIS_IP_	({ unsigned long __ip;				\
			   asm("leaq 0(%%rip), %0" : "=r" (__ip));	\
			   __ip; })

#endif

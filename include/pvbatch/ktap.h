/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-guest self-tests, reported as KTAP (the format KUnit prints):
 *
 *	KTAP version 1
 *	1..N
 *	# diagnostics
 *	ok 1 suite.case
 *	not ok 2 suite.case
 *
 * A case is a function returning void that reports failures with
 * KT_EXPECT (records, continues) or KT_ASSERT (records, returns).
 */
#ifndef _PVBATCH_KTAP_H
#define _PVBATCH_KTAP_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/printk.h>

struct ktap_case {
	const char *suite;
	const char *name;
	void (*run)(void);
};

#define KTAP_CASE(suite_, name_, fn)					\
	static const struct ktap_case __ktap_##fn __used		\
	__section("ktap_cases") __aligned(8) = { #suite_, #name_, fn }

void ktap_fail(const char *file, int line, const char *fmt, ...) __printf(3, 4);
bool ktap_failed(void);

#define ktap_diag(fmt, ...)	printk("# " fmt "\n", ##__VA_ARGS__)

#define KT_EXPECT(cond, fmt, ...) ({					\
	bool __ok = !!(cond);						\
	if (!__ok)							\
		ktap_fail(__FILE__, __LINE__, "%s: " fmt, #cond,	\
			  ##__VA_ARGS__);				\
	__ok;								\
})

#define KT_ASSERT(cond, fmt, ...) do {					\
	if (!KT_EXPECT(cond, fmt, ##__VA_ARGS__))			\
		return;							\
} while (0)

/* Is suite selected by the selftest= list? */
bool ktap_suite_selected(const char *suite);
/* Run suite whatever selftest= selected (on top of it). */
void ktap_force_suite(const char *suite);
/* Run every selected case; true if all passed. */
bool ktap_run_selected(void);

#endif

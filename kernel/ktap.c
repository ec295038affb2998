// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <pvbatch/ktap.h>
#include <pvbatch/cmdline.h>
#include <pvbatch/main.h>

extern const struct ktap_case __start_ktap_cases[], __stop_ktap_cases[];

/* selftest=: comma-separated suites, "all", or "none".  Unset: "default". */
static char selected[128] = "default";
/* Suites that run only when named (slow or destructive ones). */
static const char *const on_request[] = { "race", "harness", NULL };
/* Suites that selftest=all leaves out: they fail on purpose. */
static const char *const never_in_all[] = { "harness", NULL };
/* A suite run whatever selftest= says (fail=expect's). */
static const char *forced;

static bool case_failed;

void ktap_fail(const char *file, int line, const char *fmt, ...)
{
	char buf[256];
	__builtin_va_list ap;

	__builtin_va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	printk("# FAIL %s:%d: %s\n", file, line, buf);
	case_failed = true;
}

bool ktap_failed(void)
{
	return case_failed;
}

static bool suite_known(const char *name, size_t len)
{
	const struct ktap_case *c;

	for (c = __start_ktap_cases; c < __stop_ktap_cases; c++)
		if (strlen(c->suite) == len && !strncmp(c->suite, name, len))
			return true;
	return false;
}

static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	while (*list) {
		const char *end = strchr(list, ',');
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (len == n && !strncmp(list, name, n))
			return true;
		list += len;
		if (*list == ',')
			list++;
	}
	return false;
}

static bool in_list(const char *const *list, const char *suite)
{
	unsigned int i;

	for (i = 0; list[i]; i++)
		if (!strcmp(list[i], suite))
			return true;
	return false;
}

bool ktap_suite_selected(const char *suite)
{
	if (forced && !strcmp(forced, suite))
		return true;
	if (!strcmp(selected, "none"))
		return false;
	if (!strcmp(selected, "default"))
		return !in_list(on_request, suite);
	if (!strcmp(selected, "all"))
		return !in_list(never_in_all, suite);
	return list_has(selected, suite);
}

void ktap_force_suite(const char *suite)
{
	forced = suite;
}

static int set_selftest(const char *val, bool apply, const char **why)
{
	const char *p = val;

	if (strlen(val) >= sizeof(selected)) {
		*why = "list too long";
		return -EINVAL;
	}
	if (strcmp(val, "all") && strcmp(val, "none")) {
		while (*p) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);

			if (!len || !suite_known(p, len)) {
				*why = "unknown suite (known: see the list printed by selftest=all)";
				return -EINVAL;
			}
			p += len;
			if (*p == ',' && !*++p) {
				*why = "trailing comma";
				return -EINVAL;
			}
		}
		if (!*val) {
			*why = "empty list";
			return -EINVAL;
		}
	}
	if (apply)
		strlcpy(selected, val, sizeof(selected));
	return 0;
}
DEFINE_KPARAM(selftest, set_selftest);

/* Called by main when another job (a benchmark) replaces the default. */
void ktap_default_none(void)
{
	if (!strcmp(selected, "default"))
		strlcpy(selected, "none", sizeof(selected));
}

bool ktap_run_selected(void)
{
	const struct ktap_case *c;
	unsigned int n = 0, i = 0, failed = 0;

	for (c = __start_ktap_cases; c < __stop_ktap_cases; c++)
		n += ktap_suite_selected(c->suite);
	if (!n)
		return true;
	printk("KTAP version 1\n1..%u\n", n);
	for (c = __start_ktap_cases; c < __stop_ktap_cases; c++) {
		if (!ktap_suite_selected(c->suite))
			continue;
		case_failed = false;
		c->run();
		i++;
		printk("%sok %u %s.%s\n", case_failed ? "not " : "", i, c->suite,
		       c->name);
		failed += case_failed;
	}
	printk("# %u passed, %u failed\n", n - failed, failed);
	return !failed;
}

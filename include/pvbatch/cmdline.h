/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest command line: space-separated key=value words.  Each key is
 * declared by the code that owns it; an unknown key, a word without '='
 * or a value its owner rejects fails the whole line (nothing is applied).
 */
#ifndef _PVBATCH_CMDLINE_H
#define _PVBATCH_CMDLINE_H

#include <linux/types.h>
#include <linux/compiler.h>

struct kparam {
	const char *name;
	/* Check val; if apply, also store it.  0 or -EINVAL, *why filled. */
	int (*set)(const char *val, bool apply, const char **why);
};

#define DEFINE_KPARAM(key, fn)						\
	static const struct kparam __kparam_##fn __used			\
	__section("kparams") __aligned(8) = { #key, fn }

/* Parse a whole line; on error print nothing, fill err and return <0. */
int cmdline_check(const char *line, bool apply, char *err, size_t errlen);
/* Parse and apply; print the error.  <0 on error. */
int cmdline_parse(const char *line, bool apply);

/* Helpers for setters. */
int parse_ulong_list(const char *val, unsigned long *out, unsigned int max,
		     unsigned int *n);
bool val_is(const char *val, const char *word);

#endif

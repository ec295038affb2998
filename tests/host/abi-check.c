// SPDX-License-Identifier: MIT
/*
 * pvbatch host test: compare our Xen interface headers with Debian's
 * libxen-dev headers.
 *
 * tests/host/abi-gen.py writes two tables with the same items in the same
 * order: abi_ours (evaluated against include/xen/interface/) and abi_ref
 * (evaluated against /usr/include/xen/).  It also writes abi-asm.S, which
 * assembles every constant our headers expose to assembly; those values
 * must equal the C values in abi_asm_c.
 *
 * Prints one line per mismatch, then "abi-check: N passed, M failed".
 * Exit status: 0 if nothing failed, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi-check.h"

static const char *const kind_name[] = {
	[K_VALUE] = "value",
	[K_CTYPE] = "type",
	[K_SIZE] = "size",
	[K_ALIGN] = "align",
	[K_OFFSET] = "offset",
	[K_SIGNED] = "signed",
};

static void show(char *buf, size_t len, enum abi_kind kind,
		 unsigned long long v)
{
	if (kind == K_CTYPE)
		snprintf(buf, len, "%s %llu-byte", (v & 1) ? "signed" : "unsigned",
			 v >> 1);
	else if (kind == K_SIGNED)
		snprintf(buf, len, "%s", v ? "signed" : "unsigned");
	else
		snprintf(buf, len, "%llu (%#llx)", v, v);
}

int main(void)
{
	unsigned int passed = 0, failed = 0, i;
	struct abi_item *abi_ours, *abi_ref;
	char a[64], b[64];

	if (abi_ours_count != abi_ref_count) {
		printf("abi-check: table sizes differ: ours %u, xen %u\n",
		       abi_ours_count, abi_ref_count);
		printf("abi-check: %u passed, %u failed\n", passed, failed + 1);
		return 1;
	}
	abi_ours = calloc(abi_ours_count, sizeof(*abi_ours));
	abi_ref = calloc(abi_ref_count, sizeof(*abi_ref));
	if (!abi_ours || !abi_ref) {
		printf("abi-check: out of memory\n");
		return 1;
	}
	abi_ours_fill(abi_ours);
	abi_ref_fill(abi_ref);
	for (i = 0; i < abi_ours_count; i++) {
		const struct abi_item *o = &abi_ours[i], *r = &abi_ref[i];

		if (o->kind != r->kind || strcmp(o->name, r->name) != 0) {
			printf("abi-check: tables out of step at %u: %s / %s\n", i,
			       o->name, r->name);
			failed++;
			continue;
		}
		if (o->value == r->value) {
			passed++;
			continue;
		}
		show(a, sizeof(a), o->kind, o->value);
		show(b, sizeof(b), r->kind, r->value);
		printf("abi-check: MISMATCH %s of %s: ours %s, xen %s\n",
		       kind_name[o->kind], o->name, a, b);
		failed++;
	}

	if (abi_asm_c_count != abi_asm_vals_count) {
		printf("abi-check: assembly table has %u values, C table %u\n",
		       abi_asm_vals_count, abi_asm_c_count);
		failed++;
	} else {
		for (i = 0; i < abi_asm_c_count; i++) {
			if (abi_asm_vals[i] == abi_asm_c[i].value) {
				passed++;
				continue;
			}
			printf("abi-check: MISMATCH assembly value of %s: asm %#llx, C %#llx\n",
			       abi_asm_c[i].name, abi_asm_vals[i], abi_asm_c[i].value);
			failed++;
		}
	}

	printf("abi-check: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * pvbatch host test: the table format shared by abi-check.c and the
 * tables tests/host/abi-gen.py generates (abi-ours.c, abi-ref.c).
 * Deliberately includes nothing, so abi-ours.c can be built freestanding.
 */
#ifndef PVB_ABI_CHECK_H
#define PVB_ABI_CHECK_H

enum abi_kind {
	K_VALUE,    /* value of a constant or sample expression */
	K_CTYPE,    /* sizeof(type) * 2 + is_signed, of a constant's type */
	K_SIZE,     /* sizeof */
	K_ALIGN,    /* alignment */
	K_OFFSET,   /* offsetof */
	K_SIGNED,   /* 1 if the (element) type is signed */
};

struct abi_item {
	enum abi_kind kind;
	const char *name;
	unsigned long long value;
};

/*
 * The generated tables: ours (abi-ours.c, our headers), Xen's (abi-ref.c,
 * libxen-dev's headers), and the constants assembled from our headers
 * (abi-asm.S) with their C values (abi-ours.c).
 */
extern const unsigned int abi_ours_count, abi_ref_count;
void abi_ours_fill(struct abi_item *out);
void abi_ref_fill(struct abi_item *out);
extern const struct abi_item abi_asm_c[];
extern const unsigned int abi_asm_c_count;
extern const unsigned long long abi_asm_vals[];
extern const unsigned int abi_asm_vals_count;

#endif /* PVB_ABI_CHECK_H */

/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: fixed-width integer types for the Xen interface headers.
 *
 * The guest is freestanding, so these come from the compiler's predefined
 * type macros rather than from <stdint.h>.  Nothing here depends on libc.
 *
 * The _PVB_* helpers below let a constant carry a C integer suffix while
 * staying a plain number when the header is pulled into assembly.
 */
#ifndef _PVB_XEN_IFACE_TYPES_H
#define _PVB_XEN_IFACE_TYPES_H

#ifdef __ASSEMBLY__
#define _PVB_U(n)   n
#define _PVB_UL(n)  n
#define _PVB_ULL(n) n
#else
#define _PVB_PASTE(a, b) a##b
#define _PVB_U(n)   _PVB_PASTE(n, U)
#define _PVB_UL(n)  _PVB_PASTE(n, UL)
#define _PVB_ULL(n) _PVB_PASTE(n, ULL)

typedef __UINT8_TYPE__  u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__   s8;
typedef __INT16_TYPE__  s16;
typedef __INT32_TYPE__  s32;
typedef __INT64_TYPE__  s64;
#endif /* !__ASSEMBLY__ */

#endif /* _PVB_XEN_IFACE_TYPES_H */

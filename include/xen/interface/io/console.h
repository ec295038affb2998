/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: the PV console ring page shared with the console backend
 * (start_info.console.domU.mfn, event channel console.domU.evtchn).
 *
 * "in" carries bytes to the guest, "out" bytes from it.  The indices only
 * grow (and wrap at 2^32); the guest owns in_cons and out_prod, the backend
 * the other two.  Mask an index with XENCONS_IN_IDX / XENCONS_OUT_IDX to
 * get the byte position in its ring.
 */
#ifndef _PVB_XEN_IFACE_IO_CONSOLE_H
#define _PVB_XEN_IFACE_IO_CONSOLE_H

#include <xen/interface/types.h>

#define XENCONS_IN_SIZE   1024
#define XENCONS_OUT_SIZE  2048

#define XENCONS_IN_IDX(i)  ((i) & (XENCONS_IN_SIZE - 1))
#define XENCONS_OUT_IDX(i) ((i) & (XENCONS_OUT_SIZE - 1))

#ifndef __ASSEMBLY__

typedef u32 XENCONS_RING_IDX;

struct xencons_interface {
	char in[XENCONS_IN_SIZE];
	char out[XENCONS_OUT_SIZE];
	XENCONS_RING_IDX in_cons, in_prod;
	XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* !__ASSEMBLY__ */

#endif /* _PVB_XEN_IFACE_IO_CONSOLE_H */

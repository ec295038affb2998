/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: HYPERVISOR_memory_op commands we may use, and their arguments.
 * Numbers and layouts as in Xen 4.17's public interface; buffer pointers
 * are xen_guest_handle_t (a 64-bit guest address).
 */
#ifndef _PVB_XEN_IFACE_MEMORY_H
#define _PVB_XEN_IFACE_MEMORY_H

#include <xen/interface/xen.h>

#define XENMEM_increase_reservation  0   /* struct xen_memory_reservation */
#define XENMEM_decrease_reservation  1   /* struct xen_memory_reservation */
#define XENMEM_maximum_ram_page      2   /* returns the highest mfn */
#define XENMEM_current_reservation   3   /* domid_t in, pages returned */
#define XENMEM_maximum_reservation   4   /* domid_t in, pages returned */
#define XENMEM_machphys_mfn_list     5   /* struct xen_machphys_mfn_list */
#define XENMEM_populate_physmap      6   /* struct xen_memory_reservation */
#define XENMEM_memory_map            9   /* struct xen_memory_map */
#define XENMEM_machine_memory_map   10   /* struct xen_memory_map (host) */
#define XENMEM_machphys_mapping     12   /* struct xen_machphys_mapping */

#ifndef __ASSEMBLY__

/*
 * Grow, shrink or populate a domain: nr_extents extents of
 * 2^extent_order pages, their frame numbers in the extent_start array.
 */
struct xen_memory_reservation {
	xen_guest_handle_t extent_start;   /* xen_pfn_t array */
	xen_ulong_t nr_extents;
	unsigned int extent_order;
	unsigned int mem_flags;            /* 0: no placement constraint */
	domid_t domid;                     /* DOMID_SELF unless privileged */
};

/* Frames holding the m2p table, one per 2MB of it. */
struct xen_machphys_mfn_list {
	unsigned int max_extents;          /* in: room in extent_start */
	xen_guest_handle_t extent_start;   /* xen_pfn_t array */
	unsigned int nr_extents;           /* out */
};

/* Where the m2p table is mapped and how far it reaches. */
struct xen_machphys_mapping {
	xen_ulong_t v_start;
	xen_ulong_t v_end;
	xen_ulong_t max_mfn;
};

/*
 * E820-style map.  In: nr_entries is the room in buffer; out: how many
 * 20-byte entries were written.
 */
struct xen_memory_map {
	unsigned int nr_entries;
	xen_guest_handle_t buffer;
};

#endif /* !__ASSEMBLY__ */

#endif /* _PVB_XEN_IFACE_MEMORY_H */

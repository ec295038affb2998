/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: types of the ELF notes (name "Xen") a PV kernel carries for
 * Xen's domain builder.  Plain numbers only, so this works in .S files.
 *
 * What our builds need (see /work/shared/xen-pv-notes.md): XEN_VERSION
 * "xen-3.0", LOADER "generic", HYPERCALL_PAGE, and VIRT_BASE plus
 * PADDR_OFFSET when linked with physical == virtual addresses.
 */
#ifndef _PVB_XEN_IFACE_ELFNOTE_H
#define _PVB_XEN_IFACE_ELFNOTE_H

#define XEN_ELFNOTE_INFO             0   /* ignored */
#define XEN_ELFNOTE_ENTRY            1   /* address: entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE   2   /* address: page Xen fills with stubs */
#define XEN_ELFNOTE_VIRT_BASE        3   /* address: VA the image is linked at */
#define XEN_ELFNOTE_PADDR_OFFSET     4   /* address: VA - ELF paddr */
#define XEN_ELFNOTE_XEN_VERSION      5   /* string: "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS         6   /* string */
#define XEN_ELFNOTE_GUEST_VERSION    7   /* string */
#define XEN_ELFNOTE_LOADER           8   /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE         9   /* string: "yes", "no", "bimodal" */
#define XEN_ELFNOTE_FEATURES        10   /* string: '|'-separated XENFEAT names */
#define XEN_ELFNOTE_BSD_SYMTAB      11   /* string: "yes" to get symbols */
#define XEN_ELFNOTE_HV_START_LOW    12   /* address (32-bit guests) */
#define XEN_ELFNOTE_L1_MFN_VALID    13   /* mask, value pair */
#define XEN_ELFNOTE_SUSPEND_CANCEL  14   /* number */
#define XEN_ELFNOTE_INIT_P2M        15   /* address: where to map the p2m */
#define XEN_ELFNOTE_MOD_START_PFN   16   /* number: module as pfn is fine */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* 32-bit bitmap of XENFEAT_* */
#define XEN_ELFNOTE_PHYS32_ENTRY    18   /* 32-bit PVH entry (not PV) */

#endif /* _PVB_XEN_IFACE_ELFNOTE_H */

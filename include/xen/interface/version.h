/* SPDX-License-Identifier: MIT */
/*
 * pvbatch: HYPERVISOR_xen_version commands.  HYPERVISOR_xen_version(
 * XENVER_version, NULL) returns (major << 16) | minor; the others fill
 * the buffer described next to them.
 */
#ifndef _PVB_XEN_IFACE_VERSION_H
#define _PVB_XEN_IFACE_VERSION_H

#include <xen/interface/xen.h>

#define XENVER_version             0
#define XENVER_extraversion        1   /* xen_extraversion_t, e.g. ".7" */
#define XENVER_compile_info        2
#define XENVER_capabilities        3   /* xen_capabilities_info_t */
#define XENVER_changeset           4
#define XENVER_platform_parameters 5   /* struct xen_platform_parameters */
#define XENVER_get_features        6   /* struct xen_feature_info */
#define XENVER_pagesize            7   /* return value, no buffer */
#define XENVER_guest_handle        8
#define XENVER_commandline         9
#define XENVER_build_id           10

#ifndef __ASSEMBLY__

typedef char xen_extraversion_t[16];
typedef char xen_capabilities_info_t[1024];   /* "xen-3.0-x86_64 ..." */

#define XEN_EXTRAVERSION_LEN      (sizeof(xen_extraversion_t))
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

struct xen_platform_parameters {
	xen_ulong_t virt_start;     /* lowest VA Xen reserves (HYPERVISOR_VIRT_START) */
};

/* Ask for 32 feature bits (XENFEAT_*) at a time. */
struct xen_feature_info {
	unsigned int submap_idx;    /* in: which group of 32 */
	u32 submap;                 /* out: bit n = XENFEAT (32 * idx + n) */
};

#endif /* !__ASSEMBLY__ */

#include <xen/interface/features.h>

#endif /* _PVB_XEN_IFACE_VERSION_H */

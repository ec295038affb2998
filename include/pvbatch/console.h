/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PVBATCH_CONSOLE_H
#define _PVBATCH_CONSOLE_H

#include <linux/types.h>

void xen_console_init(void);
void xen_console_write(const char *s, size_t len);
void xen_console_flush(void);

#endif

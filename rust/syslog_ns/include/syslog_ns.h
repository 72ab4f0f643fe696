/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syslog_ns: the in-kernel API for other modules (Documentation/syslog_ns.rst).
 * Build against syslog_ns's Module.symvers (KBUILD_EXTRA_SYMBOLS).
 */
#ifndef _SYSLOG_NS_H
#define _SYSLOG_NS_H

#include <linux/compiler_attributes.h>

struct user_namespace;

__printf(2, 3)
int syslog_ns_printk(struct user_namespace *ns, const char *fmt, ...);

#endif /* _SYSLOG_NS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions of syslog_ns_shim.c, called from Rust (shim.rs).
 */
#ifndef SYSLOG_NS_SHIM_H
#define SYSLOG_NS_SHIM_H

/* preempt_disable() and preempt_enable(), out of line. */
void syslog_ns_preempt_disable(void);
void syslog_ns_preempt_enable(void);

#endif /* SYSLOG_NS_SHIM_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter logger of syslog_ns (syslog_ns_netfilter.c), and the Rust
 * function it hands each line to.
 */
#ifndef SYSLOG_NS_NETFILTER_H
#define SYSLOG_NS_NETFILTER_H

#include <linux/types.h>

struct net;

/*
 * Register the "syslog_ns" LOG logger for NFPROTO_IPV4 and NFPROTO_IPV6 and
 * bind it in every network namespace. 0 or -errno: -EBUSY if another LOG
 * logger (nf_log_syslog) is registered for either family. Process context.
 */
int syslog_ns_nf_register(void);

/*
 * Undo syslog_ns_nf_register(). When it returns, the logger is
 * not running and will not be called again. Process context.
 */
void syslog_ns_nf_unregister(void);

#endif /* SYSLOG_NS_NETFILTER_H */

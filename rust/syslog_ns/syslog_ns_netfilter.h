/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter redirect of syslog_ns (syslog_ns_netfilter.c).
 */
#ifndef SYSLOG_NS_NETFILTER_H
#define SYSLOG_NS_NETFILTER_H

#include <linux/types.h>

struct net;

/*
 * Start sending the IPv4 and IPv6 LOG lines of network namespaces whose
 * user namespaces have a log to that log. 0 or -errno: -EOPNOTSUPP without
 * ftrace's argument access, -EBUSY if a livepatch has nf_log_packet().
 * Process context.
 */
int syslog_ns_nf_register(void);

/*
 * Undo syslog_ns_nf_register(). When it returns, no line is being or will
 * be redirected. Process context.
 */
void syslog_ns_nf_unregister(void);

#endif /* SYSLOG_NS_NETFILTER_H */

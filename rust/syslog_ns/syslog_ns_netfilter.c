// SPDX-License-Identifier: GPL-2.0-only
/*
 * syslog_ns: the netfilter LOG lines of a network namespace whose owning user
 * namespace (net->user_ns), or an ancestor, has a log go to that log, so that
 * "nft ... log" rules and the iptables LOG target of a container land in
 * that container's /dev/kmsg_ns rather than being dropped by nf_log_syslog
 * (or, with nf_log_all_netns, landing in the host's kernel log). Every other
 * line, all of the host's first, is left to nf_log_syslog untouched: this
 * file registers no logger (see syslog_ns_nf_redirect()).
 *
 * This part is C because the API is: an ftrace callback reads the
 * arguments of nf_log_packet(), a variadic function, whose replacement
 * must be variadic too; the packet dump helpers this file needs are static
 * functions of net/netfilter/nf_log_syslog.c, built on skb_header_pointer()
 * and other static inlines. The Rust side only sees syslog_ns_nf_register(),
 * syslog_ns_nf_unregister(), and provides syslog_ns_has_log() and
 * syslog_ns_store().
 *
 * The packet formatting (nf_log_dump_packet_common(), dump_mac_header(),
 * dump_ipv4_packet(), dump_ipv6_packet() and their helpers) is not in this
 * tree: scripts/nf-log-derive.sh takes it from the kernel's own
 * net/netfilter/nf_log_syslog.c at build time, into nf_log_syslog_dump.h,
 * appending to a struct syslog_ns_nf_buf with syslog_ns_nf_buf_add() where
 * the original appends to nf_log's buffer (whose close would printk the
 * line, which is what we must not do). The output is the text of
 * nf_log_syslog's "nf_log_ipv4" and "nf_log_ipv6" loggers, without its
 * KERN_SOH level prefix (the level is passed to syslog_ns_store()
 * separately) and trailing space, and with the socket owner's fsuid and
 * fsgid as the namespace's own user namespace sees them.
 *
 * Left out on purpose: the ARP, bridge and netdev formats (dump_arp_packet(),
 * nf_log_unknown_packet(), nf_log_netdev_packet()). Those lines of a
 * container are left to nf_log_syslog, which drops them as it drops every
 * line of a network namespace other than init_net's.
 */

#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/skbuff.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <net/ipv6.h>
#include <net/icmp.h>
#include <net/udp.h>
#include <net/tcp.h>
#include <net/route.h>
#include <net/net_namespace.h>
#include <linux/rcupdate.h>

#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/nf_log.h>

#include "include/uapi/syslog_ns.h"
#include "syslog_ns_netfilter.h"
#include "syslog_ns_shim.h"

/* Used when the caller of nf_log_packet() passes no loginfo (NULL). */
static const struct nf_loginfo default_loginfo = {
	.type	= NF_LOG_TYPE_LOG,
	.u = {
		.log = {
			.level	  = LOGLEVEL_NOTICE,
			.logflags = NF_LOG_DEFAULT_MASK,
		},
	},
};

/*
 * The KERN_SOH and level digit nf_log_dump_packet_common() starts a line
 * with, as printk() takes it and syslog_ns_store() does not. A line of
 * SYSLOG_NS_TEXT_MAX - 2 characters fits after it, ample for the longest
 * IPv6 line with every logflag.
 */
#define NF_LOG_LEVEL_PREFIX	2

/*
 * A line being formatted: buf has room for size bytes, the terminating NUL
 * included; len bytes are used, len < size always.
 */
struct syslog_ns_nf_buf {
	char *buf;
	unsigned int len;
	unsigned int size;
};

/*
 * Append to the line. A piece that does not fit is cut at the end of the
 * buffer, which is then full: nothing is appended after a cut piece, so a
 * truncated line is a prefix of the whole one, and always NUL-terminated.
 */
static __printf(2, 3) void syslog_ns_nf_buf_add(struct syslog_ns_nf_buf *m,
						const char *fmt, ...)
{
	va_list args;

	if (m->len + 1 >= m->size)
		return;

	va_start(args, fmt);
	m->len += vscnprintf(m->buf + m->len, m->size - m->len, fmt, args);
	va_end(args);
}

/* nf_log_syslog.c's formatting, from the kernel's source: see the top. */
#include "nf_log_syslog_dump.h"


/*
 * The line of a packet whose network namespace's user namespaces have a log:
 * nf_log_ip_packet() and nf_log_ip6_packet() of nf_log_syslog in one,
 * formatting into a per-CPU buffer and handing the line to
 * syslog_ns_store() instead of printk(). Called by nf_log_packet()'s callers
 * (see syslog_ns_nf_redirect()), with nf_log_packet()'s arguments:
 * softirq on receive and forward, process context (preemptible, BHs
 * enabled) for nft on LOCAL_OUT and POSTROUTING.
 */
static noinline void syslog_ns_nf_log_packet(struct net *net, u_int8_t pf,
					     unsigned int hooknum,
					     const struct sk_buff *skb,
					     const struct net_device *in,
					     const struct net_device *out,
					     const struct nf_loginfo *loginfo,
					     const char *fmt, ...)
{
	char prefix[NF_LOG_PREFIXLEN];
	struct syslog_ns_nf_buf m;
	unsigned int level;
	va_list args;

	va_start(args, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, args);
	va_end(args);

	if (!loginfo)
		loginfo = &default_loginfo;
	level = min_t(unsigned int, loginfo->u.log.level, LOGLEVEL_DEBUG);

	/* A per-CPU buffer, not 1 KiB of stack: see syslog_ns_text_get(). */
	m.buf = syslog_ns_text_get();
	m.size = SYSLOG_NS_TEXT_MAX + 1;
	m.len = 0;
	m.buf[0] = '\0';

	/* Starts the line with KERN_SOH and the level's digit. */
	nf_log_dump_packet_common(&m, pf, hooknum, skb, in, out, loginfo,
				  prefix, net);

	if (in)
		dump_mac_header(&m, loginfo, skb);

	if (pf == NFPROTO_IPV4)
		dump_ipv4_packet(net, &m, loginfo, skb,
				 skb_network_offset(skb));
	else
		dump_ipv6_packet(net, &m, loginfo, skb,
				 skb_network_offset(skb), 1);

	/* Most lines end in a space, which printk kept; drop it. */
	while (m.len > NF_LOG_LEVEL_PREFIX &&
	       (m.buf[m.len - 1] == ' ' || m.buf[m.len - 1] == '\n'))
		m.len--;
	m.buf[m.len] = '\0';

	/*
	 * net holds a reference on its owning user namespace. Should its log
	 * have gone since syslog_ns_nf_redirect() looked, the line is dropped,
	 * as nf_log_syslog drops the lines of a network namespace other than
	 * init_net's.
	 */
	syslog_ns_store(net->user_ns, false, level, 0, m.buf + NF_LOG_LEVEL_PREFIX,
			m.len - NF_LOG_LEVEL_PREFIX);

	syslog_ns_text_put();
}

/*
 * Whether nf_log_packet(@net, @pf, ..., @loginfo, ...) is a line for a
 * namespace's log: an IPv4 or IPv6 packet, for a logger of the LOG type
 * (an NFLOG "log group" rule goes to nfnetlink_log as ever), in a network
 * namespace whose user namespace, or an ancestor, has a log. Everything
 * else, the host's lines first, is left to the kernel's logger.
 */
static bool syslog_ns_nf_routed(struct net *net, u8 pf,
				const struct nf_loginfo *loginfo)
{
	const struct nf_logger *logger;
	bool log_type;

	if (pf != NFPROTO_IPV4 && pf != NFPROTO_IPV6)
		return false;
	if (loginfo) {
		log_type = loginfo->type == NF_LOG_TYPE_LOG;
	} else {
		/* No loginfo: the logger bound in the netns (sysctl nf_log). */
		rcu_read_lock();
		logger = rcu_dereference(net->nf.nf_loggers[pf]);
		log_type = logger && logger->type == NF_LOG_TYPE_LOG;
		rcu_read_unlock();
	}
	return log_type && syslog_ns_has_log(net->user_ns);
}

#if defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS) || defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS)
/*
 * The redirect, the way livepatch replaces a function: an ftrace callback
 * on the entry of nf_log_packet() that, for a line of a namespace with a
 * log, sets the instruction pointer to syslog_ns_nf_log_packet(), which has
 * the same prototype and returns to nf_log_packet()'s caller. For any other
 * line it changes nothing and nf_log_packet() runs as ever.
 *
 * There is one LOG logger slot per protocol family, which nf_log_syslog
 * takes for the host's ip, ip6, inet, arp, bridge and netdev log rules;
 * taking it instead (as this module once did) changes the host's logging
 * and stops nf_log_syslog from loading. nf_log_packet() is exported, and
 * every LOG line, nft's and ip(6)tables', passes through it, so the
 * redirect takes the lines of namespaces with a log and nothing else.
 *
 * The callback's lookups take their own RCU read locks.
 */
static void notrace syslog_ns_nf_redirect(unsigned long ip,
					  unsigned long parent_ip,
					  struct ftrace_ops *ops,
					  struct ftrace_regs *fregs)
{
	/* nf_log_packet()'s first, second and seventh arguments. */
	struct net *net = (struct net *)ftrace_regs_get_argument(fregs, 0);
	u8 pf = ftrace_regs_get_argument(fregs, 1);
	const struct nf_loginfo *loginfo =
		(const struct nf_loginfo *)ftrace_regs_get_argument(fregs, 6);

	if (syslog_ns_nf_routed(net, pf, loginfo))
		ftrace_regs_set_instruction_pointer(fregs,
				(unsigned long)syslog_ns_nf_log_packet);
}

static struct ftrace_ops syslog_ns_nf_ops = {
	.func	= syslog_ns_nf_redirect,
	.flags	= SYSLOG_NS_FTRACE_FLAGS,
};

/*
 * Start redirecting the lines of namespaces with a log. Returns 0 or the
 * error of ftrace: -EBUSY if another IPMODIFY user
 * (a livepatch of nf_log_packet()) has the function. Sleeps.
 */
int syslog_ns_nf_register(void)
{
	int ret;

	ret = ftrace_set_filter_ip(&syslog_ns_nf_ops, (unsigned long)nf_log_packet,
				   0, 0);
	if (ret)
		return ret;

	ret = register_ftrace_function(&syslog_ns_nf_ops);
	if (ret)
		ftrace_set_filter_ip(&syslog_ns_nf_ops, (unsigned long)nf_log_packet, 1, 0);
	return ret;
}

/*
 * Undo syslog_ns_nf_register(). Once unregister_ftrace_function() returns
 * no new line is redirected; a task may still be inside
 * syslog_ns_nf_log_packet() (preempted in process context), and
 * synchronize_rcu_tasks() waits until every task has left it, as ftrace
 * does for its own trampolines. Sleeps.
 */
void syslog_ns_nf_unregister(void)
{
	unregister_ftrace_function(&syslog_ns_nf_ops);
	ftrace_set_filter_ip(&syslog_ns_nf_ops, (unsigned long)nf_log_packet, 1, 0);
	synchronize_rcu_tasks();
}
#else
/* Without ftrace's argument access the lines follow nf_log_syslog's rules. */
int syslog_ns_nf_register(void)
{
	return -EOPNOTSUPP;
}

void syslog_ns_nf_unregister(void)
{
}
#endif

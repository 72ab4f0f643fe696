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
 * The packet formatting (everything between nf_log_dump_vlan() and
 * dump_mac_header() below) is copied from net/netfilter/nf_log_syslog.c,
 *   (C) 1999-2001 Paul `Rusty' Russell
 *   (C) 2002-2004 Netfilter Core Team <coreteam@netfilter.org>
 * and keeps its function names so that a diff against that file shows only
 * the changes: nf_log_buf_add() became ns_log_buf_add() on a caller's
 * buffer (nf_log_buf_close() would printk the line, which is what we must
 * not do), and the KERN_SOH level prefix is gone (the level is passed to
 * syslog_ns_store() separately). The output is otherwise the text of
 * nf_log_syslog's "nf_log_ipv4" and "nf_log_ipv6" loggers, without its
 * trailing space.
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
static __printf(2, 3) void ns_log_buf_add(struct syslog_ns_nf_buf *m,
					  const char *fmt, ...)
{
	va_list args;

	if (m->len + 1 >= m->size)
		return;

	va_start(args, fmt);
	m->len += vscnprintf(m->buf + m->len, m->size - m->len, fmt, args);
	va_end(args);
}

static void nf_log_dump_vlan(struct syslog_ns_nf_buf *m, const struct sk_buff *skb)
{
	u16 vid;

	if (!skb_vlan_tag_present(skb))
		return;

	vid = skb_vlan_tag_get(skb);
	ns_log_buf_add(m, "VPROTO=%04x VID=%u ", ntohs(skb->vlan_proto), vid);
}

static void
nf_log_dump_packet_common(struct syslog_ns_nf_buf *m, u8 pf,
			  unsigned int hooknum, const struct sk_buff *skb,
			  const struct net_device *in,
			  const struct net_device *out,
			  const struct nf_loginfo *loginfo, const char *prefix,
			  struct net *net)
{
	const struct net_device *physoutdev __maybe_unused;
	const struct net_device *physindev __maybe_unused;

	ns_log_buf_add(m, "%sIN=%s OUT=%s ", prefix,
		       in ? in->name : "", out ? out->name : "");
#if IS_ENABLED(CONFIG_BRIDGE_NETFILTER)
	physindev = nf_bridge_get_physindev(skb, net);
	if (physindev && in != physindev)
		ns_log_buf_add(m, "PHYSIN=%s ", physindev->name);
	physoutdev = nf_bridge_get_physoutdev(skb);
	if (physoutdev && out != physoutdev)
		ns_log_buf_add(m, "PHYSOUT=%s ", physoutdev->name);
#endif
}

static void nf_log_dump_sk_uid_gid(struct net *net, struct syslog_ns_nf_buf *m,
				   struct sock *sk)
{
	const struct socket *sock;
	const struct file *file;

	if (!sk || !sk_fullsock(sk) || !net_eq(net, sock_net(sk)))
		return;

	/* The sk pointer remains valid as long as the skb is. The sk_socket and
	 * file pointer may become NULL if the socket is closed. Both structures
	 * (including file->cred) are RCU freed which means they can be accessed
	 * within a RCU read section.
	 */
	sock = READ_ONCE(sk->sk_socket);
	file = sock ? READ_ONCE(sock->file) : NULL;
	if (file) {
		const struct cred *cred = file->f_cred;

		/* As the namespace's log reader sees them, not the host. */
		ns_log_buf_add(m, "UID=%u GID=%u ",
			       from_kuid_munged(net->user_ns, cred->fsuid),
			       from_kgid_munged(net->user_ns, cred->fsgid));
	}
}

static noinline_for_stack int
nf_log_dump_tcp_header(struct syslog_ns_nf_buf *m,
		       const struct sk_buff *skb,
		       u8 proto, int fragment,
		       unsigned int offset,
		       unsigned int logflags)
{
	struct tcphdr _tcph;
	const struct tcphdr *th;

	/* Max length: 10 "PROTO=TCP " */
	ns_log_buf_add(m, "PROTO=TCP ");

	if (fragment)
		return 0;

	/* Max length: 25 "INCOMPLETE [65535 bytes] " */
	th = skb_header_pointer(skb, offset, sizeof(_tcph), &_tcph);
	if (!th) {
		ns_log_buf_add(m, "INCOMPLETE [%u bytes] ", skb->len - offset);
		return 1;
	}

	/* Max length: 20 "SPT=65535 DPT=65535 " */
	ns_log_buf_add(m, "SPT=%u DPT=%u ",
		       ntohs(th->source), ntohs(th->dest));
	/* Max length: 30 "SEQ=4294967295 ACK=4294967295 " */
	if (logflags & NF_LOG_TCPSEQ) {
		ns_log_buf_add(m, "SEQ=%u ACK=%u ",
			       ntohl(th->seq), ntohl(th->ack_seq));
	}

	/* Max length: 13 "WINDOW=65535 " */
	ns_log_buf_add(m, "WINDOW=%u ", ntohs(th->window));
	/* Max length: 9 "RES=0x3C " */
	ns_log_buf_add(m, "RES=0x%02x ", (u_int8_t)(ntohl(tcp_flag_word(th) &
					    TCP_RESERVED_BITS) >> 22));
	/* Max length: 35 "AE CWR ECE URG ACK PSH RST SYN FIN " */
	if (th->ae)
		ns_log_buf_add(m, "AE ");
	if (th->cwr)
		ns_log_buf_add(m, "CWR ");
	if (th->ece)
		ns_log_buf_add(m, "ECE ");
	if (th->urg)
		ns_log_buf_add(m, "URG ");
	if (th->ack)
		ns_log_buf_add(m, "ACK ");
	if (th->psh)
		ns_log_buf_add(m, "PSH ");
	if (th->rst)
		ns_log_buf_add(m, "RST ");
	if (th->syn)
		ns_log_buf_add(m, "SYN ");
	if (th->fin)
		ns_log_buf_add(m, "FIN ");
	/* Max length: 11 "URGP=65535 " */
	ns_log_buf_add(m, "URGP=%u ", ntohs(th->urg_ptr));

	if ((logflags & NF_LOG_TCPOPT) && th->doff * 4 > sizeof(struct tcphdr)) {
		unsigned int optsize = th->doff * 4 - sizeof(struct tcphdr);
		u8 _opt[60 - sizeof(struct tcphdr)];
		unsigned int i;
		const u8 *op;

		op = skb_header_pointer(skb, offset + sizeof(struct tcphdr),
					optsize, _opt);
		if (!op) {
			ns_log_buf_add(m, "OPT (TRUNCATED)");
			return 1;
		}

		/* Max length: 127 "OPT (" 15*4*2chars ") " */
		ns_log_buf_add(m, "OPT (");
		for (i = 0; i < optsize; i++)
			ns_log_buf_add(m, "%02X", op[i]);

		ns_log_buf_add(m, ") ");
	}

	return 0;
}

static noinline_for_stack int
nf_log_dump_udp_header(struct syslog_ns_nf_buf *m,
		       const struct sk_buff *skb,
		       u8 proto, int fragment,
		       unsigned int offset)
{
	struct udphdr _udph;
	const struct udphdr *uh;

	if (proto == IPPROTO_UDP)
		/* Max length: 10 "PROTO=UDP "     */
		ns_log_buf_add(m, "PROTO=UDP ");
	else	/* Max length: 14 "PROTO=UDPLITE " */
		ns_log_buf_add(m, "PROTO=UDPLITE ");

	if (fragment)
		goto out;

	/* Max length: 25 "INCOMPLETE [65535 bytes] " */
	uh = skb_header_pointer(skb, offset, sizeof(_udph), &_udph);
	if (!uh) {
		ns_log_buf_add(m, "INCOMPLETE [%u bytes] ", skb->len - offset);

		return 1;
	}

	/* Max length: 20 "SPT=65535 DPT=65535 " */
	ns_log_buf_add(m, "SPT=%u DPT=%u LEN=%u ",
		       ntohs(uh->source), ntohs(uh->dest), udp_get_len_short(uh));

out:
	return 0;
}

/* One level of recursion won't kill us */
static noinline_for_stack void
dump_ipv4_packet(struct net *net, struct syslog_ns_nf_buf *m,
		 const struct nf_loginfo *info,
		 const struct sk_buff *skb, unsigned int iphoff)
{
	const struct iphdr *ih;
	unsigned int logflags;
	struct iphdr _iph;

	if (info->type == NF_LOG_TYPE_LOG)
		logflags = info->u.log.logflags;
	else
		logflags = NF_LOG_DEFAULT_MASK;

	ih = skb_header_pointer(skb, iphoff, sizeof(_iph), &_iph);
	if (!ih) {
		ns_log_buf_add(m, "TRUNCATED");
		return;
	}

	/* Important fields:
	 * TOS, len, DF/MF, fragment offset, TTL, src, dst, options.
	 * Max length: 40 "SRC=255.255.255.255 DST=255.255.255.255 "
	 */
	ns_log_buf_add(m, "SRC=%pI4 DST=%pI4 ", &ih->saddr, &ih->daddr);

	/* Max length: 46 "LEN=65535 TOS=0xFF PREC=0xFF TTL=255 ID=65535 " */
	ns_log_buf_add(m, "LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ",
		       iph_totlen(skb, ih), ih->tos & IPTOS_TOS_MASK,
		       ih->tos & IPTOS_PREC_MASK, ih->ttl, ntohs(ih->id));

	/* Max length: 6 "CE DF MF " */
	if (ntohs(ih->frag_off) & IP_CE)
		ns_log_buf_add(m, "CE ");
	if (ntohs(ih->frag_off) & IP_DF)
		ns_log_buf_add(m, "DF ");
	if (ntohs(ih->frag_off) & IP_MF)
		ns_log_buf_add(m, "MF ");

	/* Max length: 11 "FRAG:65535 " */
	if (ntohs(ih->frag_off) & IP_OFFSET)
		ns_log_buf_add(m, "FRAG:%u ", ntohs(ih->frag_off) & IP_OFFSET);

	if ((logflags & NF_LOG_IPOPT) &&
	    ih->ihl * 4 > sizeof(struct iphdr)) {
		unsigned char _opt[4 * 15 - sizeof(struct iphdr)];
		const unsigned char *op;
		unsigned int i, optsize;

		optsize = ih->ihl * 4 - sizeof(struct iphdr);
		op = skb_header_pointer(skb, iphoff + sizeof(_iph),
					optsize, _opt);
		if (!op) {
			ns_log_buf_add(m, "TRUNCATED");
			return;
		}

		/* Max length: 127 "OPT (" 15*4*2chars ") " */
		ns_log_buf_add(m, "OPT (");
		for (i = 0; i < optsize; i++)
			ns_log_buf_add(m, "%02X", op[i]);
		ns_log_buf_add(m, ") ");
	}

	switch (ih->protocol) {
	case IPPROTO_TCP:
		if (nf_log_dump_tcp_header(m, skb, ih->protocol,
					   ntohs(ih->frag_off) & IP_OFFSET,
					   iphoff + ih->ihl * 4, logflags))
			return;
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		if (nf_log_dump_udp_header(m, skb, ih->protocol,
					   ntohs(ih->frag_off) & IP_OFFSET,
					   iphoff + ih->ihl * 4))
			return;
		break;
	case IPPROTO_ICMP: {
		static const size_t required_len[NR_ICMP_TYPES + 1] = {
			[ICMP_ECHOREPLY] = 4,
			[ICMP_DEST_UNREACH] = 8 + sizeof(struct iphdr),
			[ICMP_SOURCE_QUENCH] = 8 + sizeof(struct iphdr),
			[ICMP_REDIRECT] = 8 + sizeof(struct iphdr),
			[ICMP_ECHO] = 4,
			[ICMP_TIME_EXCEEDED] = 8 + sizeof(struct iphdr),
			[ICMP_PARAMETERPROB] = 8 + sizeof(struct iphdr),
			[ICMP_TIMESTAMP] = 20,
			[ICMP_TIMESTAMPREPLY] = 20,
			[ICMP_ADDRESS] = 12,
			[ICMP_ADDRESSREPLY] = 12 };
		const struct icmphdr *ich;
		struct icmphdr _icmph;

		/* Max length: 11 "PROTO=ICMP " */
		ns_log_buf_add(m, "PROTO=ICMP ");

		if (ntohs(ih->frag_off) & IP_OFFSET)
			break;

		/* Max length: 25 "INCOMPLETE [65535 bytes] " */
		ich = skb_header_pointer(skb, iphoff + ih->ihl * 4,
					 sizeof(_icmph), &_icmph);
		if (!ich) {
			ns_log_buf_add(m, "INCOMPLETE [%u bytes] ",
				       skb->len - iphoff - ih->ihl * 4);
			break;
		}

		/* Max length: 18 "TYPE=255 CODE=255 " */
		ns_log_buf_add(m, "TYPE=%u CODE=%u ", ich->type, ich->code);

		/* Max length: 25 "INCOMPLETE [65535 bytes] " */
		if (ich->type <= NR_ICMP_TYPES &&
		    required_len[ich->type] &&
		    skb->len - iphoff - ih->ihl * 4 < required_len[ich->type]) {
			ns_log_buf_add(m, "INCOMPLETE [%u bytes] ",
				       skb->len - iphoff - ih->ihl * 4);
			break;
		}

		switch (ich->type) {
		case ICMP_ECHOREPLY:
		case ICMP_ECHO:
			/* Max length: 19 "ID=65535 SEQ=65535 " */
			ns_log_buf_add(m, "ID=%u SEQ=%u ",
				       ntohs(ich->un.echo.id),
				       ntohs(ich->un.echo.sequence));
			break;

		case ICMP_PARAMETERPROB:
			/* Max length: 14 "PARAMETER=255 " */
			ns_log_buf_add(m, "PARAMETER=%u ",
				       ntohl(ich->un.gateway) >> 24);
			break;
		case ICMP_REDIRECT:
			/* Max length: 24 "GATEWAY=255.255.255.255 " */
			ns_log_buf_add(m, "GATEWAY=%pI4 ", &ich->un.gateway);
			fallthrough;
		case ICMP_DEST_UNREACH:
		case ICMP_SOURCE_QUENCH:
		case ICMP_TIME_EXCEEDED:
			/* Max length: 3+maxlen */
			if (!iphoff) { /* Only recurse once. */
				ns_log_buf_add(m, "[");
				dump_ipv4_packet(net, m, info, skb,
						 iphoff + ih->ihl * 4 + sizeof(_icmph));
				ns_log_buf_add(m, "] ");
			}

			/* Max length: 10 "MTU=65535 " */
			if (ich->type == ICMP_DEST_UNREACH &&
			    ich->code == ICMP_FRAG_NEEDED) {
				ns_log_buf_add(m, "MTU=%u ",
					       ntohs(ich->un.frag.mtu));
			}
		}
		break;
	}
	/* Max Length */
	case IPPROTO_AH: {
		const struct ip_auth_hdr *ah;
		struct ip_auth_hdr _ahdr;

		if (ntohs(ih->frag_off) & IP_OFFSET)
			break;

		/* Max length: 9 "PROTO=AH " */
		ns_log_buf_add(m, "PROTO=AH ");

		/* Max length: 25 "INCOMPLETE [65535 bytes] " */
		ah = skb_header_pointer(skb, iphoff + ih->ihl * 4,
					sizeof(_ahdr), &_ahdr);
		if (!ah) {
			ns_log_buf_add(m, "INCOMPLETE [%u bytes] ",
				       skb->len - iphoff - ih->ihl * 4);
			break;
		}

		/* Length: 15 "SPI=0xF1234567 " */
		ns_log_buf_add(m, "SPI=0x%x ", ntohl(ah->spi));
		break;
	}
	case IPPROTO_ESP: {
		const struct ip_esp_hdr *eh;
		struct ip_esp_hdr _esph;

		/* Max length: 10 "PROTO=ESP " */
		ns_log_buf_add(m, "PROTO=ESP ");

		if (ntohs(ih->frag_off) & IP_OFFSET)
			break;

		/* Max length: 25 "INCOMPLETE [65535 bytes] " */
		eh = skb_header_pointer(skb, iphoff + ih->ihl * 4,
					sizeof(_esph), &_esph);
		if (!eh) {
			ns_log_buf_add(m, "INCOMPLETE [%u bytes] ",
				       skb->len - iphoff - ih->ihl * 4);
			break;
		}

		/* Length: 15 "SPI=0xF1234567 " */
		ns_log_buf_add(m, "SPI=0x%x ", ntohl(eh->spi));
		break;
	}
	/* Max length: 10 "PROTO 255 " */
	default:
		ns_log_buf_add(m, "PROTO=%u ", ih->protocol);
	}

	/* Max length: 15 "UID=4294967295 " */
	if ((logflags & NF_LOG_UID) && !iphoff)
		nf_log_dump_sk_uid_gid(net, m, skb->sk);

	/* Max length: 16 "MARK=0xFFFFFFFF " */
	if (!iphoff && skb->mark)
		ns_log_buf_add(m, "MARK=0x%x ", skb->mark);

	/* Proto    Max log string length */
	/* IP:	    40+46+6+11+127 = 230 */
	/* TCP:     10+max(25,20+30+13+9+35+11+127) = 255 */
	/* UDP:     10+max(25,20) = 35 */
	/* UDPLITE: 14+max(25,20) = 39 */
	/* ICMP:    11+max(25, 18+25+max(19,14,24+3+n+10,3+n+10)) = 91+n */
	/* ESP:     10+max(25)+15 = 50 */
	/* AH:	    9+max(25)+15 = 49 */
	/* unknown: 10 */

	/* (ICMP allows recursion one level deep) */
	/* maxlen =  IP + ICMP +  IP + max(TCP,UDP,ICMP,unknown) */
	/* maxlen = 230+   91  + 230 + 255 = 806 */
}

static noinline_for_stack void
dump_ipv6_packet(struct net *net, struct syslog_ns_nf_buf *m,
		 const struct nf_loginfo *info,
		 const struct sk_buff *skb, unsigned int ip6hoff,
		 int recurse)
{
	const struct ipv6hdr *ih;
	unsigned int hdrlen = 0;
	unsigned int logflags;
	struct ipv6hdr _ip6h;
	unsigned int ptr;
	u8 currenthdr;
	int fragment;

	if (info->type == NF_LOG_TYPE_LOG)
		logflags = info->u.log.logflags;
	else
		logflags = NF_LOG_DEFAULT_MASK;

	ih = skb_header_pointer(skb, ip6hoff, sizeof(_ip6h), &_ip6h);
	if (!ih) {
		ns_log_buf_add(m, "TRUNCATED");
		return;
	}

	/* Max length: 88 "SRC=0000.0000.0000.0000.0000.0000.0000.0000 "
	 * + "DST=0000.0000.0000.0000.0000.0000.0000.0000 "
	 */
	ns_log_buf_add(m, "SRC=%pI6 DST=%pI6 ", &ih->saddr, &ih->daddr);

	/* Max length: 44 "LEN=65535 TC=255 HOPLIMIT=255 FLOWLBL=FFFFF " */
	ns_log_buf_add(m, "LEN=%zu TC=%u HOPLIMIT=%u FLOWLBL=%u ",
		       ipv6_payload_len(skb, ih) + sizeof(struct ipv6hdr),
		       (ntohl(*(__be32 *)ih) & 0x0ff00000) >> 20,
		       ih->hop_limit,
		       (ntohl(*(__be32 *)ih) & 0x000fffff));

	fragment = 0;
	ptr = ip6hoff + sizeof(struct ipv6hdr);
	currenthdr = ih->nexthdr;
	while (currenthdr != NEXTHDR_NONE && nf_ip6_ext_hdr(currenthdr)) {
		struct ipv6_opt_hdr _hdr;
		const struct ipv6_opt_hdr *hp;

		hp = skb_header_pointer(skb, ptr, sizeof(_hdr), &_hdr);
		if (!hp) {
			ns_log_buf_add(m, "TRUNCATED");
			return;
		}

		/* Max length: 48 "OPT (...) " */
		if (logflags & NF_LOG_IPOPT)
			ns_log_buf_add(m, "OPT ( ");

		switch (currenthdr) {
		case IPPROTO_FRAGMENT: {
			struct frag_hdr _fhdr;
			const struct frag_hdr *fh;

			ns_log_buf_add(m, "FRAG:");
			fh = skb_header_pointer(skb, ptr, sizeof(_fhdr),
						&_fhdr);
			if (!fh) {
				ns_log_buf_add(m, "TRUNCATED ");
				return;
			}

			/* Max length: 6 "65535 " */
			ns_log_buf_add(m, "%u ", ntohs(fh->frag_off) & 0xFFF8);

			/* Max length: 11 "INCOMPLETE " */
			if (fh->frag_off & htons(0x0001))
				ns_log_buf_add(m, "INCOMPLETE ");

			ns_log_buf_add(m, "ID:%08x ",
				       ntohl(fh->identification));

			if (ntohs(fh->frag_off) & 0xFFF8)
				fragment = 1;

			hdrlen = 8;
			break;
		}
		case IPPROTO_DSTOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_HOPOPTS:
			if (fragment) {
				if (logflags & NF_LOG_IPOPT)
					ns_log_buf_add(m, ")");
				return;
			}
			hdrlen = ipv6_optlen(hp);
			break;
		/* Max Length */
		case IPPROTO_AH:
			if (logflags & NF_LOG_IPOPT) {
				struct ip_auth_hdr _ahdr;
				const struct ip_auth_hdr *ah;

				/* Max length: 3 "AH " */
				ns_log_buf_add(m, "AH ");

				if (fragment) {
					ns_log_buf_add(m, ")");
					return;
				}

				ah = skb_header_pointer(skb, ptr, sizeof(_ahdr),
							&_ahdr);
				if (!ah) {
					/* Max length: 26 "INCOMPLETE [65535 bytes] )" */
					ns_log_buf_add(m, "INCOMPLETE [%u bytes] )",
						       skb->len - ptr);
					return;
				}

				/* Length: 15 "SPI=0xF1234567 */
				ns_log_buf_add(m, "SPI=0x%x ", ntohl(ah->spi));
			}

			hdrlen = ipv6_authlen(hp);
			break;
		case IPPROTO_ESP:
			if (logflags & NF_LOG_IPOPT) {
				struct ip_esp_hdr _esph;
				const struct ip_esp_hdr *eh;

				/* Max length: 4 "ESP " */
				ns_log_buf_add(m, "ESP ");

				if (fragment) {
					ns_log_buf_add(m, ")");
					return;
				}

				/* Max length: 26 "INCOMPLETE [65535 bytes] )" */
				eh = skb_header_pointer(skb, ptr, sizeof(_esph),
							&_esph);
				if (!eh) {
					ns_log_buf_add(m, "INCOMPLETE [%u bytes] )",
						       skb->len - ptr);
					return;
				}

				/* Length: 16 "SPI=0xF1234567 )" */
				ns_log_buf_add(m, "SPI=0x%x )",
					       ntohl(eh->spi));
			}
			return;
		default:
			/* Max length: 20 "Unknown Ext Hdr 255" */
			ns_log_buf_add(m, "Unknown Ext Hdr %u", currenthdr);
			return;
		}
		if (logflags & NF_LOG_IPOPT)
			ns_log_buf_add(m, ") ");

		currenthdr = hp->nexthdr;
		ptr += hdrlen;
	}

	switch (currenthdr) {
	case IPPROTO_TCP:
		if (nf_log_dump_tcp_header(m, skb, currenthdr, fragment,
					   ptr, logflags))
			return;
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		if (nf_log_dump_udp_header(m, skb, currenthdr, fragment, ptr))
			return;
		break;
	case IPPROTO_ICMPV6: {
		struct icmp6hdr _icmp6h;
		const struct icmp6hdr *ic;

		/* Max length: 13 "PROTO=ICMPv6 " */
		ns_log_buf_add(m, "PROTO=ICMPv6 ");

		if (fragment)
			break;

		/* Max length: 25 "INCOMPLETE [65535 bytes] " */
		ic = skb_header_pointer(skb, ptr, sizeof(_icmp6h), &_icmp6h);
		if (!ic) {
			ns_log_buf_add(m, "INCOMPLETE [%u bytes] ",
				       skb->len - ptr);
			return;
		}

		/* Max length: 18 "TYPE=255 CODE=255 " */
		ns_log_buf_add(m, "TYPE=%u CODE=%u ",
			       ic->icmp6_type, ic->icmp6_code);

		switch (ic->icmp6_type) {
		case ICMPV6_ECHO_REQUEST:
		case ICMPV6_ECHO_REPLY:
			/* Max length: 19 "ID=65535 SEQ=65535 " */
			ns_log_buf_add(m, "ID=%u SEQ=%u ",
				       ntohs(ic->icmp6_identifier),
				       ntohs(ic->icmp6_sequence));
			break;
		case ICMPV6_MGM_QUERY:
		case ICMPV6_MGM_REPORT:
		case ICMPV6_MGM_REDUCTION:
			break;

		case ICMPV6_PARAMPROB:
			/* Max length: 17 "POINTER=ffffffff " */
			ns_log_buf_add(m, "POINTER=%08x ",
				       ntohl(ic->icmp6_pointer));
			fallthrough;
		case ICMPV6_DEST_UNREACH:
		case ICMPV6_PKT_TOOBIG:
		case ICMPV6_TIME_EXCEED:
			/* Max length: 3+maxlen */
			if (recurse) {
				ns_log_buf_add(m, "[");
				dump_ipv6_packet(net, m, info, skb,
						 ptr + sizeof(_icmp6h), 0);
				ns_log_buf_add(m, "] ");
			}

			/* Max length: 10 "MTU=65535 " */
			if (ic->icmp6_type == ICMPV6_PKT_TOOBIG) {
				ns_log_buf_add(m, "MTU=%u ",
					       ntohl(ic->icmp6_mtu));
			}
		}
		break;
	}
	/* Max length: 10 "PROTO=255 " */
	default:
		ns_log_buf_add(m, "PROTO=%u ", currenthdr);
	}

	/* Max length: 15 "UID=4294967295 " */
	if ((logflags & NF_LOG_UID) && recurse)
		nf_log_dump_sk_uid_gid(net, m, skb->sk);

	/* Max length: 16 "MARK=0xFFFFFFFF " */
	if (recurse && skb->mark)
		ns_log_buf_add(m, "MARK=0x%x ", skb->mark);
}

static void dump_mac_header(struct syslog_ns_nf_buf *m,
			    const struct nf_loginfo *info,
			    const struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	unsigned int logflags = 0;

	if (info->type == NF_LOG_TYPE_LOG)
		logflags = info->u.log.logflags;

	if (!(logflags & NF_LOG_MACDECODE))
		goto fallback;

	switch (dev->type) {
	case ARPHRD_ETHER:
		if (!skb_mac_header_was_set(skb) || skb_mac_header_len(skb) < ETH_HLEN)
			return;

		ns_log_buf_add(m, "MACSRC=%pM MACDST=%pM ",
			       eth_hdr(skb)->h_source, eth_hdr(skb)->h_dest);
		nf_log_dump_vlan(m, skb);
		ns_log_buf_add(m, "MACPROTO=%04x ",
			       ntohs(eth_hdr(skb)->h_proto));
		return;
	default:
		break;
	}

fallback:
	ns_log_buf_add(m, "MAC=");
	if (dev->hard_header_len && skb_mac_header_was_set(skb) &&
	    skb_mac_header_len(skb) != 0) {
		const unsigned char *p = skb_mac_header(skb);
		unsigned int i;

		if (dev->type == ARPHRD_SIT) {
			p -= ETH_HLEN;

			if (p < skb->head)
				p = NULL;
		}

		if (p) {
			ns_log_buf_add(m, "%02x", *p++);
			for (i = 1; i < dev->hard_header_len; i++)
				ns_log_buf_add(m, ":%02x", *p++);
		}

		if (dev->type == ARPHRD_SIT) {
			const struct iphdr *iph =
				(struct iphdr *)skb_mac_header(skb);

			ns_log_buf_add(m, " TUNNEL=%pI4->%pI4", &iph->saddr,
				       &iph->daddr);
		}
	}
	ns_log_buf_add(m, " ");
}


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
	while (m.len &&
	       (m.buf[m.len - 1] == ' ' || m.buf[m.len - 1] == '\n'))
		m.len--;
	m.buf[m.len] = '\0';

	/*
	 * net holds a reference on its owning user namespace. Should its log
	 * have gone since syslog_ns_nf_redirect() looked, the line is dropped,
	 * as nf_log_syslog drops the lines of a network namespace other than
	 * init_net's.
	 */
	syslog_ns_store(net->user_ns, false, level, 0, m.buf, m.len);

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
 * Not FTRACE_OPS_FL_RECURSION: ftrace guards the callback against recursion
 * and runs it with preemption disabled, which the RCU lookup relies on.
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
	.flags	= FTRACE_OPS_FL_IPMODIFY
#ifndef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
		  | FTRACE_OPS_FL_SAVE_REGS
#endif
		  ,
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

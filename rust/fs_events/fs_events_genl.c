// SPDX-License-Identifier: GPL-2.0
/*
 * fs_events_genl.c - the fs_events generic netlink family.
 *
 * In C because the family's tables come from the kernel's YNL generator
 * (fs_events_nl.c, from Documentation/netlink/specs/fs_events.yaml), and the
 * per-namespace multicast and namespace references are static inlines. The
 * generator writes the family struct only for "genetlink" specs, whose names
 * cannot hold the underscore of "fs_events"; its group table is static, so
 * the family is defined in the generated code's translation unit.
 */

#include <linux/nsproxy.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "fs_events_nl.c"
#include "fs_events_shim.h"

static struct genl_family fs_events_nl_family __ro_after_init = {
	.name		= FS_EVENTS_FAMILY_NAME,
	.version	= FS_EVENTS_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= fs_events_nl_ops,
	.n_split_ops	= ARRAY_SIZE(fs_events_nl_ops),
	.mcgrps		= fs_events_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(fs_events_nl_mcgrps),
};

int fs_events_nl_get_state_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	return fs_events_rs_dump(skb, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, sock_net(skb->sk),
				 &cb->args[0]);
}

int fs_events_genl_register(void)
{
	return genl_register_family(&fs_events_nl_family);
}

void fs_events_genl_unregister(void)
{
	genl_unregister_family(&fs_events_nl_family);
}

void *fs_events_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			 u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &fs_events_nl_family, flags, cmd);
}

int fs_events_genl_multicast(struct sk_buff *skb, struct net *net, gfp_t gfp)
{
	return genlmsg_multicast_netns(&fs_events_nl_family, net, skb, 0,
				       FS_EVENTS_NLGRP_EVENTS, gfp);
}

bool fs_events_genl_has_listeners(struct net *net)
{
	return genl_has_listeners(&fs_events_nl_family, net,
				  FS_EVENTS_NLGRP_EVENTS);
}

struct net *fs_events_net_get_current(void)
{
	return get_net(current->nsproxy->net_ns);
}

void fs_events_net_put(struct net *net)
{
	put_net(net);
}

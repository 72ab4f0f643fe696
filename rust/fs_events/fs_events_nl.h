/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/fs_events.yaml */
/* YNL-GEN kernel header */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#ifndef _LINUX_FS_EVENTS_GEN_H
#define _LINUX_FS_EVENTS_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/fs_events.h>

/* Ops table for fs_events */
extern const struct genl_split_ops fs_events_nl_ops[1];

int fs_events_nl_get_state_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);

enum {
	FS_EVENTS_NLGRP_EVENTS,
};

#endif /* _LINUX_FS_EVENTS_GEN_H */

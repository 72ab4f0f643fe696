// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/fs_events.yaml */
/* YNL-GEN kernel source */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "fs_events_nl.h"

#include <uapi/fs_events.h>

/* Ops table for fs_events */
const struct genl_split_ops fs_events_nl_ops[1] = {
	{
		.cmd	= FS_EVENTS_CMD_GET_STATE,
		.dumpit	= fs_events_nl_get_state_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group fs_events_nl_mcgrps[] = {
	[FS_EVENTS_NLGRP_EVENTS] = { "events", },
};

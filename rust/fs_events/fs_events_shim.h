/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs_events_shim.h - the C side of fs_events, as the Rust side calls it
 * (shim.rs declares the same functions) and as it calls back into Rust.
 *
 * A "watch" here is an opaque pointer to the Rust watch; each mark holds one
 * reference to it, which fs_events_rs_mark_freed() drops.
 */
#ifndef _FS_EVENTS_SHIM_H
#define _FS_EVENTS_SHIM_H

#include <linux/types.h>

struct fs_events_mark;
struct net;
struct sk_buff;
struct super_block;
struct user_namespace;

/* fs_events_shim.c: the fsnotify group and its superblock marks. */
int fs_events_fsnotify_init(void);
void fs_events_fsnotify_exit(void);

/*
 * Resolve @name against the caller's root; it must be the root of a mount (-EINVAL otherwise, -ENOENT
 * and the like from the lookup). Then put an FS_ERROR mark on its superblock
 * carrying @watch and fill the filesystem's identity. Holds the path only for
 * the duration of the call.
 */
int fs_events_mark_attach(const char *name, const void *watch,
			  struct fs_events_mark **mark, u32 *dev_major,
			  u32 *dev_minor, char *fs_type, size_t fs_type_len);
/* Remove the mark (if the superblock has not already) and drop it. */
void fs_events_mark_detach(struct fs_events_mark *mark);
/* The superblock the mark was put on; for comparison only. */
const struct super_block *fs_events_mark_sb(const struct fs_events_mark *mark);

/* What a poll needs of struct kstatfs; shim.rs has the same struct. */
struct fs_events_statfs {
	u64 blocks_free;	/* f_bavail */
	u64 blocks_total;
	u64 inodes_free;
	u64 inodes_total;
	u32 block_size;
	bool read_only;		/* ST_RDONLY */
};

/*
 * statfs of @name (resolved against the root captured at attach), which must still be the root of a mount of the marked
 * superblock: -ESTALE when it is not (unmounted, or another filesystem
 * mounted there), lookup errors as they come.
 */
int fs_events_path_statfs(const char *name, const struct fs_events_mark *mark,
			  struct fs_events_statfs *st);

/*
 * The user namespace that owns a watch: the creator's, referenced by
 * fs_events_user_ns_get_current() until fs_events_user_ns_put().
 */
struct user_namespace *fs_events_user_ns_get_current(void);
void fs_events_user_ns_put(struct user_namespace *ns);
/* Whether @ns is the caller's user namespace or one below it. */
bool fs_events_user_ns_visible(const struct user_namespace *ns);
bool fs_events_user_ns_is_initial(const struct user_namespace *ns);
/*
 * The host uid charged for the watches of @ns and the namespaces below it:
 * the owner of its ancestor just below the initial namespace.
 */
u32 fs_events_user_ns_quota_uid(const struct user_namespace *ns);

/*
 * An FS_ERROR report as plain values; fs_error.rs has the same struct.
 * Without has_inode (an error about the whole filesystem), ino and
 * generation are 0.
 */
struct fs_events_error {
	int error;		/* positive errno, as fsnotify has it */
	bool has_inode;
	u64 ino;
	u32 generation;		/* i_generation */
};

/* fs_events_genl.c: the generic netlink family. */
int fs_events_genl_register(void);
void fs_events_genl_unregister(void);
/* genlmsg_put() with the fs_events family. */
void *fs_events_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			 u8 cmd);
/* Multicast to the events group in @net; consumes @skb. */
int fs_events_genl_multicast(struct sk_buff *skb, struct net *net, gfp_t gfp);
bool fs_events_genl_has_listeners(struct net *net);
/* A reference to the caller's network namespace, and its release. */
struct net *fs_events_net_get_current(void);
void fs_events_net_put(struct net *net);

/* Implemented in Rust. */
void fs_events_rs_fs_error(const void *watch,
			   const struct fs_events_error *error);
void fs_events_rs_sb_gone(const void *watch, const struct fs_events_mark *mark);
void fs_events_rs_mark_freed(const void *watch);
int fs_events_rs_dump(struct sk_buff *skb, u32 portid, u32 seq,
		      const struct net *net, unsigned long *cursor);

#endif /* _FS_EVENTS_SHIM_H */

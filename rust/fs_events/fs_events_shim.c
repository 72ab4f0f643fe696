// SPDX-License-Identifier: GPL-2.0
/*
 * fs_events_shim.c - the parts of fs_events that only C can write.
 *
 * - The fsnotify group and its superblock marks: fsnotify_backend.h is not in
 *   the kernel crate's bindings, and superblock marks need an ops table whose
 *   handle_event unpacks the error report with static inline helpers.
 * - Path lookup: vfs_path_lookup() from the configuring process's root
 *   (get_fs_root() is inline) and the mount-root test (namei.h, mount.h are
 *   not in the bindings either).
 * - The export of the Rust-defined __fs_event_notify().
 * - User namespaces: current_user_ns(), get_user_ns() and put_user_ns() are
 *   macros and static inlines, and the owner's uid is a config-dependent
 *   field of struct user_namespace.
 *
 * The trace events are instantiated by fs_events_trace.c. Everything else
 * (configuration, thresholds, polling, events) is Rust.
 */

#include <linux/fs_struct.h>
#include <linux/fsnotify_backend.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include <fs_events.h>

#include "fs_events_shim.h"

EXPORT_SYMBOL_GPL(__fs_event_notify);

struct fs_events_mark {
	struct fsnotify_mark mark;
	/* The Rust watch; the mark owns one reference to it. */
	const void *watch;
	const struct super_block *sb;
	/*
	 * The configuring process's root, which the path is resolved against:
	 * the poller is a kernel thread, whose root is not that process's.
	 */
	struct path root;
};

static struct fsnotify_group *fs_events_group;

static struct fs_events_mark *to_fs_events_mark(struct fsnotify_mark *mark)
{
	return container_of(mark, struct fs_events_mark, mark);
}

/*
 * Runs from fserror's worker (process context, no filesystem locks) for each
 * error the filesystem reports; superblock marks must have this callback.
 * The report holds what fserror hands fsnotify: the errno and the inode, NULL
 * for an error about the whole filesystem. fserror's worker holds a
 * reference to that inode until every mark has seen the report, so its
 * number and generation can be read here. fserror's own type and file range
 * are not in the report.
 */
static int fs_events_handle_event(struct fsnotify_group *group, u32 mask,
				  const void *data, int data_type,
				  struct inode *dir, const struct qstr *name,
				  u32 cookie, struct fsnotify_iter_info *iter)
{
	struct fs_error_report *report;
	struct fsnotify_mark *mark;
	struct fs_events_error error;

	report = fsnotify_data_error_report(data, data_type);
	mark = fsnotify_iter_sb_mark(iter);
	if (!(mask & FS_ERROR) || !report || !mark)
		return 0;
	error = (struct fs_events_error) {
		.error = report->error,
		.has_inode = report->inode != NULL,
		.ino = report->inode ? report->inode->i_ino : 0,
		.generation = report->inode ? report->inode->i_generation : 0,
	};
	fs_events_rs_fs_error(to_fs_events_mark(mark)->watch, &error);
	return 0;
}

/*
 * The mark is going away: the superblock is being shut down, or
 * fs_events_mark_detach() removes it. May run under the group's mark mutex,
 * so the Rust side only takes note here.
 */
static void fs_events_freeing_mark(struct fsnotify_mark *mark,
				   struct fsnotify_group *group)
{
	struct fs_events_mark *m = to_fs_events_mark(mark);

	fs_events_rs_sb_gone(m->watch, m);
}

/* The last reference is gone, after an SRCU grace period. */
static void fs_events_free_mark(struct fsnotify_mark *mark)
{
	struct fs_events_mark *m = to_fs_events_mark(mark);

	if (m->watch)
		fs_events_rs_mark_freed(m->watch);
	path_put(&m->root);
	kfree(m);
}

static const struct fsnotify_ops fs_events_fsnotify_ops = {
	.handle_event = fs_events_handle_event,
	.freeing_mark = fs_events_freeing_mark,
	.free_mark = fs_events_free_mark,
};

int fs_events_fsnotify_init(void)
{
	fs_events_group = fsnotify_alloc_group(&fs_events_fsnotify_ops,
					       FSNOTIFY_GROUP_DUPS);
	if (IS_ERR(fs_events_group))
		return PTR_ERR(fs_events_group);
	return 0;
}

/*
 * Every mark has been detached by now; wait until they are freed (their
 * free_mark callback is module code), then drop the group. The group holds no
 * marks, so the final put frees it.
 */
void fs_events_fsnotify_exit(void)
{
	fsnotify_wait_marks_destroyed();
	fsnotify_put_group(fs_events_group);
}

int fs_events_mark_attach(const char *name, const void *watch,
			  struct fs_events_mark **mark, u32 *dev_major,
			  u32 *dev_minor, char *fs_type, size_t fs_type_len)
{
	struct super_block *sb;
	struct fs_events_mark *m;
	struct path path;
	int err;

	m = kzalloc_obj(*m, GFP_KERNEL_ACCOUNT);
	if (!m)
		return -ENOMEM;
	get_fs_root(current->fs, &m->root);
	err = vfs_path_lookup(m->root.dentry, m->root.mnt, name, LOOKUP_FOLLOW,
			      &path);
	if (err) {
		path_put(&m->root);
		kfree(m);
		return err;
	}
	sb = path.dentry->d_sb;
	if (path.dentry != path.mnt->mnt_root) {
		path_put(&m->root);
		kfree(m);
		err = -EINVAL;
		goto out;
	}
	fsnotify_init_mark(&m->mark, fs_events_group);
	m->mark.mask = FS_ERROR;
	m->watch = watch;
	m->sb = sb;
	err = fsnotify_add_mark(&m->mark, sb, FSNOTIFY_OBJ_TYPE_SB, 0);
	if (err) {
		/* Never attached: the put frees it without the Rust reference. */
		m->watch = NULL;
		fsnotify_put_mark(&m->mark);
		goto out;
	}
	*mark = m;
	*dev_major = MAJOR(sb->s_dev);
	*dev_minor = MINOR(sb->s_dev);
	strscpy(fs_type, sb->s_type->name, fs_type_len);
out:
	path_put(&path);
	return err;
}

void fs_events_mark_detach(struct fs_events_mark *m)
{
	fsnotify_destroy_mark(&m->mark, fs_events_group);
	fsnotify_put_mark(&m->mark);
}

const struct super_block *fs_events_mark_sb(const struct fs_events_mark *m)
{
	return m->sb;
}

int fs_events_path_statfs(const char *name, const struct fs_events_mark *m,
			  struct fs_events_statfs *st)
{
	struct kstatfs k;
	struct path path;
	int err;

	err = vfs_path_lookup(m->root.dentry, m->root.mnt, name, LOOKUP_FOLLOW,
			      &path);
	if (err)
		return err;
	if (path.dentry != path.mnt->mnt_root || path.dentry->d_sb != m->sb)
		err = -ESTALE;
	else
		err = vfs_statfs(&path, &k);
	path_put(&path);
	if (err)
		return err;
	st->blocks_free = k.f_bavail;
	st->blocks_total = k.f_blocks;
	st->inodes_free = k.f_ffree;
	st->inodes_total = k.f_files;
	st->block_size = k.f_bsize;
	st->read_only = k.f_flags & ST_RDONLY;
	return 0;
}

struct user_namespace *fs_events_user_ns_get_current(void)
{
	return get_user_ns(current_user_ns());
}

void fs_events_user_ns_put(struct user_namespace *ns)
{
	put_user_ns(ns);
}

/* in_userns() is not exported; the same walk up from @ns. */
bool fs_events_user_ns_visible(const struct user_namespace *ns)
{
	const struct user_namespace *caller = current_user_ns();

	while (ns->level > caller->level)
		ns = ns->parent;
	return ns == caller;
}

bool fs_events_user_ns_is_initial(const struct user_namespace *ns)
{
	return ns == &init_user_ns;
}

u32 fs_events_user_ns_quota_uid(const struct user_namespace *ns)
{
	while (ns->parent && ns->parent != &init_user_ns)
		ns = ns->parent;
	return from_kuid_munged(&init_user_ns, ns->owner);
}

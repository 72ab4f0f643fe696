/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs_events.h - report filesystem events through the fs_events module.
 *
 * A filesystem or another module reports an event of its own on a superblock;
 * every fs_events watch armed on that superblock whose "events" include
 * "report" multicasts it as an FS_EVENTS_EVENT_TYPE_REPORT message carrying
 * the code, the message and the reporting module's name.
 *
 * Documentation/fs_events.rst describes the module.
 */
#ifndef _FS_EVENTS_H
#define _FS_EVENTS_H

#include <linux/types.h>

struct super_block;

/* Longest message accepted, without the terminating NUL. */
#define FS_EVENT_MESSAGE_MAX	255

/**
 * __fs_event_notify() - report an event on a filesystem
 * @sb: the filesystem
 * @origin: the reporting module's name (fs_event_notify() passes KBUILD_MODNAME)
 * @code: the reporter's own event code, passed through unchanged
 * @message: a NUL-terminated text of at most FS_EVENT_MESSAGE_MAX bytes, or NULL
 *
 * Context: process context; may sleep (allocates and sends netlink messages).
 * Return: the number of watches that took the event (0 when no armed watch
 * on @sb wants reports), -EINVAL for a NULL @sb or @origin or an over-long
 * @message.
 */
int __fs_event_notify(struct super_block *sb, const char *origin, u32 code,
		      const char *message);

#define fs_event_notify(sb, code, message) \
	__fs_event_notify(sb, KBUILD_MODNAME, code, message)

#endif /* _FS_EVENTS_H */

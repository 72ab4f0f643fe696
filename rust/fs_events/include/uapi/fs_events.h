/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/fs_events.yaml */
/* YNL-GEN uapi header */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#ifndef _UAPI_LINUX_FS_EVENTS_H
#define _UAPI_LINUX_FS_EVENTS_H

#define FS_EVENTS_FAMILY_NAME		"fs_events"
#define FS_EVENTS_FAMILY_VERSION	1

/**
 * enum fs_events_event_type - What an event reports.
 * @FS_EVENTS_EVENT_TYPE_SPACE_LOW: Free blocks fell below the lower space
 *   threshold.
 * @FS_EVENTS_EVENT_TYPE_SPACE_OK: Free blocks rose to the upper space
 *   threshold again.
 * @FS_EVENTS_EVENT_TYPE_INODES_LOW: Free inodes fell below the lower inode
 *   threshold.
 * @FS_EVENTS_EVENT_TYPE_INODES_OK: Free inodes rose to the upper inode
 *   threshold again.
 * @FS_EVENTS_EVENT_TYPE_ERROR: The filesystem reported an error (fsnotify
 *   FS_ERROR) other than a shutdown: error, error-class, error-count, and
 *   inode and generation when the error is about one inode.
 * @FS_EVENTS_EVENT_TYPE_READ_ONLY: The mount became read-only (statfs
 *   ST_RDONLY).
 * @FS_EVENTS_EVENT_TYPE_READ_WRITE: The mount became writable again.
 * @FS_EVENTS_EVENT_TYPE_UNMOUNT: The watched mount went away. The watch stops
 *   polling and releases the filesystem until its path is written again.
 * @FS_EVENTS_EVENT_TYPE_LOST: Events of this watch could not be delivered;
 *   lost-count, lost-first-seq and lost-last-seq say which.
 * @FS_EVENTS_EVENT_TYPE_REPORT: An event reported by another kernel module
 *   through fs_event_notify().
 * @FS_EVENTS_EVENT_TYPE_STATE: The current state of a watch, in reply to
 *   get-state.
 * @FS_EVENTS_EVENT_TYPE_SHUTDOWN: The filesystem shut down: it reported
 *   ESHUTDOWN (ext4 after mount -o remount,abort or the shutdown ioctl, xfs
 *   after a forced shutdown). Counted in error-count, with error and
 *   error-class as an error event has them; it is not also sent as an error
 *   event.
 */
enum fs_events_event_type {
	FS_EVENTS_EVENT_TYPE_SPACE_LOW = 1,
	FS_EVENTS_EVENT_TYPE_SPACE_OK,
	FS_EVENTS_EVENT_TYPE_INODES_LOW,
	FS_EVENTS_EVENT_TYPE_INODES_OK,
	FS_EVENTS_EVENT_TYPE_ERROR,
	FS_EVENTS_EVENT_TYPE_READ_ONLY,
	FS_EVENTS_EVENT_TYPE_READ_WRITE,
	FS_EVENTS_EVENT_TYPE_UNMOUNT,
	FS_EVENTS_EVENT_TYPE_LOST,
	FS_EVENTS_EVENT_TYPE_REPORT,
	FS_EVENTS_EVENT_TYPE_STATE,
	FS_EVENTS_EVENT_TYPE_SHUTDOWN,
};

/**
 * enum fs_events_error_class - What kind of error a filesystem reported,
 *   derived from its errno: 7.3 hands a module's fsnotify mark only the errno
 *   and the inode of an error, not fserror's own type (buffered or direct I/O,
 *   lost data, metadata) or the file range.
 * @FS_EVENTS_ERROR_CLASS_CORRUPTION: Metadata is corrupt: EUCLEAN
 *   (EFSCORRUPTED) or EBADMSG (EFSBADCRC, a checksum mismatch).
 * @FS_EVENTS_ERROR_CLASS_IO: An I/O error (EIO).
 * @FS_EVENTS_ERROR_CLASS_SHUTDOWN: The filesystem shut down (ESHUTDOWN).
 * @FS_EVENTS_ERROR_CLASS_OTHER: Any other errno.
 */
enum fs_events_error_class {
	FS_EVENTS_ERROR_CLASS_CORRUPTION = 1,
	FS_EVENTS_ERROR_CLASS_IO,
	FS_EVENTS_ERROR_CLASS_SHUTDOWN,
	FS_EVENTS_ERROR_CLASS_OTHER,
};

enum {
	FS_EVENTS_A_EVENT_PAD = 1,
	FS_EVENTS_A_EVENT_SEQ,
	FS_EVENTS_A_EVENT_TIMESTAMP,
	FS_EVENTS_A_EVENT_TYPE,
	FS_EVENTS_A_EVENT_WATCH_ID,
	FS_EVENTS_A_EVENT_WATCH,
	FS_EVENTS_A_EVENT_PATH,
	FS_EVENTS_A_EVENT_DEV_MAJOR,
	FS_EVENTS_A_EVENT_DEV_MINOR,
	FS_EVENTS_A_EVENT_FS_TYPE,
	FS_EVENTS_A_EVENT_BLOCK_SIZE,
	FS_EVENTS_A_EVENT_BLOCKS_FREE,
	FS_EVENTS_A_EVENT_BLOCKS_TOTAL,
	FS_EVENTS_A_EVENT_INODES_FREE,
	FS_EVENTS_A_EVENT_INODES_TOTAL,
	FS_EVENTS_A_EVENT_ERROR,
	FS_EVENTS_A_EVENT_ERROR_COUNT,
	FS_EVENTS_A_EVENT_LOST_COUNT,
	FS_EVENTS_A_EVENT_LOST_FIRST_SEQ,
	FS_EVENTS_A_EVENT_LOST_LAST_SEQ,
	FS_EVENTS_A_EVENT_CODE,
	FS_EVENTS_A_EVENT_MESSAGE,
	FS_EVENTS_A_EVENT_ORIGIN,
	FS_EVENTS_A_EVENT_MOUNTED,
	FS_EVENTS_A_EVENT_READ_ONLY,
	FS_EVENTS_A_EVENT_SPACE_LOW,
	FS_EVENTS_A_EVENT_INODES_LOW,
	FS_EVENTS_A_EVENT_INTERVAL_MS,
	FS_EVENTS_A_EVENT_INODE,
	FS_EVENTS_A_EVENT_GENERATION,
	FS_EVENTS_A_EVENT_ERROR_CLASS,

	__FS_EVENTS_A_EVENT_MAX,
	FS_EVENTS_A_EVENT_MAX = (__FS_EVENTS_A_EVENT_MAX - 1)
};

enum {
	FS_EVENTS_CMD_EVENT = 1,
	FS_EVENTS_CMD_GET_STATE,

	__FS_EVENTS_CMD_MAX,
	FS_EVENTS_CMD_MAX = (__FS_EVENTS_CMD_MAX - 1)
};

#define FS_EVENTS_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_FS_EVENTS_H */

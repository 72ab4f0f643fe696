/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * syslog_ns: a private kernel log per user namespace, read and written
 * through /dev/kmsg_ns (the record format of /dev/kmsg), controlled by the
 * ioctls below. Documentation/syslog_ns.rst describes each one.
 *
 * The one source of truth for the ABI: the module and samples/syslog-ns-ctl
 * both use the Rust constants scripts/uapi-gen.sh generates from this file.
 */
#ifndef _UAPI_LINUX_SYSLOG_NS_H
#define _UAPI_LINUX_SYSLOG_NS_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SYSLOG_NS_DEVICE "/dev/kmsg_ns"

/* A record's text, without the prefix and the newline, is at most this long. */
#define SYSLOG_NS_TEXT_MAX 1024
/* A formatted record, as one read() returns it, is at most this long. */
#define SYSLOG_NS_RECORD_MAX 2047

/* Bounds of a log's buffer size; sizes are rounded up to a power of two. */
#define SYSLOG_NS_SIZE_MIN (4U << 10)
#define SYSLOG_NS_SIZE_MAX (16U << 20)

/* SYSLOG_NS_IOC_CREATE: a log for the caller's own user namespace. */
struct syslog_ns_create {
	__u32 size;	/* buffer bytes; 0: the module's default */
	__u32 flags;	/* none defined; must be 0 */
};

/* SYSLOG_NS_IOC_READ_CLEAR: records since the last clear, then clear. */
struct syslog_ns_read {
	__u64 buf;	/* user pointer to the destination */
	__u32 len;	/* its size in bytes */
	__u32 records;	/* out: how many whole records were copied */
};

/* SYSLOG_NS_IOC_INFO: the state of the opener's log. */
struct syslog_ns_info {
	__u64 id;		/* the user namespace's ns_id */
	__u64 first_seq;	/* oldest record still stored */
	__u64 next_seq;		/* sequence number of the next record */
	__u64 clear_seq;	/* first record after the last clear */
	__u64 dropped;		/* records not stored: the oldest was unfinished */
	__u32 size;		/* buffer bytes */
	__u32 console_level;	/* records below it are mirrored to the host */
	__u32 readers;		/* open files on this log */
	__u32 owner;		/* owner uid of the user namespace (host view) */
};

#define SYSLOG_NS_IOC_MAGIC 0xb7

#define SYSLOG_NS_IOC_CREATE		_IOW(SYSLOG_NS_IOC_MAGIC, 1, struct syslog_ns_create)
#define SYSLOG_NS_IOC_READ_CLEAR	_IOWR(SYSLOG_NS_IOC_MAGIC, 2, struct syslog_ns_read)
#define SYSLOG_NS_IOC_CLEAR		_IO(SYSLOG_NS_IOC_MAGIC, 3)
#define SYSLOG_NS_IOC_SIZE_UNREAD	_IOR(SYSLOG_NS_IOC_MAGIC, 4, __u32)
#define SYSLOG_NS_IOC_SIZE_BUFFER	_IOR(SYSLOG_NS_IOC_MAGIC, 5, __u32)
#define SYSLOG_NS_IOC_CONSOLE_LEVEL	_IOW(SYSLOG_NS_IOC_MAGIC, 6, __u32)
#define SYSLOG_NS_IOC_INFO		_IOR(SYSLOG_NS_IOC_MAGIC, 7, struct syslog_ns_info)

#endif /* _UAPI_LINUX_SYSLOG_NS_H */

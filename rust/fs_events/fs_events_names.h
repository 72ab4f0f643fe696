/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/fs_events.yaml */
/* YNL-GEN names header, by scripts/ynl-gen.sh */

#ifndef _FS_EVENTS_NAMES_H
#define _FS_EVENTS_NAMES_H

#include "include/uapi/fs_events.h"

/* enum fs_events_event_type as { value, "name" } pairs. */
#define FS_EVENTS_EVENT_TYPE_NAMES \
	{ FS_EVENTS_EVENT_TYPE_SPACE_LOW, "space-low" }, \
	{ FS_EVENTS_EVENT_TYPE_SPACE_OK, "space-ok" }, \
	{ FS_EVENTS_EVENT_TYPE_INODES_LOW, "inodes-low" }, \
	{ FS_EVENTS_EVENT_TYPE_INODES_OK, "inodes-ok" }, \
	{ FS_EVENTS_EVENT_TYPE_ERROR, "error" }, \
	{ FS_EVENTS_EVENT_TYPE_READ_ONLY, "read-only" }, \
	{ FS_EVENTS_EVENT_TYPE_READ_WRITE, "read-write" }, \
	{ FS_EVENTS_EVENT_TYPE_UNMOUNT, "unmount" }, \
	{ FS_EVENTS_EVENT_TYPE_LOST, "lost" }, \
	{ FS_EVENTS_EVENT_TYPE_REPORT, "report" }, \
	{ FS_EVENTS_EVENT_TYPE_STATE, "state" }, \
	{ FS_EVENTS_EVENT_TYPE_SHUTDOWN, "shutdown" }

/* For a trace header: the values of the names above in its format. */
#define FS_EVENTS_EVENT_TYPE_TRACE_ENUMS \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_SPACE_LOW); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_SPACE_OK); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_INODES_LOW); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_INODES_OK); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_ERROR); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_READ_ONLY); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_READ_WRITE); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_UNMOUNT); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_LOST); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_REPORT); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_STATE); \
	TRACE_DEFINE_ENUM(FS_EVENTS_EVENT_TYPE_SHUTDOWN)

/* enum fs_events_error_class as { value, "name" } pairs. */
#define FS_EVENTS_ERROR_CLASS_NAMES \
	{ FS_EVENTS_ERROR_CLASS_CORRUPTION, "corruption" }, \
	{ FS_EVENTS_ERROR_CLASS_IO, "io" }, \
	{ FS_EVENTS_ERROR_CLASS_SHUTDOWN, "shutdown" }, \
	{ FS_EVENTS_ERROR_CLASS_OTHER, "other" }

/* For a trace header: the values of the names above in its format. */
#define FS_EVENTS_ERROR_CLASS_TRACE_ENUMS \
	TRACE_DEFINE_ENUM(FS_EVENTS_ERROR_CLASS_CORRUPTION); \
	TRACE_DEFINE_ENUM(FS_EVENTS_ERROR_CLASS_IO); \
	TRACE_DEFINE_ENUM(FS_EVENTS_ERROR_CLASS_SHUTDOWN); \
	TRACE_DEFINE_ENUM(FS_EVENTS_ERROR_CLASS_OTHER)

#endif /* _FS_EVENTS_NAMES_H */

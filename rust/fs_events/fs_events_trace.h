/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs_events_trace.h - trace events of the fs_events module.
 *
 * type is enum fs_events_event_type (include/uapi/fs_events.h).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM fs_events

#if !defined(_FS_EVENTS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _FS_EVENTS_TRACE_H

#include <linux/tracepoint.h>

#include "fs_events_names.h"

FS_EVENTS_EVENT_TYPE_TRACE_ENUMS;
FS_EVENTS_ERROR_CLASS_TRACE_ENUMS;

/* Every event the module emits, with what netlink said about delivery. */
TRACE_EVENT(fs_events_emit,

	TP_PROTO(u32 watch_id, u64 seq, u32 type, int result),

	TP_ARGS(watch_id, seq, type, result),

	TP_STRUCT__entry(
		__field(u32, watch_id)
		__field(u64, seq)
		__field(u32, type)
		__field(int, result)
	),

	TP_fast_assign(
		__entry->watch_id = watch_id;
		__entry->seq = seq;
		__entry->type = type;
		__entry->result = result;
	),

	TP_printk("watch=%u seq=%llu type=%s result=%d", __entry->watch_id,
		  __entry->seq,
		  __print_symbolic(__entry->type, FS_EVENTS_EVENT_TYPE_NAMES),
		  __entry->result)
);

/* Every statfs poll of a watch and when the next one is due. */
TRACE_EVENT(fs_events_poll,

	TP_PROTO(u32 watch_id, u64 blocks_free, u64 inodes_free, bool read_only,
		 u32 next_ms),

	TP_ARGS(watch_id, blocks_free, inodes_free, read_only, next_ms),

	TP_STRUCT__entry(
		__field(u32, watch_id)
		__field(u64, blocks_free)
		__field(u64, inodes_free)
		__field(bool, read_only)
		__field(u32, next_ms)
	),

	TP_fast_assign(
		__entry->watch_id = watch_id;
		__entry->blocks_free = blocks_free;
		__entry->inodes_free = inodes_free;
		__entry->read_only = read_only;
		__entry->next_ms = next_ms;
	),

	TP_printk("watch=%u blocks_free=%llu inodes_free=%llu read_only=%d next_ms=%u",
		  __entry->watch_id, __entry->blocks_free, __entry->inodes_free,
		  __entry->read_only, __entry->next_ms)
);

/*
 * Every error report a watch receives, sent or not (the watch's events may
 * leave errors out): error is the positive errno, class its
 * enum fs_events_error_class; ino and generation are 0 without an inode.
 */
TRACE_EVENT(fs_events_fs_error,

	TP_PROTO(u32 watch_id, u32 error, u32 class, bool has_inode, u64 ino,
		 u32 generation),

	TP_ARGS(watch_id, error, class, has_inode, ino, generation),

	TP_STRUCT__entry(
		__field(u32, watch_id)
		__field(u32, error)
		__field(u32, class)
		__field(bool, has_inode)
		__field(u64, ino)
		__field(u32, generation)
	),

	TP_fast_assign(
		__entry->watch_id = watch_id;
		__entry->error = error;
		__entry->class = class;
		__entry->has_inode = has_inode;
		__entry->ino = ino;
		__entry->generation = generation;
	),

	TP_printk("watch=%u error=%u class=%s has_inode=%d ino=%llu generation=%u",
		  __entry->watch_id, __entry->error,
		  __print_symbolic(__entry->class, FS_EVENTS_ERROR_CLASS_NAMES),
		  __entry->has_inode, __entry->ino, __entry->generation)
);

#endif /* _FS_EVENTS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE fs_events_trace
#include <trace/define_trace.h>

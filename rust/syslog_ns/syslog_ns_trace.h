/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syslog_ns_trace.h - trace events of the syslog_ns module.
 *
 * id is the user namespace's ns_id (/proc/PID/ns/user's inode number is
 * not stable across boots; ns_id is unique for the boot).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM syslog_ns

#if !defined(_SYSLOG_NS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SYSLOG_NS_TRACE_H

#include <linux/tracepoint.h>

/* A log was created for a user namespace. */
TRACE_EVENT(syslog_ns_created,

	TP_PROTO(u64 id, u32 owner, u32 size),

	TP_ARGS(id, owner, size),

	TP_STRUCT__entry(
		__field(u64, id)
		__field(u32, owner)
		__field(u32, size)
	),

	TP_fast_assign(
		__entry->id = id;
		__entry->owner = owner;
		__entry->size = size;
	),

	TP_printk("id=%llu owner=%u size=%u", __entry->id, __entry->owner,
		  __entry->size)
);

/* A log was taken out of use: its user namespace went away, or unload. */
TRACE_EVENT(syslog_ns_destroyed,

	TP_PROTO(u64 id, u64 records, u64 dropped),

	TP_ARGS(id, records, dropped),

	TP_STRUCT__entry(
		__field(u64, id)
		__field(u64, records)
		__field(u64, dropped)
	),

	TP_fast_assign(
		__entry->id = id;
		__entry->records = records;
		__entry->dropped = dropped;
	),

	TP_printk("id=%llu records=%llu dropped=%llu", __entry->id,
		  __entry->records, __entry->dropped)
);

/* A writer found the oldest record unfinished and dropped its own. */
TRACE_EVENT(syslog_ns_dropped,

	TP_PROTO(u64 id, u64 dropped),

	TP_ARGS(id, dropped),

	TP_STRUCT__entry(
		__field(u64, id)
		__field(u64, dropped)
	),

	TP_fast_assign(
		__entry->id = id;
		__entry->dropped = dropped;
	),

	TP_printk("id=%llu dropped=%llu", __entry->id, __entry->dropped)
);

#endif /* _SYSLOG_NS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE syslog_ns_trace
#include <trace/define_trace.h>

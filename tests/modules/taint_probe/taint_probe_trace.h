/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taint_probe_trace.h - the trace event of the taint_probe test module.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM taint_probe

#if !defined(_TAINT_PROBE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TAINT_PROBE_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(taint_probe_fired,

	TP_PROTO(unsigned int count),

	TP_ARGS(count),

	TP_STRUCT__entry(
		__field(unsigned int, count)
	),

	TP_fast_assign(
		__entry->count = count;
	),

	TP_printk("count=%u", __entry->count)
);

#endif /* _TAINT_PROBE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE taint_probe_trace
#include <trace/define_trace.h>

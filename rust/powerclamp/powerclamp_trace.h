/* SPDX-License-Identifier: GPL-2.0 */
/*
 * powerclamp_trace.h - trace events of the powerclamp module.
 *
 * Shares are in basis points (1/100 of a percent): 2500 is 25.00 %.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM powerclamp

#if !defined(_POWERCLAMP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _POWERCLAMP_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(powerclamp_inject_start,

	TP_PROTO(unsigned int cpu, u64 requested_ns),

	TP_ARGS(cpu, requested_ns),

	TP_STRUCT__entry(
		__field(unsigned int, cpu)
		__field(u64, requested_ns)
	),

	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->requested_ns = requested_ns;
	),

	TP_printk("cpu=%u requested_ns=%llu", __entry->cpu,
		  __entry->requested_ns)
);

TRACE_EVENT(powerclamp_inject_end,

	TP_PROTO(unsigned int cpu, u64 requested_ns, u64 actual_ns, u64 idle_ns),

	TP_ARGS(cpu, requested_ns, actual_ns, idle_ns),

	TP_STRUCT__entry(
		__field(unsigned int, cpu)
		__field(u64, requested_ns)
		__field(u64, actual_ns)
		__field(u64, idle_ns)
	),

	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->requested_ns = requested_ns;
		__entry->actual_ns = actual_ns;
		__entry->idle_ns = idle_ns;
	),

	TP_printk("cpu=%u requested_ns=%llu actual_ns=%llu idle_ns=%llu",
		  __entry->cpu, __entry->requested_ns, __entry->actual_ns,
		  __entry->idle_ns)
);

TRACE_EVENT(powerclamp_adjust,

	TP_PROTO(unsigned int cpu, unsigned int target_bp,
		 unsigned int achieved_bp, unsigned int share_before_bp,
		 unsigned int share_after_bp),

	TP_ARGS(cpu, target_bp, achieved_bp, share_before_bp, share_after_bp),

	TP_STRUCT__entry(
		__field(unsigned int, cpu)
		__field(unsigned int, target_bp)
		__field(unsigned int, achieved_bp)
		__field(unsigned int, share_before_bp)
		__field(unsigned int, share_after_bp)
	),

	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->target_bp = target_bp;
		__entry->achieved_bp = achieved_bp;
		__entry->share_before_bp = share_before_bp;
		__entry->share_after_bp = share_after_bp;
	),

	TP_printk("cpu=%u target_bp=%u achieved_bp=%u share_bp=%u->%u",
		  __entry->cpu, __entry->target_bp, __entry->achieved_bp,
		  __entry->share_before_bp, __entry->share_after_bp)
);

#endif /* _POWERCLAMP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE powerclamp_trace
#include <trace/define_trace.h>

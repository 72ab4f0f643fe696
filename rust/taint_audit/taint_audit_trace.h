/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taint_audit_trace.h - trace events of the taint_audit module.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM taint_audit

#if !defined(_TAINT_AUDIT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TAINT_AUDIT_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(taint_audit_module,

	TP_PROTO(const char *name, bool loading, unsigned long taints,
		 bool sig_ok, unsigned long kernel_taint),

	TP_ARGS(name, loading, taints, sig_ok, kernel_taint),

	TP_STRUCT__entry(
		__string(name, name)
		__field(bool, loading)
		__field(unsigned long, taints)
		__field(bool, sig_ok)
		__field(unsigned long, kernel_taint)
	),

	TP_fast_assign(
		__assign_str(name);
		__entry->loading = loading;
		__entry->taints = taints;
		__entry->sig_ok = sig_ok;
		__entry->kernel_taint = kernel_taint;
	),

	TP_printk("module=%s event=%s taints=%#lx signature=%s kernel_taint=%#lx",
		  __get_str(name), __entry->loading ? "load" : "unload",
		  __entry->taints, __entry->sig_ok ? "verified" : "none",
		  __entry->kernel_taint)
);

TRACE_EVENT(taint_audit_taint,

	TP_PROTO(unsigned int flag, const char *caller),

	TP_ARGS(flag, caller),

	TP_STRUCT__entry(
		__field(unsigned int, flag)
		__string(caller, caller)
	),

	TP_fast_assign(
		__entry->flag = flag;
		__assign_str(caller);
	),

	TP_printk("flag=%u caller=%s", __entry->flag, __get_str(caller))
);

#endif /* _TAINT_AUDIT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE taint_audit_trace
#include <trace/define_trace.h>

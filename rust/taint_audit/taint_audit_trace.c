// SPDX-License-Identifier: GPL-2.0
/*
 * taint_audit_trace.c - instantiate taint_audit's trace events.
 *
 * TRACE_EVENT() is preprocessor work that only C can do, and the kernel
 * crate's declare_trace! reaches only the events its own bindings include, so
 * each event gets a wrapper here that the Rust side calls.
 */

#define CREATE_TRACE_POINTS
#include "taint_audit_trace.h"
#include "taint_audit_shim.h"

void taint_audit_trace_module(const char *name, bool loading,
			      unsigned long taints, bool sig_ok,
			      unsigned long kernel_taint)
{
	trace_taint_audit_module(name, loading, taints, sig_ok, kernel_taint);
}

void taint_audit_trace_taint(unsigned int flag, const char *caller)
{
	trace_taint_audit_taint(flag, caller);
}

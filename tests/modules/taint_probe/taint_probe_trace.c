// SPDX-License-Identifier: GPL-2.0
/*
 * taint_probe_trace.c - instantiate taint_probe's trace event.
 *
 * TRACE_EVENT() is preprocessor work that only C can do; the Rust side calls
 * the wrapper.
 */

#define CREATE_TRACE_POINTS
#include "taint_probe_trace.h"
#include "taint_probe_shim.h"

void taint_probe_fire(unsigned int count)
{
	trace_taint_probe_fired(count);
}

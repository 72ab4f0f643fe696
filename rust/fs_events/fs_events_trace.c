// SPDX-License-Identifier: GPL-2.0
/*
 * fs_events_trace.c - instantiate fs_events' trace events.
 *
 * TRACE_EVENT() is preprocessor work that only C can do. With
 * CREATE_RUST_TRACE_POINTS, define_trace.h also emits rust_do_trace_<event>(),
 * which trace.rs calls (rust/common/trace.rs).
 */

#define CREATE_TRACE_POINTS
#define CREATE_RUST_TRACE_POINTS
#include "fs_events_trace.h"

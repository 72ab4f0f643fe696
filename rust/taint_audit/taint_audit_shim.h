/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taint_audit_shim.h - functions taint_audit_trace.c provides to the Rust side.
 *
 * Keep in sync with rust/taint_audit/trace.rs.
 */
#ifndef _TAINT_AUDIT_SHIM_H
#define _TAINT_AUDIT_SHIM_H

#include <linux/types.h>

/**
 * taint_audit_trace_module() - emit the taint_audit:taint_audit_module event.
 * @name: the module's name, NUL-terminated.
 * @loading: true when the module is coming, false when it is going.
 * @taints: the module's own taint mask (TAINT_* bits).
 * @sig_ok: whether its signature verified against a trusted key.
 * @kernel_taint: the kernel-wide taint mask after the module's taints.
 *
 * Context: any; does not sleep.
 */
void taint_audit_trace_module(const char *name, bool loading,
			      unsigned long taints, bool sig_ok,
			      unsigned long kernel_taint);

#endif /* _TAINT_AUDIT_SHIM_H */

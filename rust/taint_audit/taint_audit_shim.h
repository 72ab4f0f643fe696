/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taint_audit_shim.h - the C side of taint_audit and what it calls in Rust.
 *
 * Keep in sync with rust/taint_audit/audit.rs, which declares these.
 */
#ifndef _TAINT_AUDIT_SHIM_H
#define _TAINT_AUDIT_SHIM_H

#include <linux/types.h>

/**
 * taint_audit_register_taint_probe() - start reporting taint changes.
 * @ctx: passed back to every taint_audit_rs_taints_set() call; must stay
 *       valid until taint_audit_unregister_taint_probe() has returned.
 *
 * Probes add_taint() and, because it may be inlined into them, its callers in
 * kernel/panic.c: __warn() and proc_taint().
 *
 * Context: process context; may sleep.
 * Return: 0 on success, negative errno from register_kretprobe() on failure.
 */
int taint_audit_register_taint_probe(void *ctx);

/**
 * taint_audit_unregister_taint_probe() - stop reporting taint changes.
 *
 * No taint_audit_rs_taints_set() call is running or will start once this
 * returns.
 *
 * Context: process context; may sleep.
 */
void taint_audit_unregister_taint_probe(void);

/**
 * taint_audit_taint_probe_misses() - probed calls that were not seen.
 *
 * Calls of the probed functions that found every kretprobe instance in use
 * (see TAINT_PROBE_CONTEXTS_PER_CPU), so that no taint change they made was
 * attributed; since the probes were registered.
 *
 * Context: any.
 */
unsigned long taint_audit_taint_probe_misses(void);

/**
 * taint_audit_symbolize() - format a code address.
 * @buf: where the text goes, NUL-terminated and truncated to fit.
 * @len: the size of @buf.
 * @addr: a return address, or the start of a function.
 * @return_address: "%pB" for a return address ("fn+0x1c/0x80"), else "%ps".
 *
 * Context: any.
 * Return: the length the full text would have had.
 */
int taint_audit_symbolize(char *buf, size_t len, unsigned long addr,
			  bool return_address);

/**
 * taint_audit_rs_taints_set() - Rust: a probed function has just returned.
 * @ctx: the pointer given to taint_audit_register_taint_probe().
 * @flag: add_taint()'s TAINT_* argument, or -1 for its callers' probes.
 * @before: the kernel-wide taint when the call began.
 * @after: the kernel-wide taint now.
 * @site: for add_taint(), where it returned to; else the probed function.
 * @site_is_return_address: true for add_taint().
 *
 * Flags in @after but not in @before were set by this call.
 *
 * Context: any, including hard interrupts; must not sleep or take locks.
 */
void taint_audit_rs_taints_set(void *ctx, int flag, unsigned long before,
			       unsigned long after, unsigned long site,
			       bool site_is_return_address);

#endif /* _TAINT_AUDIT_SHIM_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taint_audit_shim.h - the C side of taint_audit and what it calls in Rust.
 *
 * Keep in sync with rust/taint_audit/shim.rs, which declares the C functions,
 * and rust/taint_audit/callbacks.rs, which defines the Rust one.
 */
#ifndef _TAINT_AUDIT_SHIM_H
#define _TAINT_AUDIT_SHIM_H

#include <linux/types.h>

struct module;

/**
 * taint_audit_module_name() - a module's name.
 * @mod: a module that stays valid while the name is used.
 *
 * Context: any.
 * Return: @mod's NUL-terminated name, which lives as long as @mod.
 */
const char *taint_audit_module_name(const struct module *mod);

/**
 * taint_audit_module_taints() - the taint flags a module carries.
 * @mod: a valid module.
 *
 * Context: any.
 * Return: the TAINT_* bits of @mod, as /sys/module/<name>/taint shows them.
 */
unsigned long taint_audit_module_taints(const struct module *mod);

/**
 * taint_audit_module_sig_ok() - whether a module's signature verified.
 * @mod: a valid module.
 *
 * Context: any.
 * Return: true if it verified against a trusted key; false otherwise, and
 * always without CONFIG_MODULE_SIG.
 */
bool taint_audit_module_sig_ok(const struct module *mod);

/**
 * taint_audit_current_pid() - the current task's pid, as task_pid_nr().
 *
 * Context: any, including NMI.
 */
pid_t taint_audit_current_pid(void);

/**
 * taint_audit_current_comm() - the current task's name.
 * @buf: where the name goes, NUL-terminated, truncated and zero-padded.
 * @len: the size of @buf, at least 1.
 *
 * Lockless: a concurrent rename can tear the name, never its terminator.
 *
 * Context: any, including NMI.
 */
void taint_audit_current_comm(char *buf, size_t len);

/**
 * taint_audit_kernel_taint() - the kernel-wide taint, as get_taint() would.
 *
 * Context: any, including NMI.
 * Return: one bit per TAINT_* flag set.
 */
unsigned long taint_audit_kernel_taint(void);

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

// SPDX-License-Identifier: GPL-2.0
/*
 * taint_audit_shim.c - what taint_audit reads of the kernel, in C.
 *
 * struct module and struct task_struct change shape with the configuration:
 * module::sig_ok exists only with CONFIG_MODULE_SIG, and nearly every option
 * moves task_struct's members. Read here, a member is where the kernel's own
 * compiler put it for the kernel's own configuration. Read from Rust through
 * bindgen's mirror, it is where bindgen thinks it is, and the two have
 * disagreed (an empty, cacheline-aligned struct without CONFIG_SCHEDSTATS).
 * test_taint() is per flag and get_taint() is not exported, so the mask is
 * gathered here once for the probe handlers and Rust alike. "%pB" and "%ps"
 * are vsnprintf() formats, which Rust cannot reach.
 */

#include <linux/bits.h>
#include <linux/module.h>
#include <linux/panic.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sprintf.h>
#include <linux/string.h>

#include "taint_audit_shim.h"

const char *taint_audit_module_name(const struct module *mod)
{
	return mod->name;
}

unsigned long taint_audit_module_taints(const struct module *mod)
{
	return mod->taints;
}

bool taint_audit_module_sig_ok(const struct module *mod)
{
#ifdef CONFIG_MODULE_SIG
	return mod->sig_ok;
#else
	return false;	/* No signature was checked. */
#endif
}

pid_t taint_audit_current_pid(void)
{
	return task_pid_nr(current);
}

void taint_audit_current_comm(char *buf, size_t len)
{
	/* Lockless, as get_task_comm(): comm is always NUL-terminated. */
	strscpy_pad(buf, current->comm, len);
}

unsigned long taint_audit_kernel_taint(void)
{
	unsigned long mask = 0;
	unsigned int flag;

	for (flag = 0; flag < TAINT_FLAGS_COUNT; flag++)
		if (test_taint(flag))
			mask |= BIT(flag);
	return mask;
}

int taint_audit_symbolize(char *buf, size_t len, unsigned long addr,
			  bool return_address)
{
	if (return_address)
		return snprintf(buf, len, "%pB", (void *)addr);
	return snprintf(buf, len, "%ps", (void *)addr);
}

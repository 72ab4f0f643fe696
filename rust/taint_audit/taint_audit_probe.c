// SPDX-License-Identifier: GPL-2.0
/*
 * taint_audit_probe.c - a kretprobe on add_taint(), for taint attribution.
 *
 * The first argument of a probed function (regs_get_kernel_argument()) and a
 * kretprobe's return address (get_kretprobe_retaddr()) are static inline C,
 * and struct kretprobe is not in the kernel crate's bindings, so the probe is
 * C. Everything it learns goes to taint_audit_rs_taint_added() in Rust.
 */

#include <linux/kprobes.h>
#include <linux/panic.h>
#include <linux/ptrace.h>
#include <linux/sprintf.h>

#include "taint_audit_shim.h"

/* What the entry handler tells the return handler. */
struct taint_call {
	unsigned int flag;
	bool was_set;
};

static void *taint_probe_ctx;

static int add_taint_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct taint_call *call = (struct taint_call *)ri->data;

	call->flag = regs_get_kernel_argument(regs, 0);
	call->was_set = call->flag < TAINT_FLAGS_COUNT && test_taint(call->flag);
	return 0;
}

static int add_taint_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct taint_call *call = (struct taint_call *)ri->data;

	taint_audit_rs_taint_added(taint_probe_ctx, call->flag, call->was_set,
				   get_kretprobe_retaddr(ri));
	return 0;
}

static struct kretprobe add_taint_probe = {
	.kp.symbol_name = "add_taint",
	.entry_handler = add_taint_entry,
	.handler = add_taint_return,
	.data_size = sizeof(struct taint_call),
	/* add_taint() does not sleep; a few calls at once are plenty. */
	.maxactive = 16,
};

int taint_audit_register_taint_probe(void *ctx)
{
	taint_probe_ctx = ctx;
	return register_kretprobe(&add_taint_probe);
}

void taint_audit_unregister_taint_probe(void)
{
	unregister_kretprobe(&add_taint_probe);
}

int taint_audit_symbolize(char *buf, size_t len, unsigned long addr)
{
	return snprintf(buf, len, "%pB", (void *)addr);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * taint_audit_probe.c - kretprobes that see the kernel-wide taint change.
 *
 * add_taint() is the one function that sets a taint flag, but two of its
 * callers, __warn() (W) and proc_taint() (writes to /proc/sys/kernel/tainted),
 * live in the same file, kernel/panic.c, and the compiler may inline it into
 * them: a probe on add_taint() alone then never sees those calls. So all three
 * are probed. Each entry handler notes the kernel-wide taint, each return
 * handler reports the flags that became set in between. Returns come innermost
 * first, so when add_taint() was not inlined its own report (with the exact
 * call site) claims the flag before its caller's does.
 *
 * Function arguments (regs_get_kernel_argument()) and a kretprobe's return
 * address (get_kretprobe_retaddr()) are static inline C, and struct kretprobe
 * is not in the kernel crate's bindings: this is C. The rest is Rust, in
 * taint_audit_rs_taints_set().
 */

#include <linux/cpumask.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>

#include "taint_audit_shim.h"

/* What an entry handler tells its return handler. */
struct taint_call {
	unsigned long before;
	unsigned int flag;
};

static void *taint_probe_ctx;

static int taint_call_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct taint_call *call = (struct taint_call *)ri->data;

	call->before = taint_audit_kernel_taint();
	call->flag = regs_get_kernel_argument(regs, 0);
	return 0;
}

/* add_taint(flag, ...) returned to its caller. */
static int add_taint_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct taint_call *call = (struct taint_call *)ri->data;

	taint_audit_rs_taints_set(taint_probe_ctx, call->flag, call->before,
				  taint_audit_kernel_taint(),
				  get_kretprobe_retaddr(ri), true);
	return 0;
}

/* __warn() or proc_taint() returned: report what they set by themselves. */
static int taint_caller_return(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct taint_call *call = (struct taint_call *)ri->data;
	unsigned long after = taint_audit_kernel_taint();

	if (after & ~call->before)
		taint_audit_rs_taints_set(taint_probe_ctx, -1, call->before,
					  after,
					  (unsigned long)get_kretprobe(ri)->kp.addr,
					  false);
	return 0;
}

/* .maxactive is set at registration, from the number of CPUs. */
#define TAINT_PROBE(fn, ret)					\
	{							\
		.kp.symbol_name = fn,				\
		.entry_handler = taint_call_entry,		\
		.handler = ret,					\
		.data_size = sizeof(struct taint_call),		\
	}

static struct kretprobe taint_probes[] = {
	TAINT_PROBE("add_taint", add_taint_return),
	TAINT_PROBE("__warn", taint_caller_return),
	TAINT_PROBE("proc_taint", taint_caller_return),
};

static struct kretprobe *taint_probe_ptrs[] = {
	&taint_probes[0], &taint_probes[1], &taint_probes[2],
};

/*
 * Calls in flight at once, per CPU. add_taint() and __warn() do not sleep,
 * so a CPU runs at most one of each per context it can nest (task, softirq,
 * hardirq, NMI). proc_taint() may sleep in the copy from user space, so its
 * writers (CAP_SYS_ADMIN only) can outnumber that: a call that finds no free
 * instance is not attributed, and counted in taint_audit_taint_probe_misses().
 */
#define TAINT_PROBE_CONTEXTS_PER_CPU 4

int taint_audit_register_taint_probe(void *ctx)
{
	unsigned int i;

	taint_probe_ctx = ctx;
	for (i = 0; i < ARRAY_SIZE(taint_probes); i++)
		taint_probes[i].maxactive =
			TAINT_PROBE_CONTEXTS_PER_CPU * num_possible_cpus();
	return register_kretprobes(taint_probe_ptrs,
				   ARRAY_SIZE(taint_probe_ptrs));
}

void taint_audit_unregister_taint_probe(void)
{
	unregister_kretprobes(taint_probe_ptrs, ARRAY_SIZE(taint_probe_ptrs));
}

unsigned long taint_audit_taint_probe_misses(void)
{
	unsigned long misses = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(taint_probes); i++)
		misses += READ_ONCE(taint_probes[i].nmissed) +
			  READ_ONCE(taint_probes[i].kp.nmissed);
	return misses;
}

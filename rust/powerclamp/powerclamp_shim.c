// SPDX-License-Identifier: GPL-2.0
/*
 * powerclamp_shim.c - the parts of powerclamp that only C can write.
 *
 * - The cooling device ops: struct thermal_cooling_device_ops is not in the
 *   kernel crate's bindings.
 * - Run-time writable module parameters: the Rust module! macro makes
 *   load-time-only ones (perm 0), and intel_powerclamp's users write
 *   /sys/module/<module>/parameters/ at run time.
 * - The CPU time counters: kcpustat_cpu_fetch() is static inline.
 * - Running pending softirqs: local_bh_disable()/local_bh_enable() are
 *   static inline.
 *
 * The trace events are instantiated by powerclamp_trace.c. Everything else,
 * validation included, is Rust.
 */

#include <linux/bottom_half.h>
#include <linux/kernel_stat.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/thermal.h>

#include "powerclamp_shim.h"

static int powerclamp_get_max_state(struct thermal_cooling_device *cdev,
				    unsigned long *state)
{
	*state = powerclamp_rs_max_state();
	return 0;
}

static int powerclamp_get_cur_state(struct thermal_cooling_device *cdev,
				    unsigned long *state)
{
	*state = powerclamp_rs_cur_state();
	return 0;
}

static int powerclamp_set_cur_state(struct thermal_cooling_device *cdev,
				    unsigned long state)
{
	return powerclamp_rs_set_cur_state(state);
}

static const struct thermal_cooling_device_ops powerclamp_cooling_ops = {
	.get_max_state = powerclamp_get_max_state,
	.get_cur_state = powerclamp_get_cur_state,
	.set_cur_state = powerclamp_set_cur_state,
};

struct thermal_cooling_device *powerclamp_cdev_register(void)
{
	return thermal_cooling_device_register("powerclamp", NULL,
					       &powerclamp_cooling_ops);
}

void powerclamp_cpu_times(unsigned int cpu, u64 *idle_ns, u64 *total_ns)
{
	struct kernel_cpustat kcpustat;
	u64 *t = kcpustat.cpustat;

	kcpustat_cpu_fetch(&kcpustat, cpu);
	*idle_ns = t[CPUTIME_IDLE] + t[CPUTIME_IOWAIT];
	/* As mpstat adds them up: guest time is already in user and nice. */
	*total_ns = t[CPUTIME_USER] + t[CPUTIME_NICE] + t[CPUTIME_SYSTEM] +
		    t[CPUTIME_IRQ] + t[CPUTIME_SOFTIRQ] + t[CPUTIME_STEAL] +
		    *idle_ns;
}

void powerclamp_run_pending_softirqs(void)
{
	local_bh_disable();
	local_bh_enable();
}

static int powerclamp_param_set(const char *val, const struct kernel_param *kp)
{
	return powerclamp_rs_param_set(kp->name, val);
}

static int powerclamp_param_get(char *buffer, const struct kernel_param *kp)
{
	return powerclamp_rs_param_get(kp->name, buffer);
}

static const struct kernel_param_ops powerclamp_param_ops = {
	.set = powerclamp_param_set,
	.get = powerclamp_param_get,
};

module_param_cb(duration, &powerclamp_param_ops, NULL, 0644);
MODULE_PARM_DESC(duration,
		 "forced idle per period at the target, in ms (6-25, default 24)");
module_param_cb(window_size, &powerclamp_param_ops, NULL, 0644);
MODULE_PARM_DESC(window_size,
		 "periods per control window (2-10, default 2)");
module_param_cb(cpumask, &powerclamp_param_ops, NULL, 0644);
MODULE_PARM_DESC(cpumask,
		 "CPUs to clamp, hex mask as in smp_affinity (default: all)");
module_param_cb(max_idle, &powerclamp_param_ops, NULL, 0644);
MODULE_PARM_DESC(max_idle,
		 "highest idle percentage a target may ask (1-90, default 50)");

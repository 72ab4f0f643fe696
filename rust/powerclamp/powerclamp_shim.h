/* SPDX-License-Identifier: GPL-2.0 */
/*
 * powerclamp_shim.h - the C side of powerclamp and what it calls in Rust.
 *
 * Keep in sync with the extern block of rust/powerclamp/shim.rs.
 */
#ifndef _POWERCLAMP_SHIM_H
#define _POWERCLAMP_SHIM_H

#include <linux/types.h>

struct thermal_cooling_device;

/**
 * powerclamp_cdev_register() - register the "powerclamp" cooling device.
 *
 * Its callbacks are the powerclamp_rs_*_state() functions below.
 *
 * Context: process context; may sleep.
 * Return: the device, or an ERR_PTR() from thermal_cooling_device_register().
 */
struct thermal_cooling_device *powerclamp_cdev_register(void);

/**
 * powerclamp_cpu_times() - the CPU time of one CPU as /proc/stat counts it.
 * @cpu: a possible CPU.
 * @idle_ns: set to its idle and iowait time since boot.
 * @total_ns: set to the sum of the /proc/stat fields mpstat adds up.
 *
 * kcpustat_cpu_fetch() is static inline and reads a per-CPU variable, hence
 * C. Tick-based accounting charges whole ticks, so @total_ns runs ahead of
 * the wall clock when a CPU goes in and out of idle often.
 *
 * Context: any.
 */
void powerclamp_cpu_times(unsigned int cpu, u64 *idle_ns, u64 *total_ns);

/**
 * powerclamp_run_pending_softirqs() - run the softirqs pending on this CPU.
 *
 * The idle loop does not stop the tick while a softirq is pending (the
 * kernel logs "NOHZ tick-stop error"), so every tick of the injection that
 * follows would be charged to the injecting thread as system time.
 * ksoftirqd, SCHED_OTHER, cannot run before a SCHED_FIFO injection ends;
 * local_bh_enable() runs them here instead, as ksoftirqd would.
 *
 * Context: process context, softirqs enabled.
 */
void powerclamp_run_pending_softirqs(void);

/*
 * Implemented in Rust. The parameter callbacks get the parameter's name
 * ("duration", "window_size", "cpumask" or "max_idle") and run under the
 * module's kernel_param_lock(), before the module's init for values given
 * to insmod. The cooling device callbacks run under the device's lock.
 */
int powerclamp_rs_param_set(const char *name, const char *val);
int powerclamp_rs_param_get(const char *name, char *buffer);
unsigned long powerclamp_rs_max_state(void);
unsigned long powerclamp_rs_cur_state(void);
int powerclamp_rs_set_cur_state(unsigned long state);

#endif /* _POWERCLAMP_SHIM_H */

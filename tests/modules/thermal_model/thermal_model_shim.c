// SPDX-License-Identifier: GPL-2.0
/*
 * thermal_model_shim.c - the parts of thermal_model that only C can write.
 *
 * - The thermal zone: struct thermal_zone_device_ops, struct thermal_trip and
 *   thermal.h are not in the kernel crate's bindings.
 * - The CPU time counters: kcpustat_cpu_fetch() is static inline.
 *
 * The model itself is Rust (thermal_model_main.rs).
 */

#include <linux/cpumask.h>
#include <linux/kernel_stat.h>
#include <linux/string.h>
#include <linux/thermal.h>

#include "thermal_model_shim.h"

static int thermal_model_get_temp(struct thermal_zone_device *tz, int *temp)
{
	return thermal_model_rs_get_temp(thermal_zone_device_priv(tz), temp);
}

/* The zone's one trip is bound to powerclamp's cooling device, and only to it. */
static bool thermal_model_should_bind(struct thermal_zone_device *tz,
				      const struct thermal_trip *trip,
				      struct thermal_cooling_device *cdev,
				      struct cooling_spec *spec)
{
	return !strcmp(cdev->type, "powerclamp");
}

static const struct thermal_zone_device_ops thermal_model_ops = {
	.get_temp = thermal_model_get_temp,
	.should_bind = thermal_model_should_bind,
};

static const struct thermal_zone_params thermal_model_params = {
	.governor_name = "step_wise",
	.no_hwmon = true,
};

struct thermal_zone_device *thermal_model_register(void *model, int trip_mc,
						   int hysteresis_mc,
						   unsigned int poll_ms)
{
	const struct thermal_trip trip = {
		.temperature = trip_mc,
		.hysteresis = hysteresis_mc,
		.type = THERMAL_TRIP_PASSIVE,
	};
	struct thermal_zone_device *tz;
	int err;

	tz = thermal_zone_device_register_with_trips("cpu-model", &trip, 1,
						     model, &thermal_model_ops,
						     &thermal_model_params,
						     poll_ms, poll_ms);
	if (IS_ERR(tz))
		return tz;
	err = thermal_zone_device_enable(tz);
	if (err) {
		thermal_zone_device_unregister(tz);
		return ERR_PTR(err);
	}
	return tz;
}

void thermal_model_unregister(struct thermal_zone_device *tz)
{
	thermal_zone_device_unregister(tz);
}

/*
 * User (and nice) and total time of every online CPU, as /proc/stat adds them
 * up: the model's load.
 */
void thermal_model_cpu_times(u64 *user_ns, u64 *total_ns)
{
	struct kernel_cpustat kcpustat;
	u64 *t = kcpustat.cpustat;
	unsigned int cpu;

	*user_ns = 0;
	*total_ns = 0;
	for_each_online_cpu(cpu) {
		kcpustat_cpu_fetch(&kcpustat, cpu);
		*user_ns += t[CPUTIME_USER] + t[CPUTIME_NICE];
		*total_ns += t[CPUTIME_USER] + t[CPUTIME_NICE] +
			     t[CPUTIME_SYSTEM] + t[CPUTIME_IRQ] +
			     t[CPUTIME_SOFTIRQ] + t[CPUTIME_STEAL] +
			     t[CPUTIME_IDLE] + t[CPUTIME_IOWAIT];
	}
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THERMAL_MODEL_SHIM_H
#define THERMAL_MODEL_SHIM_H

#include <linux/types.h>

struct thermal_zone_device;

/* Rust: the model's temperature in millidegrees Celsius, or an errno. */
int thermal_model_rs_get_temp(void *model, int *temp);

struct thermal_zone_device *thermal_model_register(void *model, int trip_mc,
						   int hysteresis_mc,
						   unsigned int poll_ms);
void thermal_model_unregister(struct thermal_zone_device *tz);
void thermal_model_cpu_times(u64 *user_ns, u64 *total_ns);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taint_probe_shim.h - what taint_probe_trace.c provides to the Rust side.
 */
#ifndef _TAINT_PROBE_SHIM_H
#define _TAINT_PROBE_SHIM_H

/**
 * taint_probe_fire() - emit the taint_probe:taint_probe_fired event.
 * @count: how many times it has been fired, this time included.
 *
 * Context: any.
 */
void taint_probe_fire(unsigned int count);

#endif /* _TAINT_PROBE_SHIM_H */

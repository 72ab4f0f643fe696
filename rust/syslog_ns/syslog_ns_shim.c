// SPDX-License-Identifier: GPL-2.0
/*
 * The C side of syslog_ns: kernel APIs that are macros or static inlines,
 * which Rust cannot call.
 */

#include <linux/preempt.h>

#include "syslog_ns_shim.h"

/*
 * A ring buffer writer must not be preempted while its record is reserved:
 * once that record is the oldest, every other writer drops until it is
 * committed.
 */
void syslog_ns_preempt_disable(void)
{
	preempt_disable();
}

void syslog_ns_preempt_enable(void)
{
	preempt_enable();
}

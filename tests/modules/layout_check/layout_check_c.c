// SPDX-License-Identifier: GPL-2.0
/*
 * layout_check_c.c - the C compiler's view of the kernel structures that the
 * project's Rust code reads or writes through kernel::bindings.
 *
 * bindgen and the C compiler can disagree about a layout (an empty but
 * aligned struct loses its alignment in bindgen), and Rust then reads the
 * wrong bytes with no warning. Only C can say where the compiler put a
 * member, so this table is C; layout_check_main.rs compares it with
 * bindgen's offsets. Keep the two lists the same.
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/notifier.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/tracepoint-defs.h>

#include "layout_check_c.h"

#define MEMBER(type, member) { #type "." #member, offsetof(struct type, member) }
#define SIZE(type) { "sizeof " #type, sizeof(struct type) }

static const struct {
	const char *name;
	size_t value;
} layouts[] = {
	/* taint_audit */
	SIZE(notifier_block),
	MEMBER(notifier_block, notifier_call),
	MEMBER(notifier_block, next),
	MEMBER(notifier_block, priority),
	/* rust/common/trace.rs */
	MEMBER(tracepoint, key),
	/* rust/common/miscdev.rs (syslog_ns) */
	SIZE(miscdevice),
	MEMBER(miscdevice, minor),
	MEMBER(miscdevice, name),
	MEMBER(miscdevice, fops),
	MEMBER(miscdevice, mode),
	SIZE(file_operations),
	MEMBER(file_operations, owner),
	MEMBER(file_operations, open),
	MEMBER(file_operations, release),
	MEMBER(file_operations, read_iter),
	MEMBER(file_operations, write_iter),
	MEMBER(file_operations, llseek),
	MEMBER(file_operations, poll),
	MEMBER(file_operations, unlocked_ioctl),
	MEMBER(file_operations, compat_ioctl),
	MEMBER(file, private_data),
	MEMBER(kiocb, ki_filp),
	/* syslog_ns */
	MEMBER(file_operations, read),
	MEMBER(file_operations, write),
	/* fs_events */
	MEMBER(sk_buff, len),
};

long layout_check_c_value(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++)
		if (!strcmp(layouts[i].name, name))
			return layouts[i].value;
	return -ENOENT;
}

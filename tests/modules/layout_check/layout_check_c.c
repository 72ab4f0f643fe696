// SPDX-License-Identifier: GPL-2.0
/*
 * layout_check_c.c - the C compiler's view of the kernel structures that the
 * project's Rust modules read through kernel::bindings.
 *
 * bindgen and clang can disagree about a layout (an empty but aligned struct
 * loses its alignment in bindgen), and Rust then reads the wrong bytes with no
 * warning. Only C can say where the compiler put a member, so this table is
 * C; layout_check_main.rs compares it with bindgen's offsets.
 */

#include <linux/cred.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "layout_check_c.h"

#define MEMBER(type, member) { #type "." #member, offsetof(struct type, member) }
#define SIZE(type) { "sizeof " #type, sizeof(struct type) }

static const struct {
	const char *name;
	size_t value;
} layouts[] = {
	SIZE(task_struct),
	MEMBER(task_struct, pid),
	MEMBER(task_struct, tgid),
	MEMBER(task_struct, comm),
	MEMBER(task_struct, cred),
	MEMBER(task_struct, real_cred),
	SIZE(module),
	MEMBER(module, name),
	MEMBER(module, taints),
	MEMBER(module, sig_ok),
	MEMBER(module, state),
	SIZE(cred),
	MEMBER(cred, user_ns),
};

long layout_check_c_value(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++)
		if (!strcmp(layouts[i].name, name))
			return layouts[i].value;
	return -ENOENT;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layout_check_c.h - what layout_check_c.c provides to the Rust side.
 */
#ifndef _LAYOUT_CHECK_C_H
#define _LAYOUT_CHECK_C_H

/**
 * layout_check_c_value() - a size or member offset as the C compiler laid it out.
 * @name: "<struct>.<member>" for an offset, "sizeof <struct>" for a size.
 *
 * Context: any.
 * Return: the value in bytes, or -ENOENT when @name is not in the table.
 */
long layout_check_c_value(const char *name);

#endif /* _LAYOUT_CHECK_C_H */

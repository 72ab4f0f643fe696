// SPDX-License-Identifier: GPL-2.0

//! Checks that `kernel::bindings` lays out kernel structures as the C compiler does.
//!
//! When bindgen and the C compiler disagree about a structure, for example
//! on an empty struct marked `____cacheline_aligned` (`struct
//! sched_statistics` in `task_struct` without `CONFIG_SCHEDSTATS`), every
//! later field is read from the wrong offset and nothing warns. The modules
//! therefore read structures whose layout follows the configuration
//! (`struct module`, `struct task_struct`) in C, through small accessors
//! compiled with the kernel's own compiler (`taint_audit_shim.c`, for one).
//! What Rust code still reads or writes through bindgen's mirror is listed
//! here, with who relies on it; this test-only module's KUnit suite compares
//! each size and offset with the value `layout_check_c.c` got from the C
//! compiler. The harness loads it before the modules under test. The
//! module's init makes the same check and refuses to load on a mismatch, so
//! a kernel without KUnit (a distribution's) is checked too.

use kernel::{
    bindings,
    prelude::*, //
};

module! {
    type: LayoutCheck,
    name: "layout_check",
    authors: ["The rust-kmods developers"],
    description: "Check of kernel::bindings struct layouts against C",
    license: "GPL",
}

struct LayoutCheck;

impl kernel::Module for LayoutCheck {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        if mismatches() != 0 {
            return Err(EINVAL);
        }
        Ok(LayoutCheck)
    }
}

mod c {
    use kernel::prelude::*;

    extern "C" {
        /// See `layout_check_c.h`.
        pub(crate) fn layout_check_c_value(name: *const c_char) -> c_long;
    }
}

/// The C compiler's value for `name`, or `None` when the C table lacks it.
fn c_value(name: &CStr) -> Option<usize> {
    // SAFETY: `name` is NUL-terminated and outlives the call, which only reads it.
    let value = unsafe { c::layout_check_c_value(name.as_char_ptr()) };
    usize::try_from(value).ok()
}

/// `[(name as layout_check_c.c spells it, bindgen's value)]` for a list of
/// `size <struct>;` and `member <struct>.<member>;` in any order.
macro_rules! bindgen_layouts {
    (@done [$($done:expr,)*]) => { [$($done,)*] };
    (@done [$($done:expr,)*] size $ty:ident; $($rest:tt)*) => {
        bindgen_layouts!(@done [$($done,)* (
            kernel::c_str!(concat!("sizeof ", stringify!($ty))),
            core::mem::size_of::<bindings::$ty>(),
        ),] $($rest)*)
    };
    (@done [$($done:expr,)*] member $ty:ident . $member:ident; $($rest:tt)*) => {
        bindgen_layouts!(@done [$($done,)* (
            kernel::c_str!(concat!(stringify!($ty), ".", stringify!($member))),
            core::mem::offset_of!(bindings::$ty, $member),
        ),] $($rest)*)
    };
    ($($rest:tt)*) => { bindgen_layouts!(@done [] $($rest)*) };
}

/// How many sizes and offsets the project relies on differ between bindgen
/// and the C compiler; each one is logged.
fn mismatches() -> usize {
    let layouts = bindgen_layouts! {
        // taint_audit: the module notifier block it embeds (callbacks.rs).
        size notifier_block;
        member notifier_block.notifier_call;
        member notifier_block.next;
        member notifier_block.priority;
        // rust/common/trace.rs: the static key of a module's own trace
        // event, which `module_trace_events!` tests.
        member tracepoint.key;
        // rust/common/miscdev.rs (syslog_ns): a misc device, its file
        // operations, and what they reach of an open file.
        size miscdevice;
        member miscdevice.minor;
        member miscdevice.name;
        member miscdevice.fops;
        member miscdevice.mode;
        size file_operations;
        member file_operations.owner;
        member file_operations.open;
        member file_operations.release;
        member file_operations.read_iter;
        member file_operations.write_iter;
        member file_operations.llseek;
        member file_operations.poll;
        member file_operations.unlocked_ioctl;
        member file_operations.compat_ioctl;
        member file.private_data;
        member kiocb.ki_filp;
        // syslog_ns: the file operations it builds from /dev/kmsg's
        // (device.rs), the members above and these.
        member file_operations.read;
        member file_operations.write;
        // fs_events: the length of a netlink message's skb (netlink.rs).
        member sk_buff.len;
    };
    let mut mismatches = 0;
    for (name, bindgen) in layouts {
        match c_value(name) {
            Some(c) if c == bindgen => {}
            Some(c) => {
                pr_err!("{name}: C has {c}, bindgen has {bindgen}\n");
                mismatches += 1;
            }
            None => {
                pr_err!("{name}: missing from layout_check_c.c\n");
                mismatches += 1;
            }
        }
    }
    mismatches
}

#[cfg(kmods_kunit)]
#[kunit_tests(layout_check)]
mod tests {
    use super::*;

    #[test]
    fn bindings_match_the_c_compiler() {
        assert_eq!(mismatches(), 0);
    }
}

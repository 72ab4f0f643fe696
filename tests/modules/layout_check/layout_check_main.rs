// SPDX-License-Identifier: GPL-2.0

//! Checks that `kernel::bindings` lays out kernel structures as the C compiler does.
//!
//! The modules read fields of `struct task_struct`, `struct module` and
//! `struct cred` through bindgen's mirror of them. When bindgen and clang
//! disagree, for example on an empty struct marked `____cacheline_aligned`
//! (`struct sched_statistics` without `CONFIG_SCHEDSTATS`), every later field
//! is read from the wrong offset and nothing warns. This test-only module's
//! KUnit suite compares each size and offset the project relies on with the
//! value `layout_check_c.c` got from the C compiler. The harness loads it
//! before the modules under test. The module's init makes the same check and
//! refuses to load on a mismatch, so a kernel without KUnit (a distribution's)
//! is checked too.

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

/// `(name as layout_check_c.c spells it, bindgen's value)` for every size and
/// offset the project's modules rely on.
macro_rules! bindgen_layouts {
    ($(size $size:ident;)* $(member $ty:ident . $member:ident;)*) => {
        [
            $((
                kernel::c_str!(concat!("sizeof ", stringify!($size))),
                core::mem::size_of::<bindings::$size>(),
            ),)*
            $((
                kernel::c_str!(concat!(stringify!($ty), ".", stringify!($member))),
                core::mem::offset_of!(bindings::$ty, $member),
            ),)*
        ]
    };
}

/// How many sizes and offsets the project relies on differ between bindgen
/// and the C compiler; each one is logged.
fn mismatches() -> usize {
    let layouts = bindgen_layouts! {
        size task_struct;
        size module;
        size cred;
        member task_struct.pid;
        member task_struct.tgid;
        member task_struct.comm;
        member task_struct.cred;
        member task_struct.real_cred;
        member module.name;
        member module.taints;
        member module.sig_ok;
        member module.state;
        member cred.user_ns;
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

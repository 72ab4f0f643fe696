// SPDX-License-Identifier: GPL-2.0

//! A module with one trace event, for testing what signatures and taints do to tracepoints.
//!
//! The taint_audit tests load it signed with the test kernel's key, unsigned,
//! signed with a key the kernel does not trust, and force-loaded with an
//! altered version magic, then write to `/sys/kernel/debug/taint_probe/fire`
//! and look for `taint_probe:taint_probe_fired` in the trace buffer. The kernel
//! registers the event for the first three and refuses it for the fourth.
//!
//! Writing to `/sys/kernel/debug/taint_probe/warn` issues a kernel warning,
//! which taints the kernel `W`: the attribution tests need a real one.

use kernel::{
    debugfs::{
        Dir,
        File, //
    },
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
    uaccess::UserSliceReader,
};

module! {
    type: TaintProbe,
    name: "taint_probe",
    authors: ["The rust-kmods developers"],
    description: "Test module with a trace event fired on demand",
    license: "GPL",
}

mod c {
    use kernel::prelude::*;

    extern "C" {
        /// See `taint_probe_shim.h`.
        fn taint_probe_fire(count: c_uint);
    }

    /// Emits `taint_probe:taint_probe_fired` (taint_probe_trace.c).
    pub(crate) fn fire(count: u32) {
        // SAFETY: Any context may call it, and its one argument is an integer.
        unsafe { taint_probe_fire(count) };
    }
}

/// Fires the event once per write, whatever was written.
fn fire(fired: &Atomic<u32>, reader: &mut UserSliceReader) -> Result {
    let count = fired.fetch_add(1, Relaxed) + 1;
    c::fire(count);
    reader.skip(reader.len())?;
    Ok(())
}

/// Issues one kernel warning per write, whatever was written.
fn warn(_: &(), reader: &mut UserSliceReader) -> Result {
    kernel::warn_on!(true);
    reader.skip(reader.len())?;
    Ok(())
}

struct TaintProbe {
    _fire: Pin<KBox<File<Atomic<u32>>>>,
    _warn: Pin<KBox<File<()>>>,
    _dir: Dir,
}

impl kernel::Module for TaintProbe {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let dir = Dir::new(c"taint_probe");
        let fire = KBox::pin_init(
            dir.write_callback_file(c"fire", Atomic::<u32>::new(0), &fire),
            GFP_KERNEL,
        )?;
        let warn = KBox::pin_init(dir.write_callback_file(c"warn", (), &warn), GFP_KERNEL)?;
        Ok(TaintProbe {
            _fire: fire,
            _warn: warn,
            _dir: dir,
        })
    }
}

// SPDX-License-Identifier: GPL-2.0

//! A private kernel log per container: one ring buffer per user namespace,
//! read through a `/dev/kmsg`-compatible device.
//!
//! Documentation: `Documentation/syslog_ns.rst`.

use kernel::prelude::*;

mod kmsg;
mod ringbuf;
mod shim;

module! {
    type: SyslogNs,
    name: "syslog_ns",
    authors: ["The rust-kmods developers"],
    description: "A private kernel log per user namespace",
    license: "GPL",
}

struct SyslogNs;

impl kernel::Module for SyslogNs {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(SyslogNs)
    }
}

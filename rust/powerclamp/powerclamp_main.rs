// SPDX-License-Identifier: GPL-2.0

//! PowerClamp: hold CPUs at a target idle percentage by injecting idle time,
//! as a thermal cooling device, on any architecture.
//!
//! Writing N to the `cur_state` of the cooling device of type `powerclamp`
//! starts one `kidle_inject/<cpu>` thread per online CPU of the `cpumask`
//! parameter. Each forces its CPU idle with `play_idle_precise()` at the start
//! of every period and measures the idle the kernel accounts (what
//! `/proc/stat` shows) to correct what it injects, until that reaches N %.
//! Writing 0 stops the threads.
//!
//! Documentation: `Documentation/powerclamp.rst`.

use kernel::{
    debugfs::{
        Dir,
        File, //
    },
    prelude::*,
};

/// Support shared by the modules, the parts this one uses.
#[path = "../common"]
mod common {
    pub(crate) mod kthread;
    pub(crate) mod text;
    pub(crate) mod trace;
}

mod clamp;
mod controller;
mod injector;
mod mask;
mod params;
mod shim;
mod state;
mod trace;

module! {
    type: Powerclamp,
    name: "powerclamp",
    authors: ["The rust-kmods developers"],
    description: "Idle injection to a target idle percentage, as a thermal cooling device",
    license: "GPL",
}

/// Module state. Fields drop in order: parameter writes, then the cooling
/// device, then hotplug stop reaching the session before it ends.
struct Powerclamp {
    _params: clamp::LiveParams,
    _cdev: clamp::CoolingDevice,
    _hotplug: shim::CpuHotplugState,
    _session: clamp::SessionGuard,
    _cpus: Pin<KBox<File<()>>>,
    _status: Pin<KBox<File<()>>>,
    _dir: Dir,
}

impl kernel::Module for Powerclamp {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let session = clamp::start_session()?;
        let dir = Dir::new(c"powerclamp");
        let status = KBox::pin_init(
            dir.read_callback_file(c"status", (), &|(): &(), f| clamp::write_status(f)),
            GFP_KERNEL,
        )?;
        let cpus = KBox::pin_init(
            dir.read_callback_file(c"cpus", (), &|(): &(), f| clamp::write_cpus(f)),
            GFP_KERNEL,
        )?;
        let hotplug = clamp::hotplug()?;
        let cdev = clamp::cooling_device()?;
        Ok(Powerclamp {
            _params: clamp::live_params(module),
            _cdev: cdev,
            _hotplug: hotplug,
            _session: session,
            _cpus: cpus,
            _status: status,
            _dir: dir,
        })
    }
}

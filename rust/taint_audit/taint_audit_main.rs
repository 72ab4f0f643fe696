// SPDX-License-Identifier: GPL-2.0

//! Who tainted the kernel, and why: an audit of every module load and unload.
//!
//! For each module loaded after this one, the log keeps its taint letters,
//! whether its signature verified, whether the kernel accepted its
//! tracepoints, the kernel-wide taint before and after, the time and the
//! loading process: `/sys/kernel/debug/taint_audit/modules` and the
//! `taint_audit:taint_audit_module` trace event. For each kernel-wide taint
//! flag set after it loaded, it keeps the code that set it first, the time,
//! the process and how often it was added since:
//! `/sys/kernel/debug/taint_audit/taints` and `taint_audit:taint_audit_taint`.
//!
//! Documentation: `Documentation/taint_audit.rst`.

use kernel::{
    debugfs::{
        Dir,
        File, //
    },
    prelude::*,
    sync::Arc, //
};

/// Support shared by the modules, the parts this one uses.
#[path = "../common"]
mod common {
    pub(crate) mod trace;
}

mod abi;
mod attribution;
mod audit;
mod callbacks;
mod shim;
mod taint;
mod trace;
mod write_once;

use audit::AuditLog;
use callbacks::{
    ModuleNotifier,
    TaintProbes, //
};

module! {
    type: TaintAudit,
    name: "taint_audit",
    authors: ["The rust-kmods developers"],
    description: "Audit of module loads: taints, signatures and tracepoint state",
    license: "GPL",
}

/// Module state. Fields drop in order: the probe and the notifier stop
/// feeding the log before the debugfs files that read it go away.
struct TaintAudit {
    _probe: TaintProbes,
    _notifier: Pin<KBox<ModuleNotifier>>,
    _taints: Pin<KBox<File<Arc<AuditLog>>>>,
    _modules: Pin<KBox<File<Arc<AuditLog>>>>,
    _dir: Dir,
}

impl kernel::Module for TaintAudit {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let log = Arc::pin_init(AuditLog::new(), GFP_KERNEL)?;
        let dir = Dir::new(c"taint_audit");
        let modules = KBox::pin_init(
            dir.read_callback_file(c"modules", log.clone(), &|log: &Arc<AuditLog>, f| {
                log.write_report(f)
            }),
            GFP_KERNEL,
        )?;
        let taints = KBox::pin_init(
            dir.read_callback_file(c"taints", log.clone(), &|log: &Arc<AuditLog>, f| {
                log.attribution.write_report(f, shim::taint_probe_misses())
            }),
            GFP_KERNEL,
        )?;
        let notifier = KBox::pin_init(ModuleNotifier::register(log.clone()), GFP_KERNEL)?;
        let probe = TaintProbes::register(log)?;
        Ok(TaintAudit {
            _probe: probe,
            _notifier: notifier,
            _taints: taints,
            _modules: modules,
            _dir: dir,
        })
    }
}

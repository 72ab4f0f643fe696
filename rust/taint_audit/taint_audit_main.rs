// SPDX-License-Identifier: GPL-2.0

//! Who tainted the kernel, and why: an audit of every module load and unload.
//!
//! For each module loaded after this one, the log keeps its taint letters,
//! whether its signature verified, whether the kernel accepted its
//! tracepoints, the kernel-wide taint before and after, the time and the
//! loading process. It is readable in `/sys/kernel/debug/taint_audit/modules`
//! and as the `taint_audit:taint_audit_module` trace event.
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

mod audit;
mod taint;
mod trace;

use audit::{
    AuditLog,
    NotifierRegistration, //
};

module! {
    type: TaintAudit,
    name: "taint_audit",
    authors: ["The rust-kmods developers"],
    description: "Audit of module loads: taints, signatures and tracepoint state",
    license: "GPL",
}

/// Module state. Fields drop in order: the notifier leaves the chain before
/// the debugfs file that reads the log goes away.
struct TaintAudit {
    _notifier: NotifierRegistration,
    _report: Pin<KBox<File<Arc<AuditLog>>>>,
    _dir: Dir,
}

impl kernel::Module for TaintAudit {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let log = Arc::pin_init(AuditLog::new(), GFP_KERNEL)?;
        let dir = Dir::new(c"taint_audit");
        let report = KBox::pin_init(
            dir.read_callback_file(c"modules", log.clone(), &|log: &Arc<AuditLog>, f| {
                log.write_report(f)
            }),
            GFP_KERNEL,
        )?;
        let notifier = NotifierRegistration::new(log)?;
        Ok(TaintAudit {
            _notifier: notifier,
            _report: report,
            _dir: dir,
        })
    }
}

// SPDX-License-Identifier: GPL-2.0

//! The audit log: one record per module loaded or unloaded after this module.
//!
//! A module notifier sees every module at `MODULE_STATE_COMING`, when the
//! loader has already applied its taints and checked its signature, and at
//! `MODULE_STATE_GOING`. Modules loaded earlier cannot be listed from a module
//! (the module list is not exported); userspace fills them in from
//! `/sys/module/*/taint`.

use crate::{
    attribution::{
        Attribution,
        Site, //
    },
    taint::TaintMask,
    trace, //
};
use kernel::{
    bindings,
    fmt::{
        self,
        Write, //
    },
    new_mutex,
    prelude::*,
    sync::{
        Arc,
        Mutex, //
    },
    types::Opaque, //
};

/// How many records the log keeps; older ones are dropped and counted.
pub(crate) const MAX_RECORDS: usize = 1024;

/// `MODULE_NAME_LEN`: the size of `struct module`'s name, NUL included.
const NAME_LEN: usize = 64 - core::mem::size_of::<c_ulong>();
/// `TASK_COMM_LEN`.
pub(crate) const COMM_LEN: usize = 16;

/// What happened to a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModuleEvent {
    /// The module is coming: loaded, taints applied, about to run its init.
    Load,
    /// The module is going: unloaded, or its init failed.
    Unload,
}

/// One audited module load or unload.
///
/// # Invariants
///
/// `name` and `comm` are NUL-terminated.
pub(crate) struct ModuleRecord {
    /// Position in the log, from 1, never reused.
    pub(crate) seq: u64,
    /// `CLOCK_MONOTONIC` in nanoseconds.
    pub(crate) time_ns: u64,
    pub(crate) event: ModuleEvent,
    name: [u8; NAME_LEN],
    /// The module's own taints (`struct module::taints`).
    pub(crate) module_taints: TaintMask,
    /// Whether the module's signature verified against a trusted key.
    pub(crate) signed: bool,
    /// The kernel-wide taint before this module's load.
    pub(crate) kernel_before: TaintMask,
    /// The kernel-wide taint with this module's taints applied.
    pub(crate) kernel_after: TaintMask,
    /// The process that loaded or unloaded the module.
    pub(crate) pid: i32,
    comm: [u8; COMM_LEN],
}

/// Copies a C string array, truncating so the copy stays NUL-terminated.
fn c_array<const N: usize>(src: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (dst, &c) in out.iter_mut().zip(src.iter()).take(N - 1) {
        if c == 0 {
            break;
        }
        *dst = c;
    }
    out
}

/// The bytes before the first NUL.
fn until_nul(bytes: &[u8]) -> &[u8] {
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    &bytes[..len]
}

impl ModuleRecord {
    /// A record of `event` for module `name` by process `comm`, with no
    /// taints; `name` and `comm` may lack a NUL and are truncated to fit.
    pub(crate) fn new(event: ModuleEvent, name: &[c_char], comm: &[u8]) -> ModuleRecord {
        // INVARIANT: `c_array` always leaves a NUL in the last byte.
        ModuleRecord {
            seq: 0,
            time_ns: 0,
            event,
            name: c_array(name),
            module_taints: TaintMask(0),
            signed: false,
            kernel_before: TaintMask(0),
            kernel_after: TaintMask(0),
            pid: 0,
            comm: c_array(comm),
        }
    }

    /// The module name, NUL-terminated.
    pub(crate) fn name_with_nul(&self) -> &[u8] {
        let len = until_nul(&self.name).len();
        // By the type invariant there is a NUL at `len`.
        &self.name[..=len]
    }

    /// Whether the kernel registered this module's tracepoints.
    pub(crate) fn tracepoints_accepted(&self) -> bool {
        self.module_taints.tracepoints_accepted()
    }
}

/// The pid and command name of the current task.
///
/// Safe in any context, NMI included: it only reads `current`.
pub(crate) fn current_process() -> (i32, [u8; COMM_LEN]) {
    let task = kernel::current!();
    // SAFETY: `current` is a valid task for the duration of this call and
    // `comm` is an array within it; a concurrent rename can at worst tear the
    // name, which `c_array` still NUL-terminates.
    let comm = unsafe { &(*task.as_ptr()).comm };
    (task.pid(), c_array(comm))
}

/// Writes bytes that should be text, replacing anything unprintable with `?`
/// so a hostile module or process name cannot break the line format.
pub(crate) fn write_word(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for &b in until_nul(bytes) {
        let c = if b.is_ascii_graphic() { b as char } else { '?' };
        f.write_char(c)?;
    }
    Ok(())
}

/// One line of `key=value` fields, the format of the debugfs `modules` file.
impl fmt::Display for ModuleRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let event = match self.event {
            ModuleEvent::Load => "load",
            ModuleEvent::Unload => "unload",
        };
        f.write_fmt(fmt!(
            "seq={} time_ns={} event={event} module=",
            self.seq,
            self.time_ns
        ))?;
        write_word(f, &self.name)?;
        f.write_fmt(fmt!(
            " taints={} signature={} tracepoints={} kernel_taint_before={} \
             kernel_taint_after={} pid={} comm=",
            self.module_taints,
            if self.signed { "verified" } else { "none" },
            if self.tracepoints_accepted() {
                "accepted"
            } else {
                "refused"
            },
            self.kernel_before,
            self.kernel_after,
            self.pid,
        ))?;
        write_word(f, &self.comm)
    }
}

/// The records and what is needed to number them.
struct Records {
    entries: KVec<ModuleRecord>,
    next_seq: u64,
    /// Records lost: pushed out by `MAX_RECORDS` or not stored for lack of memory.
    dropped: u64,
    /// The kernel-wide taint at the last record, for the next one's "before".
    last_kernel_taint: TaintMask,
}

impl Records {
    /// Numbers `record` and keeps it, dropping the oldest record when full.
    fn push(&mut self, mut record: ModuleRecord) {
        record.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() == MAX_RECORDS {
            self.entries.remove(0).ok();
            self.dropped += 1;
        }
        if self.entries.push(record, GFP_KERNEL).is_err() {
            self.dropped += 1;
        }
    }
}

/// The audit log and the notifier block that feeds it.
///
/// # Invariants
///
/// While a [`NotifierRegistration`] for it exists, `notifier` is on the
/// kernel's module notifier chain and its callback is [`module_event_callback`].
#[pin_data]
pub(crate) struct AuditLog {
    #[pin]
    records: Mutex<Records>,
    #[pin]
    notifier: Opaque<bindings::notifier_block>,
    /// Who set each kernel-wide taint flag; fed by the `add_taint()` probe.
    pub(crate) attribution: Attribution,
}

// SAFETY: The notifier block is only touched by the notifier chain, which
// serialises calls with its own lock; the records are behind a mutex.
unsafe impl Send for AuditLog {}
// SAFETY: As above: shared access goes through the mutex or the chain's lock.
unsafe impl Sync for AuditLog {}

impl AuditLog {
    /// A log with no records, its notifier not yet registered.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(AuditLog {
            records <- new_mutex!(Records {
                entries: KVec::new(),
                next_seq: 1,
                dropped: 0,
                last_kernel_taint: TaintMask::kernel(),
            }),
            notifier: Opaque::new(bindings::notifier_block {
                notifier_call: Some(module_event_callback),
                next: core::ptr::null_mut(),
                priority: 0,
            }),
            attribution <- Attribution::new(),
        })
    }

    /// Records one module event and emits its trace event.
    fn record(&self, event: ModuleEvent, module: &bindings::module) {
        let (pid, comm) = current_process();
        // SAFETY: `ktime_get_mono_fast_ns()` has no preconditions; it is the
        // clock taint attribution uses too.
        let now = unsafe { bindings::ktime_get_mono_fast_ns() };
        let mut records = self.records.lock();
        let before = records.last_kernel_taint;
        let after = TaintMask::kernel();
        records.last_kernel_taint = after;
        let mut record = ModuleRecord::new(event, &module.name, &comm);
        record.time_ns = now;
        record.module_taints = TaintMask(module.taints as u64);
        record.signed = module.sig_ok;
        record.kernel_before = before;
        record.kernel_after = after;
        record.pid = pid;
        trace::module_event(&record);
        records.push(record);
    }

    /// Writes the whole log, one record a line, after a header with the counts.
    pub(crate) fn write_report(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let records = self.records.lock();
        f.write_fmt(fmt!(
            "# taint_audit records={} dropped={} kernel_taint={}\n",
            records.entries.len(),
            records.dropped,
            TaintMask::kernel()
        ))?;
        for record in records.entries.iter() {
            f.write_fmt(fmt!("{record}\n"))?;
        }
        Ok(())
    }
}

/// Called by the module notifier chain for every module state change.
///
/// # Safety
///
/// `nb` is the `notifier` of a live [`AuditLog`] and `data` a valid
/// `struct module`, as the module loader guarantees for this chain.
unsafe extern "C" fn module_event_callback(
    nb: *mut bindings::notifier_block,
    action: c_ulong,
    data: *mut c_void,
) -> c_int {
    let event = match action as u32 {
        bindings::module_state_MODULE_STATE_COMING => ModuleEvent::Load,
        bindings::module_state_MODULE_STATE_GOING => ModuleEvent::Unload,
        _ => return bindings::NOTIFY_DONE as c_int,
    };
    // SAFETY: By the safety contract `nb` points at the `notifier` field of a
    // live `AuditLog`; `Opaque<T>` has the layout of `T`.
    let log = unsafe {
        &*kernel::container_of!(
            nb.cast::<Opaque<bindings::notifier_block>>(),
            AuditLog,
            notifier
        )
    };
    // SAFETY: By the safety contract `data` is a valid `struct module` for
    // the duration of the call.
    let module = unsafe { &*data.cast::<bindings::module>() };
    log.record(event, module);
    bindings::NOTIFY_OK as c_int
}

/// Keeps an [`AuditLog`]'s notifier on the module notifier chain.
pub(crate) struct NotifierRegistration {
    log: Arc<AuditLog>,
}

impl NotifierRegistration {
    /// Puts `log`'s notifier on the module notifier chain.
    pub(crate) fn new(log: Arc<AuditLog>) -> Result<Self> {
        // SAFETY: The notifier block lives in `log`, which this registration
        // keeps alive until `drop` has taken the block off the chain.
        kernel::error::to_result(unsafe {
            bindings::register_module_notifier(log.notifier.get())
        })?;
        // INVARIANT: The notifier is on the chain from here until `drop`.
        Ok(NotifierRegistration { log })
    }
}

impl Drop for NotifierRegistration {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the block is on the chain; unregistering
        // waits for callbacks in progress (the chain's rwsem), so none runs after this.
        unsafe { bindings::unregister_module_notifier(self.log.notifier.get()) };
    }
}

/// Keeps the taint probes feeding an [`AuditLog`]'s attribution.
pub(crate) struct TaintProbeRegistration {
    /// The log the probe writes to, kept alive while it is registered.
    _log: Arc<AuditLog>,
}

impl TaintProbeRegistration {
    /// Starts attributing taints to `log`.
    pub(crate) fn new(log: Arc<AuditLog>) -> Result<Self> {
        let ctx: *const AuditLog = &*log;
        // SAFETY: `ctx` points into `log`, which this registration keeps alive
        // until `drop` has unregistered the probe.
        kernel::error::to_result(unsafe {
            probe::taint_audit_register_taint_probe(ctx.cast_mut().cast())
        })?;
        Ok(TaintProbeRegistration { _log: log })
    }
}

impl Drop for TaintProbeRegistration {
    fn drop(&mut self) {
        // SAFETY: Registered in `new`; no callback runs once this returns.
        unsafe { probe::taint_audit_unregister_taint_probe() };
    }
}

/// The taint kretprobes of `taint_audit_probe.c`.
mod probe {
    use kernel::prelude::*;

    extern "C" {
        /// See `taint_audit_shim.h`.
        pub(super) fn taint_audit_register_taint_probe(ctx: *mut c_void) -> c_int;
        /// See `taint_audit_shim.h`.
        pub(super) fn taint_audit_unregister_taint_probe();
        /// See `taint_audit_shim.h`.
        pub(super) fn taint_audit_taint_probe_misses() -> c_ulong;
    }
}

/// Probed calls since the probes were registered that found no free
/// kretprobe instance, so that their taint changes were not attributed.
pub(crate) fn taint_probe_misses() -> u64 {
    // SAFETY: No precondition; reads counters of static probes.
    unsafe { probe::taint_audit_taint_probe_misses() as u64 }
}

/// Called by the taint kretprobes after every probed call.
///
/// # Safety
///
/// `ctx` is the pointer a live [`TaintProbeRegistration`] registered: an
/// [`AuditLog`] that outlives the registration.
#[no_mangle]
unsafe extern "C" fn taint_audit_rs_taints_set(
    ctx: *mut c_void,
    flag: c_int,
    before: c_ulong,
    after: c_ulong,
    site: c_ulong,
    site_is_return_address: bool,
) {
    // SAFETY: By the safety contract `ctx` is a live `AuditLog`.
    let log = unsafe { &*ctx.cast::<AuditLog>() };
    let site = if site_is_return_address {
        Site::ReturnAddress(site)
    } else {
        Site::Function(site)
    };
    log.attribution
        .taints_set(u32::try_from(flag).ok(), before as u64, after as u64, site);
}

#[cfg(kmods_kunit)]
#[kunit_tests(taint_audit_records)]
mod tests {
    use super::*;
    use kernel::str::CString;

    fn c_string(s: &[u8]) -> KVec<c_char> {
        let mut v = KVec::new();
        for &b in s {
            v.push(b as c_char, GFP_KERNEL).ok();
        }
        v
    }

    fn unsigned_oot() -> TaintMask {
        TaintMask::bit(bindings::TAINT_OOT_MODULE) | TaintMask::bit(bindings::TAINT_UNSIGNED_MODULE)
    }

    #[test]
    fn record_formats_as_one_key_value_line() -> Result {
        let mut r = ModuleRecord::new(
            ModuleEvent::Load,
            &c_string(b"demo\0"),
            &c_string(b"insmod\0"),
        );
        r.seq = 7;
        r.time_ns = 1000;
        r.module_taints = unsigned_oot();
        r.kernel_after = unsigned_oot();
        r.pid = 42;
        let line = CString::try_from_fmt(fmt!("{r}"))?;
        assert_eq!(
            line.to_bytes(),
            b"seq=7 time_ns=1000 event=load module=demo taints=OE signature=none \
              tracepoints=accepted kernel_taint_before=- kernel_taint_after=OE pid=42 comm=insmod"
                as &[u8]
        );
        Ok(())
    }

    #[test]
    fn record_keys_are_the_abi_keys_in_order() -> Result {
        let r = ModuleRecord::new(ModuleEvent::Load, &c_string(b"m\0"), b"c\0");
        let line = CString::try_from_fmt(fmt!("{r}"))?;
        let mut fields = line.to_str()?.split(' ');
        for key in crate::abi::MODULE_RECORD_KEYS {
            let field = fields.next().ok_or(EINVAL)?;
            assert_eq!(field.split('=').next(), Some(key));
        }
        assert!(fields.next().is_none());
        Ok(())
    }

    #[test]
    fn forced_module_is_reported_without_tracepoints() -> Result {
        let mut r = ModuleRecord::new(
            ModuleEvent::Unload,
            &c_string(b"f\0"),
            &c_string(b"rmmod\0"),
        );
        r.module_taints = TaintMask::bit(bindings::TAINT_FORCED_MODULE) | unsigned_oot();
        let line = CString::try_from_fmt(fmt!("{r}"))?;
        let text = line.to_str()?;
        assert!(text.contains("event=unload"));
        assert!(text.contains("taints=FOE"));
        assert!(text.contains("tracepoints=refused"));
        Ok(())
    }

    #[test]
    fn overlong_and_unprintable_names_stay_one_word() -> Result {
        let long = [b'x' as c_char; 100];
        let r = ModuleRecord::new(ModuleEvent::Load, &long, &c_string(b"a b\n\0"));
        assert_eq!(r.name_with_nul().len(), NAME_LEN);
        assert_eq!(r.name_with_nul().last(), Some(&0));
        let line = CString::try_from_fmt(fmt!("{r}"))?;
        assert!(line.to_str()?.ends_with("comm=a?b?"));
        Ok(())
    }

    #[test]
    fn full_log_drops_the_oldest_and_counts_it() {
        let mut records = Records {
            entries: KVec::new(),
            next_seq: 1,
            dropped: 0,
            last_kernel_taint: TaintMask(0),
        };
        for _ in 0..MAX_RECORDS + 3 {
            records.push(ModuleRecord::new(
                ModuleEvent::Load,
                &c_string(b"m\0"),
                &c_string(b"t\0"),
            ));
        }
        assert_eq!(records.entries.len(), MAX_RECORDS);
        assert_eq!(records.dropped, 3);
        assert_eq!(records.entries[0].seq, 4);
        assert_eq!(records.next_seq, MAX_RECORDS as u64 + 4);
    }
}

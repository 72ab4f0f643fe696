// SPDX-License-Identifier: GPL-2.0

//! The audit log: one record per module loaded or unloaded after this module.
//!
//! A module notifier sees every module at `MODULE_STATE_COMING`, when the
//! loader has already applied its taints and checked its signature, and at
//! `MODULE_STATE_GOING`. Modules loaded earlier cannot be listed from a module
//! (the module list is not exported); userspace fills them in from
//! `/sys/module/*/taint`.

use crate::{
    attribution::Attribution,
    shim::{
        self,
        ModuleRef, //
    },
    taint::TaintMask,
    trace, //
};
use kernel::{
    fmt::{
        self,
        Write, //
    },
    new_mutex,
    prelude::*,
    sync::Mutex, //
};

/// How many records the log keeps; older ones are dropped and counted.
pub(crate) const MAX_RECORDS: usize = 1024;

/// `MODULE_NAME_LEN`: the size of `struct module`'s name, NUL included.
const NAME_LEN: usize = 64 - core::mem::size_of::<c_ulong>();

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
    comm: [u8; shim::COMM_LEN],
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
    pub(crate) fn new(event: ModuleEvent, name: &[u8], comm: &[u8]) -> ModuleRecord {
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
///
/// # Invariants
///
/// - `entries` holds at most [`MAX_RECORDS`] records, oldest first.
/// - Their `seq` increase from the first to the last, and `next_seq` is
///   above all of them.
struct Records {
    entries: KVec<ModuleRecord>,
    next_seq: u64,
    /// Records lost: pushed out by `MAX_RECORDS` or not stored for lack of memory.
    dropped: u64,
    /// The kernel-wide taint at the last record, for the next one's "before".
    last_kernel_taint: TaintMask,
}

impl Records {
    /// No records; the first one pushed is numbered 1.
    fn new(kernel_taint: TaintMask) -> Records {
        // INVARIANT: No entries.
        Records {
            entries: KVec::new(),
            next_seq: 1,
            dropped: 0,
            last_kernel_taint: kernel_taint,
        }
    }

    /// Numbers `record` and keeps it, dropping the oldest record when full.
    ///
    /// Fails with `ENOMEM` when there is no memory to keep it; the record is
    /// then counted as dropped, and its number is not reused.
    fn push(&mut self, mut record: ModuleRecord) -> Result {
        if self.entries.len() == MAX_RECORDS {
            self.entries.remove(0).ok();
            self.dropped += 1;
        }
        // INVARIANT: With the oldest record gone when full, there is room for
        // one more. Its number is `next_seq`, above every entry's, and
        // `next_seq` moves past it, whether or not it can be kept.
        record.seq = self.next_seq;
        self.next_seq += 1;
        if let Err(e) = self.entries.push(record, GFP_KERNEL) {
            self.dropped += 1;
            return Err(e.into());
        }
        Ok(())
    }
}

/// The audit log, and the taint attribution that is reported alongside it.
///
/// `crate::callbacks` feeds both: the module notifier calls [`Self::record`],
/// the taint probes [`Attribution::taints_set`].
#[pin_data]
pub(crate) struct AuditLog {
    #[pin]
    records: Mutex<Records>,
    /// Who set each kernel-wide taint flag; fed by the `add_taint()` probe.
    pub(crate) attribution: Attribution,
}

impl AuditLog {
    /// A log with no records.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(AuditLog {
            records <- new_mutex!(Records::new(TaintMask::kernel())),
            attribution <- Attribution::new(),
        })
    }

    /// Records one module event, by the current process, and emits its
    /// trace event.
    ///
    /// Fails with `ENOMEM` when there is no memory to keep the record, which
    /// is then counted as dropped.
    pub(crate) fn record(&self, event: ModuleEvent, module: ModuleRef<'_>) -> Result {
        let (pid, comm) = shim::current_process();
        // The clock taint attribution uses too.
        let now = shim::now_ns();
        let mut records = self.records.lock();
        let before = records.last_kernel_taint;
        let after = TaintMask::kernel();
        records.last_kernel_taint = after;
        let mut record = ModuleRecord::new(event, module.name().to_bytes(), &comm);
        record.time_ns = now;
        record.module_taints = TaintMask(module.taints());
        record.signed = module.sig_ok();
        record.kernel_before = before;
        record.kernel_after = after;
        record.pid = pid;
        trace::module_event(&record);
        records.push(record)
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

#[cfg(kmods_kunit)]
#[kunit_tests(taint_audit_records)]
mod tests {
    use super::*;
    use kernel::{
        bindings,
        str::CString, //
    };

    fn c_string(s: &[u8]) -> KVec<u8> {
        let mut v = KVec::new();
        for &b in s {
            v.push(b, GFP_KERNEL).ok();
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
        let long = [b'x'; 100];
        let r = ModuleRecord::new(ModuleEvent::Load, &long, &c_string(b"a b\n\0"));
        assert_eq!(r.name_with_nul().len(), NAME_LEN);
        assert_eq!(r.name_with_nul().last(), Some(&0));
        let line = CString::try_from_fmt(fmt!("{r}"))?;
        assert!(line.to_str()?.ends_with("comm=a?b?"));
        Ok(())
    }

    #[test]
    fn full_log_drops_the_oldest_and_counts_it() -> Result {
        let mut records = Records::new(TaintMask(0));
        for _ in 0..MAX_RECORDS + 3 {
            records.push(ModuleRecord::new(
                ModuleEvent::Load,
                &c_string(b"m\0"),
                &c_string(b"t\0"),
            ))?;
        }
        assert_eq!(records.entries.len(), MAX_RECORDS);
        assert_eq!(records.dropped, 3);
        assert_eq!(records.entries[0].seq, 4);
        assert_eq!(records.next_seq, MAX_RECORDS as u64 + 4);
        Ok(())
    }
}

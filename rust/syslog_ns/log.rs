// SPDX-License-Identifier: GPL-2.0

//! The logs: one per user namespace that has one, found by walking up from a
//! user namespace to the nearest ancestor with a log, and the paths that
//! write to them.
//!
//! Lookups happen in any context (the netfilter hook in softirq, the printk
//! probe with interrupts off, `syslog_ns_printk()` anywhere), so the table
//! is read under RCU: a slot holds an `Arc<Log>` turned into a raw pointer,
//! published with release and cleared, then waited for with
//! `synchronize_rcu()`, before that reference is dropped. Creating and
//! destroying logs is serialised by [`TABLE_LOCK`].

use crate::{
    common::text::format_into,
    ratelimit::{RateLimit, Verdict},
    ringbuf::{Meta, RingBuffer, WriteError, MAX_TEXT},
    shim::{self, Waiters},
    syslog::SyslogReader,
    user_ns::UserNamespace,
};
use core::ptr;
use kernel::{
    fmt::Write,
    new_mutex,
    prelude::*,
    sync::{
        aref::ARef,
        atomic::{Acquire, Atomic, Relaxed, Release},
        rcu, Arc, ArcBorrow, Mutex,
    },
};

/// Most logs at once on the host, whoever owns them.
pub(crate) const MAX_LOGS: usize = 1024;

/// Level of the record that opens each log: `LOGLEVEL_INFO`.
const LEVEL_INFO: u8 = 6;

/// Level of the module's own warnings, in a log or the host's:
/// `LOGLEVEL_WARNING`.
pub(crate) const LEVEL_WARNING: u8 = 4;

/// The host's default console level, `CONSOLE_LOGLEVEL_DEFAULT`.
const CONSOLE_LEVEL_DEFAULT: u32 = 7;

/// One user namespace's log.
#[pin_data]
pub(crate) struct Log {
    pub(crate) ring: RingBuffer,
    /// A plain (not active) reference: it keeps the memory, not the
    /// namespace, alive (see [`collect`]).
    user_ns: ARef<UserNamespace>,
    /// The user namespace's `ns_id`: unique for the boot, never reused.
    pub(crate) id: u64,
    /// The uid (on the host) that owns the user namespace.
    pub(crate) owner: u32,
    /// The uid (on the host) whose quota ([`crate::params::max_per_owner`])
    /// this log counts against: the owner of the top of its namespace chain.
    pub(crate) quota_uid: u32,
    /// The first record `SEEK_DATA` and read-clear start at.
    pub(crate) clear_seq: Atomic<u64>,
    /// Records below it are mirrored to the host when `mirror` is on.
    pub(crate) console_level: Atomic<u32>,
    /// The level syslog(2)'s `CONSOLE_OFF` saved for `CONSOLE_ON`, or 0.
    pub(crate) saved_console_level: Atomic<u32>,
    /// The next record syslog(2)'s `READ` and `/proc/kmsg` take: one
    /// reader for all, as the kernel's `syslog_seq`; written under `syslog`.
    pub(crate) syslog_seq: Atomic<u64>,
    #[pin]
    pub(crate) syslog: Mutex<SyslogReader>,
    /// Open files on this log.
    pub(crate) readers: Atomic<u32>,
    pub(crate) waiters: Waiters,
    /// How fast records may be mirrored into the host's log.
    mirror_limit: RateLimit,
}

impl Log {
    fn new(ns: &UserNamespace, size: usize) -> Result<Arc<Self>> {
        let ring = RingBuffer::new(size)?;
        let waiters = Waiters::new()?;
        let log = Arc::pin_init(
            pin_init!(Log {
                ring,
                user_ns: ns.get(),
                id: ns.id(),
                owner: ns.owner(),
                quota_uid: ns.quota_uid(),
                clear_seq: Atomic::new(0),
                console_level: Atomic::new(CONSOLE_LEVEL_DEFAULT),
                saved_console_level: Atomic::new(0),
                syslog_seq: Atomic::new(0),
                syslog <- new_mutex!(SyslogReader::default()),
                readers: Atomic::new(0),
                waiters,
                mirror_limit: RateLimit::new(
                    crate::params::mirror_burst(),
                    crate::params::mirror_interval_ms(),
                ),
            }),
            GFP_KERNEL_ACCOUNT,
        )?;
        // dmesg gives up on a /dev/kmsg whose first read finds nothing and
        // asks syslog(2), that is the host, instead: a log is never empty.
        let mut text = [0u8; 64];
        let len = format_into(&mut text, |f| {
            f.write_fmt(fmt!("syslog_ns: log created, {} bytes", log.ring.size()))
        })?;
        // A fresh ring has room; nothing else writes to it yet.
        let _ = log.store(LEVEL_INFO, 0, &text[..len], Source::Module);
        Ok(log)
    }

    /// The user namespace this log belongs to.
    pub(crate) fn user_ns(&self) -> &UserNamespace {
        &self.user_ns
    }

    /// Adds a record; any context. `source` says whether it may be mirrored.
    pub(crate) fn store(
        &self,
        level: u8,
        facility: u8,
        text: &[u8],
        source: Source,
    ) -> Result<u64, WriteError> {
        let meta = Meta {
            ts_nsec: shim::clock(),
            level: level & 7,
            facility,
            cont: false,
            caller: shim::caller_id(),
        };
        let result = self.ring.write(&meta, text);
        match result {
            Ok(_) => {
                self.waiters.wake();
                if source == Source::Mirrorable
                    && crate::params::mirror()
                    && u32::from(level & 7) < self.console_level.load(Relaxed)
                {
                    self.mirror(meta.ts_nsec, level, text);
                }
            }
            Err(WriteError::Busy) => {
                shim::trace::dropped(self.id, self.ring.dropped());
            }
            Err(WriteError::TooLong) => {}
        }
        result
    }

    /// Copies a record into the host's log, at most `mirror_burst` per
    /// `mirror_interval_ms`: a container must not flood the host.
    fn mirror(&self, now: u64, level: u8, text: &[u8]) {
        match self.mirror_limit.check(now) {
            Verdict::Pass { suppressed } => {
                if suppressed > 0 {
                    self.report_unmirrored(suppressed);
                }
                host_printk(level, self.id, text);
            }
            Verdict::Suppressed => {}
        }
    }

    /// Tells the host's log that `count` records were not mirrored.
    fn report_unmirrored(&self, count: u64) {
        let mut text = [0u8; 64];
        let Ok(len) = format_into(&mut text, |f| {
            f.write_fmt(fmt!("{count} records not mirrored (rate limit)"))
        }) else {
            return;
        };
        host_printk(LEVEL_WARNING, self.id, &text[..len]);
    }

    /// Records stored now.
    pub(crate) fn records(&self) -> u64 {
        self.ring.next_seq() - self.ring.oldest_seq()
    }
}

/// Where a record comes from, which decides whether it is mirrored to the
/// host: the host's own messages (captured from printk) already are there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Mirrorable,
    Module,
    Captured,
}

/// Writes `text` to the host's log: as the host's own if `id` is 0, else
/// with the provenance of log `id`.
pub(crate) fn host_printk(level: u8, id: u64, text: &[u8]) {
    shim::host_printk(level, id, text);
}

/// The table. A slot is null or an `Arc<Log>` made raw: the table's own
/// reference.
static SLOTS: [Atomic<*const Log>; MAX_LOGS] = [const { Atomic::new(ptr::null()) }; MAX_LOGS];

/// Slots at or past it are null: lookups scan up to it.
static USED: Atomic<usize> = Atomic::new(0);

kernel::sync::global_lock! {
    // SAFETY: `init()` initialises it in the module's init, before the
    // device, the netfilter logger or the exported API can reach it.
    unsafe(uninit) static TABLE_LOCK: Mutex<()> = ();
}

/// Initialises the table's lock; once, from the module's init.
pub(crate) fn init() {
    // SAFETY: called once, from the module's init, before any use.
    unsafe { TABLE_LOCK.init() };
}

/// The log of exactly `ns`, if it has one.
fn exact<'a>(ns: &UserNamespace, _rcu: &'a rcu::Guard) -> Option<&'a Log> {
    let used = USED.load(Acquire);
    SLOTS[..used].iter().find_map(|slot| {
        let log = slot.load(Acquire);
        // SAFETY: a non-null slot holds a live `Log` until a grace period
        // after it is cleared, and `_rcu` holds off the grace period.
        let log = unsafe { log.as_ref() }?;
        ptr::eq(log.user_ns(), ns).then_some(log)
    })
}

/// The log of `ns` or of its nearest ancestor that has one; `None` means
/// the host's.
pub(crate) fn find<'a>(ns: &UserNamespace, rcu: &'a rcu::Guard) -> Option<&'a Log> {
    let mut ns = Some(ns);
    while let Some(n) = ns.filter(|n| !n.is_initial()) {
        if let Some(log) = exact(n, rcu) {
            return Some(log);
        }
        ns = n.parent();
    }
    None
}

/// Whether `ns` or an ancestor has a log. Any context.
pub(crate) fn has_log(ns: &UserNamespace) -> bool {
    let rcu = rcu::read_lock();
    find(ns, &rcu).is_some()
}

/// Like [`find`], for a caller that keeps the log past the RCU section.
pub(crate) fn find_arc(ns: &UserNamespace) -> Option<Arc<Log>> {
    let rcu = rcu::read_lock();
    let log = find(ns, &rcu)?;
    // SAFETY: every `Log` in the table is in an `Arc` (the table's
    // reference), which `rcu` keeps.
    let log = unsafe { ArcBorrow::from_raw(log) };
    Some(log.into())
}

/// Creates the log of `ns` (live, the caller's) with a ring of `size`
/// bytes, charged to the caller's memory cgroup. `EEXIST` if it has one (the
/// host always has), `EDQUOT` past `max_per_owner` logs charged to the host
/// uid at the top of its namespace chain, `ENOSPC` past [`MAX_LOGS`],
/// `ENOMEM` if the memory or its charge is refused.
pub(crate) fn create(ns: &UserNamespace, size: usize) -> Result<Arc<Log>> {
    if ns.is_initial() {
        // The host's log is the kernel's own.
        return Err(EEXIST);
    }
    let _table = TABLE_LOCK.lock();
    let rcu = rcu::read_lock();
    if exact(ns, &rcu).is_some() {
        return Err(EEXIST);
    }
    let quota_uid = ns.quota_uid();
    let used = USED.load(Relaxed);
    let owned = SLOTS[..used]
        .iter()
        // SAFETY: as in `exact`.
        .filter_map(|slot| unsafe { slot.load(Acquire).as_ref() })
        .filter(|log| log.quota_uid == quota_uid)
        .count();
    drop(rcu);
    if owned >= crate::params::max_per_owner() as usize {
        return Err(EDQUOT);
    }
    let free = SLOTS
        .iter()
        .position(|slot| slot.load(Relaxed).is_null())
        .ok_or(ENOSPC)?;
    let log = Log::new(ns, size)?;
    SLOTS[free].store(Arc::into_raw(log.clone()), Release);
    if free >= used {
        USED.store(free + 1, Release);
    }
    shim::trace::created(log.id, log.owner, log.ring.size() as u32);
    Ok(log)
}

/// Takes out of the table the logs `dead` says are gone, then, without
/// the table's lock, waits once for lookups that may still see them and
/// drops the table's references. Should there be no memory to keep a
/// pointer for that, the grace period is waited for there and then.
fn remove_if(dead: impl Fn(&Log) -> bool) {
    let mut taken = KVec::new();
    {
        let _table = TABLE_LOCK.lock();
        for slot in &SLOTS[..USED.load(Relaxed)] {
            let log = slot.load(Acquire);
            // SAFETY: under `TABLE_LOCK` no slot is cleared but here, so a
            // non-null one stays live.
            let Some(log_ref) = (unsafe { log.as_ref() }) else {
                continue;
            };
            if !dead(log_ref) {
                continue;
            }
            slot.store(ptr::null(), Relaxed);
            if taken.push(log, GFP_KERNEL).is_err() {
                rcu::synchronize_rcu();
                // SAFETY: its slot was cleared a grace period ago.
                unsafe { drop_table_ref(log) };
            }
        }
    }
    if taken.is_empty() {
        return;
    }
    // Lookups that found one of them end before this returns.
    rcu::synchronize_rcu();
    for log in taken {
        // SAFETY: its slot was cleared a grace period ago.
        unsafe { drop_table_ref(log) };
    }
}

/// Drops the table's reference to a log.
///
/// # Safety
///
/// `log` is the table's reference, from `Arc::into_raw` in `create`, taken
/// out of its slot at least a grace period ago, so no lookup still sees it.
unsafe fn drop_table_ref(log: *const Log) {
    // SAFETY: the caller's promise.
    let log = unsafe { Arc::from_raw(log) };
    shim::trace::destroyed(log.id, log.records(), log.ring.dropped());
    // Readers that hold the file open keep the rest until they close it.
}

/// Frees the logs whose user namespace is gone: no task, no child
/// namespace and no nsfs file keeps it active.
pub(crate) fn collect() {
    remove_if(|log| !log.user_ns().is_active());
}

/// Frees every log; at unload, once nothing can look one up.
pub(crate) fn remove_all() {
    remove_if(|_| true);
}

/// Calls `f` for each log, under the table's lock (the debugfs listing).
pub(crate) fn for_each(mut f: impl FnMut(&Log)) {
    let _table = TABLE_LOCK.lock();
    for slot in &SLOTS[..USED.load(Relaxed)] {
        // SAFETY: as in `remove_if`: slots are cleared only under the lock,
        // and their logs freed a grace period later.
        if let Some(log) = unsafe { slot.load(Acquire).as_ref() } {
            f(log);
        }
    }
}

/// Stores a message for user namespace `ns`: in its nearest log or, if it
/// has none, the host's through printk when `to_host` allows it. Returns
/// the stored length; `EAGAIN` if the record was dropped, `ENOENT` if there
/// was no log and `to_host` was false. Any context.
pub(crate) fn store_for(
    ns: &UserNamespace,
    to_host: bool,
    level: u8,
    facility: u8,
    text: &[u8],
) -> Result<usize> {
    let text = &text[..text.len().min(MAX_TEXT)];
    let rcu = rcu::read_lock();
    match find(ns, &rcu) {
        Some(log) => match log.store(level, facility, text, Source::Mirrorable) {
            Ok(_) => Ok(text.len()),
            Err(_) => Err(EAGAIN),
        },
        None if to_host => {
            host_printk(level, 0, text);
            Ok(text.len())
        }
        None => Err(ENOENT),
    }
}

/// A message a task inside a namespace printed, from the printk console
/// probe: into the task's log, at the default level (printk's tracepoint
/// does not say the level).
pub(crate) fn capture(text: &[u8]) {
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    if text.is_empty() {
        return;
    }
    let rcu = rcu::read_lock();
    if let Some(log) = find(&UserNamespace::current(), &rcu) {
        let _ = log.store(4, 0, &text[..text.len().min(MAX_TEXT)], Source::Captured);
    }
}

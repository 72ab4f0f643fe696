// SPDX-License-Identifier: GPL-2.0

//! A watch: one configured mount, its fsnotify mark, its last statfs sample
//! and its event stream (sequence numbers and loss).
//!
//! Locking: the registry lock (`registry.rs`) comes before a watch's `inner`
//! lock; events are built and sent under `inner`, so each watch's sequence
//! numbers go out in order. The mark callbacks that may run under fsnotify's
//! own locks ([`Watch::sb_gone`]) take no lock at all.

use crate::{
    common::kthread::Waker,
    config::{
        Classes,
        Config, //
    },
    fs_error::ErrorReport,
    netlink::{
        EventSkb,
        Msg,
        Skb, //
    },
    shim::{
        FsEventsMark,
        FsIdentity,
        Mark,
        NetRef,
        UserNsRef, //
    },
    threshold::{
        self,
        Crossing,
        Level, //
    },
    trace,
    uapi, //
};
use kernel::{
    bindings, new_mutex,
    prelude::*,
    str::CString,
    sync::{
        atomic::{
            Atomic,
            Relaxed, //
        },
        Arc, Mutex,
    },
    time::{
        ClockSource,
        Delta,
        Instant,
        Monotonic,
        RealTime, //
    },
};

/// The filesystem a watch is armed on: its mark, which holds a reference to
/// the watch, and its identity.
struct Armed {
    mark: Mark,
    id: FsIdentity,
}

/// One statfs reading.
#[derive(Clone, Copy)]
struct Sample {
    at: Instant<Monotonic>,
    block_size: u32,
    blocks_free: u64,
    blocks_total: u64,
    inodes_free: u64,
    inodes_total: u64,
    read_only: bool,
}

/// Events that could not be delivered, waiting for a lost event.
#[derive(Default)]
struct Lost {
    count: u64,
    first_seq: u64,
    last_seq: u64,
}

/// What an event says beyond what every event carries.
enum Event<'a> {
    Crossing(u32),
    Error(ErrorReport),
    Shutdown(ErrorReport),
    ReadOnly(bool),
    Unmount,
    Report {
        code: u32,
        message: Option<&'a CStr>,
        origin: &'a CStr,
    },
    Lost,
}

/// A watch's state, under its lock.
///
/// # Invariants
///
/// - `armed` is `Some` only while `config.path` is: the mark is on the
///   filesystem mounted there.
/// - While `armed` is `None`, `sample` is `None` and neither `space` nor
///   `inodes` is low: a watch that is not armed has measured nothing.
/// - `lost.count` is 0, or `lost.first_seq <= lost.last_seq <= seq`.
pub(crate) struct Inner {
    pub(crate) config: Config,
    armed: Option<Armed>,
    sample: Option<Sample>,
    space: Level,
    inodes: Level,
    /// When the next poll is due; `None`: at once.
    due: Option<Instant<Monotonic>>,
    /// The interval the last poll chose.
    interval_ms: u32,
    /// The last sequence number used.
    seq: u64,
    lost: Lost,
    errors: u32,
}

/// A watch, shared by its configfs directory, the registry and its mark.
#[pin_data]
pub(crate) struct Watch {
    pub(crate) id: u32,
    pub(crate) name: CString,
    /// Where its events go.
    net: NetRef,
    /// The creator's user namespace: who may see and change the watch.
    owner: UserNsRef,
    /// The host uid charged for the watch; `None` for a watch of the host.
    pub(crate) quota_uid: Option<u32>,
    /// Wakes the poller, which polls the watch.
    poller: Arc<Waker>,
    /// The mark `fs_events_freeing_mark()` reported gone, as an address.
    gone_mark: Atomic<usize>,
    /// When the next poll is due, in ns after `created`; [`DUE_AT_ONCE`]:
    /// at once. A copy of `inner.due` (set with it by [`Watch::set_due`])
    /// that also turns to at once when the mark goes: the poller sorts
    /// every watch by it on each wake-up without taking 1000 locks. Only an
    /// order: a poll reads `inner`.
    due_hint: Atomic<i64>,
    /// The time `due_hint` counts from.
    created: Instant<Monotonic>,
    #[pin]
    pub(crate) inner: Mutex<Inner>,
}

/// A watch due within a 1/`POLL_SLACK_DIVISOR` of its interval is polled
/// with those due now.
const POLL_SLACK_DIVISOR: i64 = 16;

/// `due_hint` of a watch due at once.
const DUE_AT_ONCE: i64 = i64::MIN;

/// Nanoseconds of `CLOCK_REALTIME`, for event timestamps.
fn realtime_ns() -> u64 {
    RealTime::ktime_get() as u64
}

impl Watch {
    /// A new, unarmed watch owned by `owner` (the caller's user namespace)
    /// whose events go to the caller's network namespace, polled by the
    /// thread `poller` wakes. Its memory is charged to the caller's memory
    /// cgroup.
    pub(crate) fn new(
        id: u32,
        name: CString,
        poller: Arc<Waker>,
        owner: UserNsRef,
    ) -> Result<Arc<Watch>> {
        let net = NetRef::current()?;
        let quota_uid = (!owner.is_initial()).then(|| owner.quota_uid());
        Arc::pin_init(
            pin_init!(Watch {
                id,
                name,
                net,
                owner,
                quota_uid,
                poller,
                gone_mark: Atomic::new(0),
                due_hint: Atomic::new(DUE_AT_ONCE),
                created: Instant::now(),
                // INVARIANT: not armed, nothing measured, nothing lost.
                inner <- new_mutex!(Inner {
                    config: Config::new(),
                    armed: None,
                    sample: None,
                    space: Level::default(),
                    inodes: Level::default(),
                    due: None,
                    interval_ms: crate::config::INTERVAL_MS_DEFAULT,
                    seq: 0,
                    lost: Lost::default(),
                    errors: 0,
                }),
            }),
            GFP_KERNEL_ACCOUNT,
        )
    }

    /// Whether the caller may read the watch's attributes: `EACCES` unless
    /// its user namespace is the owner or an ancestor of it, so that a
    /// container sees neither the host's watches nor another container's.
    pub(crate) fn may_read(&self) -> Result {
        if self.owner.visible_to_current() {
            Ok(())
        } else {
            Err(EACCES)
        }
    }

    /// Whether the caller may change the watch: as [`Watch::may_read`],
    /// then `EPERM` without `CAP_SYS_ADMIN` over the owner.
    pub(crate) fn may_write(&self) -> Result {
        self.may_read()?;
        if self.owner.admin_is_current() {
            Ok(())
        } else {
            Err(EPERM)
        }
    }

    /// The network namespace the watch's events go to, for comparison.
    pub(crate) fn net(&self) -> *const bindings::net {
        self.net.as_ptr()
    }

    /// Has the poller poll at once.
    pub(crate) fn kick_poller(&self) {
        self.poller.kick();
    }

    /// Arms the watch on the mount at `path`, or disarms it for `None`. The
    /// old mark stays until the new one is in place, so a failure (`EINVAL`
    /// for a path that is not a mount, lookup errors) changes nothing.
    pub(crate) fn set_path(self: &Arc<Self>, path: Option<CString>) -> Result {
        let mut inner = self.inner.lock();
        let Some(path) = path else {
            inner.disarm();
            // INVARIANT: no longer armed.
            inner.config.path = None;
            return Ok(());
        };
        let (mark, id) = Mark::attach(&path, self.clone())?;
        inner.disarm();
        // Forget the old mark's address, which a new mark may reuse.
        self.gone_mark.store(0, Relaxed);
        // INVARIANT: armed with the path the mark was put for; `disarm`
        // left nothing measured.
        inner.armed = Some(Armed { mark, id });
        inner.config.path = Some(path);
        self.set_due(&mut inner, None);
        Ok(())
    }

    /// Removes the mark, for good: the configfs directory is going away.
    pub(crate) fn shut_down(&self) {
        self.inner.lock().disarm();
    }

    /// The mark is being freed: by [`Inner::disarm`], or because the
    /// filesystem is shutting down. Only notes it, for the next poll.
    pub(crate) fn sb_gone(&self, mark: *const FsEventsMark) {
        self.gone_mark.store(mark as usize, Relaxed);
        self.due_hint.store(DUE_AT_ONCE, Relaxed);
        self.kick_poller();
    }

    /// An FS_ERROR report from the filesystem. Every report counts as an
    /// error; a shutdown goes out as a shutdown event instead of an error
    /// event. Both belong to the `error` class.
    pub(crate) fn fs_error(&self, report: ErrorReport) {
        let mut inner = self.inner.lock();
        if inner.armed.is_none() {
            return;
        }
        inner.errors = inner.errors.saturating_add(1);
        trace::fs_error(self.id, &report);
        if inner.config.classes.contains(Classes::ERROR) {
            let event = if report.is_shutdown() {
                Event::Shutdown(report)
            } else {
                Event::Error(report)
            };
            self.emit(&mut inner, event, bindings::GFP_KERNEL);
        }
    }

    /// `fs_event_notify()` on `sb`: sends the report if the watch is armed
    /// on `sb` and wants reports.
    pub(crate) fn report(
        &self,
        sb: *const c_void,
        code: u32,
        message: Option<&CStr>,
        origin: &CStr,
    ) -> bool {
        let mut inner = self.inner.lock();
        let Some(armed) = &inner.armed else {
            return false;
        };
        if armed.mark.sb() != sb || !inner.config.classes.contains(Classes::REPORT) {
            return false;
        }
        let event = Event::Report {
            code,
            message,
            origin,
        };
        self.emit(&mut inner, event, bindings::GFP_KERNEL);
        true
    }

    /// When the next poll is due, for the poller's order, without the
    /// watch's lock; `None`: at once (never polled, reconfigured, or its
    /// mark went).
    pub(crate) fn next_due(&self) -> Option<Instant<Monotonic>> {
        match self.due_hint.load(Relaxed) {
            DUE_AT_ONCE => None,
            ns => Some(self.created + Delta::from_nanos(ns)),
        }
    }

    /// Sets when the next poll is due, and its copy for the poller's order.
    fn set_due(&self, inner: &mut Inner, due: Option<Instant<Monotonic>>) {
        inner.due = due;
        let hint = due.map_or(DUE_AT_ONCE, |due| (due - self.created).as_nanos());
        self.due_hint.store(hint, Relaxed);
    }

    /// Configuration changed: poll at once, from a fresh baseline.
    pub(crate) fn reconfigured(&self, inner: &mut Inner) {
        self.set_due(inner, None);
    }

    /// Polls if due by `now` plus a sixteenth of its interval, or at once
    /// if its filesystem went away; returns when the next poll is due,
    /// `None` when the watch is not armed. The slack (a poll a little early
    /// is never later for a threshold) lets one wake-up of the poller poll
    /// every watch due soon: watches created at different times fall into
    /// a few batches instead of waking the poller once each; the poller
    /// makes such early polls after the due ones (`poll_order.rs`).
    pub(crate) fn poll_if_due(&self, now: Instant<Monotonic>) -> Option<Instant<Monotonic>> {
        let mut inner = self.inner.lock();
        let slack = Delta::from_micros(i64::from(inner.interval_ms) * 1000 / POLL_SLACK_DIVISOR);
        let armed = inner.armed.as_ref()?;
        // The mark's callback kicked the poller: report the unmount now, not
        // at the next due poll.
        let gone = self.gone_mark.load(Relaxed) == armed.mark.as_ptr() as usize;
        if let (Some(due), false) = (inner.due, gone) {
            if (due - now) > slack {
                return Some(due);
            }
        }
        let path = inner.config.path.as_ref()?;
        let st = if gone {
            Err(ESTALE)
        } else {
            armed.mark.statfs(path)
        };
        let st = match st {
            Ok(st) => st,
            Err(e) if e == ESTALE || e == ENOENT => {
                self.unmounted(&mut inner);
                return None;
            }
            Err(_) => {
                // A transient statfs failure (a network filesystem, say): retry.
                let due = now + Delta::from_millis(inner.config.interval_ms.into());
                self.set_due(&mut inner, Some(due));
                return Some(due);
            }
        };
        let sample = Sample {
            at: now,
            block_size: st.block_size,
            blocks_free: st.blocks_free,
            blocks_total: st.blocks_total,
            inodes_free: st.inodes_free,
            inodes_total: st.inodes_total,
            read_only: st.read_only,
        };
        // INVARIANT: a sample of an armed watch.
        self.take_sample(&mut inner, sample);
        inner.due
    }

    fn take_sample(&self, inner: &mut Inner, sample: Sample) {
        let previous = inner.sample.replace(sample);
        let config = &inner.config;
        let (space, inodes, classes) = (config.space, config.inodes, config.classes);
        let space_crossing = inner
            .space
            .update(&space, sample.blocks_free, sample.blocks_total);
        let inodes_crossing = inner
            .inodes
            .update(&inodes, sample.inodes_free, sample.inodes_total);
        // The first sample reports a read-only mount; later ones each change.
        let was_read_only = previous.is_some_and(|p| p.read_only);
        if sample.read_only != was_read_only && classes.contains(Classes::READONLY) {
            self.emit(
                inner,
                Event::ReadOnly(sample.read_only),
                bindings::GFP_KERNEL,
            );
        }
        if let (Some(crossing), true) = (space_crossing, classes.contains(Classes::SPACE)) {
            let kind = match crossing {
                Crossing::Low => uapi::FS_EVENTS_EVENT_TYPE_SPACE_LOW,
                Crossing::Recovered => uapi::FS_EVENTS_EVENT_TYPE_SPACE_OK,
            };
            self.emit(inner, Event::Crossing(kind), bindings::GFP_KERNEL);
        }
        if let (Some(crossing), true) = (inodes_crossing, classes.contains(Classes::INODES)) {
            let kind = match crossing {
                Crossing::Low => uapi::FS_EVENTS_EVENT_TYPE_INODES_LOW,
                Crossing::Recovered => uapi::FS_EVENTS_EVENT_TYPE_INODES_OK,
            };
            self.emit(inner, Event::Crossing(kind), bindings::GFP_KERNEL);
        }
        if inner.lost.count > 0 {
            self.emit(inner, Event::Lost, bindings::GFP_KERNEL);
        }
        let previous = previous.unwrap_or(sample);
        let elapsed = (sample.at - previous.at).as_millis().max(0) as u64;
        let interval = inner.config.interval_ms;
        let next_space = threshold::next_interval(
            interval,
            &space,
            &inner.space,
            sample.blocks_total,
            previous.blocks_free,
            sample.blocks_free,
            elapsed,
        );
        let next_inodes = threshold::next_interval(
            interval,
            &inodes,
            &inner.inodes,
            sample.inodes_total,
            previous.inodes_free,
            sample.inodes_free,
            elapsed,
        );
        inner.interval_ms = next_space.min(next_inodes);
        let due = sample.at + Delta::from_millis(inner.interval_ms.into());
        self.set_due(inner, Some(due));
        trace::poll(
            self.id,
            sample.blocks_free,
            sample.inodes_free,
            sample.read_only,
            inner.interval_ms,
        );
    }

    /// The watched mount is gone: report it and let go of the filesystem.
    fn unmounted(&self, inner: &mut Inner) {
        if inner.config.classes.contains(Classes::UNMOUNT) {
            self.emit(inner, Event::Unmount, bindings::GFP_KERNEL);
        }
        inner.disarm();
    }

    /// Assigns the next sequence number to `event` and multicasts it. A lost
    /// event goes first when earlier events were lost, unless the last event
    /// itself was refused: a listener that had no room a moment ago most
    /// likely still has none, and a lost event for every event of a burst
    /// would only double the drops. The poller sends it then. An event that
    /// cannot be delivered is counted for the next lost event.
    fn emit(&self, inner: &mut Inner, event: Event<'_>, gfp: bindings::gfp_t) {
        let last_refused = inner.lost.count > 0 && inner.lost.last_seq == inner.seq;
        if inner.lost.count > 0 && !last_refused && !matches!(event, Event::Lost) {
            self.emit(inner, Event::Lost, gfp);
        }
        inner.seq += 1;
        let seq = inner.seq;
        let kind = event.kind();
        let ret = if self.net.has_listeners() {
            match self.build(inner, &event, seq, gfp) {
                Ok(skb) => skb.multicast(&self.net, gfp),
                Err(e) => e.to_errno(),
            }
        } else {
            ESRCH.to_errno()
        };
        trace::emit(self.id, seq, kind, ret);
        if matches!(event, Event::Lost) && (ret == 0 || ret == ESRCH.to_errno()) {
            // INVARIANT: nothing lost.
            inner.lost = Lost::default();
        }
        // Without listeners nothing is lost: a new listener asks for the state.
        if ret != 0 && ret != ESRCH.to_errno() {
            // INVARIANT: `seq` is the last sequence number, and the first
            // lost one is set with the first loss.
            if inner.lost.count == 0 {
                inner.lost.first_seq = seq;
            }
            inner.lost.count += 1;
            inner.lost.last_seq = seq;
            crate::registry::count_drop();
        } else {
            crate::registry::count_sent();
        }
    }

    fn build(
        &self,
        inner: &Inner,
        event: &Event<'_>,
        seq: u64,
        gfp: bindings::gfp_t,
    ) -> Result<EventSkb> {
        let mut event_skb = EventSkb::new(gfp)?;
        let mut skb = event_skb.skb();
        let mut msg = skb.start(0, 0, 0, uapi::FS_EVENTS_CMD_EVENT)?;
        let filled = self.put_event(&mut msg, inner, event, seq);
        msg.finish(filled)?;
        Ok(event_skb)
    }

    fn put_common(&self, msg: &mut Msg<'_>, inner: &Inner, kind: u32, seq: u64) -> Result {
        msg.put_u64(uapi::FS_EVENTS_A_EVENT_SEQ, seq)?;
        msg.put_u64(uapi::FS_EVENTS_A_EVENT_TIMESTAMP, realtime_ns())?;
        msg.put_u32(uapi::FS_EVENTS_A_EVENT_TYPE, kind)?;
        msg.put_u32(uapi::FS_EVENTS_A_EVENT_WATCH_ID, self.id)?;
        msg.put_str(uapi::FS_EVENTS_A_EVENT_WATCH, &self.name)?;
        if let Some(path) = &inner.config.path {
            msg.put_str(uapi::FS_EVENTS_A_EVENT_PATH, path)?;
        }
        if let Some(armed) = &inner.armed {
            msg.put_u32(uapi::FS_EVENTS_A_EVENT_DEV_MAJOR, armed.id.dev_major)?;
            msg.put_u32(uapi::FS_EVENTS_A_EVENT_DEV_MINOR, armed.id.dev_minor)?;
            msg.put_str(uapi::FS_EVENTS_A_EVENT_FS_TYPE, armed.id.fs_type())?;
        }
        if let Some(s) = &inner.sample {
            msg.put_u32(uapi::FS_EVENTS_A_EVENT_BLOCK_SIZE, s.block_size)?;
            msg.put_u64(uapi::FS_EVENTS_A_EVENT_BLOCKS_FREE, s.blocks_free)?;
            msg.put_u64(uapi::FS_EVENTS_A_EVENT_BLOCKS_TOTAL, s.blocks_total)?;
            msg.put_u64(uapi::FS_EVENTS_A_EVENT_INODES_FREE, s.inodes_free)?;
            msg.put_u64(uapi::FS_EVENTS_A_EVENT_INODES_TOTAL, s.inodes_total)?;
            msg.put_flag(uapi::FS_EVENTS_A_EVENT_READ_ONLY, s.read_only)?;
        }
        Ok(())
    }

    fn put_event(&self, msg: &mut Msg<'_>, inner: &Inner, event: &Event<'_>, seq: u64) -> Result {
        self.put_common(msg, inner, event.kind(), seq)?;
        match *event {
            Event::Crossing(_) | Event::ReadOnly(_) | Event::Unmount => Ok(()),
            Event::Error(report) | Event::Shutdown(report) => {
                msg.put_u32(uapi::FS_EVENTS_A_EVENT_ERROR, report.errno)?;
                msg.put_u32(uapi::FS_EVENTS_A_EVENT_ERROR_CLASS, report.class().uapi())?;
                msg.put_u32(uapi::FS_EVENTS_A_EVENT_ERROR_COUNT, inner.errors)?;
                if let Some(inode) = report.inode {
                    msg.put_u64(uapi::FS_EVENTS_A_EVENT_INODE, inode.ino)?;
                    msg.put_u32(uapi::FS_EVENTS_A_EVENT_GENERATION, inode.generation)?;
                }
                Ok(())
            }
            Event::Report {
                code,
                message,
                origin,
            } => {
                msg.put_u32(uapi::FS_EVENTS_A_EVENT_CODE, code)?;
                if let Some(message) = message {
                    msg.put_str(uapi::FS_EVENTS_A_EVENT_MESSAGE, message)?;
                }
                msg.put_str(uapi::FS_EVENTS_A_EVENT_ORIGIN, origin)
            }
            Event::Lost => {
                msg.put_u64(uapi::FS_EVENTS_A_EVENT_LOST_COUNT, inner.lost.count)?;
                msg.put_u64(uapi::FS_EVENTS_A_EVENT_LOST_FIRST_SEQ, inner.lost.first_seq)?;
                msg.put_u64(uapi::FS_EVENTS_A_EVENT_LOST_LAST_SEQ, inner.lost.last_seq)
            }
        }
    }

    /// Writes the watch's state as a get-state reply into a dump skb.
    pub(crate) fn dump_state(&self, skb: &mut Skb<'_>, portid: u32, seq: u32) -> Result {
        let inner = self.inner.lock();
        let mut msg = skb.start(
            portid,
            seq,
            bindings::NLM_F_MULTI,
            uapi::FS_EVENTS_CMD_GET_STATE,
        )?;
        let filled = (|| {
            self.put_common(
                &mut msg,
                &inner,
                uapi::FS_EVENTS_EVENT_TYPE_STATE,
                inner.seq,
            )?;
            msg.put_u32(uapi::FS_EVENTS_A_EVENT_ERROR_COUNT, inner.errors)?;
            msg.put_flag(uapi::FS_EVENTS_A_EVENT_MOUNTED, inner.armed.is_some())?;
            msg.put_flag(uapi::FS_EVENTS_A_EVENT_SPACE_LOW, inner.space.is_low())?;
            msg.put_flag(uapi::FS_EVENTS_A_EVENT_INODES_LOW, inner.inodes.is_low())?;
            msg.put_u32(uapi::FS_EVENTS_A_EVENT_INTERVAL_MS, inner.interval_ms)
        })();
        msg.finish(filled)
    }

    /// The configfs `state` attribute: one `key=value` line.
    pub(crate) fn write_state(&self, f: &mut kernel::str::Formatter<'_>) -> core::fmt::Result {
        use kernel::fmt::Write;
        let inner = self.inner.lock();
        f.write_fmt(fmt!(
            "id={} armed={} seq={} lost={} errors={} interval_ms={}",
            self.id,
            u8::from(inner.armed.is_some()),
            inner.seq,
            inner.lost.count,
            inner.errors,
            inner.interval_ms
        ))?;
        if let Some(armed) = &inner.armed {
            f.write_fmt(fmt!(
                " dev={}:{} fs_type={}",
                armed.id.dev_major,
                armed.id.dev_minor,
                armed.id.fs_type().to_str().unwrap_or("?")
            ))?;
        }
        if let Some(s) = &inner.sample {
            f.write_fmt(fmt!(
                " block_size={} blocks_free={} blocks_total={} inodes_free={} inodes_total={} read_only={}",
                s.block_size,
                s.blocks_free,
                s.blocks_total,
                s.inodes_free,
                s.inodes_total,
                u8::from(s.read_only)
            ))?;
        }
        f.write_fmt(fmt!(
            " space_low={} inodes_low={}\n",
            u8::from(inner.space.is_low()),
            u8::from(inner.inodes.is_low())
        ))
    }
}

impl Event<'_> {
    fn kind(&self) -> u32 {
        match *self {
            Event::Crossing(kind) => kind,
            Event::Error(_) => uapi::FS_EVENTS_EVENT_TYPE_ERROR,
            Event::Shutdown(_) => uapi::FS_EVENTS_EVENT_TYPE_SHUTDOWN,
            Event::ReadOnly(true) => uapi::FS_EVENTS_EVENT_TYPE_READ_ONLY,
            Event::ReadOnly(false) => uapi::FS_EVENTS_EVENT_TYPE_READ_WRITE,
            Event::Unmount => uapi::FS_EVENTS_EVENT_TYPE_UNMOUNT,
            Event::Report { .. } => uapi::FS_EVENTS_EVENT_TYPE_REPORT,
            Event::Lost => uapi::FS_EVENTS_EVENT_TYPE_LOST,
        }
    }
}

impl Inner {
    /// Lets go of the filesystem: detaches the mark and forgets the samples.
    fn disarm(&mut self) {
        // Dropping the mark detaches it; its reference to the watch goes in
        // fs_events_rs_mark_freed().
        self.armed = None;
        // INVARIANT: not armed, and nothing measured.
        self.sample = None;
        self.space = Level::default();
        self.inodes = Level::default();
    }
}

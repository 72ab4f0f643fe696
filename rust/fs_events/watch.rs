// SPDX-License-Identifier: GPL-2.0

//! A watch: one configured mount, its fsnotify mark, its last statfs sample
//! and its event stream (sequence numbers and loss).
//!
//! Locking: the registry lock (`registry.rs`) comes before a watch's `inner`
//! lock; events are built and sent under `inner`, so each watch's sequence
//! numbers go out in order. The mark callbacks that may run under fsnotify's
//! own locks ([`Watch::sb_gone`]) take no lock at all.

use crate::{
    config::{Classes, Config},
    netlink::{EventSkb, Msg},
    shim::{self, FsEventsMark},
    threshold::{self, Crossing, Level},
    uapi,
};
use core::ptr;
use kernel::{
    bindings,
    error::to_result,
    new_mutex,
    prelude::*,
    str::CString,
    sync::{
        atomic::{Atomic, Relaxed},
        Arc, Mutex,
    },
};

/// The filesystem a watch is armed on.
///
/// # Invariants
///
/// `mark` is attached by `fs_events_mark_attach()` and not yet detached; it
/// holds one reference to the watch (from [`Arc::into_raw`]).
struct Armed {
    mark: *mut FsEventsMark,
    dev_major: u32,
    dev_minor: u32,
    fs_type: [u8; 32],
}

impl Armed {
    fn fs_type(&self) -> &CStr {
        CStr::from_bytes_until_nul(&self.fs_type).unwrap_or(c"")
    }
}

/// One statfs reading.
#[derive(Clone, Copy, Default)]
struct Sample {
    at_ms: u64,
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
    Error {
        errno: u32,
    },
    ReadOnly(bool),
    Unmount,
    Report {
        code: u32,
        message: Option<&'a CStr>,
        origin: &'a CStr,
    },
    Lost,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    armed: Option<Armed>,
    sample: Option<Sample>,
    space: Level,
    inodes: Level,
    /// When the next poll is due, in ms of CLOCK_MONOTONIC.
    due_ms: u64,
    /// The interval the last poll chose.
    interval_ms: u32,
    /// The last sequence number used.
    seq: u64,
    lost: Lost,
    errors: u32,
}

// SAFETY: `Armed::mark` is only used under the watch's lock; the C side
// allows any thread to detach or compare it.
unsafe impl Send for Inner {}

/// A watch, shared by its configfs directory, the registry and its mark.
///
/// # Invariants
///
/// `net` is a network namespace this watch holds a reference to.
#[pin_data(PinnedDrop)]
pub(crate) struct Watch {
    pub(crate) id: u32,
    pub(crate) name: CString,
    net: *mut bindings::net,
    /// The mark `fs_events_freeing_mark()` reported gone, as an address.
    gone_mark: Atomic<usize>,
    #[pin]
    pub(crate) inner: Mutex<Inner>,
}

// SAFETY: `net` is a counted reference, usable from any thread; the rest is
// atomics and a mutex.
unsafe impl Send for Watch {}
// SAFETY: as for `Send`.
unsafe impl Sync for Watch {}

#[pinned_drop]
impl PinnedDrop for Watch {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: our reference (type invariant), dropped once, here.
        unsafe { shim::fs_events_net_put(self.net) };
    }
}

/// Milliseconds of CLOCK_MONOTONIC.
pub(crate) fn now_ms() -> u64 {
    // SAFETY: no preconditions.
    (unsafe { bindings::ktime_get() } / 1_000_000) as u64
}

/// Nanoseconds of CLOCK_REALTIME.
fn realtime_ns() -> u64 {
    let mut ts = bindings::timespec64::default();
    // SAFETY: `ts` is writable.
    unsafe { bindings::ktime_get_real_ts64(&mut ts) };
    (ts.tv_sec as u64) * 1_000_000_000 + ts.tv_nsec as u64
}

impl Watch {
    /// A new, unarmed watch whose events go to the caller's network namespace.
    pub(crate) fn new(id: u32, name: CString) -> Result<Arc<Watch>> {
        // SAFETY: takes a reference the watch owns from here on.
        let net = unsafe { shim::fs_events_net_get_current() };
        let watch = Arc::pin_init(
            pin_init!(Watch {
                id,
                name,
                net,
                gone_mark: Atomic::new(0),
                inner <- new_mutex!(Inner {
                    config: Config::new(),
                    armed: None,
                    sample: None,
                    space: Level::default(),
                    inodes: Level::default(),
                    due_ms: 0,
                    interval_ms: crate::config::INTERVAL_MS_DEFAULT,
                    seq: 0,
                    lost: Lost::default(),
                    errors: 0,
                }),
            }),
            GFP_KERNEL,
        );
        if watch.is_err() {
            // SAFETY: the reference taken above, which no watch owns.
            unsafe { shim::fs_events_net_put(net) };
        }
        watch
    }

    pub(crate) fn net(&self) -> *const bindings::net {
        self.net
    }

    /// Arms the watch on the mount at `path`, or disarms it for `None`. The
    /// old mark stays until the new one is in place, so a failure (`EINVAL`
    /// for a path that is not a mount, lookup errors) changes nothing.
    pub(crate) fn set_path(self: &Arc<Self>, path: Option<CString>) -> Result {
        let mut inner = self.inner.lock();
        let Some(path) = path else {
            inner.disarm();
            inner.config.path = None;
            return Ok(());
        };
        let cookie = Arc::into_raw(self.clone()).cast::<c_void>();
        let mut armed = Armed {
            mark: ptr::null_mut(),
            dev_major: 0,
            dev_minor: 0,
            fs_type: [0; 32],
        };
        // SAFETY: `path` is NUL-terminated; the out-pointers are writable;
        // `cookie` is a reference the mark owns once attached.
        let ret = unsafe {
            shim::fs_events_mark_attach(
                path.as_char_ptr(),
                cookie,
                &mut armed.mark,
                &mut armed.dev_major,
                &mut armed.dev_minor,
                armed.fs_type.as_mut_ptr().cast(),
                armed.fs_type.len(),
            )
        };
        if let Err(e) = to_result(ret) {
            // SAFETY: not attached, so the reference from `into_raw` is still ours.
            drop(unsafe { Arc::from_raw(cookie.cast::<Watch>()) });
            return Err(e);
        }
        inner.disarm();
        // Forget the old mark's address, which a new mark may reuse.
        self.gone_mark.store(0, Relaxed);
        inner.armed = Some(armed);
        inner.config.path = Some(path);
        inner.due_ms = 0;
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
        // SAFETY: no preconditions.
        unsafe { shim::fs_events_poller_kick() };
    }

    /// An FS_ERROR report from the filesystem.
    pub(crate) fn fs_error(&self, errno: c_int) {
        let mut inner = self.inner.lock();
        if inner.armed.is_none() {
            return;
        }
        inner.errors = inner.errors.saturating_add(1);
        if inner.config.classes.contains(Classes::ERROR) {
            let errno = errno.unsigned_abs();
            self.emit(&mut inner, Event::Error { errno }, bindings::GFP_KERNEL);
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
        // SAFETY: `mark` is attached (type invariant of `Armed`).
        if unsafe { shim::fs_events_mark_sb(armed.mark) } != sb
            || !inner.config.classes.contains(Classes::REPORT)
        {
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

    /// Polls if due at `now_ms`; returns when the next poll is due, `None`
    /// when the watch is not armed.
    pub(crate) fn poll_if_due(&self, now_ms: u64) -> Option<u64> {
        let mut inner = self.inner.lock();
        let armed = inner.armed.as_ref()?;
        if now_ms < inner.due_ms {
            return Some(inner.due_ms);
        }
        let mark = armed.mark;
        let path = inner.config.path.as_ref()?;
        let mut st = shim::FsEventsStatfs::default();
        let ret = if self.gone_mark.load(Relaxed) == mark as usize {
            ESTALE.to_errno()
        } else {
            // SAFETY: `path` is NUL-terminated, `mark` attached (type
            // invariant of `Armed`), `st` writable.
            unsafe { shim::fs_events_path_statfs(path.as_char_ptr(), mark, &mut st) }
        };
        if ret == ESTALE.to_errno() || ret == ENOENT.to_errno() {
            self.unmounted(&mut inner);
            return None;
        }
        if ret != 0 {
            // A transient statfs failure (a network filesystem, say): retry.
            inner.due_ms = now_ms + u64::from(inner.config.interval_ms);
            return Some(inner.due_ms);
        }
        let sample = Sample {
            at_ms: now_ms,
            block_size: st.block_size,
            blocks_free: st.blocks_free,
            blocks_total: st.blocks_total,
            inodes_free: st.inodes_free,
            inodes_total: st.inodes_total,
            read_only: st.read_only,
        };
        self.take_sample(&mut inner, sample);
        Some(inner.due_ms)
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
        let elapsed = sample.at_ms.saturating_sub(previous.at_ms);
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
        inner.due_ms = sample.at_ms + u64::from(inner.interval_ms);
        // SAFETY: plain values.
        unsafe {
            shim::fs_events_trace_poll(
                self.id,
                sample.blocks_free,
                sample.inodes_free,
                sample.read_only,
                inner.interval_ms,
            )
        };
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
        // SAFETY: `net` is referenced (type invariant).
        let ret = if unsafe { shim::fs_events_genl_has_listeners(self.net) } {
            match self.build(inner, &event, seq, gfp) {
                // SAFETY: `net` is referenced (type invariant).
                Ok(skb) => unsafe { skb.multicast(self.net, gfp) },
                Err(e) => e.to_errno(),
            }
        } else {
            ESRCH.to_errno()
        };
        // SAFETY: plain values.
        unsafe { shim::fs_events_trace_emit(self.id, seq, kind, ret) };
        if matches!(event, Event::Lost) && (ret == 0 || ret == ESRCH.to_errno()) {
            inner.lost = Lost::default();
        }
        // Without listeners nothing is lost: a new listener asks for the state.
        if ret != 0 && ret != ESRCH.to_errno() {
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
        let skb = EventSkb::new(gfp)?;
        // SAFETY: `skb` is ours until sent or dropped.
        let mut msg = unsafe { Msg::start(skb.as_ptr(), 0, 0, 0, uapi::FS_EVENTS_CMD_EVENT)? };
        let filled = self.put_event(&mut msg, inner, event, seq);
        msg.finish(filled)?;
        Ok(skb)
    }

    fn put_common(&self, msg: &mut Msg, inner: &Inner, kind: u32, seq: u64) -> Result {
        msg.put_u64(uapi::FS_EVENTS_A_EVENT_SEQ, seq)?;
        msg.put_u64(uapi::FS_EVENTS_A_EVENT_TIMESTAMP, realtime_ns())?;
        msg.put_u32(uapi::FS_EVENTS_A_EVENT_TYPE, kind)?;
        msg.put_u32(uapi::FS_EVENTS_A_EVENT_WATCH_ID, self.id)?;
        msg.put_str(uapi::FS_EVENTS_A_EVENT_WATCH, &self.name)?;
        if let Some(path) = &inner.config.path {
            msg.put_str(uapi::FS_EVENTS_A_EVENT_PATH, path)?;
        }
        if let Some(armed) = &inner.armed {
            msg.put_u32(uapi::FS_EVENTS_A_EVENT_DEV_MAJOR, armed.dev_major)?;
            msg.put_u32(uapi::FS_EVENTS_A_EVENT_DEV_MINOR, armed.dev_minor)?;
            msg.put_str(uapi::FS_EVENTS_A_EVENT_FS_TYPE, armed.fs_type())?;
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

    fn put_event(&self, msg: &mut Msg, inner: &Inner, event: &Event<'_>, seq: u64) -> Result {
        self.put_common(msg, inner, event.kind(), seq)?;
        match *event {
            Event::Crossing(_) | Event::ReadOnly(_) | Event::Unmount => Ok(()),
            Event::Error { errno } => {
                msg.put_u32(uapi::FS_EVENTS_A_EVENT_ERROR, errno)?;
                msg.put_u32(uapi::FS_EVENTS_A_EVENT_ERROR_COUNT, inner.errors)
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
    ///
    /// # Safety
    ///
    /// `skb` must be the dump's valid skb.
    pub(crate) unsafe fn dump_state(
        &self,
        skb: *mut bindings::sk_buff,
        portid: u32,
        seq: u32,
    ) -> Result {
        let inner = self.inner.lock();
        // SAFETY: `skb` is valid by the function's contract.
        let mut msg = unsafe {
            Msg::start(
                skb,
                portid,
                seq,
                bindings::NLM_F_MULTI,
                uapi::FS_EVENTS_CMD_GET_STATE,
            )?
        };
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
                armed.dev_major,
                armed.dev_minor,
                armed.fs_type().to_str().unwrap_or("?")
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
            Event::Error { .. } => uapi::FS_EVENTS_EVENT_TYPE_ERROR,
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
        if let Some(armed) = self.armed.take() {
            // SAFETY: attached (type invariant of `Armed`) and now forgotten.
            // Its reference to the watch goes in fs_events_rs_mark_freed().
            unsafe { shim::fs_events_mark_detach(armed.mark) };
        }
        self.sample = None;
        self.space = Level::default();
        self.inodes = Level::default();
    }

    /// Configuration changed: poll at once, from a fresh baseline.
    pub(crate) fn reconfigured(&mut self) {
        self.due_ms = 0;
    }
}

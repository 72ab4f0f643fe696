// SPDX-License-Identifier: GPL-2.0

//! The module's trace events, defined in C by `fs_events_trace.h` and
//! instantiated by `fs_events_trace.c`.

use crate::{
    common::trace::module_trace_events,
    fs_error::ErrorReport, //
};
use kernel::prelude::*;

module_trace_events! {
    /// `fs_events:fs_events_emit`.
    unsafe fn fs_events_emit(watch_id: u32, seq: u64, kind: u32, result: c_int);
    /// `fs_events:fs_events_poll`.
    unsafe fn fs_events_poll(
        watch_id: u32,
        blocks_free: u64,
        inodes_free: u64,
        read_only: bool,
        next_ms: u32,
    );
    /// `fs_events:fs_events_fs_error`.
    unsafe fn fs_events_fs_error(
        watch_id: u32,
        error: u32,
        class: u32,
        has_inode: bool,
        ino: u64,
        generation: u32,
    );
}

/// An event of type `kind` (`enum fs_events_event_type`) went out, with
/// what netlink said about its delivery.
pub(crate) fn emit(watch_id: u32, seq: u64, kind: u32, result: c_int) {
    // SAFETY: plain values, which the event copies.
    unsafe { fs_events_emit(watch_id, seq, kind, result) };
}

/// A statfs poll of a watch, and when the next one is due.
pub(crate) fn poll(
    watch_id: u32,
    blocks_free: u64,
    inodes_free: u64,
    read_only: bool,
    next_ms: u32,
) {
    // SAFETY: plain values, which the event copies.
    unsafe { fs_events_poll(watch_id, blocks_free, inodes_free, read_only, next_ms) };
}

/// A filesystem's error report reached a watch, whether or not an event
/// went out for it.
pub(crate) fn fs_error(watch_id: u32, report: &ErrorReport) {
    let (ino, generation) = report.inode.map_or((0, 0), |i| (i.ino, i.generation));
    let class = report.class().uapi();
    let has_inode = report.inode.is_some();
    // SAFETY: plain values, which the event copies.
    unsafe { fs_events_fs_error(watch_id, report.errno, class, has_inode, ino, generation) };
}

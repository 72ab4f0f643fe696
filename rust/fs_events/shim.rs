// SPDX-License-Identifier: GPL-2.0

//! Declarations of the C side (`fs_events_shim.c`, `fs_events_genl.c`); see
//! `fs_events_shim.h` for each function's contract.

use kernel::{bindings, prelude::*};

/// An opaque `struct fs_events_mark`: an fsnotify mark on a superblock.
#[repr(C)]
pub(crate) struct FsEventsMark {
    _private: [u8; 0],
}

/// `struct fs_events_statfs`: what a poll needs of `struct kstatfs`, which
/// the bindings know only by name.
#[repr(C)]
#[derive(Default)]
pub(crate) struct FsEventsStatfs {
    pub(crate) blocks_free: u64,
    pub(crate) blocks_total: u64,
    pub(crate) inodes_free: u64,
    pub(crate) inodes_total: u64,
    pub(crate) block_size: u32,
    pub(crate) read_only: bool,
}

// `sk_buff` and `net` hold types bindgen cannot make FFI-safe; only
// pointers to them cross.
#[allow(improper_ctypes)]
extern "C" {
    pub(crate) fn fs_events_fsnotify_init() -> c_int;
    pub(crate) fn fs_events_fsnotify_exit();
    pub(crate) fn fs_events_mark_attach(
        name: *const c_char,
        watch: *const c_void,
        mark: *mut *mut FsEventsMark,
        dev_major: *mut u32,
        dev_minor: *mut u32,
        fs_type: *mut c_char,
        fs_type_len: usize,
    ) -> c_int;
    pub(crate) fn fs_events_mark_detach(mark: *mut FsEventsMark);
    pub(crate) fn fs_events_mark_sb(mark: *const FsEventsMark) -> *const c_void;
    pub(crate) fn fs_events_path_statfs(
        name: *const c_char,
        mark: *const FsEventsMark,
        st: *mut FsEventsStatfs,
    ) -> c_int;
    pub(crate) fn fs_events_trace_emit(watch_id: u32, seq: u64, kind: u32, result: c_int);
    pub(crate) fn fs_events_trace_poll(
        watch_id: u32,
        blocks_free: u64,
        inodes_free: u64,
        read_only: bool,
        next_ms: u32,
    );
    pub(crate) fn fs_events_poller_sleep(timeout_ms: c_uint);
    pub(crate) fn fs_events_poller_kick();

    pub(crate) fn fs_events_genl_register() -> c_int;
    pub(crate) fn fs_events_genl_unregister();
    pub(crate) fn fs_events_genl_put(
        skb: *mut bindings::sk_buff,
        portid: u32,
        seq: u32,
        flags: c_int,
        cmd: u8,
    ) -> *mut c_void;
    pub(crate) fn fs_events_genl_multicast(
        skb: *mut bindings::sk_buff,
        net: *mut bindings::net,
        gfp: bindings::gfp_t,
    ) -> c_int;
    pub(crate) fn fs_events_genl_has_listeners(net: *mut bindings::net) -> bool;
    pub(crate) fn fs_events_net_get_current() -> *mut bindings::net;
    pub(crate) fn fs_events_net_put(net: *mut bindings::net);
}

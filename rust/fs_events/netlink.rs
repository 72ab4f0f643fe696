// SPDX-License-Identifier: GPL-2.0

//! Generic netlink messages of the `fs_events` family, built attribute by
//! attribute with the exported `nla_put()` family, numbers from [`uapi`].

use crate::{shim, uapi};
use core::ptr::NonNull;
use kernel::{bindings, error::to_result, prelude::*};

/// A message being written into an skb.
///
/// # Invariants
///
/// `skb` is a valid skb and `hdr` the generic netlink header `genlmsg_put()`
/// wrote into it; the message is neither ended nor cancelled yet.
pub(crate) struct Msg {
    skb: *mut bindings::sk_buff,
    hdr: *mut c_void,
}

impl Msg {
    /// Starts a message in `skb`; `EMSGSIZE` if it has no room for a header.
    ///
    /// # Safety
    ///
    /// `skb` must be a valid skb the caller may write to until the message is
    /// ended or cancelled.
    pub(crate) unsafe fn start(
        skb: *mut bindings::sk_buff,
        portid: u32,
        seq: u32,
        flags: u32,
        cmd: u32,
    ) -> Result<Msg> {
        // SAFETY: `skb` is valid by the function's contract.
        let hdr = unsafe { shim::fs_events_genl_put(skb, portid, seq, flags as c_int, cmd as u8) };
        if hdr.is_null() {
            return Err(EMSGSIZE);
        }
        Ok(Msg { skb, hdr })
    }

    fn put(&mut self, attr: u32, data: &[u8]) -> Result {
        // SAFETY: `skb` is valid (type invariant); `data` is readable for its length.
        let ret = unsafe {
            bindings::nla_put(
                self.skb,
                attr as c_int,
                data.len() as c_int,
                data.as_ptr().cast(),
            )
        };
        to_result(ret)
    }

    pub(crate) fn put_u32(&mut self, attr: u32, value: u32) -> Result {
        self.put(attr, &value.to_ne_bytes())
    }

    pub(crate) fn put_u64(&mut self, attr: u32, value: u64) -> Result {
        let bytes = value.to_ne_bytes();
        // SAFETY: `skb` is valid (type invariant); `bytes` is readable for 8 bytes.
        let ret = unsafe {
            bindings::nla_put_64bit(
                self.skb,
                attr as c_int,
                8,
                bytes.as_ptr().cast(),
                uapi::FS_EVENTS_A_EVENT_PAD as c_int,
            )
        };
        to_result(ret)
    }

    pub(crate) fn put_str(&mut self, attr: u32, value: &CStr) -> Result {
        self.put(attr, value.to_bytes_with_nul())
    }

    pub(crate) fn put_flag(&mut self, attr: u32, set: bool) -> Result {
        if set {
            self.put(attr, &[])
        } else {
            Ok(())
        }
    }

    /// Finishes the message when its attributes all fit (`filled` is
    /// `Ok`), or removes it from its skb; passes `filled` on.
    pub(crate) fn finish(self, filled: Result) -> Result {
        // SAFETY: `hdr` was put into `skb` and not ended (type invariant).
        unsafe {
            match filled {
                Ok(()) => bindings::genlmsg_end(self.skb, self.hdr),
                Err(_) => bindings::genlmsg_cancel(self.skb, self.hdr),
            }
        };
        filled
    }
}

/// An skb of our own holding one event, freed unless sent.
///
/// # Invariants
///
/// `0` is an skb from `genlmsg_new()` that nothing else references.
pub(crate) struct EventSkb(NonNull<bindings::sk_buff>);

impl EventSkb {
    pub(crate) fn new(gfp: bindings::gfp_t) -> Result<EventSkb> {
        // SAFETY: plain allocation.
        let skb = unsafe { bindings::genlmsg_new(bindings::GENLMSG_DEFAULT_SIZE, gfp) };
        NonNull::new(skb).map(EventSkb).ok_or(ENOMEM)
    }

    pub(crate) fn as_ptr(&self) -> *mut bindings::sk_buff {
        self.0.as_ptr()
    }

    /// Multicasts the skb to the events group in `net`: 0 when delivered to
    /// every listener, `-ESRCH` when there is none, `-ENOBUFS` when a
    /// listener's buffer had no room.
    ///
    /// # Safety
    ///
    /// `net` must be a network namespace the caller holds a reference to.
    pub(crate) unsafe fn multicast(self, net: *mut bindings::net, gfp: bindings::gfp_t) -> c_int {
        let skb = self.0.as_ptr();
        core::mem::forget(self);
        // SAFETY: `skb` is ours to give away (type invariant) and the
        // multicast consumes it; `net` is valid by the function's contract.
        unsafe { shim::fs_events_genl_multicast(skb, net, gfp) }
    }
}

impl Drop for EventSkb {
    fn drop(&mut self) {
        // SAFETY: unsent, so still ours (type invariant).
        unsafe { bindings::nlmsg_free(self.0.as_ptr()) };
    }
}

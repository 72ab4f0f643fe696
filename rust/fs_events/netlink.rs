// SPDX-License-Identifier: GPL-2.0

//! Generic netlink messages of the `fs_events` family, built attribute by
//! attribute with the exported `nla_put()` family, numbers from [`uapi`].

use crate::{
    shim::{
        self,
        NetRef, //
    },
    uapi,
};
use core::{
    marker::PhantomData,
    ptr::NonNull, //
};
use kernel::{
    bindings,
    error::to_result,
    prelude::*, //
};

/// An skb that messages may be written into for `'a`.
///
/// # Invariants
///
/// `0` is a valid skb that nothing else writes to during `'a`.
pub(crate) struct Skb<'a>(
    NonNull<bindings::sk_buff>,
    PhantomData<&'a mut bindings::sk_buff>,
);

impl Skb<'_> {
    /// Borrows the skb of a netlink dump.
    ///
    /// # Safety
    ///
    /// `skb` is a valid skb that the caller lets this value write to, alone,
    /// for as long as it lives.
    pub(crate) unsafe fn from_raw(skb: NonNull<bindings::sk_buff>) -> Self {
        // INVARIANT: the caller's promise.
        Self(skb, PhantomData)
    }

    /// The length of what has been written.
    pub(crate) fn len(&self) -> c_int {
        // SAFETY: `0` is valid (type invariant).
        unsafe { (*self.0.as_ptr()).len as c_int }
    }

    /// Starts a message; `EMSGSIZE` if the skb has no room for a header.
    pub(crate) fn start(&mut self, portid: u32, seq: u32, flags: u32, cmd: u32) -> Result<Msg<'_>> {
        // SAFETY: `0` is valid and ours to write (type invariant).
        let hdr = unsafe {
            shim::fs_events_genl_put(self.0.as_ptr(), portid, seq, flags as c_int, cmd as u8)
        };
        let hdr = NonNull::new(hdr).ok_or(EMSGSIZE)?;
        // INVARIANT: `hdr` was just put into the skb, which the message
        // borrows.
        Ok(Msg {
            skb: self.0,
            hdr,
            _skb: PhantomData,
        })
    }
}

/// A message being written into an skb.
///
/// # Invariants
///
/// `skb` is a valid skb that nothing else writes to during `'a`, and `hdr`
/// the generic netlink header `genlmsg_put()` wrote into it; the message is
/// neither ended nor cancelled yet.
pub(crate) struct Msg<'a> {
    skb: NonNull<bindings::sk_buff>,
    hdr: NonNull<c_void>,
    _skb: PhantomData<&'a mut bindings::sk_buff>,
}

impl Msg<'_> {
    fn put(&mut self, attr: u32, data: &[u8]) -> Result {
        // SAFETY:
        // - `skb` is valid and ours to write (type invariant).
        // - `data` is readable for its length.
        let ret = unsafe {
            bindings::nla_put(
                self.skb.as_ptr(),
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
        // SAFETY:
        // - `skb` is valid and ours to write (type invariant).
        // - `bytes` is readable for 8 bytes.
        let ret = unsafe {
            bindings::nla_put_64bit(
                self.skb.as_ptr(),
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
        // SAFETY: `hdr` was put into `skb`, which is valid, and the message is
        // neither ended nor cancelled (type invariant); `self` goes here.
        unsafe {
            match filled {
                Ok(()) => bindings::genlmsg_end(self.skb.as_ptr(), self.hdr.as_ptr()),
                Err(_) => bindings::genlmsg_cancel(self.skb.as_ptr(), self.hdr.as_ptr()),
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
        // SAFETY: any context whose allocations `gfp` allows.
        let skb = unsafe { bindings::genlmsg_new(bindings::GENLMSG_DEFAULT_SIZE, gfp) };
        // INVARIANT: a new skb, ours alone.
        NonNull::new(skb).map(EventSkb).ok_or(ENOMEM)
    }

    /// The skb, to write a message into.
    pub(crate) fn skb(&mut self) -> Skb<'_> {
        // SAFETY: the skb is valid and ours alone (type invariant), and
        // `&mut self` lends it for the returned value's life.
        unsafe { Skb::from_raw(self.0) }
    }

    /// Multicasts the skb to the events group in `net`: 0 when delivered to
    /// every listener, `-ESRCH` when there is none, `-ENOBUFS` when a
    /// listener's buffer had no room.
    pub(crate) fn multicast(self, net: &NetRef, gfp: bindings::gfp_t) -> c_int {
        let skb = self.0.as_ptr();
        core::mem::forget(self);
        // SAFETY:
        // - `skb` is ours to give away (type invariant), and the multicast
        //   consumes it.
        // - `net` is referenced (`NetRef`).
        unsafe { shim::fs_events_genl_multicast(skb, net.as_ptr(), gfp) }
    }
}

impl Drop for EventSkb {
    fn drop(&mut self) {
        // SAFETY: unsent, so still ours (type invariant).
        unsafe { bindings::nlmsg_free(self.0.as_ptr()) };
    }
}

// SPDX-License-Identifier: GPL-2.0

//! A filesystem's error report as fsnotify hands it to a superblock mark,
//! and the error class the events carry. Pure, tested by KUnit.
//!
//! In 7.3, fserror's worker (`fs/fserror.c`) gives fsnotify marks a
//! `struct fs_error_report`: the errno, the inode (NULL for an error about
//! the whole filesystem) and the superblock. fserror's own type (buffered or
//! direct I/O, lost data, metadata) and the file range go only to the
//! filesystem's `report_error` operation, and no tracepoint carries them, so
//! the class is derived from the errno.

use crate::uapi;
use kernel::prelude::*;

/// `struct fs_events_error` of `fs_events_shim.h`: a report unpacked into
/// plain values by `fs_events_handle_event()`.
#[repr(C)]
pub(crate) struct RawError {
    error: c_int,
    has_inode: bool,
    ino: u64,
    generation: u32,
}

/// The inode an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InodeId {
    pub(crate) ino: u64,
    /// `i_generation`, which tells a reused inode number apart.
    pub(crate) generation: u32,
}

/// What kind of error a filesystem reported (`enum fs_events_error_class`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    /// Corrupt metadata: `EUCLEAN` (`EFSCORRUPTED`) or `EBADMSG`
    /// (`EFSBADCRC`, a checksum mismatch).
    Corruption,
    /// `EIO`.
    Io,
    /// The filesystem shut down: `ESHUTDOWN`.
    Shutdown,
    /// Any other errno.
    Other,
}

impl ErrorClass {
    /// The class of a positive errno.
    pub(crate) fn of(errno: u32) -> ErrorClass {
        let is = |e: Error| e.to_errno().unsigned_abs() == errno;
        if is(EUCLEAN) || is(EBADMSG) {
            ErrorClass::Corruption
        } else if is(EIO) {
            ErrorClass::Io
        } else if is(ESHUTDOWN) {
            ErrorClass::Shutdown
        } else {
            ErrorClass::Other
        }
    }

    /// The class's value in the `error-class` attribute.
    pub(crate) fn uapi(self) -> u32 {
        match self {
            ErrorClass::Corruption => uapi::FS_EVENTS_ERROR_CLASS_CORRUPTION,
            ErrorClass::Io => uapi::FS_EVENTS_ERROR_CLASS_IO,
            ErrorClass::Shutdown => uapi::FS_EVENTS_ERROR_CLASS_SHUTDOWN,
            ErrorClass::Other => uapi::FS_EVENTS_ERROR_CLASS_OTHER,
        }
    }
}

/// One error report of a filesystem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ErrorReport {
    /// The errno, positive.
    pub(crate) errno: u32,
    /// `None` for an error about the whole filesystem.
    pub(crate) inode: Option<InodeId>,
}

impl ErrorReport {
    /// The report the C side unpacked. fsnotify's errno is positive; its
    /// magnitude is taken whatever the sign.
    pub(crate) fn from_raw(raw: &RawError) -> ErrorReport {
        ErrorReport {
            errno: raw.error.unsigned_abs(),
            inode: raw.has_inode.then_some(InodeId {
                ino: raw.ino,
                generation: raw.generation,
            }),
        }
    }

    pub(crate) fn class(&self) -> ErrorClass {
        ErrorClass::of(self.errno)
    }

    /// A shutdown is an event of its own, not an error event.
    pub(crate) fn is_shutdown(&self) -> bool {
        self.class() == ErrorClass::Shutdown
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(fs_events_fs_error)]
mod tests {
    use super::*;

    fn raw(error: c_int, inode: Option<(u64, u32)>) -> RawError {
        let (ino, generation) = inode.unwrap_or((0, 0));
        RawError {
            error,
            has_inode: inode.is_some(),
            ino,
            generation,
        }
    }

    #[test]
    fn classes_follow_the_errno() {
        // The numbers of include/uapi/asm-generic/errno.h, as userspace sees them.
        assert_eq!(ErrorClass::of(117), ErrorClass::Corruption);
        assert_eq!(ErrorClass::of(74), ErrorClass::Corruption);
        assert_eq!(ErrorClass::of(5), ErrorClass::Io);
        assert_eq!(ErrorClass::of(108), ErrorClass::Shutdown);
        assert_eq!(ErrorClass::of(28), ErrorClass::Other);
        assert_eq!(ErrorClass::of(0), ErrorClass::Other);
        assert_eq!(
            ErrorClass::of(117).uapi(),
            uapi::FS_EVENTS_ERROR_CLASS_CORRUPTION
        );
        assert_eq!(
            ErrorClass::of(108).uapi(),
            uapi::FS_EVENTS_ERROR_CLASS_SHUTDOWN
        );
    }

    #[test]
    fn an_inode_is_carried_only_when_the_report_has_one() {
        let report = ErrorReport::from_raw(&raw(117, Some((12, 3_000_000_000))));
        assert_eq!(
            report.inode,
            Some(InodeId {
                ino: 12,
                generation: 3_000_000_000
            })
        );
        assert_eq!(report.class(), ErrorClass::Corruption);
        assert!(!report.is_shutdown());
        let report = ErrorReport::from_raw(&raw(108, None));
        assert_eq!(report.inode, None);
        assert!(report.is_shutdown());
        // An inode number of 0 is still an inode when the report says so.
        let report = ErrorReport::from_raw(&raw(5, Some((0, 0))));
        assert_eq!(report.inode.map(|i| i.ino), Some(0));
    }

    #[test]
    fn a_negative_errno_is_taken_by_its_magnitude() {
        let report = ErrorReport::from_raw(&raw(-117, None));
        assert_eq!(report.errno, 117);
        assert_eq!(report.class(), ErrorClass::Corruption);
    }
}

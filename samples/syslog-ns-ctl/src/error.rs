// SPDX-License-Identifier: GPL-2.0

//! Failed system calls: which operation failed, the errno's message, name
//! and number, and the likely reason for the errnos the module documents.

use crate::uapi;
use nix::errno::Errno;
use std::ffi::CStr;
use std::fmt;
use std::io;

/// What a failed system call was for: it picks the hint for the errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Open,
    Seek,
    Read,
    Write,
    /// An ioctl, by request number.
    Ioctl(u32),
    /// Writing our output.
    Stdout,
}

/// A failed system call, shown as `what: strerror (ENAME, errno N): hint`,
/// so that scripts can match the errno and people read the likely reason.
#[derive(Debug)]
pub struct SysError {
    what: String,
    op: Op,
    /// An errno, from nix or std, or (for a short write, an error while
    /// serializing) none.
    err: io::Error,
}

impl SysError {
    pub fn new(what: impl Into<String>, op: Op, err: impl Into<io::Error>) -> Self {
        Self {
            what: what.into(),
            op,
            err: err.into(),
        }
    }

    /// The errno the call failed with, if it did.
    pub fn errno(&self) -> Option<Errno> {
        self.err.raw_os_error().map(Errno::from_raw)
    }

    /// Our reader went away (`syslog-ns-ctl | head`): not worth a message,
    /// as `dmesg` would die of `SIGPIPE` quietly.
    pub fn is_stdout_closed(&self) -> bool {
        self.op == Op::Stdout && self.errno() == Some(Errno::EPIPE)
    }
}

impl fmt::Display for SysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(code) = self.err.raw_os_error() else {
            return write!(f, "{}: {}", self.what, self.err);
        };
        write!(f, "{}: {} (", self.what, strerror(code))?;
        let errno = Errno::from_raw(code);
        // The name is the constant's, which nix's Debug spells.
        if errno != Errno::UnknownErrno {
            write!(f, "{errno:?}, ")?;
        }
        write!(f, "errno {code})")?;
        if let Some(hint) = hint(self.op, errno) {
            write!(f, ": {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SysError {}

/// The C library's message for `errno`, as the shell and `dmesg` print it.
/// nix has no strerror(), and its `Errno::desc()` words some errnos its own
/// way ("Not a typewriter" for ENOTTY).
fn strerror(errno: i32) -> String {
    let mut buf = [0 as nix::libc::c_char; 128];
    // SAFETY: `buf` is valid for writes of its length. The libc crate binds
    // the XSI strerror_r(), which returns 0 once it has written a
    // NUL-terminated message into `buf`.
    if unsafe { nix::libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) } != 0 {
        return format!("Unknown error {errno}");
    }
    // SAFETY: strerror_r() succeeded, so `buf` holds a NUL-terminated string.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

/// The likely reason for the errnos that the module documents.
fn hint(op: Op, errno: Errno) -> Option<&'static str> {
    use uapi::{SYSLOG_NS_IOC_CONSOLE_LEVEL as CONSOLE_LEVEL, SYSLOG_NS_IOC_CREATE as CREATE};
    Some(match (op, errno) {
        (Op::Open, Errno::ENOENT | Errno::ENXIO | Errno::ENODEV) => {
            "no such device: is the syslog_ns module loaded?"
        }
        (Op::Ioctl(CREATE), Errno::EPERM) => "needs CAP_SYSLOG in the caller's own user namespace",
        (Op::Ioctl(CREATE), Errno::EEXIST) => {
            "this user namespace already has a log (the host's is the kernel's)"
        }
        (Op::Ioctl(CREATE), Errno::EINVAL) => {
            "the size must be 0 (the default) or 4096..16777216 bytes, and flags 0"
        }
        (Op::Ioctl(CREATE), Errno::EDQUOT) => {
            "the owner of this user namespace has max_per_owner logs already"
        }
        (Op::Ioctl(CREATE), Errno::ENOSPC) => "the module holds as many logs as it can",
        (_, Errno::EPERM) => "needs CAP_SYSLOG in the log's user namespace",
        (Op::Ioctl(CONSOLE_LEVEL), Errno::EINVAL) => "the console level must be 1..8",
        (Op::Ioctl(_), Errno::ENOTTY) => {
            "not a syslog_ns log: a task without one gets the host's log, which takes no \
             ioctl but SYSLOG_NS_IOC_CREATE (see --create)"
        }
        (Op::Write, Errno::EINVAL) => {
            "the text must be one line of printable characters, and not empty"
        }
        (Op::Write, Errno::EMSGSIZE) => "the text is longer than SYSLOG_NS_TEXT_MAX bytes",
        (Op::Write, Errno::EAGAIN) => "the log's oldest record is still being written: try again",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_errno_and_the_reason() {
        let err = SysError::new(
            "SYSLOG_NS_IOC_CLEAR on /dev/kmsg_ns",
            Op::Ioctl(uapi::SYSLOG_NS_IOC_CLEAR),
            Errno::EPERM,
        );
        assert_eq!(
            err.to_string(),
            "SYSLOG_NS_IOC_CLEAR on /dev/kmsg_ns: Operation not permitted (EPERM, errno 1): \
             needs CAP_SYSLOG in the log's user namespace"
        );
        let err = SysError::new(
            "SYSLOG_NS_IOC_CREATE on /dev/kmsg_ns",
            Op::Ioctl(uapi::SYSLOG_NS_IOC_CREATE),
            Errno::EEXIST,
        );
        assert!(err
            .to_string()
            .contains("(EEXIST, errno 17): this user namespace already has a log"));
        let err = SysError::new("reading x", Op::Read, Errno::EIO);
        assert_eq!(
            err.to_string(),
            "reading x: Input/output error (EIO, errno 5)"
        );
        let err = SysError::new("ioctl on x", Op::Ioctl(0), Errno::ENOTTY);
        assert!(err
            .to_string()
            .starts_with("ioctl on x: Inappropriate ioctl for device (ENOTTY, errno 25): "));
        let err = SysError::new("reading x", Op::Read, io::Error::from_raw_os_error(4000));
        assert_eq!(
            err.to_string(),
            "reading x: Unknown error 4000 (errno 4000)"
        );
        let err = SysError::new("writing to x", Op::Write, io::ErrorKind::WriteZero);
        assert_eq!(err.to_string(), "writing to x: write zero");
        assert!(SysError::new("w", Op::Stdout, Errno::EPIPE).is_stdout_closed());
        assert!(!SysError::new("r", Op::Read, Errno::EPIPE).is_stdout_closed());
    }
}

// SPDX-License-Identifier: GPL-2.0

//! The log's device, `/dev/kmsg_ns`: opening it, reading and writing
//! records, moving the read cursor, and the module's ioctls.

use crate::error::{Op, SysError};
use crate::record::Record;
use crate::{ioctl, uapi};
use anyhow::{bail, Context, Result};
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::stat;
use nix::unistd::{lseek, read, write, Whence};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

/// One `read()` returns one record of at most `SYSLOG_NS_RECORD_MAX` bytes;
/// a smaller buffer fails with `EINVAL`. `dmesg` reads /dev/kmsg into as many.
pub const RECORD_BUF: usize = uapi::SYSLOG_NS_RECORD_MAX as usize + 1;

/// How to open the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For reads that wait for new records, and SYSLOG_NS_IOC_READ_CLEAR.
    /// Opening a log for reading takes CAP_SYSLOG over it.
    Read,
    /// For reads that stop at the newest record with `EAGAIN`.
    ReadNonblock,
    /// For writes: only a log's root (or the host's, for `/dev/kmsg`) may.
    Write,
    /// For the ioctls that read no record: access mode 3, neither read nor
    /// write (as fdformat opens a floppy), which any task may open, so the
    /// ioctl itself decides who may do what and its errno is the one
    /// reported; a task without a log reaches SYSLOG_NS_IOC_CREATE that way
    /// whatever `kernel.dmesg_restrict` and `/dev/kmsg`'s mode say.
    Control,
}

/// What one `read()` of the device gave.
pub enum Next {
    Record(Record),
    /// `EAGAIN`: no record after the cursor.
    Empty,
    /// `EPIPE`: writers overwrote the record at the cursor, which the
    /// device moved to the oldest record.
    Overrun,
}

/// What was read, for an error message: escaped, and cut after 100 bytes.
fn quote(bytes: &[u8]) -> String {
    const MAX: usize = 100;
    let cut = if bytes.len() > MAX { "..." } else { "" };
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    format!("\"{}\"{cut}", text.escape_debug())
}

/// An open `/dev/kmsg_ns`, with its path for messages.
pub struct Device {
    fd: OwnedFd,
    pub path: PathBuf,
}

impl Device {
    pub fn open(path: &Path, mode: Mode) -> Result<Self, SysError> {
        let access = match mode {
            Mode::Read => OFlag::O_RDONLY,
            Mode::ReadNonblock => OFlag::O_RDONLY | OFlag::O_NONBLOCK,
            Mode::Write => OFlag::O_WRONLY,
            Mode::Control => OFlag::O_ACCMODE,
        };
        let fd = open(path, access | OFlag::O_CLOEXEC, stat::Mode::empty())
            .map_err(|e| SysError::new(format!("opening {}", path.display()), Op::Open, e))?;
        Ok(Self {
            fd,
            path: path.to_owned(),
        })
    }

    fn error(&self, what: &str, op: Op, err: impl Into<io::Error>) -> SysError {
        SysError::new(format!("{what} {}", self.path.display()), op, err)
    }

    fn ioctl_error(&self, name: &str, request: u32, err: Errno) -> SysError {
        self.error(&format!("{name} on"), Op::Ioctl(request), err)
    }

    /// Moves the read cursor: `SeekData` to the first record after the
    /// last clear, `SeekSet` to the oldest, `SeekEnd` past the newest.
    /// `std::io::Seek` has no `SEEK_DATA`.
    pub fn seek(&self, whence: Whence) -> Result<(), SysError> {
        lseek(&self.fd, 0, whence).map_err(|e| self.error("seeking", Op::Seek, e))?;
        Ok(())
    }

    /// Reads the record at the cursor.
    pub fn read_record(&self, buf: &mut [u8; RECORD_BUF]) -> Result<Next> {
        loop {
            return match read(&self.fd, buf) {
                Ok(0) => bail!("reading {}: unexpected end of file", self.path.display()),
                Ok(n) => Record::parse(&buf[..n]).map(Next::Record).with_context(|| {
                    format!("reading {}: {}", self.path.display(), quote(&buf[..n]))
                }),
                Err(Errno::EAGAIN) => Ok(Next::Empty),
                Err(Errno::EPIPE) => Ok(Next::Overrun),
                Err(Errno::EINTR) => continue,
                Err(e) => Err(self.error("reading", Op::Read, e).into()),
            };
        }
    }

    /// Writes `msg` with one `write()`, which is one record: a loop that
    /// writes the rest could split it into two.
    pub fn write_record(&self, msg: &[u8]) -> Result<(), SysError> {
        match write(&self.fd, msg) {
            Ok(n) if n == msg.len() => Ok(()),
            Ok(n) => Err(self.error(
                "writing to",
                Op::Write,
                io::Error::new(
                    io::ErrorKind::WriteZero,
                    format!("wrote {n} of {} bytes", msg.len()),
                ),
            )),
            Err(e) => Err(self.error("writing to", Op::Write, e)),
        }
    }

    /// SYSLOG_NS_IOC_CREATE: a log for the caller's own user namespace.
    pub fn create(&self, size: u32) -> Result<(), SysError> {
        let arg = uapi::syslog_ns_create { size, flags: 0 };
        // SAFETY: SYSLOG_NS_IOC_CREATE reads a struct syslog_ns_create, which
        // holds no pointer.
        unsafe { ioctl::create(self.fd.as_raw_fd(), &arg) }
            .map_err(|e| self.ioctl_error("SYSLOG_NS_IOC_CREATE", uapi::SYSLOG_NS_IOC_CREATE, e))?;
        Ok(())
    }

    /// SYSLOG_NS_IOC_READ_CLEAR into a buffer of `len` bytes: the records
    /// since the last clear that fit, oldest first, and how many the module
    /// says it copied. The clear point moves past the last one copied.
    pub fn read_clear(&self, len: u32) -> Result<(Vec<u8>, u32)> {
        const NAME: &str = "SYSLOG_NS_IOC_READ_CLEAR";
        let mut buf = vec![0u8; len as usize];
        let mut arg = uapi::syslog_ns_read {
            buf: buf.as_mut_ptr() as u64,
            len,
            records: 0,
        };
        // SAFETY: SYSLOG_NS_IOC_READ_CLEAR takes a struct syslog_ns_read and
        // writes at most `arg.len` bytes at `arg.buf`: that is `buf`, valid
        // for writes of `len` bytes and not otherwise used during the call.
        let copied = unsafe { ioctl::read_clear(self.fd.as_raw_fd(), &mut arg) }
            .map_err(|e| self.ioctl_error(NAME, uapi::SYSLOG_NS_IOC_READ_CLEAR, e))?;
        match usize::try_from(copied) {
            Ok(n) if n <= buf.len() => buf.truncate(n),
            _ => bail!(
                "{NAME} on {}: returned {copied} for a buffer of {len} bytes",
                self.path.display()
            ),
        }
        Ok((buf, arg.records))
    }

    /// SYSLOG_NS_IOC_CLEAR.
    pub fn clear(&self) -> Result<(), SysError> {
        // SAFETY: SYSLOG_NS_IOC_CLEAR (_IO) takes no argument.
        unsafe { ioctl::clear(self.fd.as_raw_fd()) }
            .map_err(|e| self.ioctl_error("SYSLOG_NS_IOC_CLEAR", uapi::SYSLOG_NS_IOC_CLEAR, e))?;
        Ok(())
    }

    /// SYSLOG_NS_IOC_SIZE_BUFFER: the log's buffer in bytes.
    pub fn size_buffer(&self) -> Result<u32, SysError> {
        let mut size = 0u32;
        // SAFETY: SYSLOG_NS_IOC_SIZE_BUFFER writes one __u32.
        unsafe { ioctl::size_buffer(self.fd.as_raw_fd(), &mut size) }.map_err(|e| {
            self.ioctl_error(
                "SYSLOG_NS_IOC_SIZE_BUFFER",
                uapi::SYSLOG_NS_IOC_SIZE_BUFFER,
                e,
            )
        })?;
        Ok(size)
    }

    /// SYSLOG_NS_IOC_SIZE_UNREAD: the bytes that `read()` would return from
    /// the cursor on.
    pub fn size_unread(&self) -> Result<u32, SysError> {
        let mut size = 0u32;
        // SAFETY: SYSLOG_NS_IOC_SIZE_UNREAD writes one __u32.
        unsafe { ioctl::size_unread(self.fd.as_raw_fd(), &mut size) }.map_err(|e| {
            self.ioctl_error(
                "SYSLOG_NS_IOC_SIZE_UNREAD",
                uapi::SYSLOG_NS_IOC_SIZE_UNREAD,
                e,
            )
        })?;
        Ok(size)
    }

    /// SYSLOG_NS_IOC_CONSOLE_LEVEL.
    pub fn set_console_level(&self, level: u32) -> Result<(), SysError> {
        // SAFETY: SYSLOG_NS_IOC_CONSOLE_LEVEL reads one __u32.
        unsafe { ioctl::console_level(self.fd.as_raw_fd(), &level) }.map_err(|e| {
            self.ioctl_error(
                "SYSLOG_NS_IOC_CONSOLE_LEVEL",
                uapi::SYSLOG_NS_IOC_CONSOLE_LEVEL,
                e,
            )
        })?;
        Ok(())
    }

    /// SYSLOG_NS_IOC_INFO.
    pub fn info(&self) -> Result<uapi::syslog_ns_info, SysError> {
        let mut info = uapi::syslog_ns_info {
            id: 0,
            first_seq: 0,
            next_seq: 0,
            clear_seq: 0,
            dropped: 0,
            size: 0,
            console_level: 0,
            readers: 0,
            owner: 0,
        };
        // SAFETY: SYSLOG_NS_IOC_INFO writes a struct syslog_ns_info, which
        // holds no pointer.
        unsafe { ioctl::info(self.fd.as_raw_fd(), &mut info) }
            .map_err(|e| self.ioctl_error("SYSLOG_NS_IOC_INFO", uapi::SYSLOG_NS_IOC_INFO, e))?;
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::ioctl::ioctl_num_type;
    use nix::{request_code_none, request_code_read, request_code_readwrite, request_code_write};

    #[test]
    fn the_ioctl_numbers_encode_their_arguments() {
        let magic = uapi::SYSLOG_NS_IOC_MAGIC;
        // The number within the magic's, which the direction, type and size
        // are checked around.
        let nr = |request: u32| request & 0xff;
        use uapi::*;
        for (request, expected) in [
            (
                SYSLOG_NS_IOC_CREATE,
                request_code_write!(
                    magic,
                    nr(SYSLOG_NS_IOC_CREATE),
                    size_of::<syslog_ns_create>()
                ),
            ),
            (
                SYSLOG_NS_IOC_READ_CLEAR,
                request_code_readwrite!(
                    magic,
                    nr(SYSLOG_NS_IOC_READ_CLEAR),
                    size_of::<syslog_ns_read>()
                ),
            ),
            (
                SYSLOG_NS_IOC_CLEAR,
                request_code_none!(magic, nr(SYSLOG_NS_IOC_CLEAR)),
            ),
            (
                SYSLOG_NS_IOC_SIZE_UNREAD,
                request_code_read!(magic, nr(SYSLOG_NS_IOC_SIZE_UNREAD), size_of::<u32>()),
            ),
            (
                SYSLOG_NS_IOC_SIZE_BUFFER,
                request_code_read!(magic, nr(SYSLOG_NS_IOC_SIZE_BUFFER), size_of::<u32>()),
            ),
            (
                SYSLOG_NS_IOC_CONSOLE_LEVEL,
                request_code_write!(magic, nr(SYSLOG_NS_IOC_CONSOLE_LEVEL), size_of::<u32>()),
            ),
            (
                SYSLOG_NS_IOC_INFO,
                request_code_read!(magic, nr(SYSLOG_NS_IOC_INFO), size_of::<syslog_ns_info>()),
            ),
        ] {
            assert_eq!(request as ioctl_num_type, expected, "{request:#x}");
        }
    }

    #[test]
    fn bad_records_are_quoted_short() {
        assert_eq!(quote(b"vm\n"), r#""vm\n""#);
        let quoted = quote(&[0; 3000]);
        assert_eq!(quoted.len(), 100 * 2 + 2 + 3);
        assert!(quoted.ends_with("\"..."));
    }
}

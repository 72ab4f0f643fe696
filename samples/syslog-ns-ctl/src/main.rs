// SPDX-License-Identifier: GPL-2.0

//! syslog-ns-ctl: `dmesg` for the syslog_ns module.
//!
//! syslog_ns gives each user namespace its own kernel log, read and written
//! through `/dev/kmsg_ns` in the record format of `/dev/kmsg`, and controlled
//! by ioctls. This program offers against that log what util-linux `dmesg`
//! offers against the host's (print, `-c`, `-C`, `-s`, `-n`, `-w`, `-W`, `-J`,
//! `-r`), and the module's own operations: creating a log, showing its
//! state, adding a record.
//!
//! The ioctl numbers and structures come from the module's own generated
//! uapi.rs, so the two sides cannot disagree.

#[path = "../../../rust/syslog_ns/uapi.rs"]
#[allow(clippy::all, non_upper_case_globals)]
mod uapi;

mod record;

use anyhow::{bail, Context, Result};
use clap::{ArgGroup, Parser};
use record::{LossTracker, Record};
use serde::Serialize;
use std::ffi::{c_int, CStr, CString, OsStr};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// syslog's level names, by level, as `dmesg` spells them.
const LEVEL_NAMES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
];

/// syslog's facility names, by facility, as `dmesg` spells them.
const FACILITY_NAMES: [&str; 24] = [
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "res0", "res1", "res2", "res3", "local0", "local1", "local2", "local3", "local4",
    "local5", "local6", "local7",
];

/// One `read()` returns one record of at most `SYSLOG_NS_RECORD_MAX` bytes;
/// a smaller buffer fails with `EINVAL`. `dmesg` reads /dev/kmsg into as many.
const RECORD_BUF: usize = uapi::SYSLOG_NS_RECORD_MAX as usize + 1;

const AFTER_HELP: &str = "\
Levels: emerg alert crit err warn notice info debug (0..7).
Facilities: kern user mail daemon auth syslog lpr news uucp cron authpriv ftp
  res0..res3 local0..local7 (0..23). A record written with facility kern is
  logged as user, as /dev/kmsg does.

Records print as dmesg prints them: [seconds.micro] text, characters that are
neither printable nor white space as \\xNN. With -J, one {\"dmesg\": [...]}
document as dmesg --json; with -J and -w or -W, one JSON object per line (JSON
Lines) as each record comes. With -w or -W, records overwritten before they
could be read are noted on stderr as \"(N records lost)\".

Exit status: 0 on success; 1 on error, with the errno's name and number in the
message, e.g. \"(EPERM, errno 1)\"; 2 on bad usage.";

/// Print, follow, clear and control the kernel log of this user namespace
/// (syslog_ns's /dev/kmsg_ns), as dmesg does the host's.
///
/// Without an action, print the records written since the last clear.
#[derive(Parser, Debug)]
#[command(version, about, after_help = AFTER_HELP)]
#[command(group(
    ArgGroup::new("action")
        .args(["read_clear", "clear", "console_level", "create", "info", "write"])
))]
struct Args {
    /// The log's device.
    #[arg(short, long, value_name = "PATH", default_value_os_t = default_device())]
    device: PathBuf,

    /// Print the records since the last clear, then clear (SYSLOG_NS_IOC_READ_CLEAR).
    #[arg(short = 'c', long)]
    read_clear: bool,

    /// Clear the log: later prints and -c start after the records it holds
    /// now.
    #[arg(short = 'C', long)]
    clear: bool,

    /// The buffer for each SYSLOG_NS_IOC_READ_CLEAR of -c in bytes, at least
    /// 4096 as in dmesg [default: the log's size]. -c repeats the ioctl until
    /// it has printed every record written before it started.
    #[arg(short = 's', long, value_name = "BYTES", requires = "read_clear")]
    buffer_size: Option<u32>,

    /// Set the log's console level, as dmesg -n: records below it are copied
    /// to the host's log when the module mirrors. A number 1..8, or a level
    /// name for that level plus one (err sets 4).
    #[arg(short = 'n', long, value_name = "LEVEL", value_parser = parse_console_level)]
    console_level: Option<u32>,

    /// Print the records, then wait for new ones and print them.
    #[arg(short = 'w', long, conflicts_with = "action")]
    follow: bool,

    /// Wait for new records and print only those.
    #[arg(short = 'W', long, conflicts_with = "action")]
    follow_new: bool,

    /// Print JSON, as dmesg --json (one object per line with -w or -W).
    #[arg(short = 'J', long)]
    json: bool,

    /// Print raw lines with the priority, as dmesg -r: <6>[    1.234567] text.
    #[arg(short, long, conflicts_with = "json")]
    raw: bool,

    /// Create a log for this user namespace (needs CAP_SYSLOG in it), then
    /// print its state as --info does.
    #[arg(long)]
    create: bool,

    /// The new log's buffer in bytes, rounded up to a power of two; 0 for
    /// the module's default.
    #[arg(long, value_name = "BYTES", requires = "create", value_parser = parse_log_size)]
    size: Option<u32>,

    /// Print the log's state (SYSLOG_NS_IOC_INFO, and the bytes of the
    /// records since the last clear) as key=value lines, or JSON with -J.
    #[arg(long)]
    info: bool,

    /// Add a record with this text (one line).
    #[arg(long, value_name = "TEXT")]
    write: Option<String>,

    /// The level of --write: 0..7 or a name.
    #[arg(
        short,
        long,
        value_name = "LEVEL",
        requires = "write",
        value_parser = parse_level,
        default_value = "info"
    )]
    level: u32,

    /// The facility of --write: 0..23 or a name.
    #[arg(
        long,
        value_name = "FACILITY",
        requires = "write",
        value_parser = parse_facility,
        default_value = "user"
    )]
    facility: u32,
}

/// `SYSLOG_NS_DEVICE` of the uapi header, without its NUL.
fn default_device() -> PathBuf {
    let path = CStr::from_bytes_with_nul(uapi::SYSLOG_NS_DEVICE)
        .map_or(&uapi::SYSLOG_NS_DEVICE[..], CStr::to_bytes);
    PathBuf::from(OsStr::from_bytes(path))
}

/// A number below `names.len()`, or one of `names` in any case, as `dmesg`
/// takes levels and facilities: its index.
fn parse_named(s: &str, names: &[&str], what: &str) -> Result<u32, String> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return match s.parse::<u32>() {
            Ok(n) if (n as usize) < names.len() => Ok(n),
            _ => Err(format!("{what} {s} is not 0..{}", names.len() - 1)),
        };
    }
    names
        .iter()
        .position(|name| name.eq_ignore_ascii_case(s))
        .map(|i| i as u32)
        .ok_or_else(|| format!("unknown {what} {s:?}: one of {}", names.join(" ")))
}

fn parse_level(s: &str) -> Result<u32, String> {
    parse_named(s, &LEVEL_NAMES, "level")
}

fn parse_facility(s: &str) -> Result<u32, String> {
    parse_named(s, &FACILITY_NAMES, "facility")
}

/// `-n`, as util-linux `dmesg -n` parses it: the console shows the records
/// whose level is below the value, so a number is 1..8 and passes as it is,
/// and a name means "up to this level": its level plus one.
fn parse_console_level(s: &str) -> Result<u32, String> {
    // Numbers go to the module as they are: it is the one that checks them.
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return s.parse::<u32>().map_err(|e| format!("{e}"));
    }
    parse_level(s).map(|level| level + 1)
}

/// `--size`: any number; the module checks it against SYSLOG_NS_SIZE_MIN and
/// SYSLOG_NS_SIZE_MAX, and the EINVAL message says so.
fn parse_log_size(s: &str) -> Result<u32, String> {
    s.parse().map_err(|e| format!("{e}"))
}

/// What a failed system call was for: it picks the hint for the errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
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
struct SysError {
    what: String,
    op: Op,
    err: io::Error,
}

impl SysError {
    fn new(what: impl Into<String>, op: Op, err: io::Error) -> Self {
        Self {
            what: what.into(),
            op,
            err,
        }
    }

    /// Our reader went away (`syslog-ns-ctl | head`): not worth a message,
    /// as `dmesg` would die of `SIGPIPE` quietly.
    fn is_stdout_closed(&self) -> bool {
        self.op == Op::Stdout && self.err.raw_os_error() == Some(libc::EPIPE)
    }
}

impl fmt::Display for SysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(errno) = self.err.raw_os_error() else {
            return write!(f, "{}: {}", self.what, self.err);
        };
        write!(f, "{}: {} (", self.what, strerror(errno))?;
        if let Some(name) = errno_name(errno) {
            write!(f, "{name}, ")?;
        }
        write!(f, "errno {errno})")?;
        if let Some(hint) = hint(self.op, errno) {
            write!(f, ": {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SysError {}

/// The C library's message for `errno`.
fn strerror(errno: i32) -> String {
    let mut buf = [0 as libc::c_char; 128];
    // SAFETY: `buf` is valid for writes of its length. The libc crate binds
    // the XSI strerror_r(), which returns 0 once it has written a
    // NUL-terminated message into `buf`.
    if unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) } != 0 {
        return format!("Unknown error {errno}");
    }
    // SAFETY: strerror_r() succeeded, so `buf` holds a NUL-terminated string.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

/// The names of the errnos this program may meet, for scripts to match.
fn errno_name(errno: i32) -> Option<&'static str> {
    Some(match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::EINTR => "EINTR",
        libc::EIO => "EIO",
        libc::ENXIO => "ENXIO",
        libc::EBADF => "EBADF",
        libc::EAGAIN => "EAGAIN",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        libc::EFAULT => "EFAULT",
        libc::EBUSY => "EBUSY",
        libc::EEXIST => "EEXIST",
        libc::ENODEV => "ENODEV",
        libc::EINVAL => "EINVAL",
        libc::ENOTTY => "ENOTTY",
        libc::ENOSPC => "ENOSPC",
        libc::EPIPE => "EPIPE",
        libc::EROFS => "EROFS",
        libc::EMSGSIZE => "EMSGSIZE",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::EDQUOT => "EDQUOT",
        _ => return None,
    })
}

/// The likely reason for the errnos that the module documents.
fn hint(op: Op, errno: i32) -> Option<&'static str> {
    use uapi::{SYSLOG_NS_IOC_CONSOLE_LEVEL as CONSOLE_LEVEL, SYSLOG_NS_IOC_CREATE as CREATE};
    Some(match (op, errno) {
        (Op::Open, libc::ENOENT | libc::ENXIO | libc::ENODEV) => {
            "no such device: is the syslog_ns module loaded?"
        }
        (Op::Ioctl(CREATE), libc::EPERM) => "needs CAP_SYSLOG in the caller's own user namespace",
        (Op::Ioctl(CREATE), libc::EEXIST) => {
            "this user namespace already has a log (the host's is the kernel's)"
        }
        (Op::Ioctl(CREATE), libc::EINVAL) => {
            "the size must be 0 (the default) or 4096..16777216 bytes, and flags 0"
        }
        (Op::Ioctl(CREATE), libc::EDQUOT) => {
            "the owner of this user namespace has max_per_owner logs already"
        }
        (Op::Ioctl(CREATE), libc::ENOSPC) => "the module holds as many logs as it can",
        (_, libc::EPERM) => "needs CAP_SYSLOG in the log's user namespace",
        (Op::Ioctl(CONSOLE_LEVEL), libc::EINVAL) => "the console level must be 1..8",
        (Op::Ioctl(_), libc::ENOTTY) => {
            "not a syslog_ns log: a task without one gets the host's log, which takes no \
             ioctl but SYSLOG_NS_IOC_CREATE (see --create)"
        }
        (Op::Write, libc::EINVAL) => {
            "the text must be one line of printable characters, and not empty"
        }
        (Op::Write, libc::EMSGSIZE) => "the text is longer than SYSLOG_NS_TEXT_MAX bytes",
        (Op::Write, libc::EAGAIN) => "the log's oldest record is still being written: try again",
        _ => return None,
    })
}

/// The argument size an ioctl request number encodes (asm-generic/ioctl.h:
/// 14 bits from bit 16), which uapi.rs's numbers were generated with.
const fn ioc_size(request: u32) -> usize {
    ((request >> 16) & 0x3fff) as usize
}

/// What was read, for an error message: escaped, and cut after 100 bytes.
fn quote(bytes: &[u8]) -> String {
    const MAX: usize = 100;
    let cut = if bytes.len() > MAX { "..." } else { "" };
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    format!("\"{}\"{cut}", text.escape_debug())
}

/// How to open the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
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

/// Opens `path` with access mode 3: neither read nor write, ioctls only.
fn open_for_ioctls(path: &Path) -> io::Result<File> {
    let path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `path` is a NUL-terminated string that outlives the call.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_ACCMODE | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nothing else.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// What one `read()` of the device gave.
enum Next {
    Record(Record),
    /// `EAGAIN`: no record after the cursor.
    Empty,
    /// `EPIPE`: writers overwrote the record at the cursor, which the
    /// device moved to the oldest record.
    Overrun,
}

/// An open `/dev/kmsg_ns`, with its path for messages.
struct Device {
    file: File,
    path: PathBuf,
}

impl Device {
    fn open(path: &Path, mode: Mode) -> Result<Self, SysError> {
        let failed = |e| SysError::new(format!("opening {}", path.display()), Op::Open, e);
        let file = match mode {
            Mode::Read => OpenOptions::new().read(true).open(path),
            Mode::ReadNonblock => OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path),
            Mode::Write => OpenOptions::new().write(true).open(path),
            // `OpenOptions` has no access mode 3.
            Mode::Control => open_for_ioctls(path),
        }
        .map_err(failed)?;
        Ok(Self {
            file,
            path: path.to_owned(),
        })
    }

    fn error(&self, what: &str, op: Op, err: io::Error) -> SysError {
        SysError::new(format!("{what} {}", self.path.display()), op, err)
    }

    /// Moves the read cursor: `SEEK_DATA` to the first record after the
    /// last clear, `SEEK_SET` to the oldest, `SEEK_END` past the newest.
    /// `std::io::Seek` has no `SEEK_DATA`.
    fn seek(&self, whence: c_int) -> Result<(), SysError> {
        // SAFETY: lseek() takes no pointer; the descriptor is ours and open.
        if unsafe { libc::lseek(self.file.as_raw_fd(), 0, whence) } < 0 {
            return Err(self.error("seeking", Op::Seek, io::Error::last_os_error()));
        }
        Ok(())
    }

    /// Reads the record at the cursor.
    fn read_record(&self, buf: &mut [u8; RECORD_BUF]) -> Result<Next> {
        loop {
            return match (&self.file).read(buf) {
                Ok(0) => bail!("reading {}: unexpected end of file", self.path.display()),
                Ok(n) => Record::parse(&buf[..n]).map(Next::Record).with_context(|| {
                    format!("reading {}: {}", self.path.display(), quote(&buf[..n]))
                }),
                Err(e) => match e.raw_os_error() {
                    Some(libc::EAGAIN) => Ok(Next::Empty),
                    Some(libc::EPIPE) => Ok(Next::Overrun),
                    Some(libc::EINTR) => continue,
                    _ => Err(self.error("reading", Op::Read, e).into()),
                },
            };
        }
    }

    /// Writes `msg` with one `write()`, which is one record: `write_all()`
    /// could split it into two.
    fn write_record(&self, msg: &[u8]) -> Result<(), SysError> {
        match (&self.file).write(msg) {
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

    /// Calls ioctl `request` on `arg`, which the request reads, writes or
    /// both; returns what the ioctl returns.
    ///
    /// # Safety
    ///
    /// `request` must be one of the module's ioctls whose argument is a `T`
    /// (its size is checked, not its type), and any user pointer inside
    /// `arg` must be valid for what the ioctl does with it.
    unsafe fn ioctl<T>(&self, name: &str, request: u32, arg: &mut T) -> Result<c_int, SysError> {
        assert_eq!(ioc_size(request), size_of::<T>(), "{name}: argument size");
        // SAFETY: `arg` is valid for reads and writes of a `T`, as large as
        // the argument the request encodes; the caller vouches for the rest.
        let ret = unsafe {
            libc::ioctl(
                self.file.as_raw_fd(),
                request as libc::Ioctl,
                std::ptr::from_mut(arg),
            )
        };
        if ret < 0 {
            return Err(self.error(
                &format!("{name} on"),
                Op::Ioctl(request),
                io::Error::last_os_error(),
            ));
        }
        Ok(ret)
    }

    /// SYSLOG_NS_IOC_CREATE: a log for the caller's own user namespace.
    fn create(&self, size: u32) -> Result<(), SysError> {
        let mut arg = uapi::syslog_ns_create { size, flags: 0 };
        // SAFETY: SYSLOG_NS_IOC_CREATE reads a struct syslog_ns_create, which
        // holds no pointer.
        unsafe { self.ioctl("SYSLOG_NS_IOC_CREATE", uapi::SYSLOG_NS_IOC_CREATE, &mut arg) }?;
        Ok(())
    }

    /// SYSLOG_NS_IOC_READ_CLEAR into a buffer of `len` bytes: the records
    /// since the last clear that fit, oldest first, and how many the module
    /// says it copied. The clear point moves past the last one copied.
    fn read_clear(&self, len: u32) -> Result<(Vec<u8>, u32)> {
        let mut buf = vec![0u8; len as usize];
        let mut arg = uapi::syslog_ns_read {
            buf: buf.as_mut_ptr() as u64,
            len,
            records: 0,
        };
        const NAME: &str = "SYSLOG_NS_IOC_READ_CLEAR";
        // SAFETY: SYSLOG_NS_IOC_READ_CLEAR takes a struct syslog_ns_read and
        // writes at most `arg.len` bytes at `arg.buf`: that is `buf`, valid
        // for writes of `len` bytes and not otherwise used during the call.
        let copied = unsafe { self.ioctl(NAME, uapi::SYSLOG_NS_IOC_READ_CLEAR, &mut arg) }?;
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
    fn clear(&self) -> Result<(), SysError> {
        let (fd, request) = (self.file.as_raw_fd(), uapi::SYSLOG_NS_IOC_CLEAR);
        // SAFETY: SYSLOG_NS_IOC_CLEAR (_IO) takes no argument and ignores
        // the one passed.
        if unsafe { libc::ioctl(fd, request as libc::Ioctl, 0) } < 0 {
            return Err(self.error(
                "SYSLOG_NS_IOC_CLEAR on",
                Op::Ioctl(uapi::SYSLOG_NS_IOC_CLEAR),
                io::Error::last_os_error(),
            ));
        }
        Ok(())
    }

    /// SYSLOG_NS_IOC_SIZE_BUFFER, SYSLOG_NS_IOC_SIZE_UNREAD: a u32 out.
    fn get_u32(&self, name: &str, request: u32) -> Result<u32, SysError> {
        let mut value = 0u32;
        // SAFETY: both requests write one __u32, which holds no pointer.
        unsafe { self.ioctl(name, request, &mut value) }?;
        Ok(value)
    }

    /// SYSLOG_NS_IOC_CONSOLE_LEVEL.
    fn set_console_level(&self, mut level: u32) -> Result<(), SysError> {
        // SAFETY: SYSLOG_NS_IOC_CONSOLE_LEVEL reads one __u32.
        unsafe {
            self.ioctl(
                "SYSLOG_NS_IOC_CONSOLE_LEVEL",
                uapi::SYSLOG_NS_IOC_CONSOLE_LEVEL,
                &mut level,
            )
        }?;
        Ok(())
    }

    /// SYSLOG_NS_IOC_INFO.
    fn info(&self) -> Result<uapi::syslog_ns_info, SysError> {
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
        unsafe { self.ioctl("SYSLOG_NS_IOC_INFO", uapi::SYSLOG_NS_IOC_INFO, &mut info) }?;
        Ok(info)
    }
}

/// What `--info` prints: SYSLOG_NS_IOC_INFO's fields, in the header's
/// order, and the size of the records after the last clear.
#[derive(Debug, Serialize)]
struct Info {
    id: u64,
    first_seq: u64,
    next_seq: u64,
    clear_seq: u64,
    dropped: u64,
    size: u32,
    console_level: u32,
    readers: u32,
    owner: u32,
    /// SYSLOG_NS_IOC_SIZE_UNREAD at `SEEK_DATA`: the bytes `read()` would
    /// return from the last clear on, which a -c buffer needs to take them
    /// in one call. Left out for a caller who may not read the log (EPERM).
    #[serde(skip_serializing_if = "Option::is_none")]
    unread: Option<u32>,
}

impl Info {
    /// The key=value lines of the text output, keyed as the JSON is.
    fn fields(&self) -> Vec<(&'static str, u64)> {
        let mut fields = vec![
            ("id", self.id),
            ("first_seq", self.first_seq),
            ("next_seq", self.next_seq),
            ("clear_seq", self.clear_seq),
            ("dropped", self.dropped),
            ("size", self.size.into()),
            ("console_level", self.console_level.into()),
            ("readers", self.readers.into()),
            ("owner", self.owner.into()),
        ];
        fields.extend(self.unread.map(|unread| ("unread", unread.into())));
        fields
    }
}

/// How records are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Raw,
    /// One document at the end.
    Json,
    /// One object per record, as it comes.
    JsonLines,
}

/// Writes records to stdout in the format the options chose.
struct Printer {
    out: BufWriter<io::StdoutLock<'static>>,
    format: Format,
    /// The records held back for [`Format::Json`]'s one document.
    held: Vec<Record>,
}

fn stdout_error(err: io::Error) -> SysError {
    SysError::new("writing to stdout", Op::Stdout, err)
}

impl Printer {
    fn new(args: &Args, follow: bool) -> Self {
        let format = match (args.json, args.raw, follow) {
            (true, _, false) => Format::Json,
            (true, _, true) => Format::JsonLines,
            (false, true, _) => Format::Raw,
            (false, false, _) => Format::Text,
        };
        Self {
            out: BufWriter::new(io::stdout().lock()),
            format,
            held: Vec::new(),
        }
    }

    fn print(&mut self, record: Record) -> Result<(), SysError> {
        match self.format {
            Format::Text | Format::Raw => {
                writeln!(self.out, "{}", record.to_text(self.format == Format::Raw))
            }
            Format::JsonLines => serde_json::to_writer(&mut self.out, &record.to_json())
                .map_err(io::Error::from)
                .and_then(|()| self.out.write_all(b"\n")),
            Format::Json => {
                self.held.push(record);
                Ok(())
            }
        }
        .map_err(stdout_error)
    }

    fn flush(&mut self) -> Result<(), SysError> {
        self.out.flush().map_err(stdout_error)
    }

    fn finish(mut self) -> Result<(), SysError> {
        if self.format == Format::Json {
            record::write_json_log(&mut self.out, &self.held)
                .map_err(io::Error::from)
                .and_then(|()| self.out.write_all(b"\n"))
                .map_err(stdout_error)?;
        }
        self.flush()
    }
}

/// Prints the records since the last clear, as `dmesg` does; with `-w`,
/// then waits for new ones; with `-W`, prints only new ones.
fn print_log(args: &Args) -> Result<()> {
    let follow = args.follow || args.follow_new;
    let mode = if follow {
        Mode::Read
    } else {
        Mode::ReadNonblock
    };
    let dev = Device::open(&args.device, mode)?;
    dev.seek(if args.follow_new {
        libc::SEEK_END
    } else {
        libc::SEEK_DATA
    })?;
    let mut printer = Printer::new(args, follow);
    let mut losses = LossTracker::default();
    let mut buf = [0u8; RECORD_BUF];
    loop {
        match dev.read_record(&mut buf)? {
            Next::Record(record) => {
                let lost = losses.observe(record.seq);
                if let Some(note) = lost.note().filter(|_| follow) {
                    // Flush first, so that on a terminal the note comes
                    // between the records it is about.
                    printer.flush()?;
                    let _ = writeln!(io::stderr(), "{note}");
                }
                printer.print(record)?;
                if follow {
                    printer.flush()?;
                }
            }
            // The cursor is on the oldest record now: go on from there.
            Next::Overrun => losses.overrun(),
            Next::Empty => break,
        }
    }
    printer.finish()?;
    Ok(())
}

/// `-c`: prints the records since the last clear and clears, with
/// SYSLOG_NS_IOC_READ_CLEAR, so that no record comes between the two.
fn read_clear(args: &Args) -> Result<()> {
    let dev = Device::open(&args.device, Mode::Read)?;
    let len = match args.buffer_size {
        Some(len) => len,
        None => dev.get_u32("SYSLOG_NS_IOC_SIZE_BUFFER", uapi::SYSLOG_NS_IOC_SIZE_BUFFER)?,
    }
    .max(uapi::SYSLOG_NS_SIZE_MIN);
    // Records written from now on are for the next -c: a busy log would
    // keep the loop below going.
    let end = dev.info()?.next_seq;
    let mut printer = Printer::new(args, false);
    let result = drain(&dev, len, end, &mut printer);
    // What was copied is cleared: print it, whatever came after.
    printer.finish()?;
    result
}

/// Prints records with SYSLOG_NS_IOC_READ_CLEAR into `len` bytes until the
/// one before `end`. The module copies the records that fit and clears
/// only those, so formatted records that take more room than the log's
/// buffer (short ones do) need more than one call. Each call makes
/// progress: a record takes at most SYSLOG_NS_RECORD_MAX bytes, less than
/// the smallest `len`.
fn drain(dev: &Device, len: u32, end: u64, printer: &mut Printer) -> Result<()> {
    let what = || format!("SYSLOG_NS_IOC_READ_CLEAR on {}", dev.path.display());
    loop {
        let (buf, copied) = dev.read_clear(len)?;
        let records = record::parse_records(&buf).with_context(what)?;
        let parsed = records.len();
        let next = records.last().map(|r| r.seq.saturating_add(1));
        for record in records {
            printer.print(record)?;
        }
        if parsed != copied as usize {
            bail!("{}: says {copied} records, returned {parsed}", what());
        }
        match next {
            Some(next) if next < end => continue,
            _ => return Ok(()),
        }
    }
}

/// `--info`.
fn print_info(args: &Args) -> Result<()> {
    let dev = Device::open(&args.device, Mode::Control)?;
    let i = dev.info()?;
    dev.seek(libc::SEEK_DATA)?;
    let unread = match dev.get_u32("SYSLOG_NS_IOC_SIZE_UNREAD", uapi::SYSLOG_NS_IOC_SIZE_UNREAD) {
        Ok(unread) => Some(unread),
        Err(e) if e.err.raw_os_error() == Some(libc::EPERM) => None,
        Err(e) => return Err(e.into()),
    };
    let info = Info {
        id: i.id,
        first_seq: i.first_seq,
        next_seq: i.next_seq,
        clear_seq: i.clear_seq,
        dropped: i.dropped,
        size: i.size,
        console_level: i.console_level,
        readers: i.readers,
        owner: i.owner,
        unread,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"   ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        info.serialize(&mut ser)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
            .map_err(stdout_error)?;
    } else {
        for (key, value) in info.fields() {
            writeln!(out, "{key}={value}").map_err(stdout_error)?;
        }
    }
    out.flush().map_err(stdout_error)?;
    Ok(())
}

fn run(args: &Args) -> Result<()> {
    if args.read_clear {
        return read_clear(args);
    }
    if args.clear {
        Device::open(&args.device, Mode::Control)?.clear()?;
    } else if let Some(level) = args.console_level {
        Device::open(&args.device, Mode::Control)?.set_console_level(level)?;
    } else if args.create {
        Device::open(&args.device, Mode::Control)?.create(args.size.unwrap_or(0))?;
        // A descriptor stays on the log its opener had at open(), which was
        // not the new one: show the new one through a new descriptor.
        print_info(args)?;
    } else if args.info {
        print_info(args)?;
    } else if let Some(text) = &args.write {
        let prio = (args.facility << 3) | args.level;
        Device::open(&args.device, Mode::Write)?
            .write_record(format!("<{prio}>{text}").as_bytes())?;
    } else {
        print_log(args)?;
    }
    Ok(())
}

fn is_stdout_closed(err: &anyhow::Error) -> bool {
    err.downcast_ref::<SysError>()
        .is_some_and(SysError::is_stdout_closed)
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_stdout_closed(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "syslog-ns-ctl: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(argv: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("syslog-ns-ctl").chain(argv.iter().copied()))
    }

    #[test]
    fn the_cli_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn the_ioctl_numbers_encode_the_structures_sizes() {
        for (request, size) in [
            (
                uapi::SYSLOG_NS_IOC_CREATE,
                size_of::<uapi::syslog_ns_create>(),
            ),
            (
                uapi::SYSLOG_NS_IOC_READ_CLEAR,
                size_of::<uapi::syslog_ns_read>(),
            ),
            (uapi::SYSLOG_NS_IOC_CLEAR, 0),
            (uapi::SYSLOG_NS_IOC_SIZE_UNREAD, size_of::<u32>()),
            (uapi::SYSLOG_NS_IOC_SIZE_BUFFER, size_of::<u32>()),
            (uapi::SYSLOG_NS_IOC_CONSOLE_LEVEL, size_of::<u32>()),
            (uapi::SYSLOG_NS_IOC_INFO, size_of::<uapi::syslog_ns_info>()),
        ] {
            assert_eq!(ioc_size(request), size, "{request:#x}");
        }
    }

    #[test]
    fn the_default_device_is_the_headers() {
        let device = parse(&[]).unwrap().device;
        use std::os::unix::ffi::OsStringExt;
        let mut with_nul = device.into_os_string().into_vec();
        with_nul.push(0);
        assert_eq!(with_nul, uapi::SYSLOG_NS_DEVICE);
    }

    #[test]
    fn console_levels_are_parsed_as_dmesg_n_does() {
        for (arg, level) in [
            ("1", 1),
            ("8", 8),
            ("emerg", 1),
            ("err", 4),
            ("ERR", 4),
            ("debug", 8),
        ] {
            assert_eq!(parse_console_level(arg), Ok(level), "{arg}");
        }
        // Out-of-range numbers are the module's to refuse (EINVAL).
        assert_eq!(parse_console_level("9"), Ok(9));
        for arg in ["-1", "4x", "", "error", "emergency"] {
            assert!(parse_console_level(arg).is_err(), "{arg}");
        }
        assert_eq!(parse(&["-n", "warn"]).unwrap().console_level, Some(5));
    }

    #[test]
    fn writes_take_a_level_and_a_facility() {
        let args = parse(&["--write", "hello"]).unwrap();
        assert_eq!((args.level, args.facility), (6, 1));
        let args = parse(&["--write", "x", "-l", "err", "--facility", "local7"]).unwrap();
        assert_eq!((args.level, args.facility), (3, 23));
        let args = parse(&["--write", "x", "-l", "7", "--facility", "0"]).unwrap();
        assert_eq!((args.level, args.facility), (7, 0));
        assert!(parse(&["--write", "x", "-l", "8"]).is_err());
        assert!(parse(&["--write", "x", "--facility", "24"]).is_err());
        assert!(parse(&["-l", "3"]).is_err(), "-l without --write");
    }

    #[test]
    fn actions_exclude_each_other_and_following() {
        for argv in [
            &["-c", "-C"][..],
            &["-C", "-n", "3"],
            &["--info", "--create"],
            &["--write", "x", "--info"],
            &["-w", "-c"],
            &["-W", "--info"],
            &["-J", "-r"],
            &["-s", "65536"],
            &["--size", "65536"],
            &["extra"],
        ] {
            assert!(parse(argv).is_err(), "{argv:?}");
        }
        for argv in [
            &[][..],
            &["-c", "-s", "65536"],
            &["-c", "-J"],
            &["-w", "-J"],
            &["-W", "-r"],
            &["--create", "--size", "0"],
            &["--create", "--size", "65536"],
            &["--info", "-J"],
            &["-d", "/dev/kmsg", "-w"],
        ] {
            assert!(parse(argv).is_ok(), "{argv:?}");
        }
    }

    #[test]
    fn errors_name_the_errno_and_the_reason() {
        let err = SysError::new(
            "SYSLOG_NS_IOC_CLEAR on /dev/kmsg_ns",
            Op::Ioctl(uapi::SYSLOG_NS_IOC_CLEAR),
            io::Error::from_raw_os_error(libc::EPERM),
        );
        assert_eq!(
            err.to_string(),
            "SYSLOG_NS_IOC_CLEAR on /dev/kmsg_ns: Operation not permitted (EPERM, errno 1): \
             needs CAP_SYSLOG in the log's user namespace"
        );
        let err = SysError::new(
            "SYSLOG_NS_IOC_CREATE on /dev/kmsg_ns",
            Op::Ioctl(uapi::SYSLOG_NS_IOC_CREATE),
            io::Error::from_raw_os_error(libc::EEXIST),
        );
        assert!(err
            .to_string()
            .contains("(EEXIST, errno 17): this user namespace already has a log"));
        let err = SysError::new(
            "reading x",
            Op::Read,
            io::Error::from_raw_os_error(libc::EIO),
        );
        assert_eq!(
            err.to_string(),
            "reading x: Input/output error (EIO, errno 5)"
        );
        assert!(
            SysError::new("w", Op::Stdout, io::Error::from_raw_os_error(libc::EPIPE))
                .is_stdout_closed()
        );
        assert!(
            !SysError::new("r", Op::Read, io::Error::from_raw_os_error(libc::EPIPE))
                .is_stdout_closed()
        );
    }

    #[test]
    fn bad_records_are_quoted_short() {
        assert_eq!(quote(b"vm\n"), r#""vm\n""#);
        let quoted = quote(&[0; 3000]);
        assert_eq!(quoted.len(), 100 * 2 + 2 + 3);
        assert!(quoted.ends_with("\"..."));
    }

    #[test]
    fn info_prints_the_same_keys_as_text_and_json() {
        let info = Info {
            id: 1,
            first_seq: 2,
            next_seq: 3,
            clear_seq: 4,
            dropped: 5,
            size: 6,
            console_level: 7,
            readers: 8,
            owner: 9,
            unread: Some(10),
        };
        let json = serde_json::to_value(&info).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object.len(), info.fields().len());
        for (key, value) in info.fields() {
            assert_eq!(object[key], value, "{key}");
        }
    }
}

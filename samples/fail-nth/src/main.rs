// SPDX-License-Identifier: GPL-2.0

//! fail-nth: systematic fault injection into one call of a module's entry
//! point.
//!
//! On a kernel with `CONFIG_FAULT_INJECTION`, writing N to
//! `/proc/thread-self/fail-nth` makes the Nth fault-injection point the
//! thread reaches fail (failslab's and fail_page_alloc's, once debugfs lets
//! them fail sleeping allocations: see Documentation/fault-injection/ in the
//! kernel tree). This program runs one call (an `insmod`, an open and a write
//! or a read of a file, a `mkdir`, an ioctl of syslog_ns, a dump of fs_events)
//! with N = 1, 2, 3, ... until the call completes without reaching its Nth
//! point, so that every allocation the call makes fails once. Everything the
//! call needs is prepared before N is written, so that the points counted are
//! the call's own.
//!
//! After each call that failed `--check` runs (a shell command that fails if
//! the state is not what it was before the call); after each call that
//! succeeded, the failure tolerated or none injected, `--undo` runs (to undo
//! the call, or to take its result as the state the next check expects).
//! The last line is a summary for the test scripts:
//!
//! ```text
//! fail-nth: points=23 injected=23 failed=22 tolerated=1 errnos=ENOMEM:22
//! ```
//!
//! `failed` calls returned an errno (each must be one of `--errno`, ENOMEM by
//! default); `tolerated` ones succeeded although an allocation failed (a
//! fallback, a retry, a best-effort extra).

#[path = "../../../rust/fs_events/uapi.rs"]
#[allow(clippy::all, non_upper_case_globals)]
mod fs_events_uapi;
#[path = "../../../rust/syslog_ns/uapi.rs"]
#[allow(clippy::all)]
mod syslog_ns_uapi;
/// For `ioctls`, which names it so.
use syslog_ns_uapi as uapi;

use anyhow::{bail, ensure, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use neli::{
    consts::{
        nl::{NlmF, Nlmsg},
        socket::NlFamily,
    },
    err::{RouterError, SocketError},
    genl::{Genlmsghdr, GenlmsghdrBuilder},
    nl::{NlPayload, Nlmsghdr, NlmsghdrBuilder},
    router::synchronous::NlRouter,
    socket::synchronous::NlSocketHandle,
    types::GenlBuffer,
    utils::Groups,
};
use nix::{
    errno::Errno,
    fcntl::{open, OFlag},
    kmod::{finit_module, ModuleInitFlags},
    sched::{unshare, CloneFlags},
    sys::{
        stat::Mode,
        wait::{waitpid, WaitStatus},
    },
    unistd::{fork, getgid, getuid, mkdir, pipe, read, write, ForkResult},
};
use std::{
    collections::BTreeMap,
    ffi::CString,
    fs::File,
    io::{Read, Write},
    net::UdpSocket,
    os::fd::{AsFd, OwnedFd},
    path::PathBuf,
    process::Command,
};

#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Shell command run after each call that failed; it must succeed (the
    /// state is as it was before the call).
    #[arg(long)]
    check: Option<String>,
    /// Shell command run after each call that succeeded, to undo it or to
    /// record its result as the state --check expects.
    #[arg(long)]
    undo: Option<String>,
    /// An errno a failed call may return (repeatable) [default: ENOMEM].
    #[arg(long = "errno", value_parser = parse_errno)]
    errnos: Vec<Errno>,
    /// Give up past this many points.
    #[arg(long, default_value_t = 2000)]
    max: u32,
    /// Only the last K points (a short run: a module's own init comes last
    /// in an insmod). The call first runs once without a failure to count
    /// its points.
    #[arg(long, value_name = "K")]
    last: Option<u32>,
    /// One line per point, not only the summary.
    #[arg(short, long)]
    verbose: bool,
    /// Run each attempt in a child process in a new user namespace of its
    /// own (its root is the caller), so that a call that makes state per
    /// user namespace (a syslog_ns log) starts from none each time.
    #[arg(long)]
    fresh_userns: bool,
    #[command(subcommand)]
    call: CallArgs,
}

#[derive(Subcommand)]
enum CallArgs {
    /// finit_module() of FILE with PARAMS.
    Insmod { file: PathBuf, params: Vec<String> },
    /// open() FILE for writing and write() DATA in one call.
    Write { file: PathBuf, data: String },
    /// open() FILE for reading and read() until the end (or EAGAIN with
    /// --nonblock).
    Read {
        file: PathBuf,
        #[arg(long)]
        nonblock: bool,
    },
    /// mkdir() DIR.
    Mkdir { dir: PathBuf },
    /// open() a syslog_ns device and call one of its ioctls.
    SyslogNs {
        device: PathBuf,
        request: SyslogNsRequest,
        /// The size for create, the level for console-level.
        #[arg(long, default_value_t = 0)]
        value: u32,
        /// How to open the device.
        #[arg(long, value_enum, default_value_t = Access::Read)]
        access: Access,
    },
    /// syslog(2) (klogctl) with ACTION and, for the reads, a buffer of LEN
    /// bytes (the level for console-level).
    Syslog {
        action: i32,
        #[arg(long, default_value_t = 0)]
        len: i32,
    },
    /// The fs_events get-state dump, on a fresh generic netlink socket.
    FsEventsDump,
    /// send() DATA in one UDP datagram to ADDRESS (host:port) from a socket
    /// connected to it beforehand.
    UdpSend { address: String, data: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum SyslogNsRequest {
    Create,
    ReadClear,
    Clear,
    SizeUnread,
    SizeBuffer,
    ConsoleLevel,
    Info,
}

#[derive(Clone, Copy, ValueEnum)]
enum Access {
    Read,
    Write,
    /// Access mode 3: neither read nor write, ioctls only.
    Ioctl,
}

fn parse_errno(name: &str) -> Result<Errno, String> {
    (1..4096)
        .map(Errno::from_raw)
        .find(|e| format!("{e:?}") == name)
        .ok_or_else(|| format!("no errno named {name}"))
}

/// This thread's `/proc/thread-self/fail-nth`, opened twice before it is
/// armed: opening it afterwards would itself reach injection points, and the
/// file cannot seek, so one open file reads it once.
struct FailNth {
    writer: File,
    reader: File,
}

impl FailNth {
    fn open() -> Result<Self> {
        const PATH: &str = "/proc/thread-self/fail-nth";
        let context = || format!("{PATH} (is CONFIG_FAULT_INJECTION set?)");
        Ok(FailNth {
            writer: File::options()
                .write(true)
                .open(PATH)
                .with_context(context)?,
            reader: File::open(PATH).with_context(context)?,
        })
    }

    /// Makes the `n`th fault-injection point from now fail; 0 disarms.
    fn arm(&mut self, n: u32) -> Result<()> {
        self.writer
            .write_all(n.to_string().as_bytes())
            .context("writing fail-nth")
    }

    /// Points that were left before the armed one: 0 once it has failed.
    /// Once only.
    fn remaining(&mut self) -> Result<u32> {
        let mut text = String::new();
        self.reader.read_to_string(&mut text)?;
        Ok(text.trim().parse()?)
    }
}

/// One call, prepared outside the armed region and run inside it.
trait Call {
    /// Everything the call needs that is not the call itself.
    fn prepare(&mut self) -> Result<()> {
        Ok(())
    }
    fn run(&mut self) -> Result<(), Errno>;
}

fn path_cstring(path: &std::path::Path) -> Result<CString> {
    Ok(CString::new(path.as_os_str().as_encoded_bytes())?)
}

struct Insmod {
    file: File,
    params: CString,
}

impl Call for Insmod {
    fn run(&mut self) -> Result<(), Errno> {
        finit_module(self.file.as_fd(), &self.params, ModuleInitFlags::empty())
    }
}

struct WriteFile {
    path: CString,
    data: Vec<u8>,
}

impl Call for WriteFile {
    fn run(&mut self) -> Result<(), Errno> {
        let fd = open(self.path.as_c_str(), OFlag::O_WRONLY, Mode::empty())?;
        let written = write(&fd, &self.data)?;
        if written != self.data.len() {
            return Err(Errno::EIO);
        }
        Ok(())
    }
}

struct ReadFile {
    path: CString,
    flags: OFlag,
    buffer: Vec<u8>,
}

impl Call for ReadFile {
    fn run(&mut self) -> Result<(), Errno> {
        let fd = open(self.path.as_c_str(), self.flags, Mode::empty())?;
        loop {
            match read(&fd, &mut self.buffer) {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(Errno::EAGAIN) if self.flags.contains(OFlag::O_NONBLOCK) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
}

struct Syslog {
    action: i32,
    len: i32,
    buffer: Vec<u8>,
}

impl Call for Syslog {
    fn run(&mut self) -> Result<(), Errno> {
        // SAFETY: `buffer` holds `len` bytes (at least one), the most the
        // kernel writes.
        let ret = unsafe { libc::klogctl(self.action, self.buffer.as_mut_ptr().cast(), self.len) };
        Errno::result(ret).map(drop)
    }
}

struct MakeDir(CString);

impl Call for MakeDir {
    fn run(&mut self) -> Result<(), Errno> {
        mkdir(self.0.as_c_str(), Mode::from_bits_truncate(0o755))
    }
}

/// syslog_ns's ioctls, as syslog-ns-ctl declares them.
#[path = "../../syslog-ns-ctl/src/ioctl.rs"]
mod ioctls;

/// What READ_CLEAR may copy: a default-sized log's worth.
const READ_CLEAR_BYTES: usize = 64 << 10;

struct SyslogNs {
    device: CString,
    flags: OFlag,
    request: SyslogNsRequest,
    value: u32,
    /// READ_CLEAR's destination.
    records: Vec<u8>,
}

impl SyslogNs {
    fn ioctl(&mut self, fd: &OwnedFd) -> Result<(), Errno> {
        use std::os::fd::AsRawFd;
        let fd = fd.as_raw_fd();
        let mut out = 0u32;
        // SAFETY: each request gets the argument type the uapi header gives
        // it, valid for the duration of the call.
        unsafe {
            match self.request {
                SyslogNsRequest::Create => {
                    let arg = syslog_ns_uapi::syslog_ns_create {
                        size: self.value,
                        flags: 0,
                    };
                    ioctls::create(fd, &arg)
                }
                SyslogNsRequest::ReadClear => {
                    let mut arg = syslog_ns_uapi::syslog_ns_read {
                        buf: self.records.as_mut_ptr() as u64,
                        len: self.records.len() as u32,
                        records: 0,
                    };
                    ioctls::read_clear(fd, &mut arg)
                }
                SyslogNsRequest::Clear => ioctls::clear(fd),
                SyslogNsRequest::SizeUnread => ioctls::size_unread(fd, &mut out),
                SyslogNsRequest::SizeBuffer => ioctls::size_buffer(fd, &mut out),
                SyslogNsRequest::ConsoleLevel => ioctls::console_level(fd, &self.value),
                SyslogNsRequest::Info => {
                    let mut info = std::mem::zeroed::<syslog_ns_uapi::syslog_ns_info>();
                    ioctls::info(fd, &mut info)
                }
            }
        }
        .map(drop)
    }
}

impl Call for SyslogNs {
    fn run(&mut self) -> Result<(), Errno> {
        let fd = open(self.device.as_c_str(), self.flags, Mode::empty())?;
        self.ioctl(&fd)
    }
}

/// The errno of a failed netlink send or receive.
fn socket_errno(e: SocketError) -> Errno {
    match e {
        SocketError::Io(io) => io.raw_os_error().map_or(Errno::EIO, Errno::from_raw),
        _ => Errno::EPROTO,
    }
}

/// A get-state request of fs_events.
type DumpRequest = Nlmsghdr<u16, Genlmsghdr<u8, u16>>;

#[derive(Default)]
struct FsEventsDump {
    /// The socket, and the request, built once beforehand: the armed call is
    /// the send and the receives.
    socket: Option<(NlSocketHandle, DumpRequest)>,
}

impl FsEventsDump {
    fn family_name() -> Result<&'static str> {
        let name = fs_events_uapi::FS_EVENTS_FAMILY_NAME;
        Ok(std::str::from_utf8(&name[..name.len() - 1])?)
    }

    /// The family's id, asked of the generic netlink controller through
    /// neli's router, on a socket of its own. The dump goes through a plain
    /// socket: the router receives in a thread of its own, whose receives
    /// (which run the dump in the kernel) fail-nth, armed for this thread
    /// alone, would not count.
    fn family() -> Result<u16> {
        let (router, _) = NlRouter::connect(NlFamily::Generic, None, Groups::empty())
            .context("generic netlink socket")?;
        router
            .resolve_genl_family(Self::family_name()?)
            .map_err(|e| match e {
                // A netlink error reply, shown as its errno.
                RouterError::Nlmsgerr(reply) => Errno::from_raw(-reply.error()).into(),
                other => anyhow::Error::from(other),
            })
            .context("no fs_events family: is fs_events loaded?")
    }
}

impl Call for FsEventsDump {
    /// A fresh socket each time: a dump cut short leaves the old one's state
    /// behind. One dump on it first, so that the heap has room for the
    /// replies and the armed dump's buffers need no new memory map.
    fn prepare(&mut self) -> Result<()> {
        let socket = NlSocketHandle::connect(NlFamily::Generic, None, Groups::empty())
            .context("generic netlink socket")?;
        let request = NlmsghdrBuilder::default()
            .nl_type(Self::family()?)
            .nl_flags(NlmF::REQUEST | NlmF::DUMP)
            .nl_payload(NlPayload::Payload(
                GenlmsghdrBuilder::<u8, u16>::default()
                    .cmd(fs_events_uapi::FS_EVENTS_CMD_GET_STATE as u8)
                    .version(fs_events_uapi::FS_EVENTS_FAMILY_VERSION as u8)
                    .attrs(GenlBuffer::new())
                    .build()?,
            ))
            .build()?;
        self.socket = Some((socket, request));
        self.run()
            .context("the dump fails without fault injection")?;
        Ok(())
    }

    fn run(&mut self) -> Result<(), Errno> {
        let (socket, request) = self.socket.as_ref().ok_or(Errno::EBADF)?;
        socket.send(request).map_err(socket_errno)?;
        loop {
            let (msgs, _) = socket
                .recv::<u16, Genlmsghdr<u8, u16>>()
                .map_err(socket_errno)?;
            for msg in msgs {
                let msg = msg.map_err(socket_errno)?;
                match msg.nl_payload() {
                    NlPayload::Err(err) => return Err(Errno::from_raw(-err.error())),
                    // The end of the dump, with the errno that ended it.
                    NlPayload::DumpExtAck(done) if *done.error() != 0 => {
                        return Err(Errno::from_raw(-done.error()))
                    }
                    _ if *msg.nl_type() == u16::from(Nlmsg::Done) => return Ok(()),
                    _ => {}
                }
            }
        }
    }
}

struct UdpSend {
    address: String,
    data: Vec<u8>,
    socket: Option<UdpSocket>,
}

impl Call for UdpSend {
    fn prepare(&mut self) -> Result<()> {
        let socket = UdpSocket::bind("0.0.0.0:0").context("UDP socket")?;
        socket
            .connect(&self.address)
            .with_context(|| self.address.clone())?;
        self.socket = Some(socket);
        Ok(())
    }

    fn run(&mut self) -> Result<(), Errno> {
        let socket = self.socket.as_ref().ok_or(Errno::EBADF)?;
        match socket.send(&self.data) {
            Ok(_) => Ok(()),
            Err(e) => Err(e.raw_os_error().map_or(Errno::EIO, Errno::from_raw)),
        }
    }
}

fn build(call: CallArgs) -> Result<Box<dyn Call>> {
    Ok(match call {
        CallArgs::Insmod { file, params } => Box::new(Insmod {
            file: File::open(&file).with_context(|| format!("{}", file.display()))?,
            params: CString::new(params.join(" "))?,
        }),
        CallArgs::Write { file, data } => Box::new(WriteFile {
            path: path_cstring(&file)?,
            data: data.into_bytes(),
        }),
        CallArgs::Read { file, nonblock } => Box::new(ReadFile {
            path: path_cstring(&file)?,
            flags: if nonblock {
                OFlag::O_RDONLY | OFlag::O_NONBLOCK
            } else {
                OFlag::O_RDONLY
            },
            // Touched now, so that reading into it faults in no page.
            buffer: vec![1; 64 << 10],
        }),
        CallArgs::Mkdir { dir } => Box::new(MakeDir(path_cstring(&dir)?)),
        CallArgs::SyslogNs {
            device,
            request,
            value,
            access,
        } => Box::new(SyslogNs {
            device: path_cstring(&device)?,
            flags: match access {
                Access::Read => OFlag::O_RDONLY,
                Access::Write => OFlag::O_WRONLY,
                Access::Ioctl => OFlag::O_ACCMODE,
            } | OFlag::O_NONBLOCK,
            request,
            value,
            records: match request {
                SyslogNsRequest::ReadClear => vec![1; READ_CLEAR_BYTES],
                _ => Vec::new(),
            },
        }),
        CallArgs::Syslog { action, len } => Box::new(Syslog {
            action,
            len,
            // Touched now, so that the kernel's copy faults in no page.
            buffer: vec![1; len.max(1) as usize],
        }),
        CallArgs::FsEventsDump => Box::new(FsEventsDump::default()),
        CallArgs::UdpSend { address, data } => Box::new(UdpSend {
            address,
            data: data.into_bytes(),
            socket: None,
        }),
    })
}

/// Runs `command` with `sh -c`; an error if it fails.
fn shell(what: &str, command: &str, nth: u32) -> Result<()> {
    let status = Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .env("FAIL_NTH", nth.to_string())
        .status()
        .with_context(|| format!("running the {what} command"))?;
    ensure!(
        status.success(),
        "the {what} command failed after point {nth}: {command}"
    );
    Ok(())
}

/// What one attempt did: the call's result, and whether the armed point
/// was reached (and failed).
struct Attempt {
    result: Result<(), Errno>,
    injected: bool,
    /// Points that were left when the call returned.
    remaining: u32,
}

/// What the counting attempt of `--last` arms: more points than any call has.
const COUNTING: u32 = 1_000_000;

/// Prepares `call`, arms point `nth`, runs the call and disarms.
fn attempt(call: &mut dyn Call, nth: u32) -> Result<Attempt> {
    call.prepare()?;
    let mut fail_nth = FailNth::open()?;
    fail_nth.arm(nth)?;
    let result = call.run();
    let remaining = fail_nth.remaining()?;
    fail_nth.arm(0)?;
    Ok(Attempt {
        result,
        injected: remaining == 0,
        remaining,
    })
}

/// [`attempt`] in a child process in a new user namespace whose root is the
/// caller. The child writes what happened to a pipe, as "ERRNO REMAINING".
fn attempt_in_fresh_userns(call: &mut dyn Call, nth: u32) -> Result<Attempt> {
    let (uid, gid) = (getuid(), getgid());
    let (reader, writer) = pipe()?;
    // SAFETY: single-threaded; the child only makes system calls and exits.
    match unsafe { fork() }? {
        ForkResult::Child => {
            drop(reader);
            let report = (|| -> Result<String> {
                unshare(CloneFlags::CLONE_NEWUSER)?;
                std::fs::write("/proc/self/setgroups", "deny")?;
                std::fs::write("/proc/self/uid_map", format!("0 {uid} 1"))?;
                std::fs::write("/proc/self/gid_map", format!("0 {gid} 1"))?;
                let done = attempt(call, nth)?;
                let errno = done.result.err().map_or(0, |e| e as i32);
                Ok(format!("{errno} {}", done.remaining))
            })();
            let status = match report {
                Ok(report) => i32::from(File::from(writer).write_all(report.as_bytes()).is_err()),
                Err(e) => {
                    eprintln!("fail-nth: the child could not make its attempt: {e:#}");
                    1
                }
            };
            std::process::exit(status);
        }
        ForkResult::Parent { child } => {
            drop(writer);
            let mut report = String::new();
            File::from(reader).read_to_string(&mut report)?;
            let status = waitpid(child, None)?;
            ensure!(
                status == WaitStatus::Exited(child, 0),
                "the attempt at point {nth} failed: {status:?}"
            );
            let (errno, remaining) = report
                .split_once(' ')
                .with_context(|| format!("the child's report: {report:?}"))?;
            let remaining = remaining.parse()?;
            Ok(Attempt {
                result: match errno.parse()? {
                    0 => Ok(()),
                    errno => Err(Errno::from_raw(errno)),
                },
                injected: remaining == 0,
                remaining,
            })
        }
    }
}

#[derive(Default)]
struct Tally {
    failed: u32,
    tolerated: u32,
    errnos: BTreeMap<String, u32>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let allowed = if args.errnos.is_empty() {
        vec![Errno::ENOMEM]
    } else {
        args.errnos.clone()
    };
    let mut call = build(args.call)?;
    let run = |call: &mut dyn Call, nth| {
        if args.fresh_userns {
            attempt_in_fresh_userns(call, nth)
        } else {
            attempt(call, nth)
        }
    };
    let first = match args.last {
        None => 1,
        Some(last) => {
            let counted = run(call.as_mut(), COUNTING)?;
            ensure!(!counted.injected, "the call reached {COUNTING} points");
            if let Err(e) = counted.result {
                bail!("the call fails without an injected failure: {e:?} ({e})");
            }
            if let Some(undo) = &args.undo {
                shell("undo", undo, 0)?;
            }
            (COUNTING - counted.remaining).saturating_sub(last) + 1
        }
    };
    let mut tally = Tally::default();
    for nth in first..first.saturating_add(args.max) {
        let Attempt {
            result, injected, ..
        } = run(call.as_mut(), nth)?;
        if !injected {
            // The call completed before its `nth` point: every point failed once.
            if let Err(e) = result {
                bail!("the call fails without an injected failure: {e:?} ({e})");
            }
            if let Some(undo) = &args.undo {
                shell("undo", undo, nth)?;
            }
            let errnos: Vec<String> = tally
                .errnos
                .iter()
                .map(|(e, n)| format!("{e}:{n}"))
                .collect();
            println!(
                "fail-nth: points={} injected={} failed={} tolerated={} errnos={}",
                nth - 1,
                nth - first,
                tally.failed,
                tally.tolerated,
                if errnos.is_empty() {
                    "-".into()
                } else {
                    errnos.join(",")
                }
            );
            return Ok(());
        }
        match result {
            Ok(()) => {
                tally.tolerated += 1;
                if args.verbose {
                    println!("point {nth}: tolerated");
                }
                if let Some(undo) = &args.undo {
                    shell("undo", undo, nth)?;
                }
            }
            Err(e) => {
                ensure!(
                    allowed.contains(&e),
                    "point {nth}: the call failed with {e:?} ({e})"
                );
                tally.failed += 1;
                *tally.errnos.entry(format!("{e:?}")).or_default() += 1;
                if args.verbose {
                    println!("point {nth}: {e:?}");
                }
                if let Some(check) = &args.check {
                    shell("check", check, nth)?;
                }
            }
        }
    }
    bail!(
        "the call still reached point {}: raise --max",
        first.saturating_add(args.max)
    )
}

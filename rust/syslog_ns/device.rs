// SPDX-License-Identifier: GPL-2.0

//! `/dev/kmsg_ns`: `/dev/kmsg` for the opener's log.
//!
//! The kernel crate's `MiscDevice` has no `llseek` or `poll`, which `dmesg`
//! and `dmesg -w` need, so the file operations are written against the C
//! structure. There are two tables:
//!
//! - the namespace table, for an opener whose user namespace (or an
//!   ancestor) has a log: every operation is ours;
//! - the host table, for an opener whose nearest log is the host's, that is
//!   the kernel's own: the open is handed to `/dev/kmsg`'s own operations
//!   (as the mem driver does), and every operation but `ioctl` calls them,
//!   so the host sees exactly `/dev/kmsg`. Only `SYSLOG_NS_IOC_CREATE` is
//!   ours there: it is how a process without a log gets one.

use crate::{
    kmsg::{self, FORMATTED_MAX},
    log::{self, Log, Source, LEVEL_WARNING},
    params,
    ratelimit::{RateLimit, Verdict},
    ringbuf::{Read, WriteError, MAX_TEXT, MIN_SIZE},
    shim, uapi,
};
use core::{
    ffi::c_void,
    mem::size_of,
    ptr::{self, NonNull},
};
use kernel::{
    bindings,
    error::to_result,
    iov::{IovIterDest, IovIterSource},
    new_mutex,
    prelude::*,
    sync::{
        atomic::{Acquire, Atomic, Relaxed, Release},
        Arc, Mutex,
    },
    transmute::{AsBytes, FromBytes},
    uaccess::{UserPtr, UserSlice},
};

// SAFETY: plain integers, any bit pattern is valid, no padding.
unsafe impl FromBytes for uapi::syslog_ns_create {}
// SAFETY: as above.
unsafe impl FromBytes for uapi::syslog_ns_read {}
// SAFETY: as above.
unsafe impl AsBytes for uapi::syslog_ns_read {}
// SAFETY: as above (8-byte fields, then four 4-byte ones: no padding).
unsafe impl AsBytes for uapi::syslog_ns_info {}

// include/uapi/linux/eventpoll.h, which bindgen cannot see through the
// `__force __poll_t` casts.
const EPOLLIN: u32 = 0x1;
const EPOLLPRI: u32 = 0x2;
const EPOLLERR: u32 = 0x8;
const EPOLLRDNORM: u32 = 0x40;

/// `/dev/kmsg`'s own operations, found at load; null if there is no
/// `/dev/kmsg`, and then the host's log cannot be opened here.
static HOST_KMSG: Atomic<*const bindings::file_operations> = Atomic::new(ptr::null());

/// Our table for host openers (see the module documentation).
static HOST_TABLE: Atomic<*const bindings::file_operations> = Atomic::new(ptr::null());

/// Our table for host openers that neither read nor write: ioctls only.
static CONTROL_TABLE: Atomic<*const bindings::file_operations> = Atomic::new(ptr::null());

/// Where a reader is, with room to copy and format one record.
struct Cursor {
    seq: u64,
    text: KVec<u8>,
    out: KVec<u8>,
}

impl Cursor {
    fn new(seq: u64) -> Result<Self> {
        let mut text = KVec::new();
        text.resize(MAX_TEXT, 0, GFP_KERNEL_ACCOUNT)?;
        let mut out = KVec::new();
        out.resize(FORMATTED_MAX, 0, GFP_KERNEL_ACCOUNT)?;
        Ok(Cursor { seq, text, out })
    }

    /// Reads the record at the cursor and formats it into `out`.
    fn read(&mut self, log: &Log) -> Result<usize, Read> {
        let text: &mut [u8; MAX_TEXT] = self
            .text
            .as_mut_slice()
            .try_into()
            .map_err(|_| Read::Empty)?;
        match log.ring.read(self.seq, text) {
            Read::Record(meta, len) => {
                let out: &mut [u8; FORMATTED_MAX] = self
                    .out
                    .as_mut_slice()
                    .try_into()
                    .map_err(|_| Read::Empty)?;
                Ok(kmsg::format_record(out, self.seq, &meta, &text[..len]))
            }
            other => Err(other),
        }
    }
}

/// An open file on a namespace's log.
#[pin_data(PinnedDrop)]
struct OpenLog {
    log: Arc<Log>,
    #[pin]
    cursor: Mutex<Cursor>,
    /// How fast this opener may write, as each opener of `/dev/kmsg`.
    write_limit: RateLimit,
}

#[pinned_drop]
impl PinnedDrop for OpenLog {
    fn drop(self: Pin<&mut Self>) {
        // As /dev/kmsg says at release what its limit held back.
        report_suppressed(&self.log, self.write_limit.take_suppressed());
        self.log.readers.fetch_sub(1, Relaxed);
    }
}

/// Stores, if `count` is not 0, the record saying that `count` writes of
/// the current task were dropped by its opener's rate limit, in
/// `devkmsg_write()`'s words.
fn report_suppressed(log: &Log, count: u64) {
    if count == 0 {
        return;
    }
    let mut comm = [0u8; 16];
    // SAFETY: `comm` is valid for writes of its length.
    let comm_len = unsafe { shim::syslog_ns_current_comm(comm.as_mut_ptr(), comm.len()) };
    let comm = core::str::from_utf8(&comm[..comm_len.min(comm.len())]).unwrap_or("?");
    let mut text = [0u8; 96];
    let mut f = kernel::str::Formatter::new(&mut text);
    let _ = core::fmt::Write::write_fmt(
        &mut f,
        format_args!(
            "{}: {} output lines suppressed due to ratelimiting",
            comm, count
        ),
    );
    let len = f.bytes_written();
    let _ = log.store(LEVEL_WARNING, 0, &text[..len], Source::Module);
}

/// The `OpenLog` of a file with the namespace table.
///
/// # Safety
///
/// `file` is open with the namespace table and not yet released.
unsafe fn open_log<'a>(file: *mut bindings::file) -> &'a OpenLog {
    // SAFETY: `ns_open` stored a pinned `OpenLog` there, which
    // `ns_release` frees.
    unsafe { &*(*file).private_data.cast::<OpenLog>() }
}

fn errno(e: Error) -> isize {
    e.to_errno() as isize
}

fn nonblocking(file: *mut bindings::file) -> bool {
    // SAFETY: the caller's file is open.
    unsafe { (*file).f_flags & bindings::O_NONBLOCK != 0 }
}

fn capable_over(log: &Log) -> bool {
    // SAFETY: the log holds a reference on its user namespace.
    unsafe { bindings::ns_capable(log.user_ns(), bindings::CAP_SYSLOG as c_int) }
}

/// What a sleeping reader waits for.
struct WaitFor<'a> {
    log: &'a Log,
    seq: u64,
}

extern "C" fn ready(arg: *const c_void) -> bool {
    // SAFETY: `wait_readable` passes a `WaitFor` that outlives the wait.
    let w = unsafe { &*arg.cast::<WaitFor<'_>>() };
    w.log.ring.readable(w.seq)
}

/// Sleeps until record `seq` can be read; `ERESTARTSYS` on a signal.
fn wait_readable(log: &Log, seq: u64) -> Result {
    let w = WaitFor { log, seq };
    // SAFETY: the waiters live as long as `log`; `ready` gets `&w`, which
    // outlives the call.
    let ret = unsafe {
        shim::syslog_ns_wait(
            log.waiters.as_ptr(),
            Some(ready),
            ptr::from_ref(&w).cast::<c_void>(),
        )
    };
    if ret < 0 {
        Err(Error::from_errno(ret))
    } else {
        Ok(())
    }
}

/// What an open asks for, from its flags' access mode.
struct Access {
    read: bool,
    write: bool,
}

impl Access {
    fn of(flags: c_uint) -> Self {
        let mode = flags & bindings::O_ACCMODE;
        // O_RDONLY 0, O_WRONLY 1, O_RDWR 2, and 3: neither, ioctls only.
        Access {
            read: mode == bindings::O_RDONLY || mode == bindings::O_RDWR,
            write: mode == bindings::O_WRONLY || mode == bindings::O_RDWR,
        }
    }
}

/// Whether the current task may write to `log`; see `syslog_ns_may_write()`.
fn may_write(log: &Log) -> bool {
    // SAFETY: the log holds a reference on its user namespace.
    unsafe { shim::syslog_ns_may_write(log.user_ns()) }
}

/// The open of `/dev/kmsg_ns`.
///
/// # Safety
///
/// Called by the VFS (through `misc_open()`) with the open's inode and file.
unsafe extern "C" fn ns_open(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    let ns = log::current_user_ns();
    if params::auto_create() {
        // A log of its own for every user namespace that comes here; if
        // one cannot be made (a limit), the nearest one serves.
        let _ = log::create(ns, params::default_size());
    }
    let Some(log) = log::find_arc(ns) else {
        // SAFETY: `inode` and `file` are the open's.
        return unsafe { open_host(inode, file) };
    };
    // SAFETY: `file` is being opened.
    let access = Access::of(unsafe { (*file).f_flags });
    // Reading a log takes CAP_SYSLOG over it, as the host's does under
    // dmesg_restrict; writing takes what writing /dev/kmsg (0644 root)
    // takes, within the log's namespace. An open for neither (access mode
    // 3, for ioctls only) leaves it to each ioctl.
    if access.read && !capable_over(&log) {
        return EPERM.to_errno();
    }
    if access.write && !may_write(&log) {
        return EACCES.to_errno();
    }
    let seq = log.ring.oldest_seq();
    let cursor = match Cursor::new(seq) {
        Ok(c) => c,
        Err(e) => return e.to_errno(),
    };
    let open = match KBox::pin_init(
        pin_init!(OpenLog {
            log,
            cursor <- new_mutex!(cursor),
            write_limit: RateLimit::new(params::write_burst(), params::write_interval_ms()),
        }),
        GFP_KERNEL_ACCOUNT,
    ) {
        Ok(open) => open,
        Err(e) => return e.to_errno(),
    };
    // Counted once it exists: its drop uncounts it.
    open.log.readers.fetch_add(1, Relaxed);
    // SAFETY: never moved out again; `ns_release` rebuilds the box.
    let open = unsafe { Pin::into_inner_unchecked(open) };
    // SAFETY: `file` is being opened; the pointer is ours until release.
    unsafe { (*file).private_data = KBox::into_raw(open).cast() };
    0
}

/// Hands the open to `/dev/kmsg`, with the host table, if opening
/// `/dev/kmsg` itself would be allowed: `devkmsg_open()` checks
/// `printk.devkmsg` and, for readers, `dmesg_restrict` and CAP_SYSLOG, but
/// leaves writers to the mode of `/dev/kmsg`'s inode, which is checked here.
///
/// # Safety
///
/// `inode` and `file` are those of an open in progress.
unsafe fn open_host(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: `file` is being opened.
    let access = Access::of(unsafe { (*file).f_flags });
    if !access.read && !access.write {
        // For ioctls only: no part of the host's log, just CREATE.
        let table = CONTROL_TABLE.load(Acquire);
        // SAFETY: the table lives until unload, which cannot begin while a
        // file with our table is open; the open is in progress.
        return unsafe { shim::syslog_ns_open_host(table, ptr::null(), inode, file) };
    }
    let host = HOST_KMSG.load(Acquire);
    let table = HOST_TABLE.load(Acquire);
    if host.is_null() || table.is_null() {
        return ENODEV.to_errno();
    }
    // SAFETY: the open is in progress, its mode is set.
    let err = unsafe { shim::syslog_ns_host_kmsg_permission(file) };
    if err != 0 {
        return err;
    }
    // SAFETY: both tables live until unload, which cannot begin while a
    // file with our table is open; the open is in progress.
    unsafe { shim::syslog_ns_open_host(table, host, inode, file) }
}

/// The last close of a file with the namespace table.
///
/// # Safety
///
/// Called by the VFS once, for a file `ns_open` opened.
unsafe extern "C" fn ns_release(_inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: from `KBox::into_raw` in `ns_open`; the file is going away.
    drop(unsafe { KBox::from_raw((*file).private_data.cast::<OpenLog>()) });
    0
}

/// One record per read, as `/dev/kmsg`.
///
/// # Safety
///
/// Called by the VFS for a file `ns_open` opened, with its iterator.
unsafe extern "C" fn ns_read_iter(
    kiocb: *mut bindings::kiocb,
    to: *mut bindings::iov_iter,
) -> isize {
    // SAFETY: a read on a file open with the namespace table.
    let file = unsafe { (*kiocb).ki_filp };
    // SAFETY: as above.
    let open = unsafe { open_log(file) };
    // SAFETY: the read's destination, for the duration of the call.
    let to = unsafe { IovIterDest::from_raw(to) };
    let log = &*open.log;
    let mut cursor = open.cursor.lock();
    loop {
        match cursor.read(log) {
            Ok(len) => {
                if to.len() < len {
                    return errno(EINVAL);
                }
                if to.copy_to_iter(&cursor.out[..len]) != len {
                    return errno(EFAULT);
                }
                cursor.seq += 1;
                return len as isize;
            }
            Err(Read::Overrun { oldest }) => {
                // As /dev/kmsg: say once that records were lost, then go on
                // from the oldest one left.
                cursor.seq = oldest;
                return errno(EPIPE);
            }
            Err(_) => {
                if nonblocking(file) {
                    return errno(EAGAIN);
                }
                let seq = cursor.seq;
                drop(cursor);
                if let Err(e) = wait_readable(log, seq) {
                    return errno(e);
                }
                cursor = open.cursor.lock();
            }
        }
    }
}

/// One write, one record (`<N>text`).
///
/// # Safety
///
/// Called by the VFS for a file `ns_open` opened, with its iterator.
unsafe extern "C" fn ns_write_iter(
    kiocb: *mut bindings::kiocb,
    from: *mut bindings::iov_iter,
) -> isize {
    // SAFETY: a write on a file open with the namespace table.
    let open = unsafe { open_log((*kiocb).ki_filp) };
    // SAFETY: the write's source, for the duration of the call.
    let from = unsafe { IovIterSource::from_raw(from) };
    let len = from.len();
    // "<191>", the text and a newline at most.
    if len > MAX_TEXT + 6 {
        return errno(EMSGSIZE);
    }
    // As devkmsg_write(): past its opener's rate limit a write is dropped
    // and said to have succeeded; the next one that passes says how many.
    // SAFETY: no precondition.
    let now = unsafe { shim::syslog_ns_clock() };
    match open.write_limit.check(now) {
        Verdict::Pass { suppressed } => report_suppressed(&open.log, suppressed),
        Verdict::Suppressed => return len as isize,
    }
    let mut buf = KVec::new();
    if let Err(e) = from.copy_from_iter_vec(&mut buf, GFP_KERNEL_ACCOUNT) {
        return errno(e);
    }
    if buf.len() != len {
        return errno(EFAULT);
    }
    let msg = match kmsg::parse_write(&buf) {
        Ok(msg) => msg,
        Err(e) => return errno(e),
    };
    match open
        .log
        .store(msg.level, msg.facility, msg.text, Source::Mirrorable)
    {
        Ok(_) => len as isize,
        Err(WriteError::Busy) => errno(EAGAIN),
        Err(WriteError::TooLong) => errno(EMSGSIZE),
    }
}

/// `SEEK_SET`, `SEEK_DATA` and `SEEK_END` to offset 0, as `/dev/kmsg`.
///
/// # Safety
///
/// Called by the VFS for a file `ns_open` opened.
unsafe extern "C" fn ns_llseek(file: *mut bindings::file, offset: i64, whence: c_int) -> i64 {
    if offset != 0 {
        return ESPIPE.to_errno().into();
    }
    // SAFETY: a seek on a file open with the namespace table.
    let open = unsafe { open_log(file) };
    let ring = &open.log.ring;
    let seq = match whence as u32 {
        bindings::SEEK_SET => ring.oldest_seq(),
        // After the last clear (dmesg's starting point).
        bindings::SEEK_DATA => open.log.clear_seq.load(Relaxed).max(ring.oldest_seq()),
        bindings::SEEK_END => ring.next_seq(),
        _ => return EINVAL.to_errno().into(),
    };
    open.cursor.lock().seq = seq;
    0
}

/// Readable when the next record is; an error too after an overrun.
///
/// # Safety
///
/// Called by the VFS for a file `ns_open` opened, with its poll table.
unsafe extern "C" fn ns_poll(
    file: *mut bindings::file,
    table: *mut bindings::poll_table_struct,
) -> bindings::__poll_t {
    // SAFETY: a poll on a file open with the namespace table.
    let open = unsafe { open_log(file) };
    let log = &*open.log;
    // SAFETY: the file is open and the waiters live as long as the log.
    unsafe { shim::syslog_ns_poll_wait(file, log.waiters.as_ptr(), table) };
    let seq = open.cursor.lock().seq;
    let mut mask = 0;
    if log.ring.readable(seq) {
        mask = EPOLLIN | EPOLLRDNORM;
        if seq < log.ring.oldest_seq() {
            mask |= EPOLLERR | EPOLLPRI;
        }
    }
    mask as bindings::__poll_t
}

/// `SYSLOG_NS_IOC_CREATE`: a log for the caller's own user namespace.
fn ioctl_create(arg: usize) -> Result<isize> {
    let req: uapi::syslog_ns_create =
        UserSlice::new(UserPtr::from_addr(arg), size_of::<uapi::syslog_ns_create>())
            .reader()
            .read()?;
    if req.flags != 0 {
        return Err(EINVAL);
    }
    // A namespace asks for at most `max_size` (its memory cgroup may allow
    // less, which the allocation's charge enforces).
    let size = match req.size as usize {
        0 => params::default_size(),
        size if (MIN_SIZE..=params::max_size()).contains(&size) => size,
        _ => return Err(EINVAL),
    };
    let ns = log::current_user_ns();
    // SAFETY: the current task's user namespace is live.
    if !unsafe { bindings::ns_capable(ns.as_ptr(), bindings::CAP_SYSLOG as c_int) } {
        return Err(EPERM);
    }
    log::create(ns, size)?;
    Ok(0)
}

/// `SYSLOG_NS_IOC_READ_CLEAR`: whole records since the last clear, as many
/// as fit, oldest first; the clear point moves past the last one copied.
fn ioctl_read_clear(open: &OpenLog, arg: usize) -> Result<isize> {
    let (mut reader, mut writer) =
        UserSlice::new(UserPtr::from_addr(arg), size_of::<uapi::syslog_ns_read>()).reader_writer();
    let mut req: uapi::syslog_ns_read = reader.read()?;
    let log = &*open.log;
    let mut out = UserSlice::new(UserPtr::from_addr(req.buf as usize), req.len as usize).writer();
    let mut cursor = open.cursor.lock();
    let saved = cursor.seq;
    cursor.seq = log.clear_seq.load(Relaxed).max(log.ring.oldest_seq());
    let mut copied = 0usize;
    let mut records = 0u32;
    let result = loop {
        match cursor.read(log) {
            Ok(len) if len <= out.len() => {
                if let Err(e) = out.write_slice(&cursor.out[..len]) {
                    break Err(e);
                }
                copied += len;
                records += 1;
                cursor.seq += 1;
            }
            Ok(_) => break Ok(()),
            // Overwritten while we copied: go on from the oldest.
            Err(Read::Overrun { oldest }) => cursor.seq = oldest,
            Err(_) => break Ok(()),
        }
    };
    let cleared = cursor.seq;
    cursor.seq = saved;
    drop(cursor);
    result?;
    clear_to(log, cleared);
    req.records = records;
    writer.write(&req)?;
    Ok(copied as isize)
}

/// Moves the clear point to `seq`. If nothing follows it, a record saying
/// so does: `dmesg` gives up on a `/dev/kmsg` whose first read (at
/// `SEEK_DATA`) finds nothing, and asks syslog(2), the host, instead.
fn clear_to(log: &Log, seq: u64) {
    log.clear_seq.store(seq, Release);
    if seq == log.ring.next_seq() {
        let _ = log.store(6, 0, b"syslog_ns: log cleared", Source::Module);
    }
}

/// `SYSLOG_NS_IOC_SIZE_UNREAD`: bytes `read()` would return from this
/// file's position to the end.
fn ioctl_size_unread(open: &OpenLog) -> Result<u32> {
    let log = &*open.log;
    let mut cursor = open.cursor.lock();
    let saved = cursor.seq;
    let mut bytes = 0u32;
    let end = log.ring.next_seq();
    while cursor.seq < end {
        match cursor.read(log) {
            Ok(len) => {
                bytes = bytes.saturating_add(len as u32);
                cursor.seq += 1;
            }
            Err(Read::Overrun { oldest }) => cursor.seq = oldest,
            Err(_) => break,
        }
    }
    cursor.seq = saved;
    Ok(bytes)
}

fn info(log: &Log) -> uapi::syslog_ns_info {
    uapi::syslog_ns_info {
        id: log.id,
        first_seq: log.ring.oldest_seq(),
        next_seq: log.ring.next_seq(),
        clear_seq: log.clear_seq.load(Relaxed),
        dropped: log.ring.dropped(),
        size: log.ring.size() as u32,
        console_level: log.console_level.load(Relaxed),
        readers: log.readers.load(Relaxed),
        owner: log.owner,
    }
}

fn put_u32(arg: usize, value: u32) -> Result<isize> {
    UserSlice::new(UserPtr::from_addr(arg), size_of::<u32>())
        .writer()
        .write(&value)?;
    Ok(0)
}

fn ns_ioctl_result(file: *mut bindings::file, cmd: u32, arg: usize) -> Result<isize> {
    // SAFETY: an ioctl on a file open with the namespace table.
    let open = unsafe { open_log(file) };
    let log = &*open.log;
    match cmd {
        uapi::SYSLOG_NS_IOC_CREATE => ioctl_create(arg),
        uapi::SYSLOG_NS_IOC_READ_CLEAR | uapi::SYSLOG_NS_IOC_CLEAR if !capable_over(log) => {
            Err(EPERM)
        }
        uapi::SYSLOG_NS_IOC_READ_CLEAR => ioctl_read_clear(open, arg),
        uapi::SYSLOG_NS_IOC_CLEAR => {
            clear_to(log, log.ring.next_seq());
            Ok(0)
        }
        // As syslog(2)'s SIZE_UNREAD, which is restricted.
        uapi::SYSLOG_NS_IOC_SIZE_UNREAD if !capable_over(log) => Err(EPERM),
        uapi::SYSLOG_NS_IOC_SIZE_UNREAD => put_u32(arg, ioctl_size_unread(open)?),
        uapi::SYSLOG_NS_IOC_SIZE_BUFFER => put_u32(arg, log.ring.size() as u32),
        uapi::SYSLOG_NS_IOC_CONSOLE_LEVEL => {
            let level: u32 = UserSlice::new(UserPtr::from_addr(arg), size_of::<u32>())
                .reader()
                .read()?;
            if !capable_over(log) {
                return Err(EPERM);
            }
            if !(1..=8).contains(&level) {
                return Err(EINVAL);
            }
            log.console_level.store(level, Relaxed);
            Ok(0)
        }
        uapi::SYSLOG_NS_IOC_INFO => {
            UserSlice::new(UserPtr::from_addr(arg), size_of::<uapi::syslog_ns_info>())
                .writer()
                .write(&info(log))?;
            Ok(0)
        }
        _ => Err(ENOTTY),
    }
}

/// The ioctls on a namespace's log.
///
/// # Safety
///
/// Called by the VFS for a file `ns_open` opened.
unsafe extern "C" fn ns_ioctl(file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
    match ns_ioctl_result(file, cmd, arg) {
        Ok(n) => n as c_long,
        Err(e) => e.to_errno() as c_long,
    }
}

/// The ioctls on the host's log: only `SYSLOG_NS_IOC_CREATE`.
///
/// # Safety
///
/// Called by the VFS for a file opened with the host table.
unsafe extern "C" fn host_ioctl(_file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
    let result = match cmd {
        uapi::SYSLOG_NS_IOC_CREATE => ioctl_create(arg),
        // The host's log is controlled with syslog(2), as ever.
        _ => Err(ENOTTY),
    };
    match result {
        Ok(n) => n as c_long,
        Err(e) => e.to_errno() as c_long,
    }
}

/// The device and its three tables.
pub(crate) struct Device {
    misc: KBox<bindings::miscdevice>,
    _ns_table: KBox<bindings::file_operations>,
    _host_table: Option<KBox<bindings::file_operations>>,
    _control_table: KBox<bindings::file_operations>,
}

// SAFETY: the tables are read-only once registered; misc_deregister may
// run on any thread.
unsafe impl Send for Device {}
// SAFETY: as above.
unsafe impl Sync for Device {}

impl Device {
    pub(crate) fn register(module: &'static ThisModule) -> Result<Self> {
        let mut ns_table: bindings::file_operations = pin_init::zeroed();
        ns_table.owner = module.as_ptr();
        ns_table.open = Some(ns_open);
        ns_table.release = Some(ns_release);
        ns_table.read_iter = Some(ns_read_iter);
        ns_table.write_iter = Some(ns_write_iter);
        ns_table.llseek = Some(ns_llseek);
        ns_table.poll = Some(ns_poll);
        ns_table.unlocked_ioctl = Some(ns_ioctl);
        ns_table.compat_ioctl = bindings::compat_ptr_ioctl;
        let ns_table = KBox::new(ns_table, GFP_KERNEL)?;

        let mut control: bindings::file_operations = pin_init::zeroed();
        control.owner = module.as_ptr();
        control.unlocked_ioctl = Some(host_ioctl);
        control.compat_ioctl = bindings::compat_ptr_ioctl;
        let control_table = KBox::new(control, GFP_KERNEL)?;

        let mut misc: bindings::miscdevice = pin_init::zeroed();
        misc.minor = bindings::MISC_DYNAMIC_MINOR as c_int;
        misc.name = c"kmsg_ns".as_char_ptr();
        misc.fops = &raw const *ns_table;
        // Container roots are not the host's root: who may read or write is
        // decided at open, per log (CAP_SYSLOG, or its root, over its user
        // namespace) or, for the host's log, as /dev/kmsg decides.
        misc.mode = 0o666;
        let mut misc = KBox::new(misc, GFP_KERNEL)?;

        // Last, as it takes a reference on /dev/kmsg's path that every
        // failure from here on must give back.
        // SAFETY: no precondition (process context, at load).
        let host = unsafe { shim::syslog_ns_find_host_kmsg() };
        let host_table = match NonNull::new(host.cast_mut()) {
            Some(host) => {
                // SAFETY: `/dev/kmsg`'s operations are built in.
                let h = unsafe { host.as_ref() };
                let mut t: bindings::file_operations = pin_init::zeroed();
                t.owner = module.as_ptr();
                t.open = h.open;
                t.release = h.release;
                t.read = h.read;
                t.read_iter = h.read_iter;
                t.write = h.write;
                t.write_iter = h.write_iter;
                t.llseek = h.llseek;
                t.poll = h.poll;
                t.unlocked_ioctl = Some(host_ioctl);
                t.compat_ioctl = bindings::compat_ptr_ioctl;
                let t = match KBox::new(t, GFP_KERNEL) {
                    Ok(t) => t,
                    Err(e) => {
                        // SAFETY: found just above, not published.
                        unsafe { shim::syslog_ns_forget_host_kmsg() };
                        return Err(e.into());
                    }
                };
                HOST_KMSG.store(host.as_ptr(), Release);
                HOST_TABLE.store(&raw const *t, Release);
                Some(t)
            }
            None => {
                pr_warn!("no /dev/kmsg: tasks without a log cannot open /dev/kmsg_ns\n");
                None
            }
        };
        CONTROL_TABLE.store(&raw const *control_table, Release);

        // SAFETY: `misc` and the tables it points to live in boxes until
        // `drop` deregisters it.
        if let Err(e) = to_result(unsafe { bindings::misc_register(&raw mut *misc) }) {
            // No open could see the tables: unpublish them before their
            // boxes go.
            forget_host();
            return Err(e);
        }
        Ok(Device {
            misc,
            _ns_table: ns_table,
            _host_table: host_table,
            _control_table: control_table,
        })
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        // SAFETY: registered in `register`. No file with our tables is open
        // (each holds a module reference), and no open is in progress once
        // this returns.
        unsafe { bindings::misc_deregister(&raw mut *self.misc) };
        forget_host();
    }
}

/// Unpublishes the host table and `/dev/kmsg`, once no open can use them.
fn forget_host() {
    CONTROL_TABLE.store(ptr::null(), Release);
    HOST_TABLE.store(ptr::null(), Release);
    if !HOST_KMSG.xchg(ptr::null(), Release).is_null() {
        // SAFETY: `syslog_ns_find_host_kmsg()` found it in `register`, and
        // no open uses it any more.
        unsafe { shim::syslog_ns_forget_host_kmsg() };
    }
}

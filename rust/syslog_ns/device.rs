// SPDX-License-Identifier: GPL-2.0

//! `/dev/kmsg_ns`: `/dev/kmsg` for the opener's log.
//!
//! `dmesg` seeks and `dmesg -w` polls, which the kernel crate's
//! `MiscDevice` cannot do: the device is a [`MiscRegistration`] of the
//! shared layer, whose [`FileOps`] has them. There are two kinds of file:
//!
//! - a namespace's, for an opener whose user namespace (or an ancestor) has
//!   a log: every operation is [`KmsgNs`]'s;
//! - the host's, for an opener whose nearest log is the host's, that is the
//!   kernel's own: the open is handed to `/dev/kmsg`'s own operations (as the
//!   mem driver does), with a table whose every operation but `ioctl` is
//!   theirs, so the host sees exactly `/dev/kmsg`. Only
//!   `SYSLOG_NS_IOC_CREATE` is ours there: it is how a process without a log
//!   gets one.

use crate::{
    common::{
        miscdev::{FileOps, MiscRegistration, Opened, Opening, PollTable},
        text::format_into,
    },
    kmsg::{self, FORMATTED_MAX},
    log::{self, Log, Source, LEVEL_WARNING},
    params,
    ratelimit::{RateLimit, Verdict},
    ringbuf::{Read, WriteError, MAX_TEXT, MIN_SIZE},
    shim, syslog, uapi,
    user_ns::UserNamespace,
};
use core::{
    mem::size_of,
    ptr::{self, NonNull},
};
use kernel::{
    bindings,
    error::{from_result, to_result},
    fmt::Write,
    fs::File,
    iov::{IovIterDest, IovIterSource},
    module::this_module,
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
pub(crate) struct OpenLog {
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
    let comm = core::str::from_utf8(shim::current_comm(&mut comm)).unwrap_or("?");
    let mut text = [0u8; 96];
    let Ok(len) = format_into(&mut text, |f| {
        f.write_fmt(fmt!(
            "{comm}: {count} output lines suppressed due to ratelimiting"
        ))
    }) else {
        return;
    };
    let _ = log.store(LEVEL_WARNING, 0, &text[..len], Source::Module);
}

fn capable_over(log: &Log) -> bool {
    log.user_ns().capable(bindings::CAP_SYSLOG)
}

/// What an open asks for, from its flags' access mode.
struct Access {
    read: bool,
    write: bool,
}

impl Access {
    fn of(file: &File) -> Self {
        let mode = file.flags() & bindings::O_ACCMODE;
        // O_RDONLY 0, O_WRONLY 1, O_RDWR 2, and 3: neither, ioctls only.
        Access {
            read: mode == bindings::O_RDONLY || mode == bindings::O_RDWR,
            write: mode == bindings::O_WRONLY || mode == bindings::O_RDWR,
        }
    }
}

fn nonblocking(file: &File) -> bool {
    file.flags() & bindings::O_NONBLOCK != 0
}

/// The files of `/dev/kmsg_ns`: a namespace's log, or the host's handed
/// over to `/dev/kmsg` (see the module documentation).
pub(crate) struct KmsgNs;

impl FileOps for KmsgNs {
    type OwnerModule = crate::SyslogNs;
    type Ptr = Pin<KBox<OpenLog>>;

    fn open(opening: &Opening<'_>) -> Result<Opened<Self::Ptr>> {
        let ns = UserNamespace::current();
        if params::auto_create() {
            // A log of its own for every user namespace that comes here; if
            // one cannot be made (a limit), the nearest one serves.
            let _ = log::create(&ns, params::default_size());
        }
        let Some(log) = log::find_arc(&ns) else {
            open_host(opening)?;
            return Ok(Opened::HandedOver);
        };
        let access = Access::of(opening.file());
        // Reading a log is checked as devkmsg_open() checks the host's:
        // syslog(2)'s READ_ALL, CAP_SYSLOG over the log under the host's
        // dmesg_restrict; writing takes what writing /dev/kmsg (0644 root)
        // takes, within the log's namespace. An open for neither (access
        // mode 3, for ioctls only) leaves it to each ioctl.
        if access.read {
            syslog::check(&log, syslog::SYSLOG_ACTION_READ_ALL)?;
        }
        if access.write && !log.user_ns().may_write_kmsg() {
            return Err(EACCES);
        }
        let cursor = Cursor::new(log.ring.oldest_seq())?;
        let open = KBox::pin_init(
            pin_init!(OpenLog {
                log,
                cursor <- new_mutex!(cursor),
                write_limit: RateLimit::new(params::write_burst(), params::write_interval_ms()),
            }),
            GFP_KERNEL_ACCOUNT,
        )?;
        // Counted once it exists: its drop uncounts it.
        open.log.readers.fetch_add(1, Relaxed);
        Ok(Opened::Private(open))
    }

    /// One record per read, as `/dev/kmsg`.
    fn read_iter(open: Pin<&OpenLog>, file: &File, to: &mut IovIterDest<'_>) -> Result<usize> {
        let log = &*open.log;
        let mut cursor = open.cursor.lock();
        loop {
            match cursor.read(log) {
                Ok(len) => {
                    if to.len() < len {
                        return Err(EINVAL);
                    }
                    if to.copy_to_iter(&cursor.out[..len]) != len {
                        return Err(EFAULT);
                    }
                    cursor.seq += 1;
                    return Ok(len);
                }
                Err(Read::Overrun { oldest }) => {
                    // As /dev/kmsg: say once that records were lost, then
                    // go on from the oldest one left.
                    cursor.seq = oldest;
                    return Err(EPIPE);
                }
                Err(_) => {
                    if nonblocking(file) {
                        return Err(EAGAIN);
                    }
                    let seq = cursor.seq;
                    drop(cursor);
                    log.waiters.wait_until(|| log.ring.readable(seq))?;
                    cursor = open.cursor.lock();
                }
            }
        }
    }

    /// One write, one record (`<N>text`).
    fn write_iter(
        open: Pin<&OpenLog>,
        _file: &File,
        from: &mut IovIterSource<'_>,
    ) -> Result<usize> {
        let len = from.len();
        // "<191>", the text and a newline at most.
        if len > MAX_TEXT + 6 {
            return Err(EMSGSIZE);
        }
        // As devkmsg_write(): past its opener's rate limit a write is
        // dropped and said to have succeeded; the next one that passes says
        // how many.
        match open.write_limit.check(shim::clock()) {
            Verdict::Pass { suppressed } => report_suppressed(&open.log, suppressed),
            Verdict::Suppressed => return Ok(len),
        }
        let mut buf = KVec::new();
        from.copy_from_iter_vec(&mut buf, GFP_KERNEL_ACCOUNT)?;
        if buf.len() != len {
            return Err(EFAULT);
        }
        let msg = kmsg::parse_write(&buf)?;
        match open
            .log
            .store(msg.level, msg.facility, msg.text, Source::Mirrorable)
        {
            Ok(_) => Ok(len),
            Err(WriteError::Busy) => Err(EAGAIN),
            Err(WriteError::TooLong) => Err(EMSGSIZE),
        }
    }

    /// `SEEK_SET`, `SEEK_DATA` and `SEEK_END` to offset 0, as `/dev/kmsg`.
    fn llseek(open: Pin<&OpenLog>, _file: &File, offset: i64, whence: u32) -> Result<i64> {
        if offset != 0 {
            return Err(ESPIPE);
        }
        let ring = &open.log.ring;
        let seq = match whence {
            bindings::SEEK_SET => ring.oldest_seq(),
            // After the last clear (dmesg's starting point).
            bindings::SEEK_DATA => open.log.clear_seq.load(Relaxed).max(ring.oldest_seq()),
            bindings::SEEK_END => ring.next_seq(),
            _ => return Err(EINVAL),
        };
        open.cursor.lock().seq = seq;
        Ok(0)
    }

    /// Readable when the next record is; an error too after an overrun.
    fn poll(open: Pin<&OpenLog>, file: &File, table: &PollTable<'_>) -> u32 {
        let log = &*open.log;
        log.waiters.poll_wait(file, table);
        let seq = open.cursor.lock().seq;
        let mut mask = 0;
        if log.ring.readable(seq) {
            mask = EPOLLIN | EPOLLRDNORM;
            if seq < log.ring.oldest_seq() {
                mask |= EPOLLERR | EPOLLPRI;
            }
        }
        mask
    }

    fn ioctl(open: Pin<&OpenLog>, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        ns_ioctl(&open, cmd, arg)
    }
}

/// Hands the open to `/dev/kmsg`, with the host table, if opening
/// `/dev/kmsg` itself would be allowed: `devkmsg_open()` checks
/// `printk.devkmsg` and, for readers, `dmesg_restrict` and CAP_SYSLOG, but
/// leaves writers to the mode of `/dev/kmsg`'s inode, which is checked here.
/// An open for neither reading nor writing gets the control table: no part
/// of the host's log, just `SYSLOG_NS_IOC_CREATE`.
fn open_host(opening: &Opening<'_>) -> Result {
    let access = Access::of(opening.file());
    let (inode, file) = opening.as_raw();
    if !access.read && !access.write {
        let table = CONTROL_TABLE.load(Acquire);
        // SAFETY:
        // - the table lives until unload, which cannot begin while a file
        //   with our table is open (`Published`'s invariant);
        // - `inode` and `file` are of an open in progress (`Opening`'s).
        return to_result(unsafe {
            shim::raw::syslog_ns_open_host(table, ptr::null(), inode, file)
        });
    }
    let host = HOST_KMSG.load(Acquire);
    let table = HOST_TABLE.load(Acquire);
    if host.is_null() || table.is_null() {
        return Err(ENODEV);
    }
    // SAFETY: the open is in progress, its mode is set.
    to_result(unsafe { shim::raw::syslog_ns_host_kmsg_permission(file) })?;
    // SAFETY:
    // - both tables live until unload, which cannot begin while a file with
    //   our table is open (`Published`'s invariant);
    // - `inode` and `file` are of an open in progress (`Opening`'s).
    to_result(unsafe { shim::raw::syslog_ns_open_host(table, host, inode, file) })
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
    let ns = UserNamespace::current();
    if !ns.capable(bindings::CAP_SYSLOG) {
        return Err(EPERM);
    }
    log::create(&ns, size)?;
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

/// Moves the clear point to `seq`. If nothing follows it and syslog(2) is
/// not redirected, a record saying so does: `dmesg` gives up on a
/// `/dev/kmsg` whose first read (at `SEEK_DATA`) finds nothing, and asks
/// syslog(2), then the host's, instead. Redirected, syslog(2) is the log's
/// too, and `SEEK_DATA` after a clear finds nothing, as LTP's kmsg01 checks.
pub(crate) fn clear_to(log: &Log, seq: u64) {
    log.clear_seq.store(seq, Release);
    if seq == log.ring.next_seq() && !shim::redirecting() {
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

/// The ioctls on a namespace's log.
fn ns_ioctl(open: &OpenLog, cmd: u32, arg: usize) -> Result<isize> {
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

/// The ioctls on the host's log: only `SYSLOG_NS_IOC_CREATE`.
///
/// # Safety
///
/// Called by the VFS for a file opened with the host or the control table.
unsafe extern "C" fn host_ioctl(_file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
    from_result(|| {
        match cmd {
            uapi::SYSLOG_NS_IOC_CREATE => ioctl_create(arg)?,
            // The host's log is controlled with syslog(2), as ever.
            _ => return Err(ENOTTY),
        };
        Ok(0)
    })
}

/// The table of a file handed to `/dev/kmsg` (`host`'s operations, but for
/// the ioctls), or, without `host`, of one opened for ioctls only.
fn host_side_table(host: Option<&bindings::file_operations>) -> bindings::file_operations {
    let mut t: bindings::file_operations = pin_init::zeroed();
    t.owner = this_module::<crate::SyslogNs>().as_ptr();
    if let Some(h) = host {
        t.open = h.open;
        t.release = h.release;
        t.read = h.read;
        t.read_iter = h.read_iter;
        t.write = h.write;
        t.write_iter = h.write_iter;
        t.llseek = h.llseek;
        t.poll = h.poll;
    }
    t.unlocked_ioctl = Some(host_ioctl);
    t.compat_ioctl = bindings::compat_ptr_ioctl;
    t
}

/// `/dev/kmsg_ns`, and the tables of the files it hands to `/dev/kmsg`.
///
/// # Invariants
///
/// `_published` publishes `_host_table` and `_control_table`, which the
/// device's opens hand files to, and fields drop in order: the device
/// first, so that no open begins, then the publication, then the tables.
pub(crate) struct Device {
    misc: Pin<KBox<MiscRegistration<KmsgNs>>>,
    _published: Published,
    _host_table: Option<KBox<bindings::file_operations>>,
    _control_table: KBox<bindings::file_operations>,
}

// SAFETY: the tables are not written once published, and what they point
// to (functions, the module) is shared by every thread anyway.
unsafe impl Send for Device {}
// SAFETY: as above; no method of `&Device` exists.
unsafe impl Sync for Device {}

impl Device {
    pub(crate) fn register() -> Result<Self> {
        let control_table = KBox::new(host_side_table(None), GFP_KERNEL)?;
        let mut host_table = KBox::new(pin_init::zeroed(), GFP_KERNEL)?;
        // SAFETY: process context, at load; `Published` gives it back.
        let host = unsafe { shim::raw::syslog_ns_find_host_kmsg() };
        let host_table = match NonNull::new(host.cast_mut()) {
            Some(host) => {
                // SAFETY: `/dev/kmsg`'s operations are built in.
                *host_table = host_side_table(Some(unsafe { host.as_ref() }));
                Some(host_table)
            }
            None => {
                pr_warn!("no /dev/kmsg: tasks without a log cannot open /dev/kmsg_ns\n");
                None
            }
        };
        // INVARIANT: the tables are in boxes that `Device` keeps, and
        // `Published` is dropped after the device is deregistered.
        let published = Published::new(NonNull::new(host.cast_mut()), &host_table, &control_table);
        // Container roots are not the host's root: who may read or write is
        // decided at open, per log (CAP_SYSLOG, or its root, over its user
        // namespace) or, for the host's log, as /dev/kmsg decides.
        let misc = KBox::pin_init(MiscRegistration::register(c"kmsg_ns", 0o666), GFP_KERNEL)?;
        Ok(Device {
            misc,
            _published: published,
            _host_table: host_table,
            _control_table: control_table,
        })
    }
}

impl Device {
    /// `/dev/kmsg`'s operations (null if there is none) and `/dev/kmsg_ns`'s,
    /// for the redirect of `/dev/kmsg`'s opens; both live as long as this.
    pub(crate) fn tables(
        &self,
    ) -> (
        *const bindings::file_operations,
        *const bindings::file_operations,
    ) {
        (HOST_KMSG.load(Acquire), self.misc.file_operations())
    }
}

/// The host table, the control table and `/dev/kmsg`'s operations,
/// published for `open_host()`.
///
/// # Invariants
///
/// While it lives, `CONTROL_TABLE` points to the control table, and
/// `HOST_TABLE` and `HOST_KMSG` to the host table and `/dev/kmsg`'s
/// operations (whose path the C side holds) or are null; the tables outlive
/// it. It is dropped once no open can begin (after the device is
/// deregistered, or if it never was), and a file open with one of the tables
/// holds a reference on the module (each table's owner), so none is open
/// then either.
struct Published(());

impl Published {
    fn new(
        host: Option<NonNull<bindings::file_operations>>,
        host_table: &Option<KBox<bindings::file_operations>>,
        control_table: &KBox<bindings::file_operations>,
    ) -> Self {
        if let (Some(host), Some(table)) = (host, host_table) {
            HOST_KMSG.store(host.as_ptr(), Release);
            HOST_TABLE.store(&raw const **table, Release);
        }
        CONTROL_TABLE.store(&raw const **control_table, Release);
        Published(())
    }
}

impl Drop for Published {
    fn drop(&mut self) {
        CONTROL_TABLE.store(ptr::null(), Release);
        HOST_TABLE.store(ptr::null(), Release);
        if !HOST_KMSG.xchg(ptr::null(), Release).is_null() {
            // SAFETY: `syslog_ns_find_host_kmsg()` found it, and no open uses
            // it any more (type invariant).
            unsafe { shim::raw::syslog_ns_forget_host_kmsg() };
        }
    }
}

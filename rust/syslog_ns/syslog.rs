// SPDX-License-Identifier: GPL-2.0

//! syslog(2) and `/proc/kmsg` on a namespace's log, as `do_syslog()` in
//! kernel/printk/printk.c serves the host's (see `syslog_ns_redirect.c` for
//! how a call gets here).
//!
//! What each action means on a log:
//!
//! - `READ` (and `/proc/kmsg`'s read) takes records from the log's one
//!   syslog reader, waiting for one, and `SIZE_UNREAD` counts what is left;
//! - `READ_ALL` copies the newest records since the last clear that fit,
//!   `READ_CLEAR` also clears, `CLEAR` moves the clear point (where
//!   `SEEK_DATA` on `/dev/kmsg` goes) to the end;
//! - `CONSOLE_OFF`, `CONSOLE_ON` and `CONSOLE_LEVEL` act on the log's
//!   console level, the one records are mirrored to the host below (the
//!   host's console is not a container's to silence);
//! - `SIZE_BUFFER` is the log's ring size.
//!
//! Permissions are the kernel's, over the log's user namespace: with the
//! host's `dmesg_restrict` set every action, and otherwise every action but
//! `READ_ALL` and `SIZE_BUFFER`, takes CAP_SYSLOG there. `/proc/kmsg` is
//! checked at open only, as the kernel does, and so is a reader of
//! `/dev/kmsg` or `/dev/kmsg_ns`, as `READ_ALL`.

use crate::{
    device, kmsg,
    log::Log,
    ringbuf::{Meta, Read, MAX_TEXT},
    shim,
};
use kernel::{
    bindings,
    prelude::*,
    sync::atomic::Relaxed,
    uaccess::{UserPtr, UserSlice, UserSliceWriter},
};

// include/linux/syslog.h, not among the kernel crate's bindings.
pub(crate) const SYSLOG_ACTION_CLOSE: i32 = 0;
pub(crate) const SYSLOG_ACTION_OPEN: i32 = 1;
const SYSLOG_ACTION_READ: i32 = 2;
pub(crate) const SYSLOG_ACTION_READ_ALL: i32 = 3;
const SYSLOG_ACTION_READ_CLEAR: i32 = 4;
const SYSLOG_ACTION_CLEAR: i32 = 5;
const SYSLOG_ACTION_CONSOLE_OFF: i32 = 6;
const SYSLOG_ACTION_CONSOLE_ON: i32 = 7;
const SYSLOG_ACTION_CONSOLE_LEVEL: i32 = 8;
const SYSLOG_ACTION_SIZE_UNREAD: i32 = 9;
const SYSLOG_ACTION_SIZE_BUFFER: i32 = 10;

/// `minimum_console_loglevel`'s default, `CONSOLE_LOGLEVEL_MIN`.
const CONSOLE_LEVEL_MIN: u32 = 1;

/// The longest line of one record: `<191>`, `[99999.999999] `, the caller
/// and the text. A record's text has no newline but in a capture, whose
/// extra lines are cut at this length as a whole.
const LINE_MAX: usize = MAX_TEXT + 48;

/// The log's syslog reader: how much of the next record `READ` takes (the
/// log's `syslog_seq`, which this lock guards the writes of) an earlier read
/// too short for it took.
#[derive(Default)]
pub(crate) struct SyslogReader {
    partial: usize,
}

/// Who calls: syslog(2), or `/proc/kmsg`'s read and poll on a file whose
/// open was checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    Syscall,
    ProcKmsg,
}

/// Whether `action` takes CAP_SYSLOG, as `syslog_action_restricted()`.
fn restricted(action: i32) -> bool {
    shim::dmesg_restrict()
        || (action != SYSLOG_ACTION_READ_ALL && action != SYSLOG_ACTION_SIZE_BUFFER)
}

/// `check_syslog_permissions()` on `log`: `EPERM` unless allowed. The LSM
/// hook `security_syslog()` is not exported, so LSM policies are not asked;
/// the capability check goes through them.
pub(crate) fn check(log: &Log, action: i32) -> Result {
    if restricted(action) && !log.user_ns().capable(bindings::CAP_SYSLOG) {
        return Err(EPERM);
    }
    Ok(())
}

/// Buffers for one record and its syslog line.
struct Lines {
    text: KVec<u8>,
    line: KVec<u8>,
    time: bool,
}

impl Lines {
    fn new() -> Result<Self> {
        let mut text = KVec::new();
        text.resize(MAX_TEXT, 0, GFP_KERNEL_ACCOUNT)?;
        let mut line = KVec::new();
        line.resize(LINE_MAX, 0, GFP_KERNEL_ACCOUNT)?;
        Ok(Lines {
            text,
            line,
            time: shim::printk_time(),
        })
    }

    /// Formats record `seq` as syslog(2) does; its length, or why not.
    fn format(&mut self, log: &Log, seq: u64) -> Result<usize, Read> {
        let text: &mut [u8; MAX_TEXT] = self
            .text
            .as_mut_slice()
            .try_into()
            .map_err(|_| Read::Empty)?;
        match log.ring.read(seq, text) {
            Read::Record(meta, len) => Ok(format_line(
                &mut self.line,
                &meta,
                &self.text[..len],
                self.time,
            )),
            other => Err(other),
        }
    }
}

/// Appends what fits of `bytes`.
fn push(out: &mut [u8], len: &mut usize, bytes: &[u8]) {
    let n = bytes.len().min(out.len() - *len);
    out[*len..*len + n].copy_from_slice(&bytes[..n]);
    *len += n;
}

/// Appends `n` in decimal, right-aligned in `width` columns (`%*lu`).
fn push_decimal(out: &mut [u8], len: &mut usize, n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let digits = kmsg::decimal(n, &mut digits);
    for _ in digits.len()..width {
        push(out, len, b" ");
    }
    push(out, len, digits);
}

/// A record as `record_print_text()` prints it for syslog(2): each line
/// `<pri>[sssss.uuuuuu] text`, the time if `time`, and with
/// CONFIG_PRINTK_CALLER the caller as `[T<pid>]`/`[C<cpu>]`, then `\n`.
fn format_line(out: &mut [u8], meta: &Meta, text: &[u8], time: bool) -> usize {
    let mut len = 0;
    for line in text.split(|&c| c == b'\n') {
        push(out, &mut len, b"<");
        push_decimal(
            out,
            &mut len,
            u64::from(meta.facility) << 3 | u64::from(meta.level),
            0,
        );
        push(out, &mut len, b">");
        if time {
            push(out, &mut len, b"[");
            push_decimal(out, &mut len, meta.ts_nsec / 1_000_000_000, 5);
            push(out, &mut len, b".");
            // "%06lu": 1uuuuuu, less its 1.
            let mut usec = [b'0'; 7];
            let mut usec_len = 0;
            push_decimal(
                &mut usec,
                &mut usec_len,
                meta.ts_nsec % 1_000_000_000 / 1000 + 1_000_000,
                0,
            );
            push(out, &mut len, &usec[1..usec_len]);
            push(out, &mut len, b"]");
        }
        if cfg!(CONFIG_PRINTK_CALLER) {
            let (kind, id) = if meta.caller & 0x8000_0000 != 0 {
                (b'C', meta.caller & !0x8000_0000)
            } else {
                (b'T', meta.caller)
            };
            // "[%6s]" of "T<pid>": the id right-aligned in five columns
            // after its letter, if it is short.
            let mut digits = [0u8; 20];
            let digits = kmsg::decimal(u64::from(id), &mut digits);
            push(out, &mut len, b"[");
            for _ in digits.len() + 1..6 {
                push(out, &mut len, b" ");
            }
            push(out, &mut len, &[kind]);
            push(out, &mut len, digits);
            push(out, &mut len, b"]");
        }
        if time || cfg!(CONFIG_PRINTK_CALLER) {
            push(out, &mut len, b" ");
        }
        push(out, &mut len, line);
        if len == out.len() {
            // Keep the newline: a cut line is still a line.
            len -= 1;
        }
        push(out, &mut len, b"\n");
    }
    len
}

/// syslog(2) on `log` (`buf` and `len` as the caller gave them).
pub(crate) fn call(log: &Log, action: i32, buf: usize, len: i32, caller: Caller) -> Result<i32> {
    if caller == Caller::Syscall {
        check(log, action)?;
    }
    match action {
        SYSLOG_ACTION_CLOSE | SYSLOG_ACTION_OPEN => Ok(0),
        SYSLOG_ACTION_READ | SYSLOG_ACTION_READ_ALL | SYSLOG_ACTION_READ_CLEAR => {
            if buf == 0 || len < 0 {
                return Err(EINVAL);
            }
            if len == 0 {
                return Ok(0);
            }
            let out = UserSlice::new(UserPtr::from_addr(buf), len as usize).writer();
            let copied = if action == SYSLOG_ACTION_READ {
                read(log, out)?
            } else {
                read_all(log, out, action == SYSLOG_ACTION_READ_CLEAR)?
            };
            Ok(copied as i32)
        }
        SYSLOG_ACTION_CLEAR => {
            device::clear_to(log, log.ring.next_seq());
            Ok(0)
        }
        SYSLOG_ACTION_CONSOLE_OFF => {
            if log.saved_console_level.load(Relaxed) == 0 {
                log.saved_console_level
                    .store(log.console_level.load(Relaxed), Relaxed);
            }
            log.console_level.store(CONSOLE_LEVEL_MIN, Relaxed);
            Ok(0)
        }
        SYSLOG_ACTION_CONSOLE_ON => {
            let saved = log.saved_console_level.xchg(0, Relaxed);
            if saved != 0 {
                log.console_level.store(saved, Relaxed);
            }
            Ok(0)
        }
        SYSLOG_ACTION_CONSOLE_LEVEL => {
            if !(1..=8).contains(&len) {
                return Err(EINVAL);
            }
            log.console_level
                .store((len as u32).max(CONSOLE_LEVEL_MIN), Relaxed);
            // As the kernel: setting a level turns the console back on.
            log.saved_console_level.store(0, Relaxed);
            Ok(0)
        }
        SYSLOG_ACTION_SIZE_UNREAD => size_unread(log, caller),
        SYSLOG_ACTION_SIZE_BUFFER => Ok(log.ring.size() as i32),
        _ => Err(EINVAL),
    }
}

/// The syslog reader's record, moved past records that were overwritten;
/// the caller holds the reader's lock.
fn reader_seq(log: &Log, reader: &mut SyslogReader) -> u64 {
    let oldest = log.ring.oldest_seq();
    let seq = log.syslog_seq.load(Relaxed);
    if seq >= oldest {
        return seq;
    }
    log.syslog_seq.store(oldest, Relaxed);
    reader.partial = 0;
    oldest
}

/// `SIZE_UNREAD`: for syslog(2) the bytes `READ` would return, for
/// `/proc/kmsg`'s poll the records (as the kernel).
fn size_unread(log: &Log, caller: Caller) -> Result<i32> {
    let mut reader = log.syslog.lock();
    let mut seq = reader_seq(log, &mut reader);
    let end = log.ring.next_seq();
    if caller == Caller::ProcKmsg {
        return Ok((end - seq).min(i32::MAX as u64) as i32);
    }
    let mut lines = Lines::new()?;
    let mut bytes = 0usize;
    while seq < end {
        match lines.format(log, seq) {
            Ok(n) => {
                bytes += n;
                seq += 1;
            }
            Err(Read::Overrun { oldest }) => seq = oldest,
            Err(_) => break,
        }
    }
    Ok(bytes.saturating_sub(reader.partial).min(i32::MAX as usize) as i32)
}

/// Whether the syslog reader has a record to take. Does not sleep: it is
/// the condition `READ` waits on.
pub(crate) fn unread(log: &Log) -> bool {
    let seq = log.syslog_seq.load(Relaxed).max(log.ring.oldest_seq());
    log.ring.readable(seq)
}

/// `READ`: waits for a record, then takes records from the syslog reader
/// until `out` is full; a record that does not fit is taken in parts.
pub(crate) fn read(log: &Log, mut out: UserSliceWriter) -> Result<usize> {
    log.waiters.wait_until(|| unread(log))?;
    let mut lines = Lines::new()?;
    let mut reader = log.syslog.lock();
    let mut copied = 0;
    while !out.is_empty() {
        let seq = reader_seq(log, &mut reader);
        let total = match lines.format(log, seq) {
            Ok(total) => total,
            // Overwritten since: `reader_seq` moves on.
            Err(Read::Overrun { .. }) => continue,
            Err(_) => break,
        };
        let skip = reader.partial.min(total);
        let n = (total - skip).min(out.len());
        if let Err(e) = out.write_slice(&lines.line[skip..skip + n]) {
            if copied == 0 {
                return Err(e);
            }
            break;
        }
        copied += n;
        if skip + n == total {
            log.syslog_seq.store(seq + 1, Relaxed);
            reader.partial = 0;
        } else {
            reader.partial = skip + n;
        }
    }
    Ok(copied)
}

/// `READ_ALL` and `READ_CLEAR`: the newest whole records since the clear
/// point that fit in `out`, oldest first; with `clear`, the clear point
/// moves past the last one copied.
fn read_all(log: &Log, mut out: UserSliceWriter, clear: bool) -> Result<usize> {
    let mut lines = Lines::new()?;
    let size = out.len();
    let start = log.clear_seq.load(Relaxed).max(log.ring.oldest_seq());
    let end = log.ring.next_seq();
    // As find_first_fitting_seq(): the total from each record to the end,
    // dropping the oldest until it fits.
    let mut total = 0usize;
    let mut seq = start;
    while seq < end {
        match lines.format(log, seq) {
            Ok(n) => total += n,
            Err(Read::Overrun { oldest }) => {
                seq = oldest;
                continue;
            }
            Err(_) => break,
        }
        seq += 1;
    }
    let mut first = start;
    while total > size && first < end {
        match lines.format(log, first) {
            Ok(n) => total -= n,
            Err(Read::Overrun { oldest }) => {
                first = oldest;
                continue;
            }
            Err(_) => break,
        }
        first += 1;
    }
    let mut copied = 0;
    let mut seq = first;
    loop {
        match lines.format(log, seq) {
            Ok(n) if n <= out.len() => {
                out.write_slice(&lines.line[..n])?;
                copied += n;
                seq += 1;
            }
            Err(Read::Overrun { oldest }) => seq = oldest,
            _ => break,
        }
    }
    if clear {
        device::clear_to(log, seq);
    }
    Ok(copied)
}

// SPDX-License-Identifier: GPL-2.0

//! The actions that read the log: printing and following it, `-c`'s print
//! and clear, and `--info`.

use crate::cli::Args;
use crate::device::{Device, Mode, Next, RECORD_BUF};
use crate::output::{Info, Printer};
use crate::record::{self, LossTracker};
use crate::uapi;
use anyhow::{bail, Context, Result};
use nix::errno::Errno;
use nix::unistd::Whence;
use std::io::{self, Write};

/// Prints the records since the last clear, as `dmesg` does; with `-w`,
/// then waits for new ones; with `-W`, prints only new ones.
pub fn print_log(args: &Args) -> Result<()> {
    let follow = args.follow || args.follow_new;
    let mode = if follow {
        Mode::Read
    } else {
        Mode::ReadNonblock
    };
    let dev = Device::open(&args.device, mode)?;
    dev.seek(if args.follow_new {
        Whence::SeekEnd
    } else {
        Whence::SeekData
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
pub fn read_clear(args: &Args) -> Result<()> {
    let dev = Device::open(&args.device, Mode::Read)?;
    let len = match args.buffer_size {
        Some(len) => len,
        None => dev.size_buffer()?,
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
pub fn print_info(args: &Args) -> Result<()> {
    let dev = Device::open(&args.device, Mode::Control)?;
    let i = dev.info()?;
    dev.seek(Whence::SeekData)?;
    let unread = match dev.size_unread() {
        Ok(unread) => Some(unread),
        Err(e) if e.errno() == Some(Errno::EPERM) => None,
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
    info.print(args.json)?;
    Ok(())
}

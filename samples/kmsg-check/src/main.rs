// SPDX-License-Identifier: GPL-2.0

//! kmsg-check: what LTP's kmsg01 checks of `/dev/kmsg`, case by case, and a
//! benchmark of the kernel log's read paths.
//!
//! LTP is not packaged in Debian, so `make check` cannot run kmsg01; these
//! are its cases, written for this project from their description, run on
//! whatever `/dev/kmsg` the calling task has: the host's, or, with
//! syslog_ns redirecting, its container's log. Each case prints what it
//! found and exits 0 if it holds, 1 if not.

use clap::{Parser, Subcommand, ValueEnum};
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::{lseek, read, write, Whence};
use std::os::fd::OwnedFd;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

const KMSG: &str = "/dev/kmsg";
/// What a read asks for, as kmsg01: a record found is one shorter than this.
const READ_SIZE: usize = 4096;
/// syslog(2)'s actions used here (include/linux/syslog.h).
const SYSLOG_ACTION_READ_ALL: i32 = 3;
const SYSLOG_ACTION_CLEAR: i32 = 5;
const SYSLOG_ACTION_SIZE_BUFFER: i32 = 10;

#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one of kmsg01's cases.
    Case { case: Case },
    /// Time the read paths a host uses: syslog(2)'s SIZE_BUFFER
    /// (ITERATIONS calls), and open, read and close of /dev/kmsg and
    /// syslog(2)'s READ_ALL of 4 KiB (a twentieth as many); nanoseconds per
    /// call.
    Bench {
        #[arg(long, default_value_t = 20000)]
        iterations: u32,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Case {
    /// 127 writes of every priority, each found by a fresh reader with a
    /// facility other than the kernel's and increasing sequence numbers.
    Inject,
    /// A non-blocking reader ends with EAGAIN, never 0.
    Nonblock,
    /// A blocking reader, once at the end, waits.
    Block,
    /// A read into 1 byte fails with EINVAL.
    SmallBuffer,
    /// Three fresh readers start at the same record.
    Readers,
    /// A reader whose records were overwritten gets EPIPE once, then reads.
    Overwrite,
    /// SEEK_SET goes back to the first record.
    SeekSet,
    /// SEEK_END skips every record there is.
    SeekEnd,
    /// SEEK_DATA, after syslog(2)'s CLEAR, skips the records before it.
    SeekData,
}

/// A record's priority, sequence number and text.
struct Record {
    prefix: u32,
    seq: u64,
    text: String,
}

fn parse(buf: &[u8]) -> Option<Record> {
    let line = std::str::from_utf8(buf).ok()?;
    let (header, text) = line.split_once(';')?;
    let mut fields = header.split(',');
    let prefix = fields.next()?.parse().ok()?;
    let seq = fields.next()?.parse().ok()?;
    Some(Record {
        prefix,
        seq,
        text: text.trim_end_matches('\n').to_string(),
    })
}

fn open_kmsg(flags: OFlag) -> Result<OwnedFd, String> {
    open(KMSG, flags, Mode::empty()).map_err(|e| format!("open {KMSG}: {e}"))
}

/// One read of `READ_SIZE`: a record, or the errno.
fn read_record(fd: &OwnedFd) -> Result<Record, Errno> {
    let mut buf = vec![0u8; READ_SIZE];
    let n = read(fd, &mut buf)?;
    parse(&buf[..n]).ok_or(Errno::EBADMSG)
}

/// Reads `fd` to EAGAIN (skipping EPIPE), every record.
fn drain(fd: &OwnedFd) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    loop {
        match read_record(fd) {
            Ok(r) => records.push(r),
            Err(Errno::EPIPE) => continue,
            Err(Errno::EAGAIN) => return Ok(records),
            Err(e) => return Err(format!("read: {e}")),
        }
    }
}

/// Writes one record through a fresh open, as kmsg01 does (so no opener's
/// rate limit is reached).
fn inject(text: &str) -> Result<(), String> {
    let fd = open_kmsg(OFlag::O_WRONLY)?;
    write(&fd, text.as_bytes()).map_err(|e| format!("write {text:?}: {e}"))?;
    Ok(())
}

/// The first record a fresh reader reads.
fn first_seq() -> Result<u64, String> {
    let fd = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
    loop {
        match read_record(&fd) {
            Ok(r) => return Ok(r.seq),
            Err(Errno::EPIPE) => continue,
            Err(e) => return Err(format!("first record: {e}")),
        }
    }
}

fn tag() -> String {
    format!("kmsg-check {} ", std::process::id())
}

fn klogctl(action: i32, buf: &mut [u8]) -> Result<i32, Errno> {
    let len = i32::try_from(buf.len()).unwrap_or(i32::MAX);
    // SAFETY: `buf` holds `len` bytes, the most the kernel writes.
    let ret = unsafe { libc::klogctl(action, buf.as_mut_ptr().cast(), len) };
    Errno::result(ret)
}

fn case_inject() -> Result<String, String> {
    let tag = tag();
    for i in 0..127u32 {
        inject(&format!(
            "<{i}>{tag}TEST MESSAGE {i} prio: {}, facility: {}\n",
            i & 7,
            i >> 3
        ))?;
    }
    let fd = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
    let records = drain(&fd)?;
    let mut last = None;
    for r in &records {
        if last.is_some_and(|l| r.seq <= l) {
            return Err(format!("sequence {} after {}", r.seq, last.unwrap_or(0)));
        }
        last = Some(r.seq);
    }
    for i in 0..127u32 {
        let text = format!("{tag}TEST MESSAGE {i} prio:");
        let found = records
            .iter()
            .find(|r| r.text.starts_with(&text))
            .ok_or(format!("message {i} not found"))?;
        if found.prefix >> 3 == 0 {
            return Err(format!("message {i} kept the kernel's facility"));
        }
        if found.prefix & 7 != i & 7 {
            return Err(format!("message {i} has level {}", found.prefix & 7));
        }
    }
    Ok(format!(
        "127 messages found among {} records",
        records.len()
    ))
}

fn case_nonblock() -> Result<String, String> {
    let fd = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
    let mut buf = vec![0u8; READ_SIZE];
    let mut records = 0;
    loop {
        match read(&fd, &mut buf) {
            Ok(0) => return Err("a read returned 0".into()),
            Ok(_) => records += 1,
            Err(Errno::EPIPE) => {}
            Err(Errno::EAGAIN) => return Ok(format!("EAGAIN after {records} records")),
            Err(e) => return Err(format!("read: {e}")),
        }
    }
}

fn case_block() -> Result<String, String> {
    let fd = open_kmsg(OFlag::O_RDONLY)?;
    let reads = Arc::new(AtomicU64::new(0));
    let ended = Arc::new(AtomicBool::new(false));
    {
        let (reads, ended) = (reads.clone(), ended.clone());
        thread::spawn(move || {
            let mut buf = vec![0u8; READ_SIZE];
            loop {
                match read(&fd, &mut buf) {
                    Ok(n) if n > 0 => {}
                    Err(Errno::EPIPE) => {}
                    _ => break,
                }
                reads.fetch_add(1, Ordering::Relaxed);
            }
            ended.store(true, Ordering::Relaxed);
        });
    }
    // Quiet for 500 ms: at the end, and waiting.
    let mut seen = u64::MAX;
    while reads.load(Ordering::Relaxed) != seen {
        seen = reads.load(Ordering::Relaxed);
        thread::sleep(Duration::from_millis(500));
    }
    if ended.load(Ordering::Relaxed) {
        return Err(format!("the reader ended after {seen} reads"));
    }
    // The process exits with the reader still blocked in read().
    Ok(format!("blocked after {seen} reads"))
}

fn case_small_buffer() -> Result<String, String> {
    let fd = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
    let mut buf = [0u8; 1];
    match read(&fd, &mut buf) {
        Err(Errno::EINVAL) => Ok("EINVAL".into()),
        other => Err(format!("read of 1 byte: {other:?}")),
    }
}

fn case_readers() -> Result<String, String> {
    let x = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
    for _ in 0..10 {
        let seqs = [first_seq()?, first_seq()?, first_seq()?];
        match read_record(&x) {
            Ok(_) if seqs[0] == seqs[1] && seqs[1] == seqs[2] => {
                return Ok(format!("three readers at {}", seqs[0]))
            }
            Ok(_) => return Err(format!("readers at {seqs:?}")),
            // Overwritten meanwhile: again.
            Err(Errno::EPIPE) => thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    Err("overwritten ten times".into())
}

fn case_overwrite() -> Result<String, String> {
    let f = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
    let first = first_seq()?;
    let mut fillers = 0;
    while first_seq()? == first {
        for _ in 0..1024 {
            inject("<7>kmsg-check FILLER MESSAGE TO OVERWRITE OTHERS\n")?;
        }
        fillers += 1024;
    }
    match read_record(&f) {
        Err(Errno::EPIPE) => {}
        other => {
            return Err(format!(
                "first read after {fillers} fillers: {:?}",
                other.err()
            ))
        }
    }
    loop {
        match read_record(&f) {
            Ok(r) => {
                return Ok(format!(
                    "EPIPE after {fillers} fillers, then record {}",
                    r.seq
                ))
            }
            Err(Errno::EPIPE) => continue,
            Err(e) => return Err(format!("read after EPIPE: {e}")),
        }
    }
}

fn case_seek_set() -> Result<String, String> {
    for _ in 0..10 {
        let fd = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
        let before = read_record(&fd);
        lseek(&fd, 0, Whence::SeekSet).map_err(|e| format!("SEEK_SET: {e}"))?;
        let after = read_record(&fd);
        match (before, after) {
            (Ok(b), Ok(a)) if a.seq == b.seq => return Ok(format!("back at {}", a.seq)),
            (Ok(b), Ok(a)) => return Err(format!("{} then {}", b.seq, a.seq)),
            (Err(Errno::EPIPE), _) | (_, Err(Errno::EPIPE)) => {
                thread::sleep(Duration::from_millis(100))
            }
            (b, a) => return Err(format!("{:?}, {:?}", b.err(), a.err())),
        }
    }
    Err("overwritten ten times".into())
}

/// Whether any of `records` is one of this program's (any run's).
fn ours(records: &[Record]) -> Option<&Record> {
    records.iter().find(|r| r.text.starts_with("kmsg-check "))
}

fn case_seek_end() -> Result<String, String> {
    inject(&format!("<6>{}before SEEK_END\n", tag()))?;
    let fd = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
    lseek(&fd, 0, Whence::SeekEnd).map_err(|e| format!("SEEK_END: {e}"))?;
    match ours(&drain(&fd)?) {
        Some(r) => Err(format!("read {:?}", r.text)),
        None => Ok("nothing from before".into()),
    }
}

fn case_seek_data() -> Result<String, String> {
    inject(&format!("<6>{}before the clear\n", tag()))?;
    let fd = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
    drain(&fd)?;
    klogctl(SYSLOG_ACTION_CLEAR, &mut []).map_err(|e| format!("syslog(CLEAR): {e}"))?;
    lseek(&fd, 0, Whence::SeekData).map_err(|e| format!("SEEK_DATA: {e}"))?;
    match ours(&drain(&fd)?) {
        Some(r) => Err(format!("read {:?}", r.text)),
        None => Ok("nothing from before the clear".into()),
    }
}

/// Nanoseconds per call of `f`, over `iterations` calls.
fn per_call(iterations: u32, mut f: impl FnMut() -> Result<(), String>) -> Result<u128, String> {
    let start = Instant::now();
    for _ in 0..iterations {
        f()?;
    }
    Ok(start.elapsed().as_nanos() / u128::from(iterations.max(1)))
}

fn bench(iterations: u32) -> Result<String, String> {
    let mut buf = vec![0u8; READ_SIZE];
    // The slow paths get a twentieth of the calls.
    let open_read = per_call(iterations / 20, || {
        let fd = open_kmsg(OFlag::O_RDONLY | OFlag::O_NONBLOCK)?;
        read(&fd, &mut buf).map_err(|e| format!("read: {e}"))?;
        Ok(())
    })?;
    let size = per_call(iterations, || {
        klogctl(SYSLOG_ACTION_SIZE_BUFFER, &mut []).map_err(|e| format!("syslog: {e}"))?;
        Ok(())
    })?;
    let mut all = vec![0u8; READ_SIZE];
    let read_all = per_call(iterations / 20, || {
        klogctl(SYSLOG_ACTION_READ_ALL, &mut all).map_err(|e| format!("syslog: {e}"))?;
        Ok(())
    })?;
    Ok(format!(
        "devkmsg_open_read_ns={open_read} syslog_size_buffer_ns={size} syslog_read_all_4k_ns={read_all}"
    ))
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Case { case } => match case {
            Case::Inject => case_inject(),
            Case::Nonblock => case_nonblock(),
            Case::Block => case_block(),
            Case::SmallBuffer => case_small_buffer(),
            Case::Readers => case_readers(),
            Case::Overwrite => case_overwrite(),
            Case::SeekSet => case_seek_set(),
            Case::SeekEnd => case_seek_end(),
            Case::SeekData => case_seek_data(),
        },
        Command::Bench { iterations } => bench(iterations),
    };
    match result {
        Ok(what) => {
            println!("{what}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            println!("{why}");
            ExitCode::FAILURE
        }
    }
}

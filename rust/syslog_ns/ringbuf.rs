// SPDX-License-Identifier: GPL-2.0

//! A lockless, multi-writer ring buffer of log records.
//!
//! The printk ring buffer (kernel/printk/printk_ringbuffer.c) is the model:
//! records live in a data ring of bytes, and a descriptor ring, indexed by
//! sequence number, says where each record's data is and whether it is
//! finished. Its `prb_*` API is not exported, so this is our own, smaller
//! design:
//!
//! - **One reservation word.** `head` packs the 32 low bits of the next
//!   sequence number and the 32-bit logical byte position of the next
//!   record's data. A writer reserves both with one `cmpxchg`, so data
//!   positions grow in sequence order and a record's data ends where the next
//!   one's (after any padding) begins. `tail` packs the same pair for the
//!   oldest record still stored. Positions and sequence numbers wrap at 2^32;
//!   the sizes are powers of two, so indexes stay consistent across the wrap,
//!   and 64-bit sequence numbers are recovered from a nearby full one
//!   ([`widen`]).
//! - **Writers free space themselves.** Before reserving, a writer moves
//!   `tail` past the oldest records until its data and its descriptor are
//!   free. It only passes a record whose descriptor says "committed"; if the
//!   oldest record is still being written (its writer was interrupted for a
//!   whole lap of the ring) the new record is dropped and counted, rather
//!   than waiting: writers never spin on each other, never sleep and take no
//!   lock, so any context, NMI included, may write. A writer in a task runs
//!   with preemption off from reservation to commit.
//! - **Readers hold their own cursor** (a sequence number) and validate what
//!   they copied: a record whose sequence number `tail` has passed may have
//!   been overwritten while it was read, and reads as an overrun, with the
//!   oldest sequence number still stored.
//!
//! Memory ordering (LKMM terms):
//!
//! - A writer's successful `cmpxchg` of `tail` is fully ordered, so every
//!   store it then makes into the freed data or descriptor follows it. A
//!   reader loads the descriptor and the data, `smp_rmb()`, then loads `tail`:
//!   if it saw any of those later stores, it sees the moved `tail` and drops
//!   the copy (the message-passing pattern).
//! - A writer fills a descriptor's position and length and the data, then
//!   stores the descriptor's state "committed" with release. Readers and
//!   tail-pushers load the state with acquire before they use the rest.
//! - The descriptor's state holds the full sequence number, so a
//!   tail-pusher never mistakes an unfinished record for a finished one from
//!   the previous lap, and the data ring (where record text, which userspace
//!   chooses, may sit where a later record's header falls) is never parsed
//!   for structure: a record's extent comes only from its descriptor.
//!
//! Data words are atomics accessed with relaxed ordering, so a racing copy is
//! a torn copy that validation discards, never undefined behaviour.

use crate::{
    shim::{self, NoPreempt},
    uapi,
};
use core::{mem::size_of, ops::Deref, ptr::NonNull};
use kernel::{
    prelude::*,
    sync::{
        atomic::{
            Acquire,
            Atomic,
            Full,
            Relaxed,
            Release, //
        },
        barrier::{
            smp_mb,
            Read as ReadBarrier, //
        },
    },
};

/// The longest record text, as `/dev/kmsg` takes (`PRINTKRB_RECORD_MAX`).
pub(crate) const MAX_TEXT: usize = uapi::SYSLOG_NS_TEXT_MAX as usize;

/// Bytes of data per descriptor, on average: records are rarely shorter.
const AVG_RECORD: usize = 32;

/// Two words before each record's text: its timestamp and [`Meta::pack`].
const HEADER_WORDS: usize = 2;

/// The smallest and largest data ring: room for three records of
/// [`MAX_TEXT`] at least, and positions well inside 2^32.
pub(crate) const MIN_SIZE: usize = uapi::SYSLOG_NS_SIZE_MIN as usize;
pub(crate) const MAX_SIZE: usize = uapi::SYSLOG_NS_SIZE_MAX as usize;

const STATE_RESERVED: u64 = 1;
const STATE_COMMITTED: u64 = 2;

/// What a record says besides its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Meta {
    /// `local_clock()` at the write, in nanoseconds.
    pub(crate) ts_nsec: u64,
    /// Syslog level, 0 (emerg) to 7 (debug).
    pub(crate) level: u8,
    /// Syslog facility, 0 (kern) to 23 (local7) and beyond, as `/dev/kmsg`.
    pub(crate) facility: u8,
    /// A continuation fragment (`c` in the `/dev/kmsg` flags).
    pub(crate) cont: bool,
    /// printk's caller id: the thread id, or `0x80000000 | cpu` outside a task.
    pub(crate) caller: u32,
}

impl Meta {
    fn pack(&self, text_len: usize) -> u64 {
        u64::from(self.level & 7)
            | u64::from(self.facility) << 3
            | u64::from(self.cont) << 11
            | (text_len as u64) << 16
            | u64::from(self.caller) << 32
    }

    /// The meta and the text length from a header; a torn header gives some
    /// length below 2^16, which the caller clamps and then discards.
    fn unpack(ts_nsec: u64, word: u64) -> (Self, usize) {
        let meta = Meta {
            ts_nsec,
            level: (word & 7) as u8,
            facility: (word >> 3) as u8,
            cont: word & (1 << 11) != 0,
            caller: (word >> 32) as u32,
        };
        (meta, ((word >> 16) & 0xffff) as usize)
    }
}

/// Why a write did not store a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WriteError {
    /// The text is longer than [`MAX_TEXT`].
    TooLong,
    /// The oldest record was still being written: this one was dropped.
    Busy,
}

/// What a read at a sequence number found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// The record: its meta and how many bytes of text were copied.
    Record(Meta, usize),
    /// Not written yet (or still being written).
    Empty,
    /// Overwritten; `oldest` is the first sequence number still stored.
    Overrun { oldest: u64 },
}

/// One descriptor: where a record's data is and whether it is finished.
///
/// # Invariants
///
/// `state` is `seq << 2 | STATE_*` of the last record that used it; `begin`
/// and `len` are that record's data once `state` says committed.
struct Desc {
    state: Atomic<u64>,
    begin: Atomic<u32>,
    len: Atomic<u32>,
}

/// The ring buffer.
///
/// # Invariants
///
/// - `data.len() * 8` and `descs.len()` are powers of two, the data ring at
///   least [`MIN_SIZE`] and at most [`MAX_SIZE`] bytes.
/// - Records from `tail` up to `head` are stored: each in the descriptor of
///   its sequence number modulo `descs.len()`, its data at
///   `[begin, begin + len)` of the data ring (modulo its size), between
///   `tail`'s and `head`'s positions.
pub(crate) struct RingBuffer {
    head: Atomic<u64>,
    tail: Atomic<u64>,
    /// The highest sequence number committed, full width: [`widen`]s the
    /// writers' 32-bit ones.
    last_seq: Atomic<u64>,
    dropped: Atomic<u64>,
    descs: AccountedArray<Desc>,
    data: AccountedArray<Atomic<u64>>,
}

/// A type whose all-zero bit pattern is a valid value.
///
/// # Safety
///
/// An all-zero `Self` is valid.
unsafe trait ZeroIsValid {}

// SAFETY: an atomic integer of value 0.
unsafe impl ZeroIsValid for Atomic<u64> {}
// SAFETY: three atomic integers of value 0, the state of an unused descriptor.
unsafe impl ZeroIsValid for Desc {}

/// A zeroed array from `kvmalloc()`, charged to the memory cgroup of the task
/// that creates it. The kernel crate's `KVVec` cannot ask for
/// `__GFP_RETRY_MAYFAIL`, without which a charge over a cgroup's
/// `memory.max` calls that cgroup's OOM killer instead of failing.
///
/// # Invariants
///
/// `ptr` points to `len` `T`s, all zeroed when allocated (valid, as
/// `T: ZeroIsValid`), from `syslog_ns_alloc_accounted()` and freed only by
/// `drop`.
struct AccountedArray<T: ZeroIsValid> {
    ptr: NonNull<T>,
    len: usize,
}

impl<T: ZeroIsValid> AccountedArray<T> {
    /// `len` zeroed `T`s; `ENOMEM` when the memory or its charge is refused.
    fn new(len: usize) -> Result<Self> {
        let bytes = len.checked_mul(size_of::<T>()).ok_or(ENOMEM)?;
        // SAFETY: process context, the caller's (it may sleep); freed in
        // `drop`.
        let ptr = unsafe { shim::raw::syslog_ns_alloc_accounted(bytes) };
        // INVARIANT: `bytes` zeroed bytes, suitably aligned for any `T` of
        // the ring (kvmalloc aligns to at least 8).
        let ptr = NonNull::new(ptr.cast::<T>()).ok_or(ENOMEM)?;
        Ok(AccountedArray { ptr, len })
    }
}

impl<T: ZeroIsValid> Deref for AccountedArray<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // SAFETY: `len` valid `T`s live as long as `self` (type invariant);
        // they are only ever shared (they are atomics).
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: ZeroIsValid> Drop for AccountedArray<T> {
    fn drop(&mut self) {
        // SAFETY: from `syslog_ns_alloc_accounted()` (type invariant).
        unsafe { shim::raw::syslog_ns_free_accounted(self.ptr.as_ptr().cast()) };
    }
}

// SAFETY: the elements are atomics, shared and sent between threads as such.
unsafe impl<T: ZeroIsValid + Sync> Send for AccountedArray<T> {}
// SAFETY: as above.
unsafe impl<T: ZeroIsValid + Sync> Sync for AccountedArray<T> {}

fn pack(seq: u32, pos: u32) -> u64 {
    u64::from(seq) << 32 | u64::from(pos)
}

fn unpack(word: u64) -> (u32, u32) {
    ((word >> 32) as u32, word as u32)
}

/// `a` is at or after `b`, for values that wrap at 2^32 and are never 2^31
/// apart.
fn at_or_after(a: u32, b: u32) -> bool {
    a.wrapping_sub(b) as i32 >= 0
}

/// The full sequence number whose 32 low bits are `low`, of those closest to
/// `near`.
fn widen(low: u32, near: u64) -> u64 {
    near.wrapping_add(i64::from(low.wrapping_sub(near as u32) as i32) as u64)
}

/// Bytes a record with `text_len` bytes of text takes in the data ring.
fn record_len(text_len: usize) -> u32 {
    (HEADER_WORDS * 8 + text_len.next_multiple_of(8)) as u32
}

impl RingBuffer {
    /// A ring of `size` bytes of data (rounded up to a power of two and
    /// clamped to [`MIN_SIZE`]..=[`MAX_SIZE`]).
    pub(crate) fn new(size: usize) -> Result<Self> {
        let size = size.clamp(MIN_SIZE, MAX_SIZE).next_power_of_two();
        let data = AccountedArray::new(size / 8)?;
        let descs = AccountedArray::new(size / AVG_RECORD)?;
        Ok(Self {
            head: Atomic::new(0),
            tail: Atomic::new(0),
            last_seq: Atomic::new(0),
            dropped: Atomic::new(0),
            descs,
            data,
        })
    }

    /// Bytes of the data ring.
    pub(crate) fn size(&self) -> usize {
        self.data.len() * 8
    }

    /// Records dropped because the oldest one was still being written.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Relaxed)
    }

    fn desc(&self, seq: u32) -> &Desc {
        // `descs.len()` is a power of two (type invariant).
        &self.descs[seq as usize & (self.descs.len() - 1)]
    }

    fn word(&self, pos: u32) -> &Atomic<u64> {
        // `data.len()` is a power of two (type invariant).
        &self.data[(pos as usize / 8) & (self.data.len() - 1)]
    }

    /// The first sequence number still stored.
    pub(crate) fn oldest_seq(&self) -> u64 {
        let (seq, _) = unpack(self.tail.load(Acquire));
        widen(seq, self.last_seq.load(Relaxed))
    }

    /// The sequence number the next record will get.
    pub(crate) fn next_seq(&self) -> u64 {
        let (seq, _) = unpack(self.head.load(Acquire));
        widen(seq, self.last_seq.load(Relaxed))
    }

    /// Bytes of the data ring that stored records (and padding) take.
    pub(crate) fn used_bytes(&self) -> u32 {
        let (_, tail) = unpack(self.tail.load(Acquire));
        let (_, head) = unpack(self.head.load(Acquire));
        head.wrapping_sub(tail)
    }

    /// Stores a record; returns its sequence number. Never sleeps, spins or
    /// locks.
    pub(crate) fn write(&self, meta: &Meta, text: &[u8]) -> Result<u64, WriteError> {
        if text.len() > MAX_TEXT {
            return Err(WriteError::TooLong);
        }
        let size = self.size() as u32;
        let len = record_len(text.len());
        // Preempted between reservation and commit, a writer would hold up
        // every other one for as long as it waits for the CPU.
        let _no_preempt = NoPreempt::new();
        let (seq_low, begin) = loop {
            let head = self.head.load(Relaxed);
            let (seq, pos) = unpack(head);
            // A record never wraps: what is left before the end is padding.
            let room = size - (pos & (size - 1));
            let pad = if len > room { room } else { 0 };
            let end = pos.wrapping_add(pad + len);
            let free_pos = end.wrapping_sub(size);
            let free_seq = seq.wrapping_add(1).wrapping_sub(self.descs.len() as u32);
            if !self.push_tail(free_pos, free_seq) {
                self.dropped.fetch_add(1, Relaxed);
                return Err(WriteError::Busy);
            }
            let new = pack(seq.wrapping_add(1), end);
            if self.head.cmpxchg(head, new, Full).is_ok() {
                break (seq, pos.wrapping_add(pad));
            }
        };
        let seq = widen(seq_low, self.last_seq.load(Relaxed));
        let desc = self.desc(seq_low);
        desc.state.store(seq << 2 | STATE_RESERVED, Relaxed);
        desc.begin.store(begin, Relaxed);
        desc.len.store(len, Relaxed);
        self.word(begin).store(meta.ts_nsec, Relaxed);
        self.word(begin + 8).store(meta.pack(text.len()), Relaxed);
        for (i, chunk) in text.chunks(8).enumerate() {
            let mut bytes = [0u8; 8];
            bytes[..chunk.len()].copy_from_slice(chunk);
            self.word(begin + 16 + 8 * i as u32)
                .store(u64::from_le_bytes(bytes), Relaxed);
        }
        desc.state.store(seq << 2 | STATE_COMMITTED, Release);
        let mut last = self.last_seq.load(Relaxed);
        while last < seq {
            match self.last_seq.cmpxchg(last, seq, Relaxed) {
                Ok(_) => break,
                Err(now) => last = now,
            }
        }
        Ok(seq)
    }

    /// Moves `tail` until it is at or after both `pos` and `seq`; false if a
    /// record in the way is not committed yet.
    fn push_tail(&self, pos: u32, seq: u32) -> bool {
        loop {
            let tail = self.tail.load(Acquire);
            let (tail_seq, tail_pos) = unpack(tail);
            if at_or_after(tail_pos, pos) && at_or_after(tail_seq, seq) {
                return true;
            }
            let (head_seq, _) = unpack(self.head.load(Acquire));
            if tail_seq == head_seq {
                // Nothing stored: whatever the reservation needs is free.
                return true;
            }
            let desc = self.desc(tail_seq);
            let state = desc.state.load(Acquire);
            if state & 3 != STATE_COMMITTED || (state >> 2) as u32 != tail_seq {
                return false;
            }
            let end = desc
                .begin
                .load(Relaxed)
                .wrapping_add(desc.len.load(Relaxed));
            // Failing means another writer moved it: look again.
            let _ = self
                .tail
                .cmpxchg(tail, pack(tail_seq.wrapping_add(1), end), Full);
        }
    }

    /// Whether a read at `seq` would find something other than
    /// [`Read::Empty`]: the record committed, or overwritten already.
    pub(crate) fn readable(&self, seq: u64) -> bool {
        let (oldest, _) = unpack(self.tail.load(Acquire));
        !at_or_after(seq as u32, oldest)
            || self.desc(seq as u32).state.load(Acquire) == seq << 2 | STATE_COMMITTED
    }

    /// Reads the record `seq`: its meta, and its text into `text` (which
    /// must hold [`MAX_TEXT`] bytes).
    pub(crate) fn read(&self, seq: u64, text: &mut [u8; MAX_TEXT]) -> Read {
        let seq_low = seq as u32;
        let overrun = |tail: u64| {
            let (oldest, _) = unpack(tail);
            if at_or_after(seq_low, oldest) {
                None
            } else {
                Some(Read::Overrun {
                    oldest: widen(oldest, seq),
                })
            }
        };
        if let Some(read) = overrun(self.tail.load(Acquire)) {
            return read;
        }
        let desc = self.desc(seq_low);
        if desc.state.load(Acquire) != seq << 2 | STATE_COMMITTED {
            // Not written yet, unless it was overwritten since `tail` was read.
            smp_mb(ReadBarrier);
            return overrun(self.tail.load(Relaxed)).unwrap_or(Read::Empty);
        }
        let begin = desc.begin.load(Relaxed);
        let ts_nsec = self.word(begin).load(Relaxed);
        let (meta, len) = Meta::unpack(ts_nsec, self.word(begin + 8).load(Relaxed));
        let len = len.min(MAX_TEXT);
        for (i, chunk) in text[..len].chunks_mut(8).enumerate() {
            let word = self.word(begin + 16 + 8 * i as u32).load(Relaxed);
            chunk.copy_from_slice(&word.to_le_bytes()[..chunk.len()]);
        }
        smp_mb(ReadBarrier);
        overrun(self.tail.load(Relaxed)).unwrap_or(Read::Record(meta, len))
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(syslog_ns_ringbuf)]
mod tests {
    use super::*;
    use kernel::{
        sync::Arc,
        time::{
            delay::fsleep,
            Delta, //
        },
        workqueue,
    };

    fn meta(n: u64) -> Meta {
        Meta {
            ts_nsec: n * 1000,
            level: (n % 8) as u8,
            facility: (n % 24) as u8,
            cont: n % 5 == 0,
            caller: n as u32 | 0x8000_0000,
        }
    }

    /// "record <n> " repeated to `len` bytes.
    fn text(n: u64, len: usize, buf: &mut [u8; MAX_TEXT]) -> usize {
        let mut w = kernel::str::Formatter::new(buf);
        let mut i = 0;
        while w.bytes_written() < len {
            let _ = core::fmt::Write::write_fmt(&mut w, format_args!("record {n}.{i} "));
            i += 1;
        }
        len.min(MAX_TEXT)
    }

    fn expect_record(rb: &RingBuffer, seq: u64, n: u64, len: usize) {
        let mut want = [0u8; MAX_TEXT];
        let mut got = [0u8; MAX_TEXT];
        let want_len = text(n, len, &mut want);
        assert_eq!(rb.read(seq, &mut got), Read::Record(meta(n), want_len));
        assert_eq!(&got[..want_len], &want[..want_len]);
    }

    #[test]
    fn an_empty_ring_reads_empty() {
        let rb = RingBuffer::new(MIN_SIZE).unwrap();
        let mut buf = [0u8; MAX_TEXT];
        assert_eq!(rb.read(0, &mut buf), Read::Empty);
        assert_eq!(rb.read(7, &mut buf), Read::Empty);
        assert_eq!(rb.oldest_seq(), 0);
        assert_eq!(rb.next_seq(), 0);
        assert_eq!(rb.size(), MIN_SIZE);
    }

    #[test]
    fn records_read_back_in_order() {
        let rb = RingBuffer::new(MIN_SIZE).unwrap();
        let mut buf = [0u8; MAX_TEXT];
        for n in 0..10u64 {
            let len = text(n, (n as usize * 7) % 60, &mut buf);
            assert_eq!(rb.write(&meta(n), &buf[..len]), Ok(n));
        }
        for n in 0..10u64 {
            expect_record(&rb, n, n, (n as usize * 7) % 60);
        }
        assert_eq!(rb.read(10, &mut buf), Read::Empty);
        assert_eq!(rb.next_seq(), 10);
    }

    #[test]
    fn wrap_around_keeps_the_newest_and_reports_the_overrun() {
        let rb = RingBuffer::new(MIN_SIZE).unwrap();
        let mut buf = [0u8; MAX_TEXT];
        // Lengths that do not divide the ring: records straddle its end.
        let total = 1000u64;
        for n in 0..total {
            let len = text(n, 40 + (n as usize * 13) % 200, &mut buf);
            assert_eq!(rb.write(&meta(n), &buf[..len]), Ok(n));
        }
        let oldest = rb.oldest_seq();
        assert!(oldest > 0 && oldest < total);
        assert_eq!(rb.read(0, &mut buf), Read::Overrun { oldest });
        assert_eq!(rb.read(oldest - 1, &mut buf), Read::Overrun { oldest });
        for n in oldest..total {
            expect_record(&rb, n, n, 40 + (n as usize * 13) % 200);
        }
        // Everything stored fits: at most one ring of data.
        let stored: usize = (oldest..total)
            .map(|n| record_len(40 + (n as usize * 13) % 200) as usize)
            .sum();
        assert!(stored <= rb.size());
        assert_eq!(rb.dropped(), 0);
    }

    #[test]
    fn the_maximum_record_fits_and_one_byte_more_does_not() {
        let rb = RingBuffer::new(MIN_SIZE).unwrap();
        let mut buf = [0u8; MAX_TEXT + 1];
        buf.fill(b'x');
        assert_eq!(
            rb.write(&meta(1), &buf[..MAX_TEXT + 1]),
            Err(WriteError::TooLong)
        );
        for seq in 0..8 {
            assert_eq!(rb.write(&meta(1), &buf[..MAX_TEXT]), Ok(seq));
        }
        let mut got = [0u8; MAX_TEXT];
        assert_eq!(rb.read(7, &mut got), Read::Record(meta(1), MAX_TEXT));
        assert!(got.iter().all(|&b| b == b'x'));
        assert_eq!(
            rb.read(0, &mut got),
            Read::Overrun {
                oldest: rb.oldest_seq()
            }
        );
    }

    #[test]
    fn sequence_numbers_survive_the_32_bit_wrap() {
        assert_eq!(widen(5, 0x1_0000_0000 - 3), 0x1_0000_0005);
        assert_eq!(widen(0xffff_fffe, 0x1_0000_0002), 0xffff_fffe);
        assert_eq!(widen(9, 7), 9);
        assert!(at_or_after(2, 0xffff_fff0));
        assert!(!at_or_after(0xffff_fff0, 2));
    }

    const WRITERS: u64 = 4;
    const PER_WRITER: u64 = 3000;

    /// Writer `w` writes "w <w> n <n>" for n = 0, 1, ... with meta(w).
    fn write_many(rb: &RingBuffer, w: u64) {
        let mut buf = [0u8; MAX_TEXT];
        for n in 0..PER_WRITER {
            let mut f = kernel::str::Formatter::new(&mut buf);
            let _ = core::fmt::Write::write_fmt(&mut f, format_args!("w {w} n {n}"));
            let len = f.bytes_written();
            let _ = rb.write(&meta(w), &buf[..len]);
        }
    }

    /// Parses "w <w> n <n>".
    fn parse(text: &[u8]) -> Option<(u64, u64)> {
        let s = core::str::from_utf8(text).ok()?;
        let mut it = s.split(' ');
        if it.next()? != "w" {
            return None;
        }
        let w = it.next()?.parse().ok()?;
        if it.next()? != "n" {
            return None;
        }
        Some((w, it.next()?.parse().ok()?))
    }

    #[test]
    fn concurrent_writers_against_a_reader() {
        let rb = Arc::new(RingBuffer::new(MIN_SIZE).unwrap(), GFP_KERNEL).unwrap();
        let done = Arc::new(Atomic::<u64>::new(0), GFP_KERNEL).unwrap();
        for w in 0..WRITERS {
            let (rb, done) = (rb.clone(), done.clone());
            workqueue::system_unbound()
                .try_spawn(GFP_KERNEL, move || {
                    write_many(&rb, w);
                    done.fetch_add(1, Full);
                })
                .unwrap();
        }
        // Read along while they write: every record read is whole, each
        // writer's records come in its order, and overruns move the cursor
        // forward only.
        let mut last = [None::<u64>; WRITERS as usize];
        let (mut seq, mut read, mut overruns) = (0u64, 0u64, 0u64);
        let mut buf = [0u8; MAX_TEXT];
        let mut idle = 0;
        loop {
            match rb.read(seq, &mut buf) {
                Read::Record(m, len) => {
                    let parsed = parse(&buf[..len]);
                    assert!(parsed.is_some());
                    let (w, n) = parsed.unwrap_or_default();
                    assert_eq!(m, meta(w));
                    if let Some(prev) = last[w as usize] {
                        assert!(n > prev);
                    }
                    last[w as usize] = Some(n);
                    seq += 1;
                    read += 1;
                }
                Read::Overrun { oldest } => {
                    assert!(oldest > seq);
                    seq = oldest;
                    overruns += 1;
                }
                Read::Empty => {
                    if done.load(Acquire) == WRITERS && seq == rb.next_seq() {
                        break;
                    }
                    // Ten seconds without the writers finishing fails.
                    idle += 1;
                    assert!(idle < 100_000);
                    fsleep(Delta::from_micros(100));
                }
            }
        }
        assert_eq!(rb.next_seq() + rb.dropped(), WRITERS * PER_WRITER);
        assert!(read > 0);
        pr_info!(
            "ringbuf: {} records by {WRITERS} writers, {read} read, {overruns} overruns, {} dropped\n",
            rb.next_seq(),
            rb.dropped()
        );
    }
}

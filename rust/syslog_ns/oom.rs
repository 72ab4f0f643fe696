// SPDX-License-Identifier: GPL-2.0

//! The OOM killer's report of a kill, in the log of its victim's namespace,
//! whichever task printed it: a kubelet in a container learns of its pods'
//! OOM kills from the kernel log (kind#662, k3s#3011).
//!
//! The report's lines are the kernel's own text, taken from the printk
//! console tracepoint as they are printed (the host's log has them as
//! ever), and routed by the victim's pid that each one names:
//!
//! - `oom-kill:constraint=...,task=<comm>,pid=<pid>,uid=<uid>`, printed in
//!   `pr_cont()` pieces, which are put together first (up to the last,
//!   `,task=...`);
//! - `<reason>: Killed process <pid> (<comm>) total-vm:...`;
//! - `oom_reaper: reaped process <pid> (<comm>), now anon-rss:...`, while
//!   the victim can still be found.
//!
//! The constraint line names the victim's memory cgroups by their path
//! from the host's root: that is what the kernel prints, and what a kubelet
//! matches.

use crate::{
    common::text::parse_decimal,
    log::{self, Source},
    ringbuf::MAX_TEXT,
    user_ns::UserNamespace,
};
use kernel::{
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        rcu,
    },
    task::Task,
};

const CONSTRAINT: &[u8] = b"oom-kill:constraint=";
const CONSTRAINT_PID: &[u8] = b",pid=";
/// The constraint line's last piece: printk hands the tracepoint each
/// piece without its newline, so the end is known by its text.
const CONSTRAINT_LAST: &[u8] = b",task=";
const KILLED: &[u8] = b": Killed process ";
const REAPED: &[u8] = b"oom_reaper: reaped process ";

/// `pr_info()` and `pr_err()`, the levels the report's lines are printed at.
const LEVEL_INFO: u8 = 6;
const LEVEL_ERR: u8 = 3;

/// The constraint line being put together, and the task printing it.
struct Pending {
    text: [u8; MAX_TEXT],
    len: usize,
}

kernel::sync::global_lock! {
    // SAFETY: `init()` initialises it in the module's init, before the
    // console probe is registered.
    unsafe(uninit) static PENDING: SpinLock<Pending> = Pending { text: [0; MAX_TEXT], len: 0 };
}

/// The task whose constraint line is pending (its `task_struct`), or 0.
static PRINTER: Atomic<usize> = Atomic::new(0);

/// Initialises the pending line's lock; once, from the module's init.
pub(crate) fn init() {
    // SAFETY: called once, from the module's init, before any use.
    unsafe { PENDING.init() };
}

fn find(text: &[u8], what: &[u8]) -> Option<usize> {
    text.windows(what.len())
        .position(|w| w == what)
        .map(|at| at + what.len())
}

/// The pid in decimal at the start of `text`.
fn pid_at(text: &[u8]) -> Option<i32> {
    let digits = text.iter().take_while(|c| c.is_ascii_digit()).count();
    let pid = parse_decimal(&text[..digits]).ok()?;
    i32::try_from(pid).ok()
}

/// Stores `text` in the log of task `pid`'s namespace, if it has one.
fn route(pid: i32, level: u8, text: &[u8]) {
    let Some(ns) = UserNamespace::of_task(pid) else {
        return;
    };
    let rcu = rcu::read_lock();
    if let Some(log) = log::find(&ns, &rcu) {
        // Captured: the host's log has the line already.
        let _ = log.store(level, 0, text, Source::Captured);
    }
}

/// A piece of printk text, from the console probe (a task's, interrupts
/// off); whether it was part of an OOM report, and so taken.
pub(crate) fn text(text: &[u8]) -> bool {
    let me = Task::current_raw() as usize;
    if text.starts_with(CONSTRAINT) {
        let mut pending = PENDING.lock();
        PRINTER.store(me, Relaxed);
        pending.len = 0;
        append(&mut pending, text);
        return true;
    }
    if PRINTER.load(Relaxed) == me {
        // The line's pieces start with ',' (a field) or '/' (a cgroup's
        // path); anything else means it ended unseen: it is dropped.
        if text.starts_with(b",") || text.starts_with(b"/") {
            let mut pending = PENDING.lock();
            append(&mut pending, text);
            return true;
        }
        PRINTER.store(0, Relaxed);
    }
    // "Out of memory" or "Memory cgroup out of memory", then the pid.
    let head = &text[..text.len().min(64)];
    if let Some(at) = find(head, KILLED) {
        if let Some(pid) = pid_at(&text[at..]) {
            route(pid, LEVEL_ERR, text);
        }
        return true;
    }
    if let Some(pid) = text.strip_prefix(REAPED).and_then(pid_at) {
        route(pid, LEVEL_INFO, text);
        return true;
    }
    false
}

/// Adds a piece to the pending constraint line; routes it once complete.
fn append(pending: &mut Pending, piece: &[u8]) {
    let room = pending.text.len() - pending.len;
    let n = piece.len().min(room);
    let len = pending.len;
    pending.text[len..len + n].copy_from_slice(&piece[..n]);
    pending.len += n;
    if !piece.starts_with(CONSTRAINT_LAST) {
        return;
    }
    PRINTER.store(0, Relaxed);
    let line = &pending.text[..pending.len];
    if let Some(pid) = find(line, CONSTRAINT_PID).and_then(|at| pid_at(&line[at..])) {
        route(pid, LEVEL_INFO, line);
    }
}

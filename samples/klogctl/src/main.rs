// SPDX-License-Identifier: GPL-2.0

//! klogctl: one syslog(2) call, with the action, buffer and length given.
//!
//! util-linux `dmesg` uses a few of syslog(2)'s actions and hides their
//! errors behind its fallbacks; this calls any of them, as LTP's syslog11
//! and syslog12 do, and says exactly what came back: the data read on
//! standard output, the return value on standard error, and the errno's
//! name on failure (exit status 1).

use clap::{Parser, ValueEnum};
use nix::errno::Errno;
use std::io::Write;
use std::process::ExitCode;

/// syslog(2)'s actions (include/linux/syslog.h).
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Action {
    Close = 0,
    Open = 1,
    Read = 2,
    ReadAll = 3,
    ReadClear = 4,
    Clear = 5,
    ConsoleOff = 6,
    ConsoleOn = 7,
    ConsoleLevel = 8,
    SizeUnread = 9,
    SizeBuffer = 10,
}

#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The action, by name.
    #[arg(conflicts_with = "number", required_unless_present = "number")]
    action: Option<Action>,

    /// The action as a raw number instead (for actions out of range).
    #[arg(long)]
    number: Option<i32>,

    /// syslog(2)'s len: the buffer's size for the read actions, the level
    /// for console-level. Negative values are passed as they are.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    len: i32,

    /// Pass a null buffer.
    #[arg(long)]
    null: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let action = cli
        .number
        .unwrap_or_else(|| cli.action.map_or(0, |a| a as i32));
    let mut buf = vec![0u8; cli.len.max(1) as usize];
    let ptr = if cli.null {
        std::ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast()
    };
    // SAFETY: `ptr` is null or `buf`, which holds at least `len` bytes when
    // `len` is positive; the kernel writes at most `len`.
    let ret = unsafe { libc::klogctl(action, ptr, cli.len) };
    if ret < 0 {
        let errno = Errno::last();
        eprintln!("klogctl: action {action}: {errno}");
        return ExitCode::FAILURE;
    }
    eprintln!("klogctl: action {action}: returned {ret}");
    let is_read = matches!(action, 2..=4);
    if is_read && !cli.null {
        let data = &buf[..(ret as usize).min(buf.len())];
        if std::io::stdout().write_all(data).is_err() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

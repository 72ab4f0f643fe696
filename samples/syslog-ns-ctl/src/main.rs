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

mod cli;
mod commands;
mod device;
mod error;
mod ioctl;
mod output;
mod record;

use anyhow::Result;
use clap::Parser;
use cli::Args;
use device::{Device, Mode};
use error::SysError;
use std::io::{self, Write};
use std::process::ExitCode;

fn run(args: &Args) -> Result<()> {
    if args.read_clear {
        return commands::read_clear(args);
    }
    if args.clear {
        Device::open(&args.device, Mode::Control)?.clear()?;
    } else if let Some(level) = args.console_level {
        Device::open(&args.device, Mode::Control)?.set_console_level(level)?;
    } else if args.create {
        Device::open(&args.device, Mode::Control)?.create(args.size.unwrap_or(0))?;
        // A descriptor stays on the log its opener had at open(), which was
        // not the new one: show the new one through a new descriptor.
        commands::print_info(args)?;
    } else if args.info {
        commands::print_info(args)?;
    } else if let Some(text) = &args.write {
        let prio = (args.facility << 3) | args.level;
        Device::open(&args.device, Mode::Write)?
            .write_record(format!("<{prio}>{text}").as_bytes())?;
    } else {
        commands::print_log(args)?;
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

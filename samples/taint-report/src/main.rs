// SPDX-License-Identifier: GPL-2.0

//! taint-report: explain why the running kernel is tainted.
//!
//! Decodes `/proc/sys/kernel/tainted` and every `/sys/module/*/taint` with
//! the flag table taint_audit itself uses (`rust/taint_audit/abi.rs`), merges
//! the audit module's records when it is loaded (who set each flag first,
//! each module's signature as the loader saw it), and says it in plain words
//! or as JSON. With `--allow LETTERS` it exits 1 when a flag outside LETTERS
//! is set, so a CI job can insist on, say, `--allow OEN`.

use anyhow::{
    Context,
    Result, //
};
use clap::Parser;
use std::{
    path::PathBuf,
    process::ExitCode, //
};

#[path = "../../../rust/taint_audit/abi.rs"]
mod abi;
mod report;

use report::Report;

/// Explain why the running kernel is tainted.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,

    /// Taint letters that are acceptable (e.g. OEN); exit 1 if any other is set.
    #[arg(long, value_name = "LETTERS")]
    allow: Option<String>,

    /// Where procfs is mounted.
    #[arg(long, default_value = "/proc", value_name = "DIR")]
    proc: PathBuf,

    /// Where sysfs is mounted.
    #[arg(long, default_value = "/sys", value_name = "DIR")]
    sys: PathBuf,

    /// Where debugfs is mounted (taint_audit's records live there).
    #[arg(long, default_value = "/sys/kernel/debug", value_name = "DIR")]
    debugfs: PathBuf,
}

fn run(args: &Args) -> Result<bool> {
    let allowed = match &args.allow {
        Some(letters) => Some(report::parse_allowed(letters)?),
        None => None,
    };
    let report = Report::gather(&args.proc, &args.sys, &args.debugfs, allowed.as_deref())?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("encoding JSON")?
        );
    } else {
        print!("{}", report.to_text());
    }
    Ok(report.disallowed.is_empty())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("taint-report: {err:#}");
            ExitCode::from(2)
        }
    }
}

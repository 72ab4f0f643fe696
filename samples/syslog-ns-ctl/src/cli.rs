// SPDX-License-Identifier: GPL-2.0

//! The command line: the options, their help, and the parsing of levels,
//! facilities and sizes as `dmesg` takes them.

use crate::uapi;
use clap::{ArgGroup, Parser};
use std::ffi::{CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// syslog's level names, by level, as `dmesg` spells them.
const LEVEL_NAMES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
];

/// syslog's facility names, by facility, as `dmesg` spells them.
const FACILITY_NAMES: [&str; 24] = [
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "res0", "res1", "res2", "res3", "local0", "local1", "local2", "local3", "local4",
    "local5", "local6", "local7",
];

const AFTER_HELP: &str = "\
Levels: emerg alert crit err warn notice info debug (0..7).
Facilities: kern user mail daemon auth syslog lpr news uucp cron authpriv ftp
  res0..res3 local0..local7 (0..23). A record written with facility kern is
  logged as user, as /dev/kmsg does.

Records print as dmesg prints them: [seconds.micro] text, characters that are
neither printable nor white space as \\xNN. With -J, one {\"dmesg\": [...]}
document as dmesg --json; with -J and -w or -W, one JSON object per line (JSON
Lines) as each record comes. With -w or -W, records overwritten before they
could be read are noted on stderr as \"(N records lost)\".

Exit status: 0 on success; 1 on error, with the errno's name and number in the
message, e.g. \"(EPERM, errno 1)\"; 2 on bad usage.";

/// Print, follow, clear and control the kernel log of this user namespace
/// (syslog_ns's /dev/kmsg_ns), as dmesg does the host's.
///
/// Without an action, print the records written since the last clear.
#[derive(Parser, Debug)]
#[command(version, about, after_help = AFTER_HELP)]
#[command(group(
    ArgGroup::new("action")
        .args(["read_clear", "clear", "console_level", "create", "info", "write"])
))]
pub struct Args {
    /// The log's device.
    #[arg(short, long, value_name = "PATH", default_value_os_t = default_device())]
    pub device: PathBuf,

    /// Print the records since the last clear, then clear (SYSLOG_NS_IOC_READ_CLEAR).
    #[arg(short = 'c', long)]
    pub read_clear: bool,

    /// Clear the log: later prints and -c start after the records it holds
    /// now.
    #[arg(short = 'C', long)]
    pub clear: bool,

    /// The buffer for each SYSLOG_NS_IOC_READ_CLEAR of -c in bytes, at least
    /// 4096 as in dmesg [default: the log's size]. -c repeats the ioctl until
    /// it has printed every record written before it started.
    #[arg(short = 's', long, value_name = "BYTES", requires = "read_clear")]
    pub buffer_size: Option<u32>,

    /// Set the log's console level, as dmesg -n: records below it are copied
    /// to the host's log when the module mirrors. A number 1..8, or a level
    /// name for that level plus one (err sets 4).
    #[arg(short = 'n', long, value_name = "LEVEL", value_parser = parse_console_level)]
    pub console_level: Option<u32>,

    /// Print the records, then wait for new ones and print them.
    #[arg(short = 'w', long, conflicts_with = "action")]
    pub follow: bool,

    /// Wait for new records and print only those.
    #[arg(short = 'W', long, conflicts_with = "action")]
    pub follow_new: bool,

    /// Print JSON, as dmesg --json (one object per line with -w or -W).
    #[arg(short = 'J', long)]
    pub json: bool,

    /// Print raw lines with the priority, as dmesg -r: <6>[    1.234567] text.
    #[arg(short, long, conflicts_with = "json")]
    pub raw: bool,

    /// Create a log for this user namespace (needs CAP_SYSLOG in it), then
    /// print its state as --info does.
    #[arg(long)]
    pub create: bool,

    /// The new log's buffer in bytes, rounded up to a power of two; 0 for
    /// the module's default.
    #[arg(long, value_name = "BYTES", requires = "create", value_parser = parse_log_size)]
    pub size: Option<u32>,

    /// Print the log's state (SYSLOG_NS_IOC_INFO, and the bytes of the
    /// records since the last clear) as key=value lines, or JSON with -J.
    #[arg(long)]
    pub info: bool,

    /// Add a record with this text (one line).
    #[arg(long, value_name = "TEXT")]
    pub write: Option<String>,

    /// The level of --write: 0..7 or a name.
    #[arg(
        short,
        long,
        value_name = "LEVEL",
        requires = "write",
        value_parser = parse_level,
        default_value = "info"
    )]
    pub level: u32,

    /// The facility of --write: 0..23 or a name.
    #[arg(
        long,
        value_name = "FACILITY",
        requires = "write",
        value_parser = parse_facility,
        default_value = "user"
    )]
    pub facility: u32,
}

/// `SYSLOG_NS_DEVICE` of the uapi header, without its NUL.
fn default_device() -> PathBuf {
    let path = CStr::from_bytes_with_nul(uapi::SYSLOG_NS_DEVICE)
        .map_or(&uapi::SYSLOG_NS_DEVICE[..], CStr::to_bytes);
    PathBuf::from(OsStr::from_bytes(path))
}

/// A number below `names.len()`, or one of `names` in any case, as `dmesg`
/// takes levels and facilities: its index.
fn parse_named(s: &str, names: &[&str], what: &str) -> Result<u32, String> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return match s.parse::<u32>() {
            Ok(n) if (n as usize) < names.len() => Ok(n),
            _ => Err(format!("{what} {s} is not 0..{}", names.len() - 1)),
        };
    }
    names
        .iter()
        .position(|name| name.eq_ignore_ascii_case(s))
        .map(|i| i as u32)
        .ok_or_else(|| format!("unknown {what} {s:?}: one of {}", names.join(" ")))
}

fn parse_level(s: &str) -> Result<u32, String> {
    parse_named(s, &LEVEL_NAMES, "level")
}

fn parse_facility(s: &str) -> Result<u32, String> {
    parse_named(s, &FACILITY_NAMES, "facility")
}

/// `-n`, as util-linux `dmesg -n` parses it: the console shows the records
/// whose level is below the value, so a number is 1..8 and passes as it is,
/// and a name means "up to this level": its level plus one.
fn parse_console_level(s: &str) -> Result<u32, String> {
    // Numbers go to the module as they are: it is the one that checks them.
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return s.parse::<u32>().map_err(|e| format!("{e}"));
    }
    parse_level(s).map(|level| level + 1)
}

/// `--size`: any number; the module checks it against SYSLOG_NS_SIZE_MIN and
/// SYSLOG_NS_SIZE_MAX, and the EINVAL message says so.
fn parse_log_size(s: &str) -> Result<u32, String> {
    s.parse().map_err(|e| format!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(argv: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("syslog-ns-ctl").chain(argv.iter().copied()))
    }

    #[test]
    fn the_cli_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn the_default_device_is_the_headers() {
        let device = parse(&[]).unwrap().device;
        use std::os::unix::ffi::OsStringExt;
        let mut with_nul = device.into_os_string().into_vec();
        with_nul.push(0);
        assert_eq!(with_nul, uapi::SYSLOG_NS_DEVICE);
    }

    #[test]
    fn console_levels_are_parsed_as_dmesg_n_does() {
        for (arg, level) in [
            ("1", 1),
            ("8", 8),
            ("emerg", 1),
            ("err", 4),
            ("ERR", 4),
            ("debug", 8),
        ] {
            assert_eq!(parse_console_level(arg), Ok(level), "{arg}");
        }
        // Out-of-range numbers are the module's to refuse (EINVAL).
        assert_eq!(parse_console_level("9"), Ok(9));
        for arg in ["-1", "4x", "", "error", "emergency"] {
            assert!(parse_console_level(arg).is_err(), "{arg}");
        }
        assert_eq!(parse(&["-n", "warn"]).unwrap().console_level, Some(5));
    }

    #[test]
    fn writes_take_a_level_and_a_facility() {
        let args = parse(&["--write", "hello"]).unwrap();
        assert_eq!((args.level, args.facility), (6, 1));
        let args = parse(&["--write", "x", "-l", "err", "--facility", "local7"]).unwrap();
        assert_eq!((args.level, args.facility), (3, 23));
        let args = parse(&["--write", "x", "-l", "7", "--facility", "0"]).unwrap();
        assert_eq!((args.level, args.facility), (7, 0));
        assert!(parse(&["--write", "x", "-l", "8"]).is_err());
        assert!(parse(&["--write", "x", "--facility", "24"]).is_err());
        assert!(parse(&["-l", "3"]).is_err(), "-l without --write");
    }

    #[test]
    fn actions_exclude_each_other_and_following() {
        for argv in [
            &["-c", "-C"][..],
            &["-C", "-n", "3"],
            &["--info", "--create"],
            &["--write", "x", "--info"],
            &["-w", "-c"],
            &["-W", "--info"],
            &["-J", "-r"],
            &["-s", "65536"],
            &["--size", "65536"],
            &["extra"],
        ] {
            assert!(parse(argv).is_err(), "{argv:?}");
        }
        for argv in [
            &[][..],
            &["-c", "-s", "65536"],
            &["-c", "-J"],
            &["-w", "-J"],
            &["-W", "-r"],
            &["--create", "--size", "0"],
            &["--create", "--size", "65536"],
            &["--info", "-J"],
            &["-d", "/dev/kmsg", "-w"],
        ] {
            assert!(parse(argv).is_ok(), "{argv:?}");
        }
    }
}

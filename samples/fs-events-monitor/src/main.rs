// SPDX-License-Identifier: GPL-2.0

//! fs-events-monitor: subscribe to the fs_events generic netlink family and
//! print each event as a line of text or JSON, noting sequence gaps.
//!
//! The attribute numbers come from the module's own generated uapi.rs, so
//! the two sides cannot disagree.

#[path = "../../../rust/fs_events/uapi.rs"]
#[allow(clippy::all, non_upper_case_globals)]
mod uapi;

mod event;

use anyhow::{bail, Context, Result};
use clap::Parser;
use event::{Event, GapTracker};
use neli::{
    consts::{
        nl::{NlmF, NlmFFlags, Nlmsg},
        socket::NlFamily,
    },
    genl::Genlmsghdr,
    nl::{NlPayload, Nlmsghdr},
    socket::NlSocketHandle,
    types::GenlBuffer,
};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::Instant;

#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Print JSON lines instead of text.
    #[arg(long)]
    json: bool,
    /// Ask for the state of every watch after subscribing.
    #[arg(long)]
    dump: bool,
    /// Only dump the state, then exit.
    #[arg(long, conflicts_with = "count")]
    dump_only: bool,
    /// Exit after this many events (state replies not counted).
    #[arg(long)]
    count: Option<u64>,
    /// Exit after this many seconds without an event.
    #[arg(long)]
    idle_timeout: Option<f64>,
    /// Socket receive buffer in bytes (SO_RCVBUFFORCE; needs CAP_NET_ADMIN).
    #[arg(long)]
    rcvbuf: Option<usize>,
    /// Print only a summary: events, gaps, lost, rate.
    #[arg(long)]
    summary: bool,
    /// Create this file once subscribed, so a script can start producing.
    #[arg(long)]
    ready_file: Option<std::path::PathBuf>,
}

fn set_sockopt(
    sock: &NlSocketHandle,
    level: libc::c_int,
    name: libc::c_int,
    value: &[u8],
) -> Result<()> {
    // SAFETY: `value` is readable for its length.
    let ret = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            level,
            name,
            value.as_ptr().cast(),
            value.len() as libc::socklen_t,
        )
    };
    if ret != 0 {
        return Err(std::io::Error::last_os_error()).context("setsockopt");
    }
    Ok(())
}

fn request_dump(sock: &mut NlSocketHandle, family: u16) -> Result<()> {
    let genl = Genlmsghdr::<u8, u16>::new(
        uapi::FS_EVENTS_CMD_GET_STATE as u8,
        uapi::FS_EVENTS_FAMILY_VERSION as u8,
        GenlBuffer::new(),
    );
    let msg = Nlmsghdr::new(
        None,
        family,
        NlmFFlags::new(&[NlmF::Request, NlmF::Dump]),
        None,
        None,
        NlPayload::Payload(genl),
    );
    sock.send(msg).context("sending the get-state request")?;
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    let family_name =
        std::str::from_utf8(&uapi::FS_EVENTS_FAMILY_NAME[..uapi::FS_EVENTS_FAMILY_NAME.len() - 1])?;
    let group_name = std::str::from_utf8(
        &uapi::FS_EVENTS_MCGRP_EVENTS[..uapi::FS_EVENTS_MCGRP_EVENTS.len() - 1],
    )?;

    let mut sock =
        NlSocketHandle::connect(NlFamily::Generic, None, &[]).context("netlink socket")?;
    let family = sock.resolve_genl_family(family_name).with_context(|| {
        format!("no generic netlink family {family_name}: is fs_events loaded?")
    })?;
    if let Some(bytes) = args.rcvbuf {
        set_sockopt(
            &sock,
            libc::SOL_SOCKET,
            libc::SO_RCVBUFFORCE,
            &(bytes as libc::c_int).to_ne_bytes(),
        )?;
    }
    if let Some(secs) = args.idle_timeout {
        let tv = libc::timeval {
            tv_sec: secs.trunc() as libc::time_t,
            tv_usec: (secs.fract() * 1e6) as libc::suseconds_t,
        };
        // SAFETY: a timeval is plain bytes.
        let bytes = unsafe {
            std::slice::from_raw_parts(
                (&tv as *const libc::timeval).cast::<u8>(),
                std::mem::size_of::<libc::timeval>(),
            )
        };
        set_sockopt(&sock, libc::SOL_SOCKET, libc::SO_RCVTIMEO, bytes)?;
    }
    // Without this, the kernel does not tell fs_events that this socket's
    // buffer overflowed, and the module cannot report the loss.
    set_sockopt(
        &sock,
        libc::SOL_NETLINK,
        libc::NETLINK_BROADCAST_ERROR,
        &1i32.to_ne_bytes(),
    )?;
    if !args.dump_only {
        let group = sock
            .resolve_nl_mcast_group(family_name, group_name)
            .context("resolving the events group")?;
        sock.add_mcast_membership(&[group])
            .context("joining the events group")?;
    }
    if args.dump || args.dump_only {
        request_dump(&mut sock, family)?;
    }
    if let Some(path) = &args.ready_file {
        std::fs::write(path, b"")?;
    }

    let mut out = std::io::stdout().lock();
    let mut gaps = GapTracker::default();
    let mut events = 0u64;
    let mut first: Option<Instant> = None;
    let mut last = Instant::now();
    loop {
        if args.count.is_some_and(|n| events >= n) {
            break;
        }
        let msg = match sock.recv::<u16, Genlmsghdr<u8, u16>>() {
            Ok(Some(msg)) => msg,
            Ok(None) => continue,
            Err(e) => {
                let text = e.to_string();
                if text.contains("No buffer space") {
                    // ENOBUFS: the kernel dropped messages for this socket.
                    gaps.overruns += 1;
                    if !args.summary {
                        writeln!(out, "overrun: the socket's receive buffer was full")?;
                    }
                    continue;
                }
                if text.contains("temporarily unavailable") || text.contains("timed out") {
                    break;
                }
                bail!("receiving: {text}");
            }
        };
        if msg.nl_type == u16::from(Nlmsg::Done) {
            if args.dump_only {
                break;
            }
            continue;
        }
        let NlPayload::Payload(genl) = &msg.nl_payload else {
            continue;
        };
        let event = Event::parse(genl)?;
        let now = Instant::now();
        if !event.is_state() {
            events += 1;
            first.get_or_insert(now);
            last = now;
        }
        let gap = gaps.observe(&event);
        if args.summary {
            continue;
        }
        if let Some(gap) = gap {
            writeln!(out, "{}", if args.json { gap.json() } else { gap.text() })?;
        }
        writeln!(
            out,
            "{}",
            if args.json {
                event.json()
            } else {
                event.text()
            }
        )?;
        out.flush()?;
    }
    if args.summary {
        let secs = first.map_or(0.0, |f| last.duration_since(f).as_secs_f64());
        let rate = if secs > 0.0 {
            events as f64 / secs
        } else {
            0.0
        };
        writeln!(
            out,
            "events={events} missing={} lost_reported={} overruns={} seconds={secs:.3} per_second={rate:.0}",
            gaps.missing, gaps.lost_reported, gaps.overruns
        )?;
    }
    Ok(())
}

// SPDX-License-Identifier: GPL-2.0

//! fs-events-monitor: subscribe to the fs_events generic netlink family and
//! print each event as a line of text or JSON, noting sequence gaps.
//!
//! The attribute numbers come from the module's own generated uapi.rs, and
//! the event types' names and the attributes' keys from the YNL spec that
//! uapi.rs is generated from (see build.rs), so the two sides cannot
//! disagree.

#[path = "../../../rust/fs_events/uapi.rs"]
#[allow(clippy::all, non_upper_case_globals)]
mod uapi;

mod event;

use anyhow::{bail, Context, Result};
use clap::Parser;
use event::{Event, GapTracker};
use neli::{
    consts::{
        nl::{NlmF, Nlmsg},
        socket::NlFamily,
    },
    err::{RouterError, SocketError},
    genl::{Genlmsghdr, GenlmsghdrBuilder},
    nl::{NlPayload, NlmsghdrBuilder},
    router::synchronous::NlRouter,
    socket::synchronous::NlSocketHandle,
    types::GenlBuffer,
    utils::Groups,
};
use nix::errno::Errno;
// sockopt_impl!'s expansion names its helper macros and `libc` by bare names.
use nix::sys::socket::{setsockopt, sockopt};
use nix::sys::time::TimeVal;
use nix::{libc, setsockopt_impl, sockopt_impl};
use std::io::Write;
use std::os::fd::{AsRawFd, BorrowedFd};
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

// NETLINK_BROADCAST_ERROR, which nix does not define: an int, set as a bool.
sockopt_impl!(
    BroadcastError,
    SetOnly,
    libc::SOL_NETLINK,
    libc::NETLINK_BROADCAST_ERROR,
    bool
);

/// The errno of a failed socket operation, if the kernel's.
fn socket_errno(err: &SocketError) -> Option<Errno> {
    match err {
        SocketError::Io(io) => io.raw_os_error().map(Errno::from_raw),
        _ => None,
    }
}

/// A failed request to the generic netlink controller, a netlink error
/// reply shown as its errno.
fn router_error<T, P>(err: RouterError<T, P>) -> anyhow::Error
where
    RouterError<T, P>: std::error::Error + Send + Sync + 'static,
{
    match err {
        RouterError::Nlmsgerr(reply) => Errno::from_raw(-reply.error()).into(),
        other => other.into(),
    }
}

/// The family id and the events group's id, asked of the generic netlink
/// controller on a socket of its own, which goes away with the router's
/// thread once they are known.
fn resolve(family_name: &str, group_name: &str, with_group: bool) -> Result<(u16, Option<u32>)> {
    let (router, _) =
        NlRouter::connect(NlFamily::Generic, None, Groups::empty()).context("netlink socket")?;
    let family = router
        .resolve_genl_family(family_name)
        .map_err(router_error)
        .with_context(|| {
            format!("no generic netlink family {family_name}: is fs_events loaded?")
        })?;
    let group = with_group
        .then(|| router.resolve_nl_mcast_group(family_name, group_name))
        .transpose()
        .map_err(router_error)
        .context("resolving the events group")?;
    Ok((family, group))
}

fn request_dump(sock: &NlSocketHandle, family: u16) -> Result<()> {
    let genl = GenlmsghdrBuilder::<u8, u16>::default()
        .cmd(uapi::FS_EVENTS_CMD_GET_STATE as u8)
        .version(uapi::FS_EVENTS_FAMILY_VERSION as u8)
        .attrs(GenlBuffer::new())
        .build()?;
    let msg = NlmsghdrBuilder::default()
        .nl_type(family)
        .nl_flags(NlmF::REQUEST | NlmF::DUMP)
        .nl_payload(NlPayload::Payload(genl))
        .build()?;
    sock.send(&msg).context("sending the get-state request")?;
    Ok(())
}

/// The socket to listen on: its options set, joined to the events group
/// unless --dump-only, the dump requested if asked for, in that order so that
/// no event falls between the dump and the stream.
fn subscribe(args: &Args) -> Result<NlSocketHandle> {
    let family_name =
        std::str::from_utf8(&uapi::FS_EVENTS_FAMILY_NAME[..uapi::FS_EVENTS_FAMILY_NAME.len() - 1])?;
    let group_name = std::str::from_utf8(
        &uapi::FS_EVENTS_MCGRP_EVENTS[..uapi::FS_EVENTS_MCGRP_EVENTS.len() - 1],
    )?;
    let (family, group) = resolve(family_name, group_name, !args.dump_only)?;

    let sock = NlSocketHandle::connect(NlFamily::Generic, None, Groups::empty())
        .context("netlink socket")?;
    // SAFETY: the descriptor is the socket's, open as long as `sock`, which
    // outlives the borrow.
    let fd = unsafe { BorrowedFd::borrow_raw(sock.as_raw_fd()) };
    if let Some(bytes) = args.rcvbuf {
        setsockopt(&fd, sockopt::RcvBufForce, &bytes).context("setsockopt SO_RCVBUFFORCE")?;
    }
    if let Some(secs) = args.idle_timeout {
        let timeout = TimeVal::new(secs.trunc() as _, (secs.fract() * 1e6) as _);
        setsockopt(&fd, sockopt::ReceiveTimeout, &timeout).context("setsockopt SO_RCVTIMEO")?;
    }
    // Without this, the kernel does not tell fs_events that this socket's
    // buffer overflowed, and the module cannot report the loss.
    setsockopt(&fd, BroadcastError, &true).context("setsockopt NETLINK_BROADCAST_ERROR")?;
    if let Some(group) = group {
        sock.add_mcast_membership(Groups::new_groups(&[group]))
            .context("joining the events group")?;
    }
    if args.dump || args.dump_only {
        request_dump(&sock, family)?;
    }
    Ok(sock)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let sock = subscribe(&args)?;
    if let Some(path) = &args.ready_file {
        std::fs::write(path, b"")?;
    }

    let mut out = std::io::stdout().lock();
    let mut gaps = GapTracker::default();
    let mut events = 0u64;
    let mut first: Option<Instant> = None;
    let mut last = Instant::now();
    let counted = |events| args.count.is_some_and(|n| events >= n);
    'receiving: while !counted(events) {
        let msgs = match sock.recv::<u16, Genlmsghdr<u8, u16>>() {
            Ok((msgs, _)) => msgs,
            Err(e) => match socket_errno(&e) {
                // The kernel dropped messages for this socket.
                Some(Errno::ENOBUFS) => {
                    gaps.overruns += 1;
                    if !args.summary {
                        writeln!(out, "overrun: the socket's receive buffer was full")?;
                    }
                    continue;
                }
                // --idle-timeout's SO_RCVTIMEO ran out.
                Some(Errno::EAGAIN) => break,
                _ => bail!("receiving: {e}"),
            },
        };
        for msg in msgs {
            if counted(events) {
                break 'receiving;
            }
            let msg = msg.context("receiving")?;
            let genl = match msg.nl_payload() {
                NlPayload::Payload(genl) => genl,
                NlPayload::Err(err) => bail!("receiving: {}", Errno::from_raw(-err.error())),
                // The end of the dump, which carries its error if it failed.
                NlPayload::DumpExtAck(done) if *done.error() != 0 => {
                    bail!("the get-state dump: {}", Errno::from_raw(-done.error()))
                }
                _ if *msg.nl_type() == u16::from(Nlmsg::Done) && args.dump_only => break 'receiving,
                _ => continue,
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

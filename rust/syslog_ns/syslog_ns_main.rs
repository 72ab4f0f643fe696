// SPDX-License-Identifier: GPL-2.0

//! A private kernel log per container: one ring buffer per user namespace,
//! read and written through `/dev/kmsg_ns` exactly as `/dev/kmsg`, fed by
//! the namespace's own writes, `syslog_ns_printk()`, the netfilter logger
//! of the network namespaces it owns and, optionally, printk messages of its
//! tasks.
//!
//! Documentation: `Documentation/syslog_ns.rst`.

use kernel::{debugfs::Dir, error::to_result, prelude::*};

/// Support shared by the modules, the parts this one uses.
#[path = "../common"]
mod common {
    pub(crate) mod miscdev;
    pub(crate) mod text;
    pub(crate) mod trace;
}

mod device;
mod exports;
mod kmsg;
mod log;
mod oom;
mod ratelimit;
mod ringbuf;
mod shim;
mod syslog;
#[allow(clippy::all, missing_docs, unreachable_pub)]
mod uapi;
mod user_ns;

module! {
    type: SyslogNs,
    name: "syslog_ns",
    authors: ["The rust-kmods developers"],
    description: "A private kernel log per user namespace",
    license: "GPL",
    params: {
        default_size: u32 {
            default: 131072,
            description: "Bytes of a log's ring buffer unless its creator says (4096..max_size, rounded up to a power of two)",
        },
        max_size: u32 {
            default: 1048576,
            description: "Most bytes of ring buffer a namespace may ask for (4096..16777216); memory cgroups may allow less",
        },
        max_per_owner: u32 {
            default: 16,
            description: "Most logs in the user namespaces under one host uid's top-level namespaces (1..1024)",
        },
        write_burst: u32 {
            default: 10,
            description: "Records each opener may write per write_interval_ms, as printk.devkmsg=ratelimit; 0: no limit",
        },
        write_interval_ms: u32 {
            default: 5000,
            description: "The interval of write_burst, in milliseconds (1..3600000)",
        },
        auto_create: bool {
            default: false,
            description: "Give every user namespace whose task opens /dev/kmsg_ns a log of its own",
        },
        mirror: bool {
            default: false,
            description: "Copy records below each log's console level into the host's log, prefixed syslog_ns[ID]",
        },
        mirror_burst: u32 {
            default: 10,
            description: "Records each log may mirror per mirror_interval_ms (1..1000000)",
        },
        mirror_interval_ms: u32 {
            default: 5000,
            description: "The interval of mirror_burst, in milliseconds (1..3600000)",
        },
        capture_console: bool {
            default: false,
            description: "Add what a task inside a namespace printk()s to that namespace's log",
        },
        redirect: bool {
            default: true,
            description: "Serve syslog(2), /proc/kmsg and /dev/kmsg of tasks with a log from that log, and copy OOM kill reports to the victim's log",
        },
    },
}

/// The module parameters, read-only once loaded.
mod params {
    use super::module_parameters as p;

    pub(crate) fn default_size() -> usize {
        p::default_size.value() as usize
    }

    pub(crate) fn max_size() -> usize {
        p::max_size.value() as usize
    }

    pub(crate) fn max_per_owner() -> u32 {
        p::max_per_owner.value()
    }

    pub(crate) fn write_burst() -> u32 {
        p::write_burst.value()
    }

    pub(crate) fn write_interval_ms() -> u32 {
        p::write_interval_ms.value()
    }

    pub(crate) fn mirror_burst() -> u32 {
        p::mirror_burst.value()
    }

    pub(crate) fn mirror_interval_ms() -> u32 {
        p::mirror_interval_ms.value()
    }

    pub(crate) fn auto_create() -> bool {
        p::auto_create.value()
    }

    pub(crate) fn mirror() -> bool {
        p::mirror.value()
    }

    pub(crate) fn capture_console() -> bool {
        p::capture_console.value()
    }

    pub(crate) fn redirect() -> bool {
        p::redirect.value()
    }
}

/// Checks that parameter `name`'s `value` is within `range`, saying which
/// is not.
fn check_range(name: &str, value: usize, range: core::ops::RangeInclusive<usize>) -> Result {
    if range.contains(&value) {
        return Ok(());
    }
    pr_err!(
        "{}={} is outside {}..{}\n",
        name,
        value,
        range.start(),
        range.end()
    );
    Err(EINVAL)
}

/// Rejects out-of-range parameters at load, naming the one at fault.
fn check_params() -> Result {
    const HOUR_MS: usize = 3_600_000;
    check_range(
        "max_size",
        params::max_size(),
        ringbuf::MIN_SIZE..=ringbuf::MAX_SIZE,
    )?;
    check_range(
        "default_size",
        params::default_size(),
        ringbuf::MIN_SIZE..=params::max_size(),
    )?;
    check_range(
        "max_per_owner",
        params::max_per_owner() as usize,
        1..=log::MAX_LOGS,
    )?;
    check_range(
        "write_interval_ms",
        params::write_interval_ms() as usize,
        1..=HOUR_MS,
    )?;
    check_range(
        "mirror_burst",
        params::mirror_burst() as usize,
        1..=1_000_000,
    )?;
    check_range(
        "mirror_interval_ms",
        params::mirror_interval_ms() as usize,
        1..=HOUR_MS,
    )?;
    Ok(())
}

fn write_logs(f: &mut kernel::fmt::Formatter<'_>) -> core::fmt::Result {
    f.write_str("id owner size records bytes dropped readers console_level\n")?;
    let mut result = Ok(());
    log::for_each(|log| {
        if result.is_ok() {
            result = f.write_fmt(fmt!(
                "{} {} {} {} {} {} {} {}\n",
                log.id,
                log.owner,
                log.ring.size(),
                log.records(),
                log.ring.used_bytes(),
                log.ring.dropped(),
                log.readers.load(kernel::sync::atomic::Relaxed),
                log.console_level.load(kernel::sync::atomic::Relaxed),
            ));
        }
    });
    result
}

/// The module. Fields drop in order, after `drop` has emptied the table:
/// the redirect of the kernel's log interfaces (which hands opens to the
/// device), the producers of records (the console probe, the netfilter
/// redirect, the device), then the collector.
pub(crate) struct SyslogNs {
    redirect: Option<shim::Redirect>,
    console: Option<shim::ConsoleCapture>,
    netfilter: Option<shim::NetfilterRedirect>,
    device: Option<device::Device>,
    collector: Option<shim::Collector>,
    _settings: shim::HostSettings,
    _logs: Pin<KBox<kernel::debugfs::File<()>>>,
    _dir: Dir,
}

impl kernel::Module for SyslogNs {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        check_params()?;
        log::init();
        oom::init();
        let dir = Dir::new(c"syslog_ns");
        let logs = KBox::pin_init(
            dir.read_callback_file(c"logs", (), &|(): &(), f| write_logs(f)),
            GFP_KERNEL,
        )?;
        // SAFETY: at load, before any producer of text; freed in `drop`,
        // once none is left.
        to_result(unsafe { shim::raw::syslog_ns_text_init() })?;
        let mut this = SyslogNs {
            redirect: None,
            console: None,
            netfilter: None,
            device: None,
            collector: Some(shim::Collector::start()),
            _settings: shim::HostSettings::open(),
            _logs: logs,
            _dir: dir,
        };
        this.device = Some(device::Device::register()?);
        match shim::NetfilterRedirect::register() {
            Ok(redirect) => this.netfilter = Some(redirect),
            Err(e) => pr_warn!(
                "netfilter log lines cannot be redirected ({}): those of containers follow nf_log_syslog's rules\n",
                e.to_errno()
            ),
        }
        if params::capture_console() || params::redirect() {
            this.console = Some(shim::ConsoleCapture::register(
                params::capture_console(),
                params::redirect(),
            )?);
        }
        // Last: a file it binds holds the module, which a failed load does
        // not wait for.
        if params::redirect() {
            let (host_kmsg, kmsg_ns) = this
                .device
                .as_ref()
                .map_or((core::ptr::null(), core::ptr::null()), |d| d.tables());
            match shim::Redirect::register(host_kmsg, kmsg_ns) {
                Ok(redirect) => this.redirect = Some(redirect),
                Err(e) => pr_warn!(
                    "syslog(2), /proc/kmsg and /dev/kmsg cannot be redirected ({}): containers read their log on /dev/kmsg_ns bind-mounted over /dev/kmsg\n",
                    e.to_errno()
                ),
            }
        }
        Ok(this)
    }
}

impl Drop for SyslogNs {
    fn drop(&mut self) {
        self.redirect = None;
        self.console = None;
        self.netfilter = None;
        // No open can begin after this, so no log is created.
        self.device = None;
        self.collector = None;
        log::remove_all();
        // SAFETY: allocated in `init`; no producer is left to format: the
        // console probe and the netfilter redirect are gone, and modules
        // calling syslog_ns_printk() were unloaded before this one.
        unsafe { shim::raw::syslog_ns_text_exit() };
    }
}

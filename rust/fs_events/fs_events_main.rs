// SPDX-License-Identifier: GPL-2.0

//! fs_events: filesystem events (free space and inode thresholds, errors,
//! read-only transitions, unmounts, reports from other modules) multicast
//! over generic netlink, configured through configfs.
//!
//! Documentation/fs_events.rst describes the interfaces; the netlink ABI is
//! Documentation/netlink/specs/fs_events.yaml.

use kernel::{
    configfs::{self, configfs_attrs},
    page::PAGE_SIZE,
    prelude::*,
    str::CString,
    sync::Arc,
};

/// Support shared by the modules, the parts this one uses.
#[path = "../common"]
mod common {
    pub(crate) mod kthread;
    pub(crate) mod text;
    pub(crate) mod trace;
}

use common::text::format_into;

mod config;
mod fs_error;
mod netlink;
mod poll_order;
mod registry;
mod shim;
mod threshold;
mod trace;
#[allow(clippy::all, missing_docs, unreachable_pub)]
mod uapi;
mod watch;

use config::Classes;
use threshold::Threshold;
use watch::Watch;

/// `FS_EVENT_MESSAGE_MAX` of include/fs_events.h.
const FS_EVENT_MESSAGE_MAX: usize = 255;

module! {
    type: FsEvents,
    name: "fs_events",
    authors: ["rust-kmods"],
    description: "Filesystem events over generic netlink, configured through configfs",
    license: "GPL",
    params: {
        max_watches: u32 {
            default: 4096,
            description: "Most watches at once, in all namespaces (1..65536)",
        },
        max_per_owner: u32 {
            default: 1024,
            description: "Most watches in the user namespaces under one host uid's top-level namespaces (1..max_watches); the host's own count only against max_watches",
        },
    },
}

/// The module parameters, read-only once loaded.
mod params {
    use super::module_parameters as p;

    pub(crate) fn max_watches() -> usize {
        p::max_watches.value() as usize
    }

    pub(crate) fn max_per_owner() -> usize {
        p::max_per_owner.value() as usize
    }
}

/// Rejects out-of-range parameters at load, naming the one at fault.
fn check_params() -> Result {
    let max_watches = params::max_watches() as u32;
    if !(1..=registry::MAX_WATCHES_LIMIT).contains(&max_watches) {
        pr_err!(
            "max_watches={} is outside 1..{}\n",
            max_watches,
            registry::MAX_WATCHES_LIMIT
        );
        return Err(EINVAL);
    }
    if !(1..=params::max_watches()).contains(&params::max_per_owner()) {
        pr_err!(
            "max_per_owner={} is outside 1..max_watches ({})\n",
            params::max_per_owner(),
            max_watches
        );
        return Err(EINVAL);
    }
    Ok(())
}

/// Dropped in field order: configfs first (no new watches; configfs keeps the
/// module while a watch directory exists, so none is left), then the poller,
/// the family, the fsnotify group, which waits for the marks' release, and
/// the registry's empty list.
#[pin_data]
struct FsEvents {
    #[pin]
    config: configfs::Subsystem<Root>,
    _poller: registry::Poller,
    _family: shim::Family,
    _group: shim::FsnotifyGroup,
    _registry: registry::Storage,
}

impl kernel::InPlaceModule for FsEvents {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        let storage = registry::init();
        let root_type = configfs_attrs! {
            container: configfs::Subsystem<Root>,
            data: Root,
            child: WatchDir,
            attributes: [
                stats: 0,
            ],
        };
        try_pin_init!(Self {
            // The first field initialised: nothing exists yet when a
            // parameter is refused.
            _group: {
                check_params()?;
                shim::FsnotifyGroup::new()?
            },
            _family: shim::Family::register()?,
            _poller: registry::Poller::start()?,
            config <- configfs::Subsystem::new(c"fs_events", root_type, try_pin_init!(Root {})),
            _registry: storage,
        })
    }
}

/// `/sys/kernel/config/fs_events`.
#[pin_data]
struct Root {}

#[vtable]
impl configfs::GroupOperations for Root {
    type Child = WatchDir;

    fn make_group(&self, name: &CStr) -> Result<impl PinInit<configfs::Group<WatchDir>, Error>> {
        let watch_type = configfs_attrs! {
            container: configfs::Group<WatchDir>,
            data: WatchDir,
            attributes: [
                path: 0,
                space_lower: 1,
                space_upper: 2,
                inodes_lower: 3,
                inodes_upper: 4,
                interval_ms: 5,
                events: 6,
                state: 7,
            ],
        };
        let watch_name = CString::try_from(name)?;
        // The watch is registered by the initialiser, which configfs runs
        // only once the group's memory is allocated: a failure before that
        // leaves nothing in the registry.
        Ok(configfs::Group::new(
            name.try_into()?,
            watch_type,
            try_pin_init!(WatchDir {
                watch: registry::add(watch_name)?,
            }),
        ))
    }
}

#[vtable]
impl configfs::AttributeOperations<0> for Root {
    type Data = Root;

    fn show(_root: &Root, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
        format_into(page, registry::write_stats)
    }
}

/// `/sys/kernel/config/fs_events/<watch>`: one watch, removed with the directory.
#[pin_data(PinnedDrop)]
struct WatchDir {
    watch: Arc<Watch>,
}

#[pinned_drop]
impl PinnedDrop for WatchDir {
    fn drop(self: Pin<&mut Self>) {
        registry::remove(&self.watch);
    }
}

/// Writes `value` and a newline into a configfs page.
fn show_line(page: &mut [u8; PAGE_SIZE], value: impl kernel::fmt::Display) -> Result<usize> {
    format_into(page, |f| {
        kernel::fmt::Write::write_fmt(f, fmt!("{value}\n"))
    })
}

/// Applies a validated change to a watch's configuration and has it polled
/// at once; `change` returning an error leaves the configuration as it was.
fn reconfigure(dir: &WatchDir, change: impl FnOnce(&mut config::Config) -> Result) -> Result {
    {
        let mut inner = dir.watch.inner.lock();
        change(&mut inner.config)?;
        dir.watch.reconfigured(&mut inner);
    }
    dir.watch.kick_poller();
    Ok(())
}

#[vtable]
impl configfs::AttributeOperations<0> for WatchDir {
    type Data = WatchDir;

    fn show(dir: &WatchDir, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
        dir.watch.may_read()?;
        let inner = dir.watch.inner.lock();
        match &inner.config.path {
            Some(path) => show_line(page, path.to_str().map_err(|_| EINVAL)?),
            None => show_line(page, ""),
        }
    }

    fn store(dir: &WatchDir, page: &[u8]) -> Result {
        dir.watch.may_write()?;
        dir.watch.set_path(config::parse_path(page)?)?;
        dir.watch.kick_poller();
        Ok(())
    }
}

/// The four threshold attributes differ only in which side of which band.
macro_rules! threshold_attribute {
    ($id:literal, $band:ident, $get:ident, $with:ident) => {
        #[vtable]
        impl configfs::AttributeOperations<$id> for WatchDir {
            type Data = WatchDir;

            fn show(dir: &WatchDir, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
                dir.watch.may_read()?;
                let value = dir.watch.inner.lock().config.$band.$get();
                show_line(page, value)
            }

            fn store(dir: &WatchDir, page: &[u8]) -> Result {
                dir.watch.may_write()?;
                let value = Threshold::parse(page)?;
                reconfigure(dir, |config| {
                    config.$band = config.$band.$with(value)?;
                    Ok(())
                })
            }
        }
    };
}

threshold_attribute!(1, space, lower, with_lower);
threshold_attribute!(2, space, upper, with_upper);
threshold_attribute!(3, inodes, lower, with_lower);
threshold_attribute!(4, inodes, upper, with_upper);

#[vtable]
impl configfs::AttributeOperations<5> for WatchDir {
    type Data = WatchDir;

    fn show(dir: &WatchDir, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
        dir.watch.may_read()?;
        let value = dir.watch.inner.lock().config.interval_ms;
        show_line(page, value)
    }

    fn store(dir: &WatchDir, page: &[u8]) -> Result {
        dir.watch.may_write()?;
        let value = config::parse_interval(page)?;
        reconfigure(dir, |config| {
            config.interval_ms = value;
            Ok(())
        })
    }
}

#[vtable]
impl configfs::AttributeOperations<6> for WatchDir {
    type Data = WatchDir;

    fn show(dir: &WatchDir, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
        dir.watch.may_read()?;
        let value = dir.watch.inner.lock().config.classes;
        show_line(page, value)
    }

    fn store(dir: &WatchDir, page: &[u8]) -> Result {
        dir.watch.may_write()?;
        let value = Classes::parse(page)?;
        reconfigure(dir, |config| {
            config.classes = value;
            Ok(())
        })
    }
}

#[vtable]
impl configfs::AttributeOperations<7> for WatchDir {
    type Data = WatchDir;

    fn show(dir: &WatchDir, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
        dir.watch.may_read()?;
        format_into(page, |f| dir.watch.write_state(f))
    }
}

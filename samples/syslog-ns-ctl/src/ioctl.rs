//! syslog_ns's ioctls, called with the request numbers of the module's
//! generated uapi.rs as they are (nix's `_bad` macros), the ones the module
//! was built with. The tests check that each number encodes its argument's
//! direction and size. fail-nth includes this file too, so each ioctl is
//! declared once; the including crate has the uapi module as `uapi`.

use super::uapi;

nix::ioctl_write_ptr_bad!(create, uapi::SYSLOG_NS_IOC_CREATE, uapi::syslog_ns_create);
nix::ioctl_readwrite_bad!(
    read_clear,
    uapi::SYSLOG_NS_IOC_READ_CLEAR,
    uapi::syslog_ns_read
);
nix::ioctl_none_bad!(clear, uapi::SYSLOG_NS_IOC_CLEAR);
nix::ioctl_read_bad!(size_unread, uapi::SYSLOG_NS_IOC_SIZE_UNREAD, u32);
nix::ioctl_read_bad!(size_buffer, uapi::SYSLOG_NS_IOC_SIZE_BUFFER, u32);
nix::ioctl_write_ptr_bad!(console_level, uapi::SYSLOG_NS_IOC_CONSOLE_LEVEL, u32);
nix::ioctl_read_bad!(info, uapi::SYSLOG_NS_IOC_INFO, uapi::syslog_ns_info);

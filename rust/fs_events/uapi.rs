// SPDX-License-Identifier: GPL-2.0

//! The constants of `include/uapi/fs_events.h`, for the module and its userspace
//! program alike. Generated from Documentation/netlink/specs/fs_events.yaml by
//! scripts/ynl-gen.sh: do not edit.

#![allow(dead_code, non_camel_case_types)]

pub const FS_EVENTS_FAMILY_NAME: &[u8; 10] = b"fs_events\0";
pub const FS_EVENTS_FAMILY_VERSION: u32 = 1;
pub const FS_EVENTS_MCGRP_EVENTS: &[u8; 7] = b"events\0";
pub const FS_EVENTS_EVENT_TYPE_SPACE_LOW: fs_events_event_type = 1;
pub const FS_EVENTS_EVENT_TYPE_SPACE_OK: fs_events_event_type = 2;
pub const FS_EVENTS_EVENT_TYPE_INODES_LOW: fs_events_event_type = 3;
pub const FS_EVENTS_EVENT_TYPE_INODES_OK: fs_events_event_type = 4;
pub const FS_EVENTS_EVENT_TYPE_ERROR: fs_events_event_type = 5;
pub const FS_EVENTS_EVENT_TYPE_READ_ONLY: fs_events_event_type = 6;
pub const FS_EVENTS_EVENT_TYPE_READ_WRITE: fs_events_event_type = 7;
pub const FS_EVENTS_EVENT_TYPE_UNMOUNT: fs_events_event_type = 8;
pub const FS_EVENTS_EVENT_TYPE_LOST: fs_events_event_type = 9;
pub const FS_EVENTS_EVENT_TYPE_REPORT: fs_events_event_type = 10;
pub const FS_EVENTS_EVENT_TYPE_STATE: fs_events_event_type = 11;
pub const FS_EVENTS_EVENT_TYPE_SHUTDOWN: fs_events_event_type = 12;
pub type fs_events_event_type = core::ffi::c_uint;
pub const FS_EVENTS_ERROR_CLASS_CORRUPTION: fs_events_error_class = 1;
pub const FS_EVENTS_ERROR_CLASS_IO: fs_events_error_class = 2;
pub const FS_EVENTS_ERROR_CLASS_SHUTDOWN: fs_events_error_class = 3;
pub const FS_EVENTS_ERROR_CLASS_OTHER: fs_events_error_class = 4;
pub type fs_events_error_class = core::ffi::c_uint;
pub const FS_EVENTS_A_EVENT_PAD: _bindgen_ty_1 = 1;
pub const FS_EVENTS_A_EVENT_SEQ: _bindgen_ty_1 = 2;
pub const FS_EVENTS_A_EVENT_TIMESTAMP: _bindgen_ty_1 = 3;
pub const FS_EVENTS_A_EVENT_TYPE: _bindgen_ty_1 = 4;
pub const FS_EVENTS_A_EVENT_WATCH_ID: _bindgen_ty_1 = 5;
pub const FS_EVENTS_A_EVENT_WATCH: _bindgen_ty_1 = 6;
pub const FS_EVENTS_A_EVENT_PATH: _bindgen_ty_1 = 7;
pub const FS_EVENTS_A_EVENT_DEV_MAJOR: _bindgen_ty_1 = 8;
pub const FS_EVENTS_A_EVENT_DEV_MINOR: _bindgen_ty_1 = 9;
pub const FS_EVENTS_A_EVENT_FS_TYPE: _bindgen_ty_1 = 10;
pub const FS_EVENTS_A_EVENT_BLOCK_SIZE: _bindgen_ty_1 = 11;
pub const FS_EVENTS_A_EVENT_BLOCKS_FREE: _bindgen_ty_1 = 12;
pub const FS_EVENTS_A_EVENT_BLOCKS_TOTAL: _bindgen_ty_1 = 13;
pub const FS_EVENTS_A_EVENT_INODES_FREE: _bindgen_ty_1 = 14;
pub const FS_EVENTS_A_EVENT_INODES_TOTAL: _bindgen_ty_1 = 15;
pub const FS_EVENTS_A_EVENT_ERROR: _bindgen_ty_1 = 16;
pub const FS_EVENTS_A_EVENT_ERROR_COUNT: _bindgen_ty_1 = 17;
pub const FS_EVENTS_A_EVENT_LOST_COUNT: _bindgen_ty_1 = 18;
pub const FS_EVENTS_A_EVENT_LOST_FIRST_SEQ: _bindgen_ty_1 = 19;
pub const FS_EVENTS_A_EVENT_LOST_LAST_SEQ: _bindgen_ty_1 = 20;
pub const FS_EVENTS_A_EVENT_CODE: _bindgen_ty_1 = 21;
pub const FS_EVENTS_A_EVENT_MESSAGE: _bindgen_ty_1 = 22;
pub const FS_EVENTS_A_EVENT_ORIGIN: _bindgen_ty_1 = 23;
pub const FS_EVENTS_A_EVENT_MOUNTED: _bindgen_ty_1 = 24;
pub const FS_EVENTS_A_EVENT_READ_ONLY: _bindgen_ty_1 = 25;
pub const FS_EVENTS_A_EVENT_SPACE_LOW: _bindgen_ty_1 = 26;
pub const FS_EVENTS_A_EVENT_INODES_LOW: _bindgen_ty_1 = 27;
pub const FS_EVENTS_A_EVENT_INTERVAL_MS: _bindgen_ty_1 = 28;
pub const FS_EVENTS_A_EVENT_INODE: _bindgen_ty_1 = 29;
pub const FS_EVENTS_A_EVENT_GENERATION: _bindgen_ty_1 = 30;
pub const FS_EVENTS_A_EVENT_ERROR_CLASS: _bindgen_ty_1 = 31;
pub const __FS_EVENTS_A_EVENT_MAX: _bindgen_ty_1 = 32;
pub const FS_EVENTS_A_EVENT_MAX: _bindgen_ty_1 = 31;
pub type _bindgen_ty_1 = core::ffi::c_uint;
pub const FS_EVENTS_CMD_EVENT: _bindgen_ty_2 = 1;
pub const FS_EVENTS_CMD_GET_STATE: _bindgen_ty_2 = 2;
pub const __FS_EVENTS_CMD_MAX: _bindgen_ty_2 = 3;
pub const FS_EVENTS_CMD_MAX: _bindgen_ty_2 = 2;
pub type _bindgen_ty_2 = core::ffi::c_uint;

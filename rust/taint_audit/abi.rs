// SPDX-License-Identifier: GPL-2.0

//! The ABI taint_audit shares with userspace: taint flags and the report formats.
//!
//! This file is the single source of truth for both sides: the module
//! includes it as `mod abi`, and `samples/taint-report` includes the same file
//! by path. It depends on nothing, so it compiles in both. KUnit checks the
//! flag table against the kernel's own `TAINT_*` constants and the record keys
//! against what the module prints.
//!
//! Both debugfs files, `/sys/kernel/debug/taint_audit/modules` and
//! `/sys/kernel/debug/taint_audit/taints`, print one header line starting
//! with `# taint_audit ` and then one record a line: space-separated
//! `key=value` fields in the order given below, values without spaces.

// Each side uses part of this file (the module the letters and keys, the tool
// the words too), so what is dead depends on the crate that includes it.
#![allow(dead_code)]

/// What a taint flag is and what it means for tracing and for support.
pub(crate) struct TaintFlagInfo {
    /// The bit in the taint mask (`TAINT_*` in `include/linux/panic.h`).
    pub(crate) bit: u32,
    /// The letter `/sys/module/*/taint` and oops reports print.
    pub(crate) letter: char,
    /// The kernel's name for it, without the `TAINT_` prefix.
    pub(crate) name: &'static str,
    /// What set it, in plain words.
    pub(crate) meaning: &'static str,
    /// Whether a module carrying it keeps its tracepoints (kernel/tracepoint.c).
    pub(crate) tracepoints_allowed: bool,
    /// What it means for a bug report, after
    /// Documentation/admin-guide/tainted-kernels.rst.
    pub(crate) support: &'static str,
}

macro_rules! flags {
    ($($bit:literal $letter:literal $name:literal $tp:literal $meaning:literal $support:literal;)*) => {
        [$(TaintFlagInfo {
            bit: $bit,
            letter: $letter,
            name: $name,
            meaning: $meaning,
            tracepoints_allowed: $tp,
            support: $support,
        }),*]
    };
}

/// Every taint flag of Linux 7.3, in bit order.
pub(crate) const TAINT_FLAGS: [TaintFlagInfo; 20] = flags! {
    0 'P' "PROPRIETARY_MODULE" false "a module with a non-GPL-compatible license was loaded"
        "kernel developers cannot debug code they cannot see: reproduce without it or ask its vendor";
    1 'F' "FORCED_MODULE" false "a module was force-loaded (insmod -f), its version checks skipped"
        "the module may not match this kernel at all: reproduce without forced loads";
    2 'S' "CPU_OUT_OF_SPEC" false "the kernel runs on an out-of-specification system"
        "hardware behaviour is not guaranteed: reproduce on supported hardware";
    3 'R' "FORCED_RMMOD" false "a module was force-unloaded (rmmod -f)"
        "code may still be running from freed memory: reboot before reporting";
    4 'M' "MACHINE_CHECK" false "a machine check exception occurred"
        "a hardware fault was seen: check the hardware first";
    5 'B' "BAD_PAGE" false "a bad page was referenced or an unexpected page flag seen"
        "memory may be corrupted (hardware or a kernel bug): include the first report in the log";
    6 'U' "USER" false "a user or user application asked for it"
        "someone deliberately marked this kernel: ask them why";
    7 'D' "DIE" false "the kernel died recently (an oops or BUG)"
        "later problems may be fallout: report the first oops";
    8 'A' "OVERRIDDEN_ACPI_TABLE" false "an ACPI table was overridden"
        "firmware tables were replaced: reproduce with the original ones";
    9 'W' "WARN" false "the kernel issued a warning"
        "the warning itself is usually the bug worth reporting";
    10 'C' "CRAP" true "a staging driver was loaded"
        "staging drivers are not up to kernel standards: reproduce without them";
    11 'I' "FIRMWARE_WORKAROUND" false "a workaround for a platform firmware bug is active"
        "the platform firmware is known to be buggy: update it if possible";
    12 'O' "OOT_MODULE" true "an externally built (out-of-tree) module was loaded"
        "reproduce without the out-of-tree module before reporting upstream";
    13 'E' "UNSIGNED_MODULE" true "an unsigned module, or one signed with an untrusted key, was loaded"
        "its origin cannot be verified: report to whoever built it";
    14 'L' "SOFTLOCKUP" false "a soft lockup occurred"
        "a CPU was stuck in the kernel: the lockup report is the bug";
    15 'K' "LIVEPATCH" true "the kernel was live patched"
        "the running code differs from the build: say which patches are applied";
    16 'X' "AUX" false "an auxiliary taint, defined for and used by Linux distributors"
        "ask the distribution what it marks with it";
    17 'T' "RANDSTRUCT" false "the kernel was built with the struct randomization plugin"
        "structure layouts are randomized: include the build's seed or the vmlinux";
    18 'N' "TEST" true "an in-kernel test (such as KUnit) ran"
        "a test kernel: expected during testing, not on production systems";
    19 'J' "FWCTL" false "userspace used a mutating debug operation through fwctl"
        "device firmware state was changed from userspace: reproduce without it";
};

/// The flag at `bit`, if this table knows it.
pub(crate) fn flag_by_bit(bit: u32) -> Option<&'static TaintFlagInfo> {
    TAINT_FLAGS.iter().find(|flag| flag.bit == bit)
}

/// The flag printed as `letter`, if this table knows it.
pub(crate) fn flag_by_letter(letter: char) -> Option<&'static TaintFlagInfo> {
    TAINT_FLAGS.iter().find(|flag| flag.letter == letter)
}

/// Keys of a record in the `modules` file, in order.
///
/// `event` is `load` or `unload`; `taints`, `kernel_taint_before` and
/// `kernel_taint_after` are letters in bit order (`-` for none, `?` for an
/// unknown bit); `signature` is `verified` or `none`; `tracepoints` is
/// `accepted` or `refused`.
pub(crate) const MODULE_RECORD_KEYS: [&str; 11] = [
    "seq",
    "time_ns",
    "event",
    "module",
    "taints",
    "signature",
    "tracepoints",
    "kernel_taint_before",
    "kernel_taint_after",
    "pid",
    "comm",
];

/// Keys of a record in the `taints` file for a flag whose first cause was seen.
///
/// `flag` is the letter, `calls` the number of `add_taint()` calls with it,
/// `caller` the code `add_taint()` returned to, as `%pB` prints it.
pub(crate) const TAINT_RECORD_KEYS: [&str; 7] =
    ["flag", "bit", "calls", "time_ns", "pid", "comm", "caller"];

/// Keys of a record in the `taints` file for a flag already set when
/// taint_audit loaded; `origin` is then always `before_audit`.
pub(crate) const TAINT_BEFORE_AUDIT_KEYS: [&str; 4] = ["flag", "bit", "calls", "origin"];

// SPDX-License-Identifier: GPL-2.0

//! The kernel's taint flags: their letters, and which of them cost a module its tracepoints.
//!
//! `kernel/panic.c` keeps the letter table (`taint_flags[]`) and
//! `kernel/tracepoint.c` the tracepoint rule (`trace_module_has_bad_taint()`);
//! neither is exported, so both are mirrored: the letters in [`crate::abi`],
//! which userspace shares, the rule here. Tests hold both to the kernel's own
//! `TAINT_*` constants.

use crate::abi::flag_by_bit;
#[cfg(kmods_kunit)]
use kernel::prelude::*;
use kernel::{
    bindings,
    fmt::{
        self,
        Write, //
    },
};

/// A set of taint flags, laid out like the kernel's `tainted_mask`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TaintMask(pub(crate) u64);

impl TaintMask {
    /// Taints a module may carry and keep its tracepoints: out-of-tree (O),
    /// staging (C), unsigned (E), test (N) and livepatch (K).
    pub(crate) const TRACEPOINT_SAFE: TaintMask = TaintMask(
        1 << bindings::TAINT_OOT_MODULE
            | 1 << bindings::TAINT_CRAP
            | 1 << bindings::TAINT_UNSIGNED_MODULE
            | 1 << bindings::TAINT_TEST
            | 1 << bindings::TAINT_LIVEPATCH,
    );

    /// The mask with just `bit` set.
    pub(crate) const fn bit(bit: u32) -> TaintMask {
        TaintMask(1 << bit)
    }

    /// Whether every flag of `other` is set in `self`.
    pub(crate) fn contains(self, other: TaintMask) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether the kernel registers the tracepoints and trace events of a
    /// module with these taints (the mirror of `trace_module_has_bad_taint()`).
    pub(crate) fn tracepoints_accepted(self) -> bool {
        self.0 & !Self::TRACEPOINT_SAFE.0 == 0
    }

    /// The kernel-wide taint right now; safe in any context.
    pub(crate) fn kernel() -> TaintMask {
        TaintMask(crate::shim::kernel_taint())
    }
}

impl core::ops::BitOr for TaintMask {
    type Output = TaintMask;

    fn bitor(self, other: TaintMask) -> TaintMask {
        TaintMask(self.0 | other.0)
    }
}

/// Letters in bit order, as `/sys/module/*/taint` prints them; `-` when no
/// flag is set and `?` for a bit this table does not know.
impl fmt::Display for TaintMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("-");
        }
        for bit in 0..u64::BITS {
            if self.0 & (1 << bit) == 0 {
                continue;
            }
            let letter = flag_by_bit(bit).map_or('?', |flag| flag.letter);
            f.write_char(letter)?;
        }
        Ok(())
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(taint_audit_flags)]
mod tests {
    use super::*;
    use crate::abi::TAINT_FLAGS;
    use kernel::str::CString;

    fn letters(mask: TaintMask) -> Result<CString> {
        CString::try_from_fmt(fmt!("{mask}"))
    }

    #[test]
    fn abi_table_matches_the_kernel_constants() {
        let kernel = [
            bindings::TAINT_PROPRIETARY_MODULE,
            bindings::TAINT_FORCED_MODULE,
            bindings::TAINT_CPU_OUT_OF_SPEC,
            bindings::TAINT_FORCED_RMMOD,
            bindings::TAINT_MACHINE_CHECK,
            bindings::TAINT_BAD_PAGE,
            bindings::TAINT_USER,
            bindings::TAINT_DIE,
            bindings::TAINT_OVERRIDDEN_ACPI_TABLE,
            bindings::TAINT_WARN,
            bindings::TAINT_CRAP,
            bindings::TAINT_FIRMWARE_WORKAROUND,
            bindings::TAINT_OOT_MODULE,
            bindings::TAINT_UNSIGNED_MODULE,
            bindings::TAINT_SOFTLOCKUP,
            bindings::TAINT_LIVEPATCH,
            bindings::TAINT_AUX,
            bindings::TAINT_RANDSTRUCT,
            bindings::TAINT_TEST,
            bindings::TAINT_FWCTL,
        ];
        assert_eq!(TAINT_FLAGS.len(), bindings::TAINT_FLAGS_COUNT as usize);
        for (flag, bit) in TAINT_FLAGS.iter().zip(kernel) {
            assert_eq!(flag.bit, bit);
        }
    }

    #[test]
    fn abi_tracepoint_column_matches_the_kernel_rule() {
        for flag in &TAINT_FLAGS {
            assert_eq!(
                flag.tracepoints_allowed,
                TaintMask::bit(flag.bit).tracepoints_accepted()
            );
        }
    }

    #[test]
    fn letters_of_an_unsigned_out_of_tree_module() -> Result {
        let mask = TaintMask::bit(bindings::TAINT_OOT_MODULE)
            | TaintMask::bit(bindings::TAINT_UNSIGNED_MODULE);
        assert_eq!(letters(mask)?.to_bytes(), b"OE");
        Ok(())
    }

    #[test]
    fn letters_follow_bit_order_not_insertion_order() -> Result {
        let mask = TaintMask::bit(bindings::TAINT_TEST)
            | TaintMask::bit(bindings::TAINT_PROPRIETARY_MODULE)
            | TaintMask::bit(bindings::TAINT_WARN);
        assert_eq!(letters(mask)?.to_bytes(), b"PWN");
        Ok(())
    }

    #[test]
    fn untainted_prints_a_dash_and_unknown_bits_a_question_mark() -> Result {
        assert_eq!(letters(TaintMask(0))?.to_bytes(), b"-");
        assert_eq!(letters(TaintMask(1 << 40 | 1))?.to_bytes(), b"P?");
        Ok(())
    }

    #[test]
    fn unsigned_and_out_of_tree_keep_tracepoints() {
        let oe = TaintMask::bit(bindings::TAINT_OOT_MODULE)
            | TaintMask::bit(bindings::TAINT_UNSIGNED_MODULE);
        assert!(oe.tracepoints_accepted());
        assert!(TaintMask(0).tracepoints_accepted());
        assert!(TaintMask::TRACEPOINT_SAFE.tracepoints_accepted());
    }

    #[test]
    fn forced_or_proprietary_lose_tracepoints() {
        let forced = TaintMask::bit(bindings::TAINT_FORCED_MODULE)
            | TaintMask::bit(bindings::TAINT_OOT_MODULE);
        assert!(!forced.tracepoints_accepted());
        assert!(!TaintMask::bit(bindings::TAINT_PROPRIETARY_MODULE).tracepoints_accepted());
    }

    #[test]
    fn contains_checks_every_flag() {
        let oe = TaintMask::bit(bindings::TAINT_OOT_MODULE)
            | TaintMask::bit(bindings::TAINT_UNSIGNED_MODULE);
        assert!(oe.contains(TaintMask::bit(bindings::TAINT_UNSIGNED_MODULE)));
        assert!(!oe.contains(TaintMask::bit(bindings::TAINT_FORCED_MODULE)));
    }
}

// SPDX-License-Identifier: GPL-2.0

//! Taint attribution: which code first set each kernel-wide taint flag, when, and in which process.
//!
//! Kretprobes on `add_taint()` and on its callers that may inline it
//! (`taint_audit_probe.c`) report the kernel-wide taint before and after each
//! call. The first call seen to set a flag fills that flag's slot, once; every
//! `add_taint()` call the probe sees is counted. A slot's first cause is a
//! [`WriteOnce`], claimed with a compare-and-exchange and published with a
//! release store, so recording takes no lock, allocates nothing and is safe in
//! every context `add_taint()` runs in, hard interrupts and NMIs included. A
//! reader sees a slot's first cause only once it is complete.
//!
//! Flags already set when this module loaded are reported as such: their
//! first cause is not known.

use crate::{
    audit::write_word,
    shim::{
        self,
        COMM_LEN, //
    },
    taint::TaintMask,
    trace,
    write_once::WriteOnce, //
};
use kernel::{
    fmt::{
        self,
        Write, //
    },
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

/// Flags with a slot: every bit of `TAINT_FLAGS_COUNT` (20) and room for newer ones.
const SLOTS: usize = 32;
/// Room for "symbol+0x1f/0x80 [module]".
const CALLER_LEN: usize = 96;

/// The first call that set a flag.
struct FirstTaint {
    /// `CLOCK_MONOTONIC` in nanoseconds (the NMI-safe reader).
    time_ns: u64,
    pid: i32,
    comm: [u8; COMM_LEN],
    /// Where `add_taint()` returned to (`%pB`: `fn+0x1c/0x80`), or, when it
    /// was inlined, the function it was inlined into (`%ps`); NUL-terminated.
    caller: [u8; CALLER_LEN],
}

/// One flag's record.
struct Slot {
    /// `add_taint()` calls with this flag that the probe saw, setting it or
    /// not (inlined calls are not seen).
    calls: Atomic<u64>,
    /// The first call seen to set the flag, once it is complete.
    first: WriteOnce<FirstTaint>,
}

impl Slot {
    fn new() -> impl Init<Slot> {
        init!(Slot {
            calls: Atomic::new(0),
            first: WriteOnce::new(FirstTaint {
                time_ns: 0,
                pid: 0,
                comm: [0; COMM_LEN],
                caller: [0; CALLER_LEN],
            }),
        })
    }

    /// The first cause, once it is complete.
    fn first(&self) -> Option<&FirstTaint> {
        self.first.get()
    }
}

/// Where a taint was set from.
#[derive(Clone, Copy)]
pub(crate) enum Site {
    /// The address `add_taint()` returned to.
    ReturnAddress(usize),
    /// A function that set it with an inlined `add_taint()`.
    Function(usize),
}

/// The attribution of every taint flag.
///
/// # Invariants
///
/// - `slots[bit]` is the record of the flag at `bit`, and of no other.
/// - A slot's `first` is written only by a report in which its flag was
///   newly set (set after the call, not before it), the first such report
///   that reached it.
/// - `before_audit` is the kernel-wide taint when the attribution was
///   created; it never changes.
pub(crate) struct Attribution {
    slots: [Slot; SLOTS],
    /// The kernel-wide taint when this module loaded.
    before_audit: TaintMask,
    /// Calls with a flag beyond `SLOTS`, which a newer kernel might make.
    unknown_flags: Atomic<u64>,
}

impl Attribution {
    /// Empty slots; flags already set now are reported as set before the audit.
    ///
    /// Initialised in place: the table is a few kilobytes, too much for the stack.
    pub(crate) fn new() -> impl Init<Attribution> {
        // INVARIANT: Slot `i` is made for bit `i`, unclaimed; `before_audit`
        // is the taint now, and nothing writes it later.
        init!(Attribution {
            slots <- pin_init::init_array_from_fn(|_| Slot::new()),
            before_audit: TaintMask::kernel(),
            unknown_flags: Atomic::new(0),
        })
    }

    /// Records one probed call: `add_taint(flag)` (`call` is `Some(flag)`) or a
    /// caller of it, with the kernel-wide taint before and after the call.
    ///
    /// Flags set in `after` but not in `before` are attributed to `site`
    /// unless an earlier report already claimed them. Safe in any context: it
    /// neither sleeps nor locks nor allocates.
    pub(crate) fn taints_set(&self, call: Option<u32>, before: u64, after: u64, site: Site) {
        if let Some(flag) = call {
            match self.slots.get(flag as usize) {
                Some(slot) => {
                    slot.calls.fetch_add(1, Relaxed);
                }
                None => {
                    self.unknown_flags.fetch_add(1, Relaxed);
                }
            }
        }
        let newly_set = after & !before;
        for (bit, slot) in self.slots.iter().enumerate() {
            if newly_set & (1 << bit) != 0 {
                // INVARIANT: `slot` is the flag's own, the flag was newly set
                // in this report, and `claim` writes only the first time.
                Self::claim(slot, bit as u32, site);
            }
        }
    }

    /// Fills `slot` with the current task and `site`, unless it is taken.
    fn claim(slot: &Slot, flag: u32, site: Site) {
        slot.first.write_once(|first| {
            first.time_ns = shim::now_ns();
            (first.pid, first.comm) = shim::current_process();
            let (addr, return_address) = match site {
                Site::ReturnAddress(addr) => (addr, true),
                Site::Function(addr) => (addr, false),
            };
            shim::symbolize(&mut first.caller, addr, return_address);
            // `first` is published when this closure returns: the event
            // reads it before, through the writer's borrow.
            trace::taint_event(flag, &first.caller);
        });
    }

    /// Writes one line per flag that is set or was ever added, after a header
    /// that also gives the probed calls the probes missed.
    pub(crate) fn write_report(
        &self,
        f: &mut fmt::Formatter<'_>,
        probe_misses: u64,
    ) -> fmt::Result {
        f.write_fmt(fmt!(
            "# taint_audit kernel_taint={} before_audit={} unknown_flag_calls={} probe_misses={}\n",
            TaintMask::kernel(),
            self.before_audit,
            self.unknown_flags.load(Relaxed),
            probe_misses
        ))?;
        for (bit, slot) in self.slots.iter().enumerate() {
            let flag = TaintMask::bit(bit as u32);
            let calls = slot.calls.load(Relaxed);
            if let Some(first) = slot.first() {
                f.write_fmt(fmt!(
                    "flag={flag} bit={bit} calls={calls} time_ns={} pid={} comm=",
                    first.time_ns,
                    first.pid
                ))?;
                write_word(f, &first.comm)?;
                f.write_str(" caller=")?;
                write_word(f, &first.caller)?;
                f.write_char('\n')?;
            } else if self.before_audit.contains(flag) {
                f.write_fmt(fmt!(
                    "flag={flag} bit={bit} calls={calls} origin=before_audit\n"
                ))?;
            }
        }
        Ok(())
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(taint_audit_attribution)]
mod tests {
    use super::*;
    use kernel::{
        bindings,
        str::CString, //
    };

    const USER: u32 = bindings::TAINT_USER;
    const WARN: u32 = bindings::TAINT_WARN;

    fn report(a: &Attribution) -> Result<CString> {
        CString::try_from_fmt(fmt!("{}", ReportOf(a)))
    }

    struct ReportOf<'a>(&'a Attribution);

    impl fmt::Display for ReportOf<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.write_report(f, 0)
        }
    }

    /// `add_taint`, as a probe on its callers reports it.
    fn add_taint_fn() -> usize {
        bindings::add_taint as *const () as usize
    }

    /// A return address inside `add_taint()`, as the `add_taint()` probe would see one.
    fn inside_add_taint() -> Site {
        Site::ReturnAddress(add_taint_fn() + 4)
    }

    fn caller_of(slot: &Slot) -> Result<&[u8]> {
        let first = slot.first().ok_or(EINVAL)?;
        let caller = CStr::from_bytes_until_nul(&first.caller).map_err(|_| EINVAL)?;
        Ok(caller.to_bytes())
    }

    #[test]
    fn the_first_call_is_attributed_and_every_call_counted() -> Result {
        let a = KBox::init(Attribution::new(), GFP_KERNEL)?;
        let user = 1 << USER;
        a.taints_set(Some(USER), 0, user, inside_add_taint());
        a.taints_set(Some(USER), user, user, Site::ReturnAddress(0));
        a.taints_set(Some(USER), user, user, Site::ReturnAddress(0));
        let slot = &a.slots[USER as usize];
        assert_eq!(slot.calls.load(Relaxed), 3);
        assert!(caller_of(slot)?.starts_with(b"add_taint+0x"));
        Ok(())
    }

    #[test]
    fn a_flag_already_set_is_only_counted() -> Result {
        let a = KBox::init(Attribution::new(), GFP_KERNEL)?;
        a.taints_set(Some(USER), 1 << USER, 1 << USER, inside_add_taint());
        assert!(a.slots[USER as usize].first().is_none());
        assert_eq!(a.slots[USER as usize].calls.load(Relaxed), 1);
        Ok(())
    }

    #[test]
    fn an_inlined_add_taint_is_attributed_to_its_caller() -> Result {
        let a = KBox::init(Attribution::new(), GFP_KERNEL)?;
        a.taints_set(None, 0, 1 << WARN, Site::Function(add_taint_fn()));
        let slot = &a.slots[WARN as usize];
        assert_eq!(caller_of(slot)?, b"add_taint");
        assert_eq!(slot.calls.load(Relaxed), 0);
        Ok(())
    }

    #[test]
    fn the_inner_report_wins_over_its_callers() -> Result {
        let a = KBox::init(Attribution::new(), GFP_KERNEL)?;
        // add_taint() returns before __warn() does.
        a.taints_set(Some(WARN), 0, 1 << WARN, inside_add_taint());
        a.taints_set(None, 0, 1 << WARN, Site::Function(0));
        assert!(caller_of(&a.slots[WARN as usize])?.starts_with(b"add_taint+0x"));
        Ok(())
    }

    #[test]
    fn flags_beyond_the_table_are_counted_not_stored() -> Result {
        let a = KBox::init(Attribution::new(), GFP_KERNEL)?;
        a.taints_set(Some(SLOTS as u32), 0, 0, Site::ReturnAddress(0));
        a.taints_set(Some(u32::MAX), 0, 1 << 40, Site::ReturnAddress(0));
        assert_eq!(a.unknown_flags.load(Relaxed), 2);
        assert!(report(&a)?.to_str()?.contains("unknown_flag_calls=2"));
        Ok(())
    }

    #[test]
    fn report_names_flag_caller_and_process() -> Result {
        let a = KBox::init(Attribution::new(), GFP_KERNEL)?;
        a.taints_set(Some(USER), 0, 1 << USER, inside_add_taint());
        let text = report(&a)?;
        let text = text.to_str()?;
        assert!(text.contains("flag=U bit=6 calls=1 time_ns="));
        // KUnit runs each case in a kthread of its own.
        assert!(text.contains(" comm=kunit_try_catch caller=add_taint+0x"));
        Ok(())
    }

    #[test]
    fn record_keys_are_the_abi_keys_in_order() -> Result {
        let a = KBox::init(Attribution::new(), GFP_KERNEL)?;
        a.taints_set(Some(USER), 0, 1 << USER, inside_add_taint());
        let text = report(&a)?;
        let mut checked = 0;
        for line in text.to_str()?.lines().filter(|l| !l.starts_with('#')) {
            let keys: &[&str] = if line.contains(" origin=") {
                &crate::abi::TAINT_BEFORE_AUDIT_KEYS
            } else {
                &crate::abi::TAINT_RECORD_KEYS
            };
            let mut fields = line.split(' ');
            for key in keys {
                assert_eq!(fields.next().and_then(|f| f.split('=').next()), Some(*key));
            }
            assert!(fields.next().is_none());
            checked += 1;
        }
        assert!(checked >= 1);
        Ok(())
    }
}

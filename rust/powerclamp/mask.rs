// SPDX-License-Identifier: GPL-2.0

//! The `cpumask` parameter: a set of CPUs in the hexadecimal format of
//! `/proc/irq/*/smp_affinity` and intel_powerclamp's `cpumask` ("3",
//! "0000000f", "ff,ffffffff": 32-bit groups, most significant first).

use kernel::{
    bindings,
    fmt::{
        self,
        Write, //
    },
    prelude::*,
};

const BITS: usize = usize::BITS as usize;
/// Words in a set big enough for every CPU the kernel was built for.
pub(crate) const WORDS: usize = (bindings::NR_CPUS as usize).div_ceil(BITS);

/// A set of CPU numbers below `NR_CPUS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CpuSet(pub(crate) [usize; WORDS]);

impl CpuSet {
    pub(crate) const fn empty() -> Self {
        Self([0; WORDS])
    }

    /// CPUs `0..nr_cpus`.
    pub(crate) fn first(nr_cpus: u32) -> Self {
        let mut set = Self::empty();
        for cpu in 0..nr_cpus.min(bindings::NR_CPUS) {
            set.insert(cpu);
        }
        set
    }

    pub(crate) fn contains(&self, cpu: u32) -> bool {
        let cpu = cpu as usize;
        cpu < WORDS * BITS && self.0[cpu / BITS] & (1 << (cpu % BITS)) != 0
    }

    fn insert(&mut self, cpu: u32) {
        let cpu = cpu as usize;
        self.0[cpu / BITS] |= 1 << (cpu % BITS);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// Parses `text` (a trailing newline allowed) for a machine with
    /// `nr_cpus` possible CPU numbers.
    ///
    /// `EINVAL` for: nothing, a character that is not a hex digit or a comma,
    /// an empty or longer than 8-digit group, a CPU at or above `nr_cpus`, or
    /// no CPU at all.
    pub(crate) fn parse(text: &[u8], nr_cpus: u32) -> Result<Self> {
        let text = text.trim_ascii();
        if text.is_empty() {
            return Err(EINVAL);
        }
        let mut set = Self::empty();
        // Groups from the least significant one, at the end of the text.
        for (index, group) in text.rsplit(|c| *c == b',').enumerate() {
            if group.is_empty() || group.len() > 8 {
                return Err(EINVAL);
            }
            let mut value = 0u32;
            for c in group {
                let digit = (*c as char).to_digit(16).ok_or(EINVAL)?;
                value = value << 4 | digit;
            }
            for bit in 0..32 {
                if value & (1 << bit) == 0 {
                    continue;
                }
                let cpu = index
                    .checked_mul(32)
                    .and_then(|base| base.checked_add(bit))
                    .ok_or(EINVAL)?;
                if cpu >= nr_cpus as usize {
                    return Err(EINVAL);
                }
                set.insert(cpu as u32);
            }
        }
        if set.is_empty() {
            return Err(EINVAL);
        }
        Ok(set)
    }

    /// Writes the set as `%*pb` does for `nr_cpus` bits.
    pub(crate) fn write_hex(&self, nr_cpus: u32, f: &mut impl Write) -> fmt::Result {
        let nr_cpus = nr_cpus.clamp(1, bindings::NR_CPUS);
        let groups = nr_cpus.div_ceil(32);
        for group in (0..groups).rev() {
            let mut value = 0u32;
            for bit in 0..32 {
                if self.contains(group * 32 + bit) {
                    value |= 1 << bit;
                }
            }
            // Full groups have 8 digits; the top one only what nr_cpus needs.
            let digits = if group == groups - 1 {
                (nr_cpus - group * 32).div_ceil(4)
            } else {
                f.write_char(',')?;
                8
            };
            for digit in (0..digits).rev() {
                let nibble = (value >> (digit * 4)) & 0xf;
                f.write_char(char::from_digit(nibble, 16).unwrap_or('?'))?;
            }
        }
        Ok(())
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(powerclamp_cpumask)]
mod tests {
    use super::*;
    use kernel::str::CString;

    fn set(cpus: &[u32]) -> CpuSet {
        let mut s = CpuSet::empty();
        for cpu in cpus {
            s.insert(*cpu);
        }
        s
    }

    struct Hex(CpuSet, u32);

    impl fmt::Display for Hex {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.write_hex(self.1, f)
        }
    }

    fn hex(s: CpuSet, nr: u32) -> Result<CString> {
        CString::try_from_fmt(fmt!("{}", Hex(s, nr)))
    }

    #[test]
    fn parses_smp_affinity_masks() {
        assert_eq!(CpuSet::parse(b"3", 2), Ok(set(&[0, 1])));
        assert_eq!(CpuSet::parse(b"2\n", 2), Ok(set(&[1])));
        assert_eq!(CpuSet::parse(b"0000000f", 8), Ok(set(&[0, 1, 2, 3])));
        assert_eq!(CpuSet::parse(b"A0", 8), Ok(set(&[5, 7])));
    }

    #[test]
    fn parses_groups_most_significant_first() {
        if bindings::NR_CPUS < 64 {
            // The CPUs of a second group do not exist in this kernel.
            assert_eq!(CpuSet::parse(b"1,00000000", 8), Err(EINVAL));
            assert_eq!(CpuSet::parse(b"0,00000001", 8), Ok(set(&[0])));
            return;
        }
        assert_eq!(CpuSet::parse(b"1,00000001", 64), Ok(set(&[0, 32])));
    }

    #[test]
    fn refuses_bad_masks() {
        for bad in [
            &b""[..],
            b"\n",
            b"0",
            b"00,0",
            b"zz",
            b"0x3",
            b"-1",
            b"3 3",
            b",3",
            b"3,",
            b"100000000",
        ] {
            assert_eq!(CpuSet::parse(bad, 8), Err(EINVAL));
        }
        // CPU 2 on a two-CPU machine.
        assert_eq!(CpuSet::parse(b"4", 2), Err(EINVAL));
        assert_eq!(CpuSet::parse(b"7", 2), Err(EINVAL));
    }

    #[test]
    fn formats_as_percent_star_pb() -> Result {
        assert_eq!(hex(set(&[0, 1]), 2)?.to_bytes(), b"3");
        assert_eq!(hex(set(&[0]), 8)?.to_bytes(), b"01");
        assert_eq!(hex(set(&[0, 5]), 8)?.to_bytes(), b"21");
        assert_eq!(hex(CpuSet::first(4), 4)?.to_bytes(), b"f");
        Ok(())
    }

    #[test]
    fn formatting_and_parsing_round_trip() -> Result {
        for nr in 1..=bindings::NR_CPUS {
            let all = CpuSet::first(nr);
            let text = hex(all, nr)?;
            assert_eq!(CpuSet::parse(text.to_bytes(), nr), Ok(all));
        }
        Ok(())
    }
}

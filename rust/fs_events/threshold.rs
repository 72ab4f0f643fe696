// SPDX-License-Identifier: GPL-2.0

//! Free-space and free-inode thresholds: parsing, hysteresis and the adaptive
//! poll interval. Pure arithmetic, tested by KUnit.

use crate::common::text::parse_decimal;
use kernel::prelude::*;

/// One threshold as configured: off, a count, or a percentage of the total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Threshold {
    Off,
    /// Blocks (of statfs `f_bsize`) or inodes.
    Count(u64),
    /// Percent of the total, 1 to 100.
    Percent(u8),
}

impl Threshold {
    /// Parses `0` (off), `N` (a count) or `N%` (1 to 100 percent), with an
    /// optional trailing newline as `echo` writes it.
    pub(crate) fn parse(text: &[u8]) -> Result<Self> {
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let (digits, percent) = match text.strip_suffix(b"%") {
            Some(digits) => (digits, true),
            None => (text, false),
        };
        let value = parse_decimal(digits)?;
        match (value, percent) {
            (0, _) => Ok(Threshold::Off),
            (1..=100, true) => Ok(Threshold::Percent(value as u8)),
            (_, true) => Err(EINVAL),
            (count, false) => Ok(Threshold::Count(count)),
        }
    }

    /// The threshold as a count, given the filesystem's total.
    pub(crate) fn resolve(self, total: u64) -> Option<u64> {
        match self {
            Threshold::Off => None,
            Threshold::Count(count) => Some(count),
            Threshold::Percent(percent) => Some(mul_div(total, percent.into(), 100)),
        }
    }
}

impl kernel::fmt::Display for Threshold {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        match self {
            Threshold::Off => f.write_str("0"),
            Threshold::Count(count) => f.write_fmt(fmt!("{count}")),
            Threshold::Percent(percent) => f.write_fmt(fmt!("{percent}%")),
        }
    }
}

/// `a * b / c`, exact unless the result itself does not fit (then it
/// saturates); no 128-bit division, which the kernel does not link.
fn mul_div(a: u64, b: u64, c: u64) -> u64 {
    match a.checked_mul(b) {
        Some(product) => product / c,
        None => (a / c)
            .saturating_mul(b)
            .saturating_add((a % c).saturating_mul(b) / c),
    }
}

/// A lower and an upper threshold: "low" below the lower one, "ok" again at
/// or above the upper one.
///
/// # Invariants
///
/// When both are set they have the same unit and `lower <= upper`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Band {
    lower: Threshold,
    upper: Threshold,
}

impl Band {
    // INVARIANT: neither is set.
    pub(crate) const OFF: Band = Band {
        lower: Threshold::Off,
        upper: Threshold::Off,
    };

    pub(crate) fn lower(&self) -> Threshold {
        self.lower
    }

    pub(crate) fn upper(&self) -> Threshold {
        self.upper
    }

    /// The band with a new lower threshold, or `EINVAL` if it would be above
    /// the upper one or in another unit.
    pub(crate) fn with_lower(self, lower: Threshold) -> Result<Band> {
        Band::new(lower, self.upper)
    }

    /// The band with a new upper threshold, or `EINVAL` if it would be below
    /// the lower one or in another unit.
    pub(crate) fn with_upper(self, upper: Threshold) -> Result<Band> {
        Band::new(self.lower, upper)
    }

    fn new(lower: Threshold, upper: Threshold) -> Result<Band> {
        let ordered = match (lower, upper) {
            (Threshold::Off, _) | (_, Threshold::Off) => true,
            (Threshold::Count(l), Threshold::Count(u)) => l <= u,
            (Threshold::Percent(l), Threshold::Percent(u)) => l <= u,
            _ => false,
        };
        if ordered {
            // INVARIANT: one is off, or both are in one unit and ordered.
            Ok(Band { lower, upper })
        } else {
            Err(EINVAL)
        }
    }

    /// The lower and upper levels as counts; the upper one defaults to the
    /// lower one (no hysteresis). `None` when the band is off.
    fn levels(&self, total: u64) -> Option<(u64, u64)> {
        let lower = self.lower.resolve(total)?;
        Some((lower, self.upper.resolve(total).unwrap_or(lower)))
    }
}

/// A crossing of a band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Crossing {
    /// Fell below the lower threshold.
    Low,
    /// Rose to the upper threshold again.
    Recovered,
}

/// Where a quantity stands against its band, remembered between polls so
/// that each crossing is reported once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Level {
    low: bool,
}

impl Level {
    pub(crate) fn is_low(&self) -> bool {
        self.low
    }

    /// Takes a new sample; returns the crossing it makes, if any. A band
    /// switched off forgets a low state without reporting a recovery.
    pub(crate) fn update(&mut self, band: &Band, free: u64, total: u64) -> Option<Crossing> {
        let Some((lower, upper)) = band.levels(total) else {
            self.low = false;
            return None;
        };
        if !self.low && free < lower {
            self.low = true;
            Some(Crossing::Low)
        } else if self.low && free >= upper {
            self.low = false;
            Some(Crossing::Recovered)
        } else {
            None
        }
    }
}

/// The shortest interval the adaptive poll goes down to.
pub(crate) const MIN_INTERVAL_MS: u32 = 10;

/// The next poll interval: the configured one, shortened when free space or
/// inodes head for the level that would make the next crossing, to half the
/// time the last two samples say is left, but not below the configured
/// interval / 16 or [`MIN_INTERVAL_MS`].
///
/// `previous` and `current` are free counts `elapsed_ms` apart.
pub(crate) fn next_interval(
    interval_ms: u32,
    band: &Band,
    level: &Level,
    total: u64,
    previous: u64,
    current: u64,
    elapsed_ms: u64,
) -> u32 {
    let floor = (interval_ms / 16).max(MIN_INTERVAL_MS).min(interval_ms);
    let Some((lower, upper)) = band.levels(total) else {
        return interval_ms;
    };
    // Low: waiting for free to rise to upper; otherwise for it to fall below lower.
    let (distance, rate_per_ms) = if level.is_low() {
        (
            upper.saturating_sub(current),
            current.saturating_sub(previous),
        )
    } else {
        (
            current.saturating_sub(lower),
            previous.saturating_sub(current),
        )
    };
    if rate_per_ms == 0 || elapsed_ms == 0 {
        return interval_ms;
    }
    // Time left at the observed rate, in ms: distance / (change / elapsed).
    let left_ms = mul_div(distance, elapsed_ms, rate_per_ms);
    (left_ms / 2).clamp(floor.into(), interval_ms.into()) as u32
}

#[cfg(kmods_kunit)]
#[kunit_tests(fs_events_threshold)]
mod tests {
    use super::*;

    #[test]
    fn parses_counts_percentages_and_off() {
        assert_eq!(Threshold::parse(b"0\n"), Ok(Threshold::Off));
        assert_eq!(Threshold::parse(b"4096"), Ok(Threshold::Count(4096)));
        assert_eq!(Threshold::parse(b"10%\n"), Ok(Threshold::Percent(10)));
        assert_eq!(Threshold::parse(b"100%"), Ok(Threshold::Percent(100)));
        assert_eq!(Threshold::parse(b"0%"), Ok(Threshold::Off));
    }

    #[test]
    fn rejects_malformed_thresholds() {
        for bad in [
            &b""[..],
            b"\n",
            b"%",
            b"101%",
            b"-1",
            b"1.5",
            b"ten",
            b" 5",
            b"5 ",
            b"5%%",
            b"18446744073709551616",
        ] {
            assert_eq!(Threshold::parse(bad), Err(EINVAL));
        }
    }

    #[test]
    fn resolves_percentages_against_the_total() {
        assert_eq!(Threshold::Percent(10).resolve(1000), Some(100));
        assert_eq!(Threshold::Percent(100).resolve(u64::MAX), Some(u64::MAX));
        assert_eq!(Threshold::Count(7).resolve(1000), Some(7));
        assert_eq!(Threshold::Off.resolve(1000), None);
    }

    #[test]
    fn band_keeps_lower_at_or_below_upper_in_one_unit() {
        let band = Band::OFF.with_upper(Threshold::Percent(20)).unwrap();
        let band = band.with_lower(Threshold::Percent(10)).unwrap();
        assert_eq!(band.with_lower(Threshold::Percent(30)), Err(EINVAL));
        assert_eq!(band.with_upper(Threshold::Percent(5)), Err(EINVAL));
        assert_eq!(band.with_lower(Threshold::Count(5)), Err(EINVAL));
        assert_eq!(
            band.with_lower(Threshold::Percent(20)).map(|b| b.lower()),
            Ok(Threshold::Percent(20))
        );
        // Either side off lifts the ordering rule.
        let band = Band::OFF.with_lower(Threshold::Count(100)).unwrap();
        assert_eq!(band.upper(), Threshold::Off);
    }

    #[test]
    fn each_crossing_reports_once_with_hysteresis() {
        let band = Band::OFF
            .with_upper(Threshold::Count(200))
            .and_then(|b| b.with_lower(Threshold::Count(100)))
            .unwrap();
        let mut level = Level::default();
        assert_eq!(level.update(&band, 500, 1000), None);
        assert_eq!(level.update(&band, 99, 1000), Some(Crossing::Low));
        assert_eq!(level.update(&band, 50, 1000), None);
        // Above lower but below upper: still low, nothing to report.
        assert_eq!(level.update(&band, 150, 1000), None);
        assert_eq!(level.update(&band, 200, 1000), Some(Crossing::Recovered));
        assert_eq!(level.update(&band, 150, 1000), None);
        assert_eq!(level.update(&band, 10, 1000), Some(Crossing::Low));
    }

    #[test]
    fn starting_below_reports_low_and_off_forgets() {
        let band = Band::OFF.with_lower(Threshold::Percent(50)).unwrap();
        let mut level = Level::default();
        assert_eq!(level.update(&band, 10, 100), Some(Crossing::Low));
        // Without an upper threshold, recovery is at the lower one.
        assert_eq!(level.update(&band, 50, 100), Some(Crossing::Recovered));
        assert_eq!(level.update(&band, 10, 100), Some(Crossing::Low));
        assert_eq!(level.update(&Band::OFF, 10, 100), None);
        assert!(!level.is_low());
    }

    #[test]
    fn interval_shortens_as_a_threshold_nears() {
        let band = Band::OFF.with_lower(Threshold::Count(1000)).unwrap();
        let level = Level::default();
        // Not moving, or moving away: the configured interval.
        assert_eq!(
            next_interval(1000, &band, &level, 10000, 5000, 5000, 1000),
            1000
        );
        assert_eq!(
            next_interval(1000, &band, &level, 10000, 4000, 5000, 1000),
            1000
        );
        // 4000 left at 1 per ms: half of 4000 ms, capped at the interval.
        assert_eq!(
            next_interval(1000, &band, &level, 10000, 6000, 5000, 1000),
            1000
        );
        // 400 left at 1 per ms: 200 ms.
        assert_eq!(
            next_interval(1000, &band, &level, 10000, 2400, 1400, 1000),
            200
        );
        // Nearly there: the floor, interval / 16.
        assert_eq!(
            next_interval(1000, &band, &level, 10000, 2001, 1001, 1000),
            62
        );
        assert_eq!(
            next_interval(100, &band, &level, 10000, 2001, 1001, 1000),
            MIN_INTERVAL_MS
        );
        // Off: the configured interval.
        assert_eq!(
            next_interval(1000, &Band::OFF, &level, 10000, 2001, 1001, 1000),
            1000
        );
    }

    #[test]
    fn interval_shortens_as_recovery_nears() {
        let band = Band::OFF
            .with_upper(Threshold::Count(2000))
            .and_then(|b| b.with_lower(Threshold::Count(1000)))
            .unwrap();
        let mut level = Level::default();
        assert_eq!(level.update(&band, 500, 10000), Some(Crossing::Low));
        // Rising at 1 per ms with 1000 to go: 500 ms.
        assert_eq!(
            next_interval(1000, &band, &level, 10000, 0, 1000, 1000),
            500
        );
    }
}

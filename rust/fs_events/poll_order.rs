// SPDX-License-Identifier: GPL-2.0

//! The order of the poller's polls within one round: earliest due first,
//! and a round gives way (starts over, sorted again) as soon as a watch it
//! has passed falls due before the next one in line. A wake-up still polls
//! the watches due a little later with those due now, but such an early
//! poll never makes a due watch wait: on 1000 watches a batch of early polls
//! takes tens of milliseconds, longer than a short interval's slack.

use kernel::time::Delta;

/// When a watch is due, from the start of its round; `None`: at once (new,
/// reconfigured, or its filesystem went away). `None` sorts before any time.
pub(crate) type DueIn = Option<Delta>;

/// Sorts a round's watches into polling order: those due at once, then the
/// earliest due. O(n log n), in place.
pub(crate) fn sort<T>(round: &mut [(DueIn, T)]) {
    round.sort_unstable_by_key(|(due, _)| *due);
}

/// The watches a round has passed, polled or left for later: when the
/// earliest of them is due next.
#[derive(Default)]
pub(crate) struct Passed {
    earliest: DueIn,
}

impl Passed {
    /// A watch passed, next due at `due` from the start of the round.
    pub(crate) fn note(&mut self, due: Delta) {
        self.earliest = Some(self.earliest.map_or(due, |earliest| earliest.min(due)));
    }

    /// When the earliest watch passed is due, from the start of the round;
    /// `None` if no watch passed is armed.
    pub(crate) fn earliest(&self) -> Option<Delta> {
        self.earliest
    }

    /// Whether the round gives way before polling the watch due at `next`,
    /// `elapsed` into the round: a watch passed is due by now and before
    /// `next`. A watch due at once never gives way, and neither does the
    /// first of a round (nothing passed), so every round polls.
    pub(crate) fn gives_way(&self, elapsed: Delta, next: DueIn) -> bool {
        match (self.earliest, next) {
            (Some(passed), Some(next)) => passed <= elapsed && passed < next,
            _ => false,
        }
    }
}

#[cfg(kmods_kunit)]
#[kernel::prelude::kunit_tests(fs_events_poll_order)]
mod tests {
    use super::*;

    fn ms(ms: i64) -> Delta {
        Delta::from_millis(ms)
    }

    #[test]
    fn sorts_due_at_once_then_earliest_due() {
        let mut round = [
            (Some(ms(40)), 1),
            (Some(ms(-5)), 2),
            (None, 3),
            (Some(ms(0)), 4),
            (Some(ms(-20)), 5),
            (Some(ms(10)), 6),
        ];
        sort(&mut round);
        let order = round.map(|(_, watch)| watch);
        assert_eq!(order, [3, 5, 2, 4, 6, 1]);
    }

    #[test]
    fn remembers_the_earliest_passed() {
        let mut passed = Passed::default();
        assert_eq!(passed.earliest(), None);
        passed.note(ms(1000));
        passed.note(ms(100));
        passed.note(ms(900));
        assert_eq!(passed.earliest(), Some(ms(100)));
    }

    #[test]
    fn an_early_poll_gives_way_to_a_passed_watch_now_due() {
        let mut passed = Passed::default();
        // The 100 ms watch, passed at the start: due in 10 ms, beyond its slack.
        passed.note(ms(10));
        // A 1 s watch due in 50 ms, within its slack, polled early while the
        // 100 ms one is not due yet...
        assert!(!passed.gives_way(ms(3), Some(ms(50))));
        // ...but not once it is.
        assert!(passed.gives_way(ms(10), Some(ms(50))));
        assert!(passed.gives_way(ms(12), Some(ms(11))));
    }

    #[test]
    fn due_watches_keep_their_order() {
        let mut passed = Passed::default();
        // Nothing passed: the first of a round is always polled.
        assert!(!passed.gives_way(ms(500), Some(ms(0))));
        passed.note(ms(-10));
        // Due at once: never waits.
        assert!(!passed.gives_way(ms(5), None));
        // Due earlier than the watch passed: its turn.
        assert!(!passed.gives_way(ms(5), Some(ms(-20))));
        // Due at the same time: no need to sort again.
        assert!(!passed.gives_way(ms(5), Some(ms(-10))));
        assert!(passed.gives_way(ms(5), Some(ms(-5))));
    }
}

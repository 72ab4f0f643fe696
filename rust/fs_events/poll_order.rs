// SPDX-License-Identifier: GPL-2.0

//! The order of the poller's polls within one round (one wake-up): earliest
//! due first, and between them any watch the round has already passed that
//! is due again, or fell due, before the next one in line. A wake-up still
//! polls the watches due a little later with those due now, but such an
//! early poll never makes a due watch wait longer than the poll under way:
//! on 1000 watches a batch of early polls takes tens of milliseconds, longer
//! than a short interval's slack.

#[cfg(kmods_kunit)]
use kernel::prelude::kunit_tests;
use kernel::time::Delta;

/// When a watch is due, from the start of its round; `None`: at once (new,
/// reconfigured, or its filesystem went away) before the round polls it, not
/// at all (not armed) after. Before, `None` sorts first.
pub(crate) type DueIn = Option<Delta>;

/// Sorts a round's watches into polling order: those due at once, then the
/// earliest due. O(n log n), in place.
pub(crate) fn sort<T>(round: &mut [(DueIn, T)]) {
    round.sort_unstable_by_key(|(due, _)| *due);
}

/// Polls a round [`sort`]ed: each watch in turn, and before each any watch
/// already passed that is due by now and before it, earliest first.
/// `poll(watch, elapsed)` polls `watch` if it is due `elapsed` into the
/// round and returns when it is due next (`None`: not at all); `elapsed()`
/// reads the clock. Returns when the earliest watch is due next, from the
/// start of the round; `None` if none is.
///
/// The watches passed are kept in `round[..passed]` as a binary min-heap on
/// when they are due next, the rest in their sorted order after it, so each
/// poll costs O(log n) and nothing is allocated.
pub(crate) fn poll_round<T>(
    round: &mut [(DueIn, T)],
    mut elapsed: impl FnMut() -> Delta,
    mut poll: impl FnMut(&T, Delta) -> DueIn,
) -> DueIn {
    let mut passed = 0;
    while let Some(&(next, _)) = round.get(passed) {
        let now = elapsed();
        let waiting = match (round.first(), passed) {
            (Some(&(Some(due), _)), 1..) => due <= now && next.is_some_and(|next| due < next),
            _ => false,
        };
        if waiting {
            round[0].0 = poll(&round[0].1, now);
            sift_down(&mut round[..passed]);
        } else {
            round[passed].0 = poll(&round[passed].1, now);
            passed += 1;
            sift_up(&mut round[..passed]);
        }
    }
    round.first().and_then(|&(due, _)| due)
}

/// Whether `a` is due before `b` among watches passed: `None` (not at all)
/// after any time.
fn before(a: DueIn, b: DueIn) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Restores the heap `heap[..n - 1]` extended by its last entry.
fn sift_up<T>(heap: &mut [(DueIn, T)]) {
    let mut child = heap.len().saturating_sub(1);
    while child > 0 {
        let parent = (child - 1) / 2;
        if !before(heap[child].0, heap[parent].0) {
            break;
        }
        heap.swap(child, parent);
        child = parent;
    }
}

/// Restores the heap after its first entry's due time changed.
fn sift_down<T>(heap: &mut [(DueIn, T)]) {
    let mut parent = 0;
    loop {
        let (left, right) = (2 * parent + 1, 2 * parent + 2);
        let mut first = parent;
        if left < heap.len() && before(heap[left].0, heap[first].0) {
            first = left;
        }
        if right < heap.len() && before(heap[right].0, heap[first].0) {
            first = right;
        }
        if first == parent {
            break;
        }
        heap.swap(parent, first);
        parent = first;
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(fs_events_poll_order)]
mod tests {
    use super::*;
    use core::cell::Cell;

    fn ms(ms: i64) -> Delta {
        Delta::from_millis(ms)
    }

    /// A watch as [`crate::watch::Watch::poll_if_due`] polls it: due within
    /// a sixteenth of its interval, it is polled and due an interval later.
    struct FakeWatch {
        interval: i64,
        due: Cell<Option<Delta>>,
        polled_at: Cell<Option<Delta>>,
    }

    impl FakeWatch {
        fn new(interval: i64, due: Option<i64>) -> Self {
            FakeWatch {
                interval,
                due: Cell::new(due.map(ms)),
                polled_at: Cell::new(None),
            }
        }

        fn poll_if_due(&self, now: Delta) -> DueIn {
            if let Some(due) = self.due.get() {
                if due - now > Delta::from_micros(self.interval * 1000 / 16) {
                    return Some(due);
                }
            }
            self.polled_at.set(Some(now));
            self.due.set(Some(now + ms(self.interval)));
            self.due.get()
        }
    }

    /// Runs a round over `watches` (as `sort` orders them), each poll taking
    /// 1 ms; returns when the earliest is due next.
    fn run(watches: &[FakeWatch]) -> DueIn {
        let mut round = [(None, 0usize); 48];
        let round = &mut round[..watches.len()];
        for (i, (due, watch)) in round.iter_mut().enumerate() {
            *due = watches[i].due.get();
            *watch = i;
        }
        sort(round);
        let clock = Cell::new(ms(0));
        poll_round(
            round,
            || clock.get(),
            |&i, now| {
                let due = watches[i].poll_if_due(now);
                if watches[i].polled_at.get() == Some(now) {
                    clock.set(now + ms(1));
                }
                due
            },
        )
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
    fn an_early_poll_gives_way_to_a_watch_that_fell_due() {
        // A 100 ms watch due in 25 ms, beyond its 6.25 ms slack, and forty
        // 1 s watches due every 2 ms from now, within their 62.5 ms slack:
        // polled early, one a millisecond, the last at 40 ms.
        let watches: [FakeWatch; 41] = core::array::from_fn(|i| {
            if i == 0 {
                FakeWatch::new(100, Some(25))
            } else {
                FakeWatch::new(1000, Some(2 * i as i64))
            }
        });
        let next = run(&watches);
        // Polled as it fell due, not after the early polls.
        assert_eq!(watches[0].polled_at.get(), Some(ms(25)));
        assert!(watches.iter().all(|w| w.polled_at.get().is_some()));
        // Next due: the 100 ms watch again.
        assert_eq!(next, Some(ms(125)));
    }

    #[test]
    fn due_watches_go_first_earliest_first() {
        let watches = [
            FakeWatch::new(1000, Some(40)),
            FakeWatch::new(1000, Some(-5)),
            FakeWatch::new(1000, None),
            FakeWatch::new(1000, Some(-20)),
            FakeWatch::new(1000, Some(500)),
        ];
        let next = run(&watches);
        let polled = watches.each_ref().map(|w| w.polled_at.get());
        assert_eq!(
            polled,
            [Some(ms(3)), Some(ms(2)), Some(ms(0)), Some(ms(1)), None]
        );
        // The one not due yet is the next.
        assert_eq!(next, Some(ms(500)));
    }

    #[test]
    fn a_watch_not_armed_is_never_next() {
        let mut round = [(None, 0), (Some(ms(5)), 1)];
        let next = poll_round(&mut round, || ms(0), |&i, _| (i == 1).then(|| ms(5)));
        assert_eq!(next, Some(ms(5)));
        let mut round = [(None, 0)];
        assert_eq!(poll_round(&mut round, || ms(0), |_, _| None), None);
    }

    #[test]
    fn the_heap_keeps_the_earliest_first() {
        let mut heap = [(None, 0); 8];
        for (n, due) in [70, 20, 50, 10, 60, 30, 40, 0].into_iter().enumerate() {
            heap[n] = (Some(ms(due)), due);
            sift_up(&mut heap[..=n]);
            assert_eq!(heap[0].0, heap[..=n].iter().filter_map(|e| e.0).min());
        }
        let mut order = [0; 8];
        for slot in order.iter_mut() {
            *slot = heap[0].1;
            // Polled: not due again.
            heap[0].0 = None;
            sift_down(&mut heap);
        }
        assert_eq!(order, [0, 10, 20, 30, 40, 50, 60, 70]);
    }
}

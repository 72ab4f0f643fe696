// SPDX-License-Identifier: GPL-2.0

//! The clamping session's state machine: off, starting, clamping, stopping.
//!
//! A request for a target (the cooling device's `cur_state`) is checked and
//! turned into a [`Plan`] here; carrying it out (creating or stopping the
//! threads) reports back with [`Session::started`] or [`Session::stopped`].

use kernel::{
    fmt,
    prelude::*, //
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// No target, no thread.
    Off,
    /// Threads are being created for a new target.
    Starting,
    /// Threads run on every online CPU of the mask.
    Clamping,
    /// Threads are being stopped.
    Stopping,
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            State::Off => "off",
            State::Starting => "starting",
            State::Clamping => "clamping",
            State::Stopping => "stopping",
        })
    }
}

/// What a request needs done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// The target is already in force.
    Nothing,
    /// Create the threads.
    Start,
    /// The threads pick the new target up at their next period.
    Retarget,
    /// Stop the threads.
    Stop,
}

/// The session: its state and its target in percent.
///
/// # Invariants
///
/// `target` is 0 exactly when the state is `Off` or `Stopping`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    state: State,
    target: u32,
}

impl Session {
    pub(crate) const fn new() -> Self {
        // INVARIANT: Off with target 0.
        Self {
            state: State::Off,
            target: 0,
        }
    }

    pub(crate) fn state(&self) -> State {
        self.state
    }

    pub(crate) fn target(&self) -> u32 {
        self.target
    }

    /// Asks for `target` percent of idle, at most `max_idle`.
    ///
    /// `EINVAL` above `max_idle`, `EBUSY` while a start or stop is under way;
    /// neither changes anything.
    pub(crate) fn request(&mut self, target: u32, max_idle: u32) -> Result<Plan> {
        if target > max_idle {
            return Err(EINVAL);
        }
        let plan = match (self.state, target) {
            (State::Starting | State::Stopping, _) => return Err(EBUSY),
            (State::Off, 0) => Plan::Nothing,
            (State::Off, _) => Plan::Start,
            (State::Clamping, 0) => Plan::Stop,
            (State::Clamping, t) if t == self.target => Plan::Nothing,
            (State::Clamping, _) => Plan::Retarget,
        };
        // INVARIANT: Starting and Clamping get a target above 0 (a 0 target
        // makes Nothing from Off, Stop from Clamping); Stopping gets 0.
        match plan {
            Plan::Nothing => {}
            Plan::Start => {
                self.state = State::Starting;
                self.target = target;
            }
            Plan::Retarget => self.target = target,
            Plan::Stop => {
                self.state = State::Stopping;
                self.target = 0;
            }
        }
        Ok(plan)
    }

    /// The threads of a [`Plan::Start`] are running, or could not be
    /// created (`ok` false: back to off).
    pub(crate) fn started(&mut self, ok: bool) {
        if self.state != State::Starting {
            return;
        }
        // INVARIANT: a failed start drops the target with the state.
        if ok {
            self.state = State::Clamping;
        } else {
            self.state = State::Off;
            self.target = 0;
        }
    }

    /// The threads of a [`Plan::Stop`] are gone.
    pub(crate) fn stopped(&mut self) {
        if self.state == State::Stopping {
            self.state = State::Off;
        }
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(powerclamp_state)]
mod tests {
    use super::*;

    #[test]
    fn a_session_starts_retargets_and_stops() {
        let mut s = Session::new();
        assert_eq!(s.request(0, 50), Ok(Plan::Nothing));
        assert_eq!(s.state(), State::Off);
        assert_eq!(s.request(25, 50), Ok(Plan::Start));
        assert_eq!((s.state(), s.target()), (State::Starting, 25));
        s.started(true);
        assert_eq!(s.state(), State::Clamping);
        assert_eq!(s.request(25, 50), Ok(Plan::Nothing));
        assert_eq!(s.request(50, 50), Ok(Plan::Retarget));
        assert_eq!((s.state(), s.target()), (State::Clamping, 50));
        assert_eq!(s.request(0, 50), Ok(Plan::Stop));
        assert_eq!((s.state(), s.target()), (State::Stopping, 0));
        s.stopped();
        assert_eq!(s, Session::new());
    }

    #[test]
    fn targets_above_max_idle_change_nothing() {
        let mut s = Session::new();
        assert_eq!(s.request(51, 50), Err(EINVAL));
        assert_eq!(s, Session::new());
        s.request(10, 50).unwrap();
        s.started(true);
        let before = s;
        assert_eq!(s.request(51, 50), Err(EINVAL));
        assert_eq!(s, before);
    }

    #[test]
    fn requests_wait_for_a_transition_to_finish() {
        let mut s = Session::new();
        s.request(10, 50).unwrap();
        assert_eq!(s.request(20, 50), Err(EBUSY));
        assert_eq!(s.request(0, 50), Err(EBUSY));
        s.started(true);
        s.request(0, 50).unwrap();
        assert_eq!(s.request(20, 50), Err(EBUSY));
        s.stopped();
        assert_eq!(s.request(20, 50), Ok(Plan::Start));
    }

    #[test]
    fn a_failed_start_falls_back_to_off() {
        let mut s = Session::new();
        s.request(30, 50).unwrap();
        s.started(false);
        assert_eq!(s, Session::new());
        // Out-of-turn reports are ignored.
        s.stopped();
        s.started(true);
        assert_eq!(s, Session::new());
    }
}

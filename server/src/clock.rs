//! The server's notion of now.
//!
//! A production server reads the system clock and never moves in time. A training server
//! (`serve --clock`) runs a clock of its own: it starts at a chosen moment, runs at normal
//! speed, and an administrator moves it forward over the API, so a trainer can show a whole
//! quarter in an hour and the end-to-end tests drive deadlines the way a person would. Unit tests
//! inside the server use a manual clock that stands still.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use tokio::sync::Notify;

/// Wall-clock time in UTC milliseconds.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    mode: Mode,
    /// Woken whenever the clock is moved, so timers waiting for a moment re-arm at once.
    moved: Arc<Notify>,
}

#[derive(Clone, Debug, Default)]
enum Mode {
    /// The system clock.
    #[default]
    System,
    /// Stands still at the stored moment until set.
    Manual(Arc<AtomicI64>),
    /// The system clock plus the stored offset.
    Training(Arc<AtomicI64>),
}

/// Why a clock could not be moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// Only a training clock moves over the API.
    #[error("the server runs on the real clock")]
    RealClock,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that stands still at `ms` until [`Clock::set_ms`] moves it.
    pub fn manual(ms: i64) -> Self {
        Self {
            mode: Mode::Manual(Arc::new(AtomicI64::new(ms))),
            moved: Arc::default(),
        }
    }

    /// A training clock that reads `start_ms` now and runs at normal speed from there.
    pub fn training(start_ms: i64) -> Self {
        let offset = start_ms.saturating_sub(chrono::Utc::now().timestamp_millis());
        Self {
            mode: Mode::Training(Arc::new(AtomicI64::new(offset))),
            moved: Arc::default(),
        }
    }

    /// Whether this is a training clock (clients then say «учебное время»).
    pub fn is_training(&self) -> bool {
        matches!(self.mode, Mode::Training(_))
    }

    /// Now, UTC milliseconds since the epoch.
    pub fn now_ms(&self) -> i64 {
        let system = || chrono::Utc::now().timestamp_millis();
        match &self.mode {
            Mode::System => system(),
            Mode::Manual(m) => m.load(Ordering::SeqCst),
            Mode::Training(offset) => system().saturating_add(offset.load(Ordering::SeqCst)),
        }
    }

    /// Moves a manual clock to `ms`; other clocks ignore it.
    pub fn set_ms(&self, ms: i64) {
        if let Mode::Manual(m) = &self.mode {
            m.store(ms, Ordering::SeqCst);
            self.moved.notify_one();
        }
    }

    /// Moves a training clock forward by `ms`; the real clock refuses.
    pub fn advance_ms(&self, ms: i64) -> Result<i64, MoveError> {
        match &self.mode {
            Mode::Training(offset) => {
                offset.fetch_add(ms.max(0), Ordering::SeqCst);
                self.moved.notify_one();
                Ok(self.now_ms())
            }
            Mode::Manual(m) => {
                m.fetch_add(ms.max(0), Ordering::SeqCst);
                self.moved.notify_one();
                Ok(self.now_ms())
            }
            Mode::System => Err(MoveError::RealClock),
        }
    }

    /// Resolves after the clock was next moved (at once if it was moved since the last call).
    pub async fn moved(&self) {
        self.moved.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_training_clock_starts_where_told_and_only_it_moves_forward() {
        let start = 1_772_431_200_000; // 02.03.2026 09:00 Moscow
        let training = Clock::training(start);
        assert!(training.is_training());
        let now = training.now_ms();
        // It runs at normal speed from the start: never behind it, a moment ahead at most.
        assert!(now >= start && now < start + 60_000, "{now}");
        let moved = training.advance_ms(3_600_000).unwrap_or_default();
        assert!(moved >= now + 3_600_000);
        // Backwards is not a direction it moves in.
        let before = training.now_ms();
        let _ = training.advance_ms(-86_400_000);
        assert!(training.now_ms() >= before);
        let real = Clock::system();
        assert!(!real.is_training());
        assert_eq!(real.advance_ms(1), Err(MoveError::RealClock));
    }
}

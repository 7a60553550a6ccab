//! The server's notion of now. Tests drive a manual clock so deadlines can pass without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Wall-clock time in UTC milliseconds.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { manual: None }
    }

    /// A clock that stands still at `ms` until [`Clock::set_ms`] moves it.
    pub fn manual(ms: i64) -> Self {
        Self {
            manual: Some(Arc::new(AtomicI64::new(ms))),
        }
    }

    /// Now, UTC milliseconds since the epoch.
    pub fn now_ms(&self) -> i64 {
        match &self.manual {
            Some(m) => m.load(Ordering::SeqCst),
            None => chrono::Utc::now().timestamp_millis(),
        }
    }

    /// Moves a manual clock; a system clock ignores it.
    pub fn set_ms(&self, ms: i64) {
        if let Some(m) = &self.manual {
            m.store(ms, Ordering::SeqCst);
        }
    }
}

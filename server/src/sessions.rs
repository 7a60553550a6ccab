//! Sessions and the guessing of passwords: login throttling per (account name, source address)
//! with growing delays, a global limit that slows spraying one guess over many names, the end of
//! a session's watch streams the moment it ends, and the purge of expired sessions.
//!
//! Why these keys: throttling per name alone let anyone lock the real owner out by failing on
//! their name; per (name, address) the guesser locks only himself, and the lock never exceeds
//! [`MAX_LOCK`]. Spraying (one guess for every name) fails once per name, which no per-name count
//! sees: the global count does, and past [`Throttle`]'s global allowance every attempt waits its
//! turn, one a second, whoever makes it — slow for an attacker, a second's wait for the owner.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::auth::Session;
use crate::db::{Db, decode, keys};
use crate::error::ApiError;

/// How long after its last failure a key's count starts again from zero.
pub const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);

/// The most (name, address) keys tracked at once.
pub const MAX_NAMES: usize = 10_000;

/// The longest lock after repeated failures: short enough that a locked-out owner just waits.
pub const MAX_LOCK: Duration = Duration::from_secs(60);

/// The window of the global failure count.
pub const GLOBAL_WINDOW: Duration = Duration::from_secs(60);

/// While the global count is over its allowance, attempts are let through one per this much.
pub const GLOBAL_SPACING: Duration = Duration::from_secs(1);

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    locked_until: Option<Instant>,
    last: Instant,
}

struct Global {
    window_start: Instant,
    failures: u32,
    next_allowed: Instant,
}

/// Failed-login bookkeeping, in memory: a restart forgets it, which only gives an attacker a few
/// more guesses per restart. Bounded: keys are hashes (an attacker chooses a name's length), a
/// key's failures are forgotten [`FORGET_AFTER`] after the last one, and at most [`MAX_NAMES`]
/// keys are tracked (the stalest go first).
#[derive(Clone)]
pub struct Throttle {
    inner: Arc<Mutex<HashMap<[u8; 32], Failures>>>,
    global: Arc<Mutex<Global>>,
    free_attempts: u32,
    global_free: u32,
}

/// What is throttled: logins, or the old-password check of `SetPassword` (its own counts, so a
/// wrong old password never locks the login).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// `AuthService.Login` by account name.
    Login,
    /// `UserService.SetPassword`'s check of the current password, by account id.
    OldPassword,
}

fn key(gate: Gate, name: &str, from: Option<IpAddr>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([gate as u8]);
    h.update(name.as_bytes());
    h.update([0]);
    h.update(from.map(|a| a.to_string()).unwrap_or_default().as_bytes());
    h.finalize().into()
}

fn throttled(left: Duration) -> ApiError {
    // Round up: a client that waits the advertised time is never refused again.
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    ApiError::Throttled {
        retry_after_secs: secs.max(1),
    }
}

impl Throttle {
    /// Allows `free_attempts` failures in a row per (name, address), then locks that pair for 2,
    /// 4, 8 … up to [`MAX_LOCK`] after each further failure; past `global_free` failures in a
    /// minute over all names, attempts pass one per [`GLOBAL_SPACING`].
    pub fn new(free_attempts: u32, global_free: u32) -> Self {
        let now = Instant::now();
        Self {
            inner: Arc::new(Mutex::new(HashMap::new())),
            global: Arc::new(Mutex::new(Global {
                window_start: now,
                failures: 0,
                next_allowed: now,
            })),
            free_attempts,
            global_free,
        }
    }

    /// Refuses while the pair is locked or the global allowance is spent.
    pub fn check(&self, gate: Gate, name: &str, from: Option<IpAddr>) -> Result<(), ApiError> {
        self.check_at(gate, name, from, Instant::now())
    }

    fn check_at(
        &self,
        gate: Gate,
        name: &str,
        from: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), ApiError> {
        {
            let map = self.inner.lock().map_err(|_| ApiError::ShuttingDown)?;
            if let Some(Failures {
                locked_until: Some(until),
                ..
            }) = map.get(&key(gate, name, from))
                && *until > now
            {
                return Err(throttled(*until - now));
            }
        }
        let mut g = self.global.lock().map_err(|_| ApiError::ShuttingDown)?;
        if now.saturating_duration_since(g.window_start) >= GLOBAL_WINDOW {
            g.window_start = now;
            g.failures = 0;
        }
        if g.failures >= self.global_free {
            if g.next_allowed > now {
                return Err(throttled(g.next_allowed - now));
            }
            g.next_allowed = now + GLOBAL_SPACING;
        }
        Ok(())
    }

    /// Records a failure.
    pub fn failed(&self, gate: Gate, name: &str, from: Option<IpAddr>) {
        self.failed_at(gate, name, from, Instant::now());
    }

    fn failed_at(&self, gate: Gate, name: &str, from: Option<IpAddr>, now: Instant) {
        if let Ok(mut g) = self.global.lock() {
            if now.saturating_duration_since(g.window_start) >= GLOBAL_WINDOW {
                g.window_start = now;
                g.failures = 0;
            }
            g.failures = g.failures.saturating_add(1);
        }
        let Ok(mut map) = self.inner.lock() else {
            return;
        };
        let k = key(gate, name, from);
        if !map.contains_key(&k) && map.len() >= MAX_NAMES {
            map.retain(|_, f| now.saturating_duration_since(f.last) < FORGET_AFTER);
            if map.len() >= MAX_NAMES
                && let Some(stalest) = map.iter().min_by_key(|(_, f)| f.last).map(|(k, _)| *k)
            {
                map.remove(&stalest);
            }
        }
        let f = map.entry(k).or_insert(Failures {
            count: 0,
            locked_until: None,
            last: now,
        });
        if now.saturating_duration_since(f.last) >= FORGET_AFTER {
            f.count = 0;
            f.locked_until = None;
        }
        f.last = now;
        f.count = f.count.saturating_add(1);
        if f.count >= self.free_attempts {
            let exp = (f.count - self.free_attempts).min(8);
            let lock = Duration::from_secs(2u64 << exp).min(MAX_LOCK);
            f.locked_until = Some(now + lock);
        }
    }

    /// Forgets the pair's failures after a success.
    pub fn succeeded(&self, gate: Gate, name: &str, from: Option<IpAddr>) {
        if let Ok(mut map) = self.inner.lock() {
            map.remove(&key(gate, name, from));
        }
    }

    /// How many keys are tracked (for tests of the bound).
    pub fn tracked(&self) -> usize {
        self.inner.lock().map_or(0, |m| m.len())
    }
}

/// The watch streams of live sessions, by token hash, so that ending a session (logout, a new
/// password, an archived account, a revoked role) ends its streams at once rather than at the
/// next heartbeat.
#[derive(Clone, Default)]
pub struct Streams {
    inner: Arc<Mutex<HashMap<Vec<u8>, CancellationToken>>>,
}

impl Streams {
    /// The token a stream of this session selects on; cancelled when the session ends.
    pub fn of(&self, token_hash: &[u8]) -> CancellationToken {
        match self.inner.lock() {
            Ok(mut map) => {
                map.retain(|_, t| !t.is_cancelled());
                map.entry(token_hash.to_vec()).or_default().clone()
            }
            // A poisoned map cannot track: the stream ends as if its session had.
            Err(_) => {
                let t = CancellationToken::new();
                t.cancel();
                t
            }
        }
    }

    /// Ends the streams of these sessions.
    pub fn end<'a>(&self, token_hashes: impl IntoIterator<Item = &'a [u8]>) {
        if let Ok(mut map) = self.inner.lock() {
            for h in token_hashes {
                if let Some(t) = map.remove(h) {
                    t.cancel();
                }
            }
        }
    }
}

fn for_each_session(db: &Db, mut f: impl FnMut(&[u8], &Session)) -> Result<(), ApiError> {
    let prefix = keys::session(&[]);
    let mut after: Option<Vec<u8>> = None;
    loop {
        let page = db.store().scan(&prefix, after.as_deref(), 1024)?;
        let Some((last, _)) = page.last() else {
            return Ok(());
        };
        after = Some(last.clone());
        for (key, value) in &page {
            let session: Session = decode(key, value)?;
            f(key, &session);
        }
    }
}

/// Removes the sessions that have expired. Returns how many.
pub async fn purge_expired(db: &Db) -> Result<usize, ApiError> {
    let now = db.clock().now_ms();
    let mut expired = Vec::new();
    for_each_session(db, |key, s| {
        if s.expires_at_ms <= now {
            expired.push(key.to_vec());
        }
    })?;
    let n = expired.len();
    if n > 0 {
        db.write(0, |tx| {
            for k in expired {
                tx.remove_raw(k);
            }
            Ok(())
        })
        .await?;
    }
    Ok(n)
}

/// Purges expired sessions every `every` until `stop`.
/// How often expired sessions are purged: often enough that the session table holds no more
/// than a few minutes' worth of dead sessions, rarely enough to cost nothing.
pub const PURGE_EVERY: Duration = Duration::from_secs(300);

/// Purges expired sessions every `every` until `stop`.
pub async fn run_purge(db: Db, every: Duration, stop: CancellationToken) {
    let mut tick = tokio::time::interval(every);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => match purge_expired(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "expired sessions purged"),
                Err(e) => tracing::warn!(error = %e, "purging expired sessions failed; retrying later"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2)));
    const B: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 3)));

    #[test]
    fn a_guesser_locks_only_his_own_address_and_never_for_long() {
        let t = Throttle::new(3, u32::MAX);
        let now = Instant::now();
        for _ in 0..20 {
            t.failed_at(Gate::Login, "admin", A, now);
        }
        assert!(matches!(
            t.check_at(Gate::Login, "admin", A, now),
            Err(ApiError::Throttled { retry_after_secs }) if retry_after_secs <= MAX_LOCK.as_secs()
        ));
        assert!(
            t.check_at(Gate::Login, "admin", B, now).is_ok(),
            "the owner elsewhere"
        );
        assert!(t.check_at(Gate::Login, "admin", A, now + MAX_LOCK).is_ok());
        assert!(
            t.check_at(Gate::OldPassword, "admin", A, now).is_ok(),
            "gates count apart"
        );
    }

    #[test]
    fn spraying_one_guess_over_many_names_is_slowed_for_everyone() {
        let t = Throttle::new(5, 10);
        let now = Instant::now();
        for i in 0..10 {
            assert!(t.check_at(Gate::Login, &format!("u{i}"), A, now).is_ok());
            t.failed_at(Gate::Login, &format!("u{i}"), A, now);
        }
        // Over the allowance: one attempt passes, the next waits its turn.
        assert!(t.check_at(Gate::Login, "u10", A, now).is_ok());
        assert!(matches!(
            t.check_at(Gate::Login, "u11", A, now),
            Err(ApiError::Throttled {
                retry_after_secs: 1
            })
        ));
        assert!(
            t.check_at(Gate::Login, "u11", A, now + GLOBAL_SPACING)
                .is_ok()
        );
        // A quiet minute later the allowance is back.
        let later = now + GLOBAL_WINDOW;
        assert!(t.check_at(Gate::Login, "x", A, later).is_ok());
        assert!(t.check_at(Gate::Login, "y", A, later).is_ok());
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_while_and_the_map_is_bounded() {
        let t = Throttle::new(3, u32::MAX);
        let now = Instant::now();
        t.failed_at(Gate::Login, "u", A, now);
        t.failed_at(Gate::Login, "u", A, now);
        let later = now + FORGET_AFTER;
        t.failed_at(Gate::Login, "u", A, later);
        t.failed_at(Gate::Login, "u", A, later);
        assert!(t.check_at(Gate::Login, "u", A, later).is_ok());
        for i in 0..MAX_NAMES + 50 {
            t.failed_at(Gate::Login, &format!("spray-{i}"), A, later);
        }
        assert_eq!(t.tracked(), MAX_NAMES);
    }

    #[test]
    fn ending_a_session_cancels_its_streams_only() {
        let s = Streams::default();
        let mine = s.of(b"mine");
        let other = s.of(b"other");
        s.end([b"mine".as_slice()]);
        assert!(mine.is_cancelled());
        assert!(!other.is_cancelled());
    }
}

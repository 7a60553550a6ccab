//! The sync task: a snapshot, then the watch stream from its sequence number; on a broken stream it
//! reconnects with backoff and resumes from the last event applied; on `resync` it takes a new
//! snapshot; when the session is over it says so and stops. It only reads the network and posts
//! messages — the app applies them to the replica.

use std::time::Duration;

use infogroups_shared::pb;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;
use tonic::Code;

use crate::msg::error::RpcError;
use crate::msg::{Link, Msg, SyncEvent};
use crate::net::connection::Connection;

/// The server sends a heartbeat every 15 s; this much silence means the stream is dead even if
/// TCP has not noticed yet.
const IDLE_LIMIT: Duration = Duration::from_secs(45);
/// Failed attempts in a row after which the status bar stops saying "reconnecting" and says
/// "offline" (while still trying).
const OFFLINE_AFTER: u32 = 3;

/// Reconnection delays: 200 ms doubling to 5 s, back to the start once a stream is open.
#[derive(Debug, Clone, Default)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(200);
    const MAX: Duration = Duration::from_secs(5);

    /// Records a failure and returns how long to wait before the next attempt.
    pub fn fail(&mut self) -> Duration {
        let delay = Self::FIRST
            .saturating_mul(1u32.checked_shl(self.failures).unwrap_or(u32::MAX))
            .min(Self::MAX);
        self.failures = self.failures.saturating_add(1);
        delay
    }

    /// A stream opened: start again from the shortest delay.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// What the status bar should say after the failures so far.
    pub fn link(&self) -> Link {
        if self.failures >= OFFLINE_AFTER {
            Link::Offline
        } else {
            Link::Reconnecting
        }
    }
}

/// How one connection attempt ended.
enum Outcome {
    /// The server asked for a fresh snapshot.
    Resync,
    /// The stream or a call failed; try again after a pause.
    Retry(RpcError),
    /// The session is over.
    SessionEnded(RpcError),
    /// The app is gone.
    Closed,
}

fn outcome_of(status: &tonic::Status) -> Outcome {
    let e = RpcError::from_status(status);
    if e.code == Code::Unauthenticated {
        Outcome::SessionEnded(e)
    } else {
        Outcome::Retry(e)
    }
}

struct Sink {
    tx: UnboundedSender<Msg>,
    generation: u64,
}

impl Sink {
    /// Posts to the app; false once the app has gone.
    fn post(&self, event: SyncEvent) -> bool {
        self.tx
            .send(Msg::Sync {
                generation: self.generation,
                event,
            })
            .is_ok()
    }
}

/// Runs until `cancel` fires, the session ends or the app goes away. `generation` tags every
/// message so the app can ignore a previous session's late ones.
pub async fn run(
    conn: Connection,
    generation: u64,
    tx: UnboundedSender<Msg>,
    cancel: CancellationToken,
) {
    let sink = Sink { tx, generation };
    let mut since: Option<u64> = None;
    let mut backoff = Backoff::default();
    sink.post(SyncEvent::Link(Link::Connecting));
    loop {
        let outcome = tokio::select! {
            () = cancel.cancelled() => return,
            o = attempt(&conn, &sink, &mut since, &mut backoff) => o,
        };
        match outcome {
            Outcome::Closed => return,
            Outcome::SessionEnded(e) => {
                tracing::info!(code = ?e.code, "session ended");
                sink.post(SyncEvent::SessionEnded(e));
                return;
            }
            Outcome::Resync => {
                tracing::info!("server asked for a resync");
                since = None;
            }
            Outcome::Retry(e) => {
                let delay = backoff.fail();
                tracing::info!(code = ?e.code, error = %e.en, ?delay, "sync interrupted");
                if !sink.post(SyncEvent::Link(backoff.link())) {
                    return;
                }
                tokio::select! {
                    () = cancel.cancelled() => return,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

/// One connection: a snapshot if we have none, then the stream until it ends.
async fn attempt(
    conn: &Connection,
    sink: &Sink,
    since: &mut Option<u64>,
    backoff: &mut Backoff,
) -> Outcome {
    let mut client = conn.sync();
    let from = match *since {
        Some(seq) => seq,
        None => {
            let snapshot = match conn.snapshot().await {
                Ok(s) => s,
                Err(status) => return outcome_of(&status),
            };
            let seq = snapshot.rest.seq;
            tracing::info!(seq, assignments = snapshot.assignments.len(), "snapshot");
            if !sink.post(SyncEvent::Snapshot(Box::new(snapshot))) {
                return Outcome::Closed;
            }
            *since = Some(seq);
            seq
        }
    };
    let mut stream = match client.watch(pb::WatchRequest { since_seq: from }).await {
        Ok(r) => r.into_inner(),
        Err(status) => return outcome_of(&status),
    };
    backoff.reset();
    if !sink.post(SyncEvent::Link(Link::Online)) {
        return Outcome::Closed;
    }
    loop {
        let next = match tokio::time::timeout(IDLE_LIMIT, stream.message()).await {
            Err(_) => {
                return Outcome::Retry(RpcError::new(
                    Code::Unavailable,
                    "сервер молчит",
                    "no heartbeat from the server",
                ));
            }
            Ok(Err(status)) => return outcome_of(&status),
            Ok(Ok(None)) => {
                return Outcome::Retry(RpcError::new(
                    Code::Unavailable,
                    "поток событий закрыт сервером",
                    "the server closed the stream",
                ));
            }
            Ok(Ok(Some(m))) => m,
        };
        let posted = match next.kind {
            Some(pb::watch_event::Kind::Event(ev)) => {
                // Only sequence numbers of events we were sent are safe resume points: the
                // heartbeat's may be ahead of events still queued for us.
                *since = Some(since.map_or(ev.seq, |s| s.max(ev.seq)));
                sink.post(SyncEvent::Event(Box::new(ev)))
            }
            Some(pb::watch_event::Kind::Resync(_)) => return Outcome::Resync,
            Some(pb::watch_event::Kind::Heartbeat(h)) => sink.post(SyncEvent::Heartbeat {
                server_time_ms: h.server_time_ms,
                training_clock: h.training_clock,
            }),
            None => true,
        };
        if !posted {
            return Outcome::Closed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_five_seconds_and_resets() {
        let mut b = Backoff::default();
        let delays: Vec<u128> = (0..8).map(|_| b.fail().as_millis()).collect();
        assert_eq!(delays, [200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
        assert_eq!(b.link(), Link::Offline);
        b.reset();
        assert_eq!(b.fail().as_millis(), 200);
        assert_eq!(b.link(), Link::Reconnecting);
    }
}

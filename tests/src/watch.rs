//! Reading watch streams with a timeout around every message, and checking what arrived.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use futures::StreamExt;
use infogroups_shared::pb;
use pb::watch_event::Kind;
use tonic::{Status, Streaming};

/// What one read of a watch stream gave.
// One value at a time on a test's stack; boxing the message would only clutter the matches.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Received {
    /// A message (event, resync or heartbeat).
    Message(pb::WatchEvent),
    /// The server ended the stream cleanly.
    Ended,
    /// The server ended the stream with an error status.
    Failed(Status),
}

/// The next message of a stream; an error only when nothing arrives within `timeout`.
pub async fn next_message(
    stream: &mut Streaming<pb::WatchEvent>,
    timeout: Duration,
) -> Result<Received> {
    match tokio::time::timeout(timeout, stream.next()).await {
        Err(_) => bail!("nothing arrived on the watch stream within {timeout:?}"),
        Ok(None) => Ok(Received::Ended),
        Ok(Some(Err(status))) => Ok(Received::Failed(status)),
        Ok(Some(Ok(message))) => Ok(Received::Message(message)),
    }
}

/// The next committed change, skipping heartbeats. Anything else — a resync, the end of the
/// stream, an error, or nothing within `timeout` — is an error.
pub async fn next_event(
    stream: &mut Streaming<pb::WatchEvent>,
    timeout: Duration,
) -> Result<pb::Event> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next_message(stream, left).await? {
            Received::Message(pb::WatchEvent {
                kind: Some(Kind::Event(ev)),
            }) => return Ok(ev),
            Received::Message(pb::WatchEvent {
                kind: Some(Kind::Heartbeat(_)),
            }) => {}
            Received::Message(other) => bail!("expected an event, got {other:?}"),
            Received::Ended => bail!("the watch stream ended"),
            Received::Failed(status) => bail!("the watch stream failed: {status:?}"),
        }
    }
}

/// Reads events until one with `seq >= last_seq` has arrived (each read within `timeout`).
pub async fn events_through(
    stream: &mut Streaming<pb::WatchEvent>,
    last_seq: u64,
    timeout: Duration,
) -> Result<Vec<pb::Event>> {
    let mut out = Vec::new();
    while out.last().is_none_or(|e: &pb::Event| e.seq < last_seq) {
        let ev = next_event(stream, timeout).await.map_err(|e| {
            let got = out.last().map_or(0, |e: &pb::Event| e.seq);
            anyhow!("{e} (waiting for seq {last_seq}, got up to {got})")
        })?;
        out.push(ev);
    }
    Ok(out)
}

/// Reads events until `stop` holds for one (included), each read within `timeout`.
pub async fn events_until(
    stream: &mut Streaming<pb::WatchEvent>,
    timeout: Duration,
    mut stop: impl FnMut(&pb::Event) -> bool,
) -> Result<Vec<pb::Event>> {
    let mut out = Vec::new();
    loop {
        let ev = next_event(stream, timeout).await?;
        let done = stop(&ev);
        out.push(ev);
        if done {
            return Ok(out);
        }
    }
}

/// Checks that `events` are exactly `first, first + 1, …` with no gap and no repeat.
pub fn check_contiguous(events: &[pb::Event], first: u64) -> Result<()> {
    for (i, ev) in events.iter().enumerate() {
        let want = first + i as u64;
        if ev.seq != want {
            bail!(
                "event #{i} has seq {} where {want} was expected (previous: {:?})",
                ev.seq,
                i.checked_sub(1).map(|p| events[p].seq)
            );
        }
    }
    Ok(())
}

/// Checks that no sequence number appears twice and that they only increase.
pub fn check_increasing(events: &[pb::Event]) -> Result<()> {
    let mut seen = HashSet::new();
    let mut last = 0;
    for ev in events {
        if !seen.insert(ev.seq) {
            bail!("seq {} arrived twice", ev.seq);
        }
        if ev.seq <= last {
            bail!("seq {} arrived after {last}", ev.seq);
        }
        last = ev.seq;
    }
    Ok(())
}

/// The kind and id of the entity an event carries, e.g. `("assignment", 7)`.
pub fn entity_of(ev: &pb::Event) -> (&'static str, u64) {
    use pb::event::Entity as E;
    let id = |m: &Option<pb::Meta>| m.map_or(0, |m| m.id);
    match &ev.entity {
        Some(E::User(x)) => ("user", id(&x.meta)),
        Some(E::Territory(x)) => ("territory", id(&x.meta)),
        Some(E::Venue(x)) => ("venue", id(&x.meta)),
        Some(E::Department(x)) => ("department", id(&x.meta)),
        Some(E::Organisation(x)) => ("organisation", id(&x.meta)),
        Some(E::Group(x)) => ("group", id(&x.meta)),
        Some(E::Meeting(x)) => ("meeting", id(&x.meta)),
        Some(E::Assignment(x)) => ("assignment", id(&x.meta)),
        Some(E::Appeal(x)) => ("appeal", id(&x.meta)),
        Some(E::ReceptionCard(x)) => ("reception_card", id(&x.meta)),
        Some(E::Notification(x)) => ("notification", id(&x.meta)),
        None => ("none", 0),
    }
}

/// The assignment an event carries, if it carries one.
pub fn assignment_of(ev: &pb::Event) -> Option<&pb::Assignment> {
    match &ev.entity {
        Some(pb::event::Entity::Assignment(a)) => Some(a),
        _ => None,
    }
}

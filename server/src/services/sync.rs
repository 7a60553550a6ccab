//! `SyncService`: the snapshot of what a caller may see, and the watch stream that replays the
//! persisted event log and then follows the live hub, filtered by the permission policy.

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use infogroups_shared::pb::{self, sync_service_server::SyncService};
use prost::Message;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast, mpsc};
use tokio_stream::StreamExt;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use super::Ctx;
use crate::auth::{Caller, caller};
use crate::db::{Db, keys};
use crate::entity::Entity;
use crate::error::{ApiError, localized};
use crate::personal_data::{strip_appeal, strip_card};
use crate::policy::{Actor, Visible, may_see};

/// How many bytes of events a watcher may have queued towards its client: a reader that falls
/// this far behind is cut off (`ResourceExhausted`, naming the sequence to resume from) instead
/// of pinning memory. 4 MiB is thousands of ordinary events; one entity is capped far below it.
pub const WATCHER_QUEUE_BYTES: usize = 4 << 20;

/// The most messages queued at once (the byte budget is the real bound; this only sizes the
/// channel).
const WATCHER_QUEUE_MESSAGES: usize = 65_536;

/// The sync service.
pub struct SyncSvc {
    ctx: Ctx,
}

impl SyncSvc {
    /// Over the shared context.
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }
}

/// What of an event a watcher receives: nothing when the policy hides it; citizens' personal data
/// never travels on the stream (clients fetch it through the audited appeal RPCs).
pub fn outgoing(actor: &Actor, ev: &pb::Event) -> Option<pb::Event> {
    let entity = ev.entity.as_ref()?;
    if !may_see(actor, entity) {
        return None;
    }
    let mut ev = ev.clone();
    match ev.entity.as_mut() {
        Some(pb::event::Entity::Appeal(a)) => strip_appeal(a),
        Some(pb::event::Entity::ReceptionCard(c)) => strip_card(c),
        _ => {}
    }
    Some(ev)
}

fn visible<E: Entity + Visible>(db: &Db, actor: &Actor) -> Result<Vec<E>, ApiError> {
    let mut all = db.all::<E>()?;
    all.retain(|e| e.visible_to(actor));
    Ok(all)
}

type WatchStream = Pin<Box<dyn Stream<Item = Result<pb::WatchEvent, Status>> + Send>>;

#[tonic::async_trait]
impl SyncService for SyncSvc {
    async fn snapshot(
        &self,
        req: Request<pb::SnapshotRequest>,
    ) -> Result<Response<pb::SnapshotResponse>, Status> {
        let c = caller(&req)?;
        let db = &self.ctx.db;
        let a = &c.actor;
        // Read before scanning: entities may be newer than `seq`, and clients skip events whose
        // version they already hold, so nothing between the two is lost.
        let seq = db.published_seq();
        let mut appeals: Vec<pb::Appeal> = visible(db, a)?;
        appeals.iter_mut().for_each(strip_appeal);
        let mut cards: Vec<pb::ReceptionCard> = visible(db, a)?;
        cards.iter_mut().for_each(strip_card);
        Ok(Response::new(pb::SnapshotResponse {
            seq,
            users: visible(db, a)?,
            territories: visible(db, a)?,
            venues: visible(db, a)?,
            departments: visible(db, a)?,
            organisations: visible(db, a)?,
            groups: visible(db, a)?,
            meetings: visible(db, a)?,
            assignments: visible(db, a)?,
            appeals,
            reception_cards: cards,
            notifications: visible(db, a)?,
            server_time_ms: db.clock().now_ms(),
            settings: Some(crate::settings::current(&self.ctx)?),
        }))
    }

    type WatchStream = WatchStream;

    async fn watch(
        &self,
        req: Request<pb::WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let c = caller(&req)?;
        let since = req.into_inner().since_seq;
        let (tx, rx) = mpsc::channel(WATCHER_QUEUE_MESSAGES);
        // Subscribe before reading the log, so nothing published in between is missed.
        let sub = self.ctx.db.subscribe();
        let out = Out {
            tx,
            budget: Arc::new(Semaphore::new(WATCHER_QUEUE_BYTES)),
            ended: self.ctx.streams.of(&c.token_hash),
        };
        // Counted before the response leaves, so a scrape after the call returns sees it.
        let watching = crate::metrics::Watching::start();
        tokio::spawn(run_watch(self.ctx.clone(), c, since, sub, out, watching));
        // A message's bytes leave the budget when the transport takes it.
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx).map(|q: Queued| q.item),
        )))
    }
}

/// A message on its way to the client, holding its share of the byte budget.
struct Queued {
    item: Result<pb::WatchEvent, Status>,
    _bytes: Option<OwnedSemaphorePermit>,
}

/// The way to the client: the channel, its byte budget, and the session's end.
struct Out {
    tx: mpsc::Sender<Queued>,
    budget: Arc<Semaphore>,
    ended: CancellationToken,
}

/// Why a send did not go through.
enum Refused {
    /// The client went away, or its session ended.
    Gone,
    /// The client fell too far behind.
    Behind,
}

impl Out {
    /// Queues a message within the byte budget.
    async fn send(&self, msg: pb::WatchEvent) -> Result<(), Refused> {
        if self.ended.is_cancelled() {
            return Err(Refused::Gone);
        }
        let n = u32::try_from(msg.encoded_len().clamp(1, WATCHER_QUEUE_BYTES)).unwrap_or(1);
        let Ok(permit) = self.budget.clone().try_acquire_many_owned(n) else {
            return Err(Refused::Behind);
        };
        self.tx
            .send(Queued {
                item: Ok(msg),
                _bytes: Some(permit),
            })
            .await
            .map_err(|_| Refused::Gone)
    }

    /// Ends the stream with a status (outside the budget: it is the last message).
    async fn fail(&self, status: Status) {
        let _ = self
            .tx
            .send(Queued {
                item: Err(status),
                _bytes: None,
            })
            .await;
    }

    /// Tells a reader that fell behind where to resume.
    async fn behind(&self, last: u64) {
        self.fail(localized(
            tonic::Code::ResourceExhausted,
            &format!("клиент не успевает читать события; продолжите с seq {last}"),
            &format!("the client fell behind reading events; resume from seq {last}"),
        ))
        .await;
    }
}

fn resync(reason: &str) -> pb::WatchEvent {
    pb::WatchEvent {
        kind: Some(pb::watch_event::Kind::Resync(pb::ResyncRequired {
            reason: reason.to_string(),
        })),
    }
}

/// The watcher's state: whom it serves and the last sequence handled.
struct Watcher {
    /// The account with its *current* roles: every event, replayed or live, is filtered by what
    /// it may see now, never by roles it held when the event happened.
    actor: Actor,
    last: u64,
    out: Out,
    /// Past the first replay: the actor's roles are those the client's replica was built with.
    live: bool,
    /// Replaying the whole log to an empty replica (`since_seq` 0): there is nothing stale to
    /// drop, so a change of the account's roles in history needs no resync.
    from_scratch: bool,
}

enum Step {
    Continue,
    Stop,
}

impl Watcher {
    /// Handles one event in order: follows changes to the watcher's own account, filters, sends.
    async fn handle(&mut self, ev: &pb::Event) -> Step {
        self.last = ev.seq;
        if let Some(pb::event::Entity::User(u)) = &ev.entity
            && u.meta.is_some_and(|m| m.id == self.actor.user_id)
        {
            // Archived in history but live now (restored later) is no reason to stop a replay.
            if u.meta.is_some_and(|m| m.archived) && (self.live || !self.from_scratch) {
                self.out
                    .fail(localized(
                        tonic::Code::Unauthenticated,
                        "учётная запись отключена",
                        "the account was archived",
                    ))
                    .await;
                return Step::Stop;
            }
            // What the watcher may see follows its roles. With roles revoked, entities it may no
            // longer see would linger in the client's replica (the events that hide them are
            // filtered out); with roles granted, entities it now may see would be missing. A
            // fresh snapshot is exact. While replaying onto an existing replica, the roles it was
            // built with are unknown, so any change to the account asks for one; a replay from
            // scratch is filtered by the current roles throughout and checked once it ends.
            let stale = if self.live {
                u.roles != self.actor.grants
            } else {
                !self.from_scratch
            };
            if stale {
                return self.send(resync("the watcher's roles changed")).await;
            }
        }
        let Some(out) = outgoing(&self.actor, ev) else {
            return Step::Continue;
        };
        self.send(pb::WatchEvent {
            kind: Some(pb::watch_event::Kind::Event(out)),
        })
        .await
    }

    /// Sends a message; a resync is the last one.
    async fn send(&mut self, msg: pb::WatchEvent) -> Step {
        let last_of_stream = matches!(msg.kind, Some(pb::watch_event::Kind::Resync(_)));
        match self.out.send(msg).await {
            Ok(()) if last_of_stream => Step::Stop,
            Ok(()) => Step::Continue,
            Err(Refused::Gone) => Step::Stop,
            Err(Refused::Behind) => {
                // Resumes after the last event it received; the one refused comes again.
                self.out.behind(self.last.saturating_sub(1)).await;
                Step::Stop
            }
        }
    }

    /// Sends every logged event after `self.last` up to what is published.
    async fn replay(&mut self, db: &Db) -> Result<Step, ApiError> {
        loop {
            let page = db.events_after(self.last, 512)?;
            if page.is_empty() {
                return Ok(Step::Continue);
            }
            for ev in &page {
                if ev.seq != self.last + 1 {
                    // The oldest events were trimmed while this watcher was on its way to them.
                    self.send(resync("the log does not reach back to since_seq"))
                        .await;
                    return Ok(Step::Stop);
                }
                if let Step::Stop = self.handle(ev).await {
                    return Ok(Step::Stop);
                }
            }
        }
    }
}

fn session_alive(ctx: &Ctx, c: &Caller) -> bool {
    if c.expires_at_ms <= ctx.db.clock().session_ms() {
        return false;
    }
    matches!(ctx.db.get_raw(&keys::session(&c.token_hash)), Ok(Some(_)))
}

fn session_ended() -> Status {
    localized(
        tonic::Code::Unauthenticated,
        "сеанс истёк или завершён; войдите снова",
        "the session expired or was revoked; sign in again",
    )
}

async fn run_watch(
    ctx: Ctx,
    c: Caller,
    since: u64,
    mut sub: broadcast::Receiver<Arc<pb::Event>>,
    out: Out,
    _watching: crate::metrics::Watching,
) {
    let db = ctx.db.clone();
    let published = db.published_seq();
    let first = db.first_seq().unwrap_or(1);
    let mut w = Watcher {
        actor: c.actor.clone(),
        last: since,
        out,
        live: false,
        from_scratch: since == 0,
    };
    if since > published || (since + 1 < first && published >= first) {
        w.send(resync("the log does not reach back to since_seq"))
            .await;
        return;
    }
    match w.replay(&db).await {
        Ok(Step::Continue) => w.live = true,
        Ok(Step::Stop) => return,
        Err(e) => {
            w.out.fail(e.into()).await;
            return;
        }
    }
    // A replay from scratch used the roles of the request's start; if they changed meanwhile,
    // the replica needs a snapshot.
    let now: Option<pb::User> = db.get(c.actor.user_id).ok().flatten();
    if now.is_none_or(|u| u.roles != w.actor.grants) {
        w.send(resync("the watcher's roles changed")).await;
        return;
    }
    let mut heartbeat = tokio::time::interval(ctx.config.heartbeat);
    heartbeat.tick().await;
    let ended = w.out.ended.clone();
    loop {
        tokio::select! {
            biased;
            // Before anything else: not one event after the session ends.
            () = ended.cancelled() => {
                w.out.fail(session_ended()).await;
                return;
            }
            () = ctx.shutdown.cancelled() => return,
            () = w.out.tx.closed() => return,
            _ = heartbeat.tick() => {
                if !session_alive(&ctx, &c) {
                    w.out.fail(session_ended()).await;
                    return;
                }
                let beat = pb::WatchEvent { kind: Some(pb::watch_event::Kind::Heartbeat(pb::Heartbeat {
                    seq: w.last,
                    server_time_ms: db.clock().now_ms(),
                    training_clock: db.clock().is_training(),
                }))};
                if let Step::Stop = w.send(beat).await { return; }
            }
            received = sub.recv() => match received {
                Ok(ev) => {
                    if ev.seq <= w.last {
                        continue;
                    }
                    if ev.seq > w.last + 1 {
                        // Defensive: fill any hole from the log before going on.
                        match w.replay(&db).await {
                            Ok(Step::Continue) => {}
                            Ok(Step::Stop) | Err(_) => return,
                        }
                        if ev.seq <= w.last { continue; }
                    }
                    if let Step::Stop = w.handle(&ev).await { return; }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    crate::metrics::watcher_lagged();
                    w.send(resync("the watcher fell behind")).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

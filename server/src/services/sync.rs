//! `SyncService`: the snapshot of what a caller may see, and the watch stream that replays the
//! persisted event log and then follows the live hub, filtered by the permission policy.

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use infogroups_shared::pb::{self, sync_service_server::SyncService};
use tokio::sync::{broadcast, mpsc};
use tonic::{Request, Response, Status};

use super::Ctx;
use crate::auth::{Caller, caller};
use crate::db::{Db, keys};
use crate::entity::Entity;
use crate::error::{ApiError, localized};
use crate::personal_data::{strip_appeal, strip_card};
use crate::policy::{Actor, may_see};

/// How many events a watcher may have queued towards its client before it is told to resync.
const WATCHER_QUEUE: usize = 1024;

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

fn visible<E: Entity>(db: &Db, actor: &Actor) -> Result<Vec<E>, ApiError> {
    Ok(db
        .all::<E>()?
        .into_iter()
        .filter(|e| may_see(actor, &e.clone().into_event()))
        .collect())
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
        }))
    }

    type WatchStream = WatchStream;

    async fn watch(
        &self,
        req: Request<pb::WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let c = caller(&req)?;
        let since = req.into_inner().since_seq;
        let (tx, rx) = mpsc::channel(WATCHER_QUEUE);
        // Subscribe before reading the log, so nothing published in between is missed.
        let sub = self.ctx.db.subscribe();
        tokio::spawn(run_watch(self.ctx.clone(), c, since, sub, tx));
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        )))
    }
}

type Out = mpsc::Sender<Result<pb::WatchEvent, Status>>;

fn resync(reason: &str) -> pb::WatchEvent {
    pb::WatchEvent {
        kind: Some(pb::watch_event::Kind::Resync(pb::ResyncRequired {
            reason: reason.to_string(),
        })),
    }
}

/// The watcher's state: whom it serves and the last sequence handled.
struct Watcher {
    actor: Actor,
    last: u64,
    out: Out,
    /// Past the first replay: the actor's roles are those the client's replica was built with.
    live: bool,
    /// Replaying the whole log to an empty replica (`since_seq` 0): the account's history is
    /// followed, there is nothing stale to drop.
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
            if u.meta.is_some_and(|m| m.archived) {
                let _ = self
                    .out
                    .send(Err(localized(
                        tonic::Code::Unauthenticated,
                        "учётная запись отключена",
                        "the account was archived",
                    )))
                    .await;
                return Step::Stop;
            }
            // What the watcher may see follows its roles. With roles revoked, entities it may no
            // longer see would linger in the client's replica (the events that hide them are
            // filtered out); with roles granted, entities it now may see would be missing. A
            // fresh snapshot is exact. While replaying, the roles the replica was built with are
            // unknown, so any change to the account asks for one.
            if self.from_scratch && !self.live {
                self.actor.grants = u.roles.clone();
            } else if !self.live || u.roles != self.actor.grants {
                let _ = self
                    .out
                    .send(Ok(resync("the watcher's roles changed")))
                    .await;
                return Step::Stop;
            }
        }
        let Some(out) = outgoing(&self.actor, ev) else {
            return Step::Continue;
        };
        let msg = pb::WatchEvent {
            kind: Some(pb::watch_event::Kind::Event(out)),
        };
        if self.out.send(Ok(msg)).await.is_err() {
            return Step::Stop;
        }
        Step::Continue
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
                    let _ = self
                        .out
                        .send(Ok(resync("the log does not reach back to since_seq")))
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
    if c.expires_at_ms <= ctx.db.clock().now_ms() {
        return false;
    }
    matches!(ctx.db.get_raw(&keys::session(&c.token_hash)), Ok(Some(_)))
}

async fn run_watch(
    ctx: Ctx,
    c: Caller,
    since: u64,
    mut sub: broadcast::Receiver<Arc<pb::Event>>,
    out: Out,
) {
    let _watching = crate::metrics::Watching::start();
    let db = ctx.db.clone();
    let published = db.published_seq();
    let first = db.first_seq().unwrap_or(1);
    if since > published || (since + 1 < first && published >= first) {
        let _ = out
            .send(Ok(resync("the log does not reach back to since_seq")))
            .await;
        return;
    }
    let mut w = Watcher {
        actor: c.actor.clone(),
        last: since,
        out,
        live: false,
        from_scratch: since == 0,
    };
    match w.replay(&db).await {
        Ok(Step::Continue) => w.live = true,
        Ok(Step::Stop) => return,
        Err(e) => {
            let _ = w.out.send(Err(e.into())).await;
            return;
        }
    }
    let mut heartbeat = tokio::time::interval(ctx.config.heartbeat);
    heartbeat.tick().await;
    loop {
        tokio::select! {
            () = ctx.shutdown.cancelled() => return,
            () = w.out.closed() => return,
            _ = heartbeat.tick() => {
                if !session_alive(&ctx, &c) {
                    let _ = w.out.send(Err(localized(
                        tonic::Code::Unauthenticated,
                        "сеанс истёк или завершён; войдите снова",
                        "the session expired or was revoked; sign in again",
                    ))).await;
                    return;
                }
                let beat = pb::WatchEvent { kind: Some(pb::watch_event::Kind::Heartbeat(pb::Heartbeat {
                    seq: w.last,
                    server_time_ms: db.clock().now_ms(),
                }))};
                if w.out.send(Ok(beat)).await.is_err() { return; }
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
                    let _ = w.out.send(Ok(resync("the watcher fell behind"))).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

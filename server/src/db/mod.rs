//! The write path and the event log: every mutation writes its entities, index entries, audit
//! records and events in one atomic batch, under one writer at a time; a single flusher task makes
//! batches durable in groups (group commit) and only then acknowledges the writers and publishes
//! their events, in commit order, to the broadcast hub that watch streams follow.

pub mod keys;
pub mod retention;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, Weak};

use infogroups_shared::pb;
use prost::Message;
use tokio::sync::{Notify, broadcast, oneshot};
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::entity::{Entity, Kind};
use crate::error::{ApiError, ApiResult};
use crate::reports::facts::Facts;
use crate::store::{Store, StoreError, Write};
use infogroups_shared::validate::FieldError;

/// The schema version this build writes. A store with a higher one is refused at start.
pub const SCHEMA_VERSION: u32 = 1;

/// How many events the hub buffers for a slow watcher before telling it to resync.
const HUB_CAPACITY: usize = 8192;

/// Shared handle to the database. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    /// One writer at a time; an async lock, so waiting writers yield instead of blocking threads.
    writer: tokio::sync::Mutex<Counters>,
    pending: Mutex<Vec<Pending>>,
    /// What the pending writes change, for writers' reads until the flusher applies them.
    overlay: Mutex<Overlay>,
    wake: Arc<Notify>,
    /// One round of take, apply, flush and acknowledge at a time (the flusher's, an online
    /// backup's, or the final one in `close`): a later round must not acknowledge writes an
    /// earlier one has not applied, and batches reach the store and the fact tables in commit
    /// order. Taken after the writer lock wherever both are held.
    flushing: tokio::sync::Mutex<()>,
    /// The fact tables reports read: only durable data, updated by the flusher in commit order.
    facts: RwLock<Facts>,
    hub: broadcast::Sender<Arc<pb::Event>>,
    published: AtomicU64,
    clock: Clock,
    stop: CancellationToken,
}

/// Counters the writer owns; a transaction works on a copy that replaces them only on success.
#[derive(Clone, Default)]
struct Counters {
    generation: u64,
    next_seq: u64,
    next_audit: u64,
    next_id: HashMap<Kind, u64>,
    named: HashMap<String, u64>,
}

struct Pending {
    /// The write's generation: its place in commit order.
    generation: u64,
    /// What it writes, not yet applied to the store.
    batch: Vec<Write>,
    events: Vec<Arc<pb::Event>>,
    ack: oneshot::Sender<Result<(), String>>,
}

/// Writes committed by the writer but not yet applied to the store, so the next writer reads them:
/// key → (generation of the write, value or removal).
type Overlay = HashMap<Vec<u8>, (u64, Option<Vec<u8>>)>;

fn corrupt(key: &[u8], e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: e.to_string(),
    }
}

/// Decodes a stored message.
pub fn decode<M: Message + Default>(key: &[u8], bytes: &[u8]) -> Result<M, StoreError> {
    M::decode(bytes).map_err(|e| corrupt(key, e))
}

impl Db {
    /// Opens the database over a store: checks the schema, recovers the counters and starts the
    /// flusher. Must be called inside a tokio runtime.
    pub fn open(store: Arc<dyn Store>, clock: Clock, location: &str) -> Result<Self, StoreError> {
        match store.get(keys::SCHEMA)? {
            Some(v) => {
                let found = u32::from_be_bytes(
                    v.as_slice()
                        .try_into()
                        .map_err(|_| corrupt(keys::SCHEMA, "not a u32"))?,
                );
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: location.to_string(),
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
            }
            None => {
                store.apply(vec![(
                    keys::SCHEMA.to_vec(),
                    Some(SCHEMA_VERSION.to_be_bytes().to_vec()),
                )])?;
                store.flush()?;
            }
        }
        let last = |prefix: &[u8]| -> Result<u64, StoreError> {
            Ok(store
                .scan_rev(prefix, None, 1)?
                .first()
                .and_then(|(k, _)| keys::trailing_u64(k))
                .unwrap_or(0))
        };
        let mut counters = Counters {
            next_seq: last(keys::EVENT_PREFIX)? + 1,
            next_audit: last(keys::AUDIT_PREFIX)? + 1,
            ..Counters::default()
        };
        for kind in Kind::ALL {
            let key = keys::next_id(kind);
            let next = match store.get(&key)? {
                Some(v) => u64::from_be_bytes(
                    v.as_slice()
                        .try_into()
                        .map_err(|_| corrupt(&key, "not a u64"))?,
                ),
                None => 1,
            };
            counters.next_id.insert(kind, next);
        }
        let published = counters.next_seq - 1;
        let facts = Facts::build(store.as_ref())?;
        let (hub, _) = broadcast::channel(HUB_CAPACITY);
        let inner = Arc::new(Inner {
            store,
            writer: tokio::sync::Mutex::new(counters),
            pending: Mutex::new(Vec::new()),
            overlay: Mutex::new(HashMap::new()),
            wake: Arc::new(Notify::new()),
            flushing: tokio::sync::Mutex::new(()),
            facts: RwLock::new(facts),
            hub,
            published: AtomicU64::new(published),
            clock,
            stop: CancellationToken::new(),
        });
        tokio::spawn(flusher(
            Arc::downgrade(&inner),
            inner.wake.clone(),
            inner.stop.clone(),
        ));
        Ok(Self { inner })
    }

    /// The clock the server runs on.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// The underlying store (reads, backups).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The sequence number of the last event made durable and published.
    pub fn published_seq(&self) -> u64 {
        self.inner.published.load(Ordering::SeqCst)
    }

    /// The fact tables, as of the last durable commit. Hold the guard only while counting: the
    /// flusher waits for it before acknowledging the next writers.
    pub fn facts(&self) -> Result<RwLockReadGuard<'_, Facts>, StoreError> {
        self.inner
            .facts
            .read()
            .map_err(|_| StoreError::Engine("fact tables lock poisoned".into()))
    }

    /// Subscribes to events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<pb::Event>> {
        self.inner.hub.subscribe()
    }

    /// One entity by id.
    pub fn get<E: Entity>(&self, id: u64) -> Result<Option<E>, StoreError> {
        let key = keys::entity(E::KIND, id);
        self.inner
            .store
            .get(&key)?
            .map(|v| decode(&key, &v))
            .transpose()
    }

    /// Every entity of a kind, by id.
    pub fn all<E: Entity>(&self) -> Result<Vec<E>, StoreError> {
        let prefix = keys::entity_prefix(E::KIND);
        let mut out = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        loop {
            let page = self.inner.store.scan(&prefix, after.as_deref(), 4096)?;
            let Some((last, _)) = page.last() else { break };
            after = Some(last.clone());
            for (k, v) in &page {
                out.push(decode(k, v)?);
            }
        }
        Ok(out)
    }

    /// A raw value (sessions, credentials, indexes).
    pub fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.store.get(key)
    }

    /// Events after `since`, up to `limit`, from the persisted log (only those already published).
    pub fn events_after(&self, since: u64, limit: usize) -> Result<Vec<pb::Event>, StoreError> {
        let published = self.published_seq();
        let after = keys::event(since);
        let mut out = Vec::new();
        for (k, v) in self
            .inner
            .store
            .scan(keys::EVENT_PREFIX, Some(&after), limit)?
        {
            let ev: pb::Event = decode(&k, &v)?;
            if ev.seq > published {
                break;
            }
            out.push(ev);
        }
        Ok(out)
    }

    /// The first sequence number the log still holds (1 when nothing was ever trimmed).
    pub fn first_seq(&self) -> Result<u64, StoreError> {
        Ok(self
            .inner
            .store
            .scan(keys::EVENT_PREFIX, None, 1)?
            .first()
            .and_then(|(k, _)| keys::trailing_u64(k))
            .unwrap_or(1))
    }

    /// Audit records, newest first, strictly before `before_seq` (0 for the newest).
    pub fn audit_before(
        &self,
        before_seq: u64,
        limit: usize,
        mut keep: impl FnMut(&pb::AuditRecord) -> bool,
    ) -> Result<Vec<pb::AuditRecord>, StoreError> {
        let mut out = Vec::new();
        let mut before = (before_seq > 0).then(|| keys::audit(before_seq));
        while out.len() < limit {
            let page = self
                .inner
                .store
                .scan_rev(keys::AUDIT_PREFIX, before.as_deref(), 1024)?;
            let Some((last, _)) = page.last() else { break };
            before = Some(last.clone());
            for (k, v) in &page {
                let rec: pb::AuditRecord = decode(k, v)?;
                if keep(&rec) {
                    out.push(rec);
                    if out.len() == limit {
                        break;
                    }
                }
            }
        }
        Ok(out)
    }

    /// Runs `f` as the only writer, then commits what it staged atomically and waits until it is
    /// durable. Nothing is written when `f` fails.
    pub async fn write<T>(
        &self,
        actor_id: u64,
        f: impl FnOnce(&mut Tx<'_>) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let (ack_tx, ack_rx) = oneshot::channel();
        let mut counters = self.inner.writer.lock().await;
        // Checked under the lock: once `close` holds it, nothing more is applied.
        if self.inner.stop.is_cancelled() {
            return Err(ApiError::ShuttingDown);
        }
        let mut tx = Tx {
            store: self.inner.store.as_ref(),
            overlay: &self.inner.overlay,
            counters: counters.clone(),
            now_ms: self.inner.clock.now_ms(),
            actor_id,
            rpc: String::new(),
            writes: BTreeMap::new(),
            events: Vec::new(),
            audits: Vec::new(),
        };
        let value = f(&mut tx)?;
        let committed = !(tx.writes.is_empty() && tx.audits.is_empty() && tx.events.is_empty());
        if committed {
            let (batch, events, mut new_counters) = tx.into_batch()?;
            new_counters.generation += 1;
            let generation = new_counters.generation;
            // Not applied here: the flusher applies every queued write as one sled batch right
            // before its flush, so writers never wait on sled's flush lock. Until then the next
            // writers read these values from the overlay.
            {
                let mut overlay = self
                    .inner
                    .overlay
                    .lock()
                    .map_err(|_| StoreError::Engine("overlay lock poisoned".into()))?;
                for (k, v) in &batch {
                    overlay.insert(k.clone(), (generation, v.clone()));
                }
            }
            *counters = new_counters;
            // Queued under the writer lock, so the flusher sees commits in sequence order.
            self.inner
                .pending
                .lock()
                .map_err(|_| StoreError::Engine("pending lock poisoned".into()))?
                .push(Pending {
                    generation,
                    batch,
                    events,
                    ack: ack_tx,
                });
        }
        drop(counters);
        if !committed {
            return Ok(value);
        }
        self.inner.wake.notify_one();
        match ack_rx.await {
            Ok(Ok(())) => Ok(value),
            Ok(Err(e)) => Err(StoreError::Engine(e).into()),
            Err(_) => Err(ApiError::ShuttingDown),
        }
    }

    /// Runs `f` over the store holding exactly the writes committed so far: new writers wait,
    /// and what is queued is applied and made durable first (consistent online backups). A
    /// store iterator is not a snapshot, so nothing may be applied while `f` reads.
    pub async fn exclusive<T>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let _writer = self.inner.writer.lock().await;
        let _round = self.inner.flushing.lock().await;
        let batch = take_pending(&self.inner);
        if !batch.is_empty() {
            let (batch, result) = apply_and_flush(&self.inner, batch).await;
            acknowledge(&self.inner, batch, result.clone());
            result.map_err(StoreError::Engine)?;
        }
        blocking(|| f(self.inner.store.as_ref()))
    }

    /// Stops accepting writes, waits for the flusher to drain, and flushes the store.
    pub async fn close(&self) -> Result<(), StoreError> {
        self.inner.stop.cancel();
        // Writers that got in before the stop are still acknowledged by this final flush; taking
        // the writer lock first waits for one that is staging right now, the round lock for a
        // flush in progress.
        let _writer = self.inner.writer.lock().await;
        let _round = self.inner.flushing.lock().await;
        let batch = take_pending(&self.inner);
        let (batch, result) = apply_and_flush(&self.inner, batch).await;
        acknowledge(&self.inner, batch, result.clone());
        result.map_err(StoreError::Engine)
    }
}

/// Takes the writers queued so far. Taken *before* a flush: only what was applied before the
/// flush began is durable when it returns.
fn take_pending(inner: &Inner) -> Vec<Pending> {
    match inner.pending.lock() {
        Ok(mut p) => std::mem::take(&mut *p),
        Err(_) => Vec::new(),
    }
}

/// Applies the queued writes as one batch, flushes, and drops them from the overlay.
async fn apply_and_flush(
    inner: &Arc<Inner>,
    mut taken: Vec<Pending>,
) -> (Vec<Pending>, Result<(), String>) {
    let last = taken.last().map_or(0, |p| p.generation);
    let merged: Vec<Write> = taken
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.batch))
        .collect();
    // What the fact tables need of the batch, kept before the batch moves to the store.
    let for_facts: Vec<Write> = merged
        .iter()
        .filter(|(k, _)| Facts::wants(k))
        .cloned()
        .collect();
    let store = inner.store.clone();
    let started = std::time::Instant::now();
    let result = match tokio::task::spawn_blocking(move || {
        if !merged.is_empty() {
            store.apply(merged)?;
        }
        store.flush()
    })
    .await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    crate::metrics::commit(taken.len(), started.elapsed());
    // Durable now: the fact tables take the batch before any writer of it is answered, so a
    // report asked after an acknowledgement counts that write.
    if result.is_ok() && !for_facts.is_empty() {
        update_facts(inner, &for_facts);
    }
    if result.is_ok()
        && let Ok(mut overlay) = inner.overlay.lock()
    {
        // Later writes to the same keys keep their entries until their own flush.
        overlay.retain(|_, (generation, _)| *generation > last);
    }
    (taken, result)
}

/// Applies durable writes to the fact tables. The writes are in the store already, so a failure
/// here must not fail the writers: the tables are rebuilt from the store instead.
fn update_facts(inner: &Inner, writes: &[Write]) {
    let mut facts = inner
        .facts
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Err(e) = blocking(|| facts.apply(writes)) {
        tracing::error!(error = %e, "fact tables: a durable write did not apply; rebuilding them");
        match blocking(|| Facts::build(inner.store.as_ref())) {
            Ok(rebuilt) => *facts = rebuilt,
            Err(e) => tracing::error!(error = %e, "fact tables: the rebuild failed"),
        }
    }
}

/// Runs `f`, which may block, without stalling the runtime's other tasks when the runtime has
/// more than one worker (a current-thread runtime cannot hand its work over, so it just runs).
pub(crate) fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Acknowledges the taken writers and publishes their events in order.
fn acknowledge(inner: &Inner, batch: Vec<Pending>, result: Result<(), String>) {
    for p in batch {
        if result.is_ok() {
            for ev in &p.events {
                inner.published.store(ev.seq, Ordering::SeqCst);
                // No receivers is fine: nobody is watching.
                let _ = inner.hub.send(ev.clone());
            }
        }
        let _ = p.ack.send(result.clone());
    }
}

/// The one task that flushes: each round makes every batch applied so far durable with a single
/// `flush()`, then acknowledges and publishes them. sled's `flush_async` deadlocks under many
/// concurrent callers; one blocking flush per round does not.
async fn flusher(inner: Weak<Inner>, wake: Arc<Notify>, stop: CancellationToken) {
    loop {
        tokio::select! {
            () = wake.notified() => {}
            () = stop.cancelled() => return,
        }
        let Some(strong) = inner.upgrade() else {
            return;
        };
        let _round = strong.flushing.lock().await;
        let batch = take_pending(&strong);
        if batch.is_empty() {
            continue;
        }
        let (batch, result) = apply_and_flush(&strong, batch).await;
        if let Err(e) = &result {
            tracing::error!(error = %e, "flush failed; writers are told to retry");
        }
        acknowledge(&strong, batch, result);
    }
}

/// A write ready to apply: the batch, its events in order, and the counters after it.
type Staged = (Vec<Write>, Vec<Arc<pb::Event>>, Counters);

/// What one write stages. Reads see the staged writes first.
pub struct Tx<'a> {
    store: &'a dyn Store,
    overlay: &'a Mutex<Overlay>,
    counters: Counters,
    now_ms: i64,
    actor_id: u64,
    /// The RPC whose request id the last [`Tx::replayed`] looked up.
    rpc: String,
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    events: Vec<pb::Event>,
    audits: Vec<pb::AuditRecord>,
}

impl Tx<'_> {
    /// The time of this write, UTC ms.
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// The user making the write (0 for the server itself).
    pub fn actor_id(&self) -> u64 {
        self.actor_id
    }

    /// A raw value, staged writes first.
    pub fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(v) = self.writes.get(key) {
            return Ok(v.clone());
        }
        let pending = self
            .overlay
            .lock()
            .map_err(|_| StoreError::Engine("overlay lock poisoned".into()))?
            .get(key)
            .map(|(_, v)| v.clone());
        match pending {
            Some(v) => Ok(v),
            None => self.store.get(key),
        }
    }

    /// Stages a raw write.
    pub fn put_raw(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.writes.insert(key, Some(value));
    }

    /// Stages a raw removal.
    pub fn remove_raw(&mut self, key: Vec<u8>) {
        self.writes.insert(key, None);
    }

    /// One entity, staged writes first.
    pub fn get<E: Entity>(&self, id: u64) -> Result<Option<E>, StoreError> {
        let key = keys::entity(E::KIND, id);
        self.get_raw(&key)?.map(|v| decode(&key, &v)).transpose()
    }

    /// One entity that must exist.
    pub fn require<E: Entity>(&self, id: u64) -> ApiResult<E> {
        self.get::<E>(id)?.ok_or(ApiError::NotFound {
            kind: E::KIND.name(),
            id,
        })
    }

    /// The entity `id` when it is still at the version the client last saw, so that a stale
    /// request is answered as stale before anything it sent is judged against a newer record.
    pub fn require_at<E: Entity>(&self, id: u64, expected_version: u64) -> ApiResult<E> {
        let e = self.require::<E>(id)?;
        let current = e.meta().version;
        if current != expected_version {
            return Err(ApiError::Stale {
                expected: expected_version,
                current,
            });
        }
        Ok(e)
    }

    /// The entity a repeated create made the first time, if this account sent this request id
    /// to this RPC before. A key is scoped to (account, RPC): one first used by another RPC is
    /// refused, never answered with what that RPC made. The RPC is remembered for the
    /// [`Tx::create`] that follows.
    pub fn replayed<E: Entity>(&mut self, rpc: &str, request_id: &str) -> ApiResult<Option<E>> {
        self.rpc = rpc.to_string();
        let key = keys::request(self.actor_id, request_id);
        let Some(v) = self.get_raw(&key)? else {
            return Ok(None);
        };
        // [kind][id, 8 bytes][rpc]; keys written before the RPC was recorded have no rpc part.
        let kind_ok = v.first() == Some(&(E::KIND as u8));
        let rpc_ok = v.len() <= 9 || v.get(9..) == Some(rpc.as_bytes());
        if !(kind_ok && rpc_ok) {
            return Err(FieldError::new(
                "request_id",
                "этот ключ запроса уже использован для другой операции",
                "this request id was already used for another operation",
            )
            .into());
        }
        let id = v
            .get(1..9)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u64::from_be_bytes);
        Ok(self.get::<E>(id)?)
    }

    /// Creates an entity: assigns its id and metadata, records the request id, stages the entity,
    /// an audit record and a `created` event.
    pub fn create<E: Entity>(&mut self, mut e: E, request_id: Option<&str>) -> ApiResult<E> {
        let next = self.counters.next_id.entry(E::KIND).or_insert(1);
        let id = *next;
        *next += 1;
        let following = *next;
        self.put_raw(keys::next_id(E::KIND), following.to_be_bytes().to_vec());
        let now = self.now_ms;
        let actor = self.actor_id;
        let meta = e.meta_mut();
        *meta = pb::Meta {
            id,
            version: 1,
            created_at_ms: now,
            updated_at_ms: now,
            created_by: actor,
            archived: false,
        };
        if let Some(rid) = request_id {
            let mut v = vec![E::KIND as u8];
            v.extend_from_slice(&id.to_be_bytes());
            v.extend_from_slice(self.rpc.as_bytes());
            self.put_raw(keys::request(actor, rid), v);
        }
        self.stage(&e, pb::EventAction::Created, "create");
        Ok(e)
    }

    /// Replaces an entity after checking the client's version: bumps the version, stages the
    /// entity, an audit record with `action` and an `updated` event.
    pub fn update<E: Entity>(
        &mut self,
        mut e: E,
        expected_version: u64,
        action: &str,
    ) -> ApiResult<E> {
        let id = e.meta().id;
        let current = self.require::<E>(id)?;
        let current_meta = current.meta();
        if expected_version != current_meta.version {
            return Err(ApiError::Stale {
                expected: expected_version,
                current: current_meta.version,
            });
        }
        let now = self.now_ms;
        let meta = e.meta_mut();
        // Identity and history are the store's; whether it is archived is the change's.
        *meta = pb::Meta {
            version: current_meta.version + 1,
            updated_at_ms: now,
            archived: meta.archived,
            ..current_meta
        };
        self.stage(&e, pb::EventAction::Updated, action);
        Ok(e)
    }

    /// Like [`Tx::update`] but for the server's own changes, which never race a client's view.
    pub fn update_current<E: Entity>(&mut self, e: E, action: &str) -> ApiResult<E> {
        let version = self.require::<E>(e.meta().id)?.meta().version;
        self.update(e, version, action)
    }

    fn stage<E: Entity>(&mut self, e: &E, action: pb::EventAction, audit_action: &str) {
        let meta = e.meta();
        self.put_raw(keys::entity(E::KIND, meta.id), e.encode_to_vec());
        self.audit(E::KIND, meta.id, audit_action, meta.version);
        let seq = self.counters.next_seq;
        self.counters.next_seq += 1;
        self.events.push(pb::Event {
            seq,
            at_ms: self.now_ms,
            actor_id: self.actor_id,
            action: action as i32,
            entity: Some(e.clone().into_event()),
        });
    }

    /// Stages an audit record without an event (logins, views of personal data).
    pub fn audit(&mut self, kind: Kind, id: u64, action: &str, version: u64) {
        let seq = self.counters.next_audit;
        self.counters.next_audit += 1;
        self.audits.push(pb::AuditRecord {
            seq,
            actor_id: self.actor_id,
            at_ms: self.now_ms,
            entity_kind: kind.name().to_string(),
            entity_id: id,
            action: action.to_string(),
            version,
            // Named when read: the number a record carries then, not one kept beside the log.
            entity_label: String::new(),
        });
    }

    /// The next value of a named counter (registration numbers per year), starting at 1.
    pub fn next_number(&mut self, name: &str) -> Result<u64, StoreError> {
        let key = keys::counter(name);
        let current = match self.counters.named.get(name) {
            Some(v) => *v,
            None => self
                .get_raw(&key)?
                .and_then(|v| keys::trailing_u64(&v))
                .unwrap_or(0),
        };
        let next = current + 1;
        self.counters.named.insert(name.to_string(), next);
        self.put_raw(key, next.to_be_bytes().to_vec());
        Ok(next)
    }

    fn into_batch(self) -> Result<Staged, StoreError> {
        let mut batch: Vec<Write> = self.writes.into_iter().collect();
        for a in &self.audits {
            batch.push((keys::audit(a.seq), Some(a.encode_to_vec())));
        }
        let mut events = Vec::with_capacity(self.events.len());
        for ev in self.events {
            batch.push((keys::event(ev.seq), Some(ev.encode_to_vec())));
            events.push(Arc::new(ev));
        }
        Ok((batch, events, self.counters))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SledStore;

    #[tokio::test]
    async fn a_store_written_by_a_newer_schema_is_refused() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        {
            let store = SledStore::open(dir.path())?;
            store.apply(vec![(
                keys::SCHEMA.to_vec(),
                Some((SCHEMA_VERSION + 1).to_be_bytes().to_vec()),
            )])?;
            store.flush()?;
        }
        let store = Arc::new(SledStore::open(dir.path())?);
        let refused = Db::open(store, Clock::system(), "here");
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("newer than this server"), "{message}");
        Ok(())
    }

    #[tokio::test]
    async fn a_failed_write_leaves_nothing_and_ids_and_sequences_continue_after_reopen()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let open = || -> Result<Db, StoreError> {
            Db::open(
                Arc::new(SledStore::open(dir.path())?),
                Clock::manual(1_000),
                "t",
            )
        };
        let db = open()?;
        let t = db
            .write(1, |tx| {
                tx.create(
                    pb::Territory {
                        name: "А".into(),
                        ..Default::default()
                    },
                    Some("r1"),
                )
            })
            .await?;
        assert_eq!(t.meta.map(|m| (m.id, m.version)), Some((1, 1)));
        let failed: ApiResult<()> = db
            .write(1, |tx| {
                tx.create(
                    pb::Territory {
                        name: "Б".into(),
                        ..Default::default()
                    },
                    None,
                )?;
                Err(ApiError::precondition("нет", "no"))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(db.all::<pb::Territory>()?.len(), 1);
        let stale = db
            .write(1, |tx| {
                let mut t = tx.require::<pb::Territory>(1)?;
                t.name = "В".into();
                tx.update(t, 7, "update")
            })
            .await;
        assert!(matches!(
            stale,
            Err(ApiError::Stale {
                expected: 7,
                current: 1
            })
        ));
        assert_eq!(db.published_seq(), 1);
        db.close().await?;
        drop(db);
        let db = open()?;
        let again = db
            .write(1, |tx| {
                assert!(
                    tx.replayed::<pb::Territory>("SaveTerritory", "r1")?
                        .is_some()
                );
                tx.create(
                    pb::Territory {
                        name: "Г".into(),
                        ..Default::default()
                    },
                    None,
                )
            })
            .await?;
        assert_eq!(again.meta.map(|m| m.id), Some(2));
        assert_eq!(db.published_seq(), 2);
        let log = db.events_after(0, 10)?;
        assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
        db.close().await?;
        Ok(())
    }

    #[tokio::test]
    async fn the_fact_tables_follow_every_acknowledged_write_and_are_rebuilt_on_open()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let open = || -> Result<Db, StoreError> {
            Db::open(
                Arc::new(SledStore::open(dir.path())?),
                Clock::manual(1_000),
                "t",
            )
        };
        let appeal = |code: &str| pb::Appeal {
            territory_id: 3,
            questions: vec![pb::AppealQuestion {
                classifier_code: code.into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let db = open()?;
        let a = db
            .write(1, |tx| tx.create(appeal("0005.0005.0056.1154"), None))
            .await?;
        // Acknowledged means counted.
        assert_eq!(db.facts()?.appeals.len(), 1);
        let mut changed = a.clone();
        changed.questions.push(pb::AppealQuestion {
            classifier_code: "0002.0008.0000.0000".into(),
            ..Default::default()
        });
        changed.territory_id = 4;
        db.write(1, |tx| tx.update(changed, 1, "update")).await?;
        let snapshot = |db: &Db| -> Result<(usize, Vec<u32>, Vec<String>), StoreError> {
            let f = db.facts()?;
            let codes = f
                .appeals
                .questions(0)
                .map(|q| f.codes.name(f.appeals.q_code[q]).to_string())
                .collect();
            Ok((f.appeals.len(), f.appeals.territory.clone(), codes))
        };
        let live = snapshot(&db)?;
        assert_eq!(
            live,
            (
                1,
                vec![4],
                vec![
                    "0005.0005.0056.1154".to_string(),
                    "0002.0008.0000.0000".to_string()
                ]
            )
        );
        db.close().await?;
        drop(db);
        let db = open()?;
        assert_eq!(snapshot(&db)?, live);
        db.close().await?;
        Ok(())
    }
}

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

/// The fact tables are checkpointed at a store checkpoint once this many events were logged
/// since their last checkpoint (and always when the database closes). It bounds what a start
/// replays after a crash — decoding this many events takes a fraction of a second — while a
/// checkpoint at a million appeals writes some 80 MB, so it must not come at every store
/// checkpoint of a busy server.
const FACTS_EVERY: u64 = 32_768;

/// No fact-table checkpoint exists (see `Inner::facts_saved`).
const NO_CHECKPOINT: u64 = u64::MAX;

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
    /// The event sequence the saved fact-table checkpoint covers ([`NO_CHECKPOINT`]: none).
    /// Retention keeps the events from it on, which a start replays over it.
    facts_saved: AtomicU64,
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
        tracing::debug!(published, "counters recovered");
        let (facts, saved) = open_facts(store.as_ref(), published)?;
        let (hub, _) = broadcast::channel(HUB_CAPACITY);
        let inner = Arc::new(Inner {
            store,
            writer: tokio::sync::Mutex::new(counters),
            pending: Mutex::new(Vec::new()),
            overlay: Mutex::new(HashMap::new()),
            wake: Arc::new(Notify::new()),
            flushing: tokio::sync::Mutex::new(()),
            facts: RwLock::new(facts),
            facts_saved: AtomicU64::new(saved.unwrap_or(NO_CHECKPOINT)),
            hub,
            published: AtomicU64::new(published),
            clock,
            stop: CancellationToken::new(),
        });
        let weak = Arc::downgrade(&inner);
        inner.store.set_checkpoint_hook(Box::new(move || {
            if let Some(inner) = weak.upgrade() {
                save_facts(&inner, false);
            }
        }));
        // Rebuilt: saved at once, so the next start loads them.
        if saved.is_none() {
            save_facts(&inner, true);
        }
        tokio::spawn(flusher(
            Arc::downgrade(&inner),
            inner.wake.clone(),
            inner.stop.clone(),
        ));
        Ok(Self { inner })
    }

    /// Checkpoints the fact tables now (they are otherwise checkpointed at store checkpoints,
    /// every [`FACTS_EVERY`] events, and on close), between group-commit rounds.
    pub async fn checkpoint_facts(&self) {
        let _round = self.inner.flushing.lock().await;
        save_facts(&self.inner, true);
    }

    /// The event sequence the saved fact-table checkpoint covers, if one was saved.
    pub fn facts_checkpoint_seq(&self) -> Option<u64> {
        Some(self.inner.facts_saved.load(Ordering::SeqCst)).filter(|s| *s != NO_CHECKPOINT)
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
        result.map_err(StoreError::Engine)?;
        // The next start then replays nothing.
        blocking(|| save_facts(&self.inner, true));
        Ok(())
    }
}

/// The fact tables for a store whose last event is `published`: from the saved checkpoint and
/// the events after it when that checkpoint is usable, else rebuilt from every entity. Returns
/// the tables and the sequence of the checkpoint they came from.
fn open_facts(store: &dyn Store, published: u64) -> Result<(Facts, Option<u64>), StoreError> {
    let started = std::time::Instant::now();
    let why = match store.load_derived() {
        Ok(Some(bytes)) => match resume_facts(store, &bytes, published) {
            Ok((facts, replayed)) => {
                let seq = facts.seq();
                tracing::info!(
                    checkpoint_seq = seq,
                    replayed,
                    ms = started.elapsed().as_millis() as u64,
                    "fact tables loaded from their checkpoint"
                );
                return Ok((facts, Some(seq - replayed)));
            }
            Err(why) => why,
        },
        Ok(None) => "there is none".to_string(),
        Err(e) => format!("it could not be read: {e}"),
    };
    let mut facts = Facts::build(store)?;
    let at_ms = match store.get(&keys::event(published))? {
        Some(v) => decode::<pb::Event>(&keys::event(published), &v)?.at_ms,
        None => 0,
    };
    facts.mark(published, at_ms);
    tracing::info!(
        reason = %why,
        ms = started.elapsed().as_millis() as u64,
        "fact tables rebuilt from every entity: their checkpoint was not usable"
    );
    Ok((facts, None))
}

/// The tables of a checkpoint brought up to `published` by the events after it, and how many
/// events that replayed; or why the checkpoint cannot be used.
fn resume_facts(store: &dyn Store, bytes: &[u8], published: u64) -> Result<(Facts, u64), String> {
    let mut facts = Facts::decode(bytes).map_err(|e| e.to_string())?;
    let seq = facts.seq();
    if seq > published {
        return Err(format!(
            "it covers event {seq}, the log ends at {published}"
        ));
    }
    // The same history: the event it ends with is still the one logged under that number.
    if seq > 0 {
        let key = keys::event(seq);
        let at_ms = match store.get(&key).map_err(|e| e.to_string())? {
            Some(v) => {
                decode::<pb::Event>(&key, &v)
                    .map_err(|e| e.to_string())?
                    .at_ms
            }
            None => return Err(format!("event {seq} it ends with is no longer logged")),
        };
        if at_ms != facts.seq_at_ms() {
            return Err(format!("event {seq} is not the one it covers"));
        }
    }
    let mut after = keys::event(seq);
    let mut replayed = 0;
    loop {
        let page = store
            .scan(keys::EVENT_PREFIX, Some(&after), 4096)
            .map_err(|e| e.to_string())?;
        let Some((last, _)) = page.last() else { break };
        after = last.clone();
        for (k, v) in &page {
            let ev: pb::Event = decode(k, v).map_err(|e| e.to_string())?;
            if ev.seq != facts.seq() + 1 {
                return Err(format!(
                    "event {} after it is missing from the log",
                    facts.seq() + 1
                ));
            }
            facts.apply_event(&ev);
            replayed += 1;
        }
    }
    if facts.seq() != published {
        return Err(format!(
            "the log ends at {}, not at {published}",
            facts.seq()
        ));
    }
    Ok((facts, replayed))
}

/// Saves the fact tables as a checkpoint: when `force`, or when [`FACTS_EVERY`] events were
/// logged since the last one. Runs between group-commit rounds (inside a flush, or holding the
/// round lock), so the tables do not change meanwhile. A failure is logged, never returned: the
/// tables in memory are right, and a start without a checkpoint rebuilds them.
fn save_facts(inner: &Inner, force: bool) {
    let saved = inner.facts_saved.load(Ordering::SeqCst);
    let facts = inner
        .facts
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let seq = facts.seq();
    let due = match saved {
        NO_CHECKPOINT => true,
        s if force => seq != s,
        s => seq >= s.saturating_add(FACTS_EVERY),
    };
    if !due {
        return;
    }
    let started = std::time::Instant::now();
    let bytes = facts.encode();
    drop(facts);
    match inner.store.save_derived(&bytes) {
        Ok(()) => {
            inner.facts_saved.store(seq, Ordering::SeqCst);
            tracing::info!(
                seq,
                bytes = bytes.len(),
                ms = started.elapsed().as_millis() as u64,
                "fact tables checkpointed"
            );
        }
        Err(e) => tracing::error!(error = %e, "fact tables: the checkpoint failed"),
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
    let last_event = taken
        .iter()
        .filter_map(|p| p.events.last())
        .next_back()
        .map(|e| (e.seq, e.at_ms));
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
    if result.is_ok()
        && let Some(last_event) = last_event
    {
        update_facts(inner, &for_facts, last_event);
    }
    if result.is_ok()
        && let Ok(mut overlay) = inner.overlay.lock()
    {
        // Later writes to the same keys keep their entries until their own flush.
        overlay.retain(|_, (generation, _)| *generation > last);
    }
    (taken, result)
}

/// Applies durable writes, logged up to the event `(seq, at_ms)`, to the fact tables. The writes
/// are in the store already, so a failure here must not fail the writers: the tables are rebuilt
/// from the store instead.
fn update_facts(inner: &Inner, writes: &[Write], (seq, at_ms): (u64, i64)) {
    let mut facts = inner
        .facts
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !writes.is_empty()
        && let Err(e) = blocking(|| facts.apply(writes))
    {
        tracing::error!(error = %e, "fact tables: a durable write did not apply; rebuilding them");
        match blocking(|| Facts::build(inner.store.as_ref())) {
            Ok(rebuilt) => *facts = rebuilt,
            Err(e) => tracing::error!(error = %e, "fact tables: the rebuild failed"),
        }
    }
    facts.mark(seq, at_ms);
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
        // The stop first: a wake-up left over from the last writes must not take a strong
        // handle after `close`, which would keep the store open after the last `Db` is gone.
        tokio::select! {
            biased;
            () = stop.cancelled() => return,
            () = wake.notified() => {}
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
    use crate::reports::facts;
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

    /// One step of a random history.
    #[derive(Debug, Clone)]
    enum Step {
        /// A new appeal with these question codes (indexes into `CODES`) and status.
        Appeal(Vec<usize>, i32),
        /// Appeal `n` (modulo those made) gets another question and a territory.
        Regroup(usize, usize, u64),
        /// A new assignment of a department with a status.
        Assignment(u64, i32),
        /// Assignment `n` completes.
        Complete(usize),
        /// A meeting on a venue.
        Meeting(u64),
        /// A reception card of a group.
        Card(u64),
        /// A territory (an entity the tables do not hold: events they skip).
        Territory,
        /// The fact tables are checkpointed here.
        Checkpoint,
    }

    const CODES: [&str; 4] = [
        "0005.0005.0056.1154",
        "0002.0008.0000.0000",
        "0001.0001.0001.0001",
        "0003.0011.0122.0000",
    ];

    fn step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        prop_oneof![
            3 => (proptest::collection::vec(0..CODES.len(), 0..3), 0..5i32)
                .prop_map(|(c, s)| Step::Appeal(c, s)),
            2 => (0..50usize, 0..CODES.len(), 1..9u64).prop_map(|(n, c, t)| Step::Regroup(n, c, t)),
            2 => (1..6u64, 0..4i32).prop_map(|(d, s)| Step::Assignment(d, s)),
            1 => (0..50usize).prop_map(Step::Complete),
            1 => (1..4u64).prop_map(Step::Meeting),
            1 => (1..4u64).prop_map(Step::Card),
            1 => Just(Step::Territory),
            1 => Just(Step::Checkpoint),
        ]
    }

    /// Plays `steps` through the write path.
    async fn play(db: &Db, steps: &[Step]) -> Result<(), ApiError> {
        let (mut appeals, mut assignments) = (0u64, 0u64);
        for s in steps {
            match s.clone() {
                Step::Appeal(codes, status) => {
                    let questions = codes
                        .iter()
                        .map(|c| pb::AppealQuestion {
                            classifier_code: CODES[*c].into(),
                            ..Default::default()
                        })
                        .collect();
                    let a = pb::Appeal {
                        questions,
                        status,
                        ..Default::default()
                    };
                    db.write(1, |tx| tx.create(a, None)).await?;
                    appeals += 1;
                }
                Step::Regroup(n, c, territory) if appeals > 0 => {
                    let id = n as u64 % appeals + 1;
                    db.write(1, |tx| {
                        let mut a = tx.require::<pb::Appeal>(id)?;
                        a.territory_id = territory;
                        a.questions.push(pb::AppealQuestion {
                            classifier_code: CODES[c].into(),
                            ..Default::default()
                        });
                        tx.update_current(a, "update")
                    })
                    .await?;
                }
                Step::Assignment(department_id, status) => {
                    let a = pb::Assignment {
                        department_id,
                        status,
                        ..Default::default()
                    };
                    db.write(1, |tx| tx.create(a, None)).await?;
                    assignments += 1;
                }
                Step::Complete(n) if assignments > 0 => {
                    let id = n as u64 % assignments + 1;
                    db.write(1, |tx| {
                        let mut a = tx.require::<pb::Assignment>(id)?;
                        a.status = pb::AssignmentStatus::DoneOnTime as i32;
                        a.completed = Some(pb::Date {
                            year: 2026,
                            month: 2,
                            day: 3,
                        });
                        tx.update_current(a, "update")
                    })
                    .await?;
                }
                Step::Meeting(venue_id) => {
                    let m = pb::Meeting {
                        venue_id,
                        ..Default::default()
                    };
                    db.write(1, |tx| tx.create(m, None)).await?;
                }
                Step::Card(group_id) => {
                    let c = pb::ReceptionCard {
                        group_id,
                        ..Default::default()
                    };
                    db.write(1, |tx| tx.create(c, None)).await?;
                }
                Step::Territory => {
                    db.write(1, |tx| tx.create(pb::Territory::default(), None))
                        .await?;
                }
                Step::Checkpoint => db.checkpoint_facts().await,
                Step::Regroup(..) | Step::Complete(_) => {}
            }
        }
        Ok(())
    }

    /// The tables a rebuild from every entity of `store` gives.
    fn rebuilt(store: &dyn Store, db: &Db) -> Result<facts::canonical::View, StoreError> {
        let mut f = Facts::build(store)?;
        let live = db.facts()?;
        f.mark(live.seq(), live.seq_at_ms());
        Ok(facts::canonical::view(&f))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        /// A start after a crash (no close: no final checkpoint) loads the last checkpoint and
        /// replays the events after it; the tables are the ones a full rebuild gives.
        #[test]
        fn checkpoint_and_replay_give_the_tables_a_rebuild_gives(
            steps in proptest::collection::vec(step(), 0..40)
        ) {
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async {
                let dir = tempfile::tempdir()?;
                let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path())?);
                let db = Db::open(store.clone(), Clock::manual(1_000), "t")?;
                play(&db, &steps).await?;
                let saved = db.facts_checkpoint_seq();
                let published = db.published_seq();
                let before = facts::canonical::view(&*db.facts()?);
                drop(db);
                let db = Db::open(store.clone(), Clock::manual(1_000), "t")?;
                // Loaded, not rebuilt: it reports the checkpoint it came from.
                assert_eq!(db.facts_checkpoint_seq(), saved);
                assert!(saved.is_some_and(|s| s <= published));
                let after = facts::canonical::view(&*db.facts()?);
                assert_eq!(after, before);
                assert_eq!(after, rebuilt(store.as_ref(), &db)?);
                Ok::<_, Box<dyn std::error::Error>>(())
            }).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        }
    }

    #[tokio::test]
    async fn a_corrupt_foreign_or_stale_checkpoint_is_rebuilt_from_the_entities()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&dir.path().join("a"))?);
        let db = Db::open(store.clone(), Clock::manual(1_000), "t")?;
        let steps = [
            Step::Appeal(vec![0, 1], 2),
            Step::Assignment(3, 1),
            Step::Checkpoint,
            Step::Appeal(vec![2], 1),
        ];
        play(&db, &steps).await?;
        let live = facts::canonical::view(&*db.facts()?);
        db.close().await?;
        drop(db);
        let good = store.load_derived()?.ok_or("no checkpoint after close")?;
        let reopen = |bytes: &[u8]| -> Result<facts::canonical::View, Box<dyn std::error::Error>> {
            store.save_derived(bytes)?;
            let db = Db::open(store.clone(), Clock::manual(1_000), "t")?;
            let view = facts::canonical::view(&*db.facts()?);
            // Rebuilt, then saved again whole.
            let saved = store
                .load_derived()?
                .ok_or("no checkpoint after a rebuild")?;
            assert_eq!(facts::canonical::view(&Facts::decode(&saved)?), view);
            Ok(view)
        };
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(reopen(&flipped)?, live);
        assert_eq!(reopen(&good[..good.len() / 2])?, live);
        let mut old = good.clone();
        old[8] = old[8].wrapping_add(1);
        assert_eq!(reopen(&old)?, live);

        // Another store's checkpoint, as many events long: not this history, so rebuilt.
        let other: Arc<dyn Store> = Arc::new(SledStore::open(&dir.path().join("b"))?);
        let db = Db::open(other.clone(), Clock::manual(2_000), "t")?;
        play(&db, &[Step::Card(1), Step::Card(2), Step::Territory]).await?;
        db.close().await?;
        drop(db);
        let foreign = other.load_derived()?.ok_or("no checkpoint after close")?;
        assert_eq!(reopen(&foreign)?, live);

        // A restore clears the checkpoint with the entries.
        store.clear()?;
        assert_eq!(store.load_derived()?, None);
        Ok(())
    }
}

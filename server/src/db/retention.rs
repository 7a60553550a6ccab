//! Keeping the live store's two logs bounded, so the server's memory does not grow with its
//! history (sled's grows with every key it holds).
//!
//! - The event log exists for replay to reconnecting watchers, and for a start to bring the fact
//!   tables' checkpoint up to date. Only the newest events, and those from the checkpoint's on,
//!   are kept; older ones are deleted. A watcher asking from before the oldest kept event is told to resync
//!   and takes a fresh snapshot, as it does on its first start. Events carry whole entities,
//!   citizens' personal data among them, so not keeping them forever is also what the personal
//!   data rules want.
//! - The audit log is a legal record and is never deleted: its older records move, in runs, to
//!   cold segment files beside the store ([`Store::archive`]), where queries, backups and the
//!   integrity check still read them.
//!
//! Both happen in one bounded step at a time, between group-commit rounds: the round lock keeps
//! the flusher and online backups out meanwhile, and everything applied is durable by then.

use std::time::Duration;

use super::{Db, keys};
use crate::store::StoreError;

/// How often the background task looks for work (it does no I/O when there is none).
const TRIM_EVERY: Duration = Duration::from_secs(1);

/// The most events deleted in one step: a step holds writers up only briefly, and sled keeps the
/// garbage of a whole batch until it ends (see the sled store's `REMOVE_BATCH`, measured).
const PRUNE_BATCH: u64 = 64;

/// How much of each log the live store keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogBounds {
    /// Events kept for replay (at least one: the newest carries the sequence counter across
    /// restarts); older ones are deleted.
    pub events: u64,
    /// Audit records kept in the live store: once twice this many are there, the oldest this
    /// many move to a cold segment (never deleted).
    pub audit_live: u64,
}

/// What one step did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Trimmed {
    /// Events deleted.
    pub events_pruned: u64,
    /// Audit records moved to cold storage.
    pub audit_archived: u64,
}

impl Trimmed {
    fn is_nothing(&self) -> bool {
        *self == Self::default()
    }
}

impl Db {
    /// One bounded step of trimming: deletes up to [`PRUNE_BATCH`] events beyond the bound and
    /// archives one run of old audit records when one is due.
    pub async fn trim_logs(&self, bounds: LogBounds) -> Result<Trimmed, StoreError> {
        let inner = &self.inner;
        let _round = inner.flushing.lock().await;
        if inner.stop.is_cancelled() {
            return Ok(Trimmed::default());
        }
        let mut done = Trimmed::default();
        // Only published events: they are durable and every live watcher has them.
        let published = self.published_seq();
        let keep_from = published.saturating_sub(bounds.events.max(1)) + 1;
        // A start replays the events after the fact tables' checkpoint over it and checks the
        // one it ends with: those stay until the next checkpoint.
        let keep_from = keep_from.min(inner.facts_saved.load(std::sync::atomic::Ordering::SeqCst));
        let first = self.first_seq()?;
        if first < keep_from {
            let end = keep_from.min(first + PRUNE_BATCH);
            let batch = (first..end).map(|seq| (keys::event(seq), None)).collect();
            // Not flushed here: a removal lost in a crash is simply made again.
            let store = inner.store.clone();
            off_thread(move || store.apply(batch)).await?;
            done.events_pruned = end - first;
        }
        let run = bounds.audit_live.max(1);
        let seq_of = |key: Option<Vec<u8>>| key.as_deref().and_then(keys::trailing_u64);
        let newest = seq_of(
            inner
                .store
                .scan_rev(keys::AUDIT_PREFIX, None, 1)?
                .pop()
                .map(|(k, _)| k),
        )
        .unwrap_or(0);
        let archived = seq_of(inner.store.archived_through(keys::AUDIT_PREFIX)?).unwrap_or(0);
        if newest.saturating_sub(archived) >= 2 * run {
            let through = keys::audit(archived + run);
            let store = inner.store.clone();
            done.audit_archived =
                off_thread(move || store.archive(keys::AUDIT_PREFIX, &through)).await? as u64;
        }
        Ok(done)
    }
}

/// Runs store work on the blocking pool, as the flusher does, so a step never holds a runtime
/// worker.
async fn off_thread<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Engine(format!("a trimming task failed: {e}")))?
}

/// Trims the logs in the background until the database closes: every [`TRIM_EVERY`], steps
/// until nothing is left to do (after a restore many runs are due; writers get the round lock
/// between steps).
pub async fn run(db: Db, bounds: LogBounds) {
    let stop = db.inner.stop.clone();
    let mut tick = tokio::time::interval(TRIM_EVERY);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        loop {
            match db.trim_logs(bounds).await {
                Ok(done) if done.is_nothing() => break,
                Ok(done) => tracing::debug!(
                    events_pruned = done.events_pruned,
                    audit_archived = done.audit_archived,
                    "logs trimmed"
                ),
                Err(e) => {
                    tracing::error!(error = %e, "trimming the logs failed; trying again later");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use infogroups_shared::pb;

    use super::*;
    use crate::clock::Clock;
    use crate::store::{SledStore, Store};
    use crate::{backup, integrity};

    async fn rename(db: &Db, name: &str) -> Result<(), Box<dyn std::error::Error>> {
        db.write(7, |tx| {
            let mut t = tx.require::<pb::Territory>(1)?;
            t.name = name.into();
            tx.update_current(t, "update")
        })
        .await?;
        Ok(())
    }

    #[tokio::test]
    async fn old_events_go_and_old_audit_records_move_out_yet_stay_readable_backed_up_and_checked()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = Arc::new(SledStore::open(&dir.path().join("live"))?);
        let db = Db::open(store.clone(), Clock::manual(1_000), "t")?;
        db.write(7, |tx| {
            tx.create(
                pb::Territory {
                    name: "0".into(),
                    ..Default::default()
                },
                None,
            )
        })
        .await?;
        for i in 1..20 {
            rename(&db, &i.to_string()).await?;
        }
        let bounds = LogBounds {
            events: 5,
            audit_live: 4,
        };
        // The events after the fact tables' checkpoint (taken when the store opened, empty)
        // stay for the next start to replay, whatever the bound...
        assert_eq!(db.facts_checkpoint_seq(), Some(0));
        let held = db.trim_logs(bounds).await?;
        assert_eq!(held.events_pruned, 0);
        // ...until the tables are checkpointed again.
        db.checkpoint_facts().await;
        assert_eq!(db.facts_checkpoint_seq(), Some(20));
        let mut total = held;
        loop {
            let done = db.trim_logs(bounds).await?;
            if done.is_nothing() {
                break;
            }
            total.events_pruned += done.events_pruned;
            total.audit_archived += done.audit_archived;
        }
        // 20 events and audit records: the newest 5 events stay; audit records move in runs of
        // 4 while 8 or more are live.
        assert_eq!(total.events_pruned, 15);
        assert_eq!(total.audit_archived, 16);
        assert_eq!(db.first_seq()?, 16);
        let all = db.audit_before(0, 100, |_| true)?;
        assert_eq!(
            all.iter().map(|r| r.seq).collect::<Vec<_>>(),
            (1..=20).rev().collect::<Vec<_>>()
        );
        let page = db.audit_before(6, 3, |r| r.seq % 2 == 1)?;
        assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), [5, 3, 1]);
        assert_eq!(
            store.archived_through(keys::AUDIT_PREFIX)?,
            Some(keys::audit(16))
        );
        assert!(store.get(&keys::audit(2))?.is_some());

        let report = integrity::check(store.as_ref())?;
        assert_eq!((report.events, report.audits), ((16, 20), (1, 20)));
        let file = dir.path().join("b.igbak");
        let key = backup::BackupKey::new("a test passphrase")?.with_work_factor(4);
        let summary = backup::backup_online(&db, &file, &key).await?;
        assert_eq!(summary.last_seq, 20);
        // Writes go on after the archive, and the counters survive a reopen.
        rename(&db, "after").await?;
        db.close().await?;
        drop(db);
        let db = Db::open(store.clone(), Clock::manual(1_000), "t")?;
        rename(&db, "reopened").await?;
        assert_eq!(db.published_seq(), 22);
        assert_eq!(
            db.audit_before(0, 1, |_| true)?.first().map(|r| r.seq),
            Some(22)
        );
        db.close().await?;

        // The backup holds every audit record; restored elsewhere they are all live again, and
        // a restore over an archived store leaves none of its segments behind.
        let copy = SledStore::open(&dir.path().join("copy"))?;
        assert_eq!(backup::restore_store(&copy, &file, &key)?, summary.entries);
        assert_eq!(copy.archived_through(keys::AUDIT_PREFIX)?, None);
        assert_eq!(
            integrity::check(&copy)?.audits,
            (1, 20),
            "every audit record restored"
        );
        backup::restore_store(store.as_ref(), &file, &key)?;
        assert_eq!(store.archived_through(keys::AUDIT_PREFIX)?, None);
        assert_eq!(integrity::check(store.as_ref())?.audits, (1, 20));
        Ok(())
    }
}

//! The sled implementation of [`Store`]: one tree, atomic batches, explicit flush; archived
//! history in cold segment files beside it, merged into every read.
//!
//! Why the cold segments: sled 0.34's memory grows with the keys it holds (measured with bare
//! batches of two new keys each: 0.7 KiB per batch with the default cache, and still growing with
//! a 4 MB one), so an append-only log kept in the tree grows the server without bound. Moved into
//! segment files it costs no memory until read.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::cold::{Builder, Cold};
use super::wal::Wal;
use super::{CheckpointHook, Entry, Store, StoreError, Visitor, Write, prefix_end};

/// The directory of cold segments inside the data directory (sled leaves other names alone).
const ARCHIVE_DIR: &str = "archive";

/// Archived entries leave the engine this many per batch. sled keeps the garbage of a whole batch
/// until it ends, and the allocator keeps the peak: measured with bare sled, one batch removing
/// 8,192 keys raised the process by 30 MiB for good, batches of 16 to 128 by nothing noticeable,
/// batches of 512 by 8 MiB.
const REMOVE_BATCH: usize = 64;

/// sled's log file inside the data directory: every page it writes goes there.
const LOG_FILE: &str = "db";

/// sled's storage parameters, written once when the store is created and never synced by sled:
/// lost in a power cut, they would keep the store from opening.
const CONF_FILE: &str = "conf";

/// sled's directory of values too large for the log (a quarter of a segment and more).
const BLOB_DIR: &str = "blobs";

/// The store's own write-ahead log (see [`super::wal`]).
const WAL_FILE: &str = "wal";

/// The saved snapshot of derived state ([`Store::save_derived`]), and its name while written.
const DERIVED_FILE: &str = "derived";
const DERIVED_PARTIAL: &str = "derived.partial";

/// The write-ahead log is checkpointed into sled once it holds this much: what a start replays
/// is bounded by it (32 MiB replays in well under a second).
pub const CHECKPOINT_BYTES: u64 = 32 << 20;

/// sled's page cache when the configuration names none. sled's own default is 1 GiB, and it
/// fills it as a start reads the store: at a million appeals that alone exceeds the 300 MB a
/// server may hold after opening. Reads past the cache come from the page cache of the system.
pub const DEFAULT_CACHE_BYTES: u64 = 64 << 20;

/// sled 0.34 behind the [`Store`] trait, with a write-ahead log of its own in front.
///
/// Why: sled's flush ends with `sync_file_range` and leaves blob files unsynced, so it does not
/// make a write survive a power cut. Here [`Store::apply`] applies a batch to sled in memory and
/// stages it in the log; [`Store::flush`] writes the log and `fdatasync`s it — one device sync per
/// group commit. At a checkpoint sled is flushed and its files are synced (the log, the new blob
/// files, their directory), then the log starts again empty; a start replays what the log holds.
pub struct SledStore {
    db: sled::Db,
    cold: Cold,
    dir: PathBuf,
    /// sled's log, opened once for syncing at checkpoints.
    sled_log: File,
    /// Blob files already synced (their names), so each is synced once.
    synced_blobs: Mutex<HashSet<OsString>>,
    /// The write-ahead log; its lock also orders batches into sled as into the log.
    wal: Mutex<Wal>,
    /// Log size that triggers a checkpoint.
    checkpoint_bytes: u64,
    /// What runs after each checkpoint ([`Store::set_checkpoint_hook`]).
    hook: Mutex<Option<std::sync::Arc<dyn Fn() + Send + Sync>>>,
}

fn engine(e: sled::Error) -> StoreError {
    StoreError::Engine(e.to_string())
}

impl SledStore {
    /// Opens (or creates) the store in `dir`, replaying what its write-ahead log holds.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(dir, CHECKPOINT_BYTES, DEFAULT_CACHE_BYTES)
    }

    /// Like [`SledStore::open`], checkpointing whenever the log reaches `checkpoint_bytes`, with
    /// a page cache of `cache_bytes`.
    pub fn open_with(
        dir: &Path,
        checkpoint_bytes: u64,
        cache_bytes: u64,
    ) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)?;
        let started = std::time::Instant::now();
        // Flushing is ours (group commit); sled's own periodic flush would only add write stalls.
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(cache_bytes)
            .flush_every_ms(None)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock => {
                    StoreError::Locked(dir.display().to_string())
                }
                sled::Error::Io(io) if io.to_string().contains("lock") => {
                    StoreError::Locked(dir.display().to_string())
                }
                other => engine(other),
            })?;
        tracing::debug!(ms = started.elapsed().as_millis() as u64, "sled opened");
        // Opened after sled, whose lock keeps a second process out of the segments too.
        let cold = Cold::open(dir.join(ARCHIVE_DIR))?;
        let sled_log = File::open(dir.join(LOG_FILE))?;
        let (wal, replay) = Wal::open(&dir.join(WAL_FILE))?;
        let store = Self {
            db,
            cold,
            dir: dir.to_path_buf(),
            sled_log,
            synced_blobs: Mutex::new(HashSet::new()),
            wal: Mutex::new(wal),
            checkpoint_bytes,
            hook: Mutex::new(None),
        };
        // In log order: whatever part of these sled already held, the result is the same.
        let replayed = replay.len();
        for batch in replay {
            store.db.apply_batch(sled_batch(batch)).map_err(engine)?;
        }
        if replayed > 0 {
            tracing::info!(batches = replayed, "write-ahead log replayed");
        }
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            "archive opened, write-ahead log read and replayed"
        );
        // Also makes a store created just now durable, its files' directory entries included.
        File::open(dir.join(CONF_FILE))?.sync_all()?;
        store.checkpoint(&mut *store.wal()?)?;
        sync_dir(dir)?;
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            "store opened and checkpointed"
        );
        Ok(store)
    }

    /// How many commits synced the write-ahead log to the device since the store was opened: one
    /// per group commit.
    pub fn wal_syncs(&self) -> Result<u64, StoreError> {
        Ok(self.wal()?.syncs())
    }

    /// Commits what was applied and checkpoints now, whatever the log holds: the store is then
    /// closed with nothing for the next open to replay.
    pub fn checkpoint_now(&self) -> Result<(), StoreError> {
        let mut wal = self.wal()?;
        wal.commit()?;
        self.checkpoint(&mut wal)
    }

    /// Makes sled's state durable and empties the log: sled's flush, then a sync of its files.
    fn checkpoint(&self, wal: &mut Wal) -> Result<(), StoreError> {
        self.db.flush().map_err(engine)?;
        self.sync_blobs()?;
        self.sled_log.sync_data()?;
        wal.reset()?;
        // Taken out of the lock first: the hook may read the store.
        let hook = self.hook.lock().ok().and_then(|h| h.clone());
        if let Some(hook) = hook {
            hook();
        }
        Ok(())
    }

    fn wal(&self) -> Result<MutexGuard<'_, Wal>, StoreError> {
        self.wal
            .lock()
            .map_err(|_| StoreError::Engine("write-ahead log lock poisoned".into()))
    }

    /// Syncs every blob file sled wrote since the last call, then the blob directory.
    fn sync_blobs(&self) -> Result<(), StoreError> {
        let blobs = self.dir.join(BLOB_DIR);
        let entries = match std::fs::read_dir(&blobs) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let mut synced = self
            .synced_blobs
            .lock()
            .map_err(|_| StoreError::Engine("blob list lock poisoned".into()))?;
        let mut live = HashSet::new();
        let mut wrote = false;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            if !synced.contains(&name) {
                match File::open(entry.path()) {
                    Ok(f) => f.sync_data()?,
                    // sled removed it between the listing and the open: nothing to keep.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(e.into()),
                }
                wrote = true;
            }
            live.insert(name);
        }
        if wrote || live.len() != synced.len() {
            sync_dir(&blobs)?;
        }
        *synced = live;
        Ok(())
    }

    fn hot_scan(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        use std::ops::Bound;
        let start = match after {
            Some(a) => Bound::Excluded(a.to_vec()),
            None => Bound::Included(prefix.to_vec()),
        };
        let end = match prefix_end(prefix) {
            Some(e) => Bound::Excluded(e),
            None => Bound::Unbounded,
        };
        let mut out = Vec::new();
        for item in self.db.range::<Vec<u8>, _>((start, end)).take(limit) {
            let (k, v) = item.map_err(engine)?;
            out.push((k.to_vec(), v.to_vec()));
        }
        Ok(out)
    }

    fn hot_scan_rev(
        &self,
        prefix: &[u8],
        before: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        use std::ops::Bound;
        let start = Bound::Included(prefix.to_vec());
        let end = match (before, prefix_end(prefix)) {
            (Some(b), _) => Bound::Excluded(b.to_vec()),
            (None, Some(e)) => Bound::Excluded(e),
            (None, None) => Bound::Unbounded,
        };
        let mut out = Vec::new();
        for item in self.db.range::<Vec<u8>, _>((start, end)).rev().take(limit) {
            let (k, v) = item.map_err(engine)?;
            out.push((k.to_vec(), v.to_vec()));
        }
        Ok(out)
    }
}

/// A batch in sled's form.
fn sled_batch(batch: Vec<Write>) -> sled::Batch {
    let mut b = sled::Batch::default();
    for (k, v) in batch {
        match v {
            Some(v) => b.insert(k, v),
            None => b.remove(k),
        }
    }
    b
}

/// Makes a directory's entries (files created or removed in it) durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

/// The first `limit` of the union of two pages in the scan's direction; on a key both hold (an
/// archive cut short before the engine dropped its copy) the engine's value is kept.
fn merge(hot: Vec<Entry>, cold: Vec<Entry>, limit: usize, descending: bool) -> Vec<Entry> {
    if cold.is_empty() {
        return hot;
    }
    let mut all: BTreeMap<Vec<u8>, Vec<u8>> = cold.into_iter().collect();
    all.extend(hot);
    if descending {
        all.into_iter().rev().take(limit).collect()
    } else {
        all.into_iter().take(limit).collect()
    }
}

impl Store for SledStore {
    // Reads take the engine's page first and the segments after: an entry leaves the engine only
    // once its segment is listed, so whatever the first read missed, the second finds.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.db.get(key).map_err(engine)? {
            Some(v) => Ok(Some(v.to_vec())),
            None => self.cold.get(key),
        }
    }

    fn scan(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        let hot = self.hot_scan(prefix, after, limit)?;
        // A full page ends the answer at its last key; only archived keys before it can matter.
        let before = (hot.len() == limit).then(|| hot.last().map(|(k, _)| k.clone()));
        let cold = self
            .cold
            .scan(prefix, after, before.flatten().as_deref(), limit)?;
        Ok(merge(hot, cold, limit, false))
    }

    fn scan_rev(
        &self,
        prefix: &[u8],
        before: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        let hot = self.hot_scan_rev(prefix, before, limit)?;
        let after = (hot.len() == limit).then(|| hot.last().map(|(k, _)| k.clone()));
        let cold = self
            .cold
            .scan_rev(prefix, before, after.flatten().as_deref(), limit)?;
        Ok(merge(hot, cold, limit, true))
    }

    fn apply(&self, batch: Vec<Write>) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut wal = self.wal()?;
        let mark = wal.staged_len();
        wal.stage(&batch)?;
        if let Err(e) = self.db.apply_batch(sled_batch(batch)) {
            wal.unstage_to(mark);
            return Err(engine(e));
        }
        Ok(())
    }

    fn flush(&self) -> Result<(), StoreError> {
        let mut wal = self.wal()?;
        wal.commit()?;
        if wal.synced_len() >= self.checkpoint_bytes {
            self.checkpoint(&mut wal)?;
        }
        Ok(())
    }

    fn for_each(&self, f: Visitor<'_>) -> Result<(), StoreError> {
        let mut cold = self.cold.cursor()?;
        for item in self.db.iter() {
            let (k, v) = item.map_err(engine)?;
            // Archived entries before this key first; a key in both is visited once, as the
            // engine holds it.
            while let Some(order) = cold.peek_key()?.map(|c| c.cmp(&k)) {
                match order {
                    std::cmp::Ordering::Less => {
                        if let Some((ck, cv)) = cold.take() {
                            f(&ck, &cv)?;
                        }
                    }
                    std::cmp::Ordering::Equal => {
                        cold.take();
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            f(&k, &v)?;
        }
        while cold.peek_key()?.is_some() {
            if let Some((ck, cv)) = cold.take() {
                f(&ck, &cv)?;
            }
        }
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        let mut wal = self.wal()?;
        self.cold.clear()?;
        self.db.clear().map_err(engine)?;
        self.checkpoint(&mut wal)?;
        // After the checkpoint, whose hook could save the old state again.
        match std::fs::remove_file(self.dir.join(DERIVED_FILE)) {
            Ok(()) => sync_dir(&self.dir),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn archive(&self, prefix: &[u8], through: &[u8]) -> Result<usize, StoreError> {
        if !through.starts_with(prefix) {
            return Ok(0);
        }
        // Entries an earlier archive wrote but did not get to drop from the engine (a crash in
        // between) are not written twice.
        let archived = self.cold.last_under(prefix)?;
        let mut segment = Builder::new();
        for item in self.db.range::<&[u8], _>(prefix..=through) {
            let (k, v) = item.map_err(engine)?;
            if archived.as_deref().is_none_or(|a| &*k > a) {
                segment.push(&k, &v)?;
            }
        }
        let moved = segment.len();
        self.cold.write(segment)?;
        // Only now that the segment is durable do the entries leave the engine, in small batches
        // (one atomic removal is not needed: a key in both places reads once). The removal is
        // not logged: it becomes durable at the next checkpoint, and until then a crash (or a
        // replay of the log) just leaves both copies.
        loop {
            let batch_keys = self
                .db
                .range::<&[u8], _>(prefix..=through)
                .keys()
                .take(REMOVE_BATCH)
                .collect::<Result<Vec<_>, _>>()
                .map_err(engine)?;
            if batch_keys.is_empty() {
                break;
            }
            let mut batch = sled::Batch::default();
            for k in batch_keys {
                batch.remove(k);
            }
            self.db.apply_batch(batch).map_err(engine)?;
        }
        usize::try_from(moved).map_err(|e| StoreError::Engine(e.to_string()))
    }

    fn archived_through(&self, prefix: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.cold.last_under(prefix)
    }

    fn set_checkpoint_hook(&self, hook: CheckpointHook) {
        if let Ok(mut h) = self.hook.lock() {
            *h = Some(std::sync::Arc::from(hook));
        }
    }

    fn save_derived(&self, bytes: &[u8]) -> Result<(), StoreError> {
        save_derived_in(&self.dir, bytes)
    }

    fn load_derived(&self) -> Result<Option<Vec<u8>>, StoreError> {
        load_derived_in(&self.dir)
    }
}

/// Durably replaces the derived-state snapshot in the data directory `dir` (see
/// [`Store::save_derived`]). It is a file beside sled's, so it needs no handle on the engine.
pub(crate) fn save_derived_in(dir: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    use std::io::Write as _;
    let partial = dir.join(DERIVED_PARTIAL);
    let mut file = File::create(&partial)?;
    file.write_all(bytes)?;
    file.sync_data()?;
    std::fs::rename(&partial, dir.join(DERIVED_FILE))?;
    sync_dir(dir)
}

/// The derived-state snapshot [`save_derived_in`] saved last in `dir`, if any.
pub(crate) fn load_derived_in(dir: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match std::fs::read(dir.join(DERIVED_FILE)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_respect_prefix_bounds_and_direction() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let s = SledStore::open(dir.path())?;
        s.apply(vec![
            (b"a/1".to_vec(), Some(b"x".to_vec())),
            (b"b/1".to_vec(), Some(b"1".to_vec())),
            (b"b/2".to_vec(), Some(b"2".to_vec())),
            (b"b/3".to_vec(), Some(b"3".to_vec())),
            (b"c/1".to_vec(), Some(b"y".to_vec())),
        ])?;
        let all = s.scan(b"b/", None, 10)?;
        assert_eq!(all.len(), 3);
        let after = s.scan(b"b/", Some(b"b/1"), 10)?;
        assert_eq!(after[0].0, b"b/2");
        let rev = s.scan_rev(b"b/", None, 2)?;
        assert_eq!(rev[0].0, b"b/3");
        assert_eq!(rev[1].0, b"b/2");
        let before = s.scan_rev(b"b/", Some(b"b/2"), 10)?;
        assert_eq!(before.len(), 1);
        s.apply(vec![(b"b/2".to_vec(), None)])?;
        assert_eq!(s.get(b"b/2")?, None);
        s.flush()?;
        Ok(())
    }

    #[test]
    fn every_flush_syncs_the_log_once_and_a_checkpoint_syncs_each_new_blob()
    -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let s = SledStore::open(dir.path())?;
        let before = s.wal_syncs()?;
        for i in 0u8..3 {
            s.apply(vec![(vec![b'k', i], Some(vec![i; 16]))])?;
            s.flush()?;
        }
        assert_eq!(s.wal_syncs()? - before, 3);
        // Nothing applied: nothing to sync.
        s.flush()?;
        assert_eq!(s.wal_syncs()? - before, 3);
        // Larger than a quarter of sled's segment: sled writes it as a blob file of its own.
        s.apply(vec![(b"big".to_vec(), Some(vec![7; 300 * 1024]))])?;
        s.flush()?;
        s.checkpoint(&mut *s.wal()?)?;
        let on_disk = std::fs::read_dir(dir.path().join(BLOB_DIR))?.count();
        assert!(on_disk > 0, "sled wrote no blob file");
        let synced = s
            .synced_blobs
            .lock()
            .map_err(|_| StoreError::Engine("poisoned".into()))?
            .len();
        assert_eq!(synced, on_disk);
        assert_eq!(std::fs::metadata(dir.path().join(WAL_FILE))?.len(), 0);
        Ok(())
    }

    /// Copies the files of a store directory (no subdirectories but sled's blobs).
    fn copy_dir(from: &Path, to: &Path) -> Result<(), StoreError> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy_dir(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), target)?;
            }
        }
        Ok(())
    }

    /// A power cut keeps on the device only what was synced: sled's files as the last checkpoint
    /// synced them, and the write-ahead log up to its last sync (plus, here, a torn half record).
    /// Everything flushed after the checkpoint must come back; what was applied but never
    /// flushed was never acknowledged.
    #[test]
    fn after_a_power_cut_every_flushed_batch_is_back() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let live = dir.path().join("live");
        let device = dir.path().join("device");
        let s = SledStore::open_with(&live, u64::MAX, DEFAULT_CACHE_BYTES)?;
        let key = |i: u32| format!("k/{i:05}").into_bytes();
        for i in 0..200 {
            s.apply(vec![(key(i), Some(vec![1; 100]))])?;
        }
        s.flush()?;
        s.checkpoint(&mut *s.wal()?)?;
        // What the device holds of sled from now on, whatever sled writes later.
        copy_dir(&live, &device)?;
        std::fs::remove_file(device.join(WAL_FILE))?;
        for i in 100..400 {
            // Overwrites, removals and new keys after the checkpoint, flushed in groups of ten.
            let value = if i % 7 == 0 { None } else { Some(vec![2; 100]) };
            s.apply(vec![(key(i), value)])?;
            if i % 10 == 9 {
                s.flush()?;
            }
        }
        s.apply(vec![(key(1000), Some(vec![3; 100]))])?;
        let synced = s.wal()?.synced_len();
        let mut log = std::fs::read(live.join(WAL_FILE))?;
        log.truncate(usize::try_from(synced).map_err(|e| StoreError::Engine(e.to_string()))?);
        log.extend_from_slice(&[200, 0, 0, 0, 9, 9, 9, 9, 1]);
        std::fs::write(device.join(WAL_FILE), &log)?;
        drop(s);

        let back = SledStore::open(&device)?;
        for i in 0..400 {
            let expected = match i {
                0..100 => Some(vec![1; 100]),
                _ if i % 7 == 0 => None,
                _ => Some(vec![2; 100]),
            };
            assert_eq!(back.get(&key(i))?, expected, "key {i}");
        }
        assert_eq!(
            back.get(&key(1000))?,
            None,
            "never flushed, never acknowledged"
        );
        // The replay was checkpointed: a second start finds the same with an empty log.
        drop(back);
        let again = SledStore::open(&device)?;
        assert_eq!(std::fs::metadata(device.join(WAL_FILE))?.len(), 0);
        assert_eq!(again.get(&key(398))?, Some(vec![2; 100]));
        Ok(())
    }

    #[test]
    fn a_second_open_of_the_same_directory_is_refused() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let _first = SledStore::open(dir.path())?;
        assert!(SledStore::open(dir.path()).is_err());
        Ok(())
    }
}

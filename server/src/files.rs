//! The server's files on disk: who may read them, and rewriting the store so that versions a
//! depersonalisation redacted leave the disk.
//!
//! The data directory holds every citizen's personal data, and the README's SSH setup puts all
//! staff on the server's host: the directory is 0700 and its files 0600, created so (the server
//! runs with umask 077) and fixed, with a warning, when an existing one is looser.
//!
//! A depersonalisation redacts in place, but sled keeps overwritten values in its log until it
//! cleans the segment, and archived segments are immutable; so it marks the store, and the
//! store is rewritten into a fresh directory holding only current values: at the next start
//! ([`open_store`]), and while serving by [`LiveStore::rewrite_if_marked`], which the server runs
//! every `store_rewrite_every` (10 minutes by default).
//!
//! sled 0.34 writes the snapshot of its page table only when it opens (`snapshot_after_ops` is a
//! no-op and the snapshot code has no other caller), so an open scans all of sled's log written
//! since the previous open: 7.4 s at a million appeals right after they were written. So the
//! served store is also reopened in place of itself once [`REOPEN_BYTES`] were written since it
//! was last opened ([`LiveStore::reopen_if_due`], run by [`run_reopens`]): a start after months
//! of serving then scans at most that much.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::depersonalise::COMPACT_DUE;
use crate::store::{
    CHECKPOINT_BYTES, CheckpointHook, Entry, SledStore, Store, StoreError, Visitor, Write,
    load_derived_in, save_derived_in,
};

/// The served store is reopened once batches of this many bytes (keys and values) were applied
/// since it was last opened. sled's log grows by about twice what is applied, and an open scans
/// that log at about 4 ms per MiB (7.41 s for 1.9 GB at a million appeals), so a start after
/// this much scans well under half a second; a reopen holds writers for what an open of the
/// store costs (see the README's "Open, memory and disk at 1M appeals").
pub const REOPEN_BYTES: u64 = 64 << 20;

/// Makes every file the process creates from now on private to its owner. Process-wide: the
/// server writes nothing that others should read.
pub fn private_umask() {
    // SAFETY: umask only swaps the process's file-mode mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `dir` 0700, or tightens it and everything in it: directories to 0700, files to 0600.
/// Returns how many entries were looser than that (each was logged).
pub fn secure_dir(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut fixed = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            continue;
        }
        let want = if meta.is_dir() { 0o700 } else { 0o600 };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format!("{mode:o}"),
                "the store was readable by other accounts; made private"
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(want))?;
            fixed += 1;
        }
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path)? {
                todo.push(entry?.path());
            }
        }
    }
    Ok(fixed)
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Finishes or undoes a rewrite a crash interrupted: with the old directory already moved aside
/// the new one is complete and takes its place; otherwise a half-written new one is dropped.
fn recover(dir: &Path) -> std::io::Result<()> {
    let new = sibling(dir, ".compacting");
    let old = sibling(dir, ".superseded");
    if !dir.exists() && new.exists() {
        std::fs::rename(&new, dir)?;
    }
    if new.exists() {
        std::fs::remove_dir_all(&new)?;
    }
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

/// Opens the store in `dir`; when a depersonalisation marked it, first rewrites it into a fresh
/// directory holding only the current value of every key and swaps that in: the old files, with
/// the versions sled and the archive segments still held, are deleted. Run before the store
/// serves (so at the next start after a depersonalisation). sled's page cache holds `cache_bytes`.
pub fn open_store(dir: &Path, cache_bytes: u64) -> Result<SledStore, StoreError> {
    recover(dir)?;
    // A store this process closed a moment ago (a refused start, a restart in tests) may still
    // be held by sled's threads; another live server keeps it, and is refused after the wait.
    let store = reopen(dir, cache_bytes)?;
    if store.get(COMPACT_DUE)?.is_none() {
        return Ok(store);
    }
    let new = sibling(dir, ".compacting");
    {
        let to = SledStore::open(&new)?;
        copy_current(&store, &to)?;
    }
    drop(store);
    swap_in(dir)?;
    reopen(dir, cache_bytes)
}

/// Copies the current value of every key but the mark into `to` and makes it durable.
fn copy_current(from: &dyn Store, to: &SledStore) -> Result<u64, StoreError> {
    let mut batch = Vec::new();
    let mut entries = 0u64;
    from.for_each(&mut |k, v| {
        if k != COMPACT_DUE {
            batch.push((k.to_vec(), Some(v.to_vec())));
            entries += 1;
        }
        if batch.len() >= 4096 {
            // Flushed as it goes: the write-ahead log then holds one batch at a time and
            // checkpoints into the new store, instead of staging the whole store in memory.
            to.apply(std::mem::take(&mut batch))?;
            to.flush()?;
        }
        Ok(())
    })?;
    to.apply(batch)?;
    to.flush()?;
    Ok(entries)
}

/// Puts the complete rewrite in `dir`'s place and deletes the old files. A crash in between is
/// finished by [`recover`] at the next start.
fn swap_in(dir: &Path) -> std::io::Result<()> {
    let old = sibling(dir, ".superseded");
    std::fs::rename(dir, &old)?;
    std::fs::rename(sibling(dir, ".compacting"), dir)?;
    std::fs::remove_dir_all(&old)?;
    tracing::info!("store rewritten without the versions a depersonalisation redacted");
    Ok(())
}

/// The store the server serves from, rewritten in place of itself while serving once a
/// depersonalisation marked it. Writers are held only for the last step: the copy runs beside
/// them, the keys they write meanwhile are noted, and at the end, with writes stopped, only
/// those keys are copied again before the new files take the old ones' place.
pub struct LiveStore {
    dir: PathBuf,
    cache_bytes: u64,
    /// `None` only while the files are swapped, with the lock held for writing.
    current: RwLock<Option<SledStore>>,
    /// The keys written since a rewrite began copying; `None` when none runs.
    written: Mutex<Option<BTreeSet<Vec<u8>>>>,
    /// One rewrite at a time; archiving waits for it (an entry moved to cold storage while the
    /// copy runs could be missed).
    rewriting: Mutex<()>,
    rewrites: tokio::sync::watch::Sender<u64>,
    /// The checkpoint hook, kept to be set again on the store a rewrite reopens.
    hook: Mutex<Option<Arc<dyn Fn() + Send + Sync>>>,
    /// Bytes applied since the store was last opened; changed under the read lock of `current`
    /// by writers and reset under its write lock, so a reopen resets exactly what it covers.
    since_open: AtomicU64,
    /// How many applied bytes make a reopen due ([`REOPEN_BYTES`] unless a test says less).
    reopen_bytes: u64,
    /// Woken by the flush that makes a reopen due; [`run_reopens`] waits on it.
    reopen_due: tokio::sync::Notify,
    reopens: tokio::sync::watch::Sender<u64>,
    /// Held while the derived-state snapshot is written, and by a rewrite while the directory is
    /// swapped. Not the lock of `current`: the snapshot is saved from the checkpoint hook, inside
    /// a flush that holds that lock already, and a second read of a lock a reopen waits to write
    /// would never be granted.
    derived: Mutex<()>,
}

fn unavailable() -> StoreError {
    StoreError::Engine("the store is being reopened after a failed rewrite".into())
}

impl LiveStore {
    /// Opens the store in `dir` as [`open_store`] does (rewriting it first when marked).
    pub fn open(dir: &Path, cache_bytes: u64) -> Result<Self, StoreError> {
        Self::open_with(dir, cache_bytes, REOPEN_BYTES)
    }

    /// Like [`LiveStore::open`], with a reopen due after `reopen_bytes` applied.
    pub fn open_with(dir: &Path, cache_bytes: u64, reopen_bytes: u64) -> Result<Self, StoreError> {
        let store = open_store(dir, cache_bytes)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            cache_bytes,
            current: RwLock::new(Some(store)),
            written: Mutex::new(None),
            rewriting: Mutex::new(()),
            rewrites: tokio::sync::watch::Sender::new(0),
            hook: Mutex::new(None),
            since_open: AtomicU64::new(0),
            reopen_bytes,
            reopen_due: tokio::sync::Notify::new(),
            reopens: tokio::sync::watch::Sender::new(0),
            derived: Mutex::new(()),
        })
    }

    /// Counts the reopens done while serving: a test waits on it instead of sleeping.
    pub fn reopens(&self) -> tokio::sync::watch::Receiver<u64> {
        self.reopens.subscribe()
    }

    /// Serves from `store`, a store just opened: with the checkpoint hook, and nothing applied
    /// since its open. Called with the write lock of `current` held.
    fn serve(&self, current: &mut Option<SledStore>, store: SledStore) -> Result<(), StoreError> {
        if let Some(hook) = self.hook.lock().map_err(|_| unavailable())?.clone() {
            store.set_checkpoint_hook(Box::new(move || hook()));
        }
        *current = Some(store);
        self.since_open.store(0, Ordering::SeqCst);
        Ok(())
    }

    /// Closes the store and opens it again, so that sled writes its page-table snapshot, once
    /// [`REOPEN_BYTES`] were applied since it was last opened; returns whether it did. Writers
    /// and readers wait meanwhile (for as long as an open of the store takes) and see no error:
    /// everything applied is committed and checkpointed before the old handle closes, so the
    /// new one has nothing to replay, and a write acknowledged before is in the files either way.
    pub fn reopen_if_due(&self) -> Result<bool, StoreError> {
        let _one = self.rewriting.lock().map_err(|_| unavailable())?;
        if self.since_open.load(Ordering::SeqCst) < self.reopen_bytes {
            return Ok(false);
        }
        let mut current = self.current.write().map_err(|_| unavailable())?;
        let held = std::time::Instant::now();
        let applied = self.since_open.load(Ordering::SeqCst);
        let old = current.take().ok_or_else(unavailable)?;
        // The hook saves through this LiveStore, and the checkpoint below is no round of the
        // database's: its fact tables are saved at the next one.
        old.set_checkpoint_hook(Box::new(|| {}));
        let closed = old.checkpoint_now();
        drop(old);
        // A failed checkpoint leaves the write-ahead log, which the open replays.
        let reopened = reopen(&self.dir, self.cache_bytes)?;
        self.serve(&mut current, reopened)?;
        drop(current);
        closed?;
        tracing::info!(
            applied_mib = applied >> 20,
            writers_held_ms = held.elapsed().as_millis() as u64,
            "store reopened so that its engine saves its page table"
        );
        self.reopens.send_modify(|n| *n += 1);
        Ok(true)
    }

    /// Counts the rewrites done while serving: a test waits on it instead of sleeping.
    pub fn rewrites(&self) -> tokio::sync::watch::Receiver<u64> {
        self.rewrites.subscribe()
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&SledStore) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let guard = self.current.read().map_err(|_| unavailable())?;
        f(guard.as_ref().ok_or_else(unavailable)?)
    }

    /// Rewrites the files when a depersonalisation marked them; returns whether it did.
    pub fn rewrite_if_marked(&self) -> Result<bool, StoreError> {
        let _one = self.rewriting.lock().map_err(|_| unavailable())?;
        if self.get(COMPACT_DUE)?.is_none() {
            return Ok(false);
        }
        let new = sibling(&self.dir, ".compacting");
        if new.exists() {
            std::fs::remove_dir_all(&new)?;
        }
        {
            // With no write in flight: each one from here on is either seen by the copy or noted.
            let _writes_stopped = self.current.write().map_err(|_| unavailable())?;
            *self.written.lock().map_err(|_| unavailable())? = Some(BTreeSet::new());
        }
        let copied = SledStore::open(&new).and_then(|to| {
            self.with(|from| copy_current(from, &to))?;
            Ok(to)
        });
        let to = match copied {
            Ok(to) => to,
            Err(e) => {
                *self.written.lock().map_err(|_| unavailable())? = None;
                return Err(e);
            }
        };
        let mut current = self.current.write().map_err(|_| unavailable())?;
        let written = self
            .written
            .lock()
            .map_err(|_| unavailable())?
            .take()
            .unwrap_or_default();
        let held = std::time::Instant::now();
        // No derived-state snapshot is written into a directory being moved aside.
        let derived = self.derived.lock().map_err(|_| unavailable())?;
        let swapped = (|| -> Result<(), StoreError> {
            let old = current.take().ok_or_else(unavailable)?;
            // The hook saves through this LiveStore, whose lock is held here: the old files get
            // none (their derived state would be left behind by the swap anyway).
            old.set_checkpoint_hook(Box::new(|| {}));
            // A depersonalisation that came meanwhile marked the store again (its key is among
            // those written): the new files hold the values it replaced, so the mark stays.
            let batch = written
                .iter()
                .map(|k| Ok((k.clone(), old.get(k)?)))
                .collect::<Result<Vec<Write>, StoreError>>()?;
            to.apply(batch)?;
            to.flush()?;
            old.flush()?;
            drop(old);
            drop(to);
            swap_in(&self.dir)?;
            Ok(())
        })();
        // Whatever happened, the directory is made whole again and served from.
        if swapped.is_err() {
            recover(&self.dir)?;
        }
        drop(derived);
        let reopened = reopen(&self.dir, self.cache_bytes)?;
        self.serve(&mut current, reopened)?;
        drop(current);
        swapped?;
        tracing::info!(
            keys_written_meanwhile = written.len(),
            writers_held_ms = held.elapsed().as_millis() as u64,
            "store rewritten while serving"
        );
        self.rewrites.send_modify(|n| *n += 1);
        Ok(true)
    }
}

impl Store for LiveStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|s| s.get(key))
    }
    fn scan(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        self.with(|s| s.scan(prefix, after, limit))
    }
    fn scan_rev(
        &self,
        prefix: &[u8],
        before: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        self.with(|s| s.scan_rev(prefix, before, limit))
    }
    fn apply(&self, batch: Vec<Write>) -> Result<(), StoreError> {
        self.with(|s| {
            // Noted under the same read lock the write takes: the swap sees every key.
            if let Some(keys) = self.written.lock().map_err(|_| unavailable())?.as_mut() {
                keys.extend(batch.iter().map(|(k, _)| k.clone()));
            }
            let bytes: usize = batch
                .iter()
                .map(|(k, v)| k.len() + v.as_ref().map_or(0, Vec::len))
                .sum();
            s.apply(batch)?;
            self.since_open.fetch_add(bytes as u64, Ordering::SeqCst);
            Ok(())
        })
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.with(|s| s.flush())?;
        if self.since_open.load(Ordering::SeqCst) >= self.reopen_bytes {
            self.reopen_due.notify_one();
        }
        Ok(())
    }
    fn for_each(&self, f: Visitor<'_>) -> Result<(), StoreError> {
        self.with(|s| s.for_each(f))
    }
    fn clear(&self) -> Result<(), StoreError> {
        self.with(|s| s.clear())
    }
    fn archive(&self, prefix: &[u8], through: &[u8]) -> Result<usize, StoreError> {
        let _not_while_rewriting = self.rewriting.lock().map_err(|_| unavailable())?;
        self.with(|s| s.archive(prefix, through))
    }
    fn archived_through(&self, prefix: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|s| s.archived_through(prefix))
    }
    fn set_checkpoint_hook(&self, hook: CheckpointHook) {
        let hook: Arc<dyn Fn() + Send + Sync> = Arc::from(hook);
        if let Ok(mut kept) = self.hook.lock() {
            *kept = Some(hook.clone());
        }
        // A rewrite in progress sets it on the store it reopens.
        let _ = self.with(|s| {
            s.set_checkpoint_hook(Box::new(move || hook()));
            Ok(())
        });
    }
    fn save_derived(&self, bytes: &[u8]) -> Result<(), StoreError> {
        let _not_while_swapped = self.derived.lock().map_err(|_| unavailable())?;
        save_derived_in(&self.dir, bytes)
    }
    fn load_derived(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let _not_while_swapped = self.derived.lock().map_err(|_| unavailable())?;
        load_derived_in(&self.dir)
    }
}

/// Rewrites the store every `every` while the server serves, when a depersonalisation marked
/// it: a depersonalised citizen's old data leaves the store files within `every` (and the time
/// one rewrite takes). Ends with `stop`.
pub async fn run_rewrites(store: Arc<LiveStore>, every: Duration, stop: CancellationToken) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        let store = store.clone();
        match tokio::task::spawn_blocking(move || store.rewrite_if_marked()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                tracing::error!(error = %e, "rewriting the store failed; tried again later")
            }
            Err(e) => tracing::error!(error = %e, "the store rewrite task failed"),
        }
    }
}

/// Reopens the store each time a flush finds [`REOPEN_BYTES`] applied since its last open (see
/// [`LiveStore::reopen_if_due`]). Ends with `stop`.
pub async fn run_reopens(store: Arc<LiveStore>, stop: CancellationToken) {
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = store.reopen_due.notified() => {}
        }
        let store = store.clone();
        match tokio::task::spawn_blocking(move || store.reopen_if_due()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                tracing::error!(error = %e, "reopening the store failed; tried again later")
            }
            Err(e) => tracing::error!(error = %e, "the store reopen task failed"),
        }
    }
}

/// Opens a store that was closed a moment ago: sled's background threads let go of its lock
/// shortly after the handle is dropped.
fn reopen(dir: &Path, cache_bytes: u64) -> Result<SledStore, StoreError> {
    let mut tries = 0;
    loop {
        match SledStore::open_with(dir, CHECKPOINT_BYTES, cache_bytes) {
            Err(StoreError::Locked(_)) if tries < 500 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loose_directory_is_made_private() -> std::io::Result<()> {
        let top = tempfile::tempdir()?;
        let dir = top.path().join("data");
        std::fs::create_dir(&dir)?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        let file = dir.join("db");
        std::fs::write(&file, b"x")?;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644))?;
        assert_eq!(secure_dir(&dir)?, 2);
        let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode(&dir)?, 0o700);
        assert_eq!(mode(&file)?, 0o600);
        assert_eq!(secure_dir(&dir)?, 0, "nothing left to fix");
        Ok(())
    }

    #[test]
    fn a_marked_store_is_rewritten_with_only_current_values() -> Result<(), StoreError> {
        let top = tempfile::tempdir()?;
        let dir = top.path().join("data");
        {
            let s = SledStore::open(&dir)?;
            s.apply(vec![(b"k".to_vec(), Some("Кравченко".as_bytes().to_vec()))])?;
            s.flush()?;
            s.apply(vec![
                (b"k".to_vec(), Some(b"redacted".to_vec())),
                (COMPACT_DUE.to_vec(), Some(vec![1])),
            ])?;
            s.flush()?;
        }
        let s = open_store(&dir, crate::store::DEFAULT_CACHE_BYTES)?;
        assert_eq!(s.get(b"k")?, Some(b"redacted".to_vec()));
        assert_eq!(s.get(COMPACT_DUE)?, None);
        drop(s);
        assert_eq!(holding(&dir, "Кравченко")?, Vec::<String>::new());
        Ok(())
    }

    /// The files under `dir` that hold `needle`.
    fn holding(dir: &Path, needle: &str) -> std::io::Result<Vec<String>> {
        let needle = needle.as_bytes();
        let mut found = Vec::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(p) = todo.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p)? {
                    todo.push(e?.path());
                }
            } else if std::fs::read(&p)?
                .windows(needle.len())
                .any(|w| w == needle)
            {
                found.push(p.display().to_string());
            }
        }
        Ok(found)
    }

    #[test]
    fn a_marked_store_is_rewritten_while_it_serves_and_serves_on() -> Result<(), StoreError> {
        let top = tempfile::tempdir()?;
        let dir = top.path().join("data");
        let live = LiveStore::open(&dir, crate::store::DEFAULT_CACHE_BYTES)?;
        assert!(
            !live.rewrite_if_marked()?,
            "an unmarked store is left alone"
        );
        live.apply(vec![(b"k".to_vec(), Some("Кравченко".as_bytes().to_vec()))])?;
        live.flush()?;
        live.apply(vec![
            (b"k".to_vec(), Some(b"redacted".to_vec())),
            (COMPACT_DUE.to_vec(), Some(vec![1])),
        ])?;
        live.flush()?;
        assert!(
            !holding(&dir, "Кравченко")?.is_empty(),
            "sled kept the old value"
        );
        let rewrites = live.rewrites();
        assert!(live.rewrite_if_marked()?);
        assert_eq!(*rewrites.borrow(), 1);
        assert_eq!(live.get(b"k")?, Some(b"redacted".to_vec()));
        assert_eq!(live.get(COMPACT_DUE)?, None);
        assert_eq!(holding(&dir, "Кравченко")?, Vec::<String>::new());
        // It goes on serving from the new files, and they last.
        live.apply(vec![(b"after".to_vec(), Some(b"1".to_vec()))])?;
        live.flush()?;
        drop(live);
        let again = reopen(&dir, crate::store::DEFAULT_CACHE_BYTES)?;
        assert_eq!(again.get(b"after")?, Some(b"1".to_vec()));
        assert_eq!(again.get(b"k")?, Some(b"redacted".to_vec()));
        Ok(())
    }

    /// sled's page-table snapshot in `dir`: its file is named for the log position it covers.
    fn sled_snapshot(dir: &Path) -> std::io::Result<Vec<String>> {
        let mut snaps: Vec<String> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("snap."))
            .collect();
        snaps.sort();
        Ok(snaps)
    }

    fn put(live: &LiveStore, i: u32) -> Result<(), StoreError> {
        live.apply(vec![(
            format!("k/{i:06}").into_bytes(),
            Some(vec![7; 1000]),
        )])?;
        live.flush()
    }

    #[test]
    fn the_store_is_reopened_once_enough_was_written_and_keeps_every_write()
    -> Result<(), StoreError> {
        let top = tempfile::tempdir()?;
        let dir = top.path().join("data");
        let live = LiveStore::open_with(&dir, crate::store::DEFAULT_CACHE_BYTES, 64 << 10)?;
        let reopens = live.reopens();
        // 60 writes of about 1 KB stay below the 64 KiB threshold.
        for i in 0..60 {
            put(&live, i)?;
        }
        assert!(!live.reopen_if_due()?, "not due yet");
        let before = sled_snapshot(&dir)?;
        for i in 60..100 {
            put(&live, i)?;
        }
        assert!(live.reopen_if_due()?, "due after 100 KB");
        assert_eq!(*reopens.borrow(), 1);
        let after = sled_snapshot(&dir)?;
        assert_ne!(before, after, "sled saved a newer page-table snapshot");
        assert!(!live.reopen_if_due()?, "the count starts again");
        put(&live, 100)?;
        for i in 0..=100 {
            assert!(
                live.get(format!("k/{i:06}").as_bytes())?.is_some(),
                "key {i}"
            );
        }
        drop(live);
        let again = reopen(&dir, crate::store::DEFAULT_CACHE_BYTES)?;
        for i in 0..=100 {
            assert!(
                again.get(format!("k/{i:06}").as_bytes())?.is_some(),
                "key {i}"
            );
        }
        Ok(())
    }

    /// Writers go on through reopens as they come, none sees an error and no write is lost.
    #[test]
    fn writers_see_no_error_across_reopens() -> Result<(), StoreError> {
        let top = tempfile::tempdir()?;
        let dir = top.path().join("data");
        let live = LiveStore::open_with(&dir, crate::store::DEFAULT_CACHE_BYTES, 32 << 10)?;
        let reopens = live.reopens();
        let done = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| -> Result<(), StoreError> {
            let writers: Vec<_> = (0..4u32)
                .map(|w| {
                    let (live, done) = (&live, &done);
                    scope.spawn(move || -> Result<(), StoreError> {
                        for i in 0..200 {
                            put(live, w * 1000 + i)?;
                        }
                        done.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    })
                })
                .collect();
            while done.load(Ordering::SeqCst) < 4 {
                live.reopen_if_due()?;
                // Polled, as the server's task is woken by the flush that makes a reopen due.
                std::thread::sleep(Duration::from_millis(1));
            }
            for w in writers {
                w.join()
                    .map_err(|_| StoreError::Engine("a writer panicked".into()))??;
            }
            Ok(())
        })?;
        assert!(*reopens.borrow() >= 2, "800 KB written: several reopens");
        drop(live);
        let again = reopen(&dir, crate::store::DEFAULT_CACHE_BYTES)?;
        for w in 0..4u32 {
            for i in 0..200 {
                let key = format!("k/{:06}", w * 1000 + i);
                assert!(again.get(key.as_bytes())?.is_some(), "{key}");
            }
        }
        Ok(())
    }
}

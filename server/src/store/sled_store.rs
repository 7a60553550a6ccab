//! The sled implementation of [`Store`]: one tree, atomic batches, explicit flush; archived
//! history in cold segment files beside it, merged into every read.
//!
//! Why the cold segments: sled 0.34's memory grows with the keys it holds (measured with bare
//! batches of two new keys each: 0.7 KiB per batch with the default cache, and still growing with
//! a 4 MB one), so an append-only log kept in the tree grows the server without bound. Moved into
//! segment files it costs no memory until read.

use std::collections::BTreeMap;
use std::path::Path;

use super::cold::{Builder, Cold};
use super::{Entry, Store, StoreError, Visitor, Write, prefix_end};

/// The directory of cold segments inside the data directory (sled leaves other names alone).
const ARCHIVE_DIR: &str = "archive";

/// Archived entries leave the engine this many per batch. sled keeps the garbage of a whole batch
/// until it ends, and the allocator keeps the peak: measured with bare sled, one batch removing
/// 8,192 keys raised the process by 30 MiB for good, batches of 16 to 128 by nothing noticeable,
/// batches of 512 by 8 MiB.
const REMOVE_BATCH: usize = 64;

/// sled 0.34 behind the [`Store`] trait.
pub struct SledStore {
    db: sled::Db,
    cold: Cold,
}

fn engine(e: sled::Error) -> StoreError {
    StoreError::Engine(e.to_string())
}

impl SledStore {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)?;
        // Flushing is ours (group commit); sled's own periodic flush would only add write stalls.
        let db = sled::Config::new()
            .path(dir)
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
        // Opened after sled, whose lock keeps a second process out of the segments too.
        let cold = Cold::open(dir.join(ARCHIVE_DIR))?;
        Ok(Self { db, cold })
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
        let mut b = sled::Batch::default();
        for (k, v) in batch {
            match v {
                Some(v) => b.insert(k, v),
                None => b.remove(k),
            }
        }
        self.db.apply_batch(b).map_err(engine)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map(|_| ()).map_err(engine)
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
        self.cold.clear()?;
        self.db.clear().map_err(engine)
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
        // (one atomic removal is not needed: a key in both places reads once). The removal
        // becomes durable with the next flush; until then a crash just leaves both copies.
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
    fn a_second_open_of_the_same_directory_is_refused() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let _first = SledStore::open(dir.path())?;
        assert!(SledStore::open(dir.path()).is_err());
        Ok(())
    }
}

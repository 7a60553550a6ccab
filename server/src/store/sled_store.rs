//! The sled implementation of [`Store`]: one tree, atomic batches, explicit flush.

use std::path::Path;

use super::{Entry, Store, StoreError, Visitor, Write};

/// sled 0.34 behind the [`Store`] trait.
pub struct SledStore {
    db: sled::Db,
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
        Ok(Self { db })
    }
}

fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

impl Store for SledStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.get(key).map_err(engine)?.map(|v| v.to_vec()))
    }

    fn scan(
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

    fn scan_rev(
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
        for item in self.db.iter() {
            let (k, v) = item.map_err(engine)?;
            f(&k, &v)?;
        }
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.db.clear().map_err(engine)
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

//! Cold segments: entries moved out of the engine into immutable files beside it, so that
//! append-only history (the audit log) does not live in sled's memory, which grows with every key
//! it holds. A segment is written once — to a temporary name, synced, renamed, the directory
//! synced — and never changed; only [`Cold::clear`] (a restore) removes segments.
//!
//! File layout: `INFOGROUPS-SEGMENT\n`, then entries as (key length u32 BE, key, value length
//! u32 BE, value) in key order, the end marker `u32::MAX`, the entry count (u64 BE) and the
//! SHA-256 of everything before it. The name is `<first key hex>-<last key hex>.seg`, so the
//! index is rebuilt from a directory listing without reading the files.

use std::collections::VecDeque;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use sha2::{Digest, Sha256};

use super::{Entry, StoreError, prefix_end};

const MAGIC: &[u8] = b"INFOGROUPS-SEGMENT\n";
const EXTENSION: &str = "seg";
/// A segment being written; left behind only by a crash, and removed at open.
const PARTIAL: &str = "partial";

/// One segment file: its key range and where it is.
#[derive(Clone, Debug)]
struct Segment {
    first: Vec<u8>,
    last: Vec<u8>,
    path: PathBuf,
}

/// The segment files of one store.
pub(super) struct Cold {
    dir: PathBuf,
    /// Sorted by first key; ranges never overlap (each archive run starts after the last).
    segments: RwLock<Vec<Segment>>,
}

fn corrupt(path: &Path, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        key: path.display().to_string(),
        reason: reason.to_string(),
    }
}

fn lock_poisoned() -> StoreError {
    StoreError::Engine("cold segment index lock poisoned".into())
}

/// The key range a segment file name states, or `None` for a name that is not a segment's.
fn parse_name(path: &Path) -> Option<(Vec<u8>, Vec<u8>)> {
    if path.extension()? != EXTENSION {
        return None;
    }
    let (first, last) = path.file_stem()?.to_str()?.split_once('-')?;
    Some((hex::decode(first).ok()?, hex::decode(last).ok()?))
}

fn len32(n: usize) -> Result<[u8; 4], StoreError> {
    u32::try_from(n)
        .map(u32::to_be_bytes)
        .map_err(|_| StoreError::Engine("entry too large for a segment".into()))
}

/// A segment being put together in memory: entries are encoded as they are added, so a run of
/// thousands costs one buffer rather than an allocation per entry.
pub(super) struct Builder {
    bytes: Vec<u8>,
    first: Option<Vec<u8>>,
    last: Vec<u8>,
    count: u64,
}

impl Builder {
    /// An empty segment.
    pub(super) fn new() -> Self {
        Self {
            bytes: MAGIC.to_vec(),
            first: None,
            last: Vec::new(),
            count: 0,
        }
    }

    /// Adds an entry; keys must come in ascending order.
    pub(super) fn push(&mut self, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.bytes.extend_from_slice(&len32(key.len())?);
        self.bytes.extend_from_slice(key);
        self.bytes.extend_from_slice(&len32(value.len())?);
        self.bytes.extend_from_slice(value);
        if self.first.is_none() {
            self.first = Some(key.to_vec());
        }
        self.last = key.to_vec();
        self.count += 1;
        Ok(())
    }

    /// How many entries it holds.
    pub(super) fn len(&self) -> u64 {
        self.count
    }

    /// The finished file's bytes.
    fn finish(mut self) -> Vec<u8> {
        self.bytes.extend_from_slice(&u32::MAX.to_be_bytes());
        self.bytes.extend_from_slice(&self.count.to_be_bytes());
        let digest = Sha256::digest(&self.bytes);
        self.bytes.extend_from_slice(&digest);
        self.bytes
    }
}

/// Reads a segment's body front to back.
struct Reader<'a> {
    rest: &'a [u8],
    path: &'a Path,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        if self.rest.len() < n {
            return Err(corrupt(self.path, "ends too early"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, StoreError> {
        self.take(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// Reads and checks a whole segment.
fn read(path: &Path) -> Result<Vec<Entry>, StoreError> {
    let bytes = std::fs::read(path)?;
    if bytes.len() < MAGIC.len() + 4 + 8 + 32 || !bytes.starts_with(MAGIC) {
        return Err(corrupt(path, "not a segment file"));
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != digest {
        return Err(corrupt(path, "checksum mismatch"));
    }
    let mut r = Reader {
        rest: &body[MAGIC.len()..],
        path,
    };
    let mut entries = Vec::new();
    loop {
        let klen = r.u32()?;
        if klen == u32::MAX {
            break;
        }
        let key = r.take(klen as usize)?.to_vec();
        let vlen = r.u32()?;
        entries.push((key, r.take(vlen as usize)?.to_vec()));
    }
    let count = u64::from_be_bytes(
        r.take(8)?
            .try_into()
            .map_err(|_| corrupt(path, "bad trailer"))?,
    );
    if count != entries.len() as u64 || !r.rest.is_empty() {
        return Err(corrupt(path, "entry count mismatch"));
    }
    Ok(entries)
}

impl Cold {
    /// The segments in `dir` (none when it does not exist yet).
    pub(super) fn open(dir: PathBuf) -> Result<Self, StoreError> {
        let mut segments = Vec::new();
        if dir.is_dir() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e == PARTIAL) {
                    // A write cut short by a crash: its entries are still in the engine.
                    std::fs::remove_file(&path)?;
                } else if let Some((first, last)) = parse_name(&path) {
                    segments.push(Segment { first, last, path });
                }
            }
        }
        segments.sort_by(|a, b| a.first.cmp(&b.first));
        Ok(Self {
            dir,
            segments: RwLock::new(segments),
        })
    }

    fn index(&self) -> Result<RwLockReadGuard<'_, Vec<Segment>>, StoreError> {
        self.segments.read().map_err(|_| lock_poisoned())
    }

    fn index_mut(&self) -> Result<RwLockWriteGuard<'_, Vec<Segment>>, StoreError> {
        self.segments.write().map_err(|_| lock_poisoned())
    }

    /// The segments that may hold keys starting with `prefix` in `[low, high)` (`high` `None`:
    /// no bound but the prefix's), in order. Copied out, so no lock is held while files are read.
    fn meeting(
        &self,
        prefix: &[u8],
        low: &[u8],
        high: Option<&[u8]>,
    ) -> Result<Vec<Segment>, StoreError> {
        let end = prefix_end(prefix);
        Ok(self
            .index()?
            .iter()
            .filter(|s| {
                s.last.as_slice() >= low
                    && high.is_none_or(|h| s.first.as_slice() < h)
                    && end.as_deref().is_none_or(|e| s.first.as_slice() < e)
            })
            .cloned()
            .collect())
    }

    /// The last key archived under `prefix`.
    pub(super) fn last_under(&self, prefix: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .index()?
            .iter()
            .rev()
            .find(|s| s.last.starts_with(prefix))
            .map(|s| s.last.clone()))
    }

    /// Up to `limit` entries with keys starting with `prefix`, strictly after `after` and strictly
    /// before `before`, ascending.
    pub(super) fn scan(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
        before: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        self.scan_in_order(prefix, before, after, limit, false)
    }

    /// Up to `limit` entries with keys starting with `prefix`, strictly before `before` and
    /// strictly after `after`, descending.
    pub(super) fn scan_rev(
        &self,
        prefix: &[u8],
        before: Option<&[u8]>,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        self.scan_in_order(prefix, before, after, limit, true)
    }

    /// [`Self::scan`] (ascending) or [`Self::scan_rev`] (`descending`).
    fn scan_in_order(
        &self,
        prefix: &[u8],
        before: Option<&[u8]>,
        after: Option<&[u8]>,
        limit: usize,
        descending: bool,
    ) -> Result<Vec<Entry>, StoreError> {
        let low = after.unwrap_or(prefix);
        let mut segments = self.meeting(prefix, low, before)?;
        if descending {
            segments.reverse();
        }
        let mut out = Vec::new();
        for segment in segments {
            let mut entries = read(&segment.path)?;
            if descending {
                entries.reverse();
            }
            for (k, v) in entries {
                let wanted = k.starts_with(prefix)
                    && after.is_none_or(|a| k.as_slice() > a)
                    && before.is_none_or(|b| k.as_slice() < b);
                if wanted {
                    out.push((k, v));
                    if out.len() == limit {
                        return Ok(out);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The archived value under `key`.
    pub(super) fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let holder = self
            .index()?
            .iter()
            .find(|s| s.first.as_slice() <= key && key <= s.last.as_slice())
            .cloned();
        let Some(segment) = holder else {
            return Ok(None);
        };
        let entries = read(&segment.path)?;
        Ok(entries
            .binary_search_by(|(k, _)| k.as_slice().cmp(key))
            .ok()
            .map(|i| entries[i].1.clone()))
    }

    /// Every archived entry in key order, one segment in memory at a time.
    pub(super) fn cursor(&self) -> Result<Cursor, StoreError> {
        Ok(Cursor {
            segments: self.index()?.iter().cloned().collect(),
            loaded: VecDeque::new(),
        })
    }

    /// Writes a segment whose keys all come after every archived key, and makes it durable
    /// before returning: only then may the caller drop its entries from the engine.
    pub(super) fn write(&self, segment: Builder) -> Result<(), StoreError> {
        let Some(first) = segment.first.clone() else {
            return Ok(());
        };
        let last = segment.last.clone();
        let bytes = segment.finish();
        std::fs::create_dir_all(&self.dir)?;
        let name = format!("{}-{}", hex::encode(&first), hex::encode(&last));
        let path = self.dir.join(&name).with_extension(EXTENSION);
        let partial = self.dir.join(&name).with_extension(PARTIAL);
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&partial, &path)?;
        // The rename is durable only once the directory is.
        std::fs::File::open(&self.dir)?.sync_all()?;
        let mut index = self.index_mut()?;
        let at = index.partition_point(|s| s.first < first);
        index.insert(at, Segment { first, last, path });
        Ok(())
    }

    /// Removes every segment (a restore replaces the whole store).
    pub(super) fn clear(&self) -> Result<(), StoreError> {
        let mut index = self.index_mut()?;
        for segment in index.iter() {
            std::fs::remove_file(&segment.path)?;
        }
        index.clear();
        Ok(())
    }
}

/// Archived entries in key order, read one segment at a time.
pub(super) struct Cursor {
    segments: VecDeque<Segment>,
    loaded: VecDeque<Entry>,
}

impl Cursor {
    /// The next entry's key, loading the next segment when needed.
    pub(super) fn peek_key(&mut self) -> Result<Option<&[u8]>, StoreError> {
        while self.loaded.is_empty() {
            let Some(segment) = self.segments.pop_front() else {
                return Ok(None);
            };
            self.loaded = read(&segment.path)?.into();
        }
        Ok(self.loaded.front().map(|(k, _)| k.as_slice()))
    }

    /// Takes the entry [`Cursor::peek_key`] showed.
    pub(super) fn take(&mut self) -> Option<Entry> {
        self.loaded.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(keys: std::ops::RangeInclusive<u8>) -> Result<Builder, StoreError> {
        let mut b = Builder::new();
        for i in keys {
            b.push(&[b'a', b'/', i], &[i; 3])?;
        }
        Ok(b)
    }

    #[test]
    fn segments_survive_a_reopen_and_a_damaged_one_is_named() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let cold = Cold::open(dir.path().join("archive"))?;
        assert!(cold.scan(b"a/", None, None, 10)?.is_empty());
        cold.write(segment(1..=3)?)?;
        cold.write(segment(4..=6)?)?;
        // A crash in the middle of a write leaves a partial file, which the next open removes.
        std::fs::write(dir.path().join("archive/x.partial"), b"half")?;
        let cold = Cold::open(dir.path().join("archive"))?;
        assert!(!dir.path().join("archive/x.partial").exists());
        let keys = |v: Vec<Entry>| v.into_iter().map(|(k, _)| k[2]).collect::<Vec<_>>();
        assert_eq!(
            keys(cold.scan(b"a/", Some(&[b'a', b'/', 2]), None, 3)?),
            [3, 4, 5]
        );
        assert_eq!(
            keys(cold.scan_rev(b"a/", Some(&[b'a', b'/', 5]), None, 10)?),
            [4, 3, 2, 1]
        );
        assert_eq!(
            keys(cold.scan_rev(b"a/", None, Some(&[b'a', b'/', 4]), 10)?),
            [6, 5]
        );
        assert_eq!(cold.get(&[b'a', b'/', 5])?, Some(vec![5; 3]));
        assert_eq!(cold.last_under(b"a/")?, Some(vec![b'a', b'/', 6]));
        let mut cursor = cold.cursor()?;
        let mut all = Vec::new();
        while cursor.peek_key()?.is_some() {
            all.extend(cursor.take());
        }
        assert_eq!(keys(all), [1, 2, 3, 4, 5, 6]);

        let path = dir.path().join("archive").join(format!(
            "{}-{}.seg",
            hex::encode([b'a', b'/', 4]),
            hex::encode([b'a', b'/', 6])
        ));
        let mut bytes = std::fs::read(&path)?;
        bytes[MAGIC.len() + 5] ^= 1;
        std::fs::write(&path, bytes)?;
        assert!(matches!(
            cold.get(&[b'a', b'/', 5]),
            Err(StoreError::Corrupt { .. })
        ));
        cold.clear()?;
        assert_eq!(cold.get(&[b'a', b'/', 1])?, None);
        Ok(())
    }
}

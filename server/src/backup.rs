//! Backups: the whole store as one file, with a checksum, and restoring from it.
//!
//! Layout: `INFOGROUPS-BACKUP\n`, format version (u32 BE), then entries as
//! (key length u32 BE, key, value length u32 BE, value), then the end marker `u32::MAX`, the entry
//! count (u64 BE) and the SHA-256 of everything before the digest.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::db::{Db, keys};
use crate::store::{Entry, Store, StoreError};

const MAGIC: &[u8] = b"INFOGROUPS-BACKUP\n";
const FORMAT: u32 = 1;

struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn len32(n: usize) -> Result<[u8; 4], StoreError> {
    u32::try_from(n)
        .map(u32::to_be_bytes)
        .map_err(|_| StoreError::Backup("entry too large".into()))
}

/// What a written backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Store entries.
    pub entries: u64,
    /// The last event sequence number (0 for a store without events).
    pub last_seq: u64,
    /// The SHA-256 at the end of the file.
    pub sha256: [u8; 32],
}

/// Writes every entry of `store` to `path` (through a temporary file renamed at the end, so a
/// crash never leaves a half backup under the final name).
pub fn write_store(store: &dyn Store, path: &Path) -> Result<Summary, StoreError> {
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp)?;
    let mut w = Hashing {
        inner: BufWriter::new(file),
        hash: Sha256::new(),
    };
    w.write_all(MAGIC)?;
    w.write_all(&FORMAT.to_be_bytes())?;
    let mut count = 0u64;
    let mut last_seq = 0;
    store.for_each(&mut |k, v| {
        if k.starts_with(keys::EVENT_PREFIX) {
            last_seq = keys::trailing_u64(k).unwrap_or(last_seq);
        }
        w.write_all(&len32(k.len())?)?;
        w.write_all(k)?;
        w.write_all(&len32(v.len())?)?;
        w.write_all(v)?;
        count += 1;
        Ok(())
    })?;
    w.write_all(&u32::MAX.to_be_bytes())?;
    w.write_all(&count.to_be_bytes())?;
    let digest = w.hash.finalize();
    let mut inner = w.inner;
    inner.write_all(&digest)?;
    inner.flush()?;
    inner
        .into_inner()
        .map_err(|e| StoreError::Io(e.into_error()))?
        .sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(Summary {
        entries: count,
        last_seq,
        sha256: digest.into(),
    })
}

/// An online backup: writers wait while it is taken, so it holds exactly the writes committed
/// before it began (every one acknowledged by then among them).
/// Every backup, asked for or scheduled, is counted in the metrics here.
pub async fn backup_online(db: &Db, path: &Path) -> Result<Summary, StoreError> {
    let result = db.exclusive(|store| write_store(store, path)).await;
    match &result {
        Ok(_) => crate::metrics::backup_succeeded(db.clock().now_ms()),
        Err(_) => crate::metrics::backup_failed(),
    }
    result
}

fn read_exact<R: Read>(r: &mut R, n: usize) -> Result<Vec<u8>, StoreError> {
    let mut buf = vec![0u8; n];
    r.read_exact(&mut buf)
        .map_err(|_| StoreError::Backup("the file ends too early".into()))?;
    Ok(buf)
}

fn read_u32<R: Read>(r: &mut R) -> Result<u32, StoreError> {
    let b = read_exact(r, 4)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads and checks a backup completely, returning its entries. Nothing is changed.
pub fn read_backup(path: &Path) -> Result<Vec<Entry>, StoreError> {
    let bytes = std::fs::read(path)?;
    if bytes.len() < MAGIC.len() + 4 + 4 + 8 + 32 || !bytes.starts_with(MAGIC) {
        return Err(StoreError::Backup("not an Infogroups backup".into()));
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != digest {
        return Err(StoreError::Backup(
            "checksum mismatch: the file is damaged".into(),
        ));
    }
    let mut r = BufReader::new(&body[MAGIC.len()..]);
    let format = read_u32(&mut r)?;
    if format != FORMAT {
        return Err(StoreError::Backup(format!(
            "unknown backup format {format}"
        )));
    }
    let mut entries = Vec::new();
    loop {
        let klen = read_u32(&mut r)?;
        if klen == u32::MAX {
            break;
        }
        let key = read_exact(&mut r, klen as usize)?;
        let vlen = read_u32(&mut r)?;
        let value = read_exact(&mut r, vlen as usize)?;
        entries.push((key, value));
    }
    let count = u64::from_be_bytes(
        read_exact(&mut r, 8)?
            .try_into()
            .map_err(|_| StoreError::Backup("bad trailer".into()))?,
    );
    if count != entries.len() as u64 {
        return Err(StoreError::Backup("entry count mismatch".into()));
    }
    Ok(entries)
}

/// Replaces the contents of `store` with a checked backup and flushes. Returns the entry count.
pub fn restore_store(store: &dyn Store, path: &Path) -> Result<u64, StoreError> {
    let entries = read_backup(path)?;
    let n = entries.len() as u64;
    store.clear()?;
    for chunk in entries.chunks(10_000) {
        store.apply(
            chunk
                .iter()
                .map(|(k, v)| (k.clone(), Some(v.clone())))
                .collect(),
        )?;
    }
    store.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SledStore;

    #[test]
    fn a_backup_restores_exactly_and_a_damaged_one_is_refused() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let src = SledStore::open(&dir.path().join("a"))?;
        src.apply(
            (0..100u32)
                .map(|i| (i.to_be_bytes().to_vec(), Some(vec![i as u8; 10])))
                .collect(),
        )?;
        let file = dir.path().join("b.igbak");
        assert_eq!(write_store(&src, &file)?.entries, 100);
        let dst = SledStore::open(&dir.path().join("c"))?;
        dst.apply(vec![(b"stale".to_vec(), Some(b"x".to_vec()))])?;
        assert_eq!(restore_store(&dst, &file)?, 100);
        assert_eq!(dst.get(b"stale")?, None);
        assert_eq!(dst.get(&7u32.to_be_bytes())?, Some(vec![7u8; 10]));
        let mut bytes = std::fs::read(&file)?;
        let mid = bytes.len() / 2;
        bytes[mid] ^= 1;
        std::fs::write(&file, bytes)?;
        assert!(matches!(
            restore_store(&dst, &file),
            Err(StoreError::Backup(_))
        ));
        assert_eq!(dst.get(&7u32.to_be_bytes())?, Some(vec![7u8; 10]));
        Ok(())
    }
}

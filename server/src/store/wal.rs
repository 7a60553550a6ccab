//! The store's write-ahead log: every batch the store applies is appended here, and a flush is one
//! write and one `fdatasync` of this file — the only device sync on the commit path.
//!
//! Why a log of our own: sled 0.34 ends its flush with `sync_file_range`, which flushes neither
//! the device's write cache nor the file's metadata, and writes blob files with no sync at all; so
//! its flush alone does not make a write survive a power cut, and syncing its files after it
//! costs a second round of device work per commit. With the log, sled's state only has to be
//! durable at checkpoints (a flush of sled and a sync of its files, after which the log starts
//! again empty); a start replays the batches the log holds over sled, in order, which yields the
//! same state whatever part of them sled had already written.
//!
//! A record is `[payload length: u32 LE][CRC-32 of the payload: u32 LE][payload]`, the payload a
//! run of writes: `1, key length (u32 LE), key, value length (u32 LE), value` for a put and
//! `0, key length, key` for a removal. A record cut short or failing its checksum ends the log:
//! it is the tail a power cut tore, never acknowledged, and is cut off on open.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write as _};
use std::path::Path;

use super::{StoreError, Write};

/// Bytes before a record's payload: its length and its checksum.
const HEADER: usize = 8;

/// An open log, positioned at its end.
pub struct Wal {
    file: File,
    /// Bytes on the device (synced).
    synced: u64,
    /// Records staged since the last commit, not yet written.
    staged: Vec<u8>,
    /// How many times the log was synced to the device since it was opened.
    syncs: u64,
}

fn put_u32(out: &mut Vec<u8>, n: usize) -> Result<(), StoreError> {
    let n = u32::try_from(n).map_err(|_| StoreError::Engine("a key or value over 4 GiB".into()))?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

/// Reads a little-endian u32 at `at`, if the buffer holds one there.
fn get_u32(buf: &[u8], at: usize) -> Option<usize> {
    let bytes: [u8; 4] = buf.get(at..at.checked_add(4)?)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(bytes)).ok()
}

/// The writes of one record's payload; `None` if the payload is malformed.
fn decode(payload: &[u8]) -> Option<Vec<Write>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < payload.len() {
        let op = payload[at];
        at += 1;
        let klen = get_u32(payload, at)?;
        at += 4;
        let key = payload.get(at..at.checked_add(klen)?)?.to_vec();
        at += klen;
        let value = match op {
            0 => None,
            1 => {
                let vlen = get_u32(payload, at)?;
                at += 4;
                let v = payload.get(at..at.checked_add(vlen)?)?.to_vec();
                at += vlen;
                Some(v)
            }
            _ => return None,
        };
        out.push((key, value));
    }
    Some(out)
}

impl Wal {
    /// Opens (or creates) the log at `path` and returns it with the batches it holds, in order.
    /// A torn tail is cut off here, so later records follow the last whole one.
    pub fn open(path: &Path) -> Result<(Self, Vec<Vec<Write>>), StoreError> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let mut batches = Vec::new();
        let mut end = 0usize;
        // Batches are never empty, so a zero length is the end too (a tail of zeros).
        while let (Some(len @ 1..), Some(crc)) = (get_u32(&bytes, end), get_u32(&bytes, end + 4)) {
            let start = end + HEADER;
            let Some(payload) = start
                .checked_add(len)
                .and_then(|stop| bytes.get(start..stop))
            else {
                break;
            };
            if crc32fast::hash(payload) as usize != crc {
                break;
            }
            let Some(batch) = decode(payload) else { break };
            batches.push(batch);
            end = start + len;
        }
        let end = u64::try_from(end).map_err(|e| StoreError::Engine(e.to_string()))?;
        if end < u64::try_from(bytes.len()).map_err(|e| StoreError::Engine(e.to_string()))? {
            tracing::warn!(
                kept = end,
                found = bytes.len(),
                "write-ahead log: cut off a torn tail (writes never acknowledged)"
            );
            file.set_len(end)?;
            file.sync_data()?;
        }
        file.seek(SeekFrom::Start(end))?;
        let wal = Self {
            file,
            synced: end,
            staged: Vec::new(),
            syncs: 0,
        };
        Ok((wal, batches))
    }

    /// Stages one batch as a record; it reaches the device with the next [`Wal::commit`].
    pub fn stage(&mut self, batch: &[Write]) -> Result<(), StoreError> {
        let at = self.staged.len();
        self.staged.extend_from_slice(&[0; HEADER]);
        for (k, v) in batch {
            self.staged.push(u8::from(v.is_some()));
            put_u32(&mut self.staged, k.len())?;
            self.staged.extend_from_slice(k);
            if let Some(v) = v {
                put_u32(&mut self.staged, v.len())?;
                self.staged.extend_from_slice(v);
            }
        }
        let payload = &self.staged[at + HEADER..];
        let len = u32::try_from(payload.len())
            .map_err(|_| StoreError::Engine("a batch over 4 GiB".into()))?;
        let crc = crc32fast::hash(payload);
        self.staged[at..at + 4].copy_from_slice(&len.to_le_bytes());
        self.staged[at + 4..at + HEADER].copy_from_slice(&crc.to_le_bytes());
        Ok(())
    }

    /// How many bytes are staged: a mark for [`Wal::unstage_to`].
    pub fn staged_len(&self) -> usize {
        self.staged.len()
    }

    /// Drops what was staged after `mark` (a batch the engine then refused).
    pub fn unstage_to(&mut self, mark: usize) {
        self.staged.truncate(mark);
    }

    /// Writes the staged records and syncs the log: after this, every staged batch survives a
    /// power cut. Nothing staged: nothing to do.
    pub fn commit(&mut self) -> Result<(), StoreError> {
        if self.staged.is_empty() {
            return Ok(());
        }
        self.file.write_all(&self.staged)?;
        self.file.sync_data()?;
        self.synced +=
            u64::try_from(self.staged.len()).map_err(|e| StoreError::Engine(e.to_string()))?;
        self.staged.clear();
        self.syncs += 1;
        Ok(())
    }

    /// Empties the log, once everything in it is durable elsewhere (a checkpoint).
    pub fn reset(&mut self) -> Result<(), StoreError> {
        self.staged.clear();
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.file.sync_data()?;
        self.synced = 0;
        Ok(())
    }

    /// Bytes on the device.
    pub fn synced_len(&self) -> u64 {
        self.synced
    }

    /// How many commits synced the log since it was opened.
    pub fn syncs(&self) -> u64 {
        self.syncs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(n: u8) -> Vec<Write> {
        vec![
            (vec![b'k', n], Some(vec![n; usize::from(n)])),
            (vec![b'r', n], None),
        ]
    }

    #[test]
    fn committed_batches_come_back_in_order_and_a_torn_tail_is_cut() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("wal");
        {
            let (mut wal, old) = Wal::open(&path)?;
            assert!(old.is_empty());
            for n in 0..5 {
                wal.stage(&batch(n))?;
            }
            wal.commit()?;
            wal.stage(&batch(5))?;
            wal.commit()?;
            assert_eq!(wal.syncs(), 2);
            // Staged, never committed: gone with the process.
            wal.stage(&batch(6))?;
        }
        let whole = std::fs::metadata(&path)?.len();
        // A power cut in the middle of a later record's write.
        let mut f = OpenOptions::new().append(true).open(&path)?;
        f.write_all(&[40, 0, 0, 0, 1, 2, 3, 4, 1, 0])?;
        drop(f);
        let (wal, back) = Wal::open(&path)?;
        assert_eq!(back, (0..6).map(batch).collect::<Vec<_>>());
        assert_eq!(wal.synced_len(), whole);
        assert_eq!(std::fs::metadata(&path)?.len(), whole);
        Ok(())
    }

    #[test]
    fn a_record_failing_its_checksum_ends_the_log() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("wal");
        let (mut wal, _) = Wal::open(&path)?;
        wal.stage(&batch(1))?;
        wal.commit()?;
        let first = wal.synced_len();
        wal.stage(&batch(2))?;
        wal.commit()?;
        drop(wal);
        let mut bytes = std::fs::read(&path)?;
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&path, &bytes)?;
        let (wal, back) = Wal::open(&path)?;
        assert_eq!(back, vec![batch(1)]);
        assert_eq!(wal.synced_len(), first);
        Ok(())
    }

    #[test]
    fn reset_empties_the_log() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("wal");
        let (mut wal, _) = Wal::open(&path)?;
        wal.stage(&batch(3))?;
        wal.commit()?;
        wal.reset()?;
        wal.stage(&batch(4))?;
        wal.commit()?;
        drop(wal);
        let (_, back) = Wal::open(&path)?;
        assert_eq!(back, vec![batch(4)]);
        Ok(())
    }
}

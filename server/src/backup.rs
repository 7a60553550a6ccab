//! Backups: the whole store as one file, with a checksum, encrypted, and restoring from it.
//!
//! A backup holds every citizen's personal data and every password hash, so it is written only
//! encrypted — an `age` file under the operator's passphrase (scrypt) — and readable only by its
//! owner (0600). Restoring refuses without the passphrase.
//!
//! Layout of the plaintext inside: `INFOGROUPS-BACKUP\n`, format version (u32 BE), then entries
//! as (key length u32 BE, key, value length u32 BE, value), then the end marker `u32::MAX`, the
//! entry count (u64 BE) and the SHA-256 of everything before the digest.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use age::secrecy::SecretString;
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

/// The operator's backup passphrase, never printed.
#[derive(Clone)]
pub struct BackupKey {
    passphrase: SecretString,
    /// scrypt's work factor (log2 N); `None` lets `age` pick about a second's worth.
    work_factor: Option<u8>,
}

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupKey(…)")
    }
}

/// The shortest passphrase accepted: a backup's whole protection is the passphrase.
pub const MIN_PASSPHRASE: usize = 12;

impl BackupKey {
    /// A key from a passphrase; refuses one shorter than [`MIN_PASSPHRASE`].
    pub fn new(passphrase: &str) -> Result<Self, StoreError> {
        let passphrase = passphrase.trim_end_matches(['\r', '\n']);
        if passphrase.chars().count() < MIN_PASSPHRASE {
            return Err(StoreError::Backup(format!(
                "the backup passphrase must be at least {MIN_PASSPHRASE} characters"
            )));
        }
        Ok(Self {
            passphrase: SecretString::from(passphrase.to_string()),
            work_factor: None,
        })
    }

    /// The same key with a fixed scrypt work factor (tests use a small one to stay fast).
    pub fn with_work_factor(mut self, log_n: u8) -> Self {
        self.work_factor = Some(log_n.clamp(1, 30));
        self
    }

    /// The operator's key: the file named by `file`, else the variable
    /// `INFOGROUPS_BACKUP_PASSPHRASE`; `None` when neither is given.
    pub fn from_operator(file: Option<&Path>) -> Result<Option<Self>, StoreError> {
        if let Some(f) = file {
            return Self::new(&std::fs::read_to_string(f)?).map(Some);
        }
        match std::env::var("INFOGROUPS_BACKUP_PASSPHRASE") {
            Ok(p) => Self::new(&p).map(Some),
            Err(_) => Ok(None),
        }
    }

    fn recipient(&self) -> age::scrypt::Recipient {
        let mut r = age::scrypt::Recipient::new(self.passphrase.clone());
        if let Some(n) = self.work_factor {
            r.set_work_factor(n);
        }
        r
    }
}

fn crypto(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backup(e.to_string())
}

/// Creates `path` readable and writable by its owner only, whatever the umask.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
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

/// Writes every entry of `store` to `path`, encrypted under `key`, mode 0600 (through a
/// temporary file renamed at the end, so a crash never leaves a half backup under the final name).
pub fn write_store(store: &dyn Store, path: &Path, key: &BackupKey) -> Result<Summary, StoreError> {
    let tmp = path.with_extension("partial");
    let file = create_private(&tmp)?;
    let recipient = key.recipient();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(crypto)?;
    let sealed = encryptor.wrap_output(BufWriter::new(file))?;
    let mut w = Hashing {
        inner: sealed,
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
    inner
        .finish()?
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
pub async fn backup_online(db: &Db, path: &Path, key: &BackupKey) -> Result<Summary, StoreError> {
    db.exclusive(|store| write_store(store, path, key)).await
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

/// Decrypts a backup file with `key`. A plain backup of an earlier version is read as it is, but
/// only by an operator who holds the key too.
fn decrypt(path: &Path, key: &BackupKey) -> Result<Vec<u8>, StoreError> {
    let bytes = std::fs::read(path)?;
    if bytes.starts_with(MAGIC) {
        return Ok(bytes);
    }
    let decryptor = age::Decryptor::new_buffered(&bytes[..])
        .map_err(|_| StoreError::Backup("not an Infogroups backup".into()))?;
    let identity = age::scrypt::Identity::new(key.passphrase.clone());
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| StoreError::Backup(format!("cannot decrypt (wrong passphrase?): {e}")))?;
    let mut out = Vec::new();
    reader
        .read_to_end(&mut out)
        .map_err(|_| StoreError::Backup("checksum mismatch: the file is damaged".into()))?;
    Ok(out)
}

/// Reads and checks a backup completely, returning its entries. Nothing is changed.
pub fn read_backup(path: &Path, key: &BackupKey) -> Result<Vec<Entry>, StoreError> {
    let bytes = decrypt(path, key)?;
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
pub fn restore_store(store: &dyn Store, path: &Path, key: &BackupKey) -> Result<u64, StoreError> {
    let entries = read_backup(path, key)?;
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
        let key = BackupKey::new("correct horse battery")?.with_work_factor(4);
        assert_eq!(write_store(&src, &file, &key)?.entries, 100);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file)?.permissions().mode() & 0o777,
            0o600
        );
        let raw = std::fs::read(&file)?;
        assert!(
            !raw.windows(10).any(|w| w == [7u8; 10]),
            "the file is encrypted"
        );
        let dst = SledStore::open(&dir.path().join("c"))?;
        dst.apply(vec![(b"stale".to_vec(), Some(b"x".to_vec()))])?;
        let wrong = BackupKey::new("wrong horse battery")?;
        assert!(matches!(
            restore_store(&dst, &file, &wrong),
            Err(StoreError::Backup(_))
        ));
        assert_eq!(dst.get(b"stale")?, Some(b"x".to_vec()), "nothing restored");
        assert_eq!(restore_store(&dst, &file, &key)?, 100);
        assert_eq!(dst.get(b"stale")?, None);
        assert_eq!(dst.get(&7u32.to_be_bytes())?, Some(vec![7u8; 10]));
        let mut bytes = std::fs::read(&file)?;
        let mid = bytes.len() / 2;
        bytes[mid] ^= 1;
        std::fs::write(&file, bytes)?;
        assert!(matches!(
            restore_store(&dst, &file, &key),
            Err(StoreError::Backup(_))
        ));
        assert_eq!(dst.get(&7u32.to_be_bytes())?, Some(vec![7u8; 10]));
        Ok(())
    }
}

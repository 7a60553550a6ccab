//! Durable key-value storage behind a trait, so the engine can change (sled today; a distributed
//! transactional store for a multi-tenant deployment later) without touching the services.

mod cold;
mod sled_store;
mod wal;

pub use sled_store::{CHECKPOINT_BYTES, DEFAULT_CACHE_BYTES, SledStore};
pub(crate) use sled_store::{load_derived_in, save_derived_in};

/// A storage failure. Every variant is an operator problem, never a user's.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The engine reported an error.
    #[error("storage engine: {0}")]
    Engine(String),
    /// A stored value could not be decoded.
    #[error("corrupt value under key {key}: {reason}")]
    Corrupt {
        /// The key, printable.
        key: String,
        /// What failed.
        reason: String,
    },
    /// The store was written by a newer version of the server.
    #[error(
        "the store at {path} has schema version {found}, newer than this server's {supported}; \
         run a newer infogroups-server or restore a backup"
    )]
    NewerSchema {
        /// Where the store is.
        path: String,
        /// The schema version found.
        found: u32,
        /// The newest this build understands.
        supported: u32,
    },
    /// The data directory is locked by another process (a running server).
    #[error(
        "the store at {0} is in use by another process (a running server?); stop it first or use the API"
    )]
    Locked(String),
    /// A backup file is damaged or not a backup.
    #[error("backup file: {0}")]
    Backup(String),
    /// File input/output failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// The smallest key after every key that starts with `prefix` (`None`: no such key).
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

/// A visitor over entries (backups).
pub type Visitor<'a> = &'a mut dyn FnMut(&[u8], &[u8]) -> Result<(), StoreError>;

/// A key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// One write of a batch: a value to put, or `None` to remove the key.
pub type Write = (Vec<u8>, Option<Vec<u8>>);

/// What runs at each checkpoint of the store, once the engine's own state is durable: where the
/// owner of state derived from the store (the fact tables) saves it with [`Store::save_derived`].
pub type CheckpointHook = Box<dyn Fn() + Send + Sync>;

/// An ordered key-value store with atomic batches and an explicit durability point.
///
/// Callers serialise writers themselves (one writer at a time); the store only promises that a
/// batch is applied entirely or not at all, and that after `flush` returns every applied batch
/// survives a crash.
pub trait Store: Send + Sync + 'static {
    /// The value under `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// Up to `limit` entries whose keys start with `prefix`, ascending, strictly after `after`.
    fn scan(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError>;
    /// Up to `limit` entries whose keys start with `prefix`, descending, strictly before `before`.
    fn scan_rev(
        &self,
        prefix: &[u8],
        before: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError>;
    /// Applies all writes atomically (not yet durable).
    fn apply(&self, batch: Vec<Write>) -> Result<(), StoreError>;
    /// Makes every applied batch durable.
    fn flush(&self) -> Result<(), StoreError>;
    /// Visits every entry in key order (backups).
    fn for_each(&self, f: Visitor<'_>) -> Result<(), StoreError>;
    /// Removes everything (restore into an existing directory).
    fn clear(&self) -> Result<(), StoreError>;
    /// Moves the entries under `prefix` up to and including `through` out of the engine's working
    /// set into cold storage, for append-only history whose old entries are rarely read. They stay
    /// readable through every method above; a crash at any point loses none of them. Returns how
    /// many entries were newly archived. Callers archive only entries already durable, and not
    /// while a whole-store read (a backup) is in progress.
    fn archive(&self, prefix: &[u8], through: &[u8]) -> Result<usize, StoreError>;
    /// The last key under `prefix` in cold storage.
    fn archived_through(&self, prefix: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// Sets what runs at each checkpoint (replacing any earlier hook). The hook runs on the
    /// thread that flushes, with the flush not yet returned: it must not apply or flush.
    fn set_checkpoint_hook(&self, hook: CheckpointHook);
    /// Durably replaces the saved snapshot of derived state (a crash leaves the old one or the
    /// new one whole). It is not part of the store's entries: backups leave it out, and
    /// [`Store::clear`] removes it.
    fn save_derived(&self, bytes: &[u8]) -> Result<(), StoreError>;
    /// The snapshot [`Store::save_derived`] saved last, if any.
    fn load_derived(&self) -> Result<Option<Vec<u8>>, StoreError>;
}

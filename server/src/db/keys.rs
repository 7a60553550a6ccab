//! The key layout of the store. Every key starts with a one-letter space so that a tenant prefix
//! can be put in front of all of them later.

use crate::entity::Kind;

/// Entities: `e` kind `/` id.
pub fn entity(kind: Kind, id: u64) -> Vec<u8> {
    let mut k = entity_prefix(kind);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The prefix of all entities of one kind.
pub fn entity_prefix(kind: Kind) -> Vec<u8> {
    vec![b'e', kind as u8, b'/']
}

/// The event log: `v/` seq.
pub fn event(seq: u64) -> Vec<u8> {
    let mut k = EVENT_PREFIX.to_vec();
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// The prefix of the event log.
pub const EVENT_PREFIX: &[u8] = b"v/";

/// The audit log: `a/` seq.
pub fn audit(seq: u64) -> Vec<u8> {
    let mut k = AUDIT_PREFIX.to_vec();
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// The prefix of the audit log.
pub const AUDIT_PREFIX: &[u8] = b"a/";

/// A create's request id, scoped by the user who sent it: `r/` user `/` request id.
pub fn request(user_id: u64, request_id: &str) -> Vec<u8> {
    let mut k = b"r/".to_vec();
    k.extend_from_slice(&user_id.to_be_bytes());
    k.push(b'/');
    k.extend_from_slice(request_id.as_bytes());
    k
}

/// A unique index: `x/` name `/` value.
pub fn unique(index: &str, value: &str) -> Vec<u8> {
    let mut k = b"x/".to_vec();
    k.extend_from_slice(index.as_bytes());
    k.push(b'/');
    k.extend_from_slice(value.as_bytes());
    k
}

/// A session by token hash: `s/` hash.
pub fn session(token_hash: &[u8]) -> Vec<u8> {
    let mut k = b"s/".to_vec();
    k.extend_from_slice(token_hash);
    k
}

/// A user's password hash: `k/` user.
pub fn credential(user_id: u64) -> Vec<u8> {
    let mut k = b"k/".to_vec();
    k.extend_from_slice(&user_id.to_be_bytes());
    k
}

/// A user's SSH public keys: `p/` user.
pub fn ssh_keys(user_id: u64) -> Vec<u8> {
    let mut k = b"p/".to_vec();
    k.extend_from_slice(&user_id.to_be_bytes());
    k
}

/// The next id of a kind: `m/id/` kind.
pub fn next_id(kind: Kind) -> Vec<u8> {
    vec![b'm', b'/', b'i', b'd', b'/', kind as u8]
}

/// A named counter (numbers per year): `m/counter/` name.
pub fn counter(name: &str) -> Vec<u8> {
    let mut k = b"m/counter/".to_vec();
    k.extend_from_slice(name.as_bytes());
    k
}

/// A file kept on a record: `f/` kind `/` record id, file id → its description.
pub fn attachment(kind: Kind, record_id: u64, id: u64) -> Vec<u8> {
    let mut k = attachment_prefix(kind, record_id);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The prefix of the files kept on one record.
pub fn attachment_prefix(kind: Kind, record_id: u64) -> Vec<u8> {
    let mut k = vec![b'f', kind as u8, b'/'];
    k.extend_from_slice(&record_id.to_be_bytes());
    k
}

/// One chunk of a file's bytes: `z/` file id, chunk index.
pub fn attachment_chunk(id: u64, index: u32) -> Vec<u8> {
    let mut k = b"z/".to_vec();
    k.extend_from_slice(&id.to_be_bytes());
    k.extend_from_slice(&index.to_be_bytes());
    k
}

/// The schema version.
pub const SCHEMA: &[u8] = b"m/schema";

/// Reads a big-endian u64 from the last eight bytes of a key.
pub fn trailing_u64(key: &[u8]) -> Option<u64> {
    let tail: [u8; 8] = key.get(key.len().checked_sub(8)?..)?.try_into().ok()?;
    Some(u64::from_be_bytes(tail))
}

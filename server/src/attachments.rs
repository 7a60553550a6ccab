//! Files kept on records, in the store. A file is its description under the record
//! (`f/` kind, record, id) and its bytes in chunks of [`CHUNK_BYTES`] (`z/` id, index), never one
//! huge value. The description and every chunk are staged in the one write that keeps the file,
//! so a crash at any point leaves the whole file or nothing: there are no half-written files to
//! clean up at a start. Backups copy every entry, so they carry the files with the records.

use infogroups_shared::attachment::CHUNK_BYTES;
use infogroups_shared::pb;
use sha2::{Digest, Sha256};

use crate::db::{Db, Tx, decode, keys};
use crate::entity::Kind;
use crate::store::StoreError;

/// The audit action of keeping a file on a record.
pub const ATTACH_ACTION: &str = "attach";

/// The named counter that numbers files.
const COUNTER: &str = "attachment";

/// The entity kind a record kind of the API names; none for one files are not kept on.
pub fn kind_of(kind: pb::RecordKind) -> Option<Kind> {
    match kind {
        pb::RecordKind::Meeting => Some(Kind::Meeting),
        pb::RecordKind::Appeal => Some(Kind::Appeal),
        pb::RecordKind::ReceptionCard => Some(Kind::ReceptionCard),
        pb::RecordKind::Assignment => Some(Kind::Assignment),
        pb::RecordKind::Unspecified => None,
    }
}

/// The record kind of the API for an entity kind files are kept on.
pub fn record_kind(kind: Kind) -> pb::RecordKind {
    match kind {
        Kind::Meeting => pb::RecordKind::Meeting,
        Kind::Appeal => pb::RecordKind::Appeal,
        Kind::ReceptionCard => pb::RecordKind::ReceptionCard,
        Kind::Assignment => pb::RecordKind::Assignment,
        _ => pb::RecordKind::Unspecified,
    }
}

/// A file about to be kept: everything but what the store assigns.
#[derive(Debug, Clone)]
pub struct NewFile {
    /// The record's kind.
    pub kind: Kind,
    /// The record's id.
    pub record_id: u64,
    /// The record's version, for the audit record.
    pub record_version: u64,
    /// The file's name (checked).
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Stages a file: its description, its chunks and an audit record, all in this write. Returns
/// the description.
pub fn stage(tx: &mut Tx<'_>, file: &NewFile) -> Result<pb::Attachment, StoreError> {
    let id = tx.next_number(COUNTER)?;
    let mut chunks = 0u32;
    for (index, chunk) in (0u32..).zip(file.bytes.chunks(CHUNK_BYTES)) {
        tx.put_raw(keys::attachment_chunk(id, index), chunk.to_vec());
        chunks = index + 1;
    }
    let described = pb::Attachment {
        id,
        record: Some(pb::RecordRef {
            kind: record_kind(file.kind) as i32,
            id: file.record_id,
        }),
        file_name: file.file_name.clone(),
        size: file.bytes.len() as u64,
        media_type: file.media_type.clone(),
        sha256: hex::encode(Sha256::digest(&file.bytes)),
        uploaded_by: tx.actor_id(),
        uploaded_at_ms: tx.now_ms(),
        chunks,
    };
    tx.put_raw(
        keys::attachment(file.kind, file.record_id, id),
        prost::Message::encode_to_vec(&described),
    );
    tx.audit(
        file.kind,
        file.record_id,
        ATTACH_ACTION,
        file.record_version,
    );
    Ok(described)
}

/// The files kept on a record, oldest first.
pub fn list(db: &Db, kind: Kind, record_id: u64) -> Result<Vec<pb::Attachment>, StoreError> {
    let prefix = keys::attachment_prefix(kind, record_id);
    let mut out = Vec::new();
    let mut after: Option<Vec<u8>> = None;
    loop {
        let page = db.store().scan(&prefix, after.as_deref(), 256)?;
        let Some((last, _)) = page.last() else { break };
        after = Some(last.clone());
        for (k, v) in &page {
            out.push(decode(k, v)?);
        }
    }
    Ok(out)
}

/// One file kept on a record.
pub fn get(
    db: &Db,
    kind: Kind,
    record_id: u64,
    id: u64,
) -> Result<Option<pb::Attachment>, StoreError> {
    let key = keys::attachment(kind, record_id, id);
    db.get_raw(&key)?.map(|v| decode(&key, &v)).transpose()
}

/// The bytes of one chunk of a file; a missing chunk is a damaged store.
pub fn chunk(db: &Db, file: &pb::Attachment, index: u32) -> Result<Vec<u8>, StoreError> {
    let key = keys::attachment_chunk(file.id, index);
    db.get_raw(&key)?.ok_or_else(|| StoreError::Corrupt {
        key: format!("attachment {} chunk {index}", file.id),
        reason: "missing".into(),
    })
}

/// Stages the removal of files: their descriptions and every chunk.
pub fn stage_removal(tx: &mut Tx<'_>, kind: Kind, record_id: u64, files: &[pb::Attachment]) {
    for f in files {
        for index in 0..f.chunks {
            tx.remove_raw(keys::attachment_chunk(f.id, index));
        }
        tx.remove_raw(keys::attachment(kind, record_id, f.id));
    }
}

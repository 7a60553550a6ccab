//! An integrity check of a whole store (after a crash, or of a restored backup): every value
//! decodes, the event and audit logs have no gap, ids stay below their counters, and every entity
//! agrees with the newest event about it; every file kept on a record has all its chunks, of its
//! size and SHA-256, and no chunk is left without its file.

use std::collections::{BTreeMap, HashMap};

use infogroups_shared::pb;
use prost::Message;
use sha2::{Digest, Sha256};

use crate::db::{SCHEMA_VERSION, keys};
use crate::entity::Kind;
use crate::store::{Store, StoreError};

/// What a sound store holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Store entries of every kind.
    pub entries: u64,
    /// Entities.
    pub entities: u64,
    /// The first and last event sequence numbers (0, 0 without events).
    pub events: (u64, u64),
    /// The first and last audit sequence numbers (0, 0 without records).
    pub audits: (u64, u64),
    /// Files kept on records.
    pub files: u64,
}

/// A file's chunks as read in key order: how many, how many bytes, their SHA-256 so far.
#[derive(Default)]
struct Chunks {
    count: u32,
    bytes: u64,
    sha: Sha256,
    /// A chunk came out of order (one is missing before it).
    gap: bool,
}

/// Why a store failed the check.
#[derive(Debug, thiserror::Error)]
pub enum IntegrityError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// What is wrong, one line per problem (the first 100).
    #[error("{} problem(s): {}", .0.len(), .0.join("; "))]
    Problems(Vec<String>),
}

/// At most this many problems are reported; one broken invariant tends to repeat.
const MAX_PROBLEMS: usize = 100;

fn kind_of(byte: u8) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| *k as u8 == byte)
}

/// The metadata of a stored entity of `kind`.
fn meta_of(kind: Kind, bytes: &[u8]) -> Result<Option<pb::Meta>, prost::DecodeError> {
    Ok(match kind {
        Kind::User => pb::User::decode(bytes)?.meta,
        Kind::Territory => pb::Territory::decode(bytes)?.meta,
        Kind::Venue => pb::Venue::decode(bytes)?.meta,
        Kind::Department => pb::Department::decode(bytes)?.meta,
        Kind::Organisation => pb::Organisation::decode(bytes)?.meta,
        Kind::Group => pb::Group::decode(bytes)?.meta,
        Kind::Meeting => pb::Meeting::decode(bytes)?.meta,
        Kind::Assignment => pb::Assignment::decode(bytes)?.meta,
        Kind::Appeal => pb::Appeal::decode(bytes)?.meta,
        Kind::ReceptionCard => pb::ReceptionCard::decode(bytes)?.meta,
        Kind::Notification => pb::Notification::decode(bytes)?.meta,
    })
}

/// The kind and metadata of the entity an event carries.
fn event_entity(ev: &pb::Event) -> Option<(Kind, pb::Meta)> {
    use pb::event::Entity as E;
    let (kind, meta) = match ev.entity.as_ref()? {
        E::User(x) => (Kind::User, x.meta),
        E::Territory(x) => (Kind::Territory, x.meta),
        E::Venue(x) => (Kind::Venue, x.meta),
        E::Department(x) => (Kind::Department, x.meta),
        E::Organisation(x) => (Kind::Organisation, x.meta),
        E::Group(x) => (Kind::Group, x.meta),
        E::Meeting(x) => (Kind::Meeting, x.meta),
        E::Assignment(x) => (Kind::Assignment, x.meta),
        E::Appeal(x) => (Kind::Appeal, x.meta),
        E::ReceptionCard(x) => (Kind::ReceptionCard, x.meta),
        E::Notification(x) => (Kind::Notification, x.meta),
    };
    Some((kind, meta?))
}

/// Collects problems, keeping the first [`MAX_PROBLEMS`].
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, p: String) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(p);
        }
    }
}

/// Checks a run of sequence numbers read in key order: it must go up by one from its first.
fn check_run(name: &str, seqs: &[u64], problems: &mut Problems) -> (u64, u64) {
    for pair in seqs.windows(2) {
        if pair[1] != pair[0] + 1 {
            problems.add(format!("{name} log jumps from {} to {}", pair[0], pair[1]));
        }
    }
    (
        seqs.first().copied().unwrap_or(0),
        seqs.last().copied().unwrap_or(0),
    )
}

/// Reads the whole store once and checks it. Needs no running server.
pub fn check(store: &dyn Store) -> Result<Report, IntegrityError> {
    let mut problems = Problems::default();
    let mut report = Report::default();
    let mut versions: HashMap<(Kind, u64), u64> = HashMap::new();
    let mut next_ids: HashMap<Kind, u64> = HashMap::new();
    // (kind, id) → the newest version an event carries.
    let mut newest_event: HashMap<(Kind, u64), u64> = HashMap::new();
    let mut event_seqs = Vec::new();
    let mut audit_seqs = Vec::new();
    let mut schema = None;
    // File id → (the record it is kept on, its description).
    let mut files: BTreeMap<u64, ((Kind, u64), pb::Attachment)> = BTreeMap::new();
    let mut chunks: BTreeMap<u64, Chunks> = BTreeMap::new();
    store.for_each(&mut |k, v| {
        report.entries += 1;
        let printable = || String::from_utf8_lossy(k).into_owned();
        if k == keys::SCHEMA {
            schema = <[u8; 4]>::try_from(v).ok().map(u32::from_be_bytes);
        } else if let Some(rest) = k.strip_prefix(keys::EVENT_PREFIX) {
            let seq = keys::trailing_u64(rest).filter(|_| rest.len() == 8);
            match (seq, pb::Event::decode(v)) {
                (Some(seq), Ok(ev)) if ev.seq == seq => {
                    event_seqs.push(seq);
                    match event_entity(&ev) {
                        Some((kind, meta)) => {
                            let newest = newest_event.entry((kind, meta.id)).or_default();
                            *newest = (*newest).max(meta.version);
                        }
                        None => problems.add(format!("event {seq} carries no entity")),
                    }
                }
                (Some(seq), Ok(ev)) => {
                    problems.add(format!("event key {seq} holds event {}", ev.seq));
                }
                (_, Err(e)) => problems.add(format!("event {} does not decode: {e}", printable())),
                (None, _) => problems.add(format!("malformed event key {:?}", printable())),
            }
        } else if let Some(rest) = k.strip_prefix(keys::AUDIT_PREFIX) {
            match (
                keys::trailing_u64(rest).filter(|_| rest.len() == 8),
                pb::AuditRecord::decode(v),
            ) {
                (Some(seq), Ok(r)) if r.seq == seq => audit_seqs.push(seq),
                _ => problems.add(format!("audit record {:?} is damaged", printable())),
            }
        } else if let [b'e', kind, b'/', id @ ..] = k {
            let kind = kind_of(*kind);
            let id = <[u8; 8]>::try_from(id).ok().map(u64::from_be_bytes);
            match (kind, id) {
                (Some(kind), Some(id)) => match meta_of(kind, v) {
                    Ok(Some(meta)) if meta.id == id => {
                        report.entities += 1;
                        versions.insert((kind, id), meta.version);
                    }
                    Ok(_) => problems.add(format!("{} {id} has foreign metadata", kind.name())),
                    Err(e) => problems.add(format!("{} {id} does not decode: {e}", kind.name())),
                },
                _ => problems.add(format!("malformed entity key {:?}", printable())),
            }
        } else if let Some(rest) = k.strip_prefix(b"z/").filter(|r| r.len() == 12) {
            let id = keys::trailing_u64(&rest[..8]).unwrap_or(0);
            let index = u32::from_be_bytes([rest[8], rest[9], rest[10], rest[11]]);
            let c = chunks.entry(id).or_default();
            c.gap |= index != c.count;
            c.count += 1;
            c.bytes += v.len() as u64;
            c.sha.update(v);
        } else if k.first() == Some(&b'f')
            && k.get(2) == Some(&b'/')
            && k.len() == 19
            && let Some(kind) = k.get(1).copied().and_then(kind_of)
        {
            let record = keys::trailing_u64(&k[3..11]).unwrap_or(0);
            match pb::Attachment::decode(v) {
                Ok(a) if keys::trailing_u64(k) == Some(a.id) => {
                    files.insert(a.id, ((kind, record), a));
                }
                _ => problems.add(format!("malformed file description {:?}", printable())),
            }
        } else if let Some(kind) = k.strip_prefix(b"m/id/") {
            match (
                kind.first().copied().and_then(kind_of),
                <[u8; 8]>::try_from(v),
            ) {
                (Some(kind), Ok(next)) if kind_len_ok(k) => {
                    next_ids.insert(kind, u64::from_be_bytes(next));
                }
                _ => problems.add(format!("malformed id counter {:?}", printable())),
            }
        }
        Ok(())
    })?;

    match schema {
        Some(v) if v <= SCHEMA_VERSION => {}
        Some(v) => problems.add(format!("schema version {v} is newer than {SCHEMA_VERSION}")),
        None => problems.add("no schema version".into()),
    }
    report.events = check_run("event", &event_seqs, &mut problems);
    report.audits = check_run("audit", &audit_seqs, &mut problems);
    // Sorted, so the report reads the same every time.
    let sorted: BTreeMap<_, _> = versions.iter().collect();
    for (&(kind, id), &version) in sorted {
        let next = next_ids.get(&kind).copied().unwrap_or(1);
        if id >= next {
            problems.add(format!(
                "{} {id} is not below its id counter {next}",
                kind.name()
            ));
        }
        match newest_event.get(&(kind, id)) {
            Some(&newest) if newest != version => problems.add(format!(
                "{} {id} is at version {version} but its newest event carries {newest}",
                kind.name()
            )),
            Some(_) => {}
            // A log that starts at 1 was never trimmed: every entity was announced.
            None if report.events.0 <= 1 => {
                problems.add(format!("{} {id} has no event", kind.name()));
            }
            None => {}
        }
    }
    report.files = files.len() as u64;
    for (id, ((kind, record), a)) in &files {
        if !versions.contains_key(&(*kind, *record)) {
            problems.add(format!(
                "file {id} is kept on {} {record}, which is missing",
                kind.name()
            ));
        }
        match chunks.remove(id) {
            Some(c) => {
                let (count, bytes, gap) = (c.count, c.bytes, c.gap);
                let sha = hex::encode(c.sha.finalize());
                if gap || count != a.chunks || bytes != a.size || sha != a.sha256 {
                    problems.add(format!(
                        "file {id} has {count} chunk(s) of {bytes} bytes, its description \
                         says {} of {}, or its SHA-256 differs",
                        a.chunks, a.size
                    ));
                }
            }
            None if a.chunks == 0 && a.size == 0 => {}
            None => problems.add(format!("file {id} has none of its chunks")),
        }
    }
    for id in chunks.keys() {
        problems.add(format!("chunks of file {id} without its description"));
    }
    let mut orphans: Vec<_> = newest_event
        .keys()
        .filter(|key| !versions.contains_key(key))
        .collect();
    orphans.sort();
    for (kind, id) in orphans {
        problems.add(format!(
            "an event names {} {id}, which is missing",
            kind.name()
        ));
    }
    if problems.0.is_empty() {
        Ok(report)
    } else {
        Err(IntegrityError::Problems(problems.0))
    }
}

/// An id counter's key is `m/id/` and one kind byte.
fn kind_len_ok(key: &[u8]) -> bool {
    key.len() == b"m/id/".len() + 1
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::Clock;
    use crate::db::Db;
    use crate::store::SledStore;

    #[tokio::test]
    async fn a_written_store_passes_and_a_lost_event_or_entity_is_named()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = Arc::new(SledStore::open(dir.path())?);
        let db = Db::open(store.clone(), Clock::manual(1_000), "t")?;
        for name in ["А", "Б", "В"] {
            db.write(1, |tx| {
                tx.create(
                    pb::Territory {
                        name: name.into(),
                        ..Default::default()
                    },
                    None,
                )
            })
            .await?;
        }
        db.close().await?;
        let report = check(store.as_ref())?;
        assert_eq!((report.entities, report.events), (3, (1, 3)));

        store.apply(vec![(keys::event(2), None)])?;
        let message = check(store.as_ref()).err().map(|e| e.to_string());
        assert!(
            message.as_deref().is_some_and(
                |m| m.contains("jumps from 1 to 3") && m.contains("territory 2 has no event")
            ),
            "{message:?}"
        );
        store.apply(vec![(keys::entity(Kind::Territory, 3), None)])?;
        let message = check(store.as_ref()).err().map(|e| e.to_string());
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.contains("names territory 3, which is missing")),
            "{message:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_file_missing_a_chunk_or_a_chunk_without_its_file_is_named()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = Arc::new(SledStore::open(dir.path())?);
        let db = Db::open(store.clone(), Clock::manual(1_000), "t")?;
        let kept = db
            .write(1, |tx| {
                let m = tx.create(pb::Meeting::default(), None)?;
                let file = crate::attachments::NewFile {
                    kind: Kind::Meeting,
                    record_id: m.meta.map_or(0, |x| x.id),
                    record_version: 1,
                    file_name: "скан.pdf".into(),
                    media_type: "application/pdf".into(),
                    bytes: vec![5u8; 600_000],
                };
                Ok(crate::attachments::stage(tx, &file)?)
            })
            .await?;
        db.close().await?;
        assert_eq!(kept.chunks, 3);
        assert_eq!(check(store.as_ref())?.files, 1);

        store.apply(vec![(keys::attachment_chunk(kept.id, 1), None)])?;
        let message = check(store.as_ref()).err().map(|e| e.to_string());
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.contains(&format!("file {} has 2 chunk(s)", kept.id))),
            "{message:?}"
        );
        store.apply(vec![(keys::attachment_chunk(99, 0), Some(b"x".to_vec()))])?;
        let message = check(store.as_ref()).err().map(|e| e.to_string());
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.contains("chunks of file 99 without its description")),
            "{message:?}"
        );
        Ok(())
    }
}

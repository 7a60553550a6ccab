//! Records kept in their protobuf encoding: the form of the replica's biggest table. An
//! assignment decoded is about 660 bytes on the heap (a 384-byte struct, its strings and lists);
//! encoded it is about 230, and decoding one takes well under a microsecond — so a list of 100,000
//! keeps its memory small and still decodes only the rows it draws.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use prost::Message;

use crate::replica::entity::Entity;

/// One record, encoded, with the id and version the table needs without decoding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed<T> {
    id: u64,
    version: u64,
    body: Box<[u8]>,
    kind: PhantomData<fn() -> T>,
}

impl<T: Entity + Message + Default> Packed<T> {
    /// Encodes `item`.
    pub fn pack(item: &T) -> Self {
        Self {
            id: item.id(),
            version: item.version(),
            body: item.encode_to_vec().into_boxed_slice(),
            kind: PhantomData,
        }
    }

    /// Takes an encoding off the wire, checking that its fields are whole (the id and version
    /// come from it). Only `meta` is decoded: a snapshot brings 100,000 assignments, and decoding
    /// each in full here, only to drop it, was a third of the client's work on it.
    pub fn from_wire(body: Vec<u8>) -> Result<Self, prost::DecodeError> {
        let meta = Head::decode(body.as_slice())?.meta.unwrap_or_default();
        Ok(Self {
            id: meta.id,
            version: meta.version,
            body: body.into_boxed_slice(),
            kind: PhantomData,
        })
    }

    /// The record's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The encoding.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The record, decoded. Only the server's encodings get here, their fields checked whole
    /// off the wire, so this cannot fail in practice; a record that somehow does not decode
    /// reads as absent.
    pub fn unpack(&self) -> Option<T> {
        T::decode(&self.body[..]).ok()
    }
}

/// An entity's encoding read for its `meta` alone, field 1 of every entity the replica holds;
/// the other fields are skipped, their lengths checked but their contents not decoded.
#[derive(Clone, PartialEq, Message)]
struct Head {
    #[prost(message, optional, tag = "1")]
    meta: Option<infogroups_shared::pb::Meta>,
}

/// A packed slot: the version (compared on every upsert) and the body.
#[derive(Debug, Clone)]
struct Slot {
    version: u64,
    body: Box<[u8]>,
}

/// The entities of one kind, by id, kept encoded. Reading decodes: `get` and `iter` give owned
/// records.
#[derive(Debug, Clone)]
pub struct PackedTable<T> {
    rows: BTreeMap<u64, Slot>,
    kind: PhantomData<fn() -> T>,
}

impl<T> Default for PackedTable<T> {
    fn default() -> Self {
        Self {
            rows: BTreeMap::new(),
            kind: PhantomData,
        }
    }
}

impl<T: Entity + Message + Default> PackedTable<T> {
    /// One entity.
    pub fn get(&self, id: u64) -> Option<T> {
        self.rows.get(&id).and_then(|s| T::decode(&s.body[..]).ok())
    }

    /// All entities, by id.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.rows
            .values()
            .filter_map(|s| T::decode(&s.body[..]).ok())
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Replaces everything.
    pub fn replace_all(&mut self, items: Vec<Packed<T>>) {
        self.rows = items
            .into_iter()
            .map(|p| {
                let slot = Slot {
                    version: p.version,
                    body: p.body,
                };
                (p.id, slot)
            })
            .collect();
    }

    /// Stores `item` unless the table already holds this version or a newer one (a snapshot may
    /// be ahead of its own sequence number, and an RPC answer may arrive before its event).
    /// Returns whether anything changed.
    pub fn upsert(&mut self, item: &T) -> bool {
        match self.rows.get(&item.id()) {
            Some(held) if held.version >= item.version() => false,
            _ => {
                let p = Packed::pack(item);
                let slot = Slot {
                    version: p.version,
                    body: p.body,
                };
                self.rows.insert(p.id, slot);
                true
            }
        }
    }

    /// Drops the entity unless the table holds a newer version than the removal's.
    pub fn remove(&mut self, item: &T) -> bool {
        match self.rows.get(&item.id()) {
            Some(held) if held.version > item.version() => false,
            Some(_) => {
                self.rows.remove(&item.id());
                true
            }
            None => false,
        }
    }

    /// Applies one event's action.
    pub fn apply(&mut self, action: infogroups_shared::pb::EventAction, item: &T) -> bool {
        if action == infogroups_shared::pb::EventAction::Removed {
            self.remove(item)
        } else {
            self.upsert(item)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infogroups_shared::pb;

    fn assignment(id: u64, version: u64, text: &str) -> pb::Assignment {
        pb::Assignment {
            meta: Some(pb::Meta {
                id,
                version,
                ..Default::default()
            }),
            text: text.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_record_comes_back_as_it_went_in() {
        let a = assignment(7, 3, "Убрать двор");
        let p = Packed::pack(&a);
        assert_eq!(p.id(), 7);
        assert_eq!(p.unpack(), Some(a.clone()));
        let wire = Packed::<pb::Assignment>::from_wire(a.encode_to_vec());
        assert_eq!(wire, Ok(p));
    }

    #[test]
    fn a_body_that_does_not_decode_is_refused_off_the_wire() {
        assert!(Packed::<pb::Assignment>::from_wire(vec![0x0a, 0xff]).is_err());
        // A field after `meta` that runs past the end: skipped, but not unchecked.
        let mut body = assignment(7, 3, "Убрать двор").encode_to_vec();
        body.extend([0x1a, 0x05, b'a']);
        assert!(Packed::<pb::Assignment>::from_wire(body).is_err());
    }

    #[test]
    fn older_versions_do_not_replace_newer_ones() {
        let mut t = PackedTable::<pb::Assignment>::default();
        t.replace_all(vec![Packed::pack(&assignment(1, 5, "пять"))]);
        assert!(!t.upsert(&assignment(1, 4, "четыре")));
        assert!(!t.upsert(&assignment(1, 5, "снова пять")));
        assert!(t.upsert(&assignment(1, 6, "шесть")));
        assert_eq!(t.get(1).map(|a| a.text), Some("шесть".into()));
        assert!(!t.remove(&assignment(1, 5, "")));
        assert!(t.apply(pb::EventAction::Removed, &assignment(1, 6, "")));
        assert!(t.is_empty());
        assert!(t.upsert(&assignment(2, 1, "два")));
        assert_eq!(t.iter().map(|a| a.text).collect::<Vec<_>>(), vec!["два"]);
        assert_eq!(t.len(), 1);
    }
}

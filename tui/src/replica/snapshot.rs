//! The snapshot as the client takes it off the wire: every table decoded except the assignments,
//! which go straight into their packed form (see [`crate::replica::packed`]). Decoding them whole first
//! would hold the city's assignments twice over at the moment of loading, and the heap would keep
//! that peak.

use infogroups_shared::pb;
use prost::bytes::{Buf, BufMut};
use prost::encoding::{self, DecodeContext, WireType};
use prost::{DecodeError, Message};

use crate::replica::packed::Packed;

/// `SnapshotResponse.assignments`' field number (a test holds it to the generated type).
const ASSIGNMENTS: u32 = 9;

/// A `SnapshotResponse` with its assignments kept encoded; the same bytes on the wire.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Everything but the assignments.
    pub rest: pb::SnapshotResponse,
    /// The assignments, encoded.
    pub assignments: Vec<Packed<pb::Assignment>>,
}

impl From<pb::SnapshotResponse> for Snapshot {
    fn from(mut rest: pb::SnapshotResponse) -> Self {
        let assignments = std::mem::take(&mut rest.assignments)
            .iter()
            .map(Packed::pack)
            .collect();
        Self { rest, assignments }
    }
}

impl Message for Snapshot {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        self.rest.encode_raw(buf);
        for a in &self.assignments {
            encoding::encode_key(ASSIGNMENTS, WireType::LengthDelimited, buf);
            encoding::encode_varint(a.body().len() as u64, buf);
            buf.put_slice(a.body());
        }
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        if tag == ASSIGNMENTS {
            let mut body = Vec::new();
            encoding::bytes::merge(wire_type, &mut body, buf, ctx)?;
            self.assignments.push(Packed::from_wire(body)?);
            Ok(())
        } else {
            self.rest.merge_field(tag, wire_type, buf, ctx)
        }
    }

    fn encoded_len(&self) -> usize {
        self.rest.encoded_len()
            + self
                .assignments
                .iter()
                .map(|a| {
                    let len = a.body().len();
                    encoding::key_len(ASSIGNMENTS) + encoding::encoded_len_varint(len as u64) + len
                })
                .sum::<usize>()
    }

    fn clear(&mut self) {
        self.rest.clear();
        self.assignments.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: u64) -> Option<pb::Meta> {
        Some(pb::Meta {
            id,
            version: 1,
            ..Default::default()
        })
    }

    /// A snapshot with something in every table, so a field read under the wrong number shows.
    fn full() -> pb::SnapshotResponse {
        pb::SnapshotResponse {
            seq: 42,
            users: vec![pb::User {
                meta: meta(1),
                full_name: "Иванова А. А.".into(),
                ..Default::default()
            }],
            territories: vec![pb::Territory {
                meta: meta(2),
                ..Default::default()
            }],
            venues: vec![pb::Venue {
                meta: meta(3),
                ..Default::default()
            }],
            departments: vec![pb::Department {
                meta: meta(4),
                ..Default::default()
            }],
            organisations: vec![pb::Organisation {
                meta: meta(5),
                ..Default::default()
            }],
            groups: vec![pb::Group {
                meta: meta(6),
                ..Default::default()
            }],
            meetings: vec![pb::Meeting {
                meta: meta(7),
                ..Default::default()
            }],
            assignments: vec![
                pb::Assignment {
                    meta: meta(8),
                    number: "2026/0008".into(),
                    text: "Отремонтировать освещение".into(),
                    ..Default::default()
                },
                pb::Assignment {
                    meta: meta(9),
                    number: "2026/0009".into(),
                    ..Default::default()
                },
            ],
            appeals: vec![pb::Appeal {
                meta: meta(10),
                ..Default::default()
            }],
            reception_cards: vec![pb::ReceptionCard {
                meta: meta(11),
                ..Default::default()
            }],
            notifications: vec![pb::Notification {
                meta: meta(12),
                ..Default::default()
            }],
            server_time_ms: 1_790_000_000_000,
            settings: Some(pb::Settings {
                appeal_deadline_rule: pb::NonWorkingRule::Previous as i32,
                training_clock: true,
                server_time_ms: 1_790_000_000_000,
            }),
        }
    }

    #[test]
    fn the_wire_form_reads_as_the_generated_type_does() {
        let original = full();
        let bytes = original.encode_to_vec();
        let s = Snapshot::decode(bytes.as_slice()).expect("decodes");
        let mut rest = original.clone();
        let assignments = std::mem::take(&mut rest.assignments);
        assert_eq!(s.rest, rest);
        let unpacked: Vec<_> = s.assignments.iter().filter_map(Packed::unpack).collect();
        assert_eq!(unpacked, assignments);
        assert_eq!(s, Snapshot::from(original.clone()));
        // And back: the same message for anyone reading it with the generated type.
        let again = s.encode_to_vec();
        assert_eq!(again.len(), s.encoded_len());
        assert_eq!(
            pb::SnapshotResponse::decode(again.as_slice()).ok(),
            Some(original)
        );
    }

    #[test]
    fn an_assignment_that_does_not_decode_fails_the_snapshot() {
        let mut bytes = pb::SnapshotResponse {
            seq: 1,
            ..Default::default()
        }
        .encode_to_vec();
        // Field 9, two bytes: a field-1 (meta) key with a length running past the end.
        bytes.extend([0x4a, 0x02, 0x0a, 0x05]);
        assert!(Snapshot::decode(bytes.as_slice()).is_err());
    }
}

//! The fact tables' checkpoint: a compact encoding of the tables with the event they cover, so a
//! start loads it and replays only the events after it instead of decoding every stored entity
//! (at a million appeals, seconds of decoding against a read of the columns).
//!
//! Layout, little-endian: [`MAGIC`], the format version (u32), the sequence of the last event
//! the tables cover (u64) and that event's time (i64, to recognise the same history), the
//! payload's length (u64) and its CRC-32 (u32), then the payload: the columns in a fixed order,
//! each as an element count (u64) and the elements; a string as its length (u32) and UTF-8.
//! Anything else — another version, a checksum that does not match, columns that do not agree —
//! is refused whole, and the caller rebuilds the tables from the store.

use std::collections::HashMap;

use super::{Appeals, Assignments, Codes, Facts, Meeting};

/// What a checkpoint starts with.
const MAGIC: &[u8; 8] = b"IGFACTS\0";

/// The format this build writes and reads; any change to the layout or to what a column means
/// bumps it, and an older checkpoint is then rebuilt once.
pub const VERSION: u32 = 1;

/// Bytes before the payload.
const HEADER: usize = MAGIC.len() + 4 + 8 + 8 + 8 + 4;

/// Why a checkpoint was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SnapshotError {
    /// Not a fact-table checkpoint.
    #[error("not a fact-table checkpoint")]
    NotACheckpoint,
    /// Written by another format version.
    #[error("format version {found}, this build reads {VERSION}")]
    Version {
        /// The version found.
        found: u32,
    },
    /// The payload does not match its checksum.
    #[error("checksum mismatch")]
    Checksum,
    /// Cut short, or columns that do not agree.
    #[error("malformed: {0}")]
    Malformed(&'static str),
}

/// A fixed-size little-endian value.
trait Fixed: Sized + Copy {
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    fn get(bytes: &[u8]) -> Self;
}

macro_rules! fixed {
    ($($t:ty),*) => {$(
        impl Fixed for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
        }
    )*};
}
fixed!(u8, u16, u32, i32, u64, i64);

impl Fixed for bool {
    const SIZE: usize = 1;
    fn put(self, out: &mut Vec<u8>) {
        out.push(u8::from(self));
    }
    fn get(bytes: &[u8]) -> Self {
        bytes[0] != 0
    }
}

fn col<T: Fixed>(out: &mut Vec<u8>, values: &[T]) {
    (values.len() as u64).put(out);
    out.reserve(values.len() * T::SIZE);
    for v in values {
        v.put(out);
    }
}

fn map(out: &mut Vec<u8>, row: &HashMap<u64, u32>) {
    let (ids, rows): (Vec<u64>, Vec<u32>) = row.iter().map(|(k, v)| (*k, *v)).unzip();
    col(out, &ids);
    col(out, &rows);
}

/// A cursor over the payload.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        if n > self.bytes.len() {
            return Err(SnapshotError::Malformed("cut short"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn one<T: Fixed>(&mut self) -> Result<T, SnapshotError> {
        Ok(T::get(self.take(T::SIZE)?))
    }

    fn count(&mut self) -> Result<usize, SnapshotError> {
        usize::try_from(self.one::<u64>()?).map_err(|_| SnapshotError::Malformed("count"))
    }

    fn col<T: Fixed>(&mut self) -> Result<Vec<T>, SnapshotError> {
        let n = self.count()?;
        // Checked before allocating: a damaged count must not ask for terabytes.
        let bytes = self.take(
            n.checked_mul(T::SIZE)
                .ok_or(SnapshotError::Malformed("count"))?,
        )?;
        Ok(bytes.chunks_exact(T::SIZE).map(T::get).collect())
    }

    /// A row map; its rows are checked against the table once the table is read.
    fn map(&mut self) -> Result<HashMap<u64, u32>, SnapshotError> {
        let ids = self.col::<u64>()?;
        let at = self.col::<u32>()?;
        if ids.len() != at.len() {
            return Err(SnapshotError::Malformed("row map"));
        }
        Ok(ids.into_iter().zip(at).collect())
    }
}

fn agree(lens: &[usize], what: &'static str) -> Result<(), SnapshotError> {
    if lens.windows(2).all(|w| w[0] == w[1]) {
        Ok(())
    } else {
        Err(SnapshotError::Malformed(what))
    }
}

impl Facts {
    /// The tables as a checkpoint.
    pub fn encode(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(self.heap_bytes());
        let c = &self.codes;
        (c.names.len() as u64).put(&mut p);
        for name in &c.names {
            (name.len() as u32).put(&mut p);
            p.extend_from_slice(name.as_bytes());
        }
        let has: Vec<bool> = c.ancestors.iter().map(Option::is_some).collect();
        let flat: Vec<u32> = c
            .ancestors
            .iter()
            .flat_map(|a| a.unwrap_or([0; 3]))
            .collect();
        col(&mut p, &has);
        col(&mut p, &flat);

        let a = &self.appeals;
        map(&mut p, &a.row);
        col(&mut p, &a.id);
        col(&mut p, &a.registered);
        col(&mut p, &a.group);
        col(&mut p, &a.territory);
        col(&mut p, &a.channel);
        col(&mut p, &a.kind);
        col(&mut p, &a.status);
        col(&mut p, &a.flags);
        col(&mut p, &a.answered);
        col(&mut p, &a.due);
        col(&mut p, &a.q_start);
        col(&mut p, &a.q_len);
        col(&mut p, &a.q_code);
        col(&mut p, &a.q_result);
        col(&mut p, &a.q_on_site);

        let s = &self.assignments;
        map(&mut p, &s.row);
        col(&mut p, &s.group);
        col(&mut p, &s.department);
        col(&mut p, &s.issued);
        col(&mut p, &s.deadline);
        col(&mut p, &s.completed);
        col(&mut p, &s.status);
        col(&mut p, &s.extended);

        let m = &self.meetings;
        map(&mut p, &self.meeting_row);
        col(&mut p, &m.iter().map(|x| x.group).collect::<Vec<_>>());
        col(&mut p, &m.iter().map(|x| x.date).collect::<Vec<_>>());
        col(&mut p, &m.iter().map(|x| x.status).collect::<Vec<_>>());
        col(&mut p, &m.iter().map(|x| x.venue).collect::<Vec<_>>());
        col(&mut p, &m.iter().map(|x| x.residents).collect::<Vec<_>>());
        col(&mut p, &m.iter().map(|x| x.questions).collect::<Vec<_>>());
        col(&mut p, &m.iter().map(|x| x.on_control).collect::<Vec<_>>());
        let handed = |h: Option<bool>| match h {
            None => 0u8,
            Some(false) => 1,
            Some(true) => 2,
        };
        col(
            &mut p,
            &m.iter().map(|x| handed(x.handed)).collect::<Vec<_>>(),
        );
        col(
            &mut p,
            &m.iter().map(|x| x.late_unhanded).collect::<Vec<_>>(),
        );
        col(
            &mut p,
            &m.iter().map(|x| x.codes.len() as u32).collect::<Vec<_>>(),
        );
        col(
            &mut p,
            &m.iter().flat_map(|x| x.codes.clone()).collect::<Vec<_>>(),
        );

        map(&mut p, &self.card_row);
        col(&mut p, &self.cards.iter().map(|x| x.0).collect::<Vec<_>>());
        col(&mut p, &self.cards.iter().map(|x| x.1).collect::<Vec<_>>());

        let mut out = Vec::with_capacity(HEADER + p.len());
        out.extend_from_slice(MAGIC);
        VERSION.put(&mut out);
        self.seq.put(&mut out);
        self.seq_at_ms.put(&mut out);
        (p.len() as u64).put(&mut out);
        crc32fast::hash(&p).put(&mut out);
        out.extend_from_slice(&p);
        out
    }

    /// The tables of a checkpoint, checked whole: every column agrees with its table, every row
    /// and code it names exists.
    pub fn decode(bytes: &[u8]) -> Result<Self, SnapshotError> {
        let mut r = Reader { bytes };
        if r.take(MAGIC.len()).ok() != Some(&MAGIC[..]) {
            return Err(SnapshotError::NotACheckpoint);
        }
        let found = r.one::<u32>()?;
        if found != VERSION {
            return Err(SnapshotError::Version { found });
        }
        let seq = r.one::<u64>()?;
        let seq_at_ms = r.one::<i64>()?;
        let len = r.count()?;
        let crc = r.one::<u32>()?;
        let payload = r.take(len)?;
        if crc32fast::hash(payload) != crc || !r.bytes.is_empty() {
            return Err(SnapshotError::Checksum);
        }
        let mut r = Reader { bytes: payload };

        let n = r.count()?;
        let mut names = Vec::with_capacity(n.min(payload.len()));
        for _ in 0..n {
            let len = r.one::<u32>()? as usize;
            let name = std::str::from_utf8(r.take(len)?)
                .map_err(|_| SnapshotError::Malformed("code name"))?;
            names.push(name.to_string());
        }
        let has = r.col::<bool>()?;
        let flat = r.col::<u32>()?;
        if has.len() != names.len() || flat.len() != 3 * names.len() {
            return Err(SnapshotError::Malformed("codes"));
        }
        let code_count = names.len();
        let known = |id: u32| (id as usize) < code_count;
        if !flat.iter().all(|id| known(*id)) {
            return Err(SnapshotError::Malformed("code ancestors"));
        }
        let ancestors = has
            .iter()
            .zip(flat.chunks_exact(3))
            .map(|(h, a)| h.then(|| [a[0], a[1], a[2]]))
            .collect();
        let ids: HashMap<String, u32> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        if ids.len() != names.len() {
            return Err(SnapshotError::Malformed("codes repeated"));
        }
        let codes = Codes {
            names,
            ids,
            ancestors,
        };

        let row = r.map()?;
        let a = Appeals {
            row,
            id: r.col()?,
            registered: r.col()?,
            group: r.col()?,
            territory: r.col()?,
            channel: r.col()?,
            kind: r.col()?,
            status: r.col()?,
            flags: r.col()?,
            answered: r.col()?,
            due: r.col()?,
            q_start: r.col()?,
            q_len: r.col()?,
            q_code: r.col()?,
            q_result: r.col()?,
            q_on_site: r.col()?,
        };
        agree(
            &[
                a.id.len(),
                a.registered.len(),
                a.group.len(),
                a.territory.len(),
                a.channel.len(),
                a.kind.len(),
                a.status.len(),
                a.flags.len(),
                a.answered.len(),
                a.due.len(),
                a.q_start.len(),
                a.q_len.len(),
            ],
            "appeal columns",
        )?;
        agree(
            &[a.q_code.len(), a.q_result.len(), a.q_on_site.len()],
            "question columns",
        )?;
        let in_arena = a
            .q_start
            .iter()
            .zip(&a.q_len)
            .all(|(s, l)| *s as usize + usize::from(*l) <= a.q_code.len());
        if !in_arena || !a.q_code.iter().all(|c| known(*c)) {
            return Err(SnapshotError::Malformed("questions"));
        }
        if a.row.values().any(|r| *r as usize >= a.id.len()) {
            return Err(SnapshotError::Malformed("appeal rows"));
        }

        let row = r.map()?;
        let s = Assignments {
            row,
            group: r.col()?,
            department: r.col()?,
            issued: r.col()?,
            deadline: r.col()?,
            completed: r.col()?,
            status: r.col()?,
            extended: r.col()?,
        };
        agree(
            &[
                s.group.len(),
                s.department.len(),
                s.issued.len(),
                s.deadline.len(),
                s.completed.len(),
                s.status.len(),
                s.extended.len(),
            ],
            "assignment columns",
        )?;
        if s.row.values().any(|r| *r as usize >= s.group.len()) {
            return Err(SnapshotError::Malformed("assignment rows"));
        }

        let meeting_row = r.map()?;
        let group = r.col::<u64>()?;
        let date = r.col::<i32>()?;
        let status = r.col::<i32>()?;
        let venue = r.col::<u64>()?;
        let residents = r.col::<u32>()?;
        let questions = r.col::<u32>()?;
        let on_control = r.col::<u32>()?;
        let handed = r.col::<u8>()?;
        let late_unhanded = r.col::<bool>()?;
        let code_lens = r.col::<u32>()?;
        let flat_codes = r.col::<u32>()?;
        let n = group.len();
        agree(
            &[
                n,
                date.len(),
                status.len(),
                venue.len(),
                residents.len(),
                questions.len(),
                on_control.len(),
                handed.len(),
                late_unhanded.len(),
                code_lens.len(),
            ],
            "meeting columns",
        )?;
        let total: u64 = code_lens.iter().map(|l| u64::from(*l)).sum();
        if total != flat_codes.len() as u64 || !flat_codes.iter().all(|c| known(*c)) {
            return Err(SnapshotError::Malformed("meeting codes"));
        }
        if meeting_row.values().any(|r| *r as usize >= n) {
            return Err(SnapshotError::Malformed("meeting rows"));
        }
        let mut at = 0usize;
        let mut meetings = Vec::with_capacity(n);
        for i in 0..n {
            let len = code_lens[i] as usize;
            meetings.push(Meeting {
                group: group[i],
                date: date[i],
                status: status[i],
                venue: venue[i],
                residents: residents[i],
                questions: questions[i],
                on_control: on_control[i],
                handed: match handed[i] {
                    0 => None,
                    1 => Some(false),
                    2 => Some(true),
                    _ => return Err(SnapshotError::Malformed("handover")),
                },
                late_unhanded: late_unhanded[i],
                codes: flat_codes[at..at + len].to_vec(),
            });
            at += len;
        }

        let card_row = r.map()?;
        let days = r.col::<i32>()?;
        let groups = r.col::<u64>()?;
        agree(&[days.len(), groups.len()], "card columns")?;
        if card_row.values().any(|r| *r as usize >= days.len()) {
            return Err(SnapshotError::Malformed("card rows"));
        }
        if !r.bytes.is_empty() {
            return Err(SnapshotError::Malformed("trailing bytes"));
        }
        Ok(Self {
            codes,
            appeals: a,
            assignments: s,
            meetings,
            meeting_row,
            cards: days.into_iter().zip(groups).collect(),
            card_row,
            seq,
            seq_at_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use infogroups_shared::pb;

    use super::super::canonical::view;
    use super::*;

    fn sample() -> Facts {
        let q = |code: &str, result: i32| pb::AppealQuestion {
            classifier_code: code.into(),
            result,
            on_site: result == 2,
            ..Default::default()
        };
        let appeal = |id: u64, codes: &[&str]| pb::Appeal {
            meta: Some(pb::Meta {
                id,
                ..Default::default()
            }),
            group_id: id % 3,
            territory_id: 4,
            registered: Some(pb::Date {
                year: 2025,
                month: 3,
                day: 1 + id as i32,
            }),
            repeated: id.is_multiple_of(2),
            questions: codes.iter().map(|c| q(c, id as i32)).collect(),
            ..Default::default()
        };
        let mut f = Facts::default();
        f.appeals
            .upsert(&appeal(1, &["0005.0005.0056.1154"]), Some(1), &mut f.codes);
        f.appeals.upsert(
            &appeal(2, &["0002.0008.0000.0000", "0005.0005.0056.1154"]),
            Some(2),
            &mut f.codes,
        );
        // Grown in place: its questions move to the arena's end, leaving slack behind.
        f.appeals.upsert(
            &appeal(1, &["0001.0001.0001.0001", "0003.0003.0000.0000"]),
            Some(1),
            &mut f.codes,
        );
        f.assignments.upsert(
            &pb::Assignment {
                group_id: 2,
                department_id: 9,
                status: 3,
                ..Default::default()
            },
            Some(5),
        );
        f.put_meeting(
            &pb::Meeting {
                group_id: 1,
                status: 2,
                venue_id: 3,
                handover: Some(pb::Handover {
                    handed_at_ms: 5,
                    late: true,
                    ..Default::default()
                }),
                ..Default::default()
            },
            Some(8),
        );
        f.put_card(
            &pb::ReceptionCard {
                group_id: 6,
                ..Default::default()
            },
            Some(3),
        );
        f.mark(42, 1_700_000_000_000);
        f
    }

    #[test]
    fn a_checkpoint_reads_back_as_the_same_tables() -> Result<(), SnapshotError> {
        let f = sample();
        let back = Facts::decode(&f.encode())?;
        assert_eq!(view(&back), view(&f));
        assert_eq!(back.seq(), 42);
        Ok(())
    }

    #[test]
    fn a_damaged_old_or_foreign_checkpoint_is_refused() {
        let bytes = sample().encode();
        for at in [HEADER, HEADER + 17, bytes.len() - 1] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x20;
            assert_eq!(
                Facts::decode(&flipped).err(),
                Some(SnapshotError::Checksum),
                "byte {at}"
            );
        }
        let mut old = bytes.clone();
        old[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&(VERSION - 1).to_le_bytes());
        assert_eq!(
            Facts::decode(&old).err(),
            Some(SnapshotError::Version { found: VERSION - 1 })
        );
        for cut in [0, 5, HEADER - 1, HEADER + 3, bytes.len() - 1] {
            assert!(Facts::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(
            Facts::decode(b"PK\x03\x04 not ours").err(),
            Some(SnapshotError::NotACheckpoint)
        );
    }

    #[test]
    fn columns_that_disagree_are_refused_even_with_a_good_checksum() {
        let mut f = sample();
        f.appeals.q_len[0] = 60;
        let bytes = f.encode();
        assert_eq!(
            Facts::decode(&bytes).err(),
            Some(SnapshotError::Malformed("questions"))
        );
    }
}

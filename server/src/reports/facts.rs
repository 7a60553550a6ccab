//! Fact tables: a compact in-memory columnar copy of what reports count — appeals and their
//! questions, assignments, meetings and reception cards — as small integers (dates as day
//! numbers, ids, interned classifier codes, enum values, flags).
//!
//! Why: decoding a million stored appeals per query takes seconds; scanning a few integer columns
//! takes milliseconds. The tables are built once when the store is opened and then kept current by
//! the write path's flusher, which applies each committed batch here right after it is durable and
//! before the writers are answered. So the tables hold exactly the durable data, in commit order,
//! and a report asked after a write was acknowledged sees that write.

use std::collections::HashMap;

use chrono::NaiveDate;
use infogroups_shared::classifier::ancestor;
use infogroups_shared::pb;
use infogroups_shared::validate::to_naive;
use prost::Message;

use crate::db::keys;
use crate::entity::Kind;
use crate::store::{Store, StoreError, Write};

mod snapshot;
pub use snapshot::SnapshotError;

/// A missing date.
pub const NO_DAY: i32 = i32::MIN;

/// A date as its day number (days from the common era), [`NO_DAY`] when absent or impossible.
pub fn day(d: Option<&pb::Date>) -> i32 {
    d.and_then(to_naive).map_or(NO_DAY, day_of)
}

/// The day number of a calendar date.
pub fn day_of(d: NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&d)
}

/// The calendar date of a day number.
pub fn date_of(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day)
}

/// Ids are per-kind counters starting at 1, so a `u32` holds them for billions of records; an id
/// beyond it (never made by this server) maps to `u32::MAX`, which no filter asks for.
fn small(id: u64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

/// An enum value as stored; values outside a byte (never written by this server) map to 255.
fn byte(v: i32) -> u8 {
    u8::try_from(v).unwrap_or(u8::MAX)
}

/// The row of `id`, appending one with `new` when it has none; `None` always appends (records
/// in memory without ids, in tests).
fn slot(row: &mut HashMap<u64, u32>, id: Option<u64>, len: usize, new: impl FnOnce()) -> usize {
    if let Some(r) = id.and_then(|id| row.get(&id)) {
        return *r as usize;
    }
    if let Some(id) = id {
        row.insert(id, small(len as u64));
    }
    new();
    len
}

/// Interned classifier codes with their section, тематика and тема.
#[derive(Debug, Default)]
pub struct Codes {
    names: Vec<String>,
    ids: HashMap<String, u32>,
    /// The ancestors at levels 1–3 of codes interned as question codes.
    ancestors: Vec<Option<[u32; 3]>>,
}

impl Codes {
    fn plain(&mut self, code: &str) -> u32 {
        if let Some(id) = self.ids.get(code) {
            return *id;
        }
        let id = small(self.names.len() as u64);
        self.names.push(code.to_string());
        self.ancestors.push(None);
        self.ids.insert(code.to_string(), id);
        id
    }

    /// The id of a question's code, its ancestors interned too.
    pub fn intern(&mut self, code: &str) -> u32 {
        let id = self.plain(code);
        if self.ancestors[id as usize].is_none() {
            let a = [1, 2, 3].map(|level| self.plain(&ancestor(code, level)));
            self.ancestors[id as usize] = Some(a);
        }
        id
    }

    /// The id of a code, if interned.
    pub fn id(&self, code: &str) -> Option<u32> {
        self.ids.get(code).copied()
    }

    /// The code of an id.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }

    /// The id of the code's ancestor at `level` (1–3); the code itself at level 4.
    pub fn ancestor(&self, id: u32, level: usize) -> u32 {
        match self.ancestors.get(id as usize).copied().flatten() {
            Some(a) if (1..=3).contains(&level) => a[level - 1],
            _ => id,
        }
    }

    /// How many codes are interned.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no code is interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Appeal flags.
pub mod flag {
    /// Repeated (повторное).
    pub const REPEATED: u8 = 1;
    /// Collective.
    pub const COLLECTIVE: u8 = 2;
    /// Has an answer marked on time.
    pub const ON_TIME: u8 = 4;
    /// Has an answer record.
    pub const HAS_ANSWER: u8 = 8;
    /// Has at least one extension.
    pub const EXTENDED: u8 = 16;
}

/// Appeals as columns, one row per appeal; questions in a shared arena.
#[derive(Debug, Default)]
pub struct Appeals {
    /// Row of an appeal id.
    row: HashMap<u64, u32>,
    /// Appeal id.
    pub id: Vec<u64>,
    /// Day of registration.
    pub registered: Vec<i32>,
    /// Group.
    pub group: Vec<u32>,
    /// Territory.
    pub territory: Vec<u32>,
    /// Channel.
    pub channel: Vec<u8>,
    /// Kind.
    pub kind: Vec<u8>,
    /// Status.
    pub status: Vec<u8>,
    /// [`flag`]s.
    pub flags: Vec<u8>,
    /// Day of the answer.
    pub answered: Vec<i32>,
    /// Day due.
    pub due: Vec<i32>,
    /// First question in the arena.
    pub q_start: Vec<u32>,
    /// Number of questions.
    pub q_len: Vec<u16>,
    /// Question: interned classifier code.
    pub q_code: Vec<u32>,
    /// Question: result.
    pub q_result: Vec<u8>,
    /// Question: considered on site.
    pub q_on_site: Vec<bool>,
}

impl Appeals {
    /// How many appeals.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// The question rows of appeal row `r`.
    pub fn questions(&self, r: usize) -> std::ops::Range<usize> {
        let start = self.q_start[r] as usize;
        start..start + usize::from(self.q_len[r])
    }

    fn upsert(&mut self, a: &pb::Appeal, id: Option<u64>, codes: &mut Codes) {
        let answer = a.answer.as_ref();
        let mut flags = 0;
        for (on, f) in [
            (a.repeated, flag::REPEATED),
            (a.collective, flag::COLLECTIVE),
            (answer.is_some_and(|x| x.on_time), flag::ON_TIME),
            (answer.is_some(), flag::HAS_ANSWER),
            (!a.extensions.is_empty(), flag::EXTENDED),
        ] {
            if on {
                flags |= f;
            }
        }
        let n = a.questions.len().min(usize::from(u16::MAX));
        let len = self.id.len();
        let arena = small(self.q_code.len() as u64);
        let r = slot(&mut self.row, id, len, || {
            self.id.push(a.meta.map_or(0, |m| m.id));
            self.registered.push(NO_DAY);
            self.group.push(0);
            self.territory.push(0);
            self.channel.push(0);
            self.kind.push(0);
            self.status.push(0);
            self.flags.push(0);
            self.answered.push(NO_DAY);
            self.due.push(NO_DAY);
            self.q_start.push(arena);
            self.q_len.push(0);
        });
        self.registered[r] = day(a.registered.as_ref());
        self.group[r] = small(a.group_id);
        self.territory[r] = small(a.territory_id);
        self.channel[r] = byte(a.channel);
        self.kind[r] = byte(a.kind);
        self.status[r] = byte(a.status);
        self.flags[r] = flags;
        self.answered[r] = day(answer.and_then(|x| x.date.as_ref()));
        self.due[r] = day(a.due.as_ref().and_then(|x| x.date.as_ref()));
        // Questions are rewritten in place when they fit, else appended: an update that adds
        // questions is rare, so the arena's slack stays small.
        if n > usize::from(self.q_len[r]) {
            self.q_start[r] = small(self.q_code.len() as u64);
            let grow = self.q_code.len() + n;
            self.q_code.resize(grow, 0);
            self.q_result.resize(grow, 0);
            self.q_on_site.resize(grow, false);
        }
        self.q_len[r] = u16::try_from(n).unwrap_or(u16::MAX);
        let start = self.q_start[r] as usize;
        for (i, q) in a.questions.iter().take(n).enumerate() {
            self.q_code[start + i] = codes.intern(&q.classifier_code);
            self.q_result[start + i] = byte(q.result);
            self.q_on_site[start + i] = q.on_site;
        }
    }
}

/// Assignments as columns, one row per assignment.
#[derive(Debug, Default)]
pub struct Assignments {
    row: HashMap<u64, u32>,
    /// Group.
    pub group: Vec<u32>,
    /// The executor's department.
    pub department: Vec<u32>,
    /// Day issued.
    pub issued: Vec<i32>,
    /// Current deadline.
    pub deadline: Vec<i32>,
    /// Day completed.
    pub completed: Vec<i32>,
    /// Status.
    pub status: Vec<u8>,
    /// At least one extension granted.
    pub extended: Vec<bool>,
}

impl Assignments {
    /// How many assignments.
    pub fn len(&self) -> usize {
        self.group.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.group.is_empty()
    }

    fn upsert(&mut self, a: &pb::Assignment, id: Option<u64>) {
        let len = self.group.len();
        let r = slot(&mut self.row, id, len, || {
            self.group.push(0);
            self.department.push(0);
            self.issued.push(NO_DAY);
            self.deadline.push(NO_DAY);
            self.completed.push(NO_DAY);
            self.status.push(0);
            self.extended.push(false);
        });
        self.group[r] = small(a.group_id);
        self.department[r] = small(a.department_id);
        self.issued[r] = day(a.issued.as_ref());
        self.deadline[r] = day(a.deadline.as_ref().and_then(|x| x.date.as_ref()));
        self.completed[r] = day(a.completed.as_ref());
        self.status[r] = byte(a.status);
        self.extended[r] = a
            .extensions
            .iter()
            .any(|e| e.state == pb::ExtensionState::Granted as i32);
    }
}

/// What a report needs of a meeting (hundreds a year: one small row each).
#[derive(Debug, Default, Clone)]
pub struct Meeting {
    /// Group.
    pub group: u64,
    /// Day of the meeting.
    pub date: i32,
    /// Status.
    pub status: i32,
    /// Venue (0: none).
    pub venue: u64,
    /// Residents attending.
    pub residents: u32,
    /// Questions raised.
    pub questions: u32,
    /// Of them taken on control.
    pub on_control: u32,
    /// Protocol handed over: `Some(late)`.
    pub handed: Option<bool>,
    /// Not handed over and already past its 3.6.9 due date: late now (the deadline timer marks
    /// it at that moment).
    pub late_unhanded: bool,
    /// The non-empty classifier codes of the questions raised.
    pub codes: Vec<u32>,
}

impl Meeting {
    fn of(m: &pb::Meeting, codes: &mut Codes) -> Self {
        let p = m.protocol.as_ref();
        let questions = p.map_or(&[][..], |p| &p.questions[..]);
        Self {
            group: m.group_id,
            date: day(m.date.as_ref()),
            status: m.status,
            venue: m.venue_id,
            residents: p.map_or(0, |p| p.residents_attending),
            questions: u32::try_from(questions.len()).unwrap_or(u32::MAX),
            on_control: u32::try_from(
                questions
                    .iter()
                    .filter(|q| q.answer_mode == pb::AnswerMode::OnControl as i32)
                    .count(),
            )
            .unwrap_or(u32::MAX),
            handed: m
                .handover
                .as_ref()
                .filter(|h| h.handed_at_ms != 0)
                .map(|h| h.late),
            late_unhanded: m
                .handover
                .as_ref()
                .is_some_and(|h| h.handed_at_ms == 0 && h.late),
            codes: questions
                .iter()
                .filter(|q| !q.classifier_code.is_empty())
                .map(|q| codes.intern(&q.classifier_code))
                .collect(),
        }
    }
}

/// The fact tables.
#[derive(Debug, Default)]
pub struct Facts {
    /// Interned classifier codes.
    pub codes: Codes,
    /// Appeals.
    pub appeals: Appeals,
    /// Assignments.
    pub assignments: Assignments,
    /// Meetings.
    pub meetings: Vec<Meeting>,
    meeting_row: HashMap<u64, u32>,
    /// Reception cards: (day, group).
    pub cards: Vec<(i32, u64)>,
    card_row: HashMap<u64, u32>,
    /// The sequence of the last event the tables cover: every entity write logged up to it is
    /// in, none after it.
    seq: u64,
    /// That event's time, which tells the same history from another with as many events.
    seq_at_ms: i64,
}

/// The kinds the tables hold.
const KINDS: [Kind; 4] = [
    Kind::Appeal,
    Kind::Assignment,
    Kind::Meeting,
    Kind::ReceptionCard,
];

fn corrupt(key: &[u8], e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: e.to_string(),
    }
}

/// The kind and id of an entity key, if it is one of the tables' kinds.
fn table_key(key: &[u8]) -> Option<(Kind, u64)> {
    let kind = KINDS
        .into_iter()
        .find(|k| key.starts_with(&keys::entity_prefix(*k)))?;
    let id = keys::trailing_u64(key)?;
    Some((kind, id))
}

impl Facts {
    /// Builds the tables from every stored record of their kinds.
    pub fn build(store: &dyn Store) -> Result<Self, StoreError> {
        let mut facts = Self::default();
        for kind in KINDS {
            let prefix = keys::entity_prefix(kind);
            let mut after: Option<Vec<u8>> = None;
            loop {
                let page = store.scan(&prefix, after.as_deref(), 4096)?;
                let Some((last, _)) = page.last() else { break };
                after = Some(last.clone());
                for (k, v) in &page {
                    facts.put(kind, k, v)?;
                }
            }
        }
        Ok(facts)
    }

    /// The sequence of the last event the tables cover.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The time of the event [`Facts::seq`] names.
    pub fn seq_at_ms(&self) -> i64 {
        self.seq_at_ms
    }

    /// Records that the tables now cover the events up to `seq`, logged at `at_ms`.
    pub fn mark(&mut self, seq: u64, at_ms: i64) {
        self.seq = seq;
        self.seq_at_ms = at_ms;
    }

    /// Applies a logged event: the entity it carries is that entity as written with it.
    pub fn apply_event(&mut self, ev: &pb::Event) {
        use pb::event::Entity as E;
        let id = |m: Option<pb::Meta>| m.map(|m| m.id);
        match &ev.entity {
            Some(E::Appeal(a)) => self.appeals.upsert(a, id(a.meta), &mut self.codes),
            Some(E::Assignment(a)) => self.assignments.upsert(a, id(a.meta)),
            Some(E::Meeting(m)) => self.put_meeting(m, id(m.meta)),
            Some(E::ReceptionCard(c)) => self.put_card(c, id(c.meta)),
            _ => {}
        }
        self.mark(ev.seq, ev.at_ms);
    }

    /// Whether a write touches the tables (the flusher keeps only these for [`Facts::apply`]).
    pub fn wants(key: &[u8]) -> bool {
        table_key(key).is_some()
    }

    /// Applies committed writes, in commit order.
    pub fn apply(&mut self, writes: &[Write]) -> Result<(), StoreError> {
        for (k, v) in writes {
            let Some((kind, id)) = table_key(k) else {
                continue;
            };
            match v {
                Some(v) => self.put(kind, k, v)?,
                // Entities are archived, never removed; a removal would only come from a future
                // maintenance path, and then the row simply stops counting.
                None => self.remove(kind, id),
            }
        }
        Ok(())
    }

    fn put(&mut self, kind: Kind, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        let id = keys::trailing_u64(key);
        match kind {
            Kind::Appeal => {
                let a = pb::Appeal::decode(value).map_err(|e| corrupt(key, e))?;
                self.appeals.upsert(&a, id, &mut self.codes);
            }
            Kind::Assignment => {
                let a = pb::Assignment::decode(value).map_err(|e| corrupt(key, e))?;
                self.assignments.upsert(&a, id);
            }
            Kind::Meeting => {
                let m = pb::Meeting::decode(value).map_err(|e| corrupt(key, e))?;
                self.put_meeting(&m, id);
            }
            Kind::ReceptionCard => {
                let c = pb::ReceptionCard::decode(value).map_err(|e| corrupt(key, e))?;
                self.put_card(&c, id);
            }
            _ => {}
        }
        Ok(())
    }

    fn put_meeting(&mut self, m: &pb::Meeting, id: Option<u64>) {
        let fact = Meeting::of(m, &mut self.codes);
        let len = self.meetings.len();
        let r = slot(&mut self.meeting_row, id, len, || {
            self.meetings.push(Meeting::default());
        });
        self.meetings[r] = fact;
    }

    fn put_card(&mut self, c: &pb::ReceptionCard, id: Option<u64>) {
        let len = self.cards.len();
        let r = slot(&mut self.card_row, id, len, || self.cards.push((NO_DAY, 0)));
        self.cards[r] = (day(c.date.as_ref()), c.group_id);
    }

    fn remove(&mut self, kind: Kind, id: u64) {
        match kind {
            Kind::Appeal => {
                if let Some(r) = self.appeals.row.get(&id).map(|r| *r as usize) {
                    // Unregistered rows fall outside every period.
                    self.appeals.registered[r] = NO_DAY;
                    self.appeals.status[r] = 0;
                    self.appeals.q_len[r] = 0;
                }
            }
            Kind::Assignment => {
                if let Some(r) = self.assignments.row.get(&id).map(|r| *r as usize) {
                    self.assignments.status[r] = pb::AssignmentStatus::Removed as u8;
                    self.assignments.issued[r] = NO_DAY;
                    self.assignments.deadline[r] = NO_DAY;
                    self.assignments.completed[r] = NO_DAY;
                }
            }
            Kind::Meeting => {
                if let Some(r) = self.meeting_row.get(&id).map(|r| *r as usize) {
                    self.meetings[r] = Meeting {
                        date: NO_DAY,
                        ..Meeting::default()
                    };
                }
            }
            Kind::ReceptionCard => {
                if let Some(r) = self.card_row.get(&id).map(|r| *r as usize) {
                    self.cards[r] = (NO_DAY, 0);
                }
            }
            _ => {}
        }
    }

    /// Roughly the memory the tables hold, in bytes (columns, arenas and row maps).
    pub fn heap_bytes(&self) -> usize {
        fn v<T>(x: &Vec<T>) -> usize {
            x.capacity() * std::mem::size_of::<T>()
        }
        // A hash map entry: key, value and a control byte, at its capacity.
        fn m(x: &HashMap<u64, u32>) -> usize {
            x.capacity() * (std::mem::size_of::<(u64, u32)>() + 1)
        }
        let a = &self.appeals;
        let s = &self.assignments;
        v(&a.id)
            + v(&a.registered)
            + v(&a.group)
            + v(&a.territory)
            + v(&a.channel)
            + v(&a.kind)
            + v(&a.status)
            + v(&a.flags)
            + v(&a.answered)
            + v(&a.due)
            + v(&a.q_start)
            + v(&a.q_len)
            + v(&a.q_code)
            + v(&a.q_result)
            + v(&a.q_on_site)
            + m(&a.row)
            + v(&s.group)
            + v(&s.department)
            + v(&s.issued)
            + v(&s.deadline)
            + v(&s.completed)
            + v(&s.status)
            + v(&s.extended)
            + m(&s.row)
            + self
                .meetings
                .iter()
                .map(|x| std::mem::size_of::<Meeting>() + v(&x.codes))
                .sum::<usize>()
            + m(&self.meeting_row)
            + v(&self.cards)
            + m(&self.card_row)
            + self.codes.names.iter().map(String::capacity).sum::<usize>()
    }

    /// Tables over records already in memory, one row per record whatever its id (unit tests
    /// of the reports build their fixtures this way).
    pub fn from_records(
        appeals: &[pb::Appeal],
        assignments: &[pb::Assignment],
        meetings: &[pb::Meeting],
        cards: &[pb::ReceptionCard],
    ) -> Self {
        let mut f = Self::default();
        for a in appeals {
            f.appeals.upsert(a, None, &mut f.codes);
        }
        for a in assignments {
            f.assignments.upsert(a, None);
        }
        for m in meetings {
            f.put_meeting(m, None);
        }
        for c in cards {
            f.put_card(c, None);
        }
        f
    }
}

/// What the tables say, independent of row order, arena layout and interning order: two tables
/// built along different paths over the same records compare equal.
#[cfg(test)]
pub(crate) mod canonical {
    use std::collections::BTreeMap;

    use super::Facts;

    /// An appeal's columns and its questions as (code, result, on site).
    type Appeal = (i32, u32, u32, u8, u8, u8, u8, i32, i32, Vec<Question>);
    /// A question: its code, the code's section, тематика and тема, result, on site.
    type Question = (String, [String; 3], u8, bool);
    /// An assignment's columns.
    type Assignment = (u32, u32, i32, i32, i32, u8, bool);
    /// A meeting's fields, its codes by name.
    type Meeting = (
        u64,
        i32,
        i32,
        u64,
        u32,
        u32,
        u32,
        Option<bool>,
        bool,
        Vec<String>,
    );

    /// The tables by record id, and the event they cover.
    #[derive(Debug, PartialEq, Eq)]
    pub struct View {
        seq: (u64, i64),
        appeals: BTreeMap<u64, Appeal>,
        assignments: BTreeMap<u64, Assignment>,
        meetings: BTreeMap<u64, Meeting>,
        cards: BTreeMap<u64, (i32, u64)>,
    }

    /// The view of `f`.
    pub fn view(f: &Facts) -> View {
        let a = &f.appeals;
        let appeals = a
            .row
            .iter()
            .map(|(id, r)| {
                let r = *r as usize;
                let questions = a
                    .questions(r)
                    .map(|q| {
                        let code = a.q_code[q];
                        (
                            f.codes.name(code).to_string(),
                            [1, 2, 3].map(|l| f.codes.name(f.codes.ancestor(code, l)).to_string()),
                            a.q_result[q],
                            a.q_on_site[q],
                        )
                    })
                    .collect();
                let row = (
                    a.registered[r],
                    a.group[r],
                    a.territory[r],
                    a.channel[r],
                    a.kind[r],
                    a.status[r],
                    a.flags[r],
                    a.answered[r],
                    a.due[r],
                    questions,
                );
                (*id, row)
            })
            .collect();
        let s = &f.assignments;
        let assignments = s
            .row
            .iter()
            .map(|(id, r)| {
                let r = *r as usize;
                let row = (
                    s.group[r],
                    s.department[r],
                    s.issued[r],
                    s.deadline[r],
                    s.completed[r],
                    s.status[r],
                    s.extended[r],
                );
                (*id, row)
            })
            .collect();
        let meetings = f
            .meeting_row
            .iter()
            .map(|(id, r)| {
                let m = &f.meetings[*r as usize];
                let codes = m.codes.iter().map(|c| f.codes.name(*c).to_string());
                let row = (
                    m.group,
                    m.date,
                    m.status,
                    m.venue,
                    m.residents,
                    m.questions,
                    m.on_control,
                    m.handed,
                    m.late_unhanded,
                    codes.collect(),
                );
                (*id, row)
            })
            .collect();
        let cards = f
            .card_row
            .iter()
            .map(|(id, r)| (*id, f.cards[*r as usize]))
            .collect();
        View {
            seq: (f.seq, f.seq_at_ms),
            appeals,
            assignments,
            meetings,
            cards,
        }
    }
}

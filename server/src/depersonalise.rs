//! Depersonalisation (152-FZ art. 3 p. 9, art. 21 p. 7): once an appeal or a reception card is
//! past retention its citizen is gone — from the entity, from every logged version of it (the
//! event log is redacted in place, so replays and backups taken afterwards hold nothing), from
//! texts copied out of it (the assignment made from a card, the appeal made from a card, protocol
//! questions that name the appeal), and from what is computed from them (the repeated-appeal
//! warning reads the entities), and with the files kept on them (the letter, the answer). Free text keeps its substance but loses the citizen's recorded
//! name, address, phone and e-mail and any other phone number or e-mail address
//! ([`infogroups_shared::scrub`]).
//!
//! The store files: sled keeps overwritten values in its log until it cleans the segment, and the
//! archived event segments are immutable. So a depersonalisation marks the store, and the next
//! start rewrites it into a fresh directory ([`crate::files::open_store`]); old versions leave
//! the disk at that restart.

use std::collections::{BTreeMap, BTreeSet};

use infogroups_shared::pb;
use infogroups_shared::scrub::{MARK, scrub};
use prost::Message;

use crate::attachments;
use crate::db::{Db, Tx, decode, keys};
use crate::entity::{Entity, Kind};
use crate::error::ApiResult;

/// The key that says the store files still hold versions a depersonalisation redacted.
pub const COMPACT_DUE: &[u8] = b"m/compact_due";

/// What one depersonalisation redacts: the citizens' records and the copies made of them.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    /// Appeals, with the citizen as recorded before.
    pub appeals: BTreeMap<u64, Option<pb::Citizen>>,
    /// Reception cards, with the citizen as recorded before.
    pub cards: BTreeMap<u64, Option<pb::Citizen>>,
    /// Assignments made from them, with the citizens their texts may name.
    pub assignments: BTreeMap<u64, Vec<pb::Citizen>>,
    /// Meetings whose protocols name them, with the citizens their questions may name.
    pub meetings: BTreeMap<u64, Vec<pb::Citizen>>,
    /// The files kept on the appeals and cards (the letter, the answer): removed whole, as
    /// they are the citizen's.
    pub files: Vec<(Kind, u64, Vec<pb::Attachment>)>,
}

impl Plan {
    /// Builds the plan for the given appeals and cards, following the links between them: an
    /// appeal made from a card and the card go together, as they hold the same citizen.
    pub fn build(db: &Db, appeal_ids: &[u64], card_ids: &[u64]) -> ApiResult<Self> {
        let mut plan = Plan::default();
        let mut appeals: BTreeSet<u64> = appeal_ids.iter().copied().collect();
        let mut cards: BTreeSet<u64> = card_ids.iter().copied().collect();
        for id in card_ids {
            if let Some(c) = db.get::<pb::ReceptionCard>(*id)?
                && c.appeal_id != 0
            {
                appeals.insert(c.appeal_id);
            }
        }
        for id in appeal_ids {
            if let Some(a) = db.get::<pb::Appeal>(*id)?
                && a.reception_card_id != 0
            {
                cards.insert(a.reception_card_id);
            }
        }
        let mut assignments: BTreeSet<u64> = BTreeSet::new();
        for id in &appeals {
            if let Some(a) = db.get::<pb::Appeal>(*id)? {
                assignments.extend(a.assignment_ids.iter().copied());
                plan.appeals.insert(*id, a.citizen);
            }
        }
        for id in &cards {
            if let Some(c) = db.get::<pb::ReceptionCard>(*id)? {
                if c.assignment_id != 0 {
                    assignments.insert(c.assignment_id);
                }
                plan.cards.insert(*id, c.citizen);
            }
        }
        let citizens_of = |appeal: u64, card: u64| -> Vec<pb::Citizen> {
            let mut out = Vec::new();
            if let Some(Some(c)) = plan.appeals.get(&appeal) {
                out.push(c.clone());
            }
            if let Some(Some(c)) = plan.cards.get(&card) {
                out.push(c.clone());
            }
            out
        };
        for a in db.all::<pb::Assignment>()? {
            let basis = a.basis.unwrap_or_default();
            let id = a.meta().id;
            let mut who = citizens_of(basis.appeal_id, basis.reception_card_id);
            if assignments.contains(&id) {
                // Linked from the other side: every citizen of the plan that links it.
                for (aid, c) in &plan.appeals {
                    let links = db
                        .get::<pb::Appeal>(*aid)?
                        .is_some_and(|x| x.assignment_ids.contains(&id));
                    if links && let Some(c) = c {
                        who.push(c.clone());
                    }
                }
                for (cid, c) in &plan.cards {
                    let links = db
                        .get::<pb::ReceptionCard>(*cid)?
                        .is_some_and(|x| x.assignment_id == id);
                    if links && let Some(c) = c {
                        who.push(c.clone());
                    }
                }
            }
            if !who.is_empty() || assignments.contains(&id) {
                plan.assignments.insert(id, who);
            }
        }
        for m in db.all::<pb::Meeting>()? {
            let Some(p) = m.protocol.as_ref() else {
                continue;
            };
            let mut who = Vec::new();
            for q in &p.questions {
                who.extend(citizens_of(q.appeal_id, 0));
            }
            for card in &p.reception_card_ids {
                who.extend(citizens_of(0, *card));
            }
            if !who.is_empty() {
                plan.meetings.insert(m.meta().id, who);
            }
        }
        let records = (plan.appeals.keys().map(|id| (Kind::Appeal, *id)))
            .chain(plan.cards.keys().map(|id| (Kind::ReceptionCard, *id)));
        for (kind, id) in records.collect::<Vec<_>>() {
            let kept = attachments::list(db, kind, id)?;
            if !kept.is_empty() {
                plan.files.push((kind, id, kept));
            }
        }
        Ok(plan)
    }

    /// Nothing to redact.
    pub fn is_empty(&self) -> bool {
        self.appeals.is_empty() && self.cards.is_empty()
    }
}

fn scrub_all(text: &str, who: &[pb::Citizen]) -> String {
    if who.is_empty() {
        return scrub(text, None);
    }
    who.iter().fold(text.to_string(), |t, c| scrub(&t, Some(c)))
}

/// An appeal without its citizen: the citizen and the text go; the answer's and extensions'
/// texts are scrubbed; codes, dates and results stay for statistics.
pub fn redact_appeal(a: &mut pb::Appeal, who: Option<&pb::Citizen>) {
    let who: Vec<pb::Citizen> = who.cloned().into_iter().collect();
    a.citizen = None;
    a.depersonalised = true;
    a.text = MARK.to_string();
    if let Some(ans) = a.answer.as_mut() {
        ans.summary = scrub_all(&ans.summary, &who);
    }
    for e in &mut a.extensions {
        e.reason = scrub_all(&e.reason, &who);
    }
}

/// A reception card without its citizen: the citizen, the content and the oral answer go.
pub fn redact_card(c: &mut pb::ReceptionCard) {
    c.citizen = None;
    c.depersonalised = true;
    c.content = MARK.to_string();
    c.oral_answer.clear();
}

/// An assignment's texts without the citizens they were copied from.
pub fn redact_assignment(a: &mut pb::Assignment, who: &[pb::Citizen]) {
    a.text = scrub_all(&a.text, who);
    for r in &mut a.reports {
        r.text = scrub_all(&r.text, who);
    }
    for c in &mut a.co_executors {
        c.report = scrub_all(&c.report, who);
    }
    for e in &mut a.extensions {
        e.reason = scrub_all(&e.reason, who);
        e.comment = scrub_all(&e.comment, who);
    }
    for h in &mut a.history {
        h.comment = scrub_all(&h.comment, who);
    }
}

/// A protocol's questions without the citizens they name.
pub fn redact_meeting(m: &mut pb::Meeting, who: &[pb::Citizen]) {
    if let Some(p) = m.protocol.as_mut() {
        for q in &mut p.questions {
            q.substance = scrub_all(&q.substance, who);
            q.answer = scrub_all(&q.answer, who);
        }
    }
}

/// Redacts one logged event in place when it is about a record of the plan; true when it was.
fn redact_event(plan: &Plan, ev: &mut pb::Event) -> bool {
    use pb::event::Entity as E;
    match ev.entity.as_mut() {
        Some(E::Appeal(a)) => match plan.appeals.get(&a.meta.unwrap_or_default().id) {
            Some(who) => {
                redact_appeal(a, who.as_ref());
                true
            }
            None => false,
        },
        Some(E::ReceptionCard(c)) => {
            let ours = plan.cards.contains_key(&c.meta.unwrap_or_default().id);
            if ours {
                redact_card(c);
            }
            ours
        }
        Some(E::Assignment(a)) => match plan.assignments.get(&a.meta.unwrap_or_default().id) {
            Some(who) => {
                redact_assignment(a, who);
                true
            }
            None => false,
        },
        Some(E::Meeting(m)) => match plan.meetings.get(&m.meta.unwrap_or_default().id) {
            Some(who) => {
                redact_meeting(m, who);
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// Stages the redaction of the entities themselves (each gets a new version and a redacted
/// `updated` event).
fn stage_entities(tx: &mut Tx<'_>, plan: &Plan) -> ApiResult<()> {
    for (id, who) in &plan.appeals {
        let mut a = tx.require::<pb::Appeal>(*id)?;
        redact_appeal(&mut a, who.as_ref());
        tx.update_current(a, "depersonalise")?;
    }
    for id in plan.cards.keys() {
        let mut c = tx.require::<pb::ReceptionCard>(*id)?;
        redact_card(&mut c);
        tx.update_current(c, "depersonalise")?;
    }
    for (id, who) in &plan.assignments {
        let mut a = tx.require::<pb::Assignment>(*id)?;
        redact_assignment(&mut a, who);
        tx.update_current(a, "depersonalise")?;
    }
    for (id, who) in &plan.meetings {
        let mut m = tx.require::<pb::Meeting>(*id)?;
        redact_meeting(&mut m, who);
        tx.update_current(m, "depersonalise")?;
    }
    for (kind, id, kept) in &plan.files {
        attachments::stage_removal(tx, *kind, *id, kept);
    }
    tx.put_raw(COMPACT_DUE.to_vec(), tx.now_ms().to_be_bytes().to_vec());
    Ok(())
}

/// The logged events after `after` that the plan redacts, redacted, and the last sequence read.
fn redacted_events(db: &Db, plan: &Plan, after: u64) -> ApiResult<(Vec<pb::Event>, u64)> {
    let mut out = Vec::new();
    let mut last = after;
    loop {
        let page = db.events_after(last, 1024)?;
        let Some(end) = page.last().map(|e| e.seq) else {
            break;
        };
        last = end;
        for mut ev in page {
            if redact_event(plan, &mut ev) {
                out.push(ev);
            }
        }
    }
    Ok((out, last))
}

/// Redacts the plan's records, their copies and every logged version of them. Returns how many
/// logged events were rewritten.
pub async fn run(db: &Db, actor_id: u64, plan: &Plan) -> ApiResult<usize> {
    if plan.is_empty() {
        return Ok(0);
    }
    // The log is read outside the write (a write cannot scan); what is logged in between is
    // caught by the passes that follow, until one finds nothing new.
    let (mut events, mut last) = redacted_events(db, plan, 0)?;
    let mut rewritten = events.len();
    db.write(actor_id, |tx| {
        stage_entities(tx, plan)?;
        for ev in &events {
            tx.put_raw(keys::event(ev.seq), ev.encode_to_vec());
        }
        Ok(())
    })
    .await?;
    loop {
        (events, last) = redacted_events(db, plan, last)?;
        // This write's own events are redacted already; only others' need rewriting.
        events.retain(|ev| {
            let key = keys::event(ev.seq);
            db.get_raw(&key)
                .ok()
                .flatten()
                .and_then(|v| decode::<pb::Event>(&key, &v).ok())
                .is_some_and(|stored| stored != *ev)
        });
        if events.is_empty() {
            return Ok(rewritten);
        }
        rewritten += events.len();
        let batch = std::mem::take(&mut events);
        db.write(actor_id, |tx| {
            for ev in &batch {
                tx.put_raw(keys::event(ev.seq), ev.encode_to_vec());
            }
            Ok(())
        })
        .await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_appeal_loses_its_citizen_and_its_copies_lose_the_name() {
        let who = pb::Citizen {
            surname: "Кравченко".into(),
            first_name: "Мария".into(),
            postal_address: "ул. Садовая, д. 12".into(),
            ..Default::default()
        };
        let mut a = pb::Appeal {
            citizen: Some(who.clone()),
            text: "Кравченко М. просит".into(),
            answer: Some(pb::AppealAnswer {
                summary: "Кравченко разъяснено, тел. 8 928 111 22 33".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        redact_appeal(&mut a, Some(&who));
        assert!(a.citizen.is_none() && a.depersonalised);
        let text = format!("{a:?}");
        assert!(
            !text.contains("Кравченко") && !text.contains("928"),
            "{text}"
        );
        let mut x = pb::Assignment {
            text: "Личный приём 01.02.2020: Кравченко, Садовая 12 — нет воды".into(),
            ..Default::default()
        };
        redact_assignment(&mut x, std::slice::from_ref(&who));
        assert!(!x.text.contains("Кравченко") && !x.text.contains("Садовая"));
        assert!(x.text.contains("нет воды"));
    }
}

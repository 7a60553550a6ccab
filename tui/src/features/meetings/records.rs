//! Meetings as the workspaces list them: the secretary's timeline with each meeting's next step,
//! the leader's protocols to sign, the control sector's protocols due and received, the general
//! department's publication queue and the population department's informing tasks.

use chrono::NaiveDate;
use infogroups_shared::meeting as machine;
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, MeetingStatus as M};
use infogroups_shared::policy::Action;
use infogroups_shared::validate;

use crate::features::record_list::row::{
    Column, RecordRow, Tone, date, iso, territory, tone_of_due,
};
use crate::features::record_list::source::Source;
use crate::strings;
use crate::strings::work::W;
use crate::ui::{Ctx, text};

/// The timeline's columns.
pub const COLUMNS: &[Column] = &[
    Column::new(W::ColDate, 10).priority(0),
    Column::new(W::ColGroupNo, 4).priority(4).same_drops(),
    Column::new(W::ColTerritory, 24).squeeze(12).priority(3),
    Column::new(W::ColStatus, 14).squeeze(10).priority(2),
    Column::grows(W::ColNextStep),
    Column::new(W::ColDue, 10).priority(1),
];

/// The control sector's protocol columns.
pub const PROTOCOL_COLUMNS: &[Column] = &[
    Column::new(W::ColDate, 10).priority(0),
    Column::new(W::ColGroupNo, 4).priority(1).same_drops(),
    Column::new(W::ColTerritory, 24).squeeze(12).priority(3),
    Column::new(W::ColDue, 10).priority(0),
    Column::grows(W::ColProtocolState),
];

/// The publication queue's columns.
pub const PUBLICATION_COLUMNS: &[Column] = &[
    Column::new(W::ColDate, 10).priority(0),
    Column::new(W::ColGroupNo, 4).priority(2).same_drops(),
    Column::new(W::ColPublication, 12).priority(0),
    Column::new(W::ColTerritory, 24).squeeze(12).priority(3),
    Column::grows(W::ColState),
];

pub(super) fn status(m: &pb::Meeting) -> M {
    machine::status_of(m)
}

fn handover_due(m: &pb::Meeting) -> Option<NaiveDate> {
    m.handover
        .as_ref()
        .and_then(|h| h.due.as_ref())
        .and_then(|d| d.date.as_ref())
        .and_then(validate::to_naive)
}

/// The status as the timeline shows it: a handed-over protocol the control sector has marked
/// received says so.
pub(super) fn status_text(m: &pb::Meeting, lang: Lang) -> String {
    let s = status(m);
    if s == M::HandedOver
        && m.handover
            .as_ref()
            .is_some_and(|h| h.acknowledged_at_ms != 0)
    {
        W::StatusProtocolReceived.get(lang).to_string()
    } else {
        names::meeting_status(lang, s).to_string()
    }
}

/// The status in a list's cell: its short label.
fn status_short(m: &pb::Meeting, lang: Lang) -> &'static str {
    let s = status(m);
    if s == M::HandedOver
        && m.handover
            .as_ref()
            .is_some_and(|h| h.acknowledged_at_ms != 0)
    {
        strings::status::protocol_received(lang)
    } else {
        strings::status::meeting(lang, s)
    }
}

pub(super) fn closed(s: M) -> bool {
    matches!(s, M::ResultsPublished | M::Cancelled)
}

/// A meeting's next step as the viewer sees it (the leader signs what the others wait for),
/// and the date it is due by, if any.
pub fn next_step(m: &pb::Meeting, ctx: &Ctx<'_>) -> (W, Option<NaiveDate>) {
    let day = machine::date_of(m);
    let due = handover_due(m);
    let h = m.handover.clone().unwrap_or_default();
    match status(m) {
        M::Unspecified | M::Planned if m.venue_id == 0 => (W::StepChooseVenue, Some(day)),
        M::Unspecified | M::Planned => (W::StepAgreeVenue, Some(day)),
        M::VenueAgreed if m.notifications.is_empty() => (W::StepNotify, Some(day)),
        M::VenueAgreed => (W::StepAnnounce, Some(day)),
        M::Announced => (W::StepHold, Some(day)),
        M::Held => (W::StepDraftProtocol, due),
        M::ProtocolDrafted => (W::StepSend, due),
        M::AwaitingSignature if ctx.may_in(Action::SignProtocol, m.group_id) => (W::StepSign, due),
        M::AwaitingSignature => (W::StepAwaitSignature, due),
        M::ProtocolSigned => (W::StepHandOver, due),
        M::HandedOver if h.acknowledged_at_ms == 0 => (W::StepAwaitAck, None),
        M::HandedOver => (W::StepPublishResults, None),
        M::ResultsPublished | M::Cancelled => (W::StepNone, None),
    }
}

fn in_scope(source: Source, m: &pb::Meeting) -> bool {
    let s = status(m);
    match source {
        Source::ProtocolsToSign => s == M::AwaitingSignature,
        Source::Informing => s != M::Cancelled && !machine::was_held(s),
        _ => true,
    }
}

pub(super) fn informing_done(m: &pb::Meeting) -> bool {
    m.informing.as_ref().is_some_and(|i| i.done)
}

/// The rows of the timeline, the protocols to sign or the informing tasks: open meetings by
/// date (the soonest first), then finished ones, newest first.
pub fn rows(source: Source, ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let mut keyed: Vec<((bool, i64), RecordRow)> = ctx
        .replica
        .meetings
        .iter()
        .filter(|m| in_scope(source, m))
        .map(|m| {
            let id = m.meta.map_or(0, |x| x.id);
            let day = machine::date_of(m);
            let s = status(m);
            let (step, due) = next_step(m, ctx);
            let finished = if source == Source::Informing {
                informing_done(m)
            } else {
                closed(s)
            };
            let tone = match (finished, due) {
                (true, _) => Tone::Done,
                (false, Some(d)) if step != W::StepHold || d < ctx.today => {
                    tone_of_due(d, ctx.today, ctx.calendar)
                }
                _ => Tone::Normal,
            };
            let step_text = if source == Source::Informing {
                if informing_done(m) {
                    W::InformingDone
                } else {
                    W::InformingToDo
                }
                .get(ctx.lang)
            } else {
                step.get(ctx.lang)
            };
            let days = i64::from(chrono::Datelike::num_days_from_ce(&day));
            let row = RecordRow::new(
                id,
                tone,
                vec![
                    date(day),
                    group_number(ctx, m.group_id),
                    territory(ctx, m.territory_id),
                    status_short(m, ctx.lang).to_string(),
                    step_text.to_string(),
                    due.map(date).unwrap_or_default(),
                ],
            )
            .long(3, status_text(m, ctx.lang))
            .sort_by(0, iso(day))
            .sort_by(5, due.map(iso).unwrap_or_default());
            ((finished, if finished { -days } else { days }), row)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    keyed.into_iter().map(|(_, r)| r).collect()
}

fn group_number(ctx: &Ctx<'_>, id: u64) -> String {
    ctx.replica
        .group_number(id)
        .map_or_else(|| "—".to_string(), |n| n.to_string())
}

/// The control sector's list: protocols handed over and waiting for acknowledgement, then those
/// not yet handed over (by due date), then acknowledged ones.
pub fn protocol_rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let lang = ctx.lang;
    let mut keyed: Vec<((u8, i64), RecordRow)> = ctx
        .replica
        .meetings
        .iter()
        .filter(|m| machine::was_held(status(m)))
        .map(|m| {
            let id = m.meta.map_or(0, |x| x.id);
            let day = machine::date_of(m);
            let due = handover_due(m);
            let h = m.handover.clone().unwrap_or_default();
            // Handed over and waiting for the sector's mark first: that is its next move.
            let (rank, tone, state) = if h.handed_at_ms == 0
                && machine::handover_late(Some(&h), ctx.today)
            {
                // Late while it is late (3.6.9): first in the list, not only once handed over.
                let text = format!("{}{}", W::ProtocolAwaited.get(lang), W::PastDue.get(lang));
                (0, Tone::Overdue, text)
            } else if h.handed_at_ms == 0 {
                let tone = due.map_or(Tone::Normal, |d| tone_of_due(d, ctx.today, ctx.calendar));
                (1, tone, W::ProtocolAwaited.get(lang).to_string())
            } else if h.acknowledged_at_ms == 0 {
                let late = if h.late { W::Late.get(lang) } else { "" };
                let text = format!(
                    "{} {}{}",
                    W::ProtocolHanded.get(lang),
                    text::date_time(h.handed_at_ms),
                    late
                );
                (0, if h.late { Tone::Overdue } else { Tone::Soon }, text)
            } else {
                // Received, and whether it came late stays on record.
                let late = if h.late { W::Late.get(lang) } else { "" };
                let text = format!(
                    "{} {}{}",
                    W::ProtocolReceived.get(lang),
                    text::date_time(h.acknowledged_at_ms),
                    late
                );
                (2, Tone::Done, text)
            };
            let key = due.map_or(0, |d| i64::from(chrono::Datelike::num_days_from_ce(&d)));
            let row = RecordRow::new(
                id,
                tone,
                vec![
                    date(day),
                    group_number(ctx, m.group_id),
                    territory(ctx, m.territory_id),
                    due.map(date).unwrap_or_default(),
                    state,
                ],
            )
            .sort_by(0, iso(day))
            .sort_by(3, due.map(iso).unwrap_or_default());
            ((rank, if rank == 2 { -key } else { key }), row)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// A publication's row id: the meeting's id and which publication.
fn publication_id(meeting: u64, kind: pb::PublicationKind) -> u64 {
    meeting << 1 | u64::from(kind == pb::PublicationKind::Results)
}

pub(super) fn publication_of(id: u64) -> (u64, pb::PublicationKind) {
    let kind = if id & 1 == 1 {
        pb::PublicationKind::Results
    } else {
        pb::PublicationKind::Announcement
    };
    (id >> 1, kind)
}

pub(super) fn publication_kind_name(ctx: &Ctx<'_>, kind: pb::PublicationKind) -> &'static str {
    match kind {
        pb::PublicationKind::Results => W::PublicationResults.get(ctx.lang),
        _ => W::PublicationAnnouncement.get(ctx.lang),
    }
}

/// The publication queue: what is drafted and not yet posted, the oldest meeting first; posted
/// ones after, newest first.
pub fn publication_rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let mut keyed: Vec<((bool, i64), RecordRow)> = Vec::new();
    for m in ctx.replica.meetings.iter() {
        let id = m.meta.map_or(0, |x| x.id);
        let day = machine::date_of(m);
        let days = i64::from(chrono::Datelike::num_days_from_ce(&day));
        for p in &m.publications {
            let kind = pb::PublicationKind::try_from(p.kind).unwrap_or_default();
            let state = if p.published {
                format!(
                    "{} {} {}",
                    W::Published.get(ctx.lang),
                    p.date
                        .as_ref()
                        .map_or(String::new(), |d| text::date(Some(d))),
                    p.place
                )
            } else {
                W::ToPublish.get(ctx.lang).to_string()
            };
            let tone = if p.published {
                Tone::Done
            } else {
                Tone::Normal
            };
            let row = RecordRow::new(
                publication_id(id, kind),
                tone,
                vec![
                    date(day),
                    group_number(ctx, m.group_id),
                    publication_kind_name(ctx, kind).to_string(),
                    territory(ctx, m.territory_id),
                    state,
                ],
            )
            .sort_by(0, iso(day));
            keyed.push(((p.published, if p.published { -days } else { days }), row));
        }
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    keyed.into_iter().map(|(_, r)| r).collect()
}

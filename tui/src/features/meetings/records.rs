//! Meetings as the workspaces list them: the secretary's timeline with each meeting's next step,
//! the leader's protocols to sign, the control sector's protocols due and received, the general
//! department's publication queue and the population department's informing tasks.

use chrono::NaiveDate;
use infogroups_shared::meeting::{self as machine, Facts, Step};
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, MeetingStatus as M};
use infogroups_shared::policy::Action;
use infogroups_shared::validate;

use crate::features::record_list::row::Column;

use crate::features::record_list::row::DetailLine;

use crate::features::record_list::row::RecordRow;

use crate::features::record_list::source::Source;

use crate::features::record_list::row::Start;

use crate::features::record_list::row::Tone;

use crate::features::record_list::row::date;

use crate::features::record_list::row::field;

use crate::features::record_list::row::group;

use crate::features::record_list::row::iso;

use crate::features::meetings::prep as meeting_prep;

use crate::features::record_list::row::person;

use crate::features::record_list::row::territory;

use crate::features::exports::forms::export_choice_form;
use crate::features::form::Intent;
use crate::features::meetings::forms::MeetingStep;
use crate::features::record_list::row::tone_of_due;
use crate::keymap::Command;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::FormPopup;
use crate::ui::text;

/// The timeline's columns.
pub const COLUMNS: &[Column] = &[
    Column {
        title: W::ColDate,
        width: 10,
    },
    Column {
        title: W::ColGroupNo,
        width: 4,
    },
    Column {
        title: W::ColTerritory,
        width: 16,
    },
    Column {
        title: W::ColStatus,
        width: 18,
    },
    Column {
        title: W::ColNextStep,
        width: 0,
    },
    Column {
        title: W::ColDue,
        width: 10,
    },
];

/// The control sector's protocol columns.
pub const PROTOCOL_COLUMNS: &[Column] = &[
    Column {
        title: W::ColDate,
        width: 10,
    },
    Column {
        title: W::ColGroupNo,
        width: 4,
    },
    Column {
        title: W::ColTerritory,
        width: 16,
    },
    Column {
        title: W::ColDue,
        width: 10,
    },
    Column {
        title: W::ColProtocolState,
        width: 0,
    },
];

/// The publication queue's columns.
pub const PUBLICATION_COLUMNS: &[Column] = &[
    Column {
        title: W::ColDate,
        width: 10,
    },
    Column {
        title: W::ColGroupNo,
        width: 4,
    },
    Column {
        title: W::ColPublication,
        width: 12,
    },
    Column {
        title: W::ColTerritory,
        width: 16,
    },
    Column {
        title: W::ColState,
        width: 0,
    },
];

fn status(m: &pb::Meeting) -> M {
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
fn status_text(m: &pb::Meeting, lang: Lang) -> String {
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

fn closed(s: M) -> bool {
    matches!(s, M::ResultsPublished | M::Cancelled)
}

/// A meeting's next step and the date it is due by, if any.
pub fn next_step(m: &pb::Meeting) -> (W, Option<NaiveDate>) {
    let day = machine::date_of(m);
    let due = handover_due(m);
    let h = m.handover.unwrap_or_default();
    match status(m) {
        M::Unspecified | M::Planned if m.venue_id == 0 => (W::StepChooseVenue, Some(day)),
        M::Unspecified | M::Planned => (W::StepAgreeVenue, Some(day)),
        M::VenueAgreed if m.notifications.is_empty() => (W::StepNotify, Some(day)),
        M::VenueAgreed => (W::StepAnnounce, Some(day)),
        M::Announced => (W::StepHold, Some(day)),
        M::Held => (W::StepDraftProtocol, due),
        M::ProtocolDrafted => (W::StepSign, due),
        M::ProtocolSigned => (W::StepHandOver, due),
        M::HandedOver if h.acknowledged_at_ms == 0 => (W::StepAwaitAck, None),
        M::HandedOver => (W::StepPublishResults, None),
        M::ResultsPublished | M::Cancelled => (W::StepNone, None),
    }
}

fn in_scope(source: Source, m: &pb::Meeting) -> bool {
    let s = status(m);
    match source {
        Source::ProtocolsToSign => s == M::ProtocolDrafted,
        Source::Informing => s != M::Cancelled && !machine::was_held(s),
        _ => true,
    }
}

fn informing_done(m: &pb::Meeting) -> bool {
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
            let (step, due) = next_step(m);
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
                    status_text(m, ctx.lang),
                    step_text.to_string(),
                    due.map(date).unwrap_or_default(),
                ],
            )
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
            let h = m.handover.unwrap_or_default();
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

fn publication_of(id: u64) -> (u64, pb::PublicationKind) {
    let kind = if id & 1 == 1 {
        pb::PublicationKind::Results
    } else {
        pb::PublicationKind::Announcement
    };
    (id >> 1, kind)
}

fn publication_kind_name(ctx: &Ctx<'_>, kind: pb::PublicationKind) -> &'static str {
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

/// A meeting's card: what, where, the next step, preparation, participants, the brief and the
/// protocol.
pub fn detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(m) = ctx.replica.meetings.get(id) else {
        return Vec::new();
    };
    let s = status(m);
    let (step, due) = next_step(m);
    let mut out = vec![
        DetailLine::Heading(format!(
            "{} {} · {}",
            W::Meeting.get(lang),
            date(machine::date_of(m)),
            group(ctx, m.group_id)
        )),
        field(lang, W::ColTerritory, territory(ctx, m.territory_id)),
        field(
            lang,
            W::Venue,
            ctx.replica
                .venues
                .get(m.venue_id)
                .map_or_else(|| "—".to_string(), |v| v.name.clone()),
        ),
        field(lang, W::Time, m.time.clone()),
        field(lang, W::ColStatus, status_text(m, lang)),
    ];
    if m.retrospective {
        out.push(DetailLine::Text(W::Retrospective.get(lang).to_string()));
    }
    if let Some(h) = m.handover.as_ref().filter(|h| h.handed_at_ms != 0) {
        let late = if h.late { W::Late.get(lang) } else { "" };
        out.push(field(
            lang,
            W::HandedOverAt,
            format!("{}{late}", text::date_time(h.handed_at_ms)),
        ));
        if h.acknowledged_at_ms != 0 {
            out.push(field(
                lang,
                W::ReceivedAt,
                format!(
                    "{} ({})",
                    text::date_time(h.acknowledged_at_ms),
                    person(ctx, h.acknowledged_by)
                ),
            ));
        }
    }
    let step_line = match due {
        Some(d) => format!("{} ({} {})", step.get(lang), W::By.get(lang), date(d)),
        None => step.get(lang).to_string(),
    };
    if due.is_some_and(|d| d < ctx.today) && !closed(s) && step != W::StepHold {
        out.push(DetailLine::Warning(format!(
            "{}: {step_line}",
            W::ColNextStep.get(lang)
        )));
    } else {
        out.push(field(lang, W::ColNextStep, step_line));
    }
    if !m.status_reason.is_empty() {
        out.push(field(lang, W::Reason, m.status_reason.clone()));
    }
    if !m.checklist.is_empty() {
        out.push(DetailLine::Blank);
        out.push(DetailLine::Heading(W::Checklist.get(lang).to_string()));
        for c in &m.checklist {
            let mark = if c.done { "[x]" } else { "[ ]" };
            out.push(DetailLine::Text(format!(
                "{mark} {} — {}",
                c.title, c.responsible
            )));
        }
    }
    if !m.participants.is_empty() {
        out.push(DetailLine::Blank);
        out.push(DetailLine::Heading(W::Participants.get(lang).to_string()));
        for p in &m.participants {
            let org = ctx
                .replica
                .organisations
                .get(p.organisation_id)
                .map(|o| format!(" ({})", o.name))
                .unwrap_or_default();
            let notified = if p.notified_at_ms == 0 {
                W::NotNotified.get(lang).to_string()
            } else {
                format!(
                    "{} {}",
                    W::Notified.get(lang),
                    text::date_time(p.notified_at_ms)
                )
            };
            out.push(DetailLine::Text(format!(
                "{}, {}{org} — {notified}",
                p.name, p.position
            )));
        }
    }
    if let Some(i) = &m.informing {
        out.push(DetailLine::Blank);
        let state = if i.done {
            format!("{} ({})", W::InformingDone.get(lang), i.method)
        } else {
            W::InformingToDo.get(lang).to_string()
        };
        out.push(field(lang, W::TabInforming, state));
    }
    if let Some(b) = m
        .brief
        .as_ref()
        .filter(|b| b.saved_at_ms != 0 || !b.text.is_empty())
    {
        out.push(DetailLine::Blank);
        out.push(DetailLine::Heading(W::Brief.get(lang).to_string()));
        out.extend(brief_lines(b, ctx));
    }
    if let Some(p) = &m.protocol {
        out.push(DetailLine::Blank);
        out.extend(protocol_lines(p, ctx));
    }
    out
}

fn brief_lines(b: &pb::Brief, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let mut out = vec![
        field(lang, W::OpenAppeals, b.open_appeals.to_string()),
        field(lang, W::OpenAssignments, b.open_assignments.to_string()),
    ];
    for t in &b.top_topics {
        out.push(DetailLine::Text(format!(
            "{} {} — {}",
            t.code, t.name, t.count
        )));
    }
    if !b.text.is_empty() {
        out.push(DetailLine::Text(b.text.clone()));
    }
    out
}

/// The protocol as the leader sees it before signing.
pub fn protocol_lines(p: &pb::Protocol, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let mut out = vec![
        DetailLine::Heading(format!("{} № {}", W::Protocol.get(lang), p.number)),
        field(lang, W::Time, format!("{} – {}", p.start_time, p.end_time)),
        field(lang, W::FieldResidents, p.residents_attending.to_string()),
        field(
            lang,
            W::MembersPresent,
            p.members_present
                .iter()
                .map(|u| person(ctx, *u))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    if !p.information_given.is_empty() {
        out.push(field(
            lang,
            W::FieldInformation,
            p.information_given.clone(),
        ));
    }
    for (i, q) in p.questions.iter().enumerate() {
        out.push(DetailLine::Text(if q.classifier_code.is_empty() {
            format!("{}. {}", i + 1, q.substance)
        } else {
            format!("{}. {} [{}]", i + 1, q.substance, q.classifier_code)
        }));
        if !q.answer.is_empty() {
            out.push(DetailLine::Text(format!("   {}", q.answer)));
        }
    }
    if !p.decisions.is_empty() {
        out.push(field(lang, W::Decisions, p.decisions.len().to_string()));
        for d in &p.decisions {
            let issued: Vec<String> = d
                .assignment_ids
                .iter()
                .filter_map(|id| ctx.replica.assignments.get(*id))
                .map(|a| a.number.clone())
                .collect();
            if issued.is_empty() {
                out.push(DetailLine::Text(format!("— {}", d.text)));
            } else {
                out.push(DetailLine::Text(format!(
                    "— {} → {}",
                    d.text,
                    issued.join(", ")
                )));
            }
        }
    }
    for am in &p.amendments {
        out.push(field(
            lang,
            W::Amendment,
            format!(
                "{} ({}, {})",
                am.text,
                person(ctx, am.by_user_id),
                text::date_time(am.at_ms)
            ),
        ));
    }
    if p.signed_by != 0 {
        out.push(field(
            lang,
            W::SignedBy,
            format!(
                "{} {}",
                person(ctx, p.signed_by),
                text::date_time(p.signed_at_ms)
            ),
        ));
    }
    out
}

/// A publication's detail: the drafted text, ready to copy.
pub fn publication_detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let (meeting, kind) = publication_of(id);
    let Some(m) = ctx.replica.meetings.get(meeting) else {
        return Vec::new();
    };
    let Some(p) = m.publications.iter().find(|p| p.kind == kind as i32) else {
        return Vec::new();
    };
    let lang = ctx.lang;
    let mut out = vec![
        DetailLine::Heading(format!(
            "{} · {} {}",
            publication_kind_name(ctx, kind),
            W::Meeting.get(lang),
            date(machine::date_of(m))
        )),
        field(lang, W::ColTerritory, territory(ctx, m.territory_id)),
    ];
    if p.published {
        out.push(field(lang, W::FieldPlace, p.place.clone()));
        out.push(field(lang, W::FieldLink, p.link.clone()));
    }
    out.push(DetailLine::Blank);
    out.push(DetailLine::Heading(W::DraftText.get(lang).to_string()));
    for para in p.draft_text.split('\n') {
        out.push(DetailLine::Text(para.to_string()));
    }
    out
}

fn allowed(m: &pb::Meeting, step: Step, ctx: &Ctx<'_>) -> bool {
    machine::next(status(m), step, &Facts::of(m, ctx.today)).is_ok()
}

/// The steps the user may take on a meeting now, as the server's policy and status machine
/// would allow them.
fn meeting_commands(m: &pb::Meeting, ctx: &Ctx<'_>) -> Vec<Command> {
    let g = m.group_id;
    let leader = ctx.may_in(Action::SignProtocol, g);
    let prepares = ctx.may_in(Action::PrepareMeeting, g);
    let s = status(m);
    let mut c = Vec::new();
    if prepares && allowed(m, Step::Prepare, ctx) && m.venue_id != 0 {
        c.push(Command::Notify);
    }
    if prepares && allowed(m, Step::MarkHeld, ctx) && s == M::Announced {
        c.push(Command::MarkHeld);
    }
    if prepares && matches!(s, M::Held | M::ProtocolDrafted) {
        c.push(Command::EditProtocol);
    }
    if leader && s == M::ProtocolDrafted && allowed(m, Step::Sign, ctx) {
        c.push(Command::Sign);
    }
    // A signed protocol is changed only by an amendment (3.6.6); `p` records one.
    if prepares && machine::was_held(s) && allowed(m, Step::Amend, ctx) {
        c.push(Command::EditProtocol);
    }
    if prepares && s == M::ProtocolSigned && allowed(m, Step::HandOver, ctx) {
        c.push(Command::HandOver);
    }
    if ctx.may_in(Action::AcknowledgeProtocol, g) && allowed(m, Step::Acknowledge, ctx) {
        c.push(Command::Acknowledge);
    }
    if ctx.may_in(Action::RecordInforming, g)
        && !informing_done(m)
        && s != M::Cancelled
        && !machine::was_held(s)
    {
        c.push(Command::MarkDone);
    }
    if !documents(m, ctx.lang).is_empty() {
        c.push(Command::Export);
    }
    c
}

/// The documents a meeting has now: the protocol once drafted, the brief once written, the
/// announcement until it is cancelled, the results once the protocol is signed.
fn documents(m: &pb::Meeting, lang: Lang) -> Vec<(pb::ExportKind, String)> {
    use pb::ExportKind as K;
    let p = m.protocol.as_ref();
    let mut out = Vec::new();
    if p.is_some_and(|p| {
        !p.questions.is_empty()
            || !p.decisions.is_empty()
            || p.residents_attending > 0
            || !p.number.is_empty()
    }) {
        out.push((K::Protocol, W::DocProtocol));
    }
    if m.brief.as_ref().is_some_and(|b| !b.text.trim().is_empty()) {
        out.push((K::Brief, W::DocBrief));
    }
    if m.status != M::Cancelled as i32 {
        out.push((K::Announcement, W::DocAnnouncement));
    }
    if p.is_some_and(|p| p.signed_by != 0) {
        out.push((K::Results, W::DocResults));
    }
    out.into_iter()
        .map(|(k, w)| (k, w.get(lang).to_string()))
        .collect()
}

/// The preparation and protocol-entry steps on `m`, for those who prepare its meetings.
fn prep_commands(m: &pb::Meeting, ctx: &Ctx<'_>) -> Vec<Command> {
    let g = m.group_id;
    if ctx.may_in(Action::PrepareMeeting, g) {
        meeting_prep::commands(m, |step| allowed(m, step, ctx))
    } else {
        Vec::new()
    }
}

/// The steps offered on the selected meeting, and planning a new one on the timeline: the main
/// line's step first (the hints line is short), then planning, then preparation and entries.
pub fn commands(source: Source, id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
    let m = id.and_then(|id| ctx.replica.meetings.get(id));
    let mut c: Vec<Command> = m.map(|m| meeting_commands(m, ctx)).unwrap_or_default();
    if source == Source::Meetings && meeting_prep::preparing_group(ctx).is_some() {
        c.extend([Command::New, Command::PastMeeting]);
    }
    c.extend(m.map(|m| prep_commands(m, ctx)).unwrap_or_default());
    c
}

/// The line naming a meeting at the top of its forms.
pub fn summary(m: &pb::Meeting, ctx: &Ctx<'_>) -> Vec<String> {
    vec![format!(
        "{} {} · {} · {}",
        W::Meeting.get(ctx.lang),
        date(machine::date_of(m)),
        group(ctx, m.group_id),
        territory(ctx, m.territory_id)
    )]
}

fn confirm(step: MeetingStep, m: &pb::Meeting, ctx: &Ctx<'_>) -> Start {
    let meta = m.meta.unwrap_or_default();
    let (title, question) = match step {
        MeetingStep::Sign => (W::SignTitle, W::SignQuestion),
        MeetingStep::MarkHeld => (W::HeldTitle, W::HeldQuestion),
        MeetingStep::HandOver => (W::HandOverTitle, W::HandOverQuestion),
        MeetingStep::Acknowledge => (W::AckTitle, W::AckQuestion),
        MeetingStep::Notify => (W::NotifyTitle, W::NotifyQuestion),
    };
    let mut lines = summary(m, ctx);
    if step == MeetingStep::Sign
        && let Some(p) = &m.protocol
    {
        // What is being signed, in full: the leader signs what they see.
        for l in protocol_lines(p, ctx) {
            lines.push(match l {
                DetailLine::Heading(t) | DetailLine::Text(t) | DetailLine::Warning(t) => t,
                DetailLine::Field(k, v) => format!("{k}: {v}"),
                DetailLine::Blank => String::new(),
            });
        }
    }
    lines.push(String::new());
    lines.push(question.get(ctx.lang).to_string());
    Start::Form(Box::new(FormPopup::new(
        Intent::Meeting {
            step,
            id: meta.id,
            version: meta.version,
        },
        title.get(ctx.lang).to_string(),
        lines,
        ctx.lang,
    )))
}

/// What a step on a meeting (or planning a new one) starts.
pub fn start(source: Source, command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
    if command == Command::New || command == Command::PastMeeting {
        let past = command == Command::PastMeeting;
        return commands(source, id, ctx)
            .contains(&command)
            .then(|| meeting_prep::plan(ctx, past))
            .flatten();
    }
    let m = ctx.replica.meetings.get(id?)?;
    if !meeting_commands(m, ctx).contains(&command) && !prep_commands(m, ctx).contains(&command) {
        return None;
    }

    let meta = m.meta.unwrap_or_default();
    let lang = ctx.lang;
    Some(match command {
        Command::Sign => confirm(MeetingStep::Sign, m, ctx),
        Command::MarkHeld => confirm(MeetingStep::MarkHeld, m, ctx),
        Command::HandOver => confirm(MeetingStep::HandOver, m, ctx),
        Command::Acknowledge => confirm(MeetingStep::Acknowledge, m, ctx),
        Command::Notify => confirm(MeetingStep::Notify, m, ctx),
        Command::EditProtocol if matches!(status(m), M::Held | M::ProtocolDrafted) => {
            // Until the secretary says otherwise, the whole group was there.
            let present = match m.protocol.as_ref().map(|p| &p.members_present) {
                Some(ids) if !ids.is_empty() => ids.clone(),
                _ => ctx
                    .replica
                    .groups
                    .get(m.group_id)
                    .map(|g| {
                        let mut ids = vec![g.leader_id, g.secretary_id];
                        ids.extend(&g.member_ids);
                        ids
                    })
                    .unwrap_or_default(),
            };
            let present = crate::features::groups::forms::members_text(ctx, &present);
            Start::Form(Box::new(
                FormPopup::new(
                    Intent::Protocol {
                        id: meta.id,
                        version: meta.version,
                        base: Box::new(m.protocol.clone().unwrap_or_default()),
                    },
                    W::ProtocolTitle.get(lang).to_string(),
                    summary(m, ctx),
                    lang,
                )
                .prefill("members_present", present),
            ))
        }
        Command::MarkDone => Start::Form(Box::new(FormPopup::new(
            Intent::Informing {
                id: meta.id,
                version: meta.version,
            },
            W::InformingTitle.get(lang).to_string(),
            summary(m, ctx),
            lang,
        ))),
        Command::Export => Start::Form(Box::new(export_choice_form(
            documents(m, lang),
            meta.id,
            summary(m, ctx),
            lang,
        ))),
        other => return meeting_prep::start(other, m, summary(m, ctx), ctx),
    })
}

/// The steps offered on a publication.
pub fn publication_commands(id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
    let Some((meeting, kind)) = id.map(publication_of) else {
        return Vec::new();
    };
    let pending = ctx.replica.meetings.get(meeting).is_some_and(|m| {
        m.publications
            .iter()
            .any(|p| p.kind == kind as i32 && !p.published)
    });
    if pending && ctx.may_in(Action::RecordPublication, 0) {
        vec![Command::MarkDone]
    } else {
        Vec::new()
    }
}

/// Recording a publication as posted.
pub fn publication_start(command: Command, id: u64, ctx: &Ctx<'_>) -> Option<Start> {
    if command != Command::MarkDone || !publication_commands(Some(id), ctx).contains(&command) {
        return None;
    }
    let (meeting, kind) = publication_of(id);
    let m = ctx.replica.meetings.get(meeting)?;
    let meta = m.meta.unwrap_or_default();
    let draft = m
        .publications
        .iter()
        .find(|p| p.kind == kind as i32)
        .map(|p| p.draft_text.clone())
        .unwrap_or_default();
    let mut lines = summary(m, ctx);
    lines.push(publication_kind_name(ctx, kind).to_string());
    Some(Start::Form(Box::new(FormPopup::new(
        Intent::Publication {
            id: meta.id,
            version: meta.version,
            kind,
            draft,
        },
        W::PublicationTitle.get(ctx.lang).to_string(),
        lines,
        ctx.lang,
    ))))
}

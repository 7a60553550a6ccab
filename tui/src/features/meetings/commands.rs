//! What the user may do on a meeting or a publication: the keys offered for its next steps and
//! documents, and the form or confirmation each key starts.

use infogroups_shared::meeting::{self as machine, Facts, Step};
use infogroups_shared::names::Lang;
use infogroups_shared::pb::{self, MeetingStatus as M};
use infogroups_shared::policy::Action;

use crate::features::attachments;
use crate::features::exports::forms::export_choice_form;
use crate::features::meetings::detail::protocol_lines;
use crate::features::meetings::forms::{
    InformingForm, MeetingStep, MeetingStepForm, ProtocolForm, PublicationForm, ReturnProtocolForm,
};
use crate::features::meetings::prep as meeting_prep;
use crate::features::meetings::records::{
    informing_done, publication_kind_name, publication_of, status,
};
use crate::features::record_list::row::{DetailLine, Start, date, group, territory};
use crate::features::record_list::source::Source;
use crate::keymap::Command;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::FormPopup;

fn allowed(m: &pb::Meeting, step: Step, ctx: &Ctx<'_>) -> bool {
    machine::next(status(m), step, &Facts::of(m, ctx.today)).is_ok()
}

/// Why `command` is not offered on meeting `id`: the step's role under the policy, else what
/// the status machine says is missing.
pub fn why_not(command: Command, id: u64, ctx: &Ctx<'_>) -> Option<String> {
    use Command as C;
    let m = ctx.replica.meetings.get(id)?;
    let s = status(m);
    let (action, step) = match command {
        C::Sign => (Action::SignProtocol, Step::Sign),
        C::SendForSignature => (Action::PrepareMeeting, Step::SendForSignature),
        C::MarkHeld => (Action::PrepareMeeting, Step::MarkHeld),
        C::HandOver => (Action::PrepareMeeting, Step::HandOver),
        C::Acknowledge => (Action::AcknowledgeProtocol, Step::Acknowledge),
        C::Return => (Action::AcknowledgeProtocol, Step::ReturnProtocol),
        C::Announce => (Action::PrepareMeeting, Step::Announce),
        C::MoveMeeting => (Action::PrepareMeeting, Step::Move),
        C::CancelMeeting => (Action::PrepareMeeting, Step::Cancel),
        C::EditProtocol if machine::is_signed(s) => (Action::PrepareMeeting, Step::Amend),
        C::EditProtocol => (Action::PrepareMeeting, Step::DraftProtocol),
        C::AgreeVenue | C::Checklist | C::Brief | C::Participants | C::Notify => {
            (Action::PrepareMeeting, Step::Prepare)
        }
        _ => return None,
    };
    if let Some(why) = ctx.refusal_in(action, m.group_id) {
        return Some(why);
    }
    machine::next(s, step, &Facts::of(m, ctx.today))
        .err()
        .map(|r| ctx.lang.pick(r.ru, r.en).to_string())
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
    if prepares && matches!(s, M::Held | M::ProtocolDrafted | M::AwaitingSignature) {
        c.push(Command::EditProtocol);
    }
    if prepares && allowed(m, Step::SendForSignature, ctx) {
        c.push(Command::SendForSignature);
    }
    if leader && allowed(m, Step::Sign, ctx) {
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
    if ctx.may_in(Action::AcknowledgeProtocol, g) && allowed(m, Step::ReturnProtocol, ctx) {
        c.push(Command::Return);
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
    // The signed protocol's scan and any other paper of the meeting.
    c.push(Command::Files);
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
        MeetingStep::SendForSignature => (W::SendTitle, W::SendQuestion),
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
        MeetingStepForm {
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
        Command::SendForSignature => confirm(MeetingStep::SendForSignature, m, ctx),
        Command::MarkHeld => confirm(MeetingStep::MarkHeld, m, ctx),
        Command::HandOver => confirm(MeetingStep::HandOver, m, ctx),
        Command::Acknowledge => confirm(MeetingStep::Acknowledge, m, ctx),
        Command::Return => {
            let mut lines = summary(m, ctx);
            lines.push(W::ReturnProtocolWhy.get(lang).to_string());
            Start::Form(Box::new(FormPopup::new(
                ReturnProtocolForm {
                    id: meta.id,
                    version: meta.version,
                },
                W::ReturnProtocolTitle.get(lang).to_string(),
                lines,
                lang,
            )))
        }
        Command::Notify => confirm(MeetingStep::Notify, m, ctx),
        Command::EditProtocol
            if matches!(
                status(m),
                M::Held | M::ProtocolDrafted | M::AwaitingSignature
            ) =>
        {
            // Until the secretary says otherwise, the whole group was there.
            let members = crate::features::groups::forms::people_choices(ctx, m.group_id);
            let mut base = m.protocol.clone().unwrap_or_default();
            if base.members_present.is_empty() {
                base.members_present = members.iter().map(|(id, _)| *id).collect();
            }
            Start::Form(Box::new(FormPopup::new(
                ProtocolForm {
                    id: meta.id,
                    version: meta.version,
                    base: Box::new(base),
                    members,
                },
                W::ProtocolTitle.get(lang).to_string(),
                summary(m, ctx),
                lang,
            )))
        }
        Command::MarkDone => Start::Form(Box::new(FormPopup::new(
            InformingForm {
                id: meta.id,
                version: meta.version,
            },
            W::InformingTitle.get(lang).to_string(),
            summary(m, ctx),
            lang,
        ))),
        Command::Files => attachments::start(pb::RecordKind::Meeting, meta.id),
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
        PublicationForm {
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

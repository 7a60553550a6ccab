//! Preparing a meeting from the secretary's (or leader's) timeline: planning a new one, the
//! venue and its agreement, the announcement, moving or cancelling, the checklist, the territory
//! brief, and amendments to a signed protocol. Which steps are offered follows the same status
//! machine and policy the server applies.

use infogroups_shared::meeting::{self as machine, Step};
use infogroups_shared::pb::{self, MeetingStatus as M};

use crate::features::directory::records::{choices, territory_choices};
use crate::features::meetings::forms as meeting_forms;
use crate::features::meetings::forms::{PastMeeting, PlanMeeting, Prep, Prepare};
use crate::features::record_list::row::Start;
use crate::keymap::Command;
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::form_engine::{FormPopup, FormSpec, request_id};
use crate::ui::{Ctx, text};

/// The group whose meetings the current role prepares (leader or secretary).
pub fn preparing_group(ctx: &Ctx<'_>) -> Option<u64> {
    let g = ctx.session?.role()?.group_id;
    ctx.may_in(infogroups_shared::policy::Action::PrepareMeeting, g)
        .then_some(g)
}

/// The venues a meeting can be held in (not archived): those on the meeting's territory first,
/// then the rest (one across the border may be the nearest), each part by name.
fn venue_choices(ctx: &Ctx<'_>, territory: Option<u64>) -> Vec<(u64, String)> {
    let mut v = choices(ctx.replica.venues.iter(), |v| &v.name);
    // Stable: each part keeps the order by name.
    v.sort_by_key(|(id, _)| {
        territory.is_some_and(|t| {
            ctx.replica
                .venues
                .get(*id)
                .is_some_and(|v| v.territory_id != t)
        })
    });
    v
}

/// The preparation steps offered on `m` to someone who prepares its meetings; `allowed` says
/// whether the status machine lets a step through now.
pub fn commands(m: &pb::Meeting, allowed: impl Fn(Step) -> bool) -> Vec<Command> {
    let s = M::try_from(m.status).unwrap_or_default();
    let mut c = Vec::new();
    if matches!(s, M::Held | M::ProtocolDrafted | M::AwaitingSignature) {
        c.extend([Command::AddQuestion, Command::AddDecision]);
    }
    if machine::was_held(s) && m.protocol.as_ref().is_some_and(|p| !p.decisions.is_empty()) {
        c.push(Command::Issue);
    }
    if allowed(Step::Prepare) {
        c.extend([Command::AgreeVenue, Command::Checklist, Command::Brief]);
    }
    // Invited before the meeting, their attendance marked after it.
    if s != M::Cancelled && (allowed(Step::Prepare) || machine::was_held(s)) {
        c.push(Command::Participants);
    }
    if s == M::VenueAgreed && allowed(Step::Announce) {
        c.push(Command::Announce);
    }
    if allowed(Step::Move) {
        c.push(Command::MoveMeeting);
    }
    if allowed(Step::Cancel) {
        c.push(Command::CancelMeeting);
    }
    c
}

fn form(
    spec: impl Into<Box<dyn FormSpec>>,
    title: W,
    summary: Vec<String>,
    ctx: &Ctx<'_>,
) -> FormPopup {
    FormPopup::new(spec, title.get(ctx.lang).to_string(), summary, ctx.lang)
}

/// Planning a new meeting of the preparing group, on one of its territories — or, with `past`,
/// entering one it held before the system, after the fact.
pub fn plan(ctx: &Ctx<'_>, past: bool) -> Option<Start> {
    let group_id = preparing_group(ctx)?;
    let group = ctx.replica.groups.get(group_id)?;
    let territories: Vec<(u64, String)> = territory_choices(ctx)
        .into_iter()
        .filter(|(id, _)| group.territory_ids.contains(id))
        .collect();
    let summary = vec![group.name.clone()];
    let (spec, title): (Box<dyn FormSpec>, W) = if past {
        (
            Box::new(PastMeeting {
                request_id: request_id(),
                group_id,
                territories,
                venues: venue_choices(ctx, None),
                members: crate::features::groups::forms::people_choices(ctx, group_id),
            }),
            W::PastMeetingTitle,
        )
    } else {
        (
            Box::new(PlanMeeting {
                request_id: request_id(),
                group_id,
                territories,
                venues: venue_choices(ctx, None),
            }),
            W::PlanTitle,
        )
    };
    Some(Start::Form(Box::new(form(spec, title, summary, ctx))))
}

/// The territory brief's form, filled with `brief` (the last saved one or a fresh draft).
pub fn brief_form(
    m: &pb::Meeting,
    brief: pb::Brief,
    summary: Vec<String>,
    ctx: &Ctx<'_>,
) -> FormPopup {
    let meta = m.meta.unwrap_or_default();
    let mut lines = summary;
    lines.push(
        W::BriefFigures
            .get(ctx.lang)
            .replace("{appeals}", &brief.open_appeals.to_string())
            .replace("{assignments}", &brief.open_assignments.to_string()),
    );
    form(
        Prepare {
            step: Prep::Brief {
                base: Box::new(brief),
            },
            id: meta.id,
            version: meta.version,
        },
        W::BriefTitle,
        lines,
        ctx,
    )
}

/// What a preparation step on `m` starts; `summary` names the meeting.
pub fn start(
    command: Command,
    m: &pb::Meeting,
    summary: Vec<String>,
    ctx: &Ctx<'_>,
) -> Option<Start> {
    let meta = m.meta.unwrap_or_default();
    let (id, version) = (meta.id, meta.version);
    let prepare =
        |step: Prep, title: W| form(Prepare { step, id, version }, title, summary.clone(), ctx);
    let date = text::date(m.date.as_ref());
    Some(Start::Form(Box::new(match command {
        Command::AgreeVenue => {
            let venues = venue_choices(ctx, Some(m.territory_id));
            let a = m.venue_agreement.clone().unwrap_or_default();
            let venue = meeting_forms::venue_option(&venues, m.venue_id);
            let agreed_on = a.date.as_ref().map_or_else(
                || ctx.today.format("%d.%m.%Y").to_string(),
                |d| text::date(Some(d)),
            );
            prepare(Prep::Venue { venues }, W::VenueTitle)
                .choose("venue_id", venue)
                .choose(
                    "agreement.status",
                    meeting_forms::agreement_option(a.status),
                )
                .prefill("agreement.contact", a.contact)
                .prefill("agreement.date", agreed_on)
                .prefill("agreement.other_kind_reason", a.other_kind_reason)
        }
        Command::Announce => {
            let mut lines = summary.clone();
            lines.push(String::new());
            lines.push(W::AnnounceQuestion.get(ctx.lang).to_string());
            form(
                Prepare {
                    step: Prep::Announce,
                    id,
                    version,
                },
                W::AnnounceTitle,
                lines,
                ctx,
            )
        }
        Command::MoveMeeting => {
            let venues = venue_choices(ctx, Some(m.territory_id));
            let venue = meeting_forms::venue_option(&venues, m.venue_id);
            prepare(Prep::Move { venues }, W::MoveTitle)
                .prefill("date", date)
                .prefill("time", m.time.clone())
                .choose("venue_id", venue)
        }
        Command::CancelMeeting => prepare(Prep::Cancel, W::CancelTitle),
        Command::Checklist => prepare(
            Prep::Checklist {
                items: m.checklist.clone(),
            },
            W::ChecklistTitle,
        ),
        Command::Brief => {
            // Never drafted: the server drafts it from the territory's appeals and assignments
            // first, and the form opens on the draft.
            let Some(b) = m.brief.clone().filter(|b| b.saved_at_ms != 0) else {
                return Some(Start::Call(Box::new(Call::DraftBrief(
                    pb::DraftBriefRequest { meeting_id: id },
                ))));
            };
            brief_form(m, b, summary, ctx)
        }
        Command::EditProtocol => prepare(Prep::Amend, W::AmendTitle),
        Command::Participants => {
            let organisations = choices(ctx.replica.organisations.iter(), |o| &o.name);
            // After the meeting only attendance is recorded: «присутствовал» is the default.
            let attended = if machine::was_held(M::try_from(m.status).unwrap_or_default()) {
                3
            } else {
                0
            };
            prepare(
                Prep::Participant {
                    existing: m.participants.clone(),
                    organisations,
                },
                W::ParticipantTitle,
            )
            .choose("participant.status", attended)
        }
        Command::AddQuestion => prepare(
            Prep::Question {
                base: Box::new(m.protocol.clone().unwrap_or_default()),
            },
            W::QuestionTitle,
        ),
        Command::AddDecision => prepare(
            Prep::Decision {
                base: Box::new(m.protocol.clone().unwrap_or_default()),
            },
            W::DecisionTitle,
        ),
        Command::Issue => {
            let decisions: Vec<String> = m
                .protocol
                .as_ref()
                .map(|p| p.decisions.iter().map(|d| d.text.clone()).collect())
                .unwrap_or_default();
            let first = m
                .protocol
                .as_ref()
                .and_then(|p| p.decisions.first())
                .map(|d| d.text.clone())
                .unwrap_or_default();
            prepare(
                Prep::FromDecision {
                    request_id: request_id(),
                    group_id: m.group_id,
                    territory_id: m.territory_id,
                    decisions,
                },
                W::FromDecisionTitle,
            )
            .prefill("text", first)
        }
        _ => return None,
    })))
}

//! A meeting as its detail panel shows it: what, where, the next step, the preparation, the
//! participants, the brief and the protocol; and a publication with its drafted text.

use infogroups_shared::meeting as machine;
use infogroups_shared::{pb, validate};

use crate::features::meetings::forms::agreement_state;
use crate::features::meetings::records::{
    closed, next_step, publication_kind_name, publication_of, status, status_text,
};
use crate::features::record_list::row::{DetailLine, date, field, group, person, territory};
use crate::strings::work::W;
use crate::ui::{Ctx, text};

/// A meeting's card: what, where, the next step, preparation, participants, the brief and the
/// protocol.
pub fn detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(m) = ctx.replica.meetings.get(id) else {
        return Vec::new();
    };
    let s = status(m);
    let (step, due) = next_step(m, ctx);
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
    if let Some(a) = m.venue_agreement.as_ref().filter(|a| a.status != 0) {
        let state = agreement_state(lang, a.status);
        let on = a
            .date
            .as_ref()
            .and_then(validate::to_naive)
            .map(date)
            .unwrap_or_default();
        let who = if a.contact.trim().is_empty() {
            String::new()
        } else {
            format!(", {}", a.contact.trim())
        };
        out.push(field(
            lang,
            W::AgreementShown,
            format!("{state} {on}{who}").trim().to_string(),
        ));
    }
    if m.retrospective {
        out.push(DetailLine::Text(W::Retrospective.get(lang).to_string()));
    }
    for r in m.handover.iter().flat_map(|h| &h.returns) {
        out.push(field(
            lang,
            W::ReturnedAt,
            format!(
                "{} ({}): {}",
                text::date_time(r.at_ms),
                person(ctx, r.by_user_id),
                r.reason
            ),
        ));
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
    if p.sent_by != 0 {
        out.push(field(
            lang,
            W::FieldSentOn,
            format!(
                "{} {}",
                person(ctx, p.sent_by),
                text::date_time(p.sent_at_ms)
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

//! Written appeals with their 59-FZ deadlines: the list and an appeal's detail. Appeals and
//! reception cards ([`super::cards`]) arrive depersonalised unless the user may see the citizen
//! (the server decides; the client shows what it gets).

use chrono::NaiveDate;
use infogroups_shared::appeal as machine;
use infogroups_shared::names;
use infogroups_shared::pb::{self, AppealStatus};
use infogroups_shared::validate;

use crate::features::record_list::row::{
    Column, DetailLine, RecordRow, Tone, date, field, group, iso, person, territory,
};
use crate::strings;
use crate::strings::work::W;
use crate::ui::{Ctx, text};

/// The appeals' columns.
pub const COLUMNS: &[Column] = &[
    Column::new(W::ColNumber, 13).priority(0),
    Column::new(W::ColRegistered, 10).priority(4),
    Column::new(W::ColDue, 10).priority(0),
    Column::new(W::ColStatus, 13).squeeze(10).priority(1),
    Column::new(W::ColTerritory, 24).squeeze(12).priority(3),
    Column::grows(W::ColContent),
];

pub(super) fn status(a: &pb::Appeal) -> AppealStatus {
    AppealStatus::try_from(a.status).unwrap_or(AppealStatus::Unspecified)
}

/// The answer's due date (after extensions).
pub fn due(a: &pb::Appeal) -> Option<NaiveDate> {
    a.due
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(validate::to_naive)
}

pub(super) fn open(a: &pb::Appeal) -> bool {
    let s = status(a);
    !machine::is_final(s) && !machine::is_special(s)
}

pub(super) fn short(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// Open appeals by due date (overdue first), then finished ones, newest first.
pub fn rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let mut keyed: Vec<((bool, i64), RecordRow)> = ctx
        .replica
        .appeals
        .iter()
        .map(|a| {
            let id = a.meta.map_or(0, |m| m.id);
            let due = due(a);
            let registered = a.registered.as_ref().and_then(validate::to_naive);
            let is_open = open(a);
            let tone = match (is_open, due) {
                (false, _) => Tone::Done,
                (true, Some(d)) => {
                    crate::features::record_list::row::tone_of_due(d, ctx.today, ctx.calendar)
                }
                (true, None) => Tone::Normal,
            };
            let key = due
                .or(registered)
                .map_or(0, |d| i64::from(chrono::Datelike::num_days_from_ce(&d)));
            let row = RecordRow::new(
                id,
                tone,
                vec![
                    a.number.clone(),
                    registered.map(date).unwrap_or_default(),
                    due.map(date).unwrap_or_default(),
                    strings::status::appeal(ctx.lang, status(a)).to_string(),
                    territory(ctx, a.territory_id),
                    short(&a.text),
                ],
            )
            .long(3, names::appeal_status(ctx.lang, status(a)))
            .long(5, a.text.clone())
            .sort_by(1, registered.map(iso).unwrap_or_default())
            .sort_by(2, due.map(iso).unwrap_or_default());
            ((!is_open, if is_open { key } else { -key }), row)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// An appeal's card.
pub fn detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(a) = ctx.replica.appeals.get(id) else {
        return Vec::new();
    };
    let mut out = vec![
        DetailLine::Heading(format!("{} {}", W::Appeal.get(lang), a.number)),
        field(lang, W::ColStatus, names::appeal_status(lang, status(a))),
        field(
            lang,
            W::Received,
            a.received
                .as_ref()
                .map(|d| text::date(Some(d)))
                .unwrap_or_default(),
        ),
        field(
            lang,
            W::ColRegistered,
            a.registered
                .as_ref()
                .map(|d| text::date(Some(d)))
                .unwrap_or_default(),
        ),
    ];
    match due(a) {
        Some(d) if open(a) && d < ctx.today => {
            out.push(DetailLine::Warning(format!(
                "{}: {}",
                W::AnswerDue.get(lang),
                date(d)
            )));
        }
        Some(d) => out.push(field(lang, W::AnswerDue, date(d))),
        None => {}
    }
    // The rule recorded at registration, so the date can be checked against the law by hand.
    if let Ok(rule) = pb::NonWorkingRule::try_from(a.due_rule)
        && rule != pb::NonWorkingRule::Unspecified
    {
        out.push(field(lang, W::DueRule, names::non_working_rule(lang, rule)));
    }
    if a.late_registration {
        out.push(DetailLine::Warning(
            W::LateRegistration.get(lang).to_string(),
        ));
    }
    out.push(field(
        lang,
        W::Channel,
        names::channel(lang, pb::Channel::try_from(a.channel).unwrap_or_default()),
    ));
    out.push(field(
        lang,
        W::Kind,
        names::appeal_kind(lang, pb::AppealKind::try_from(a.kind).unwrap_or_default()),
    ));
    out.push(field(lang, W::ColTerritory, territory(ctx, a.territory_id)));
    out.push(field(lang, W::ColGroup, group(ctx, a.group_id)));
    let applicant = if a.anonymous {
        W::Anonymous.get(lang).to_string()
    } else if a.depersonalised || a.citizen.is_none() {
        W::Withheld.get(lang).to_string()
    } else {
        a.citizen.as_ref().map_or_else(String::new, |c| {
            format!("{} {} {}", c.surname, c.first_name, c.patronymic)
        })
    };
    out.push(field(lang, W::Applicant, applicant));
    if a.repeated {
        out.push(field(lang, W::Repeated, W::Yes.get(lang)));
    }
    if a.collective {
        out.push(field(lang, W::Signatories, a.signatories.to_string()));
    }
    for e in &a.extensions {
        out.push(field(
            lang,
            W::Extended,
            format!(
                "+{} → {} ({})",
                e.days,
                e.new_due
                    .as_ref()
                    .map(|d| text::date(Some(d)))
                    .unwrap_or_default(),
                person(ctx, e.granted_by)
            ),
        ));
    }
    if !a.questions.is_empty() {
        out.push(DetailLine::Blank);
        out.push(DetailLine::Heading(W::Questions.get(lang).to_string()));
        for q in &a.questions {
            let result = names::question_result(
                lang,
                pb::QuestionResult::try_from(q.result).unwrap_or_default(),
            );
            out.push(DetailLine::Text(format!(
                "{} — {result}",
                q.classifier_code
            )));
        }
    }
    if let Some(f) = &a.forwarding {
        out.push(DetailLine::Blank);
        out.push(field(lang, W::ForwardedTo, f.body.clone()));
        out.push(field(
            lang,
            W::ForwardedOnNotice,
            format!(
                "{} / {}",
                text::date(f.date.as_ref()),
                text::date(f.notice_date.as_ref())
            ),
        ));
    }
    let special = infogroups_shared::appeal::is_special(
        pb::AppealStatus::try_from(a.status).unwrap_or_default(),
    );
    if let Some(ans) = a.answer.as_ref().filter(|_| special) {
        // Closed under art. 11: no answer on the merits, only the ground and the notice.
        out.push(DetailLine::Blank);
        out.push(field(
            lang,
            W::ClosedUnderArt11,
            names::appeal_status(
                lang,
                pb::AppealStatus::try_from(a.status).unwrap_or_default(),
            ),
        ));
        if !ans.summary.is_empty() {
            out.push(DetailLine::Text(ans.summary.clone()));
        }
    } else if let Some(ans) = &a.answer {
        out.push(DetailLine::Blank);
        out.push(field(
            lang,
            W::Answered,
            format!(
                "{} ({})",
                ans.date
                    .as_ref()
                    .map(|d| text::date(Some(d)))
                    .unwrap_or_default(),
                if ans.on_time { W::OnTime } else { W::Late }
                    .get(lang)
                    .trim()
            ),
        ));
        if !ans.summary.is_empty() {
            out.push(DetailLine::Text(ans.summary.clone()));
        }
    }
    if !a.text.is_empty() {
        out.push(DetailLine::Blank);
        out.push(DetailLine::Text(a.text.clone()));
    }
    out
}

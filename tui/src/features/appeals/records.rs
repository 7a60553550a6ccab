//! Written appeals with their 59-FZ deadlines, and personal reception cards. Both arrive
//! depersonalised unless the user may see the citizen (the server decides; the client shows what
//! it gets).

use chrono::NaiveDate;
use infogroups_shared::appeal as machine;
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, AppealStatus};
use infogroups_shared::policy::Action;
use infogroups_shared::validate;

use crate::features::record_list::row::Column;

use crate::features::record_list::row::DetailLine;

use crate::features::record_list::row::RecordRow;

use crate::features::record_list::row::Start;

use crate::features::record_list::row::Tone;

use crate::features::record_list::row::date;

use crate::features::record_list::row::field;

use crate::features::record_list::row::group;

use crate::features::record_list::row::iso;

use crate::features::record_list::row::person;

use crate::features::appeals::forms::SPECIAL;
use crate::features::directory::records::territory_choices;
use crate::features::exports::forms::export_form;
use crate::features::form::Intent;
use crate::features::record_list::row::territory;
use crate::keymap::Command;
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::FormPopup;
use crate::ui::form_engine::request_id;
use crate::ui::popup::InfoPopup;
use crate::ui::text;

/// The appeals' columns.
pub const COLUMNS: &[Column] = &[
    Column {
        title: W::ColNumber,
        width: 13,
    },
    Column {
        title: W::ColRegistered,
        width: 10,
    },
    Column {
        title: W::ColDue,
        width: 10,
    },
    Column {
        title: W::ColStatus,
        width: 16,
    },
    Column {
        title: W::ColTerritory,
        width: 14,
    },
    Column {
        title: W::ColContent,
        width: 0,
    },
];

/// The reception cards' columns.
pub const CARD_COLUMNS: &[Column] = &[
    Column {
        title: W::ColDate,
        width: 10,
    },
    Column {
        title: W::ColGroupNo,
        width: 4,
    },
    Column {
        title: W::ColResult,
        width: 16,
    },
    Column {
        title: W::ColTerritory,
        width: 14,
    },
    Column {
        title: W::ColContent,
        width: 0,
    },
];

fn status(a: &pb::Appeal) -> AppealStatus {
    AppealStatus::try_from(a.status).unwrap_or(AppealStatus::Unspecified)
}

/// The answer's due date (after extensions).
pub fn due(a: &pb::Appeal) -> Option<NaiveDate> {
    a.due
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(validate::to_naive)
}

fn open(a: &pb::Appeal) -> bool {
    let s = status(a);
    !machine::is_final(s) && !machine::is_special(s)
}

fn short(s: &str) -> String {
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
                    names::appeal_status(ctx.lang, status(a)).to_string(),
                    territory(ctx, a.territory_id),
                    short(&a.text),
                ],
            )
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

/// The role in use processes appeals (the general department; a secretary for the group), as
/// the policy decides.
fn processes_appeals(ctx: &Ctx<'_>) -> Option<pb::RoleGrant> {
    ctx.session
        .and_then(|s| s.role())
        .copied()
        .filter(|g| ctx.may_in(Action::ProcessAppeals, g.group_id))
}

/// The user may stop the correspondence with a citizen on the appeal (art. 11 p. 5), by the
/// server's own policy.
fn may_stop_correspondence(a: &pb::Appeal, ctx: &Ctx<'_>) -> bool {
    ctx.may_in(Action::StopCorrespondence, a.group_id)
}

/// The head extends an open appeal's deadline before it passes, while the 30 days allowed are not
/// used up.
fn may_extend(a: &pb::Appeal, ctx: &Ctx<'_>) -> bool {
    let head = ctx.may_in(Action::ExtendAppeal, a.group_id);
    let used: u32 = a.extensions.iter().map(|e| e.days).sum();
    head && open(a) && used < machine::MAX_EXTENSION && due(a).is_some_and(|d| d >= ctx.today)
}

/// Register a new appeal; answer the selected one while it is open; the head extends it.
pub fn commands(id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
    let selected = id.and_then(|id| ctx.replica.appeals.get(id));
    if processes_appeals(ctx).is_none() {
        let mut c = Vec::new();
        if let Some(a) = selected {
            if may_extend(a, ctx) {
                c.push(Command::RequestExtension);
            }
            // Stopping the correspondence on a repeated appeal is the head's (art. 11 p. 5).
            if may_stop_correspondence(a, ctx) && open(a) && a.repeated {
                c.push(Command::CloseSpecial);
            }
        }
        return c;
    }
    let mut c = vec![Command::New];
    if let Some(a) = id.and_then(|id| ctx.replica.appeals.get(id)) {
        if open(a) {
            c.extend([Command::Answer, Command::Forward, Command::CloseSpecial]);
        }
        if !a.anonymous {
            c.push(Command::Applicant);
        }
    }
    c
}

/// The applicant's data as the server gave it (withheld if the user may not see it).
pub fn applicant(a: &pb::Appeal, lang: Lang) -> InfoPopup {
    let title = format!("{} {}", W::Applicant.get(lang), a.number);
    let lines = match &a.citizen {
        Some(c) => [
            (W::FieldSurname, &c.surname),
            (W::FieldFirstName, &c.first_name),
            (W::FieldPatronymic, &c.patronymic),
            (W::FieldAddress, &c.postal_address),
            (W::Contact, &c.contact),
            (W::Workplace, &c.workplace),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(l, v)| (l.get(lang).to_string(), v.clone()))
        .collect(),
        None => vec![(
            W::Applicant.get(lang).to_string(),
            W::Withheld.get(lang).to_string(),
        )],
    };
    InfoPopup { title, lines }
}

/// The registration and answer forms; the applicant's data is asked of the server.
pub fn start(command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
    if !commands(id, ctx).contains(&command) {
        return None;
    }
    let form = match command {
        Command::Applicant => return Some(Start::Call(Box::new(Call::Applicant(id?)))),
        Command::New => register_form(ctx),
        Command::Answer => answer_form(ctx.replica.appeals.get(id?)?, ctx),
        Command::RequestExtension => extend_form(ctx.replica.appeals.get(id?)?, ctx),
        Command::Forward | Command::CloseSpecial => {
            let a = ctx.replica.appeals.get(id?)?;
            let meta = a.meta.unwrap_or_default();
            let (id, version) = (meta.id, meta.version);
            let lang = ctx.lang;
            let summary = vec![format!(
                "{} {} — {}",
                W::Appeal.get(lang),
                a.number,
                short(&a.text)
            )];
            if command == Command::Forward {
                FormPopup::new(
                    Intent::ForwardAppeal { id, version },
                    W::ForwardTitle.get(lang).to_string(),
                    summary,
                    lang,
                )
                .prefill("forwarding.date", date(ctx.today))
                .prefill("forwarding.notice_date", date(ctx.today))
            } else {
                let form = FormPopup::new(
                    Intent::CloseSpecial { id, version },
                    W::SpecialTitle.get(lang).to_string(),
                    summary,
                    lang,
                )
                .prefill("notice_date", date(ctx.today));
                // The head decides the one outcome that is theirs.
                let stop = SPECIAL
                    .iter()
                    .position(|s| *s == pb::AppealStatus::CorrespondenceStopped);
                match stop {
                    Some(i) if may_stop_correspondence(a, ctx) => form.choose("outcome", i),
                    _ => form,
                }
            }
        }
        _ => return None,
    };
    Some(Start::Form(Box::new(form)))
}

/// Registration: received today, the secretary's group filled in.
fn register_form(ctx: &Ctx<'_>) -> FormPopup {
    let lang = ctx.lang;
    let intent = Intent::RegisterAppeal {
        request_id: request_id(),
        territories: territory_choices(ctx),
        repeated_confirmed: false,
    };
    let group = processes_appeals(ctx)
        .filter(|g| g.group_id != 0)
        .and_then(|g| ctx.replica.group_number(g.group_id))
        .map(|n| n.to_string())
        .unwrap_or_default();
    let mut summary = vec![W::RegisterHint.get(lang).to_string()];
    // The answer's deadline by the rule the server applies now (59-FZ art. 12).
    if let Some(rule) = machine::rule_from_pb(ctx.replica.settings.appeal_deadline_rule) {
        let due = machine::answer_due(ctx.calendar, ctx.today, 0, rule).date;
        summary.push(format!(
            "{}: {} ({})",
            W::AnswerDue.get(lang),
            date(due),
            names::non_working_rule(lang, machine::rule_pb(rule))
        ));
    }
    FormPopup::new(
        intent,
        W::RegisterAppealTitle.get(lang).to_string(),
        summary,
        lang,
    )
    .prefill("received", date(ctx.today))
    .prefill("group_id", group)
}

/// The answer: dated today, signed by the head unless changed, one result per question.
fn answer_form(a: &pb::Appeal, ctx: &Ctx<'_>) -> FormPopup {
    let lang = ctx.lang;
    let meta = a.meta.unwrap_or_default();
    let mut summary = vec![format!("{} {}", W::Appeal.get(lang), a.number)];
    summary.extend(
        a.questions
            .iter()
            .enumerate()
            .map(|(i, q)| format!("{}. {} — {}", i + 1, q.classifier_code, short(&a.text))),
    );
    let intent = Intent::AnswerAppeal {
        id: meta.id,
        version: meta.version,
        questions: a.questions.len(),
    };
    FormPopup::new(
        intent,
        W::AnswerAppealTitle.get(lang).to_string(),
        summary,
        lang,
    )
    .prefill("date", date(ctx.today))
    .prefill("signed_by", head_name(ctx))
}

/// The head's extension: what is extended and until when it is due now.
fn extend_form(a: &pb::Appeal, ctx: &Ctx<'_>) -> FormPopup {
    let lang = ctx.lang;
    let meta = a.meta.unwrap_or_default();
    let used: u32 = a.extensions.iter().map(|e| e.days).sum();
    let mut due_line = format!(
        "{}: {}",
        W::AnswerDue.get(lang),
        due(a).map(date).unwrap_or_default()
    );
    if used > 0 {
        due_line = format!("{due_line}; {}: +{used}", W::Extended.get(lang));
    }
    let summary = vec![
        format!("{} {} — {}", W::Appeal.get(lang), a.number, short(&a.text)),
        due_line,
    ];
    FormPopup::new(
        Intent::ExtendAppeal {
            id: meta.id,
            version: meta.version,
        },
        W::ExtendAppealTitle.get(lang).to_string(),
        summary,
        lang,
    )
    .prefill(
        "days",
        (machine::MAX_EXTENSION - used.min(machine::MAX_EXTENSION)).to_string(),
    )
    .prefill("notice_date", date(ctx.today))
}

/// Who signs answers by default: the head of administration, if the replica knows them.
fn head_name(ctx: &Ctx<'_>) -> String {
    ctx.replica
        .users
        .iter()
        .find(|u| u.roles.iter().any(|g| g.role == pb::Role::Head as i32))
        .map(|u| u.full_name.clone())
        .unwrap_or_default()
}

/// Reception cards, newest first.
pub fn card_rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let mut rows: Vec<(i64, RecordRow)> = ctx
        .replica
        .reception_cards
        .iter()
        .map(|c| {
            let id = c.meta.map_or(0, |m| m.id);
            let day = c.date.as_ref().and_then(validate::to_naive);
            let result = pb::QuestionResult::try_from(c.result).unwrap_or_default();
            let key = day.map_or(0, |d| i64::from(chrono::Datelike::num_days_from_ce(&d)));
            let tone = if result == pb::QuestionResult::InProgress {
                Tone::Normal
            } else {
                Tone::Done
            };
            let row = RecordRow::new(
                id,
                tone,
                vec![
                    day.map(date).unwrap_or_default(),
                    ctx.replica
                        .group_number(c.group_id)
                        .map_or_else(|| "—".into(), |n| n.to_string()),
                    names::question_result(ctx.lang, result).to_string(),
                    territory(ctx, c.territory_id),
                    short(&c.content),
                ],
            )
            .sort_by(0, day.map(iso).unwrap_or_default());
            (-key, row)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    rows.into_iter().map(|(_, r)| r).collect()
}

/// A reception card.
pub fn card_detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(c) = ctx.replica.reception_cards.get(id) else {
        return Vec::new();
    };
    let citizen = if c.depersonalised || c.citizen.is_none() {
        W::Withheld.get(lang).to_string()
    } else {
        c.citizen.as_ref().map_or_else(String::new, |x| {
            format!("{} {} {}", x.surname, x.first_name, x.patronymic)
        })
    };
    let mut out = vec![
        DetailLine::Heading(W::Card.get(lang).to_string()),
        field(
            lang,
            W::ColDate,
            c.date
                .as_ref()
                .map(|d| text::date(Some(d)))
                .unwrap_or_default(),
        ),
        field(lang, W::Place, c.place.clone()),
        field(lang, W::ColGroup, group(ctx, c.group_id)),
        field(lang, W::ReceivedBy, person(ctx, c.received_by)),
        field(lang, W::Applicant, citizen),
        field(lang, W::Classifier, c.classifier_code.clone()),
        field(
            lang,
            W::ColResult,
            names::question_result(
                lang,
                pb::QuestionResult::try_from(c.result).unwrap_or_default(),
            ),
        ),
        DetailLine::Field(
            crate::strings::Text::Executor.get(lang).to_string(),
            person(ctx, c.executor_id),
        ),
    ];
    if c.on_control {
        out.push(field(
            lang,
            W::OnControl,
            c.deadline
                .as_ref()
                .map(|d| text::date(Some(d)))
                .unwrap_or_default(),
        ));
    }
    out.push(DetailLine::Blank);
    out.push(DetailLine::Text(c.content.clone()));
    if c.oral_answer_given {
        out.push(DetailLine::Blank);
        out.push(field(lang, W::OralAnswer, c.oral_answer.clone()));
    }
    out
}

/// A card can be printed as the official form; those who receive citizens fill new ones and
/// turn a card's question into a written appeal.
pub fn card_commands(id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
    let mut c = Vec::new();
    let fills = processes_appeals(ctx).is_some();
    if fills {
        c.push(Command::New);
    }
    if let Some(card) = id.and_then(|id| ctx.replica.reception_cards.get(id)) {
        c.push(Command::Export);
        if fills && card.appeal_id == 0 {
            c.push(Command::ToAppeal);
        }
    }
    c
}

/// The card's forms: a new card, the written appeal, the .docx.
pub fn card_start(command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
    if !card_commands(id, ctx).contains(&command) {
        return None;
    }
    let lang = ctx.lang;
    if command == Command::New {
        // The secretary's group, received by its leader unless the secretary says otherwise.
        let group = processes_appeals(ctx)
            .filter(|g| g.group_id != 0)
            .and_then(|g| ctx.replica.groups.get(g.group_id));
        let number = group.map(|g| g.number.to_string()).unwrap_or_default();
        let leader = group
            .and_then(|g| ctx.replica.users.get(g.leader_id))
            .map(|u| u.username.clone())
            .unwrap_or_default();
        let form = FormPopup::new(
            Intent::SaveCard {
                request_id: request_id(),
                territories: territory_choices(ctx),
            },
            W::NewCardTitle.get(lang).to_string(),
            vec![W::CardHint.get(lang).to_string()],
            lang,
        )
        .prefill("date", date(ctx.today))
        .prefill("group_id", number)
        .prefill("received_by", leader);
        return Some(Start::Form(Box::new(form)));
    }
    let c = ctx.replica.reception_cards.get(id?)?;
    if command == Command::ToAppeal {
        let meta = c.meta.unwrap_or_default();
        let day = c
            .date
            .as_ref()
            .map(|d| text::date(Some(d)))
            .unwrap_or_default();
        let form = FormPopup::new(
            Intent::CardToAppeal {
                id: meta.id,
                version: meta.version,
                request_id: request_id(),
            },
            W::CardToAppealTitle.get(lang).to_string(),
            vec![
                format!("{} {day}", W::Card.get(lang)),
                c.classifier_code.clone(),
                c.content.clone(),
            ],
            lang,
        );
        return Some(Start::Form(Box::new(form)));
    }
    let day = c
        .date
        .as_ref()
        .map(|d| text::date(Some(d)))
        .unwrap_or_default();
    Some(Start::Form(Box::new(export_form(
        pb::ExportRequest {
            kind: pb::ExportKind::ReceptionCard as i32,
            id: c.meta.map_or(0, |m| m.id),
            ..Default::default()
        },
        vec![format!("{} {day}", W::Card.get(ctx.lang))],
        ctx.lang,
    ))))
}

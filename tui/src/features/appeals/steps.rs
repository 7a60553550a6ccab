//! What the user may do on a written appeal: the keys offered by role and status, the
//! applicant's details, and the forms each key opens (register, answer, extend, forward, close).

use infogroups_shared::appeal as machine;
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;
use infogroups_shared::policy::Action;

use crate::features::appeals::forms::{
    AnswerAppeal, CloseSpecial, ExtendAppeal, ForwardAppeal, RegisterAppeal, SPECIAL,
};
use crate::features::appeals::records::{due, open, short};
use crate::features::attachments;
use crate::features::directory::records::territory_choices;
use crate::features::record_list::row::{Start, date};
use crate::keymap::Command;
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{FormPopup, request_id};
use crate::ui::popup::InfoPopup;

/// The role in use processes appeals (the general department; a secretary for the group), as
/// the policy decides.
pub(super) fn processes_appeals(ctx: &Ctx<'_>) -> Option<pb::RoleGrant> {
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
            // The letter and the answer, for whoever sees the appeal (the server decides the rest).
            c.push(Command::Files);
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
        c.push(Command::Files);
    }
    // A register from a spreadsheet, after the selected appeal's own steps.
    c.push(Command::Import);
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
        Command::Files => return Some(attachments::start(pb::RecordKind::Appeal, id?)),
        Command::New => register_form(ctx),
        Command::Import => crate::features::appeals::import::import_form(ctx.lang),
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
                    ForwardAppeal { id, version },
                    W::ForwardTitle.get(lang).to_string(),
                    summary,
                    lang,
                )
                .prefill("forwarding.date", date(ctx.today))
                .prefill("forwarding.notice_date", date(ctx.today))
            } else {
                let form = FormPopup::new(
                    CloseSpecial { id, version },
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
    let spec = RegisterAppeal {
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
        spec,
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
    let spec = AnswerAppeal {
        id: meta.id,
        version: meta.version,
        questions: a.questions.len(),
    };
    FormPopup::new(
        spec,
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
        ExtendAppeal {
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

//! Personal reception cards: their list, a card's detail, and what the user may do on one.

use infogroups_shared::names;
use infogroups_shared::pb;
use infogroups_shared::validate;

use crate::features::appeals::card_forms::{CardToAppeal, SaveCard};
use crate::features::appeals::records::short;
use crate::features::appeals::steps::processes_appeals;
use crate::features::attachments;
use crate::features::directory::records::territory_choices;
use crate::features::exports::forms::export_form;
use crate::features::record_list::row::{
    Column, DetailLine, RecordRow, Start, Tone, date, field, group, iso, person, territory,
};
use crate::keymap::Command;
use crate::msg::Target;
use crate::strings;
use crate::strings::work::W;
use crate::ui::form_engine::{FormPopup, request_id};
use crate::ui::{Ctx, text};

/// The reception cards' columns.
pub const CARD_COLUMNS: &[Column] = &[
    Column::new(W::ColDate, 10).priority(0),
    Column::new(W::ColGroupNo, 4).priority(4).same_drops(),
    Column::new(W::ColResult, 16).squeeze(10).priority(1),
    Column::new(W::ColTerritory, 24).squeeze(12).priority(3),
    Column::grows(W::ColContent),
];

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
                    strings::status::question_result(ctx.lang, result).to_string(),
                    territory(ctx, c.territory_id),
                    short(&c.content),
                ],
            )
            .long(2, names::question_result(ctx.lang, result))
            .long(4, c.content.clone())
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
    if c.appeal_id != 0 {
        // The written appeal it became, by the number people quote (J opens it).
        let number = ctx
            .replica
            .appeals
            .get(c.appeal_id)
            .map_or_else(|| "—".to_string(), |a| a.number.clone());
        out.push(field(lang, W::BecameAppeal, number));
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
        if card.appeal_id != 0 {
            c.push(Command::ToRecord);
        }
        c.push(Command::Files);
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
            SaveCard {
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
    if command == Command::Files {
        return Some(attachments::start(
            pb::RecordKind::ReceptionCard,
            c.meta.unwrap_or_default().id,
        ));
    }
    if command == Command::ToRecord {
        return Some(Start::Show(Target::Appeal(c.appeal_id)));
    }
    if command == Command::ToAppeal {
        let meta = c.meta.unwrap_or_default();
        let day = c
            .date
            .as_ref()
            .map(|d| text::date(Some(d)))
            .unwrap_or_default();
        let form = FormPopup::new(
            CardToAppeal {
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

//! Loads what a document needs and checks who may have it: the records behind `Export`'s
//! documents (protocol, reception card, brief, announcement, results, control card, registers).
//! The documents themselves are pure functions in [`crate::documents`].

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use infogroups_shared::pb;
use infogroups_shared::validate::{self, FieldError};

use super::Ctx;
use super::appeals::{audit_view, card_executors};
use super::meetings::texts;
use crate::auth::Caller;
use crate::documents::model::Document;
use crate::documents::sources::{Sources, date};
use crate::documents::{control_card, meeting_papers, protocol, reception_card, registers};
use crate::entity::{Entity, Kind};
use crate::error::{ApiError, ApiResult};
use crate::personal_data::depersonalised_card;
use crate::policy::{Action, authorize, may_see, personal_data_resource};

/// At most this many records in one register.
pub const MAX_REGISTER: usize = 5000;

/// The directory and classifier names, and today's date.
pub fn sources(ctx: &Ctx) -> ApiResult<Sources> {
    let db = &ctx.db;
    let mut s = Sources {
        today: infogroups_shared::city_time::ru_date(infogroups_shared::city_time::date_at(
            db.clock().now_ms(),
        )),
        ..Default::default()
    };
    for u in db.all::<pb::User>()? {
        s.users.insert(u.meta().id, u);
    }
    for g in db.all::<pb::Group>()? {
        s.groups.insert(g.meta().id, g);
    }
    for t in db.all::<pb::Territory>()? {
        s.territories.insert(t.meta().id, t);
    }
    for v in db.all::<pb::Venue>()? {
        s.venues.insert(v.meta().id, v);
    }
    for d in db.all::<pb::Department>()? {
        s.departments.insert(d.meta().id, d);
    }
    for o in db.all::<pb::Organisation>()? {
        s.organisations.insert(o.meta().id, o);
    }
    let guard = ctx.classifier.read().map_err(|_| ApiError::ShuttingDown)?;
    s.codes = guard
        .0
        .nodes()
        .map(|n| (n.code.clone(), n.name.clone()))
        .collect();
    Ok(s)
}

/// The record, or NotFound when it does not exist or the caller may not see it (alike).
fn visible<E: Entity>(ctx: &Ctx, c: &Caller, kind: &'static str, id: u64) -> ApiResult<E> {
    validate::id("id", id)?;
    let e: E = ctx.db.get(id)?.ok_or(ApiError::NotFound { kind, id })?;
    if !may_see(&c.actor, &e.clone().into_event()) {
        return Err(ApiError::NotFound { kind, id });
    }
    Ok(e)
}

/// The office's number of a protocol: the secretary's own, or «group-year/sequence», the
/// sequence counting the group's meetings of that year (cancelled ones aside) by date.
fn protocol_number(ctx: &Ctx, m: &pb::Meeting, group_number: u32) -> ApiResult<String> {
    let own = m.protocol.as_ref().map(|p| p.number.trim()).unwrap_or("");
    if !own.is_empty() {
        return Ok(own.to_string());
    }
    let Some(day) = m.date.as_ref().and_then(validate::to_naive) else {
        return Ok(String::new());
    };
    let mut dates: Vec<(chrono::NaiveDate, u64)> = ctx
        .db
        .all::<pb::Meeting>()?
        .into_iter()
        .filter(|x| x.group_id == m.group_id && x.status != pb::MeetingStatus::Cancelled as i32)
        .filter_map(|x| {
            let d = x.date.as_ref().and_then(validate::to_naive)?;
            (d.year() == day.year()).then(|| (d, x.meta().id))
        })
        .collect();
    dates.sort();
    let seq = dates
        .iter()
        .position(|(_, id)| *id == m.meta().id)
        .map_or(dates.len() + 1, |i| i + 1);
    Ok(infogroups_shared::meeting::protocol_number(
        group_number,
        day.year(),
        seq,
    ))
}

/// The protocol of a meeting the caller may see.
pub fn protocol(ctx: &Ctx, c: &Caller, id: u64) -> ApiResult<Document> {
    let m: pb::Meeting = visible(ctx, c, "meeting", id)?;
    let mut s = sources(ctx)?;
    let p = m.protocol.clone().unwrap_or_default();
    for d in &p.decisions {
        for a in &d.assignment_ids {
            if let Some(x) = ctx.db.get::<pb::Assignment>(*a)? {
                s.assignments.insert(*a, x);
            }
        }
    }
    let number = protocol_number(ctx, &m, s.groups.get(&m.group_id).map_or(0, |g| g.number))?;
    Ok(protocol::protocol(&m, &number, &s))
}

/// The reception card: with the applicant for roles allowed to see personal data (the view is
/// audited), the openly depersonalised copy for the others.
pub async fn reception_card(ctx: &Ctx, c: &Caller, id: u64) -> ApiResult<Document> {
    let card: pb::ReceptionCard = visible(ctx, c, "reception_card", id)?;
    // The same decision and the same audit record as opening the card (`AppealService`).
    let pd = personal_data_resource(card.group_id, card_executors(&ctx.db, &card)?);
    let allowed = authorize(&c.actor, Action::ReadPersonalData, &pd).is_ok();
    let card = if allowed && card.citizen.is_some() {
        audit_view(&ctx.db, c, Kind::ReceptionCard, card.meta()).await?;
        card
    } else {
        depersonalised_card(card)
    };
    let s = sources(ctx)?;
    let number = card_numbers(ctx, &[id])?.remove(&id).unwrap_or_default();
    let citizen = if card.depersonalised {
        None
    } else {
        card.citizen.as_ref()
    };
    Ok(reception_card::reception_card(&card, &number, citizen, &s))
}

/// The office's numbers of the reception cards `ids`: «ЛП-group-year/sequence», the sequence
/// counting the group's cards of that year by date (a card without a date is the first). One
/// pass over the cards, however many are asked for (a page of the view log names many).
pub fn card_numbers(ctx: &Ctx, ids: &[u64]) -> ApiResult<HashMap<u64, String>> {
    let year_of = |c: &pb::ReceptionCard| {
        c.date
            .as_ref()
            .and_then(validate::to_naive)
            .map(|d| d.year())
    };
    let all = ctx.db.all::<pb::ReceptionCard>()?;
    let wanted: HashSet<u64> = ids.iter().copied().collect();
    let sheets: HashSet<(u64, i32)> = all
        .iter()
        .filter(|c| wanted.contains(&c.meta().id))
        .filter_map(|c| Some((c.group_id, year_of(c)?)))
        .collect();
    let mut by_sheet: HashMap<(u64, i32), Vec<(String, u64)>> = HashMap::new();
    for c in &all {
        if let Some(y) = year_of(c)
            && sheets.contains(&(c.group_id, y))
        {
            let d = c.date.map(|d| (d.year, d.month, d.day)).unwrap_or_default();
            by_sheet
                .entry((c.group_id, y))
                .or_default()
                .push((format!("{:04}{:02}{:02}", d.0, d.1, d.2), c.meta().id));
        }
    }
    by_sheet.values_mut().for_each(|v| v.sort());
    let group_numbers: HashMap<u64, u32> = ctx
        .db
        .all::<pb::Group>()?
        .into_iter()
        .map(|g| (g.meta().id, g.number))
        .collect();
    Ok(all
        .iter()
        .filter(|c| wanted.contains(&c.meta().id))
        .map(|c| {
            let year = year_of(c);
            let seq = year
                .and_then(|y| by_sheet.get(&(c.group_id, y)))
                .and_then(|v| v.iter().position(|(_, x)| *x == c.meta().id))
                .map_or(1, |i| i + 1);
            let group = group_numbers.get(&c.group_id).copied().unwrap_or(0);
            let number = infogroups_shared::meeting::protocol_number(group, year.unwrap_or(0), seq);
            (c.meta().id, format!("ЛП-{number}"))
        })
        .collect())
}

fn draft_names(m: &pb::Meeting, s: &Sources) -> texts::Names {
    let g = s.groups.get(&m.group_id).cloned().unwrap_or_default();
    let leader = {
        let pos = s.user_position(g.leader_id);
        let name = s.user_name(g.leader_id);
        if pos.is_empty() {
            name
        } else {
            format!("{name}, {pos}")
        }
    };
    texts::Names {
        group_number: g.number,
        territory: s.territory(m.territory_id),
        venue: s
            .venues
            .get(&m.venue_id)
            .map(|v| (v.name.clone(), v.address.clone())),
        leader,
        participants: m
            .participants
            .iter()
            .filter(|p| !p.media)
            .map(|p| format!("{} {}", p.position, p.name).trim().to_string())
            .collect(),
    }
}

/// A meeting's brief, announcement or results.
pub fn meeting_paper(ctx: &Ctx, c: &Caller, kind: pb::ExportKind, id: u64) -> ApiResult<Document> {
    let m: pb::Meeting = visible(ctx, c, "meeting", id)?;
    let s = sources(ctx)?;
    Ok(match kind {
        pb::ExportKind::Brief => {
            if m.brief.as_ref().is_none_or(|b| b.text.trim().is_empty()) {
                return Err(ApiError::precondition(
                    "справка по территории ещё не составлена",
                    "the territory brief has not been written yet",
                ));
            }
            meeting_papers::brief(&m, &s)
        }
        pb::ExportKind::Announcement => {
            let draft = texts::announcement(&m, &draft_names(&m, &s));
            meeting_papers::announcement(&m, &draft, &s)
        }
        _ => {
            if m.protocol.as_ref().is_none_or(|p| p.signed_by == 0) {
                return Err(ApiError::precondition(
                    "итоги готовятся по подписанному протоколу",
                    "the results follow the signed protocol",
                ));
            }
            let draft = texts::results(&m, &draft_names(&m, &s));
            meeting_papers::results(&m, &draft, &s)
        }
    })
}

/// An assignment's control card.
pub fn control_card(ctx: &Ctx, c: &Caller, id: u64) -> ApiResult<Document> {
    let a: pb::Assignment = visible(ctx, c, "assignment", id)?;
    let s = sources(ctx)?;
    let meeting = match a.basis.as_ref().map(|b| b.meeting_id) {
        Some(mid) if mid != 0 => ctx.db.get::<pb::Meeting>(mid)?,
        _ => None,
    };
    Ok(control_card::control_card(&a, meeting.as_ref(), &s))
}

/// A register: the title, the document's head and the table of the records the caller may see.
pub fn register(
    ctx: &Ctx,
    c: &Caller,
    r: &pb::RegisterRequest,
) -> ApiResult<(crate::documents::reports::ReportHead, pb::Table)> {
    let kind = pb::RegisterKind::try_from(r.kind)
        .ok()
        .filter(|k| *k != pb::RegisterKind::Unspecified)
        .ok_or_else(|| {
            FieldError::new("register.kind", "выберите реестр", "choose the register")
        })?;
    if r.ids.len() > MAX_REGISTER {
        return Err(FieldError::new(
            "register.ids",
            format!("не более {MAX_REGISTER} записей"),
            format!("at most {MAX_REGISTER} records"),
        )
        .into());
    }
    validate::optional_line("register.filter", &r.filter, 300)?;
    let s = sources(ctx)?;
    let (title, head) = registers::head(kind, &r.filter, &s.today);
    fn load<E: Entity>(ctx: &Ctx, c: &Caller, ids: &[u64]) -> ApiResult<Vec<E>> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(e) = ctx.db.get::<E>(*id)?
                && may_see(&c.actor, &e.clone().into_event())
            {
                out.push(e);
            }
        }
        Ok(out)
    }
    let table = match kind {
        pb::RegisterKind::Appeals => {
            let list: Vec<pb::Appeal> = load(ctx, c, &r.ids)?;
            registers::table(&title, &registers::Records::Appeals(&list), &s)
        }
        pb::RegisterKind::Meetings => {
            let list: Vec<pb::Meeting> = load(ctx, c, &r.ids)?;
            registers::table(&title, &registers::Records::Meetings(&list), &s)
        }
        _ => {
            let list: Vec<pb::Assignment> = load(ctx, c, &r.ids)?;
            registers::table(&title, &registers::Records::Assignments(&list), &s)
        }
    };
    Ok((head, table))
}

/// The head of the control sector, who signs the reports: the first account holding the role.
pub fn control_sector_head(s: &Sources) -> Option<u64> {
    let mut ids: Vec<u64> = s
        .users
        .iter()
        .filter(|(_, u)| {
            !u.meta().archived
                && u.roles
                    .iter()
                    .any(|g| g.role == pb::Role::ControlSector as i32)
        })
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    ids.first().copied()
}

/// The period of an aggregate in words for its heading.
pub fn period_dates(p: &pb::DateRange) -> (String, String) {
    (date(p.from.as_ref()), date(p.to.as_ref()))
}

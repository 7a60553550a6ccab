//! A meeting's invitation by mail (3.6.3): one message per person, the calendar file attached, to
//! the group's members with an address in their mail preferences (or their contact) and to the
//! invited participants with an e-mail address. Those without an address are named back.

use infogroups_shared::{city_time, pb, validate};

use super::group_people;
use crate::auth::Caller;
use crate::entity::{Entity, Kind};
use crate::error::{ApiError, ApiResult};
use crate::mail::outbox::{self, Letter};
use crate::mail::prefs;
use crate::services::Ctx;

/// Who the invitation goes to, and who has no address (by name).
pub fn recipients(
    ctx: &Ctx,
    group: &pb::Group,
    m: &pb::Meeting,
) -> ApiResult<(Vec<String>, Vec<String>)> {
    let mut to = Vec::new();
    let mut skipped = Vec::new();
    for id in group_people(group).into_iter().filter(|id| *id != 0) {
        let Some(user) = ctx.db.get::<pb::User>(id)? else {
            continue;
        };
        if user.meta.is_some_and(|m| m.archived) {
            continue;
        }
        let p = prefs::get(&ctx.db, id)?;
        match prefs::address(&p, &user) {
            Some(a) => to.push(a),
            None => skipped.push(user.full_name),
        }
    }
    for p in &m.participants {
        let email = p.email.trim();
        if email.is_empty() {
            skipped.push(if p.name.is_empty() {
                p.position.clone()
            } else {
                p.name.clone()
            });
        } else {
            to.push(email.to_string());
        }
    }
    to.sort();
    to.dedup();
    Ok((to, skipped))
}

/// Queues the invitation of `m` with its calendar file to everyone who has an address.
pub async fn send(
    ctx: &Ctx,
    c: &Caller,
    m: &pb::Meeting,
    calendar: pb::CalendarFileResponse,
) -> ApiResult<pb::MailQueued> {
    let group: pb::Group = ctx.db.get(m.group_id)?.ok_or(ApiError::NotFound {
        kind: "group",
        id: m.group_id,
    })?;
    let (to, skipped) = recipients(ctx, &group, m)?;
    let territory = ctx
        .db
        .get::<pb::Territory>(m.territory_id)?
        .map(|t| t.name)
        .unwrap_or_default();
    let place = match ctx.db.get::<pb::Venue>(m.venue_id)? {
        Some(v) => format!("{}, {}", v.name, v.address),
        None => "место уточняется".to_string(),
    };
    let day = m
        .date
        .as_ref()
        .and_then(validate::to_naive)
        .map(city_time::ru_date)
        .unwrap_or_default();
    let subject = format!(
        "Приглашение: выездная встреча информационной группы № {}, {day}",
        group.number
    );
    let body = format!(
        "Приглашаем на выездную встречу информационной группы № {} с жителями.\n\n\
         Дата и время: {day} {}\nМесто: {place}\nТерритория: {territory}\n\n\
         Во вложении — событие для календаря.",
        group.number, m.time
    );
    let file = outbox::attachment(
        &calendar.file_name,
        crate::downloads::http::content_type(&calendar.file_name),
        calendar.content,
    );
    let id = m.meta().id;
    let version = m.meta().version;
    let letters: Vec<Letter> = to
        .iter()
        .map(|addr| Letter {
            to: vec![addr.clone()],
            subject: subject.clone(),
            body: body.clone(),
            attachments: vec![file.clone()],
        })
        .collect();
    ctx.db
        .write(c.actor.user_id, move |tx| {
            for l in letters {
                outbox::enqueue(tx, l)?;
            }
            tx.audit(Kind::Meeting, id, "mail_invitation", version);
            Ok(())
        })
        .await?;
    Ok(pb::MailQueued {
        recipients: to,
        skipped,
    })
}

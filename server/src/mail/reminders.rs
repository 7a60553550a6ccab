//! Reminders that exist only by mail, found by the deadline timer's round: the control sector's
//! daily digest, and a protocol whose handover to the control sector (3.6.9) is near, to the
//! group's secretary. Each is sent once a day at most (the round's "once" marks), only to people
//! who asked for it in their mail preferences. Subjects carry no citizen's data; bodies only
//! numbers and dates.

use chrono::NaiveDate;
use infogroups_shared::discipline::deadline;
use infogroups_shared::pb::{self, AssignmentStatus as S};
use infogroups_shared::{city_time, validate};

use super::outbox::Letter;
use super::prefs;
use crate::services::Ctx;
use crate::store::StoreError;

/// A reminder to send once: the mark that says it was sent, and the message.
pub type Once = (String, Letter);

fn open(a: &pb::Assignment) -> bool {
    matches!(
        S::try_from(a.status).unwrap_or(S::Unspecified),
        S::InProgress | S::Returned | S::Overdue
    )
}

/// What the control sector's digest counts on `today`: open assignments, those due by
/// `window_end`, the overdue ones (their numbers), and protocols not handed over in time.
pub fn digest_text(
    assignments: &[pb::Assignment],
    meetings: &[pb::Meeting],
    today: NaiveDate,
    window_end: NaiveDate,
) -> String {
    let open: Vec<&pb::Assignment> = assignments.iter().filter(|a| open(a)).collect();
    let due_soon = open
        .iter()
        .filter(|a| deadline(a).is_some_and(|d| d >= today && d <= window_end))
        .count();
    let overdue: Vec<&str> = open
        .iter()
        .filter(|a| a.status == S::Overdue as i32 || deadline(a).is_some_and(|d| d < today))
        .map(|a| a.number.as_str())
        .collect();
    let late_protocols = meetings
        .iter()
        .filter(|m| {
            m.handover
                .as_ref()
                .is_some_and(|h| h.late && h.handed_at_ms == 0)
        })
        .count();
    let mut text = format!(
        "Сводка на {}\n\nПоручений на исполнении: {}\nСрок до {}: {due_soon}\nПросрочено: {}\n\
         Протоколов не передано в срок: {late_protocols}\n",
        city_time::ru_date(today),
        open.len(),
        city_time::ru_date(window_end),
        overdue.len(),
    );
    if !overdue.is_empty() {
        text.push_str(&format!(
            "\nПросроченные поручения: {}\n",
            overdue.join(", ")
        ));
    }
    text
}

fn handover_due(m: &pb::Meeting) -> Option<NaiveDate> {
    let h = m.handover.as_ref().filter(|h| h.handed_at_ms == 0)?;
    h.due
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(validate::to_naive)
}

/// The mail-only reminders due on `today`; none when mail is off.
pub fn due(
    ctx: &Ctx,
    assignments: &[pb::Assignment],
    today: NaiveDate,
    window_end: NaiveDate,
) -> Result<Vec<Once>, StoreError> {
    if ctx.config.mail.is_none() {
        return Ok(Vec::new());
    }
    let db = &ctx.db;
    let day = today.format("%Y-%m-%d").to_string();
    let users = db.all::<pb::User>()?;
    let meetings = db.all::<pb::Meeting>()?;
    let active = |u: &&pb::User| !u.meta.is_some_and(|m| m.archived);
    let mut out = Vec::new();
    let digest = digest_text(assignments, &meetings, today, window_end);
    for u in users.iter().filter(active) {
        let id = u.meta.map_or(0, |m| m.id);
        if !u
            .roles
            .iter()
            .any(|g| g.role == pb::Role::ControlSector as i32)
        {
            continue;
        }
        let p = prefs::get(db, id)?;
        let Some(to) = p.control_digest.then(|| prefs::address(&p, u)).flatten() else {
            continue;
        };
        out.push((
            format!("mail/digest/{id}/{day}"),
            Letter {
                to: vec![to],
                subject: format!(
                    "Инфогруппы: сводка контрольно-организационного сектора на {}",
                    city_time::ru_date(today)
                ),
                body: digest.clone(),
                attachments: Vec::new(),
            },
        ));
    }
    for m in &meetings {
        let Some(due) = handover_due(m).filter(|d| *d >= today && *d <= window_end) else {
            continue;
        };
        let Some(group) = db.get::<pb::Group>(m.group_id)? else {
            continue;
        };
        let Some(secretary) = users
            .iter()
            .filter(active)
            .find(|u| u.meta.is_some_and(|x| x.id == group.secretary_id))
        else {
            continue;
        };
        let p = prefs::get(db, group.secretary_id)?;
        if !prefs::wants(&p, pb::NotificationKind::ProtocolLate) {
            continue;
        }
        let Some(to) = prefs::address(&p, secretary) else {
            continue;
        };
        let held = m
            .date
            .as_ref()
            .and_then(validate::to_naive)
            .map(city_time::ru_date)
            .unwrap_or_default();
        out.push((
            format!("mail/handover/{}/{day}", m.meta.map_or(0, |x| x.id)),
            Letter {
                to: vec![to],
                subject: "Инфогруппы: срок передачи протокола".into(),
                body: format!(
                    "Протокол встречи информационной группы № {} от {held} нужно передать в \
                     контрольно-организационный сектор не позднее {} (п. 3.6.9).",
                    group.number,
                    city_time::ru_date(due)
                ),
                attachments: Vec::new(),
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    fn task(number: &str, due: NaiveDate, status: S) -> pb::Assignment {
        pb::Assignment {
            number: number.into(),
            status: status as i32,
            deadline: Some(pb::Deadline {
                date: Some(validate::from_naive(due)),
                predicted: false,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn the_digest_counts_open_due_and_overdue_work() {
        let all = [
            task("1/2026", d(3, 3), S::InProgress),
            task("2/2026", d(3, 1), S::Overdue),
            task("3/2026", d(3, 30), S::InProgress),
            task("4/2026", d(3, 1), S::DoneOnTime),
        ];
        let text = digest_text(&all, &[], d(3, 2), d(3, 4));
        assert!(text.contains("Поручений на исполнении: 3"), "{text}");
        assert!(text.contains("Срок до 04.03.2026: 1"), "{text}");
        assert!(text.contains("Просрочено: 1"), "{text}");
        assert!(text.contains("Просроченные поручения: 2/2026"), "{text}");
    }
}

//! Staging notifications to users inside the write that causes them, so they arrive live with it
//! (and, for those who asked for their kind by mail, their mail copy is queued in the same write).

use infogroups_shared::{city_time, pb, validate};

use crate::db::Tx;
use crate::error::ApiResult;
use crate::mail::prefs;

/// What a notification concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    /// Nothing one record can open (a digest, a group's quarter, a backup).
    Nothing,
    /// An assignment.
    Assignment(u64),
    /// A meeting (its protocol).
    Meeting(u64),
    /// An appeal.
    Appeal(u64),
}

/// One notification: its kind, its text in both languages, what it concerns, the subject line
/// and the deadline that matters for it.
#[derive(Debug, Clone)]
pub struct Notice {
    kind: pb::NotificationKind,
    ru: String,
    en: String,
    about: About,
    subject: String,
    deadline: Option<pb::Date>,
}

impl Notice {
    /// A notice about nothing one record can open.
    pub fn plain(kind: pb::NotificationKind, ru: String, en: String) -> Self {
        Self {
            kind,
            ru,
            en,
            about: About::Nothing,
            subject: String::new(),
            deadline: None,
        }
    }

    /// A notice about an assignment: the text is prefixed with its number; the subject names it
    /// by number only — its text may name a citizen, and a notice is no place for a copy that
    /// depersonalisation would have to find (the client shows the text from the record itself);
    /// the deadline is its current one.
    pub fn assignment(kind: pb::NotificationKind, a: &pb::Assignment, ru: &str, en: &str) -> Self {
        Self {
            kind,
            ru: format!("Поручение {}: {ru}", a.number),
            en: format!("Assignment {}: {en}", a.number),
            about: About::Assignment(a.meta.map_or(0, |m| m.id)),
            subject: format!("Поручение {}", a.number),
            deadline: a.deadline.as_ref().and_then(|d| d.date),
        }
    }

    /// A notice about a meeting: the subject is its date and protocol number, if any; the
    /// deadline is the protocol's 3.6.9 day while it is not handed over.
    pub fn meeting(kind: pb::NotificationKind, m: &pb::Meeting, ru: String, en: String) -> Self {
        let date = m
            .date
            .as_ref()
            .and_then(validate::to_naive)
            .map(city_time::ru_date)
            .unwrap_or_default();
        let number = m.protocol.as_ref().map_or("", |p| p.number.as_str());
        let subject = if number.is_empty() {
            format!("Встреча {date}")
        } else {
            format!("Встреча {date}, протокол № {number}")
        };
        let handover = m.handover.as_ref();
        let deadline = handover
            .filter(|h| h.handed_at_ms == 0)
            .and_then(|h| h.due.as_ref())
            .and_then(|d| d.date);
        Self {
            kind,
            ru,
            en,
            about: About::Meeting(m.meta.map_or(0, |m| m.id)),
            subject,
            deadline,
        }
    }

    /// A notice about an appeal: its number only, never the citizen's personal data; the
    /// deadline is the answer's.
    pub fn appeal(kind: pb::NotificationKind, a: &pb::Appeal, ru: String, en: String) -> Self {
        Self {
            kind,
            ru,
            en,
            about: About::Appeal(a.meta.map_or(0, |m| m.id)),
            subject: format!("Обращение {}", a.number),
            deadline: a.due.as_ref().and_then(|d| d.date),
        }
    }
}

/// Stages `notice` for `user_id`: nothing for user 0, nor for someone who turned its kind off.
pub fn stage(tx: &mut Tx<'_>, user_id: u64, notice: &Notice) -> ApiResult<()> {
    if user_id == 0 {
        return Ok(());
    }
    let p = prefs::get_in(tx, user_id)?;
    if prefs::muted(&p, notice.kind) {
        return Ok(());
    }
    crate::mail::letters::notification(tx, user_id, notice.kind, &notice.ru)?;
    let (assignment_id, meeting_id, appeal_id) = match notice.about {
        About::Nothing => (0, 0, 0),
        About::Assignment(id) => (id, 0, 0),
        About::Meeting(id) => (0, id, 0),
        About::Appeal(id) => (0, 0, id),
    };
    tx.create(
        pb::Notification {
            meta: None,
            user_id,
            kind: notice.kind as i32,
            text_ru: notice.ru.clone(),
            text_en: notice.en.clone(),
            assignment_id,
            meeting_id,
            read: false,
            appeal_id,
            subject: notice.subject.clone(),
            deadline: notice.deadline,
        },
        None,
    )?;
    Ok(())
}

/// Stages `notice` for each of `users` once (a person named twice hears it once), except
/// `except` (who caused it).
pub fn stage_all(tx: &mut Tx<'_>, users: &[u64], except: u64, notice: &Notice) -> ApiResult<()> {
    let mut seen = Vec::with_capacity(users.len());
    for u in users {
        if *u == except || seen.contains(u) {
            continue;
        }
        seen.push(*u);
        stage(tx, *u, notice)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_appeal_notice_carries_its_number_only() {
        let a = pb::Appeal {
            number: "ОГ-12".into(),
            ..Default::default()
        };
        let n = Notice::appeal(pb::NotificationKind::Overdue, &a, "x".into(), "x".into());
        assert_eq!(n.subject, "Обращение ОГ-12");
    }
}

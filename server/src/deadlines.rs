//! The server's own deadline timer. It sleeps until the next moment something falls due — every
//! deadline here is a day, so that moment is the city's next midnight — and wakes at once when the
//! clock is moved (a training clock) or when a change may need action now (a new assignment due
//! today). Then it marks assignments and appeals overdue, marks protocols not handed over by their
//! 3.6.9 date late, sends reminders a configurable number of working days before a deadline and
//! on the day, a daily digest per executor and a warning for a quarter at risk — each as an
//! ordinary committed event by the system, so no screen has to poll. With mail set up, the same
//! round queues the reminders that exist only by mail (`crate::mail::reminders`).

use chrono::NaiveDate;
use infogroups_shared::assignment::{self as machine, Step};
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::city_time;
use infogroups_shared::discipline::deadline;
use infogroups_shared::pb::{self, AssignmentStatus as S};
use infogroups_shared::{appeal, meeting, validate};

use crate::db::Tx;
use crate::error::ApiResult;
use crate::notify::{self, Notice};
use crate::policy::executors;
use crate::services::Ctx;
use crate::services::assignments::{facts, set_status};

/// A reminder an assignment is due for today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// The deadline is the `n`-th working day from today.
    Ahead(u32),
    /// The deadline is today.
    Today,
}

/// Which reminder, if any, an open assignment with `deadline` gets on `today`.
pub fn reminder_for(
    cal: &ProductionCalendar,
    today: NaiveDate,
    deadline: NaiveDate,
    days_ahead: u32,
) -> Option<Reminder> {
    if deadline == today {
        return Some(Reminder::Today);
    }
    (days_ahead > 0 && cal.add_working_days(today, days_ahead).date == deadline)
        .then_some(Reminder::Ahead(days_ahead))
}

fn status(a: &pb::Assignment) -> S {
    S::try_from(a.status).unwrap_or(S::Unspecified)
}

fn open_for_work(a: &pb::Assignment) -> bool {
    matches!(status(a), S::InProgress | S::Returned | S::Overdue)
}

fn people(a: &pb::Assignment) -> Vec<u64> {
    let mut who = executors(a);
    who.push(a.controller_id);
    who.sort_unstable();
    who.dedup();
    who
}

fn once_key(what: &str) -> Vec<u8> {
    let mut k = b"m/once/".to_vec();
    k.extend_from_slice(what.as_bytes());
    k
}

/// Stages `f` only the first time `what` happens; returns whether it ran.
fn once(
    tx: &mut Tx<'_>,
    what: &str,
    f: impl FnOnce(&mut Tx<'_>) -> ApiResult<()>,
) -> ApiResult<bool> {
    let key = once_key(what);
    if tx.get_raw(&key)?.is_some() {
        return Ok(false);
    }
    f(tx)?;
    tx.put_raw(key, vec![1]);
    Ok(true)
}

/// One round of the clock work; returns how many assignments were marked overdue.
pub async fn round(ctx: &Ctx) -> ApiResult<usize> {
    let db = &ctx.db;
    let today = city_time::date_at(db.clock().now_ms());
    let days_ahead = ctx.config.reminder_days;
    let all = db.all::<pb::Assignment>()?;
    let overdue: Vec<u64> = all
        .iter()
        .filter(|a| machine::next(status(a), Step::MarkOverdue, &facts(a, today)).is_ok())
        .filter_map(|a| a.meta.map(|m| m.id))
        .collect();
    let appeals_overdue: Vec<u64> = db
        .all::<pb::Appeal>()?
        .iter()
        .filter(|a| !a.overdue && appeal_overdue(a, today))
        .filter_map(|a| a.meta.map(|m| m.id))
        .collect();
    let protocols_late: Vec<u64> = db
        .all::<pb::Meeting>()?
        .iter()
        .filter(|m| m.handover.as_ref().is_some_and(|h| !h.late))
        .filter(|m| meeting::handover_late(m.handover.as_ref(), today))
        .filter_map(|m| m.meta.map(|m| m.id))
        .collect();
    let reminders: Vec<(pb::Assignment, Reminder)> = {
        let cal = ctx
            .calendar
            .read()
            .map_err(|_| crate::error::ApiError::ShuttingDown)?;
        all.iter()
            .filter(|a| open_for_work(a) && status(a) != S::Overdue)
            .filter_map(|a| {
                let d = deadline(a)?;
                reminder_for(&cal, today, d, days_ahead).map(|r| (a.clone(), r))
            })
            .collect()
    };
    // The digest: per executor, what is due within the reminder window and what is overdue.
    let window_end = ctx
        .calendar
        .read()
        .map(|cal| cal.add_working_days(today, days_ahead.max(1)).date)
        .map_err(|_| crate::error::ApiError::ShuttingDown)?;
    let mut digest: std::collections::BTreeMap<u64, (u32, u32)> = Default::default();
    for a in all.iter().filter(|a| open_for_work(a)) {
        let Some(d) = deadline(a) else { continue };
        let entry = digest.entry(a.executor_id).or_default();
        if d < today || status(a) == S::Overdue {
            entry.1 += 1;
        } else if d <= window_end {
            entry.0 += 1;
        }
    }
    digest.retain(|_, (due, late)| *due + *late > 0);
    let quarter = infogroups_shared::quarters::quarter_of(today);
    let year = chrono::Datelike::year(&today);
    let at_risk: Vec<pb::Group> = {
        let cells = crate::services::meetings::quarter_table(ctx, year, today, |_| true)?;
        let risky: Vec<u64> = cells
            .iter()
            .filter(|c| c.quarter == quarter && c.state == pb::QuarterState::AtRisk as i32)
            .map(|c| c.group_id)
            .collect();
        db.all::<pb::Group>()?
            .into_iter()
            .filter(|g| g.meta.is_some_and(|m| risky.contains(&m.id)))
            .collect()
    };
    let by_mail = crate::mail::reminders::due(ctx, &all, today, window_end)?;
    let day = today.format("%Y-%m-%d").to_string();
    let pending_once = |prefix: &str| db.get_raw(&once_key(prefix)).map(|v| v.is_none());
    let mut anything =
        !overdue.is_empty() || !appeals_overdue.is_empty() || !protocols_late.is_empty();
    for (a, r) in &reminders {
        anything |= pending_once(&format!("rem/{}/{day}/{r:?}", a.meta.map_or(0, |m| m.id)))?;
    }
    for user in digest.keys() {
        anything |= pending_once(&format!("digest/{user}/{day}"))?;
    }
    for g in &at_risk {
        anything |= pending_once(&format!(
            "quarter/{}/{year}/{quarter}",
            g.meta.map_or(0, |m| m.id)
        ))?;
    }
    for (what, _) in &by_mail {
        anything |= pending_once(what)?;
    }
    if !anything {
        return Ok(0);
    }
    let users = db.all::<pb::User>()?;
    // One write for the whole round: one flush, and watchers see the round in one burst.
    db.write(0, |tx| {
        let mut changed = 0;
        for id in &overdue {
            let mut a = tx.require::<pb::Assignment>(*id)?;
            if machine::next(status(&a), Step::MarkOverdue, &facts(&a, today)).is_err() {
                continue;
            }
            set_status(&mut a, S::Overdue, 0, tx.now_ms(), "срок истёк");
            if let Some(h) = a.history.last_mut() {
                h.by_system = true;
            }
            let a = tx.update_current(a, "mark_overdue")?;
            let notice =
                Notice::assignment(pb::NotificationKind::Overdue, &a, "срок истёк", "overdue");
            for u in people(&a) {
                notify::stage(tx, u, &notice)?;
            }
            changed += 1;
        }
        let general = users_with(&users, pb::Role::GeneralDepartment);
        for id in &appeals_overdue {
            let mut a = tx.require::<pb::Appeal>(*id)?;
            if a.overdue || !appeal_overdue(&a, today) {
                continue;
            }
            a.overdue = true;
            let a = tx.update_current(a, "mark_overdue")?;
            let mut who = general.clone();
            if let Some(g) = tx.get::<pb::Group>(a.group_id)? {
                who.push(g.secretary_id);
            }
            who.sort_unstable();
            who.dedup();
            // The number only: a notification never carries the citizen's personal data.
            let notice = Notice::appeal(
                pb::NotificationKind::Overdue,
                &a,
                format!("Обращение {}: срок ответа истёк", a.number),
                format!("Appeal {}: the answer is overdue", a.number),
            );
            for u in who {
                notify::stage(tx, u, &notice)?;
            }
        }
        let control = users_with(&users, pb::Role::ControlSector);
        for id in &protocols_late {
            let mut m = tx.require::<pb::Meeting>(*id)?;
            let Some(h) = m.handover.as_mut() else {
                continue;
            };
            if h.late || !meeting::handover_late(Some(h), today) {
                continue;
            }
            h.late = true;
            let m = tx.update_current(m, "mark_handover_late")?;
            let number = m.protocol.as_ref().map(|p| p.number.clone()).unwrap_or_default();
            let mut who = control.clone();
            if let Some(g) = tx.get::<pb::Group>(m.group_id)? {
                who.extend([g.leader_id, g.secretary_id]);
            }
            who.sort_unstable();
            who.dedup();
            let notice = Notice::meeting(
                pb::NotificationKind::ProtocolLate,
                &m,
                format!("Протокол № {number}: не передан в контрольно-организационный сектор в срок (п. 3.6.9)"),
                format!("Protocol No. {number}: not handed to the control sector in time (3.6.9)"),
            );
            for u in who {
                notify::stage(tx, u, &notice)?;
            }
        }
        for (a, r) in &reminders {
            let id = a.meta.map_or(0, |m| m.id);
            let (ru, en) = match r {
                Reminder::Today => ("срок истекает сегодня".to_string(), "due today".to_string()),
                Reminder::Ahead(n) => (
                    format!("до срока {n} раб. дн."),
                    format!("due in {n} working days"),
                ),
            };
            let notice = Notice::assignment(pb::NotificationKind::Reminder, a, &ru, &en);
            once(tx, &format!("rem/{id}/{day}/{r:?}"), |tx| {
                for u in people(a) {
                    notify::stage(tx, u, &notice)?;
                }
                Ok(())
            })?;
        }
        for (user, (due, late)) in &digest {
            once(tx, &format!("digest/{user}/{day}"), |tx| {
                let notice = Notice::plain(
                    pb::NotificationKind::Digest,
                    format!(
                        "Сводка на {}: к сроку {due}, просрочено {late}",
                        city_time::ru_date(today)
                    ),
                    format!(
                        "Digest for {}: {due} due soon, {late} overdue",
                        city_time::ru_date(today)
                    ),
                );
                notify::stage(tx, *user, &notice)
            })?;
        }
        for g in &at_risk {
            let id = g.meta.map_or(0, |m| m.id);
            once(tx, &format!("quarter/{id}/{year}/{quarter}"), |tx| {
                let notice = Notice::plain(
                    pb::NotificationKind::QuarterAtRisk,
                    format!("{}: в {quarter} квартале ещё не проведено ни одной встречи, квартал заканчивается", g.name),
                    format!("{}: no meeting held yet in quarter {quarter}, which ends soon", g.name),
                );
                notify::stage_all(tx, &[g.leader_id, g.secretary_id], 0, &notice)
            })?;
        }
        for (what, letter) in by_mail {
            once(tx, &what, |tx| {
                crate::mail::outbox::enqueue(tx, letter).map(|_| ())
            })?;
        }
        Ok(changed)
    })
    .await
}

/// An appeal still open past its due date on `today`.
fn appeal_overdue(a: &pb::Appeal, today: NaiveDate) -> bool {
    let due = a
        .due
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(validate::to_naive);
    let status = pb::AppealStatus::try_from(a.status).unwrap_or_default();
    due.is_some_and(|due| appeal::overdue_on(status, due, today))
}

/// The ids of the active users holding `role` anywhere.
fn users_with(users: &[pb::User], role: pb::Role) -> Vec<u64> {
    users
        .iter()
        .filter(|u| !u.meta.is_some_and(|m| m.archived))
        .filter(|u| u.roles.iter().any(|g| g.role == role as i32))
        .filter_map(|u| u.meta.map(|m| m.id))
        .collect()
}

/// The next moment something can fall due after `now_ms`: every deadline, reminder, digest and
/// quarter warning is a day, so it is the city's next midnight.
pub fn next_moment_ms(now_ms: i64) -> i64 {
    let today = city_time::date_at(now_ms);
    today.succ_opt().map_or(i64::MAX, city_time::midnight_ms)
}

/// Calendar days ahead within which a changed assignment's deadline may want a reminder before
/// the next midnight (a reminder comes a few working days ahead; holidays stretch that).
const NEAR_DAYS: u64 = 14;

/// Whether a person's committed change may need the timer's work before the next midnight: an
/// assignment due soon (a reminder today, an overdue mark for a deadline already gone) or a
/// group (its quarter's warning). Everything else falls due at a midnight anyway; the system's
/// own changes are its results.
fn may_fall_due(ev: &pb::Event, today: NaiveDate) -> bool {
    use pb::event::Entity as E;
    if ev.actor_id == 0 {
        return false;
    }
    let near = today
        .checked_add_days(chrono::Days::new(NEAR_DAYS))
        .unwrap_or(today);
    match &ev.entity {
        Some(E::Assignment(a)) => open_for_work(a) && deadline(a).is_some_and(|d| d <= near),
        Some(E::Group(_)) => true,
        _ => false,
    }
}

/// After a change, the timer waits this long for more before it looks, so a burst of writes
/// costs one round, not one each.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs [`round`] at once, then whenever the next moment comes, the clock is moved, or a change
/// may need it, until the server shuts down.
pub async fn run(ctx: Ctx) {
    let mut changes = ctx.db.subscribe();
    let clock = ctx.db.clock().clone();
    loop {
        if let Err(e) = round(&ctx).await {
            tracing::warn!(error = %e, "deadline work failed; retrying at the next moment");
        }
        let now = clock.now_ms();
        let wait = u64::try_from(next_moment_ms(now).saturating_sub(now)).unwrap_or(0);
        let until = tokio::time::Instant::now() + std::time::Duration::from_millis(wait);
        // Waits for a reason to look again; events that cannot make anything due are skipped.
        loop {
            tokio::select! {
                () = ctx.shutdown.cancelled() => return,
                () = tokio::time::sleep_until(until) => break,
                () = clock.moved() => break,
                received = changes.recv() => match received {
                    Ok(ev) if may_fall_due(&ev, city_time::date_at(clock.now_ms())) => {
                        tokio::select! {
                            () = ctx.shutdown.cancelled() => return,
                            () = tokio::time::sleep(SETTLE) => {}
                        }
                        // What arrived meanwhile is covered by the round about to run.
                        changes = changes.resubscribe();
                        break;
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn only_a_persons_change_due_soon_wakes_the_timer_before_midnight() {
        let today = d(2026, 3, 2);
        let ev = |actor_id, entity| pb::Event {
            actor_id,
            entity: Some(entity),
            ..Default::default()
        };
        let task = |due: NaiveDate, status: S| {
            pb::event::Entity::Assignment(pb::Assignment {
                status: status as i32,
                deadline: Some(pb::Deadline {
                    date: Some(validate::from_naive(due)),
                    predicted: false,
                }),
                ..Default::default()
            })
        };
        // (event, wakes)
        for (e, wakes) in [
            (ev(7, task(today, S::InProgress)), true),
            (ev(7, task(d(2026, 3, 16), S::InProgress)), true),
            (ev(7, task(d(2026, 3, 17), S::InProgress)), false),
            (ev(7, task(today, S::DoneOnTime)), false),
            // The system's own marks are results, not causes.
            (ev(0, task(today, S::InProgress)), false),
            (ev(7, pb::event::Entity::Group(pb::Group::default())), true),
            (
                ev(7, pb::event::Entity::Appeal(pb::Appeal::default())),
                false,
            ),
        ] {
            assert_eq!(may_fall_due(&e, today), wakes, "{e:?}");
        }
    }

    #[test]
    fn the_next_moment_is_the_citys_next_midnight() {
        let noon = city_time::midnight_ms(d(2026, 3, 2)) + 12 * 3_600_000;
        assert_eq!(next_moment_ms(noon), city_time::midnight_ms(d(2026, 3, 3)));
        let midnight = city_time::midnight_ms(d(2026, 3, 3));
        assert_eq!(
            next_moment_ms(midnight),
            city_time::midnight_ms(d(2026, 3, 4))
        );
        assert_eq!(next_moment_ms(midnight - 1), midnight);
    }

    #[test]
    fn reminders_count_working_days_across_the_may_holidays() {
        let cal = ProductionCalendar::new();
        // 30.04.2026 (Thu): the 2nd working day after it is 05.05 (1–3 May are off, 4 May works).
        assert_eq!(
            reminder_for(&cal, d(2026, 4, 30), d(2026, 5, 5), 2),
            Some(Reminder::Ahead(2))
        );
        assert_eq!(reminder_for(&cal, d(2026, 4, 30), d(2026, 5, 4), 2), None);
        assert_eq!(
            reminder_for(&cal, d(2026, 5, 4), d(2026, 5, 4), 2),
            Some(Reminder::Today)
        );
        assert_eq!(reminder_for(&cal, d(2026, 5, 4), d(2026, 5, 6), 0), None);
    }
}

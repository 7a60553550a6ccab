//! How urgent an assignment is, and the order the lists show them in: overdue first (most overdue
//! on top), then open ones by deadline, closed ones last (most recent first). Pure, on the
//! production calendar, tested without a terminal.

use std::cmp::Ordering;

use chrono::NaiveDate;
use infogroups_shared::assignment::is_final;
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::pb::{self, AssignmentStatus as S};
use infogroups_shared::validate;

/// Working days ahead within which a deadline counts as near (the reminder window).
pub const DUE_SOON_WORKING_DAYS: i64 = 2;

/// How urgent an assignment is today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// The deadline has passed and it is not done (red, «!»).
    Overdue,
    /// Due within [`DUE_SOON_WORKING_DAYS`] working days (yellow, «*»).
    DueSoon,
    /// Open, deadline further away, or a report awaits a decision.
    Open,
    /// Done or removed from control (dim).
    Closed,
}

/// The assignment's status.
pub fn status(a: &pb::Assignment) -> S {
    S::try_from(a.status).unwrap_or(S::Unspecified)
}

/// The assignment's current deadline, if it has a valid one.
pub fn deadline(a: &pb::Assignment) -> Option<NaiveDate> {
    a.deadline
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(validate::to_naive)
}

/// Whether the deadline is a forecast (a year without official calendar data).
pub fn predicted(a: &pb::Assignment) -> bool {
    a.deadline.as_ref().is_some_and(|d| d.predicted)
}

/// How urgent `a` is on `today`.
pub fn classify(a: &pb::Assignment, today: NaiveDate, cal: &ProductionCalendar) -> Urgency {
    let s = status(a);
    if is_final(s) {
        return Urgency::Closed;
    }
    if s == S::Overdue {
        return Urgency::Overdue;
    }
    // A submitted report is the controller's move, not a deadline at risk.
    if s == S::ReportSubmitted {
        return Urgency::Open;
    }
    let Some(due) = deadline(a) else {
        return Urgency::Open;
    };
    if due < today {
        // The server's clock marks it overdue within a minute; do not wait for that to show it.
        return Urgency::Overdue;
    }
    // Counting working days is a walk over the calendar; beyond two weeks it cannot be near.
    if (due - today).num_days() <= 14
        && cal.working_days_between(today, due) <= DUE_SOON_WORKING_DAYS
    {
        return Urgency::DueSoon;
    }
    Urgency::Open
}

/// The list order of two assignments on `today`: overdue first, then by deadline; closed last,
/// newest deadline first; ties by number so the order is stable between redraws.
pub fn order(
    a: &pb::Assignment,
    b: &pb::Assignment,
    today: NaiveDate,
    cal: &ProductionCalendar,
) -> Ordering {
    sort_key(a, today, cal).cmp(&sort_key(b, today, cal))
}

/// A row's place in a sorted list: a rank, a day or name rank, and the number as [`number_key`].
/// No strings, so the keys of 100,000 rows take 2.4 MB.
pub type Key = (u8, i64, u64);

/// The order of numbers «YYYY/NNNN» (a year's sequence) and of sub-assignments «YYYY/NNNN.K.L»
/// (right after their parent) as one integer; a number of another shape sorts first and is left
/// to the tie-break by id.
pub fn number_key(number: &str) -> u64 {
    let parse = || {
        let (year, rest) = number.split_once('/')?;
        let mut parts = rest.split('.');
        let main = parts.next()?.parse::<u64>().ok()?;
        let mut sub = [0u64; 2];
        for slot in &mut sub {
            match parts.next() {
                Some(p) => *slot = p.parse::<u64>().ok()?.min(999),
                None => break,
            }
        }
        Some(
            year.parse::<u64>()
                .ok()?
                .saturating_mul(1_000_000_000_000)
                .saturating_add(main.min(999_999) * 1_000_000)
                .saturating_add(sub[0] * 1_000)
                .saturating_add(sub[1]),
        )
    };
    parse().unwrap_or(0)
}

/// A key whose natural order is [`order`]; computing it once per row keeps sorting big lists fast.
pub fn sort_key(a: &pb::Assignment, today: NaiveDate, cal: &ProductionCalendar) -> Key {
    let urgency = classify(a, today, cal);
    let rank = match urgency {
        Urgency::Overdue => 0,
        Urgency::DueSoon | Urgency::Open => 1,
        Urgency::Closed => 2,
    };
    let day = deadline(a).map_or(i64::MAX, |d| {
        i64::from(chrono::Datelike::num_days_from_ce(&d))
    });
    let day = if urgency == Urgency::Closed {
        -day
    } else {
        day
    };
    (rank, day, number_key(&a.number))
}

/// The orders an assignments list offers (`o` steps through them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Most urgent first ([`sort_key`]).
    #[default]
    Urgency,
    /// By number.
    Number,
    /// By deadline, earliest first, whatever the status.
    Deadline,
    /// By the responsible executor's name.
    Executor,
    /// By the group's number (the meeting's decision it came from).
    Group,
    /// By the executor's department.
    Department,
}

impl SortBy {
    /// The next order; by group and by department only on a list that spans groups
    /// (`across_groups`: the control sector's and the head's boards).
    pub fn next(self, across_groups: bool) -> Self {
        match self {
            SortBy::Urgency => SortBy::Number,
            SortBy::Number => SortBy::Deadline,
            SortBy::Deadline => SortBy::Executor,
            SortBy::Executor if across_groups => SortBy::Group,
            SortBy::Group if across_groups => SortBy::Department,
            SortBy::Executor | SortBy::Group | SortBy::Department => SortBy::Urgency,
        }
    }

    /// The record a row is ranked by in this order (see [`SortBy::key`]): the executor, the
    /// group or the department; none for the orders a row's own fields decide.
    pub fn ranked_by(self, a: &pb::Assignment) -> Option<u64> {
        match self {
            SortBy::Executor => Some(a.executor_id),
            SortBy::Group => Some(a.group_id),
            SortBy::Department => Some(a.department_id),
            SortBy::Urgency | SortBy::Number | SortBy::Deadline => None,
        }
    }

    /// The row's key in this order (`rank` is the place of what it is ranked by — see
    /// [`SortBy::ranked_by`] — among the others: people and departments by name, groups by
    /// number); ties go by number.
    pub fn key(
        self,
        a: &pb::Assignment,
        rank: i64,
        today: NaiveDate,
        cal: &ProductionCalendar,
    ) -> Key {
        let day = || {
            deadline(a).map_or(i64::MAX, |d| {
                i64::from(chrono::Datelike::num_days_from_ce(&d))
            })
        };
        match self {
            SortBy::Urgency => sort_key(a, today, cal),
            SortBy::Number => (0, 0, number_key(&a.number)),
            SortBy::Deadline => (0, day(), number_key(&a.number)),
            SortBy::Executor | SortBy::Group | SortBy::Department => {
                (0, rank, number_key(&a.number))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    fn a(number: &str, status: S, due: NaiveDate) -> pb::Assignment {
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
    fn numbers_sort_by_year_then_sequence() {
        assert!(number_key("2025/0999") < number_key("2026/0001"));
        assert!(number_key("2026/0009") < number_key("2026/0010"));
        assert!(number_key("2026/10000") > number_key("2026/9999"));
        // A sub-assignment comes right after its parent, before the next number.
        assert!(number_key("2025/0001") < number_key("2026/1464.1"));
        assert!(number_key("2026/1464") < number_key("2026/1464.1"));
        assert!(number_key("2026/1464.1") < number_key("2026/1464.2"));
        assert!(number_key("2026/1464.2") < number_key("2026/1464.10"));
        assert!(number_key("2026/1464.10.3") < number_key("2026/1465"));
        assert_eq!(number_key("б/н"), 0);
    }

    #[test]
    fn classification_follows_status_deadline_and_working_days() {
        let cal = ProductionCalendar::new();
        // Tuesday 12 May 2026.
        let today = d(5, 12);
        assert_eq!(
            classify(&a("1", S::Overdue, d(6, 1)), today, &cal),
            Urgency::Overdue
        );
        assert_eq!(
            classify(&a("2", S::InProgress, d(5, 11)), today, &cal),
            Urgency::Overdue
        );
        assert_eq!(
            classify(&a("3", S::InProgress, d(5, 12)), today, &cal),
            Urgency::DueSoon
        );
        assert_eq!(
            classify(&a("4", S::Returned, d(5, 14)), today, &cal),
            Urgency::DueSoon
        );
        // Friday 15 May is the third working day after Tuesday.
        assert_eq!(
            classify(&a("5", S::InProgress, d(5, 15)), today, &cal),
            Urgency::Open
        );
        assert_eq!(
            classify(&a("6", S::ReportSubmitted, d(5, 1)), today, &cal),
            Urgency::Open
        );
        assert_eq!(
            classify(&a("7", S::DoneLate, d(5, 1)), today, &cal),
            Urgency::Closed
        );
    }

    #[test]
    fn weekends_do_not_count_towards_due_soon() {
        let cal = ProductionCalendar::new();
        // Friday 15 May 2026: Monday 18 is the first working day after, Tuesday 19 the second.
        let friday = d(5, 15);
        assert_eq!(
            classify(&a("1", S::InProgress, d(5, 19)), friday, &cal),
            Urgency::DueSoon
        );
        assert_eq!(
            classify(&a("2", S::InProgress, d(5, 20)), friday, &cal),
            Urgency::Open
        );
    }

    #[test]
    fn overdue_first_then_by_deadline_closed_last() {
        let cal = ProductionCalendar::new();
        let today = d(5, 12);
        let mut list = [
            a("done-old", S::DoneOnTime, d(3, 1)),
            a("later", S::InProgress, d(6, 30)),
            a("overdue-recent", S::Overdue, d(5, 8)),
            a("soon", S::InProgress, d(5, 13)),
            a("done-new", S::DoneLate, d(5, 1)),
            a("overdue-old", S::InProgress, d(4, 1)),
            a("reported", S::ReportSubmitted, d(5, 20)),
        ];
        list.sort_by(|x, y| order(x, y, today, &cal));
        let numbers: Vec<&str> = list.iter().map(|x| x.number.as_str()).collect();
        assert_eq!(
            numbers,
            [
                "overdue-old",
                "overdue-recent",
                "soon",
                "reported",
                "later",
                "done-new",
                "done-old"
            ]
        );
    }
}

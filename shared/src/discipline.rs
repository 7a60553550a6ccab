//! The execution-discipline summary (domain-facts §4): how assignments with deadlines in a period
//! fared, per executor, department or group. Pure, so the server and tests compute it the same way.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::pb::{self, AssignmentStatus as S};
use crate::validate::to_naive;

/// One line of the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// On control: every assignment not removed from control.
    pub total: u32,
    /// Executed on time.
    pub on_time: u32,
    /// Executed late.
    pub late: u32,
    /// Extended at least once (counted beside its outcome).
    pub extended: u32,
    /// Overdue and not executed.
    pub overdue: u32,
    /// In progress and not yet due (including a report awaiting acceptance).
    pub in_progress: u32,
}

impl Tally {
    /// Counts one assignment as of `today`.
    pub fn add(&mut self, a: &pb::Assignment, today: NaiveDate) {
        let extended = a
            .extensions
            .iter()
            .any(|e| e.state == pb::ExtensionState::Granted as i32);
        self.add_parts(
            S::try_from(a.status).unwrap_or(S::Unspecified),
            extended,
            deadline(a),
            today,
        );
    }

    /// Counts one assignment given what the summary reads of it: its status, whether an
    /// extension was granted, and its current deadline (the server's fact tables hold these).
    pub fn add_parts(
        &mut self,
        status: S,
        extended: bool,
        deadline: Option<NaiveDate>,
        today: NaiveDate,
    ) {
        if status == S::Removed || status == S::Unspecified {
            return;
        }
        self.total += 1;
        if extended {
            self.extended += 1;
        }
        match status {
            S::DoneOnTime => self.on_time += 1,
            S::DoneLate => self.late += 1,
            S::Overdue => self.overdue += 1,
            // A report submitted on time is not overdue even if acceptance comes after the date.
            S::ReportSubmitted => self.in_progress += 1,
            _ if deadline.is_some_and(|d| d < today) => self.overdue += 1,
            _ => self.in_progress += 1,
        }
    }

    /// Adds another tally (totals).
    pub fn merge(&mut self, o: &Tally) {
        self.total += o.total;
        self.on_time += o.on_time;
        self.late += o.late;
        self.extended += o.extended;
        self.overdue += o.overdue;
        self.in_progress += o.in_progress;
    }
}

/// The current deadline of an assignment.
pub fn deadline(a: &pb::Assignment) -> Option<NaiveDate> {
    a.deadline.as_ref()?.date.as_ref().and_then(to_naive)
}

/// What to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The responsible executor.
    Executor,
    /// The executor's department.
    Department,
    /// The group.
    Group,
}

/// Tallies per key for the assignments whose deadline lies in `from..=to`; returns the rows
/// by key and the total.
pub fn summarise<'a>(
    assignments: impl IntoIterator<Item = &'a pb::Assignment>,
    by: By,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> (BTreeMap<u64, Tally>, Tally) {
    let mut rows: BTreeMap<u64, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for a in assignments {
        if !deadline(a).is_some_and(|d| (from..=to).contains(&d)) {
            continue;
        }
        let key = match by {
            By::Executor => a.executor_id,
            By::Department => a.department_id,
            By::Group => a.group_id,
        };
        let mut one = Tally::default();
        one.add(a, today);
        rows.entry(key).or_default().merge(&one);
        total.merge(&one);
    }
    (rows, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::from_naive;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    fn a(executor: u64, status: S, deadline: NaiveDate, extended: bool) -> pb::Assignment {
        pb::Assignment {
            executor_id: executor,
            department_id: executor * 10,
            group_id: 1,
            status: status as i32,
            deadline: Some(pb::Deadline {
                date: Some(from_naive(deadline)),
                predicted: false,
            }),
            extensions: if extended {
                vec![pb::Extension {
                    state: pb::ExtensionState::Granted as i32,
                    ..Default::default()
                }]
            } else {
                vec![]
            },
            ..Default::default()
        }
    }

    #[test]
    fn every_column_counts_what_it_says() {
        let today = d(6, 15);
        let list = [
            a(1, S::DoneOnTime, d(6, 1), false),
            a(1, S::DoneLate, d(6, 2), true),
            a(1, S::Overdue, d(6, 3), false),
            a(1, S::InProgress, d(6, 10), false), // past due, not yet marked: overdue
            a(2, S::InProgress, d(6, 20), false),
            a(2, S::ReportSubmitted, d(6, 14), false),
            a(2, S::Removed, d(6, 5), false),
            a(2, S::DoneOnTime, d(7, 5), false), // outside the period
        ];
        let (rows, total) = summarise(&list, By::Executor, d(6, 1), d(6, 30), today);
        assert_eq!(
            rows.get(&1).copied(),
            Some(Tally {
                total: 4,
                on_time: 1,
                late: 1,
                extended: 1,
                overdue: 2,
                in_progress: 0
            })
        );
        assert_eq!(
            rows.get(&2).copied(),
            Some(Tally {
                total: 2,
                in_progress: 2,
                ..Tally::default()
            })
        );
        assert_eq!(total.total, 6);
        let (by_dep, _) = summarise(&list, By::Department, d(6, 1), d(6, 30), today);
        assert!(by_dep.contains_key(&10) && by_dep.contains_key(&20));
    }

    #[test]
    fn the_period_includes_both_ends() {
        let list = [
            a(1, S::DoneOnTime, d(6, 1), false),
            a(1, S::DoneOnTime, d(6, 30), false),
        ];
        let (_, total) = summarise(&list, By::Group, d(6, 1), d(6, 30), d(7, 1));
        assert_eq!(total.on_time, 2);
    }
}

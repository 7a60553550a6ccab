//! The assignment (поручение) status machine: which step is allowed from which status, and why
//! not. Pure; the server applies it and the client uses it to offer only the steps that can work.

use chrono::NaiveDate;

use crate::pb::AssignmentStatus as S;

/// A step in an assignment's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The executor submits a report.
    SubmitReport,
    /// The controller or issuer accepts the report.
    Accept,
    /// The controller or issuer returns the report for rework.
    Return,
    /// The executor resumes work after a return.
    Resume,
    /// The issuer removes the assignment from control.
    RemoveFromControl,
    /// The server's clock marks it overdue.
    MarkOverdue,
    /// The executor asks for an extension.
    RequestExtension,
    /// The issuer (or delegated controller) decides an extension.
    DecideExtension,
}

/// What the machine needs to know besides the status.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    /// Today in the city's zone.
    pub today: NaiveDate,
    /// The current deadline.
    pub deadline: NaiveDate,
    /// The day the last report was submitted, if any.
    pub reported_on: Option<NaiveDate>,
    /// An extension request awaits a decision.
    pub extension_pending: bool,
}

/// Why a step is refused, in Russian and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{en}")]
pub struct Refusal {
    /// Russian.
    pub ru: &'static str,
    /// English.
    pub en: &'static str,
}

const fn refuse(ru: &'static str, en: &'static str) -> Result<S, Refusal> {
    Err(Refusal { ru, en })
}

/// Whether the status is final (nothing more happens to the assignment).
pub fn is_final(s: S) -> bool {
    matches!(s, S::DoneOnTime | S::DoneLate | S::Removed)
}

/// An assignment closed (executed or removed from control) leaves no extension request waiting:
/// each pending one is closed as refused, with why, by `by` at `at_ms`. Returns how many.
pub fn close_pending_extensions(a: &mut crate::pb::Assignment, by: u64, at_ms: i64) -> usize {
    let mut closed = 0;
    for e in a
        .extensions
        .iter_mut()
        .filter(|e| e.state == crate::pb::ExtensionState::Pending as i32)
    {
        e.state = crate::pb::ExtensionState::Refused as i32;
        e.decided_by = by;
        e.decided_at_ms = at_ms;
        e.comment = "поручение закрыто — просьба о продлении больше не нужна".into();
        closed += 1;
    }
    closed
}

/// The status after `step`, or why the step is not allowed now.
pub fn next(status: S, step: Step, f: &Facts) -> Result<S, Refusal> {
    if is_final(status) {
        return refuse("поручение уже закрыто", "the assignment is already closed");
    }
    match step {
        Step::SubmitReport => match status {
            S::InProgress | S::Overdue | S::Returned => Ok(S::ReportSubmitted),
            S::ReportSubmitted => refuse(
                "отчёт уже представлен и ждёт решения",
                "a report is already submitted and awaits a decision",
            ),
            _ => refuse("нельзя представить отчёт", "cannot submit a report now"),
        },
        Step::Accept => match status {
            S::ReportSubmitted => {
                let done = f.reported_on.unwrap_or(f.today);
                Ok(if done <= f.deadline {
                    S::DoneOnTime
                } else {
                    S::DoneLate
                })
            }
            _ => refuse(
                "нельзя принять: отчёт не представлен",
                "cannot accept: no report has been submitted",
            ),
        },
        Step::Return => match status {
            S::ReportSubmitted => Ok(S::Returned),
            _ => refuse(
                "нельзя вернуть: отчёт не представлен",
                "cannot return: no report has been submitted",
            ),
        },
        Step::Resume => match status {
            S::Returned if f.today > f.deadline => Ok(S::Overdue),
            S::Returned => Ok(S::InProgress),
            _ => refuse(
                "возобновить можно только возвращённое поручение",
                "only a returned assignment can be resumed",
            ),
        },
        Step::RemoveFromControl => Ok(S::Removed),
        Step::MarkOverdue => match status {
            S::InProgress | S::Returned if f.today > f.deadline => Ok(S::Overdue),
            _ => refuse("срок ещё не истёк", "the deadline has not passed"),
        },
        Step::RequestExtension => {
            if f.extension_pending {
                refuse(
                    "просьба о продлении уже ждёт решения",
                    "an extension request already awaits a decision",
                )
            } else if f.today > f.deadline || status == S::Overdue {
                refuse(
                    "продление просят до истечения срока",
                    "an extension must be requested before the deadline",
                )
            } else if status == S::ReportSubmitted {
                refuse("отчёт уже представлен", "the report is already submitted")
            } else {
                Ok(status)
            }
        }
        Step::DecideExtension => {
            if f.extension_pending {
                Ok(status)
            } else {
                refuse(
                    "нет просьбы о продлении",
                    "there is no extension request to decide",
                )
            }
        }
    }
}

#[cfg(test)]
mod closing_tests {
    use super::*;
    use crate::pb;

    #[test]
    fn closing_an_assignment_closes_only_the_pending_request() {
        let ext = |state: pb::ExtensionState| pb::Extension {
            state: state as i32,
            ..Default::default()
        };
        let mut a = pb::Assignment {
            extensions: vec![
                ext(pb::ExtensionState::Granted),
                ext(pb::ExtensionState::Pending),
            ],
            ..Default::default()
        };
        assert_eq!(close_pending_extensions(&mut a, 7, 1_000), 1);
        assert_eq!(a.extensions[0].state, pb::ExtensionState::Granted as i32);
        let closed = &a.extensions[1];
        assert_eq!(
            (closed.state, closed.decided_by, closed.decided_at_ms),
            (pb::ExtensionState::Refused as i32, 7, 1_000)
        );
        assert!(!closed.comment.is_empty());
        assert_eq!(
            close_pending_extensions(&mut a, 7, 2_000),
            0,
            "nothing twice"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    fn facts(today: NaiveDate) -> Facts {
        Facts {
            today,
            deadline: d(5, 14),
            reported_on: None,
            extension_pending: false,
        }
    }

    const ALL: [S; 7] = [
        S::InProgress,
        S::ReportSubmitted,
        S::DoneOnTime,
        S::DoneLate,
        S::Returned,
        S::Overdue,
        S::Removed,
    ];

    #[test]
    fn the_happy_path_ends_on_time_or_late_by_the_report_date() {
        let f = facts(d(5, 10));
        let s = next(S::InProgress, Step::SubmitReport, &f);
        assert_eq!(s, Ok(S::ReportSubmitted));
        let on_time = Facts {
            reported_on: Some(d(5, 14)),
            today: d(5, 20),
            ..f
        };
        assert_eq!(
            next(S::ReportSubmitted, Step::Accept, &on_time),
            Ok(S::DoneOnTime)
        );
        let late = Facts {
            reported_on: Some(d(5, 15)),
            ..on_time
        };
        assert_eq!(
            next(S::ReportSubmitted, Step::Accept, &late),
            Ok(S::DoneLate)
        );
    }

    #[test]
    fn return_and_resume() {
        let f = facts(d(5, 10));
        assert_eq!(next(S::ReportSubmitted, Step::Return, &f), Ok(S::Returned));
        assert_eq!(next(S::Returned, Step::Resume, &f), Ok(S::InProgress));
        assert_eq!(
            next(S::Returned, Step::Resume, &facts(d(5, 15))),
            Ok(S::Overdue)
        );
        let refused = next(S::InProgress, Step::Return, &f);
        assert!(refused.is_err_and(|r| r.en.contains("no report")));
    }

    #[test]
    fn overdue_only_after_the_deadline_and_not_while_a_report_waits() {
        assert_eq!(
            next(S::InProgress, Step::MarkOverdue, &facts(d(5, 15))),
            Ok(S::Overdue)
        );
        assert!(next(S::InProgress, Step::MarkOverdue, &facts(d(5, 14))).is_err());
        assert!(next(S::ReportSubmitted, Step::MarkOverdue, &facts(d(5, 15))).is_err());
    }

    #[test]
    fn extensions_only_before_the_deadline_and_one_at_a_time() {
        assert_eq!(
            next(S::InProgress, Step::RequestExtension, &facts(d(5, 14))),
            Ok(S::InProgress)
        );
        let late = next(S::InProgress, Step::RequestExtension, &facts(d(5, 15)));
        assert!(late.is_err_and(|r| r.en.contains("before the deadline")));
        let pending = Facts {
            extension_pending: true,
            ..facts(d(5, 1))
        };
        assert!(next(S::InProgress, Step::RequestExtension, &pending).is_err());
        assert!(next(S::InProgress, Step::DecideExtension, &pending).is_ok());
        assert!(next(S::InProgress, Step::DecideExtension, &facts(d(5, 1))).is_err());
    }

    #[test]
    fn nothing_happens_to_a_closed_assignment() {
        let f = facts(d(5, 1));
        for s in [S::DoneOnTime, S::DoneLate, S::Removed] {
            for step in [
                Step::SubmitReport,
                Step::Accept,
                Step::Return,
                Step::Resume,
                Step::RemoveFromControl,
                Step::MarkOverdue,
                Step::RequestExtension,
                Step::DecideExtension,
            ] {
                let r = next(s, step, &f);
                assert!(r.is_err_and(|r| r.en.contains("closed")), "{s:?} {step:?}");
            }
        }
    }

    #[test]
    fn every_open_status_can_be_removed_from_control() {
        let f = facts(d(5, 1));
        for s in ALL.into_iter().filter(|s| !is_final(*s)) {
            assert_eq!(next(s, Step::RemoveFromControl, &f), Ok(S::Removed));
        }
    }
}

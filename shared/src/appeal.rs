//! Citizens' appeals under 59-FZ: the calendar-day deadlines and the appeal's status machine.

use chrono::NaiveDate;

use crate::calendar::{Deadline, NonWorkingRule, ProductionCalendar};
use crate::pb::AppealStatus as A;

/// Days to register after receipt (art. 8 p. 2).
pub const REGISTER_WITHIN: i64 = 3;
/// Days to answer after registration (art. 12 p. 1).
pub const ANSWER_WITHIN: u32 = 30;
/// The most an answer may be extended, in days, in all (art. 12 p. 2).
pub const MAX_EXTENSION: u32 = 30;
/// Days to forward to the competent body after registration (art. 8 p. 3).
pub const FORWARD_WITHIN: i64 = 7;

/// The answer's due date: 30 calendar days after registration, adjusted by `rule` when it lands
/// on a non-working day.
pub fn answer_due(
    cal: &ProductionCalendar,
    registered: NaiveDate,
    rule: NonWorkingRule,
) -> Deadline {
    cal.calendar_days_deadline(registered, ANSWER_WITHIN, rule)
}

/// Registered later than three days after receipt.
pub fn late_registration(received: NaiveDate, registered: NaiveDate) -> bool {
    (registered - received).num_days() > REGISTER_WITHIN
}

/// Forwarded within seven days of registration.
pub fn forwarded_on_time(registered: NaiveDate, forwarded: NaiveDate) -> bool {
    (forwarded - registered).num_days() <= FORWARD_WITHIN
}

/// A step in an appeal's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Change questions, flags or text.
    Update,
    /// Extend the deadline by `days` (already extended by `so_far`).
    Extend {
        /// Days asked now.
        days: u32,
        /// Days granted before.
        so_far: u32,
    },
    /// Forward to the competent body.
    Forward,
    /// Record the answer.
    Answer,
    /// Close with an art. 11 outcome.
    CloseSpecial(A),
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{en}")]
pub struct Refusal {
    /// Russian.
    pub ru: &'static str,
    /// English.
    pub en: &'static str,
}

/// Whether the appeal is closed.
pub fn is_final(s: A) -> bool {
    !matches!(s, A::Registered | A::Extended | A::Unspecified)
}

/// Whether `s` is one of the special outcomes of art. 11.
pub fn is_special(s: A) -> bool {
    matches!(
        s,
        A::NoAnswerAnonymous
            | A::NoAnswerObscene
            | A::NoAnswerUnreadable
            | A::CorrespondenceStopped
            | A::ReturnedCourt
    )
}

/// The status after `step`, or why not.
pub fn next(s: A, step: Step) -> Result<A, Refusal> {
    if is_final(s) {
        return Err(Refusal {
            ru: "рассмотрение обращения завершено",
            en: "the appeal is closed",
        });
    }
    match step {
        Step::Update => Ok(s),
        Step::Extend { days, so_far } => {
            if days == 0 || so_far + days > MAX_EXTENSION {
                Err(Refusal {
                    ru: "срок продлевается не более чем на 30 дней",
                    en: "the deadline can be extended by 30 days at most",
                })
            } else {
                Ok(A::Extended)
            }
        }
        Step::Forward => Ok(A::Forwarded),
        Step::Answer => Ok(A::Answered),
        Step::CloseSpecial(outcome) if is_special(outcome) => Ok(outcome),
        Step::CloseSpecial(_) => Err(Refusal {
            ru: "это не особый исход по ст. 11",
            en: "not a special outcome of art. 11",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn thirty_calendar_days_with_the_non_working_rule() {
        let cal = ProductionCalendar::new();
        // 10.04.2026 + 30 = 10.05.2026, a Sunday; 11.05 is a day off too in 2026.
        let r = d(2026, 4, 10);
        assert_eq!(
            answer_due(&cal, r, NonWorkingRule::Unchanged).date,
            d(2026, 5, 10)
        );
        assert_eq!(
            answer_due(&cal, r, NonWorkingRule::NextWorkingDay).date,
            d(2026, 5, 12)
        );
        assert_eq!(
            answer_due(&cal, r, NonWorkingRule::PreviousWorkingDay).date,
            d(2026, 5, 8)
        );
        // 01.05 is a holiday, 02–03.05 the weekend.
        assert_eq!(
            answer_due(&cal, d(2026, 4, 1), NonWorkingRule::NextWorkingDay).date,
            d(2026, 5, 4)
        );
        // A working day stays whatever the rule.
        assert_eq!(
            answer_due(&cal, d(2026, 4, 6), NonWorkingRule::PreviousWorkingDay).date,
            d(2026, 5, 6)
        );
    }

    #[test]
    fn registration_and_forwarding_windows() {
        assert!(!late_registration(d(2026, 3, 2), d(2026, 3, 5)));
        assert!(late_registration(d(2026, 3, 2), d(2026, 3, 6)));
        assert!(forwarded_on_time(d(2026, 3, 2), d(2026, 3, 9)));
        assert!(!forwarded_on_time(d(2026, 3, 2), d(2026, 3, 10)));
    }

    #[test]
    fn extensions_add_up_to_thirty_days() {
        assert_eq!(
            next(
                A::Registered,
                Step::Extend {
                    days: 30,
                    so_far: 0
                }
            ),
            Ok(A::Extended)
        );
        assert_eq!(
            next(
                A::Extended,
                Step::Extend {
                    days: 10,
                    so_far: 20
                }
            ),
            Ok(A::Extended)
        );
        assert!(
            next(
                A::Extended,
                Step::Extend {
                    days: 11,
                    so_far: 20
                }
            )
            .is_err()
        );
        assert!(next(A::Registered, Step::Extend { days: 0, so_far: 0 }).is_err());
    }

    #[test]
    fn special_outcomes_are_final_states_of_their_own() {
        for o in [
            A::NoAnswerAnonymous,
            A::NoAnswerObscene,
            A::NoAnswerUnreadable,
            A::CorrespondenceStopped,
            A::ReturnedCourt,
        ] {
            assert_eq!(next(A::Registered, Step::CloseSpecial(o)), Ok(o));
            assert!(is_final(o));
            assert!(next(o, Step::Answer).is_err_and(|r| r.en.contains("closed")));
        }
        assert!(next(A::Registered, Step::CloseSpecial(A::Answered)).is_err());
        assert_eq!(next(A::Extended, Step::Answer), Ok(A::Answered));
        assert_eq!(next(A::Registered, Step::Forward), Ok(A::Forwarded));
        assert!(next(A::Forwarded, Step::Update).is_err());
    }
}

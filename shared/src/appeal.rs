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

/// The answer's due date: the statutory 30 calendar days after registration (art. 12 p. 1)
/// plus the days granted by extensions (art. 12 p. 2, at most [`MAX_EXTENSION`] in all), with
/// `rule` applied once to the result when it lands on a non-working day.
///
/// An extension adds to the statutory term, never to a date the rule already moved: under
/// [`NonWorkingRule::PreviousWorkingDay`] an extended answer is due at most 60 days after
/// registration, and never later than the unadjusted 60th day.
pub fn answer_due(
    cal: &ProductionCalendar,
    registered: NaiveDate,
    extended_days: u32,
    rule: NonWorkingRule,
) -> Deadline {
    cal.calendar_days_deadline(
        registered,
        ANSWER_WITHIN + extended_days.min(MAX_EXTENSION),
        rule,
    )
}

/// The API's name of a rule.
pub fn rule_pb(r: NonWorkingRule) -> crate::pb::NonWorkingRule {
    match r {
        NonWorkingRule::Unchanged => crate::pb::NonWorkingRule::Unchanged,
        NonWorkingRule::PreviousWorkingDay => crate::pb::NonWorkingRule::Previous,
        NonWorkingRule::NextWorkingDay => crate::pb::NonWorkingRule::Next,
    }
}

/// The rule an API value names; `None` for UNSPECIFIED or an unknown number.
pub fn rule_from_pb(r: i32) -> Option<NonWorkingRule> {
    match crate::pb::NonWorkingRule::try_from(r) {
        Ok(crate::pb::NonWorkingRule::Unchanged) => Some(NonWorkingRule::Unchanged),
        Ok(crate::pb::NonWorkingRule::Previous) => Some(NonWorkingRule::PreviousWorkingDay),
        Ok(crate::pb::NonWorkingRule::Next) => Some(NonWorkingRule::NextWorkingDay),
        _ => None,
    }
}

/// Registered later than three days after receipt.
pub fn late_registration(received: NaiveDate, registered: NaiveDate) -> bool {
    (registered - received).num_days() > REGISTER_WITHIN
}

/// Forwarded within seven days of registration.
pub fn forwarded_on_time(registered: NaiveDate, forwarded: NaiveDate) -> bool {
    (forwarded - registered).num_days() <= FORWARD_WITHIN
}

/// The appeal is overdue on `today`: still open (registered or extended) past its answer's due
/// date (art. 12). The server's deadline timer marks it at the first moment this holds.
pub fn overdue_on(status: A, due: NaiveDate, today: NaiveDate) -> bool {
    !is_final(status) && status != A::Unspecified && today > due
}

/// Who may close an appeal with a special outcome of art. 11.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decider {
    /// The official processing the appeal (the general department, the group's secretary).
    Official,
    /// The head of the body or an authorised person (art. 11 p. 5).
    Head,
}

/// Who decides `outcome`: stopping the correspondence is the head's (or an authorised person's)
/// decision (art. 11 p. 5); the other outcomes are applied by the official processing it.
pub fn decider(outcome: A) -> Decider {
    if outcome == A::CorrespondenceStopped {
        Decider::Head
    } else {
        Decider::Official
    }
}

/// The facts an art. 11 outcome is decided by: what the appeal holds, what the server finds in
/// the register, and what the official attests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialFacts {
    /// The citizen's surname is given.
    pub surname_given: bool,
    /// A postal or e-mail address for the answer is given.
    pub address_given: bool,
    /// The text reports an offence (art. 11 p. 1).
    pub reports_offence: bool,
    /// The appeal is marked repeated.
    pub repeated: bool,
    /// An earlier appeal of the same citizen on the same question was answered on the merits.
    pub earlier_answered: bool,
    /// The official attests there are no new arguments (art. 11 p. 5).
    pub no_new_arguments: bool,
    /// The unreadable appeal's surname and address can be read (art. 11 p. 4).
    pub address_readable: bool,
    /// Registered on.
    pub registered: NaiveDate,
    /// When the citizen was told, if they were.
    pub notice: Option<NaiveDate>,
    /// Today.
    pub today: NaiveDate,
}

/// Why an art. 11 outcome does not fit the facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecialRefusal {
    /// A field of the request is missing or wrong.
    Field {
        /// The request's field.
        field: &'static str,
        /// Russian.
        ru: &'static str,
        /// English.
        en: &'static str,
    },
    /// The facts rule the outcome out.
    Facts(Refusal),
}

fn facts_refuse(ru: &'static str, en: &'static str) -> Result<(), SpecialRefusal> {
    Err(SpecialRefusal::Facts(Refusal { ru, en }))
}

/// The citizen was told on a day between registration and today, and within `within` days of
/// registration when the law gives a term.
fn notice_in(f: &SpecialFacts, within: Option<i64>) -> Result<(), SpecialRefusal> {
    let field = |ru, en| {
        Err(SpecialRefusal::Field {
            field: "notice_date",
            ru,
            en,
        })
    };
    let Some(n) = f.notice else {
        return field(
            "укажите, когда гражданину сообщено",
            "give the day the citizen was told",
        );
    };
    if n > f.today || n < f.registered {
        return field(
            "сообщение — между регистрацией и сегодняшним днём",
            "the notice falls between registration and today",
        );
    }
    if within.is_some_and(|days| (n - f.registered).num_days() > days) {
        return field(
            "сообщить гражданину нужно в течение 7 дней со дня регистрации",
            "the citizen is told within 7 days of registration",
        );
    }
    Ok(())
}

/// Whether `outcome` (one of art. 11) fits the facts `f`.
pub fn special_fits(outcome: A, f: &SpecialFacts) -> Result<(), SpecialRefusal> {
    match outcome {
        // p. 1: no surname or no address; a report of an offence still goes to the competent body.
        A::NoAnswerAnonymous => {
            if f.surname_given && f.address_given {
                return facts_refuse(
                    "фамилия и адрес указаны: нужен ответ по существу (ст. 11 ч. 1)",
                    "the surname and the address are given: the appeal is answered on the merits (art. 11 p. 1)",
                );
            }
            if f.reports_offence {
                return facts_refuse(
                    "сообщение о преступлении направляется в государственный орган по компетенции (ст. 11 ч. 1): направьте его",
                    "a report of an offence is forwarded to the competent state body (art. 11 p. 1): forward it",
                );
            }
            Ok(())
        }
        // p. 3: left without an answer on the merits, the citizen warned against abuse of the right.
        A::NoAnswerObscene if f.address_given => notice_in(f, None),
        A::NoAnswerObscene => Ok(()),
        // p. 4: the citizen is told within 7 days, if the name and address can be read.
        A::NoAnswerUnreadable if f.address_readable => notice_in(f, Some(FORWARD_WITHIN)),
        A::NoAnswerUnreadable => Ok(()),
        // p. 2: returned within 7 days with an explanation of how to appeal the decision.
        A::ReturnedCourt => notice_in(f, Some(FORWARD_WITHIN)),
        // p. 5: a repeated appeal answered on the merits before, with no new arguments.
        A::CorrespondenceStopped => {
            if !f.repeated || !f.earlier_answered {
                return facts_refuse(
                    "переписку прекращают только по повторному обращению, на прежние из которых дан ответ по существу (ст. 11 ч. 5)",
                    "correspondence is stopped only on a repeated appeal whose earlier ones were answered on the merits (art. 11 p. 5)",
                );
            }
            if !f.no_new_arguments {
                return Err(SpecialRefusal::Field {
                    field: "no_new_arguments",
                    ru: "в обращении есть новые доводы: его рассматривают по существу",
                    en: "the appeal brings new arguments: it is answered on the merits",
                });
            }
            notice_in(f, None)
        }
        _ => facts_refuse(
            "это не особый исход по ст. 11",
            "not a special outcome of art. 11",
        ),
    }
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
            answer_due(&cal, r, 0, NonWorkingRule::Unchanged).date,
            d(2026, 5, 10)
        );
        assert_eq!(
            answer_due(&cal, r, 0, NonWorkingRule::NextWorkingDay).date,
            d(2026, 5, 12)
        );
        assert_eq!(
            answer_due(&cal, r, 0, NonWorkingRule::PreviousWorkingDay).date,
            d(2026, 5, 8)
        );
        // 01.05 is a holiday, 02–03.05 the weekend.
        assert_eq!(
            answer_due(&cal, d(2026, 4, 1), 0, NonWorkingRule::NextWorkingDay).date,
            d(2026, 5, 4)
        );
        // A working day stays whatever the rule.
        assert_eq!(
            answer_due(&cal, d(2026, 4, 6), 0, NonWorkingRule::PreviousWorkingDay).date,
            d(2026, 5, 6)
        );
    }

    /// Cases from art. 12 of 59-FZ and the production calendars of 2025–2027.
    #[test]
    fn the_answer_is_due_by_the_law_under_each_rule() {
        use NonWorkingRule::{NextWorkingDay as Next, PreviousWorkingDay as Prev, Unchanged};
        let cal = ProductionCalendar::new();
        // (registered, extension days, rule, due)
        let cases = [
            // 03.12.2026 + 30 = Sat 02.01.2027; 31.12.2026 is a day off too: the working day
            // before is 30.12.2026. The old "next" rule gave 11.01.2027, the 39th day.
            (d(2026, 12, 3), 0, Prev, d(2026, 12, 30)),
            (d(2026, 12, 3), 0, Next, d(2027, 1, 11)),
            (d(2026, 12, 3), 0, Unchanged, d(2027, 1, 2)),
            // 03.12.2025 + 30 = 02.01.2026 (holiday); 31.12.2025 is off: 30.12.2025.
            (d(2025, 12, 3), 0, Prev, d(2025, 12, 30)),
            (d(2025, 12, 3), 0, Next, d(2026, 1, 12)),
            // A 30th day that is a working day stays under every rule.
            (d(2026, 3, 16), 0, Prev, d(2026, 4, 15)),
            (d(2026, 3, 16), 0, Next, d(2026, 4, 15)),
            // The extension adds to the statutory term (03.12.2026 + 60 = Mon 01.02.2027), not
            // to the moved 30.12.2026 (which would give 29.01.2027) nor to 11.01.2027 (10.02).
            (d(2026, 12, 3), 30, Prev, d(2027, 2, 1)),
            (d(2026, 12, 3), 30, Next, d(2027, 2, 1)),
            // 10.04.2026 + 60 = Tue 09.06.2026 — working; + 40 = Wed 20.05.2026.
            (d(2026, 4, 10), 30, Prev, d(2026, 6, 9)),
            (d(2026, 4, 10), 10, Prev, d(2026, 5, 20)),
            // 12.04.2026 + 60 = Thu 11.06.2026; + 61 would be the holiday 12.06, but the
            // extension is capped at 30 days whatever was asked.
            (d(2026, 4, 12), 31, Prev, d(2026, 6, 11)),
            // 13.04.2026 + 60 = 12.06.2026 (holiday): back to Thu 11.06 or on to Mon 15.06.
            (d(2026, 4, 13), 30, Prev, d(2026, 6, 11)),
            (d(2026, 4, 13), 30, Next, d(2026, 6, 15)),
            (d(2026, 4, 13), 30, Unchanged, d(2026, 6, 12)),
        ];
        for (registered, extended, rule, due) in cases {
            assert_eq!(
                answer_due(&cal, registered, extended, rule).date,
                due,
                "{registered} + {extended} under {rule:?}"
            );
        }
        // Under the default rule no answer is ever due later than 30 (or 60) days.
        for registered in d(2025, 1, 1).iter_days().take(3 * 365) {
            for extended in [0, 30] {
                let due = answer_due(&cal, registered, extended, NonWorkingRule::DEFAULT).date;
                assert!((due - registered).num_days() <= i64::from(30 + extended));
                assert!(cal.is_working_day(due), "{registered} + {extended}");
            }
        }
    }

    #[test]
    fn an_open_appeal_is_overdue_from_the_day_after_its_due_date() {
        let due = d(2026, 12, 30);
        // (status, today, overdue)
        for (status, today, overdue) in [
            (A::Registered, d(2026, 12, 30), false),
            (A::Registered, d(2026, 12, 31), true),
            (A::Extended, d(2027, 1, 2), true),
            (A::Answered, d(2027, 1, 2), false),
            (A::Forwarded, d(2027, 1, 2), false),
            (A::CorrespondenceStopped, d(2027, 1, 2), false),
        ] {
            assert_eq!(
                overdue_on(status, due, today),
                overdue,
                "{status:?} {today}"
            );
        }
    }

    /// Cases from art. 11 of 59-FZ.
    #[test]
    fn each_special_outcome_needs_its_facts() {
        let registered = d(2026, 3, 2);
        let base = SpecialFacts {
            surname_given: true,
            address_given: true,
            reports_offence: false,
            repeated: false,
            earlier_answered: false,
            no_new_arguments: false,
            address_readable: false,
            registered,
            notice: None,
            today: d(2026, 3, 20),
        };
        let told = |day| Some(d(2026, 3, day));
        let facts = |f: SpecialFacts| f;
        // (outcome, facts, fits, the field refused or "" for the facts)
        let cases: Vec<(A, SpecialFacts, bool, &str)> = vec![
            // p. 1: a named citizen with an address gets an answer on the merits.
            (A::NoAnswerAnonymous, base, false, ""),
            (
                A::NoAnswerAnonymous,
                facts(SpecialFacts {
                    surname_given: false,
                    ..base
                }),
                true,
                "",
            ),
            (
                A::NoAnswerAnonymous,
                facts(SpecialFacts {
                    address_given: false,
                    ..base
                }),
                true,
                "",
            ),
            // … but an anonymous report of an offence is forwarded, not left unanswered.
            (
                A::NoAnswerAnonymous,
                facts(SpecialFacts {
                    surname_given: false,
                    reports_offence: true,
                    ..base
                }),
                false,
                "",
            ),
            // p. 3: with an address, the citizen is warned.
            (A::NoAnswerObscene, base, false, "notice_date"),
            (
                A::NoAnswerObscene,
                facts(SpecialFacts {
                    notice: told(10),
                    ..base
                }),
                true,
                "",
            ),
            (
                A::NoAnswerObscene,
                facts(SpecialFacts {
                    notice: told(21),
                    ..base
                }),
                false,
                "notice_date",
            ),
            (
                A::NoAnswerObscene,
                facts(SpecialFacts {
                    address_given: false,
                    ..base
                }),
                true,
                "",
            ),
            // p. 4: readable name and address — told within 7 days.
            (A::NoAnswerUnreadable, base, true, ""),
            (
                A::NoAnswerUnreadable,
                facts(SpecialFacts {
                    address_readable: true,
                    ..base
                }),
                false,
                "notice_date",
            ),
            (
                A::NoAnswerUnreadable,
                facts(SpecialFacts {
                    address_readable: true,
                    notice: told(9),
                    ..base
                }),
                true,
                "",
            ),
            (
                A::NoAnswerUnreadable,
                facts(SpecialFacts {
                    address_readable: true,
                    notice: told(10),
                    ..base
                }),
                false,
                "notice_date",
            ),
            // p. 2: returned within 7 days.
            (
                A::ReturnedCourt,
                facts(SpecialFacts {
                    notice: told(6),
                    ..base
                }),
                true,
                "",
            ),
            (
                A::ReturnedCourt,
                facts(SpecialFacts {
                    notice: told(12),
                    ..base
                }),
                false,
                "notice_date",
            ),
            (A::ReturnedCourt, base, false, "notice_date"),
            // p. 5: only a repeated appeal answered on the merits before, with no new arguments.
            (
                A::CorrespondenceStopped,
                facts(SpecialFacts {
                    notice: told(10),
                    no_new_arguments: true,
                    ..base
                }),
                false,
                "",
            ),
            (
                A::CorrespondenceStopped,
                facts(SpecialFacts {
                    repeated: true,
                    notice: told(10),
                    no_new_arguments: true,
                    ..base
                }),
                false,
                "",
            ),
            (
                A::CorrespondenceStopped,
                facts(SpecialFacts {
                    repeated: true,
                    earlier_answered: true,
                    notice: told(10),
                    ..base
                }),
                false,
                "no_new_arguments",
            ),
            (
                A::CorrespondenceStopped,
                facts(SpecialFacts {
                    repeated: true,
                    earlier_answered: true,
                    no_new_arguments: true,
                    ..base
                }),
                false,
                "notice_date",
            ),
            (
                A::CorrespondenceStopped,
                facts(SpecialFacts {
                    repeated: true,
                    earlier_answered: true,
                    no_new_arguments: true,
                    notice: told(10),
                    ..base
                }),
                true,
                "",
            ),
            (A::Answered, base, false, ""),
        ];
        for (outcome, f, fits, field) in cases {
            let got = special_fits(outcome, &f);
            assert_eq!(got.is_ok(), fits, "{outcome:?} {f:?}: {got:?}");
            if let Err(SpecialRefusal::Field { field: named, .. }) = &got {
                assert_eq!(*named, field, "{outcome:?} {f:?}");
            } else if !fits {
                assert_eq!(field, "", "{outcome:?} {f:?}: {got:?}");
            }
        }
        // Only stopping the correspondence is the head's.
        for o in [
            A::NoAnswerAnonymous,
            A::NoAnswerObscene,
            A::NoAnswerUnreadable,
            A::ReturnedCourt,
        ] {
            assert_eq!(decider(o), Decider::Official, "{o:?}");
        }
        assert_eq!(decider(A::CorrespondenceStopped), Decider::Head);
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

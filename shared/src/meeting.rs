//! The field meeting's status machine (regulation: planned → venue agreed → announced → held →
//! protocol drafted → protocol signed → handed to the control sector → results published; or
//! cancelled / moved with a reason). Pure: a refused step says what is missing.

use chrono::NaiveDate;

use crate::pb::{self, MeetingStatus as M};

/// A step in a meeting's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Record the venue agreement (agreed moves the meeting on).
    AgreeVenue,
    /// Announce: participants notified, the venue agreed.
    Announce,
    /// The meeting took place.
    MarkHeld,
    /// Save the protocol draft (a draft sent for signature comes back to the secretary).
    DraftProtocol,
    /// The secretary sends the complete draft to the leader for signature.
    SendForSignature,
    /// The leader signs the protocol.
    Sign,
    /// Record an amendment to the signed protocol.
    Amend,
    /// Hand the signed protocol to the control sector.
    HandOver,
    /// The control sector acknowledges receipt.
    Acknowledge,
    /// The control sector returns a handed-over protocol to the secretary, with a reason: it
    /// is signed again, to be handed over once put right.
    ReturnProtocol,
    /// Publish the results (3.8.7).
    PublishResults,
    /// Move to another date, time or venue.
    Move,
    /// Cancel.
    Cancel,
    /// Preparation work: participants, checklist, brief, notices, informing, the announcement.
    Prepare,
}

/// What the machine needs to know besides the status.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    /// Today in the city.
    pub today: NaiveDate,
    /// The meeting's date.
    pub date: NaiveDate,
    /// A venue is chosen.
    pub has_venue: bool,
    /// The venue agreement says agreed.
    pub venue_agreed: bool,
    /// Members and participants were notified (3.6.3).
    pub notified: bool,
    /// The protocol has its number and attendance.
    pub protocol_complete: bool,
    /// The protocol has been handed over.
    pub handed_over: bool,
    /// The control sector has acknowledged it.
    pub acknowledged: bool,
}

impl Facts {
    /// The facts of a stored meeting on `today` (the server decides with these, and the client
    /// offers only the steps they allow).
    pub fn of(m: &crate::pb::Meeting, today: NaiveDate) -> Self {
        let p = m.protocol.clone().unwrap_or_default();
        let (handed_at, acknowledged_at) = m
            .handover
            .as_ref()
            .map_or((0, 0), |h| (h.handed_at_ms, h.acknowledged_at_ms));
        Facts {
            today,
            date: date_of(m),
            has_venue: m.venue_id != 0,
            venue_agreed: m
                .venue_agreement
                .as_ref()
                .is_some_and(|a| a.status == crate::pb::AgreementStatus::Agreed as i32),
            notified: !m.notifications.is_empty(),
            protocol_complete: !p.number.trim().is_empty() && p.residents_attending > 0,
            handed_over: handed_at != 0,
            acknowledged: acknowledged_at != 0,
        }
    }
}

/// A meeting's date (the earliest date when it has none, which the server never stores).
pub fn date_of(m: &crate::pb::Meeting) -> NaiveDate {
    m.date
        .as_ref()
        .and_then(crate::validate::to_naive)
        .unwrap_or(NaiveDate::MIN)
}

/// A meeting's status (unspecified for a number this build does not know).
pub fn status_of(m: &crate::pb::Meeting) -> M {
    M::try_from(m.status).unwrap_or(M::Unspecified)
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

fn no(ru: &'static str, en: &'static str) -> Result<M, Refusal> {
    Err(Refusal { ru, en })
}

/// Ordinal of a status along the main line (cancelled is off the line).
fn rank(s: M) -> u8 {
    match s {
        M::Unspecified => 0,
        M::Planned => 1,
        M::VenueAgreed => 2,
        M::Announced => 3,
        M::Held => 4,
        M::ProtocolDrafted => 5,
        M::AwaitingSignature => 6,
        M::ProtocolSigned => 7,
        M::HandedOver => 8,
        M::ResultsPublished => 9,
        M::Cancelled => 10,
    }
}

/// A venue agreement answered (agreed or refused) names who at the venue answered (3.6.2): a
/// record without it tells the control sector nothing.
pub fn check_agreement(a: &crate::pb::VenueAgreement) -> Result<(), crate::validate::FieldError> {
    use crate::pb::AgreementStatus as A;
    let answered = matches!(
        A::try_from(a.status).unwrap_or_default(),
        A::Agreed | A::Refused
    );
    if answered && a.contact.trim().is_empty() {
        return Err(crate::validate::FieldError::new(
            "agreement.contact",
            "укажите, с кем согласовано: должность и фамилия",
            "say who answered at the venue: position and surname",
        ));
    }
    Ok(())
}

/// Whether the leader has signed the protocol (signed or any later step; not cancelled).
pub fn is_signed(s: M) -> bool {
    (rank(M::ProtocolSigned)..=rank(M::ResultsPublished)).contains(&rank(s))
}

/// Whether the meeting is at `s` or past it along the main line (never when cancelled).
pub fn reached(s: M, step: M) -> bool {
    s != M::Cancelled && rank(s) >= rank(step)
}

/// Whether the meeting has taken place (held or any later step).
pub fn was_held(s: M) -> bool {
    (rank(M::Held)..=rank(M::ResultsPublished)).contains(&rank(s))
}

/// The protocol of a held meeting is not handed over and its due day (the fifth working day
/// after the meeting, 3.6.9) has passed as of `today`. A cancelled meeting has no protocol.
pub fn handover_overdue(m: &crate::pb::Meeting, today: NaiveDate) -> bool {
    let h = m.handover.as_ref();
    was_held(status_of(m)) && h.is_some_and(|h| h.handed_at_ms == 0) && handover_late(h, today)
}

/// The status after `step`, or what is missing.
pub fn next(s: M, step: Step, f: &Facts) -> Result<M, Refusal> {
    if s == M::Cancelled {
        return no("встреча отменена", "the meeting is cancelled");
    }
    let before_held = rank(s) < rank(M::Held);
    match step {
        Step::Prepare => {
            if before_held {
                Ok(s)
            } else {
                no(
                    "встреча уже проведена: подготовка закрыта",
                    "the meeting has been held: preparation is closed",
                )
            }
        }
        Step::AgreeVenue => {
            if !before_held {
                no("встреча уже проведена", "the meeting has already been held")
            } else if !f.has_venue {
                no("не выбрано место проведения", "no venue is chosen")
            } else if f.venue_agreed {
                Ok(if s == M::Planned { M::VenueAgreed } else { s })
            } else {
                // Requested or refused: the meeting is not (or no longer) agreed.
                Ok(M::Planned)
            }
        }
        Step::Announce => match s {
            M::Planned => no(
                "нельзя объявить: место проведения не согласовано",
                "cannot announce: the venue is not agreed",
            ),
            M::VenueAgreed if !f.notified => no(
                "нельзя объявить: участники не оповещены",
                "cannot announce: the participants have not been notified",
            ),
            M::VenueAgreed => Ok(M::Announced),
            _ => no("встреча уже объявлена", "the meeting is already announced"),
        },
        Step::MarkHeld => match s {
            M::Announced if f.date > f.today => no(
                "нельзя отметить проведённой: дата встречи ещё не наступила",
                "cannot mark held: the meeting's date has not come",
            ),
            M::Announced => Ok(M::Held),
            M::Planned | M::VenueAgreed => no(
                "нельзя отметить проведённой: встреча не объявлена",
                "cannot mark held: the meeting was not announced",
            ),
            _ => no(
                "встреча уже отмечена проведённой",
                "the meeting is already marked held",
            ),
        },
        Step::DraftProtocol => match s {
            M::Held | M::ProtocolDrafted | M::AwaitingSignature => Ok(M::ProtocolDrafted),
            _ if before_held => no(
                "протокол ведётся после проведения встречи",
                "the protocol is kept once the meeting is held",
            ),
            _ => no(
                "протокол подписан: изменения вносятся только поправкой",
                "the protocol is signed: changes are recorded as amendments",
            ),
        },
        Step::SendForSignature => match s {
            M::ProtocolDrafted if !f.protocol_complete => no(
                "нельзя отправить на подпись: в протоколе нет номера или числа присутствующих",
                "cannot send for signature: the protocol lacks its number or the attendance",
            ),
            M::ProtocolDrafted => Ok(M::AwaitingSignature),
            M::AwaitingSignature => no(
                "протокол уже на подписи у руководителя",
                "the protocol is already with the leader for signature",
            ),
            _ if rank(s) < rank(M::ProtocolDrafted) => no(
                "нельзя отправить на подпись: протокол не составлен",
                "cannot send for signature: there is no protocol draft",
            ),
            _ => no("протокол уже подписан", "the protocol is already signed"),
        },
        Step::Sign => match s {
            M::AwaitingSignature if !f.protocol_complete => no(
                "нельзя подписать: в протоколе нет номера или числа присутствующих",
                "cannot sign: the protocol lacks its number or the attendance",
            ),
            M::AwaitingSignature => Ok(M::ProtocolSigned),
            M::ProtocolDrafted => no(
                "нельзя подписать: секретарь ещё не отправил протокол на подпись",
                "cannot sign: the secretary has not sent the protocol for signature",
            ),
            _ if rank(s) < rank(M::ProtocolDrafted) => no(
                "нельзя подписать: протокол не составлен",
                "cannot sign: there is no protocol draft",
            ),
            _ => no("протокол уже подписан", "the protocol is already signed"),
        },
        Step::Amend => {
            if rank(s) >= rank(M::ProtocolSigned) {
                Ok(s)
            } else {
                no(
                    "поправки вносятся в подписанный протокол; черновик правится напрямую",
                    "amendments are for a signed protocol; edit the draft instead",
                )
            }
        }
        Step::HandOver => match s {
            M::ProtocolSigned => Ok(M::HandedOver),
            _ if rank(s) < rank(M::ProtocolSigned) => no(
                "нельзя передать: протокол не подписан руководителем",
                "cannot hand over: the leader has not signed the protocol",
            ),
            _ => no(
                "протокол уже передан",
                "the protocol has already been handed over",
            ),
        },
        Step::Acknowledge => {
            if !f.handed_over {
                no(
                    "протокол ещё не передан",
                    "the protocol has not been handed over",
                )
            } else if f.acknowledged {
                no("получение уже отмечено", "receipt is already acknowledged")
            } else {
                Ok(s)
            }
        }
        Step::ReturnProtocol => {
            if f.acknowledged {
                no(
                    "получение уже отмечено: протокол не вернуть",
                    "receipt is acknowledged: the protocol cannot be returned",
                )
            } else if s != M::HandedOver || !f.handed_over {
                no(
                    "вернуть можно только переданный протокол",
                    "only a protocol that has been handed over can be returned",
                )
            } else {
                Ok(M::ProtocolSigned)
            }
        }
        Step::PublishResults => match s {
            M::HandedOver => Ok(M::ResultsPublished),
            M::ProtocolSigned => Ok(s),
            M::ResultsPublished => Ok(s),
            _ => no(
                "итоги публикуются по подписанному протоколу",
                "results are published from the signed protocol",
            ),
        },
        Step::Move => {
            if before_held {
                Ok(s)
            } else {
                no(
                    "проведённую встречу нельзя перенести",
                    "a meeting that has been held cannot be moved",
                )
            }
        }
        Step::Cancel => {
            if before_held {
                Ok(M::Cancelled)
            } else {
                no(
                    "проведённую встречу нельзя отменить",
                    "a meeting that has been held cannot be cancelled",
                )
            }
        }
    }
}

/// The days of a meeting entered after the fact are in their order and have all come: held on
/// or after the day the group began (`formed`), signed on or after it, handed over on or after
/// signing, and none after `today`.
pub fn past_meeting_days(
    held: NaiveDate,
    signed: NaiveDate,
    handed: NaiveDate,
    formed: NaiveDate,
    today: NaiveDate,
) -> Result<(), crate::validate::FieldError> {
    use crate::validate::FieldError;
    crate::dating::done_by("date", held, today)?;
    if held < formed {
        return Err(FieldError::new(
            "date",
            format!(
                "группа работает с {}: сначала администратор указывает более раннюю дату",
                crate::city_time::ru_date(formed)
            ),
            format!("the group works since {formed}: an administrator gives an earlier day first"),
        ));
    }
    if signed < held {
        return Err(FieldError::new(
            "signed_on",
            "протокол подписан не раньше встречи",
            "the protocol is signed on or after the meeting",
        ));
    }
    if handed < signed {
        return Err(FieldError::new(
            "handed_over_on",
            "протокол передан не раньше подписания",
            "the protocol is handed over on or after signing",
        ));
    }
    crate::dating::done_by("handed_over_on", handed, today)
}

/// The protocol's handover is late on `today` (3.6.9): its due date has passed and it is not
/// handed over yet, or it was handed over after the due date. Lists, dashboards and reports count
/// it as late from the first day past the due date, not only once it is finally handed over.
pub fn handover_late(h: Option<&pb::Handover>, today: NaiveDate) -> bool {
    let Some(h) = h else { return false };
    let Some(due) = h
        .due
        .as_ref()
        .and_then(|d| d.date.as_ref())
        .and_then(crate::validate::to_naive)
    else {
        return false;
    };
    if h.handed_at_ms == 0 {
        today > due
    } else {
        crate::city_time::date_at(h.handed_at_ms) > due
    }
}

/// The office's number of a protocol when the secretary entered none: the group, the year and
/// the meeting's sequence in the group's year, «3-2026/1». Reception cards carry the same scheme
/// after «ЛП-».
pub fn protocol_number(group: u32, year: i32, sequence: usize) -> String {
    format!("{group}-{year}/{sequence}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_past_meeting_is_entered_with_its_days_in_order_and_all_come() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        let (formed, today) = (d(1, 12), d(6, 1));
        // (held, signed, handed, the field refused or "")
        for (held, signed, handed, field) in [
            (d(2, 10), d(2, 11), d(2, 16), ""),
            (d(2, 10), d(2, 10), d(2, 10), ""),
            (d(6, 1), d(6, 1), d(6, 1), ""),
            (d(6, 2), d(6, 2), d(6, 2), "date"),
            (d(1, 9), d(1, 9), d(1, 9), "date"),
            (d(2, 10), d(2, 9), d(2, 16), "signed_on"),
            (d(2, 10), d(2, 12), d(2, 11), "handed_over_on"),
            (d(5, 30), d(5, 31), d(6, 3), "handed_over_on"),
        ] {
            let got = past_meeting_days(held, signed, handed, formed, today);
            assert_eq!(
                got.err().map(|e| e.field).unwrap_or_default(),
                field,
                "{held} {signed} {handed}"
            );
        }
    }

    #[test]
    fn a_protocol_is_late_from_the_day_after_its_due_date_until_and_after_handover() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        // Held 29.04.2026: due on the fifth working day, 07.05.2026.
        let due = Some(pb::Deadline {
            date: Some(crate::validate::from_naive(d(5, 7))),
            predicted: false,
        });
        let waiting = pb::Handover {
            due,
            ..Default::default()
        };
        let handed = |on| pb::Handover {
            handed_at_ms: crate::city_time::midnight_ms(on) + 10 * 3_600_000,
            due,
            ..Default::default()
        };
        // (handover, today, late)
        for (h, today, late) in [
            (&waiting, d(5, 7), false),
            (&waiting, d(5, 8), true),
            (&handed(d(5, 7)), d(5, 20), false),
            (&handed(d(5, 8)), d(5, 8), true),
            (&handed(d(5, 8)), d(5, 20), true),
        ] {
            assert_eq!(handover_late(Some(h), today), late, "{h:?} on {today}");
        }
        assert!(!handover_late(None, d(12, 31)));
    }

    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
    }

    fn facts() -> Facts {
        Facts {
            today: day(4, 29),
            date: day(4, 29),
            has_venue: true,
            venue_agreed: true,
            notified: true,
            protocol_complete: true,
            handed_over: false,
            acknowledged: false,
        }
    }

    #[test]
    fn the_whole_line_in_order() {
        let f = facts();
        let mut s = M::Planned;
        for (step, want) in [
            (Step::AgreeVenue, M::VenueAgreed),
            (Step::Announce, M::Announced),
            (Step::MarkHeld, M::Held),
            (Step::DraftProtocol, M::ProtocolDrafted),
            (Step::DraftProtocol, M::ProtocolDrafted),
            (Step::SendForSignature, M::AwaitingSignature),
            (Step::Sign, M::ProtocolSigned),
            (Step::HandOver, M::HandedOver),
            (Step::PublishResults, M::ResultsPublished),
        ] {
            s = next(s, step, &f).unwrap_or(M::Unspecified);
            assert_eq!(s, want, "{step:?}");
        }
    }

    #[test]
    fn refusals_say_what_is_missing() {
        let f = facts();
        let e = next(M::Planned, Step::Announce, &f);
        assert!(e.is_err_and(|r| r.en == "cannot announce: the venue is not agreed"));
        let unnotified = Facts {
            notified: false,
            ..f
        };
        let e = next(M::VenueAgreed, Step::Announce, &unnotified);
        assert!(e.is_err_and(|r| r.en.contains("not been notified")));
        let early = Facts {
            date: day(5, 6),
            ..f
        };
        assert!(
            next(M::Announced, Step::MarkHeld, &early)
                .is_err_and(|r| r.en.contains("has not come"))
        );
        let incomplete = Facts {
            protocol_complete: false,
            ..f
        };
        assert!(
            next(M::ProtocolDrafted, Step::SendForSignature, &incomplete)
                .is_err_and(|r| r.en.contains("lacks"))
        );
        assert!(
            next(M::AwaitingSignature, Step::Sign, &incomplete)
                .is_err_and(|r| r.en.contains("lacks"))
        );
        assert!(
            next(M::ProtocolDrafted, Step::Sign, &f)
                .is_err_and(|r| r.en.contains("not sent the protocol for signature"))
        );
        assert!(
            next(M::AwaitingSignature, Step::SendForSignature, &f)
                .is_err_and(|r| r.en.contains("already with the leader"))
        );
        assert!(
            next(M::Held, Step::SendForSignature, &f)
                .is_err_and(|r| r.en.contains("no protocol draft"))
        );
        assert!(
            next(M::ProtocolDrafted, Step::HandOver, &f)
                .is_err_and(|r| r.en.contains("not signed"))
        );
        assert!(
            next(M::ProtocolSigned, Step::DraftProtocol, &f)
                .is_err_and(|r| r.en.contains("amendments"))
        );
        assert!(next(M::Held, Step::Cancel, &f).is_err());
        assert!(next(M::Held, Step::Move, &f).is_err());
        assert!(next(M::Cancelled, Step::Prepare, &f).is_err_and(|r| r.en.contains("cancelled")));
    }

    #[test]
    fn an_answered_agreement_names_who_answered() {
        use crate::pb::{AgreementStatus as A, VenueAgreement};
        let with = |status: A, contact: &str| VenueAgreement {
            status: status as i32,
            contact: contact.into(),
            ..Default::default()
        };
        assert!(
            check_agreement(&with(A::Agreed, " ")).is_err_and(|e| e.field == "agreement.contact")
        );
        assert!(check_agreement(&with(A::Refused, "")).is_err());
        assert!(check_agreement(&with(A::Requested, "")).is_ok());
        assert!(check_agreement(&with(A::Agreed, "директор Иванова И. И.")).is_ok());
    }

    #[test]
    fn editing_a_draft_sent_for_signature_takes_it_back_from_the_leader() {
        assert_eq!(
            next(M::AwaitingSignature, Step::DraftProtocol, &facts()),
            Ok(M::ProtocolDrafted)
        );
    }

    #[test]
    fn signed_and_reached_follow_the_line_not_the_numbers() {
        assert!(!is_signed(M::AwaitingSignature));
        assert!(is_signed(M::ProtocolSigned) && is_signed(M::ResultsPublished));
        assert!(!is_signed(M::Cancelled));
        assert!(reached(M::AwaitingSignature, M::ProtocolDrafted));
        assert!(!reached(M::AwaitingSignature, M::ProtocolSigned));
        assert!(!reached(M::Cancelled, M::Planned));
    }

    #[test]
    fn a_refused_venue_sends_the_meeting_back_to_planned() {
        let refused = Facts {
            venue_agreed: false,
            ..facts()
        };
        assert_eq!(
            next(M::VenueAgreed, Step::AgreeVenue, &refused),
            Ok(M::Planned)
        );
        let no_venue = Facts {
            has_venue: false,
            ..facts()
        };
        assert!(next(M::Planned, Step::AgreeVenue, &no_venue).is_err());
    }

    #[test]
    fn acknowledging_needs_a_handover_and_happens_once() {
        let f = facts();
        assert!(next(M::ProtocolSigned, Step::Acknowledge, &f).is_err());
        let handed = Facts {
            handed_over: true,
            ..f
        };
        assert_eq!(
            next(M::HandedOver, Step::Acknowledge, &handed),
            Ok(M::HandedOver)
        );
        let again = Facts {
            acknowledged: true,
            ..handed
        };
        assert!(next(M::HandedOver, Step::Acknowledge, &again).is_err());
    }

    #[test]
    fn a_protocol_is_returned_once_handed_over_and_before_receipt() {
        let f = facts();
        let handed = Facts {
            handed_over: true,
            ..f
        };
        assert_eq!(
            next(M::HandedOver, Step::ReturnProtocol, &handed),
            Ok(M::ProtocolSigned)
        );
        assert!(next(M::ProtocolSigned, Step::ReturnProtocol, &f).is_err());
        let received = Facts {
            acknowledged: true,
            ..handed
        };
        let refused = next(M::HandedOver, Step::ReturnProtocol, &received);
        assert!(refused.is_err_and(|r| r.en.contains("acknowledged")));
        assert!(next(M::ResultsPublished, Step::ReturnProtocol, &handed).is_err());
    }

    #[test]
    fn cancel_and_move_only_before_the_meeting() {
        let f = facts();
        for s in [M::Planned, M::VenueAgreed, M::Announced] {
            assert_eq!(next(s, Step::Cancel, &f), Ok(M::Cancelled));
            assert_eq!(next(s, Step::Move, &f), Ok(s));
        }
    }

    #[test]
    fn protocol_numbers_name_the_group_the_year_and_the_sequence() {
        for (g, y, n, want) in [(3, 2026, 1, "3-2026/1"), (12, 2027, 15, "12-2027/15")] {
            assert_eq!(protocol_number(g, y, n), want);
        }
    }

    #[test]
    fn a_protocol_is_overdue_after_its_due_day_until_handed_over() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default();
        let meeting = |status: M, handed_at_ms: i64| crate::pb::Meeting {
            status: status as i32,
            handover: Some(crate::pb::Handover {
                due: Some(crate::pb::Deadline {
                    date: Some(crate::validate::from_naive(day(10))),
                    ..Default::default()
                }),
                handed_at_ms,
                ..Default::default()
            }),
            ..Default::default()
        };
        let cases = [
            (M::Held, 0, day(10), false),
            (M::Held, 0, day(11), true),
            (M::ProtocolSigned, 0, day(11), true),
            (M::ProtocolSigned, 1, day(11), false),
            (M::Cancelled, 0, day(11), false),
            (M::Announced, 0, day(11), false),
        ];
        for (status, handed, today, want) in cases {
            assert_eq!(
                handover_overdue(&meeting(status, handed), today),
                want,
                "{status:?} handed {handed} on {today}"
            );
        }
    }
}

//! Dates by the law (issue 15 point 3): nothing is recorded as done on a day that has not come
//! — a forwarding, an answer, a notice, a handover, a meeting held, a publication — and no
//! deadline is set on a day already gone: an assignment's, a co-executor's (never after the
//! assignment's own), a sub-assignment's, a reception card's put on control. The server refuses
//! such a request with `InvalidArgument` naming the field, which the client's form shows on it.

use chrono::NaiveDate;

use crate::validate::FieldError;

/// `done` (the date something was done) has come by `today`.
pub fn done_by(field: &str, done: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    if done > today {
        return Err(FieldError::new(
            field,
            "дата ещё не наступила: отметить сделанным можно только прошедший или сегодняшний день",
            "is in the future: only today or a past day can be recorded as done",
        ));
    }
    Ok(())
}

/// `deadline` is today or later.
pub fn deadline_ahead(
    field: &str,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldError> {
    if deadline < today {
        return Err(FieldError::new(
            field,
            "срок не может быть в прошлом",
            "must not be in the past",
        ));
    }
    Ok(())
}

/// A co-executor's or a sub-assignment's `deadline` is today or later and not after the
/// assignment's own `limit`.
pub fn deadline_within(
    field: &str,
    deadline: NaiveDate,
    limit: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldError> {
    deadline_ahead(field, deadline, today)?;
    if deadline > limit {
        return Err(FieldError::new(
            field,
            "не позже срока основного поручения",
            "must not be later than the assignment's own deadline",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    #[test]
    fn done_today_or_before_never_tomorrow() {
        let today = d(3, 2);
        for (done, ok) in [(d(3, 1), true), (d(3, 2), true), (d(3, 3), false)] {
            assert_eq!(done_by("answer.date", done, today).is_ok(), ok, "{done}");
        }
        let e = done_by("forwarding.date", d(4, 1), today).err();
        assert_eq!(e.map(|e| e.field), Some("forwarding.date".to_string()));
    }

    #[test]
    fn deadlines_from_today_and_within_the_assignment() {
        let today = d(3, 2);
        // (deadline, the assignment's, accepted)
        for (deadline, limit, ok) in [
            (d(3, 2), d(3, 10), true),
            (d(3, 10), d(3, 10), true),
            (d(3, 1), d(3, 10), false),
            (d(3, 11), d(3, 10), false),
        ] {
            assert_eq!(
                deadline_within("co_executors[0].deadline", deadline, limit, today).is_ok(),
                ok,
                "{deadline} within {limit}"
            );
        }
        assert!(deadline_ahead("card.deadline", d(3, 2), today).is_ok());
        assert!(deadline_ahead("card.deadline", d(2, 27), today).is_err());
    }
}

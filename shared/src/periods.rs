//! Reporting periods: the quarter, half-year and year a day falls in, a run of whole years, the
//! half-year or year a report names, and a period typed as two dates — with the one rule for
//! what range a report may span, so the client offers and the server accepts the same periods.

use chrono::{Datelike, NaiveDate};

use crate::pb;
use crate::quarters;
use crate::validate::{self, FieldError};

/// The longest period a report covers, in years: longer is a typing mistake (2062 for 2026),
/// not a question anyone asks, and would have the server count every record it holds.
pub const MAX_YEARS: i32 = 10;

/// The first and last day of year `y`.
pub fn year(y: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(y, 1, 1)?,
        NaiveDate::from_ymd_opt(y, 12, 31)?,
    ))
}

/// The years `first` to `last` as one period.
pub fn years(first: i32, last: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((year(first)?.0, year(last)?.1))
}

/// The quarter `d` falls in.
pub fn quarter_of(d: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    quarters::bounds(d.year(), quarters::quarter_of(d))
}

/// The half-year `d` falls in.
pub fn half_of(d: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let kind = if d.month() <= 6 {
        pb::PeriodKind::FirstHalf
    } else {
        pb::PeriodKind::SecondHalf
    };
    of_kind(d.year(), kind)
}

/// The half-year or the whole of `y` that `kind` names; none for an unspecified kind.
pub fn of_kind(y: i32, kind: pb::PeriodKind) -> Option<(NaiveDate, NaiveDate)> {
    let (first, last) = year(y)?;
    match kind {
        pb::PeriodKind::FirstHalf => Some((first, NaiveDate::from_ymd_opt(y, 6, 30)?)),
        pb::PeriodKind::SecondHalf => Some((NaiveDate::from_ymd_opt(y, 7, 1)?, last)),
        pb::PeriodKind::Year => Some((first, last)),
        pb::PeriodKind::Unspecified => None,
    }
}

/// Checks a period a report is asked for: both days given, the end not before the start, and
/// no longer than [`MAX_YEARS`]; the error names the field to correct (`field.from` or
/// `field.to`).
pub fn check(from: NaiveDate, to: NaiveDate, field: &str) -> Result<(), FieldError> {
    if from > to {
        return Err(FieldError::new(
            format!("{field}.to"),
            "конец периода раньше начала",
            "ends before it starts",
        ));
    }
    let longest = from
        .with_year(from.year() + MAX_YEARS)
        .or_else(|| from.with_day(28)?.with_year(from.year() + MAX_YEARS))
        .unwrap_or(NaiveDate::MAX);
    if to >= longest {
        return Err(FieldError::new(
            format!("{field}.to"),
            format!("период длиннее {MAX_YEARS} лет — проверьте годы"),
            format!("longer than {MAX_YEARS} years — check the years"),
        ));
    }
    Ok(())
}

/// A report's period as the request gives it, checked (see [`check`]).
pub fn report_range(field: &str, r: &pb::DateRange) -> Result<(NaiveDate, NaiveDate), FieldError> {
    let (from, to) = validate::date_range(field, r)?;
    check(from, to, field)?;
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn a_day_falls_in_its_quarter_half_and_year() {
        assert_eq!(
            quarter_of(d(2026, 5, 14)),
            Some((d(2026, 4, 1), d(2026, 6, 30)))
        );
        assert_eq!(
            quarter_of(d(2026, 12, 31)),
            Some((d(2026, 10, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            half_of(d(2026, 6, 30)),
            Some((d(2026, 1, 1), d(2026, 6, 30)))
        );
        assert_eq!(
            half_of(d(2026, 7, 1)),
            Some((d(2026, 7, 1), d(2026, 12, 31)))
        );
        assert_eq!(year(2024), Some((d(2024, 1, 1), d(2024, 12, 31))));
        assert_eq!(years(2022, 2026), Some((d(2022, 1, 1), d(2026, 12, 31))));
        assert_eq!(of_kind(2026, pb::PeriodKind::Unspecified), None);
    }

    #[test]
    fn any_range_up_to_ten_years_is_a_period() {
        assert!(check(d(2026, 3, 15), d(2026, 3, 15), "period").is_ok());
        assert!(check(d(2026, 2, 10), d(2026, 11, 3), "period").is_ok());
        assert!(check(d(2017, 1, 1), d(2026, 12, 31), "period").is_ok());
        // Ten years and a day is not.
        let e = check(d(2016, 5, 1), d(2026, 5, 1), "period").err();
        assert_eq!(e.map(|e| e.field), Some("period.to".to_string()));
        // A leap day start still has a limit.
        assert!(check(d(2024, 2, 29), d(2034, 3, 1), "period").is_err());
    }

    #[test]
    fn an_end_before_the_start_names_the_end() {
        let e = check(d(2026, 5, 2), d(2026, 5, 1), "period").err();
        assert_eq!(e.map(|e| e.field), Some("period.to".to_string()));
        let r = pb::DateRange {
            from: Some(validate::from_naive(d(2026, 5, 2))),
            to: Some(validate::from_naive(d(2026, 5, 1))),
        };
        assert!(report_range("period", &r).is_err());
        let missing = pb::DateRange {
            from: None,
            to: Some(validate::from_naive(d(2026, 5, 1))),
        };
        assert_eq!(
            report_range("period", &missing).err().map(|e| e.field),
            Some("period.from".to_string())
        );
    }
}

//! The quarterly minimum (3.1): every group holds at least one field meeting each quarter.

use chrono::{Datelike, NaiveDate};

use crate::calendar::ProductionCalendar;

/// The state of one group's quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuarterState {
    /// A meeting was held.
    Met,
    /// Under way, with no meeting held, and it ends within the warning window.
    AtRisk,
    /// Ended with no meeting held.
    Missed,
    /// Under way (or still ahead), not yet at risk.
    Open,
    /// The group did not exist on the quarter's first day and held no meeting in it.
    NotFormed,
}

/// The day a group began its work: its `formed` date, else the day it was created.
pub fn formed_on(g: &crate::pb::Group) -> NaiveDate {
    g.formed
        .as_ref()
        .and_then(crate::validate::to_naive)
        .or_else(|| {
            g.meta
                .as_ref()
                .map(|m| crate::city_time::date_at(m.created_at_ms))
        })
        .unwrap_or(NaiveDate::MIN)
}

/// First and last day of quarter `q` (1–4) of `year`.
pub fn bounds(year: i32, q: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first_month = (q.checked_sub(1)? * 3) + 1;
    let start = NaiveDate::from_ymd_opt(year, first_month, 1)?;
    let end = if q == 4 {
        NaiveDate::from_ymd_opt(year, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(year, first_month + 3, 1)?.pred_opt()?
    };
    Some((start, end))
}

/// The reporting period last completed by `today` (3.8.5: the control sector reports every
/// half-year and year): in January–June the previous year as a whole, in July–December this
/// year's first half.
pub fn last_completed_half(today: NaiveDate) -> (i32, crate::pb::PeriodKind) {
    if today.month() <= 6 {
        (today.year() - 1, crate::pb::PeriodKind::Year)
    } else {
        (today.year(), crate::pb::PeriodKind::FirstHalf)
    }
}

/// The quarter (1–4) a date falls in.
pub fn quarter_of(d: NaiveDate) -> u32 {
    (d.month() - 1) / 3 + 1
}

/// The state of quarter `q` of `year` for a group formed on `formed`, given the dates of the
/// meetings held, as of `today`. A quarter counts only if the group existed on its first day (a
/// meeting held in the quarter it was formed still meets it): a group formed today has missed
/// nothing. At risk when no more than `warn_working_days` working days of the quarter are left
/// after today.
pub fn state(
    cal: &ProductionCalendar,
    year: i32,
    q: u32,
    held: &[NaiveDate],
    today: NaiveDate,
    warn_working_days: u32,
    formed: NaiveDate,
) -> QuarterState {
    let Some((start, end)) = bounds(year, q) else {
        return QuarterState::Open;
    };
    if held.iter().any(|d| (start..=end).contains(d)) {
        return QuarterState::Met;
    }
    if formed > start {
        return QuarterState::NotFormed;
    }
    if today > end {
        return QuarterState::Missed;
    }
    if today < start {
        return QuarterState::Open;
    }
    let left = cal.working_days_between(today, end);
    if left <= i64::from(warn_working_days) {
        QuarterState::AtRisk
    } else {
        QuarterState::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_completed_half_is_the_year_before_july_and_the_first_half_after() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        assert_eq!(
            last_completed_half(d(12, 7)),
            (2026, crate::pb::PeriodKind::FirstHalf)
        );
        assert_eq!(
            last_completed_half(d(7, 1)),
            (2026, crate::pb::PeriodKind::FirstHalf)
        );
        assert_eq!(
            last_completed_half(d(6, 30)),
            (2025, crate::pb::PeriodKind::Year)
        );
        assert_eq!(
            last_completed_half(d(1, 9)),
            (2025, crate::pb::PeriodKind::Year)
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn quarters_have_the_right_bounds() {
        assert_eq!(bounds(2026, 1), Some((d(2026, 1, 1), d(2026, 3, 31))));
        assert_eq!(bounds(2026, 2), Some((d(2026, 4, 1), d(2026, 6, 30))));
        assert_eq!(bounds(2026, 4), Some((d(2026, 10, 1), d(2026, 12, 31))));
        assert_eq!(bounds(2026, 5), None);
        assert_eq!(quarter_of(d(2026, 3, 31)), 1);
        assert_eq!(quarter_of(d(2026, 4, 1)), 2);
    }

    #[test]
    fn a_meeting_on_the_last_day_of_the_quarter_meets_it() {
        let cal = ProductionCalendar::new();
        let s = state(
            &cal,
            2026,
            1,
            &[d(2026, 3, 31)],
            d(2026, 5, 1),
            10,
            d(2020, 1, 1),
        );
        assert_eq!(s, QuarterState::Met);
        let s = state(
            &cal,
            2026,
            2,
            &[d(2026, 3, 31)],
            d(2026, 7, 1),
            10,
            d(2020, 1, 1),
        );
        assert_eq!(s, QuarterState::Missed);
    }

    #[test]
    fn only_quarters_the_group_existed_in_count() {
        use QuarterState::*;
        let cal = ProductionCalendar::new();
        // (formed, held, quarter of 2026, today, state)
        let cases: [(NaiveDate, &[NaiveDate], u32, NaiveDate, QuarterState); 7] = [
            // Formed today, late in a quarter: it has missed nothing, not even "at risk".
            (d(2026, 12, 17), &[], 4, d(2026, 12, 17), NotFormed),
            (d(2026, 12, 17), &[], 3, d(2026, 12, 17), NotFormed),
            // Formed mid-quarter and met in it: counts as met.
            (d(2026, 5, 12), &[d(2026, 6, 2)], 2, d(2026, 7, 1), Met),
            // Formed mid-quarter, no meeting: nothing to count.
            (d(2026, 5, 12), &[], 2, d(2026, 7, 1), NotFormed),
            // Existing on the quarter's first day, no meeting: missed.
            (d(2026, 4, 1), &[], 2, d(2026, 7, 1), Missed),
            (d(2026, 5, 12), &[], 3, d(2026, 10, 1), Missed),
            // Worked before the system: a meeting entered after the fact meets its quarter.
            (d(2019, 3, 1), &[d(2026, 2, 10)], 1, d(2026, 12, 1), Met),
        ];
        for (formed, held, q, today, want) in cases {
            assert_eq!(
                state(&cal, 2026, q, held, today, 10, formed),
                want,
                "formed {formed}, Q{q} on {today}"
            );
        }
    }

    #[test]
    fn at_risk_counts_working_days_left() {
        let cal = ProductionCalendar::new();
        // Q4 2026 ends 31.12 (a day off in 2026); from 17.12 the working days left are
        // 18, 21–25, 28–30 December: 9.
        assert_eq!(
            state(&cal, 2026, 4, &[], d(2026, 12, 17), 10, d(2020, 1, 1)),
            QuarterState::AtRisk
        );
        assert_eq!(
            state(&cal, 2026, 4, &[], d(2026, 12, 1), 10, d(2020, 1, 1)),
            QuarterState::Open
        );
        assert_eq!(
            state(&cal, 2026, 4, &[], d(2026, 9, 1), 10, d(2020, 1, 1)),
            QuarterState::Open
        );
    }
}

//! Russian production calendar (производственный календарь) and deadline arithmetic.
//!
//! Day status comes from three sources, in order of precedence:
//!
//! 1. **Decree years** entered by an administrator ([`DecreeYear`]). They exist
//!    because the Government publishes the next year's transfer decree months
//!    before a new `holidays-ru` release reaches production, and because an
//!    administrator must be able to correct the data without a redeploy.
//! 2. **Official data** shipped with the `holidays-ru` crate (years 1993–2027 in
//!    version 0.2.2; see [`holidays_ru::FIRST_FACT_YEAR`] and
//!    [`holidays_ru::LAST_FACT_YEAR`]).
//! 3. **Prediction** by the Labour Code rule (art. 112 ТК РФ) for every other
//!    year. Predicted days are always flagged ([`DayInfo::predicted`],
//!    [`Deadline::predicted`]) so that a deadline computed from a guess is never
//!    presented as authoritative.
//!
//! The crate's own prediction is deliberately not used: it also guesses how the
//! January weekend holidays will be transferred, which only a decree decides.
//! Here the prediction is the bare statutory minimum, which is easy to explain
//! to a user and to check by hand.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use holidays_ru::{Federal, Resolved};
use thiserror::Error;

/// Non-working public holidays of art. 112 ТК РФ (wording in force since 2013),
/// as `(month, day)`.
pub const STATUTORY_HOLIDAYS: [(u32, u32); 14] = [
    (1, 1),
    (1, 2),
    (1, 3),
    (1, 4),
    (1, 5),
    (1, 6),
    (1, 7),
    (1, 8),
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
    (6, 12),
    (11, 4),
];

/// Holidays that move to the next working day when they fall on a weekend
/// (art. 112 part 2 ТК РФ). January holidays are excluded: the law leaves
/// their transfer to the annual Government decree, so it cannot be predicted.
const TRANSFERABLE_HOLIDAYS: [(u32, u32); 6] = [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)];

/// What kind of day a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// A working day, including a Saturday or Sunday made working by a decree.
    Working,
    /// An ordinary Saturday or Sunday rest day.
    Weekend,
    /// Any other non-working day: a public holiday of art. 112 ТК РФ (even when
    /// it falls on a weekend) or a weekday made non-working by a transfer.
    /// Both are grouped together because they are what makes a deadline move
    /// unexpectedly, which is what the UI needs to highlight.
    Holiday,
}

/// Status of one calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DayInfo {
    /// Whether the day is working, a weekend or a holiday.
    pub kind: DayKind,
    /// `true` when the year has neither decree data nor official data and the
    /// kind was derived from the Labour Code rule alone.
    pub predicted: bool,
}

impl DayInfo {
    /// Whether the day is a working day.
    #[must_use]
    pub const fn is_working(self) -> bool {
        matches!(self.kind, DayKind::Working)
    }
}

/// A computed due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Deadline {
    /// The due date.
    pub date: NaiveDate,
    /// `true` when any day consulted to compute `date` was predicted, i.e. the
    /// date may still move once the Government decree for that year is known.
    pub predicted: bool,
}

/// Where the status of a year's days comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum YearSource {
    /// Entered by an administrator as a [`DecreeYear`].
    Decree,
    /// Official data shipped with the `holidays-ru` crate.
    Official,
    /// Neither is available: the Labour Code rule is applied.
    Predicted,
}

/// A year's production calendar entered by an administrator from the
/// Government decree on the transfer of days off.
///
/// Entering a year replaces the `holidays-ru` data for that year entirely, so
/// the lists must be complete.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DecreeYear {
    /// The calendar year the data is for.
    pub year: i32,
    /// Every Monday–Friday that is not a working day: public holidays falling on
    /// weekdays as well as days off transferred onto weekdays. A Saturday or
    /// Sunday may be listed too; it is redundant but only marks the day as
    /// [`DayKind::Holiday`].
    pub days_off: Vec<NaiveDate>,
    /// Saturdays and Sundays made working days.
    pub working_weekends: Vec<NaiveDate>,
    /// Reference to the decree, e.g. `"№ 1466 от 24.09.2025"`, kept so every
    /// computed deadline can be traced back to its legal basis.
    pub decree: String,
}

impl DecreeYear {
    /// Checks the data for mistakes an administrator can plausibly make.
    ///
    /// Holiday checks use the current (since 2013) list of art. 112 ТК РФ,
    /// which is what matters for the years an administrator will enter.
    ///
    /// # Errors
    ///
    /// - [`CalendarError::MissingDecree`] if `decree` is blank;
    /// - [`CalendarError::DateOutsideYear`] if a date is not in `year`;
    /// - [`CalendarError::NotAWeekend`] if a working weekend is Mon–Fri;
    /// - [`CalendarError::Conflicting`] if a date is both off and working;
    /// - [`CalendarError::HolidayMadeWorking`] if a working weekend is a public
    ///   holiday (a decree moves days off, never holidays);
    /// - [`CalendarError::HolidayNotOff`] if a public holiday falling on a
    ///   weekday is missing from `days_off` (it is non-working by law).
    pub fn validate(&self) -> Result<(), CalendarError> {
        if self.decree.trim().is_empty() {
            return Err(CalendarError::MissingDecree { year: self.year });
        }
        for &date in self.days_off.iter().chain(&self.working_weekends) {
            if date.year() != self.year {
                return Err(CalendarError::DateOutsideYear {
                    date,
                    year: self.year,
                });
            }
        }
        for &date in &self.working_weekends {
            if !is_weekend(date) {
                return Err(CalendarError::NotAWeekend { date });
            }
            if self.days_off.contains(&date) {
                return Err(CalendarError::Conflicting { date });
            }
            if is_statutory_holiday(date) {
                return Err(CalendarError::HolidayMadeWorking { date });
            }
        }
        for (month, day) in STATUTORY_HOLIDAYS {
            if let Some(date) = NaiveDate::from_ymd_opt(self.year, month, day)
                && !is_weekend(date)
                && !self.days_off.contains(&date)
            {
                return Err(CalendarError::HolidayNotOff { date });
            }
        }
        Ok(())
    }

    /// Sorted, deduplicated copy, so lookups can use binary search.
    fn normalized(mut self) -> Self {
        self.days_off.sort_unstable();
        self.days_off.dedup();
        self.working_weekends.sort_unstable();
        self.working_weekends.dedup();
        self
    }

    fn kind(&self, date: NaiveDate) -> DayKind {
        if self.working_weekends.binary_search(&date).is_ok() {
            DayKind::Working
        } else if self.days_off.binary_search(&date).is_ok() || is_statutory_holiday(date) {
            DayKind::Holiday
        } else if is_weekend(date) {
            DayKind::Weekend
        } else {
            DayKind::Working
        }
    }
}

/// Errors in administrator-entered calendar data.
///
/// Messages are in Russian because they are shown to the administrator.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    /// The decree reference is empty.
    #[error("не указаны реквизиты постановления для {year} года")]
    MissingDecree {
        /// The year being entered.
        year: i32,
    },
    /// A date does not belong to the declared year.
    #[error("дата {date} не относится к {year} году")]
    DateOutsideYear {
        /// The offending date.
        date: NaiveDate,
        /// The declared year.
        year: i32,
    },
    /// A date listed as a working weekend is a Monday–Friday.
    #[error("{date} — не суббота и не воскресенье, её нельзя объявить рабочим выходным")]
    NotAWeekend {
        /// The offending date.
        date: NaiveDate,
    },
    /// A date is listed both as a day off and as a working weekend.
    #[error("{date} указана одновременно как нерабочий и как рабочий день")]
    Conflicting {
        /// The offending date.
        date: NaiveDate,
    },
    /// A public holiday is listed as a working weekend.
    #[error("{date} — нерабочий праздничный день (ст. 112 ТК РФ), он не может быть рабочим")]
    HolidayMadeWorking {
        /// The offending date.
        date: NaiveDate,
    },
    /// A public holiday falling on a weekday is missing from the days off.
    #[error("{date} — нерабочий праздничный день (ст. 112 ТК РФ), добавьте его в нерабочие дни")]
    HolidayNotOff {
        /// The missing date.
        date: NaiveDate,
    },
}

/// Deadline presets used in assignment texts (municipal records practice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlinePreset {
    /// «Немедленно»: the next working day after issue (1 working day), since an
    /// assignment issued late in the day cannot reasonably be due the same day.
    Immediately,
    /// «Срочно»: 3 working days after issue.
    Urgent,
    /// «Оперативно»: 10 working days after issue.
    Operative,
    /// No term given: one calendar month, as the records-management instructions
    /// require for assignments without a term. Counted like art. 192 ГК РФ —
    /// the same day of the next month, or the last day of that month if it has
    /// no such day — and moved to the next working day if non-working, like
    /// art. 193 ГК РФ.
    Default,
    /// «Ежемесячно»: the 10th of the month following issue (first report), moved
    /// to the next working day if non-working.
    Monthly,
    /// «Ежеквартально»: the same rule as [`DeadlinePreset::Monthly`], as
    /// municipal practice fixes the first report on the 10th of the next month.
    Quarterly,
}

/// What to do when a calendar-day deadline lands on a non-working day. 59-FZ does not say, so
/// it is a setting (`../shared/docs/domain-facts.md` §1), recorded on each appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NonWorkingRule {
    /// Keep the date: 59-FZ counts calendar days and says nothing about
    /// non-working days.
    Unchanged,
    /// Move back to the previous working day, so the answer is sent while staff
    /// are at work (the conservative practice for appeals of citizens).
    PreviousWorkingDay,
    /// Move forward to the next working day, by analogy with art. 193 ГК РФ.
    NextWorkingDay,
}

impl NonWorkingRule {
    /// The default: the previous working day, so the answer never comes later than the law's
    /// 30th day (the next working day would breach it, e.g. 39 days over the New Year).
    pub const DEFAULT: Self = Self::PreviousWorkingDay;

    /// Every rule, in the order settings offer them.
    pub const ALL: [Self; 3] = [
        Self::PreviousWorkingDay,
        Self::NextWorkingDay,
        Self::Unchanged,
    ];

    /// The rule's name in settings and the configuration file: `previous`, `next`, `unchanged`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::PreviousWorkingDay => "previous",
            Self::NextWorkingDay => "next",
            Self::Unchanged => "unchanged",
        }
    }

    /// The rule a settings name stands for.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl Default for NonWorkingRule {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The Russian production calendar: official data plus administrator-entered
/// decree years, with deadline arithmetic on top.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductionCalendar {
    decree_years: BTreeMap<i32, DecreeYear>,
}

impl ProductionCalendar {
    /// A calendar with the `holidays-ru` data only.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder form of [`ProductionCalendar::set_year`].
    ///
    /// # Errors
    ///
    /// Returns the validation error of [`DecreeYear::validate`].
    pub fn with_year(mut self, year: DecreeYear) -> Result<Self, CalendarError> {
        self.set_year(year)?;
        Ok(self)
    }

    /// Validates and stores a decree year, replacing any official data and any
    /// previously entered data for that year. Returns the replaced entry.
    ///
    /// Validation happens here rather than being left to the caller so that
    /// invalid data can never reach deadline calculations.
    ///
    /// # Errors
    ///
    /// Returns the validation error of [`DecreeYear::validate`]; the calendar is
    /// then left unchanged.
    pub fn set_year(&mut self, year: DecreeYear) -> Result<Option<DecreeYear>, CalendarError> {
        year.validate()?;
        Ok(self.decree_years.insert(year.year, year.normalized()))
    }

    /// Removes an administrator-entered year, falling back to official data or
    /// prediction. Returns the removed entry, if any.
    pub fn remove_year(&mut self, year: i32) -> Option<DecreeYear> {
        self.decree_years.remove(&year)
    }

    /// The administrator-entered data for `year` (lists sorted and deduplicated).
    #[must_use]
    pub fn decree_year(&self, year: i32) -> Option<&DecreeYear> {
        self.decree_years.get(&year)
    }

    /// Where the data for `year` comes from.
    #[must_use]
    pub fn year_source(&self, year: i32) -> YearSource {
        if self.decree_years.contains_key(&year) {
            YearSource::Decree
        } else if (holidays_ru::FIRST_FACT_YEAR..=holidays_ru::LAST_FACT_YEAR).contains(&year) {
            YearSource::Official
        } else {
            YearSource::Predicted
        }
    }

    /// Status of one date.
    #[must_use]
    pub fn day(&self, date: NaiveDate) -> DayInfo {
        if let Some(decree) = self.decree_years.get(&date.year()) {
            return DayInfo {
                kind: decree.kind(date),
                predicted: false,
            };
        }
        match official_kind(date) {
            Some(kind) => DayInfo {
                kind,
                predicted: false,
            },
            None => DayInfo {
                kind: predicted_kind(date),
                predicted: true,
            },
        }
    }

    /// Whether `date` is a working day.
    #[must_use]
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.day(date).is_working()
    }

    /// The `n`-th working day strictly after `start`; for `n == 0`, `start`
    /// itself if it is a working day, otherwise the next working day.
    ///
    /// `start` is not consulted for `n > 0`, so a predicted start day does not
    /// make the result predicted.
    #[must_use]
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Deadline {
        let mut predicted = false;
        if n == 0 {
            let date = self.scan_for_working(start, Direction::Forward, &mut predicted);
            return Deadline { date, predicted };
        }
        let mut date = start;
        let mut remaining = n;
        while remaining > 0 {
            let Some(next) = date.succ_opt() else {
                // End of the representable range: return what we have, flagged
                // as unreliable rather than panicking.
                return Deadline {
                    date,
                    predicted: true,
                };
            };
            date = next;
            if self.consult(date, &mut predicted) {
                remaining -= 1;
            }
        }
        Deadline { date, predicted }
    }

    /// Number of working days in `(a, b]`; negative (the count in `(b, a]`) if
    /// `b < a`. Half-open so that `working_days_between(d, add_working_days(d, n).date) == n`.
    #[must_use]
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let count = a
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= b)
            .filter(|d| self.is_working_day(*d))
            .count();
        i64::try_from(count).unwrap_or(i64::MAX)
    }

    /// Number of working days in `year` (0 for a year chrono cannot represent).
    #[must_use]
    pub fn working_days_in_year(&self, year: i32) -> u32 {
        let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return 0;
        };
        let count = first
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter(|d| self.is_working_day(*d))
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Due date of an assignment issued on `issued` with preset `preset`; see
    /// [`DeadlinePreset`] for each rule.
    #[must_use]
    pub fn preset_deadline(&self, issued: NaiveDate, preset: DeadlinePreset) -> Deadline {
        match preset {
            DeadlinePreset::Immediately => self.add_working_days(issued, 1),
            DeadlinePreset::Urgent => self.add_working_days(issued, 3),
            DeadlinePreset::Operative => self.add_working_days(issued, 10),
            DeadlinePreset::Default => {
                // chrono clamps to the month end (31.01 → 28/29.02), as art. 192 ГК РФ does.
                self.on_or_after(issued.checked_add_months(Months::new(1)), issued)
            }
            DeadlinePreset::Monthly | DeadlinePreset::Quarterly => {
                let tenth = issued
                    .with_day(1)
                    .and_then(|d| d.checked_add_months(Months::new(1)))
                    .and_then(|d| d.with_day(10));
                self.on_or_after(tenth, issued)
            }
        }
    }

    /// 59-FZ style deadline: `start` plus `days` calendar days, then adjusted by
    /// `rule` if that lands on a non-working day.
    ///
    /// With [`NonWorkingRule::PreviousWorkingDay`] the result may precede
    /// `start` for very short terms; that is left to the caller, as the law
    /// gives no guidance.
    #[must_use]
    pub fn calendar_days_deadline(
        &self,
        start: NaiveDate,
        days: u32,
        rule: NonWorkingRule,
    ) -> Deadline {
        let Some(target) = start.checked_add_days(Days::new(u64::from(days))) else {
            return Deadline {
                date: NaiveDate::MAX,
                predicted: true,
            };
        };
        let mut predicted = false;
        let date = match rule {
            NonWorkingRule::Unchanged => {
                predicted = self.day(target).predicted;
                target
            }
            NonWorkingRule::PreviousWorkingDay => {
                self.scan_for_working(target, Direction::Backward, &mut predicted)
            }
            NonWorkingRule::NextWorkingDay => {
                self.scan_for_working(target, Direction::Forward, &mut predicted)
            }
        };
        Deadline { date, predicted }
    }

    /// Deadline for handing over the minutes of a meeting: the fifth working
    /// day after the meeting (the meeting day itself is not counted).
    #[must_use]
    pub fn fifth_working_day_after(&self, meeting: NaiveDate) -> Deadline {
        self.add_working_days(meeting, 5)
    }

    /// Looks a day up and records whether it was predicted.
    fn consult(&self, date: NaiveDate, predicted: &mut bool) -> bool {
        let info = self.day(date);
        *predicted |= info.predicted;
        info.is_working()
    }

    /// The first working day at or after (or at or before) `date`.
    fn scan_for_working(
        &self,
        mut date: NaiveDate,
        direction: Direction,
        predicted: &mut bool,
    ) -> NaiveDate {
        loop {
            if self.consult(date, predicted) {
                return date;
            }
            let step = match direction {
                Direction::Forward => date.succ_opt(),
                Direction::Backward => date.pred_opt(),
            };
            let Some(next) = step else {
                // Edge of chrono's range: flag the result as unreliable.
                *predicted = true;
                return date;
            };
            date = next;
        }
    }

    /// `target` if working, else the next working day; `fallback` (flagged as
    /// predicted) if `target` could not be computed at the edge of chrono's range.
    fn on_or_after(&self, target: Option<NaiveDate>, fallback: NaiveDate) -> Deadline {
        match target {
            Some(date) => self.add_working_days(date, 0),
            None => Deadline {
                date: fallback,
                predicted: true,
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Direction {
    Forward,
    Backward,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn is_statutory_holiday(date: NaiveDate) -> bool {
    STATUTORY_HOLIDAYS.contains(&(date.month(), date.day()))
}

/// Day kind from the `holidays-ru` official tables; `None` when the crate only
/// has a prediction (or nothing) for the year.
fn official_kind(date: NaiveDate) -> Option<DayKind> {
    // Outside the fact range the crate would only run its own prediction, which
    // we do not use (see the module docs), so skip the call.
    if !(holidays_ru::FIRST_FACT_YEAR..=holidays_ru::LAST_FACT_YEAR).contains(&date.year()) {
        return None;
    }
    let Some(Resolved::Fact(flags)) = holidays_ru::flags::<Federal, _>(date) else {
        return None;
    };
    Some(if flags.is_working_day() {
        DayKind::Working
    } else if flags.is_holiday() || !flags.is_weekend() {
        DayKind::Holiday
    } else {
        DayKind::Weekend
    })
}

/// Day kind by the Labour Code alone: Mon–Fri working, art. 112 holidays off,
/// and a non-January holiday on a weekend moved to the next working day.
fn predicted_kind(date: NaiveDate) -> DayKind {
    if is_statutory_holiday(date) || is_predicted_transfer(date) {
        DayKind::Holiday
    } else if is_weekend(date) {
        DayKind::Weekend
    } else {
        DayKind::Working
    }
}

/// Whether `date` is the weekday a weekend holiday of its year moves to.
fn is_predicted_transfer(date: NaiveDate) -> bool {
    // Cheap early exit: transfers only land on weekdays.
    if is_weekend(date) {
        return false;
    }
    let mut targets: [Option<NaiveDate>; TRANSFERABLE_HOLIDAYS.len()] =
        [None; TRANSFERABLE_HOLIDAYS.len()];
    for (i, (month, day)) in TRANSFERABLE_HOLIDAYS.into_iter().enumerate() {
        let Some(holiday) = NaiveDate::from_ymd_opt(date.year(), month, day) else {
            continue;
        };
        if !is_weekend(holiday) {
            continue;
        }
        // The next day that is neither a weekend, a holiday nor already taken
        // by another transfer; holidays are far apart, so this stays short.
        let mut candidate = holiday.succ_opt();
        while let Some(c) = candidate {
            if !is_weekend(c) && !is_statutory_holiday(c) && !targets.contains(&Some(c)) {
                break;
            }
            candidate = c.succ_opt();
        }
        if let Some(slot) = targets.get_mut(i) {
            *slot = candidate;
        }
    }
    targets.contains(&Some(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn dates(y: i32, md: &[(u32, u32)]) -> Vec<NaiveDate> {
        md.iter().map(|&(m, day)| d(y, m, day)).collect()
    }

    fn all_days(year: i32) -> impl Iterator<Item = NaiveDate> {
        d(year, 1, 1)
            .iter_days()
            .take_while(move |x| x.year() == year)
    }

    /// Mon–Fri dates of `year` that are not working days.
    fn weekdays_off(cal: &ProductionCalendar, year: i32) -> Vec<NaiveDate> {
        all_days(year)
            .filter(|x| !is_weekend(*x) && !cal.is_working_day(*x))
            .collect()
    }

    /// Sat/Sun dates of `year` that are working days.
    fn working_weekends(cal: &ProductionCalendar, year: i32) -> Vec<NaiveDate> {
        all_days(year)
            .filter(|x| is_weekend(*x) && cal.is_working_day(*x))
            .collect()
    }

    const OFF_2025: &[(u32, u32)] = &[
        (1, 1),
        (1, 2),
        (1, 3),
        (1, 6),
        (1, 7),
        (1, 8),
        (5, 1),
        (5, 2),
        (5, 8),
        (5, 9),
        (6, 12),
        (6, 13),
        (11, 3),
        (11, 4),
        (12, 31),
    ];

    const OFF_2026: &[(u32, u32)] = &[
        (1, 1),
        (1, 2),
        (1, 5),
        (1, 6),
        (1, 7),
        (1, 8),
        (1, 9),
        (2, 23),
        (3, 9),
        (5, 1),
        (5, 11),
        (6, 12),
        (11, 4),
        (12, 31),
    ];

    const OFF_2027: &[(u32, u32)] = &[
        (1, 1),
        (1, 4),
        (1, 5),
        (1, 6),
        (1, 7),
        (1, 8),
        (2, 22),
        (2, 23),
        (3, 8),
        (5, 3),
        (5, 10),
        (6, 14),
        (11, 4),
        (11, 5),
        (12, 31),
    ];

    fn decree_2027() -> DecreeYear {
        DecreeYear {
            year: 2027,
            days_off: dates(2027, OFF_2027),
            working_weekends: vec![d(2027, 2, 20)],
            decree: "№ 1187 от 17.09.2026".to_owned(),
        }
    }

    fn assert_not_predicted(cal: &ProductionCalendar, year: i32) {
        assert!(all_days(year).all(|x| !cal.day(x).predicted), "{year}");
    }

    #[test]
    fn official_2025_matches_decree_1335() {
        let cal = ProductionCalendar::new();
        assert_eq!(cal.year_source(2025), YearSource::Official);
        assert_eq!(weekdays_off(&cal, 2025), dates(2025, OFF_2025));
        assert_eq!(working_weekends(&cal, 2025), vec![d(2025, 11, 1)]);
        assert_eq!(cal.working_days_in_year(2025), 247);
        assert_not_predicted(&cal, 2025);
    }

    #[test]
    fn official_2026_matches_decree_1466() {
        let cal = ProductionCalendar::new();
        assert_eq!(weekdays_off(&cal, 2026), dates(2026, OFF_2026));
        assert!(working_weekends(&cal, 2026).is_empty());
        assert_eq!(cal.working_days_in_year(2026), 247);
        assert_not_predicted(&cal, 2026);
    }

    #[test]
    fn official_2027_from_crate_matches_decree_1187() {
        // holidays-ru 0.2.2 ships 2027 as official data and it agrees with the list.
        let cal = ProductionCalendar::new();
        assert_eq!(cal.year_source(2027), YearSource::Official);
        assert_eq!(weekdays_off(&cal, 2027), dates(2027, OFF_2027));
        assert_eq!(working_weekends(&cal, 2027), vec![d(2027, 2, 20)]);
        assert_eq!(cal.working_days_in_year(2027), 247);
        assert_not_predicted(&cal, 2027);
    }

    #[test]
    fn decree_year_2027_gives_same_results() {
        let cal = ProductionCalendar::new()
            .with_year(decree_2027())
            .expect("valid decree");
        assert_eq!(cal.year_source(2027), YearSource::Decree);
        assert_eq!(weekdays_off(&cal, 2027), dates(2027, OFF_2027));
        assert_eq!(working_weekends(&cal, 2027), vec![d(2027, 2, 20)]);
        assert_eq!(cal.working_days_in_year(2027), 247);
        assert_not_predicted(&cal, 2027);
        for x in all_days(2027) {
            assert_eq!(cal.day(x), ProductionCalendar::new().day(x), "{x}");
        }
    }

    #[test]
    fn decree_year_overrides_crate_and_can_be_removed() {
        let mut cal = ProductionCalendar::new();
        // A hypothetical amended 2026 decree that makes 31.12 a working day.
        let mut amended = DecreeYear {
            year: 2026,
            days_off: dates(2026, OFF_2026),
            working_weekends: Vec::new(),
            decree: "№ 1466 от 24.09.2025 (в ред. изм.)".to_owned(),
        };
        amended.days_off.retain(|x| *x != d(2026, 12, 31));
        assert_eq!(cal.set_year(amended.clone()), Ok(None));
        assert!(cal.is_working_day(d(2026, 12, 31)));
        assert_eq!(cal.working_days_in_year(2026), 248);
        assert_eq!(cal.remove_year(2026), Some(amended));
        assert!(!cal.is_working_day(d(2026, 12, 31)));
        assert_eq!(cal.remove_year(2026), None);
    }

    #[test]
    fn decree_year_removes_prediction() {
        let mut cal = ProductionCalendar::new();
        assert_eq!(cal.year_source(2028), YearSource::Predicted);
        assert!(cal.day(d(2028, 3, 1)).predicted);
        let y2028 = DecreeYear {
            year: 2028,
            // Entered out of order and with a duplicate: normalised on insert.
            days_off: dates(2028, &[(1, 7), (1, 3), (1, 4), (1, 5), (1, 6), (2, 23)])
                .into_iter()
                .chain(dates(2028, &[(3, 8), (5, 1), (5, 9), (6, 12), (1, 3)]))
                .collect(),
            working_weekends: Vec::new(),
            decree: "тестовые данные".to_owned(),
        };
        cal.set_year(y2028).expect("valid decree");
        assert_not_predicted(&cal, 2028);
        let stored = cal.decree_year(2028).expect("stored");
        assert!(stored.days_off.is_sorted());
        assert_eq!(stored.days_off.len(), 10);
        // Sat 1 Jan 2028 is a holiday even though it is not listed as a weekday off.
        assert_eq!(cal.day(d(2028, 1, 1)).kind, DayKind::Holiday);
        assert_eq!(cal.day(d(2028, 1, 15)).kind, DayKind::Weekend);
    }

    #[test]
    fn day_kinds_from_official_data() {
        let cal = ProductionCalendar::new();
        let kind = |y, m, day| cal.day(d(y, m, day)).kind;
        assert_eq!(kind(2026, 1, 1), DayKind::Holiday);
        assert_eq!(kind(2026, 1, 3), DayKind::Holiday); // Saturday, but a holiday
        assert_eq!(kind(2026, 1, 9), DayKind::Holiday); // transferred day off
        assert_eq!(kind(2026, 1, 10), DayKind::Weekend);
        assert_eq!(kind(2026, 1, 12), DayKind::Working);
        assert_eq!(kind(2025, 11, 1), DayKind::Working); // working Saturday
    }

    #[test]
    fn validation_errors() {
        let ok = decree_2027();
        assert_eq!(ok.validate(), Ok(()));

        let mut e = ok.clone();
        e.decree = "  ".to_owned();
        assert_eq!(
            e.validate(),
            Err(CalendarError::MissingDecree { year: 2027 })
        );

        let mut e = ok.clone();
        e.days_off.push(d(2026, 12, 31));
        assert_eq!(
            e.validate(),
            Err(CalendarError::DateOutsideYear {
                date: d(2026, 12, 31),
                year: 2027
            })
        );

        let mut e = ok.clone();
        e.working_weekends.push(d(2027, 2, 19)); // Friday
        assert_eq!(
            e.validate(),
            Err(CalendarError::NotAWeekend {
                date: d(2027, 2, 19)
            })
        );

        let mut e = ok.clone();
        e.days_off.push(d(2027, 2, 20));
        assert_eq!(
            e.validate(),
            Err(CalendarError::Conflicting {
                date: d(2027, 2, 20)
            })
        );

        let mut e = ok.clone();
        e.working_weekends.push(d(2027, 1, 2)); // Saturday, a holiday
        assert_eq!(
            e.validate(),
            Err(CalendarError::HolidayMadeWorking {
                date: d(2027, 1, 2)
            })
        );

        let mut e = ok;
        e.days_off.retain(|x| *x != d(2027, 3, 8));
        assert_eq!(
            e.validate(),
            Err(CalendarError::HolidayNotOff {
                date: d(2027, 3, 8)
            })
        );

        // Invalid data never reaches the calendar.
        let mut cal = ProductionCalendar::new();
        assert!(cal.set_year(e.clone()).is_err());
        assert_eq!(cal.year_source(2027), YearSource::Official);
        assert!(ProductionCalendar::new().with_year(e).is_err());
        assert!(
            !CalendarError::MissingDecree { year: 1 }
                .to_string()
                .is_empty()
        );
    }

    #[test]
    fn predicted_year_follows_labour_code() {
        let cal = ProductionCalendar::new();
        assert_eq!(cal.year_source(2040), YearSource::Predicted);
        assert!(all_days(2040).all(|x| cal.day(x).predicted));
        let kind = |m, day| cal.day(d(2040, m, day)).kind;
        // 1 Jan 2040 is a Sunday; January weekend holidays are not transferred.
        assert_eq!(d(2040, 1, 1).weekday(), Weekday::Sun);
        assert_eq!(kind(1, 1), DayKind::Holiday);
        assert_eq!(kind(1, 8), DayKind::Holiday);
        assert_eq!(kind(1, 9), DayKind::Working);
        assert_eq!(kind(2, 23), DayKind::Holiday); // Thursday
        assert_eq!(kind(3, 8), DayKind::Holiday); // Thursday
        // 4 Nov 2040 is a Sunday: moved to Monday 5 Nov.
        assert_eq!(d(2040, 11, 4).weekday(), Weekday::Sun);
        assert_eq!(kind(11, 4), DayKind::Holiday);
        assert_eq!(kind(11, 5), DayKind::Holiday);
        assert_eq!(kind(11, 6), DayKind::Working);
        // 31 Dec is off only by decree, never by prediction.
        assert_eq!(kind(12, 31), DayKind::Working);
        // 261 weekdays − 10 weekday holidays − 1 transfer.
        assert_eq!(cal.working_days_in_year(2040), 250);

        // 1 May 2033 is a Sunday → moved to Monday 2 May.
        assert_eq!(d(2033, 5, 1).weekday(), Weekday::Sun);
        assert_eq!(cal.day(d(2033, 5, 2)).kind, DayKind::Holiday);
        // 8 Mar 2031 is a Saturday → moved to Monday 10 Mar.
        assert_eq!(d(2031, 3, 8).weekday(), Weekday::Sat);
        assert_eq!(cal.day(d(2031, 3, 10)).kind, DayKind::Holiday);
        assert_eq!(cal.day(d(2031, 3, 11)).kind, DayKind::Working);
        // Far outside holidays-ru's 1900–2100 range: still answers, still flagged.
        let far = cal.day(d(2500, 1, 1));
        assert_eq!(far.kind, DayKind::Holiday);
        assert!(far.predicted);
    }

    #[test]
    fn fifth_working_day_after_meeting() {
        let cal = ProductionCalendar::new();
        let fifth = |y, m, day| cal.fifth_working_day_after(d(y, m, day));
        let official = |date| Deadline {
            date,
            predicted: false,
        };
        assert_eq!(fifth(2026, 4, 29), official(d(2026, 5, 7)));
        assert_eq!(fifth(2026, 5, 6), official(d(2026, 5, 14)));
        assert_eq!(fifth(2025, 12, 26), official(d(2026, 1, 14)));
        // Needs 2027 data: holidays-ru ships it, so the result is not predicted.
        assert_eq!(fifth(2026, 12, 28), official(d(2027, 1, 13)));
        // Same with administrator-entered 2027 data.
        let with_decree = ProductionCalendar::new()
            .with_year(decree_2027())
            .expect("valid decree");
        assert_eq!(
            with_decree.fifth_working_day_after(d(2026, 12, 28)),
            official(d(2027, 1, 13))
        );
        // Crossing into 2028 (no data anywhere) flags the deadline as predicted:
        // 29, 30 Dec | 31 Dec off | 1–9 Jan off (3–7 Jan holidays on Mon–Fri) | 10, 11, 12 Jan.
        assert_eq!(
            fifth(2027, 12, 28),
            Deadline {
                date: d(2028, 1, 12),
                predicted: true
            }
        );
    }

    #[test]
    fn add_working_days_zero_and_between() {
        let cal = ProductionCalendar::new();
        assert_eq!(cal.add_working_days(d(2026, 1, 12), 0).date, d(2026, 1, 12));
        assert_eq!(
            cal.add_working_days(d(2025, 12, 31), 0).date,
            d(2026, 1, 12)
        );
        assert_eq!(cal.working_days_between(d(2026, 1, 12), d(2026, 1, 12)), 0);
        assert_eq!(cal.working_days_between(d(2025, 12, 30), d(2026, 1, 12)), 1);
        assert_eq!(
            cal.working_days_between(d(2026, 1, 12), d(2025, 12, 30)),
            -1
        );
        assert_eq!(
            cal.working_days_between(d(2025, 12, 31), d(2026, 12, 31)),
            247
        );
        // n = 0 on a predicted day consults it.
        assert!(cal.add_working_days(d(2040, 1, 1), 0).predicted);
    }

    #[test]
    fn presets_across_may_and_new_year_holidays() {
        use DeadlinePreset::*;
        let cal = ProductionCalendar::new();
        let p = |y, m, day, preset| cal.preset_deadline(d(y, m, day), preset);
        // 30.04.2026 Thu → 1 May off, 2–3 weekend.
        assert_eq!(p(2026, 4, 30, Immediately).date, d(2026, 5, 4));
        assert_eq!(p(2026, 4, 30, Urgent).date, d(2026, 5, 6));
        // 4,5,6,7,8 | 11 off | 12,13,14,15 | 18.
        assert_eq!(p(2026, 4, 30, Operative).date, d(2026, 5, 18));
        // 30.12.2025 → 31.12 and 1–11.01 off.
        assert_eq!(p(2025, 12, 30, Immediately).date, d(2026, 1, 12));
        assert_eq!(p(2025, 12, 30, Urgent).date, d(2026, 1, 14));
        // 30.12 | 12–16.01 | 19–22.01.
        assert_eq!(p(2025, 12, 29, Operative).date, d(2026, 1, 22));
        // 10.01.2026 Sat, 11 Sun → 12.
        assert_eq!(p(2025, 12, 15, Monthly).date, d(2026, 1, 12));
        assert_eq!(p(2025, 12, 1, Quarterly).date, d(2026, 1, 12));
        // 10.05.2026 Sun, 11 Mon off → 12.
        assert_eq!(p(2026, 4, 1, Quarterly).date, d(2026, 5, 12));
        assert_eq!(p(2026, 4, 30, Monthly).date, d(2026, 5, 12));
        // The 10th of the *next* month even when issued before this month's 10th.
        assert_eq!(p(2026, 6, 5, Monthly).date, d(2026, 7, 10));
        // 10.01.2027 Sun → 11 Mon (2027 data).
        assert_eq!(p(2026, 12, 20, Monthly).date, d(2027, 1, 11));
        // 31.01.2026 → 28.02 (clamped, Sat) → 02.03.
        assert_eq!(p(2026, 1, 31, Default).date, d(2026, 3, 2));
        assert_eq!(p(2025, 12, 31, Default).date, d(2026, 2, 2)); // 31.01 Sat
        assert_eq!(p(2026, 4, 8, Default).date, d(2026, 5, 8)); // Fri, working
        assert_eq!(p(2026, 4, 11, Default).date, d(2026, 5, 12)); // 11.05 off
        assert_eq!(p(2025, 12, 9, Default).date, d(2026, 1, 12)); // 09.01 off
        assert!(!p(2026, 4, 30, Operative).predicted);
        assert!(p(2027, 12, 20, Monthly).predicted);
    }

    #[test]
    fn calendar_days_deadline_rules() {
        use NonWorkingRule::*;
        let cal = ProductionCalendar::new();
        let deadline = |y, m, day, days, rule| cal.calendar_days_deadline(d(y, m, day), days, rule);
        // Lands on Sat 31.01.2026.
        assert_eq!(deadline(2026, 1, 1, 30, Unchanged).date, d(2026, 1, 31));
        assert_eq!(
            deadline(2026, 1, 1, 30, PreviousWorkingDay).date,
            d(2026, 1, 30)
        );
        assert_eq!(deadline(2026, 1, 1, 30, NextWorkingDay).date, d(2026, 2, 2));
        // Lands on Mon 11.05.2026, a transferred day off.
        assert_eq!(deadline(2026, 4, 11, 30, Unchanged).date, d(2026, 5, 11));
        assert_eq!(
            deadline(2026, 4, 11, 30, PreviousWorkingDay).date,
            d(2026, 5, 8)
        );
        assert_eq!(
            deadline(2026, 4, 11, 30, NextWorkingDay).date,
            d(2026, 5, 12)
        );
        // Lands on the holiday 01.01.2026.
        assert_eq!(deadline(2025, 12, 2, 30, Unchanged).date, d(2026, 1, 1));
        assert_eq!(
            deadline(2025, 12, 2, 30, PreviousWorkingDay).date,
            d(2025, 12, 30)
        );
        assert_eq!(
            deadline(2025, 12, 2, 30, NextWorkingDay).date,
            d(2026, 1, 12)
        );
        // Lands on a working day: all rules agree.
        for rule in [Unchanged, PreviousWorkingDay, NextWorkingDay] {
            assert_eq!(deadline(2026, 3, 16, 30, rule).date, d(2026, 4, 15));
            assert!(!deadline(2026, 3, 16, 30, rule).predicted);
            // Into 2028: predicted.
            assert!(deadline(2027, 12, 1, 60, rule).predicted);
        }
    }

    #[test]
    fn add_working_days_round_trips_2025_2026() {
        let cal = ProductionCalendar::new();
        for start in d(2025, 1, 1).iter_days().take_while(|x| x.year() <= 2026) {
            for n in 1..=15 {
                let result = cal.add_working_days(start, n);
                assert!(cal.is_working_day(result.date), "{start} + {n}");
                assert!(!result.predicted, "{start} + {n}");
                assert_eq!(
                    cal.working_days_between(start, result.date),
                    i64::from(n),
                    "{start} + {n}"
                );
                assert_eq!(
                    cal.working_days_between(result.date, start),
                    -i64::from(n),
                    "{start} + {n}"
                );
            }
        }
    }
}

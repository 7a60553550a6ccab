//! A date as people type it: «15.01.2027», «15.1.27», «15.01» (the nearest such day), or ISO
//! «2027-01-15»; each kind of mistake has its own message, and a deadline that falls on a
//! non-working day is moved to the working day before it only when the person agrees.

use chrono::{Datelike, Days, NaiveDate};

use crate::calendar::ProductionCalendar;

/// The years a date may fall in (as the server checks them).
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Why a typed date is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateMistake {
    /// Not the shape of a date at all.
    #[error("a date as DD.MM.YYYY (also 15.1.27 or 15.01)")]
    Shape,
    /// A month number over 12 (or 0).
    #[error("there is no month {0}")]
    Month(u32),
    /// A day the month does not have.
    #[error("this month has {0} days")]
    Day(u32),
    /// A year outside 2000–2100.
    #[error("a year from 2000 to 2100")]
    Year,
}

impl DateMistake {
    /// The message in Russian.
    pub fn ru(self) -> String {
        match self {
            DateMistake::Shape => "дата в виде ДД.ММ.ГГГГ (можно 15.1.27 или 15.01)".into(),
            DateMistake::Month(m) => format!("нет месяца {m}: месяцы от 1 до 12"),
            DateMistake::Day(n) => format!("такого числа нет: в этом месяце {n} дн."),
            DateMistake::Year => "год от 2000 до 2100".into(),
        }
    }

    /// The message in English.
    pub fn en(self) -> String {
        self.to_string()
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => u32::try_from((b - a).num_days()).unwrap_or(31),
        _ => 31,
    }
}

fn number(part: &str) -> Option<u32> {
    (!part.is_empty() && part.len() <= 4 && part.bytes().all(|b| b.is_ascii_digit()))
        .then(|| part.parse().ok())
        .flatten()
}

fn build(year: i32, month: u32, day: u32) -> Result<NaiveDate, DateMistake> {
    if !YEARS.contains(&year) {
        return Err(DateMistake::Year);
    }
    if !(1..=12).contains(&month) {
        return Err(DateMistake::Month(month));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateMistake::Day(days_in_month(year, month)))
}

/// The day `day`.`month` nearest to `today` (within half a year either way).
fn nearest(day: u32, month: u32, today: NaiveDate) -> Result<NaiveDate, DateMistake> {
    let y = today.year();
    if !(1..=12).contains(&month) {
        return Err(DateMistake::Month(month));
    }
    // 29.02 in a year without it: the nearest leap year's is not meant; say the day is missing.
    let candidates: Vec<NaiveDate> = [y - 1, y, y + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .collect();
    candidates
        .into_iter()
        .min_by_key(|d| (*d - today).num_days().abs())
        .ok_or(DateMistake::Day(days_in_month(y, month)))
}

/// Reads a typed date; `today` gives the year when none is typed, and the century of a
/// two-digit year is 2000.
pub fn read(text: &str, today: NaiveDate) -> Result<NaiveDate, DateMistake> {
    let t = text.trim();
    if let Some((y, rest)) = t.split_once('-')
        && y.len() == 4
    {
        let mut parts = rest.splitn(2, '-');
        let (Some(m), Some(d)) = (parts.next(), parts.next()) else {
            return Err(DateMistake::Shape);
        };
        let (Some(y), Some(m), Some(d)) = (number(y), number(m), number(d)) else {
            return Err(DateMistake::Shape);
        };
        return build(i32::try_from(y).unwrap_or(0), m, d);
    }
    let parts: Vec<&str> = t.split(['.', '/', ',']).map(str::trim).collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| number(p)).collect();
    let Some(nums) = nums else {
        return Err(DateMistake::Shape);
    };
    match (parts.as_slice(), nums.as_slice()) {
        (_, [d, m]) if parts.iter().all(|p| p.len() <= 2) => nearest(*d, *m, today),
        ([pd, pm, py], [d, m, y]) if pd.len() <= 2 && pm.len() <= 2 => {
            let year = match py.len() {
                2 => 2000 + i32::try_from(*y).unwrap_or(0),
                4 => i32::try_from(*y).unwrap_or(0),
                _ => return Err(DateMistake::Shape),
            };
            build(year, *m, *d)
        }
        _ => Err(DateMistake::Shape),
    }
}

/// The working day a deadline on `date` should rather be, when `date` is not a working day:
/// the nearest working day before it (never before `today`, then the next one after).
pub fn working_deadline(
    date: NaiveDate,
    today: NaiveDate,
    cal: &ProductionCalendar,
) -> Option<NaiveDate> {
    if cal.is_working_day(date) {
        return None;
    }
    let mut d = date;
    for _ in 0..30 {
        d = d.checked_sub_days(Days::new(1))?;
        if d < today {
            break;
        }
        if cal.is_working_day(d) {
            return Some(d);
        }
    }
    let mut d = date;
    for _ in 0..30 {
        d = d.checked_add_days(Days::new(1))?;
        if cal.is_working_day(d) {
            return Some(d);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_short_forms_people_type_read_as_the_day_they_mean() {
        let today = day(2026, 12, 7);
        for (text, want) in [
            ("15.01.2027", day(2027, 1, 15)),
            ("15.1.27", day(2027, 1, 15)),
            (" 5.3.2027 ", day(2027, 3, 5)),
            ("15/01/2027", day(2027, 1, 15)),
            ("2027-01-15", day(2027, 1, 15)),
            // No year: the nearest such day, so in December «15.01» is next January…
            ("15.01", day(2027, 1, 15)),
            // …and «01.12» the one just gone.
            ("01.12", day(2026, 12, 1)),
        ] {
            assert_eq!(read(text, today), Ok(want), "{text}");
        }
    }

    #[test]
    fn each_kind_of_mistake_has_its_own_message() {
        let today = day(2026, 12, 7);
        assert_eq!(read("31.02.2027", today), Err(DateMistake::Day(28)));
        assert_eq!(read("31.4.27", today), Err(DateMistake::Day(30)));
        assert_eq!(read("29.02.2028", today), Ok(day(2028, 2, 29)));
        assert_eq!(read("15.13.2027", today), Err(DateMistake::Month(13)));
        assert_eq!(read("15.01.1999", today), Err(DateMistake::Year));
        assert_eq!(read("15.01.227", today), Err(DateMistake::Shape));
        for bad in ["", "завтра", "15", "15..2027", "1.2.3.4"] {
            assert_eq!(read(bad, today), Err(DateMistake::Shape), "{bad:?}");
        }
        assert!(DateMistake::Day(28).ru().contains("28"));
        assert!(DateMistake::Shape.ru().contains("15.1.27"));
    }

    #[test]
    fn a_deadline_on_a_day_off_is_offered_the_working_day_before() {
        let cal = ProductionCalendar::new();
        let today = day(2027, 2, 1);
        // Saturday 27.02.2027 → Friday 26.02.
        assert_eq!(
            working_deadline(day(2027, 2, 27), today, &cal),
            Some(day(2027, 2, 26))
        );
        assert_eq!(working_deadline(day(2027, 2, 26), today, &cal), None);
        // A day off tomorrow with nothing working between: the next working day.
        let sat = day(2027, 2, 27);
        assert_eq!(
            working_deadline(day(2027, 2, 28), sat, &cal),
            Some(day(2027, 3, 1))
        );
    }
}

//! The city's clock: Novoshakhtinsk keeps Moscow time, UTC+3 all year (no DST since 2014).

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone, Utc};

/// The city's offset from UTC.
pub fn offset() -> FixedOffset {
    // 3 hours is always a valid offset; the UTC fallback is never taken.
    FixedOffset::east_opt(3 * 3600).unwrap_or(chrono::Utc.fix())
}

/// The city's date at a UTC instant given in milliseconds.
pub fn date_at(ms: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&offset())
        .date_naive()
}

/// The UTC instant (ms) of the city's midnight starting `date`.
pub fn midnight_ms(date: NaiveDate) -> i64 {
    offset()
        .from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .single()
        .map_or(0, |t| t.timestamp_millis())
}

/// The UTC instant (ms) of a city time written `YYYY-MM-DDTHH:MM` (a training clock's start,
/// `--clock 2026-03-02T09:00`); `None` if it is not one.
pub fn parse_minute(text: &str) -> Option<i64> {
    chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| offset().from_local_datetime(&t).single())
        .map(|t| t.timestamp_millis())
}

/// "dd.mm.yyyy", as dates are written in Russian documents.
pub fn ru_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_training_start_is_read_as_moscow_time() {
        // 02.03.2026 09:00 Moscow is 06:00 UTC.
        assert_eq!(parse_minute("2026-03-02T09:00"), Some(1_772_431_200_000));
        for bad in [
            "2026-03-02",
            "02.03.2026 09:00",
            "2026-02-30T09:00",
            "2026-03-02T25:00",
        ] {
            assert_eq!(parse_minute(bad), None, "{bad}");
        }
    }

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_the_city() {
        // 2026-04-29 22:30 UTC is 2026-04-30 01:30 in Novoshakhtinsk.
        let ms = 1_777_501_800_000;
        assert_eq!(
            date_at(ms),
            NaiveDate::from_ymd_opt(2026, 4, 30).unwrap_or_default()
        );
        let d = NaiveDate::from_ymd_opt(2026, 4, 30).unwrap_or_default();
        assert_eq!(date_at(midnight_ms(d)), d);
        assert_eq!(
            date_at(midnight_ms(d) - 1),
            d.pred_opt().unwrap_or_default()
        );
        assert_eq!(ru_date(d), "30.04.2026");
    }
}

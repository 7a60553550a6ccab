//! Text measured in terminal cells: truncation with an ellipsis, word wrapping, and the date and
//! time formats people see.

use chrono::{DateTime, Utc};
use infogroups_shared::{city_time, pb, validate};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The width of `s` in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// A count as a terminal dimension, saturating (a terminal is never 65,536 cells wide).
pub fn cells(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// `s` cut to at most `max` cells, with «…» when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    // "на …" looks like a gap; "на…" reads as a cut word.
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

/// `s` padded with spaces (or cut) to exactly `cells` cells.
pub fn pad(s: &str, cells: usize) -> String {
    let s = truncate(s, cells);
    let w = width(&s);
    format!("{s}{}", " ".repeat(cells.saturating_sub(w)))
}

/// `s` broken into lines of at most `max` cells: at spaces where possible, inside a word when it
/// is longer than a line; line breaks in `s` are kept.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split(' ') {
            let w = width(word);
            let gap = usize::from(!line.is_empty());
            if used + gap + w <= max {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                used += gap + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            // A word longer than a line is split by cells.
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > max && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
        }
        lines.push(line);
    }
    lines
}

/// An API date as "dd.mm.yyyy" ("—" when missing or invalid).
pub fn date(d: Option<&pb::Date>) -> String {
    d.and_then(validate::to_naive)
        .map_or_else(|| "—".to_string(), city_time::ru_date)
}

fn city(ms: i64) -> DateTime<chrono::FixedOffset> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&city_time::offset())
}

/// A UTC instant as "dd.mm.yyyy HH:MM" in the city's time.
pub fn date_time(ms: i64) -> String {
    city(ms).format("%d.%m.%Y %H:%M").to_string()
}

/// A UTC instant as "HH:MM:SS" in the city's time.
pub fn clock(ms: i64) -> String {
    city(ms).format("%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_cells_and_marks_the_cut() {
        assert_eq!(truncate("Поручение", 20), "Поручение");
        assert_eq!(truncate("Поручение", 5), "Пору…");
        assert_eq!(truncate("Поручение", 1), "…");
        assert_eq!(truncate("Поручение", 0), "");
        assert_eq!(pad("ab", 4), "ab  ");
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("один два три", 8), ["один два", "три"]);
        assert_eq!(wrap("абвгдежз", 3), ["абв", "где", "жз"]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(wrap("", 10), [""]);
        assert!(wrap("что угодно", 0).iter().all(|l| width(l) <= 1));
    }

    #[test]
    fn times_are_shown_in_the_citys_zone() {
        // 2026-04-29 22:30 UTC is 2026-04-30 01:30 in Novoshakhtinsk.
        assert_eq!(date_time(1_777_501_800_000), "30.04.2026 01:30");
        assert_eq!(clock(1_777_501_800_000), "01:30:00");
    }
}

//! iCalendar (RFC 5545) files for a meeting or a group's schedule, to hand out (3.6.3).

use infogroups_shared::pb;
use infogroups_shared::validate::to_naive;

/// One event of the calendar.
pub struct IcsEvent {
    /// Unique id.
    pub uid: String,
    /// The meeting's date and "HH:MM".
    pub date: chrono::NaiveDate,
    /// Start time.
    pub time: String,
    /// Title.
    pub summary: String,
    /// Place.
    pub location: String,
    /// Cancelled meetings stay in the file as cancelled.
    pub cancelled: bool,
}

/// Escapes text per RFC 5545 §3.3.11.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for ch in line.chars() {
        let w = ch.len_utf8();
        if len + w > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(ch);
        len += w;
    }
    out.push_str("\r\n");
    out
}

/// Builds the file. Times are local to the city (Europe/Moscow), one hour and a half long.
pub fn calendar(events: &[IcsEvent], stamp_utc: &str) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Novoshakhtinsk administration//Infogroups//RU",
        "CALSCALE:GREGORIAN",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Moscow",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0300",
        "TZOFFSETTO:+0300",
        "TZNAME:MSK",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        out.push_str(&fold(l));
    }
    for e in events {
        let (h, m) = e
            .time
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
            .unwrap_or((17, 0));
        let start = e.date.and_hms_opt(h, m, 0).unwrap_or_default();
        let end = start + chrono::Duration::minutes(90);
        out.push_str(&fold("BEGIN:VEVENT"));
        out.push_str(&fold(&format!("UID:{}", e.uid)));
        out.push_str(&fold(&format!("DTSTAMP:{stamp_utc}")));
        out.push_str(&fold(&format!(
            "DTSTART;TZID=Europe/Moscow:{}",
            start.format("%Y%m%dT%H%M%S")
        )));
        out.push_str(&fold(&format!(
            "DTEND;TZID=Europe/Moscow:{}",
            end.format("%Y%m%dT%H%M%S")
        )));
        out.push_str(&fold(&format!("SUMMARY:{}", escape(&e.summary))));
        out.push_str(&fold(&format!("LOCATION:{}", escape(&e.location))));
        if e.cancelled {
            out.push_str(&fold("STATUS:CANCELLED"));
        }
        out.push_str(&fold("END:VEVENT"));
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

/// The event for one meeting.
pub fn event_for(m: &pb::Meeting, summary: String, location: String) -> Option<IcsEvent> {
    Some(IcsEvent {
        uid: format!(
            "meeting-{}@infogroups.novoshakhtinsk",
            m.meta.map_or(0, |x| x.id)
        ),
        date: to_naive(m.date.as_ref()?)?,
        time: m.time.clone(),
        summary,
        location,
        cancelled: m.status == pb::MeetingStatus::Cancelled as i32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calendar_is_well_formed_and_folded() {
        let e = IcsEvent {
            uid: "meeting-1@x".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 4, 29).unwrap_or_default(),
            time: "17:30".into(),
            summary: "Выездная встреча информационной группы № 3 с жителями посёлка Соколово-Кундрюченский, ул. Шахтёрская".into(),
            location: "МБОУ СОШ № 3; ул. Ленина, 1".into(),
            cancelled: false,
        };
        let text = calendar(&[e], "20260401T120000Z");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART;TZID=Europe/Moscow:20260429T173000\r\n"));
        assert!(text.contains("DTEND;TZID=Europe/Moscow:20260429T190000\r\n"));
        assert!(text.contains("LOCATION:МБОУ СОШ № 3\\; ул. Ленина\\, 1"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "line too long: {line}");
        }
    }
}

//! iCalendar (RFC 5545) files for a meeting or a group's schedule (3.6.3), written by the
//! `icalendar` crate so calendar programs update the event they already hold: the UID stays the
//! meeting's for its whole life, SEQUENCE rises with every move and with the cancellation,
//! a cancelled meeting stays as STATUS:CANCELLED, the end is the protocol's once recorded.

use chrono::{DateTime, NaiveDateTime, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus, Property};
use infogroups_shared::pb;
use infogroups_shared::validate::to_naive;

/// How long a meeting is assumed to last until its protocol records the end.
const ASSUMED_MINUTES: i64 = 90;

/// The city's zone, Moscow time without daylight saving since 2014. icalendar 0.17 writes no
/// VTIMEZONE of its own, so this block is put in after the calendar's header.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Moscow\r\nBEGIN:STANDARD\r\n\
DTSTART:19700101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nTZNAME:MSK\r\n\
END:STANDARD\r\nEND:VTIMEZONE\r\n";

/// One event of the calendar.
#[derive(Debug, Clone)]
pub struct IcsEvent {
    /// Stable for the meeting's life.
    pub uid: String,
    /// Raised on every move and on the cancellation.
    pub sequence: u32,
    /// Start, Moscow time.
    pub start: NaiveDateTime,
    /// End, Moscow time.
    pub end: NaiveDateTime,
    /// Title.
    pub summary: String,
    /// Place.
    pub location: String,
    /// The agenda.
    pub description: String,
    /// The organiser: name and a calendar address.
    pub organizer: Option<(String, String)>,
    /// Cancelled meetings stay in the file as cancelled.
    pub cancelled: bool,
}

fn time_of(hhmm: &str) -> Option<(u32, u32)> {
    let (h, m) = hhmm.trim().split_once(':')?;
    Some((h.parse().ok()?, m.parse().ok()?))
}

/// Builds the file; `stamp` is the DTSTAMP, the moment the file is made.
pub fn calendar(events: &[IcsEvent], stamp: DateTime<Utc>) -> String {
    let mut cal = Calendar::new();
    cal.name("Выездные встречи информационных групп")
        .append_property(Property::new(
            "PRODID",
            "-//Novoshakhtinsk administration//Infogroups//RU",
        ))
        .append_property(Property::new("CALSCALE", "GREGORIAN"));
    for e in events {
        let mut ev = Event::new();
        ev.uid(&e.uid)
            .timestamp(stamp)
            .sequence(e.sequence)
            .summary(&e.summary)
            .location(&e.location)
            .starts(CalendarDateTime::WithTimezone {
                date_time: e.start,
                tzid: "Europe/Moscow".into(),
            })
            .ends(CalendarDateTime::WithTimezone {
                date_time: e.end,
                tzid: "Europe/Moscow".into(),
            })
            .status(if e.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if !e.description.is_empty() {
            ev.description(&e.description);
        }
        if let Some((name, address)) = &e.organizer {
            let mut p = Property::new("ORGANIZER", address);
            p.add_parameter("CN", name);
            ev.append_property(p);
        }
        cal.push(ev.done());
    }
    let text = cal.done().to_string();
    match text.find("BEGIN:VEVENT") {
        Some(at) => format!("{}{VTIMEZONE}{}", &text[..at], &text[at..]),
        None => text.replace("END:VCALENDAR", &format!("{VTIMEZONE}END:VCALENDAR")),
    }
}

/// What an event needs beyond the meeting itself.
pub struct EventNames {
    /// Title.
    pub summary: String,
    /// Place.
    pub location: String,
    /// The agenda.
    pub agenda: String,
    /// The secretary: name and calendar address.
    pub organizer: Option<(String, String)>,
}

/// The event for one meeting.
pub fn event_for(m: &pb::Meeting, n: EventNames) -> Option<IcsEvent> {
    let date = to_naive(m.date.as_ref()?)?;
    let (h, min) = time_of(&m.time).unwrap_or((17, 0));
    let start = date.and_hms_opt(h, min, 0)?;
    let recorded_end = m
        .protocol
        .as_ref()
        .and_then(|p| time_of(&p.end_time))
        .and_then(|(h, m)| date.and_hms_opt(h, m, 0))
        .filter(|end| *end > start);
    let cancelled = m.status == pb::MeetingStatus::Cancelled as i32;
    Some(IcsEvent {
        uid: format!(
            "meeting-{}@infogroups.novoshakhtinsk",
            m.meta.map_or(0, |x| x.id)
        ),
        sequence: m.moves + u32::from(cancelled),
        start,
        end: recorded_end.unwrap_or(start + chrono::Duration::minutes(ASSUMED_MINUTES)),
        summary: n.summary,
        location: n.location,
        description: n.agenda,
        organizer: n.organizer,
        cancelled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> EventNames {
        EventNames {
            summary: "Выездная встреча информационной группы № 3 с жителями посёлка \
                      Соколово-Кундрюченский, ул. Шахтёрская"
                .into(),
            location: "МБОУ СОШ № 3; ул. Ленина, 1".into(),
            agenda: "Перебои в теплоснабжении\nРемонт дорог".into(),
            organizer: Some((
                "А.В. Петрова".into(),
                "mailto:sek1@infogroups.novoshakhtinsk".into(),
            )),
        }
    }

    fn meeting() -> pb::Meeting {
        pb::Meeting {
            meta: Some(pb::Meta {
                id: 7,
                ..Default::default()
            }),
            date: Some(pb::Date {
                year: 2026,
                month: 4,
                day: 29,
            }),
            time: "17:30".into(),
            status: pb::MeetingStatus::Announced as i32,
            ..Default::default()
        }
    }

    fn stamp() -> DateTime<Utc> {
        DateTime::from_timestamp(1_775_000_000, 0).unwrap_or_default()
    }

    fn file(m: &pb::Meeting) -> String {
        calendar(
            &event_for(m, names()).into_iter().collect::<Vec<_>>(),
            stamp(),
        )
    }

    #[test]
    fn a_calendar_is_well_formed_folded_and_has_its_zone() {
        let text = file(&meeting());
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Moscow\r\n"));
        assert!(text.find("BEGIN:VTIMEZONE") < text.find("BEGIN:VEVENT"));
        assert!(text.contains("DTSTART;TZID=Europe/Moscow:20260429T173000\r\n"));
        assert!(text.contains("DTEND;TZID=Europe/Moscow:20260429T190000\r\n"));
        assert!(text.contains("UID:meeting-7@infogroups.novoshakhtinsk\r\n"));
        assert!(text.contains("SEQUENCE:0\r\n"));
        assert!(text.contains("ORGANIZER;CN="), "{text}");
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded.contains("LOCATION:МБОУ СОШ № 3\\; ул. Ленина\\, 1"),
            "{unfolded}"
        );
        assert!(unfolded.contains("DESCRIPTION:Перебои в теплоснабжении\\nРемонт дорог"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "line too long: {line}");
            assert!(!line.contains('\n'), "bare LF in {line:?}");
        }
    }

    #[test]
    fn moves_raise_the_sequence_cancellation_too_and_the_uid_stays() {
        let mut m = meeting();
        m.moves = 2;
        let moved = file(&m);
        assert!(moved.contains("SEQUENCE:2\r\n"));
        m.status = pb::MeetingStatus::Cancelled as i32;
        let cancelled = file(&m);
        assert!(cancelled.contains("SEQUENCE:3\r\n"));
        assert!(cancelled.contains("STATUS:CANCELLED\r\n"));
        assert!(cancelled.contains("UID:meeting-7@infogroups.novoshakhtinsk\r\n"));
    }

    #[test]
    fn the_end_is_the_protocols_once_recorded() {
        let mut m = meeting();
        m.protocol = Some(pb::Protocol {
            end_time: "19:45".into(),
            ..Default::default()
        });
        assert!(file(&m).contains("DTEND;TZID=Europe/Moscow:20260429T194500\r\n"));
    }
}

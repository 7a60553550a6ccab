//! Registers of what a list shows on screen — assignments under control, overdue assignments,
//! appeals, meetings — with the filters applied written into the title. A register is a table,
//! so it prints as a document and opens in Excel alike. Appeals appear by number and question
//! only: a register never names a citizen.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;

use super::reports::ReportHead;
use super::sources::{Sources, date, file_stem};
use crate::reports::TableBuilder;

/// Which records a register holds.
pub enum Records<'a> {
    /// Assignments (under control or overdue).
    Assignments(&'a [pb::Assignment]),
    /// Appeals.
    Appeals(&'a [pb::Appeal]),
    /// Meetings.
    Meetings(&'a [pb::Meeting]),
}

/// The register's title, heading and file name: the list, the filters, the date.
pub fn head(kind: pb::RegisterKind, filter: &str, today: &str) -> (String, ReportHead) {
    let (what, stem) = match kind {
        pb::RegisterKind::Overdue => ("просроченных поручений", "register-overdue"),
        pb::RegisterKind::Appeals => ("обращений граждан", "register-appeals"),
        pb::RegisterKind::Meetings => ("выездных встреч", "register-meetings"),
        pb::RegisterKind::Assignments | pb::RegisterKind::Unspecified => {
            ("поручений на контроле", "register-assignments")
        }
    };
    let filter = filter.trim();
    let by = if filter.is_empty() {
        String::new()
    } else {
        format!(" (отбор: {filter})")
    };
    let title = format!("Реестр {what} на {today}{by}");
    (
        title,
        ReportHead {
            kind: "РЕЕСТР",
            heading: format!("{what} на {today}{by}"),
            file_stem: file_stem(&[stem, today]),
        },
    )
}

/// The register as a table.
pub fn table(title: &str, records: &Records<'_>, s: &Sources) -> pb::Table {
    let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match records {
        Records::Assignments(list) => {
            let mut t = TableBuilder::new(
                title,
                cols(&[
                    "№",
                    "Номер",
                    "Поручение",
                    "Исполнитель",
                    "Срок",
                    "Состояние",
                ]),
            );
            for (i, a) in list.iter().enumerate() {
                t.text(vec![
                    (i + 1).to_string(),
                    a.number.clone(),
                    a.text.clone(),
                    names::signature_name(&s.user_name(a.executor_id)),
                    date(a.deadline.as_ref().and_then(|d| d.date.as_ref())),
                    names::assignment_status(
                        Lang::Ru,
                        pb::AssignmentStatus::try_from(a.status).unwrap_or_default(),
                    )
                    .to_string(),
                ]);
            }
            t.build()
        }
        Records::Appeals(list) => {
            let mut t = TableBuilder::new(
                title,
                cols(&[
                    "№",
                    "Рег. номер",
                    "Дата рег.",
                    "Вид",
                    "Вопросы",
                    "Срок ответа",
                    "Состояние",
                ]),
            );
            for (i, a) in list.iter().enumerate() {
                let questions: Vec<String> = a
                    .questions
                    .iter()
                    .map(|q| s.code(&q.classifier_code))
                    .collect();
                t.text(vec![
                    (i + 1).to_string(),
                    a.number.clone(),
                    date(a.registered.as_ref()),
                    names::appeal_kind(
                        Lang::Ru,
                        pb::AppealKind::try_from(a.kind).unwrap_or_default(),
                    )
                    .to_string(),
                    questions.join("\n"),
                    date(a.due.as_ref().and_then(|d| d.date.as_ref())),
                    names::appeal_status(
                        Lang::Ru,
                        pb::AppealStatus::try_from(a.status).unwrap_or_default(),
                    )
                    .to_string(),
                ]);
            }
            t.build()
        }
        Records::Meetings(list) => {
            let mut t = TableBuilder::new(
                title,
                cols(&[
                    "№",
                    "Дата",
                    "Время",
                    "Группа",
                    "Территория",
                    "Место",
                    "Состояние",
                ]),
            );
            for (i, m) in list.iter().enumerate() {
                let group = s
                    .groups
                    .get(&m.group_id)
                    .map(|g| format!("№ {}", g.number))
                    .unwrap_or_default();
                t.text(vec![
                    (i + 1).to_string(),
                    date(m.date.as_ref()),
                    m.time.clone(),
                    group,
                    s.territory(m.territory_id),
                    s.venue(m.venue_id),
                    names::meeting_status(
                        Lang::Ru,
                        pb::MeetingStatus::try_from(m.status).unwrap_or_default(),
                    )
                    .to_string(),
                ]);
            }
            t.build()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::protocol::tests::{meeting, sources};

    #[test]
    fn the_filters_are_in_the_title_and_enums_by_name() {
        let (title, head) = head(pb::RegisterKind::Meetings, "группа № 3", "03.12.2026");
        assert_eq!(
            title,
            "Реестр выездных встреч на 03.12.2026 (отбор: группа № 3)"
        );
        assert_eq!(head.file_stem, "register-meetings-03-12-2026");
        let mut m = meeting(true);
        m.status = pb::MeetingStatus::ProtocolSigned as i32;
        let t = table(&title, &Records::Meetings(&[m]), &sources());
        let mut doc =
            crate::documents::model::Document::new(head.kind, head.heading.clone(), "03.12.2026");
        doc.table(t.columns.clone(), crate::documents::reports::rows(&t));
        insta::assert_snapshot!(doc.plain_text());
        assert_eq!(
            t.rows[0].cells,
            [
                "1",
                "02.12.2026",
                "17:00",
                "№ 3",
                "Микрорайон Центральный",
                "МБОУ СОШ № 3, ул. Ленина, 1",
                "Протокол подписан"
            ]
        );
    }
}

//! The assignment control card (карточка контроля исполнения): basis, text, executor and
//! co-executors, the deadline and its history, the reports, the controller's marks and the
//! removal from control.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;

use super::model::{Block, Document, Row, Signer};
use super::sources::{Sources, date, date_at, file_stem};

fn status(s: i32) -> &'static str {
    names::assignment_status(
        Lang::Ru,
        pb::AssignmentStatus::try_from(s).unwrap_or_default(),
    )
}

fn basis(a: &pb::Assignment, meeting: Option<&pb::Meeting>, s: &Sources) -> String {
    let b = a.basis.unwrap_or_default();
    match pb::BasisKind::try_from(b.kind).unwrap_or_default() {
        pb::BasisKind::ProtocolDecision => match meeting {
            Some(m) => {
                let number = m
                    .protocol
                    .as_ref()
                    .map(|p| p.number.clone())
                    .filter(|n| !n.is_empty())
                    .map(|n| format!(" № {n}"))
                    .unwrap_or_default();
                format!(
                    "протокол{number} выездной встречи от {}, решение {}",
                    date(m.date.as_ref()),
                    b.decision_index + 1
                )
            }
            None => "решение выездной встречи".into(),
        },
        pb::BasisKind::Appeal => "обращение гражданина".into(),
        pb::BasisKind::ReceptionCard => "карточка личного приёма".into(),
        pb::BasisKind::Leader => format!(
            "поручение руководителя группы {}",
            names::signature_name(&s.user_name(a.issuer_id))
        ),
        pb::BasisKind::Unspecified => "—".into(),
    }
}

fn extension_state(s: i32) -> &'static str {
    match pb::ExtensionState::try_from(s).unwrap_or_default() {
        pb::ExtensionState::Pending => "на рассмотрении",
        pb::ExtensionState::Granted => "продлено",
        pb::ExtensionState::Refused => "отказано",
        pb::ExtensionState::Unspecified => "—",
    }
}

fn who(id: u64, s: &Sources) -> String {
    if id == 0 {
        "—".into()
    } else {
        names::signature_name(&s.user_name(id))
    }
}

/// The control card of `a`; `meeting` is the meeting of its basis, when it has one.
pub fn control_card(a: &pb::Assignment, meeting: Option<&pb::Meeting>, s: &Sources) -> Document {
    let mut d = Document::new(
        "КАРТОЧКА",
        format!("контроля исполнения поручения № {}", a.number),
        date(a.issued.as_ref()),
    );
    d.number = a.number.clone();
    d.file_stem = file_stem(&["control-card", &a.number]);
    d.body
        .push(Block::labelled("Основание:", basis(a, meeting, s)));
    d.body.push(Block::labelled(
        "Вид:",
        match pb::AssignmentKind::try_from(a.kind).unwrap_or_default() {
            pb::AssignmentKind::InfoRequest => "запрос информации",
            _ => "поручение",
        },
    ));
    d.body
        .push(Block::labelled("Содержание поручения:", a.text.clone()));
    d.body.push(Block::labelled(
        "Выдал:",
        format!("{}, {}", s.user_name(a.issuer_id), date(a.issued.as_ref())),
    ));
    let executor = {
        let pos = s.user_position(a.executor_id);
        let dep = if a.department_id == 0 {
            String::new()
        } else {
            s.department(a.department_id)
        };
        // A position often names its department already («начальник отдела благоустройства»).
        let dep = if pos.to_lowercase().contains(&dep.to_lowercase()) {
            String::new()
        } else {
            dep
        };
        [s.user_name(a.executor_id), pos, dep]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    d.body
        .push(Block::labelled("Ответственный исполнитель:", executor));
    if !a.co_executors.is_empty() {
        d.body.push(Block::section("Соисполнители:"));
        d.table(
            vec![
                "№".into(),
                "Соисполнитель".into(),
                "Срок".into(),
                "Отчёт".into(),
            ],
            a.co_executors
                .iter()
                .enumerate()
                .map(|(i, c)| Row {
                    cells: vec![
                        (i + 1).to_string(),
                        s.user_name(c.user_id),
                        date(c.deadline.as_ref()),
                        if c.report.is_empty() {
                            "—".into()
                        } else {
                            format!("{} ({})", c.report, date_at(c.reported_at_ms))
                        },
                    ],
                    bold: false,
                    indent: false,
                })
                .collect(),
        );
    }
    d.body
        .push(Block::labelled("Контролёр:", s.user_name(a.controller_id)));
    let first = a
        .extensions
        .iter()
        .find(|e| e.state == pb::ExtensionState::Granted as i32)
        .and_then(|e| e.previous_deadline.as_ref())
        .or(a.deadline.as_ref().and_then(|x| x.date.as_ref()));
    d.body
        .push(Block::labelled("Первоначальный срок:", date(first)));
    d.body.push(Block::labelled(
        "Текущий срок:",
        date(a.deadline.as_ref().and_then(|x| x.date.as_ref())),
    ));
    if !a.extensions.is_empty() {
        d.body.push(Block::section("Продление срока:"));
        d.table(
            vec![
                "№".into(),
                "Запрошено".into(),
                "Прежний срок".into(),
                "Новый срок".into(),
                "Причина".into(),
                "Решение".into(),
            ],
            a.extensions
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let decision = if e.decided_at_ms == 0 {
                        extension_state(e.state).to_string()
                    } else {
                        format!(
                            "{} {}, {}",
                            extension_state(e.state),
                            date_at(e.decided_at_ms),
                            who(e.decided_by, s)
                        )
                    };
                    Row {
                        cells: vec![
                            (i + 1).to_string(),
                            format!("{}, {}", date_at(e.requested_at_ms), who(e.requested_by, s)),
                            date(e.previous_deadline.as_ref()),
                            date(e.requested_date.as_ref()),
                            e.reason.clone(),
                            decision,
                        ],
                        bold: false,
                        indent: false,
                    }
                })
                .collect(),
        );
    }
    if !a.reports.is_empty() {
        d.body.push(Block::section("Отчёты об исполнении:"));
        d.table(
            vec!["Дата".into(), "Кто".into(), "Отчёт".into()],
            a.reports
                .iter()
                .map(|r| Row {
                    cells: vec![date_at(r.at_ms), who(r.by_user_id, s), r.text.clone()],
                    bold: false,
                    indent: false,
                })
                .collect(),
        );
    }
    if !a.history.is_empty() {
        d.body.push(Block::section("Отметки о контроле:"));
        d.table(
            vec![
                "Дата".into(),
                "Состояние".into(),
                "Кто".into(),
                "Комментарий".into(),
            ],
            a.history
                .iter()
                .map(|h| Row {
                    cells: vec![
                        date_at(h.at_ms),
                        status(h.to).to_string(),
                        if h.by_system {
                            "автоматически".to_string()
                        } else {
                            who(h.by_user_id, s)
                        },
                        h.comment.clone(),
                    ],
                    bold: false,
                    indent: false,
                })
                .collect(),
        );
    }
    let state = pb::AssignmentStatus::try_from(a.status).unwrap_or_default();
    let closing = a.history.iter().rev().find(|h| h.to == a.status);
    let removal = match state {
        pb::AssignmentStatus::DoneOnTime
        | pb::AssignmentStatus::DoneLate
        | pb::AssignmentStatus::Removed => Some(format!(
            "{} — {}",
            status(a.status),
            closing.map_or_else(
                || date(a.completed.as_ref()),
                |h| format!("{}, {}", date_at(h.at_ms), who(h.by_user_id, s))
            )
        )),
        _ => None,
    };
    d.body.push(Block::labelled(
        "Снято с контроля:",
        removal.unwrap_or_else(|| format!("нет; состояние — {}", status(a.status))),
    ));
    let position = s.user_position(a.controller_id);
    d.signers.push(Signer::new(
        if position.is_empty() {
            "Контролёр".to_string()
        } else {
            position
        },
        &s.user_name(a.controller_id),
    ));
    d.executor = s.executor_mark(a.controller_id);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::protocol::tests::{meeting, sources};

    #[test]
    fn the_card_shows_the_deadline_history_and_the_removal() {
        let mut s = sources();
        let mut a = s.assignments.remove(&40).unwrap_or_default();
        a.text = "Провести проверку теплотрассы".into();
        a.issuer_id = 1;
        a.controller_id = 2;
        a.basis = Some(pb::Basis {
            kind: pb::BasisKind::ProtocolDecision as i32,
            ..Default::default()
        });
        a.issued = Some(pb::Date {
            year: 2026,
            month: 12,
            day: 3,
        });
        a.extensions.push(pb::Extension {
            requested_by: 4,
            reason: "Ждём подрядчика".into(),
            requested_date: Some(pb::Date {
                year: 2026,
                month: 12,
                day: 25,
            }),
            requested_at_ms: 1_797_000_000_000,
            state: pb::ExtensionState::Granted as i32,
            decided_by: 1,
            decided_at_ms: 1_797_100_000_000,
            previous_deadline: Some(pb::Date {
                year: 2026,
                month: 12,
                day: 15,
            }),
            comment: String::new(),
        });
        a.status = pb::AssignmentStatus::DoneOnTime as i32;
        a.history.push(pb::StatusChange {
            from: pb::AssignmentStatus::ReportSubmitted as i32,
            to: pb::AssignmentStatus::DoneOnTime as i32,
            by_user_id: 2,
            by_system: false,
            at_ms: 1_797_500_000_000,
            comment: "Принято".into(),
        });
        let text = control_card(&a, Some(&meeting(true)), &s).plain_text();
        assert!(text.contains("Первоначальный срок: 15.12.2026"), "{text}");
        assert!(
            text.contains("Снято с контроля: Исполнено в срок —"),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_department_the_position_already_names_is_not_repeated() {
        let mut s = sources();
        let name = "Отдел благоустройства";
        s.departments.insert(
            7,
            pb::Department {
                name: name.into(),
                ..Default::default()
            },
        );
        let mut a = s.assignments.remove(&40).unwrap_or_default();
        a.executor_id = 3;
        a.department_id = 7;
        if let Some(u) = s.users.get_mut(&3) {
            u.position = format!("начальник: {name}");
        }
        let text = control_card(&a, Some(&meeting(true)), &s).plain_text();
        assert!(
            text.contains(&format!("Смирнов О. П., начальник: {name}")),
            "{text}"
        );
        assert_eq!(text.matches(name).count(), 1, "{text}");
        // A position that does not name it keeps the department.
        if let Some(u) = s.users.get_mut(&3) {
            u.position = "начальник".into();
        }
        let text = control_card(&a, Some(&meeting(true)), &s).plain_text();
        assert!(
            text.contains(&format!("Смирнов О. П., начальник, {name}")),
            "{text}"
        );
    }
}

//! The protocol of a field meeting (regulation 3.6.5) in the usual form: requisites, who
//! attended, СЛУШАЛИ / ВЫСТУПИЛИ per question, РЕШИЛИ with executors and deadlines, the leader's
//! and the secretary's signatures, amendments, and the handover mark.

use infogroups_shared::{names, pb};

use super::model::{Block, Document, Row, Signer, Status};
use super::sources::{Sources, date, date_at, file_stem};

fn answer_mode(m: i32) -> &'static str {
    match pb::AnswerMode::try_from(m).unwrap_or_default() {
        pb::AnswerMode::OnTheSpot => "дан ответ на месте",
        pb::AnswerMode::Explained => "даны разъяснения",
        pb::AnswerMode::OnControl => "взято на контроль",
        pb::AnswerMode::Unspecified => "",
    }
}

/// The protocol; `number` is the office's number (the secretary's own, or the scheme's
/// «group-year/sequence» when none was entered).
pub fn protocol(m: &pb::Meeting, number: &str, s: &Sources) -> Document {
    let p = m.protocol.clone().unwrap_or_default();
    let g = s.groups.get(&m.group_id).cloned().unwrap_or_default();
    let territory = s.territory(m.territory_id);
    let mut d = Document::new(
        "ПРОТОКОЛ",
        format!(
            "выездной встречи информационной группы № {} с жителями территории «{territory}»",
            g.number
        ),
        date(m.date.as_ref()),
    );
    d.number = number.to_string();
    d.status = if p.signed_by == 0 {
        Status::Draft
    } else {
        Status::Signed(date_at(p.signed_at_ms))
    };
    d.file_stem = file_stem(&["protocol", number]);
    let time = match (p.start_time.as_str(), p.end_time.as_str()) {
        ("", _) => m.time.clone(),
        (from, "") => from.to_string(),
        (from, to) => format!("{from}–{to}"),
    };
    d.body.push(Block::labelled("Время проведения:", time));
    d.body
        .push(Block::labelled("Место проведения:", s.venue(m.venue_id)));
    d.body.push(Block::labelled(
        "Председатель:",
        format!(
            "{}, руководитель информационной группы",
            s.user_name(g.leader_id)
        ),
    ));
    d.body.push(Block::labelled(
        "Секретарь:",
        format!(
            "{}, секретарь информационной группы",
            s.user_name(g.secretary_id)
        ),
    ));
    let present: Vec<String> = p.members_present.iter().map(|u| s.user_name(*u)).collect();
    d.body.push(Block::labelled(
        "Присутствовали члены группы:",
        if present.is_empty() {
            "—".to_string()
        } else {
            present.join(", ")
        },
    ));
    let invited: Vec<String> = m
        .participants
        .iter()
        .filter(|x| p.participants_present.contains(&x.index))
        .map(|x| {
            let org = s
                .organisations
                .get(&x.organisation_id)
                .map(|o| o.name.clone())
                .unwrap_or_default();
            [x.name.as_str(), x.position.as_str(), org.as_str()]
                .iter()
                .filter(|t| !t.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    if !invited.is_empty() {
        d.body
            .push(Block::labelled("Приглашённые:", invited.join("; ")));
    }
    d.body.push(Block::labelled(
        "Жителей присутствовало:",
        p.residents_attending.to_string(),
    ));
    if !p.information_given.is_empty() {
        d.body.push(Block::labelled(
            "Информация, доведённая до жителей:",
            p.information_given.clone(),
        ));
    }
    d.body.push(Block::Gap);
    for (i, q) in p.questions.iter().enumerate() {
        d.body.push(Block::section(format!("{}. СЛУШАЛИ:", i + 1)));
        d.body.push(Block::text(q.substance.clone()));
        if !q.classifier_code.is_empty() {
            d.body.push(Block::labelled(
                "Вопрос по классификатору:",
                s.code(&q.classifier_code),
            ));
        }
        d.body.push(Block::section("ВЫСТУПИЛИ:"));
        let mode = answer_mode(q.answer_mode);
        let answer = match (q.answer.trim(), mode) {
            ("", m) => format!("{m}."),
            (a, "") => a.to_string(),
            (a, m) => format!("{a} ({m})."),
        };
        d.body.push(Block::text(answer));
    }
    d.body.push(Block::section("РЕШИЛИ:"));
    let mut rows = Vec::new();
    for (i, dec) in p.decisions.iter().enumerate() {
        let assigned: Vec<&pb::Assignment> = dec
            .assignment_ids
            .iter()
            .filter_map(|id| s.assignments.get(id))
            .collect();
        let executor = if assigned.is_empty() {
            "—".to_string()
        } else {
            assigned
                .iter()
                .map(|a| names::signature_name(&s.user_name(a.executor_id)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let deadline = assigned
            .iter()
            .map(|a| date(a.deadline.as_ref().and_then(|x| x.date.as_ref())))
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let text = if assigned.is_empty() {
            dec.text.clone()
        } else {
            let numbers: Vec<&str> = assigned.iter().map(|a| a.number.as_str()).collect();
            format!("{} (поручение № {})", dec.text, numbers.join(", "))
        };
        rows.push(Row {
            cells: vec![
                (i + 1).to_string(),
                text,
                executor,
                if deadline.is_empty() {
                    "—".into()
                } else {
                    deadline
                },
            ],
            bold: false,
            indent: false,
        });
    }
    if rows.is_empty() {
        d.body.push(Block::text("Решений не принято."));
    } else {
        d.table(
            vec![
                "№".into(),
                "Решение".into(),
                "Исполнитель".into(),
                "Срок".into(),
            ],
            rows,
        );
    }
    d.signers.push(Signer::new(
        "Руководитель информационной группы",
        &s.user_name(g.leader_id),
    ));
    d.signers.push(Signer::new(
        "Секретарь информационной группы",
        &s.user_name(g.secretary_id),
    ));
    for a in &p.amendments {
        d.after.push(Block::labelled(
            format!(
                "Изменение от {} ({}):",
                date_at(a.at_ms),
                names::signature_name(&s.user_name(a.by_user_id))
            ),
            a.text.clone(),
        ));
    }
    if let Some(h) = m.handover.as_ref().filter(|h| h.handed_at_ms != 0) {
        d.after.push(Block::Gap);
        d.after.push(Block::text(format!(
            "Передан в контрольно-организационный сектор {}",
            date_at(h.handed_at_ms)
        )));
    }
    d.executor = s.executor_mark(g.secretary_id);
    d
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;

    fn user(id: u64, name: &str, contact: &str) -> (u64, pb::User) {
        (
            id,
            pb::User {
                full_name: name.into(),
                contact: contact.into(),
                ..Default::default()
            },
        )
    }

    /// A small city for the documents' snapshots.
    pub fn sources() -> Sources {
        let mut s = Sources {
            users: HashMap::from([
                user(1, "Новиков Сергей Иванович", ""),
                user(2, "Петрова Анна Викторовна", "8 (86369) 2-14-55"),
                user(3, "Смирнов О. П.", ""),
                user(4, "Кузнецова Е. А.", ""),
            ]),
            today: "03.12.2026".into(),
            ..Default::default()
        };
        s.groups.insert(
            10,
            pb::Group {
                number: 3,
                leader_id: 1,
                secretary_id: 2,
                member_ids: vec![3],
                ..Default::default()
            },
        );
        s.territories.insert(
            20,
            pb::Territory {
                name: "Микрорайон Центральный".into(),
                ..Default::default()
            },
        );
        s.venues.insert(
            30,
            pb::Venue {
                name: "МБОУ СОШ № 3".into(),
                address: "ул. Ленина, 1".into(),
                ..Default::default()
            },
        );
        s.codes.insert(
            "0005.0005.0056.1156".into(),
            "Перебои в теплоснабжении".into(),
        );
        s.assignments.insert(
            40,
            pb::Assignment {
                number: "2026/0153".into(),
                executor_id: 4,
                deadline: Some(pb::Deadline {
                    date: Some(pb::Date {
                        year: 2026,
                        month: 12,
                        day: 15,
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            },
        );
        s
    }

    /// A held meeting with one question on control and one decision.
    pub fn meeting(signed: bool) -> pb::Meeting {
        pb::Meeting {
            group_id: 10,
            territory_id: 20,
            venue_id: 30,
            date: Some(pb::Date {
                year: 2026,
                month: 12,
                day: 2,
            }),
            time: "17:00".into(),
            protocol: Some(pb::Protocol {
                start_time: "17:00".into(),
                end_time: "18:30".into(),
                residents_attending: 25,
                members_present: vec![3],
                questions: vec![pb::RaisedQuestion {
                    substance: "Перебои с отоплением в домах по ул. Ленина".into(),
                    classifier_code: "0005.0005.0056.1156".into(),
                    answer_mode: pb::AnswerMode::OnControl as i32,
                    answer: "Проверка теплотрассы назначена".into(),
                    appeal_id: 0,
                }],
                decisions: vec![pb::Decision {
                    text: "Провести проверку теплотрассы".into(),
                    assignment_ids: vec![40],
                }],
                signed_by: if signed { 1 } else { 0 },
                signed_at_ms: if signed { 1_796_800_000_000 } else { 0 },
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_draft_says_so_and_a_signed_one_carries_its_date() {
        let draft = protocol(&meeting(false), "3-2026/4", &sources());
        assert_eq!(draft.status, Status::Draft);
        assert!(draft.plain_text().starts_with("ПРОЕКТ\n"));
        let signed = protocol(&meeting(true), "3-2026/4", &sources());
        assert!(matches!(signed.status, Status::Signed(_)));
        assert!(!signed.plain_text().contains("ПРОЕКТ"));
    }

    #[test]
    fn the_protocol_reads_as_the_form() {
        insta::assert_snapshot!(protocol(&meeting(true), "3-2026/4", &sources()).plain_text());
    }
}

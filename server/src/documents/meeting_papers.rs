//! The papers around a meeting: the territory brief as a справка (3.6.1), the announcement as an
//! A4 notice to post (3.8.1) and the results for the website and the media (3.8.7).

use infogroups_shared::{names, pb};

use super::model::{Align, Block, Document, Row, Signer, Span, Status};
use super::sources::{Sources, date, file_stem};

/// The line of the drafted brief that opens its topic list (`services::meetings::texts`).
const TOPICS_LINE: &str = "Чаще всего поднимаемые вопросы:";

fn group_of<'a>(m: &pb::Meeting, s: &'a Sources) -> Option<&'a pb::Group> {
    s.groups.get(&m.group_id)
}

fn group_number(m: &pb::Meeting, s: &Sources) -> u32 {
    group_of(m, s).map_or(0, |g| g.number)
}

fn meeting_stem(kind: &str, m: &pb::Meeting, s: &Sources) -> String {
    let day = m
        .date
        .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
        .unwrap_or_default();
    file_stem(&[kind, &format!("group-{}", group_number(m, s)), &day])
}

/// The territory brief: the secretary's text, the most raised questions with their names, and
/// what is open on the territory.
pub fn brief(m: &pb::Meeting, s: &Sources) -> Document {
    let b = m.brief.clone().unwrap_or_default();
    let territory = s.territory(m.territory_id);
    let mut d = Document::new(
        "СПРАВКА",
        format!(
            "о проблемах территории «{territory}» к выездной встрече информационной группы № {} {}",
            group_number(m, s),
            date(m.date.as_ref())
        ),
        s.today.clone(),
    );
    d.file_stem = meeting_stem("brief", m, s);
    let mut in_topics = false;
    for line in b.text.lines() {
        let l = line.trim();
        if l.starts_with("Справка о проблемах территории") {
            continue;
        }
        if l == TOPICS_LINE {
            in_topics = true;
            continue;
        }
        if l.is_empty() {
            in_topics = false;
            continue;
        }
        if !in_topics {
            d.body.push(Block::text(l));
        }
    }
    d.body.push(Block::labelled(
        "Обращений на рассмотрении:",
        b.open_appeals.to_string(),
    ));
    d.body.push(Block::labelled(
        "Поручений на контроле:",
        b.open_assignments.to_string(),
    ));
    if !b.top_topics.is_empty() {
        d.body.push(Block::section(TOPICS_LINE));
        d.table(
            vec![
                "№".into(),
                "Вопрос по классификатору".into(),
                "Обращений".into(),
            ],
            b.top_topics
                .iter()
                .enumerate()
                .map(|(i, t)| Row {
                    cells: vec![
                        (i + 1).to_string(),
                        if t.name.is_empty() {
                            s.code(&t.code)
                        } else {
                            format!("{} {}", t.code, t.name)
                        },
                        t.count.to_string(),
                    ],
                    bold: false,
                    indent: false,
                })
                .collect(),
        );
    }
    if let Some(g) = group_of(m, s) {
        d.signers.push(Signer::new(
            "Секретарь информационной группы",
            &s.user_name(g.secretary_id),
        ));
        d.executor = s.executor_mark(g.secretary_id);
    }
    d
}

fn publication(m: &pb::Meeting, kind: pb::PublicationKind) -> Option<String> {
    m.publications
        .iter()
        .find(|p| p.kind == kind as i32 && !p.draft_text.trim().is_empty())
        .map(|p| p.draft_text.clone())
}

/// The announcement: when and where, the group's composition, what will be discussed, and how
/// to send questions beforehand. `drafted` is the server's draft, used when none was saved.
pub fn announcement(m: &pb::Meeting, drafted: &str, s: &Sources) -> Document {
    let territory = s.territory(m.territory_id);
    let n = group_number(m, s);
    let mut d = Document::new(
        "ОБЪЯВЛЕНИЕ",
        format!(
            "о выездной встрече информационной группы № {n} с жителями территории «{territory}»"
        ),
        s.today.clone(),
    );
    d.status = Status::Issued;
    d.file_stem = meeting_stem("announcement", m, s);
    d.body.push(Block::Para {
        spans: vec![Span::bold(format!(
            "{} в {}",
            date(m.date.as_ref()),
            m.time
        ))],
        align: Align::Center,
    });
    d.body.push(Block::centered(s.venue(m.venue_id), true));
    d.body.push(Block::Gap);
    d.body.push(Block::text(
        publication(m, pb::PublicationKind::Announcement).unwrap_or_else(|| drafted.to_string()),
    ));
    if let Some(g) = group_of(m, s) {
        d.body.push(Block::section("Состав информационной группы:"));
        let mut rows = Vec::new();
        let mut add = |id: u64, role: &str| {
            let position = s.user_position(id);
            rows.push(Row {
                cells: vec![
                    (rows.len() + 1).to_string(),
                    s.user_name(id),
                    if position.is_empty() {
                        role.to_string()
                    } else {
                        format!("{role}; {position}")
                    },
                ],
                bold: false,
                indent: false,
            });
        };
        add(g.leader_id, "руководитель группы");
        add(g.secretary_id, "секретарь группы");
        for id in &g.member_ids {
            add(*id, "член группы");
        }
        d.table(
            vec![
                "№".into(),
                "Фамилия, инициалы".into(),
                "В группе, должность".into(),
            ],
            rows,
        );
    }
    let topics: Vec<String> = m
        .brief
        .as_ref()
        .map(|b| {
            b.top_topics
                .iter()
                .map(|t| {
                    if t.name.is_empty() {
                        s.code(&t.code)
                    } else {
                        t.name.clone()
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let known = s
        .territories
        .get(&m.territory_id)
        .map(|t| t.known_problems.clone())
        .unwrap_or_default();
    let discuss = match (topics.is_empty(), known.trim().is_empty()) {
        (false, _) => topics.join("; "),
        (true, false) => known,
        (true, true) => "вопросы жизнеобеспечения территории".to_string(),
    };
    d.body
        .push(Block::labelled("Предлагается обсудить:", discuss));
    let secretary = group_of(m, s).map(|g| g.secretary_id).unwrap_or(0);
    let contact = s
        .users
        .get(&secretary)
        .map(|u| u.contact.clone())
        .filter(|c| !c.is_empty())
        .map(|c| format!(", тел. {c}"))
        .unwrap_or_default();
    d.body.push(Block::labelled(
        "Вопросы можно направить заранее:",
        format!(
            "секретарю информационной группы ({}{contact}), а также письменно в Администрацию \
             города Новошахтинска (общий отдел) или через интернет-приёмную на официальном сайте.",
            names::signature_name(&s.user_name(secretary))
        ),
    ));
    d
}

/// The results of the meeting for the official site and the media. `drafted` is the server's
/// draft from the signed protocol, used when none was saved.
pub fn results(m: &pb::Meeting, drafted: &str, s: &Sources) -> Document {
    let territory = s.territory(m.territory_id);
    let mut d = Document::new(
        "ИНФОРМАЦИЯ",
        format!(
            "об итогах выездной встречи информационной группы № {} с жителями территории «{territory}» {}",
            group_number(m, s),
            date(m.date.as_ref())
        ),
        s.today.clone(),
    );
    d.file_stem = meeting_stem("results", m, s);
    let text = publication(m, pb::PublicationKind::Results).unwrap_or_else(|| drafted.to_string());
    for para in text.split('\n').filter(|l| !l.trim().is_empty()) {
        d.body.push(Block::text(para.trim()));
    }
    if let Some(g) = group_of(m, s) {
        d.executor = s.executor_mark(g.secretary_id);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::protocol::tests::{meeting, sources};

    fn with_brief() -> pb::Meeting {
        let mut m = meeting(true);
        m.brief = Some(pb::Brief {
            text: "Справка о проблемах территории «Микрорайон Центральный»\n\nИзвестные проблемы: \
                   износ теплосетей.\n\nЧаще всего поднимаемые вопросы:\n1. 0005.0005.0056.1156 \
                   Перебои в теплоснабжении — 4\n"
                .into(),
            open_appeals: 3,
            open_assignments: 1,
            top_topics: vec![pb::TopicCount {
                code: "0005.0005.0056.1156".into(),
                name: "Перебои в теплоснабжении".into(),
                count: 4,
            }],
            saved_at_ms: 0,
        });
        m
    }

    #[test]
    fn the_brief_prints_topics_with_their_names_once() {
        let text = brief(&with_brief(), &sources()).plain_text();
        assert_eq!(
            text.matches("Перебои в теплоснабжении").count(),
            1,
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn the_announcement_lists_the_group_and_how_to_send_questions() {
        let text = announcement(&with_brief(), "Приглашаем жителей.", &sources()).plain_text();
        for part in [
            "02.12.2026 в 17:00",
            "МБОУ СОШ № 3, ул. Ленина, 1",
            "Новиков Сергей Иванович | руководитель группы",
            "Смирнов О. П. | член группы",
            "Предлагается обсудить: Перебои в теплоснабжении",
            "8 (86369) 2-14-55",
        ] {
            assert!(text.contains(part), "{part} missing:\n{text}");
        }
        insta::assert_snapshot!(text);
    }

    #[test]
    fn the_results_take_the_saved_text_over_the_draft() {
        let mut m = meeting(true);
        m.publications.push(pb::Publication {
            kind: pb::PublicationKind::Results as i32,
            draft_text: "Встреча прошла.".into(),
            ..Default::default()
        });
        let text = results(&m, "черновик", &sources()).plain_text();
        assert!(text.contains("Встреча прошла."));
        assert!(!text.contains("черновик"));
        insta::assert_snapshot!(text);
    }
}

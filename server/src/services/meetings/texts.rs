//! Texts drafted from a meeting's data: the announcement (3.8.1), the results for the website
//! (3.8.7) and the territory brief (3.6.1). Pure functions over what the store holds.

use infogroups_shared::city_time::ru_date;
use infogroups_shared::pb;
use infogroups_shared::validate::to_naive;

/// Names the drafts need, looked up by the caller.
#[derive(Debug, Default, Clone)]
pub struct Names {
    /// The group's number.
    pub group_number: u32,
    /// The territory.
    pub territory: String,
    /// The venue and its address.
    pub venue: Option<(String, String)>,
    /// The leader's name.
    pub leader: String,
    /// Outside participants: organisation and position/name.
    pub participants: Vec<String>,
}

fn date_text(m: &pb::Meeting) -> String {
    m.date
        .as_ref()
        .and_then(to_naive)
        .map(ru_date)
        .unwrap_or_default()
}

/// The announcement: date, time, place and participants.
pub fn announcement(m: &pb::Meeting, n: &Names) -> String {
    let place = match &n.venue {
        Some((name, address)) => format!("в здании {name} ({address})"),
        None => "(место уточняется)".to_string(),
    };
    let mut text = format!(
        "{} в {} {} состоится выездная встреча информационной группы № {} Администрации города \
         Новошахтинска с жителями территории «{}». Встречу проводит {}.",
        date_text(m),
        m.time,
        place,
        n.group_number,
        n.territory,
        n.leader
    );
    if !n.participants.is_empty() {
        text.push_str(" Приглашены: ");
        text.push_str(&n.participants.join("; "));
        text.push('.');
    }
    text.push_str(" Приглашаем жителей принять участие и задать вопросы.");
    text
}

/// The results for the website, from the signed protocol.
pub fn results(m: &pb::Meeting, n: &Names) -> String {
    let p = m.protocol.clone().unwrap_or_default();
    let on_control = p
        .questions
        .iter()
        .filter(|q| q.answer_mode == pb::AnswerMode::OnControl as i32)
        .count();
    let mut text = format!(
        "{} состоялась выездная встреча информационной группы № {} с жителями территории «{}». \
         Присутствовало жителей: {}. Задано вопросов: {}, из них взято на контроль: {}.",
        date_text(m),
        n.group_number,
        n.territory,
        p.residents_attending,
        p.questions.len(),
        on_control
    );
    // The decisions one to a line: thirty of them run together in one paragraph cannot be read.
    if !p.decisions.is_empty() {
        text.push_str("\nПринятые решения:");
        let last = p.decisions.len() - 1;
        for (i, d) in p.decisions.iter().enumerate() {
            let end = if i == last { '.' } else { ';' };
            text.push_str(&format!(
                "\n{}) {}{end}",
                i + 1,
                d.text.trim_end_matches(['.', ';'])
            ));
        }
    }
    text
}

/// An earlier decision for the brief: its text and how its assignments stand.
#[derive(Debug, Clone)]
pub struct EarlierDecision {
    /// The meeting's date.
    pub date: String,
    /// The decision.
    pub text: String,
    /// Assignments done / total.
    pub done: usize,
    /// Assignments total.
    pub total: usize,
}

/// The brief's draft text.
pub fn brief(
    territory: &str,
    known_problems: &str,
    open_appeals: u32,
    open_assignments: u32,
    topics: &[pb::TopicCount],
    earlier: &[EarlierDecision],
) -> String {
    let mut t = format!("Справка о проблемах территории «{territory}»\n\n");
    if !known_problems.is_empty() {
        t.push_str(&format!("Известные проблемы: {known_problems}.\n"));
    }
    t.push_str(&format!(
        "Обращений на рассмотрении: {open_appeals}. Поручений на контроле: {open_assignments}.\n"
    ));
    if !topics.is_empty() {
        t.push_str("\nЧаще всего поднимаемые вопросы:\n");
        for (i, tc) in topics.iter().enumerate() {
            t.push_str(&format!(
                "{}. {} {} — {}\n",
                i + 1,
                tc.code,
                tc.name,
                tc.count
            ));
        }
    }
    if !earlier.is_empty() {
        t.push_str("\nРешения прошлых встреч на территории:\n");
        for e in earlier {
            t.push_str(&format!(
                "— {}: {} (исполнено поручений {} из {})\n",
                e.date, e.text, e.done, e.total
            ));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting() -> pb::Meeting {
        pb::Meeting {
            date: Some(pb::Date {
                year: 2026,
                month: 4,
                day: 29,
            }),
            time: "17:00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_announcement_names_date_time_place_and_participants() {
        let n = Names {
            group_number: 3,
            territory: "посёлок Западный".into(),
            venue: Some(("МБОУ СОШ № 3".into(), "ул. Ленина, 1".into())),
            leader: "Петров Н. П.".into(),
            participants: vec!["ОМВД: участковый".into()],
        };
        let t = announcement(&meeting(), &n);
        for part in [
            "29.04.2026",
            "17:00",
            "МБОУ СОШ № 3",
            "№ 3",
            "посёлок Западный",
            "ОМВД",
        ] {
            assert!(t.contains(part), "{part} missing from {t}");
        }
    }

    #[test]
    fn the_results_count_questions_on_control() {
        let mut m = meeting();
        m.protocol = Some(pb::Protocol {
            residents_attending: 42,
            questions: vec![
                pb::RaisedQuestion {
                    answer_mode: pb::AnswerMode::OnControl as i32,
                    ..Default::default()
                },
                pb::RaisedQuestion {
                    answer_mode: pb::AnswerMode::OnTheSpot as i32,
                    ..Default::default()
                },
            ],
            decisions: vec![
                pb::Decision {
                    text: "Отремонтировать освещение".into(),
                    assignment_ids: vec![],
                },
                pb::Decision {
                    text: "Вывезти мусор.".into(),
                    assignment_ids: vec![],
                },
            ],
            ..Default::default()
        });
        let t = results(&m, &Names::default());
        assert!(t.contains("Присутствовало жителей: 42"));
        assert!(t.contains("Задано вопросов: 2, из них взято на контроль: 1"));
        assert!(
            t.ends_with("\nПринятые решения:\n1) Отремонтировать освещение;\n2) Вывезти мусор."),
            "{t}"
        );
    }
}

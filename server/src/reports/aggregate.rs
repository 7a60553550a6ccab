//! Ad-hoc aggregates over appeals: any period × group × territory × classifier level × channel ×
//! kind × result → counts, on-time rates and the average days to answer.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use infogroups_shared::classifier::ancestor;
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, Dimension as D};
use infogroups_shared::validate::to_naive;

use super::{TableBuilder, percent};

/// How keys become names.
pub struct Namer<'a> {
    /// Group id → name.
    pub group: &'a dyn Fn(u64) -> String,
    /// Territory id → name.
    pub territory: &'a dyn Fn(u64) -> String,
    /// Classifier code → name.
    pub code: &'a dyn Fn(&str) -> String,
}

/// The filters and grouping of a query, already validated.
pub struct Query {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Grouping, in order.
    pub group_by: Vec<D>,
    /// Only this group (0: all).
    pub group_id: u64,
    /// Only this territory (0: all).
    pub territory_id: u64,
    /// Only codes starting with this.
    pub classifier_prefix: String,
    /// Only this channel (0: all).
    pub channel: i32,
    /// Only this kind (0: all).
    pub kind: i32,
    /// Only this result (0 means any; results are counted per question).
    pub result: i32,
}

fn dim_name(d: D) -> &'static str {
    match d {
        D::Unspecified => "—",
        D::Group => "Группа",
        D::Territory => "Территория",
        D::Section => "Раздел",
        D::Thematic => "Тематика",
        D::Topic => "Тема",
        D::Question => "Вопрос",
        D::Channel => "Канал",
        D::Kind => "Вид",
        D::Result => "Результат",
        D::Month => "Месяц",
    }
}

fn key_of(d: D, a: &pb::Appeal, q: &pb::AppealQuestion, reg: NaiveDate, n: &Namer<'_>) -> String {
    let code = |level: usize| {
        let c = ancestor(&q.classifier_code, level);
        format!("{c} {}", (n.code)(&c))
    };
    match d {
        D::Group => (n.group)(a.group_id),
        D::Territory => (n.territory)(a.territory_id),
        D::Section => code(1),
        D::Thematic => code(2),
        D::Topic => code(3),
        D::Question => format!("{} {}", q.classifier_code, (n.code)(&q.classifier_code)),
        D::Channel => names::channel(
            Lang::Ru,
            pb::Channel::try_from(a.channel).unwrap_or_default(),
        )
        .into(),
        D::Kind => names::appeal_kind(
            Lang::Ru,
            pb::AppealKind::try_from(a.kind).unwrap_or_default(),
        )
        .into(),
        D::Result => names::question_result(
            Lang::Ru,
            pb::QuestionResult::try_from(q.result).unwrap_or_default(),
        )
        .into(),
        D::Month => reg.format("%Y-%m").to_string(),
        D::Unspecified => String::new(),
    }
}

#[derive(Default)]
struct Acc {
    appeals: BTreeSet<u64>,
    questions: u64,
    answered: BTreeSet<u64>,
    on_time: BTreeSet<u64>,
    days: BTreeMap<u64, i64>,
}

/// Runs the query.
pub fn run(appeals: &[pb::Appeal], q: &Query, n: &Namer<'_>) -> pb::Table {
    let mut groups: BTreeMap<Vec<String>, Acc> = BTreeMap::new();
    for a in appeals {
        let Some(reg) = a.registered.as_ref().and_then(to_naive) else {
            continue;
        };
        if !(q.from..=q.to).contains(&reg)
            || (q.group_id != 0 && a.group_id != q.group_id)
            || (q.territory_id != 0 && a.territory_id != q.territory_id)
            || (q.channel != 0 && a.channel != q.channel)
            || (q.kind != 0 && a.kind != q.kind)
        {
            continue;
        }
        let id = a.meta.map_or(0, |m| m.id);
        let answered = a.status == pb::AppealStatus::Answered as i32;
        let answer_days = a
            .answer
            .as_ref()
            .and_then(|x| x.date.as_ref())
            .and_then(to_naive)
            .map(|d| (d - reg).num_days());
        for question in &a.questions {
            if !question.classifier_code.starts_with(&q.classifier_prefix)
                || (q.result != 0 && question.result != q.result)
            {
                continue;
            }
            let key: Vec<String> = q
                .group_by
                .iter()
                .map(|d| key_of(*d, a, question, reg, n))
                .collect();
            let acc = groups.entry(key).or_default();
            acc.appeals.insert(id);
            acc.questions += 1;
            if answered {
                acc.answered.insert(id);
                if a.answer.as_ref().is_some_and(|x| x.on_time) {
                    acc.on_time.insert(id);
                }
                if let Some(days) = answer_days {
                    acc.days.insert(id, days);
                }
            }
        }
    }
    let mut columns: Vec<String> = q
        .group_by
        .iter()
        .map(|d| dim_name(*d).to_string())
        .collect();
    if columns.is_empty() {
        columns.push("Всего".into());
    }
    columns.extend(
        [
            "Обращений",
            "Вопросов",
            "Ответ в срок, %",
            "Ср. дней до ответа",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let mut t = TableBuilder::new("Выборка по обращениям", columns);
    let metrics = |acc: &Acc| -> [f64; 4] {
        let avg = if acc.days.is_empty() {
            0.0
        } else {
            (acc.days.values().sum::<i64>() as f64 * 10.0 / acc.days.len() as f64).round() / 10.0
        };
        [
            acc.appeals.len() as f64,
            acc.questions as f64,
            percent(acc.on_time.len(), acc.answered.len()),
            avg,
        ]
    };
    let mut total = Acc::default();
    for (key, acc) in &groups {
        let m = metrics(acc);
        let mut cells = if key.is_empty() {
            vec!["Всего".to_string()]
        } else {
            key.clone()
        };
        let mut values = vec![0.0; cells.len()];
        cells.extend(m.iter().map(|v| super::fmt_number(*v)));
        values.extend_from_slice(&m);
        t.row(cells, values);
        total.appeals.extend(acc.appeals.iter().copied());
        total.questions += acc.questions;
        total.answered.extend(acc.answered.iter().copied());
        total.on_time.extend(acc.on_time.iter().copied());
        total.days.extend(acc.days.iter().map(|(k, v)| (*k, *v)));
    }
    let m = metrics(&total);
    let width = q.group_by.len().max(1);
    let mut cells = vec!["Итого".to_string()];
    cells.extend(std::iter::repeat_n(String::new(), width - 1));
    cells.extend(m.iter().map(|v| super::fmt_number(*v)));
    let mut values = vec![0.0; width];
    values.extend_from_slice(&m);
    let mut table = t.build();
    table.totals = Some(pb::Row { cells, values });
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use infogroups_shared::validate::from_naive;

    fn appeal(
        id: u64,
        group: u64,
        code: &str,
        reg: (u32, u32),
        answer: Option<(u32, u32, bool)>,
    ) -> pb::Appeal {
        let d = |(m, day): (u32, u32)| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        pb::Appeal {
            meta: Some(pb::Meta {
                id,
                ..Default::default()
            }),
            group_id: group,
            channel: pb::Channel::Post as i32,
            registered: Some(from_naive(d(reg))),
            status: if answer.is_some() {
                pb::AppealStatus::Answered
            } else {
                pb::AppealStatus::Registered
            } as i32,
            questions: vec![pb::AppealQuestion {
                classifier_code: code.into(),
                ..Default::default()
            }],
            answer: answer.map(|(m, day, on_time)| pb::AppealAnswer {
                date: Some(from_naive(d((m, day)))),
                on_time,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn groups_by_section_and_group_with_rates_and_averages() {
        let list = vec![
            appeal(1, 1, "0005.0005.0056.1154", (3, 1), Some((3, 21, true))),
            appeal(2, 1, "0005.0005.0056.1153", (3, 2), Some((4, 11, false))),
            appeal(3, 2, "0002.0008.0000.0000", (3, 3), None),
            appeal(4, 2, "0005.0005.0056.1154", (7, 1), None),
        ];
        let q = Query {
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            to: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default(),
            group_by: vec![D::Section],
            group_id: 0,
            territory_id: 0,
            classifier_prefix: String::new(),
            channel: 0,
            kind: 0,
            result: 0,
        };
        let namer = Namer {
            group: &|g| format!("Группа № {g}"),
            territory: &|_| String::new(),
            code: &|_| String::new(),
        };
        let t = run(&list, &q, &namer);
        assert_eq!(t.rows.len(), 2);
        let housing = t
            .rows
            .iter()
            .find(|r| r.cells[0].starts_with("0005"))
            .map(|r| r.values.clone())
            .unwrap_or_default();
        // Two appeals, both answered: one on time (20 days), one late (40 days).
        assert_eq!(housing, vec![0.0, 2.0, 2.0, 50.0, 30.0]);
        assert_eq!(
            t.totals.map(|r| r.values),
            Some(vec![0.0, 3.0, 3.0, 50.0, 30.0])
        );
        let only_g2 = Query {
            group_id: 2,
            group_by: vec![D::Group],
            ..q
        };
        let t = run(&list, &only_g2, &namer);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].cells[0], "Группа № 2");
    }
}

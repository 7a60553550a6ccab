//! Ad-hoc aggregates over appeals: any period × group × territory × classifier level × channel ×
//! kind × result → counts, on-time rates and the average days to answer.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, Dimension as D};

use super::facts::{Facts, NO_DAY, date_of, day_of, flag};
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
#[derive(Debug, Clone)]
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

pub(crate) fn dim_name(d: D) -> &'static str {
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

/// The value of dimension `d` for appeal row `r` and question row `qi`, as a small integer.
fn key_value(d: D, f: &Facts, r: usize, qi: usize) -> u32 {
    let a = &f.appeals;
    match d {
        D::Group => a.group[r],
        D::Territory => a.territory[r],
        D::Section => f.codes.ancestor(a.q_code[qi], 1),
        D::Thematic => f.codes.ancestor(a.q_code[qi], 2),
        D::Topic => f.codes.ancestor(a.q_code[qi], 3),
        D::Question => a.q_code[qi],
        D::Channel => u32::from(a.channel[r]),
        D::Kind => u32::from(a.kind[r]),
        D::Result => u32::from(a.q_result[qi]),
        D::Month => date_of(a.registered[r]).map_or(0, |d| {
            u32::try_from(d.year()).unwrap_or(0) * 12 + d.month0()
        }),
        D::Unspecified => 0,
    }
}

/// The row label of a dimension's value.
fn key_name(d: D, v: u32, f: &Facts, n: &Namer<'_>) -> String {
    let code = |id: u32| {
        let c = f.codes.name(id);
        format!("{c} {}", (n.code)(c))
    };
    match d {
        D::Group => (n.group)(u64::from(v)),
        D::Territory => (n.territory)(u64::from(v)),
        D::Section | D::Thematic | D::Topic | D::Question => code(v),
        D::Channel => names::channel(
            Lang::Ru,
            pb::Channel::try_from(v as i32).unwrap_or_default(),
        )
        .into(),
        D::Kind => names::appeal_kind(
            Lang::Ru,
            pb::AppealKind::try_from(v as i32).unwrap_or_default(),
        )
        .into(),
        D::Result => names::question_result(
            Lang::Ru,
            pb::QuestionResult::try_from(v as i32).unwrap_or_default(),
        )
        .into(),
        D::Month => format!("{}-{:02}", v / 12, v % 12 + 1),
        D::Unspecified => String::new(),
    }
}

/// The appeals (as rows of the fact table, ascending) and questions counted under one key.
#[derive(Default)]
struct Acc {
    rows: Vec<u32>,
    questions: u64,
}

/// Runs the query over the fact tables: one pass over the appeal columns, grouping by small
/// integer keys; names are looked up once per group at the end.
pub fn run(f: &Facts, q: &Query, n: &Namer<'_>) -> pb::Table {
    let a = &f.appeals;
    let (from, to) = (day_of(q.from), day_of(q.to));
    let wanted_code: Vec<bool> = (0..f.codes.len())
        .map(|id| {
            f.codes
                .name(u32::try_from(id).unwrap_or(u32::MAX))
                .starts_with(&q.classifier_prefix)
        })
        .collect();
    let mut by_key: HashMap<[u32; 4], Acc> = HashMap::new();
    let mut all_rows: Vec<u32> = Vec::new();
    let mut all_questions = 0u64;
    for r in 0..a.len() {
        let reg = a.registered[r];
        if reg == NO_DAY
            || reg < from
            || reg > to
            || (q.group_id != 0 && u64::from(a.group[r]) != q.group_id)
            || (q.territory_id != 0 && u64::from(a.territory[r]) != q.territory_id)
            || (q.channel != 0 && i32::from(a.channel[r]) != q.channel)
            || (q.kind != 0 && i32::from(a.kind[r]) != q.kind)
        {
            continue;
        }
        let row = u32::try_from(r).unwrap_or(u32::MAX);
        for qi in a.questions(r) {
            if !wanted_code[a.q_code[qi] as usize]
                || (q.result != 0 && i32::from(a.q_result[qi]) != q.result)
            {
                continue;
            }
            let mut key = [0u32; 4];
            for (k, d) in key.iter_mut().zip(&q.group_by) {
                *k = key_value(*d, f, r, qi);
            }
            let acc = by_key.entry(key).or_default();
            // An appeal's questions come one after another: the last row tells a repeat.
            if acc.rows.last() != Some(&row) {
                acc.rows.push(row);
            }
            acc.questions += 1;
            if all_rows.last() != Some(&row) {
                all_rows.push(row);
            }
            all_questions += 1;
        }
    }
    // Different keys may carry the same name (two groups named alike): rows are by name.
    let mut groups: BTreeMap<Vec<String>, Acc> = BTreeMap::new();
    for (key, acc) in by_key {
        let names: Vec<String> = q
            .group_by
            .iter()
            .zip(key)
            .map(|(d, v)| key_name(*d, v, f, n))
            .collect();
        match groups.entry(names) {
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(acc);
            }
            std::collections::btree_map::Entry::Occupied(mut e) => {
                let merged = e.get_mut();
                merged.rows.extend(acc.rows);
                merged.rows.sort_unstable();
                merged.rows.dedup();
                merged.questions += acc.questions;
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
    let answered = pb::AppealStatus::Answered as u8;
    let metrics = |rows: &[u32], questions: u64| -> [f64; 4] {
        let (mut done, mut on_time, mut days, mut dated) = (0usize, 0usize, 0i64, 0usize);
        for r in rows.iter().map(|r| *r as usize) {
            if a.status[r] != answered {
                continue;
            }
            done += 1;
            if a.flags[r] & flag::ON_TIME != 0 {
                on_time += 1;
            }
            if a.answered[r] != NO_DAY {
                days += i64::from(a.answered[r]) - i64::from(a.registered[r]);
                dated += 1;
            }
        }
        let avg = if dated == 0 {
            0.0
        } else {
            (days as f64 * 10.0 / dated as f64).round() / 10.0
        };
        [
            rows.len() as f64,
            questions as f64,
            percent(on_time, done),
            avg,
        ]
    };
    for (key, acc) in &groups {
        let m = metrics(&acc.rows, acc.questions);
        let mut cells = if key.is_empty() {
            vec!["Всего".to_string()]
        } else {
            key.clone()
        };
        let mut values = vec![0.0; cells.len()];
        cells.extend(m.iter().map(|v| super::fmt_number(*v)));
        values.extend_from_slice(&m);
        t.row(cells, values);
    }
    let m = metrics(&all_rows, all_questions);
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

    /// The query over records, through fact tables built from them.
    fn run(appeals: &[pb::Appeal], q: &Query, n: &Namer<'_>) -> pb::Table {
        super::run(&Facts::from_records(appeals, &[], &[], &[]), q, n)
    }

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

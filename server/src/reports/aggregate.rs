//! Ad-hoc aggregates over appeals: any period × group × territory × classifier level × channel ×
//! kind × result → counts, on-time rates and the average days to answer.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, Dimension as D};

use super::facts::{Appeals, Facts, NO_DAY, date_of, day_of, flag};
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
    /// Today in the city: an open appeal past its due day counts as not answered in time.
    pub today: NaiveDate,
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

/// Whether a dimension is a property of the appeal (one value per appeal) rather than of a
/// question.
fn per_appeal(d: D) -> bool {
    matches!(d, D::Group | D::Territory | D::Channel | D::Kind | D::Month)
}

/// The value of an appeal-level dimension for appeal row `r`, as a small integer.
fn appeal_value(d: D, a: &Appeals, r: usize) -> u32 {
    match d {
        D::Group => a.group[r],
        D::Territory => a.territory[r],
        // Values outside the enums would all be named as the default: keyed so too.
        D::Channel => canonical::<pb::Channel>(a.channel[r]),
        D::Kind => canonical::<pb::AppealKind>(a.kind[r]),
        D::Month => date_of(a.registered[r]).map_or(0, |d| {
            u32::try_from(d.year()).unwrap_or(0) * 12 + d.month0()
        }),
        _ => 0,
    }
}

/// The value of a question-level dimension for question row `qi`. Keys are made so that two
/// different keys never get the same name here (results outside the enum are keyed as its
/// default, as they are named): rows that share a name then differ in an appeal-level
/// dimension, hold different appeals, and can be summed.
fn question_value(d: D, f: &Facts, qi: usize) -> u32 {
    let a = &f.appeals;
    match d {
        D::Section => f.codes.ancestor(a.q_code[qi], 1),
        D::Thematic => f.codes.ancestor(a.q_code[qi], 2),
        D::Topic => f.codes.ancestor(a.q_code[qi], 3),
        D::Question => a.q_code[qi],
        D::Result => canonical::<pb::QuestionResult>(a.q_result[qi]),
        _ => 0,
    }
}

/// An enum value as keyed: itself when the enum knows it, else the enum's default.
fn canonical<E: TryFrom<i32> + Default + Into<i32>>(v: u8) -> u32 {
    let e = E::try_from(i32::from(v)).unwrap_or_default();
    u32::try_from(e.into()).unwrap_or(0)
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

/// What is counted under one key. Appeals are counted once however many of their questions
/// match: an appeal's questions are scanned one after another, so the last row tells a repeat.
#[derive(Default, Clone, Copy)]
struct Acc {
    /// The last appeal row counted, plus one (0: none).
    last: u32,
    appeals: u64,
    questions: u64,
    answered: u64,
    /// Answered, or open and past due: the appeals whose answer is owed by now.
    owed: u64,
    on_time: u64,
    days: i64,
    dated: u64,
}

/// Whether an appeal of this status still waits for its answer.
fn open(status: u8) -> bool {
    status == pb::AppealStatus::Registered as u8 || status == pb::AppealStatus::Extended as u8
}

impl Acc {
    fn add(&mut self, a: &Appeals, r: usize, today: i32) {
        self.questions += 1;
        let mark = u32::try_from(r + 1).unwrap_or(u32::MAX);
        if self.last == mark {
            return;
        }
        self.last = mark;
        self.appeals += 1;
        if a.status[r] != pb::AppealStatus::Answered as u8 {
            if open(a.status[r]) && a.due[r] != NO_DAY && a.due[r] < today {
                self.owed += 1;
            }
            return;
        }
        self.answered += 1;
        self.owed += 1;
        if a.flags[r] & flag::ON_TIME != 0 {
            self.on_time += 1;
        }
        if a.answered[r] != NO_DAY {
            self.days += i64::from(a.answered[r]) - i64::from(a.registered[r]);
            self.dated += 1;
        }
    }

    /// Adds counts over other appeals.
    fn merge(&mut self, o: &Acc) {
        self.appeals += o.appeals;
        self.questions += o.questions;
        self.answered += o.answered;
        self.owed += o.owed;
        self.on_time += o.on_time;
        self.days += o.days;
        self.dated += o.dated;
    }

    fn metrics(&self) -> Metrics {
        let avg = if self.dated == 0 {
            0.0
        } else {
            (self.days as f64 * 10.0 / self.dated as f64).round() / 10.0
        };
        Metrics {
            values: [
                self.appeals as f64,
                self.questions as f64,
                percent(
                    usize::try_from(self.on_time).unwrap_or(usize::MAX),
                    usize::try_from(self.owed).unwrap_or(usize::MAX),
                ),
                avg,
            ],
            rated: self.owed > 0,
            dated: self.dated > 0,
        }
    }
}

/// A row's figures: appeals, questions, the on-time share of the answers owed by now and the
/// average days to an answer. A share with nothing owed yet, or an average with no answer, is
/// no figure at all («—»), not a zero.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    /// The four figures (0 where there is none).
    pub values: [f64; 4],
    /// Some answer is owed by now.
    pub rated: bool,
    /// Some answer has a date.
    pub dated: bool,
}

impl Metrics {
    /// The figures as the table's cells.
    pub fn cells(&self) -> impl Iterator<Item = String> + '_ {
        let present = [true, true, self.rated, self.dated];
        self.values.iter().zip(present).map(|(v, p)| {
            if p {
                super::fmt_number(*v)
            } else {
                "—".into()
            }
        })
    }
}

/// A fast hasher for the small integer keys (the standard one is built against hostile input,
/// which these keys are not: they are our own ids and codes).
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

type Groups = HashMap<[u32; 4], Acc, std::hash::BuildHasherDefault<KeyHasher>>;

/// Counts the appeal rows `rows` into groups and a total.
fn scan(f: &Facts, q: &Query, wanted_code: &[bool], rows: std::ops::Range<usize>) -> (Groups, Acc) {
    let a = &f.appeals;
    let (from, to, today) = (day_of(q.from), day_of(q.to), day_of(q.today));
    let mut groups = Groups::default();
    let mut total = Acc::default();
    let mut key = [0u32; 4];
    for r in rows {
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
        // The appeal's own parts of the key once, the questions' parts per question.
        for (k, d) in key.iter_mut().zip(&q.group_by) {
            if per_appeal(*d) {
                *k = appeal_value(*d, a, r);
            }
        }
        for qi in a.questions(r) {
            if !wanted_code[a.q_code[qi] as usize]
                || (q.result != 0 && i32::from(a.q_result[qi]) != q.result)
            {
                continue;
            }
            for (k, d) in key.iter_mut().zip(&q.group_by) {
                if !per_appeal(*d) {
                    *k = question_value(*d, f, qi);
                }
            }
            groups.entry(key).or_default().add(a, r, today);
            total.add(a, r, today);
        }
    }
    (groups, total)
}

/// Runs the query over the fact tables: one pass over the appeal columns, split between two
/// threads (the server's machine has two cores), grouping by small integer keys; names are
/// looked up once per group at the end.
pub fn run(f: &Facts, q: &Query, n: &Namer<'_>) -> pb::Table {
    run_split(f, q, n, SPLIT_FROM)
}

/// Fewer appeals than this are scanned by one thread: a thread costs more than it saves.
const SPLIT_FROM: usize = 50_000;

/// [`run`], splitting the scan between two threads from `split_from` appeals on.
pub(crate) fn run_split(f: &Facts, q: &Query, n: &Namer<'_>, split_from: usize) -> pb::Table {
    let wanted_code: Vec<bool> = (0..f.codes.len())
        .map(|id| {
            f.codes
                .name(u32::try_from(id).unwrap_or(u32::MAX))
                .starts_with(&q.classifier_prefix)
        })
        .collect();
    let len = f.appeals.len();
    let half = len / 2;
    // Each half holds different appeals, so their counts add up.
    let ((mut by_key, mut total), (other, other_total)) = if len < split_from.max(2) {
        (
            scan(f, q, &wanted_code, 0..len),
            (Groups::default(), Acc::default()),
        )
    } else {
        std::thread::scope(|s| {
            let second = s.spawn(|| scan(f, q, &wanted_code, half..len));
            let first = scan(f, q, &wanted_code, 0..half);
            let second = second
                .join()
                .unwrap_or_else(|_| scan(f, q, &wanted_code, half..len));
            (first, second)
        })
    };
    for (key, acc) in other {
        by_key.entry(key).or_default().merge(&acc);
    }
    total.merge(&other_total);
    // Keys with the same names differ in an appeal-level dimension (see `question_value`):
    // they count different appeals and add up.
    let mut groups: BTreeMap<Vec<String>, Acc> = BTreeMap::new();
    for (key, acc) in by_key {
        let names: Vec<String> = q
            .group_by
            .iter()
            .zip(key)
            .map(|(d, v)| key_name(*d, v, f, n))
            .collect();
        groups.entry(names).or_default().merge(&acc);
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
    for (key, acc) in &groups {
        let m = acc.metrics();
        let mut cells = if key.is_empty() {
            vec!["Всего".to_string()]
        } else {
            key.clone()
        };
        let mut values = vec![0.0; cells.len()];
        cells.extend(m.cells());
        values.extend_from_slice(&m.values);
        t.row(cells, values);
    }
    let m = total.metrics();
    let width = q.group_by.len().max(1);
    let mut cells = vec!["Итого".to_string()];
    cells.extend(std::iter::repeat_n(String::new(), width - 1));
    cells.extend(m.cells());
    let mut values = vec![0.0; width];
    values.extend_from_slice(&m.values);
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

    /// The first half of 2026, grouped by `group_by`, as seen on `today` (month, day).
    fn first_half(group_by: Vec<D>, today: (u32, u32)) -> Query {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        Query {
            from: d(1, 1),
            to: d(6, 30),
            group_by,
            group_id: 0,
            territory_id: 0,
            classifier_prefix: String::new(),
            channel: 0,
            kind: 0,
            result: 0,
            today: d(today.0, today.1),
        }
    }

    fn namer() -> Namer<'static> {
        Namer {
            group: &|g| format!("Группа № {g}"),
            territory: &|_| String::new(),
            code: &|_| String::new(),
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
        let q = first_half(vec![D::Section], (3, 25));
        let namer = namer();
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

    #[test]
    fn an_answer_not_yet_owed_is_no_figure_and_one_owed_and_missing_is_late() {
        let due = |m, day| {
            Some(pb::Deadline {
                date: Some(from_naive(
                    NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default(),
                )),
                ..Default::default()
            })
        };
        let mut waiting = appeal(1, 1, "0005.0005.0056.1154", (3, 2), None);
        waiting.due = due(3, 31);
        let mut forgotten = appeal(2, 2, "0005.0005.0056.1154", (2, 2), None);
        forgotten.due = due(3, 3);
        let answered = appeal(3, 2, "0005.0005.0056.1154", (2, 3), Some((2, 20, true)));
        let q = first_half(vec![D::Group], (3, 20));
        let namer = namer();
        let t = run(&[waiting, forgotten, answered], &q, &namer);
        let row = |name: &str| {
            t.rows
                .iter()
                .find(|r| r.cells[0] == name)
                .map(|r| r.cells.clone())
                .unwrap_or_default()
        };
        // Group 1's only appeal is due on the 31st: nothing is owed yet, so no share and no average.
        assert_eq!(row("Группа № 1"), ["Группа № 1", "1", "1", "—", "—"]);
        // Group 2: one answered in time, one a fortnight past due without an answer.
        assert_eq!(row("Группа № 2"), ["Группа № 2", "2", "2", "50", "17"]);
    }
}

//! The half-year and annual report on the groups' work (3.9, domain-facts §6).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::meeting::was_held;
use infogroups_shared::pb::{self, AssignmentStatus as S, MeetingStatus as M};
use infogroups_shared::quarters;

use super::TableBuilder;
use super::facts::{Facts, NO_DAY, date_of, day_of};

/// What the report reads.
pub struct Sources<'a> {
    /// Groups, in column order.
    pub groups: &'a [pb::Group],
    /// The fact tables (meetings, assignments, reception cards).
    pub facts: &'a Facts,
    /// The calendar (the quarterly minimum).
    pub calendar: &'a ProductionCalendar,
    /// Today (quarters still under way are not "missed").
    pub today: NaiveDate,
}

fn id(meta: Option<pb::Meta>) -> u64 {
    meta.map_or(0, |m| m.id)
}

#[derive(Default, Clone)]
struct Col {
    planned: f64,
    held: f64,
    residents: f64,
    received: f64,
    places: BTreeSet<u64>,
    questions: f64,
    answered_on_spot: f64,
    on_control: f64,
    issued: f64,
    on_time: f64,
    late: f64,
    extended: f64,
    overdue: f64,
    handed_on_time: f64,
    handed_late: f64,
    late_unhanded: f64,
    quarters_met: f64,
    quarters_missed: f64,
    topics: BTreeMap<String, u32>,
}

/// Builds the report for the days `from..=to` from the fact tables.
pub fn report(src: &Sources<'_>, title: &str, from: NaiveDate, to: NaiveDate) -> pb::Table {
    let f = src.facts;
    let (first, last) = (day_of(from), day_of(to));
    let in_period = |d: i32| d != NO_DAY && (first..=last).contains(&d);
    let mut cols: Vec<Col> = vec![Col::default(); src.groups.len()];
    let index: BTreeMap<u64, usize> = src
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (id(g.meta), i))
        .collect();
    let mut held_days: Vec<Vec<NaiveDate>> = vec![Vec::new(); src.groups.len()];
    for m in &f.meetings {
        let Some(i) = index.get(&m.group).copied() else {
            continue;
        };
        let status = M::try_from(m.status).unwrap_or(M::Unspecified);
        if was_held(status)
            && let Some(d) = date_of(m.date)
        {
            held_days[i].push(d);
        }
        if !in_period(m.date) {
            continue;
        }
        let c = &mut cols[i];
        if status != M::Cancelled {
            c.planned += 1.0;
        }
        if !was_held(status) {
            continue;
        }
        c.held += 1.0;
        if m.venue != 0 {
            c.places.insert(m.venue);
        }
        c.residents += f64::from(m.residents);
        c.questions += f64::from(m.questions);
        c.on_control += f64::from(m.on_control);
        c.answered_on_spot += f64::from(m.questions - m.on_control);
        for code in &m.codes {
            *c.topics.entry(f.codes.name(*code).to_string()).or_default() += 1;
        }
        match m.handed {
            Some(true) => c.handed_late += 1.0,
            Some(false) => c.handed_on_time += 1.0,
            None if m.late_unhanded => c.late_unhanded += 1.0,
            None => {}
        }
    }
    for (day, group) in &f.cards {
        if in_period(*day)
            && let Some(i) = index.get(group)
        {
            cols[*i].received += 1.0;
        }
    }
    let a = &f.assignments;
    for r in 0..a.len() {
        if !in_period(a.issued[r]) {
            continue;
        }
        let Some(c) = index.get(&u64::from(a.group[r])).map(|i| &mut cols[*i]) else {
            continue;
        };
        let status = S::try_from(i32::from(a.status[r])).unwrap_or(S::Unspecified);
        if status == S::Removed {
            continue;
        }
        c.issued += 1.0;
        match status {
            S::DoneOnTime => c.on_time += 1.0,
            S::DoneLate => c.late += 1.0,
            S::Overdue => c.overdue += 1.0,
            _ => {}
        }
        if a.extended[r] {
            c.extended += 1.0;
        }
    }
    for ((c, held), g) in cols.iter_mut().zip(&held_days).zip(src.groups) {
        let formed = quarters::formed_on(g);
        let mut year_q = from;
        while year_q <= to {
            let y = chrono::Datelike::year(&year_q);
            let q = quarters::quarter_of(year_q);
            match quarters::state(src.calendar, y, q, held, src.today, 0, formed) {
                quarters::QuarterState::Met => c.quarters_met += 1.0,
                quarters::QuarterState::Missed => c.quarters_missed += 1.0,
                _ => {}
            }
            let Some((_, end)) = quarters::bounds(y, q) else {
                break;
            };
            let Some(next) = end.succ_opt() else { break };
            year_q = next;
        }
    }
    let mut columns = vec!["Показатель".to_string()];
    columns.extend(src.groups.iter().map(|g| format!("Группа № {}", g.number)));
    columns.push("Итого".into());
    let mut t = TableBuilder::new(title, columns);
    let row = |t: &mut TableBuilder, label: &str, f: &dyn Fn(&Col) -> f64| {
        let mut values: Vec<f64> = cols.iter().map(f).collect();
        values.push(values.iter().sum());
        t.numbers(label, &values);
    };
    row(&mut t, "Встреч запланировано", &|c| {
        c.planned
    });
    row(&mut t, "Встреч проведено", &|c| c.held);
    row(
        &mut t,
        "Кварталов с выполненным минимумом (п. 3.1)",
        &|c| c.quarters_met,
    );
    row(&mut t, "Кварталов без встречи", &|c| {
        c.quarters_missed
    });
    row(&mut t, "Жителей присутствовало", &|c| c.residents);
    row(&mut t, "Граждан принято на личном приёме", &|c| c.received);
    row(&mut t, "Мест проведения", &|c| {
        c.places.len() as f64
    });
    row(&mut t, "Вопросов поднято", &|c| c.questions);
    row(
        &mut t,
        "  из них отвечено на месте / разъяснено",
        &|c| c.answered_on_spot,
    );
    row(&mut t, "  из них взято на контроль", &|c| c.on_control);
    row(&mut t, "Поручений дано", &|c| c.issued);
    row(&mut t, "  исполнено в срок", &|c| c.on_time);
    row(&mut t, "  исполнено с нарушением срока", &|c| c.late);
    row(&mut t, "  продлено", &|c| c.extended);
    row(&mut t, "  просрочено", &|c| c.overdue);
    row(&mut t, "Протоколов передано в срок", &|c| c.handed_on_time);
    row(
        &mut t,
        "Протоколов передано с опозданием",
        &|c| c.handed_late,
    );
    row(
        &mut t,
        "Протоколов не передано, срок истёк",
        &|c| c.late_unhanded,
    );
    let mut top = vec![TOP_PROBLEMS.to_string()];
    let mut all: BTreeMap<String, u32> = BTreeMap::new();
    for c in &cols {
        top.push(top_codes(&c.topics, 3));
        for (k, v) in &c.topics {
            *all.entry(k.clone()).or_default() += v;
        }
    }
    top.push(top_codes(&all, 3));
    t.text(top);
    t.build()
}

/// The label of the row of the most raised problems.
pub const TOP_PROBLEMS: &str = "Наиболее часто поднимаемые проблемы";

/// Names the codes of the most-raised-problems row («code (count)» becomes «code name
/// (count)»), so no classifier code is printed bare.
pub fn name_top_codes(t: &mut pb::Table, name: &dyn Fn(&str) -> Option<String>) {
    for r in t
        .rows
        .iter_mut()
        .filter(|r| r.cells.first().is_some_and(|c| c == TOP_PROBLEMS))
    {
        for cell in r.cells.iter_mut().skip(1) {
            *cell = cell
                .split("; ")
                .map(|item| match item.split_once(" (") {
                    Some((code, count)) => match name(code) {
                        Some(n) => format!("{code} {n} ({count}"),
                        None => item.to_string(),
                    },
                    None => item.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; ");
        }
    }
}

/// The `n` most frequent codes as "code (count)", most first.
pub fn top_codes(counts: &BTreeMap<String, u32>, n: usize) -> String {
    let mut v: Vec<(&String, &u32)> = counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.into_iter()
        .take(n)
        .map(|(k, c)| format!("{k} ({c})"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use infogroups_shared::validate::from_naive;

    /// The records a test report reads.
    struct Inputs<'a> {
        groups: &'a [pb::Group],
        meetings: &'a [pb::Meeting],
        assignments: &'a [pb::Assignment],
        cards: &'a [pb::ReceptionCard],
        calendar: &'a ProductionCalendar,
        today: NaiveDate,
    }

    /// The report over records, through fact tables built from them.
    fn report(inp: &Inputs<'_>, title: &str, from: NaiveDate, to: NaiveDate) -> pb::Table {
        let facts = Facts::from_records(&[], inp.assignments, inp.meetings, inp.cards);
        let src = Sources {
            groups: inp.groups,
            facts: &facts,
            calendar: inp.calendar,
            today: inp.today,
        };
        super::report(&src, title, from, to)
    }

    #[test]
    fn the_top_problems_carry_their_names() {
        let mut t = pb::Table {
            rows: vec![pb::Row {
                cells: vec![
                    TOP_PROBLEMS.into(),
                    "0005.0005.0056.1154 (2); 0005.0005.0056.9999 (1)".into(),
                ],
                values: vec![],
            }],
            ..Default::default()
        };
        name_top_codes(&mut t, &|c| {
            (c == "0005.0005.0056.1154").then(|| "Перебои в водоснабжении".to_string())
        });
        assert_eq!(
            t.rows[0].cells[1],
            "0005.0005.0056.1154 Перебои в водоснабжении (2); 0005.0005.0056.9999 (1)"
        );
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    fn meeting(group: u64, date: NaiveDate, status: M, late: bool) -> pb::Meeting {
        pb::Meeting {
            group_id: group,
            date: Some(from_naive(date)),
            status: status as i32,
            venue_id: 1,
            protocol: Some(pb::Protocol {
                residents_attending: 30,
                questions: vec![
                    pb::RaisedQuestion {
                        classifier_code: "0005.0005.0056.1154".into(),
                        answer_mode: pb::AnswerMode::OnControl as i32,
                        ..Default::default()
                    },
                    pb::RaisedQuestion {
                        classifier_code: "0005.0005.0056.1154".into(),
                        answer_mode: pb::AnswerMode::OnTheSpot as i32,
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }),
            handover: Some(pb::Handover {
                handed_at_ms: 1,
                late,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn value(t: &pb::Table, label: &str, col: usize) -> f64 {
        t.rows
            .iter()
            .find(|r| r.cells.first().is_some_and(|c| c == label))
            .and_then(|r| r.values.get(col).copied())
            .unwrap_or(-1.0)
    }

    #[test]
    fn a_half_year_counts_against_hand_computed_figures() {
        let groups = vec![
            pb::Group {
                meta: Some(pb::Meta {
                    id: 1,
                    ..Default::default()
                }),
                number: 1,
                ..Default::default()
            },
            pb::Group {
                meta: Some(pb::Meta {
                    id: 2,
                    ..Default::default()
                }),
                number: 2,
                ..Default::default()
            },
        ];
        let meetings = vec![
            // On the last day of Q1: counts for Q1 and the half-year.
            meeting(1, d(3, 31), M::HandedOver, false),
            meeting(1, d(5, 20), M::ResultsPublished, true),
            meeting(2, d(6, 30), M::HandedOver, false),
            // Outside the period.
            meeting(2, d(7, 1), M::HandedOver, false),
            meeting(2, d(2, 1), M::Cancelled, false),
        ];
        let assignments = vec![
            pb::Assignment {
                group_id: 1,
                issued: Some(from_naive(d(2, 1))),
                status: S::DoneOnTime as i32,
                ..Default::default()
            },
            pb::Assignment {
                group_id: 1,
                issued: Some(from_naive(d(2, 1))),
                status: S::Overdue as i32,
                extensions: vec![pb::Extension {
                    state: pb::ExtensionState::Granted as i32,
                    ..Default::default()
                }],
                ..Default::default()
            },
            pb::Assignment {
                group_id: 2,
                issued: Some(from_naive(d(7, 2))),
                status: S::DoneLate as i32,
                ..Default::default()
            },
        ];
        let cal = ProductionCalendar::new();
        let inp = Inputs {
            groups: &groups,
            meetings: &meetings,
            assignments: &assignments,
            cards: &[],
            calendar: &cal,
            today: d(8, 1),
        };
        let t = report(&inp, "Первое полугодие 2026", d(1, 1), d(6, 30));
        assert_eq!(
            t.columns,
            ["Показатель", "Группа № 1", "Группа № 2", "Итого"]
        );
        assert_eq!(value(&t, "Встреч проведено", 1), 2.0);
        assert_eq!(value(&t, "Встреч проведено", 2), 1.0);
        assert_eq!(value(&t, "Встреч проведено", 3), 3.0);
        assert_eq!(value(&t, "Встреч запланировано", 2), 1.0);
        assert_eq!(
            value(&t, "Кварталов с выполненным минимумом (п. 3.1)", 1),
            2.0
        );
        // Group 2: Q1 had only a cancelled meeting; Q2 met on 30.06.
        assert_eq!(value(&t, "Кварталов без встречи", 2), 1.0);
        assert_eq!(value(&t, "Жителей присутствовало", 3), 90.0);
        assert_eq!(value(&t, "  из них взято на контроль", 3), 3.0);
        assert_eq!(value(&t, "Протоколов передано с опозданием", 1), 1.0);
        assert_eq!(value(&t, "Поручений дано", 1), 2.0);
        assert_eq!(value(&t, "  продлено", 1), 1.0);
        assert_eq!(value(&t, "Поручений дано", 2), 0.0);
        let top = t
            .rows
            .last()
            .map(|r| r.cells[3].clone())
            .unwrap_or_default();
        assert_eq!(top, "0005.0005.0056.1154 (6)");
    }
}

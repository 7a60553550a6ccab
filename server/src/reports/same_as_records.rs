//! The fact tables answer exactly as the reports over decoded records did: random stores (seeded,
//! so a failure names its seed), records written several times over as the write path does
//! (an update may add or drop questions), every report compared table for table.

use chrono::NaiveDate;
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::pb::{self, Dimension as D};
use infogroups_shared::validate::from_naive;
use prost::Message;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::aggregate::{Namer, Query};
use super::facts::Facts;
use super::reference;
use crate::db::keys;
use crate::entity::Kind;
use crate::store::Write;

const CODES: [&str; 6] = [
    "0005.0005.0056.1154",
    "0005.0005.0056.1153",
    "0005.0005.0055.1122",
    "0002.0008.0000.0000",
    "0003.0011.0123.0456",
    "",
];

fn date(rng: &mut StdRng) -> Option<pb::Date> {
    // Mostly within 2025–2026, sometimes missing.
    if rng.random_bool(0.05) {
        return None;
    }
    let d = NaiveDate::from_ymd_opt(2025, 1, 1)
        .map(|d| d + chrono::Days::new(rng.random_range(0..730)))
        .unwrap_or_default();
    Some(from_naive(d))
}

fn appeal(rng: &mut StdRng, id: u64) -> pb::Appeal {
    let questions = (0..rng.random_range(0..4))
        .map(|_| pb::AppealQuestion {
            classifier_code: CODES[rng.random_range(0..CODES.len())].into(),
            result: rng.random_range(0..7),
            on_site: rng.random_bool(0.2),
            ..Default::default()
        })
        .collect();
    let answered = rng.random_bool(0.6);
    pb::Appeal {
        meta: Some(pb::Meta {
            id,
            ..Default::default()
        }),
        registered: date(rng),
        group_id: rng.random_range(0..4),
        territory_id: rng.random_range(0..4),
        channel: rng.random_range(0..9),
        kind: rng.random_range(0..4),
        status: rng.random_range(0..10),
        repeated: rng.random_bool(0.1),
        collective: rng.random_bool(0.1),
        questions,
        due: Some(pb::Deadline {
            date: date(rng),
            predicted: false,
        }),
        extensions: if rng.random_bool(0.1) {
            vec![pb::AppealExtension::default()]
        } else {
            Vec::new()
        },
        answer: answered.then(|| pb::AppealAnswer {
            date: date(rng),
            on_time: rng.random_bool(0.7),
            ..Default::default()
        }),
        citizen: Some(pb::Citizen {
            surname: "Секретова".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn assignment(rng: &mut StdRng, id: u64) -> pb::Assignment {
    pb::Assignment {
        meta: Some(pb::Meta {
            id,
            ..Default::default()
        }),
        group_id: rng.random_range(0..4),
        department_id: rng.random_range(0..3),
        issued: date(rng),
        deadline: Some(pb::Deadline {
            date: date(rng),
            predicted: false,
        }),
        completed: date(rng),
        status: rng.random_range(0..9),
        extensions: (0..rng.random_range(0..3))
            .map(|_| pb::Extension {
                state: rng.random_range(0..4),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn meeting(rng: &mut StdRng, id: u64) -> pb::Meeting {
    pb::Meeting {
        meta: Some(pb::Meta {
            id,
            ..Default::default()
        }),
        group_id: rng.random_range(0..4),
        venue_id: rng.random_range(0..3),
        date: date(rng),
        status: rng.random_range(0..10),
        protocol: rng.random_bool(0.8).then(|| pb::Protocol {
            residents_attending: rng.random_range(0..50),
            questions: (0..rng.random_range(0..4))
                .map(|_| pb::RaisedQuestion {
                    classifier_code: CODES[rng.random_range(0..CODES.len())].into(),
                    answer_mode: rng.random_range(0..4),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }),
        handover: rng.random_bool(0.7).then(|| pb::Handover {
            handed_at_ms: rng.random_range(0..2),
            late: rng.random_bool(0.3),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn card(rng: &mut StdRng, id: u64) -> pb::ReceptionCard {
    pb::ReceptionCard {
        meta: Some(pb::Meta {
            id,
            ..Default::default()
        }),
        date: date(rng),
        group_id: rng.random_range(0..4),
        ..Default::default()
    }
}

/// Random records, each written one to three times (the last write is what the store holds);
/// returns the writes in commit order and the final records.
struct Store {
    writes: Vec<Write>,
    appeals: Vec<pb::Appeal>,
    assignments: Vec<pb::Assignment>,
    meetings: Vec<pb::Meeting>,
    cards: Vec<pb::ReceptionCard>,
}

fn random_store(seed: u64) -> Store {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut writes = Vec::new();
    fn versions<E: Message>(
        rng: &mut StdRng,
        writes: &mut Vec<Write>,
        kind: Kind,
        n: u64,
        make: impl Fn(&mut StdRng, u64) -> E,
    ) -> Vec<E> {
        let mut out = Vec::new();
        for id in 1..=n {
            let times = rng.random_range(1..4);
            let mut last = make(rng, id);
            writes.push((keys::entity(kind, id), Some(last.encode_to_vec())));
            for _ in 1..times {
                last = make(rng, id);
                writes.push((keys::entity(kind, id), Some(last.encode_to_vec())));
            }
            out.push(last);
        }
        out
    }
    let n = rng.random_range(0..60);
    let appeals = versions(&mut rng, &mut writes, Kind::Appeal, n, appeal);
    let n = rng.random_range(0..40);
    let assignments = versions(&mut rng, &mut writes, Kind::Assignment, n, assignment);
    let n = rng.random_range(0..20);
    let meetings = versions(&mut rng, &mut writes, Kind::Meeting, n, meeting);
    let n = rng.random_range(0..20);
    let cards = versions(&mut rng, &mut writes, Kind::ReceptionCard, n, card);
    // Unrelated writes the tables must ignore.
    writes.push((keys::entity(Kind::Territory, 1), Some(vec![1, 2, 3])));
    writes.push((keys::event(1), Some(vec![0xff])));
    Store {
        writes,
        appeals,
        assignments,
        meetings,
        cards,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

const SEEDS: u64 = 200;

#[test]
fn the_fact_tables_answer_as_the_records_did() -> Result<(), Box<dyn std::error::Error>> {
    let namer = Namer {
        group: &|g| format!("Группа {}", g % 3),
        territory: &|t| format!("Территория {t}"),
        code: &|c| format!("имя {}", c.len() % 2),
    };
    let groups: Vec<pb::Group> = (1..4)
        .map(|id| pb::Group {
            meta: Some(pb::Meta {
                id,
                ..Default::default()
            }),
            number: u32::try_from(id).unwrap_or(0),
            ..Default::default()
        })
        .collect();
    let territories: Vec<pb::Territory> = (0..4)
        .map(|id| pb::Territory {
            meta: Some(pb::Meta {
                id,
                ..Default::default()
            }),
            name: format!("Территория {id}"),
            ..Default::default()
        })
        .collect();
    let sections = vec![
        ("0005.0000.0000.0000".to_string(), "ЖКХ".to_string()),
        (
            "0002.0000.0000.0000".to_string(),
            "Социальная сфера".to_string(),
        ),
        ("0004.0000.0000.0000".to_string(), "Нет таких".to_string()),
    ];
    let cal = ProductionCalendar::new();
    let dims = [
        D::Group,
        D::Territory,
        D::Section,
        D::Thematic,
        D::Topic,
        D::Question,
        D::Channel,
        D::Kind,
        D::Result,
        D::Month,
    ];
    for seed in 0..SEEDS {
        let s = random_store(seed);
        let mut facts = Facts::default();
        facts.apply(&s.writes)?;
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
        for _ in 0..4 {
            let group_by = (0..rng.random_range(0..4))
                .map(|_| dims[rng.random_range(0..dims.len())])
                .collect();
            let q = Query {
                from: d(2025, rng.random_range(1..13), 1),
                to: d(2026, rng.random_range(1..13), 28),
                group_by,
                group_id: if rng.random_bool(0.3) { 1 } else { 0 },
                territory_id: if rng.random_bool(0.3) { 2 } else { 0 },
                classifier_prefix: ["", "0005", "0005.0005.0056", "0002"][rng.random_range(0..4)]
                    .into(),
                channel: if rng.random_bool(0.3) { 1 } else { 0 },
                kind: if rng.random_bool(0.2) { 2 } else { 0 },
                result: if rng.random_bool(0.2) { 1 } else { 0 },
                today: d(2026, rng.random_range(1..13), 15),
            };
            let expected = reference::aggregate::run(&s.appeals, &q, &namer);
            assert_eq!(
                super::aggregate::run(&facts, &q, &namer),
                expected,
                "seed {seed}, {q:?}"
            );
            assert_eq!(
                super::aggregate::run_split(&facts, &q, &namer, 0),
                expected,
                "seed {seed}, two threads, {q:?}"
            );
        }
        for year in [2025, 2026] {
            assert_eq!(
                super::appeals::analysis(year, &facts, &territories, &sections),
                reference::appeals::analysis(year, &s.appeals, &s.cards, &territories, &sections),
                "seed {seed}, analysis {year}"
            );
            let (from, to) = (d(year, 1, 1), d(year, 6, 30));
            let today = d(2026, 8, 15);
            let src = super::groups::Sources {
                groups: &groups,
                facts: &facts,
                calendar: &cal,
                today,
            };
            let inp = reference::groups::Inputs {
                groups: &groups,
                meetings: &s.meetings,
                assignments: &s.assignments,
                cards: &s.cards,
                calendar: &cal,
                today,
            };
            assert_eq!(
                super::groups::report(&src, "Отчёт", from, to),
                reference::groups::report(&inp, "Отчёт", from, to),
                "seed {seed}, groups report {year}"
            );
            let (a, b) = (d(year, 1, 1), d(year, 12, 31));
            assert_eq!(
                super::discipline_by_department(&facts, a, b, today),
                infogroups_shared::discipline::summarise(
                    &s.assignments,
                    infogroups_shared::discipline::By::Department,
                    a,
                    b,
                    today
                ),
                "seed {seed}, discipline {year}"
            );
        }
    }
    Ok(())
}

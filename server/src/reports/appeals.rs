//! The general department's annual analysis of written appeals and reception cards (3.8.6),
//! compared with the previous year.

use std::collections::HashMap;

use chrono::NaiveDate;
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, AppealStatus as A, QuestionResult as R};

use super::TableBuilder;
use super::facts::{Facts, day_of, flag};

/// One year's counts, in one pass over the fact tables.
#[derive(Default)]
struct Year {
    appeals: f64,
    cards: f64,
    questions: f64,
    channel: [f64; 8],
    kind: [f64; 4],
    /// By interned section code.
    section: Vec<f64>,
    /// By territory id (small ids in the vector, any others in the map).
    territory: Vec<f64>,
    territory_other: HashMap<u32, f64>,
    repeated: f64,
    collective: f64,
    result: [f64; 7],
    special: f64,
    on_site: f64,
    on_time: f64,
    late: f64,
    extended: f64,
}

/// Territory ids below this are counted in a vector.
const DENSE_TERRITORIES: u32 = 1 << 16;

/// The counts of `year - 1` and `year`, in one pass over the fact tables.
fn year_counts(f: &Facts, year: i32) -> [Year; 2] {
    let mut years = [Year::default(), Year::default()];
    for y in &mut years {
        y.section = vec![0.0; f.codes.len()];
    }
    let bounds = |y: i32| {
        Some((
            day_of(NaiveDate::from_ymd_opt(y, 1, 1)?),
            day_of(NaiveDate::from_ymd_opt(y, 12, 31)?),
        ))
    };
    let (Some((from, mid)), Some((next, to))) = (bounds(year - 1), bounds(year)) else {
        return years;
    };
    let a = &f.appeals;
    let answered = A::Answered as u8;
    for r in 0..a.len() {
        let reg = a.registered[r];
        let y = if (from..=mid).contains(&reg) {
            &mut years[0]
        } else if (next..=to).contains(&reg) {
            &mut years[1]
        } else {
            continue;
        };
        y.appeals += 1.0;
        if let Some(c) = y.channel.get_mut(usize::from(a.channel[r])) {
            *c += 1.0;
        }
        if let Some(k) = y.kind.get_mut(usize::from(a.kind[r])) {
            *k += 1.0;
        }
        let t = a.territory[r];
        if t < DENSE_TERRITORIES {
            let t = t as usize;
            if y.territory.len() <= t {
                y.territory.resize(t + 1, 0.0);
            }
            y.territory[t] += 1.0;
        } else {
            *y.territory_other.entry(t).or_default() += 1.0;
        }
        let flags = a.flags[r];
        if flags & flag::REPEATED != 0 {
            y.repeated += 1.0;
        }
        if flags & flag::COLLECTIVE != 0 {
            y.collective += 1.0;
        }
        let status = A::try_from(i32::from(a.status[r])).unwrap_or_default();
        if infogroups_shared::appeal::is_special(status) {
            y.special += 1.0;
        }
        if a.status[r] == answered && flags & flag::HAS_ANSWER != 0 {
            if flags & flag::ON_TIME != 0 {
                y.on_time += 1.0;
            } else {
                y.late += 1.0;
            }
        }
        if flags & flag::EXTENDED != 0 || status == A::Extended {
            y.extended += 1.0;
        }
        for qi in a.questions(r) {
            y.questions += 1.0;
            if let Some(n) = y
                .section
                .get_mut(f.codes.ancestor(a.q_code[qi], 1) as usize)
            {
                *n += 1.0;
            }
            if let Some(n) = y.result.get_mut(usize::from(a.q_result[qi])) {
                *n += 1.0;
            }
            if a.q_on_site[qi] {
                y.on_site += 1.0;
            }
        }
    }
    for (d, _) in &f.cards {
        if (from..=mid).contains(d) {
            years[0].cards += 1.0;
        } else if (next..=to).contains(d) {
            years[1].cards += 1.0;
        }
    }
    years
}

/// The rows of one year, keyed by label in a fixed order.
fn rows(
    y: &Year,
    f: &Facts,
    territories: &[pb::Territory],
    sections: &[(String, String)],
) -> Vec<(String, f64)> {
    let mut rows = vec![
        ("Обращений всего".to_string(), y.appeals),
        ("Карточек личного приёма".to_string(), y.cards),
        ("Вопросов в обращениях".to_string(), y.questions),
    ];
    for c in 1..=7 {
        let ch = pb::Channel::try_from(c).unwrap_or_default();
        rows.push((
            format!("Канал: {}", names::channel(Lang::Ru, ch)),
            y.channel[c as usize],
        ));
    }
    for k in 1..=3 {
        let kind = pb::AppealKind::try_from(k).unwrap_or_default();
        rows.push((
            format!("Вид: {}", names::appeal_kind(Lang::Ru, kind)),
            y.kind[k as usize],
        ));
    }
    for (code, name) in sections {
        let n = f
            .codes
            .id(code)
            .and_then(|id| y.section.get(id as usize))
            .copied()
            .unwrap_or(0.0);
        rows.push((format!("Раздел {code} {name}"), n));
    }
    for t in territories {
        let id = t.meta.map_or(0, |m| m.id);
        let n = match u32::try_from(id) {
            Ok(id) if id < DENSE_TERRITORIES => y.territory.get(id as usize).copied(),
            Ok(id) => y.territory_other.get(&id).copied(),
            Err(_) => None,
        }
        .unwrap_or(0.0);
        rows.push((format!("Территория: {}", t.name), n));
    }
    rows.push(("Повторных".into(), y.repeated));
    rows.push(("Коллективных".into(), y.collective));
    let result = |r: &[R]| r.iter().map(|r| y.result[*r as usize]).sum::<f64>();
    for (label, r) in [
        ("Поддержано", &[R::Supported, R::MeasuresTaken][..]),
        ("  в т. ч. меры приняты", &[R::MeasuresTaken][..]),
        ("Разъяснено", &[R::Explained][..]),
        ("Не поддержано", &[R::NotSupported][..]),
        ("Направлено по компетенции", &[R::Forwarded][..]),
    ] {
        rows.push((label.into(), result(r)));
    }
    rows.push(("Оставлено без ответа (ст. 11)".into(), y.special));
    rows.push(("Рассмотрено с выездом на место".into(), y.on_site));
    rows.push(("Ответ дан в срок".into(), y.on_time));
    rows.push(("Ответ дан с нарушением срока".into(), y.late));
    rows.push(("Срок рассмотрения продлевался".into(), y.extended));
    rows
}

/// The analysis for `year` beside `year - 1`, over the fact tables.
pub fn analysis(
    year: i32,
    f: &Facts,
    territories: &[pb::Territory],
    sections: &[(String, String)],
) -> pb::Table {
    let [prev, cur] = year_counts(f, year);
    let prev = rows(&prev, f, territories, sections);
    let cur = rows(&cur, f, territories, sections);
    let mut t = TableBuilder::new(
        format!(
            "Анализ обращений граждан за {year} год в сравнении с {} годом",
            year - 1
        ),
        vec![
            "Показатель".into(),
            format!("{} год", year - 1),
            format!("{year} год"),
            "Изменение, %".into(),
        ],
    );
    for ((label, p), (_, c)) in prev.into_iter().zip(cur) {
        t.comparison(label, p, c);
    }
    t.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use infogroups_shared::validate::from_naive;

    /// The analysis over records, through fact tables built from them.
    fn analysis(
        year: i32,
        appeals: &[pb::Appeal],
        cards: &[pb::ReceptionCard],
        territories: &[pb::Territory],
        sections: &[(String, String)],
    ) -> pb::Table {
        let f = Facts::from_records(appeals, &[], &[], cards);
        super::analysis(year, &f, territories, sections)
    }

    fn appeal(y: i32, channel: pb::Channel, result: R, on_time: bool) -> pb::Appeal {
        pb::Appeal {
            registered: Some(from_naive(
                NaiveDate::from_ymd_opt(y, 6, 1).unwrap_or_default(),
            )),
            channel: channel as i32,
            kind: pb::AppealKind::Complaint as i32,
            status: A::Answered as i32,
            questions: vec![pb::AppealQuestion {
                classifier_code: "0005.0005.0056.1154".into(),
                result: result as i32,
                ..Default::default()
            }],
            answer: Some(pb::AppealAnswer {
                on_time,
                ..Default::default()
            }),
            citizen: Some(pb::Citizen {
                surname: "Секретова".into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn counts_by_year_and_the_change() {
        let list = vec![
            appeal(2025, pb::Channel::Post, R::Explained, true),
            appeal(2026, pb::Channel::Post, R::MeasuresTaken, true),
            appeal(2026, pb::Channel::Epgu, R::NotSupported, false),
        ];
        let sections = vec![(
            "0005.0000.0000.0000".to_string(),
            "Жилищно-коммунальная сфера".to_string(),
        )];
        let t = analysis(2026, &list, &[], &[], &sections);
        let row = |label: &str| {
            t.rows
                .iter()
                .find(|r| r.cells[0] == label)
                .map(|r| r.values.clone())
                .unwrap_or_default()
        };
        assert_eq!(row("Обращений всего"), vec![0.0, 1.0, 2.0, 100.0]);
        assert_eq!(row("Поддержано"), vec![0.0, 0.0, 1.0, 0.0]);
        assert_eq!(row("  в т. ч. меры приняты"), vec![0.0, 0.0, 1.0, 0.0]);
        assert_eq!(
            row("Ответ дан с нарушением срока"),
            vec![0.0, 0.0, 1.0, 0.0]
        );
        assert_eq!(
            row("Раздел 0005.0000.0000.0000 Жилищно-коммунальная сфера"),
            vec![0.0, 1.0, 2.0, 100.0]
        );
        let text: String = t.rows.iter().flat_map(|r| r.cells.clone()).collect();
        assert!(!text.contains("Секретова"));
    }
}

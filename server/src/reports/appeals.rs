//! The general department's annual analysis of written appeals and reception cards (3.8.6),
//! compared with the previous year.

use chrono::{Datelike, NaiveDate};
use infogroups_shared::classifier::ancestor;
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb::{self, AppealStatus as A, QuestionResult as R};
use infogroups_shared::validate::to_naive;

use super::TableBuilder;

fn registered(a: &pb::Appeal) -> Option<NaiveDate> {
    a.registered.as_ref().and_then(to_naive)
}

/// One year's counts, keyed by row label in a fixed order.
fn year_counts(
    appeals: &[&pb::Appeal],
    cards: usize,
    territories: &[pb::Territory],
    sections: &[(String, String)],
) -> Vec<(String, f64)> {
    let n = |f: &dyn Fn(&pb::Appeal) -> bool| appeals.iter().filter(|a| f(a)).count() as f64;
    let q = |f: &dyn Fn(&pb::AppealQuestion) -> bool| {
        appeals
            .iter()
            .flat_map(|a| a.questions.iter())
            .filter(|x| f(x))
            .count() as f64
    };
    let mut rows = vec![
        ("Обращений всего".to_string(), appeals.len() as f64),
        ("Карточек личного приёма".to_string(), cards as f64),
        ("Вопросов в обращениях".to_string(), q(&|_| true)),
    ];
    for c in 1..=7 {
        let ch = pb::Channel::try_from(c).unwrap_or_default();
        rows.push((
            format!("Канал: {}", names::channel(Lang::Ru, ch)),
            n(&|a| a.channel == c),
        ));
    }
    for k in 1..=3 {
        let kind = pb::AppealKind::try_from(k).unwrap_or_default();
        rows.push((
            format!("Вид: {}", names::appeal_kind(Lang::Ru, kind)),
            n(&|a| a.kind == k),
        ));
    }
    for (code, name) in sections {
        rows.push((
            format!("Раздел {code} {name}"),
            q(&|x| ancestor(&x.classifier_code, 1) == *code),
        ));
    }
    for t in territories {
        let id = t.meta.map_or(0, |m| m.id);
        rows.push((
            format!("Территория: {}", t.name),
            n(&|a| a.territory_id == id),
        ));
    }
    rows.push(("Повторных".into(), n(&|a| a.repeated)));
    rows.push(("Коллективных".into(), n(&|a| a.collective)));
    for (label, r) in [
        ("Поддержано", vec![R::Supported, R::MeasuresTaken]),
        ("  в т. ч. меры приняты", vec![R::MeasuresTaken]),
        ("Разъяснено", vec![R::Explained]),
        ("Не поддержано", vec![R::NotSupported]),
        ("Направлено по компетенции", vec![R::Forwarded]),
    ] {
        rows.push((
            label.into(),
            q(&|x| r.iter().any(|r| *r as i32 == x.result)),
        ));
    }
    rows.push((
        "Оставлено без ответа (ст. 11)".into(),
        n(&|a| infogroups_shared::appeal::is_special(A::try_from(a.status).unwrap_or_default())),
    ));
    rows.push(("Рассмотрено с выездом на место".into(), q(&|x| x.on_site)));
    rows.push((
        "Ответ дан в срок".into(),
        n(&|a| a.answer.as_ref().is_some_and(|x| x.on_time) && a.status == A::Answered as i32),
    ));
    rows.push((
        "Ответ дан с нарушением срока".into(),
        n(&|a| a.answer.as_ref().is_some_and(|x| !x.on_time) && a.status == A::Answered as i32),
    ));
    rows.push((
        "Срок рассмотрения продлевался".into(),
        n(&|a| !a.extensions.is_empty() || a.status == A::Extended as i32),
    ));
    rows
}

/// The analysis for `year` beside `year - 1`.
pub fn analysis(
    year: i32,
    appeals: &[pb::Appeal],
    cards: &[pb::ReceptionCard],
    territories: &[pb::Territory],
    sections: &[(String, String)],
) -> pb::Table {
    let of = |y: i32| -> Vec<&pb::Appeal> {
        appeals
            .iter()
            .filter(|a| registered(a).is_some_and(|d| d.year() == y))
            .collect()
    };
    let cards_of = |y: i32| {
        cards
            .iter()
            .filter(|c| {
                c.date
                    .as_ref()
                    .and_then(to_naive)
                    .is_some_and(|d| d.year() == y)
            })
            .count()
    };
    let prev = year_counts(&of(year - 1), cards_of(year - 1), territories, sections);
    let cur = year_counts(&of(year), cards_of(year), territories, sections);
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
        let change = if p == 0.0 {
            0.0
        } else {
            ((c - p) * 1000.0 / p).round() / 10.0
        };
        t.numbers(label, &[p, c, change]);
    }
    t.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use infogroups_shared::validate::from_naive;

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

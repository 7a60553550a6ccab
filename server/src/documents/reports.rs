//! The reports as documents: the groups' half-year and annual information (3.9), the annual
//! appeals analysis (3.8.6), the execution-discipline summary and ad-hoc aggregates, each with
//! its period in the heading and the file name and the head of the control sector's signature.

use infogroups_shared::pb;

use super::model::{Block, Document, Row, Signer, is_number, sub_row_label};
use super::sources::{Sources, file_stem};

/// The unit that issues the reports.
pub const CONTROL_SECTOR: &str = "Контрольно-организационный сектор";

/// What a report document says about itself.
#[derive(Debug, Clone)]
pub struct ReportHead {
    /// The kind in capitals.
    pub kind: &'static str,
    /// The heading, with the period.
    pub heading: String,
    /// The file name's stem, with the period.
    pub file_stem: String,
}

/// The period of a groups report in words («первое полугодие 2026 года»).
pub fn period_words(year: i32, kind: pb::PeriodKind) -> String {
    match kind {
        pb::PeriodKind::FirstHalf => format!("первое полугодие {year} года"),
        pb::PeriodKind::SecondHalf => format!("второе полугодие {year} года"),
        pb::PeriodKind::Year | pb::PeriodKind::Unspecified => format!("{year} год"),
    }
}

/// The groups' half-year or annual information.
pub fn groups_head(year: i32, kind: pb::PeriodKind) -> ReportHead {
    let tag = match kind {
        pb::PeriodKind::FirstHalf => "h1",
        pb::PeriodKind::SecondHalf => "h2",
        pb::PeriodKind::Year | pb::PeriodKind::Unspecified => "year",
    };
    ReportHead {
        kind: "ИНФОРМАЦИЯ",
        heading: format!(
            "о работе информационных групп за {}",
            period_words(year, kind)
        ),
        file_stem: file_stem(&["groups-report", &year.to_string(), tag]),
    }
}

/// The annual appeals analysis.
pub fn appeals_head(year: i32) -> ReportHead {
    ReportHead {
        kind: "АНАЛИТИЧЕСКАЯ СПРАВКА",
        heading: format!(
            "об обращениях граждан за {year} год в сравнении с {} годом",
            year - 1
        ),
        file_stem: file_stem(&["appeals-analysis", &year.to_string()]),
    }
}

/// The execution-discipline summary.
pub fn discipline_head(year: i32) -> ReportHead {
    ReportHead {
        kind: "СВОДКА",
        heading: format!("об исполнительской дисциплине по подразделениям за {year} год"),
        file_stem: file_stem(&["discipline", &year.to_string()]),
    }
}

/// An ad-hoc aggregate over `from`–`to` (DD.MM.YYYY).
pub fn aggregate_head(from: &str, to: &str, grouping: &str) -> ReportHead {
    let by = if grouping.is_empty() {
        String::new()
    } else {
        format!(" ({grouping})")
    };
    ReportHead {
        kind: "СПРАВКА",
        heading: format!("об обращениях граждан за период с {from} по {to}{by}"),
        file_stem: file_stem(&["aggregate", from, to]),
    }
}

/// The table's rows for a document: its rows, then the totals in bold.
pub fn rows(t: &pb::Table) -> Vec<Row> {
    let mut rows: Vec<Row> = t
        .rows
        .iter()
        .map(|r| {
            let mut cells = r.cells.clone();
            let sub = cells
                .first()
                .and_then(|label| sub_row_label(label))
                .map(str::to_string);
            let indent = sub.is_some();
            if let (Some(label), Some(first)) = (sub, cells.first_mut()) {
                *first = label;
            }
            Row {
                cells,
                bold: false,
                indent,
            }
        })
        .collect();
    if let Some(total) = &t.totals {
        rows.push(Row {
            cells: total.cells.clone(),
            bold: true,
            indent: false,
        });
    }
    rows
}

/// A report table as a document signed by `signer` (the head of the control sector) and
/// prepared by `prepared_by`.
pub fn report(
    head: &ReportHead,
    t: &pb::Table,
    signer: Option<u64>,
    prepared_by: u64,
    s: &Sources,
) -> Document {
    let mut d = Document::new(head.kind, head.heading.clone(), s.today.clone());
    d.unit = CONTROL_SECTOR.to_string();
    d.file_stem = head.file_stem.clone();
    // A row of words in a table of figures (the most raised problems) reads as text below it.
    let (figures, words): (Vec<Row>, Vec<Row>) = rows(t)
        .into_iter()
        .partition(|r| r.cells.len() < 2 || r.cells.iter().skip(1).any(|c| is_number(c)));
    d.wide_table(t.columns.clone(), figures);
    for r in words {
        let label = r.cells.first().cloned().unwrap_or_default();
        d.body.push(Block::section(format!("{label}:")));
        for (col, cell) in t.columns.iter().zip(&r.cells).skip(1) {
            if !cell.trim().is_empty() {
                d.body.push(Block::labelled(format!("{col}:"), ""));
                d.body.extend(Block::list(cell.split("; ")));
            }
        }
    }
    if let Some(id) = signer {
        let position = s.user_position(id);
        d.signers.push(Signer::new(
            if position.is_empty() {
                "Заведующий контрольно-организационным сектором".to_string()
            } else {
                position
            },
            &s.user_name(id),
        ));
    }
    d.executor = s.executor_mark(prepared_by);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_period_has_its_own_file_name_and_heading() {
        let heads = [
            groups_head(2026, pb::PeriodKind::FirstHalf),
            groups_head(2026, pb::PeriodKind::SecondHalf),
            groups_head(2026, pb::PeriodKind::Year),
        ];
        let stems: std::collections::HashSet<&str> =
            heads.iter().map(|h| h.file_stem.as_str()).collect();
        assert_eq!(stems.len(), 3);
        assert!(heads[0].heading.ends_with("за первое полугодие 2026 года"));
        assert!(heads[2].heading.ends_with("за 2026 год"));
    }

    #[test]
    fn a_report_has_its_requisites_the_period_and_the_signature() {
        let s = crate::documents::protocol::tests::sources();
        let t = pb::Table {
            title: "Информация о работе информационных групп за первое полугодие 2026 года".into(),
            columns: vec!["Показатель".into(), "Группа № 3".into(), "Итого".into()],
            rows: vec![
                pb::Row {
                    cells: vec!["Встреч проведено".into(), "2".into(), "2".into()],
                    values: vec![0.0, 2.0, 2.0],
                },
                pb::Row {
                    cells: vec![
                        "Наиболее часто поднимаемые проблемы".into(),
                        "0005.0005.0056.1156 Перебои в теплоснабжении (4)".into(),
                        "0005.0005.0056.1156 Перебои в теплоснабжении (4)".into(),
                    ],
                    values: vec![],
                },
            ],
            totals: None,
        };
        let d = report(
            &groups_head(2026, pb::PeriodKind::FirstHalf),
            &t,
            Some(2),
            2,
            &s,
        );
        let text = d.plain_text();
        assert!(
            text.contains("Показатель | Группа № 3 | Итого\nВстреч проведено | 2 | 2\n"),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_breakdown_row_is_indented_in_every_format_and_not_by_spaces() {
        let t = pb::Table {
            columns: vec!["Показатель".into(), "Группа № 1".into()],
            rows: vec![
                pb::Row {
                    cells: vec!["Вопросов поднято".into(), "3".into()],
                    values: vec![0.0, 3.0],
                },
                pb::Row {
                    cells: vec!["  из них взято на контроль".into(), "1".into()],
                    values: vec![0.0, 1.0],
                },
            ],
            ..Default::default()
        };
        let r = rows(&t);
        assert_eq!((r[0].indent, r[1].indent), (false, true));
        assert_eq!(r[1].cells[0], "из них взято на контроль");
        let mut d = Document::new("ИНФОРМАЦИЯ", "о работе", "03.12.2026");
        d.table(t.columns.clone(), r);
        let l = crate::documents::pdf::layout(&d);
        let x_of = |word: &str| {
            l.pages[0].iter().find_map(|o| match o {
                crate::documents::pdf::Op::Text { text, x, .. } if text.starts_with(word) => {
                    Some(*x)
                }
                _ => None,
            })
        };
        let (parent, sub) = (x_of("Вопросов"), x_of("из"));
        let (Some(parent), Some(sub)) = (parent, sub) else {
            panic!("labels not drawn: {parent:?} {sub:?}");
        };
        let inset = sub - parent;
        assert!(
            (inset - crate::documents::model::SUB_ROW_INDENT_MM * 72.0 / 25.4).abs() < 0.5,
            "inset {inset} pt"
        );
    }
}

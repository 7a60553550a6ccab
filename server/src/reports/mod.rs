//! Reports and aggregates for the control sector, the general department and the head (3.1,
//! 3.8.6, 3.9). Pure functions over the fact tables ([`facts`]), which hold no personal data at
//! all: counts only, never a citizen's name.

pub mod aggregate;
pub mod appeals;
pub mod csv;
pub mod facts;
pub mod groups;
#[cfg(test)]
mod reference;
#[cfg(test)]
mod same_as_records;
pub mod xlsx;

use chrono::NaiveDate;
use infogroups_shared::{discipline, pb};

/// A table under construction.
#[derive(Debug, Default, Clone)]
pub struct TableBuilder {
    table: pb::Table,
}

impl TableBuilder {
    /// A table with a title and column headers.
    pub fn new(title: impl Into<String>, columns: Vec<String>) -> Self {
        Self {
            table: pb::Table {
                title: title.into(),
                columns,
                ..Default::default()
            },
        }
    }

    /// A row of a label and numbers.
    pub fn numbers(&mut self, label: impl Into<String>, values: &[f64]) {
        let mut cells = vec![label.into()];
        cells.extend(values.iter().map(|v| fmt_number(*v)));
        let mut vals = vec![0.0];
        vals.extend_from_slice(values);
        self.table.rows.push(pb::Row {
            cells,
            values: vals,
        });
    }

    /// A row comparing a year with the one before: both figures and the change in percent. A
    /// change from nothing has no percent: its cell says «—» (and charts 0), not a false 0.
    pub fn comparison(&mut self, label: impl Into<String>, prev: f64, cur: f64) {
        if prev == 0.0 && cur != 0.0 {
            self.row(
                vec![label.into(), fmt_number(prev), fmt_number(cur), "—".into()],
                vec![0.0, prev, cur, 0.0],
            );
        } else {
            let change = if prev == 0.0 {
                0.0
            } else {
                ((cur - prev) * 1000.0 / prev).round() / 10.0
            };
            self.numbers(label, &[prev, cur, change]);
        }
    }

    /// A row of cells with their numeric values (0 for text cells).
    pub fn row(&mut self, cells: Vec<String>, values: Vec<f64>) {
        self.table.rows.push(pb::Row { cells, values });
    }

    /// A row of text cells.
    pub fn text(&mut self, cells: Vec<String>) {
        let n = cells.len();
        self.table.rows.push(pb::Row {
            cells,
            values: vec![0.0; n],
        });
    }

    /// The finished table.
    pub fn build(self) -> pb::Table {
        self.table
    }
}

/// Integers without decimals, fractions with one (Russian decimal comma).
pub fn fmt_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

/// The days of a report period.
pub fn period(year: i32, kind: pb::PeriodKind) -> Option<(NaiveDate, NaiveDate)> {
    infogroups_shared::periods::of_kind(year, kind)
}

/// A share as a percentage, 0 when the whole is 0.
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// The execution-discipline summary per department for the assignments whose current deadline
/// lies in `from..=to`, from the fact tables (the same counting as
/// [`infogroups_shared::discipline::summarise`]).
pub fn discipline_by_department(
    f: &facts::Facts,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> (
    std::collections::BTreeMap<u64, discipline::Tally>,
    discipline::Tally,
) {
    let (first, last) = (facts::day_of(from), facts::day_of(to));
    let a = &f.assignments;
    let mut rows: std::collections::BTreeMap<u64, discipline::Tally> = Default::default();
    let mut total = discipline::Tally::default();
    for r in 0..a.len() {
        let deadline = a.deadline[r];
        if deadline == facts::NO_DAY || !(first..=last).contains(&deadline) {
            continue;
        }
        let mut one = discipline::Tally::default();
        one.add_parts(
            pb::AssignmentStatus::try_from(i32::from(a.status[r])).unwrap_or_default(),
            a.extended[r],
            facts::date_of(deadline),
            today,
        );
        rows.entry(u64::from(a.department[r]))
            .or_default()
            .merge(&one);
        total.merge(&one);
    }
    (rows, total)
}

#[cfg(test)]
mod comparison_tests {
    use super::TableBuilder;

    #[test]
    fn a_change_from_nothing_has_no_percent() {
        let mut t = TableBuilder::new("t", vec![]);
        t.comparison("new", 0.0, 213.0);
        t.comparison("none", 0.0, 0.0);
        t.comparison("grew", 100.0, 150.0);
        t.comparison("fell", 3.0, 2.0);
        let cells: Vec<Vec<String>> = t.build().rows.into_iter().map(|r| r.cells).collect();
        assert_eq!(cells[0], ["new", "0", "213", "—"]);
        assert_eq!(cells[1], ["none", "0", "0", "0"]);
        assert_eq!(cells[2], ["grew", "100", "150", "50"]);
        assert_eq!(cells[3], ["fell", "3", "2", "-33,3"]);
    }
}

//! Reports and aggregates for the control sector, the general department and the head (3.1,
//! 3.8.6, 3.9). Pure functions over the records; counts only, never a citizen's name.

pub mod aggregate;
pub mod appeals;
pub mod export;
pub mod groups;

use chrono::NaiveDate;
use infogroups_shared::pb;

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
    let (from, to) = match kind {
        pb::PeriodKind::FirstHalf => ((1, 1), (6, 30)),
        pb::PeriodKind::SecondHalf => ((7, 1), (12, 31)),
        pb::PeriodKind::Year => ((1, 1), (12, 31)),
        pb::PeriodKind::Unspecified => return None,
    };
    Some((
        NaiveDate::from_ymd_opt(year, from.0, from.1)?,
        NaiveDate::from_ymd_opt(year, to.0, to.1)?,
    ))
}

/// A share as a percentage, 0 when the whole is 0.
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

//! Register files (XLSX or CSV) read into rows, the directory the rows are matched against, and
//! the per-row answers of an import. The row rules themselves are `infogroups_shared::register`.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{Days, NaiveDate};
use infogroups_shared::pb;
use infogroups_shared::register::{Directory, Refusal, RegisterError, Row};
use infogroups_shared::validate::FieldError;
use sha2::{Digest, Sha256};
use tonic::Status;
use tonic_types::StatusExt;

use crate::error::ApiError;
use crate::policy::{Action, Actor, Denied, Resource, authorize};

/// The file's SHA-256 as hex.
pub fn sha256(content: &[u8]) -> String {
    hex::encode(Sha256::digest(content))
}

/// The request id a row of a file is created under: the same file's same row is the same
/// request, so importing it again replays instead of creating anew.
pub fn request_id(kind: &str, sha: &str, row: u32) -> String {
    format!("import-{kind}-{}-{row}", &sha[..sha.len().min(32)])
}

/// A whole file refused, naming why.
pub fn unreadable(e: &RegisterError) -> ApiError {
    FieldError::new("content", e.ru(), e.to_string()).into()
}

/// The rows of a register file: the first sheet of a workbook when the name ends «.xlsx», else CSV.
pub fn rows(file_name: &str, content: &[u8]) -> Result<Vec<Row>, ApiError> {
    if content.is_empty() {
        return Err(unreadable(&RegisterError::Empty));
    }
    if !file_name.to_lowercase().ends_with(".xlsx") {
        return infogroups_shared::register::read_csv(content).map_err(|e| unreadable(&e));
    }
    let bad = |en: String| -> ApiError {
        FieldError::new(
            "content",
            format!("не читается как XLSX: {en}"),
            format!("not a readable XLSX: {en}"),
        )
        .into()
    };
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(content.to_vec()))
        .map_err(|e: calamine::XlsxError| bad(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| bad("no sheet".into()))?
        .map_err(|e| bad(e.to_string()))?;
    let first = range.start().map_or(0, |(r, _)| r);
    let left = range.start().map_or(0, |(_, c)| c) as usize;
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            number: first + u32::try_from(i).unwrap_or(u32::MAX) + 1,
            cells: std::iter::repeat_n(String::new(), left)
                .chain(cells.iter().map(cell_text))
                .collect(),
        })
        .collect())
}

/// A cell as the person would type it: whole numbers without «.0», dates as ISO days.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(t) => excel_day(t.as_f64()).map_or_else(String::new, |d| d.to_string()),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// The day of an Excel serial date (days since 1899-12-30, the 1900 system).
fn excel_day(serial: f64) -> Option<NaiveDate> {
    let days = u64::try_from(serial.floor() as i64).ok()?;
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(days))
}

/// The directory as the caller may see it.
pub struct Known {
    /// Groups the caller may read.
    pub groups: Vec<pb::Group>,
    /// All territories.
    pub territories: Vec<pb::Territory>,
    /// All users.
    pub users: Vec<pb::User>,
    /// Whether a full classifier code is in use.
    pub code_known: Box<dyn Fn(&str) -> bool + Send + Sync>,
}

fn same(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

impl Directory for Known {
    fn group(&self, text: &str) -> Option<(u64, Vec<u64>)> {
        let number: Option<u32> = text.trim().trim_start_matches('№').trim().parse().ok();
        self.groups
            .iter()
            .find(|g| Some(g.number) == number || same(&g.name, text))
            .map(|g| (g.meta.as_ref().map_or(0, |m| m.id), g.territory_ids.clone()))
    }

    fn territory(&self, text: &str) -> Option<u64> {
        self.territories
            .iter()
            .find(|t| same(&t.name, text))
            .and_then(|t| t.meta.as_ref().map(|m| m.id))
    }

    fn code_known(&self, code: &str) -> bool {
        (self.code_known)(code)
    }

    fn user(&self, text: &str) -> Option<u64> {
        self.users
            .iter()
            .find(|u| same(&u.full_name, text) || same(&u.username, text))
            .and_then(|u| u.meta.as_ref().map(|m| m.id))
    }
}

/// A refused row for the answer.
pub fn refused(r: Refusal) -> pb::RefusedRow {
    pb::RefusedRow {
        row: r.row,
        field: r.field,
        reason_ru: r.ru,
        reason_en: r.en,
    }
}

/// A row the record's own checks refused.
pub fn refused_field(row: u32, e: FieldError) -> pb::RefusedRow {
    refused(Refusal::new(row, &e.field, e.ru, e.en))
}

/// Refused before the file is read: a caller who may do `action` in none of `groups` learns
/// nothing of what the file would match.
pub fn may_in_some_group(
    actor: &Actor,
    action: Action,
    groups: &[pb::Group],
    denied: Denied,
) -> Result<(), ApiError> {
    let some = groups.iter().any(|g| {
        let id = g.meta.as_ref().map_or(0, |m| m.id);
        authorize(actor, action, &Resource::group(id)).is_ok()
    });
    if some {
        Ok(())
    } else {
        Err(ApiError::from(denied))
    }
}

/// Whether `actor` may do `action` in a row's group; if not, the refusal as the row's reason.
pub fn row_allowed(
    actor: &Actor,
    action: Action,
    row: u32,
    group_id: u64,
) -> Result<(), pb::RefusedRow> {
    authorize(actor, action, &Resource::group(group_id))
        .map_err(|d| refused(Refusal::new(row, "", d.ru, d.en)))
}

/// The answer before any row is created: the file's hash and the rows refused on reading.
pub fn response(sha: &str, refused_on_reading: Vec<Refusal>) -> pb::ImportRegisterResponse {
    pb::ImportRegisterResponse {
        file_sha256: sha.to_string(),
        refused: refused_on_reading.into_iter().map(refused).collect(),
        ..Default::default()
    }
}

/// One committed row's outcome in `out`: the record the service made (its id and number), or
/// the service's refusal, exactly as a manual entry would have had it.
pub fn settle(
    out: &mut pb::ImportRegisterResponse,
    row: u32,
    summary: String,
    made: Result<(u64, String), Status>,
) {
    match made {
        Ok((id, number)) => out.accepted.push(pb::ImportedRow {
            row,
            summary,
            id,
            number,
        }),
        Err(s) => out.refused.push(refused_status(row, &s)),
    }
}

/// A row the service refused while creating it: the field when the error names one.
pub fn refused_status(row: u32, s: &Status) -> pb::RefusedRow {
    let details = s.get_error_details();
    let ru = details
        .localized_message()
        .map_or_else(|| s.message().to_string(), |m| m.message.clone());
    let field = details
        .bad_request()
        .and_then(|b| b.field_violations.first())
        .map_or_else(String::new, |v| v.field.clone());
    refused(Refusal::new(row, &field, ru, s.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serial_dates_are_days() {
        assert_eq!(excel_day(46082.0), NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
    }

    #[test]
    fn the_same_row_of_the_same_file_is_the_same_request() {
        let sha = sha256(b"a;b\n");
        assert_eq!(request_id("appeal", &sha, 2), request_id("appeal", &sha, 2));
        assert_ne!(request_id("appeal", &sha, 2), request_id("appeal", &sha, 3));
        assert!(request_id("appeal", &sha, 99_999).len() <= 64);
    }
}

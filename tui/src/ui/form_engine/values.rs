//! Reading a form's filled values into a request: a field's text or choice by name, dates,
//! colleagues, groups — with the field error that names what is wrong.

use chrono::NaiveDate;
use infogroups_shared::pb;
use infogroups_shared::validate::{self, FieldError};

use crate::ui::form_engine::field::Field;
use crate::ui::person_match::Unresolved;
use crate::ui::{Ctx, person_match};

/// Whether the server's field path (`appeal.citizen.surname`, `days_off[3]`) is the form's field
/// `name`.
pub(super) fn names_field(path: &str, name: &str) -> bool {
    let path = path.split('[').next().unwrap_or(path);
    path == name || path.ends_with(&format!(".{name}"))
}

/// A directory entry's version, taken on after a stale save (a new entry has none to take).
pub fn set_meta_version(meta: &mut Option<pb::Meta>, v: u64) {
    if let Some(m) = meta.as_mut() {
        m.version = v;
    }
}

/// The option chosen in the choice field `name` (0 if there is none).
pub fn choice_of(fields: &[Field], name: &str) -> usize {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or(0, |f| f.choice)
}

/// A group's id from the number people type.
pub fn group_by_number(
    ctx: &Ctx<'_>,
    field: &'static str,
    number: &str,
) -> Result<u64, FieldError> {
    let n: u32 = number.trim().parse().map_err(|_| {
        FieldError::new(
            field,
            "номер группы — целое число",
            "the group's number is a whole number",
        )
    })?;
    ctx.replica
        .groups
        .iter()
        .find(|g| g.number == n)
        .and_then(|g| g.meta.map(|m| m.id))
        .ok_or_else(|| {
            FieldError::new(
                field,
                "нет группы с таким номером",
                "no group with this number",
            )
        })
}

/// Reads `ДД.ММ.ГГГГ` (or ISO `ГГГГ-ММ-ДД`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%d.%m.%Y")
        .or_else(|_| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d"))
        .ok()
}

/// The date in `value`, or the error for the field `field`.
pub fn date_field(field: &'static str, value: &str) -> Result<pb::Date, FieldError> {
    parse_date(value)
        .map(validate::from_naive)
        .ok_or_else(|| FieldError::new(field, "дата в виде ДД.ММ.ГГГГ", "a date as DD.MM.YYYY"))
}

/// The user a person field names (see [`person_match::resolve`]).
pub fn user_id(ctx: &Ctx<'_>, field: &'static str, who: &str) -> Result<u64, FieldError> {
    match person_match::resolve(ctx.replica.users.iter(), who) {
        Ok(u) => u
            .meta
            .map(|m| m.id)
            .ok_or_else(|| FieldError::new(field, "нет такого сотрудника", "no such colleague")),
        Err(Unresolved::Nobody) => Err(FieldError::new(
            field,
            "нет такого сотрудника: введите логин или фамилию",
            "no such colleague: type a login or a surname",
        )),
        Err(Unresolved::Several(n)) => Err(FieldError::new(
            field,
            format!("подходят {n}: уточните или выберите ↑/↓"),
            format!("{n} people match: type more or choose with ↑/↓"),
        )),
    }
}

/// The names in a comma-separated list, trimmed, empty ones left out.
pub fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The people a comma-separated list of logins (or names) names, each once, in order.
pub fn user_ids(ctx: &Ctx<'_>, field: &'static str, text: &str) -> Result<Vec<u64>, FieldError> {
    let mut ids = Vec::new();
    for who in items(text) {
        let Ok(u) = person_match::resolve(ctx.replica.users.iter(), who) else {
            return Err(FieldError::new(
                field,
                format!("не найден один сотрудник по «{who}»: введите логин"),
                format!("«{who}» names no one person: type the login"),
            ));
        };
        let id = u.meta.map_or(0, |m| m.id);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The text of the field `name`, as the request takes it (empty if there is none).
pub fn value<'a>(fields: &'a [Field], name: &str) -> &'a str {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or("", Field::text)
}

/// The ids ticked in the checklist `name`, whose keys are ids, in the list's order.
pub fn picked_ids(fields: &[Field], name: &str) -> Vec<u64> {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or_else(Vec::new, Field::picked_keys)
        .into_iter()
        .filter_map(|k| k.parse().ok())
        .collect()
}

/// A fresh id for a creating request (the server answers a repeat of it with the first result).
pub fn request_id() -> String {
    format!("tui-{}", rand::random::<u64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_the_russian_way_or_iso() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 30);
        assert_eq!(parse_date("30.12.2026"), d);
        assert_eq!(parse_date(" 2026-12-30 "), d);
        assert_eq!(parse_date("31.02.2026"), None);
        assert_eq!(parse_date("завтра"), None);
    }
}

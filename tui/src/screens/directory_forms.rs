//! The administrator's forms: territories, venues, new accounts and passwords. Field names follow
//! the requests' fields, so the server's field errors land under the right one.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;
use infogroups_shared::validate::{self, FieldError};

use super::Ctx;
use super::form::{Field, FieldKind as K, GRANTABLE, choice_of, group_by_number, user_id, value};
use crate::msg::call::Call;
use crate::strings::work::W;

/// The territory kinds offered, in order.
const TERRITORY_KINDS: [pb::TerritoryKind; 3] = [
    pb::TerritoryKind::Microdistrict,
    pb::TerritoryKind::Settlement,
    pb::TerritoryKind::Other,
];

/// The venue kinds offered, in order.
const VENUE_KINDS: [pb::VenueKind; 3] = [
    pb::VenueKind::Education,
    pb::VenueKind::Culture,
    pb::VenueKind::Other,
];

/// The organisation kinds offered, in order.
const ORGANISATION_KINDS: [pb::OrganisationKind; 6] = [
    pb::OrganisationKind::Utility,
    pb::OrganisationKind::Police,
    pb::OrganisationKind::Prosecutor,
    pb::OrganisationKind::Duma,
    pb::OrganisationKind::Media,
    pb::OrganisationKind::Other,
];

/// Where the enum value `kind` stands among `options` (the first when it is not there).
fn index_of<K: Copy + Into<i32>>(options: &[K], kind: i32) -> usize {
    options
        .iter()
        .position(|k| (*k).into() == kind)
        .unwrap_or(0)
}

/// Where an organisation kind stands among the choice's options.
pub fn organisation_kind_index(kind: i32) -> usize {
    index_of(&ORGANISATION_KINDS, kind)
}

/// Where a territory kind stands among the choice's options.
pub fn territory_kind_index(kind: i32) -> usize {
    index_of(&TERRITORY_KINDS, kind)
}

/// Where a venue kind stands among the choice's options.
pub fn venue_kind_index(kind: i32) -> usize {
    index_of(&VENUE_KINDS, kind)
}

/// A territory's fields.
pub fn territory_fields(lang: Lang) -> Vec<Field> {
    vec![
        Field::new("name", W::FieldTitle, K::Line, true),
        Field::choice(
            "kind",
            W::FieldTerritoryKind,
            TERRITORY_KINDS
                .iter()
                .map(|k| names::territory_kind(lang, *k).to_string())
                .collect(),
        ),
        Field::new("description", W::FieldDescription, K::Text, false),
        Field::new("known_problems", W::FieldKnownProblems, K::Text, false),
    ]
}

/// A venue's fields; `territories` follow «—» in the territory choice.
pub fn venue_fields(territories: &[(u64, String)], lang: Lang) -> Vec<Field> {
    let mut places = vec!["—".to_string()];
    places.extend(territories.iter().map(|(_, n)| n.clone()));
    vec![
        Field::new("name", W::FieldTitle, K::Line, true),
        Field::new("address", W::FieldVenueAddress, K::Line, true),
        Field::choice(
            "kind",
            W::FieldVenueKind,
            VENUE_KINDS
                .iter()
                .map(|k| names::venue_kind(lang, *k).to_string())
                .collect(),
        ),
        Field::choice("territory_id", W::FieldTerritory, places),
        Field::new("capacity", W::FieldCapacity, K::Line, false),
        Field::new("contact_person", W::FieldContactPerson, K::Line, false),
        Field::new("contact_phone", W::FieldContactPhone, K::Line, false),
    ]
}

/// A department's fields.
pub fn department_fields() -> Vec<Field> {
    vec![
        Field::new("name", W::FieldTitle, K::Line, true),
        Field::new("short_name", W::FieldShortName, K::Line, false),
        Field::new("head_user_id", W::FieldDepartmentHead, K::Person, false),
    ]
}

/// An organisation's fields.
pub fn organisation_fields(lang: Lang) -> Vec<Field> {
    vec![
        Field::new("name", W::FieldTitle, K::Line, true),
        Field::choice(
            "kind",
            W::FieldOrganisationKind,
            ORGANISATION_KINDS
                .iter()
                .map(|k| names::organisation_kind(lang, *k).to_string())
                .collect(),
        ),
        Field::new("contact_person", W::FieldContactPerson, K::Line, false),
        Field::new("contact", W::FieldContact, K::Line, false),
    ]
}

/// A new account's fields.
pub fn user_fields(lang: Lang) -> Vec<Field> {
    vec![
        Field::new("username", W::FieldUsername, K::Line, true),
        Field::new("full_name", W::FieldFullName, K::Line, true),
        Field::new("position", W::FieldPosition, K::Line, false),
        Field::new("contact", W::FieldContact, K::Line, false),
        Field::new("password", W::FieldPassword, K::Secret, true),
        Field::new("password_again", W::FieldPasswordAgain, K::Secret, true),
        Field::choice(
            "roles",
            W::FieldFirstRole,
            GRANTABLE
                .iter()
                .map(|r| names::role(lang, *r).to_string())
                .collect(),
        ),
        Field::new("group_id", W::FieldGroupNumber, K::Line, false),
    ]
}

/// The account's editable fields (its login, roles and password have their own steps).
pub fn edit_user_fields(departments: &[(u64, String)]) -> Vec<Field> {
    let mut deps = vec!["—".to_string()];
    deps.extend(departments.iter().map(|(_, n)| n.clone()));
    vec![
        Field::new("full_name", W::FieldFullName, K::Line, true),
        Field::new("position", W::FieldPosition, K::Line, false),
        Field::choice("department_id", W::FieldDepartment, deps),
        Field::new("contact", W::FieldContact, K::Line, false),
    ]
}

/// The account's change.
pub fn edit_user_call(
    user_id: u64,
    expected_version: u64,
    departments: &[(u64, String)],
    fields: &[Field],
) -> pb::UpdateUserRequest {
    pb::UpdateUserRequest {
        user_id,
        expected_version,
        full_name: value(fields, "full_name").to_string(),
        position: value(fields, "position").to_string(),
        department_id: match choice_of(fields, "department_id") {
            0 => 0,
            i => departments.get(i - 1).map_or(0, |(id, _)| *id),
        },
        contact: value(fields, "contact").to_string(),
    }
}

/// The new-password fields.
pub fn password_fields() -> Vec<Field> {
    vec![
        Field::new("new_password", W::FieldPassword, K::Secret, true),
        Field::new("password_again", W::FieldPasswordAgain, K::Secret, true),
    ]
}

fn same_password(fields: &[Field], name: &'static str) -> Result<String, FieldError> {
    let password = value(fields, name);
    if password != value(fields, "password_again") {
        return Err(FieldError::new(
            "password_again",
            W::PasswordsDiffer.get(Lang::Ru),
            W::PasswordsDiffer.get(Lang::En),
        ));
    }
    Ok(password.to_string())
}

/// Saving a territory (`base` is the entry as it was; a new one has no id).
pub fn territory_call(
    base: &pb::Territory,
    request_id: &str,
    fields: &[Field],
) -> Result<Call, FieldError> {
    let mut t = base.clone();
    t.name = value(fields, "name").to_string();
    t.kind = TERRITORY_KINDS[choice_of(fields, "kind") % TERRITORY_KINDS.len()] as i32;
    t.description = value(fields, "description").to_string();
    t.known_problems = value(fields, "known_problems").to_string();
    Ok(Call::SaveTerritory(pb::SaveTerritoryRequest {
        request_id: request_id.to_string(),
        expected_version: t.meta.map_or(0, |m| m.version),
        territory: Some(t),
    }))
}

/// Saving a venue.
pub fn venue_call(
    base: &pb::Venue,
    request_id: &str,
    territories: &[(u64, String)],
    fields: &[Field],
) -> Result<Call, FieldError> {
    let capacity = value(fields, "capacity");
    let capacity = if capacity.is_empty() {
        0
    } else {
        capacity.parse::<u32>().map_err(|_| {
            FieldError::new("capacity", "целое число мест", "a whole number of seats")
        })?
    };
    let mut v = base.clone();
    v.name = value(fields, "name").to_string();
    v.address = value(fields, "address").to_string();
    v.kind = VENUE_KINDS[choice_of(fields, "kind") % VENUE_KINDS.len()] as i32;
    v.territory_id = match choice_of(fields, "territory_id") {
        0 => 0,
        i => territories.get(i - 1).map_or(0, |(id, _)| *id),
    };
    v.capacity = capacity;
    v.contact_person = value(fields, "contact_person").to_string();
    v.contact_phone = value(fields, "contact_phone").to_string();
    Ok(Call::SaveVenue(pb::SaveVenueRequest {
        request_id: request_id.to_string(),
        expected_version: v.meta.map_or(0, |m| m.version),
        venue: Some(v),
    }))
}

/// Saving a department; its head is given by login (or left empty).
pub fn department_call(
    base: &pb::Department,
    request_id: &str,
    fields: &[Field],
    ctx: &Ctx<'_>,
) -> Result<Call, FieldError> {
    let head = value(fields, "head_user_id");
    let mut d = base.clone();
    d.name = value(fields, "name").to_string();
    d.short_name = value(fields, "short_name").to_string();
    d.head_user_id = if head.is_empty() {
        0
    } else {
        user_id(ctx, "head_user_id", head)?
    };
    Ok(Call::SaveDepartment(pb::SaveDepartmentRequest {
        request_id: request_id.to_string(),
        expected_version: d.meta.map_or(0, |m| m.version),
        department: Some(d),
    }))
}

/// Saving an organisation.
pub fn organisation_call(
    base: &pb::Organisation,
    request_id: &str,
    fields: &[Field],
) -> Result<Call, FieldError> {
    let mut o = base.clone();
    o.name = value(fields, "name").to_string();
    o.kind = ORGANISATION_KINDS[choice_of(fields, "kind") % ORGANISATION_KINDS.len()] as i32;
    o.contact_person = value(fields, "contact_person").to_string();
    o.contact = value(fields, "contact").to_string();
    Ok(Call::SaveOrganisation(pb::SaveOrganisationRequest {
        request_id: request_id.to_string(),
        expected_version: o.meta.map_or(0, |m| m.version),
        organisation: Some(o),
    }))
}

/// Creating an account with its first role.
pub fn user_call(request_id: &str, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
    let password = same_password(fields, "password")?;
    let role = GRANTABLE[choice_of(fields, "roles") % GRANTABLE.len()];
    let group_id = if validate::is_group_role(role) {
        group_by_number(ctx, "group_id", value(fields, "group_id"))?
    } else {
        0
    };
    Ok(Call::CreateUser(Box::new(pb::CreateUserRequest {
        request_id: request_id.to_string(),
        username: value(fields, "username").to_string(),
        password,
        full_name: value(fields, "full_name").to_string(),
        position: value(fields, "position").to_string(),
        contact: value(fields, "contact").to_string(),
        roles: vec![pb::RoleGrant {
            role: role as i32,
            group_id,
        }],
        ..Default::default()
    })))
}

/// Setting a user's password.
pub fn password_call(user_id: u64, fields: &[Field]) -> Result<Call, FieldError> {
    Ok(Call::SetPassword(pb::SetPasswordRequest {
        user_id,
        new_password: same_password(fields, "new_password")?,
        old_password: String::new(),
    }))
}

/// A production calendar year's fields: the decree and its days, as dates separated by commas or
/// spaces.
pub fn calendar_fields() -> Vec<Field> {
    vec![
        Field::new("year", W::FieldYear, K::Line, true),
        Field::new("decree", W::FieldDecree, K::Line, true),
        Field::new("days_off", W::FieldDaysOff, K::Text, true),
        Field::new("working_weekends", W::FieldWorkingWeekends, K::Text, false),
    ]
}

/// The dates of a list field.
fn dates(fields: &[Field], name: &'static str) -> Result<Vec<pb::Date>, FieldError> {
    value(fields, name)
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            super::form::parse_date(s)
                .map(validate::from_naive)
                .ok_or_else(|| {
                    FieldError::new(
                        name,
                        format!("«{s}» — не дата ДД.ММ.ГГГГ"),
                        format!("«{s}» is not a date DD.MM.YYYY"),
                    )
                })
        })
        .collect()
}

/// Saving a year entered from a government decree (it replaces the built-in data for that year).
pub fn calendar_call(fields: &[Field]) -> Result<Call, FieldError> {
    let year = value(fields, "year")
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| FieldError::new("year", "год — четыре цифры", "a year of four digits"))?;
    Ok(Call::SaveCalendarYear(pb::CalendarYear {
        year,
        days_off: dates(fields, "days_off")?,
        working_weekends: dates(fields, "working_weekends")?,
        decree: value(fields, "decree").to_string(),
        built_in: false,
    }))
}

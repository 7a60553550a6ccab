//! The administrator's directory forms: territories, venues, departments, outside organisations,
//! production calendar years, archiving an entry, and importing the classifier. Field names
//! follow the requests' fields, so the server's field errors land under the right one.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;
use infogroups_shared::validate::{self, FieldError};

use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{
    Field, FieldKind as K, FormSpec, Target, choice_of, kept_as, parse_date, set_meta_version,
    user_id, value,
};

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
            parse_date(s).map(validate::from_naive).ok_or_else(|| {
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

/// Save a territory (a new one has no id).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SaveTerritory {
    /// The entry as it was (its id and version, and fields the form does not show).
    #[serde(with = "crate::ui::form_engine::kept::boxed")]
    pub base: Box<pb::Territory>,
    /// The id of a creating request.
    pub request_id: String,
}

impl FormSpec for SaveTerritory {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("save_territory", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        territory_fields(lang)
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        territory_call(&self.base, &self.request_id, fields)
    }

    fn done(&self) -> W {
        W::DoneDirectory
    }

    fn target(&self) -> Option<Target> {
        self.base
            .meta
            .filter(|m| m.id != 0)
            .map(|m| Target::Territory(m.id))
    }

    fn set_version(&mut self, v: u64) {
        set_meta_version(&mut self.base.meta, v);
    }
}

/// Save a venue (a new one has no id).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SaveVenue {
    /// The entry as it was (its id and version, and fields the form does not show).
    #[serde(with = "crate::ui::form_engine::kept::boxed")]
    pub base: Box<pb::Venue>,
    /// The id of a creating request.
    pub request_id: String,
    /// The territories the choice offers after «—».
    pub territories: Vec<(u64, String)>,
}

impl FormSpec for SaveVenue {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("save_venue", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        venue_fields(&self.territories, lang)
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        venue_call(&self.base, &self.request_id, &self.territories, fields)
    }

    fn done(&self) -> W {
        W::DoneDirectory
    }

    fn target(&self) -> Option<Target> {
        self.base
            .meta
            .filter(|m| m.id != 0)
            .map(|m| Target::Venue(m.id))
    }

    fn set_version(&mut self, v: u64) {
        set_meta_version(&mut self.base.meta, v);
    }
}

/// Save a department (a new one has no id).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SaveDepartment {
    /// The entry as it was (its id and version, and fields the form does not show).
    #[serde(with = "crate::ui::form_engine::kept::boxed")]
    pub base: Box<pb::Department>,
    /// The id of a creating request.
    pub request_id: String,
}

impl FormSpec for SaveDepartment {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("save_department", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        department_fields()
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        department_call(&self.base, &self.request_id, fields, ctx)
    }

    fn done(&self) -> W {
        W::DoneDirectory
    }

    fn target(&self) -> Option<Target> {
        self.base
            .meta
            .filter(|m| m.id != 0)
            .map(|m| Target::Department(m.id))
    }

    fn set_version(&mut self, v: u64) {
        set_meta_version(&mut self.base.meta, v);
    }
}

/// Save an outside organisation (a new one has no id).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SaveOrganisation {
    /// The entry as it was (its id and version, and fields the form does not show).
    #[serde(with = "crate::ui::form_engine::kept::boxed")]
    pub base: Box<pb::Organisation>,
    /// The id of a creating request.
    pub request_id: String,
}

impl FormSpec for SaveOrganisation {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("save_organisation", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        organisation_fields(lang)
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        organisation_call(&self.base, &self.request_id, fields)
    }

    fn done(&self) -> W {
        W::DoneDirectory
    }

    fn target(&self) -> Option<Target> {
        self.base
            .meta
            .filter(|m| m.id != 0)
            .map(|m| Target::Organisation(m.id))
    }

    fn set_version(&mut self, v: u64) {
        set_meta_version(&mut self.base.meta, v);
    }
}

/// Enter a production calendar year from a government decree.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveCalendarYear;

impl FormSpec for SaveCalendarYear {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        calendar_fields()
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        calendar_call(fields)
    }

    fn done(&self) -> W {
        W::DoneCalendarYear
    }
}

/// Archive a directory entry (kept for the records that use it, offered no more).
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveEntry {
    /// Which directory.
    pub kind: pb::DirectoryKind,
    /// The entry.
    pub id: u64,
    /// The version the administrator saw.
    pub version: u64,
}

impl FormSpec for ArchiveEntry {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        Vec::new()
    }

    fn call(&self, _fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::Archive(pb::ArchiveRequest {
            kind: self.kind as i32,
            id: self.id,
            expected_version: self.version,
        }))
    }

    fn done(&self) -> W {
        W::DoneArchived
    }

    fn target(&self) -> Option<Target> {
        match self.kind {
            pb::DirectoryKind::Territory => Some(Target::Territory(self.id)),
            pb::DirectoryKind::Venue => Some(Target::Venue(self.id)),
            pb::DirectoryKind::Department => Some(Target::Department(self.id)),
            pb::DirectoryKind::Organisation => Some(Target::Organisation(self.id)),
            pb::DirectoryKind::Unspecified => None,
        }
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}

/// Import the classifier from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportClassifier;

impl FormSpec for ImportClassifier {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        vec![
            Field::new("path", W::FieldPath, K::Line, true),
            Field::new("version", W::FieldVersion, K::Line, true),
            Field::choice("format", W::FieldFormat, vec!["json".into(), "csv".into()]),
        ]
    }

    fn call(&self, fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::ImportClassifier {
            path: std::path::PathBuf::from(value(fields, "path")),
            version: value(fields, "version").to_string(),
            format: if choice_of(fields, "format") == 1 {
                pb::ClassifierFormat::Csv
            } else {
                pb::ClassifierFormat::Json
            },
        })
    }

    fn done(&self) -> W {
        W::DoneImported
    }
}

//! The administrator's directories: the city's territories (with the problems the meeting brief
//! draws on), the venues meetings are held at, the administration's departments and the outside
//! organisations invited to meetings.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;

use crate::features::directory::forms::{
    ArchiveEntry, SaveDepartment, SaveOrganisation, SaveTerritory, SaveVenue,
};
use crate::features::record_list::row::{
    Column, DetailLine, RecordRow, Start, Tone, field, territory,
};
use crate::features::record_list::source::Source;
use crate::keymap::Command;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{FormPopup, FormSpec, request_id};

/// The territories' columns.
pub const TERRITORY_COLUMNS: &[Column] = &[
    Column::new(W::ColTitle, 40).squeeze(20).priority(0),
    Column::new(W::ColKind, 20).squeeze(8).priority(1),
    Column::grows(W::KnownProblems),
];

/// The venues' columns.
pub const VENUE_COLUMNS: &[Column] = &[
    Column::new(W::ColTitle, 40).squeeze(20).priority(0),
    Column::new(W::ColTerritory, 24).squeeze(12).priority(2),
    Column::new(W::ColCapacity, 5).priority(1),
    Column::grows(W::ColAddress),
];

/// The departments' columns.
pub const DEPARTMENT_COLUMNS: &[Column] = &[
    Column::new(W::ColTitle, 50).squeeze(24).priority(0),
    Column::new(W::ColShortName, 12).priority(1),
    Column::grows(W::ColHead),
];

/// The organisations' columns.
pub const ORGANISATION_COLUMNS: &[Column] = &[
    Column::new(W::ColTitle, 40).squeeze(20).priority(0),
    Column::new(W::ColKind, 24).squeeze(10).priority(1),
    Column::grows(W::ColContact),
];

fn tone(archived: bool) -> Tone {
    if archived { Tone::Done } else { Tone::Normal }
}

fn archived(meta: Option<pb::Meta>) -> bool {
    meta.is_some_and(|m| m.archived)
}

fn territory_kind(ctx: &Ctx<'_>, t: &pb::Territory) -> &'static str {
    names::territory_kind(
        ctx.lang,
        pb::TerritoryKind::try_from(t.kind).unwrap_or_default(),
    )
}

fn venue_kind(ctx: &Ctx<'_>, v: &pb::Venue) -> &'static str {
    names::venue_kind(
        ctx.lang,
        pb::VenueKind::try_from(v.kind).unwrap_or_default(),
    )
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// Territories by name.
pub fn territory_rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let rows: Vec<RecordRow> = ctx
        .replica
        .territories
        .iter()
        .map(|t| {
            RecordRow::new(
                t.meta.map_or(0, |m| m.id),
                tone(archived(t.meta)),
                vec![
                    t.name.clone(),
                    territory_kind(ctx, t).to_string(),
                    first_line(&t.known_problems),
                ],
            )
        })
        .collect();
    by_name(rows)
}

/// Venues by name.
pub fn venue_rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    let rows: Vec<RecordRow> = ctx
        .replica
        .venues
        .iter()
        .map(|v| {
            let seats = if v.capacity == 0 {
                String::new()
            } else {
                v.capacity.to_string()
            };
            RecordRow::new(
                v.meta.map_or(0, |m| m.id),
                tone(archived(v.meta)),
                vec![
                    v.name.clone(),
                    if v.territory_id == 0 {
                        "—".into()
                    } else {
                        territory(ctx, v.territory_id)
                    },
                    seats,
                    v.address.clone(),
                ],
            )
            .sort_by(2, format!("{:08}", v.capacity))
        })
        .collect();
    by_name(rows)
}

/// Departments by name.
pub fn department_rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    by_name(
        ctx.replica
            .departments
            .iter()
            .map(|d| {
                RecordRow::new(
                    d.meta.map_or(0, |m| m.id),
                    tone(archived(d.meta)),
                    vec![
                        d.name.clone(),
                        d.short_name.clone(),
                        head_name(ctx, d.head_user_id),
                    ],
                )
            })
            .collect(),
    )
}

/// Organisations by name.
pub fn organisation_rows(ctx: &Ctx<'_>) -> Vec<RecordRow> {
    by_name(
        ctx.replica
            .organisations
            .iter()
            .map(|o| {
                RecordRow::new(
                    o.meta.map_or(0, |m| m.id),
                    tone(archived(o.meta)),
                    vec![
                        o.name.clone(),
                        organisation_kind(ctx, o).to_string(),
                        format!("{} {}", o.contact_person, o.contact)
                            .trim()
                            .to_string(),
                    ],
                )
            })
            .collect(),
    )
}

fn by_name(mut rows: Vec<RecordRow>) -> Vec<RecordRow> {
    rows.sort_by(|a, b| a.sort[0].cmp(&b.sort[0]).then(a.id.cmp(&b.id)));
    rows
}

fn head_name(ctx: &Ctx<'_>, id: u64) -> String {
    if id == 0 {
        "—".to_string()
    } else {
        crate::features::record_list::row::person(ctx, id)
    }
}

fn organisation_kind(ctx: &Ctx<'_>, o: &pb::Organisation) -> &'static str {
    names::organisation_kind(
        ctx.lang,
        pb::OrganisationKind::try_from(o.kind).unwrap_or_default(),
    )
}

/// A department's card.
pub fn department_detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(d) = ctx.replica.departments.get(id) else {
        return Vec::new();
    };
    let mut out = vec![
        DetailLine::Heading(d.name.clone()),
        field(lang, W::ColShortName, d.short_name.clone()),
        field(lang, W::ColHead, head_name(ctx, d.head_user_id)),
    ];
    let staff: Vec<String> = ctx
        .replica
        .users
        .iter()
        .filter(|u| u.department_id == id)
        .map(|u| u.full_name.clone())
        .collect();
    if !staff.is_empty() {
        out.push(DetailLine::Blank);
        out.extend(staff.into_iter().map(DetailLine::Text));
    }
    out
}

/// An organisation's card.
pub fn organisation_detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(o) = ctx.replica.organisations.get(id) else {
        return Vec::new();
    };
    vec![
        DetailLine::Heading(o.name.clone()),
        field(lang, W::ColKind, organisation_kind(ctx, o)),
        field(lang, W::ContactPerson, o.contact_person.clone()),
        field(lang, W::ColContact, o.contact.clone()),
    ]
}

/// A territory's card.
pub fn territory_detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(t) = ctx.replica.territories.get(id) else {
        return Vec::new();
    };
    let mut out = vec![
        DetailLine::Heading(t.name.clone()),
        field(lang, W::ColKind, territory_kind(ctx, t)),
    ];
    for (label, text) in [
        (W::Description, &t.description),
        (W::KnownProblems, &t.known_problems),
    ] {
        if !text.is_empty() {
            out.push(DetailLine::Blank);
            out.push(DetailLine::Heading(label.get(lang).to_string()));
            out.push(DetailLine::Text(text.clone()));
        }
    }
    let venues: Vec<&pb::Venue> = ctx
        .replica
        .venues
        .iter()
        .filter(|v| v.territory_id == id)
        .collect();
    if !venues.is_empty() {
        out.push(DetailLine::Blank);
        out.push(DetailLine::Heading(W::TabVenues.get(lang).to_string()));
        out.extend(venues.iter().map(|v| DetailLine::Text(v.name.clone())));
    }
    out
}

/// A venue's card.
pub fn venue_detail(id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let lang = ctx.lang;
    let Some(v) = ctx.replica.venues.get(id) else {
        return Vec::new();
    };
    let mut out = vec![
        DetailLine::Heading(v.name.clone()),
        field(lang, W::ColKind, venue_kind(ctx, v)),
        field(lang, W::ColAddress, v.address.clone()),
        field(
            lang,
            W::ColTerritory,
            if v.territory_id == 0 {
                "—".to_string()
            } else {
                territory(ctx, v.territory_id)
            },
        ),
    ];
    if v.capacity > 0 {
        out.push(field(lang, W::FieldCapacity, v.capacity.to_string()));
    }
    if !v.contact_person.is_empty() || !v.contact_phone.is_empty() {
        out.push(field(
            lang,
            W::ContactPerson,
            format!("{} {}", v.contact_person, v.contact_phone)
                .trim()
                .to_string(),
        ));
    }
    out
}

fn is_admin(ctx: &Ctx<'_>) -> bool {
    ctx.may_in(infogroups_shared::policy::Action::EditDirectory, 0)
}

/// The administrator adds entries, changes the selected one and archives it.
pub fn commands(source: Source, id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
    if !is_admin(ctx) {
        return Vec::new();
    }
    let mut c = vec![Command::New];
    if let Some(id) = id {
        c.push(Command::Edit);
        if entry_meta(source, id, ctx).is_some_and(|(m, _)| !m.archived) {
            c.push(Command::Archive);
        }
    }
    c
}

/// The directory `source` lists, as the archive request names it.
fn kind_of(source: Source) -> pb::DirectoryKind {
    match source {
        Source::Territories => pb::DirectoryKind::Territory,
        Source::Venues => pb::DirectoryKind::Venue,
        Source::Departments => pb::DirectoryKind::Department,
        Source::Organisations => pb::DirectoryKind::Organisation,
        _ => pb::DirectoryKind::Unspecified,
    }
}

/// The identity, version and name of entry `id` of the directory `source` lists.
fn entry_meta(source: Source, id: u64, ctx: &Ctx<'_>) -> Option<(pb::Meta, String)> {
    let r = ctx.replica;
    match source {
        Source::Territories => r
            .territories
            .get(id)
            .and_then(|e| Some((e.meta?, e.name.clone()))),
        Source::Venues => r
            .venues
            .get(id)
            .and_then(|e| Some((e.meta?, e.name.clone()))),
        Source::Departments => r
            .departments
            .get(id)
            .and_then(|e| Some((e.meta?, e.name.clone()))),
        Source::Organisations => r
            .organisations
            .get(id)
            .and_then(|e| Some((e.meta?, e.name.clone()))),
        _ => None,
    }
}

/// Archiving the selected entry, with what it means.
fn archive_form(source: Source, id: u64, ctx: &Ctx<'_>) -> Option<Start> {
    let (meta, name) = entry_meta(source, id, ctx)?;
    let lang = ctx.lang;
    Some(Start::Form(Box::new(FormPopup::new(
        ArchiveEntry {
            kind: kind_of(source),
            id,
            version: meta.version,
        },
        W::ArchiveEntryTitle.get(lang).to_string(),
        vec![
            name,
            String::new(),
            W::ArchiveEntryQuestion.get(lang).to_string(),
        ],
        lang,
    ))))
}

/// The entries a choice offers: the ones not archived, as (id, name), by name.
pub fn choices<'a, T: crate::replica::Entity + 'a>(
    entries: impl Iterator<Item = &'a T>,
    name: impl Fn(&T) -> &str,
) -> Vec<(u64, String)> {
    let mut c: Vec<(u64, String)> = entries
        .filter(|e| !e.meta().is_some_and(|m| m.archived))
        .map(|e| (e.id(), name(e).to_string()))
        .collect();
    c.sort_by(|a, b| a.1.cmp(&b.1));
    c
}

/// The territories for a choice, by name, after «—».
pub fn territory_choices(ctx: &Ctx<'_>) -> Vec<(u64, String)> {
    choices(ctx.replica.territories.iter(), |t| &t.name)
}

/// The entry being edited, or a blank one for a new entry.
fn entry<T: crate::replica::Entity + Default>(
    table: &crate::replica::Table<T>,
    editing: Option<u64>,
) -> Option<T> {
    match editing {
        Some(id) => table.get(id).cloned(),
        None => Some(T::default()),
    }
}

/// A directory entry's form: titled as new, or with the edited entry's name above its fields.
fn entry_form(
    spec: impl Into<Box<dyn FormSpec>>,
    (new, edit): (W, W),
    editing: Option<&str>,
    lang: Lang,
) -> FormPopup {
    let (title, summary) = match editing {
        Some(name) => (edit, vec![name.to_string()]),
        None => (new, Vec::new()),
    };
    FormPopup::new(spec, title.get(lang).to_string(), summary, lang)
}

/// The new-entry and edit forms, filled with the entry's current values when editing.
pub fn start(source: Source, command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
    if !commands(source, id, ctx).contains(&command) {
        return None;
    }
    if command == Command::Archive {
        return archive_form(source, id?, ctx);
    }
    let lang = ctx.lang;
    let editing = if command == Command::Edit { id } else { None };
    let form = match source {
        Source::Territories => {
            let t = entry(&ctx.replica.territories, editing)?;
            let kind = crate::features::directory::forms::territory_kind_index(t.kind);
            entry_form(
                SaveTerritory {
                    base: Box::new(t.clone()),
                    request_id: request_id(),
                },
                (W::NewTerritoryTitle, W::EditTerritoryTitle),
                editing.map(|_| t.name.as_str()),
                lang,
            )
            .prefill("name", t.name.clone())
            .prefill("description", t.description.clone())
            .prefill("known_problems", t.known_problems.clone())
            .choose("kind", kind)
        }
        Source::Venues => {
            let v = entry(&ctx.replica.venues, editing)?;
            let territories = territory_choices(ctx);
            let at = territories
                .iter()
                .position(|(id, _)| *id == v.territory_id)
                .map_or(0, |i| i + 1);
            let kind = crate::features::directory::forms::venue_kind_index(v.kind);
            let capacity = if v.capacity == 0 {
                String::new()
            } else {
                v.capacity.to_string()
            };
            entry_form(
                SaveVenue {
                    base: Box::new(v.clone()),
                    request_id: request_id(),
                    territories,
                },
                (W::NewVenueTitle, W::EditVenueTitle),
                editing.map(|_| v.name.as_str()),
                lang,
            )
            .prefill("name", v.name.clone())
            .prefill("address", v.address.clone())
            .prefill("capacity", capacity)
            .prefill("contact_person", v.contact_person.clone())
            .prefill("contact_phone", v.contact_phone.clone())
            .choose("kind", kind)
            .choose("territory_id", at)
        }
        Source::Departments => {
            let d = entry(&ctx.replica.departments, editing)?;
            let head = ctx
                .replica
                .users
                .get(d.head_user_id)
                .map(|u| u.username.clone())
                .unwrap_or_default();
            entry_form(
                SaveDepartment {
                    base: Box::new(d.clone()),
                    request_id: request_id(),
                },
                (W::NewDepartmentTitle, W::EditDepartmentTitle),
                editing.map(|_| d.name.as_str()),
                lang,
            )
            .prefill("name", d.name.clone())
            .prefill("short_name", d.short_name.clone())
            .prefill("head_user_id", head)
        }
        Source::Organisations => {
            let o = entry(&ctx.replica.organisations, editing)?;
            let kind = crate::features::directory::forms::organisation_kind_index(o.kind);
            entry_form(
                SaveOrganisation {
                    base: Box::new(o.clone()),
                    request_id: request_id(),
                },
                (W::NewOrganisationTitle, W::EditOrganisationTitle),
                editing.map(|_| o.name.as_str()),
                lang,
            )
            .prefill("name", o.name.clone())
            .prefill("contact_person", o.contact_person.clone())
            .prefill("contact", o.contact.clone())
            .choose("kind", kind)
        }
        _ => return None,
    };
    Some(Start::Form(Box::new(form)))
}

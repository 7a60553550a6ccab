//! The lists of the workspaces other than assignments: what each lists, its columns, its rows
//! from the replica, the detail of one record and the steps offered on it; and the text of an
//! assignment's detail ([`assignment_detail`]). Pure functions of the replica and the day, so every
//! list is tested without a terminal or a server, and screens and drawing both read them.

pub mod appeals;
pub mod assignment_detail;
pub mod directory;
pub mod groups;
pub mod meeting_prep;
pub mod meetings;
pub mod notifications;
pub mod people;

use chrono::NaiveDate;
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::names::Lang;

use crate::keymap::Command;
use crate::msg::call::Call;
use crate::screens::Ctx;
use crate::screens::form::FormPopup;
use crate::strings::work::W;
use crate::urgency::{DUE_SOON_WORKING_DAYS, Urgency};

/// What a records list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The group's meetings on a timeline, each with its next step and due date.
    Meetings,
    /// Protocols waiting for the leader's signature.
    ProtocolsToSign,
    /// Protocols due to and received by the control sector.
    ProtocolsDue,
    /// Announcements and results to publish, with the drafted text.
    Publications,
    /// Informing residents before meetings.
    Informing,
    /// Written appeals with their 59-FZ deadlines.
    Appeals,
    /// Personal reception cards.
    Cards,
    /// The group's composition.
    Composition,
    /// Every account (administrator).
    Users,
    /// The information groups (administrator).
    Groups,
    /// The city's territories (administrator).
    Territories,
    /// The venues of meetings (administrator).
    Venues,
    /// The administration's departments (administrator).
    Departments,
    /// Outside organisations invited to meetings (administrator).
    Organisations,
    /// The user's notifications.
    Notifications,
}

impl Source {
    /// The tab's name.
    pub fn title(self) -> W {
        match self {
            Source::Meetings => W::TabMeetings,
            Source::ProtocolsToSign => W::TabToSign,
            Source::ProtocolsDue => W::TabProtocols,
            Source::Publications => W::TabPublications,
            Source::Informing => W::TabInforming,
            Source::Appeals => W::TabAppeals,
            Source::Cards => W::TabCards,
            Source::Composition => W::TabComposition,
            Source::Users => W::TabUsers,
            Source::Groups => W::TabGroups,
            Source::Territories => W::TabTerritories,
            Source::Venues => W::TabVenues,
            Source::Departments => W::TabDepartments,
            Source::Organisations => W::TabOrganisations,
            Source::Notifications => W::TabNotifications,
        }
    }

    /// What an empty list says.
    pub fn empty(self) -> W {
        match self {
            Source::ProtocolsToSign => W::EmptyToSign,
            Source::Publications => W::EmptyPublications,
            Source::Notifications => W::EmptyNotifications,
            _ => W::Empty,
        }
    }

    /// The columns.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Source::Meetings | Source::ProtocolsToSign | Source::Informing => meetings::COLUMNS,
            Source::ProtocolsDue => meetings::PROTOCOL_COLUMNS,
            Source::Publications => meetings::PUBLICATION_COLUMNS,
            Source::Appeals => appeals::COLUMNS,
            Source::Cards => appeals::CARD_COLUMNS,
            Source::Composition | Source::Users => people::COLUMNS,
            Source::Groups => groups::COLUMNS,
            Source::Territories => directory::TERRITORY_COLUMNS,
            Source::Venues => directory::VENUE_COLUMNS,
            Source::Departments => directory::DEPARTMENT_COLUMNS,
            Source::Organisations => directory::ORGANISATION_COLUMNS,
            Source::Notifications => notifications::COLUMNS,
        }
    }

    /// The rows, in the list's own order (most pressing first).
    pub fn rows(self, ctx: &Ctx<'_>) -> Vec<RecordRow> {
        match self {
            Source::Meetings | Source::ProtocolsToSign | Source::Informing => {
                meetings::rows(self, ctx)
            }
            Source::ProtocolsDue => meetings::protocol_rows(ctx),
            Source::Publications => meetings::publication_rows(ctx),
            Source::Appeals => appeals::rows(ctx),
            Source::Cards => appeals::card_rows(ctx),
            Source::Composition | Source::Users => people::rows(self, ctx),
            Source::Groups => groups::rows(ctx),
            Source::Territories => directory::territory_rows(ctx),
            Source::Venues => directory::venue_rows(ctx),
            Source::Departments => directory::department_rows(ctx),
            Source::Organisations => directory::organisation_rows(ctx),
            Source::Notifications => notifications::rows(ctx),
        }
    }

    /// The detail of one record.
    pub fn detail(self, id: u64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
        match self {
            Source::Meetings
            | Source::ProtocolsToSign
            | Source::ProtocolsDue
            | Source::Informing => meetings::detail(id, ctx),
            Source::Publications => meetings::publication_detail(id, ctx),
            Source::Appeals => appeals::detail(id, ctx),
            Source::Cards => appeals::card_detail(id, ctx),
            Source::Composition | Source::Users => people::detail(id, ctx),
            Source::Groups => groups::detail(id, ctx),
            Source::Territories => directory::territory_detail(id, ctx),
            Source::Venues => directory::venue_detail(id, ctx),
            Source::Departments => directory::department_detail(id, ctx),
            Source::Organisations => directory::organisation_detail(id, ctx),
            Source::Notifications => notifications::detail(id, ctx),
        }
    }

    /// Whether its rows carry deadlines (and so the overdue and due-soon markers).
    pub fn has_deadlines(self) -> bool {
        !matches!(
            self,
            Source::Composition
                | Source::Users
                | Source::Groups
                | Source::Territories
                | Source::Venues
                | Source::Departments
                | Source::Organisations
                | Source::Notifications
        )
    }

    /// The steps offered on a record (and on the list, when `id` is `None`).
    pub fn commands(self, id: Option<u64>, ctx: &Ctx<'_>) -> Vec<Command> {
        match self {
            Source::Meetings
            | Source::ProtocolsToSign
            | Source::ProtocolsDue
            | Source::Informing => meetings::commands(self, id, ctx),
            Source::Publications => meetings::publication_commands(id, ctx),
            Source::Cards => appeals::card_commands(id, ctx),
            Source::Notifications => notifications::commands(id, ctx),
            Source::Composition | Source::Users => {
                let mut c = people::commands(self, id, ctx);
                c.extend(groups::commands(self, id, ctx));
                c
            }
            Source::Groups => groups::commands(self, id, ctx),
            Source::Territories | Source::Venues | Source::Departments | Source::Organisations => {
                directory::commands(self, id, ctx)
            }
            Source::Appeals => appeals::commands(id, ctx),
        }
    }

    /// What a step on a record starts.
    pub fn start(self, command: Command, id: Option<u64>, ctx: &Ctx<'_>) -> Option<Start> {
        match self {
            Source::Meetings
            | Source::ProtocolsToSign
            | Source::ProtocolsDue
            | Source::Informing => meetings::start(self, command, id, ctx),
            Source::Publications => meetings::publication_start(command, id?, ctx),
            Source::Cards => appeals::card_start(command, id, ctx),
            Source::Notifications => notifications::start(command, id, ctx),
            Source::Composition if command == Command::Edit => {
                groups::start(self, command, id, ctx)
            }
            Source::Composition | Source::Users => people::start(self, command, id, ctx),
            Source::Groups => groups::start(self, command, id, ctx),
            Source::Territories | Source::Venues | Source::Departments | Source::Organisations => {
                directory::start(self, command, id, ctx)
            }
            Source::Appeals => appeals::start(command, id, ctx),
        }
    }
}

/// What a step starts.
#[derive(Debug, Clone)]
pub enum Start {
    /// A form or confirmation.
    Form(Box<FormPopup>),
    /// A call right away (nothing to confirm, e.g. marking a notification read).
    Call(Box<Call>),
    /// Show this assignment on the first assignments tab that lists it.
    ShowAssignment(u64),
}

/// A column of a list.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its header.
    pub title: W,
    /// Its width in cells; 0 takes what is left.
    pub width: u16,
}

/// How a row is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Its deadline has passed (red, «!»).
    Overdue,
    /// Due soon (yellow, «*»).
    Soon,
    /// Nothing pressing.
    Normal,
    /// Finished (dim).
    Done,
}

impl From<Urgency> for Tone {
    fn from(u: Urgency) -> Self {
        match u {
            Urgency::Overdue => Tone::Overdue,
            Urgency::DueSoon => Tone::Soon,
            Urgency::Open => Tone::Normal,
            Urgency::Closed => Tone::Done,
        }
    }
}

/// One row of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    /// The record's id (unique within the list).
    pub id: u64,
    /// The cells, one per column.
    pub cells: Vec<String>,
    /// Sortable forms of the cells (dates as ISO), one per column.
    pub sort: Vec<String>,
    /// How it is drawn.
    pub tone: Tone,
}

impl RecordRow {
    /// A row whose cells sort as they read.
    pub fn new(id: u64, tone: Tone, cells: Vec<String>) -> Self {
        Self {
            id,
            sort: cells.iter().map(|c| c.to_lowercase()).collect(),
            cells,
            tone,
        }
    }

    /// Sorts column `col` by `key` instead of its text (dates, numbers).
    pub fn sort_by(mut self, col: usize, key: String) -> Self {
        if let Some(s) = self.sort.get_mut(col) {
            *s = key;
        }
        self
    }

    /// Whether the row matches the (lowercased) filter.
    pub fn matches(&self, needle: &str) -> bool {
        self.sort.iter().any(|c| c.contains(needle))
            || self.cells.iter().any(|c| c.to_lowercase().contains(needle))
    }
}

/// A line of a record's detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailLine {
    /// A section heading.
    Heading(String),
    /// A label and its value.
    Field(String, String),
    /// Free text (wrapped).
    Text(String),
    /// A text that stands out: an overdue date, a missing step.
    Warning(String),
    /// An empty line.
    Blank,
}

/// `label: value` in `lang`.
pub fn field(lang: Lang, label: W, value: impl Into<String>) -> DetailLine {
    DetailLine::Field(label.get(lang).to_string(), value.into())
}

/// A date as people read it.
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A date's sortable form.
pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// How pressing an open item due on `due` is on `today`.
pub fn tone_of_due(due: NaiveDate, today: NaiveDate, cal: &ProductionCalendar) -> Tone {
    if due < today {
        Tone::Overdue
    } else if (due - today).num_days() <= 14
        && cal.working_days_between(today, due) <= DUE_SOON_WORKING_DAYS
    {
        Tone::Soon
    } else {
        Tone::Normal
    }
}

/// A territory's name.
pub fn territory(ctx: &Ctx<'_>, id: u64) -> String {
    ctx.replica
        .territories
        .get(id)
        .map_or_else(|| format!("#{id}"), |t| t.name.clone())
}

/// A group's label ("Группа № 3").
pub fn group(ctx: &Ctx<'_>, id: u64) -> String {
    match ctx.replica.group_number(id) {
        Some(n) => crate::strings::group_number(ctx.lang, n),
        None if id == 0 => "—".to_string(),
        None => format!("#{id}"),
    }
}

/// A person's name.
pub fn person(ctx: &Ctx<'_>, id: u64) -> String {
    if id == 0 {
        return "—".to_string();
    }
    ctx.replica.user_name(id).map_or_else(
        || crate::strings::unknown_user(ctx.lang, id),
        str::to_string,
    )
}

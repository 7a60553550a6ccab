//! What every records list is made of: its columns, its rows and their tone, the lines of a
//! record's detail, what a step starts, and the small formatters the lists share (dates, names
//! of groups, territories and people).

use chrono::NaiveDate;
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::names::Lang;

use crate::features::assignments::urgency::{DUE_SOON_WORKING_DAYS, Urgency};
use crate::msg::Target;
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::FormPopup;

/// What a step starts.
#[derive(Debug, Clone)]
pub enum Start {
    /// A form or confirmation.
    Form(Box<FormPopup>),
    /// A call right away (nothing to confirm, e.g. marking a notification read).
    Call(Box<Call>),
    /// Show this record on the first tab that lists it.
    Show(Target),
}

/// A column of a list: what it is called and what it asks of the layout
/// ([`crate::ui::columns::fit`]).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its header.
    pub title: W,
    /// Lower is more important; priority 0 never drops, the others drop highest first.
    pub priority: u8,
    /// The narrowest it is still worth showing at.
    pub min: u16,
    /// The widest it ever needs (its cells may need less).
    pub max: u16,
    /// It tells rows apart (their subject or text) and takes the room the others leave.
    pub grows: bool,
    /// It says nothing when every row holds the same value (one group's list, one person's).
    pub same_drops: bool,
}

impl Column {
    /// A column `width` cells wide at most, kept unless the room runs out.
    pub const fn new(title: W, width: u16) -> Self {
        Self {
            title,
            priority: 1,
            min: width,
            max: width,
            grows: false,
            same_drops: false,
        }
    }

    /// The column that tells rows apart: it takes what the others leave, at least 24 cells.
    pub const fn grows(title: W) -> Self {
        Self {
            title,
            priority: 0,
            min: 24,
            max: u16::MAX,
            grows: true,
            same_drops: false,
        }
    }

    /// How important it is (0 never drops).
    pub const fn priority(mut self, priority: u8) -> Self {
        self.priority = priority;
        self
    }

    /// It may shrink to `min` cells before anything drops.
    pub const fn squeeze(mut self, min: u16) -> Self {
        self.min = min;
        self
    }

    /// It drops when every row holds the same value.
    pub const fn same_drops(mut self) -> Self {
        self.same_drops = true;
        self
    }
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
    /// The cells in full, for the line under the list (a status's full name where the cell
    /// holds its short one), one per column.
    pub long: Vec<String>,
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
            long: cells.clone(),
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

    /// Says column `col` in full as `text` (its cell holds a short form).
    pub fn long(mut self, col: usize, text: impl Into<String>) -> Self {
        if let Some(s) = self.long.get_mut(col) {
            *s = text.into();
        }
        self
    }

    /// Whether the row matches the (lowercased) filter.
    pub fn matches(&self, needle: &str) -> bool {
        self.sort.iter().any(|c| c.contains(needle))
            || self.long.iter().any(|c| c.to_lowercase().contains(needle))
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

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

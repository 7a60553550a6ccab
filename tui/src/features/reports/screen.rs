//! A report tab: figures the server computes (the dashboard, the quarterly-minimum table, ad-hoc
//! aggregates, the groups' report, the appeals analysis), asked for when the tab opens, when its
//! parameters change and on F5; `w` saves them as a file the server renders.

use chrono::NaiveDate;
use infogroups_shared::pb;

use crate::features::directory::forms::{ImportClassifier, SaveCalendarYear};
use crate::features::reports::forms::ReportPeriod;
use crate::features::reports::requests::{Params, Period};
use crate::keymap::Command;
use crate::msg::Cmd;
use crate::msg::call::{Origin, Reply, ReportKind};
use crate::msg::error::RpcError;
use crate::strings::work::W;
use crate::ui::form_engine::{FormPopup, FormSpec};
use crate::ui::popup::Popup;
use crate::ui::{Component, Ctx, Outbox, common};

/// What the server answered.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportData {
    /// A table of figures.
    Table(pb::Table),
    /// The dashboard.
    Dashboard(Box<pb::DashboardResponse>),
    /// The quarterly-minimum cells.
    Quarterly(pb::QuarterlyMinimumResponse),
    /// The production calendar's years.
    Calendar(pb::ListCalendarYearsResponse),
}

/// A report tab's state.
#[derive(Debug, Clone)]
pub struct ReportScreen {
    /// Which report.
    pub kind: ReportKind,
    /// Its parameters.
    pub params: Params,
    /// The last answer.
    pub data: Option<ReportData>,
    /// A request is in flight.
    pub loading: bool,
    /// Why the last request failed.
    pub error: Option<RpcError>,
    /// The first table row shown.
    pub scroll: usize,
    /// The number of the latest request; only its answer is shown.
    pub asked: u32,
    /// The first of the table's figure columns shown (the label column always is): a wide table
    /// — the groups' report — scrolls sideways on a narrow terminal.
    pub first_column: usize,
    /// The data changed since the figures were asked for.
    pub stale: bool,
    /// When the figures were last asked for, UTC ms.
    pub asked_at_ms: i64,
}

/// The least time between two refreshes a live change brings, so a busy day's stream of events
/// does not keep the server computing the same figures.
const REFRESH_PACE_MS: i64 = 2_000;

impl ReportScreen {
    /// A tab for `kind`, not yet loaded.
    pub fn new(kind: ReportKind) -> Self {
        Self {
            kind,
            params: Params::default(),
            data: None,
            loading: false,
            error: None,
            scroll: 0,
            asked: 0,
            first_column: 0,
            stale: false,
            asked_at_ms: 0,
        }
    }

    /// Records, events say, have changed what the figures count (the calendar's years excepted).
    pub fn outdated(&mut self) {
        if self.kind != ReportKind::Directories {
            self.stale = true;
        }
    }

    /// Shows the days `from`–`to` (a period typed), asking for their figures.
    pub fn show_days(&mut self, from: NaiveDate, to: NaiveDate, ctx: &Ctx<'_>, out: &mut Outbox) {
        self.params.period = Period::Range(from, to);
        self.scroll = 0;
        self.first_column = 0;
        self.load(ctx, out);
    }

    /// Starts a new request: its origin, which only its answer will match.
    pub fn begin(&mut self) -> Origin {
        self.loading = true;
        self.asked = self.asked.wrapping_add(1);
        Origin::Report(self.kind, self.asked)
    }

    /// Asks the server for the figures.
    pub fn load(&mut self, ctx: &Ctx<'_>, out: &mut Outbox) {
        if self.asked == 0 && self.kind == ReportKind::GroupsReport {
            self.params = Params::opening(ctx.today);
        }
        let origin = self.begin();
        self.stale = false;
        self.asked_at_ms = ctx.now_ms;
        out.run(Cmd::Call {
            origin,
            call: Box::new(self.params.call(self.kind, ctx.today)),
        });
    }

    /// Loads the figures unless they are here or on their way; figures that changed since are
    /// asked for again, at most once per [`REFRESH_PACE_MS`], the old ones shown meanwhile.
    pub fn ensure_loaded(&mut self, ctx: &Ctx<'_>, out: &mut Outbox) {
        let first = self.data.is_none() && self.error.is_none();
        let refresh = self.stale && ctx.now_ms.saturating_sub(self.asked_at_ms) >= REFRESH_PACE_MS;
        if !self.loading && (first || refresh) {
            self.load(ctx, out);
        }
    }

    /// The server answered request number `serial`; an older one's answer is dropped.
    pub fn answered(&mut self, serial: u32, result: Result<Reply, RpcError>) {
        if serial != self.asked {
            return;
        }
        self.loading = false;
        match result {
            Ok(Reply::Table(t)) => self.set(ReportData::Table(t)),
            Ok(Reply::Dashboard(d)) => self.set(ReportData::Dashboard(d)),
            Ok(Reply::Quarterly(q)) => self.set(ReportData::Quarterly(q)),
            Ok(Reply::CalendarYears(c)) => self.set(ReportData::Calendar(c)),
            Ok(_) => {}
            Err(e) => self.error = Some(e),
        }
    }

    /// New figures; the place scrolled to is kept (a live refresh must not jump to the top).
    fn set(&mut self, data: ReportData) {
        self.error = None;
        self.data = Some(data);
        self.scroll = self.scroll.min(self.rows().saturating_sub(1));
    }

    fn rows(&self) -> usize {
        match &self.data {
            Some(ReportData::Table(t)) => t.rows.len(),
            Some(ReportData::Dashboard(d)) => d.top_problems.as_ref().map_or(0, |t| t.rows.len()),
            Some(ReportData::Quarterly(q)) => q.cells.len() / 4 + 1,
            Some(ReportData::Calendar(c)) => c.years.len(),
            None => 0,
        }
    }

    /// Scrolls by `delta` rows, never past the last page of `page` rows.
    fn scroll_by(&mut self, delta: isize, page: usize) {
        let max = self.rows().saturating_sub(page);
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }

    /// How many figure columns the table has (besides the label column).
    fn figure_columns(&self) -> usize {
        match &self.data {
            Some(ReportData::Table(t)) => t.columns.len().saturating_sub(1),
            _ => 0,
        }
    }
}

impl Component for ReportScreen {
    fn commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        use Command as C;
        let mut c = vec![C::Up, C::Down, C::PageUp, C::PageDown, C::Refresh];
        if !matches!(self.kind, ReportKind::Dashboard | ReportKind::Directories) {
            c.push(C::Period);
        }
        if self.kind == ReportKind::Aggregates {
            c.extend([C::CustomPeriod, C::Dimension]);
        }
        if self.params.export(self.kind, ctx.today).is_some() {
            c.push(C::Export);
        }
        if self.kind == ReportKind::Directories {
            c.extend([C::New, C::Import]);
        }
        // After the report's own steps: the hints line shows them first.
        if self.figure_columns() > 1 {
            if self.first_column > 0 {
                c.push(C::ColumnsLeft);
            }
            c.push(C::ColumnsRight);
        }
        ctx.close_commands(c)
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        use Command as C;
        let rows = crate::ui::layout::report_page(ctx.size);
        let page = isize::try_from(rows).unwrap_or(10);
        match command {
            C::Up => self.scroll_by(-1, rows),
            C::Down => self.scroll_by(1, rows),
            C::PageUp => self.scroll_by(-page, rows),
            C::PageDown => self.scroll_by(page, rows),
            C::ColumnsLeft => self.first_column = self.first_column.saturating_sub(1),
            C::ColumnsRight => {
                self.first_column = (self.first_column + 1).min(self.figure_columns() - 1);
            }
            C::Refresh => self.load(ctx, out),
            C::Period => {
                self.params.next_period(self.kind);
                self.scroll = 0;
                self.first_column = 0;
                self.load(ctx, out);
            }
            C::CustomPeriod if self.kind == ReportKind::Aggregates => {
                let (from, to) = self.params.period.bounds(ctx.today);
                open_form(
                    ReportPeriod {
                        kind: self.kind,
                        from,
                        to,
                    },
                    W::PeriodTitle,
                    W::PeriodHint,
                    ctx,
                    out,
                );
            }
            C::Dimension => {
                self.params.next_dimension();
                self.scroll = 0;
                self.first_column = 0;
                self.load(ctx, out);
            }
            C::Export => {
                if let Some(request) = self.params.export(self.kind, ctx.today) {
                    let about = self.params.describe(self.kind, ctx.lang, ctx.today);
                    let form = crate::features::exports::forms::export_form(
                        request,
                        vec![about],
                        ctx.lang,
                    );
                    out.open(Popup::Form(Box::new(form)));
                }
            }
            C::New if self.kind == ReportKind::Directories => open_form(
                SaveCalendarYear,
                W::CalendarYearTitle,
                W::CalendarYearHint,
                ctx,
                out,
            ),
            C::Import => open_form(ImportClassifier, W::ImportTitle, W::ImportHint, ctx, out),
            other => common(other, out),
        }
    }
}

/// Opens the form of `spec`, titled `title`, with `hint` above its fields.
fn open_form(
    spec: impl Into<Box<dyn FormSpec>>,
    title: W,
    hint: W,
    ctx: &Ctx<'_>,
    out: &mut Outbox,
) {
    let lang = ctx.lang;
    let form = FormPopup::new(
        spec,
        title.get(lang).to_string(),
        vec![hint.get(lang).to_string()],
        lang,
    );
    out.open(Popup::Form(Box::new(form)));
}

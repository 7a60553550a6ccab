//! The view log («Журнал просмотров ПДн»): who saw which citizen's personal data when, as the
//! server's audit records it, for the administrator and the personal-data officer. Pages of the
//! log, newest first, older pages by the last record's sequence; filters by the selected row's
//! person or record; the newest page is asked for again at a steady pace while it is shown.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::policy::VIEW_PERSONAL_DATA;

use crate::keymap::Command;
use crate::msg::Cmd;
use crate::msg::call::{Call, Origin, Reply};
use crate::msg::error::RpcError;
use crate::ui::{Component, Ctx, Outbox, common, list};

/// Records on one page of the log (what one request asks for).
pub const PAGE: usize = 100;

/// The least time between two automatic requests of the newest page: views leave no event on
/// the stream, so the tab asks, but not so often that an idle screen loads the server.
pub const REFRESH_PACE_MS: i64 = 10_000;

/// The record a filter keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFilter {
    /// Its kind, as the audit names it ("appeal", "reception_card").
    pub kind: String,
    /// Its id.
    pub id: u64,
    /// Its number, for the header.
    pub label: String,
}

/// One row as drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewRow {
    /// When, in the city's time.
    pub when: String,
    /// Who saw it, by name.
    pub who: String,
    /// Which record, by its number.
    pub record: String,
}

/// The view log tab's state.
#[derive(Debug, Clone, Default)]
pub struct ViewLogScreen {
    /// The page shown, newest first.
    pub records: Vec<pb::AuditRecord>,
    /// The page's bound: records strictly before this sequence; 0 for the newest page.
    pub before_seq: u64,
    /// The bounds of the newer pages shown before this one, for going back.
    newer: Vec<u64>,
    /// Only this person's views.
    pub person: Option<u64>,
    /// Only the views of this record.
    pub record: Option<RecordFilter>,
    /// The selected row.
    pub selected: usize,
    /// The first row drawn.
    pub offset: usize,
    /// A request is in flight.
    pub loading: bool,
    /// Why the last request failed.
    pub error: Option<RpcError>,
    /// A page has arrived since the filters or the page last changed.
    pub loaded: bool,
    asked: u32,
    asked_at_ms: i64,
}

/// A record as people name it: «Обращение ИГ-2026-00042», «Карточка приёма ЛП-1-2026/3».
pub fn record_name(lang: Lang, kind: &str, id: u64, label: &str) -> String {
    let what = match kind {
        "appeal" => lang.pick("Обращение", "Appeal"),
        "reception_card" => lang.pick("Карточка приёма", "Reception card"),
        other => other,
    };
    if label.is_empty() {
        format!("{what} #{id}")
    } else {
        format!("{what} {label}")
    }
}

impl ViewLogScreen {
    /// The tab before its first page.
    pub fn new() -> Self {
        Self::default()
    }

    /// What the tab asks the server for now.
    pub fn request(&self) -> pb::ListAuditRequest {
        let (entity_kind, entity_id) = self
            .record
            .as_ref()
            .map_or((String::new(), 0), |r| (r.kind.clone(), r.id));
        pb::ListAuditRequest {
            actor_id: self.person.unwrap_or(0),
            entity_kind,
            entity_id,
            before_seq: self.before_seq,
            limit: PAGE as u32,
            action: VIEW_PERSONAL_DATA.to_string(),
        }
    }

    /// Whether there may be older records than this page's.
    pub fn has_older(&self) -> bool {
        self.records.len() >= PAGE
    }

    /// The page's number, 1 for the newest.
    pub fn page_number(&self) -> usize {
        self.newer.len() + 1
    }

    fn load(&mut self, ctx: &Ctx<'_>, out: &mut Outbox) {
        self.asked = self.asked.wrapping_add(1);
        self.loading = true;
        self.asked_at_ms = ctx.now_ms;
        out.run(Cmd::Call {
            origin: Origin::ViewLog(self.asked),
            call: Box::new(Call::ListAudit(self.request())),
        });
    }

    /// Asks for the page unless it is here or on its way; the newest page again once
    /// [`REFRESH_PACE_MS`] has passed (older pages do not change).
    pub fn ensure_loaded(&mut self, ctx: &Ctx<'_>, out: &mut Outbox) {
        let first = !self.loaded && self.error.is_none();
        let live = self.loaded
            && self.before_seq == 0
            && ctx.now_ms.saturating_sub(self.asked_at_ms) >= REFRESH_PACE_MS;
        if !self.loading && (first || live) {
            self.load(ctx, out);
        }
    }

    /// The server answered request number `serial`; an older one's answer is dropped. The
    /// selected record stays selected when a refresh brings newer ones above it.
    pub fn answered(&mut self, serial: u32, result: Result<Reply, RpcError>) {
        if serial != self.asked {
            return;
        }
        self.loading = false;
        match result {
            Ok(Reply::Audit(page)) => {
                let kept = self.records.get(self.selected).map(|r| r.seq);
                self.records = page.records;
                self.loaded = true;
                self.error = None;
                self.selected = kept
                    .and_then(|seq| self.records.iter().position(|r| r.seq == seq))
                    .unwrap_or_else(|| self.selected.min(self.records.len().saturating_sub(1)));
            }
            Ok(_) => {}
            Err(e) => self.error = Some(e),
        }
    }

    /// The rows, as drawn.
    pub fn rows(&self, ctx: &Ctx<'_>) -> Vec<ViewRow> {
        self.records
            .iter()
            .map(|r| ViewRow {
                when: crate::ui::text::date_time(r.at_ms),
                who: crate::features::record_list::row::person(ctx, r.actor_id),
                record: record_name(ctx.lang, &r.entity_kind, r.entity_id, &r.entity_label),
            })
            .collect()
    }

    /// Starts again from the newest page (the filters changed).
    fn restart(&mut self, ctx: &Ctx<'_>, out: &mut Outbox) {
        self.before_seq = 0;
        self.newer.clear();
        self.turned(ctx, out);
    }

    /// Another page: asked for, the selection at its top.
    fn turned(&mut self, ctx: &Ctx<'_>, out: &mut Outbox) {
        self.records.clear();
        self.loaded = false;
        self.error = None;
        self.selected = 0;
        self.offset = 0;
        self.load(ctx, out);
    }

    fn select(&mut self, index: usize, ctx: &Ctx<'_>) {
        self.selected = index.min(self.records.len().saturating_sub(1));
        self.offset = list::offset_for(
            self.selected,
            self.offset,
            self.records.len(),
            list::page(ctx),
        );
    }
}

impl Component for ViewLogScreen {
    fn commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        use Command as C;
        let mut c = vec![C::Up, C::Down, C::PageUp, C::PageDown, C::Home, C::End];
        if !self.records.is_empty() || self.person.is_some() {
            c.push(C::FilterPerson);
        }
        if !self.records.is_empty() || self.record.is_some() {
            c.push(C::FilterRecord);
        }
        if self.person.is_some() || self.record.is_some() {
            c.push(C::Cancel);
        }
        if self.has_older() {
            c.push(C::OlderPage);
        }
        if !self.newer.is_empty() {
            c.push(C::NewerPage);
        }
        c.push(C::Refresh);
        ctx.close_commands(c)
    }

    fn describe(&self, command: Command, lang: Lang) -> &'static str {
        match command {
            Command::Cancel => lang.pick("показать все записи журнала", "show the whole log"),
            Command::Refresh => lang.pick("обновить журнал", "refresh the log"),
            other => list::describe(other, lang),
        }
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        match command {
            Command::Cancel => lang.pick("все", "all"),
            other => list::label(other, lang),
        }
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        use Command as C;
        let page = list::page(ctx);
        let selected = self.records.get(self.selected).cloned();
        match command {
            C::Up => self.select(self.selected.saturating_sub(1), ctx),
            C::Down => self.select(self.selected.saturating_add(1), ctx),
            C::PageUp => self.select(self.selected.saturating_sub(page), ctx),
            C::PageDown => self.select(self.selected.saturating_add(page), ctx),
            C::Home => self.select(0, ctx),
            C::End => self.select(usize::MAX, ctx),
            C::FilterPerson => {
                self.person = match (self.person, selected) {
                    (Some(_), _) => None,
                    (None, Some(r)) => Some(r.actor_id),
                    (None, None) => None,
                };
                self.restart(ctx, out);
            }
            C::FilterRecord => {
                self.record = match (&self.record, selected) {
                    (Some(_), _) => None,
                    (None, Some(r)) => Some(RecordFilter {
                        kind: r.entity_kind,
                        id: r.entity_id,
                        label: r.entity_label,
                    }),
                    (None, None) => None,
                };
                self.restart(ctx, out);
            }
            C::Cancel => {
                self.person = None;
                self.record = None;
                self.restart(ctx, out);
            }
            C::OlderPage => {
                if let Some(last) = self.records.last() {
                    self.newer.push(self.before_seq);
                    self.before_seq = last.seq;
                    self.turned(ctx, out);
                }
            }
            C::NewerPage => {
                if let Some(bound) = self.newer.pop() {
                    self.before_seq = bound;
                    self.turned(ctx, out);
                }
            }
            C::Refresh => self.load(ctx, out),
            other => common(other, out),
        }
    }
}

//! A list of records (meetings, protocols, appeals, cards, publications, people,
//! notifications): rows from the replica in the list's own order or sorted by a column, a text
//! filter, a detail panel, and the steps the source offers on the selected record.

use crossterm::event::KeyEvent;
use infogroups_shared::names::Lang;
use infogroups_shared::pb;

use crate::features::exports::forms::export_form;
use crate::features::record_list::row::{RecordRow, Start};
use crate::features::record_list::source::Source;
use crate::keymap::Command;
use crate::msg::call::Origin;
use crate::msg::{Cmd, Msg};
use crate::strings::work::W;
use crate::ui::list::Focus;
use crate::ui::popup::Popup;
use crate::ui::text_input::TextInput;
use crate::ui::{Component, Ctx, Outbox, common, list};

/// A records list's state.
#[derive(Debug, Clone)]
pub struct RecordsScreen {
    /// What it lists.
    pub source: Source,
    rows: Vec<RecordRow>,
    total: usize,
    stale: bool,
    /// The column sorted by; `None` keeps the source's own order.
    pub sort: Option<usize>,
    /// The selected row.
    pub selected: usize,
    /// The first row drawn.
    pub offset: usize,
    selected_id: Option<u64>,
    /// The filter text.
    pub filter: TextInput,
    /// The filter field has the focus.
    pub filtering: bool,
    /// Where the keys go.
    pub focus: Focus,
    /// The detail panel's first line shown.
    pub detail_scroll: usize,
}

impl RecordsScreen {
    /// An empty list of `source`; rows appear when the state settles.
    pub fn new(source: Source) -> Self {
        Self {
            source,
            rows: Vec::new(),
            total: 0,
            stale: true,
            sort: None,
            selected: 0,
            offset: 0,
            selected_id: None,
            filter: TextInput::default(),
            filtering: false,
            focus: Focus::List,
            detail_scroll: 0,
        }
    }

    /// The rows shown, in order.
    pub fn rows(&self) -> &[RecordRow] {
        &self.rows
    }

    /// How many records there are before the filter.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The selected record's id.
    pub fn selected_id(&self) -> Option<u64> {
        self.rows.get(self.selected).map(|r| r.id)
    }

    /// Whether the detail panel has the focus (it always shows on a wide terminal).
    pub fn detail_open(&self) -> bool {
        self.focus == Focus::Detail
    }

    /// Marks the rows for recomputation.
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Recomputes the rows if needed, keeping the selected record selected.
    pub fn settle(&mut self, ctx: &Ctx<'_>) {
        if !self.stale {
            return;
        }
        self.stale = false;
        let needle = self.filter.text().trim().to_lowercase();
        let mut rows = self.source.rows(ctx);
        self.total = rows.len();
        if !needle.is_empty() {
            rows.retain(|r| r.matches(&needle));
        }
        if let Some(col) = self.sort {
            // Stable: equal keys keep the source's order.
            rows.sort_by(|a, b| a.sort.get(col).cmp(&b.sort.get(col)));
        }
        self.rows = rows;
        // The record shown left this list (a protocol signed off the leader's list): back to the
        // list rather than another record's card.
        if self.focus == Focus::Detail
            && self
                .selected_id
                .is_some_and(|id| !self.rows.iter().any(|r| r.id == id))
        {
            self.focus = Focus::List;
        }
        self.selected = self
            .selected_id
            .and_then(|id| self.rows.iter().position(|r| r.id == id))
            .unwrap_or_else(|| self.selected.min(self.rows.len().saturating_sub(1)));
        self.selected_id = self.selected_id();
        self.scroll_into_view(ctx);
    }

    /// Shows record `id` if this list holds it: the filter cleared, the row selected and its
    /// detail open. False when it is not here.
    pub fn show(&mut self, id: u64, ctx: &Ctx<'_>) -> bool {
        self.filter.clear();
        self.filtering = false;
        self.stale = true;
        self.settle(ctx);
        let Some(i) = self.rows.iter().position(|r| r.id == id) else {
            return false;
        };
        self.select(i, ctx);
        self.focus = Focus::Detail;
        true
    }

    /// The register this list prints as: meetings and appeals.
    fn register(&self) -> Option<pb::RegisterKind> {
        match self.source {
            Source::Meetings => Some(pb::RegisterKind::Meetings),
            Source::Appeals => Some(pb::RegisterKind::Appeals),
            _ => None,
        }
    }

    fn scroll_into_view(&mut self, ctx: &Ctx<'_>) {
        self.offset =
            list::offset_for(self.selected, self.offset, self.rows.len(), list::page(ctx));
    }

    fn select(&mut self, index: usize, ctx: &Ctx<'_>) {
        let index = index.min(self.rows.len().saturating_sub(1));
        if index != self.selected {
            self.detail_scroll = 0;
        }
        self.selected = index;
        self.selected_id = self.selected_id();
        self.scroll_into_view(ctx);
    }

    fn scroll_detail(&mut self, delta: isize) {
        // The drawing clamps what it cannot show; here only keep it from running away.
        self.detail_scroll = self.detail_scroll.saturating_add_signed(delta).min(10_000);
    }

    fn next_sort(&mut self, ctx: &Ctx<'_>) {
        let columns = self.source.columns().len();
        self.sort = match self.sort {
            None => Some(0),
            Some(c) if c + 1 < columns => Some(c + 1),
            Some(_) => None,
        };
        self.stale = true;
        self.settle(ctx);
    }
}

impl Component for RecordsScreen {
    fn commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        use Command as C;
        if self.filtering {
            return list::filter_commands();
        }
        let mut c = vec![C::Up, C::Down, C::PageUp, C::PageDown, C::Home, C::End];
        match self.focus {
            Focus::List => {
                c.extend([C::Open, C::Filter, C::Sort]);
                if !self.filter.text().is_empty() {
                    c.push(C::Cancel);
                }
            }
            Focus::Detail => c.push(C::Back),
        }
        c.extend(self.source.commands(self.selected_id(), ctx));
        if self.register().is_some() && !self.rows.is_empty() {
            c.push(C::PrintList);
        }
        ctx.close_commands(c)
    }

    fn typing(&self) -> bool {
        self.filtering
    }

    fn describe(&self, command: Command, lang: Lang) -> &'static str {
        match (self.source, command) {
            // On appeals the head extends the answer deadline; nobody asks.
            (Source::Appeals, Command::RequestExtension) => W::ExtendAppealKey.get(lang),
            _ => list::describe(command, lang),
        }
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        list::label(command, lang)
    }

    fn why_not(&self, command: Command, ctx: &Ctx<'_>) -> Option<String> {
        self.source.why_not(command, self.selected_id(), ctx)
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        use Command as C;
        let page = list::page(ctx);
        let in_detail = self.focus == Focus::Detail && !self.filtering;
        match command {
            C::Up if in_detail => self.scroll_detail(-1),
            C::Down if in_detail => self.scroll_detail(1),
            C::PageUp if in_detail => self.scroll_detail(-list::page_delta(page)),
            C::PageDown if in_detail => self.scroll_detail(list::page_delta(page)),
            C::Home if in_detail => self.detail_scroll = 0,
            C::End if in_detail => self.scroll_detail(isize::MAX / 2),
            C::Up => self.select(self.selected.saturating_sub(1), ctx),
            C::Down => self.select(self.selected.saturating_add(1), ctx),
            C::PageUp => self.select(self.selected.saturating_sub(page), ctx),
            C::PageDown => self.select(self.selected.saturating_add(page), ctx),
            C::Home => self.select(0, ctx),
            C::End => self.select(usize::MAX, ctx),
            C::Open if !self.rows.is_empty() => {
                self.focus = Focus::Detail;
                self.detail_scroll = 0;
                if let (Some(kind), Some(id)) = (self.source.record_kind(), self.selected_id()) {
                    out.run(Cmd::Call {
                        origin: Origin::Files,
                        call: Box::new(crate::features::attachments::fetch(kind, id)),
                    });
                }
            }
            C::Back => self.focus = Focus::List,
            C::Filter => self.filtering = true,
            C::Submit => self.filtering = false,
            C::Cancel => {
                self.filtering = false;
                self.filter.clear();
                self.stale = true;
                self.settle(ctx);
            }
            C::Sort => self.next_sort(ctx),
            C::PrintList => {
                if let Some(kind) = self.register() {
                    let form = export_form(
                        pb::ExportRequest {
                            kind: pb::ExportKind::Register as i32,
                            register: Some(pb::RegisterRequest {
                                kind: kind as i32,
                                ids: self.rows.iter().map(|r| r.id).collect(),
                                filter: self.filter.text().trim().to_string(),
                            }),
                            ..Default::default()
                        },
                        vec![format!("{}", self.rows.len())],
                        ctx.lang,
                    );
                    out.open(Popup::Form(Box::new(form)));
                }
            }
            C::Help | C::Quit | C::Logout | C::SwitchRole | C::AdvanceClock => {
                common(command, out);
            }
            other => match self.source.start(other, self.selected_id(), ctx) {
                Some(Start::Form(form)) => out.open(Popup::Form(form)),
                Some(Start::Call(call)) => out.run(Cmd::Call {
                    origin: Origin::Quick,
                    call,
                }),
                Some(Start::Show(target)) => {
                    // Going to what a notification is about reads it.
                    if let Some(Start::Call(call)) =
                        self.source.start(C::MarkRead, self.selected_id(), ctx)
                    {
                        out.run(Cmd::Call {
                            origin: Origin::Quick,
                            call,
                        });
                    }
                    out.send(Msg::Show(target));
                }
                None => {}
            },
        }
    }

    fn on_text_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>, _out: &mut Outbox) -> bool {
        let before = self.filter.text().to_string();
        let handled = self.filter.handle_key_in(key, ctx.keymap);
        if handled && before != self.filter.text() {
            self.stale = true;
            self.selected_id = None;
            self.selected = 0;
            self.offset = 0;
            self.settle(ctx);
        }
        handled
    }
}

//! The assignments screen: every assignment the user may see, by urgency, with a text filter, a
//! detail panel and the steps the user may take. The row list is recomputed only when the
//! replica, the filter or the day changes, and drawing touches only the visible rows — so long
//! lists page without lag.

use std::collections::HashMap;

use crossterm::event::KeyEvent;
use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;

use crate::features::assignments::forms::{
    DecideExtension, IssueAssignment, RequestExtension, SubAssign,
};
use crate::features::assignments::urgency::SortBy;
use crate::features::assignments::{actions, detail as assignment_detail, urgency};
use crate::features::attachments;
use crate::features::exports::forms::export_form;
use crate::features::record_list::row::Start;
use crate::features::workspace::Scope;
use crate::keymap::Command;
use crate::msg::Cmd;
use crate::msg::call::Origin;
use crate::msg::step::Action;
use crate::replica::Entity;
use crate::strings;
use crate::strings::work::W;
use crate::ui::form_engine::{FormPopup, FormSpec};
use crate::ui::list::Focus;
use crate::ui::popup::{Popup, StepPopup};
use crate::ui::text_input::TextInput;
use crate::ui::{Component, Ctx, Outbox, common, list};

/// How a row sorts (see [`urgency::sort_key`]).
type SortKey = urgency::Key;

/// The assignments screen's state.
#[derive(Debug, Clone)]
pub struct AssignmentsScreen {
    /// Which assignments it lists.
    pub scope: Scope,
    /// Their order.
    pub sort: SortBy,
    /// Ids of the rows shown, in order (after the filter).
    rows: Vec<u64>,
    /// The rows' sort keys, in the same order (for moving one row without re-sorting).
    keys: Vec<(SortKey, u64)>,
    /// Whether `rows` must be recomputed before use.
    stale: bool,
    /// The selected row.
    pub selected: usize,
    /// The first row drawn.
    pub offset: usize,
    /// The selected assignment, kept across reorderings by live updates.
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

impl Default for AssignmentsScreen {
    fn default() -> Self {
        Self::new()
    }
}

impl AssignmentsScreen {
    /// An empty screen; rows appear with the first snapshot.
    pub fn new() -> Self {
        Self::with_scope(Scope::All)
    }

    /// An empty screen listing the assignments of `scope`.
    pub fn with_scope(scope: Scope) -> Self {
        Self {
            scope,
            sort: SortBy::default(),
            rows: Vec::new(),
            keys: Vec::new(),
            stale: true,
            selected: 0,
            offset: 0,
            selected_id: None,
            filter: TextInput::default(),
            filtering: false,
            focus: Focus::List,
            detail_scroll: 0,
        }
    }

    /// The ids of the rows, in order.
    pub fn rows(&self) -> &[u64] {
        &self.rows
    }

    /// Shows assignment `id`: the filter cleared, the row selected and its card open.
    pub fn show(&mut self, id: u64, ctx: &Ctx<'_>) {
        self.filter.clear();
        self.filtering = false;
        self.stale = true;
        self.settle(ctx);
        if let Some(i) = self.rows.iter().position(|r| *r == id) {
            self.select(i, ctx);
            self.focus = Focus::Detail;
        }
    }

    /// The selected assignment's id.
    pub fn selected_id(&self) -> Option<u64> {
        self.rows.get(self.selected).copied()
    }

    /// Marks the rows for recomputation (the replica, the day or the filter changed).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Whether the detail panel is open (it always is beside the list on a wide terminal).
    pub fn detail_open(&self) -> bool {
        self.focus == Focus::Detail
    }

    /// Recomputes the rows if needed, keeping the selected assignment selected.
    pub fn settle(&mut self, ctx: &Ctx<'_>) {
        if !self.stale {
            return;
        }
        self.stale = false;
        let needle = self.filter.text().trim().to_lowercase();
        let ranks = self.ranks(ctx);
        let actor = ctx.actor();
        let mut keyed: Vec<_> = ctx
            .replica
            .assignments
            .iter()
            .filter(|a| self.scope.includes(a, &actor, ctx.today, ctx.calendar))
            .filter(|a| needle.is_empty() || matches(a, &needle, ctx))
            .map(|a| (self.key(&a, &ranks, ctx), a.meta.map_or(0, |m| m.id)))
            .collect();
        keyed.sort_unstable();
        self.rows = keyed.iter().map(|(_, id)| *id).collect();
        self.keys = keyed;
        self.reselect(ctx);
    }

    /// One assignment changed (or appeared, or went): moves its row into place instead of
    /// re-sorting the whole list, so a live update costs the same with 100 rows or 100,000.
    pub fn changed(&mut self, id: u64, ctx: &Ctx<'_>) {
        if self.stale {
            // Everything is recomputed before the next frame anyway.
            return;
        }
        if let Some(i) = self.rows.iter().position(|r| *r == id) {
            self.rows.remove(i);
            self.keys.remove(i);
        }
        let needle = self.filter.text().trim().to_lowercase();
        let actor = ctx.actor();
        if let Some(a) = ctx
            .replica
            .assignments
            .get(id)
            .filter(|a| self.scope.includes(a, &actor, ctx.today, ctx.calendar))
            .filter(|a| needle.is_empty() || matches(a, &needle, ctx))
        {
            let key = (self.key(&a, &self.ranks(ctx), ctx), id);
            let at = self.keys.partition_point(|k| *k < key);
            self.keys.insert(at, key);
            self.rows.insert(at, id);
        }
        self.reselect(ctx);
    }

    fn key(&self, a: &pb::Assignment, ranks: &HashMap<u64, i64>, ctx: &Ctx<'_>) -> SortKey {
        let rank = self
            .sort
            .ranked_by(a)
            .and_then(|id| ranks.get(&id).copied())
            .unwrap_or(i64::MAX);
        self.sort.key(a, rank, ctx.today, ctx.calendar)
    }

    /// The place of each person, group or department the list sorts by among the others (a
    /// number per row sorts 100,000 rows faster, and keeps no copy of the name in each key):
    /// people and departments by name, groups by number.
    fn ranks(&self, ctx: &Ctx<'_>) -> HashMap<u64, i64> {
        let r = &ctx.replica;
        let mut order: Vec<(String, u64)> = match self.sort {
            SortBy::Executor => r
                .users
                .iter()
                .map(|u| (u.full_name.clone(), u.id()))
                .collect(),
            SortBy::Department => r
                .departments
                .iter()
                .map(|d| (d.short_name.clone(), d.meta.map_or(0, |m| m.id)))
                .collect(),
            SortBy::Group => r
                .groups
                .iter()
                .map(|g| (format!("{:010}", g.number), g.meta.map_or(0, |m| m.id)))
                .collect(),
            SortBy::Urgency | SortBy::Number | SortBy::Deadline => return HashMap::new(),
        };
        order.sort_unstable();
        order
            .into_iter()
            .zip(0..)
            .map(|((_, id), rank)| (id, rank))
            .collect()
    }

    /// Selects the selected assignment again after the rows moved (or the nearest row if it went).
    fn reselect(&mut self, ctx: &Ctx<'_>) {
        // The card shown left this list (an extension decided, a report accepted): back to the
        // list rather than a card of nothing or of another assignment.
        if self.focus == Focus::Detail
            && self.selected_id.is_some_and(|id| !self.rows.contains(&id))
        {
            self.focus = Focus::List;
            self.detail_scroll = 0;
        }
        self.selected = self
            .selected_id
            .and_then(|id| self.rows.iter().position(|r| *r == id))
            .unwrap_or_else(|| self.selected.min(self.rows.len().saturating_sub(1)));
        self.selected_id = self.selected_id();
        self.scroll_into_view(ctx);
    }

    fn scroll_into_view(&mut self, ctx: &Ctx<'_>) {
        self.offset =
            list::offset_for(self.selected, self.offset, self.rows.len(), list::page(ctx));
    }

    fn select(&mut self, index: usize, ctx: &Ctx<'_>) {
        let last = self.rows.len().saturating_sub(1);
        let index = index.min(last);
        if index != self.selected {
            self.detail_scroll = 0;
        }
        self.selected = index;
        self.selected_id = self.selected_id();
        self.scroll_into_view(ctx);
    }

    fn selected_assignment(&self, ctx: &Ctx<'_>) -> Option<pb::Assignment> {
        self.selected_id()
            .and_then(|id| ctx.replica.assignments.get(id))
    }

    /// The steps the user may take on the selected assignment.
    pub fn actions(&self, ctx: &Ctx<'_>) -> Vec<Action> {
        self.selected_assignment(ctx)
            .map(|a| actions::available(&a, &ctx.actor(), ctx.today))
            .unwrap_or_default()
    }

    fn scroll_detail(&mut self, delta: isize, ctx: &Ctx<'_>) {
        let Some(a) = self.selected_assignment(ctx) else {
            return;
        };
        let (height, lines) = assignment_detail::measure(&a, ctx, self.detail_open());
        let max = lines.saturating_sub(height);
        self.detail_scroll = self.detail_scroll.saturating_add_signed(delta).min(max);
    }

    fn start(&mut self, action: Action, ctx: &Ctx<'_>, out: &mut Outbox) {
        let Some(a) = self.selected_assignment(ctx) else {
            return;
        };
        let meta = a.meta.unwrap_or_default();
        if actions::check(&a, &ctx.actor(), action, ctx.today).is_ok() {
            out.open(Popup::Step(StepPopup::new(
                action,
                meta.id,
                &a.number,
                meta.version,
            )));
        }
    }
}

/// The group the user issues assignments in (a leader's or secretary's), if any.
fn issuing_group(ctx: &Ctx<'_>) -> Option<u64> {
    let g = ctx.session?.role()?.group_id;
    ctx.may_in(infogroups_shared::policy::Action::IssueAssignment, g)
        .then_some(g)
}

impl AssignmentsScreen {
    /// The form a further step opens, if the step is offered now.
    fn form(&self, command: Command, ctx: &Ctx<'_>) -> Option<FormPopup> {
        let lang = ctx.lang;
        if command == Command::Issue {
            let group_id = issuing_group(ctx)?;
            let summary = vec![strings::group_number(
                lang,
                ctx.replica.group_number(group_id)?,
            )];
            return Some(FormPopup::new(
                IssueAssignment { group_id },
                W::IssueTitle.get(lang).to_string(),
                summary,
                lang,
            ));
        }
        let a = self.selected_assignment(ctx)?;
        if !actions::more(&a, &ctx.actor(), ctx.today).contains(&command) {
            return None;
        }
        let meta = a.meta.unwrap_or_default();
        let (id, version) = (meta.id, meta.version);
        let mut summary = vec![strings::assignment_title(lang, &a.number)];
        let (spec, title): (Box<dyn FormSpec>, W) = match command {
            Command::RequestExtension => {
                summary.push(a.text.clone());
                (
                    Box::new(RequestExtension { id, version }),
                    W::ExtensionTitle,
                )
            }
            Command::Grant | Command::Deny => {
                if let Some(e) = a.extensions.last() {
                    summary.push(format!(
                        "{}: {} → {}",
                        W::Requested.get(lang),
                        urgency::deadline(&a)
                            .map(crate::features::record_list::row::date)
                            .unwrap_or_default(),
                        crate::ui::text::date(e.requested_date.as_ref())
                    ));
                    summary.push(format!("{}: {}", W::FieldReason.get(lang), e.reason));
                }
                // What is decided comes first; the assignment's text, however long, after it.
                summary.push(a.text.clone());
                let grant = command == Command::Grant;
                let title = if grant { W::GrantTitle } else { W::DenyTitle };
                (Box::new(DecideExtension { id, version, grant }), title)
            }
            _ => {
                summary.push(a.text.clone());
                (Box::new(SubAssign { parent_id: id }), W::SubAssignTitle)
            }
        };
        Some(FormPopup::new(
            spec,
            title.get(lang).to_string(),
            summary,
            lang,
        ))
    }
}

/// Whether an assignment matches the (lowercased) filter: number, text, status, people, the
/// group (its number as «гр. 3» or «№ 3», or its name) or the executor's department.
fn matches(a: &pb::Assignment, needle: &str, ctx: &Ctx<'_>) -> bool {
    let has = |s: &str| s.to_lowercase().contains(needle);
    let status = urgency::status(a);
    let group = ctx.replica.groups.get(a.group_id);
    let department = ctx.replica.departments.get(a.department_id);
    has(&a.number)
        || has(&a.text)
        || has(names::assignment_status(ctx.lang, status))
        || [a.executor_id, a.controller_id]
            .iter()
            .filter_map(|id| ctx.replica.user_name(*id))
            .any(has)
        || group.is_some_and(|g| {
            has(&g.name)
                || [format!("гр. {}", g.number), format!("№ {}", g.number)]
                    .iter()
                    .any(|s| s.to_lowercase() == needle)
        })
        || department.is_some_and(|d| has(&d.short_name) || has(&d.name))
}

impl Component for AssignmentsScreen {
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
        c.extend(self.actions(ctx).into_iter().map(Action::command));
        if let Some(a) = self.selected_assignment(ctx) {
            c.extend(actions::more(&a, &ctx.actor(), ctx.today));
        }
        if issuing_group(ctx).is_some() {
            c.push(C::Issue);
        }
        if self.selected_assignment(ctx).is_some() {
            c.extend([C::Export, C::Files]);
        }
        if !self.rows.is_empty() {
            c.push(C::PrintList);
        }
        ctx.close_commands(c)
    }

    fn typing(&self) -> bool {
        self.filtering
    }

    fn describe(&self, command: Command, lang: Lang) -> &'static str {
        list::describe(command, lang)
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        list::label(command, lang)
    }

    fn why_not(&self, command: Command, ctx: &Ctx<'_>) -> Option<String> {
        let action = Action::ALL.into_iter().find(|a| a.command() == command)?;
        let a = self.selected_assignment(ctx)?;
        actions::why_not(&a, &ctx.actor(), action, ctx.today, ctx.lang)
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        use Command as C;
        let page = list::page(ctx);
        let in_detail = self.focus == Focus::Detail && !self.filtering;
        match command {
            C::Up if in_detail => self.scroll_detail(-1, ctx),
            C::Down if in_detail => self.scroll_detail(1, ctx),
            C::PageUp if in_detail => self.scroll_detail(-list::page_delta(page), ctx),
            C::PageDown if in_detail => self.scroll_detail(list::page_delta(page), ctx),
            C::Home if in_detail => self.detail_scroll = 0,
            C::End if in_detail => self.scroll_detail(isize::MAX / 2, ctx),
            C::Up => self.select(self.selected.saturating_sub(1), ctx),
            C::Down => self.select(self.selected.saturating_add(1), ctx),
            C::PageUp => self.select(self.selected.saturating_sub(page), ctx),
            C::PageDown => self.select(self.selected.saturating_add(page), ctx),
            C::Home => self.select(0, ctx),
            C::End => self.select(usize::MAX, ctx),
            C::Open if !self.rows.is_empty() => {
                self.focus = Focus::Detail;
                self.detail_scroll = 0;
                if let Some(a) = self.selected_assignment(ctx) {
                    out.run(Cmd::Call {
                        origin: Origin::Files,
                        call: Box::new(attachments::fetch(
                            pb::RecordKind::Assignment,
                            a.meta.map_or(0, |m| m.id),
                        )),
                    });
                }
            }
            C::Back => self.focus = Focus::List,
            C::Filter => self.filtering = true,
            C::Sort => {
                // A group's own list and an executor's are of one group or one department.
                let across = self.scope == Scope::Overdue
                    || (self.scope == Scope::All
                        && ctx.session.and_then(|s| s.role()).is_some_and(|r| {
                            r.group_id == 0 && r.role != pb::Role::Executor as i32
                        }));
                self.sort = self.sort.next(across);
                self.stale = true;
                self.settle(ctx);
            }
            C::Submit => self.filtering = false,
            C::Cancel => {
                self.filtering = false;
                self.filter.clear();
                self.stale = true;
                self.settle(ctx);
            }
            C::SubmitReport | C::Accept | C::Return => {
                if let Some(action) = Action::of_command(command) {
                    self.start(action, ctx, out);
                }
            }
            C::RequestExtension | C::Grant | C::Deny | C::SubAssign | C::Issue => {
                if let Some(form) = self.form(command, ctx) {
                    out.open(Popup::Form(Box::new(form)));
                }
            }
            C::Export => {
                if let Some(a) = self.selected_assignment(ctx) {
                    let form = export_form(
                        pb::ExportRequest {
                            kind: pb::ExportKind::ControlCard as i32,
                            id: a.meta.map_or(0, |m| m.id),
                            ..Default::default()
                        },
                        vec![format!("{} {}", a.number, a.text)],
                        ctx.lang,
                    );
                    out.open(Popup::Form(Box::new(form)));
                }
            }
            C::Files => {
                if let Some(a) = self.selected_assignment(ctx)
                    && let Start::Call(call) =
                        attachments::start(pb::RecordKind::Assignment, a.meta.map_or(0, |m| m.id))
                {
                    out.run(Cmd::Call {
                        origin: Origin::Quick,
                        call,
                    });
                }
            }
            C::PrintList => {
                let kind = if self.scope == Scope::Overdue {
                    pb::RegisterKind::Overdue
                } else {
                    pb::RegisterKind::Assignments
                };
                let form = export_form(
                    pb::ExportRequest {
                        kind: pb::ExportKind::Register as i32,
                        register: Some(pb::RegisterRequest {
                            kind: kind as i32,
                            ids: self.rows.clone(),
                            filter: self.filter.text().trim().to_string(),
                        }),
                        ..Default::default()
                    },
                    vec![format!("{}", self.rows.len())],
                    ctx.lang,
                );
                out.open(Popup::Form(Box::new(form)));
            }
            other => common(other, out),
        }
    }

    fn on_text_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>, _out: &mut Outbox) -> bool {
        let before = self.filter.text().to_string();
        let handled = self.filter.handle_key_in(key, ctx.keymap);
        if handled && before != self.filter.text() {
            // Filter as you type; start from the top of the new result.
            self.stale = true;
            self.selected_id = None;
            self.selected = 0;
            self.offset = 0;
            self.settle(ctx);
        }
        handled
    }
}

//! A role's workspace: its tabs (see [`crate::features::workspace`]), one active; digits, `[` and `]` move
//! between them, everything else goes to the active tab.

use crossterm::event::KeyEvent;
use infogroups_shared::names::Lang;

use crate::features::assignments::screen::AssignmentsScreen;
use crate::features::record_list::screen::RecordsScreen;
use crate::features::reports::screen::ReportScreen;
use crate::features::view_log::screen::ViewLogScreen;
use crate::features::workspace;
use crate::features::workspace::TabKind;
use crate::keymap::Command;
use crate::ui::{Component, Ctx, Outbox};

/// A tab's screen.
#[derive(Debug, Clone)]
pub enum Tab {
    /// Assignments.
    Assignments(AssignmentsScreen),
    /// Other records.
    Records(RecordsScreen),
    /// Figures from the server.
    Report(ReportScreen),
    /// Who saw which citizen's personal data when.
    ViewLog(ViewLogScreen),
}

impl Tab {
    fn of(kind: TabKind) -> Self {
        match kind {
            TabKind::Assignments(scope) => Tab::Assignments(AssignmentsScreen::with_scope(scope)),
            TabKind::Records(source) => Tab::Records(RecordsScreen::new(source)),
            TabKind::Report(kind) => Tab::Report(ReportScreen::new(kind)),
            TabKind::ViewLog => Tab::ViewLog(ViewLogScreen::new()),
        }
    }

    /// What the tab shows.
    pub fn kind(&self) -> TabKind {
        match self {
            Tab::Assignments(s) => TabKind::Assignments(s.scope),
            Tab::Records(s) => TabKind::Records(s.source),
            Tab::Report(s) => TabKind::Report(s.kind),
            Tab::ViewLog(_) => TabKind::ViewLog,
        }
    }

    fn component(&mut self) -> &mut dyn Component {
        match self {
            Tab::Assignments(s) => s,
            Tab::Records(s) => s,
            Tab::Report(s) => s,
            Tab::ViewLog(s) => s,
        }
    }

    fn component_ref(&self) -> &dyn Component {
        match self {
            Tab::Assignments(s) => s,
            Tab::Records(s) => s,
            Tab::Report(s) => s,
            Tab::ViewLog(s) => s,
        }
    }

    /// Marks derived rows for recomputation.
    pub fn invalidate(&mut self) {
        match self {
            Tab::Assignments(s) => s.invalidate(),
            Tab::Records(s) => s.invalidate(),
            Tab::Report(_) | Tab::ViewLog(_) => {}
        }
    }
}

/// The workspace's state.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The tabs.
    pub tabs: Vec<Tab>,
    /// The active tab.
    pub active: usize,
}

const TAB_COMMANDS: [Command; 9] = Command::TABS;

impl Workspace {
    /// The workspace of the role `grant`.
    pub fn for_role(grant: Option<&infogroups_shared::pb::RoleGrant>) -> Self {
        Self {
            tabs: workspace::tabs_of(grant).into_iter().map(Tab::of).collect(),
            active: 0,
        }
    }

    /// The active tab.
    pub fn tab(&self) -> Option<&Tab> {
        self.tabs.get(self.active)
    }

    /// The active tab's assignments list, if it is one.
    pub fn assignments(&self) -> Option<&AssignmentsScreen> {
        match self.tab() {
            Some(Tab::Assignments(s)) => Some(s),
            _ => None,
        }
    }

    /// The active tab's records list, if it is one.
    pub fn records(&self) -> Option<&RecordsScreen> {
        match self.tab() {
            Some(Tab::Records(s)) => Some(s),
            _ => None,
        }
    }

    /// The active tab, to change.
    pub fn tab_mut(&mut self) -> Option<&mut Tab> {
        self.tabs.get_mut(self.active)
    }

    /// Marks every tab's rows for recomputation.
    pub fn invalidate(&mut self) {
        self.tabs.iter_mut().for_each(Tab::invalidate);
    }

    /// Brings the active tab up to date: rows recomputed, a report asked for if not yet.
    pub fn settle(&mut self, ctx: &Ctx<'_>, out: &mut Outbox) {
        match self.tab_mut() {
            Some(Tab::Assignments(s)) => s.settle(ctx),
            Some(Tab::Records(s)) => s.settle(ctx),
            Some(Tab::Report(s)) if ctx.replica.loaded => s.ensure_loaded(ctx, out),
            Some(Tab::ViewLog(s)) if ctx.replica.loaded => s.ensure_loaded(ctx, out),
            _ => {}
        }
    }

    /// Switches to tab `index` (if there is one).
    pub fn go(&mut self, index: usize) {
        if index < self.tabs.len() {
            self.active = index;
        }
    }

    /// The report tab of `kind`, if the workspace has one.
    pub fn report(&self, kind: crate::msg::call::ReportKind) -> Option<&ReportScreen> {
        self.tabs.iter().find_map(|t| match t {
            Tab::Report(r) if r.kind == kind => Some(r),
            _ => None,
        })
    }

    /// The report tab of `kind`, to change.
    pub fn report_mut(&mut self, kind: crate::msg::call::ReportKind) -> Option<&mut ReportScreen> {
        self.tabs.iter_mut().find_map(|t| match t {
            Tab::Report(r) if r.kind == kind => Some(r),
            _ => None,
        })
    }

    /// The view log tab, if the workspace has one.
    pub fn view_log_mut(&mut self) -> Option<&mut ViewLogScreen> {
        self.tabs.iter_mut().find_map(|t| match t {
            Tab::ViewLog(v) => Some(v),
            _ => None,
        })
    }

    fn tab_commands(&self) -> Vec<Command> {
        let mut c: Vec<Command> = TAB_COMMANDS.iter().take(self.tabs.len()).copied().collect();
        if self.tabs.len() > 1 {
            c.extend([Command::NextTab, Command::PrevTab]);
        }
        c
    }
}

impl Component for Workspace {
    fn commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        let Some(tab) = self.tab() else {
            return vec![Command::Logout, Command::Help, Command::Quit];
        };
        let mut c = tab.component_ref().commands(ctx);
        if !tab.component_ref().typing() {
            // Before the session's own keys, which the help lists last.
            let at = c
                .iter()
                .position(|x| matches!(x, Command::SwitchRole | Command::Logout))
                .unwrap_or(c.len());
            let tabs = self.tab_commands();
            c.splice(at..at, tabs);
        }
        c
    }

    fn typing(&self) -> bool {
        self.tab().is_some_and(|t| t.component_ref().typing())
    }

    fn describe(&self, command: Command, lang: Lang) -> &'static str {
        match self.tab() {
            Some(t) => t.component_ref().describe(command, lang),
            None => crate::strings::command(lang, command),
        }
    }

    fn label(&self, command: Command, lang: Lang) -> &'static str {
        match self.tab() {
            Some(t) => t.component_ref().label(command, lang),
            None => crate::strings::command_short(lang, command),
        }
    }

    fn why_not(&self, command: Command, ctx: &Ctx<'_>) -> Option<String> {
        self.tab()?.component_ref().why_not(command, ctx)
    }

    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox) {
        let n = self.tabs.len().max(1);
        if let Some(i) = TAB_COMMANDS.iter().position(|c| *c == command) {
            self.go(i);
        } else if command == Command::NextTab {
            self.go((self.active + 1) % n);
        } else if command == Command::PrevTab {
            self.go((self.active + n - 1) % n);
        } else if let Some(tab) = self.tab_mut() {
            tab.component().on_command(command, ctx, out);
            return;
        }
        self.settle(ctx, out);
    }

    fn on_text_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>, out: &mut Outbox) -> bool {
        self.tab_mut()
            .is_some_and(|t| t.component().on_text_key(key, ctx, out))
    }
}

//! The application in the Elm style: one [`State`], messages ([`Msg`]) that change it through
//! [`update`], and commands ([`Cmd`]) for the outside world that come back as messages. No
//! network, no terminal, no clock in here — everything is testable as plain data.

use std::collections::VecDeque;

use chrono::NaiveDate;
use crossterm::event::{KeyEvent, KeyEventKind};
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::names::Lang;
use infogroups_shared::{city_time, pb};

use crate::actions::Action;
use crate::calls::{Call, Origin, Reply};
use crate::keymap::{Command, Keymap};
use crate::msg::{Cmd, Link, LoginOk, Msg, SyncEvent};
use crate::records::{meeting_prep, meetings};
use crate::replica::{Applied, Kind, Replica};
use crate::rpc::RpcError;
use crate::screens::form::Target;
use crate::screens::login::{DemoLogin, LoginError, LoginScreen};
use crate::screens::popup::{HelpPopup, Popup};
use crate::screens::workspace::{Tab, Workspace};
use crate::screens::{Ask, Component, Ctx, Outbox};
use crate::session::{Session, role_name};
use crate::strings::work::W;
use crate::strings::{self, Text};
use crate::theme::Theme;

/// How long a flash message stays in the hints line.
const FLASH_MS: i64 = 5_000;
/// How long a first quit key waits for the second that confirms it.
const QUIT_CONFIRM_MS: i64 = 3_000;
/// How long the live indicator stays lit after an event.
pub const BLINK_MS: i64 = 1_000;

/// The screen under the popups.
#[derive(Debug, Clone)]
pub enum Screen {
    /// Signing in.
    Login(LoginScreen),
    /// The role's workspace.
    Work(Workspace),
}

impl Screen {
    fn component(&mut self) -> &mut dyn Component {
        match self {
            Screen::Login(s) => s,
            Screen::Work(s) => s,
        }
    }

    fn component_ref(&self) -> &dyn Component {
        match self {
            Screen::Login(s) => s,
            Screen::Work(s) => s,
        }
    }

    /// The screen's name, for the help title.
    pub fn title(&self, lang: Lang) -> &'static str {
        match self {
            Screen::Login(_) => Text::LoginTitle.get(lang),
            Screen::Work(w) => w.tab().map_or(Text::AssignmentsTitle.get(lang), |t| {
                t.kind().title().get(lang)
            }),
        }
    }

    /// The workspace, once signed in.
    pub fn workspace(&self) -> Option<&Workspace> {
        match self {
            Screen::Work(w) => Some(w),
            Screen::Login(_) => None,
        }
    }
}

/// A short message in the hints line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// The text.
    pub text: String,
    /// An error (drawn as one).
    pub error: bool,
    /// When it disappears, local UTC ms.
    pub until_ms: i64,
}

/// How the app starts.
#[derive(Debug, Clone)]
pub struct Init {
    /// Interface language.
    pub lang: Lang,
    /// Colours or not.
    pub theme: Theme,
    /// Key bindings.
    pub keymap: Keymap,
    /// The server's address (shown; used in messages).
    pub server: String,
    /// Demo accounts to offer (demo mode).
    pub demo: Vec<DemoLogin>,
    /// Username to prefill.
    pub username: Option<String>,
    /// The local clock now, UTC ms.
    pub now_ms: i64,
    /// The terminal's size.
    pub size: (u16, u16),
}

/// The whole application state.
#[derive(Debug, Clone)]
pub struct State {
    /// Interface language.
    pub lang: Lang,
    /// Colours or not.
    pub theme: Theme,
    /// Key bindings.
    pub keymap: Keymap,
    /// The server's address.
    pub server: String,
    /// The production calendar (bundled data).
    pub calendar: ProductionCalendar,
    /// The local clock, UTC ms.
    pub now_ms: i64,
    /// The server's clock minus ours: deadlines are judged by the server's day.
    pub clock_skew_ms: i64,
    /// The terminal's size.
    pub size: (u16, u16),
    /// What the user may see.
    pub replica: Replica,
    /// The signed-in user.
    pub session: Option<Session>,
    /// Counts sessions, so a previous session's late sync messages are ignored.
    pub generation: u64,
    /// The connection state.
    pub link: Link,
    /// When the last event arrived, local UTC ms.
    pub last_event_ms: Option<i64>,
    /// The screen.
    pub screen: Screen,
    /// Popups over it, the last on top.
    pub popups: Vec<Popup>,
    /// A short message.
    pub flash: Option<Flash>,
    /// Demo accounts (for returning to the login screen).
    pub demo: Vec<DemoLogin>,
    /// The program should end.
    pub quit: bool,
    /// Until when (UTC ms) a second quit key ends the program without asking again.
    pub quit_armed_until_ms: i64,
}

impl State {
    /// The state at start: the login screen.
    pub fn new(init: Init) -> Self {
        Self {
            lang: init.lang,
            theme: init.theme,
            keymap: init.keymap,
            server: init.server,
            calendar: ProductionCalendar::new(),
            now_ms: init.now_ms,
            clock_skew_ms: 0,
            size: init.size,
            replica: Replica::default(),
            session: None,
            generation: 0,
            link: Link::Connecting,
            last_event_ms: None,
            screen: Screen::Login(LoginScreen::new(
                init.demo.clone(),
                init.username.as_deref(),
            )),
            popups: Vec::new(),
            flash: None,
            demo: init.demo,
            quit: false,
            quit_armed_until_ms: 0,
        }
    }

    /// The signed-in user's roles changed elsewhere (the administrator, or the leader's
    /// composition): the session takes them, and the workspace follows if the role worked in
    /// went or changed, so no step is offered that the server would now refuse.
    fn roles_follow(&mut self) {
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let Some(roles) = self.replica.users.get(s.user_id).map(|u| u.roles.clone()) else {
            return;
        };
        if roles == s.roles {
            return;
        }
        let current = s.role().cloned();
        s.roles = roles;
        s.role_index = current
            .as_ref()
            .and_then(|c| s.roles.iter().position(|r| r == c))
            .unwrap_or(0);
        let kept = current.as_ref() == s.role();
        let name = role_name(self.lang, &self.replica, s.role());
        if !kept && let Screen::Work(_) = self.screen {
            self.screen = Screen::Work(Workspace::for_role(s.role()));
        }
        self.flash(strings::roles_changed(self.lang, &name), false);
    }

    /// Quitting would lose something: a form being filled, or (in demo mode) the embedded server
    /// other clients are connected to.
    fn quitting_loses(&self) -> bool {
        !self.demo.is_empty() || matches!(self.popups.last(), Some(Popup::Form(_) | Popup::Step(_)))
    }

    /// Today in the city, by the server's clock.
    pub fn today(&self) -> NaiveDate {
        city_time::date_at(self.now_ms.saturating_add(self.clock_skew_ms))
    }

    /// What components may read.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            lang: self.lang,
            keymap: &self.keymap,
            replica: &self.replica,
            session: self.session.as_ref(),
            today: self.today(),
            calendar: &self.calendar,
            size: self.size,
            server: &self.server,
            now_ms: self.now_ms,
        }
    }

    /// The component with the focus: the top popup, else the screen.
    pub fn focused(&self) -> &dyn Component {
        match self.popups.last() {
            Some(p) => p,
            None => self.screen.component_ref(),
        }
    }

    fn flash(&mut self, text: String, error: bool) {
        self.flash = Some(Flash {
            text,
            error,
            until_ms: self.now_ms.saturating_add(FLASH_MS),
        });
    }

    /// One assignment changed: its row moves into place on every assignments tab.
    fn assignment_changed(&mut self, id: u64) {
        let (ctx, screen, _) = split(self);
        if let Screen::Work(w) = screen {
            for tab in &mut w.tabs {
                match tab {
                    Tab::Assignments(s) => s.changed(id, &ctx),
                    // Notifications show the assignment they are about.
                    Tab::Records(s) => s.invalidate(),
                    Tab::Report(_) | Tab::ViewLog(_) => {}
                }
            }
        }
    }

    fn invalidate_rows(&mut self) {
        if let Screen::Work(w) = &mut self.screen {
            w.invalidate();
        }
    }

    /// Something other than an assignment changed: the record lists recompute.
    /// The figures a report shows may have changed: its tab asks again (paced) while shown.
    fn figures_changed(&mut self) {
        if let Screen::Work(w) = &mut self.screen {
            for tab in &mut w.tabs {
                if let Tab::Report(r) = tab {
                    r.outdated();
                }
            }
        }
    }

    fn records_changed(&mut self) {
        if let Screen::Work(w) = &mut self.screen {
            for tab in &mut w.tabs {
                if let Tab::Records(s) = tab {
                    s.invalidate();
                }
            }
        }
    }

    fn back_to_login(&mut self, error: Option<String>) {
        let username = self.session.take().map(|s| s.username);
        let mut login = LoginScreen::new(self.demo.clone(), username.as_deref());
        login.error = error.map(LoginError::General);
        self.screen = Screen::Login(login);
        self.popups.clear();
        // What this user could see must not linger for the next one.
        self.replica = Replica::default();
        self.link = Link::Connecting;
        self.last_event_ms = None;
        self.generation += 1;
    }
}

/// Handles one message and everything it queues; returns the commands to run. Ends with the
/// state settled (rows recomputed), ready to draw.
pub fn update(state: &mut State, msg: Msg) -> Vec<Cmd> {
    update_all(state, [msg])
}

/// Handles a batch of messages (all that were queued before a frame), settling once at the end.
pub fn update_all(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Cmd> {
    let mut queue: VecDeque<Ask> = msgs.into_iter().map(Ask::Msg).collect();
    let mut cmds = Vec::new();
    while let Some(ask) = queue.pop_front() {
        match ask {
            Ask::Msg(msg) => {
                let mut out = Outbox::default();
                handle(state, msg, &mut out);
                queue.extend(out.asks);
                cmds.extend(out.cmds);
            }
            Ask::Open(popup) => state.popups.push(popup),
        }
    }
    cmds.extend(settle(state));
    cmds
}

/// Brings derived data up to date (the active tab's rows; a report tab's figures asked for)
/// after changes.
fn settle(state: &mut State) -> Vec<Cmd> {
    let mut out = Outbox::default();
    let (ctx, screen, _) = split(state);
    if let Screen::Work(w) = screen {
        w.settle(&ctx, &mut out);
    }
    out.cmds
}

/// The read-only context beside the mutable screen and popups (disjoint borrows of the state).
fn split(state: &mut State) -> (Ctx<'_>, &mut Screen, &mut Vec<Popup>) {
    let today = state.today();
    let now_ms = state.now_ms;
    let State {
        lang,
        keymap,
        replica,
        session,
        calendar,
        size,
        server,
        screen,
        popups,
        ..
    } = state;
    let ctx = Ctx {
        lang: *lang,
        keymap,
        replica,
        session: session.as_ref(),
        today,
        calendar,
        size: *size,
        server,
        now_ms,
    };
    (ctx, screen, popups)
}

fn handle(state: &mut State, msg: Msg, out: &mut Outbox) {
    match msg {
        Msg::Key(key) => on_key(state, &key, out),
        Msg::Resize { width, height } => {
            state.size = (width, height);
            // Paging depends on the height; keep the selection in view.
            state.invalidate_rows();
        }
        Msg::Tick { now_ms } => {
            let day = state.today();
            state.now_ms = now_ms;
            if state.today() != day {
                state.invalidate_rows();
            }
            if state.flash.as_ref().is_some_and(|f| f.until_ms <= now_ms) {
                state.flash = None;
            }
        }
        Msg::LoginDone(result) => on_login(state, result, out),
        Msg::Sync { generation, event } if generation == state.generation => {
            on_sync(state, event, out);
        }
        Msg::Sync { .. } => {}
        Msg::StepDone {
            assignment_id,
            action,
            result,
        } => on_step_done(state, assignment_id, action, result, out),
        Msg::CallDone { origin, result } => on_call_done(state, origin, result, out),
        Msg::ShowHelp => {
            let ctx = state.ctx();
            let focused = state.focused();
            let typing = focused.typing();
            let commands = focused.commands(&ctx);
            // The tab digits read as one entry: "1…5  go to a tab by its number".
            let last_tab = commands
                .iter()
                .rev()
                .find(|c| Command::TABS.contains(c))
                .copied();
            let entries = commands
                .into_iter()
                .filter(|c| *c == Command::Tab1 || !Command::TABS.contains(c))
                .map(|c| match (c, last_tab) {
                    (Command::Tab1, Some(last)) if last != Command::Tab1 => (
                        format!(
                            "{}…{}",
                            state
                                .keymap
                                .first(Command::Tab1, typing)
                                .unwrap_or_default(),
                            state.keymap.first(last, typing).unwrap_or_default()
                        ),
                        Text::GoToTab.get(state.lang),
                    ),
                    (Command::Tab1, _) => (
                        state.keymap.describe(c, typing),
                        Text::GoToTab.get(state.lang),
                    ),
                    _ => (
                        state.keymap.describe(c, typing),
                        focused.describe(c, state.lang),
                    ),
                })
                .filter(|(keys, _)| !keys.is_empty())
                .collect();
            let title = strings::help_title(state.lang, state.screen.title(state.lang));
            state.popups.push(Popup::Help(HelpPopup {
                title,
                entries,
                scroll: 0,
            }));
        }
        Msg::ShowAssignment(id) => show_assignment(state, id),
        Msg::ClosePopup => {
            state.popups.pop();
        }
        Msg::SwitchRole => {
            if let Some(s) = state.session.as_mut().filter(|s| s.roles.len() > 1) {
                s.role_index = (s.role_index + 1) % s.roles.len();
                let name = role_name(state.lang, &state.replica, s.role());
                state.screen = Screen::Work(Workspace::for_role(s.role()));
                state.flash(strings::role_switched(state.lang, &name), false);
            }
        }
        Msg::Logout => {
            out.run(Cmd::StopSync);
            out.run(Cmd::Logout);
            state.back_to_login(None);
        }
        Msg::Quit if state.quitting_loses() && state.now_ms > state.quit_armed_until_ms => {
            state.quit_armed_until_ms = state.now_ms.saturating_add(QUIT_CONFIRM_MS);
            let text = if state.demo.is_empty() {
                Text::QuitAgainForm
            } else {
                Text::QuitAgainDemo
            };
            state.flash(text.get(state.lang).to_string(), true);
        }
        Msg::Quit => state.quit = true,
    }
}

/// Switches to the first assignments tab whose list holds assignment `id` and opens its card;
/// says so when none does (the role sees it nowhere).
fn show_assignment(state: &mut State, id: u64) {
    let (ctx, screen, _) = split(state);
    let found = match screen {
        Screen::Work(w) => {
            let a = ctx.replica.assignments.get(id);
            let at = w.tabs.iter().position(|t| {
                matches!(t, Tab::Assignments(s)
                    if a.as_ref().is_some_and(|a| crate::screens::assignments::in_scope(s.scope, a, &ctx)))
            });
            if let Some(i) = at {
                w.active = i;
                if let Some(Tab::Assignments(s)) = w.tabs.get_mut(i) {
                    s.show(id, &ctx);
                }
            }
            at.is_some()
        }
        Screen::Login(_) => true,
    };
    if !found {
        let text = W::NotInThisRole.get(state.lang).to_string();
        state.flash(text, true);
    }
}

fn on_key(state: &mut State, key: &KeyEvent, out: &mut Outbox) {
    // Some terminals report releases too; a key acts once.
    if key.kind == KeyEventKind::Release {
        return;
    }
    let (ctx, screen, popups) = split(state);
    let handled = match popups.last_mut() {
        Some(p) => p.handle_key(key, &ctx, out),
        None => screen.component().handle_key(key, &ctx, out),
    };
    if !handled {
        // Ctrl+C leaves from anywhere, even where a popup does not list it.
        let quit = ctx.keymap.command(key, &[Command::Quit], true);
        if quit.is_some() {
            out.send(Msg::Quit);
        }
    }
}

fn on_login(state: &mut State, result: Result<LoginOk, RpcError>, out: &mut Outbox) {
    let Screen::Login(login) = &mut state.screen else {
        return;
    };
    match result {
        Ok(ok) => {
            state.generation += 1;
            state.session = Some(Session {
                user_id: ok.user_id,
                username: ok.username,
                full_name: ok.full_name,
                roles: ok.roles,
                role_index: 0,
            });
            state.replica = Replica::default();
            state.link = Link::Connecting;
            state.last_event_ms = None;
            state.popups.clear();
            let role = state.session.as_ref().and_then(Session::role);
            state.screen = Screen::Work(Workspace::for_role(role));
            out.run(Cmd::StartSync {
                generation: state.generation,
            });
        }
        Err(e) => login.failed(&e, state.lang, &state.server),
    }
}

fn on_sync(state: &mut State, event: SyncEvent, out: &mut Outbox) {
    match event {
        SyncEvent::Snapshot(s) => {
            state.clock_skew_ms = s.rest.server_time_ms.saturating_sub(state.now_ms);
            state.replica.load_snapshot(*s);
            state.invalidate_rows();
            state.roles_follow();
            // Years the administrator entered from decrees decide deadlines and urgency here too.
            out.run(Cmd::Call {
                origin: Origin::Calendar,
                call: Box::new(Call::CalendarYears),
            });
        }
        SyncEvent::Event(ev) => {
            state.last_event_ms = Some(state.now_ms);
            let me = state.session.as_ref().map_or(0, |s| s.user_id);
            let action = pb::EventAction::try_from(ev.action).unwrap_or_default();
            let note = match &ev.entity {
                Some(pb::event::Entity::Notification(n))
                    if n.user_id == me && action == pb::EventAction::Created =>
                {
                    Some(state.lang.pick(&n.text_ru, &n.text_en).to_string())
                }
                _ => None,
            };
            let assignment = match &ev.entity {
                Some(pb::event::Entity::Assignment(a)) => a.meta.map(|m| m.id),
                _ => None,
            };
            // Rows show assignments and people's names; other kinds do not change them.
            let applied = state.replica.apply(*ev);
            if applied == Applied::Changed(Kind::User) {
                state.roles_follow();
            }
            if let Applied::Changed(
                Kind::Assignment | Kind::Appeal | Kind::Meeting | Kind::ReceptionCard,
            ) = applied
            {
                state.figures_changed();
            }
            match (applied, assignment) {
                (Applied::Changed(Kind::Assignment), Some(id)) => state.assignment_changed(id),
                (Applied::Changed(Kind::User | Kind::Group), _) => state.invalidate_rows(),
                (Applied::Changed(_), _) => state.records_changed(),
                (Applied::Stale, _) => {}
            }
            if let Some(text) = note {
                // New notifications show up as they happen.
                state.flash(text, false);
            }
        }
        SyncEvent::Heartbeat {
            server_time_ms,
            training_clock,
        } => {
            state.clock_skew_ms = server_time_ms.saturating_sub(state.now_ms);
            state.replica.settings.training_clock = training_clock;
        }
        SyncEvent::Link(link) => state.link = link,
        SyncEvent::SessionEnded(e) => {
            out.run(Cmd::StopSync);
            let text = format!(
                "{}: {}",
                Text::SessionEnded.get(state.lang),
                e.message(state.lang, &state.server)
            );
            state.back_to_login(Some(text));
        }
    }
}

fn on_call_done(
    state: &mut State,
    origin: Origin,
    result: Result<Reply, RpcError>,
    out: &mut Outbox,
) {
    if let Err(e) = &result
        && e.is_session_over()
    {
        out.send(Msg::Sync {
            generation: state.generation,
            event: SyncEvent::SessionEnded(e.clone()),
        });
        return;
    }
    // The answer is the new state; the event that follows will be stale.
    match &result {
        Ok(Reply::Meeting(m)) if state.replica.meetings.upsert((**m).clone()) => {
            state.records_changed();
        }
        Ok(Reply::User(u)) if state.replica.users.upsert((**u).clone()) => {
            state.invalidate_rows();
        }
        Ok(Reply::Appeal(a)) => {
            // The answer may carry the citizen; the replica keeps appeals as the stream sends them.
            let mut a = (**a).clone();
            infogroups_shared::personal_data::strip_appeal(&mut a);
            if state.replica.appeals.upsert(a) {
                state.records_changed();
            }
        }
        Ok(Reply::CalendarYear(y)) => {
            // The client's own deadlines follow at once; the calendar tab shows the new year.
            let years = pb::ListCalendarYearsResponse {
                years: vec![y.clone()],
            };
            load_decree_years(state, &years);
            if let Screen::Work(w) = &mut state.screen
                && let Some(r) = w.report_mut(crate::calls::ReportKind::Directories)
            {
                out.run(Cmd::Call {
                    origin: r.begin(),
                    call: Box::new(Call::CalendarYears),
                });
            }
        }
        Ok(Reply::Applicant(a)) => {
            let info = crate::records::appeals::applicant(a, state.lang);
            state.popups.push(Popup::Info(info));
        }
        Ok(Reply::Assignment(a)) => {
            let id = a.meta.map_or(0, |m| m.id);
            if state.replica.assignments.upsert(a) {
                state.assignment_changed(id);
            }
        }
        _ => {}
    }
    match origin {
        Origin::Report(kind, serial) => {
            if let Screen::Work(w) = &mut state.screen
                && let Some(r) = w.report_mut(kind)
            {
                r.answered(serial, result);
            }
        }
        Origin::ViewLog(serial) => {
            if let Screen::Work(w) = &mut state.screen
                && let Some(v) = w.view_log_mut()
            {
                v.answered(serial, result);
            }
        }
        Origin::Classifier => {
            if let Ok(Reply::Classifier { query, found }) = result
                && let Some(Popup::Form(form)) = state.popups.last_mut()
                && let Some(field) = form.fields.get_mut(form.focus)
            {
                field.classifier_found(&query, found);
            }
        }
        Origin::Calendar => match result {
            Ok(Reply::CalendarYears(r)) => load_decree_years(state, &r),
            Ok(_) => {}
            Err(e) => tracing::info!(code = ?e.code, "the calendar's years were not loaded"),
        },
        Origin::Quick => match result {
            Err(e) => {
                let text = e.message(state.lang, &state.server);
                state.flash(text, true);
            }
            // The training clock moved: every deadline on screen follows it at once.
            Ok(Reply::Settings(s)) => {
                state.clock_skew_ms = s.server_time_ms.saturating_sub(state.now_ms);
                let text = format!(
                    "{} {}",
                    Text::TrainingTime.get(state.lang),
                    crate::view::text::date_time(s.server_time_ms)
                );
                state.replica.settings = s;
                state.invalidate_rows();
                state.flash(text, false);
            }
            // A brief drafted on request opens for editing; nothing is saved until it is sent.
            Ok(Reply::Brief { meeting_id, brief }) => {
                let ctx = state.ctx();
                let form =
                    ctx.replica.meetings.get(meeting_id).map(|m| {
                        meeting_prep::brief_form(m, *brief, meetings::summary(m, &ctx), &ctx)
                    });
                if let Some(form) = form {
                    state.popups.push(Popup::Form(Box::new(form)));
                }
            }
            Ok(_) => {}
        },
        Origin::Form => {
            let lang = state.lang;
            let Some(Popup::Form(form)) = state.popups.last_mut() else {
                return;
            };
            match result {
                // The form gives way to the link, which stays up until read or copied.
                Ok(Reply::Shared(shared)) => {
                    state.popups.pop();
                    let popup = crate::screens::link_popup::LinkPopup::new(&shared, lang);
                    state.popups.push(Popup::Link(popup));
                }
                Ok(reply) => {
                    let mut text = form.done_text(lang);
                    match reply {
                        Reply::Saved(path) => {
                            // The full path the file got, which may carry a copy's number.
                            text = format!("{text}: {}", path.display());
                        }
                        Reply::Imported(i) => {
                            text = format!("{text}: {}", strings::imported(lang, &i));
                        }
                        // The registration number is what goes on the letter to the citizen.
                        Reply::Appeal(a) if !a.number.is_empty() => {
                            text = format!("{text}: {}", a.number);
                        }
                        Reply::Assignment(a) if !a.number.is_empty() => {
                            text = format!("{text}: {}", a.number);
                        }
                        _ => {}
                    }
                    state.popups.pop();
                    state.flash(text, false);
                }
                Err(e) if e.code == tonic::Code::Aborted && form.is_confirmation() => {
                    // What the confirmation showed is no longer what the record holds: a second
                    // Enter must not confirm (sign, accept…) text the person has not seen. Closed,
                    // the step opens again on the current record.
                    let text = e.message(lang, &state.server);
                    state.popups.pop();
                    state.flash(text, true);
                }
                Err(e) => {
                    let r = &state.replica;
                    let current = match form.target() {
                        Some(Target::Meeting(id)) => r.meetings.get(id).and_then(|m| m.meta),
                        Some(Target::Assignment(id)) => r.assignments.get(id).and_then(|a| a.meta),
                        Some(Target::User(id)) => r.users.get(id).and_then(|u| u.meta),
                        Some(Target::Appeal(id)) => r.appeals.get(id).and_then(|a| a.meta),
                        Some(Target::Territory(id)) => r.territories.get(id).and_then(|t| t.meta),
                        Some(Target::Venue(id)) => r.venues.get(id).and_then(|v| v.meta),
                        Some(Target::Card(id)) => r.reception_cards.get(id).and_then(|c| c.meta),
                        Some(Target::Department(id)) => r.departments.get(id).and_then(|d| d.meta),
                        Some(Target::Group(id)) => r.groups.get(id).and_then(|g| g.meta),
                        Some(Target::Organisation(id)) => {
                            r.organisations.get(id).and_then(|o| o.meta)
                        }
                        None => None,
                    }
                    .map(|m| m.version);
                    form.failed(&e, lang, &state.server, current);
                }
            }
        }
    }
}

/// Puts the administrator-entered years into the client's calendar (the built-in ones it has).
fn load_decree_years(state: &mut State, r: &pb::ListCalendarYearsResponse) {
    let mut changed = false;
    for y in r.years.iter().filter(|y| !y.built_in) {
        match infogroups_shared::validate::decree_year(y) {
            Ok(d) => changed |= state.calendar.set_year(d).is_ok(),
            Err(e) => {
                tracing::warn!(year = y.year, field = %e.field, "a calendar year was refused")
            }
        }
    }
    if changed {
        state.invalidate_rows();
    }
}

fn on_step_done(
    state: &mut State,
    id: u64,
    action: Action,
    result: Result<Box<pb::Assignment>, RpcError>,
    out: &mut Outbox,
) {
    let popup = state.popups.iter_mut().rev().find_map(|p| match p {
        Popup::Step(s) if s.assignment_id == id && s.action == action => Some(s),
        _ => None,
    });
    match result {
        Ok(a) => {
            if popup.is_some() {
                state
                    .popups
                    .retain(|p| !matches!(p, Popup::Step(s) if s.assignment_id == id));
            }
            // The event follows, but the answer is already the new state: show it now.
            if state.replica.assignments.upsert(&a) {
                state.assignment_changed(id);
            }
            let text = match action {
                Action::SubmitReport => Text::ReportSent,
                Action::Accept => Text::ReportAccepted,
                Action::Return => Text::ReportReturned,
            };
            state.flash(text.get(state.lang).to_string(), false);
        }
        Err(e) if e.is_session_over() => {
            out.send(Msg::Sync {
                generation: state.generation,
                event: SyncEvent::SessionEnded(e),
            });
        }
        Err(e) => {
            let current = state
                .replica
                .assignments
                .get(id)
                .and_then(|a| a.meta)
                .map(|m| m.version);
            match popup {
                Some(p) => p.failed(&e, state.lang, &state.server, current),
                None => {
                    let text = e.message(state.lang, &state.server);
                    state.flash(text, true);
                }
            }
        }
    }
}

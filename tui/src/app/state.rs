//! The application's state: what the user sees and works with, and the small changes every kind
//! of update makes to it (a flash, rows to recompute, back to the login screen).

use chrono::NaiveDate;
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::city_time;
use infogroups_shared::names::Lang;

use crate::features::login::screen::{DemoLogin, LoginError, LoginScreen};
use crate::features::workspace::screen::{Tab, Workspace};
use crate::keymap::Keymap;
use crate::msg::Link;
use crate::msg::draft::KeptDraft;
use crate::replica::Replica;
use crate::session::{Session, role_name};
use crate::strings;
use crate::strings::Text;
use crate::ui::popup::Popup;
use crate::ui::theme::Theme;
use crate::ui::{Component, Ctx};

/// How long a flash message stays in the hints line.
const FLASH_MS: i64 = 5_000;
/// How long a first quit key waits for the second that confirms it.
pub(super) const QUIT_CONFIRM_MS: i64 = 3_000;
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
    pub(super) fn component(&mut self) -> &mut dyn Component {
        match self {
            Screen::Login(s) => s,
            Screen::Work(s) => s,
        }
    }

    pub(super) fn component_ref(&self) -> &dyn Component {
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
    /// The files of the records opened, for their cards (never kept beyond the session).
    pub files: crate::msg::call::KeptFiles,
    /// The draft of a changed form last kept on disk.
    pub kept: KeptDraft,
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
            files: Default::default(),
            kept: KeptDraft::default(),
        }
    }

    /// The signed-in user's roles changed elsewhere (the administrator, or the leader's
    /// composition): the session takes them, and the workspace follows if the role worked in
    /// went or changed, so no step is offered that the server would now refuse.
    pub(super) fn roles_follow(&mut self) {
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
    pub(super) fn quitting_loses(&self) -> bool {
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
            files: &self.files,
        }
    }

    /// The component with the focus: the top popup, else the screen.
    pub fn focused(&self) -> &dyn Component {
        match self.popups.last() {
            Some(p) => p,
            None => self.screen.component_ref(),
        }
    }

    pub(super) fn flash(&mut self, text: String, error: bool) {
        self.flash = Some(Flash {
            text,
            error,
            until_ms: self.now_ms.saturating_add(FLASH_MS),
        });
    }

    /// One assignment changed: its row moves into place on every assignments tab.
    pub(super) fn assignment_changed(&mut self, id: u64) {
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

    pub(super) fn invalidate_rows(&mut self) {
        if let Screen::Work(w) = &mut self.screen {
            w.invalidate();
        }
    }

    /// Something other than an assignment changed: the record lists recompute.
    /// The figures a report shows may have changed: its tab asks again (paced) while shown.
    pub(super) fn figures_changed(&mut self) {
        if let Screen::Work(w) = &mut self.screen {
            for tab in &mut w.tabs {
                if let Tab::Report(r) = tab {
                    r.outdated();
                }
            }
        }
    }

    pub(super) fn records_changed(&mut self) {
        if let Screen::Work(w) = &mut self.screen {
            for tab in &mut w.tabs {
                if let Tab::Records(s) = tab {
                    s.invalidate();
                }
            }
        }
    }

    pub(super) fn back_to_login(&mut self, error: Option<String>) {
        let username = self.session.take().map(|s| s.username);
        let mut login = LoginScreen::new(self.demo.clone(), username.as_deref());
        login.error = error.map(LoginError::General);
        self.screen = Screen::Login(login);
        self.popups.clear();
        // What this user could see must not linger for the next one.
        self.replica = Replica::default();
        self.files.clear();
        self.link = Link::Connecting;
        self.last_event_ms = None;
        self.generation += 1;
    }
}

/// The read-only context beside the mutable screen and popups (disjoint borrows of the state).
pub(super) fn split(state: &mut State) -> (Ctx<'_>, &mut Screen, &mut Vec<Popup>) {
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
        files,
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
        files,
    };
    (ctx, screen, popups)
}

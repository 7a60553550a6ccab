//! What every screen is built from, with no knowledge of any feature: components with their own
//! state, the popup stack, list state, text input, the form engine, layout, text and theme. A
//! component never holds another; it reads what it needs from [`Ctx`] and talks back through
//! [`Outbox`] — messages for the app's queue, commands for the outside world.

pub mod columns;
pub mod draft_offer;
pub mod escapes;
pub mod form_engine;
pub mod info_popup;
pub mod layout;
pub mod link_popup;
pub mod list;
pub mod person_match;
pub mod popup;
pub mod step_draft;
pub mod tabs;
pub mod text;
pub mod text_area;
pub mod text_input;
pub mod theme;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use infogroups_shared::calendar::ProductionCalendar;
use infogroups_shared::names::Lang;
use infogroups_shared::policy;

use crate::keymap::{Command, Keymap};
use crate::msg::{Cmd, Msg};
use crate::replica::Replica;
use crate::session::Session;
use crate::strings;

/// What a component may read while handling a key.
pub struct Ctx<'a> {
    /// Interface language.
    pub lang: Lang,
    /// The key bindings.
    pub keymap: &'a Keymap,
    /// What the user may see.
    pub replica: &'a Replica,
    /// The signed-in user, if any.
    pub session: Option<&'a Session>,
    /// Today in the city (by the server's clock).
    pub today: NaiveDate,
    /// The production calendar.
    pub calendar: &'a ProductionCalendar,
    /// The terminal's size (columns, rows), for paging.
    pub size: (u16, u16),
    /// The server's address, for messages.
    pub server: &'a str,
    /// The client's clock, UTC ms (for pacing refreshes).
    pub now_ms: i64,
    /// The files of the records opened, for their cards.
    pub files: &'a crate::msg::call::KeptFiles,
}

impl Ctx<'_> {
    /// The signed-in user's id (0 before login).
    pub fn me(&self) -> u64 {
        self.session.map_or(0, |s| s.user_id)
    }

    /// The user can move the server's training clock: an administrator on a `--clock` server
    /// (a production server has no such clock, and the key is not offered there).
    pub fn trainer(&self) -> bool {
        self.replica.settings.training_clock
            && self.may(policy::Action::ChangeSettings, &policy::Resource::default())
    }

    /// Ends a workspace screen's commands: the training clock for a trainer, the role switch
    /// for someone with several, leaving and help, and after them the keys that write a file
    /// (save, register, files), so the keys every screen shares keep their place in the hints line.
    pub fn close_commands(&self, screen: Vec<Command>) -> Vec<Command> {
        let (files, mut c): (Vec<Command>, Vec<Command>) = screen
            .into_iter()
            .partition(|k| matches!(k, Command::Export | Command::PrintList | Command::Files));
        if self.trainer() {
            c.push(Command::AdvanceClock);
        }
        if self.session.is_some_and(|s| s.roles.len() > 1) {
            c.push(Command::SwitchRole);
        }
        c.extend([Command::Logout, Command::Help, Command::Quit]);
        c.extend(files);
        c
    }

    /// The signed-in user in the role in use, as the permission policy sees them (nobody before
    /// login).
    pub fn actor(&self) -> policy::Actor {
        self.session.map_or_else(
            || policy::Actor::in_role(0, None),
            |s| policy::Actor::in_role(s.user_id, s.role()),
        )
    }

    /// Whether the server's policy lets the user, in the role in use, do `action` to `res`: the
    /// client offers what the server would allow, decided by the same function.
    pub fn may(&self, action: policy::Action, res: &policy::Resource) -> bool {
        self.session.is_some() && policy::authorize(&self.actor(), action, res).is_ok()
    }

    /// [`Ctx::may`] on a resource of one group.
    pub fn may_in(&self, action: policy::Action, group_id: u64) -> bool {
        self.may(action, &policy::Resource::group(group_id))
    }

    /// Why the server's policy refuses `action` on `group_id`'s records to the user, in the
    /// interface's language; `None` when it allows it.
    pub fn refusal_in(&self, action: policy::Action, group_id: u64) -> Option<String> {
        policy::authorize(&self.actor(), action, &policy::Resource::group(group_id))
            .err()
            .map(|d| self.lang.pick(&d.ru, &d.en).to_string())
    }
}

/// A day, in minutes: what one press of the training clock's key moves it by.
const TRAINING_STEP_MINUTES: u32 = 24 * 60;

/// What a component asks of the app, kept in the order asked.
#[derive(Debug)]
pub enum Ask {
    /// A message for the app's own queue.
    Msg(Msg),
    /// A popup to open over the screen.
    Open(popup::Popup),
}

/// Where a component puts what it wants done.
#[derive(Debug, Default)]
pub struct Outbox {
    /// Messages and popups for the app (handled right after this one, in order).
    pub asks: Vec<Ask>,
    /// Commands for the outside world (network calls).
    pub cmds: Vec<Cmd>,
}

impl Outbox {
    /// Queues a message for the app.
    pub fn send(&mut self, msg: Msg) {
        self.asks.push(Ask::Msg(msg));
    }

    /// Opens a popup over the screen.
    pub fn open(&mut self, popup: popup::Popup) {
        self.asks.push(Ask::Open(popup));
    }

    /// Asks for a command to be run.
    pub fn run(&mut self, cmd: Cmd) {
        self.cmds.push(cmd);
    }
}

/// A screen or popup that answers keys.
pub trait Component {
    /// The commands it answers to right now, in the order the help lists them.
    fn commands(&self, ctx: &Ctx<'_>) -> Vec<Command>;

    /// The commands the help (`?`) lists: those of the hints line and any it leaves out to stay
    /// short, such as the editing keys of a form's fields.
    fn help_commands(&self, ctx: &Ctx<'_>) -> Vec<Command> {
        self.commands(ctx)
    }

    /// Whether a text field has the focus (printable keys type instead of running commands).
    fn typing(&self) -> bool {
        false
    }

    /// Runs one of its commands.
    fn on_command(&mut self, command: Command, ctx: &Ctx<'_>, out: &mut Outbox);

    /// An editing key for the focused text field; returns whether it was one.
    fn on_text_key(&mut self, _key: &KeyEvent, _ctx: &Ctx<'_>, _out: &mut Outbox) -> bool {
        false
    }

    /// Why `command` does nothing here now (a step the record's state or the user's role does
    /// not allow), for the status line when its key is pressed; `None` when there is no reason
    /// to give beyond "not here".
    fn why_not(&self, _command: Command, _ctx: &Ctx<'_>) -> Option<String> {
        None
    }

    /// Text pasted into the terminal (one event however long), for the focused text field;
    /// returns whether a field took it.
    fn on_paste(&mut self, _text: &str, _ctx: &Ctx<'_>, _out: &mut Outbox) -> bool {
        false
    }

    /// What `command` does here, for the help (components may say it more precisely).
    fn describe(&self, command: Command, lang: Lang) -> &'static str {
        strings::command(lang, command)
    }

    /// The short label of `command` in the hints line.
    fn label(&self, command: Command, lang: Lang) -> &'static str {
        strings::command_short(lang, command)
    }

    /// Handles a key: a command of this component, else an editing key while typing.
    /// Returns whether the key meant anything here.
    fn handle_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>, out: &mut Outbox) -> bool {
        let commands = self.commands(ctx);
        if let Some(c) = ctx.keymap.command(key, &commands, self.typing()) {
            self.on_command(c, ctx, out);
            return true;
        }
        self.typing() && self.on_text_key(key, ctx, out)
    }
}

/// The commands every screen shares, handled the same way everywhere.
pub fn common(command: Command, out: &mut Outbox) {
    match command {
        Command::Help => out.send(Msg::ShowHelp),
        Command::Quit => out.send(Msg::Quit),
        Command::Logout => out.send(Msg::Logout),
        Command::SwitchRole => out.send(Msg::SwitchRole),
        Command::AdvanceClock => out.run(Cmd::Call {
            origin: crate::msg::call::Origin::Quick,
            call: Box::new(crate::msg::call::Call::AdvanceClock(
                infogroups_shared::pb::AdvanceClockRequest {
                    minutes: TRAINING_STEP_MINUTES,
                },
            )),
        }),
        _ => {}
    }
}

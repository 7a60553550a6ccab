//! Key bindings as named commands (command-as-data): components ask "which of my commands is
//! this key?", the help overlay asks "which keys run this command?", and a configuration file can
//! rebind any command without touching the code.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

/// Everything a key can ask the client to do. Components list the commands they answer to; the
/// keymap decides which keys produce them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    /// Leave the program.
    Quit,
    /// Show the keys of the current screen.
    Help,
    /// Move up one row (or scroll up).
    Up,
    /// Move down one row (or scroll down).
    Down,
    /// Move up one page.
    PageUp,
    /// Move down one page.
    PageDown,
    /// Go to the first row.
    Home,
    /// Go to the last row.
    End,
    /// Open the selected item.
    Open,
    /// Go back from a panel to the list.
    Back,
    /// Filter the list by text.
    Filter,
    /// Switch to the next of the user's roles.
    SwitchRole,
    /// Submit an execution report (executor).
    SubmitReport,
    /// Accept a report (controller or issuer).
    Accept,
    /// Return a report for rework (controller or issuer).
    Return,
    /// End the session and go back to the login screen.
    Logout,
    /// Move to the next field of a form.
    NextField,
    /// Move to the previous field of a form.
    PrevField,
    /// Choose the next option of a form's choice field.
    NextOption,
    /// Choose the previous option of a form's choice field.
    PrevOption,
    /// Put the next person or question found into a form's search field.
    NextMatch,
    /// Put the previous person or question found into a form's search field.
    PrevMatch,
    /// Move a text field's cursor one character left.
    CursorLeft,
    /// Move a text field's cursor one character right.
    CursorRight,
    /// Move a text field's cursor to its start.
    LineStart,
    /// Move a text field's cursor to its end.
    LineEnd,
    /// Delete the character before a text field's cursor.
    DeleteBack,
    /// Delete the character at a text field's cursor.
    DeleteForward,
    /// Delete everything before a text field's cursor.
    ClearToStart,
    /// Send a form or confirm.
    Submit,
    /// Close a form or popup without sending.
    Cancel,
    /// Go to the next tab of the workspace.
    NextTab,
    /// Go to the previous tab of the workspace.
    PrevTab,
    /// Go to tab 1.
    Tab1,
    /// Go to tab 2.
    Tab2,
    /// Go to tab 3.
    Tab3,
    /// Go to tab 4.
    Tab4,
    /// Go to tab 5.
    Tab5,
    /// Go to tab 6.
    Tab6,
    /// Go to tab 7.
    Tab7,
    /// Go to tab 8.
    Tab8,
    /// Go to tab 9.
    Tab9,
    /// Change the list's order.
    Sort,
    /// Ask the server again (reports).
    Refresh,
    /// Sign the protocol (leader).
    Sign,
    /// Mark the meeting held.
    MarkHeld,
    /// Edit the protocol.
    EditProtocol,
    /// Notify the participants.
    Notify,
    /// Hand the signed protocol to the control sector.
    HandOver,
    /// Acknowledge receipt of a protocol (control sector).
    Acknowledge,
    /// Record a publication or informing as done.
    MarkDone,
    /// Ask for a later deadline (executor).
    RequestExtension,
    /// Grant the extension request.
    Grant,
    /// Refuse the extension request.
    Deny,
    /// Issue a new assignment.
    Issue,
    /// Give part of an assignment to someone (sub-assignment).
    SubAssign,
    /// Mark the notification read.
    MarkRead,
    /// Mark every notification read.
    MarkAllRead,
    /// Change the report's period.
    Period,
    /// Change what the figures are grouped by.
    Dimension,
    /// Save the report as a file.
    Export,
    /// Print the list as shown (its filter in the title) as a register.
    PrintList,
    /// Give the user a role (administrator).
    GrantRole,
    /// Take a role away (administrator).
    RevokeRole,
    /// Import the classifier from a file (administrator).
    Import,
    /// Create a new record: an appeal, an account, a territory, a venue.
    New,
    /// Change the selected record.
    Edit,
    /// Set a user's password (administrator).
    SetPassword,
    /// Show the applicant's personal data (recorded in the audit log).
    Applicant,
    /// Register a reception card's question as a written appeal.
    ToAppeal,
    /// Record the answer to an appeal.
    Answer,
    /// Record the venue agreement (secretary, leader).
    AgreeVenue,
    /// Announce the meeting.
    Announce,
    /// Move the meeting to another date, time or venue.
    MoveMeeting,
    /// Cancel the meeting.
    CancelMeeting,
    /// Tick the meeting's preparation checklist.
    Checklist,
    /// Draft or edit the territory brief.
    Brief,
    /// Add a question raised at the meeting to the protocol.
    AddQuestion,
    /// Add a decision to the protocol.
    AddDecision,
    /// Invite a participant or change one's state.
    Participants,
    /// Archive an account or a directory entry (administrator).
    Archive,
    /// Show a wide table's columns further left.
    ColumnsLeft,
    /// Show a wide table's columns further right.
    ColumnsRight,
    /// Go to the assignment a notification is about.
    ToAssignment,
    /// Forward an appeal to the competent body.
    Forward,
    /// Close an appeal without an answer on the merits (art. 11).
    CloseSpecial,
    /// Move a training clock a day forward (an administrator on a `--clock` server).
    AdvanceClock,
    /// Enter a meeting held before the system, after the fact (the group's secretary or leader).
    PastMeeting,
    /// Show the page of older records (the view log pages back through the audit).
    OlderPage,
    /// Show the page of newer records again.
    NewerPage,
    /// Show only the selected record's person.
    FilterPerson,
    /// Show only the selected record's appeal or card.
    FilterRecord,
}

impl Command {
    /// Every command, in the order the help lists them.
    pub const ALL: [Command; 92] = [
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Home,
        Command::End,
        Command::Open,
        Command::Back,
        Command::Filter,
        Command::SubmitReport,
        Command::Accept,
        Command::Return,
        Command::NextTab,
        Command::PrevTab,
        Command::Tab1,
        Command::Tab2,
        Command::Tab3,
        Command::Tab4,
        Command::Tab5,
        Command::Tab6,
        Command::Tab7,
        Command::Tab8,
        Command::Tab9,
        Command::Sort,
        Command::Refresh,
        Command::Sign,
        Command::MarkHeld,
        Command::EditProtocol,
        Command::Notify,
        Command::HandOver,
        Command::Acknowledge,
        Command::MarkDone,
        Command::RequestExtension,
        Command::Grant,
        Command::Deny,
        Command::Issue,
        Command::SubAssign,
        Command::MarkRead,
        Command::MarkAllRead,
        Command::Period,
        Command::Dimension,
        Command::Export,
        Command::PrintList,
        Command::GrantRole,
        Command::RevokeRole,
        Command::Import,
        Command::New,
        Command::Edit,
        Command::SetPassword,
        Command::Applicant,
        Command::ToAppeal,
        Command::Answer,
        Command::AgreeVenue,
        Command::Announce,
        Command::MoveMeeting,
        Command::CancelMeeting,
        Command::Checklist,
        Command::Brief,
        Command::AddQuestion,
        Command::AddDecision,
        Command::Participants,
        Command::Archive,
        Command::ColumnsLeft,
        Command::ColumnsRight,
        Command::ToAssignment,
        Command::Forward,
        Command::CloseSpecial,
        Command::AdvanceClock,
        Command::PastMeeting,
        Command::OlderPage,
        Command::NewerPage,
        Command::FilterPerson,
        Command::FilterRecord,
        Command::SwitchRole,
        Command::NextField,
        Command::PrevField,
        Command::PrevOption,
        Command::NextOption,
        Command::PrevMatch,
        Command::NextMatch,
        Command::CursorLeft,
        Command::CursorRight,
        Command::LineStart,
        Command::LineEnd,
        Command::DeleteBack,
        Command::DeleteForward,
        Command::ClearToStart,
        Command::Submit,
        Command::Cancel,
        Command::Logout,
        Command::Help,
        Command::Quit,
    ];

    /// The tab commands, by number.
    pub const TABS: [Command; 9] = [
        Command::Tab1,
        Command::Tab2,
        Command::Tab3,
        Command::Tab4,
        Command::Tab5,
        Command::Tab6,
        Command::Tab7,
        Command::Tab8,
        Command::Tab9,
    ];

    /// The commands that edit a text field: a field that has the focus runs them for its keys
    /// (printable keys type instead).
    pub const EDITING: [Command; 7] = [
        Command::CursorLeft,
        Command::CursorRight,
        Command::LineStart,
        Command::LineEnd,
        Command::DeleteBack,
        Command::DeleteForward,
        Command::ClearToStart,
    ];

    /// The command's name in the configuration file.
    pub fn config_name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Help => "help",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Home => "home",
            Command::End => "end",
            Command::Open => "open",
            Command::Back => "back",
            Command::Filter => "filter",
            Command::SwitchRole => "switch_role",
            Command::SubmitReport => "submit_report",
            Command::Accept => "accept",
            Command::Return => "return",
            Command::Logout => "logout",
            Command::NextField => "next_field",
            Command::PrevField => "prev_field",
            Command::NextOption => "next_option",
            Command::PrevOption => "prev_option",
            Command::NextMatch => "next_match",
            Command::PrevMatch => "prev_match",
            Command::CursorLeft => "cursor_left",
            Command::CursorRight => "cursor_right",
            Command::LineStart => "line_start",
            Command::LineEnd => "line_end",
            Command::DeleteBack => "delete_back",
            Command::DeleteForward => "delete_forward",
            Command::ClearToStart => "clear_to_start",
            Command::Submit => "submit",
            Command::Cancel => "cancel",
            Command::NextTab => "next_tab",
            Command::PrevTab => "prev_tab",
            Command::Tab1 => "tab_1",
            Command::Tab2 => "tab_2",
            Command::Tab3 => "tab_3",
            Command::Tab4 => "tab_4",
            Command::Tab5 => "tab_5",
            Command::Tab6 => "tab_6",
            Command::Tab7 => "tab_7",
            Command::Tab8 => "tab_8",
            Command::Tab9 => "tab_9",
            Command::Sort => "sort",
            Command::Refresh => "refresh",
            Command::Sign => "sign",
            Command::MarkHeld => "mark_held",
            Command::EditProtocol => "edit_protocol",
            Command::Notify => "notify",
            Command::HandOver => "hand_over",
            Command::Acknowledge => "acknowledge",
            Command::MarkDone => "mark_done",
            Command::RequestExtension => "request_extension",
            Command::Grant => "grant",
            Command::Deny => "deny",
            Command::Issue => "issue",
            Command::SubAssign => "sub_assign",
            Command::MarkRead => "mark_read",
            Command::MarkAllRead => "mark_all_read",
            Command::Period => "period",
            Command::Dimension => "dimension",
            Command::Export => "export",
            Command::PrintList => "print_list",
            Command::GrantRole => "grant_role",
            Command::RevokeRole => "revoke_role",
            Command::Import => "import",
            Command::New => "new",
            Command::Edit => "edit",
            Command::SetPassword => "set_password",
            Command::Applicant => "applicant",
            Command::ToAppeal => "to_appeal",
            Command::Answer => "answer",
            Command::AgreeVenue => "agree_venue",
            Command::Announce => "announce",
            Command::MoveMeeting => "move_meeting",
            Command::CancelMeeting => "cancel_meeting",
            Command::Checklist => "checklist",
            Command::Brief => "brief",
            Command::AddQuestion => "add_question",
            Command::AddDecision => "add_decision",
            Command::Participants => "participants",
            Command::Archive => "archive",
            Command::ColumnsLeft => "columns_left",
            Command::ColumnsRight => "columns_right",
            Command::ToAssignment => "to_assignment",
            Command::Forward => "forward",
            Command::CloseSpecial => "close_special",
            Command::AdvanceClock => "advance_clock",
            Command::PastMeeting => "past_meeting",
            Command::OlderPage => "older_page",
            Command::NewerPage => "newer_page",
            Command::FilterPerson => "filter_person",
            Command::FilterRecord => "filter_record",
        }
    }

    /// The command named `name` in the configuration file.
    pub fn from_config_name(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.config_name() == name)
    }
}

/// One key with its modifiers, as bound to a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    /// The key.
    pub code: KeyCode,
    /// Control, Alt (Shift is folded into the character for printable keys).
    pub modifiers: KeyModifiers,
}

impl KeyBinding {
    /// A binding of `code` with `modifiers`, normalised.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        // Terminals disagree on whether `?` or `G` come with SHIFT; the character already says it.
        let modifiers = match code {
            KeyCode::Char(_) | KeyCode::BackTab => modifiers - KeyModifiers::SHIFT,
            _ => modifiers,
        };
        Self { code, modifiers }
    }

    /// The binding a key event matches.
    pub fn of(key: &KeyEvent) -> Self {
        Self::new(key.code, key.modifiers)
    }

    const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    /// Whether the key would type a character into a text field (so it cannot act as a command
    /// while one has the focus).
    pub fn is_printable(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }
}

/// Why a key name in the configuration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    /// The key name is not one we know.
    #[error("unknown key \"{0}\" (examples: \"q\", \"ctrl+c\", \"f2\", \"enter\", \"pgdn\")")]
    UnknownKey(String),
    /// The command name is not one we know.
    #[error("unknown command \"{0}\" in [keys] (known: {1})")]
    UnknownCommand(String, String),
}

impl FromStr for KeyBinding {
    type Err = KeymapError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || KeymapError::UnknownKey(s.to_string());
        // A lone "+" is the plus key, not a separator.
        let (mods, key) = match s.rsplit_once('+') {
            Some((m, k)) if !k.is_empty() => (m, k),
            _ => ("", s),
        };
        let mut modifiers = KeyModifiers::NONE;
        for m in mods.split('+').filter(|m| !m.is_empty()) {
            modifiers |= match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => KeyModifiers::CONTROL,
                "alt" | "meta" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                _ => return Err(unknown()),
            };
        }
        let mut chars = key.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match key.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                f if f.starts_with('f') => {
                    let n: u8 = f[1..].parse().map_err(|_| unknown())?;
                    if !(1..=24).contains(&n) {
                        return Err(unknown());
                    }
                    KeyCode::F(n)
                }
                _ => return Err(unknown()),
            },
        };
        Ok(KeyBinding::new(code, modifiers))
    }
}

impl fmt::Display for KeyBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl+")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt+")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift+")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.modifiers.contains(KeyModifiers::CONTROL) => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift+Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One or several keys for a command in the configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum KeySpec {
    /// `quit = "q"`.
    One(String),
    /// `quit = ["q", "ctrl+c"]`.
    Many(Vec<String>),
}

/// Which keys run which command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: HashMap<Command, Vec<KeyBinding>>,
}

impl Default for Keymap {
    fn default() -> Self {
        use Command as C;
        use KeyCode as K;
        let plain = KeyBinding::plain;
        let ch = KeyBinding::ch;
        let ctrl = |c| KeyBinding::new(K::Char(c), KeyModifiers::CONTROL);
        let bindings = HashMap::from([
            (C::Quit, vec![ch('q'), ctrl('c')]),
            (C::Help, vec![ch('?'), plain(K::F(1))]),
            (C::Up, vec![plain(K::Up), ch('k')]),
            (C::Down, vec![plain(K::Down), ch('j')]),
            (C::PageUp, vec![plain(K::PageUp)]),
            (C::PageDown, vec![plain(K::PageDown)]),
            (C::Home, vec![plain(K::Home), ch('g')]),
            (C::End, vec![plain(K::End), ch('G')]),
            (C::Open, vec![plain(K::Enter)]),
            (C::Back, vec![plain(K::Esc)]),
            (C::Filter, vec![ch('/')]),
            (C::SwitchRole, vec![plain(K::Tab), plain(K::F(2))]),
            (C::SubmitReport, vec![ch('r')]),
            (C::Accept, vec![ch('a')]),
            (C::Return, vec![ch('b')]),
            (C::Logout, vec![plain(K::F(10))]),
            (C::NextField, vec![plain(K::Tab)]),
            (C::PrevField, vec![plain(K::BackTab)]),
            (C::NextOption, vec![plain(K::Right), ch(' ')]),
            (C::PrevOption, vec![plain(K::Left)]),
            (C::NextMatch, vec![plain(K::Down)]),
            (C::PrevMatch, vec![plain(K::Up)]),
            (C::CursorLeft, vec![plain(K::Left)]),
            (C::CursorRight, vec![plain(K::Right)]),
            (C::LineStart, vec![plain(K::Home), ctrl('a')]),
            (C::LineEnd, vec![plain(K::End), ctrl('e')]),
            (C::DeleteBack, vec![plain(K::Backspace)]),
            (C::DeleteForward, vec![plain(K::Delete)]),
            (C::ClearToStart, vec![ctrl('u')]),
            (C::Submit, vec![plain(K::Enter)]),
            (C::Cancel, vec![plain(K::Esc)]),
            (C::NextTab, vec![ch(']'), plain(K::Right)]),
            (C::PrevTab, vec![ch('['), plain(K::Left)]),
            (C::Tab1, vec![ch('1')]),
            (C::Tab2, vec![ch('2')]),
            (C::Tab3, vec![ch('3')]),
            (C::Tab4, vec![ch('4')]),
            (C::Tab5, vec![ch('5')]),
            (C::Tab6, vec![ch('6')]),
            (C::Tab7, vec![ch('7')]),
            (C::Tab8, vec![ch('8')]),
            (C::Tab9, vec![ch('9')]),
            (C::Sort, vec![ch('o')]),
            (C::Refresh, vec![plain(K::F(5))]),
            (C::Sign, vec![ch('s')]),
            (C::MarkHeld, vec![ch('m')]),
            (C::EditProtocol, vec![ch('p')]),
            (C::Notify, vec![ch('n')]),
            (C::HandOver, vec![ch('h')]),
            (C::Acknowledge, vec![ch('c')]),
            (C::MarkDone, vec![ch('d')]),
            (C::RequestExtension, vec![ch('e')]),
            (C::Grant, vec![ch('y')]),
            (C::Deny, vec![ch('x')]),
            (C::Issue, vec![ch('i')]),
            (C::SubAssign, vec![ch('u')]),
            (C::MarkRead, vec![ch(' ')]),
            (C::MarkAllRead, vec![ch('A')]),
            (C::Period, vec![ch('t')]),
            (C::Dimension, vec![ch('v')]),
            (C::Export, vec![ch('w')]),
            (C::PrintList, vec![ch('W')]),
            (C::GrantRole, vec![ch('+')]),
            (C::RevokeRole, vec![ch('-')]),
            (C::Import, vec![ch('I')]),
            (C::New, vec![ch('N')]),
            (C::Edit, vec![ch('E')]),
            (C::SetPassword, vec![ch('P')]),
            (C::Applicant, vec![ch('D')]),
            (C::ToAppeal, vec![ch('O')]),
            (C::Answer, vec![ch('r')]),
            (C::AgreeVenue, vec![ch('V')]),
            (C::Announce, vec![ch('a')]),
            (C::MoveMeeting, vec![ch('M')]),
            (C::CancelMeeting, vec![ch('X')]),
            (C::Checklist, vec![ch('C')]),
            (C::Brief, vec![ch('B')]),
            (C::AddQuestion, vec![ch('Q')]),
            (C::AddDecision, vec![ch('R')]),
            (C::Participants, vec![ch('U')]),
            (C::Archive, vec![ch('X')]),
            (C::ColumnsLeft, vec![ch('<'), ch(',')]),
            (C::ColumnsRight, vec![ch('>'), ch('.')]),
            (C::ToAssignment, vec![ch('J')]),
            (C::Forward, vec![ch('F')]),
            (C::CloseSpecial, vec![ch('Z')]),
            (C::AdvanceClock, vec![plain(K::F(8))]),
            (C::PastMeeting, vec![ch('H')]),
            (C::OlderPage, vec![ch('n')]),
            (C::NewerPage, vec![ch('p')]),
            (C::FilterPerson, vec![ch('f')]),
            (C::FilterRecord, vec![ch('r')]),
        ]);
        Self { bindings }
    }
}

impl Keymap {
    /// The default keymap, built once (for text fields edited where no keymap is at hand).
    pub fn defaults() -> &'static Keymap {
        static DEFAULTS: LazyLock<Keymap> = LazyLock::new(Keymap::default);
        &DEFAULTS
    }

    /// The default keymap with the `[keys]` table of the configuration file applied: each named
    /// command gets exactly the keys given (replacing its defaults).
    pub fn with_overrides(overrides: &BTreeMap<String, KeySpec>) -> Result<Self, KeymapError> {
        let mut map = Self::default();
        for (name, spec) in overrides {
            let command = Command::from_config_name(name).ok_or_else(|| {
                let known: Vec<&str> = Command::ALL.iter().map(|c| c.config_name()).collect();
                KeymapError::UnknownCommand(name.clone(), known.join(", "))
            })?;
            let names = match spec {
                KeySpec::One(k) => vec![k.clone()],
                KeySpec::Many(ks) => ks.clone(),
            };
            let keys = names
                .iter()
                .map(|k| k.parse())
                .collect::<Result<Vec<KeyBinding>, _>>()?;
            map.bindings.insert(command, keys);
        }
        Ok(map)
    }

    /// The keys bound to `command`.
    pub fn keys(&self, command: Command) -> &[KeyBinding] {
        self.bindings.get(&command).map_or(&[], Vec::as_slice)
    }

    /// The first of `among` that `key` is bound to. Components pass the commands they answer to
    /// right now, so one key (Tab, Enter, Esc) can mean different things in different places.
    /// With `typing`, printable keys belong to the text field and match nothing.
    pub fn command(&self, key: &KeyEvent, among: &[Command], typing: bool) -> Option<Command> {
        let pressed = KeyBinding::of(key);
        if typing && pressed.is_printable() {
            return None;
        }
        among
            .iter()
            .copied()
            .find(|c| self.keys(*c).contains(&pressed))
    }

    /// The keys of `command` as shown to people ("q, Ctrl+C"); printable ones left out while
    /// typing, because there they type.
    pub fn describe(&self, command: Command, typing: bool) -> String {
        self.keys(command)
            .iter()
            .filter(|k| !(typing && k.is_printable()))
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The first key of `command` as shown to people, for short hints.
    pub fn first(&self, command: Command, typing: bool) -> Option<String> {
        self.keys(command)
            .iter()
            .find(|k| !(typing && k.is_printable()))
            .map(ToString::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn key_names_parse_and_print_back() {
        for (name, shown) in [
            ("q", "q"),
            ("ctrl+c", "Ctrl+C"),
            ("F2", "F2"),
            ("enter", "Enter"),
            ("pgdn", "PgDn"),
            ("shift+tab", "Shift+Tab"),
            ("?", "?"),
            ("+", "+"),
            ("alt+x", "Alt+x"),
        ] {
            let k: KeyBinding = name.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(k.to_string(), shown, "{name}");
        }
        assert!("hyper+q".parse::<KeyBinding>().is_err());
        assert!("f99".parse::<KeyBinding>().is_err());
        assert!("nonsense".parse::<KeyBinding>().is_err());
    }

    #[test]
    fn shift_is_folded_into_characters() {
        let map = Keymap::default();
        let shifted_question = key(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(
            map.command(&shifted_question, &[Command::Help], false),
            Some(Command::Help)
        );
        let big_g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(
            map.command(&big_g, &[Command::Home, Command::End], false),
            Some(Command::End)
        );
    }

    #[test]
    fn one_key_means_what_the_component_asks_for() {
        let map = Keymap::default();
        let tab = key(KeyCode::Tab, KeyModifiers::NONE);
        assert_eq!(
            map.command(&tab, &[Command::SwitchRole], false),
            Some(Command::SwitchRole)
        );
        assert_eq!(
            map.command(&tab, &[Command::NextField], false),
            Some(Command::NextField)
        );
        assert_eq!(map.command(&tab, &[Command::Quit], false), None);
    }

    #[test]
    fn printable_keys_type_while_a_field_has_the_focus() {
        let map = Keymap::default();
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(map.command(&q, &[Command::Quit], true), None);
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            map.command(&ctrl_c, &[Command::Quit], true),
            Some(Command::Quit)
        );
        assert_eq!(map.describe(Command::Quit, true), "Ctrl+C");
        assert_eq!(map.describe(Command::Quit, false), "q, Ctrl+C");
    }

    #[test]
    fn the_config_file_replaces_a_commands_keys() {
        let overrides = BTreeMap::from([
            ("quit".to_string(), KeySpec::One("x".into())),
            (
                "submit_report".to_string(),
                KeySpec::Many(vec!["ctrl+r".into(), "F5".into()]),
            ),
        ]);
        let map = Keymap::with_overrides(&overrides).unwrap_or_default();
        assert_eq!(map.describe(Command::Quit, false), "x");
        assert_eq!(map.describe(Command::SubmitReport, false), "Ctrl+R, F5");
        let bad = BTreeMap::from([("qiut".to_string(), KeySpec::One("x".into()))]);
        assert!(matches!(
            Keymap::with_overrides(&bad),
            Err(KeymapError::UnknownCommand(..))
        ));
    }

    #[test]
    fn every_command_has_a_config_name_and_a_default_key() {
        let map = Keymap::default();
        for c in Command::ALL {
            assert_eq!(Command::from_config_name(c.config_name()), Some(c));
            assert!(!map.keys(c).is_empty(), "{c:?}");
        }
    }
}

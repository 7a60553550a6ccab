//! Key bindings as named commands (command-as-data): components ask "which of my commands is
//! this key?", the help overlay asks "which keys run this command?", and a configuration file can
//! rebind any command without touching the code. The one key table is [`Keymap::default`].

mod binding;
mod command;

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use binding::{KeyBinding, KeySpec, KeymapError};
pub use command::Command;

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
            (C::NewLine, vec![plain(K::Enter)]),
            (C::LineUp, vec![plain(K::Up)]),
            (C::LineDown, vec![plain(K::Down)]),
            (C::Undo, vec![ctrl('z')]),
            (C::Redo, vec![ctrl('y')]),
            (C::Submit, vec![plain(K::Enter)]),
            (C::SubmitText, vec![ctrl('s')]),
            (C::Discard, vec![ch('y')]),
            (C::KeepEditing, vec![ch('n'), plain(K::Esc)]),
            (C::TogglePick, vec![ch(' ')]),
            (C::OpenDraft, vec![ch('y')]),
            (C::DropDraft, vec![ch('n')]),
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
            (C::SendForSignature, vec![ch('S')]),
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
            (C::MailSettings, vec![ch('M')]),
            (C::SshKeys, vec![ch('K')]),
            (C::Period, vec![ch('t')]),
            (C::CustomPeriod, vec![ch('T')]),
            (C::Dimension, vec![ch('v')]),
            (C::Export, vec![ch('w')]),
            (C::Files, vec![ch('f')]),
            (C::CopyLink, vec![ch('l')]),
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
            (C::ToRecord, vec![ch('J')]),
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

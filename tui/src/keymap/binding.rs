//! One key with its modifiers: read from the configuration file's names ("ctrl+c", "pgdn") and
//! shown back to people ("Ctrl+C", "PgDn").

use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

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

    /// `code` without modifiers.
    pub(super) const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    /// The character key `c`.
    pub(super) const fn ch(c: char) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

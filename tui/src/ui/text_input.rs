//! A one-line text field's editing state: the text and a cursor, moved by the editing commands
//! of the key table (rebindable like any other). Pure; drawing is in `view::widgets`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::keymap::{Command, Keymap};

/// The text of a field and where the cursor is (in characters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    cursor: usize,
}

impl TextInput {
    /// A field holding `text`, cursor at the end.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.chars().count();
        Self { text, cursor }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor's position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text, cursor at the end.
    pub fn set(&mut self, text: impl Into<String>) {
        *self = Self::new(text);
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Inserts `pasted` at the cursor as one change; its line breaks and tabs become spaces (a
    /// one-line field has no lines).
    pub fn paste(&mut self, pasted: &str) {
        let flat: String = pasted
            .replace("\r\n", " ")
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &flat);
        self.cursor += flat.chars().count();
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Applies an editing key as `keymap` binds the editing commands, or types a printable
    /// character; returns whether the key was one (so it is not a command).
    pub fn handle_key_in(&mut self, key: &KeyEvent, keymap: &Keymap) -> bool {
        if let Some(command) = keymap.command(key, &Command::EDITING, true) {
            return self.edit(command);
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt && !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
                true
            }
            _ => false,
        }
    }

    /// Runs one of the editing commands ([`Command::EDITING`]); returns whether it was one.
    pub fn edit(&mut self, command: Command) -> bool {
        let len = self.text.chars().count();
        match command {
            Command::ClearToStart => {
                // As in a shell: delete everything before the cursor.
                let at = self.byte_at(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            Command::LineStart => self.cursor = 0,
            Command::LineEnd => self.cursor = len,
            Command::DeleteBack if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            Command::DeleteForward if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            Command::DeleteBack | Command::DeleteForward => {}
            Command::CursorLeft => self.cursor = self.cursor.saturating_sub(1),
            Command::CursorRight => self.cursor = (self.cursor + 1).min(len),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut TextInput, code: KeyCode) -> bool {
        input.handle_key_in(&KeyEvent::new(code, KeyModifiers::NONE), Keymap::defaults())
    }

    #[test]
    fn typing_and_editing_cyrillic_text() {
        let mut t = TextInput::default();
        for c in "отчт".chars() {
            press(&mut t, KeyCode::Char(c));
        }
        press(&mut t, KeyCode::Left);
        press(&mut t, KeyCode::Char('ё'));
        assert_eq!(t.text(), "отчёт");
        press(&mut t, KeyCode::Home);
        press(&mut t, KeyCode::Delete);
        press(&mut t, KeyCode::End);
        press(&mut t, KeyCode::Backspace);
        assert_eq!(t.text(), "тчё");
        assert_eq!(t.cursor(), 3);
        assert!(!press(&mut t, KeyCode::Enter));
        assert!(!press(&mut t, KeyCode::Tab));
    }

    #[test]
    fn editing_keys_follow_the_key_file() {
        use std::collections::BTreeMap;

        use crate::keymap::KeySpec;
        let overrides = BTreeMap::from([
            ("line_start".to_string(), KeySpec::One("ctrl+b".into())),
            ("delete_back".to_string(), KeySpec::One("ctrl+h".into())),
        ]);
        let keymap = Keymap::with_overrides(&overrides).unwrap_or_default();
        let mut t = TextInput::new("abc");
        let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert!(!t.handle_key_in(&plain(KeyCode::Home), &keymap));
        assert!(!t.handle_key_in(&plain(KeyCode::Backspace), &keymap));
        assert_eq!((t.text(), t.cursor()), ("abc", 3));
        assert!(t.handle_key_in(&ctrl('h'), &keymap));
        assert!(t.handle_key_in(&ctrl('b'), &keymap));
        assert_eq!((t.text(), t.cursor()), ("ab", 0));
    }

    #[test]
    fn a_paste_goes_in_at_the_cursor_on_one_line() {
        let mut t = TextInput::new("ад");
        t.edit(Command::CursorLeft);
        t.paste("бв\r\nг\n");
        assert_eq!((t.text(), t.cursor()), ("абв г д", 6));
    }

    #[test]
    fn control_keys_are_not_typed() {
        let mut t = TextInput::new("abc");
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(!t.handle_key_in(&ctrl_c, Keymap::defaults()));
        let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert!(t.handle_key_in(&ctrl_u, Keymap::defaults()));
        assert_eq!(t.text(), "");
    }
}

//! A one-line text field's editing state: the text and a cursor, moved by the usual keys. Pure;
//! drawing is in `view::widgets`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Applies an editing key; returns whether the key was one (so it is not a command).
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char('u') if ctrl => {
                // As in a shell: delete everything before the cursor.
                let at = self.byte_at(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char(c) if !ctrl && !alt && !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            KeyCode::Backspace => {}
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Delete => {}
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut TextInput, code: KeyCode) -> bool {
        input.handle_key(&KeyEvent::new(code, KeyModifiers::NONE))
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
    fn control_keys_are_not_typed() {
        let mut t = TextInput::new("abc");
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(!t.handle_key(&ctrl_c));
        let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert!(t.handle_key(&ctrl_u));
        assert_eq!(t.text(), "");
    }
}

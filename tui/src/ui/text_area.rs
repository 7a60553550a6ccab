//! A long text field's editing state: several lines, wrapped at word boundaries, with ↑/↓
//! between lines and undo — the multi-line editor of `ratatui-textarea`, driven by the editing
//! commands of the key table (rebindable like any other) rather than by its own key set.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::keymap::{Command, Keymap};
use crate::ui::text;

/// The text of a long field, its cursor and its undo history.
#[derive(Debug, Clone)]
pub struct TextBox {
    editor: TextArea<'static>,
    /// The lines joined, kept in step with the editor so reading the value costs nothing.
    text: String,
}

impl Default for TextBox {
    fn default() -> Self {
        Self::new("")
    }
}

impl TextBox {
    /// A field holding `text`, cursor at the end.
    pub fn new(text: &str) -> Self {
        let text = normalize(text);
        let mut editor = TextArea::new(text.split('\n').map(str::to_string).collect());
        editor.set_wrap_mode(WrapMode::WordOrGlyph);
        // The field's own look comes from the theme when drawn; the crate's underlined cursor
        // line would read as a second field.
        editor.set_cursor_line_style(Style::new());
        editor.set_style(Style::new());
        editor.move_cursor(CursorMove::Bottom);
        editor.move_cursor(CursorMove::End);
        Self { editor, text }
    }

    /// The text, lines joined by `\n`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the text, cursor at the end (a fresh undo history).
    pub fn set(&mut self, text: &str) {
        *self = Self::new(text);
    }

    /// Inserts `pasted` at the cursor as one change (one undo step).
    pub fn paste(&mut self, pasted: &str) {
        self.editor.insert_str(normalize(pasted));
        self.sync();
    }

    /// Applies an editing key as `keymap` binds the editing commands, or types a printable
    /// character; returns whether the key was one (so it is not a command).
    pub fn handle_key_in(&mut self, key: &KeyEvent, keymap: &Keymap) -> bool {
        let handled = if let Some(c) = keymap.command(key, &Command::TEXT_EDITING, true) {
            self.edit(c)
        } else if let Some(c) = keymap.command(key, &Command::EDITING, true) {
            self.edit(c)
        } else {
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            let alt = key.modifiers.contains(KeyModifiers::ALT);
            match key.code {
                KeyCode::Char(c) if !ctrl && !alt && !c.is_control() => {
                    self.editor.insert_char(c);
                    true
                }
                _ => false,
            }
        };
        if handled {
            self.sync();
        }
        handled
    }

    /// Runs one editing command; returns whether it was one.
    fn edit(&mut self, command: Command) -> bool {
        let e = &mut self.editor;
        match command {
            Command::CursorLeft => e.move_cursor(CursorMove::Back),
            Command::CursorRight => e.move_cursor(CursorMove::Forward),
            Command::LineStart => e.move_cursor(CursorMove::Head),
            Command::LineEnd => e.move_cursor(CursorMove::End),
            Command::LineUp => e.move_cursor(CursorMove::Up),
            Command::LineDown => e.move_cursor(CursorMove::Down),
            Command::DeleteBack => {
                e.delete_char();
            }
            Command::DeleteForward => {
                e.delete_next_char();
            }
            Command::ClearToStart => {
                e.delete_line_by_head();
            }
            Command::NewLine => e.insert_newline(),
            Command::Undo => {
                e.undo();
            }
            Command::Redo => {
                e.redo();
            }
            _ => return false,
        }
        true
    }

    fn sync(&mut self) {
        self.text = self.editor.lines().join("\n");
    }

    /// How many lines the text takes `cells` wide, with room for the cursor after it.
    pub fn rows(&self, cells: usize) -> usize {
        self.editor
            .lines()
            .iter()
            .map(|l| text::wrap(l, cells.saturating_sub(1).max(1)).len().max(1))
            .sum()
    }

    /// The focused field drawn `cells` wide and `rows` high as lines of styled cells: the part
    /// around the cursor (a reversed cell, as in the one-line fields), wrapped at word
    /// boundaries, in the field's style `field`. The editor keeps where it scrolled to between
    /// frames.
    pub fn lines(&self, cells: u16, rows: u16, field: Style) -> Vec<Line<'static>> {
        let area = Rect::new(0, 0, cells.max(1), rows.max(1));
        let mut buf = Buffer::empty(area);
        buf.set_style(area, field);
        (&self.editor).render(area, &mut buf);
        (0..area.height)
            .map(|y| {
                let mut spans = Vec::new();
                let mut x = 0;
                // A wide character fills the cell after it too: that one is not drawn again.
                while let Some(c) = buf.cell((x, y)) {
                    spans.push(Span::styled(c.symbol().to_string(), c.style()));
                    x += text::cells(text::width(c.symbol()).max(1));
                }
                Line::from(spans)
            })
            .collect()
    }
}

/// Pasted or stored text as the editor keeps it: `\n` between lines, tabs as spaces (a tab
/// would be drawn as a jump the wrapping does not count).
fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(b: &mut TextBox, code: KeyCode) -> bool {
        b.handle_key_in(&KeyEvent::new(code, KeyModifiers::NONE), Keymap::defaults())
    }

    fn typed(b: &mut TextBox, s: &str) {
        for c in s.chars() {
            press(b, KeyCode::Char(c));
        }
    }

    #[test]
    fn enter_starts_a_new_line_and_up_goes_back_to_the_first() {
        let mut b = TextBox::default();
        typed(&mut b, "первая");
        assert!(press(&mut b, KeyCode::Enter));
        typed(&mut b, "вторая");
        assert_eq!(b.text(), "первая\nвторая");
        press(&mut b, KeyCode::Up);
        press(&mut b, KeyCode::Home);
        typed(&mut b, "1 ");
        assert_eq!(b.text(), "1 первая\nвторая");
    }

    #[test]
    fn ctrl_z_undoes_and_ctrl_y_redoes() {
        let mut b = TextBox::new("справка");
        press(&mut b, KeyCode::Backspace);
        assert_eq!(b.text(), "справк");
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert!(b.handle_key_in(&ctrl('z'), Keymap::defaults()));
        assert_eq!(b.text(), "справка");
        assert!(b.handle_key_in(&ctrl('y'), Keymap::defaults()));
        assert_eq!(b.text(), "справк");
    }

    #[test]
    fn a_paste_is_one_insertion_with_its_lines() {
        let mut b = TextBox::new("a");
        b.paste("b\r\nc\td");
        assert_eq!(b.text(), "ab\nc    d");
        let ctrl_z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
        b.handle_key_in(&ctrl_z, Keymap::defaults());
        assert_eq!(b.text(), "a");
    }

    #[test]
    fn lines_wrap_at_word_boundaries() {
        let b = TextBox::new("один два три четыре");
        let shown: Vec<String> = b
            .lines(9, 3, Style::new())
            .iter()
            .map(|l| l.to_string().trim_end().to_string())
            .collect();
        assert_eq!(shown, ["один два", "три", "четыре"]);
        assert_eq!(b.rows(9), 3);
    }
}

//! The frame shown while the client starts (the embedded demo server takes a few seconds):
//! something on the screen at once, so nobody types a password into a screen not yet there.

use infogroups_shared::names::Lang;
use ratatui::Frame;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use crate::strings::Text;
use crate::ui::theme::Theme;
use crate::ui::{layout, text};

/// Draws "Starting…" in the middle of the screen.
pub fn draw(lang: Lang, theme: Theme, frame: &mut Frame<'_>) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let words = Text::Starting.get(lang);
    let line = layout::centered(area, text::cells(text::width(words)), 1);
    frame.render_widget(Paragraph::new(Span::styled(words, theme.title())), line);
}

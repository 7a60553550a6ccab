//! Styles. Only the 8 basic colours (they look right on a plain 16-colour terminal and over SSH);
//! with `NO_COLOR` set, no colours at all — bold, dim and reverse carry the meaning, and text
//! markers («!», «*») say it in every case.

use ratatui::style::{Color, Modifier, Style};

/// Whether to use colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Colours allowed.
    pub color: bool,
}

impl Theme {
    /// Colours unless `NO_COLOR` is set to something non-empty (https://no-color.org).
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self { color: !no_color }
    }

    /// For a terminal that named itself `term` (an SSH session's `TERM`, from its PTY request):
    /// no colours for `dumb` or no name at all, the 8 basic ones otherwise.
    pub fn for_term(term: Option<&str>) -> Self {
        let color = term.is_some_and(|t| !t.is_empty() && t != "dumb");
        Self { color }
    }

    fn pick(self, colored: Style, plain: Style) -> Style {
        if self.color { colored } else { plain }
    }

    /// Overdue rows.
    pub fn overdue(self) -> Style {
        self.pick(
            Style::new().fg(Color::Red),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Rows due within the reminder window.
    pub fn due_soon(self) -> Style {
        self.pick(Style::new().fg(Color::Yellow), Style::new())
    }

    /// Done or removed rows.
    pub fn closed(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// The selected row (reverse works everywhere).
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Titles and headers.
    pub fn title(self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Table headers.
    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Labels in forms and panels.
    pub fn label(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Errors.
    pub fn error(self) -> Style {
        self.pick(
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Good news (a step done, online).
    pub fn ok(self) -> Style {
        self.pick(Style::new().fg(Color::Green), Style::new())
    }

    /// A warning (reconnecting).
    pub fn warn(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// A key in the hints line.
    pub fn key(self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// Secondary text.
    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// The status bar.
    pub fn status_bar(self) -> Style {
        self.pick(
            Style::new().bg(Color::Blue).fg(Color::White),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }

    /// The live indicator just after an event.
    pub fn blink(self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::LightGreen)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// The focused field.
    pub fn focused_field(self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    /// The fake cursor in a field.
    pub fn cursor(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dumb_or_unnamed_terminal_gets_no_colours() {
        assert!(!Theme::for_term(None).color);
        assert!(!Theme::for_term(Some("")).color);
        assert!(!Theme::for_term(Some("dumb")).color);
        assert!(Theme::for_term(Some("xterm-256color")).color);
        assert!(Theme::for_term(Some("linux")).color);
    }
}

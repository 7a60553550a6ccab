//! Small drawing pieces shared by the screens: text fields with a drawn cursor, the hints line.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::app::State;
use crate::keymap::Command;
use crate::ui::text_input::TextInput;
use crate::ui::theme::Theme;
use crate::ui::{Component, text};

/// A one-line field `cells` wide: scrolled so the cursor is visible, masked for passwords, the
/// cursor drawn as a reversed cell (the terminal's own cursor stays hidden).
pub fn field_line(
    input: &TextInput,
    cells: usize,
    focused: bool,
    masked: bool,
    theme: Theme,
) -> Line<'static> {
    let chars: Vec<char> = if masked {
        input.text().chars().map(|_| '•').collect()
    } else {
        input.text().chars().collect()
    };
    let cursor = input.cursor().min(chars.len());
    // Keep the cursor on screen: drop characters from the left until it fits.
    let mut start = 0;
    let used = |from: usize| -> usize {
        chars[from..cursor]
            .iter()
            .map(|c| c.width().unwrap_or(0))
            .sum::<usize>()
            + 1
    };
    while start < cursor && used(start) > cells {
        start += 1;
    }
    let base = if focused {
        theme.focused_field()
    } else {
        Style::new()
    };
    let mut spans = Vec::new();
    let mut width = 0;
    for (i, c) in chars.iter().enumerate().skip(start) {
        let w = c.width().unwrap_or(0);
        if width + w > cells {
            break;
        }
        let style = if focused && i == cursor {
            theme.cursor()
        } else {
            base
        };
        spans.push(Span::styled(c.to_string(), style));
        width += w;
    }
    if focused && cursor == chars.len() && width < cells {
        spans.push(Span::styled(" ", theme.cursor()));
        width += 1;
    }
    if width < cells {
        spans.push(Span::styled(" ".repeat(cells - width), base));
    }
    Line::from(spans)
}

/// "r отчёт  a принять …": the keys of `commands`, as many as fit in `cells`.
pub fn hints(
    state: &State,
    component: &dyn Component,
    commands: &[Command],
    cells: usize,
) -> Line<'static> {
    let theme = state.theme;
    let typing = component.typing();
    let piece = |c: Command| {
        let key = state.keymap.first(c, typing)?;
        let label = component.label(c, state.lang);
        let width = text::width(&key) + 1 + text::width(label) + 2;
        Some((key, label, width))
    };
    // The key that lists all keys always shows: what does not fit here is one press away.
    let help = commands
        .contains(&Command::Help)
        .then(|| piece(Command::Help))
        .flatten();
    let mut room = cells.saturating_sub(help.as_ref().map_or(0, |h| h.2));
    let mut spans = Vec::new();
    for c in commands.iter().filter(|c| **c != Command::Help) {
        let Some((key, label, width)) = piece(*c) else {
            continue;
        };
        // A shorter key further on may still fit where a longer one did not.
        if width > room {
            continue;
        }
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
        room -= width;
    }
    if let Some((key, label, _)) = help {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    Line::from(spans)
}

/// The line over a list: "12 of 300", the filter field, and a legend on the right if it fits.
pub fn count_line(
    state: &State,
    count: Option<String>,
    filter: &TextInput,
    filtering: bool,
    legend: &str,
    frame: &mut ratatui::Frame<'_>,
    area: ratatui::layout::Rect,
) {
    let theme = state.theme;
    let width = usize::from(area.width);
    let mut spans = Vec::new();
    if let Some(c) = count {
        spans.push(Span::raw(format!(" {c} ")));
    }
    if filtering || !filter.text().is_empty() {
        let label = format!("  {}: ", crate::strings::Text::Filter.get(state.lang));
        let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
        let room = width.saturating_sub(used + text::width(&label));
        spans.push(Span::styled(label, theme.label()));
        spans.extend(field_line(filter, room.min(40), filtering, false, theme).spans);
    }
    let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    if !legend.is_empty() && used + text::width(legend) + 2 <= width {
        spans.push(Span::raw(
            " ".repeat(width - used - text::width(legend) - 1),
        ));
        spans.push(Span::styled(legend.to_string(), theme.dim()));
    }
    frame.render_widget(ratatui::widgets::Paragraph::new(Line::from(spans)), area);
}

/// The selected row in full under a list: `parts` joined by « · », wrapped onto the lines of
/// `area`, the last cut with «…» if it still runs over (Enter opens the whole record).
pub fn selected_lines(
    state: &State,
    parts: &[String],
    frame: &mut ratatui::Frame<'_>,
    area: ratatui::layout::Rect,
) {
    let width = usize::from(area.width).saturating_sub(2).max(1);
    let joined = parts.join(" · ");
    let mut lines = text::wrap(&joined, width);
    let room = usize::from(area.height);
    if lines.len() > room && room > 0 {
        let rest = lines.split_off(room - 1).join(" ");
        lines.push(text::truncate(&rest, width));
    }
    let shown: Vec<Line<'static>> = lines
        .into_iter()
        .map(|l| Line::from(Span::styled(format!(" {l}"), state.theme.label())))
        .collect();
    frame.render_widget(ratatui::widgets::Paragraph::new(shown), area);
}

/// Whether a command is worth a place in the hints line (navigation is obvious).
pub fn worth_a_hint(c: Command) -> bool {
    !matches!(
        c,
        Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Home
            | Command::End
            | Command::PrevField
    )
}

//! The status bar: who is signed in, in which role, the connection and its live indicator, and
//! unread notifications — as much as fits, most important first; «учебное время» before all
//! of them on a server with a training clock.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{BLINK_MS, State};
use crate::keymap::Command;
use crate::msg::Link;
use crate::session::role_name;
use crate::strings;
use crate::strings::Text;
use crate::ui::text;

/// Draws the status bar into `area` (one line).
pub fn draw(state: &State, frame: &mut Frame<'_>, area: Rect) {
    let theme = state.theme;
    let bar = theme.status_bar();
    let lang = state.lang;
    let mut segments: Vec<Vec<Span<'static>>> = Vec::new();
    // First, so it is never cut off: nothing done on a training server is real.
    if state.replica.settings.training_clock {
        segments.push(vec![Span::styled(
            format!(
                "{} {}",
                Text::TrainingTime.get(lang),
                text::date_time(state.now_ms.saturating_add(state.clock_skew_ms))
            ),
            bar.patch(theme.warn()),
        )]);
    }
    if let Some(s) = &state.session {
        segments.push(vec![Span::styled(
            s.full_name.clone(),
            bar.patch(theme.label()),
        )]);
        let mut role = vec![Span::styled(role_name(lang, &state.replica, s.role()), bar)];
        if s.roles.len() > 1
            && let Some(key) = state.keymap.first(Command::SwitchRole, false)
        {
            role.push(Span::styled(format!(" ({key})"), bar));
        }
        segments.push(role);
    }
    let recent = state
        .last_event_ms
        .is_some_and(|t| state.now_ms.saturating_sub(t) < BLINK_MS);
    let (dot, label, style) = match state.link {
        Link::Connecting => ("○", Text::Connecting, bar),
        Link::Online if recent => ("●", Text::Online, bar.patch(theme.blink())),
        Link::Online => ("○", Text::Online, bar),
        Link::Reconnecting => ("○", Text::Reconnecting, bar.patch(theme.warn())),
        Link::Offline => ("×", Text::Offline, bar.patch(theme.error())),
    };
    segments.push(vec![
        Span::styled(dot.to_string(), style),
        Span::styled(format!(" {}", label.get(lang)), bar),
    ]);
    let unread = state
        .session
        .as_ref()
        .map_or(0, |s| state.replica.unread(s.user_id));
    if unread > 0 {
        segments.push(vec![Span::styled(strings::unread(lang, unread), bar)]);
    }
    if let Some(t) = state.last_event_ms {
        segments.push(vec![Span::styled(
            format!("{} {}", Text::LastEvent.get(lang), text::clock(t)),
            bar.patch(Style::new()),
        )]);
    }

    let width = usize::from(area.width);
    let mut spans = vec![Span::styled(" ", bar)];
    let mut used = 1;
    for seg in segments {
        let w: usize = seg.iter().map(|s| text::width(&s.content)).sum();
        let sep = if used > 1 { 3 } else { 0 };
        if used + sep + w > width {
            break;
        }
        if sep > 0 {
            spans.push(Span::styled(" │ ", bar));
        }
        spans.extend(seg);
        used += sep + w;
    }
    spans.push(Span::styled(" ".repeat(width.saturating_sub(used)), bar));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}

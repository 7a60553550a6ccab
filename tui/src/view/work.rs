//! Drawing a workspace: the tabs line, the active tab's body, the hints line and the status bar.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::State;
use crate::features::workspace::screen::{Tab, Workspace};
use crate::keymap::Command;
use crate::strings::Text;
use crate::strings::work::W;
use crate::ui::{Component, layout, tabs, text};
use crate::view::{assignments, records, report, status_bar, view_log, widgets};

/// Draws the workspace into `area`.
pub fn draw(state: &State, work: &Workspace, frame: &mut Frame<'_>, area: Rect) {
    let parts = layout::main(area);
    draw_tabs(state, work, frame, parts.title);
    match work.tab() {
        Some(Tab::Assignments(s)) => assignments::draw_body(state, s, frame, parts.body),
        Some(Tab::Records(s)) => records::draw_body(state, s, frame, parts.body),
        Some(Tab::Report(s)) => report::draw_body(state, s, frame, parts.body),
        Some(Tab::ViewLog(s)) => view_log::draw_body(state, s, frame, parts.body),
        None => {}
    }
    draw_hints(state, work, frame, parts.hints);
    status_bar::draw(state, frame, parts.status);
}

/// "1 Поручения │ 2 Встречи │ …": the active tab highlighted. When the full names do not fit,
/// every tab takes its short name, then the bars between them go (the highlight and a double
/// space still part them), and if even that is too wide only the tabs around the active one show,
/// with ‹ › where more lie beyond.
fn draw_tabs(state: &State, work: &Workspace, frame: &mut Frame<'_>, area: Rect) {
    let theme = state.theme;
    let lang = state.lang;
    let width = usize::from(area.width);
    let kinds: Vec<W> = work.tabs.iter().map(|t| t.kind().title()).collect();
    let labels = |short: bool| -> Vec<String> {
        kinds
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let w = if short { w.short() } else { *w };
                format!(" {} {} ", i + 1, w.get(lang))
            })
            .collect()
    };
    let total = |labels: &[String], bar: bool| -> usize {
        labels
            .iter()
            .map(|l| text::width(l) + usize::from(bar))
            .sum()
    };
    let full = labels(false);
    let short = labels(true);
    let (labels, bar) = if total(&full, true) <= width {
        (full, true)
    } else if total(&short, true) <= width {
        (short, true)
    } else {
        (short, false)
    };
    let widths: Vec<usize> = labels
        .iter()
        .map(|l| text::width(l) + usize::from(bar))
        .collect();
    // Each label carries its own spaces, so a marker takes one cell.
    let (from, to) = tabs::window(&widths, work.active, width, 1);
    let mut spans = Vec::new();
    if from > 0 {
        spans.push(Span::styled("‹", theme.dim()));
    }
    for (i, label) in labels.iter().enumerate().take(to).skip(from) {
        let style = if i == work.active {
            theme.selected().patch(theme.title())
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label.clone(), style));
        if bar {
            spans.push(Span::raw("│"));
        }
    }
    if to < labels.len() {
        spans.push(Span::styled("›", theme.dim()));
    }
    let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    let app = format!(" {} ", Text::AppName.get(lang));
    if used + text::width(&app) <= width {
        spans.push(Span::raw(" ".repeat(width - used - text::width(&app))));
        spans.push(Span::styled(app, theme.title()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_hints(state: &State, work: &Workspace, frame: &mut Frame<'_>, area: Rect) {
    let theme = state.theme;
    if let Some(f) = &state.flash {
        let style = if f.error { theme.error() } else { theme.ok() };
        let shown = text::truncate(&f.text, usize::from(area.width).saturating_sub(1));
        frame.render_widget(
            Paragraph::new(Span::styled(format!(" {shown}"), style)),
            area,
        );
        return;
    }
    let ctx = state.ctx();
    let mut commands = work.commands(&ctx);
    // Tab digits are in the tabs line already; the hints keep the steps.
    commands.retain(|c| widgets::worth_a_hint(*c) && !is_tab_key(*c));
    // Keys are set once in a long while: their hint takes what room is left after signing out.
    commands.sort_by_key(|c| *c == Command::SshKeys);
    let line = widgets::hints(
        state,
        work,
        &commands,
        usize::from(area.width).saturating_sub(1),
    );
    let mut spans = vec![Span::raw(" ")];
    spans.extend(line.spans);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn is_tab_key(c: Command) -> bool {
    use Command as C;
    matches!(
        c,
        C::Tab1
            | C::Tab2
            | C::Tab3
            | C::Tab4
            | C::Tab5
            | C::Tab6
            | C::Tab7
            | C::Tab8
            | C::Tab9
            | C::NextTab
            | C::PrevTab
    )
}

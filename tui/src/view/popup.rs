//! Drawing popups: the help overlay and the step forms.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::State;
use crate::msg::step::Action;
use crate::strings;
use crate::strings::Text;
use crate::strings::work::W;
use crate::ui::form_engine::{Field, FieldInput, FieldKind, FormPopup, confirmation_lines};
use crate::ui::popup::{HelpPopup, InfoPopup, Popup, StepPopup};
use crate::ui::text_input::TextInput;
use crate::ui::{Component, layout, person_match, text};
use crate::view::widgets;

/// Draws `popup` over `area`.
pub fn draw(state: &State, popup: &Popup, frame: &mut Frame<'_>, area: Rect) {
    match popup {
        Popup::Help(h) => draw_help(state, h, frame, area),
        Popup::Step(s) => draw_step(state, s, frame, layout::form_area(area)),
        Popup::Form(f) => draw_form(state, f, frame, area),
        Popup::Info(i) => draw_info(state, i, i, frame, area),
        Popup::Link(l) => draw_info(state, &l.info, l, frame, area),
        Popup::Draft(d) => draw_info(state, &d.info, d, frame, area),
    }
}

/// The options in a row when they fit, else the chosen one between arrows with its position.
fn choice_line(state: &State, f: &Field, focused: bool, width: usize) -> Line<'static> {
    let theme = state.theme;
    let chosen = if focused {
        theme.cursor()
    } else {
        theme.selected()
    };
    let all: usize = f.options.iter().map(|o| text::width(o) + 3).sum();
    let mut spans = Vec::new();
    if all + 4 <= width {
        for (n, name) in f.options.iter().enumerate() {
            let style = if n == f.choice { chosen } else { theme.dim() };
            spans.push(Span::styled(format!(" {name} "), style));
            spans.push(Span::raw(" "));
        }
    } else {
        let name = f.options.get(f.choice).cloned().unwrap_or_default();
        spans.push(Span::styled("◀ ", theme.key()));
        spans.push(Span::styled(format!(" {name} "), chosen));
        spans.push(Span::styled(" ▶", theme.key()));
        spans.push(Span::styled(
            format!("  {}/{}", f.choice + 1, f.options.len()),
            theme.dim(),
        ));
    }
    if focused && all + 4 <= width {
        spans.push(Span::styled("←/→", theme.key()));
    }
    Line::from(spans)
}

/// How many matching people a person field lists under itself.
const PEOPLE_SHOWN: usize = 4;

/// The suggestions under a focused person or classifier field: a window of them around the one
/// chosen, and how many match in all.
fn suggestion_lines(state: &State, f: &Field, width: usize) -> Vec<Line<'static>> {
    let theme = state.theme;
    // (what goes in the field, how it is shown)
    let found: Vec<(String, String)> = if f.kind == FieldKind::Person {
        person_match::matches(state.replica.users.iter(), f.typed_query())
            .into_iter()
            .map(|u| {
                let mut who = format!("{} — {}", u.username, u.full_name);
                if !u.position.is_empty() {
                    who.push_str(", ");
                    who.push_str(&u.position);
                }
                (u.username.clone(), who)
            })
            .collect()
    } else if f.typed_query().trim().chars().count() < 2 {
        return Vec::new();
    } else {
        f.found
            .iter()
            .map(|(code, name)| (code.clone(), format!("{code} — {name}")))
            .collect()
    };
    if found.is_empty() {
        let none = if f.kind == FieldKind::Person {
            Text::NobodyMatches
        } else {
            Text::NothingFound
        };
        return vec![Line::from(Span::styled(
            format!("  {}", none.get(state.lang)),
            theme.dim(),
        ))];
    }
    let chosen = found.iter().position(|(v, _)| v == f.input.text());
    let first = chosen
        .map_or(0, |c| (c + 1).saturating_sub(PEOPLE_SHOWN))
        .min(found.len().saturating_sub(PEOPLE_SHOWN));
    let mut lines: Vec<Line<'static>> = found
        .iter()
        .enumerate()
        .skip(first)
        .take(PEOPLE_SHOWN)
        .map(|(i, (_, shown))| {
            let style = if Some(i) == chosen {
                theme.cursor()
            } else {
                theme.dim()
            };
            Line::from(Span::styled(
                text::truncate(&format!("  {shown}"), width),
                style,
            ))
        })
        .collect();
    lines.push(Line::from(vec![Span::styled(
        format!("  {} {}", Text::ChoosePerson.get(state.lang), found.len()),
        theme.dim(),
    )]));
    lines
}

/// How many options a focused checklist shows at once (it scrolls through them).
const CHECKLIST_SHOWN: usize = 5;

/// A checklist: focused, what is typed to narrow it, a window of the options it shows around the
/// cursor with their ticks, and how many are ticked; otherwise the names ticked, on one line.
fn checklist_lines(state: &State, f: &Field, focused: bool, width: usize) -> Vec<Line<'static>> {
    let theme = state.theme;
    let ticked: Vec<&str> = f
        .options
        .iter()
        .zip(&f.picked)
        .filter(|(_, p)| **p)
        .map(|(o, _)| o.as_str())
        .collect();
    if !focused {
        let line = if ticked.is_empty() {
            Span::styled(Text::NothingTicked.get(state.lang).to_string(), theme.dim())
        } else {
            Span::raw(text::truncate(&ticked.join(", "), width))
        };
        return vec![Line::from(line)];
    }
    let typed = match &f.input {
        FieldInput::Line(t) => t.clone(),
        FieldInput::Text(t) => TextInput::new(t.text().to_string()),
    };
    let mut lines = vec![widgets::field_line(&typed, width, true, false, theme)];
    let shown = f.shown();
    if shown.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("  {}", Text::NobodyMatches.get(state.lang)),
            theme.dim(),
        )));
    }
    let at = shown.iter().position(|&i| i == f.cursor).unwrap_or(0);
    let first = (at + 1)
        .saturating_sub(CHECKLIST_SHOWN)
        .min(shown.len().saturating_sub(CHECKLIST_SHOWN));
    for &i in shown.iter().skip(first).take(CHECKLIST_SHOWN) {
        let tick = if f.picked.get(i).copied().unwrap_or(false) {
            "[x]"
        } else {
            "[ ]"
        };
        let style = if i == f.cursor {
            theme.cursor()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(
            text::truncate(&format!("  {tick} {}", f.options[i]), width),
            style,
        )));
    }
    lines.push(Line::from(Span::styled(
        text::truncate(
            &format!(
                "  {} {} / {}",
                Text::ChecklistHelp.get(state.lang),
                ticked.len(),
                f.options.len()
            ),
            width,
        ),
        theme.dim(),
    )));
    lines
}

/// The most lines a focused long text field shows at once (it scrolls inside them).
const TEXT_ROWS: usize = 6;

/// A field's input lines: a focused long text as the editor draws it (wrapped at words, as many
/// lines as it needs up to [`TEXT_ROWS`]), anything else on one line.
fn input_lines(state: &State, f: &Field, focused: bool, width: usize) -> Vec<Line<'static>> {
    let theme = state.theme;
    match &f.input {
        FieldInput::Text(t) if focused => {
            let rows = t.rows(width).clamp(3, TEXT_ROWS);
            t.lines(text::cells(width), text::cells(rows), theme.focused_field())
        }
        FieldInput::Text(t) => {
            let flat = TextInput::new(t.text().replace('\n', " "));
            vec![widgets::field_line(&flat, width, false, false, theme)]
        }
        FieldInput::Line(t) => vec![widgets::field_line(
            t,
            width,
            focused,
            f.kind == FieldKind::Secret,
            theme,
        )],
    }
}

fn draw_form(state: &State, form: &FormPopup, frame: &mut Frame<'_>, screen: Rect) {
    let area = layout::form_area(screen);
    let lang = state.lang;
    let theme = state.theme;
    let width = 76u16.min(area.width);
    let inner_w = usize::from(width.saturating_sub(4)).max(1);
    let mut lines: Vec<Line<'static>> = Vec::new();
    // A confirmation shows everything it confirms; a form gives its summary (what is being
    // decided: the requested date, the reason) what the fields leave, and at least 3 lines.
    let fields: usize = form
        .fields
        .iter()
        .map(|f| match f.kind {
            FieldKind::Text => 4,
            FieldKind::Person | FieldKind::Classifier => 2 + PEOPLE_SHOWN + 1,
            FieldKind::Checklist => 3 + CHECKLIST_SHOWN,
            _ => 2,
        })
        .sum();
    let room = usize::from(area.height.saturating_sub(6))
        .saturating_sub(fields)
        .max(3);
    let mut summary: Vec<Line<'static>> = Vec::new();
    if form.is_confirmation() {
        // Paged, never cut: Enter shows the next page until all of it has been seen.
        let (all, room) = confirmation_lines(&form.summary, (screen.width, screen.height));
        let shown = all.iter().skip(form.summary_scroll).take(room);
        summary.extend(shown.map(|l| Line::from(Span::styled(l.clone(), theme.dim()))));
        let below = all.len().saturating_sub(form.summary_scroll + room);
        if below > 0 {
            summary.push(Line::from(Span::styled(
                Text::MoreBelow.get(lang).replace("{n}", &below.to_string()),
                theme.warn(),
            )));
        }
    } else {
        for s in &form.summary {
            for l in text::wrap(s, inner_w) {
                summary.push(Line::from(Span::styled(l, theme.dim())));
            }
        }
        if summary.len() > room {
            summary.truncate(room.saturating_sub(1));
            summary.push(Line::from(Span::styled("…", theme.dim())));
        }
    }
    lines.extend(summary);
    // Where the focused field's lines are, to keep them on screen when the form is taller.
    let mut focus_lines = (0, 0);
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let first = lines.len();
        lines.push(Line::from(Span::styled(
            format!("{}:", f.label_text(lang)),
            if focused {
                theme.title()
            } else {
                theme.label()
            },
        )));
        if f.kind == FieldKind::Choice {
            lines.push(choice_line(state, f, focused, inner_w));
        } else if f.kind == FieldKind::Checklist {
            lines.extend(checklist_lines(state, f, focused, inner_w));
        } else {
            lines.extend(input_lines(state, f, focused, inner_w));
        }
        if focused && matches!(f.kind, FieldKind::Person | FieldKind::Classifier) {
            lines.extend(suggestion_lines(state, f, inner_w));
        }
        if let Some(e) = &f.error {
            for l in text::wrap(e, inner_w) {
                lines.push(Line::from(Span::styled(l, theme.error())));
            }
        }
        if focused {
            focus_lines = (first, lines.len());
        }
    }
    let mut footer = vec![Line::default()];
    if form.closing.is_some() {
        for l in text::wrap(W::DiscardForm.get(lang), inner_w) {
            footer.push(Line::from(Span::styled(l, theme.warn())));
        }
    } else if form.pending {
        footer.push(Line::from(Span::styled(
            Text::Sending.get(lang),
            theme.warn(),
        )));
    } else if let Some(e) = &form.error {
        for l in text::wrap(e, inner_w) {
            footer.push(Line::from(Span::styled(l, theme.error())));
        }
    }
    let commands = form.commands(&state.ctx());
    footer.push(widgets::hints(state, form, &commands, inner_w));
    // A form taller than the terminal scrolls its fields; the footer (errors, keys) stays.
    let room = usize::from(area.height.saturating_sub(2)).saturating_sub(footer.len());
    if lines.len() > room {
        let skip = scroll_for(focus_lines, lines.len(), room);
        lines = lines.into_iter().skip(skip).take(room).collect();
    }
    lines.extend(footer);
    let height = text::cells(lines.len() + 2);
    let rect = layout::centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(Span::styled(format!(" {} ", form.title), theme.title()));
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines), layout::panel_inner(rect));
}

/// The first line to show of `total` in `room` rows so that the focused field's lines
/// (`start..end`) are on screen: the least scrolling that shows its end, but never past its start.
fn scroll_for((start, end): (usize, usize), total: usize, room: usize) -> usize {
    end.saturating_sub(room)
        .min(start)
        .min(total.saturating_sub(room))
}

/// Draws `info` with the keys of `keys` (the popup it belongs to) under it.
fn draw_info(
    state: &State,
    info: &InfoPopup,
    keys: &dyn Component,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let theme = state.theme;
    let width = 76u16.min(area.width);
    let inner_w = usize::from(width.saturating_sub(4)).max(1);
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (label, value) in &info.lines {
        lines.push(Line::from(Span::styled(format!("{label}:"), theme.label())));
        for l in text::wrap(value, inner_w) {
            lines.push(Line::from(l));
        }
    }
    lines.push(Line::default());
    let commands = keys.commands(&state.ctx());
    lines.push(widgets::hints(state, keys, &commands, inner_w));
    let height = text::cells(lines.len() + 2);
    let rect = layout::centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(Span::styled(format!(" {} ", info.title), theme.title()));
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines), layout::panel_inner(rect));
}

fn draw_help(state: &State, help: &HelpPopup, frame: &mut Frame<'_>, area: Rect) {
    let theme = state.theme;
    let lang = state.lang;
    let fit = help.layout((area.width, area.height));
    let rect = layout::centered(area, fit.size.0, fit.size.1);
    frame.render_widget(Clear, rect);
    let scroll = help.scroll.min(fit.lines.len().saturating_sub(fit.page));
    // The footer says the help scrolls only when there is more than shows.
    let footer = if fit.lines.len() > fit.page {
        format!(
            " {} · {} ",
            Text::HelpScroll.get(lang),
            Text::HelpClose.get(lang)
        )
    } else {
        format!(" {} ", Text::HelpClose.get(lang))
    };
    let block = Block::bordered()
        .title(Span::styled(format!(" {} ", help.title), theme.title()))
        .title_bottom(Span::styled(footer, theme.dim()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let lines: Vec<Line<'static>> = fit
        .lines
        .iter()
        .skip(scroll)
        .take(fit.page)
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {} ", text::pad(k, fit.keys)), theme.key()),
                Span::raw(format!(" {d}")),
            ])
        })
        .collect();
    let inner = Rect {
        y: inner.y.saturating_add(1).min(inner.bottom()),
        height: inner.height.saturating_sub(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_step(state: &State, step: &StepPopup, frame: &mut Frame<'_>, area: Rect) {
    let lang = state.lang;
    let theme = state.theme;
    let (title, field) = match step.action {
        Action::SubmitReport => (Text::ReportTitle, Some(Text::ReportField)),
        Action::Return => (Text::ReturnTitle, Some(Text::ReasonField)),
        Action::Accept => (Text::AcceptTitle, None),
    };
    let width = 74u16.min(area.width);
    let inner_w = usize::from(width.saturating_sub(4)).max(1);
    let mut lines: Vec<Line<'static>> = vec![Line::from(Span::styled(
        strings::assignment_title(lang, &step.number),
        theme.label(),
    ))];
    if let Some(a) = state.replica.assignments.get(step.assignment_id) {
        for l in text::wrap(&a.text, inner_w).into_iter().take(2) {
            lines.push(Line::from(Span::styled(l, theme.dim())));
        }
    }
    lines.push(Line::default());
    match field {
        Some(label) => {
            lines.push(Line::from(Span::styled(
                format!("{}:", label.get(lang)),
                theme.label(),
            )));
            let rows = step.input.rows(inner_w).clamp(3, TEXT_ROWS);
            // Room to write: a report is rarely one line.
            lines.extend(step.input.lines(
                text::cells(inner_w),
                text::cells(rows),
                theme.focused_field(),
            ));
            if let Some(e) = step.error.as_ref().filter(|e| e.under_field) {
                lines.push(Line::from(Span::styled(e.text.clone(), theme.error())));
            }
        }
        None => {
            for l in text::wrap(Text::AcceptQuestion.get(lang), inner_w) {
                lines.push(Line::from(l));
            }
        }
    }
    lines.push(Line::default());
    if step.closing.is_some() {
        for l in text::wrap(W::DiscardForm.get(lang), inner_w) {
            lines.push(Line::from(Span::styled(l, theme.warn())));
        }
    } else if step.pending {
        lines.push(Line::from(Span::styled(
            Text::Sending.get(lang),
            theme.warn(),
        )));
    } else if let Some(e) = step.error.as_ref().filter(|e| !e.under_field) {
        for l in text::wrap(&e.text, inner_w) {
            lines.push(Line::from(Span::styled(l, theme.error())));
        }
    }
    let commands = step.commands(&state.ctx());
    lines.push(widgets::hints(state, step, &commands, inner_w));
    let height = text::cells(lines.len() + 2);
    let rect = layout::centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(Span::styled(
        format!(" {} ", title.get(lang)),
        theme.title(),
    ));
    let inner = layout::panel_inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::scroll_for;

    #[test]
    fn a_tall_form_scrolls_just_enough_to_show_the_focused_field() {
        // Fits: no scrolling.
        assert_eq!(scroll_for((2, 4), 10, 10), 0);
        // The field ends below the room: its last line becomes the bottom one.
        assert_eq!(scroll_for((20, 22), 30, 16), 6);
        // Taller than the room: its first line shows.
        assert_eq!(scroll_for((5, 30), 40, 10), 5);
        // Never past the end.
        assert_eq!(scroll_for((28, 30), 30, 16), 14);
    }
}

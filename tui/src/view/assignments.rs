//! Drawing the assignments screen: title line, the table (only the visible rows are built), the
//! detail panel, the hints line and the status bar.

use infogroups_shared::names;
use infogroups_shared::pb;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::app::State;
use crate::features::assignments::screen::AssignmentsScreen;
use crate::features::assignments::urgency;
use crate::features::assignments::urgency::{SortBy, Urgency};
use crate::strings;
use crate::strings::Text;
use crate::strings::work::W;
use crate::ui::list::Focus;
use crate::ui::{layout, text};
use crate::view::{detail, widgets};

/// Draws the tab into the body `area`: the count line, the table and the detail panel.
pub fn draw_body(state: &State, screen: &AssignmentsScreen, frame: &mut Frame<'_>, area: Rect) {
    let (line, rest) = layout::content(area);
    let lang = state.lang;
    let order = match screen.sort {
        SortBy::Urgency => None,
        SortBy::Number => Some(W::SortNumber),
        SortBy::Deadline => Some(W::SortDeadline),
        SortBy::Executor => Some(W::SortExecutor),
    };
    let count = state.replica.loaded.then(|| {
        let shown = strings::shown_of(lang, screen.rows().len(), state.replica.assignments.len());
        match order {
            Some(o) => format!("{shown} · {}", o.get(lang)),
            None => shown,
        }
    });
    widgets::count_line(
        state,
        count,
        &screen.filter,
        screen.filtering,
        Text::MarkerLegend.get(lang),
        frame,
        line,
    );
    let (list, panel) = layout::body(rest, screen.detail_open());
    if let Some(list) = list {
        draw_table(state, screen, frame, list);
    }
    if let Some(panel) = panel {
        let a = screen
            .selected_id()
            .and_then(|id| state.replica.assignments.get(id));
        let scroll = screen.detail_scroll;
        detail::draw(
            &state.ctx(),
            state.theme,
            a.as_ref(),
            scroll,
            screen.focus == Focus::Detail,
            frame,
            panel,
        );
    }
}

/// The columns' widths for a list `width` cells wide.
fn columns(width: u16, number_w: u16, deadline_w: u16) -> Vec<u16> {
    let (status, executor) = match width {
        120.. => (28, 22),
        90..=119 => (20, 18),
        _ => (16, 15),
    };
    let constraints = [
        Constraint::Length(1),
        Constraint::Length(number_w),
        Constraint::Length(deadline_w),
        Constraint::Length(status),
        Constraint::Length(executor),
        Constraint::Fill(1),
    ];
    Layout::horizontal(constraints)
        .spacing(1)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| r.width)
        .collect()
}

fn draw_table(state: &State, screen: &AssignmentsScreen, frame: &mut Frame<'_>, area: Rect) {
    let lang = state.lang;
    let theme = state.theme;
    let page = usize::from(area.height.saturating_sub(1));
    let rows = screen.rows();
    let message = if !state.replica.loaded {
        Some(Text::Loading)
    } else if rows.is_empty() && screen.filter.text().is_empty() {
        Some(Text::NoAssignments)
    } else if rows.is_empty() {
        Some(Text::NothingFound)
    } else {
        None
    };
    if let Some(m) = message {
        let y = area.y + area.height / 2;
        if area.height > 0 {
            let line = Rect::new(area.x, y, area.width, 1);
            frame.render_widget(
                Paragraph::new(Span::styled(m.get(lang), theme.dim())).centered(),
                line,
            );
        }
        return;
    }
    // Keep the selection visible even if the terminal shrank since the last key.
    let mut offset = screen.offset.min(rows.len().saturating_sub(1));
    if screen.selected >= offset + page.max(1) {
        offset = screen.selected + 1 - page.max(1);
    }
    let visible: Vec<pb::Assignment> = rows
        .iter()
        .skip(offset)
        .take(page)
        .filter_map(|id| state.replica.assignments.get(*id))
        .collect();
    let number_w = visible
        .iter()
        .map(|a| text::width(&a.number))
        .chain([text::width(Text::ColNumber.get(lang))])
        .max()
        .unwrap_or(0)
        .min(14);
    let number_w = text::cells(number_w);
    let predicted = Text::Predicted.get(lang);
    let deadline_w = if visible.iter().any(urgency::predicted) {
        text::cells(11 + text::width(predicted))
    } else {
        10
    };
    let widths = columns(area.width, number_w, deadline_w);
    let w = |i: usize| usize::from(widths.get(i).copied().unwrap_or(0));
    let header = Row::new(
        [
            "",
            Text::ColNumber.get(lang),
            Text::ColDeadline.get(lang),
            Text::ColStatus.get(lang),
            Text::ColExecutor.get(lang),
            Text::ColText.get(lang),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, h)| Cell::from(text::truncate(h, w(i)))),
    )
    .style(theme.header());
    let today = state.today();
    let table_rows = visible.iter().enumerate().map(|(i, a)| {
        let urgency = urgency::classify(a, today, &state.calendar);
        let (marker, style) = match urgency {
            Urgency::Overdue => ("!", theme.overdue()),
            Urgency::DueSoon => ("*", theme.due_soon()),
            Urgency::Open => (" ", Style::new()),
            Urgency::Closed => (" ", theme.closed()),
        };
        let mut deadline = text::date(a.deadline.as_ref().and_then(|d| d.date.as_ref()));
        if urgency::predicted(a) {
            deadline = format!("{deadline} {predicted}");
        }
        let status = names::assignment_status(lang, urgency::status(a));
        let executor = state.replica.user_name(a.executor_id).map_or_else(
            || strings::unknown_user(lang, a.executor_id),
            str::to_string,
        );
        let text_line = a.text.replace('\n', " ");
        let cells = [
            marker.to_string(),
            a.number.clone(),
            deadline,
            status.to_string(),
            executor,
            text_line,
        ]
        .into_iter()
        .enumerate()
        .map(|(c, s)| Cell::from(text::truncate(&s, w(c))));
        let style = if offset + i == screen.selected {
            style.patch(theme.selected())
        } else {
            style
        };
        Row::new(cells).style(style)
    });
    let constraints: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w)).collect();
    let table = Table::new(table_rows, constraints)
        .header(header)
        .column_spacing(1);
    frame.render_widget(table, area);
}

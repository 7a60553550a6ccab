//! Drawing the assignments screen: title line, the table (only the visible rows are built), the
//! detail panel, the hints line and the status bar.

use infogroups_shared::names;
use infogroups_shared::pb;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
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
use crate::ui::columns::{self, Want};
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
        SortBy::Group => Some(W::SortGroup),
        SortBy::Department => Some(W::SortDepartment),
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
    let body = layout::body(rest, screen.detail_open());
    if let Some(list) = body.list
        && let Some(selected) = draw_table(state, screen, frame, list)
        && let Some(area) = body.selected
    {
        widgets::selected_lines(state, &selected, frame, area);
    }
    if let Some(panel) = body.panel {
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

/// What each column asks of the layout: marker, number, deadline, status, executor, text.
/// `longest` holds each column's widest cell (or header); the executor column says nothing when
/// every row is the same person's (an executor's own list), so it drops.
fn wants(longest: [usize; 6], same_executor: bool) -> [Want; 6] {
    let fixed = |priority: u8, w: usize| Want {
        priority,
        min: text::cells(w),
        max: text::cells(w),
        grows: false,
    };
    let executor = if same_executor { 0 } else { longest[4] };
    [
        fixed(0, 1),
        fixed(0, longest[1]),
        fixed(0, longest[2]),
        Want {
            priority: 1,
            min: text::cells(longest[3].min(10)),
            max: text::cells(longest[3]),
            grows: false,
        },
        Want {
            priority: 2,
            min: text::cells(executor.min(16)),
            max: text::cells(executor.min(24)),
            grows: false,
        },
        Want {
            priority: 0,
            min: 20,
            max: u16::MAX,
            grows: true,
        },
    ]
}

/// Draws the table; says the selected row in full (status's full name, executor, whole text).
fn draw_table(
    state: &State,
    screen: &AssignmentsScreen,
    frame: &mut Frame<'_>,
    area: Rect,
) -> Option<Vec<String>> {
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
        return None;
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
    let headers = [
        "",
        Text::ColNumber.get(lang),
        Text::ColDeadline.get(lang),
        Text::ColStatus.get(lang),
        Text::ColExecutor.get(lang),
        Text::ColText.get(lang),
    ];
    let today = state.today();
    let executor_of = |a: &pb::Assignment| {
        state.replica.user_name(a.executor_id).map_or_else(
            || strings::unknown_user(lang, a.executor_id),
            str::to_string,
        )
    };
    let longest_of = |col: usize, cell: &dyn Fn(&pb::Assignment) -> String| {
        visible
            .iter()
            .map(|a| text::width(&cell(a)))
            .chain([text::width(headers[col])])
            .max()
            .unwrap_or(0)
    };
    let short_status = |a: &pb::Assignment| strings::status::assignment(lang, urgency::status(a));
    let longest = [
        1,
        usize::from(number_w),
        usize::from(deadline_w),
        longest_of(3, &|a| short_status(a).to_string()),
        longest_of(4, &executor_of),
        0,
    ];
    let me = state.session.as_ref().map(|s| s.user_id);
    let same_executor = visible.first().is_some_and(|first| {
        (visible.len() > 1 || me == Some(first.executor_id))
            && visible.iter().all(|a| a.executor_id == first.executor_id)
    });
    let widths = columns::fit(&wants(longest, same_executor), area.width, 1);
    let w = |i: usize| usize::from(widths.get(i).copied().unwrap_or(0));
    let shown = |i: usize| w(i) > 0;
    let header = Row::new(
        headers
            .into_iter()
            .enumerate()
            .filter(|(i, _)| shown(*i))
            .map(|(i, h)| Cell::from(text::truncate(h, w(i)))),
    )
    .style(theme.header());
    let mut selected = None;
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
        let executor = executor_of(a);
        let text_line = a.text.replace('\n', " ");
        if offset + i == screen.selected {
            let mut full = vec![names::assignment_status(lang, urgency::status(a)).to_string()];
            // Who executes it, unless it is the reader: his own list needs no name.
            let mine = me == Some(a.executor_id);
            if !mine && (!shown(4) || text::width(&executor) > w(4)) {
                full.push(executor.clone());
            }
            full.push(text_line.clone());
            selected = Some(full);
        }
        let cells = [
            marker.to_string(),
            a.number.clone(),
            deadline,
            short_status(a).to_string(),
            executor,
            text_line,
        ]
        .into_iter()
        .enumerate()
        .filter(|(c, _)| shown(*c))
        .map(|(c, s)| Cell::from(text::truncate(&s, w(c))));
        let style = if offset + i == screen.selected {
            style.patch(theme.selected())
        } else {
            style
        };
        Row::new(cells).style(style)
    });
    let table_rows: Vec<Row<'_>> = table_rows.collect();
    let constraints: Vec<Constraint> = widths
        .iter()
        .filter(|w| **w > 0)
        .map(|w| Constraint::Length(*w))
        .collect();
    let table = Table::new(table_rows, constraints)
        .header(header)
        .column_spacing(1);
    frame.render_widget(table, area);
    selected
}

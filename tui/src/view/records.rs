//! Drawing a records list: the count line, the table (only visible rows are built) and the
//! detail panel.

use infogroups_shared::names::Lang;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::app::State;
use crate::features::meetings;
use crate::features::record_list::row::{Column, DetailLine, RecordRow, Tone};
use crate::features::record_list::screen::RecordsScreen;
use crate::features::record_list::source::Source;
use crate::strings;
use crate::strings::Text;
use crate::ui::columns::{self, Want};
use crate::ui::list::Focus;
use crate::ui::theme::Theme;
use crate::ui::{layout, text};
use crate::view::widgets;

/// Draws the tab into the body `area`.
pub fn draw_body(state: &State, screen: &RecordsScreen, frame: &mut Frame<'_>, area: Rect) {
    let (line, rest) = layout::content(area);
    let lang = state.lang;
    let count = state.replica.loaded.then(|| {
        let shown = strings::shown_of(lang, screen.rows().len(), screen.total());
        match group_minimum(state, screen) {
            Some(m) => format!("{shown} · {m}"),
            None => shown,
        }
    });
    widgets::count_line(
        state,
        count,
        &screen.filter,
        screen.filtering,
        if screen.source.has_deadlines() {
            Text::MarkerLegend.get(lang)
        } else {
            ""
        },
        frame,
        line,
    );
    let body = layout::body(rest, screen.detail_open());
    if let Some(list) = body.list {
        let widths = draw_table(state, screen, frame, list);
        if let (Some(area), Some(widths)) = (body.selected, widths) {
            let columns = screen.source.columns();
            if let Some(row) = screen.rows().get(screen.selected) {
                let parts = in_full(columns, &widths, row);
                widgets::selected_lines(state, &parts, frame, area);
            }
        }
    }
    if let Some(panel) = body.panel {
        draw_detail(state, screen, frame, panel);
    }
}

/// Beside a group's meetings, for its leader and secretary: this year's quarterly minimum.
fn group_minimum(state: &State, screen: &RecordsScreen) -> Option<String> {
    use infogroups_shared::pb::Role;
    if screen.source != Source::Meetings {
        return None;
    }
    let role = state.session.as_ref()?.role()?;
    let post = [Role::GroupLeader as i32, Role::GroupSecretary as i32];
    if !post.contains(&role.role) {
        return None;
    }
    let (year, states) = meetings::minimum::this_year(&state.ctx(), role.group_id)?;
    Some(strings::quarter_marks(state.lang, year, &states))
}

/// What the selected row's line says: the growing column and every value its cell does not say
/// whole (cut, dropped for room or shown in a short form).
fn in_full(columns: &[Column], widths: &[u16], row: &RecordRow) -> Vec<String> {
    columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let long = row.long.get(i)?.replace('\n', " ");
            let cell = row.cells.get(i)?;
            let width = usize::from(widths.get(i + 1).copied().unwrap_or(0));
            let dropped_as_same = width == 0 && c.same_drops;
            let whole = !c.grows && width > 0 && *cell == long && text::width(&long) <= width;
            (!long.trim().is_empty() && !dropped_as_same && !whole).then_some(long)
        })
        .collect()
}

/// The cells of the marker column and of each list column (0 for one dropped), in `width`.
fn widths(columns: &[Column], rows: &[&RecordRow], lang: Lang, width: u16) -> Vec<u16> {
    let mut wants = vec![Want {
        priority: 0,
        min: 1,
        max: 1,
        grows: false,
    }];
    wants.extend(columns.iter().enumerate().map(|(i, c)| {
        let longest = rows
            .iter()
            .filter_map(|r| r.cells.get(i))
            .map(|s| text::width(s))
            .max()
            .unwrap_or(0);
        let same = c.same_drops
            && rows.len() > 1
            && rows.iter().all(|r| r.cells.get(i) == rows[0].cells.get(i));
        let natural = text::cells(longest.max(text::width(c.title.get(lang))));
        let max = if same || longest == 0 && !c.grows {
            0
        } else {
            c.max.min(natural)
        };
        Want {
            priority: c.priority,
            min: c.min.min(max),
            max,
            grows: c.grows,
        }
    }));
    columns::fit(&wants, width, 1)
}

fn tone_style(theme: Theme, tone: Tone) -> (&'static str, Style) {
    match tone {
        Tone::Overdue => ("!", theme.overdue()),
        Tone::Soon => ("*", theme.due_soon()),
        Tone::Normal => (" ", Style::new()),
        Tone::Done => (" ", theme.closed()),
    }
}

/// Draws the table and says how wide its columns came out (none when there is nothing to list).
fn draw_table(
    state: &State,
    screen: &RecordsScreen,
    frame: &mut Frame<'_>,
    area: Rect,
) -> Option<Vec<u16>> {
    let lang = state.lang;
    let theme = state.theme;
    let page = usize::from(area.height.saturating_sub(1));
    let rows = screen.rows();
    let message = if !state.replica.loaded {
        Some(Text::Loading.get(lang))
    } else if rows.is_empty() && screen.filter.text().is_empty() {
        Some(screen.source.empty().get(lang))
    } else if rows.is_empty() {
        Some(Text::NothingFound.get(lang))
    } else {
        None
    };
    if let Some(m) = message {
        if area.height > 0 {
            let line = Rect::new(area.x, area.y + area.height / 2, area.width, 1);
            frame.render_widget(
                Paragraph::new(Span::styled(m, theme.dim())).centered(),
                line,
            );
        }
        return None;
    }
    let columns = screen.source.columns();
    let mut offset = screen.offset.min(rows.len().saturating_sub(1));
    if screen.selected >= offset + page.max(1) {
        offset = screen.selected + 1 - page.max(1);
    }
    let visible: Vec<&RecordRow> = rows.iter().skip(offset).take(page).collect();
    let widths = widths(columns, &visible, lang, area.width);
    let w = |i: usize| usize::from(widths.get(i).copied().unwrap_or(0));
    let shown = |i: usize| w(i) > 0;
    let mut header_cells = vec![Cell::from("")];
    for (i, c) in columns.iter().enumerate().filter(|(i, _)| shown(i + 1)) {
        let mut title = c.title.get(lang).to_string();
        if screen.sort == Some(i) {
            title.push_str(" ▲");
        }
        header_cells.push(Cell::from(text::truncate(&title, w(i + 1))));
    }
    let header = Row::new(header_cells).style(theme.header());
    let table_rows = visible.iter().enumerate().map(|(n, r)| {
        let i = offset + n;
        {
            let (marker, style) = tone_style(theme, r.tone);
            let mut cells = vec![Cell::from(marker)];
            cells.extend(
                r.cells
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| shown(c + 1))
                    .map(|(c, s)| Cell::from(text::truncate(&s.replace('\n', " "), w(c + 1)))),
            );
            let style = if i == screen.selected {
                style.patch(theme.selected())
            } else {
                style
            };
            Row::new(cells).style(style)
        }
    });
    let constraints: Vec<Constraint> = widths
        .iter()
        .filter(|w| **w > 0)
        .map(|w| Constraint::Length(*w))
        .collect();
    frame.render_widget(
        Table::new(table_rows, constraints)
            .header(header)
            .column_spacing(1),
        area,
    );
    Some(widths)
}

/// The detail lines wrapped to `width`.
pub fn detail_lines(lines: Vec<DetailLine>, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width).max(10);
    let mut out = Vec::new();
    for l in lines {
        match l {
            DetailLine::Heading(t) => {
                for w in text::wrap(&t, width) {
                    out.push(Line::from(Span::styled(w, theme.title())));
                }
            }
            DetailLine::Field(k, v) => {
                let label = format!("{k}: ");
                let room = width.saturating_sub(text::width(&label)).max(10);
                for (i, w) in text::wrap(&v, room).into_iter().enumerate() {
                    let lead = if i == 0 {
                        label.clone()
                    } else {
                        " ".repeat(text::width(&label))
                    };
                    out.push(Line::from(vec![
                        Span::styled(lead, theme.label()),
                        Span::raw(w),
                    ]));
                }
            }
            DetailLine::Text(t) => {
                for para in t.split('\n') {
                    for w in text::wrap(para, width) {
                        out.push(Line::from(w));
                    }
                }
            }
            DetailLine::Warning(t) => {
                for w in text::wrap(&format!("! {t}"), width) {
                    out.push(Line::from(Span::styled(w, theme.overdue())));
                }
            }
            DetailLine::Blank => out.push(Line::default()),
        }
    }
    out
}

fn draw_detail(state: &State, screen: &RecordsScreen, frame: &mut Frame<'_>, area: Rect) {
    let theme = state.theme;
    let border = if screen.focus == Focus::Detail {
        theme.title()
    } else {
        theme.dim()
    };
    frame.render_widget(Block::bordered().border_style(border), area);
    let inner = layout::panel_inner(area);
    let Some(id) = screen.selected_id() else {
        return;
    };
    let all = detail_lines(screen.source.detail(id, &state.ctx()), theme, inner.width);
    let scroll = screen
        .detail_scroll
        .min(all.len().saturating_sub(usize::from(inner.height)));
    let shown: Vec<Line<'static>> = all
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

//! Drawing a report tab: the parameters line, then the figures — a table with a bar for each row,
//! the dashboard's tiles, or the quarterly-minimum grid.

use infogroups_shared::names::Lang;
use infogroups_shared::{pb, validate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::app::State;
use crate::features::reports::screen::{ReportData, ReportScreen};
use crate::msg::call::ReportKind;
use crate::strings;
use crate::strings::Text;
use crate::strings::work::W;
use crate::ui::text;
use crate::ui::theme::Theme;

/// Draws the tab into the body `area`.
pub fn draw_body(state: &State, screen: &ReportScreen, frame: &mut Frame<'_>, area: Rect) {
    if area.height == 0 {
        return;
    }
    let lang = state.lang;
    let theme = state.theme;
    let line = Rect { height: 1, ..area };
    let rest = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    // The dashboard's period is the server's: the figures say which days they count.
    let about = match &screen.data {
        Some(ReportData::Dashboard(d)) => dashboard_period(d, lang),
        _ => screen.params.describe(screen.kind, lang, state.today()),
    };
    let mut spans = vec![Span::styled(format!(" {about} "), theme.label())];
    if screen.loading {
        spans.push(Span::styled(W::Computing.get(lang), theme.warn()));
    } else if let Some(e) = &screen.error {
        spans.push(Span::styled(e.message(lang, &state.server), theme.error()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), line);
    match &screen.data {
        Some(ReportData::Table(t)) => {
            // Bars compare rows of one measure; the groups' report and the year-on-year analysis
            // compare columns instead.
            let bars = screen.kind == ReportKind::Aggregates;
            draw_table(
                state,
                t,
                (screen.scroll, screen.first_column),
                bars,
                frame,
                rest,
            );
        }
        Some(ReportData::Dashboard(d)) => draw_dashboard(state, d, screen.scroll, frame, rest),
        Some(ReportData::Quarterly(q)) => draw_quarterly(state, q, screen.scroll, frame, rest),
        Some(ReportData::Calendar(c)) => {
            let t = crate::features::reports::requests::calendar_table(c, lang);
            draw_table(state, &t, (screen.scroll, 0), false, frame, rest);
        }
        None if !screen.loading && screen.error.is_none() => {
            let msg = Rect::new(
                rest.x,
                rest.y + rest.height / 2,
                rest.width,
                1.min(rest.height),
            );
            frame.render_widget(
                Paragraph::new(Span::styled(Text::Loading.get(lang), theme.dim())).centered(),
                msg,
            );
        }
        None => {}
    }
}

/// A bar of `value` against `max` in `cells` cells, with eighths for the last one.
pub fn bar(value: f64, max: f64, cells: usize) -> String {
    if max <= 0.0 || value <= 0.0 || cells == 0 {
        return String::new();
    }
    const PARTS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let eighths = ((value / max).min(1.0) * (cells * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8 - 1]);
    }
    if s.is_empty() {
        s.push('▏');
    }
    s
}

/// Draws `t`, with `bars` a bar of its first figure on every row; columns that do not fit are
/// left out from the right (the export has them all).
/// Draws `t` from row `scroll` and figure column `first` (the label column always shows); a
/// column cut off on the right is marked «▶», one scrolled past on the left «◀».
fn draw_table(
    state: &State,
    t: &pb::Table,
    (scroll, first): (usize, usize),
    bars: bool,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let theme = state.theme;
    if t.columns.is_empty() || area.height == 0 {
        return;
    }
    let cell = |r: &pb::Row, i: usize| r.cells.get(i).cloned().unwrap_or_default();
    let all_rows: Vec<&pb::Row> = t.rows.iter().chain(t.totals.as_ref()).collect();
    let col_w = |i: usize| -> usize {
        all_rows
            .iter()
            .map(|r| text::width(&cell(r, i)))
            .chain([text::width(&t.columns[i])])
            .max()
            .unwrap_or(1)
    };
    let width = usize::from(area.width);
    let first = first.min(t.columns.len().saturating_sub(2));
    let figure_w = |i: usize| -> usize {
        all_rows
            .iter()
            .map(|r| text::width(&cell(r, i)))
            .max()
            .unwrap_or(1)
    };
    let reserve = if bars { 11 } else { 0 };
    // Figures and their headers whole: a header on one line if every column fits so, else on
    // two lines, each column as narrow as its figures and its header in two lines allow.
    // A text column (a decree's title) is cut at 24 cells; figures are never that wide.
    let one_line: Vec<usize> = (0..t.columns.len())
        .map(|i| col_w(i).clamp(4, 24))
        .collect();
    let two_lines: Vec<usize> = (0..t.columns.len())
        .map(|i| two_line_width(&t.columns[i], figure_w(i).min(24)).clamp(4, 24))
        .collect();
    // Room for «◀ » before the label header when columns are scrolled past.
    let label_natural = col_w(0) + if first > 0 { 2 } else { 0 };
    let figures = |w: &[usize]| -> usize { w.iter().skip(1 + first).map(|w| w + 1).sum() };
    let header_lines = if label_natural + figures(&one_line) + reserve <= width.saturating_sub(2) {
        1
    } else {
        2
    };
    let fig_widths = if header_lines == 1 {
        one_line
    } else {
        two_lines
    };
    // The label (a territory's, a topic's name) keeps its whole name when the room allows.
    let label_room = width.saturating_sub(2 + figures(&fig_widths) + reserve);
    let first_w = label_natural.min(label_room.max(34)).max(8);
    // (column index, width) of what is shown.
    let mut shown = vec![(0, first_w)];
    let mut used = first_w;
    for (i, w) in fig_widths.iter().enumerate().skip(1 + first) {
        if used + 1 + w + reserve > width.saturating_sub(2) {
            break;
        }
        shown.push((i, *w));
        used += 1 + w;
    }
    let cut_right = shown.last().is_some_and(|(i, _)| i + 1 < t.columns.len());
    // Room the bars can spare (they keep ten cells) widens text columns towards their whole
    // cells; what is still too long wraps below.
    let mut spare = width.saturating_sub(2 + used + reserve);
    for (i, w) in shown.iter_mut().skip(1) {
        let more = figure_w(*i).saturating_sub(*w).min(spare);
        *w += more;
        used += more;
        spare -= more;
    }
    let widths: Vec<usize> = shown.iter().map(|(_, w)| *w).collect();
    let bar_w = if bars {
        width.saturating_sub(used + 1)
    } else {
        0
    };
    // Values line up with the cells; the first cell is the row's label.
    let value = |r: &pb::Row| r.values.get(1).copied().unwrap_or(0.0);
    let values: Vec<f64> = t.rows.iter().map(value).collect();
    let max = values.iter().copied().fold(0.0, f64::max);
    let mut header: Vec<Cell> = shown
        .iter()
        .map(|(i, w)| {
            let name = if *i == 0 && first > 0 {
                format!("◀ {}", t.columns[0])
            } else {
                t.columns[*i].clone()
            };
            let lines: Vec<Line<'static>> = if *i == 0 {
                vec![Line::from(text::truncate(&name, *w))]
            } else {
                text::wrap(&name, *w)
                    .into_iter()
                    .take(header_lines)
                    .map(|l| Line::from(text::truncate(&l, *w)))
                    .collect()
            };
            Cell::from(ratatui::text::Text::from(lines))
        })
        .collect();
    header.push(Cell::from(if cut_right { "▶" } else { "" }));
    let page = usize::from(area.height.saturating_sub(1 + text::cells(header_lines)));
    let scroll = scroll.min(t.rows.len().saturating_sub(page.max(1)));
    let mut rows: Vec<Row> = t
        .rows
        .iter()
        .skip(scroll)
        .take(page)
        .map(|r| {
            let mut height = 1;
            let mut cells: Vec<Cell> = shown
                .iter()
                .map(|(i, w)| {
                    let c = cell(r, *i);
                    if *i == 0 || text::width(&c) <= *w {
                        return Cell::from(text::truncate(&c, *w));
                    }
                    // A name in a text column (a topic's) wraps rather than losing its end.
                    let lines = wrapped(&c, *w, WRAP_LINES);
                    height = height.max(lines.len());
                    Cell::from(ratatui::text::Text::from(
                        lines.into_iter().map(Line::from).collect::<Vec<_>>(),
                    ))
                })
                .collect();
            cells.push(Cell::from(Span::styled(
                bar(value(r), max, bar_w),
                theme.title(),
            )));
            Row::new(cells).height(text::cells(height))
        })
        .collect();
    if let Some(total) = &t.totals {
        let cells: Vec<Cell> = shown
            .iter()
            .map(|(i, w)| Cell::from(text::truncate(&cell(total, *i), *w)))
            .collect();
        rows.push(Row::new(cells).style(theme.header()));
    }
    let mut constraints: Vec<Constraint> = widths
        .iter()
        .map(|w| Constraint::Length(u16::try_from(*w).unwrap_or(u16::MAX)))
        .collect();
    constraints.push(Constraint::Fill(1));
    frame.render_widget(
        Table::new(rows, constraints)
            .header(
                Row::new(header)
                    .height(text::cells(header_lines))
                    .style(theme.header()),
            )
            .column_spacing(1),
        area,
    );
}

/// The most lines a text cell of a report wraps onto.
const WRAP_LINES: usize = 3;

/// `s` wrapped to `w` cells on at most `most` lines, the last cut with «…» if it runs over.
fn wrapped(s: &str, w: usize, most: usize) -> Vec<String> {
    let mut lines = text::wrap(s, w);
    if lines.len() > most {
        let rest = lines.split_off(most - 1).join(" ");
        lines.push(text::truncate(&rest, w));
    }
    lines
}

/// The narrowest a figure column can be with its figures whole and its header on two lines.
fn two_line_width(header: &str, figures: usize) -> usize {
    let longest_word = header.split(' ').map(text::width).max().unwrap_or(0);
    let whole = text::width(header);
    (figures.max(longest_word)..whole)
        .find(|w| text::wrap(header, *w).len() <= 2)
        .unwrap_or(whole)
        .max(figures)
}

/// The period a dashboard's figures count, as the server sent it (empty from an older server).
fn dashboard_period(d: &pb::DashboardResponse, lang: Lang) -> String {
    let day = |x: Option<&pb::Date>| x.and_then(validate::to_naive);
    let period = d.period.as_ref();
    match (
        day(period.and_then(|p| p.from.as_ref())),
        day(period.and_then(|p| p.to.as_ref())),
        day(d.as_of.as_ref()),
    ) {
        (Some(from), Some(to), Some(as_of)) => strings::dashboard_period(lang, from, to, as_of),
        _ => String::new(),
    }
}

fn draw_dashboard(
    state: &State,
    d: &pb::DashboardResponse,
    scroll: usize,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let lang = state.lang;
    let theme = state.theme;
    let bold = theme.label();
    let warn = |n: u32| if n > 0 { theme.overdue() } else { Style::new() };
    let lines = vec![
        Line::from(vec![
            Span::styled(format!(" {:<14}", W::DashMeetings.get(lang)), bold),
            Span::raw(format!(
                "{} {}   {} {}",
                W::DashHeld.get(lang),
                d.meetings_held,
                W::DashPlanned.get(lang),
                d.meetings_planned
            )),
            Span::styled(
                format!("   {} {}", W::DashProtocolsLate.get(lang), d.protocols_late),
                warn(d.protocols_late),
            ),
        ]),
        Line::from(vec![
            Span::styled(format!(" {:<14}", W::DashAppeals.get(lang)), bold),
            Span::raw(format!("{} {}   ", W::DashOpen.get(lang), d.appeals_open)),
            Span::styled(
                format!("{} {}", W::DashOverdue.get(lang), d.appeals_overdue),
                warn(d.appeals_overdue),
            ),
        ]),
        Line::from(vec![
            Span::styled(format!(" {:<14}", W::DashAssignments.get(lang)), bold),
            Span::raw(format!(
                "{} {}   ",
                W::DashInWork.get(lang),
                d.assignments_open
            )),
            Span::styled(
                format!("{} {}", W::DashOverdue.get(lang), d.assignments_overdue),
                warn(d.assignments_overdue),
            ),
            Span::raw(format!(
                "   {} {:.0}%",
                W::DashOnTime.get(lang),
                d.on_time_share * 100.0
            )),
        ]),
        Line::default(),
        Line::from(Span::styled(
            format!(" {}", W::DashTopProblems.get(lang)),
            theme.title(),
        )),
    ];
    let head = u16::try_from(lines.len()).unwrap_or(0).min(area.height);
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: head,
            ..area
        },
    );
    if let Some(t) = &d.top_problems {
        let rest = Rect {
            y: area.y + head,
            height: area.height - head,
            ..area
        };
        draw_table(state, t, (scroll, 0), true, frame, rest);
    }
}

fn quarter_mark(theme: Theme, state: pb::QuarterState) -> (&'static str, Style) {
    match state {
        pb::QuarterState::Met => ("✓", theme.ok()),
        pb::QuarterState::AtRisk => ("!", theme.due_soon()),
        pb::QuarterState::Missed => ("×", theme.overdue()),
        pb::QuarterState::Open | pb::QuarterState::Unspecified => ("·", theme.dim()),
        // The group did not exist yet: nothing was due.
        pb::QuarterState::NotFormed => (" ", theme.dim()),
    }
}

fn draw_quarterly(
    state: &State,
    q: &pb::QuarterlyMinimumResponse,
    scroll: usize,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let lang = state.lang;
    let theme = state.theme;
    let mut groups: Vec<u64> = q.cells.iter().map(|c| c.group_id).collect();
    groups.sort_by_key(|g| state.replica.group_number(*g).unwrap_or(u32::MAX));
    groups.dedup();
    let header = Row::new(
        [W::ColGroup.get(lang).to_string()]
            .into_iter()
            .chain((1..=4).map(|n| format!("{n} {}", W::QuarterShort.get(lang)))),
    )
    .style(theme.header());
    let rows = groups.iter().skip(scroll).map(|g| {
        let mut cells = vec![Cell::from(crate::features::record_list::row::group(
            &state.ctx(),
            *g,
        ))];
        for quarter in 1..=4 {
            let cell = q
                .cells
                .iter()
                .find(|c| c.group_id == *g && c.quarter == quarter);
            let (mark, style) = quarter_mark(
                theme,
                cell.map_or(pb::QuarterState::Unspecified, |c| {
                    pb::QuarterState::try_from(c.state).unwrap_or_default()
                }),
            );
            let held = cell.map_or(0, |c| c.held);
            cells.push(Cell::from(Span::styled(format!("{mark} {held}"), style)));
        }
        Row::new(cells)
    });
    let constraints = [
        Constraint::Length(14),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(10),
    ];
    let table_h = area.height.saturating_sub(2);
    frame.render_widget(
        Table::new(rows, constraints)
            .header(header)
            .column_spacing(1),
        Rect {
            height: table_h,
            ..area
        },
    );
    if area.height >= 2 {
        let legend = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(" {}", W::QuarterLegend.get(lang)),
                theme.dim(),
            )),
            legend,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_wraps_onto_two_lines_no_narrower_than_its_figures() {
        assert_eq!(two_line_width("Ответ в срок, %", 4), 7);
        assert_eq!(two_line_width("Вопросов", 3), 8);
        assert_eq!(two_line_width("%", 5), 5);
    }

    #[test]
    fn a_long_name_wraps_onto_at_most_three_lines() {
        let name = "0005.0005.0056.1156 Перебои в водоснабжении и водоотведении (12)";
        let lines = wrapped(name, 24, 3);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines.join(" "), name);
        assert_eq!(wrapped(name, 10, 3).len(), 3);
        assert!(wrapped(name, 10, 3)[2].ends_with('…'));
    }

    #[test]
    fn bars_scale_to_the_largest_value_in_eighths() {
        assert_eq!(bar(10.0, 10.0, 4), "████");
        assert_eq!(bar(5.0, 10.0, 4), "██");
        assert_eq!(bar(1.0, 16.0, 2), "▏");
        assert_eq!(bar(0.0, 10.0, 4), "");
        assert_eq!(bar(3.0, 0.0, 4), "");
    }
}

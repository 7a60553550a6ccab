//! Where things go on the screen, as pure functions of the terminal's size — shared by drawing
//! and by `update` (which needs the page height for PgUp/PgDn and the panel width for scrolling).

use ratatui::layout::{Constraint, Layout, Margin, Rect};

/// From this many columns on, the detail panel stands beside the list.
pub const WIDE: u16 = 140;

/// The parts of the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Main {
    /// The title line.
    pub title: Rect,
    /// The list and the detail panel.
    pub body: Rect,
    /// Keys for what can be done now, or a flash message.
    pub hints: Rect,
    /// The status bar.
    pub status: Rect,
}

/// Splits the terminal.
pub fn main(area: Rect) -> Main {
    let [title, body, hints, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Main {
        title,
        body,
        hints,
        status,
    }
}

/// A tab's body: one line for the count, filter and legend, then the list and its panel.
pub fn content(body: Rect) -> (Rect, Rect) {
    let [line, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
    (line, rest)
}

/// Lines under a list on a narrow terminal that say the selected row in full (when the list
/// keeps at least seven rows besides).
pub const SELECTED_LINES: u16 = 2;

/// The parts of a tab's body below its count line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Body {
    /// The list, unless the detail covers it.
    pub list: Option<Rect>,
    /// Under the list on a narrow terminal: the selected row in full.
    pub selected: Option<Rect>,
    /// The detail panel: beside the list on a wide terminal, otherwise over it when open.
    pub panel: Option<Rect>,
}

/// The list and the detail panel within the body: side by side on a wide terminal, otherwise
/// the detail (when open) takes the whole body and the list keeps lines for its selected row.
pub fn body(body: Rect, detail_open: bool) -> Body {
    if body.width >= WIDE {
        let detail = (body.width * 2 / 5).max(50);
        let [list, panel] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(detail)]).areas(body);
        Body {
            list: Some(list),
            selected: None,
            panel: Some(panel),
        }
    } else if detail_open {
        Body {
            list: None,
            selected: None,
            panel: Some(body),
        }
    } else if body.height < SELECTED_LINES + 8 {
        // A very short terminal keeps its lines for the rows.
        Body {
            list: Some(body),
            selected: None,
            panel: None,
        }
    } else {
        let [list, selected] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(SELECTED_LINES)]).areas(body);
        Body {
            list: Some(list),
            selected: Some(selected),
            panel: None,
        }
    }
}

fn screen(size: (u16, u16)) -> Rect {
    Rect::new(0, 0, size.0, size.1)
}

/// Rows of the list that fit on one page (below its header).
pub fn list_page(size: (u16, u16)) -> usize {
    body(content(main(screen(size)).body).1, false)
        .list
        .map_or(0, |l| usize::from(l.height.saturating_sub(1)))
}

/// Rows of a report's table that fit on one page (below its title line and header).
pub fn report_page(size: (u16, u16)) -> usize {
    usize::from(content(main(screen(size)).body).1.height.saturating_sub(2)).max(1)
}

/// The inside of the detail panel's frame, if the panel is shown.
pub fn detail_inner(size: (u16, u16), detail_open: bool) -> Option<Rect> {
    body(content(main(screen(size)).body).1, detail_open)
        .panel
        .map(panel_inner)
}

/// The inside of a bordered panel, with a column of air on each side.
pub fn panel_inner(area: Rect) -> Rect {
    area.inner(Margin::new(2, 1))
}

/// Where a form may go over the screen `area`: everything above the hints and status lines,
/// which stay visible (a warning shown there is never hidden behind a form).
pub fn form_area(area: Rect) -> Rect {
    let m = main(area);
    Rect {
        height: area.height.saturating_sub(m.hints.height + m.status.height),
        ..area
    }
}

/// A rectangle of at most `width` × `height`, centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

//! Drawing the view log: a line with the page and the filters in force, then who saw which
//! record when, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::app::State;
use crate::features::view_log::screen::{ViewLogScreen, record_name};
use crate::strings::Text;
use crate::ui::columns::{self, Want};
use crate::ui::{layout, text};

/// The columns' widest: when, who; which record takes the rest.
const WHEN: u16 = 16;
const WHO: u16 = 28;

/// Draws the tab into the body `area`.
pub fn draw_body(state: &State, screen: &ViewLogScreen, frame: &mut Frame<'_>, area: Rect) {
    let (line, rest) = layout::content(area);
    draw_line(state, screen, frame, line);
    let theme = state.theme;
    let lang = state.lang;
    let ctx = state.ctx();
    let rows = screen.rows(&ctx);
    if rows.is_empty() {
        let message = if !screen.loaded {
            (screen.error.is_none()).then(|| Text::Loading.get(lang))
        } else {
            Some(lang.pick(
                "просмотров персональных данных не записано",
                "no views of personal data recorded",
            ))
        };
        if let Some(m) = message
            && rest.height > 0
        {
            let at = Rect::new(rest.x, rest.y + rest.height / 2, rest.width, 1);
            frame.render_widget(Paragraph::new(Span::styled(m, theme.dim())).centered(), at);
        }
        return;
    }
    // A name needs no more than the longest one listed.
    let who = rows
        .iter()
        .map(|r| text::width(&r.who))
        .max()
        .map_or(WHO, |w| text::cells(w.max(3)).min(WHO));
    let fixed = |priority: u8, min: u16, max: u16| Want {
        priority,
        min,
        max,
        grows: false,
    };
    let widths = columns::fit(
        &[
            fixed(0, WHEN, WHEN),
            fixed(1, who.min(12), who),
            Want {
                priority: 0,
                min: 20,
                max: u16::MAX,
                grows: true,
            },
        ],
        rest.width,
        1,
    );
    let w = |i: usize| usize::from(widths.get(i).copied().unwrap_or(0));
    let header = Row::new(
        [
            lang.pick("Когда", "When"),
            lang.pick("Кто", "Who"),
            lang.pick("Какая запись", "Which record"),
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| Cell::from(text::truncate(h, w(i)))),
    )
    .style(theme.header());
    let page = usize::from(rest.height.saturating_sub(1));
    let mut offset = screen.offset.min(rows.len().saturating_sub(1));
    if screen.selected >= offset + page.max(1) {
        offset = screen.selected + 1 - page.max(1);
    }
    let body = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(page)
        .map(|(i, r)| {
            let row = Row::new([
                Cell::from(text::truncate(&r.when, w(0))),
                Cell::from(text::truncate(&r.who, w(1))),
                Cell::from(text::truncate(&r.record, w(2))),
            ]);
            if i == screen.selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let constraints: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w)).collect();
    frame.render_widget(
        Table::new(body, constraints)
            .header(header)
            .column_spacing(1),
        rest,
    );
}

/// "Страница 2 · только: Петров Н. П. · запись: Обращение ИГ-2026-00042", then what is under way.
fn draw_line(state: &State, screen: &ViewLogScreen, frame: &mut Frame<'_>, area: Rect) {
    let lang = state.lang;
    let theme = state.theme;
    let ctx = state.ctx();
    let mut parts = vec![format!(
        "{} {}",
        lang.pick("Страница", "Page"),
        screen.page_number()
    )];
    if let Some(p) = screen.person {
        parts.push(format!(
            "{}: {}",
            lang.pick("кто", "who"),
            crate::features::record_list::row::person(&ctx, p)
        ));
    }
    if let Some(r) = &screen.record {
        parts.push(format!(
            "{}: {}",
            lang.pick("запись", "record"),
            record_name(lang, &r.kind, r.id, &r.label)
        ));
    }
    let mut spans = vec![Span::styled(
        format!(" {} ", parts.join(" · ")),
        theme.label(),
    )];
    if screen.loading {
        spans.push(Span::styled(Text::Loading.get(lang), theme.dim()));
    } else if let Some(e) = &screen.error {
        spans.push(Span::styled(e.message(lang, &state.server), theme.error()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

//! The detail panel of one assignment: its frame and the lines `features::assignments::detail`
//! builds, scrolled. It reads what the screens read (the context), not the app's state.

use infogroups_shared::pb;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::features::assignments::detail as assignment_detail;
use crate::strings;
use crate::ui::theme::Theme;
use crate::ui::{Ctx, layout};

/// Draws the panel for `a` (or an empty frame) into `area`.
pub fn draw(
    ctx: &Ctx<'_>,
    theme: Theme,
    a: Option<&pb::Assignment>,
    scroll: usize,
    focused: bool,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let title = a.map_or_else(String::new, |a| {
        format!(" {} ", strings::assignment_title(ctx.lang, &a.number))
    });
    let border = if focused { theme.title() } else { theme.dim() };
    let block = Block::bordered()
        .border_style(border)
        .title(Span::styled(title, theme.title()));
    let inner = layout::panel_inner(area);
    frame.render_widget(block, area);
    let Some(a) = a else {
        return;
    };
    let all = assignment_detail::lines(a, ctx, theme, inner.width);
    let scroll = scroll.min(all.len().saturating_sub(usize::from(inner.height)));
    let shown: Vec<Line<'static>> = all
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

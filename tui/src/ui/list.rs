//! What every list screen shares: the page height, keeping the selection in view, and the keys
//! and their words while the filter field has the focus.

use infogroups_shared::names::Lang;

use crate::keymap::Command;
use crate::strings;
use crate::strings::Text;
use crate::ui::{Ctx, layout};

/// Where the keys go on a list screen with a detail panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The list: arrows move the selection.
    List,
    /// The detail panel: arrows scroll it.
    Detail,
}

/// Rows of a list on one page at the terminal's size (at least one).
pub fn page(ctx: &Ctx<'_>) -> usize {
    layout::list_page(ctx.size).max(1)
}

/// A page as a scroll distance.
pub fn page_delta(page: usize) -> isize {
    isize::try_from(page).unwrap_or(isize::MAX / 2)
}

/// The first row to draw so that `selected` is on the page that starts near `offset`.
pub fn offset_for(selected: usize, offset: usize, rows: usize, page: usize) -> usize {
    let offset = if selected < offset {
        selected
    } else if selected >= offset + page {
        selected + 1 - page
    } else {
        offset
    };
    offset.min(rows.saturating_sub(1))
}

/// The keys a list answers while its filter field has the focus.
pub fn filter_commands() -> Vec<Command> {
    use Command as C;
    vec![
        C::Submit,
        C::Cancel,
        C::Up,
        C::Down,
        C::PageUp,
        C::PageDown,
        C::Help,
        C::Quit,
    ]
}

/// What a list's command does, for the help (Enter and Esc act on the filter).
pub fn describe(command: Command, lang: Lang) -> &'static str {
    match command {
        Command::Submit => Text::ApplyFilter.get(lang),
        Command::Cancel => Text::ClearFilter.get(lang),
        other => strings::command(lang, other),
    }
}

/// A list's command in the hints line.
pub fn label(command: Command, lang: Lang) -> &'static str {
    match command {
        Command::Submit => Text::Apply.get(lang),
        Command::Cancel => Text::Clear.get(lang),
        other => strings::command_short(lang, other),
    }
}

#[cfg(test)]
mod tests {
    use super::offset_for;

    #[test]
    fn the_selection_stays_on_the_page() {
        assert_eq!(offset_for(3, 5, 100, 10), 3);
        assert_eq!(offset_for(20, 5, 100, 10), 11);
        assert_eq!(offset_for(7, 5, 100, 10), 5);
        assert_eq!(offset_for(0, 50, 10, 10), 0);
    }
}

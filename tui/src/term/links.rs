//! A link on the drawn frame: finding where the popup's link stands and marking it there with the
//! OSC 8 escape (see [`crate::ui::escapes`]), so terminals that know it make it clickable.

use std::io::Write;

use ratatui::buffer::Buffer;

use crate::app::State;
use crate::ui::escapes::osc8;
use crate::ui::popup::Popup;

/// Where `text` stands whole on one row of the drawn frame: its first cell's column and row.
pub fn find_in(buffer: &Buffer, text: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    let wanted: Vec<String> = text.chars().map(String::from).collect();
    let width = u16::try_from(wanted.len()).ok()?;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right().saturating_sub(width.saturating_sub(1)) {
            let here = (0..width).all(|i| {
                buffer
                    .cell((x + i, y))
                    .is_some_and(|c| c.symbol() == wanted[usize::from(i)])
            });
            if here {
                return Some((x, y));
            }
        }
    }
    None
}

/// The link of the popup on top, if it is a download link.
pub fn shown_link(state: &State) -> Option<&str> {
    match state.popups.last() {
        Some(Popup::Link(l)) => Some(&l.url),
        _ => None,
    }
}

/// Writes `url` again over where the frame drew it, this time as an OSC 8 hyperlink: the same
/// characters in the same cells, so the frame is unchanged and the terminal can open it.
pub fn mark_link(out: &mut impl Write, at: (u16, u16), url: &str) -> std::io::Result<()> {
    let Some(link) = osc8(url, url) else {
        return Ok(());
    };
    crossterm::queue!(out, crossterm::cursor::MoveTo(at.0, at.1))?;
    out.write_all(link.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_found_where_it_was_drawn() {
        let mut buffer = Buffer::empty(ratatui::layout::Rect::new(0, 0, 20, 3));
        buffer.set_string(3, 1, "https://h/d/1", ratatui::style::Style::default());
        assert_eq!(find_in(&buffer, "https://h/d/1"), Some((3, 1)));
        assert_eq!(find_in(&buffer, "https://h/d/2"), None);
        let mut out = Vec::new();
        mark_link(&mut out, (3, 1), "https://h/d/1").expect("written to memory");
        let written = String::from_utf8_lossy(&out);
        assert!(written.ends_with("\x1b]8;;https://h/d/1\x1b\\https://h/d/1\x1b]8;;\x1b\\"));
    }
}

//! Terminal escapes for a link: OSC 8 makes text a clickable hyperlink in terminals that know it
//! (others show the text alone), OSC 52 puts text on the clipboard of the machine the terminal
//! runs on — over SSH that is the person's own computer, not the server host.

use std::io::Write;

use ratatui::buffer::Buffer;

use crate::app::State;
use crate::ui::popup::Popup;

/// `text` as a hyperlink to `url`; none when `url` holds a control character, which would end
/// the escape early and let the rest reach the terminal as commands.
pub fn osc8(url: &str, text: &str) -> Option<String> {
    if url.chars().any(char::is_control) {
        return None;
    }
    Some(format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\"))
}

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

/// Asks the terminal to copy `text` to the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Standard base64 with padding (RFC 4648), which OSC 52 carries.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_like_the_rfc() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

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

    #[test]
    fn a_link_is_wrapped_and_copied() {
        let url = "https://ig.example.org:8443/d/0123";
        assert_eq!(
            osc8(url, "link").as_deref(),
            Some("\x1b]8;;https://ig.example.org:8443/d/0123\x1b\\link\x1b]8;;\x1b\\")
        );
        assert_eq!(osc8("https://x/\x1b]0;owned\x07", "x"), None);
        assert_eq!(osc52("ab"), "\x1b]52;c;YWI=\x07");
    }
}

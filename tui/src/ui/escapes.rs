//! Terminal escapes for a link: OSC 8 makes text a clickable hyperlink in terminals that know it
//! (others show the text alone), OSC 52 puts text on the clipboard of the machine the terminal
//! runs on — over SSH that is the person's own computer, not the server host. Pure strings.

/// `text` as a hyperlink to `url`; none when `url` holds a control character, which would end
/// the escape early and let the rest reach the terminal as commands.
pub fn osc8(url: &str, text: &str) -> Option<String> {
    if url.chars().any(char::is_control) {
        return None;
    }
    Some(format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\"))
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

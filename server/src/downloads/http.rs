//! The HTTP side of a download, as pure functions: which token a path names, the file's type
//! and the `Content-Disposition` that makes a browser save it under its own name.

use super::PATH_PREFIX;

/// The token of a `/d/<token>` path; none for any other path or a token of the wrong shape.
pub fn token_of(path: &str) -> Option<&str> {
    let t = path.strip_prefix(PATH_PREFIX)?;
    (t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())).then_some(t)
}

/// The media type of a file by its extension.
pub fn content_type(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `attachment` with the name twice: an ASCII fallback for old browsers and the UTF-8 name
/// (RFC 6266, RFC 5987) that every current browser prefers — a protocol's name is Cyrillic.
pub fn content_disposition(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_token_is_looked_up() {
        let t = "0123456789abcdef0123456789ABCDEF";
        assert_eq!(token_of(&format!("/d/{t}")), Some(t));
        assert_eq!(token_of("/d/short"), None);
        assert_eq!(token_of(&format!("/x/{t}")), None);
        assert_eq!(token_of("/d/0123456789abcdef0123456789abcdeg"), None);
    }

    #[test]
    fn a_cyrillic_name_is_kept_for_the_browser() {
        assert_eq!(
            content_disposition("Протокол 1.pdf"),
            "attachment; filename=\"_________1.pdf\"; \
             filename*=UTF-8''%D0%9F%D1%80%D0%BE%D1%82%D0%BE%D0%BA%D0%BE%D0%BB%201.pdf"
        );
        assert_eq!(content_type("a.PDF"), "application/pdf");
        assert_eq!(
            content_type("meeting-3.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}

//! What a remote terminal types, as bytes on the SSH channel, turned into the key, paste and
//! resize events the client's loop reads from a local terminal. Covers what people press: text
//! in UTF-8, Enter, Tab, Shift-Tab, Backspace, Esc, the arrows, Home/End/PgUp/PgDn/Ins/Del,
//! F1–F12 (xterm, VT220 and Linux console forms), Ctrl+letter, Alt+key, and bracketed paste.
//!
//! A lone Esc and the start of an escape sequence look alike; a sequence arrives whole in one
//! SSH packet, so an Esc at a packet's end is the Esc key. A paste may span many packets and is
//! collected until its end marker.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

const ESC: u8 = 0x1b;
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";
/// The most of one paste that is kept: far more than any field takes, and a bound on what one
/// signed-in person can make the server hold.
pub const MAX_PASTE: usize = 1 << 20;

/// Turns the channel's bytes into events, keeping an unfinished paste or sequence between
/// packets.
#[derive(Debug, Default)]
pub struct InputParser {
    pending: Vec<u8>,
    paste: Option<Vec<u8>>,
}

/// How one step of parsing ended.
enum Step {
    /// This many bytes made this event (or none, for bytes that mean nothing).
    Done(usize, Option<Event>),
    /// A sequence is cut short: wait for more bytes.
    More,
}

impl InputParser {
    /// The events in one packet of input.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut buf = std::mem::take(&mut self.pending);
        buf.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut at = 0;
        while at < buf.len() {
            if let Some(paste) = &mut self.paste {
                match find(&buf[at..], PASTE_END) {
                    Some(end) => {
                        keep_within(paste, &buf[at..at + end]);
                        let text = String::from_utf8_lossy(paste).replace("\r\n", "\n");
                        events.push(Event::Paste(text.replace('\r', "\n")));
                        self.paste = None;
                        at += end + PASTE_END.len();
                    }
                    None => {
                        // Keep a possible start of the end marker for the next packet.
                        let keep = partial_suffix(&buf[at..], PASTE_END);
                        keep_within(paste, &buf[at..buf.len() - keep]);
                        self.pending = buf[buf.len() - keep..].to_vec();
                        return events;
                    }
                }
                continue;
            }
            if buf[at..].starts_with(PASTE_START) {
                self.paste = Some(Vec::new());
                at += PASTE_START.len();
                continue;
            }
            match step(&buf[at..]) {
                Step::Done(n, event) => {
                    events.extend(event);
                    at += n;
                }
                Step::More => {
                    self.pending = buf[at..].to_vec();
                    return events;
                }
            }
        }
        events
    }
}

/// Adds `bytes` to a paste, up to [`MAX_PASTE`]; the rest is dropped.
fn keep_within(paste: &mut Vec<u8>, bytes: &[u8]) {
    let room = MAX_PASTE.saturating_sub(paste.len());
    paste.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// Where `needle` starts in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// How many of `hay`'s last bytes are a start of `needle`.
fn partial_suffix(hay: &[u8], needle: &[u8]) -> usize {
    (1..needle.len().min(hay.len() + 1))
        .rev()
        .find(|&n| hay.ends_with(&needle[..n]))
        .unwrap_or(0)
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Option<Event> {
    Some(Event::Key(KeyEvent {
        code,
        modifiers,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }))
}

/// One event from the start of `bytes` (never empty).
fn step(bytes: &[u8]) -> Step {
    let none = KeyModifiers::NONE;
    match bytes[0] {
        ESC => escape(bytes),
        b'\r' | b'\n' => Step::Done(
            // A terminal sends CR LF for Enter on some systems: one key, not two.
            if bytes.starts_with(b"\r\n") { 2 } else { 1 },
            key(KeyCode::Enter, none),
        ),
        b'\t' => Step::Done(1, key(KeyCode::Tab, none)),
        0x7f | 0x08 => Step::Done(1, key(KeyCode::Backspace, none)),
        0x00 => Step::Done(1, key(KeyCode::Char(' '), KeyModifiers::CONTROL)),
        c @ 0x01..=0x1a => Step::Done(
            1,
            key(
                KeyCode::Char(char::from(c - 1 + b'a')),
                KeyModifiers::CONTROL,
            ),
        ),
        0x1c..=0x1f => Step::Done(1, None),
        _ => match utf8_char(bytes) {
            Some(Ok((c, n))) => Step::Done(n, key(KeyCode::Char(c), none)),
            Some(Err(n)) => Step::Done(n, None),
            None => Step::More,
        },
    }
}

/// The character at the start of `bytes`: `Err(n)` skips `n` invalid bytes, `None` waits for the
/// rest of a character cut between packets.
fn utf8_char(bytes: &[u8]) -> Option<Result<(char, usize), usize>> {
    let len = match bytes[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Some(Err(1)),
    };
    if bytes.len() < len {
        return None;
    }
    Some(match std::str::from_utf8(&bytes[..len]) {
        Ok(s) => s.chars().next().map(|c| (c, len)).ok_or(len),
        Err(_) => Err(1),
    })
}

/// An escape sequence, Alt+key, or the Esc key alone.
fn escape(bytes: &[u8]) -> Step {
    let Some(&next) = bytes.get(1) else {
        return Step::Done(1, key(KeyCode::Esc, KeyModifiers::NONE));
    };
    match next {
        b'[' => csi(bytes),
        b'O' => match bytes.get(2) {
            None => Step::Done(2, key(KeyCode::Char('O'), KeyModifiers::ALT)),
            Some(&c) => Step::Done(3, ss3(c, KeyModifiers::NONE)),
        },
        ESC => Step::Done(1, key(KeyCode::Esc, KeyModifiers::NONE)),
        _ => match step(&bytes[1..]) {
            Step::Done(n, Some(Event::Key(mut k))) => {
                k.modifiers |= KeyModifiers::ALT;
                Step::Done(n + 1, Some(Event::Key(k)))
            }
            Step::Done(n, other) => Step::Done(n + 1, other),
            Step::More => Step::More,
        },
    }
}

/// The keys of `ESC O x` (and of `ESC [ 1 ; m x` with modifiers).
fn ss3(c: u8, modifiers: KeyModifiers) -> Option<Event> {
    let code = match c {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        b'M' => KeyCode::Enter,
        _ => return None,
    };
    key(code, modifiers)
}

/// The modifiers of xterm's parameter `m` (1 + Shift 1 + Alt 2 + Ctrl 4).
fn modifiers(m: u16) -> KeyModifiers {
    let bits = m.saturating_sub(1);
    let mut out = KeyModifiers::NONE;
    if bits & 1 != 0 {
        out |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        out |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        out |= KeyModifiers::CONTROL;
    }
    out
}

/// `ESC [ params final`.
fn csi(bytes: &[u8]) -> Step {
    let body = &bytes[2..];
    let Some(end) = body.iter().position(|b| (0x40..=0x7e).contains(b)) else {
        // Parameters only so far: cut between packets, unless it is too long to be a key.
        return if body.len() < 16 && body.iter().all(|b| b.is_ascii_digit() || *b == b';') {
            Step::More
        } else {
            Step::Done(bytes.len(), None)
        };
    };
    let len = 2 + end + 1;
    let params: Vec<u16> = std::str::from_utf8(&body[..end])
        .unwrap_or("")
        .split(';')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let m = modifiers(params.get(1).copied().unwrap_or(1));
    let last = body[end];
    let event = match last {
        b'Z' => key(KeyCode::BackTab, KeyModifiers::SHIFT),
        b'~' => {
            let code = match params.first().copied().unwrap_or(0) {
                1 | 7 => Some(KeyCode::Home),
                2 => Some(KeyCode::Insert),
                3 => Some(KeyCode::Delete),
                4 | 8 => Some(KeyCode::End),
                5 => Some(KeyCode::PageUp),
                6 => Some(KeyCode::PageDown),
                11 => Some(KeyCode::F(1)),
                12 => Some(KeyCode::F(2)),
                13 => Some(KeyCode::F(3)),
                14 => Some(KeyCode::F(4)),
                15 => Some(KeyCode::F(5)),
                17 => Some(KeyCode::F(6)),
                18 => Some(KeyCode::F(7)),
                19 => Some(KeyCode::F(8)),
                20 => Some(KeyCode::F(9)),
                21 => Some(KeyCode::F(10)),
                23 => Some(KeyCode::F(11)),
                24 => Some(KeyCode::F(12)),
                _ => None,
            };
            code.and_then(|c| key(c, m))
        }
        // The Linux console's F1–F5: `ESC [ [ A`…`E`.
        b'[' => {
            return match bytes.get(len) {
                Some(c @ b'A'..=b'E') => Step::Done(len + 1, key(KeyCode::F(c - b'A' + 1), m)),
                Some(_) => Step::Done(len + 1, None),
                None => Step::More,
            };
        }
        c => ss3(c, m),
    };
    Step::Done(len, event)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(bytes: &[u8]) -> Vec<(KeyCode, KeyModifiers)> {
        InputParser::default()
            .feed(bytes)
            .into_iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some((k.code, k.modifiers)),
                _ => None,
            })
            .collect()
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;

    #[test]
    fn text_in_utf8_and_the_editing_keys() {
        assert_eq!(
            keys("Ая\r\t\x7f".as_bytes()),
            vec![
                (KeyCode::Char('А'), NONE),
                (KeyCode::Char('я'), NONE),
                (KeyCode::Enter, NONE),
                (KeyCode::Tab, NONE),
                (KeyCode::Backspace, NONE),
            ]
        );
        assert_eq!(
            keys(b"\x1b[Z"),
            vec![(KeyCode::BackTab, KeyModifiers::SHIFT)]
        );
        assert_eq!(keys(b"\x1b"), vec![(KeyCode::Esc, NONE)]);
    }

    #[test]
    fn arrows_and_the_block_above_them_in_every_form() {
        assert_eq!(
            keys(b"\x1b[A\x1bOB\x1b[C\x1b[D\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[5~\x1b[6~\x1b[2~\x1b[3~"),
            vec![
                (KeyCode::Up, NONE),
                (KeyCode::Down, NONE),
                (KeyCode::Right, NONE),
                (KeyCode::Left, NONE),
                (KeyCode::Home, NONE),
                (KeyCode::End, NONE),
                (KeyCode::Home, NONE),
                (KeyCode::End, NONE),
                (KeyCode::PageUp, NONE),
                (KeyCode::PageDown, NONE),
                (KeyCode::Insert, NONE),
                (KeyCode::Delete, NONE),
            ]
        );
        assert_eq!(
            keys(b"\x1b[1;5C"),
            vec![(KeyCode::Right, KeyModifiers::CONTROL)]
        );
    }

    #[test]
    fn function_keys_f1_to_f12() {
        let got = keys(b"\x1bOP\x1bOQ\x1bOR\x1bOS\x1b[15~\x1b[17~\x1b[18~\x1b[19~\x1b[20~\x1b[21~\x1b[23~\x1b[24~");
        let want: Vec<_> = (1..=12).map(|n| (KeyCode::F(n), NONE)).collect();
        assert_eq!(got, want);
        assert_eq!(keys(b"\x1b[[A"), vec![(KeyCode::F(1), NONE)]);
    }

    #[test]
    fn ctrl_and_alt() {
        assert_eq!(
            keys(b"\x03\x1bx\x1b\xd0\xb4"),
            vec![
                (KeyCode::Char('c'), KeyModifiers::CONTROL),
                (KeyCode::Char('x'), KeyModifiers::ALT),
                (KeyCode::Char('д'), KeyModifiers::ALT),
            ]
        );
    }

    #[test]
    fn a_huge_paste_is_cut_at_the_bound_and_what_follows_it_still_counts() {
        let mut p = InputParser::default();
        assert!(p.feed(PASTE_START).is_empty());
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..(2 * MAX_PASTE / chunk.len()) {
            assert!(p.feed(&chunk).is_empty());
        }
        let events = p.feed(b"\x1b[201~x");
        assert!(
            matches!(&events[..], [Event::Paste(t), Event::Key(k)]
                if t.len() == MAX_PASTE && k.code == KeyCode::Char('x')),
            "{} events",
            events.len()
        );
    }

    #[test]
    fn a_paste_arrives_whole_across_packets_and_a_split_character_waits() {
        let mut p = InputParser::default();
        assert!(p.feed(b"\x1b[200~first\r").is_empty());
        assert!(p.feed("line \u{0}второй\x1b[20".as_bytes()).is_empty());
        let events = p.feed(b"1~q");
        assert!(
            matches!(&events[..], [Event::Paste(t), Event::Key(k)]
                if t == "first\nline \u{0}второй" && k.code == KeyCode::Char('q')),
            "{events:?}"
        );
        let bytes = "ж".as_bytes();
        assert!(p.feed(&bytes[..1]).is_empty());
        assert_eq!(
            p.feed(&bytes[1..]),
            vec![Event::Key(KeyEvent::new(KeyCode::Char('ж'), NONE))]
        );
    }
}

//! A minimal SMTP sink for the mail tests: it listens on `127.0.0.1:0` in clear, speaks just
//! enough SMTP for a client to hand it messages, and keeps what arrived — or, started failing,
//! answers every message with a temporary refusal (451) and counts the attempts.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::STEP;

/// Headers, names in lower case, in order.
pub type Headers = Vec<(String, String)>;

/// A MIME part: its headers and its decoded body.
pub type Part = (Headers, Vec<u8>);

/// One message the sink accepted.
#[derive(Clone, Debug, Default)]
pub struct Delivered {
    /// The envelope's recipients (`RCPT TO`).
    pub rcpt: Vec<String>,
    /// The message as sent: headers and body, dot-unstuffed, lines joined by `\r\n`.
    pub data: String,
}

impl Delivered {
    /// The headers of the message's top part, unfolded, names in lower case.
    fn headers(&self) -> Vec<(String, String)> {
        header_block(self.data.split("\r\n\r\n").next().unwrap_or(""))
    }

    /// The subject, encoded words decoded.
    pub fn subject(&self) -> String {
        self.headers()
            .into_iter()
            .find(|(k, _)| k == "subject")
            .map(|(_, v)| decode_words(&v))
            .unwrap_or_default()
    }

    /// The MIME parts: each one's headers and its body, transfer encoding undone. A message
    /// of one part is that part.
    pub fn parts(&self) -> Vec<Part> {
        let (head, body) = self.data.split_once("\r\n\r\n").unwrap_or((&self.data, ""));
        let headers = header_block(head);
        let boundary = headers
            .iter()
            .find(|(k, _)| k == "content-type")
            .and_then(|(_, v)| v.split("boundary=").nth(1))
            .map(|b| {
                b.split(';')
                    .next()
                    .unwrap_or("")
                    .trim_matches('"')
                    .to_string()
            });
        let Some(boundary) = boundary else {
            let decoded = decode_body(&headers, body);
            return vec![(headers, decoded)];
        };
        let marker = format!("--{boundary}");
        body.split(marker.as_str())
            .skip(1)
            .filter(|p| !p.starts_with("--"))
            .map(|p| {
                let p = p.trim_start_matches("\r\n");
                let (h, b) = p.split_once("\r\n\r\n").unwrap_or((p, ""));
                let headers = header_block(h);
                let decoded = decode_body(&headers, b.trim_end_matches("\r\n"));
                (headers, decoded)
            })
            .collect()
    }

    /// The attachments' (file name, content type), in order.
    pub fn attachments(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (headers, _) in self.parts() {
            let get = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            let Some(disposition) = get("content-disposition") else {
                continue;
            };
            if !disposition.starts_with("attachment") {
                continue;
            }
            let kind = get("content-type")
                .map(|t| t.split(';').next().unwrap_or("").trim().to_string())
                .unwrap_or_default();
            out.push((file_name(&disposition), kind));
        }
        out
    }

    /// The subject and every part's text, decoded, for looking for a text in the message.
    pub fn text(&self) -> String {
        let mut out = self.subject();
        for (_, body) in self.parts() {
            out.push('\n');
            out.push_str(&String::from_utf8_lossy(&body));
        }
        out
    }
}

/// A part's body with its `Content-Transfer-Encoding` undone.
fn decode_body(headers: &[(String, String)], body: &str) -> Vec<u8> {
    let encoding = headers
        .iter()
        .find(|(k, _)| k == "content-transfer-encoding")
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    match encoding.as_str() {
        "base64" => base64(body),
        "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    }
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut lines = text.split("\r\n").peekable();
    while let Some(line) = lines.next() {
        // A line ending in `=` is a soft break: it joins the next one.
        let (line, soft) = match line.strip_suffix('=') {
            Some(l) => (l, true),
            None => (line, false),
        };
        out.extend(unescape(line, b'='));
        if !soft && lines.peek().is_some() {
            out.extend(b"\r\n");
        }
    }
    out
}

/// `text` with every `<marker>XX` hex escape turned into its byte.
fn unescape(text: &str, marker: u8) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let byte = (b[i] == marker && i + 3 <= b.len())
            .then(|| std::str::from_utf8(&b[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match byte {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}

/// The file name of a `Content-Disposition`: plain `filename="…"`, or RFC 2231's
/// `filename*0*=utf-8''%D0%9F…` continuations for a non-ASCII name.
fn file_name(disposition: &str) -> String {
    let mut encoded = Vec::new();
    for param in disposition.split(';').map(str::trim) {
        if let Some(plain) = param.strip_prefix("filename=") {
            return decode_words(plain.trim_matches('"'));
        }
        if let Some(rest) = param.strip_prefix("filename*") {
            let value = rest
                .split_once('=')
                .map_or("", |(_, v)| v)
                .trim_matches('"');
            let value = value.split_once("''").map_or(value, |(_, v)| v);
            encoded.extend(unescape(value, b'%'));
        }
    }
    String::from_utf8_lossy(&encoded).into_owned()
}

fn header_block(block: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in block.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push_str(line.trim_start());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    out
}

/// Decodes RFC 2047 `=?utf-8?b?…?=` words (what a mail client writes for a Cyrillic subject);
/// the space between two such words is dropped, as the RFC says.
fn decode_words(text: &str) -> String {
    const WORD: &str = "=?utf-8?b?";
    let mut out: Vec<u8> = Vec::new();
    let mut rest = text;
    let mut after_word = false;
    loop {
        // Lower-casing ASCII keeps byte offsets, so they index `rest` too.
        let Some(start) = rest.to_ascii_lowercase().find(WORD) else {
            out.extend(rest.as_bytes());
            break;
        };
        let between = &rest[..start];
        if !(after_word && between.trim().is_empty()) {
            out.extend(between.as_bytes());
        }
        let body = &rest[start + WORD.len()..];
        let Some(end) = body.find("?=") else {
            out.extend(&rest.as_bytes()[start..]);
            break;
        };
        out.extend(base64(&body[..end]));
        rest = &body[end + 2..];
        after_word = true;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[derive(Default)]
struct Shared {
    delivered: Mutex<Vec<Delivered>>,
    attempts: AtomicUsize,
    arrived: Notify,
}

/// The sink: a listener on loopback and what it has received.
pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    /// A sink that accepts every message.
    pub async fn start() -> Result<Self> {
        Self::listen(false).await
    }

    /// A sink that answers every message with `451` (try again later).
    pub async fn start_failing() -> Result<Self> {
        Self::listen(true).await
    }

    async fn listen(failing: bool) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the SMTP sink")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let task = tokio::spawn({
            let shared = shared.clone();
            async move {
                while let Ok((conn, _)) = listener.accept().await {
                    tokio::spawn(session(conn, shared.clone(), failing));
                }
            }
        });
        Ok(Self { addr, shared, task })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Messages refused so far (a failing sink) or accepted (an ordinary one).
    pub fn attempts(&self) -> usize {
        self.shared.attempts.load(Ordering::SeqCst)
    }

    /// What has arrived so far.
    pub fn delivered(&self) -> Vec<Delivered> {
        self.shared
            .delivered
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default()
    }

    /// Waits (at most [`STEP`] each) until `n` attempts were made, then returns what arrived.
    pub async fn wait_for(&self, n: usize) -> Result<Vec<Delivered>> {
        loop {
            let arrived = self.shared.arrived.notified();
            if self.attempts() >= n {
                return Ok(self.delivered());
            }
            if tokio::time::timeout(STEP, arrived).await.is_err() {
                bail!(
                    "the SMTP sink saw {} messages of {n} in time",
                    self.attempts()
                );
            }
        }
    }
}

async fn session(conn: TcpStream, shared: Arc<Shared>, failing: bool) {
    let _ = converse(conn, &shared, failing).await;
}

async fn converse(conn: TcpStream, shared: &Shared, failing: bool) -> std::io::Result<()> {
    let (read, mut write) = conn.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut rcpt = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.trim_end().to_ascii_uppercase();
        let answer: &[u8] = if verb.starts_with("EHLO") {
            b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if verb.starts_with("HELO") || verb.starts_with("NOOP") {
            b"250 ok\r\n"
        } else if verb.starts_with("RSET") {
            rcpt.clear();
            b"250 ok\r\n"
        } else if verb.starts_with("MAIL FROM") {
            if failing {
                shared.attempts.fetch_add(1, Ordering::SeqCst);
                shared.arrived.notify_waiters();
                b"451 4.3.0 try again later\r\n"
            } else {
                b"250 ok\r\n"
            }
        } else if verb.starts_with("RCPT TO") {
            let to = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string();
            rcpt.push(to);
            b"250 ok\r\n"
        } else if verb == "DATA" {
            write.write_all(b"354 go on\r\n").await?;
            let mut data = Vec::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                let l = line.trim_end_matches(['\r', '\n']);
                if l == "." {
                    break;
                }
                data.push(l.strip_prefix('.').unwrap_or(l).to_string());
            }
            if let Ok(mut d) = shared.delivered.lock() {
                d.push(Delivered {
                    rcpt: std::mem::take(&mut rcpt),
                    data: data.join("\r\n"),
                });
            }
            shared.attempts.fetch_add(1, Ordering::SeqCst);
            shared.arrived.notify_waiters();
            b"250 queued\r\n"
        } else if verb.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(answer).await?;
    }
}

//! One-time download links as a browser fetches them: a plain HTTP/1.1 GET read to the end, and
//! a meeting with a protocol to make a link to.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use infogroups_shared::pb;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::STEP;
use crate::TestServer;
use crate::fixtures::{api_date, id_of};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a real date")
}

/// A meeting of `group` with a short protocol, written straight into the store.
pub async fn meeting_with_protocol(server: &TestServer, group: u64) -> Result<u64> {
    let m = pb::Meeting {
        group_id: group,
        date: Some(api_date(d(2026, 12, 2))),
        time: "17:00".into(),
        status: pb::MeetingStatus::ProtocolDrafted as i32,
        protocol: Some(pb::Protocol {
            start_time: "17:00".into(),
            end_time: "18:00".into(),
            residents_attending: 12,
            questions: vec![pb::RaisedQuestion {
                substance: "Не горят фонари во дворе дома 5".into(),
                answer_mode: pb::AnswerMode::OnControl as i32,
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    let m = server.db().write(0, |tx| tx.create(m, None)).await?;
    Ok(id_of(m.meta))
}

/// What came back from a fetch.
pub struct Fetched {
    /// The HTTP status.
    pub status: u16,
    /// The status line and headers.
    pub head: String,
    /// The body.
    pub body: Vec<u8>,
}

impl Fetched {
    /// The value of header `name`, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// The host:port and path of an `http(s)://host:port/path` link.
pub fn split_url(url: &str) -> Result<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://").context("a scheme")?;
    let (authority, path) = rest.split_at(rest.find('/').context("a path")?);
    Ok((scheme, authority, path))
}

/// One HTTP/1.1 GET with `Connection: close`, read to the end.
pub async fn get_over<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    host: &str,
    path: &str,
) -> Result<Fetched> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    // A TLS peer may close without close_notify once the body is complete; what was read counts.
    let _ = tokio::time::timeout(STEP, s.read_to_end(&mut raw)).await?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("the end of the headers")?;
    let head = String::from_utf8(raw[..split].to_vec())?;
    let status = head
        .split_whitespace()
        .nth(1)
        .context("a status")?
        .parse()?;
    Ok(Fetched {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    })
}

/// Fetches a plain-HTTP link.
pub async fn fetch_plain(url: &str) -> Result<Fetched> {
    let (scheme, host, path) = split_url(url)?;
    if scheme != "http" {
        bail!("expected a plain link on loopback without TLS: {url}");
    }
    let tcp = tokio::net::TcpStream::connect(host).await?;
    get_over(tcp, host, path).await
}

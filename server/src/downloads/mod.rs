//! One-time download links (`serve --download-links ADDR`): a file made by `ShareExport` or
//! `ShareCalendarFile` is kept in memory under a random token for a few minutes and handed out
//! once over HTTPS by [`endpoint`], so a person on a thin terminal opens it in the browser of
//! their own computer. Nothing is written to disk: a restart forgets every pending link.

pub mod endpoint;
pub mod http;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use infogroups_shared::pb;
use rand::RngCore;

use crate::entity::Kind;
use crate::error::ApiError;

/// How long a link works.
pub const LINK_TTL_MS: i64 = 10 * 60 * 1000;

/// At most this many links of one account wait to be opened; the oldest goes first beyond it.
pub const MAX_PENDING_PER_ACCOUNT: usize = 16;

/// The path under which a token is served: `/d/<token>`.
pub const PATH_PREFIX: &str = "/d/";

/// A file waiting behind a link.
#[derive(Debug, Clone)]
pub struct Link {
    /// The account that made the link; the fetch is audited in its name.
    pub owner: u64,
    /// The record the file shows, for the audit; none for a table of counts.
    pub subject: Option<(Kind, u64)>,
    /// What the file is (`protocol`, `calendar`…), for the audit and the log.
    pub what: String,
    /// The file's name.
    pub file_name: String,
    /// The bytes.
    pub content: Vec<u8>,
    /// When it stops working, UTC ms.
    pub expires_at_ms: i64,
}

impl Link {
    /// A link to the file `file_name` made by `owner` at `now_ms`, working for [`LINK_TTL_MS`].
    pub fn to_file(
        owner: u64,
        subject: Option<(Kind, u64)>,
        what: String,
        file_name: String,
        content: Vec<u8>,
        now_ms: i64,
    ) -> Self {
        Self {
            owner,
            subject,
            what,
            file_name,
            content,
            expires_at_ms: now_ms.saturating_add(LINK_TTL_MS),
        }
    }
}

/// Why a link could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LinkError {
    /// The server was started without `--download-links`.
    #[error("the server does not hand out download links")]
    Disabled,
}

impl From<LinkError> for ApiError {
    fn from(e: LinkError) -> Self {
        match e {
            LinkError::Disabled => ApiError::precondition(
                "сервер не выдаёт ссылки на скачивание (настройка download_links)",
                "the server does not hand out download links (the download_links setting)",
            ),
        }
    }
}

/// The pending links and the public address they are handed out under.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pending: Arc<Mutex<HashMap<String, Link>>>,
    base_url: Arc<RwLock<Option<String>>>,
}

impl Links {
    /// Starts handing out links under `base_url` (`https://host:port`, no trailing slash).
    pub fn enable(&self, base_url: &str) {
        if let Ok(mut b) = self.base_url.write() {
            *b = Some(base_url.trim_end_matches('/').to_string());
        }
    }

    /// Keeps `link` and answers with its address; expired links are dropped on the way, and the
    /// owner's oldest beyond [`MAX_PENDING_PER_ACCOUNT`].
    pub fn share(&self, now_ms: i64, link: Link) -> Result<pb::ShareResponse, LinkError> {
        let base = self
            .base_url
            .read()
            .ok()
            .and_then(|b| b.clone())
            .ok_or(LinkError::Disabled)?;
        let token = new_token();
        let answer = pb::ShareResponse {
            url: format!("{base}{PATH_PREFIX}{token}"),
            file_name: link.file_name.clone(),
            expires_at_ms: link.expires_at_ms,
        };
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.retain(|_, l| l.expires_at_ms > now_ms);
        let mut own: Vec<(i64, String)> = pending
            .iter()
            .filter(|(_, l)| l.owner == link.owner)
            .map(|(t, l)| (l.expires_at_ms, t.clone()))
            .collect();
        own.sort();
        let excess = (own.len() + 1).saturating_sub(MAX_PENDING_PER_ACCOUNT);
        for (_, t) in own.into_iter().take(excess) {
            pending.remove(&t);
        }
        pending.insert(token, link);
        Ok(answer)
    }

    /// Takes the link of `token` out: it works once. None for an unknown, used or expired one.
    pub fn take(&self, token: &str, now_ms: i64) -> Option<Link> {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let link = pending.remove(token)?;
        (link.expires_at_ms > now_ms).then_some(link)
    }

    /// Puts a taken link back (its fetch could not be audited, so it was not handed out).
    pub fn restore(&self, token: &str, link: Link) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.insert(token.to_string(), link);
    }
}

/// 128 random bits from the operating system's generator, as 32 hex digits.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(owner: u64, expires_at_ms: i64) -> Link {
        Link {
            owner,
            subject: Some((Kind::Meeting, 7)),
            what: "protocol".into(),
            file_name: "Протокол.pdf".into(),
            content: b"%PDF".to_vec(),
            expires_at_ms,
        }
    }

    fn token_of(url: &str) -> &str {
        url.rsplit('/').next().unwrap_or_default()
    }

    #[test]
    fn a_link_needs_the_setting() {
        assert_eq!(
            Links::default().share(0, link(1, 10)),
            Err(LinkError::Disabled)
        );
    }

    #[test]
    fn a_link_works_once_and_only_before_it_expires() -> Result<(), LinkError> {
        let links = Links::default();
        links.enable("https://example.org:8443/");
        let first = links.share(0, link(1, 100))?;
        assert!(first.url.starts_with("https://example.org:8443/d/"));
        let t = token_of(&first.url);
        assert_eq!(t.len(), 32);
        assert!(links.take(t, 50).is_some());
        assert!(links.take(t, 50).is_none(), "a second fetch finds nothing");
        let second = links.share(0, link(1, 100))?;
        assert_ne!(token_of(&second.url), t);
        assert!(links.take(token_of(&second.url), 100).is_none(), "expired");
        Ok(())
    }

    #[test]
    fn an_account_keeps_a_bounded_number_of_links() -> Result<(), LinkError> {
        let links = Links::default();
        links.enable("https://h");
        let urls: Vec<String> = (0..=MAX_PENDING_PER_ACCOUNT as i64)
            .map(|i| links.share(0, link(1, 100 + i)).map(|s| s.url))
            .collect::<Result<_, _>>()?;
        let other = links.share(0, link(2, 100))?;
        assert!(
            links.take(token_of(&urls[0]), 0).is_none(),
            "the oldest went"
        );
        assert!(links.take(token_of(&urls[1]), 0).is_some());
        assert!(links.take(token_of(&other.url), 0).is_some());
        Ok(())
    }
}

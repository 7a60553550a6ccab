//! The client on a terminal someone else provides, already signed in: an SSH session's channel,
//! whose person the SSH server authenticated with the account's own login. The same app, the
//! same calls with that account's token, so every permission is exactly as through the API; the
//! login screen is skipped, and when the session ends (sign-out, a revoked token, an archived
//! account) the terminal is closed rather than offered to the next person.

use std::io;

use crossterm::event::Event;
use futures::Stream;
use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use ratatui::Terminal;
use ratatui::backend::Backend;

use crate::app::{Init, State};
use crate::msg::{LoginOk, Msg};
use crate::net::connection::{ConnectError, Connection};
use crate::net::drafts::DraftStore;
use crate::net::effects::{Effects, Escapes};
use crate::net::saving::Downloads;
use crate::term::runtime::{self, Until};
use crate::ui::theme::Theme;

/// Who the terminal is signed in as: the answer of the server's own login.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The server's API address (the process's own, over loopback).
    pub server: String,
    /// The CA certificate when the API speaks TLS.
    pub ca_cert: Option<std::path::PathBuf>,
    /// Where the drafts of unsent forms are kept, so a dropped connection loses no work.
    pub drafts: Option<std::path::PathBuf>,
    /// The session's token.
    pub token: String,
    /// The login name.
    pub username: String,
    /// The login's answer: the account, its name and roles.
    pub login: pb::LoginResponse,
}

/// Why a signed-in client could not run.
#[derive(Debug, thiserror::Error)]
pub enum SignedInError {
    /// The API's address or certificate is unusable.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The server's token is unusable.
    #[error("unusable token: {0}")]
    Token(String),
    /// The terminal failed.
    #[error("terminal: {0}")]
    Terminal(#[from] io::Error),
}

/// Runs the client on `terminal` with `input` until the person quits, the input ends or the
/// session ends; escapes that draw nothing (the clipboard's) go out through `escapes`. The
/// token is revoked on the way out.
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    input: S,
    escapes: Escapes,
    who: SignedIn,
    lang: Lang,
    theme: Theme,
) -> Result<(), SignedInError>
where
    B: Backend<Error = io::Error> + io::Write,
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    let conn = Connection::new(&who.server, who.ca_cert.as_deref())?;
    conn.set_token(&who.token)
        .map_err(|e| SignedInError::Token(e.message(Lang::En, &who.server)))?;
    // Files the client is given would land on the server's disk: they go into a folder of this
    // session's own, removed when it ends (the one-time download links reach the person).
    let scratch = tempfile::tempdir()?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let mut effects = Effects::new(conn, tx.clone(), Downloads::resolve(Some(scratch.path())))
        .with_escapes(escapes)
        .with_drafts(
            who.drafts
                .as_deref()
                .and_then(|dir| DraftStore::resolve(Some(dir), &who.server)),
        );
    let size = terminal.size()?;
    let mut state = State::new(Init {
        lang,
        theme,
        keymap: crate::keymap::Keymap::default(),
        server: who.server.clone(),
        demo: Vec::new(),
        username: Some(who.username.clone()),
        now_ms: runtime::now_ms(),
        size: (size.width, size.height),
    });
    // The login's answer as if the login screen had asked: the workspace opens and sync starts.
    let _ = tx.send(Msg::LoginDone(Ok(LoginOk {
        user_id: who.login.user_id,
        username: who.username,
        full_name: who.login.full_name,
        roles: who.login.roles,
    })));
    let result = runtime::run(
        terminal,
        &mut state,
        &mut effects,
        input,
        (tx, rx),
        Until::SignedOut,
    )
    .await;
    effects.shutdown().await;
    result.map_err(Into::into)
}

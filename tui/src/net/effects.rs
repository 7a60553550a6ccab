//! Runs the app's commands: each network call is spawned and its result comes back as a message,
//! so no key handler ever waits for the network. Owns the sync task of the current session.

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use infogroups_shared::pb;

use crate::msg::error::RpcError;
use crate::msg::{Cmd, LoginOk, Msg};
use crate::net::connection::{Connection, request};
use crate::net::drafts::DraftStore;
use crate::net::{calls, sync};

/// Runs commands against one server.
pub struct Effects {
    conn: Connection,
    tx: UnboundedSender<Msg>,
    sync: Option<CancellationToken>,
    downloads: crate::net::saving::Downloads,
    escapes: Escapes,
    drafts: Option<DraftStore>,
}

/// Where escapes that draw nothing (the clipboard's) are written: the terminal the client runs
/// on, which is not the process's own output when it runs on an SSH channel.
pub type Escapes = Box<dyn Fn(&[u8]) -> std::io::Result<()>>;

/// The process's own terminal.
fn to_stdout(bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout();
    out.write_all(bytes)?;
    out.flush()
}

impl Effects {
    /// Commands for `conn`, results posted to `tx`, files saved into `downloads`.
    pub fn new(
        conn: Connection,
        tx: UnboundedSender<Msg>,
        downloads: crate::net::saving::Downloads,
    ) -> Self {
        Self {
            conn,
            tx,
            sync: None,
            downloads,
            escapes: Box::new(to_stdout),
            drafts: None,
        }
    }

    /// The same, writing terminal escapes with `escapes` instead of to the process's output.
    pub fn with_escapes(mut self, escapes: Escapes) -> Self {
        self.escapes = escapes;
        self
    }

    /// Keeps the drafts of changed forms in `store` (without one, none is kept).
    #[must_use]
    pub fn with_drafts(mut self, store: Option<DraftStore>) -> Self {
        self.drafts = store;
        self
    }

    /// Starts `cmd`; returns at once.
    pub fn run(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Login { username, password } => {
                let conn = self.conn.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = login(&conn, username, password.0).await;
                    let _ = tx.send(Msg::LoginDone(result));
                });
            }
            Cmd::StartSync { generation } => {
                self.stop_sync();
                let cancel = CancellationToken::new();
                self.sync = Some(cancel.clone());
                tokio::spawn(sync::run(
                    self.conn.clone(),
                    generation,
                    self.tx.clone(),
                    cancel,
                ));
            }
            Cmd::StopSync => self.stop_sync(),
            Cmd::Step {
                assignment_id,
                expected_version,
                action,
                text,
            } => {
                let conn = self.conn.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let req = pb::TransitionRequest {
                        assignment_id,
                        expected_version,
                        kind: action.transition() as i32,
                        text,
                    };
                    let result = conn
                        .assignments()
                        .transition(request(req))
                        .await
                        .map(|r| Box::new(r.into_inner()))
                        .map_err(|s| RpcError::from_status(&s));
                    if let Err(e) = &result {
                        tracing::info!(assignment_id, ?action, code = ?e.code, "step refused");
                    }
                    let _ = tx.send(Msg::StepDone {
                        assignment_id,
                        action,
                        result,
                    });
                });
            }
            Cmd::Call { origin, call } => {
                let conn = self.conn.clone();
                let tx = self.tx.clone();
                let downloads = self.downloads.clone();
                tokio::spawn(async move {
                    let result = calls::run(&conn, *call, &downloads).await;
                    if let Err(e) = &result {
                        tracing::info!(?origin, code = ?e.code, "call refused");
                    }
                    let _ = tx.send(Msg::CallDone { origin, result });
                });
            }
            Cmd::CopyToClipboard(text) => {
                // Between frames, straight to the terminal: the escape draws nothing.
                if let Err(e) = (self.escapes)(crate::ui::escapes::osc52(&text).as_bytes()) {
                    tracing::info!(error = %e, "cannot ask the terminal to copy");
                }
            }
            // On the spot, not spawned: a draft kept on the way out must be on disk before the
            // program ends, and one small file is written in well under a frame.
            Cmd::KeepDraft { user, draft } => {
                if let Some(store) = &self.drafts
                    && let Err(e) = store.save(&user, &draft)
                {
                    tracing::warn!(error = %e, "cannot keep the draft");
                }
            }
            Cmd::DropDraft { user } => {
                if let Some(store) = &self.drafts
                    && let Err(e) = store.remove(&user)
                {
                    tracing::warn!(error = %e, "cannot remove the draft");
                }
            }
            Cmd::LoadDraft { user } => {
                if let Some(draft) = self.drafts.as_ref().and_then(|s| s.load(&user)) {
                    let _ = self.tx.send(Msg::DraftFound(Box::new(draft)));
                }
            }
            Cmd::Logout => {
                // Take the token now, so a quick new login cannot lose its own to this logout.
                if let Some(token) = self.conn.take_token() {
                    let conn = self.conn.clone();
                    tokio::spawn(async move { conn.logout(token).await });
                }
            }
        }
    }

    fn stop_sync(&mut self) {
        if let Some(c) = self.sync.take() {
            c.cancel();
        }
    }

    /// Ends the session on the way out: stops syncing and revokes the token (briefly; the
    /// server may be gone).
    pub async fn shutdown(&mut self) {
        self.stop_sync();
        if let Some(token) = self.conn.take_token() {
            self.conn.logout(token).await;
        }
    }
}

async fn login(conn: &Connection, username: String, password: String) -> Result<LoginOk, RpcError> {
    let req = pb::LoginRequest {
        username: username.clone(),
        password,
    };
    let resp = conn
        .auth()
        .login(request(req))
        .await
        .map_err(|s| RpcError::from_status(&s))?
        .into_inner();
    conn.set_token(&resp.token)?;
    tracing::info!(user_id = resp.user_id, "signed in");
    Ok(LoginOk {
        user_id: resp.user_id,
        username,
        full_name: resp.full_name,
        roles: resp.roles,
    })
}

//! One SSH connection: the password or public key checked by the server's own login, one session channel with
//! a PTY, and on the shell request the terminal client started on that channel. Commands,
//! subsystems (SFTP), forwarding and agent requests are refused.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use crossterm::event::Event;
use futures::StreamExt;
use infogroups_server::services::Ctx;
use infogroups_server::services::auth::AuthSvc;
use infogroups_server::ssh_keys;
use infogroups_shared::pb;
use infogroups_shared::pb::auth_service_server::AuthService;
use infogroups_tui::signed_in::SignedIn;
use infogroups_tui::ui::theme::Theme;
use russh::keys::PublicKey;
use russh::server::{Auth, Handler, Msg, Session};
use russh::{Channel, ChannelId, CryptoVec, Pty};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::task::LocalPoolHandle;

use crate::input::InputParser;
use crate::terminal::{ChannelBackend, ChannelOut, SharedSize};

/// Where the SSH sessions' clients reach the API: the server's own listener, over loopback.
#[derive(Debug, Clone)]
pub struct Api {
    /// `http://127.0.0.1:PORT` or `https://localhost:PORT`.
    pub url: String,
    /// The API's certificate, trusted by the loopback client when the API speaks TLS.
    pub ca_cert: Option<std::path::PathBuf>,
    /// Where the sessions' clients keep the drafts of unsent forms, one file per person, so a
    /// dropped connection loses no work; none keeps no drafts.
    pub drafts: Option<std::path::PathBuf>,
}

/// The state of one SSH connection.
pub struct Connection {
    ctx: Ctx,
    api: Arc<Api>,
    clients: LocalPoolHandle,
    peer: Option<SocketAddr>,
    signed_in: Option<SignedIn>,
    channel: Option<ChannelId>,
    term: Option<String>,
    size: SharedSize,
    parser: InputParser,
    input: Option<UnboundedSender<io::Result<Event>>>,
}

impl Connection {
    /// A connection from `peer`; its client will run on one of `clients`' threads.
    pub fn new(
        ctx: Ctx,
        api: Arc<Api>,
        clients: LocalPoolHandle,
        peer: Option<SocketAddr>,
    ) -> Self {
        Self {
            ctx,
            api,
            clients,
            peer,
            signed_in: None,
            channel: None,
            term: None,
            size: SharedSize::new(80, 24),
            parser: InputParser::default(),
            input: None,
        }
    }

    /// Starts the client on the channel: frames go out through a task that owns the channel's
    /// writing end; the channel closes when the client ends.
    fn start_client(&mut self, channel: ChannelId, session: &Session) {
        let Some(who) = self.signed_in.take() else {
            return;
        };
        let (keys, typed) = tokio::sync::mpsc::unbounded_channel();
        self.input = Some(keys);
        let (out, mut frames) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
        let handle = session.handle();
        let pump = handle.clone();
        tokio::spawn(async move {
            while let Some(bytes) = frames.recv().await {
                if pump.data(channel, CryptoVec::from(bytes)).await.is_err() {
                    break;
                }
            }
        });
        let size = self.size.clone();
        let theme = Theme::for_term(self.term.as_deref());
        let user_id = who.login.user_id;
        // Cancelled when the account's roles change (the session then closes) and when the
        // client ends (the watcher then stops).
        let ended = tokio_util::sync::CancellationToken::new();
        tokio::spawn(crate::lifetime::watch(
            self.ctx.db.clone(),
            self.ctx.db.subscribe(),
            user_id,
            who.login.roles.clone(),
            ended.clone(),
        ));
        let escapes_out = out.clone();
        // The client's state stays on one thread (its forms are not `Send`).
        self.clients.spawn_pinned(move || async move {
            let mut backend = ChannelBackend::new(ChannelOut::new(out), size);
            let result = async {
                backend.enter()?;
                let mut terminal = ratatui::Terminal::new(backend)?;
                // The input ends when the roles change: the client stops as on a dropped
                // connection, revoking its token.
                let input = Box::pin(
                    tokio_stream::wrappers::UnboundedReceiverStream::new(typed)
                        .take_until(ended.clone().cancelled_owned()),
                );
                let escapes: infogroups_tui::net::effects::Escapes = Box::new(move |bytes| {
                    escapes_out.send(bytes.to_vec()).map_err(|_| {
                        io::Error::new(io::ErrorKind::BrokenPipe, "the SSH channel is closed")
                    })
                });
                let ran = infogroups_tui::signed_in::run(
                    &mut terminal,
                    input,
                    escapes,
                    who,
                    infogroups_shared::names::Lang::default(),
                    theme,
                )
                .await;
                terminal.backend_mut().leave()?;
                ran.map_err(|e| io::Error::other(e.to_string()))
            }
            .await;
            ended.cancel();
            match result {
                Ok(()) => tracing::info!(user_id, "SSH session ended"),
                Err(e) => tracing::warn!(user_id, error = %e, "SSH session failed"),
            }
            // Give the last frame's bytes to the pump before the channel closes.
            tokio::task::yield_now().await;
            let _ = handle.exit_status_request(channel, 0).await;
            let _ = handle.eof(channel).await;
            let _ = handle.close(channel).await;
        });
    }
}

fn refused() -> Auth {
    Auth::Reject {
        proceed_with_methods: None,
        partial_success: false,
    }
}

/// A terminal's size from the SSH numbers, kept within what a screen can be; zero (a client
/// without a terminal of its own to measure, RFC 4254 §6.2) means the classic 80×24.
fn cells(n: u32, default: u16) -> u16 {
    if n == 0 {
        return default;
    }
    u16::try_from(n.min(1000)).unwrap_or(1000)
}

impl Connection {
    /// Keeps the session a login opened, or logs the refusal.
    fn signed_in_as(&mut self, user: &str, login: Result<pb::LoginResponse, tonic::Code>) -> Auth {
        match login {
            Ok(login) => {
                self.signed_in = Some(SignedIn {
                    server: self.api.url.clone(),
                    ca_cert: self.api.ca_cert.clone(),
                    drafts: self.api.drafts.clone(),
                    token: login.token.clone(),
                    username: user.to_string(),
                    login,
                });
                Auth::Accept
            }
            Err(code) => {
                tracing::info!(peer = ?self.peer, code = ?code, "SSH login refused");
                refused()
            }
        }
    }
}

impl Handler for Connection {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        let mut req = tonic::Request::new(pb::LoginRequest {
            username: user.to_string(),
            password: password.to_string(),
        });
        // The SSH peer's address, so the login's throttling counts this person's attempts, not
        // every SSH user's as one loopback address.
        req.extensions_mut()
            .insert(tonic::transport::server::TcpConnectInfo {
                local_addr: None,
                remote_addr: self.peer,
            });
        let login = AuthSvc::new(self.ctx.clone())
            .login(req)
            .await
            .map(tonic::Response::into_inner);
        Ok(self.signed_in_as(user, login.map_err(|s| s.code())))
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        public_key: &PublicKey,
    ) -> Result<Auth, Self::Error> {
        // An offer is no proof of holding the key, so it is neither a login nor a failure: a
        // client offering each key of its agent in turn must not lock the account out. Only a
        // key on the account is asked to sign; the signed attempt is the login, throttled.
        let holds = ssh_keys::named_holds(&self.ctx.db, user, public_key).unwrap_or(false);
        Ok(if holds { Auth::Accept } else { refused() })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        public_key: &PublicKey,
    ) -> Result<Auth, Self::Error> {
        // russh has checked the signature: the client holds this key.
        let login = AuthSvc::new(self.ctx.clone())
            .login_by_key(user, public_key, self.peer.map(|p| p.ip()))
            .await;
        Ok(self.signed_in_as(user, login.map_err(|e| tonic::Status::from(e).code())))
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        // One terminal per connection: the client is one person's screen.
        if self.channel.is_some() || self.signed_in.is_none() {
            return Ok(false);
        }
        self.channel = Some(channel.id());
        Ok(true)
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.term = Some(term.to_string());
        self.size.set(cells(col_width, 80), cells(row_height, 24));
        session.channel_success(channel)
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (width, height) = (cells(col_width, 80), cells(row_height, 24));
        self.size.set(width, height);
        if let Some(input) = &self.input {
            let _ = input.send(Ok(Event::Resize(width, height)));
        }
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel != Some(channel) || self.input.is_some() {
            return session.channel_failure(channel);
        }
        session.channel_success(channel)?;
        self.start_client(channel, session);
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        tracing::info!(peer = ?self.peer, "SSH command refused: only the terminal client is offered");
        session.channel_failure(channel)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel != Some(channel) {
            return Ok(());
        }
        if let Some(input) = &self.input {
            for event in self.parser.feed(data) {
                let _ = input.send(Ok(event));
            }
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel == Some(channel) {
            // The end of input ends the client, which revokes its token.
            self.input = None;
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel == Some(channel) {
            self.input = None;
        }
        Ok(())
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // A dropped connection: the client sees its input end, stops and revokes its token.
        self.input = None;
        // Signed in but no terminal was ever asked for: nothing else will revoke the token.
        if let Some(who) = self.signed_in.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let auth = AuthSvc::new(self.ctx.clone());
            runtime.spawn(async move {
                let mut req = tonic::Request::new(pb::LogoutRequest {});
                if let Ok(value) = format!("Bearer {}", who.token).parse() {
                    req.metadata_mut().insert("authorization", value);
                    let _ = auth.logout(req).await;
                }
            });
        }
    }
}

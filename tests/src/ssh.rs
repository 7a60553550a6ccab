//! An SSH terminal for tests and the benchmark: the server's SSH front end started beside a test
//! server, and a real SSH client (russh) with a PTY whose output is read by a terminal emulator
//! (vt100), so a test reads the screen a person would see. It signs in by password or by key.

use std::net::SocketAddr;
use std::num::NonZeroU16;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use russh::ChannelMsg;
use russh::client::{self, Handle, Msg};
use russh::keys::{HashAlg, PrivateKey, PrivateKeyWithHashAlg, PublicKey};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::server::TestServer;

/// The SSH front end of a test server, on `127.0.0.1:<free port>`.
pub struct SshFront {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The host key's fingerprint (`SHA256:…`).
    pub fingerprint: String,
    stop: CancellationToken,
}

impl SshFront {
    /// Starts it for `server`, with a host key made in the server's data directory (a test's
    /// directory is its own; a real server keeps the key beside the store, not in it).
    pub async fn start(server: &TestServer) -> Result<Self> {
        let key = infogroups_ssh::host_key::load_or_create(&host_key_file(server))?;
        let fingerprint = infogroups_ssh::host_key::fingerprint(&key);
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stop = CancellationToken::new();
        let api = infogroups_ssh::Api {
            url: format!("http://{}", server.addr()),
            ca_cert: None,
            drafts: host_key_file(server).parent().map(|dir| dir.join("drafts")),
        };
        tokio::spawn(infogroups_ssh::serve(
            listener,
            infogroups_ssh::config(key),
            server.ctx().clone(),
            api,
            stop.clone(),
        ));
        Ok(Self {
            addr,
            fingerprint,
            stop,
        })
    }
}

impl Drop for SshFront {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Where a test server's SSH host key is kept.
pub fn host_key_file(server: &TestServer) -> std::path::PathBuf {
    server.data_dir().join(infogroups_ssh::host_key::FILE_NAME)
}

/// A screen dimension, never zero.
fn cells(n: u16) -> Result<NonZeroU16> {
    NonZeroU16::new(n).context("a terminal of zero cells")
}

/// Accepts only the expected host key, as `known_hosts` would.
struct Known {
    fingerprint: String,
}

impl client::Handler for Known {
    type Error = russh::Error;

    async fn check_server_key(&mut self, key: &PublicKey) -> Result<bool, Self::Error> {
        Ok(key.fingerprint(HashAlg::Sha256).to_string() == self.fingerprint)
    }
}

/// Signs in as `user` and asks to run `command` instead of the terminal client: whether the
/// server refused.
pub async fn exec_refused(
    front: &SshFront,
    user: &str,
    password: &str,
    command: &str,
) -> Result<bool> {
    let config = Arc::new(client::Config::default());
    let known = Known {
        fingerprint: front.fingerprint.clone(),
    };
    let mut session = client::connect(config, front.addr, known).await?;
    if !session
        .authenticate_password(user, password)
        .await?
        .success()
    {
        bail!("{user}: the password was refused");
    }
    let mut channel = session.channel_open_session().await?;
    channel.exec(true, command).await?;
    loop {
        match tokio::time::timeout(Duration::from_secs(10), channel.wait()).await {
            Err(_) => bail!("no answer to the command request"),
            Ok(Some(ChannelMsg::Failure)) => return Ok(true),
            Ok(Some(ChannelMsg::Success) | None) => return Ok(false),
            Ok(Some(ChannelMsg::Data { .. })) => return Ok(false),
            Ok(Some(_)) => {}
        }
    }
}

/// A person at an SSH terminal: the connection, the session channel and the screen.
pub struct SshTerminal {
    session: Handle<Known>,
    channel: russh::Channel<Msg>,
    screen: vt100::Parser,
    closed: bool,
}

/// Why an SSH login did not give a terminal.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The password was not accepted.
    Password,
    /// The public key was not accepted.
    Key,
}

/// How a test signs in over SSH.
enum Login<'a> {
    Password(&'a str),
    Key(&'a PrivateKey),
}

/// A new ed25519 key pair, as a person would make with `ssh-keygen -t ed25519`.
pub fn new_key(comment: &str) -> Result<PrivateKey> {
    let mut key = PrivateKey::random(
        &mut russh::keys::ssh_key::rand_core::OsRng,
        russh::keys::Algorithm::Ed25519,
    )?;
    key.set_comment(comment);
    Ok(key)
}

/// The OpenSSH line of `key`'s public half: what a person pastes into the client.
pub fn public_line(key: &PrivateKey) -> Result<String> {
    Ok(key.public_key().to_openssh()?)
}

impl SshTerminal {
    /// Connects to `front` as `user`, signs in with `password` and opens a `width` × `height`
    /// terminal; `Ok(Err(Refused))` when the server refuses the password.
    pub async fn open(
        front: &SshFront,
        user: &str,
        password: &str,
        size: (u16, u16),
    ) -> Result<std::result::Result<Self, Refused>> {
        Self::open_as(front, user, Login::Password(password), size).await
    }

    /// Connects to `front` as `user`, signs in with the private `key` and opens a terminal;
    /// `Ok(Err(Refused::Key))` when the server refuses the key.
    pub async fn open_with_key(
        front: &SshFront,
        user: &str,
        key: &PrivateKey,
        size: (u16, u16),
    ) -> Result<std::result::Result<Self, Refused>> {
        Self::open_as(front, user, Login::Key(key), size).await
    }

    async fn open_as(
        front: &SshFront,
        user: &str,
        login: Login<'_>,
        (width, height): (u16, u16),
    ) -> Result<std::result::Result<Self, Refused>> {
        let config = Arc::new(client::Config::default());
        let known = Known {
            fingerprint: front.fingerprint.clone(),
        };
        let mut session = client::connect(config, front.addr, known)
            .await
            .context("SSH connect")?;
        match login {
            Login::Password(password) => {
                if !session
                    .authenticate_password(user, password)
                    .await?
                    .success()
                {
                    return Ok(Err(Refused::Password));
                }
            }
            Login::Key(key) => {
                let key = PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None);
                if !session.authenticate_publickey(user, key).await?.success() {
                    return Ok(Err(Refused::Key));
                }
            }
        }
        let channel = session.channel_open_session().await?;
        channel
            .request_pty(
                true,
                "xterm-256color",
                width.into(),
                height.into(),
                0,
                0,
                &[],
            )
            .await?;
        channel.request_shell(true).await?;
        Ok(Ok(Self {
            session,
            channel,
            screen: vt100::Parser::new(cells(height)?, cells(width)?, 0),
            closed: false,
        }))
    }

    /// The screen's text now.
    pub fn text(&self) -> String {
        self.screen.screen().contents()
    }

    /// The text of the screen's last row (where the status line stands).
    pub fn last_row(&self) -> String {
        let (rows, cols) = self.screen.screen().size();
        let y = rows.get() - 1;
        self.screen.screen().contents_between(y, 0, y, cols.get())
    }

    /// Whether the server closed the session.
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// Reads the channel until the screen holds `wanted` (or the channel closes, or `within`).
    pub async fn wait_for(&mut self, wanted: &str, within: Duration) -> Result<()> {
        let until = Instant::now() + within;
        while !self.text().contains(wanted) {
            if self.closed {
                bail!(
                    "the session closed before {wanted:?} showed:\n{}",
                    self.text()
                );
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() || !self.read_some(left).await? {
                bail!(
                    "{wanted:?} did not show within {within:?}:\n{}",
                    self.text()
                );
            }
        }
        Ok(())
    }

    /// Reads until the server closes the session (or `within` passes).
    pub async fn wait_closed(&mut self, within: Duration) -> Result<()> {
        let until = Instant::now() + within;
        while !self.closed {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() || !self.read_some(left).await? {
                bail!("the session stayed open:\n{}", self.text());
            }
        }
        Ok(())
    }

    /// One message from the channel into the screen; false when `within` passed first.
    pub async fn read_some(&mut self, within: Duration) -> Result<bool> {
        match tokio::time::timeout(within, self.channel.wait()).await {
            Err(_) => Ok(false),
            Ok(None | Some(ChannelMsg::Close | ChannelMsg::Eof)) => {
                self.closed = true;
                Ok(true)
            }
            Ok(Some(ChannelMsg::Data { data })) => {
                self.screen.process(&data);
                Ok(true)
            }
            Ok(Some(_)) => Ok(true),
        }
    }

    /// Types `bytes` as the terminal would send them.
    pub async fn send(&self, bytes: &[u8]) -> Result<()> {
        self.channel.data(bytes).await?;
        Ok(())
    }

    /// The terminal window is resized.
    pub async fn resize(&mut self, width: u16, height: u16) -> Result<()> {
        self.screen.set_size(cells(height)?, cells(width)?);
        self.channel
            .window_change(width.into(), height.into(), 0, 0)
            .await?;
        Ok(())
    }

    /// Drops the connection without a word, as a lost network would.
    pub async fn disconnect(self) -> Result<()> {
        self.session
            .disconnect(russh::Disconnect::ByApplication, "", "ru")
            .await?;
        Ok(())
    }
}

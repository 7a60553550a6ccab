//! The embedded demo: the real server, in this process, on a fresh temporary data directory filled
//! with the demo city. The directory lives as long as the [`DemoServer`].

use std::net::SocketAddr;
use std::time::Duration;

use infogroups_server::{Config, Server};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::features::login::screen::DemoLogin;

/// The administrator's password in demo mode (shown on the login screen).
pub const ADMIN_PASSWORD: &str = "shakhty-klyuch-2026";

/// A running embedded server.
pub struct DemoServer {
    // Dropped last: the store lives in it until the server has stopped.
    dir: tempfile::TempDir,
    addr: SocketAddr,
    accounts: Vec<DemoLogin>,
    shutdown: CancellationToken,
    task: JoinHandle<Result<(), infogroups_server::LaunchError>>,
}

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The temporary directory could not be made.
    #[error("cannot create a temporary directory: {0}")]
    TempDir(std::io::Error),
    /// The server failed to open.
    #[error("the embedded server failed to start: {0}")]
    Launch(#[from] infogroups_server::LaunchError),
    /// Seeding failed.
    #[error("the demo city could not be created: {0}")]
    Seed(String),
    /// The address could not be bound.
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
}

/// The prefix of a demo's temporary directory.
const DEMO_PREFIX: &str = "infogroups-demo-";

/// Removes what earlier demos left when they could not clean up (killed, or the machine went
/// down): a directory whose store nobody holds open is no running demo's. The demo city is made
/// up, but a temporary folder should not keep it.
fn sweep_stale(tmp: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with(DEMO_PREFIX);
        // Opening takes the store's lock: it fails while another demo is running on it.
        // A minute's age leaves alone one that another demo is only now creating.
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(60));
        let free = ours
            && old
            && path.is_dir()
            && infogroups_server::store::SledStore::open(&path).is_ok();
        if free && std::fs::remove_dir_all(&path).is_ok() {
            tracing::info!(path = %path.display(), "removed a stale demo directory");
        }
    }
}

impl DemoServer {
    /// Starts the server on `listen` (default: a free loopback port) with the demo city, on a
    /// training clock from `clock` (UTC ms; default: now) that the administrator moves forward.
    pub async fn start(listen: Option<SocketAddr>, clock: Option<i64>) -> Result<Self, DemoError> {
        sweep_stale(&std::env::temp_dir());
        let dir = tempfile::Builder::new()
            .prefix(DEMO_PREFIX)
            .tempdir()
            .map_err(DemoError::TempDir)?;
        let mut config = Config::new(dir.path());
        config.admin_password = Some(ADMIN_PASSWORD.to_string());
        // Training time: every client says so, and a trainer can show a quarter in an hour.
        config.clock = infogroups_server::Clock::training(
            clock.unwrap_or_else(|| chrono::Utc::now().timestamp_millis()),
        );
        // Documents can be taken as a link too: served on a free loopback port of this machine.
        config.downloads = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
        let server = Server::open(config).await?;
        let seeded = infogroups_server::demo::seed(server.db())
            .await
            .map_err(|e| DemoError::Seed(e.to_string()))?;
        let accounts = seeded
            .into_iter()
            .map(|a| DemoLogin {
                password: if a.username == "admin" {
                    ADMIN_PASSWORD.to_string()
                } else {
                    infogroups_server::demo::DEMO_PASSWORD.to_string()
                },
                username: a.username,
                full_name: a.full_name,
                role_ru: a.role_ru,
                role_en: a.role_en,
            })
            .collect();
        let listen = listen.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|e| DemoError::Bind(listen.to_string(), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| DemoError::Bind(listen.to_string(), e))?;
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(server.serve(listener, shutdown.clone()));
        tracing::info!(%addr, data = %dir.path().display(), "demo server started");
        Ok(Self {
            dir,
            addr,
            accounts,
            shutdown,
            task,
        })
    }

    /// The URL clients connect to.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The demo accounts with their passwords.
    pub fn accounts(&self) -> &[DemoLogin] {
        &self.accounts
    }

    /// Stops the server (at most a few seconds) and removes its directory.
    pub async fn stop(self) {
        self.shutdown.cancel();
        match tokio::time::timeout(Duration::from_secs(5), self.task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => tracing::warn!(error = %e, "demo server stopped with an error"),
            Ok(Err(e)) => tracing::warn!(error = %e, "demo server task failed"),
            Err(_) => tracing::warn!("demo server did not stop in time"),
        }
        drop(self.dir);
    }
}

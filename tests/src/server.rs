//! A real server in this process: its own temporary data directory, a listener bound to
//! `127.0.0.1:0` before it starts, and a handle to stop it gracefully or restart it on the same
//! data.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use infogroups_server::db::Db;
use infogroups_server::store::StoreError;
use infogroups_server::{Clock, Config, LaunchError, Server};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::client::{Authed, login};
use crate::{ADMIN_PASSWORD, STEP};

/// How long a restart waits for the previous server's last tasks to release the store's lock.
const RELEASE_WAIT: Duration = Duration::from_secs(5);

/// A server serving on `127.0.0.1:<free port>` inside this process.
pub struct TestServer {
    addr: SocketAddr,
    db: Db,
    config: Config,
    shutdown: CancellationToken,
    task: JoinHandle<Result<(), LaunchError>>,
    dir: Arc<TempDir>,
    rewrites: tokio::sync::watch::Receiver<u64>,
    ctx: infogroups_server::services::Ctx,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .field("data", &self.dir.path())
            .finish_non_exhaustive()
    }
}

/// The passphrase of the tests' backups (also given to child servers).
pub const TEST_BACKUP_PASSPHRASE: &str = "the tests' backup passphrase";

/// The tests' backup key, with a small scrypt work factor so a backup takes no second.
pub fn test_backup_key() -> infogroups_server::backup::BackupKey {
    infogroups_server::backup::BackupKey::new(TEST_BACKUP_PASSPHRASE)
        .map(|k| k.with_work_factor(4))
        .unwrap_or_else(|e| panic!("the test passphrase is valid: {e}"))
}

/// The test defaults: a fresh directory and [`ADMIN_PASSWORD`] for the first administrator.
pub fn test_config(dir: &Path) -> Config {
    let mut config = Config::new(dir);
    config.admin_password = Some(ADMIN_PASSWORD.to_string());
    config.backup_key = Some(test_backup_key());
    config
}

impl TestServer {
    /// Starts a server on a new temporary directory; `tweak` adjusts the test defaults (token
    /// lifetime, a manual clock, the clock work's period…) before the store is opened.
    pub async fn start(tweak: impl FnOnce(&mut Config)) -> Result<Self> {
        let dir = tempfile::tempdir().context("creating the data directory")?;
        let mut config = test_config(dir.path());
        tweak(&mut config);
        Self::start_in(Arc::new(dir), config).await
    }

    /// Starts a server with the test defaults.
    pub async fn start_default() -> Result<Self> {
        Self::start(|_| {}).await
    }

    async fn start_in(dir: Arc<TempDir>, config: Config) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let server = open_when_released(&config).await?;
        let db = server.db().clone();
        let rewrites = server.store_rewrites();
        let ctx = server.ctx().clone();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(server.serve(listener, shutdown.clone()));
        Ok(Self {
            addr,
            db,
            config,
            shutdown,
            task,
            dir,
            rewrites,
            ctx,
        })
    }

    /// The services' shared context (what the SSH front end checks logins in).
    pub fn ctx(&self) -> &infogroups_server::services::Ctx {
        &self.ctx
    }

    /// Counts the store rewrites done while serving (`store_rewrite_every`): a test waits for
    /// one with `wait_for` instead of sleeping.
    pub fn store_rewrites(&self) -> tokio::sync::watch::Receiver<u64> {
        self.rewrites.clone()
    }

    /// The address it serves on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The database behind the server (fixtures that bypass the API, direct checks).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The server's clock; a manual one (`Clock::manual`) can be moved with `set_ms`.
    pub fn clock(&self) -> &Clock {
        &self.config.clock
    }

    /// The configuration it was started with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Asks the server to stop without waiting (what a signal does in the binary).
    pub fn request_shutdown(&self) {
        self.shutdown.cancel();
    }

    /// Logs the first administrator in.
    pub async fn admin(&self) -> Result<Authed> {
        login(self.addr, "admin", ADMIN_PASSWORD).await
    }

    /// Stops gracefully and waits (at most [`STEP`]) until `serve` has returned and the store is
    /// flushed. Returns how long the stop took.
    pub async fn stop(self) -> Result<Duration> {
        self.stop_keeping_dir().await.map(|(elapsed, _, _)| elapsed)
    }

    async fn stop_keeping_dir(self) -> Result<(Duration, Arc<TempDir>, Config)> {
        let Self {
            db,
            config,
            shutdown,
            task,
            dir,
            ..
        } = self;
        // Our handle would keep the store open (and locked) after the server let go of it.
        drop(db);
        let started = Instant::now();
        shutdown.cancel();
        let served = tokio::time::timeout(STEP, task)
            .await
            .map_err(|_| anyhow!("the server did not stop within {STEP:?}"))?
            .context("the server task panicked")?;
        served.context("the server stopped with an error")?;
        Ok((started.elapsed(), dir, config))
    }

    /// Stops gracefully and starts again on the same data directory with the same settings.
    pub async fn restart(self) -> Result<Self> {
        self.restart_with(|_| {}).await
    }

    /// Stops gracefully and starts again on the same data directory; `tweak` may change the
    /// settings (but not the directory).
    pub async fn restart_with(self, tweak: impl FnOnce(&mut Config)) -> Result<Self> {
        let (_, dir, mut config) = self.stop_keeping_dir().await?;
        tweak(&mut config);
        config.data_dir = dir.path().to_path_buf();
        Self::start_in(dir, config).await
    }
}

/// Opens the server, waiting while the store is still locked by the tasks of a server that has
/// just stopped in this process (its last watch streams end asynchronously).
async fn open_when_released(config: &Config) -> Result<Server> {
    let deadline = Instant::now() + RELEASE_WAIT;
    loop {
        match Server::open(config.clone()).await {
            Ok(server) => return Ok(server),
            Err(LaunchError::Store(StoreError::Locked(_))) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(e) => bail!(
                "cannot open the server on {}: {e}",
                config.data_dir.display()
            ),
        }
    }
}

//! The server as a child process (the `ig-test-server` program of this crate), so a test can
//! kill it with SIGKILL mid-write and start it again on the same data directory.
//!
//! Integration tests name the program with `env!("CARGO_BIN_EXE_ig-test-server")`; the
//! [`test_server_exe!`](crate::test_server_exe) macro expands to exactly that in the test crate.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};

use std::io::Write;
use std::net::SocketAddr as Listen;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use infogroups_server::signals::StopSignals;
use infogroups_server::{Clock, Config, launch};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio_util::sync::CancellationToken;

use crate::STEP;

/// The path of the `ig-test-server` program, for integration tests of this crate.
#[macro_export]
macro_rules! test_server_exe {
    () => {
        ::std::path::Path::new(env!("CARGO_BIN_EXE_ig-test-server"))
    };
}

/// A running `ig-test-server` child process.
#[derive(Debug)]
pub struct ChildServer {
    child: Child,
    addr: SocketAddr,
    exe: PathBuf,
    /// Arguments before `--data` (a subcommand).
    prefix: Vec<String>,
    data: PathBuf,
    extra: Vec<String>,
}

impl ChildServer {
    /// Starts `exe` on `data` and waits (at most [`STEP`]) for the address it prints.
    pub async fn spawn(exe: &Path, data: &Path) -> Result<Self> {
        Self::spawn_with(exe, data, &[]).await
    }

    /// Like [`ChildServer::spawn`], with extra arguments (`--clock-every-ms 50`…).
    pub async fn spawn_with(exe: &Path, data: &Path, extra: &[&str]) -> Result<Self> {
        Self::spawn_prefixed(exe, &[], data, extra).await
    }

    /// Like [`ChildServer::spawn_with`], for a program that serves through a subcommand:
    /// `exe <prefix…> --data <data> <extra…>` (a load program that runs itself as the server).
    pub async fn spawn_prefixed(
        exe: &Path,
        prefix: &[&str],
        data: &Path,
        extra: &[&str],
    ) -> Result<Self> {
        let mut child = Command::new(exe)
            .args(prefix)
            .arg("--data")
            .arg(data)
            .args(extra)
            .env_remove("INFOGROUPS_ADMIN_PASSWORD")
            .env(
                "INFOGROUPS_BACKUP_PASSPHRASE",
                crate::server::TEST_BACKUP_PASSPHRASE,
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        let stdout = child.stdout.take().context("no stdout pipe")?;
        let mut first = String::new();
        let mut reader = BufReader::new(stdout);
        match tokio::time::timeout(STEP, reader.read_line(&mut first)).await {
            Ok(Ok(n)) if n > 0 => {}
            Ok(Ok(_)) => bail!("{} exited before printing its address", exe.display()),
            Ok(Err(e)) => bail!("reading the address of {}: {e}", exe.display()),
            Err(_) => bail!("{} printed no address within {STEP:?}", exe.display()),
        }
        let addr = first
            .trim()
            .parse()
            .with_context(|| format!("not an address: {first:?}"))?;
        Ok(Self {
            child,
            addr,
            exe: exe.to_path_buf(),
            prefix: prefix.iter().map(|s| s.to_string()).collect(),
            data: data.to_path_buf(),
            extra: extra.iter().map(|s| s.to_string()).collect(),
        })
    }

    /// The address it serves on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Kills it with SIGKILL (no flush, no goodbye) and waits until it is gone.
    pub async fn kill(mut self) -> Result<ExitStatus> {
        self.child.start_kill().context("sending SIGKILL")?;
        self.wait().await
    }

    /// Sends SIGTERM and waits (at most [`STEP`]) for it to exit.
    pub async fn terminate(mut self) -> Result<ExitStatus> {
        let pid = self.pid().context("the process has already exited")?;
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status()
            .await
            .context("running kill -TERM")?;
        if !sent.success() {
            bail!("kill -TERM {pid} failed: {sent}");
        }
        self.wait().await
    }

    async fn wait(&mut self) -> Result<ExitStatus> {
        tokio::time::timeout(STEP, self.child.wait())
            .await
            .with_context(|| format!("the server did not exit within {STEP:?}"))?
            .context("waiting for the server")
    }

    /// The data directory.
    pub fn data(&self) -> &Path {
        &self.data
    }

    /// Kills it with SIGKILL and starts the same program again on the same data directory.
    pub async fn kill_and_restart(self) -> Result<Self> {
        let extra = self.extra.clone();
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        self.kill_and_restart_with(&extra, |_| Ok(())).await
    }

    /// Kills it with SIGKILL, runs `between` on the data directory while no process holds it (an
    /// offline check), and starts the program again on the same data with arguments `extra`.
    pub async fn kill_and_restart_with(
        self,
        extra: &[&str],
        between: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<Self> {
        let (exe, prefix, data) = (self.exe.clone(), self.prefix.clone(), self.data.clone());
        self.kill().await?;
        between(&data)?;
        let prefix: Vec<&str> = prefix.iter().map(String::as_str).collect();
        Self::spawn_prefixed(&exe, &prefix, &data, extra).await
    }

    /// Stops it gracefully (SIGTERM) and starts it again on the same data with arguments `extra`.
    pub async fn terminate_and_restart_with(self, extra: &[&str]) -> Result<Self> {
        let (exe, prefix, data) = (self.exe.clone(), self.prefix.clone(), self.data.clone());
        let status = self.terminate().await?;
        if !status.success() {
            bail!("the server stopped with {status}");
        }
        let prefix: Vec<&str> = prefix.iter().map(String::as_str).collect();
        Self::spawn_prefixed(&exe, &prefix, &data, extra).await
    }
}

/// The command line of a server child process (`ig-test-server`, `ig-soak serve`).
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Data directory.
    #[arg(long)]
    pub data: PathBuf,
    /// Address to bind; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: Listen,
    /// The first administrator's password on an empty store.
    #[arg(long, env = "INFOGROUPS_ADMIN_PASSWORD", default_value = crate::ADMIN_PASSWORD)]
    pub admin_password: String,
    /// How often an idle watch stream gets a heartbeat, in milliseconds.
    #[arg(long)]
    pub heartbeat_ms: Option<u64>,
    /// A clock standing still at this time (UTC ms), so a test can make deadlines pass by
    /// restarting with a later one.
    #[arg(long)]
    pub clock_ms: Option<i64>,
    /// Where online backups go [default: beside the data directory].
    #[arg(long)]
    pub backup_dir: Option<PathBuf>,
    /// Events the live store keeps for replay [default: the server's].
    #[arg(long)]
    pub event_log_keep: Option<u64>,
    /// Audit records the live store keeps before archiving older ones [default: the server's].
    #[arg(long)]
    pub audit_live_keep: Option<u64>,
}

async fn signalled(signals: StopSignals, shutdown: CancellationToken) {
    signals.wait().await;
    shutdown.cancel();
}

/// Serves as a child process: binds, prints the bound address as the first line of standard
/// output, and serves until SIGINT/SIGTERM (graceful) or SIGKILL (not).
pub async fn serve(args: ServeArgs) -> Result<()> {
    let mut config = Config::new(&args.data);
    config.admin_password = Some(args.admin_password);
    config.backup_key = Some(crate::server::test_backup_key());
    if let Some(ms) = args.heartbeat_ms {
        config.heartbeat = Duration::from_millis(ms);
    }
    if let Some(ms) = args.clock_ms {
        config.clock = Clock::manual(ms);
        // A clock standing still must not expire the test's sessions.
        config.token_ttl = Duration::from_secs(10 * 365 * 24 * 3600);
    }
    if let Some(dir) = args.backup_dir {
        config.backup_dir = dir;
    }
    if let Some(n) = args.event_log_keep {
        config.log_bounds.events = n;
    }
    if let Some(n) = args.audit_live_keep {
        config.log_bounds.audit_live = n;
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    // Installed before the address is printed: the parent may send SIGTERM as soon as it reads it.
    let stop = StopSignals::install()?;
    tokio::spawn(signalled(stop, shutdown.clone()));
    let serving = tokio::spawn(launch(config, listener, shutdown));
    // The store is opened inside `launch`; connections queue in the bound listener meanwhile.
    let mut out = std::io::stdout().lock();
    writeln!(out, "{addr}")?;
    out.flush()?;
    drop(out);
    serving.await.context("the server task panicked")??;
    Ok(())
}

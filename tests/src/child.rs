//! The server as a child process (the `ig-test-server` program of this crate), so a test can
//! kill it with SIGKILL mid-write and start it again on the same data directory.
//!
//! Integration tests name the program with `env!("CARGO_BIN_EXE_ig-test-server")`; the
//! [`test_server_exe!`](crate::test_server_exe) macro expands to exactly that in the test crate.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

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
        let mut child = Command::new(exe)
            .arg("--data")
            .arg(data)
            .args(extra)
            .env_remove("INFOGROUPS_ADMIN_PASSWORD")
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
        let (exe, data) = (self.exe.clone(), self.data.clone());
        self.kill().await?;
        between(&data)?;
        Self::spawn_with(&exe, &data, extra).await
    }

    /// Stops it gracefully (SIGTERM) and starts it again on the same data with arguments `extra`.
    pub async fn terminate_and_restart_with(self, extra: &[&str]) -> Result<Self> {
        let (exe, data) = (self.exe.clone(), self.data.clone());
        let status = self.terminate().await?;
        if !status.success() {
            bail!("the server stopped with {status}");
        }
        Self::spawn_with(&exe, &data, extra).await
    }
}

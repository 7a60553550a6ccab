//! An acknowledged write is on the device (issue 19, point 1), counted from outside: the server
//! runs under `strace`, and before each write's acknowledgement reaches the client the trace must
//! already show one more `fdatasync` of the store's write-ahead log, while a burst of concurrent
//! writers shares syncs (group commit) instead of paying one each.
//!
//! `strace` is a Debian package (`apt install strace`); where it is missing the test says so and
//! checks nothing else — the store's own unit test counts the same syncs from inside.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use infogroups_tests::fixtures::save_territory;
use infogroups_tests::{ADMIN_PASSWORD, ChildServer, login, test_server_exe};

/// The `strace` program, if this machine has one.
fn strace() -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join("strace"))
        .find(|p| p.is_file())
}

/// How many `fdatasync` calls on the write-ahead log (`…/wal`) the trace shows so far. strace prints a
/// call when it returns, so a counted call has completed.
fn log_syncs(trace: &Path, data: &Path) -> Result<usize> {
    let text = std::fs::read_to_string(trace).context("reading the trace")?;
    let log = format!("{}>", data.join("wal").display());
    Ok(text
        .lines()
        .filter(|l| l.contains("fdatasync(") && l.contains(&log) && l.contains(") = 0"))
        .count())
}

/// Ends the traced server when the test ends, however it ends: killing strace detaches it from
/// the server, which would otherwise keep running (and keep the test's output pipe open).
struct Tracee(Option<u32>);

impl Tracee {
    /// The process `strace` started (its only child).
    fn of(strace_pid: u32) -> Result<Self> {
        let children =
            std::fs::read_to_string(format!("/proc/{strace_pid}/task/{strace_pid}/children"))
                .context("listing strace's children")?;
        let pid = children
            .split_whitespace()
            .next()
            .context("strace has no child")?
            .parse()
            .context("a child pid")?;
        Ok(Self(Some(pid)))
    }
}

impl Drop for Tracee {
    fn drop(&mut self) {
        if let Some(pid) = self.0.take() {
            // Best effort: there is no one to report a failure to in a drop.
            let _ = std::process::Command::new("kill")
                .arg("-KILL")
                .arg(pid.to_string())
                .status();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_follows_a_sync_of_the_log() -> Result<()> {
    let Some(strace) = strace() else {
        eprintln!("strace is not installed (apt install strace): the sync count is not checked");
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let trace = dir.path().join("trace");
    let exe = test_server_exe!().display().to_string();
    let trace_arg = trace.display().to_string();
    // -f: the flusher runs on a worker thread; -y: file paths of descriptors; the trace file is
    // written as calls return.
    let prefix = [
        "-f",
        "-y",
        "-qq",
        "-e",
        "trace=fdatasync",
        "-o",
        trace_arg.as_str(),
        exe.as_str(),
    ];
    let server = ChildServer::spawn_prefixed(&strace, &prefix, &data, &[]).await?;
    let _tracee = Tracee::of(server.pid().context("strace exited")?)?;
    let admin = login(server.addr(), "admin", ADMIN_PASSWORD).await?;

    // One writer at a time: each acknowledgement needs a sync of its own, done before it.
    for i in 0..20 {
        let before = log_syncs(&trace, &data)?;
        save_territory(&admin, &format!("Sequential {i}")).await?;
        let after = log_syncs(&trace, &data)?;
        if after <= before {
            bail!(
                "write {i} was acknowledged with no sync of the log after it ({before} → {after})"
            );
        }
    }

    // 64 writers at once: group commit shares syncs, so far fewer than one each.
    let before = log_syncs(&trace, &data)?;
    let mut writers = Vec::new();
    for i in 0..64 {
        let admin = admin.clone();
        writers.push(tokio::spawn(async move {
            save_territory(&admin, &format!("Concurrent {i}")).await
        }));
    }
    for w in writers {
        w.await??;
    }
    let burst = log_syncs(&trace, &data)? - before;
    assert!(burst >= 1, "64 acknowledged writes with no sync");
    assert!(
        burst < 64,
        "64 concurrent writes took {burst} syncs: group commit shares none"
    );
    Ok(())
}

//! `ig-ssh-bench`: many people at SSH terminals at once. Starts a server with its SSH front end
//! in this process, opens `--sessions` SSH sessions (each its own account, a real SSH client, a
//! PTY of 80×24, the screen read by a terminal emulator), waits until every one shows its work
//! screen, then has every session press keys at once — switching between its first two tabs —
//! and times each key to the first bytes of the frame it causes.
//!
//! Prints the key-to-frame p50/p99/max over every key of every session, and the resident memory
//! (VmRSS from `/proc/self/status`) before the sessions and with them open, per session. The
//! memory counts both ends (the SSH clients and their screens live in this process too), so the
//! server's own share per session is lower. The load average is printed beside: the machine is
//! shared.
//!
//! `cargo run --release -p infogroups-tests --bin ig-ssh-bench -- --sessions 100 --keys 20`

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use infogroups_shared::pb::Role;
use infogroups_tests::fixtures::{add_user, global};
use infogroups_tests::ssh::{SshFront, SshTerminal};
use infogroups_tests::{TEST_PASSWORD, TestServer};

#[derive(Parser, Debug)]
#[command(
    name = "ig-ssh-bench",
    about = "Key-to-frame and memory of many SSH sessions"
)]
struct Args {
    /// How many SSH sessions at once.
    #[arg(long, default_value_t = 100)]
    sessions: usize,
    /// Keys each session presses.
    #[arg(long, default_value_t = 20)]
    keys: usize,
}

/// Resident memory of this process, KiB.
fn rss_kib() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .context("no VmRSS")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

/// One session presses `keys` keys, each after the previous one's frame; the times.
async fn press(mut term: SshTerminal, keys: usize) -> Result<(SshTerminal, Vec<Duration>)> {
    let mut times = Vec::with_capacity(keys);
    for i in 0..keys {
        let key: &[u8] = if i % 2 == 0 { b"2" } else { b"1" };
        let sent = Instant::now();
        term.send(key).await?;
        // The first bytes after the key are its frame: nothing else changes these screens.
        if !term.read_some(Duration::from_secs(30)).await? {
            bail!("no frame within 30 s of a key");
        }
        times.push(sent.elapsed());
        // Take the rest of the frame before the next key.
        while term.read_some(Duration::from_millis(30)).await? {}
    }
    Ok((term, times))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::parse();
    let server = TestServer::start_default().await?;
    let front = SshFront::start(&server).await?;
    let mut names = Vec::new();
    for i in 0..args.sessions {
        let name = format!("ssh{i:03}");
        add_user(server.db(), &name, &[global(Role::Executor)]).await?;
        names.push(name);
    }
    let before = rss_kib()?;
    let opened = Instant::now();
    let mut terms = Vec::new();
    for name in &names {
        let mut term = SshTerminal::open(&front, name, TEST_PASSWORD, (80, 24))
            .await?
            .map_err(|e| anyhow::anyhow!("{name}: {e:?}"))?;
        term.wait_for("подключено", Duration::from_secs(60)).await?;
        terms.push(term);
    }
    let open_time = opened.elapsed();
    // Let the sessions settle (their first frames, the sync's snapshot) before measuring.
    for term in &mut terms {
        while term.read_some(Duration::from_millis(20)).await? {}
    }
    let with = rss_kib()?;
    let tasks: Vec<_> = terms
        .into_iter()
        .map(|t| tokio::spawn(press(t, args.keys)))
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        let (_term, times) = task.await??;
        all.extend(times);
    }
    all.sort();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "sessions {}  opened in {:.1} s  keys {}",
        args.sessions,
        open_time.as_secs_f64(),
        all.len()
    );
    println!(
        "key-to-frame  p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    println!(
        "memory  before {} MiB  with the sessions {} MiB  per session {} KiB (both ends)",
        before / 1024,
        with / 1024,
        with.saturating_sub(before) / u64::try_from(args.sessions.max(1))?
    );
    println!("load average {}", load.trim());
    Ok(())
}

//! `ig-soak`: a long steady load — 200 watching and 50 writing clients for 10 minutes by default —
//! against the server in a child process (this same program, `ig-soak serve`), so its memory can be
//! sampled from `/proc/<pid>/status`. Reports write throughput and latency percentiles, errors,
//! the delay from commit to each watcher, whether every watcher received every event, and the
//! server's resident memory over time with a linear-fit slope. Exits non-zero on any error.
//!
//! `cargo run --release -p infogroups-tests --bin ig-soak -- [--seconds 600] [--rate 100]`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use infogroups_server::Config;
use infogroups_shared::pb;
use infogroups_tests::child::{ServeArgs, serve};
use infogroups_tests::fixtures::{id_of, save_territory, version_of};
use infogroups_tests::watch::events_through;
use infogroups_tests::{ADMIN_PASSWORD, Authed, ChildServer, Received, login, next_message};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    name = "ig-soak",
    about = "A long steady load: throughput, latency, delivery and server memory over time"
)]
struct Cli {
    #[command(subcommand)]
    child: Option<Child>,
    #[command(flatten)]
    run: Run,
}

#[derive(Subcommand)]
enum Child {
    /// The measured server (started by the program itself).
    #[command(hide = true)]
    Serve(ServeArgs),
}

#[derive(clap::Args, Debug)]
struct Run {
    /// How long the steady load runs, in seconds.
    #[arg(long, default_value_t = 600)]
    seconds: u64,
    /// Watching clients, one connection each.
    #[arg(long, default_value_t = 200)]
    watchers: usize,
    /// Writing clients, one connection each.
    #[arg(long, default_value_t = 50)]
    writers: usize,
    /// Writes per second, all writers together, evenly spread.
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// How often the server's memory is sampled, in seconds.
    #[arg(long, default_value_t = 5)]
    sample_secs: u64,
    /// Events the server keeps for replay [default: the server's].
    #[arg(long)]
    event_log_keep: Option<u64>,
    /// Audit records the server keeps in its live store [default: the server's].
    #[arg(long)]
    audit_live_keep: Option<u64>,
}

/// Quantiles of a sorted sample.
fn quantile<T: Copy>(sorted: &[T], q: f64) -> Option<T> {
    let last = sorted.len().checked_sub(1)?;
    let i = ((sorted.len() as f64) * q) as usize;
    Some(sorted[i.min(last)])
}

/// Least-squares slope of `y` over `x`.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let (num, den) = points.iter().fold((0.0, 0.0), |(num, den), (x, y)| {
        (num + (x - mx) * (y - my), den + (x - mx) * (x - mx))
    });
    if den == 0.0 { 0.0 } else { num / den }
}

/// The resident set of process `pid`, in KiB.
fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS line")
}

/// The bytes the store's files take on disk.
fn disk_bytes(dir: &std::path::Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            disk_bytes(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

/// The key space of a store key: `e` and the kind byte for entities, otherwise the key up to its
/// first `/` (`v` events, `a` audit records, `s` sessions…).
fn key_space(key: &[u8]) -> String {
    match key {
        [b'e', kind, ..] => format!("e{kind}"),
        _ => {
            let end = key.iter().position(|b| *b == b'/').unwrap_or(key.len());
            String::from_utf8_lossy(&key[..end]).into_owned()
        }
    }
}

/// What the engine itself holds, by key space: (entries, bytes of keys and values). Read with
/// sled directly, so entries moved out of the engine are not counted.
fn census(dir: &std::path::Path) -> Result<std::collections::BTreeMap<String, (u64, u64)>> {
    let db = sled::Config::new().path(dir).open()?;
    let mut out = std::collections::BTreeMap::<String, (u64, u64)>::new();
    for item in db.iter() {
        let (k, v) = item?;
        let e = out.entry(key_space(&k)).or_default();
        e.0 += 1;
        e.1 += (k.len() + v.len()) as u64;
    }
    Ok(out)
}

/// What one writer saw.
#[derive(Default)]
struct Written {
    latencies: Vec<Duration>,
    errors: Vec<String>,
}

/// Updates its own territory at a steady pace until `stop`.
async fn writer(
    me: Authed,
    mut territory: pb::Territory,
    period: Duration,
    offset: Duration,
    stop: CancellationToken,
    done: Arc<AtomicU64>,
) -> Written {
    let mut out = Written::default();
    let start = tokio::time::Instant::now() + offset;
    let mut tick = tokio::time::interval_at(start, period);
    // After a stall, keep the spacing instead of catching up in a burst.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for i in 0u64.. {
        tokio::select! {
            () = stop.cancelled() => break,
            _ = tick.tick() => {}
        }
        territory.name = format!("Микрорайон {} (правка {i})", id_of(territory.meta));
        let request = pb::SaveTerritoryRequest {
            request_id: String::new(),
            expected_version: version_of(territory.meta),
            territory: Some(territory.clone()),
        };
        let sent = Instant::now();
        match me.directory().save_territory(request).await {
            Ok(answer) => {
                out.latencies.push(sent.elapsed());
                territory = answer.into_inner();
                done.fetch_add(1, Ordering::Relaxed);
            }
            Err(status) => out
                .errors
                .push(format!("{:?}: {}", status.code(), status.message())),
        }
    }
    out
}

/// What one watcher saw.
#[derive(Default)]
struct Watched {
    /// Events received.
    events: u64,
    /// The last sequence number received.
    last: u64,
    /// Events that did not follow the previous one by exactly 1.
    gaps: u64,
    /// Commit-to-receipt delays, ms, one count per millisecond.
    lag_ms: Vec<u64>,
    /// Anything but events and heartbeats.
    errors: Vec<String>,
}

const LAG_BUCKETS: usize = 60_000;

/// Reads the stream until an event with `seq >= target` arrived after `stop`, or nothing arrives
/// for a minute.
async fn watcher(
    me: Authed,
    since: u64,
    stop: CancellationToken,
    target: Arc<AtomicU64>,
) -> Watched {
    let mut out = Watched {
        last: since,
        lag_ms: vec![0; LAG_BUCKETS],
        ..Watched::default()
    };
    let mut stream = match me.watch(since).await {
        Ok(s) => s,
        Err(e) => {
            out.errors.push(format!("Watch: {e:#}"));
            return out;
        }
    };
    loop {
        if stop.is_cancelled() && out.last >= target.load(Ordering::SeqCst) {
            break;
        }
        match next_message(&mut stream, Duration::from_secs(60)).await {
            Ok(Received::Message(pb::WatchEvent {
                kind: Some(pb::watch_event::Kind::Event(ev)),
            })) => {
                let now = chrono::Utc::now().timestamp_millis();
                let lag = usize::try_from(now.saturating_sub(ev.at_ms)).unwrap_or(0);
                out.lag_ms[lag.min(LAG_BUCKETS - 1)] += 1;
                if ev.seq != out.last + 1 {
                    out.gaps += 1;
                }
                out.last = ev.seq;
                out.events += 1;
            }
            Ok(Received::Message(pb::WatchEvent {
                kind: Some(pb::watch_event::Kind::Heartbeat(_)),
            })) => {}
            Ok(other) => {
                out.errors.push(format!("{other:?}"));
                break;
            }
            Err(e) => {
                out.errors.push(format!("{e:#}"));
                break;
            }
        }
    }
    out
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    if matches!(cli.child, Some(Child::Serve(_))) {
        // The measured server tunes its allocator as the real server binary does, before the
        // runtime starts its threads.
        infogroups_server::allocator::tune();
    }
    tokio::runtime::Runtime::new()?.block_on(soak(cli))
}

async fn soak(cli: Cli) -> Result<()> {
    if let Some(Child::Serve(args)) = cli.child {
        return serve(args).await;
    }
    let run = cli.run;
    if run.writers == 0 || run.rate <= 0.0 {
        bail!("--writers and --rate must be positive");
    }
    let dir = tempfile::tempdir()?;
    let exe = std::env::current_exe()?;
    let mut bounds = Vec::new();
    if let Some(n) = run.event_log_keep {
        bounds.extend(["--event-log-keep".to_string(), n.to_string()]);
    }
    if let Some(n) = run.audit_live_keep {
        bounds.extend(["--audit-live-keep".to_string(), n.to_string()]);
    }
    let bounds: Vec<&str> = bounds.iter().map(String::as_str).collect();
    let server = ChildServer::spawn_prefixed(&exe, &["serve"], dir.path(), &bounds).await?;
    let pid = server.pid().context("no server pid")?;
    let addr = server.addr();
    println!(
        "ig-soak: server pid {pid} on {addr}; {} watchers, {} writers, {} writes/s for {} s",
        run.watchers, run.writers, run.rate, run.seconds
    );
    let admin = login(addr, "admin", ADMIN_PASSWORD).await?;
    let mut territories = Vec::new();
    for w in 0..run.writers {
        territories.push(save_territory(&admin, &format!("Микрорайон {w}")).await?);
    }
    let since = admin.published_seq().await?;

    let stop = CancellationToken::new();
    let target = Arc::new(AtomicU64::new(u64::MAX));
    let mut watchers = Vec::new();
    for _ in 0..run.watchers {
        let me = admin.reconnect(addr).await?;
        watchers.push(tokio::spawn(watcher(
            me,
            since,
            stop.clone(),
            target.clone(),
        )));
    }
    let period = Duration::from_secs_f64(run.writers as f64 / run.rate);
    let done = Arc::new(AtomicU64::new(0));
    let write_stop = CancellationToken::new();
    let mut writers = Vec::new();
    for (w, territory) in territories.into_iter().enumerate() {
        let me = admin.reconnect(addr).await?;
        // Spread the writers over one period, so the load is steady rather than in waves.
        let offset = period.mul_f64(w as f64 / run.writers as f64);
        writers.push(tokio::spawn(writer(
            me,
            territory,
            period,
            offset,
            write_stop.clone(),
            done.clone(),
        )));
    }

    let started = Instant::now();
    // (seconds, server RSS KiB, store bytes on disk)
    let mut memory: Vec<(f64, u64, u64)> = Vec::new();
    let mut sample = tokio::time::interval(Duration::from_secs(run.sample_secs.max(1)));
    while started.elapsed() < Duration::from_secs(run.seconds) {
        sample.tick().await;
        let t = started.elapsed().as_secs_f64();
        let rss = rss_kib(pid)?;
        let disk = disk_bytes(dir.path())?;
        memory.push((t, rss, disk));
        println!(
            "  t={t:>6.0} s  writes {:>8}  server RSS {:>7.1} MiB  store on disk {:>7.1} MiB",
            done.load(Ordering::Relaxed),
            rss as f64 / 1024.0,
            disk as f64 / 1048576.0
        );
    }
    write_stop.cancel();
    let elapsed = started.elapsed();
    let mut written = Written::default();
    for w in writers {
        let mut one = w.await?;
        written.latencies.append(&mut one.latencies);
        written.errors.append(&mut one.errors);
    }
    let last = admin.published_seq().await?;
    target.store(last, Ordering::SeqCst);
    stop.cancel();
    let mut watched = Vec::new();
    for w in watchers {
        watched.push(w.await?);
    }
    drop(admin);
    let status = server.terminate().await?;
    let held = census(dir.path())?;
    // What a fresh server holds on the same store after replaying the log it keeps and taking a
    // snapshot: the floor that the running server's memory is compared with.
    let fresh = ChildServer::spawn_prefixed(&exe, &["serve"], dir.path(), &bounds).await?;
    let admin = login(fresh.addr(), "admin", ADMIN_PASSWORD).await?;
    let kept = run
        .event_log_keep
        .unwrap_or(Config::new(dir.path()).log_bounds.events);
    let mut log = admin.watch(last.saturating_sub(kept)).await?;
    events_through(&mut log, last, Duration::from_secs(60)).await?;
    drop(log);
    admin.sync().snapshot(pb::SnapshotRequest {}).await?;
    let fresh_rss = rss_kib(fresh.pid().context("no pid")?)?;
    drop(admin);
    fresh.terminate().await?;

    // Report.
    let writes = written.latencies.len();
    written.latencies.sort();
    let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    println!(
        "\nwrites: {writes} in {:.0} s = {:.1} writes/s (asked {}), errors {}",
        elapsed.as_secs_f64(),
        writes as f64 / elapsed.as_secs_f64(),
        run.rate,
        written.errors.len()
    );
    for e in written.errors.iter().take(5) {
        println!("  write error: {e}");
    }
    println!(
        "write latency (SaveTerritory update, durable): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(quantile(&written.latencies, 0.50)),
        ms(quantile(&written.latencies, 0.95)),
        ms(quantile(&written.latencies, 0.99)),
        ms(written.latencies.last().copied())
    );
    let expected = last - since;
    let mut lag = vec![0u64; LAG_BUCKETS];
    let (mut short, mut gaps, mut watch_errors, mut delivered) = (0, 0, 0, 0);
    for w in &watched {
        for (i, n) in w.lag_ms.iter().enumerate() {
            lag[i] += n;
        }
        short += usize::from(w.events != expected);
        gaps += w.gaps;
        watch_errors += w.errors.len();
        delivered += w.events;
        for e in w.errors.iter().take(1) {
            println!("  watcher error: {e}");
        }
    }
    let total: u64 = lag.iter().sum();
    let lag_q = |q: f64| {
        let want = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        lag.iter()
            .position(|n| {
                seen += n;
                seen >= want
            })
            .unwrap_or(0)
    };
    let lag_max = lag.iter().rposition(|n| *n > 0).unwrap_or(0);
    println!(
        "watchers: {} × {expected} events expected, {delivered} delivered ({:.0}/s); {short} \
         watchers short, {gaps} gaps, {watch_errors} errors",
        watched.len(),
        delivered as f64 / elapsed.as_secs_f64()
    );
    println!(
        "commit-to-watcher delay: p50 {} ms, p95 {} ms, p99 {} ms, max {lag_max} ms",
        lag_q(0.50),
        lag_q(0.95),
        lag_q(0.99)
    );
    let points: Vec<(f64, f64)> = memory
        .iter()
        .map(|(t, kib, _)| (t / 60.0, *kib as f64 / 1024.0))
        .collect();
    let disk: Vec<(f64, f64)> = memory
        .iter()
        .map(|(t, _, bytes)| (t / 60.0, *bytes as f64 / 1048576.0))
        .collect();
    let half = &points[points.len() / 2..];
    let mib: Vec<f64> = points.iter().map(|p| p.1).collect();
    println!(
        "server RSS: first {:.1} MiB, last {:.1} MiB, min {:.1}, max {:.1}; slope {:+.2} MiB/min over \
         the run, {:+.2} MiB/min over its second half",
        mib.first().copied().unwrap_or(0.0),
        mib.last().copied().unwrap_or(0.0),
        mib.iter().copied().fold(f64::INFINITY, f64::min),
        mib.iter().copied().fold(0.0, f64::max),
        slope(&points),
        slope(half)
    );
    let series: Vec<String> = points
        .iter()
        .step_by((points.len() / 20).max(1))
        .map(|(t, m)| format!("{t:.1}:{m:.0}"))
        .collect();
    println!("RSS series (minute:MiB): {}", series.join(" "));
    println!(
        "store on disk: {:.1} MiB at the end, slope {:+.2} MiB/min; a fresh server on the same \
         store after replaying the kept log: {:.1} MiB RSS",
        disk.last().map_or(0.0, |p| p.1),
        slope(&disk),
        fresh_rss as f64 / 1024.0
    );
    let held: Vec<String> = held
        .iter()
        .map(|(space, (n, bytes))| format!("{space} {n} ({:.1} MiB)", *bytes as f64 / 1048576.0))
        .collect();
    println!(
        "keys in the engine at the end, by space: {}",
        held.join(", ")
    );
    println!("server exit: {status}");
    if !written.errors.is_empty() || short > 0 || gaps > 0 || watch_errors > 0 || !status.success()
    {
        bail!("the soak saw errors");
    }
    Ok(())
}

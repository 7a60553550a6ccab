//! `ig-open-bench`: how long the server takes to open a store filled by `ig-gen`, what it holds
//! in memory once open, and what the store takes on disk against its logical size.
//!
//! Run it in release, after `ig-gen`:
//! `cargo run --release -p infogroups-tests --bin ig-open-bench -- --data /tmp/ig1m`
//! (add `--cold` to drop the system's page cache first: that needs root).
//!
//! It opens the store exactly as the server does (`Server::open`: the store's files, the
//! write-ahead log, the fact tables, the classifier and the calendar), prints the open time, the
//! resident memory (VmRSS, and the peak VmHWM) from `/proc/self/status`, the fact tables' own
//! size, then the files of the store and — unless `--no-logical` — the logical size (every key
//! and value once, as a backup copies them). The store is closed cleanly at the end, then opened
//! once more to time a reopen while serving (what `LiveStore::reopen_if_due` holds writers for).
//! The load
//! average is printed beside the figures: the machine is shared. With `RUST_LOG=debug` the
//! server's own timing lines show each step of the open.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;
use infogroups_server::files::LiveStore;
use infogroups_server::logging::{self, LogFormat};
use infogroups_server::{Clock, Config, Server};

#[derive(Parser, Debug)]
#[command(
    name = "ig-open-bench",
    about = "Open time, memory and disk of a large store"
)]
struct Args {
    /// The data directory `ig-gen` filled.
    #[arg(long)]
    data: PathBuf,
    /// Drop the system's page cache first (`sync`, then 3 into /proc/sys/vm/drop_caches), so the
    /// open reads every byte from the device. Needs root.
    #[arg(long)]
    cold: bool,
    /// sled's page cache in MiB (`store_cache_mb` in the configuration); the server's default
    /// when absent.
    #[arg(long)]
    cache_mb: Option<u64>,
    /// Skip the logical size (reading every entry takes seconds at a million appeals).
    #[arg(long)]
    no_logical: bool,
}

/// A field of `/proc/self/status` in MiB (`VmRSS`, `VmHWM`).
fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The bytes the files under `path` occupy on disk (allocated blocks, not apparent length).
fn disk_bytes(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if meta.is_dir() {
        std::fs::read_dir(path)
            .map(|d| d.flatten().map(|e| disk_bytes(&e.path())).sum())
            .unwrap_or(0)
    } else {
        meta.blocks() * 512
    }
}

fn drop_caches() -> Result<()> {
    let synced = std::process::Command::new("sync").status()?;
    if !synced.success() {
        bail!("sync failed: {synced}");
    }
    std::fs::write("/proc/sys/vm/drop_caches", "3")
        .context("dropping the page cache (--cold needs root)")?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    logging::init(LogFormat::Text);
    if !args.data.exists() {
        bail!("{} does not exist: run ig-gen first", args.data.display());
    }
    if args.cold {
        drop_caches()?;
    }
    let mut config = Config::new(&args.data);
    config.clock = Clock::system();
    config.deadline_timer = false;
    if let Some(mb) = args.cache_mb {
        config.store_cache_bytes = mb.max(1) << 20;
    }
    let cache_bytes = config.store_cache_bytes;
    let cache_mib = mib(cache_bytes);
    let rss_before = status_mib("VmRSS:");
    let load_before = loadavg();
    let started = Instant::now();
    let server = Server::open(config).await.context("opening the server")?;
    let open = started.elapsed();
    let (rss, hwm) = (status_mib("VmRSS:"), status_mib("VmHWM:"));
    let db = server.db().clone();
    let (appeals, assignments, fact_bytes) = {
        let f = db.facts()?;
        (f.appeals.len(), f.assignments.len(), f.heap_bytes())
    };
    println!(
        "store {}: {appeals} appeals, {assignments} assignments",
        args.data.display()
    );
    println!(
        "open ({}, sled cache {cache_mib:.0} MiB): {:.3} s; load average {load_before} before, {} after",
        if args.cold {
            "cold: page cache dropped"
        } else {
            "warm"
        },
        open.as_secs_f64(),
        loadavg()
    );
    println!(
        "memory after open: VmRSS {rss:.0} MiB (before open {rss_before:.0}), peak VmHWM \
         {hwm:.0} MiB; fact tables {:.0} MiB",
        mib(fact_bytes as u64)
    );
    let mut files: Vec<(String, u64)> = std::fs::read_dir(&args.data)?
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                disk_bytes(&e.path()),
            )
        })
        .collect();
    files.sort();
    let on_disk: u64 = files.iter().map(|(_, b)| b).sum();
    let listed: Vec<String> = files
        .iter()
        .map(|(n, b)| format!("{n} {:.0}", mib(*b)))
        .collect();
    println!(
        "on disk: {:.0} MiB ({} MiB)",
        mib(on_disk),
        listed.join(", ")
    );
    if !args.no_logical {
        let mut logical = 0u64;
        db.store().for_each(&mut |k, v| {
            logical += (k.len() + v.len()) as u64;
            Ok(())
        })?;
        println!(
            "logical (every key and value once): {:.0} MiB; on disk {:.2}× that",
            mib(logical),
            on_disk as f64 / logical.max(1) as f64
        );
    }
    db.close().await?;
    drop(db);
    drop(server);
    // What a reopen while serving holds the writers for (`LiveStore::reopen_if_due`, here due at
    // once): closing sled and opening it again, without the fact tables.
    let live = LiveStore::open_with(&args.data, cache_bytes, 0).context("opening the store")?;
    let held = Instant::now();
    live.reopen_if_due()?;
    println!(
        "reopen while serving: writers held {:.3} s; load average {}",
        held.elapsed().as_secs_f64(),
        loadavg()
    );
    Ok(())
}

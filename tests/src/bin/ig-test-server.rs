//! `ig-test-server`: the Infogroups server as a child process for crash tests. It binds
//! `127.0.0.1:0` (or `--listen`), prints the bound address as the first line of its standard
//! output, and serves until SIGINT/SIGTERM (graceful) or SIGKILL (not).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use infogroups_server::{Clock, Config, launch};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    name = "ig-test-server",
    about = "The Infogroups server for crash tests"
)]
struct Args {
    /// Data directory.
    #[arg(long)]
    data: PathBuf,
    /// Address to bind; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The first administrator's password on an empty store.
    #[arg(long, env = "INFOGROUPS_ADMIN_PASSWORD", default_value = infogroups_tests::ADMIN_PASSWORD)]
    admin_password: String,
    /// How often the overdue marking runs, in milliseconds.
    #[arg(long)]
    clock_every_ms: Option<u64>,
    /// How often an idle watch stream gets a heartbeat, in milliseconds.
    #[arg(long)]
    heartbeat_ms: Option<u64>,
    /// A clock standing still at this time (UTC ms), so a test can make deadlines pass by
    /// restarting with a later one.
    #[arg(long)]
    clock_ms: Option<i64>,
    /// Where online backups go [default: beside the data directory].
    #[arg(long)]
    backup_dir: Option<PathBuf>,
}

async fn signalled(shutdown: CancellationToken) {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
    shutdown.cancel();
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let mut config = Config::new(&args.data);
    config.admin_password = Some(args.admin_password);
    if let Some(ms) = args.clock_every_ms {
        config.clock_every = Duration::from_millis(ms);
    }
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
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    tokio::spawn(signalled(shutdown.clone()));
    let serving = tokio::spawn(launch(config, listener, shutdown));
    // The store is opened inside `launch`; connections queue in the bound listener meanwhile.
    let mut out = std::io::stdout().lock();
    writeln!(out, "{addr}")?;
    out.flush()?;
    drop(out);
    serving.await.context("the server task panicked")??;
    Ok(())
}

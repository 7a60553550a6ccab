//! `ig-test-server`: the Infogroups server as a child process for crash tests. It binds
//! `127.0.0.1:0` (or `--listen`), prints the bound address as the first line of its standard
//! output, and serves until SIGINT/SIGTERM (graceful) or SIGKILL (not).

use anyhow::Result;
use clap::Parser;
use infogroups_tests::child::{ServeArgs, serve};

#[derive(Parser)]
#[command(
    name = "ig-test-server",
    about = "The Infogroups server for crash tests"
)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

#[tokio::main]
async fn main() -> Result<()> {
    serve(Args::parse().serve).await
}

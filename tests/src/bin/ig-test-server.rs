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

fn main() -> Result<()> {
    // As the real server binary does, before the runtime starts its threads.
    infogroups_server::allocator::tune();
    tokio::runtime::Runtime::new()?.block_on(serve(Args::parse().serve))
}

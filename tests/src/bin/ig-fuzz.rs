//! `ig-fuzz`: the bad-input fuzzer of `infogroups_tests::fuzz` for a time budget. Every RPC of the
//! API, every caller, requests generated from the descriptor set with hostile values and mangled
//! bytes; prints the cases run, the answers' histogram and every failure with its seed.
//!
//! Run it in release: `cargo run --release -p infogroups-tests --bin ig-fuzz -- --seconds 600`.
//! Exits non-zero when any case failed. The server runs in this process on a temporary directory
//! and is replaced by a fresh one (a fresh city) every `--world-cases` cases, so that earlier
//! cases (an archived account, a changed password) do not stop later ones from reaching deep.

use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Parser;
use infogroups_tests::TestServer;
use infogroups_tests::fuzz::{self, Tally, World};

#[derive(Parser, Debug)]
#[command(name = "ig-fuzz", about = "Bad-input fuzzing of every RPC")]
struct Args {
    /// How long to run, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Stop after this many cases even if time is left.
    #[arg(long)]
    cases: Option<u64>,
    /// The base seed (case `i` uses `seed + i`); random when absent.
    #[arg(long)]
    seed: Option<u64>,
    /// Cases per fresh server and city.
    #[arg(long, default_value_t = 2000)]
    world_cases: u64,
}

/// Cases run between two checks of the clock and progress lines.
const CHUNK: u64 = 100;

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let seed = args.seed.unwrap_or_else(rand::random);
    let methods = fuzz::methods()?;
    println!(
        "ig-fuzz: {} methods, seed {seed}, {} s, {} cases per world",
        methods.len(),
        args.seconds,
        args.world_cases
    );
    let started = Instant::now();
    let budget = Duration::from_secs(args.seconds);
    let limit = args.cases.unwrap_or(u64::MAX);
    let mut tally = Tally::default();
    let mut worlds = 0u64;
    let mut next = 0u64;
    'worlds: while started.elapsed() < budget && next < limit {
        let server = TestServer::start(fuzz::server_config).await?;
        let mut world = World::build(&server).await?;
        worlds += 1;
        let first = worlds.saturating_sub(1) * args.world_cases;
        next = next.max(first);
        while next < first + args.world_cases {
            if started.elapsed() >= budget || next >= limit {
                drop(world);
                server.stop().await?;
                break 'worlds;
            }
            let n = CHUNK.min(first + args.world_cases - next).min(limit - next);
            fuzz::run_round(&server, &mut world, &methods, seed, next, n, &mut tally).await?;
            next += n;
            if tally.cases % 1000 < CHUNK {
                println!(
                    "{:>6.0} s  {} cases  {} failures",
                    started.elapsed().as_secs_f64(),
                    tally.cases,
                    tally.failures.len()
                );
            }
        }
        drop(world);
        server.stop().await?;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "\n{} cases in {secs:.0} s ({:.0}/s) over {worlds} worlds, seed {seed}",
        tally.cases,
        tally.cases as f64 / secs.max(0.001)
    );
    println!("answers:\n{}", tally.histogram());
    let fewest = tally.per_method.iter().min_by_key(|(_, n)| **n);
    let succeeded = tally.ok_per_method.len();
    println!(
        "methods: {} tried (fewest cases: {:?}), {succeeded} answered Ok at least once",
        tally.per_method.len(),
        fewest
    );
    if tally.failures.is_empty() {
        println!("failures: none");
        return Ok(());
    }
    println!("failures: {}", tally.failures.len());
    for f in tally.failures.iter().take(50) {
        println!("  {f}");
    }
    println!(
        "replay: ig-fuzz --seed {seed} --world-cases {} --cases <case number + 1>",
        args.world_cases
    );
    std::process::exit(1);
}

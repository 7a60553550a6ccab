//! The descriptor-driven fuzzer (`infogroups_tests::fuzz`) at CI size: every RPC of the API, as
//! every caller, with generated hostile requests. `IG_FUZZ_ROUNDS` raises the number of rounds
//! (one round tries every method as every caller once); `IG_FUZZ_SEED` fixes the base seed; the
//! long run is the `ig-fuzz` program.

use std::collections::BTreeSet;

use infogroups_server::server::SERVICES;
use infogroups_tests::TestServer;
use infogroups_tests::fuzz::{self, Tally, World};

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

#[test]
fn every_service_in_the_descriptor_is_served_and_fuzzed() {
    let methods = fuzz::methods().expect("methods");
    let described: BTreeSet<String> = methods
        .iter()
        .filter_map(|m| m.path.split('/').nth(1).map(str::to_string))
        .collect();
    let served: BTreeSet<String> = SERVICES.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        described, served,
        "every service of proto/ must be served (and so fuzzed)"
    );
    assert!(methods.len() > 70, "the whole API: {}", methods.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rpc_answers_hostile_requests_cleanly_and_writes_nothing_it_refuses() {
    let rounds = env_u64("IG_FUZZ_ROUNDS").unwrap_or(2);
    let seed = env_u64("IG_FUZZ_SEED").unwrap_or_else(rand::random);
    println!("seed {seed} (IG_FUZZ_SEED replays it), {rounds} round(s)");
    let methods = fuzz::methods().expect("methods");
    let server = TestServer::start(fuzz::server_config)
        .await
        .expect("server");
    let mut world = World::build(&server).await.expect("world");
    let per_round = (methods.len() * world.callers.len()) as u64;
    let mut tally = Tally::default();
    fuzz::run_round(
        &server,
        &mut world,
        &methods,
        seed,
        0,
        per_round * rounds,
        &mut tally,
    )
    .await
    .expect("fuzzing");
    println!("{} cases\n{}", tally.cases, tally.histogram());
    drop(world);
    server.stop().await.expect("stop");
    assert!(
        tally.failures.is_empty(),
        "{} failure(s) with seed {seed}:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    for m in &methods {
        let n = tally.per_method.get(&m.name).copied().unwrap_or(0);
        assert!(n > 0, "{} was never called", m.name);
    }
    assert!(
        tally.ok_per_method.len() * 4 > methods.len(),
        "too few methods ever accepted a generated request ({} of {}): the generator no longer \
         reaches past validation",
        tally.ok_per_method.len(),
        methods.len()
    );
}

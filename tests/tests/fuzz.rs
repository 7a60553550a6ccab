//! The descriptor-driven fuzzer (`infogroups_tests::fuzz`) at CI size: every RPC of the API, as
//! every caller, with generated hostile requests. `IG_FUZZ_ROUNDS` raises the number of rounds
//! (one round tries every method as every caller once); `IG_FUZZ_SEED` fixes the base seed; the
//! long run is the `ig-fuzz` program.
//!
//! And the request size limits: a request over the configured size is refused before it is
//! parsed, with a clean status, nothing is written, and the same connection goes on serving;
//! under the size limit, the per-field length limits of validation answer with the field named.

use std::collections::BTreeSet;

use infogroups_server::server::SERVICES;
use infogroups_shared::pb;
use infogroups_shared::validate::{FieldError, MAX_LINE};
use infogroups_tests::TestServer;
use infogroups_tests::fixtures::territory_request;
use infogroups_tests::fuzz::{self, Tally, World};
use infogroups_tests::{code_of, try_login};
use tonic::Code;

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

/// The limit the tests configure: small, so an oversized request is cheap to send.
const LIMIT: usize = 64 * 1024;

fn oversized(code: Code) -> bool {
    // tonic refuses a message over the decoding limit with OutOfRange; ResourceExhausted is the
    // other answer gRPC implementations give.
    matches!(code, Code::OutOfRange | Code::ResourceExhausted)
}

#[tokio::test]
async fn an_oversized_request_is_refused_cleanly_and_the_server_keeps_serving() {
    let server = TestServer::start(|c| {
        c.max_request_bytes = LIMIT;
        c.max_login_request_bytes = 1024;
    })
    .await
    .expect("server");
    let admin = server.admin().await.expect("admin");
    let before = server.db().published_seq();

    let mut huge = territory_request("Микрорайон");
    huge.territory.as_mut().expect("territory").description = "ж".repeat(LIMIT);
    let answer = admin.directory().save_territory(huge).await;
    assert!(oversized(code_of(&answer)), "{answer:?}");
    assert_eq!(server.db().published_seq(), before, "nothing written");

    // Under the size limit, validation's own length limits name the field.
    let mut long = territory_request("Микрорайон");
    long.territory.as_mut().expect("territory").name = "ж".repeat(MAX_LINE + 1);
    let refused = admin
        .directory()
        .save_territory(long)
        .await
        .expect_err("too long a name");
    let field = FieldError::from_status(&refused).expect("a field error");
    assert_eq!(field.field, "territory.name");
    assert_eq!(server.db().published_seq(), before, "nothing written");

    // The same connection serves the next request.
    admin
        .directory()
        .save_territory(territory_request("Микрорайон Соцгород"))
        .await
        .expect("a normal request after the oversized one");
    assert_eq!(server.db().published_seq(), before + 1);

    // Logins come before authentication and have a tighter limit of their own.
    let login = try_login(server.addr(), "admin", &"x".repeat(2048))
        .await
        .expect("connect")
        .expect_err("an oversized login");
    assert!(oversized(login.code()), "{login:?}");
    server.admin().await.expect("a normal login after it");
    let who = admin.auth().who_am_i(pb::WhoAmIRequest {}).await;
    assert_eq!(code_of(&who), Code::Ok);
    drop(admin);
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn a_connection_holds_at_most_the_configured_number_of_streams() {
    let server = TestServer::start(|c| c.max_concurrent_streams = 2)
        .await
        .expect("server");
    let admin = server.admin().await.expect("admin");
    let seq = server.db().published_seq();
    // Two watch streams fill the connection's allowance.
    let first = admin.watch(seq).await.expect("the first watch");
    let _second = admin.watch(seq).await.expect("the second watch");
    // A third request on the same connection waits for a free stream: the server said two.
    let directory = admin.directory();
    let mut third = tokio::spawn(async move {
        let mut directory = directory;
        directory
            .save_territory(territory_request("Микрорайон Заречный"))
            .await
    });
    let waited = tokio::time::timeout(std::time::Duration::from_millis(300), &mut third).await;
    assert!(
        waited.is_err(),
        "the third stream opened beside two: {waited:?}"
    );
    assert_eq!(server.db().published_seq(), seq, "nothing written yet");
    // One watch ends; the waiting request goes through.
    drop(first);
    let answer = third.await.expect("the task");
    assert_eq!(code_of(&answer), Code::Ok, "{answer:?}");
    assert_eq!(server.db().published_seq(), seq + 1);
    server.stop().await.expect("stop");
}

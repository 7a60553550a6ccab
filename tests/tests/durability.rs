//! Crash safety: the server runs as a child process, eight clients write, the server is killed
//! with SIGKILL at a random moment, restarted on the same data, and every acknowledged write must
//! be there, the event log without a gap. `IG_CRASH_SEED` and `IG_CRASH_ROUNDS` replay or
//! lengthen a run.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use infogroups_shared::pb;
use infogroups_tests::fixtures::{id_of, territory_request};
use infogroups_tests::watch::{check_contiguous, entity_of, events_through};
use infogroups_tests::{ADMIN_PASSWORD, Authed, ChildServer, STEP, login, test_server_exe};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Notify;

const WRITERS: usize = 8;

/// A create the server acknowledged, or one that was in flight when it died.
#[derive(Clone, Debug)]
struct Write {
    request: pb::SaveTerritoryRequest,
    /// The id the server answered; `None` when the answer never came.
    id: Option<u64>,
}

fn name_of(req: &pb::SaveTerritoryRequest) -> &str {
    req.territory.as_ref().map_or("", |t| t.name.as_str())
}

/// Writes until the server dies; returns every acknowledged write and the one in flight.
async fn writer(
    me: Authed,
    writer: usize,
    round: usize,
    acked: Arc<AtomicUsize>,
    kill_at: usize,
    kill: Arc<Notify>,
) -> Vec<Write> {
    let mut directory = me.directory();
    let mut out = Vec::new();
    for i in 0.. {
        let request = territory_request(&format!("Раунд {round}, клиент {writer}, запись {i}"));
        match directory.save_territory(request.clone()).await {
            Ok(answer) => {
                out.push(Write {
                    request,
                    id: Some(id_of(answer.into_inner().meta)),
                });
                if acked.fetch_add(1, Ordering::SeqCst) + 1 == kill_at {
                    kill.notify_one();
                }
            }
            Err(_) => {
                out.push(Write { request, id: None });
                break;
            }
        }
    }
    out
}

/// Checks the store after a restart: every acknowledged write present with its name, every
/// write that was in flight present at most once after being retried with its request id, and
/// the event log contiguous from 1 with one `created` event per territory.
async fn verify(admin: &Authed, writes: &mut [Write]) {
    // Retrying an unacknowledged create with its request id must give exactly one entity.
    for w in writes.iter_mut().filter(|w| w.id.is_none()) {
        let answer = admin
            .directory()
            .save_territory(w.request.clone())
            .await
            .expect("retrying an unacknowledged create");
        w.id = Some(id_of(answer.into_inner().meta));
    }
    let territories = admin
        .directory()
        .list_directory(pb::ListDirectoryRequest {
            kind: pb::DirectoryKind::Territory as i32,
            include_archived: true,
        })
        .await
        .expect("ListDirectory")
        .into_inner()
        .territories;
    let by_id: HashMap<u64, &pb::Territory> =
        territories.iter().map(|t| (id_of(t.meta), t)).collect();
    let mut names: HashMap<&str, usize> = HashMap::new();
    for t in &territories {
        *names.entry(t.name.as_str()).or_default() += 1;
    }
    for w in writes.iter() {
        let id = w.id.expect("every write has an id now");
        let stored = by_id.get(&id).unwrap_or_else(|| {
            panic!(
                "acknowledged territory {id} ({}) is lost",
                name_of(&w.request)
            )
        });
        assert_eq!(
            stored.name,
            name_of(&w.request),
            "territory {id} holds its own data"
        );
        assert_eq!(
            names.get(name_of(&w.request)),
            Some(&1),
            "{} exists once",
            name_of(&w.request)
        );
    }

    let last = admin.published_seq().await.expect("seq");
    let mut log = admin.watch(0).await.expect("watch from 0");
    let events = events_through(&mut log, last, STEP)
        .await
        .expect("the whole log");
    drop(log);
    check_contiguous(&events, 1).expect("the event log has no gaps");
    let created: HashMap<u64, usize> = events
        .iter()
        .filter(|e| e.action == pb::EventAction::Created as i32)
        .map(entity_of)
        .filter(|(kind, _)| *kind == "territory")
        .fold(HashMap::new(), |mut m, (_, id)| {
            *m.entry(id).or_default() += 1;
            m
        });
    for w in writes.iter() {
        let id = w.id.unwrap_or_default();
        assert_eq!(
            created.get(&id),
            Some(&1),
            "one created event for territory {id}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_while_eight_clients_write_loses_no_acknowledged_write() {
    let seed: u64 = std::env::var("IG_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random());
    let rounds: usize = std::env::var("IG_CRASH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    println!("crash test: seed {seed}, {rounds} rounds (IG_CRASH_SEED={seed} replays it)");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("data directory");
    let exe = test_server_exe!();
    let mut server = ChildServer::spawn(exe, dir.path()).await.expect("spawn");
    let mut writes: Vec<Write> = Vec::new();

    for round in 0..rounds {
        let admin = login(server.addr(), "admin", ADMIN_PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("round {round}: the restarted server lets admin in: {e}"));
        verify(&admin, &mut writes).await;

        // Kill after a random number of acknowledged writes, 0 meaning "as soon as they start".
        let kill_at = rng.random_range(0..=120);
        let acked = Arc::new(AtomicUsize::new(0));
        let kill = Arc::new(Notify::new());
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let me = admin.reconnect(server.addr()).await.expect("connect");
            tasks.push(tokio::spawn(writer(
                me,
                w,
                round,
                acked.clone(),
                kill_at,
                kill.clone(),
            )));
        }
        if kill_at > 0 {
            tokio::time::timeout(STEP, kill.notified())
                .await
                .unwrap_or_else(|_| {
                    panic!("round {round}: {kill_at} writes were not acknowledged in time")
                });
        }
        drop(admin);
        let pid = server.pid();
        server = server.kill_and_restart().await.expect("kill and restart");
        let mut in_flight = 0;
        for t in tasks {
            let done = tokio::time::timeout(STEP, t)
                .await
                .expect("a writer noticed the crash")
                .expect("writer");
            in_flight += done.iter().filter(|w| w.id.is_none()).count();
            writes.extend(done);
        }
        println!(
            "round {round}: killed pid {pid:?} after {} acknowledged writes ({in_flight} in flight)",
            acked.load(Ordering::SeqCst)
        );
    }
    let admin = login(server.addr(), "admin", ADMIN_PASSWORD)
        .await
        .expect("admin after the last crash");
    verify(&admin, &mut writes).await;
    println!("{} writes checked after {rounds} crashes", writes.len());
    drop(admin);
    let status = server.terminate().await.expect("SIGTERM");
    assert!(status.success(), "a graceful stop exits 0: {status}");
}

//! Crash safety: the server runs as a child process, eight clients write, the server is killed
//! with SIGKILL at a random moment, restarted on the same data, and every acknowledged write must
//! be there — including the other entities written in the same transaction — and the event log
//! must have no gap. `IG_CRASH_SEED` replays a run; `IG_CRASH_ROUNDS` lengthens it.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use infogroups_shared::pb::{self, Role};
use infogroups_tests::fixtures::{
    assignment_request, create_group, create_user, global, id_of, save_territory, territory_request,
};
use infogroups_tests::watch::{check_contiguous, entity_of, events_until};
use infogroups_tests::{
    ADMIN_PASSWORD, Authed, ChildServer, STEP, TEST_PASSWORD, login, test_server_exe,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Notify;

const WRITERS: usize = 8;

/// What a writer asked for.
#[derive(Clone, Debug)]
enum Request {
    /// A territory, by the administrator: one entity.
    Territory(pb::SaveTerritoryRequest),
    /// An assignment, by group A's leader: the assignment and the executor's notification in one
    /// transaction.
    Assignment(pb::CreateAssignmentRequest),
}

/// A create the server acknowledged (`id` set), or one in flight when it died.
#[derive(Clone, Debug)]
struct Write {
    request: Request,
    id: Option<u64>,
}

/// The people who write and read, signed in to the current server process.
struct Staff {
    admin: Authed,
    leader: Authed,
    executor: Authed,
    group_id: u64,
}

impl Staff {
    /// The first start: a group with a leader and an executor to receive assignments.
    async fn hire(addr: SocketAddr) -> Staff {
        let admin = login(addr, "admin", ADMIN_PASSWORD).await.expect("admin");
        let leader = create_user(&admin, "leader", &[]).await.expect("leader");
        let secretary = create_user(&admin, "secretary", &[])
            .await
            .expect("secretary");
        create_user(&admin, "executor", &[global(Role::Executor)])
            .await
            .expect("executor");
        let group = create_group(&admin, 1, id_of(leader.meta), id_of(secretary.meta), &[])
            .await
            .expect("group");
        Staff::sign_in(addr, id_of(group.meta)).await
    }

    async fn sign_in(addr: SocketAddr, group_id: u64) -> Staff {
        let (admin, leader, executor) = tokio::join!(
            login(addr, "admin", ADMIN_PASSWORD),
            login(addr, "leader", TEST_PASSWORD),
            login(addr, "executor", TEST_PASSWORD),
        );
        Staff {
            admin: admin.expect("admin signs in after a restart"),
            leader: leader.expect("leader signs in"),
            executor: executor.expect("executor signs in"),
            group_id,
        }
    }

    async fn send(&self, request: &Request) -> Result<u64, tonic::Status> {
        match request {
            Request::Territory(r) => self
                .admin
                .directory()
                .save_territory(r.clone())
                .await
                .map(|a| id_of(a.into_inner().meta)),
            Request::Assignment(r) => self
                .leader
                .assignments()
                .create_assignment(r.clone())
                .await
                .map(|a| id_of(a.into_inner().meta)),
        }
    }
}

/// Writes until the server dies; returns every acknowledged write and the one in flight.
async fn writer(
    staff: Staff,
    writer: usize,
    round: usize,
    acked: Arc<AtomicUsize>,
    kill_at: usize,
    kill: Arc<Notify>,
) -> Vec<Write> {
    let mut out = Vec::new();
    for i in 0.. {
        let request = if writer.is_multiple_of(2) {
            Request::Territory(territory_request(&format!(
                "Раунд {round}, клиент {writer}, запись {i}"
            )))
        } else {
            let mut r = assignment_request(staff.group_id, staff.executor.user_id);
            r.text = format!("Поручение: раунд {round}, клиент {writer}, запись {i}");
            Request::Assignment(r)
        };
        match staff.send(&request).await {
            Ok(id) => {
                out.push(Write {
                    request,
                    id: Some(id),
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

/// Checks the store after a restart: every write that was in flight, retried with its request
/// id, exists exactly once; every acknowledged write is present with its own data and, for
/// assignments, the notification written with it; the event log is contiguous from 1 (the
/// administrator's stream plus the executor's own notifications) with one `created` event per
/// entity.
async fn verify(staff: &Staff, writes: &mut [Write]) {
    for w in writes.iter_mut().filter(|w| w.id.is_none()) {
        let id = staff
            .send(&w.request)
            .await
            .expect("retrying an unacknowledged create");
        w.id = Some(id);
    }
    let everything = staff
        .admin
        .sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("Snapshot")
        .into_inner();
    let territories: HashMap<u64, &pb::Territory> = everything
        .territories
        .iter()
        .map(|t| (id_of(t.meta), t))
        .collect();
    let assignments: HashMap<u64, &pb::Assignment> = everything
        .assignments
        .iter()
        .map(|a| (id_of(a.meta), a))
        .collect();
    let notices = staff
        .executor
        .sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("Snapshot")
        .into_inner()
        .notifications;
    let mut names: HashMap<&str, usize> = HashMap::new();
    for t in &everything.territories {
        *names.entry(t.name.as_str()).or_default() += 1;
    }
    for a in &everything.assignments {
        *names.entry(a.text.as_str()).or_default() += 1;
    }
    for w in writes.iter() {
        let id = w.id.expect("every write has an id now");
        let name = match &w.request {
            Request::Territory(r) => {
                let stored = territories
                    .get(&id)
                    .expect("acknowledged territory is lost");
                let name = r.territory.as_ref().map_or("", |t| t.name.as_str());
                assert_eq!(stored.name, name, "territory {id} holds its own data");
                name
            }
            Request::Assignment(r) => {
                let stored = assignments
                    .get(&id)
                    .expect("acknowledged assignment is lost");
                assert_eq!(stored.text, r.text, "assignment {id} holds its own data");
                let notified = notices.iter().filter(|n| n.assignment_id == id).count();
                assert_eq!(
                    notified, 1,
                    "assignment {id}'s notification, written with it"
                );
                r.text.as_str()
            }
        };
        assert_eq!(names.get(name), Some(&1), "{name} exists exactly once");
    }

    // A last write the administrator sees marks the end of the log to read (the log's very last
    // event may be a notification only its addressee sees).
    let sentinel = save_territory(&staff.admin, "Отметка конца журнала")
        .await
        .expect("sentinel");
    let sentinel = ("territory", id_of(sentinel.meta));
    let mut log = staff.admin.watch(0).await.expect("watch from 0");
    let mut events = events_until(&mut log, STEP, |e| entity_of(e) == sentinel)
        .await
        .expect("the administrator's view of the log");
    drop(log);
    let last = events.last().map_or(0, |e| e.seq);
    // The administrator does not see other people's notifications; the executor sees theirs.
    let seen: BTreeSet<u64> = events.iter().map(|e| e.seq).collect();
    let mut missing: BTreeSet<u64> = (1..=last).filter(|s| !seen.contains(s)).collect();
    if !missing.is_empty() {
        let mut own = staff.executor.watch(0).await.expect("executor's watch");
        let theirs = events_until(&mut own, STEP, |e| {
            missing.remove(&e.seq);
            missing.is_empty()
        })
        .await
        .expect("the executor's stream fills the administrator's gaps");
        drop(own);
        events.extend(theirs.into_iter().filter(|e| !seen.contains(&e.seq)));
        events.sort_by_key(|e| e.seq);
    }
    check_contiguous(&events, 1).expect("the event log has no gaps");
    let mut created: HashMap<(&str, u64), usize> = HashMap::new();
    for e in events
        .iter()
        .filter(|e| e.action == pb::EventAction::Created as i32)
    {
        *created.entry(entity_of(e)).or_default() += 1;
    }
    for w in writes.iter() {
        let key = match w.request {
            Request::Territory(_) => ("territory", w.id.unwrap_or_default()),
            Request::Assignment(_) => ("assignment", w.id.unwrap_or_default()),
        };
        assert_eq!(created.get(&key), Some(&1), "one created event for {key:?}");
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
        .unwrap_or(12);
    println!(
        "crash test: seed {seed}, {rounds} rounds (IG_CRASH_SEED={seed} replays the kill points)"
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("data directory");
    let mut server = ChildServer::spawn(test_server_exe!(), dir.path())
        .await
        .expect("spawn");
    let group_id = Staff::hire(server.addr()).await.group_id;
    let mut writes: Vec<Write> = Vec::new();

    for round in 0..rounds {
        let staff = Staff::sign_in(server.addr(), group_id).await;
        verify(&staff, &mut writes).await;

        // Kill after a random number of acknowledged writes, 0 meaning "as they start".
        let kill_at = rng.random_range(0..=150);
        let acked = Arc::new(AtomicUsize::new(0));
        let kill = Arc::new(Notify::new());
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let mine = Staff {
                admin: staff.admin.reconnect(server.addr()).await.expect("connect"),
                leader: staff
                    .leader
                    .reconnect(server.addr())
                    .await
                    .expect("connect"),
                executor: staff.executor.clone(),
                group_id,
            };
            tasks.push(tokio::spawn(writer(
                mine,
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
        drop(staff);
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
            "round {round}: SIGKILL to pid {pid:?} after {} acknowledged writes, {in_flight} in flight",
            acked.load(Ordering::SeqCst)
        );
    }
    let staff = Staff::sign_in(server.addr(), group_id).await;
    verify(&staff, &mut writes).await;
    println!("{} writes checked after {rounds} crashes", writes.len());
    drop(staff);
    let status = server.terminate().await.expect("SIGTERM");
    assert!(status.success(), "a graceful stop exits 0: {status}");
}

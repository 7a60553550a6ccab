//! Crash safety (issue 8, point 1). The server runs as a child process, 32 clients write, and the
//! server is killed with SIGKILL at a random moment — every third round while an online backup is
//! being written — then restarted on the same data. After every kill the store must open and pass
//! the integrity check (no process holds it then), every acknowledged write must be there with the
//! other entities written in the same transaction, and the event log must have no gap. A backup
//! that completed must restore to a sound store holding every write acknowledged before it began.
//! A second test kills the server while its clock marks hundreds of assignments overdue: none may
//! be left half-marked, and after the restart the marking completes exactly once.
//!
//! Seeds are printed; `IG_CRASH_SEED` replays a run. CI runs a few rounds; the full run is
//! `IG_CRASH_ROUNDS=60 IG_CLOCK_ROUNDS=12 cargo test --release -p infogroups-tests --test durability -- --nocapture`
//! (`IG_CLOCK_ASSIGNMENTS` sets how many assignments each clock round marks).

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use infogroups_server::db::{decode, keys};
use infogroups_server::entity::Kind;
use infogroups_server::integrity::{self, Report};
use infogroups_server::store::{SledStore, Store};
use infogroups_shared::pb::{self, AssignmentStatus, NotificationKind, Role};
use infogroups_tests::fixtures::{
    api_date, assignment_request, city_ms, create_group, create_user, global, id_of,
    save_territory, territory_request,
};
use infogroups_tests::offline::{check_store, restore_and_check};
use infogroups_tests::watch::{check_contiguous, entity_of, events_until};
use infogroups_tests::{
    ADMIN_PASSWORD, Authed, ChildServer, STEP, TEST_PASSWORD, login, test_server_exe,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Notify;

const WRITERS: usize = 32;

/// Every third round of the crash test kills the server while it writes an online backup.
const BACKUP_EVERY: usize = 3;

/// A number from the environment, or `default`.
fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The run's seed: `IG_CRASH_SEED`, or a fresh one.
fn seed() -> u64 {
    env_or("IG_CRASH_SEED", rand::rng().random())
}

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

/// The writes the server acknowledged so far, in the order the answers arrived.
type Ledger = Arc<Mutex<Vec<Write>>>;

/// Writes until the server dies, recording each acknowledged write in `ledger`; returns the one
/// in flight when it died.
async fn writer(
    staff: Staff,
    writer: usize,
    round: usize,
    ledger: Ledger,
    acked: Arc<AtomicUsize>,
    kill_at: usize,
    kill: Arc<Notify>,
) -> Request {
    let mut i = 0;
    loop {
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
                ledger.lock().expect("ledger").push(Write {
                    request,
                    id: Some(id),
                });
                if acked.fetch_add(1, Ordering::SeqCst) + 1 == kill_at {
                    kill.notify_one();
                }
            }
            Err(_) => return request,
        }
        i += 1;
    }
}

/// Restores a completed backup into a fresh directory, checks its integrity, and checks that
/// every write in `before` (acknowledged before the backup began) is there with its own data.
async fn verify_backup(file: &Path, before: &[Write]) -> Report {
    let into = tempfile::tempdir().expect("restore directory");
    let (report, db) = restore_and_check(file, into.path()).expect("the backup restores soundly");
    for w in before {
        let id = w.id.expect("acknowledged");
        match &w.request {
            Request::Territory(r) => {
                let stored = db
                    .get::<pb::Territory>(id)
                    .expect("read")
                    .unwrap_or_else(|| {
                        panic!("territory {id}, acknowledged before the backup, is not in it")
                    });
                assert_eq!(
                    Some(stored.name.as_str()),
                    r.territory.as_ref().map(|t| t.name.as_str())
                );
            }
            Request::Assignment(r) => {
                let stored = db
                    .get::<pb::Assignment>(id)
                    .expect("read")
                    .unwrap_or_else(|| {
                        panic!("assignment {id}, acknowledged before the backup, is not in it")
                    });
                assert_eq!(stored.text, r.text);
            }
        }
    }
    db.close().await.expect("close the restored store");
    report
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

/// Kills the server with SIGKILL, checks the store offline while nothing holds it, and starts
/// the server again with `args`.
async fn crash(server: ChildServer, args: &[&str]) -> (ChildServer, Report) {
    let mut report = None;
    let server = server
        .kill_and_restart_with(args, |dir| {
            report = Some(check_store(dir)?);
            Ok(())
        })
        .await
        .expect("the store opens and is sound after SIGKILL, and the server starts again");
    (server, report.expect("checked"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_while_32_clients_write_and_during_backups_loses_no_acknowledged_write() {
    let seed = seed();
    let rounds: usize = env_or("IG_CRASH_ROUNDS", 12);
    println!(
        "crash test: seed {seed}, {rounds} rounds, {WRITERS} writers, a backup in every \
         {BACKUP_EVERY}rd round (IG_CRASH_SEED={seed} replays the kill points)"
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("data directory");
    let backups = tempfile::tempdir().expect("backup directory");
    let backup_dir = backups.path().display().to_string();
    // The whole event log stays, since the checks read it from 1; audit records move to cold
    // segments in runs of 64, so kills land in the middle of archiving too.
    let args = [
        "--backup-dir",
        backup_dir.as_str(),
        "--event-log-keep",
        "1000000",
        "--audit-live-keep",
        "64",
    ];
    let mut server = ChildServer::spawn_with(test_server_exe!(), dir.path(), &args)
        .await
        .expect("spawn");
    let group_id = Staff::hire(server.addr()).await.group_id;
    let mut writes: Vec<Write> = Vec::new();
    // How long the kill may wait after a backup starts: twice the last complete one, and longer
    // after each interrupted one (the store, and so the backup, grows every round), so both
    // outcomes keep coming.
    let mut backup_window = Duration::from_millis(100);
    let (mut backups_complete, mut backups_interrupted) = (0, 0);

    for round in 0..rounds {
        let staff = Staff::sign_in(server.addr(), group_id).await;
        verify(&staff, &mut writes).await;
        let backup_round = round % BACKUP_EVERY == BACKUP_EVERY - 1;

        // Kill after a random number of acknowledged writes, 0 meaning "as they start"; a backup
        // round starts its backup then and kills at a random moment of it.
        let kill_at = rng.random_range(usize::from(backup_round)..=150);
        let acked = Arc::new(AtomicUsize::new(0));
        let kill = Arc::new(Notify::new());
        let ledger: Ledger = Arc::default();
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
                ledger.clone(),
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
        let mut backup = None;
        if backup_round {
            let mut before: Vec<Write> = writes.clone();
            before.extend(ledger.lock().expect("ledger").iter().cloned());
            let name = format!("round-{round}.igbak");
            let admin = staff.admin.clone();
            let request = pb::BackupRequest { name: name.clone() };
            let started = Instant::now();
            let call = tokio::spawn(async move {
                let answer = admin.maintenance().backup(request).await;
                (answer, started.elapsed())
            });
            // The random moment of the kill, somewhere in (or just after) the backup.
            let window = u64::try_from(backup_window.as_millis()).unwrap_or(u64::MAX);
            tokio::time::sleep(Duration::from_millis(rng.random_range(0..=window))).await;
            backup = Some((name, before, call));
        }
        drop(staff);
        let pid = server.pid();
        let (restarted, report) = crash(server, &args).await;
        server = restarted;
        let mut in_flight = 0;
        for t in tasks {
            let request = tokio::time::timeout(STEP, t)
                .await
                .expect("a writer noticed the crash")
                .expect("writer");
            writes.push(Write { request, id: None });
            in_flight += 1;
        }
        let acknowledged = std::mem::take(&mut *ledger.lock().expect("ledger"));
        writes.extend(acknowledged);
        println!(
            "round {round}: SIGKILL to pid {pid:?} after {} acknowledged writes, {in_flight} in \
             flight; store sound ({} entries, events {}..{}, audit records {}..{})",
            acked.load(Ordering::SeqCst),
            report.entries,
            report.events.0,
            report.events.1,
            report.audits.0,
            report.audits.1
        );
        if let Some((name, before, call)) = backup {
            let (answer, took) = tokio::time::timeout(STEP, call)
                .await
                .expect("the backup call ends with the server")
                .expect("backup task");
            let file = backups.path().join(&name);
            match answer {
                Ok(answer) => {
                    backups_complete += 1;
                    backup_window = (took * 2).max(Duration::from_millis(20));
                    let restored = verify_backup(&file, &before).await;
                    assert_eq!(restored.events.1, answer.into_inner().seq);
                    println!(
                        "  backup completed in {took:?} before the kill; restored soundly with \
                         all {} writes acknowledged before it (events {}..{})",
                        before.len(),
                        restored.events.0,
                        restored.events.1
                    );
                }
                Err(status) => {
                    backups_interrupted += 1;
                    backup_window = backup_window * 3 / 2;
                    // The answer may be lost after the file was renamed into place.
                    if file.exists() {
                        verify_backup(&file, &before).await;
                    }
                    println!(
                        "  backup interrupted after {took:?} ({:?}); complete file left: {}",
                        status.code(),
                        file.exists()
                    );
                }
            }
        }
    }
    let staff = Staff::sign_in(server.addr(), group_id).await;
    verify(&staff, &mut writes).await;
    println!(
        "{} writes checked after {rounds} crashes; backups killed: {backups_interrupted} \
         interrupted, {backups_complete} completed first",
        writes.len()
    );
    drop(staff);
    let status = server.terminate().await.expect("SIGTERM");
    assert!(status.success(), "a graceful stop exits 0: {status}");
    check_store(dir.path()).expect("sound after a graceful stop");
}

/// The arguments of a server whose clock stands at 09:00 on `day` (its deadline timer looks at
/// once on start).
fn clock_args(day: NaiveDate) -> Vec<String> {
    vec!["--clock-ms".into(), city_ms(day, 9).to_string()]
}

/// Issues `n` assignments due on `day` from eight connections; returns their ids.
async fn issue_due(
    leader: &Authed,
    addr: SocketAddr,
    group_id: u64,
    executor_id: u64,
    day: NaiveDate,
    round: usize,
    n: usize,
) -> Vec<u64> {
    let mut tasks = Vec::new();
    for client in 0..8 {
        let me = leader.reconnect(addr).await.expect("connect");
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in (client..n).step_by(8) {
                let request = pb::CreateAssignmentRequest {
                    text: format!("Срочное поручение: раунд {round}, №{i}"),
                    deadline: Some(api_date(day)),
                    ..assignment_request(group_id, executor_id)
                };
                let a = me
                    .assignments()
                    .create_assignment(request)
                    .await
                    .expect("CreateAssignment")
                    .into_inner();
                ids.push(id_of(a.meta));
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.expect("issuer"));
    }
    ids
}

/// Waits (at most three [`STEP`]s) until every assignment in `ids` is overdue; returns them.
async fn all_overdue(leader: &Authed, ids: &[u64]) -> Vec<pb::Assignment> {
    let deadline = Instant::now() + STEP * 3;
    loop {
        let mine: Vec<pb::Assignment> = leader
            .sync()
            .snapshot(pb::SnapshotRequest {})
            .await
            .expect("Snapshot")
            .into_inner()
            .assignments
            .into_iter()
            .filter(|a| ids.contains(&id_of(a.meta)))
            .collect();
        let overdue = mine
            .iter()
            .filter(|a| a.status == AssignmentStatus::Overdue as i32)
            .count();
        if overdue == ids.len() {
            return mine;
        }
        assert!(
            Instant::now() < deadline,
            "only {overdue} of {} assignments were marked overdue after the restart",
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How many overdue notices about each assignment `user` holds.
async fn overdue_notices(user: &Authed) -> HashMap<u64, usize> {
    let mut out = HashMap::new();
    for n in user
        .sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("Snapshot")
        .into_inner()
        .notifications
        .into_iter()
        .filter(|n| n.kind == NotificationKind::Overdue as i32)
    {
        *out.entry(n.assignment_id).or_default() += 1;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_the_overdue_marking_leaves_no_assignment_half_marked() {
    let seed = seed();
    let rounds: usize = env_or("IG_CLOCK_ROUNDS", 2);
    let per_round: usize = env_or("IG_CLOCK_ASSIGNMENTS", 200);
    println!(
        "clock crash test: seed {seed}, {rounds} rounds of {per_round} assignments falling \
         overdue (IG_CRASH_SEED={seed} replays the kill points)"
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("data directory");
    // Monday 02.03.2026; every round moves the clock one day on.
    let mut day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
    let args = clock_args(day);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut server = ChildServer::spawn_with(test_server_exe!(), dir.path(), &args)
        .await
        .expect("spawn");
    let staff = Staff::hire(server.addr()).await;
    let (group_id, leader_token, executor_token) =
        (staff.group_id, staff.leader.clone(), staff.executor.clone());
    drop(staff);
    // How long after a restart the kill may come: twice the last measured marking.
    let mut window = Duration::from_millis(300);
    let (mut before_commit, mut after_commit) = (0, 0);

    for round in 0..rounds {
        let leader = leader_token
            .reconnect(server.addr())
            .await
            .expect("connect");
        let ids = issue_due(
            &leader,
            server.addr(),
            group_id,
            executor_token.user_id,
            day,
            round,
            per_round,
        )
        .await;
        drop(leader);
        // Tomorrow the first clock round after the start marks them all overdue in one write.
        day = day.succ_opt().expect("date");
        let args = clock_args(day);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        server = server
            .terminate_and_restart_with(&args)
            .await
            .expect("restart with tomorrow's clock");
        let kill_after = rng.random_range(0..=u64::try_from(window.as_millis()).unwrap_or(0));
        tokio::time::sleep(Duration::from_millis(kill_after)).await;
        let mut marked = 0;
        server = server
            .kill_and_restart_with(&args, |dir| {
                let store = SledStore::open(dir)?;
                integrity::check(&store)?;
                marked = count_overdue(&store, &ids)?;
                Ok(())
            })
            .await
            .expect("the store opens and is sound after SIGKILL during the clock work");
        assert!(
            marked == 0 || marked == ids.len(),
            "round {round}: {marked} of {} assignments half-marked overdue",
            ids.len()
        );
        if marked == 0 {
            before_commit += 1;
        } else {
            after_commit += 1;
        }
        let restarted = Instant::now();
        let leader = leader_token
            .reconnect(server.addr())
            .await
            .expect("connect");
        let executor = executor_token
            .reconnect(server.addr())
            .await
            .expect("connect");
        let marked_now = all_overdue(&leader, &ids).await;
        window = (restarted.elapsed() * 2).max(Duration::from_millis(50));
        for a in &marked_now {
            let id = id_of(a.meta);
            assert_eq!(
                a.meta.map(|m| m.version),
                Some(2),
                "assignment {id} was marked exactly once"
            );
        }
        let executor_notices = overdue_notices(&executor).await;
        for id in &ids {
            assert_eq!(
                executor_notices.get(id),
                Some(&1),
                "one overdue notice to the executor about {id}"
            );
        }
        println!(
            "round {round}: SIGKILL {kill_after} ms after the restart found {marked} of {} \
             marked; after the next start all were, once each, within {:?}",
            ids.len(),
            restarted.elapsed()
        );
    }
    println!(
        "clock crash test: {before_commit} kills before the marking committed, {after_commit} after"
    );
    let status = server.terminate().await.expect("SIGTERM");
    assert!(status.success(), "a graceful stop exits 0: {status}");
    check_store(dir.path()).expect("sound after a graceful stop");
}

/// How many of the assignments `ids` the store holds as overdue.
fn count_overdue(store: &SledStore, ids: &[u64]) -> anyhow::Result<usize> {
    let mut n = 0;
    for id in ids {
        let key = keys::entity(Kind::Assignment, *id);
        let value = store
            .get(&key)?
            .ok_or_else(|| anyhow::anyhow!("assignment {id} is lost"))?;
        let a: pb::Assignment = decode(&key, &value)?;
        n += usize::from(a.status == AssignmentStatus::Overdue as i32);
    }
    Ok(n)
}

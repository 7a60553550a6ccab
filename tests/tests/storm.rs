//! Reconnect storm (issue 8, point 2): clients watch (50 here; `IG_STORM_CLIENTS=200` for the full
//! run) while writers keep writing, and the server is restarted on the same data and port — once
//! gracefully, once with SIGKILL. Every watcher resumes on its own the way the terminal client does
//! (its backoff: 200 ms doubling to 5 s; resume after the last event received), and in the end
//! what each received must equal the server's log from where it started: no gap, nothing twice.
//! The time from each stop to every watcher's stream being open again is printed, not asserted.
//!
//! Full run: `IG_STORM_CLIENTS=200 cargo test --release -p infogroups-tests --test storm -- --nocapture`

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use infogroups_shared::pb;
use infogroups_tests::fixtures::territory_request;
use infogroups_tests::offline::check_store;
use infogroups_tests::watch::events_through;
use infogroups_tests::{Authed, ChildServer, STEP, login, test_server_exe};
use infogroups_tui::net::sync::Backoff;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const WRITERS: usize = 4;

/// When the harness stopped the server, one entry per restart, and how long each watcher took to
/// have its stream open again after it.
#[derive(Default)]
struct Storm {
    stops: Vec<Instant>,
    /// Per restart, each watcher's last resume after the stop. A watcher may reconnect to the
    /// stopping server in its grace period and break again: only its last resume counts, once.
    resumes: Vec<HashMap<usize, Duration>>,
}

/// What one watcher received.
struct Seen {
    seqs: Vec<u64>,
    /// Events whose sequence number was not above the last one received.
    repeats: usize,
    resyncs: usize,
}

/// Watches from `since` like the terminal client: on any break it retries with the client's
/// backoff and resumes after the last event received. Ends once it has received `target`.
async fn watcher(
    id: usize,
    me: Authed,
    since: u64,
    storm: Arc<Mutex<Storm>>,
    opened: mpsc::UnboundedSender<()>,
    target: Arc<AtomicU64>,
) -> Seen {
    let mut seen = Seen {
        seqs: Vec::new(),
        repeats: 0,
        resyncs: 0,
    };
    let mut last = since;
    let mut backoff = Backoff::default();
    let mut first = true;
    // The restart whose stop broke the stream, if it is broken.
    let mut broken: Option<usize> = None;
    while last < target.load(Ordering::SeqCst) {
        let mut stream = match me.sync().watch(pb::WatchRequest { since_seq: last }).await {
            Ok(s) => s.into_inner(),
            Err(_) => {
                // The client's own pause between attempts, not a wait for a condition.
                tokio::time::sleep(backoff.fail()).await;
                continue;
            }
        };
        backoff.reset();
        if first {
            first = false;
            let _ = opened.send(());
        }
        if let Some(restart) = broken.take() {
            let mut storm = storm.lock().expect("storm");
            let took = storm.stops[restart].elapsed();
            storm.resumes[restart].insert(id, took);
        }
        loop {
            match tokio::time::timeout(STEP, stream.message()).await {
                Ok(Ok(Some(m))) => match m.kind {
                    Some(pb::watch_event::Kind::Event(ev)) => {
                        if ev.seq <= last {
                            seen.repeats += 1;
                        } else {
                            last = ev.seq;
                            seen.seqs.push(ev.seq);
                        }
                    }
                    Some(pb::watch_event::Kind::Resync(_)) => {
                        seen.resyncs += 1;
                        break;
                    }
                    Some(pb::watch_event::Kind::Heartbeat(_)) | None => {}
                },
                // Ended, failed or silent: the server went away.
                _ => break,
            }
            if last >= target.load(Ordering::SeqCst) {
                return seen;
            }
        }
        broken = storm.lock().expect("storm").stops.len().checked_sub(1);
    }
    seen
}

/// Writes territories until `stop`, retrying through the restarts; counts acknowledgements.
async fn writer(me: Authed, w: usize, stop: CancellationToken, acked: Arc<AtomicU64>) {
    let mut backoff = Backoff::default();
    for i in 0.. {
        if stop.is_cancelled() {
            return;
        }
        let request = territory_request(&format!("Шторм: клиент {w}, запись {i}"));
        match me.directory().save_territory(request).await {
            Ok(_) => {
                backoff.reset();
                acked.fetch_add(1, Ordering::SeqCst);
            }
            Err(_) => tokio::time::sleep(backoff.fail()).await,
        }
    }
}

/// Waits (at most `limit`) until `done` holds, checking every 10 ms.
async fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "{what} within {limit:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    let i = ((sorted.len() as f64) * q) as usize;
    sorted
        .get(i.min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_resume_on_their_own_after_restarts_with_no_gap_and_no_repeat() {
    let clients: usize = std::env::var("IG_STORM_CLIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let dir = tempfile::tempdir().expect("data directory");
    let mut server = ChildServer::spawn_with(test_server_exe!(), dir.path(), &[])
        .await
        .expect("spawn");
    let addr = server.addr().to_string();
    // The same port again after each restart, and heartbeats often enough to end idle streams.
    let args = ["--listen", addr.as_str(), "--heartbeat-ms", "500"];
    server = server
        .terminate_and_restart_with(&args)
        .await
        .expect("restart on a fixed port");
    let admin = login(server.addr(), "admin", infogroups_tests::ADMIN_PASSWORD)
        .await
        .expect("admin");
    let since = admin.published_seq().await.expect("seq");

    let storm = Arc::new(Mutex::new(Storm::default()));
    let target = Arc::new(AtomicU64::new(u64::MAX));
    let (opened_tx, mut opened) = mpsc::unbounded_channel();
    let mut watchers = Vec::new();
    for id in 0..clients {
        let me = admin.reconnect(server.addr()).await.expect("connect");
        watchers.push(tokio::spawn(watcher(
            id,
            me,
            since,
            storm.clone(),
            opened_tx.clone(),
            target.clone(),
        )));
    }
    for _ in 0..clients {
        tokio::time::timeout(STEP, opened.recv())
            .await
            .expect("every watcher opens its stream");
    }
    let stop = CancellationToken::new();
    let acked = Arc::new(AtomicU64::new(0));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let me = admin.reconnect(server.addr()).await.expect("connect");
        writers.push(tokio::spawn(writer(me, w, stop.clone(), acked.clone())));
    }

    for (restart, how) in ["SIGTERM", "SIGKILL"].into_iter().enumerate() {
        let before = acked.load(Ordering::SeqCst);
        wait_for("writes before the stop", STEP, || {
            acked.load(Ordering::SeqCst) >= before + 50
        })
        .await;
        {
            let mut storm = storm.lock().expect("storm");
            storm.stops.push(Instant::now());
            storm.resumes.push(HashMap::new());
        }
        server = if restart == 0 {
            server.terminate_and_restart_with(&args).await
        } else {
            server
                .kill_and_restart_with(&args, |dir| check_store(dir).map(|_| ()))
                .await
        }
        .expect("restart");
        wait_for("every watcher resumes", STEP * 3, || {
            storm.lock().expect("storm").resumes[restart].len() == clients
        })
        .await;
        let mut took: Vec<Duration> = storm.lock().expect("storm").resumes[restart]
            .values()
            .copied()
            .collect();
        took.sort();
        println!(
            "{how}: all {clients} watchers resumed on their own; time from the stop to the stream \
             open again: p50 {:?}, p95 {:?}, max {:?}",
            percentile(&took, 0.5),
            percentile(&took, 0.95),
            took.last().copied().unwrap_or_default()
        );
    }
    let before = acked.load(Ordering::SeqCst);
    wait_for("writes after the restarts", STEP, || {
        acked.load(Ordering::SeqCst) >= before + 50
    })
    .await;
    stop.cancel();
    for w in writers {
        tokio::time::timeout(STEP, w)
            .await
            .expect("writer stops")
            .expect("writer");
    }
    let last = admin.published_seq().await.expect("seq");
    target.store(last, Ordering::SeqCst);
    let mut log = admin.watch(since).await.expect("the log");
    let reference: Vec<u64> = events_through(&mut log, last, STEP)
        .await
        .expect("the log from the start point")
        .iter()
        .map(|e| e.seq)
        .collect();
    drop(log);
    assert_eq!(
        reference,
        (since + 1..=last).collect::<Vec<_>>(),
        "the log has no gap"
    );
    for (i, w) in watchers.into_iter().enumerate() {
        let seen = tokio::time::timeout(STEP, w)
            .await
            .expect("the watcher reaches the end of the log")
            .expect("watcher");
        assert_eq!(seen.repeats, 0, "watcher {i} was sent an event twice");
        assert_eq!(seen.resyncs, 0, "watcher {i} was told to resync");
        assert!(
            seen.seqs == reference,
            "watcher {i} received {} events where the log holds {} (first difference at {:?})",
            seen.seqs.len(),
            reference.len(),
            seen.seqs.iter().zip(&reference).position(|(a, b)| a != b)
        );
    }
    println!(
        "{clients} watchers each received all {} events ({}..={last}) exactly once across two \
         restarts; {} writes acknowledged",
        reference.len(),
        since + 1,
        acked.load(Ordering::SeqCst)
    );
    drop(admin);
    let status = server.terminate().await.expect("SIGTERM");
    assert!(status.success(), "a graceful stop exits 0: {status}");
}

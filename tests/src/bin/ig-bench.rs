//! `ig-bench`: durable writes per second with 1, 8 and 64 concurrent clients, and the delay from
//! a write's acknowledgement to its event reaching 100 (or more) watchers.
//!
//! Run it in release:
//! `cargo run --release -p infogroups-tests --bin ig-bench -- [--watchers 200] [--seconds 5]`.
//! By default it starts a server in this process on a temporary directory; `--addr` measures a
//! running server instead (its `admin` password in `--admin-password`). `--peer postgres` runs the
//! same durable write in PostgreSQL in the same run (a throwaway cluster of the machine's
//! `postgresql-15`; `--peer 'host=… user=…'` uses a running one) and prints the ratio.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use infogroups_server::db::Db;
use infogroups_server::store::{SledStore, Store};
use infogroups_shared::pb::{self, Role, TransitionKind as T};
use infogroups_tests::fixtures::{
    assignment_request, create_group, create_user, global, id_of, territory_request, version_of,
};
use infogroups_tests::{
    ADMIN_PASSWORD, Authed, Received, TEST_PASSWORD, TestServer, login, next_message,
};
use tokio::sync::Barrier;

#[derive(Parser, Debug)]
#[command(
    name = "ig-bench",
    about = "Durable write throughput and watch fan-out latency"
)]
struct Args {
    /// Concurrent writing clients, one connection each; one measurement per value.
    #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
    clients: Vec<usize>,
    /// How long each write measurement runs, in seconds.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// What each write is.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "assignment,territory"
    )]
    ops: Vec<Op>,
    /// Watchers for the fan-out measurement, one connection each.
    #[arg(long, default_value_t = 100)]
    watchers: usize,
    /// Status changes the writer makes during the fan-out measurement.
    #[arg(long, default_value_t = 200)]
    changes: usize,
    /// Assignments the status changes are spread over.
    #[arg(long, default_value_t = 20)]
    pool: usize,
    /// Pause between two status changes, in milliseconds.
    #[arg(long, default_value_t = 10)]
    interval_ms: u64,
    /// Skip the write measurements.
    #[arg(long)]
    no_writes: bool,
    /// Skip the fan-out measurement.
    #[arg(long)]
    no_fanout: bool,
    /// Also measure below the API, to see where a write's time goes: the server's write path
    /// (`Db::write`) from tasks without gRPC, and bare sled group commit from threads.
    #[arg(long)]
    below_api: bool,
    /// Measure a running server instead of starting one.
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// The running server's administrator password.
    #[arg(long, default_value = ADMIN_PASSWORD)]
    admin_password: String,
    /// Also run the same durable write against PostgreSQL: `postgres` starts a throwaway
    /// cluster, anything else is a connection string.
    #[arg(long)]
    peer: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Op {
    /// `CreateAssignment` by a group's leader (an assignment and a notification per write).
    Assignment,
    /// `SaveTerritory` by the administrator (one entity per write).
    Territory,
}

/// The people the benchmark needs, signed in.
struct Cast {
    admin: Authed,
    leader: Authed,
    secretary: Authed,
    executor: Authed,
    group_id: u64,
}

async fn cast(addr: SocketAddr, admin_password: &str) -> Result<Cast> {
    let admin = login(addr, "admin", admin_password).await?;
    let tag = std::process::id();
    let names = [
        format!("bench.leader.{tag}"),
        format!("bench.secretary.{tag}"),
        format!("bench.executor.{tag}"),
    ];
    let leader = create_user(&admin, &names[0], &[]).await?;
    let secretary = create_user(&admin, &names[1], &[]).await?;
    create_user(&admin, &names[2], &[global(Role::Executor)]).await?;
    let number = 100 + (tag % 800);
    let group = create_group(
        &admin,
        number,
        id_of(leader.meta),
        id_of(secretary.meta),
        &[],
    )
    .await?;
    Ok(Cast {
        leader: login(addr, &names[0], TEST_PASSWORD).await?,
        secretary: login(addr, &names[1], TEST_PASSWORD).await?,
        executor: login(addr, &names[2], TEST_PASSWORD).await?,
        admin,
        group_id: id_of(group.meta),
    })
}

/// p50, p99 and max of a sample, in milliseconds.
fn percentiles(mut sample: Vec<Duration>) -> (f64, f64, f64) {
    if sample.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    sample.sort();
    let at = |q: f64| {
        let i = ((sample.len() as f64) * q) as usize;
        sample[i.min(sample.len() - 1)].as_secs_f64() * 1000.0
    };
    (at(0.50), at(0.99), at(1.0))
}

async fn write_once(me: &Authed, op: Op, group_id: u64, executor_id: u64) -> Result<()> {
    match op {
        Op::Assignment => {
            me.assignments()
                .create_assignment(assignment_request(group_id, executor_id))
                .await?;
        }
        Op::Territory => {
            me.directory()
                .save_territory(territory_request("Территория для замера"))
                .await?;
        }
    }
    Ok(())
}

/// Runs `clients` writers for `seconds`; returns (writes, elapsed, latencies).
async fn measure_writes(
    addr: SocketAddr,
    cast: &Cast,
    op: Op,
    clients: usize,
    seconds: f64,
) -> Result<(usize, Duration, Vec<Duration>)> {
    let writer = match op {
        Op::Assignment => &cast.leader,
        Op::Territory => &cast.admin,
    };
    let start = Arc::new(Barrier::new(clients + 1));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let me = writer.reconnect(addr).await?;
        let start = start.clone();
        let (group_id, executor_id) = (cast.group_id, cast.executor.user_id);
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let until = Instant::now() + Duration::from_secs_f64(seconds);
            let mut latencies = Vec::new();
            while Instant::now() < until {
                let sent = Instant::now();
                write_once(&me, op, group_id, executor_id).await?;
                latencies.push(sent.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    start.wait().await;
    let began = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok((all.len(), began.elapsed(), all))
}

/// The tables of the PostgreSQL side: a territory's row, its audit record and its event, as the
/// server writes them in one transaction.
const PG_SCHEMA: &str = "
    DROP TABLE IF EXISTS territory, audit, event;
    CREATE TABLE territory (id bigserial PRIMARY KEY, version bigint NOT NULL, body bytea NOT NULL);
    CREATE TABLE audit (seq bigserial PRIMARY KEY, at_ms bigint NOT NULL, actor bigint NOT NULL,
                        kind text NOT NULL, entity_id bigint NOT NULL, action text NOT NULL,
                        version bigint NOT NULL);
    CREATE TABLE event (seq bigserial PRIMARY KEY, at_ms bigint NOT NULL, body bytea NOT NULL);
";

/// The PostgreSQL peer of `SaveTerritory`: the entity, an audit record and an event in one
/// transaction, committed durably (the server's defaults: `fsync` and `synchronous_commit` on).
/// Runs `clients` connections for `seconds`; returns (writes, elapsed, latencies).
async fn measure_pg_writes(
    url: &str,
    clients: usize,
    seconds: f64,
) -> Result<(usize, Duration, Vec<Duration>)> {
    let start = Arc::new(Barrier::new(clients + 1));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (mut client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .context("connecting to PostgreSQL")?;
        tokio::spawn(conn);
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            let row = client
                .prepare("INSERT INTO territory (version, body) VALUES (1, $1) RETURNING id")
                .await?;
            let audit = client
                .prepare(
                    "INSERT INTO audit (at_ms, actor, kind, entity_id, action, version) \
                     VALUES ($1, 1, 'territory', $2, 'created', 1)",
                )
                .await?;
            let event = client
                .prepare("INSERT INTO event (at_ms, body) VALUES ($1, $2)")
                .await?;
            // The sizes of the encoded territory and of its event in the server's store.
            let body = vec![7u8; 64];
            let event_body = vec![9u8; 96];
            start.wait().await;
            let until = Instant::now() + Duration::from_secs_f64(seconds);
            let mut latencies = Vec::new();
            while Instant::now() < until {
                let sent = Instant::now();
                let at_ms = chrono::Utc::now().timestamp_millis();
                let tx = client.transaction().await?;
                let id: i64 = tx.query_one(&row, &[&body]).await?.get(0);
                tx.execute(&audit, &[&at_ms, &id]).await?;
                tx.execute(&event, &[&at_ms, &event_body]).await?;
                tx.commit().await?;
                latencies.push(sent.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    start.wait().await;
    let began = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok((all.len(), began.elapsed(), all))
}

/// One watcher's record: when each (assignment, version) of the pool arrived. Returns once it
/// has seen `expected` changes of the pool.
async fn watch_pool(
    me: Authed,
    since: u64,
    pool: Arc<Vec<u64>>,
    expected: usize,
    ready: Arc<Barrier>,
) -> Result<Vec<((u64, u64), Instant)>> {
    let mut stream = me.watch(since).await?;
    ready.wait().await;
    let mut seen = Vec::with_capacity(expected);
    while seen.len() < expected {
        match next_message(&mut stream, Duration::from_secs(30)).await? {
            Received::Message(pb::WatchEvent {
                kind: Some(pb::watch_event::Kind::Event(ev)),
            }) => {
                if let Some(pb::event::Entity::Assignment(a)) = &ev.entity
                    && pool.contains(&id_of(a.meta))
                {
                    seen.push(((id_of(a.meta), version_of(a.meta)), Instant::now()));
                }
            }
            Received::Message(pb::WatchEvent {
                kind: Some(pb::watch_event::Kind::Resync(r)),
            }) => bail!("a watcher was told to resync: {}", r.reason),
            Received::Message(_) => {}
            Received::Ended => bail!("a watch stream ended"),
            Received::Failed(s) => bail!("a watch stream failed: {s:?}"),
        }
    }
    Ok(seen)
}

struct FanOut {
    from_ack: Vec<Duration>,
    from_send: Vec<Duration>,
    before_ack: usize,
    deliveries: usize,
}

/// `watchers` watch while one writer makes `changes` status changes, spread round-robin over a
/// pool of `pool_size` assignments (submit, return, resume, … by the executor and the
/// controller), one every `interval`.
async fn measure_fanout(
    addr: SocketAddr,
    cast: &Cast,
    watchers: usize,
    changes: usize,
    pool_size: usize,
    interval: Duration,
) -> Result<FanOut> {
    let mut pool = Vec::with_capacity(pool_size);
    for _ in 0..pool_size.max(1) {
        pool.push(
            cast.leader
                .assignments()
                .create_assignment(assignment_request(cast.group_id, cast.executor.user_id))
                .await?
                .into_inner(),
        );
    }
    let ids = Arc::new(pool.iter().map(|a| id_of(a.meta)).collect::<Vec<_>>());
    let since = cast.admin.published_seq().await?;
    let ready = Arc::new(Barrier::new(watchers + 1));
    let mut tasks = Vec::new();
    for _ in 0..watchers {
        let me = cast.admin.reconnect(addr).await?;
        tasks.push(tokio::spawn(watch_pool(
            me,
            since,
            ids.clone(),
            changes,
            ready.clone(),
        )));
    }
    ready.wait().await;
    let steps = [
        (&cast.executor, T::SubmitReport),
        (&cast.secretary, T::Return),
        (&cast.executor, T::Resume),
    ];
    // (assignment, version) -> (sent, acknowledged)
    let mut times = std::collections::HashMap::with_capacity(changes);
    for i in 0..changes {
        let slot = i % pool.len();
        let (who, kind) = steps[(i / pool.len()) % steps.len()];
        let a = &pool[slot];
        let sent = Instant::now();
        let changed = who
            .assignments()
            .transition(pb::TransitionRequest {
                assignment_id: id_of(a.meta),
                expected_version: version_of(a.meta),
                kind: kind as i32,
                text: "Отчёт о выполнении".into(),
            })
            .await
            .with_context(|| format!("{kind:?}"))?
            .into_inner();
        times.insert(
            (id_of(changed.meta), version_of(changed.meta)),
            (sent, Instant::now()),
        );
        pool[slot] = changed;
        tokio::time::sleep(interval).await;
    }
    let mut out = FanOut {
        from_ack: Vec::new(),
        from_send: Vec::new(),
        before_ack: 0,
        deliveries: 0,
    };
    for t in tasks {
        for (key, at) in t.await?? {
            let Some((sent, acked)) = times.get(&key) else {
                continue;
            };
            out.deliveries += 1;
            if at < *acked {
                out.before_ack += 1;
            }
            out.from_ack.push(at.saturating_duration_since(*acked));
            out.from_send.push(at.saturating_duration_since(*sent));
        }
    }
    Ok(out)
}

/// `Db::write` of one territory from `tasks` tasks at once for `seconds`: the server's write path
/// without gRPC, authentication or validation.
async fn measure_db_writes(db: &Db, tasks: usize, seconds: f64) -> Result<f64> {
    let start = Arc::new(Barrier::new(tasks + 1));
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (db, start) = (db.clone(), start.clone());
        handles.push(tokio::spawn(async move {
            start.wait().await;
            let until = Instant::now() + Duration::from_secs_f64(seconds);
            let mut n = 0usize;
            while Instant::now() < until {
                db.write(0, |tx| {
                    tx.create(
                        pb::Territory {
                            name: "Территория для замера".into(),
                            kind: pb::TerritoryKind::Other as i32,
                            ..Default::default()
                        },
                        None,
                    )
                })
                .await?;
                n += 1;
            }
            anyhow::Ok(n)
        }));
    }
    start.wait().await;
    let began = Instant::now();
    let mut total = 0;
    for h in handles {
        total += h.await??;
    }
    Ok(total as f64 / began.elapsed().as_secs_f64())
}

/// Bare sled group commit: `threads` OS threads each apply a three-key batch (entity, audit,
/// event) and wait for a flush that began after it; one thread flushes in a loop. The ceiling of
/// the store under this machine's disk, with no async runtime involved.
fn measure_raw_sled(threads: usize, seconds: f64) -> Result<f64> {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::{Condvar, Mutex};
    let dir = tempfile::tempdir()?;
    let store = Arc::new(SledStore::open(dir.path())?);
    // (flushes started, flushes finished)
    let epochs = Arc::new((Mutex::new((0u64, 0u64)), Condvar::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let flusher = {
        let (store, epochs, stop) = (store.clone(), epochs.clone(), stop.clone());
        std::thread::spawn(move || -> Result<()> {
            while !stop.load(Ordering::SeqCst) {
                let started = {
                    let mut e = epochs.0.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                    e.0 += 1;
                    e.0
                };
                store.flush()?;
                let mut e = epochs.0.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                e.1 = started;
                epochs.1.notify_all();
            }
            Ok(())
        })
    };
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let began = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (store, epochs, count) = (store.clone(), epochs.clone(), count.clone());
            std::thread::spawn(move || -> Result<()> {
                let mut i = 0u64;
                while Instant::now() < until {
                    i += 1;
                    let key = |space: u8| {
                        let mut k = vec![space];
                        k.extend_from_slice(&(t as u64).to_be_bytes());
                        k.extend_from_slice(&i.to_be_bytes());
                        k
                    };
                    store.apply(vec![
                        (key(b'e'), Some(vec![7u8; 120])),
                        (key(b'a'), Some(vec![8u8; 60])),
                        (key(b'v'), Some(vec![9u8; 140])),
                    ])?;
                    let mut e = epochs.0.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                    let need = e.0 + 1;
                    while e.1 < need {
                        e = epochs.1.wait(e).map_err(|_| anyhow::anyhow!("poisoned"))?;
                    }
                    count.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    for w in workers {
        w.join()
            .map_err(|_| anyhow::anyhow!("a worker panicked"))??;
    }
    let rate = count.load(Ordering::Relaxed) as f64 / began.elapsed().as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    flusher
        .join()
        .map_err(|_| anyhow::anyhow!("the flusher panicked"))??;
    Ok(rate)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let local = match args.addr {
        Some(_) => None,
        None => Some(TestServer::start_default().await?),
    };
    let addr = args
        .addr
        .or(local.as_ref().map(TestServer::addr))
        .context("no server")?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "ig-bench: {cores} cores, {} build, server {} on {addr}",
        if cfg!(debug_assertions) {
            "DEBUG"
        } else {
            "release"
        },
        match &local {
            Some(s) => format!("in this process, data in {}", s.data_dir().display()),
            None => "elsewhere".to_string(),
        }
    );
    let cast = cast(addr, &args.admin_password).await?;

    // Started before the measurements so its start-up does not land in them.
    let max_clients = args.clients.iter().copied().max().unwrap_or(1);
    let (cluster, peer_url) = match args.peer.as_deref() {
        None => (None, None),
        Some("postgres") => {
            let c = infogroups_tests::pg::Cluster::start(max_clients)?;
            println!(
                "peer: {} (throwaway cluster, durable defaults)",
                c.version()
            );
            let url = c.url();
            (Some(c), Some(url))
        }
        Some(url) => (None, Some(url.to_string())),
    };
    if let Some(url) = &peer_url {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .context("connecting to PostgreSQL")?;
        tokio::spawn(conn);
        client.batch_execute(PG_SCHEMA).await?;
    }

    if !args.no_writes {
        for op in &args.ops {
            println!(
                "\ndurable writes ({}), {} s per run; every answer waits for the flush:",
                match op {
                    Op::Assignment => "CreateAssignment: assignment + notification",
                    Op::Territory => "SaveTerritory: one entity",
                },
                args.seconds
            );
            let peer = peer_url.as_deref().filter(|_| *op == Op::Territory);
            if peer.is_some() {
                println!(
                    "  clients   writes/s     p50 ms     p99 ms     max ms | PostgreSQL writes/s  p50 ms  p99 ms | ratio"
                );
            } else {
                println!("  clients   writes/s     p50 ms     p99 ms     max ms");
            }
            for &clients in &args.clients {
                let (n, took, latencies) =
                    measure_writes(addr, &cast, *op, clients, args.seconds).await?;
                let rate = n as f64 / took.as_secs_f64();
                let (p50, p99, max) = percentiles(latencies);
                let ours =
                    format!("  {clients:>7} {rate:>10.0} {p50:>10.2} {p99:>10.2} {max:>10.2}");
                match peer {
                    Some(url) => {
                        let (pn, ptook, pl) = measure_pg_writes(url, clients, args.seconds).await?;
                        let prate = pn as f64 / ptook.as_secs_f64();
                        let (q50, q99, _) = percentiles(pl);
                        println!(
                            "{ours} | {prate:>19.0} {q50:>7.2} {q99:>7.2} | {:>5.2}x",
                            rate / prate
                        );
                    }
                    None => println!("{ours}"),
                }
            }
        }
    }

    if !args.no_fanout {
        let interval = Duration::from_millis(args.interval_ms);
        println!(
            "\nfan-out: {} watchers (one connection each), {} status changes over {} assignments, one every {} ms:",
            args.watchers, args.changes, args.pool, args.interval_ms
        );
        let f = measure_fanout(
            addr,
            &cast,
            args.watchers,
            args.changes,
            args.pool,
            interval,
        )
        .await?;
        let (a50, a99, amax) = percentiles(f.from_ack);
        let (s50, s99, smax) = percentiles(f.from_send);
        println!(
            "  deliveries {} (expected {})",
            f.deliveries,
            args.watchers * args.changes
        );
        println!(
            "  writer's ack -> watcher:      p50 {a50:.2} ms   p99 {a99:.2} ms   max {amax:.2} ms"
        );
        println!(
            "  writer's request -> watcher:  p50 {s50:.2} ms   p99 {s99:.2} ms   max {smax:.2} ms"
        );
        println!(
            "  {} deliveries arrived before the writer had its answer (counted as 0 ms)",
            f.before_ack
        );
    }
    if args.below_api {
        println!(
            "\nbelow the API (where a write's time goes), {} s per run:",
            args.seconds
        );
        println!("  clients   Db::write/s   bare sled group commit/s");
        for &clients in &args.clients {
            let db_rate = match &local {
                Some(server) => measure_db_writes(server.db(), clients, args.seconds).await?,
                None => f64::NAN,
            };
            let seconds = args.seconds;
            let raw =
                tokio::task::spawn_blocking(move || measure_raw_sled(clients, seconds)).await??;
            println!("  {clients:>7} {db_rate:>13.0} {raw:>26.0}");
        }
    }
    drop(cast);
    drop(cluster);
    if let Some(server) = local {
        server.stop().await?;
    }
    Ok(())
}

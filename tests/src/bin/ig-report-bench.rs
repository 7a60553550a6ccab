//! `ig-report-bench`: the reports and ad-hoc aggregates over a store filled by `ig-gen`, timed
//! through the real gRPC API, beside the same questions asked of SQLite (bundled, with indexes)
//! holding the same data.
//!
//! Run it in release, after `ig-gen`:
//! `cargo run --release -p infogroups-tests --bin ig-report-bench -- --data /tmp/ig-1m`.
//!
//! It opens the store in a server in this process (gRPC on `127.0.0.1:0`), reports the open time
//! (which includes building the fact tables) and the resident memory, signs in as the demo
//! city's control sector and runs each query `--reps` times (after one warm-up), printing p50 and
//! p95. Then it copies the same records into an SQLite file, creates indexes, and runs equivalent
//! SQL (`--sqlite-reps` times: each takes seconds at a million appeals). The server's background clock work is slowed to once an hour so
//! that it does not run in the middle of the measurements.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use clap::Parser;
use infogroups_server::entity::Entity;
use infogroups_server::reports::facts::{day, day_of};
use infogroups_server::{Clock, Config, Server};
use infogroups_shared::classifier::ancestor;
use infogroups_shared::pb::{self, Dimension as D};
use infogroups_shared::{city_time, validate};
use rusqlite::{Connection, params};
use tokio_util::sync::CancellationToken;

#[derive(Parser, Debug)]
#[command(
    name = "ig-report-bench",
    about = "Report and aggregate latency: the server beside SQLite"
)]
struct Args {
    /// The data directory `ig-gen` filled.
    #[arg(long)]
    data: PathBuf,
    /// Timed repetitions of each query (after one warm-up).
    #[arg(long, default_value_t = 20)]
    reps: usize,
    /// Timed repetitions of each SQLite query (after one warm-up): it takes seconds a query.
    #[arg(long, default_value_t = 3)]
    sqlite_reps: usize,
    /// Skip SQLite.
    #[arg(long)]
    no_sqlite: bool,
    /// Also ask DuckDB the same questions over the same rows (`tests/bench/duckdb_reports.py`,
    /// which needs `python3` with `pip install duckdb`).
    #[arg(long)]
    duckdb: bool,
    /// Keep the SQLite copy in this file (by default a temporary one, removed at the end).
    #[arg(long)]
    sqlite_file: Option<PathBuf>,
    /// The control sector's login in the generated store.
    #[arg(long, default_value = "kontrol")]
    user: String,
    /// Its password (the demo city's).
    #[arg(long, default_value = infogroups_server::demo::DEMO_PASSWORD)]
    password: String,
}

/// p50 and p95 of the samples, in milliseconds.
fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort_unstable();
    let at = |p: f64| {
        let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
        samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    (at(0.5), at(0.95))
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn range(from: NaiveDate, to: NaiveDate) -> Option<pb::DateRange> {
    Some(pb::DateRange {
        from: Some(validate::from_naive(from)),
        to: Some(validate::from_naive(to)),
    })
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).context("a real date")
}

/// One query, as the server and as SQLite are asked it.
struct Case {
    name: String,
    server: Request,
    sql: Vec<(String, Vec<i64>)>,
}

enum Request {
    Groups(pb::GroupsReportRequest),
    Analysis(pb::AppealsAnalysisRequest),
    Aggregate(pb::AggregateRequest),
}

/// An aggregate in SQL, one statement: the join is made once (a materialised CTE with one row
/// per appeal and key), then grouped by the keys for the rows and by appeal for the totals. `keys`
/// are SQL expressions over `a` (appeals) and `q` (questions); the metrics are the server's
/// (distinct appeals, questions, on-time share of the answered, average days to answer).
/// The appeal's own columns are taken with `MAX` although they hold one value per appeal: DuckDB,
/// unlike SQLite, refuses an ungrouped column.
fn aggregate_sql(keys: &[&str], filter: &str) -> String {
    let cols: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} AS k{i}"))
        .collect();
    let names: Vec<String> = (0..keys.len()).map(|i| format!("k{i}")).collect();
    let metrics = "COUNT(*), SUM(nq), \
         ROUND(100.0 * SUM(status = 4 AND on_time) / NULLIF(SUM(status = 4), 0), 1), \
         ROUND(AVG(CASE WHEN status = 4 THEN days END), 1)";
    let nulls = vec!["NULL"; keys.len()].join(", ");
    format!(
        "WITH m AS MATERIALIZED (SELECT a.id AS id, {cols}, COUNT(*) AS nq, \
         MAX(a.status) AS status, MAX(a.on_time) AS on_time, \
         MAX(CASE WHEN a.answered IS NOT NULL THEN a.answered - a.registered END) AS days \
         FROM appeals a JOIN questions q ON q.appeal_id = a.id \
         WHERE a.registered BETWEEN ?1 AND ?2 {filter} GROUP BY a.id, {names}) \
         SELECT {names}, {metrics} FROM m GROUP BY {names} \
         UNION ALL SELECT {nulls}, {metrics} FROM (SELECT id, SUM(nq) AS nq, \
         MAX(status) AS status, MAX(on_time) AS on_time, MAX(days) AS days FROM m GROUP BY id)",
        cols = cols.join(", "),
        names = names.join(", "),
    )
}

fn cases(year: i32, now: NaiveDate) -> Result<Vec<Case>> {
    let y = |m: u32, d: u32| ymd(year, m, d).map(day_of).map(i64::from);
    let (jan1, jun30, jul1, dec31) = (y(1, 1)?, y(6, 30)?, y(7, 1)?, y(12, 31)?);
    let prev = |m: u32, d: u32| ymd(year - 1, m, d).map(day_of).map(i64::from);
    let five = ymd(now.year() - 4, 1, 1)?;
    let today = i64::from(day_of(now));
    // The groups report: meetings, reception cards and assignments by group in the period.
    let groups_sql = |from: i64, to: i64| {
        vec![
            (
                "SELECT group_id, SUM(status != 9), SUM(status BETWEEN 4 AND 8), \
                 SUM(CASE WHEN status BETWEEN 4 AND 8 THEN residents END), \
                 COUNT(DISTINCT CASE WHEN status BETWEEN 4 AND 8 THEN venue_id END), \
                 SUM(CASE WHEN status BETWEEN 4 AND 8 THEN questions END), \
                 SUM(CASE WHEN status BETWEEN 4 AND 8 THEN on_control END), \
                 SUM(status BETWEEN 4 AND 8 AND handed = 1), SUM(status BETWEEN 4 AND 8 AND handed = 2) \
                 FROM meetings WHERE date BETWEEN ?1 AND ?2 GROUP BY group_id"
                    .to_string(),
                vec![from, to],
            ),
            (
                "SELECT m.group_id, mq.code, COUNT(*) FROM meeting_questions mq \
                 JOIN meetings m ON m.id = mq.meeting_id \
                 WHERE m.date BETWEEN ?1 AND ?2 AND m.status BETWEEN 4 AND 8 \
                 GROUP BY m.group_id, mq.code"
                    .to_string(),
                vec![from, to],
            ),
            (
                "SELECT group_id, date FROM meetings WHERE status BETWEEN 4 AND 8".to_string(),
                vec![],
            ),
            (
                "SELECT group_id, COUNT(*) FROM cards WHERE date BETWEEN ?1 AND ?2 GROUP BY group_id"
                    .to_string(),
                vec![from, to],
            ),
            (
                "SELECT group_id, COUNT(*), SUM(status = 3), SUM(status = 4), SUM(status = 6), \
                 SUM(extended) FROM assignments \
                 WHERE issued BETWEEN ?1 AND ?2 AND status != 7 GROUP BY group_id"
                    .to_string(),
                vec![from, to],
            ),
        ]
    };
    let mut analysis_sql = Vec::new();
    for (from, to) in [(prev(1, 1)?, prev(12, 31)?), (jan1, dec31)] {
        analysis_sql.push((
            "SELECT channel, kind, territory_id, COUNT(*), SUM(repeated), SUM(collective), \
             SUM(status BETWEEN 5 AND 9), SUM(status = 4 AND has_answer AND on_time), \
             SUM(status = 4 AND has_answer AND NOT on_time), SUM(extended OR status = 2) \
             FROM appeals WHERE registered BETWEEN ?1 AND ?2 GROUP BY channel, kind, territory_id"
                .to_string(),
            vec![from, to],
        ));
        analysis_sql.push((
            "SELECT q.section, q.result, COUNT(*), SUM(q.on_site) FROM questions q \
             JOIN appeals a ON a.id = q.appeal_id \
             WHERE a.registered BETWEEN ?1 AND ?2 GROUP BY q.section, q.result"
                .to_string(),
            vec![from, to],
        ));
        analysis_sql.push((
            "SELECT COUNT(*) FROM cards WHERE date BETWEEN ?1 AND ?2".to_string(),
            vec![from, to],
        ));
    }
    let agg = |keys: &[&str], filter: &str, from: i64, to: i64| -> Vec<(String, Vec<i64>)> {
        vec![(aggregate_sql(keys, filter), vec![from, to])]
    };
    let request = |group_by: &[D], from: NaiveDate, to: NaiveDate| pb::AggregateRequest {
        period: range(from, to),
        group_by: group_by.iter().map(|d| *d as i32).collect(),
        ..Default::default()
    };
    Ok(vec![
        Case {
            name: format!("groups report, first half of {year}"),
            server: Request::Groups(pb::GroupsReportRequest {
                year,
                period: pb::PeriodKind::FirstHalf as i32,
            }),
            sql: groups_sql(jan1, jun30),
        },
        Case {
            name: format!("groups report, second half of {year}"),
            server: Request::Groups(pb::GroupsReportRequest {
                year,
                period: pb::PeriodKind::SecondHalf as i32,
            }),
            sql: groups_sql(jul1, dec31),
        },
        Case {
            name: format!("groups report, year {year}"),
            server: Request::Groups(pb::GroupsReportRequest {
                year,
                period: pb::PeriodKind::Year as i32,
            }),
            sql: groups_sql(jan1, dec31),
        },
        Case {
            name: format!("appeals analysis {year} vs {}", year - 1),
            server: Request::Analysis(pb::AppealsAnalysisRequest { year }),
            sql: analysis_sql,
        },
        Case {
            name: format!("aggregate territory × section, {year}"),
            server: Request::Aggregate(request(
                &[D::Territory, D::Section],
                ymd(year, 1, 1)?,
                ymd(year, 12, 31)?,
            )),
            sql: agg(&["a.territory_id", "q.section"], "", jan1, dec31),
        },
        Case {
            name: format!("aggregate channel × result, H1 {year}"),
            server: Request::Aggregate(request(
                &[D::Channel, D::Result],
                ymd(year, 1, 1)?,
                ymd(year, 6, 30)?,
            )),
            sql: agg(&["a.channel", "q.result"], "", jan1, jun30),
        },
        Case {
            name: "aggregate group × тема, five years".into(),
            server: Request::Aggregate(request(&[D::Group, D::Topic], five, now)),
            sql: agg(
                &["a.group_id", "q.topic"],
                "",
                i64::from(day_of(five)),
                today,
            ),
        },
        Case {
            name: "aggregate month × kind, housing, five years".into(),
            server: Request::Aggregate(pb::AggregateRequest {
                classifier_prefix: "0005".into(),
                ..request(&[D::Month, D::Kind], five, now)
            }),
            sql: agg(
                &["a.month", "a.kind"],
                "AND q.code LIKE '0005%'",
                i64::from(day_of(five)),
                today,
            ),
        },
    ])
}

/// Copies the store's records into SQLite, with indexes; returns the load time.
fn load_sqlite(
    db: &infogroups_server::db::Db,
    path: &std::path::Path,
) -> Result<(Connection, Duration)> {
    let started = Instant::now();
    let _ = std::fs::remove_file(path);
    let mut conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
         CREATE TABLE appeals (id INTEGER PRIMARY KEY, registered INTEGER, month INTEGER,
           group_id INTEGER, territory_id INTEGER, channel INTEGER, kind INTEGER, status INTEGER,
           repeated INTEGER, collective INTEGER, has_answer INTEGER, on_time INTEGER,
           extended INTEGER, answered INTEGER, due INTEGER);
         CREATE TABLE questions (appeal_id INTEGER, code TEXT, section TEXT, thematic TEXT,
           topic TEXT, result INTEGER, on_site INTEGER);
         CREATE TABLE assignments (id INTEGER PRIMARY KEY, group_id INTEGER, department_id INTEGER,
           issued INTEGER, deadline INTEGER, completed INTEGER, status INTEGER, extended INTEGER);
         CREATE TABLE meetings (id INTEGER PRIMARY KEY, group_id INTEGER, date INTEGER,
           status INTEGER, venue_id INTEGER, residents INTEGER, questions INTEGER,
           on_control INTEGER, handed INTEGER);
         CREATE TABLE meeting_questions (meeting_id INTEGER, code TEXT);
         CREATE TABLE cards (id INTEGER PRIMARY KEY, date INTEGER, group_id INTEGER);",
    )?;
    let opt = |d: i32| (d != infogroups_server::reports::facts::NO_DAY).then_some(d);
    let tx = conn.transaction()?;
    {
        let mut ins = tx.prepare(
            "INSERT INTO appeals VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        let mut insq = tx.prepare("INSERT INTO questions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
        for a in db.all::<pb::Appeal>()? {
            let reg = day(a.registered.as_ref());
            let month = a
                .registered
                .as_ref()
                .and_then(validate::to_naive)
                .map(|d| d.year() * 12 + d.month0() as i32);
            let answer = a.answer.as_ref();
            ins.execute(params![
                a.meta().id as i64,
                opt(reg),
                month,
                a.group_id as i64,
                a.territory_id as i64,
                a.channel,
                a.kind,
                a.status,
                a.repeated,
                a.collective,
                answer.is_some(),
                answer.is_some_and(|x| x.on_time),
                !a.extensions.is_empty(),
                opt(day(answer.and_then(|x| x.date.as_ref()))),
                opt(day(a.due.as_ref().and_then(|x| x.date.as_ref()))),
            ])?;
            for q in &a.questions {
                let c = &q.classifier_code;
                insq.execute(params![
                    a.meta().id as i64,
                    c,
                    ancestor(c, 1),
                    ancestor(c, 2),
                    ancestor(c, 3),
                    q.result,
                    q.on_site
                ])?;
            }
        }
        let mut ins =
            tx.prepare("INSERT INTO assignments VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        for a in db.all::<pb::Assignment>()? {
            ins.execute(params![
                a.meta().id as i64,
                a.group_id as i64,
                a.department_id as i64,
                opt(day(a.issued.as_ref())),
                opt(day(a.deadline.as_ref().and_then(|x| x.date.as_ref()))),
                opt(day(a.completed.as_ref())),
                a.status,
                a.extensions
                    .iter()
                    .any(|e| e.state == pb::ExtensionState::Granted as i32),
            ])?;
        }
        let mut ins =
            tx.prepare("INSERT INTO meetings VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?;
        let mut insq = tx.prepare("INSERT INTO meeting_questions VALUES (?1, ?2)")?;
        for m in db.all::<pb::Meeting>()? {
            let p = m.protocol.clone().unwrap_or_default();
            let handed = m
                .handover
                .as_ref()
                .filter(|h| h.handed_at_ms != 0)
                .map_or(0, |h| if h.late { 2 } else { 1 });
            ins.execute(params![
                m.meta().id as i64,
                m.group_id as i64,
                opt(day(m.date.as_ref())),
                m.status,
                m.venue_id as i64,
                p.residents_attending,
                p.questions.len() as i64,
                p.questions
                    .iter()
                    .filter(|q| q.answer_mode == pb::AnswerMode::OnControl as i32)
                    .count() as i64,
                handed,
            ])?;
            for q in p.questions.iter().filter(|q| !q.classifier_code.is_empty()) {
                insq.execute(params![m.meta().id as i64, q.classifier_code])?;
            }
        }
        let mut ins = tx.prepare("INSERT INTO cards VALUES (?1, ?2, ?3)")?;
        for c in db.all::<pb::ReceptionCard>()? {
            ins.execute(params![
                c.meta().id as i64,
                opt(day(c.date.as_ref())),
                c.group_id as i64
            ])?;
        }
    }
    tx.commit()?;
    conn.execute_batch(
        "CREATE INDEX appeals_registered ON appeals (registered);
         CREATE INDEX questions_appeal ON questions (appeal_id);
         CREATE INDEX assignments_issued ON assignments (issued);
         CREATE INDEX assignments_deadline ON assignments (deadline);
         CREATE INDEX meetings_date ON meetings (date);
         CREATE INDEX meeting_questions_meeting ON meeting_questions (meeting_id);
         CREATE INDEX cards_date ON cards (date);
         ANALYZE;",
    )?;
    Ok((conn, started.elapsed()))
}

fn run_sql(conn: &Connection, sql: &[(String, Vec<i64>)]) -> Result<usize> {
    let mut rows = 0;
    for (q, p) in sql {
        let mut stmt = conn.prepare_cached(q)?;
        let mut r = stmt.query(rusqlite::params_from_iter(p.iter()))?;
        while r.next()?.is_some() {
            rows += 1;
        }
    }
    Ok(rows)
}

/// The cases' statements as `tests/bench/duckdb_reports.py` reads them, run there over the
/// SQLite file's rows; its p50 and p95 per case, in milliseconds.
fn run_duckdb(
    sqlite: &std::path::Path,
    dir: &std::path::Path,
    cases: &[Case],
    reps: usize,
) -> Result<Vec<(f64, f64)>> {
    use std::fmt::Write as _;
    let mut text = String::new();
    for case in cases {
        writeln!(text, "# {}", case.name)?;
        for (sql, params) in &case.sql {
            let params: Vec<String> = params.iter().map(i64::to_string).collect();
            writeln!(text, "{}\t{}", params.join(","), sql.replace('\n', " "))?;
        }
    }
    let queries = dir.join("queries.txt");
    std::fs::write(&queries, text)?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/duckdb_reports.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg("--sqlite")
        .arg(sqlite)
        .arg("--queries")
        .arg(&queries)
        .arg("--reps")
        .arg(reps.to_string())
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("running python3 for DuckDB")?;
    if !out.status.success() {
        bail!("{script} failed: {}", out.status);
    }
    let times: Vec<(f64, f64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace().map(str::parse::<f64>);
            Some((f.next()?.ok()?, f.next()?.ok()?))
        })
        .collect();
    if times.len() != cases.len() {
        bail!("{script} answered {} of {} cases", times.len(), cases.len());
    }
    Ok(times)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if !args.data.exists() {
        bail!("{} does not exist: run ig-gen first", args.data.display());
    }
    let rss_before = rss_mib();
    let mut config = Config::new(&args.data);
    config.clock = Clock::system();
    // The deadline timer (reminders, overdue marks) would otherwise run in the middle of a series.
    config.deadline_timer = false;
    let opened = Instant::now();
    let server = Server::open(config).await.context("opening the server")?;
    let open_time = opened.elapsed();
    let rss_open = rss_mib();
    let db = server.db().clone();
    let (appeals, assignments, fact_bytes) = {
        let f = db.facts()?;
        (f.appeals.len(), f.assignments.len(), f.heap_bytes())
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(server.serve(listener, shutdown.clone()));
    let who = infogroups_tests::login(addr, &args.user, &args.password).await?;
    println!(
        "store {}: {appeals} appeals, {assignments} assignments",
        args.data.display()
    );
    println!(
        "server open (store + fact tables): {:.2} s; RSS {:.0} MiB before, {:.0} MiB after open \
         (the fact tables {:.0} MiB, the rest mostly sled's page cache)",
        open_time.as_secs_f64(),
        rss_before,
        rss_open,
        fact_bytes as f64 / (1024.0 * 1024.0)
    );
    let now = city_time::date_at(db.clock().now_ms());
    let year = now.year() - 1;
    let cases = cases(year, now)?;
    let mut server_times = Vec::new();
    for case in &cases {
        let mut samples = Vec::new();
        let mut rows = 0;
        for rep in 0..=args.reps {
            let started = Instant::now();
            let t = match &case.server {
                Request::Groups(r) => who.reports().groups_report(*r).await,
                Request::Analysis(r) => who.reports().appeals_analysis(*r).await,
                Request::Aggregate(r) => who.reports().aggregate(r.clone()).await,
            }
            .with_context(|| case.name.clone())?
            .into_inner();
            if rep > 0 {
                samples.push(started.elapsed());
            }
            rows = t.rows.len();
        }
        let (p50, p95) = percentiles(samples);
        println!(
            "server  {:<48} p50 {p50:>8.1} ms  p95 {p95:>8.1} ms  ({rows} rows)",
            case.name
        );
        server_times.push((p50, p95));
    }
    let dashboard = {
        let mut samples = Vec::new();
        for rep in 0..=args.reps {
            let started = Instant::now();
            who.reports().dashboard(pb::DashboardRequest {}).await?;
            if rep > 0 {
                samples.push(started.elapsed());
            }
        }
        percentiles(samples)
    };
    println!(
        "server  {:<48} p50 {:>8.1} ms  p95 {:>8.1} ms",
        "dashboard", dashboard.0, dashboard.1
    );
    println!("RSS after the queries: {:.0} MiB", rss_mib());
    if !args.no_sqlite {
        let dir = tempfile::tempdir()?;
        let path = args
            .sqlite_file
            .clone()
            .unwrap_or_else(|| dir.path().join("bench.sqlite"));
        let (conn, load) = tokio::task::block_in_place(|| load_sqlite(&db, &path))?;
        println!(
            "SQLite loaded with indexes in {:.1} s ({:.0} MiB file)",
            load.as_secs_f64(),
            std::fs::metadata(&path).map_or(0, |m| m.len()) as f64 / (1024.0 * 1024.0)
        );
        let mut sqlite_times = Vec::new();
        for case in &cases {
            let mut samples = Vec::new();
            for rep in 0..=args.sqlite_reps {
                let started = Instant::now();
                tokio::task::block_in_place(|| run_sql(&conn, &case.sql))?;
                if rep > 0 {
                    samples.push(started.elapsed());
                }
            }
            sqlite_times.push(percentiles(samples));
        }
        drop(conn);
        let duck = if args.duckdb {
            Some(run_duckdb(&path, dir.path(), &cases, args.sqlite_reps)?)
        } else {
            None
        };
        println!();
        print!("| query | server p50 / p95, ms | SQLite p50 / p95, ms |");
        if duck.is_some() {
            print!(" DuckDB p50 / p95, ms |");
        }
        println!(
            "\n|---|---|---|{}",
            if duck.is_some() { "---|" } else { "" }
        );
        for (i, case) in cases.iter().enumerate() {
            let (p50, p95) = server_times[i];
            let (s50, s95) = sqlite_times[i];
            print!(
                "| {} | {p50:.1} / {p95:.1} | {s50:.1} / {s95:.1} |",
                case.name
            );
            if let Some((d50, d95)) = duck.as_ref().and_then(|d| d.get(i)) {
                print!(" {d50:.1} / {d95:.1} |");
            }
            println!();
        }
    }
    drop(who);
    shutdown.cancel();
    task.await??;
    Ok(())
}

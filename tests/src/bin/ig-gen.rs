//! `ig-gen`: fills a data directory with a city's five years of work at scale — by default
//! 1,000,000 appeals and 300,000 assignments, with meetings and reception cards — for the report
//! benchmark (`ig-report-bench`).
//!
//! Run it in release:
//! `cargo run --release -p infogroups-tests --bin ig-gen -- --data /tmp/ig-1m`.
//!
//! The store starts as the demo city (users in every role, groups, territories, departments,
//! venues, a year of meetings); the records are then written through the server library's write
//! path (`Db::write`: entity, audit record and event, durable per batch) in large batches rather
//! than one RPC each. Distributions follow the demo city: housing questions dominate, the groups
//! and their territories share the load, channels and results are skewed as a municipal year is.
//! Generated citizens are random names from short lists; nothing is real.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::{Days, NaiveDate};
use clap::Parser;
use infogroups_server::Clock;
use infogroups_server::db::Db;
use infogroups_server::entity::Entity;
use infogroups_server::store::{DEFAULT_CACHE_BYTES, SledStore};
use infogroups_shared::calendar::{NonWorkingRule, ProductionCalendar};
use infogroups_shared::pb::{self, AppealStatus as A, AssignmentStatus as S, QuestionResult as R};
use infogroups_shared::{city_time, classifier, validate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Parser, Debug)]
#[command(
    name = "ig-gen",
    about = "Fill a data directory with years of appeals and assignments"
)]
struct Args {
    /// The data directory to create (must be empty or absent).
    #[arg(long)]
    data: PathBuf,
    /// Appeals in all (the demo city's own count towards it).
    #[arg(long, default_value_t = 1_000_000)]
    appeals: u64,
    /// Assignments in all (the demo city's own count towards it).
    #[arg(long, default_value_t = 300_000)]
    assignments: u64,
    /// Years back from today the records span.
    #[arg(long, default_value_t = 5)]
    years: u32,
    /// Records per durable write. Small, as a busy server's group commits are: sled 0.34 keeps
    /// every page a batch rewrites until the batch ends, so batches of 10,000 records took the
    /// generator to 16.6 GB resident and left a store 2.7 times the size of one written in
    /// batches of 100 (measured at 1,000,000 appeals).
    #[arg(long, default_value_t = 100)]
    batch: u64,
    /// Seed of the random choices.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

const SURNAMES: [&str; 12] = [
    "Иванов",
    "Петров",
    "Сидоров",
    "Кузнецов",
    "Смирнов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
];
const FIRST_NAMES: [&str; 8] = [
    "Анна",
    "Мария",
    "Ольга",
    "Елена",
    "Иван",
    "Сергей",
    "Николай",
    "Пётр",
];
const STREETS: [&str; 6] = [
    "Садовая",
    "Ленина",
    "Шахтёрская",
    "Харьковская",
    "Советская",
    "Радио",
];

/// What the generated records point at: the demo city's groups, executors, venues.
struct City {
    /// (group id, its territories).
    groups: Vec<(u64, Vec<u64>)>,
    /// (executor id, department id).
    executors: Vec<(u64, u64)>,
    venues: Vec<u64>,
    /// Classifier codes with weights: housing questions dominate.
    codes: Vec<(String, u32)>,
    total_weight: u32,
}

impl City {
    fn code(&self, rng: &mut StdRng) -> &str {
        let mut pick = rng.random_range(0..self.total_weight);
        for (code, w) in &self.codes {
            if pick < *w {
                return code;
            }
            pick -= w;
        }
        self.codes.last().map_or("", |(c, _)| c.as_str())
    }
}

fn date(d: NaiveDate) -> Option<pb::Date> {
    Some(validate::from_naive(d))
}

fn back(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn ahead(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap_or(d)
}

/// A day within the span, later days likelier (appeals grow year on year).
fn day_in_span(rng: &mut StdRng, today: NaiveDate, span: u64) -> NaiveDate {
    let x: f64 = rng.random::<f64>().sqrt();
    back(today, span - (x * span as f64) as u64)
}

fn citizen(rng: &mut StdRng) -> pb::Citizen {
    pb::Citizen {
        surname: SURNAMES[rng.random_range(0..SURNAMES.len())].into(),
        first_name: FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())].into(),
        patronymic: String::new(),
        postal_address: format!(
            "г. Новошахтинск, ул. {}, д. {}",
            STREETS[rng.random_range(0..STREETS.len())],
            rng.random_range(1..120)
        ),
        contact: format!("+7 863 69{:05}", rng.random_range(0..100_000)),
        workplace: String::new(),
    }
}

fn appeal(
    city: &City,
    cal: &ProductionCalendar,
    today: NaiveDate,
    span: u64,
    rng: &mut StdRng,
) -> pb::Appeal {
    let (group, territories) = &city.groups[rng.random_range(0..city.groups.len())];
    let territory = territories
        .get(rng.random_range(0..territories.len().max(1)))
        .copied()
        .unwrap_or(0);
    let registered = day_in_span(rng, today, span);
    let received = back(registered, rng.random_range(0..4));
    let due =
        infogroups_shared::appeal::answer_due(cal, registered, 0, NonWorkingRule::DEFAULT).date;
    let age = (today - registered).num_days();
    let roll: u32 = rng.random_range(0..100);
    let status = if age < 30 {
        if roll < 80 {
            A::Registered
        } else {
            A::Answered
        }
    } else {
        match roll {
            0..82 => A::Answered,
            82..88 => A::Forwarded,
            88..90 => A::Extended,
            90..93 => A::NoAnswerAnonymous,
            93..95 => A::CorrespondenceStopped,
            95..96 => A::NoAnswerObscene,
            _ => A::Registered,
        }
    };
    let extended = status == A::Extended || (status == A::Answered && roll.is_multiple_of(20));
    let result = |rng: &mut StdRng| match status {
        A::Answered => [
            R::Explained,
            R::Explained,
            R::Supported,
            R::MeasuresTaken,
            R::NotSupported,
        ][rng.random_range(0..5)],
        A::Forwarded => R::Forwarded,
        A::Extended => R::Extended,
        _ => R::InProgress,
    };
    let n_questions = match rng.random_range(0..10) {
        0..7 => 1,
        7..9 => 2,
        _ => 3,
    };
    let questions = (0..n_questions)
        .map(|_| pb::AppealQuestion {
            classifier_code: city.code(rng).to_string(),
            r#type: pb::QuestionType::Application as i32,
            result: result(rng) as i32,
            on_site: rng.random_range(0..8) == 0,
            ..Default::default()
        })
        .collect();
    let answer_day = ahead(
        registered,
        rng.random_range(3..if extended { 55 } else { 36 }),
    );
    let due_day = if extended {
        infogroups_shared::appeal::answer_due(cal, registered, 30, NonWorkingRule::DEFAULT).date
    } else {
        due
    };
    let answer = (status == A::Answered).then(|| pb::AppealAnswer {
        date: date(answer_day),
        signed_by: "Заместитель главы Администрации".into(),
        sent_via: "почта".into(),
        on_time: answer_day <= due_day,
        summary: "Дан ответ по существу".into(),
    });
    let channel = [
        pb::Channel::Post,
        pb::Channel::Post,
        pb::Channel::InPerson,
        pb::Channel::Reception,
        pb::Channel::FieldMeeting,
        pb::Channel::Epgu,
        pb::Channel::Epgu,
        pb::Channel::Site,
        pb::Channel::Other,
    ][rng.random_range(0..9)];
    let kind = [
        pb::AppealKind::Application,
        pb::AppealKind::Application,
        pb::AppealKind::Complaint,
        pb::AppealKind::Proposal,
    ][rng.random_range(0..4)];
    let anonymous = status == A::NoAnswerAnonymous;
    pb::Appeal {
        received: date(received),
        registered: date(registered),
        late_registration: infogroups_shared::appeal::late_registration(received, registered),
        channel: channel as i32,
        kind: kind as i32,
        territory_id: territory,
        group_id: *group,
        questions,
        citizen: (!anonymous).then(|| citizen(rng)),
        anonymous,
        text: "Прошу принять меры по вопросу, изложенному в обращении".into(),
        repeated: rng.random_range(0..100) < 8,
        collective: rng.random_range(0..100) < 3,
        status: status as i32,
        due: Some(pb::Deadline {
            date: date(due_day),
            predicted: false,
        }),
        due_rule: pb::NonWorkingRule::Previous as i32,
        extensions: if extended {
            vec![pb::AppealExtension {
                days: 30,
                reason: "Требуется дополнительная проверка".into(),
                notice_date: date(ahead(registered, 20)),
                new_due: date(due_day),
                ..Default::default()
            }]
        } else {
            Vec::new()
        },
        answer,
        ..Default::default()
    }
}

fn assignment(city: &City, today: NaiveDate, span: u64, rng: &mut StdRng) -> pb::Assignment {
    let (group, territories) = &city.groups[rng.random_range(0..city.groups.len())];
    let (executor, department) = city.executors[rng.random_range(0..city.executors.len())];
    let issued = day_in_span(rng, today, span);
    let deadline = ahead(issued, [1, 3, 10, 30, 30, 30][rng.random_range(0..6)]);
    let roll: u32 = rng.random_range(0..100);
    let open = deadline >= today;
    let status = if open {
        match roll {
            0..75 => S::InProgress,
            75..90 => S::ReportSubmitted,
            _ => S::DoneOnTime,
        }
    } else {
        match roll {
            0..72 => S::DoneOnTime,
            72..86 => S::DoneLate,
            86..90 => S::Overdue,
            90..93 => S::Removed,
            _ => S::DoneOnTime,
        }
    };
    let extended = roll.is_multiple_of(12);
    let deadline = if extended {
        ahead(deadline, 14)
    } else {
        deadline
    };
    let completed = match status {
        S::DoneOnTime => Some(back(deadline, rng.random_range(0..5)).max(issued)),
        S::DoneLate => Some(ahead(deadline, rng.random_range(1..20))),
        _ => None,
    };
    pb::Assignment {
        text: "Организовать устранение нарушения и доложить".into(),
        kind: pb::AssignmentKind::Task as i32,
        group_id: *group,
        territory_id: territories.first().copied().unwrap_or(0),
        executor_id: executor,
        department_id: department,
        issued: date(issued),
        deadline: Some(pb::Deadline {
            date: date(deadline),
            predicted: false,
        }),
        preset: pb::DeadlinePreset::DefaultMonth as i32,
        status: status as i32,
        extensions: if extended {
            vec![pb::Extension {
                reason: "Погодные условия".into(),
                state: pb::ExtensionState::Granted as i32,
                previous_deadline: date(back(deadline, 14)),
                ..Default::default()
            }]
        } else {
            Vec::new()
        },
        completed: completed.and_then(date),
        ..Default::default()
    }
}

/// Eight meetings per group a year with protocols and handovers (the demo city has the current
/// year already).
fn meetings(city: &City, today: NaiveDate, years: u32, rng: &mut StdRng) -> Vec<pb::Meeting> {
    let mut out = Vec::new();
    for (group, territories) in &city.groups {
        for n in 0..(8 * u64::from(years.saturating_sub(1))) {
            let day = back(today, 365 + n * 45 + rng.random_range(0..20));
            let questions = (0..rng.random_range(2..8))
                .map(|_| pb::RaisedQuestion {
                    substance: "Вопрос жителей".into(),
                    classifier_code: city.code(rng).to_string(),
                    answer_mode: [
                        pb::AnswerMode::OnTheSpot,
                        pb::AnswerMode::Explained,
                        pb::AnswerMode::OnControl,
                    ][rng.random_range(0..3)] as i32,
                    answer: "Дан ответ".into(),
                    appeal_id: 0,
                })
                .collect();
            out.push(pb::Meeting {
                group_id: *group,
                territory_id: territories.first().copied().unwrap_or(0),
                venue_id: city.venues[rng.random_range(0..city.venues.len())],
                date: date(day),
                time: "17:00".into(),
                status: if rng.random_range(0..20) == 0 {
                    pb::MeetingStatus::Cancelled
                } else {
                    pb::MeetingStatus::HandedOver
                } as i32,
                protocol: Some(pb::Protocol {
                    number: format!("{}", n + 1),
                    residents_attending: rng.random_range(10..80),
                    questions,
                    ..Default::default()
                }),
                handover: Some(pb::Handover {
                    handed_at_ms: city_time::midnight_ms(ahead(day, 5)),
                    late: rng.random_range(0..10) == 0,
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
    }
    out
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

async fn write_all<E: Entity + Send + 'static>(
    db: &Db,
    records: impl Iterator<Item = E>,
    batch: u64,
    what: &str,
) -> Result<()> {
    let mut chunk = Vec::new();
    let mut written = 0u64;
    let started = Instant::now();
    let flush = |chunk: Vec<E>| {
        let db = db.clone();
        async move {
            db.write(0, move |tx| {
                for e in chunk {
                    tx.create(e, None)?;
                }
                Ok(())
            })
            .await
        }
    };
    for r in records {
        chunk.push(r);
        if chunk.len() as u64 >= batch {
            written += chunk.len() as u64;
            flush(std::mem::take(&mut chunk)).await?;
            if written.is_multiple_of(batch * 10) {
                eprintln!(
                    "  {what}: {written} in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    written += chunk.len() as u64;
    if !chunk.is_empty() {
        flush(chunk).await?;
    }
    eprintln!(
        "  {what}: {written} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if args.data.exists()
        && std::fs::read_dir(&args.data)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!("{} is not empty", args.data.display());
    }
    let started = Instant::now();
    let store = Arc::new(SledStore::open(&args.data).context("opening the store")?);
    let db = Db::open(store, Clock::system(), &args.data.display().to_string())?;
    infogroups_server::demo::seed(&db)
        .await
        .context("seeding the demo city")?;
    let today = city_time::date_at(db.clock().now_ms());
    let span = u64::from(args.years) * 365;
    let groups: Vec<(u64, Vec<u64>)> = db
        .all::<pb::Group>()?
        .into_iter()
        .map(|g| (g.meta().id, g.territory_ids.clone()))
        .collect();
    let mut executors: Vec<(u64, u64)> = db
        .all::<pb::Assignment>()?
        .iter()
        .map(|a| (a.executor_id, a.department_id))
        .collect();
    executors.sort_unstable();
    executors.dedup();
    let venues: Vec<u64> = db.all::<pb::Venue>()?.iter().map(|v| v.meta().id).collect();
    let codes: Vec<(String, u32)> = classifier::built_in()
        .into_iter()
        .filter(|n| classifier::level(&n.code) >= 2)
        .map(|n| {
            // Housing questions are most of a mining town's mail; other тематики share the rest.
            let w = if n.code.starts_with("0005.0005.0056") {
                40
            } else if n.code.starts_with("0005") {
                15
            } else {
                4
            };
            (n.code, w)
        })
        .collect();
    if groups.is_empty() || executors.is_empty() || venues.is_empty() || codes.is_empty() {
        bail!("the demo city lacks groups, executors, venues or classifier codes");
    }
    let total_weight = codes.iter().map(|(_, w)| w).sum();
    let city = City {
        groups,
        executors,
        venues,
        codes,
        total_weight,
    };
    let mut rng = StdRng::seed_from_u64(args.seed);
    let cal = ProductionCalendar::new();
    let have_appeals = db.all::<pb::Appeal>()?.len() as u64;
    let have_assignments = db.all::<pb::Assignment>()?.len() as u64;
    eprintln!(
        "demo city seeded in {:.1} s; generating {} appeals and {} assignments over {} years",
        started.elapsed().as_secs_f64(),
        args.appeals.saturating_sub(have_appeals),
        args.assignments.saturating_sub(have_assignments),
        args.years
    );
    let meetings = meetings(&city, today, args.years, &mut rng);
    write_all(&db, meetings.into_iter(), args.batch, "meetings").await?;
    let mut card_rng = StdRng::seed_from_u64(args.seed ^ 1);
    let cards = (0..u64::from(args.years) * 3_000).map(|_| {
        let (group, territories) = &city.groups[card_rng.random_range(0..city.groups.len())];
        pb::ReceptionCard {
            date: date(day_in_span(&mut card_rng, today, span)),
            place: "Выездная встреча".into(),
            group_id: *group,
            citizen: Some(citizen(&mut card_rng)),
            content: "Устное обращение".into(),
            classifier_code: city.code(&mut card_rng).to_string(),
            question_type: pb::QuestionType::OralMessage as i32,
            identity_checked: true,
            territory_id: territories.first().copied().unwrap_or(0),
            ..Default::default()
        }
    });
    write_all(&db, cards, args.batch, "reception cards").await?;
    let mut asg_rng = StdRng::seed_from_u64(args.seed ^ 2);
    let assignments =
        (have_assignments..args.assignments).map(|_| assignment(&city, today, span, &mut asg_rng));
    write_all(&db, assignments, args.batch, "assignments").await?;
    let appeals = (have_appeals..args.appeals).map(|_| appeal(&city, &cal, today, span, &mut rng));
    write_all(&db, appeals, args.batch, "appeals").await?;
    db.close().await?;
    let elapsed = started.elapsed();
    // What the store holds, as a backup would copy it: every key and value once.
    let mut logical = 0u64;
    db.store().for_each(&mut |k, v| {
        logical += (k.len() + v.len()) as u64;
        Ok(())
    })?;
    drop(db);
    // Opened once more before exit: sled 0.34 saves its page table only when it opens, so
    // without this the server's first open would scan all of the log just written.
    let settle = Instant::now();
    drop(
        infogroups_server::files::open_store(&args.data, DEFAULT_CACHE_BYTES)
            .context("reopening the store")?,
    );
    let settled = settle.elapsed();
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    let on_disk = dir_size(&args.data);
    println!(
        "ig-gen: {} appeals, {} assignments over {} years in {} — {:.1} s (and {:.1} s to reopen \
         the store), store {:.0} MiB on disk for {:.0} MiB of keys and values ({:.2}×)",
        args.appeals.max(have_appeals),
        args.assignments.max(have_assignments),
        args.years,
        args.data.display(),
        elapsed.as_secs_f64(),
        settled.as_secs_f64(),
        mib(on_disk),
        mib(logical),
        on_disk as f64 / logical.max(1) as f64
    );
    Ok(())
}

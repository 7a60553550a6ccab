//! Citizens' appeals and personal reception under 59-FZ (issue 5), end to end through the real
//! gRPC API: registration numbers and the 30-calendar-day deadline with the non-working-day
//! setting, late registration, repeated suggestions, extensions, forwarding, the special outcomes
//! of art. 11, answers and results, who sees a citizen's personal data (and that every view is
//! audited), reception cards put on control, the federal classifier's import and search,
//! depersonalisation after the retention period, and one resident followed from a field meeting
//! to an answer on time.
//!
//! Every server runs on a training clock (`serve --clock`) started at noon of a city date and
//! moved forward over the API, as a trainer would; sessions are made long enough to survive the
//! clock jumps (the longest is past the five-year retention).

use std::time::Duration;

use chrono::{Days, NaiveDate};
use infogroups_server::{Clock, Config};
use infogroups_shared::calendar::NonWorkingRule;
use infogroups_shared::pb::{self, AppealStatus as A, QuestionResult as R, Role};
use infogroups_shared::validate::FieldError;
use infogroups_tests::answer::{ok, refused, ru_message};
use infogroups_tests::fixtures::{
    add_user, advance_clock_to, api_date, city_ms, global, id_of, request_id, transition,
    version_of,
};
use infogroups_tests::watch::events_until;
use infogroups_tests::{Authed, City, STEP, TEST_PASSWORD, TestServer, login};
use tonic::{Code, Response, Status};

/// Sessions outlive every clock jump these tests make.
const LONG_SESSIONS: Duration = Duration::from_secs(20 * 366 * 24 * 3600);

/// «Перебои в водоснабжении», a built-in question.
const WATER: &str = "0005.0005.0056.1154";
/// «Перебои в электроснабжении», a built-in question.
const POWER: &str = "0005.0005.0056.1153";
/// «Несанкционированная свалка мусора», a built-in question.
const DUMP: &str = "0005.0005.0056.1161";

/// A calendar date (the tests only write real ones).
fn d(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a real date")
}

/// An API date back as a calendar date.
fn naive(x: Option<pb::Date>) -> NaiveDate {
    let x = x.expect("a date");
    d(x.year, x.month as u32, x.day as u32)
}

/// Asserts an `InvalidArgument` answer naming `field`.
#[track_caller]
fn invalid<T: std::fmt::Debug>(answer: Result<Response<T>, Status>, field: &str) -> Status {
    let s = refused(answer, Code::InvalidArgument, "");
    assert_eq!(
        FieldError::from_status(&s).map(|f| f.field),
        Some(field.to_string()),
        "{s:?}"
    );
    s
}

/// An appeal's status.
fn status(a: &pb::Appeal) -> A {
    A::try_from(a.status).unwrap_or(A::Unspecified)
}

/// An appeal's due date.
fn due(a: &pb::Appeal) -> NaiveDate {
    naive(a.due.and_then(|x| x.date))
}

/// The results of an appeal's questions.
fn results(a: &pb::Appeal) -> Vec<R> {
    a.questions
        .iter()
        .map(|q| R::try_from(q.result).unwrap_or(R::InProgress))
        .collect()
}

/// A citizen with a postal address.
fn citizen(surname: &str, first_name: &str, address: &str) -> pb::Citizen {
    pb::Citizen {
        surname: surname.into(),
        first_name: first_name.into(),
        patronymic: "Сергеевна".into(),
        postal_address: address.into(),
        contact: "+7 918 000-00-00".into(),
        workplace: String::new(),
    }
}

/// The `n`-th of several different people (different people are never suggested as a repeat).
fn someone(n: u32) -> pb::Citizen {
    citizen("Петрова", "Ольга", &format!("ул. Садовая, д. {n}"))
}

/// A server on a manual clock at noon of `today`, a city, a territory group A serves and an
/// education venue on it.
struct Env {
    server: TestServer,
    city: City,
    territory: u64,
    venue: u64,
}

impl Env {
    /// Starts with the test defaults.
    async fn start(today: NaiveDate) -> Self {
        let server = start_server(today, |_| {}).await;
        let mut city = City::build(&server).await.expect("city");
        let territory =
            infogroups_tests::fixtures::save_territory(&city.admin, "Микрорайон Соцгород")
                .await
                .expect("territory");
        let territory = id_of(territory.meta);
        let mut g = city.group_a.clone();
        g.territory_ids.push(territory);
        city.group_a = ok(
            city.admin
                .groups()
                .update_group(pb::UpdateGroupRequest {
                    expected_version: version_of(city.group_a.meta),
                    group: Some(g),
                    reason: "Закреплена территория".into(),
                })
                .await,
            "UpdateGroup",
        );
        let venue = ok(
            city.admin
                .directory()
                .save_venue(pb::SaveVenueRequest {
                    request_id: request_id("venue"),
                    expected_version: 0,
                    venue: Some(pb::Venue {
                        name: "МБОУ СОШ № 3".into(),
                        address: "ул. Харьковская, 10".into(),
                        kind: pb::VenueKind::Education as i32,
                        ..Default::default()
                    }),
                })
                .await,
            "SaveVenue",
        );
        Self {
            server,
            city,
            territory,
            venue: id_of(venue.meta),
        }
    }

    /// Moves the server's training clock forward to noon of `day` (the administrator's
    /// `AdvanceClock`).
    async fn set_day(&self, day: NaiveDate) {
        advance_clock_to(&self.city.admin, day, 12)
            .await
            .expect("AdvanceClock");
    }

    /// Today by the server's clock.
    fn today(&self) -> NaiveDate {
        infogroups_tests::fixtures::today(self.server.clock())
    }

    /// A valid appeal of group A's territory received today, from «Иванова Анна», on `codes`.
    fn appeal(&self, codes: &[&str]) -> pb::Appeal {
        pb::Appeal {
            received: Some(api_date(self.today())),
            channel: pb::Channel::Post as i32,
            kind: pb::AppealKind::Application as i32,
            territory_id: self.territory,
            group_id: self.city.a(),
            questions: codes
                .iter()
                .map(|c| pb::AppealQuestion {
                    classifier_code: (*c).into(),
                    r#type: pb::QuestionType::Application as i32,
                    ..Default::default()
                })
                .collect(),
            citizen: Some(citizen("Иванова", "Анна", "ул. Ленина, д. 5, кв. 12")),
            text: "Прошу восстановить водоснабжение дома".into(),
            ..Default::default()
        }
    }

    /// The appeal as it stands now (the system may have marked it since).
    async fn current(&self, a: &pb::Appeal) -> pb::Appeal {
        ok(
            self.city
                .general
                .appeals()
                .get_appeal(pb::GetAppealRequest {
                    appeal_id: id_of(a.meta),
                })
                .await,
            "GetAppeal",
        )
    }

    /// The general department registers `appeal`.
    async fn register(&self, appeal: pb::Appeal) -> pb::Appeal {
        ok(
            register(&self.city.general, appeal, false).await,
            "RegisterAppeal",
        )
    }
}

/// A server on a manual clock at noon of `today` with long sessions; `tweak` changes the rest.
async fn start_server(today: NaiveDate, tweak: impl FnOnce(&mut Config)) -> TestServer {
    TestServer::start(|c| {
        c.clock = Clock::training(city_ms(today, 12));
        c.token_ttl = LONG_SESSIONS;
        tweak(c);
    })
    .await
    .expect("server")
}

/// RegisterAppeal as `who`.
async fn register(
    who: &Authed,
    appeal: pb::Appeal,
    repeated_confirmed: bool,
) -> Result<Response<pb::Appeal>, Status> {
    who.appeals()
        .register_appeal(pb::RegisterAppealRequest {
            request_id: request_id("appeal"),
            appeal: Some(appeal),
            repeated_confirmed,
        })
        .await
}

/// An answer request for `a` dated `on` with `results`.
fn answer(a: &pb::Appeal, on: NaiveDate, results: &[R]) -> pb::AnswerAppealRequest {
    pb::AnswerAppealRequest {
        appeal_id: id_of(a.meta),
        expected_version: version_of(a.meta),
        answer: Some(pb::AppealAnswer {
            date: Some(api_date(on)),
            signed_by: "Заместитель главы Администрации Петров П. П.".into(),
            sent_via: "почта".into(),
            summary: "Водовод отремонтирован".into(),
            on_time: false,
        }),
        results: results.iter().map(|r| *r as i32).collect(),
    }
}

/// An extension request for `a`.
fn extension(a: &pb::Appeal, days: u32, notice: NaiveDate) -> pb::ExtendAppealRequest {
    pb::ExtendAppealRequest {
        appeal_id: id_of(a.meta),
        expected_version: version_of(a.meta),
        extension: Some(pb::AppealExtension {
            days,
            reason: "Нужно комиссионное обследование водовода".into(),
            notice_date: Some(api_date(notice)),
            ..Default::default()
        }),
    }
}

/// A forwarding request for `a` dated `on`.
fn forwarding(a: &pb::Appeal, on: NaiveDate) -> pb::ForwardAppealRequest {
    pb::ForwardAppealRequest {
        appeal_id: id_of(a.meta),
        expected_version: version_of(a.meta),
        forwarding: Some(pb::Forwarding {
            body: "Министерство ЖКХ Ростовской области".into(),
            date: Some(api_date(on)),
            notice_date: Some(api_date(on)),
            on_time: false,
        }),
    }
}

/// What a caller gets from GetAppeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// The record with the citizen.
    Citizen,
    /// The record without the citizen, marked depersonalised.
    Depersonalised,
    /// NotFound: the caller may not know it exists.
    Hidden,
}

/// How `who` sees appeal `id`.
async fn view(who: &Authed, id: u64) -> View {
    match who
        .appeals()
        .get_appeal(pb::GetAppealRequest { appeal_id: id })
        .await
    {
        Ok(a) => {
            let a = a.into_inner();
            if a.citizen.is_some() {
                assert!(!a.depersonalised, "{a:?}");
                View::Citizen
            } else {
                assert!(a.depersonalised, "withheld data is marked: {a:?}");
                View::Depersonalised
            }
        }
        Err(s) if s.code() == Code::NotFound => View::Hidden,
        Err(s) => panic!("GetAppeal by {}: {s:?}", who.username),
    }
}

/// The audited views of appeal `id`'s personal data by `actor` (read by the administrator).
async fn audited_views(admin: &Authed, id: u64, actor: u64) -> Vec<pb::AuditRecord> {
    ok(
        admin
            .audit()
            .list_audit(pb::ListAuditRequest {
                actor_id: actor,
                entity_kind: "appeal".into(),
                entity_id: id,
                ..Default::default()
            })
            .await,
        "ListAudit",
    )
    .records
    .into_iter()
    .filter(|r| r.action == "view_personal_data")
    .collect()
}

/// A reception card of group A taken today by `received_by`.
fn card(env: &Env, received_by: u64) -> pb::ReceptionCard {
    pb::ReceptionCard {
        date: Some(api_date(env.today())),
        place: "МБОУ СОШ № 3, выездная встреча".into(),
        group_id: env.city.a(),
        received_by,
        citizen: Some(pb::Citizen {
            workplace: "Шахта «Ростовская», горнорабочий".into(),
            ..citizen("Сидоров", "Пётр", "ул. Шахтёрская, д. 7")
        }),
        content: "Не горят фонари на ул. Шахтёрской".into(),
        classifier_code: POWER.into(),
        question_type: pb::QuestionType::Complaint as i32,
        identity_checked: true,
        territory_id: env.territory,
        ..Default::default()
    }
}

/// The same card put on control with `executor` and a deadline `days` ahead.
fn on_control(
    mut c: pb::ReceptionCard,
    executor: u64,
    days: u64,
    today: NaiveDate,
) -> pb::ReceptionCard {
    c.on_control = true;
    c.executor_id = executor;
    c.deadline = Some(api_date(today + Days::new(days)));
    c
}

/// SaveReceptionCard (create) as `who`.
async fn save_card(
    who: &Authed,
    card: pb::ReceptionCard,
) -> Result<Response<pb::ReceptionCard>, Status> {
    who.appeals()
        .save_reception_card(pb::SaveReceptionCardRequest {
            request_id: request_id("card"),
            expected_version: 0,
            card: Some(card),
        })
        .await
}

/// CardToAppeal as `who`.
async fn card_to_appeal(
    who: &Authed,
    card: &pb::ReceptionCard,
) -> Result<Response<pb::Appeal>, Status> {
    who.appeals()
        .card_to_appeal(pb::CardToAppealRequest {
            request_id: request_id("card-appeal"),
            card_id: id_of(card.meta),
            expected_version: version_of(card.meta),
        })
        .await
}

/// An assignment as `who` sees it.
async fn assignment(who: &Authed, id: u64) -> pb::Assignment {
    ok(
        who.assignments()
            .get_assignment(pb::GetAssignmentRequest { assignment_id: id })
            .await,
        "GetAssignment",
    )
}

/// A classifier search.
async fn search(who: &Authed, query: &str) -> pb::SearchClassifierResponse {
    ok(
        who.directory()
            .search_classifier(pb::SearchClassifierRequest {
                query: query.into(),
                limit: 0,
            })
            .await,
        "SearchClassifier",
    )
}

/// The codes a search found.
fn codes(r: &pb::SearchClassifierResponse) -> Vec<&str> {
    r.nodes.iter().map(|n| n.code.as_str()).collect()
}

/// An import request.
fn import(
    version: &str,
    format: pb::ClassifierFormat,
    content: &str,
) -> pb::ImportClassifierRequest {
    pb::ImportClassifierRequest {
        version: version.into(),
        format: format as i32,
        content: content.as_bytes().to_vec(),
    }
}

/// Saves a territory as the administrator and returns its id: a write every watcher sees, so
/// reading a stream up to it proves everything committed before it has been delivered.
async fn sentinel(admin: &Authed) -> u64 {
    let t = infogroups_tests::fixtures::save_territory(admin, "Отметка")
        .await
        .expect("sentinel territory");
    id_of(t.meta)
}

// ---------------------------------------------------------------------------------------------
// 1. Registration and the deadlines
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_numbers_the_appeal_today_and_sets_the_thirty_day_deadline() {
    let env = Env::start(d(2025, 12, 2)).await;
    // (registered, due by the default rule: the previous working day, never after day 30)
    let rows = [
        // 01.01.2026 is a holiday and 31.12.2025 a day off: Tuesday 30.12.2025.
        (d(2025, 12, 2), d(2025, 12, 30), "ИГ-2025-00001"),
        // 01.05.2026 is a holiday: Thursday 30.04.
        (d(2026, 4, 1), d(2026, 4, 30), "ИГ-2026-00001"),
        // 06.05.2026 is a Wednesday: it stays.
        (d(2026, 4, 6), d(2026, 5, 6), "ИГ-2026-00002"),
        // 10.05.2026 is a Sunday and 09.05 a holiday: Friday 08.05.
        (d(2026, 4, 10), d(2026, 5, 8), "ИГ-2026-00003"),
    ];
    for (n, (day, want_due, number)) in (1..).zip(rows) {
        env.set_day(day).await;
        let mut a = env.appeal(&[WATER]);
        a.citizen = Some(someone(n));
        a.received = Some(api_date(day - Days::new(3)));
        let a = env.register(a).await;
        assert_eq!(a.number, number);
        assert_eq!(naive(a.registered), day);
        assert_eq!(due(&a), want_due, "registered {day}");
        assert!(!a.due.expect("due").predicted);
        assert_eq!(a.due_rule, pb::NonWorkingRule::Previous as i32);
        assert!(!a.late_registration, "three days after receipt is in time");
        assert_eq!(status(&a), A::Registered);
        assert_eq!(results(&a), [R::InProgress]);
        assert!(
            a.citizen.is_some(),
            "the general department sees what it registered"
        );
    }
    // Four days after receipt is late; a receipt in the future is impossible.
    let mut late = env.appeal(&[WATER]);
    late.citizen = Some(someone(5));
    late.received = Some(api_date(env.today() - Days::new(4)));
    let late = env.register(late).await;
    assert!(late.late_registration);
    assert_eq!(late.number, "ИГ-2026-00004");
    let mut future = env.appeal(&[WATER]);
    future.received = Some(api_date(env.today() + Days::new(1)));
    invalid(
        register(&env.city.general, future, false).await,
        "appeal.received",
    );
    // The server sets the number, the dates and the status: a client sending them is refused
    // (issue 14 §7), and nothing is registered.
    for (field, forged) in [
        (
            "appeal.number",
            pb::Appeal {
                number: "ИГ-1999-99999".into(),
                ..env.appeal(&[WATER])
            },
        ),
        (
            "appeal.registered",
            pb::Appeal {
                registered: Some(api_date(d(2020, 1, 1))),
                ..env.appeal(&[WATER])
            },
        ),
        (
            "appeal.status",
            pb::Appeal {
                status: A::Answered as i32,
                ..env.appeal(&[WATER])
            },
        ),
    ] {
        invalid(register(&env.city.general, forged, true).await, field);
    }
    let a = env
        .register(pb::Appeal {
            citizen: Some(someone(6)),
            ..env.appeal(&[WATER])
        })
        .await;
    assert_eq!(
        (a.number.as_str(), naive(a.registered), status(&a)),
        ("ИГ-2026-00005", d(2026, 4, 10), A::Registered)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_non_working_day_rule_is_a_setting_recorded_on_each_appeal() {
    // Registered 10.04.2026: day 30 is Sunday 10.05, and Monday 11.05 is a day off too.
    for (rule, want, recorded) in [
        (
            NonWorkingRule::NextWorkingDay,
            d(2026, 5, 12),
            pb::NonWorkingRule::Next,
        ),
        (
            NonWorkingRule::Unchanged,
            d(2026, 5, 10),
            pb::NonWorkingRule::Unchanged,
        ),
    ] {
        let server = start_server(d(2026, 4, 10), |c| c.appeal_non_working_rule = rule).await;
        add_user(server.db(), "general", &[global(Role::GeneralDepartment)])
            .await
            .expect("user");
        let general = login(server.addr(), "general", TEST_PASSWORD)
            .await
            .expect("login");
        let a = ok(
            register(
                &general,
                pb::Appeal {
                    received: Some(api_date(d(2026, 4, 10))),
                    channel: pb::Channel::Epgu as i32,
                    kind: pb::AppealKind::Proposal as i32,
                    questions: vec![pb::AppealQuestion {
                        classifier_code: DUMP.into(),
                        r#type: pb::QuestionType::Proposal as i32,
                        ..Default::default()
                    }],
                    citizen: Some(citizen("Орлова", "Вера", "пер. Садовый, 2")),
                    text: "Предлагаю поставить контейнеры".into(),
                    ..Default::default()
                },
                false,
            )
            .await,
            "RegisterAppeal",
        );
        assert_eq!(due(&a), want, "{rule:?}");
        assert_eq!(a.due_rule, recorded as i32, "{rule:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_need_known_classifier_codes_and_the_flags_are_checked() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let seq = c.admin.published_seq().await.expect("seq");

    let s = invalid(
        register(&c.general, env.appeal(&["0005.0005.0056.9999"]), false).await,
        "appeal.questions[0].classifier_code",
    );
    assert!(s.message().contains("no such code"), "{s:?}");
    assert!(ru_message(&s).contains("классификатор"), "{s:?}");
    invalid(
        register(&c.general, env.appeal(&[WATER, "5.5.56.1154"]), false).await,
        "appeal.questions[1].classifier_code",
    );
    invalid(
        register(&c.general, env.appeal(&[]), false).await,
        "appeal.questions",
    );
    let mut untyped = env.appeal(&[WATER]);
    untyped.questions[0].r#type = 0;
    invalid(
        register(&c.general, untyped, false).await,
        "appeal.questions[0].type",
    );
    let mut nobody = env.appeal(&[WATER]);
    nobody.citizen = None;
    invalid(register(&c.general, nobody, false).await, "appeal.citizen");
    let mut nameless = env.appeal(&[WATER]);
    if let Some(x) = nameless.citizen.as_mut() {
        x.surname.clear();
    }
    invalid(
        register(&c.general, nameless, false).await,
        "appeal.citizen.surname",
    );
    let mut lonely = env.appeal(&[WATER]);
    lonely.collective = true;
    lonely.signatories = 1;
    invalid(
        register(&c.general, lonely, false).await,
        "appeal.signatories",
    );
    for who in [
        &c.member_a,
        &c.leader_a,
        &c.head,
        &c.control,
        &c.population,
        &c.executor,
        &c.secretary_b,
        &c.admin,
    ] {
        refused(
            register(who, env.appeal(&[WATER]), false).await,
            Code::PermissionDenied,
            "general department",
        );
    }
    assert_eq!(
        c.admin.published_seq().await.expect("seq"),
        seq,
        "nothing refused was written"
    );

    // Anonymous: no citizen is kept even if one is sent.
    let anonymous = env
        .register(pb::Appeal {
            anonymous: true,
            ..env.appeal(&[DUMP])
        })
        .await;
    assert!(anonymous.anonymous && anonymous.citizen.is_none() && !anonymous.depersonalised);
    let kept = ok(
        c.general
            .appeals()
            .get_appeal(pb::GetAppealRequest {
                appeal_id: id_of(anonymous.meta),
            })
            .await,
        "GetAppeal",
    );
    assert!(kept.citizen.is_none(), "nothing of the citizen was stored");
    let nameless_anonymous = env
        .register(pb::Appeal {
            anonymous: true,
            citizen: None,
            ..env.appeal(&[DUMP])
        })
        .await;
    assert!(nameless_anonymous.anonymous);
    // Collective, with its signatories; the group's secretary registers too.
    let collective = ok(
        register(
            &c.secretary_a,
            pb::Appeal {
                collective: true,
                signatories: 14,
                ..env.appeal(&[WATER, POWER])
            },
            false,
        )
        .await,
        "RegisterAppeal (collective) by the secretary",
    );
    assert!(collective.collective);
    assert_eq!(collective.signatories, 14);
    assert_eq!(collective.questions.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_suggestion_names_the_earlier_appeal_and_registers_once_confirmed() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let first = env.register(env.appeal(&[WATER])).await;

    // The same citizen, written differently, on one of the same topics.
    let again = pb::Appeal {
        citizen: Some(pb::Citizen {
            surname: "ИВАНОВА ".into(),
            first_name: "анна".into(),
            patronymic: "СЕРГЕЕВНА".into(),
            postal_address: "ул Ленина д 5 кв 12".into(),
            ..Default::default()
        }),
        ..env.appeal(&[POWER, WATER])
    };
    let s = refused(
        register(&c.general, again.clone(), false).await,
        Code::FailedPrecondition,
        "repeated appeal",
    );
    assert!(s.message().contains(&first.number), "{s:?}");
    assert!(ru_message(&s).contains("повторное"), "{s:?}");
    let confirmed = ok(
        register(
            &c.general,
            pb::Appeal {
                repeated: true,
                ..again.clone()
            },
            true,
        )
        .await,
        "RegisterAppeal (confirmed)",
    );
    assert!(confirmed.repeated);
    assert_eq!(confirmed.number, "ИГ-2026-00002");

    // Another person on the topic, or the same person on another topic, is not suggested.
    let neighbour = pb::Appeal {
        citizen: Some(citizen("Иванова", "Анна", "ул. Ленина, д. 7")),
        ..env.appeal(&[WATER])
    };
    env.register(neighbour).await;
    env.register(env.appeal(&[DUMP])).await;

    // Outside the window (365 days) it is not suggested either.
    env.set_day(d(2027, 4, 8)).await;
    let later = env.register(env.appeal(&[WATER])).await;
    assert!(!later.repeated);
    assert_eq!(later.number, "ИГ-2027-00001");
}

// ---------------------------------------------------------------------------------------------
// 2. Extension, forwarding, special outcomes, answers
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_head_extends_the_deadline_by_thirty_days_in_all_with_the_notice_recorded() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let a = env.register(env.appeal(&[WATER, POWER])).await;
    assert_eq!(due(&a), d(2026, 5, 6));
    let notice = d(2026, 4, 8);

    for who in [&c.general, &c.secretary_a, &c.control, &c.leader_a] {
        refused(
            who.appeals().extend_appeal(extension(&a, 10, notice)).await,
            Code::PermissionDenied,
            "only the head",
        );
    }
    invalid(
        c.head
            .appeals()
            .extend_appeal(extension(&a, 31, notice))
            .await,
        "extension.days",
    );
    invalid(
        c.head
            .appeals()
            .extend_appeal(extension(&a, 10, d(2026, 6, 1)))
            .await,
        "extension.notice_date",
    );
    let a = ok(
        c.head
            .appeals()
            .extend_appeal(extension(&a, 20, notice))
            .await,
        "ExtendAppeal",
    );
    assert_eq!(status(&a), A::Extended);
    assert_eq!(due(&a), d(2026, 5, 26));
    assert_eq!(results(&a), [R::Extended, R::Extended]);
    let e = &a.extensions[0];
    assert_eq!((e.days, e.granted_by), (20, c.head.user_id));
    assert_eq!(naive(e.notice_date), notice);
    assert_eq!(naive(e.new_due), d(2026, 5, 26));
    assert!(!e.reason.is_empty());
    assert!(
        a.citizen.is_none() && a.depersonalised,
        "the head sees no personal data"
    );

    let a = ok(
        c.head
            .appeals()
            .extend_appeal(extension(&a, 10, notice))
            .await,
        "ExtendAppeal (the remaining 10 days)",
    );
    assert_eq!(due(&a), d(2026, 6, 5));
    assert_eq!(a.extensions.len(), 2);
    let s = refused(
        c.head
            .appeals()
            .extend_appeal(extension(&a, 1, notice))
            .await,
        Code::FailedPrecondition,
        "30 days at most",
    );
    assert!(ru_message(&s).contains("30"), "{s:?}");

    // The deadline is extended before it passes, not after.
    let b = env.register(env.appeal(&[DUMP])).await;
    env.set_day(d(2026, 5, 7)).await;
    // The system marked it overdue the moment its day passed: a new version.
    let b = env.current(&b).await;
    assert!(b.overdue);
    refused(
        c.head
            .appeals()
            .extend_appeal(extension(&b, 10, d(2026, 5, 7)))
            .await,
        Code::FailedPrecondition,
        "already passed",
    );
    // The extended appeal is still answered on time within its new deadline.
    env.set_day(d(2026, 6, 5)).await;
    let a = ok(
        c.general
            .appeals()
            .get_appeal(pb::GetAppealRequest {
                appeal_id: id_of(a.meta),
            })
            .await,
        "GetAppeal",
    );
    // An answer says what it answered: a blank one is refused.
    let mut blank = answer(&a, d(2026, 6, 5), &[R::MeasuresTaken, R::Explained]);
    if let Some(ans) = blank.answer.as_mut() {
        ans.summary = "  ".into();
    }
    invalid(
        c.general.appeals().answer_appeal(blank).await,
        "answer.summary",
    );
    let a = ok(
        c.general
            .appeals()
            .answer_appeal(answer(&a, d(2026, 6, 5), &[R::MeasuresTaken, R::Explained]))
            .await,
        "AnswerAppeal",
    );
    assert!(a.answer.expect("answer").on_time);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_is_on_time_within_seven_days_of_registration_and_final() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let first = env.register(env.appeal(&[WATER, POWER])).await;
    let second = env.register(env.appeal(&[DUMP])).await;

    invalid(
        c.general
            .appeals()
            .forward_appeal(forwarding(&first, d(2026, 4, 5)))
            .await,
        "forwarding.date",
    );
    // The applicant cannot be told before the appeal has gone.
    let mut early_notice = forwarding(&first, d(2026, 4, 6));
    if let Some(f) = early_notice.forwarding.as_mut() {
        f.notice_date = Some(api_date(d(2026, 4, 3)));
    }
    invalid(
        c.general.appeals().forward_appeal(early_notice).await,
        "forwarding.notice_date",
    );
    refused(
        c.member_a
            .appeals()
            .forward_appeal(forwarding(&first, d(2026, 4, 6)))
            .await,
        Code::PermissionDenied,
        "",
    );
    env.set_day(d(2026, 4, 13)).await;
    let first = ok(
        c.secretary_a
            .appeals()
            .forward_appeal(forwarding(&first, d(2026, 4, 13)))
            .await,
        "ForwardAppeal (day 7)",
    );
    assert_eq!(status(&first), A::Forwarded);
    let f = first.forwarding.clone().expect("forwarding");
    assert!(f.on_time, "the seventh day is on time");
    assert_eq!(naive(f.notice_date), d(2026, 4, 13));
    assert_eq!(f.body, "Министерство ЖКХ Ростовской области");
    assert_eq!(results(&first), [R::Forwarded, R::Forwarded]);
    env.set_day(d(2026, 4, 14)).await;
    let second = ok(
        c.general
            .appeals()
            .forward_appeal(forwarding(&second, d(2026, 4, 14)))
            .await,
        "ForwardAppeal (day 8)",
    );
    assert!(
        !second.forwarding.expect("forwarding").on_time,
        "the eighth day is late"
    );

    // Forwarded is final.
    refused(
        c.general
            .appeals()
            .answer_appeal(answer(
                &first,
                d(2026, 4, 14),
                &[R::Explained, R::Explained],
            ))
            .await,
        Code::FailedPrecondition,
        "the appeal is closed",
    );
    refused(
        c.general
            .appeals()
            .forward_appeal(forwarding(&first, d(2026, 4, 14)))
            .await,
        Code::FailedPrecondition,
        "the appeal is closed",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_special_outcome_of_article_11_is_a_final_state_of_its_own() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let close = |a: &pb::Appeal, outcome: A, reason: &str| pb::CloseSpecialRequest {
        appeal_id: id_of(a.meta),
        expected_version: version_of(a.meta),
        outcome: outcome as i32,
        reason: reason.into(),
        ..Default::default()
    };
    let probe = env.register(env.appeal(&[WATER])).await;
    for not_special in [A::Answered, A::Forwarded, A::Extended, A::Registered] {
        invalid(
            c.general
                .appeals()
                .close_special(close(&probe, not_special, "Причина"))
                .await,
            "outcome",
        );
    }
    invalid(
        c.general
            .appeals()
            .close_special(close(&probe, A::NoAnswerObscene, " "))
            .await,
        "reason",
    );
    // Each outcome on an appeal whose facts fit it (art. 11 of 59-FZ).
    let anonymous = env
        .register(pb::Appeal {
            anonymous: true,
            citizen: None,
            ..env.appeal(&[DUMP])
        })
        .await;
    // A repeated appeal of a citizen already answered on the merits on the same question.
    let earlier = env
        .register(pb::Appeal {
            citizen: Some(someone(40)),
            ..env.appeal(&[DUMP])
        })
        .await;
    ok(
        c.general
            .appeals()
            .answer_appeal(answer(&earlier, env.today(), &[R::Explained]))
            .await,
        "AnswerAppeal",
    );
    let repeated = ok(
        register(
            &c.general,
            pb::Appeal {
                citizen: Some(someone(40)),
                repeated: true,
                ..env.appeal(&[DUMP])
            },
            true,
        )
        .await,
        "RegisterAppeal",
    );
    for (outcome, reason, ready) in [
        (
            A::NoAnswerAnonymous,
            "Не указаны фамилия и почтовый адрес (ст. 11 ч. 1)",
            Some(anonymous),
        ),
        (
            A::NoAnswerObscene,
            "Нецензурные выражения (ст. 11 ч. 3)",
            None,
        ),
        (
            A::NoAnswerUnreadable,
            "Текст не поддаётся прочтению (ст. 11 ч. 4)",
            None,
        ),
        (
            A::CorrespondenceStopped,
            "Переписка прекращена (ст. 11 ч. 5)",
            Some(repeated),
        ),
        (
            A::ReturnedCourt,
            "Обжалуется судебное решение (ст. 11 ч. 2)",
            None,
        ),
    ] {
        let a = match ready {
            Some(a) => a,
            None => {
                env.register(pb::Appeal {
                    citizen: Some(someone(outcome as u32)),
                    ..env.appeal(&[DUMP])
                })
                .await
            }
        };
        // Stopping the correspondence is the head's; the rest the general department's.
        let by = if outcome == A::CorrespondenceStopped {
            &c.head
        } else {
            &c.general
        };
        let a = ok(
            by.appeals()
                .close_special(pb::CloseSpecialRequest {
                    notice_date: Some(api_date(env.today())),
                    no_new_arguments: true,
                    ..close(&a, outcome, reason)
                })
                .await,
            "CloseSpecial",
        );
        assert_eq!(status(&a), outcome);
        assert_eq!(a.answer.as_ref().map(|x| x.summary.as_str()), Some(reason));
        let s = refused(
            c.general
                .appeals()
                .answer_appeal(answer(&a, env.today(), &[R::Explained]))
                .await,
            Code::FailedPrecondition,
            "the appeal is closed",
        );
        assert!(ru_message(&s).contains("завершено"), "{s:?}");
        refused(
            c.head
                .appeals()
                .extend_appeal(extension(&a, 5, env.today()))
                .await,
            Code::FailedPrecondition,
            "closed",
        );
        refused(
            c.general
                .appeals()
                .close_special(close(&a, A::NoAnswerObscene, reason))
                .await,
            Code::FailedPrecondition,
            "closed",
        );
        let mut edit = a.clone();
        edit.text = "Исправленный текст".into();
        refused(
            c.general
                .appeals()
                .update_appeal(pb::UpdateAppealRequest {
                    expected_version: version_of(a.meta),
                    appeal: Some(edit),
                })
                .await,
            Code::FailedPrecondition,
            "closed",
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_carry_a_result_per_question_and_are_on_time_through_the_due_date() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let on_time = env.register(env.appeal(&[WATER, POWER])).await;
    let late = env.register(env.appeal(&[DUMP])).await;
    assert_eq!(due(&on_time), d(2026, 5, 6));

    invalid(
        c.general
            .appeals()
            .answer_appeal(answer(&on_time, env.today(), &[R::Explained]))
            .await,
        "results",
    );
    invalid(
        c.general
            .appeals()
            .answer_appeal(answer(
                &on_time,
                env.today(),
                &[R::InProgress, R::Explained],
            ))
            .await,
        "results[0]",
    );
    invalid(
        c.general
            .appeals()
            .answer_appeal(answer(&on_time, env.today(), &[R::Explained, R::Forwarded]))
            .await,
        "results[1]",
    );
    invalid(
        c.general
            .appeals()
            .answer_appeal(answer(
                &on_time,
                d(2026, 4, 7),
                &[R::Explained, R::Explained],
            ))
            .await,
        "answer.date",
    );
    refused(
        c.member_a
            .appeals()
            .answer_appeal(answer(&on_time, env.today(), &[R::Explained, R::Explained]))
            .await,
        Code::PermissionDenied,
        "",
    );

    // On the due date: on time.
    env.set_day(d(2026, 5, 6)).await;
    let a = ok(
        c.general
            .appeals()
            .answer_appeal(answer(
                &on_time,
                d(2026, 5, 6),
                &[R::MeasuresTaken, R::NotSupported],
            ))
            .await,
        "AnswerAppeal (due day)",
    );
    assert_eq!(status(&a), A::Answered);
    assert_eq!(results(&a), [R::MeasuresTaken, R::NotSupported]);
    let ans = a.answer.clone().expect("answer");
    assert!(ans.on_time);
    assert_eq!(naive(ans.date), d(2026, 5, 6));
    assert_eq!(ans.sent_via, "почта");
    assert!(ans.signed_by.contains("Петров"));
    refused(
        c.general
            .appeals()
            .answer_appeal(answer(&a, d(2026, 5, 6), &[R::Explained, R::Explained]))
            .await,
        Code::FailedPrecondition,
        "the appeal is closed",
    );

    // The day after: late (and marked overdue by the system at midnight).
    env.set_day(d(2026, 5, 7)).await;
    let late = env.current(&late).await;
    assert!(late.overdue);
    let b = ok(
        c.secretary_a
            .appeals()
            .answer_appeal(answer(&late, d(2026, 5, 7), &[R::Supported]))
            .await,
        "AnswerAppeal (late)",
    );
    assert!(!b.answer.as_ref().expect("answer").on_time);
    assert_eq!(results(&b), [R::Supported]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_changes_the_content_and_refuses_numbers_dates_and_outcomes_sent_by_the_client() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let a = env.register(env.appeal(&[WATER])).await;
    let mut edited = a.clone();
    edited.text = "Уточнение: нет воды с 18:00 до 23:00".into();
    edited.questions.push(pb::AppealQuestion {
        classifier_code: POWER.into(),
        r#type: pb::QuestionType::Complaint as i32,
        ..Default::default()
    });
    edited.on_control = true;
    let update = |x: &pb::Appeal, expected: u64| pb::UpdateAppealRequest {
        expected_version: expected,
        appeal: Some(x.clone()),
    };
    for who in [&c.member_a, &c.leader_a, &c.head] {
        refused(
            who.appeals()
                .update_appeal(update(&edited, version_of(a.meta)))
                .await,
            Code::PermissionDenied,
            "",
        );
    }
    refused(
        c.secretary_b
            .appeals()
            .update_appeal(update(&edited, version_of(a.meta)))
            .await,
        Code::NotFound,
        "",
    );
    // The number, the dates and the outcomes are the server's: a client's own is refused, and
    // the appeal stays as it was.
    for (field, forged) in [
        (
            "appeal.number",
            pb::Appeal {
                number: "ИГ-1999-00001".into(),
                ..edited.clone()
            },
        ),
        (
            "appeal.status",
            pb::Appeal {
                status: A::Answered as i32,
                ..edited.clone()
            },
        ),
        (
            "appeal.due",
            pb::Appeal {
                due: Some(pb::Deadline::default()),
                ..edited.clone()
            },
        ),
    ] {
        let s = refused(
            c.secretary_a
                .appeals()
                .update_appeal(update(&forged, version_of(a.meta)))
                .await,
            Code::InvalidArgument,
            "server's to fill",
        );
        assert_eq!(
            FieldError::from_status(&s).map(|f| f.field),
            Some(field.to_string())
        );
    }
    let u = ok(
        c.secretary_a
            .appeals()
            .update_appeal(update(&edited, version_of(a.meta)))
            .await,
        "UpdateAppeal",
    );
    assert_eq!(u.text, edited.text);
    assert_eq!(u.questions.len(), 2);
    assert!(u.on_control);
    assert_eq!(
        (u.number.as_str(), status(&u)),
        (a.number.as_str(), A::Registered)
    );
    assert_eq!((u.registered, u.due), (a.registered, a.due));
    assert_eq!(u.citizen, a.citizen);
    refused(
        c.secretary_a
            .appeals()
            .update_appeal(update(&edited, version_of(a.meta)))
            .await,
        Code::Aborted,
        "changed by someone else",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_from_a_depersonalised_copy_keeps_the_stored_citizen() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let a = env.register(env.appeal(&[WATER])).await;
    // The copy a screen holds: from the list or the stream, without the citizen.
    let copy = ok(
        c.secretary_a
            .appeals()
            .list_appeals(pb::ListAppealsRequest::default())
            .await,
        "ListAppeals",
    )
    .appeals
    .into_iter()
    .find(|x| id_of(x.meta) == id_of(a.meta))
    .expect("listed");
    assert!(copy.depersonalised && copy.citizen.is_none());
    let u = ok(
        c.secretary_a
            .appeals()
            .update_appeal(pb::UpdateAppealRequest {
                expected_version: version_of(copy.meta),
                appeal: Some(pb::Appeal {
                    on_control: true,
                    ..copy
                }),
            })
            .await,
        "UpdateAppeal from a depersonalised copy",
    );
    assert!(u.on_control);
    assert_eq!(u.citizen, a.citizen, "the stored citizen is kept");
}

// ---------------------------------------------------------------------------------------------
// 3. Personal data (152-FZ, issue 5 §5)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_is_shown_only_to_those_who_need_it_and_every_view_is_audited() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let a = env.register(env.appeal(&[WATER])).await;
    let id = id_of(a.meta);
    let table = [
        (&c.general, View::Citizen),
        (&c.secretary_a, View::Citizen),
        (&c.leader_a, View::Citizen),
        (&c.control, View::Citizen),
        (&c.member_a, View::Depersonalised),
        (&c.head, View::Depersonalised),
        (&c.population, View::Depersonalised),
        (&c.admin, View::Depersonalised),
        (&c.secretary_b, View::Hidden),
        (&c.leader_b, View::Hidden),
        (&c.member_b, View::Hidden),
        (&c.executor, View::Hidden),
    ];
    for (who, want) in table {
        assert_eq!(view(who, id).await, want, "{}", who.username);
        let views = audited_views(&c.admin, id, who.user_id).await;
        if want == View::Citizen {
            assert!(!views.is_empty(), "{}'s view is audited", who.username);
            let r = &views[0];
            assert_eq!((r.actor_id, r.entity_id), (who.user_id, id));
            // The clock runs: the view was recorded today, not after now.
            assert!(r.at_ms <= env.server.clock().now_ms());
            assert_eq!(infogroups_shared::city_time::date_at(r.at_ms), env.today());
        } else {
            assert!(
                views.is_empty(),
                "{}: nothing seen, nothing audited",
                who.username
            );
        }
    }
    // Each view is a record of its own.
    let before = audited_views(&c.admin, id, c.control.user_id).await.len();
    view(&c.control, id).await;
    view(&c.control, id).await;
    assert_eq!(
        audited_views(&c.admin, id, c.control.user_id).await.len(),
        before + 2
    );
    refused(
        c.general
            .audit()
            .list_audit(pb::ListAuditRequest::default())
            .await,
        Code::PermissionDenied,
        "",
    );

    // Lists and snapshots never carry a citizen; group B does not see group A's appeal at all.
    for (who, want) in table {
        let list = ok(
            who.appeals()
                .list_appeals(pb::ListAppealsRequest::default())
                .await,
            "ListAppeals",
        );
        assert!(
            list.appeals.iter().all(|x| x.citizen.is_none()),
            "{}",
            who.username
        );
        let listed = list.appeals.iter().find(|x| id_of(x.meta) == id);
        assert_eq!(
            listed.is_some(),
            want != View::Hidden,
            "{} lists it",
            who.username
        );
        if let Some(x) = listed {
            assert!(x.depersonalised && x.number == a.number, "{x:?}");
        }
        let snap = ok(
            who.sync().snapshot(pb::SnapshotRequest {}).await,
            "Snapshot",
        );
        assert!(
            snap.appeals.iter().all(|x| x.citizen.is_none()),
            "{}",
            who.username
        );
        assert_eq!(
            snap.appeals.iter().any(|x| id_of(x.meta) == id),
            want != View::Hidden,
            "{}'s snapshot",
            who.username
        );
    }

    // The stream never carries a citizen either, not even to the general department.
    let mut stream = c.general.watch(0).await.expect("watch");
    let mark = sentinel(&c.admin).await;
    let evs = events_until(
        &mut stream,
        STEP,
        |ev| matches!(&ev.entity, Some(pb::event::Entity::Territory(t)) if id_of(t.meta) == mark),
    )
    .await
    .expect("the stream reaches the sentinel");
    let streamed: Vec<&pb::Appeal> = evs
        .iter()
        .filter_map(|ev| match &ev.entity {
            Some(pb::event::Entity::Appeal(x)) => Some(x),
            _ => None,
        })
        .collect();
    assert!(!streamed.is_empty());
    assert!(
        streamed
            .iter()
            .all(|x| x.citizen.is_none() && x.depersonalised)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_member_who_executes_the_appeals_assignment_sees_the_citizen() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let today = env.today();
    let taken = ok(
        save_card(
            &c.leader_a,
            on_control(
                card(&env, c.leader_a.user_id),
                c.member_a.user_id,
                10,
                today,
            ),
        )
        .await,
        "SaveReceptionCard",
    );
    let a = ok(card_to_appeal(&c.secretary_a, &taken).await, "CardToAppeal");
    assert_eq!(a.assignment_ids, [taken.assignment_id]);
    let other = env.register(env.appeal(&[WATER])).await;

    assert_eq!(view(&c.member_a, id_of(a.meta)).await, View::Citizen);
    assert!(
        !audited_views(&c.admin, id_of(a.meta), c.member_a.user_id)
            .await
            .is_empty()
    );
    assert_eq!(
        view(&c.member_a, id_of(other.meta)).await,
        View::Depersonalised,
        "only the appeal they execute"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_outside_the_group_sees_the_citizen_of_the_appeal_they_execute() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let today = env.today();
    let taken = ok(
        save_card(
            &c.leader_a,
            on_control(
                card(&env, c.leader_a.user_id),
                c.executor.user_id,
                10,
                today,
            ),
        )
        .await,
        "SaveReceptionCard",
    );
    let a = ok(card_to_appeal(&c.secretary_a, &taken).await, "CardToAppeal");
    assert_eq!(a.assignment_ids, [taken.assignment_id]);
    // The executor works on the assignment…
    assert_eq!(
        assignment(&c.executor, taken.assignment_id)
            .await
            .executor_id,
        c.executor.user_id
    );
    // …and needs the citizen's address to answer (issue 5 §5: the executors of that appeal's
    // assignments see personal data).
    assert_eq!(view(&c.executor, id_of(a.meta)).await, View::Citizen);
    assert_eq!(view(&c.executor2, id_of(a.meta)).await, View::Hidden);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignment_issued_on_an_appeal_is_linked_to_it() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let a = env.register(env.appeal(&[WATER])).await;
    let issued = ok(
        c.leader_a
            .assignments()
            .create_assignment(pb::CreateAssignmentRequest {
                basis: Some(pb::Basis {
                    kind: pb::BasisKind::Appeal as i32,
                    appeal_id: id_of(a.meta),
                    ..Default::default()
                }),
                territory_id: env.territory,
                ..infogroups_tests::fixtures::assignment_request(c.a(), c.member_a.user_id)
            })
            .await,
        "CreateAssignment (basis APPEAL)",
    );
    let a = ok(
        c.general
            .appeals()
            .get_appeal(pb::GetAppealRequest {
                appeal_id: id_of(a.meta),
            })
            .await,
        "GetAppeal",
    );
    assert_eq!(a.assignment_ids, [id_of(issued.meta)]);
    // A link a user makes grants nothing (issue 14 §1): the member reads the appeal as the rest
    // of the group does, without the citizen.
    assert_eq!(view(&c.member_a, id_of(a.meta)).await, View::Depersonalised);
}

// ---------------------------------------------------------------------------------------------
// 4. Personal reception cards (3.5.6, 3.8.4, art. 13)
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reception_cards_are_taken_by_the_leader_and_members_and_put_on_control() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let today = env.today();
    let meeting = ok(
        c.secretary_a
            .meetings()
            .plan_meeting(pb::PlanMeetingRequest {
                request_id: request_id("meeting"),
                group_id: c.a(),
                territory_id: env.territory,
                venue_id: env.venue,
                date: Some(api_date(today)),
                time: "17:00".into(),
            })
            .await,
        "PlanMeeting",
    );

    // Who received must be the leader or a member (3.5.6).
    for stranger in [
        c.secretary_a.user_id,
        c.executor2.user_id,
        c.leader_b.user_id,
    ] {
        let s = invalid(
            save_card(&c.leader_a, card(&env, stranger)).await,
            "card.received_by",
        );
        assert!(s.message().contains("3.5.6"), "{s:?}");
    }
    for who in [&c.member_b, &c.executor, &c.head, &c.control] {
        refused(
            save_card(who, card(&env, c.leader_a.user_id)).await,
            Code::PermissionDenied,
            "",
        );
    }
    let bad = |change: fn(&mut pb::ReceptionCard)| {
        let mut x = card(&env, c.leader_a.user_id);
        change(&mut x);
        x
    };
    invalid(
        save_card(
            &c.leader_a,
            bad(|x| x.classifier_code = "0005.0005.0056.9999".into()),
        )
        .await,
        "card.classifier_code",
    );
    invalid(
        save_card(&c.leader_a, bad(|x| x.oral_answer_given = true)).await,
        "card.oral_answer",
    );
    invalid(
        save_card(&c.leader_a, bad(|x| x.on_control = true)).await,
        "card.executor_id",
    );
    let mut early = on_control(card(&env, c.leader_a.user_id), c.executor.user_id, 0, today);
    early.deadline = Some(api_date(today - Days::new(1)));
    invalid(save_card(&c.leader_a, early).await, "card.deadline");
    let mut tomorrow = card(&env, c.leader_a.user_id);
    tomorrow.date = Some(api_date(today + Days::new(1)));
    invalid(save_card(&c.leader_a, tomorrow).await, "card.date");

    // A member takes an oral answer card; it comes back without the citizen (a member has no
    // right to the personal data), with the identity check recorded.
    let oral = pb::ReceptionCard {
        received_by: c.member_a.user_id,
        oral_answer_given: true,
        oral_answer: "Разъяснён порядок подключения к сети".into(),
        result: R::Explained as i32,
        meeting_id: id_of(meeting.meta),
        ..card(&env, c.member_a.user_id)
    };
    let oral = ok(
        save_card(&c.member_a, oral).await,
        "SaveReceptionCard (member)",
    );
    assert!(oral.identity_checked && oral.oral_answer_given);
    assert!(oral.citizen.is_none() && oral.depersonalised);
    assert_eq!(oral.assignment_id, 0);

    // The leader puts a card on control: an assignment is created in the same write.
    let taken = ok(
        save_card(
            &c.leader_a,
            pb::ReceptionCard {
                meeting_id: id_of(meeting.meta),
                ..on_control(
                    card(&env, c.leader_a.user_id),
                    c.executor.user_id,
                    10,
                    today,
                )
            },
        )
        .await,
        "SaveReceptionCard (on control)",
    );
    assert!(taken.citizen.is_some(), "the leader sees the citizen");
    assert_ne!(taken.assignment_id, 0);
    let asg = assignment(&c.executor, taken.assignment_id).await;
    let basis = asg.basis.expect("basis");
    assert_eq!(
        (basis.kind, basis.reception_card_id),
        (pb::BasisKind::ReceptionCard as i32, id_of(taken.meta))
    );
    assert_eq!(asg.executor_id, c.executor.user_id);
    assert_eq!(asg.controller_id, c.secretary_a.user_id);
    assert_eq!(asg.issuer_id, c.leader_a.user_id);
    assert_eq!((asg.group_id, asg.territory_id), (c.a(), env.territory));
    assert_eq!(
        naive(asg.deadline.and_then(|x| x.date)),
        today + Days::new(10)
    );
    assert_eq!(asg.status, pb::AssignmentStatus::InProgress as i32);

    // The general department takes a card at its own reception (no meeting).
    let desk = ok(
        save_card(&c.general, card(&env, c.leader_a.user_id)).await,
        "SaveReceptionCard (general department)",
    );
    assert!(desk.citizen.is_some());

    // Cards become written appeals, linked both ways, once.
    refused(
        card_to_appeal(&c.member_a, &taken).await,
        Code::PermissionDenied,
        "",
    );
    let from_meeting = ok(card_to_appeal(&c.secretary_a, &taken).await, "CardToAppeal");
    assert_eq!(from_meeting.channel, pb::Channel::FieldMeeting as i32);
    assert_eq!(from_meeting.meeting_id, id_of(meeting.meta));
    assert_eq!(from_meeting.reception_card_id, id_of(taken.meta));
    assert_eq!(from_meeting.assignment_ids, [taken.assignment_id]);
    assert_eq!(from_meeting.kind, pb::AppealKind::Complaint as i32);
    assert_eq!(from_meeting.questions[0].classifier_code, POWER);
    assert!(from_meeting.on_control);
    assert_eq!(
        from_meeting.citizen.as_ref().map(|x| x.surname.as_str()),
        Some("Сидоров")
    );
    assert_eq!(due(&from_meeting), d(2026, 5, 6));
    let from_desk = ok(
        card_to_appeal(&c.general, &desk).await,
        "CardToAppeal (desk)",
    );
    assert_eq!(from_desk.channel, pb::Channel::Reception as i32);
    assert_eq!(from_desk.meeting_id, 0);
    let taken_now = ok(
        c.secretary_a
            .appeals()
            .list_reception_cards(pb::ListReceptionCardsRequest::default())
            .await,
        "ListReceptionCards",
    )
    .cards
    .into_iter()
    .find(|x| id_of(x.meta) == id_of(taken.meta))
    .expect("the card is listed");
    assert_eq!(taken_now.appeal_id, id_of(from_meeting.meta));
    assert!(taken_now.citizen.is_none(), "lists never carry a citizen");
    let s = refused(
        card_to_appeal(&c.secretary_a, &taken_now).await,
        Code::FailedPrecondition,
        "already has an appeal",
    );
    assert!(ru_message(&s).contains("уже"), "{s:?}");

    // Group B sees none of group A's cards.
    let theirs = ok(
        c.member_b
            .appeals()
            .list_reception_cards(pb::ListReceptionCardsRequest::default())
            .await,
        "ListReceptionCards",
    );
    assert!(theirs.cards.is_empty(), "{theirs:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_put_on_control_notifies_its_executor_like_any_new_assignment() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    let since = c.admin.published_seq().await.expect("seq");
    let mut stream = c.executor.watch(since).await.expect("watch");
    let taken = ok(
        save_card(
            &c.leader_a,
            on_control(
                card(&env, c.leader_a.user_id),
                c.executor.user_id,
                10,
                env.today(),
            ),
        )
        .await,
        "SaveReceptionCard",
    );
    let mark = sentinel(&c.admin).await;
    let evs = events_until(
        &mut stream,
        STEP,
        |ev| matches!(&ev.entity, Some(pb::event::Entity::Territory(t)) if id_of(t.meta) == mark),
    )
    .await
    .expect("the stream reaches the sentinel");
    assert!(
        evs.iter().any(|ev| matches!(&ev.entity,
            Some(pb::event::Entity::Assignment(x)) if id_of(x.meta) == taken.assignment_id)),
        "the assignment reaches the executor's screen"
    );
    assert!(
        evs.iter().any(|ev| matches!(&ev.entity,
            Some(pb::event::Entity::Notification(n))
                if n.assignment_id == taken.assignment_id
                    && n.kind == pb::NotificationKind::NewAssignment as i32)),
        "the executor is notified of the new assignment"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. The federal topic classifier
// ---------------------------------------------------------------------------------------------

/// A classifier version as JSON: the housing section with two questions numbered 1153 under
/// different темы, and no 1161.
const CLASSIFIER_JSON: &str = r#"[
  {"code": "0005.0000.0000.0000", "name": "Жилищно-коммунальная сфера"},
  {"code": "0005.0005.0000.0000", "name": "Жилище", "parent": "0005.0000.0000.0000"},
  {"code": "0005.0005.0056.0000", "name": "Коммунальное хозяйство"},
  {"code": "0005.0005.0056.1153", "name": "Перебои в электроснабжении"},
  {"code": "0005.0005.0056.1154", "name": "Перебои в водоснабжении"},
  {"code": "0005.0005.0057.0000", "name": "Благоустройство"},
  {"code": "0005.0005.0057.1153", "name": "Уличное освещение", "parent": "0005.0005.0057.0000"}
]"#;

/// The next version as CSV (semicolons, a header, a quoted name with a semicolon).
const CLASSIFIER_CSV: &str = "code;name;parent\n\
0005.0000.0000.0000;Жилищно-коммунальная сфера;\n\
0005.0005.0000.0000;Жилище;0005.0000.0000.0000\n\
0005.0005.0056.0000;Коммунальное хозяйство;0005.0005.0000.0000\n\
0005.0005.0056.1160;\"Обращение с ТКО; вывоз мусора\";0005.0005.0056.0000\n\
0005.0005.0057.0000;Благоустройство;0005.0005.0000.0000\n\
0005.0005.0057.1153;Уличное освещение;0005.0005.0057.0000\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_classifier_is_imported_as_a_new_version_keeping_codes_in_use() {
    let env = Env::start(d(2026, 4, 6)).await;
    let c = &env.city;
    // A record uses a built-in code the file lacks.
    env.register(env.appeal(&[DUMP])).await;

    refused(
        c.general
            .directory()
            .import_classifier(import(
                "на 31.10.2025",
                pb::ClassifierFormat::Json,
                CLASSIFIER_JSON,
            ))
            .await,
        Code::PermissionDenied,
        "administrator",
    );
    let bad = [
        (pb::ClassifierFormat::Json, "это не JSON", "content"),
        (pb::ClassifierFormat::Json, "[]", "content"),
        (
            pb::ClassifierFormat::Json,
            r#"[{"code":"0005.1","name":"Плохой код"}]"#,
            "content",
        ),
        (
            pb::ClassifierFormat::Json,
            r#"[{"code":"0005.0005.0056.1153","name":"a"},{"code":"0005.0005.0056.1153","name":"b"}]"#,
            "content",
        ),
        (
            pb::ClassifierFormat::Csv,
            "code;name\n0005.1;x\n",
            "content",
        ),
        (
            pb::ClassifierFormat::Csv,
            "0005.0005.0056.1153\n",
            "content",
        ),
        (pb::ClassifierFormat::Unspecified, CLASSIFIER_JSON, "format"),
    ];
    for (format, content, field) in bad {
        let s = invalid(
            c.admin
                .directory()
                .import_classifier(import("плохой", format, content))
                .await,
            field,
        );
        assert!(!ru_message(&s).is_empty(), "{s:?}");
    }
    let before = search(&c.admin, "").await.version;

    let imported = ok(
        c.admin
            .directory()
            .import_classifier(import(
                "на 31.10.2025",
                pb::ClassifierFormat::Json,
                CLASSIFIER_JSON,
            ))
            .await,
        "ImportClassifier (JSON)",
    );
    assert_eq!(imported.nodes, 7);
    assert_eq!(
        imported.added, 2,
        "0005.0005.0057.0000 and 0005.0005.0057.1153 are new"
    );
    assert_eq!(imported.kept_in_use, 1, "{DUMP} is used by an appeal");
    let found = search(&c.general, DUMP).await;
    assert_ne!(found.version, before);
    assert_eq!(found.version, "на 31.10.2025");
    let kept = found.nodes.first().expect("the code in use is kept");
    assert_eq!(kept.code, DUMP);
    assert!(kept.archived, "kept as archived");
    assert_eq!(
        kept.name, "Несанкционированная свалка мусора",
        "with its old name"
    );
    // An archived code is not offered for new records.
    invalid(
        register(&c.general, env.appeal(&[DUMP]), false).await,
        "appeal.questions[0].classifier_code",
    );

    // The full code is the key: question 1153 under two темы stays two nodes.
    let lighting = search(&c.general, "0005.0005.0057.1153").await;
    assert_eq!(codes(&lighting), ["0005.0005.0057.1153"]);
    assert_eq!(lighting.nodes[0].name, "Уличное освещение");
    assert_eq!(lighting.nodes[0].parent, "0005.0005.0057.0000");
    assert_eq!(lighting.nodes[0].level, 4);
    let power = search(&c.general, POWER).await;
    assert_eq!(codes(&power), [POWER]);
    assert_eq!(power.nodes[0].name, "Перебои в электроснабжении");
    let both = codes(&search(&c.member_a, "1153").await)
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert!(both.contains(&POWER.to_string()) && both.contains(&"0005.0005.0057.1153".to_string()));
    let lit = ok(
        register(&c.general, env.appeal(&["0005.0005.0057.1153"]), false).await,
        "RegisterAppeal on the new code",
    );
    assert_eq!(lit.questions[0].classifier_code, "0005.0005.0057.1153");

    // By part of a code, by words in any case.
    let tema = codes(&search(&c.member_a, "0005.0005.0057").await)
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert_eq!(
        tema,
        ["0005.0005.0057.1153", "0005.0005.0057.0000"],
        "questions first"
    );
    assert_eq!(
        codes(&search(&c.member_a, "ПЕРЕБОИ электро").await),
        [POWER]
    );
    assert_eq!(
        codes(&search(&c.member_a, "уличное ОСВЕЩЕНИЕ").await),
        ["0005.0005.0057.1153"]
    );
    assert!(search(&c.member_a, "перебои газ").await.nodes.is_empty());

    // The next version from CSV: 1154 leaves (unused), 1160 arrives, 1161 stays kept.
    let next = ok(
        c.admin
            .directory()
            .import_classifier(import(
                "на 01.12.2025",
                pb::ClassifierFormat::Csv,
                CLASSIFIER_CSV,
            ))
            .await,
        "ImportClassifier (CSV)",
    );
    assert_eq!(next.nodes, 6);
    assert_eq!(next.added, 1);
    assert_eq!(next.kept_in_use, 1);
    let tko = search(&c.member_a, "тко").await;
    assert_eq!(tko.version, "на 01.12.2025");
    assert_eq!(codes(&tko), ["0005.0005.0056.1160"]);
    assert_eq!(tko.nodes[0].name, "Обращение с ТКО; вывоз мусора");
    assert!(
        search(&c.member_a, WATER).await.nodes.is_empty(),
        "an unused code leaves"
    );
    assert!(search(&c.member_a, DUMP).await.nodes[0].archived);
    assert!(
        !search(&c.member_a, "0005.0005.0057.1153").await.nodes[0].archived,
        "a code in use that the file has stays current"
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Depersonalisation after the retention period
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_older_than_the_retention_period_are_depersonalised_keeping_every_statistic() {
    let env = Env::start(d(2026, 1, 15)).await;
    let c = &env.city;
    let old = env.register(env.appeal(&[WATER, POWER])).await;
    let old = ok(
        c.general
            .appeals()
            .answer_appeal(answer(
                &old,
                d(2026, 1, 15),
                &[R::MeasuresTaken, R::Explained],
            ))
            .await,
        "AnswerAppeal",
    );
    let old_card = ok(
        save_card(&c.leader_a, card(&env, c.leader_a.user_id)).await,
        "SaveReceptionCard",
    );
    env.set_day(d(2026, 3, 1)).await;
    let recent = env.register(env.appeal(&[DUMP])).await;

    // Five years and a fortnight after the old ones; a month short of five years for the recent.
    env.set_day(d(2031, 2, 1)).await;
    let fresh = env.register(env.appeal(&[WATER])).await;
    for who in [&c.general, &c.control, &c.head] {
        refused(
            who.appeals()
                .depersonalise(pb::DepersonaliseRequest { dry_run: true })
                .await,
            Code::PermissionDenied,
            "administrator",
        );
    }
    let dry = ok(
        c.admin
            .appeals()
            .depersonalise(pb::DepersonaliseRequest { dry_run: true })
            .await,
        "Depersonalise (dry run)",
    );
    assert_eq!((dry.appeals, dry.cards), (1, 1));
    assert_eq!(
        view(&c.general, id_of(old.meta)).await,
        View::Citizen,
        "a dry run changes nothing"
    );

    let done = ok(
        c.admin
            .appeals()
            .depersonalise(pb::DepersonaliseRequest { dry_run: false })
            .await,
        "Depersonalise",
    );
    assert_eq!((done.appeals, done.cards), (1, 1));
    let after = ok(
        c.general
            .appeals()
            .get_appeal(pb::GetAppealRequest {
                appeal_id: id_of(old.meta),
            })
            .await,
        "GetAppeal",
    );
    assert!(after.citizen.is_none() && after.depersonalised);
    assert_ne!(after.text, old.text, "the free text may name the citizen");
    assert_eq!(after.number, old.number);
    assert_eq!(after.registered, old.registered);
    assert_eq!(after.due, old.due);
    assert_eq!(after.status, old.status);
    assert_eq!(after.answer, old.answer);
    assert_eq!(
        after.questions, old.questions,
        "codes and results stay for statistics"
    );
    assert_eq!(
        (after.territory_id, after.group_id),
        (old.territory_id, old.group_id)
    );
    let card_after = ok(
        c.general
            .appeals()
            .list_reception_cards(pb::ListReceptionCardsRequest::default())
            .await,
        "ListReceptionCards",
    )
    .cards
    .into_iter()
    .find(|x| id_of(x.meta) == id_of(old_card.meta))
    .expect("the card is kept");
    assert_eq!(card_after.classifier_code, POWER);
    assert!(card_after.depersonalised);
    for kept in [&recent, &fresh] {
        assert_eq!(
            view(&c.general, id_of(kept.meta)).await,
            View::Citizen,
            "{}",
            kept.number
        );
    }
    let again = ok(
        c.admin
            .appeals()
            .depersonalise(pb::DepersonaliseRequest { dry_run: false })
            .await,
        "Depersonalise (again)",
    );
    assert_eq!((again.appeals, again.cards), (0, 0));
}

// ---------------------------------------------------------------------------------------------
// 7. The scenario
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_a_resident_received_at_a_meeting_is_answered_on_time_and_each_role_sees_its_share()
 {
    let env = Env::start(d(2026, 4, 29)).await;
    let c = &env.city;
    let today = env.today();

    // The meeting takes place today.
    let mut m = ok(
        c.secretary_a
            .meetings()
            .plan_meeting(pb::PlanMeetingRequest {
                request_id: request_id("meeting"),
                group_id: c.a(),
                territory_id: env.territory,
                venue_id: env.venue,
                date: Some(api_date(today)),
                time: "17:00".into(),
            })
            .await,
        "PlanMeeting",
    );
    m = ok(
        c.secretary_a
            .meetings()
            .set_venue_agreement(pb::SetVenueAgreementRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
                venue_id: env.venue,
                agreement: Some(pb::VenueAgreement {
                    status: pb::AgreementStatus::Agreed as i32,
                    contact: "Директор школы".into(),
                    ..Default::default()
                }),
            })
            .await,
        "SetVenueAgreement",
    );
    m = ok(
        c.secretary_a
            .meetings()
            .notify_participants(pb::NotifyParticipantsRequest {
                meeting_id: id_of(m.meta),
                expected_version: version_of(m.meta),
            })
            .await,
        "NotifyParticipants",
    );
    for step in ["announce", "held"] {
        let req = pb::MeetingStepRequest {
            meeting_id: id_of(m.meta),
            expected_version: version_of(m.meta),
        };
        let mut client = c.secretary_a.meetings();
        m = ok(
            if step == "announce" {
                client.announce_meeting(req).await
            } else {
                client.mark_held(req).await
            },
            step,
        );
    }
    assert_eq!(m.status, pb::MeetingStatus::Held as i32);

    // The leader receives the resident; the card goes on control for the executor.
    let taken = ok(
        save_card(
            &c.leader_a,
            pb::ReceptionCard {
                meeting_id: id_of(m.meta),
                ..on_control(
                    card(&env, c.leader_a.user_id),
                    c.executor.user_id,
                    10,
                    today,
                )
            },
        )
        .await,
        "SaveReceptionCard",
    );
    // The secretary registers the written appeal from the card.
    let appeal = ok(card_to_appeal(&c.secretary_a, &taken).await, "CardToAppeal");
    let id = id_of(appeal.meta);
    assert_eq!(appeal.channel, pb::Channel::FieldMeeting as i32);
    assert_eq!(appeal.assignment_ids, [taken.assignment_id]);
    assert_eq!(due(&appeal), d(2026, 5, 29));

    // The executor reports, the secretary (the controller) accepts.
    env.set_day(d(2026, 5, 6)).await;
    let asg = assignment(&c.executor, taken.assignment_id).await;
    let asg = transition(&c.executor, &asg, pb::TransitionKind::SubmitReport)
        .await
        .expect("SUBMIT_REPORT");
    assert_eq!(asg.status, pb::AssignmentStatus::ReportSubmitted as i32);
    let asg = transition(&c.secretary_a, &asg, pb::TransitionKind::Accept)
        .await
        .expect("ACCEPT");
    assert_eq!(asg.status, pb::AssignmentStatus::DoneOnTime as i32);

    // The general department answers on time.
    env.set_day(d(2026, 5, 8)).await;
    let current = ok(
        c.general
            .appeals()
            .get_appeal(pb::GetAppealRequest { appeal_id: id })
            .await,
        "GetAppeal",
    );
    let answered = ok(
        c.general
            .appeals()
            .answer_appeal(answer(&current, d(2026, 5, 8), &[R::MeasuresTaken]))
            .await,
        "AnswerAppeal",
    );
    assert_eq!(status(&answered), A::Answered);
    assert!(answered.answer.expect("answer").on_time);

    // Each role's screen data: what it may see, and nothing more.
    for (who, want, sees_card) in [
        (&c.general, View::Citizen, true),
        (&c.secretary_a, View::Citizen, true),
        (&c.leader_a, View::Citizen, true),
        (&c.control, View::Citizen, true),
        (&c.member_a, View::Depersonalised, true),
        (&c.head, View::Depersonalised, true),
        (&c.member_b, View::Hidden, false),
        (&c.secretary_b, View::Hidden, false),
    ] {
        assert_eq!(view(who, id).await, want, "{}", who.username);
        let listed = ok(
            who.appeals()
                .list_appeals(pb::ListAppealsRequest {
                    group_id: c.a(),
                    ..Default::default()
                })
                .await,
            "ListAppeals",
        );
        assert!(listed.appeals.iter().all(|x| x.citizen.is_none()));
        assert_eq!(
            listed.appeals.iter().any(|x| id_of(x.meta) == id),
            want != View::Hidden
        );
        let snap = ok(
            who.sync().snapshot(pb::SnapshotRequest {}).await,
            "Snapshot",
        );
        let in_snapshot = snap.appeals.iter().find(|x| id_of(x.meta) == id);
        assert_eq!(
            in_snapshot.is_some(),
            want != View::Hidden,
            "{}",
            who.username
        );
        if let Some(x) = in_snapshot {
            assert!(x.citizen.is_none() && x.status == A::Answered as i32);
        }
        let card_seen = snap
            .reception_cards
            .iter()
            .find(|x| id_of(x.meta) == id_of(taken.meta));
        assert_eq!(card_seen.is_some(), sees_card, "{}'s cards", who.username);
        assert!(snap.reception_cards.iter().all(|x| x.citizen.is_none()));
        assert_eq!(
            snap.meetings.iter().any(|x| id_of(x.meta) == id_of(m.meta)),
            want != View::Hidden,
            "{}'s meetings",
            who.username
        );
    }
    // The executor's screen: the assignment, done on time; nothing of group B's executor.
    let snap = ok(
        c.executor.sync().snapshot(pb::SnapshotRequest {}).await,
        "Snapshot",
    );
    let mine = snap
        .assignments
        .iter()
        .find(|x| id_of(x.meta) == taken.assignment_id)
        .expect("the executor sees the assignment");
    assert_eq!(mine.status, pb::AssignmentStatus::DoneOnTime as i32);
    assert!(snap.appeals.iter().all(|x| x.citizen.is_none()));
    let other = ok(
        c.executor2.sync().snapshot(pb::SnapshotRequest {}).await,
        "Snapshot",
    );
    assert!(
        !other
            .assignments
            .iter()
            .any(|x| id_of(x.meta) == taken.assignment_id)
    );
    // Everyone who saw the citizen is in the audit log.
    for who in [&c.general, &c.secretary_a, &c.leader_a, &c.control] {
        assert!(
            !audited_views(&c.admin, id, who.user_id).await.is_empty(),
            "{}'s view is audited",
            who.username
        );
    }
    for who in [&c.member_a, &c.head] {
        assert!(audited_views(&c.admin, id, who.user_id).await.is_empty());
    }
}

//! Property tests over request fields: random strings (empty, huge, control characters, any
//! script), out-of-range numbers, unknown enum values and impossible dates. Every answer must be
//! a clean gRPC status — never `Internal`, `Unknown` or `Unavailable` — an `InvalidArgument` must
//! name its field, and a refused request must write nothing. A small fixed budget here; raise
//! `IG_PROPTEST_CASES` for a longer run.

use std::sync::Arc;

use infogroups_server::db::Db;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;
use infogroups_tests::fixtures::{assignment_request, create_assignment, id_of, version_of};
use infogroups_tests::{City, TestServer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tonic::{Code, Status};

fn cases() -> u32 {
    std::env::var("IG_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100)
}

/// Text of any kind: usually short and printable, sometimes empty, blank, full of control
/// characters, or far over every limit.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,40}",
        2 => any::<String>(),
        1 => Just(String::new()),
        1 => "[ \t\n\r]{1,5}",
        1 => "[\u{0}-\u{1f}\u{7f}\u{80}-\u{9f}]{1,8}",
        1 => (1usize..4).prop_map(|k| "ж".repeat(10_000 * k)),
    ]
}

/// An enum value: usually a known one, sometimes unknown or negative.
fn enum_value() -> impl Strategy<Value = i32> {
    prop_oneof![4 => 0i32..9, 1 => any::<i32>()]
}

/// An id: zero, small (may exist), or far beyond anything created.
fn id() -> impl Strategy<Value = u64> {
    prop_oneof![1 => Just(0u64), 3 => 1u64..40, 1 => any::<u64>()]
}

/// A date: mostly plausible, often impossible.
fn date() -> impl Strategy<Value = Option<pb::Date>> {
    prop_oneof![
        1 => Just(None),
        4 => (1990i32..2110, 0i32..14, 0i32..33).prop_map(|(year, month, day)| Some(pb::Date { year, month, day })),
        1 => (any::<i32>(), any::<i32>(), any::<i32>()).prop_map(|(year, month, day)| Some(pb::Date { year, month, day })),
    ]
}

/// Checks one answer; returns a failure description for the property.
fn judge(answer: &Result<(), Status>, wrote: bool) -> Result<(), TestCaseError> {
    let Err(status) = answer else {
        return Ok(());
    };
    let clean = matches!(
        status.code(),
        Code::InvalidArgument
            | Code::NotFound
            | Code::PermissionDenied
            | Code::FailedPrecondition
            | Code::Aborted
            | Code::AlreadyExists
            | Code::OutOfRange
            | Code::ResourceExhausted
    );
    prop_assert!(clean, "not a clean refusal: {status:?}");
    if status.code() == Code::InvalidArgument {
        let field = FieldError::from_status(status);
        prop_assert!(
            field
                .as_ref()
                .is_some_and(|f| !f.field.is_empty() && !f.ru.is_empty() && !f.en.is_empty()),
            "InvalidArgument without a named field: {status:?}"
        );
    }
    prop_assert!(
        !wrote,
        "refused with {:?}, but something was written",
        status.code()
    );
    Ok(())
}

/// One request's answer and whether anything was published while it ran.
struct Answer {
    result: Result<(), Status>,
    wrote: bool,
}

/// Sends one request (`call`) and notes whether the event log moved meanwhile.
async fn answer(db: &Db, call: impl std::future::Future<Output = Result<(), Status>>) -> Answer {
    let before = db.published_seq();
    let result = call.await;
    Answer {
        wrote: db.published_seq() != before,
        result,
    }
}

/// Runs `property` over `strategy` against one server with a city in it.
fn check<S, F, Fut>(strategy: S, property: F)
where
    S: Strategy,
    S::Value: Clone + std::fmt::Debug,
    F: Fn(Arc<City>, Db, S::Value) -> Fut,
    Fut: std::future::Future<Output = Answer>,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (server, city) = rt.block_on(async {
        let server = TestServer::start_default().await.expect("server");
        let city = City::build(&server).await.expect("city");
        (server, city)
    });
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let city = Arc::new(city);
    let ran = std::cell::Cell::new(0u32);
    let result = runner.run(&strategy, |input| {
        ran.set(ran.get() + 1);
        let a = rt.block_on(property(city.clone(), server.db().clone(), input));
        judge(&a.result, a.result.is_err() && a.wrote)
    });
    println!("{} cases", ran.get());
    drop(city);
    rt.block_on(async { server.stop().await.expect("stop") });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn random_territories_get_clean_answers() {
    let strategy = (text(), enum_value(), text(), text(), text(), any::<u64>());
    check(
        strategy,
        |city, db, (name, kind, description, problems, request, version)| async move {
            let mut directory = city.admin.directory();
            answer(&db, async move {
                directory
                    .save_territory(pb::SaveTerritoryRequest {
                        request_id: request,
                        expected_version: version % 3,
                        territory: Some(pb::Territory {
                            name,
                            kind,
                            description,
                            known_problems: problems,
                            ..Default::default()
                        }),
                    })
                    .await
                    .map(|_| ())
            })
            .await
        },
    );
}

#[test]
fn random_assignments_get_clean_answers() {
    let strategy = (
        (text(), enum_value(), id(), id(), id()),
        (
            date(),
            enum_value(),
            proptest::collection::vec((id(), date()), 0..3),
            id(),
        ),
    );
    check(
        strategy,
        |city,
         db,
         ((text, kind, group, executor, territory), (deadline, preset, co, controller))| async move {
            let base = assignment_request(city.a(), city.executor.user_id);
            let mut assignments = city.leader_a.assignments();
            let request = pb::CreateAssignmentRequest {
                text,
                kind,
                group_id: if group % 2 == 0 { city.a() } else { group },
                executor_id: if executor % 2 == 0 {
                    city.executor.user_id
                } else {
                    executor
                },
                territory_id: territory,
                deadline,
                preset,
                co_executors: co
                    .into_iter()
                    .map(|(user_id, deadline)| pb::CoExecutor {
                        user_id,
                        deadline,
                        ..Default::default()
                    })
                    .collect(),
                controller_id: controller,
                ..base
            };
            answer(&db, async move {
                assignments.create_assignment(request).await.map(|_| ())
            })
            .await
        },
    );
}

#[test]
fn random_steps_on_an_assignment_get_clean_answers() {
    let strategy = (
        enum_value(),
        text(),
        any::<u64>(),
        date(),
        text(),
        any::<bool>(),
    );
    check(
        strategy,
        |city, db, (kind, text, version, new_deadline, reason, grant)| async move {
            let a = create_assignment(&city.leader_a, city.a(), city.executor.user_id)
                .await
                .expect("assignment");
            let who = if kind % 2 == 0 {
                &city.executor
            } else {
                &city.secretary_a
            };
            let call = async {
                match kind.rem_euclid(3) {
                    0 => who
                        .assignments()
                        .transition(pb::TransitionRequest {
                            assignment_id: id_of(a.meta),
                            expected_version: if version % 2 == 0 {
                                version_of(a.meta)
                            } else {
                                version
                            },
                            kind: if kind.rem_euclid(7) < 6 {
                                kind.rem_euclid(7)
                            } else {
                                kind
                            },
                            text,
                        })
                        .await
                        .map(|_| ()),
                    1 => city
                        .executor
                        .assignments()
                        .request_extension(pb::RequestExtensionRequest {
                            assignment_id: id_of(a.meta),
                            expected_version: version_of(a.meta),
                            new_deadline,
                            reason,
                        })
                        .await
                        .map(|_| ()),
                    _ => city
                        .leader_a
                        .assignments()
                        .decide_extension(pb::DecideExtensionRequest {
                            assignment_id: id_of(a.meta),
                            expected_version: version_of(a.meta),
                            grant,
                            comment: text,
                        })
                        .await
                        .map(|_| ()),
                }
            };
            answer(&db, call).await
        },
    );
}

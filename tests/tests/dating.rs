//! Dates by the law (issue 15), end to end on a training clock (`serve --clock`) moved forward
//! over the API the way a trainer moves it: the 59-FZ answer deadline and its non-working-day
//! rule as a setting recorded on each appeal, extensions on the statutory term, and the clock
//! itself — which exists only on a server started with one.

use std::time::Duration;

use chrono::NaiveDate;
use infogroups_server::Clock;
use infogroups_shared::pb;
use infogroups_tests::answer::{ok, refused};
use infogroups_tests::fixtures::{
    advance_clock_to, api_date, city_ms, id_of, request_id, version_of,
};
use infogroups_tests::{Authed, City, TestServer};
use tonic::Code;

const WATER: &str = "0005.0005.0056.1154";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn naive(date: Option<pb::Date>) -> NaiveDate {
    date.as_ref()
        .and_then(infogroups_shared::validate::to_naive)
        .expect("a date")
}

fn due(a: &pb::Appeal) -> NaiveDate {
    naive(a.due.as_ref().and_then(|d| d.date))
}

/// A server whose training clock starts at 09:00 of `day`, and a small city on it.
async fn training(day: NaiveDate) -> (TestServer, City) {
    let server = TestServer::start(|c| {
        c.clock = Clock::training(city_ms(day, 9));
        // Sessions outlive the clock's jumps.
        c.token_ttl = Duration::from_secs(3 * 365 * 24 * 3600);
    })
    .await
    .expect("server");
    let city = City::build(&server).await.expect("city");
    (server, city)
}

/// An appeal on water supply from the `n`-th citizen, received today.
async fn register(who: &Authed, group_id: u64, n: u32, today: NaiveDate) -> pb::Appeal {
    ok(
        who.appeals()
            .register_appeal(pb::RegisterAppealRequest {
                request_id: request_id("appeal"),
                appeal: Some(pb::Appeal {
                    received: Some(api_date(today)),
                    channel: pb::Channel::Post as i32,
                    kind: pb::AppealKind::Application as i32,
                    group_id,
                    questions: vec![pb::AppealQuestion {
                        classifier_code: WATER.into(),
                        r#type: pb::QuestionType::Application as i32,
                        ..Default::default()
                    }],
                    citizen: Some(pb::Citizen {
                        surname: "Кравцова".into(),
                        first_name: "Нина".into(),
                        postal_address: format!("г. Новошахтинск, ул. Садовая, д. {n}"),
                        ..Default::default()
                    }),
                    text: "Нет холодной воды вторую неделю".into(),
                    ..Default::default()
                }),
                repeated_confirmed: true,
            })
            .await,
        "RegisterAppeal",
    )
}

async fn settings(who: &Authed) -> pb::Settings {
    ok(
        who.maintenance()
            .get_settings(pb::GetSettingsRequest {})
            .await,
        "GetSettings",
    )
}

async fn set_rule(who: &Authed, rule: pb::NonWorkingRule) -> Result<pb::Settings, tonic::Status> {
    who.maintenance()
        .set_appeal_deadline_rule(pb::SetAppealDeadlineRuleRequest { rule: rule as i32 })
        .await
        .map(tonic::Response::into_inner)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_thirtieth_day_off_work_moves_back_by_default_and_the_rule_is_a_setting() {
    // Registered 03.12.2026: day 30 is Saturday 02.01.2027; 31.12.2026 is a day off as well.
    let (server, city) = training(d(2026, 12, 3)).await;
    let group = id_of(city.group_a.meta);
    let s = settings(&city.general).await;
    assert_eq!(s.appeal_deadline_rule, pb::NonWorkingRule::Previous as i32);
    assert!(s.training_clock, "a --clock server says so to every client");

    let by_default = register(&city.general, group, 1, d(2026, 12, 3)).await;
    assert_eq!(
        due(&by_default),
        d(2026, 12, 30),
        "not 11.01.2027, the 39th day"
    );
    assert_eq!(by_default.due_rule, pb::NonWorkingRule::Previous as i32);

    // Only an administrator changes the rule, and only to one of the three.
    for who in [&city.general, &city.head, &city.control] {
        refused(
            who.maintenance()
                .set_appeal_deadline_rule(pb::SetAppealDeadlineRuleRequest {
                    rule: pb::NonWorkingRule::Next as i32,
                })
                .await,
            Code::PermissionDenied,
            "administrator",
        );
    }
    refused(
        city.admin
            .maintenance()
            .set_appeal_deadline_rule(pb::SetAppealDeadlineRuleRequest { rule: 0 })
            .await,
        Code::InvalidArgument,
        "choose a rule",
    );
    let s = set_rule(&city.admin, pb::NonWorkingRule::Next)
        .await
        .expect("SetAppealDeadlineRule");
    assert_eq!(s.appeal_deadline_rule, pb::NonWorkingRule::Next as i32);
    let next = register(&city.general, group, 2, d(2026, 12, 3)).await;
    assert_eq!(due(&next), d(2027, 1, 11));
    assert_eq!(next.due_rule, pb::NonWorkingRule::Next as i32);

    // The appeal registered before keeps the rule it recorded; the snapshot shows the setting.
    let snapshot = ok(
        city.general.sync().snapshot(pb::SnapshotRequest {}).await,
        "Snapshot",
    );
    let kept = snapshot
        .appeals
        .iter()
        .find(|a| id_of(a.meta) == id_of(by_default.meta))
        .expect("the first appeal");
    assert_eq!(due(kept), d(2026, 12, 30));
    let shown = snapshot.settings.expect("settings");
    assert_eq!(shown.appeal_deadline_rule, pb::NonWorkingRule::Next as i32);
    assert!(shown.training_clock);

    // The setting survives a restart: the administrator decided it, not the file.
    drop(city);
    let server = server.restart().await.expect("restart");
    let admin = server.admin().await.expect("admin");
    assert_eq!(
        settings(&admin).await.appeal_deadline_rule,
        pb::NonWorkingRule::Next as i32
    );
    drop(admin);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extension_adds_to_the_statutory_term_so_the_answer_is_due_within_sixty_days() {
    let (server, city) = training(d(2026, 12, 3)).await;
    let group = id_of(city.group_a.meta);
    let a = register(&city.general, group, 1, d(2026, 12, 3)).await;
    assert_eq!(due(&a), d(2026, 12, 30));
    // Three weeks later, on a training clock moved forward by the administrator.
    advance_clock_to(&city.admin, d(2026, 12, 24), 10)
        .await
        .expect("advance");
    let extend = |a: &pb::Appeal, days| pb::ExtendAppealRequest {
        appeal_id: id_of(a.meta),
        expected_version: version_of(a.meta),
        extension: Some(pb::AppealExtension {
            days,
            reason: "Нужно комиссионное обследование водовода".into(),
            notice_date: Some(api_date(d(2026, 12, 24))),
            ..Default::default()
        }),
    };
    let a = ok(
        city.head.appeals().extend_appeal(extend(&a, 20)).await,
        "ExtendAppeal",
    );
    // 03.12.2026 + 30 + 20 = Friday 22.01.2027 — not 30.12.2026 + 20 = 19.01.2027.
    assert_eq!(due(&a), d(2027, 1, 22));
    let a = ok(
        city.head.appeals().extend_appeal(extend(&a, 10)).await,
        "ExtendAppeal",
    );
    // 03.12.2026 + 60 = Monday 01.02.2027: the 60th day, not past it.
    assert_eq!(due(&a), d(2027, 2, 1));
    assert_eq!(naive(a.extensions[1].new_due), d(2027, 2, 1));
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_training_clock_starts_where_told_runs_and_moves_only_forward_by_an_administrator() {
    let (server, city) = training(d(2026, 3, 2)).await;
    let start = settings(&city.admin).await.server_time_ms;
    assert!(start >= city_ms(d(2026, 3, 2), 9), "{start}");
    for who in [&city.general, &city.head, &city.control] {
        refused(
            who.maintenance()
                .advance_clock(pb::AdvanceClockRequest { minutes: 60 })
                .await,
            Code::PermissionDenied,
            "administrator",
        );
    }
    for minutes in [0, 366 * 24 * 60 + 1] {
        refused(
            city.admin
                .maintenance()
                .advance_clock(pb::AdvanceClockRequest { minutes })
                .await,
            Code::InvalidArgument,
            "minutes",
        );
    }
    let moved = ok(
        city.admin
            .maintenance()
            .advance_clock(pb::AdvanceClockRequest {
                minutes: 90 * 24 * 60,
            })
            .await,
        "AdvanceClock",
    );
    assert!(moved.server_time_ms >= start + 90 * 86_400_000);
    assert_eq!(
        infogroups_shared::city_time::date_at(moved.server_time_ms),
        d(2026, 5, 31)
    );
    // A heartbeat or a snapshot carries the time every client shows.
    let snapshot = ok(
        city.general.sync().snapshot(pb::SnapshotRequest {}).await,
        "Snapshot",
    );
    assert!(snapshot.server_time_ms >= moved.server_time_ms);
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_the_real_clock_never_moves_in_time() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let s = settings(&admin).await;
    assert!(!s.training_clock);
    let before = s.server_time_ms;
    refused(
        admin
            .maintenance()
            .advance_clock(pb::AdvanceClockRequest { minutes: 60 })
            .await,
        Code::FailedPrecondition,
        "real clock",
    );
    assert!(settings(&admin).await.server_time_ms < before + 3_600_000);
    drop(admin);
    server.stop().await.expect("stop");
}

/// The field a refusal names.
fn field_of(s: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    s.get_error_details()
        .bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_done_on_a_day_to_come_and_no_deadline_is_set_on_a_day_gone() {
    let today = d(2026, 3, 10);
    let (server, city) = training(today).await;
    let group = id_of(city.group_a.meta);
    let tomorrow = d(2026, 3, 11);
    let yesterday = d(2026, 3, 9);
    let invalid = |answer: Result<tonic::Response<pb::Appeal>, tonic::Status>, field: &str| {
        let s = refused(answer, Code::InvalidArgument, "");
        assert_eq!(field_of(&s), field, "{s:?}");
    };

    // An appeal cannot be forwarded or answered tomorrow.
    let a = register(&city.general, group, 1, today).await;
    let forward = |on: NaiveDate, notice: NaiveDate| pb::ForwardAppealRequest {
        appeal_id: id_of(a.meta),
        expected_version: version_of(a.meta),
        forwarding: Some(pb::Forwarding {
            body: "Министерство ЖКХ Ростовской области".into(),
            date: Some(api_date(on)),
            notice_date: Some(api_date(notice)),
            ..Default::default()
        }),
    };
    invalid(
        city.general
            .appeals()
            .forward_appeal(forward(tomorrow, tomorrow))
            .await,
        "forwarding.date",
    );
    invalid(
        city.general
            .appeals()
            .forward_appeal(forward(today, tomorrow))
            .await,
        "forwarding.notice_date",
    );
    invalid(
        city.general
            .appeals()
            .answer_appeal(pb::AnswerAppealRequest {
                appeal_id: id_of(a.meta),
                expected_version: version_of(a.meta),
                answer: Some(pb::AppealAnswer {
                    date: Some(api_date(tomorrow)),
                    signed_by: "Глава Администрации".into(),
                    sent_via: "почта".into(),
                    summary: "Водоснабжение восстановлено".into(),
                    ..Default::default()
                }),
                results: vec![pb::QuestionResult::Supported as i32],
            })
            .await,
        "answer.date",
    );
    // Today is a day that has come.
    ok(
        city.general
            .appeals()
            .forward_appeal(forward(today, today))
            .await,
        "ForwardAppeal",
    );

    // A reception card is not put on control with a deadline already gone.
    let card = |deadline: NaiveDate| pb::SaveReceptionCardRequest {
        request_id: request_id("card"),
        expected_version: 0,
        card: Some(pb::ReceptionCard {
            date: Some(api_date(d(2026, 3, 5))),
            place: "МБОУ СОШ № 3".into(),
            group_id: group,
            received_by: city.leader_a.user_id,
            citizen: Some(pb::Citizen {
                surname: "Белова".into(),
                first_name: "Ирина".into(),
                postal_address: "г. Новошахтинск, ул. Харьковская, д. 4".into(),
                ..Default::default()
            }),
            content: "Просит отремонтировать освещение во дворе".into(),
            classifier_code: WATER.into(),
            question_type: pb::QuestionType::Application as i32,
            on_control: true,
            executor_id: city.executor.user_id,
            deadline: Some(api_date(deadline)),
            ..Default::default()
        }),
    };
    let s = refused(
        city.general
            .appeals()
            .save_reception_card(card(yesterday))
            .await,
        Code::InvalidArgument,
        "in the past",
    );
    assert_eq!(field_of(&s), "card.deadline");
    ok(
        city.general
            .appeals()
            .save_reception_card(card(today))
            .await,
        "SaveReceptionCard",
    );

    // An assignment's co-executors: from today, and never after the assignment's own deadline.
    let with_co = |deadline: NaiveDate, co: NaiveDate| pb::CreateAssignmentRequest {
        deadline: Some(api_date(deadline)),
        co_executors: vec![pb::CoExecutor {
            user_id: city.executor2.user_id,
            deadline: Some(api_date(co)),
            ..Default::default()
        }],
        ..infogroups_tests::fixtures::assignment_request(group, city.executor.user_id)
    };
    for (deadline, co, en) in [
        (d(2026, 3, 20), yesterday, "in the past"),
        (d(2026, 3, 20), d(2026, 3, 21), "later than the assignment"),
    ] {
        let s = refused(
            city.leader_a
                .assignments()
                .create_assignment(with_co(deadline, co))
                .await,
            Code::InvalidArgument,
            en,
        );
        assert_eq!(field_of(&s), "co_executors[0].deadline");
    }
    let parent = ok(
        city.leader_a
            .assignments()
            .create_assignment(with_co(d(2026, 3, 20), d(2026, 3, 20)))
            .await,
        "CreateAssignment",
    );
    // A sub-assignment likewise.
    let sub = |deadline: NaiveDate| pb::CreateSubAssignmentRequest {
        request_id: request_id("sub"),
        parent_id: id_of(parent.meta),
        text: "Обследовать опоры освещения".into(),
        executor_id: city.executor2.user_id,
        deadline: Some(api_date(deadline)),
    };
    let s = refused(
        city.executor
            .assignments()
            .create_sub_assignment(sub(yesterday))
            .await,
        Code::InvalidArgument,
        "in the past",
    );
    assert_eq!(field_of(&s), "deadline");
    ok(
        city.executor
            .assignments()
            .create_sub_assignment(sub(d(2026, 3, 13)))
            .await,
        "CreateSubAssignment",
    );
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appeal_turns_overdue_at_the_moment_its_day_passes_and_a_late_forwarding_says_so() {
    let (server, city) = training(d(2026, 12, 3)).await;
    let group = id_of(city.group_a.meta);
    let late_answer = register(&city.general, group, 1, d(2026, 12, 3)).await;
    let late_forward = register(&city.general, group, 2, d(2026, 12, 3)).await;
    let since = city.admin.published_seq().await.expect("seq");
    let mut general = city.general.watch(since).await.expect("watch");

    // Eight days after registration: forwarding is past the seven days (art. 8 p. 3).
    advance_clock_to(&city.admin, d(2026, 12, 11), 10)
        .await
        .expect("clock");
    let forwarded = ok(
        city.general
            .appeals()
            .forward_appeal(pb::ForwardAppealRequest {
                appeal_id: id_of(late_forward.meta),
                expected_version: version_of(late_forward.meta),
                forwarding: Some(pb::Forwarding {
                    body: "Министерство ЖКХ Ростовской области".into(),
                    date: Some(api_date(d(2026, 12, 11))),
                    notice_date: Some(api_date(d(2026, 12, 11))),
                    ..Default::default()
                }),
            })
            .await,
        "ForwardAppeal",
    );
    assert!(!forwarded.forwarding.expect("forwarding").on_time);

    // The due day, 30.12.2026, is in time; the first minute of 31.12 it is overdue.
    advance_clock_to(&city.admin, d(2026, 12, 30), 18)
        .await
        .expect("clock");
    let get = |a: &pb::Appeal| pb::GetAppealRequest {
        appeal_id: id_of(a.meta),
    };
    let a = ok(
        city.general.appeals().get_appeal(get(&late_answer)).await,
        "GetAppeal",
    );
    assert!(!a.overdue, "the due day itself is in time");
    advance_clock_to(&city.admin, d(2026, 12, 31), 0)
        .await
        .expect("clock");
    let seen = infogroups_tests::watch::events_until(&mut general, infogroups_tests::STEP, |ev| {
        matches!(&ev.entity, Some(pb::event::Entity::Notification(n))
            if n.kind == pb::NotificationKind::Overdue as i32
                && n.appeal_id == id_of(late_answer.meta))
    })
    .await
    .expect("the general department is told at once");
    assert_eq!(
        seen.last().map(|e| e.actor_id),
        Some(0),
        "the system did it"
    );
    let a = ok(
        city.general.appeals().get_appeal(get(&late_answer)).await,
        "GetAppeal",
    );
    assert!(a.overdue);
    assert_eq!(a.status, pb::AppealStatus::Registered as i32);
    // The forwarded one was closed in time for that: nothing to mark.
    let f = ok(
        city.general.appeals().get_appeal(get(&late_forward)).await,
        "GetAppeal",
    );
    assert!(!f.overdue);
    // The head's dashboard agrees.
    let dash = ok(
        city.head.reports().dashboard(pb::DashboardRequest {}).await,
        "Dashboard",
    );
    assert_eq!(dash.appeals_overdue, 1);
    drop(general);
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn art_11_outcomes_are_decided_by_the_facts_and_by_whom_the_law_says() {
    let (server, city) = training(d(2026, 3, 2)).await;
    let group = id_of(city.group_a.meta);
    let named = register(&city.general, group, 1, d(2026, 3, 2)).await;
    let close = |a: &pb::Appeal, outcome: pb::AppealStatus| pb::CloseSpecialRequest {
        appeal_id: id_of(a.meta),
        expected_version: version_of(a.meta),
        outcome: outcome as i32,
        reason: "По ст. 11 Федерального закона № 59-ФЗ".into(),
        notice_date: Some(api_date(d(2026, 3, 2))),
        ..Default::default()
    };
    // p. 1: a citizen who gave a surname and an address is answered on the merits.
    refused(
        city.general
            .appeals()
            .close_special(close(&named, pb::AppealStatus::NoAnswerAnonymous))
            .await,
        Code::FailedPrecondition,
        "answered on the merits",
    );
    // p. 5: stopping the correspondence is the head's, and only on a repeated appeal answered
    // before.
    refused(
        city.general
            .appeals()
            .close_special(pb::CloseSpecialRequest {
                no_new_arguments: true,
                ..close(&named, pb::AppealStatus::CorrespondenceStopped)
            })
            .await,
        Code::PermissionDenied,
        "head",
    );
    refused(
        city.head
            .appeals()
            .close_special(pb::CloseSpecialRequest {
                no_new_arguments: true,
                ..close(&named, pb::AppealStatus::CorrespondenceStopped)
            })
            .await,
        Code::FailedPrecondition,
        "repeated appeal",
    );
    // p. 2: the appeal contesting a court decision goes back within 7 days.
    advance_clock_to(&city.admin, d(2026, 3, 12), 10)
        .await
        .expect("clock");
    let s = refused(
        city.general
            .appeals()
            .close_special(pb::CloseSpecialRequest {
                notice_date: Some(api_date(d(2026, 3, 12))),
                ..close(&named, pb::AppealStatus::ReturnedCourt)
            })
            .await,
        Code::InvalidArgument,
        "within 7 days",
    );
    assert_eq!(field_of(&s), "notice_date");
    let returned = ok(
        city.general
            .appeals()
            .close_special(pb::CloseSpecialRequest {
                notice_date: Some(api_date(d(2026, 3, 6))),
                ..close(&named, pb::AppealStatus::ReturnedCourt)
            })
            .await,
        "CloseSpecial",
    );
    assert_eq!(returned.status, pb::AppealStatus::ReturnedCourt as i32);
    assert_eq!(
        naive(returned.answer.and_then(|x| x.date)),
        d(2026, 3, 6),
        "the day it was returned is recorded"
    );
    drop(city);
    server.stop().await.expect("stop");
}

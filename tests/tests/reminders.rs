//! The server's deadline timer for assignments (issue 4 point 3, issue 15 point 7): reminders a
//! configurable number of working days before the deadline and on the day, to the executors and
//! the controller, and a daily digest per executor — each once, pushed live without anyone
//! polling. The server runs on a training clock that the administrator moves over the API.

use std::time::Duration;

use chrono::NaiveDate;
use infogroups_server::Clock;
use infogroups_shared::pb::{self, NotificationKind as K};
use infogroups_tests::fixtures::{advance_clock_to, api_date, assignment_request, city_ms, id_of};
use infogroups_tests::watch::events_until;
use infogroups_tests::{Authed, City, STEP, TestServer};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

/// The notifications of `kind` about `assignment` the user holds.
async fn notes(user: &Authed, kind: K, assignment: u64) -> Vec<pb::Notification> {
    user.sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("snapshot")
        .into_inner()
        .notifications
        .into_iter()
        .filter(|n| n.kind == kind as i32 && (assignment == 0 || n.assignment_id == assignment))
        .collect()
}

fn is_note(e: &pb::Event, kind: K) -> bool {
    matches!(e.entity.as_ref(), Some(pb::event::Entity::Notification(n)) if n.kind == kind as i32)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_two_working_days_ahead_and_on_the_day_then_a_digest_once_a_day() {
    // Thursday 30.04.2026: 1–3 May are off, so the 2nd working day after it is Tuesday 05.05.
    let server = TestServer::start(|c| {
        c.clock = Clock::training(city_ms(day(4, 30), 9));
        c.token_ttl = Duration::from_secs(365 * 24 * 3600);
    })
    .await
    .expect("server");
    let city = City::build(&server).await.expect("city");
    let since = city.admin.published_seq().await.expect("seq");
    let mut executor_stream = city.executor.watch(since).await.expect("watch");
    let mut secretary_stream = city.secretary_a.watch(since).await.expect("watch");
    let task = city
        .leader_a
        .assignments()
        .create_assignment(pb::CreateAssignmentRequest {
            deadline: Some(api_date(day(5, 5))),
            ..assignment_request(city.a(), city.executor.user_id)
        })
        .await
        .expect("assignment")
        .into_inner();
    let id = id_of(task.meta);

    // Both the executor and the controller receive the reminder live.
    for stream in [&mut executor_stream, &mut secretary_stream] {
        events_until(stream, STEP, |e| is_note(e, K::Reminder))
            .await
            .expect("a live reminder");
    }
    let executor_notes = notes(&city.executor, K::Reminder, id).await;
    assert_eq!(executor_notes.len(), 1, "{executor_notes:?}");
    assert!(
        executor_notes[0].text_ru.contains("2 раб. дн."),
        "{:?}",
        executor_notes[0].text_ru
    );
    assert_eq!(notes(&city.secretary_a, K::Reminder, id).await.len(), 1);
    // The executor's digest of the day counts it as due soon.
    events_until(&mut executor_stream, STEP, |e| is_note(e, K::Digest))
        .await
        .expect("a digest");
    let digests = notes(&city.executor, K::Digest, 0).await;
    assert_eq!(digests.len(), 1);
    assert!(
        digests[0].text_ru.contains("к сроку 1"),
        "{:?}",
        digests[0].text_ru
    );

    // Later the same day nothing is sent again; on 04.05 (one working day ahead) no reminder.
    let admin = &city.admin;
    advance_clock_to(admin, day(4, 30), 17)
        .await
        .expect("clock");
    advance_clock_to(admin, day(5, 4), 9).await.expect("clock");
    // On the deadline day: a "due today" reminder to both.
    advance_clock_to(admin, day(5, 5), 9).await.expect("clock");
    events_until(&mut secretary_stream, STEP, |e| {
        matches!(e.entity.as_ref(), Some(pb::event::Entity::Notification(n))
            if n.kind == K::Reminder as i32 && n.text_ru.contains("сегодня"))
    })
    .await
    .expect("a due-today reminder");
    let executor_notes = notes(&city.executor, K::Reminder, id).await;
    assert_eq!(
        executor_notes.len(),
        2,
        "one ahead, one on the day: {executor_notes:?}"
    );
    assert!(executor_notes.iter().any(|n| n.text_ru.contains("сегодня")));
    drop(executor_stream);
    drop(secretary_stream);
    drop(city);
    server.stop().await.expect("stop");
}

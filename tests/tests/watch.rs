//! The live event stream: every event exactly once and in order (before, during and after a
//! burst of concurrent writes, across reconnects), filtered by what the watcher may see as their
//! roles change, pushed by the server's own clock, and ended when the session ends.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use infogroups_server::Clock;
use infogroups_server::db::retention::{LogBounds, Trimmed};
use infogroups_shared::pb::{self, AssignmentStatus as S, Role};
use infogroups_tests::fixtures::{
    advance_clock_to, api_date, assignment_request, city_ms, create_assignment, global, id_of,
    in_group, save_territory, territory_request, version_of,
};
use infogroups_tests::watch::{
    assignment_of, check_contiguous, check_increasing, entity_of, events_through, events_until,
};
use infogroups_tests::{Authed, City, Received, STEP, TestServer, next_event, next_message};
use tonic::Code;

/// Writes `per_client` territories from each of `clients` connections at once; returns every
/// acknowledged (id, name).
async fn burst(
    admin: &Authed,
    server: &TestServer,
    clients: usize,
    per_client: usize,
) -> Vec<(u64, String)> {
    let mut tasks = Vec::new();
    for c in 0..clients {
        let me = admin.reconnect(server.addr()).await.expect("connect");
        tasks.push(tokio::spawn(async move {
            let mut directory = me.directory();
            let mut acked = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let name = format!("Территория {c}-{i}");
                let t = directory
                    .save_territory(territory_request(&name))
                    .await
                    .expect("SaveTerritory")
                    .into_inner();
                acked.push((id_of(t.meta), name));
            }
            acked
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("writer"));
    }
    all
}

/// Checks that `events` hold each acknowledged territory exactly once, with the name written.
fn check_all_territories(events: &[pb::Event], acked: &[(u64, String)]) {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for ev in events {
        if let Some(pb::event::Entity::Territory(t)) = &ev.entity {
            *seen.entry(id_of(t.meta)).or_default() += 1;
            let want = acked.iter().find(|(id, _)| *id == id_of(t.meta));
            if let Some((_, name)) = want {
                assert_eq!(&t.name, name, "the event carries the entity's state");
            }
        }
    }
    for (id, name) in acked {
        assert_eq!(seen.get(id), Some(&1), "territory {id} ({name}) seen once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_before_and_after_a_burst_of_1000_writes_see_every_event_once_in_order() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let start = admin.published_seq().await.expect("seq");
    let mut early = admin.watch(start).await.expect("watch");

    let acked = burst(&admin, &server, 8, 125).await;
    assert_eq!(acked.len(), 1000);
    let last = admin.published_seq().await.expect("seq");
    assert_eq!(last, start + 1000, "one event per write");

    let early_events = events_through(&mut early, last, STEP)
        .await
        .expect("early watcher");
    check_contiguous(&early_events, start + 1).expect("early watcher in order, no gaps");
    check_all_territories(&early_events, &acked);

    let mut late = admin.watch(0).await.expect("watch from 0");
    let late_events = events_through(&mut late, last, STEP)
        .await
        .expect("late watcher");
    check_contiguous(&late_events, 1).expect("late watcher replays the whole log");
    check_all_territories(&late_events, &acked);
    assert_eq!(
        &late_events[start as usize..],
        &early_events[..],
        "both watchers saw the same events"
    );
    drop((early, late, admin));
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_that_reconnects_with_its_last_seq_misses_nothing_and_repeats_nothing() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let start = admin.published_seq().await.expect("seq");
    let writers = {
        let admin = admin.clone();
        let server_addr = server.addr();
        tokio::spawn(async move {
            let mut tasks = Vec::new();
            for c in 0..4 {
                let me = admin.reconnect(server_addr).await.expect("connect");
                tasks.push(tokio::spawn(async move {
                    let mut directory = me.directory();
                    for i in 0..100 {
                        directory
                            .save_territory(territory_request(&format!("Т {c}-{i}")))
                            .await
                            .expect("SaveTerritory");
                    }
                }));
            }
            for t in tasks {
                t.await.expect("writer");
            }
        })
    };
    let watcher = admin.reconnect(server.addr()).await.expect("connect");
    let mut received: Vec<pb::Event> = Vec::new();
    let mut reconnects = 0;
    let mut last = start;
    let target = start + 400;
    while last < target {
        // A new connection and stream each time, resuming after the last event applied.
        let me = watcher.reconnect(server.addr()).await.expect("reconnect");
        let mut stream = me.watch(last).await.expect("watch");
        for _ in 0..37 {
            let ev = next_event(&mut stream, STEP).await.expect("event");
            last = ev.seq;
            received.push(ev);
            if last >= target {
                break;
            }
        }
        drop(stream);
        reconnects += 1;
    }
    writers.await.expect("writers");
    assert!(reconnects >= 10, "reconnected {reconnects} times");
    check_increasing(&received).expect("no duplicates");
    check_contiguous(&received, start + 1).expect("no gaps across reconnects");
    assert_eq!(received.len(), 400);
    drop((watcher, admin));
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_watches_only_their_own_assignments() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let since = city.admin.published_seq().await.expect("seq");
    let mut mine = city.executor.watch(since).await.expect("watch");
    let mut theirs = city.executor2.watch(since).await.expect("watch");

    let for_other = create_assignment(&city.leader_a, city.a(), city.executor2.user_id)
        .await
        .expect("assignment");
    let for_me = create_assignment(&city.leader_a, city.a(), city.executor.user_id)
        .await
        .expect("assignment");
    let in_b = create_assignment(&city.leader_b, city.b(), city.executor2.user_id)
        .await
        .expect("assignment");
    let sentinel = save_territory(&city.admin, "Сигнальная территория")
        .await
        .expect("sentinel");
    let is_sentinel = |e: &pb::Event| entity_of(e) == ("territory", id_of(sentinel.meta));

    let seen = events_until(&mut mine, STEP, is_sentinel)
        .await
        .expect("executor's events");
    let assignments: Vec<u64> = seen
        .iter()
        .filter_map(assignment_of)
        .map(|a| id_of(a.meta))
        .collect();
    assert_eq!(
        assignments,
        vec![id_of(for_me.meta)],
        "only their own assignment"
    );
    for ev in &seen {
        if let Some(pb::event::Entity::Notification(n)) = &ev.entity {
            assert_eq!(
                n.user_id, city.executor.user_id,
                "only their own notifications"
            );
        }
    }
    assert!(
        seen.iter().any(|e| matches!(&e.entity, Some(pb::event::Entity::Notification(n)) if n.assignment_id == id_of(for_me.meta))),
        "the executor is notified of the new assignment"
    );

    let seen = events_until(&mut theirs, STEP, is_sentinel)
        .await
        .expect("executor2's events");
    let assignments: Vec<u64> = seen
        .iter()
        .filter_map(assignment_of)
        .map(|a| id_of(a.meta))
        .collect();
    assert_eq!(assignments, vec![id_of(for_other.meta), id_of(in_b.meta)]);
    drop((mine, theirs, city));
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_role_stops_the_events_it_allowed() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let since = city.admin.published_seq().await.expect("seq");
    let mut control = city.control.watch(since).await.expect("watch");
    let mut secretary = city.secretary_a.watch(since).await.expect("watch");

    let before = create_assignment(&city.leader_a, city.a(), city.executor.user_id)
        .await
        .expect("assignment");
    for stream in [&mut control, &mut secretary] {
        let seen = events_until(stream, STEP, |e| assignment_of(e).is_some())
            .await
            .expect("the first assignment arrives");
        let first = seen.last().and_then(assignment_of).map(|a| id_of(a.meta));
        assert_eq!(first, Some(id_of(before.meta)));
    }

    // The control sector loses its role; A's secretary is replaced by A's member.
    let control_user: pb::User = server
        .db()
        .get(city.control.user_id)
        .expect("read")
        .expect("exists");
    city.admin
        .users()
        .revoke_role(pb::RevokeRoleRequest {
            user_id: city.control.user_id,
            expected_version: version_of(control_user.meta),
            grant: Some(global(Role::ControlSector)),
        })
        .await
        .expect("RevokeRole");
    let mut group: pb::Group = server.db().get(city.a()).expect("read").expect("exists");
    let version = version_of(group.meta);
    group.secretary_id = city.member_a.user_id;
    group.member_ids.clear();
    city.leader_a
        .groups()
        .update_group(pb::UpdateGroupRequest {
            expected_version: version,
            group: Some(group),
            reason: "смена секретаря".into(),
        })
        .await
        .expect("UpdateGroup");
    let who = city
        .secretary_a
        .auth()
        .who_am_i(pb::WhoAmIRequest {})
        .await
        .expect("WhoAmI")
        .into_inner();
    assert!(
        !who.roles
            .contains(&in_group(Role::GroupSecretary, city.a())),
        "the composition change took the secretary role away"
    );

    let after = create_assignment(&city.leader_a, city.a(), city.executor.user_id)
        .await
        .expect("assignment");
    // Each stream is told to take a new snapshot at its role change (its replica was built with
    // the old roles), and receives nothing of the new assignment before that.
    for (name, stream) in [
        ("control", &mut control),
        ("former secretary", &mut secretary),
    ] {
        let mut leaked = Vec::new();
        loop {
            match next_message(stream, STEP).await.expect("a message") {
                Received::Message(pb::WatchEvent {
                    kind: Some(pb::watch_event::Kind::Resync(_)),
                }) => break,
                Received::Message(pb::WatchEvent {
                    kind: Some(pb::watch_event::Kind::Event(ev)),
                }) => leaked.extend(
                    assignment_of(&ev)
                        .map(|a| id_of(a.meta))
                        .filter(|id| *id == id_of(after.meta)),
                ),
                Received::Message(_) => {}
                other => panic!("{name}: expected a resync, got {other:?}"),
            }
        }
        assert!(
            leaked.is_empty(),
            "{name} still received the new assignment"
        );
    }
    // Their new snapshots leave out what only the old roles allowed (the former secretary stays
    // the controller of the earlier assignment, and sees that one).
    for (name, user) in [
        ("control", &city.control),
        ("former secretary", &city.secretary_a),
    ] {
        let snapshot = user
            .sync()
            .snapshot(pb::SnapshotRequest {})
            .await
            .expect("snapshot")
            .into_inner();
        assert!(
            snapshot
                .assignments
                .iter()
                .all(|a| id_of(a.meta) != id_of(after.meta)),
            "{name} still sees A's assignments"
        );
    }
    // A's new secretary does see it.
    let snapshot = city
        .member_a
        .sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("snapshot")
        .into_inner();
    assert!(
        snapshot
            .assignments
            .iter()
            .any(|a| id_of(a.meta) == id_of(after.meta))
    );
    drop((control, secretary, city));
    server.stop().await.expect("stop");
}

/// 2026-03-02, a Monday.
fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("date")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_pushes_overdue_to_every_watcher_without_any_rpc() {
    let server = TestServer::start(|c| {
        c.clock = Clock::training(city_ms(monday(), 12));
        c.token_ttl = Duration::from_secs(30 * 24 * 3600);
    })
    .await
    .expect("server");
    let city = City::build(&server).await.expect("city");
    let due = monday().checked_add_days(Days::new(1)).expect("date");
    let task = city
        .leader_a
        .assignments()
        .create_assignment(pb::CreateAssignmentRequest {
            deadline: Some(api_date(due)),
            ..assignment_request(city.a(), city.executor.user_id)
        })
        .await
        .expect("assignment")
        .into_inner();
    let since = city.admin.published_seq().await.expect("seq");
    let mut watchers = Vec::new();
    for user in [
        &city.executor,
        &city.secretary_a,
        &city.leader_a,
        &city.head,
    ] {
        watchers.push((
            user.username.clone(),
            user.watch(since).await.expect("watch"),
        ));
    }

    // Overdue the day after the deadline day: the trainer moves the clock there.
    advance_clock_to(&city.admin, due.succ_opt().expect("date"), 9)
        .await
        .expect("AdvanceClock");
    for (name, stream) in &mut watchers {
        let seen = events_until(stream, STEP, |e| {
            assignment_of(e).is_some_and(|a| id_of(a.meta) == id_of(task.meta))
        })
        .await
        .unwrap_or_else(|e| panic!("{name} got no overdue event: {e}"));
        let ev = seen.last().expect("event");
        let a = assignment_of(ev).expect("assignment");
        assert_eq!(a.status, S::Overdue as i32, "{name}");
        assert_eq!(ev.actor_id, 0, "{name}: the server's clock made the change");
        let last = a.history.last().expect("history");
        assert_eq!(last.to, S::Overdue as i32);
        assert!(last.by_system, "{name}: the history says the system did it");
        // At the moment the deadline passed: the day after it, not a polling round later.
        assert_eq!(
            infogroups_shared::city_time::date_at(last.at_ms),
            due.succ_opt().expect("date")
        );
    }
    // The executor and the controller are notified.
    for user in [&city.executor, &city.secretary_a] {
        let notes = user
            .sync()
            .snapshot(pb::SnapshotRequest {})
            .await
            .expect("snapshot")
            .into_inner()
            .notifications;
        assert!(
            notes
                .iter()
                .any(|n| n.kind == pb::NotificationKind::Overdue as i32
                    && n.assignment_id == id_of(task.meta)),
            "{} is notified",
            user.username
        );
    }
    drop((watchers, city));
    server.stop().await.expect("stop");
}

/// Reads until the stream fails or ends; returns the failure's code (`Ok` for a clean end).
async fn end_of(stream: &mut tonic::Streaming<pb::WatchEvent>) -> Code {
    loop {
        match next_message(stream, STEP)
            .await
            .expect("the stream ends in time")
        {
            Received::Message(_) => {}
            Received::Ended => return Code::Ok,
            Received::Failed(status) => return status.code(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_ends_when_its_session_expires_or_is_logged_out() {
    let noon = city_ms(monday(), 12);
    let clock = Clock::manual(noon);
    let server = TestServer::start(|c| {
        c.clock = clock.clone();
        c.heartbeat = Duration::from_millis(50);
        c.token_ttl = Duration::from_secs(3600);
    })
    .await
    .expect("server");
    let expiring = server.admin().await.expect("admin");
    let leaving = server.admin().await.expect("admin");
    let mut expiring_stream = expiring.watch(0).await.expect("watch");
    let mut leaving_stream = leaving.watch(0).await.expect("watch");

    leaving
        .auth()
        .logout(pb::LogoutRequest {})
        .await
        .expect("Logout");
    assert_eq!(end_of(&mut leaving_stream).await, Code::Unauthenticated);

    let first = next_message(&mut expiring_stream, STEP)
        .await
        .expect("alive");
    assert!(matches!(first, Received::Message(_)), "{first:?}");
    clock.set_ms(noon + 3_600_000);
    assert_eq!(end_of(&mut expiring_stream).await, Code::Unauthenticated);
    drop((expiring_stream, leaving_stream));
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_from_beyond_the_log_is_told_to_resync() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let seq = admin.published_seq().await.expect("seq");
    let mut stream = admin.watch(seq + 100).await.expect("watch");
    match next_message(&mut stream, STEP).await.expect("answer") {
        Received::Message(pb::WatchEvent {
            kind: Some(pb::watch_event::Kind::Resync(_)),
        }) => {}
        other => panic!("expected a resync, got {other:?}"),
    }
    drop(stream);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_watcher_is_cut_off_within_its_byte_budget_and_slows_no_one() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let start = admin.published_seq().await.expect("seq");
    let stalled_user = admin.reconnect(server.addr()).await.expect("connect");
    let mut stalled = stalled_user.watch(start).await.expect("watch");
    let mut reader = admin.watch(start).await.expect("watch");

    // 16 writes of 1,000 territories each (straight through the store's write path, so the
    // test stays fast): far more than the stalled watcher's queue and the hub's buffer.
    let description = "Описание территории. ".repeat(25);
    let mut received = Vec::new();
    for round in 0..16 {
        let description = description.clone();
        let last = server
            .db()
            .write(0, move |tx| {
                let mut last = 0;
                for i in 0..1000 {
                    let t = tx.create(
                        pb::Territory {
                            name: format!("Массовая {round}-{i}"),
                            kind: pb::TerritoryKind::Other as i32,
                            description: description.clone(),
                            ..Default::default()
                        },
                        None,
                    )?;
                    last = id_of(t.meta);
                }
                Ok(last)
            })
            .await
            .expect("bulk write");
        assert!(last > 0);
        let seq = server.db().published_seq();
        received.extend(
            events_through(&mut reader, seq, STEP)
                .await
                .expect("the reader keeps up"),
        );
    }
    check_contiguous(&received, start + 1).expect("the reading watcher got everything");
    assert_eq!(received.len(), 16_000);

    // The stalled watcher gets what was queued for it — at most its byte budget — then is cut
    // off with the sequence to resume from.
    let mut queued = 0;
    let mut bytes = 0;
    loop {
        match next_message(&mut stalled, STEP)
            .await
            .expect("the stalled stream answers")
        {
            Received::Failed(s) if s.code() == tonic::Code::ResourceExhausted => {
                assert!(s.message().contains("resume from seq"), "{s:?}");
                break;
            }
            Received::Message(m) => {
                bytes += prost::Message::encoded_len(&m);
                queued += 1;
            }
            other => panic!("expected the cut-off, got {other:?} after {queued} events"),
        }
        assert!(
            queued < 16_000,
            "the stalled watcher was never told to resync"
        );
    }
    // The server held at most its budget; what arrived beyond it sat in the transport's
    // windows and socket buffers, which are bounded by the connection's settings.
    assert!(
        bytes < 2 * infogroups_server::services::sync::WATCHER_QUEUE_BYTES,
        "{bytes} bytes arrived"
    );
    println!("the stalled watcher got {queued} events ({bytes} bytes) before the cut-off");
    drop((stalled, reader, stalled_user, admin));
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_from_before_the_kept_log_is_told_to_resync_and_the_audit_keeps_every_record() {
    let bounds = LogBounds {
        events: 5,
        audit_live: 4,
    };
    let server = TestServer::start(|c| c.log_bounds = bounds)
        .await
        .expect("server");
    let admin = server.admin().await.expect("admin");
    let start = admin.published_seq().await.expect("seq");
    for i in 0..12 {
        save_territory(&admin, &format!("Территория {i}"))
            .await
            .expect("territory");
    }
    // Events after the fact tables' checkpoint stay for the next start: checkpoint them first.
    server.db().checkpoint_facts().await;
    // Trimmed now rather than by the background task's next tick (which may also take part).
    while server.db().trim_logs(bounds).await.expect("trim") != Trimmed::default() {}
    let last = admin.published_seq().await.expect("seq");

    let mut old = admin.watch(start).await.expect("watch");
    match next_message(&mut old, STEP).await.expect("answer") {
        Received::Message(pb::WatchEvent {
            kind: Some(pb::watch_event::Kind::Resync(_)),
        }) => {}
        other => panic!("expected a resync, got {other:?}"),
    }
    drop(old);
    let mut recent = admin.watch(last - 5).await.expect("watch");
    let replayed = events_through(&mut recent, last, STEP)
        .await
        .expect("the kept events");
    drop(recent);
    check_contiguous(&replayed, last - 4).expect("the kept log replays whole");

    // The audit log lost nothing: the twelve creates, newest first, though most of them now live
    // in cold segments.
    let records = admin
        .audit()
        .list_audit(pb::ListAuditRequest {
            entity_kind: "territory".into(),
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("ListAudit")
        .into_inner()
        .records;
    assert_eq!(records.len(), 12);
    assert!(records.windows(2).all(|w| w[0].seq > w[1].seq));
    assert!(
        server
            .db()
            .store()
            .archived_through(b"a/")
            .expect("archive")
            .is_some(),
        "some audit records were archived"
    );
    server.stop().await.expect("stop");
}

//! Access beyond the role matrix: a watcher whose roles change mid-stream, a new password ending
//! the other sessions, the throttled answer's retry delay, and users of one group probing the
//! other group's ids.

use std::time::Duration;

use bytes::Bytes;
use infogroups_shared::pb::{self, Role};
use infogroups_tests::fixtures::{
    add_user, create_assignment, global, id_of, in_group, save_territory, version_of,
};
use infogroups_tests::fuzz::{self, World};
use infogroups_tests::watch::{entity_of, next_message};
use infogroups_tests::{
    ADMIN_PASSWORD, Bearer, City, Received, STEP, TEST_PASSWORD, TestServer, code_of, login,
    try_login,
};
use prost::Message;
use prost_reflect::{DynamicMessage, Value};
use tonic::{Code, Streaming};
use tonic_types::StatusExt;

/// Reads the stream until the server asks for a resync; fails on anything but events and
/// heartbeats before it. Returns the events that came first.
async fn until_resync(stream: &mut Streaming<pb::WatchEvent>) -> Vec<pb::Event> {
    let mut events = Vec::new();
    loop {
        match next_message(stream, STEP).await.expect("a message in time") {
            Received::Message(pb::WatchEvent {
                kind: Some(pb::watch_event::Kind::Resync(_)),
            }) => return events,
            Received::Message(pb::WatchEvent {
                kind: Some(pb::watch_event::Kind::Event(ev)),
            }) => events.push(ev),
            Received::Message(_) => {}
            other => panic!("expected a resync, got {other:?}"),
        }
    }
}

/// Reads events until one about the territory `marker` arrives; returns those before it.
async fn until_marker(stream: &mut Streaming<pb::WatchEvent>, marker: u64) -> Vec<pb::Event> {
    let mut before = Vec::new();
    loop {
        let ev = infogroups_tests::next_event(stream, STEP)
            .await
            .expect("an event in time");
        if entity_of(&ev) == ("territory", marker) {
            return before;
        }
        before.push(ev);
    }
}

/// Group A as it is now.
async fn group_a(world: &World) -> pb::Group {
    world
        .caller("admin")
        .expect("admin")
        .groups()
        .list_groups(pb::ListGroupsRequest::default())
        .await
        .expect("ListGroups")
        .into_inner()
        .groups
        .into_iter()
        .find(|g| id_of(g.meta) == world.group_a)
        .expect("group A")
}

/// Group A's leader changes its composition or name.
async fn update_group_a(world: &World, change: impl FnOnce(&mut pb::Group)) {
    let mut group = group_a(world).await;
    change(&mut group);
    world
        .caller("leader_a")
        .expect("leader")
        .groups()
        .update_group(pb::UpdateGroupRequest {
            expected_version: version_of(group.meta),
            group: Some(group),
            reason: "Изменение состава".into(),
        })
        .await
        .expect("UpdateGroup");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_removed_from_the_group_while_watching_stops_seeing_it() {
    let server = TestServer::start(fuzz::server_config)
        .await
        .expect("server");
    let world = World::build(&server).await.expect("world");
    let member = world.caller("member_a").expect("member").clone();
    let meeting_a = world.owned[0].meeting;
    let seq = member.published_seq().await.expect("seq");
    let mut stream = member.watch(seq).await.expect("watch");

    // While a member, the member sees group A live.
    update_group_a(&world, |g| {
        g.name = "Информационная группа № 1 (центр)".into()
    })
    .await;
    let ev = infogroups_tests::next_event(&mut stream, STEP)
        .await
        .expect("the member sees it");
    assert_eq!(entity_of(&ev), ("group", world.group_a));

    // The leader takes the member out of the group: the stream asks for a fresh snapshot.
    update_group_a(&world, |g| g.member_ids.retain(|m| *m != member.user_id)).await;
    until_resync(&mut stream).await;

    // The new snapshot holds nothing of group A any more, and the new stream carries none of it.
    let snapshot = member
        .sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("Snapshot")
        .into_inner();
    assert!(
        snapshot
            .groups
            .iter()
            .all(|g| id_of(g.meta) != world.group_a)
    );
    assert!(
        snapshot
            .meetings
            .iter()
            .all(|m| m.group_id != world.group_a),
        "A's meetings after the member left"
    );
    let mut stream = member.watch(snapshot.seq).await.expect("watch again");
    world
        .caller("secretary_a")
        .expect("secretary")
        .meetings()
        .cancel_meeting(pb::CancelMeetingRequest {
            meeting_id: meeting_a.0,
            expected_version: meeting_a.1,
            reason: "Перенос на следующий квартал".into(),
        })
        .await
        .expect("CancelMeeting");
    update_group_a(&world, |g| g.name = "Информационная группа № 1".into()).await;
    let admin = world.caller("admin").expect("admin");
    let marker = id_of(save_territory(admin, "Метка").await.expect("marker").meta);
    let leaked: Vec<_> = until_marker(&mut stream, marker)
        .await
        .iter()
        .map(entity_of)
        .filter(|(kind, id)| *kind == "meeting" || (*kind == "group" && *id == world.group_a))
        .collect();
    assert!(leaked.is_empty(), "a former member still sees {leaked:?}");
    drop((stream, member));
    drop(world);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_global_role_revoked_or_granted_while_watching_asks_for_a_new_snapshot() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let admin = &city.admin;
    add_user(server.db(), "deputy", &[global(Role::Head)])
        .await
        .expect("user");
    let deputy = login(server.addr(), "deputy", TEST_PASSWORD)
        .await
        .expect("login");
    create_assignment(&city.leader_b, city.b(), city.executor.user_id)
        .await
        .expect("B's assignment");
    let seq = deputy.published_seq().await.expect("seq");
    let mut stream = deputy.watch(seq).await.expect("watch");
    let user = admin
        .users()
        .revoke_role(pb::RevokeRoleRequest {
            user_id: deputy.user_id,
            expected_version: 0,
            grant: Some(global(Role::Head)),
        })
        .await;
    let user = match user {
        Ok(u) => u.into_inner(),
        // The request may insist on the current version.
        Err(s) if s.code() == Code::Aborted || s.code() == Code::InvalidArgument => {
            let current: pb::User = server
                .db()
                .get(deputy.user_id)
                .expect("read")
                .expect("the user");
            admin
                .users()
                .revoke_role(pb::RevokeRoleRequest {
                    user_id: deputy.user_id,
                    expected_version: version_of(current.meta),
                    grant: Some(global(Role::Head)),
                })
                .await
                .expect("RevokeRole")
                .into_inner()
        }
        Err(s) => panic!("RevokeRole: {s:?}"),
    };
    assert!(user.roles.is_empty());
    until_resync(&mut stream).await;
    let snapshot = deputy
        .sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("Snapshot")
        .into_inner();
    assert!(
        snapshot.assignments.is_empty(),
        "without a role: {:?}",
        snapshot.assignments
    );

    // Granted a group role while watching: again a new snapshot, now with that group's work.
    let mut stream = deputy.watch(snapshot.seq).await.expect("watch again");
    admin
        .users()
        .grant_role(pb::GrantRoleRequest {
            user_id: deputy.user_id,
            expected_version: version_of(user.meta),
            grant: Some(in_group(Role::GroupMember, city.b())),
        })
        .await
        .expect("GrantRole");
    until_resync(&mut stream).await;
    let snapshot = deputy
        .sync()
        .snapshot(pb::SnapshotRequest {})
        .await
        .expect("Snapshot")
        .into_inner();
    assert_eq!(
        snapshot
            .groups
            .iter()
            .map(|g| id_of(g.meta))
            .collect::<Vec<_>>(),
        vec![city.b()],
        "a member of B sees group B"
    );
    drop((stream, deputy));
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_password_ends_the_accounts_other_sessions_and_their_watches() {
    let server = TestServer::start(|c| c.heartbeat = Duration::from_millis(50))
        .await
        .expect("server");
    let admin = server.admin().await.expect("admin");
    let user = add_user(server.db(), "changer", &[global(Role::Executor)])
        .await
        .expect("user");
    let here = login(server.addr(), "changer", TEST_PASSWORD)
        .await
        .expect("login");
    let elsewhere = login(server.addr(), "changer", TEST_PASSWORD)
        .await
        .expect("login");
    let mut watching = elsewhere.watch(0).await.expect("watch");
    here.users()
        .set_password(pb::SetPasswordRequest {
            user_id: id_of(user.meta),
            new_password: "a-new-password".into(),
            old_password: TEST_PASSWORD.into(),
        })
        .await
        .expect("SetPassword");
    let who = |u: &infogroups_tests::Authed| {
        let u = u.clone();
        async move { code_of(&u.auth().who_am_i(pb::WhoAmIRequest {}).await) }
    };
    assert_eq!(who(&here).await, Code::Ok, "the changing session goes on");
    assert_eq!(who(&elsewhere).await, Code::Unauthenticated);
    loop {
        match next_message(&mut watching, STEP).await.expect("in time") {
            Received::Message(_) => {}
            Received::Failed(s) => {
                assert_eq!(s.code(), Code::Unauthenticated, "{s:?}");
                break;
            }
            Received::Ended => panic!("the watch ended without a status"),
        }
    }

    // The administrator setting it ends every session of the account, and none of theirs.
    admin
        .users()
        .set_password(pb::SetPasswordRequest {
            user_id: id_of(user.meta),
            new_password: "reset-by-admin".into(),
            old_password: String::new(),
        })
        .await
        .expect("SetPassword by the administrator");
    assert_eq!(who(&here).await, Code::Unauthenticated);
    assert_eq!(who(&admin).await, Code::Ok);
    login(server.addr(), "changer", "reset-by-admin")
        .await
        .expect("the new password works");
    drop((watching, here, elsewhere, admin));
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn a_throttled_login_says_when_to_retry() {
    let server = TestServer::start(|c| c.login_free_attempts = 2)
        .await
        .expect("server");
    for _ in 0..2 {
        let refused = try_login(server.addr(), "admin", "wrong-guess")
            .await
            .expect("connect")
            .expect_err("wrong password");
        assert_eq!(refused.code(), Code::Unauthenticated);
    }
    let throttled = try_login(server.addr(), "admin", ADMIN_PASSWORD)
        .await
        .expect("connect")
        .expect_err("throttled");
    assert_eq!(throttled.code(), Code::ResourceExhausted, "{throttled:?}");
    let details = throttled.get_error_details();
    let delay = details
        .retry_info()
        .and_then(|r| r.retry_delay)
        .expect("a RetryInfo detail");
    assert!(delay >= Duration::from_secs(1) && delay <= Duration::from_secs(300));
    let seconds = delay.as_secs().to_string();
    assert!(throttled.message().contains(&seconds), "{throttled:?}");
    let ru = infogroups_tests::answer::ru_message(&throttled);
    assert!(ru.contains(&seconds), "{ru}");
    server.stop().await.expect("stop");
}

/// Every RPC whose request names one entity of a group (`meeting_id`, `appeal_id`,
/// `assignment_id`, `group_id`): sent by each user of group A with group B's id, and with an id
/// that does not exist. The answers must be the same refusal, so that probing tells nothing of
/// what exists in the other group, and nothing may be written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probing_the_other_groups_ids_answers_as_if_they_did_not_exist() {
    let server = TestServer::start(fuzz::server_config)
        .await
        .expect("server");
    let world = World::build(&server).await.expect("world");
    let b = world.owned[1];
    const MISSING: u64 = 9_999_999;
    let targets = [
        ("meeting_id", b.meeting),
        ("appeal_id", b.appeal),
        ("assignment_id", b.assignment),
        ("group_id", (b.group, 0)),
    ];
    let before = server.db().published_seq();
    let mut probed = 0;
    let mut differ = Vec::new();
    for method in fuzz::methods().expect("methods") {
        for (field, (id, version)) in targets {
            let Some(f) = method.input.get_field_by_name(field) else {
                continue;
            };
            if f.is_list() {
                continue;
            }
            let request = |id: u64| {
                let mut m = DynamicMessage::new(method.input.clone());
                m.set_field(&f, Value::U64(id));
                if let Some(v) = method.input.get_field_by_name("expected_version") {
                    m.set_field(&v, Value::U64(version));
                }
                Bytes::from(m.encode_to_vec())
            };
            for who in ["leader_a", "secretary_a", "member_a"] {
                let caller = world.caller(who).expect("caller");
                let mut codes = Vec::new();
                for id in [id, MISSING] {
                    let answer = fuzz::call_raw(
                        caller.channel(),
                        Bearer::new(&caller.token).expect("bearer"),
                        &method,
                        request(id),
                    )
                    .await
                    .expect("call");
                    codes.push(match &answer.result {
                        Ok(_) => Code::Ok,
                        Err(s) => s.code(),
                    });
                }
                probed += 1;
                let (existing, missing) = (codes[0], codes[1]);
                // The same answer either way (a refusal, or the same validation error when the
                // request is incomplete), and never a success on the other group's entity.
                if existing != missing || (existing == Code::Ok && field != "group_id") {
                    differ.push(format!(
                        "{} {field} as {who}: B's id -> {existing:?}, a missing id -> {missing:?}",
                        method.name
                    ));
                }
            }
        }
    }
    assert!(probed > 40, "only {probed} probes");
    assert!(
        differ.is_empty(),
        "probing tells what exists in the other group:\n{}",
        differ.join("\n")
    );
    assert_eq!(server.db().published_seq(), before, "probes wrote nothing");
    drop(world);
    server.stop().await.expect("stop");
}

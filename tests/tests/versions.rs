//! Optimistic concurrency and idempotent creates: a stale `expected_version` is `Aborted` and
//! changes nothing; a repeated `request_id` returns the first result and creates nothing.

use chrono::Days;
use infogroups_server::db::Db;
use infogroups_server::entity::Entity;
use infogroups_shared::pb::{self, Role, TransitionKind as T};
use infogroups_tests::fixtures::{
    add_user, api_date, assignment_request, create_assignment, global, id_of, request_id,
    save_territory, territory_request, transition, version_of,
};
use infogroups_tests::watch::entity_of;
use infogroups_tests::{City, TestServer};
use tonic::{Code, Response, Status};

/// Checks a stale update's answer: `Aborted`, naming the current version, nothing stored or
/// published, the entity as it was.
fn assert_stale<T, E: Entity + PartialEq + std::fmt::Debug>(
    what: &str,
    db: &Db,
    answer: Result<Response<T>, Status>,
    seq_before: u64,
    before: &E,
) {
    let status = match answer {
        Ok(_) => panic!("{what}: a stale version was accepted"),
        Err(s) => s,
    };
    assert_eq!(status.code(), Code::Aborted, "{what}: {status:?}");
    let current = before.meta().version;
    assert!(
        status.message().contains(&format!("version {current}")),
        "{what}: the answer names the current version {current}: {}",
        status.message()
    );
    assert_eq!(db.published_seq(), seq_before, "{what}: nothing published");
    let now: E = db
        .get(before.meta().id)
        .expect("read")
        .expect("the entity still exists");
    assert_eq!(&now, before, "{what}: the entity is unchanged");
}

/// Reads an entity as stored.
fn stored<E: Entity>(db: &Db, id: u64) -> E {
    db.get(id).expect("read").expect("exists")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_version_is_aborted_and_changes_nothing() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let db = server.db();
    let admin = &city.admin;

    // An account changed once by someone else: version 2, the client still holds 1.
    let user = add_user(db, "target", &[global(Role::Executor)])
        .await
        .expect("user");
    let uid = id_of(user.meta);
    admin
        .users()
        .update_user(pb::UpdateUserRequest {
            user_id: uid,
            expected_version: 1,
            full_name: "Изменено другим".into(),
            ..Default::default()
        })
        .await
        .expect("first update");
    let user: pb::User = stored(db, uid);
    let seq = db.published_seq();
    let answer = admin
        .users()
        .update_user(pb::UpdateUserRequest {
            user_id: uid,
            expected_version: 1,
            full_name: "Потерянное изменение".into(),
            ..Default::default()
        })
        .await;
    assert_stale("UpdateUser", db, answer, seq, &user);
    let answer = admin
        .users()
        .grant_role(pb::GrantRoleRequest {
            user_id: uid,
            expected_version: 1,
            grant: Some(global(Role::Head)),
        })
        .await;
    assert_stale("GrantRole", db, answer, seq, &user);
    let answer = admin
        .users()
        .revoke_role(pb::RevokeRoleRequest {
            user_id: uid,
            expected_version: 1,
            grant: Some(global(Role::Executor)),
        })
        .await;
    assert_stale("RevokeRole", db, answer, seq, &user);
    let answer = admin
        .users()
        .archive_user(pb::ArchiveUserRequest {
            user_id: uid,
            expected_version: 1,
        })
        .await;
    assert_stale("ArchiveUser", db, answer, seq, &user);

    // A territory.
    let mut territory = save_territory(admin, "Посёлок Западный")
        .await
        .expect("territory");
    territory.description = "первая правка".into();
    let tid = id_of(territory.meta);
    admin
        .directory()
        .save_territory(pb::SaveTerritoryRequest {
            request_id: String::new(),
            expected_version: 1,
            territory: Some(territory.clone()),
        })
        .await
        .expect("first edit");
    let current: pb::Territory = stored(db, tid);
    let seq = db.published_seq();
    territory.description = "вторая правка по старой версии".into();
    let answer = admin
        .directory()
        .save_territory(pb::SaveTerritoryRequest {
            request_id: String::new(),
            expected_version: 1,
            territory: Some(territory),
        })
        .await;
    assert_stale("SaveTerritory", db, answer, seq, &current);
    let answer = admin
        .directory()
        .archive(pb::ArchiveRequest {
            kind: pb::DirectoryKind::Territory as i32,
            id: tid,
            expected_version: 1,
        })
        .await;
    assert_stale("Archive", db, answer, seq, &current);

    // Group A, renamed once by its leader.
    let mut group = city.group_a.clone();
    group.name = "Группа № 1 (переименована)".into();
    city.leader_a
        .groups()
        .update_group(pb::UpdateGroupRequest {
            expected_version: version_of(group.meta),
            group: Some(group.clone()),
            reason: String::new(),
        })
        .await
        .expect("first rename");
    let current: pb::Group = stored(db, city.a());
    let seq = db.published_seq();
    group.member_ids.clear();
    let answer = admin
        .groups()
        .update_group(pb::UpdateGroupRequest {
            expected_version: version_of(city.group_a.meta),
            group: Some(group),
            reason: "по старой версии".into(),
        })
        .await;
    assert_stale("UpdateGroup", db, answer, seq, &current);

    // An assignment whose executor reported: the controller's view of version 1 is stale.
    let a = create_assignment(&city.leader_a, city.a(), city.executor.user_id)
        .await
        .expect("assignment");
    transition(&city.executor, &a, T::SubmitReport)
        .await
        .expect("report");
    let current: pb::Assignment = stored(db, id_of(a.meta));
    let seq = db.published_seq();
    let answer = city
        .secretary_a
        .assignments()
        .transition(pb::TransitionRequest {
            assignment_id: id_of(a.meta),
            expected_version: version_of(a.meta),
            kind: T::Return as i32,
            text: "Переделать".into(),
        })
        .await;
    assert_stale("Transition", db, answer, seq, &current);

    // An extension request on an assignment changed since the executor loaded it.
    let b = create_assignment(&city.leader_a, city.a(), city.executor.user_id)
        .await
        .expect("assignment");
    let deadline = b.deadline.as_ref().and_then(|d| d.date.as_ref());
    let later = infogroups_shared::validate::to_naive(deadline.expect("deadline"))
        .and_then(|d| d.checked_add_days(Days::new(10)))
        .map(api_date)
        .expect("a later date");
    let request = |version| pb::RequestExtensionRequest {
        assignment_id: id_of(b.meta),
        expected_version: version,
        new_deadline: Some(later),
        reason: "Подрядчик задерживает поставку".into(),
    };
    let b = city
        .executor
        .assignments()
        .request_extension(request(1))
        .await
        .expect("extension request")
        .into_inner();
    let current: pb::Assignment = stored(db, id_of(b.meta));
    let seq = db.published_seq();
    let answer = city
        .leader_a
        .assignments()
        .decide_extension(pb::DecideExtensionRequest {
            assignment_id: id_of(b.meta),
            expected_version: 1,
            grant: true,
            comment: String::new(),
        })
        .await;
    assert_stale("DecideExtension", db, answer, seq, &current);
    drop(city);
    server.stop().await.expect("stop");
}

/// The events published after `seq` that created an entity of `kind`.
fn created_since(db: &Db, seq: u64, kind: &str) -> Vec<u64> {
    db.events_after(seq, 100_000)
        .expect("event log")
        .iter()
        .filter(|e| e.action == pb::EventAction::Created as i32)
        .map(entity_of)
        .filter(|(k, _)| *k == kind)
        .map(|(_, id)| id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_request_id_returns_the_first_result_and_creates_nothing() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let db = server.db();

    // Sequential repeats.
    let seq = db.published_seq();
    let req = assignment_request(city.a(), city.executor.user_id);
    let first = city
        .leader_a
        .assignments()
        .create_assignment(req.clone())
        .await
        .expect("create")
        .into_inner();
    let again = city
        .leader_a
        .assignments()
        .create_assignment(pb::CreateAssignmentRequest {
            text: "другой текст, тот же request_id".into(),
            ..req.clone()
        })
        .await
        .expect("repeat")
        .into_inner();
    assert_eq!(id_of(again.meta), id_of(first.meta));
    assert_eq!(
        again.text, first.text,
        "the first result, not the second request"
    );
    assert_eq!(
        created_since(db, seq, "assignment"),
        vec![id_of(first.meta)]
    );

    // Eight concurrent repeats of one territory.
    let seq = db.published_seq();
    let req = territory_request("Микрорайон Молодёжный");
    let answers = futures::future::join_all((0..8).map(|_| {
        let mut directory = city.admin.directory();
        let req = req.clone();
        async move { directory.save_territory(req).await }
    }))
    .await;
    let ids: Vec<u64> = answers
        .into_iter()
        .map(|a| id_of(a.expect("save").into_inner().meta))
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "one entity: {ids:?}");
    assert_eq!(created_since(db, seq, "territory"), vec![ids[0]]);

    // Accounts, groups and sub-assignments.
    let seq = db.published_seq();
    let req = pb::CreateUserRequest {
        request_id: request_id("user"),
        username: "newcomer".into(),
        password: "Ветер над Грушевкой 1937".into(),
        full_name: "Новый Сотрудник".into(),
        ..Default::default()
    };
    let u1 = city
        .admin
        .users()
        .create_user(req.clone())
        .await
        .expect("create user");
    let u2 = city
        .admin
        .users()
        .create_user(req)
        .await
        .expect("repeat user");
    assert_eq!(id_of(u1.get_ref().meta), id_of(u2.get_ref().meta));
    assert_eq!(
        created_since(db, seq, "user"),
        vec![id_of(u1.get_ref().meta)]
    );

    let seq = db.published_seq();
    let req = pb::CreateGroupRequest {
        request_id: request_id("group"),
        group: Some(pb::Group {
            number: 7,
            name: "Информационная группа № 7".into(),
            leader_id: id_of(u1.get_ref().meta),
            secretary_id: city.executor2.user_id,
            ..Default::default()
        }),
    };
    let g1 = city
        .admin
        .groups()
        .create_group(req.clone())
        .await
        .expect("group");
    let g2 = city
        .admin
        .groups()
        .create_group(req)
        .await
        .expect("repeat group");
    assert_eq!(id_of(g1.get_ref().meta), id_of(g2.get_ref().meta));
    assert_eq!(
        created_since(db, seq, "group"),
        vec![id_of(g1.get_ref().meta)]
    );

    let seq = db.published_seq();
    let req = pb::CreateSubAssignmentRequest {
        request_id: request_id("sub"),
        parent_id: id_of(first.meta),
        text: "Подготовить смету".into(),
        executor_id: city.executor2.user_id,
        deadline: first.deadline.as_ref().and_then(|d| d.date),
    };
    let s1 = city
        .executor
        .assignments()
        .create_sub_assignment(req.clone())
        .await
        .expect("sub");
    let s2 = city
        .executor
        .assignments()
        .create_sub_assignment(req)
        .await
        .expect("repeat sub");
    assert_eq!(id_of(s1.get_ref().meta), id_of(s2.get_ref().meta));
    assert_eq!(
        created_since(db, seq, "assignment"),
        vec![id_of(s1.get_ref().meta)]
    );
    let parent: pb::Assignment = stored(db, id_of(first.meta));
    assert_eq!(
        parent.child_ids,
        vec![id_of(s1.get_ref().meta)],
        "linked once"
    );
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_belong_to_their_sender() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let req = assignment_request(city.a(), city.executor.user_id);
    let by_leader = city
        .leader_a
        .assignments()
        .create_assignment(req.clone())
        .await
        .expect("leader");
    let by_secretary = city
        .secretary_a
        .assignments()
        .create_assignment(req)
        .await
        .expect("secretary");
    assert_ne!(
        id_of(by_leader.get_ref().meta),
        id_of(by_secretary.get_ref().meta),
        "the same request id from two users makes two assignments"
    );
    drop(city);
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn a_repeated_request_id_is_remembered_across_a_restart() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let req = territory_request("Посёлок Самбек");
    let first = admin
        .directory()
        .save_territory(req.clone())
        .await
        .expect("save")
        .into_inner();
    drop(admin);
    let server = server.restart().await.expect("restart");
    let seq = server.db().published_seq();
    let admin = server.admin().await.expect("admin");
    let again = admin
        .directory()
        .save_territory(req)
        .await
        .expect("repeat")
        .into_inner();
    assert_eq!(again, first);
    assert_eq!(
        server.db().published_seq(),
        seq,
        "nothing new after the restart"
    );
    drop(admin);
    server.stop().await.expect("stop");
}

#[tokio::test]
async fn archiving_a_directory_entry_marks_it_archived_and_hides_it() {
    let server = TestServer::start_default().await.expect("server");
    let admin = server.admin().await.expect("admin");
    let t = save_territory(&admin, "Посёлок Комиссаровка")
        .await
        .expect("territory");
    admin
        .directory()
        .archive(pb::ArchiveRequest {
            kind: pb::DirectoryKind::Territory as i32,
            id: id_of(t.meta),
            expected_version: version_of(t.meta),
        })
        .await
        .expect("Archive");
    let stored: pb::Territory = stored(server.db(), id_of(t.meta));
    assert!(
        stored.meta.is_some_and(|m| m.archived),
        "the stored territory is archived: {:?}",
        stored.meta
    );
    let listed = admin
        .directory()
        .list_directory(pb::ListDirectoryRequest {
            kind: pb::DirectoryKind::Territory as i32,
            include_archived: false,
        })
        .await
        .expect("ListDirectory")
        .into_inner()
        .territories;
    assert!(
        listed.iter().all(|x| id_of(x.meta) != id_of(t.meta)),
        "hidden from pickers"
    );
    drop(admin);
    server.stop().await.expect("stop");
}

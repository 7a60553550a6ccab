//! A group's number is its own, a territory is served by one group, and the leader decides the
//! group's people but not its number or territories.

use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;
use infogroups_tests::fixtures::{id_of, request_id, save_territory, version_of};
use infogroups_tests::{City, TestServer};
use tonic::{Code, Response, Status};

fn refused_on<T: std::fmt::Debug>(answer: Result<Response<T>, Status>, field: &str) {
    let status = answer.expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(
        FieldError::from_status(&status).map(|f| f.field),
        Some(field.to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_and_territories_are_not_shared_and_the_leader_keeps_to_the_people() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let a: pb::Group = server.db().get(city.a()).expect("read").expect("group A");
    let new = |number: u32, territories: Vec<u64>| pb::CreateGroupRequest {
        request_id: request_id("group"),
        group: Some(pb::Group {
            number,
            name: format!("Информационная группа № {number}"),
            leader_id: city.executor.user_id,
            secretary_id: city.executor2.user_id,
            territory_ids: territories,
            ..Default::default()
        }),
    };
    refused_on(
        city.admin
            .groups()
            .create_group(new(a.number, vec![]))
            .await,
        "group.number",
    );
    let t = id_of(
        save_territory(&city.admin, "хутор Степной")
            .await
            .expect("territory")
            .meta,
    );
    city.admin
        .groups()
        .create_group(new(91, vec![t]))
        .await
        .expect("a free number and territory");
    refused_on(
        city.admin.groups().create_group(new(92, vec![t])).await,
        "group.territory_ids[0]",
    );

    // The leader renumbers: refused; changes the members: accepted.
    let mut renumbered = a.clone();
    renumbered.number = 99;
    refused_on(
        city.leader_a
            .groups()
            .update_group(pb::UpdateGroupRequest {
                expected_version: version_of(a.meta),
                group: Some(renumbered),
                reason: String::new(),
            })
            .await,
        "group.number",
    );
    let mut members = a.clone();
    members.member_ids.push(city.executor.user_id);
    let changed = city
        .leader_a
        .groups()
        .update_group(pb::UpdateGroupRequest {
            expected_version: version_of(a.meta),
            group: Some(members),
            reason: "новый член группы".into(),
        })
        .await
        .expect("the leader decides the people")
        .into_inner();
    assert!(changed.member_ids.contains(&city.executor.user_id));
    assert_eq!(id_of(changed.meta), id_of(a.meta));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_secretary_is_refused_so_the_card_and_the_grants_agree() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let a: pb::Group = server.db().get(city.a()).expect("read").expect("group A");
    let someone: pb::User = server
        .db()
        .get(city.executor2.user_id)
        .expect("read")
        .expect("the executor");
    let grant = |role: pb::Role, user: &pb::User| pb::GrantRoleRequest {
        user_id: id_of(user.meta),
        expected_version: version_of(user.meta),
        grant: Some(infogroups_tests::fixtures::in_group(role, city.a())),
    };
    for role in [pb::Role::GroupSecretary, pb::Role::GroupLeader] {
        let refused = city
            .admin
            .users()
            .grant_role(grant(role, &someone))
            .await
            .expect_err("a second holder of the post");
        assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
        assert!(refused.message().contains("group's card"), "{refused:?}");
    }
    // Nothing changed: the grants still match the card.
    let after: pb::User = server
        .db()
        .get(city.executor2.user_id)
        .expect("read")
        .expect("the executor");
    assert_eq!(after.roles, someone.roles);
    // A member is not a post: any number of them.
    city.admin
        .users()
        .grant_role(grant(pb::Role::GroupMember, &someone))
        .await
        .expect("a member");
    // The card's own secretary holding the role again is no change and no refusal.
    let secretary: pb::User = server
        .db()
        .get(a.secretary_id)
        .expect("read")
        .expect("the secretary");
    city.admin
        .users()
        .grant_role(grant(pb::Role::GroupSecretary, &secretary))
        .await
        .expect("the card's secretary");
}

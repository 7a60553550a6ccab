//! Extension requests end with their assignment: accepting the report (or removing the
//! assignment from control) leaves no request waiting for a decision nobody will make.

use infogroups_shared::pb::{self, TransitionKind as T};
use infogroups_tests::fixtures::{ask_for_days, create_assignment, grant_extension, transition};
use infogroups_tests::{City, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepting_the_report_closes_a_pending_extension_request() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let a = create_assignment(&city.leader_a, city.a(), city.executor.user_id)
        .await
        .expect("assignment");
    let a = ask_for_days(&city.executor, &a, 10)
        .await
        .expect("extension request");
    let a = transition(&city.executor, &a, T::SubmitReport)
        .await
        .expect("report");
    let a = transition(&city.leader_a, &a, T::Accept)
        .await
        .expect("accepted");
    assert_eq!(a.status, pb::AssignmentStatus::DoneOnTime as i32);
    let e = a.extensions.last().cloned().unwrap_or_default();
    assert_eq!(
        e.state,
        pb::ExtensionState::Refused as i32,
        "no longer pending"
    );
    assert_eq!(e.decided_by, city.leader_a.user_id);
    assert!(!e.comment.is_empty(), "why it was closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignment_the_secretary_enters_is_the_leaders_and_the_leader_decides_its_extension() {
    let server = TestServer::start_default().await.expect("server");
    let city = City::build(&server).await.expect("city");
    let a = create_assignment(&city.secretary_a, city.a(), city.executor.user_id)
        .await
        .expect("assignment");
    assert_eq!(
        a.issuer_id, city.leader_a.user_id,
        "issued in the leader's name"
    );
    assert_eq!(
        a.controller_id, city.secretary_a.user_id,
        "controlled by the secretary"
    );
    let a = ask_for_days(&city.executor, &a, 5)
        .await
        .expect("extension request");
    let refused = grant_extension(&city.secretary_a, &a)
        .await
        .expect_err("not the secretary's");
    assert_eq!(refused.code(), tonic::Code::PermissionDenied);
    let a = grant_extension(&city.leader_a, &a)
        .await
        .expect("the leader decides");
    assert_eq!(
        a.extensions.last().map(|e| e.state),
        Some(pb::ExtensionState::Granted as i32)
    );
}
